//! The dated organisation tree (C1). A unit keeps one identity for its whole life; what it is
//! called, what kind it is and where it hangs are *versions* with validity intervals, so a rename,
//! an upgrade (xã → thị trấn) or a move is a new version of the same unit, and everything reported
//! by the unit stays attached to it. Merges and splits end units and start others, joined by
//! succession links so that history stays queryable after a whole level vanishes.
//!
//! Structural operations are planned here as pure functions over the current state: each returns
//! a [`ChangeSet`] that the caller applies and [`validate`]s before writing, so that the rules
//! (no cycle, no overlap, no duplicate code, a parent alive for its child's whole interval) hold
//! for every date, not just the one being edited.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::DomainError;
use crate::ids::{UnitId, UnitVersionId};
use crate::validity::{Validity, day_before};
use crate::vn;

/// A unit code such as `X-ANTHUY`: upper-case ASCII letters, digits, `-`, `_` and `.`.
/// Codes are what offices type and what imports match on, so they are kept plain.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(transparent)]
pub struct UnitCode(String);

impl UnitCode {
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let code = vn::clean_text(input).to_uppercase();
        if code.is_empty() {
            return Err(DomainError::new("required", "code"));
        }
        if code.chars().count() > 40 {
            return Err(DomainError::new("too_long", "code").with_detail("40"));
        }
        if let Some(bad) = code
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        {
            return Err(DomainError::new("code_invalid_char", "code").with_detail(bad.to_string()));
        }
        Ok(Self(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A cleaned, NFC, non-empty name of at most `max` characters.
pub fn parse_name(input: &str, field: &str, max: usize) -> Result<String, DomainError> {
    let name = vn::clean_text(input);
    if name.is_empty() {
        return Err(DomainError::new("required", field));
    }
    if name.chars().count() > max {
        return Err(DomainError::new("too_long", field).with_detail(max.to_string()));
    }
    Ok(name)
}

/// A unit kind (`dang_uy_xa`, `chi_bo`, `phong_ban` …). Kinds are data, so any lower-case
/// identifier is accepted; the catalogue of labels lives in the database.
pub fn parse_kind(input: &str) -> Result<String, DomainError> {
    let kind = input.trim().to_lowercase();
    if kind.is_empty() {
        return Err(DomainError::new("required", "kind"));
    }
    if kind.len() > 40
        || !kind
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        return Err(DomainError::new("kind_invalid", "kind"));
    }
    Ok(kind)
}

/// One dated state of a unit: its code, name, kind and parent over an interval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UnitVersion {
    /// `None` for a version not yet stored.
    pub id: Option<UnitVersionId>,
    pub unit_id: UnitId,
    pub code: UnitCode,
    pub name: String,
    pub kind: String,
    pub parent_id: Option<UnitId>,
    pub validity: Validity,
}

/// The attributes a new version takes; the rest is carried over from the version it replaces.
#[derive(Debug, Clone, Default)]
pub struct VersionChange {
    pub code: Option<UnitCode>,
    pub name: Option<String>,
    pub kind: Option<String>,
    /// `Some(None)` moves the unit to the top of the tree.
    pub parent_id: Option<Option<UnitId>>,
}

/// A link from an ended unit to the unit that took over its territory or duties.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Succession {
    pub predecessor_id: UnitId,
    pub successor_id: UnitId,
    pub effective_on: NaiveDate,
}

/// What a structural operation does to the stored tree.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeSet {
    /// Stored versions whose interval now ends on the given date.
    pub closed: Vec<(UnitVersionId, NaiveDate)>,
    /// Stored versions replaced outright, because the change starts on the day they start.
    pub removed: Vec<UnitVersionId>,
    /// New versions to store.
    pub added: Vec<UnitVersion>,
    pub successions: Vec<Succession>,
    /// Every unit the operation touches (its row version is bumped).
    pub touched: BTreeSet<UnitId>,
}

impl ChangeSet {
    /// Ends `version` the day before `effective`, or removes it when it starts that very day.
    fn supersede(&mut self, version: &UnitVersion, effective: NaiveDate) {
        let id = version.id.expect("only stored versions are superseded");
        if version.validity.from == effective {
            self.removed.push(id);
        } else {
            self.closed.push((id, day_before(effective)));
        }
    }
}

/// All versions of all units: the state structural operations are planned against.
#[derive(Debug, Clone, Default)]
pub struct OrgState {
    pub versions: Vec<UnitVersion>,
    /// Stored successions, so that ending a unit cannot leave a later succession dangling.
    pub successions: Vec<Succession>,
}

impl OrgState {
    pub fn new(versions: Vec<UnitVersion>) -> Self {
        Self {
            versions,
            successions: Vec::new(),
        }
    }

    pub fn with_successions(mut self, successions: Vec<Succession>) -> Self {
        self.successions = successions;
        self
    }

    pub fn versions_of(&self, unit: UnitId) -> impl Iterator<Item = &UnitVersion> {
        self.versions.iter().filter(move |v| v.unit_id == unit)
    }

    pub fn version_at(&self, unit: UnitId, date: NaiveDate) -> Option<&UnitVersion> {
        self.versions_of(unit).find(|v| v.validity.contains(date))
    }

    /// The whole life of a unit: from its first version's start to its last version's end.
    pub fn lifetime(&self, unit: UnitId) -> Option<Validity> {
        let mut versions = self.versions_of(unit).peekable();
        versions.peek()?;
        let mut from = NaiveDate::MAX;
        let mut to = Some(NaiveDate::MIN);
        for v in versions {
            from = from.min(v.validity.from);
            to = match (to, v.validity.to) {
                (None, _) | (_, None) => None,
                (Some(a), Some(b)) => Some(a.max(b)),
            };
        }
        Some(Validity { from, to })
    }

    /// Children valid on `date`.
    pub fn children_at(&self, unit: UnitId, date: NaiveDate) -> Vec<&UnitVersion> {
        self.versions
            .iter()
            .filter(|v| v.parent_id == Some(unit) && v.validity.contains(date))
            .collect()
    }

    /// The state after `changes`, for validation before anything is written.
    pub fn apply(&self, changes: &ChangeSet) -> OrgState {
        let closed: HashMap<UnitVersionId, NaiveDate> = changes.closed.iter().copied().collect();
        let removed: HashSet<UnitVersionId> = changes.removed.iter().copied().collect();
        let mut versions: Vec<UnitVersion> = self
            .versions
            .iter()
            .filter(|v| v.id.is_none_or(|id| !removed.contains(&id)))
            .cloned()
            .map(|mut v| {
                if let Some(to) = v.id.and_then(|id| closed.get(&id)) {
                    v.validity.to = Some(*to);
                }
                v
            })
            .collect();
        versions.extend(changes.added.iter().cloned());
        let mut successions = self.successions.clone();
        successions.extend(changes.successions.iter().copied());
        OrgState {
            versions,
            successions,
        }
    }

    fn require_alive(
        &self,
        unit: UnitId,
        date: NaiveDate,
        field: &str,
    ) -> Result<&UnitVersion, DomainError> {
        self.version_at(unit, date).ok_or_else(|| {
            DomainError::new("unit_not_valid_on_date", field).with_detail(unit.to_string())
        })
    }

    /// Starts a new version of `unit` on `effective` with `change` applied: a rename, an upgrade,
    /// a move, or a new code. The version valid the day before ends that day.
    pub fn plan_new_version(
        &self,
        unit: UnitId,
        effective: NaiveDate,
        change: VersionChange,
    ) -> Result<ChangeSet, DomainError> {
        let current = self.require_alive(unit, effective, "effective_on")?;
        self.refuse_later_versions(unit, effective)?;
        let mut next = current.clone();
        next.id = None;
        next.validity = Validity {
            from: effective,
            to: current.validity.to,
        };
        if let Some(code) = change.code {
            next.code = code;
        }
        if let Some(name) = change.name {
            next.name = name;
        }
        if let Some(kind) = change.kind {
            next.kind = kind;
        }
        if let Some(parent) = change.parent_id {
            next.parent_id = parent;
        }
        if next.code == current.code
            && next.name == current.name
            && next.kind == current.kind
            && next.parent_id == current.parent_id
        {
            return Err(DomainError::without_field("nothing_changed"));
        }
        let mut changes = ChangeSet::default();
        changes.touched.insert(unit);
        changes.supersede(current, effective);
        changes.added.push(next);
        Ok(changes)
    }

    /// Ends `unit` on the day before `effective`. Refused while children hang from it on or after
    /// that date: they must be moved or merged first.
    pub fn plan_dissolve(
        &self,
        unit: UnitId,
        effective: NaiveDate,
    ) -> Result<ChangeSet, DomainError> {
        let current = self.require_alive(unit, effective, "effective_on")?;
        self.refuse_later_changes(unit, effective)?;
        if self.has_children_from(unit, effective) {
            return Err(DomainError::new("unit_has_children", "effective_on"));
        }
        let mut changes = ChangeSet::default();
        changes.touched.insert(unit);
        changes.supersede(current, effective);
        Ok(changes)
    }

    /// Merges `sources` into `target` on `effective`: every source ends the day before, its
    /// children still alive move to the target, and succession links record where each went.
    /// The target either exists on `effective` or is given as `new_target`, a first version of a
    /// unit created by the caller.
    pub fn plan_merge(
        &self,
        sources: &[UnitId],
        target: UnitId,
        new_target: Option<UnitVersion>,
        effective: NaiveDate,
    ) -> Result<ChangeSet, DomainError> {
        if sources.is_empty() {
            return Err(DomainError::new("required", "sources"));
        }
        let unique: HashSet<UnitId> = sources.iter().copied().collect();
        if unique.len() != sources.len() {
            return Err(DomainError::new("duplicate_source", "sources"));
        }
        if unique.contains(&target) {
            return Err(DomainError::new("merge_into_itself", "target_id"));
        }
        let mut changes = ChangeSet::default();
        match &new_target {
            Some(first) => {
                if first.validity.from != effective || first.unit_id != target {
                    return Err(DomainError::new("invalid", "target"));
                }
                changes.added.push(first.clone());
            }
            None => {
                self.require_alive(target, effective, "target_id")?;
            }
        }
        changes.touched.insert(target);
        for &source in sources {
            if let Some(parent) = self.version_at(source, effective).and_then(|v| v.parent_id)
                && unique.contains(&parent)
            {
                // Its parent is merged too: merging a unit with its own sub-unit is ambiguous.
                return Err(DomainError::new("merge_nested_sources", "sources")
                    .with_detail(parent.to_string()));
            }
        }
        for &source in sources {
            let current = self.require_alive(source, effective, "sources")?;
            self.refuse_later_changes(source, effective)?;
            changes.touched.insert(source);
            changes.supersede(current, effective);
            changes.successions.push(Succession {
                predecessor_id: source,
                successor_id: target,
                effective_on: effective,
            });
            for child in self.children_at(source, effective) {
                // A child's later version would still hang from the ended source.
                self.refuse_later_versions(child.unit_id, effective)?;
                changes.touched.insert(child.unit_id);
                let mut moved = child.clone();
                moved.id = None;
                moved.parent_id = Some(target);
                moved.validity.from = effective;
                changes.supersede(child, effective);
                changes.added.push(moved);
            }
        }
        Ok(changes)
    }

    /// Splits `source` into the `parts` (first versions of units created by the caller) on
    /// `effective`. Children of the source still alive then are moved to the part that
    /// `child_to_part` names; a child left out is an error, since no rule could guess its place.
    pub fn plan_split(
        &self,
        source: UnitId,
        parts: Vec<UnitVersion>,
        child_to_part: &HashMap<UnitId, UnitId>,
        effective: NaiveDate,
    ) -> Result<ChangeSet, DomainError> {
        if parts.len() < 2 {
            return Err(DomainError::new("split_needs_two_parts", "parts"));
        }
        let current = self.require_alive(source, effective, "source_id")?;
        self.refuse_later_changes(source, effective)?;
        let part_ids: HashSet<UnitId> = parts.iter().map(|p| p.unit_id).collect();
        let mut changes = ChangeSet::default();
        changes.touched.insert(source);
        changes.supersede(current, effective);
        for part in parts {
            if part.validity.from != effective {
                return Err(DomainError::new("invalid", "parts"));
            }
            changes.touched.insert(part.unit_id);
            changes.successions.push(Succession {
                predecessor_id: source,
                successor_id: part.unit_id,
                effective_on: effective,
            });
            changes.added.push(part);
        }
        for child in self.children_at(source, effective) {
            self.refuse_later_versions(child.unit_id, effective)?;
            let Some(part) = child_to_part
                .get(&child.unit_id)
                .filter(|p| part_ids.contains(p))
            else {
                return Err(DomainError::new("children_unassigned", "children")
                    .with_detail(child.code.as_str().to_owned()));
            };
            changes.touched.insert(child.unit_id);
            let mut moved = child.clone();
            moved.id = None;
            moved.parent_id = Some(*part);
            moved.validity.from = effective;
            changes.supersede(child, effective);
            changes.added.push(moved);
        }
        Ok(changes)
    }

    fn has_children_from(&self, unit: UnitId, date: NaiveDate) -> bool {
        self.versions
            .iter()
            .any(|v| v.parent_id == Some(unit) && v.validity.to.is_none_or(|to| to >= date))
    }

    /// Ending a unit on a date must not orphan what later happened to it: a later version would
    /// be cut off, a later succession (a merge or split after that date) would point from a unit
    /// that no longer exists. The user handles the later change first.
    fn refuse_later_changes(&self, unit: UnitId, effective: NaiveDate) -> Result<(), DomainError> {
        self.refuse_later_versions(unit, effective)?;
        // Ending a unit on the day it begins would leave a unit that never existed.
        if self
            .lifetime(unit)
            .is_some_and(|life| life.from >= effective)
        {
            return Err(DomainError::new("end_before_start", "effective_on"));
        }
        if self
            .successions
            .iter()
            .any(|s| s.predecessor_id == unit && s.effective_on > effective)
        {
            return Err(DomainError::new("later_versions_exist", "effective_on"));
        }
        Ok(())
    }

    /// Operations cut the version valid on their date; a version starting later would be cut off
    /// silently, so the user is asked to handle the later change first.
    fn refuse_later_versions(&self, unit: UnitId, effective: NaiveDate) -> Result<(), DomainError> {
        if self.versions_of(unit).any(|v| v.validity.from > effective) {
            return Err(DomainError::new("later_versions_exist", "effective_on"));
        }
        Ok(())
    }
}

/// Checks every rule of the tree over all dates. Run on the state an operation would produce.
pub fn validate(state: &OrgState) -> Result<(), DomainError> {
    for v in &state.versions {
        if let Some(to) = v.validity.to
            && to < v.validity.from
        {
            // A version cut off before it began: the operation's date precedes the version start.
            return Err(DomainError::new("end_before_start", "effective_on")
                .with_detail(v.code.as_str().to_owned()));
        }
    }
    let mut by_unit: HashMap<UnitId, Vec<&UnitVersion>> = HashMap::new();
    for v in &state.versions {
        by_unit.entry(v.unit_id).or_default().push(v);
    }
    for versions in by_unit.values_mut() {
        versions.sort_by_key(|v| v.validity.from);
        for pair in versions.windows(2) {
            if pair[0].validity.overlaps(&pair[1].validity) {
                return Err(DomainError::new("overlapping_validity", "valid_from")
                    .with_detail(pair[0].code.as_str().to_owned()));
            }
        }
    }
    let mut by_code: HashMap<&UnitCode, Vec<&UnitVersion>> = HashMap::new();
    for v in &state.versions {
        by_code.entry(&v.code).or_default().push(v);
    }
    for versions in by_code.values() {
        for (i, a) in versions.iter().enumerate() {
            for b in &versions[i + 1..] {
                if a.unit_id != b.unit_id && a.validity.overlaps(&b.validity) {
                    return Err(DomainError::new("duplicate_code", "code")
                        .with_detail(a.code.as_str().to_owned()));
                }
            }
        }
    }
    let lifetimes: HashMap<UnitId, Validity> = by_unit
        .keys()
        .filter_map(|&u| state.lifetime(u).map(|l| (u, l)))
        .collect();
    for v in &state.versions {
        if let Some(parent) = v.parent_id {
            let parent_alive = lifetimes
                .get(&parent)
                .is_some_and(|l| l.covers(&v.validity));
            if !parent_alive {
                return Err(DomainError::new("parent_not_valid", "parent_id")
                    .with_detail(v.code.as_str().to_owned()));
            }
        }
    }
    // A cycle can only appear where some version starts, so checking each start date is enough.
    let dates: BTreeSet<NaiveDate> = state.versions.iter().map(|v| v.validity.from).collect();
    for date in dates {
        let parents: HashMap<UnitId, Option<UnitId>> = state
            .versions
            .iter()
            .filter(|v| v.validity.contains(date))
            .map(|v| (v.unit_id, v.parent_id))
            .collect();
        for &start in parents.keys() {
            let mut seen = HashSet::new();
            let mut cursor = Some(start);
            while let Some(unit) = cursor {
                if !seen.insert(unit) {
                    return Err(DomainError::new("tree_cycle", "parent_id"));
                }
                cursor = parents.get(&unit).copied().flatten();
            }
        }
    }
    Ok(())
}

/// The tree as it stood on one date, with children in Vietnamese order.
#[derive(Debug, Clone)]
pub struct TreeSnapshot {
    pub date: NaiveDate,
    nodes: HashMap<UnitId, UnitVersion>,
    children: HashMap<Option<UnitId>, Vec<UnitId>>,
}

impl TreeSnapshot {
    /// Builds the snapshot from the versions valid on `date` (others are ignored).
    pub fn at<'a>(date: NaiveDate, versions: impl IntoIterator<Item = &'a UnitVersion>) -> Self {
        let nodes: HashMap<UnitId, UnitVersion> = versions
            .into_iter()
            .filter(|v| v.validity.contains(date))
            .map(|v| (v.unit_id, v.clone()))
            .collect();
        let mut children: HashMap<Option<UnitId>, Vec<UnitId>> = HashMap::new();
        for v in nodes.values() {
            // A parent missing from the snapshot makes the unit a root of what is visible.
            let parent = v.parent_id.filter(|p| nodes.contains_key(p));
            children.entry(parent).or_default().push(v.unit_id);
        }
        for list in children.values_mut() {
            // Collation keys are costly to build: one per node, not one per comparison.
            list.sort_by_cached_key(|id| (vn::collation_key(&nodes[id].name), *id));
        }
        Self {
            date,
            nodes,
            children,
        }
    }

    pub fn get(&self, unit: UnitId) -> Option<&UnitVersion> {
        self.nodes.get(&unit)
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    pub fn roots(&self) -> &[UnitId] {
        self.children.get(&None).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn children(&self, unit: UnitId) -> &[UnitId] {
        self.children
            .get(&Some(unit))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Whether `ancestor` is `unit` or above it on this date.
    pub fn is_within(&self, unit: UnitId, ancestor: UnitId) -> bool {
        let mut cursor = Some(unit);
        let mut steps = 0;
        while let Some(current) = cursor {
            if current == ancestor {
                return true;
            }
            steps += 1;
            if steps > self.nodes.len() {
                return false;
            }
            cursor = self.nodes.get(&current).and_then(|v| v.parent_id);
        }
        false
    }

    /// Every unit in the snapshot, depth first in display order, with its depth.
    pub fn walk(&self) -> Vec<(usize, &UnitVersion)> {
        let mut out = Vec::with_capacity(self.nodes.len());
        let mut stack: Vec<(usize, UnitId)> = self.roots().iter().rev().map(|&u| (0, u)).collect();
        while let Some((depth, unit)) = stack.pop() {
            out.push((depth, &self.nodes[&unit]));
            stack.extend(self.children(unit).iter().rev().map(|&c| (depth + 1, c)));
        }
        out
    }

    /// `unit` and everything below it, depth first in display order (depths relative to `unit`).
    pub fn walk_from(&self, unit: UnitId) -> Vec<(usize, &UnitVersion)> {
        let mut out = Vec::new();
        let mut stack = vec![(0, unit)];
        while let Some((depth, current)) = stack.pop() {
            let Some(node) = self.nodes.get(&current) else {
                continue;
            };
            out.push((depth, node));
            stack.extend(self.children(current).iter().rev().map(|&c| (depth + 1, c)));
        }
        out
    }

    /// The chain from the root down to `unit`.
    pub fn path(&self, unit: UnitId) -> Vec<&UnitVersion> {
        let mut path = Vec::new();
        let mut cursor = self.nodes.get(&unit);
        while let Some(v) = cursor {
            if path.len() > self.nodes.len() {
                break;
            }
            path.push(v);
            cursor = v.parent_id.and_then(|p| self.nodes.get(&p));
        }
        path.reverse();
        path
    }
}

#[cfg(test)]
mod tests;
