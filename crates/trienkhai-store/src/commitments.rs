//! Commitments (C9): one per person and year, filed in a unit (its cell), its sections, their
//! year-end self-assessment and the cell's remark, with row versions so that two editors never
//! overwrite each other.

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;
use trienkhai_core::commitment::{Section, SectionAssessment};
use trienkhai_core::ids::{AccountId, PersonId, UnitId};
use trienkhai_core::registration::{Outcome, RegistrationState};

use crate::registrations::StateChange;
use crate::sql::{self, RowExt};
use crate::{Result, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Commitment {
    pub id: i64,
    pub person_id: PersonId,
    pub year: i32,
    /// Where it is filed: its cell (or the unit of the person's post), which approves it.
    pub unit_id: UnitId,
    pub state: RegistrationState,
    pub submitted_at: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by: Option<AccountId>,
    pub decision_comment: Option<String>,
    /// The cell's remark at year end.
    pub remark: Option<String>,
    pub remarked_at: Option<DateTime<Utc>>,
    pub row_version: i64,
}

/// A section as written, with its year-end assessment when made.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct CommitmentSection {
    pub section: Section,
    pub content: String,
    pub assessment: Option<SectionAssessment>,
}

const COLUMNS: &str = "id, person_id, year, unit_id, state, submitted_at, decided_at, decided_by, \
     decision_comment, remark, remarked_at, row_version";

fn corrupt(e: impl ToString) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

fn from_row(r: &sqlx::any::AnyRow) -> Result<Commitment> {
    Ok(Commitment {
        id: r.int("id")?,
        person_id: PersonId(r.int("person_id")?),
        year: i32::try_from(r.int("year")?).map_err(corrupt)?,
        unit_id: UnitId(r.int("unit_id")?),
        state: RegistrationState::parse(&r.text("state")?).map_err(corrupt)?,
        submitted_at: r.opt_instant("submitted_at")?,
        decided_at: r.opt_instant("decided_at")?,
        decided_by: r.opt_int("decided_by")?.map(AccountId),
        decision_comment: r.opt_text("decision_comment")?,
        remark: r.opt_text("remark")?,
        remarked_at: r.opt_instant("remarked_at")?,
        row_version: r.int("row_version")?,
    })
}

/// Opens a person's commitment of a year, as a draft; a second one is a duplicate.
pub async fn insert_commitment(
    conn: &mut AnyConnection,
    person: PersonId,
    year: i32,
    unit: UnitId,
    now: DateTime<Utc>,
) -> Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO commitments (person_id, year, unit_id, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $4) RETURNING id",
    )
    .bind(person.0)
    .bind(i64::from(year))
    .bind(unit.0)
    .bind(sql::instant(now))
    .fetch_one(conn)
    .await
    .map_err(StoreError::classify)
}

pub async fn get_commitment(conn: &mut AnyConnection, id: i64) -> Result<Commitment> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM commitments WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    from_row(&row)
}

/// The person's commitment of a year, if any.
pub async fn commitment_of(
    conn: &mut AnyConnection,
    person: PersonId,
    year: i32,
) -> Result<Option<Commitment>> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM commitments WHERE person_id = $1 AND year = $2"
    ))
    .bind(person.0)
    .bind(i64::from(year))
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// The commitments of a year filed in `units`.
pub async fn commitments_in_units(
    conn: &mut AnyConnection,
    units: &[UnitId],
    year: i32,
) -> Result<Vec<Commitment>> {
    let mut out = Vec::new();
    for chunk in units.chunks(500) {
        let list = sql::id_list(chunk.iter().map(|u| u.0));
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM commitments WHERE unit_id IN ({list}) AND year = $1"
        ))
        .bind(i64::from(year))
        .fetch_all(&mut *conn)
        .await?;
        for r in &rows {
            out.push(from_row(r)?);
        }
    }
    Ok(out)
}

async fn new_version_or_conflict(
    conn: &mut AnyConnection,
    id: i64,
    new: Option<i64>,
) -> Result<i64> {
    match new {
        Some(v) => Ok(v),
        None => {
            get_commitment(conn, id).await?;
            Err(StoreError::Conflict)
        }
    }
}

/// Moves the state if the row is still at `expected_version`; answers the new version.
pub async fn set_state(
    conn: &mut AnyConnection,
    id: i64,
    state: RegistrationState,
    change: StateChange<'_>,
    expected_version: i64,
    now: DateTime<Utc>,
) -> Result<i64> {
    let new = crate::registrations::update_state(
        conn,
        "commitments",
        id,
        state,
        change,
        expected_version,
        now,
    )
    .await?;
    new_version_or_conflict(conn, id, new).await
}

/// Replaces the sections of a commitment still at `expected_version`; answers the new version.
pub async fn replace_sections(
    conn: &mut AnyConnection,
    id: i64,
    sections: &[(Section, String)],
    expected_version: i64,
    now: DateTime<Utc>,
) -> Result<i64> {
    let new: Option<i64> = sqlx::query_scalar(
        "UPDATE commitments SET updated_at = $1, row_version = row_version + 1 \
         WHERE id = $2 AND row_version = $3 RETURNING row_version",
    )
    .bind(sql::instant(now))
    .bind(id)
    .bind(expected_version)
    .fetch_optional(&mut *conn)
    .await?;
    let version = new_version_or_conflict(conn, id, new).await?;
    sqlx::query("DELETE FROM commitment_sections WHERE commitment_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for (section, content) in sections {
        sqlx::query(
            "INSERT INTO commitment_sections (commitment_id, section, content) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(section.as_str())
        .bind(content)
        .execute(&mut *conn)
        .await
        .map_err(StoreError::classify)?;
    }
    Ok(version)
}

/// Records the year-end assessment of a section; [`StoreError::NotFound`] when the commitment
/// has no such section.
pub async fn set_section_assessment(
    conn: &mut AnyConnection,
    id: i64,
    section: Section,
    assessment: &SectionAssessment,
) -> Result<()> {
    let done = sqlx::query(
        "UPDATE commitment_sections SET outcome = $1, assessment = $2 \
         WHERE commitment_id = $3 AND section = $4",
    )
    .bind(assessment.outcome.as_str())
    .bind(&assessment.text)
    .bind(id)
    .bind(section.as_str())
    .execute(conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// The cell's remark at year end.
pub async fn set_remark(
    conn: &mut AnyConnection,
    id: i64,
    remark: &str,
    by: Option<AccountId>,
    now: DateTime<Utc>,
) -> Result<()> {
    let done = sqlx::query(
        "UPDATE commitments SET remark = $1, remarked_at = $2, remarked_by = $3, updated_at = $2 \
         WHERE id = $4",
    )
    .bind(remark)
    .bind(sql::instant(now))
    .bind(by.map(|a| a.0))
    .bind(id)
    .execute(conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// The sections of a commitment, in the form's order.
pub async fn sections_of(conn: &mut AnyConnection, id: i64) -> Result<Vec<CommitmentSection>> {
    let rows = sqlx::query(
        "SELECT section, content, outcome, assessment FROM commitment_sections \
         WHERE commitment_id = $1",
    )
    .bind(id)
    .fetch_all(conn)
    .await?;
    let mut out = rows
        .iter()
        .map(|r| {
            let outcome = r
                .opt_text("outcome")?
                .map(|o| Outcome::parse(&o).map_err(corrupt))
                .transpose()?;
            Ok(CommitmentSection {
                section: Section::parse(&r.text("section")?).map_err(corrupt)?,
                content: r.text("content")?,
                assessment: outcome.map(|outcome| SectionAssessment {
                    outcome,
                    text: r.opt_text("assessment").ok().flatten().unwrap_or_default(),
                }),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    out.sort_by_key(|s| s.section);
    Ok(out)
}
