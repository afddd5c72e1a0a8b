//! Judging a request against the tree of the right date. A unit is judged on the date the data
//! concerns, clamped to the unit's life (a unit merged away in 2025 is judged on its last day),
//! so scope follows a unit through renames and upgrades but never leaks across a merge.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use trienkhai_core::access::Action;
use trienkhai_core::ids::UnitId;
use trienkhai_core::org::{TreeSnapshot, UnitVersion};
use trienkhai_core::validity::Validity;
use trienkhai_store::{Conn, units};

use crate::{Actor, App, AppError, Result};

/// How many dates of one tree generation are kept in memory.
const CACHED_DATES: usize = 512;

/// Trees by date shared by all requests of this instance. An entry is only used while the
/// database's tree generation (bumped in the transaction of every structural change) is the one
/// it was loaded under, so an instance never serves a tree that another instance has changed.
#[derive(Debug, Default)]
pub struct TreeCache {
    inner: Mutex<CachedTrees>,
}

#[derive(Debug, Default)]
struct CachedTrees {
    generation: i64,
    trees: HashMap<NaiveDate, Arc<TreeSnapshot>>,
}

impl TreeCache {
    fn get(&self, generation: i64, date: NaiveDate) -> Option<Arc<TreeSnapshot>> {
        let inner = self.inner.lock().expect("tree cache lock");
        (inner.generation == generation)
            .then(|| inner.trees.get(&date).cloned())
            .flatten()
    }

    fn put(&self, generation: i64, tree: Arc<TreeSnapshot>) {
        let mut inner = self.inner.lock().expect("tree cache lock");
        if inner.generation != generation || inner.trees.len() >= CACHED_DATES {
            inner.trees.clear();
            inner.generation = generation;
        }
        inner.trees.insert(tree.date, tree);
    }
}

/// Trees by date for one request: its own copies, backed by the shared cache on reads made
/// outside a transaction. A transaction's uncommitted tree must never reach the shared cache,
/// hence [`Trees::default`] (private) for use inside one.
#[derive(Default)]
pub(crate) struct Trees {
    shared: Option<Arc<TreeCache>>,
    local: HashMap<NaiveDate, Arc<TreeSnapshot>>,
}

impl Trees {
    /// For reads on a reader connection (committed data only).
    pub fn shared(app: &App) -> Self {
        Self {
            shared: Some(app.trees.clone()),
            local: HashMap::new(),
        }
    }

    pub async fn at(&mut self, conn: &mut Conn, date: NaiveDate) -> Result<Arc<TreeSnapshot>> {
        if let Some(tree) = self.local.get(&date) {
            return Ok(tree.clone());
        }
        let tree = match &self.shared {
            Some(cache) => {
                let generation = units::generation(conn).await?;
                match cache.get(generation, date) {
                    Some(tree) => tree,
                    None => {
                        let tree = Arc::new(TreeSnapshot::at(
                            date,
                            &units::versions_on(conn, date).await?,
                        ));
                        // Cache only when no structural change committed in between.
                        if units::generation(conn).await? == generation {
                            cache.put(generation, tree.clone());
                        }
                        tree
                    }
                }
            }
            None => Arc::new(TreeSnapshot::at(
                date,
                &units::versions_on(conn, date).await?,
            )),
        };
        self.local.insert(date, tree.clone());
        Ok(tree)
    }

    /// May `actor` do `action` on `unit` as of `date` (clamped to the unit's life)?
    pub async fn allows(
        &mut self,
        conn: &mut Conn,
        actor: &Actor,
        action: Action,
        unit: UnitId,
        date: NaiveDate,
    ) -> Result<bool> {
        if actor.access.allows_everywhere(action) {
            return Ok(true);
        }
        if !actor.access.allows_somewhere(action) {
            return Ok(false);
        }
        let versions = units::versions_of(conn, unit).await?;
        let Some(date) = judging_date(&versions, date) else {
            return Ok(false);
        };
        let tree = self.at(conn, date).await?;
        Ok(actor.access.allows(action, unit, &tree))
    }

    /// Requires `action` on `unit` on every day of `period` that the unit lives (a write that
    /// changes a period must be allowed all along it: a cell that moved to another commune in
    /// 2025 is no longer its old editor's after that). The tree only changes shape on days a
    /// version starts, so those days and the first are the ones to check.
    pub async fn require_over(
        &mut self,
        conn: &mut Conn,
        actor: &Actor,
        action: Action,
        unit: UnitId,
        period: Validity,
    ) -> Result<()> {
        if actor.access.allows_everywhere(action) {
            return Ok(());
        }
        self.require(conn, actor, action, unit, period.from).await?;
        for day in units::version_starts_between(conn, period.from, period.to).await? {
            self.require(conn, actor, action, unit, day).await?;
        }
        Ok(())
    }

    pub async fn require(
        &mut self,
        conn: &mut Conn,
        actor: &Actor,
        action: Action,
        unit: UnitId,
        date: NaiveDate,
    ) -> Result<()> {
        if self.allows(conn, actor, action, unit, date).await? {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// A missing record answers "not found" only to those who may read everywhere; to others it is
/// "forbidden", like a record out of their scope, so that probing ids reveals nothing.
pub(crate) fn hide_missing(actor: &Actor, action: Action, err: AppError) -> AppError {
    match err {
        AppError::NotFound if !actor.access.allows_everywhere(action) => AppError::Forbidden,
        other => other,
    }
}

/// A unit's name on `on`, or its last name when it did not exist then; none for no such unit.
pub(crate) async fn unit_name_on(
    conn: &mut Conn,
    unit: UnitId,
    on: NaiveDate,
) -> Result<Option<String>> {
    Ok(name_on(&units::versions_of(conn, unit).await?, on))
}

/// A unit's name on `on` from its versions (oldest first), or its last name if it did not
/// exist that day.
pub(crate) fn name_on(versions: &[UnitVersion], on: NaiveDate) -> Option<String> {
    versions
        .iter()
        .find(|v| v.validity.contains(on))
        .or(versions.last())
        .map(|v| v.name.clone())
}

/// `date` when the unit existed then, else the nearest day of its life.
pub(crate) fn judging_date(versions: &[UnitVersion], date: NaiveDate) -> Option<NaiveDate> {
    let first = versions.iter().map(|v| v.validity.from).min()?;
    if versions.iter().any(|v| v.validity.contains(date)) {
        return Some(date);
    }
    if date < first {
        return Some(first);
    }
    // After the end (or inside a gap): the last day alive before `date`.
    versions
        .iter()
        .filter_map(|v| v.validity.to)
        .filter(|&to| to < date)
        .max()
}

/// The date inside `validity` nearest to `date`.
pub(crate) fn clamp(validity: &Validity, date: NaiveDate) -> NaiveDate {
    let date = date.max(validity.from);
    match validity.to {
        Some(to) if date > to => to,
        _ => date,
    }
}
