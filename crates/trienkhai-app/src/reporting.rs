//! Use cases of reporting cycles (C8), first part: a plan's calendars, the working calendar with
//! its corrections, a unit's report for a period (opened as a draft with its deadline, its
//! narrative saved with its version, submitted — late or not —, returned or accepted one level
//! up, reopened as a new revision after acceptance).
//!
//! Who may do what: the plan's editors set its calendars; a unit's reporters open, fill and
//! submit its reports; the reviewer is whoever may edit content at the unit's parent (the level
//! that consolidates). Still to come (issue 4): values and work item lines entered through the
//! report, evidence upload, which reports count in roll-ups, consolidation, reminders, pages.

use chrono::NaiveDate;
use serde::Serialize;
use trienkhai_core::access::Action;
use trienkhai_core::calendar::WorkCalendar;
use trienkhai_core::ids::{DocumentId, UnitId};
use trienkhai_core::period::Period;
use trienkhai_core::reporting::{self, Cadence, DeadlineRule, ReportAction, ReportState};
use trienkhai_store::reports::{self, Report, StateChange};
use trienkhai_store::{Conn, StoreError, audit, documents};

use crate::documents::{readable, require_edit};
use crate::scope::{Trees, hide_missing};
use crate::{Actor, App, AppError, Result};

/// The working calendar: the statutory one, corrected by what administrators recorded.
pub async fn work_calendar(conn: &mut Conn, around: i32) -> Result<WorkCalendar> {
    let corrections = reports::calendar_days(conn).await?;
    Ok(WorkCalendar::vietnam(around - 1..=around + 1)
        .with_days_off(corrections.iter().filter(|d| !d.working).map(|d| d.day))
        .with_working_days(corrections.iter().filter(|d| d.working).map(|d| d.day)))
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
    if years.1 < years.0 {
        return Err(AppError::invalid("end_before_start", "last_year"));
    }
    if years.1 - years.0 > 10 {
        return Err(AppError::invalid("out_of_range", "last_year"));
    }
    let mut tx = app.db.begin().await?;
    let mut trees = Trees::default();
    let doc = documents::get_document(&mut tx, document)
        .await
        .map_err(|e| hide_missing(actor, Action::EditContent, e.into()))?;
    require_edit(
        &mut tx,
        &mut trees,
        actor,
        doc.issuer_unit_id,
        doc.issued_on,
    )
    .await?;
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
    let calendars = reports::calendars_of(conn, doc.id).await?;
    let calendar = calendars
        .iter()
        .find(|c| {
            c.cadence
                .periods(c.first_year, c.last_year)
                .contains(&period)
        })
        .ok_or_else(|| AppError::invalid("period_not_in_calendar", "period"))?;
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

#[derive(Debug, Clone, Serialize)]
pub struct ReportView {
    #[serde(flatten)]
    pub report: Report,
    pub revisions: usize,
    pub can_edit: bool,
    pub can_review: bool,
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
    let can_review = report.state == ReportState::Submitted
        && reviewer_allowed(conn, trees, actor, &report).await?;
    let revisions = reports::revisions(conn, report.document_id, report.unit_id, report.period)
        .await?
        .len();
    Ok(ReportView {
        report,
        revisions,
        can_edit,
        can_review,
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
    let mut trees = Trees::default();
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

/// Saves a draft's narrative (the unit's reporters; with the version read).
pub async fn save_narrative(
    app: &App,
    actor: &Actor,
    id: i64,
    narrative: &str,
    version: i64,
) -> Result<()> {
    let narrative = trienkhai_core::vn::clean_text(narrative);
    if narrative.chars().count() > 20_000 {
        return Err(AppError::invalid("too_long", "narrative"));
    }
    let mut tx = app.db.begin().await?;
    let mut trees = Trees::default();
    let report = reports::get_report(&mut tx, id)
        .await
        .map_err(|e| hide_missing(actor, Action::Report, e.into()))?;
    trees
        .require(
            &mut tx,
            actor,
            Action::Report,
            report.unit_id,
            report.period.tree_date(),
        )
        .await?;
    if !report.state.editable() {
        return Err(AppError::invalid("report_locked", "state"));
    }
    let text = (!narrative.is_empty()).then_some(narrative.as_str());
    match reports::update_narrative(&mut tx, id, text, version, app.now()).await {
        Err(StoreError::Conflict) => {
            return Err(AppError::Conflict {
                current: Some(serde_json::to_value(&report).unwrap_or_default()),
            });
        }
        other => other?,
    };
    audit::append(
        &mut tx,
        &actor.audit_entry(
            "save",
            "report",
            id,
            Some(serde_json::to_value(&report).unwrap_or_default()),
            Some(serde_json::json!({ "narrative": text })),
        ),
        app.now(),
    )
    .await?;
    trienkhai_store::commit(tx).await?;
    Ok(())
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
        .map(trienkhai_core::vn::clean_text)
        .filter(|c| !c.is_empty());
    if action == ReportAction::Return && comment.is_none() {
        return Err(AppError::invalid("required", "comment"));
    }
    let mut tx = app.db.begin().await?;
    let mut trees = Trees::default();
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
    // Which values count depends on report states: every figure of the plan is stale.
    trienkhai_store::targets::bump_values_of_document(&mut tx, report.document_id).await?;
    let action_name = match action {
        ReportAction::Submit => "submit",
        ReportAction::Accept => "accept",
        ReportAction::Return => "return",
        ReportAction::Reopen => "reopen",
    };
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
    let mut trees = Trees::default();
    let doc = documents::get_document(&mut tx, document)
        .await
        .map_err(|e| hide_missing(actor, Action::EditContent, e.into()))?;
    require_edit(
        &mut tx,
        &mut trees,
        actor,
        doc.issuer_unit_id,
        doc.issued_on,
    )
    .await?;
    let before = reports::counted_states(&mut tx, document).await?;
    reports::set_counted_states(&mut tx, document, counted.as_str()).await?;
    trienkhai_store::targets::bump_values_of_document(&mut tx, document).await?;
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
