//! People, accounts, grants and kept callers.

use super::*;
use trienkhai_app::accounts::{self, GrantInput, NewAccount};
use trienkhai_app::org::{self, ChangeContext, ChangeKind, NewUnit, UnitChange};
use trienkhai_app::people::{self, PersonInput, PostInput};
use trienkhai_app::{App, AppError, auth, demo, history};
use trienkhai_core::access::Role;
use trienkhai_testkit::TestDb;

pub(crate) async fn people_hold_concurrent_dated_posts(t: TestDb) {
    let app = demo_app(&t).await;
    let admin = actor(&app, "admin").await;
    let people = people::list_persons(&app, &admin, None, 500, 0)
        .await
        .unwrap();
    let two_posts = people.iter().find(|p| p.posts.len() == 2).unwrap();
    assert!(
        two_posts
            .posts
            .iter()
            .any(|p| p.title == "Chủ tịch Ủy ban nhân dân")
    );
    assert!(
        people
            .iter()
            .any(|p| p.party_status == trienkhai_core::party::PartyStatus::Probationary)
    );
    // Search ignores diacritics: "nguyen" finds "Nguyễn".
    let found = people::list_persons(&app, &admin, Some("nguyen"), 500, 0)
        .await
        .unwrap();
    assert!(!found.is_empty() && found.iter().all(|p| p.full_name.starts_with("Nguyễn")));

    let person = &people[0];
    let input = PersonInput {
        full_name: "  Lê   Thị  Hoa ".into(),
        birth_year: Some(1990),
        party_admitted_on: Some(d("2015-01-01")),
        party_full_member_on: Some(d("2016-01-01")),
    };
    people::update_person(&app, &admin, person.id, &input, person.row_version)
        .await
        .unwrap();
    assert_eq!(
        people::get_person(&app, &admin, person.id)
            .await
            .unwrap()
            .full_name,
        "Lê Thị Hoa"
    );
    assert!(matches!(
        people::update_person(&app, &admin, person.id, &input, person.row_version).await,
        Err(AppError::Conflict { .. })
    ));
    let bad = PersonInput {
        party_admitted_on: None,
        party_full_member_on: Some(d("2016-01-01")),
        ..input
    };
    assert_eq!(
        people::update_person(&app, &admin, person.id, &bad, person.row_version + 1)
            .await
            .unwrap_err()
            .code(),
        "full_member_without_admission"
    );
    let history = history::person_history(&app, &admin, person.id)
        .await
        .unwrap();
    assert_eq!(history.last().unwrap().action, "update");
    assert_eq!(
        history.last().unwrap().before.as_ref().unwrap()["person"]["full_name"],
        person.full_name.as_str()
    );
}

pub(crate) async fn accounts_roles_tokens_and_throttled_logins(t: TestDb) {
    let app = demo_app(&t).await;
    let admin = actor(&app, "admin").await;
    let an_thuy = unit_by_code(&app, "X-ANTHUY", "2021-06-01").await;
    let account = NewAccount {
        username: "VanPhong".into(),
        display_name: "Văn phòng".into(),
        password: "short".into(),
        person_id: None,
    };
    assert_eq!(
        accounts::create_account(&app, &admin, &account)
            .await
            .unwrap_err()
            .code(),
        "password_too_short"
    );
    let account = NewAccount {
        password: "mật khẩu đủ dài".into(),
        ..account
    };
    let id = accounts::create_account(&app, &admin, &account)
        .await
        .unwrap();
    assert_eq!(
        accounts::create_account(&app, &admin, &account)
            .await
            .unwrap_err()
            .code(),
        "username_taken"
    );
    let grant = accounts::grant_role(
        &app,
        &admin,
        id,
        &GrantInput {
            role: Role::Viewer,
            unit_id: Some(an_thuy),
            valid_from: Some(d("2021-01-01")),
            valid_to: None,
        },
    )
    .await
    .unwrap();
    let login = auth::login(&app, "vanphong", "mật khẩu đủ dài", "10.0.0.1")
        .await
        .unwrap();
    assert_eq!(login, id);
    let issued = accounts::issue_token(&app, &admin, id, "Báo cáo", Some(30))
        .await
        .unwrap();
    let via_token = auth::token_actor(&app, &issued.secret)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(via_token.username, "vanphong");
    assert_eq!(via_token.access.grants().len(), 1);
    accounts::revoke_grant(&app, &admin, grant).await.unwrap();
    assert!(
        auth::token_actor(&app, &issued.secret)
            .await
            .unwrap()
            .unwrap()
            .access
            .grants()
            .is_empty()
    );
    accounts::revoke_token(&app, &admin, issued.id)
        .await
        .unwrap();
    assert!(
        auth::token_actor(&app, &issued.secret)
            .await
            .unwrap()
            .is_none()
    );
    let entries = history::account_history(&app, &admin, id).await.unwrap();
    let actions: Vec<_> = entries.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "create",
            "grant_role",
            "issue_token",
            "revoke_role",
            "revoke_token"
        ]
    );
    assert!(
        !serde_json::to_string(&entries).unwrap().contains("argon2"),
        "no password hash in the audit log"
    );

    // Five failures lock the username from that address for a while, even with the right
    // password afterwards; its owner elsewhere is not locked out.
    for _ in 0..auth::MAX_FAILURES_PER_ACCOUNT_AND_CLIENT {
        assert!(matches!(
            auth::login(&app, "anthuy", "sai", "10.0.0.2").await,
            Err(AppError::InvalidCredentials)
        ));
    }
    assert!(matches!(
        auth::login(&app, "anthuy", demo::DEMO_PASSWORD, "10.0.0.2").await,
        Err(AppError::TooManyRequests { .. })
    ));
    assert!(
        auth::login(&app, "anthuy", demo::DEMO_PASSWORD, "10.0.0.7")
            .await
            .is_ok()
    );
    assert!(matches!(
        auth::login(&app, "nobody", "x", "10.0.0.3").await,
        Err(AppError::InvalidCredentials)
    ));
}

pub(crate) async fn a_second_instance_sees_a_structural_change_at_once(t: TestDb) {
    let app = demo_app(&t).await;
    // Another instance over the same database, with its own tree cache.
    let other = App::new(t.db.clone());
    let admin = actor(&app, "admin").await;
    let before = org::units_as_of(&other, &admin, d("2022-06-01"))
        .await
        .unwrap();
    assert!(before.iter().any(|u| u.name == "Đảng bộ xã Bảo Thạnh"));
    let bao_thanh = before.iter().find(|u| u.code == "X-BAOTHANH").unwrap().id;
    let version = org::unit_detail(&app, &admin, bao_thanh, d("2022-06-01"))
        .await
        .unwrap()
        .row_version;
    let rename = UnitChange {
        kind: ChangeKind::Rename,
        code: None,
        name: Some("Đảng bộ xã Bảo Thạnh Mới".into()),
        unit_kind: None,
        parent_id: None,
        version,
    };
    org::change_unit(
        &app,
        &admin,
        bao_thanh,
        &rename,
        &ChangeContext {
            effective_on: Some(d("2022-01-01")),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let after = org::units_as_of(&other, &admin, d("2022-06-01"))
        .await
        .unwrap();
    assert!(
        after.iter().any(|u| u.name == "Đảng bộ xã Bảo Thạnh Mới"),
        "the other instance's cached tree was refreshed"
    );
}

pub(crate) async fn writes_must_be_allowed_over_the_whole_period_they_change(t: TestDb) {
    let app = demo_app(&t).await;
    let anthuy = actor(&app, "anthuy").await;
    let cell = unit_by_code(&app, "CB-ANTHUY-1", "2021-06-01").await;
    let detail = org::unit_detail(&app, &anthuy, cell, d("2021-06-01"))
        .await
        .unwrap();
    let post = &detail.posts[0];
    // The cell went to the successor commune on 01/07/2025: extending the post past that day
    // would change the successor's staff.
    let err = people::end_post(
        &app,
        &anthuy,
        trienkhai_core::ids::PostId(post.post_id),
        d("2030-12-31"),
        1,
    )
    .await
    .unwrap_err();
    assert!(matches!(err, AppError::Forbidden), "{err:?}");
    let open_post = PostInput {
        unit_id: Some(cell),
        title: "Phó Bí thư Chi bộ".into(),
        valid_from: Some(d("2025-06-30")),
        valid_to: None,
    };
    let person = trienkhai_core::ids::PersonId(post.person_id);
    assert!(matches!(
        people::add_post(&app, &anthuy, person, &open_post).await,
        Err(AppError::Forbidden)
    ));
    // Within the commune's own years it is allowed.
    let bounded = PostInput {
        valid_to: Some(d("2025-06-30")),
        ..open_post
    };
    people::add_post(&app, &anthuy, person, &bounded)
        .await
        .unwrap();
    // Shortening the post inside those years is allowed too; a post cannot outlive its unit.
    people::end_post(
        &app,
        &anthuy,
        trienkhai_core::ids::PostId(post.post_id),
        d("2024-12-31"),
        1,
    )
    .await
    .unwrap();
    let admin = actor(&app, "admin").await;
    let district_body = unit_by_code(&app, "BTR-VP", "2021-06-01").await;
    let past_end = PostInput {
        unit_id: Some(district_body),
        title: "Chánh Văn phòng".into(),
        valid_from: Some(d("2024-01-01")),
        valid_to: None,
    };
    assert_eq!(
        people::add_post(&app, &admin, person, &past_end)
            .await
            .unwrap_err()
            .code(),
        "unit_not_valid_on_date"
    );
}

pub(crate) async fn subtree_administrators_stay_in_their_subtree(t: TestDb) {
    let app = demo_app(&t).await;
    let admin = actor(&app, "admin").await;
    let district = unit_by_code(&app, "BTR", "2021-06-01").await;
    let commune = unit_by_code(&app, "X-ANTHUY", "2021-06-01").await;
    let new_account = |name: &str| NewAccount {
        username: name.into(),
        display_name: name.into(),
        password: "mật khẩu đủ dài".into(),
        person_id: None,
    };
    let huyen_id = accounts::create_account(&app, &admin, &new_account("huyen"))
        .await
        .unwrap();
    let scoped = |role, unit| GrantInput {
        role,
        unit_id: unit,
        valid_from: Some(d("2020-01-01")),
        valid_to: None,
    };
    accounts::grant_role(&app, &admin, huyen_id, &scoped(Role::Admin, Some(district)))
        .await
        .unwrap();
    let huyen = {
        let mut conn = app.db.reader().await.unwrap();
        auth::load_actor(&app, &mut conn, huyen_id)
            .await
            .unwrap()
            .unwrap()
    };
    // Only administrators of everything create accounts or set up accounts without roles.
    assert!(matches!(
        accounts::create_account(&app, &huyen, &new_account("khac")).await,
        Err(AppError::Forbidden)
    ));
    let blank = accounts::create_account(&app, &admin, &new_account("trang"))
        .await
        .unwrap();
    assert!(matches!(
        accounts::issue_token(&app, &huyen, blank, "cài sẵn", None).await,
        Err(AppError::Forbidden)
    ));
    assert!(
        !accounts::list_accounts(&app, &huyen)
            .await
            .unwrap()
            .iter()
            .any(|a| a.id == blank)
    );
    assert!(matches!(
        accounts::grant_role(&app, &huyen, blank, &scoped(Role::Viewer, Some(commune))).await,
        Err(AppError::Forbidden)
    ));
    // An account with a role in the district is the district's to manage; a token the district
    // issues for it dies when the account is given more.
    let clerk = accounts::create_account(&app, &admin, &new_account("vanthu"))
        .await
        .unwrap();
    accounts::grant_role(&app, &admin, clerk, &scoped(Role::Viewer, Some(commune)))
        .await
        .unwrap();
    accounts::grant_role(&app, &huyen, clerk, &scoped(Role::Reporter, Some(commune)))
        .await
        .unwrap();
    let planted = accounts::issue_token(&app, &huyen, clerk, "tích hợp", Some(30))
        .await
        .unwrap();
    assert!(
        auth::token_actor(&app, &planted.secret)
            .await
            .unwrap()
            .is_some()
    );
    assert!(matches!(
        accounts::grant_role(&app, &huyen, clerk, &scoped(Role::Admin, None)).await,
        Err(AppError::Forbidden)
    ));
    accounts::grant_role(&app, &admin, clerk, &scoped(Role::Admin, None))
        .await
        .unwrap();
    assert!(
        auth::token_actor(&app, &planted.secret)
            .await
            .unwrap()
            .is_none(),
        "the planted token was revoked"
    );
    // Now the clerk administers everything, and the district no longer manages it.
    assert!(matches!(
        accounts::issue_token(&app, &huyen, clerk, "lại", None).await,
        Err(AppError::Forbidden)
    ));
}

pub(crate) async fn a_unit_that_ends_ends_its_posts(t: TestDb) {
    let app = demo_app(&t).await;
    let admin = actor(&app, "admin").await;
    let vinh_long = unit_by_code(&app, "VL", "2025-07-01").await;
    let ctx = |day: &str| ChangeContext {
        effective_on: Some(d(day)),
        ..Default::default()
    };
    let unit = NewUnit {
        code: "BAN-TAM".into(),
        name: "Ban tạm thời".into(),
        kind: "co_quan_tham_muu".into(),
        parent_id: Some(vinh_long),
        valid_to: None,
    };
    let unit = org::create_unit(&app, &admin, &unit, &ctx("2025-07-01"))
        .await
        .unwrap();
    let input = PersonInput {
        full_name: "Người Tạm".into(),
        ..Default::default()
    };
    let post = PostInput {
        unit_id: Some(unit),
        title: "Trưởng ban".into(),
        valid_from: Some(d("2025-07-01")),
        valid_to: None,
    };
    let person = people::create_person(&app, &admin, &input, Some(&post), "user")
        .await
        .unwrap();
    let later = PostInput {
        title: "Phó ban".into(),
        valid_from: Some(d("2026-06-01")),
        ..post.clone()
    };
    people::add_post(&app, &admin, person, &later)
        .await
        .unwrap();
    let version = org::unit_detail(&app, &admin, unit, d("2025-07-01"))
        .await
        .unwrap()
        .row_version;
    // A post that begins after the end blocks the dissolution, and nothing is written.
    let err = org::dissolve_unit(&app, &admin, unit, version, &ctx("2026-01-01"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "unit_has_later_posts");
    assert_eq!(
        org::unit_detail(&app, &admin, unit, d("2026-02-01"))
            .await
            .unwrap()
            .lifetime
            .to,
        None
    );
    // A dissolution after both posts have begun ends every open post on the unit's last day.
    org::dissolve_unit(&app, &admin, unit, version, &ctx("2026-07-01"))
        .await
        .unwrap();
    let posts = people::get_person(&app, &admin, person)
        .await
        .unwrap()
        .posts;
    assert!(
        posts.iter().all(|p| p.valid_to == Some(d("2026-06-30"))),
        "{posts:?}"
    );
    let history = history::person_history(&app, &admin, person).await.unwrap();
    assert_eq!(history.last().unwrap().action, "end_post");
}

pub(crate) async fn a_commune_editor_pages_through_its_own_people(t: TestDb) {
    let app = demo_app(&t).await;
    let anthuy = actor(&app, "anthuy").await;
    let all = people::list_persons(&app, &anthuy, None, 500, 0)
        .await
        .unwrap();
    let first = people::list_persons(&app, &anthuy, None, 4, 0)
        .await
        .unwrap();
    let second = people::list_persons(&app, &anthuy, None, 4, 4)
        .await
        .unwrap();
    assert_eq!(
        first.len(),
        4,
        "a full page despite the people of other communes in between"
    );
    assert!(second.iter().all(|p| !first.iter().any(|q| q.id == p.id)));
    // Page after page, everyone once.
    let mut seen = Vec::new();
    for page in 0.. {
        let next = people::list_persons(&app, &anthuy, None, 4, page * 4)
            .await
            .unwrap();
        if next.is_empty() {
            break;
        }
        seen.extend(next.into_iter().map(|p| p.id));
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), all.len());
}

/// Asks until `pass` holds: at once on SQLite (the epoch is read from the file), within 5 s on
/// PostgreSQL (another instance's change arrives as a notification).
pub(crate) async fn eventually<F, Fut>(t: &TestDb, what: &str, mut pass: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let tries = if t.backend == trienkhai_store::Backend::Sqlite {
        1
    } else {
        200
    };
    for _ in 0..tries {
        if pass().await {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("{what}");
}

pub(crate) async fn a_kept_caller_ends_with_its_session_token_or_account_on_any_instance(
    t: TestDb,
) {
    let app = demo_app(&t).await;
    // Another instance over the same database.
    let other = App::new(trienkhai_store::Db::open(&t.url).await.unwrap());
    let admin = actor(&other, "admin").await;
    for _ in 0..200 {
        if app.db.change_epoch().await.unwrap().is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    let anthuy = auth::login(&app, "anthuy", demo::DEMO_PASSWORD, "t")
        .await
        .unwrap();
    // A session used twice here (the second time from memory), ended on the other instance.
    let session = auth::start_session(&app, anthuy).await.unwrap();
    for _ in 0..2 {
        let (who, csrf) = auth::session_actor(&app, &session.secret)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (who.username.as_str(), csrf),
            ("anthuy", session.csrf_token.clone())
        );
    }
    auth::end_session(&other, &session.secret).await.unwrap();
    eventually(&t, "an ended session still lets in", || async {
        auth::session_actor(&app, &session.secret)
            .await
            .unwrap()
            .is_none()
    })
    .await;
    // A token used here, revoked on the other instance.
    let issued = accounts::issue_token(&other, &admin, anthuy, "Đồng bộ", Some(30))
        .await
        .unwrap();
    for _ in 0..2 {
        assert!(
            auth::token_actor(&app, &issued.secret)
                .await
                .unwrap()
                .is_some()
        );
    }
    accounts::revoke_token(&other, &admin, issued.id)
        .await
        .unwrap();
    eventually(&t, "a revoked token still lets in", || async {
        auth::token_actor(&app, &issued.secret)
            .await
            .unwrap()
            .is_none()
    })
    .await;
    // A second session, and the account disabled on the other instance.
    let session = auth::start_session(&app, anthuy).await.unwrap();
    assert!(
        auth::session_actor(&app, &session.secret)
            .await
            .unwrap()
            .is_some()
    );
    let view = accounts::get_account(&other, &admin, anthuy).await.unwrap();
    accounts::update_account(
        &other,
        &admin,
        anthuy,
        &accounts::AccountUpdate {
            display_name: view.display_name.clone(),
            is_active: false,
            new_password: None,
            version: view.row_version,
        },
    )
    .await
    .unwrap();
    eventually(&t, "a disabled account still lets in", || async {
        auth::session_actor(&app, &session.secret)
            .await
            .unwrap()
            .is_none()
    })
    .await;
    other.db.close().await;
}
