//! Reports through pages and the API.

use super::*;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use trienkhai_testkit::TestDb;

pub(crate) async fn a_report_is_filled_submitted_returned_and_accepted_through_the_pages(
    t: TestDb,
) {
    let app = spawn(t).await;
    let admin_token = token(&app, "admin").await;
    let plan = plan_reporting_monthly_in_2021(&app).await;
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
    let r = post_multipart(
        &anthuy,
        app.url(&format!("{report}/narrative")),
        &fields,
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let html = page(&anthuy, report.clone()).await;
    assert!(html.contains("Đã vận động 120 hộ trữ nước"));
    let kt05_row = html.split("data-code=\"KT05\"").nth(1).unwrap();
    assert!(kt05_row.contains("value=\"1.234\""), "the value as typed");
    assert!(html.contains("Đang khảo sát"));
    // Evidence through the page: multipart, type checked, served back to the district.
    let r = post_multipart(
        &anthuy,
        app.url(&format!("{report}/evidence")),
        &[
            ("csrf".to_owned(), csrf.clone()),
            ("work_item_id".to_owned(), item.clone()),
        ],
        Some((
            "bien-ban.pdf",
            "application/pdf",
            b"%PDF-1.4 bien ban\n%%EOF",
        )),
    )
    .await;
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

pub(crate) async fn a_report_goes_through_the_api_and_every_unit_is_followed(t: TestDb) {
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
