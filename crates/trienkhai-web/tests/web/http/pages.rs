//! Pages: sessions and CSRF, API tokens, every page for whoever may see it.

use super::*;
use reqwest::{Client, StatusCode};
use serde_json::json;
use trienkhai_testkit::{TestApp, TestDb};

/// A browser-like client logged in through the login form.
pub(crate) async fn login_browser(app: &TestApp, username: &str) -> Client {
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

/// The HTML of a page as `client` reads it.
pub(crate) async fn page_html(client: &Client, app: &TestApp, path: &str) -> String {
    client
        .get(app.url(path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

pub(crate) async fn csrf_of(client: &Client, app: &TestApp, path: &str) -> String {
    page_html(client, app, path)
        .await
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned()
}

pub(crate) async fn pages_need_a_session_and_forms_a_csrf_token(t: TestDb) {
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

pub(crate) async fn api_tokens_are_stored_as_digests_and_can_be_revoked(t: TestDb) {
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

pub(crate) async fn every_page_renders_for_whoever_may_see_it_and_refuses_the_others(t: TestDb) {
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

/// Posts `fields` and, when given, a file (`name`, content type, bytes) as a browser posts a
/// multipart form.
pub(crate) async fn post_multipart(
    client: &Client,
    url: String,
    fields: &[(String, String)],
    file: Option<(&str, &str, &[u8])>,
) -> reqwest::Response {
    let boundary = "trienkhai-test-boundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((name, content_type, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
                 Content-Type: {content_type}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    client
        .post(url)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap()
}

/// The demo plan 02-NQ/HU with its monthly calendar of 2021 (communes two working days before
/// the district's fifth): its id.
pub(crate) async fn plan_reporting_monthly_in_2021(app: &TestApp) -> i64 {
    use trienkhai_core::reporting::{Cadence, DeadlineRule};
    let admin_token = token(app, "admin").await;
    let (_, docs) = get(app, &admin_token, "/api/v1/documents?number=02-NQ/HU").await;
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
    plan
}

pub(crate) async fn structure_forms_choose_units_by_name_never_by_code(t: TestDb) {
    let app = spawn(t).await;
    let admin = login_browser(&app, "admin").await;
    // A new unit's parent is a picker of names; the one asked for is chosen, and "top level"
    // is offered to whom may create units there.
    let html = page_html(&admin, &app, "/units/new?parent=X-ANTHUY&as_of=01/06/2021").await;
    let picker = html
        .split("id=\"new-unit-parent\"")
        .nth(1)
        .and_then(|s| s.split("</select>").next())
        .expect("a parent picker");
    assert!(
        picker.contains("<option value=\"X-ANTHUY\" selected>"),
        "{picker}"
    );
    assert!(picker.contains("Đảng bộ xã An Thủy") && picker.contains("cấp cao nhất"));
    // Every commune has a "Chi bộ ấp 1": each is told apart by its commune's name.
    assert!(
        picker.contains("Chi bộ ấp 1 (Đảng bộ xã An Thủy)"),
        "{picker}"
    );
    assert!(html.contains("name=\"valid_from\" value=\"01/06/2021\""));
    assert!(
        !html.contains("<input name=\"parent_code\""),
        "no typed code"
    );
    // What the picker sends creates the unit under the chosen parent.
    let csrf = csrf_of(&admin, &app, "/units/new").await;
    let r = admin
        .post(app.url("/units/new"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("code", "X-ANTHUY-CB9"),
            ("name", "Chi bộ ấp 9"),
            ("kind", "chi_bo"),
            ("parent_code", "X-ANTHUY"),
            ("valid_from", "01/01/2022"),
            ("valid_to", "30/06/2025"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    let token = token(&app, "admin").await;
    let anthuy = unit_id(&app, &token, "X-ANTHUY", "2022-01-01").await;
    let (_, units) = get(&app, &token, "/api/v1/units?as_of=2022-01-01").await;
    let created = units
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["code"] == "X-ANTHUY-CB9")
        .expect("the unit exists");
    assert_eq!(created["parent_id"], anthuy, "{created}");
    // A split's parts stay under the unit's parent unless chosen otherwise; a move and a
    // merge choose among names too.
    let split = page_html(
        &admin,
        &app,
        &format!("/units/{anthuy}/split?as_of=01/06/2021"),
    )
    .await;
    assert_eq!(
        split.matches("<option value=\"BTR\" selected>").count(),
        3,
        "three parts"
    );
    let detail = page_html(&admin, &app, &format!("/units/{anthuy}?as_of=01/06/2021")).await;
    assert!(detail.contains("id=\"change-parent\" data-picker") && detail.contains("(giữ nguyên)"));
    let merge = page_html(&admin, &app, "/units/merge?as_of=01/06/2021").await;
    assert!(merge.contains("id=\"merge-target\" data-picker") && merge.contains("(không chọn)"));
}
