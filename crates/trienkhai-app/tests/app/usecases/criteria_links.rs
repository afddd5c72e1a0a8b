//! Criteria assessments feeding the plan: KT06 and KT07 count the communes meeting the
//! new-rural standard, plain and advanced, from their assessments (carried over the years, a new
//! year written for everyone, nobody typing them); an assessment's gaps turned into work items
//! of the plan in one transaction, or addressed by an item already there (the demo's DV01-DV05).

use super::*;
use trienkhai_app::AppError;
use trienkhai_app::criteria_assessments::{self as assessments, AssessmentInput};
use trienkhai_app::criteria_links::{self as links, GapInput};
use trienkhai_app::criteria_overview as overview;
use trienkhai_app::{documents, targets};
use trienkhai_core::criteria::CatalogueKind;
use trienkhai_core::criteria::evaluate::{Value, Verdict};
use trienkhai_core::ids::TargetId;
use trienkhai_core::period::Period;
use trienkhai_store::criteria::ValueEntry;

fn all_met(except: &[u32]) -> Vec<ValueEntry> {
    (1..=19)
        .map(|i| ValueEntry {
            code: i.to_string(),
            value: Value::Met(!except.contains(&i)),
            evidence: String::new(),
        })
        .collect()
}

pub(crate) async fn the_communes_meeting_the_standard_are_counted_and_gaps_become_work_items(
    t: TestDb,
) {
    let app = demo_app(&t).await;
    let admin = actor(&app, "admin").await;
    let btr = unit_by_code(&app, "BTR", "2021-06-01").await;
    let plan = documents::list_documents(&app, &admin, Some("02-NQ/HU"), None, None)
        .await
        .unwrap()[0]
        .document
        .id;
    let plan_targets = targets::targets_of_document(&app, &admin, plan)
        .await
        .unwrap();
    let target =
        |code: &str| -> TargetId { plan_targets.iter().find(|t| t.code == code).unwrap().id };
    let (kt06, kt07) = (target("KT06"), target("KT07"));
    let count = |id: TargetId, year: i32| {
        let (app, admin) = (app.clone(), admin.clone());
        async move {
            targets::figure(&app, &admin, id, btr, Period::Year(year))
                .await
                .unwrap()
                .value
                .map(|v| v.to_string())
        }
    };
    let link = links::target_link(&app, &admin, kt06).await.unwrap();
    assert_eq!(
        link.link.map(|l| l.catalogue_kind),
        Some(CatalogueKind::NewRural)
    );
    // KT06 is the 2021 resolution's: it counts 2021 only, 13 communes.
    assert_eq!(count(kt06, 2021).await.as_deref(), Some("13"));
    let outside = targets::figure(&app, &admin, kt06, btr, Period::Year(2022))
        .await
        .unwrap();
    assert_eq!(outside.counted, 0, "no value outside the resolution's year");
    assert_eq!(count(kt07, 2021).await.as_deref(), Some("1"));

    // The term's plan (2020-2025) counts every year, plain and advanced.
    let term = documents::register_document(
        &app,
        &admin,
        &documents::DocumentInput {
            number: "09-NQ/HU".into(),
            kind: "nghi_quyet".into(),
            issuer_unit_id: Some(btr),
            issued_on: Some(d("2020-10-20")),
            summary: "Nghị quyết nhiệm kỳ về xây dựng nông thôn mới (minh họa)".into(),
            phase: Some("2020..2025".into()),
            ..Default::default()
        },
        "user",
    )
    .await
    .unwrap();
    let count_target = |code: &str| targets::TargetInput {
        code: code.into(),
        name: format!("Số xã đạt chuẩn ({code})"),
        unit_of_measure: "xã".into(),
        value_type: "count".into(),
        direction: "increase".into(),
        aggregation: "count_achieving".into(),
        ..Default::default()
    };
    let (plain, advanced) = (
        targets::define_target(&app, &admin, term, &count_target("NTM1"), "user")
            .await
            .unwrap(),
        targets::define_target(&app, &admin, term, &count_target("NTM2"), "user")
            .await
            .unwrap(),
    );
    let written = links::link_target(&app, &admin, plain, CatalogueKind::NewRural)
        .await
        .unwrap();
    // 21 communes over five years; An Thủy, a town from 2023, over three.
    assert_eq!(written, 21 * 5 + 3);
    links::link_target(&app, &admin, advanced, CatalogueKind::NewRuralAdvanced)
        .await
        .unwrap();
    for (year, n) in [
        (2020, "9"),
        (2021, "13"),
        (2022, "16"),
        (2023, "17"),
        (2024, "19"),
    ] {
        assert_eq!(count(plain, year).await.as_deref(), Some(n), "{year}");
        // The overview page says the same of the same year.
        let o = overview::overview(&app, &admin, btr, CatalogueKind::NewRural, Some(year))
            .await
            .unwrap();
        assert_eq!(o.passed.to_string(), n, "overview {year}");
        assert_eq!(
            o.passed + o.not_passed + o.incomplete + o.unassessed,
            o.rows.len()
        );
    }
    // Unasked, the last year anyone was assessed; a kind nobody was assessed under says so,
    // on a district the 2025 reform ended.
    let latest = overview::overview(&app, &admin, btr, CatalogueKind::NewRural, None)
        .await
        .unwrap();
    assert_eq!((latest.year, latest.years.len()), (Some(2024), 5));
    let none = overview::overview(&app, &admin, btr, CatalogueKind::Custom, None)
        .await
        .unwrap();
    assert_eq!((none.year, none.rows.len()), (None, 0));
    // The advanced level: one commune at the end of 2021, a second (and one short) in 2022;
    // the first, assessed in 2021 only, still counts in 2022.
    assert_eq!(count(advanced, 2021).await.as_deref(), Some("1"));
    assert_eq!(count(advanced, 2022).await.as_deref(), Some("2"));
    let f = targets::figure(&app, &admin, advanced, btr, Period::Year(2022))
        .await
        .unwrap();
    assert_eq!(f.counted, 3, "three communes assessed by 2022");

    // Nobody types it.
    let history = |unit| {
        let (app, admin) = (app.clone(), admin.clone());
        async move { assessments::history(&app, &admin, unit).await.unwrap() }
    };
    let mut behind = None;
    for u in org::units_as_of(&app, &admin, d("2021-12-31"))
        .await
        .unwrap()
    {
        if !u.code.starts_with("X-") {
            continue;
        }
        let h = history(u.id).await;
        if h.iter().all(|l| l.verdict != Verdict::Passed) && !h.is_empty() {
            behind = Some(u.id);
        }
    }
    let behind = behind.expect("a commune never meeting the standard");
    let err = targets::record_actual(
        &app,
        &admin,
        kt06,
        behind,
        Period::Year(2021),
        &targets::ActualInput {
            value: Some(rust_decimal::Decimal::ONE),
            ..Default::default()
        },
        "user",
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), "target_computed");

    // Re-assessed at the end of 2024, it meets the standard: the count follows, in the same
    // transaction as the values.
    let last = history(behind).await.pop().unwrap();
    assert_eq!(last.assessed_on, d("2024-12-31"));
    let kept = assessments::view(&app, &admin, last.id).await.unwrap();
    let reassess = |values| AssessmentInput {
        unit_id: behind,
        catalogue_id: last.catalogue_id,
        assessed_on: last.assessed_on,
        values,
        note: String::new(),
    };
    let passed = assessments::assess(
        &app,
        &admin,
        Some(last.id),
        &reassess(all_met(&[])),
        Some(kept.assessment.row_version),
    )
    .await
    .unwrap();
    assert_eq!(passed.outcome.verdict, Verdict::Passed);
    assert_eq!(count(plain, 2024).await.as_deref(), Some("20"));
    assert_eq!(count(plain, 2023).await.as_deref(), Some("17"), "untouched");

    // The advanced level at the end of 2023, a year no one was assessed in yet: written for
    // every commune standing, the two carried over and this one.
    let kept_before = assessments::history(&app, &admin, behind).await.unwrap();
    let catalogue_advanced = trienkhai_app::criteria::catalogues(&app, &admin)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.code == "ntm-xa-nang-cao-2021-2025")
        .unwrap()
        .id;
    assert!(
        kept_before
            .iter()
            .all(|h| h.catalogue_id != catalogue_advanced)
    );
    assessments::assess(
        &app,
        &admin,
        None,
        &AssessmentInput {
            unit_id: behind,
            catalogue_id: catalogue_advanced,
            assessed_on: d("2023-12-31"),
            values: all_met(&[]),
            note: String::new(),
        },
        None,
    )
    .await
    .unwrap();
    assert_eq!(count(advanced, 2023).await.as_deref(), Some("3"));
    assert_eq!(
        count(advanced, 2022).await.as_deref(),
        Some("2"),
        "untouched"
    );
    assert_eq!(
        count(kt07, 2021).await.as_deref(),
        Some("1"),
        "the resolution's year only"
    );
    // A unit is assessed only while it exists.
    let gone = assessments::assess(
        &app,
        &admin,
        None,
        &AssessmentInput {
            unit_id: behind,
            catalogue_id: catalogue_advanced,
            assessed_on: d("2025-12-31"),
            values: all_met(&[]),
            note: String::new(),
        },
        None,
    )
    .await;
    assert!(
        matches!(&gone, Err(AppError::Invalid(e)) if e.code == "unit_not_alive"),
        "{:?}",
        gone.map(|_| ())
    );

    // The demo's work items address the urban areas' gaps.
    let town = unit_by_code(&app, "TT-BATRI", "2021-06-01").await;
    let town_history = history(town).await;
    let v2020 = assessments::view(&app, &admin, town_history[0].id)
        .await
        .unwrap();
    let addressed: Vec<(&str, &str)> = v2020
        .gap_items
        .iter()
        .map(|g| (g.criterion_code.as_str(), g.code.as_str()))
        .collect();
    assert_eq!(addressed, vec![("2.2", "DV01"), ("3.2", "DV01")]);
    let an_thuy = unit_by_code(&app, "X-ANTHUY", "2021-06-01").await;
    let whole = history(an_thuy)
        .await
        .into_iter()
        .find(|h| h.assessed_on == d("2022-12-31") && h.class.is_some())
        .unwrap();
    let lines = links::gap_items(&app, &admin, whole.id).await.unwrap();
    assert_eq!(
        (lines[0].criterion_code.as_str(), lines[0].code.as_str()),
        ("", "DV05")
    );

    // 2021's remaining gap becomes a work item of the plan, led by the town.
    let v2021 = town_history[1].id;
    let refused = |r: Result<_, AppError>| match r {
        Err(AppError::Invalid(e)) => (e.code, e.field.unwrap_or_default()),
        other => panic!("{:?}", other.map(|_| ())),
    };
    let new_items = |codes: &[&str]| GapInput {
        criterion_codes: codes.iter().map(|c| (*c).to_owned()).collect(),
        document_id: Some(plan),
        deadline: Some(d("2022-12-31")),
        ..Default::default()
    };
    assert_eq!(
        refused(links::address_gaps(&app, &admin, v2021, &new_items(&["3.2"])).await),
        ("criterion_not_missing", "criterion_codes".into())
    );
    assert_eq!(
        refused(links::address_gaps(&app, &admin, v2021, &GapInput::default()).await),
        ("required", "document_id".into())
    );
    let office = actor(&app, "anthuy").await;
    assert!(
        links::address_gaps(&app, &office, v2021, &new_items(&[]))
            .await
            .is_err(),
        "a commune office does not write the district's plan"
    );
    let made = links::address_gaps(&app, &admin, v2021, &new_items(&[]))
        .await
        .unwrap();
    assert_eq!(made.len(), 1);
    assert_eq!(made[0].criterion_code, "2.2");
    assert!(made[0].title.contains("Ba Tri"), "{}", made[0].title);
    let item = trienkhai_app::work_items::get_work_item(&app, &admin, made[0].work_item_id, None)
        .await
        .unwrap();
    assert_eq!(item.item.lead_unit_id, town);
    assert_eq!(item.item.deadline, d("2022-12-31"));
    // Twice: refused whole, nothing half made.
    assert_eq!(
        refused(links::address_gaps(&app, &admin, v2021, &new_items(&["2.2"])).await).0,
        "duplicate_code"
    );
    assert_eq!(
        links::gap_items(&app, &admin, v2021).await.unwrap().len(),
        1
    );
}
