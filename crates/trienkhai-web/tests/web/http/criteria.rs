//! Criteria sets through the API: the shipped catalogues listed; the demo's history of a
//! commune; an assessment refused value by value with the field named, kept, changed under its
//! version and re-read under another catalogue version; a province's table imported dry.

use super::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use trienkhai_testkit::TestDb;

pub(crate) async fn criteria_assessments_go_through_the_api(t: TestDb) {
    let app = spawn(t).await;
    let office = token(&app, "anthuy").await;
    let commune = unit_id(&app, &office, "X-ANTHUY", "2021-06-01").await;
    let (status, list) = get(&app, &office, "/api/v1/criteria/catalogues").await;
    assert_eq!(status, StatusCode::OK);
    let catalogue = |code: &str, year: &str| -> i64 {
        list.as_array()
            .unwrap()
            .iter()
            .find(|c| {
                c["code"] == code
                    && c["effective_from"].as_str().unwrap() <= year
                    && c["effective_to"].as_str().is_none_or(|to| year <= to)
            })
            .unwrap_or_else(|| panic!("{code} {year}: {list}"))["id"]
            .as_i64()
            .unwrap()
    };
    let ntm = catalogue("ntm-xa-2021-2025", "2021-06-30");
    let class_v = catalogue("do-thi-loai-v", "2021-06-30");
    let (_, whole) = get(&app, &office, &format!("/api/v1/criteria/catalogues/{ntm}")).await;
    assert_eq!(
        whole["catalogue"]["criteria"].as_array().map(Vec::len),
        Some(19)
    );

    // The demo: the year-end new-rural reviews while it was a commune (2020-2022) and the
    // class-V one of 2022.
    let (status, history) = get(
        &app,
        &office,
        &format!("/api/v1/units/{commune}/criteria-assessments"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{history}");
    assert_eq!(history.as_array().map(Vec::len), Some(4), "{history}");

    let met = |i: u32, ok: bool| json!({ "code": i.to_string(), "met": ok, "evidence": "Báo cáo" });
    let mut values: Vec<Value> = (1..=19).map(|i| met(i, i != 10)).collect();
    let body = |values: &[Value]| json!({ "unit_id": commune, "catalogue_id": ntm, "assessed_on": "2021-06-30", "values": values });
    for (bad, field) in [
        (json!({ "code": "2", "figure": "3" }), "values.2"),
        (json!({ "code": "2", "met": true, "figure": 3 }), "values.2"),
        (json!({ "code": "2" }), "values.2"),
    ] {
        let mut wrong = values.clone();
        wrong[1] = bad;
        let (status, err) = send(
            &app,
            &office,
            "POST",
            "/api/v1/criteria/assessments",
            body(&wrong),
        )
        .await;
        assert_eq!(
            (status, err["code"].as_str(), err["field"].as_str()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                Some("value_kind"),
                Some(field)
            ),
            "{err}"
        );
    }
    let (status, kept) = send(
        &app,
        &office,
        "POST",
        "/api/v1/criteria/assessments",
        body(&values),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{kept}");
    assert_eq!(kept["outcome"]["verdict"], "not_passed");
    assert_eq!(kept["outcome"]["missing"][0]["name"], "Thu nhập");
    let id = kept["assessment"]["id"].as_i64().unwrap();

    values[9] = met(10, true);
    let put = |version: i64, values: &[Value]| json!({ "version": version, "values": values });
    let (status, changed) = send(
        &app,
        &office,
        "PUT",
        &format!("/api/v1/criteria/assessments/{id}"),
        put(1, &values),
    )
    .await;
    assert_eq!(
        (status, changed["outcome"]["verdict"].as_str()),
        (StatusCode::OK, Some("passed")),
        "{changed}"
    );
    let (status, _) = send(
        &app,
        &office,
        "PUT",
        &format!("/api/v1/criteria/assessments/{id}"),
        put(1, &values),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);

    let (status, err) = get(
        &app,
        &office,
        &format!("/api/v1/criteria/assessments/{id}/comparison"),
    )
    .await;
    assert_eq!(
        (status, err["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("catalogue_id")),
        "{err}"
    );
    let (status, c) = get(
        &app,
        &office,
        &format!("/api/v1/criteria/assessments/{id}/comparison?catalogue_id={class_v}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{c}");
    assert_eq!(c["verdict_after"], "incomplete", "no figure is valued: {c}");

    // A province's own table, dry: the bad row answered with its line; only keepers import.
    let import = json!({
        "code": "ntm-ben-tre", "name": "Bộ tiêu chí tỉnh Bến Tre", "kind": "new_rural",
        "region": "Bến Tre", "source": "minh họa", "effective_from": "2022-06-01",
        "table": [["Nhóm", "Tên nhóm", "Mã", "Tiêu chí", "Cách đánh giá", "Ngưỡng"],
                  ["1", "Kinh tế", "10", "Thu nhập", "tối thiểu", "sáu mươi"]],
        "dry_run": true
    });
    let (status, _) = send(
        &app,
        &office,
        "POST",
        "/api/v1/criteria/catalogues",
        import.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let admin = token(&app, "admin").await;
    let (status, o) = send(&app, &admin, "POST", "/api/v1/criteria/catalogues", import).await;
    assert_eq!(status, StatusCode::OK, "{o}");
    assert_eq!(
        (
            o["errors"][0]["line"].as_u64(),
            o["errors"][0]["field"].as_str()
        ),
        (Some(2), Some("threshold")),
        "{o}"
    );
    assert!(o["id"].is_null());

    // A shipped class-V threshold checked against the text; a figure its measure has not is
    // refused; a stale version too.
    let (_, read) = get(
        &app,
        &admin,
        &format!("/api/v1/criteria/catalogues/{class_v}"),
    )
    .await;
    let version = read["row_version"].as_i64().unwrap();
    let path = format!("/api/v1/criteria/catalogues/{class_v}");
    let (status, err) = send(
        &app,
        &admin,
        "PUT",
        &path,
        json!({ "version": version, "criteria": [{ "code": "1", "threshold": "20" }] }),
    )
    .await;
    assert_eq!(
        (status, err["code"].as_str(), err["field"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("value_kind"),
            Some("criteria.1")
        ),
        "{err}"
    );
    let figures = json!({ "version": version, "criteria": [{ "code": "2.1", "threshold": "4000", "to_verify": false }] });
    let (status, saved) = send(&app, &admin, "PUT", &path, figures.clone()).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["row_version"].as_i64(), Some(version + 1));
    let (status, _) = send(&app, &admin, "PUT", &path, figures).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (_, read) = get(&app, &admin, &path).await;
    let c = read["catalogue"]["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "2.1")
        .unwrap()
        .clone();
    assert_eq!(c["to_verify"], false, "{c}");

    // KT06 is computed from the assessments: its source told, a typed value refused.
    let (_, docs) = get(&app, &admin, "/api/v1/documents?number=02-NQ/HU").await;
    let plan = docs[0]["id"].as_i64().unwrap();
    let (_, targets) = get(&app, &admin, &format!("/api/v1/documents/{plan}/targets")).await;
    let target = |code: &str| {
        targets
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["code"] == code)
            .unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    let (status, source) = get(
        &app,
        &admin,
        &format!("/api/v1/targets/{}/criteria-source", target("KT06")),
    )
    .await;
    assert_eq!(
        (status, source["link"]["catalogue_kind"].as_str()),
        (StatusCode::OK, Some("new_rural")),
        "{source}"
    );
    let (status, err) = send(
        &app,
        &admin,
        "PUT",
        &format!("/api/v1/targets/{}/criteria-source", target("XD01")),
        json!({ "catalogue_kind": "new_rural" }),
    )
    .await;
    assert_eq!(
        (status, err["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("target_not_count")),
        "{err}"
    );

    // Ba Tri's remaining class-IV gap of 2021 becomes a work item of the plan.
    let town = unit_id(&app, &admin, "TT-BATRI", "2021-06-01").await;
    let (_, history) = get(
        &app,
        &admin,
        &format!("/api/v1/units/{town}/criteria-assessments"),
    )
    .await;
    let v2021 = history[1]["id"].as_i64().unwrap();
    let (status, err) = send(
        &app,
        &admin,
        "POST",
        &format!("/api/v1/criteria/assessments/{v2021}/gap-items"),
        json!({ "criterion_codes": ["1"], "document_id": plan, "deadline": "2022-12-31" }),
    )
    .await;
    assert_eq!(
        (status, err["code"].as_str(), err["field"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("criterion_not_missing"),
            Some("criterion_codes")
        ),
        "{err}"
    );
    let (status, made) = send(
        &app,
        &admin,
        "POST",
        &format!("/api/v1/criteria/assessments/{v2021}/gap-items"),
        json!({ "document_id": plan, "deadline": "2022-12-31" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{made}");
    assert_eq!(made[0]["criterion_code"], "2.2", "{made}");
    let (_, seen) = get(
        &app,
        &admin,
        &format!("/api/v1/criteria/assessments/{v2021}"),
    )
    .await;
    assert_eq!(seen["gap_items"][0]["code"], made[0]["code"], "{seen}");
}
