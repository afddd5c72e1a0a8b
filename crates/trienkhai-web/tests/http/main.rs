//! The HTTP surface on both backends, over the demo: the API contract later checks rely on,
//! scope on every route, errors, concurrency, sessions and CSRF.

mod foundation;
use foundation::*;
mod pages;
use pages::*;
mod plans;
use plans::*;
mod reports;
use reports::*;
mod calendars;
use calendars::*;

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
