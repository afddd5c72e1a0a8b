//! The plan frame (themes, fields) and targets (C4, C5): definitions, the values a plan aims at
//! per period, quotas handed to lower units, the actual values units report, and the named
//! weights of weighted means. The database moves a target's values version (the key its cached
//! roll-ups are checked against) with every write these tables receive (see [`values_version`]).

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use sqlx::AnyConnection;
use trienkhai_core::ids::{AccountId, ActualId, DocumentId, TargetId, UnitId};
use trienkhai_core::over_time::OverTime;
use trienkhai_core::period::Period;
use trienkhai_core::reporting::{Counted, ReportState};
use trienkhai_core::rollup::{Aggregation, Observation};
use trienkhai_core::target::{Direction, ValueType};
use trienkhai_core::vn;

use crate::sql::{self, RowExt};
use crate::{Result, StoreError};

/// A theme or a field of the plan frame.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
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

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
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

/// A target's values version: its row's counter plus the sum of its 32 shard rows, all moved
/// by the database's `*_figures` triggers in the writing transaction (a unit's value or quota
/// moves the shard `unit_id % 32`, so concurrent reports of different units do not queue on
/// one row; a change of the plan's own values or of the definition moves the row). Counters
/// only grow, so the sum moves with every committed write.
/// The current values version of a target, the cheap check roll-up caches make.
pub async fn values_version(conn: &mut AnyConnection, id: TargetId) -> Result<i64> {
    sqlx::query_scalar(
        "SELECT CAST(t.values_version + COALESCE((SELECT SUM(s.n) FROM target_value_shards s \
         WHERE s.target_id = t.id), 0) AS BIGINT) FROM targets t WHERE t.id = $1",
    )
    .bind(id.0)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)
}

/// A value a plan aims at, or a quota, for one period.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PlannedValue {
    pub period: Period,
    pub unit_id: Option<UnitId>,
    pub value: Decimal,
    pub row_version: i64,
}

fn period_of(r: &sqlx::any::AnyRow) -> Result<Period> {
    let text = r.text("period")?;
    Period::parse(&text).map_err(|_| StoreError::Corrupt(format!("period {text:?}")))
}

/// Writes (or with `None` removes) a planned value: the plan's own (`unit` none) or a quota.
/// `expected` is the version the writer saw, `None` when it saw none; anything else there is a
/// conflict, never overwritten. Returns the new version (none after a removal).
async fn put_planned(
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

/// What a unit reported for a target and a period.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Actual {
    pub id: ActualId,
    pub target_id: TargetId,
    pub unit_id: UnitId,
    pub period: Period,
    pub observation: Observation,
    pub note: Option<String>,
    pub source: String,
    pub recorded_by: Option<AccountId>,
    pub recorded_at: DateTime<Utc>,
    pub row_version: i64,
}

pub struct NewActual<'a> {
    pub target_id: TargetId,
    pub unit_id: UnitId,
    pub period: Period,
    pub observation: &'a Observation,
    pub note: Option<&'a str>,
    pub source: &'a str,
    pub recorded_by: Option<AccountId>,
}

fn observation_columns(
    o: &Observation,
) -> (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
    i64,
) {
    match o {
        Observation::Value { value } => (Some(decimal_text(*value)), None, None, None, 0),
        Observation::Ratio {
            numerator,
            denominator,
        } => (
            None,
            Some(decimal_text(*numerator)),
            Some(decimal_text(*denominator)),
            None,
            0,
        ),
        Observation::Flag { value } => (None, None, None, Some(i64::from(*value)), 0),
        Observation::NotApplicable => (None, None, None, None, 1),
    }
}

/// A row as [`reported_within`] reads it back: `unit|period|value|numerator|denominator|flag|
/// n/a`, empty for none, `-1` for no flag.
fn pack(unit: UnitId, period: Period, o: &Observation) -> String {
    let (value, numerator, denominator, flag, not_applicable) = observation_columns(o);
    format!(
        "{}|{}|{}|{}|{}|{}|{}",
        unit.0,
        period,
        value.unwrap_or_default(),
        numerator.unwrap_or_default(),
        denominator.unwrap_or_default(),
        flag.unwrap_or(-1),
        not_applicable
    )
}

fn observation_from_row(r: &sqlx::any::AnyRow) -> Result<Observation> {
    if r.int("not_applicable")? != 0 {
        return Ok(Observation::NotApplicable);
    }
    if let Some(flag) = r.opt_int("flag")? {
        return Ok(Observation::Flag { value: flag != 0 });
    }
    match (
        opt_decimal(r, "value")?,
        opt_decimal(r, "numerator")?,
        opt_decimal(r, "denominator")?,
    ) {
        (Some(value), _, _) => Ok(Observation::Value { value }),
        (None, Some(numerator), Some(denominator)) => Ok(Observation::Ratio {
            numerator,
            denominator,
        }),
        _ => Err(StoreError::Corrupt("an actual without a value".into())),
    }
}

const ACTUAL_COLUMNS: &str = "id, target_id, unit_id, period, value, numerator, denominator, flag, not_applicable, note, \
     source, recorded_by, recorded_at, row_version";

fn actual_from_row(r: &sqlx::any::AnyRow) -> Result<Actual> {
    Ok(Actual {
        id: ActualId(r.int("id")?),
        target_id: TargetId(r.int("target_id")?),
        unit_id: UnitId(r.int("unit_id")?),
        period: period_of(r)?,
        observation: observation_from_row(r)?,
        note: r.opt_text("note")?,
        source: r.text("source")?,
        recorded_by: r.opt_int("recorded_by")?.map(AccountId),
        recorded_at: r.instant("recorded_at")?,
        row_version: r.int("row_version")?,
    })
}

pub async fn get_actual(
    conn: &mut AnyConnection,
    target: TargetId,
    unit: UnitId,
    period: Period,
) -> Result<Option<Actual>> {
    let row = sqlx::query(&format!(
        "SELECT {ACTUAL_COLUMNS} FROM actuals WHERE target_id = $1 AND unit_id = $2 AND period = $3"
    ))
    .bind(target.0)
    .bind(unit.0)
    .bind(period.to_string())
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(actual_from_row).transpose()
}

/// Records a unit's value. `expected_version` is the version the writer last saw, `None` when
/// it saw none: a value written in between is a conflict, never overwritten.
pub async fn put_actual(
    conn: &mut AnyConnection,
    new: &NewActual<'_>,
    expected_version: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Actual> {
    let (value, numerator, denominator, flag, not_applicable) =
        observation_columns(new.observation);
    let written = match expected_version {
        None => {
            let (start, end) = new.period.dates();
            sqlx::query(
                "INSERT INTO actuals (target_id, unit_id, period, period_start, period_end, value, numerator, denominator, \
                 flag, not_applicable, note, source, recorded_by, recorded_at, packed) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
                 ON CONFLICT (target_id, unit_id, period) DO NOTHING",
            )
            .bind(new.target_id.0)
            .bind(new.unit_id.0)
            .bind(new.period.to_string())
            .bind(sql::date(start))
            .bind(sql::date(end))
            .bind(value)
            .bind(numerator)
            .bind(denominator)
            .bind(flag)
            .bind(not_applicable)
            .bind(new.note)
            .bind(new.source)
            .bind(new.recorded_by.map(|a| a.0))
            .bind(sql::instant(now))
            .bind(pack(new.unit_id, new.period, new.observation))
            .execute(&mut *conn)
            .await?
            .rows_affected()
        }
        Some(version) => sqlx::query(
            "UPDATE actuals SET value = $1, numerator = $2, denominator = $3, flag = $4, not_applicable = $5, \
             note = $6, source = $7, recorded_by = $8, recorded_at = $9, row_version = row_version + 1, packed = $14 \
             WHERE target_id = $10 AND unit_id = $11 AND period = $12 AND row_version = $13",
        )
        .bind(value)
        .bind(numerator)
        .bind(denominator)
        .bind(flag)
        .bind(not_applicable)
        .bind(new.note)
        .bind(new.source)
        .bind(new.recorded_by.map(|a| a.0))
        .bind(sql::instant(now))
        .bind(new.target_id.0)
        .bind(new.unit_id.0)
        .bind(new.period.to_string())
        .bind(version)
        .bind(pack(new.unit_id, new.period, new.observation))
        .execute(&mut *conn)
        .await?
        .rows_affected(),
    };
    if written == 0 {
        return Err(StoreError::Conflict);
    }
    get_actual(conn, new.target_id, new.unit_id, new.period)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Removes a unit's value when `expected_version` is still current.
pub async fn delete_actual(
    conn: &mut AnyConnection,
    target: TargetId,
    unit: UnitId,
    period: Period,
    expected_version: i64,
) -> Result<()> {
    let done = sqlx::query(
        "DELETE FROM actuals WHERE target_id = $1 AND unit_id = $2 AND period = $3 AND row_version = $4",
    )
    .bind(target.0)
    .bind(unit.0)
    .bind(period.to_string())
    .bind(expected_version)
    .execute(conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict);
    }
    Ok(())
}

/// One reported value, the lean form the roll-up reads in bulk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reported {
    pub unit_id: UnitId,
    pub period: Period,
    pub observation: Observation,
}

/// Every value of a target reported for a period inside `[start, end]`.
///
/// This is the roll-up's bulk read (a province month is 3,000 rows, its year 40,000). The rows
/// come back packed into one text (`unit|period|value|numerator|denominator|flag|n/a`, `;`
/// between rows): the driver's cost is per value and per row handed over, not per byte
/// (BENCHMARKS.md). Each row's text is written with its values (`packed`), so the database
/// only concatenates.
///
/// With `at`, the values that counted at that instant (see [`counted_filter`]).
pub async fn reported_within(
    conn: &mut AnyConnection,
    target: TargetId,
    start: NaiveDate,
    end: NaiveDate,
    counted: Counted,
    at: Option<DateTime<Utc>>,
) -> Result<Vec<Reported>> {
    // The rows travel as one text: the driver hands rows from its worker thread one at a time,
    // and at 3,000 to 40,000 rows that hand-over, not SQLite, is the cost.
    let concat = if conn.backend_name().eq_ignore_ascii_case("postgresql") {
        "string_agg"
    } else {
        "group_concat"
    };
    let filter = counted_filter(counted, at);
    let packed: Option<String> = sqlx::query_scalar(&format!(
        "SELECT {concat}(packed, ';') FROM actuals \
         WHERE target_id = $1 AND period_start >= $2 AND period_start <= $3 AND period_end <= $3{filter}"
    ))
    .bind(target.0)
    .bind(sql::date(start))
    .bind(sql::date(end))
    .fetch_one(conn)
    .await?;
    match packed {
        None => Ok(Vec::new()),
        Some(text) if text.is_empty() => Ok(Vec::new()),
        Some(text) => {
            // Most rows share their period: parse each distinct one once.
            let mut last: Option<(&str, Period)> = None;
            text.split(';')
                .map(|row| unpack_reported(row, &mut last))
                .collect()
        }
    }
}

/// The condition keeping only values that count: outside any report, or in a counted state.
///
/// At a past instant `at`: a report's value counts if it was recorded by then and its report
/// was then in a counted state, read from the report's state now and the instants of its last
/// submission and review as `ReportState::at` does (the two are checked against each other in
/// the tests). Values outside reports (imports, records typed in) are records of their period
/// and count at every instant.
fn counted_filter(counted: Counted, at: Option<DateTime<Utc>>) -> String {
    let Some(at) = at else {
        if counted == Counted::Any {
            return String::new();
        }
        let states: Vec<String> = counted
            .states()
            .iter()
            .map(|s| format!("'{}'", s.as_str()))
            .collect();
        return format!(
            " AND (report_id IS NULL OR report_id IN (SELECT id FROM reports WHERE state IN ({})))",
            states.join(", ")
        );
    };
    // A fixed-width instant made here, not user input: safe inside the query.
    let at = sql::instant(at);
    let counted_then = match counted {
        Counted::Accepted => format!("state = 'accepted' AND reviewed_at <= '{at}'"),
        Counted::Submitted => format!(
            "(state = 'accepted' AND reviewed_at <= '{at}') OR (submitted_at <= '{at}' \
             AND (state IN ('submitted', 'accepted') OR (state = 'returned' AND reviewed_at > '{at}')))"
        ),
        Counted::Any => "1 = 1".to_owned(),
    };
    format!(
        " AND (report_id IS NULL OR (recorded_at <= '{at}' AND report_id IN \
         (SELECT id FROM reports WHERE {counted_then})))"
    )
}

/// Values of a target within `[start, end]` left out because their report is not in a counted
/// state yet: the unit, the period and the report's state.
///
/// With `at`: the values recorded by then whose report was then in a state that does not
/// count, with that state.
pub async fn pending_within(
    conn: &mut AnyConnection,
    target: TargetId,
    start: NaiveDate,
    end: NaiveDate,
    counted: Counted,
    at: Option<DateTime<Utc>>,
) -> Result<Vec<(UnitId, Period, ReportState)>> {
    if counted == Counted::Any {
        return Ok(Vec::new());
    }
    let states: Vec<String> = counted
        .states()
        .iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect();
    let filter = match at {
        // A fixed-width instant made here, not user input: safe inside the query.
        Some(at) => format!(" AND a.recorded_at <= '{}'", sql::instant(at)),
        None => format!(" AND r.state NOT IN ({})", states.join(", ")),
    };
    let rows = sqlx::query(&format!(
        "SELECT a.unit_id, a.period, r.state, r.submitted_at, r.reviewed_at FROM actuals a \
         JOIN reports r ON r.id = a.report_id \
         WHERE a.target_id = $1 AND a.period_start >= $2 AND a.period_start <= $3 AND a.period_end <= $3 \
         AND a.report_id IS NOT NULL{filter} ORDER BY a.unit_id, a.period_start"
    ))
    .bind(target.0)
    .bind(sql::date(start))
    .bind(sql::date(end))
    .fetch_all(conn)
    .await?;
    let mut pending = Vec::with_capacity(rows.len());
    for r in &rows {
        let corrupt = |e: trienkhai_core::error::DomainError| StoreError::Corrupt(e.to_string());
        let mut state = ReportState::parse(&r.text("state")?).map_err(corrupt)?;
        if let Some(at) = at {
            state = state.at(
                r.opt_instant("submitted_at")?,
                r.opt_instant("reviewed_at")?,
                at,
            );
            if counted.states().contains(&state) {
                continue;
            }
        }
        pending.push((UnitId(r.int("unit_id")?), period_of(r)?, state));
    }
    Ok(pending)
}

/// Reads a row packed by [`reported_within`].
fn unpack_reported<'a>(packed: &'a str, last: &mut Option<(&'a str, Period)>) -> Result<Reported> {
    let corrupt = || StoreError::Corrupt(format!("packed actual {packed:?}"));
    let mut parts = packed.split('|');
    let mut next = || parts.next().ok_or_else(corrupt);
    let unit = next()?.parse::<i64>().map_err(|_| corrupt())?;
    let period_text = next()?;
    let period = match last {
        Some((text, period)) if *text == period_text => *period,
        _ => {
            let period = Period::parse(period_text).map_err(|_| corrupt())?;
            *last = Some((period_text, period));
            period
        }
    };
    let decimal = |s: &str| -> Result<Option<Decimal>> {
        if s.is_empty() {
            Ok(None)
        } else {
            parse_decimal(s).map(Some)
        }
    };
    let (value, numerator, denominator) = (decimal(next()?)?, decimal(next()?)?, decimal(next()?)?);
    let flag = next()?;
    let not_applicable = next()? != "0";
    let observation = if not_applicable {
        Observation::NotApplicable
    } else if flag != "-1" {
        Observation::Flag { value: flag != "0" }
    } else {
        match (value, numerator, denominator) {
            (Some(value), _, _) => Observation::Value { value },
            (None, Some(numerator), Some(denominator)) => Observation::Ratio {
                numerator,
                denominator,
            },
            _ => return Err(corrupt()),
        }
    };
    Ok(Reported {
        unit_id: UnitId(unit),
        period,
        observation,
    })
}

/// The values version of every target of a document, in one query (lists check their cached
/// figures with it).
pub async fn values_versions_of_document(
    conn: &mut AnyConnection,
    document: DocumentId,
) -> Result<Vec<(TargetId, i64)>> {
    let rows = sqlx::query(
        "SELECT t.id, CAST(t.values_version + COALESCE((SELECT SUM(s.n) FROM target_value_shards s \
         WHERE s.target_id = t.id), 0) AS BIGINT) AS version FROM targets t WHERE t.document_id = $1",
    )
    .bind(document.0)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| Ok((TargetId(r.int("id")?), r.int("version")?)))
        .collect()
}

/// The values a unit reported for a target, oldest first.
pub async fn actuals_of_unit(
    conn: &mut AnyConnection,
    target: TargetId,
    unit: UnitId,
) -> Result<Vec<Actual>> {
    let rows = sqlx::query(&format!(
        "SELECT {ACTUAL_COLUMNS} FROM actuals WHERE target_id = $1 AND unit_id = $2 ORDER BY period_start, period_end"
    ))
    .bind(target.0)
    .bind(unit.0)
    .fetch_all(conn)
    .await?;
    rows.iter().map(actual_from_row).collect()
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

/// Inserts many new values of one target at once (imports, the data generator), in statements
/// of several hundred rows; any value already there makes the whole call fail.
pub async fn bulk_insert_actuals(
    conn: &mut AnyConnection,
    target: TargetId,
    rows: &[(UnitId, Period, Observation)],
    source: &str,
    now: DateTime<Utc>,
) -> Result<u64> {
    const PER_STATEMENT: usize = 300;
    let recorded_at = sql::instant(now);
    let mut written = 0;
    for chunk in rows.chunks(PER_STATEMENT) {
        let mut query = String::from(
            "INSERT INTO actuals (target_id, unit_id, period, period_start, period_end, value, numerator, \
             denominator, flag, not_applicable, source, recorded_at, packed) VALUES ",
        );
        for i in 0..chunk.len() {
            if i > 0 {
                query.push_str(", ");
            }
            let placeholders: Vec<String> = (1..=13).map(|k| format!("${}", i * 13 + k)).collect();
            query.push('(');
            query.push_str(&placeholders.join(", "));
            query.push(')');
        }
        let mut q = sqlx::query(&query);
        for (unit, period, observation) in chunk {
            let (start, end) = period.dates();
            let (value, numerator, denominator, flag, not_applicable) =
                observation_columns(observation);
            q = q
                .bind(target.0)
                .bind(unit.0)
                .bind(period.to_string())
                .bind(sql::date(start))
                .bind(sql::date(end))
                .bind(value)
                .bind(numerator)
                .bind(denominator)
                .bind(flag)
                .bind(not_applicable)
                .bind(source.to_owned())
                .bind(recorded_at.clone())
                .bind(pack(*unit, *period, observation));
        }
        written += q
            .execute(&mut *conn)
            .await
            .map_err(StoreError::classify)?
            .rows_affected();
    }
    Ok(written)
}

/// Every value a unit reported for a period, whatever the target (a report's sheet).
pub async fn actuals_of_unit_period(
    conn: &mut AnyConnection,
    unit: UnitId,
    period: Period,
) -> Result<Vec<Actual>> {
    let rows = sqlx::query(&format!(
        "SELECT {ACTUAL_COLUMNS} FROM actuals WHERE unit_id = $1 AND period = $2 ORDER BY target_id"
    ))
    .bind(unit.0)
    .bind(period.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter().map(actual_from_row).collect()
}

/// One value of a batch: the target, what is reported, and the version the writer last saw
/// (`None` when there was no value).
pub struct BatchValue<'a> {
    pub target_id: TargetId,
    pub observation: &'a Observation,
    pub note: Option<&'a str>,
    pub expected_version: Option<i64>,
}

/// Writes a unit's values of one period at once, all belonging to `report` (a report's draft):
/// new values in multi-row inserts, changed ones checked against the version each writer saw.
/// Any value written by someone else in between is a conflict for the whole batch.
#[allow(clippy::too_many_arguments)]
pub async fn put_actuals_batch(
    conn: &mut AnyConnection,
    unit: UnitId,
    period: Period,
    report: Option<i64>,
    values: &[BatchValue<'_>],
    source: &str,
    recorded_by: Option<AccountId>,
    now: DateTime<Utc>,
) -> Result<()> {
    if values.is_empty() {
        return Ok(());
    }
    let (start, end) = period.dates();
    let fresh: Vec<&BatchValue> = values
        .iter()
        .filter(|v| v.expected_version.is_none())
        .collect();
    const PER_STATEMENT: usize = 50;
    for chunk in fresh.chunks(PER_STATEMENT) {
        let mut sql = String::from(
            "INSERT INTO actuals (target_id, unit_id, period, period_start, period_end, value, numerator, denominator, \
             flag, not_applicable, note, source, recorded_by, recorded_at, packed, report_id) VALUES ",
        );
        for i in 0..chunk.len() {
            let b = i * 16;
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            sql.push_str(
                &(1..=16)
                    .map(|k| format!("${}", b + k))
                    .collect::<Vec<_>>()
                    .join(", "),
            );
            sql.push(')');
        }
        sql.push_str(" ON CONFLICT (target_id, unit_id, period) DO NOTHING");
        let mut q = sqlx::query(&sql);
        for v in chunk {
            let (value, numerator, denominator, flag, not_applicable) =
                observation_columns(v.observation);
            q = q
                .bind(v.target_id.0)
                .bind(unit.0)
                .bind(period.to_string())
                .bind(sql::date(start))
                .bind(sql::date(end))
                .bind(value)
                .bind(numerator)
                .bind(denominator)
                .bind(flag)
                .bind(not_applicable)
                .bind(v.note)
                .bind(source)
                .bind(recorded_by.map(|a| a.0))
                .bind(sql::instant(now))
                .bind(pack(unit, period, v.observation))
                .bind(report);
        }
        if q.execute(&mut *conn).await?.rows_affected() != chunk.len() as u64 {
            return Err(StoreError::Conflict);
        }
    }
    for v in values.iter().filter(|v| v.expected_version.is_some()) {
        let (value, numerator, denominator, flag, not_applicable) =
            observation_columns(v.observation);
        let done = sqlx::query(
            "UPDATE actuals SET value = $1, numerator = $2, denominator = $3, flag = $4, not_applicable = $5, \
             note = $6, source = $7, recorded_by = $8, recorded_at = $9, row_version = row_version + 1, packed = $14, \
             report_id = COALESCE($15, report_id) \
             WHERE target_id = $10 AND unit_id = $11 AND period = $12 AND row_version = $13",
        )
        .bind(value)
        .bind(numerator)
        .bind(denominator)
        .bind(flag)
        .bind(not_applicable)
        .bind(v.note)
        .bind(source)
        .bind(recorded_by.map(|a| a.0))
        .bind(sql::instant(now))
        .bind(v.target_id.0)
        .bind(unit.0)
        .bind(period.to_string())
        .bind(v.expected_version)
        .bind(pack(unit, period, v.observation))
        .bind(report)
        .execute(&mut *conn)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict);
        }
    }
    Ok(())
}
