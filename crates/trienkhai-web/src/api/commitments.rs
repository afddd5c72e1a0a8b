//! API of commitments (C9): open a member's commitment of a year, write its sections, send /
//! approve / return it, assess its sections at year end, the cell's remark, and who in a unit
//! has signed. Who may do what is `trienkhai_app::commitments`'.

use axum::Json;
use axum::extract::{Query, State};
use serde::Deserialize;
use trienkhai_app::AppError;
use trienkhai_app::commitments::{self, CommitmentView, SectionInput, UnitCommitments};
use trienkhai_core::commitment::Section;
use trienkhai_core::ids::{PersonId, UnitId};
use trienkhai_core::registration::{Outcome, RegistrationAction};

use super::{Api, Id, RouteDoc};
use crate::AppState;
use crate::api::answers::{Created, Saved};
use crate::error::ApiError;
use crate::extract::{ApiActor, JsonBody};

pub(super) fn routes(api: Api) -> Api {
    api.route(
        RouteDoc::new(
            "post",
            "/commitments",
            "commitments",
            "Open a member's commitment of a year in their cell (a draft)",
        ),
        open,
    )
    .route(
        RouteDoc::new(
            "get",
            "/units/{id}/commitments",
            "commitments",
            "Who in a unit and below has signed their commitment of a year, with the rate per unit below",
        ),
        unit_list,
    )
    .route(
        RouteDoc::new(
            "get",
            "/commitments/{id}",
            "commitments",
            "A commitment with its sections and their year-end assessment",
        ),
        get,
    )
    .route(
        RouteDoc::new(
            "put",
            "/commitments/{id}/sections",
            "commitments",
            "Write every section of a draft or returned commitment (version read)",
        ),
        save_sections,
    )
    .route(
        RouteDoc::new(
            "post",
            "/commitments/{id}/actions",
            "commitments",
            "Send, approve or return a commitment (a return says why)",
        ),
        act,
    )
    .route(
        RouteDoc::new(
            "put",
            "/commitments/{id}/assessments",
            "commitments",
            "The member's year-end assessment of one section",
        ),
        assess,
    )
    .route(
        RouteDoc::new(
            "put",
            "/commitments/{id}/remark",
            "commitments",
            "The cell's remark at year end",
        ),
        remark,
    )
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct OpenBody {
    person_id: PersonId,
    #[schemars(range(min = 1900, max = 2200))]
    year: i32,
    unit_id: UnitId,
}

async fn open(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    JsonBody(body): JsonBody<OpenBody>,
) -> Result<Json<Created>, ApiError> {
    Ok(Json(Created::of(
        commitments::open(&state.app, &actor, body.person_id, body.year, body.unit_id).await?,
    )))
}

#[derive(Deserialize, schemars::JsonSchema)]
struct YearQuery {
    /// The year of the commitments (required).
    #[schemars(required, range(min = 1900, max = 2200))]
    year: Option<i32>,
}

async fn unit_list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    Query(q): Query<YearQuery>,
) -> Result<Json<UnitCommitments>, ApiError> {
    let year = q
        .year
        .ok_or_else(|| AppError::invalid("required", "year"))?;
    Ok(Json(
        commitments::unit_commitments(&state.app, &actor, UnitId(id), year).await?,
    ))
}

async fn get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
) -> Result<Json<CommitmentView>, ApiError> {
    Ok(Json(commitments::get(&state.app, &actor, id).await?))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct SectionsBody {
    /// The commitment's `row_version` as read.
    #[schemars(required)]
    version: Option<i64>,
    /// Every section, each once.
    #[schemars(length(max = 5))]
    sections: Vec<SectionInput>,
}

async fn save_sections(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(body): JsonBody<SectionsBody>,
) -> Result<Json<Saved>, ApiError> {
    let version = body
        .version
        .ok_or_else(|| AppError::invalid("required", "version"))?;
    let sections: Vec<(Section, String)> = body
        .sections
        .into_iter()
        .map(|s| (s.section, s.content))
        .collect();
    let row_version =
        commitments::save_sections(&state.app, &actor, id, &sections, version).await?;
    Ok(Json(Saved { row_version }))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct ActionBody {
    action: RegistrationAction,
    /// Why it is returned (required for a return).
    comment: Option<String>,
    /// The commitment's `row_version` as read.
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
    let row_version = commitments::act(
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

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct AssessmentBody {
    section: Section,
    outcome: Outcome,
    #[schemars(length(max = 4000))]
    text: String,
}

async fn assess(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(body): JsonBody<AssessmentBody>,
) -> Result<Json<Created>, ApiError> {
    commitments::assess(
        &state.app,
        &actor,
        id,
        body.section,
        body.outcome,
        &body.text,
    )
    .await?;
    Ok(Json(Created::of(id)))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct RemarkBody {
    #[schemars(length(min = 1, max = 4000))]
    remark: String,
}

async fn remark(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(body): JsonBody<RemarkBody>,
) -> Result<Json<Created>, ApiError> {
    commitments::remark(&state.app, &actor, id, &body.remark).await?;
    Ok(Json(Created::of(id)))
}
