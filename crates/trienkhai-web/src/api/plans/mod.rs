//! API of plans: documents and their files, targets with values, quotas, actuals and roll-ups,
//! work items with their life, the cascade, the coverage report and a unit's plan.

mod document_routes;
pub(crate) use document_routes::*;
mod target_routes;
use target_routes::*;
mod work_item_routes;
use work_item_routes::*;

use axum::Json;
use axum::extract::{Query, State};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::Value;
use trienkhai_app::cascade::{self, Coverage, PlanOverview, UnitPlan};
use trienkhai_app::documents::{self};
use trienkhai_app::{AppError, Result as AppResult};
use trienkhai_core::ids::{DocumentId, UnitId};
use trienkhai_core::period::Period;

use super::{Api, Id, RouteDoc};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::ApiActor;

/// The day on which states are judged.
#[derive(Deserialize, schemars::JsonSchema)]
pub(super) struct OnQuery {
    /// Judge states on this date (YYYY-MM-DD or dd/mm/yyyy); default today.
    #[schemars(with = "Option<chrono::NaiveDate>")]
    pub(super) on: Option<String>,
}

/// A plan seen for a period from a unit.
#[derive(Deserialize, schemars::JsonSchema)]
pub(super) struct PeriodQuery {
    /// The period (required): 2021, 2021-Q3, 2021-H1, 2021-9M, 2021-07 or 2020..2025.
    #[schemars(with = "Option<trienkhai_core::period::Period>")]
    #[schemars(required)]
    pub(super) period: Option<String>,
    /// Seen from this unit; default the issuer.
    pub(super) unit_id: Option<i64>,
}

pub(super) fn routes(api: Api) -> Api {
    api.route(
        RouteDoc::new(
            "get",
            "/documents",
            "plans",
            "Documents the caller may read, newest first",
        ),
        list_documents,
    )
    .route(
        RouteDoc::new("post", "/documents", "plans", "Register a document"),
        create_document,
    )
    .route(
        RouteDoc::new(
            "get",
            "/documents/{id}",
            "plans",
            "A document with its files",
        ),
        document,
    )
    .route(
        RouteDoc::new(
            "put",
            "/documents/{id}",
            "plans",
            "Update a document (needs the version read)",
        ),
        update_document,
    )
    .route(
        RouteDoc::new(
            "get",
            "/documents/{id}/targets",
            "plans",
            "The targets of a plan, in order",
        ),
        document_targets,
    )
    .route(
        RouteDoc::new(
            "post",
            "/documents/{id}/targets",
            "plans",
            "Define a target of the plan",
        ),
        create_target,
    )
    .route(
        RouteDoc::new(
            "get",
            "/documents/{id}/work-items",
            "plans",
            "The top-level work items of a plan",
        ),
        document_items,
    )
    .route(
        RouteDoc::new(
            "post",
            "/documents/{id}/work-items",
            "plans",
            "Create a work item (or, with parent_id, a sub-item)",
        ),
        create_item,
    )
    .route(
        RouteDoc::new(
            "get",
            "/documents/{id}/overview",
            "plans",
            "A plan for a period: headline x/y, targets with figures, items with states",
        ),
        overview,
    )
    .route(
        RouteDoc::new(
            "get",
            "/documents/{id}/coverage",
            "plans",
            "What lower plans leave out and what hangs from nothing",
        ),
        coverage,
    )
    .route(
        RouteDoc::new(
            "get",
            "/documents/{id}/chain",
            "plans",
            "The document and those it concretizes, up to the highest",
        ),
        chain,
    )
    .route(
        RouteDoc::new(
            "post",
            "/documents/{id}/files",
            "plans",
            "Attach the document's file (the body is the file)",
        )
        .body_limit(documents::MAX_FILE_BYTES + 1024),
        attach,
    )
    .route(
        RouteDoc::new("get", "/files/{id}", "plans", "A document's file"),
        download,
    )
    .route(
        RouteDoc::new(
            "get",
            "/units/{id}/next-number",
            "plans",
            "The next free Party number of an issuer, per type and committee term",
        ),
        next_number,
    )
    .route(
        RouteDoc::new(
            "get",
            "/units/{id}/plan",
            "plans",
            "Everything the unit leads or coordinates: late, due soon, under way, done",
        ),
        unit_plan,
    )
    .route(
        RouteDoc::new(
            "get",
            "/plan-frame",
            "plans",
            "Themes and fields of the plan frame",
        ),
        frame,
    )
    .route(
        RouteDoc::new(
            "get",
            "/targets/{id}",
            "plans",
            "A target with its planned values and quotas",
        ),
        target,
    )
    .route(
        RouteDoc::new(
            "put",
            "/targets/{id}",
            "plans",
            "Update a target (needs the version read)",
        ),
        update_target,
    )
    .route(
        RouteDoc::new(
            "put",
            "/targets/{id}/values",
            "plans",
            "Set the plan's value for a period (null removes it)",
        ),
        set_value,
    )
    .route(
        RouteDoc::new(
            "put",
            "/targets/{id}/quotas",
            "plans",
            "Hand a share to a lower unit for a period",
        ),
        set_quota,
    )
    .route(
        RouteDoc::new(
            "get",
            "/targets/{id}/actuals",
            "plans",
            "What a unit reported, oldest first",
        ),
        actuals,
    )
    .route(
        RouteDoc::new(
            "put",
            "/targets/{id}/actuals",
            "plans",
            "Record what a unit reports for a period (row_version of the value read, if any)",
        ),
        record_actual,
    )
    .route(
        RouteDoc::new(
            "get",
            "/targets/{id}/rollup",
            "plans",
            "A unit's figure for a period with its status and formula; how many inputs it is \
             made of is `explanation.inputs_total`, the inputs themselves at `rollup/inputs`",
        ),
        rollup,
    )
    .route(
        RouteDoc::new(
            "get",
            "/targets/{id}/rollup/inputs",
            "plans",
            "The inputs a unit's figure is made of, a page at a time, in the roll-up's order",
        ),
        rollup_inputs,
    )
    .route(
        RouteDoc::new(
            "get",
            "/targets/{id}/trend",
            "plans",
            "A unit's figure month by month over a year",
        ),
        trend,
    )
    .route(
        RouteDoc::new(
            "get",
            "/work-items/{id}",
            "plans",
            "A work item with its state, roadmap and requests",
        ),
        item,
    )
    .route(
        RouteDoc::new(
            "put",
            "/work-items/{id}",
            "plans",
            "Update a work item (needs the version read)",
        ),
        update_item,
    )
    .route(
        RouteDoc::new(
            "get",
            "/work-items/{id}/sub-items",
            "plans",
            "The sub-items of an item",
        ),
        sub_items,
    )
    .route(
        RouteDoc::new(
            "post",
            "/work-items/{id}/split",
            "plans",
            "One sub-item per unit",
        ),
        split,
    )
    .route(
        RouteDoc::new(
            "post",
            "/work-items/{id}/progress",
            "plans",
            "Report start or completion",
        ),
        progress,
    )
    .route(
        RouteDoc::new(
            "post",
            "/work-items/{id}/requests",
            "plans",
            "Ask to move the deadline, pause or resume",
        ),
        request,
    )
    .route(
        RouteDoc::new(
            "post",
            "/work-items/{id}/decision",
            "plans",
            "Approve or refuse the pending request",
        ),
        decide,
    )
    .route(
        RouteDoc::new(
            "post",
            "/work-items/{id}/milestones",
            "plans",
            "Add a milestone to the roadmap",
        ),
        add_milestone,
    )
    .route(
        RouteDoc::new(
            "post",
            "/work-items/{id}/milestones/done",
            "plans",
            "Mark a milestone done (or not)",
        ),
        milestone_done,
    )
    .route(
        RouteDoc::new(
            "get",
            "/work-items/{id}/cascade",
            "plans",
            "Up to the highest document, down to the lowest sub-item",
        ),
        cascade_of,
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

async fn overview(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    Query(q): Query<PeriodQuery>,
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

async fn unit_plan(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
) -> Result<Json<UnitPlan>, ApiError> {
    Ok(Json(
        cascade::unit_plan(&state.app, &actor, UnitId(id)).await?,
    ))
}
