//! Commitments through the API: the cell collects a member's, refused with the section at
//! fault, sent, approved, assessed and remarked on; the list's rate follows.

use super::*;
use reqwest::StatusCode;
use serde_json::json;
use trienkhai_testkit::TestDb;

pub(crate) async fn a_commitment_goes_through_the_api(t: TestDb) {
    let app = spawn(t).await;
    let cell_secretary = token(&app, "bithu").await;
    let commune = token(&app, "anthuy").await;
    let cell = unit_id(&app, &commune, "CB-ANTHUY-1", "2021-06-01").await;
    let list_path = format!("/api/v1/units/{cell}/commitments?year=2021");
    let (status, list) = get(&app, &cell_secretary, &list_path).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let member = list["people"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["commitment_id"].is_null() && p["post_title"] == "Đảng viên")
        .expect("a member without a commitment")["person_id"]
        .clone();
    let signed_before = list["total"]["signed"].as_u64().unwrap();
    let (status, opened) = send(
        &app,
        &cell_secretary,
        "POST",
        "/api/v1/commitments",
        json!({ "person_id": member, "year": 2021, "unit_id": cell }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{opened}");
    let id = opened["id"].as_i64().unwrap();
    let sections = |last: &str| {
        json!([
            { "section": "political_ideology", "content": "Kiên định" },
            { "section": "ethics_lifestyle", "content": "Giản dị" },
            { "section": "discipline", "content": "Sinh hoạt đầy đủ" },
            { "section": "duties", "content": "Hoàn thành nhiệm vụ" },
            { "section": "following_uncle_ho", "content": last },
        ])
    };
    let path = format!("/api/v1/commitments/{id}/sections");
    let (status, err) = send(
        &app,
        &cell_secretary,
        "PUT",
        &path,
        json!({ "version": 1, "sections": sections("") }),
    )
    .await;
    assert_eq!(
        (status, err["code"].as_str(), err["field"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("required"),
            Some("following_uncle_ho")
        )
    );
    let (status, saved) = send(
        &app,
        &cell_secretary,
        "PUT",
        &path,
        json!({ "version": 1, "sections": sections("Trồng 20 cây xanh") }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let actions = format!("/api/v1/commitments/{id}/actions");
    let (_, sent) = send(
        &app,
        &cell_secretary,
        "POST",
        &actions,
        json!({ "action": "submit", "version": saved["row_version"] }),
    )
    .await;
    let (status, approved) = send(
        &app,
        &cell_secretary,
        "POST",
        &actions,
        json!({ "action": "approve", "version": sent["row_version"] }),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the cell approves a member's: {approved}"
    );
    let (status, _) = send(
        &app,
        &cell_secretary,
        "PUT",
        &format!("/api/v1/commitments/{id}/assessments"),
        json!({ "section": "duties", "outcome": "partly", "text": "Còn một việc" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = send(
        &app,
        &cell_secretary,
        "PUT",
        &format!("/api/v1/commitments/{id}/remark"),
        json!({ "remark": "Cơ bản thực hiện tốt" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, read) = get(&app, &commune, &format!("/api/v1/commitments/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(read["commitment"]["state"], "approved");
    assert_eq!(read["sections"][3]["assessment"]["outcome"], "partly");
    assert_eq!(read["commitment"]["remark"], "Cơ bản thực hiện tốt");
    let (_, list) = get(&app, &cell_secretary, &list_path).await;
    assert_eq!(list["total"]["signed"].as_u64().unwrap(), signed_before + 1);
}
