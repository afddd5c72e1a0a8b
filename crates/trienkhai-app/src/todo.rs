//! "Việc cần làm": what a person has to do, gathered from every plan they work on. The reports
//! their units owe (late first), the reports returned to them with the reviewer's comment, the
//! work items of their units that are late or due soon, the notifications not read yet, and, for
//! a unit others report to, which reports of the current periods have arrived and which are
//! missing. It is the home page: a commune clerk who opens the product once a month lands on the
//! report they must send, a district on the communes it is waiting for.

use chrono::NaiveDate;
use serde::Serialize;
use trienkhai_core::access::Action;
use trienkhai_core::ids::{DocumentId, UnitId};
use trienkhai_core::period::Period;
use trienkhai_core::reporting::ReportState;
use trienkhai_store::reports;

use crate::scope::Trees;
use crate::work_items::WorkItemView;
use crate::{Actor, App, AppError, Result};

/// How long after its deadline a report not sent is still listed as owed (a year and a month:
/// last year's annual report is still owed in January).
const OWED_FOR_DAYS: i64 = 400;
/// How soon before its period ends a report is listed (the last week: time to gather figures,
/// never a month ahead of the period).
const LISTED_BEFORE_END_DAYS: i64 = 7;
/// How long after their deadline the arrivals of a period are shown to the unit they go to.
const ARRIVALS_FOR_DAYS: i64 = 45;

/// A person's work of the day.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Todo {
    pub day: NaiveDate,
    /// Reports the person's units owe and may send, the latest deadline last.
    pub reports_due: Vec<OwedReport>,
    /// Reports of the person's units returned for correction, with the comment.
    pub returned: Vec<OwedReport>,
    /// Work items the person's units lead that are past their deadline.
    pub items_late: Vec<WorkItemView>,
    /// Work items due within the next days.
    pub items_due: Vec<WorkItemView>,
    /// For each unit the person works in that others report to: what has arrived.
    pub arrivals: Vec<Arrivals>,
    /// Notifications not read yet.
    pub unread: i64,
    /// The person's own self-assessment of the year, in the rating season, while not made.
    pub rating_due: Option<RatingDue>,
}

/// A self-assessment the person has to make (DOMAIN.md §1.6: in the fourth quarter).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct RatingDue {
    pub year: i32,
    pub due: NaiveDate,
    /// Days until the deadline; negative when late by that many days.
    pub days_left: i64,
    pub basis: String,
}

impl Todo {
    /// Nothing to do and nothing to follow.
    pub fn is_empty(&self) -> bool {
        self.reports_due.is_empty()
            && self.returned.is_empty()
            && self.items_late.is_empty()
            && self.items_due.is_empty()
            && self.arrivals.is_empty()
            && self.rating_due.is_none()
    }
}

/// A report a unit owes for a plan's period.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct OwedReport {
    pub document_id: DocumentId,
    pub document_number: String,
    pub document_summary: String,
    pub unit_id: UnitId,
    pub unit_code: String,
    pub unit_name: String,
    pub period: Period,
    pub deadline: NaiveDate,
    /// Days until the deadline; negative when late by that many days.
    pub days_left: i64,
    /// The report when it has been opened.
    pub report_id: Option<i64>,
    pub state: Option<ReportState>,
    /// The reviewer's comment on a returned report.
    pub comment: Option<String>,
}

/// Which reports of a period have reached the unit they go to.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Arrivals {
    pub document_id: DocumentId,
    pub document_number: String,
    /// The unit the reports go to.
    pub unit_id: UnitId,
    pub unit_code: String,
    pub unit_name: String,
    pub period: Period,
    /// The deadline of the units reporting to it.
    pub deadline: NaiveDate,
    pub expected: usize,
    pub received: usize,
    /// Received after the deadline.
    pub received_late: usize,
    /// The units whose report has not arrived, in the tree's order.
    pub missing: Vec<MissingReport>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct MissingReport {
    pub unit_id: UnitId,
    pub unit_name: String,
    /// Its report, when opened but not sent.
    pub report_id: Option<i64>,
    pub overdue: bool,
}

/// The actor's work of the day (today by the application's clock).
pub async fn todo(app: &App, actor: &Actor) -> Result<Todo> {
    let today = app.today();
    let mine = crate::cascade::my_units(app, actor).await?;
    let mut todo = Todo {
        day: today,
        reports_due: Vec::new(),
        returned: Vec::new(),
        items_late: Vec::new(),
        items_due: Vec::new(),
        arrivals: Vec::new(),
        unread: crate::reminders::unread_count(app, actor).await?,
        rating_due: rating_due(app, actor, today).await?,
    };
    let plans = {
        let mut conn = app.db.reader().await?;
        reports::documents_with_calendars(&mut conn).await?
    };
    for document in plans {
        reports_of_plan(app, actor, document, &mine, &mut todo).await?;
    }
    todo.reports_due
        .sort_by_key(|r| (r.deadline, r.unit_name.clone()));
    todo.returned
        .sort_by_key(|r| (r.deadline, r.unit_name.clone()));
    for unit in &mine {
        let plan = crate::cascade::unit_plan(app, actor, *unit).await?;
        todo.items_late.extend(plan.overdue);
        todo.items_due.extend(plan.due_soon);
    }
    Ok(todo)
}

/// What `mine` owe and receive for one plan: its calendars' periods whose deadlines are near.
async fn reports_of_plan(
    app: &App,
    actor: &Actor,
    document: DocumentId,
    mine: &[UnitId],
    todo: &mut Todo,
) -> Result<()> {
    let today = todo.day;
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    let doc = match crate::documents::readable(&mut conn, &mut trees, actor, document, today).await
    {
        Ok(doc) => doc,
        Err(AppError::Forbidden | AppError::NotFound) => return Ok(()),
        Err(e) => return Err(e),
    };
    let mut periods = Vec::new();
    for c in reports::calendars_of(&mut conn, document).await? {
        for p in c.cadence.periods(c.first_year, c.last_year) {
            let end = p.dates().1;
            // Periods ended within the owed window, or ending within the week.
            if end >= today - chrono::Duration::days(OWED_FOR_DAYS)
                && end <= today + chrono::Duration::days(LISTED_BEFORE_END_DAYS)
            {
                periods.push(p);
            }
        }
    }
    for period in periods {
        for unit in mine {
            let list = match crate::reporting::period_reports(
                app,
                actor,
                document,
                period,
                Some(*unit),
                Some(today),
            )
            .await
            {
                Ok(list) => list,
                // The unit is not in this plan's tree, or not readable in that period.
                Err(AppError::Forbidden | AppError::NotFound) => continue,
                Err(AppError::Invalid(e)) if e.code == "unit_outside_plan" => continue,
                Err(e) => return Err(e),
            };
            for status in list.units.iter().filter(|s| s.unit_id == *unit) {
                let days_left = (status.deadline - today).num_days();
                let owed = match status.state {
                    None | Some(ReportState::Draft) => days_left >= -OWED_FOR_DAYS,
                    Some(ReportState::Returned) => true,
                    _ => false,
                };
                if !owed
                    || !trees
                        .allows(&mut conn, actor, Action::Report, *unit, period.tree_date())
                        .await?
                {
                    continue;
                }
                let comment = match (status.state, status.report_id) {
                    (Some(ReportState::Returned), Some(id)) => {
                        reports::get_report(&mut conn, id).await?.review_comment
                    }
                    _ => None,
                };
                let owed = OwedReport {
                    document_id: document,
                    document_number: doc.number.clone(),
                    document_summary: doc.summary.clone(),
                    unit_id: status.unit_id,
                    unit_code: status.unit_code.clone(),
                    unit_name: status.unit_name.clone(),
                    period,
                    deadline: status.deadline,
                    days_left,
                    report_id: status.report_id,
                    state: status.state,
                    comment,
                };
                if status.state == Some(ReportState::Returned) {
                    todo.returned.push(owed);
                } else {
                    todo.reports_due.push(owed);
                }
            }
            let below: Vec<_> = list
                .units
                .iter()
                .filter(|s| s.parent_id == Some(*unit))
                .collect();
            let Some(deadline) = below.iter().map(|s| s.deadline).max() else {
                continue;
            };
            let since = (today - deadline).num_days();
            if since > ARRIVALS_FOR_DAYS {
                continue;
            }
            let versions = trienkhai_store::units::versions_of(&mut conn, *unit).await?;
            let Some(version) = versions
                .iter()
                .find(|v| v.validity.contains(period.tree_date()))
                .or(versions.last())
            else {
                continue;
            };
            todo.arrivals.push(Arrivals {
                document_id: document,
                document_number: doc.number.clone(),
                unit_id: *unit,
                unit_code: version.code.as_str().to_owned(),
                unit_name: version.name.clone(),
                period,
                deadline,
                expected: below.len(),
                received: below.iter().filter(|s| s.received).count(),
                received_late: below.iter().filter(|s| s.received && s.late).count(),
                missing: below
                    .iter()
                    .filter(|s| !s.received)
                    .map(|s| MissingReport {
                        unit_id: s.unit_id,
                        unit_name: s.unit_name.clone(),
                        report_id: s.report_id,
                        overdue: s.overdue,
                    })
                    .collect(),
            });
        }
    }
    Ok(())
}

/// How long after the season's deadline a self-assessment not made is still listed.
const RATING_LATE_FOR_DAYS: i64 = 31;

/// The person's self-assessment of the year when the season is open (or just closed) and they
/// have not made it: a member with a post that year, rated in the unit of their first post.
async fn rating_due(app: &App, actor: &Actor, today: NaiveDate) -> Result<Option<RatingDue>> {
    use chrono::Datelike;
    use trienkhai_core::grading::{Subject, workflow::season};
    let Some(year) = [today.year(), today.year() - 1].into_iter().find(|y| {
        season(Subject::Member, *y)
            .is_some_and(|s| s.opens <= today && (today - s.due).num_days() <= RATING_LATE_FOR_DAYS)
    }) else {
        return Ok(None);
    };
    let Some(s) = season(Subject::Member, year) else {
        return Ok(None);
    };
    let Some(mine) = crate::registration_lists::mine(app, actor, year).await? else {
        return Ok(None);
    };
    let Some((unit, _, _)) = mine.posts.first() else {
        return Ok(None);
    };
    let mut conn = app.db.reader().await?;
    let made = trienkhai_store::ratings::active_rating(
        &mut conn,
        year,
        Subject::Member,
        *unit,
        Some(mine.person_id),
    )
    .await?;
    Ok(made.is_none().then(|| RatingDue {
        year,
        due: s.due,
        days_left: (s.due - today).num_days(),
        basis: s.basis.to_owned(),
    }))
}
