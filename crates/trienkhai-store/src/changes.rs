//! The change epoch: a number that moves whenever a table a page or a list may be read from is
//! written, by this instance or another. An answer kept in memory (a dashboard, a list of
//! figures) is served again only while the epoch it was read under is still current: one cheap
//! check instead of the reads that made it.
//!
//! - SQLite: triggers on those tables move the one-row `change_epoch` table in the writing
//!   transaction (SQLite has one writer at a time, so the row costs no contention); the check
//!   is a read of that row, exact for every process writing the file.
//! - PostgreSQL: a counter row would queue every writer on it, so the triggers notify the
//!   channel `trienkhai_changes` at commit instead; each instance listens and moves its epoch in
//!   memory, and moves it itself after each of its own commits (a user sees their own write at
//!   once). Another instance's write is seen once its notification arrives, milliseconds after
//!   its commit. While the listener is not connected (before its first `LISTEN`, after losing
//!   its connection), notifications may be missed, so there is no epoch and nothing is served
//!   from memory.
//!
//! The tables that announce their changes are listed in the migration `change_signals`.

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use sqlx::AnyPool;

use crate::{Backend, Result};

/// The channel the triggers notify on PostgreSQL.
pub const CHANNEL: &str = "trienkhai_changes";

/// What the listener of one PostgreSQL database has seen.
#[derive(Debug, Default)]
struct Heard {
    notifications: AtomicU64,
    /// Commits through this handle: the epoch moves with its own writes without waiting for
    /// their notification.
    own_commits: AtomicU64,
    /// Listening now: no notification can have been missed since the epoch last moved.
    live: AtomicBool,
}

/// The change signal of one database handle (shared by its clones); on PostgreSQL it owns the
/// listening task, stopped when the last clone is dropped.
#[derive(Debug)]
pub(crate) struct Changes {
    backend: Backend,
    url: String,
    heard: Arc<Heard>,
    listener: Mutex<Option<tokio::task::AbortHandle>>,
}

impl Changes {
    pub(crate) fn new(backend: Backend, url: &str) -> Self {
        Self {
            backend,
            url: url.to_owned(),
            heard: Arc::default(),
            listener: Mutex::new(None),
        }
    }

    /// The current epoch, `None` when it cannot be trusted (PostgreSQL, listener not
    /// connected). Read it before reading what is to be kept, so that a write committed
    /// meanwhile makes the kept answer stale rather than wrongly current.
    pub(crate) fn committed(&self) {
        self.heard.own_commits.fetch_add(1, Ordering::SeqCst);
    }

    pub(crate) async fn epoch(&self, readers: &AnyPool) -> Result<Option<u64>> {
        match self.backend {
            Backend::Sqlite => {
                let n: i64 = sqlx::query_scalar("SELECT n FROM change_epoch WHERE id = 1")
                    .fetch_one(readers)
                    .await?;
                Ok(Some(n as u64))
            }
            Backend::Postgres => {
                self.start_listening();
                if !self.heard.live.load(Ordering::SeqCst) {
                    return Ok(None);
                }
                Ok(Some(
                    self.heard.notifications.load(Ordering::SeqCst)
                        + self.heard.own_commits.load(Ordering::SeqCst),
                ))
            }
        }
    }

    /// Starts the listener, or starts it again if it ended (it never should: its end marks
    /// the epoch untrusted first).
    fn start_listening(&self) {
        let mut task = self.listener.lock().expect("listener lock");
        if task.as_ref().is_some_and(|t| !t.is_finished()) {
            return;
        }
        let (url, heard) = (self.url.clone(), self.heard.clone());
        *task = Some(tokio::spawn(listen(url, heard)).abort_handle());
    }

    /// Stops listening (the database handle is closed).
    pub(crate) fn stop(&self) {
        if let Some(task) = self.listener.lock().expect("listener lock").take() {
            task.abort();
        }
    }

    /// Tells every instance that anything may have changed (after a restore, which loads
    /// tables without their triggers).
    pub(crate) async fn announce(&self, writer: &AnyPool) -> Result<()> {
        match self.backend {
            Backend::Sqlite => {
                sqlx::query("UPDATE change_epoch SET n = n + 1 WHERE id = 1")
                    .execute(writer)
                    .await?;
            }
            Backend::Postgres => {
                sqlx::query("SELECT pg_notify($1, '')")
                    .bind(CHANNEL)
                    .execute(writer)
                    .await?;
                self.committed();
            }
        }
        Ok(())
    }
}

impl Drop for Changes {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Marks the epoch untrusted when the listening task ends, however it ends (an abort, a panic).
struct Untrusted(Arc<Heard>);

impl Drop for Untrusted {
    fn drop(&mut self) {
        self.0.live.store(false, Ordering::SeqCst);
        self.0.notifications.fetch_add(1, Ordering::SeqCst);
    }
}

/// How long the listener waits for a notification before checking that its connection is
/// still there: a connection dropped silently (a firewall's idle timeout) would otherwise leave
/// the epoch trusted while other instances' writes go unheard.
const HEARTBEAT: Duration = Duration::from_secs(20);

/// Listens for change notifications for as long as the database handle lives, reconnecting
/// after a lost connection; every gap moves the epoch and leaves it untrusted until listening
/// again.
async fn listen(url: String, heard: Arc<Heard>) {
    let _untrusted_when_gone = Untrusted(heard.clone());
    loop {
        match sqlx::postgres::PgListener::connect(&url).await {
            Ok(mut listener) => {
                // Report a lost connection at once (`Ok(None)`) rather than reconnecting inside
                // `try_recv`, which would keep the epoch trusted while notifications are missed.
                listener.eager_reconnect(false);
                match listener.listen(CHANNEL).await {
                    Ok(()) => {
                        heard.notifications.fetch_add(1, Ordering::SeqCst);
                        heard.live.store(true, Ordering::SeqCst);
                        hear(&mut listener, &heard).await;
                        tracing::warn!("change notifications lost their connection; reconnecting");
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "cannot listen for change notifications");
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "cannot connect to listen for changes"),
        }
        heard.live.store(false, Ordering::SeqCst);
        heard.notifications.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// Counts notifications until the connection is lost or stops answering.
async fn hear(listener: &mut sqlx::postgres::PgListener, heard: &Heard) {
    loop {
        match tokio::time::timeout(HEARTBEAT, listener.try_recv()).await {
            Ok(Ok(Some(_))) => {
                heard.notifications.fetch_add(1, Ordering::SeqCst);
            }
            Ok(Ok(None) | Err(_)) => return,
            Err(_) => {
                let ping = sqlx::query("SELECT 1").execute(&mut *listener);
                if !matches!(tokio::time::timeout(HEARTBEAT, ping).await, Ok(Ok(_))) {
                    return;
                }
            }
        }
    }
}
