//! Reporting cycles on both backends, from the demo: a plan's calendar, a commune's report
//! opened with its deadline, submitted late, returned with a comment, resubmitted, accepted and
//! locked, then reopened as a new revision; scope on every step.

use chrono::NaiveDate;
use trienkhai_app::reporting;
use trienkhai_app::{Actor, App, AppError, auth, demo, documents, org};
use trienkhai_core::ids::UnitId;
use trienkhai_core::period::Period;
use trienkhai_core::reporting::{Cadence, DeadlineRule, ReportAction, ReportState};
use trienkhai_testkit::{TestDb, both_backends};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

async fn actor(app: &App, username: &str) -> Actor {
    let id = auth::login(app, username, demo::DEMO_PASSWORD, "test")
        .await
        .unwrap();
    let mut conn = app.db.reader().await.unwrap();
    auth::load_actor(app, &mut conn, id).await.unwrap().unwrap()
}

/// Saves only the narrative of a report's draft.
async fn save_text(
    app: &App,
    actor: &Actor,
    id: i64,
    text: &str,
    version: i64,
) -> Result<i64, AppError> {
    trienkhai_app::report_sheet::save_draft(
        app,
        actor,
        id,
        &trienkhai_app::report_sheet::ReportDraft {
            version,
            narrative: Some(text.into()),
            ..Default::default()
        },
    )
    .await
}

/// The plan's monthly calendar of 2021: each level 5 working days after the month, 2 before
/// the level above.
async fn monthly_calendar_2021(app: &App, admin: &Actor, plan: trienkhai_core::ids::DocumentId) {
    reporting::add_calendar(
        app,
        admin,
        plan,
        Cadence::Monthly,
        (2021, 2021),
        DeadlineRule::new(5, 2).unwrap(),
    )
    .await
    .unwrap();
}

async fn unit(app: &App, code: &str) -> UnitId {
    let admin = Actor::system("test", app.today());
    org::units_as_of(app, &admin, d("2021-06-01"))
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.code == code)
        .unwrap()
        .id
}

async fn a_commune_report_goes_through_review(t: TestDb) {
    let app = App::new(t.db.clone());
    demo::build(&app).await.unwrap();
    let admin = actor(&app, "admin").await;
    let anthuy = actor(&app, "anthuy").await;
    let plan = documents::list_documents(&app, &admin, Some("02-NQ/HU"), None, None)
        .await
        .unwrap()[0]
        .document
        .id;
    let own = unit(&app, "X-ANTHUY").await;
    let other = unit(&app, "X-ANDUC").await;
    let rule = DeadlineRule::new(5, 2).unwrap();
    // Only the plan's editors set its calendar.
    assert!(matches!(
        reporting::add_calendar(&app, &anthuy, plan, Cadence::Monthly, (2021, 2021), rule).await,
        Err(AppError::Forbidden)
    ));
    reporting::add_calendar(&app, &admin, plan, Cadence::Monthly, (2021, 2021), rule)
        .await
        .unwrap();
    let err = reporting::add_calendar(&app, &admin, plan, Cadence::Monthly, (2021, 2021), rule)
        .await
        .unwrap_err();
    assert_eq!((err.code(), err.field()), ("duplicate", Some("cadence")));

    let april = Period::Month(2021, 4);
    let opened = reporting::open_report(&app, &anthuy, plan, own, april)
        .await
        .unwrap();
    // Communes report two working days before the district's 10/05/2021 (30/4 and the 1/5
    // made up on 3/5 are off).
    assert_eq!(opened.report.deadline, d("2021-05-06"));
    assert_eq!(opened.report.state, ReportState::Draft);
    assert!(opened.can_edit && !opened.can_review);
    // Opening again gives the same report.
    let again = reporting::open_report(&app, &anthuy, plan, own, april)
        .await
        .unwrap();
    assert_eq!(again.report.id, opened.report.id);
    assert!(matches!(
        reporting::open_report(&app, &anthuy, plan, other, april).await,
        Err(AppError::Forbidden)
    ));
    let err = reporting::open_report(&app, &anthuy, plan, own, Period::Quarter(2021, 2))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "period_not_in_calendar");

    let id = opened.report.id;
    save_text(&app, &anthuy, id, "  Đã  vận động 120 hộ trữ nước ", 1)
        .await
        .unwrap();
    assert!(matches!(
        save_text(&app, &anthuy, id, "bản cũ", 1).await,
        Err(AppError::Conflict { .. })
    ));
    let r = reporting::get_report(&app, &anthuy, id).await.unwrap();
    assert_eq!(
        r.report.narrative.as_deref(),
        Some("Đã vận động 120 hộ trữ nước")
    );
    // The commune cannot review its own report; the district can.
    reporting::act(&app, &anthuy, id, ReportAction::Submit, None, 2)
        .await
        .unwrap();
    let r = reporting::get_report(&app, &admin, id).await.unwrap();
    assert!(r.report.late, "submitted in 2026 for a 2021 deadline");
    assert!(r.can_review);
    assert!(matches!(
        reporting::act(&app, &anthuy, id, ReportAction::Accept, None, 3).await,
        Err(AppError::Forbidden)
    ));
    let err = reporting::act(&app, &admin, id, ReportAction::Return, Some("  "), 3)
        .await
        .unwrap_err();
    assert_eq!((err.code(), err.field()), ("required", Some("comment")));
    reporting::act(
        &app,
        &admin,
        id,
        ReportAction::Return,
        Some("Bổ sung số hộ nghèo"),
        3,
    )
    .await
    .unwrap();
    // The commune is told, with the comment, and led to its report.
    let (told, _) = trienkhai_app::reminders::my_notifications(&app, &anthuy)
        .await
        .unwrap();
    assert_eq!(
        told[0].title,
        "Báo cáo 02-NQ/HU kỳ 2021-04 bị trả lại: Bổ sung số hộ nghèo"
    );
    assert_eq!(
        told[0].link.as_deref(),
        Some(format!("/reports/{id}").as_str())
    );
    let r = reporting::get_report(&app, &anthuy, id).await.unwrap();
    assert_eq!(r.report.state, ReportState::Returned);
    assert_eq!(
        r.report.review_comment.as_deref(),
        Some("Bổ sung số hộ nghèo")
    );
    assert!(r.can_edit);
    save_text(&app, &anthuy, id, "Đã bổ sung", 4).await.unwrap();
    reporting::act(&app, &anthuy, id, ReportAction::Submit, None, 5)
        .await
        .unwrap();
    reporting::act(&app, &admin, id, ReportAction::Accept, None, 6)
        .await
        .unwrap();
    // Accepted is locked: a correction is a new revision, the accepted one stays.
    let err = save_text(&app, &anthuy, id, "sửa", 7).await.unwrap_err();
    assert_eq!(err.code(), "report_locked");
    let second = reporting::act(&app, &admin, id, ReportAction::Reopen, None, 7)
        .await
        .unwrap();
    assert_ne!(second, id);
    let r2 = reporting::get_report(&app, &anthuy, second).await.unwrap();
    assert_eq!(
        (r2.report.revision, r2.report.state),
        (2, ReportState::Draft)
    );
    assert_eq!(r2.revisions, 2);
    assert_eq!(r2.report.narrative.as_deref(), Some("Đã bổ sung"));
    assert_eq!(
        reporting::get_report(&app, &anthuy, id)
            .await
            .unwrap()
            .report
            .state,
        ReportState::Accepted
    );
}

async fn values_entered_through_a_report_count_once_it_is_accepted(t: TestDb) {
    use trienkhai_app::targets::{self, ActualInput};
    use trienkhai_core::reporting::Counted;
    use trienkhai_core::rollup::{Observation, Treatment};
    let app = App::new(t.db.clone());
    demo::build(&app).await.unwrap();
    let admin = actor(&app, "admin").await;
    let anthuy = actor(&app, "anthuy").await;
    let plan = documents::list_documents(&app, &admin, Some("02-NQ/HU"), None, None)
        .await
        .unwrap()[0]
        .document
        .id;
    let firms = targets::targets_of_document(&app, &admin, plan)
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.code == "KT05")
        .unwrap()
        .id;
    let own = unit(&app, "X-ANTHUY").await;
    let district = unit(&app, "BTR").await;
    let april = Period::Month(2021, 4);
    monthly_calendar_2021(&app, &admin, plan).await;
    let report = reporting::open_report(&app, &anthuy, plan, own, april)
        .await
        .unwrap()
        .report;
    let current = targets::actuals_of_unit(&app, &anthuy, firms, own)
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.period == april)
        .unwrap();
    let seven = ActualInput {
        value: Some("7".parse().unwrap()),
        row_version: Some(current.row_version),
        ..Default::default()
    };
    reporting::record_value(&app, &anthuy, report.id, firms, &seven)
        .await
        .unwrap();
    let input_of = |r: &targets::RollupView| {
        r.explanation
            .inputs
            .iter()
            .find(|i| i.unit_id == own)
            .cloned()
            .unwrap()
    };
    // A draft's value does not count: An Thủy is missing, and the explanation says why.
    let r = targets::rollup(&app, &admin, firms, district, april, targets::Inputs::All)
        .await
        .unwrap();
    let mine = input_of(&r);
    assert_eq!(mine.treatment, Treatment::Missing);
    assert_eq!(mine.pending, vec![(april, ReportState::Draft)]);
    assert_eq!(r.explanation.counted, Counted::Accepted);
    reporting::act(&app, &anthuy, report.id, ReportAction::Submit, None, 1)
        .await
        .unwrap();
    // One report submitted, with the one value entered through it.
    {
        let mut conn = app.db.reader().await.unwrap();
        assert_eq!(
            trienkhai_store::reports::submitted_with_values(&mut conn, plan, april)
                .await
                .unwrap(),
            (1, 1)
        );
    }
    let r = targets::rollup(&app, &admin, firms, district, april, targets::Inputs::All)
        .await
        .unwrap();
    assert_eq!(input_of(&r).pending, vec![(april, ReportState::Submitted)]);
    // The plan may count submitted reports too.
    assert!(matches!(
        reporting::set_counting(&app, &anthuy, plan, Counted::Submitted).await,
        Err(AppError::Forbidden)
    ));
    reporting::set_counting(&app, &admin, plan, Counted::Submitted)
        .await
        .unwrap();
    let r = targets::rollup(&app, &admin, firms, district, april, targets::Inputs::All)
        .await
        .unwrap();
    let mine = input_of(&r);
    assert_eq!(mine.treatment, Treatment::Counted);
    assert_eq!(
        mine.observation,
        Some(Observation::Value {
            value: "7".parse().unwrap()
        })
    );
    reporting::set_counting(&app, &admin, plan, Counted::Accepted)
        .await
        .unwrap();
    reporting::act(&app, &admin, report.id, ReportAction::Accept, None, 2)
        .await
        .unwrap();
    let r = targets::rollup(&app, &admin, firms, district, april, targets::Inputs::All)
        .await
        .unwrap();
    assert_eq!(input_of(&r).treatment, Treatment::Counted);
    let err = reporting::record_value(&app, &anthuy, report.id, firms, &seven)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "report_locked");
}

/// An account that may report for `unit` only.
async fn reporter_of(app: &App, username: &str, unit: UnitId) -> Actor {
    use trienkhai_app::accounts::{self, GrantInput, NewAccount};
    use trienkhai_core::access::Role;
    let admin = actor(app, "admin").await;
    let id = accounts::create_account(
        app,
        &admin,
        &NewAccount {
            username: username.into(),
            display_name: username.into(),
            password: "mật khẩu đủ dài".into(),
            person_id: None,
        },
    )
    .await
    .unwrap();
    accounts::grant_role(
        app,
        &admin,
        id,
        &GrantInput {
            role: Role::Editor,
            unit_id: Some(unit),
            valid_from: Some(d("2021-01-01")),
            valid_to: None,
        },
    )
    .await
    .unwrap();
    let login = auth::login(app, username, "mật khẩu đủ dài", "test")
        .await
        .unwrap();
    let mut conn = app.db.reader().await.unwrap();
    auth::load_actor(app, &mut conn, login)
        .await
        .unwrap()
        .unwrap()
}

async fn the_report_sheet_is_filled_saved_whole_and_carries_evidence(t: TestDb) {
    use trienkhai_app::report_sheet::{self, DraftLine, DraftValue, ReportDraft};
    use trienkhai_app::targets::ActualInput;
    use trienkhai_core::rollup::Observation;
    let app = App::new(t.db.clone());
    demo::build(&app).await.unwrap();
    let admin = actor(&app, "admin").await;
    let anthuy = actor(&app, "anthuy").await;
    let plan = documents::list_documents(&app, &admin, Some("02-NQ/HU"), None, None)
        .await
        .unwrap()[0]
        .document
        .id;
    let own = unit(&app, "X-ANTHUY").await;
    let anduc = reporter_of(&app, "anduc", unit(&app, "X-ANDUC").await).await;
    monthly_calendar_2021(&app, &admin, plan).await;
    let april = Period::Month(2021, 4);
    let id = reporting::open_report(&app, &anthuy, plan, own, april)
        .await
        .unwrap()
        .report
        .id;
    let sheet = report_sheet::report_sheet(&app, &anthuy, id).await.unwrap();
    assert_eq!(sheet.unit_name, "Đảng bộ xã An Thủy");
    assert_eq!(sheet.document_number, "02-NQ/HU");
    // Every target communes report, none the district alone answers for.
    assert!(sheet.targets.len() >= 15, "{}", sheet.targets.len());
    assert!(
        sheet
            .targets
            .iter()
            .all(|t| !t.target.reporting_kinds.is_empty())
    );
    // The demo's monthly values were imported, not entered through this report.
    assert!(sheet.targets.iter().any(|t| t.actual.is_some()));
    assert!(sheet.targets.iter().all(|t| !t.in_report));
    // The parts of district items split to the commune.
    assert!(!sheet.items.is_empty());
    assert!(
        sheet
            .items
            .iter()
            .all(|i| i.item.lead_unit_id == own || i.item.coordinating_unit_ids.contains(&own))
    );
    // An Đức may not read An Thủy's report.
    assert!(matches!(
        report_sheet::report_sheet(&app, &anduc, id).await,
        Err(AppError::Forbidden)
    ));

    let target = sheet
        .targets
        .iter()
        .find(|t| {
            t.actual.is_some() && t.target.value_type == trienkhai_core::target::ValueType::Count
        })
        .expect("a count target with a value");
    let before = target.actual.clone().unwrap();
    let item = &sheet.items[0];
    let draft = ReportDraft {
        version: sheet.view.report.row_version,
        narrative: Some("Tháng 4: vận động  trữ nước".into()),
        values: vec![DraftValue {
            target_id: target.target.id,
            input: ActualInput {
                value: Some("1234".parse().unwrap()),
                row_version: Some(before.row_version),
                ..Default::default()
            },
        }],
        lines: vec![DraftLine {
            work_item_id: item.item.id,
            percent: Some(60),
            narrative: Some("Đã  hoàn thành 3/5 tuyến".into()),
        }],
    };
    // Another commune may not save it.
    assert!(matches!(
        report_sheet::save_draft(&app, &anduc, id, &draft).await,
        Err(AppError::Forbidden)
    ));
    // One bad line refuses the whole draft, naming the item; nothing is written.
    let mut bad = draft.clone();
    bad.lines[0].percent = Some(120);
    let err = report_sheet::save_draft(&app, &anthuy, id, &bad)
        .await
        .unwrap_err();
    assert_eq!(
        (err.code(), err.field()),
        ("out_of_range", Some("percent")),
        "{err:?}"
    );
    let AppError::Invalid(e) = &err else { panic!() };
    assert_eq!(e.detail.as_deref(), Some(item.item.code.as_str()));
    let mut bad = draft.clone();
    bad.values[0].input.value = Some("-3".parse().unwrap());
    let err = report_sheet::save_draft(&app, &anthuy, id, &bad)
        .await
        .unwrap_err();
    let AppError::Invalid(e) = &err else {
        panic!("{err:?}")
    };
    assert!(
        e.detail
            .as_deref()
            .unwrap()
            .starts_with(&target.target.code)
    );
    let unchanged = report_sheet::report_sheet(&app, &anthuy, id).await.unwrap();
    assert_eq!(
        unchanged.view.report.row_version,
        sheet.view.report.row_version
    );
    assert_eq!(unchanged.view.report.narrative, None);
    assert!(unchanged.items.iter().all(|i| i.line.is_none()));

    let version = report_sheet::save_draft(&app, &anthuy, id, &draft)
        .await
        .unwrap();
    assert_eq!(version, sheet.view.report.row_version + 1);
    // The same form sent twice is a conflict, never an overwrite.
    assert!(matches!(
        report_sheet::save_draft(&app, &anthuy, id, &draft).await,
        Err(AppError::Conflict { .. })
    ));
    let saved = report_sheet::report_sheet(&app, &anthuy, id).await.unwrap();
    assert_eq!(
        saved.view.report.narrative.as_deref(),
        Some("Tháng 4: vận động trữ nước")
    );
    let t = saved
        .targets
        .iter()
        .find(|t| t.target.id == target.target.id)
        .unwrap();
    assert!(t.in_report);
    let after = t.actual.clone().unwrap();
    assert_eq!(
        after.observation,
        Observation::Value {
            value: "1234".parse().unwrap()
        }
    );
    let line = saved.items[0].line.clone().unwrap();
    assert_eq!(line.percent, Some(60));
    assert_eq!(line.narrative.as_deref(), Some("Đã hoàn thành 3/5 tuyến"));

    // Clearing a field removes the value; an unchanged one is not rewritten.
    let clear = ReportDraft {
        version,
        narrative: None,
        values: vec![DraftValue {
            target_id: target.target.id,
            input: ActualInput {
                row_version: Some(after.row_version),
                ..Default::default()
            },
        }],
        lines: Vec::new(),
    };
    let version = report_sheet::save_draft(&app, &anthuy, id, &clear)
        .await
        .unwrap();
    let cleared = report_sheet::report_sheet(&app, &anthuy, id).await.unwrap();
    assert!(
        cleared
            .targets
            .iter()
            .find(|t| t.target.id == target.target.id)
            .unwrap()
            .actual
            .is_none()
    );
    assert_eq!(
        cleared.view.report.narrative.as_deref(),
        Some("Tháng 4: vận động trữ nước"),
        "no narrative given keeps it"
    );

    // Evidence: type checked from the bytes, the name never a path, the content hashed.
    let pdf = b"%PDF-1.4\n% bien ban\n%%EOF\n".to_vec();
    let err = report_sheet::attach_evidence(&app, &anthuy, id, None, "bien-ban.pdf", b"MZ\x90\x00")
        .await
        .unwrap_err();
    assert_eq!((err.code(), err.field()), ("file_type", Some("file")));
    assert!(matches!(
        report_sheet::attach_evidence(&app, &anduc, id, None, "x.pdf", &pdf).await,
        Err(AppError::Forbidden)
    ));
    let evidence = report_sheet::attach_evidence(
        &app,
        &anthuy,
        id,
        Some(item.item.id),
        "../../etc/Biên bản.pdf",
        &pdf,
    )
    .await
    .unwrap();
    let (record, bytes) = report_sheet::evidence_file(&app, &admin, evidence)
        .await
        .unwrap();
    assert_eq!(record.file_name, "Biên bản.pdf");
    assert_eq!(record.content_type, "application/pdf");
    assert_eq!(record.work_item_id, Some(item.item.id));
    assert_eq!(record.sha256, auth::sha256_hex(&pdf));
    assert_eq!(bytes, pdf);
    assert!(matches!(
        report_sheet::evidence_file(&app, &anduc, evidence).await,
        Err(AppError::Forbidden)
    ));
    // Once submitted, the report takes no more changes.
    reporting::act(&app, &anthuy, id, ReportAction::Submit, None, version)
        .await
        .unwrap();
    let err = report_sheet::attach_evidence(&app, &anthuy, id, None, "y.pdf", &pdf)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "report_locked");
    let err = report_sheet::save_draft(
        &app,
        &anthuy,
        id,
        &ReportDraft {
            version: version + 1,
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), "report_locked");
    assert_eq!(
        report_sheet::report_sheet(&app, &anthuy, id)
            .await
            .unwrap()
            .evidence
            .len(),
        1
    );
}

async fn the_district_consolidates_what_its_communes_reported(t: TestDb) {
    use trienkhai_app::consolidated;
    use trienkhai_app::report_sheet::{self, DraftLine, ReportDraft};
    use trienkhai_core::work_item::NationalState;
    let app = App::new(t.db.clone());
    demo::build(&app).await.unwrap();
    let admin = actor(&app, "admin").await;
    let anthuy = actor(&app, "anthuy").await;
    let plan = documents::list_documents(&app, &admin, Some("02-NQ/HU"), None, None)
        .await
        .unwrap()[0]
        .document
        .id;
    let own = unit(&app, "X-ANTHUY").await;
    let district = unit(&app, "BTR").await;
    monthly_calendar_2021(&app, &admin, plan).await;
    let april = Period::Month(2021, 4);
    let id = reporting::open_report(&app, &anthuy, plan, own, april)
        .await
        .unwrap()
        .report
        .id;
    let sheet = report_sheet::report_sheet(&app, &anthuy, id).await.unwrap();
    let part = &sheet
        .items
        .iter()
        .find(|i| i.item.parent_id.is_some())
        .expect("a part of a district item")
        .item;
    let whole = part.parent_id.unwrap();
    let version = report_sheet::save_draft(
        &app,
        &anthuy,
        id,
        &ReportDraft {
            version: sheet.view.report.row_version,
            narrative: Some("An Thủy: tình hình ổn định".into()),
            lines: vec![DraftLine {
                work_item_id: part.id,
                percent: Some(75),
                narrative: Some("Đã nạo vét 3 tuyến kênh".into()),
            }],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    // A draft is not gathered.
    let before = consolidated::consolidated(&app, &admin, plan, april, Some(district))
        .await
        .unwrap();
    assert_eq!(before.reports_gathered, 0);
    assert!(before.items.iter().all(|i| i.lines.is_empty()));
    reporting::act(&app, &anthuy, id, ReportAction::Submit, None, version)
        .await
        .unwrap();
    let c = consolidated::consolidated(&app, &admin, plan, april, Some(district))
        .await
        .unwrap();
    assert_eq!(c.reports_gathered, 1);
    // The district answers for its 29 items, each in one of the four national states.
    assert_eq!(c.items.len(), 29);
    assert_eq!(c.national.len(), 4);
    assert_eq!(c.national.iter().map(|(_, n)| n).sum::<usize>(), 29);
    assert!(c.items.iter().all(|i| i.item.parent_id.is_none()));
    // The commune's line is gathered under the district's item it is a part of.
    let gathered = c.items.iter().find(|i| i.item.id == whole).unwrap();
    assert_eq!(gathered.lines.len(), 1);
    assert_eq!(gathered.lines[0].unit_name, "Đảng bộ xã An Thủy");
    assert_eq!(gathered.lines[0].percent, Some(75));
    assert_eq!(c.narratives[0].narrative, "An Thủy: tình hình ổn định");
    let headline = format!(
        "{}/{} chỉ tiêu đạt và vượt.",
        c.overview.headline.met, c.overview.headline.total
    );
    assert!(c.draft.contains(&headline), "{}", c.draft);
    assert!(
        c.draft
            .contains("Đảng bộ xã An Thủy (75%): Đã nạo vét 3 tuyến kênh")
    );
    assert!(c.draft.contains(NationalState::DoneOnTime.label_vi()));
    // A commune cannot read the district's consolidation; it has its own.
    assert!(matches!(
        consolidated::consolidated(&app, &anthuy, plan, april, Some(district)).await,
        Err(AppError::Forbidden)
    ));
    let mine = consolidated::consolidated(&app, &anthuy, plan, april, Some(own))
        .await
        .unwrap();
    assert!(mine.items.iter().all(|i| i.item.lead_unit_id == own));
    assert!(!mine.items.is_empty());
    // The district starts its own report with the compiled text, once.
    let level = consolidated::draft_level_report(&app, &admin, plan, april, Some(district))
        .await
        .unwrap();
    let r = reporting::get_report(&app, &admin, level).await.unwrap();
    assert_eq!(r.report.unit_id, district);
    assert_eq!(
        r.report.narrative.as_deref(),
        Some(c.draft.trim_end()),
        "the compiled text is kept line by line"
    );
    let again = consolidated::draft_level_report(&app, &admin, plan, april, Some(district))
        .await
        .unwrap();
    assert_eq!(again, level);
}

async fn a_units_dashboard_follows_targets_items_and_reports_as_of_a_date(t: TestDb) {
    use trienkhai_app::dashboard;
    use trienkhai_core::target::Status;
    let app = App::new(t.db.clone());
    demo::build(&app).await.unwrap();
    let admin = actor(&app, "admin").await;
    let anthuy = actor(&app, "anthuy").await;
    let plan = documents::list_documents(&app, &admin, Some("02-NQ/HU"), None, None)
        .await
        .unwrap()[0]
        .document
        .id;
    let own = unit(&app, "X-ANTHUY").await;
    let district = unit(&app, "BTR").await;
    monthly_calendar_2021(&app, &admin, plan).await;
    let april = Period::Month(2021, 4);
    let id = reporting::open_report(&app, &anthuy, plan, own, april)
        .await
        .unwrap()
        .report
        .id;
    reporting::act(&app, &anthuy, id, ReportAction::Submit, None, 1)
        .await
        .unwrap();
    let board = dashboard::dashboard(
        &app,
        &admin,
        district,
        None,
        Some(april),
        Some(d("2021-05-20")),
    )
    .await
    .unwrap();
    assert_eq!(board.document.as_ref().unwrap().id, plan);
    let headline = board.headline.clone().unwrap();
    assert_eq!(headline.total, 22);
    assert_eq!(board.targets.len(), 22);
    // January to April, each month with its own headline.
    assert_eq!(
        board.months.iter().map(|m| m.period).collect::<Vec<_>>(),
        (1..=4).map(|m| Period::Month(2021, m)).collect::<Vec<_>>()
    );
    assert_eq!(board.months[3].met, headline.met);
    assert_eq!(board.items_total, 29);
    assert_eq!(board.national.iter().map(|(_, n)| n).sum::<usize>(), 29);
    assert_eq!(
        board.behind_targets.len(),
        board
            .targets
            .iter()
            .filter(|r| r
                .figure
                .as_ref()
                .is_some_and(|f| f.status == Status::NotAchieved))
            .count()
    );
    // As the reports stood on 20/05/2021: An Thủy's was submitted today, so on 20/05 none
    // had come in and every commune was overdue.
    let then = board.reports.clone().unwrap();
    assert_eq!(then.received, 0);
    assert!(then.missing >= 21);
    assert_eq!(then.late, then.missing);
    // Today: An Thủy's received, late; the others overdue.
    let today = dashboard::dashboard(&app, &admin, district, None, Some(april), None)
        .await
        .unwrap();
    let reports = today.reports.clone().unwrap();
    assert_eq!(reports.received, 1);
    assert_eq!(reports.missing, then.missing - 1);
    assert_eq!(reports.late, reports.missing + 1);
    // Judged on 03/05, before the communes' deadline, nothing is late or overdue yet.
    let early = dashboard::dashboard(
        &app,
        &admin,
        district,
        None,
        Some(april),
        Some(d("2021-05-03")),
    )
    .await
    .unwrap();
    assert_eq!(early.reports.as_ref().unwrap().late, 0);
    // A commune sees its own dashboard, not the district's.
    assert!(matches!(
        dashboard::dashboard(&app, &anthuy, district, None, Some(april), None).await,
        Err(AppError::Forbidden)
    ));
    let mine = dashboard::dashboard(
        &app,
        &anthuy,
        own,
        Some(plan),
        Some(april),
        Some(d("2021-05-20")),
    )
    .await
    .unwrap();
    assert!(mine.plans.iter().any(|p| p.id == plan));
    assert!(mine.items_total > 0);
    assert_eq!(mine.reports.as_ref().unwrap().units.len(), 1);
    // A period without a calendar has no reports section.
    let march_2022 = dashboard::dashboard(
        &app,
        &admin,
        district,
        Some(plan),
        Some(Period::Month(2022, 3)),
        None,
    )
    .await
    .unwrap();
    assert!(march_2022.reports.is_none());
}

async fn concurrent_reports_of_many_units_are_all_saved_and_submitted(t: TestDb) {
    use trienkhai_app::report_sheet::{self, DraftValue, ReportDraft};
    use trienkhai_app::targets::ActualInput;
    let app = App::new(t.db.clone());
    demo::build(&app).await.unwrap();
    let admin = actor(&app, "admin").await;
    let plan = documents::list_documents(&app, &admin, Some("02-NQ/HU"), None, None)
        .await
        .unwrap()[0]
        .document
        .id;
    reporting::add_calendar(
        &app,
        &admin,
        plan,
        Cadence::Monthly,
        (2021, 2022),
        DeadlineRule::new(5, 2).unwrap(),
    )
    .await
    .unwrap();
    // January 2022: no value yet; every commune at once, each saving every target it reports.
    let january = Period::Month(2022, 1);
    let units: Vec<UnitId> = reporting::period_reports(&app, &admin, plan, january, None, None)
        .await
        .unwrap()
        .units
        .iter()
        .map(|u| u.unit_id)
        .collect();
    assert!(units.len() >= 20);
    let mut tasks = Vec::new();
    for unit in units.clone() {
        let (app, admin) = (app.clone(), admin.clone());
        tasks.push(tokio::spawn(async move {
            let opened = reporting::open_report(&app, &admin, plan, unit, january)
                .await
                .unwrap();
            let sheet = report_sheet::report_sheet(&app, &admin, opened.report.id)
                .await
                .unwrap();
            let values = sheet
                .targets
                .iter()
                .map(|t| DraftValue {
                    target_id: t.target.id,
                    input: match t.target.value_type {
                        trienkhai_core::target::ValueType::Ratio => ActualInput {
                            numerator: Some(1.into()),
                            denominator: Some(4.into()),
                            ..Default::default()
                        },
                        trienkhai_core::target::ValueType::YesNo => ActualInput {
                            flag: Some(true),
                            ..Default::default()
                        },
                        _ => ActualInput {
                            value: Some(1.into()),
                            ..Default::default()
                        },
                    },
                })
                .collect();
            let version = report_sheet::save_draft(
                &app,
                &admin,
                opened.report.id,
                &ReportDraft {
                    version: opened.report.row_version,
                    values,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
            reporting::act(
                &app,
                &admin,
                opened.report.id,
                ReportAction::Submit,
                None,
                version,
            )
            .await
            .unwrap();
            sheet.targets.len() as i64
        }));
    }
    let mut expected_values = 0;
    for task in tasks {
        expected_values += task.await.unwrap();
    }
    let mut conn = app.db.reader().await.unwrap();
    assert_eq!(
        trienkhai_store::reports::submitted_with_values(&mut conn, plan, january)
            .await
            .unwrap(),
        (units.len() as i64, expected_values),
        "every report submitted with every value"
    );
}

/// Waits until the instance has a change epoch (PostgreSQL: its listener is connected).
async fn epoch_known(app: &App) {
    for _ in 0..200 {
        if app.db.change_epoch().await.unwrap().is_some() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("no change epoch within 5 s");
}

async fn kept_dashboards_and_figures_follow_every_write_of_any_instance(t: TestDb) {
    use std::sync::Arc;
    use trienkhai_app::report_sheet::{self, DraftValue, ReportDraft};
    use trienkhai_app::targets::ActualInput;
    use trienkhai_app::{cascade, dashboard};
    let app = App::new(t.db.clone());
    demo::build(&app).await.unwrap();
    // A second instance serving the same database.
    let second = App::new(trienkhai_store::Db::open(&t.url).await.unwrap());
    let admin = actor(&app, "admin").await;
    let anthuy = actor(&second, "anthuy").await;
    let plan = documents::list_documents(&app, &admin, Some("02-NQ/HU"), None, None)
        .await
        .unwrap()[0]
        .document
        .id;
    let (own, district) = (unit(&app, "X-ANTHUY").await, unit(&app, "BTR").await);
    monthly_calendar_2021(&app, &admin, plan).await;
    let april = Period::Month(2021, 4);
    let as_of = None;
    let board = || dashboard::dashboard(&app, &admin, district, Some(plan), Some(april), as_of);
    let figures = || cascade::document_figures(&app, &admin, plan, april, district);
    epoch_known(&app).await;
    let first = board().await.unwrap();
    assert_eq!(first.reports.as_ref().unwrap().received, 0);
    let first_figures = figures().await.unwrap();
    // Asked again with nothing written: the kept answers themselves.
    assert!(Arc::ptr_eq(&first, &board().await.unwrap()));
    assert!(Arc::ptr_eq(&first_figures, &figures().await.unwrap()));
    // Another account asking gets its own answer.
    let anthuy_here = actor(&app, "anthuy").await;
    let theirs = dashboard::dashboard(&app, &anthuy_here, own, Some(plan), Some(april), as_of)
        .await
        .unwrap();
    assert_eq!(theirs.unit_id, own);

    // The commune fills and submits its report through the other instance.
    let id = reporting::open_report(&second, &anthuy, plan, own, april)
        .await
        .unwrap()
        .report
        .id;
    let sheet = report_sheet::report_sheet(&second, &anthuy, id)
        .await
        .unwrap();
    let target = sheet
        .targets
        .iter()
        .find(|t| {
            t.actual.is_some() && t.target.value_type == trienkhai_core::target::ValueType::Count
        })
        .expect("a count target with a value");
    let version = report_sheet::save_draft(
        &second,
        &anthuy,
        id,
        &ReportDraft {
            version: sheet.view.report.row_version,
            values: vec![DraftValue {
                target_id: target.target.id,
                input: ActualInput {
                    value: Some("1234".parse().unwrap()),
                    row_version: Some(target.actual.as_ref().unwrap().row_version),
                    ..Default::default()
                },
            }],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    reporting::act(&second, &anthuy, id, ReportAction::Submit, None, version)
        .await
        .unwrap();
    // This instance serves the new answer: at once on SQLite (the epoch is read from the
    // file), once the other instance's notification arrived on PostgreSQL.
    let mut received = board().await.unwrap().reports.as_ref().unwrap().received;
    if t.backend == trienkhai_store::Backend::Postgres {
        for _ in 0..200 {
            if received == 1 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
            received = board().await.unwrap().reports.as_ref().unwrap().received;
        }
    }
    assert_eq!(received, 1);
    // Accepted here, the value counts: the kept figures are not served again.
    let submitted = reporting::get_report(&app, &admin, id).await.unwrap();
    reporting::act(
        &app,
        &admin,
        id,
        ReportAction::Accept,
        None,
        submitted.report.row_version,
    )
    .await
    .unwrap();
    let now = figures().await.unwrap();
    assert!(!Arc::ptr_eq(&first_figures, &now));
    let value_of = |rows: &[trienkhai_app::cascade::TargetRow]| {
        rows.iter()
            .find(|r| r.target.id == target.target.id)
            .and_then(|r| r.figure.as_ref())
            .and_then(|f| f.value)
    };
    assert_ne!(value_of(&first_figures), value_of(&now));
    // The dashboard as of yesterday reads the report as it stood then: not yet submitted, its
    // value not counted.
    let yesterday = app.today().pred_opt().unwrap();
    let then = dashboard::dashboard(
        &app,
        &admin,
        district,
        Some(plan),
        Some(april),
        Some(yesterday),
    )
    .await
    .unwrap();
    assert_eq!(then.reports.as_ref().unwrap().received, 0);
    let today = board().await.unwrap();
    assert_eq!(today.reports.as_ref().unwrap().received, 1);
    assert_eq!(value_of(&today.targets), value_of(&now));
    assert_ne!(value_of(&then.targets), value_of(&now));
    second.db.close().await;
}

async fn one_request_computes_a_missing_answer_while_the_others_wait(t: TestDb) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let app = App::new(t.db.clone());
    epoch_known(&app).await;
    let served: trienkhai_app::served::Served<u8, u32> = trienkhai_app::served::Served::new(4);
    let calls = AtomicUsize::new(0);
    let compute = || async {
        calls.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        Ok(7)
    };
    let (a, b, c) = tokio::join!(
        served.get_or_compute(&app, 1, compute),
        served.get_or_compute(&app, 1, compute),
        served.get_or_compute(&app, 1, compute),
    );
    assert_eq!((*a.unwrap(), *b.unwrap(), *c.unwrap()), (7, 7, 7));
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    // Another key is computed on its own.
    served.get_or_compute(&app, 2, compute).await.unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

/// Under writes, a viewer is served the answer being replaced while another request computes
/// the next (within the grace); one who has just written waits for the new one.
async fn viewers_are_served_a_recent_answer_while_the_next_is_computed(t: TestDb) {
    use trienkhai_app::served::{FIGURE_GRACE, Served};
    use trienkhai_store::reports::{CalendarDay, set_calendar_day};
    let app = App::new(t.db.clone());
    epoch_known(&app).await;
    let exact = Actor {
        account_id: Some(trienkhai_core::ids::AccountId(1)),
        ..Actor::system("test", app.today())
    };
    let viewer = Actor {
        reads_recent: true,
        ..exact.clone()
    };
    // A write of a calendar day moves the epoch (seen at once by the instance that wrote).
    let write = |day: u32| {
        let app = &app;
        async move {
            let before = app.db.change_epoch().await.unwrap();
            let mut tx = app.db.begin().await.unwrap();
            let day = CalendarDay {
                day: NaiveDate::from_ymd_opt(2021, 5, day).unwrap(),
                working: false,
                note: None,
            };
            set_calendar_day(&mut tx, &day).await.unwrap();
            trienkhai_store::commit(tx).await.unwrap();
            assert_ne!(app.db.change_epoch().await.unwrap(), before);
        }
    };
    let served: Served<u8, u32> = Served::new(4).with_grace(FIGURE_GRACE);
    served
        .get_or_compute_for(&app, &viewer, 1, || async { Ok(1) })
        .await
        .unwrap();
    write(3).await;
    let (release, wait) = tokio::sync::oneshot::channel::<()>();
    let computing = served.get_or_compute_for(&app, &viewer, 1, || async move {
        wait.await.ok();
        Ok(2)
    });
    let meanwhile = async {
        // Once the next answer is being computed, another viewer gets the recent one at once.
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let recent = served
            .get_or_compute_for(&app, &viewer, 1, || async { Ok(3) })
            .await
            .unwrap();
        release.send(()).unwrap();
        recent
    };
    let (next, recent) = tokio::join!(computing, meanwhile);
    assert_eq!((*next.unwrap(), *recent), (2, 1));
    // Exact readers never get a past answer: the one kept under the current epoch, or a new
    // one (on PostgreSQL the write's notification may arrive after its commit and move the
    // epoch once more).
    let current = served
        .get_or_compute_for(&app, &exact, 1, || async { Ok(4) })
        .await
        .unwrap();
    assert!(matches!(*current, 2 | 4), "{current}");
    // Who writes is not served an answer started before their write ended.
    if let Some(account) = viewer.account_id {
        app.note_write(account);
    }
    write(4).await;
    let own = served
        .get_or_compute_for(&app, &viewer, 1, || async { Ok(5) })
        .await
        .unwrap();
    assert_eq!(*own, 5);
}

both_backends!(
    viewers_are_served_a_recent_answer_while_the_next_is_computed,
    one_request_computes_a_missing_answer_while_the_others_wait,
    kept_dashboards_and_figures_follow_every_write_of_any_instance,
    a_commune_report_goes_through_review,
    values_entered_through_a_report_count_once_it_is_accepted,
    the_report_sheet_is_filled_saved_whole_and_carries_evidence,
    the_district_consolidates_what_its_communes_reported,
    a_units_dashboard_follows_targets_items_and_reports_as_of_a_date,
    concurrent_reports_of_many_units_are_all_saved_and_submitted,
);
