//! Criteria assessments feeding the plan (C11, issue 15, point 4): which count target is
//! computed from the assessments against catalogues of one kind (one link per target), the
//! settled standings those values are read from, and which work items address which criterion
//! an assessment still misses.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::AnyConnection;
use trienkhai_core::criteria::CatalogueKind;
use trienkhai_core::criteria::evaluate::Verdict;
use trienkhai_core::ids::{TargetId, UnitId, WorkItemId};

use crate::sql::{self, RowExt};
use crate::{Result, StoreError};

/// A count target whose value per unit is its standing under catalogues of `catalogue_kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct CriteriaTarget {
    pub target_id: TargetId,
    pub catalogue_kind: CatalogueKind,
}

fn corrupt(e: impl ToString) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

fn target_of(r: &sqlx::any::AnyRow) -> Result<CriteriaTarget> {
    Ok(CriteriaTarget {
        target_id: TargetId(r.int("target_id")?),
        catalogue_kind: CatalogueKind::parse(&r.text("catalogue_kind")?).map_err(corrupt)?,
    })
}

/// Links a target to assessments, replacing an earlier link.
pub async fn link_target(
    conn: &mut AnyConnection,
    link: &CriteriaTarget,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO criteria_targets (target_id, catalogue_kind, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (target_id) DO UPDATE SET catalogue_kind = excluded.catalogue_kind, \
         updated_at = excluded.updated_at",
    )
    .bind(link.target_id.0)
    .bind(link.catalogue_kind.as_str())
    .bind(sql::instant(now))
    .execute(conn)
    .await?;
    Ok(())
}

/// The target's link, if it is computed from assessments.
pub async fn target_link(
    conn: &mut AnyConnection,
    target: TargetId,
) -> Result<Option<CriteriaTarget>> {
    sqlx::query("SELECT target_id, catalogue_kind FROM criteria_targets WHERE target_id = $1")
        .bind(target.0)
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(target_of)
        .transpose()
}

/// The targets fed by assessments against catalogues of `kind` (a handful).
pub async fn targets_fed_by(
    conn: &mut AnyConnection,
    kind: CatalogueKind,
) -> Result<Vec<CriteriaTarget>> {
    sqlx::query(
        "SELECT target_id, catalogue_kind FROM criteria_targets WHERE catalogue_kind = $1 \
         ORDER BY target_id",
    )
    .bind(kind.as_str())
    .fetch_all(conn)
    .await?
    .iter()
    .map(target_of)
    .collect()
}

/// Every target computed from assessments: what report forms leave out.
pub async fn computed_ids(conn: &mut AnyConnection) -> Result<Vec<TargetId>> {
    let ids: Vec<i64> = sqlx::query_scalar("SELECT target_id FROM criteria_targets")
        .fetch_all(conn)
        .await?;
    Ok(ids.into_iter().map(TargetId).collect())
}

/// An assessment's summary as a standing: who, when, with which verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub unit_id: UnitId,
    pub assessed_on: NaiveDate,
    pub verdict: Verdict,
}

/// The assessments against catalogues of `kind` (of `unit` only, when given), by unit then
/// day: summary columns only, never the values.
pub async fn standings(
    conn: &mut AnyConnection,
    kind: CatalogueKind,
    unit: Option<UnitId>,
) -> Result<Vec<Standing>> {
    let rows = sqlx::query(
        "SELECT a.unit_id, a.assessed_on, a.verdict FROM criteria_assessments a \
         JOIN criteria_catalogues c ON c.id = a.catalogue_id \
         WHERE c.kind = $1 AND ($2 = 0 OR a.unit_id = $2) ORDER BY a.unit_id, a.assessed_on, a.id",
    )
    .bind(kind.as_str())
    .bind(unit.map_or(0, |u| u.0))
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Standing {
                unit_id: UnitId(r.int("unit_id")?),
                assessed_on: r.date("assessed_on")?,
                verdict: crate::criteria::verdict_of(&r.text("verdict")?)?,
            })
        })
        .collect()
}

/// A work item addressing what an assessment misses: one criterion, or (`criterion_code`
/// empty) the assessment as a whole.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct GapItem {
    pub assessment_id: i64,
    pub criterion_code: String,
    pub work_item_id: WorkItemId,
}

/// Records that `item` addresses a gap; recording it twice is harmless.
pub async fn add_gap_item(
    conn: &mut AnyConnection,
    item: &GapItem,
    now: DateTime<Utc>,
) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO criteria_gap_items (assessment_id, criterion_code, work_item_id, created_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
    )
    .bind(item.assessment_id)
    .bind(&item.criterion_code)
    .bind(item.work_item_id.0)
    .bind(sql::instant(now))
    .execute(conn)
    .await
    .map_err(StoreError::classify)?;
    Ok(done.rows_affected() > 0)
}

/// The work items addressing an assessment's gaps, by criterion then item.
pub async fn gap_items(conn: &mut AnyConnection, assessment: i64) -> Result<Vec<GapItem>> {
    sqlx::query(
        "SELECT assessment_id, criterion_code, work_item_id FROM criteria_gap_items \
         WHERE assessment_id = $1 ORDER BY criterion_code, work_item_id",
    )
    .bind(assessment)
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| {
        Ok(GapItem {
            assessment_id: r.int("assessment_id")?,
            criterion_code: r.text("criterion_code")?,
            work_item_id: WorkItemId(r.int("work_item_id")?),
        })
    })
    .collect()
}

/// The last day anyone was assessed against a catalogue of `kind`.
pub async fn last_assessed_on(
    conn: &mut AnyConnection,
    kind: CatalogueKind,
) -> Result<Option<NaiveDate>> {
    let day: Option<String> = sqlx::query_scalar(
        "SELECT MAX(a.assessed_on) FROM criteria_assessments a \
         JOIN criteria_catalogues c ON c.id = a.catalogue_id WHERE c.kind = $1",
    )
    .bind(kind.as_str())
    .fetch_one(conn)
    .await?;
    day.map(|d| sql::parse_date(&d)).transpose()
}

/// An assessment's summary, without its values: one line of an overview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub id: i64,
    pub unit_id: UnitId,
    pub catalogue_id: i64,
    pub assessed_on: NaiveDate,
    pub met: u32,
    pub total: u32,
    pub points: Option<rust_decimal::Decimal>,
    pub verdict: Verdict,
}

/// Every assessment against catalogues of `kind` made by `to`, by unit then day: summary
/// columns only (an overview of a province's communes reads one short row each).
pub async fn summaries(
    conn: &mut AnyConnection,
    kind: CatalogueKind,
    to: NaiveDate,
) -> Result<Vec<Summary>> {
    let rows = sqlx::query(
        "SELECT a.id, a.unit_id, a.catalogue_id, a.assessed_on, a.met, a.total, a.points, \
         a.verdict FROM criteria_assessments a JOIN criteria_catalogues c ON c.id = a.catalogue_id \
         WHERE c.kind = $1 AND a.assessed_on <= $2 ORDER BY a.unit_id, a.assessed_on, a.id",
    )
    .bind(kind.as_str())
    .bind(sql::date(to))
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Summary {
                id: r.int("id")?,
                unit_id: UnitId(r.int("unit_id")?),
                catalogue_id: r.int("catalogue_id")?,
                assessed_on: r.date("assessed_on")?,
                met: u32::try_from(r.int("met")?).map_err(corrupt)?,
                total: u32::try_from(r.int("total")?).map_err(corrupt)?,
                points: r
                    .opt_text("points")?
                    .map(|p| p.parse().map_err(corrupt))
                    .transpose()?,
                verdict: crate::criteria::verdict_of(&r.text("verdict")?)?,
            })
        })
        .collect()
}
