//! Criteria catalogues and assessments (C11). A catalogue version is kept whole (its groups,
//! criteria and pass rule as JSON): it is read whole and changed rarely, by the
//! administrator. An assessment keeps each criterion's value with its evidence, and beside them
//! the summary its evaluation gave (criteria met, points, verdict), written in the same
//! statement so the overview of a province's communes reads one row per unit.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use sqlx::any::AnyRow;
use trienkhai_core::criteria::evaluate::{Value, Verdict};
use trienkhai_core::criteria::{Catalogue, CatalogueKind, CriteriaGroup, Criterion, PassRule};
use trienkhai_core::ids::UnitId;

use crate::sql::{self, RowExt};
use crate::{Result, StoreError};

/// A catalogue version as kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct StoredCatalogue {
    pub id: i64,
    pub catalogue: Catalogue,
    /// Shipped with trienkhai (not imported by a province).
    pub shipped: bool,
    pub row_version: i64,
}

/// What `definition` holds: the parts of a catalogue that are not columns.
#[derive(Serialize, Deserialize)]
struct Definition {
    pass_rule: PassRule,
    pass_to_verify: bool,
    groups: Vec<CriteriaGroup>,
    criteria: Vec<Criterion>,
}

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("criteria: {e}"))
}

fn definition_of(c: &Catalogue) -> Result<String> {
    serde_json::to_string(&Definition {
        pass_rule: c.pass_rule,
        pass_to_verify: c.pass_to_verify,
        groups: c.groups.clone(),
        criteria: c.criteria.clone(),
    })
    .map_err(corrupt)
}

const CATALOGUE_COLUMNS: &str = "id, code, name, kind, class, region, source, effective_from, \
     effective_to, definition, shipped, row_version";

fn catalogue_of(row: &AnyRow) -> Result<StoredCatalogue> {
    let definition: Definition = serde_json::from_str(&row.text("definition")?).map_err(corrupt)?;
    let region = row.text("region")?;
    Ok(StoredCatalogue {
        id: row.int("id")?,
        catalogue: Catalogue {
            code: row.text("code")?,
            name: row.text("name")?,
            kind: CatalogueKind::parse(&row.text("kind")?).map_err(corrupt)?,
            class: row.opt_text("class")?,
            region: (!region.is_empty()).then_some(region),
            source: row.text("source")?,
            effective_from: row.date("effective_from")?,
            effective_to: row.opt_date("effective_to")?,
            pass_rule: definition.pass_rule,
            pass_to_verify: definition.pass_to_verify,
            groups: definition.groups,
            criteria: definition.criteria,
        },
        shipped: row.flag("shipped")?,
        row_version: row.int("row_version")?,
    })
}

/// Keeps a new catalogue version; the same code, region and first day twice is a duplicate.
pub async fn insert_catalogue(
    conn: &mut AnyConnection,
    c: &Catalogue,
    shipped: bool,
    now: DateTime<Utc>,
) -> Result<i64> {
    let row = sqlx::query(
        "INSERT INTO criteria_catalogues (code, name, kind, class, region, source, \
         effective_from, effective_to, definition, shipped, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
    )
    .bind(&c.code)
    .bind(&c.name)
    .bind(c.kind.as_str())
    .bind(c.class.clone())
    .bind(c.region.clone().unwrap_or_default())
    .bind(&c.source)
    .bind(sql::date(c.effective_from))
    .bind(sql::opt_date(c.effective_to))
    .bind(definition_of(c)?)
    .bind(i64::from(shipped))
    .bind(sql::instant(now))
    .fetch_one(conn)
    .await
    .map_err(StoreError::classify)?;
    row.int("id")
}

/// Replaces a catalogue version's name, dates and definition if it is still at
/// `expected_version` (its code and region stay); answers the new version.
pub async fn update_catalogue(
    conn: &mut AnyConnection,
    id: i64,
    c: &Catalogue,
    expected_version: i64,
    now: DateTime<Utc>,
) -> Result<i64> {
    let row = sqlx::query(
        "UPDATE criteria_catalogues SET name = $1, source = $2, effective_from = $3, \
         effective_to = $4, definition = $5, updated_at = $6, row_version = row_version + 1 \
         WHERE id = $7 AND row_version = $8 RETURNING row_version",
    )
    .bind(&c.name)
    .bind(&c.source)
    .bind(sql::date(c.effective_from))
    .bind(sql::opt_date(c.effective_to))
    .bind(definition_of(c)?)
    .bind(sql::instant(now))
    .bind(id)
    .bind(expected_version)
    .fetch_optional(conn)
    .await
    .map_err(StoreError::classify)?
    .ok_or(StoreError::Conflict)?;
    row.int("row_version")
}

/// Every catalogue version, by code then first day.
pub async fn catalogues(conn: &mut AnyConnection) -> Result<Vec<StoredCatalogue>> {
    sqlx::query(&format!(
        "SELECT {CATALOGUE_COLUMNS} FROM criteria_catalogues ORDER BY code, region, effective_from"
    ))
    .fetch_all(conn)
    .await?
    .iter()
    .map(catalogue_of)
    .collect()
}

pub async fn catalogue(conn: &mut AnyConnection, id: i64) -> Result<StoredCatalogue> {
    let row = sqlx::query(&format!(
        "SELECT {CATALOGUE_COLUMNS} FROM criteria_catalogues WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    catalogue_of(&row)
}

/// A criterion's value in an assessment, with what shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ValueEntry {
    pub code: String,
    pub value: Value,
    /// Where the figure comes from ("Báo cáo số 12/BC-UBND ngày 05/12/2021").
    #[serde(default)]
    pub evidence: String,
}

/// One unit assessed against one catalogue version on one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Assessment {
    pub id: i64,
    pub unit_id: UnitId,
    pub catalogue_id: i64,
    pub assessed_on: NaiveDate,
    pub values: Vec<ValueEntry>,
    pub note: String,
    /// The evaluation's summary, written with the values.
    pub met: u32,
    pub total: u32,
    pub points: Option<Decimal>,
    pub verdict: Verdict,
    pub row_version: i64,
}

fn verdict_str(v: Verdict) -> &'static str {
    match v {
        Verdict::Passed => "passed",
        Verdict::NotPassed => "not_passed",
        Verdict::Incomplete => "incomplete",
    }
}

pub(crate) fn verdict_of(s: &str) -> Result<Verdict> {
    match s {
        "passed" => Ok(Verdict::Passed),
        "not_passed" => Ok(Verdict::NotPassed),
        "incomplete" => Ok(Verdict::Incomplete),
        other => Err(corrupt(format!("verdict {other}"))),
    }
}

const ASSESSMENT_COLUMNS: &str = "id, unit_id, catalogue_id, assessed_on, criterion_values, note, \
     met, total, points, verdict, row_version";

fn assessment_of(row: &AnyRow) -> Result<Assessment> {
    Ok(Assessment {
        id: row.int("id")?,
        unit_id: UnitId(row.int("unit_id")?),
        catalogue_id: row.int("catalogue_id")?,
        assessed_on: row.date("assessed_on")?,
        values: serde_json::from_str(&row.text("criterion_values")?).map_err(corrupt)?,
        note: row.text("note")?,
        met: u32::try_from(row.int("met")?).map_err(corrupt)?,
        total: u32::try_from(row.int("total")?).map_err(corrupt)?,
        points: row
            .opt_text("points")?
            .map(|p| p.parse::<Decimal>().map_err(corrupt))
            .transpose()?,
        verdict: verdict_of(&row.text("verdict")?)?,
        row_version: row.int("row_version")?,
    })
}

/// Keeps an assessment: a new one when `a.id` is 0 (the same unit, catalogue and day twice is
/// a duplicate), else the values and summary of the one kept if it is still at
/// `a.row_version`. Answers the id and the new row version.
pub async fn save_assessment(
    conn: &mut AnyConnection,
    a: &Assessment,
    now: DateTime<Utc>,
) -> Result<(i64, i64)> {
    let values = serde_json::to_string(&a.values).map_err(corrupt)?;
    let points = a.points.map(|p| p.normalize().to_string());
    let row = if a.id == 0 {
        sqlx::query(
            "INSERT INTO criteria_assessments (unit_id, catalogue_id, assessed_on, \
             criterion_values, note, met, total, points, verdict, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id, row_version",
        )
        .bind(a.unit_id.0)
        .bind(a.catalogue_id)
        .bind(sql::date(a.assessed_on))
        .bind(values)
        .bind(&a.note)
        .bind(i64::from(a.met))
        .bind(i64::from(a.total))
        .bind(points)
        .bind(verdict_str(a.verdict))
        .bind(sql::instant(now))
        .fetch_one(conn)
        .await
        .map_err(StoreError::classify)?
    } else {
        sqlx::query(
            "UPDATE criteria_assessments SET criterion_values = $1, note = $2, met = $3, \
             total = $4, points = $5, verdict = $6, updated_at = $7, \
             row_version = row_version + 1 WHERE id = $8 AND row_version = $9 \
             RETURNING id, row_version",
        )
        .bind(values)
        .bind(&a.note)
        .bind(i64::from(a.met))
        .bind(i64::from(a.total))
        .bind(points)
        .bind(verdict_str(a.verdict))
        .bind(sql::instant(now))
        .bind(a.id)
        .bind(a.row_version)
        .fetch_optional(conn)
        .await
        .map_err(StoreError::classify)?
        .ok_or(StoreError::Conflict)?
    };
    Ok((row.int("id")?, row.int("row_version")?))
}

pub async fn assessment(conn: &mut AnyConnection, id: i64) -> Result<Assessment> {
    let row = sqlx::query(&format!(
        "SELECT {ASSESSMENT_COLUMNS} FROM criteria_assessments WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    assessment_of(&row)
}

/// A unit's assessments, oldest first (its history over the years).
pub async fn assessments_of_unit(
    conn: &mut AnyConnection,
    unit: UnitId,
) -> Result<Vec<Assessment>> {
    sqlx::query(&format!(
        "SELECT {ASSESSMENT_COLUMNS} FROM criteria_assessments WHERE unit_id = $1 \
         ORDER BY assessed_on, id"
    ))
    .bind(unit.0)
    .fetch_all(conn)
    .await?
    .iter()
    .map(assessment_of)
    .collect()
}

/// The assessments against the versions `catalogues` made from `from` to `to` (inclusive),
/// by unit then day: the overview of a province's communes over the years.
pub async fn assessments_between(
    conn: &mut AnyConnection,
    catalogues: &[i64],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Assessment>> {
    if catalogues.is_empty() {
        return Ok(Vec::new());
    }
    sqlx::query(&format!(
        "SELECT {ASSESSMENT_COLUMNS} FROM criteria_assessments \
         WHERE catalogue_id IN ({}) AND assessed_on >= $1 AND assessed_on <= $2 \
         ORDER BY unit_id, assessed_on, id",
        sql::id_list(catalogues.iter().copied())
    ))
    .bind(sql::date(from))
    .bind(sql::date(to))
    .fetch_all(conn)
    .await?
    .iter()
    .map(assessment_of)
    .collect()
}
