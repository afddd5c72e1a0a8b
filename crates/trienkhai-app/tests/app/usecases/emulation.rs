//! Emulation goals: registered by a unit for a phase of a movement, judged only once the phase
//! has ended and by the figure; the results list per phase; outsiders refused.

use super::*;
use rust_decimal::Decimal;
use trienkhai_app::emulation::{self, GoalInput};
use trienkhai_app::{AppError, documents};
use trienkhai_core::emulation::GoalVerdict;
use trienkhai_core::period::Period;

pub(crate) async fn emulation_goals_are_registered_judged_after_their_phase_and_listed(t: TestDb) {
    let app = demo_app(&t).await;
    let admin = Actor::system("test", app.today());
    let district = unit_by_code(&app, "BTR", "2021-06-01").await;
    let commune = unit_by_code(&app, "X-ANTHUY", "2021-06-01").await;
    let plan = documents::list_documents(&app, &admin, Some("15-KH/HU"), None, None)
        .await
        .unwrap()[0]
        .document
        .id;
    let office = actor(&app, "huyenuy").await;
    let anthuy = actor(&app, "anthuy").await;

    // The demo: An Thủy reached 97% of its 100% goal for 2021, a year that has ended.
    let theirs = emulation::unit_goals(&app, &anthuy, plan, commune)
        .await
        .unwrap();
    let year = theirs
        .phases
        .iter()
        .find(|p| p.phase == Period::parse("2021").unwrap())
        .unwrap();
    assert!(year.ended);
    assert_eq!(year.goals[0].verdict, GoalVerdict::NotAchieved);
    assert_eq!((year.achieved, year.judged), (0, 1));

    let input = |phase: &str, title: &str, goal: Option<i64>| GoalInput {
        document_id: plan,
        unit_id: district,
        phase: Period::parse(phase).unwrap(),
        title: title.into(),
        measure: goal.map(|_| "tỷ đồng".into()),
        goal: goal.map(Decimal::from),
    };
    let id = emulation::register(
        &app,
        &office,
        &input("2021", "Vốn huy động xây dựng nông thôn mới", Some(5)),
    )
    .await
    .unwrap();
    let words = emulation::register(
        &app,
        &office,
        &input("2021", "Không có cán bộ vi phạm kỷ luật", None),
    )
    .await
    .unwrap();
    let find = |goals: &emulation::UnitGoals, id: i64| {
        goals
            .phases
            .iter()
            .flat_map(|p| p.goals.iter())
            .find(|g| g.goal.id == id)
            .map(|g| g.verdict)
    };
    let now = emulation::unit_goals(&app, &office, plan, district)
        .await
        .unwrap();
    assert_eq!(
        find(&now, id),
        Some(GoalVerdict::NoResult),
        "ended, nothing recorded"
    );
    assert!(now.can_edit);
    let v = emulation::record_result(&app, &office, id, Some(Decimal::new(62, 1)), None, None, 1)
        .await
        .unwrap();
    // A goal in words is judged by the unit's "đạt", a figure is not enough.
    let err = emulation::record_result(&app, &office, words, Some(Decimal::ONE), None, None, 1)
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Invalid(ref d) if d.field.as_deref() == Some("achieved")));
    emulation::record_result(&app, &office, words, None, Some(true), Some("Cả năm"), 1)
        .await
        .unwrap();
    // A stale result is a conflict, not an overwrite.
    assert!(matches!(
        emulation::record_result(&app, &office, id, Some(Decimal::ONE), None, None, v - 1).await,
        Err(AppError::Conflict { .. })
    ));
    let after = emulation::unit_goals(&app, &office, plan, district)
        .await
        .unwrap();
    assert_eq!(find(&after, id), Some(GoalVerdict::Achieved));
    assert_eq!(find(&after, words), Some(GoalVerdict::Achieved));
    let the_year = after
        .phases
        .iter()
        .find(|p| p.phase == Period::parse("2021").unwrap())
        .unwrap();
    // The demo's two 2021 goals (one reached, one not) and these two.
    assert_eq!(
        (the_year.achieved, the_year.judged, the_year.goals.len()),
        (3, 4, 4)
    );
    assert_eq!(
        after.phases[0].phase,
        Period::parse("2020..2025").unwrap(),
        "the whole movement first"
    );

    // A month is not a phase; a commune does not register the district's goals.
    let err = emulation::register(&app, &office, &input("2021-05", "x", None))
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Invalid(ref d) if d.code == "goal_phase_too_short"));
    assert!(matches!(
        emulation::register(&app, &anthuy, &input("2021", "x", None)).await,
        Err(AppError::Forbidden)
    ));
}
