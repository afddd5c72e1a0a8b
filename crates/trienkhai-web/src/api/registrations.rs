//! API of personal registrations (C9): open a person's registration for a year, read it, save
//! its items, submit / approve / return it, amend it as a new version, and assess its items
//! with the superior's remark. Who may do what is `trienkhai_app::registrations`'.

use axum::Json;
use axum::extract::{Path, Query, State};
use serde::Deserialize;
use trienkhai_app::AppError;
use trienkhai_app::registrations::{
    self, ItemInput, RegistrationInput, RegistrationView, UnitRegistrations,
};
use trienkhai_core::ids::UnitId;
use trienkhai_core::registration::{AssessmentPhase, Outcome, RegistrationAction};

use super::{Api, Id, RouteDoc};
use crate::AppState;
use crate::api::answers::{Created, Saved};
use crate::error::ApiError;
use crate::extract::{ApiActor, JsonBody};

pub(super) fn routes(api: Api) -> Api {
    api.route(
        RouteDoc::new(
            "post",
            "/registrations",
            "registrations",
            "Open a person's registration of work items for a year (version 1, a draft)",
        ),
        open,
    )
    .route(
        RouteDoc::new(
            "get",
            "/units/{id}/registrations",
            "registrations",
            "Who in a unit and below has registered for a year, and whose items are late",
        ),
        unit_list,
    )
    .route(
        RouteDoc::new(
            "get",
            "/registrations/{id}",
            "registrations",
            "A version of a registration with its items and assessments",
        ),
        get,
    )
    .route(
        RouteDoc::new(
            "put",
            "/registrations/{id}/items",
            "registrations",
            "Replace the items of a draft or returned version (version read)",
        ),
        save_items,
    )
    .route(
        RouteDoc::new(
            "post",
            "/registrations/{id}/actions",
            "registrations",
            "Submit, approve or return a version (a return says why)",
        ),
        act,
    )
    .route(
        RouteDoc::new(
            "post",
            "/registrations/{id}/amendments",
            "registrations",
            "Open the next version of an approved registration, its items copied",
        ),
        amend,
    )
    .route(
        RouteDoc::new(
            "put",
            "/registration-items/{id}/assessments/{phase}",
            "registrations",
            "The person's assessment of an item at mid-year or year end",
        ),
        assess,
    )
    .route(
        RouteDoc::new(
            "put",
            "/registration-items/{id}/remarks/{phase}",
            "registrations",
            "The superior's remark on an item's assessment",
        ),
        remark,
    )
}

async fn open(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    JsonBody(body): JsonBody<RegistrationInput>,
) -> Result<Json<Created>, ApiError> {
    Ok(Json(Created::of(
        registrations::open(&state.app, &actor, &body).await?,
    )))
}

#[derive(Deserialize, schemars::JsonSchema)]
struct YearQuery {
    /// The year of the registrations (required).
    #[schemars(required, range(min = 1900, max = 2200))]
    year: Option<i32>,
}

async fn unit_list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    Query(q): Query<YearQuery>,
) -> Result<Json<UnitRegistrations>, ApiError> {
    let year = q
        .year
        .ok_or_else(|| AppError::invalid("required", "year"))?;
    Ok(Json(
        registrations::unit_registrations(&state.app, &actor, UnitId(id), year).await?,
    ))
}

async fn get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
) -> Result<Json<RegistrationView>, ApiError> {
    Ok(Json(registrations::get(&state.app, &actor, id).await?))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct ItemsBody {
    /// The version's `row_version` as read.
    #[schemars(required)]
    version: Option<i64>,
    items: Vec<ItemInput>,
}

async fn save_items(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(body): JsonBody<ItemsBody>,
) -> Result<Json<Saved>, ApiError> {
    let version = body
        .version
        .ok_or_else(|| AppError::invalid("required", "version"))?;
    let row_version =
        registrations::save_items(&state.app, &actor, id, &body.items, version).await?;
    Ok(Json(Saved { row_version }))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct ActionBody {
    action: RegistrationAction,
    /// Why it is returned (required for a return).
    comment: Option<String>,
    /// The version's `row_version` as read.
    #[schemars(required)]
    version: Option<i64>,
}

async fn act(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(body): JsonBody<ActionBody>,
) -> Result<Json<Saved>, ApiError> {
    let version = body
        .version
        .ok_or_else(|| AppError::invalid("required", "version"))?;
    let row_version = registrations::act(
        &state.app,
        &actor,
        id,
        body.action,
        body.comment.as_deref(),
        version,
    )
    .await?;
    Ok(Json(Saved { row_version }))
}

async fn amend(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
) -> Result<Json<Created>, ApiError> {
    Ok(Json(Created::of(
        registrations::amend(&state.app, &actor, id).await?,
    )))
}

/// The item and the phase (`mid_year`, `year_end`) of the path.
fn item_phase(path: (i64, String)) -> Result<(i64, AssessmentPhase), ApiError> {
    Ok((
        path.0,
        AssessmentPhase::parse(&path.1).map_err(AppError::from)?,
    ))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct AssessmentBody {
    outcome: Outcome,
    /// 100 for done, 0 for not done, 1–99 for partly (required then).
    #[schemars(range(min = 0, max = 100))]
    percent: Option<u8>,
    note: Option<String>,
}

async fn assess(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(path): Path<(i64, String)>,
    JsonBody(body): JsonBody<AssessmentBody>,
) -> Result<Json<Created>, ApiError> {
    let (id, phase) = item_phase(path)?;
    registrations::assess(
        &state.app,
        &actor,
        id,
        phase,
        body.outcome,
        body.percent,
        body.note.as_deref(),
    )
    .await?;
    Ok(Json(Created::of(id)))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct RemarkBody {
    remark: String,
}

async fn remark(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(path): Path<(i64, String)>,
    JsonBody(body): JsonBody<RemarkBody>,
) -> Result<Json<Created>, ApiError> {
    let (id, phase) = item_phase(path)?;
    registrations::remark(&state.app, &actor, id, phase, &body.remark).await?;
    Ok(Json(Created::of(id)))
}
