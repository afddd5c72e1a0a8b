//! The application's clock: what depends on the time (a session's life, "today") follows the
//! clock the application reads, so a test moves it instead of sleeping.

use chrono::{DateTime, Duration, Utc};
use trienkhai_app::{App, Clock, auth, demo};
use trienkhai_testkit::{TestDb, both_backends};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

async fn a_session_ends_on_the_applications_clock(t: TestDb) {
    // 16:30 UTC on 20/11/2026 is 23:30 in Vietnam: half an hour before the day turns there.
    let clock = Clock::fixed(at("2026-11-20T16:30:00Z"));
    let app = App::new(t.db.clone()).with_clock(clock.clone());
    demo::build(&app).await.unwrap();
    assert_eq!(app.today().to_string(), "2026-11-20");
    clock.advance(Duration::hours(1));
    assert_eq!(
        app.today().to_string(),
        "2026-11-21",
        "the day turns in Vietnam, not in UTC"
    );

    let account = auth::login(&app, "admin", demo::DEMO_PASSWORD, "127.0.0.1")
        .await
        .unwrap();
    let session = auth::start_session(&app, account).await.unwrap();
    assert!(
        auth::session_actor(&app, &session.secret)
            .await
            .unwrap()
            .is_some()
    );
    clock.advance(Duration::hours(auth::SESSION_HOURS) - Duration::minutes(1));
    assert!(
        auth::session_actor(&app, &session.secret)
            .await
            .unwrap()
            .is_some()
    );
    // Past its hours the session is over, even for the caller kept in memory.
    clock.advance(Duration::minutes(2));
    assert!(
        auth::session_actor(&app, &session.secret)
            .await
            .unwrap()
            .is_none()
    );
}

both_backends!(a_session_ends_on_the_applications_clock);
