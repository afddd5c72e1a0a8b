//! Browser sessions and failed logins, kept in the database so that several instances over one
//! PostgreSQL agree on who is logged in and who is being throttled.

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;
use trienkhai_core::ids::AccountId;

use crate::Result;
use crate::sql::{self, RowExt};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub account_id: AccountId,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
}

pub async fn insert_session(
    conn: &mut AnyConnection,
    token_hash: &str,
    account: AccountId,
    csrf_token: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<()> {
    sqlx::query("INSERT INTO sessions (token_hash, account_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(token_hash)
        .bind(account.0)
        .bind(csrf_token)
        .bind(sql::instant(now))
        .bind(sql::instant(expires_at))
        .execute(conn)
        .await?;
    Ok(())
}

/// The live session behind a cookie's token hash.
pub async fn find_session(
    conn: &mut AnyConnection,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<Session>> {
    let row = sqlx::query("SELECT account_id, csrf_token, expires_at FROM sessions WHERE token_hash = $1 AND expires_at > $2")
        .bind(token_hash)
        .bind(sql::instant(now))
        .fetch_optional(conn)
        .await?;
    row.map(|row| {
        Ok(Session {
            account_id: AccountId(row.int("account_id")?),
            csrf_token: row.text("csrf_token")?,
            expires_at: row.instant("expires_at")?,
        })
    })
    .transpose()
}

pub async fn delete_session(conn: &mut AnyConnection, token_hash: &str) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(conn)
        .await?;
    Ok(())
}

/// Ends every session of an account (after a password change or deactivation).
pub async fn delete_sessions_of(conn: &mut AnyConnection, account: AccountId) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE account_id = $1")
        .bind(account.0)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn delete_expired_sessions(conn: &mut AnyConnection, now: DateTime<Utc>) -> Result<u64> {
    let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(sql::instant(now))
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

pub async fn record_login_failure(
    conn: &mut AnyConnection,
    username: &str,
    client: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query("INSERT INTO login_failures (username, client, failed_at) VALUES ($1, $2, $3)")
        .bind(username)
        .bind(client)
        .bind(sql::instant(now))
        .execute(conn)
        .await?;
    Ok(())
}

/// Failed logins counted since a moment, along the three lines login throttling draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LoginFailures {
    /// This username from this client address.
    pub by_account_and_client: i64,
    /// This username from anywhere (guessing spread over many addresses).
    pub by_account: i64,
    /// Any username from this client address (one address trying many accounts).
    pub by_client: i64,
}

/// Failures since `since` for this username, this client address, and both together.
pub async fn recent_login_failures(
    conn: &mut AnyConnection,
    username: &str,
    client: &str,
    since: DateTime<Utc>,
) -> Result<LoginFailures> {
    let since = sql::instant(since);
    let (by_account, by_account_and_client): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN client = $2 THEN 1 ELSE 0 END), 0) \
         FROM login_failures WHERE username = $1 AND failed_at > $3",
    )
    .bind(username)
    .bind(client)
    .bind(&since)
    .fetch_one(&mut *conn)
    .await?;
    let by_client: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM login_failures WHERE client = $1 AND failed_at > $2",
    )
    .bind(client)
    .bind(&since)
    .fetch_one(conn)
    .await?;
    Ok(LoginFailures {
        by_account_and_client,
        by_account,
        by_client,
    })
}

/// Forgets failed logins older than `before`: they no longer count towards throttling.
pub async fn delete_login_failures_before(
    conn: &mut AnyConnection,
    before: DateTime<Utc>,
) -> Result<u64> {
    let done = sqlx::query("DELETE FROM login_failures WHERE failed_at <= $1")
        .bind(sql::instant(before))
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

/// Forgets the failed logins of `username` from `client` (after it logged in from there); those
/// from other addresses still count against the account.
pub async fn clear_login_failures(
    conn: &mut AnyConnection,
    username: &str,
    client: &str,
) -> Result<()> {
    sqlx::query("DELETE FROM login_failures WHERE username = $1 AND client = $2")
        .bind(username)
        .bind(client)
        .execute(conn)
        .await?;
    Ok(())
}
