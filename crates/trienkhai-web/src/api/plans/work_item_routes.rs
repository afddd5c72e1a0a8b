//! API of work items: the plan's list, each item's life (progress, requests and decisions,
//! milestones), sub-items and the cascade.

use super::*;
use crate::AppState;
use crate::api::Shared;
use crate::api::answers::{Created, CreatedMany};
use crate::api::{Id, optional_date, required_date};
use crate::error::ApiError;
use crate::extract::{ApiActor, JsonBody};
use axum::Json;
use axum::extract::{Query, State};
use serde::Deserialize;
use trienkhai_app::AppError;
use trienkhai_app::cascade::{self, Cascade};
use trienkhai_app::work_items::{self, ProgressChange, WorkItemInput, WorkItemView};
use trienkhai_core::ids::{DocumentId, MilestoneId, PersonId, TargetId, UnitId, WorkItemId};
use trienkhai_core::work_item::{Decision, Request};

pub(super) async fn document_items(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    Query(q): Query<OnQuery>,
) -> Result<Shared<Vec<WorkItemView>>, ApiError> {
    let on = optional_date(&q.on, "on")?;
    let items = work_items::items_of_document(&state.app, &actor, DocumentId(id), on).await?;
    Ok(Shared(items))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct ItemBody {
    code: String,
    title: String,
    field_code: Option<String>,
    #[serde(default)]
    themes: Vec<String>,
    lead_unit_id: Option<i64>,
    #[serde(default)]
    coordinating_unit_ids: Vec<i64>,
    responsible_person_id: Option<i64>,
    #[serde(default)]
    target_ids: Vec<i64>,
    #[schemars(with = "Option<chrono::NaiveDate>")]
    starts_on: Option<String>,
    #[schemars(with = "Option<chrono::NaiveDate>")]
    #[schemars(required)]
    deadline: Option<String>,
    expected_product: Option<String>,
    result: Option<String>,
    concretizes: Option<i64>,
    parent_id: Option<i64>,
    sort_order: Option<i64>,
    version: Option<i64>,
}

impl ItemBody {
    fn input(&self) -> Result<WorkItemInput, ApiError> {
        Ok(WorkItemInput {
            code: self.code.clone(),
            title: self.title.clone(),
            field_code: self.field_code.clone(),
            themes: self.themes.clone(),
            lead_unit_id: self.lead_unit_id.map(UnitId),
            coordinating_unit_ids: self
                .coordinating_unit_ids
                .iter()
                .map(|u| UnitId(*u))
                .collect(),
            responsible_person_id: self.responsible_person_id.map(PersonId),
            target_ids: self.target_ids.iter().map(|t| TargetId(*t)).collect(),
            starts_on: optional_date(&self.starts_on, "starts_on")?,
            deadline: Some(required_date(&self.deadline, "deadline")?),
            expected_product: self.expected_product.clone(),
            result: self.result.clone(),
            concretizes: self.concretizes.map(WorkItemId),
            sort_order: self.sort_order.unwrap_or(0),
        })
    }
}

pub(super) async fn create_item(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(body): JsonBody<ItemBody>,
) -> Result<Json<Created>, ApiError> {
    let item = work_items::create_work_item(
        &state.app,
        &actor,
        DocumentId(id),
        body.parent_id.map(WorkItemId),
        &body.input()?,
        "user",
    )
    .await?;
    Ok(Json(Created::of(item)))
}

pub(super) async fn item(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    Query(q): Query<OnQuery>,
) -> Result<Json<WorkItemView>, ApiError> {
    let on = optional_date(&q.on, "on")?;
    Ok(Json(
        work_items::get_work_item(&state.app, &actor, WorkItemId(id), on).await?,
    ))
}

pub(super) async fn update_item(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(body): JsonBody<ItemBody>,
) -> Result<Json<WorkItemView>, ApiError> {
    let version = body
        .version
        .ok_or_else(|| AppError::invalid("required", "version"))?;
    work_items::update_work_item(&state.app, &actor, WorkItemId(id), &body.input()?, version)
        .await?;
    Ok(Json(
        work_items::get_work_item(&state.app, &actor, WorkItemId(id), None).await?,
    ))
}

pub(super) async fn sub_items(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    Query(q): Query<OnQuery>,
) -> Result<Json<Vec<WorkItemView>>, ApiError> {
    let on = optional_date(&q.on, "on")?;
    Ok(Json(
        work_items::sub_items(&state.app, &actor, WorkItemId(id), on).await?,
    ))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct ItemSplitBody {
    unit_ids: Vec<i64>,
}

pub(super) async fn split(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(body): JsonBody<ItemSplitBody>,
) -> Result<Json<CreatedMany>, ApiError> {
    let units: Vec<UnitId> = body.unit_ids.iter().map(|u| UnitId(*u)).collect();
    let ids = work_items::split_to_units(&state.app, &actor, WorkItemId(id), &units).await?;
    Ok(Json(CreatedMany {
        ids: ids.into_iter().map(i64::from).collect(),
    }))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct ProgressBody {
    #[schemars(extend("enum" = ["start", "complete"]))]
    action: String,
    /// Required to complete.
    #[schemars(with = "Option<chrono::NaiveDate>")]
    done_on: Option<String>,
    result: Option<String>,
    version: Option<i64>,
}

pub(super) async fn progress(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(body): JsonBody<ProgressBody>,
) -> Result<Json<WorkItemView>, ApiError> {
    let version = body
        .version
        .ok_or_else(|| AppError::invalid("required", "version"))?;
    let change = match body.action.as_str() {
        "start" => ProgressChange::Start,
        "complete" => ProgressChange::Complete {
            on: required_date(&body.done_on, "done_on")?,
        },
        _ => return Err(AppError::invalid("invalid", "action").into()),
    };
    work_items::report_progress(
        &state.app,
        &actor,
        WorkItemId(id),
        change,
        body.result,
        version,
    )
    .await?;
    Ok(Json(
        work_items::get_work_item(&state.app, &actor, WorkItemId(id), None).await?,
    ))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct RequestBody {
    #[schemars(extend("enum" = ["move_deadline", "pause", "resume"]))]
    kind: String,
    /// The new deadline, to move it.
    #[schemars(with = "Option<chrono::NaiveDate>")]
    deadline: Option<String>,
    reason: String,
}

pub(super) async fn request(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(body): JsonBody<RequestBody>,
) -> Result<Json<WorkItemView>, ApiError> {
    let request = match body.kind.as_str() {
        "move_deadline" => Request::MoveDeadline {
            to: required_date(&body.deadline, "deadline")?,
        },
        "pause" => Request::Pause,
        "resume" => Request::Resume,
        _ => return Err(AppError::invalid("invalid", "kind").into()),
    };
    work_items::make_request(&state.app, &actor, WorkItemId(id), request, &body.reason).await?;
    Ok(Json(
        work_items::get_work_item(&state.app, &actor, WorkItemId(id), None).await?,
    ))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct DecisionBody {
    #[schemars(extend("enum" = ["approved", "refused"]))]
    decision: String,
    note: Option<String>,
}

pub(super) async fn decide(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(body): JsonBody<DecisionBody>,
) -> Result<Json<WorkItemView>, ApiError> {
    let decision = match body.decision.as_str() {
        "approved" => Decision::Approved,
        "refused" => Decision::Refused,
        _ => return Err(AppError::invalid("invalid", "decision").into()),
    };
    work_items::decide_request(
        &state.app,
        &actor,
        WorkItemId(id),
        decision,
        body.note.as_deref(),
    )
    .await?;
    Ok(Json(
        work_items::get_work_item(&state.app, &actor, WorkItemId(id), None).await?,
    ))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct MilestoneBody {
    title: Option<String>,
    #[schemars(with = "Option<chrono::NaiveDate>")]
    #[schemars(required)]
    due_on: Option<String>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct MilestoneDoneBody {
    #[schemars(required)]
    milestone_id: Option<i64>,
    /// Default today.
    #[schemars(with = "Option<chrono::NaiveDate>")]
    done_on: Option<String>,
}

pub(super) async fn add_milestone(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(body): JsonBody<MilestoneBody>,
) -> Result<Json<Created>, ApiError> {
    let due = required_date(&body.due_on, "due_on")?;
    let m = work_items::add_milestone(
        &state.app,
        &actor,
        WorkItemId(id),
        body.title.as_deref().unwrap_or(""),
        due,
    )
    .await?;
    Ok(Json(Created::of(m)))
}

pub(super) async fn milestone_done(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(body): JsonBody<MilestoneDoneBody>,
) -> Result<Json<WorkItemView>, ApiError> {
    let milestone = body
        .milestone_id
        .ok_or_else(|| AppError::invalid("required", "milestone_id"))?;
    let done = optional_date(&body.done_on, "done_on")?;
    work_items::complete_milestone(
        &state.app,
        &actor,
        WorkItemId(id),
        MilestoneId(milestone),
        done,
    )
    .await?;
    Ok(Json(
        work_items::get_work_item(&state.app, &actor, WorkItemId(id), None).await?,
    ))
}

pub(super) async fn cascade_of(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
) -> Result<Json<Cascade>, ApiError> {
    Ok(Json(
        cascade::cascade(&state.app, &actor, WorkItemId(id)).await?,
    ))
}
