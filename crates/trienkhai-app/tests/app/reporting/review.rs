//! A report through review, and values that count once accepted.

use super::*;
use trienkhai_app::reporting;
use trienkhai_app::{Actor, App, AppError, auth, demo, documents};
use trienkhai_core::ids::UnitId;
use trienkhai_core::period::Period;
use trienkhai_core::reporting::{Cadence, DeadlineRule, ReportAction, ReportState};
use trienkhai_testkit::TestDb;

pub(crate) async fn a_commune_report_goes_through_review(t: TestDb) {
    let app = App::new(t.db.clone());
    demo::build(&app).await.unwrap();
    let admin = actor(&app, "admin").await;
    let anthuy = actor(&app, "anthuy").await;
    let plan = documents::list_documents(&app, &admin, Some("02-NQ/HU"), None, None)
        .await
        .unwrap()[0]
        .document
        .id;
    let own = unit(&app, "X-ANTHUY").await;
    let other = unit(&app, "X-ANDUC").await;
    let rule = DeadlineRule::new(5, 2).unwrap();
    // Only the plan's editors set its calendar.
    assert!(matches!(
        reporting::add_calendar(&app, &anthuy, plan, Cadence::Monthly, (2021, 2021), rule).await,
        Err(AppError::Forbidden)
    ));
    reporting::add_calendar(&app, &admin, plan, Cadence::Monthly, (2021, 2021), rule)
        .await
        .unwrap();
    let err = reporting::add_calendar(&app, &admin, plan, Cadence::Monthly, (2021, 2021), rule)
        .await
        .unwrap_err();
    assert_eq!((err.code(), err.field()), ("duplicate", Some("cadence")));

    let april = Period::Month(2021, 4);
    let opened = reporting::open_report(&app, &anthuy, plan, own, april)
        .await
        .unwrap();
    // Communes report two working days before the district's 10/05/2021 (30/4 and the 1/5
    // made up on 3/5 are off).
    assert_eq!(opened.report.deadline, d("2021-05-06"));
    assert_eq!(opened.report.state, ReportState::Draft);
    assert!(opened.can_edit && !opened.can_review);
    // Opening again gives the same report.
    let again = reporting::open_report(&app, &anthuy, plan, own, april)
        .await
        .unwrap();
    assert_eq!(again.report.id, opened.report.id);
    assert!(matches!(
        reporting::open_report(&app, &anthuy, plan, other, april).await,
        Err(AppError::Forbidden)
    ));
    let err = reporting::open_report(&app, &anthuy, plan, own, Period::Quarter(2021, 2))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "period_not_in_calendar");

    let id = opened.report.id;
    save_text(&app, &anthuy, id, "  Đã  vận động 120 hộ trữ nước ", 1)
        .await
        .unwrap();
    assert!(matches!(
        save_text(&app, &anthuy, id, "bản cũ", 1).await,
        Err(AppError::Conflict { .. })
    ));
    let r = reporting::get_report(&app, &anthuy, id).await.unwrap();
    assert_eq!(
        r.report.narrative.as_deref(),
        Some("Đã vận động 120 hộ trữ nước")
    );
    // The commune cannot review its own report; the district can.
    reporting::act(&app, &anthuy, id, ReportAction::Submit, None, 2)
        .await
        .unwrap();
    let r = reporting::get_report(&app, &admin, id).await.unwrap();
    assert!(r.report.late, "submitted in 2026 for a 2021 deadline");
    assert!(r.can_review);
    assert!(matches!(
        reporting::act(&app, &anthuy, id, ReportAction::Accept, None, 3).await,
        Err(AppError::Forbidden)
    ));
    let err = reporting::act(&app, &admin, id, ReportAction::Return, Some("  "), 3)
        .await
        .unwrap_err();
    assert_eq!((err.code(), err.field()), ("required", Some("comment")));
    reporting::act(
        &app,
        &admin,
        id,
        ReportAction::Return,
        Some("Bổ sung số hộ nghèo"),
        3,
    )
    .await
    .unwrap();
    // The commune is told, with the comment, and led to its report.
    let (told, _) = trienkhai_app::reminders::my_notifications(&app, &anthuy)
        .await
        .unwrap();
    assert_eq!(
        told[0].title,
        "Báo cáo 02-NQ/HU kỳ 2021-04 bị trả lại: Bổ sung số hộ nghèo"
    );
    assert_eq!(
        told[0].link.as_deref(),
        Some(format!("/reports/{id}").as_str())
    );
    let r = reporting::get_report(&app, &anthuy, id).await.unwrap();
    assert_eq!(r.report.state, ReportState::Returned);
    assert_eq!(
        r.report.review_comment.as_deref(),
        Some("Bổ sung số hộ nghèo")
    );
    assert!(r.can_edit);
    save_text(&app, &anthuy, id, "Đã bổ sung", 4).await.unwrap();
    reporting::act(&app, &anthuy, id, ReportAction::Submit, None, 5)
        .await
        .unwrap();
    reporting::act(&app, &admin, id, ReportAction::Accept, None, 6)
        .await
        .unwrap();
    // Accepted is locked: a correction is a new revision, the accepted one stays.
    let err = save_text(&app, &anthuy, id, "sửa", 7).await.unwrap_err();
    assert_eq!(err.code(), "report_locked");
    let second = reporting::act(&app, &admin, id, ReportAction::Reopen, None, 7)
        .await
        .unwrap();
    assert_ne!(second, id);
    let r2 = reporting::get_report(&app, &anthuy, second).await.unwrap();
    assert_eq!(
        (r2.report.revision, r2.report.state),
        (2, ReportState::Draft)
    );
    assert_eq!(r2.revisions, 2);
    assert_eq!(r2.report.narrative.as_deref(), Some("Đã bổ sung"));
    assert_eq!(
        reporting::get_report(&app, &anthuy, id)
            .await
            .unwrap()
            .report
            .state,
        ReportState::Accepted
    );
}

pub(crate) async fn values_entered_through_a_report_count_once_it_is_accepted(t: TestDb) {
    use trienkhai_app::targets::{self, ActualInput};
    use trienkhai_core::reporting::Counted;
    use trienkhai_core::rollup::{Observation, Treatment};
    let app = App::new(t.db.clone());
    demo::build(&app).await.unwrap();
    let admin = actor(&app, "admin").await;
    let anthuy = actor(&app, "anthuy").await;
    let plan = documents::list_documents(&app, &admin, Some("02-NQ/HU"), None, None)
        .await
        .unwrap()[0]
        .document
        .id;
    let firms = targets::targets_of_document(&app, &admin, plan)
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.code == "KT05")
        .unwrap()
        .id;
    let own = unit(&app, "X-ANTHUY").await;
    let district = unit(&app, "BTR").await;
    let april = Period::Month(2021, 4);
    monthly_calendar_2021(&app, &admin, plan).await;
    let report = reporting::open_report(&app, &anthuy, plan, own, april)
        .await
        .unwrap()
        .report;
    let current = targets::actuals_of_unit(&app, &anthuy, firms, own)
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.period == april)
        .unwrap();
    let seven = ActualInput {
        value: Some("7".parse().unwrap()),
        row_version: Some(current.row_version),
        ..Default::default()
    };
    reporting::record_value(&app, &anthuy, report.id, firms, &seven)
        .await
        .unwrap();
    let input_of = |r: &targets::RollupView| {
        r.explanation
            .inputs
            .iter()
            .find(|i| i.unit_id == own)
            .cloned()
            .unwrap()
    };
    // A draft's value does not count: An Thủy is missing, and the explanation says why.
    let r = targets::rollup(&app, &admin, firms, district, april, targets::Inputs::All)
        .await
        .unwrap();
    let mine = input_of(&r);
    assert_eq!(mine.treatment, Treatment::Missing);
    assert_eq!(mine.pending, vec![(april, ReportState::Draft)]);
    assert_eq!(r.explanation.counted, Counted::Accepted);
    reporting::act(&app, &anthuy, report.id, ReportAction::Submit, None, 1)
        .await
        .unwrap();
    // One report submitted, with the one value entered through it.
    {
        let mut conn = app.db.reader().await.unwrap();
        assert_eq!(
            trienkhai_store::reports::submitted_with_values(&mut conn, plan, april)
                .await
                .unwrap(),
            (1, 1)
        );
    }
    let r = targets::rollup(&app, &admin, firms, district, april, targets::Inputs::All)
        .await
        .unwrap();
    assert_eq!(input_of(&r).pending, vec![(april, ReportState::Submitted)]);
    // The plan may count submitted reports too.
    assert!(matches!(
        reporting::set_counting(&app, &anthuy, plan, Counted::Submitted).await,
        Err(AppError::Forbidden)
    ));
    reporting::set_counting(&app, &admin, plan, Counted::Submitted)
        .await
        .unwrap();
    let r = targets::rollup(&app, &admin, firms, district, april, targets::Inputs::All)
        .await
        .unwrap();
    let mine = input_of(&r);
    assert_eq!(mine.treatment, Treatment::Counted);
    assert_eq!(
        mine.observation,
        Some(Observation::Value {
            value: "7".parse().unwrap()
        })
    );
    reporting::set_counting(&app, &admin, plan, Counted::Accepted)
        .await
        .unwrap();
    reporting::act(&app, &admin, report.id, ReportAction::Accept, None, 2)
        .await
        .unwrap();
    let r = targets::rollup(&app, &admin, firms, district, april, targets::Inputs::All)
        .await
        .unwrap();
    assert_eq!(input_of(&r).treatment, Treatment::Counted);
    let err = reporting::record_value(&app, &anthuy, report.id, firms, &seven)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "report_locked");
}

/// An account that may report for `unit` only.
pub(crate) async fn reporter_of(app: &App, username: &str, unit: UnitId) -> Actor {
    use trienkhai_app::accounts::{self, GrantInput, NewAccount};
    use trienkhai_core::access::Role;
    let admin = actor(app, "admin").await;
    let id = accounts::create_account(
        app,
        &admin,
        &NewAccount {
            username: username.into(),
            display_name: username.into(),
            password: "mật khẩu đủ dài".into(),
            person_id: None,
        },
    )
    .await
    .unwrap();
    accounts::grant_role(
        app,
        &admin,
        id,
        &GrantInput {
            role: Role::Editor,
            unit_id: Some(unit),
            valid_from: Some(d("2021-01-01")),
            valid_to: None,
        },
    )
    .await
    .unwrap();
    let login = auth::login(app, username, "mật khẩu đủ dài", "test")
        .await
        .unwrap();
    let mut conn = app.db.reader().await.unwrap();
    auth::load_actor(app, &mut conn, login)
        .await
        .unwrap()
        .unwrap()
}
