//! API of reporting cycles: a plan's calendars and counting setting, the working calendar's
//! corrections, a unit's report (opened, read with its sheet, saved whole, submitted,
//! reviewed, reopened), its evidence files, and every unit's report for a period.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use serde::Deserialize;
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
use crate::error::ApiError;
use crate::extract::{ApiActor, JsonBody};

pub(super) fn routes(api: Api) -> Api {
    api.route(
        RouteDoc::new(
            "get",
            "/documents/{id}/calendars",
            "reports",
            "A plan's reporting calendars with every period's deadline per level",
        )
        .returns("PlanCalendars"),
        get(plan_calendars),
    )
    .route(
        RouteDoc::new(
            "post",
            "/documents/{id}/calendars",
            "reports",
            "Add a reporting calendar to a plan",
        )
        .body("CalendarInput"),
        post(add_calendar),
    )
    .route(
        RouteDoc::new(
            "delete",
            "/documents/{id}/calendars/{calendar}",
            "reports",
            "Remove a plan's calendar (version of the calendar read)",
        )
        .query(&[("version", "The calendar's version")])
        .required(&["version"]),
        delete(remove_calendar),
    )
    .route(
        RouteDoc::new(
            "put",
            "/documents/{id}/counting",
            "reports",
            "Which reports' values the plan's roll-ups count",
        )
        .body("Counting"),
        put(set_counting),
    )
    .route(
        RouteDoc::new(
            "get",
            "/calendar-days",
            "reports",
            "Corrections of the working calendar",
        )
        .returns("[CalendarDay]"),
        get(calendar_days),
    )
    .route(
        RouteDoc::new(
            "put",
            "/calendar-days/{day}",
            "reports",
            "Record a day off or a day worked (administrators)",
        )
        .body("CalendarDayInput"),
        put(set_calendar_day),
    )
    .route(
        RouteDoc::new(
            "delete",
            "/calendar-days/{day}",
            "reports",
            "Remove a correction: the day is as the statutory calendar says",
        ),
        delete(remove_calendar_day),
    )
    .route(
        RouteDoc::new(
            "post",
            "/documents/{id}/reports",
            "reports",
            "Open (or find) a unit's report of the plan for a period",
        )
        .body("ReportOpen")
        .returns("Report"),
        post(open_report),
    )
    .route(
        RouteDoc::new(
            "get",
            "/documents/{id}/reports",
            "reports",
            "Every expected unit's report for a period: received, missing, late",
        )
        .query(&[
            ("period", "The period, e.g. 2021-04"),
            ("under", "Only units under this one; default the plan's unit"),
            ("as_of", "Judge lateness on this date; default today"),
        ])
        .required(&["period"])
        .returns("PeriodReports"),
        get(period_reports),
    )
    .route(
        RouteDoc::new(
            "get",
            "/reports/{id}",
            "reports",
            "A report with its targets, work items, values, lines and evidence",
        )
        .returns("ReportSheet"),
        get(sheet),
    )
    .route(
        RouteDoc::new(
            "put",
            "/reports/{id}",
            "reports",
            "Save a draft whole: narrative, values that changed, work item lines (report version read)",
        )
        .body("ReportDraft"),
        put(save),
    )
    .route(
        RouteDoc::new(
            "post",
            "/reports/{id}/actions",
            "reports",
            "Submit, accept, return (with a comment) or reopen a report",
        )
        .body("ReportActionInput"),
        post(act),
    )
    .route(
        RouteDoc::new(
            "post",
            "/reports/{id}/evidence",
            "reports",
            "Attach an evidence file (raw body, up to 20 MB)",
        )
        .query(&[
            ("name", "The file's name"),
            ("work_item_id", "The work item it supports, if any"),
        ])
        .required(&["name"])
        .file_body(),
        post(attach).layer(DefaultBodyLimit::max(
            trienkhai_app::documents::MAX_FILE_BYTES + 1024,
        )),
    )
    .route(
        RouteDoc::new("get", "/evidence/{id}", "reports", "An evidence file")
            .returns(super::openapi::FILE),
        get(evidence),
    )
    .route(
        RouteDoc::new(
            "get",
            "/documents/{id}/consolidated",
            "reports",
            "A level's consolidated report: figures, the four national states, what units reported",
        )
        .query(&[
            ("period", "The period"),
            ("unit_id", "The level; default the plan's unit"),
        ])
        .required(&["period"])
        .returns("Consolidated"),
        get(consolidated_report),
    )
    .route(
        RouteDoc::new(
            "get",
            "/units/{id}/dashboard",
            "reports",
            "A unit's dashboard: targets with status, headline by month, items by state, reports, what is behind",
        )
        .query(&[
            ("document_id", "The plan; default the nearest plan covering the unit"),
            ("period", "The period; default the month of as_of"),
            ("as_of", "Judge states and lateness on this date; default today"),
        ])
        .returns("Dashboard"),
        get(unit_dashboard),
    )
    .route(
        RouteDoc::new(
            "get",
            "/documents/{id}/figures",
            "reports",
            "Every target of a plan with a unit's progress for a period",
        )
        .query(&[("unit_id", "The unit"), ("period", "The period")])
        .required(&["unit_id", "period"])
        .returns("[Object]"),
        get(figures),
    )
    .route(
        RouteDoc::new(
            "post",
            "/documents/{id}/consolidated",
            "reports",
            "Open the level's own report, started from the compiled text",
        )
        .body("ReportOpen"),
        post(start_level_report),
    )
}

#[derive(Deserialize)]
struct LevelQuery {
    period: Option<String>,
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
) -> Result<Json<Value>, ApiError> {
    let p = period(body.period.as_deref())?;
    let report = consolidated::draft_level_report(
        &state.app,
        &actor,
        DocumentId(id),
        p,
        body.unit_id.map(UnitId),
    )
    .await?;
    Ok(Json(serde_json::json!({ "id": report })))
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CalendarBody {
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
) -> Result<Json<Value>, ApiError> {
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
    Ok(Json(serde_json::json!({ "id": calendar })))
}

#[derive(Deserialize)]
struct VersionQuery {
    version: Option<i64>,
}

async fn remove_calendar(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    axum::extract::Path((id, calendar)): axum::extract::Path<(i64, i64)>,
    Query(q): Query<VersionQuery>,
) -> Result<Json<Value>, ApiError> {
    let version = q
        .version
        .ok_or_else(|| AppError::invalid("required", "version"))?;
    calendars::remove_calendar(&state.app, &actor, DocumentId(id), calendar, version).await?;
    Ok(Json(serde_json::json!({ "removed": calendar })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CountingBody {
    counted: String,
}

async fn set_counting(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(body): JsonBody<CountingBody>,
) -> Result<Json<Value>, ApiError> {
    let counted = Counted::parse(&body.counted).map_err(AppError::from)?;
    reporting::set_counting(&state.app, &actor, DocumentId(id), counted).await?;
    Ok(Json(serde_json::json!({ "counted": counted })))
}

async fn calendar_days(
    State(state): State<AppState>,
    ApiActor(_actor): ApiActor,
) -> Result<Json<Vec<CalendarDay>>, ApiError> {
    Ok(Json(calendars::calendar_days(&state.app).await?))
}

#[derive(Deserialize)]
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
) -> Result<Json<Value>, ApiError> {
    let day = required_date(&Some(day), "day")?;
    calendars::set_calendar_day(&state.app, &actor, day, body.working, body.note.as_deref())
        .await?;
    Ok(Json(
        serde_json::json!({ "day": day, "working": body.working }),
    ))
}

async fn remove_calendar_day(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    axum::extract::Path(day): axum::extract::Path<String>,
) -> Result<Json<Value>, ApiError> {
    let day = required_date(&Some(day), "day")?;
    calendars::remove_calendar_day(&state.app, &actor, day).await?;
    Ok(Json(serde_json::json!({ "removed": day })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OpenBody {
    unit_id: Option<i64>,
    period: Option<String>,
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
    let unit = body
        .unit_id
        .map(UnitId)
        .ok_or_else(|| AppError::invalid("required", "unit_id"))?;
    let p = period(body.period.as_deref())?;
    Ok(Json(
        reporting::open_report(&state.app, &actor, DocumentId(id), unit, p).await?,
    ))
}

#[derive(Deserialize)]
struct PeriodQuery {
    period: Option<String>,
    under: Option<i64>,
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ValueBody {
    target_id: i64,
    value: Option<Value>,
    numerator: Option<Value>,
    denominator: Option<Value>,
    flag: Option<bool>,
    #[serde(default)]
    not_applicable: bool,
    note: Option<String>,
    row_version: Option<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LineBody {
    work_item_id: i64,
    percent: Option<i64>,
    narrative: Option<String>,
}

#[derive(Deserialize)]
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
) -> Result<Json<Value>, ApiError> {
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
    Ok(Json(serde_json::json!({ "row_version": version })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActionBody {
    action: String,
    comment: Option<String>,
    version: Option<i64>,
}

async fn act(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(body): JsonBody<ActionBody>,
) -> Result<Json<Value>, ApiError> {
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
    Ok(Json(serde_json::json!({ "id": report })))
}

#[derive(Deserialize)]
struct EvidenceQuery {
    name: Option<String>,
    work_item_id: Option<i64>,
}

async fn attach(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    Query(q): Query<EvidenceQuery>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
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
    Ok(Json(serde_json::json!({ "id": evidence })))
}

async fn evidence(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
) -> Result<Response, ApiError> {
    let (record, bytes) = report_sheet::evidence_file(&state.app, &actor, id).await?;
    Ok(super::attachment(
        &record.file_name,
        &record.content_type,
        bytes,
    ))
}

#[derive(Deserialize)]
struct DashboardQuery {
    document_id: Option<i64>,
    period: Option<String>,
    as_of: Option<String>,
}

async fn unit_dashboard(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    Query(q): Query<DashboardQuery>,
) -> Result<Response, ApiError> {
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
    Ok(Json(&*board).into_response())
}

async fn figures(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    Query(q): Query<LevelQuery>,
) -> Result<Response, ApiError> {
    let p = period(q.period.as_deref())?;
    let unit = q
        .unit_id
        .map(UnitId)
        .ok_or_else(|| AppError::invalid("required", "unit_id"))?;
    let rows =
        trienkhai_app::cascade::document_figures(&state.app, &actor, DocumentId(id), p, unit)
            .await?;
    Ok(Json(&*rows).into_response())
}
