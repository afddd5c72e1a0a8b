//! The dashboard of a unit (C15): a plan's targets with their status colours and the headline
//! month by month, the work items it answers for by state, the reports from the units below,
//! and what is behind with who answers for it — as of any date, printable.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::Uri;
use axum::response::Response;
use chrono::Datelike;
use rust_decimal::Decimal;
use serde::Deserialize;
use trienkhai_app::AppError;
use trienkhai_app::dashboard;
use trienkhai_core::ids::{DocumentId, UnitId};
use trienkhai_core::period::Period;
use trienkhai_core::target::Status;

use super::plans::{TargetLine, target_line};
use super::{PageCtx, render};
use crate::AppState;
use crate::charts;
use crate::error::PageError;
use crate::extract::PageActor;
use crate::fmt;
use crate::i18n::tr;

/// How many missing or late units the page lists by name (the counts cover all).
const UNITS_LISTED: usize = 40;

pub struct LateUnit {
    report_id: Option<i64>,
    name: String,
    deadline: String,
    state: String,
    overdue: bool,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    ctx: PageCtx,
    period_options: Vec<super::pickers::Choice>,
    official: super::OfficialHeader,
    unit_id: i64,
    unit_name: String,
    unit_code: String,
    period: String,
    period_code: String,
    as_of: String,
    /// Said when the dashboard is read as of a past day.
    past_note: String,
    plans: Vec<(i64, String, bool)>,
    document_id: i64,
    document_number: String,
    headline: String,
    status_chart: String,
    trend_chart: String,
    targets: Vec<TargetLine>,
    states: Vec<(&'static str, &'static str, usize)>,
    national: Vec<(&'static str, usize)>,
    items_total: usize,
    has_reports: bool,
    received: usize,
    missing: usize,
    late: usize,
    late_units: Vec<LateUnit>,
    more_late_units: usize,
    behind_targets: Vec<(i64, String, String, String)>,
    behind_items: Vec<(i64, String, String, String, String)>,
}

#[derive(Deserialize)]
pub struct DashboardQuery {
    document: Option<String>,
    period: Option<String>,
    as_of: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
    Path(id): Path<i64>,
    Query(q): Query<DashboardQuery>,
) -> Result<Response, PageError> {
    let ctx = PageCtx::new(&page, &uri);
    let lang = ctx.lang();
    let document = match q.document.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(d) => Some(DocumentId(d.parse().map_err(|_| {
            PageError(AppError::invalid("invalid_number", "document_id"))
        })?)),
    };
    let period = match q.period.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(p) => Some(Period::parse(p).map_err(AppError::from)?),
    };
    let as_of = match q.as_of.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(d) => Some(
            trienkhai_core::vn::parse_date(d)
                .map_err(|e| PageError(AppError::invalid(e.code(), "as_of")))?,
        ),
    };
    let b =
        dashboard::dashboard(&state.app, &page.actor, UnitId(id), document, period, as_of).await?;
    // Every status, so that the bar adds up to the headline's total.
    let counts: Vec<(Status, usize, String)> = Status::ALL
        .iter()
        .map(|s| {
            (
                *s,
                b.targets
                    .iter()
                    .filter(|r| r.figure.as_ref().map_or(Status::NoData, |f| f.status) == *s)
                    .count(),
                fmt::status(lang, *s).to_owned(),
            )
        })
        .filter(|(_, n, _)| *n > 0)
        .collect();
    let headline = b
        .headline
        .as_ref()
        .map(|h| fmt::headline(lang, h))
        .unwrap_or_default();
    let trend_title = tr(lang, "dashboard.trend");
    let points: Vec<charts::Point> = b
        .months
        .iter()
        .map(|m| charts::Point {
            label: fmt::period(lang, m.period),
            value: Some(Decimal::from(m.met)),
            cumulative: None,
        })
        .collect();
    let total = b.headline.as_ref().map(|h| Decimal::from(h.total));
    let reports = b.reports.as_ref();
    let late_all: Vec<_> = reports
        .map(|r| {
            r.units
                .iter()
                .filter(|u| u.late || u.overdue)
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let year = b.period.dates().1.year();
    render(&DashboardPage {
        period_options: super::pickers::period_choices(lang, year - 1..=year + 1, Some(b.period)),
        official: super::OfficialHeader::new(
            lang,
            &b.unit_name,
            b.document.as_ref().map_or("", |d| d.number.as_str()),
            b.document.as_ref().map_or("", |d| d.summary.as_str()),
            "dashboard.title",
            &fmt::period(lang, b.period),
            b.as_of,
        ),
        unit_id: id,
        unit_name: b.unit_name.clone(),
        unit_code: b.unit_code.clone(),
        period: fmt::period(lang, b.period),
        period_code: b.period.to_string(),
        as_of: fmt::date(b.as_of),
        past_note: if b.as_of < state.app.today() {
            tr(lang, "dashboard.past").replace("{date}", &fmt::date(b.as_of))
        } else {
            String::new()
        },
        plans: b
            .plans
            .iter()
            .map(|p| {
                (
                    p.id.0,
                    format!("{} – {}", p.number, p.summary),
                    b.document.as_ref().is_some_and(|d| d.id == p.id),
                )
            })
            .collect(),
        document_id: b.document.as_ref().map_or(0, |d| d.id.0),
        document_number: b
            .document
            .as_ref()
            .map(|d| d.number.clone())
            .unwrap_or_default(),
        status_chart: charts::status_bar(&headline, &counts),
        trend_chart: if points.is_empty() {
            String::new()
        } else {
            charts::trend(
                trend_title,
                &points,
                total,
                tr(lang, "dashboard.total_targets"),
            )
        },
        headline,
        targets: b
            .targets
            .iter()
            .map(|r| target_line(lang, &r.target, r.figure.as_ref()))
            .collect(),
        states: b
            .item_states
            .iter()
            .map(|(s, n)| (fmt::state(lang, *s), fmt::state_class(*s), *n))
            .collect(),
        national: b.national.iter().map(|(s, n)| (s.label_vi(), *n)).collect(),
        items_total: b.items_total,
        has_reports: reports.is_some(),
        received: reports.map_or(0, |r| r.received),
        missing: reports.map_or(0, |r| r.missing),
        late: reports.map_or(0, |r| r.late),
        more_late_units: late_all.len().saturating_sub(UNITS_LISTED),
        late_units: late_all
            .iter()
            .take(UNITS_LISTED)
            .map(|u| LateUnit {
                report_id: u.report_id,
                name: u.unit_name.clone(),
                deadline: fmt::date(u.deadline),
                state: match u.state {
                    Some(s) => tr(lang, &format!("report.state_{}", s.as_str())).to_owned(),
                    None => tr(lang, "report.not_opened").to_owned(),
                },
                overdue: u.overdue,
            })
            .collect(),
        behind_targets: b
            .behind_targets
            .iter()
            .map(|t| {
                (
                    t.target_id.0,
                    t.code.clone(),
                    t.name.clone(),
                    t.responsible_unit.clone().unwrap_or_default(),
                )
            })
            .collect(),
        behind_items: b
            .behind_items
            .iter()
            .map(|i| {
                (
                    i.id.0,
                    i.code.clone(),
                    i.title.clone(),
                    fmt::date(i.deadline),
                    match &i.responsible_person {
                        Some(p) => format!("{} · {p}", i.lead_unit),
                        None => i.lead_unit.clone(),
                    },
                )
            })
            .collect(),
        ctx,
    })
}
