//! How a target's roll-up is computed from the database, and kept.
//!
//! A roll-up is kept per target and period with the key it was read under: the target's row
//! counter, its unit shards' counters for the years of the period, and the tree generation (all
//! moved by the database itself, see `trienkhai_store::figures`). A read whose key matches is
//! served; one where only some shards moved re-reads the units of those shards and rolls the
//! tree up again ([`recomputed`]); anything else is computed from nothing.

use super::*;
use crate::scope::Trees;
use crate::{App, AppError, Result};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use trienkhai_core::ids::{TargetId, UnitId};
use trienkhai_core::over_time::{self, Derived, OverTime};
use trienkhai_core::period::Period;
use trienkhai_core::reporting::ReportState;
use trienkhai_core::rollup::{self, Observation};
use trienkhai_store::targets::{self, ShardKey, UNIT_SHARDS, UnitShards};
use trienkhai_store::{Conn, units};

/// How many unit rows the cached roll-ups may hold in all: a province's roll-up of one target
/// for one period is about 3,200 rows and 2 MB, so this keeps about 60 of them (every target of
/// a province plan for one period and a half, about 130 MB); the least recently used go first.
pub(super) const CACHED_ROWS: usize = 200_000;

/// Roll-ups by (target, period), each valid while the target's values version and the tree
/// generation are those it was computed under.
#[derive(Debug, Default)]
pub struct RollupCache {
    inner: Mutex<CacheInner>,
    counts: Mutex<RollupCounts>,
}

/// How the roll-ups read since start were made (the benchmark prints them; a test proves with
/// them that recomputation by shard ran).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RollupCounts {
    /// Computed from nothing.
    pub computed: u64,
    /// A kept roll-up with the units of the shards that moved read again.
    pub recomputed: u64,
}

#[derive(Debug, Default)]
struct CacheInner {
    entries: HashMap<(TargetId, Period), CachedRollup>,
    rows: usize,
    clock: u64,
}

/// A roll-up with the figure key (shard by shard) and tree generation it was computed under,
/// and when it was last used.
#[derive(Debug)]
struct CachedRollup {
    key: ShardKey,
    generation: i64,
    computed: Arc<Computed>,
    used: u64,
}

impl Computed {
    /// What the cache counts an entry's size by.
    fn rows(&self) -> usize {
        self.rolled.len().max(self.own.len()) + 1
    }
}

impl RollupCache {
    fn get(&self, key: (TargetId, Period), values: i64, generation: i64) -> Option<Arc<Computed>> {
        let mut inner = self.inner.lock().expect("rollup cache lock");
        inner.clock += 1;
        let now = inner.clock;
        match inner.entries.get_mut(&key) {
            Some(e) if e.key.version() == values && e.generation == generation => {
                e.used = now;
                Some(e.computed.clone())
            }
            _ => None,
        }
    }

    /// The roll-up kept for `key` under the tree generation `generation`, whatever its values
    /// key: what a figure whose shards moved is recomputed from.
    fn kept(&self, key: (TargetId, Period), generation: i64) -> Option<(ShardKey, Arc<Computed>)> {
        let inner = self.inner.lock().expect("rollup cache lock");
        inner
            .entries
            .get(&key)
            .filter(|e| e.generation == generation)
            .map(|e| (e.key, e.computed.clone()))
    }

    pub fn counts(&self) -> RollupCounts {
        *self.counts.lock().expect("rollup counts lock")
    }

    fn count(&self, recomputed: bool) {
        let mut counts = self.counts.lock().expect("rollup counts lock");
        if recomputed {
            counts.recomputed += 1;
        } else {
            counts.computed += 1;
        }
    }

    /// Forgets every roll-up (the benchmark's cold runs).
    pub fn clear(&self) {
        let mut inner = self.inner.lock().expect("rollup cache lock");
        inner.entries.clear();
        inner.rows = 0;
    }

    fn put(&self, key: (TargetId, Period), values: ShardKey, generation: i64, c: Arc<Computed>) {
        let mut inner = self.inner.lock().expect("rollup cache lock");
        inner.clock += 1;
        let used = inner.clock;
        let rows = c.rows();
        if let Some(old) = inner.entries.remove(&key) {
            inner.rows -= old.computed.rows();
        }
        if inner.rows + rows > CACHED_ROWS {
            // Evict the least recently used until the new entry fits.
            let mut by_use: Vec<((TargetId, Period), u64)> =
                inner.entries.iter().map(|(k, e)| (*k, e.used)).collect();
            by_use.sort_by_key(|(_, u)| *u);
            for (k, _) in by_use {
                if inner.rows + rows <= CACHED_ROWS {
                    break;
                }
                if let Some(e) = inner.entries.remove(&k) {
                    inner.rows -= e.computed.rows();
                }
            }
        }
        inner.rows += rows;
        inner.entries.insert(
            key,
            CachedRollup {
                key: values,
                generation,
                computed: c,
                used,
            },
        );
    }
}

/// Computes the roll-ups of `versions`' targets that are not cached yet, several at a time (a
/// plan's figures after a restart): each on its own connection and task, so the machine's
/// cores share the work.
pub(crate) async fn compute_missing(
    app: &App,
    versions: &HashMap<TargetId, i64>,
    period: Period,
    generation: i64,
) -> Result<()> {
    let missing: Vec<(TargetId, i64)> = versions
        .iter()
        .filter(|(t, v)| app.rollups.get((**t, period), **v, generation).is_none())
        .map(|(t, v)| (*t, *v))
        .collect();
    if missing.len() < 2 {
        return Ok(());
    }
    compute_many(app, missing, period, generation, Reading::Keep).await?;
    Ok(())
}

/// Computes and keeps, for every plan with reports, the roll-ups of its latest reported
/// periods (what its dashboards open on), so that the first viewers after a start are served
/// from memory instead of waiting for every target to be rolled up. Runs in the background at
/// start; returns how many roll-ups it computed.
pub async fn warm_latest_periods(app: &App) -> Result<usize> {
    let (latest, generation) = {
        let mut conn = app.db.reader().await?;
        (
            trienkhai_store::reports::latest_reported_periods(&mut conn).await?,
            units::generation(&mut conn).await?,
        )
    };
    let mut computed = 0;
    for (document, period) in latest {
        let versions = {
            let mut conn = app.db.reader().await?;
            targets::values_versions_of_document(&mut conn, document, period).await?
        };
        computed += versions.len();
        compute_many(app, versions, period, generation, Reading::Keep).await?;
    }
    Ok(computed)
}

/// How [`compute_many`] reads roll-ups.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Reading {
    /// From the cache, or computed and kept there.
    Keep,
    /// From the cache, or computed and not kept (a dashboard's past months are read once and
    /// summed up: a province's month is 80 MB).
    Once,
    /// As the values counted at a past instant: computed, never kept.
    At(chrono::DateTime<chrono::Utc>),
}

/// Computes the roll-ups of `wanted` (target, values version) for a period, one task per core.
pub(crate) async fn compute_many(
    app: &App,
    wanted: Vec<(TargetId, i64)>,
    period: Period,
    generation: i64,
    reading: Reading,
) -> Result<Vec<(TargetId, Arc<Computed>)>> {
    // One task per core (measured: twice as many was no faster).
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let queue = Arc::new(Mutex::new(wanted));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..workers {
        let (app, queue) = (app.clone(), queue.clone());
        tasks.spawn(async move {
            // The caller may hold a reader: the workers take theirs from the side pool.
            let mut conn = app.db.side_reader().await?;
            let mut trees = Trees::shared(&app);
            let mut done = Vec::new();
            loop {
                let next = queue.lock().expect("queue lock").pop();
                let Some((target, version)) = next else {
                    return Ok::<_, AppError>(done);
                };
                let c = match reading {
                    Reading::Keep => {
                        computed_at(
                            &app, &mut conn, &mut trees, target, period, version, generation,
                        )
                        .await?
                    }
                    Reading::Once => match app.rollups.get((target, period), version, generation) {
                        Some(c) => c,
                        None => {
                            Arc::new(compute(&mut conn, &mut trees, target, period, None).await?)
                        }
                    },
                    Reading::At(at) => {
                        Arc::new(compute(&mut conn, &mut trees, target, period, Some(at)).await?)
                    }
                };
                done.push((target, c));
            }
        });
    }
    let mut all = Vec::new();
    while let Some(done) = tasks.join_next().await {
        all.extend(done.map_err(|e| AppError::Internal(e.to_string()))??);
    }
    Ok(all)
}

/// Computes (or takes from the cache) a target's roll-up for a period over the whole tree.
pub(crate) async fn computed(
    app: &App,
    conn: &mut Conn,
    trees: &mut Trees,
    target: TargetId,
    period: Period,
) -> Result<Arc<Computed>> {
    let values_version = targets::values_version(conn, target, period).await?;
    let generation = units::generation(conn).await?;
    computed_at(app, conn, trees, target, period, values_version, generation).await
}

/// [`computed`] when the caller has just read the target's values version and the tree
/// generation (a list reads all its targets' versions in one query).
pub(crate) async fn computed_at(
    app: &App,
    conn: &mut Conn,
    trees: &mut Trees,
    target: TargetId,
    period: Period,
    values_version: i64,
    generation: i64,
) -> Result<Arc<Computed>> {
    if let Some(c) = app
        .rollups
        .get((target, period), values_version, generation)
    {
        return Ok(c);
    }
    let key = targets::shard_key(conn, target, period).await?;
    let c = match app.rollups.kept((target, period), generation) {
        // The target's row and the tree as they were: only the units of the shards that moved
        // can read differently.
        Some((kept_key, kept)) if kept_key.target == key.target => {
            let moved = key.moved_since(&kept_key);
            if moved.is_empty() {
                kept
            } else if moved.len() <= UNIT_SHARDS / 2 {
                app.rollups.count(true);
                Arc::new(recomputed(conn, &kept, moved).await?)
            } else {
                app.rollups.count(false);
                Arc::new(compute(conn, trees, target, period, None).await?)
            }
        }
        _ => {
            app.rollups.count(false);
            Arc::new(compute(conn, trees, target, period, None).await?)
        }
    };
    // Cache only what was read under one key: the same before and after the reads.
    if targets::shard_key(conn, target, period).await? == key
        && units::generation(conn).await? == generation
    {
        app.rollups
            .put((target, period), key, generation, c.clone());
    }
    Ok(c)
}

/// `kept` with the units of `shards` read again. The caller has checked that the target's row
/// and the tree generation are those `kept` was computed under: the definition, the plan's
/// values, quotas, weights and the tree are the same, and only the values and report states of
/// the units of the moved shards can differ. The result equals a computation from nothing (a
/// test drives every write path and compares the two).
async fn recomputed(conn: &mut Conn, kept: &Computed, shards: Vec<usize>) -> Result<Computed> {
    let shards = UnitShards::Only(shards);
    let (reported, pending) = trienkhai_store::figures::unit_inputs(
        conn,
        kept.target.id,
        kept.period,
        kept.counted,
        &shards,
    )
    .await?;
    let fresh = UnitParts::read(kept.target.over_time, kept.period, reported, pending);
    let stays = |u: &UnitId| !shards.contains(*u);
    let mut own: HashMap<UnitId, Observation> = kept
        .own
        .iter()
        .filter(|(u, _)| stays(u))
        .map(|(u, o)| (*u, o.clone()))
        .collect();
    own.extend(fresh.own);
    let mut derived: HashMap<UnitId, Arc<Derived>> = kept
        .derived
        .iter()
        .filter(|(u, _)| stays(u))
        .map(|(u, d)| (*u, d.clone()))
        .collect();
    derived.extend(fresh.derived);
    let mut pending: HashMap<UnitId, Vec<(Period, ReportState)>> = kept
        .pending
        .iter()
        .filter(|(u, _)| stays(u))
        .map(|(u, p)| (*u, p.clone()))
        .collect();
    pending.extend(fresh.pending);
    let mut c = Computed {
        target: kept.target.clone(),
        period: kept.period,
        tree: kept.tree.clone(),
        own,
        derived,
        weights: kept.weights.clone(),
        base_expected: kept.base_expected.clone(),
        expected: HashSet::new(),
        rolled: HashMap::new(),
        plan_value: kept.plan_value.clone(),
        quotas: kept.quotas.clone(),
        plan_unit: kept.plan_unit,
        counted: kept.counted,
        pending,
    };
    c.roll();
    Ok(c)
}

/// What each unit reported within a period, as the roll-up reads it.
struct UnitParts {
    own: HashMap<UnitId, Observation>,
    derived: HashMap<UnitId, Arc<Derived>>,
    pending: HashMap<UnitId, Vec<(Period, ReportState)>>,
}

impl UnitParts {
    /// Each unit's own value for `period`, following from its reports by the over-time rule,
    /// and the values left out because their report does not count yet.
    fn read(
        over_time: OverTime,
        period: Period,
        reported: Vec<targets::Reported>,
        left_out: Vec<(UnitId, Period, ReportState)>,
    ) -> UnitParts {
        let mut pending: HashMap<UnitId, Vec<(Period, ReportState)>> = HashMap::new();
        for (unit, p, state) in left_out {
            pending.entry(unit).or_default().push((p, state));
        }
        let mut by_unit: HashMap<UnitId, Vec<(Period, Observation)>> = HashMap::new();
        for r in reported {
            by_unit
                .entry(r.unit_id)
                .or_default()
                .push((r.period, r.observation));
        }
        let mut own = HashMap::with_capacity(by_unit.len());
        let mut derived = HashMap::with_capacity(by_unit.len());
        for (unit, reports) in &by_unit {
            let refs: Vec<(Period, &Observation)> = reports.iter().map(|(p, o)| (*p, o)).collect();
            let d = over_time::derive(over_time, period, &refs);
            if let Some(o) = &d.observation {
                own.insert(*unit, o.clone());
            }
            derived.insert(*unit, Arc::new(d));
        }
        UnitParts {
            own,
            derived,
            pending,
        }
    }
}

/// A target's roll-up for a period from the database: the values that count now, or with `at`
/// those that counted at that instant.
pub(super) async fn compute(
    conn: &mut Conn,
    trees: &mut Trees,
    id: TargetId,
    period: Period,
    at: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<Computed> {
    let inputs = trienkhai_store::figures::figure_inputs(conn, id, period, at).await?;
    let tree = trees.at(conn, period.tree_date()).await?;
    let (target, doc, counted) = (inputs.target, inputs.document, inputs.counted);
    let UnitParts {
        own,
        derived,
        pending,
    } = UnitParts::read(target.over_time, period, inputs.reported, inputs.pending);
    let weights = inputs.weights;
    let plan_unit = doc.issuer_unit_id.or(target.responsible_unit_id);
    let expected: HashSet<UnitId> = if target.reporting_kinds.is_empty() {
        target
            .responsible_unit_id
            .or(doc.issuer_unit_id)
            .filter(|u| tree.get(*u).is_some())
            .into_iter()
            .collect()
    } else {
        let members = match plan_unit {
            Some(root) => tree.walk_from(root),
            None => tree.walk(),
        };
        members
            .into_iter()
            .filter(|(_, v)| target.reporting_kinds.contains(&v.kind))
            .map(|(_, v)| v.unit_id)
            .collect()
    };
    let base_expected = expected;
    let plan_value = enclosing(inputs.planned.iter(), period).cloned();
    let all_quotas = inputs.quotas;
    let mut quotas: HashMap<UnitId, PlannedValue> = HashMap::new();
    for unit in all_quotas
        .iter()
        .filter_map(|q| q.unit_id)
        .collect::<HashSet<_>>()
    {
        if let Some(q) = enclosing(
            all_quotas.iter().filter(|q| q.unit_id == Some(unit)),
            period,
        ) {
            quotas.insert(unit, q.clone());
        }
    }
    let mut c = Computed {
        target,
        period,
        tree,
        own,
        derived,
        weights,
        base_expected,
        expected: HashSet::new(),
        rolled: HashMap::new(),
        plan_value,
        quotas,
        plan_unit,
        counted,
        pending,
    };
    c.roll();
    Ok(c)
}

impl Computed {
    /// Rolls the whole tree up from the units' own values (one pass, in memory).
    fn roll(&mut self) {
        // Units whose months are partly reported are expected for the figure too: their gap
        // shows.
        self.expected = self
            .base_expected
            .iter()
            .copied()
            .chain(self.derived.keys().copied())
            .filter(|u| self.tree.get(*u).is_some())
            .collect();
        let expected = |u: UnitId| self.expected.contains(&u);
        let rolled = rollup::roll_up(&self.input(&expected, &achieves));
        self.rolled = rolled;
    }
}
