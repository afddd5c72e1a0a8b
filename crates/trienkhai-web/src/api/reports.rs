//! API of reporting cycles: a plan's calendars and counting setting, the working calendar's
//! corrections, a unit's report (opened, read with its sheet, saved whole, submitted,
//! reviewed, reopened), its evidence files, and every unit's report for a period.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use trienkhai_app::calendars::{self, PlanCalendars};
use trienkhai_app::consolidated::{self, Consolidated};
use trienkhai_app::dashboard;
use trienkhai_app::report_sheet::{self, DraftLine, DraftValue, ReportDraft, ReportSheet};
use trienkhai_app::reporting::CalendarDay;
use trienkhai_app::reporting::{self, PeriodReports, ReportView};
use trienkhai_app::targets::ActualInput;
use trienkhai_app::{AppError, Result as AppResult};
use trienkhai_core::ids::{DocumentId, TargetId, UnitId, WorkItemId};
use trienkhai_core::period::Period;
use trienkhai_core::reporting::{Cadence, Counted, DeadlineRule, ReportAction};

use super::plans::decimal;
use super::{Api, Id, RouteDoc, optional_date, required_date};
use crate::AppState;
use crate::api::answers::{CountingSet, Created, DaySet, Removed, RemovedDay, Saved};
use crate::api::{FileAnswer, Shared};
use crate::error::ApiError;
use crate::extract::{ApiActor, JsonBody};

pub(super) fn routes(api: Api) -> Api {
    api.route(
        RouteDoc::new(
            "get",
            "/documents/{id}/calendars",
            "reports",
            "A plan's reporting calendars with every period's deadline per level",
        ),
        plan_calendars,
    )
    .route(
        RouteDoc::new(
            "post",
            "/documents/{id}/calendars",
            "reports",
            "Add a reporting calendar to a plan",
        ),
        add_calendar,
    )
    .route(
        RouteDoc::new(
            "delete",
            "/documents/{id}/calendars/{calendar}",
            "reports",
            "Remove a plan's calendar (version of the calendar read)",
        ),
        remove_calendar,
    )
    .route(
        RouteDoc::new(
            "put",
            "/documents/{id}/counting",
            "reports",
            "Which reports' values the plan's roll-ups count",
        ),
        set_counting,
    )
    .route(
        RouteDoc::new(
            "get",
            "/calendar-days",
            "reports",
            "Corrections of the working calendar",
        ),
        calendar_days,
    )
    .route(
        RouteDoc::new(
            "put",
            "/calendar-days/{day}",
            "reports",
            "Record a day off or a day worked (administrators)",
        ),
        set_calendar_day,
    )
    .route(
        RouteDoc::new(
            "delete",
            "/calendar-days/{day}",
            "reports",
            "Remove a correction: the day is as the statutory calendar says",
        ),
        remove_calendar_day,
    )
    .route(
        RouteDoc::new(
            "post",
            "/documents/{id}/reports",
            "reports",
            "Open (or find) a unit's report of the plan for a period",
        ),
        open_report,
    )
    .route(
        RouteDoc::new(
            "get",
            "/documents/{id}/reports",
            "reports",
            "Every expected unit's report for a period: received, missing, late",
        ),
        period_reports,
    )
    .route(
        RouteDoc::new(
            "post",
            "/documents/{id}/reports/nudge",
            "reports",
            "Remind a unit whose report for a period has not arrived (reviewers; once a day)",
        ),
        nudge,
    )
    .route(
        RouteDoc::new(
            "get",
            "/reports/{id}",
            "reports",
            "A report with its targets, work items, values, lines and evidence",
        ),
        sheet,
    )
    .route(
        RouteDoc::new(
            "put",
            "/reports/{id}",
            "reports",
            "Save a draft whole: narrative, values that changed, work item lines (report version read)",
        ),
        save,
    )
    .route(
        RouteDoc::new(
            "post",
            "/reports/{id}/actions",
            "reports",
            "Submit, accept, return (with a comment) or reopen a report",
        ),
        act,
    )
    .route(
        RouteDoc::new(
            "post",
            "/reports/{id}/evidence",
            "reports",
            "Attach an evidence file (raw body, up to 20 MB)",
        )
        .body_limit(
            trienkhai_app::documents::MAX_FILE_BYTES + 1024,
        ),
        attach,
    )
    .route(
        RouteDoc::new("get", "/evidence/{id}", "reports", "An evidence file")
,
        evidence,
    )
    .route(
        RouteDoc::new(
            "get",
            "/documents/{id}/consolidated",
            "reports",
            "A level's consolidated report: figures, the four national states, what units reported",
        ),
        consolidated_report,
    )
    .route(
        RouteDoc::new(
            "get",
            "/units/{id}/dashboard",
            "reports",
            "A unit's dashboard: targets with status, headline by month, items by state, reports, what is behind",
        ),
        unit_dashboard,
    )
    .route(
        RouteDoc::new(
            "get",
            "/documents/{id}/figures",
            "reports",
            "Every target of a plan with a unit's progress for a period",
        ),
        figures,
    )
    .route(
        RouteDoc::new(
            "post",
            "/documents/{id}/consolidated",
            "reports",
            "Open the level's own report, started from the compiled text",
        ),
        start_level_report,
    )
}

#[derive(Deserialize, schemars::JsonSchema)]
struct LevelQuery {
    /// The period (required), e.g. 2021-04.
    #[schemars(with = "Option<trienkhai_core::period::Period>")]
    #[schemars(required)]
    period: Option<String>,
    /// The level; default the plan's unit (required for figures).
    unit_id: Option<i64>,
}

async fn consolidated_report(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    Query(q): Query<LevelQuery>,
) -> Result<Json<Consolidated>, ApiError> {
    let p = period(q.period.as_deref())?;
    Ok(Json(
        consolidated::consolidated(&state.app, &actor, DocumentId(id), p, q.unit_id.map(UnitId))
            .await?,
    ))
}

async fn start_level_report(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(body): JsonBody<OpenBody>,
) -> Result<Json<Created>, ApiError> {
    let p = period(body.period.as_deref())?;
    let report = consolidated::draft_level_report(
        &state.app,
        &actor,
        DocumentId(id),
        p,
        body.unit_id.map(UnitId),
    )
    .await?;
    Ok(Json(Created::of(report)))
}

async fn plan_calendars(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
) -> Result<Json<PlanCalendars>, ApiError> {
    Ok(Json(
        calendars::plan_calendars(&state.app, &actor, DocumentId(id)).await?,
    ))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct CalendarBody {
    #[schemars(with = "trienkhai_core::reporting::Cadence")]
    cadence: String,
    first_year: i32,
    last_year: i32,
    days_after_end: u32,
    #[serde(default)]
    lead_days: u32,
}

async fn add_calendar(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(body): JsonBody<CalendarBody>,
) -> Result<Json<Created>, ApiError> {
    let cadence = Cadence::parse(&body.cadence).map_err(AppError::from)?;
    let rule = DeadlineRule::new(body.days_after_end, body.lead_days).map_err(AppError::from)?;
    let calendar = reporting::add_calendar(
        &state.app,
        &actor,
        DocumentId(id),
        cadence,
        (body.first_year, body.last_year),
        rule,
    )
    .await?;
    Ok(Json(Created::of(calendar)))
}

#[derive(Deserialize, schemars::JsonSchema)]
struct VersionQuery {
    /// The calendar's version, as read (required).
    version: Option<i64>,
}

async fn remove_calendar(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    axum::extract::Path((id, calendar)): axum::extract::Path<(i64, i64)>,
    Query(q): Query<VersionQuery>,
) -> Result<Json<Removed>, ApiError> {
    let version = q
        .version
        .ok_or_else(|| AppError::invalid("required", "version"))?;
    calendars::remove_calendar(&state.app, &actor, DocumentId(id), calendar, version).await?;
    Ok(Json(Removed { removed: calendar }))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct CountingBody {
    #[schemars(with = "trienkhai_core::reporting::Counted")]
    counted: String,
}

async fn set_counting(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(body): JsonBody<CountingBody>,
) -> Result<Json<CountingSet>, ApiError> {
    let counted = Counted::parse(&body.counted).map_err(AppError::from)?;
    reporting::set_counting(&state.app, &actor, DocumentId(id), counted).await?;
    Ok(Json(CountingSet { counted }))
}

async fn calendar_days(
    State(state): State<AppState>,
    ApiActor(_actor): ApiActor,
) -> Result<Json<Vec<CalendarDay>>, ApiError> {
    Ok(Json(calendars::calendar_days(&state.app).await?))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct CalendarDayBody {
    working: bool,
    note: Option<String>,
}

async fn set_calendar_day(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    axum::extract::Path(day): axum::extract::Path<String>,
    JsonBody(body): JsonBody<CalendarDayBody>,
) -> Result<Json<DaySet>, ApiError> {
    let day = required_date(&Some(day), "day")?;
    calendars::set_calendar_day(&state.app, &actor, day, body.working, body.note.as_deref())
        .await?;
    Ok(Json(DaySet {
        day,
        working: body.working,
    }))
}

async fn remove_calendar_day(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    axum::extract::Path(day): axum::extract::Path<String>,
) -> Result<Json<RemovedDay>, ApiError> {
    let day = required_date(&Some(day), "day")?;
    calendars::remove_calendar_day(&state.app, &actor, day).await?;
    Ok(Json(RemovedDay { removed: day }))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct OpenBody {
    #[schemars(required)]
    unit_id: Option<i64>,
    #[schemars(with = "Option<trienkhai_core::period::Period>")]
    #[schemars(required)]
    period: Option<String>,
}

/// How many of the unit's accounts a reminder reached now.
#[derive(Serialize, schemars::JsonSchema)]
struct Nudged {
    told: usize,
}

async fn nudge(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(body): JsonBody<OpenBody>,
) -> Result<Json<Nudged>, ApiError> {
    let (unit, p) = body.unit_and_period()?;
    let told = trienkhai_app::reminders::nudge(&state.app, &actor, DocumentId(id), unit, p).await?;
    Ok(Json(Nudged { told }))
}

impl OpenBody {
    fn unit_and_period(&self) -> AppResult<(UnitId, Period)> {
        let unit = self
            .unit_id
            .map(UnitId)
            .ok_or_else(|| AppError::invalid("required", "unit_id"))?;
        Ok((unit, period(self.period.as_deref())?))
    }
}

fn period(input: Option<&str>) -> AppResult<Period> {
    Ok(Period::parse(input.unwrap_or(""))?)
}

async fn open_report(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(body): JsonBody<OpenBody>,
) -> Result<Json<ReportView>, ApiError> {
    let (unit, p) = body.unit_and_period()?;
    Ok(Json(
        reporting::open_report(&state.app, &actor, DocumentId(id), unit, p).await?,
    ))
}

#[derive(Deserialize, schemars::JsonSchema)]
struct PeriodQuery {
    /// The period (required), e.g. 2021-04.
    #[schemars(with = "Option<trienkhai_core::period::Period>")]
    #[schemars(required)]
    period: Option<String>,
    /// Only units under this one; default the plan's unit.
    under: Option<i64>,
    /// Judge lateness on this date; default today.
    #[schemars(with = "Option<chrono::NaiveDate>")]
    as_of: Option<String>,
}

async fn period_reports(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    Query(q): Query<PeriodQuery>,
) -> Result<Json<PeriodReports>, ApiError> {
    let p = period(q.period.as_deref())?;
    let as_of = optional_date(&q.as_of, "as_of")?;
    Ok(Json(
        reporting::period_reports(
            &state.app,
            &actor,
            DocumentId(id),
            p,
            q.under.map(UnitId),
            as_of,
        )
        .await?,
    ))
}

async fn sheet(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
) -> Result<Json<ReportSheet>, ApiError> {
    Ok(Json(
        report_sheet::report_sheet(&state.app, &actor, id).await?,
    ))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct ValueBody {
    target_id: i64,
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

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct LineBody {
    work_item_id: i64,
    percent: Option<i64>,
    narrative: Option<String>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct DraftBody {
    version: Option<i64>,
    narrative: Option<String>,
    #[serde(default)]
    values: Vec<ValueBody>,
    #[serde(default)]
    lines: Vec<LineBody>,
}

async fn save(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(body): JsonBody<DraftBody>,
) -> Result<Json<Saved>, ApiError> {
    let mut values = Vec::with_capacity(body.values.len());
    for v in body.values {
        values.push(DraftValue {
            target_id: TargetId(v.target_id),
            input: ActualInput {
                value: decimal(&v.value, "value")?,
                numerator: decimal(&v.numerator, "numerator")?,
                denominator: decimal(&v.denominator, "denominator")?,
                flag: v.flag,
                not_applicable: v.not_applicable,
                note: v.note,
                row_version: v.row_version,
            },
        });
    }
    let draft = ReportDraft {
        version: body
            .version
            .ok_or_else(|| AppError::invalid("required", "version"))?,
        narrative: body.narrative,
        values,
        lines: body
            .lines
            .into_iter()
            .map(|l| DraftLine {
                work_item_id: WorkItemId(l.work_item_id),
                percent: l.percent,
                narrative: l.narrative,
            })
            .collect(),
    };
    let version = report_sheet::save_draft(&state.app, &actor, id, &draft).await?;
    Ok(Json(Saved {
        row_version: version,
    }))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct ActionBody {
    #[schemars(extend("enum" = ["submit", "accept", "return", "reopen"]))]
    action: String,
    comment: Option<String>,
    version: Option<i64>,
}

async fn act(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(body): JsonBody<ActionBody>,
) -> Result<Json<Created>, ApiError> {
    let action = ReportAction::parse(&body.action).map_err(AppError::from)?;
    let version = body
        .version
        .ok_or_else(|| AppError::invalid("required", "version"))?;
    let report = reporting::act(
        &state.app,
        &actor,
        id,
        action,
        body.comment.as_deref(),
        version,
    )
    .await?;
    Ok(Json(Created::of(report)))
}

#[derive(Deserialize, schemars::JsonSchema)]
struct EvidenceQuery {
    /// The file's name (required).
    #[schemars(required)]
    name: Option<String>,
    /// The work item it supports, if any.
    work_item_id: Option<i64>,
}

async fn attach(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    Query(q): Query<EvidenceQuery>,
    body: Bytes,
) -> Result<Json<Created>, ApiError> {
    let name = q
        .name
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| AppError::invalid("required", "name"))?;
    let evidence = report_sheet::attach_evidence(
        &state.app,
        &actor,
        id,
        q.work_item_id.map(WorkItemId),
        &name,
        &body,
    )
    .await?;
    Ok(Json(Created::of(evidence)))
}

async fn evidence(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
) -> Result<FileAnswer, ApiError> {
    let (record, bytes) = report_sheet::evidence_file(&state.app, &actor, id).await?;
    Ok(FileAnswer(super::attachment(
        &record.file_name,
        &record.content_type,
        bytes,
    )))
}

#[derive(Deserialize, schemars::JsonSchema)]
struct DashboardQuery {
    /// The plan; default the nearest plan covering the unit.
    document_id: Option<i64>,
    /// The period; default the month of as_of.
    #[schemars(with = "Option<trienkhai_core::period::Period>")]
    period: Option<String>,
    /// Judge states and lateness on this date; default today.
    #[schemars(with = "Option<chrono::NaiveDate>")]
    as_of: Option<String>,
}

async fn unit_dashboard(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    Query(q): Query<DashboardQuery>,
) -> Result<Shared<dashboard::Dashboard>, ApiError> {
    let p = match q.period.as_deref() {
        None | Some("") => None,
        Some(p) => Some(period(Some(p))?),
    };
    let as_of = optional_date(&q.as_of, "as_of")?;
    let board = dashboard::dashboard(
        &state.app,
        &actor,
        UnitId(id),
        q.document_id.map(DocumentId),
        p,
        as_of,
    )
    .await?;
    Ok(Shared(board))
}

async fn figures(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    Query(q): Query<LevelQuery>,
) -> Result<Shared<Vec<trienkhai_app::cascade::TargetRow>>, ApiError> {
    let p = period(q.period.as_deref())?;
    let unit = q
        .unit_id
        .map(UnitId)
        .ok_or_else(|| AppError::invalid("required", "unit_id"))?;
    let rows =
        trienkhai_app::cascade::document_figures(&state.app, &actor, DocumentId(id), p, unit)
            .await?;
    Ok(Shared(rows))
}
