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
use trienkhai_core::registration::Outcome;
use trienkhai_core::work_item::Progress;
use trienkhai_store::Conn;
use trienkhai_store::registrations::{self as reg, ApprovedItem};
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
fn registration_task(item: &ApprovedItem, concretized: &HashMap<WorkItemId, NaiveDate>) -> Task {
    let mid_year_done = item.mid_year_done_at.map(|t| t.date_naive());
    let completed = match item.year_end {
        Some(outcome) => outcome == Outcome::Done,
        None => mid_year_done.is_some(),
    };
    let mut completed_on = mid_year_done.filter(|_| completed);
    if completed && let Some(on) = item.work_item_id.and_then(|w| concretized.get(&w)) {
        completed_on = Some(*on);
    }
    Task {
        key: format!("registration_item:{}", item.item_id),
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
        let mut items = reg::approved_items_of_persons(conn, persons, year).await?;
        // The registration in force is the latest approved version: drop the older ones'.
        let mut in_force: HashMap<PersonId, i64> = HashMap::new();
        for i in &items {
            let v = in_force.entry(i.person_id).or_insert(i.version);
            *v = (*v).max(i.version);
        }
        items.retain(|i| in_force.get(&i.person_id) == Some(&i.version));
        let wanted: Vec<WorkItemId> = items
            .iter()
            .filter_map(|i| i.work_item_id)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let concretized: HashMap<WorkItemId, NaiveDate> = work_items::items_by_ids(conn, &wanted)
            .await?
            .iter()
            .filter_map(|w| done_on(w).map(|on| (w.id, on)))
            .collect();
        for item in &items {
            book.persons
                .entry(item.person_id)
                .or_default()
                .push(registration_task(item, &concretized));
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
