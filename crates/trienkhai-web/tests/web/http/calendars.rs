//! Calendars, dashboards and reminders over HTTP.

use super::*;
use reqwest::StatusCode;
use serde_json::json;
use trienkhai_testkit::TestDb;

pub(crate) async fn calendar_counting_and_period_pages_work_for_editors_and_read_for_others(
    t: TestDb,
) {
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

pub(crate) async fn a_units_dashboard_renders_printable_and_keeps_scope(t: TestDb) {
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
    // Printed under an official header naming the resolution; the print button works under
    // the page's policy (no inline script).
    assert!(html.contains("id=\"official-header\""));
    assert!(html.contains("ĐẢNG CỘNG SẢN VIỆT NAM"));
    assert!(html.contains("Kết quả thực hiện 02-NQ/HU – "));
    assert!(html.contains("ngày 20 tháng 05 năm 2021"));
    assert!(html.contains("data-print") && !html.contains("onclick"));
    let script = admin.get(app.url("/static/print.js")).send().await.unwrap();
    assert_eq!(script.status(), StatusCode::OK);
    assert!(script.text().await.unwrap().contains("window.print()"));
    // Opened without a period: the latest month with figures, not an empty month of today.
    let opened = page_html(&admin, &app, &format!("/units/{district}/dashboard")).await;
    assert!(opened.contains("Tháng 12/2021"), "the demo's last month");
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

pub(crate) async fn reminders_are_set_up_read_and_watched_through_pages_and_api(t: TestDb) {
    let app = spawn(t).await;
    let admin_token = token(&app, "admin").await;
    let commune_token = token(&app, "anthuy").await;
    let plan = plan_reporting_monthly_in_2021(&app).await;
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
