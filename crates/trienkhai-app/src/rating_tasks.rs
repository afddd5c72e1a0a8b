//! The tasks a rating is judged on, read from the records so that nobody retypes them: for a
//! person, the items of their registration in force for the year and the work items they answer
//! for; for an organisation, the work items it leads. Each says whether it was done and when:
//! a work item by its completion date, a registered item by the work item it concretizes when
//! that is done, else by the person's own assessment (done at mid-year: dated that day).

use chrono::{Datelike, NaiveDate};
use trienkhai_core::grading::appraisal::Task;
use trienkhai_core::ids::{PersonId, UnitId};
use trienkhai_core::registration::{AssessmentPhase, Outcome, RegistrationState};
use trienkhai_core::work_item::Progress;
use trienkhai_store::Conn;
use trienkhai_store::registrations::{self as reg, Concretizes};
use trienkhai_store::work_items::{self, WorkItem};

use crate::Result;

fn work_item_task(w: &WorkItem) -> Task {
    let done_on = match w.progress {
        Progress::Done { on } => Some(on),
        _ => None,
    };
    Task {
        key: format!("work_item:{}", w.id.0),
        label: format!("{} {}", w.code, w.title),
        deadline: w.deadline,
        completed: done_on.is_some(),
        completed_on: done_on,
    }
}

/// A person's tasks of `year`: their registration in force (its latest approved version) and
/// the work items they answer for that fall due in the year.
pub async fn of_person(conn: &mut Conn, person: PersonId, year: i32) -> Result<Vec<Task>> {
    let mut out = Vec::new();
    let in_force = reg::versions_of(conn, person, year)
        .await?
        .into_iter()
        .filter(|r| r.state == RegistrationState::Approved)
        .max_by_key(|r| r.version);
    if let Some(r) = in_force {
        let assessments = reg::assessments_of(conn, r.id).await?;
        for item in reg::items_of(conn, r.id).await? {
            let done_at = |phase: AssessmentPhase| -> Option<NaiveDate> {
                assessments
                    .iter()
                    .find(|a| a.item_id == item.id && a.phase == phase)
                    .filter(|a| a.assessment.outcome == Outcome::Done)
                    .map(|a| a.assessed_at.date_naive())
            };
            let year_end = assessments
                .iter()
                .find(|a| a.item_id == item.id && a.phase == AssessmentPhase::YearEnd);
            let completed = match year_end {
                Some(a) => a.assessment.outcome == Outcome::Done,
                None => done_at(AssessmentPhase::MidYear).is_some(),
            };
            // Done at mid-year is dated then; done at year end is taken as done by the
            // deadline unless the work item it concretizes dates it.
            let mut completed_on = done_at(AssessmentPhase::MidYear).filter(|_| completed);
            if completed && let Some(Concretizes::WorkItem(w)) = item.concretizes {
                let w = work_items::get_work_item(conn, w).await?;
                if let Progress::Done { on } = w.progress {
                    completed_on = Some(on);
                }
            }
            out.push(Task {
                key: format!("registration_item:{}", item.id),
                label: item.content.clone(),
                deadline: item.deadline,
                completed,
                completed_on,
            });
        }
    }
    for w in work_items::items_of_responsible(conn, person).await? {
        if w.deadline.year() == year {
            out.push(work_item_task(&w));
        }
    }
    Ok(out)
}

/// An organisation's tasks of `year`: the work items it leads that fall due in the year.
pub async fn of_organisation(conn: &mut Conn, unit: UnitId, year: i32) -> Result<Vec<Task>> {
    Ok(work_items::items_of_unit(conn, unit)
        .await?
        .iter()
        .filter(|w| w.lead_unit_id == unit && w.deadline.year() == year)
        .map(work_item_task)
        .collect())
}
