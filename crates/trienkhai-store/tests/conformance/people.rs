//! Persons and their dated posts.

use super::*;
use trienkhai_core::party::PartyMembership;
use trienkhai_core::validity::Validity;
use trienkhai_store::{StoreError, persons};
use trienkhai_testkit::TestDb;

pub(crate) async fn persons_and_posts_round_trip_with_version_checks(t: TestDb) {
    let unit = create_unit(
        &t,
        "X-ANTHUY",
        "Đảng bộ xã An Thủy",
        None,
        "1976-02-01",
        None,
    )
    .await;
    let other = create_unit(
        &t,
        "X-BAOTHANH",
        "Đảng bộ xã Bảo Thạnh",
        None,
        "1976-02-01",
        None,
    )
    .await;
    let mut conn = t.db.writer().await.unwrap();
    let fields = persons::PersonFields {
        full_name: "Nguyễn Văn Đông".into(),
        birth_year: Some(1980),
        party: PartyMembership::new(Some(d("2010-05-19")), Some(d("2011-05-19"))).unwrap(),
        source: "illustrative".into(),
    };
    let id = persons::insert_person(&mut conn, &fields, now())
        .await
        .unwrap();
    let person = persons::get_person(&mut conn, id).await.unwrap();
    assert_eq!(person.full_name, "Nguyễn Văn Đông");
    assert_eq!(person.party.full_member_on, Some(d("2011-05-19")));
    assert_eq!(person.row_version, 1);

    let renamed = persons::PersonFields {
        full_name: "Nguyễn Văn Đồng".into(),
        ..fields.clone()
    };
    assert_eq!(
        persons::update_person(&mut conn, id, &renamed, 1, now())
            .await
            .unwrap(),
        2
    );
    assert!(matches!(
        persons::update_person(&mut conn, id, &fields, 1, now()).await,
        Err(StoreError::Conflict)
    ));

    let post = persons::insert_post(
        &mut conn,
        id,
        unit,
        "Bí thư Đảng ủy",
        Validity::open(d("2020-10-01")),
    )
    .await
    .unwrap();
    persons::insert_post(
        &mut conn,
        id,
        other,
        "Ủy viên",
        Validity::new(d("2015-01-01"), Some(d("2019-12-31"))).unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(
        persons::posts_of_person(&mut conn, id).await.unwrap().len(),
        2
    );
    assert_eq!(
        persons::posts_in_unit(&mut conn, unit, d("2021-01-01"))
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        persons::posts_in_unit(&mut conn, other, d("2021-01-01"))
            .await
            .unwrap()
            .is_empty()
    );
    // Several units at once: the post in force on the day, with the name.
    let both = persons::posts_in_units(&mut conn, &[unit, other], d("2021-01-01"))
        .await
        .unwrap();
    assert_eq!(both.len(), 1);
    assert_eq!(
        (both[0].0.unit_id, both[0].1.as_str()),
        (unit, "Nguyễn Văn Đồng"),
        "the name as renamed above"
    );
    assert_eq!(
        persons::posts_in_units(&mut conn, &[unit, other], d("2016-01-01"))
            .await
            .unwrap()
            .iter()
            .map(|(p, _)| p.unit_id)
            .collect::<Vec<_>>()
            .len(),
        persons::posts_in_unit(&mut conn, unit, d("2016-01-01"))
            .await
            .unwrap()
            .len()
            + 1,
        "in 2016 the post in the other unit counts too"
    );

    assert_eq!(
        persons::posts_of_unit_after(&mut conn, unit, d("2030-01-01"))
            .await
            .unwrap()
            .len(),
        1,
        "the open post"
    );
    assert!(
        persons::posts_of_unit_after(&mut conn, other, d("2019-12-31"))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        persons::posts_of_unit_after(&mut conn, other, d("2019-12-30"))
            .await
            .unwrap()
            .len(),
        1
    );
    persons::end_post(&mut conn, post, d("2025-06-30"), 1)
        .await
        .unwrap();
    assert!(matches!(
        persons::end_post(&mut conn, post, d("2025-06-30"), 1).await,
        Err(StoreError::Conflict)
    ));
    assert_eq!(
        persons::get_post(&mut conn, post)
            .await
            .unwrap()
            .validity
            .to,
        Some(d("2025-06-30"))
    );

    let by_name = persons::PersonFilter {
        name: Some("dong".into()),
        limit: 10,
        ..Default::default()
    };
    assert_eq!(
        persons::list_persons(&mut conn, &by_name)
            .await
            .unwrap()
            .len(),
        1
    );
    let in_other_2021 = persons::PersonFilter {
        units: Some(vec![other]),
        on: Some(d("2021-01-01")),
        limit: 10,
        ..Default::default()
    };
    assert!(
        persons::list_persons(&mut conn, &in_other_2021)
            .await
            .unwrap()
            .is_empty()
    );
    let in_other_ever = persons::PersonFilter {
        units: Some(vec![other]),
        limit: 10,
        ..Default::default()
    };
    assert_eq!(
        persons::list_persons(&mut conn, &in_other_ever)
            .await
            .unwrap()
            .len(),
        1
    );
    let nobody = persons::PersonFilter {
        units: Some(vec![]),
        limit: 10,
        ..Default::default()
    };
    assert!(
        persons::list_persons(&mut conn, &nobody)
            .await
            .unwrap()
            .is_empty()
    );
}
