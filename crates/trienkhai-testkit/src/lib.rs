//! Test support shared by every crate's integration tests: a fresh, migrated database per test,
//! on SQLite (a temporary file) or on a real PostgreSQL server (a new database on the server
//! named by `TRIENKHAI_TEST_PG_URL`, which the README test command starts).
//!
//! [`both_backends!`] turns one async test function into a test per backend, so the conformance
//! suite cannot forget PostgreSQL.

pub mod http;

use sqlx::Connection;
use trienkhai_store::{Backend, Db};

pub use trienkhai_store;

/// The admin URL of the PostgreSQL server tests create their databases on.
pub const PG_URL_VAR: &str = "TRIENKHAI_TEST_PG_URL";

pub struct TestDb {
    pub db: Db,
    pub url: String,
    pub backend: Backend,
    _dir: Option<tempfile::TempDir>,
    /// On PostgreSQL: the server's admin URL and the database made for this test.
    created: Option<(String, String)>,
}

/// A test's PostgreSQL database goes with it, unless the test failed (kept to be looked at): a
/// suite run makes several hundred, and a developer's server kept them all (40 GB in a week).
impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((admin_url, name)) = self.created.take() else {
            return;
        };
        if std::thread::panicking() {
            eprintln!("test database {name} kept for inspection");
            return;
        }
        // Drop runs inside the test's runtime, which cannot be blocked on; a thread of its own
        // with a small runtime drops the database (closing this test's connections with it).
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime to drop the test database");
            runtime.block_on(async {
                let mut admin = sqlx::PgConnection::connect(&admin_url).await.ok()?;
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut admin)
                    .await
                    .ok()?;
                admin.close().await.ok()
            })
        });
        let _ = dropped.join();
    }
}

impl TestDb {
    /// A fresh, migrated database, or `None` when PostgreSQL was asked for and no server is
    /// configured outside CI (the test then says so on stderr). In CI a missing server fails.
    pub async fn new(backend: Backend) -> Option<TestDb> {
        let (url, dir) = match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temporary directory");
                let url = format!("sqlite://{}", dir.path().join("test.sqlite3").display());
                (url, Some(dir))
            }
            Backend::Postgres => (fresh_postgres_database().await?, None),
        };
        let created = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => {
                let admin = std::env::var(PG_URL_VAR).expect("the server's URL");
                let name = url
                    .rsplit('/')
                    .next()
                    .and_then(|tail| tail.split('?').next())
                    .expect("a database name")
                    .to_owned();
                Some((admin, name))
            }
        };
        let db = Db::open(&url)
            .await
            .expect("open and migrate the test database");
        Some(TestDb {
            db,
            url,
            backend,
            _dir: dir,
            created,
        })
    }
}

/// Says once per test binary, past the test harness's output capture (which would hide it for
/// tests that pass), that its PostgreSQL tests pass without having run.
fn skipped_loudly() {
    static SAID: std::sync::Once = std::sync::Once::new();
    SAID.call_once(|| {
        use std::io::Write;
        let bar = "#".repeat(78);
        let _ = writeln!(
            std::io::stderr(),
            "\n{bar}\n# SKIPPED: the PostgreSQL half of these tests passes WITHOUT RUNNING.\n\
             # {PG_URL_VAR} is not set; scripts/test (the README test command) starts a\n\
             # throwaway cluster and sets it.\n{bar}"
        );
    });
}

async fn fresh_postgres_database() -> Option<String> {
    let Ok(admin_url) = std::env::var(PG_URL_VAR) else {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{PG_URL_VAR} is not set: in CI every test runs on PostgreSQL too");
        }
        skipped_loudly();
        return None;
    };
    let name = format!("tk_{:016x}", rand::random::<u64>());
    let mut admin = sqlx::PgConnection::connect(&admin_url)
        .await
        .expect("connect to the test PostgreSQL server");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .expect("create a test database");
    admin.close().await.ok();
    let base = admin_url
        .rsplit_once('/')
        .map(|(base, _)| base)
        .expect("URL with a database name");
    let query = admin_url
        .split_once('?')
        .map(|(_, q)| format!("?{q}"))
        .unwrap_or_default();
    Some(format!("{base}/{name}{query}"))
}

/// Expands each `async fn name(t: TestDb)` into `sqlite::name` and `postgres::name` tests.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let t = $crate::TestDb::new($crate::trienkhai_store::Backend::Sqlite).await.unwrap();
                    super::$name(t).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(t) = $crate::TestDb::new($crate::trienkhai_store::Backend::Postgres).await {
                        super::$name(t).await;
                    }
                }
            )*
        }
    };
}

/// The whole application served on a random loopback port over a fresh database.
pub struct TestApp {
    pub addr: std::net::SocketAddr,
    pub app: trienkhai_app::App,
    pub db: TestDb,
}

impl TestApp {
    /// Serves `t`'s database, after building the Ba Tri demo into it when `demo` is set.
    pub async fn spawn(t: TestDb, demo: bool) -> TestApp {
        Self::spawn_with(
            t,
            demo,
            |state| state,
            trienkhai_web::serve::Limits::default(),
        )
        .await
    }

    /// As [`TestApp::spawn`], with the state adjusted (trusted proxies, secure cookies…) and
    /// the connection limits given.
    pub async fn spawn_with(
        t: TestDb,
        demo: bool,
        configure: impl FnOnce(trienkhai_web::AppState) -> trienkhai_web::AppState,
        limits: trienkhai_web::serve::Limits,
    ) -> TestApp {
        let app = trienkhai_app::App::new(t.db.clone());
        if demo {
            trienkhai_app::demo::build(&app)
                .await
                .expect("build the demo");
        }
        let state = configure(trienkhai_web::AppState::new(app.clone(), false, demo));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback port");
        let addr = listener.local_addr().expect("local address");
        let router = trienkhai_web::router(state);
        tokio::spawn(async move {
            trienkhai_web::serve::serve(listener, router, limits, std::future::pending())
                .await
                .expect("serve");
        });
        TestApp { addr, app, db: t }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

/// A real SMTP server on loopback for the tests: Python's aiosmtpd (Debian package
/// python3-aiosmtpd), writing every message it accepts to a file in its directory.
pub struct SmtpSink {
    pub port: u16,
    pub dir: tempfile::TempDir,
    child: std::process::Child,
}

const SMTP_SINK: &str = r#"
import sys, time, pathlib, itertools
from aiosmtpd.controller import Controller
out = pathlib.Path(sys.argv[2])
counter = itertools.count()
class Keep:
    async def handle_DATA(self, server, session, envelope):
        name = out / f"{next(counter):04d}.eml"
        tmp = name.with_suffix(".tmp")
        tmp.write_bytes(envelope.original_content or envelope.content)
        tmp.rename(name)
        return "250 OK"
c = Controller(Keep(), hostname="127.0.0.1", port=int(sys.argv[1]))
c.start()
(out / "ready").write_text("ok")
while True:
    time.sleep(3600)
"#;

impl SmtpSink {
    /// Starts the server; panics with the fix when aiosmtpd is missing.
    pub fn start() -> SmtpSink {
        let dir = tempfile::tempdir().expect("a temp dir");
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
            l.local_addr().expect("an address").port()
        };
        let python = if std::path::Path::new("/usr/bin/python3").exists() {
            "/usr/bin/python3"
        } else {
            "python3"
        };
        let child = std::process::Command::new(python)
            .arg("-c")
            .arg(SMTP_SINK)
            .arg(port.to_string())
            .arg(dir.path())
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("python3 to start the SMTP sink");
        let ready = dir.path().join("ready");
        let started = std::time::Instant::now();
        while !ready.exists() {
            assert!(
                started.elapsed() < std::time::Duration::from_secs(20),
                "the SMTP sink did not start: install python3-aiosmtpd (scripts/setup-test-deps)"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        SmtpSink { port, dir, child }
    }

    /// The messages received so far, in order, as text.
    pub fn messages(&self) -> Vec<String> {
        let mut names: Vec<_> = std::fs::read_dir(self.dir.path())
            .expect("the sink's directory")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        names.sort();
        names
            .iter()
            .map(|p| String::from_utf8_lossy(&std::fs::read(p).expect("a message")).into_owned())
            .collect()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
