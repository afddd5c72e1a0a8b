//! The store conformance suite: every public store function, on SQLite and on PostgreSQL.
//! SQL is not checked at compile time, so this is what keeps the two backends honest.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use trienkhai_core::access::Role;
use trienkhai_core::ids::{AccountId, UnitId};
use trienkhai_core::org::{ChangeSet, OrgState, UnitCode, UnitVersion, VersionChange};
use trienkhai_core::party::PartyMembership;
use trienkhai_core::validity::Validity;
use trienkhai_store::{Backend, StoreError, accounts, audit, persons, sessions, units};
use trienkhai_testkit::{TestDb, both_backends};

mod figures;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-27T03:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

#[test]
fn migrations_have_the_same_versions_and_names_on_both_backends() {
    let names = |backend| {
        trienkhai_store::migrator(backend)
            .iter()
            .map(|m| (m.version, m.description.to_string()))
            .collect::<Vec<_>>()
    };
    let sqlite = names(Backend::Sqlite);
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, names(Backend::Postgres));
}

async fn create_unit(
    t: &TestDb,
    code: &str,
    name: &str,
    parent: Option<UnitId>,
    from: &str,
    to: Option<&str>,
) -> UnitId {
    let mut tx = t.db.begin().await.unwrap();
    let id = units::insert_unit(&mut tx, "record", None, now())
        .await
        .unwrap();
    let event = units::insert_event(
        &mut tx,
        &units::NewEvent {
            kind: "create",
            effective_on: d(from),
            basis: None,
            note: None,
            source: "record",
            actor_account_id: None,
        },
        now(),
    )
    .await
    .unwrap();
    let version = UnitVersion {
        id: None,
        unit_id: id,
        code: UnitCode::parse(code).unwrap(),
        name: name.into(),
        kind: "dang_uy_xa".into(),
        parent_id: parent,
        validity: Validity::new(d(from), to.map(d)).unwrap(),
    };
    let mut changes = ChangeSet::default();
    changes.added.push(version);
    changes.touched.insert(id);
    units::apply_changes(&mut tx, &changes, event)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

async fn units_store_versions_and_read_the_tree_of_a_date(t: TestDb) {
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

async fn merges_record_successions_both_ways(t: TestDb) {
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
async fn readers_refuse_writes(t: TestDb) {
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

async fn unit_kinds_are_upserted(t: TestDb) {
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

async fn persons_and_posts_round_trip_with_version_checks(t: TestDb) {
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

async fn accounts_grants_and_tokens(t: TestDb) {
    let unit = create_unit(
        &t,
        "X-ANTHUY",
        "Đảng bộ xã An Thủy",
        None,
        "1976-02-01",
        None,
    )
    .await;
    let mut conn = t.db.writer().await.unwrap();
    let id = accounts::insert_account(&mut conn, "anthuy", "An Thủy", "$argon2id$x", None, now())
        .await
        .unwrap();
    assert!(matches!(
        accounts::insert_account(&mut conn, "anthuy", "Again", "h", None, now()).await,
        Err(StoreError::Duplicate(_))
    ));
    let found = accounts::find_account_by_username(&mut conn, "anthuy")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.id, id);
    assert!(found.is_active);
    assert!(
        accounts::find_account_by_username(&mut conn, "nobody")
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        accounts::update_account(&mut conn, id, "Xã An Thủy", false, Some("$new"), 1)
            .await
            .unwrap(),
        2
    );
    let updated = accounts::get_account(&mut conn, id).await.unwrap();
    assert!(!updated.is_active);
    assert_eq!(updated.password_hash, "$new");
    assert!(matches!(
        accounts::update_account(&mut conn, id, "x", true, None, 1).await,
        Err(StoreError::Conflict)
    ));
    assert_eq!(accounts::list_accounts(&mut conn).await.unwrap().len(), 1);

    let grant = accounts::insert_grant(
        &mut conn,
        id,
        Role::Editor,
        Some(unit),
        Validity::open(d("2021-01-01")),
        None,
        now(),
    )
    .await
    .unwrap();
    accounts::insert_grant(
        &mut conn,
        id,
        Role::Viewer,
        None,
        Validity::open(d("2021-01-01")),
        None,
        now(),
    )
    .await
    .unwrap();
    assert_eq!(
        accounts::live_grants_of(&mut conn, id).await.unwrap().len(),
        2
    );
    assert!(
        accounts::revoke_grant(&mut conn, grant, Some(id), now())
            .await
            .unwrap()
    );
    assert!(
        !accounts::revoke_grant(&mut conn, grant, Some(id), now())
            .await
            .unwrap()
    );
    let live = accounts::live_grants_of(&mut conn, id).await.unwrap();
    assert_eq!(live.len(), 1);
    assert_eq!(live[0].role, Role::Viewer);
    assert_eq!(accounts::grants_of(&mut conn, id).await.unwrap().len(), 2);
    assert!(
        accounts::get_grant(&mut conn, grant)
            .await
            .unwrap()
            .revoked_at
            .is_some()
    );
    // An administrator of everything counts while the account is active and the grant in force.
    let admin = accounts::insert_grant(
        &mut conn,
        id,
        Role::Admin,
        None,
        Validity::open(d("2021-01-01")),
        None,
        now(),
    )
    .await
    .unwrap();
    let on = d("2021-06-01");
    let admins = accounts::installation_admin_grants(&mut conn, on).await;
    assert_eq!(admins.unwrap(), vec![]);
    accounts::update_account(&mut conn, id, "Xã An Thủy", true, None, 2)
        .await
        .unwrap();
    let admins = accounts::installation_admin_grants(&mut conn, on).await;
    assert_eq!(admins.unwrap(), vec![(admin, id)]);
    let before_grant = accounts::installation_admin_grants(&mut conn, d("2020-06-01")).await;
    assert_eq!(before_grant.unwrap(), vec![]);
    accounts::revoke_grant(&mut conn, admin, None, now())
        .await
        .unwrap();
    let admins = accounts::installation_admin_grants(&mut conn, on).await;
    assert_eq!(admins.unwrap(), vec![]);

    let own = accounts::TokenIssue {
        issued_by: Some(id),
        expires_at: None,
        now: now(),
    };
    let token = accounts::insert_token(&mut conn, id, "CI", "hash-1", "tk_abcd", own)
        .await
        .unwrap();
    let by_other = accounts::TokenIssue {
        issued_by: None,
        expires_at: Some(now() + Duration::days(1)),
        now: now(),
    };
    let expiring = accounts::insert_token(&mut conn, id, "old", "hash-2", "tk_efgh", by_other)
        .await
        .unwrap();
    assert_eq!(
        accounts::account_for_token(&mut conn, "hash-1", now())
            .await
            .unwrap()
            .map(|h| h.account_id),
        Some(id)
    );
    assert_eq!(
        accounts::account_for_token(&mut conn, "hash-2", now() + Duration::days(2))
            .await
            .unwrap()
            .map(|h| h.account_id),
        None
    );
    assert_eq!(
        accounts::account_for_token(&mut conn, "nope", now())
            .await
            .unwrap()
            .map(|h| h.account_id),
        None
    );
    assert!(
        accounts::revoke_token(&mut conn, token, now())
            .await
            .unwrap()
    );
    assert_eq!(
        accounts::account_for_token(&mut conn, "hash-1", now())
            .await
            .unwrap()
            .map(|h| h.account_id),
        None
    );
    assert_eq!(accounts::tokens_of(&mut conn, id).await.unwrap().len(), 2);
    // Revoking tokens issued by others spares the account's own, then "all" takes the rest.
    accounts::insert_token(&mut conn, id, "mine", "hash-3", "tk_ijkl", own)
        .await
        .unwrap();
    assert_eq!(
        accounts::revoke_tokens_of(&mut conn, id, true, now())
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        accounts::account_for_token(&mut conn, "hash-3", now())
            .await
            .unwrap()
            .map(|h| h.account_id),
        Some(id)
    );
    assert_eq!(
        accounts::revoke_tokens_of(&mut conn, id, false, now())
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        accounts::account_for_token(&mut conn, "hash-3", now())
            .await
            .unwrap()
            .map(|h| h.account_id),
        None
    );
    assert_eq!(
        accounts::get_token(&mut conn, expiring).await.unwrap().name,
        "old"
    );
}

async fn sessions_expire_and_login_failures_count(t: TestDb) {
    let mut conn = t.db.writer().await.unwrap();
    let account = accounts::insert_account(&mut conn, "admin", "Admin", "h", None, now())
        .await
        .unwrap();
    sessions::insert_session(
        &mut conn,
        "s1",
        account,
        "csrf",
        now(),
        now() + Duration::hours(8),
    )
    .await
    .unwrap();
    sessions::insert_session(
        &mut conn,
        "s2",
        account,
        "csrf2",
        now(),
        now() + Duration::hours(1),
    )
    .await
    .unwrap();
    let s = sessions::find_session(&mut conn, "s1", now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(s.account_id, account);
    assert_eq!(s.csrf_token, "csrf");
    assert!(
        sessions::find_session(&mut conn, "s2", now() + Duration::hours(2))
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        sessions::delete_expired_sessions(&mut conn, now() + Duration::hours(2))
            .await
            .unwrap(),
        1
    );
    sessions::delete_session(&mut conn, "s1").await.unwrap();
    assert!(
        sessions::find_session(&mut conn, "s1", now())
            .await
            .unwrap()
            .is_none()
    );
    sessions::insert_session(
        &mut conn,
        "s3",
        account,
        "c",
        now(),
        now() + Duration::hours(1),
    )
    .await
    .unwrap();
    sessions::delete_sessions_of(&mut conn, account)
        .await
        .unwrap();
    assert!(
        sessions::find_session(&mut conn, "s3", now())
            .await
            .unwrap()
            .is_none()
    );

    for minute in 0..3 {
        sessions::record_login_failure(
            &mut conn,
            "admin",
            "127.0.0.1",
            now() + Duration::minutes(minute),
        )
        .await
        .unwrap();
    }
    sessions::record_login_failure(&mut conn, "other", "127.0.0.1", now())
        .await
        .unwrap();
    sessions::record_login_failure(&mut conn, "admin", "10.0.0.9", now())
        .await
        .unwrap();
    let counts = sessions::recent_login_failures(
        &mut conn,
        "admin",
        "127.0.0.1",
        now() - Duration::minutes(1),
    )
    .await
    .unwrap();
    let counts = (
        counts.by_account_and_client,
        counts.by_account,
        counts.by_client,
    );
    assert_eq!(counts, (3, 4, 4));
    let later = sessions::recent_login_failures(
        &mut conn,
        "admin",
        "127.0.0.1",
        now() + Duration::minutes(1),
    )
    .await
    .unwrap();
    let later = (
        later.by_account_and_client,
        later.by_account,
        later.by_client,
    );
    assert_eq!(later, (1, 1, 1));
    sessions::clear_login_failures(&mut conn, "admin", "127.0.0.1")
        .await
        .unwrap();
    let cleared = sessions::recent_login_failures(
        &mut conn,
        "admin",
        "127.0.0.1",
        now() - Duration::minutes(1),
    )
    .await
    .unwrap();
    let cleared = (
        cleared.by_account_and_client,
        cleared.by_account,
        cleared.by_client,
    );
    // The failure from the other address still counts against the account.
    assert_eq!(cleared, (0, 1, 1));
    // Old failures are forgotten: the two left, at `now`, go.
    assert_eq!(
        sessions::delete_login_failures_before(&mut conn, now() + Duration::seconds(1))
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        sessions::delete_login_failures_before(&mut conn, now() + Duration::seconds(1))
            .await
            .unwrap(),
        0
    );
}

async fn the_audit_log_is_append_only_and_answers_as_of(t: TestDb) {
    let mut conn = t.db.writer().await.unwrap();
    let entry = |after: serde_json::Value| audit::NewAuditEntry {
        actor_account_id: Some(1),
        actor_label: "admin",
        action: "update",
        entity_type: "person",
        entity_id: 7,
        before: None,
        after: Some(after),
    };
    audit::append(&mut conn, &entry(serde_json::json!({"name": "Một"})), now())
        .await
        .unwrap();
    audit::append(
        &mut conn,
        &entry(serde_json::json!({"name": "Hai"})),
        now() + Duration::days(1),
    )
    .await
    .unwrap();
    let history = audit::history(&mut conn, "person", 7).await.unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].after.as_ref().unwrap()["name"], "Một");
    assert_eq!(
        audit::state_at(&mut conn, "person", 7, now() + Duration::hours(1))
            .await
            .unwrap()
            .unwrap()["name"],
        "Một"
    );
    assert_eq!(
        audit::state_at(&mut conn, "person", 7, now() + Duration::days(2))
            .await
            .unwrap()
            .unwrap()["name"],
        "Hai"
    );
    assert!(
        audit::state_at(&mut conn, "person", 7, now() - Duration::days(1))
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        audit::recent(&mut conn, Some("person"), 1).await.unwrap()[0]
            .after
            .as_ref()
            .unwrap()["name"],
        "Hai"
    );
    assert_eq!(audit::recent(&mut conn, None, 10).await.unwrap().len(), 2);

    assert!(
        sqlx::query("UPDATE audit_log SET actor_label = 'x'")
            .execute(&mut *conn)
            .await
            .is_err()
    );
    assert!(
        sqlx::query("DELETE FROM audit_log")
            .execute(&mut *conn)
            .await
            .is_err()
    );
    assert_eq!(
        audit::history(&mut conn, "person", 7).await.unwrap().len(),
        2
    );
}

async fn structural_transactions_are_serialised(t: TestDb) {
    // Two structural transactions: the second waits until the first commits (PostgreSQL takes an
    // advisory lock; SQLite has a single writer connection).
    let first = t.db.begin_structural().await.unwrap();
    let db = t.db.clone();
    let second = tokio::spawn(async move {
        let started = std::time::Instant::now();
        let tx = db.begin_structural().await.unwrap();
        tx.commit().await.unwrap();
        started.elapsed()
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    first.commit().await.unwrap();
    let waited = second.await.unwrap();
    assert!(
        waited >= std::time::Duration::from_millis(250),
        "waited only {waited:?}"
    );
}

async fn sqlite_databases_back_up_while_open(t: TestDb) {
    create_unit(&t, "X-A", "Xã A", None, "2000-01-01", None).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("copy.sqlite3");
    match t.backend {
        Backend::Sqlite => {
            t.db.backup_sqlite_into(&file).await.unwrap();
            let copy = trienkhai_store::Db::open(&format!("sqlite://{}", file.display()))
                .await
                .unwrap();
            let mut conn = copy.reader().await.unwrap();
            assert_eq!(units::all_versions(&mut conn).await.unwrap().len(), 1);
        }
        // PostgreSQL is backed up with pg_dump (the binary's `backup` command).
        Backend::Postgres => assert!(matches!(
            t.db.backup_sqlite_into(&file).await,
            Err(StoreError::UnsupportedUrl)
        )),
    }
}

async fn a_rolled_back_transaction_leaves_nothing(t: TestDb) {
    let mut tx = t.db.begin().await.unwrap();
    let account = accounts::insert_account(&mut tx, "ghost", "Ghost", "h", None, now())
        .await
        .unwrap();
    audit::append(
        &mut tx,
        &audit::NewAuditEntry {
            actor_account_id: None,
            actor_label: "system",
            action: "create",
            entity_type: "account",
            entity_id: account.0,
            before: None,
            after: None,
        },
        now(),
    )
    .await
    .unwrap();
    tx.rollback().await.unwrap();
    let mut conn = t.db.reader().await.unwrap();
    assert!(
        accounts::find_account_by_username(&mut conn, "ghost")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        audit::history(&mut conn, "account", account.0)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        accounts::get_account(&mut conn, AccountId(account.0)).await,
        Err(StoreError::NotFound)
    ));
    t.db.ping().await.unwrap();
}

async fn plans_are_stored_and_read_back_with_version_checks(t: TestDb) {
    use rust_decimal::Decimal;
    use trienkhai_core::document_number::DocumentNumber;
    use trienkhai_core::ids::TargetId;
    use trienkhai_core::over_time::OverTime;
    use trienkhai_core::period::Period;
    use trienkhai_core::rollup::{Aggregation, Observation};
    use trienkhai_core::target::{Direction, ValueType};
    use trienkhai_core::work_item::{Decision, Progress, Request};
    use trienkhai_store::{documents, targets, work_items};
    let dec = |s: &str| s.parse::<Decimal>().unwrap();
    let district = create_unit(&t, "BTR", "Huyện ủy Ba Tri", None, "2000-01-01", None).await;
    let commune = create_unit(&t, "X-A", "Xã A", Some(district), "2000-01-01", None).await;
    let mut tx = t.db.begin().await.unwrap();

    // Documents, their chain, files as bytes, terms.
    let fields = |number: &str, concretizes| documents::DocumentFields {
        number: DocumentNumber::parse(number).unwrap(),
        kind: "nghi_quyet".into(),
        issuer_unit_id: Some(district),
        issued_on: d("2020-12-22"),
        summary: "Nghị quyết về Đồng khởi mới".into(),
        theme_of_year: Some("Đồng thuận - Sáng tạo".into()),
        phase: Some("2020..2025".into()),
        vision_year: Some(2030),
        concretizes,
        source: "record".into(),
    };
    let upper = documents::insert_document(&mut tx, &fields("01-CT/TU", None), now())
        .await
        .unwrap();
    let doc = documents::insert_document(&mut tx, &fields("02-NQ/HU", Some(upper)), now())
        .await
        .unwrap();
    let read = documents::get_document(&mut tx, doc).await.unwrap();
    assert_eq!(read.number, "02-NQ/HU");
    assert_eq!(read.type_code.as_deref(), Some("NQ"));
    assert_eq!((read.serial, read.concretizes), (2, Some(upper)));
    let found = documents::list_documents(
        &mut tx,
        &documents::DocumentFilter {
            text: Some("dong khoi".into()),
            concretizes: Some(upper),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(found.iter().map(|d| d.id).collect::<Vec<_>>(), vec![doc]);
    let numbers = documents::numbers_of_issuer(&mut tx, district, "NQ")
        .await
        .unwrap();
    assert_eq!(numbers.len(), 1);
    let v2 = documents::update_document(&mut tx, doc, &fields("03-NQ/HU", Some(upper)), 1, now())
        .await
        .unwrap();
    assert_eq!(v2, 2);
    assert!(matches!(
        documents::update_document(&mut tx, doc, &fields("04-NQ/HU", None), 1, now()).await,
        Err(StoreError::Conflict)
    ));
    let bytes: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
    let file = documents::insert_file(
        &mut tx,
        doc,
        &documents::NewFile {
            file_name: "nghị quyết.pdf",
            content_type: "application/pdf",
            sha256: "x",
            content: &bytes,
        },
        None,
        now(),
    )
    .await
    .unwrap();
    let (record, content) = documents::file_content(&mut tx, file).await.unwrap();
    assert_eq!(
        (record.file_name.as_str(), content),
        ("nghị quyết.pdf", bytes)
    );
    assert_eq!(documents::files_of(&mut tx, doc).await.unwrap().len(), 1);
    documents::insert_term(
        &mut tx,
        district,
        "Nhiệm kỳ 2020 - 2025",
        Validity::new(d("2020-08-01"), Some(d("2025-06-30"))).unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(
        documents::terms_of(&mut tx, district).await.unwrap().len(),
        1
    );

    // The plan frame and a target with values, quotas and actuals.
    for (code, order) in [("chan2", 1), ("chan1", 0)] {
        targets::upsert_theme(
            &mut tx,
            &targets::FrameEntry {
                code: code.into(),
                label_vi: code.into(),
                label_en: code.into(),
                description: None,
                sort_order: order,
            },
        )
        .await
        .unwrap();
    }
    targets::upsert_field(
        &mut tx,
        &targets::FrameEntry {
            code: "XH".into(),
            label_vi: "Văn hóa - xã hội".into(),
            label_en: "Society".into(),
            description: None,
            sort_order: 0,
        },
    )
    .await
    .unwrap();
    assert_eq!(targets::themes(&mut tx).await.unwrap()[0].code, "chan1");
    assert_eq!(targets::fields(&mut tx).await.unwrap().len(), 1);
    let target_fields = targets::TargetFields {
        code: "XH01".into(),
        name: "Tỷ lệ hộ nghèo".into(),
        field_code: Some("XH".into()),
        themes: vec!["chan2".into(), "chan1".into()],
        unit_of_measure: "%".into(),
        value_type: ValueType::Ratio,
        direction: Direction::Range {
            min: dec("0"),
            max: dec("3.5"),
        },
        aggregation: Aggregation::WeightedMean {
            weight: "population".into(),
        },
        over_time: OverTime::Latest,
        reporting_kinds: vec!["dang_uy_xa".into()],
        baseline: Some(dec("12.150")),
        baseline_on: Some(d("2017-12-31")),
        responsible_unit_id: Some(district),
        concretizes: None,
        sort_order: 3,
        source: "illustrative".into(),
    };
    let target = targets::insert_target(&mut tx, doc, &target_fields, now())
        .await
        .unwrap();
    let read = targets::get_target(&mut tx, target).await.unwrap();
    assert_eq!(read.themes, vec!["chan1", "chan2"], "in frame order");
    assert_eq!(read.direction, target_fields.direction);
    assert_eq!(read.aggregation, target_fields.aggregation);
    assert_eq!(read.baseline, Some(dec("12.15")));
    assert_eq!(read.reporting_kinds, vec!["dang_uy_xa"]);
    // A refused write aborts a PostgreSQL transaction: try it in one of its own.
    tx.commit().await.unwrap();
    let mut refused = t.db.begin().await.unwrap();
    assert!(matches!(
        targets::insert_target(&mut refused, doc, &target_fields, now()).await,
        Err(StoreError::Duplicate(_))
    ));
    drop(refused);
    let mut tx = t.db.begin().await.unwrap();
    let lower_fields = targets::TargetFields {
        code: "XH01-A".into(),
        concretizes: Some(target),
        aggregation: Aggregation::Ratio,
        ..target_fields.clone()
    };
    let lower = targets::insert_target(&mut tx, doc, &lower_fields, now())
        .await
        .unwrap();
    assert_eq!(
        targets::targets_concretizing(&mut tx, target)
            .await
            .unwrap()[0]
            .id,
        lower
    );
    assert_eq!(
        targets::targets_of_document(&mut tx, doc)
            .await
            .unwrap()
            .len(),
        2
    );
    targets::update_target(&mut tx, target, &target_fields, 1, now())
        .await
        .unwrap();
    assert!(matches!(
        targets::update_target(&mut tx, target, &target_fields, 1, now()).await,
        Err(StoreError::Conflict)
    ));
    let before = targets::values_version(&mut tx, target).await.unwrap();
    assert_eq!(
        targets::set_target_value(&mut tx, target, Period::Year(2021), Some(dec("3")), None)
            .await
            .unwrap(),
        Some(1)
    );
    targets::set_target_value(
        &mut tx,
        target,
        Period::Span(2020, 2025),
        Some(dec("1.5")),
        None,
    )
    .await
    .unwrap();
    assert_eq!(
        targets::target_values(&mut tx, target).await.unwrap().len(),
        2
    );
    // A write that did not see the current version is refused (and changes nothing).
    assert!(matches!(
        targets::set_target_value(&mut tx, target, Period::Year(2021), Some(dec("4")), None).await,
        Err(StoreError::Conflict)
    ));
    assert_eq!(
        targets::set_target_value(
            &mut tx,
            target,
            Period::Year(2021),
            Some(dec("2.9")),
            Some(1)
        )
        .await
        .unwrap(),
        Some(2)
    );
    targets::set_target_value(&mut tx, target, Period::Span(2020, 2025), None, Some(1))
        .await
        .unwrap();
    let values = targets::target_values(&mut tx, target).await.unwrap();
    assert_eq!(values.len(), 1);
    assert_eq!((values[0].value, values[0].row_version), (dec("2.9"), 2));
    targets::set_quota(
        &mut tx,
        target,
        commune,
        Period::Year(2021),
        Some(dec("2.5")),
        None,
    )
    .await
    .unwrap();
    assert!(matches!(
        targets::set_quota(
            &mut tx,
            target,
            commune,
            Period::Year(2021),
            Some(dec("2")),
            Some(7)
        )
        .await,
        Err(StoreError::Conflict)
    ));
    targets::set_quota(
        &mut tx,
        target,
        commune,
        Period::Year(2021),
        Some(dec("2")),
        Some(1),
    )
    .await
    .unwrap();
    let quotas = targets::quotas(&mut tx, target).await.unwrap();
    assert_eq!(quotas[0].unit_id, Some(commune));
    assert_eq!((quotas[0].value, quotas[0].row_version), (dec("2"), 2));
    // The database moves the version with every write (see the `figures` module).
    let at_quota = targets::values_version(&mut tx, target).await.unwrap();
    assert!(at_quota > before);
    targets::set_weight(&mut tx, commune, "population", 2021, dec("12000"))
        .await
        .unwrap();
    assert_eq!(
        targets::weights(&mut tx, "population", 2021).await.unwrap(),
        vec![(commune, dec("12000"))]
    );
    let observations = [
        Observation::Ratio {
            numerator: dec("30"),
            denominator: dec("1000.50"),
        },
        Observation::Value {
            value: dec("-0.125"),
        },
        Observation::Flag { value: true },
        Observation::NotApplicable,
    ];
    for (month, o) in observations.iter().enumerate() {
        let written = targets::put_actual(
            &mut tx,
            &targets::NewActual {
                target_id: target,
                unit_id: commune,
                period: Period::Month(2021, month as u8 + 1),
                observation: o,
                note: Some("ghi chú"),
                source: "user",
                recorded_by: None,
            },
            None,
            now(),
        )
        .await
        .unwrap();
        assert_eq!(&written.observation, o, "exact round trip");
    }
    let again = targets::NewActual {
        target_id: target,
        unit_id: commune,
        period: Period::Month(2021, 1),
        observation: &observations[1],
        note: None,
        source: "user",
        recorded_by: None,
    };
    assert!(matches!(
        targets::put_actual(&mut tx, &again, None, now()).await,
        Err(StoreError::Conflict)
    ));
    assert!(matches!(
        targets::put_actual(&mut tx, &again, Some(7), now()).await,
        Err(StoreError::Conflict)
    ));
    let updated = targets::put_actual(&mut tx, &again, Some(1), now())
        .await
        .unwrap();
    assert_eq!(updated.row_version, 2);
    let within = targets::reported_within(
        &mut tx,
        target,
        d("2021-01-01"),
        d("2021-03-31"),
        trienkhai_core::reporting::Counted::Accepted,
        None,
    )
    .await
    .unwrap();
    assert_eq!(within.len(), 3, "January to March, not April");
    assert_eq!(
        targets::actuals_of_unit(&mut tx, target, commune)
            .await
            .unwrap()
            .len(),
        4
    );
    targets::delete_actual(&mut tx, target, commune, Period::Month(2021, 4), 1)
        .await
        .unwrap();
    assert!(
        targets::get_actual(&mut tx, target, commune, Period::Month(2021, 4))
            .await
            .unwrap()
            .is_none()
    );
    assert!(matches!(
        targets::values_version(&mut tx, TargetId(999_999)).await,
        Err(StoreError::NotFound)
    ));
    // A unit's values of one period in a batch: new ones inserted, a changed one checked
    // against the version seen, all of the period read back at once.
    let june = Period::Month(2021, 6);
    let (five, six) = (
        Observation::Value { value: dec("5") },
        Observation::Value { value: dec("6") },
    );
    let before_batch = targets::values_version(&mut tx, target).await.unwrap();
    targets::put_actuals_batch(
        &mut tx,
        commune,
        june,
        None,
        &[
            targets::BatchValue {
                target_id: target,
                observation: &five,
                note: Some("đợt 1"),
                expected_version: None,
            },
            targets::BatchValue {
                target_id: lower,
                observation: &six,
                note: None,
                expected_version: None,
            },
        ],
        "user",
        None,
        now(),
    )
    .await
    .unwrap();
    // One value written, one move of its target's version.
    assert_eq!(
        targets::values_version(&mut tx, target).await.unwrap(),
        before_batch + 1
    );
    let listed: std::collections::HashMap<TargetId, i64> =
        targets::values_versions_of_document(&mut tx, doc)
            .await
            .unwrap()
            .into_iter()
            .collect();
    assert_eq!(listed[&target], before_batch + 1);
    assert_eq!(
        listed[&lower],
        targets::values_version(&mut tx, lower).await.unwrap()
    );
    let of_june = targets::actuals_of_unit_period(&mut tx, commune, june)
        .await
        .unwrap();
    assert_eq!(of_june.len(), 2);
    assert_eq!(of_june[0].observation, five);
    assert_eq!(of_june[0].note.as_deref(), Some("đợt 1"));
    let stale = [targets::BatchValue {
        target_id: target,
        observation: &six,
        note: None,
        expected_version: Some(9),
    }];
    assert!(matches!(
        targets::put_actuals_batch(&mut tx, commune, june, None, &stale, "user", None, now()).await,
        Err(StoreError::Conflict)
    ));
    let again_new = [targets::BatchValue {
        target_id: target,
        observation: &six,
        note: None,
        expected_version: None,
    }];
    assert!(matches!(
        targets::put_actuals_batch(
            &mut tx,
            commune,
            june,
            None,
            &again_new,
            "user",
            None,
            now()
        )
        .await,
        Err(StoreError::Conflict)
    ));
    let fresh = [targets::BatchValue {
        target_id: target,
        observation: &six,
        note: None,
        expected_version: Some(1),
    }];
    targets::put_actuals_batch(&mut tx, commune, june, None, &fresh, "user", None, now())
        .await
        .unwrap();
    let changed = targets::get_actual(&mut tx, target, commune, june)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((changed.observation, changed.row_version), (six.clone(), 2));
    // In bulk: hundreds of rows per statement, exact values back, the version moved by each.
    let version = targets::values_version(&mut tx, lower).await.unwrap();
    let bulk: Vec<(UnitId, Period, Observation)> = (1..=12u8)
        .flat_map(|m| {
            [district, commune].into_iter().map(move |u| {
                (
                    u,
                    Period::Month(2022, m),
                    Observation::Ratio {
                        numerator: Decimal::from(m),
                        denominator: Decimal::new(12345, 2),
                    },
                )
            })
        })
        .cycle()
        .take(24)
        .collect();
    assert_eq!(
        targets::bulk_insert_actuals(&mut tx, lower, &bulk, "illustrative", now())
            .await
            .unwrap(),
        24
    );
    assert_eq!(
        targets::values_version(&mut tx, lower).await.unwrap(),
        version + 24
    );
    let mut q1: Vec<_> = targets::reported_within(
        &mut tx,
        lower,
        d("2022-01-01"),
        d("2022-03-31"),
        trienkhai_core::reporting::Counted::Accepted,
        None,
    )
    .await
    .unwrap()
    .into_iter()
    .filter(|r| r.unit_id == commune)
    .collect();
    q1.sort_by_key(|r| r.period.dates().0);
    assert_eq!(q1.len(), 3);
    assert!(q1.iter().all(|r| r.unit_id == commune));
    assert_eq!(
        q1[0].observation,
        Observation::Ratio {
            numerator: Decimal::from(1),
            denominator: dec("123.45")
        }
    );
    let versions = targets::values_versions_of_document(&mut tx, doc)
        .await
        .unwrap();
    assert_eq!(versions.len(), 2);
    assert!(versions.contains(&(lower, version + 24)));

    // Work items, sub-items, links, schedule, milestones and requests.
    let item_fields = |code: &str, parent, lead| work_items::WorkItemFields {
        document_id: doc,
        parent_id: parent,
        concretizes: None,
        code: code.into(),
        title: "Giảm nghèo bền vững".into(),
        field_code: Some("XH".into()),
        themes: vec!["chan2".into()],
        lead_unit_id: lead,
        coordinating_unit_ids: vec![commune],
        responsible_person_id: None,
        target_ids: vec![target, lower],
        starts_on: Some(d("2021-01-01")),
        expected_product: Some("Báo cáo".into()),
        result: None,
        sort_order: 0,
        source: "user".into(),
    };
    let item = work_items::insert_work_item(
        &mut tx,
        &item_fields("DV21", None, district),
        d("2021-12-31"),
        now(),
    )
    .await
    .unwrap();
    let sub = work_items::insert_work_item(
        &mut tx,
        &work_items::WorkItemFields {
            coordinating_unit_ids: Vec::new(),
            ..item_fields("DV21.X-A", Some(item), commune)
        },
        d("2021-12-31"),
        now(),
    )
    .await
    .unwrap();
    let read = work_items::get_work_item(&mut tx, item).await.unwrap();
    assert_eq!(read.coordinating_unit_ids, vec![commune]);
    assert_eq!(read.target_ids.len(), 2);
    assert_eq!(read.themes, vec!["chan2"]);
    assert_eq!(
        work_items::children_of(&mut tx, item).await.unwrap()[0].id,
        sub
    );
    assert_eq!(
        work_items::top_items_of_document(&mut tx, doc)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        work_items::all_items_of_document(&mut tx, doc)
            .await
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        work_items::items_serving(&mut tx, lower)
            .await
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        work_items::items_of_unit(&mut tx, commune)
            .await
            .unwrap()
            .len(),
        2,
        "leads one, coordinates one"
    );
    assert!(
        work_items::items_concretizing(&mut tx, item)
            .await
            .unwrap()
            .is_empty()
    );
    let v = work_items::update_work_item(
        &mut tx,
        item,
        &item_fields("DV21", None, district),
        1,
        now(),
    )
    .await
    .unwrap();
    let v = work_items::set_schedule(
        &mut tx,
        item,
        Progress::Done {
            on: d("2021-11-30"),
        },
        d("2021-12-31"),
        None,
        v,
        now(),
    )
    .await
    .unwrap();
    assert!(matches!(
        work_items::set_schedule(
            &mut tx,
            item,
            Progress::InProgress,
            d("2021-12-31"),
            None,
            v - 1,
            now()
        )
        .await,
        Err(StoreError::Conflict)
    ));
    assert_eq!(
        work_items::get_work_item(&mut tx, item)
            .await
            .unwrap()
            .progress,
        Progress::Done {
            on: d("2021-11-30")
        }
    );
    let m = work_items::insert_milestone(&mut tx, sub, "Rà soát hộ nghèo", d("2021-06-30"))
        .await
        .unwrap();
    work_items::set_milestone_done(&mut tx, m, Some(d("2021-06-20")))
        .await
        .unwrap();
    assert_eq!(
        work_items::milestones_of(&mut tx, sub).await.unwrap()[0].done_on,
        Some(d("2021-06-20"))
    );
    let r = work_items::insert_request(
        &mut tx,
        sub,
        &Request::MoveDeadline {
            to: d("2022-03-31"),
        },
        "Chờ số liệu",
        None,
        now(),
    )
    .await
    .unwrap();
    work_items::decide_request(
        &mut tx,
        r,
        Decision::Approved,
        Some(d("2021-12-31")),
        None,
        d("2021-12-01"),
        Some("Đồng ý"),
    )
    .await
    .unwrap();
    assert!(matches!(
        work_items::decide_request(
            &mut tx,
            r,
            Decision::Refused,
            None,
            None,
            d("2021-12-02"),
            None
        )
        .await,
        Err(StoreError::Conflict)
    ));
    let requests = work_items::requests_of(&mut tx, sub).await.unwrap();
    assert_eq!(requests[0].decision, Decision::Approved);
    assert_eq!(requests[0].former_deadline, Some(d("2021-12-31")));
    assert_eq!(
        requests[0].request,
        Request::MoveDeadline {
            to: d("2022-03-31")
        }
    );
    work_items::insert_request(&mut tx, sub, &Request::Pause, "Chờ", None, now())
        .await
        .unwrap();
    // The whole plan's requests in one read, by item, oldest first.
    let sub_item = work_items::get_work_item(&mut tx, sub).await.unwrap();
    let by_item = work_items::requests_of_document(&mut tx, sub_item.document_id)
        .await
        .unwrap();
    assert_eq!(by_item.len(), 1);
    assert_eq!(by_item[&sub].len(), 2);
    assert_eq!(by_item[&sub][0].decision, Decision::Approved);
    assert_eq!(by_item[&sub][1].request, Request::Pause);
    tx.commit().await.unwrap();
    // One pending request per item, even when two arrive together.
    let mut second = t.db.begin().await.unwrap();
    assert!(matches!(
        work_items::insert_request(&mut second, sub, &Request::Resume, "Nữa", None, now()).await,
        Err(StoreError::Duplicate(_))
    ));
}

async fn reports_move_through_review_with_revisions_and_evidence(t: TestDb) {
    use trienkhai_core::document_number::DocumentNumber;
    use trienkhai_core::ids::WorkItemId;
    use trienkhai_core::period::Period;
    use trienkhai_core::reporting::{Cadence, DeadlineRule, ReportState};
    use trienkhai_store::reports::{self, StateChange};
    use trienkhai_store::{documents, work_items};
    let district = create_unit(&t, "BTR", "Huyện ủy Ba Tri", None, "2000-01-01", None).await;
    let commune = create_unit(&t, "X-A", "Xã A", Some(district), "2000-01-01", None).await;
    let mut tx = t.db.begin().await.unwrap();
    let doc = documents::insert_document(
        &mut tx,
        &documents::DocumentFields {
            number: DocumentNumber::parse("02-NQ/HU").unwrap(),
            kind: "nghi_quyet".into(),
            issuer_unit_id: Some(district),
            issued_on: d("2020-12-22"),
            summary: "Nghị quyết".into(),
            theme_of_year: None,
            phase: None,
            vision_year: None,
            concretizes: None,
            source: "user".into(),
        },
        now(),
    )
    .await
    .unwrap();
    let rule = DeadlineRule::new(5, 2).unwrap();
    let cal = reports::insert_calendar(&mut tx, doc, Cadence::Monthly, (2021, 2021), rule, now())
        .await
        .unwrap();
    reports::insert_calendar(&mut tx, doc, Cadence::Yearly, (2021, 2025), rule, now())
        .await
        .unwrap();
    let calendars = reports::calendars_of(&mut tx, doc).await.unwrap();
    assert_eq!(calendars.len(), 2);
    assert_eq!(
        (calendars[0].cadence, calendars[0].rule),
        (Cadence::Monthly, rule)
    );
    assert_eq!(
        reports::counted_states(&mut tx, doc).await.unwrap(),
        "accepted"
    );
    reports::set_counted_states(&mut tx, doc, "submitted")
        .await
        .unwrap();
    assert_eq!(
        reports::counted_states(&mut tx, doc).await.unwrap(),
        "submitted"
    );
    reports::set_calendar_day(
        &mut tx,
        &reports::CalendarDay {
            day: d("2021-05-08"),
            working: true,
            note: Some("Làm bù".into()),
        },
    )
    .await
    .unwrap();
    assert!(reports::calendar_days(&mut tx).await.unwrap()[0].working);
    reports::remove_calendar_day(&mut tx, d("2021-05-08"))
        .await
        .unwrap();
    assert!(reports::calendar_days(&mut tx).await.unwrap().is_empty());

    let april = Period::Month(2021, 4);
    let new = |revision, narrative| reports::NewReport {
        document_id: doc,
        unit_id: commune,
        period: april,
        revision,
        deadline: d("2021-05-06"),
        narrative,
    };
    let id = reports::insert_report(&mut tx, &new(1, None), now())
        .await
        .unwrap();
    let v = reports::update_narrative(&mut tx, id, Some("Đã hoàn thành"), 1, now())
        .await
        .unwrap();
    assert!(matches!(
        reports::update_narrative(&mut tx, id, Some("cũ"), 1, now()).await,
        Err(StoreError::Conflict)
    ));
    let v = reports::set_state(
        &mut tx,
        id,
        ReportState::Submitted,
        StateChange::Submitted {
            by: None,
            late: true,
        },
        v,
        now(),
    )
    .await
    .unwrap();
    // A submitted report's narrative is no longer editable.
    assert!(matches!(
        reports::update_narrative(&mut tx, id, Some("sửa"), v, now()).await,
        Err(StoreError::Conflict)
    ));
    // Accepted two hours after it was submitted.
    let accepted_at = now() + Duration::hours(2);
    reports::set_state(
        &mut tx,
        id,
        ReportState::Accepted,
        StateChange::Reviewed {
            by: None,
            comment: Some("Đạt"),
        },
        v,
        accepted_at,
    )
    .await
    .unwrap();
    let r = reports::get_report(&mut tx, id).await.unwrap();
    assert_eq!((r.state, r.late), (ReportState::Accepted, true));
    assert_eq!(r.review_comment.as_deref(), Some("Đạt"));
    let status = reports::statuses_of_period(&mut tx, doc, april, t.db.backend(), None)
        .await
        .unwrap();
    assert_eq!(
        (status[0].submitted_at, status[0].reviewed_at),
        (Some(now()), Some(accepted_at))
    );

    // A value of the report counts as the report stood at an instant.
    {
        use trienkhai_core::reporting::Counted;
        use trienkhai_core::rollup::{Aggregation, Observation};
        use trienkhai_core::target::{Direction, ValueType};
        use trienkhai_store::targets;
        let target = targets::insert_target(
            &mut tx,
            doc,
            &targets::TargetFields {
                code: "KT01".into(),
                name: "Doanh nghiệp thành lập mới".into(),
                field_code: None,
                themes: Vec::new(),
                unit_of_measure: "doanh nghiệp".into(),
                value_type: ValueType::Count,
                direction: Direction::Increase,
                aggregation: Aggregation::Sum,
                over_time: trienkhai_core::over_time::OverTime::Sum,
                reporting_kinds: Vec::new(),
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
        let seven = Observation::Value {
            value: rust_decimal::Decimal::from(7),
        };
        let value = targets::put_actual(
            &mut tx,
            &targets::NewActual {
                target_id: target,
                unit_id: commune,
                period: april,
                observation: &seven,
                note: None,
                source: "user",
                recorded_by: None,
            },
            None,
            now(),
        )
        .await
        .unwrap();
        reports::link_actual(&mut tx, value.id, id).await.unwrap();
        let (start, end) = april.dates();
        let hours = |h| Some(now() + Duration::hours(h));
        for (counted, at, expected) in [
            (Counted::Accepted, None, 1),
            (Counted::Accepted, hours(3), 1),
            (Counted::Accepted, hours(1), 0),
            (Counted::Submitted, hours(1), 1),
            (Counted::Submitted, hours(-1), 0),
            (Counted::Any, hours(1), 1),
            (Counted::Any, hours(-1), 0),
        ] {
            let within = targets::reported_within(&mut tx, target, start, end, counted, at)
                .await
                .unwrap();
            assert_eq!(within.len(), expected, "{counted:?} at {at:?}");
        }
        // Between submission and acceptance the value was pending, as submitted; before it
        // was recorded, it was nothing.
        assert_eq!(
            targets::pending_within(&mut tx, target, start, end, Counted::Accepted, hours(1))
                .await
                .unwrap(),
            [(commune, april, ReportState::Submitted)]
        );
        for at in [hours(-1), hours(3), None] {
            assert!(
                targets::pending_within(&mut tx, target, start, end, Counted::Accepted, at)
                    .await
                    .unwrap()
                    .is_empty()
            );
        }
    }
    // A correction is a new revision; the accepted one stays.
    let second = reports::insert_report(&mut tx, &new(2, r.narrative.as_deref()), now())
        .await
        .unwrap();
    assert_eq!(
        reports::current_report(&mut tx, doc, commune, april)
            .await
            .unwrap()
            .unwrap()
            .id,
        second
    );
    assert_eq!(
        reports::revisions(&mut tx, doc, commune, april)
            .await
            .unwrap()
            .len(),
        2
    );
    let latest = reports::reports_of_period(&mut tx, doc, april)
        .await
        .unwrap();
    assert_eq!(latest.len(), 1);
    assert_eq!(
        (latest[0].revision, latest[0].state),
        (2, ReportState::Draft)
    );
    // As of before anything was opened, the period has no report.
    let an_hour_before = Some(now() - Duration::hours(1));
    assert!(
        reports::statuses_of_period(&mut tx, doc, april, t.db.backend(), an_hour_before)
            .await
            .unwrap()
            .is_empty()
    );

    let item = work_items::insert_work_item(
        &mut tx,
        &work_items::WorkItemFields {
            document_id: doc,
            parent_id: None,
            concretizes: None,
            code: "DV01".into(),
            title: "Việc".into(),
            field_code: None,
            themes: Vec::new(),
            lead_unit_id: commune,
            coordinating_unit_ids: Vec::new(),
            responsible_person_id: None,
            target_ids: Vec::new(),
            starts_on: None,
            expected_product: None,
            result: None,
            sort_order: 0,
            source: "user".into(),
        },
        d("2021-12-31"),
        now(),
    )
    .await
    .unwrap();
    let line = reports::ReportItem {
        report_id: second,
        work_item_id: item,
        percent: Some(60),
        narrative: Some("Đang thực hiện".into()),
    };
    reports::put_report_item(&mut tx, &line).await.unwrap();
    reports::put_report_item(
        &mut tx,
        &reports::ReportItem {
            percent: Some(80),
            ..line.clone()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        reports::items_of_report(&mut tx, second).await.unwrap()[0].percent,
        Some(80)
    );
    let evidence = reports::insert_evidence(
        &mut tx,
        &reports::NewEvidence {
            report_id: second,
            work_item_id: Some(WorkItemId(item.0)),
            file_name: "biên bản.pdf",
            content_type: "application/pdf",
            sha256: "abc",
            content: b"%PDF-1.4",
            uploaded_by: None,
        },
        now(),
    )
    .await
    .unwrap();
    let (record, bytes) = reports::evidence_content(&mut tx, evidence).await.unwrap();
    assert_eq!(
        (record.file_name.as_str(), bytes.as_slice()),
        ("biên bản.pdf", &b"%PDF-1.4"[..])
    );
    assert_eq!(
        reports::evidence_of(&mut tx, second).await.unwrap().len(),
        1
    );
    assert!(
        reports::actuals_of_report(&mut tx, second)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        reports::link_actual(&mut tx, trienkhai_core::ids::ActualId(999_999), second).await,
        Err(StoreError::NotFound)
    ));
    let stale = calendars[0].row_version + 1;
    assert!(matches!(
        reports::delete_calendar(&mut tx, cal, stale).await,
        Err(StoreError::Conflict)
    ));
    reports::delete_calendar(&mut tx, cal, calendars[0].row_version)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    // The same revision twice is refused.
    let mut again = t.db.begin().await.unwrap();
    assert!(matches!(
        reports::insert_report(&mut again, &new(2, None), now()).await,
        Err(StoreError::Duplicate(_))
    ));
}

/// Waits (PostgreSQL: for the listener, and for notifications to arrive) until the epoch is
/// known and differs from `not`.
async fn epoch_other_than(db: &trienkhai_store::Db, not: Option<u64>) -> u64 {
    for _ in 0..200 {
        if let Some(e) = db.change_epoch().await.unwrap()
            && Some(e) != not
        {
            return e;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("the change epoch did not move from {not:?} within 5 s");
}

async fn the_change_epoch_moves_with_writes_of_any_instance(t: TestDb) {
    use sqlx::Row;
    use trienkhai_store::reports;
    // Every table announces its changes but those no served answer is read from.
    let unannounced = match t.backend {
        Backend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
             AND name NOT IN (SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' \
             AND name LIKE '%_changes') ORDER BY name"
        }
        Backend::Postgres => {
            "SELECT CAST(c.relname AS TEXT) AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = current_schema() AND c.relkind = 'r' AND NOT EXISTS \
             (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid AND g.tgname LIKE '%_changes') \
             ORDER BY c.relname"
        }
    };
    let mut conn = t.db.reader().await.unwrap();
    let names: Vec<String> = sqlx::query(unannounced)
        .fetch_all(&mut *conn)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<String, _>("name"))
        .filter(|n| n != "change_epoch")
        .collect();
    drop(conn);
    assert_eq!(
        names,
        [
            "_sqlx_migrations",
            "audit_log",
            "jobs",
            "login_failures",
            "notification_preferences",
            "notifications",
        ]
    );

    // Another instance's write moves this one's epoch (PostgreSQL: once notified).
    let other = trienkhai_store::Db::open(&t.url).await.unwrap();
    let before = epoch_other_than(&t.db, None).await;
    let mut tx = other.begin().await.unwrap();
    reports::set_calendar_day(
        &mut tx,
        &reports::CalendarDay {
            day: NaiveDate::from_ymd_opt(2021, 5, 3).unwrap(),
            working: false,
            note: Some("nghỉ bù".into()),
        },
    )
    .await
    .unwrap();
    trienkhai_store::commit(tx).await.unwrap();
    let after = epoch_other_than(&t.db, Some(before)).await;
    // Its own write moves it at once, with no wait for a notification.
    let mut tx = t.db.begin().await.unwrap();
    reports::remove_calendar_day(&mut tx, NaiveDate::from_ymd_opt(2021, 5, 3).unwrap())
        .await
        .unwrap();
    trienkhai_store::commit(tx).await.unwrap();
    assert_ne!(t.db.change_epoch().await.unwrap(), Some(after));
    // A rolled-back write changes nothing. (Checked on SQLite only: on PostgreSQL the
    // notifications of the commits above may still be arriving.)
    if t.backend == Backend::Sqlite {
        let settled = t.db.change_epoch().await.unwrap();
        let mut tx = other.begin().await.unwrap();
        reports::remove_calendar_day(&mut tx, NaiveDate::from_ymd_opt(2021, 5, 4).unwrap())
            .await
            .unwrap();
        drop(tx);
        assert_eq!(t.db.change_epoch().await.unwrap(), settled);
        // A new session is not announced; its end is (who is behind it may be kept).
        let mut conn = t.db.writer().await.unwrap();
        let account = accounts::insert_account(&mut conn, "epoch", "Epoch", "h", None, now())
            .await
            .unwrap();
        let settled = t.db.change_epoch().await.unwrap();
        sessions::insert_session(&mut conn, "s-1", account, "csrf", now(), now())
            .await
            .unwrap();
        assert_eq!(t.db.change_epoch().await.unwrap(), settled);
        sessions::delete_session(&mut conn, "s-1").await.unwrap();
        assert_ne!(t.db.change_epoch().await.unwrap(), settled);
    }
    // A restore announces that everything may have changed.
    let current = t.db.change_epoch().await.unwrap();
    other.announce_change().await.unwrap();
    let announced = epoch_other_than(&t.db, current).await;
    if t.backend == Backend::Postgres {
        // The listener's connection is cut: the loss moves the epoch, and once listening again
        // the other instance's writes are heard.
        let mut conn = other.reader().await.unwrap();
        let cut: Vec<bool> = sqlx::query_scalar(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND query LIKE 'LISTEN%'",
        )
        .fetch_all(&mut *conn)
        .await
        .unwrap();
        assert_eq!(cut, [true]);
        drop(conn);
        // Known again only once listening again (unknown while cut).
        let relistening = epoch_other_than(&t.db, Some(announced)).await;
        let mut tx = other.begin().await.unwrap();
        reports::remove_calendar_day(&mut tx, NaiveDate::from_ymd_opt(2021, 5, 5).unwrap())
            .await
            .unwrap();
        trienkhai_store::commit(tx).await.unwrap();
        epoch_other_than(&t.db, Some(relistening)).await;
    }
    other.close().await;
}

both_backends!(
    readers_refuse_writes,
    the_change_epoch_moves_with_writes_of_any_instance,
    reports_move_through_review_with_revisions_and_evidence,
    plans_are_stored_and_read_back_with_version_checks,
    units_store_versions_and_read_the_tree_of_a_date,
    merges_record_successions_both_ways,
    unit_kinds_are_upserted,
    persons_and_posts_round_trip_with_version_checks,
    accounts_grants_and_tokens,
    sessions_expire_and_login_failures_count,
    the_audit_log_is_append_only_and_answers_as_of,
    a_rolled_back_transaction_leaves_nothing,
    structural_transactions_are_serialised,
    sqlite_databases_back_up_while_open,
);
