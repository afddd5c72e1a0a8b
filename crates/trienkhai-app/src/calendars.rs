//! A plan's reporting calendars as people set them up (C8): each cadence with its deadline
//! per level below the plan's unit, worked out in Vietnam's working days; the installation's
//! corrections of the working calendar (a bridge day off, a Saturday worked in exchange).
//!
//! Adding a calendar and the deadline of one report are in [`crate::reporting`].

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use trienkhai_core::access::Action;
use trienkhai_core::ids::DocumentId;
use trienkhai_core::period::Period;
use trienkhai_core::reporting::Counted;
use trienkhai_store::reports::{self, Calendar, CalendarDay};
use trienkhai_store::{StoreError, audit};

use crate::documents::{readable, require_edit};
use crate::reporting::work_calendar;
use crate::scope::Trees;
use crate::{Actor, App, AppError, Result};

/// How many levels below the plan's unit a calendar page shows deadlines for: commune, party
/// cell, and one more for a province's plans.
pub const LEVELS_SHOWN: u32 = 3;

/// One period of a calendar with its deadline at the plan's level and each level below.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PeriodDeadlines {
    pub period: Period,
    /// Index 0: the plan's own unit; 1: a level below; …
    pub deadlines: Vec<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CalendarView {
    #[serde(flatten)]
    pub calendar: Calendar,
    pub periods: Vec<PeriodDeadlines>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PlanCalendars {
    pub document_id: DocumentId,
    pub calendars: Vec<CalendarView>,
    pub counted: Counted,
    pub can_edit: bool,
}

/// A plan's calendars with every period's deadlines, its counting setting, and whether the
/// actor may change them.
pub async fn plan_calendars(
    app: &App,
    actor: &Actor,
    document: DocumentId,
) -> Result<PlanCalendars> {
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    let doc = readable(&mut conn, &mut trees, actor, document, app.today()).await?;
    let can_edit = require_edit(
        &mut conn,
        &mut trees,
        actor,
        doc.issuer_unit_id,
        doc.issued_on,
    )
    .await
    .is_ok();
    let counted = Counted::parse(&reports::counted_states(&mut conn, document).await?)?;
    let mut calendars = Vec::new();
    for calendar in reports::calendars_of(&mut conn, document).await? {
        let work = crate::reporting::work_calendar_spanning(
            &mut conn,
            calendar.first_year,
            calendar.last_year,
        )
        .await?;
        let periods = calendar
            .cadence
            .periods(calendar.first_year, calendar.last_year)
            .into_iter()
            .map(|period| PeriodDeadlines {
                period,
                deadlines: (0..=LEVELS_SHOWN)
                    .map(|depth| calendar.rule.deadline(&work, period, depth))
                    .collect(),
            })
            .collect();
        calendars.push(CalendarView { calendar, periods });
    }
    Ok(PlanCalendars {
        document_id: document,
        calendars,
        counted,
        can_edit,
    })
}

/// Removes a plan's calendar (the plan's editors; with the version read). Reports already
/// opened keep their deadlines.
pub async fn remove_calendar(
    app: &App,
    actor: &Actor,
    document: DocumentId,
    id: i64,
    version: i64,
) -> Result<()> {
    let mut tx = app.db.begin().await?;
    // No structural change here: the shared trees (checked against the tree generation) are safe.
    let mut trees = Trees::shared(app);
    crate::documents::plan_for_edit(&mut tx, &mut trees, actor, document).await?;
    let calendar = reports::calendars_of(&mut tx, document)
        .await?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or(AppError::NotFound)?;
    match reports::delete_calendar(&mut tx, id, version).await {
        Err(StoreError::Conflict) => {
            return Err(AppError::Conflict {
                current: Some(serde_json::to_value(&calendar).unwrap_or_default()),
            });
        }
        other => other?,
    }
    audit::append(
        &mut tx,
        &actor.audit_entry(
            "remove_calendar",
            "document",
            document.0,
            Some(serde_json::to_value(&calendar).unwrap_or_default()),
            None,
        ),
        app.now(),
    )
    .await?;
    trienkhai_store::commit(tx).await?;
    Ok(())
}

/// The corrections of the working calendar, in date order.
pub async fn calendar_days(app: &App) -> Result<Vec<CalendarDay>> {
    let mut conn = app.db.reader().await?;
    Ok(reports::calendar_days(&mut conn).await?)
}

/// Whether the working day `day` is, as the statutory calendar with the corrections says.
pub async fn is_working_day(app: &App, day: NaiveDate) -> Result<bool> {
    let mut conn = app.db.reader().await?;
    Ok(work_calendar(&mut conn, day.year())
        .await?
        .is_working_day(day))
}

fn require_installation_admin(actor: &Actor) -> Result<()> {
    if actor.access.allows_everywhere(Action::ManageStructure) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Records a correction of the working calendar for the whole installation (administrators):
/// a day off that is normally worked, or a day worked that is normally off.
pub async fn set_calendar_day(
    app: &App,
    actor: &Actor,
    day: NaiveDate,
    working: bool,
    note: Option<&str>,
) -> Result<()> {
    require_installation_admin(actor)?;
    if !(2000..=2100).contains(&day.year()) {
        return Err(AppError::invalid("out_of_range", "day"));
    }
    let note = note
        .map(trienkhai_core::vn::clean_text)
        .filter(|n| !n.is_empty());
    if note.as_ref().is_some_and(|n| n.chars().count() > 200) {
        return Err(AppError::invalid("too_long", "note"));
    }
    let mut tx = app.db.begin().await?;
    let correction = CalendarDay { day, working, note };
    reports::set_calendar_day(&mut tx, &correction).await?;
    audit::append(
        &mut tx,
        &actor.audit_entry(
            "set_calendar_day",
            "calendar",
            0,
            None,
            Some(serde_json::to_value(&correction).unwrap_or_default()),
        ),
        app.now(),
    )
    .await?;
    trienkhai_store::commit(tx).await?;
    Ok(())
}

/// Removes a correction: the day is again as the statutory calendar says.
pub async fn remove_calendar_day(app: &App, actor: &Actor, day: NaiveDate) -> Result<()> {
    require_installation_admin(actor)?;
    let mut tx = app.db.begin().await?;
    reports::remove_calendar_day(&mut tx, day).await?;
    audit::append(
        &mut tx,
        &actor.audit_entry(
            "remove_calendar_day",
            "calendar",
            0,
            Some(serde_json::json!({ "day": day })),
            None,
        ),
        app.now(),
    )
    .await?;
    trienkhai_store::commit(tx).await?;
    Ok(())
}
