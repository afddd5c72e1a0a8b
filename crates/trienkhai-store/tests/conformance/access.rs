//! Accounts, grants, tokens, sessions, login failures and the audit log.

use super::*;
use chrono::Duration;
use trienkhai_core::access::Role;
use trienkhai_core::validity::Validity;
use trienkhai_store::{StoreError, accounts, audit, sessions};
use trienkhai_testkit::TestDb;

pub(crate) async fn accounts_grants_and_tokens(t: TestDb) {
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

pub(crate) async fn sessions_expire_and_login_failures_count(t: TestDb) {
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

pub(crate) async fn the_audit_log_is_append_only_and_answers_as_of(t: TestDb) {
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
