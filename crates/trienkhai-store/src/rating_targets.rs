//! Targets computed from year-end ratings (C12): which target takes its value from the decided
//! ratings of which subject, at which level or better, and (for organisations) of which kinds
//! of unit. One link per target.

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;
use trienkhai_core::grading::{Level, Subject};
use trienkhai_core::ids::TargetId;

use crate::sql::{self, RowExt};
use crate::{Result, StoreError};

/// A target fed by decided ratings.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct RatingTarget {
    pub target_id: TargetId,
    pub subject: Subject,
    /// The level counted and every better one ("hoàn thành tốt nhiệm vụ trở lên": good).
    pub min_level: Level,
    /// The kinds of organisation counted (`dang_uy_xa` for grassroots organisations); empty:
    /// every kind.
    pub unit_kinds: Vec<String>,
}

fn corrupt(e: impl ToString) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

fn from_row(r: &sqlx::any::AnyRow) -> Result<RatingTarget> {
    Ok(RatingTarget {
        target_id: TargetId(r.int("target_id")?),
        subject: Subject::parse(&r.text("subject")?).map_err(corrupt)?,
        min_level: Level::parse(&r.text("min_level")?).map_err(corrupt)?,
        unit_kinds: r
            .text("unit_kinds")?
            .split(',')
            .filter(|k| !k.is_empty())
            .map(str::to_owned)
            .collect(),
    })
}

const COLUMNS: &str = "target_id, subject, min_level, unit_kinds";

/// Links a target to ratings, replacing an earlier link.
pub async fn link(conn: &mut AnyConnection, link: &RatingTarget, now: DateTime<Utc>) -> Result<()> {
    sqlx::query(
        "INSERT INTO rating_targets (target_id, subject, min_level, unit_kinds, updated_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (target_id) DO UPDATE SET \
         subject = excluded.subject, min_level = excluded.min_level, \
         unit_kinds = excluded.unit_kinds, updated_at = excluded.updated_at",
    )
    .bind(link.target_id.0)
    .bind(link.subject.as_str())
    .bind(link.min_level.as_str())
    .bind(link.unit_kinds.join(","))
    .bind(sql::instant(now))
    .execute(conn)
    .await?;
    Ok(())
}

/// The target's link, if it is computed from ratings.
pub async fn link_of(conn: &mut AnyConnection, target: TargetId) -> Result<Option<RatingTarget>> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM rating_targets WHERE target_id = $1"
    ))
    .bind(target.0)
    .fetch_optional(conn)
    .await?
    .as_ref()
    .map(from_row)
    .transpose()
}

/// The targets fed by ratings of `subject` (a handful).
pub async fn fed_by(conn: &mut AnyConnection, subject: Subject) -> Result<Vec<RatingTarget>> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM rating_targets WHERE subject = $1 ORDER BY target_id"
    ))
    .bind(subject.as_str())
    .fetch_all(conn)
    .await?
    .iter()
    .map(from_row)
    .collect()
}

/// Every target computed from ratings: what report forms leave out.
pub async fn computed_ids(conn: &mut AnyConnection) -> Result<Vec<TargetId>> {
    let ids: Vec<i64> = sqlx::query_scalar("SELECT target_id FROM rating_targets")
        .fetch_all(conn)
        .await?;
    Ok(ids.into_iter().map(TargetId).collect())
}
