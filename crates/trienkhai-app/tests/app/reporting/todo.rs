//! The work of the day: what a commune owes, what is returned to it, and what its district is
//! waiting for, as the landing page lists them.

use super::*;
use chrono::{DateTime, Utc};
use trienkhai_app::{Clock, documents, todo};
use trienkhai_core::period::Period;
use trienkhai_core::reporting::{ReportAction, ReportState};
use trienkhai_testkit::TestDb;

pub(crate) async fn a_commune_sees_what_it_owes_and_its_district_what_arrived(t: TestDb) {
    // The demo is built today (it records work done up to 2025), then the clock goes back to
    // 3 May 2021, 09:00 in Vietnam, when April's reports are due from the communes on 6 May.
    let clock = Clock::fixed(Utc::now());
    let app = App::new(t.db.clone()).with_clock(clock.clone());
    demo::build(&app).await.unwrap();
    let then = DateTime::parse_from_rfc3339("2021-05-03T02:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    clock.advance(then - app.now());
    let admin = actor(&app, "admin").await;
    let anthuy = actor(&app, "anthuy").await;
    let district = actor(&app, "huyenuy").await;
    let own = unit(&app, "X-ANTHUY").await;
    // No calendar, no report owed.
    let before = todo::todo(&app, &anthuy).await.unwrap();
    assert!(before.reports_due.is_empty() && before.arrivals.is_empty());
    let plan = documents::list_documents(&app, &admin, Some("02-NQ/HU"), None, None)
        .await
        .unwrap()[0]
        .document
        .id;
    monthly_calendar_2021(&app, &admin, plan).await;

    // The commune owes January to April, the late ones first; May is not due yet.
    let mine = todo::todo(&app, &anthuy).await.unwrap();
    let owed: Vec<Period> = mine.reports_due.iter().map(|r| r.period).collect();
    assert_eq!(
        owed,
        (1..=4).map(|m| Period::Month(2021, m)).collect::<Vec<_>>()
    );
    assert!(
        mine.reports_due
            .iter()
            .all(|r| r.unit_id == own && r.report_id.is_none() && r.document_number == "02-NQ/HU")
    );
    let april = mine.reports_due.last().unwrap();
    assert_eq!((april.deadline, april.days_left), (d("2021-05-06"), 3));
    assert!(mine.reports_due[0].days_left < 0, "January is late");
    assert!(mine.returned.is_empty());

    // The district owes nothing of its own plan and waits for its communes.
    let waiting = todo::todo(&app, &district).await.unwrap();
    assert!(waiting.reports_due.is_empty());
    let arrivals = |t: &todo::Todo| {
        t.arrivals
            .iter()
            .find(|a| a.period == Period::Month(2021, 4))
            .cloned()
            .expect("April's arrivals")
    };
    let first = arrivals(&waiting);
    assert_eq!(first.received, 0);
    assert!(first.expected > 10);
    assert_eq!(first.missing.len(), first.expected);
    assert!(
        first
            .missing
            .iter()
            .any(|m| m.unit_name == "Đảng bộ xã An Thủy")
    );
    assert!(
        first.missing.iter().all(|m| !m.overdue),
        "not late before 6 May"
    );

    // The district nudges An Thủy ("Nhắc"): the commune is told once that day, however many
    // times it is pressed; the commune itself may not nudge; the list says who may be nudged.
    let april_list =
        |who| reporting::period_reports(&app, who, plan, Period::Month(2021, 4), None, None);
    let listed = april_list(&district).await.unwrap();
    assert!(
        listed.units.iter().all(|u| u.can_nudge),
        "nothing arrived yet"
    );
    let told = trienkhai_app::reminders::nudge(&app, &district, plan, own, Period::Month(2021, 4))
        .await
        .unwrap();
    assert!(told >= 1);
    let again = trienkhai_app::reminders::nudge(&app, &district, plan, own, Period::Month(2021, 4))
        .await
        .unwrap();
    assert_eq!(again, 0, "told once a day");
    let (nudges, _) = trienkhai_app::reminders::my_notifications(&app, &anthuy)
        .await
        .unwrap();
    assert_eq!(
        nudges[0].title,
        "Nhắc: đề nghị Đảng bộ xã An Thủy gửi báo cáo 02-NQ/HU Tháng 4/2021"
    );
    assert!(matches!(
        trienkhai_app::reminders::nudge(&app, &anthuy, plan, own, Period::Month(2021, 4)).await,
        Err(AppError::Forbidden)
    ));
    let err = trienkhai_app::reminders::nudge(&app, &district, plan, own, Period::Year(2030))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "period_not_in_calendar");

    // An Thủy opens and sends April's report: it leaves the commune's list and arrives.
    let opened = reporting::open_report(&app, &anthuy, plan, own, Period::Month(2021, 4))
        .await
        .unwrap();
    let id = opened.report.id;
    let draft = todo::todo(&app, &anthuy).await.unwrap();
    let still = draft.reports_due.last().unwrap();
    assert_eq!(
        (still.report_id, still.state),
        (Some(id), Some(ReportState::Draft)),
        "an opened draft is still owed, and leads to its report"
    );
    reporting::act(
        &app,
        &anthuy,
        id,
        ReportAction::Submit,
        None,
        opened.report.row_version,
    )
    .await
    .unwrap();
    let mine = todo::todo(&app, &anthuy).await.unwrap();
    assert!(
        !mine
            .reports_due
            .iter()
            .any(|r| r.period == Period::Month(2021, 4))
    );
    let waiting = todo::todo(&app, &district).await.unwrap();
    let arrived = arrivals(&waiting);
    assert_eq!(arrived.received, 1);
    // What has arrived is not nudged.
    let err = trienkhai_app::reminders::nudge(&app, &district, plan, own, Period::Month(2021, 4))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "report_already_received");
    let listed = april_list(&district).await.unwrap();
    assert!(
        !listed
            .units
            .iter()
            .find(|u| u.unit_id == own)
            .unwrap()
            .can_nudge
    );
    // The district is told, with a link to the report.
    assert_eq!(waiting.unread, 1);
    let (told, _) = trienkhai_app::reminders::my_notifications(&app, &district)
        .await
        .unwrap();
    assert_eq!(
        told[0].title,
        "Đảng bộ xã An Thủy đã gửi báo cáo 02-NQ/HU Tháng 4/2021"
    );
    assert_eq!(
        told[0].link.as_deref(),
        Some(format!("/reports/{id}").as_str())
    );
    assert_eq!(arrived.missing.len(), arrived.expected - 1);
    assert!(!arrived.missing.iter().any(|m| m.unit_id == own));

    // Returned with a comment: back on the commune's list, with the comment, to its report.
    let version = reporting::get_report(&app, &district, id)
        .await
        .unwrap()
        .report
        .row_version;
    reporting::act(
        &app,
        &district,
        id,
        ReportAction::Return,
        Some("Bổ sung số hộ nghèo"),
        version,
    )
    .await
    .unwrap();
    let mine = todo::todo(&app, &anthuy).await.unwrap();
    assert_eq!(mine.returned.len(), 1);
    assert_eq!(mine.returned[0].report_id, Some(id));
    assert_eq!(
        mine.returned[0].comment.as_deref(),
        Some("Bổ sung số hộ nghèo")
    );
    // A commune's list names only its own reports.
    assert!(
        mine.reports_due
            .iter()
            .chain(&mine.returned)
            .all(|r| r.unit_id == own)
    );
    // An account with no unit of its own has nothing listed, and no error.
    let global = todo::todo(&app, &admin).await.unwrap();
    assert!(global.reports_due.is_empty() && global.returned.is_empty());
}
