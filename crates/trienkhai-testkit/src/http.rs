//! Speaking to a served [`TestApp`] as an API client does: log in, get a token, call a route,
//! find a unit by its code. Shared by every test that goes through HTTP.

use std::net::{IpAddr, Ipv4Addr};

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::{TestApp, TestDb};

/// The Ba Tri demo served over `t`'s database.
pub async fn spawn(t: TestDb) -> TestApp {
    TestApp::spawn(t, true).await
}

/// The demo served with this loopback address trusted as a reverse proxy, so that a test can
/// speak for several client addresses through `X-Forwarded-For`; `/metrics` takes the token
/// `metrics-secret`.
pub async fn spawn_behind_proxy(t: TestDb) -> TestApp {
    TestApp::spawn_with(
        t,
        true,
        |s| {
            s.with_trusted_proxies(vec![IpAddr::V4(Ipv4Addr::LOCALHOST)])
                .with_metrics_token(Some("metrics-secret".into()))
        },
        trienkhai_web::serve::Limits::default(),
    )
    .await
}

/// `POST /api/v1/login`, from the address `from` when the app trusts this host as a proxy.
pub async fn login(
    app: &TestApp,
    username: &str,
    password: &str,
    from: Option<&str>,
) -> reqwest::Response {
    let mut request = Client::new()
        .post(app.url("/api/v1/login"))
        .json(&json!({"username": username, "password": password}));
    if let Some(address) = from {
        request = request.header("x-forwarded-for", address);
    }
    request.send().await.unwrap()
}

/// A bearer token of a demo account (password `demo`).
pub async fn token(app: &TestApp, username: &str) -> String {
    let r = login(app, username, "demo", None).await;
    assert_eq!(r.status(), StatusCode::OK, "login of {username}");
    r.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// `method path` with `token`, and a JSON body if given: the status and the JSON answer (null
/// when the answer is not JSON).
pub async fn call(
    app: &TestApp,
    token: &str,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
    let mut request = Client::new()
        .request(method, app.url(path))
        .bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let r = request.send().await.unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// `GET path` with `token`.
pub async fn get(app: &TestApp, token: &str, path: &str) -> (StatusCode, Value) {
    call(app, token, "GET", path, None).await
}

/// `method path` with `token` and the JSON `body`.
pub async fn send(
    app: &TestApp,
    token: &str,
    method: &str,
    path: &str,
    body: Value,
) -> (StatusCode, Value) {
    call(app, token, method, path, Some(body)).await
}

/// The id of the unit coded `code` in the tree of `as_of`.
pub async fn unit_id(app: &TestApp, token: &str, code: &str, as_of: &str) -> i64 {
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
