//! Appraised ratings brought up to date with the records (C12). Between the appraisal and the
//! decision the year goes on: registered items are assessed at year end, work items are
//! completed. The office of a unit re-reads the tasks of every appraised rating below it (a
//! commune its cells' members, a province its whole tree) and runs the engine again on the
//! assessors' stored inputs, which it never changes; a preview does the same and keeps
//! nothing, so that it says exactly what applying would change. A rating the engine can no
//! longer judge on the new tasks is kept as it was and named; one changed meanwhile by an
//! assessor is left to them.

use serde::Serialize;
use trienkhai_core::grading::appraisal::{self, Evaluation};
use trienkhai_core::grading::{Level, Subject};
use trienkhai_core::ids::{PersonId, UnitId};
use trienkhai_store::audit;
use trienkhai_store::ratings::{self as store, AppraisedRating, Derived};

use crate::personal::judging_day;
use crate::rating_tasks::TaskBook;
use crate::ratings::{member_standing, rated_on};
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
    let started = std::time::Instant::now();
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
    let ratings = store::appraised_in_units(&mut tx, &below, year)
        .await?
        .into_iter()
        .filter(|r| subject.is_none_or(|s| r.subject == s))
        .collect::<Vec<_>>();
    let ratings_read = started.elapsed();
    let persons: Vec<PersonId> = ratings.iter().filter_map(|r| r.person_id).collect();
    let organisations: Vec<UnitId> = ratings
        .iter()
        .filter(|r| r.person_id.is_none())
        .map(|r| r.unit_id)
        .collect();
    let book = TaskBook::load(&mut tx, year, &persons, &organisations).await?;
    let records_read = started.elapsed();

    let mut out = RefreshOutcome {
        applied: apply,
        ..RefreshOutcome::default()
    };
    // (rating, the level it proposed, tasks and evaluation as the JSON to store)
    let mut fresh: Vec<(&AppraisedRating, Option<Level>, String, String)> = Vec::new();
    for r in &ratings {
        out.examined += 1;
        let Some(inputs) = r.appraisal.as_ref() else {
            continue;
        };
        let (tasks, standing) = match r.person_id {
            Some(p) => (book.of_person(p), member_standing(r.subject, r.admitted_on)),
            None => (book.of_organisation(r.unit_id), None),
        };
        let evaluation = match appraisal::evaluate(
            r.rule_set,
            r.subject,
            tasks,
            inputs,
            standing.as_ref(),
            rated_on(year),
        ) {
            Ok(e) => e,
            Err(e) => {
                out.kept += 1;
                if out.kept_list.len() < KEPT_LISTED {
                    out.kept_list.push(KeptRating {
                        rating_id: r.id,
                        code: e.code.to_owned(),
                    });
                }
                continue;
            }
        };
        // Compared as the text stored: the few that change are found without parsing the
        // explanations of all the others.
        let tasks_json = serde_json::to_string(tasks).map_err(store_error)?;
        let evaluation_json = serde_json::to_string(&evaluation).map_err(store_error)?;
        if tasks_json != r.tasks_json || Some(&evaluation_json) != r.evaluation_json.as_ref() {
            fresh.push((r, evaluation.level, tasks_json, evaluation_json));
        }
    }
    let evaluated = started.elapsed();
    let derived: Vec<Derived> = fresh
        .iter()
        .map(|(r, _, tasks_json, evaluation_json)| Derived {
            id: r.id,
            expected_version: r.row_version,
            tasks_json,
            evaluation_json,
        })
        .collect();
    let written = store::save_derived(&mut tx, &derived, app.now()).await?;
    tracing::info!(
        examined = out.examined,
        changed = derived.len(),
        ratings_read_ms = ratings_read.as_millis() as u64,
        records_read_ms = (records_read - ratings_read).as_millis() as u64,
        evaluated_ms = (evaluated - records_read).as_millis() as u64,
        written_ms = (started.elapsed() - evaluated).as_millis() as u64,
        "ratings refreshed"
    );
    let written: std::collections::HashSet<i64> = written.into_iter().collect();
    for (r, level, _, _) in &fresh {
        if written.contains(&r.id) {
            out.changed += 1;
            let before = r
                .evaluation_json
                .as_deref()
                .and_then(|e| serde_json::from_str::<Evaluation>(e).ok())
                .and_then(|e| e.level);
            out.levels_changed += u32::from(before != *level);
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

fn store_error(e: serde_json::Error) -> AppError {
    AppError::from(trienkhai_store::StoreError::Corrupt(e.to_string()))
}
