//! Screens of plans: the document list and registration form, a plan's page (headline "x/y
//! chỉ tiêu đạt và vượt", targets and work items grouped by field or theme, the status chart,
//! the file), the coverage report, a target's page (figure, formula with its inputs, the trend
//! chart, the form to record a value), a work item's page (state, roadmap, requests, cascade)
//! and "my unit's plan".

mod document_pages;
pub use document_pages::*;
mod target_pages;
pub use target_pages::*;
mod work_item_pages;
pub use work_item_pages::*;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::Uri;
use axum::response::Response;
use rust_decimal::Decimal;
use serde::Deserialize;
use trienkhai_app::AppError;
use trienkhai_app::cascade::{self};
use trienkhai_app::documents::{self};
use trienkhai_app::targets::{self, UnitFigure};
use trienkhai_app::work_items::WorkItemView;
use trienkhai_core::ids::{DocumentId, TargetId, UnitId};
use trienkhai_core::period::Period;
use trienkhai_core::target::Status;
use trienkhai_core::vn;

use super::{PageCtx, pickers, render, unit_by_code};
use crate::AppState;
use crate::charts;
use crate::error::PageError;
use crate::extract::PageActor;
use crate::fmt;
use crate::i18n::{Lang, tr};
use chrono::Datelike;
use trienkhai_core::access::Action;

/// A decimal typed in a form, the Vietnamese way (`1.234,5`) or with a dot.
fn form_decimal(input: &Option<String>, field: &str) -> Result<Option<Decimal>, PageError> {
    let text = input.as_deref().unwrap_or("").trim();
    if text.is_empty() {
        return Ok(None);
    }
    vn::parse_decimal(text)
        .map(Some)
        .map_err(|e| PageError(AppError::invalid(e.code(), field)))
}

fn form_period(input: &Option<String>) -> Result<Option<Period>, PageError> {
    match input.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(p) => Ok(Some(Period::parse(p).map_err(AppError::from)?)),
    }
}

pub struct TargetLine {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub unit_of_measure: String,
    pub value: String,
    pub goal: String,
    pub status: String,
    pub status_class: &'static str,
    pub percent: String,
    pub incomplete: bool,
    pub illustrative: bool,
}

pub struct ItemLine {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub lead: String,
    pub deadline: String,
    pub state: String,
    pub state_class: &'static str,
    pub moved: bool,
}

pub struct Group<T> {
    pub label: String,
    pub rows: Vec<T>,
}

#[derive(Template)]
#[template(path = "document.html")]
struct PlanPage {
    ctx: PageCtx,
    /// Issued by today: its study sessions and emulation can be read (a demo standing in 2021
    /// holds documents of 2026).
    issued: bool,
    /// Pickers: periods in words, units by name (see `pickers`).
    period_options: Vec<pickers::Choice>,
    unit_options: Vec<pickers::Choice>,
    report_units: Vec<pickers::Choice>,
    report_periods: Vec<pickers::Choice>,
    /// The plan's targets by name, for a new item's "serves" choice.
    target_options: Vec<(String, String)>,
    id: i64,
    doc: DocRow,
    issuer_id: Option<i64>,
    theme_of_year: String,
    phase: String,
    vision_year: String,
    concretizes_id: Option<i64>,
    files: Vec<(i64, String, String)>,
    can_edit: bool,
    period: String,
    period_label: String,
    unit_code: String,
    unit_name: String,
    group: String,
    headline: String,
    total: usize,
    status_chart: String,
    target_groups: Vec<Group<TargetLine>>,
    item_groups: Vec<Group<ItemLine>>,
    state_on: String,
    lower: Vec<DocRow>,
    themes: Vec<(String, String)>,
    fields: Vec<(String, String)>,
    /// The kinds of units, by name, for a new target's "who reports".
    unit_kinds: Vec<(String, String)>,
    edit: Option<DocumentEdit>,
}

#[derive(Deserialize, Default)]
pub struct PlanQuery {
    period: Option<String>,
    unit: Option<String>,
    group: Option<String>,
}

pub(crate) fn target_line(lang: Lang, t: &targets::Target, f: Option<&UnitFigure>) -> TargetLine {
    let status = f.map(|f| f.status).unwrap_or(Status::NoData);
    TargetLine {
        id: t.id.0,
        code: t.code.clone(),
        name: t.name.clone(),
        unit_of_measure: t.unit_of_measure.clone(),
        value: fmt::decimal(f.and_then(|f| f.value)),
        goal: match f {
            // Progress towards a longer period's goal says which period.
            Some(f) if f.partial => format!(
                "{} ({})",
                fmt::decimal(f.goal),
                f.goal_period
                    .map(|p| fmt::period(lang, p))
                    .unwrap_or_default()
            ),
            _ => fmt::decimal(f.and_then(|f| f.goal)),
        },
        status: fmt::status(lang, status).to_owned(),
        status_class: charts::status_class(status),
        percent: f
            .and_then(|f| f.achievement_percent)
            .map(|p| format!("{} %", vn::format_decimal(&p, 1)))
            .unwrap_or_default(),
        incomplete: f.is_some_and(|f| !f.complete && f.value.is_some()),
        illustrative: t.source == "illustrative",
    }
}

fn item_line(lang: Lang, i: &WorkItemView) -> ItemLine {
    ItemLine {
        id: i.item.id.0,
        code: i.item.code.clone(),
        title: i.item.title.clone(),
        lead: i.lead_unit_name.clone(),
        deadline: fmt::date(i.item.deadline),
        state: fmt::state(lang, i.state).to_owned(),
        state_class: fmt::state_class(i.state),
        moved: !i.former_deadlines.is_empty(),
    }
}

/// Groups rows under the plan frame's labels, in the frame's order; a row with several themes
/// appears under each, a row with none under "other".
fn grouped<T, R>(
    lang: Lang,
    frame: &[targets::FrameEntry],
    rows: &[T],
    keys: impl Fn(&T) -> Vec<String>,
    line: impl Fn(&T) -> R,
) -> Vec<Group<R>> {
    let label = |e: &targets::FrameEntry| match (lang, &e.description) {
        (Lang::Vi, Some(d)) => format!("{} – {d}", e.label_vi),
        (Lang::Vi, None) => e.label_vi.clone(),
        (Lang::En, _) => e.label_en.clone(),
    };
    let mut groups: Vec<Group<R>> = frame
        .iter()
        .map(|e| Group {
            label: label(e),
            rows: rows
                .iter()
                .filter(|r| keys(r).contains(&e.code))
                .map(&line)
                .collect(),
        })
        .collect();
    let others: Vec<R> = rows
        .iter()
        .filter(|r| !keys(r).iter().any(|k| frame.iter().any(|e| &e.code == k)))
        .map(&line)
        .collect();
    groups.push(Group {
        label: tr(lang, "plan.other_group").to_owned(),
        rows: others,
    });
    groups.retain(|g| !g.rows.is_empty());
    groups
}

pub async fn detail(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
    Path(id): Path<i64>,
    Query(query): Query<PlanQuery>,
) -> Result<Response, PageError> {
    let ctx = PageCtx::new(&page, &uri);
    let lang = ctx.lang();
    let doc = documents::get_document(&state.app, &page.actor, DocumentId(id)).await?;
    let period =
        form_period(&query.period)?.unwrap_or_else(|| documents::default_period(&doc.document));
    let unit = unit_by_code(&state, query.unit.as_deref(), "unit_id").await?;
    let plan_year = match documents::default_period(&doc.document) {
        Period::Span(from, _) => from,
        p => p.dates().0.year(),
    };
    let o = cascade::plan_overview(&state.app, &page.actor, DocumentId(id), period, unit).await?;
    let group = match query.group.as_deref() {
        Some("theme") => "theme",
        _ => "field",
    };
    let frame = if group == "theme" {
        &o.themes
    } else {
        &o.fields
    };
    let target_groups = grouped(
        lang,
        frame,
        &o.targets,
        |r| {
            if group == "theme" {
                r.target.themes.clone()
            } else {
                r.target.field_code.clone().into_iter().collect()
            }
        },
        |r| target_line(lang, &r.target, r.figure.as_ref()),
    );
    let item_groups = grouped(
        lang,
        frame,
        &o.items,
        |i| {
            if group == "theme" {
                i.item.themes.clone()
            } else {
                i.item.field_code.clone().into_iter().collect()
            }
        },
        |i| item_line(lang, i),
    );
    // Every status, so that the bar adds up to the headline's total.
    let counts: Vec<(Status, usize, String)> = Status::ALL
        .iter()
        .map(|s| {
            (
                *s,
                o.targets
                    .iter()
                    .filter(|r| r.figure.as_ref().map_or(Status::NoData, |f| f.status) == *s)
                    .count(),
                fmt::status(lang, *s).to_owned(),
            )
        })
        .collect();
    let headline = fmt::headline(lang, &o.headline);
    let lower = documents::concretized_by(&state.app, &page.actor, DocumentId(id)).await?;
    let unit_kinds = if doc.can_edit {
        pickers::kind_choices(&state, lang).await?
    } else {
        Vec::new()
    };
    let edit = if doc.can_edit {
        let issuer_code = match doc.document.issuer_unit_id {
            Some(u) => {
                trienkhai_app::org::unit_detail(&state.app, &page.actor, u, doc.document.issued_on)
                    .await
                    .map(|d| d.current.code)
                    .unwrap_or_default()
            }
            None => String::new(),
        };
        Some(DocumentEdit {
            kind: doc.document.kind.clone(),
            issuer_code,
            issued_on: fmt::date(doc.document.issued_on),
            summary: doc.document.summary.clone(),
            theme_of_year: doc.document.theme_of_year.clone().unwrap_or_default(),
            phase: doc.document.phase.clone().unwrap_or_default(),
            vision_year: doc
                .document
                .vision_year
                .map(|y| y.to_string())
                .unwrap_or_default(),
            concretizes: doc.concretizes_number.clone().unwrap_or_default(),
            row_version: doc.document.row_version,
            kinds: documents::KINDS
                .iter()
                .map(|k| ((*k).to_owned(), kind_label(lang, k)))
                .collect(),
        })
    } else {
        None
    };
    let unit_code = match o.unit_id {
        Some(u) => trienkhai_app::org::unit_detail(&state.app, &page.actor, u, period.tree_date())
            .await
            .map(|d| d.current.code)
            .unwrap_or_default(),
        None => String::new(),
    };
    render(&PlanPage {
        issued: doc.document.issued_on <= state.app.today(),
        id,
        issuer_id: match doc.document.issuer_unit_id {
            Some(u) => trienkhai_app::org::openable_units(
                &state.app,
                &page.actor,
                &[u],
                doc.document.issued_on,
            )
            .await?
            .contains(&u)
            .then_some(u.0),
            None => None,
        },
        theme_of_year: doc.document.theme_of_year.clone().unwrap_or_default(),
        phase: doc.document.phase.clone().unwrap_or_default(),
        vision_year: doc
            .document
            .vision_year
            .map(|y| y.to_string())
            .unwrap_or_default(),
        concretizes_id: doc.document.concretizes.map(|d| d.0),
        files: doc
            .files
            .iter()
            .map(|f| {
                (
                    f.id.0,
                    f.file_name.clone(),
                    vn::format_decimal(&Decimal::from(f.size_bytes / 1024 + 1), 0),
                )
            })
            .collect(),
        period_options: pickers::period_choices(lang, plan_year - 1..=plan_year + 1, Some(period)),
        unit_options: pickers::unit_choices(
            &state,
            &page,
            doc.document.issuer_unit_id,
            Action::Read,
            period.tree_date(),
            &unit_code,
            None,
        )
        .await?,
        report_units: pickers::unit_choices(
            &state,
            &page,
            doc.document.issuer_unit_id,
            Action::Report,
            period.tree_date(),
            &unit_code,
            None,
        )
        .await?,
        report_periods: pickers::month_choices(
            lang,
            plan_year..=plan_year + 1,
            Some(pickers::month_to_report(
                state.app.today(),
                plan_year..=plan_year + 1,
            )),
        ),
        target_options: o
            .targets
            .iter()
            .map(|r| {
                (
                    r.target.code.clone(),
                    format!("{}. {}", r.target.code, r.target.name),
                )
            })
            .collect(),
        can_edit: doc.can_edit,
        doc: doc_row(&doc, lang),
        period: period.to_string(),
        period_label: fmt::period(lang, period),
        unit_name: o.unit_name.clone().unwrap_or_default(),
        unit_code,
        group: group.to_owned(),
        status_chart: charts::status_bar(&headline, &counts),
        headline,
        total: o.headline.total,
        target_groups,
        item_groups,
        state_on: fmt::date(o.state_on),
        lower: lower.iter().map(|d| doc_row(d, lang)).collect(),
        themes: frame_options(lang, &o.themes),
        fields: frame_options(lang, &o.fields),
        unit_kinds,
        edit,
        ctx,
    })
}

fn frame_options(lang: Lang, entries: &[targets::FrameEntry]) -> Vec<(String, String)> {
    entries
        .iter()
        .map(|e| {
            (
                e.code.clone(),
                if lang == Lang::En {
                    e.label_en.clone()
                } else {
                    e.label_vi.clone()
                },
            )
        })
        .collect()
}

/// Codes typed in one field, separated by commas, semicolons or spaces.
fn codes(input: &Option<String>) -> Vec<String> {
    input
        .as_deref()
        .unwrap_or("")
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect()
}

async fn units_by_codes(
    state: &AppState,
    input: &Option<String>,
    field: &str,
) -> Result<Vec<UnitId>, PageError> {
    let mut out = Vec::new();
    for code in codes(input) {
        if let Some(u) = unit_by_code(state, Some(&code), field).await? {
            out.push(u);
        }
    }
    Ok(out)
}

/// Target codes of a plan typed in a form, as ids; an unknown code names the field.
async fn targets_by_codes(
    state: &AppState,
    page: &PageActor,
    document: DocumentId,
    input: &Option<String>,
) -> Result<Vec<TargetId>, PageError> {
    let wanted = codes(input);
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let all = targets::targets_of_document(&state.app, &page.actor, document).await?;
    wanted
        .iter()
        .map(|code| {
            all.iter()
                .find(|t| t.code.eq_ignore_ascii_case(code))
                .map(|t| t.id)
                .ok_or_else(|| PageError(AppError::invalid("not_found", "target_ids")))
        })
        .collect()
}

pub struct CoverageLine {
    pub href: String,
    pub code: String,
    pub title: String,
    pub document: String,
}

#[derive(Template)]
#[template(path = "coverage.html")]
struct CoveragePage {
    ctx: PageCtx,
    id: i64,
    number: String,
    lower: Vec<DocRow>,
    uncovered_targets: Vec<CoverageLine>,
    uncovered_items: Vec<CoverageLine>,
    orphans: Vec<CoverageLine>,
}

fn coverage_lines(list: &[cascade::CoverageEntry]) -> Vec<CoverageLine> {
    list.iter()
        .map(|e| CoverageLine {
            href: if e.kind == "target" {
                format!("/targets/{}", e.id)
            } else {
                format!("/work-items/{}", e.id)
            },
            code: e.code.clone(),
            title: e.title.clone(),
            document: e.document_number.clone(),
        })
        .collect()
}

pub async fn coverage(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let ctx = PageCtx::new(&page, &uri);
    let lang = ctx.lang();
    let doc = documents::get_document(&state.app, &page.actor, DocumentId(id)).await?;
    let c = cascade::coverage(&state.app, &page.actor, DocumentId(id)).await?;
    render(&CoveragePage {
        id,
        number: doc.document.number.clone(),
        lower: c.lower_documents.iter().map(|d| doc_row(d, lang)).collect(),
        uncovered_targets: coverage_lines(&c.uncovered_targets),
        uncovered_items: coverage_lines(&c.uncovered_items),
        orphans: coverage_lines(&c.orphans),
        ctx,
    })
}

#[derive(Template)]
#[template(path = "my_plan.html")]
struct MyPlanPage {
    ctx: PageCtx,
    units: Vec<(String, String, bool)>,
    unit_name: String,
    sections: Vec<Section>,
    today: String,
}

pub struct Section {
    pub label_key: &'static str,
    pub id: &'static str,
    pub rows: Vec<ItemLine>,
}

#[derive(Deserialize, Default)]
pub struct MyPlanQuery {
    unit: Option<String>,
}

pub async fn my_plan(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
    Query(query): Query<MyPlanQuery>,
) -> Result<Response, PageError> {
    let ctx = PageCtx::new(&page, &uri);
    let lang = ctx.lang();
    let today = state.app.today();
    let mine = cascade::my_units(&state.app, &page.actor).await?;
    let chosen: Option<UnitId> = match unit_by_code(&state, query.unit.as_deref(), "unit").await? {
        Some(u) => Some(u),
        None => mine.first().copied(),
    };
    let mut units = Vec::new();
    for u in &mine {
        if let Ok(d) = trienkhai_app::org::unit_detail(&state.app, &page.actor, *u, today).await {
            units.push((d.current.code, d.current.name, Some(*u) == chosen));
        }
    }
    let plan = match chosen {
        Some(u) => Some(cascade::unit_plan(&state.app, &page.actor, u).await?),
        None => None,
    };
    let lines = |list: &[WorkItemView]| list.iter().map(|i| item_line(lang, i)).collect();
    let sections = match &plan {
        Some(p) => vec![
            Section {
                label_key: "state.overdue",
                id: "overdue",
                rows: lines(&p.overdue),
            },
            Section {
                label_key: "myplan.due_soon",
                id: "due-soon",
                rows: lines(&p.due_soon),
            },
            Section {
                label_key: "myplan.in_progress",
                id: "in-progress",
                rows: lines(&p.in_progress),
            },
            Section {
                label_key: "myplan.done",
                id: "done",
                rows: lines(&p.done),
            },
        ],
        None => Vec::new(),
    };
    render(&MyPlanPage {
        unit_name: plan
            .as_ref()
            .map(|p| p.unit_name.clone())
            .unwrap_or_default(),
        sections,
        units,
        today: fmt::date(today),
        ctx,
    })
}
