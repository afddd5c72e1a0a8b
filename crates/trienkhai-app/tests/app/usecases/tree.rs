//! The dated tree: its history, scope of editors and inspectors, structural edits.

use super::*;
use chrono::NaiveDate;
use trienkhai_app::accounts::{self, NewAccount};
use trienkhai_app::org::{self, ChangeContext, ChangeKind, MergeInput, NewUnit, UnitChange};
use trienkhai_app::people::{self, PersonInput, PostInput};
use trienkhai_app::{Actor, AppError, demo, history};
use trienkhai_core::ids::UnitId;
use trienkhai_testkit::TestDb;

pub(crate) async fn the_demo_tree_changes_shape_over_time(t: TestDb) {
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
        // The province office's cell (the demo's 2026 ratings) is no successor of a commune.
        .filter(|u| u.parent_id == Some(vinh_long.id) && u.code != "CB-VPTU")
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

pub(crate) async fn a_commune_editor_cannot_read_or_change_another_commune(t: TestDb) {
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
        21,
        "three leaders, three cell secretaries, the fourteen members of two cells and the member admitted in August 2021 (the demo's ratings)"
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

pub(crate) async fn the_inspector_reads_everything_and_changes_nothing(t: TestDb) {
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

pub(crate) async fn structural_edits_are_validated_and_stale_ones_refused(t: TestDb) {
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
