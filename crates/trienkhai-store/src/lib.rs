//! Storage: the only crate that speaks SQL. One [`Db`] serves SQLite (the embedded default) and
//! PostgreSQL, chosen at run time from the database URL, through sqlx's `Any` driver, so each
//! query is written once. Both accept `$1` placeholders, `RETURNING` and `ON CONFLICT`; where
//! they differ, a function matches on [`Backend`].
//!
//! Portable representation, shared by both backends: integer ids made by the database, dates as
//! `YYYY-MM-DD` text and instants as fixed-width UTC text (both sort as text), exact decimals as
//! canonical text, booleans as 0/1. Every public function here is exercised on both backends by
//! the conformance suite in `tests/`.

pub mod accounts;
pub mod attendance_targets;
pub mod audit;
mod changes;
pub mod commitments;
pub mod criteria;
pub mod criteria_links;
pub mod documents;
pub mod emulation;
pub mod figures;
pub mod jobs;
pub mod notify;
pub mod persons;
pub mod rating_targets;
pub mod ratings;
pub mod registration_evidence;
pub mod registration_rules;
pub mod registrations;
pub mod reports;
pub mod sessions;
pub mod sql;
pub mod study;
pub mod targets;
pub mod units;
pub mod work_items;

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyConnection, AnyPool, Executor};

pub use sqlx::AnyConnection as Conn;

/// A write transaction ([`Db::begin`]), used as the connection it runs on. Dropped without
/// [`commit`], it rolls back.
pub struct Tx {
    inner: sqlx::Transaction<'static, sqlx::Any>,
    changes: std::sync::Arc<changes::Changes>,
}

impl std::ops::Deref for Tx {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        &self.inner
    }
}

impl std::ops::DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.inner
    }
}

impl Tx {
    /// Commits, and moves this database handle's change epoch (see [`Db::change_epoch`]).
    pub async fn commit(self) -> Result<()> {
        self.inner.commit().await?;
        self.changes.committed();
        Ok(())
    }

    /// Rolls back at once (dropping it does the same, when the connection is next used).
    pub async fn rollback(self) -> Result<()> {
        self.inner.rollback().await?;
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> Result<Self, StoreError> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Backend::Postgres)
        } else {
            Err(StoreError::UnsupportedUrl)
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database URL must start with sqlite: or postgres:")]
    UnsupportedUrl,
    #[error("not found")]
    NotFound,
    /// A unique constraint refused the write; the string names the constraint's columns.
    #[error("duplicate value: {0}")]
    Duplicate(String),
    /// An optimistic-concurrency check failed: the row changed since the caller read it.
    #[error("the record was changed by someone else")]
    Conflict,
    #[error("stored value could not be read: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
    /// Turns a unique-violation from either backend into [`StoreError::Duplicate`].
    pub fn classify(err: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &err
            && db.is_unique_violation()
        {
            return StoreError::Duplicate(db.message().to_owned());
        }
        StoreError::Sqlx(err)
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The migrations of a backend, for the test that both lists match.
pub fn migrator(backend: Backend) -> &'static sqlx::migrate::Migrator {
    match backend {
        Backend::Sqlite => &SQLITE_MIGRATOR,
        Backend::Postgres => &POSTGRES_MIGRATOR,
    }
}

/// A handle on the database: a reader pool and a writer pool. On SQLite the writer is a single
/// connection (SQLite allows one writer; queueing in the pool beats `SQLITE_BUSY`), on
/// PostgreSQL both are the same pool.
#[derive(Clone, Debug)]
pub struct Db {
    backend: Backend,
    read: AnyPool,
    /// Readers for work that runs beside a request holding a reader of its own (the parallel
    /// roll-ups, the change epoch): they never wait on `read`, so a full `read` pool whose
    /// holders each want one more cannot wait on itself.
    side: AnyPool,
    write: AnyPool,
    changes: std::sync::Arc<changes::Changes>,
}

impl Db {
    /// Connects, without migrating. `sqlite:` URLs create the file when missing.
    pub async fn connect(url: &str) -> Result<Self> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url)?;
        match backend {
            Backend::Sqlite => {
                let url = if url.contains("mode=") {
                    url.to_owned()
                } else if url.contains('?') {
                    format!("{url}&mode=rwc")
                } else {
                    format!("{url}?mode=rwc")
                };
                let options = AnyConnectOptions::from_str(&url)?;
                let write = sqlite_pool(1, false).connect_with(options.clone()).await?;
                // The writer creates the file and turns WAL on before readers open it.
                let read = sqlite_pool(8, true).connect_with(options.clone()).await?;
                let side = sqlite_pool(SIDE_READERS, true)
                    .connect_with(options)
                    .await?;
                Ok(Self {
                    side,
                    backend,
                    read,
                    write,
                    changes: std::sync::Arc::new(changes::Changes::new(backend, &url)),
                })
            }
            Backend::Postgres => {
                // Reads and writes have a pool each: on a deadline day the reports' transactions
                // hold every connection of a shared pool, and the viewers' reads (a dashboard
                // takes one connection per target) queued behind them for seconds.
                let pool = |max| {
                    AnyPoolOptions::new()
                        .max_connections(max)
                        .acquire_timeout(Duration::from_secs(10))
                };
                // Writers beyond twice the cores only wait on one another's shard locks and take
                // the CPU the viewers need; readers mostly wait on the network.
                let cores = std::thread::available_parallelism().map_or(2, |n| n.get() as u32);
                let write = pool((2 * cores).clamp(4, 16)).connect(url).await?;
                let read = pool(16).connect(url).await?;
                let side = pool(SIDE_READERS).connect(url).await?;
                Ok(Self {
                    side,
                    backend,
                    read,
                    write,
                    changes: std::sync::Arc::new(changes::Changes::new(backend, url)),
                })
            }
        }
    }

    /// Connects and applies pending migrations.
    pub async fn open(url: &str) -> Result<Self> {
        let db = Self::connect(url).await?;
        db.migrate().await?;
        Ok(db)
    }

    pub async fn migrate(&self) -> Result<()> {
        migrator(self.backend).run(&self.write).await?;
        // Keys computed in Rust for rows written before their column existed.
        let mut conn = self.write.acquire().await?;
        persons::key_unsorted_names(&mut conn).await?;
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A connection for reads.
    pub async fn reader(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Any>> {
        Ok(self.read.acquire().await?)
    }

    /// A connection for reads made on behalf of a request that may hold a [`Db::reader`]
    /// already (see `side`). Whoever holds one must not wait for any other connection.
    pub async fn side_reader(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Any>> {
        Ok(self.side.acquire().await?)
    }

    /// The writing connection, for a write that needs no transaction of its own (a session, a
    /// failed login). On SQLite it is the single writer: every write goes through it, since a
    /// write on a reader would take the database's write lock behind the writer's back and make
    /// a transaction that read first fail with "database is locked". Readers refuse writes
    /// (`PRAGMA query_only`), so such a mistake fails every test that reaches it.
    pub async fn writer(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Any>> {
        Ok(self.write.acquire().await?)
    }

    /// The change epoch (see [`changes`](crate::changes)): read it before reading an answer to
    /// keep in memory, and serve the kept answer only while it is unchanged. `None`: no
    /// trustworthy epoch now, keep nothing.
    pub async fn change_epoch(&self) -> Result<Option<u64>> {
        self.changes.epoch(&self.side).await
    }

    /// A write transaction. Everything a use case writes, audit included, goes through one.
    pub async fn begin(&self) -> Result<Tx> {
        Ok(Tx {
            inner: self.write.begin().await?,
            changes: self.changes.clone(),
        })
    }

    /// A write transaction for a change validated against the whole organisation tree. Such
    /// changes are serialised: SQLite has a single writer anyway; on PostgreSQL a
    /// transaction-scoped advisory lock makes concurrent ones (from any instance) wait in turn.
    pub async fn begin_structural(&self) -> Result<Tx> {
        let mut tx = self.begin().await?;
        if self.backend == Backend::Postgres {
            (&mut *tx)
                .execute("SELECT pg_advisory_xact_lock(730125)")
                .await?;
        }
        Ok(tx)
    }

    /// Answers when the database does.
    pub async fn ping(&self) -> Result<()> {
        let mut conn = self.read.acquire().await?;
        conn.execute("SELECT 1").await?;
        Ok(())
    }

    /// Writes a consistent copy of a SQLite database to `path` (`VACUUM INTO`), while it serves.
    pub async fn backup_sqlite_into(&self, path: &std::path::Path) -> Result<()> {
        if self.backend != Backend::Sqlite {
            return Err(StoreError::UnsupportedUrl);
        }
        // VACUUM INTO takes a literal, not a parameter: quote it as SQL does.
        let literal = path.to_string_lossy().replace('\'', "''");
        let mut conn = self.write.acquire().await?;
        conn.execute(format!("VACUUM INTO '{literal}'").as_str())
            .await?;
        Ok(())
    }

    /// Tells every instance serving this database that anything may have changed (after a
    /// restore, which loads tables without their change triggers).
    pub async fn announce_change(&self) -> Result<()> {
        self.changes.announce(&self.write).await
    }

    pub async fn close(&self) {
        self.changes.stop();
        self.read.close().await;
        self.side.close().await;
        self.write.close().await;
    }
}

/// Commits a transaction begun with [`Db::begin`] or [`Db::begin_structural`].
pub async fn commit(tx: Tx) -> Result<()> {
    tx.commit().await
}

/// A pool of SQLite connections; `read_only` ones refuse every write (`PRAGMA query_only`).
/// Connections of the side pool: as many as the roll-up workers of two requests at once.
const SIDE_READERS: u32 = 4;

fn sqlite_pool(max: u32, read_only: bool) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(max)
        .acquire_timeout(Duration::from_secs(30))
        .after_connect(move |conn: &mut AnyConnection, _meta| {
            Box::pin(async move {
                conn.execute(
                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;",
                )
                .await?;
                if read_only {
                    conn.execute("PRAGMA query_only = ON").await?;
                }
                Ok(())
            })
        })
}
