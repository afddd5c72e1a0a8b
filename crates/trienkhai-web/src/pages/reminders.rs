//! Screens of reminders (C8, C13): a person's notifications and where their digest goes; a
//! plan's reminder policies (on its calendar page); the background jobs and webhooks, for
//! administrators.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::Response;
use serde::Deserialize;
use trienkhai_app::AppError;
use trienkhai_app::reminders::{self, PolicyInput};
use trienkhai_core::ids::DocumentId;

use super::{PageCtx, render, see_other};
use crate::AppState;
use crate::error::PageError;
use crate::extract::{FormBody, PageActor};
use crate::fmt;

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    ctx: PageCtx,
    unread: i64,
    /// Day, title, link, unread.
    rows: Vec<(String, String, String, bool)>,
    email: String,
    daily_digest: bool,
}

pub async fn list(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
) -> Result<Response, PageError> {
    let ctx = PageCtx::new(&page, &uri);
    let (rows, unread) = reminders::my_notifications(&state.app, &page.actor).await?;
    let prefs = reminders::my_preferences(&state.app, &page.actor).await?;
    render(&NotificationsPage {
        unread,
        rows: rows
            .iter()
            .map(|n| {
                (
                    fmt::date(n.day),
                    n.title.clone(),
                    n.link.clone().unwrap_or_default(),
                    n.read_at.is_none(),
                )
            })
            .collect(),
        email: prefs.email.unwrap_or_default(),
        daily_digest: prefs.daily_digest,
        ctx,
    })
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

pub async fn mark_read(
    State(state): State<AppState>,
    page: PageActor,
    FormBody(form): FormBody<CsrfForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    reminders::mark_all_read(&state.app, &page.actor).await?;
    Ok(see_other("/notifications"))
}

#[derive(Deserialize)]
pub struct PreferencesForm {
    csrf: String,
    email: Option<String>,
    daily_digest: Option<String>,
}

pub async fn preferences(
    State(state): State<AppState>,
    page: PageActor,
    FormBody(form): FormBody<PreferencesForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    reminders::set_my_preferences(
        &state.app,
        &page.actor,
        form.email.as_deref(),
        form.daily_digest.is_some(),
    )
    .await?;
    Ok(see_other("/notifications"))
}

#[derive(Deserialize)]
pub struct PolicyForm {
    csrf: String,
    kind: String,
    days: String,
    audience: String,
    email: Option<String>,
    webhook: Option<String>,
}

pub async fn add_policy(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
    FormBody(form): FormBody<PolicyForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    let days = form
        .days
        .trim()
        .parse()
        .map_err(|_| PageError(AppError::invalid("invalid_number", "days")))?;
    reminders::add_policy(
        &state.app,
        &page.actor,
        DocumentId(id),
        &PolicyInput {
            kind: form.kind,
            days,
            audience: form.audience,
            email: form.email.is_some(),
            webhook: form.webhook.is_some(),
        },
    )
    .await?;
    Ok(see_other(&format!("/documents/{id}/calendars")))
}

#[derive(Deserialize)]
pub struct RemovePolicyForm {
    csrf: String,
    policy: i64,
}

pub async fn remove_policy(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
    FormBody(form): FormBody<RemovePolicyForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    reminders::remove_policy(&state.app, &page.actor, DocumentId(id), form.policy).await?;
    Ok(see_other(&format!("/documents/{id}/calendars")))
}

pub struct JobRow {
    id: i64,
    kind: String,
    state: String,
    attempts: String,
    run_at: String,
    error: String,
    failed: bool,
}

#[derive(Template)]
#[template(path = "jobs.html")]
struct JobsPage {
    ctx: PageCtx,
    jobs: Vec<JobRow>,
    /// Id, URL, active.
    webhooks: Vec<(i64, String, bool)>,
    new_secret: String,
}

#[derive(Deserialize)]
pub struct JobsQuery {
    secret: Option<String>,
}

pub async fn jobs(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
    axum::extract::Query(q): axum::extract::Query<JobsQuery>,
) -> Result<Response, PageError> {
    let ctx = PageCtx::new(&page, &uri);
    let jobs = reminders::recent_jobs(&state.app, &page.actor).await?;
    let hooks = reminders::webhooks(&state.app, &page.actor).await?;
    render(&JobsPage {
        jobs: jobs
            .iter()
            .map(|j| JobRow {
                id: j.id,
                kind: j.kind.clone(),
                state: j.state.clone(),
                attempts: format!("{}/{}", j.attempts, j.max_attempts),
                run_at: crate::fmt::instant(j.run_at),
                error: j.last_error.clone().unwrap_or_default(),
                failed: j.state == "failed",
            })
            .collect(),
        webhooks: hooks
            .iter()
            .map(|h| (h.id, h.url.clone(), h.active))
            .collect(),
        new_secret: q.secret.unwrap_or_default(),
        ctx,
    })
}

pub async fn retry(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
    FormBody(form): FormBody<CsrfForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    reminders::retry_job(&state.app, &page.actor, id).await?;
    Ok(see_other("/jobs"))
}

#[derive(Deserialize)]
pub struct WebhookForm {
    csrf: String,
    url: String,
}

pub async fn add_webhook(
    State(state): State<AppState>,
    page: PageActor,
    FormBody(form): FormBody<WebhookForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    let (_, secret) = reminders::add_webhook(&state.app, &page.actor, &form.url).await?;
    // Shown once, on the page the administrator lands on.
    Ok(see_other(&format!("/jobs?secret={secret}")))
}

#[derive(Deserialize)]
pub struct ActiveForm {
    csrf: String,
    active: String,
}

pub async fn set_webhook(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
    FormBody(form): FormBody<ActiveForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    reminders::set_webhook_active(&state.app, &page.actor, id, form.active == "1").await?;
    Ok(see_other("/jobs"))
}
