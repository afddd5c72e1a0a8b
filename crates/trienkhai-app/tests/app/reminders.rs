//! Reminders and background jobs on both backends: jobs claimed once each by concurrent
//! workers, failures retried and left visible, and a plan's policies worked out into in-app
//! notifications, one e-mail digest per person through a real SMTP server on loopback, and a
//! signed webhook post.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use chrono::{Duration, NaiveDate};
use trienkhai_app::reminders::{self, Delivery, PolicyInput, SmtpConfig};
use trienkhai_app::{Actor, App, AppError, auth, demo, documents, reporting};
use trienkhai_core::reporting::{Cadence, DeadlineRule};
use trienkhai_store::jobs;
use trienkhai_testkit::{SmtpSink, TestDb, both_backends};

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

async fn concurrent_workers_claim_each_job_once(t: TestDb) {
    let app = App::new(t.db.clone());
    let now = app.now();
    let mut tx = app.db.begin().await.unwrap();
    for n in 0..60 {
        jobs::enqueue(&mut tx, "webhook", "{}", Some(&format!("k{n}")), now, now)
            .await
            .unwrap()
            .unwrap();
    }
    // The same key twice is one job.
    assert_eq!(
        jobs::enqueue(&mut tx, "webhook", "{}", Some("k0"), now, now)
            .await
            .unwrap(),
        None
    );
    trienkhai_store::commit(tx).await.unwrap();
    let claimed = Arc::new(Mutex::new(Vec::new()));
    let mut workers = Vec::new();
    for w in 0..4 {
        let db = app.db.clone();
        let claimed = claimed.clone();
        workers.push(tokio::spawn(async move {
            let name = format!("worker-{w}");
            while let Some(job) = jobs::claim(&db, &name, chrono::Utc::now(), Duration::minutes(5))
                .await
                .unwrap()
            {
                assert_eq!(job.locked_by.as_deref(), Some(name.as_str()));
                claimed.lock().unwrap().push(job.id);
                tokio::task::yield_now().await;
            }
        }));
    }
    for w in workers {
        w.await.unwrap();
    }
    let claimed = claimed.lock().unwrap().clone();
    let distinct: HashSet<i64> = claimed.iter().copied().collect();
    assert_eq!(claimed.len(), 60, "every job claimed");
    assert_eq!(distinct.len(), 60, "none twice");
    // A lease that ran out (the worker died) lets another worker take the job over.
    let later = chrono::Utc::now() + Duration::minutes(6);
    let again = jobs::claim(&app.db, "rescuer", later, Duration::minutes(5))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.attempts, 2);
}

async fn a_failing_job_is_retried_with_back_off_then_left_failed_and_visible(t: TestDb) {
    let app = App::new(t.db.clone());
    demo::build(&app).await.unwrap();
    let admin = actor(&app, "admin").await;
    let anthuy = actor(&app, "anthuy").await;
    // A webhook nobody listens on: every post fails.
    let (hook, _) = reminders::add_webhook(&app, &admin, "http://127.0.0.1:9/hook")
        .await
        .unwrap();
    assert!(matches!(
        reminders::add_webhook(&app, &anthuy, "http://127.0.0.1:9/x").await,
        Err(AppError::Forbidden)
    ));
    let err = reminders::add_webhook(&app, &admin, "ftp://example.org/x")
        .await
        .unwrap_err();
    assert_eq!((err.code(), err.field()), ("url_invalid", Some("url")));
    let mut tx = app.db.begin().await.unwrap();
    let payload = format!("{{\"day\": \"2021-05-04\", \"webhook_id\": {hook}}}");
    let id = jobs::enqueue(&mut tx, "webhook", &payload, None, app.now(), app.now())
        .await
        .unwrap()
        .unwrap();
    // With nothing to post, a hook's job succeeds: make it have something.
    trienkhai_store::notify::notify(
        &mut tx,
        &trienkhai_store::notify::NewNotification {
            account_id: anthuy.account_id.unwrap(),
            day: d("2021-05-04"),
            title: "Nhắc báo cáo",
            link: None,
            dedupe_key: "test",
            email: false,
            webhook: true,
        },
        app.now(),
    )
    .await
    .unwrap();
    trienkhai_store::commit(tx).await.unwrap();
    let delivery = Arc::new(Delivery::new(None));
    assert_eq!(
        reminders::run_due_jobs(&app, &delivery, "w", 10)
            .await
            .unwrap(),
        1
    );
    let mut conn = app.db.reader().await.unwrap();
    let job = jobs::get_job(&mut conn, id).await.unwrap();
    assert_eq!((job.state.as_str(), job.attempts), ("queued", 1));
    assert!(job.last_error.as_deref().unwrap().contains("127.0.0.1:9"));
    assert!(job.run_at > app.now(), "backed off");
    drop(conn);
    // Nothing is due until the back-off ends.
    assert_eq!(
        reminders::run_due_jobs(&app, &delivery, "w", 10)
            .await
            .unwrap(),
        0
    );
    // Spend the remaining attempts.
    for _ in 0..4 {
        let mut tx = app.db.begin().await.unwrap();
        sqlx::query("UPDATE jobs SET run_at = $1 WHERE id = $2")
            .bind(trienkhai_store::sql::instant(
                app.now() - Duration::minutes(1),
            ))
            .bind(id)
            .execute(&mut *tx)
            .await
            .unwrap();
        trienkhai_store::commit(tx).await.unwrap();
        reminders::run_due_jobs(&app, &delivery, "w", 10)
            .await
            .unwrap();
    }
    let visible = reminders::recent_jobs(&app, &admin).await.unwrap();
    let failed = visible.iter().find(|j| j.id == id).unwrap();
    assert_eq!((failed.state.as_str(), failed.attempts), ("failed", 5));
    assert_eq!(visible[0].id, id, "failed jobs come first");
    assert!(matches!(
        reminders::recent_jobs(&app, &anthuy).await,
        Err(AppError::Forbidden)
    ));
    reminders::retry_job(&app, &admin, id).await.unwrap();
    let err = reminders::retry_job(&app, &admin, id).await.unwrap_err();
    assert_eq!(err.code(), "job_not_failed");
    let mut conn = app.db.reader().await.unwrap();
    assert_eq!(jobs::get_job(&mut conn, id).await.unwrap().state, "queued");
}

/// What a receiver was posted: the signature header and the body of each post.
type Posts = Arc<Mutex<Vec<(String, Vec<u8>)>>>;

/// A webhook receiver on loopback that keeps what it was posted.
async fn webhook_receiver() -> (String, Posts) {
    use axum::body::Bytes;
    use axum::http::HeaderMap;
    let got: Posts = Arc::default();
    let keep = got.clone();
    let router = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let keep = keep.clone();
            async move {
                let signature = headers
                    .get("x-trienkhai-signature")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_owned();
                keep.lock().unwrap().push((signature, body.to_vec()));
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (url, got)
}

async fn policies_become_notifications_one_digest_per_person_and_a_signed_post(t: TestDb) {
    let app = App::new(t.db.clone());
    demo::build(&app).await.unwrap();
    let admin = actor(&app, "admin").await;
    let anthuy = actor(&app, "anthuy").await;
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
        (2021, 2021),
        DeadlineRule::new(5, 2).unwrap(),
    )
    .await
    .unwrap();
    let before = PolicyInput {
        kind: "before_deadline".into(),
        days: 2,
        audience: "reporters".into(),
        email: true,
        webhook: true,
    };
    assert!(matches!(
        reminders::add_policy(&app, &anthuy, plan, &before).await,
        Err(AppError::Forbidden)
    ));
    reminders::add_policy(&app, &admin, plan, &before)
        .await
        .unwrap();
    let err = reminders::add_policy(&app, &admin, plan, &before)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "duplicate");
    let err = reminders::add_policy(
        &app,
        &admin,
        plan,
        &PolicyInput {
            kind: "overdue".into(),
            days: 0,
            ..before.clone()
        },
    )
    .await
    .unwrap_err();
    assert_eq!((err.code(), err.field()), ("out_of_range", Some("days")));
    reminders::add_policy(
        &app,
        &admin,
        plan,
        &PolicyInput {
            kind: "overdue".into(),
            days: 3,
            audience: "both".into(),
            email: true,
            webhook: false,
        },
    )
    .await
    .unwrap();
    assert_eq!(
        reminders::policies(&app, &anthuy, plan)
            .await
            .unwrap()
            .len(),
        2
    );
    let err = reminders::set_my_preferences(&app, &anthuy, Some("an thuy@x"), true)
        .await
        .unwrap_err();
    assert_eq!((err.code(), err.field()), ("email_invalid", Some("email")));
    reminders::set_my_preferences(&app, &anthuy, Some("vanphong@anthuy.example.vn"), true)
        .await
        .unwrap();
    let (url, posted) = webhook_receiver().await;
    let (_, secret) = reminders::add_webhook(&app, &admin, &url).await.unwrap();

    // Communes report April by 06/05/2021: two days before, An Thủy's staff are reminded.
    let day = d("2021-05-04");
    assert!(reminders::schedule_day(&app, day).await.unwrap());
    assert!(
        !reminders::schedule_day(&app, day).await.unwrap(),
        "once a day"
    );
    let sink = SmtpSink::start();
    let delivery = Arc::new(Delivery::new(Some(
        SmtpConfig::parse(
            &format!("smtp://127.0.0.1:{}", sink.port),
            "trienkhai <nhacviec@trienkhai.example.vn>",
        )
        .unwrap(),
    )));
    // The day's job, then the digests and the post it queued.
    let ran = reminders::run_due_jobs(&app, &delivery, "w1", 100)
        .await
        .unwrap();
    assert_eq!(
        ran, 4,
        "reminders, a digest for An Thủy and one for the district office, one webhook post"
    );
    let (mine, unread) = reminders::my_notifications(&app, &anthuy).await.unwrap();
    assert_eq!(unread as usize, mine.len());
    let reminded: Vec<&str> = mine
        .iter()
        .map(|n| n.title.as_str())
        .filter(|t| t.starts_with("Nhắc"))
        .collect();
    assert_eq!(
        reminded,
        vec!["Nhắc báo cáo 02-NQ/HU kỳ 2021-04 của Đảng bộ xã An Thủy: hạn 06/05/2021"]
    );
    // Earlier months never reported are overdue, every third day after their deadline.
    assert!(
        mine.iter()
            .filter(|n| !n.title.starts_with("Nhắc"))
            .all(|n| n.title.starts_with("Quá hạn báo cáo 02-NQ/HU kỳ 2021-0"))
    );
    // The district office, which the overdue policy also tells, hears of the communes' late
    // reports, not of the reminder meant for An Thủy's staff.
    let (district, _) = reminders::my_notifications(&app, &actor(&app, "huyenuy").await)
        .await
        .unwrap();
    assert!(!district.is_empty());
    assert!(
        district
            .iter()
            .all(|n| n.title.starts_with("Quá hạn báo cáo 02-NQ/HU kỳ 2021-0"))
    );
    // Installation-wide administrators are not reminded of every unit's report.
    assert!(
        reminders::my_notifications(&app, &admin)
            .await
            .unwrap()
            .0
            .is_empty()
    );
    let mail = sink.messages();
    assert_eq!(mail.len(), 1, "one digest");
    assert!(mail[0].contains("To: vanphong@anthuy.example.vn"));
    assert!(mail[0].contains("Subject: =?utf-8?") || mail[0].contains("Subject: [trienkhai]"));
    let decoded = decode_body(&mail[0]);
    assert!(decoded.contains("Đảng bộ xã An Thủy"), "{decoded}");
    let posts = posted.lock().unwrap().clone();
    assert_eq!(posts.len(), 1);
    let (signature, body) = &posts[0];
    assert_eq!(*signature, reminders::webhook_signature(&secret, body));
    let json: serde_json::Value = serde_json::from_slice(body).unwrap();
    assert_eq!(json["day"], "2021-05-04");
    assert!(
        json["reminders"][0]["title"]
            .as_str()
            .unwrap()
            .contains("An Thủy")
    );
    // Running the day again gives nothing twice.
    let again = reminders::run_day(&app, day).await.unwrap();
    assert_eq!(again, reminders::DayOutcome::default());
    reminders::mark_all_read(&app, &anthuy).await.unwrap();
    assert_eq!(reminders::unread_count(&app, &anthuy).await.unwrap(), 0);
    // Three days after the deadline, April is overdue.
    let overdue = reminders::run_day(&app, d("2021-05-09")).await.unwrap();
    assert!(overdue.notifications >= 1);
    let (mine, _) = reminders::my_notifications(&app, &anthuy).await.unwrap();
    assert!(
        mine.iter()
            .any(|n| n.title.starts_with("Quá hạn báo cáo 02-NQ/HU kỳ 2021-04"))
    );
    // A commune that has submitted is not reminded.
    let april = reporting::open_report(
        &app,
        &anthuy,
        plan,
        anthuy
            .access
            .roots_for(trienkhai_core::access::Action::Report)
            .unwrap()[0],
        trienkhai_core::period::Period::Month(2021, 4),
    )
    .await
    .unwrap()
    .report;
    reporting::act(
        &app,
        &anthuy,
        april.id,
        trienkhai_core::reporting::ReportAction::Submit,
        None,
        april.row_version,
    )
    .await
    .unwrap();
    reminders::run_day(&app, d("2021-05-12")).await.unwrap();
    let (after, _) = reminders::my_notifications(&app, &anthuy).await.unwrap();
    assert!(
        after
            .iter()
            .filter(|n| n.day == d("2021-05-12"))
            .all(|n| !n.title.contains("kỳ 2021-04"))
    );
}

/// The text of a plain message body, decoded from quoted-printable or base64.
fn decode_body(message: &str) -> String {
    let (headers, body) = message
        .split_once("\r\n\r\n")
        .or_else(|| message.split_once("\n\n"))
        .unwrap();
    let lower = headers.to_lowercase();
    if lower.contains("content-transfer-encoding: base64") {
        use base64::Engine;
        let clean: String = body.chars().filter(|c| !c.is_whitespace()).collect();
        String::from_utf8(
            base64::engine::general_purpose::STANDARD
                .decode(clean)
                .unwrap(),
        )
        .unwrap()
    } else if lower.contains("content-transfer-encoding: quoted-printable") {
        let joined = body.replace("=\r\n", "").replace("=\n", "");
        let mut bytes = Vec::new();
        let mut chars = joined.bytes().peekable();
        while let Some(b) = chars.next() {
            if b == b'=' {
                let hi = chars.next().unwrap();
                let lo = chars.next().unwrap();
                bytes.push(
                    u8::from_str_radix(&format!("{}{}", hi as char, lo as char), 16).unwrap(),
                );
            } else {
                bytes.push(b);
            }
        }
        String::from_utf8(bytes).unwrap()
    } else {
        body.to_owned()
    }
}

both_backends!(
    concurrent_workers_claim_each_job_once,
    a_failing_job_is_retried_with_back_off_then_left_failed_and_visible,
    policies_become_notifications_one_digest_per_person_and_a_signed_post,
);
