//! Screens of a plan's reporting calendars (C8): each cadence with every period's deadline per
//! level, the counting setting, and the installation's corrections of the working calendar.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::Response;
use serde::Deserialize;
use trienkhai_app::AppError;
use trienkhai_app::calendars;
use trienkhai_app::reporting;
use trienkhai_core::ids::DocumentId;
use trienkhai_core::reporting::{Cadence, Counted, DeadlineRule};

use super::{PageCtx, render, see_other};
use crate::AppState;
use crate::error::PageError;
use crate::extract::{FormBody, PageActor};
use crate::fmt;
use crate::i18n::tr;

pub struct CalendarBlock {
    id: i64,
    cadence: &'static str,
    years: String,
    days_after_end: u32,
    lead_days: u32,
    row_version: i64,
    /// Period label, then its deadline at each level.
    rows: Vec<(String, String, Vec<String>)>,
}

#[derive(Template)]
#[template(path = "calendars.html")]
struct CalendarsPage {
    ctx: PageCtx,
    document_id: i64,
    document_number: String,
    /// The setting's label.
    counted: &'static str,
    /// Code, label, chosen.
    counting: Vec<(&'static str, &'static str, bool)>,
    can_edit: bool,
    cadences: Vec<(&'static str, &'static str)>,
    levels: Vec<String>,
    calendars: Vec<CalendarBlock>,
    /// Id, what, audience, channels.
    policies: Vec<(i64, String, &'static str, String)>,
    policy_kinds: Vec<(&'static str, &'static str)>,
    audiences: Vec<(&'static str, &'static str)>,
}

pub async fn plan_calendars(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let ctx = PageCtx::new(&page, &uri);
    let lang = ctx.lang();
    let doc =
        trienkhai_app::documents::get_document(&state.app, &page.actor, DocumentId(id)).await?;
    let plan = calendars::plan_calendars(&state.app, &page.actor, DocumentId(id)).await?;
    let policies =
        trienkhai_app::reminders::policies(&state.app, &page.actor, DocumentId(id)).await?;
    let levels = (0..=calendars::LEVELS_SHOWN)
        .map(|d| match d {
            0 => tr(lang, "calendar.level_plan").to_owned(),
            d => format!("{} {d}", tr(lang, "calendar.level_below")),
        })
        .collect();
    render(&CalendarsPage {
        document_id: id,
        document_number: doc.document.number.clone(),
        counted: tr(lang, &format!("counted.{}", plan.counted.as_str())),
        counting: [Counted::Accepted, Counted::Submitted, Counted::Any]
            .into_iter()
            .map(|c| {
                (
                    c.as_str(),
                    tr(lang, &format!("counted.{}", c.as_str())),
                    c == plan.counted,
                )
            })
            .collect(),
        can_edit: plan.can_edit,
        cadences: Cadence::ALL
            .into_iter()
            .map(|c| (c.as_str(), tr(lang, &format!("cadence.{}", c.as_str()))))
            .collect(),
        levels,
        policies: policies
            .iter()
            .map(|p| {
                let mut channels = vec![tr(lang, "nav.notifications")];
                if p.email {
                    channels.push(tr(lang, "field.email"));
                }
                if p.webhook {
                    channels.push("webhook");
                }
                (
                    p.id,
                    format!("{}: {}", tr(lang, &format!("reminder.{}", p.kind)), p.days),
                    tr(lang, &format!("reminder.to_{}", p.audience)),
                    channels.join(", "),
                )
            })
            .collect(),
        policy_kinds: trienkhai_app::reminders::POLICY_KINDS
            .iter()
            .map(|k| (*k, tr(lang, &format!("reminder.{k}"))))
            .collect(),
        audiences: trienkhai_app::reminders::AUDIENCES
            .iter()
            .map(|a| (*a, tr(lang, &format!("reminder.to_{a}"))))
            .collect(),
        calendars: plan
            .calendars
            .iter()
            .map(|c| CalendarBlock {
                id: c.calendar.id,
                cadence: tr(lang, &format!("cadence.{}", c.calendar.cadence.as_str())),
                years: if c.calendar.first_year == c.calendar.last_year {
                    c.calendar.first_year.to_string()
                } else {
                    format!("{}–{}", c.calendar.first_year, c.calendar.last_year)
                },
                days_after_end: c.calendar.rule.days_after_end,
                lead_days: c.calendar.rule.lead_days,
                row_version: c.calendar.row_version,
                rows: c
                    .periods
                    .iter()
                    .map(|p| {
                        (
                            p.period.to_string(),
                            fmt::period(lang, p.period),
                            p.deadlines.iter().map(|d| fmt::date(*d)).collect(),
                        )
                    })
                    .collect(),
            })
            .collect(),
        ctx,
    })
}

#[derive(Deserialize)]
pub struct CalendarForm {
    csrf: String,
    cadence: String,
    first_year: String,
    last_year: String,
    days_after_end: String,
    lead_days: String,
}

fn number<T: std::str::FromStr>(text: &str, field: &str) -> Result<T, PageError> {
    text.trim()
        .parse()
        .map_err(|_| PageError(AppError::invalid("invalid_number", field)))
}

pub async fn add(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
    FormBody(form): FormBody<CalendarForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    let cadence = Cadence::parse(&form.cadence).map_err(AppError::from)?;
    let first: i32 = number(&form.first_year, "first_year")?;
    let last: i32 = if form.last_year.trim().is_empty() {
        first
    } else {
        number(&form.last_year, "last_year")?
    };
    let rule = DeadlineRule::new(
        number(&form.days_after_end, "days_after_end")?,
        if form.lead_days.trim().is_empty() {
            0
        } else {
            number(&form.lead_days, "lead_days")?
        },
    )
    .map_err(AppError::from)?;
    reporting::add_calendar(
        &state.app,
        &page.actor,
        DocumentId(id),
        cadence,
        (first, last),
        rule,
    )
    .await?;
    Ok(see_other(&format!("/documents/{id}/calendars")))
}

#[derive(Deserialize)]
pub struct RemoveForm {
    csrf: String,
    calendar: i64,
    version: i64,
}

pub async fn remove(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
    FormBody(form): FormBody<RemoveForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    calendars::remove_calendar(
        &state.app,
        &page.actor,
        DocumentId(id),
        form.calendar,
        form.version,
    )
    .await?;
    Ok(see_other(&format!("/documents/{id}/calendars")))
}

#[derive(Deserialize)]
pub struct CountingForm {
    csrf: String,
    counted: String,
}

pub async fn counting(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
    FormBody(form): FormBody<CountingForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    let counted = Counted::parse(&form.counted).map_err(AppError::from)?;
    reporting::set_counting(&state.app, &page.actor, DocumentId(id), counted).await?;
    Ok(see_other(&format!("/documents/{id}/calendars")))
}

#[derive(Template)]
#[template(path = "calendar_days.html")]
struct DaysPage {
    ctx: PageCtx,
    can_edit: bool,
    /// Date, weekday, worked or off, note.
    days: Vec<(String, String, bool, String)>,
}

pub async fn days(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
) -> Result<Response, PageError> {
    let ctx = PageCtx::new(&page, &uri);
    let lang = ctx.lang();
    let days = calendars::calendar_days(&state.app).await?;
    render(&DaysPage {
        can_edit: page
            .actor
            .access
            .allows_everywhere(trienkhai_core::access::Action::ManageStructure),
        days: days
            .iter()
            .map(|d| {
                (
                    fmt::date(d.day),
                    fmt::weekday(lang, d.day),
                    d.working,
                    d.note.clone().unwrap_or_default(),
                )
            })
            .collect(),
        ctx,
    })
}

#[derive(Deserialize)]
pub struct DayForm {
    csrf: String,
    day: String,
    kind: String,
    note: Option<String>,
    remove: Option<String>,
}

pub async fn set_day(
    State(state): State<AppState>,
    page: PageActor,
    FormBody(form): FormBody<DayForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    let day = trienkhai_core::vn::parse_date(form.day.trim())
        .map_err(|e| PageError(AppError::invalid(e.code(), "day")))?;
    if form.remove.is_some() {
        calendars::remove_calendar_day(&state.app, &page.actor, day).await?;
    } else {
        let working = match form.kind.as_str() {
            "working" => true,
            "off" => false,
            _ => return Err(PageError(AppError::invalid("invalid", "kind"))),
        };
        calendars::set_calendar_day(&state.app, &page.actor, day, working, form.note.as_deref())
            .await?;
    }
    Ok(see_other("/calendar-days"))
}
