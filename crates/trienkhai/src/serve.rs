//! Serving: logging, the listener, and a graceful shutdown that lets requests in flight finish.

use std::net::SocketAddr;

use anyhow::{Context, bail};
use tokio::signal;
use trienkhai_web::{AppState, router};

use crate::cli::{ServeArgs, build_demo};

/// Structured logs: JSON lines on stderr, level from `RUST_LOG` (default `info`). Request logs
/// carry method, path and status; never headers or bodies, so no password or token is logged.
pub fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let _ = tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

pub async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    if args.demo && !args.listen.ip().is_loopback() {
        bail!(
            "--demo serves accounts with a published password: it listens on loopback only (got {})",
            args.listen
        );
    }
    let app = args.db.open().await?;
    if args.demo {
        build_demo(&app).await?;
    }
    tokio::spawn(housekeeping(app.clone()));
    if args.jobs_every > 0 {
        let smtp = match &args.smtp_url {
            Some(url) => Some(
                trienkhai_app::reminders::SmtpConfig::parse(url, &args.smtp_from)
                    .map_err(|e| anyhow::anyhow!(e))?,
            ),
            None => None,
        };
        let delivery = std::sync::Arc::new(trienkhai_app::reminders::Delivery::new(smtp));
        let worker = format!("{}:{}", hostname(), std::process::id());
        tokio::spawn(trienkhai_app::reminders::background_loop(
            app.clone(),
            delivery,
            worker,
            std::time::Duration::from_secs(args.jobs_every),
            args.reminder_hour.min(23),
        ));
    }
    let state = AppState::new(app.clone(), args.secure_cookies, args.demo);
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("listening on {}", args.listen))?;
    tracing::info!(address = %listener.local_addr()?, demo = args.demo, "serving");
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    app.db.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Hourly: forget expired sessions and old failed logins. Idempotent, so several instances over
/// one PostgreSQL may all run it.
async fn housekeeping(app: trienkhai_app::App) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        tick.tick().await;
        match trienkhai_app::auth::purge_expired(&app).await {
            Ok(n) => tracing::debug!(deleted = n, "housekeeping"),
            Err(e) => tracing::warn!(error = %e, "housekeeping failed"),
        }
    }
}

/// This machine's name, to tell which instance holds a job.
fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname")
        .map(|h| h.trim().to_owned())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into())
}

async fn shutdown_signal() {
    let interrupt = async {
        let _ = signal::ctrl_c().await;
    };
    let terminate = async {
        match signal::unix::signal(signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
