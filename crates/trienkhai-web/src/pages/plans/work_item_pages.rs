//! Screens of work items: the form adding one, splitting it to units, milestones, and an item's
//! page (state, roadmap, requests and decisions, cascade).

use super::*;
use crate::AppState;
use crate::error::PageError;
use crate::extract::{FormBody, PageActor};
use crate::fmt;
use crate::i18n::{Lang, tr};
use crate::pages::{PageCtx, all_of, form_date, render, see_other, unit_by_code};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::Response;
use serde::Deserialize;
use trienkhai_app::AppError;
use trienkhai_app::cascade::{self, Step};
use trienkhai_app::work_items::{self, ProgressChange};
use trienkhai_core::ids::{DocumentId, WorkItemId};
use trienkhai_core::work_item::{Decision, Request};

/// Creates a work item from the plan page. Coordinating units, targets and themes are
/// multiple choices (one field per choice).
pub async fn create_item(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
    FormBody(form): FormBody<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let one = |key: &str| super::super::pair(&form, key);
    page.check_csrf(&one("csrf").unwrap_or_default())?;
    let input = work_items::WorkItemInput {
        code: one("code").unwrap_or_default(),
        title: one("title").unwrap_or_default(),
        field_code: one("field_code"),
        themes: codes(&all_of(&form, "themes")),
        lead_unit_id: unit_by_code(&state, one("lead_code").as_deref(), "lead_unit_id").await?,
        coordinating_unit_ids: units_by_codes(
            &state,
            &all_of(&form, "coordinating_codes"),
            "coordinating_unit_ids",
        )
        .await?,
        responsible_person_id: None,
        target_ids: targets_by_codes(
            &state,
            &page,
            DocumentId(id),
            &all_of(&form, "target_codes"),
        )
        .await?,
        starts_on: None,
        deadline: form_date(&one("deadline"), "deadline")?,
        expected_product: one("expected_product"),
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

/// Splits an item into one sub-item per unit chosen (the picker sends one `unit_codes` per
/// unit; a list typed in one field is read too).
pub async fn split(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
    FormBody(form): FormBody<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    page.check_csrf(&super::super::pair(&form, "csrf").unwrap_or_default())?;
    let units = units_by_codes(&state, &all_of(&form, "unit_codes"), "unit_ids").await?;
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

#[derive(Template)]
#[template(path = "work_item.html")]
pub(super) struct ItemPage {
    ctx: PageCtx,
    id: i64,
    /// Who took it on: (their registration, name, unit, item, deadline, state), and how many.
    #[allow(clippy::type_complexity)]
    takers: Vec<(String, String, String, String, String, String)>,
    takers_people: usize,
    code: String,
    title: String,
    document_id: i64,
    lead_unit_id: i64,
    lead: String,
    lead_linked: bool,
    /// The units it may be split to, by name (editors only).
    split_units: Vec<super::super::pickers::Choice>,
    coordinating: String,
    responsible: String,
    deadline: String,
    former: Vec<(String, String)>,
    state: String,
    state_class: &'static str,
    /// How the parts stand, when the item was split ("3 phần giao đơn vị: …").
    parts: String,
    /// The lead unit's own report, when the parts say otherwise.
    own_state: String,
    /// What reports said: (report link, period, unit, percent, narrative, report state).
    reported: Vec<(String, String, String, String, String, String)>,
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

pub(super) fn step_line(lang: Lang, s: &Step) -> (String, String, String) {
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

pub(super) fn request_text(lang: Lang, r: &Request) -> String {
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
    let lead_linked = trienkhai_app::org::openable_units(
        &state.app,
        &page.actor,
        &[v.item.lead_unit_id],
        v.item.deadline.min(state.app.today()),
    )
    .await?
    .contains(&v.item.lead_unit_id);
    let split_units = if v.can_edit {
        let doc =
            trienkhai_app::documents::get_document(&state.app, &page.actor, v.item.document_id)
                .await?;
        super::super::pickers::unit_choices(
            &state,
            &page,
            doc.document.issuer_unit_id,
            trienkhai_core::access::Action::Read,
            v.item.deadline.min(state.app.today()),
            "",
            None,
        )
        .await?
    } else {
        Vec::new()
    };
    let takers =
        trienkhai_app::work_item_takers::takers(&state.app, &page.actor, WorkItemId(id)).await?;
    let takers_people = takers
        .iter()
        .map(|t| t.person_id)
        .collect::<std::collections::HashSet<_>>()
        .len();
    render(&ItemPage {
        takers_people,
        takers: takers
            .into_iter()
            .map(|t| {
                (
                    format!("/registrations/{}", t.registration_id),
                    t.full_name,
                    t.unit_name,
                    t.content,
                    fmt::date(t.deadline),
                    tr(lang, &format!("registration.state.{}", t.state.as_str())).to_owned(),
                )
            })
            .collect(),
        lead_linked,
        split_units,
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
        parts: if v.parts_total > 0 {
            tr(lang, "item.parts")
                .replace("{total}", &v.parts_total.to_string())
                .replace("{done}", &v.parts_done.to_string())
                .replace("{overdue}", &v.parts_overdue.to_string())
        } else {
            String::new()
        },
        own_state: if v.own_state != v.state {
            fmt::state(lang, v.own_state).to_owned()
        } else {
            String::new()
        },
        reported: v
            .reported
            .iter()
            .map(|r| {
                (
                    format!("/reports/{}", r.report_id),
                    fmt::period(lang, r.period),
                    r.unit_name.clone(),
                    r.percent.map(|p| format!("{p} %")).unwrap_or_default(),
                    r.narrative.clone().unwrap_or_default(),
                    tr(lang, &format!("report.state_{}", r.report_state.as_str())).to_owned(),
                )
            })
            .collect(),
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
