//! Background jobs kept in the database: enqueued once per key, claimed by one worker at a
//! time (on PostgreSQL with `FOR UPDATE SKIP LOCKED`, so several instances share the queue; on
//! SQLite the single writer serialises claims), leased for a while so that a crashed worker's
//! job is taken up again, retried with back-off, and left visible when it fails for good.

use chrono::{DateTime, Duration, Utc};
use sqlx::AnyConnection;

use crate::sql::{self, RowExt};
use crate::{Backend, Db, Result, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub payload: String,
    pub dedupe_key: Option<String>,
    pub run_at: DateTime<Utc>,
    pub state: String,
    pub attempts: i64,
    pub max_attempts: i64,
    pub last_error: Option<String>,
    pub locked_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "id, kind, payload, dedupe_key, run_at, state, attempts, max_attempts, last_error, locked_by, \
     created_at, finished_at";

fn from_row(r: &sqlx::any::AnyRow) -> Result<Job> {
    Ok(Job {
        id: r.int("id")?,
        kind: r.text("kind")?,
        payload: r.text("payload")?,
        dedupe_key: r.opt_text("dedupe_key")?,
        run_at: r.instant("run_at")?,
        state: r.text("state")?,
        attempts: r.int("attempts")?,
        max_attempts: r.int("max_attempts")?,
        last_error: r.opt_text("last_error")?,
        locked_by: r.opt_text("locked_by")?,
        created_at: r.instant("created_at")?,
        finished_at: r.opt_instant("finished_at")?,
    })
}

/// Enqueues a job to run from `run_at`; with a key, only once: `None` when a job with that key
/// exists already.
pub async fn enqueue(
    conn: &mut AnyConnection,
    kind: &str,
    payload: &str,
    dedupe_key: Option<&str>,
    run_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Option<i64>> {
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO jobs (kind, payload, dedupe_key, run_at, created_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (dedupe_key) DO NOTHING RETURNING id",
    )
    .bind(kind)
    .bind(payload)
    .bind(dedupe_key)
    .bind(sql::instant(run_at))
    .bind(sql::instant(now))
    .fetch_optional(conn)
    .await
    .map_err(StoreError::classify)?;
    Ok(id)
}

/// Claims the next due job for `worker`, leased until `now + lease`: a queued job whose time
/// has come, or a running one whose lease ran out (its worker died). Each job goes to one
/// worker only, whatever the number of instances.
pub async fn claim(
    db: &Db,
    worker: &str,
    now: DateTime<Utc>,
    lease: Duration,
) -> Result<Option<Job>> {
    let lock = match db.backend() {
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let mut tx = db.begin().await?;
    let row = sqlx::query(&format!(
        "UPDATE jobs SET state = 'running', locked_by = $1, locked_until = $2, attempts = attempts + 1 \
         WHERE id = (SELECT id FROM jobs WHERE (state = 'queued' AND run_at <= $3) \
         OR (state = 'running' AND locked_until < $3) ORDER BY run_at, id LIMIT 1{lock}) \
         RETURNING {COLUMNS}"
    ))
    .bind(worker)
    .bind(sql::instant(now + lease))
    .bind(sql::instant(now))
    .fetch_optional(&mut *tx)
    .await?;
    let job = row.as_ref().map(from_row).transpose()?;
    crate::commit(tx).await?;
    Ok(job)
}

/// Marks a claimed job done (only by the worker holding it).
pub async fn finish(
    conn: &mut AnyConnection,
    id: i64,
    worker: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "UPDATE jobs SET state = 'done', finished_at = $1, locked_by = NULL, locked_until = NULL, last_error = NULL \
         WHERE id = $2 AND locked_by = $3",
    )
    .bind(sql::instant(now))
    .bind(id)
    .bind(worker)
    .execute(conn)
    .await?;
    Ok(())
}

/// Records a failure: the job is queued again after a back-off that doubles with each attempt
/// (one minute, two, four…), or marked failed once its attempts are spent.
pub async fn fail(
    conn: &mut AnyConnection,
    job: &Job,
    worker: &str,
    error: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let error: String = error.chars().take(2000).collect();
    if job.attempts >= job.max_attempts {
        sqlx::query(
            "UPDATE jobs SET state = 'failed', last_error = $1, finished_at = $2, locked_by = NULL, locked_until = NULL \
             WHERE id = $3 AND locked_by = $4",
        )
        .bind(&error)
        .bind(sql::instant(now))
        .bind(job.id)
        .bind(worker)
        .execute(conn)
        .await?;
    } else {
        let backoff = Duration::minutes(1 << (job.attempts - 1).clamp(0, 10));
        sqlx::query(
            "UPDATE jobs SET state = 'queued', last_error = $1, run_at = $2, locked_by = NULL, locked_until = NULL \
             WHERE id = $3 AND locked_by = $4",
        )
        .bind(&error)
        .bind(sql::instant(now + backoff))
        .bind(job.id)
        .bind(worker)
        .execute(conn)
        .await?;
    }
    Ok(())
}

/// Queues a failed job again, with its attempts renewed (an administrator's retry).
pub async fn retry(conn: &mut AnyConnection, id: i64, now: DateTime<Utc>) -> Result<()> {
    let done = sqlx::query(
        "UPDATE jobs SET state = 'queued', attempts = 0, run_at = $1, finished_at = NULL WHERE id = $2 AND state = 'failed'",
    )
    .bind(sql::instant(now))
    .bind(id)
    .execute(conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict);
    }
    Ok(())
}

pub async fn get_job(conn: &mut AnyConnection, id: i64) -> Result<Job> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM jobs WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    from_row(&row)
}

/// The latest jobs, failed and pending first: what an administrator watches.
pub async fn recent_jobs(conn: &mut AnyConnection, limit: i64) -> Result<Vec<Job>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM jobs ORDER BY CASE state WHEN 'failed' THEN 0 WHEN 'running' THEN 1 \
         WHEN 'queued' THEN 2 ELSE 3 END, id DESC LIMIT $1"
    ))
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter().map(from_row).collect()
}
