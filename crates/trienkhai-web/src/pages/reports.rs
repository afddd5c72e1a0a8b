//! Screens of a unit's report for a period (C8): opened from the plan's page, filled and
//! submitted by the unit, returned with a comment or accepted one level up, reopened as a new
//! revision after acceptance.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::Response;
use serde::Deserialize;
use trienkhai_app::AppError;
use trienkhai_app::reporting;
use trienkhai_core::ids::DocumentId;
use trienkhai_core::period::Period;
use trienkhai_core::reporting::ReportAction;

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

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    ctx: PageCtx,
    id: i64,
    document_id: i64,
    unit_id: i64,
    period: String,
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
}

pub async fn detail(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let ctx = PageCtx::new(&page, &uri);
    let lang = ctx.lang();
    let v = reporting::get_report(&state.app, &page.actor, id).await?;
    let r = &v.report;
    render(&ReportPage {
        id,
        document_id: r.document_id.0,
        unit_id: r.unit_id.0,
        period: fmt::period(lang, r.period),
        revision: r.revision,
        revisions: v.revisions,
        state: tr(lang, &format!("report.state_{}", r.state.as_str())).to_owned(),
        state_code: r.state.as_str(),
        deadline: fmt::date(r.deadline),
        late: r.late,
        narrative: r.narrative.clone().unwrap_or_default(),
        review_comment: r.review_comment.clone().unwrap_or_default(),
        row_version: r.row_version,
        can_edit: v.can_edit,
        can_review: v.can_review,
        accepted: r.state == trienkhai_core::reporting::ReportState::Accepted,
        ctx,
    })
}

#[derive(Deserialize)]
pub struct NarrativeForm {
    csrf: String,
    narrative: String,
    version: i64,
}

pub async fn save(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
    FormBody(form): FormBody<NarrativeForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    reporting::save_narrative(&state.app, &page.actor, id, &form.narrative, form.version).await?;
    Ok(see_other(&format!("/reports/{id}")))
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
    let action = match form.action.as_str() {
        "submit" => ReportAction::Submit,
        "accept" => ReportAction::Accept,
        "return" => ReportAction::Return,
        "reopen" => ReportAction::Reopen,
        _ => return Err(PageError(AppError::invalid("invalid", "action"))),
    };
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
