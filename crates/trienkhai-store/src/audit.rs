//! The append-only change log: who changed what, when, the state before and after. Written in
//! the same transaction as the change it records; the database refuses to update or delete it.

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

use crate::Result;
use crate::sql::{self, RowExt};

#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_account_id: Option<i64>,
    pub actor_label: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: i64,
    #[schemars(with = "Option<serde_json::Map<String, serde_json::Value>>")]
    pub before: Option<serde_json::Value>,
    #[schemars(with = "Option<serde_json::Map<String, serde_json::Value>>")]
    pub after: Option<serde_json::Value>,
}

#[derive(Debug, Clone)]
pub struct NewAuditEntry<'a> {
    pub actor_account_id: Option<i64>,
    pub actor_label: &'a str,
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: i64,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

pub async fn append(
    conn: &mut AnyConnection,
    entry: &NewAuditEntry<'_>,
    now: DateTime<Utc>,
) -> Result<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO audit_log (at, actor_account_id, actor_label, action, entity_type, entity_id, before_json, after_json) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(sql::instant(now))
    .bind(entry.actor_account_id)
    .bind(entry.actor_label)
    .bind(entry.action)
    .bind(entry.entity_type)
    .bind(entry.entity_id)
    .bind(entry.before.as_ref().map(|v| v.to_string()))
    .bind(entry.after.as_ref().map(|v| v.to_string()))
    .fetch_one(conn)
    .await?;
    Ok(id)
}

fn entry_from_row(row: &sqlx::any::AnyRow) -> Result<AuditEntry> {
    let json = |col: &str| -> Result<Option<serde_json::Value>> {
        row.opt_text(col)?
            .map(|text| {
                serde_json::from_str(&text).map_err(|e| crate::StoreError::Corrupt(e.to_string()))
            })
            .transpose()
    };
    Ok(AuditEntry {
        id: row.int("id")?,
        at: row.instant("at")?,
        actor_account_id: row.opt_int("actor_account_id")?,
        actor_label: row.text("actor_label")?,
        action: row.text("action")?,
        entity_type: row.text("entity_type")?,
        entity_id: row.int("entity_id")?,
        before: json("before_json")?,
        after: json("after_json")?,
    })
}

const COLUMNS: &str = "id, at, actor_account_id, actor_label, action, entity_type, entity_id, before_json, after_json";

/// The history of one record, oldest first.
pub async fn history(
    conn: &mut AnyConnection,
    entity_type: &str,
    entity_id: i64,
) -> Result<Vec<AuditEntry>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM audit_log WHERE entity_type = $1 AND entity_id = $2 ORDER BY id"
    ))
    .bind(entity_type)
    .bind(entity_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(entry_from_row).collect()
}

/// The record as it was at `at`: the state after the last change made up to then.
pub async fn state_at(
    conn: &mut AnyConnection,
    entity_type: &str,
    entity_id: i64,
    at: DateTime<Utc>,
) -> Result<Option<serde_json::Value>> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM audit_log WHERE entity_type = $1 AND entity_id = $2 AND at <= $3 ORDER BY id DESC LIMIT 1"
    ))
    .bind(entity_type)
    .bind(entity_id)
    .bind(sql::instant(at))
    .fetch_optional(conn)
    .await?;
    Ok(row
        .as_ref()
        .map(entry_from_row)
        .transpose()?
        .and_then(|e| e.after))
}

/// The latest changes, newest first, optionally of one entity type.
pub async fn recent(
    conn: &mut AnyConnection,
    entity_type: Option<&str>,
    limit: i64,
) -> Result<Vec<AuditEntry>> {
    let rows =
        match entity_type {
            Some(t) => sqlx::query(&format!(
                "SELECT {COLUMNS} FROM audit_log WHERE entity_type = $1 ORDER BY id DESC LIMIT $2"
            ))
            .bind(t)
            .bind(limit)
            .fetch_all(conn)
            .await?,
            None => {
                sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM audit_log ORDER BY id DESC LIMIT $1"
                ))
                .bind(limit)
                .fetch_all(conn)
                .await?
            }
        };
    rows.iter().map(entry_from_row).collect()
}
