//! What fuzzing, probing, killing and a new user found (issue 10), each pinned by a test that
//! failed before its fix: writes that met a locked database, years and texts without bounds,
//! errors outside the `{code, message, field}` shape, a description that disagreed with the
//! code, the last administrator removable, and inputs taken at their word (document numbers,
//! file types, shares, hidden text direction). The edge of the server (connections,
//! throttling, `/metrics`) is in `edge.rs`.

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use trienkhai_testkit::http::*;
use trienkhai_testkit::{TestApp, TestDb, both_backends};

async fn plan_id(app: &TestApp, token: &str) -> i64 {
    let (_, docs) = call(app, token, "GET", "/api/v1/documents?number=02-NQ/HU", None).await;
    docs[0]["id"].as_i64().unwrap()
}

fn is_error_shape(body: &Value) -> bool {
    body["code"].is_string() && body["message"].is_string() && body.get("field").is_some()
}

// 1. ------------------------------------------------------------------------------------------

async fn logins_and_saves_at_once_never_meet_a_locked_database(t: TestDb) {
    let app = spawn(t).await;
    let admin = token(&app, "admin").await;
    let mut tasks = Vec::new();
    for n in 0..4 {
        let (url, admin) = (app.url("/api/v1/me/preferences"), admin.clone());
        tasks.push(tokio::spawn(async move {
            let client = Client::new();
            let mut statuses = Vec::new();
            for i in 0..25 {
                let r = client
                    .put(&url)
                    .bearer_auth(&admin)
                    .json(&json!({"email": format!("a{n}-{i}@example.vn"), "daily_digest": i % 2 == 0}))
                    .send()
                    .await
                    .unwrap();
                statuses.push(r.status());
            }
            statuses
        }));
        let url = app.url("/api/v1/login");
        tasks.push(tokio::spawn(async move {
            let client = Client::new();
            let mut statuses = Vec::new();
            for i in 0..25 {
                let r = client
                    .post(&url)
                    .header("x-forwarded-for", format!("198.51.100.{n}"))
                    .json(&json!({"username": format!("khach{n}x{i}"), "password": "sai mat khau"}))
                    .send()
                    .await
                    .unwrap();
                statuses.push(r.status());
            }
            statuses
        }));
    }
    for task in tasks {
        for status in task.await.unwrap() {
            assert!(
                matches!(status, StatusCode::OK | StatusCode::UNAUTHORIZED),
                "{status}"
            );
        }
    }
}

// 2. ------------------------------------------------------------------------------------------

async fn calendar_years_are_bounded_and_the_calendars_still_answer(t: TestDb) {
    let app = spawn(t).await;
    let admin = token(&app, "admin").await;
    let plan = plan_id(&app, &admin).await;
    let path = format!("/api/v1/documents/{plan}/calendars");
    for (first, last, field) in [
        (300_000, 300_000, "first_year"),
        (-134, -134, "first_year"),
        (2021, 300_000, "last_year"),
    ] {
        let body =
            json!({"cadence": "term", "first_year": first, "last_year": last, "days_after_end": 5});
        let (status, err) = call(&app, &admin, "POST", &path, Some(body)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
        assert_eq!(
            (err["code"].as_str(), err["field"].as_str()),
            (Some("out_of_range"), Some(field))
        );
    }
    let (status, calendars) = call(&app, &admin, "GET", &path, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(calendars["calendars"].as_array().unwrap().len(), 0);
    // A year given in a query is bounded the same way: no date off the calendar, no panic.
    let (_, targets) = call(
        &app,
        &admin,
        "GET",
        &format!("/api/v1/documents/{plan}/targets"),
        None,
    )
    .await;
    let target = targets[0]["id"].as_i64().unwrap();
    let district = unit_id(&app, &admin, "BTR", "2021-06-01").await;
    for year in ["300000", "-134", "0"] {
        let (status, err) = call(
            &app,
            &admin,
            "GET",
            &format!("/api/v1/targets/{target}/trend?unit_id={district}&year={year}"),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{year}: {err}");
        assert_eq!(err["field"], "year");
    }
}

// 3. ------------------------------------------------------------------------------------------

async fn long_texts_are_refused_at_the_edge_and_nothing_is_stored(t: TestDb) {
    let app = spawn(t).await;
    let huge = "a".repeat(200_000);
    let r = login(&app, &huge, "x", None).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let err: Value = r.json().await.unwrap();
    assert_eq!(err["field"], "username");
    let r = login(&app, "admin", &"p".repeat(5_000), None).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let mut conn = app.db.db.reader().await.unwrap();
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM login_failures")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_eq!(stored, 0, "a refused username is not stored");
    drop(conn);
    // Every one-line text field is bounded, and the field is named.
    let admin = token(&app, "admin").await;
    let (status, err) = call(
        &app,
        &admin,
        "POST",
        "/api/v1/persons",
        Some(json!({"full_name": "Nguyễn ".repeat(1_000)})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        (err["code"].as_str(), err["field"].as_str()),
        (Some("too_long"), Some("full_name"))
    );
}

// 4. ------------------------------------------------------------------------------------------

async fn every_error_has_the_one_shape(t: TestDb) {
    let app = spawn(t).await;
    let admin = token(&app, "admin").await;
    let client = Client::new();
    // A query string or path parameter that does not parse.
    let r = client
        .get(app.url("/api/v1/persons?limit=many"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let body: Value = r.json().await.unwrap();
    assert!(is_error_shape(&body), "{body}");
    assert_eq!(
        (body["code"].as_str(), body["field"].as_str()),
        (Some("invalid_query"), Some("limit"))
    );
    // An empty parameter is an absent one.
    let r = client
        .get(app.url("/api/v1/persons?limit=&offset=&q="))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    // A mistyped JSON field is named, never its value.
    let r = client
        .post(app.url("/api/v1/persons"))
        .bearer_auth(&admin)
        .json(&json!({"full_name": "Nguyễn Văn Thử", "birth_year": 1.5}))
        .send()
        .await
        .unwrap();
    let body: Value = r.json().await.unwrap();
    assert_eq!(
        (body["code"].as_str(), body["field"].as_str()),
        (Some("invalid_json"), Some("birth_year"))
    );
    let r = client
        .get(app.url("/api/v1/reports/abc/evidence"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error());
    assert!(is_error_shape(&r.json().await.unwrap()));
    // A wrong method keeps its Allow header.
    let r = client
        .delete(app.url("/api/v1/units"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(r.headers().contains_key("allow"));
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["code"], "method_not_allowed");
    assert!(is_error_shape(&body));
    // An oversized body, in Vietnamese unless asked otherwise. The server answers before it
    // has read the body and closes that connection, so the request goes on a client of its own:
    // the shared client's pool must not hand the closed connection to the next request.
    let r = Client::new()
        .post(app.url("/api/v1/persons"))
        .bearer_auth(&admin)
        .header("content-type", "application/json")
        .body(vec![b' '; 3 * 1024 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["code"], "payload_too_large");
    assert_eq!(body["message"], "Nội dung gửi lên quá lớn.");
    // An address longer than any search needs.
    let r = client
        .get(app.url(&format!("/api/v1/units?q={}", "a".repeat(10_000))))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::URI_TOO_LONG);
    assert_eq!(r.json::<Value>().await.unwrap()["code"], "uri_too_long");
    // Unknown addresses: JSON under the API, a page elsewhere.
    let r = client
        .get(app.url("/api/v1/no-such-thing"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(r.json::<Value>().await.unwrap()["code"], "not_found");
    let r = client.get(app.url("/no-such-page")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(r.text().await.unwrap().contains("Không tìm thấy."));
}

// 5. ------------------------------------------------------------------------------------------

async fn what_a_route_requires_is_what_its_description_says(t: TestDb) {
    let app = spawn(t).await;
    let admin = token(&app, "admin").await;
    let plan = plan_id(&app, &admin).await;
    let (_, doc) = call(&app, "", "GET", "/api/v1/openapi.json", None).await;
    let mut checked = 0;
    for (path, methods) in doc["paths"].as_object().unwrap() {
        let Some(operation) = methods.get("get") else {
            continue;
        };
        let required: Vec<&str> = operation["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["required"] == true)
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        let concrete = path
            .replace("{entity_type}", "unit")
            .replace("{id}", &plan.to_string())
            .replace("{day}", "2021-05-03");
        let (status, body) = call(&app, &admin, "GET", &concrete, None).await;
        assert_ne!(status.as_u16() / 100, 5, "GET {path}: {body}");
        if body["code"] == "required" {
            let field = body["field"].as_str().unwrap();
            assert!(
                required.contains(&field),
                "GET {path} requires {field}, which its description calls optional"
            );
            checked += 1;
        }
    }
    assert!(checked >= 5, "{checked} required parameters met");
}

// 8. ------------------------------------------------------------------------------------------

async fn the_last_administrator_of_everything_stays(t: TestDb) {
    let app = spawn(t).await;
    let admin = token(&app, "admin").await;
    let (_, me) = call(&app, &admin, "GET", "/api/v1/me", None).await;
    let me_id = me["account_id"].as_i64().unwrap();
    let (_, account) = call(
        &app,
        &admin,
        "GET",
        &format!("/api/v1/accounts/{me_id}"),
        None,
    )
    .await;
    let admin_grant = account["grants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["role"] == "admin" && g["unit_id"].is_null() && g["in_force"] == true)
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let (status, err) = call(
        &app,
        &admin,
        "POST",
        &format!("/api/v1/grants/{admin_grant}/revoke"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["code"], "last_admin");
    let body =
        json!({"display_name": "Quản trị", "is_active": false, "version": account["row_version"]});
    let (status, err) = call(
        &app,
        &admin,
        "PUT",
        &format!("/api/v1/accounts/{me_id}"),
        Some(body),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(
        (err["code"].as_str(), err["field"].as_str()),
        (Some("last_admin"), Some("is_active"))
    );
    // With a second administrator, the first may step down.
    let (_, accounts) = call(&app, &admin, "GET", "/api/v1/accounts", None).await;
    let other = accounts
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["username"] == "kiemtra")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let (status, _) = call(
        &app,
        &admin,
        "POST",
        &format!("/api/v1/accounts/{other}/grants"),
        Some(json!({"role": "admin"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, err) = call(
        &app,
        &admin,
        "POST",
        &format!("/api/v1/grants/{admin_grant}/revoke"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{err}");
}

// 13. -----------------------------------------------------------------------------------------

async fn document_numbers_keep_their_grammar_and_compare_as_numbers(t: TestDb) {
    let app = spawn(t).await;
    let admin = token(&app, "admin").await;
    let district = unit_id(&app, &admin, "BTR", "2021-06-01").await;
    let document = |number: &str, issuer: Option<i64>| {
        json!({
            "number": number,
            "kind": "nghi_quyet",
            "issuer_unit_id": issuer,
            "issued_on": "2021-03-01",
            "summary": "Nghị quyết thử (minh họa)",
        })
    };
    let post = |body: Value| call(&app, &admin, "POST", "/api/v1/documents", Some(body));
    let (status, err) = post(document("02/NQ-HU", Some(district))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["code"], "docnum_grammar");
    let (status, err) = post(document("2-NQ/HU", Some(district))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["code"], "docnum_taken");
    let (_, found) = call(
        &app,
        &admin,
        "GET",
        "/api/v1/documents?number=2-NQ/HU",
        None,
    )
    .await;
    assert_eq!(found[0]["number"], "02-NQ/HU");
    // Without an issuer unit, the number still cannot be given twice.
    let (status, first) = post(document("07/KH-BCĐ", None)).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    let (status, err) = post(document("7/KH-BCĐ", None)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["code"], "docnum_taken");
}

// 14, 16. -------------------------------------------------------------------------------------

async fn persons_sort_the_vietnamese_way_and_names_hide_nothing(t: TestDb) {
    let app = spawn(t).await;
    let admin = token(&app, "admin").await;
    for name in ["Ân Thử", "Ăn Thử", "Anh Thử", "Ấn Thử"] {
        let (status, body) = call(
            &app,
            &admin,
            "POST",
            "/api/v1/persons",
            Some(json!({"full_name": name})),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let (_, listed) = call(&app, &admin, "GET", "/api/v1/persons?q=thu&limit=50", None).await;
    let names: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["full_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Anh Thử", "Ăn Thử", "Ân Thử", "Ấn Thử"]);
    let (status, person) = call(
        &app,
        &admin,
        "POST",
        "/api/v1/persons",
        Some(json!({"full_name": "Lê\u{202E}nảuhT"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{person}");
    let id = person["id"].as_i64().unwrap();
    let (_, read) = call(&app, &admin, "GET", &format!("/api/v1/persons/{id}"), None).await;
    assert_eq!(read["full_name"], "LênảuhT");
}

// 15, 16, 17. ---------------------------------------------------------------------------------

async fn evidence_shares_and_numbers_are_judged_for_what_they_are(t: TestDb) {
    let app = spawn(t).await;
    let admin = token(&app, "admin").await;
    let anthuy = token(&app, "anthuy").await;
    let plan = plan_id(&app, &admin).await;
    let own = unit_id(&app, &admin, "X-ANTHUY", "2021-06-01").await;
    let body = json!({"cadence": "monthly", "first_year": 2021, "last_year": 2021, "days_after_end": 5, "lead_days": 2});
    let (status, _) = call(
        &app,
        &admin,
        "POST",
        &format!("/api/v1/documents/{plan}/calendars"),
        Some(body),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, report) = call(
        &app,
        &anthuy,
        "POST",
        &format!("/api/v1/documents/{plan}/reports"),
        Some(json!({"unit_id": own, "period": "2021-05"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let report = report["id"].as_i64().unwrap();
    // "%PDF" in front of a program is no PDF.
    let mut disguised = b"%PDF".to_vec();
    disguised.extend_from_slice(b"\x7fELF\x02\x01\x01\0");
    disguised.resize(8192, 0);
    let r = Client::new()
        .post(app.url(&format!(
            "/api/v1/reports/{report}/evidence?name=bien-ban.pdf"
        )))
        .bearer_auth(&anthuy)
        .body(disguised)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json::<Value>().await.unwrap()["code"], "file_type");
    // A 3 MB scan goes through the report page as it does through the API.
    let mut scan = b"%PDF-1.4\n".to_vec();
    scan.resize(3 * 1024 * 1024, b'x');
    scan.extend_from_slice(b"\n%%EOF\n");
    let browser = Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let html = browser
        .get(app.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf_in = |html: &str| {
        html.split("name=\"csrf\" value=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_owned()
    };
    let r = browser
        .post(app.url("/login"))
        .form(&[
            ("username", "anthuy"),
            ("password", "demo"),
            ("csrf", &csrf_in(&html)),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let html = browser
        .get(app.url(&format!("/reports/{report}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let boundary = "hardening-boundary";
    let mut form = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"scan.pdf\"\r\n\
         Content-Type: application/pdf\r\n\r\n",
        csrf_in(&html)
    )
    .into_bytes();
    form.extend_from_slice(&scan);
    form.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let r = browser
        .post(app.url(&format!("/reports/{report}/evidence")))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // A share cannot have more in its part than in its whole.
    let (_, targets) = call(
        &app,
        &admin,
        "GET",
        &format!("/api/v1/documents/{plan}/targets"),
        None,
    )
    .await;
    let xh01 = targets
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["code"] == "XH01")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/v1/targets/{xh01}/actuals");
    let value =
        json!({"unit_id": own, "period": "2021-11", "numerator": "2400", "denominator": "120"});
    let (status, err) = call(&app, &admin, "PUT", &path, Some(value)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(
        (err["code"].as_str(), err["field"].as_str()),
        (Some("numerator_exceeds_denominator"), Some("numerator"))
    );
    // The API's number error tells a program what to send, not how a person types it.
    let value =
        json!({"unit_id": own, "period": "2021-11", "numerator": "hai", "denominator": "120"});
    let (status, err) = call(&app, &admin, "PUT", &path, Some(value)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    let message = err["message"].as_str().unwrap();
    assert!(
        message.contains("1234.5") && !message.contains("1.234,5"),
        "{message}"
    );
}

both_backends!(
    logins_and_saves_at_once_never_meet_a_locked_database,
    calendar_years_are_bounded_and_the_calendars_still_answer,
    long_texts_are_refused_at_the_edge_and_nothing_is_stored,
    every_error_has_the_one_shape,
    what_a_route_requires_is_what_its_description_says,
    the_last_administrator_of_everything_stays,
    document_numbers_keep_their_grammar_and_compare_as_numbers,
    persons_sort_the_vietnamese_way_and_names_hide_nothing,
    evidence_shares_and_numbers_are_judged_for_what_they_are,
);
