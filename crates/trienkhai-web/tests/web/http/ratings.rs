//! Ratings through the API and the pages: a member self-assessed, refused at appraisal with
//! the field the year's rules ask for, appraised, decided by the commune with the quota, the
//! tally read; then the cell secretary's own self-assessment and appraisal on the pages.

use super::*;
use reqwest::StatusCode;
use serde_json::json;
use trienkhai_testkit::TestDb;

pub(crate) async fn a_rating_goes_through_the_api_and_the_pages(t: TestDb) {
    let app = spawn(t).await;
    let cell_secretary = token(&app, "bithu").await;
    let commune_office = token(&app, "anthuy").await;
    let cell = unit_id(&app, &commune_office, "CB-ANTHUY-1", "2020-06-01").await;
    let commune = unit_id(&app, &commune_office, "X-ANTHUY", "2020-06-01").await;
    let (_, list) = get(
        &app,
        &cell_secretary,
        &format!("/api/v1/units/{cell}/commitments?year=2020"),
    )
    .await;
    let member = list["people"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["post_title"] == "Đảng viên")
        .expect("a member")["person_id"]
        .clone();
    let (status, created) = send(
        &app,
        &cell_secretary,
        "POST",
        "/api/v1/ratings",
        json!({ "subject": "member", "unit_id": cell, "person_id": member, "year": 2020, "level": "excellent" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let id = created["id"].as_i64().unwrap();
    let appraisal = format!("/api/v1/ratings/{id}/appraisal");
    // 2020 is rated under QĐ 132: by grades, which are asked for by name.
    let (status, err) = send(
        &app,
        &cell_secretary,
        "PUT",
        &appraisal,
        json!({ "version": 1, "common": 25 }),
    )
    .await;
    assert_eq!(
        (status, err["code"].as_str(), err["field"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("grades_missing"),
            Some("grades")
        )
    );
    let grades = json!({
        "tasks": ["excellent"], "others": ["good", "good", "good"],
        "products": true, "products_quantified": true, "disciplined": false
    });
    let (status, saved) = send(
        &app,
        &cell_secretary,
        "PUT",
        &appraisal,
        json!({ "version": 1, "grades": grades }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let (_, view) = get(&app, &cell_secretary, &format!("/api/v1/ratings/{id}")).await;
    assert_eq!(view["rating"]["rule_set"], "qd132");
    assert_eq!(view["rating"]["evaluation"]["level"], "excellent");
    assert!(
        !view["rating"]["evaluation"]["steps"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    // The cell does not decide; the commune does. One excellent alone is over 20% of one.
    let actions = format!("/api/v1/units/{commune}/ratings/actions");
    let decide = json!({ "action": "decide", "subject": "member", "year": 2020 });
    let (status, _) = send(&app, &cell_secretary, "POST", &actions, decide.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, done) = send(&app, &commune_office, "POST", &actions, decide).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(
        (done["changed"].as_u64(), done["over_quota"].as_u64()),
        (Some(1), Some(1))
    );
    let (_, group) = get(
        &app,
        &commune_office,
        &format!("/api/v1/units/{commune}/ratings?year=2020"),
    )
    .await;
    assert_eq!(
        group["member_tally"]["text"],
        "không có HTXSNV; 1 HTTNV; không có HTNV; không có KHTNV"
    );

    // The pages: the secretary assesses themself and appraises it.
    let browser = login_browser(&app, "bithu").await;
    let html = page_html(&browser, &app, "/ratings?year=2020").await;
    assert!(html.contains("id=\"self-assess-form\""), "{html}");
    let person_id = html
        .split("name=\"person_id\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let csrf = csrf_of(&browser, &app, "/ratings?year=2020").await;
    let r = browser
        .post(app.url("/ratings/self"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("subject", "member"),
            ("unit", "CB-ANTHUY-1"),
            ("person_id", &person_id),
            ("year", "2020"),
            ("level", "good"),
            ("note", "Hoàn thành tốt các đầu việc"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let at = r.headers()["location"].to_str().unwrap().to_owned();
    let html = page_html(&browser, &app, &at).await;
    assert!(html.contains("id=\"appraisal-form\""), "{html}");
    assert!(html.contains("Quy định 132-QĐ/TW"));
    // A refused form comes back with what was typed and why, not as an error page.
    let r = browser
        .post(app.url(&format!("{at}/appraisal")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("version", "1"),
            ("grade_tasks", "excellent"),
            ("grade_politics", "bogus"),
            ("grade_ethics", "good"),
            ("grade_discipline", "good"),
            ("products", "on"),
            ("shortcomings", "3"),
            ("shortcomings_remedied", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"appraisal-error\""), "{html}");
    assert!(
        html.contains("<option value=\"excellent\" selected>"),
        "{html}"
    );
    assert!(
        html.contains("inputmode=\"numeric\" value=\"3\""),
        "the shortcomings typed: {html}"
    );
    let r = browser
        .post(app.url(&format!("{at}/appraisal")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("version", "1"),
            ("grade_tasks", "average"),
            ("grade_politics", "good"),
            ("grade_ethics", "good"),
            ("grade_discipline", "good"),
            ("products", "on"),
            ("shortcomings", "0"),
            ("shortcomings_remedied", "0"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let html = page_html(&browser, &app, &at).await;
    assert!(html.contains("id=\"rating-steps\""), "{html}");
    assert!(
        html.contains("id=\"rating-proposed\">Hoàn thành nhiệm vụ (HTNV)"),
        "task results at Trung bình: {html}"
    );
    // The commune's page shows the group with its tally and the decide button.
    let office = login_browser(&app, "anthuy").await;
    let html = page_html(&office, &app, "/ratings?unit=X-ANTHUY&year=2020").await;
    assert!(html.contains("id=\"tally-member\""), "{html}");
    assert!(html.contains("id=\"decide-member\""));
    // The decided member's page rates the congress term from the years decided so far.
    let html = page_html(&office, &app, &format!("/ratings/{id}")).await;
    assert!(
        html.contains("id=\"rating-term\"") && html.contains("2020: HTTNV"),
        "{html}"
    );

    // Bringing the appraised ratings up to date with the records: a preview through the API,
    // only for whoever decides there; applied from the page, which says what it did.
    let refresh = format!("/api/v1/units/{commune}/ratings/refresh");
    let (status, preview) = send(
        &app,
        &commune_office,
        "POST",
        &refresh,
        json!({ "year": 2020, "apply": false }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    assert_eq!(
        (preview["applied"].as_bool(), preview["examined"].as_u64()),
        (Some(false), Some(1)),
        "the secretary's appraised rating; the decided one is not touched"
    );
    let (status, _) = send(
        &app,
        &cell_secretary,
        "POST",
        &refresh,
        json!({ "year": 2020, "apply": true }),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, err) = send(
        &app,
        &commune_office,
        "POST",
        &refresh,
        json!({ "year": 2020, "apply": true, "all": true }),
    )
    .await;
    assert_eq!(
        (status, err["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("all"))
    );
    let csrf = csrf_of(&office, &app, "/ratings?unit=X-ANTHUY&year=2020").await;
    let r = office
        .post(app.url("/ratings/group"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("unit", "X-ANTHUY"),
            ("year", "2020"),
            ("subject", "member"),
            ("action", "refresh"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let at = r.headers()["location"].to_str().unwrap().to_owned();
    let html = page_html(&office, &app, &at).await;
    assert!(html.contains("id=\"rating-refreshed\""), "{at}: {html}");

    // The quota of each rule set: read by anyone signed in, set by the administrator.
    let (status, rules) = get(&app, &commune_office, "/api/v1/grading/quota-rules").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(rules.as_array().map(Vec::len), Some(5), "{rules}");
    let quota = json!({ "percent": "25", "base": "good_or_better", "scope": "organisation" });
    let (status, _) = send(
        &app,
        &commune_office,
        "PUT",
        "/api/v1/grading/quota-rules/qd132",
        quota.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let admin = token(&app, "admin").await;
    let (status, saved) = send(
        &app,
        &admin,
        "PUT",
        "/api/v1/grading/quota-rules/qd132",
        quota.clone(),
    )
    .await;
    assert_eq!(
        (status, saved["row_version"].as_i64()),
        (StatusCode::OK, Some(1))
    );
    let (status, _) = send(
        &app,
        &admin,
        "PUT",
        "/api/v1/grading/quota-rules/nd1",
        quota,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, rules) = get(&app, &admin, "/api/v1/grading/quota-rules").await;
    let qd132 = rules
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule_set"] == "qd132")
        .unwrap();
    assert_eq!(
        (qd132["rule"]["percent"].as_str(), qd132["scope"].as_str()),
        (Some("25"), Some("organisation"))
    );

    // The same quota as a page: the commune's office reads it, the administrator sets it; a
    // refused change comes back with what was typed.
    let html = page_html(&office, &app, "/ratings/quota").await;
    assert!(html.contains("id=\"quota-text-qd366\""), "{html}");
    assert!(!html.contains("id=\"quota-form-qd366\""));
    let admin_browser = login_browser(&app, "admin").await;
    let html = page_html(&admin_browser, &app, "/ratings/quota").await;
    assert!(html.contains("id=\"quota-default-qd366\""), "{html}");
    assert!(
        html.contains("id=\"quota-percent-qd132\" value=\"25\""),
        "{html}"
    );
    let csrf = csrf_of(&admin_browser, &app, "/ratings/quota").await;
    let change = |percent: &'static str, version: &'static str| {
        [
            ("csrf", csrf.clone()),
            ("rule_set", "qd366".to_owned()),
            ("percent", percent.to_owned()),
            ("base", "finally_good".to_owned()),
            ("scope", "organisation".to_owned()),
            ("version", version.to_owned()),
        ]
    };
    let post = |form: [(&'static str, String); 6]| {
        let browser = admin_browser.clone();
        let url = app.url("/ratings/quota");
        async move { browser.post(url).form(&form).send().await.unwrap() }
    };
    let r = post(change("hai mươi", "")).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"quota-error-qd366\""), "{html}");
    assert!(html.contains("value=\"hai mươi\""), "{html}");
    assert!(
        html.contains("<option value=\"finally_good\" selected>"),
        "{html}"
    );
    let r = post(change("120", "")).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Tỷ lệ tối đa (%)"));
    let r = post(change("15,5", "")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let at = r.headers()["location"].to_str().unwrap().to_owned();
    let html = page_html(&admin_browser, &app, &at).await;
    assert!(html.contains("id=\"quota-saved\""), "{html}");
    assert!(
        html.contains("id=\"quota-percent-qd366\" value=\"15,5\""),
        "{html}"
    );
    assert!(!html.contains("id=\"quota-default-qd366\""));
    // Someone else's change meanwhile (the form was read while the default was in use).
    let r = post(change("30", "")).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"quota-error-qd366\""), "{html}");
    assert!(html.contains("value=\"30\""), "{html}");
    let (_, rules) = get(&app, &admin, "/api/v1/grading/quota-rules").await;
    let qd366 = rules
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule_set"] == "qd366")
        .unwrap();
    assert_eq!(
        (
            qd366["rule"]["percent"].as_str(),
            qd366["rule"]["base"].as_str()
        ),
        (Some("15.5"), Some("finally_good"))
    );
    let csrf = csrf_of(&office, &app, "/ratings/quota").await;
    let r = office
        .post(app.url("/ratings/quota"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("rule_set", "qd366"),
            ("percent", "50"),
            ("base", "good_or_better"),
            ("scope", "peer_group"),
            ("version", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}
