//! The edge of the server (issue 10): login throttling along the account and the client
//! address (through a trusted proxy only), connections let go when slow or idle under a
//! ceiling, `/metrics` for this host or a token, HSTS with secure cookies.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use trienkhai_testkit::http::*;
use trienkhai_testkit::{TestApp, TestDb, both_backends};
use trienkhai_web::serve::Limits;

// 9. ------------------------------------------------------------------------------------------

async fn throttling_follows_the_account_and_says_when_to_come_back(t: TestDb) {
    let app = spawn_behind_proxy(t).await;
    // An office behind one address: many people mistyping do not lock out the others.
    for i in 0..25 {
        let r = login(&app, &format!("nhanvien{i}"), "sai", Some("203.0.113.10")).await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        login(&app, "anthuy", "demo", Some("203.0.113.10"))
            .await
            .status(),
        StatusCode::OK
    );
    // A guesser at one account from one address is stopped, and told when to return…
    for _ in 0..5 {
        let r = login(&app, "anthuy", "sai", Some("198.51.100.66")).await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let r = login(&app, "anthuy", "demo", Some("198.51.100.66")).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&retry), "{retry}");
    // …while the owner, elsewhere, logs in.
    assert_eq!(
        login(&app, "anthuy", "demo", Some("203.0.113.11"))
            .await
            .status(),
        StatusCode::OK
    );
}

async fn a_forwarded_address_counts_only_from_a_trusted_proxy(t: TestDb) {
    let app = spawn(t).await;
    // Not trusted: the header is ignored, every guess is the peer's.
    for i in 0..5 {
        let r = login(&app, "anthuy", "sai", Some(&format!("192.0.2.{i}"))).await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let r = login(&app, "anthuy", "demo", Some("192.0.2.99")).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
}

// 11. -----------------------------------------------------------------------------------------

fn closed_within(stream: &mut TcpStream, limit: Duration) -> bool {
    stream.set_read_timeout(Some(limit)).unwrap();
    let mut buf = [0u8; 256];
    matches!(stream.read(&mut buf), Ok(0) | Err(_))
        && {
            // Ok(0): closed. Err: the timeout (still open) or a reset (closed).
            stream
                .set_read_timeout(Some(Duration::from_millis(50)))
                .unwrap();
            !matches!(stream.read(&mut buf), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock || e.kind() == std::io::ErrorKind::TimedOut)
        }
}

async fn slow_and_idle_connections_are_let_go_and_the_ceiling_holds(t: TestDb) {
    let limits = Limits {
        header_read_timeout: Duration::from_secs(1),
        max_connections: 4,
    };
    let app = TestApp::spawn_with(t, false, |s| s, limits).await;
    let addr = app.addr;
    tokio::task::spawn_blocking(move || {
        // Four idle connections fill the ceiling.
        let mut idle: Vec<TcpStream> = (0..4).map(|_| TcpStream::connect(addr).unwrap()).collect();
        // A fifth client is answered once the idle ones are let go, not never.
        let started = Instant::now();
        let mut fifth = TcpStream::connect(addr).unwrap();
        fifth
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .unwrap();
        fifth
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut answer = String::new();
        let _ = fifth.read_to_string(&mut answer);
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer:?}");
        assert!(started.elapsed() < Duration::from_secs(8));
        for stream in &mut idle {
            assert!(
                closed_within(stream, Duration::from_secs(3)),
                "an idle connection stayed open"
            );
        }
        // Headers trickled a line at a time are cut off at the timeout.
        let mut slow = TcpStream::connect(addr).unwrap();
        slow.write_all(b"GET /healthz HTTP/1.1\r\n").unwrap();
        let started = Instant::now();
        let mut cut = false;
        for i in 0..20 {
            std::thread::sleep(Duration::from_millis(300));
            if slow
                .write_all(format!("X-Trickle-{i}: 1\r\n").as_bytes())
                .is_err()
            {
                cut = true;
                break;
            }
        }
        assert!(
            cut || closed_within(&mut slow, Duration::from_secs(2)),
            "a trickling client was kept"
        );
        assert!(started.elapsed() < Duration::from_secs(7));
    })
    .await
    .unwrap();
}

// 12. -----------------------------------------------------------------------------------------

async fn metrics_are_for_this_host_and_https_is_pinned(t: TestDb) {
    let app = spawn_behind_proxy(t).await;
    let client = Client::new();
    let r = client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "loopback may read them");
    assert!(!r.headers().contains_key("strict-transport-security"));
    let r = client
        .get(app.url("/metrics"))
        .header("x-forwarded-for", "203.0.113.50")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(r.json::<Value>().await.unwrap()["code"], "forbidden");
    let r = client
        .get(app.url("/metrics"))
        .header("x-forwarded-for", "203.0.113.50")
        .bearer_auth("metrics-secret")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

async fn secure_cookies_come_with_hsts(t: TestDb) {
    let app = TestApp::spawn_with(
        t,
        false,
        |mut s| {
            s.secure_cookies = true;
            s
        },
        Limits::default(),
    )
    .await;
    let r = Client::new().get(app.url("/login")).send().await.unwrap();
    assert!(
        r.headers()["strict-transport-security"]
            .to_str()
            .unwrap()
            .starts_with("max-age=")
    );
}

/// A write by a signed-in caller is recorded when its answer is made, a read is not: figures
/// served a few seconds old to viewers under writes are never served so to who just wrote.
async fn a_callers_write_is_noted_and_a_read_is_not(t: TestDb) {
    let app = spawn(t).await;
    let r: Value = login(&app, "admin", "demo", None)
        .await
        .json()
        .await
        .unwrap();
    let token = r["token"].as_str().unwrap().to_owned();
    let client = Client::new();
    let me: Value = client
        .get(app.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let account = trienkhai_core::ids::AccountId(me["account_id"].as_i64().unwrap());
    let read = client
        .get(app.url("/api/v1/me/preferences"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), StatusCode::OK);
    assert!(app.app.last_write_of(account).is_none());
    let before = Instant::now();
    let write = client
        .put(app.url("/api/v1/me/preferences"))
        .bearer_auth(&token)
        .json(&json!({"email": "admin@example.vn", "daily_digest": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(write.status(), StatusCode::OK);
    let noted = app.app.last_write_of(account).expect("the write is noted");
    assert!(noted >= before && noted <= Instant::now());
}

both_backends!(
    a_callers_write_is_noted_and_a_read_is_not,
    throttling_follows_the_account_and_says_when_to_come_back,
    a_forwarded_address_counts_only_from_a_trusted_proxy,
    slow_and_idle_connections_are_let_go_and_the_ceiling_holds,
    metrics_are_for_this_host_and_https_is_pinned,
    secure_cookies_come_with_hsts,
);
