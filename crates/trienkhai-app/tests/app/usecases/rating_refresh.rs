//! Appraised ratings brought up to date with the records, on the demo's 2026 case (two
//! officers of the provincial party office, appraised under QĐ 366 and NĐ 335): a preview
//! that keeps nothing, the records changing after the appraisal, the province applying it
//! without touching the assessors' inputs, one subject at a time; and the quota each rule set
//! uses, set by the administrator only.

use super::*;
use rust_decimal::Decimal;
use trienkhai_app::AppError;
use trienkhai_app::rating_quota::{self, QuotaInput, QuotaScope};
use trienkhai_app::rating_refresh;
use trienkhai_app::work_items::{self, WorkItemInput};
use trienkhai_core::grading::quota::CountingBase;
use trienkhai_core::grading::workflow::RatingState;
use trienkhai_core::grading::{RuleSet, Subject};
use trienkhai_core::ids::WorkItemId;
use trienkhai_store::ratings::{self as store, Rating};

async fn ratings_of_2026(app: &App, office: trienkhai_core::ids::UnitId) -> Vec<Rating> {
    let mut conn = app.db.reader().await.unwrap();
    store::ratings_in_units(&mut conn, &[office], 2026)
        .await
        .unwrap()
}

pub(crate) async fn appraised_ratings_follow_the_records_when_the_province_refreshes_them(
    t: TestDb,
) {
    let app = demo_app(&t).await;
    let province = unit_by_code(&app, "VL", "2026-06-01").await;
    let office = unit_by_code(&app, "CB-VPTU", "2026-06-01").await;
    let admin = actor(&app, "admin").await;
    let before = ratings_of_2026(&app, office).await;
    assert_eq!(before.len(), 4);
    assert!(before.iter().all(|r| r.state == RatingState::Appraised));

    // Nothing has moved since the appraisal: nothing to change.
    let preview = rating_refresh::refresh(&app, &admin, province, 2026, None, false)
        .await
        .unwrap();
    assert_eq!(
        (preview.applied, preview.examined, preview.changed),
        (false, 4, 0)
    );

    // After the appraisal a fifth task is given to the first officer and not yet done.
    let officer = before[0].person_id.unwrap();
    let first_task: i64 = before[0].tasks[0].key["work_item:".len()..]
        .parse()
        .unwrap();
    let mut conn = app.db.reader().await.unwrap();
    let plan = trienkhai_store::work_items::get_work_item(&mut conn, WorkItemId(first_task))
        .await
        .unwrap()
        .document_id;
    drop(conn);
    let add_task = |code: &str| WorkItemInput {
        code: code.into(),
        title: "Tổng hợp ý kiến góp ý văn kiện (minh họa)".into(),
        field_code: None,
        themes: Vec::new(),
        lead_unit_id: Some(office),
        coordinating_unit_ids: Vec::new(),
        responsible_person_id: Some(officer),
        target_ids: Vec::new(),
        starts_on: Some(d("2026-10-01")),
        deadline: Some(d("2026-11-25")),
        expected_product: Some("Báo cáo tổng hợp".into()),
        result: None,
        concretizes: None,
        sort_order: 9,
    };
    work_items::create_work_item(&app, &admin, plan, None, &add_task("VP-X1"), "user")
        .await
        .unwrap();
    let of_officer: Vec<&Rating> = before
        .iter()
        .filter(|r| r.person_id == Some(officer))
        .collect();
    assert_eq!(
        of_officer.len(),
        2,
        "rated as a member and as a civil servant"
    );

    // The preview says what would change and keeps nothing.
    let preview = rating_refresh::refresh(&app, &admin, province, 2026, None, false)
        .await
        .unwrap();
    assert_eq!((preview.examined, preview.changed), (4, 2));
    assert_eq!(ratings_of_2026(&app, office).await, before);

    // Whoever cannot decide there cannot refresh there.
    let secretary = actor(&app, "bithu").await;
    assert!(matches!(
        rating_refresh::refresh(&app, &secretary, province, 2026, None, true).await,
        Err(AppError::Forbidden)
    ));

    // Applied: the officer's two ratings read five tasks, their explanation follows, and the
    // assessors' inputs and the state stay as they were.
    let applied = rating_refresh::refresh(&app, &admin, province, 2026, None, true)
        .await
        .unwrap();
    assert_eq!((applied.applied, applied.changed), (true, 2));
    let after = ratings_of_2026(&app, office).await;
    let mut levels_moved = 0;
    for (old, new) in before.iter().zip(&after) {
        assert_eq!(
            (old.id, &old.appraisal, old.state),
            (new.id, &new.appraisal, new.state)
        );
        let old_level = old.evaluation.as_ref().and_then(|e| e.level);
        let new_level = new.evaluation.as_ref().and_then(|e| e.level);
        levels_moved += u32::from(old_level != new_level);
        if new.person_id == Some(officer) {
            assert_eq!(new.tasks.len(), old.tasks.len() + 1);
            assert_eq!(new.row_version, old.row_version + 1);
            let facts = &new.evaluation.as_ref().unwrap().facts;
            assert_eq!(
                facts.total,
                old.evaluation.as_ref().unwrap().facts.total + 1
            );
            assert_ne!(new.evaluation, old.evaluation);
        } else {
            assert_eq!(new, old);
        }
    }
    assert_eq!(applied.levels_changed, levels_moved);
    // Applied twice: nothing left to change.
    let again = rating_refresh::refresh(&app, &admin, province, 2026, None, true)
        .await
        .unwrap();
    assert_eq!(again.changed, 0);

    // One subject at a time: another task moves only the member rating.
    work_items::create_work_item(&app, &admin, plan, None, &add_task("VP-X2"), "user")
        .await
        .unwrap();
    let members =
        rating_refresh::refresh(&app, &admin, province, 2026, Some(Subject::Member), true)
            .await
            .unwrap();
    assert_eq!((members.examined, members.changed), (2, 1));
    let now = ratings_of_2026(&app, office).await;
    let of = |s: Subject| {
        now.iter()
            .find(|r| r.person_id == Some(officer) && r.subject == s)
            .unwrap()
            .tasks
            .len()
    };
    assert_eq!(
        (of(Subject::Member), of(Subject::CivilServant)),
        (of(Subject::CivilServant) + 1, of(Subject::CivilServant))
    );
}

pub(crate) async fn the_quota_of_each_rule_set_is_set_by_the_administrator(t: TestDb) {
    let app = demo_app(&t).await;
    let admin = actor(&app, "admin").await;
    let office = actor(&app, "anthuy").await;
    let all = rating_quota::settings(&app, &office).await.unwrap();
    assert_eq!(all.len(), RuleSet::ALL.len());
    assert!(
        all.iter()
            .all(|s| s.row_version.is_none() && s.rule.percent == Decimal::from(20))
    );
    let input = QuotaInput {
        percent: Decimal::from(15),
        base: CountingBase::FinallyGood,
        scope: QuotaScope::Organisation,
        expected_version: None,
    };
    assert!(matches!(
        rating_quota::set(&app, &office, RuleSet::Qd366, &input).await,
        Err(AppError::Forbidden)
    ));
    let v = rating_quota::set(&app, &admin, RuleSet::Qd366, &input)
        .await
        .unwrap();
    // A second writer who read the default conflicts instead of overwriting.
    assert_eq!(
        rating_quota::set(&app, &admin, RuleSet::Qd366, &input)
            .await
            .unwrap_err()
            .code(),
        "conflict"
    );
    let over = QuotaInput {
        percent: Decimal::from(101),
        expected_version: Some(v),
        ..input.clone()
    };
    let err = rating_quota::set(&app, &admin, RuleSet::Qd366, &over)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "out_of_range");
    let now = rating_quota::settings(&app, &office).await.unwrap();
    let qd366 = now.iter().find(|s| s.rule_set == RuleSet::Qd366).unwrap();
    assert_eq!(
        (
            qd366.rule.percent,
            qd366.rule.base,
            qd366.scope,
            qd366.row_version
        ),
        (
            Decimal::from(15),
            CountingBase::FinallyGood,
            QuotaScope::Organisation,
            Some(v)
        )
    );
}
