//! Emulation goals (C9): a unit registers its collective goals for a movement (the document
//! that launched it, or its plan) and a phase, records the result at the phase's end, and anyone
//! reading the unit sees, phase by phase, each goal with its verdict and the results list
//! ("4/5 mục tiêu đạt"). Registering and recording need content rights on the unit.

use rust_decimal::Decimal;
use serde::Serialize;
use trienkhai_core::access::Action;
use trienkhai_core::emulation::{Goal, GoalVerdict};
use trienkhai_core::ids::{DocumentId, UnitId};
use trienkhai_core::period::Period;
use trienkhai_store::audit;
pub use trienkhai_store::emulation::EmulationGoal;
use trienkhai_store::emulation::{self as store};

use crate::documents::readable;
use crate::scope::Trees;
use crate::{Actor, App, AppError, Result};

/// A goal to register.
#[derive(Debug, Clone)]
pub struct GoalInput {
    pub document_id: DocumentId,
    pub unit_id: UnitId,
    /// A year (`2021`) or a phase (`2020..2025`).
    pub phase: Period,
    pub title: String,
    pub measure: Option<String>,
    /// The figure to reach (at least), when the goal has one.
    pub goal: Option<Decimal>,
}

/// A goal with its verdict today.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct GoalLine {
    #[serde(flatten)]
    pub goal: EmulationGoal,
    pub verdict: GoalVerdict,
}

/// The goals of one phase and its results list.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PhaseGoals {
    pub phase: Period,
    /// The phase has ended: its verdicts stand.
    pub ended: bool,
    pub goals: Vec<GoalLine>,
    pub achieved: usize,
    /// Goals with a verdict (achieved or not).
    pub judged: usize,
}

/// A unit's goals for a movement, phase by phase (longest first, then by year).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct UnitGoals {
    pub document_id: DocumentId,
    pub unit_id: UnitId,
    pub unit_code: String,
    pub unit_name: String,
    pub phases: Vec<PhaseGoals>,
    /// The reader may register goals and record results for the unit.
    pub can_edit: bool,
}

/// Registers a goal of `input.unit_id` for a phase of a movement; answers its id.
pub async fn register(app: &App, actor: &Actor, input: &GoalInput) -> Result<i64> {
    let goal = Goal::new(
        input.phase,
        &input.title,
        input.measure.as_deref(),
        input.goal,
    )?;
    let today = app.today();
    let mut tx = app.db.begin().await?;
    let mut trees = Trees::shared(app);
    readable(&mut tx, &mut trees, actor, input.document_id, today)
        .await
        .map_err(|e| match e {
            AppError::NotFound => AppError::invalid("not_found", "document_id"),
            other => other,
        })?;
    let day = crate::personal::unit_day(&mut tx, input.unit_id, today)
        .await
        .map_err(|_| AppError::invalid("not_found", "unit_id"))?;
    if !trees
        .allows(&mut tx, actor, Action::EditContent, input.unit_id, day)
        .await?
    {
        return Err(AppError::Forbidden);
    }
    let id =
        store::insert_goal(&mut tx, input.document_id, input.unit_id, &goal, app.now()).await?;
    let after = serde_json::to_value(store::get_goal(&mut tx, id).await?).ok();
    audit::append(
        &mut tx,
        &actor.audit_entry("create", "emulation_goal", id, None, after),
        app.now(),
    )
    .await?;
    trienkhai_store::commit(tx).await?;
    Ok(id)
}

/// Records a goal's result: its figure for a goal with one, the unit's "đạt" for one in words;
/// answers the new row version.
pub async fn record_result(
    app: &App,
    actor: &Actor,
    id: i64,
    result: Option<Decimal>,
    achieved: Option<bool>,
    note: Option<&str>,
    expected_version: i64,
) -> Result<i64> {
    let note = note
        .map(trienkhai_core::vn::clean_text)
        .filter(|n| !n.is_empty());
    if note.as_ref().is_some_and(|n| n.chars().count() > 2000) {
        return Err(AppError::invalid("too_long", "note"));
    }
    let mut tx = app.db.begin().await?;
    let mut trees = Trees::shared(app);
    let before = store::get_goal(&mut tx, id).await?;
    let day = crate::personal::unit_day(&mut tx, before.unit_id, app.today()).await?;
    if !trees
        .allows(&mut tx, actor, Action::EditContent, before.unit_id, day)
        .await?
    {
        return Err(AppError::Forbidden);
    }
    // A goal with a figure is judged by the figure, one in words by the unit's "đạt".
    let (result, achieved) = match before.goal.goal {
        Some(_) => (
            Some(result.ok_or_else(|| AppError::invalid("required", "result"))?),
            None,
        ),
        None => (
            None,
            Some(achieved.ok_or_else(|| AppError::invalid("required", "achieved"))?),
        ),
    };
    let version = store::set_result(
        &mut tx,
        id,
        result,
        achieved,
        note.as_deref(),
        expected_version,
        app.now(),
    )
    .await?;
    let after = serde_json::to_value(store::get_goal(&mut tx, id).await?).ok();
    audit::append(
        &mut tx,
        &actor.audit_entry(
            "record_result",
            "emulation_goal",
            id,
            serde_json::to_value(&before).ok(),
            after,
        ),
        app.now(),
    )
    .await?;
    trienkhai_store::commit(tx).await?;
    Ok(version)
}

/// A unit's goals for a movement, phase by phase, with their verdicts today.
pub async fn unit_goals(
    app: &App,
    actor: &Actor,
    document: DocumentId,
    unit: UnitId,
) -> Result<UnitGoals> {
    let today = app.today();
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    readable(&mut conn, &mut trees, actor, document, today).await?;
    let day = crate::personal::unit_day(&mut conn, unit, today).await?;
    if !trees
        .allows(&mut conn, actor, Action::Read, unit, day)
        .await?
    {
        return Err(AppError::Forbidden);
    }
    let can_edit = trees
        .allows(&mut conn, actor, Action::EditContent, unit, day)
        .await?;
    let node = trees
        .at(&mut conn, day)
        .await?
        .get(unit)
        .cloned()
        .ok_or(AppError::NotFound)?;
    let goals = store::goals_of(&mut conn, document, &[unit]).await?;
    let mut phases: Vec<PhaseGoals> = Vec::new();
    for g in goals {
        let verdict = g.goal.verdict(g.result, g.achieved, today);
        let line = GoalLine { goal: g, verdict };
        match phases.iter_mut().find(|p| p.phase == line.goal.goal.phase) {
            Some(p) => p.goals.push(line),
            None => phases.push(PhaseGoals {
                phase: line.goal.goal.phase,
                ended: line.goal.goal.phase.dates().1 < today,
                goals: vec![line],
                achieved: 0,
                judged: 0,
            }),
        }
    }
    for p in &mut phases {
        p.achieved = p
            .goals
            .iter()
            .filter(|g| g.verdict == GoalVerdict::Achieved)
            .count();
        p.judged = p
            .goals
            .iter()
            .filter(|g| matches!(g.verdict, GoalVerdict::Achieved | GoalVerdict::NotAchieved))
            .count();
    }
    // The whole movement first, then its years in order.
    phases.sort_by_key(|p| {
        let (from, to) = p.phase.dates();
        (std::cmp::Reverse(to - from), from)
    });
    Ok(UnitGoals {
        document_id: document,
        unit_id: unit,
        unit_code: node.code.as_str().to_owned(),
        unit_name: node.name,
        phases,
        can_edit,
    })
}
