//! Personal registrations through their life, with who may read, write and decide.

use super::*;
use trienkhai_app::accounts::{self, GrantInput, NewAccount};
use trienkhai_app::people::{self, PersonInput, PostInput};
use trienkhai_app::registration_lists;
use trienkhai_app::registrations::{self, ItemInput, RegistrationInput};
use trienkhai_app::{AppError, documents, work_items};
use trienkhai_core::access::Role;
use trienkhai_core::ids::{PersonId, WorkItemId};
use trienkhai_core::registration::{
    AssessmentPhase, Outcome, RegistrationAction, RegistrationState,
};

/// A fictional member of a cell with an account that may read the cell.
async fn member(app: &App, name: &str, username: &str, cell: UnitId) -> (PersonId, Actor) {
    let system = Actor::system("test", app.today());
    let person = people::create_person(
        app,
        &system,
        &PersonInput {
            full_name: name.into(),
            birth_year: Some(1980),
            party_admitted_on: Some(d("2005-03-03")),
            party_full_member_on: Some(d("2006-03-03")),
        },
        Some(&PostInput {
            unit_id: Some(cell),
            title: "Đảng viên".into(),
            valid_from: Some(d("2020-01-01")),
            valid_to: Some(d("2025-06-30")),
        }),
        "illustrative",
    )
    .await
    .unwrap();
    let account = accounts::create_account_unchecked(
        app,
        &system,
        &NewAccount {
            username: username.into(),
            display_name: name.into(),
            password: demo::DEMO_PASSWORD.into(),
            person_id: Some(person),
        },
        false,
    )
    .await
    .unwrap();
    accounts::grant_role_unchecked(
        app,
        &system,
        account,
        &GrantInput {
            role: Role::Viewer,
            unit_id: Some(cell),
            valid_from: Some(d("2020-01-01")),
            valid_to: None,
        },
    )
    .await
    .unwrap();
    (person, actor(app, username).await)
}

fn item(content: &str, deadline: &str, work_item: Option<WorkItemId>) -> ItemInput {
    ItemInput {
        content: content.into(),
        product: "Danh sách hộ đã trữ nước".into(),
        measure: Some("20 hộ".into()),
        deadline: d(deadline),
        work_item_id: work_item,
        target_id: None,
    }
}

pub(crate) async fn a_registration_is_written_approved_amended_and_read_by_whom_it_concerns(
    t: TestDb,
) {
    let app = demo_app(&t).await;
    let cell = unit_by_code(&app, "CB-ANTHUY-1", "2021-06-01").await;
    let (muoi_person, muoi) = member(&app, "Lê Văn Mười", "muoi", cell).await;
    let (_, nam) = member(&app, "Phạm Thị Năm", "nam", cell).await;
    let commune = actor(&app, "anthuy").await;
    let district = actor(&app, "huyenuy").await;
    let inspector = actor(&app, "kiemtra").await;
    let admin = actor(&app, "admin").await;
    let plan = documents::list_documents(&app, &admin, Some("02-NQ/HU"), None, None)
        .await
        .unwrap()[0]
        .document
        .id;
    let dv07 = work_items::items_of_document(&app, &admin, plan, None)
        .await
        .unwrap()
        .iter()
        .find(|i| i.item.code == "DV07")
        .unwrap()
        .item
        .id;

    let commune_unit = unit_by_code(&app, "X-ANTHUY", "2021-06-01").await;
    let commune_before =
        registration_lists::unit_registrations(&app, &district, commune_unit, 2021, None)
            .await
            .unwrap()
            .registered;

    // The member opens their own; a peer may not open one for them; nor twice.
    let input = RegistrationInput {
        person_id: muoi_person,
        year: 2021,
        unit_id: cell,
        document_id: Some(plan),
    };
    assert!(matches!(
        registrations::open(&app, &nam, &input).await,
        Err(AppError::Forbidden)
    ));
    for (bad, field) in [
        (
            RegistrationInput {
                unit_id: UnitId(9_999_999),
                ..input.clone()
            },
            "unit_id",
        ),
        (
            RegistrationInput {
                document_id: Some(trienkhai_core::ids::DocumentId(9_999_999)),
                ..input.clone()
            },
            "document_id",
        ),
        (
            RegistrationInput {
                person_id: PersonId(9_999_999),
                ..input.clone()
            },
            "person_id",
        ),
    ] {
        let err = registrations::open(&app, &admin, &bad).await.unwrap_err();
        assert_eq!((err.code(), err.field()), ("not_found", Some(field)));
    }
    let id = registrations::open(&app, &muoi, &input).await.unwrap();
    let again = registrations::open(&app, &muoi, &input).await.unwrap_err();
    assert_eq!(again.code(), "registration_exists");

    // Items: a deadline outside the year, an unknown work item, then two good ones.
    let err =
        registrations::save_items(&app, &muoi, id, &[item("Vận động", "2022-01-15", None)], 1)
            .await
            .unwrap_err();
    assert_eq!(
        (err.code(), err.field()),
        ("deadline_outside_year", Some("deadline"))
    );
    let err = registrations::save_items(
        &app,
        &muoi,
        id,
        &[item("Vận động", "2021-04-30", Some(WorkItemId(9_999_999)))],
        1,
    )
    .await
    .unwrap_err();
    assert_eq!(
        (err.code(), err.field()),
        ("not_found", Some("work_item_id"))
    );
    let err = registrations::act(&app, &muoi, id, RegistrationAction::Submit, None, 1)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "registration_empty");
    let items = [
        item("Vận động 20 hộ trữ nước ngọt", "2021-04-30", Some(dv07)),
        item("Dự đủ sinh hoạt chi bộ", "2021-12-31", None),
    ];
    let v = registrations::save_items(&app, &muoi, id, &items, 1)
        .await
        .unwrap();
    assert!(matches!(
        registrations::save_items(&app, &muoi, id, &items, 1).await,
        Err(AppError::Conflict { .. })
    ));

    // Who reads it: the member, the commune's editor and the district above; not a peer.
    assert!(matches!(
        registrations::get(&app, &nam, id).await,
        Err(AppError::Forbidden)
    ));
    let seen = registrations::get(&app, &commune, id).await.unwrap();
    assert_eq!(seen.items.len(), 2);
    assert!(seen.can_edit && !seen.can_decide && !seen.own);
    assert!(registrations::get(&app, &district, id).await.is_ok());
    let own = registrations::get(&app, &muoi, id).await.unwrap();
    assert!(own.own && own.can_edit && !own.can_decide);
    let inspected = registrations::get(&app, &inspector, id).await.unwrap();
    assert!(!inspected.can_edit && !inspected.can_decide);

    // Submitted; the member cannot approve it, the inspector neither; returned with a reason.
    let v = registrations::act(&app, &muoi, id, RegistrationAction::Submit, None, v)
        .await
        .unwrap();
    for who in [&muoi, &inspector, &nam] {
        assert!(matches!(
            registrations::act(&app, who, id, RegistrationAction::Approve, None, v).await,
            Err(AppError::Forbidden)
        ));
    }
    let err = registrations::act(&app, &commune, id, RegistrationAction::Return, Some(" "), v)
        .await
        .unwrap_err();
    assert_eq!((err.code(), err.field()), ("required", Some("comment")));
    let v = registrations::act(
        &app,
        &commune,
        id,
        RegistrationAction::Return,
        Some("Ghi rõ sản phẩm của đầu việc 2"),
        v,
    )
    .await
    .unwrap();
    let returned = registrations::get(&app, &muoi, id).await.unwrap();
    assert_eq!(returned.registration.state, RegistrationState::Returned);
    assert_eq!(
        returned.registration.decision_comment.as_deref(),
        Some("Ghi rõ sản phẩm của đầu việc 2")
    );
    let v = registrations::act(&app, &muoi, id, RegistrationAction::Submit, None, v)
        .await
        .unwrap();
    registrations::act(&app, &commune, id, RegistrationAction::Approve, None, v)
        .await
        .unwrap();
    let approved = registrations::get(&app, &muoi, id).await.unwrap();
    assert_eq!(approved.registration.state, RegistrationState::Approved);
    assert!(!approved.can_edit);
    let err = registrations::save_items(&app, &muoi, id, &items, approved.registration.row_version)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "registration_not_editable");

    // The year: the member assesses an item (the percentage must agree with the outcome), the
    // commune remarks on it; the member cannot remark on their own, a peer cannot assess.
    let first_item = approved.items[0].id;
    let err = registrations::assess(
        &app,
        &muoi,
        first_item,
        AssessmentPhase::MidYear,
        Outcome::Done,
        Some(70),
        None,
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), "assessment_percent_disagrees");
    assert!(matches!(
        registrations::assess(
            &app,
            &nam,
            first_item,
            AssessmentPhase::MidYear,
            Outcome::Done,
            None,
            None
        )
        .await,
        Err(AppError::Forbidden)
    ));
    let err = registrations::remark(&app, &commune, first_item, AssessmentPhase::MidYear, "Tốt")
        .await
        .unwrap_err();
    assert_eq!(err.code(), "assessment_missing");
    registrations::assess(
        &app,
        &muoi,
        first_item,
        AssessmentPhase::MidYear,
        Outcome::Partly,
        Some(60),
        Some("12/20 hộ đã trữ nước"),
    )
    .await
    .unwrap();
    assert!(matches!(
        registrations::remark(&app, &muoi, first_item, AssessmentPhase::MidYear, "Tốt").await,
        Err(AppError::Forbidden)
    ));
    registrations::remark(
        &app,
        &commune,
        first_item,
        AssessmentPhase::MidYear,
        "Cần đẩy nhanh tiến độ",
    )
    .await
    .unwrap();
    let assessed = registrations::get(&app, &muoi, id).await.unwrap();
    assert_eq!(assessed.assessments.len(), 1);
    assert_eq!(assessed.assessments[0].assessment.percent, 60);
    assert_eq!(
        assessed.assessments[0].note.as_deref(),
        Some("12/20 hộ đã trữ nước")
    );
    assert_eq!(
        assessed.assessments[0].remark.as_deref(),
        Some("Cần đẩy nhanh tiến độ")
    );

    // The cell's list: who has registered, whose items are late; not for a peer.
    let list = registration_lists::unit_registrations(&app, &commune, cell, 2021, None)
        .await
        .unwrap();
    let line = |name: &str| {
        list.people
            .iter()
            .find(|p| p.full_name == name)
            .unwrap_or_else(|| panic!("{name} in {:?}", list.people))
            .clone()
    };
    let (mine, peer) = (line("Lê Văn Mười"), line("Phạm Thị Năm"));
    assert!(mine.registered && mine.in_force);
    assert_eq!(mine.state, Some(RegistrationState::Approved));
    // Both items are past their deadline (today is after 2021) and neither is done.
    assert_eq!(mine.late_items, 2);
    assert!(!peer.registered && peer.state.is_none());
    assert_eq!(list.registered, 1);
    assert_eq!(list.total, list.people.len());
    assert!(list.total >= 2);
    assert!(matches!(
        registration_lists::unit_registrations(&app, &nam, cell, 2021, None).await,
        Err(AppError::Forbidden)
    ));
    let above = registration_lists::unit_registrations(&app, &district, commune_unit, 2021, None)
        .await
        .unwrap();
    assert_eq!(
        above.registered,
        commune_before + 1,
        "the commune's list counts its cells"
    );
    assert!(above.total >= list.total);
    registrations::assess(
        &app,
        &muoi,
        first_item,
        AssessmentPhase::YearEnd,
        Outcome::Done,
        None,
        None,
    )
    .await
    .unwrap();
    let list = registration_lists::unit_registrations(&app, &commune, cell, 2021, None)
        .await
        .unwrap();
    assert_eq!(
        list.people
            .iter()
            .find(|p| p.full_name == "Lê Văn Mười")
            .unwrap()
            .late_items,
        1,
        "done at year end: no longer late"
    );
    // Its evidence: attached by the member, read by the commune, not by a peer of the cell.
    let pdf = b"%PDF-1.4 danh sach ho\n%%EOF\n";
    let evidence = trienkhai_app::registration_evidence::attach(
        &app,
        &muoi,
        first_item,
        AssessmentPhase::YearEnd,
        "../danh-sach.pdf",
        pdf,
    )
    .await
    .unwrap();
    let (record, bytes) = trienkhai_app::registration_evidence::file(&app, &commune, evidence)
        .await
        .unwrap();
    assert_eq!(
        (record.file_name.as_str(), &bytes[..]),
        ("danh-sach.pdf", &pdf[..])
    );
    assert!(matches!(
        trienkhai_app::registration_evidence::file(&app, &nam, evidence).await,
        Err(AppError::Forbidden)
    ));
    assert!(matches!(
        trienkhai_app::registration_evidence::attach(
            &app,
            &nam,
            first_item,
            AssessmentPhase::YearEnd,
            "x.pdf",
            pdf
        )
        .await,
        Err(AppError::Forbidden)
    ));

    // An amendment is version 2, a draft with the items copied; version 1 stays in force.
    let second = registrations::amend(&app, &muoi, id).await.unwrap();
    let amended = registrations::get(&app, &muoi, second).await.unwrap();
    assert_eq!(
        (amended.registration.version, amended.registration.state),
        (2, RegistrationState::Draft)
    );
    assert_eq!(amended.items.len(), 2);
    assert_eq!(
        registrations::get(&app, &muoi, id)
            .await
            .unwrap()
            .registration
            .state,
        RegistrationState::Approved
    );
    let err = registrations::amend(&app, &muoi, id).await.unwrap_err();
    assert_eq!(err.code(), "registration_not_amendable");
    // A draft's items are not assessed.
    let err = registrations::assess(
        &app,
        &muoi,
        amended.items[0].id,
        AssessmentPhase::YearEnd,
        Outcome::Done,
        None,
        None,
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), "registration_not_approved");

    // Every step is in the audit log.
    let mut conn = app.db.reader().await.unwrap();
    let actions: Vec<String> = trienkhai_store::audit::history(&mut conn, "registration", id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions,
        [
            "create",
            "set_items",
            "submit",
            "return",
            "submit",
            "approve",
            "assess",
            "remark",
            "assess",
            "attach",
        ]
    );
}

/// The plan's rule of who must register: set by the plan's issuer only, audited, and the lists
/// count against it (a person outside it who registered is listed, not counted).
pub(crate) async fn the_plans_rule_decides_who_is_counted(t: TestDb) {
    use trienkhai_core::post_category::PostCategory;
    let app = demo_app(&t).await;
    let commune = actor(&app, "anthuy").await;
    let district = actor(&app, "huyenuy").await;
    let admin = actor(&app, "admin").await;
    let plan = documents::list_documents(&app, &admin, Some("02-NQ/HU"), None, None)
        .await
        .unwrap()[0]
        .document
        .id;
    let rule = registration_lists::rule(&app, &district, plan)
        .await
        .unwrap();
    assert!(rule.can_edit);
    assert!(
        !registration_lists::rule(&app, &commune, plan)
            .await
            .unwrap()
            .can_edit
    );
    assert!(matches!(
        registration_lists::set_rule(
            &app,
            &commune,
            plan,
            &[PostCategory::EveryMember],
            rule.rule.row_version
        )
        .await,
        Err(AppError::Forbidden)
    ));
    let unit = unit_by_code(&app, "X-ANTHUY", "2021-06-01").await;
    let every = registration_lists::unit_registrations(&app, &commune, unit, 2021, None)
        .await
        .unwrap();
    let by_rule = registration_lists::unit_registrations(&app, &commune, unit, 2021, Some(plan))
        .await
        .unwrap();
    assert!(
        by_rule.total < every.total,
        "the rule names fewer than everyone"
    );
    for p in &by_rule.people {
        let titles = [p.post_title.as_str()];
        assert_eq!(
            p.required,
            trienkhai_core::post_category::requires(&rule.rule.categories, &titles),
            "{}",
            p.post_title
        );
    }
    // The district's own persons and a line per unit below add up to the headline.
    let btr = unit_by_code(&app, "BTR", "2021-06-01").await;
    let whole = registration_lists::unit_registrations(&app, &district, btr, 2021, Some(plan))
        .await
        .unwrap();
    assert!(
        whole.lines.iter().any(|l| l.own),
        "members posted in the district itself"
    );
    let (registered, total) = whole
        .lines
        .iter()
        .fold((0, 0), |(r, t), l| (r + l.registered, t + l.total));
    assert_eq!((registered, total), (whole.registered, whole.total));
    assert!(whole.registered > 0 && whole.registered < whole.total);
    // Every member: the list by the plan is everyone's.
    registration_lists::set_rule(&app, &district, plan, &[], rule.rule.row_version)
        .await
        .unwrap();
    let widened = registration_lists::unit_registrations(&app, &commune, unit, 2021, Some(plan))
        .await
        .unwrap();
    assert_eq!(
        (widened.total, widened.registered),
        (every.total, every.registered)
    );
    let mut conn = app.db.reader().await.unwrap();
    let log = trienkhai_store::audit::history(&mut conn, "registration_rule", plan.0)
        .await
        .unwrap();
    let last = log.last().expect("the change is audited");
    assert_eq!(last.action, "set");
    assert_eq!(
        last.after.as_ref().unwrap()["categories"],
        serde_json::json!([])
    );
}
