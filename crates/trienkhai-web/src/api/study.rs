//! API of study sessions (C10): record a unit's session studying a document with its
//! attendance by audience, read or remove it, and read the attendance rolled up a unit's tree.
//! Who may do what is `trienkhai_app::study`'s.

use axum::Json;
use axum::extract::{Query, State};
use chrono::NaiveDate;
use serde::Deserialize;
use trienkhai_app::AppError;
use trienkhai_app::study::StudySession;
use trienkhai_app::study::{self, SessionInput, StudyRollup};
use trienkhai_app::study_targets::{self, LinkInput, LinkView};
use trienkhai_core::ids::{DocumentId, TargetId, UnitId};

use super::{Api, Id, RouteDoc};
use crate::AppState;
use crate::api::answers::{Created, Removed};
use crate::error::ApiError;
use crate::extract::{ApiActor, JsonBody};

pub(super) fn routes(api: Api) -> Api {
    api.route(
        RouteDoc::new(
            "post",
            "/study-sessions",
            "study",
            "Record a unit's session studying a document, with its attendance by audience",
        ),
        record,
    )
    .route(
        RouteDoc::new(
            "get",
            "/study-sessions/{id}",
            "study",
            "A study session with its attendance",
        ),
        get,
    )
    .route(
        RouteDoc::new(
            "delete",
            "/study-sessions/{id}",
            "study",
            "Remove a session recorded by mistake (the audit log keeps it)",
        ),
        remove,
    )
    .route(
        RouteDoc::new(
            "get",
            "/documents/{id}/study",
            "study",
            "Attendance at the study of a document in a unit and below: \"2.909/3.044 đảng viên, đạt 95,56%\"",
        ),
        rollup,
    )
    .route(
        RouteDoc::new(
            "get",
            "/targets/{id}/attendance-source",
            "study",
            "Whether a target is computed from the attendance at a document's study sessions, and from which",
        ),
        get_source,
    )
    .route(
        RouteDoc::new(
            "put",
            "/targets/{id}/attendance-source",
            "study",
            "Compute a ratio target from the attendance at a document's study sessions (the plan's editors); every unit's value is written now and kept up to date",
        ),
        put_source,
    )
}

async fn get_source(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
) -> Result<Json<LinkView>, ApiError> {
    Ok(Json(
        study_targets::link_of(&state.app, &actor, TargetId(id)).await?,
    ))
}

/// How many units' values were written.
#[derive(serde::Serialize, schemars::JsonSchema)]
struct Written {
    written: usize,
}

async fn put_source(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(body): JsonBody<LinkInput>,
) -> Result<Json<Written>, ApiError> {
    Ok(Json(Written {
        written: study_targets::link(&state.app, &actor, TargetId(id), &body).await?,
    }))
}

async fn record(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    JsonBody(body): JsonBody<SessionInput>,
) -> Result<Json<Created>, ApiError> {
    Ok(Json(Created::of(
        study::record(&state.app, &actor, &body).await?,
    )))
}

async fn get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
) -> Result<Json<StudySession>, ApiError> {
    Ok(Json(study::get(&state.app, &actor, id).await?))
}

async fn remove(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
) -> Result<Json<Removed>, ApiError> {
    study::remove(&state.app, &actor, id).await?;
    Ok(Json(Removed { removed: id }))
}

#[derive(Deserialize, schemars::JsonSchema)]
struct RollupQuery {
    /// The unit whose tree is summed (required).
    #[schemars(required)]
    unit: Option<i64>,
    /// The day the tree is read on (default: today).
    as_of: Option<NaiveDate>,
}

async fn rollup(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    Query(q): Query<RollupQuery>,
) -> Result<Json<StudyRollup>, ApiError> {
    let unit = q
        .unit
        .ok_or_else(|| AppError::invalid("required", "unit"))?;
    Ok(Json(
        study::rollup(&state.app, &actor, DocumentId(id), UnitId(unit), q.as_of).await?,
    ))
}
