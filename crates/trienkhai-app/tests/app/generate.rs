//! The data generator on both backends: the district preset has the sizes of the budgets, its
//! plan a calendar and the cells' reports, which the follow-up screens then read.

use trienkhai_app::generate::{self, DISTRICT, YEAR};
use trienkhai_app::{Actor, App, dashboard, reporting};
use trienkhai_core::period::Period;
use trienkhai_testkit::{TestDb, both_backends};

async fn the_district_preset_has_its_sizes_a_calendar_and_reports(t: TestDb) {
    let app = App::new(t.db.clone());
    let actor = Actor::system("test", app.today());
    let g = generate::generate(&app, &actor, DISTRICT).await.unwrap();
    assert_eq!(g.units, DISTRICT.units());
    assert_eq!(g.targets, DISTRICT.targets);
    let cells = DISTRICT.communes_per_district * DISTRICT.cells_per_commune;
    assert_eq!(g.actuals, (cells * DISTRICT.targets * 12) as u64);
    // Eleven months of every cell, and nine in ten cells in December.
    assert!(g.reports > (cells * 11) as u64 && g.reports < (cells * 12) as u64);
    let plan = g.plan.unwrap();
    let root = g.root.unwrap();
    let june = reporting::period_reports(&app, &actor, plan, Period::Month(YEAR, 6), None, None)
        .await
        .unwrap();
    assert_eq!(june.units.len(), cells, "every cell reports");
    assert_eq!(june.received, cells);
    // Read as of a past day: two days before the deadline nothing of June had been sent; the
    // day after it the reports in time had, the late ones not yet.
    let on = |day: &str| {
        reporting::period_reports(
            &app,
            &actor,
            plan,
            Period::Month(YEAR, 6),
            None,
            Some(chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap()),
        )
    };
    let deadline = june.units[0].deadline;
    let before = deadline - chrono::Duration::days(2);
    assert_eq!(on(&before.to_string()).await.unwrap().received, 0);
    let day_after = on(&deadline.succ_opt().unwrap().to_string()).await.unwrap();
    let late = june.units.iter().filter(|u| u.late).count();
    assert!(late > 0);
    assert_eq!(day_after.received, cells - late);
    assert_eq!(day_after.late, late);
    let december =
        reporting::period_reports(&app, &actor, plan, Period::Month(YEAR, 12), None, None)
            .await
            .unwrap();
    assert!(december.missing > 0 && december.missing < cells / 4);
    // The spike's month is open: nobody has reported it.
    let january =
        reporting::period_reports(&app, &actor, plan, Period::Month(YEAR + 1, 1), None, None)
            .await
            .unwrap();
    assert_eq!(january.received, 0);
    let board = dashboard::dashboard(
        &app,
        &actor,
        root,
        None,
        Some(Period::Month(YEAR, 12)),
        None,
    )
    .await
    .unwrap();
    assert_eq!(board.document.as_ref().unwrap().id, plan);
    assert_eq!(board.targets.len(), DISTRICT.targets);
    assert_eq!(board.reports.as_ref().unwrap().missing, december.missing);
}

both_backends!(the_district_preset_has_its_sizes_a_calendar_and_reports);
