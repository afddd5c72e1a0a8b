//! What a unit's report contains (C8): the sheet that lists the targets the unit must report
//! and the work items it leads or coordinates, with what it has entered so far; the draft saved
//! in one transaction (narrative, values, work item lines); the evidence files attached to it.
//!
//! The state machine, deadlines and review live in [`crate::reporting`]; this module owns the
//! contents.

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde::Serialize;
use trienkhai_core::access::Action;
use trienkhai_core::ids::{TargetId, UnitId, WorkItemId};
use trienkhai_core::over_time::OverTime;
use trienkhai_core::rollup::Observation;
use trienkhai_core::unusual::Unusual;
use trienkhai_core::work_item::State;
use trienkhai_store::reports::{self, Evidence, Report, ReportItem};
use trienkhai_store::targets::{self, Actual, PlannedValue, Target};
use trienkhai_store::work_items::{self, WorkItem};
use trienkhai_store::{Conn, StoreError, audit, documents};

use crate::reporting::{ReportView, report_view};
use crate::scope::{Trees, hide_missing, unit_name_on};
use crate::targets::{ActualInput, enclosing};
use crate::{Actor, App, AppError, Result};

/// A report's narrative may hold a whole level's consolidated text.
pub const MAX_NARRATIVE_CHARS: usize = 200_000;

/// One target on a unit's report.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SheetTarget {
    pub target: Target,
    /// What the unit is measured against for the period: its quota, else the plan's value.
    pub goal: Option<PlannedValue>,
    pub actual: Option<Actual>,
    /// The value was entered through this report (not imported or typed elsewhere).
    pub in_report: bool,
    /// The unit's value for the period of the same kind just before (March for April).
    pub previous: Option<Actual>,
    /// Why the value deserves a second look, if it does: asked of the person typing before
    /// sending, flagged to the reviewer (never a refusal).
    pub unusual: Option<Unusual>,
}

/// One work item on a unit's report.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SheetItem {
    pub item: WorkItem,
    /// Its state at the end of the period (or today, for a period not over).
    pub state: State,
    pub line: Option<ReportItem>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ReportSheet {
    #[serde(flatten)]
    pub view: ReportView,
    pub unit_name: String,
    pub unit_code: String,
    pub document_number: String,
    pub targets: Vec<SheetTarget>,
    pub items: Vec<SheetItem>,
    pub evidence: Vec<Evidence>,
}

/// The targets a unit reports under a plan: those whose reporting unit kinds include the
/// unit's kind, and those it answers for.
pub(crate) fn reports_target(
    target: &Target,
    unit: UnitId,
    kind: &str,
    plan_unit: Option<UnitId>,
) -> bool {
    if target.reporting_kinds.is_empty() {
        target.responsible_unit_id.or(plan_unit) == Some(unit)
    } else {
        target.reporting_kinds.iter().any(|k| k == kind)
    }
}

/// The work items of the report's plan that the unit leads or coordinates (including the parts
/// split to it), in plan order.
async fn items_of(conn: &mut Conn, report: &Report) -> Result<Vec<WorkItem>> {
    let mut items: Vec<WorkItem> = work_items::items_of_unit(conn, report.unit_id)
        .await?
        .into_iter()
        .filter(|i| i.document_id == report.document_id)
        .collect();
    items.sort_by(|a, b| (a.sort_order, &a.code).cmp(&(b.sort_order, &b.code)));
    Ok(items)
}

async fn targets_of(conn: &mut Conn, trees: &mut Trees, report: &Report) -> Result<Vec<Target>> {
    let doc = documents::get_document(conn, report.document_id).await?;
    let tree = trees.at(conn, report.period.tree_date()).await?;
    let kind = tree
        .get(report.unit_id)
        .map(|v| v.kind.clone())
        .unwrap_or_default();
    // Targets computed from attendance or from ratings are written by them, never typed.
    let mut computed = trienkhai_store::attendance_targets::computed_ids(conn).await?;
    computed.extend(trienkhai_store::rating_targets::computed_ids(conn).await?);
    computed.extend(trienkhai_store::criteria_links::computed_ids(conn).await?);
    Ok(targets::targets_of_document(conn, report.document_id)
        .await?
        .into_iter()
        .filter(|t| reports_target(t, report.unit_id, &kind, doc.issuer_unit_id))
        .filter(|t| !computed.contains(&t.id))
        .collect())
}

/// The report with everything the unit enters in it, for whoever may read the unit.
pub async fn report_sheet(app: &App, actor: &Actor, id: i64) -> Result<ReportSheet> {
    let today = app.today();
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    let report = reports::get_report(&mut conn, id)
        .await
        .map_err(|e| hide_missing(actor, Action::Read, e.into()))?;
    let day = report.period.tree_date();
    trees
        .require(&mut conn, actor, Action::Read, report.unit_id, day)
        .await?;
    let in_report: std::collections::HashSet<i64> = reports::actuals_of_report(&mut conn, id)
        .await?
        .into_iter()
        .map(|a| a.0)
        .collect();
    let mut sheet_targets = Vec::new();
    for target in targets_of(&mut conn, &mut trees, &report).await? {
        let quotas = targets::quotas(&mut conn, target.id).await?;
        let mine = quotas.iter().filter(|q| q.unit_id == Some(report.unit_id));
        let goal = match enclosing(mine, report.period) {
            Some(q) => Some(q.clone()),
            None if target.aggregation.target_applies_below() => {
                let planned = targets::target_values(&mut conn, target.id).await?;
                enclosing(planned.iter(), report.period).cloned()
            }
            None => None,
        };
        let history = targets::actuals_of_unit(&mut conn, target.id, report.unit_id).await?;
        let actual = history.iter().find(|a| a.period == report.period).cloned();
        let previous = report
            .period
            .previous()
            .and_then(|p| history.iter().find(|a| a.period == p).cloned());
        let unusual = actual
            .as_ref()
            .and_then(|a| a.observation.number())
            .and_then(|value| {
                // The unit's twelve latest values of the same kind of period, before this one.
                let (start, _) = report.period.dates();
                let mut earlier: Vec<&Actual> = history
                    .iter()
                    .filter(|a| a.period.same_kind(&report.period) && a.period.dates().1 < start)
                    .collect();
                earlier.sort_by_key(|a| a.period.dates().0);
                let numbers: Vec<Decimal> = earlier
                    .iter()
                    .rev()
                    .take(12)
                    .filter_map(|a| a.observation.number())
                    .collect();
                // A flow's part against the goal of the whole it adds up to.
                let whole = goal
                    .as_ref()
                    .filter(|g| {
                        target.over_time == OverTime::Sum
                            && g.period != report.period
                            && target.value_type != trienkhai_core::target::ValueType::Ratio
                    })
                    .map(|g| (g.value, g.period));
                trienkhai_core::unusual::unusual(value, &numbers, whole)
            });
        sheet_targets.push(SheetTarget {
            previous,
            unusual,
            in_report: actual.as_ref().is_some_and(|a| in_report.contains(&a.id.0)),
            goal,
            actual,
            target,
        });
    }
    let lines: HashMap<WorkItemId, ReportItem> = reports::items_of_report(&mut conn, id)
        .await?
        .into_iter()
        .map(|l| (l.work_item_id, l))
        .collect();
    let state_day = report.period.dates().1.min(today);
    let mut items = Vec::new();
    for item in items_of(&mut conn, &report).await? {
        let requests = work_items::requests_of(&mut conn, item.id).await?;
        let state = crate::work_items::schedule_of(&item, &requests).state_on(state_day);
        items.push(SheetItem {
            line: lines.get(&item.id).cloned(),
            state,
            item,
        });
    }
    let evidence = reports::evidence_of(&mut conn, id).await?;
    let unit_name = unit_name_on(&mut conn, report.unit_id, day)
        .await?
        .unwrap_or_default();
    let document_number = documents::get_document(&mut conn, report.document_id)
        .await?
        .number;
    let unit_code = trees
        .at(&mut conn, day)
        .await?
        .get(report.unit_id)
        .map(|v| v.code.as_str().to_owned())
        .unwrap_or_default();
    let view = report_view(&mut conn, &mut trees, actor, report).await?;
    Ok(ReportSheet {
        view,
        unit_name,
        unit_code,
        document_number,
        targets: sheet_targets,
        items,
        evidence,
    })
}

/// A value entered on the report. Every field empty (and not "not applicable") clears a value
/// entered before.
#[derive(Debug, Clone)]
pub struct DraftValue {
    pub target_id: TargetId,
    pub input: ActualInput,
}

impl DraftValue {
    fn is_empty(&self) -> bool {
        let i = &self.input;
        i.value.is_none()
            && i.numerator.is_none()
            && i.denominator.is_none()
            && i.flag.is_none()
            && !i.not_applicable
    }
}

/// A work item's line on the report: how far along it is and what was done.
#[derive(Debug, Clone)]
pub struct DraftLine {
    pub work_item_id: WorkItemId,
    pub percent: Option<i64>,
    pub narrative: Option<String>,
}

/// A report's draft as saved from its page or the API, with the report's version read.
#[derive(Debug, Clone, Default)]
pub struct ReportDraft {
    pub version: i64,
    /// `None` keeps the narrative as it is.
    pub narrative: Option<String>,
    pub values: Vec<DraftValue>,
    pub lines: Vec<DraftLine>,
}

/// Names the target whose value is at fault, so that one bad field among forty is found.
fn at_target(e: AppError, code: &str) -> AppError {
    match e {
        AppError::Invalid(mut d) => {
            d.detail = Some(match d.detail.take() {
                Some(detail) => format!("{code}: {detail}"),
                None => code.to_owned(),
            });
            AppError::Invalid(d)
        }
        other => other,
    }
}

fn same_value(before: &Actual, input: &ActualInput, target: &Target) -> bool {
    let note = input
        .note
        .as_deref()
        .map(trienkhai_core::vn::clean_text)
        .filter(|n| !n.is_empty());
    input
        .observation(target)
        .is_ok_and(|o| o == before.observation)
        && note == before.note
}

/// Saves a draft: the narrative, the values that changed and the work item lines, all or
/// nothing. The report's version guards the whole sheet; each value keeps its own version too.
/// Returns the report's new version.
pub async fn save_draft(app: &App, actor: &Actor, id: i64, draft: &ReportDraft) -> Result<i64> {
    let narrative = match &draft.narrative {
        Some(n) => {
            let n = trienkhai_core::vn::clean_paragraphs(n);
            if n.chars().count() > MAX_NARRATIVE_CHARS {
                return Err(AppError::invalid("too_long", "narrative"));
            }
            Some(n)
        }
        None => None,
    };
    let mut tx = app.db.begin().await?;
    let mut trees = Trees::shared(app);
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
    if report.row_version != draft.version {
        return Err(AppError::Conflict {
            current: Some(serde_json::to_value(&report).unwrap_or_default()),
        });
    }
    let sheet_targets: HashMap<TargetId, Target> = targets_of(&mut tx, &mut trees, &report)
        .await?
        .into_iter()
        .map(|t| (t.id, t))
        .collect();
    let sheet_items: HashMap<WorkItemId, WorkItem> = items_of(&mut tx, &report)
        .await?
        .into_iter()
        .map(|i| (i.id, i))
        .collect();
    let text = match &narrative {
        Some(n) => (!n.is_empty()).then_some(n.as_str()),
        None => report.narrative.as_deref(),
    };
    let version = match reports::update_narrative(&mut tx, id, text, draft.version, app.now()).await
    {
        Err(StoreError::Conflict) => return Err(AppError::Conflict { current: None }),
        other => other?,
    };
    // The values: checked once for the unit and period, the current ones read in one query,
    // the unchanged skipped, the rest written in one batch.
    if !draft.values.is_empty() {
        let (start, end) = report.period.dates();
        let span =
            trienkhai_core::validity::Validity::new(start, Some(end)).expect("ordered period");
        trees
            .require_over(&mut tx, actor, Action::Report, report.unit_id, span)
            .await?;
    }
    let current: HashMap<TargetId, Actual> =
        targets::actuals_of_unit_period(&mut tx, report.unit_id, report.period)
            .await?
            .into_iter()
            .map(|a| (a.target_id, a))
            .collect();
    let mut changes: Vec<(TargetId, Observation, Option<String>, Option<i64>)> = Vec::new();
    let mut audit_values = Vec::new();
    for v in &draft.values {
        let target = sheet_targets
            .get(&v.target_id)
            .ok_or_else(|| AppError::invalid("target_not_on_report", "target_id"))?;
        let before = current.get(&target.id);
        let stale = |b: &Actual| v.input.row_version != Some(b.row_version);
        if v.is_empty() {
            let Some(before) = before else { continue };
            if stale(before) {
                return Err(AppError::Conflict {
                    current: Some(serde_json::to_value(before).unwrap_or_default()),
                });
            }
            targets::delete_actual(
                &mut tx,
                target.id,
                report.unit_id,
                report.period,
                before.row_version,
            )
            .await?;
            audit_values.push(
                serde_json::json!({ "target": target.code, "before": before, "after": null }),
            );
            continue;
        }
        if let Some(b) = before
            && same_value(b, &v.input, target)
        {
            if stale(b) {
                return Err(AppError::Conflict {
                    current: Some(serde_json::to_value(b).unwrap_or_default()),
                });
            }
            continue;
        }
        let observation = v
            .input
            .observation(target)
            .map_err(|e| at_target(e, &target.code))?;
        let note = v
            .input
            .note
            .as_deref()
            .map(trienkhai_core::vn::clean_text)
            .filter(|n| !n.is_empty());
        if note.as_ref().is_some_and(|n| n.chars().count() > 1000) {
            return Err(at_target(
                AppError::invalid("too_long", "note"),
                &target.code,
            ));
        }
        if let (Some(b), expected) = (before, v.input.row_version)
            && expected != Some(b.row_version)
        {
            return Err(AppError::Conflict {
                current: Some(serde_json::to_value(b).unwrap_or_default()),
            });
        }
        if before.is_none() && v.input.row_version.is_some() {
            // The value the writer saw was removed since.
            return Err(AppError::Conflict { current: None });
        }
        audit_values.push(serde_json::json!({
            "target": target.code, "before": before, "after": observation, "note": note,
        }));
        changes.push((target.id, observation, note, before.map(|b| b.row_version)));
    }
    let batch: Vec<targets::BatchValue> = changes
        .iter()
        .map(|(t, o, n, v)| targets::BatchValue {
            target_id: *t,
            observation: o,
            note: n.as_deref(),
            expected_version: *v,
        })
        .collect();
    match targets::put_actuals_batch(
        &mut tx,
        report.unit_id,
        report.period,
        Some(id),
        &batch,
        "user",
        actor.account_id,
        app.now(),
    )
    .await
    {
        Err(StoreError::Conflict) => return Err(AppError::Conflict { current: None }),
        other => other?,
    }
    for line in &draft.lines {
        let item = sheet_items
            .get(&line.work_item_id)
            .ok_or_else(|| AppError::invalid("item_not_on_report", "work_item_id"))?;
        if line.percent.is_some_and(|p| !(0..=100).contains(&p)) {
            return Err(at_target(
                AppError::invalid("out_of_range", "percent"),
                &item.code,
            ));
        }
        let narrative = line
            .narrative
            .as_deref()
            .map(trienkhai_core::vn::clean_paragraphs)
            .filter(|n| !n.is_empty());
        if narrative.as_ref().is_some_and(|n| n.chars().count() > 4000) {
            return Err(at_target(
                AppError::invalid("too_long", "narrative"),
                &item.code,
            ));
        }
        reports::put_report_item(
            &mut tx,
            &ReportItem {
                report_id: id,
                work_item_id: item.id,
                percent: line.percent,
                narrative,
            },
        )
        .await?;
    }
    audit::append(
        &mut tx,
        &actor.audit_entry(
            "save",
            "report",
            id,
            Some(serde_json::to_value(&report).unwrap_or_default()),
            Some(serde_json::json!({
                "narrative": text,
                "values": audit_values,
                "lines": draft.lines.len(),
            })),
        ),
        app.now(),
    )
    .await?;
    trienkhai_store::commit(tx).await?;
    Ok(version)
}

/// Attaches an evidence file to a draft report (optionally to one of its work items): size and
/// type checked from the bytes, the name cleaned and never used as a path, the content hashed.
pub async fn attach_evidence(
    app: &App,
    actor: &Actor,
    id: i64,
    work_item: Option<WorkItemId>,
    file_name: &str,
    bytes: &[u8],
) -> Result<i64> {
    let (name, content_type) = crate::documents::check_upload(file_name, bytes)?;
    let sha = crate::auth::sha256_hex(bytes);
    let mut tx = app.db.begin().await?;
    let mut trees = Trees::shared(app);
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
    if let Some(w) = work_item
        && !items_of(&mut tx, &report).await?.iter().any(|i| i.id == w)
    {
        return Err(AppError::invalid("item_not_on_report", "work_item_id"));
    }
    let evidence = reports::insert_evidence(
        &mut tx,
        &reports::NewEvidence {
            report_id: id,
            work_item_id: work_item,
            file_name: &name,
            content_type,
            sha256: &sha,
            content: bytes,
            uploaded_by: actor.account_id,
        },
        app.now(),
    )
    .await?;
    audit::append(
        &mut tx,
        &actor.audit_entry(
            "attach",
            "report",
            id,
            None,
            Some(serde_json::json!({
                "evidence_id": evidence, "file_name": name, "sha256": sha, "size": bytes.len(),
            })),
        ),
        app.now(),
    )
    .await?;
    trienkhai_store::commit(tx).await?;
    Ok(evidence)
}

/// An evidence file and its bytes, for whoever may read the report's unit.
pub async fn evidence_file(app: &App, actor: &Actor, id: i64) -> Result<(Evidence, Vec<u8>)> {
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    let (record, bytes) = reports::evidence_content(&mut conn, id)
        .await
        .map_err(|e| hide_missing(actor, Action::Read, e.into()))?;
    let report = reports::get_report(&mut conn, record.report_id).await?;
    trees
        .require(
            &mut conn,
            actor,
            Action::Read,
            report.unit_id,
            report.period.tree_date(),
        )
        .await?;
    Ok((record, bytes))
}
