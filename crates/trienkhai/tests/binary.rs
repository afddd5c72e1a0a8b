//! The binary as an operator runs it: the demo refuses a non-loopback address, a request in
//! flight when SIGTERM arrives still gets its answer, and the process then exits cleanly.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn serve(data_dir: &std::path::Path, listen: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_trienkhai"))
        .args(["serve", "--demo", "--data-dir"])
        .arg(data_dir)
        .args(["--listen", listen])
        .env_remove("TRIENKHAI_DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start trienkhai")
}

fn wait_healthy(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) {
            let _ = s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            let mut answer = String::new();
            let _ = s.read_to_string(&mut answer);
            if answer.starts_with("HTTP/1.1 200") {
                return;
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("the server did not answer /healthz within 60 s");
}

#[test]
fn the_demo_refuses_to_listen_beyond_loopback() {
    let dir = tempfile::tempdir().unwrap();
    let out = serve(dir.path(), "0.0.0.0:0").wait_with_output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("loopback"));
}

#[test]
fn sigterm_lets_the_request_in_flight_finish_then_exits_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = serve(dir.path(), &format!("127.0.0.1:{port}"));
    wait_healthy(port);

    // People type passwords into the username field: what was typed is never logged.
    let typed = br#"{"username":"matkhau.bimat","password":"sai"}"#;
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(stream, "POST /api/v1/login HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n", typed.len()).unwrap();
    stream.write_all(typed).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");

    // A login whose body arrives in two parts: the request is in flight when SIGTERM comes.
    let body = br#"{"username":"admin","password":"demo"}"#;
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(stream, "POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n", body.len()).unwrap();
    stream.write_all(&body[..10]).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    std::thread::sleep(Duration::from_millis(500));
    // New connections are no longer accepted while the old one is being served.
    assert!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "the listener is closed"
    );
    stream.write_all(&body[10..]).unwrap();
    let mut reader = BufReader::new(stream);
    let mut status = String::new();
    reader.read_line(&mut status).unwrap();
    assert!(
        status.starts_with("HTTP/1.1 200"),
        "the in-flight login was answered: {status}"
    );
    let mut rest = String::new();
    reader.read_to_string(&mut rest).unwrap();
    assert!(rest.contains("\"token\""), "{rest}");

    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(code) = child.try_wait().unwrap() {
            assert!(code.success(), "exit status {code}");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the server did not stop after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut log = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    assert!(
        log.contains("finishing requests in flight") && log.contains("stopped"),
        "{log}"
    );
    assert!(
        !log.contains("\"demo\"}") && !log.contains("password"),
        "no credentials in the log"
    );
    assert!(log.contains("login failed"), "{log}");
    assert!(
        !log.contains("matkhau.bimat"),
        "nothing typed in the log: {log}"
    );
}

#[test]
fn a_real_installation_starts_with_an_administrator_made_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let create = |password: &str| {
        Command::new(env!("CARGO_BIN_EXE_trienkhai"))
            .args([
                "user",
                "create",
                "--admin",
                "--username",
                "QuanTri",
                "--display-name",
                "Quản trị",
                "--data-dir",
            ])
            .arg(dir.path())
            .env("TRIENKHAI_PASSWORD", password)
            .env_remove("TRIENKHAI_DATABASE_URL")
            .output()
            .unwrap()
    };
    let short = create("ngan");
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("password_too_short"));
    let made = create("một mật khẩu dài");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    assert!(String::from_utf8_lossy(&made.stdout).contains("created administrator quantri"));

    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_trienkhai"))
        .args(["serve", "--data-dir"])
        .arg(dir.path())
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .env_remove("TRIENKHAI_DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_healthy(port);
    let body = r#"{"username":"quantri","password":"một mật khẩu dài"}"#;
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "POST /api/v1/login HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"token\""));
}

fn cli(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_trienkhai"))
        .args(args)
        .env_remove("TRIENKHAI_DATABASE_URL")
        .output()
        .unwrap()
}

fn http_get(port: u16, path: &str, token: Option<&str>) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n{auth}\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

fn login_token(port: u16) -> String {
    let body = r#"{"username":"admin","password":"demo"}"#;
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(stream, "POST /api/v1/login HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}", body.len()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
        .split("\"token\":\"")
        .nth(1)
        .expect("a token")
        .split('"')
        .next()
        .unwrap()
        .to_owned()
}

#[test]
fn a_sqlite_backup_restores_into_a_working_installation() {
    let work = tempfile::tempdir().unwrap();
    let (a, b) = (work.path().join("a"), work.path().join("b"));
    let file = work.path().join("trienkhai-backup.sqlite3");
    let s = |p: &std::path::Path| p.to_string_lossy().into_owned();
    assert!(cli(&["demo", "--data-dir", &s(&a)]).status.success());
    let made = cli(&["backup", "--data-dir", &s(&a), "--to", &s(&file)]);
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let again = cli(&["backup", "--data-dir", &s(&a), "--to", &s(&file)]);
    assert!(
        !again.status.success()
            && String::from_utf8_lossy(&again.stderr).contains("already exists")
    );
    let restored = cli(&["restore", "--data-dir", &s(&b), "--from", &s(&file)]);
    assert!(
        restored.status.success(),
        "{}",
        String::from_utf8_lossy(&restored.stderr)
    );
    let over = cli(&["restore", "--data-dir", &s(&b), "--from", &s(&file)]);
    assert!(
        !over.status.success() && String::from_utf8_lossy(&over.stderr).contains("already holds")
    );

    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_trienkhai"))
        .args([
            "serve",
            "--data-dir",
            &s(&b),
            "--listen",
            &format!("127.0.0.1:{port}"),
        ])
        .env_remove("TRIENKHAI_DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_healthy(port);
    let token = login_token(port);
    let units = http_get(port, "/api/v1/units?as_of=2021-06-01", Some(&token));
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        units.starts_with("HTTP/1.1 200") && units.contains("\"X-ANTHUY\""),
        "{units}"
    );
}

#[tokio::test]
async fn a_postgres_backup_restores_into_another_database() {
    use trienkhai_testkit::{
        TestDb,
        trienkhai_store::{Backend, units},
    };
    let Some(source) = TestDb::new(Backend::Postgres).await else {
        return;
    };
    let Some(target) = TestDb::new(Backend::Postgres).await else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("trienkhai.pgdump");
    let file = file.to_string_lossy();
    assert!(
        cli(&["demo", "--database-url", &source.url])
            .status
            .success()
    );
    let made = cli(&["backup", "--database-url", &source.url, "--to", &file]);
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let restored = cli(&["restore", "--database-url", &target.url, "--from", &file]);
    assert!(
        restored.status.success(),
        "{}",
        String::from_utf8_lossy(&restored.stderr)
    );
    let mut conn = target.db.reader().await.unwrap();
    let mut source_conn = source.db.reader().await.unwrap();
    let copied = units::all_versions(&mut conn).await.unwrap();
    assert!(copied.len() > 100);
    assert_eq!(copied, units::all_versions(&mut source_conn).await.unwrap());
}
