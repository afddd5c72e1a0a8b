//! Serving: logging, the listener, and a graceful shutdown that lets requests in flight finish.

use anyhow::{Context, bail};
use tokio::signal;
use trienkhai_web::serve::Limits;
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
    let mut app = args.db.open().await?;
    if args.demo {
        build_demo(&app).await?;
    }
    // After the demo is built: it records work done up to 2025, which a clock in 2021 refuses.
    if let Some(day) = args.demo_day {
        let start = trienkhai_core::vn::time::at_hour(day, 9);
        app = app.with_clock(trienkhai_app::Clock::starting_at(start));
    }
    tokio::spawn(housekeeping(app.clone()));
    // The figures of the latest reported periods, computed while the server starts answering.
    tokio::spawn({
        let app = app.clone();
        async move {
            let started = std::time::Instant::now();
            match trienkhai_app::targets::warm_latest_periods(&app).await {
                Ok(n) => tracing::info!(
                    roll_ups = n,
                    ms = started.elapsed().as_millis() as u64,
                    "figures of the latest periods computed"
                ),
                Err(e) => tracing::warn!(error = %e, "figures of the latest periods not computed"),
            }
        }
    });
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
    let state = AppState::new(app.clone(), args.secure_cookies, args.demo)
        .with_trusted_proxies(args.trusted_proxies.clone())
        .with_metrics_token(args.metrics_token.clone());
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("listening on {}", args.listen))?;
    let mut limits = Limits {
        header_read_timeout: std::time::Duration::from_secs(args.header_timeout.max(1)),
        ..Limits::default()
    };
    if let Some(max) = args.max_connections {
        // Never above what the file limit allows, whatever was asked.
        limits.max_connections = max.min(limits.max_connections).max(1);
    }
    tracing::info!(
        address = %listener.local_addr()?,
        demo = args.demo,
        max_connections = limits.max_connections,
        "serving"
    );
    trienkhai_web::serve::serve(listener, router(state), limits, shutdown_signal()).await?;
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
