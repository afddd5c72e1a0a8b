//! What the criteria assessments say across units and years (C11, issue 15, point 6): the
//! overview of an area's units under one kind of catalogue at one year's end (each unit's
//! latest assessment by then while it stays the kind it was, the criteria it meets, its
//! verdict; the communes never assessed counted, never left out), and one unit's assessments side by side, criterion by criterion.
//! The overview reads the assessments' summary columns only, so a province's communes over
//! the years cost one short row each.

use std::collections::{BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;
use trienkhai_core::access::Action;
use trienkhai_core::criteria::CatalogueKind;
use trienkhai_core::criteria::evaluate::{Verdict, evaluate};
use trienkhai_core::ids::UnitId;
use trienkhai_core::vn::cmp_vi;
use trienkhai_store::criteria::{self as store, StoredCatalogue};
use trienkhai_store::criteria_links::{self as links, Summary};

use crate::scope::{Trees, unit_name_on};
use crate::{Actor, App, AppError, Result};

/// One unit of an overview: its latest assessment by the year's end, if any.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct OverviewRow {
    pub unit_id: UnitId,
    pub unit_name: String,
    pub assessment_id: Option<i64>,
    pub assessed_on: Option<NaiveDate>,
    pub catalogue_name: String,
    pub class: Option<String>,
    pub met: u32,
    pub total: u32,
    pub points: Option<Decimal>,
    /// None: not assessed by then.
    pub verdict: Option<Verdict>,
}

/// An area's units under one kind of catalogue at the end of one year.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Overview {
    pub area_id: UnitId,
    pub area_name: String,
    pub kind: CatalogueKind,
    /// None: nobody in the area has been assessed under this kind.
    pub year: Option<i32>,
    /// The years someone in the area was assessed, oldest first.
    pub years: Vec<i32>,
    pub rows: Vec<OverviewRow>,
    pub passed: usize,
    pub not_passed: usize,
    pub incomplete: usize,
    pub unassessed: usize,
}

fn year_end(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default()
}

/// The overview of `area`'s units under catalogues of `kind` at the end of `year` (the last
/// year anyone in the area was assessed, when none is asked). For new-rural catalogues the
/// area's communes never assessed by then are listed too: a count of those meeting the
/// standard is read against all of them.
pub async fn overview(
    app: &App,
    actor: &Actor,
    area: UnitId,
    kind: CatalogueKind,
    year: Option<i32>,
) -> Result<Overview> {
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    // Without a year, every assessment (dates are kept as text: the last one writable).
    let all = links::summaries(&mut conn, kind, year_end(year.unwrap_or(9999))).await?;
    // The years someone inside the area (as the area stood that year) was assessed.
    let mut years = BTreeSet::new();
    for s in &all {
        let y = s.assessed_on.year();
        if !years.contains(&y)
            && trees
                .at(&mut conn, year_end(y))
                .await?
                .is_within(s.unit_id, area)
        {
            years.insert(y);
        }
    }
    let years: Vec<i32> = years.into_iter().collect();
    let year = year.or_else(|| years.last().copied());
    // Nothing assessed: the area as it last stood (a district the 2025 reform ended included).
    let day = match year {
        Some(y) => year_end(y),
        None => trienkhai_store::units::versions_of(&mut conn, area)
            .await?
            .iter()
            .map(|v| v.validity.to.unwrap_or(NaiveDate::MAX))
            .max()
            .map_or(app.today(), |last| last.min(app.today())),
    };
    let area_name = unit_name_on(&mut conn, area, day)
        .await?
        .ok_or_else(|| AppError::invalid("unit_not_alive", "year"))?;
    trees
        .require(&mut conn, actor, Action::Read, area, day)
        .await?;
    let mut overview = Overview {
        area_id: area,
        area_name,
        kind,
        year,
        years,
        rows: Vec::new(),
        passed: 0,
        not_passed: 0,
        incomplete: 0,
        unassessed: 0,
    };
    let Some(year) = year else {
        return Ok(overview);
    };
    let tree = trees.at(&mut conn, year_end(year)).await?;
    // Each unit's latest assessment by the year's end (the summaries come by unit, then day).
    let mut latest: HashMap<UnitId, &Summary> = HashMap::new();
    for s in all.iter().filter(|s| s.assessed_on <= day) {
        if tree.get(s.unit_id).is_some() && tree.is_within(s.unit_id, area) {
            latest.insert(s.unit_id, s);
        }
    }
    // A standing holds while the unit stays the kind it was (a commune made a town leaves).
    let mut kept: HashMap<UnitId, &Summary> = HashMap::new();
    for (unit, s) in latest {
        if crate::criteria_links::same_kind(&mut conn, &mut trees, unit, s.assessed_on, day).await?
        {
            kept.insert(unit, s);
        }
    }
    let latest = kept;
    let catalogues: HashMap<i64, StoredCatalogue> = store::catalogues(&mut conn)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let kinds: BTreeSet<&str> = latest
        .keys()
        .filter_map(|u| tree.get(*u))
        .map(|v| v.kind.as_str())
        .collect();
    for (_, version) in tree.walk_from(area) {
        let summary = latest.get(&version.unit_id);
        let expected = kind == CatalogueKind::NewRural && kinds.contains(version.kind.as_str());
        if summary.is_none() && !expected {
            continue;
        }
        let catalogue = summary.and_then(|s| catalogues.get(&s.catalogue_id));
        overview.rows.push(OverviewRow {
            unit_id: version.unit_id,
            unit_name: version.name.clone(),
            assessment_id: summary.map(|s| s.id),
            assessed_on: summary.map(|s| s.assessed_on),
            catalogue_name: catalogue
                .map(|c| c.catalogue.name.clone())
                .unwrap_or_default(),
            class: catalogue.and_then(|c| c.catalogue.class.clone()),
            met: summary.map_or(0, |s| s.met),
            total: summary.map_or(0, |s| s.total),
            points: summary.and_then(|s| s.points),
            verdict: summary.map(|s| s.verdict),
        });
    }
    overview
        .rows
        .sort_by(|a, b| cmp_vi(&a.unit_name, &b.unit_name));
    for r in &overview.rows {
        match r.verdict {
            Some(Verdict::Passed) => overview.passed += 1,
            Some(Verdict::NotPassed) => overview.not_passed += 1,
            Some(Verdict::Incomplete) => overview.incomplete += 1,
            None => overview.unassessed += 1,
        }
    }
    Ok(overview)
}

/// One assessment as a column of a unit's year-over-year view.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Column {
    pub assessment_id: i64,
    pub assessed_on: NaiveDate,
    pub catalogue_name: String,
    pub class: Option<String>,
    pub met: usize,
    pub total: usize,
    pub points: Option<Decimal>,
    pub verdict: Verdict,
}

/// One criterion across the columns: met or not in each (none: the version has no such
/// criterion, or no value was given).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CriterionLine {
    pub code: String,
    pub name: String,
    pub cells: Vec<Option<bool>>,
}

/// A unit's assessments under one kind of catalogue, oldest first, criterion by criterion.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct YearOverYear {
    pub kind: CatalogueKind,
    pub columns: Vec<Column>,
    pub lines: Vec<CriterionLine>,
}

/// `unit`'s assessments side by side, one view per kind of catalogue it was assessed under.
/// A unit never assessed has nothing to show, and nothing is told of it.
pub async fn year_over_year(app: &App, actor: &Actor, unit: UnitId) -> Result<Vec<YearOverYear>> {
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    let assessments = store::assessments_of_unit(&mut conn, unit).await?;
    let catalogues: HashMap<i64, StoredCatalogue> = store::catalogues(&mut conn)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let mut views: Vec<YearOverYear> = Vec::new();
    for a in &assessments {
        // Each assessment is read by whoever reads the unit on its day.
        trees
            .require(&mut conn, actor, Action::Read, unit, a.assessed_on)
            .await?;
        let Some(c) = catalogues.get(&a.catalogue_id) else {
            continue;
        };
        let values = a.values.iter().map(|v| (v.code.clone(), v.value)).collect();
        let outcome = evaluate(&c.catalogue, &values);
        let at = match views.iter().position(|v| v.kind == c.catalogue.kind) {
            Some(i) => i,
            None => {
                views.push(YearOverYear {
                    kind: c.catalogue.kind,
                    columns: Vec::new(),
                    lines: Vec::new(),
                });
                views.len() - 1
            }
        };
        let view = &mut views[at];
        let column = view.columns.len();
        for r in &outcome.criteria {
            let line = match view.lines.iter().position(|l| l.code == r.code) {
                Some(i) => &mut view.lines[i],
                None => {
                    view.lines.push(CriterionLine {
                        code: r.code.clone(),
                        name: c
                            .catalogue
                            .criteria
                            .iter()
                            .find(|k| k.code == r.code)
                            .map(|k| k.name.clone())
                            .unwrap_or_default(),
                        cells: vec![None; column],
                    });
                    view.lines.last_mut().ok_or(AppError::NotFound)?
                }
            };
            line.cells.push(r.met);
        }
        view.columns.push(Column {
            assessment_id: a.id,
            assessed_on: a.assessed_on,
            catalogue_name: c.catalogue.name.clone(),
            class: c.catalogue.class.clone(),
            met: outcome.met,
            total: outcome.total,
            points: outcome.points,
            verdict: outcome.verdict,
        });
        for l in &mut view.lines {
            l.cells.resize(column + 1, None);
        }
    }
    Ok(views)
}

/// The units whose overview a reader opens first: those their access starts from (the tree's
/// top for whoever reads everywhere), by their latest name; at most 20.
pub async fn areas(app: &App, actor: &Actor) -> Result<Vec<(UnitId, String)>> {
    let mut conn = app.db.reader().await?;
    let roots = match actor.access.roots_for(Action::Read) {
        Some(roots) => roots,
        None => Trees::shared(app)
            .at(&mut conn, app.today())
            .await?
            .roots()
            .to_vec(),
    };
    let mut out = Vec::new();
    for unit in roots.into_iter().take(20) {
        let versions = trienkhai_store::units::versions_of(&mut conn, unit).await?;
        if let Some(last) = versions.iter().max_by_key(|v| v.validity.from) {
            out.push((unit, last.name.clone()));
        }
    }
    Ok(out)
}
