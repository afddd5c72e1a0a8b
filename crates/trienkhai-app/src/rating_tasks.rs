//! The tasks a rating is judged on, read from the records so that nobody retypes them: for a
//! person, the items of their registration in force for the year and the work items they answer
//! for; for an organisation, the work items it leads. Each says whether it was done and when:
//! a work item by its completion date, a registered item by the work item it concretizes when
//! that is done, else by the person's own assessment (done at mid-year: dated that day).
//!
//! One rating or a province's hundred thousand are read the same way, by [`TaskBook`]: a few
//! queries for the whole list of subjects, never one per person.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use trienkhai_core::grading::appraisal::Task;
use trienkhai_core::ids::{PersonId, UnitId, WorkItemId};
use trienkhai_core::registration::{AssessmentPhase, Outcome, RegistrationState};
use trienkhai_core::work_item::Progress;
use trienkhai_store::Conn;
use trienkhai_store::registrations::{self as reg, Assessment, Concretizes, RegistrationItem};
use trienkhai_store::work_items::{self, WorkItem};

use crate::Result;

fn done_on(w: &WorkItem) -> Option<NaiveDate> {
    match w.progress {
        Progress::Done { on } => Some(on),
        _ => None,
    }
}

fn work_item_task(w: &WorkItem) -> Task {
    let done_on = done_on(w);
    Task {
        key: format!("work_item:{}", w.id.0),
        label: format!("{} {}", w.code, w.title),
        deadline: w.deadline,
        completed: done_on.is_some(),
        completed_on: done_on,
    }
}

/// A registered item as a task: done by its year-end assessment (or, before that, its
/// mid-year one); dated by the work item it concretizes when that is done, else by the day
/// it was assessed done at mid-year (done at year end is taken as done by the deadline).
fn registration_task(
    item: &RegistrationItem,
    assessments: &[&Assessment],
    concretized: &HashMap<WorkItemId, Option<NaiveDate>>,
) -> Task {
    let done_at = |phase: AssessmentPhase| -> Option<NaiveDate> {
        assessments
            .iter()
            .find(|a| a.phase == phase)
            .filter(|a| a.assessment.outcome == Outcome::Done)
            .map(|a| a.assessed_at.date_naive())
    };
    let completed = match assessments
        .iter()
        .find(|a| a.phase == AssessmentPhase::YearEnd)
    {
        Some(a) => a.assessment.outcome == Outcome::Done,
        None => done_at(AssessmentPhase::MidYear).is_some(),
    };
    let mut completed_on = done_at(AssessmentPhase::MidYear).filter(|_| completed);
    if completed
        && let Some(Concretizes::WorkItem(w)) = item.concretizes
        && let Some(Some(on)) = concretized.get(&w)
    {
        completed_on = Some(*on);
    }
    Task {
        key: format!("registration_item:{}", item.id),
        label: item.content.clone(),
        deadline: item.deadline,
        completed,
        completed_on,
    }
}

/// The tasks of a year of many persons and organisations, read at once.
#[derive(Debug, Default)]
pub struct TaskBook {
    persons: HashMap<PersonId, Vec<Task>>,
    organisations: HashMap<UnitId, Vec<Task>>,
}

impl TaskBook {
    /// Reads the tasks of `year` of `persons` (their registration in force: the latest approved
    /// version; the work items they answer for that fall due in the year) and of `units` as
    /// organisations (the work items they lead that fall due in the year).
    pub async fn load(
        conn: &mut Conn,
        year: i32,
        persons: &[PersonId],
        units: &[UnitId],
    ) -> Result<TaskBook> {
        let mut book = TaskBook::default();
        let mut in_force: HashMap<PersonId, reg::Registration> = HashMap::new();
        for r in reg::registrations_of_persons(conn, persons, year).await? {
            if r.state == RegistrationState::Approved {
                // Ordered by version: the last approved one stays.
                in_force.insert(r.person_id, r);
            }
        }
        let ids: Vec<i64> = in_force.values().map(|r| r.id).collect();
        let items = reg::items_of_registrations(conn, &ids).await?;
        let assessments = reg::assessments_of_registrations(conn, &ids).await?;
        let mut of_item: HashMap<i64, Vec<&Assessment>> = HashMap::new();
        for a in &assessments {
            of_item.entry(a.item_id).or_default().push(a);
        }
        let wanted: Vec<WorkItemId> = items
            .iter()
            .filter_map(|i| match i.concretizes {
                Some(Concretizes::WorkItem(w)) => Some(w),
                _ => None,
            })
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let concretized: HashMap<WorkItemId, Option<NaiveDate>> =
            work_items::items_by_ids(conn, &wanted)
                .await?
                .iter()
                .map(|w| (w.id, done_on(w)))
                .collect();
        let person_of: HashMap<i64, PersonId> =
            in_force.values().map(|r| (r.id, r.person_id)).collect();
        for item in &items {
            let Some(person) = person_of.get(&item.registration_id) else {
                continue;
            };
            let assessed = of_item.get(&item.id).map(Vec::as_slice).unwrap_or(&[]);
            book.persons
                .entry(*person)
                .or_default()
                .push(registration_task(item, assessed, &concretized));
        }
        for w in work_items::items_of_responsibles(conn, persons).await? {
            if let Some(p) = w.responsible_person_id
                && w.deadline.year() == year
            {
                book.persons.entry(p).or_default().push(work_item_task(&w));
            }
        }
        for w in work_items::items_led_by(conn, units).await? {
            if w.deadline.year() == year {
                book.organisations
                    .entry(w.lead_unit_id)
                    .or_default()
                    .push(work_item_task(&w));
            }
        }
        Ok(book)
    }

    pub fn of_person(&self, person: PersonId) -> &[Task] {
        self.persons.get(&person).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn of_organisation(&self, unit: UnitId) -> &[Task] {
        self.organisations
            .get(&unit)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
}

/// A person's tasks of `year`.
pub async fn of_person(conn: &mut Conn, person: PersonId, year: i32) -> Result<Vec<Task>> {
    let book = TaskBook::load(conn, year, &[person], &[]).await?;
    Ok(book.of_person(person).to_vec())
}

/// An organisation's tasks of `year`.
pub async fn of_organisation(conn: &mut Conn, unit: UnitId, year: i32) -> Result<Vec<Task>> {
    let book = TaskBook::load(conn, year, &[], &[unit]).await?;
    Ok(book.of_organisation(unit).to_vec())
}
