//! Screens of a unit's report for a period (C8): opened from the plan's page, filled and
//! submitted by the unit, returned with a comment or accepted one level up, reopened as a new
//! revision after acceptance.

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::Uri;
use axum::response::Response;
use serde::Deserialize;
use trienkhai_app::AppError;
use trienkhai_app::report_sheet::{self, SheetTarget};
use trienkhai_app::reporting;
use trienkhai_core::ids::{DocumentId, WorkItemId};
use trienkhai_core::period::Period;
use trienkhai_core::reporting::ReportAction;

use super::report_form::Typed;
use super::{PageCtx, render, see_other, unit_by_code};
use crate::AppState;
use crate::error::PageError;
use crate::extract::{FormBody, PageActor};
use crate::fmt;
use crate::i18n::tr;

#[derive(Deserialize)]
pub struct OpenForm {
    csrf: String,
    unit_code: String,
    period: String,
}

/// Opens (or finds) the unit's report of the plan for the period.
pub async fn open(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
    FormBody(form): FormBody<OpenForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    let unit = unit_by_code(&state, Some(&form.unit_code), "unit_id")
        .await?
        .ok_or_else(|| AppError::invalid("required", "unit_id"))?;
    let period = Period::parse(&form.period).map_err(AppError::from)?;
    let report =
        reporting::open_report(&state.app, &page.actor, DocumentId(id), unit, period).await?;
    Ok(see_other(&format!("/reports/{}", report.report.id)))
}

/// A target's row on the report: what the unit enters, as the form shows it back.
pub struct TargetRow {
    pub(super) id: i64,
    pub(super) code: String,
    pub(super) name: String,
    pub(super) unit_of_measure: String,
    pub(super) goal: String,
    /// `ratio`, `flag` or `value`: which inputs the row has.
    pub(super) kind: &'static str,
    pub(super) value: String,
    pub(super) numerator: String,
    pub(super) denominator: String,
    pub(super) flag: &'static str,
    pub(super) not_applicable: bool,
    pub(super) note: String,
    pub(super) row_version: String,
    pub(super) shown: String,
    pub(super) in_report: bool,
    /// Why what was typed in this row was not saved.
    pub(super) error: String,
    /// What the value is: the period's own flow, or the state at its end.
    pub(super) measure: String,
    /// Last period's value with its period ("20 (Tháng 3/2021)"), and the change to this one.
    pub(super) previous: String,
    pub(super) change: String,
    /// Why the value deserves a second look (asked before sending, flagged to the reviewer).
    pub(super) unusual: String,
}

pub struct ItemRow {
    pub(super) id: i64,
    pub(super) code: String,
    pub(super) title: String,
    pub(super) deadline: String,
    pub(super) state: &'static str,
    pub(super) state_code: &'static str,
    pub(super) state_class: &'static str,
    pub(super) percent: String,
    pub(super) narrative: String,
    pub(super) error: String,
}

pub struct EvidenceRow {
    id: i64,
    file_name: String,
    size: String,
    item: String,
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    ctx: PageCtx,
    id: i64,
    document_id: i64,
    document_number: String,
    unit_id: i64,
    unit_name: String,
    unit_code: String,
    period: String,
    period_code: String,
    revision: i64,
    revisions: usize,
    state: String,
    state_code: &'static str,
    deadline: String,
    late: bool,
    narrative: String,
    review_comment: String,
    row_version: i64,
    can_edit: bool,
    can_review: bool,
    accepted: bool,
    targets: Vec<TargetRow>,
    /// Some value deserves a second look (listed before submitting).
    has_unusual: bool,
    items: Vec<ItemRow>,
    evidence: Vec<EvidenceRow>,
    /// Why the form came back unsaved (what was typed is in it), or why a file was refused.
    form_error: String,
    file_error: String,
    /// The page that asks once before submitting: what will be sent, read-only.
    confirming: bool,
}

/// Exact, so that a value shown and sent back unchanged is recognised as unchanged.
fn exact(d: rust_decimal::Decimal) -> String {
    trienkhai_core::vn::format_decimal(&d, 6)
}

fn target_row(lang: crate::i18n::Lang, t: &SheetTarget, period: Period) -> TargetRow {
    use trienkhai_core::rollup::Observation;
    use trienkhai_core::target::ValueType;
    let kind = match t.target.value_type {
        ValueType::Ratio => "ratio",
        ValueType::YesNo => "flag",
        _ => "value",
    };
    let (mut value, mut numerator, mut denominator, mut flag, mut na) =
        (String::new(), String::new(), String::new(), "", false);
    let mut shown = String::new();
    if let Some(a) = &t.actual {
        match &a.observation {
            Observation::Value { value: v } => {
                value = exact(*v);
                shown = fmt::decimal(Some(*v));
            }
            Observation::Ratio {
                numerator: n,
                denominator: d,
            } => {
                numerator = exact(*n);
                denominator = exact(*d);
                // The percentage the two numbers make, as the target is judged by it.
                shown = match a.observation.number() {
                    Some(p) => format!(
                        "{}/{} = {} %",
                        fmt::decimal(Some(*n)),
                        fmt::decimal(Some(*d)),
                        fmt::decimal(Some(p))
                    ),
                    None => format!("{}/{}", fmt::decimal(Some(*n)), fmt::decimal(Some(*d))),
                };
            }
            Observation::Flag { value: f } => {
                flag = if *f { "yes" } else { "no" };
                shown = tr(lang, if *f { "common.yes" } else { "common.no" }).to_owned();
            }
            Observation::NotApplicable => {
                na = true;
                shown = tr(lang, "status.not_applicable").to_owned();
            }
        }
    }
    TargetRow {
        id: t.target.id.0,
        code: t.target.code.clone(),
        name: t.target.name.clone(),
        unit_of_measure: t.target.unit_of_measure.clone(),
        goal: t
            .goal
            .as_ref()
            .map(|g| {
                format!(
                    "{} ({})",
                    fmt::decimal(Some(g.value)),
                    fmt::period(lang, g.period)
                )
            })
            .unwrap_or_default(),
        kind,
        value,
        numerator,
        denominator,
        flag,
        not_applicable: na,
        note: t
            .actual
            .as_ref()
            .and_then(|a| a.note.clone())
            .unwrap_or_default(),
        row_version: t
            .actual
            .as_ref()
            .map(|a| a.row_version.to_string())
            .unwrap_or_default(),
        shown,
        in_report: t.in_report,
        error: String::new(),
        measure: tr(
            lang,
            match t.target.over_time {
                trienkhai_core::over_time::OverTime::Sum => "report.measure_flow",
                trienkhai_core::over_time::OverTime::Latest => "report.measure_state",
            },
        )
        .replace("{period}", &fmt::period(lang, period)),
        previous: t
            .previous
            .as_ref()
            .map(|p| {
                format!(
                    "{} ({})",
                    observation_words(lang, &p.observation),
                    fmt::period(lang, p.period)
                )
            })
            .unwrap_or_default(),
        change: match (
            t.previous.as_ref().and_then(|p| p.observation.number()),
            t.actual.as_ref().and_then(|a| a.observation.number()),
        ) {
            (Some(before), Some(now)) => {
                let d = now - before;
                let sign = if d > rust_decimal::Decimal::ZERO {
                    "+"
                } else {
                    ""
                };
                format!("{sign}{}", fmt::decimal(Some(d)))
            }
            _ => String::new(),
        },
        unusual: t
            .unusual
            .map(|u| unusual_words(lang, u))
            .unwrap_or_default(),
    }
}

/// A reported value in words: a number, a ratio with its percentage, yes or no.
fn observation_words(lang: crate::i18n::Lang, o: &trienkhai_core::rollup::Observation) -> String {
    use trienkhai_core::rollup::Observation;
    match o {
        Observation::Value { value } => fmt::decimal(Some(*value)),
        Observation::Ratio { .. } => format!("{} %", fmt::decimal(o.number())),
        Observation::Flag { value } => {
            tr(lang, if *value { "common.yes" } else { "common.no" }).to_owned()
        }
        Observation::NotApplicable => tr(lang, "status.not_applicable").to_owned(),
    }
}

/// Why a value is unusual, as the person typing and the reviewer read it.
pub(super) fn unusual_words(
    lang: crate::i18n::Lang,
    u: trienkhai_core::unusual::Unusual,
) -> String {
    use trienkhai_core::unusual::Unusual;
    match u {
        Unusual::AboveWholeGoal { goal, goal_period } => tr(lang, "report.unusual_goal")
            .replace("{goal}", &fmt::decimal(Some(goal)))
            .replace("{period}", &fmt::period(lang, goal_period)),
        Unusual::FarFromHistory { usual, factor } => tr(lang, "report.unusual_history")
            .replace("{usual}", &fmt::decimal(Some(usual)))
            .replace("{factor}", &fmt::decimal(Some(factor))),
    }
}

pub async fn detail(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    report_response(&state, &page, &uri, id, None, false).await
}

/// What a person asked before submitting: the report as it will be sent, and one button.
pub async fn confirm(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    report_response(&state, &page, &uri, id, None, true).await
}

/// The report's page; with `typed`, the form as it was posted and why it was not saved.
pub(super) async fn report_response(
    state: &AppState,
    page: &PageActor,
    uri: &Uri,
    id: i64,
    typed: Option<&Typed>,
    confirming: bool,
) -> Result<Response, PageError> {
    let ctx = PageCtx::new(page, uri);
    let lang = ctx.lang();
    let sheet = report_sheet::report_sheet(&state.app, &page.actor, id).await?;
    let v = &sheet.view;
    let r = &v.report;
    let codes: std::collections::HashMap<_, _> = sheet
        .items
        .iter()
        .map(|i| (i.item.id, i.item.code.clone()))
        .collect();
    let mut targets: Vec<TargetRow> = sheet
        .targets
        .iter()
        .map(|t| target_row(lang, t, sheet.view.report.period))
        .collect();
    let mut items: Vec<ItemRow> = sheet
        .items
        .iter()
        .map(|i| ItemRow {
            id: i.item.id.0,
            code: i.item.code.clone(),
            title: i.item.title.clone(),
            deadline: fmt::date(i.item.deadline),
            state: fmt::state(lang, i.state),
            state_code: i.state.as_str(),
            state_class: fmt::state_class(i.state),
            percent: i
                .line
                .as_ref()
                .and_then(|l| l.percent)
                .map(|p| p.to_string())
                .unwrap_or_default(),
            narrative: i
                .line
                .as_ref()
                .and_then(|l| l.narrative.clone())
                .unwrap_or_default(),
            error: String::new(),
        })
        .collect();
    let mut narrative = r.narrative.clone().unwrap_or_default();
    let mut row_version = r.row_version;
    let (mut form_error, mut file_error) = (String::new(), String::new());
    if let Some(typed) = typed {
        let shown = typed.apply(lang, &mut targets, &mut items, &mut narrative);
        form_error = shown.form_error;
        file_error = shown.file_error;
        if let Some(v) = shown.version {
            row_version = v;
        }
    }
    let has_unusual = targets.iter().any(|t| !t.unusual.is_empty());
    let mut response = render(&ReportPage {
        has_unusual,
        id,
        document_id: r.document_id.0,
        document_number: sheet.document_number.clone(),
        unit_id: r.unit_id.0,
        unit_name: sheet.unit_name.clone(),
        unit_code: sheet.unit_code.clone(),
        period: fmt::period(lang, r.period),
        period_code: r.period.to_string(),
        revision: r.revision,
        revisions: v.revisions,
        state: tr(lang, &format!("report.state_{}", r.state.as_str())).to_owned(),
        state_code: r.state.as_str(),
        deadline: fmt::date(r.deadline),
        late: r.late,
        narrative,
        review_comment: r.review_comment.clone().unwrap_or_default(),
        row_version,
        can_edit: v.can_edit,
        can_review: v.can_review,
        accepted: v.can_reopen,
        targets,
        items,
        evidence: sheet
            .evidence
            .iter()
            .map(|e| EvidenceRow {
                id: e.id,
                file_name: e.file_name.clone(),
                size: fmt::file_size(e.size_bytes),
                item: e
                    .work_item_id
                    .and_then(|w| codes.get(&w).cloned())
                    .unwrap_or_default(),
            })
            .collect(),
        form_error,
        file_error,
        confirming: confirming && v.can_edit,
        ctx,
    })?;
    if let Some(typed) = typed {
        *response.status_mut() = crate::error::status_of(&typed.error);
    }
    Ok(response)
}

/// Attaches an evidence file (multipart: `csrf`, `file`, optional `work_item_id`).
pub async fn upload(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    let mut csrf = String::new();
    let mut item = None;
    let mut file: Option<(String, Vec<u8>)> = None;
    let bad = || PageError(AppError::invalid("invalid_form", "file"));
    while let Some(field) = multipart.next_field().await.map_err(|_| bad())? {
        match field.name() {
            Some("csrf") => csrf = field.text().await.map_err(|_| bad())?,
            Some("work_item_id") => {
                let text = field.text().await.map_err(|_| bad())?;
                item = match text.trim() {
                    "" => None,
                    t => Some(WorkItemId(t.parse().map_err(|_| {
                        PageError(AppError::invalid("invalid_number", "work_item_id"))
                    })?)),
                };
            }
            Some("file") => {
                let name = field.file_name().unwrap_or("").to_owned();
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|_| PageError(AppError::invalid("file_too_large", "file")))?;
                file = Some((name, bytes.to_vec()));
            }
            _ => {}
        }
    }
    page.check_csrf(&csrf)?;
    let (name, bytes) = file.ok_or_else(|| AppError::invalid("required", "file"))?;
    report_sheet::attach_evidence(&state.app, &page.actor, id, item, &name, &bytes).await?;
    Ok(see_other(&format!("/reports/{id}")))
}

pub async fn evidence(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let (record, bytes) = report_sheet::evidence_file(&state.app, &page.actor, id).await?;
    Ok(crate::api::attachment(
        &record.file_name,
        &record.content_type,
        bytes,
    ))
}

#[derive(Deserialize)]
pub struct ActForm {
    csrf: String,
    action: String,
    comment: Option<String>,
    version: i64,
}

pub async fn act(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
    FormBody(form): FormBody<ActForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    let action = ReportAction::parse(&form.action).map_err(AppError::from)?;
    let next = reporting::act(
        &state.app,
        &page.actor,
        id,
        action,
        form.comment.as_deref(),
        form.version,
    )
    .await?;
    Ok(see_other(&format!("/reports/{next}")))
}

pub struct StatusRow {
    unit_id: i64,
    can_nudge: bool,
    nudged: bool,
    unit_code: String,
    unit_name: String,
    indent: u32,
    deadline: String,
    report_id: Option<i64>,
    state: String,
    state_code: &'static str,
    late: bool,
    overdue: bool,
}

#[derive(Template)]
#[template(path = "period_reports.html")]
struct PeriodPage {
    ctx: PageCtx,
    document_id: i64,
    document_number: String,
    period: String,
    period_code: String,
    as_of: String,
    received: usize,
    missing: usize,
    late: usize,
    rows: Vec<StatusRow>,
    /// "Đã nhắc …" after a nudge.
    nudged_note: String,
    /// The period is in none of the plan's calendars.
    no_calendar: bool,
}

#[derive(Deserialize)]
pub struct PeriodQuery {
    period: Option<String>,
    /// The unit just nudged, and how many of its accounts were told.
    nudged: Option<i64>,
    told: Option<usize>,
    under: Option<String>,
    as_of: Option<String>,
}

/// Every expected unit's report for a period: received, missing, late, as of a date.
pub async fn period_list(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
    Path(id): Path<i64>,
    axum::extract::Query(q): axum::extract::Query<PeriodQuery>,
) -> Result<Response, PageError> {
    let ctx = PageCtx::new(&page, &uri);
    let lang = ctx.lang();
    let period = Period::parse(q.period.as_deref().unwrap_or("")).map_err(AppError::from)?;
    let under = unit_by_code(&state, q.under.as_deref(), "under").await?;
    let as_of = match q.as_of.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(d) => Some(
            trienkhai_core::vn::parse_date(d)
                .map_err(|e| PageError(AppError::invalid(e.code(), "as_of")))?,
        ),
    };
    let doc =
        trienkhai_app::documents::get_document(&state.app, &page.actor, DocumentId(id)).await?;
    // A period outside the plan's calendars is a page that says so (it is linked from the
    // consolidated report and the dashboard), not an error.
    let (list, no_calendar) = match reporting::period_reports(
        &state.app,
        &page.actor,
        DocumentId(id),
        period,
        under,
        as_of,
    )
    .await
    {
        Ok(list) => (list, false),
        Err(AppError::Invalid(e)) if e.code == "period_not_in_calendar" => (
            reporting::PeriodReports {
                document_id: DocumentId(id),
                period,
                under: under
                    .or(doc.document.issuer_unit_id)
                    .unwrap_or(trienkhai_core::ids::UnitId(0)),
                as_of: as_of.unwrap_or_else(|| state.app.today()),
                units: Vec::new(),
                received: 0,
                missing: 0,
                late: 0,
            },
            true,
        ),
        Err(e) => return Err(e.into()),
    };
    let top = list.units.iter().map(|u| u.depth).min().unwrap_or(0);
    let nudged_note = list
        .units
        .iter()
        .find(|u| q.nudged == Some(u.unit_id.0))
        .map(|u| {
            tr(lang, "report.nudged")
                .replace("{unit}", &u.unit_name)
                .replace("{told}", &q.told.unwrap_or(0).to_string())
        })
        .unwrap_or_default();
    render(&PeriodPage {
        no_calendar,
        nudged_note,
        document_id: id,
        document_number: doc.document.number.clone(),
        period: fmt::period(lang, period),
        period_code: period.to_string(),
        as_of: fmt::date(list.as_of),
        received: list.received,
        missing: list.missing,
        late: list.late,
        rows: list
            .units
            .iter()
            .map(|u| StatusRow {
                unit_id: u.unit_id.0,
                can_nudge: u.can_nudge,
                nudged: q.nudged == Some(u.unit_id.0),
                unit_code: u.unit_code.clone(),
                unit_name: u.unit_name.clone(),
                indent: u.depth - top,
                deadline: fmt::date(u.deadline),
                report_id: u.report_id,
                state: match u.state {
                    Some(s) => tr(lang, &format!("report.state_{}", s.as_str())).to_owned(),
                    None => tr(lang, "report.not_opened").to_owned(),
                },
                state_code: u.state.map_or("none", |s| s.as_str()),
                late: u.late,
                overdue: u.overdue,
            })
            .collect(),
        ctx,
    })
}

#[derive(Deserialize)]
pub struct NudgeForm {
    csrf: String,
    unit_id: i64,
    period: String,
}

/// "Nhắc": tells a unit whose report has not arrived that it is awaited, then shows the list
/// again with the unit marked.
pub async fn nudge(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
    crate::extract::FormBody(form): crate::extract::FormBody<NudgeForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    let period = Period::parse(&form.period).map_err(AppError::from)?;
    let told = trienkhai_app::reminders::nudge(
        &state.app,
        &page.actor,
        DocumentId(id),
        trienkhai_core::ids::UnitId(form.unit_id),
        period,
    )
    .await?;
    Ok(see_other(&format!(
        "/documents/{id}/reports?period={period}&nudged={}&told={told}",
        form.unit_id
    )))
}
