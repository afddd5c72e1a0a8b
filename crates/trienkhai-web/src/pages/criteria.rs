//! Criteria sets as pages (C11): the catalogues with what is still to check against the text,
//! one catalogue as a checklist that prints, and a unit's page: the overview of the units
//! under it at one year's end (a bar of criteria met per unit, no map) and its own assessments
//! side by side over the years.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::Uri;
use axum::response::Response;
use serde::Deserialize;
use trienkhai_app::AppError;
use trienkhai_app::criteria::{self, CatalogueLine};
use trienkhai_app::criteria_overview::{self as overview, Overview};
use trienkhai_core::criteria::evaluate::Verdict;
use trienkhai_core::criteria::{CatalogueKind, Criterion, Direction, Measure, PassRule};
use trienkhai_core::ids::UnitId;
use trienkhai_core::vn::format_decimal;

use super::{PageCtx, edits_somewhere, render};
use crate::AppState;
use crate::error::PageError;
use crate::extract::PageActor;
use crate::fmt;
use crate::i18n::{Lang, tr};

pub(super) fn kind_label(lang: Lang, kind: CatalogueKind) -> &'static str {
    tr(lang, &format!("criteria.kind.{}", kind.as_str()))
}

/// A verdict's words and its style (None: not assessed).
pub(super) fn verdict(lang: Lang, v: Option<Verdict>) -> (&'static str, &'static str) {
    match v {
        Some(Verdict::Passed) => (tr(lang, "criteria.verdict.passed"), "st-achieved"),
        Some(Verdict::NotPassed) => (tr(lang, "criteria.verdict.not_passed"), "st-not-achieved"),
        Some(Verdict::Incomplete) => (tr(lang, "criteria.verdict.incomplete"), "st-incomplete"),
        None => (tr(lang, "criteria.verdict.none"), "st-no-data"),
    }
}

/// A criterion's requirement in words: "Từ 4.000 người trở lên".
pub(super) fn requirement(lang: Lang, c: &Criterion) -> String {
    let n = |d: &rust_decimal::Decimal| format_decimal(d, 2);
    match c.measure {
        Measure::Met => tr(lang, "criteria.measure.met").to_owned(),
        Measure::Threshold {
            threshold,
            direction,
        } => {
            let key = match direction {
                Direction::Increase => "criteria.measure.at_least",
                Direction::Decrease => "criteria.measure.at_most",
            };
            tr(lang, key)
                .replace("{t}", &n(&threshold))
                .replace(" {u}", &unit_after(&c.unit))
        }
        Measure::Scored {
            minimum, maximum, ..
        } => tr(lang, "criteria.measure.scored")
            .replace("{min}", &n(&minimum))
            .replace("{max}", &n(&maximum))
            .replace(" {u}", &unit_after(&c.unit)),
        Measure::Points => tr(lang, "criteria.measure.points").to_owned(),
    }
}

/// A unit written after a figure: "4.000 người", "55%".
pub(super) fn unit_after(unit: &str) -> String {
    match unit {
        "" => String::new(),
        "%" => "%".to_owned(),
        u => format!(" {u}"),
    }
}

struct CatalogueRow {
    id: i64,
    name: String,
    kind: &'static str,
    class: String,
    region: String,
    in_force: String,
    criteria: usize,
    to_verify: String,
    source: String,
}

fn catalogue_row(lang: Lang, c: &CatalogueLine) -> CatalogueRow {
    CatalogueRow {
        id: c.id,
        name: c.name.clone(),
        kind: kind_label(lang, c.kind),
        class: c.class.clone().unwrap_or_default(),
        region: c
            .region
            .clone()
            .unwrap_or_else(|| tr(lang, "criteria.national").to_owned()),
        in_force: fmt::interval(lang, c.effective_from, c.effective_to),
        criteria: c.criteria,
        to_verify: if c.to_verify > 0 || c.pass_to_verify {
            tr(lang, "criteria.to_verify_count").replace(
                "{n}",
                &(c.to_verify + usize::from(c.pass_to_verify)).to_string(),
            )
        } else {
            String::new()
        },
        source: c.source.clone(),
    }
}

#[derive(Template)]
#[template(path = "criteria.html")]
struct CataloguesPage {
    ctx: PageCtx,
    rows: Vec<CatalogueRow>,
    /// The reader's own units, to open their overview: id, name.
    areas: Vec<(i64, String)>,
    can_keep: bool,
}

pub async fn catalogues(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
) -> Result<Response, PageError> {
    let ctx = PageCtx::new(&page, &uri);
    let lang = ctx.lang();
    let rows = criteria::catalogues(&state.app, &page.actor)
        .await?
        .iter()
        .map(|c| catalogue_row(lang, c))
        .collect();
    let areas = overview::areas(&state.app, &page.actor)
        .await?
        .into_iter()
        .map(|(u, name)| (u.0, name))
        .collect();
    render(&CataloguesPage {
        ctx,
        rows,
        areas,
        can_keep: criteria::keeps_catalogues(&page.actor),
    })
}

struct ChecklistGroup {
    code: String,
    name: String,
    points: String,
    criteria: Vec<ChecklistLine>,
}

struct ChecklistLine {
    code: String,
    name: String,
    requirement: String,
    points: String,
    to_verify: bool,
    note: String,
}

#[derive(Template)]
#[template(path = "criteria_catalogue.html")]
struct ChecklistPage {
    ctx: PageCtx,
    row: CatalogueRow,
    pass_rule: String,
    pass_to_verify: bool,
    groups: Vec<ChecklistGroup>,
    can_keep: bool,
}

pub async fn checklist(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let ctx = PageCtx::new(&page, &uri);
    let lang = ctx.lang();
    let stored = criteria::catalogue(&state.app, &page.actor, id).await?;
    let c = &stored.catalogue;
    let points =
        |min: Option<rust_decimal::Decimal>, max: Option<rust_decimal::Decimal>| match (min, max) {
            (Some(a), Some(b)) => format!("{} – {}", format_decimal(&a, 2), format_decimal(&b, 2)),
            (None, Some(b)) => format_decimal(&b, 2),
            _ => String::new(),
        };
    let groups = c
        .groups
        .iter()
        .map(|g| ChecklistGroup {
            code: g.code.clone(),
            name: g.name.clone(),
            points: points(g.min_points, g.max_points),
            criteria: c
                .criteria
                .iter()
                .filter(|k| k.group == g.code)
                .map(|k| ChecklistLine {
                    code: k.code.clone(),
                    name: k.name.clone(),
                    requirement: requirement(lang, k),
                    points: points(k.min_points, k.max_points),
                    to_verify: k.to_verify,
                    note: k.note.clone(),
                })
                .collect(),
        })
        .collect();
    render(&ChecklistPage {
        row: catalogue_row(lang, &CatalogueLine::of(&stored)),
        pass_rule: match c.pass_rule {
            PassRule::AllCriteria => tr(lang, "criteria.pass.all").to_owned(),
            PassRule::PassMark { mark } => {
                tr(lang, "criteria.pass.mark").replace("{mark}", &format_decimal(&mark, 2))
            }
        },
        pass_to_verify: c.pass_to_verify,
        groups,
        can_keep: criteria::keeps_catalogues(&page.actor),
        ctx,
    })
}

#[derive(Deserialize)]
pub struct UnitQuery {
    kind: Option<String>,
    year: Option<String>,
}

struct BarRow {
    unit_id: i64,
    unit_name: String,
    assessment_id: Option<i64>,
    met: u32,
    total: u32,
    met_of: String,
    points: String,
    verdict: &'static str,
    verdict_class: &'static str,
    detail: String,
}

struct YoyColumn {
    id: i64,
    heading: String,
    met_of: String,
    points: String,
    verdict: &'static str,
    verdict_class: &'static str,
}

struct YoyLine {
    code: String,
    name: String,
    /// Mark, words, style.
    cells: Vec<(&'static str, &'static str, &'static str)>,
}

struct YoyView {
    kind: &'static str,
    columns: Vec<YoyColumn>,
    lines: Vec<YoyLine>,
}

#[derive(Template)]
#[template(path = "criteria_unit.html")]
struct UnitPage {
    ctx: PageCtx,
    unit_id: i64,
    unit_name: String,
    kinds: Vec<(&'static str, &'static str, bool)>,
    years: Vec<(i32, bool)>,
    overview_title: String,
    summary: String,
    bars: Vec<BarRow>,
    views: Vec<YoyView>,
    can_assess: bool,
}

fn met_of(lang: Lang, met: impl ToString, total: impl ToString) -> String {
    tr(lang, "criteria.met_of")
        .replace("{met}", &met.to_string())
        .replace("{total}", &total.to_string())
}

fn bars(lang: Lang, o: &Overview) -> Vec<BarRow> {
    o.rows
        .iter()
        .map(|r| {
            let (verdict, verdict_class) = verdict(lang, r.verdict);
            BarRow {
                unit_id: r.unit_id.0,
                unit_name: r.unit_name.clone(),
                assessment_id: r.assessment_id,
                met: r.met,
                total: r.total.max(1),
                met_of: if r.verdict.is_some() {
                    met_of(lang, r.met, r.total)
                } else {
                    String::new()
                },
                points: r
                    .points
                    .map(|p| tr(lang, "criteria.points_n").replace("{n}", &format_decimal(&p, 2)))
                    .unwrap_or_default(),
                verdict,
                verdict_class,
                detail: match (&r.class, r.assessed_on) {
                    (Some(class), Some(on)) => {
                        format!("{} {class} · {}", tr(lang, "criteria.class"), fmt::date(on))
                    }
                    (None, Some(on)) => fmt::date(on),
                    _ => String::new(),
                },
            }
        })
        .collect()
}

pub async fn unit(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
    Path(id): Path<i64>,
    Query(q): Query<UnitQuery>,
) -> Result<Response, PageError> {
    let ctx = PageCtx::new(&page, &uri);
    let lang = ctx.lang();
    let unit = UnitId(id);
    let own = overview::year_over_year(&state.app, &page.actor, unit).await?;
    // Unasked, the kind the unit itself was assessed under (a town: its urban class).
    let kind = match q.kind.as_deref().map(str::trim) {
        None | Some("") => own.first().map_or(CatalogueKind::NewRural, |v| v.kind),
        Some(k) => CatalogueKind::parse(k).map_err(AppError::from)?,
    };
    let year = match q.year.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(y) => Some(
            y.parse::<i32>()
                .ok()
                .filter(|y| (1945..=2100).contains(y))
                .ok_or_else(|| PageError(AppError::invalid("invalid_number", "year")))?,
        ),
    };
    let o = overview::overview(&state.app, &page.actor, unit, kind, year).await?;
    let views = own
        .into_iter()
        .map(|v| YoyView {
            kind: kind_label(lang, v.kind),
            columns: v
                .columns
                .iter()
                .map(|c| {
                    let (verdict, verdict_class) = verdict(lang, Some(c.verdict));
                    YoyColumn {
                        id: c.assessment_id,
                        heading: match &c.class {
                            Some(class) => format!(
                                "{} ({} {class})",
                                fmt::date(c.assessed_on),
                                tr(lang, "criteria.class")
                            ),
                            None => fmt::date(c.assessed_on),
                        },
                        met_of: met_of(lang, c.met, c.total),
                        points: c
                            .points
                            .map(|p| {
                                tr(lang, "criteria.points_n").replace("{n}", &format_decimal(&p, 2))
                            })
                            .unwrap_or_default(),
                        verdict,
                        verdict_class,
                    }
                })
                .collect(),
            lines: v
                .lines
                .iter()
                .map(|l| YoyLine {
                    code: l.code.clone(),
                    name: l.name.clone(),
                    cells: l
                        .cells
                        .iter()
                        .map(|c| match c {
                            Some(true) => ("✓", tr(lang, "criteria.met"), "st-achieved"),
                            Some(false) => ("✗", tr(lang, "criteria.not_met"), "st-not-achieved"),
                            None => ("–", tr(lang, "criteria.no_value"), "st-no-data"),
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    let summary = tr(lang, "criteria.summary")
        .replace("{passed}", &o.passed.to_string())
        .replace("{not_passed}", &o.not_passed.to_string())
        .replace("{incomplete}", &o.incomplete.to_string())
        .replace("{unassessed}", &o.unassessed.to_string());
    render(&UnitPage {
        unit_id: id,
        unit_name: o.area_name.clone(),
        kinds: CatalogueKind::ALL
            .into_iter()
            .map(|k| (k.as_str(), kind_label(lang, k), k == kind))
            .collect(),
        years: o.years.iter().map(|y| (*y, Some(*y) == o.year)).collect(),
        overview_title: o
            .year
            .map(|y| {
                tr(lang, "criteria.overview_of")
                    .replace("{area}", &o.area_name)
                    .replace("{year}", &y.to_string())
            })
            .unwrap_or_default(),
        summary,
        bars: bars(lang, &o),
        views,
        can_assess: edits_somewhere(&page.actor),
        ctx,
    })
}
