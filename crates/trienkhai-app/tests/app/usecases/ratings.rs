//! Year-end ratings through their life on the demo's first An Thủy cell: self-assessments,
//! appraisals under the 2020 rules (QĐ 132 with HD 21; the demo rates 2021 itself), a new
//! member left out, the commune's
//! decision with the quota, notification, publication, a cancellation and its re-rating.

use super::*;
use trienkhai_app::AppError;
use trienkhai_app::commitments;
use trienkhai_app::people::{self, PersonInput, PostInput};
use trienkhai_app::rating_groups;
use trienkhai_app::ratings::{self, AppraisalInput, SelfAssessment};
use trienkhai_core::grading::appraisal::Appraisal;
use trienkhai_core::grading::criteria::{Grade, GradesInput};
use trienkhai_core::grading::workflow::RatingState;
use trienkhai_core::grading::{Level, RuleSet, Subject};

fn grades(best: bool) -> Appraisal {
    let g = if best { Grade::Excellent } else { Grade::Good };
    Appraisal {
        grades: Some(GradesInput {
            tasks: vec![g, g],
            others: vec![Grade::Good, Grade::Good, Grade::Good],
            products: true,
            products_quantified: true,
            disciplined: false,
            civil_service_level: None,
        }),
        ..Appraisal::default()
    }
}

fn code(e: AppError) -> String {
    match e {
        AppError::Invalid(d) => d.code.to_owned(),
        other => format!("{other:?}"),
    }
}

pub(crate) async fn a_cell_is_rated_decided_with_the_quota_notified_published_and_re_rated(
    t: TestDb,
) {
    let app = demo_app(&t).await;
    let cell = unit_by_code(&app, "CB-ANTHUY-1", "2020-06-01").await;
    let commune = unit_by_code(&app, "X-ANTHUY", "2020-06-01").await;
    let secretary = actor(&app, "bithu").await;
    let office = actor(&app, "anthuy").await;
    let people = commitments::unit_commitments(&app, &secretary, cell, 2020)
        .await
        .unwrap()
        .people;
    // Six members admitted long enough before the rating to be rated.
    let mut members = Vec::new();
    let mut conn = app.db.reader().await.unwrap();
    for p in &people {
        let person = trienkhai_store::persons::get_person(&mut conn, p.person_id)
            .await
            .unwrap();
        if person
            .party
            .admitted_on
            .is_some_and(|a| a < d("2020-06-30"))
            && members.len() < 6
        {
            members.push(p.person_id);
        }
    }
    drop(conn);
    assert_eq!(members.len(), 6);
    // A member admitted on 01/09/2020: under six months on 31/12/2020.
    let system = Actor::system("test", app.today());
    let newcomer = people::create_person(
        &app,
        &system,
        &PersonInput {
            full_name: "Trần Thị Mới".into(),
            birth_year: Some(1998),
            party_admitted_on: Some(d("2020-09-01")),
            party_full_member_on: None,
        },
        Some(&PostInput {
            unit_id: Some(cell),
            title: "Đảng viên".into(),
            valid_from: Some(d("2020-09-01")),
            valid_to: None,
        }),
        "illustrative",
    )
    .await
    .unwrap();

    let assess = |person, level| SelfAssessment {
        subject: Subject::Member,
        unit_id: cell,
        person_id: Some(person),
        year: 2020,
        level,
        note: Some("  Hoàn thành   các đầu việc đã đăng ký ".into()),
        expected_version: None,
    };
    let mut ids = Vec::new();
    for p in members.iter().chain([&newcomer]) {
        let (id, v) = ratings::self_assess(&app, &secretary, &assess(*p, Level::Excellent))
            .await
            .unwrap();
        assert_eq!(v, 1);
        ids.push(id);
    }
    // Bad input is named; the year decides the rule set, kept on the rating.
    let mut bad = assess(members[0], Level::Good);
    bad.person_id = None;
    assert_eq!(
        code(
            ratings::self_assess(&app, &secretary, &bad)
                .await
                .unwrap_err()
        ),
        "required"
    );
    bad = assess(members[0], Level::Good);
    assert_eq!(
        code(
            ratings::self_assess(&app, &secretary, &bad)
                .await
                .unwrap_err()
        ),
        "required",
        "changing a self-assessment names the version it read"
    );
    bad.expected_version = Some(1);
    let (_, v) = ratings::self_assess(&app, &secretary, &bad).await.unwrap();
    assert_eq!(v, 2);
    let first = ratings::view(&app, &secretary, ids[0]).await.unwrap();
    assert_eq!(first.rating.rule_set, RuleSet::Qd132);
    assert_eq!(first.rating.self_level, Some(Level::Good));
    assert_eq!(
        first.rating.self_note.as_deref(),
        Some("Hoàn thành các đầu việc đã đăng ký")
    );
    assert!(first.rights.appraise && !first.rights.decide);
    assert_eq!(first.deciding_unit, Some(commune));

    // Nothing is decided while a member waits for the appraisal.
    assert_eq!(
        code(
            rating_groups::decide(&app, &office, commune, 2020, Subject::Member)
                .await
                .unwrap_err()
        ),
        "appraisal_pending"
    );
    // Three proposed excellent, three good; the newcomer is left out.
    for (i, id) in ids.iter().enumerate() {
        let version = if i == 0 { 2 } else { 1 };
        let input = AppraisalInput {
            appraisal: grades(i < 3),
            peer_group: None,
            expected_version: version,
        };
        ratings::appraise(&app, &secretary, *id, &input)
            .await
            .unwrap();
        assert!(matches!(
            ratings::appraise(&app, &secretary, *id, &input).await,
            Err(AppError::Conflict { .. })
        ));
    }
    let excellent = ratings::view(&app, &secretary, ids[0]).await.unwrap();
    let ev = excellent.rating.evaluation.as_ref().unwrap();
    assert_eq!(ev.level, Some(Level::Excellent));
    assert!(ev.steps.iter().all(|s| s.met), "{:?}", ev.steps);
    let left_out = ratings::view(&app, &secretary, ids[6]).await.unwrap();
    let ev = left_out.rating.evaluation.unwrap();
    assert!(ev.level.is_none() && ev.excluded.is_some());
    assert!(ev.steps[0].check.contains("01/09/2020"), "{:?}", ev.steps);

    // The cell does not decide; the commune does, with 20% of the six good or better: one.
    assert!(matches!(
        rating_groups::decide(&app, &secretary, commune, 2020, Subject::Member).await,
        Err(AppError::Forbidden)
    ));
    let done = rating_groups::decide(&app, &office, commune, 2020, Subject::Member)
        .await
        .unwrap();
    assert_eq!((done.changed, done.over_quota), (7, 2));
    let group = rating_groups::group(&app, &office, commune, 2020)
        .await
        .unwrap();
    assert_eq!(
        group.member_tally.text.as_deref(),
        Some("1 HTXSNV; 5 HTTNV; không có HTNV; không có KHTNV")
    );
    assert_eq!(
        (group.member_tally.excluded, group.member_tally.undecided),
        (1, 0)
    );
    let moved: Vec<_> = group.members.iter().filter(|l| l.over_quota).collect();
    assert_eq!(moved.len(), 2);
    let moved_view = ratings::view(&app, &office, moved[0].rating_id)
        .await
        .unwrap();
    assert!(
        moved_view.rating.decision_steps[0]
            .check
            .contains("= 1 (làm tròn xuống)")
    );
    assert_eq!(moved_view.rating.level, Some(Level::Good));
    // A decided rating is not appraised again.
    assert_eq!(
        code(
            ratings::appraise(
                &app,
                &secretary,
                ids[1],
                &AppraisalInput {
                    appraisal: grades(true),
                    peer_group: None,
                    expected_version: 3
                }
            )
            .await
            .unwrap_err()
        ),
        "rating_state_conflict"
    );

    // Notified: each person with an account is told, once.
    let told = rating_groups::notify_persons(&app, &office, commune, 2020, Subject::Member)
        .await
        .unwrap();
    assert_eq!(told.changed, 7);
    assert_eq!(
        rating_groups::notify_persons(&app, &office, commune, 2020, Subject::Member)
            .await
            .unwrap()
            .changed,
        0
    );
    let published = rating_groups::publish(&app, &office, commune, 2020, Subject::Member)
        .await
        .unwrap();
    assert_eq!(published.changed, 7);

    // Cancelled later: the first rating stays, its re-rating is appraised and decided anew.
    let target = ratings::view(&app, &office, ids[0]).await.unwrap().rating;
    assert_eq!(target.state, RatingState::Published);
    assert_eq!(
        code(
            ratings::cancel(&app, &office, ids[0], "  ", target.row_version)
                .await
                .unwrap_err()
        ),
        "required"
    );
    let again = ratings::cancel(
        &app,
        &office,
        ids[0],
        "Phát hiện vi phạm sau xếp loại",
        target.row_version,
    )
    .await
    .unwrap();
    let mut disciplined = grades(true);
    if let Some(g) = disciplined.grades.as_mut() {
        g.disciplined = true;
    }
    ratings::appraise(
        &app,
        &secretary,
        again,
        &AppraisalInput {
            appraisal: disciplined,
            peer_group: None,
            expected_version: 1,
        },
    )
    .await
    .unwrap();
    let redone = rating_groups::decide(&app, &office, commune, 2020, Subject::Member)
        .await
        .unwrap();
    assert_eq!(redone.changed, 1);
    let view = ratings::view(&app, &office, again).await.unwrap();
    assert_eq!(view.rating.replaces_id, Some(ids[0]));
    assert_ne!(view.rating.level, Some(Level::Excellent));
    assert_eq!(view.history.len(), 1);
    assert_eq!(view.history[0].state, RatingState::Cancelled);
    assert_eq!(
        view.history[0].cancel_reason.as_deref(),
        Some("Phát hiện vi phạm sau xếp loại")
    );
    // The term 2020-2025 counts the re-rating's level for 2020, not the cancelled one's; two
    // years at most are decided yet (2021 by the demo): too few to rate the term.
    let term = view.term.expect("a decided year of the term");
    assert_eq!((term.from_year, term.to_year), (2020, 2024));
    let of_2020: Vec<Level> = term
        .years
        .iter()
        .filter(|(y, _)| *y == 2020)
        .map(|(_, l)| *l)
        .collect();
    assert_eq!(of_2020, vec![view.rating.level.unwrap()]);
    assert!(term.years.len() <= 2);
    assert_eq!(term.rating.level, None);
    let group = rating_groups::group(&app, &office, commune, 2020)
        .await
        .unwrap();
    assert_eq!(
        group.members.len(),
        7,
        "the cancelled rating is not counted twice"
    );
    assert_eq!(group.member_tally.undecided, 0);
}

/// The demo's ratings: the cells with one over the quota and the newcomer left out in 2021;
/// the 2026 case where an approved objective cause for a late product is the difference
/// between HTXSNV and HTNV under QĐ 366, and a few points under NĐ 335.
pub(crate) async fn the_demo_rates_2021_by_its_rules_and_shows_the_2026_case(t: TestDb) {
    let app = demo_app(&t).await;
    let admin = actor(&app, "admin").await;
    let commune = unit_by_code(&app, "X-ANTHUY", "2021-06-01").await;
    let group = rating_groups::group(&app, &admin, commune, 2021)
        .await
        .unwrap();
    assert_eq!(
        group.organisations.iter().filter(|l| l.over_quota).count(),
        1
    );
    assert!(
        group
            .organisation_tally
            .text
            .as_deref()
            .unwrap()
            .contains("1 HTNV")
    );
    assert_eq!(
        group.member_tally.excluded,
        1,
        "{:#?}",
        group
            .members
            .iter()
            .filter(|l| l.excluded.is_some())
            .collect::<Vec<_>>()
    );
    assert_eq!(group.member_tally.undecided, 0);
    assert!(
        group
            .members
            .iter()
            .all(|l| l.state == RatingState::Published)
    );
    let text = group.member_tally.text.clone().unwrap();
    // (The demo's count of members varies with its probationary secretaries; the ends do not.)
    assert!(
        text.starts_with("2 HTXSNV; ") && text.ends_with(" HTTNV; 2 HTNV; không có KHTNV"),
        "{text}"
    );

    let office = unit_by_code(&app, "CB-VPTU", "2026-06-01").await;
    let mut conn = app.db.reader().await.unwrap();
    let rated = trienkhai_store::ratings::ratings_in_units(&mut conn, &[office], 2026)
        .await
        .unwrap();
    drop(conn);
    assert_eq!(rated.len(), 4);
    let level = |subject: Subject, excused: bool| {
        rated
            .iter()
            .find(|r| {
                r.subject == subject
                    && r.appraisal
                        .as_ref()
                        .unwrap()
                        .findings
                        .iter()
                        .any(|f| f.objective_cause)
                        == excused
            })
            .unwrap()
            .evaluation
            .clone()
            .unwrap()
    };
    assert_eq!(level(Subject::Member, true).level, Some(Level::Excellent));
    assert_eq!(level(Subject::Member, false).level, Some(Level::Completed));
    let (with, without) = (
        level(Subject::CivilServant, true),
        level(Subject::CivilServant, false),
    );
    assert_eq!(with.rule_set, RuleSet::Nd335);
    assert_eq!(with.score, Some(rust_decimal::Decimal::from(98)));
    assert_eq!(without.score, Some(rust_decimal::Decimal::new(9654, 2)));
}

/// XD02 is computed from the district's decision on its communes: each commune counts itself
/// (1/1 at HTTNV or better, 0/1 below), the district's figure is their sum, nobody types it,
/// and a cancellation takes the commune's value away until it is decided again.
pub(crate) async fn xd02_follows_the_communes_ratings(t: TestDb) {
    use trienkhai_app::{documents, targets};
    use trienkhai_core::period::Period;
    use trienkhai_core::rollup::Observation;
    let app = demo_app(&t).await;
    let admin = actor(&app, "admin").await;
    let district = actor(&app, "huyenuy").await;
    let btr = unit_by_code(&app, "BTR", "2021-06-01").await;
    let plan = documents::list_documents(&app, &admin, Some("02-NQ/HU"), None, None)
        .await
        .unwrap()[0]
        .document
        .id;
    let xd02 = targets::targets_of_document(&app, &admin, plan)
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.code == "XD02")
        .unwrap()
        .id;
    let link = trienkhai_app::rating_targets::link_of(&app, &admin, xd02)
        .await
        .unwrap();
    assert_eq!(link.link.unwrap().unit_kinds, vec!["dang_uy_xa".to_owned()]);
    let group = rating_groups::group(&app, &district, btr, 2021)
        .await
        .unwrap();
    let decided: Vec<_> = group
        .organisations
        .iter()
        .filter(|l| l.state.decided())
        .collect();
    assert!(decided.len() > 20);
    let good = decided
        .iter()
        .filter(|l| l.level.is_some_and(|x| x <= Level::Good))
        .count();
    let mut conn = app.db.reader().await.unwrap();
    let (mut num, mut den) = (rust_decimal::Decimal::ZERO, rust_decimal::Decimal::ZERO);
    let mut cancelled = None;
    for l in &decided {
        let r = trienkhai_store::ratings::get_rating(&mut conn, l.rating_id)
            .await
            .unwrap();
        let a =
            trienkhai_store::targets::get_actual(&mut conn, xd02, r.unit_id, Period::Year(2021))
                .await
                .unwrap()
                .expect("every decided commune has its value");
        if let Observation::Ratio {
            numerator,
            denominator,
        } = a.observation
        {
            num += numerator;
            den += denominator;
        }
        cancelled.get_or_insert(r);
    }
    drop(conn);
    assert_eq!(
        (num, den),
        (
            rust_decimal::Decimal::from(good as u64),
            rust_decimal::Decimal::from(decided.len() as u64)
        )
    );
    // Nobody types it.
    let commune = cancelled.unwrap();
    let err = targets::record_actual(
        &app,
        &admin,
        xd02,
        commune.unit_id,
        Period::Year(2021),
        &targets::ActualInput {
            numerator: Some(rust_decimal::Decimal::ONE),
            denominator: Some(rust_decimal::Decimal::ONE),
            ..Default::default()
        },
        "user",
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), "target_computed");
    // Cancelled: the commune's value goes until the re-rating is decided.
    trienkhai_app::ratings::cancel(
        &app,
        &district,
        commune.id,
        "Xem xét lại",
        commune.row_version,
    )
    .await
    .unwrap();
    let mut conn = app.db.reader().await.unwrap();
    assert!(
        trienkhai_store::targets::get_actual(&mut conn, xd02, commune.unit_id, Period::Year(2021))
            .await
            .unwrap()
            .is_none()
    );
}

/// In the fourth quarter a member's home page asks for their self-assessment of the year, with
/// its deadline, until it is made; not before the season.
pub(crate) async fn the_home_page_asks_for_the_self_assessment_in_its_season(t: TestDb) {
    use chrono::{DateTime, Utc};
    use trienkhai_app::{Clock, todo};
    let clock = Clock::fixed(Utc::now());
    let app = App::new(t.db.clone()).with_clock(clock.clone());
    demo::build(&app).await.unwrap();
    let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
    clock.advance(at("2022-09-15T02:00:00Z") - app.now());
    let secretary = actor(&app, "bithu").await;
    assert!(
        todo::todo(&app, &secretary)
            .await
            .unwrap()
            .rating_due
            .is_none()
    );
    clock.advance(at("2022-12-10T02:00:00Z") - app.now());
    let due = todo::todo(&app, &secretary)
        .await
        .unwrap()
        .rating_due
        .expect("in season");
    assert_eq!(
        (due.year, due.due, due.days_left),
        (2022, d("2022-12-31"), 21)
    );
    // The season's first day, a week before the deadline and its last day remind them in the
    // app, once each; other days do not, and neither once they have assessed themselves.
    let season_notes = || async {
        trienkhai_app::reminders::my_notifications(&app, &secretary)
            .await
            .unwrap()
            .0
            .into_iter()
            .filter(|n| n.title.contains("xếp loại chất lượng năm 2022"))
            .map(|n| n.title)
            .collect::<Vec<_>>()
    };
    for day in ["2022-10-01", "2022-10-01", "2022-10-02", "2022-12-24"] {
        trienkhai_app::reminders::run_day(&app, d(day))
            .await
            .unwrap();
    }
    let notes = season_notes().await;
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(
        notes
            .iter()
            .any(|t| t.starts_with("Bắt đầu") && t.contains("31/12/2022"))
    );
    assert!(notes.iter().any(|t| t.starts_with("Còn 7 ngày")));
    let cell = unit_by_code(&app, "CB-ANTHUY-1", "2022-06-01").await;
    let me = trienkhai_app::registration_lists::mine(&app, &secretary, 2022)
        .await
        .unwrap()
        .unwrap()
        .person_id;
    ratings::self_assess(
        &app,
        &secretary,
        &SelfAssessment {
            subject: Subject::Member,
            unit_id: cell,
            person_id: Some(me),
            year: 2022,
            level: Level::Good,
            note: None,
            expected_version: None,
        },
    )
    .await
    .unwrap();
    assert!(
        todo::todo(&app, &secretary)
            .await
            .unwrap()
            .rating_due
            .is_none()
    );
    trienkhai_app::reminders::run_day(&app, d("2022-12-31"))
        .await
        .unwrap();
    assert_eq!(season_notes().await.len(), 2);
}
