//! Answers kept in memory: followed by every write, one computation per key, the grace.

use super::*;
use chrono::NaiveDate;
use trienkhai_app::reporting;
use trienkhai_app::{Actor, App, demo, documents};
use trienkhai_core::period::Period;
use trienkhai_core::reporting::ReportAction;
use trienkhai_testkit::TestDb;

/// Waits until the instance has a change epoch (PostgreSQL: its listener is connected).
pub(crate) async fn epoch_known(app: &App) {
    for _ in 0..200 {
        if app.db.change_epoch().await.unwrap().is_some() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("no change epoch within 5 s");
}

pub(crate) async fn kept_dashboards_and_figures_follow_every_write_of_any_instance(t: TestDb) {
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

pub(crate) async fn one_request_computes_a_missing_answer_while_the_others_wait(t: TestDb) {
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
pub(crate) async fn viewers_are_served_a_recent_answer_while_the_next_is_computed(t: TestDb) {
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
    let (started, computation_started) = tokio::sync::oneshot::channel::<()>();
    let computing = served.get_or_compute_for(&app, &viewer, 1, || async move {
        started.send(()).ok();
        wait.await.ok();
        Ok(2)
    });
    let meanwhile = async {
        // Once the next answer is being computed, another viewer gets the recent one at once.
        computation_started.await.unwrap();
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
