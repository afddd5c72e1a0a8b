//! Appraised ratings brought up to date with the records (C12). Between the appraisal and the
//! decision the year goes on: registered items are assessed at year end, work items are
//! completed. The office of a unit re-reads the tasks of every appraised rating below it (a
//! commune its cells' members, a province its whole tree) and runs the engine again on the
//! assessors' stored inputs, which it never changes; a preview does the same and keeps
//! nothing, so that it says exactly what applying would change. A rating the engine can no
//! longer judge on the new tasks is kept as it was and named; one changed meanwhile by an
//! assessor is left to them.

use std::collections::HashMap;

use serde::Serialize;
use trienkhai_core::grading::Subject;
use trienkhai_core::grading::appraisal::{self, Evaluation, Task};
use trienkhai_core::grading::workflow::RatingState;
use trienkhai_core::ids::{PersonId, UnitId};
use trienkhai_store::ratings::{self as store, Derived, Rating};
use trienkhai_store::{audit, persons};

use crate::personal::judging_day;
use crate::rating_tasks::TaskBook;
use crate::ratings::{rated_on, standing};
use crate::scope::Trees;
use crate::{Actor, App, AppError, Result};

/// The most kept ratings named one by one.
const KEPT_LISTED: usize = 100;

/// A rating left as it was, and why.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct KeptRating {
    pub rating_id: i64,
    /// The engine's error code on the new tasks.
    pub code: String,
}

/// What a refresh found, and did when applied.
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct RefreshOutcome {
    /// Written (false for a preview).
    pub applied: bool,
    /// Appraised ratings looked at.
    pub examined: u32,
    /// Of them, those whose tasks or evaluation differ now.
    pub changed: u32,
    /// Of those, the ones whose proposed level differs.
    pub levels_changed: u32,
    /// Changed by someone else since they were read: left to them.
    pub conflicts: u32,
    /// The engine could not judge them on the new tasks: kept as they were.
    pub kept: u32,
    /// The first of them, with the reason.
    pub kept_list: Vec<KeptRating>,
}

/// Re-reads the tasks of every appraised rating of `year` (of `subject`, or all) in the units
/// below `unit` and evaluates them again; writes the differences when `apply`, else answers
/// them and keeps nothing.
pub async fn refresh(
    app: &App,
    actor: &Actor,
    unit: UnitId,
    year: i32,
    subject: Option<Subject>,
    apply: bool,
) -> Result<RefreshOutcome> {
    let mut tx = app.db.begin().await?;
    let mut trees = Trees::shared(app);
    if !crate::rating_groups::access(app, &mut tx, &mut trees, actor, unit, year).await? {
        return Err(AppError::Forbidden);
    }
    let tree = trees.at(&mut tx, judging_day(app, year)).await?;
    let below: Vec<UnitId> = tree
        .walk_from(unit)
        .into_iter()
        .skip(1)
        .map(|(_, u)| u.unit_id)
        .collect();
    let ratings: Vec<Rating> = store::ratings_in_units(&mut tx, &below, year)
        .await?
        .into_iter()
        .filter(|r| r.state == RatingState::Appraised)
        .filter(|r| subject.is_none_or(|s| r.subject == s))
        .collect();
    let persons: Vec<PersonId> = ratings.iter().filter_map(|r| r.person_id).collect();
    let organisations: Vec<UnitId> = ratings
        .iter()
        .filter(|r| r.person_id.is_none())
        .map(|r| r.unit_id)
        .collect();
    let book = TaskBook::load(&mut tx, year, &persons, &organisations).await?;
    let admitted: HashMap<PersonId, Option<chrono::NaiveDate>> =
        persons::persons_by_ids(&mut tx, &persons)
            .await?
            .into_iter()
            .map(|p| (p.id, p.party.admitted_on))
            .collect();

    let mut out = RefreshOutcome {
        applied: apply,
        ..RefreshOutcome::default()
    };
    let mut fresh: Vec<(&Rating, &[Task], Evaluation)> = Vec::new();
    for r in &ratings {
        out.examined += 1;
        let Some(inputs) = r.appraisal.as_ref() else {
            continue;
        };
        let (tasks, standing) = match r.person_id {
            Some(p) => (
                book.of_person(p),
                standing(r, admitted.get(&p).copied().flatten()),
            ),
            None => (book.of_organisation(r.unit_id), None),
        };
        match appraisal::evaluate(
            r.rule_set,
            r.subject,
            tasks,
            inputs,
            standing.as_ref(),
            rated_on(year),
        ) {
            Ok(evaluation) => {
                if tasks != r.tasks.as_slice() || Some(&evaluation) != r.evaluation.as_ref() {
                    fresh.push((r, tasks, evaluation));
                }
            }
            Err(e) => {
                out.kept += 1;
                if out.kept_list.len() < KEPT_LISTED {
                    out.kept_list.push(KeptRating {
                        rating_id: r.id,
                        code: e.code.to_owned(),
                    });
                }
            }
        }
    }
    let derived: Vec<Derived> = fresh
        .iter()
        .map(|(r, tasks, evaluation)| Derived {
            id: r.id,
            expected_version: r.row_version,
            tasks,
            evaluation,
        })
        .collect();
    let written = store::save_derived(&mut tx, &derived, app.now()).await?;
    let written: std::collections::HashSet<i64> = written.into_iter().collect();
    for (r, _, evaluation) in &fresh {
        if written.contains(&r.id) {
            out.changed += 1;
            let before = r.evaluation.as_ref().and_then(|e| e.level);
            out.levels_changed += u32::from(before != evaluation.level);
        } else {
            out.conflicts += 1;
        }
    }
    if !apply {
        // A preview: everything was done as applying would, and is now undone.
        tx.rollback().await?;
        return Ok(out);
    }
    if out.changed > 0 {
        audit::append(
            &mut tx,
            &actor.audit_entry(
                "refresh",
                "rating_group",
                unit.0,
                None,
                Some(serde_json::json!({
                    "year": year,
                    "subject": subject,
                    "examined": out.examined,
                    "changed": out.changed,
                    "levels_changed": out.levels_changed,
                })),
            ),
            app.now(),
        )
        .await?;
    }
    trienkhai_store::commit(tx).await?;
    Ok(out)
}
