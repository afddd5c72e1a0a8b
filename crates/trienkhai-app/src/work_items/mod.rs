//! Use cases of work items (C6): create them under a plan with a lead unit, coordinating units,
//! a responsible person, a deadline and an expected product; split one into sub-items for lower
//! units; move them through their states; ask for a deadline move, a pause or a resumption and
//! have it decided. The state shown is computed from dates by the domain, never typed.
//!
//! Who may do what: whoever edits the plan's issuer creates, edits, splits and decides; the lead
//! unit's reporters report progress and make requests.

mod views;
pub use views::*;

use chrono::NaiveDate;
use trienkhai_core::access::Action;
use trienkhai_core::error::DomainError;
use trienkhai_core::ids::{
    DocumentId, MilestoneId, PersonId, RequestId, TargetId, UnitId, WorkItemId,
};
use trienkhai_core::org::{self, UnitCode};
use trienkhai_core::work_item::{Decision, FormerDeadline, Request, Schedule};
use trienkhai_store::work_items::{self, RequestRow, WorkItem, WorkItemFields};
use trienkhai_store::{Conn, StoreError, audit, documents, persons, targets, units};

use crate::documents::require_edit;
use crate::scope::{Trees, hide_missing};
use crate::{Actor, App, AppError, Result};

#[derive(Debug, Clone, Default)]
pub struct WorkItemInput {
    pub code: String,
    pub title: String,
    pub field_code: Option<String>,
    pub themes: Vec<String>,
    pub lead_unit_id: Option<UnitId>,
    pub coordinating_unit_ids: Vec<UnitId>,
    pub responsible_person_id: Option<PersonId>,
    pub target_ids: Vec<TargetId>,
    pub starts_on: Option<NaiveDate>,
    pub deadline: Option<NaiveDate>,
    pub expected_product: Option<String>,
    pub result: Option<String>,
    pub concretizes: Option<WorkItemId>,
    pub sort_order: i64,
}

fn optional_text(s: &Option<String>, field: &str, max: usize) -> Result<Option<String>> {
    match s.as_deref().map(trienkhai_core::vn::clean_text) {
        Some(t) if t.chars().count() > max => Err(AppError::Invalid(
            DomainError::new("too_long", field).with_detail(max.to_string()),
        )),
        Some(t) if !t.is_empty() => Ok(Some(t)),
        _ => Ok(None),
    }
}

impl WorkItemInput {
    fn fields(
        &self,
        document: DocumentId,
        parent: Option<WorkItemId>,
        source: &str,
    ) -> Result<(WorkItemFields, NaiveDate)> {
        let lead = self
            .lead_unit_id
            .ok_or_else(|| AppError::invalid("required", "lead_unit_id"))?;
        let deadline = self
            .deadline
            .ok_or_else(|| AppError::invalid("required", "deadline"))?;
        if let Some(start) = self.starts_on
            && start > deadline
        {
            return Err(AppError::invalid("end_before_start", "deadline"));
        }
        let mut coordinators = Vec::new();
        for u in &self.coordinating_unit_ids {
            if *u == lead {
                return Err(AppError::invalid(
                    "lead_also_coordinating",
                    "coordinating_unit_ids",
                ));
            }
            if !coordinators.contains(u) {
                coordinators.push(*u);
            }
        }
        let mut target_ids: Vec<TargetId> = Vec::new();
        for t in &self.target_ids {
            if !target_ids.contains(t) {
                target_ids.push(*t);
            }
        }
        Ok((
            WorkItemFields {
                document_id: document,
                parent_id: parent,
                concretizes: self.concretizes,
                code: UnitCode::parse(&self.code)?.as_str().to_owned(),
                title: org::parse_name(&self.title, "title", 1000)?,
                field_code: self
                    .field_code
                    .as_deref()
                    .map(str::trim)
                    .filter(|f| !f.is_empty())
                    .map(str::to_owned),
                themes: self
                    .themes
                    .iter()
                    .map(|t| t.trim().to_owned())
                    .filter(|t| !t.is_empty())
                    .collect(),
                lead_unit_id: lead,
                coordinating_unit_ids: coordinators,
                responsible_person_id: self.responsible_person_id,
                target_ids,
                starts_on: self.starts_on,
                expected_product: optional_text(&self.expected_product, "expected_product", 2000)?,
                result: optional_text(&self.result, "result", 4000)?,
                sort_order: self.sort_order,
                source: source.to_owned(),
            },
            deadline,
        ))
    }
}

/// Checks what needs the database: units alive at the start, targets of a plan in the same
/// chain, themes and fields known, the person known, no concretizes cycle.
async fn check_refs(
    conn: &mut Conn,
    trees: &mut Trees,
    actor: &Actor,
    f: &WorkItemFields,
    deadline: NaiveDate,
    myself: Option<WorkItemId>,
    today: NaiveDate,
) -> Result<()> {
    let doc = documents::get_document(conn, f.document_id).await?;
    for (unit, field) in std::iter::once((f.lead_unit_id, "lead_unit_id")).chain(
        f.coordinating_unit_ids
            .iter()
            .map(|u| (*u, "coordinating_unit_ids")),
    ) {
        let versions = units::versions_of(conn, unit).await?;
        if versions.is_empty() {
            return Err(AppError::invalid("not_found", field));
        }
        require_in_plan(conn, trees, &doc, unit, &versions, deadline, field).await?;
    }
    let themes = targets::themes(conn).await?;
    for t in &f.themes {
        if !themes.iter().any(|x| &x.code == t) {
            return Err(AppError::Invalid(
                DomainError::new("theme_unknown", "themes").with_detail(t.clone()),
            ));
        }
    }
    if let Some(field) = &f.field_code
        && !targets::fields(conn)
            .await?
            .iter()
            .any(|x| &x.code == field)
    {
        return Err(AppError::Invalid(
            DomainError::new("field_unknown", "field_code").with_detail(field.clone()),
        ));
    }
    for t in &f.target_ids {
        match targets::get_target(conn, *t).await {
            Err(StoreError::NotFound) => return Err(AppError::invalid("not_found", "target_ids")),
            other => {
                other?;
            }
        }
    }
    if let Some(p) = f.responsible_person_id {
        // Someone the actor may read; an unknown and a hidden person read the same.
        let known = match persons::get_person(conn, p).await {
            Err(StoreError::NotFound) => false,
            other => {
                other?;
                crate::people::can_read_person(conn, trees, actor, p, today).await?
            }
        };
        if !known {
            return Err(AppError::invalid("not_found", "responsible_person_id"));
        }
    }
    let mut cursor = f.concretizes;
    let mut steps = 0;
    while let Some(id) = cursor {
        if Some(id) == myself || steps > 64 {
            return Err(AppError::invalid("concretizes_cycle", "concretizes"));
        }
        let upper = match work_items::get_work_item(conn, id).await {
            Err(StoreError::NotFound) => return Err(AppError::invalid("not_found", "concretizes")),
            other => other?,
        };
        if steps == 0 {
            // Only an item of a plan the actor may read can be concretized.
            let upper_doc = documents::get_document(conn, upper.document_id).await?;
            if !crate::documents::can_read(conn, trees, actor, &upper_doc, today).await? {
                return Err(AppError::invalid("not_found", "concretizes"));
            }
        }
        cursor = upper.concretizes;
        steps += 1;
    }
    Ok(())
}

/// A unit an item is given to must lie in the plan's tree: under its issuer at the issue date
/// or at the deadline (a commune of the district, whatever became of it since).
async fn require_in_plan(
    conn: &mut Conn,
    trees: &mut Trees,
    doc: &trienkhai_store::documents::Document,
    unit: UnitId,
    versions: &[trienkhai_core::org::UnitVersion],
    deadline: NaiveDate,
    field: &str,
) -> Result<()> {
    let Some(issuer) = doc.issuer_unit_id else {
        return Ok(());
    };
    for day in [doc.issued_on, deadline] {
        if versions.iter().any(|v| v.validity.contains(day)) {
            let tree = trees.at(conn, day).await?;
            if tree.is_within(unit, issuer) {
                return Ok(());
            }
        }
    }
    Err(AppError::invalid("unit_outside_plan", field))
}

async fn snapshot(tx: &mut Conn, id: WorkItemId) -> Result<serde_json::Value> {
    let item = work_items::get_work_item(tx, id).await?;
    let milestones = work_items::milestones_of(tx, id).await?;
    Ok(serde_json::json!({ "work_item": item, "milestones": milestones }))
}

async fn audit_item(
    tx: &mut Conn,
    app: &App,
    actor: &Actor,
    action: &str,
    id: WorkItemId,
    before: Option<serde_json::Value>,
) -> Result<()> {
    let after = snapshot(tx, id).await?;
    audit::append(
        tx,
        &actor.audit_entry(action, "work_item", id.0, before, Some(after)),
        app.now(),
    )
    .await?;
    Ok(())
}

/// Creates a work item of a plan (or, with `parent`, a sub-item of one of its items).
pub async fn create_work_item(
    app: &App,
    actor: &Actor,
    document: DocumentId,
    parent: Option<WorkItemId>,
    input: &WorkItemInput,
    source: &str,
) -> Result<WorkItemId> {
    let mut tx = app.db.begin().await?;
    let id = create_in(
        app,
        &mut tx,
        &mut Trees::default(),
        actor,
        (document, parent),
        input,
        source,
    )
    .await?;
    trienkhai_store::commit(tx).await?;
    Ok(id)
}

/// [`create_work_item`] in the caller's transaction (a work item made with what it links to).
pub(crate) async fn create_in(
    app: &App,
    tx: &mut Conn,
    trees: &mut Trees,
    actor: &Actor,
    (document, parent): (DocumentId, Option<WorkItemId>),
    input: &WorkItemInput,
    source: &str,
) -> Result<WorkItemId> {
    let (fields, deadline) = input.fields(document, parent, source)?;
    let doc = documents::get_document(tx, document)
        .await
        .map_err(|e| hide_missing(actor, Action::EditContent, e.into()))?;
    require_edit(tx, trees, actor, doc.issuer_unit_id, doc.issued_on).await?;
    if let Some(p) = parent {
        let parent_item = work_items::get_work_item(tx, p)
            .await
            .map_err(|_| AppError::invalid("not_found", "parent_id"))?;
        if parent_item.document_id != document {
            return Err(AppError::invalid("parent_other_plan", "parent_id"));
        }
    }
    check_refs(tx, trees, actor, &fields, deadline, None, app.today()).await?;
    let id = match work_items::insert_work_item(tx, &fields, deadline, app.now()).await {
        Err(StoreError::Duplicate(_)) => {
            return Err(AppError::Invalid(
                DomainError::new("duplicate_code", "code").with_detail(fields.code.clone()),
            ));
        }
        other => other?,
    };
    audit_item(tx, app, actor, "create", id, None).await?;
    Ok(id)
}

pub(crate) async fn editable(
    tx: &mut Conn,
    trees: &mut Trees,
    actor: &Actor,
    id: WorkItemId,
) -> Result<WorkItem> {
    let item = work_items::get_work_item(tx, id)
        .await
        .map_err(|e| hide_missing(actor, Action::EditContent, e.into()))?;
    let doc = documents::get_document(tx, item.document_id).await?;
    require_edit(tx, trees, actor, doc.issuer_unit_id, doc.issued_on).await?;
    Ok(item)
}

pub async fn update_work_item(
    app: &App,
    actor: &Actor,
    id: WorkItemId,
    input: &WorkItemInput,
    version: i64,
) -> Result<()> {
    let mut tx = app.db.begin().await?;
    let mut trees = Trees::default();
    let current = editable(&mut tx, &mut trees, actor, id).await?;
    let (fields, _) = input.fields(current.document_id, current.parent_id, &current.source)?;
    check_refs(
        &mut tx,
        &mut trees,
        actor,
        &fields,
        current.deadline,
        Some(id),
        app.today(),
    )
    .await?;
    let before = snapshot(&mut tx, id).await?;
    match work_items::update_work_item(&mut tx, id, &fields, version, app.now()).await {
        Err(StoreError::Conflict) => {
            return Err(AppError::Conflict {
                current: Some(before),
            });
        }
        Err(StoreError::Duplicate(_)) => {
            return Err(AppError::invalid("duplicate_code", "code"));
        }
        other => other?,
    };
    audit_item(&mut tx, app, actor, "update", id, Some(before)).await?;
    trienkhai_store::commit(tx).await?;
    Ok(())
}

/// Splits an item into one sub-item per unit (each commune its share), with the parent's
/// title, deadline, targets and product; codes are the parent's code and the unit's code.
pub async fn split_to_units(
    app: &App,
    actor: &Actor,
    id: WorkItemId,
    units_to: &[UnitId],
) -> Result<Vec<WorkItemId>> {
    if units_to.is_empty() {
        return Err(AppError::invalid("required", "unit_ids"));
    }
    let mut tx = app.db.begin().await?;
    let mut trees = Trees::default();
    let parent = editable(&mut tx, &mut trees, actor, id).await?;
    let existing = work_items::children_of(&mut tx, id).await?;
    let mut out = Vec::new();
    for (i, unit) in units_to.iter().enumerate() {
        if existing.iter().any(|c| c.lead_unit_id == *unit) {
            continue;
        }
        let versions = units::versions_of(&mut tx, *unit).await?;
        let version = versions
            .iter()
            .find(|v| v.validity.contains(parent.deadline))
            .or(versions.last())
            .ok_or_else(|| AppError::invalid("not_found", "unit_ids"))?;
        let doc = documents::get_document(&mut tx, parent.document_id).await?;
        require_in_plan(
            &mut tx,
            &mut trees,
            &doc,
            *unit,
            &versions,
            parent.deadline,
            "unit_ids",
        )
        .await?;
        let fields = WorkItemFields {
            document_id: parent.document_id,
            parent_id: Some(id),
            concretizes: None,
            // Numbered the way offices number a task's parts (6.1, 6.2): the unit is named
            // in the title, never by its code.
            code: format!("{}.{}", parent.code, existing.len() + out.len() + 1),
            title: format!("{} — {}", parent.title, version.name),
            field_code: parent.field_code.clone(),
            themes: parent.themes.clone(),
            lead_unit_id: *unit,
            coordinating_unit_ids: Vec::new(),
            responsible_person_id: None,
            target_ids: parent.target_ids.clone(),
            starts_on: parent.starts_on,
            expected_product: parent.expected_product.clone(),
            result: None,
            sort_order: i as i64,
            source: parent.source.clone(),
        };
        let child = work_items::insert_work_item(&mut tx, &fields, parent.deadline, app.now())
            .await
            .map_err(|e| match e {
                StoreError::Duplicate(_) => AppError::invalid("duplicate_code", "unit_ids"),
                other => other.into(),
            })?;
        audit_item(&mut tx, app, actor, "split", child, None).await?;
        out.push(child);
    }
    trienkhai_store::commit(tx).await?;
    Ok(out)
}

pub(crate) fn schedule_of(item: &WorkItem, requests: &[RequestRow]) -> Schedule {
    Schedule {
        progress: item.progress,
        deadline: item.deadline,
        former_deadlines: requests
            .iter()
            .filter_map(|r| match (r.decision, r.former_deadline, r.decided_on) {
                (Decision::Approved, Some(deadline), Some(replaced_on)) => Some(FormerDeadline {
                    deadline,
                    replaced_on,
                }),
                _ => None,
            })
            .collect(),
        paused_since: item.paused_since,
        pending: requests
            .iter()
            .find(|r| r.decision == Decision::Pending)
            .map(|r| r.request.clone()),
    }
}

/// Progress the lead unit reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressChange {
    Start,
    Complete { on: NaiveDate },
}

/// Reports progress on an item: started, or done on a day (not in the future). Reporters of
/// the lead unit and editors of the plan may.
pub async fn report_progress(
    app: &App,
    actor: &Actor,
    id: WorkItemId,
    change: ProgressChange,
    result: Option<String>,
    version: i64,
) -> Result<()> {
    let today = app.today();
    let mut tx = app.db.begin().await?;
    let mut trees = Trees::default();
    let item = work_items::get_work_item(&mut tx, id)
        .await
        .map_err(|e| hide_missing(actor, Action::Report, e.into()))?;
    require_lead_or_plan(&mut tx, &mut trees, actor, &item, today).await?;
    let requests = work_items::requests_of(&mut tx, id).await?;
    let mut schedule = schedule_of(&item, &requests);
    match change {
        ProgressChange::Start => schedule.start()?,
        ProgressChange::Complete { on } => {
            if on > today {
                return Err(AppError::invalid("date_in_future", "done_on"));
            }
            if item.starts_on.is_some_and(|s| on < s) {
                return Err(AppError::invalid("end_before_start", "done_on"));
            }
            schedule.complete(on)?;
        }
    }
    let before = snapshot(&mut tx, id).await?;
    let version = match work_items::set_schedule(
        &mut tx,
        id,
        schedule.progress,
        schedule.deadline,
        schedule.paused_since,
        version,
        app.now(),
    )
    .await
    {
        Err(StoreError::Conflict) => {
            return Err(AppError::Conflict {
                current: Some(before),
            });
        }
        other => other?,
    };
    if let Some(result) = optional_text(&result, "result", 4000)? {
        let mut item = work_items::get_work_item(&mut tx, id).await?;
        item.result = Some(result);
        work_items::update_work_item(&mut tx, id, &fields_of(&item), version, app.now()).await?;
    }
    audit_item(&mut tx, app, actor, "progress", id, Some(before)).await?;
    trienkhai_store::commit(tx).await?;
    Ok(())
}

fn fields_of(item: &WorkItem) -> WorkItemFields {
    WorkItemFields {
        document_id: item.document_id,
        parent_id: item.parent_id,
        concretizes: item.concretizes,
        code: item.code.clone(),
        title: item.title.clone(),
        field_code: item.field_code.clone(),
        themes: item.themes.clone(),
        lead_unit_id: item.lead_unit_id,
        coordinating_unit_ids: item.coordinating_unit_ids.clone(),
        responsible_person_id: item.responsible_person_id,
        target_ids: item.target_ids.clone(),
        starts_on: item.starts_on,
        expected_product: item.expected_product.clone(),
        result: item.result.clone(),
        sort_order: item.sort_order,
        source: item.source.clone(),
    }
}

async fn require_lead_or_plan(
    tx: &mut Conn,
    trees: &mut Trees,
    actor: &Actor,
    item: &WorkItem,
    today: NaiveDate,
) -> Result<()> {
    let doc = documents::get_document(tx, item.document_id).await?;
    if require_edit(tx, trees, actor, doc.issuer_unit_id, doc.issued_on)
        .await
        .is_ok()
    {
        return Ok(());
    }
    // Judged today, or on the lead unit's last day if it has since been merged away.
    trees
        .require(tx, actor, Action::Report, item.lead_unit_id, today)
        .await
}

/// Asks for a deadline move, a pause or a resumption, with a reason.
pub async fn make_request(
    app: &App,
    actor: &Actor,
    id: WorkItemId,
    request: Request,
    reason: &str,
) -> Result<RequestId> {
    let today = app.today();
    let reason = org::parse_name(reason, "reason", 2000)?;
    let mut tx = app.db.begin().await?;
    let mut trees = Trees::default();
    let item = work_items::get_work_item(&mut tx, id)
        .await
        .map_err(|e| hide_missing(actor, Action::Report, e.into()))?;
    require_lead_or_plan(&mut tx, &mut trees, actor, &item, today).await?;
    let requests = work_items::requests_of(&mut tx, id).await?;
    let mut schedule = schedule_of(&item, &requests);
    schedule.request(request.clone())?;
    // A unique index allows one pending request per item, whoever asks at the same moment.
    let request_id = match work_items::insert_request(
        &mut tx,
        id,
        &request,
        &reason,
        actor.account_id,
        app.now(),
    )
    .await
    {
        Err(StoreError::Duplicate(_)) => {
            return Err(AppError::invalid("request_pending", "request"));
        }
        other => other?,
    };
    audit::append(
        &mut tx,
        &actor.audit_entry(
            "request",
            "work_item",
            id.0,
            None,
            Some(serde_json::json!({ "request_id": request_id, "request": request, "reason": reason })),
        ),
        app.now(),
    )
    .await?;
    trienkhai_store::commit(tx).await?;
    Ok(request_id)
}

/// Approves or refuses the pending request of an item; the plan's editors decide. An approved
/// deadline move keeps the former deadline on record.
pub async fn decide_request(
    app: &App,
    actor: &Actor,
    id: WorkItemId,
    decision: Decision,
    note: Option<&str>,
) -> Result<()> {
    if decision == Decision::Pending {
        return Err(AppError::invalid("invalid", "decision"));
    }
    let note = note
        .map(trienkhai_core::vn::clean_text)
        .filter(|n| !n.is_empty());
    if note.as_ref().is_some_and(|n| n.chars().count() > 2000) {
        return Err(AppError::invalid("too_long", "note"));
    }
    let note = note.as_deref();
    let today = app.today();
    let mut tx = app.db.begin().await?;
    let mut trees = Trees::default();
    let item = editable(&mut tx, &mut trees, actor, id).await?;
    let requests = work_items::requests_of(&mut tx, id).await?;
    let pending = requests
        .iter()
        .find(|r| r.decision == Decision::Pending)
        .ok_or_else(|| AppError::invalid("no_pending_request", "request"))?
        .clone();
    let mut schedule = schedule_of(&item, &requests);
    let former = schedule.deadline;
    schedule.decide(decision, today)?;
    let before = snapshot(&mut tx, id).await?;
    let moved = schedule.deadline != former;
    work_items::decide_request(
        &mut tx,
        pending.id,
        decision,
        moved.then_some(former),
        actor.account_id,
        today,
        note,
    )
    .await?;
    if decision == Decision::Approved {
        work_items::set_schedule(
            &mut tx,
            id,
            schedule.progress,
            schedule.deadline,
            schedule.paused_since,
            item.row_version,
            app.now(),
        )
        .await?;
    }
    audit_item(&mut tx, app, actor, "decide", id, Some(before)).await?;
    trienkhai_store::commit(tx).await?;
    Ok(())
}

pub async fn add_milestone(
    app: &App,
    actor: &Actor,
    id: WorkItemId,
    title: &str,
    due_on: NaiveDate,
) -> Result<MilestoneId> {
    let title = org::parse_name(title, "title", 500)?;
    let mut tx = app.db.begin().await?;
    let mut trees = Trees::default();
    editable(&mut tx, &mut trees, actor, id).await?;
    let before = snapshot(&mut tx, id).await?;
    let m = work_items::insert_milestone(&mut tx, id, &title, due_on).await?;
    audit_item(&mut tx, app, actor, "milestone", id, Some(before)).await?;
    trienkhai_store::commit(tx).await?;
    Ok(m)
}

pub async fn complete_milestone(
    app: &App,
    actor: &Actor,
    id: WorkItemId,
    milestone: MilestoneId,
    done_on: Option<NaiveDate>,
) -> Result<()> {
    let today = app.today();
    if done_on.is_some_and(|d| d > today) {
        return Err(AppError::invalid("date_in_future", "done_on"));
    }
    let mut tx = app.db.begin().await?;
    let mut trees = Trees::default();
    let item = work_items::get_work_item(&mut tx, id)
        .await
        .map_err(|e| hide_missing(actor, Action::Report, e.into()))?;
    require_lead_or_plan(&mut tx, &mut trees, actor, &item, today).await?;
    if !work_items::milestones_of(&mut tx, id)
        .await?
        .iter()
        .any(|m| m.id == milestone)
    {
        return Err(AppError::NotFound);
    }
    let before = snapshot(&mut tx, id).await?;
    work_items::set_milestone_done(&mut tx, milestone, done_on).await?;
    audit_item(&mut tx, app, actor, "milestone", id, Some(before)).await?;
    trienkhai_store::commit(tx).await?;
    Ok(())
}
