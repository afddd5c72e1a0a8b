//! Work items as shown: each with its state on a day, its units and responsible person named,
//! its roadmap and requests; a plan's list (two or three reads whatever its length, served from
//! memory while nothing is written) and an item's sub-items.

use super::*;
use crate::documents::{readable, require_edit};
use crate::scope::{Trees, hide_missing};
use crate::{Actor, App, AppError, Result};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashMap;
use trienkhai_core::access::Action;
use trienkhai_core::ids::{DocumentId, PersonId, UnitId, WorkItemId};
use trienkhai_core::work_item::{FormerDeadline, Request, State, with_parts};
use trienkhai_store::work_items::{self, Milestone, RequestRow, WorkItem};
use trienkhai_store::{Conn, documents, persons, units};

/// A work item as shown: its state on a day, its units named, its roadmap and requests.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct WorkItemView {
    #[serde(flatten)]
    pub item: WorkItem,
    /// The state shown: the item's own, never saying more than its parts ([`with_parts`]).
    pub state: State,
    /// The state from the item's own progress and deadline alone.
    pub own_state: State,
    pub state_on: NaiveDate,
    /// Its parts (one per unit it was split to): how many, how many done, how many overdue.
    pub parts_total: usize,
    pub parts_done: usize,
    pub parts_overdue: usize,
    /// What reports said of the item and its parts, newest period first (details only).
    pub reported: Vec<ReportedLine>,
    pub lead_unit_name: String,
    pub coordinating_unit_names: Vec<String>,
    pub responsible_person_name: Option<String>,
    pub former_deadlines: Vec<FormerDeadline>,
    pub pending_request: Option<Request>,
    pub milestones: Vec<Milestone>,
    pub requests: Vec<RequestRow>,
    pub sub_items: usize,
    pub can_edit: bool,
    pub can_report: bool,
}

/// A work item's line in a unit's report: how far it had come, as the unit said.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ReportedLine {
    pub report_id: i64,
    pub work_item_id: WorkItemId,
    pub unit_name: String,
    pub period: trienkhai_core::period::Period,
    pub report_state: trienkhai_core::reporting::ReportState,
    pub percent: Option<i64>,
    pub narrative: Option<String>,
}

/// The views of `items` on `day` (today, or the end of a past period), with `requests` their
/// requests by item. What they name (units, responsible persons) is read once for the whole
/// list: a plan's list is two or three reads, not two per item.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn views(
    conn: &mut Conn,
    trees: &mut Trees,
    actor: &Actor,
    items: Vec<WorkItem>,
    mut requests: HashMap<WorkItemId, Vec<RequestRow>>,
    day: NaiveDate,
    today: NaiveDate,
    with_details: bool,
) -> Result<Vec<WorkItemView>> {
    let named: Vec<UnitId> = items
        .iter()
        .flat_map(|i| std::iter::once(i.lead_unit_id).chain(i.coordinating_unit_ids.clone()))
        .collect();
    let versions = units::versions_of_units(conn, &named).await?;
    let name = |unit: UnitId, on: NaiveDate| {
        versions
            .get(&unit)
            .and_then(|v| crate::scope::name_on(v, on))
            .unwrap_or_default()
    };
    let ids: Vec<WorkItemId> = items.iter().map(|i| i.id).collect();
    let mut parts: HashMap<WorkItemId, Vec<State>> = HashMap::new();
    for (parent, progress, deadline, paused_since) in work_items::part_schedules(conn, &ids).await?
    {
        let schedule = trienkhai_core::work_item::Schedule {
            progress,
            deadline,
            former_deadlines: Vec::new(),
            paused_since,
            pending: None,
        };
        parts
            .entry(parent)
            .or_default()
            .push(schedule.state_on(day));
    }
    let mut person_names: HashMap<PersonId, Option<String>> = HashMap::new();
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let requests = requests.remove(&item.id).unwrap_or_default();
        let schedule = schedule_of(&item, &requests);
        let name_day = item.deadline.min(today);
        let responsible_person_name = match item.responsible_person_id {
            Some(p) => match person_names.get(&p) {
                Some(known) => known.clone(),
                None => {
                    let known =
                        if crate::people::can_read_person(conn, trees, actor, p, today).await? {
                            Some(persons::get_person(conn, p).await?.full_name)
                        } else {
                            None
                        };
                    person_names.insert(p, known.clone());
                    known
                }
            },
            None => None,
        };
        let (can_edit, can_report, milestones, sub_items) = if with_details {
            let doc = documents::get_document(conn, item.document_id).await?;
            let edit = require_edit(conn, trees, actor, doc.issuer_unit_id, doc.issued_on)
                .await
                .is_ok();
            let report = edit
                || require_lead_or_plan(conn, trees, actor, &item, today)
                    .await
                    .is_ok();
            (
                edit,
                report,
                work_items::milestones_of(conn, item.id).await?,
                work_items::children_of(conn, item.id).await?.len(),
            )
        } else {
            (false, false, Vec::new(), 0)
        };
        let own_state = schedule.state_on(day);
        let part_states = parts.remove(&item.id).unwrap_or_default();
        let reported = if with_details {
            reported_lines(conn, trees, actor, &item).await?
        } else {
            Vec::new()
        };
        out.push(WorkItemView {
            state: with_parts(own_state, &part_states),
            own_state,
            state_on: day,
            parts_total: part_states.len(),
            parts_done: part_states
                .iter()
                .filter(|s| matches!(s, State::DoneOnTime | State::DoneLate))
                .count(),
            parts_overdue: part_states.iter().filter(|s| **s == State::Overdue).count(),
            reported,
            lead_unit_name: name(item.lead_unit_id, name_day),
            coordinating_unit_names: item
                .coordinating_unit_ids
                .iter()
                .map(|u| name(*u, name_day))
                .collect(),
            responsible_person_name,
            former_deadlines: schedule.former_deadlines.clone(),
            pending_request: schedule.pending.clone(),
            milestones,
            requests: if with_details { requests } else { Vec::new() },
            sub_items,
            can_edit,
            can_report,
            item,
        });
    }
    Ok(out)
}

/// What the reports said of `item` and of its parts, each line named by its unit: the lines of
/// the reports the actor may read.
async fn reported_lines(
    conn: &mut Conn,
    trees: &mut Trees,
    actor: &Actor,
    item: &WorkItem,
) -> Result<Vec<ReportedLine>> {
    let mut ids = vec![item.id];
    ids.extend(
        work_items::children_of(conn, item.id)
            .await?
            .iter()
            .map(|c| c.id),
    );
    let mut lines = Vec::new();
    for (report, line) in trienkhai_store::reports::lines_of_items(conn, &ids).await? {
        if trees
            .require(
                conn,
                actor,
                Action::Read,
                report.unit_id,
                report.period.tree_date(),
            )
            .await
            .is_ok()
        {
            lines.push((report, line));
        }
    }
    let units: Vec<UnitId> = lines.iter().map(|(r, _)| r.unit_id).collect();
    let versions = units::versions_of_units(conn, &units).await?;
    Ok(lines
        .into_iter()
        .map(|(report, line)| ReportedLine {
            report_id: report.id,
            work_item_id: line.work_item_id,
            unit_name: versions
                .get(&report.unit_id)
                .and_then(|v| crate::scope::name_on(v, report.period.dates().1))
                .unwrap_or_default(),
            period: report.period,
            report_state: report.state,
            percent: line.percent,
            narrative: line.narrative,
        })
        .collect())
}

pub async fn get_work_item(
    app: &App,
    actor: &Actor,
    id: WorkItemId,
    day: Option<NaiveDate>,
) -> Result<WorkItemView> {
    let today = app.today();
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    let item = work_items::get_work_item(&mut conn, id)
        .await
        .map_err(|e| hide_missing(actor, Action::Read, e.into()))?;
    readable(&mut conn, &mut trees, actor, item.document_id, today).await?;
    let requests = HashMap::from([(item.id, work_items::requests_of(&mut conn, id).await?)]);
    let mut views = views(
        &mut conn,
        &mut trees,
        actor,
        vec![item],
        requests,
        day.unwrap_or(today),
        today,
        true,
    )
    .await?;
    views.pop().ok_or(AppError::NotFound)
}

/// How many work-item lists an instance keeps.
pub(crate) const ITEM_LISTS_KEPT: usize = 256;

/// What a kept work-item list was asked for, by whom and on which day.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ItemsKey {
    account: trienkhai_core::ids::AccountId,
    today: NaiveDate,
    document: DocumentId,
    day: Option<NaiveDate>,
}

/// The top-level items of a document, with their state on `day`: served from memory while
/// nothing was written since it was read, like the plan's figures.
pub async fn items_of_document(
    app: &App,
    actor: &Actor,
    document: DocumentId,
    day: Option<NaiveDate>,
) -> Result<std::sync::Arc<Vec<WorkItemView>>> {
    let Some(account) = actor.account_id else {
        return Ok(std::sync::Arc::new(
            compute_items_of_document(app, actor, document, day).await?,
        ));
    };
    let key = ItemsKey {
        account,
        today: app.today(),
        document,
        day,
    };
    app.item_lists
        .get_or_compute_for(app, actor, key, || {
            compute_items_of_document(app, actor, document, day)
        })
        .await
}

pub(super) async fn compute_items_of_document(
    app: &App,
    actor: &Actor,
    document: DocumentId,
    day: Option<NaiveDate>,
) -> Result<Vec<WorkItemView>> {
    let today = app.today();
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    readable(&mut conn, &mut trees, actor, document, today).await?;
    let items = work_items::top_items_of_document(&mut conn, document).await?;
    let requests = work_items::requests_of_document(&mut conn, document).await?;
    views(
        &mut conn,
        &mut trees,
        actor,
        items,
        requests,
        day.unwrap_or(today),
        today,
        false,
    )
    .await
}

/// The sub-items of an item.
pub async fn sub_items(
    app: &App,
    actor: &Actor,
    id: WorkItemId,
    day: Option<NaiveDate>,
) -> Result<Vec<WorkItemView>> {
    let today = app.today();
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    let item = work_items::get_work_item(&mut conn, id)
        .await
        .map_err(|e| hide_missing(actor, Action::Read, e.into()))?;
    readable(&mut conn, &mut trees, actor, item.document_id, today).await?;
    let children = work_items::children_of(&mut conn, id).await?;
    let ids: Vec<WorkItemId> = children.iter().map(|c| c.id).collect();
    let requests = work_items::requests_of_items(&mut conn, &ids).await?;
    views(
        &mut conn,
        &mut trees,
        actor,
        children,
        requests,
        day.unwrap_or(today),
        today,
        false,
    )
    .await
}
