//! Screens of plans: the document list and registration form, a plan's page (headline "x/y
//! chỉ tiêu đạt và vượt", targets and work items grouped by field or theme, the status chart,
//! the file), the coverage report, a target's page (figure, formula with its inputs, the trend
//! chart, the form to record a value), a work item's page (state, roadmap, requests, cascade)
//! and "my unit's plan".

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::Uri;
use axum::response::Response;
use rust_decimal::Decimal;
use serde::Deserialize;
use trienkhai_app::AppError;
use trienkhai_app::cascade::{self, Step};
use trienkhai_app::documents::{self, DocumentInput, DocumentView};
use trienkhai_app::targets::{self, ActualInput, UnitFigure};
use trienkhai_app::work_items::{self, ProgressChange, WorkItemView};
use trienkhai_core::ids::{DocumentFileId, DocumentId, TargetId, UnitId, WorkItemId};
use trienkhai_core::period::Period;
use trienkhai_core::rollup::{Observation, Treatment};
use trienkhai_core::target::Status;
use trienkhai_core::vn;
use trienkhai_core::work_item::{Decision, Request};

use super::{PageCtx, edits_somewhere, form_date, render, see_other, unit_by_code};
use crate::AppState;
use crate::charts;
use crate::error::PageError;
use crate::extract::{FormBody, PageActor};
use crate::fmt;
use crate::i18n::{Lang, tr};

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

fn kind_label(lang: Lang, kind: &str) -> String {
    let key = format!("dockind.{kind}");
    if crate::i18n::has(&key) {
        tr(lang, &key).to_owned()
    } else {
        kind.to_owned()
    }
}

pub struct DocRow {
    pub id: i64,
    pub number: String,
    pub kind: String,
    pub issuer: String,
    pub issued_on: String,
    pub summary: String,
    pub concretizes: String,
    pub illustrative: bool,
}

fn doc_row(d: &DocumentView, lang: Lang) -> DocRow {
    DocRow {
        id: d.document.id.0,
        number: d.document.number.clone(),
        kind: kind_label(lang, &d.document.kind),
        issuer: d.issuer_name.clone().unwrap_or_default(),
        issued_on: fmt::date(d.document.issued_on),
        summary: d.document.summary.clone(),
        concretizes: d.concretizes_number.clone().unwrap_or_default(),
        illustrative: d.document.source == "illustrative",
    }
}

#[derive(Template)]
#[template(path = "documents.html")]
struct ListPage {
    ctx: PageCtx,
    number: String,
    q: String,
    rows: Vec<DocRow>,
    can_create: bool,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    number: Option<String>,
    q: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
    Query(query): Query<ListQuery>,
) -> Result<Response, PageError> {
    let ctx = PageCtx::new(&page, &uri);
    let docs = documents::list_documents(
        &state.app,
        &page.actor,
        query.number.as_deref(),
        query.q.as_deref(),
        None,
    )
    .await?;
    render(&ListPage {
        rows: docs.iter().map(|d| doc_row(d, ctx.lang())).collect(),
        number: query.number.unwrap_or_default(),
        q: query.q.unwrap_or_default(),
        can_create: edits_somewhere(&page.actor),
        ctx,
    })
}

#[derive(Template)]
#[template(path = "document_new.html")]
struct NewPage {
    ctx: PageCtx,
    issuer: String,
    type_code: String,
    suggested: String,
    kinds: Vec<(String, String)>,
    today: String,
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    issuer: Option<String>,
    #[serde(rename = "type")]
    type_code: Option<String>,
    on: Option<String>,
}

pub async fn new_form(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
    Query(query): Query<NewQuery>,
) -> Result<Response, PageError> {
    if !edits_somewhere(&page.actor) {
        return Err(PageError(AppError::Forbidden));
    }
    let ctx = PageCtx::new(&page, &uri);
    let issuer = query.issuer.unwrap_or_default();
    let type_code = query.type_code.unwrap_or_else(|| "NQ".into());
    let on = form_date(&query.on, "issued_on")?.unwrap_or_else(|| state.app.today());
    let suggested = match unit_by_code(&state, Some(&issuer), "issuer_unit_id").await? {
        Some(unit) => documents::next_number(&state.app, &page.actor, unit, &type_code, on).await?,
        None => String::new(),
    };
    let lang = ctx.lang();
    render(&NewPage {
        kinds: documents::KINDS
            .iter()
            .map(|k| ((*k).to_owned(), kind_label(lang, k)))
            .collect(),
        issuer,
        type_code,
        suggested,
        today: fmt::date(on),
        ctx,
    })
}

#[derive(Deserialize)]
pub struct DocumentForm {
    csrf: String,
    number: String,
    kind: String,
    issuer_code: Option<String>,
    issued_on: Option<String>,
    summary: String,
    theme_of_year: Option<String>,
    phase: Option<String>,
    vision_year: Option<String>,
    concretizes_number: Option<String>,
    version: Option<i64>,
}

/// The document a form describes; the concretized document is named by its number.
async fn document_input(
    state: &AppState,
    page: &PageActor,
    form: DocumentForm,
) -> Result<DocumentInput, PageError> {
    let concretizes = match form.concretizes_number.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(n) => {
            let found =
                documents::list_documents(&state.app, &page.actor, Some(n), None, None).await?;
            Some(
                found
                    .first()
                    .map(|d| d.document.id)
                    .ok_or_else(|| AppError::invalid("not_found", "concretizes"))?,
            )
        }
    };
    let vision_year = match form.vision_year.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(y) => Some(
            y.parse()
                .map_err(|_| AppError::invalid("out_of_range", "vision_year"))?,
        ),
    };
    Ok(DocumentInput {
        number: form.number,
        kind: form.kind,
        issuer_unit_id: unit_by_code(state, form.issuer_code.as_deref(), "issuer_unit_id").await?,
        issued_on: form_date(&form.issued_on, "issued_on")?,
        summary: form.summary,
        theme_of_year: form.theme_of_year,
        phase: form.phase,
        vision_year,
        concretizes,
    })
}

pub async fn create(
    State(state): State<AppState>,
    page: PageActor,
    FormBody(form): FormBody<DocumentForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    let input = document_input(&state, &page, form).await?;
    let id = documents::register_document(&state.app, &page.actor, &input, "user").await?;
    Ok(see_other(&format!("/documents/{id}")))
}

/// Corrects a document from its page, with the version the person saw.
pub async fn update(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
    FormBody(form): FormBody<DocumentForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    let version = form
        .version
        .ok_or_else(|| AppError::invalid("required", "version"))?;
    let input = document_input(&state, &page, form).await?;
    documents::update_document(&state.app, &page.actor, DocumentId(id), &input, version).await?;
    Ok(see_other(&format!("/documents/{id}")))
}

/// What the edit form of a document starts from.
pub struct DocumentEdit {
    pub kind: String,
    pub issuer_code: String,
    pub issued_on: String,
    pub summary: String,
    pub theme_of_year: String,
    pub phase: String,
    pub vision_year: String,
    pub concretizes: String,
    pub row_version: i64,
    pub kinds: Vec<(String, String)>,
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
    let statuses = [
        Status::Exceeded,
        Status::Achieved,
        Status::NotAchieved,
        Status::NoData,
        Status::NotApplicable,
    ];
    let counts: Vec<(Status, usize, String)> = statuses
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
    let headline = tr(lang, "plan.headline")
        .replace("{met}", &o.headline.met.to_string())
        .replace("{total}", &o.headline.total.to_string());
    let lower = documents::concretized_by(&state.app, &page.actor, DocumentId(id)).await?;
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
        id,
        issuer_id: doc.document.issuer_unit_id.map(|u| u.0),
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

#[derive(Deserialize)]
pub struct TargetForm {
    csrf: String,
    code: String,
    name: String,
    field_code: Option<String>,
    themes: Option<String>,
    unit_of_measure: String,
    value_type: String,
    direction: String,
    range_min: Option<String>,
    range_max: Option<String>,
    aggregation: String,
    weight: Option<String>,
    reporting_kinds: Option<String>,
    baseline: Option<String>,
    baseline_on: Option<String>,
    goal_period: Option<String>,
    goal: Option<String>,
}

/// Defines a target from the plan page, with the plan's value for a period when given.
pub async fn create_target(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
    FormBody(form): FormBody<TargetForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    let direction = if form.direction == "range" {
        let min = form_decimal(&form.range_min, "direction")?
            .ok_or_else(|| AppError::invalid("required", "direction"))?;
        let max = form_decimal(&form.range_max, "direction")?
            .ok_or_else(|| AppError::invalid("required", "direction"))?;
        format!("range:{min}:{max}")
    } else {
        form.direction.clone()
    };
    let aggregation = if form.aggregation == "weighted_mean" {
        format!(
            "weighted_mean:{}",
            form.weight.as_deref().unwrap_or("").trim()
        )
    } else {
        form.aggregation.clone()
    };
    let goal = form_decimal(&form.goal, "value")?;
    let goal_period = form_period(&form.goal_period)?;
    if goal.is_some() && goal_period.is_none() {
        return Err(PageError(AppError::invalid("required", "period")));
    }
    let input = targets::TargetInput {
        code: form.code,
        name: form.name,
        field_code: form.field_code,
        themes: codes(&form.themes),
        unit_of_measure: form.unit_of_measure,
        value_type: form.value_type,
        direction,
        aggregation,
        over_time: None,
        reporting_kinds: codes(&form.reporting_kinds),
        baseline: form_decimal(&form.baseline, "baseline")?,
        baseline_on: form_date(&form.baseline_on, "baseline_on")?,
        responsible_unit_id: None,
        concretizes: None,
        sort_order: 1000,
        goals: goal_period.zip(goal).into_iter().collect(),
    };
    let target =
        targets::define_target(&state.app, &page.actor, DocumentId(id), &input, "user").await?;
    Ok(see_other(&format!("/targets/{target}")))
}

#[derive(Deserialize)]
pub struct ItemForm {
    csrf: String,
    code: String,
    title: String,
    field_code: Option<String>,
    themes: Option<String>,
    lead_code: Option<String>,
    coordinating_codes: Option<String>,
    target_codes: Option<String>,
    deadline: Option<String>,
    expected_product: Option<String>,
}

/// Creates a work item from the plan page.
pub async fn create_item(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
    FormBody(form): FormBody<ItemForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    let input = work_items::WorkItemInput {
        code: form.code,
        title: form.title,
        field_code: form.field_code,
        themes: codes(&form.themes),
        lead_unit_id: unit_by_code(&state, form.lead_code.as_deref(), "lead_unit_id").await?,
        coordinating_unit_ids: units_by_codes(
            &state,
            &form.coordinating_codes,
            "coordinating_unit_ids",
        )
        .await?,
        responsible_person_id: None,
        target_ids: targets_by_codes(&state, &page, DocumentId(id), &form.target_codes).await?,
        starts_on: None,
        deadline: form_date(&form.deadline, "deadline")?,
        expected_product: form.expected_product,
        result: None,
        concretizes: None,
        sort_order: 1000,
    };
    let item = work_items::create_work_item(
        &state.app,
        &page.actor,
        DocumentId(id),
        None,
        &input,
        "user",
    )
    .await?;
    Ok(see_other(&format!("/work-items/{item}")))
}

#[derive(Deserialize)]
pub struct PlannedForm {
    csrf: String,
    period: Option<String>,
    unit_code: Option<String>,
    value: Option<String>,
    row_version: Option<String>,
}

fn form_version(input: &Option<String>) -> Result<Option<i64>, PageError> {
    match input.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => Ok(Some(v.parse().map_err(|_| {
            PageError(AppError::invalid("invalid_form", "row_version"))
        })?)),
    }
}

/// Sets the plan's value of a target for a period (an empty value removes it).
pub async fn set_value(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
    FormBody(form): FormBody<PlannedForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    let period =
        form_period(&form.period)?.ok_or_else(|| AppError::invalid("required", "period"))?;
    let value = form_decimal(&form.value, "value")?;
    let expected = form_version(&form.row_version)?;
    targets::set_target_value(
        &state.app,
        &page.actor,
        TargetId(id),
        period,
        value,
        expected,
    )
    .await?;
    Ok(see_other(&format!("/targets/{id}?period={period}")))
}

/// Hands a share of a target to a lower unit (an empty value takes it back).
pub async fn set_quota(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
    FormBody(form): FormBody<PlannedForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    let period =
        form_period(&form.period)?.ok_or_else(|| AppError::invalid("required", "period"))?;
    let unit = unit_by_code(&state, form.unit_code.as_deref(), "unit_id")
        .await?
        .ok_or_else(|| AppError::invalid("required", "unit_id"))?;
    let value = form_decimal(&form.value, "value")?;
    let expected = form_version(&form.row_version)?;
    targets::set_quota(
        &state.app,
        &page.actor,
        TargetId(id),
        unit,
        period,
        value,
        expected,
    )
    .await?;
    Ok(see_other(&format!("/targets/{id}?period={period}")))
}

#[derive(Deserialize)]
pub struct SplitForm {
    csrf: String,
    unit_codes: Option<String>,
}

/// Splits an item into one sub-item per unit typed.
pub async fn split(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
    FormBody(form): FormBody<SplitForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    let units = units_by_codes(&state, &form.unit_codes, "unit_ids").await?;
    work_items::split_to_units(&state.app, &page.actor, WorkItemId(id), &units).await?;
    Ok(see_other(&format!("/work-items/{id}")))
}

#[derive(Deserialize)]
pub struct MilestoneForm {
    csrf: String,
    title: String,
    due_on: Option<String>,
}

pub async fn add_milestone(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
    FormBody(form): FormBody<MilestoneForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    let due = form_date(&form.due_on, "due_on")?
        .ok_or_else(|| AppError::invalid("required", "due_on"))?;
    work_items::add_milestone(&state.app, &page.actor, WorkItemId(id), &form.title, due).await?;
    Ok(see_other(&format!("/work-items/{id}")))
}

/// The document's file, uploaded from the plan page (multipart form with the CSRF token).
pub async fn upload(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    let mut csrf = String::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    let bad = || PageError(AppError::invalid("invalid_form", "file"));
    while let Some(field) = multipart.next_field().await.map_err(|_| bad())? {
        match field.name() {
            Some("csrf") => csrf = field.text().await.map_err(|_| bad())?,
            Some("file") => {
                let name = field.file_name().unwrap_or("").to_owned();
                let bytes = field.bytes().await.map_err(|_| {
                    PageError(AppError::Invalid(trienkhai_core::error::DomainError::new(
                        "file_too_large",
                        "file",
                    )))
                })?;
                file = Some((name, bytes.to_vec()));
            }
            _ => {}
        }
    }
    page.check_csrf(&csrf)?;
    let (name, bytes) = file.ok_or_else(|| AppError::invalid("required", "file"))?;
    documents::attach_file(&state.app, &page.actor, DocumentId(id), &name, &bytes).await?;
    Ok(see_other(&format!("/documents/{id}")))
}

pub async fn download(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let (record, bytes) = documents::file(&state.app, &page.actor, DocumentFileId(id)).await?;
    Ok(crate::api::file_response(&record, bytes))
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

pub struct InputLine {
    pub code: String,
    pub name: String,
    pub reported: String,
    pub weight: String,
    pub treatment: String,
    pub treatment_class: &'static str,
    pub from: String,
}

pub struct TrendLine {
    pub period: String,
    pub value: String,
    pub cumulative: String,
    pub status: String,
}

#[derive(Template)]
#[template(path = "target.html")]
struct TargetPage {
    ctx: PageCtx,
    id: i64,
    document_id: i64,
    document_number: String,
    code: String,
    name: String,
    unit_of_measure: String,
    facts: Vec<(String, String)>,
    illustrative: bool,
    period: String,
    period_label: String,
    unit_code: String,
    unit_name: String,
    value: String,
    goal: String,
    goal_source: String,
    status: String,
    status_class: &'static str,
    percent: String,
    formula: String,
    complete: bool,
    counted: u64,
    missing: u64,
    not_applicable: u64,
    tree_date: String,
    inputs: Vec<InputLine>,
    trend_chart: String,
    trend: Vec<TrendLine>,
    planned: Vec<(String, String)>,
    /// The plan's value for the period shown and its version, to edit it.
    planned_now: (String, String),
    quotas: Vec<(String, String, String, i64)>,
    can_report: bool,
    can_edit: bool,
    is_ratio: bool,
    is_flag: bool,
}

fn observation_text(o: &Option<Observation>, lang: Lang) -> String {
    match o {
        Some(Observation::Value { value }) => vn::format_decimal(value, 4),
        Some(Observation::Ratio {
            numerator,
            denominator,
        }) => format!(
            "{} / {}",
            vn::format_decimal(numerator, 4),
            vn::format_decimal(denominator, 4)
        ),
        Some(Observation::Flag { value }) => {
            tr(lang, if *value { "common.yes" } else { "common.no" }).to_owned()
        }
        Some(Observation::NotApplicable) => tr(lang, "status.not_applicable").to_owned(),
        None => String::new(),
    }
}

fn treatment_label(lang: Lang, t: Treatment) -> (&'static str, &'static str) {
    match t {
        Treatment::Counted => (tr(lang, "rollup.counted"), "st-achieved"),
        Treatment::Missing => (tr(lang, "rollup.missing"), "st-not-achieved"),
        Treatment::NotApplicable => (tr(lang, "rollup.not_applicable"), "st-na"),
        Treatment::Unusable => (tr(lang, "rollup.unusable"), "st-no-data"),
    }
}

#[derive(Deserialize, Default)]
pub struct TargetQuery {
    period: Option<String>,
    unit: Option<String>,
}

pub async fn target(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
    Path(id): Path<i64>,
    Query(query): Query<TargetQuery>,
) -> Result<Response, PageError> {
    use trienkhai_core::access::Action;
    let ctx = PageCtx::new(&page, &uri);
    let lang = ctx.lang();
    let view = targets::get_target(&state.app, &page.actor, TargetId(id)).await?;
    let doc = documents::get_document(&state.app, &page.actor, view.target.document_id).await?;
    let period =
        form_period(&query.period)?.unwrap_or_else(|| documents::default_period(&doc.document));
    let unit = match unit_by_code(&state, query.unit.as_deref(), "unit_id").await? {
        Some(u) => u,
        None => {
            cascade::default_unit_for_document(&state.app, &page.actor, doc.document.id, period)
                .await?
                .or(view.target.responsible_unit_id)
                .ok_or_else(|| AppError::invalid("required", "unit_id"))?
        }
    };
    let r = targets::rollup(
        &state.app,
        &page.actor,
        TargetId(id),
        unit,
        period,
        targets::Inputs::All,
    )
    .await?;
    let number = |d: Decimal| vn::format_decimal(&d, 4);
    let formula = r
        .explained
        .as_ref()
        .map(|e| trienkhai_core::rollup::formula(e, &number))
        .unwrap_or_default();
    let unit_detail =
        trienkhai_app::org::unit_detail(&state.app, &page.actor, unit, period.tree_date()).await?;
    let year = {
        use chrono::Datelike;
        period.tree_date().year()
    };
    let trend = targets::trend(&state.app, &page.actor, TargetId(id), unit, year).await?;
    let points: Vec<charts::Point> = trend
        .points
        .iter()
        .map(|p| charts::Point {
            label: match p.period {
                Period::Month(_, m) => format!("T{m}"),
                other => other.to_string(),
            },
            value: p.value,
            cumulative: p.cumulative,
        })
        .collect();
    let trend_chart = charts::trend(
        &format!("{} – {} {year}", view.target.name, unit_detail.current.name),
        &points,
        trend.goal,
        tr(lang, "target.goal"),
    );
    let inputs = r
        .explanation
        .inputs
        .iter()
        .map(|i| {
            let (label, class) = treatment_label(lang, i.treatment);
            InputLine {
                code: i.unit_code.clone(),
                name: i.unit_name.clone(),
                reported: observation_text(&i.observation, lang),
                weight: fmt::decimal(i.weight),
                treatment: label.to_owned(),
                treatment_class: class,
                from: if !i.missing_periods.is_empty() {
                    format!(
                        "{}: {}",
                        tr(lang, "rollup.missing_months"),
                        i.missing_periods
                            .iter()
                            .map(|p| fmt::period(lang, *p))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                } else {
                    i.from_periods
                        .iter()
                        .map(|p| fmt::period(lang, *p))
                        .collect::<Vec<_>>()
                        .join(", ")
                },
            }
        })
        .collect();
    let can_report = page.actor.access.allows_somewhere(Action::Report);
    let t = &view.target;
    let facts = vec![
        (
            tr(lang, "field.value_type").to_owned(),
            tr(lang, &format!("valuetype.{}", t.value_type.as_str())).to_owned(),
        ),
        (
            tr(lang, "field.direction").to_owned(),
            direction_label(lang, &t.direction),
        ),
        (
            tr(lang, "field.aggregation").to_owned(),
            aggregation_label(lang, &t.aggregation),
        ),
        (
            tr(lang, "target.over_time").to_owned(),
            tr(lang, &format!("overtime.{}", t.over_time.as_str())).to_owned(),
        ),
        (
            tr(lang, "target.baseline").to_owned(),
            match (t.baseline, t.baseline_on) {
                (Some(b), Some(on)) => format!("{} ({})", fmt::decimal(Some(b)), fmt::date(on)),
                (Some(b), None) => fmt::decimal(Some(b)),
                _ => String::new(),
            },
        ),
    ];
    render(&TargetPage {
        id,
        document_id: doc.document.id.0,
        document_number: doc.document.number.clone(),
        code: t.code.clone(),
        name: t.name.clone(),
        unit_of_measure: t.unit_of_measure.clone(),
        facts,
        illustrative: t.source == "illustrative",
        period: period.to_string(),
        period_label: fmt::period(lang, period),
        unit_code: unit_detail.current.code.clone(),
        unit_name: unit_detail.current.name.clone(),
        value: fmt::decimal(r.figure.value),
        goal: if r.figure.partial {
            format!(
                "{} ({})",
                fmt::decimal(r.figure.goal),
                r.figure
                    .goal_period
                    .map(|p| fmt::period(lang, p))
                    .unwrap_or_default()
            )
        } else {
            fmt::decimal(r.figure.goal)
        },
        goal_source: r
            .figure
            .goal_source
            .map(|s| {
                tr(
                    lang,
                    match s {
                        targets::GoalSource::Plan => "target.goal_plan",
                        targets::GoalSource::Quota => "target.goal_quota",
                    },
                )
                .to_owned()
            })
            .unwrap_or_default(),
        status: fmt::status(lang, r.figure.status).to_owned(),
        status_class: charts::status_class(r.figure.status),
        percent: r
            .figure
            .achievement_percent
            .map(|p| format!("{} %", vn::format_decimal(&p, 1)))
            .unwrap_or_default(),
        formula,
        complete: r.figure.complete,
        counted: r.figure.counted,
        missing: r.figure.missing,
        not_applicable: r.figure.not_applicable,
        tree_date: fmt::date(r.explanation.tree_date),
        inputs,
        trend_chart,
        trend: trend
            .points
            .iter()
            .map(|p| TrendLine {
                period: fmt::period(lang, p.period),
                value: fmt::decimal(p.value),
                cumulative: fmt::decimal(p.cumulative),
                status: fmt::status(lang, p.status).to_owned(),
            })
            .collect(),
        planned_now: view
            .values
            .iter()
            .find(|v| v.period == period)
            .map(|v| (vn::format_decimal(&v.value, 6), v.row_version.to_string()))
            .unwrap_or_default(),
        planned: view
            .values
            .iter()
            .map(|v| (fmt::period(lang, v.period), fmt::decimal(Some(v.value))))
            .collect(),
        quotas: view
            .quotas
            .iter()
            .map(|q| {
                let name = q
                    .unit_id
                    .and_then(|u| r.explanation.inputs.iter().find(|i| i.unit_id == u))
                    .map(|i| i.unit_name.clone())
                    .unwrap_or_else(|| q.unit_id.map(|u| u.to_string()).unwrap_or_default());
                (
                    name,
                    fmt::period(lang, q.period),
                    fmt::decimal(Some(q.value)),
                    q.row_version,
                )
            })
            .collect(),
        can_report,
        can_edit: view.can_edit,
        is_ratio: t.value_type == trienkhai_core::target::ValueType::Ratio,
        is_flag: t.value_type == trienkhai_core::target::ValueType::YesNo,
        ctx,
    })
}

fn direction_label(lang: Lang, d: &trienkhai_core::target::Direction) -> String {
    use trienkhai_core::target::Direction;
    match d {
        Direction::Increase => tr(lang, "direction.increase").to_owned(),
        Direction::Decrease => tr(lang, "direction.decrease").to_owned(),
        Direction::Reach => tr(lang, "direction.reach").to_owned(),
        Direction::Range { min, max } => format!(
            "{} [{}; {}]",
            tr(lang, "direction.range"),
            fmt::decimal(Some(*min)),
            fmt::decimal(Some(*max))
        ),
    }
}

fn aggregation_label(lang: Lang, a: &trienkhai_core::rollup::Aggregation) -> String {
    use trienkhai_core::rollup::Aggregation;
    match a {
        Aggregation::WeightedMean { weight } => {
            format!("{} ({weight})", tr(lang, "aggregation.weighted_mean"))
        }
        other => {
            let name = other.to_string();
            tr(lang, &format!("aggregation.{name}")).to_owned()
        }
    }
}

#[derive(Deserialize)]
pub struct ActualForm {
    csrf: String,
    unit_code: String,
    period: Option<String>,
    value: Option<String>,
    numerator: Option<String>,
    denominator: Option<String>,
    flag: Option<String>,
    not_applicable: Option<String>,
    note: Option<String>,
    row_version: Option<String>,
}

/// Records a value from the target page; a value already there is updated only with the
/// version the person saw (read from the unit's list of values).
pub async fn record_actual(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
    FormBody(form): FormBody<ActualForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    let unit = unit_by_code(&state, Some(&form.unit_code), "unit_id")
        .await?
        .ok_or_else(|| AppError::invalid("required", "unit_id"))?;
    let period =
        form_period(&form.period)?.ok_or_else(|| AppError::invalid("required", "period"))?;
    let row_version = match form.row_version.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(v) => Some(
            v.parse()
                .map_err(|_| AppError::invalid("invalid_form", "row_version"))?,
        ),
    };
    let input = ActualInput {
        value: form_decimal(&form.value, "value")?,
        numerator: form_decimal(&form.numerator, "numerator")?,
        denominator: form_decimal(&form.denominator, "denominator")?,
        flag: match form.flag.as_deref() {
            Some("yes") => Some(true),
            Some("no") => Some(false),
            _ => None,
        },
        not_applicable: form.not_applicable.is_some(),
        note: form.note,
        row_version,
    };
    targets::record_actual(
        &state.app,
        &page.actor,
        TargetId(id),
        unit,
        period,
        &input,
        "user",
    )
    .await?;
    Ok(see_other(&format!(
        "/targets/{id}?unit={}&period={period}",
        fmt::url_encode(&form.unit_code)
    )))
}

#[derive(Template)]
#[template(path = "work_item.html")]
struct ItemPage {
    ctx: PageCtx,
    id: i64,
    code: String,
    title: String,
    document_id: i64,
    lead_unit_id: i64,
    lead: String,
    coordinating: String,
    responsible: String,
    deadline: String,
    former: Vec<(String, String)>,
    state: String,
    state_class: &'static str,
    expected_product: String,
    result: String,
    illustrative: bool,
    pending: String,
    requests: Vec<(String, String, String, String)>,
    milestones: Vec<(String, String, String)>,
    up: Vec<(String, String, String)>,
    down: Vec<(usize, String, String, String, String)>,
    can_edit: bool,
    can_report: bool,
    started: bool,
    done: bool,
    row_version: i64,
    today: String,
}

fn step_line(lang: Lang, s: &Step) -> (String, String, String) {
    match s {
        Step::Document {
            id,
            number,
            summary,
        } => (format!("/documents/{id}"), number.clone(), summary.clone()),
        Step::WorkItem {
            id,
            code,
            title,
            document_number,
            state,
            ..
        } => (
            format!("/work-items/{id}"),
            format!("{code} ({document_number})"),
            format!("{title} – {}", fmt::state(lang, *state)),
        ),
    }
}

fn request_text(lang: Lang, r: &Request) -> String {
    match r {
        Request::MoveDeadline { to } => {
            format!("{} {}", tr(lang, "item.request_move"), fmt::date(*to))
        }
        Request::Pause => tr(lang, "item.request_pause").to_owned(),
        Request::Resume => tr(lang, "item.request_resume").to_owned(),
    }
}

pub async fn work_item(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let ctx = PageCtx::new(&page, &uri);
    let lang = ctx.lang();
    let v = work_items::get_work_item(&state.app, &page.actor, WorkItemId(id), None).await?;
    let c = cascade::cascade(&state.app, &page.actor, WorkItemId(id)).await?;
    use trienkhai_core::work_item::Progress;
    render(&ItemPage {
        id,
        code: v.item.code.clone(),
        title: v.item.title.clone(),
        document_id: v.item.document_id.0,
        lead_unit_id: v.item.lead_unit_id.0,
        lead: v.lead_unit_name.clone(),
        coordinating: v.coordinating_unit_names.join("; "),
        responsible: v.responsible_person_name.clone().unwrap_or_default(),
        deadline: fmt::date(v.item.deadline),
        former: v
            .former_deadlines
            .iter()
            .map(|f| (fmt::date(f.deadline), fmt::date(f.replaced_on)))
            .collect(),
        state: fmt::state(lang, v.state).to_owned(),
        state_class: fmt::state_class(v.state),
        expected_product: v.item.expected_product.clone().unwrap_or_default(),
        result: v.item.result.clone().unwrap_or_default(),
        illustrative: v.item.source == "illustrative",
        pending: v
            .pending_request
            .as_ref()
            .map(|r| request_text(lang, r))
            .unwrap_or_default(),
        requests: v
            .requests
            .iter()
            .map(|r| {
                (
                    fmt::instant(r.requested_at),
                    request_text(lang, &r.request),
                    r.reason.clone(),
                    tr(
                        lang,
                        match r.decision {
                            Decision::Pending => "item.pending",
                            Decision::Approved => "item.approved",
                            Decision::Refused => "item.refused",
                        },
                    )
                    .to_owned(),
                )
            })
            .collect(),
        milestones: v
            .milestones
            .iter()
            .map(|m| {
                (
                    m.title.clone(),
                    fmt::date(m.due_on),
                    fmt::opt_date(m.done_on),
                )
            })
            .collect(),
        up: c.up.iter().map(|s| step_line(lang, s)).collect(),
        down: c
            .down
            .iter()
            .map(|s| {
                let depth = match s {
                    Step::WorkItem { depth, .. } => *depth,
                    Step::Document { .. } => 0,
                };
                let (href, code, text) = step_line(lang, s);
                (depth, href, code, text, String::new())
            })
            .collect(),
        can_edit: v.can_edit,
        can_report: v.can_report,
        started: v.item.progress != Progress::NotStarted,
        done: matches!(v.item.progress, Progress::Done { .. }),
        row_version: v.item.row_version,
        today: fmt::date(state.app.today()),
        ctx,
    })
}

#[derive(Deserialize)]
pub struct ProgressForm {
    csrf: String,
    action: String,
    done_on: Option<String>,
    result: Option<String>,
    version: i64,
}

pub async fn progress(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
    FormBody(form): FormBody<ProgressForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    let change = match form.action.as_str() {
        "start" => ProgressChange::Start,
        _ => ProgressChange::Complete {
            on: form_date(&form.done_on, "done_on")?
                .ok_or_else(|| AppError::invalid("required", "done_on"))?,
        },
    };
    work_items::report_progress(
        &state.app,
        &page.actor,
        WorkItemId(id),
        change,
        form.result,
        form.version,
    )
    .await?;
    Ok(see_other(&format!("/work-items/{id}")))
}

#[derive(Deserialize)]
pub struct RequestForm {
    csrf: String,
    kind: String,
    deadline: Option<String>,
    reason: String,
}

pub async fn request(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
    FormBody(form): FormBody<RequestForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    let request = match form.kind.as_str() {
        "move_deadline" => Request::MoveDeadline {
            to: form_date(&form.deadline, "deadline")?
                .ok_or_else(|| AppError::invalid("required", "deadline"))?,
        },
        "pause" => Request::Pause,
        _ => Request::Resume,
    };
    work_items::make_request(
        &state.app,
        &page.actor,
        WorkItemId(id),
        request,
        &form.reason,
    )
    .await?;
    Ok(see_other(&format!("/work-items/{id}")))
}

#[derive(Deserialize)]
pub struct DecisionForm {
    csrf: String,
    decision: String,
    note: Option<String>,
}

pub async fn decide(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
    FormBody(form): FormBody<DecisionForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    let decision = if form.decision == "approved" {
        Decision::Approved
    } else {
        Decision::Refused
    };
    let note = form
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    work_items::decide_request(&state.app, &page.actor, WorkItemId(id), decision, note).await?;
    Ok(see_other(&format!("/work-items/{id}")))
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
