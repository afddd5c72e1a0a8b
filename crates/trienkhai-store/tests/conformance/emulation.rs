//! Emulation goals: registered in order per unit and phase, exact figures read back, the
//! result recorded under a version check.

use super::*;
use rust_decimal::Decimal;
use trienkhai_core::emulation::Goal;
use trienkhai_core::period::Period;
use trienkhai_store::emulation as store;

pub(crate) async fn emulation_goals_keep_their_order_figures_and_results(t: TestDb) {
    let district = create_unit(&t, "BTR", "Huyện ủy Ba Tri", None, "2000-01-01", None).await;
    let commune = create_unit(&t, "X-A", "Xã A", Some(district), "2000-01-01", None).await;
    let mut tx = t.db.begin().await.unwrap();
    let doc = insert_district_resolution(&mut tx, district, "user").await;
    let year = Period::parse("2021").unwrap();
    let income = Goal::new(
        year,
        "Thu nhập bình quân",
        Some("triệu đồng"),
        Some("55.5".parse().unwrap()),
    )
    .unwrap();
    let clean = Goal::new(
        Period::parse("2020..2025").unwrap(),
        "Trong sạch, vững mạnh",
        None,
        None,
    )
    .unwrap();
    let first = store::insert_goal(&mut tx, doc, district, &income, now())
        .await
        .unwrap();
    let second = store::insert_goal(&mut tx, doc, district, &clean, now())
        .await
        .unwrap();
    let theirs = store::insert_goal(&mut tx, doc, commune, &income, now())
        .await
        .unwrap();
    trienkhai_store::commit(tx).await.unwrap();

    let mut conn = t.db.reader().await.unwrap();
    let got = store::get_goal(&mut conn, first).await.unwrap();
    assert_eq!(got.goal, income);
    assert_eq!((got.result, got.achieved), (None, None));
    let of_district = store::goals_of(&mut conn, doc, &[district]).await.unwrap();
    assert_eq!(of_district.len(), 2);
    assert!(
        of_district
            .iter()
            .any(|g| g.id == second && g.goal.goal.is_none())
    );
    assert_eq!(
        store::goals_of(&mut conn, doc, &[district, commune])
            .await
            .unwrap()
            .len(),
        3
    );
    drop(conn);

    let mut tx = t.db.begin().await.unwrap();
    let v = store::set_result(
        &mut tx,
        theirs,
        Some(Decimal::from(60)),
        None,
        Some("Vượt"),
        1,
        now(),
    )
    .await
    .unwrap();
    assert_eq!(v, 2);
    store::set_result(&mut tx, second, None, Some(true), None, 1, now())
        .await
        .unwrap();
    trienkhai_store::commit(tx).await.unwrap();
    let mut conn = t.db.reader().await.unwrap();
    let read = store::get_goal(&mut conn, theirs).await.unwrap();
    assert_eq!(
        (read.result, read.result_note.as_deref()),
        (Some(Decimal::from(60)), Some("Vượt"))
    );
    assert_eq!(
        store::get_goal(&mut conn, second).await.unwrap().achieved,
        Some(true)
    );
    drop(conn);
    let mut tx = t.db.begin().await.unwrap();
    assert!(matches!(
        store::set_result(&mut tx, theirs, None, None, None, 1, now()).await,
        Err(StoreError::Conflict)
    ));
}
