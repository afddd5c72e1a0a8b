//! Emulation goals (C9): a unit's goals for a movement's phase, in the order registered, with
//! the result recorded at the phase's end under a version check.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use sqlx::AnyConnection;
use trienkhai_core::emulation::Goal;
use trienkhai_core::ids::{DocumentId, UnitId};
use trienkhai_core::period::Period;

use crate::sql::{self, RowExt};
use crate::targets::decimal_text;
use crate::{Result, StoreError};

/// A goal as stored, with its result when recorded.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct EmulationGoal {
    pub id: i64,
    pub document_id: DocumentId,
    pub unit_id: UnitId,
    #[serde(flatten)]
    pub goal: Goal,
    pub result: Option<Decimal>,
    /// The unit's "đạt" for a goal in words.
    pub achieved: Option<bool>,
    pub result_note: Option<String>,
    pub row_version: i64,
}

fn corrupt(e: impl ToString) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

fn decimal(r: &sqlx::any::AnyRow, col: &str) -> Result<Option<Decimal>> {
    r.opt_text(col)?
        .map(|s| s.parse().map_err(|_| corrupt(format!("decimal {s:?}"))))
        .transpose()
}

const COLUMNS: &str = "id, document_id, unit_id, phase, title, measure, goal, result, achieved, \
     result_note, row_version";

fn from_row(r: &sqlx::any::AnyRow) -> Result<EmulationGoal> {
    Ok(EmulationGoal {
        id: r.int("id")?,
        document_id: DocumentId(r.int("document_id")?),
        unit_id: UnitId(r.int("unit_id")?),
        goal: Goal {
            phase: Period::parse(&r.text("phase")?).map_err(corrupt)?,
            title: r.text("title")?,
            measure: r.opt_text("measure")?,
            goal: decimal(r, "goal")?,
        },
        result: decimal(r, "result")?,
        achieved: r.opt_int("achieved")?.map(|a| a != 0),
        result_note: r.opt_text("result_note")?,
        row_version: r.int("row_version")?,
    })
}

/// Registers a goal after the unit's others of the same document and phase.
pub async fn insert_goal(
    conn: &mut AnyConnection,
    document: DocumentId,
    unit: UnitId,
    goal: &Goal,
    now: DateTime<Utc>,
) -> Result<i64> {
    let phase = goal.phase.to_string();
    let position: i64 = sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM emulation_goals \
         WHERE document_id = $1 AND unit_id = $2 AND phase = $3",
    )
    .bind(document.0)
    .bind(unit.0)
    .bind(&phase)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query_scalar(
        "INSERT INTO emulation_goals (document_id, unit_id, phase, position, title, measure, goal, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
    )
    .bind(document.0)
    .bind(unit.0)
    .bind(phase)
    .bind(position + 1)
    .bind(&goal.title)
    .bind(goal.measure.as_deref())
    .bind(goal.goal.map(decimal_text))
    .bind(sql::instant(now))
    .fetch_one(conn)
    .await
    .map_err(StoreError::classify)
}

pub async fn get_goal(conn: &mut AnyConnection, id: i64) -> Result<EmulationGoal> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM emulation_goals WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    from_row(&row)
}

/// The goals of a document registered by `units`, by unit, phase and order.
pub async fn goals_of(
    conn: &mut AnyConnection,
    document: DocumentId,
    units: &[UnitId],
) -> Result<Vec<EmulationGoal>> {
    let mut out = Vec::new();
    for chunk in units.chunks(500) {
        let list = sql::id_list(chunk.iter().map(|u| u.0));
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM emulation_goals WHERE document_id = $1 AND unit_id IN ({list}) \
             ORDER BY unit_id, phase, position"
        ))
        .bind(document.0)
        .fetch_all(&mut *conn)
        .await?;
        for r in &rows {
            out.push(from_row(r)?);
        }
    }
    Ok(out)
}

/// Records the result of a goal still at `expected_version`; answers the new version.
pub async fn set_result(
    conn: &mut AnyConnection,
    id: i64,
    result: Option<Decimal>,
    achieved: Option<bool>,
    note: Option<&str>,
    expected_version: i64,
    now: DateTime<Utc>,
) -> Result<i64> {
    let new: Option<i64> = sqlx::query_scalar(
        "UPDATE emulation_goals SET result = $1, achieved = $2, result_note = $3, updated_at = $4, \
         row_version = row_version + 1 WHERE id = $5 AND row_version = $6 RETURNING row_version",
    )
    .bind(result.map(decimal_text))
    .bind(achieved.map(i64::from))
    .bind(note)
    .bind(sql::instant(now))
    .bind(id)
    .bind(expected_version)
    .fetch_optional(&mut *conn)
    .await?;
    match new {
        Some(v) => Ok(v),
        None => {
            get_goal(conn, id).await?;
            Err(StoreError::Conflict)
        }
    }
}
