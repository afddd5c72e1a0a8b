//! The report sheet, consolidation, dashboards and concurrent reports.

use super::*;
use trienkhai_app::reporting;
use trienkhai_app::{App, AppError, auth, demo, documents};
use trienkhai_core::ids::UnitId;
use trienkhai_core::period::Period;
use trienkhai_core::reporting::{Cadence, DeadlineRule, ReportAction};
use trienkhai_testkit::TestDb;

pub(crate) async fn the_report_sheet_is_filled_saved_whole_and_carries_evidence(t: TestDb) {
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
    // Each value says what came before it, and 1.234 where the commune reported a few a month
    // is asked about (not refused: it was saved).
    assert_eq!(
        t.previous.as_ref().map(|p| p.period),
        Some(trienkhai_core::period::Period::Month(2021, 3)),
        "{t:?}"
    );
    assert!(t.unusual.is_some(), "{t:?}");
    let line = saved.items[0].line.clone().unwrap();
    assert_eq!(line.percent, Some(60));
    assert_eq!(line.narrative.as_deref(), Some("Đã hoàn thành 3/5 tuyến"));
    // The item's page shows what the report said of it, to the commune and to the district;
    // the item it is a part of shows it too.
    for who in [&anthuy, &admin] {
        let on_item = trienkhai_app::work_items::get_work_item(&app, who, item.item.id, None)
            .await
            .unwrap();
        assert_eq!(on_item.reported.len(), 1, "{:?}", on_item.reported);
        assert_eq!(on_item.reported[0].percent, Some(60));
        assert_eq!(on_item.reported[0].report_id, id);
        assert!(on_item.reported[0].unit_name.contains("An Thủy"));
    }
    if let Some(parent) = item.item.parent_id {
        let on_parent = trienkhai_app::work_items::get_work_item(&app, &admin, parent, None)
            .await
            .unwrap();
        assert!(on_parent.reported.iter().any(|r| r.percent == Some(60)));
    }
    // Another commune does not read An Thủy's report through the item.
    let elsewhere =
        trienkhai_app::work_items::get_work_item(&app, &anduc, item.item.id, None).await;
    if let Ok(seen) = elsewhere {
        assert!(seen.reported.is_empty(), "{:?}", seen.reported);
    }

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

pub(crate) async fn the_district_consolidates_what_its_communes_reported(t: TestDb) {
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
    // April is judged against no goal of its own: no verdict, and the draft says so rather
    // than "0/22 đạt" over a column of "Không đạt".
    let h = &c.overview.headline;
    assert_eq!((h.met, h.judged), (0, 0));
    let headline = format!(
        "0/{} chỉ tiêu đạt và vượt; {} chỉ tiêu chưa đánh giá",
        h.total, h.total
    );
    assert!(c.draft.contains(&headline), "{}", c.draft);
    assert!(!c.draft.contains("Không đạt"), "{}", c.draft);
    assert!(c.draft.contains("(chỉ tiêu năm 2021 "), "{}", c.draft);
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

pub(crate) async fn a_units_dashboard_follows_targets_items_and_reports_as_of_a_date(t: TestDb) {
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
    // Opened without a period, a dashboard shows the latest month with values, never an
    // empty month of today: the district's on December 2021, the last month of the demo's
    // figures, and An Thủy's (a commune merged since) the same, not an error.
    let opened = dashboard::dashboard(&app, &admin, district, None, None, None)
        .await
        .unwrap();
    assert_eq!(opened.period, Period::Month(2021, 12));
    assert!(
        opened
            .targets
            .iter()
            .any(|r| r.figure.as_ref().is_some_and(|f| f.value.is_some()))
    );
    let theirs = dashboard::dashboard(&app, &anthuy, own, None, None, None)
        .await
        .unwrap();
    assert_eq!(theirs.period, Period::Month(2021, 12));
    // As of a day in May 2021, the latest month then: April.
    let in_may = dashboard::dashboard(&app, &admin, district, None, None, Some(d("2021-05-20")))
        .await
        .unwrap();
    assert_eq!(in_may.period, Period::Month(2021, 4));
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

pub(crate) async fn concurrent_reports_of_many_units_are_all_saved_and_submitted(t: TestDb) {
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
