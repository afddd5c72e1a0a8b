//! API of personal registrations (C9): open a person's registration for a year, read it, save
//! its items, submit / approve / return it, amend it as a new version, and assess its items
//! with the superior's remark. Who may do what is `trienkhai_app::registrations`'.

use axum::Json;
use axum::extract::{Path, Query, State};
use serde::Deserialize;
use trienkhai_app::AppError;
use trienkhai_app::registration_evidence;
use trienkhai_app::registration_lists::{self, RuleView, UnitRegistrations};
use trienkhai_app::registrations::{self, ItemInput, RegistrationInput, RegistrationView};
use trienkhai_app::work_item_takers::{self, Taker};
use trienkhai_core::ids::{DocumentId, UnitId, WorkItemId};
use trienkhai_core::post_category::PostCategory;
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
            "post",
            "/registration-items/{id}/evidence",
            "registrations",
            "Attach an evidence file to an item's self-assessment for a phase (raw body, up to 20 MB; approved registrations)",
        )
        .body_limit(trienkhai_app::documents::MAX_FILE_BYTES + 1024),
        attach_evidence,
    )
    .route(
        RouteDoc::new(
            "get",
            "/registration-evidence/{id}",
            "registrations",
            "An evidence file of a registration, for whoever reads the registration",
        ),
        evidence_file,
    )
    .route(
        RouteDoc::new(
            "get",
            "/work-items/{id}/registrations",
            "registrations",
            "Who took a work item on: the persons whose registration has an item concretizing it (those the reader may read)",
        ),
        takers,
    )
    .route(
        RouteDoc::new(
            "get",
            "/documents/{id}/registration-rule",
            "registrations",
            "Who must register work items under a plan: the categories of posts it names (none: every member)",
        ),
        get_rule,
    )
    .route(
        RouteDoc::new(
            "put",
            "/documents/{id}/registration-rule",
            "registrations",
            "Set who must register under a plan (its issuer's editors; version 0 before the first rule)",
        ),
        put_rule,
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
    /// The plan whose rule of who must register is counted against (default: everyone posted).
    #[schemars(range(min = 1))]
    plan: Option<i64>,
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
        registration_lists::unit_registrations(
            &state.app,
            &actor,
            UnitId(id),
            year,
            q.plan.map(DocumentId),
        )
        .await?,
    ))
}

async fn takers(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
) -> Result<Json<Vec<Taker>>, ApiError> {
    Ok(Json(
        work_item_takers::takers(&state.app, &actor, WorkItemId(id)).await?,
    ))
}

#[derive(Deserialize, schemars::JsonSchema)]
struct EvidenceQuery {
    /// The file's name (required).
    #[schemars(required, length(max = 255))]
    name: Option<String>,
    /// The assessment's phase (required).
    #[schemars(required)]
    phase: Option<AssessmentPhase>,
}

async fn attach_evidence(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    Query(q): Query<EvidenceQuery>,
    body: axum::body::Bytes,
) -> Result<Json<Created>, ApiError> {
    let name = q
        .name
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| AppError::invalid("required", "name"))?;
    let phase = q
        .phase
        .ok_or_else(|| AppError::invalid("required", "phase"))?;
    Ok(Json(Created::of(
        registration_evidence::attach(&state.app, &actor, id, phase, &name, &body).await?,
    )))
}

async fn evidence_file(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
) -> Result<super::FileAnswer, ApiError> {
    let (record, bytes) = registration_evidence::file(&state.app, &actor, id).await?;
    Ok(super::FileAnswer(super::attachment(
        &record.file_name,
        &record.content_type,
        bytes,
    )))
}

async fn get_rule(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
) -> Result<Json<RuleView>, ApiError> {
    Ok(Json(
        registration_lists::rule(&state.app, &actor, DocumentId(id)).await?,
    ))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct RuleBody {
    /// The categories of posts that must register; empty: every member.
    #[schemars(length(max = 5))]
    categories: Vec<PostCategory>,
    /// The rule's `row_version` as read (0 while the plan has none).
    #[schemars(required, range(min = 0))]
    version: Option<i64>,
}

async fn put_rule(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(body): JsonBody<RuleBody>,
) -> Result<Json<Saved>, ApiError> {
    let version = body
        .version
        .ok_or_else(|| AppError::invalid("required", "version"))?;
    let row_version = registration_lists::set_rule(
        &state.app,
        &actor,
        DocumentId(id),
        &body.categories,
        version,
    )
    .await?;
    Ok(Json(Saved { row_version }))
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
