//! Study sessions: a commune records its sessions and make-up sessions, the district reads the
//! attendance rolled up its tree as offices write it; peers and outsiders are refused.

use super::*;
use trienkhai_app::study::{self, CountInput, SessionInput};
use trienkhai_app::{AppError, documents};
use trienkhai_core::attendance::{Attendance, Audience, StudyMode};
use trienkhai_core::ids::DocumentId;

fn counts(list: &[(Audience, u32, u32, u32)]) -> Vec<CountInput> {
    list.iter()
        .map(|&(audience, required, present, excused)| CountInput {
            audience,
            required,
            present,
            excused,
        })
        .collect()
}

fn session(
    doc: DocumentId,
    unit: UnitId,
    day: &str,
    makeup: bool,
    c: Vec<CountInput>,
) -> SessionInput {
    SessionInput {
        document_id: doc,
        unit_id: unit,
        held_on: d(day),
        place: "  Hội trường   Đảng ủy xã ".into(),
        mode: StudyMode::InPerson,
        makeup,
        note: None,
        counts: c,
    }
}

fn code(e: AppError) -> (String, Option<String>) {
    match e {
        AppError::Invalid(d) => (d.code.to_owned(), d.field),
        other => (format!("{other:?}"), None),
    }
}

pub(crate) async fn a_commune_records_study_sessions_and_the_district_reads_the_rollup(t: TestDb) {
    let app = demo_app(&t).await;
    let admin = Actor::system("test", app.today());
    let commune = unit_by_code(&app, "X-ANTHUY", "2021-01-15").await;
    let cell = unit_by_code(&app, "CB-ANTHUY-1", "2021-01-15").await;
    let district = unit_by_code(&app, "BTR", "2021-01-15").await;
    let other_commune = unit_by_code(&app, "X-ANHIEP", "2021-01-15").await;
    let plan = documents::list_documents(&app, &admin, Some("02-NQ/HU"), None, None)
        .await
        .unwrap()[0]
        .document
        .id;
    let anthuy = actor(&app, "anthuy").await;
    let huyenuy = actor(&app, "huyenuy").await;
    // The demo has its own sessions: what this test adds is measured against them.
    let before = study::rollup(&app, &huyenuy, plan, district, Some(d("2021-02-01")))
        .await
        .unwrap();
    let members_of = |r: &study::StudyRollup| {
        r.total
            .audiences
            .iter()
            .find(|a| a.audience == Audience::PartyMembers)
            .map_or(Attendance::default(), |a| a.attendance)
    };
    let demo_members = members_of(&before);
    let demo_own = study::rollup(&app, &anthuy, plan, commune, Some(d("2021-02-01")))
        .await
        .unwrap()
        .sessions
        .len();

    let first = study::record(
        &app,
        &anthuy,
        &session(
            plan,
            commune,
            "2021-01-20",
            false,
            counts(&[
                (Audience::PartyMembers, 48, 44, 3),
                (Audience::KeyCadres, 9, 9, 0),
                // An audience left at zero is not recorded.
                (Audience::Masses, 0, 0, 0),
            ]),
        ),
    )
    .await
    .unwrap();
    let got = study::get(&app, &anthuy, first).await.unwrap();
    assert_eq!(got.place, "Hội trường Đảng ủy xã");
    assert_eq!(got.counts.len(), 2);
    study::record(
        &app,
        &anthuy,
        &session(
            plan,
            cell,
            "2021-01-22",
            false,
            counts(&[(Audience::PartyMembers, 21, 19, 1)]),
        ),
    )
    .await
    .unwrap();
    // Only members still missing can make it up: not ten thousand.
    let too_many = study::record(
        &app,
        &anthuy,
        &session(
            plan,
            commune,
            "2021-02-01",
            true,
            counts(&[(Audience::PartyMembers, 0, 10_000, 0)]),
        ),
    )
    .await
    .unwrap_err();
    assert_eq!(
        code(too_many),
        (
            "attendance_makeup_over_absent".into(),
            Some("present".into())
        )
    );
    let makeup = study::record(
        &app,
        &anthuy,
        &session(
            plan,
            commune,
            "2021-02-01",
            true,
            counts(&[(Audience::PartyMembers, 0, 2, 0)]),
        ),
    )
    .await
    .unwrap();

    // The district reads it rolled up: 44 + 2 made up + 19 of 48 + 21 more than the demo's.
    let rollup = study::rollup(&app, &huyenuy, plan, district, Some(d("2021-02-01")))
        .await
        .unwrap();
    assert!(rollup.can_record);
    let added = Attendance {
        required: 69,
        present: 65,
        // The commune's 3 excused less the 2 who made it up, and the cell's 1.
        excused: 3,
        made_up: 2,
    };
    let now = members_of(&rollup);
    let expected = demo_members.plus(added);
    assert_eq!(
        (now.required, now.present, now.made_up),
        (expected.required, expected.present, expected.made_up)
    );
    // The excused of one unit are at most those still missing: the commune's demo sessions
    // and these share its absent, so excused counts do not simply add.
    assert!(now.excused + now.present <= now.required);
    assert_eq!(
        added.sentence_vi(Audience::PartyMembers),
        "65/69 đảng viên, đạt 94,2%"
    );
    assert_eq!(rollup.total.sessions, before.total.sessions + 3);
    assert!(
        rollup.total.units > 20,
        "every unit of the district is counted"
    );
    let an_thuy_line = rollup
        .children
        .iter()
        .find(|c| c.unit_id == commune)
        .expect("An Thủy is a line of the district");
    assert_eq!(
        an_thuy_line.units_with_sessions, 2,
        "the commune and its cell"
    );
    // Lines below agree with the total they add up to.
    for (i, audience) in Audience::ALL.into_iter().enumerate() {
        let of_lines: u32 = std::iter::once(&rollup.own)
            .chain(rollup.children.iter())
            .flat_map(|c| c.audiences.iter())
            .filter(|a| a.audience == audience)
            .map(|a| a.attendance.present)
            .sum();
        let total = rollup
            .total
            .audiences
            .iter()
            .find(|a| a.audience == audience)
            .map_or(0, |a| a.attendance.present);
        assert_eq!(of_lines, total, "audience {i}");
    }
    let office = unit_by_code(&app, "BTR-VP", "2021-01-15").await;
    let office_line = rollup
        .children
        .iter()
        .find(|c| c.unit_id == office)
        .unwrap();
    assert!(
        office_line.audiences.is_empty() && office_line.sessions == 0,
        "a unit without sessions has no figures"
    );
    // The commune reads its own; its sessions are listed there, oldest first.
    let own = study::rollup(&app, &anthuy, plan, commune, None)
        .await
        .unwrap();
    assert_eq!(own.sessions.len(), demo_own + 2);
    assert!(own.sessions.iter().any(|s| s.id == first));
    assert!(own.sessions.iter().any(|s| s.id == makeup && s.makeup));

    // Refused: another commune's sessions, the district's roll-up for a commune, bad input.
    let elsewhere = study::record(
        &app,
        &anthuy,
        &session(
            plan,
            other_commune,
            "2021-01-20",
            false,
            counts(&[(Audience::PartyMembers, 5, 5, 0)]),
        ),
    )
    .await;
    assert!(matches!(elsewhere, Err(AppError::Forbidden)));
    assert!(matches!(
        study::rollup(&app, &anthuy, plan, district, None).await,
        Err(AppError::Forbidden)
    ));
    for (input, expected) in [
        (
            session(
                plan,
                commune,
                "2099-01-01",
                false,
                counts(&[(Audience::PartyMembers, 5, 5, 0)]),
            ),
            ("date_in_future", "held_on"),
        ),
        (
            session(
                plan,
                commune,
                "2020-01-01",
                false,
                counts(&[(Audience::PartyMembers, 5, 5, 0)]),
            ),
            ("study_before_issue", "held_on"),
        ),
        (
            session(
                plan,
                commune,
                "2021-03-01",
                false,
                counts(&[(Audience::PartyMembers, 0, 0, 0)]),
            ),
            ("attendance_empty", "counts"),
        ),
        (
            session(
                plan,
                commune,
                "2021-03-01",
                false,
                counts(&[(Audience::PartyMembers, 5, 4, 2)]),
            ),
            ("attendance_over_required", "excused"),
        ),
        (
            SessionInput {
                place: "   ".into(),
                ..session(
                    plan,
                    commune,
                    "2021-03-01",
                    false,
                    counts(&[(Audience::PartyMembers, 5, 5, 0)]),
                )
            },
            ("required", "place"),
        ),
    ] {
        let err = study::record(&app, &anthuy, &input).await.unwrap_err();
        assert_eq!(code(err), (expected.0.into(), Some(expected.1.into())));
    }

    // A document that does not exist reads as one not to be read (ids are not probed); for
    // whoever reads everything, it is named.
    let missing = session(
        DocumentId(9_999_999),
        commune,
        "2021-03-01",
        false,
        counts(&[(Audience::PartyMembers, 5, 5, 0)]),
    );
    assert!(matches!(
        study::record(&app, &anthuy, &missing).await,
        Err(AppError::Forbidden)
    ));
    assert_eq!(
        code(study::record(&app, &admin, &missing).await.unwrap_err()),
        ("not_found".into(), Some("document_id".into()))
    );

    // The first session cannot go while a make-up counts on it; the make-up can, then it.
    assert_eq!(
        code(study::remove(&app, &anthuy, first).await.unwrap_err()).0,
        "study_makeup_depends"
    );
    study::remove(&app, &anthuy, makeup).await.unwrap();
    study::remove(&app, &anthuy, first).await.unwrap();
    let after = study::rollup(&app, &huyenuy, plan, district, Some(d("2021-02-01")))
        .await
        .unwrap();
    assert_eq!(after.total.sessions, before.total.sessions + 1);
    assert_eq!(
        members_of(&after),
        demo_members.plus(Attendance {
            required: 21,
            present: 19,
            excused: 1,
            made_up: 0
        })
    );
    let logged = trienkhai_app::history::recent_changes(&app, &admin, Some("study_session"), 50)
        .await
        .unwrap();
    let of_first: Vec<&str> = logged
        .iter()
        .filter(|e| e.entity_id == first)
        .map(|e| e.action.as_str())
        .collect();
    assert_eq!(
        of_first.len(),
        2,
        "created and removed, both in the log: {of_first:?}"
    );
    assert!(of_first.contains(&"create") && of_first.contains(&"delete"));
}

/// XD03 is computed from the attendance at 02-NQ/HU's study sessions: the district's figure is
/// the attendance roll-up's key cadres and members, a new session moves it, a typed value is
/// refused, and removing the session takes its value back.
pub(crate) async fn a_target_computed_from_attendance_follows_the_sessions(t: TestDb) {
    use rust_decimal::Decimal;
    use trienkhai_app::study_targets;
    use trienkhai_app::targets::{self, ActualInput, Inputs};
    use trienkhai_core::period::Period;
    use trienkhai_core::rollup::Figure;
    let app = demo_app(&t).await;
    let admin = actor(&app, "admin").await;
    let district = actor(&app, "huyenuy").await;
    let commune = actor(&app, "anthuy").await;
    let plan = documents::list_documents(&app, &admin, Some("02-NQ/HU"), None, None)
        .await
        .unwrap()[0]
        .document
        .id;
    let xd03 = targets::targets_of_document(&app, &admin, plan)
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.code == "XD03")
        .unwrap()
        .id;
    let link = study_targets::link_of(&app, &district, xd03).await.unwrap();
    assert!(link.can_edit);
    assert_eq!(link.document_number.as_deref(), Some("02-NQ/HU"));
    assert_eq!(
        link.link.unwrap().audiences,
        vec![Audience::KeyCadres, Audience::PartyMembers]
    );
    assert!(
        !study_targets::link_of(&app, &commune, xd03)
            .await
            .unwrap()
            .can_edit
    );

    let btr = unit_by_code(&app, "BTR", "2021-06-01").await;
    let an_thuy = unit_by_code(&app, "X-ANTHUY", "2021-06-01").await;
    let attended = |r: &study::StudyRollup| {
        r.total
            .audiences
            .iter()
            .filter(|a| a.audience != Audience::Masses)
            .fold((0u32, 0u32), |(p, q), a| {
                (p + a.attendance.present, q + a.attendance.required)
            })
    };
    let ratio = |f: &Option<Figure>| match f {
        Some(Figure::Ratio {
            numerator,
            denominator,
            ..
        }) => (*numerator, *denominator),
        other => panic!("a ratio: {other:?}"),
    };
    let year = Period::Year(2021);
    let study_total = study::rollup(&app, &district, plan, btr, None)
        .await
        .unwrap();
    let figure = targets::rollup(&app, &district, xd03, btr, year, Inputs::None)
        .await
        .unwrap();
    let (present, required) = attended(&study_total);
    assert!(required > 0);
    assert_eq!(
        ratio(&figure.figure.figure),
        (Decimal::from(present), Decimal::from(required)),
        "the target says what the attendance roll-up says"
    );

    // A make-up session in An Thủy moves both.
    let before = ratio(
        &targets::rollup(&app, &district, xd03, an_thuy, year, Inputs::None)
            .await
            .unwrap()
            .figure
            .figure,
    );
    assert!(before.0 < before.1, "someone is still missing");
    let id = study::record(
        &app,
        &commune,
        &session(
            plan,
            an_thuy,
            "2021-03-02",
            true,
            counts(&[(Audience::PartyMembers, 0, 1, 0)]),
        ),
    )
    .await
    .unwrap();
    let after = ratio(
        &targets::rollup(&app, &district, xd03, an_thuy, year, Inputs::None)
            .await
            .unwrap()
            .figure
            .figure,
    );
    assert_eq!(after, (before.0 + Decimal::ONE, before.1));

    // Nobody types it.
    let err = targets::record_actual(
        &app,
        &commune,
        xd03,
        an_thuy,
        Period::Month(2021, 3),
        &ActualInput {
            numerator: Some(Decimal::from(5)),
            denominator: Some(Decimal::from(10)),
            ..Default::default()
        },
        "user",
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), "target_computed");

    // The make-up session removed: the value goes back.
    study::remove(&app, &commune, id).await.unwrap();
    let back = ratio(
        &targets::rollup(&app, &district, xd03, an_thuy, year, Inputs::None)
            .await
            .unwrap()
            .figure
            .figure,
    );
    assert_eq!(back, before);

    // Only a ratio target is computed from attendance, and only by the plan's editors.
    let xd01 = targets::targets_of_document(&app, &admin, plan)
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.code == "XD01")
        .unwrap()
        .id;
    let input = study_targets::LinkInput {
        document_id: plan,
        audiences: vec![Audience::PartyMembers],
    };
    let err = study_targets::link(&app, &district, xd01, &input)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "target_not_ratio");
    assert!(matches!(
        study_targets::link(&app, &commune, xd03, &input).await,
        Err(AppError::Forbidden)
    ));
}
