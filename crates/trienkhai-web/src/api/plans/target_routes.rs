//! API of targets: definitions, the plan's values and quotas, what units report, figures with
//! their formula and inputs, the monthly trend, and the plan frame.

use super::*;
use crate::AppState;
use crate::api::answers::Created;
use crate::api::{Id, optional_date};
use crate::error::ApiError;
use crate::extract::{ApiActor, JsonBody};
use axum::Json;
use axum::extract::{Query, State};
use serde::Deserialize;
use serde_json::Value;
use trienkhai_app::AppError;
use trienkhai_app::targets::{
    self, ActualInput, Inputs, RollupView, TargetInput, TargetView, Trend,
};
use trienkhai_app::targets::{Actual, Target};
use trienkhai_core::ids::{DocumentId, TargetId, UnitId};

pub(super) async fn document_targets(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
) -> Result<Json<Vec<Target>>, ApiError> {
    Ok(Json(
        targets::targets_of_document(&state.app, &actor, DocumentId(id)).await?,
    ))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct TargetBody {
    code: String,
    name: String,
    field_code: Option<String>,
    #[serde(default)]
    themes: Vec<String>,
    unit_of_measure: String,
    #[schemars(with = "trienkhai_core::target::ValueType")]
    value_type: String,
    direction: String,
    aggregation: String,
    #[schemars(with = "Option<trienkhai_core::over_time::OverTime>")]
    over_time: Option<String>,
    #[serde(default)]
    reporting_kinds: Vec<String>,
    #[schemars(schema_with = "crate::api::number_input")]
    baseline: Option<Value>,
    #[schemars(with = "Option<chrono::NaiveDate>")]
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

pub(super) async fn create_target(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(body): JsonBody<TargetBody>,
) -> Result<Json<Created>, ApiError> {
    let id =
        targets::define_target(&state.app, &actor, DocumentId(id), &body.input()?, "user").await?;
    Ok(Json(Created::of(id)))
}

pub(super) async fn target(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
) -> Result<Json<TargetView>, ApiError> {
    Ok(Json(
        targets::get_target(&state.app, &actor, TargetId(id)).await?,
    ))
}

pub(super) async fn update_target(
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

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct PlannedBody {
    #[schemars(with = "Option<trienkhai_core::period::Period>")]
    period: Option<String>,
    unit_id: Option<i64>,
    #[schemars(schema_with = "crate::api::number_input")]
    value: Option<Value>,
    /// The version of the value read; absent when there was none.
    row_version: Option<i64>,
}

pub(super) async fn set_value(
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

pub(super) async fn set_quota(
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

/// The unit whose values are asked for.
#[derive(Deserialize, schemars::JsonSchema)]
pub(super) struct UnitQuery {
    /// The unit.
    #[schemars(required)]
    unit_id: Option<i64>,
}

/// A figure: a unit and a period.
#[derive(Deserialize, schemars::JsonSchema)]
pub(super) struct FigureQuery {
    /// The unit.
    #[schemars(required)]
    unit_id: Option<i64>,
    /// The period: 2021, 2021-Q3, 2021-H1, 2021-9M, 2021-07 or 2020..2025.
    #[schemars(with = "Option<trienkhai_core::period::Period>")]
    #[schemars(required)]
    period: Option<String>,
}

/// A page of a figure's inputs.
#[derive(Deserialize, schemars::JsonSchema)]
pub(super) struct InputsQuery {
    /// The unit.
    #[schemars(required)]
    unit_id: Option<i64>,
    /// The period: 2021, 2021-Q3, 2021-H1, 2021-9M, 2021-07 or 2020..2025.
    #[schemars(with = "Option<trienkhai_core::period::Period>")]
    #[schemars(required)]
    period: Option<String>,
    /// At most this many (1–500, default 100).
    limit: Option<i64>,
    /// Skip this many.
    offset: Option<i64>,
}

/// A year of a unit's figure, month by month.
#[derive(Deserialize, schemars::JsonSchema)]
pub(super) struct TrendQuery {
    /// The unit.
    #[schemars(required)]
    unit_id: Option<i64>,
    /// The year.
    #[schemars(required)]
    year: Option<i32>,
}

pub(super) async fn actuals(
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

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct ActualBody {
    unit_id: Option<i64>,
    #[schemars(with = "Option<trienkhai_core::period::Period>")]
    period: Option<String>,
    #[schemars(schema_with = "crate::api::number_input")]
    value: Option<Value>,
    #[schemars(schema_with = "crate::api::number_input")]
    numerator: Option<Value>,
    #[schemars(schema_with = "crate::api::number_input")]
    denominator: Option<Value>,
    flag: Option<bool>,
    #[serde(default)]
    not_applicable: bool,
    note: Option<String>,
    row_version: Option<i64>,
}

pub(super) async fn record_actual(
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

pub(super) async fn rollup(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    Query(q): Query<FigureQuery>,
) -> Result<Json<RollupView>, ApiError> {
    let unit = required_unit(q.unit_id)?;
    let p = period(q.period.as_deref())?;
    Ok(Json(
        targets::rollup(&state.app, &actor, TargetId(id), unit, p, Inputs::None).await?,
    ))
}

/// A page of a figure's inputs.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub(super) struct InputsPage {
    total: usize,
    offset: usize,
    items: Vec<targets::ExplainedInput>,
}

pub(super) async fn rollup_inputs(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    Query(q): Query<InputsQuery>,
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

pub(super) async fn trend(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    Query(q): Query<TrendQuery>,
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

pub(super) async fn frame(
    State(state): State<AppState>,
    ApiActor(_actor): ApiActor,
) -> Result<Json<targets::PlanFrame>, ApiError> {
    Ok(Json(targets::plan_frame(&state.app).await?))
}
