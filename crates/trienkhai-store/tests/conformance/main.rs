//! The store conformance suite: every public store function, on SQLite and on PostgreSQL.
//! SQL is not checked at compile time, so this is what keeps the two backends honest.

mod tree;
use tree::*;
mod people;
use people::*;
mod access;
use access::*;
mod plans;
use plans::*;
mod plan_actuals;
use plan_actuals::*;
mod reports;
use reports::*;
mod registration_rules;
use registration_rules::*;
mod registrations;
use registrations::*;
mod study;
use study::*;
mod commitments;
use commitments::*;
mod criteria;
use criteria::*;
mod emulation;
use emulation::*;
mod ratings;
use ratings::*;

use chrono::{DateTime, NaiveDate, Utc};
use trienkhai_core::ids::{AccountId, PersonId, UnitId};
use trienkhai_core::org::{ChangeSet, UnitCode, UnitVersion};
use trienkhai_core::validity::Validity;
use trienkhai_store::{Backend, StoreError, accounts, audit, sessions, units};
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

/// The district's resolution `02-NQ/HU` of 22/12/2020, issued by `district`.
async fn insert_district_resolution(
    conn: &mut sqlx::AnyConnection,
    district: trienkhai_core::ids::UnitId,
    source: &str,
) -> trienkhai_core::ids::DocumentId {
    trienkhai_store::documents::insert_document(
        conn,
        &trienkhai_store::documents::DocumentFields {
            number: trienkhai_core::document_number::DocumentNumber::parse("02-NQ/HU").unwrap(),
            kind: "nghi_quyet".into(),
            issuer_unit_id: Some(district),
            issued_on: d("2020-12-22"),
            summary: "Nghị quyết".into(),
            theme_of_year: None,
            phase: None,
            vision_year: None,
            concretizes: None,
            source: source.into(),
        },
        now(),
    )
    .await
    .unwrap()
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
    registrations_keep_versions_items_and_assessments,
    registration_rules_are_set_under_a_version_check,
    attendance_targets_are_linked_found_and_unlinked,
    rating_targets_are_linked_and_found,
    study_sessions_are_recorded_and_summed_per_unit,
    commitments_keep_sections_states_and_year_end_remarks,
    emulation_goals_keep_their_order_figures_and_results,
    criteria_catalogues_and_assessments_read_back_whole,
    ratings_keep_their_inputs_states_and_re_ratings,
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
