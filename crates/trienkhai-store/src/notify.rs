//! Reminder policies of a plan, in-app notifications (given once per key), each person's
//! delivery preferences, and the webhooks reminders are posted to.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::AnyConnection;
use trienkhai_core::ids::{AccountId, DocumentId};

use crate::sql::{self, RowExt};
use crate::{Result, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Policy {
    pub id: i64,
    pub document_id: DocumentId,
    /// `before_deadline`, `after_period_end` or `overdue`.
    pub kind: String,
    pub days: i64,
    /// `reporters`, `reviewers` or `both`.
    pub audience: String,
    pub email: bool,
    pub webhook: bool,
}

pub struct NewPolicy<'a> {
    pub document_id: DocumentId,
    pub kind: &'a str,
    pub days: i64,
    pub audience: &'a str,
    pub email: bool,
    pub webhook: bool,
}

pub async fn insert_policy(
    conn: &mut AnyConnection,
    p: &NewPolicy<'_>,
    now: DateTime<Utc>,
) -> Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO reminder_policies (document_id, kind, days, audience, email, webhook, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(p.document_id.0)
    .bind(p.kind)
    .bind(p.days)
    .bind(p.audience)
    .bind(i64::from(p.email))
    .bind(i64::from(p.webhook))
    .bind(sql::instant(now))
    .fetch_one(conn)
    .await
    .map_err(StoreError::classify)
}

pub async fn delete_policy(conn: &mut AnyConnection, id: i64) -> Result<Policy> {
    let policy = get_policy(conn, id).await?;
    sqlx::query("DELETE FROM reminder_policies WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(policy)
}

const POLICY_COLUMNS: &str = "id, document_id, kind, days, audience, email, webhook";

fn policy_from_row(r: &sqlx::any::AnyRow) -> Result<Policy> {
    Ok(Policy {
        id: r.int("id")?,
        document_id: DocumentId(r.int("document_id")?),
        kind: r.text("kind")?,
        days: r.int("days")?,
        audience: r.text("audience")?,
        email: r.flag("email")?,
        webhook: r.flag("webhook")?,
    })
}

pub async fn get_policy(conn: &mut AnyConnection, id: i64) -> Result<Policy> {
    let row = sqlx::query(&format!(
        "SELECT {POLICY_COLUMNS} FROM reminder_policies WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    policy_from_row(&row)
}

/// Every policy, or a plan's.
pub async fn policies(
    conn: &mut AnyConnection,
    document: Option<DocumentId>,
) -> Result<Vec<Policy>> {
    let rows = sqlx::query(&format!(
        "SELECT {POLICY_COLUMNS} FROM reminder_policies WHERE $1 IS NULL OR document_id = $1 ORDER BY document_id, kind, days"
    ))
    .bind(document.map(|d| d.0))
    .fetch_all(conn)
    .await?;
    rows.iter().map(policy_from_row).collect()
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Notification {
    pub id: i64,
    pub account_id: AccountId,
    pub day: NaiveDate,
    pub title: String,
    pub link: Option<String>,
    pub email: bool,
    pub webhook: bool,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

pub struct NewNotification<'a> {
    pub account_id: AccountId,
    pub day: NaiveDate,
    pub title: &'a str,
    pub link: Option<&'a str>,
    pub dedupe_key: &'a str,
    pub email: bool,
    pub webhook: bool,
}

/// Gives a notification once per key: `false` when it was given before.
pub async fn notify(
    conn: &mut AnyConnection,
    n: &NewNotification<'_>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO notifications (account_id, day, title, link, dedupe_key, email, webhook, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id",
    )
    .bind(n.account_id.0)
    .bind(sql::date(n.day))
    .bind(n.title)
    .bind(n.link)
    .bind(n.dedupe_key)
    .bind(i64::from(n.email))
    .bind(i64::from(n.webhook))
    .bind(sql::instant(now))
    .fetch_optional(conn)
    .await?;
    Ok(id.is_some())
}

const NOTIFICATION_COLUMNS: &str =
    "id, account_id, day, title, link, email, webhook, created_at, read_at";

fn notification_from_row(r: &sqlx::any::AnyRow) -> Result<Notification> {
    Ok(Notification {
        id: r.int("id")?,
        account_id: AccountId(r.int("account_id")?),
        day: r.date("day")?,
        title: r.text("title")?,
        link: r.opt_text("link")?,
        email: r.flag("email")?,
        webhook: r.flag("webhook")?,
        created_at: r.instant("created_at")?,
        read_at: r.opt_instant("read_at")?,
    })
}

/// A person's notifications, newest first.
pub async fn notifications_of(
    conn: &mut AnyConnection,
    account: AccountId,
    limit: i64,
) -> Result<Vec<Notification>> {
    let rows = sqlx::query(&format!(
        "SELECT {NOTIFICATION_COLUMNS} FROM notifications WHERE account_id = $1 ORDER BY id DESC LIMIT $2"
    ))
    .bind(account.0)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter().map(notification_from_row).collect()
}

/// What a person was notified of on a day: the day's digest.
pub async fn notifications_of_day(
    conn: &mut AnyConnection,
    account: AccountId,
    day: NaiveDate,
) -> Result<Vec<Notification>> {
    let rows = sqlx::query(&format!(
        "SELECT {NOTIFICATION_COLUMNS} FROM notifications WHERE account_id = $1 AND day = $2 ORDER BY id"
    ))
    .bind(account.0)
    .bind(sql::date(day))
    .fetch_all(conn)
    .await?;
    rows.iter().map(notification_from_row).collect()
}

/// Every notification of a day to be posted to webhooks.
pub async fn webhook_notifications_of_day(
    conn: &mut AnyConnection,
    day: NaiveDate,
) -> Result<Vec<Notification>> {
    let rows = sqlx::query(&format!(
        "SELECT {NOTIFICATION_COLUMNS} FROM notifications WHERE day = $1 AND webhook = 1 ORDER BY id"
    ))
    .bind(sql::date(day))
    .fetch_all(conn)
    .await?;
    rows.iter().map(notification_from_row).collect()
}

pub async fn unread_count(conn: &mut AnyConnection, account: AccountId) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM notifications WHERE account_id = $1 AND read_at IS NULL",
    )
    .bind(account.0)
    .fetch_one(conn)
    .await?)
}

pub async fn mark_read(
    conn: &mut AnyConnection,
    account: AccountId,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query("UPDATE notifications SET read_at = $1 WHERE account_id = $2 AND read_at IS NULL")
        .bind(sql::instant(now))
        .bind(account.0)
        .execute(conn)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Preferences {
    pub email: Option<String>,
    pub daily_digest: bool,
}

pub async fn preferences(conn: &mut AnyConnection, account: AccountId) -> Result<Preferences> {
    let row = sqlx::query(
        "SELECT email, daily_digest FROM notification_preferences WHERE account_id = $1",
    )
    .bind(account.0)
    .fetch_optional(conn)
    .await?;
    match row {
        Some(r) => Ok(Preferences {
            email: r.opt_text("email")?,
            daily_digest: r.flag("daily_digest")?,
        }),
        None => Ok(Preferences {
            email: None,
            daily_digest: true,
        }),
    }
}

pub async fn set_preferences(
    conn: &mut AnyConnection,
    account: AccountId,
    p: &Preferences,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO notification_preferences (account_id, email, daily_digest, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (account_id) DO UPDATE SET email = excluded.email, daily_digest = excluded.daily_digest, \
         updated_at = excluded.updated_at",
    )
    .bind(account.0)
    .bind(p.email.as_deref())
    .bind(i64::from(p.daily_digest))
    .bind(sql::instant(now))
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Webhook {
    pub id: i64,
    pub url: String,
    #[serde(skip)]
    pub secret: String,
    pub active: bool,
}

pub async fn insert_webhook(
    conn: &mut AnyConnection,
    url: &str,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO webhooks (url, secret, created_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(url)
    .bind(secret)
    .bind(sql::instant(now))
    .fetch_one(conn)
    .await?)
}

pub async fn set_webhook_active(conn: &mut AnyConnection, id: i64, active: bool) -> Result<()> {
    let done = sqlx::query("UPDATE webhooks SET active = $1 WHERE id = $2")
        .bind(i64::from(active))
        .bind(id)
        .execute(conn)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub async fn webhooks(conn: &mut AnyConnection) -> Result<Vec<Webhook>> {
    let rows = sqlx::query("SELECT id, url, secret, active FROM webhooks ORDER BY id")
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Webhook {
                id: r.int("id")?,
                url: r.text("url")?,
                secret: r.text("secret")?,
                active: r.flag("active")?,
            })
        })
        .collect()
}

/// The active accounts granted one of `roles` at exactly `unit` on `day`: the unit's own
/// staff, who are reminded of its reports (installation-wide grants are not reminded of every
/// unit's).
pub async fn accounts_granted_at(
    conn: &mut AnyConnection,
    unit: trienkhai_core::ids::UnitId,
    roles: &[&str],
    day: NaiveDate,
) -> Result<Vec<AccountId>> {
    let list = roles
        .iter()
        .map(|r| format!("'{}'", r.replace('\'', "")))
        .collect::<Vec<_>>()
        .join(", ");
    let ids: Vec<i64> = sqlx::query_scalar(&format!(
        "SELECT DISTINCT g.account_id FROM role_grants g JOIN accounts a ON a.id = g.account_id \
         WHERE g.unit_id = $1 AND g.role IN ({list}) AND g.revoked_at IS NULL AND a.is_active = 1 \
         AND g.valid_from <= $2 AND (g.valid_to IS NULL OR g.valid_to >= $2) ORDER BY g.account_id"
    ))
    .bind(unit.0)
    .bind(sql::date(day))
    .fetch_all(conn)
    .await?;
    Ok(ids.into_iter().map(AccountId).collect())
}
