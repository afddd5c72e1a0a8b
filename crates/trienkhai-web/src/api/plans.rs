//! API of plans: documents and their files, targets with values, quotas, actuals and roll-ups,
//! work items with their life, the cascade, the coverage report and a unit's plan.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::Value;
use trienkhai_app::cascade::{self, Cascade, Coverage, PlanOverview, UnitPlan};
use trienkhai_app::documents::{self, DocumentInput, DocumentView};
use trienkhai_app::targets::{
    self, ActualInput, Inputs, RollupView, TargetInput, TargetView, Trend,
};
use trienkhai_app::targets::{Actual, Target};
use trienkhai_app::work_items::{self, ProgressChange, WorkItemInput, WorkItemView};
use trienkhai_app::{AppError, Result as AppResult};
use trienkhai_core::ids::{
    DocumentFileId, DocumentId, MilestoneId, PersonId, TargetId, UnitId, WorkItemId,
};
use trienkhai_core::period::Period;
use trienkhai_core::work_item::{Decision, Request};

use super::{Api, Id, RouteDoc, optional_date, required_date};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ApiActor, JsonBody};

pub(super) fn routes(api: Api) -> Api {
    api.route(
        RouteDoc::new(
            "get",
            "/documents",
            "plans",
            "Documents the caller may read, newest first",
        )
        .query(&[
            (
                "number",
                "Exact number, in any spelling (02-nq/hu finds 02-NQ/HU)",
            ),
            ("q", "Words of the summary, diacritics optional"),
            ("issuer_unit_id", "Issued by this unit"),
        ])
        .returns("[Document]"),
        get(list_documents),
    )
    .route(
        RouteDoc::new("post", "/documents", "plans", "Register a document").body("DocumentInput"),
        post(create_document),
    )
    .route(
        RouteDoc::new(
            "get",
            "/documents/{id}",
            "plans",
            "A document with its files",
        )
        .returns("Document"),
        get(document),
    )
    .route(
        RouteDoc::new(
            "put",
            "/documents/{id}",
            "plans",
            "Update a document (needs the version read)",
        )
        .body("DocumentInput"),
        put(update_document),
    )
    .route(
        RouteDoc::new(
            "get",
            "/documents/{id}/targets",
            "plans",
            "The targets of a plan, in order",
        )
        .returns("[Target]"),
        get(document_targets),
    )
    .route(
        RouteDoc::new(
            "post",
            "/documents/{id}/targets",
            "plans",
            "Define a target of the plan",
        )
        .body("TargetInput"),
        post(create_target),
    )
    .route(
        RouteDoc::new(
            "get",
            "/documents/{id}/work-items",
            "plans",
            "The top-level work items of a plan",
        )
        .query(&[("on", "Judge states on this date; default today")])
        .returns("[WorkItem]"),
        get(document_items),
    )
    .route(
        RouteDoc::new(
            "post",
            "/documents/{id}/work-items",
            "plans",
            "Create a work item (or, with parent_id, a sub-item)",
        )
        .body("WorkItemInput"),
        post(create_item),
    )
    .route(
        RouteDoc::new(
            "get",
            "/documents/{id}/overview",
            "plans",
            "A plan for a period: headline x/y, targets with figures, items with states",
        )
        .query(&[
            (
                "period",
                "2021, 2021-Q3, 2021-H1, 2021-9M, 2021-07 or 2020..2025",
            ),
            ("unit_id", "Seen from this unit; default the issuer"),
        ])
        .required(&["period"])
        .returns("PlanOverview"),
        get(overview),
    )
    .route(
        RouteDoc::new(
            "get",
            "/documents/{id}/coverage",
            "plans",
            "What lower plans leave out and what hangs from nothing",
        )
        .returns("Coverage"),
        get(coverage),
    )
    .route(
        RouteDoc::new(
            "get",
            "/documents/{id}/chain",
            "plans",
            "The document and those it concretizes, up to the highest",
        )
        .returns("[Document]"),
        get(chain),
    )
    .route(
        RouteDoc::new(
            "post",
            "/documents/{id}/files",
            "plans",
            "Attach the document's file (the body is the file)",
        )
        .query(&[("name", "The file name, e.g. 02-NQ-HU.pdf")])
        .required(&["name"])
        .file_body(),
        post(attach).layer(DefaultBodyLimit::max(documents::MAX_FILE_BYTES + 1024)),
    )
    .route(
        RouteDoc::new("get", "/files/{id}", "plans", "A document's file")
            .returns(super::openapi::FILE),
        get(download),
    )
    .route(
        RouteDoc::new(
            "get",
            "/units/{id}/next-number",
            "plans",
            "The next free Party number of an issuer, per type and committee term",
        )
        .query(&[
            ("type", "NQ, CT, KH …"),
            ("on", "Issue date; default today"),
        ])
        .required(&["type"]),
        get(next_number),
    )
    .route(
        RouteDoc::new(
            "get",
            "/units/{id}/plan",
            "plans",
            "Everything the unit leads or coordinates: late, due soon, under way, done",
        )
        .returns("UnitPlan"),
        get(unit_plan),
    )
    .route(
        RouteDoc::new(
            "get",
            "/plan-frame",
            "plans",
            "Themes and fields of the plan frame",
        )
        .returns("Object"),
        get(frame),
    )
    .route(
        RouteDoc::new(
            "get",
            "/targets/{id}",
            "plans",
            "A target with its planned values and quotas",
        )
        .returns("Target"),
        get(target),
    )
    .route(
        RouteDoc::new(
            "put",
            "/targets/{id}",
            "plans",
            "Update a target (needs the version read)",
        )
        .body("TargetInput"),
        put(update_target),
    )
    .route(
        RouteDoc::new(
            "put",
            "/targets/{id}/values",
            "plans",
            "Set the plan's value for a period (null removes it)",
        )
        .body("PlannedValue"),
        put(set_value),
    )
    .route(
        RouteDoc::new(
            "put",
            "/targets/{id}/quotas",
            "plans",
            "Hand a share to a lower unit for a period",
        )
        .body("Quota"),
        put(set_quota),
    )
    .route(
        RouteDoc::new(
            "get",
            "/targets/{id}/actuals",
            "plans",
            "What a unit reported, oldest first",
        )
        .query(&[("unit_id", "The unit")])
        .required(&["unit_id"])
        .returns("[Actual]"),
        get(actuals),
    )
    .route(
        RouteDoc::new(
            "put",
            "/targets/{id}/actuals",
            "plans",
            "Record what a unit reports for a period (row_version of the value read, if any)",
        )
        .body("ActualInput")
        .returns("Actual"),
        put(record_actual),
    )
    .route(
        RouteDoc::new(
            "get",
            "/targets/{id}/rollup",
            "plans",
            "A unit's figure for a period with its status and formula; how many inputs it is \
             made of is `explanation.inputs_total`, the inputs themselves at `rollup/inputs`",
        )
        .query(&[
            ("unit_id", "The unit"),
            (
                "period",
                "2021, 2021-Q3, 2021-H1, 2021-9M, 2021-07 or 2020..2025",
            ),
        ])
        .required(&["unit_id", "period"])
        .returns("Rollup"),
        get(rollup),
    )
    .route(
        RouteDoc::new(
            "get",
            "/targets/{id}/rollup/inputs",
            "plans",
            "The inputs a unit's figure is made of, a page at a time, in the roll-up's order",
        )
        .query(&[
            ("unit_id", "The unit"),
            (
                "period",
                "2021, 2021-Q3, 2021-H1, 2021-9M, 2021-07 or 2020..2025",
            ),
            ("limit", "At most this many (1–500, default 100)"),
            ("offset", "Skip this many"),
        ])
        .required(&["unit_id", "period"])
        .returns("RollupInputs"),
        get(rollup_inputs),
    )
    .route(
        RouteDoc::new(
            "get",
            "/targets/{id}/trend",
            "plans",
            "A unit's figure month by month over a year",
        )
        .query(&[("unit_id", "The unit"), ("year", "The year")])
        .required(&["unit_id", "year"])
        .returns("Object"),
        get(trend),
    )
    .route(
        RouteDoc::new(
            "get",
            "/work-items/{id}",
            "plans",
            "A work item with its state, roadmap and requests",
        )
        .query(&[("on", "Judge the state on this date; default today")])
        .returns("WorkItem"),
        get(item),
    )
    .route(
        RouteDoc::new(
            "put",
            "/work-items/{id}",
            "plans",
            "Update a work item (needs the version read)",
        )
        .body("WorkItemInput"),
        put(update_item),
    )
    .route(
        RouteDoc::new(
            "get",
            "/work-items/{id}/sub-items",
            "plans",
            "The sub-items of an item",
        )
        .returns("[WorkItem]"),
        get(sub_items),
    )
    .route(
        RouteDoc::new(
            "post",
            "/work-items/{id}/split",
            "plans",
            "One sub-item per unit",
        )
        .body("ItemSplit"),
        post(split),
    )
    .route(
        RouteDoc::new(
            "post",
            "/work-items/{id}/progress",
            "plans",
            "Report start or completion",
        )
        .body("Progress"),
        post(progress),
    )
    .route(
        RouteDoc::new(
            "post",
            "/work-items/{id}/requests",
            "plans",
            "Ask to move the deadline, pause or resume",
        )
        .body("WorkItemRequest"),
        post(request),
    )
    .route(
        RouteDoc::new(
            "post",
            "/work-items/{id}/decision",
            "plans",
            "Approve or refuse the pending request",
        )
        .body("Decision"),
        post(decide),
    )
    .route(
        RouteDoc::new(
            "post",
            "/work-items/{id}/milestones",
            "plans",
            "Add a milestone to the roadmap",
        )
        .body("Milestone"),
        post(add_milestone),
    )
    .route(
        RouteDoc::new(
            "post",
            "/work-items/{id}/milestones/done",
            "plans",
            "Mark a milestone done (or not)",
        )
        .body("MilestoneDone"),
        post(milestone_done),
    )
    .route(
        RouteDoc::new(
            "get",
            "/work-items/{id}/cascade",
            "plans",
            "Up to the highest document, down to the lowest sub-item",
        )
        .returns("Cascade"),
        get(cascade_of),
    )
}

fn period(input: Option<&str>) -> AppResult<Period> {
    Ok(Period::parse(input.unwrap_or(""))?)
}

/// A decimal given as a JSON number or a string with a dot (`"4.94"`).
pub(super) fn decimal(v: &Option<Value>, field: &str) -> AppResult<Option<Decimal>> {
    let bad = || AppError::invalid("number_invalid", field);
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n.to_string().parse().map(Some).map_err(|_| bad()),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => s.trim().parse().map(Some).map_err(|_| bad()),
        Some(_) => Err(bad()),
    }
}

fn required_unit(unit: Option<i64>) -> AppResult<UnitId> {
    unit.map(UnitId)
        .ok_or_else(|| AppError::invalid("required", "unit_id"))
}

#[derive(Deserialize)]
struct DocumentQuery {
    number: Option<String>,
    q: Option<String>,
    issuer_unit_id: Option<i64>,
}

async fn list_documents(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(q): Query<DocumentQuery>,
) -> Result<Json<Vec<DocumentView>>, ApiError> {
    Ok(Json(
        documents::list_documents(
            &state.app,
            &actor,
            q.number.as_deref(),
            q.q.as_deref(),
            q.issuer_unit_id.map(UnitId),
        )
        .await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DocumentBody {
    number: String,
    kind: String,
    issuer_unit_id: Option<i64>,
    issued_on: Option<String>,
    summary: String,
    theme_of_year: Option<String>,
    phase: Option<String>,
    vision_year: Option<i64>,
    concretizes: Option<i64>,
    version: Option<i64>,
}

impl DocumentBody {
    fn input(&self) -> Result<DocumentInput, ApiError> {
        Ok(DocumentInput {
            number: self.number.clone(),
            kind: self.kind.clone(),
            issuer_unit_id: self.issuer_unit_id.map(UnitId),
            issued_on: Some(required_date(&self.issued_on, "issued_on")?),
            summary: self.summary.clone(),
            theme_of_year: self.theme_of_year.clone(),
            phase: self.phase.clone(),
            vision_year: self.vision_year,
            concretizes: self.concretizes.map(DocumentId),
        })
    }
}

async fn create_document(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    JsonBody(body): JsonBody<DocumentBody>,
) -> Result<Json<Value>, ApiError> {
    let id = documents::register_document(&state.app, &actor, &body.input()?, "user").await?;
    Ok(Json(serde_json::json!({ "id": id })))
}

async fn document(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
) -> Result<Json<DocumentView>, ApiError> {
    Ok(Json(
        documents::get_document(&state.app, &actor, DocumentId(id)).await?,
    ))
}

async fn update_document(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(body): JsonBody<DocumentBody>,
) -> Result<Json<DocumentView>, ApiError> {
    let version = body
        .version
        .ok_or_else(|| AppError::invalid("required", "version"))?;
    documents::update_document(&state.app, &actor, DocumentId(id), &body.input()?, version).await?;
    Ok(Json(
        documents::get_document(&state.app, &actor, DocumentId(id)).await?,
    ))
}

async fn document_targets(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
) -> Result<Json<Vec<Target>>, ApiError> {
    Ok(Json(
        targets::targets_of_document(&state.app, &actor, DocumentId(id)).await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetBody {
    code: String,
    name: String,
    field_code: Option<String>,
    #[serde(default)]
    themes: Vec<String>,
    unit_of_measure: String,
    value_type: String,
    direction: String,
    aggregation: String,
    over_time: Option<String>,
    #[serde(default)]
    reporting_kinds: Vec<String>,
    baseline: Option<Value>,
    baseline_on: Option<String>,
    responsible_unit_id: Option<i64>,
    concretizes: Option<i64>,
    sort_order: Option<i64>,
    version: Option<i64>,
}

impl TargetBody {
    fn input(&self) -> Result<TargetInput, ApiError> {
        Ok(TargetInput {
            code: self.code.clone(),
            name: self.name.clone(),
            field_code: self.field_code.clone(),
            themes: self.themes.clone(),
            unit_of_measure: self.unit_of_measure.clone(),
            value_type: self.value_type.clone(),
            direction: self.direction.clone(),
            aggregation: self.aggregation.clone(),
            over_time: self.over_time.clone(),
            reporting_kinds: self.reporting_kinds.clone(),
            baseline: decimal(&self.baseline, "baseline")?,
            baseline_on: optional_date(&self.baseline_on, "baseline_on")?,
            responsible_unit_id: self.responsible_unit_id.map(UnitId),
            concretizes: self.concretizes.map(TargetId),
            sort_order: self.sort_order.unwrap_or(0),
            goals: Vec::new(),
        })
    }
}

async fn create_target(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(body): JsonBody<TargetBody>,
) -> Result<Json<Value>, ApiError> {
    let id =
        targets::define_target(&state.app, &actor, DocumentId(id), &body.input()?, "user").await?;
    Ok(Json(serde_json::json!({ "id": id })))
}

async fn target(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
) -> Result<Json<TargetView>, ApiError> {
    Ok(Json(
        targets::get_target(&state.app, &actor, TargetId(id)).await?,
    ))
}

async fn update_target(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(body): JsonBody<TargetBody>,
) -> Result<Json<TargetView>, ApiError> {
    let version = body
        .version
        .ok_or_else(|| AppError::invalid("required", "version"))?;
    targets::update_target(&state.app, &actor, TargetId(id), &body.input()?, version).await?;
    Ok(Json(
        targets::get_target(&state.app, &actor, TargetId(id)).await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlannedBody {
    period: Option<String>,
    unit_id: Option<i64>,
    value: Option<Value>,
    /// The version of the value read; absent when there was none.
    row_version: Option<i64>,
}

async fn set_value(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(body): JsonBody<PlannedBody>,
) -> Result<Json<TargetView>, ApiError> {
    let p = period(body.period.as_deref())?;
    let value = decimal(&body.value, "value")?;
    targets::set_target_value(&state.app, &actor, TargetId(id), p, value, body.row_version).await?;
    Ok(Json(
        targets::get_target(&state.app, &actor, TargetId(id)).await?,
    ))
}

async fn set_quota(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(body): JsonBody<PlannedBody>,
) -> Result<Json<TargetView>, ApiError> {
    let p = period(body.period.as_deref())?;
    let unit = required_unit(body.unit_id)?;
    let value = decimal(&body.value, "value")?;
    targets::set_quota(
        &state.app,
        &actor,
        TargetId(id),
        unit,
        p,
        value,
        body.row_version,
    )
    .await?;
    Ok(Json(
        targets::get_target(&state.app, &actor, TargetId(id)).await?,
    ))
}

#[derive(Deserialize)]
struct UnitQuery {
    unit_id: Option<i64>,
    period: Option<String>,
    year: Option<i32>,
    limit: Option<i64>,
    offset: Option<i64>,
}

async fn actuals(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    Query(q): Query<UnitQuery>,
) -> Result<Json<Vec<Actual>>, ApiError> {
    let unit = required_unit(q.unit_id)?;
    Ok(Json(
        targets::actuals_of_unit(&state.app, &actor, TargetId(id), unit).await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActualBody {
    unit_id: Option<i64>,
    period: Option<String>,
    value: Option<Value>,
    numerator: Option<Value>,
    denominator: Option<Value>,
    flag: Option<bool>,
    #[serde(default)]
    not_applicable: bool,
    note: Option<String>,
    row_version: Option<i64>,
}

async fn record_actual(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(body): JsonBody<ActualBody>,
) -> Result<Json<Actual>, ApiError> {
    let unit = required_unit(body.unit_id)?;
    let p = period(body.period.as_deref())?;
    let input = ActualInput {
        value: decimal(&body.value, "value")?,
        numerator: decimal(&body.numerator, "numerator")?,
        denominator: decimal(&body.denominator, "denominator")?,
        flag: body.flag,
        not_applicable: body.not_applicable,
        note: body.note,
        row_version: body.row_version,
    };
    Ok(Json(
        targets::record_actual(&state.app, &actor, TargetId(id), unit, p, &input, "user").await?,
    ))
}

async fn rollup(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    Query(q): Query<UnitQuery>,
) -> Result<Json<RollupView>, ApiError> {
    let unit = required_unit(q.unit_id)?;
    let p = period(q.period.as_deref())?;
    Ok(Json(
        targets::rollup(&state.app, &actor, TargetId(id), unit, p, Inputs::None).await?,
    ))
}

/// A page of a figure's inputs.
#[derive(serde::Serialize)]
struct InputsPage {
    total: usize,
    offset: usize,
    items: Vec<targets::ExplainedInput>,
}

async fn rollup_inputs(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    Query(q): Query<UnitQuery>,
) -> Result<Json<InputsPage>, ApiError> {
    let unit = required_unit(q.unit_id)?;
    let p = period(q.period.as_deref())?;
    let limit = usize::try_from(q.limit.unwrap_or(100).clamp(1, 500)).unwrap_or(100);
    let offset = usize::try_from(q.offset.unwrap_or(0).max(0)).unwrap_or(0);
    let view = targets::rollup(
        &state.app,
        &actor,
        TargetId(id),
        unit,
        p,
        Inputs::Page { offset, limit },
    )
    .await?;
    Ok(Json(InputsPage {
        total: view.explanation.inputs_total,
        offset,
        items: view.explanation.inputs,
    }))
}

async fn trend(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    Query(q): Query<UnitQuery>,
) -> Result<Json<Trend>, ApiError> {
    let unit = required_unit(q.unit_id)?;
    let year = q
        .year
        .filter(|y| (1900..=2200).contains(y))
        .ok_or_else(|| AppError::invalid("required", "year"))?;
    Ok(Json(
        targets::trend(&state.app, &actor, TargetId(id), unit, year).await?,
    ))
}

#[derive(Deserialize)]
struct OnQuery {
    on: Option<String>,
    period: Option<String>,
    unit_id: Option<i64>,
    #[serde(rename = "type")]
    type_code: Option<String>,
    name: Option<String>,
}

async fn document_items(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    Query(q): Query<OnQuery>,
) -> Result<Response, ApiError> {
    let on = optional_date(&q.on, "on")?;
    let items = work_items::items_of_document(&state.app, &actor, DocumentId(id), on).await?;
    Ok(Json(&*items).into_response())
}

async fn overview(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    Query(q): Query<OnQuery>,
) -> Result<Json<PlanOverview>, ApiError> {
    let p = period(q.period.as_deref())?;
    Ok(Json(
        cascade::plan_overview(&state.app, &actor, DocumentId(id), p, q.unit_id.map(UnitId))
            .await?,
    ))
}

async fn coverage(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
) -> Result<Json<Coverage>, ApiError> {
    Ok(Json(
        cascade::coverage(&state.app, &actor, DocumentId(id)).await?,
    ))
}

async fn chain(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
) -> Result<Json<Vec<DocumentView>>, ApiError> {
    Ok(Json(
        documents::chain_up(&state.app, &actor, DocumentId(id)).await?,
    ))
}

async fn attach(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    Query(q): Query<OnQuery>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let name = q
        .name
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| AppError::invalid("required", "name"))?;
    let file = documents::attach_file(&state.app, &actor, DocumentId(id), &name, &body).await?;
    Ok(Json(serde_json::json!({ "id": file })))
}

/// A stored file, sent as an attachment under its cleaned name.
pub(crate) fn file_response(record: &documents::DocumentFile, bytes: Vec<u8>) -> Response {
    attachment(&record.file_name, &record.content_type, bytes)
}

/// Bytes sent as a download under `name` (encoded, never trusted as a header as such).
pub(crate) fn attachment(name: &str, content_type: &str, bytes: Vec<u8>) -> Response {
    let disposition = format!(
        "attachment; filename=\"download\"; filename*=UTF-8''{}",
        crate::fmt::url_encode(name)
    );
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

async fn download(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
) -> Result<Response, ApiError> {
    let (record, bytes) = documents::file(&state.app, &actor, DocumentFileId(id)).await?;
    Ok(file_response(&record, bytes))
}

async fn next_number(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    Query(q): Query<OnQuery>,
) -> Result<Json<Value>, ApiError> {
    let on = optional_date(&q.on, "on")?.unwrap_or_else(|| state.app.today());
    let type_code = q
        .type_code
        .ok_or_else(|| AppError::invalid("required", "type"))?;
    let number = documents::next_number(&state.app, &actor, UnitId(id), &type_code, on)
        .await
        .map_err(|e| super::with_api_names(e, &[("type_code", "type"), ("issued_on", "on")]))?;
    Ok(Json(serde_json::json!({ "number": number })))
}

async fn unit_plan(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
) -> Result<Json<UnitPlan>, ApiError> {
    Ok(Json(
        cascade::unit_plan(&state.app, &actor, UnitId(id)).await?,
    ))
}

async fn frame(
    State(state): State<AppState>,
    ApiActor(_actor): ApiActor,
) -> Result<Json<targets::PlanFrame>, ApiError> {
    Ok(Json(targets::plan_frame(&state.app).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ItemBody {
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
    starts_on: Option<String>,
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

async fn create_item(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(body): JsonBody<ItemBody>,
) -> Result<Json<Value>, ApiError> {
    let item = work_items::create_work_item(
        &state.app,
        &actor,
        DocumentId(id),
        body.parent_id.map(WorkItemId),
        &body.input()?,
        "user",
    )
    .await?;
    Ok(Json(serde_json::json!({ "id": item })))
}

async fn item(
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

async fn update_item(
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

async fn sub_items(
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SplitBody {
    unit_ids: Vec<i64>,
}

async fn split(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(body): JsonBody<SplitBody>,
) -> Result<Json<Value>, ApiError> {
    let units: Vec<UnitId> = body.unit_ids.iter().map(|u| UnitId(*u)).collect();
    let ids = work_items::split_to_units(&state.app, &actor, WorkItemId(id), &units).await?;
    Ok(Json(serde_json::json!({ "ids": ids })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProgressBody {
    action: String,
    done_on: Option<String>,
    result: Option<String>,
    version: Option<i64>,
}

async fn progress(
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RequestBody {
    kind: String,
    deadline: Option<String>,
    reason: String,
}

async fn request(
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DecisionBody {
    decision: String,
    note: Option<String>,
}

async fn decide(
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MilestoneBody {
    title: Option<String>,
    due_on: Option<String>,
    milestone_id: Option<i64>,
    done_on: Option<String>,
}

async fn add_milestone(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(body): JsonBody<MilestoneBody>,
) -> Result<Json<Value>, ApiError> {
    let due = required_date(&body.due_on, "due_on")?;
    let m = work_items::add_milestone(
        &state.app,
        &actor,
        WorkItemId(id),
        body.title.as_deref().unwrap_or(""),
        due,
    )
    .await?;
    Ok(Json(serde_json::json!({ "id": m })))
}

async fn milestone_done(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(body): JsonBody<MilestoneBody>,
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

async fn cascade_of(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
) -> Result<Json<Cascade>, ApiError> {
    Ok(Json(
        cascade::cascade(&state.app, &actor, WorkItemId(id)).await?,
    ))
}
