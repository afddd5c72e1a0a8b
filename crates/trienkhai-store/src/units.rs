//! Units: identities, their dated versions, the events that made them and succession links.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::AnyConnection;
use trienkhai_core::ids::{UnitEventId, UnitId, UnitVersionId};
use trienkhai_core::org::{ChangeSet, Succession, UnitCode, UnitVersion};
use trienkhai_core::validity::Validity;

use crate::sql::{self, RowExt};
use crate::{Result, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct UnitRow {
    pub id: UnitId,
    pub row_version: i64,
    pub source: String,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct UnitEvent {
    pub id: UnitEventId,
    pub kind: String,
    pub effective_on: NaiveDate,
    pub basis: Option<String>,
    pub note: Option<String>,
    pub source: String,
    pub actor_account_id: Option<i64>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    pub kind: &'a str,
    pub effective_on: NaiveDate,
    pub basis: Option<&'a str>,
    pub note: Option<&'a str>,
    pub source: &'a str,
    pub actor_account_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct UnitKind {
    pub code: String,
    pub label_vi: String,
    pub label_en: String,
    pub sort_order: i64,
}

const VERSION_COLUMNS: &str = "id, unit_id, code, name, kind, parent_id, valid_from, valid_to";

fn version_from_row(row: &sqlx::any::AnyRow) -> Result<UnitVersion> {
    let code = row.text("code")?;
    Ok(UnitVersion {
        id: Some(UnitVersionId(row.int("id")?)),
        unit_id: UnitId(row.int("unit_id")?),
        code: UnitCode::parse(&code)
            .map_err(|_| StoreError::Corrupt(format!("unit code {code:?}")))?,
        name: row.text("name")?,
        kind: row.text("kind")?,
        parent_id: row.opt_int("parent_id")?.map(UnitId),
        validity: Validity {
            from: row.date("valid_from")?,
            to: row.opt_date("valid_to")?,
        },
    })
}

pub async fn insert_unit(
    conn: &mut AnyConnection,
    source: &str,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<UnitId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO units (source, note, created_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(source)
    .bind(note)
    .bind(sql::instant(now))
    .fetch_one(conn)
    .await?;
    Ok(UnitId(id))
}

pub async fn get_unit(conn: &mut AnyConnection, id: UnitId) -> Result<UnitRow> {
    let row =
        sqlx::query("SELECT id, row_version, source, note, created_at FROM units WHERE id = $1")
            .bind(id.0)
            .fetch_optional(conn)
            .await?
            .ok_or(StoreError::NotFound)?;
    Ok(UnitRow {
        id: UnitId(row.int("id")?),
        row_version: row.int("row_version")?,
        source: row.text("source")?,
        note: row.opt_text("note")?,
        created_at: row.instant("created_at")?,
    })
}

/// Every version of every unit: the state structural changes are validated against.
pub async fn all_versions(conn: &mut AnyConnection) -> Result<Vec<UnitVersion>> {
    let rows = sqlx::query(&format!(
        "SELECT {VERSION_COLUMNS} FROM unit_versions ORDER BY unit_id, valid_from"
    ))
    .fetch_all(conn)
    .await?;
    rows.iter().map(version_from_row).collect()
}

/// The versions valid on `date`: the tree of that day.
pub async fn versions_on(conn: &mut AnyConnection, date: NaiveDate) -> Result<Vec<UnitVersion>> {
    let rows = sqlx::query(&format!(
        "SELECT {VERSION_COLUMNS} FROM unit_versions \
         WHERE valid_from <= $1 AND (valid_to IS NULL OR valid_to >= $1)"
    ))
    .bind(sql::date(date))
    .fetch_all(conn)
    .await?;
    rows.iter().map(version_from_row).collect()
}

pub async fn versions_of(conn: &mut AnyConnection, unit: UnitId) -> Result<Vec<UnitVersion>> {
    let rows = sqlx::query(&format!(
        "SELECT {VERSION_COLUMNS} FROM unit_versions WHERE unit_id = $1 ORDER BY valid_from"
    ))
    .bind(unit.0)
    .fetch_all(conn)
    .await?;
    rows.iter().map(version_from_row).collect()
}

/// The versions of several units in one read, by unit, oldest first (a list naming its units).
pub async fn versions_of_units(
    conn: &mut AnyConnection,
    ids: &[UnitId],
) -> Result<std::collections::HashMap<UnitId, Vec<UnitVersion>>> {
    let mut out: std::collections::HashMap<UnitId, Vec<UnitVersion>> = Default::default();
    if ids.is_empty() {
        return Ok(out);
    }
    let mut ids: Vec<i64> = ids.iter().map(|u| u.0).collect();
    ids.sort_unstable();
    ids.dedup();
    // Integer ids joined into the query: safe.
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let rows = sqlx::query(&format!(
        "SELECT {VERSION_COLUMNS} FROM unit_versions WHERE unit_id IN ({list}) ORDER BY unit_id, valid_from"
    ))
    .fetch_all(conn)
    .await?;
    for r in &rows {
        let v = version_from_row(r)?;
        out.entry(v.unit_id).or_default().push(v);
    }
    Ok(out)
}

/// The unit whose latest version with `code` is the most recent one.
pub async fn unit_by_code(conn: &mut AnyConnection, code: &UnitCode) -> Result<Option<UnitId>> {
    let id: Option<i64> = sqlx::query_scalar(
        "SELECT unit_id FROM unit_versions WHERE code = $1 ORDER BY valid_from DESC LIMIT 1",
    )
    .bind(code.as_str())
    .fetch_optional(conn)
    .await?;
    Ok(id.map(UnitId))
}

pub async fn insert_event(
    conn: &mut AnyConnection,
    event: &NewEvent<'_>,
    now: DateTime<Utc>,
) -> Result<UnitEventId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO unit_events (kind, effective_on, basis, note, source, actor_account_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(event.kind)
    .bind(sql::date(event.effective_on))
    .bind(event.basis)
    .bind(event.note)
    .bind(event.source)
    .bind(event.actor_account_id)
    .bind(sql::instant(now))
    .fetch_one(conn)
    .await?;
    Ok(UnitEventId(id))
}

/// Events that touched `unit`, in date order.
pub async fn events_of(conn: &mut AnyConnection, unit: UnitId) -> Result<Vec<UnitEvent>> {
    let rows = sqlx::query(
        "SELECT id, kind, effective_on, basis, note, source, actor_account_id, created_at FROM unit_events \
         WHERE id IN (SELECT event_id FROM unit_event_units WHERE unit_id = $1) ORDER BY effective_on, id",
    )
    .bind(unit.0)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(UnitEvent {
                id: UnitEventId(row.int("id")?),
                kind: row.text("kind")?,
                effective_on: row.date("effective_on")?,
                basis: row.opt_text("basis")?,
                note: row.opt_text("note")?,
                source: row.text("source")?,
                actor_account_id: row.opt_int("actor_account_id")?,
                created_at: row.instant("created_at")?,
            })
        })
        .collect()
}

fn succession_from_row(row: &sqlx::any::AnyRow) -> Result<Succession> {
    Ok(Succession {
        predecessor_id: UnitId(row.int("predecessor_id")?),
        successor_id: UnitId(row.int("successor_id")?),
        effective_on: row.date("effective_on")?,
    })
}

/// Every succession, for validating structural changes.
pub async fn all_successions(conn: &mut AnyConnection) -> Result<Vec<Succession>> {
    let rows = sqlx::query("SELECT predecessor_id, successor_id, effective_on FROM unit_successions ORDER BY effective_on")
        .fetch_all(conn)
        .await?;
    rows.iter().map(succession_from_row).collect()
}

/// Units that `unit` came from and units that took it over.
pub async fn successions_of(conn: &mut AnyConnection, unit: UnitId) -> Result<Vec<Succession>> {
    let rows = sqlx::query(
        "SELECT predecessor_id, successor_id, effective_on FROM unit_successions \
         WHERE predecessor_id = $1 OR successor_id = $1 ORDER BY effective_on",
    )
    .bind(unit.0)
    .fetch_all(conn)
    .await?;
    rows.iter().map(succession_from_row).collect()
}

/// Bumps the row version of `unit`, refusing when the caller saw an older one.
pub async fn bump_row_version(
    conn: &mut AnyConnection,
    unit: UnitId,
    expected: Option<i64>,
) -> Result<i64> {
    let new: Option<i64> = sqlx::query_scalar(
        "UPDATE units SET row_version = row_version + 1 WHERE id = $1 AND ($2 IS NULL OR row_version = $2) \
         RETURNING row_version",
    )
    .bind(unit.0)
    .bind(expected)
    .fetch_optional(&mut *conn)
    .await?;
    match new {
        Some(v) => Ok(v),
        None => {
            get_unit(conn, unit).await?;
            Err(StoreError::Conflict)
        }
    }
}

/// The dates after `after` and up to `until` (inclusive; open: no limit) on which some unit
/// starts a version: the only days on which the tree can change shape.
pub async fn version_starts_between(
    conn: &mut AnyConnection,
    after: NaiveDate,
    until: Option<NaiveDate>,
) -> Result<Vec<NaiveDate>> {
    let rows: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT valid_from FROM unit_versions WHERE valid_from > $1 AND ($2 IS NULL OR valid_from <= $2) ORDER BY valid_from",
    )
    .bind(sql::date(after))
    .bind(until.map(sql::date))
    .fetch_all(conn)
    .await?;
    rows.iter().map(|d| sql::parse_date(d)).collect()
}

/// The generation of the organisation tree: the database moves it with every write of a unit
/// version (the `unit_versions_figures` triggers), in the writing transaction.
pub async fn generation(conn: &mut AnyConnection) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT value FROM org_generation WHERE id = 1")
            .fetch_one(conn)
            .await?,
    )
}

/// Writes a validated [`ChangeSet`]: closes, removes and adds versions and records successions,
/// all tagged with `event`.
pub async fn apply_changes(
    conn: &mut AnyConnection,
    changes: &ChangeSet,
    event: UnitEventId,
) -> Result<()> {
    for (id, to) in &changes.closed {
        sqlx::query("UPDATE unit_versions SET valid_to = $1 WHERE id = $2")
            .bind(sql::date(*to))
            .bind(id.0)
            .execute(&mut *conn)
            .await?;
    }
    for id in &changes.removed {
        sqlx::query("DELETE FROM unit_versions WHERE id = $1")
            .bind(id.0)
            .execute(&mut *conn)
            .await?;
    }
    for v in &changes.added {
        insert_version(conn, v, event).await?;
    }
    for unit in &changes.touched {
        sqlx::query("INSERT INTO unit_event_units (event_id, unit_id) VALUES ($1, $2)")
            .bind(event.0)
            .bind(unit.0)
            .execute(&mut *conn)
            .await?;
    }
    for s in &changes.successions {
        sqlx::query(
            "INSERT INTO unit_successions (predecessor_id, successor_id, effective_on, event_id) VALUES ($1, $2, $3, $4)",
        )
        .bind(s.predecessor_id.0)
        .bind(s.successor_id.0)
        .bind(sql::date(s.effective_on))
        .bind(event.0)
        .execute(&mut *conn)
        .await
        .map_err(StoreError::classify)?;
    }
    Ok(())
}

async fn insert_version(
    conn: &mut AnyConnection,
    v: &UnitVersion,
    event: UnitEventId,
) -> Result<UnitVersionId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO unit_versions (unit_id, code, name, kind, parent_id, valid_from, valid_to, event_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(v.unit_id.0)
    .bind(v.code.as_str())
    .bind(&v.name)
    .bind(&v.kind)
    .bind(v.parent_id.map(|p| p.0))
    .bind(sql::date(v.validity.from))
    .bind(sql::opt_date(v.validity.to))
    .bind(event.0)
    .fetch_one(conn)
    .await?;
    Ok(UnitVersionId(id))
}

pub async fn upsert_kind(conn: &mut AnyConnection, kind: &UnitKind) -> Result<()> {
    sqlx::query(
        "INSERT INTO unit_kinds (code, label_vi, label_en, sort_order) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (code) DO UPDATE SET label_vi = excluded.label_vi, label_en = excluded.label_en, \
         sort_order = excluded.sort_order",
    )
    .bind(&kind.code)
    .bind(&kind.label_vi)
    .bind(&kind.label_en)
    .bind(kind.sort_order)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn kinds(conn: &mut AnyConnection) -> Result<Vec<UnitKind>> {
    let rows = sqlx::query(
        "SELECT code, label_vi, label_en, sort_order FROM unit_kinds ORDER BY sort_order, code",
    )
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(UnitKind {
                code: row.text("code")?,
                label_vi: row.text("label_vi")?,
                label_en: row.text("label_en")?,
                sort_order: row.int("sort_order")?,
            })
        })
        .collect()
}
