//! Ratings: saved whole with their JSON inputs and explanation read back exactly, one active
//! rating per subject and year (a cancelled one stays beside its re-rating), saves under a
//! version check, lists by unit and by person; the quota settings with their default.

use super::*;
use rust_decimal::Decimal;
use trienkhai_core::grading::appraisal::{Appraisal, Finding, Task, evaluate};
use trienkhai_core::grading::quota::{CountingBase, QuotaRule};
use trienkhai_core::grading::workflow::RatingState;
use trienkhai_core::grading::{Level, RuleSet, Step, Subject};
use trienkhai_core::party::PartyMembership;
use trienkhai_store::ratings as store;
use trienkhai_store::{persons, work_items};

pub(crate) async fn ratings_keep_their_inputs_states_and_re_ratings(t: TestDb) {
    let district = create_unit(&t, "BTR", "Huyện ủy Ba Tri", None, "2000-01-01", None).await;
    let cell = create_unit(
        &t,
        "CB-A-1",
        "Chi bộ ấp 1",
        Some(district),
        "2000-01-01",
        None,
    )
    .await;
    let mut tx = t.db.begin().await.unwrap();
    let person = persons::insert_person(
        &mut tx,
        &persons::PersonFields {
            full_name: "Nguyễn Văn Sáu".into(),
            birth_year: Some(1979),
            party: PartyMembership::new(Some(d("2004-05-19")), Some(d("2005-05-19"))).unwrap(),
            source: "illustrative".into(),
        },
        now(),
    )
    .await
    .unwrap();
    let decider = accounts::insert_account(&mut tx, "huyenuy", "Huyện ủy", "h", None, now())
        .await
        .unwrap();
    // The sources a rating reads: the person's accounts and the work items they answer for.
    let own = accounts::insert_account(&mut tx, "sau", "Sáu", "h", Some(person), now())
        .await
        .unwrap();
    assert_eq!(
        accounts::accounts_of_person(&mut tx, person).await.unwrap(),
        vec![own]
    );
    let doc = insert_district_resolution(&mut tx, district, "user").await;
    let mut fields = work_items::WorkItemFields {
        document_id: doc,
        parent_id: None,
        concretizes: None,
        code: "DV07".into(),
        title: "Tuyên truyền trữ nước ngọt".into(),
        field_code: None,
        themes: Vec::new(),
        lead_unit_id: district,
        coordinating_unit_ids: Vec::new(),
        responsible_person_id: Some(person),
        target_ids: Vec::new(),
        starts_on: None,
        expected_product: None,
        result: None,
        sort_order: 0,
        source: "user".into(),
    };
    let answered = work_items::insert_work_item(&mut tx, &fields, d("2021-04-30"), now())
        .await
        .unwrap();
    fields.code = "DV08".into();
    fields.responsible_person_id = None;
    let other = work_items::insert_work_item(&mut tx, &fields, d("2021-04-30"), now())
        .await
        .unwrap();
    let of_person = work_items::items_of_responsibles(&mut tx, &[person, PersonId(999_999)])
        .await
        .unwrap();
    assert_eq!(
        of_person.iter().map(|w| w.id).collect::<Vec<_>>(),
        vec![answered]
    );
    // An organisation's tasks: what it leads, and nothing of a unit that leads nothing.
    let led = work_items::items_led_by(&mut tx, &[district, cell])
        .await
        .unwrap();
    assert_eq!(
        led.iter().map(|w| w.id).collect::<Vec<_>>(),
        vec![answered, other]
    );
    assert!(
        work_items::items_led_by(&mut tx, &[cell])
            .await
            .unwrap()
            .is_empty()
    );
    let mut r = store::Rating::new(2026, Subject::Member, cell, Some(person), RuleSet::Qd366);
    r.self_level = Some(Level::Excellent);
    r.self_note = Some("Hoàn thành vượt mức 3 đầu việc".into());
    r.self_assessed_at = Some(now());
    r.id = store::insert_rating(&mut tx, &r, now()).await.unwrap();
    // The organisation's own rating is another subject of the same unit.
    let org = store::Rating::new(2026, Subject::Organisation, cell, None, RuleSet::Qd366);
    store::insert_rating(&mut tx, &org, now()).await.unwrap();

    r.state = RatingState::Appraised;
    r.tasks = vec![Task {
        key: "registration_item:1".into(),
        label: "Xây dựng 1 km đường bê tông".into(),
        deadline: d("2026-09-30"),
        completed: true,
        completed_on: Some(d("2026-10-20")),
    }];
    r.appraisal = Some(Appraisal {
        common: Some(Decimal::new(285, 1)),
        findings: vec![Finding {
            task: "registration_item:1".into(),
            objective_cause: true,
            ..Finding::default()
        }],
        ..Appraisal::default()
    });
    let v = store::save_rating(&mut tx, &r, 1, now()).await.unwrap();
    assert_eq!(v, 2);
    // A second save from the same version is a conflict, and changes nothing.
    let mut stale = r.clone();
    stale.self_note = Some("ghi đè".into());
    assert!(matches!(
        store::save_rating(&mut tx, &stale, 1, now()).await,
        Err(StoreError::Conflict)
    ));
    let back = store::get_rating(&mut tx, r.id).await.unwrap();
    assert_eq!(back.appraisal, r.appraisal);
    assert_eq!(back.tasks, r.tasks);
    assert_eq!(
        back.self_note.as_deref(),
        Some("Hoàn thành vượt mức 3 đầu việc")
    );
    assert_eq!(back.row_version, 2);
    // Fresh figures: tasks and evaluations of many ratings written at once, each under its
    // version; a rating changed meanwhile (or gone) is left as it is.
    let mut fresh = r.tasks.clone();
    fresh.push(Task {
        key: format!("work_item:{}", answered.0),
        label: "DV07 Tuyên truyền trữ nước ngọt".into(),
        deadline: d("2026-04-30"),
        completed: false,
        completed_on: None,
    });
    let evaluation = evaluate(
        RuleSet::Qd366,
        Subject::Member,
        &fresh,
        r.appraisal.as_ref().unwrap(),
        None,
        d("2026-12-31"),
    )
    .unwrap();
    let (tasks_json, evaluation_json) = (
        serde_json::to_string(&fresh).unwrap(),
        serde_json::to_string(&evaluation).unwrap(),
    );
    let derived = [
        store::Derived {
            id: r.id,
            expected_version: 2,
            tasks_json: &tasks_json,
            evaluation_json: &evaluation_json,
        },
        store::Derived {
            id: 9_999_999,
            expected_version: 1,
            tasks_json: &tasks_json,
            evaluation_json: &evaluation_json,
        },
    ];
    // Read as a refresh reads it: the appraised ones, their JSON as stored.
    let appraised = store::appraised_in_units(&mut tx, &[cell], 2026)
        .await
        .unwrap();
    assert_eq!(
        appraised.len(),
        1,
        "the organisation's rating is only self-assessed"
    );
    assert_eq!(
        (
            appraised[0].id,
            appraised[0].row_version,
            &appraised[0].appraisal
        ),
        (r.id, 2, &r.appraisal)
    );
    assert_eq!(
        appraised[0].tasks_json,
        serde_json::to_string(&r.tasks).unwrap()
    );
    assert_eq!(appraised[0].admitted_on, Some(d("2004-05-19")));
    assert_eq!(
        store::save_derived(&mut tx, &derived, now()).await.unwrap(),
        vec![r.id]
    );
    assert!(
        store::save_derived(&mut tx, &derived, now())
            .await
            .unwrap()
            .is_empty()
    );
    let back = store::get_rating(&mut tx, r.id).await.unwrap();
    assert_eq!(
        (&back.tasks, back.evaluation.as_ref(), back.row_version),
        (&fresh, Some(&evaluation), 3)
    );
    assert_eq!(back.appraisal, r.appraisal);

    trienkhai_store::commit(tx).await.unwrap();
    // A second active rating of the same member and year is refused (PostgreSQL aborts the
    // transaction of a failed statement: this one is left to roll back).
    let twin = store::Rating::new(2026, Subject::Member, cell, Some(person), RuleSet::Qd366);
    {
        let mut tx = t.db.begin().await.unwrap();
        assert!(matches!(
            store::insert_rating(&mut tx, &twin, now()).await,
            Err(StoreError::Duplicate(_))
        ));
    }
    let mut tx = t.db.begin().await.unwrap();

    // Decided, then cancelled: the re-rating stands beside it and names it.
    let mut decided = back.clone();
    decided.state = RatingState::Decided;
    decided.level = Some(Level::Good);
    decided.decision_steps = vec![Step {
        rule: "Hạn mức HTXSNV".into(),
        check: "đề nghị 3, đã đủ 2".into(),
        met: false,
        then: "→ HTTNV".into(),
    }];
    decided.decided_by = Some(decider);
    let v = store::save_rating(&mut tx, &decided, back.row_version, now())
        .await
        .unwrap();
    decided.state = RatingState::Cancelled;
    decided.cancel_reason = Some("Phát hiện vi phạm sau khi xếp loại".into());
    store::save_rating(&mut tx, &decided, v, now())
        .await
        .unwrap();
    let mut again = store::Rating::new(2026, Subject::Member, cell, Some(person), RuleSet::Qd366);
    again.state = RatingState::Appraised;
    again.replaces_id = Some(r.id);
    let again_id = store::insert_rating(&mut tx, &again, now()).await.unwrap();
    let active = store::active_rating(&mut tx, 2026, Subject::Member, cell, Some(person))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((active.id, active.replaces_id), (again_id, Some(r.id)));
    let first = store::get_rating(&mut tx, r.id).await.unwrap();
    assert_eq!(first.level, Some(Level::Good));
    assert_eq!(first.decision_steps.len(), 1);
    assert_eq!(first.decided_by, Some(decider));

    let in_cell = store::ratings_in_units(&mut tx, &[cell], 2026)
        .await
        .unwrap();
    assert_eq!(in_cell.len(), 3);
    assert!(
        store::ratings_in_units(&mut tx, &[cell], 2025)
            .await
            .unwrap()
            .is_empty()
    );
    let of_person = store::ratings_of_person(&mut tx, person).await.unwrap();
    assert_eq!(
        of_person.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![r.id, again_id]
    );
    let of_org = store::ratings_of_organisation(&mut tx, cell).await.unwrap();
    assert_eq!(of_org.len(), 1);
    assert_eq!(of_org[0].person_id, None);

    // The quota: the default until set, then the set value under a version check.
    let q = store::quota_setting(&mut tx, RuleSet::Qd124).await.unwrap();
    assert_eq!(q.rule, QuotaRule::TWENTY_PERCENT);
    assert_eq!(q.row_version, None);
    let mut set = q;
    set.rule = QuotaRule::new(Decimal::new(155, 1), CountingBase::FinallyGood).unwrap();
    set.scope = store::QuotaScope::Organisation;
    let v = store::set_quota_setting(&mut tx, &set, None, now())
        .await
        .unwrap();
    trienkhai_store::commit(tx).await.unwrap();
    {
        // Two first settings at once: the second is told the row moved.
        let mut tx = t.db.begin().await.unwrap();
        assert!(matches!(
            store::set_quota_setting(&mut tx, &set, None, now()).await,
            Err(StoreError::Conflict)
        ));
    }
    let mut tx = t.db.begin().await.unwrap();
    let back = store::quota_setting(&mut tx, RuleSet::Qd124).await.unwrap();
    assert_eq!((back.rule, back.scope), (set.rule, set.scope));
    assert_eq!(back.row_version, Some(v));
    assert!(matches!(
        store::set_quota_setting(&mut tx, &set, Some(v + 1), now()).await,
        Err(StoreError::Conflict)
    ));
    store::set_quota_setting(&mut tx, &set, Some(v), now())
        .await
        .unwrap();
    trienkhai_store::commit(tx).await.unwrap();
}
