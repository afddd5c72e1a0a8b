use super::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn version(
    id: i64,
    unit: i64,
    code: &str,
    name: &str,
    parent: Option<i64>,
    from: &str,
    to: Option<&str>,
) -> UnitVersion {
    UnitVersion {
        id: Some(UnitVersionId(id)),
        unit_id: UnitId(unit),
        code: UnitCode::parse(code).unwrap(),
        name: name.into(),
        kind: "dang_uy_xa".into(),
        parent_id: parent.map(UnitId),
        validity: Validity::new(d(from), to.map(d)).unwrap(),
    }
}

/// Province 1, district 2 under it, communes 3 and 4 and cell 5 under commune 3.
fn ba_tri() -> OrgState {
    OrgState::new(vec![
        version(
            1,
            1,
            "BT",
            "Tỉnh ủy Bến Tre",
            None,
            "1976-02-01",
            Some("2025-06-30"),
        ),
        version(
            2,
            2,
            "BTR",
            "Huyện ủy Ba Tri",
            Some(1),
            "1976-02-01",
            Some("2025-06-30"),
        ),
        version(
            3,
            3,
            "X-ANTHUY",
            "Đảng bộ xã An Thủy",
            Some(2),
            "1976-02-01",
            None,
        ),
        version(
            4,
            4,
            "X-BAOTHANH",
            "Đảng bộ xã Bảo Thạnh",
            Some(2),
            "1976-02-01",
            None,
        ),
        version(
            5,
            5,
            "CB-ANTHUY-1",
            "Chi bộ ấp 1",
            Some(3),
            "1990-01-01",
            None,
        ),
        version(6, 6, "VL", "Tỉnh ủy Vĩnh Long", None, "2025-07-01", None),
    ])
}

fn fix_open_ends(state: &mut OrgState) {
    // Everything under the district ends with it, as on 01/07/2025.
    for v in &mut state.versions {
        if v.validity.to.is_none() && v.unit_id != UnitId(6) {
            v.validity.to = Some(d("2025-06-30"));
        }
    }
}

fn valid_ba_tri() -> OrgState {
    let mut s = ba_tri();
    fix_open_ends(&mut s);
    s
}

#[test]
fn the_fixture_is_valid() {
    validate(&valid_ba_tri()).unwrap();
}

#[test]
fn a_child_outliving_its_parent_is_refused() {
    let err = validate(&ba_tri()).unwrap_err();
    assert_eq!(err.code, "parent_not_valid");
}

#[test]
fn upgrade_keeps_identity_and_changes_kind_and_name_on_its_date() {
    let state = valid_ba_tri();
    let changes = state
        .plan_new_version(
            UnitId(3),
            d("2023-02-13"),
            VersionChange {
                code: Some(UnitCode::parse("tt-tiemtom").unwrap()),
                name: Some("Đảng bộ thị trấn Tiệm Tôm".into()),
                kind: Some("dang_uy_thi_tran".into()),
                parent_id: None,
            },
        )
        .unwrap();
    let after = state.apply(&changes);
    validate(&after).unwrap();
    assert_eq!(
        after.version_at(UnitId(3), d("2023-02-12")).unwrap().name,
        "Đảng bộ xã An Thủy"
    );
    let upgraded = after.version_at(UnitId(3), d("2023-02-13")).unwrap();
    assert_eq!(upgraded.name, "Đảng bộ thị trấn Tiệm Tôm");
    assert_eq!(upgraded.code.as_str(), "TT-TIEMTOM");
    assert_eq!(upgraded.validity.to, Some(d("2025-06-30")));
    // The party cell still hangs from the same unit.
    assert_eq!(
        after
            .version_at(UnitId(5), d("2024-01-01"))
            .unwrap()
            .parent_id,
        Some(UnitId(3))
    );
}

#[test]
fn a_change_on_the_day_a_version_starts_replaces_it() {
    let state = valid_ba_tri();
    let changes = state
        .plan_new_version(
            UnitId(5),
            d("1990-01-01"),
            VersionChange {
                name: Some("Chi bộ ấp Một".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(changes.removed, vec![UnitVersionId(5)]);
    let after = state.apply(&changes);
    validate(&after).unwrap();
    assert_eq!(after.versions_of(UnitId(5)).count(), 1);
}

#[test]
fn moving_a_unit_under_its_own_descendant_is_a_cycle() {
    let state = valid_ba_tri();
    let changes = state
        .plan_new_version(
            UnitId(3),
            d("2021-01-01"),
            VersionChange {
                parent_id: Some(Some(UnitId(5))),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(
        validate(&state.apply(&changes)).unwrap_err().code,
        "tree_cycle"
    );
}

#[test]
fn a_code_used_by_another_unit_at_the_same_time_is_refused() {
    let state = valid_ba_tri();
    let changes = state
        .plan_new_version(
            UnitId(4),
            d("2021-01-01"),
            VersionChange {
                code: Some(UnitCode::parse("X-ANTHUY").unwrap()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(
        validate(&state.apply(&changes)).unwrap_err().code,
        "duplicate_code"
    );
}

#[test]
fn a_code_may_be_reused_once_its_holder_has_ended() {
    let mut state = valid_ba_tri();
    state.versions.push(version(
        7,
        7,
        "BT",
        "Reused code",
        Some(6),
        "2025-07-01",
        None,
    ));
    validate(&state).unwrap();
}

#[test]
fn overlapping_versions_of_one_unit_are_refused() {
    let mut state = valid_ba_tri();
    state.versions.push(version(
        8,
        4,
        "X-BAOTHANH",
        "Again",
        Some(2),
        "2020-01-01",
        Some("2020-12-31"),
    ));
    assert_eq!(validate(&state).unwrap_err().code, "overlapping_validity");
}

#[test]
fn merge_ends_sources_moves_their_children_and_links_successors() {
    let state = valid_ba_tri();
    let target = UnitVersion {
        id: None,
        unit_id: UnitId(9),
        code: UnitCode::parse("X-BATRI-MOI").unwrap(),
        name: "Đảng bộ xã Ba Tri (minh họa)".into(),
        kind: "dang_uy_xa".into(),
        parent_id: Some(UnitId(2)),
        validity: Validity::new(d("2024-01-01"), Some(d("2025-06-30"))).unwrap(),
    };
    let changes = state
        .plan_merge(
            &[UnitId(3), UnitId(4)],
            UnitId(9),
            Some(target),
            d("2024-01-01"),
        )
        .unwrap();
    let after = state.apply(&changes);
    validate(&after).unwrap();
    assert!(after.version_at(UnitId(3), d("2024-01-01")).is_none());
    assert_eq!(
        after
            .version_at(UnitId(5), d("2024-01-01"))
            .unwrap()
            .parent_id,
        Some(UnitId(9))
    );
    assert_eq!(
        after
            .version_at(UnitId(5), d("2023-12-31"))
            .unwrap()
            .parent_id,
        Some(UnitId(3))
    );
    assert_eq!(changes.successions.len(), 2);
    assert!(
        changes
            .successions
            .iter()
            .all(|s| s.successor_id == UnitId(9))
    );
}

#[test]
fn merge_into_a_unit_that_does_not_exist_on_that_date_is_refused() {
    let state = valid_ba_tri();
    let err = state
        .plan_merge(&[UnitId(3)], UnitId(6), None, d("2021-01-01"))
        .unwrap_err();
    assert_eq!(err.code, "unit_not_valid_on_date");
    assert_eq!(err.field.as_deref(), Some("target_id"));
}

#[test]
fn split_needs_every_child_assigned() {
    let state = valid_ba_tri();
    let part = |unit: i64, code: &str| UnitVersion {
        id: None,
        unit_id: UnitId(unit),
        code: UnitCode::parse(code).unwrap(),
        name: code.into(),
        kind: "dang_uy_xa".into(),
        parent_id: Some(UnitId(2)),
        validity: Validity::new(d("2022-01-01"), Some(d("2025-06-30"))).unwrap(),
    };
    let parts = vec![part(10, "X-A"), part(11, "X-B")];
    let err = state
        .plan_split(UnitId(3), parts.clone(), &HashMap::new(), d("2022-01-01"))
        .unwrap_err();
    assert_eq!(err.code, "children_unassigned");
    let assign = HashMap::from([(UnitId(5), UnitId(11))]);
    let changes = state
        .plan_split(UnitId(3), parts, &assign, d("2022-01-01"))
        .unwrap();
    let after = state.apply(&changes);
    validate(&after).unwrap();
    assert_eq!(
        after
            .version_at(UnitId(5), d("2022-01-01"))
            .unwrap()
            .parent_id,
        Some(UnitId(11))
    );
}

#[test]
fn dissolving_a_unit_with_children_is_refused() {
    let state = valid_ba_tri();
    assert_eq!(
        state
            .plan_dissolve(UnitId(2), d("2024-07-01"))
            .unwrap_err()
            .code,
        "unit_has_children"
    );
    let changes = state.plan_dissolve(UnitId(5), d("2024-07-01")).unwrap();
    let after = state.apply(&changes);
    validate(&after).unwrap();
    assert_eq!(after.lifetime(UnitId(5)).unwrap().to, Some(d("2024-06-30")));
}

#[test]
fn snapshot_shows_the_tree_of_its_date_in_vietnamese_order() {
    let state = valid_ba_tri();
    let snap = TreeSnapshot::at(d("2021-06-01"), &state.versions);
    assert_eq!(snap.len(), 5);
    assert_eq!(snap.roots(), &[UnitId(1)]);
    assert_eq!(snap.children(UnitId(2)), &[UnitId(3), UnitId(4)]);
    assert!(snap.is_within(UnitId(5), UnitId(1)));
    assert!(!snap.is_within(UnitId(4), UnitId(3)));
    let walked: Vec<usize> = snap.walk().iter().map(|(depth, _)| *depth).collect();
    assert_eq!(walked, vec![0, 1, 2, 3, 2]);
    let later = TreeSnapshot::at(d("2025-07-01"), &state.versions);
    assert_eq!(later.roots(), &[UnitId(6)]);
}

#[test]
fn unit_codes_are_plain_and_upper_case() {
    assert_eq!(UnitCode::parse(" x-anthuy ").unwrap().as_str(), "X-ANTHUY");
    assert_eq!(
        UnitCode::parse("X ĐÔNG").unwrap_err().code,
        "code_invalid_char"
    );
    assert_eq!(UnitCode::parse("").unwrap_err().code, "required");
}

#[test]
fn ending_a_unit_before_its_recorded_merge_is_refused() {
    let state = valid_ba_tri();
    let target = UnitVersion {
        id: None,
        unit_id: UnitId(9),
        code: UnitCode::parse("X-NEW").unwrap(),
        name: "Xã mới".into(),
        kind: "dang_uy_xa".into(),
        parent_id: Some(UnitId(2)),
        validity: Validity::new(d("2024-01-01"), Some(d("2025-06-30"))).unwrap(),
    };
    let changes = state
        .plan_merge(&[UnitId(4)], UnitId(9), Some(target), d("2024-01-01"))
        .unwrap();
    let merged = state.apply(&changes);
    validate(&merged).unwrap();
    // Bảo Thạnh is recorded as merged on 01/01/2024; dissolving it in 2023 would orphan that.
    assert_eq!(
        merged
            .plan_dissolve(UnitId(4), d("2023-06-01"))
            .unwrap_err()
            .code,
        "later_versions_exist"
    );
    assert_eq!(
        merged
            .plan_merge(&[UnitId(4)], UnitId(3), None, d("2023-06-01"))
            .unwrap_err()
            .code,
        "later_versions_exist"
    );
}

#[test]
fn merging_a_unit_with_its_own_sub_unit_is_refused() {
    let state = valid_ba_tri();
    let err = state
        .plan_merge(&[UnitId(3), UnitId(5)], UnitId(4), None, d("2024-01-01"))
        .unwrap_err();
    assert_eq!(err.code, "merge_nested_sources");
}

#[test]
fn a_child_that_changes_later_blocks_the_merge_of_its_parent() {
    let state = valid_ba_tri();
    let renamed = state
        .plan_new_version(
            UnitId(5),
            d("2024-06-01"),
            VersionChange {
                name: Some("Chi bộ ấp Một".into()),
                ..Default::default()
            },
        )
        .unwrap();
    let state = state.apply(&renamed);
    validate(&state).unwrap();
    let err = state
        .plan_merge(&[UnitId(3)], UnitId(4), None, d("2024-01-01"))
        .unwrap_err();
    assert_eq!(err.code, "later_versions_exist");
}

#[test]
fn a_unit_cannot_end_on_the_day_it_begins() {
    let state = valid_ba_tri();
    assert_eq!(
        state
            .plan_dissolve(UnitId(5), d("1990-01-01"))
            .unwrap_err()
            .code,
        "end_before_start"
    );
    assert!(state.plan_dissolve(UnitId(5), d("1990-01-02")).is_ok());
}
