//! What a target's roll-up is computed from, read in one place, and the tables that feed it.
//!
//! Cached figures are keyed by counters the database moves itself: a target's values version
//! ([`crate::targets::values_version`]) and the tree generation ([`crate::units::generation`]).
//! Every table listed in [`FIGURE_SOURCES`] has `*_figures` triggers (migration
//! `figure_versions`) that move those counters in the writing transaction, whoever writes. The
//! conformance suite checks both halves: that [`figure_inputs`] and the tree read nothing else
//! (on PostgreSQL, by the server's own per-transaction table statistics), and that a raw write
//! to each source moves its key. A unit's values move only their unit's shard
//! ([`crate::targets::shard_key`]), so a kept figure whose shards moved re-reads those units
//! alone ([`unit_inputs`]).

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Utc};
use rust_decimal::Decimal;
use sqlx::AnyConnection;
use trienkhai_core::ids::{TargetId, UnitId};
use trienkhai_core::period::Period;
use trienkhai_core::reporting::{Counted, ReportState};
use trienkhai_core::rollup::Aggregation;

use crate::documents::{self, Document};
use crate::targets::{self, PlannedValue, Reported, Target, UnitShards};
use crate::{Result, StoreError, reports};

/// Every table a cached figure is read from, and the key its writes move.
pub const FIGURE_SOURCES: &[(&str, FigureKey)] = &[
    ("actuals", FigureKey::YearShard),
    ("quotas", FigureKey::TargetRow),
    ("reports", FigureKey::YearShard),
    ("target_values", FigureKey::TargetRow),
    ("targets", FigureKey::TargetRow),
    ("documents", FigureKey::TargetRow),
    ("plan_settings", FigureKey::TargetRow),
    ("unit_weights", FigureKey::TargetRow),
    ("unit_versions", FigureKey::TreeGeneration),
];

/// Which counter a write to a figure source moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FigureKey {
    /// The row (target, year of the value, `unit_id % 32`) of `target_year_shards`: only the
    /// figures of periods spanning that year read it.
    YearShard,
    /// The target row's own `values_version`.
    TargetRow,
    /// The organisation tree's generation.
    TreeGeneration,
}

/// Everything a target's roll-up for a period is computed from, but the tree.
#[derive(Debug, Clone)]
pub struct FigureInputs {
    /// Without its themes.
    pub target: Target,
    pub document: Document,
    /// Which reports' values count (the plan's setting).
    pub counted: Counted,
    /// The values that count, within the period.
    pub reported: Vec<Reported>,
    /// Values left out because their report does not count yet: unit, period, report state.
    pub pending: Vec<(UnitId, Period, ReportState)>,
    /// The weights of a weighted mean, for the period's year.
    pub weights: HashMap<UnitId, Decimal>,
    pub planned: Vec<PlannedValue>,
    pub quotas: Vec<PlannedValue>,
}

/// Reads a target's roll-up inputs for `period`: the values that count now, or with `at`
/// those that counted at that instant.
pub async fn figure_inputs(
    conn: &mut AnyConnection,
    id: TargetId,
    period: Period,
    at: Option<DateTime<Utc>>,
) -> Result<FigureInputs> {
    let target = targets::get_target_definition(conn, id).await?;
    let document = documents::get_document(conn, target.document_id).await?;
    let (start, end) = period.dates();
    let counted = Counted::parse(&reports::counted_states(conn, document.id).await?)
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let all = UnitShards::All;
    let pending = targets::pending_within(conn, id, start, end, counted, at, &all).await?;
    let reported = targets::reported_within(conn, id, start, end, counted, at, &all).await?;
    let weights = match &target.aggregation {
        Aggregation::WeightedMean { weight } => targets::weights(conn, weight, end.year())
            .await?
            .into_iter()
            .collect(),
        _ => HashMap::new(),
    };
    Ok(FigureInputs {
        planned: targets::target_values(conn, id).await?,
        quotas: targets::quotas(conn, id).await?,
        target,
        document,
        counted,
        reported,
        pending,
        weights,
    })
}

/// The per-unit part of [`figure_inputs`] for the units of `shards` only: the values that count
/// now and those left out. A cached figure whose shard counters moved re-reads these, and
/// nothing else, when its target's row and the tree are as it was computed under.
pub async fn unit_inputs(
    conn: &mut AnyConnection,
    id: TargetId,
    period: Period,
    counted: Counted,
    shards: &UnitShards,
) -> Result<(Vec<Reported>, Vec<(UnitId, Period, ReportState)>)> {
    let (start, end) = period.dates();
    let pending = targets::pending_within(conn, id, start, end, counted, None, shards).await?;
    let reported = targets::reported_within(conn, id, start, end, counted, None, shards).await?;
    Ok((reported, pending))
}
