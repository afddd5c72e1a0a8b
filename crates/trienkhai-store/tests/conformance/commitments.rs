//! Commitments: one per person and year, sections replaced under a version check, state moves,
//! year-end assessments per section and the cell's remark.

use super::*;
use trienkhai_core::commitment::{Section, SectionAssessment};
use trienkhai_core::party::PartyMembership;
use trienkhai_core::registration::{Outcome, RegistrationState};
use trienkhai_store::commitments as store;
use trienkhai_store::persons;
use trienkhai_store::registrations::StateChange;

pub(crate) async fn commitments_keep_sections_states_and_year_end_remarks(t: TestDb) {
    let district = create_unit(&t, "BTR", "Huyện ủy Ba Tri", None, "2000-01-01", None).await;
    let cell = create_unit(
        &t,
        "CB-A-1",
        "Chi bộ ấp 1",
        Some(district),
        "2000-01-01",
        None,
    )
    .await;
    let mut tx = t.db.begin().await.unwrap();
    let person = persons::insert_person(
        &mut tx,
        &persons::PersonFields {
            full_name: "Nguyễn Văn Sáu".into(),
            birth_year: Some(1979),
            party: PartyMembership::new(Some(d("2004-05-19")), Some(d("2005-05-19"))).unwrap(),
            source: "illustrative".into(),
        },
        now(),
    )
    .await
    .unwrap();
    let id = store::insert_commitment(&mut tx, person, 2021, cell, now())
        .await
        .unwrap();
    let sections: Vec<(Section, String)> = Section::ALL
        .iter()
        .map(|s| (*s, format!("Cam kết {}", s.as_str())))
        .collect();
    let v = store::replace_sections(&mut tx, id, &sections, 1, now())
        .await
        .unwrap();
    assert_eq!(v, 2);
    let v = store::set_state(
        &mut tx,
        id,
        RegistrationState::Submitted,
        StateChange::Submitted,
        v,
        now(),
    )
    .await
    .unwrap();
    store::set_state(
        &mut tx,
        id,
        RegistrationState::Approved,
        StateChange::Decided {
            by: None,
            comment: None,
        },
        v,
        now(),
    )
    .await
    .unwrap();
    let assessment = SectionAssessment::new(Outcome::Partly, "Đã làm một phần").unwrap();
    store::set_section_assessment(&mut tx, id, Section::Duties, &assessment)
        .await
        .unwrap();
    store::set_remark(&mut tx, id, "Giữ đúng cam kết", None, now())
        .await
        .unwrap();
    trienkhai_store::commit(tx).await.unwrap();

    let mut conn = t.db.reader().await.unwrap();
    let got = store::get_commitment(&mut conn, id).await.unwrap();
    assert_eq!(got.state, RegistrationState::Approved);
    assert_eq!(got.remark.as_deref(), Some("Giữ đúng cam kết"));
    assert_eq!(
        store::commitment_of(&mut conn, person, 2021).await.unwrap(),
        Some(got.clone())
    );
    assert_eq!(
        store::commitment_of(&mut conn, person, 2022).await.unwrap(),
        None
    );
    let read = store::sections_of(&mut conn, id).await.unwrap();
    assert_eq!(
        read.iter().map(|s| s.section).collect::<Vec<_>>(),
        Section::ALL
    );
    assert_eq!(read[3].assessment, Some(assessment));
    assert_eq!(read[0].assessment, None);
    assert_eq!(
        store::commitments_in_units(&mut conn, &[cell, district], 2021)
            .await
            .unwrap()
            .len(),
        1
    );
    drop(conn);

    // A stale version is a conflict; a second commitment of the year a duplicate.
    let mut tx = t.db.begin().await.unwrap();
    assert!(matches!(
        store::replace_sections(&mut tx, id, &sections, 1, now()).await,
        Err(StoreError::Conflict)
    ));
    drop(tx);
    let mut tx = t.db.begin().await.unwrap();
    assert!(matches!(
        store::insert_commitment(&mut tx, person, 2021, cell, now()).await,
        Err(StoreError::Duplicate(_))
    ));
}
