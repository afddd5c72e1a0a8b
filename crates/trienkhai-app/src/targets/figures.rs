//! Figures: for any unit and period, the rolled-up figure of a target, its status against the
//! goal, and the formula with its inputs.
//!
//! A roll-up follows the tree **as it stood at the end of the period**. A unit's own value for
//! a period is the one it reported for that period, or follows from its monthly reports by the
//! target's over-time rule ([`trienkhai_core::over_time`]). How a roll-up is computed and kept
//! is `computing`'s: checked on every read against counters the database moves itself, so an
//! instance never serves a figure another instance has changed.

use super::*;
use crate::scope::Trees;
use crate::{Actor, App, AppError, Result};
use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use trienkhai_core::ids::{TargetId, UnitId};
use trienkhai_core::org::TreeSnapshot;
use trienkhai_core::over_time::{Derived, OverTime};
use trienkhai_core::period::Period;
use trienkhai_core::reporting::{Counted, ReportState};
use trienkhai_core::rollup::{
    self, Explained, Figure, Observation, Rolled, RollupInput, Treatment,
};
use trienkhai_core::target::{self as rules, Status};
use trienkhai_store::targets::PlannedValue;
use trienkhai_store::targets::Target;

/// One target's figures over a whole tree for one period, with what they were made from.
#[derive(Debug, Clone)]
pub struct Computed {
    pub target: Target,
    pub period: Period,
    pub tree: Arc<TreeSnapshot>,
    pub own: HashMap<UnitId, Observation>,
    /// How each unit's own value follows from what it reported within the period.
    pub derived: HashMap<UnitId, Arc<Derived>>,
    pub weights: HashMap<UnitId, Decimal>,
    /// Units expected to report by the target's definition.
    pub base_expected: HashSet<UnitId>,
    /// Those, and every unit that reported part of the period (its gap shows).
    pub expected: HashSet<UnitId>,
    pub rolled: HashMap<UnitId, Rolled>,
    /// The plan's value for the period (or the smallest period holding it) and its period.
    pub plan_value: Option<PlannedValue>,
    pub quotas: HashMap<UnitId, PlannedValue>,
    /// The unit whose plan it is: the document's issuer (or the responsible unit).
    pub plan_unit: Option<UnitId>,
    /// Which reports' values count (the plan's setting).
    pub counted: Counted,
    /// Values left out because their report is not in a counted state yet, by unit.
    pub pending: HashMap<UnitId, Vec<(Period, ReportState)>>,
}

impl Computed {
    pub(super) fn input<'a>(
        &'a self,
        expected: &'a dyn Fn(UnitId) -> bool,
        achieves: &'a dyn Fn(&Observation) -> bool,
    ) -> RollupInput<'a> {
        RollupInput {
            tree: &self.tree,
            rule: &self.target.aggregation,
            observations: &self.own,
            weights: &self.weights,
            expected,
            achieves,
        }
    }

    /// What `unit` is measured against in this period: its quota, else the plan's value when
    /// the rule makes it apply below (or the unit is the plan's own), with the period it is set
    /// for (the smallest one holding this period).
    pub fn goal_of(&self, unit: UnitId) -> Option<(Decimal, GoalSource, Period)> {
        if let Some(q) = self.quotas.get(&unit) {
            return Some((q.value, GoalSource::Quota, q.period));
        }
        let plan = self.plan_value.as_ref()?;
        if Some(unit) == self.plan_unit || self.target.aggregation.target_applies_below() {
            Some((plan.value, GoalSource::Plan, plan.period))
        } else {
            None
        }
    }

    pub fn explain(&self, unit: UnitId) -> Option<Explained> {
        let expected = |u: UnitId| self.expected.contains(&u);
        rollup::explain(&self.input(&expected, &achieves), unit)
    }
}

/// A unit counts as achieving when it says yes (or reports 1 or more).
pub(super) fn achieves(o: &Observation) -> bool {
    match o {
        Observation::Flag { value } => *value,
        Observation::Value { value } => *value >= Decimal::ONE,
        Observation::Ratio { numerator, .. } => *numerator > Decimal::ZERO,
        Observation::NotApplicable => false,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum GoalSource {
    /// The plan's own target value.
    Plan,
    /// A quota handed to the unit.
    Quota,
}

/// The smallest planned period holding `period` (the year's value for a month).
pub(crate) fn enclosing<'a>(
    values: impl Iterator<Item = &'a PlannedValue>,
    period: Period,
) -> Option<&'a PlannedValue> {
    let (start, end) = period.dates();
    values
        .filter(|v| {
            let (s, e) = v.period.dates();
            s <= start && e >= end
        })
        .min_by_key(|v| {
            let (s, e) = v.period.dates();
            (e - s).num_days()
        })
}

/// A figure rounded the way it is shown and compared: two decimals (a rate of 4,945 % is
/// 4,95 %), half away from zero as offices round.
pub fn rounded(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
        .normalize()
}

/// One unit's figure of a target for a period.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct UnitFigure {
    pub target_id: TargetId,
    pub unit_id: UnitId,
    pub period: Period,
    /// The number shown (a ratio in percent), rounded to two decimals.
    pub value: Option<Decimal>,
    pub figure: Option<Figure>,
    pub status: Status,
    /// What the unit is measured against, when something is.
    pub goal: Option<Decimal>,
    pub goal_source: Option<GoalSource>,
    pub goal_period: Option<Period>,
    /// The goal is set for a longer period: the figure is progress towards it
    /// (`achievement_percent`), not judged yet (`status` is `not_judged`).
    pub partial: bool,
    pub achievement_percent: Option<Decimal>,
    pub complete: bool,
    pub counted: u64,
    pub missing: u64,
    pub not_applicable: u64,
}

impl Computed {
    pub fn figure_of(&self, unit: UnitId) -> UnitFigure {
        let rolled = self.rolled.get(&unit);
        let figure = rolled.and_then(|r| r.figure.clone());
        let value = figure.as_ref().and_then(Figure::scalar).map(rounded);
        let goal = self.goal_of(unit);
        // A period is judged against a goal set for that very period. Against a longer one it
        // is progress: six months of new enterprises against the year's goal is not a
        // shortfall, nor is April's poverty rate the year's. A plan that wants its months or
        // quarters judged says so by setting their values (or quotas) for them.
        let partial = goal.is_some_and(|(_, _, p)| p != self.period);
        let judging = goal.filter(|_| !partial);
        let only_not_applicable =
            rolled.is_some_and(|r| r.counted == 0 && r.missing == 0 && r.not_applicable > 0);
        let complete = rolled.is_some_and(|r| r.complete);
        let status = match (judging, value) {
            _ if only_not_applicable => Status::NotApplicable,
            (_, None) => Status::NoData,
            // What has not been reported could turn any verdict: the figure is provisional.
            (Some(_), Some(_)) if !complete => Status::Incomplete,
            (Some((g, _, _)), v) => rules::status(self.target.direction, g, v),
            (None, Some(_)) => Status::NotJudged,
        };
        let achievement_percent = match (goal, value) {
            (Some((g, _, _)), Some(v)) => {
                rules::achievement_percent(self.target.direction, g, v).map(rounded)
            }
            _ => None,
        };
        UnitFigure {
            target_id: self.target.id,
            unit_id: unit,
            period: self.period,
            value,
            figure,
            status,
            goal: goal.map(|(g, _, _)| g),
            goal_source: goal.map(|(_, s, _)| s),
            goal_period: goal.map(|(_, _, p)| p),
            partial,
            achievement_percent,
            complete,
            counted: rolled.map_or(0, |r| r.counted),
            missing: rolled.map_or(0, |r| r.missing),
            not_applicable: rolled.map_or(0, |r| r.not_applicable),
        }
    }
}

/// One input of an explanation, with its unit named and the reports it came from.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ExplainedInput {
    pub unit_id: UnitId,
    pub unit_code: String,
    pub unit_name: String,
    pub treatment: Treatment,
    pub observation: Option<Observation>,
    pub weight: Option<Decimal>,
    /// The reported periods this unit's value was made of.
    pub from_periods: Vec<Period>,
    /// For a sum over time: the months nobody reported.
    pub missing_periods: Vec<Period>,
    /// Reported in a report not counted yet (submitted, draft or returned), left out.
    pub pending: Vec<(Period, ReportState)>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Explanation {
    pub rule: String,
    /// Which reports' values count: `accepted`, `submitted` or `any`.
    pub counted: Counted,
    pub over_time: OverTime,
    /// The formula with its numbers, in the API's notation (`.` for decimals).
    pub formula: String,
    /// The tree the figure followed: the one of the period's last day.
    pub tree_date: NaiveDate,
    pub complete: bool,
    /// How many units' inputs the figure is made of.
    pub inputs_total: usize,
    /// Those asked for ([`Inputs`]): all of them for a page, none by default in the API.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<ExplainedInput>,
}

/// Which of a figure's inputs are explained: a district's figure has one input per commune and
/// a province's several hundred, which a reader asking for the figure does not want each time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inputs {
    All,
    None,
    /// `limit` inputs from `offset`, in the roll-up's order.
    Page {
        offset: usize,
        limit: usize,
    },
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct RollupView {
    #[serde(flatten)]
    pub figure: UnitFigure,
    pub explanation: Explanation,
    /// The same explanation, for pages: the formula written with `number`.
    #[serde(skip)]
    pub explained: Option<Explained>,
}

/// The figure of `target` for `unit` and `period`, with its formula and the inputs `wanted`.
/// The actor must be allowed to read the unit (judged in the tree of the period).
pub async fn rollup(
    app: &App,
    actor: &Actor,
    id: TargetId,
    unit: UnitId,
    period: Period,
    wanted: Inputs,
) -> Result<RollupView> {
    // The figure alone (the API's default) is kept and served again while nothing is written,
    // like a plan's figure list.
    if let (Inputs::None, Some(account)) = (wanted, actor.account_id) {
        let key = RollupKey {
            account,
            today: app.today(),
            target: id,
            unit,
            period,
        };
        let kept = app
            .rollup_answers
            .get_or_compute_for(app, actor, key, || {
                compute_rollup(app, actor, id, unit, period, wanted)
            })
            .await?;
        return Ok((*kept).clone());
    }
    compute_rollup(app, actor, id, unit, period, wanted).await
}

/// How many single figures an instance keeps.
pub(crate) const ROLLUPS_KEPT: usize = 1024;

/// What a kept figure was asked for, by whom and on which day.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RollupKey {
    account: trienkhai_core::ids::AccountId,
    today: NaiveDate,
    target: TargetId,
    unit: UnitId,
    period: Period,
}

pub(super) async fn compute_rollup(
    app: &App,
    actor: &Actor,
    id: TargetId,
    unit: UnitId,
    period: Period,
    wanted: Inputs,
) -> Result<RollupView> {
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    target_for_unit(
        app,
        &mut conn,
        &mut trees,
        actor,
        id,
        unit,
        period.tree_date(),
    )
    .await?;
    let c = computed(app, &mut conn, &mut trees, id, period).await?;
    if c.tree.get(unit).is_none() {
        return Err(AppError::invalid("unit_not_alive", "unit_id"));
    }
    let explained = c
        .explain(unit)
        .ok_or_else(|| AppError::invalid("unit_not_alive", "unit_id"))?;
    let selected: &[rollup::Input] = match wanted {
        Inputs::All => &explained.inputs,
        Inputs::None => &[],
        Inputs::Page { offset, limit } => {
            let from = offset.min(explained.inputs.len());
            let to = from.saturating_add(limit).min(explained.inputs.len());
            &explained.inputs[from..to]
        }
    };
    let inputs = selected
        .iter()
        .map(|i| {
            let v = c.tree.get(i.unit);
            let d = c.derived.get(&i.unit);
            ExplainedInput {
                unit_id: i.unit,
                unit_code: v.map(|v| v.code.as_str().to_owned()).unwrap_or_default(),
                unit_name: v.map(|v| v.name.clone()).unwrap_or_default(),
                treatment: i.treatment,
                observation: i.observation.clone(),
                weight: i.weight,
                from_periods: d.map(|d| d.from.clone()).unwrap_or_default(),
                missing_periods: d.map(|d| d.missing.clone()).unwrap_or_default(),
                pending: c.pending.get(&i.unit).cloned().unwrap_or_default(),
            }
        })
        .collect();
    Ok(RollupView {
        figure: c.figure_of(unit),
        explanation: Explanation {
            counted: c.counted,
            rule: c.target.aggregation.to_string(),
            over_time: c.target.over_time,
            formula: rollup::formula(&explained, &|d| d.normalize().to_string()),
            tree_date: c.tree.date,
            complete: explained.complete,
            inputs_total: explained.inputs.len(),
            inputs,
        },
        explained: (wanted == Inputs::All).then_some(explained),
    })
}

/// The figure of `target` for `unit` and `period`, without the explanation (lists, headlines).
pub async fn figure(
    app: &App,
    actor: &Actor,
    id: TargetId,
    unit: UnitId,
    period: Period,
) -> Result<UnitFigure> {
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    target_for_unit(
        app,
        &mut conn,
        &mut trees,
        actor,
        id,
        unit,
        period.tree_date(),
    )
    .await?;
    let c = computed(app, &mut conn, &mut trees, id, period).await?;
    if c.tree.get(unit).is_none() {
        return Err(AppError::invalid("unit_not_alive", "unit_id"));
    }
    Ok(c.figure_of(unit))
}
