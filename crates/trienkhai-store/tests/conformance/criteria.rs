//! Criteria catalogues and assessments: a shipped catalogue kept and read back whole, edited
//! under its version; assessments kept with their values, evidence and summary, one per unit,
//! catalogue and day, read per unit and over a span of days; the links to the plan (a count
//! target fed by assessments, the standings it reads, a work item addressing a gap).

use super::*;
use std::collections::HashMap;
use trienkhai_core::criteria::evaluate::{Value, Verdict, evaluate};
use trienkhai_core::criteria::shipped;
use trienkhai_store::criteria::{self as store, Assessment, ValueEntry};

pub(crate) async fn criteria_catalogues_and_assessments_read_back_whole(t: TestDb) {
    let district = create_unit(&t, "BTR", "Huyện ủy Ba Tri", None, "2000-01-01", None).await;
    let commune = create_unit(&t, "X-A", "Xã A", Some(district), "2000-01-01", None).await;
    let other = create_unit(&t, "X-B", "Xã B", Some(district), "2000-01-01", None).await;
    let all = shipped::catalogues().unwrap();
    let ntm = all.iter().find(|c| c.code == "ntm-xa-2021-2025").unwrap();
    let urban = all.iter().find(|c| c.code == "do-thi-loai-iv").unwrap();

    let mut tx = t.db.begin().await.unwrap();
    let ntm_id = store::insert_catalogue(&mut tx, ntm, true, now())
        .await
        .unwrap();
    let urban_id = store::insert_catalogue(&mut tx, urban, true, now())
        .await
        .unwrap();
    trienkhai_store::commit(tx).await.unwrap();
    let mut tx = t.db.begin().await.unwrap();
    let again = store::insert_catalogue(&mut tx, ntm, false, now()).await;
    assert!(matches!(again, Err(StoreError::Duplicate(_))), "{again:?}");
    drop(tx);

    let mut conn = t.db.reader().await.unwrap();
    let got = store::catalogue(&mut conn, ntm_id).await.unwrap();
    assert_eq!(
        (&got.catalogue, got.shipped, got.row_version),
        (ntm, true, 1)
    );
    let listed = store::catalogues(&mut conn).await.unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0].catalogue.code, "do-thi-loai-iv", "by code");
    assert!(matches!(
        store::catalogue(&mut conn, 999_999).await,
        Err(StoreError::NotFound)
    ));
    drop(conn);

    // The administrator corrects a threshold still to be checked; a stale edit is refused.
    let mut edited = urban.clone();
    edited.criteria[1].to_verify = false;
    let mut tx = t.db.begin().await.unwrap();
    let v = store::update_catalogue(&mut tx, urban_id, &edited, 1, now())
        .await
        .unwrap();
    assert_eq!(v, 2);
    let stale = store::update_catalogue(&mut tx, urban_id, &edited, 1, now()).await;
    assert!(matches!(stale, Err(StoreError::Conflict)));
    trienkhai_store::commit(tx).await.unwrap();

    // Assessments: values with their evidence and the evaluation's summary.
    let mut values: HashMap<String, Value> = ntm
        .criteria
        .iter()
        .map(|c| (c.code.clone(), Value::Met(true)))
        .collect();
    values.insert("17".into(), Value::Met(false));
    let outcome = evaluate(ntm, &values);
    let entries: Vec<ValueEntry> = ntm
        .criteria
        .iter()
        .map(|c| ValueEntry {
            code: c.code.clone(),
            value: values[&c.code],
            evidence: format!("Báo cáo tiêu chí {}", c.code),
        })
        .collect();
    let assessment = |unit: UnitId, on: &str| Assessment {
        id: 0,
        unit_id: unit,
        catalogue_id: ntm_id,
        assessed_on: d(on),
        values: entries.clone(),
        note: "Rà soát cuối năm".into(),
        met: outcome.met as u32,
        total: outcome.total as u32,
        points: outcome.points,
        verdict: outcome.verdict,
        row_version: 0,
    };
    let mut tx = t.db.begin().await.unwrap();
    let (first, v1) = store::save_assessment(&mut tx, &assessment(commune, "2021-12-31"), now())
        .await
        .unwrap();
    assert_eq!(v1, 1);
    store::save_assessment(&mut tx, &assessment(commune, "2022-12-31"), now())
        .await
        .unwrap();
    store::save_assessment(&mut tx, &assessment(other, "2022-12-31"), now())
        .await
        .unwrap();
    trienkhai_store::commit(tx).await.unwrap();
    let mut tx = t.db.begin().await.unwrap();
    let twice = store::save_assessment(&mut tx, &assessment(commune, "2021-12-31"), now()).await;
    assert!(matches!(twice, Err(StoreError::Duplicate(_))), "{twice:?}");
    drop(tx);

    let mut conn = t.db.reader().await.unwrap();
    let mut kept = store::assessment(&mut conn, first).await.unwrap();
    assert_eq!(kept.values, entries);
    assert_eq!(
        (kept.met, kept.total, kept.verdict, kept.points),
        (18, 19, Verdict::NotPassed, None)
    );
    drop(conn);

    // The criterion is met a year later: the values and the summary change together.
    kept.values[16].value = Value::Met(true);
    kept.met = 19;
    kept.verdict = Verdict::Passed;
    let mut tx = t.db.begin().await.unwrap();
    let (_, v2) = store::save_assessment(&mut tx, &kept, now()).await.unwrap();
    assert_eq!(v2, 2);
    let stale = store::save_assessment(&mut tx, &kept, now()).await;
    assert!(matches!(stale, Err(StoreError::Conflict)));
    trienkhai_store::commit(tx).await.unwrap();

    let mut conn = t.db.reader().await.unwrap();
    let history = store::assessments_of_unit(&mut conn, commune)
        .await
        .unwrap();
    let days: Vec<NaiveDate> = history.iter().map(|a| a.assessed_on).collect();
    assert_eq!(days, vec![d("2021-12-31"), d("2022-12-31")]);
    assert_eq!(history[0].verdict, Verdict::Passed);
    let span = store::assessments_between(&mut conn, &[ntm_id], d("2022-01-01"), d("2022-12-31"))
        .await
        .unwrap();
    let units: Vec<UnitId> = span.iter().map(|a| a.unit_id).collect();
    assert_eq!(units, vec![commune, other]);
    assert!(
        store::assessments_between(&mut conn, &[urban_id], d("2020-01-01"), d("2030-01-01"))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store::assessments_between(&mut conn, &[], d("2020-01-01"), d("2030-01-01"))
            .await
            .unwrap()
            .is_empty()
    );

    drop(conn);

    // The links to the plan: a count target fed by new-rural assessments, the standings it
    // reads, and a work item addressing a criterion one assessment misses.
    use trienkhai_core::criteria::CatalogueKind;
    use trienkhai_store::criteria_links::{self as links, CriteriaTarget, GapItem};
    let mut tx = t.db.begin().await.unwrap();
    let doc = insert_district_resolution(&mut tx, district, "user").await;
    let target = trienkhai_store::targets::insert_target(
        &mut tx,
        doc,
        &trienkhai_store::targets::TargetFields {
            code: "KT06".into(),
            name: "Số xã đạt chuẩn nông thôn mới (lũy kế)".into(),
            field_code: None,
            themes: vec![],
            unit_of_measure: "xã".into(),
            value_type: trienkhai_core::target::ValueType::Count,
            direction: trienkhai_core::target::Direction::Increase,
            aggregation: trienkhai_core::rollup::Aggregation::CountAchieving,
            over_time: trienkhai_core::over_time::OverTime::Latest,
            reporting_kinds: vec![],
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
    let item = trienkhai_store::work_items::insert_work_item(
        &mut tx,
        &trienkhai_store::work_items::WorkItemFields {
            document_id: doc,
            parent_id: None,
            concretizes: None,
            code: "DV09".into(),
            title: "Hoàn thiện tiêu chí môi trường".into(),
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
        d("2023-06-30"),
        now(),
    )
    .await
    .unwrap();
    assert_eq!(links::target_link(&mut tx, target).await.unwrap(), None);
    let mut link = CriteriaTarget {
        target_id: target,
        catalogue_kind: CatalogueKind::NewRuralAdvanced,
    };
    links::link_target(&mut tx, &link, now()).await.unwrap();
    link.catalogue_kind = CatalogueKind::NewRural;
    links::link_target(&mut tx, &link, now()).await.unwrap();
    let gap = GapItem {
        assessment_id: history[1].id,
        criterion_code: "17".into(),
        work_item_id: item,
    };
    assert!(links::add_gap_item(&mut tx, &gap, now()).await.unwrap());
    assert!(
        !links::add_gap_item(&mut tx, &gap, now()).await.unwrap(),
        "once"
    );
    trienkhai_store::commit(tx).await.unwrap();

    let mut conn = t.db.reader().await.unwrap();
    assert_eq!(
        links::target_link(&mut conn, target).await.unwrap(),
        Some(link)
    );
    assert_eq!(
        links::targets_fed_by(&mut conn, CatalogueKind::NewRural)
            .await
            .unwrap(),
        vec![link]
    );
    assert!(
        links::targets_fed_by(&mut conn, CatalogueKind::Urban)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(links::computed_ids(&mut conn).await.unwrap(), vec![target]);
    let all = links::standings(&mut conn, CatalogueKind::NewRural, None)
        .await
        .unwrap();
    assert_eq!(all.len(), 3);
    let mine = links::standings(&mut conn, CatalogueKind::NewRural, Some(commune))
        .await
        .unwrap();
    assert_eq!(
        mine.iter()
            .map(|s| (s.assessed_on, s.verdict))
            .collect::<Vec<_>>(),
        vec![
            (d("2021-12-31"), Verdict::Passed),
            (d("2022-12-31"), history[1].verdict)
        ]
    );
    assert!(
        links::standings(&mut conn, CatalogueKind::Urban, None)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        links::last_assessed_on(&mut conn, CatalogueKind::NewRural)
            .await
            .unwrap(),
        Some(d("2022-12-31"))
    );
    assert_eq!(
        links::last_assessed_on(&mut conn, CatalogueKind::Urban)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        links::gap_items(&mut conn, gap.assessment_id)
            .await
            .unwrap(),
        vec![gap]
    );
}
