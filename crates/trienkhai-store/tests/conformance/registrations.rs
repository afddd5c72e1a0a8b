//! Personal registrations: versions, items with what they concretize, review with version
//! checks, and assessments with the superior's remark.

use super::*;
use trienkhai_core::party::PartyMembership;
use trienkhai_core::registration::{AssessmentPhase, Outcome, RegistrationState, SelfAssessment};
use trienkhai_store::registrations::{
    self as reg, Concretizes, NewItem, NewRegistration, StateChange,
};
use trienkhai_store::{persons, work_items};

pub(crate) async fn registrations_keep_versions_items_and_assessments(t: TestDb) {
    let district = create_unit(&t, "BTR", "Huyện ủy Ba Tri", None, "2000-01-01", None).await;
    let commune = create_unit(&t, "X-A", "Xã A", Some(district), "2000-01-01", None).await;
    let mut tx = t.db.begin().await.unwrap();
    let person = persons::insert_person(
        &mut tx,
        &persons::PersonFields {
            full_name: "Trần Thị Thu".into(),
            birth_year: Some(1985),
            party: PartyMembership::new(Some(d("2010-05-19")), Some(d("2011-05-19"))).unwrap(),
            source: "illustrative".into(),
        },
        now(),
    )
    .await
    .unwrap();
    let approver = accounts::insert_account(&mut tx, "bithu", "Bí thư", "h", None, now())
        .await
        .unwrap();
    let doc = insert_district_resolution(&mut tx, district, "user").await;
    let item = work_items::insert_work_item(
        &mut tx,
        &work_items::WorkItemFields {
            document_id: doc,
            parent_id: None,
            concretizes: None,
            code: "DV07".into(),
            title: "Tuyên truyền trữ nước ngọt".into(),
            field_code: None,
            themes: Vec::new(),
            lead_unit_id: district,
            coordinating_unit_ids: Vec::new(),
            responsible_person_id: None,
            target_ids: Vec::new(),
            starts_on: None,
            expected_product: None,
            result: None,
            sort_order: 0,
            source: "user".into(),
        },
        d("2021-04-30"),
        now(),
    )
    .await
    .unwrap();

    // Version 1: a draft with two items, one tied to the district's work item.
    let new = NewRegistration {
        person_id: person,
        year: 2021,
        version: 1,
        unit_id: commune,
        document_id: Some(doc),
    };
    let first = reg::insert_registration(&mut tx, &new, now())
        .await
        .unwrap();
    let items = [
        NewItem {
            content: "Vận động 20 hộ trữ nước ngọt".into(),
            product: "Danh sách hộ đã trữ nước".into(),
            measure: Some("20 hộ".into()),
            deadline: d("2021-04-30"),
            concretizes: Some(Concretizes::WorkItem(item)),
        },
        NewItem {
            content: "Dự đủ sinh hoạt chi bộ".into(),
            product: "Sổ sinh hoạt".into(),
            measure: None,
            deadline: d("2021-12-31"),
            concretizes: None,
        },
    ];
    reg::replace_items(&mut tx, first, &items).await.unwrap();
    // Replacing again leaves exactly the new list.
    reg::replace_items(&mut tx, first, &items).await.unwrap();
    let stored = reg::items_of(&mut tx, first).await.unwrap();
    assert_eq!(stored.len(), 2);
    assert_eq!((stored[0].position, stored[1].position), (1, 2));
    assert_eq!(stored[0].concretizes, Some(Concretizes::WorkItem(item)));
    assert_eq!(stored[1].measure, None);
    assert_eq!(stored[0].deadline, d("2021-04-30"));
    assert_eq!(
        reg::get_item(&mut tx, stored[1].id).await.unwrap(),
        stored[1]
    );
    assert!(matches!(
        reg::get_item(&mut tx, 9_999_999).await,
        Err(StoreError::NotFound)
    ));

    // An edit of the items moves the version; a stale one is a conflict.
    assert_eq!(reg::touch(&mut tx, first, 1, now()).await.unwrap(), 2);
    assert!(matches!(
        reg::touch(&mut tx, first, 1, now()).await,
        Err(StoreError::Conflict)
    ));
    // Submitted, returned with a comment; a stale decision is a conflict.
    let v = reg::set_state(
        &mut tx,
        first,
        RegistrationState::Submitted,
        StateChange::Submitted,
        2,
        now(),
    )
    .await
    .unwrap();
    assert_eq!(v, 3);
    let returned = StateChange::Decided {
        by: Some(approver),
        comment: Some("Bổ sung sản phẩm"),
    };
    assert!(matches!(
        reg::set_state(
            &mut tx,
            first,
            RegistrationState::Returned,
            returned,
            1,
            now()
        )
        .await,
        Err(StoreError::Conflict)
    ));
    assert!(matches!(
        reg::set_state(
            &mut tx,
            9_999_999,
            RegistrationState::Returned,
            returned,
            1,
            now()
        )
        .await,
        Err(StoreError::NotFound)
    ));
    reg::set_state(
        &mut tx,
        first,
        RegistrationState::Returned,
        returned,
        3,
        now(),
    )
    .await
    .unwrap();
    let read = reg::get_registration(&mut tx, first).await.unwrap();
    assert_eq!(read.state, RegistrationState::Returned);
    assert_eq!(read.decided_by, Some(approver));
    assert_eq!(read.decision_comment.as_deref(), Some("Bổ sung sản phẩm"));
    assert_eq!(read.submitted_at, Some(now()));
    assert_eq!(
        (read.year, read.unit_id, read.document_id),
        (2021, commune, Some(doc))
    );

    // An amendment is version 2; both are kept, and the unit's list has them in order.
    let second = reg::insert_registration(
        &mut tx,
        &NewRegistration {
            version: 2,
            ..new.clone()
        },
        now(),
    )
    .await
    .unwrap();
    let versions = reg::versions_of(&mut tx, person, 2021).await.unwrap();
    assert_eq!(
        versions.iter().map(|r| r.version).collect::<Vec<_>>(),
        [1, 2]
    );
    assert_eq!(versions[1].state, RegistrationState::Draft);
    assert!(
        reg::versions_of(&mut tx, person, 2022)
            .await
            .unwrap()
            .is_empty()
    );
    let listed = reg::registrations_in_units(&mut tx, &[commune, district], 2021)
        .await
        .unwrap();
    assert_eq!(
        listed.iter().map(|r| r.id).collect::<Vec<_>>(),
        [first, second]
    );
    assert!(
        reg::registrations_in_units(&mut tx, &[district], 2021)
            .await
            .unwrap()
            .is_empty()
    );
    // Who took on the district's work item.
    let took = reg::items_concretizing(&mut tx, item).await.unwrap();
    assert_eq!(took.len(), 1);
    assert_eq!((took[0].0.person_id, took[0].1.id), (person, stored[0].id));

    // Assessments: mid-year, replaced; the remark needs an assessment to remark on.
    let partly = SelfAssessment::new(Outcome::Partly, Some(60)).unwrap();
    reg::set_assessment(
        &mut tx,
        stored[0].id,
        AssessmentPhase::MidYear,
        partly,
        Some("12/20 hộ"),
        now(),
    )
    .await
    .unwrap();
    assert!(matches!(
        reg::set_remark(
            &mut tx,
            stored[1].id,
            AssessmentPhase::MidYear,
            "Tốt",
            Some(approver),
            now()
        )
        .await,
        Err(StoreError::NotFound)
    ));
    reg::set_remark(
        &mut tx,
        stored[0].id,
        AssessmentPhase::MidYear,
        "Cần đẩy nhanh",
        Some(approver),
        now(),
    )
    .await
    .unwrap();
    let done = SelfAssessment::new(Outcome::Done, None).unwrap();
    reg::set_assessment(
        &mut tx,
        stored[0].id,
        AssessmentPhase::YearEnd,
        done,
        None,
        now(),
    )
    .await
    .unwrap();
    let read = reg::assessments_of(&mut tx, first).await.unwrap();
    assert_eq!(read.len(), 2);
    assert_eq!(
        (read[0].phase, read[0].assessment),
        (AssessmentPhase::MidYear, partly)
    );
    assert_eq!(read[0].remark.as_deref(), Some("Cần đẩy nhanh"));
    assert_eq!(read[0].remarked_by, Some(approver));
    assert_eq!(
        (read[1].phase, read[1].assessment.percent),
        (AssessmentPhase::YearEnd, 100)
    );
    // A new assessment of the same phase replaces the old one and its remark.
    reg::set_assessment(
        &mut tx,
        stored[0].id,
        AssessmentPhase::MidYear,
        done,
        None,
        now(),
    )
    .await
    .unwrap();
    let read = reg::assessments_of(&mut tx, first).await.unwrap();
    assert_eq!((read.len(), read[0].remark.clone()), (2, None));
    // The items of approved versions with their assessments, for many persons at once: none
    // while nothing is approved, then the approved version's, each with what was assessed.
    let persons = [person, PersonId(9_999_999)];
    assert!(
        reg::approved_items_of_persons(&mut tx, &persons, 2021)
            .await
            .unwrap()
            .is_empty()
    );
    let current = reg::get_registration(&mut tx, first).await.unwrap();
    reg::set_state(
        &mut tx,
        first,
        RegistrationState::Approved,
        StateChange::Decided {
            by: Some(approver),
            comment: None,
        },
        current.row_version,
        now(),
    )
    .await
    .unwrap();
    let items = reg::approved_items_of_persons(&mut tx, &persons, 2021)
        .await
        .unwrap();
    assert_eq!(
        items.iter().map(|i| i.item_id).collect::<Vec<_>>(),
        stored.iter().map(|i| i.id).collect::<Vec<_>>()
    );
    assert_eq!(
        (items[0].year_end, items[0].mid_year_done_at.is_some()),
        (Some(Outcome::Done), true)
    );
    assert_eq!((items[1].year_end, items[1].mid_year_done_at), (None, None));
    assert_eq!(items[0].work_item_id, Some(item));
    assert_eq!(
        reg::items_of_registrations(&mut tx, &[first, 9_999_999])
            .await
            .unwrap(),
        stored
    );
    assert_eq!(
        reg::assessments_of_registrations(&mut tx, &[first])
            .await
            .unwrap(),
        read
    );
    // Items due before a day, each with its latest outcome (year end first), for many
    // registrations at once.
    let due = reg::items_due_before(&mut tx, &[first, 9_999_999], d("2022-01-01"))
        .await
        .unwrap();
    assert_eq!(due.len(), stored.len());
    let of_first = due
        .iter()
        .find(|(r, deadline, _)| *r == first && *deadline == stored[0].deadline)
        .unwrap();
    assert_eq!(of_first.2, Some(Outcome::Done));
    assert!(
        reg::items_due_before(&mut tx, &[first], d("2000-01-01"))
            .await
            .unwrap()
            .is_empty()
    );
    // Items go with their registration.
    reg::replace_items(&mut tx, first, &[]).await.unwrap();
    assert!(
        reg::assessments_of(&mut tx, first)
            .await
            .unwrap()
            .is_empty()
    );
    trienkhai_store::commit(tx).await.unwrap();
    // The same version twice is a duplicate (last: PostgreSQL ends a transaction that failed).
    let mut tx = t.db.begin().await.unwrap();
    assert!(matches!(
        reg::insert_registration(&mut tx, &new, now()).await,
        Err(StoreError::Duplicate(_))
    ));
}
