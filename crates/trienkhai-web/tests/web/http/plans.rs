//! Plans over HTTP: the interface, recording values, plan pages.

use super::*;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use trienkhai_testkit::TestDb;

pub(crate) async fn the_plan_interface_later_checks_rely_on(t: TestDb) {
    let app = spawn(t).await;
    let admin = token(&app, "admin").await;
    let (status, docs) = get(&app, &admin, "/api/v1/documents?number=02-NQ/HU").await;
    assert_eq!(status, StatusCode::OK);
    let doc = &docs.as_array().unwrap()[0];
    assert_eq!(docs.as_array().unwrap().len(), 1);
    for key in [
        "id",
        "number",
        "kind",
        "issuer_unit_id",
        "issued_on",
        "summary",
        "concretizes",
    ] {
        assert!(doc.get(key).is_some(), "document has {key}");
    }
    assert_eq!(doc["number"], "02-NQ/HU");
    assert_eq!(doc["issued_on"], "2020-12-22");
    let id = doc["id"].as_i64().unwrap();
    // The spelling people type finds it too.
    let (_, same) = get(&app, &admin, "/api/v1/documents?number=02-nq%2Fhu").await;
    assert_eq!(same[0]["id"], id);
    let (status, bad) = get(&app, &admin, "/api/v1/documents?number=02-NQ").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad["field"], "number");

    let (_, targets) = get(&app, &admin, &format!("/api/v1/documents/{id}/targets")).await;
    let targets = targets.as_array().unwrap();
    assert_eq!(targets.len(), 22);
    for key in ["id", "code", "name", "direction", "aggregation"] {
        assert!(targets[0].get(key).is_some(), "target has {key}");
    }
    let (_, items) = get(&app, &admin, &format!("/api/v1/documents/{id}/work-items")).await;
    let items = items.as_array().unwrap();
    assert_eq!(items.len(), 29);
    for key in ["id", "title", "lead_unit_id", "deadline", "state"] {
        assert!(items[0].get(key).is_some(), "work item has {key}");
    }

    let district = unit_id(&app, &admin, "BTR", "2021-06-01").await;
    let poverty = targets.iter().find(|t| t["code"] == "XH01").unwrap()["id"]
        .as_i64()
        .unwrap();
    let (status, r) = get(
        &app,
        &admin,
        &format!("/api/v1/targets/{poverty}/rollup?unit_id={district}&period=2021"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert!(r["value"].is_string(), "exact decimal: {}", r["value"]);
    assert!(r["status"].is_string());
    let explanation = &r["explanation"];
    assert_eq!(explanation["rule"], "ratio");
    // The figure comes with its formula and how many inputs it is made of; the inputs
    // themselves on request, a page at a time, the pages together being all of them.
    assert_eq!(explanation["inputs_total"], 23);
    assert!(explanation.get("inputs").is_none());
    assert!(explanation["formula"].as_str().unwrap().contains("× 100"));
    let inputs = format!("/api/v1/targets/{poverty}/rollup/inputs?unit_id={district}&period=2021");
    let (status, first) = get(&app, &admin, &format!("{inputs}&limit=20")).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(
        (first["total"].as_i64(), first["offset"].as_i64()),
        (Some(23), Some(0))
    );
    let (_, rest) = get(&app, &admin, &format!("{inputs}&limit=20&offset=20")).await;
    let (_, all) = get(&app, &admin, &inputs).await;
    let units = |page: &serde_json::Value| -> Vec<i64> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["unit_id"].as_i64().unwrap())
            .collect()
    };
    assert_eq!((units(&first).len(), units(&rest).len()), (20, 3));
    assert_eq!([units(&first), units(&rest)].concat(), units(&all));
    assert!(all["items"][0]["treatment"].is_string());
    let (_, beyond) = get(&app, &admin, &format!("{inputs}&offset=500")).await;
    assert!(units(&beyond).is_empty());
    let (status, bad) = get(
        &app,
        &admin,
        &format!("/api/v1/targets/{poverty}/rollup?unit_id={district}&period=2021-13"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        (bad["code"].as_str(), bad["field"].as_str()),
        (Some("period_invalid"), Some("period"))
    );
    assert!(bad["message"].as_str().unwrap().contains("2021-Q3"));

    let (status, overview) = get(
        &app,
        &admin,
        &format!("/api/v1/documents/{id}/overview?period=2021"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(overview["headline"]["total"], 22);
}

pub(crate) async fn a_commune_editor_records_values_for_its_commune_only_over_http(t: TestDb) {
    let app = spawn(t).await;
    let admin = token(&app, "admin").await;
    let anthuy = token(&app, "anthuy").await;
    let (_, docs) = get(&app, &admin, "/api/v1/documents?number=02-NQ/HU").await;
    let id = docs[0]["id"].as_i64().unwrap();
    let (_, targets) = get(&app, &admin, &format!("/api/v1/documents/{id}/targets")).await;
    let firms = targets
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["code"] == "KT05")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let own = unit_id(&app, &admin, "X-ANTHUY", "2021-06-01").await;
    let other = unit_id(&app, &admin, "X-ANDUC", "2021-06-01").await;
    let path = format!("/api/v1/targets/{firms}/actuals");
    let (status, body) = send(
        &app,
        &anthuy,
        "put",
        &path,
        json!({"unit_id": other, "period": "2022-01", "value": 2}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, written) = send(
        &app,
        &anthuy,
        "put",
        &path,
        json!({"unit_id": own, "period": "2022-01", "value": "2"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{written}");
    assert_eq!(written["row_version"], 1);
    // The same value again without the version read: a conflict, with the current record.
    let (status, conflict) = send(
        &app,
        &anthuy,
        "put",
        &path,
        json!({"unit_id": own, "period": "2022-01", "value": "3"}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(conflict["code"], "conflict");
    let (status, bad) = send(
        &app,
        &anthuy,
        "put",
        &path,
        json!({"unit_id": own, "period": "2022-02", "value": "1,5"}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad["field"], "value");
    let (status, _) = get(
        &app,
        &anthuy,
        &format!("/api/v1/targets/{firms}/rollup?unit_id={other}&period=2021"),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, mine) = get(&app, &anthuy, &format!("/api/v1/units/{own}/plan")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!mine["done"].as_array().unwrap().is_empty());
}

pub(crate) async fn plan_pages_render_for_whoever_may_see_them_and_keep_scope(t: TestDb) {
    let app = spawn(t).await;
    let admin = token(&app, "admin").await;
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
    let (poverty, firms) = (target("XH01"), target("KT05"));
    let (_, items) = get(
        &app,
        &admin,
        &format!("/api/v1/documents/{plan}/work-items"),
    )
    .await;
    let dv05 = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == "DV05")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let pages = [
        "/documents".to_owned(),
        "/documents?number=02-nq/hu&q=ba+tri".into(),
        "/documents/new".into(),
        format!("/documents/{plan}"),
        format!("/documents/{plan}?period=2021-H1&group=theme"),
        format!("/documents/{plan}/coverage"),
        format!("/targets/{poverty}"),
        format!("/targets/{poverty}?unit=X-ANDUC&period=2021-09"),
        format!("/work-items/{dv05}"),
        "/my-plan".into(),
    ];
    let expected: [[u16; 3]; 10] = [
        [200, 200, 200],
        [200, 200, 200],
        [200, 200, 403],
        [200, 200, 200],
        [200, 200, 200],
        [200, 200, 200],
        [200, 200, 200],
        [200, 403, 200],
        [200, 200, 200],
        [200, 200, 200],
    ];
    for (who, column) in [("admin", 0), ("anthuy", 1), ("kiemtra", 2)] {
        let browser = login_browser(&app, who).await;
        for (page, statuses) in pages.iter().zip(expected.iter()) {
            let r = browser.get(app.url(page)).send().await.unwrap();
            let status = r.status().as_u16();
            let html = r.text().await.unwrap();
            assert_eq!(status, statuses[column], "{who} {page}");
            assert!(html.contains("<html lang=\"vi\">"), "{who} {page}");
        }
    }
    let browser = login_browser(&app, "admin").await;
    let html = browser
        .get(app.url(&format!("/documents/{plan}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("/22 chỉ tiêu đạt và vượt"), "the headline");
    assert!(html.contains("<svg"), "the status chart");
    let html = browser
        .get(app.url(&format!("/targets/{poverty}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("× 100 ="), "the formula");
    assert!(html.contains("class=\"bar\""), "the trend chart");
    // A commune editor sees the plan from its commune, and records only its commune's values.
    let anthuy = login_browser(&app, "anthuy").await;
    let html = anthuy
        .get(app.url(&format!("/documents/{plan}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Đảng bộ xã An Thủy"), "seen from its commune");
    let csrf = csrf_of(&anthuy, &app, &format!("/targets/{firms}")).await;
    let post = |unit: &'static str| {
        let anthuy = anthuy.clone();
        let csrf = csrf.clone();
        let url = app.url(&format!("/targets/{firms}/actuals"));
        async move {
            anthuy
                .post(url)
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("unit_code", unit),
                    ("period", "2022-03"),
                    ("value", "2"),
                ])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(post("X-ANDUC").await, 403);
    assert_eq!(post("X-ANTHUY").await, 303);
    let own = unit_id(&app, &admin, "X-ANTHUY", "2021-06-01").await;
    let (_, values) = get(
        &app,
        &admin,
        &format!("/api/v1/targets/{firms}/actuals?unit_id={own}"),
    )
    .await;
    assert!(
        values
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["period"] == "2022-03")
    );
    // A resolution's scan over the default 2 MB body limit uploads through the API.
    let mut scan = b"%PDF-1.4\n".to_vec();
    scan.resize(3 * 1024 * 1024, b'x');
    scan.extend_from_slice(b"\n%%EOF\n");
    let r = Client::new()
        .post(app.url(&format!("/api/v1/documents/{plan}/files?name=scan.pdf")))
        .bearer_auth(&admin)
        .body(scan.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let file = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let back = Client::new()
        .get(app.url(&format!("/api/v1/files/{file}")))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(back.headers()["content-type"], "application/pdf");
    assert_eq!(back.bytes().await.unwrap().len(), scan.len());
    // Other bodies keep the 2 MB limit.
    let big = "x".repeat(3 * 1024 * 1024);
    let r = Client::new()
        .post(app.url("/api/v1/documents"))
        .bearer_auth(&admin)
        .header("content-type", "application/json")
        .body(format!("{{\"number\": \"{big}\"}}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
}
