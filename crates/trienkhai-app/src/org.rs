//! Use cases of the organisation tree: the tree as of a date, a unit's detail and history, and
//! the structural changes (create, rename, move, upgrade, recode, merge, split, dissolve), each
//! validated over all dates, written in one transaction with its event and audit entries.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;
use trienkhai_core::access::Action;
use trienkhai_core::ids::UnitId;
use trienkhai_core::org::{self, ChangeSet, OrgState, UnitCode, UnitVersion, VersionChange};
use trienkhai_core::validity::Validity;
use trienkhai_core::vn;
use trienkhai_store::{Conn, audit, persons, units};

use crate::scope::{Trees, hide_missing, judging_date};
use crate::{Actor, App, AppError, Result};

/// The records of this use case, as the web layer sees them.
pub use trienkhai_store::units::UnitKind;

/// A unit as shown in lists and the API.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct UnitView {
    pub id: UnitId,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub parent_id: Option<UnitId>,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    /// Depth in the tree of the date asked for (0 for a root).
    pub depth: usize,
}

impl UnitView {
    fn new(v: &UnitVersion, depth: usize) -> Self {
        Self {
            id: v.unit_id,
            code: v.code.as_str().to_owned(),
            name: v.name.clone(),
            kind: v.kind.clone(),
            parent_id: v.parent_id,
            valid_from: v.validity.from,
            valid_to: v.validity.to,
            depth,
        }
    }
}

/// The units the actor may read, as the tree stood on `as_of`, depth first in Vietnamese order.
pub async fn units_as_of(app: &App, actor: &Actor, as_of: NaiveDate) -> Result<Vec<UnitView>> {
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    let tree = trees.at(&mut conn, as_of).await?;
    Ok(tree
        .walk()
        .into_iter()
        .filter(|(_, v)| actor.access.allows(Action::Read, v.unit_id, &tree))
        .map(|(depth, v)| UnitView::new(v, depth))
        .collect())
}

/// The most units a picker offers: a province's whole tree fits.
pub const PICKABLE_UNITS: usize = 4_000;

/// The units a picker offers the actor for `action` on `as_of`: those it is allowed `action` on,
/// under `under` when given (a plan's issuer), depth first in Vietnamese order.
pub async fn units_to_pick(
    app: &App,
    actor: &Actor,
    under: Option<UnitId>,
    action: Action,
    as_of: NaiveDate,
) -> Result<Vec<UnitView>> {
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    let tree = trees.at(&mut conn, as_of).await?;
    let walked = match under {
        Some(top) if tree.get(top).is_some() => tree.walk_from(top),
        _ => tree.walk(),
    };
    Ok(walked
        .into_iter()
        .filter(|(_, v)| actor.access.allows(action, v.unit_id, &tree))
        .take(PICKABLE_UNITS)
        .map(|(depth, v)| UnitView::new(v, depth))
        .collect())
}

/// Units of the tree of `as_of` whose name or code contains `query`, ignoring case and
/// diacritics ("tiem tom" finds "Tiệm Tôm"), among those the actor reads.
pub async fn search_units(
    app: &App,
    actor: &Actor,
    query: &str,
    as_of: NaiveDate,
) -> Result<Vec<UnitView>> {
    let needle = vn::fold(query);
    Ok(units_as_of(app, actor, as_of)
        .await?
        .into_iter()
        .filter(|u| vn::fold(&u.name).contains(&needle) || vn::fold(&u.code).contains(&needle))
        .collect())
}

/// The unit that holds (or last held) `code`, whatever the date.
pub async fn unit_id_by_code(app: &App, code: &str) -> Result<Option<UnitId>> {
    let code = UnitCode::parse(code)?;
    let mut conn = app.db.reader().await?;
    Ok(units::unit_by_code(&mut conn, &code).await?)
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SuccessionView {
    pub predecessor_id: UnitId,
    pub predecessor_name: String,
    pub successor_id: UnitId,
    pub successor_name: String,
    pub effective_on: NaiveDate,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PostInUnit {
    pub post_id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub title: String,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct UnitDetail {
    pub id: UnitId,
    pub row_version: i64,
    pub source: String,
    pub note: Option<String>,
    /// The date the detail is shown for (the asked date, clamped to the unit's life).
    pub shown_on: NaiveDate,
    pub current: UnitView,
    pub lifetime: Validity,
    pub versions: Vec<UnitView>,
    pub path: Vec<UnitView>,
    pub children: Vec<UnitView>,
    pub events: Vec<units::UnitEvent>,
    pub successions: Vec<SuccessionView>,
    pub posts: Vec<PostInUnit>,
    pub can_manage: bool,
    pub can_edit: bool,
    pub can_read_history: bool,
    /// Only the unit's card (name, kind, place in the tree, life): a unit outside the reader's
    /// scope, named on a page the reader may read (an issuer, a lead unit, a parent).
    pub limited: bool,
}

use crate::unit_cards::card_visible;
pub use crate::unit_cards::openable_units;

pub async fn unit_detail(
    app: &App,
    actor: &Actor,
    unit: UnitId,
    as_of: NaiveDate,
) -> Result<UnitDetail> {
    detail(app, actor, unit, as_of, false).await
}

/// A unit's card for a reader outside its scope: what the organisation's own decisions
/// publish (name, kind, parent, life, structural changes), never its people, its units below
/// outside the reader's scope, or its history. A page links every unit it names; the card is
/// what the link shows a reader who may not read the unit whole. Inside the scope it is the
/// whole detail.
pub async fn unit_card(
    app: &App,
    actor: &Actor,
    unit: UnitId,
    as_of: NaiveDate,
) -> Result<UnitDetail> {
    detail(app, actor, unit, as_of, true).await
}

async fn detail(
    app: &App,
    actor: &Actor,
    unit: UnitId,
    as_of: NaiveDate,
    card_outside_scope: bool,
) -> Result<UnitDetail> {
    let mut conn = app.db.reader().await?;
    let row = units::get_unit(&mut conn, unit)
        .await
        .map_err(|e| hide_missing(actor, Action::Read, e.into()))?;
    let versions = units::versions_of(&mut conn, unit).await?;
    let shown_on = judging_date(&versions, as_of).ok_or(AppError::NotFound)?;
    let mut trees = Trees::shared(app);
    let limited = match trees
        .require(&mut conn, actor, Action::Read, unit, shown_on)
        .await
    {
        Ok(()) => false,
        Err(AppError::Forbidden) if card_outside_scope => {
            if !card_visible(&mut conn, &mut trees, actor, unit, shown_on).await? {
                return Err(AppError::Forbidden);
            }
            true
        }
        Err(e) => return Err(e),
    };
    let can_manage = trees
        .allows(&mut conn, actor, Action::ManageStructure, unit, shown_on)
        .await?;
    let can_edit = trees
        .allows(&mut conn, actor, Action::EditContent, unit, shown_on)
        .await?;
    let can_read_history = trees
        .allows(&mut conn, actor, Action::ReadHistory, unit, shown_on)
        .await?;
    let tree = trees.at(&mut conn, shown_on).await?;
    let current = tree.get(unit).ok_or(AppError::NotFound)?;
    let path = tree.path(unit);
    let depth = path.len().saturating_sub(1);
    let children = tree
        .children(unit)
        .iter()
        .filter_map(|c| tree.get(*c))
        .filter(|c| actor.access.allows(Action::Read, c.unit_id, &tree))
        .map(|c| UnitView::new(c, depth + 1))
        .collect();
    let lifetime = OrgState::new(versions.clone())
        .lifetime(unit)
        .ok_or(AppError::NotFound)?;
    let mut successions = Vec::new();
    for s in units::successions_of(&mut conn, unit).await? {
        successions.push(SuccessionView {
            predecessor_id: s.predecessor_id,
            predecessor_name: last_name(&mut conn, s.predecessor_id).await?,
            successor_id: s.successor_id,
            successor_name: last_name(&mut conn, s.successor_id).await?,
            effective_on: s.effective_on,
        });
    }
    let posts = if limited {
        Vec::new()
    } else {
        persons::posts_in_unit(&mut conn, unit, shown_on).await?
    };
    let posts = posts
        .into_iter()
        .map(|(p, name)| PostInUnit {
            post_id: p.id.0,
            person_id: p.person_id.0,
            person_name: name,
            title: p.title,
            valid_from: p.validity.from,
            valid_to: p.validity.to,
        })
        .collect();
    Ok(UnitDetail {
        id: unit,
        row_version: row.row_version,
        source: row.source,
        note: row.note,
        shown_on,
        current: UnitView::new(current, depth),
        lifetime,
        versions: versions.iter().map(|v| UnitView::new(v, depth)).collect(),
        path: path
            .iter()
            .enumerate()
            .map(|(i, v)| UnitView::new(v, i))
            .collect(),
        children,
        events: units::events_of(&mut conn, unit).await?,
        successions,
        posts,
        can_manage,
        can_edit,
        can_read_history,
        limited,
    })
}

async fn last_name(conn: &mut Conn, unit: UnitId) -> Result<String> {
    Ok(units::versions_of(conn, unit)
        .await?
        .last()
        .map(|v| v.name.clone())
        .unwrap_or_default())
}

/// What every structural change carries: when, on what legal basis, why.
#[derive(Debug, Clone, Default)]
pub struct ChangeContext {
    pub effective_on: Option<NaiveDate>,
    /// The document that decided it, e.g. `724/NQ-UBTVQH15`.
    pub basis: Option<String>,
    pub note: Option<String>,
    /// `user` for real changes; the demo marks what it invents as `illustrative`.
    pub source: Option<String>,
}

impl ChangeContext {
    fn effective_on(&self) -> Result<NaiveDate> {
        self.effective_on
            .ok_or_else(|| AppError::invalid("required", "effective_on"))
    }

    fn source(&self) -> Result<String> {
        let source = self.source.clone().unwrap_or_else(|| "user".into());
        if ["user", "record", "article", "illustrative"].contains(&source.as_str()) {
            Ok(source)
        } else {
            Err(AppError::invalid("invalid", "source"))
        }
    }

    fn basis(&self) -> Result<Option<String>> {
        optional_text(self.basis.as_deref(), "basis", 200)
    }

    fn note(&self) -> Result<Option<String>> {
        optional_text(self.note.as_deref(), "note", 2000)
    }
}

pub(crate) fn optional_text(
    input: Option<&str>,
    field: &str,
    max: usize,
) -> Result<Option<String>> {
    match input.map(vn::clean_text).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(text) if text.chars().count() > max => Err(AppError::Invalid(
            trienkhai_core::error::DomainError::new("too_long", field).with_detail(max.to_string()),
        )),
        Some(text) => Ok(Some(text)),
    }
}

/// The first version of a new unit, as typed by a user.
#[derive(Debug, Clone, Default)]
pub struct NewUnit {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub parent_id: Option<UnitId>,
    pub valid_to: Option<NaiveDate>,
}

impl NewUnit {
    fn version(&self, unit: UnitId, from: NaiveDate) -> Result<UnitVersion> {
        Ok(UnitVersion {
            id: None,
            unit_id: unit,
            code: UnitCode::parse(&self.code)?,
            name: org::parse_name(&self.name, "name", 200)?,
            kind: org::parse_kind(&self.kind)?,
            parent_id: self.parent_id,
            validity: Validity::new(from, self.valid_to)?,
        })
    }
}

/// The whole tree with its successions, as structural changes are validated against it.
async fn load_state(conn: &mut Conn) -> Result<OrgState> {
    let versions = units::all_versions(conn).await?;
    Ok(OrgState::new(versions).with_successions(units::all_successions(conn).await?))
}

/// Requires the right to change the structure of `unit` (or at the top, when `None`) on every
/// day of `period`: a change from a date reaches as far as the version it cuts.
async fn require_structure(
    trees: &mut Trees,
    conn: &mut Conn,
    actor: &Actor,
    unit: Option<UnitId>,
    period: Validity,
) -> Result<()> {
    match unit {
        Some(unit) => {
            trees
                .require_over(conn, actor, Action::ManageStructure, unit, period)
                .await
        }
        None if actor.access.allows_everywhere(Action::ManageStructure) => Ok(()),
        None => Err(AppError::Forbidden),
    }
}

/// The days a change of `unit` from `effective` reaches: to the end of the version it cuts.
async fn reach(conn: &mut Conn, unit: UnitId, effective: NaiveDate) -> Result<Validity> {
    let versions = units::versions_of(conn, unit).await?;
    let to = versions
        .iter()
        .find(|v| v.validity.contains(effective))
        .and_then(|v| v.validity.to);
    Ok(Validity {
        from: effective,
        to,
    })
}

fn versions_json(state: &OrgState, unit: UnitId) -> serde_json::Value {
    let versions: Vec<UnitView> = state
        .versions_of(unit)
        .map(|v| UnitView::new(v, 0))
        .collect();
    serde_json::json!({ "versions": versions })
}

/// A planned structural change, ready to be validated and written.
struct Planned<'a> {
    state: &'a OrgState,
    changes: &'a ChangeSet,
    /// The event kind (`create`, `merge` …).
    kind: &'a str,
    ctx: &'a ChangeContext,
    /// Row versions the user saw, by unit.
    expected: &'a HashMap<UnitId, i64>,
}

/// Validates the change over all dates, then writes it with its event, row versions and one
/// audit entry per touched unit, and commits.
async fn commit_changes(
    app: &App,
    mut tx: trienkhai_store::Tx,
    actor: &Actor,
    planned: Planned<'_>,
) -> Result<()> {
    let Planned {
        state,
        changes,
        kind,
        ctx,
        expected,
    } = planned;
    let after = state.apply(changes);
    org::validate(&after)?;
    let now = app.now();
    let basis = ctx.basis()?;
    let note = ctx.note()?;
    let source = ctx.source()?;
    let event = units::insert_event(
        &mut tx,
        &units::NewEvent {
            kind,
            effective_on: ctx.effective_on()?,
            basis: basis.as_deref(),
            note: note.as_deref(),
            source: &source,
            actor_account_id: actor.account_id.map(|a| a.0),
        },
        now,
    )
    .await?;
    units::apply_changes(&mut tx, changes, event).await?;
    for &unit in &changes.touched {
        if let Some(end) = after.lifetime(unit).and_then(|life| life.to) {
            crate::people::close_posts_at_unit_end(&mut tx, app, actor, unit, end).await?;
        }
    }
    for &unit in &changes.touched {
        let row_version =
            match units::bump_row_version(&mut tx, unit, expected.get(&unit).copied()).await {
                Err(trienkhai_store::StoreError::Conflict) => {
                    return Err(AppError::Conflict {
                        current: Some(versions_json(state, unit)),
                    });
                }
                other => other?,
            };
        let before = state
            .versions_of(unit)
            .next()
            .map(|_| versions_json(state, unit));
        let mut after_json = versions_json(&after, unit);
        after_json["row_version"] = row_version.into();
        after_json["basis"] = basis.clone().into();
        audit::append(
            &mut tx,
            &actor.audit_entry(kind, "unit", unit.0, before, Some(after_json)),
            now,
        )
        .await?;
    }
    trienkhai_store::commit(tx).await?;
    Ok(())
}

pub async fn create_unit(
    app: &App,
    actor: &Actor,
    input: &NewUnit,
    ctx: &ChangeContext,
) -> Result<UnitId> {
    let from = ctx.effective_on()?;
    let mut tx = app.db.begin_structural().await?;
    let mut trees = Trees::default();
    let period = Validity::new(from, input.valid_to)?;
    require_structure(&mut trees, &mut tx, actor, input.parent_id, period).await?;
    let state = load_state(&mut tx).await?;
    let source = ctx.source()?;
    let unit = units::insert_unit(&mut tx, &source, ctx.note()?.as_deref(), app.now()).await?;
    let mut changes = ChangeSet::default();
    changes.added.push(input.version(unit, from)?);
    changes.touched.insert(unit);
    commit_changes(
        app,
        tx,
        actor,
        Planned {
            state: &state,
            changes: &changes,
            kind: "create",
            ctx,
            expected: &HashMap::new(),
        },
    )
    .await?;
    Ok(unit)
}

/// What kind of new version a [`UnitChange`] makes; recorded as the event's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    Rename,
    Move,
    Upgrade,
    Recode,
    Edit,
}

impl ChangeKind {
    pub fn parse(s: &str) -> Result<Self> {
        Ok(match s {
            "rename" => ChangeKind::Rename,
            "move" => ChangeKind::Move,
            "upgrade" => ChangeKind::Upgrade,
            "recode" => ChangeKind::Recode,
            "edit" => ChangeKind::Edit,
            _ => return Err(AppError::invalid("invalid", "change")),
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Rename => "rename",
            ChangeKind::Move => "move",
            ChangeKind::Upgrade => "upgrade",
            ChangeKind::Recode => "recode",
            ChangeKind::Edit => "edit",
        }
    }
}

/// A new version of one unit from a date: any of code, name, kind and parent.
#[derive(Debug, Clone)]
pub struct UnitChange {
    pub kind: ChangeKind,
    pub code: Option<String>,
    pub name: Option<String>,
    pub unit_kind: Option<String>,
    /// `Some(None)`: to the top of the tree.
    pub parent_id: Option<Option<UnitId>>,
    /// The row version the user saw.
    pub version: i64,
}

pub async fn change_unit(
    app: &App,
    actor: &Actor,
    unit: UnitId,
    input: &UnitChange,
    ctx: &ChangeContext,
) -> Result<()> {
    let effective = ctx.effective_on()?;
    let change = VersionChange {
        code: input.code.as_deref().map(UnitCode::parse).transpose()?,
        name: input
            .name
            .as_deref()
            .map(|n| org::parse_name(n, "name", 200))
            .transpose()?,
        kind: input
            .unit_kind
            .as_deref()
            .map(org::parse_kind)
            .transpose()?,
        parent_id: input.parent_id,
    };
    let mut tx = app.db.begin_structural().await?;
    units::get_unit(&mut tx, unit).await?;
    let mut trees = Trees::default();
    let period = reach(&mut tx, unit, effective).await?;
    require_structure(&mut trees, &mut tx, actor, Some(unit), period).await?;
    if let Some(parent) = input.parent_id {
        require_structure(&mut trees, &mut tx, actor, parent, period).await?;
    }
    let state = load_state(&mut tx).await?;
    let changes = state.plan_new_version(unit, effective, change)?;
    let expected = HashMap::from([(unit, input.version)]);
    commit_changes(
        app,
        tx,
        actor,
        Planned {
            state: &state,
            changes: &changes,
            kind: input.kind.as_str(),
            ctx,
            expected: &expected,
        },
    )
    .await?;
    Ok(())
}

/// Several units into one: an existing unit (`target_id`) or a new one (`new_target`).
#[derive(Debug, Clone, Default)]
pub struct MergeInput {
    pub sources: Vec<UnitId>,
    pub target_id: Option<UnitId>,
    pub new_target: Option<NewUnit>,
    /// Row versions the user saw, by unit; units left out are not checked.
    pub versions: HashMap<UnitId, i64>,
}

pub async fn merge_units(
    app: &App,
    actor: &Actor,
    input: &MergeInput,
    ctx: &ChangeContext,
) -> Result<UnitId> {
    let effective = ctx.effective_on()?;
    let mut tx = app.db.begin_structural().await?;
    let mut trees = Trees::default();
    for &source in &input.sources {
        units::get_unit(&mut tx, source)
            .await
            .map_err(|_| AppError::invalid("unit_not_found", "sources"))?;
        let period = reach(&mut tx, source, effective).await?;
        require_structure(&mut trees, &mut tx, actor, Some(source), period).await?;
    }
    let state = load_state(&mut tx).await?;
    let (target, first_version) = match (&input.target_id, &input.new_target) {
        (Some(target), None) => {
            if state.version_at(*target, effective).is_none() {
                return Err(AppError::invalid("unit_not_valid_on_date", "target_id"));
            }
            let period = reach(&mut tx, *target, effective).await?;
            require_structure(&mut trees, &mut tx, actor, Some(*target), period).await?;
            (*target, None)
        }
        (None, Some(new)) => {
            let period = Validity::new(effective, new.valid_to)?;
            require_structure(&mut trees, &mut tx, actor, new.parent_id, period).await?;
            let unit = units::insert_unit(&mut tx, &ctx.source()?, None, app.now()).await?;
            (unit, Some(new.version(unit, effective)?))
        }
        _ => return Err(AppError::invalid("required", "target_id")),
    };
    let changes = state.plan_merge(&input.sources, target, first_version, effective)?;
    commit_changes(
        app,
        tx,
        actor,
        Planned {
            state: &state,
            changes: &changes,
            kind: "merge",
            ctx,
            expected: &input.versions,
        },
    )
    .await?;
    Ok(target)
}

/// One unit into several new ones; each child of the source still alive goes to the part
/// whose index `children` gives.
#[derive(Debug, Clone, Default)]
pub struct SplitInput {
    pub parts: Vec<NewUnit>,
    pub children: HashMap<UnitId, usize>,
    pub version: i64,
}

pub async fn split_unit(
    app: &App,
    actor: &Actor,
    source: UnitId,
    input: &SplitInput,
    ctx: &ChangeContext,
) -> Result<Vec<UnitId>> {
    let effective = ctx.effective_on()?;
    let mut tx = app.db.begin_structural().await?;
    units::get_unit(&mut tx, source).await?;
    let mut trees = Trees::default();
    let period = reach(&mut tx, source, effective).await?;
    require_structure(&mut trees, &mut tx, actor, Some(source), period).await?;
    let state = load_state(&mut tx).await?;
    let mut part_ids = Vec::new();
    let mut parts = Vec::new();
    for part in &input.parts {
        let period = Validity::new(effective, part.valid_to)?;
        require_structure(&mut trees, &mut tx, actor, part.parent_id, period).await?;
        let unit = units::insert_unit(&mut tx, &ctx.source()?, None, app.now()).await?;
        parts.push(part.version(unit, effective)?);
        part_ids.push(unit);
    }
    let mut child_to_part = HashMap::new();
    for (&child, &index) in &input.children {
        let part = part_ids
            .get(index)
            .ok_or_else(|| AppError::invalid("invalid", "children"))?;
        child_to_part.insert(child, *part);
    }
    let changes = state.plan_split(source, parts, &child_to_part, effective)?;
    let expected = HashMap::from([(source, input.version)]);
    commit_changes(
        app,
        tx,
        actor,
        Planned {
            state: &state,
            changes: &changes,
            kind: "split",
            ctx,
            expected: &expected,
        },
    )
    .await?;
    Ok(part_ids)
}

/// Ends a unit: it is valid until the day before `effective_on`.
pub async fn dissolve_unit(
    app: &App,
    actor: &Actor,
    unit: UnitId,
    version: i64,
    ctx: &ChangeContext,
) -> Result<()> {
    let effective = ctx.effective_on()?;
    let mut tx = app.db.begin_structural().await?;
    units::get_unit(&mut tx, unit).await?;
    let mut trees = Trees::default();
    let period = reach(&mut tx, unit, effective).await?;
    require_structure(&mut trees, &mut tx, actor, Some(unit), period).await?;
    let state = load_state(&mut tx).await?;
    let changes = state.plan_dissolve(unit, effective)?;
    let expected = HashMap::from([(unit, version)]);
    commit_changes(
        app,
        tx,
        actor,
        Planned {
            state: &state,
            changes: &changes,
            kind: "dissolve",
            ctx,
            expected: &expected,
        },
    )
    .await?;
    Ok(())
}

/// The kinds of unit, for forms.
pub async fn unit_kinds(app: &App) -> Result<Vec<units::UnitKind>> {
    let mut conn = app.db.reader().await?;
    Ok(units::kinds(&mut conn).await?)
}
