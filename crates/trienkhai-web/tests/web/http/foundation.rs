//! The API of the foundation: health, OpenAPI, units, scope, bad input, history, throttling.

use super::*;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use trienkhai_testkit::TestDb;

pub(crate) async fn health_metrics_and_an_openapi_document_that_lists_every_route(t: TestDb) {
    let app = spawn(t).await;
    let health = Client::new().get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    assert_eq!(health.headers()["x-content-type-options"], "nosniff");
    let admin = token(&app, "admin").await;
    let (status, doc) = get(&app, "", "/api/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["openapi"], "3.0.3");
    let paths = doc["paths"].as_object().unwrap();
    for needed in [
        "/api/v1/login",
        "/api/v1/units",
        "/api/v1/units/{id}",
        "/api/v1/openapi.json",
        "/api/v1/accounts/{id}/tokens",
    ] {
        assert!(paths.contains_key(needed), "{needed} is documented");
    }
    // Every documented operation is served: no 405, and no bare router 404.
    let mut operations = 0;
    for (path, methods) in paths {
        for method in methods.as_object().unwrap().keys() {
            let concrete = path.replace("{id}", "1").replace("/api/v1", "");
            let (status, body) = send(
                &app,
                &admin,
                method,
                &format!("/api/v1{concrete}"),
                json!({}),
            )
            .await;
            assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
            assert!(
                status != StatusCode::NOT_FOUND || body.get("code").is_some(),
                "{method} {path} is routed"
            );
            operations += 1;
        }
    }
    assert!(operations >= 25, "{operations} operations");
    let metrics = Client::new()
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains(
        "trienkhai_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 1"
    ));
    assert!(
        metrics.contains("route=\"/api/v1/units/{id}\""),
        "routes are counted by pattern"
    );
}

pub(crate) async fn the_units_api_answers_the_tree_of_any_date(t: TestDb) {
    let app = spawn(t).await;
    let wrong = Client::new()
        .post(app.url("/api/v1/login"))
        .json(&json!({"username": "admin", "password": "sai"}))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let body: Value = wrong.json().await.unwrap();
    assert_eq!(body["code"], "invalid_credentials");
    assert!(body["message"].as_str().unwrap().contains("mật khẩu"));
    assert!(body.as_object().unwrap().contains_key("field"));
    let (status, body) = get(&app, "nope", "/api/v1/units").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("unauthenticated"))
    );

    let admin = token(&app, "admin").await;
    let (status, units) = get(&app, &admin, "/api/v1/units?as_of=2021-06-01").await;
    assert_eq!(status, StatusCode::OK);
    let units = units.as_array().unwrap();
    for key in [
        "id",
        "code",
        "name",
        "kind",
        "parent_id",
        "valid_from",
        "valid_to",
    ] {
        assert!(
            units.iter().all(|u| u.get(key).is_some()),
            "every unit has {key}"
        );
    }
    let district = units.iter().find(|u| u["code"] == "BTR").unwrap();
    let grassroots = units
        .iter()
        .filter(|u| {
            u["parent_id"] == district["id"]
                && (u["kind"] == "dang_uy_xa" || u["kind"] == "dang_uy_thi_tran")
        })
        .count();
    assert_eq!(grassroots, 23);
    let on = |units: &Value, code: &str| {
        units
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["code"] == code)
            .cloned()
    };
    let (_, before) = get(&app, &admin, "/api/v1/units?as_of=12/02/2023").await;
    assert_eq!(
        on(&before, "X-ANTHUY").unwrap()["name"],
        "Đảng bộ xã An Thủy"
    );
    let (_, after) = get(&app, &admin, "/api/v1/units?as_of=2023-02-13").await;
    let tiem_tom = on(&after, "TT-TIEMTOM").unwrap();
    assert_eq!(tiem_tom["name"], "Đảng bộ thị trấn Tiệm Tôm");
    assert_eq!(tiem_tom["valid_from"], "2023-02-13");
    let (_, reform) = get(&app, &admin, "/api/v1/units?as_of=2025-07-01").await;
    assert!(on(&reform, "BTR").is_none());
    assert!(
        on(&reform, "X-TANTHUY-2025").unwrap()["name"]
            .as_str()
            .unwrap()
            .contains("minh họa")
    );
    // Search without diacritics, in the tree of the date asked (Tiệm Tôm is gone today).
    let (_, found) = get(&app, &admin, "/api/v1/units?q=tiem%20tom&as_of=2024-01-01").await;
    assert_eq!(found[0]["code"], "TT-TIEMTOM");
    // A bad date names its field, in English when asked.
    let r = Client::new()
        .get(app.url("/api/v1/units?as_of=31/02/2021"))
        .bearer_auth(&admin)
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = r.json().await.unwrap();
    assert_eq!(
        (body["code"].as_str(), body["field"].as_str()),
        (Some("date_out_of_range"), Some("as_of"))
    );
    assert_eq!(body["message"], "That date does not exist.");
}

pub(crate) async fn a_commune_editor_is_refused_everywhere_outside_its_commune(t: TestDb) {
    let app = spawn(t).await;
    let admin = token(&app, "admin").await;
    let anthuy = token(&app, "anthuy").await;
    let own = unit_id(&app, &admin, "X-ANTHUY", "2021-06-01").await;
    let other = unit_id(&app, &admin, "X-BAOTHANH", "2021-06-01").await;
    let (_, persons) = get(&app, &admin, "/api/v1/persons?limit=500").await;
    let person_elsewhere = persons
        .as_array()
        .unwrap()
        .iter()
        .find(|p| {
            p["posts"]
                .as_array()
                .unwrap()
                .iter()
                .all(|post| post["unit_id"] == other)
        })
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let (_, detail) = get(
        &app,
        &admin,
        &format!("/api/v1/units/{other}?as_of=2021-06-01"),
    )
    .await;
    let version = detail["row_version"].as_i64().unwrap();

    let (_, visible) = get(&app, &anthuy, "/api/v1/units?as_of=2021-06-01").await;
    assert!(
        visible
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["id"] == own || u["parent_id"] == own)
    );
    assert!(
        get(
            &app,
            &anthuy,
            &format!("/api/v1/units/{own}?as_of=2021-06-01")
        )
        .await
        .0
        .is_success()
    );
    let (_, people) = get(&app, &anthuy, "/api/v1/persons?limit=500").await;
    assert!(
        people
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["id"] != person_elsewhere)
    );

    let refused = [
        ("get", format!("/units/{other}?as_of=2021-06-01"), json!({})),
        ("get", format!("/units/{other}/history"), json!({})),
        (
            "post",
            format!("/units/{other}/changes"),
            json!({"change": "rename", "effective_on": "2022-01-01", "name": "X", "version": version}),
        ),
        (
            "post",
            format!("/units/{other}/dissolve"),
            json!({"effective_on": "2022-01-01", "version": version}),
        ),
        (
            "post",
            format!("/units/{other}/split"),
            json!({"parts": [{"code": "A1", "name": "A", "kind": "dang_uy_xa"}, {"code": "B1", "name": "B", "kind": "dang_uy_xa"}], "effective_on": "2022-01-01", "version": version}),
        ),
        (
            "post",
            "/units/merge".into(),
            json!({"sources": [other], "target_id": own, "effective_on": "2022-01-01"}),
        ),
        (
            "post",
            "/units".into(),
            json!({"code": "X-NEW", "name": "Mới", "kind": "chi_bo", "parent_id": other, "valid_from": "2022-01-01"}),
        ),
        ("get", format!("/persons/{person_elsewhere}"), json!({})),
        (
            "get",
            format!("/persons/{person_elsewhere}/history"),
            json!({}),
        ),
        (
            "put",
            format!("/persons/{person_elsewhere}"),
            json!({"full_name": "X", "version": 1}),
        ),
        (
            "post",
            format!("/persons/{person_elsewhere}/posts"),
            json!({"unit_id": own, "title": "Ủy viên", "valid_from": "2022-01-01"}),
        ),
        (
            "post",
            "/persons".into(),
            json!({"full_name": "Người mới", "post": {"unit_id": other, "title": "Ủy viên", "valid_from": "2022-01-01"}}),
        ),
        ("get", "/audit".into(), json!({})),
        (
            "post",
            "/accounts".into(),
            json!({"username": "moi", "display_name": "Mới", "password": "12345678"}),
        ),
    ];
    // An id that does not exist looks the same as one out of scope.
    assert_eq!(
        get(&app, &anthuy, "/api/v1/units/999999").await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        get(&app, &anthuy, "/api/v1/persons/999999").await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        get(&app, &admin, "/api/v1/units/999999").await.0,
        StatusCode::NOT_FOUND
    );
    for (method, path, body) in refused {
        let (status, answer) = send(&app, &anthuy, method, &format!("/api/v1{path}"), body).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path}: {answer}");
        assert_eq!(answer["code"], "forbidden");
    }
    // The pages refuse too.
    let browser = login_browser(&app, "anthuy").await;
    let page = browser
        .get(app.url(&format!("/units/{other}?as_of=01/06/2021")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::FORBIDDEN);
    assert!(page.text().await.unwrap().contains("Bạn không có quyền"));
    assert_eq!(
        browser
            .get(app.url(&format!("/persons/{person_elsewhere}")))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    let csrf = csrf_of(&browser, &app, &format!("/units/{own}?as_of=01/06/2021")).await;
    let form = [
        ("csrf", csrf.as_str()),
        ("change", "rename"),
        ("effective_on", "01/01/2022"),
        ("name", "X"),
        ("version", &version.to_string()),
    ];
    assert_eq!(
        browser
            .post(app.url(&format!("/units/{other}/change")))
            .form(&form)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
}

pub(crate) async fn the_inspector_reads_everything_and_changes_nothing(t: TestDb) {
    let app = spawn(t).await;
    let kiemtra = token(&app, "kiemtra").await;
    let (_, me) = get(&app, &kiemtra, "/api/v1/me").await;
    let my_id = me["account_id"].as_i64().unwrap();
    let unit = unit_id(&app, &kiemtra, "X-BAOTHANH", "2021-06-01").await;
    assert!(
        get(&app, &kiemtra, &format!("/api/v1/units/{unit}/history"))
            .await
            .0
            .is_success()
    );
    assert!(get(&app, &kiemtra, "/api/v1/audit").await.0.is_success());
    let (_, doc) = get(&app, "", "/api/v1/openapi.json").await;
    let mut refused = 0;
    for (path, methods) in doc["paths"].as_object().unwrap() {
        for method in methods.as_object().unwrap().keys().filter(|m| *m != "get") {
            // Logging in, managing one's own tokens, reading one's own notifications and
            // choosing where one's digest goes are not changes of the tree.
            if path.ends_with("/login")
                || path.contains("/api/v1/me/")
                || path.ends_with("/tokens")
                || path.ends_with("/revoke") && path.contains("tokens")
            {
                continue;
            }
            let concrete = path.replace("{id}", &unit.to_string());
            let (status, body) = send(&app, &kiemtra, method, &concrete, json!({})).await;
            assert!(
                status == StatusCode::FORBIDDEN
                    || (status.is_client_error()
                        && body["code"] != "forbidden"
                        && status != StatusCode::OK),
                "{method} {path}: {status} {body}"
            );
            refused += 1;
        }
    }
    assert!(refused >= 12, "{refused} changes tried");
    // With well-formed bodies, every change is refused for lack of rights.
    let (status, _) = send(
        &app,
        &kiemtra,
        "post",
        &format!("/api/v1/units/{unit}/changes"),
        json!({"change": "rename", "effective_on": "2022-01-01", "name": "X", "version": 1}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = send(
        &app,
        &kiemtra,
        "post",
        &format!("/api/v1/accounts/{my_id}/grants"),
        json!({"role": "admin"}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

pub(crate) async fn bad_input_is_refused_with_a_code_and_a_field(t: TestDb) {
    let app = spawn(t).await;
    let admin = token(&app, "admin").await;
    let district = unit_id(&app, &admin, "BTR", "2021-06-01").await;
    let commune = unit_id(&app, &admin, "X-BAOTHANH", "2021-06-01").await;
    let vinh_long = unit_id(&app, &admin, "VL", "2025-07-01").await;

    let raw = Client::new()
        .post(app.url("/api/v1/units"))
        .bearer_auth(&admin)
        .header("content-type", "application/json")
        .body(b"{\"code\":\"X\",\"name\":\"\xff\"}".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), StatusCode::BAD_REQUEST);
    assert_eq!(raw.json::<Value>().await.unwrap()["code"], "invalid_utf8");
    let (status, body) = send(&app, &admin, "post", "/api/v1/units", json!({"code": "X"})).await;
    assert_eq!(
        (status, body["code"].as_str(), body["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_json"), Some("name"))
    );

    let cases = [
        (
            json!({"code": "X-ANTHUY", "name": "Trùng", "kind": "dang_uy_xa", "parent_id": district, "valid_from": "2021-01-01"}),
            "duplicate_code",
            "code",
        ),
        (
            json!({"code": "X-NEW", "name": "Mới", "kind": "dang_uy_xa", "parent_id": district, "valid_from": "2021-01-01", "valid_to": "2020-01-01"}),
            "end_before_start",
            "valid_to",
        ),
        (
            json!({"code": "X NEW", "name": "Mới", "kind": "dang_uy_xa", "parent_id": district, "valid_from": "2021-01-01"}),
            "code_invalid_char",
            "code",
        ),
        (
            json!({"code": "X-NEW", "name": "  ", "kind": "dang_uy_xa", "parent_id": district, "valid_from": "2021-01-01"}),
            "required",
            "name",
        ),
        (
            json!({"code": "X-NEW", "name": "Mới", "kind": "dang_uy_xa", "parent_id": vinh_long, "valid_from": "2021-01-01"}),
            "parent_not_valid",
            "parent_id",
        ),
    ];
    for (body, code, field) in cases {
        let (status, answer) = send(&app, &admin, "post", "/api/v1/units", body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert_eq!(
            (answer["code"].as_str(), answer["field"].as_str()),
            (Some(code), Some(field))
        );
        assert!(!answer["message"].as_str().unwrap().is_empty());
    }
    let (_, detail) = get(
        &app,
        &admin,
        &format!("/api/v1/units/{commune}?as_of=2021-06-01"),
    )
    .await;
    let cell = detail["children"][0]["id"].as_i64().unwrap();
    let version = detail["row_version"].as_i64().unwrap();
    let (status, answer) = send(&app, &admin, "post", &format!("/api/v1/units/{commune}/changes"), json!({"change": "move", "effective_on": "2022-01-01", "parent_id": cell, "version": version})).await;
    assert_eq!(
        (status, answer["code"].as_str(), answer["field"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("tree_cycle"),
            Some("parent_id")
        )
    );
    let (status, answer) = send(
        &app,
        &admin,
        "post",
        "/api/v1/units/merge",
        json!({"sources": [commune], "target_id": vinh_long, "effective_on": "2022-01-01"}),
    )
    .await;
    assert_eq!(
        (status, answer["code"].as_str(), answer["field"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("unit_not_valid_on_date"),
            Some("target_id")
        )
    );

    // Text is stored NFC whatever the client sent ("Thủy" typed with combining marks).
    let decomposed = "Chi bộ ấp Thu\u{0309}y\u{0300}";
    let (status, created) = send(&app, &admin, "post", "/api/v1/units", json!({"code": "CB-NFC", "name": decomposed, "kind": "chi_bo", "parent_id": commune, "valid_from": "2022-01-01", "valid_to": "2025-06-30"})).await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let (_, stored) = get(
        &app,
        &admin,
        &format!("/api/v1/units/{}?as_of=2022-06-01", created["id"]),
    )
    .await;
    let name = stored["current"]["name"].as_str().unwrap();
    assert_eq!(name, "Chi bộ ấp Thủỳ".chars().collect::<String>());
    assert!(
        name.chars()
            .all(|c| !('\u{0300}'..='\u{036f}').contains(&c)),
        "no combining marks left: {name:?}"
    );

    // A stale edit is a conflict that shows the current record; the first edit stands.
    let rename = json!({"change": "rename", "effective_on": "2022-01-01", "name": "Đảng bộ xã Bảo Thạnh (đổi tên)", "version": version});
    assert_eq!(
        send(
            &app,
            &admin,
            "post",
            &format!("/api/v1/units/{commune}/changes"),
            rename.clone()
        )
        .await
        .0,
        StatusCode::OK
    );
    let (status, answer) = send(&app, &admin, "post", &format!("/api/v1/units/{commune}/changes"), json!({"change": "rename", "effective_on": "2023-01-01", "name": "Khác", "version": version})).await;
    assert_eq!(
        (status, answer["code"].as_str()),
        (StatusCode::CONFLICT, Some("conflict"))
    );
    assert!(answer["current"]["versions"].as_array().unwrap().len() >= 2);
    let (_, now) = get(
        &app,
        &admin,
        &format!("/api/v1/units/{commune}?as_of=2024-01-01"),
    )
    .await;
    assert_eq!(now["current"]["name"], "Đảng bộ xã Bảo Thạnh (đổi tên)");

    // The same post twice over the same period is refused.
    let (_, people) = get(&app, &admin, "/api/v1/persons?q=a&limit=1").await;
    let person = &people[0];
    let post = &person["posts"][0];
    let again = json!({"unit_id": post["unit_id"], "title": post["title"], "valid_from": post["valid_from"], "valid_to": post["valid_to"]});
    let (status, answer) = send(
        &app,
        &admin,
        "post",
        &format!("/api/v1/persons/{}/posts", person["id"]),
        again,
    )
    .await;
    assert_eq!(
        (status, answer["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("overlapping_validity")
        ),
        "{answer}"
    );
}

pub(crate) async fn any_record_can_be_read_as_it_was_at_an_instant(t: TestDb) {
    let app = spawn(t).await;
    let admin = token(&app, "admin").await;
    let (_, people) = get(&app, &admin, "/api/v1/persons?limit=1").await;
    let person = &people[0];
    let id = person["id"].as_i64().unwrap();
    let before_edit = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let edit = json!({"full_name": "Tên Mới Đổi", "version": person["row_version"], "birth_year": person["birth_year"]});
    assert_eq!(
        send(&app, &admin, "put", &format!("/api/v1/persons/{id}"), edit)
            .await
            .0,
        StatusCode::OK
    );
    let (status, old) = get(
        &app,
        &admin,
        &format!("/api/v1/history/person/{id}?at={before_edit}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{old}");
    assert_eq!(old["state"]["person"]["full_name"], person["full_name"]);
    let (_, new) = get(
        &app,
        &admin,
        &format!("/api/v1/history/person/{id}?at=2999-01-01"),
    )
    .await;
    assert_eq!(new["state"]["person"]["full_name"], "Tên Mới Đổi");
    let (_, none) = get(
        &app,
        &admin,
        &format!("/api/v1/history/person/{id}?at=2000-01-01"),
    )
    .await;
    assert!(none["state"].is_null(), "the record did not exist yet");
    let (status, last) = get(
        &app,
        &admin,
        &format!("/api/v1/history/person/{id}?at=31/12/9999"),
    )
    .await;
    assert_eq!(
        (status, last["state"]["person"]["full_name"].as_str()),
        (StatusCode::OK, Some("Tên Mới Đổi"))
    );
    let anthuy = token(&app, "anthuy").await;
    let (_, units) = get(&app, &admin, "/api/v1/units?as_of=2021-06-01").await;
    let bao_thanh = units
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["code"] == "X-BAOTHANH")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        get(
            &app,
            &anthuy,
            &format!("/api/v1/history/unit/{bao_thanh}?at=2999-01-01")
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        get(
            &app,
            &admin,
            &format!("/api/v1/history/planet/{id}?at=2999-01-01")
        )
        .await
        .0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
}

pub(crate) async fn repeated_failed_logins_are_throttled(t: TestDb) {
    let app = spawn(t).await;
    for _ in 0..5 {
        let r = Client::new()
            .post(app.url("/api/v1/login"))
            .json(&json!({"username": "kiemtra", "password": "x"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let r = Client::new()
        .post(app.url("/api/v1/login"))
        .json(&json!({"username": "kiemtra", "password": "demo"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        r.json::<Value>().await.unwrap()["code"],
        "too_many_requests"
    );
    // Other accounts are not locked by it.
    token(&app, "admin").await;
}
