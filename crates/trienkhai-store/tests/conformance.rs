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

    let mut conn = t.db.reader().await.unwrap();
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
    // Two creations and one upgrade: the tree's generation moved three times.
    assert_eq!(units::generation(&mut conn).await.unwrap(), 3);
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

async fn unit_kinds_are_upserted(t: TestDb) {
    let mut conn = t.db.reader().await.unwrap();
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
    let mut conn = t.db.reader().await.unwrap();
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
    let mut conn = t.db.reader().await.unwrap();
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
            .unwrap(),
        Some(id)
    );
    assert_eq!(
        accounts::account_for_token(&mut conn, "hash-2", now() + Duration::days(2))
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        accounts::account_for_token(&mut conn, "nope", now())
            .await
            .unwrap(),
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
            .unwrap(),
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
            .unwrap(),
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
            .unwrap(),
        None
    );
    assert_eq!(
        accounts::get_token(&mut conn, expiring).await.unwrap().name,
        "old"
    );
}

async fn sessions_expire_and_login_failures_count(t: TestDb) {
    let mut conn = t.db.reader().await.unwrap();
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
    let counts = sessions::recent_login_failures(
        &mut conn,
        "admin",
        "127.0.0.1",
        now() - Duration::minutes(1),
    )
    .await
    .unwrap();
    assert_eq!(counts, (3, 4));
    let later = sessions::recent_login_failures(
        &mut conn,
        "admin",
        "127.0.0.1",
        now() + Duration::minutes(1),
    )
    .await
    .unwrap();
    assert_eq!(later, (1, 1));
    sessions::clear_login_failures(&mut conn, "admin")
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
    assert_eq!(cleared, (0, 1));
    // Old failures are forgotten: the other username's one, at `now`, goes.
    assert_eq!(
        sessions::delete_login_failures_before(&mut conn, now() + Duration::seconds(1))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        sessions::delete_login_failures_before(&mut conn, now() + Duration::seconds(1))
            .await
            .unwrap(),
        0
    );
}

async fn the_audit_log_is_append_only_and_answers_as_of(t: TestDb) {
    let mut conn = t.db.reader().await.unwrap();
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

both_backends!(
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
