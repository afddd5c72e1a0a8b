//! Study sessions: recorded with their counts by audience, read back per unit, summed per unit
//! for the roll-up (make-up sessions apart), forgotten with their counts.

use super::*;
use trienkhai_core::attendance::{Audience, SessionCount, StudyMode};
use trienkhai_store::study::{self, NewSession, UnitSums};

fn count(required: u32, present: u32, excused: u32) -> SessionCount {
    SessionCount {
        required,
        present,
        excused,
    }
}

pub(crate) async fn study_sessions_are_recorded_and_summed_per_unit(t: TestDb) {
    let district = create_unit(&t, "BTR", "Huyện ủy Ba Tri", None, "2000-01-01", None).await;
    let commune = create_unit(&t, "X-A", "Xã A", Some(district), "2000-01-01", None).await;
    let mut tx = t.db.begin().await.unwrap();
    let doc = insert_district_resolution(&mut tx, district, "user").await;
    let session = |unit, day: &str, makeup, counts: Vec<(Audience, SessionCount)>| NewSession {
        document_id: doc,
        unit_id: unit,
        held_on: d(day),
        place: "Hội trường Đảng ủy xã".into(),
        mode: StudyMode::InPerson,
        makeup,
        note: None,
        counts,
    };
    let first = study::insert_session(
        &mut tx,
        &session(
            commune,
            "2021-01-15",
            false,
            vec![
                (Audience::PartyMembers, count(48, 44, 3)),
                (Audience::KeyCadres, count(9, 9, 0)),
            ],
        ),
        now(),
    )
    .await
    .unwrap();
    let makeup = study::insert_session(
        &mut tx,
        &session(
            commune,
            "2021-01-29",
            true,
            vec![(Audience::PartyMembers, count(0, 2, 0))],
        ),
        now(),
    )
    .await
    .unwrap();
    let district_class = study::insert_session(
        &mut tx,
        &NewSession {
            mode: StudyMode::Online,
            ..session(
                district,
                "2021-01-10",
                false,
                vec![(Audience::KeyCadres, count(120, 118, 2))],
            )
        },
        now(),
    )
    .await
    .unwrap();
    trienkhai_store::commit(tx).await.unwrap();

    let mut conn = t.db.reader().await.unwrap();
    let got = study::get_session(&mut conn, first).await.unwrap();
    assert_eq!(got.held_on, d("2021-01-15"));
    assert!(!got.makeup);
    // Counts come back in the audiences' order, whatever order they were written in.
    assert_eq!(
        got.counts,
        vec![
            (Audience::KeyCadres, count(9, 9, 0)),
            (Audience::PartyMembers, count(48, 44, 3)),
        ]
    );
    let of_commune = study::sessions_of(&mut conn, doc, commune).await.unwrap();
    assert_eq!(
        of_commune.iter().map(|s| s.id).collect::<Vec<_>>(),
        [first, makeup]
    );
    assert!(of_commune[1].makeup);
    let of_district = study::sessions_of(&mut conn, doc, district).await.unwrap();
    assert_eq!(of_district.len(), 1);
    assert_eq!(of_district[0].mode, StudyMode::Online);

    let mut sums = study::sums_by_unit(&mut conn, doc).await.unwrap();
    sums.sort_by_key(|s| (s.unit_id.0, s.audience));
    assert_eq!(
        sums,
        vec![
            UnitSums {
                unit_id: district,
                audience: Audience::KeyCadres,
                regular: count(120, 118, 2),
                made_up: 0,
            },
            UnitSums {
                unit_id: commune,
                audience: Audience::KeyCadres,
                regular: count(9, 9, 0),
                made_up: 0,
            },
            UnitSums {
                unit_id: commune,
                audience: Audience::PartyMembers,
                regular: count(48, 44, 3),
                made_up: 2,
            },
        ]
    );
    let mut counts = study::session_counts_by_unit(&mut conn, doc).await.unwrap();
    counts.sort();
    assert_eq!(counts, [(district, 1), (commune, 2)]);
    assert_eq!(
        study::latest_session_day(&mut conn, doc).await.unwrap(),
        Some(d("2021-01-29"))
    );
    drop(conn);

    let mut tx = t.db.begin().await.unwrap();
    study::delete_session(&mut tx, district_class)
        .await
        .unwrap();
    trienkhai_store::commit(tx).await.unwrap();
    let mut conn = t.db.reader().await.unwrap();
    assert!(matches!(
        study::get_session(&mut conn, district_class).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(study::sums_by_unit(&mut conn, doc).await.unwrap().len(), 2);
    drop(conn);
    let mut tx = t.db.begin().await.unwrap();
    assert!(matches!(
        study::delete_session(&mut tx, district_class).await,
        Err(StoreError::NotFound)
    ));
}
