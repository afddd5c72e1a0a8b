//! Reports through review, calendars and evidence.

use super::*;
use chrono::Duration;
use trienkhai_store::StoreError;
use trienkhai_testkit::TestDb;

pub(crate) async fn reports_move_through_review_with_revisions_and_evidence(t: TestDb) {
    use trienkhai_core::ids::WorkItemId;
    use trienkhai_core::period::Period;
    use trienkhai_core::reporting::{Cadence, DeadlineRule, ReportState};
    use trienkhai_store::reports::{self, StateChange};
    use trienkhai_store::work_items;
    let district = create_unit(&t, "BTR", "Huyện ủy Ba Tri", None, "2000-01-01", None).await;
    let commune = create_unit(&t, "X-A", "Xã A", Some(district), "2000-01-01", None).await;
    let mut tx = t.db.begin().await.unwrap();
    let doc = insert_district_resolution(&mut tx, district, "user").await;
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
            let within = targets::reported_within(
                &mut tx,
                target,
                start,
                end,
                counted,
                at,
                &targets::UnitShards::All,
            )
            .await
            .unwrap();
            assert_eq!(within.len(), expected, "{counted:?} at {at:?}");
        }
        // Between submission and acceptance the value was pending, as submitted; before it
        // was recorded, it was nothing.
        assert_eq!(
            targets::pending_within(
                &mut tx,
                target,
                start,
                end,
                Counted::Accepted,
                hours(1),
                &targets::UnitShards::All
            )
            .await
            .unwrap(),
            [(commune, april, ReportState::Submitted)]
        );
        for at in [hours(-1), hours(3), None] {
            assert!(
                targets::pending_within(
                    &mut tx,
                    target,
                    start,
                    end,
                    Counted::Accepted,
                    at,
                    &targets::UnitShards::All
                )
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
    // The same line read from the item's side, with the report it is in.
    let by_item = reports::lines_of_items(&mut tx, &[WorkItemId(item.0)])
        .await
        .unwrap();
    assert_eq!(by_item.len(), 1);
    assert_eq!(by_item[0].0.id, second);
    assert_eq!(by_item[0].1.percent, Some(80));
    assert!(
        reports::lines_of_items(&mut tx, &[WorkItemId(item.0 + 1000)])
            .await
            .unwrap()
            .is_empty()
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
