//! Who must register work items under a plan (C9): one row per plan with the categories of
//! posts it names, written under a version check (0 before the first rule).

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;
use trienkhai_core::ids::DocumentId;
use trienkhai_core::post_category::{PostCategory, from_codes, to_codes};

use crate::sql::{self, RowExt};
use crate::{Result, StoreError};

/// A plan's rule; no categories means every member.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct RegistrationRule {
    pub document_id: DocumentId,
    pub categories: Vec<PostCategory>,
    /// 0 while the plan has no rule of its own.
    pub row_version: i64,
}

/// The plan's rule, or every member (version 0) when none was set.
pub async fn rule_of(conn: &mut AnyConnection, document: DocumentId) -> Result<RegistrationRule> {
    let row = sqlx::query(
        "SELECT categories, row_version FROM registration_rules WHERE document_id = $1",
    )
    .bind(document.0)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(match row {
        Some(r) => RegistrationRule {
            document_id: document,
            categories: from_codes(&r.text("categories")?)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            row_version: r.int("row_version")?,
        },
        None => RegistrationRule {
            document_id: document,
            categories: Vec::new(),
            row_version: 0,
        },
    })
}

/// Sets the plan's rule if it is still at `expected_version`; answers the new version.
pub async fn set_rule(
    conn: &mut AnyConnection,
    document: DocumentId,
    categories: &[PostCategory],
    expected_version: i64,
    now: DateTime<Utc>,
) -> Result<i64> {
    let codes = to_codes(categories);
    let new: Option<i64> = if expected_version == 0 {
        sqlx::query_scalar(
            "INSERT INTO registration_rules (document_id, categories, updated_at) \
             VALUES ($1, $2, $3) ON CONFLICT (document_id) DO NOTHING RETURNING row_version",
        )
        .bind(document.0)
        .bind(&codes)
        .bind(sql::instant(now))
        .fetch_optional(&mut *conn)
        .await?
    } else {
        sqlx::query_scalar(
            "UPDATE registration_rules SET categories = $1, updated_at = $2, \
             row_version = row_version + 1 \
             WHERE document_id = $3 AND row_version = $4 RETURNING row_version",
        )
        .bind(&codes)
        .bind(sql::instant(now))
        .bind(document.0)
        .bind(expected_version)
        .fetch_optional(&mut *conn)
        .await?
    };
    new.ok_or(StoreError::Conflict)
}
