//! Use cases of reporting cycles (C8), first part: a plan's calendars, the working calendar with
//! its corrections, a unit's report for a period (opened as a draft with its deadline, its
//! narrative saved with its version, submitted — late or not —, returned or accepted one level
//! up, reopened as a new revision after acceptance).
//!
//! Who may do what: the plan's editors set its calendars; a unit's reporters open, fill and
//! submit its reports; the reviewer is whoever may edit content at the unit's parent (the level
//! that consolidates). What a report contains is [`crate::report_sheet`]'s.

use chrono::NaiveDate;
use serde::Serialize;
use trienkhai_core::access::Action;
use trienkhai_core::calendar::WorkCalendar;
use trienkhai_core::ids::{DocumentId, UnitId};
use trienkhai_core::period::Period;
use trienkhai_core::reporting::{self, Cadence, DeadlineRule, ReportAction, ReportState};
use trienkhai_store::reports::{self, Report, StateChange};
use trienkhai_store::{Conn, StoreError, audit, documents};

use crate::documents::readable;
use crate::scope::{Trees, hide_missing};
use crate::{Actor, App, AppError, Result};

/// The records of this use case, as the web layer sees them.
pub use trienkhai_store::reports::CalendarDay;

/// The working calendar: the statutory one, corrected by what administrators recorded.
pub async fn work_calendar(conn: &mut Conn, around: i32) -> Result<WorkCalendar> {
    work_calendar_spanning(conn, around, around).await
}

/// The working calendar over `first..=last` and a year on each side (where the deadlines of a
/// year's last periods fall).
pub(crate) async fn work_calendar_spanning(
    conn: &mut Conn,
    first: i32,
    last: i32,
) -> Result<WorkCalendar> {
    let corrections = reports::calendar_days(conn).await?;
    Ok(WorkCalendar::vietnam(first - 1..=last + 1)
        .with_days_off(corrections.iter().filter(|d| !d.working).map(|d| d.day))
        .with_working_days(corrections.iter().filter(|d| d.working).map(|d| d.day)))
}

/// The plan's calendar whose cadence has `period`.
pub(crate) async fn calendar_for(
    conn: &mut Conn,
    document: DocumentId,
    period: Period,
) -> Result<reports::Calendar> {
    reports::calendars_of(conn, document)
        .await?
        .into_iter()
        .find(|c| {
            c.cadence
                .periods(c.first_year, c.last_year)
                .contains(&period)
        })
        .ok_or_else(|| AppError::invalid("period_not_in_calendar", "period"))
}

/// Adds a reporting calendar to a plan.
pub async fn add_calendar(
    app: &App,
    actor: &Actor,
    document: DocumentId,
    cadence: Cadence,
    years: (i32, i32),
    rule: DeadlineRule,
) -> Result<i64> {
    // Outside these years a deadline can fall off chrono's calendar: refused at the edge.
    for (year, field) in [(years.0, "first_year"), (years.1, "last_year")] {
        if !trienkhai_core::period::YEARS.contains(&year) {
            return Err(AppError::Invalid(
                trienkhai_core::error::DomainError::new("out_of_range", field)
                    .with_detail("1900..2200"),
            ));
        }
    }
    if years.1 < years.0 {
        return Err(AppError::invalid("end_before_start", "last_year"));
    }
    if years.1 - years.0 > 10 {
        return Err(AppError::invalid("out_of_range", "last_year"));
    }
    let mut tx = app.db.begin().await?;
    // No structural change here: the shared trees (checked against the tree generation) are safe.
    let mut trees = Trees::shared(app);
    crate::documents::plan_for_edit(&mut tx, &mut trees, actor, document).await?;
    let id =
        match reports::insert_calendar(&mut tx, document, cadence, years, rule, app.now()).await {
            Err(StoreError::Duplicate(_)) => {
                return Err(AppError::invalid("duplicate", "cadence"));
            }
            other => other?,
        };
    audit::append(
        &mut tx,
        &actor.audit_entry(
            "add_calendar",
            "document",
            document.0,
            None,
            Some(serde_json::json!({ "cadence": cadence, "years": years, "rule": rule })),
        ),
        app.now(),
    )
    .await?;
    trienkhai_store::commit(tx).await?;
    Ok(id)
}

/// A unit's depth below the plan's unit in the tree of `day` (0: the plan's unit itself).
fn depth_below(tree: &trienkhai_core::org::TreeSnapshot, unit: UnitId, top: UnitId) -> Option<u32> {
    let path = tree.path(unit);
    let at = path.iter().position(|v| v.unit_id == top)?;
    Some((path.len() - 1 - at) as u32)
}

/// The deadline of `unit`'s report for `period` under the plan's calendar of that cadence.
async fn deadline_of(
    conn: &mut Conn,
    trees: &mut Trees,
    doc: &trienkhai_store::documents::Document,
    unit: UnitId,
    period: Period,
) -> Result<NaiveDate> {
    let calendar = calendar_for(conn, doc.id, period).await?;
    let top = doc
        .issuer_unit_id
        .ok_or_else(|| AppError::invalid("unit_outside_plan", "unit_id"))?;
    let tree = trees.at(conn, period.tree_date()).await?;
    let depth = depth_below(&tree, unit, top)
        .ok_or_else(|| AppError::invalid("unit_outside_plan", "unit_id"))?;
    let work = {
        use chrono::Datelike;
        work_calendar(conn, period.tree_date().year()).await?
    };
    Ok(calendar.rule.deadline(&work, period, depth))
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ReportView {
    #[serde(flatten)]
    pub report: Report,
    pub revisions: usize,
    pub can_edit: bool,
    pub can_review: bool,
    /// Accepted, and the actor reviews it: a correction may be opened as a new revision.
    pub can_reopen: bool,
}

async fn reviewer_allowed(
    conn: &mut Conn,
    trees: &mut Trees,
    actor: &Actor,
    report: &Report,
) -> Result<bool> {
    let tree = trees.at(conn, report.period.tree_date()).await?;
    let Some(parent) = tree.get(report.unit_id).and_then(|v| v.parent_id) else {
        return Ok(false);
    };
    trees
        .allows(
            conn,
            actor,
            Action::EditContent,
            parent,
            report.period.tree_date(),
        )
        .await
}

pub(crate) async fn report_view(
    conn: &mut Conn,
    trees: &mut Trees,
    actor: &Actor,
    report: Report,
) -> Result<ReportView> {
    let can_edit = report.state.editable()
        && trees
            .allows(
                conn,
                actor,
                Action::Report,
                report.unit_id,
                report.period.tree_date(),
            )
            .await?;
    let reviewer = matches!(report.state, ReportState::Submitted | ReportState::Accepted)
        && reviewer_allowed(conn, trees, actor, &report).await?;
    let can_review = reviewer && report.state == ReportState::Submitted;
    let can_reopen = reviewer && report.state == ReportState::Accepted;
    let revisions = reports::revisions(conn, report.document_id, report.unit_id, report.period)
        .await?
        .len();
    Ok(ReportView {
        report,
        revisions,
        can_edit,
        can_review,
        can_reopen,
    })
}

/// The unit's report of the plan for the period, opened as a draft (with its deadline) the first
/// time its reporter asks for it.
pub async fn open_report(
    app: &App,
    actor: &Actor,
    document: DocumentId,
    unit: UnitId,
    period: Period,
) -> Result<ReportView> {
    let mut tx = app.db.begin().await?;
    // No structural change here: the shared trees (checked against the tree generation) are safe.
    let mut trees = Trees::shared(app);
    let doc = readable(&mut tx, &mut trees, actor, document, app.today()).await?;
    trees
        .require(&mut tx, actor, Action::Read, unit, period.tree_date())
        .await?;
    if let Some(existing) = reports::current_report(&mut tx, document, unit, period).await? {
        let v = report_view(&mut tx, &mut trees, actor, existing).await?;
        trienkhai_store::commit(tx).await?;
        return Ok(v);
    }
    trees
        .require(&mut tx, actor, Action::Report, unit, period.tree_date())
        .await?;
    let deadline = deadline_of(&mut tx, &mut trees, &doc, unit, period).await?;
    let id = match reports::insert_report(
        &mut tx,
        &reports::NewReport {
            document_id: document,
            unit_id: unit,
            period,
            revision: 1,
            deadline,
            narrative: None,
        },
        app.now(),
    )
    .await
    {
        // Opened by someone else at the same moment.
        Err(StoreError::Duplicate(_)) => return Err(AppError::Conflict { current: None }),
        other => other?,
    };
    let report = reports::get_report(&mut tx, id).await?;
    audit::append(
        &mut tx,
        &actor.audit_entry(
            "open",
            "report",
            id,
            None,
            Some(serde_json::to_value(&report).unwrap_or_default()),
        ),
        app.now(),
    )
    .await?;
    let v = report_view(&mut tx, &mut trees, actor, report).await?;
    trienkhai_store::commit(tx).await?;
    Ok(v)
}

/// Submits, accepts, returns (with a comment) or reopens a report. Submitting marks it late
/// after its deadline; reopening an accepted report opens a new revision, the accepted one stays.
pub async fn act(
    app: &App,
    actor: &Actor,
    id: i64,
    action: ReportAction,
    comment: Option<&str>,
    version: i64,
) -> Result<i64> {
    let today = app.today();
    let comment = comment
        .map(trienkhai_core::vn::clean_paragraphs)
        .filter(|c| !c.is_empty());
    if action == ReportAction::Return && comment.is_none() {
        return Err(AppError::invalid("required", "comment"));
    }
    let mut tx = app.db.begin().await?;
    // No structural change here: the shared trees (checked against the tree generation) are safe.
    let mut trees = Trees::shared(app);
    let report = reports::get_report(&mut tx, id)
        .await
        .map_err(|e| hide_missing(actor, Action::Report, e.into()))?;
    let allowed = match action {
        ReportAction::Submit => {
            trees
                .allows(
                    &mut tx,
                    actor,
                    Action::Report,
                    report.unit_id,
                    report.period.tree_date(),
                )
                .await?
        }
        ReportAction::Accept | ReportAction::Return | ReportAction::Reopen => {
            reviewer_allowed(&mut tx, &mut trees, actor, &report).await?
        }
    };
    if !allowed {
        return Err(AppError::Forbidden);
    }
    if report.row_version != version {
        return Err(AppError::Conflict {
            current: Some(serde_json::to_value(&report).unwrap_or_default()),
        });
    }
    let next = reporting::transition(report.state, action)?;
    let result_id = match action {
        ReportAction::Reopen => reports::insert_report(
            &mut tx,
            &reports::NewReport {
                document_id: report.document_id,
                unit_id: report.unit_id,
                period: report.period,
                revision: report.revision + 1,
                deadline: report.deadline,
                narrative: report.narrative.as_deref(),
            },
            app.now(),
        )
        .await
        .map_err(|e| match e {
            StoreError::Duplicate(_) => AppError::Conflict { current: None },
            other => other.into(),
        })?,
        ReportAction::Submit => {
            let late = reporting::is_late(report.deadline, today);
            reports::set_state(
                &mut tx,
                id,
                next,
                StateChange::Submitted {
                    by: actor.account_id,
                    late,
                },
                version,
                app.now(),
            )
            .await?;
            id
        }
        ReportAction::Accept | ReportAction::Return => {
            reports::set_state(
                &mut tx,
                id,
                next,
                StateChange::Reviewed {
                    by: actor.account_id,
                    comment: comment.as_deref(),
                },
                version,
                app.now(),
            )
            .await?;
            id
        }
    };
    // A returned report goes back to its unit: its staff are told, with the comment. A report
    // sent up is announced to the level that reviews it.
    let told = match action {
        ReportAction::Return => {
            let number = documents::get_document(&mut tx, report.document_id)
                .await?
                .number;
            let title = format!(
                "Báo cáo {number} kỳ {} bị trả lại: {}",
                report.period,
                comment.as_deref().unwrap_or("")
            );
            Some((
                report.unit_id,
                &["editor", "reporter", "admin"][..],
                title,
                "returned",
            ))
        }
        ReportAction::Submit => {
            let tree = trees.at(&mut tx, report.period.tree_date()).await?;
            match tree.get(report.unit_id) {
                Some(unit) if unit.parent_id.is_some() => {
                    let number = documents::get_document(&mut tx, report.document_id)
                        .await?
                        .number;
                    let title = format!(
                        "{} đã gửi báo cáo {number} {}",
                        unit.name,
                        report.period.label_vi()
                    );
                    unit.parent_id
                        .map(|parent| (parent, &["editor", "admin"][..], title, "submitted"))
                }
                _ => None,
            }
        }
        _ => None,
    };
    if let Some((unit, roles, title, kind)) = told {
        for account in
            trienkhai_store::notify::accounts_granted_at(&mut tx, unit, roles, today).await?
        {
            trienkhai_store::notify::notify(
                &mut tx,
                &trienkhai_store::notify::NewNotification {
                    account_id: account,
                    day: today,
                    title: &title,
                    link: Some(&format!("/reports/{id}")),
                    dedupe_key: &format!("{kind}:{id}:{}:{}", report.row_version, account.0),
                    email: false,
                    webhook: false,
                },
                app.now(),
            )
            .await?;
        }
    }
    let action_name = action.as_str();
    audit::append(
        &mut tx,
        &actor.audit_entry(
            action_name,
            "report",
            result_id,
            Some(serde_json::to_value(&report).unwrap_or_default()),
            Some(serde_json::json!({ "state": next, "comment": comment })),
        ),
        app.now(),
    )
    .await?;
    trienkhai_store::commit(tx).await?;
    Ok(result_id)
}

pub async fn get_report(app: &App, actor: &Actor, id: i64) -> Result<ReportView> {
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    let report = reports::get_report(&mut conn, id)
        .await
        .map_err(|e| hide_missing(actor, Action::Read, e.into()))?;
    trees
        .require(
            &mut conn,
            actor,
            Action::Read,
            report.unit_id,
            report.period.tree_date(),
        )
        .await?;
    report_view(&mut conn, &mut trees, actor, report).await
}

/// Records a target's value through a report: the unit and period are the report's, the report
/// must be editable by the actor, and the value counts once the report's state does.
pub async fn record_value(
    app: &App,
    actor: &Actor,
    report_id: i64,
    target: trienkhai_core::ids::TargetId,
    input: &crate::targets::ActualInput,
) -> Result<trienkhai_store::targets::Actual> {
    let report = {
        let mut conn = app.db.reader().await?;
        reports::get_report(&mut conn, report_id)
            .await
            .map_err(|e| hide_missing(actor, Action::Report, e.into()))?
    };
    if !report.state.editable() {
        return Err(AppError::invalid("report_locked", "state"));
    }
    let target_doc = {
        let mut conn = app.db.reader().await?;
        trienkhai_store::targets::get_target(&mut conn, target)
            .await
            .map_err(|e| hide_missing(actor, Action::Report, e.into()))?
            .document_id
    };
    if target_doc != report.document_id {
        return Err(AppError::invalid("target_other_plan", "target_id"));
    }
    crate::targets::record_actual_in(
        app,
        actor,
        target,
        report.unit_id,
        report.period,
        input,
        "user",
        Some(report_id),
    )
    .await
}

/// Sets which reports' values a plan's roll-ups count (the plan's editors).
pub async fn set_counting(
    app: &App,
    actor: &Actor,
    document: DocumentId,
    counted: reporting::Counted,
) -> Result<()> {
    let mut tx = app.db.begin().await?;
    // No structural change here: the shared trees (checked against the tree generation) are safe.
    let mut trees = Trees::shared(app);
    crate::documents::plan_for_edit(&mut tx, &mut trees, actor, document).await?;
    let before = reports::counted_states(&mut tx, document).await?;
    reports::set_counted_states(&mut tx, document, counted.as_str()).await?;
    audit::append(
        &mut tx,
        &actor.audit_entry(
            "set_counting",
            "document",
            document.0,
            Some(serde_json::json!({ "counted": before })),
            Some(serde_json::json!({ "counted": counted })),
        ),
        app.now(),
    )
    .await?;
    trienkhai_store::commit(tx).await?;
    Ok(())
}

/// Where one unit's report for a period stands, as the level above follows it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct UnitReportStatus {
    pub unit_id: UnitId,
    pub unit_code: String,
    pub unit_name: String,
    pub parent_id: Option<UnitId>,
    /// Levels below the plan's unit.
    pub depth: u32,
    pub deadline: NaiveDate,
    pub report_id: Option<i64>,
    pub state: Option<ReportState>,
    pub revision: Option<i64>,
    pub late: bool,
    /// Submitted or accepted: the level above has it.
    pub received: bool,
    /// Not received and its deadline has passed.
    pub overdue: bool,
    /// Not received, and the reader reviews this unit's reports: may nudge it ("Nhắc").
    pub can_nudge: bool,
}

/// The end of `as_of` when it is a past day (what an "as of" view reads reports at); `None`
/// for today or later, when reports are read as they are.
pub(crate) fn past_instant(app: &App, as_of: NaiveDate) -> Option<chrono::DateTime<chrono::Utc>> {
    (as_of < app.today()).then(|| trienkhai_core::vn::time::end_of_day(as_of))
}

/// Every unit's report of a plan for a period below a unit: received, missing, late.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PeriodReports {
    pub document_id: DocumentId,
    pub period: Period,
    pub under: UnitId,
    pub as_of: NaiveDate,
    pub units: Vec<UnitReportStatus>,
    pub received: usize,
    pub missing: usize,
    pub late: usize,
}

/// The reports of the units expected to report under `under` (default: the plan's unit) for
/// `period`, judged on `as_of` (default today), a past day reading each report as it stood at
/// its end: the units are those of the kinds the plan's targets are reported by, in the tree at
/// the end of the period.
pub async fn period_reports(
    app: &App,
    actor: &Actor,
    document: DocumentId,
    period: Period,
    under: Option<UnitId>,
    as_of: Option<NaiveDate>,
) -> Result<PeriodReports> {
    let as_of = as_of.unwrap_or_else(|| app.today());
    let then = past_instant(app, as_of);
    reports_judged_on(app, actor, document, period, under, as_of, then).await
}

/// [`period_reports`] with deadlines judged on `as_of` and the reports read as they stood at
/// `then` (`None`: as they are; the daily reminders judge their day on the reports of now).
pub(crate) async fn reports_judged_on(
    app: &App,
    actor: &Actor,
    document: DocumentId,
    period: Period,
    under: Option<UnitId>,
    as_of: NaiveDate,
    then: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<PeriodReports> {
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    let doc = readable(&mut conn, &mut trees, actor, document, app.today()).await?;
    let top = doc
        .issuer_unit_id
        .ok_or_else(|| AppError::invalid("unit_outside_plan", "unit_id"))?;
    let under = under.unwrap_or(top);
    let day = period.tree_date();
    trees
        .require(&mut conn, actor, Action::Read, under, day)
        .await?;
    let calendar = calendar_for(&mut conn, document, period).await?;
    let work = {
        use chrono::Datelike;
        work_calendar(&mut conn, day.year()).await?
    };
    let tree = trees.at(&mut conn, day).await?;
    let offset = depth_below(&tree, under, top)
        .ok_or_else(|| AppError::invalid("unit_outside_plan", "unit_id"))?;
    let kinds: std::collections::HashSet<String> =
        trienkhai_store::targets::targets_of_document(&mut conn, document)
            .await?
            .into_iter()
            .flat_map(|t| t.reporting_kinds)
            .collect();
    let by_unit: std::collections::HashMap<UnitId, reports::ReportStatus> =
        reports::statuses_of_period(&mut conn, document, period, app.db.backend(), then)
            .await?
            .into_iter()
            .map(|r| (r.unit_id, r))
            .collect();
    let mut deadlines: std::collections::HashMap<u32, NaiveDate> = Default::default();
    let mut reviews: std::collections::HashMap<UnitId, bool> = Default::default();
    let mut units = Vec::new();
    for (depth, v) in tree.walk_from(under) {
        let depth = depth as u32 + offset;
        if depth == 0 || !kinds.contains(&v.kind) {
            continue;
        }
        let deadline = *deadlines
            .entry(depth)
            .or_insert_with(|| calendar.rule.deadline(&work, period, depth));
        let report = by_unit.get(&v.unit_id);
        // A past date reads each report as it stood at the end of that day.
        let state = report.map(|r| match then {
            Some(at) => r.state.at(r.submitted_at, r.reviewed_at, at),
            None => r.state,
        });
        let received = matches!(state, Some(ReportState::Submitted | ReportState::Accepted));
        let can_nudge = match v.parent_id {
            Some(parent) if !received && then.is_none() => match reviews.get(&parent) {
                Some(known) => *known,
                None => {
                    let allowed = trees
                        .allows(&mut conn, actor, Action::EditContent, parent, day)
                        .await?;
                    reviews.insert(parent, allowed);
                    allowed
                }
            },
            _ => false,
        };
        units.push(UnitReportStatus {
            can_nudge,
            unit_id: v.unit_id,
            unit_code: v.code.as_str().to_owned(),
            unit_name: v.name.clone(),
            parent_id: v.parent_id,
            depth,
            deadline: report.map_or(deadline, |r| r.deadline),
            report_id: report.map(|r| r.id),
            state,
            revision: report.map(|r| r.revision),
            // A submission that had not happened yet on a past date is not late yet either.
            late: report.is_some_and(|r| r.late) && (then.is_none() || received),
            received,
            overdue: !received && reporting::is_late(deadline, as_of),
        });
    }
    // In the tree's order: each level's units under the one they report to.
    Ok(PeriodReports {
        document_id: document,
        period,
        under,
        as_of,
        received: units.iter().filter(|u| u.received).count(),
        missing: units.iter().filter(|u| !u.received).count(),
        late: units.iter().filter(|u| u.late || u.overdue).count(),
        units,
    })
}
