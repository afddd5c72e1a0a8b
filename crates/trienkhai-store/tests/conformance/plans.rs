//! Documents, targets, values, quotas, actuals and work items.

use super::*;
use trienkhai_core::validity::Validity;
use trienkhai_store::StoreError;
use trienkhai_testkit::TestDb;

pub(crate) async fn plans_are_stored_and_read_back_with_version_checks(t: TestDb) {
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
    let before = targets::values_version(&mut tx, target, Period::Year(2021))
        .await
        .unwrap();
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
    let at_quota = targets::values_version(&mut tx, target, Period::Year(2021))
        .await
        .unwrap();
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
        &targets::UnitShards::All,
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
        targets::values_version(&mut tx, TargetId(999_999), Period::Year(2021)).await,
        Err(StoreError::NotFound)
    ));
    // A unit's values of one period in a batch: new ones inserted, a changed one checked
    // against the version seen, all of the period read back at once.
    let june = Period::Month(2021, 6);
    let (five, six) = (
        Observation::Value { value: dec("5") },
        Observation::Value { value: dec("6") },
    );
    let before_batch = targets::values_version(&mut tx, target, Period::Year(2021))
        .await
        .unwrap();
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
        targets::values_version(&mut tx, target, Period::Year(2021))
            .await
            .unwrap(),
        before_batch + 1
    );
    let listed: std::collections::HashMap<TargetId, i64> =
        targets::values_versions_of_document(&mut tx, doc, Period::Year(2021))
            .await
            .unwrap()
            .into_iter()
            .collect();
    assert_eq!(listed[&target], before_batch + 1);
    assert_eq!(
        listed[&lower],
        targets::values_version(&mut tx, lower, Period::Year(2021))
            .await
            .unwrap()
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
    actuals_are_read_in_bulk_by_shard_and_year(&mut tx, doc, lower, district, commune).await;

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
    // A part's schedule, read light for its parent's state.
    let parts = work_items::part_schedules(&mut tx, &[item, sub])
        .await
        .unwrap();
    assert_eq!(parts.len(), 1, "{parts:?}");
    assert_eq!(parts[0].0, item);
    assert_eq!(parts[0].1, trienkhai_core::work_item::Progress::NotStarted);
    assert_eq!(parts[0].2, d("2021-12-31"));
    assert_eq!(parts[0].3, None);
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
