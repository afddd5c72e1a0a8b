//! The plan frame (themes, fields) and targets (C4, C5): definitions, the values a plan aims at
//! per period, quotas handed to lower units, the actual values units report, and the named
//! weights of weighted means. The database moves a target's values version (the key its cached
//! roll-ups are checked against) with every write these tables receive (see [`values_version`]).

mod planned;
pub use planned::*;
mod actuals;
pub use actuals::*;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rust_decimal::Decimal;
use sqlx::AnyConnection;
use trienkhai_core::ids::{DocumentId, TargetId, UnitId};
use trienkhai_core::over_time::OverTime;
use trienkhai_core::period::Period;
use trienkhai_core::rollup::Aggregation;
use trienkhai_core::target::{Direction, ValueType};
use trienkhai_core::vn;

use crate::sql::{self, RowExt};
use crate::{Result, StoreError};

/// A theme or a field of the plan frame.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct FrameEntry {
    pub code: String,
    pub label_vi: String,
    pub label_en: String,
    pub description: Option<String>,
    pub sort_order: i64,
}

pub async fn upsert_theme(conn: &mut AnyConnection, theme: &FrameEntry) -> Result<()> {
    sqlx::query(
        "INSERT INTO plan_themes (code, label_vi, label_en, description, sort_order) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (code) DO UPDATE SET label_vi = excluded.label_vi, label_en = excluded.label_en, \
         description = excluded.description, sort_order = excluded.sort_order",
    )
    .bind(&theme.code)
    .bind(&theme.label_vi)
    .bind(&theme.label_en)
    .bind(theme.description.clone())
    .bind(theme.sort_order)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn upsert_field(conn: &mut AnyConnection, field: &FrameEntry) -> Result<()> {
    sqlx::query(
        "INSERT INTO plan_fields (code, label_vi, label_en, sort_order) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (code) DO UPDATE SET label_vi = excluded.label_vi, label_en = excluded.label_en, \
         sort_order = excluded.sort_order",
    )
    .bind(&field.code)
    .bind(&field.label_vi)
    .bind(&field.label_en)
    .bind(field.sort_order)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn themes(conn: &mut AnyConnection) -> Result<Vec<FrameEntry>> {
    let rows = sqlx::query(
        "SELECT code, label_vi, label_en, description, sort_order FROM plan_themes ORDER BY sort_order, code",
    )
    .fetch_all(conn)
    .await?;
    rows.iter().map(frame_from_row).collect()
}

pub async fn fields(conn: &mut AnyConnection) -> Result<Vec<FrameEntry>> {
    let rows = sqlx::query(
        "SELECT code, label_vi, label_en, NULL AS description, sort_order FROM plan_fields ORDER BY sort_order, code",
    )
    .fetch_all(conn)
    .await?;
    rows.iter().map(frame_from_row).collect()
}

fn frame_from_row(r: &sqlx::any::AnyRow) -> Result<FrameEntry> {
    Ok(FrameEntry {
        code: r.text("code")?,
        label_vi: r.text("label_vi")?,
        label_en: r.text("label_en")?,
        description: r.opt_text("description")?,
        sort_order: r.int("sort_order")?,
    })
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Target {
    pub id: TargetId,
    pub document_id: DocumentId,
    pub code: String,
    pub name: String,
    pub field_code: Option<String>,
    pub themes: Vec<String>,
    pub unit_of_measure: String,
    pub value_type: ValueType,
    pub direction: Direction,
    pub aggregation: Aggregation,
    pub over_time: OverTime,
    /// Unit kinds expected to report; empty: only the responsible unit.
    pub reporting_kinds: Vec<String>,
    pub baseline: Option<Decimal>,
    pub baseline_on: Option<NaiveDate>,
    pub responsible_unit_id: Option<UnitId>,
    pub concretizes: Option<TargetId>,
    pub sort_order: i64,
    pub source: String,
    pub row_version: i64,
}

#[derive(Debug, Clone)]
pub struct TargetFields {
    pub code: String,
    pub name: String,
    pub field_code: Option<String>,
    pub themes: Vec<String>,
    pub unit_of_measure: String,
    pub value_type: ValueType,
    pub direction: Direction,
    pub aggregation: Aggregation,
    pub over_time: OverTime,
    /// Unit kinds expected to report; empty: only the responsible unit.
    pub reporting_kinds: Vec<String>,
    pub baseline: Option<Decimal>,
    pub baseline_on: Option<NaiveDate>,
    pub responsible_unit_id: Option<UnitId>,
    pub concretizes: Option<TargetId>,
    pub sort_order: i64,
    pub source: String,
}

/// Exact decimals are stored in their shortest canonical text.
pub fn decimal_text(d: Decimal) -> String {
    d.normalize().to_string()
}

fn parse_decimal(s: &str) -> Result<Decimal> {
    s.parse()
        .map_err(|_| StoreError::Corrupt(format!("decimal {s:?}")))
}

fn opt_decimal(r: &sqlx::any::AnyRow, col: &str) -> Result<Option<Decimal>> {
    r.opt_text(col)?.as_deref().map(parse_decimal).transpose()
}

const TARGET_COLUMNS: &str = "id, document_id, code, name, field_code, unit_of_measure, value_type, direction, aggregation, \
     over_time, reporting_kinds, baseline, baseline_on, responsible_unit_id, concretizes_id, sort_order, source, row_version";

fn target_from_row(r: &sqlx::any::AnyRow) -> Result<Target> {
    let corrupt = |e: trienkhai_core::error::DomainError| StoreError::Corrupt(e.to_string());
    Ok(Target {
        id: TargetId(r.int("id")?),
        document_id: DocumentId(r.int("document_id")?),
        code: r.text("code")?,
        name: r.text("name")?,
        field_code: r.opt_text("field_code")?,
        themes: Vec::new(),
        unit_of_measure: r.text("unit_of_measure")?,
        value_type: ValueType::parse(&r.text("value_type")?).map_err(corrupt)?,
        direction: Direction::parse(&r.text("direction")?).map_err(corrupt)?,
        aggregation: Aggregation::parse(&r.text("aggregation")?).map_err(corrupt)?,
        over_time: OverTime::parse(&r.text("over_time")?).map_err(corrupt)?,
        reporting_kinds: r
            .text("reporting_kinds")?
            .split(',')
            .filter(|k| !k.is_empty())
            .map(str::to_owned)
            .collect(),
        baseline: opt_decimal(r, "baseline")?,
        baseline_on: r.opt_date("baseline_on")?,
        responsible_unit_id: r.opt_int("responsible_unit_id")?.map(UnitId),
        concretizes: r.opt_int("concretizes_id")?.map(TargetId),
        sort_order: r.int("sort_order")?,
        source: r.text("source")?,
        row_version: r.int("row_version")?,
    })
}

async fn write_themes(conn: &mut AnyConnection, id: TargetId, themes: &[String]) -> Result<()> {
    sqlx::query("DELETE FROM target_themes WHERE target_id = $1")
        .bind(id.0)
        .execute(&mut *conn)
        .await?;
    for theme in themes {
        sqlx::query("INSERT INTO target_themes (target_id, theme_code) VALUES ($1, $2)")
            .bind(id.0)
            .bind(theme)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

pub async fn insert_target(
    conn: &mut AnyConnection,
    document: DocumentId,
    f: &TargetFields,
    now: DateTime<Utc>,
) -> Result<TargetId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO targets (document_id, code, name, name_folded, field_code, unit_of_measure, value_type, direction, \
         aggregation, over_time, baseline, baseline_on, responsible_unit_id, concretizes_id, sort_order, source, \
         created_at, updated_at, reporting_kinds) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17, $18) RETURNING id",
    )
    .bind(document.0)
    .bind(&f.code)
    .bind(&f.name)
    .bind(vn::fold(&f.name))
    .bind(f.field_code.clone())
    .bind(&f.unit_of_measure)
    .bind(f.value_type.as_str())
    .bind(f.direction.to_string())
    .bind(f.aggregation.to_string())
    .bind(f.over_time.as_str())
    .bind(f.baseline.map(decimal_text))
    .bind(sql::opt_date(f.baseline_on))
    .bind(f.responsible_unit_id.map(|u| u.0))
    .bind(f.concretizes.map(|t| t.0))
    .bind(f.sort_order)
    .bind(&f.source)
    .bind(sql::instant(now))
    .bind(f.reporting_kinds.join(","))
    .fetch_one(&mut *conn)
    .await
    .map_err(StoreError::classify)?;
    let id = TargetId(id);
    write_themes(conn, id, &f.themes).await?;
    Ok(id)
}

pub async fn update_target(
    conn: &mut AnyConnection,
    id: TargetId,
    f: &TargetFields,
    expected_version: i64,
    now: DateTime<Utc>,
) -> Result<i64> {
    let new: Option<i64> = sqlx::query_scalar(
        "UPDATE targets SET code = $1, name = $2, name_folded = $3, field_code = $4, unit_of_measure = $5, \
         value_type = $6, direction = $7, aggregation = $8, over_time = $9, baseline = $10, baseline_on = $11, \
         responsible_unit_id = $12, concretizes_id = $13, sort_order = $14, source = $15, updated_at = $16, \
         row_version = row_version + 1, reporting_kinds = $19 \
         WHERE id = $17 AND row_version = $18 RETURNING row_version",
    )
    .bind(&f.code)
    .bind(&f.name)
    .bind(vn::fold(&f.name))
    .bind(f.field_code.clone())
    .bind(&f.unit_of_measure)
    .bind(f.value_type.as_str())
    .bind(f.direction.to_string())
    .bind(f.aggregation.to_string())
    .bind(f.over_time.as_str())
    .bind(f.baseline.map(decimal_text))
    .bind(sql::opt_date(f.baseline_on))
    .bind(f.responsible_unit_id.map(|u| u.0))
    .bind(f.concretizes.map(|t| t.0))
    .bind(f.sort_order)
    .bind(&f.source)
    .bind(sql::instant(now))
    .bind(id.0)
    .bind(expected_version)
    .bind(f.reporting_kinds.join(","))
    .fetch_optional(&mut *conn)
    .await
    .map_err(StoreError::classify)?;
    match new {
        Some(v) => {
            write_themes(conn, id, &f.themes).await?;
            Ok(v)
        }
        None => {
            get_target(conn, id).await?;
            Err(StoreError::Conflict)
        }
    }
}

async fn themes_of(conn: &mut AnyConnection, id: TargetId) -> Result<Vec<String>> {
    let rows = sqlx::query(
        "SELECT t.theme_code FROM target_themes t JOIN plan_themes p ON p.code = t.theme_code \
         WHERE t.target_id = $1 ORDER BY p.sort_order, p.code",
    )
    .bind(id.0)
    .fetch_all(conn)
    .await?;
    rows.iter().map(|r| r.text("theme_code")).collect()
}

pub async fn get_target(conn: &mut AnyConnection, id: TargetId) -> Result<Target> {
    let mut target = get_target_definition(conn, id).await?;
    target.themes = themes_of(conn, id).await?;
    Ok(target)
}

/// A target without its themes, which are no part of any figure (what a roll-up reads).
pub async fn get_target_definition(conn: &mut AnyConnection, id: TargetId) -> Result<Target> {
    let row = sqlx::query(&format!(
        "SELECT {TARGET_COLUMNS} FROM targets WHERE id = $1"
    ))
    .bind(id.0)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    target_from_row(&row)
}

/// The documents that have targets (the plans a dashboard can show).
pub async fn documents_with_targets(
    conn: &mut AnyConnection,
) -> Result<std::collections::HashSet<DocumentId>> {
    let ids: Vec<i64> = sqlx::query_scalar("SELECT DISTINCT document_id FROM targets")
        .fetch_all(conn)
        .await?;
    Ok(ids.into_iter().map(DocumentId).collect())
}

/// The targets of a document, in plan order, with their themes.
pub async fn targets_of_document(
    conn: &mut AnyConnection,
    document: DocumentId,
) -> Result<Vec<Target>> {
    let rows = sqlx::query(&format!(
        "SELECT {TARGET_COLUMNS} FROM targets WHERE document_id = $1 ORDER BY sort_order, code"
    ))
    .bind(document.0)
    .fetch_all(&mut *conn)
    .await?;
    let mut targets: Vec<Target> = rows.iter().map(target_from_row).collect::<Result<_>>()?;
    let themes = sqlx::query(
        "SELECT t.target_id, t.theme_code FROM target_themes t JOIN targets g ON g.id = t.target_id \
         JOIN plan_themes p ON p.code = t.theme_code WHERE g.document_id = $1 ORDER BY p.sort_order, p.code",
    )
    .bind(document.0)
    .fetch_all(conn)
    .await?;
    for r in &themes {
        let id = TargetId(r.int("target_id")?);
        if let Some(t) = targets.iter_mut().find(|t| t.id == id) {
            t.themes.push(r.text("theme_code")?);
        }
    }
    Ok(targets)
}

/// Targets that say they concretize `upper`.
pub async fn targets_concretizing(
    conn: &mut AnyConnection,
    upper: TargetId,
) -> Result<Vec<Target>> {
    let rows = sqlx::query(&format!(
        "SELECT {TARGET_COLUMNS} FROM targets WHERE concretizes_id = $1 ORDER BY document_id, sort_order"
    ))
    .bind(upper.0)
    .fetch_all(conn)
    .await?;
    rows.iter().map(target_from_row).collect()
}

/// The years whose values a figure of `period` reads: those its dates span.
fn years_of(period: Period) -> (i64, i64) {
    let (start, end) = period.dates();
    (i64::from(start.year()), i64::from(end.year()))
}

/// A target's values version for the figures of `period`: its row's counter plus the counts of
/// the years the period spans (`target_year_shards`, per year and unit shard), all moved by the
/// database's `*_figures` triggers in the writing transaction. A unit's value moves its year's
/// shard `unit_id % 32`, so concurrent reports of different units do not queue on one row and
/// a value of 2022 leaves the figures of 2021 standing; a quota, a plan's own value or the
/// definition moves the row, which every period reads. Counters only grow, so the sum moves
/// with every committed write the figure reads.
pub async fn values_version(conn: &mut AnyConnection, id: TargetId, period: Period) -> Result<i64> {
    let (first, last) = years_of(period);
    sqlx::query_scalar(
        "SELECT CAST(t.values_version + COALESCE((SELECT SUM(s.n) FROM target_year_shards s \
         WHERE s.target_id = t.id AND s.year >= $2 AND s.year <= $3), 0) AS BIGINT) \
         FROM targets t WHERE t.id = $1",
    )
    .bind(id.0)
    .bind(first)
    .bind(last)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)
}

/// A target's figure key for a period, shard by shard: what [`values_version`] sums.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardKey {
    /// The target row's own counter (quotas, the plan's values, the definition, the plan's
    /// settings, weights): every unit's figure reads it.
    pub target: i64,
    /// Per unit shard, the counts of the years the period spans.
    pub shards: [i64; UNIT_SHARDS],
}

impl ShardKey {
    /// The one number lists compare: the sum of every counter (they only grow).
    pub fn version(&self) -> i64 {
        self.target + self.shards.iter().sum::<i64>()
    }

    /// The shards whose counters differ from `older`'s.
    pub fn moved_since(&self, older: &ShardKey) -> Vec<usize> {
        (0..UNIT_SHARDS)
            .filter(|s| self.shards[*s] != older.shards[*s])
            .collect()
    }
}

/// [`values_version`] shard by shard, in one query.
pub async fn shard_key(conn: &mut AnyConnection, id: TargetId, period: Period) -> Result<ShardKey> {
    let (first, last) = years_of(period);
    let target: i64 = sqlx::query_scalar("SELECT values_version FROM targets WHERE id = $1")
        .bind(id.0)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    let rows = sqlx::query(
        "SELECT shard, CAST(SUM(n) AS BIGINT) AS n FROM target_year_shards \
         WHERE target_id = $1 AND year >= $2 AND year <= $3 GROUP BY shard",
    )
    .bind(id.0)
    .bind(first)
    .bind(last)
    .fetch_all(conn)
    .await?;
    let mut shards = [0; UNIT_SHARDS];
    for r in &rows {
        let shard = usize::try_from(r.int("shard")?)
            .ok()
            .filter(|s| *s < UNIT_SHARDS)
            .ok_or_else(|| StoreError::Corrupt(format!("figure shard of target {}", id.0)))?;
        shards[shard] = r.int("n")?;
    }
    Ok(ShardKey { target, shards })
}

/// The end of the latest period a value of `document`'s targets was recorded for, up to `up_to`:
/// where a dashboard opens when no period is asked. One indexed look per target (the actuals are
/// indexed by target first), so a province's millions of values are not scanned.
pub async fn latest_value_end(
    conn: &mut AnyConnection,
    document: DocumentId,
    up_to: NaiveDate,
) -> Result<Option<NaiveDate>> {
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM targets WHERE document_id = $1")
        .bind(document.0)
        .fetch_all(&mut *conn)
        .await?;
    let mut latest: Option<NaiveDate> = None;
    for id in ids {
        let end: Option<String> = sqlx::query_scalar(
            "SELECT MAX(period_end) FROM actuals WHERE target_id = $1 AND period_end <= $2",
        )
        .bind(id)
        .bind(sql::date(up_to))
        .fetch_one(&mut *conn)
        .await?;
        if let Some(end) = end {
            let end = sql::parse_date(&end)?;
            latest = latest.max(Some(end));
        }
    }
    Ok(latest)
}

/// The values version for `period` of every target of a document, in one query (lists check
/// their cached figures with it).
pub async fn values_versions_of_document(
    conn: &mut AnyConnection,
    document: DocumentId,
    period: Period,
) -> Result<Vec<(TargetId, i64)>> {
    let (first, last) = years_of(period);
    let rows = sqlx::query(
        "SELECT t.id, CAST(t.values_version + COALESCE((SELECT SUM(s.n) FROM target_year_shards s \
         WHERE s.target_id = t.id AND s.year >= $2 AND s.year <= $3), 0) AS BIGINT) AS version \
         FROM targets t WHERE t.document_id = $1",
    )
    .bind(document.0)
    .bind(first)
    .bind(last)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| Ok((TargetId(r.int("id")?), r.int("version")?)))
        .collect()
}
