//! What a plan aims at: its own values per period, the quotas handed to lower units, and the
//! named weights (population, households) of weighted means.

use super::*;
use crate::sql::{self, RowExt};
use crate::{Result, StoreError};
use rust_decimal::Decimal;
use sqlx::AnyConnection;
use trienkhai_core::ids::{TargetId, UnitId};
use trienkhai_core::period::Period;

/// A value a plan aims at, or a quota, for one period.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct PlannedValue {
    pub period: Period,
    pub unit_id: Option<UnitId>,
    pub value: Decimal,
    pub row_version: i64,
}

pub(super) fn period_of(r: &sqlx::any::AnyRow) -> Result<Period> {
    let text = r.text("period")?;
    Period::parse(&text).map_err(|_| StoreError::Corrupt(format!("period {text:?}")))
}

/// Writes (or with `None` removes) a planned value: the plan's own (`unit` none) or a quota.
/// `expected` is the version the writer saw, `None` when it saw none; anything else there is a
/// conflict, never overwritten. Returns the new version (none after a removal).
pub(super) async fn put_planned(
    conn: &mut AnyConnection,
    id: TargetId,
    unit: Option<UnitId>,
    period: Period,
    value: Option<Decimal>,
    expected: Option<i64>,
) -> Result<Option<i64>> {
    let (table, unit_clause) = match unit {
        None => ("target_values", ""),
        Some(_) => ("quotas", " AND unit_id = $3"),
    };
    let select = format!(
        "SELECT row_version FROM {table} WHERE target_id = $1 AND period = $2{unit_clause}"
    );
    let mut q = sqlx::query_scalar::<_, i64>(&select)
        .bind(id.0)
        .bind(period.to_string());
    if let Some(u) = unit {
        q = q.bind(u.0);
    }
    let current = q.fetch_optional(&mut *conn).await?;
    if current != expected {
        return Err(StoreError::Conflict);
    }
    let Some(version) = current else {
        let Some(value) = value else {
            return Ok(None);
        };
        let (start, end) = period.dates();
        let (columns, values) = match unit {
            None => ("", ""),
            Some(_) => (", unit_id", ", $6"),
        };
        let insert = format!(
            "INSERT INTO {table} (target_id, period, period_start, period_end, value{columns}) \
             VALUES ($1, $2, $3, $4, $5{values})"
        );
        let mut q = sqlx::query(&insert)
            .bind(id.0)
            .bind(period.to_string())
            .bind(sql::date(start))
            .bind(sql::date(end))
            .bind(decimal_text(value));
        if let Some(u) = unit {
            q = q.bind(u.0);
        }
        // Another writer inserting the same row first is the same conflict.
        q.execute(&mut *conn)
            .await
            .map_err(|e| match StoreError::classify(e) {
                StoreError::Duplicate(_) => StoreError::Conflict,
                other => other,
            })?;
        return Ok(Some(1));
    };
    let unit_clause = if unit.is_some() {
        " AND unit_id = $4"
    } else {
        ""
    };
    let done = match value {
        None => {
            let delete = format!(
                "DELETE FROM {table} WHERE target_id = $1 AND period = $2 AND row_version = $3{unit_clause}"
            );
            let mut q = sqlx::query(&delete)
                .bind(id.0)
                .bind(period.to_string())
                .bind(version);
            if let Some(u) = unit {
                q = q.bind(u.0);
            }
            q.execute(&mut *conn).await?.rows_affected()
        }
        Some(value) => {
            let unit_clause = if unit.is_some() {
                " AND unit_id = $5"
            } else {
                ""
            };
            let update = format!(
                "UPDATE {table} SET value = $1, row_version = row_version + 1 \
                 WHERE target_id = $2 AND period = $3 AND row_version = $4{unit_clause}"
            );
            let mut q = sqlx::query(&update)
                .bind(decimal_text(value))
                .bind(id.0)
                .bind(period.to_string())
                .bind(version);
            if let Some(u) = unit {
                q = q.bind(u.0);
            }
            q.execute(&mut *conn).await?.rows_affected()
        }
    };
    if done == 0 {
        return Err(StoreError::Conflict);
    }
    Ok(value.map(|_| version + 1))
}

/// Sets (or with `None` removes) the plan's value of a target for a period; see
/// [`put_planned`] for `expected`.
pub async fn set_target_value(
    conn: &mut AnyConnection,
    id: TargetId,
    period: Period,
    value: Option<Decimal>,
    expected: Option<i64>,
) -> Result<Option<i64>> {
    put_planned(conn, id, None, period, value, expected).await
}

pub async fn target_values(conn: &mut AnyConnection, id: TargetId) -> Result<Vec<PlannedValue>> {
    let rows = sqlx::query(
        "SELECT period, value, row_version FROM target_values WHERE target_id = $1 ORDER BY period_start, period_end DESC",
    )
    .bind(id.0)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(PlannedValue {
                period: period_of(r)?,
                unit_id: None,
                value: parse_decimal(&r.text("value")?)?,
                row_version: r.int("row_version")?,
            })
        })
        .collect()
}

/// Hands (or with `None` takes back) a share of a target to a unit for a period; see
/// [`put_planned`] for `expected`.
pub async fn set_quota(
    conn: &mut AnyConnection,
    id: TargetId,
    unit: UnitId,
    period: Period,
    value: Option<Decimal>,
    expected: Option<i64>,
) -> Result<Option<i64>> {
    put_planned(conn, id, Some(unit), period, value, expected).await
}

pub async fn quotas(conn: &mut AnyConnection, id: TargetId) -> Result<Vec<PlannedValue>> {
    let rows = sqlx::query(
        "SELECT period, unit_id, value, row_version FROM quotas WHERE target_id = $1 ORDER BY period_start, unit_id",
    )
    .bind(id.0)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(PlannedValue {
                period: period_of(r)?,
                unit_id: Some(UnitId(r.int("unit_id")?)),
                value: parse_decimal(&r.text("value")?)?,
                row_version: r.int("row_version")?,
            })
        })
        .collect()
}

/// Sets a unit's named weight for a year (population, households).
pub async fn set_weight(
    conn: &mut AnyConnection,
    unit: UnitId,
    name: &str,
    year: i32,
    value: Decimal,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO unit_weights (unit_id, name, year, value) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (name, year, unit_id) DO UPDATE SET value = excluded.value",
    )
    .bind(unit.0)
    .bind(name)
    .bind(i64::from(year))
    .bind(decimal_text(value))
    .execute(conn)
    .await?;
    Ok(())
}

/// Every unit's weight `name` for `year`.
pub async fn weights(
    conn: &mut AnyConnection,
    name: &str,
    year: i32,
) -> Result<Vec<(UnitId, Decimal)>> {
    let rows = sqlx::query("SELECT unit_id, value FROM unit_weights WHERE name = $1 AND year = $2")
        .bind(name)
        .bind(i64::from(year))
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|r| Ok((UnitId(r.int("unit_id")?), parse_decimal(&r.text("value")?)?)))
        .collect()
}
