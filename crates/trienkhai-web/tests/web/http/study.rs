//! Study sessions through the API: recorded by the commune, refused with the field at fault,
//! rolled up for the district as offices write it, removed by whoever recorded them.

use super::*;
use reqwest::StatusCode;
use serde_json::json;
use trienkhai_testkit::TestDb;

pub(crate) async fn study_sessions_go_through_the_api(t: TestDb) {
    let app = spawn(t).await;
    let commune = token(&app, "anthuy").await;
    let district_office = token(&app, "huyenuy").await;
    let unit = unit_id(&app, &commune, "CB-ANTHUY-1", "2021-03-20").await;
    let district = unit_id(&app, &district_office, "BTR", "2021-03-20").await;
    let (_, docs) = get(&app, &commune, "/api/v1/documents?number=02-NQ/HU").await;
    let plan = docs[0]["id"].as_i64().expect("the district's resolution");
    let session = |present: u32| {
        json!({ "document_id": plan, "unit_id": unit, "held_on": "2021-03-20",
                "place": "Nhà văn hóa ấp 1", "mode": "in_person",
                "counts": [{ "audience": "party_members", "required": 21, "present": present, "excused": 1 }] })
    };
    let (status, err) = send(
        &app,
        &commune,
        "POST",
        "/api/v1/study-sessions",
        session(25),
    )
    .await;
    assert_eq!(
        (status, err["code"].as_str(), err["field"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("attendance_over_required"),
            Some("present")
        )
    );
    let (status, big) = send(
        &app,
        &commune,
        "POST",
        "/api/v1/study-sessions",
        json!({ "document_id": plan, "unit_id": unit, "held_on": "2021-03-20",
                "place": "Nhà văn hóa", "mode": "online",
                "counts": [{ "audience": "masses", "required": 4_000_000_000u32 }] }),
    )
    .await;
    assert_eq!(
        (status, big["code"].as_str(), big["field"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("out_of_range"),
            Some("required")
        )
    );
    let path = format!("/api/v1/documents/{plan}/study?unit={district}&as_of=2021-03-20");
    let (_, before) = get(&app, &district_office, &path).await;
    let (status, created) = send(
        &app,
        &commune,
        "POST",
        "/api/v1/study-sessions",
        session(19),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{created} {before}");
    let id = created["id"].as_i64().unwrap();
    let (status, read) = get(
        &app,
        &district_office,
        &format!("/api/v1/study-sessions/{id}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(read["counts"][0][1]["present"], 19);

    let (status, after) = get(&app, &district_office, &path).await;
    assert_eq!(status, StatusCode::OK, "{after}");
    let members = |rollup: &serde_json::Value| {
        rollup["total"]["audiences"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["audience"] == "party_members")
            .map(|a| {
                (
                    a["attendance"]["present"].as_u64().unwrap(),
                    a["attendance"]["required"].as_u64().unwrap(),
                )
            })
            .unwrap()
    };
    let (p0, r0) = members(&before);
    let (p1, r1) = members(&after);
    assert_eq!((p1 - p0, r1 - r0), (19, 21));
    let sentence = after["total"]["audiences"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["audience"] == "party_members")
        .unwrap()["sentence"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(sentence.contains(" đảng viên, đạt "), "{sentence}");
    // The district's roll-up is not the commune's to read.
    let (status, _) = get(&app, &commune, &path).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Without the unit, the field is named.
    let (status, err) = get(
        &app,
        &district_office,
        &format!("/api/v1/documents/{plan}/study"),
    )
    .await;
    assert_eq!(
        (status, err["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("unit"))
    );

    let (status, removed) = send(
        &app,
        &commune,
        "DELETE",
        &format!("/api/v1/study-sessions/{id}"),
        json!(null),
    )
    .await;
    assert_eq!(
        (status, removed["removed"].as_i64()),
        (StatusCode::OK, Some(id))
    );
    let (_, again) = get(&app, &district_office, &path).await;
    assert_eq!(members(&again), (p0, r0));
}
