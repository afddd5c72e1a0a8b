//! Criteria sets: the shipped catalogues installed once; a commune assessed by its office
//! against the version in force, each value checked against its criterion; the verdict, what is
//! missing and by how much; a stale edit refused; the history; the same values re-read under
//! another version; outsiders refused.

use super::*;
use rust_decimal::Decimal;
use trienkhai_app::AppError;
use trienkhai_app::criteria::{self, CatalogueHeader};
use trienkhai_app::criteria_assessments::{self as assessments, AssessmentInput};
use trienkhai_core::criteria::CatalogueKind;
use trienkhai_core::criteria::evaluate::{Value, Verdict};
use trienkhai_store::criteria::ValueEntry;

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn entry(code: &str, value: Value) -> ValueEntry {
    ValueEntry {
        code: code.into(),
        value,
        evidence: format!("Hồ sơ tiêu chí {code}"),
    }
}

pub(crate) async fn a_commune_is_assessed_against_the_catalogue_in_force_and_told_what_is_missing(
    t: TestDb,
) {
    let app = demo_app(&t).await;
    let admin = Actor::system("test", app.today());
    criteria::install_shipped(&app).await.unwrap();
    assert_eq!(criteria::install_shipped(&app).await.unwrap(), 0, "once");
    let list = criteria::catalogues(&app, &admin).await.unwrap();
    assert_eq!(list.len(), 9);
    let id_of = |code: &str, from: &str| {
        list.iter()
            .find(|c| c.code == code && c.effective_from == d(from))
            .unwrap_or_else(|| panic!("{code} {from}"))
            .id
    };
    let ntm = id_of("ntm-xa-2021-2025", "2021-01-01");
    let ntm_old = id_of("ntm-xa-2016-2020", "2016-01-01");
    let class_v_2016 = id_of("do-thi-loai-v", "2016-05-25");
    let class_v_2023 = id_of("do-thi-loai-v", "2023-01-01");
    let class_iv_2023 = id_of("do-thi-loai-iv", "2023-01-01");
    assert!(
        list.iter()
            .find(|c| c.id == class_v_2016)
            .unwrap()
            .to_verify
            > 0
    );

    let commune = unit_by_code(&app, "X-ANTHUY", "2021-06-01").await;
    let office = actor(&app, "anthuy").await;
    let mut values: Vec<ValueEntry> = (1..=19)
        .map(|i| entry(&i.to_string(), Value::Met(i != 17)))
        .collect();
    let input = |catalogue_id: i64, on: &str, values: Vec<ValueEntry>| AssessmentInput {
        unit_id: commune,
        catalogue_id,
        assessed_on: d(on),
        values,
        note: "Rà soát cuối năm".into(),
    };
    let v = assessments::assess(
        &app,
        &office,
        None,
        &input(ntm, "2021-06-30", values.clone()),
        None,
    )
    .await
    .unwrap();
    assert_eq!(
        (v.outcome.met, v.outcome.total, v.outcome.verdict),
        (18, 19, Verdict::NotPassed)
    );
    assert_eq!(v.outcome.missing.len(), 1);
    assert_eq!(v.outcome.missing[0].name, "Môi trường và an toàn thực phẩm");
    assert_eq!(v.assessment.values[0].evidence, "Hồ sơ tiêu chí 1");
    let first = v.assessment.id;

    // Refused: a version not in force that day, a figure for a met-or-not criterion, a code
    // the catalogue does not have, a cell's secretary.
    let refused = |r: Result<_, AppError>| match r {
        Err(AppError::Invalid(e)) => (e.code, e.field.unwrap_or_default()),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        refused(
            assessments::assess(
                &app,
                &office,
                None,
                &input(ntm_old, "2021-12-31", values.clone()),
                None
            )
            .await
        ),
        ("catalogue_not_in_force", "assessed_on".into())
    );
    let mut wrong = values.clone();
    wrong[1].value = Value::Figure(dec("3"));
    assert_eq!(
        refused(
            assessments::assess(&app, &office, None, &input(ntm, "2022-12-31", wrong), None).await
        ),
        ("value_kind", "values.2".into())
    );
    let mut unknown = values.clone();
    unknown.push(entry("20", Value::Met(true)));
    assert_eq!(
        refused(
            assessments::assess(
                &app,
                &office,
                None,
                &input(ntm, "2022-12-31", unknown),
                None
            )
            .await
        ),
        ("unknown_criterion", "values.20".into())
    );
    let secretary = actor(&app, "bithu").await;
    assert!(matches!(
        assessments::assess(
            &app,
            &secretary,
            None,
            &input(ntm, "2022-12-31", values.clone()),
            None
        )
        .await,
        Err(AppError::Forbidden)
    ));

    // The environment criterion met on review: the verdict follows; a stale edit is refused.
    values[16].value = Value::Met(true);
    let v = assessments::assess(
        &app,
        &office,
        Some(first),
        &input(ntm, "2021-06-30", values.clone()),
        Some(1),
    )
    .await
    .unwrap();
    assert_eq!(
        (v.outcome.verdict, v.assessment.row_version),
        (Verdict::Passed, 2)
    );
    assert!(matches!(
        assessments::assess(
            &app,
            &office,
            Some(first),
            &input(ntm, "2021-06-30", values.clone()),
            Some(1)
        )
        .await,
        Err(AppError::Conflict { .. })
    ));

    // An Thủy as the urban area it would become, class V, before Tiệm Tôm was established.
    let urban = vec![
        entry("1", Value::Figure(dec("18"))),
        entry("2.1", Value::Figure(dec("17173"))),
        entry("3.1", Value::Figure(dec("768"))),
        entry("3.2", Value::Figure(dec("5200"))),
        entry("4.1", Value::Figure(dec("60"))),
        entry("5", Value::Figure(dec("45"))),
    ];
    let town = assessments::assess(
        &app,
        &office,
        None,
        &input(class_v_2016, "2022-06-30", urban),
        None,
    )
    .await
    .unwrap();
    assert_eq!(town.outcome.points, Some(dec("80")));
    assert_eq!(town.outcome.verdict, Verdict::Passed);
    assert_eq!(town.outcome.missing[0].code, "3.1");
    assert_eq!(
        town.outcome.missing[0].short_by,
        Some(dec("232")),
        "1.000 − 768 người/km²"
    );

    // Re-read under the 2023 version (group 3 worth 8, not 6) and under class IV.
    let c = assessments::compare(&app, &office, town.assessment.id, class_v_2023)
        .await
        .unwrap();
    assert_eq!(
        (c.points_before, c.points_after),
        (Some(dec("80")), Some(dec("81")))
    );
    assert!(c.changed.is_empty(), "{:?}", c.changed);
    let c = assessments::compare(&app, &office, town.assessment.id, class_iv_2023)
        .await
        .unwrap();
    // 18 + 3 + 45 = 66 points; 2.2 and 4.2, unvalued, could bring 7 more: 73 < 75, settled.
    assert_eq!(
        (c.points_after, c.verdict_after),
        (Some(dec("66")), Verdict::NotPassed)
    );
    assert_eq!(c.unvalued, vec!["2.2".to_owned(), "4.2".to_owned()]);
    assert!(
        c.changed
            .iter()
            .any(|k| k.code == "2.1" && k.before == Some(true) && k.after == Some(false))
    );

    // The history: the demo's year-end reviews and these two, by day.
    let history = assessments::history(&app, &office, commune).await.unwrap();
    let days: Vec<NaiveDate> = history.iter().map(|h| h.assessed_on).collect();
    let mut sorted = days.clone();
    sorted.sort();
    assert_eq!(days, sorted);
    for id in [first, town.assessment.id] {
        assert!(history.iter().any(|h| h.id == id));
    }
    let urban_line = history.iter().find(|h| h.id == town.assessment.id).unwrap();
    assert_eq!(urban_line.class.as_deref(), Some("V"));

    // The demo: Ba Tri town short of two class-IV criteria in 2020, one in 2021.
    let town_unit = unit_by_code(&app, "TT-BATRI", "2021-06-01").await;
    let huyen = actor(&app, "huyenuy").await;
    let town_history = assessments::history(&app, &huyen, town_unit).await.unwrap();
    assert_eq!(town_history.len(), 2);
    let shortfalls = |id: i64| {
        let app = app.clone();
        let huyen = huyen.clone();
        async move {
            assessments::view(&app, &huyen, id)
                .await
                .unwrap()
                .outcome
                .missing
                .into_iter()
                .map(|m| m.code)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(shortfalls(town_history[0].id).await, vec!["2.2", "3.2"]);
    assert_eq!(shortfalls(town_history[1].id).await, vec!["2.2"]);
    let seen = assessments::view(&app, &secretary, first).await;
    // A cell's secretary reads their cell, not their commune's assessments.
    assert!(
        matches!(&seen, Err(AppError::Forbidden)),
        "{:?}",
        seen.map(|v| (v.can_edit, v.assessment.unit_id, commune))
    );

    // A province's own variant, dry run first; a bad row is told by its line; only keepers import.
    let header = CatalogueHeader {
        code: "ntm-ben-tre".into(),
        name: "Bộ tiêu chí xã nông thôn mới tỉnh Bến Tre".into(),
        kind: CatalogueKind::NewRural,
        class: None,
        region: Some("Bến Tre".into()),
        source: "Quyết định của UBND tỉnh (minh họa)".into(),
        effective_from: d("2022-06-01"),
        effective_to: Some(d("2025-12-31")),
        pass_mark: None,
    };
    let table = |rows: &[&str]| -> Vec<Vec<String>> {
        rows.iter()
            .map(|r| r.split(';').map(str::to_owned).collect())
            .collect()
    };
    let good = table(&[
        "Nhóm;Tên nhóm;Mã;Tiêu chí;Cách đánh giá;Ngưỡng;Đơn vị",
        "1;Kinh tế;10;Thu nhập bình quân đầu người;tối thiểu;60;triệu đồng/người/năm",
        "1;Kinh tế;11;Tỷ lệ hộ nghèo đa chiều;tối đa;3;%",
    ]);
    let dry = criteria::import(&app, &admin, &header, &good, true)
        .await
        .unwrap();
    assert_eq!(
        (dry.id, dry.catalogue.as_ref().map(|c| c.criteria.len())),
        (None, Some(2))
    );
    assert_eq!(
        criteria::catalogues(&app, &admin).await.unwrap().len(),
        9,
        "nothing kept"
    );
    let bad = table(&[
        "Nhóm;Tên nhóm;Mã;Tiêu chí;Cách đánh giá;Ngưỡng",
        "1;Kinh tế;10;Thu nhập;tối thiểu;sáu mươi",
    ]);
    let o = criteria::import(&app, &admin, &header, &bad, false)
        .await
        .unwrap();
    assert_eq!((o.errors.len(), o.errors[0].line, o.id), (1, 2, None));
    assert!(matches!(
        criteria::import(&app, &office, &header, &good, false).await,
        Err(AppError::Forbidden)
    ));
    let kept = criteria::import(&app, &admin, &header, &good, false)
        .await
        .unwrap();
    let kept = criteria::catalogue(&app, &admin, kept.id.unwrap())
        .await
        .unwrap();
    assert_eq!(kept.catalogue.region.as_deref(), Some("Bến Tre"));
    assert!(!kept.shipped);

    // The same variant sent as an Excel workbook: numbers typed as numbers read the same.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, heading) in [
        "Nhóm",
        "Tên nhóm",
        "Mã",
        "Tiêu chí",
        "Cách đánh giá",
        "Ngưỡng",
        "Đơn vị",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(0, c as u16, *heading).unwrap();
    }
    for (r, (code, name, how, threshold, unit)) in [
        (
            "10",
            "Thu nhập bình quân đầu người",
            "tối thiểu",
            62.5,
            "triệu đồng/người/năm",
        ),
        ("11", "Tỷ lệ hộ nghèo đa chiều", "tối đa", 2.0, "%"),
    ]
    .into_iter()
    .enumerate()
    {
        let r = r as u32 + 1;
        sheet.write_number(r, 0, 1).unwrap();
        sheet.write_string(r, 1, "Kinh tế").unwrap();
        sheet.write_string(r, 2, code).unwrap();
        sheet.write_string(r, 3, name).unwrap();
        sheet.write_string(r, 4, how).unwrap();
        sheet.write_number(r, 5, threshold).unwrap();
        sheet.write_string(r, 6, unit).unwrap();
    }
    let bytes = book.save_to_buffer().unwrap();
    let table = trienkhai_app::criteria_table::read_table(&bytes).unwrap();
    assert_eq!(table[1][5], "62,5");
    let from_excel = criteria::import(&app, &admin, &header, &table, true)
        .await
        .unwrap();
    let read = from_excel.catalogue.expect("read whole");
    assert_eq!(
        read.criteria[0].measure,
        trienkhai_core::criteria::Measure::Threshold {
            threshold: dec("62.5"),
            direction: trienkhai_core::criteria::Direction::Increase,
        }
    );
    assert_eq!(read.criteria[1].unit, "%");
}
