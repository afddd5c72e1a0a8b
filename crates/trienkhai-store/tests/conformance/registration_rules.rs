//! Settings of the people's side: a plan's rule of who must register (none reads as every
//! member at version 0, the first write inserts, later ones are guarded by the version), and
//! targets computed from attendance (linked, found from their document, unlinked).

use super::*;
use trienkhai_core::post_category::PostCategory::*;
use trienkhai_store::registration_rules as store;

pub(crate) async fn registration_rules_are_set_under_a_version_check(t: TestDb) {
    let district = create_unit(&t, "BTR", "Huyện ủy Ba Tri", None, "2000-01-01", None).await;
    let mut tx = t.db.begin().await.unwrap();
    let doc = insert_district_resolution(&mut tx, district, "user").await;
    trienkhai_store::commit(tx).await.unwrap();

    let mut conn = t.db.writer().await.unwrap();
    let none = store::rule_of(&mut conn, doc).await.unwrap();
    assert_eq!((none.categories.len(), none.row_version), (0, 0));
    let v1 = store::set_rule(
        &mut conn,
        doc,
        &[CellSecretary, ExecutiveCommittee],
        0,
        now(),
    )
    .await
    .unwrap();
    let read = store::rule_of(&mut conn, doc).await.unwrap();
    assert_eq!(read.categories, vec![ExecutiveCommittee, CellSecretary]);
    assert_eq!(read.row_version, v1);
    // A second "first" write and a stale version are conflicts, and change nothing.
    for stale in [0, v1 + 5] {
        let err = store::set_rule(&mut conn, doc, &[EveryMember], stale, now())
            .await
            .unwrap_err();
        assert!(
            matches!(err, trienkhai_store::StoreError::Conflict),
            "{err:?}"
        );
    }
    let v2 = store::set_rule(&mut conn, doc, &[DepartmentHead], v1, now())
        .await
        .unwrap();
    assert!(v2 > v1);
    let read = store::rule_of(&mut conn, doc).await.unwrap();
    assert_eq!(read.categories, vec![DepartmentHead]);
}

/// A target computed from attendance: linked once (a second link replaces the first), found
/// from its document and among the computed, unlinked again.
pub(crate) async fn attendance_targets_are_linked_found_and_unlinked(t: TestDb) {
    use trienkhai_core::attendance::Audience;
    use trienkhai_store::attendance_targets::{self as links, AttendanceTarget};
    let district = create_unit(&t, "BTR", "Huyện ủy Ba Tri", None, "2000-01-01", None).await;
    let mut tx = t.db.begin().await.unwrap();
    let doc = insert_district_resolution(&mut tx, district, "user").await;
    let target = trienkhai_store::targets::insert_target(
        &mut tx,
        doc,
        &trienkhai_store::targets::TargetFields {
            code: "XD03".into(),
            name: "Tỷ lệ cán bộ, đảng viên học tập nghị quyết".into(),
            field_code: None,
            themes: vec![],
            unit_of_measure: "%".into(),
            value_type: trienkhai_core::target::ValueType::Ratio,
            direction: trienkhai_core::target::Direction::Increase,
            aggregation: trienkhai_core::rollup::Aggregation::Ratio,
            over_time: trienkhai_core::over_time::OverTime::Latest,
            reporting_kinds: vec![],
            baseline: None,
            baseline_on: None,
            responsible_unit_id: None,
            concretizes: None,
            sort_order: 0,
            source: "user".into(),
        },
        now(),
    )
    .await
    .unwrap();
    trienkhai_store::commit(tx).await.unwrap();
    let mut conn = t.db.writer().await.unwrap();
    assert_eq!(links::link_of(&mut conn, target).await.unwrap(), None);
    let mut link = AttendanceTarget {
        target_id: target,
        document_id: doc,
        audiences: vec![Audience::PartyMembers],
    };
    links::link(&mut conn, &link, now()).await.unwrap();
    link.audiences = vec![Audience::KeyCadres, Audience::PartyMembers];
    links::link(&mut conn, &link, now()).await.unwrap();
    assert_eq!(
        links::link_of(&mut conn, target).await.unwrap().as_ref(),
        Some(&link)
    );
    assert_eq!(links::fed_by(&mut conn, doc).await.unwrap(), vec![link]);
    assert_eq!(links::computed_ids(&mut conn).await.unwrap(), vec![target]);
    links::unlink(&mut conn, target).await.unwrap();
    assert!(links::fed_by(&mut conn, doc).await.unwrap().is_empty());
}

/// A target computed from ratings: linked (a second link replaces the first), found by subject
/// and among the computed; where decided ratings stand, each (unit, year) once.
pub(crate) async fn rating_targets_are_linked_and_found(t: TestDb) {
    use trienkhai_core::grading::workflow::RatingState;
    use trienkhai_core::grading::{Level, RuleSet, Subject};
    use trienkhai_store::rating_targets::{self as links, RatingTarget};
    use trienkhai_store::ratings;
    let district = create_unit(&t, "BTR", "Huyện ủy Ba Tri", None, "2000-01-01", None).await;
    let commune = create_unit(
        &t,
        "X-AT",
        "Đảng bộ xã An Thủy",
        Some(district),
        "2000-01-01",
        None,
    )
    .await;
    let mut tx = t.db.begin().await.unwrap();
    let doc = insert_district_resolution(&mut tx, district, "user").await;
    let target = trienkhai_store::targets::insert_target(
        &mut tx,
        doc,
        &trienkhai_store::targets::TargetFields {
            code: "XD02".into(),
            name: "Tỷ lệ tổ chức cơ sở đảng hoàn thành tốt nhiệm vụ trở lên".into(),
            field_code: None,
            themes: vec![],
            unit_of_measure: "%".into(),
            value_type: trienkhai_core::target::ValueType::Ratio,
            direction: trienkhai_core::target::Direction::Increase,
            aggregation: trienkhai_core::rollup::Aggregation::Ratio,
            over_time: trienkhai_core::over_time::OverTime::Latest,
            reporting_kinds: vec![],
            baseline: None,
            baseline_on: None,
            responsible_unit_id: None,
            concretizes: None,
            sort_order: 0,
            source: "user".into(),
        },
        now(),
    )
    .await
    .unwrap();
    for (year, state) in [(2021, RatingState::Decided), (2022, RatingState::Appraised)] {
        let mut r =
            ratings::Rating::new(year, Subject::Organisation, commune, None, RuleSet::Qd132);
        r.state = state;
        r.level = Some(Level::Good);
        ratings::insert_rating(&mut tx, &r, now()).await.unwrap();
    }
    trienkhai_store::commit(tx).await.unwrap();
    let mut conn = t.db.writer().await.unwrap();
    assert_eq!(
        ratings::units_and_years(&mut conn, Subject::Organisation)
            .await
            .unwrap(),
        vec![(commune, 2021)],
        "only decided ratings stand"
    );
    assert!(
        ratings::units_and_years(&mut conn, Subject::Member)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(links::link_of(&mut conn, target).await.unwrap(), None);
    let mut link = RatingTarget {
        target_id: target,
        subject: Subject::Member,
        min_level: Level::Excellent,
        unit_kinds: vec![],
    };
    links::link(&mut conn, &link, now()).await.unwrap();
    link.subject = Subject::Organisation;
    link.min_level = Level::Good;
    link.unit_kinds = vec!["dang_uy_xa".into(), "dang_uy_co_so".into()];
    links::link(&mut conn, &link, now()).await.unwrap();
    assert_eq!(
        links::link_of(&mut conn, target).await.unwrap().as_ref(),
        Some(&link)
    );
    assert_eq!(
        links::fed_by(&mut conn, Subject::Organisation)
            .await
            .unwrap(),
        vec![link]
    );
    assert!(
        links::fed_by(&mut conn, Subject::Member)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(links::computed_ids(&mut conn).await.unwrap(), vec![target]);
}
