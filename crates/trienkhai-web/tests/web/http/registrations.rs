//! Personal registrations through the API: opened, filled, refused with its field, submitted,
//! approved and assessed, with the answers the OpenAPI document promises.

use super::*;
use reqwest::StatusCode;
use serde_json::json;
use trienkhai_testkit::TestDb;

pub(crate) async fn a_registration_goes_through_the_api(t: TestDb) {
    let app = spawn(t).await;
    let commune = token(&app, "anthuy").await;
    let peer_commune = token(&app, "kiemtra").await;
    let unit = unit_id(&app, &commune, "X-ANTHUY", "2021-06-01").await;
    let (_, people) = get(&app, &commune, "/api/v1/persons?limit=500").await;
    let person = people
        .as_array()
        .unwrap()
        .iter()
        .find(|p| {
            p["posts"].as_array().unwrap().iter().any(|post| {
                post["unit_id"] == unit && post["title"] == "Phó Bí thư Thường trực Đảng ủy"
            })
        })
        .expect("a person of An Thủy")["id"]
        .clone();
    // The demo's commune secretary has registered already; this one not yet.
    let (_, before) = get(
        &app,
        &commune,
        &format!("/api/v1/units/{unit}/registrations?year=2021"),
    )
    .await;
    let (status, opened) = send(
        &app,
        &commune,
        "POST",
        "/api/v1/registrations",
        json!({ "person_id": person, "year": 2021, "unit_id": unit, "document_id": null }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{opened}");
    let id = opened["id"].as_i64().unwrap();
    let (status, again) = send(
        &app,
        &commune,
        "POST",
        "/api/v1/registrations",
        json!({ "person_id": person, "year": 2021, "unit_id": unit, "document_id": null }),
    )
    .await;
    assert_eq!(
        (status, again["code"].as_str()),
        (StatusCode::CONFLICT, Some("registration_exists"))
    );
    // A bad item is refused with its field; nothing is saved.
    let items = |deadline: &str| {
        json!([{ "content": "Vận động 20 hộ trữ nước ngọt", "product": "Danh sách hộ",
                 "measure": "20 hộ", "deadline": deadline, "work_item_id": null, "target_id": null }])
    };
    let path = format!("/api/v1/registrations/{id}/items");
    let (status, err) = send(
        &app,
        &commune,
        "PUT",
        &path,
        json!({ "version": 1, "items": items("2022-03-01") }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        (err["code"].as_str(), err["field"].as_str()),
        (Some("deadline_outside_year"), Some("deadline"))
    );
    let (status, saved) = send(
        &app,
        &commune,
        "PUT",
        &path,
        json!({ "version": 1, "items": items("2021-04-30") }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let version = saved["row_version"].as_i64().unwrap();
    let (status, stale) = send(
        &app,
        &commune,
        "PUT",
        &path,
        json!({ "version": 1, "items": items("2021-04-30") }),
    )
    .await;
    assert_eq!(
        (status, stale["code"].as_str()),
        (StatusCode::CONFLICT, Some("conflict"))
    );
    // Submitted and approved by the commune (it is not the person's own).
    let actions = format!("/api/v1/registrations/{id}/actions");
    let (_, submitted) = send(
        &app,
        &commune,
        "POST",
        &actions,
        json!({ "action": "submit", "version": version }),
    )
    .await;
    let (status, _) = send(
        &app,
        &peer_commune,
        "POST",
        &actions,
        json!({ "action": "approve", "version": submitted["row_version"] }),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "the inspector reads, never decides"
    );
    let (status, approved) = send(
        &app,
        &commune,
        "POST",
        &actions,
        json!({ "action": "approve", "version": submitted["row_version"] }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{approved}");
    let (status, view) = get(&app, &commune, &format!("/api/v1/registrations/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(view["registration"]["state"], "approved");
    let item = view["items"][0]["id"].as_i64().unwrap();
    // Assessed at year end; an unknown phase is refused naming it.
    let (status, err) = send(
        &app,
        &commune,
        "PUT",
        &format!("/api/v1/registration-items/{item}/assessments/quarterly"),
        json!({ "outcome": "done" }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        (err["code"].as_str(), err["field"].as_str()),
        (Some("assessment_phase_unknown"), Some("phase"))
    );
    let (status, _) = send(
        &app,
        &commune,
        "PUT",
        &format!("/api/v1/registration-items/{item}/assessments/year_end"),
        json!({ "outcome": "partly", "percent": 75, "note": "15/20 hộ" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, view) = get(&app, &commune, &format!("/api/v1/registrations/{id}")).await;
    assert_eq!(view["assessments"][0]["assessment"]["percent"], 75);
    // Evidence of the assessment: the type comes from the bytes.
    let attach = |name: &str, bytes: &[u8]| {
        reqwest::Client::new()
            .post(app.url(&format!(
                "/api/v1/registration-items/{item}/evidence?name={name}&phase=year_end"
            )))
            .bearer_auth(&commune)
            .body(bytes.to_vec())
            .send()
    };
    let refused = attach("anh.png", b"%PDF-1.4").await.unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let pdf = b"%PDF-1.4 bien ban\n%%EOF\n";
    let attached = attach("bien-ban.pdf", pdf).await.unwrap();
    assert_eq!(attached.status(), StatusCode::OK);
    let evidence = attached.json::<serde_json::Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    let (_, view) = get(&app, &commune, &format!("/api/v1/registrations/{id}")).await;
    assert_eq!(view["evidence"][0]["file_name"], "bien-ban.pdf");
    assert_eq!(view["evidence"][0]["phase"], "year_end");
    let read = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/registration-evidence/{evidence}")))
        .bearer_auth(&commune)
        .send()
        .await
        .unwrap();
    assert_eq!(&read.bytes().await.unwrap()[..], pdf);
    // The inspection committee reads down the tree; nobody reads it without signing in.
    let inspector = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/registration-evidence/{evidence}")))
        .bearer_auth(&peer_commune)
        .send()
        .await
        .unwrap();
    assert_eq!(inspector.status(), StatusCode::OK);
    let anonymous = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/registration-evidence/{evidence}")))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    // The commune's list says who has registered.
    let (status, list) = get(
        &app,
        &commune,
        &format!("/api/v1/units/{unit}/registrations?year=2021"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(
        list["registered"].as_i64(),
        before["registered"].as_i64().map(|n| n + 1)
    );
    assert!(list["total"].as_i64().unwrap() >= 1);
    let (status, err) = get(
        &app,
        &commune,
        &format!("/api/v1/units/{unit}/registrations"),
    )
    .await;
    assert_eq!(
        (status, err["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("year"))
    );
    // Amended: version 2, a draft.
    let (status, amended) = send(
        &app,
        &commune,
        "POST",
        &format!("/api/v1/registrations/{id}/amendments"),
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{amended}");
    let (_, second) = get(
        &app,
        &commune,
        &format!("/api/v1/registrations/{}", amended["id"]),
    )
    .await;
    assert_eq!(
        (
            second["registration"]["version"].as_i64(),
            second["registration"]["state"].as_str()
        ),
        (Some(2), Some("draft"))
    );
}

/// Who must register is set on the plan by its issuer, under a version check, and the lists
/// count against it.
pub(crate) async fn who_must_register_is_set_per_plan(t: TestDb) {
    let app = spawn(t).await;
    let district = token(&app, "huyenuy").await;
    let commune = token(&app, "anthuy").await;
    let (_, docs) = get(&app, &district, "/api/v1/documents?number=02-NQ/HU").await;
    let plan = docs[0]["id"].as_i64().unwrap();
    let path = format!("/api/v1/documents/{plan}/registration-rule");
    let (status, rule) = get(&app, &district, &path).await;
    assert_eq!(status, StatusCode::OK, "{rule}");
    assert_eq!(rule["can_edit"], true);
    let categories = rule["categories"].as_array().unwrap().clone();
    assert!(categories.contains(&json!("cell_secretary")), "{rule}");
    let version = rule["row_version"].as_i64().unwrap();
    // The commune reads the rule but does not set the district's.
    let (_, theirs) = get(&app, &commune, &path).await;
    assert_eq!(theirs["can_edit"], false);
    let body = json!({ "categories": ["cell_secretary"], "version": version });
    let (status, _) = send(&app, &commune, "PUT", &path, body.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, err) = send(
        &app,
        &district,
        "PUT",
        &path,
        json!({ "categories": ["chairman"], "version": version }),
    )
    .await;
    assert_eq!(
        (status, err["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("categories")),
        "{err}"
    );
    // Only the cells' secretaries: An Thủy's list counts its three cells' secretaries.
    let (status, saved) = send(&app, &district, "PUT", &path, body.clone()).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let (status, err) = send(&app, &district, "PUT", &path, body).await;
    assert_eq!(
        (status, err["code"].as_str()),
        (StatusCode::CONFLICT, Some("conflict"))
    );
    let unit = unit_id(&app, &commune, "X-ANTHUY", "2021-06-01").await;
    let (status, list) = get(
        &app,
        &commune,
        &format!("/api/v1/units/{unit}/registrations?year=2021&plan={plan}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let required: Vec<&serde_json::Value> = list["people"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["required"] == true)
        .collect();
    assert_eq!(list["total"].as_u64(), Some(required.len() as u64));
    assert!(
        required.iter().all(|p| p["post_title"] == "Bí thư Chi bộ"),
        "{required:?}"
    );
    // The commune's secretary registered anyway: listed, not counted.
    assert!(
        list["people"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["required"] == false && p["post_title"] == "Bí thư Đảng ủy")
    );
    let lines = list["lines"].as_array().unwrap();
    let summed: u64 = lines.iter().map(|l| l["total"].as_u64().unwrap()).sum();
    assert_eq!(
        Some(summed),
        list["total"].as_u64(),
        "lines add up: {lines:?}"
    );
}
