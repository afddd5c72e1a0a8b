//! Work items, document numbers, the cascade, coverage and review rules.

use super::*;
use trienkhai_app::AppError;
use trienkhai_app::cascade;
use trienkhai_app::documents::{self, DocumentInput};
use trienkhai_app::targets::{self, ActualInput};
use trienkhai_app::work_items::{self, ProgressChange, WorkItemInput};
use trienkhai_core::period::Period;
use trienkhai_core::target::Status;
use trienkhai_core::work_item::{Decision, Request, State};
use trienkhai_testkit::TestDb;

pub(crate) async fn work_items_move_through_their_states(t: TestDb) {
    let app = demo_app(&t).await;
    let admin = actor(&app, "admin").await;
    let anthuy = actor(&app, "anthuy").await;
    let doc = plan(&app, &admin, "02-NQ/HU").await;
    let an_thuy = unit(&app, "X-ANTHUY", "2021-06-01").await;
    let district_office = unit(&app, "BTR-VP", "2021-06-01").await;
    let firms = target(&app, &admin, doc, "KT05").await;
    let input = WorkItemInput {
        code: "DV30".into(),
        title: "  Hỗ trợ  hộ kinh doanh chuyển lên doanh nghiệp ".into(),
        themes: vec!["mui2".into()],
        lead_unit_id: Some(district_office),
        target_ids: vec![firms],
        deadline: Some(d("2021-06-30")),
        expected_product: Some("Danh sách hộ được hỗ trợ".into()),
        ..Default::default()
    };
    // Only the plan's editors create items.
    assert!(matches!(
        work_items::create_work_item(&app, &anthuy, doc, None, &input, "user").await,
        Err(AppError::Forbidden)
    ));
    let id = work_items::create_work_item(&app, &admin, doc, None, &input, "user")
        .await
        .unwrap();
    let v = work_items::get_work_item(&app, &admin, id, Some(d("2021-03-01")))
        .await
        .unwrap();
    assert_eq!(v.item.title, "Hỗ trợ hộ kinh doanh chuyển lên doanh nghiệp");
    assert_eq!(v.state, State::NotStarted);
    // Overdue is computed from dates.
    let v = work_items::get_work_item(&app, &admin, id, Some(d("2021-07-01")))
        .await
        .unwrap();
    assert_eq!(v.state, State::Overdue);
    // Split for the communes: An Thủy's editor reports on its own sub-item only.
    let subs = work_items::split_to_units(&app, &admin, id, &[an_thuy])
        .await
        .unwrap();
    assert_eq!(subs.len(), 1);
    work_items::report_progress(&app, &anthuy, subs[0], ProgressChange::Start, None, 1)
        .await
        .unwrap();
    assert!(matches!(
        work_items::report_progress(&app, &anthuy, id, ProgressChange::Start, None, 1).await,
        Err(AppError::Forbidden)
    ));
    // A deadline move needs an approval and keeps the old deadline on record.
    work_items::make_request(
        &app,
        &admin,
        id,
        Request::MoveDeadline {
            to: d("2021-09-30"),
        },
        "Chờ hướng dẫn của tỉnh",
    )
    .await
    .unwrap();
    let err = work_items::make_request(&app, &admin, id, Request::Pause, "Thêm")
        .await
        .unwrap_err();
    assert_eq!(err.code(), "request_pending");
    let v = work_items::get_work_item(&app, &admin, id, None)
        .await
        .unwrap();
    assert_eq!(
        v.item.deadline,
        d("2021-06-30"),
        "not moved before approval"
    );
    work_items::decide_request(&app, &admin, id, Decision::Approved, None)
        .await
        .unwrap();
    let v = work_items::get_work_item(&app, &admin, id, None)
        .await
        .unwrap();
    assert_eq!(v.item.deadline, d("2021-09-30"));
    assert_eq!(v.former_deadlines.len(), 1);
    assert_eq!(v.former_deadlines[0].deadline, d("2021-06-30"));
    // Done after the new deadline: done late; the version must be current.
    let err = work_items::report_progress(
        &app,
        &admin,
        id,
        ProgressChange::Complete {
            on: d("2021-10-05"),
        },
        None,
        1,
    )
    .await
    .unwrap_err();
    assert!(matches!(err, AppError::Conflict { .. }));
    work_items::report_progress(
        &app,
        &admin,
        id,
        ProgressChange::Complete {
            on: d("2021-10-05"),
        },
        Some("Đã hỗ trợ 12 hộ".into()),
        v.item.row_version,
    )
    .await
    .unwrap();
    let v = work_items::get_work_item(&app, &admin, id, None)
        .await
        .unwrap();
    // The lead unit says done, but An Thủy's part is still open past its deadline: the item
    // is shown overdue, with its own report kept beside it.
    assert_eq!(v.own_state, State::DoneLate);
    assert_eq!(v.state, State::Overdue);
    assert_eq!((v.parts_total, v.parts_done, v.parts_overdue), (1, 0, 1));
    assert_eq!(v.item.result.as_deref(), Some("Đã hỗ trợ 12 hộ"));
    let part = work_items::get_work_item(&app, &anthuy, subs[0], None)
        .await
        .unwrap();
    work_items::report_progress(
        &app,
        &anthuy,
        subs[0],
        ProgressChange::Complete {
            on: d("2021-06-20"),
        },
        None,
        part.item.row_version,
    )
    .await
    .unwrap();
    let v = work_items::get_work_item(&app, &admin, id, None)
        .await
        .unwrap();
    assert_eq!(v.state, State::DoneLate);
    assert_eq!((v.parts_total, v.parts_done, v.parts_overdue), (1, 1, 0));
    // The plan's list says the same as the item's page.
    let listed = work_items::items_of_document(&app, &admin, doc, None)
        .await
        .unwrap();
    let listed = listed.iter().find(|i| i.item.id == id).unwrap();
    assert_eq!(listed.state, State::DoneLate);
    // A refused request changes nothing.
    let err = work_items::make_request(&app, &admin, id, Request::Pause, "x")
        .await
        .unwrap_err();
    assert_eq!(err.code(), "work_item_already_done");
}

pub(crate) async fn documents_are_numbered_per_issuer_type_and_term(t: TestDb) {
    let app = demo_app(&t).await;
    let admin = actor(&app, "admin").await;
    let anthuy = actor(&app, "anthuy").await;
    let district = unit(&app, "BTR", "2021-06-01").await;
    let province = unit(&app, "BT", "2021-06-01").await;
    assert_eq!(
        documents::next_number(&app, &admin, district, "NQ", d("2021-03-01"))
            .await
            .unwrap(),
        "03-NQ/HU"
    );
    assert_eq!(
        documents::next_number(&app, &admin, district, "KH", d("2021-03-01"))
            .await
            .unwrap(),
        "01-KH/HU",
        "15-KH/HU is the standing committee's, another issuer"
    );
    assert_eq!(
        documents::next_number(&app, &admin, province, "nq", d("2021-03-01"))
            .await
            .unwrap(),
        "06-NQ/TU"
    );
    let input = DocumentInput {
        number: "02-NQ/HU".into(),
        kind: "nghi_quyet".into(),
        issuer_unit_id: Some(district),
        issued_on: Some(d("2021-05-01")),
        summary: "Trùng số".into(),
        ..Default::default()
    };
    let err = documents::register_document(&app, &admin, &input, "user")
        .await
        .unwrap_err();
    assert_eq!((err.code(), err.field()), ("docnum_taken", Some("number")));
    let bad = DocumentInput {
        number: "02/NQ-HU-".into(),
        ..input.clone()
    };
    let err = documents::register_document(&app, &admin, &bad, "user")
        .await
        .unwrap_err();
    assert!(err.code().starts_with("docnum_"), "{}", err.code());
    assert_eq!(err.field(), Some("number"));
    let fresh = DocumentInput {
        number: "03-nq/hu".into(),
        ..input.clone()
    };
    assert!(matches!(
        documents::register_document(&app, &anthuy, &fresh, "user").await,
        Err(AppError::Forbidden)
    ));
    let id = documents::register_document(&app, &admin, &fresh, "user")
        .await
        .unwrap();
    let view = documents::get_document(&app, &admin, id).await.unwrap();
    assert_eq!(view.document.number, "03-NQ/HU");
    // A PDF attaches; a file that says PDF but is not refuses.
    let file = documents::attach_file(
        &app,
        &admin,
        id,
        "../../nq 03.pdf",
        b"%PDF-1.4 demo\n%%EOF\n",
    )
    .await
    .unwrap();
    let (record, bytes) = documents::file(&app, &admin, file).await.unwrap();
    assert_eq!(record.file_name, "nq 03.pdf");
    assert_eq!(bytes, b"%PDF-1.4 demo\n%%EOF\n");
    let err = documents::attach_file(&app, &admin, id, "x.pdf", b"MZ not a pdf")
        .await
        .unwrap_err();
    assert_eq!((err.code(), err.field()), ("file_type", Some("file")));
    // The commune reads the district's resolution that concerns it.
    assert!(documents::get_document(&app, &anthuy, id).await.is_ok());
}

pub(crate) async fn the_cascade_and_the_coverage_report(t: TestDb) {
    let app = demo_app(&t).await;
    let admin = actor(&app, "admin").await;
    let doc = plan(&app, &admin, "02-NQ/HU").await;
    let commune_plan = plan(&app, &admin, "09-KH/ĐU").await;
    let epoch = app.db.change_epoch().await.unwrap();
    let items = work_items::items_of_document(&app, &admin, commune_plan, None)
        .await
        .unwrap();
    // Served from memory while nothing is written (when the epoch is known and stood still)…
    let again = work_items::items_of_document(&app, &admin, commune_plan, None)
        .await
        .unwrap();
    if epoch.is_some() && app.db.change_epoch().await.unwrap() == epoch {
        assert!(std::sync::Arc::ptr_eq(&items, &again));
    }
    // …and read anew after a write.
    let open = items
        .iter()
        .find(|i| !matches!(i.state, State::DoneOnTime | State::DoneLate))
        .unwrap();
    work_items::report_progress(
        &app,
        &admin,
        open.item.id,
        ProgressChange::Start,
        None,
        open.item.row_version,
    )
    .await
    .unwrap();
    let after = work_items::items_of_document(&app, &admin, commune_plan, None)
        .await
        .unwrap();
    let moved = after.iter().find(|i| i.item.id == open.item.id).unwrap();
    assert_eq!(moved.item.row_version, open.item.row_version + 1);
    let at_dv05 = items.iter().find(|i| i.item.code == "AT-DV05").unwrap();
    let chain = cascade::cascade(&app, &admin, at_dv05.item.id)
        .await
        .unwrap();
    let up: Vec<String> = chain
        .up
        .iter()
        .map(|s| match s {
            cascade::Step::Document { number, .. } => number.clone(),
            cascade::Step::WorkItem { code, .. } => code.clone(),
        })
        .collect();
    assert_eq!(up, ["DV05", "02-NQ/HU", "05-NQ/TU"]);
    let district_items = work_items::items_of_document(&app, &admin, doc, None)
        .await
        .unwrap();
    let dv06 = district_items
        .iter()
        .find(|i| i.item.code == "DV06")
        .unwrap();
    let down = cascade::cascade(&app, &admin, dv06.item.id)
        .await
        .unwrap()
        .down;
    assert_eq!(down.len(), 23, "one sub-item per commune");
    let coverage = cascade::coverage(&app, &admin, doc).await.unwrap();
    let codes = |list: &[cascade::CoverageEntry]| -> Vec<String> {
        list.iter().map(|e| e.code.clone()).collect()
    };
    let uncovered = codes(&coverage.uncovered_items);
    assert!(uncovered.contains(&"DV01".to_owned()));
    assert!(
        !uncovered.contains(&"DV05".to_owned()),
        "An Thủy concretizes it"
    );
    assert!(!uncovered.contains(&"DV06".to_owned()), "split to communes");
    assert_eq!(codes(&coverage.orphans), ["AT-CHO"]);
    let uncovered_targets = codes(&coverage.uncovered_targets);
    assert!(!uncovered_targets.contains(&"XH01".to_owned()));
    assert!(uncovered_targets.contains(&"KT01".to_owned()));
    // My unit's plan: An Thủy leads sub-items and its own items.
    let anthuy = actor(&app, "anthuy").await;
    let an_thuy = unit(&app, "X-ANTHUY", "2021-06-01").await;
    let mine = cascade::unit_plan(&app, &anthuy, an_thuy).await.unwrap();
    assert!(!mine.done.is_empty());
    assert!(mine.overdue.iter().any(|i| i.item.code == "AT-CHO"));
    let district = unit(&app, "BTR", "2021-06-01").await;
    assert!(matches!(
        cascade::unit_plan(&app, &anthuy, district).await,
        Err(AppError::Forbidden)
    ));
}

pub(crate) async fn review_rules_scope_size_and_progress(t: TestDb) {
    let app = demo_app(&t).await;
    let admin = actor(&app, "admin").await;
    let anthuy = actor(&app, "anthuy").await;
    let district_plan = plan(&app, &admin, "02-NQ/HU").await;
    let commune_plan = plan(&app, &admin, "09-KH/ĐU").await;
    let other = unit(&app, "X-ANDUC", "2021-06-01").await;
    let own = unit(&app, "X-ANTHUY", "2021-06-01").await;
    // An item of An Thủy's plan cannot be given to another commune.
    let item = |lead| WorkItemInput {
        code: "AT-X1".into(),
        title: "Việc thử".into(),
        lead_unit_id: Some(lead),
        deadline: Some(d("2021-12-31")),
        ..Default::default()
    };
    let err = work_items::create_work_item(&app, &anthuy, commune_plan, None, &item(other), "user")
        .await
        .unwrap_err();
    assert_eq!(
        (err.code(), err.field()),
        ("unit_outside_plan", Some("lead_unit_id"))
    );
    // Nor name someone of another commune as responsible: hidden reads as unknown.
    let stranger = trienkhai_app::people::list_persons(&app, &admin, None, 500, 0)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.posts.iter().all(|post| post.unit_id == other) && !p.posts.is_empty())
        .unwrap();
    let with_person = WorkItemInput {
        responsible_person_id: Some(stranger.id),
        ..item(own)
    };
    let err = work_items::create_work_item(&app, &anthuy, commune_plan, None, &with_person, "user")
        .await
        .unwrap_err();
    assert_eq!(
        (err.code(), err.field()),
        ("not_found", Some("responsible_person_id"))
    );
    work_items::create_work_item(&app, &anthuy, commune_plan, None, &item(own), "user")
        .await
        .unwrap();
    // Values too large to add up exactly are refused where they come in.
    let firms = target(&app, &admin, district_plan, "KT05").await;
    let err = targets::record_actual(
        &app,
        &admin,
        firms,
        own,
        Period::Month(2022, 5),
        &ActualInput {
            value: Some(dec("79228162514264337593543950335")),
            ..Default::default()
        },
        "user",
    )
    .await
    .unwrap_err();
    assert_eq!(
        (err.code(), err.field()),
        ("value_too_large", Some("value"))
    );
    // Six months of a flow are progress towards the year's goal, not a shortfall.
    let district = unit(&app, "BTR", "2021-06-01").await;
    let h1 = targets::rollup(
        &app,
        &admin,
        firms,
        district,
        Period::FirstHalf(2021),
        targets::Inputs::All,
    )
    .await
    .unwrap();
    assert!(h1.figure.partial);
    assert_eq!(h1.figure.status, Status::NotJudged);
    assert_eq!(h1.figure.goal_period, Some(Period::Year(2021)));
    assert!(h1.figure.achievement_percent.is_some());
    // The year with two communes' months missing is provisional, never "Vượt".
    let year = targets::rollup(
        &app,
        &admin,
        firms,
        district,
        Period::Year(2021),
        targets::Inputs::None,
    )
    .await
    .unwrap();
    assert!(!year.figure.complete);
    assert!(year.figure.value.is_some());
    assert_eq!(year.figure.status, Status::Incomplete);
    // Its chart agrees: the running total stops at the first month with a commune missing
    // (November), never charting a year's total the figure does not count.
    let trend = targets::trend(&app, &admin, firms, district, 2021)
        .await
        .unwrap();
    let cumulative: Vec<bool> = trend
        .points
        .iter()
        .map(|p| p.cumulative.is_some())
        .collect();
    assert_eq!(cumulative[..10], [true; 10], "{:?}", trend.points);
    assert_eq!(cumulative[10..], [false, false], "{:?}", trend.points);
    // Nor is a quarter's rate judged against the year's goal, until the plan sets one for
    // the quarter.
    let poverty = target(&app, &admin, district_plan, "XH01").await;
    let q2 = || {
        targets::rollup(
            &app,
            &admin,
            poverty,
            district,
            Period::Quarter(2021, 2),
            targets::Inputs::All,
        )
    };
    let before = q2().await.unwrap();
    assert!(before.figure.partial);
    assert_eq!(before.figure.status, Status::NotJudged);
    targets::set_target_value(
        &app,
        &admin,
        poverty,
        Period::Quarter(2021, 2),
        Some(dec("3")),
        None,
    )
    .await
    .unwrap();
    let judged = q2().await.unwrap();
    assert!(!judged.figure.partial);
    assert_eq!(judged.figure.goal_period, Some(Period::Quarter(2021, 2)));
    assert!(
        !matches!(judged.figure.status, Status::NotJudged | Status::NoData),
        "{:?}",
        judged.figure
    );
    // Goals and quotas carry a version: a blind overwrite is a conflict with the record as it is.
    let err = targets::set_target_value(
        &app,
        &admin,
        poverty,
        Period::Year(2021),
        Some(dec("2")),
        None,
    )
    .await
    .unwrap_err();
    assert!(
        matches!(err, AppError::Conflict { current: Some(_) }),
        "{err:?}"
    );
    targets::set_target_value(
        &app,
        &admin,
        poverty,
        Period::Year(2021),
        Some(dec("2")),
        Some(1),
    )
    .await
    .unwrap();
    let view = targets::get_target(&app, &admin, poverty).await.unwrap();
    assert_eq!(
        (view.values[0].value, view.values[0].row_version),
        (dec("2"), 2)
    );
}
