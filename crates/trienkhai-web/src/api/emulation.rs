//! API of emulation goals (C9): a unit registers its goals for a movement's phase, records
//! their results, and anyone reading the unit reads them phase by phase with their verdicts.

use axum::Json;
use axum::extract::{Query, State};
use serde::Deserialize;
use serde_json::Value;
use trienkhai_app::AppError;
use trienkhai_app::emulation::{self, GoalInput, UnitGoals};
use trienkhai_core::ids::{DocumentId, UnitId};
use trienkhai_core::period::Period;

use super::{Api, Id, RouteDoc};
use crate::AppState;
use crate::api::answers::{Created, Saved};
use crate::error::ApiError;
use crate::extract::{ApiActor, JsonBody};

pub(super) fn routes(api: Api) -> Api {
    api.route(
        RouteDoc::new(
            "post",
            "/emulation-goals",
            "emulation",
            "Register a unit's goal for a phase of a movement",
        ),
        register,
    )
    .route(
        RouteDoc::new(
            "put",
            "/emulation-goals/{id}/result",
            "emulation",
            "Record a goal's result (its figure, or 'achieved' for a goal in words)",
        ),
        record_result,
    )
    .route(
        RouteDoc::new(
            "get",
            "/documents/{id}/emulation",
            "emulation",
            "A unit's goals for a movement, phase by phase, with their verdicts",
        ),
        unit_goals,
    )
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct GoalBody {
    document_id: DocumentId,
    unit_id: UnitId,
    /// A year (`2021`) or a phase (`2020..2025`).
    phase: Period,
    #[schemars(length(min = 1, max = 1000))]
    title: String,
    #[schemars(length(max = 100))]
    measure: Option<String>,
    /// The figure to reach (at least), when the goal has one.
    #[schemars(schema_with = "crate::api::number_input")]
    goal: Option<Value>,
}

async fn register(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    JsonBody(body): JsonBody<GoalBody>,
) -> Result<Json<Created>, ApiError> {
    let input = GoalInput {
        document_id: body.document_id,
        unit_id: body.unit_id,
        phase: body.phase,
        title: body.title,
        measure: body.measure,
        goal: super::plans::decimal(&body.goal, "goal")?,
    };
    Ok(Json(Created::of(
        emulation::register(&state.app, &actor, &input).await?,
    )))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct ResultBody {
    /// The goal's `row_version` as read.
    #[schemars(required)]
    version: Option<i64>,
    /// The figure reached (required for a goal with a figure).
    #[schemars(schema_with = "crate::api::number_input")]
    result: Option<Value>,
    /// For a goal in words: achieved or not (required then).
    achieved: Option<bool>,
    #[schemars(length(max = 2000))]
    note: Option<String>,
}

async fn record_result(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(body): JsonBody<ResultBody>,
) -> Result<Json<Saved>, ApiError> {
    let version = body
        .version
        .ok_or_else(|| AppError::invalid("required", "version"))?;
    let row_version = emulation::record_result(
        &state.app,
        &actor,
        id,
        super::plans::decimal(&body.result, "result")?,
        body.achieved,
        body.note.as_deref(),
        version,
    )
    .await?;
    Ok(Json(Saved { row_version }))
}

#[derive(Deserialize, schemars::JsonSchema)]
struct UnitQuery {
    /// The unit whose goals are read (required).
    #[schemars(required)]
    unit: Option<i64>,
}

async fn unit_goals(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    Query(q): Query<UnitQuery>,
) -> Result<Json<UnitGoals>, ApiError> {
    let unit = q
        .unit
        .ok_or_else(|| AppError::invalid("required", "unit"))?;
    Ok(Json(
        emulation::unit_goals(&state.app, &actor, DocumentId(id), UnitId(unit)).await?,
    ))
}
