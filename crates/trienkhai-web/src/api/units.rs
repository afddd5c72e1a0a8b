//! API of the organisation tree.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Query, State};
use serde::Deserialize;
use trienkhai_app::history::{self, AuditEntry};
use trienkhai_app::org::UnitKind;
use trienkhai_app::org::{
    self, ChangeContext, ChangeKind, MergeInput, NewUnit, SplitInput, UnitChange, UnitDetail,
    UnitView,
};
use trienkhai_core::ids::UnitId;

use super::{Api, Id, RouteDoc, optional_date, required_date};
use crate::AppState;
use crate::api::answers::{Created, CreatedMany};
use crate::error::ApiError;
use crate::extract::{ApiActor, JsonBody};

pub(super) fn routes(api: Api) -> Api {
    api.route(
        RouteDoc::new(
            "get",
            "/units",
            "units",
            "Units in the caller's scope, as the tree stood on a date (depth first)",
        ),
        list,
    )
    .route(
        RouteDoc::new("post", "/units", "units", "Create a unit"),
        create,
    )
    .route(
        RouteDoc::new("get", "/unit-kinds", "units", "The kinds of unit"),
        kinds,
    )
    .route(
        RouteDoc::new(
            "post",
            "/units/merge",
            "units",
            "Merge units into an existing or a new unit",
        ),
        merge,
    )
    .route(
        RouteDoc::new(
            "get",
            "/units/{id}",
            "units",
            "A unit as of a date: versions, events, successions, sub-units, posts",
        ),
        detail,
    )
    .route(
        RouteDoc::new(
            "get",
            "/units/{id}/history",
            "units",
            "Every change of the unit: who, when, before, after",
        ),
        unit_history,
    )
    .route(
        RouteDoc::new(
            "post",
            "/units/{id}/changes",
            "units",
            "A new version from a date: rename, move, upgrade, recode",
        ),
        change,
    )
    .route(
        RouteDoc::new(
            "post",
            "/units/{id}/dissolve",
            "units",
            "End a unit from a date",
        ),
        dissolve,
    )
    .route(
        RouteDoc::new(
            "post",
            "/units/{id}/split",
            "units",
            "Split a unit into new ones",
        ),
        split,
    )
}

/// The date, legal basis and note every structural change carries.
fn change_context(
    effective_on: &Option<String>,
    basis: Option<String>,
    note: Option<String>,
) -> Result<ChangeContext, ApiError> {
    Ok(ChangeContext {
        effective_on: Some(required_date(effective_on, "effective_on")?),
        basis,
        note,
        source: None,
    })
}

#[derive(Deserialize, schemars::JsonSchema)]
struct ListQuery {
    /// Date (YYYY-MM-DD or dd/mm/yyyy); default today.
    #[schemars(with = "Option<chrono::NaiveDate>")]
    as_of: Option<String>,
    /// Search by name or code, diacritics optional.
    q: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(q): Query<ListQuery>,
) -> Result<Json<Vec<UnitView>>, ApiError> {
    let date = optional_date(&q.as_of, "as_of")?.unwrap_or_else(|| state.app.today());
    let units = match q.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(query) => org::search_units(&state.app, &actor, query, date).await?,
        None => org::units_as_of(&state.app, &actor, date).await?,
    };
    Ok(Json(units))
}

async fn kinds(
    State(state): State<AppState>,
    ApiActor(_): ApiActor,
) -> Result<Json<Vec<UnitKind>>, ApiError> {
    Ok(Json(org::unit_kinds(&state.app).await?))
}

#[derive(Deserialize, schemars::JsonSchema)]
struct DetailQuery {
    /// Date; default today (clamped to the unit's life).
    #[schemars(with = "Option<chrono::NaiveDate>")]
    as_of: Option<String>,
}

async fn detail(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    Query(q): Query<DetailQuery>,
) -> Result<Json<UnitDetail>, ApiError> {
    let date = optional_date(&q.as_of, "as_of")?.unwrap_or_else(|| state.app.today());
    Ok(Json(
        org::unit_detail(&state.app, &actor, UnitId(id), date).await?,
    ))
}

async fn unit_history(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
) -> Result<Json<Vec<AuditEntry>>, ApiError> {
    Ok(Json(
        history::unit_history(&state.app, &actor, UnitId(id)).await?,
    ))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct NewUnitBody {
    code: String,
    name: String,
    kind: String,
    parent_id: Option<i64>,
    #[schemars(with = "Option<chrono::NaiveDate>")]
    #[schemars(required)]
    valid_from: Option<String>,
    #[schemars(with = "Option<chrono::NaiveDate>")]
    valid_to: Option<String>,
    basis: Option<String>,
    note: Option<String>,
}

async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    JsonBody(body): JsonBody<NewUnitBody>,
) -> Result<Json<Created>, ApiError> {
    let from = required_date(&body.valid_from, "valid_from")?;
    let input = NewUnit {
        code: body.code,
        name: body.name,
        kind: body.kind,
        parent_id: body.parent_id.map(UnitId),
        valid_to: optional_date(&body.valid_to, "valid_to")?,
    };
    let ctx = ChangeContext {
        effective_on: Some(from),
        basis: body.basis,
        note: body.note,
        source: None,
    };
    let id = org::create_unit(&state.app, &actor, &input, &ctx).await?;
    Ok(Json(Created::of(id)))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct ChangeBody {
    #[schemars(extend("enum" = ["rename", "move", "upgrade", "recode", "edit"]))]
    change: String,
    #[schemars(required)]
    #[schemars(with = "Option<chrono::NaiveDate>")]
    effective_on: Option<String>,
    name: Option<String>,
    code: Option<String>,
    kind: Option<String>,
    parent_id: Option<i64>,
    #[serde(default)]
    to_top: bool,
    basis: Option<String>,
    note: Option<String>,
    version: i64,
}

async fn change(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(body): JsonBody<ChangeBody>,
) -> Result<Json<Created>, ApiError> {
    let parent_id = if body.to_top {
        Some(None)
    } else {
        body.parent_id.map(|p| Some(UnitId(p)))
    };
    let change = UnitChange {
        kind: ChangeKind::parse(&body.change)?,
        code: body.code,
        name: body.name,
        unit_kind: body.kind,
        parent_id,
        version: body.version,
    };
    let ctx = change_context(&body.effective_on, body.basis, body.note)?;
    org::change_unit(&state.app, &actor, UnitId(id), &change, &ctx).await?;
    Ok(Json(Created::of(id)))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct DissolveBody {
    #[schemars(required)]
    #[schemars(with = "Option<chrono::NaiveDate>")]
    effective_on: Option<String>,
    version: i64,
    basis: Option<String>,
    note: Option<String>,
}

async fn dissolve(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(body): JsonBody<DissolveBody>,
) -> Result<Json<Created>, ApiError> {
    let ctx = change_context(&body.effective_on, body.basis, body.note)?;
    org::dissolve_unit(&state.app, &actor, UnitId(id), body.version, &ctx).await?;
    Ok(Json(Created::of(id)))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct PartBody {
    code: String,
    name: String,
    kind: String,
    parent_id: Option<i64>,
    #[schemars(with = "Option<chrono::NaiveDate>")]
    valid_to: Option<String>,
}

impl PartBody {
    fn unit(self) -> Result<NewUnit, ApiError> {
        let valid_to = optional_date(&self.valid_to, "valid_to")?;
        Ok(NewUnit {
            code: self.code,
            name: self.name,
            kind: self.kind,
            parent_id: self.parent_id.map(UnitId),
            valid_to,
        })
    }
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct MergeBody {
    sources: Vec<i64>,
    target_id: Option<i64>,
    new_target: Option<PartBody>,
    #[schemars(required)]
    #[schemars(with = "Option<chrono::NaiveDate>")]
    effective_on: Option<String>,
    basis: Option<String>,
    note: Option<String>,
    #[serde(default)]
    versions: HashMap<i64, i64>,
}

async fn merge(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    JsonBody(body): JsonBody<MergeBody>,
) -> Result<Json<Created>, ApiError> {
    let input = MergeInput {
        sources: body.sources.into_iter().map(UnitId).collect(),
        target_id: body.target_id.map(UnitId),
        new_target: body.new_target.map(PartBody::unit).transpose()?,
        versions: body
            .versions
            .into_iter()
            .map(|(k, v)| (UnitId(k), v))
            .collect(),
    };
    let ctx = change_context(&body.effective_on, body.basis, body.note)?;
    let target = org::merge_units(&state.app, &actor, &input, &ctx).await?;
    Ok(Json(Created::of(target)))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct SplitBody {
    parts: Vec<PartBody>,
    #[serde(default)]
    children: HashMap<i64, usize>,
    #[schemars(required)]
    #[schemars(with = "Option<chrono::NaiveDate>")]
    effective_on: Option<String>,
    version: i64,
    basis: Option<String>,
    note: Option<String>,
}

async fn split(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(body): JsonBody<SplitBody>,
) -> Result<Json<CreatedMany>, ApiError> {
    let input = SplitInput {
        parts: body
            .parts
            .into_iter()
            .map(PartBody::unit)
            .collect::<Result<_, _>>()?,
        children: body
            .children
            .into_iter()
            .map(|(k, v)| (UnitId(k), v))
            .collect(),
        version: body.version,
    };
    let ctx = change_context(&body.effective_on, body.basis, body.note)?;
    let ids = org::split_unit(&state.app, &actor, UnitId(id), &input, &ctx).await?;
    Ok(Json(CreatedMany {
        ids: ids.into_iter().map(i64::from).collect(),
    }))
}
