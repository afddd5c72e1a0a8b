//! API of criteria sets (C11): the catalogues (shipped and a province's own, imported from a
//! table with a dry run), a unit's assessments with their evaluation and what is still
//! missing, a unit's history, an assessment re-read under another catalogue version; its gaps
//! addressed by work items, and count targets computed from assessments.

use axum::Json;
use axum::extract::{Query, State};
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::Value as JsonValue;
use trienkhai_app::AppError;
use trienkhai_app::criteria::{
    self, CatalogueHeader, CatalogueLine, ImportOutcome, StoredCatalogue, ValueEntry,
};
use trienkhai_app::criteria_assessments::{
    self as assessments, AssessmentInput, AssessmentView, Comparison, HistoryLine,
};
use trienkhai_app::criteria_figures::{self, FigureInput, FiguresInput};
use trienkhai_app::criteria_links::{self, GapInput, GapItemLine, TargetLinkView};
use trienkhai_core::criteria::CatalogueKind;
use trienkhai_core::criteria::evaluate::Value;
use trienkhai_core::ids::{TargetId, UnitId};

use super::{Api, Id, RouteDoc};
use crate::AppState;
use crate::api::plans::decimal;
use crate::error::ApiError;
use crate::extract::{ApiActor, JsonBody};

pub(super) fn routes(api: Api) -> Api {
    api.route(
        RouteDoc::new(
            "get",
            "/criteria/catalogues",
            "criteria",
            "Every criteria catalogue version (new-rural, urban classes, a province's own), with how many of its figures are still to be checked against the text",
        ),
        catalogues,
    )
    .route(
        RouteDoc::new(
            "post",
            "/criteria/catalogues",
            "criteria",
            "Import a catalogue version from a table (its first row the headings); dry_run reads and checks it and keeps nothing; every bad row is answered with its line",
        ),
        import,
    )
    .route(
        RouteDoc::new(
            "get",
            "/criteria/catalogues/{id}",
            "criteria",
            "One catalogue version whole: groups, criteria with their measures, thresholds and points, the pass rule",
        ),
        catalogue,
    )
    .route(
        RouteDoc::new(
            "put",
            "/criteria/catalogues/{id}",
            "criteria",
            "Correct a catalogue version's figures against its text (thresholds, a scored standard's minimum and maximum, the pass mark) and whether each is still to check; its criteria and groups stay",
        ),
        correct_figures,
    )
    .route(
        RouteDoc::new(
            "post",
            "/criteria/assessments",
            "criteria",
            "Assess a unit against the catalogue version in force that day: each criterion's value with its evidence; answers the evaluation and what is still missing",
        ),
        assess,
    )
    .route(
        RouteDoc::new(
            "get",
            "/criteria/assessments/{id}",
            "criteria",
            "An assessment with its evaluation: each criterion met or not, the points, the verdict, what is still missing and by how much",
        ),
        get,
    )
    .route(
        RouteDoc::new(
            "put",
            "/criteria/assessments/{id}",
            "criteria",
            "Change an assessment's values (its unit, catalogue and day stay)",
        ),
        update,
    )
    .route(
        RouteDoc::new(
            "get",
            "/criteria/assessments/{id}/comparison",
            "criteria",
            "An assessment's values re-read under another catalogue version: what changes, what has no value",
        ),
        compare,
    )
    .route(
        RouteDoc::new(
            "get",
            "/units/{id}/criteria-assessments",
            "criteria",
            "A unit's assessments over the years, every catalogue together",
        ),
        history,
    )
    .route(
        RouteDoc::new(
            "post",
            "/criteria/assessments/{id}/gap-items",
            "criteria",
            "Address what an assessment still misses: new work items of a plan, one per criterion (every missing one when none is named), or a work item already in the plan for the criteria named or the assessment as a whole; answers the items addressing it",
        ),
        address_gaps,
    )
    .route(
        RouteDoc::new(
            "get",
            "/targets/{id}/criteria-source",
            "criteria",
            "Whether a count target is computed from criteria assessments, and from which kind of catalogue",
        ),
        criteria_source,
    )
    .route(
        RouteDoc::new(
            "put",
            "/targets/{id}/criteria-source",
            "criteria",
            "Compute a count target from the assessments against catalogues of one kind (each unit's standing at each year end), writing its values now; typed values are refused from then on",
        ),
        link_criteria_source,
    )
}

async fn address_gaps(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(body): JsonBody<GapInput>,
) -> Result<Json<Vec<GapItemLine>>, ApiError> {
    Ok(Json(
        criteria_links::address_gaps(&state.app, &actor, id, &body).await?,
    ))
}

async fn criteria_source(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
) -> Result<Json<TargetLinkView>, ApiError> {
    Ok(Json(
        criteria_links::target_link(&state.app, &actor, TargetId(id)).await?,
    ))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct SourceBody {
    catalogue_kind: CatalogueKind,
}

#[derive(serde::Serialize, schemars::JsonSchema)]
struct Linked {
    /// Values written now, one per unit and year standing.
    written: usize,
}

async fn link_criteria_source(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(body): JsonBody<SourceBody>,
) -> Result<Json<Linked>, ApiError> {
    Ok(Json(Linked {
        written: criteria_links::link_target(&state.app, &actor, TargetId(id), body.catalogue_kind)
            .await?,
    }))
}

async fn catalogues(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<CatalogueLine>>, ApiError> {
    Ok(Json(criteria::catalogues(&state.app, &actor).await?))
}

async fn catalogue(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
) -> Result<Json<StoredCatalogue>, ApiError> {
    Ok(Json(criteria::catalogue(&state.app, &actor, id).await?))
}

/// One criterion's corrected figures; what is omitted stays.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct FigureBody {
    #[schemars(length(min = 1, max = 50))]
    code: String,
    #[schemars(schema_with = "crate::api::number_input")]
    threshold: Option<JsonValue>,
    #[schemars(schema_with = "crate::api::number_input")]
    minimum: Option<JsonValue>,
    #[schemars(schema_with = "crate::api::number_input")]
    maximum: Option<JsonValue>,
    to_verify: Option<bool>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct FiguresBody {
    /// The version's `row_version` as read.
    #[schemars(required)]
    version: Option<i64>,
    #[serde(default)]
    #[schemars(length(max = 500))]
    criteria: Vec<FigureBody>,
    #[schemars(schema_with = "crate::api::number_input")]
    pass_mark: Option<JsonValue>,
    pass_to_verify: Option<bool>,
}

#[derive(serde::Serialize, schemars::JsonSchema)]
struct Corrected {
    row_version: i64,
}

async fn correct_figures(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(b): JsonBody<FiguresBody>,
) -> Result<Json<Corrected>, ApiError> {
    let version = b
        .version
        .ok_or_else(|| AppError::invalid("required", "version"))?;
    let mut input = FiguresInput {
        pass_mark: decimal(&b.pass_mark, "pass_mark")?,
        pass_to_verify: b.pass_to_verify,
        ..FiguresInput::default()
    };
    for f in b.criteria.into_iter().take(500) {
        let field = |what: &str| format!("criteria.{}.{what}", f.code);
        input.criteria.push(FigureInput {
            threshold: decimal(&f.threshold, &field("threshold"))?,
            minimum: decimal(&f.minimum, &field("minimum"))?,
            maximum: decimal(&f.maximum, &field("maximum"))?,
            to_verify: f.to_verify,
            code: f.code,
        });
    }
    Ok(Json(Corrected {
        row_version: criteria_figures::correct(&state.app, &actor, id, &input, version).await?,
    }))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct ImportBody {
    #[schemars(length(min = 1, max = 100))]
    code: String,
    #[schemars(length(min = 1, max = 500))]
    name: String,
    kind: CatalogueKind,
    #[schemars(length(max = 20))]
    class: Option<String>,
    #[schemars(length(max = 200))]
    region: Option<String>,
    #[schemars(length(max = 500))]
    source: String,
    effective_from: NaiveDate,
    effective_to: Option<NaiveDate>,
    /// The pass mark in points; omitted: every criterion must pass.
    #[schemars(schema_with = "crate::api::number_input")]
    pass_mark: Option<JsonValue>,
    /// The table: a row of headings, then one criterion per row.
    #[schemars(length(min = 1, max = 501))]
    table: Vec<Vec<String>>,
    #[serde(default)]
    dry_run: bool,
}

/// The most columns and characters of a cell an imported table may have.
const TABLE_COLUMNS: usize = 30;
const CELL_CHARS: usize = 2000;

async fn import(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    JsonBody(b): JsonBody<ImportBody>,
) -> Result<Json<ImportOutcome>, ApiError> {
    if b.table.len() > 501 {
        return Err(AppError::invalid("too_many", "table").into());
    }
    if b.table
        .iter()
        .any(|r| r.len() > TABLE_COLUMNS || r.iter().any(|c| c.chars().count() > CELL_CHARS))
    {
        return Err(AppError::invalid("too_long", "table").into());
    }
    let header = CatalogueHeader {
        code: b.code,
        name: b.name,
        kind: b.kind,
        class: b.class,
        region: b.region,
        source: b.source,
        effective_from: b.effective_from,
        effective_to: b.effective_to,
        pass_mark: decimal(&b.pass_mark, "pass_mark")?,
    };
    Ok(Json(
        criteria::import(&state.app, &actor, &header, &b.table, b.dry_run).await?,
    ))
}

/// One criterion's value as sent: `met` for a met-or-not criterion, `figure` for a measured
/// one.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct ValueBody {
    #[schemars(length(min = 1, max = 50))]
    code: String,
    met: Option<bool>,
    #[schemars(schema_with = "crate::api::number_input")]
    figure: Option<JsonValue>,
    /// Where the value comes from (a report, a decision).
    #[serde(default)]
    #[schemars(length(max = 2000))]
    evidence: String,
}

fn entries(values: Vec<ValueBody>) -> Result<Vec<ValueEntry>, ApiError> {
    if values.len() > trienkhai_core::criteria::MAX_CRITERIA {
        return Err(AppError::invalid("too_many", "values").into());
    }
    values
        .into_iter()
        .map(|v| {
            let field = format!("values.{}", v.code);
            let value = match (v.met, decimal(&v.figure, &field)?) {
                (Some(met), None) => Value::Met(met),
                (None, Some(figure)) => Value::Figure(figure),
                _ => return Err(AppError::invalid("value_kind", &field).into()),
            };
            Ok(ValueEntry {
                code: v.code,
                value,
                evidence: v.evidence,
            })
        })
        .collect()
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct AssessBody {
    unit_id: UnitId,
    catalogue_id: i64,
    assessed_on: NaiveDate,
    #[schemars(length(max = 500))]
    values: Vec<ValueBody>,
    #[serde(default)]
    #[schemars(length(max = 2000))]
    note: String,
}

async fn assess(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    JsonBody(b): JsonBody<AssessBody>,
) -> Result<Json<AssessmentView>, ApiError> {
    let input = AssessmentInput {
        unit_id: b.unit_id,
        catalogue_id: b.catalogue_id,
        assessed_on: b.assessed_on,
        values: entries(b.values)?,
        note: b.note,
    };
    Ok(Json(
        assessments::assess(&state.app, &actor, None, &input, None).await?,
    ))
}

async fn get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
) -> Result<Json<AssessmentView>, ApiError> {
    Ok(Json(assessments::view(&state.app, &actor, id).await?))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct UpdateBody {
    /// The assessment's `row_version` as read.
    #[schemars(required)]
    version: Option<i64>,
    #[schemars(length(max = 500))]
    values: Vec<ValueBody>,
    #[serde(default)]
    #[schemars(length(max = 2000))]
    note: String,
}

async fn update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(b): JsonBody<UpdateBody>,
) -> Result<Json<AssessmentView>, ApiError> {
    let version = b
        .version
        .ok_or_else(|| AppError::invalid("required", "version"))?;
    // The unit, catalogue and day are the kept assessment's; these are not read.
    let input = AssessmentInput {
        unit_id: UnitId(0),
        catalogue_id: 0,
        assessed_on: NaiveDate::MIN,
        values: entries(b.values)?,
        note: b.note,
    };
    Ok(Json(
        assessments::assess(&state.app, &actor, Some(id), &input, Some(version)).await?,
    ))
}

#[derive(Deserialize, schemars::JsonSchema)]
struct CompareQuery {
    /// The catalogue version to re-read the values under (required).
    #[schemars(required)]
    catalogue_id: Option<i64>,
}

async fn compare(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    Query(q): Query<CompareQuery>,
) -> Result<Json<Comparison>, ApiError> {
    let other = q
        .catalogue_id
        .ok_or_else(|| AppError::invalid("required", "catalogue_id"))?;
    Ok(Json(
        assessments::compare(&state.app, &actor, id, other).await?,
    ))
}

async fn history(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
) -> Result<Json<Vec<HistoryLine>>, ApiError> {
    Ok(Json(
        assessments::history(&state.app, &actor, UnitId(id)).await?,
    ))
}
