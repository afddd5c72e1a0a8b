//! Evidence files of registered items' self-assessments (C9): attached to an item for a phase,
//! listed per registration without their bytes, read back one at a time with them.

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;
use trienkhai_core::ids::AccountId;
use trienkhai_core::registration::AssessmentPhase;

use crate::sql::{self, RowExt};
use crate::{Result, StoreError};

/// An evidence file's record (its bytes are read with [`content`]).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct ItemEvidence {
    pub id: i64,
    pub item_id: i64,
    pub phase: AssessmentPhase,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_at: DateTime<Utc>,
    pub uploaded_by: Option<AccountId>,
}

/// A file to attach, its name cleaned and its type checked by the caller.
pub struct NewItemEvidence<'a> {
    pub item_id: i64,
    pub phase: AssessmentPhase,
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub sha256: &'a str,
    pub content: &'a [u8],
    pub uploaded_by: Option<AccountId>,
}

pub async fn insert(
    conn: &mut AnyConnection,
    e: &NewItemEvidence<'_>,
    now: DateTime<Utc>,
) -> Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO registration_evidence (item_id, phase, file_name, content_type, size_bytes, \
         sha256, content, uploaded_at, uploaded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         RETURNING id",
    )
    .bind(e.item_id)
    .bind(e.phase.as_str())
    .bind(e.file_name)
    .bind(e.content_type)
    .bind(e.content.len() as i64)
    .bind(e.sha256)
    .bind(e.content.to_vec())
    .bind(sql::instant(now))
    .bind(e.uploaded_by.map(|a| a.0))
    .fetch_one(conn)
    .await
    .map_err(StoreError::classify)
}

const COLUMNS: &str = "e.id, e.item_id, e.phase, e.file_name, e.content_type, e.size_bytes, \
     e.sha256, e.uploaded_at, e.uploaded_by";

fn from_row(r: &sqlx::any::AnyRow) -> Result<ItemEvidence> {
    Ok(ItemEvidence {
        id: r.int("id")?,
        item_id: r.int("item_id")?,
        phase: AssessmentPhase::parse(&r.text("phase")?)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?,
        file_name: r.text("file_name")?,
        content_type: r.text("content_type")?,
        size_bytes: r.int("size_bytes")?,
        sha256: r.text("sha256")?,
        uploaded_at: r.instant("uploaded_at")?,
        uploaded_by: r.opt_int("uploaded_by")?.map(AccountId),
    })
}

/// The evidence of every item of a registration version, in the order attached.
pub async fn of_registration(
    conn: &mut AnyConnection,
    registration: i64,
) -> Result<Vec<ItemEvidence>> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM registration_evidence e \
         JOIN registration_items i ON i.id = e.item_id \
         WHERE i.registration_id = $1 ORDER BY e.id"
    ))
    .bind(registration)
    .fetch_all(conn)
    .await?
    .iter()
    .map(from_row)
    .collect()
}

/// An evidence file's record and its bytes.
pub async fn content(conn: &mut AnyConnection, id: i64) -> Result<(ItemEvidence, Vec<u8>)> {
    use sqlx::Row;
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS}, e.content FROM registration_evidence e WHERE e.id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    let bytes: Vec<u8> = row.try_get("content")?;
    Ok((from_row(&row)?, bytes))
}
