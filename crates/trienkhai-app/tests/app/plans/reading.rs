//! Who reads which document: a whole list judged at once agrees with each document judged
//! alone (the list reads every issuer and chain together; the single read walks one chain).

use super::*;
use std::collections::BTreeSet;

pub(crate) async fn a_list_of_documents_agrees_with_reading_each_one(t: TestDb) {
    let app = demo_app(&t).await;
    let system = Actor::system("test", app.today());
    // Another commune's plan carrying out the district's resolution: not An Thủy's to read.
    let admin = actor(&app, "admin").await;
    let district_plan = plan(&app, &admin, "02-NQ/HU").await;
    let other = documents::register_document(
        &app,
        &admin,
        &documents::DocumentInput {
            number: "01-KH/ĐU".into(),
            kind: "ke_hoach".into(),
            issuer_unit_id: Some(unit(&app, "X-BAOTHANH", "2021-03-01").await),
            issued_on: Some(d("2021-03-01")),
            summary: "Kế hoạch của Đảng ủy xã Bảo Thạnh thực hiện Nghị quyết 02-NQ/HU".into(),
            concretizes: Some(district_plan),
            ..Default::default()
        },
        "user",
    )
    .await
    .unwrap();
    let every: Vec<DocumentId> = documents::list_documents(&app, &system, None, None, None)
        .await
        .unwrap()
        .into_iter()
        .map(|v| v.document.id)
        .collect();
    assert!(every.len() >= 7, "the demo's documents");
    let mut read_by_commune = 0;
    for who in ["admin", "anthuy", "huyenuy", "kiemtra"] {
        let reader = actor(&app, who).await;
        let listed: BTreeSet<DocumentId> =
            documents::list_documents(&app, &reader, None, None, None)
                .await
                .unwrap()
                .into_iter()
                .map(|v| v.document.id)
                .collect();
        let mut one_by_one = BTreeSet::new();
        for &id in &every {
            if documents::get_document(&app, &reader, id).await.is_ok() {
                one_by_one.insert(id);
            }
        }
        assert_eq!(listed, one_by_one, "{who}");
        if who == "anthuy" {
            read_by_commune = listed.len();
            assert!(
                !listed.contains(&other),
                "another commune's plan is not An Thủy's"
            );
        }
        // The documents carrying each one out, as listed on its page.
        for &id in &one_by_one {
            let lower: BTreeSet<DocumentId> = documents::concretized_by(&app, &reader, id)
                .await
                .unwrap()
                .into_iter()
                .map(|v| v.document.id)
                .collect();
            let all_lower = documents::concretized_by(&app, &system, id).await.unwrap();
            let expected: BTreeSet<DocumentId> = all_lower
                .into_iter()
                .map(|v| v.document.id)
                .filter(|l| one_by_one.contains(l))
                .collect();
            assert_eq!(lower, expected, "{who}, below document {}", id.0);
        }
    }
    // An Thủy reads its own plan, the district's resolution and the province's directive up
    // its chain, and the National Assembly's resolution: more than its own plan.
    assert!(read_by_commune >= 3, "{read_by_commune}");
}

/// Requests hold a reader while the figures they need are rolled up on other connections, and
/// kept lists check the change epoch: many at once, nothing computed yet, none may wait on
/// another (a pool whose every connection is held by a request wanting one more waits on
/// itself until its acquire timeout, and answers errors).
pub(crate) async fn many_readers_at_once_never_wait_on_each_other(t: TestDb) {
    let app = demo_app(&t).await;
    let district_plan = {
        let admin = actor(&app, "admin").await;
        plan(&app, &admin, "02-NQ/HU").await
    };
    let mut tasks = tokio::task::JoinSet::new();
    for who in ["huyenuy", "anthuy", "kiemtra"] {
        let reader = actor(&app, who).await;
        for month in 1..=12u8 {
            let (app, reader) = (app.clone(), reader.clone());
            tasks.spawn(async move {
                let period = trienkhai_core::period::Period::Month(2021, month);
                cascade::plan_overview(&app, &reader, district_plan, period, None)
                    .await
                    .map(|_| ())
            });
        }
    }
    let all = tokio::time::timeout(std::time::Duration::from_secs(25), async {
        let mut answered = 0;
        while let Some(done) = tasks.join_next().await {
            done.unwrap().unwrap();
            answered += 1;
        }
        answered
    })
    .await
    .expect("36 plan pages at once answer without waiting on each other");
    assert_eq!(all, 36);
}
