//! The dated tree: versions, successions, kinds; readers refuse writes.

use super::*;
use trienkhai_core::ids::UnitId;
use trienkhai_core::org::{OrgState, UnitCode, VersionChange};
use trienkhai_core::validity::Validity;
use trienkhai_store::{Backend, StoreError, units};
use trienkhai_testkit::TestDb;

pub(crate) async fn units_store_versions_and_read_the_tree_of_a_date(t: TestDb) {
    let district = create_unit(
        &t,
        "BTR",
        "Huyện ủy Ba Tri",
        None,
        "1976-02-01",
        Some("2025-06-30"),
    )
    .await;
    let commune = create_unit(
        &t,
        "X-ANTHUY",
        "Đảng bộ xã An Thủy",
        Some(district),
        "1976-02-01",
        Some("2025-06-30"),
    )
    .await;

    let mut conn = t.db.reader().await.unwrap();
    let state = OrgState::new(units::all_versions(&mut conn).await.unwrap());
    assert_eq!(state.versions.len(), 2);
    drop(conn);

    // An upgrade: a new version on the date, the old one closed the day before.
    let changes = state
        .plan_new_version(
            commune,
            d("2023-02-13"),
            VersionChange {
                name: Some("Đảng bộ thị trấn Tiệm Tôm".into()),
                kind: Some("dang_uy_thi_tran".into()),
                ..Default::default()
            },
        )
        .unwrap();
    trienkhai_core::org::validate(&state.apply(&changes)).unwrap();
    let mut tx = t.db.begin().await.unwrap();
    let event = units::insert_event(
        &mut tx,
        &units::NewEvent {
            kind: "upgrade",
            effective_on: d("2023-02-13"),
            basis: Some("724/NQ-UBTVQH15"),
            note: None,
            source: "record",
            actor_account_id: None,
        },
        now(),
    )
    .await
    .unwrap();
    units::apply_changes(&mut tx, &changes, event)
        .await
        .unwrap();
    assert_eq!(
        units::bump_row_version(&mut tx, commune, Some(1))
            .await
            .unwrap(),
        2
    );
    tx.commit().await.unwrap();

    let mut conn = t.db.writer().await.unwrap();
    assert_eq!(
        units::version_starts_between(&mut conn, d("1976-02-01"), None)
            .await
            .unwrap(),
        vec![d("2023-02-13")]
    );
    assert!(
        units::version_starts_between(&mut conn, d("2000-01-01"), Some(d("2023-02-12")))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        units::version_starts_between(&mut conn, d("1970-01-01"), Some(d("2023-02-13")))
            .await
            .unwrap()
            .len(),
        2
    );
    // Two creations and one upgrade: the tree's generation moved with each (once per version
    // written: the upgrade closes one and adds one).
    assert_eq!(units::generation(&mut conn).await.unwrap(), 4);
    let in_2021 = units::versions_on(&mut conn, d("2021-06-01"))
        .await
        .unwrap();
    assert_eq!(in_2021.len(), 2);
    assert!(in_2021.iter().any(|v| v.name == "Đảng bộ xã An Thủy"));
    let in_2024 = units::versions_on(&mut conn, d("2024-01-01"))
        .await
        .unwrap();
    let upgraded = in_2024.iter().find(|v| v.unit_id == commune).unwrap();
    assert_eq!(upgraded.kind, "dang_uy_thi_tran");
    assert_eq!(
        upgraded.validity,
        Validity::new(d("2023-02-13"), Some(d("2025-06-30"))).unwrap()
    );
    assert!(
        units::versions_on(&mut conn, d("2025-07-01"))
            .await
            .unwrap()
            .is_empty()
    );

    let history = units::versions_of(&mut conn, commune).await.unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].validity.to, Some(d("2023-02-12")));

    let events = units::events_of(&mut conn, commune).await.unwrap();
    assert_eq!(
        events.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>(),
        ["create", "upgrade"]
    );
    assert_eq!(events[1].basis.as_deref(), Some("724/NQ-UBTVQH15"));

    // Codes find their unit, the latest holder first.
    let code = UnitCode::parse("x-anthuy").unwrap();
    assert_eq!(
        units::unit_by_code(&mut conn, &code).await.unwrap(),
        Some(commune)
    );
    let unknown = UnitCode::parse("NOPE").unwrap();
    assert_eq!(
        units::unit_by_code(&mut conn, &unknown).await.unwrap(),
        None
    );

    // A stale row version is a conflict, an unknown unit is not found.
    assert!(matches!(
        units::bump_row_version(&mut conn, commune, Some(1)).await,
        Err(StoreError::Conflict)
    ));
    assert!(matches!(
        units::bump_row_version(&mut conn, UnitId(9999), None).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        units::get_unit(&mut conn, commune)
            .await
            .unwrap()
            .row_version,
        2
    );
}

pub(crate) async fn merges_record_successions_both_ways(t: TestDb) {
    let a = create_unit(&t, "A", "Xã A", None, "2000-01-01", None).await;
    let b = create_unit(&t, "B", "Xã B", None, "2000-01-01", None).await;
    let mut conn = t.db.reader().await.unwrap();
    let state = OrgState::new(units::all_versions(&mut conn).await.unwrap());
    drop(conn);
    let changes = state.plan_merge(&[a], b, None, d("2025-07-01")).unwrap();
    let mut tx = t.db.begin().await.unwrap();
    let event = units::insert_event(
        &mut tx,
        &units::NewEvent {
            kind: "merge",
            effective_on: d("2025-07-01"),
            basis: None,
            note: None,
            source: "user",
            actor_account_id: None,
        },
        now(),
    )
    .await
    .unwrap();
    units::apply_changes(&mut tx, &changes, event)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut conn = t.db.reader().await.unwrap();
    let from_a = units::successions_of(&mut conn, a).await.unwrap();
    let from_b = units::successions_of(&mut conn, b).await.unwrap();
    assert_eq!(from_a, from_b);
    assert_eq!(units::all_successions(&mut conn).await.unwrap(), from_a);
    assert_eq!(from_a[0].predecessor_id, a);
    assert_eq!(from_a[0].successor_id, b);
    assert_eq!(units::events_of(&mut conn, b).await.unwrap().len(), 2);
}

/// Every write goes through the writing path: on SQLite a write on a reader would take the
/// database's write lock behind the single writer's back, and the writer's next transaction
/// that read first would fail with "database is locked". Readers refuse writes outright.
pub(crate) async fn readers_refuse_writes(t: TestDb) {
    let kind = units::UnitKind {
        code: "xa".into(),
        label_vi: "Xã".into(),
        label_en: "Commune".into(),
        sort_order: 1,
    };
    let mut conn = t.db.reader().await.unwrap();
    let on_reader = units::upsert_kind(&mut conn, &kind).await;
    drop(conn);
    if t.backend == Backend::Sqlite {
        assert!(on_reader.is_err(), "a reader connection wrote");
    }
    let mut conn = t.db.writer().await.unwrap();
    units::upsert_kind(&mut conn, &kind).await.unwrap();
    assert_eq!(units::kinds(&mut conn).await.unwrap().len(), 1);
}

pub(crate) async fn unit_kinds_are_upserted(t: TestDb) {
    let mut conn = t.db.writer().await.unwrap();
    let kind = units::UnitKind {
        code: "chi_bo".into(),
        label_vi: "Chi bộ".into(),
        label_en: "Party cell".into(),
        sort_order: 5,
    };
    units::upsert_kind(&mut conn, &kind).await.unwrap();
    units::upsert_kind(
        &mut conn,
        &units::UnitKind {
            label_en: "Cell".into(),
            ..kind.clone()
        },
    )
    .await
    .unwrap();
    let kinds = units::kinds(&mut conn).await.unwrap();
    assert_eq!(kinds.len(), 1);
    assert_eq!(kinds[0].label_en, "Cell");
}
