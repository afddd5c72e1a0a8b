//! Use cases on both backends, from the demo: the dated tree, scope, audit, concurrency, login.

use chrono::NaiveDate;
use trienkhai_app::accounts::{self, GrantInput, NewAccount};
use trienkhai_app::org::{self, ChangeContext, ChangeKind, MergeInput, NewUnit, UnitChange};
use trienkhai_app::people::{self, PersonInput, PostInput};
use trienkhai_app::{Actor, App, AppError, auth, demo, history};
use trienkhai_core::access::Role;
use trienkhai_core::ids::UnitId;
use trienkhai_testkit::{TestDb, both_backends};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

async fn demo_app(t: &TestDb) -> App {
    let app = App::new(t.db.clone());
    assert!(demo::is_empty(&app).await.unwrap());
    demo::build(&app).await.unwrap();
    assert!(!demo::is_empty(&app).await.unwrap());
    app
}

async fn actor(app: &App, username: &str) -> Actor {
    let id = auth::login(app, username, demo::DEMO_PASSWORD, "test")
        .await
        .unwrap();
    let mut conn = app.db.reader().await.unwrap();
    auth::load_actor(app, &mut conn, id).await.unwrap().unwrap()
}

async fn unit_by_code(app: &App, code: &str, on: &str) -> UnitId {
    let admin = Actor::system("test", app.today());
    org::units_as_of(app, &admin, d(on))
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.code == code)
        .unwrap_or_else(|| panic!("{code} on {on}"))
        .id
}

async fn the_demo_tree_changes_shape_over_time(t: TestDb) {
    let app = demo_app(&t).await;
    let admin = actor(&app, "admin").await;

    let in_2021 = org::units_as_of(&app, &admin, d("2021-06-01"))
        .await
        .unwrap();
    let district = in_2021.iter().find(|u| u.code == "BTR").unwrap();
    let grassroots: Vec<_> = in_2021
        .iter()
        .filter(|u| {
            u.parent_id == Some(district.id)
                && (u.kind == "dang_uy_xa" || u.kind == "dang_uy_thi_tran")
        })
        .collect();
    assert_eq!(grassroots.len(), 23, "Ba Tri town and its 22 communes");
    assert_eq!(
        grassroots
            .iter()
            .filter(|u| u.kind == "dang_uy_thi_tran")
            .count(),
        1
    );
    assert!(grassroots.iter().any(|u| u.name == "Đảng bộ xã An Thủy"));

    let an_thuy = unit_by_code(&app, "X-ANTHUY", "2021-06-01").await;
    let day_before = org::unit_detail(&app, &admin, an_thuy, d("2023-02-12"))
        .await
        .unwrap();
    assert_eq!(day_before.current.name, "Đảng bộ xã An Thủy");
    let upgraded = org::unit_detail(&app, &admin, an_thuy, d("2023-02-13"))
        .await
        .unwrap();
    assert_eq!(upgraded.current.name, "Đảng bộ thị trấn Tiệm Tôm");
    assert_eq!(upgraded.current.code, "TT-TIEMTOM");
    assert_eq!(upgraded.current.kind, "dang_uy_thi_tran");
    assert!(
        upgraded
            .events
            .iter()
            .any(|e| e.kind == "upgrade" && e.basis.as_deref() == Some("724/NQ-UBTVQH15"))
    );
    // Vietnamese order: "Chi bộ ấp 1" < "Chi bộ ấp 2" < "Chi bộ ấp 3".
    let cells: Vec<_> = upgraded.children.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(cells, ["Chi bộ ấp 1", "Chi bộ ấp 2", "Chi bộ ấp 3"]);

    let after_reform = org::units_as_of(&app, &admin, demo::reform_date())
        .await
        .unwrap();
    assert!(
        after_reform
            .iter()
            .all(|u| !u.code.starts_with("BTR") && u.code != "BT")
    );
    let vinh_long = after_reform.iter().find(|u| u.code == "VL").unwrap();
    let successors: Vec<_> = after_reform
        .iter()
        .filter(|u| u.parent_id == Some(vinh_long.id))
        .collect();
    assert_eq!(successors.len(), 7);
    assert!(successors.iter().all(|u| u.name.contains("minh họa")));
    // An Thủy's cells now hang from its successor; the unit itself ended the day before.
    let ended = org::unit_detail(&app, &admin, an_thuy, d("2026-01-01"))
        .await
        .unwrap();
    assert_eq!(ended.shown_on, d("2025-06-30"));
    assert_eq!(ended.lifetime.to, Some(d("2025-06-30")));
    let successor = &ended.successions[0];
    assert_eq!(successor.predecessor_id, an_thuy);
    assert!(successor.successor_name.contains("Tân Thủy"));
    let tan_thuy = org::unit_detail(&app, &admin, successor.successor_id, d("2026-01-01"))
        .await
        .unwrap();
    assert_eq!(
        tan_thuy.children.len(),
        6,
        "the cells of Tân Thủy and of Tiệm Tôm"
    );
    // The district's 2021 tree is still there after its dissolution.
    let district_2021 = org::unit_detail(&app, &admin, district.id, d("2026-01-01"))
        .await
        .unwrap();
    assert_eq!(district_2021.shown_on, d("2025-06-30"));
    assert!(district_2021.events.iter().any(|e| e.kind == "dissolve"));
}

async fn a_commune_editor_cannot_read_or_change_another_commune(t: TestDb) {
    let app = demo_app(&t).await;
    let anthuy = actor(&app, "anthuy").await;
    let an_thuy = unit_by_code(&app, "X-ANTHUY", "2021-06-01").await;
    let bao_thanh = unit_by_code(&app, "X-BAOTHANH", "2021-06-01").await;

    let visible = org::units_as_of(&app, &anthuy, d("2021-06-01"))
        .await
        .unwrap();
    assert_eq!(visible.len(), 4, "An Thủy and its three cells");
    assert!(
        visible
            .iter()
            .all(|u| u.id == an_thuy || u.parent_id == Some(an_thuy))
    );
    let detail = org::unit_detail(&app, &anthuy, an_thuy, d("2024-01-01"))
        .await
        .unwrap();
    assert!(detail.can_edit && !detail.can_manage);

    assert!(matches!(
        org::unit_detail(&app, &anthuy, bao_thanh, d("2021-06-01")).await,
        Err(AppError::Forbidden)
    ));
    let rename = UnitChange {
        kind: ChangeKind::Rename,
        code: None,
        name: Some("Xã lạ".into()),
        unit_kind: None,
        parent_id: None,
        version: 1,
    };
    let ctx = ChangeContext {
        effective_on: Some(d("2022-01-01")),
        ..Default::default()
    };
    assert!(matches!(
        org::change_unit(&app, &anthuy, bao_thanh, &rename, &ctx).await,
        Err(AppError::Forbidden)
    ));
    // An editor edits content, not structure, even in its own commune.
    assert!(matches!(
        org::change_unit(&app, &anthuy, an_thuy, &rename, &ctx).await,
        Err(AppError::Forbidden)
    ));

    let people_seen = people::list_persons(&app, &anthuy, None, 500, 0)
        .await
        .unwrap();
    assert_eq!(
        people_seen.len(),
        6,
        "three leaders and three cell secretaries"
    );
    let someone_else = people::list_persons(&app, &Actor::system("t", app.today()), None, 500, 0)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.posts.iter().all(|post| post.unit_id == bao_thanh))
        .unwrap();
    assert!(matches!(
        people::get_person(&app, &anthuy, someone_else.id).await,
        Err(AppError::Forbidden)
    ));
    let input = PersonInput {
        full_name: "Người Mới".into(),
        ..Default::default()
    };
    let post_elsewhere = PostInput {
        unit_id: Some(bao_thanh),
        title: "Ủy viên".into(),
        valid_from: Some(d("2021-01-01")),
        valid_to: None,
    };
    assert!(matches!(
        people::create_person(&app, &anthuy, &input, Some(&post_elsewhere), "user").await,
        Err(AppError::Forbidden)
    ));
    // In its own commune it may add a person; the transaction leaves nothing behind on refusal.
    let post_home = PostInput {
        unit_id: Some(an_thuy),
        title: "Ủy viên".into(),
        valid_from: Some(d("2021-01-01")),
        valid_to: Some(d("2025-06-30")),
    };
    let id = people::create_person(&app, &anthuy, &input, Some(&post_home), "user")
        .await
        .unwrap();
    assert_eq!(
        people::get_person(&app, &anthuy, id)
            .await
            .unwrap()
            .posts
            .len(),
        1
    );
    assert!(matches!(
        people::add_post(&app, &anthuy, id, &post_elsewhere).await,
        Err(AppError::Forbidden)
    ));
    assert!(matches!(
        history::unit_history(&app, &anthuy, an_thuy).await,
        Err(AppError::Forbidden)
    ));
}

async fn the_inspector_reads_everything_and_changes_nothing(t: TestDb) {
    let app = demo_app(&t).await;
    let kiemtra = actor(&app, "kiemtra").await;
    let bao_thanh = unit_by_code(&app, "X-BAOTHANH", "2021-06-01").await;
    let all = org::units_as_of(&app, &kiemtra, d("2021-06-01"))
        .await
        .unwrap();
    assert!(all.len() > 100);
    let history = history::unit_history(&app, &kiemtra, bao_thanh)
        .await
        .unwrap();
    assert_eq!(history.first().unwrap().action, "create");
    assert_eq!(history.last().unwrap().action, "merge");

    let ctx = ChangeContext {
        effective_on: Some(d("2022-01-01")),
        ..Default::default()
    };
    let new_unit = NewUnit {
        code: "X-NEW".into(),
        name: "Xã mới".into(),
        kind: "dang_uy_xa".into(),
        parent_id: Some(bao_thanh),
        valid_to: None,
    };
    assert!(matches!(
        org::create_unit(&app, &kiemtra, &new_unit, &ctx).await,
        Err(AppError::Forbidden)
    ));
    assert!(matches!(
        org::dissolve_unit(&app, &kiemtra, bao_thanh, 1, &ctx).await,
        Err(AppError::Forbidden)
    ));
    let someone = people::list_persons(&app, &kiemtra, None, 1, 0)
        .await
        .unwrap()
        .remove(0);
    assert!(!someone.can_edit && someone.can_read_history);
    let input = PersonInput {
        full_name: "Đổi Tên".into(),
        ..Default::default()
    };
    assert!(matches!(
        people::update_person(&app, &kiemtra, someone.id, &input, someone.row_version).await,
        Err(AppError::Forbidden)
    ));
    let account = NewAccount {
        username: "someone".into(),
        display_name: "Someone".into(),
        password: "long enough".into(),
        person_id: None,
    };
    assert!(matches!(
        accounts::create_account(&app, &kiemtra, &account).await,
        Err(AppError::Forbidden)
    ));
    assert!(
        history::recent_changes(&app, &kiemtra, None, 10)
            .await
            .unwrap()
            .len()
            == 10
    );
}

async fn structural_edits_are_validated_and_stale_ones_refused(t: TestDb) {
    let app = demo_app(&t).await;
    let admin = actor(&app, "admin").await;
    let district = unit_by_code(&app, "BTR", "2021-06-01").await;
    let bao_thanh = unit_by_code(&app, "X-BAOTHANH", "2021-06-01").await;
    let vinh_long = unit_by_code(&app, "VL", "2025-07-01").await;

    // A merge into a unit that does not exist on that date.
    let merge = MergeInput {
        sources: vec![bao_thanh],
        target_id: Some(vinh_long),
        ..Default::default()
    };
    let ctx = ChangeContext {
        effective_on: Some(d("2021-01-01")),
        ..Default::default()
    };
    match org::merge_units(&app, &admin, &merge, &ctx).await {
        Err(AppError::Invalid(e)) => {
            assert_eq!(e.code, "unit_not_valid_on_date");
            assert_eq!(e.field.as_deref(), Some("target_id"));
        }
        other => panic!("{other:?}"),
    }
    // A duplicate code, a cycle, an end before a start.
    let dup = NewUnit {
        code: "x-anthuy".into(),
        name: "Trùng mã".into(),
        kind: "dang_uy_xa".into(),
        parent_id: Some(district),
        valid_to: None,
    };
    let err = org::create_unit(&app, &admin, &dup, &ctx)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "duplicate_code");
    let cell = org::unit_detail(&app, &admin, bao_thanh, d("2021-06-01"))
        .await
        .unwrap()
        .children[0]
        .id;
    let detail = org::unit_detail(&app, &admin, bao_thanh, d("2021-06-01"))
        .await
        .unwrap();
    let cycle = UnitChange {
        kind: ChangeKind::Move,
        code: None,
        name: None,
        unit_kind: None,
        parent_id: Some(Some(cell)),
        version: detail.row_version,
    };
    assert_eq!(
        org::change_unit(&app, &admin, bao_thanh, &cycle, &ctx)
            .await
            .unwrap_err()
            .code(),
        "tree_cycle"
    );
    let backwards = NewUnit {
        valid_to: Some(d("2020-01-01")),
        code: "X-B".into(),
        ..dup.clone()
    };
    assert_eq!(
        org::create_unit(&app, &admin, &backwards, &ctx)
            .await
            .unwrap_err()
            .code(),
        "end_before_start"
    );

    // A rename with the version the user saw works once; the same stale form again is a conflict.
    let rename = UnitChange {
        kind: ChangeKind::Rename,
        code: None,
        name: Some("Đảng bộ xã Bảo Thạnh mới".into()),
        unit_kind: None,
        parent_id: None,
        version: detail.row_version,
    };
    let ctx = ChangeContext {
        effective_on: Some(d("2022-01-01")),
        ..Default::default()
    };
    org::change_unit(&app, &admin, bao_thanh, &rename, &ctx)
        .await
        .unwrap();
    let again = UnitChange {
        name: Some("Tên khác".into()),
        ..rename
    };
    let conflict = org::change_unit(&app, &admin, bao_thanh, &again, &ctx)
        .await
        .unwrap_err();
    assert!(matches!(conflict, AppError::Conflict { current: Some(_) }));
    assert_eq!(
        org::unit_detail(&app, &admin, bao_thanh, d("2022-06-01"))
            .await
            .unwrap()
            .current
            .name,
        "Đảng bộ xã Bảo Thạnh mới"
    );
    assert_eq!(
        org::unit_detail(&app, &admin, bao_thanh, d("2021-06-01"))
            .await
            .unwrap()
            .current
            .name,
        "Đảng bộ xã Bảo Thạnh"
    );

    // Splitting Bảo Thạnh in 2023 would orphan its recorded 2025 merger.
    let two_parts = |parent: UnitId, valid_to: Option<NaiveDate>| {
        ["A", "B"]
            .into_iter()
            .map(|p| NewUnit {
                code: format!("X-BT-{p}"),
                name: format!("Xã {p}"),
                kind: "dang_uy_xa".into(),
                parent_id: Some(parent),
                valid_to,
            })
            .collect::<Vec<_>>()
    };
    let version = org::unit_detail(&app, &admin, bao_thanh, d("2022-06-01"))
        .await
        .unwrap()
        .row_version;
    let split = org::SplitInput {
        parts: two_parts(district, Some(d("2025-06-30"))),
        children: Default::default(),
        version,
    };
    let ctx = ChangeContext {
        effective_on: Some(d("2023-01-01")),
        ..Default::default()
    };
    assert_eq!(
        org::split_unit(&app, &admin, bao_thanh, &split, &ctx)
            .await
            .unwrap_err()
            .code(),
        "later_versions_exist"
    );

    // Its 2025 successor can be split in 2026, once every party cell is given a new home.
    let successor = unit_by_code(&app, "X-BAOTHANH-2025", "2025-07-01").await;
    let detail = org::unit_detail(&app, &admin, successor, d("2026-01-01"))
        .await
        .unwrap();
    let mut split = org::SplitInput {
        parts: two_parts(vinh_long, None),
        children: Default::default(),
        version: detail.row_version,
    };
    let ctx = ChangeContext {
        effective_on: Some(d("2026-01-01")),
        ..Default::default()
    };
    assert_eq!(
        org::split_unit(&app, &admin, successor, &split, &ctx)
            .await
            .unwrap_err()
            .code(),
        "children_unassigned"
    );
    // Nothing of the refused split was left behind.
    assert!(
        !org::units_as_of(&app, &admin, d("2026-06-01"))
            .await
            .unwrap()
            .iter()
            .any(|u| u.code == "X-BT-A")
    );
    split.children = detail
        .children
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id, i % 2))
        .collect();
    let parts = org::split_unit(&app, &admin, successor, &split, &ctx)
        .await
        .unwrap();
    let part_a = org::unit_detail(&app, &admin, parts[0], d("2026-06-01"))
        .await
        .unwrap();
    let part_b = org::unit_detail(&app, &admin, parts[1], d("2026-06-01"))
        .await
        .unwrap();
    assert_eq!(
        part_a.children.len() + part_b.children.len(),
        detail.children.len()
    );
    assert!(
        part_a
            .successions
            .iter()
            .any(|s| s.predecessor_id == successor)
    );
    let ended = org::unit_detail(&app, &admin, successor, d("2026-06-01"))
        .await
        .unwrap();
    assert_eq!(ended.lifetime.to, Some(d("2025-12-31")));
}

async fn people_hold_concurrent_dated_posts(t: TestDb) {
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

async fn accounts_roles_tokens_and_throttled_logins(t: TestDb) {
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

async fn a_second_instance_sees_a_structural_change_at_once(t: TestDb) {
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

async fn writes_must_be_allowed_over_the_whole_period_they_change(t: TestDb) {
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

async fn subtree_administrators_stay_in_their_subtree(t: TestDb) {
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

async fn a_unit_that_ends_ends_its_posts(t: TestDb) {
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

async fn a_commune_editor_pages_through_its_own_people(t: TestDb) {
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
    assert_eq!(first.len() + second.len(), all.len());
    assert!(second.iter().all(|p| !first.iter().any(|q| q.id == p.id)));
}

/// Asks until `pass` holds: at once on SQLite (the epoch is read from the file), within 5 s on
/// PostgreSQL (another instance's change arrives as a notification).
async fn eventually<F, Fut>(t: &TestDb, what: &str, mut pass: F)
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

async fn a_kept_caller_ends_with_its_session_token_or_account_on_any_instance(t: TestDb) {
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

both_backends!(
    a_kept_caller_ends_with_its_session_token_or_account_on_any_instance,
    a_unit_that_ends_ends_its_posts,
    a_commune_editor_pages_through_its_own_people,
    writes_must_be_allowed_over_the_whole_period_they_change,
    subtree_administrators_stay_in_their_subtree,
    a_second_instance_sees_a_structural_change_at_once,
    the_demo_tree_changes_shape_over_time,
    a_commune_editor_cannot_read_or_change_another_commune,
    the_inspector_reads_everything_and_changes_nothing,
    structural_edits_are_validated_and_stale_ones_refused,
    people_hold_concurrent_dated_posts,
    accounts_roles_tokens_and_throttled_logins,
);
