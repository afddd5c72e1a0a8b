//! API of year-end ratings (C12): a self-assessment, an appraisal (the tasks are read from
//! the records, never sent), one rating with its explanation, the group a unit decides with
//! its tallies, the group's decision (quota applied), notification and publication, a
//! cancellation that opens the re-rating, and the quota each rule set uses.

use axum::Json;
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use trienkhai_app::AppError;
use trienkhai_app::rating_groups::{self, Group, GroupOutcome};
use trienkhai_app::rating_quota::{self, QuotaInput, QuotaScope, QuotaSetting};
use trienkhai_app::rating_refresh::{self, RefreshOutcome};
use trienkhai_app::rating_targets;
use trienkhai_app::ratings::{self, AppraisalInput, RatingView, SelfAssessment};
use trienkhai_core::grading::appraisal::{Appraisal, Finding};
use trienkhai_core::grading::criteria::GradesInput;
use trienkhai_core::grading::points::Disqualifier;
use trienkhai_core::grading::quota::CountingBase;
use trienkhai_core::grading::{Level, RuleSet, Subject};
use trienkhai_core::ids::{PersonId, TargetId, UnitId};

use super::{Api, Id, RouteDoc};
use crate::AppState;
use crate::api::answers::{Created, Saved};
use crate::api::plans::decimal;
use crate::error::ApiError;
use crate::extract::{ApiActor, JsonBody};

pub(super) fn routes(api: Api) -> Api {
    api.route(
        RouteDoc::new(
            "post",
            "/ratings",
            "ratings",
            "Self-assess a member, a civil servant or an organisation for a year (or change the self-assessment until appraised)",
        ),
        self_assess,
    )
    .route(
        RouteDoc::new(
            "get",
            "/ratings/{id}",
            "ratings",
            "A rating with its rule set, tasks, inputs, explanation step by step and history",
        ),
        get,
    )
    .route(
        RouteDoc::new(
            "put",
            "/ratings/{id}/appraisal",
            "ratings",
            "Appraise a rating: the assessors' inputs; the tasks are read from registrations and work items and the level computed",
        ),
        appraise,
    )
    .route(
        RouteDoc::new(
            "post",
            "/ratings/{id}/cancellation",
            "ratings",
            "Cancel a decided rating (kept) and open its re-rating",
        ),
        cancel,
    )
    .route(
        RouteDoc::new(
            "get",
            "/targets/{id}/rating-source",
            "ratings",
            "Whether a target is computed from year-end ratings, and from which",
        ),
        rating_source,
    )
    .route(
        RouteDoc::new(
            "put",
            "/targets/{id}/rating-source",
            "ratings",
            "Compute a ratio target from year-end ratings (the plan's editors): its values are written by every decision",
        ),
        link_rating_source,
    )
    .route(
        RouteDoc::new(
            "get",
            "/units/{id}/ratings",
            "ratings",
            "The ratings a unit decides for a year (members of its cells, organisations under it) with tallies as offices report them",
        ),
        group,
    )
    .route(
        RouteDoc::new(
            "post",
            "/units/{id}/ratings/actions",
            "ratings",
            "Decide (the quota applied), notify or publish a unit's group of ratings of a year",
        ),
        group_action,
    )
    .route(
        RouteDoc::new(
            "post",
            "/units/{id}/ratings/refresh",
            "ratings",
            "Re-read the tasks of every appraised rating below a unit and evaluate them again on the assessors' inputs; a preview (apply false) answers what would change and keeps nothing",
        ),
        refresh,
    )
    .route(
        RouteDoc::new(
            "get",
            "/grading/quota-rules",
            "ratings",
            "The quota each rule set applies when a group is decided (its share, counting base and scope)",
        ),
        quota_rules,
    )
    .route(
        RouteDoc::new(
            "put",
            "/grading/quota-rules/{rule_set}",
            "ratings",
            "Set a rule set's quota (administrators): the texts leave the counting base and the scope open",
        ),
        set_quota_rule,
    )
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct SelfAssessBody {
    subject: Subject,
    unit_id: UnitId,
    /// The person (omitted for an organisation).
    person_id: Option<PersonId>,
    #[schemars(range(min = 1990, max = 2200))]
    year: i32,
    level: Level,
    #[schemars(length(max = 2000))]
    note: Option<String>,
    /// The rating's `row_version` when changing an existing self-assessment.
    expected_version: Option<i64>,
}

#[derive(Serialize, schemars::JsonSchema)]
struct SelfAssessed {
    id: i64,
    row_version: i64,
}

async fn self_assess(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    JsonBody(b): JsonBody<SelfAssessBody>,
) -> Result<Json<SelfAssessed>, ApiError> {
    let (id, row_version) = ratings::self_assess(
        &state.app,
        &actor,
        &SelfAssessment {
            subject: b.subject,
            unit_id: b.unit_id,
            person_id: b.person_id,
            year: b.year,
            level: b.level,
            note: b.note,
            expected_version: b.expected_version,
        },
    )
    .await?;
    Ok(Json(SelfAssessed { id, row_version }))
}

async fn get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
) -> Result<Json<RatingView>, ApiError> {
    Ok(Json(ratings::view(&state.app, &actor, id).await?))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct AppraisalBody {
    /// The rating's `row_version` as read.
    #[schemars(required)]
    version: Option<i64>,
    /// The common criteria, 0 to 30 (QĐ 366, NĐ 335).
    #[schemars(schema_with = "crate::api::number_input")]
    common: Option<Value>,
    /// The task results scored by the assessors, 0 to 70; omitted: converted from the shares.
    #[schemars(schema_with = "crate::api::number_input")]
    task_points: Option<Value>,
    /// The criteria's grades (QĐ 132, QĐ 124).
    grades: Option<GradesInput>,
    #[serde(default)]
    #[schemars(length(max = 500))]
    findings: Vec<Finding>,
    #[serde(default)]
    shortcomings: u32,
    #[serde(default)]
    shortcomings_remedied: u32,
    #[serde(default)]
    #[schemars(length(max = 3))]
    disqualifiers: Vec<Disqualifier>,
    #[serde(default)]
    exempt: bool,
    #[serde(default)]
    suspended: bool,
    #[schemars(length(max = 200))]
    peer_group: Option<String>,
}

async fn appraise(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(b): JsonBody<AppraisalBody>,
) -> Result<Json<Saved>, ApiError> {
    let version = b
        .version
        .ok_or_else(|| AppError::invalid("required", "version"))?;
    let input = AppraisalInput {
        appraisal: Appraisal {
            common: decimal(&b.common, "common")?,
            task_points: decimal(&b.task_points, "task_points")?,
            grades: b.grades,
            findings: b.findings,
            shortcomings: b.shortcomings,
            shortcomings_remedied: b.shortcomings_remedied,
            disqualifiers: b.disqualifiers,
            exempt: b.exempt,
            suspended: b.suspended,
        },
        peer_group: b.peer_group,
        expected_version: version,
    };
    Ok(Json(Saved {
        row_version: ratings::appraise(&state.app, &actor, id, &input).await?,
    }))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct CancelBody {
    /// The rating's `row_version` as read.
    #[schemars(required)]
    version: Option<i64>,
    /// Why it is cancelled (required).
    #[schemars(length(max = 2000))]
    reason: String,
}

async fn cancel(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(b): JsonBody<CancelBody>,
) -> Result<Json<Created>, ApiError> {
    let version = b
        .version
        .ok_or_else(|| AppError::invalid("required", "version"))?;
    Ok(Json(Created::of(
        ratings::cancel(&state.app, &actor, id, &b.reason, version).await?,
    )))
}

#[derive(Deserialize, schemars::JsonSchema)]
struct YearQuery {
    /// The year rated (required).
    #[schemars(required, range(min = 1990, max = 2200))]
    year: Option<i32>,
}

async fn group(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    Query(q): Query<YearQuery>,
) -> Result<Json<Group>, ApiError> {
    let year = q
        .year
        .ok_or_else(|| AppError::invalid("required", "year"))?;
    Ok(Json(
        rating_groups::group(&state.app, &actor, UnitId(id), year).await?,
    ))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
enum GroupAction {
    Decide,
    Notify,
    Publish,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct GroupActionBody {
    action: GroupAction,
    subject: Subject,
    #[schemars(range(min = 1990, max = 2200))]
    year: i32,
}

async fn group_action(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(b): JsonBody<GroupActionBody>,
) -> Result<Json<GroupOutcome>, ApiError> {
    let (app, unit) = (&state.app, UnitId(id));
    Ok(Json(match b.action {
        GroupAction::Decide => rating_groups::decide(app, &actor, unit, b.year, b.subject).await?,
        GroupAction::Notify => {
            rating_groups::notify_persons(app, &actor, unit, b.year, b.subject).await?
        }
        GroupAction::Publish => {
            rating_groups::publish(app, &actor, unit, b.year, b.subject).await?
        }
    }))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct RefreshBody {
    #[schemars(range(min = 1990, max = 2200))]
    year: i32,
    /// One subject only (omitted: all).
    subject: Option<Subject>,
    /// Write the changes (false: a preview that keeps nothing).
    apply: bool,
}

async fn refresh(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(b): JsonBody<RefreshBody>,
) -> Result<Json<RefreshOutcome>, ApiError> {
    Ok(Json(
        rating_refresh::refresh(&state.app, &actor, UnitId(id), b.year, b.subject, b.apply).await?,
    ))
}

async fn quota_rules(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<QuotaSetting>>, ApiError> {
    Ok(Json(rating_quota::settings(&state.app, &actor).await?))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct QuotaBody {
    /// The share, 0 to 100.
    #[schemars(schema_with = "crate::api::number_input")]
    percent: Option<Value>,
    base: CountingBase,
    scope: QuotaScope,
    /// The setting's `row_version` as read (omitted while the default is in use).
    version: Option<i64>,
}

async fn set_quota_rule(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    axum::extract::Path(rule_set): axum::extract::Path<String>,
    JsonBody(b): JsonBody<QuotaBody>,
) -> Result<Json<Saved>, ApiError> {
    let rule_set = RuleSet::parse(&rule_set).map_err(|_| AppError::NotFound)?;
    let percent =
        decimal(&b.percent, "percent")?.ok_or_else(|| AppError::invalid("required", "percent"))?;
    let input = QuotaInput {
        percent,
        base: b.base,
        scope: b.scope,
        expected_version: b.version,
    };
    let row_version = rating_quota::set(&state.app, &actor, rule_set, &input).await?;
    Ok(Json(Saved { row_version }))
}

async fn rating_source(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
) -> Result<Json<rating_targets::LinkView>, ApiError> {
    Ok(Json(
        rating_targets::link_of(&state.app, &actor, TargetId(id)).await?,
    ))
}

#[derive(Serialize, schemars::JsonSchema)]
struct Linked {
    /// Values written now, one per unit and year with decided ratings.
    written: usize,
}

async fn link_rating_source(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(body): JsonBody<rating_targets::LinkInput>,
) -> Result<Json<Linked>, ApiError> {
    Ok(Json(Linked {
        written: rating_targets::link(&state.app, &actor, TargetId(id), &body).await?,
    }))
}
