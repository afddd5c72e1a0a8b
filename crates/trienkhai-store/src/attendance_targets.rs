//! Targets computed from attendance (C10): which target takes its value from the study sessions
//! of which document, counting which audiences. One link per target.

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;
use trienkhai_core::attendance::Audience;
use trienkhai_core::ids::{DocumentId, TargetId};

use crate::sql::{self, RowExt};
use crate::{Result, StoreError};

/// A target fed by the attendance of a document's study sessions.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct AttendanceTarget {
    pub target_id: TargetId,
    pub document_id: DocumentId,
    /// Who counts (key cadres and party members for "cán bộ, đảng viên").
    pub audiences: Vec<Audience>,
}

fn from_row(r: &sqlx::any::AnyRow) -> Result<AttendanceTarget> {
    let audiences = r
        .text("audiences")?
        .split(',')
        .filter(|a| !a.is_empty())
        .map(Audience::parse)
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok(AttendanceTarget {
        target_id: TargetId(r.int("target_id")?),
        document_id: DocumentId(r.int("document_id")?),
        audiences,
    })
}

/// Links a target to a document's attendance, replacing an earlier link.
pub async fn link(
    conn: &mut AnyConnection,
    link: &AttendanceTarget,
    now: DateTime<Utc>,
) -> Result<()> {
    let audiences = link
        .audiences
        .iter()
        .map(|a| a.as_str())
        .collect::<Vec<_>>()
        .join(",");
    sqlx::query(
        "INSERT INTO attendance_targets (target_id, document_id, audiences, updated_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (target_id) DO UPDATE SET \
         document_id = excluded.document_id, audiences = excluded.audiences, \
         updated_at = excluded.updated_at",
    )
    .bind(link.target_id.0)
    .bind(link.document_id.0)
    .bind(audiences)
    .bind(sql::instant(now))
    .execute(conn)
    .await?;
    Ok(())
}

/// Ends a target's link: its values are typed again.
pub async fn unlink(conn: &mut AnyConnection, target: TargetId) -> Result<()> {
    sqlx::query("DELETE FROM attendance_targets WHERE target_id = $1")
        .bind(target.0)
        .execute(conn)
        .await?;
    Ok(())
}

/// The target's link, if it is computed from attendance.
pub async fn link_of(
    conn: &mut AnyConnection,
    target: TargetId,
) -> Result<Option<AttendanceTarget>> {
    sqlx::query(
        "SELECT target_id, document_id, audiences FROM attendance_targets WHERE target_id = $1",
    )
    .bind(target.0)
    .fetch_optional(conn)
    .await?
    .as_ref()
    .map(from_row)
    .transpose()
}

/// The targets a document's sessions feed.
pub async fn fed_by(
    conn: &mut AnyConnection,
    document: DocumentId,
) -> Result<Vec<AttendanceTarget>> {
    sqlx::query(
        "SELECT target_id, document_id, audiences FROM attendance_targets \
         WHERE document_id = $1 ORDER BY target_id",
    )
    .bind(document.0)
    .fetch_all(conn)
    .await?
    .iter()
    .map(from_row)
    .collect()
}

/// Every computed target's id (a handful): what report forms leave out.
pub async fn computed_ids(conn: &mut AnyConnection) -> Result<Vec<TargetId>> {
    let ids: Vec<i64> = sqlx::query_scalar("SELECT target_id FROM attendance_targets")
        .fetch_all(conn)
        .await?;
    Ok(ids.into_iter().map(TargetId).collect())
}
