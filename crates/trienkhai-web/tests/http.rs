//! The HTTP surface on both backends, over the demo: the API contract later checks rely on,
//! scope on every route, errors, concurrency, sessions and CSRF.

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use trienkhai_testkit::{TestApp, TestDb, both_backends};

async fn spawn(t: TestDb) -> TestApp {
    TestApp::spawn(t, true).await
}

async fn token(app: &TestApp, username: &str) -> String {
    let r = Client::new()
        .post(app.url("/api/v1/login"))
        .json(&json!({"username": username, "password": "demo"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    r.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn get(app: &TestApp, token: &str, path: &str) -> (StatusCode, Value) {
    let r = Client::new()
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn send(
    app: &TestApp,
    token: &str,
    method: &str,
    path: &str,
    body: Value,
) -> (StatusCode, Value) {
    let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
    let r = Client::new()
        .request(method, app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn unit_id(app: &TestApp, token: &str, code: &str, as_of: &str) -> i64 {
    let (_, units) = get(app, token, &format!("/api/v1/units?as_of={as_of}")).await;
    units
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["code"] == code)
        .unwrap_or_else(|| panic!("{code}"))["id"]
        .as_i64()
        .unwrap()
}

async fn health_metrics_and_an_openapi_document_that_lists_every_route(t: TestDb) {
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

async fn the_units_api_answers_the_tree_of_any_date(t: TestDb) {
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

async fn a_commune_editor_is_refused_everywhere_outside_its_commune(t: TestDb) {
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

async fn the_inspector_reads_everything_and_changes_nothing(t: TestDb) {
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

async fn bad_input_is_refused_with_a_code_and_a_field(t: TestDb) {
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

async fn any_record_can_be_read_as_it_was_at_an_instant(t: TestDb) {
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

async fn repeated_failed_logins_are_throttled(t: TestDb) {
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

/// A browser-like client logged in through the login form.
async fn login_browser(app: &TestApp, username: &str) -> Client {
    let client = Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let form = client.get(app.url("/login")).send().await.unwrap();
    let cookie = form
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let html = form.text().await.unwrap();
    let csrf = html
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let r = client
        .post(app.url("/login"))
        .form(&[
            ("username", username),
            ("password", "demo"),
            ("csrf", &csrf),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let session = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("tk_session="))
        .unwrap();
    assert!(session.contains("HttpOnly") && session.contains("SameSite=Lax"));
    client
}

async fn csrf_of(client: &Client, app: &TestApp, path: &str) -> String {
    let html = client
        .get(app.url(path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    html.split("name=\"csrf\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned()
}

async fn pages_need_a_session_and_forms_a_csrf_token(t: TestDb) {
    let app = spawn(t).await;
    let anonymous = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = anonymous.get(app.url("/units")).send().await.unwrap();
    assert_eq!(
        (r.status(), r.headers()["location"].to_str().unwrap()),
        (StatusCode::SEE_OTHER, "/login")
    );
    // A login form without its CSRF cookie and token is refused.
    let r = anonymous
        .post(app.url("/login"))
        .form(&[
            ("username", "admin"),
            ("password", "demo"),
            ("csrf", "forged"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    let browser = login_browser(&app, "admin").await;
    let tree = browser
        .get(app.url("/units?as_of=01/06/2021"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(tree.contains("Đảng bộ xã An Thủy") && tree.contains("Cây tổ chức"));
    let unit = unit_id(
        &app,
        &token(&app, "admin").await,
        "X-BAOTHANH",
        "2021-06-01",
    )
    .await;
    let r = browser
        .post(app.url(&format!("/units/{unit}/change")))
        .form(&[
            ("csrf", "wrong"),
            ("change", "rename"),
            ("name", "X"),
            ("effective_on", "01/01/2022"),
            ("version", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.unwrap().contains("Biểu mẫu đã hết hạn"));
    // Broken UTF-8 in a form is refused with its field, nothing stored.
    let csrf = csrf_of(&browser, &app, "/units/new").await;
    let body = format!(
        "csrf={csrf}&code=X-UTF&kind=chi_bo&valid_from=01%2F01%2F2022&name=Chi%FFb%E1%BB%99"
    );
    let r = browser
        .post(app.url("/units/new"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let html = r.text().await.unwrap();
    assert!(html.contains("UTF-8") && html.contains("Tên"), "{html}");
    // English on request, and back.
    let r = browser
        .get(app.url("/lang?set=en&back=/units"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/units");
    let english = browser
        .get(app.url("/units"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(english.contains("Organisation tree") && english.contains("lang=\"en\""));
    // Logging out ends the session on the server.
    let csrf = csrf_of(&browser, &app, "/units").await;
    browser
        .post(app.url("/logout"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(
        browser
            .get(app.url("/units"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::SEE_OTHER
    );
}

async fn api_tokens_are_stored_as_digests_and_can_be_revoked(t: TestDb) {
    let app = spawn(t).await;
    let admin = token(&app, "admin").await;
    let (_, me) = get(&app, &admin, "/api/v1/me").await;
    let me_id = me["account_id"].as_i64().unwrap();
    let (status, issued) = send(
        &app,
        &admin,
        "post",
        &format!("/api/v1/accounts/{me_id}/tokens"),
        json!({"name": "Báo cáo tự động", "valid_days": 30}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let secret = issued["token"].as_str().unwrap();
    let mut conn = app.app.db.reader().await.unwrap();
    let stored: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM api_tokens")
        .fetch_all(&mut *conn)
        .await
        .unwrap();
    assert!(
        stored
            .iter()
            .all(|h| h.len() == 64 && !h.contains(secret) && !secret.contains(h.as_str()))
    );
    assert!(get(&app, secret, "/api/v1/me").await.0.is_success());
    assert!(
        send(
            &app,
            &admin,
            "post",
            &format!("/api/v1/tokens/{}/revoke", issued["id"]),
            json!({})
        )
        .await
        .0
        .is_success()
    );
    assert_eq!(
        get(&app, secret, "/api/v1/me").await.0,
        StatusCode::UNAUTHORIZED
    );
}

async fn every_page_renders_for_whoever_may_see_it_and_refuses_the_others(t: TestDb) {
    let app = spawn(t).await;
    let admin = token(&app, "admin").await;
    let own = unit_id(&app, &admin, "X-ANTHUY", "2021-06-01").await;
    let (_, people) = get(&app, &admin, "/api/v1/persons?limit=500").await;
    let own_person = people
        .as_array()
        .unwrap()
        .iter()
        .find(|p| {
            p["posts"]
                .as_array()
                .unwrap()
                .iter()
                .any(|post| post["unit_id"] == own)
        })
        .unwrap()["id"]
        .clone();
    let (_, accounts) = get(&app, &admin, "/api/v1/accounts").await;
    let account = |name: &str| {
        accounts
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["username"] == name)
            .unwrap()["id"]
            .clone()
    };
    let (admin_id, anthuy_id) = (account("admin"), account("anthuy"));
    let pages = [
        "/units?as_of=01/06/2021".to_owned(),
        "/units/new".into(),
        "/units/merge".into(),
        format!("/units/{own}?as_of=01/06/2021"),
        format!("/units/{own}/split?as_of=01/06/2021"),
        "/persons".into(),
        "/persons?q=nguyen".into(),
        "/persons/new".into(),
        format!("/persons/{own_person}"),
        "/accounts".into(),
        "/accounts/new".into(),
        format!("/accounts/{admin_id}"),
        format!("/accounts/{anthuy_id}"),
        "/history".into(),
    ];
    // Expected statuses, page by page, for admin, anthuy and kiemtra.
    let expected: [[u16; 3]; 14] = [
        [200, 200, 200],
        [200, 403, 403],
        [200, 403, 403],
        [200, 200, 200],
        [200, 403, 403],
        [200, 200, 200],
        [200, 200, 200],
        [200, 200, 403],
        [200, 200, 200],
        [200, 200, 200],
        [200, 403, 403],
        [200, 403, 403],
        [200, 200, 403],
        [200, 403, 200],
    ];
    for (who, column) in [("admin", 0), ("anthuy", 1), ("kiemtra", 2)] {
        let browser = login_browser(&app, who).await;
        for (page, statuses) in pages.iter().zip(expected.iter()) {
            let r = browser.get(app.url(page)).send().await.unwrap();
            let status = r.status().as_u16();
            let html = r.text().await.unwrap();
            assert_eq!(status, statuses[column], "{who} {page}");
            assert!(
                html.contains("<html lang=\"vi\">"),
                "{who} {page}: a whole Vietnamese page"
            );
        }
    }
}

async fn the_plan_interface_later_checks_rely_on(t: TestDb) {
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

async fn a_commune_editor_records_values_for_its_commune_only_over_http(t: TestDb) {
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

async fn plan_pages_render_for_whoever_may_see_them_and_keep_scope(t: TestDb) {
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

async fn a_report_is_filled_submitted_returned_and_accepted_through_the_pages(t: TestDb) {
    use trienkhai_core::reporting::{Cadence, DeadlineRule};
    let app = spawn(t).await;
    let admin_token = token(&app, "admin").await;
    let (_, docs) = get(&app, &admin_token, "/api/v1/documents?number=02-NQ/HU").await;
    let plan = docs[0]["id"].as_i64().unwrap();
    let system = trienkhai_app::Actor::system("test", app.app.today());
    trienkhai_app::reporting::add_calendar(
        &app.app,
        &system,
        trienkhai_core::ids::DocumentId(plan),
        Cadence::Monthly,
        (2021, 2021),
        DeadlineRule::new(5, 2).unwrap(),
    )
    .await
    .unwrap();
    let anthuy = login_browser(&app, "anthuy").await;
    let csrf = csrf_of(&anthuy, &app, &format!("/documents/{plan}")).await;
    let open = |unit: &'static str| {
        let anthuy = anthuy.clone();
        let csrf = csrf.clone();
        let url = app.url(&format!("/documents/{plan}/reports"));
        async move {
            anthuy
                .post(url)
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("unit_code", unit),
                    ("period", "2021-04"),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(open("X-ANDUC").await.status(), StatusCode::FORBIDDEN);
    let r = open("X-ANTHUY").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let report = r.headers()["location"].to_str().unwrap().to_owned();
    let page = |client: &Client, path: String| {
        let client = client.clone();
        let url = app.url(&path);
        async move { client.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let html = page(&anthuy, report.clone()).await;
    assert!(html.contains("06/05/2021"), "the commune's deadline");
    assert!(html.contains("id=\"report-form\""));
    // The commune's targets and its parts of the district's items are listed to fill.
    assert!(html.contains("data-code=\"KT05\""));
    let version = |html: &str| -> String {
        html.split("name=\"version\" value=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_owned()
    };
    let post = |client: &Client, path: String, fields: Vec<(&'static str, String)>| {
        let client = client.clone();
        let url = app.url(&path);
        async move {
            client
                .post(url)
                .form(&fields)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    let v = version(&html);
    // A value typed the Vietnamese way, with its version as the form shows it.
    let kt05_row = html.split("data-code=\"KT05\"").nth(1).unwrap();
    let field_of = |row: &str, prefix: &str| -> (String, String) {
        let rest = row.split(&format!("name=\"{prefix}")).nth(1).unwrap();
        let id: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
        let value = rest
            .split("value=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        (id, value.to_owned())
    };
    let (kt05, kt05_version) = field_of(kt05_row, "rv");
    let item_row = html.split("id=\"report-items\"").nth(1).unwrap();
    let (item, _) = field_of(item_row, "p");
    let fields: Vec<(String, String)> = vec![
        ("csrf".into(), csrf.clone()),
        ("narrative".into(), "Đã vận động 120 hộ trữ nước".into()),
        ("version".into(), v),
        (format!("rv{kt05}"), kt05_version),
        (format!("v{kt05}"), "1.234".into()),
        (format!("p{item}"), "40".into()),
        (format!("c{item}"), "Đang  khảo sát".into()),
    ];
    let r = anthuy
        .post(app.url(&format!("{report}/narrative")))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let html = page(&anthuy, report.clone()).await;
    assert!(html.contains("Đã vận động 120 hộ trữ nước"));
    let kt05_row = html.split("data-code=\"KT05\"").nth(1).unwrap();
    assert!(kt05_row.contains("value=\"1.234\""), "the value as typed");
    assert!(html.contains("Đang khảo sát"));
    // Evidence through the page: multipart, type checked, served back to the district.
    let boundary = "trienkhai-test-boundary";
    let mut body = Vec::new();
    for (name, value) in [("csrf", csrf.as_str()), ("work_item_id", item.as_str())] {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"bien-ban.pdf\"\r\n\
             Content-Type: application/pdf\r\n\r\n%PDF-1.4 bien ban\n%%EOF\r\n--{boundary}--\r\n"
        )
        .as_bytes(),
    );
    let r = anthuy
        .post(app.url(&format!("{report}/evidence")))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let html = page(&anthuy, report.clone()).await;
    let evidence = html
        .split("href=\"/evidence/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    assert!(html.contains("bien-ban.pdf"));
    let v = version(&html);
    assert_eq!(
        post(
            &anthuy,
            format!("{report}/act"),
            vec![
                ("csrf", csrf.clone()),
                ("action", "submit".into()),
                ("version", v)
            ]
        )
        .await,
        StatusCode::SEE_OTHER
    );
    // The commune cannot review its own report; the district returns it with a comment.
    let html = page(&anthuy, report.clone()).await;
    assert!(!html.contains("id=\"review-form\""));
    assert!(html.contains("id=\"report-late\""));
    let admin = login_browser(&app, "admin").await;
    let admin_csrf = csrf_of(&admin, &app, &report).await;
    let html = page(&admin, report.clone()).await;
    assert!(html.contains("id=\"review-form\""));
    let file = admin
        .get(app.url(&format!("/evidence/{evidence}")))
        .send()
        .await
        .unwrap();
    assert_eq!(file.status(), StatusCode::OK);
    assert_eq!(file.headers()["content-type"], "application/pdf");
    assert_eq!(
        &file.bytes().await.unwrap()[..],
        b"%PDF-1.4 bien ban\n%%EOF"
    );
    let v = version(&html);
    assert_eq!(
        post(
            &admin,
            format!("{report}/act"),
            vec![
                ("csrf", admin_csrf.clone()),
                ("action", "return".into()),
                ("comment", "Bổ sung số hộ nghèo".into()),
                ("version", v.clone())
            ]
        )
        .await,
        StatusCode::SEE_OTHER
    );
    let html = page(&anthuy, report.clone()).await;
    assert!(html.contains("Bổ sung số hộ nghèo"));
    assert!(html.contains("data-state=\"returned\""));
    let v = version(&html);
    post(
        &anthuy,
        format!("{report}/act"),
        vec![
            ("csrf", csrf.clone()),
            ("action", "submit".into()),
            ("version", v),
        ],
    )
    .await;
    let html = page(&admin, report.clone()).await;
    let v = version(&html);
    assert_eq!(
        post(
            &admin,
            format!("{report}/act"),
            vec![
                ("csrf", admin_csrf.clone()),
                ("action", "accept".into()),
                ("version", v)
            ]
        )
        .await,
        StatusCode::SEE_OTHER
    );
    let html = page(&anthuy, report.clone()).await;
    assert!(html.contains("data-state=\"accepted\""));
    assert!(!html.contains("id=\"report-form\""), "locked");
    // The district's consolidated report gathers the commune's line and narrative, and starts
    // the district's own report from the compiled text.
    let consolidated = format!("/documents/{plan}/consolidated?period=2021-04");
    let html = page(&admin, consolidated.clone()).await;
    assert!(html.contains("id=\"national-states\""));
    assert!(
        html.contains("Đang khảo sát"),
        "the commune's line under its item"
    );
    assert!(html.contains("Đã vận động 120 hộ trữ nước"));
    let r = admin
        .post(app.url(&format!("/documents/{plan}/consolidated")))
        .form(&[
            ("csrf", admin_csrf.as_str()),
            ("period", "2021-04"),
            ("unit", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let level = r.headers()["location"].to_str().unwrap().to_owned();
    assert_ne!(level, report);
    let html = page(&admin, level).await;
    assert!(html.contains("I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU"));
    let commune = token(&app, "anthuy").await;
    let district = unit_id(&app, &admin_token, "BTR", "2021-04-30").await;
    let (status, _) = get(
        &app,
        &commune,
        &format!("/api/v1/documents/{plan}/consolidated?period=2021-04&unit_id={district}"),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Its own level, by default.
    let (status, own) = get(
        &app,
        &commune,
        &format!("/api/v1/documents/{plan}/consolidated?period=2021-04"),
    )
    .await;
    assert_eq!(
        (status, own["unit_code"].as_str()),
        (StatusCode::OK, Some("X-ANTHUY"))
    );
}

async fn a_report_goes_through_the_api_and_every_unit_is_followed(t: TestDb) {
    let app = spawn(t).await;
    let admin = token(&app, "admin").await;
    let anthuy = token(&app, "anthuy").await;
    let (_, docs) = get(&app, &admin, "/api/v1/documents?number=02-NQ/HU").await;
    let plan = docs[0]["id"].as_i64().unwrap();
    let own = unit_id(&app, &admin, "X-ANTHUY", "2021-06-01").await;
    // Only the plan's editors set its calendar; a bad cadence names its field.
    let calendar = json!({ "cadence": "monthly", "first_year": 2021, "last_year": 2021, "days_after_end": 5, "lead_days": 2 });
    let (status, _) = send(
        &app,
        &anthuy,
        "post",
        &format!("/api/v1/documents/{plan}/calendars"),
        calendar.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = send(
        &app,
        &admin,
        "post",
        &format!("/api/v1/documents/{plan}/calendars"),
        json!({ "cadence": "weekly", "first_year": 2021, "last_year": 2021, "days_after_end": 5 }),
    )
    .await;
    assert_eq!(
        (status, body["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("cadence"))
    );
    let (status, _) = send(
        &app,
        &admin,
        "post",
        &format!("/api/v1/documents/{plan}/calendars"),
        calendar,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, calendars) = get(
        &app,
        &anthuy,
        &format!("/api/v1/documents/{plan}/calendars"),
    )
    .await;
    let april = calendars["calendars"][0]["periods"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["period"] == "2021-04")
        .unwrap()
        .clone();
    // The district on 10/05, communes two working days before (30/4 and the 1/5 made up on
    // 3/5 are off), party cells two more.
    assert_eq!(april["deadlines"][0], "2021-05-10");
    assert_eq!(april["deadlines"][1], "2021-05-06");
    assert_eq!(april["deadlines"][2], "2021-05-04");
    assert_eq!(calendars["counted"], "accepted");

    let (status, opened) = send(
        &app,
        &anthuy,
        "post",
        &format!("/api/v1/documents/{plan}/reports"),
        json!({ "unit_id": own, "period": "2021-04" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{opened}");
    let id = opened["id"].as_i64().unwrap();
    let (_, sheet) = get(&app, &anthuy, &format!("/api/v1/reports/{id}")).await;
    let kt05 = sheet["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["target"]["code"] == "KT05")
        .unwrap()
        .clone();
    let item = sheet["items"][0]["item"]["id"].as_i64().unwrap();
    let draft = json!({
        "version": sheet["row_version"],
        "narrative": "Tháng 4",
        "values": [{ "target_id": kt05["target"]["id"], "value": "9", "row_version": kt05["actual"]["row_version"] }],
        "lines": [{ "work_item_id": item, "percent": 30, "narrative": "Đang triển khai" }],
    });
    let (status, saved) = send(
        &app,
        &anthuy,
        "put",
        &format!("/api/v1/reports/{id}"),
        draft.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let (status, body) = send(
        &app,
        &anthuy,
        "put",
        &format!("/api/v1/reports/{id}"),
        draft,
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("conflict"))
    );
    let (status, body) = send(&app, &anthuy, "put", &format!("/api/v1/reports/{id}"),
        json!({ "version": saved["row_version"], "lines": [{ "work_item_id": item, "percent": 101 }] })).await;
    assert_eq!(
        (status, body["code"].as_str(), body["field"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("out_of_range"),
            Some("percent")
        )
    );
    // Evidence: raw body with its name; the type comes from the bytes.
    let r = Client::new()
        .post(app.url(&format!(
            "/api/v1/reports/{id}/evidence?name=anh.png&work_item_id={item}"
        )))
        .bearer_auth(&anthuy)
        .body(b"%PDF-1.4".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = Client::new()
        .post(app.url(&format!("/api/v1/reports/{id}/evidence?name=bien-ban.pdf")))
        .bearer_auth(&anthuy)
        .body(b"%PDF-1.4 x\n%%EOF\n".to_vec())
        .send()
        .await
        .unwrap();
    let evidence = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let r = Client::new()
        .get(app.url(&format!("/api/v1/evidence/{evidence}")))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert_eq!(&r.bytes().await.unwrap()[..], b"%PDF-1.4 x\n%%EOF\n");

    // The district follows every commune: none received yet, all overdue by now.
    let list = format!("/api/v1/documents/{plan}/reports?period=2021-04");
    let (_, before) = get(&app, &admin, &list).await;
    assert_eq!(before["received"], 0);
    let communes = before["units"].as_array().unwrap().len();
    assert!(communes >= 20, "{communes}");
    assert_eq!(before["missing"].as_u64().unwrap() as usize, communes);
    let (status, body) = send(
        &app,
        &anthuy,
        "post",
        &format!("/api/v1/reports/{id}/actions"),
        json!({ "action": "approve", "version": saved["row_version"] }),
    )
    .await;
    assert_eq!(
        (status, body["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("action"))
    );
    let (status, _) = send(
        &app,
        &anthuy,
        "post",
        &format!("/api/v1/reports/{id}/actions"),
        json!({ "action": "submit", "version": saved["row_version"] }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, after) = get(&app, &admin, &list).await;
    assert_eq!(after["received"], 1);
    let mine = after["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["unit_id"] == own)
        .unwrap()
        .clone();
    assert_eq!(
        (mine["state"].as_str(), mine["late"].as_bool()),
        (Some("submitted"), Some(true))
    );
    // Judged before the deadline, nothing was overdue.
    let (_, early) = get(&app, &admin, &format!("{list}&as_of=2021-05-03")).await;
    assert!(
        early["units"]
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["overdue"] == false)
    );
    // An Thủy sees only itself.
    let (_, scoped) = get(&app, &anthuy, &format!("{list}&under={own}")).await;
    assert_eq!(
        scoped["units"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["unit_id"].as_i64().unwrap())
            .collect::<Vec<_>>(),
        vec![own],
        "its own status"
    );
    let (status, _) = get(&app, &anthuy, &list).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, sheet) = get(&app, &admin, &format!("/api/v1/reports/{id}")).await;
    let (status, _) = send(
        &app,
        &admin,
        "post",
        &format!("/api/v1/reports/{id}/actions"),
        json!({ "action": "accept", "version": sheet["row_version"] }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = send(
        &app,
        &admin,
        "put",
        &format!("/api/v1/documents/{plan}/counting"),
        json!({ "counted": "any" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = send(
        &app,
        &anthuy,
        "put",
        "/api/v1/calendar-days/2021-05-07",
        json!({ "working": false }),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = send(
        &app,
        &admin,
        "put",
        "/api/v1/calendar-days/2021-05-07",
        json!({ "working": false, "note": "Nghỉ bù" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, days) = get(&app, &anthuy, "/api/v1/calendar-days").await;
    assert_eq!(days[0]["day"], "2021-05-07");
    let (_, calendars) = get(
        &app,
        &anthuy,
        &format!("/api/v1/documents/{plan}/calendars"),
    )
    .await;
    assert_eq!(calendars["counted"], "any");
    let april = calendars["calendars"][0]["periods"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["period"] == "2021-04")
        .unwrap()
        .clone();
    assert_eq!(
        april["deadlines"][0], "2021-05-11",
        "the day off moves the district's deadline"
    );
}

async fn calendar_counting_and_period_pages_work_for_editors_and_read_for_others(t: TestDb) {
    let app = spawn(t).await;
    let admin_token = token(&app, "admin").await;
    let (_, docs) = get(&app, &admin_token, "/api/v1/documents?number=02-NQ/HU").await;
    let plan = docs[0]["id"].as_i64().unwrap();
    let admin = login_browser(&app, "admin").await;
    let anthuy = login_browser(&app, "anthuy").await;
    let path = format!("/documents/{plan}/calendars");
    let csrf = csrf_of(&admin, &app, &path).await;
    let html = admin
        .get(app.url(&path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("id=\"calendar-form\""));
    let r = admin
        .post(app.url(&path))
        .form(&[
            ("csrf", csrf.as_str()),
            ("cadence", "quarterly"),
            ("first_year", "2021"),
            ("last_year", ""),
            ("days_after_end", "10"),
            ("lead_days", "3"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let html = admin
        .get(app.url(&path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // Q2 2021 ends on Wednesday 30/06: the district's tenth working day after is 14/07, the
    // communes three working days before, on 09/07.
    let q2 = html.split("data-period=\"2021-Q2\"").nth(1).unwrap();
    let q2 = q2.split("</tr>").next().unwrap();
    assert!(
        q2.contains("14/07/2021") && q2.contains("09/07/2021"),
        "{q2}"
    );
    let r = admin
        .post(app.url(&format!("/documents/{plan}/counting")))
        .form(&[("csrf", csrf.as_str()), ("counted", "submitted")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // A commune reads the calendar and the setting, and changes neither.
    let html = anthuy
        .get(app.url(&path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!html.contains("id=\"calendar-form\""));
    assert!(html.contains("Báo cáo đã gửi hoặc đã chấp nhận"));
    let commune_csrf = csrf_of(&anthuy, &app, &path).await;
    let r = anthuy
        .post(app.url(&format!("/documents/{plan}/counting")))
        .form(&[("csrf", commune_csrf.as_str()), ("counted", "any")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // The working calendar: a bridge day recorded by an administrator only.
    let r = anthuy
        .post(app.url("/calendar-days"))
        .form(&[
            ("csrf", commune_csrf.as_str()),
            ("day", "09/07/2021"),
            ("kind", "off"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = admin
        .post(app.url("/calendar-days"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("day", "09/07/2021"),
            ("kind", "off"),
            ("note", "Nghỉ bù"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let html = anthuy
        .get(app.url("/calendar-days"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("09/07/2021") && html.contains("Thứ Sáu") && html.contains("Nghỉ bù"));
    let html = admin
        .get(app.url(&path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let q2 = html.split("data-period=\"2021-Q2\"").nth(1).unwrap();
    let q2 = q2.split("</tr>").next().unwrap();
    assert!(
        q2.contains("15/07/2021") && q2.contains("12/07/2021"),
        "moved by the day off: {q2}"
    );
    // Every commune's report of the quarter, none received.
    let html = admin
        .get(app.url(&format!("/documents/{plan}/reports?period=2021-Q2")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("id=\"received-count\">0<"));
    assert!(html.contains("data-code=\"X-ANTHUY\" data-state=\"none\""));
}

async fn a_units_dashboard_renders_printable_and_keeps_scope(t: TestDb) {
    let app = spawn(t).await;
    let admin_token = token(&app, "admin").await;
    let commune_token = token(&app, "anthuy").await;
    let district = unit_id(&app, &admin_token, "BTR", "2021-04-30").await;
    let own = unit_id(&app, &admin_token, "X-ANTHUY", "2021-04-30").await;
    let admin = login_browser(&app, "admin").await;
    let anthuy = login_browser(&app, "anthuy").await;
    let path = format!("/units/{district}/dashboard?period=2021-04&as_of=20/05/2021");
    let r = admin.get(app.url(&path)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"dashboard-headline\""));
    assert!(
        html.contains("<svg class=\"chart\""),
        "status and trend charts"
    );
    assert_eq!(html.matches("<tr data-code=").count(), 22);
    assert!(html.contains("02-NQ/HU"));
    assert!(html.contains("20/05/2021"));
    assert!(
        html.contains("id=\"dashboard-past\""),
        "a past day says how it is read"
    );
    assert_eq!(
        anthuy.get(app.url(&path)).send().await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    let r = anthuy
        .get(app.url(&format!("/units/{own}/dashboard?period=2021-04")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    // The same as JSON, and the plan's target list with the unit's progress.
    let (status, board) = get(
        &app,
        &admin_token,
        &format!("/api/v1/units/{district}/dashboard?period=2021-04&as_of=2021-05-20"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(board["headline"]["total"], 22);
    assert_eq!(board["months"].as_array().unwrap().len(), 4);
    let plan = board["document"]["id"].as_i64().unwrap();
    let (status, rows) = get(
        &app,
        &admin_token,
        &format!("/api/v1/documents/{plan}/figures?unit_id={district}&period=2021-04"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(rows.as_array().unwrap().len(), 22);
    assert!(rows[0]["figure"]["status"].is_string());
    let (status, _) = get(
        &app,
        &commune_token,
        &format!("/api/v1/documents/{plan}/figures?unit_id={district}&period=2021-04"),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

async fn reminders_are_set_up_read_and_watched_through_pages_and_api(t: TestDb) {
    use trienkhai_core::reporting::{Cadence, DeadlineRule};
    let app = spawn(t).await;
    let admin_token = token(&app, "admin").await;
    let commune_token = token(&app, "anthuy").await;
    let (_, docs) = get(&app, &admin_token, "/api/v1/documents?number=02-NQ/HU").await;
    let plan = docs[0]["id"].as_i64().unwrap();
    let system = trienkhai_app::Actor::system("test", app.app.today());
    trienkhai_app::reporting::add_calendar(
        &app.app,
        &system,
        trienkhai_core::ids::DocumentId(plan),
        Cadence::Monthly,
        (2021, 2021),
        DeadlineRule::new(5, 2).unwrap(),
    )
    .await
    .unwrap();
    let admin = login_browser(&app, "admin").await;
    let anthuy = login_browser(&app, "anthuy").await;
    let path = format!("/documents/{plan}/calendars");
    let csrf = csrf_of(&admin, &app, &path).await;
    let r = admin
        .post(app.url(&format!("/documents/{plan}/reminders")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("kind", "before_deadline"),
            ("days", "2"),
            ("audience", "reporters"),
            ("email", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let html = anthuy
        .get(app.url(&path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Trước hạn nộp: 2"));
    assert!(
        !html.contains("id=\"policy-form\""),
        "a commune reads the policy only"
    );
    let (status, body) = send(
        &app,
        &admin_token,
        "post",
        &format!("/api/v1/documents/{plan}/reminder-policies"),
        json!({ "kind": "someday", "days": 1, "audience": "reporters" }),
    )
    .await;
    assert_eq!(
        (status, body["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("kind"))
    );
    // The commune sets where its digest goes, through the page.
    let commune_csrf = csrf_of(&anthuy, &app, "/notifications").await;
    let r = anthuy
        .post(app.url("/notifications/preferences"))
        .form(&[
            ("csrf", commune_csrf.as_str()),
            ("email", "khong-hop-le"),
            ("daily_digest", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = anthuy
        .post(app.url("/notifications/preferences"))
        .form(&[
            ("csrf", commune_csrf.as_str()),
            ("email", "vanphong@anthuy.example.vn"),
            ("daily_digest", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, prefs) = get(&app, &commune_token, "/api/v1/me/preferences").await;
    assert_eq!(prefs["email"], "vanphong@anthuy.example.vn");
    // The day's reminders: in-app on the page and in the API; the digest waits for SMTP.
    trienkhai_app::reminders::run_day(
        &app.app,
        chrono::NaiveDate::from_ymd_opt(2021, 5, 4).unwrap(),
    )
    .await
    .unwrap();
    let html = anthuy
        .get(app.url("/notifications"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Nhắc báo cáo 02-NQ/HU kỳ 2021-04 của Đảng bộ xã An Thủy"));
    assert!(html.contains("id=\"unread-count\">1<"));
    let (_, mine) = get(&app, &commune_token, "/api/v1/me/notifications").await;
    assert_eq!(mine["unread"], 1);
    let (status, _) = send(
        &app,
        &commune_token,
        "post",
        "/api/v1/me/notifications/read",
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, mine) = get(&app, &commune_token, "/api/v1/me/notifications").await;
    assert_eq!(mine["unread"], 0);
    // Jobs and webhooks are for administrators.
    assert_eq!(
        anthuy.get(app.url("/jobs")).send().await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    let html = admin
        .get(app.url("/jobs"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("data-state=\"queued\""), "the digest waits");
    let (status, hook) = send(
        &app,
        &admin_token,
        "post",
        "/api/v1/webhooks",
        json!({ "url": "https://hooks.example.vn/trienkhai" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(hook["secret"].as_str().map(str::len).unwrap_or(0) >= 20);
    let (_, hooks) = get(&app, &admin_token, "/api/v1/webhooks").await;
    assert!(hooks[0].get("secret").is_none(), "never shown again");
    let (status, _) = get(&app, &commune_token, "/api/v1/jobs").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

both_backends!(
    reminders_are_set_up_read_and_watched_through_pages_and_api,
    a_units_dashboard_renders_printable_and_keeps_scope,
    calendar_counting_and_period_pages_work_for_editors_and_read_for_others,
    a_report_goes_through_the_api_and_every_unit_is_followed,
    a_report_is_filled_submitted_returned_and_accepted_through_the_pages,
    plan_pages_render_for_whoever_may_see_them_and_keep_scope,
    the_plan_interface_later_checks_rely_on,
    a_commune_editor_records_values_for_its_commune_only_over_http,
    every_page_renders_for_whoever_may_see_it_and_refuses_the_others,
    health_metrics_and_an_openapi_document_that_lists_every_route,
    the_units_api_answers_the_tree_of_any_date,
    a_commune_editor_is_refused_everywhere_outside_its_commune,
    the_inspector_reads_everything_and_changes_nothing,
    bad_input_is_refused_with_a_code_and_a_field,
    repeated_failed_logins_are_throttled,
    pages_need_a_session_and_forms_a_csrf_token,
    api_tokens_are_stored_as_digests_and_can_be_revoked,
    any_record_can_be_read_as_it_was_at_an_instant,
);
