//! Commitments through their year: a cell secretary writes theirs, the commune approves, the
//! year ends with a self-assessment and a remark; the cell's rate and the commune's lines agree.

use super::*;
use trienkhai_app::AppError;
use trienkhai_app::commitments;
use trienkhai_core::commitment::Section;
use trienkhai_core::registration::{Outcome, RegistrationAction, RegistrationState};

fn code(e: AppError) -> (String, Option<String>) {
    match e {
        AppError::Invalid(d) => (d.code.to_owned(), d.field),
        other => (format!("{other:?}"), None),
    }
}

pub(crate) async fn a_member_commits_the_cell_approves_and_the_year_end_compares(t: TestDb) {
    let app = demo_app(&t).await;
    let cell = unit_by_code(&app, "CB-ANTHUY-1", "2021-06-01").await;
    let commune = unit_by_code(&app, "X-ANTHUY", "2021-06-01").await;
    let secretary = actor(&app, "bithu").await;
    let office = actor(&app, "anthuy").await;
    let before = commitments::unit_commitments(&app, &secretary, cell, 2021)
        .await
        .unwrap();
    assert_eq!(
        (before.total.signed, before.total.total),
        (7, 10),
        "the demo: seven of the eight members, not the secretary, nor the member admitted in August"
    );
    let me = before
        .people
        .iter()
        .find(|p| p.post_title == "Bí thư Chi bộ")
        .expect("the secretary is on the list")
        .person_id;

    let id = commitments::open(&app, &secretary, me, 2021, cell)
        .await
        .unwrap();
    assert_eq!(
        code(
            commitments::open(&app, &secretary, me, 2021, cell)
                .await
                .unwrap_err()
        )
        .0,
        "commitment_exists"
    );
    let mut sections: Vec<(Section, String)> = Section::ALL
        .iter()
        .map(|s| (*s, format!("Cam kết về {}", s.as_str())))
        .collect();
    sections[4].1 = "   ".into();
    assert_eq!(
        code(
            commitments::save_sections(&app, &secretary, id, &sections, 1)
                .await
                .unwrap_err()
        ),
        ("required".into(), Some("following_uncle_ho".into()))
    );
    sections[4].1 = "Giúp 2 hộ nghèo trong ấp làm chuồng trại".into();
    let v = commitments::save_sections(&app, &secretary, id, &sections, 1)
        .await
        .unwrap();
    // A second editor on a stale page is told, not overwritten.
    assert!(matches!(
        commitments::save_sections(&app, &office, id, &sections, 1).await,
        Err(AppError::Conflict { .. })
    ));
    let v = commitments::act(&app, &secretary, id, RegistrationAction::Submit, None, v)
        .await
        .unwrap();
    assert!(matches!(
        commitments::act(&app, &secretary, id, RegistrationAction::Approve, None, v).await,
        Err(AppError::Forbidden)
    ));
    let after = commitments::unit_commitments(&app, &secretary, cell, 2021)
        .await
        .unwrap();
    assert_eq!(after.total.sentence, "8/10 đồng chí đã ký cam kết, đạt 80%");
    commitments::act(&app, &office, id, RegistrationAction::Approve, None, v)
        .await
        .unwrap();

    commitments::assess(
        &app,
        &secretary,
        id,
        Section::FollowingUncleHo,
        Outcome::Done,
        "Đã giúp 2 hộ",
    )
    .await
    .unwrap();
    assert!(matches!(
        commitments::remark(&app, &secretary, id, "Tự nhận xét").await,
        Err(AppError::Forbidden)
    ));
    commitments::remark(&app, &office, id, "Thực hiện tốt cam kết")
        .await
        .unwrap();
    let view = commitments::get(&app, &secretary, id).await.unwrap();
    assert_eq!(view.commitment.state, RegistrationState::Approved);
    assert_eq!(
        view.commitment.remark.as_deref(),
        Some("Thực hiện tốt cam kết")
    );
    assert_eq!(
        view.sections[4].assessment.as_ref().map(|a| a.outcome),
        Some(Outcome::Done)
    );
    assert!(view.own && view.can_assess && !view.can_remark && !view.can_edit);

    // The commune reads its cells' lines; they add up to its total.
    let above = commitments::unit_commitments(&app, &office, commune, 2021)
        .await
        .unwrap();
    let line = above.children.iter().find(|c| c.unit_id == cell).unwrap();
    assert_eq!((line.signed, line.total), (8, 10));
    let (signed, total) = above
        .children
        .iter()
        .fold((0, 0), |(s, t), c| (s + c.signed, t + c.total));
    let own = above.people.iter().filter(|p| p.unit_id == commune).count() as u32;
    let own_signed = above
        .people
        .iter()
        .filter(|p| p.unit_id == commune && p.signed)
        .count() as u32;
    assert_eq!(
        (signed + own_signed, total + own),
        (above.total.signed, above.total.total)
    );

    // Every state the audit log keeps is an object, as the API describes it (a list of
    // sections or items goes under its name).
    let system = Actor::system("test", app.today());
    let log = trienkhai_app::history::recent_changes(&app, &system, None, 500)
        .await
        .unwrap();
    for e in &log {
        for state in [&e.before, &e.after].into_iter().flatten() {
            assert!(state.is_object(), "{} {}: {state}", e.entity_type, e.action);
        }
    }
}
