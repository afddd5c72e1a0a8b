//! The home page, "Việc cần làm" (issue 12): what the signed-in person has to do, as cards that
//! read on a phone. Reports owed open with one button (no unit code or period to type), returned
//! ones show the reviewer's comment, and a unit others report to sees who has not sent yet.

use askama::Template;
use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;
use trienkhai_app::todo::{self, OwedReport};
use trienkhai_core::reporting::ReportState;

use super::{PageCtx, render};
use crate::AppState;
use crate::error::PageError;
use crate::extract::PageActor;
use crate::fmt;
use crate::i18n::Lang;

/// A report owed, as its card shows it.
pub struct OwedCard {
    document_id: i64,
    report_id: Option<i64>,
    title: String,
    unit_name: String,
    /// Hidden fields of the form that opens it.
    unit_code: String,
    period: String,
    deadline: String,
    /// "còn 5 ngày", "trễ 3 ngày", "hôm nay".
    when: String,
    late: bool,
    state: String,
    comment: String,
}

pub struct ArrivalCard {
    title: String,
    unit_name: String,
    received: usize,
    expected: usize,
    received_late: usize,
    deadline: String,
    /// Name, overdue.
    missing: Vec<(String, bool)>,
    link: String,
}

pub struct ItemCard {
    id: i64,
    title: String,
    lead: String,
    deadline: String,
}

#[derive(Template)]
#[template(path = "todo.html")]
struct TodoPage {
    ctx: PageCtx,
    today: String,
    empty: bool,
    due: Vec<OwedCard>,
    returned: Vec<OwedCard>,
    arrivals: Vec<ArrivalCard>,
    items_late: Vec<ItemCard>,
    items_due: Vec<ItemCard>,
    unread: i64,
    /// (year, deadline, late, basis) of the reader's own self-assessment to make.
    rating_due: Option<(i32, String, bool, String)>,
}

/// How far a deadline is, in words.
fn when(lang: Lang, days_left: i64) -> String {
    match (lang, days_left) {
        (Lang::Vi, 0) => "hạn hôm nay".into(),
        (Lang::Vi, d) if d > 0 => format!("còn {d} ngày"),
        (Lang::Vi, d) => format!("trễ {} ngày", -d),
        (Lang::En, 0) => "due today".into(),
        (Lang::En, d) if d > 0 => format!("{d} days left"),
        (Lang::En, d) => format!("{} days late", -d),
    }
}

fn owed_card(ctx: &PageCtx, r: &OwedReport) -> OwedCard {
    let lang = ctx.lang();
    OwedCard {
        document_id: r.document_id.0,
        report_id: r.report_id,
        title: format!("{} – {}", fmt::period(lang, r.period), r.document_number),
        unit_name: r.unit_name.clone(),
        unit_code: r.unit_code.clone(),
        period: r.period.to_string(),
        deadline: fmt::date(r.deadline),
        when: when(lang, r.days_left),
        late: r.days_left < 0,
        state: match r.state {
            None => ctx.t.s("todo.not_opened").to_owned(),
            Some(s) => ctx.t.s(report_state_key(s)).to_owned(),
        },
        comment: r.comment.clone().unwrap_or_default(),
    }
}

fn report_state_key(s: ReportState) -> &'static str {
    match s {
        ReportState::Draft => "report.state_draft",
        ReportState::Submitted => "report.state_submitted",
        ReportState::Returned => "report.state_returned",
        ReportState::Accepted => "report.state_accepted",
    }
}

fn item_card(i: &trienkhai_app::work_items::WorkItemView) -> ItemCard {
    ItemCard {
        id: i.item.id.0,
        title: i.item.title.clone(),
        lead: i.lead_unit_name.clone(),
        deadline: fmt::date(i.item.deadline),
    }
}

pub async fn page(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
) -> Result<Response, PageError> {
    let ctx = PageCtx::new(&page, &uri);
    let lang = ctx.lang();
    let todo = todo::todo(&state.app, &page.actor).await?;
    let arrivals = todo
        .arrivals
        .iter()
        .map(|a| ArrivalCard {
            title: format!("{} – {}", fmt::period(lang, a.period), a.document_number),
            unit_name: a.unit_name.clone(),
            received: a.received,
            expected: a.expected,
            received_late: a.received_late,
            deadline: fmt::date(a.deadline),
            missing: a
                .missing
                .iter()
                .map(|m| (m.unit_name.clone(), m.overdue))
                .collect(),
            link: format!(
                "/documents/{}/reports?period={}&under={}",
                a.document_id.0,
                a.period,
                fmt::url_encode(&a.unit_code)
            ),
        })
        .collect();
    render(&TodoPage {
        today: fmt::date(todo.day),
        empty: todo.is_empty(),
        due: todo
            .reports_due
            .iter()
            .map(|r| owed_card(&ctx, r))
            .collect(),
        returned: todo.returned.iter().map(|r| owed_card(&ctx, r)).collect(),
        arrivals,
        items_late: todo.items_late.iter().map(item_card).collect(),
        items_due: todo.items_due.iter().map(item_card).collect(),
        unread: todo.unread,
        rating_due: todo.rating_due.as_ref().map(|r| {
            (
                r.year,
                trienkhai_core::vn::format_date(r.due),
                r.days_left < 0,
                r.basis.clone(),
            )
        }),
        ctx,
    })
}
