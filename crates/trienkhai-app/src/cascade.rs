//! Reading plans as a whole (C4, C7): a plan's overview with its headline "x/y chỉ tiêu đạt và
//! vượt", targets and items grouped by theme and field; the cascade of an item up to the highest
//! document and down to the lowest sub-item; the coverage report of what lower plans leave out;
//! and "my unit's plan": everything a unit leads or coordinates, what is late, what is due soon.

use std::collections::HashSet;

use chrono::NaiveDate;
use serde::Serialize;
use trienkhai_core::access::Action;
use trienkhai_core::ids::{DocumentId, TargetId, UnitId, WorkItemId};
use trienkhai_core::period::Period;
use trienkhai_core::work_item::State;
use trienkhai_store::targets::{FrameEntry, Target};
use trienkhai_store::work_items::WorkItem;
use trienkhai_store::{Conn, accounts, documents, persons, targets, units, work_items};

use crate::documents::{DocumentView, can_read, readable};
use crate::scope::{Trees, hide_missing};
use crate::targets::{UnitFigure, computed_at};
use crate::work_items::{WorkItemView, views as item_views};
use crate::{Actor, App, AppError, Result};

/// How many days ahead "due soon" looks.
pub const DUE_SOON_DAYS: i64 = 30;

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct TargetRow {
    #[serde(flatten)]
    pub target: Target,
    /// `None` when the actor may not read the unit's figures.
    pub figure: Option<UnitFigure>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Headline {
    /// Targets achieved or exceeded.
    pub met: usize,
    /// Targets with a verdict (achieved, exceeded or not achieved): the others are progress
    /// towards a longer period's goal, incomplete, without data or not applicable.
    pub judged: usize,
    pub total: usize,
    pub no_data: usize,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PlanOverview {
    pub document: DocumentView,
    pub period: Period,
    pub unit_id: Option<UnitId>,
    pub unit_name: Option<String>,
    /// The day work item states are judged on: today, or the end of a past period.
    pub state_on: NaiveDate,
    pub headline: Headline,
    pub targets: Vec<TargetRow>,
    pub items: Vec<WorkItemView>,
    pub themes: Vec<FrameEntry>,
    pub fields: Vec<FrameEntry>,
    /// Item counts per state.
    pub states: Vec<(State, usize)>,
}

/// How many of `rows` have a verdict.
pub(crate) fn judged(rows: &[TargetRow]) -> usize {
    rows.iter()
        .filter(|r| {
            r.figure.as_ref().is_some_and(|f| {
                f.status.is_met() || f.status == trienkhai_core::target::Status::NotAchieved
            })
        })
        .count()
}

/// A plan for a period, seen from `unit` (by default the issuer).
pub async fn plan_overview(
    app: &App,
    actor: &Actor,
    document: DocumentId,
    period: Period,
    unit: Option<UnitId>,
) -> Result<PlanOverview> {
    let today = app.today();
    let state_on = today.min(period.tree_date());
    // What takes connections of its own (the kept item list, the figures computed in parallel)
    // runs while this one holds none: with every reader held by a request waiting for a second,
    // the pool would wait on itself.
    let items = crate::work_items::items_of_document(app, actor, document, Some(state_on))
        .await?
        .as_ref()
        .clone();
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    let doc = readable(&mut conn, &mut trees, actor, document, today).await?;
    let unit = match unit {
        Some(u) => Some(u),
        None => default_unit(&mut conn, &mut trees, actor, &doc, period).await?,
    };
    let figures_allowed = match unit {
        Some(u) => {
            trees
                .allows(&mut conn, actor, Action::Read, u, period.tree_date())
                .await?
        }
        None => false,
    };
    let figure_unit = unit.filter(|_| figures_allowed);
    drop(conn);
    let rows = figures_of(app, &mut trees, document, period, figure_unit).await?;
    let mut conn = app.db.reader().await?;
    let headline = Headline {
        met: rows
            .iter()
            .filter(|r| r.figure.as_ref().is_some_and(|f| f.status.is_met()))
            .count(),
        judged: judged(&rows),
        total: rows.len(),
        no_data: rows
            .iter()
            .filter(|r| {
                r.figure
                    .as_ref()
                    .is_none_or(|f| f.status == trienkhai_core::target::Status::NoData)
            })
            .count(),
    };
    let mut states: Vec<(State, usize)> = Vec::new();
    for i in &items {
        match states.iter_mut().find(|(s, _)| *s == i.state) {
            Some((_, n)) => *n += 1,
            None => states.push((i.state, 1)),
        }
    }
    let unit_name = match unit {
        Some(u) if figures_allowed => {
            crate::scope::unit_name_on(&mut conn, u, period.tree_date()).await?
        }
        _ => None,
    };
    let document = crate::documents::view(&mut conn, &mut trees, actor, doc).await?;
    Ok(PlanOverview {
        document,
        period,
        unit_id: unit,
        unit_name,
        state_on,
        headline,
        targets: rows,
        items,
        themes: targets::themes(&mut conn).await?,
        fields: targets::fields(&mut conn).await?,
        states,
    })
}

/// Every target of a document with `unit`'s figure (none without a unit): the versions of
/// all targets and the tree generation are read once, each figure then comes from the cache
/// when it is current.
async fn figures_of(
    app: &App,
    trees: &mut Trees,
    document: DocumentId,
    period: Period,
    unit: Option<UnitId>,
) -> Result<Vec<TargetRow>> {
    // No connection is held while the missing figures are computed on connections of their own.
    let (versions, generation, plan_targets) = {
        let mut conn = app.db.reader().await?;
        let versions: std::collections::HashMap<TargetId, i64> =
            targets::values_versions_of_document(&mut conn, document, period)
                .await?
                .into_iter()
                .collect();
        let generation = units::generation(&mut conn).await?;
        let plan_targets = targets::targets_of_document(&mut conn, document).await?;
        (versions, generation, plan_targets)
    };
    if unit.is_some() {
        crate::targets::compute_missing(app, &versions, period, generation).await?;
    }
    let mut conn = app.db.reader().await?;
    figures_at(
        app,
        &mut conn,
        trees,
        &FigureBasis {
            targets: &plan_targets,
            versions: &versions,
            generation,
        },
        period,
        unit,
        None,
    )
    .await
}

/// What the figures of several periods are read against: the plan's targets, their values
/// versions and the tree generation, read once.
pub(crate) struct FigureBasis<'a> {
    pub targets: &'a [Target],
    pub versions: &'a std::collections::HashMap<TargetId, i64>,
    pub generation: i64,
}

/// Every target's figure for `unit`, its whole-tree roll-ups read as `reading` says, in
/// parallel (a dashboard's past months, or any month as of a past instant).
pub(crate) async fn figures_read(
    app: &App,
    basis: &FigureBasis<'_>,
    period: Period,
    unit: UnitId,
    reading: crate::targets::Reading,
) -> Result<Vec<TargetRow>> {
    let wanted: Vec<(TargetId, i64)> = basis.versions.iter().map(|(t, v)| (*t, *v)).collect();
    let computed: std::collections::HashMap<TargetId, _> =
        crate::targets::compute_many(app, wanted, period, basis.generation, reading)
            .await?
            .into_iter()
            .collect();
    Ok(basis
        .targets
        .iter()
        .map(|t| TargetRow {
            target: t.clone(),
            figure: computed
                .get(&t.id)
                .filter(|c| c.tree.get(unit).is_some())
                .map(|c| c.figure_of(unit)),
        })
        .collect())
}

/// [`figures_of`] against a basis already read (a dashboard reads twelve months); with `at`, as
/// the values counted at that past instant (computed, not cached).
pub(crate) async fn figures_at(
    app: &App,
    conn: &mut Conn,
    trees: &mut Trees,
    basis: &FigureBasis<'_>,
    period: Period,
    unit: Option<UnitId>,
    at: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<Vec<TargetRow>> {
    if let (Some(at), Some(u)) = (at, unit) {
        return figures_read(app, basis, period, u, crate::targets::Reading::At(at)).await;
    }
    if unit.is_some() {
        crate::targets::compute_missing(app, basis.versions, period, basis.generation).await?;
    }
    let mut rows = Vec::with_capacity(basis.targets.len());
    for target in basis.targets {
        let figure = match unit {
            Some(u) => {
                let version = basis.versions.get(&target.id).copied().unwrap_or_default();
                let c = computed_at(
                    app,
                    conn,
                    trees,
                    target.id,
                    period,
                    version,
                    basis.generation,
                )
                .await?;
                c.tree.get(u).is_some().then(|| c.figure_of(u))
            }
            None => None,
        };
        rows.push(TargetRow {
            target: target.clone(),
            figure,
        });
    }
    Ok(rows)
}

/// How many figure lists an instance keeps (forty targets' figures each).
pub(crate) const FIGURE_LISTS_KEPT: usize = 256;

/// What a kept figure list was asked for, by whom and on which day.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FiguresKey {
    account: trienkhai_core::ids::AccountId,
    today: chrono::NaiveDate,
    document: DocumentId,
    period: Period,
    unit: UnitId,
}

/// Every target of a plan with `unit`'s figure for `period`: the plan's table, the API's list
/// (budget B4: served from memory while nothing was written since it was read), and budget B1
/// (every target rolled up over the whole tree).
pub async fn document_figures(
    app: &App,
    actor: &Actor,
    document: DocumentId,
    period: Period,
    unit: UnitId,
) -> Result<std::sync::Arc<Vec<TargetRow>>> {
    let Some(account) = actor.account_id else {
        return Ok(std::sync::Arc::new(
            compute_figures(app, actor, document, period, unit).await?,
        ));
    };
    let key = FiguresKey {
        account,
        today: app.today(),
        document,
        period,
        unit,
    };
    app.figure_lists
        .get_or_compute_for(app, actor, key, || {
            compute_figures(app, actor, document, period, unit)
        })
        .await
}

async fn compute_figures(
    app: &App,
    actor: &Actor,
    document: DocumentId,
    period: Period,
    unit: UnitId,
) -> Result<Vec<TargetRow>> {
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    readable(&mut conn, &mut trees, actor, document, app.today()).await?;
    trees
        .require(&mut conn, actor, Action::Read, unit, period.tree_date())
        .await?;
    drop(conn);
    figures_of(app, &mut trees, document, period, Some(unit)).await
}

/// The unit a plan is seen from by default: its issuer when the actor may read the issuer's
/// figures, else the actor's own unit inside the plan (a commune editor sees its commune).
pub(crate) async fn default_unit(
    conn: &mut Conn,
    trees: &mut Trees,
    actor: &Actor,
    doc: &trienkhai_store::documents::Document,
    period: Period,
) -> Result<Option<UnitId>> {
    let Some(issuer) = doc.issuer_unit_id else {
        return Ok(None);
    };
    let day = period.tree_date();
    if trees.allows(conn, actor, Action::Read, issuer, day).await? {
        return Ok(Some(issuer));
    }
    let tree = trees.at(conn, day).await?;
    Ok(actor
        .access
        .roots_for(Action::Read)
        .unwrap_or_default()
        .into_iter()
        .find(|root| tree.is_within(*root, issuer)))
}

/// The unit a target's page opens on for the actor (see [`default_unit`]).
pub async fn default_unit_for_document(
    app: &App,
    actor: &Actor,
    document: DocumentId,
    period: Period,
) -> Result<Option<UnitId>> {
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    let doc = readable(&mut conn, &mut trees, actor, document, app.today()).await?;
    default_unit(&mut conn, &mut trees, actor, &doc, period).await
}

/// One step of a cascade.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Step {
    Document {
        id: DocumentId,
        number: String,
        summary: String,
    },
    WorkItem {
        id: WorkItemId,
        code: String,
        title: String,
        document_number: String,
        depth: usize,
        state: State,
    },
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Cascade {
    /// From the item up to the highest document: parents, concretized items, their documents.
    pub up: Vec<Step>,
    /// Sub-items and the items of lower plans that concretize it, depth first.
    pub down: Vec<Step>,
}

async fn item_step(
    conn: &mut Conn,
    item: &WorkItem,
    depth: usize,
    today: NaiveDate,
) -> Result<Step> {
    let doc = documents::get_document(conn, item.document_id).await?;
    let schedule = trienkhai_core::work_item::Schedule {
        progress: item.progress,
        deadline: item.deadline,
        former_deadlines: Vec::new(),
        paused_since: item.paused_since,
        pending: None,
    };
    Ok(Step::WorkItem {
        id: item.id,
        code: item.code.clone(),
        title: item.title.clone(),
        document_number: doc.number,
        depth,
        state: schedule.state_on(today),
    })
}

/// Follows an item up to the highest document and down to the lowest sub-item.
pub async fn cascade(app: &App, actor: &Actor, id: WorkItemId) -> Result<Cascade> {
    let today = app.today();
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    let item = work_items::get_work_item(&mut conn, id)
        .await
        .map_err(|e| hide_missing(actor, Action::Read, e.into()))?;
    readable(&mut conn, &mut trees, actor, item.document_id, today).await?;
    let mut up = Vec::new();
    let mut cursor = Some(item.clone());
    let mut last_doc = item.document_id;
    while let Some(current) = cursor.take() {
        if up.len() > 128 {
            break;
        }
        if current.id != id {
            let doc = documents::get_document(&mut conn, current.document_id).await?;
            if !can_read(&mut conn, &mut trees, actor, &doc, today).await? {
                break;
            }
            up.push(item_step(&mut conn, &current, 0, today).await?);
        }
        last_doc = current.document_id;
        let next = match (current.parent_id, current.concretizes) {
            (Some(p), _) | (None, Some(p)) => Some(work_items::get_work_item(&mut conn, p).await?),
            _ => None,
        };
        cursor = next;
    }
    // Then the documents, from the last item's plan upwards.
    let mut doc_cursor = Some(last_doc);
    let mut seen = HashSet::new();
    while let Some(d) = doc_cursor {
        if !seen.insert(d) {
            break;
        }
        let doc = documents::get_document(&mut conn, d).await?;
        if !can_read(&mut conn, &mut trees, actor, &doc, today).await? {
            break;
        }
        doc_cursor = doc.concretizes;
        up.push(Step::Document {
            id: doc.id,
            number: doc.number,
            summary: doc.summary,
        });
    }
    let mut down = Vec::new();
    let mut stack: Vec<(usize, WorkItemId)> = vec![(0, id)];
    let mut visited = HashSet::new();
    while let Some((depth, current)) = stack.pop() {
        if !visited.insert(current) || visited.len() > 10_000 {
            continue;
        }
        let mut below = work_items::children_of(&mut conn, current).await?;
        below.extend(work_items::items_concretizing(&mut conn, current).await?);
        for child in below.iter().rev() {
            stack.push((depth + 1, child.id));
        }
        if current != id {
            let item = work_items::get_work_item(&mut conn, current).await?;
            let doc = documents::get_document(&mut conn, item.document_id).await?;
            if can_read(&mut conn, &mut trees, actor, &doc, today).await? {
                down.push(item_step(&mut conn, &item, depth, today).await?);
            }
        }
    }
    Ok(Cascade { up, down })
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CoverageEntry {
    pub kind: &'static str,
    pub id: i64,
    pub code: String,
    pub title: String,
    pub document_id: DocumentId,
    pub document_number: String,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Coverage {
    pub document_id: DocumentId,
    pub lower_documents: Vec<DocumentView>,
    /// Targets of the plan that no lower target concretizes and no lower item serves.
    pub uncovered_targets: Vec<CoverageEntry>,
    /// Items of the plan with no sub-item and no lower item concretizing them.
    pub uncovered_items: Vec<CoverageEntry>,
    /// Targets and items of lower plans attached to nothing above.
    pub orphans: Vec<CoverageEntry>,
}

/// What the plans that concretize `document` leave out, and what they add unattached.
pub async fn coverage(app: &App, actor: &Actor, document: DocumentId) -> Result<Coverage> {
    let today = app.today();
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    let doc = readable(&mut conn, &mut trees, actor, document, today).await?;
    let lower =
        crate::documents::lower_documents(&mut conn, &mut trees, actor, document, today).await?;
    let upper_targets = targets::targets_of_document(&mut conn, document).await?;
    let upper_items = work_items::all_items_of_document(&mut conn, document).await?;
    let upper_target_ids: HashSet<TargetId> = upper_targets.iter().map(|t| t.id).collect();
    let upper_item_ids: HashSet<WorkItemId> = upper_items.iter().map(|i| i.id).collect();
    let mut covered_targets: HashSet<TargetId> = HashSet::new();
    let mut covered_items: HashSet<WorkItemId> = HashSet::new();
    let mut orphans = Vec::new();
    // Lower targets attached above: an item serving one of them hangs from the plan too.
    let mut attached_lower: HashSet<TargetId> = HashSet::new();
    for lower_doc in &lower {
        let d = &lower_doc.document;
        for t in targets::targets_of_document(&mut conn, d.id).await? {
            match t.concretizes {
                Some(u) if upper_target_ids.contains(&u) => {
                    covered_targets.insert(u);
                    attached_lower.insert(t.id);
                }
                _ => orphans.push(CoverageEntry {
                    kind: "target",
                    id: t.id.0,
                    code: t.code,
                    title: t.name,
                    document_id: d.id,
                    document_number: d.number.clone(),
                }),
            }
        }
        for i in work_items::all_items_of_document(&mut conn, d.id).await? {
            let serves_upper: Vec<TargetId> = i
                .target_ids
                .iter()
                .copied()
                .filter(|t| upper_target_ids.contains(t))
                .collect();
            covered_targets.extend(serves_upper.iter().copied());
            let attached_item = i.concretizes.filter(|u| upper_item_ids.contains(u));
            if let Some(u) = attached_item {
                covered_items.insert(u);
            }
            // A sub-item hangs from its parent; a top item must hang from something above.
            let attached = i.parent_id.is_some()
                || attached_item.is_some()
                || !serves_upper.is_empty()
                || i.target_ids.iter().any(|t| attached_lower.contains(t));
            if !attached {
                orphans.push(CoverageEntry {
                    kind: "work_item",
                    id: i.id.0,
                    code: i.code,
                    title: i.title,
                    document_id: d.id,
                    document_number: d.number.clone(),
                });
            }
        }
    }
    // Sub-items inside the plan itself also carry it down.
    for i in &upper_items {
        if let Some(p) = i.parent_id {
            covered_items.insert(p);
        }
    }
    let uncovered_targets = upper_targets
        .iter()
        .filter(|t| !covered_targets.contains(&t.id))
        .map(|t| CoverageEntry {
            kind: "target",
            id: t.id.0,
            code: t.code.clone(),
            title: t.name.clone(),
            document_id: doc.id,
            document_number: doc.number.clone(),
        })
        .collect();
    let uncovered_items = upper_items
        .iter()
        .filter(|i| i.parent_id.is_none() && !covered_items.contains(&i.id))
        .map(|i| CoverageEntry {
            kind: "work_item",
            id: i.id.0,
            code: i.code.clone(),
            title: i.title.clone(),
            document_id: doc.id,
            document_number: doc.number.clone(),
        })
        .collect();
    Ok(Coverage {
        document_id: document,
        lower_documents: lower,
        uncovered_targets,
        uncovered_items,
        orphans,
    })
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct UnitPlan {
    pub unit_id: UnitId,
    pub unit_name: String,
    pub day: NaiveDate,
    pub overdue: Vec<WorkItemView>,
    pub due_soon: Vec<WorkItemView>,
    pub in_progress: Vec<WorkItemView>,
    pub done: Vec<WorkItemView>,
}

/// Everything `unit` leads or coordinates, sorted by what needs attention.
pub async fn unit_plan(app: &App, actor: &Actor, unit: UnitId) -> Result<UnitPlan> {
    let today = app.today();
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    trees
        .require(&mut conn, actor, Action::Read, unit, today)
        .await?;
    let unit_name = crate::scope::unit_name_on(&mut conn, unit, today)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut plan = UnitPlan {
        unit_id: unit,
        unit_name,
        day: today,
        overdue: Vec::new(),
        due_soon: Vec::new(),
        in_progress: Vec::new(),
        done: Vec::new(),
    };
    let mut items = work_items::items_of_unit(&mut conn, unit).await?;
    items.sort_by_key(|i| (i.deadline, i.id));
    let ids: Vec<_> = items.iter().map(|i| i.id).collect();
    let requests = work_items::requests_of_items(&mut conn, &ids).await?;
    for v in item_views(
        &mut conn, &mut trees, actor, items, requests, today, today, false,
    )
    .await?
    {
        let deadline = v.item.deadline;
        match v.state {
            State::Overdue => plan.overdue.push(v),
            State::DoneOnTime | State::DoneLate => plan.done.push(v),
            _ if (deadline - today).num_days() <= DUE_SOON_DAYS => plan.due_soon.push(v),
            _ => plan.in_progress.push(v),
        }
    }
    plan.done.reverse();
    Ok(plan)
}

/// The units an account works in today: those of its person's current posts, else the roots
/// of its grants.
pub async fn my_units(app: &App, actor: &Actor) -> Result<Vec<UnitId>> {
    let today = app.today();
    let mut conn = app.db.reader().await?;
    let mut out = Vec::new();
    if let Some(account) = actor.account_id {
        let account = accounts::get_account(&mut conn, account).await?;
        if let Some(person) = account.person_id {
            for post in persons::posts_of_person(&mut conn, person).await? {
                if post.validity.contains(today) && !out.contains(&post.unit_id) {
                    out.push(post.unit_id);
                }
            }
        }
    }
    if out.is_empty() {
        for g in actor.access.grants() {
            if let Some(u) = g.unit_id
                && !out.contains(&u)
            {
                out.push(u);
            }
        }
    }
    Ok(out)
}
