//! Targets and their figures: ratios, missing months, the tree of the period, scope, n/a.

use super::*;
use rust_decimal::Decimal;
use trienkhai_app::AppError;
use trienkhai_app::cascade;
use trienkhai_app::documents::{self};
use trienkhai_app::targets::{self, ActualInput};
use trienkhai_app::work_items::{self};
use trienkhai_core::period::Period;
use trienkhai_core::rollup::{Figure, Observation, Treatment};
use trienkhai_core::target::Status;
use trienkhai_core::work_item::State;
use trienkhai_testkit::TestDb;

pub(crate) async fn the_district_plan_has_its_22_targets_and_29_items(t: TestDb) {
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

pub(crate) async fn a_ratio_is_recomputed_and_explained(t: TestDb) {
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

pub(crate) async fn a_missing_month_is_missing_never_zero(t: TestDb) {
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

pub(crate) async fn roll_ups_follow_the_tree_of_their_period(t: TestDb) {
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

pub(crate) async fn a_commune_editor_records_values_for_its_commune_only(t: TestDb) {
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

pub(crate) async fn not_applicable_is_excluded_and_said_so(t: TestDb) {
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
