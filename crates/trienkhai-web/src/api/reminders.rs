//! API of reminders: a plan's policies, the caller's notifications and preferences, and for
//! administrators the background jobs and webhooks.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use trienkhai_app::AppError;
use trienkhai_app::reminders::{self, PolicyInput};
use trienkhai_app::reminders::{Job, Notification, Policy, Preferences, Webhook};
use trienkhai_core::ids::DocumentId;

use super::{Api, Id, RouteDoc};
use crate::AppState;
use crate::api::answers::{Created, Notifications, Removed, Requeued, Unread, WebhookCreated};
use crate::error::ApiError;
use crate::extract::{ApiActor, JsonBody};

pub(super) fn routes(api: Api) -> Api {
    api.route(
        RouteDoc::new(
            "get",
            "/documents/{id}/reminder-policies",
            "reminders",
            "A plan's reminder policies",
        ),
        policies,
    )
    .route(
        RouteDoc::new(
            "post",
            "/documents/{id}/reminder-policies",
            "reminders",
            "Add a reminder policy to a plan",
        ),
        add_policy,
    )
    .route(
        RouteDoc::new(
            "delete",
            "/documents/{id}/reminder-policies/{policy}",
            "reminders",
            "Remove a plan's reminder policy",
        ),
        remove_policy,
    )
    .route(
        RouteDoc::new(
            "get",
            "/me/notifications",
            "reminders",
            "The caller's notifications, newest first, with the unread count",
        ),
        notifications,
    )
    .route(
        RouteDoc::new(
            "post",
            "/me/notifications/read",
            "reminders",
            "Mark all the caller's notifications read",
        ),
        mark_read,
    )
    .route(
        RouteDoc::new(
            "get",
            "/me/preferences",
            "reminders",
            "Where the caller's digest goes",
        ),
        preferences,
    )
    .route(
        RouteDoc::new(
            "put",
            "/me/preferences",
            "reminders",
            "Set where the caller's digest goes and whether it is sent",
        ),
        set_preferences,
    )
    .route(
        RouteDoc::new(
            "get",
            "/jobs",
            "reminders",
            "Background jobs, failed first (administrators)",
        ),
        jobs,
    )
    .route(
        RouteDoc::new(
            "post",
            "/jobs/{id}/retry",
            "reminders",
            "Queue a failed job again (administrators)",
        ),
        retry,
    )
    .route(
        RouteDoc::new("get", "/webhooks", "reminders", "Webhooks (administrators)"),
        webhooks,
    )
    .route(
        RouteDoc::new(
            "post",
            "/webhooks",
            "reminders",
            "Register a webhook; its signing secret is returned once (administrators)",
        ),
        add_webhook,
    )
}

async fn policies(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
) -> Result<Json<Vec<Policy>>, ApiError> {
    Ok(Json(
        reminders::policies(&state.app, &actor, DocumentId(id)).await?,
    ))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct PolicyBody {
    #[schemars(extend("enum" = reminders::POLICY_KINDS))]
    kind: String,
    days: i64,
    #[schemars(extend("enum" = reminders::AUDIENCES))]
    audience: String,
    #[serde(default = "yes")]
    email: bool,
    #[serde(default)]
    webhook: bool,
}

fn yes() -> bool {
    true
}

async fn add_policy(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(body): JsonBody<PolicyBody>,
) -> Result<Json<Created>, ApiError> {
    let policy = reminders::add_policy(
        &state.app,
        &actor,
        DocumentId(id),
        &PolicyInput {
            kind: body.kind,
            days: body.days,
            audience: body.audience,
            email: body.email,
            webhook: body.webhook,
        },
    )
    .await?;
    Ok(Json(Created::of(policy)))
}

async fn remove_policy(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    axum::extract::Path((id, policy)): axum::extract::Path<(i64, i64)>,
) -> Result<Json<Removed>, ApiError> {
    reminders::remove_policy(&state.app, &actor, DocumentId(id), policy).await?;
    Ok(Json(Removed { removed: policy }))
}

async fn notifications(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Notifications>, ApiError> {
    let (items, unread): (Vec<Notification>, i64) =
        reminders::my_notifications(&state.app, &actor).await?;
    Ok(Json(Notifications {
        unread,
        notifications: items,
    }))
}

async fn mark_read(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Unread>, ApiError> {
    reminders::mark_all_read(&state.app, &actor).await?;
    Ok(Json(Unread { unread: 0 }))
}

async fn preferences(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Preferences>, ApiError> {
    Ok(Json(reminders::my_preferences(&state.app, &actor).await?))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct PreferencesBody {
    email: Option<String>,
    #[serde(default = "yes")]
    daily_digest: bool,
}

async fn set_preferences(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    JsonBody(body): JsonBody<PreferencesBody>,
) -> Result<Json<Preferences>, ApiError> {
    reminders::set_my_preferences(&state.app, &actor, body.email.as_deref(), body.daily_digest)
        .await?;
    Ok(Json(reminders::my_preferences(&state.app, &actor).await?))
}

async fn jobs(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<Job>>, ApiError> {
    Ok(Json(reminders::recent_jobs(&state.app, &actor).await?))
}

async fn retry(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
) -> Result<Json<Requeued>, ApiError> {
    reminders::retry_job(&state.app, &actor, id).await?;
    Ok(Json(Requeued {
        id,
        state: "queued",
    }))
}

async fn webhooks(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<Webhook>>, ApiError> {
    Ok(Json(reminders::webhooks(&state.app, &actor).await?))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct WebhookBody {
    url: String,
}

async fn add_webhook(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    JsonBody(body): JsonBody<WebhookBody>,
) -> Result<Json<WebhookCreated>, ApiError> {
    if body.url.trim().is_empty() {
        return Err(AppError::invalid("required", "url").into());
    }
    let (id, secret) = reminders::add_webhook(&state.app, &actor, &body.url).await?;
    Ok(Json(WebhookCreated { id, secret }))
}
