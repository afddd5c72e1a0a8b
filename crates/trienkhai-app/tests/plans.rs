//! Plans on both backends, from the Ba Tri demo: documents and numbers, the 22 targets and 29
//! work items, roll-ups with their explanations, scope on recorded values, work item life,
//! the cascade and the coverage report.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use trienkhai_app::cascade;
use trienkhai_app::documents::{self, DocumentInput};
use trienkhai_app::targets::{self, ActualInput};
use trienkhai_app::work_items::{self, ProgressChange, WorkItemInput};
use trienkhai_app::{Actor, App, AppError, auth, demo, org};
use trienkhai_core::ids::{DocumentId, TargetId, UnitId};
use trienkhai_core::period::Period;
use trienkhai_core::rollup::{Figure, Observation, Treatment};
use trienkhai_core::target::Status;
use trienkhai_core::work_item::{Decision, Request, State};
use trienkhai_testkit::{TestDb, both_backends};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

async fn demo_app(t: &TestDb) -> App {
    let app = App::new(t.db.clone());
    demo::build(&app).await.unwrap();
    app
}

async fn actor(app: &App, username: &str) -> Actor {
    let id = auth::login(app, username, demo::DEMO_PASSWORD, "test")
        .await
        .unwrap();
    let mut conn = app.db.reader().await.unwrap();
    auth::load_actor(app, &mut conn, id).await.unwrap().unwrap()
}

async fn unit(app: &App, code: &str, on: &str) -> UnitId {
    let admin = Actor::system("test", app.today());
    org::units_as_of(app, &admin, d(on))
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.code == code)
        .unwrap_or_else(|| panic!("{code} on {on}"))
        .id
}

async fn plan(app: &App, actor: &Actor, number: &str) -> DocumentId {
    let found = documents::list_documents(app, actor, Some(number), None, None)
        .await
        .unwrap();
    assert_eq!(found.len(), 1, "{number}");
    found[0].document.id
}

async fn target(app: &App, actor: &Actor, doc: DocumentId, code: &str) -> TargetId {
    targets::targets_of_document(app, actor, doc)
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.code == code)
        .unwrap()
        .id
}

async fn the_district_plan_has_its_22_targets_and_29_items(t: TestDb) {
    let app = demo_app(&t).await;
    let admin = actor(&app, "admin").await;
    // Typed the way people type it: lower case, spaces, D with a combining stroke elsewhere.
    let doc = plan(&app, &admin, " 02 - nq / hu ").await;
    let view = documents::get_document(&app, &admin, doc).await.unwrap();
    assert_eq!(view.document.number, "02-NQ/HU");
    assert_eq!(view.concretizes_number.as_deref(), Some("05-NQ/TU"));
    assert_eq!(
        view.document.theme_of_year.as_deref(),
        Some("Đồng thuận - Sáng tạo")
    );
    assert_eq!(
        documents::list_documents(&app, &admin, Some("09-KH/D\u{0335}U"), None, None)
            .await
            .unwrap()
            .len(),
        1
    );
    let overview = cascade::plan_overview(&app, &admin, doc, Period::Year(2021), None)
        .await
        .unwrap();
    assert_eq!(overview.targets.len(), 22);
    assert_eq!(overview.items.len(), 29);
    assert_eq!(overview.headline.total, 22);
    let met = overview
        .targets
        .iter()
        .filter(|r| r.figure.as_ref().unwrap().status.is_met())
        .count();
    assert_eq!(overview.headline.met, met);
    assert!(met > 0 && met < 22, "some met, some not: {met}");
    // Grouped by the frame: every target has a field, every item a theme.
    assert_eq!(overview.themes.len(), 5);
    assert_eq!(overview.fields.len(), 4);
    assert!(
        overview
            .targets
            .iter()
            .all(|r| r.target.field_code.is_some())
    );
    assert!(overview.items.iter().all(|i| !i.item.themes.is_empty()));
    // Tiệm Tôm's establishment finished late, in 2023; at the end of 2021 it was under way.
    let tiem_tom = overview
        .items
        .iter()
        .find(|i| i.item.code == "DV05")
        .unwrap();
    assert_eq!(tiem_tom.state, State::InProgressWithinTime);
    assert_eq!(overview.state_on, d("2021-12-31"));
    let now = work_items::get_work_item(&app, &admin, tiem_tom.item.id, None)
        .await
        .unwrap();
    assert_eq!(now.state, State::DoneLate);
}

async fn a_ratio_is_recomputed_and_explained(t: TestDb) {
    let app = demo_app(&t).await;
    let admin = actor(&app, "admin").await;
    let doc = plan(&app, &admin, "02-NQ/HU").await;
    let district = unit(&app, "BTR", "2021-06-01").await;
    let poverty = target(&app, &admin, doc, "XH01").await;
    let r = targets::rollup(
        &app,
        &admin,
        poverty,
        district,
        Period::Year(2021),
        targets::Inputs::All,
    )
    .await
    .unwrap();
    let Some(Figure::Ratio {
        numerator,
        denominator,
        ..
    }) = r.figure.figure.clone()
    else {
        panic!("a ratio: {:?}", r.figure.figure)
    };
    // Σ numerators / Σ denominators of the inputs, not a mean of their rates.
    let (mut n, mut dd) = (Decimal::ZERO, Decimal::ZERO);
    for i in &r.explanation.inputs {
        assert_eq!(i.treatment, Treatment::Counted);
        let Some(Observation::Ratio {
            numerator,
            denominator,
        }) = i.observation
        else {
            panic!()
        };
        n += numerator;
        dd += denominator;
    }
    assert_eq!((numerator, denominator), (n, dd));
    assert_eq!(
        r.explanation.inputs.len(),
        23,
        "Ba Tri town and 22 communes"
    );
    assert_eq!(r.figure.value, Some(targets::rounded(n / dd * dec("100"))));
    assert!(r.explanation.formula.contains(") × 100 = "));
    // Lower is better: the status follows the direction.
    let expected = trienkhai_core::target::status(
        trienkhai_core::target::Direction::Decrease,
        dec("3"),
        r.figure.value,
    );
    assert_eq!(r.figure.status, expected);
    // The commune that stopped reporting after September counts with its September value.
    let late = r
        .explanation
        .inputs
        .iter()
        .filter(|i| i.from_periods == vec![Period::Month(2021, 9)])
        .count();
    assert_eq!(late, 1);
    assert_eq!(r.explanation.tree_date, d("2021-12-31"));
}

async fn a_missing_month_is_missing_never_zero(t: TestDb) {
    let app = demo_app(&t).await;
    let admin = actor(&app, "admin").await;
    let doc = plan(&app, &admin, "02-NQ/HU").await;
    let district = unit(&app, "BTR", "2021-06-01").await;
    let firms = target(&app, &admin, doc, "KT05").await;
    let year = targets::rollup(
        &app,
        &admin,
        firms,
        district,
        Period::Year(2021),
        targets::Inputs::All,
    )
    .await
    .unwrap();
    let missing: Vec<_> = year
        .explanation
        .inputs
        .iter()
        .filter(|i| i.treatment == Treatment::Missing)
        .collect();
    assert_eq!(missing.len(), 2, "two communes skipped a month");
    assert!(!year.figure.complete);
    assert!(missing.iter().all(|i| i.missing_periods.len() == 1));
    let counted_sum: Decimal = year
        .explanation
        .inputs
        .iter()
        .filter_map(|i| match (&i.observation, i.treatment) {
            (Some(Observation::Value { value }), Treatment::Counted) => Some(*value),
            _ => None,
        })
        .sum();
    assert_eq!(year.figure.value, Some(targets::rounded(counted_sum)));
    // A commune's own figure is measured against its quota.
    let commune = year.explanation.inputs[0].unit_id;
    let own = targets::rollup(
        &app,
        &admin,
        firms,
        commune,
        Period::Year(2021),
        targets::Inputs::All,
    )
    .await
    .unwrap();
    assert_eq!(own.figure.goal_source, Some(targets::GoalSource::Quota));
    // H1 sums six months and is complete.
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
    assert!(h1.figure.complete);
    assert!(h1.figure.value.unwrap() < year.figure.value.unwrap());
}

async fn roll_ups_follow_the_tree_of_their_period(t: TestDb) {
    let app = demo_app(&t).await;
    let admin = actor(&app, "admin").await;
    let doc = plan(&app, &admin, "02-NQ/HU").await;
    let district = unit(&app, "BTR", "2021-06-01").await;
    let firms = target(&app, &admin, doc, "KT05").await;
    // The district was dissolved in 2025; its 2021 figure still rolls up its 2021 communes.
    let r = targets::rollup(
        &app,
        &admin,
        firms,
        district,
        Period::Year(2021),
        targets::Inputs::All,
    )
    .await
    .unwrap();
    assert_eq!(r.explanation.inputs.len(), 23);
    // A 2025 successor did not exist in 2021.
    let successor = unit(&app, "X-TANTHUY-2025", "2025-07-01").await;
    let err = targets::rollup(
        &app,
        &admin,
        firms,
        successor,
        Period::Year(2021),
        targets::Inputs::All,
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), "unit_not_alive");
}

async fn a_commune_editor_records_values_for_its_commune_only(t: TestDb) {
    let app = demo_app(&t).await;
    let admin = actor(&app, "admin").await;
    let anthuy = actor(&app, "anthuy").await;
    let doc = plan(&app, &admin, "02-NQ/HU").await;
    let firms = target(&app, &admin, doc, "KT05").await;
    let own = unit(&app, "X-ANTHUY", "2021-06-01").await;
    let other = unit(&app, "X-ANDUC", "2021-06-01").await;
    let district = unit(&app, "BTR", "2021-06-01").await;
    let value = |v: &str| ActualInput {
        value: Some(dec(v)),
        ..Default::default()
    };
    let before = targets::rollup(
        &app,
        &admin,
        firms,
        district,
        Period::Month(2021, 12),
        targets::Inputs::All,
    )
    .await
    .unwrap();
    // December 2021 exists for An Thủy: a blind write is a conflict, not an overwrite.
    let current = targets::actuals_of_unit(&app, &anthuy, firms, own)
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.period == Period::Month(2021, 12))
        .unwrap();
    let err = targets::record_actual(
        &app,
        &anthuy,
        firms,
        own,
        Period::Month(2021, 12),
        &value("9"),
        "user",
    )
    .await
    .unwrap_err();
    assert!(matches!(err, AppError::Conflict { .. }), "{err:?}");
    let with_version = ActualInput {
        row_version: Some(current.row_version),
        ..value("9")
    };
    targets::record_actual(
        &app,
        &anthuy,
        firms,
        own,
        Period::Month(2021, 12),
        &with_version,
        "user",
    )
    .await
    .unwrap();
    // The figure above changes at once (the cache is checked against the database).
    let after = targets::rollup(
        &app,
        &admin,
        firms,
        district,
        Period::Month(2021, 12),
        targets::Inputs::All,
    )
    .await
    .unwrap();
    let old = match current.observation {
        Observation::Value { value } => value,
        _ => panic!(),
    };
    assert_eq!(
        after.figure.value.unwrap() - before.figure.value.unwrap(),
        dec("9") - old
    );
    // Another commune's value: refused, and nothing written.
    let err = targets::record_actual(
        &app,
        &anthuy,
        firms,
        other,
        Period::Month(2022, 1),
        &value("1"),
        "user",
    )
    .await
    .unwrap_err();
    assert!(matches!(err, AppError::Forbidden), "{err:?}");
    assert!(
        targets::actuals_of_unit(&app, &admin, firms, other)
            .await
            .unwrap()
            .iter()
            .all(|a| a.period != Period::Month(2022, 1))
    );
    // Nor may they read another commune's figure.
    assert!(matches!(
        targets::rollup(
            &app,
            &anthuy,
            firms,
            other,
            Period::Year(2021),
            targets::Inputs::All
        )
        .await,
        Err(AppError::Forbidden)
    ));
    // A count must be a whole number; a ratio needs a positive denominator.
    let err = targets::record_actual(
        &app,
        &anthuy,
        firms,
        own,
        Period::Month(2022, 1),
        &value("1.5"),
        "user",
    )
    .await
    .unwrap_err();
    assert_eq!(
        (err.code(), err.field()),
        ("value_not_count", Some("value"))
    );
    let poverty = target(&app, &admin, doc, "XH01").await;
    let err = targets::record_actual(
        &app,
        &anthuy,
        poverty,
        own,
        Period::Month(2022, 1),
        &ActualInput {
            numerator: Some(dec("3")),
            denominator: Some(dec("0")),
            ..Default::default()
        },
        "user",
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), "denominator_not_positive");
}

async fn not_applicable_is_excluded_and_said_so(t: TestDb) {
    let app = demo_app(&t).await;
    let admin = actor(&app, "admin").await;
    let doc = plan(&app, &admin, "02-NQ/HU").await;
    let district = unit(&app, "BTR", "2021-06-01").await;
    let own = unit(&app, "X-ANTHUY", "2021-06-01").await;
    let water = target(&app, &admin, doc, "KT08").await;
    targets::record_actual(
        &app,
        &admin,
        water,
        own,
        Period::Year(2022),
        &ActualInput {
            not_applicable: true,
            ..Default::default()
        },
        "user",
    )
    .await
    .unwrap();
    let r = targets::rollup(
        &app,
        &admin,
        water,
        district,
        Period::Year(2022),
        targets::Inputs::All,
    )
    .await
    .unwrap();
    let na: Vec<_> = r
        .explanation
        .inputs
        .iter()
        .filter(|i| i.treatment == Treatment::NotApplicable)
        .collect();
    assert_eq!(na.len(), 1);
    assert_eq!(na[0].unit_id, own);
    assert_eq!(r.figure.not_applicable, 1);
    let own_figure = targets::rollup(
        &app,
        &admin,
        water,
        own,
        Period::Year(2022),
        targets::Inputs::All,
    )
    .await
    .unwrap();
    assert_eq!(own_figure.figure.status, Status::NotApplicable);
}

async fn work_items_move_through_their_states(t: TestDb) {
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
    assert_eq!(v.state, State::DoneLate);
    assert_eq!(v.item.result.as_deref(), Some("Đã hỗ trợ 12 hộ"));
    // A refused request changes nothing.
    let err = work_items::make_request(&app, &admin, id, Request::Pause, "x")
        .await
        .unwrap_err();
    assert_eq!(err.code(), "work_item_already_done");
}

async fn documents_are_numbered_per_issuer_type_and_term(t: TestDb) {
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

async fn the_cascade_and_the_coverage_report(t: TestDb) {
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

async fn review_rules_scope_size_and_progress(t: TestDb) {
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
    // A rate is judged in any period against the year's goal.
    let poverty = target(&app, &admin, district_plan, "XH01").await;
    let q2 = targets::rollup(
        &app,
        &admin,
        poverty,
        district,
        Period::Quarter(2021, 2),
        targets::Inputs::All,
    )
    .await
    .unwrap();
    assert!(!q2.figure.partial);
    assert_ne!(q2.figure.status, Status::NotJudged);
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

both_backends!(
    review_rules_scope_size_and_progress,
    the_district_plan_has_its_22_targets_and_29_items,
    a_ratio_is_recomputed_and_explained,
    a_missing_month_is_missing_never_zero,
    roll_ups_follow_the_tree_of_their_period,
    a_commune_editor_records_values_for_its_commune_only,
    not_applicable_is_excluded_and_said_so,
    work_items_move_through_their_states,
    documents_are_numbered_per_issuer_type_and_term,
    the_cascade_and_the_coverage_report,
);
