//! The reviewer's side through the pages: "Nhắc" beside a missing report, the history in
//! sentences, and error pages that keep the way home.

use super::*;
use reqwest::StatusCode;
use trienkhai_testkit::TestDb;

pub(crate) async fn the_district_nudges_a_missing_report_and_reads_what_happened_in_words(
    t: TestDb,
) {
    let app = spawn(t).await;
    let admin = token(&app, "admin").await;
    let plan = plan_reporting_monthly_in_2021(&app).await;
    let own = unit_id(&app, &admin, "X-ANTHUY", "2021-04-30").await;
    let list = format!("/documents/{plan}/reports?period=2021-04");
    let district = login_browser(&app, "huyenuy").await;
    let html = page_html(&district, &app, &list).await;
    assert!(
        html.contains("aria-label=\"Nhắc Đảng bộ xã An Thủy\""),
        "a nudge beside each missing report"
    );
    // The commune sees the list (it may read it) but no button.
    let commune = login_browser(&app, "anthuy").await;
    let seen = commune.get(app.url(&list)).send().await.unwrap();
    if seen.status() == StatusCode::OK {
        assert!(
            !seen
                .text()
                .await
                .unwrap()
                .contains("class=\"secondary nudge\"")
        );
    }
    let csrf = csrf_of(&district, &app, &list).await;
    let r = district
        .post(app.url(&format!("/documents/{plan}/reports/nudge")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("unit_id", &own.to_string()),
            ("period", "2021-04"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let back = r.headers()["location"].to_str().unwrap().to_owned();
    let html = page_html(&district, &app, &back).await;
    assert!(
        html.contains("Đã nhắc Đảng bộ xã An Thủy gửi báo cáo"),
        "{back}"
    );
    // The same through the API: told already today, so no one is told twice; a commune may
    // not nudge, and a missing unit is named.
    let nudge = format!("/api/v1/documents/{plan}/reports/nudge");
    let district_token = token(&app, "huyenuy").await;
    let (status, body) = send(
        &app,
        &district_token,
        "POST",
        &nudge,
        serde_json::json!({"unit_id": own, "period": "2021-04"}),
    )
    .await;
    assert_eq!((status, body["told"].as_u64()), (StatusCode::OK, Some(0)));
    let (status, _) = send(
        &app,
        &token(&app, "anthuy").await,
        "POST",
        &nudge,
        serde_json::json!({"unit_id": own, "period": "2021-04"}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = send(
        &app,
        &district_token,
        "POST",
        &nudge,
        serde_json::json!({"period": "2021-04"}),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str(), body["field"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("required"),
            Some("unit_id")
        )
    );
    // The commune finds it among its notifications.
    let told = page_html(&commune, &app, "/notifications").await;
    assert!(told.contains("Nhắc: đề nghị Đảng bộ xã An Thủy gửi báo cáo 02-NQ/HU"));
    // The history says it in words, naming the records, never "document #3".
    let history = login_browser(&app, "admin").await;
    let html = page_html(&history, &app, "/history").await;
    assert!(html.contains("Nhắc nộp báo cáo"));
    assert!(html.contains("văn bản 02-NQ/HU"));
    assert!(!html.contains(" #"), "no record named by its number alone");
    // A period outside the plan's calendars is a page that says so, not an error.
    let r = district
        .get(app.url(&format!("/documents/{plan}/reports?period=2030-04")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"no-calendar\""));
    assert!(
        !html.contains("id=\"missing-count\"") && !html.contains("id=\"unit-reports\""),
        "no counts or empty table beside it"
    );
    // An unknown address and a refused page keep the layout and the way home.
    for (who, path, status) in [
        (&commune, "/khong-co-trang-nay", StatusCode::NOT_FOUND),
        (&commune, "/accounts/new", StatusCode::FORBIDDEN),
    ] {
        let r = who.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), status, "{path}");
        let html = r.text().await.unwrap();
        assert!(html.contains("id=\"nav-todo\""), "{path}: the navigation");
        assert!(html.contains("Về trang Việc cần làm"), "{path}");
    }
}
