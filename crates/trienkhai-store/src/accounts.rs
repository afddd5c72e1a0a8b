//! Accounts, their role grants and their API tokens. Secrets never reach this crate in clear:
//! passwords arrive as argon2 hashes, tokens as SHA-256 digests.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::AnyConnection;
use trienkhai_core::access::{Grant, Role};
use trienkhai_core::ids::{AccountId, GrantId, PersonId, TokenId, UnitId};
use trienkhai_core::validity::Validity;

use crate::sql::{self, RowExt};
use crate::{Result, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Account {
    pub id: AccountId,
    pub username: String,
    pub display_name: String,
    #[serde(skip)]
    pub password_hash: String,
    pub person_id: Option<PersonId>,
    pub is_active: bool,
    pub row_version: i64,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct GrantRow {
    pub id: GrantId,
    pub account_id: AccountId,
    pub role: Role,
    pub unit_id: Option<UnitId>,
    pub validity: Validity,
    pub granted_by: Option<AccountId>,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl GrantRow {
    pub fn grant(&self) -> Grant {
        Grant {
            id: self.id,
            role: self.role,
            unit_id: self.unit_id,
            validity: self.validity,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct TokenRow {
    pub id: TokenId,
    pub account_id: AccountId,
    pub name: String,
    pub token_prefix: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

const ACCOUNT_COLUMNS: &str =
    "id, username, display_name, password_hash, person_id, is_active, row_version, created_at";

fn account_from_row(row: &sqlx::any::AnyRow) -> Result<Account> {
    Ok(Account {
        id: AccountId(row.int("id")?),
        username: row.text("username")?,
        display_name: row.text("display_name")?,
        password_hash: row.text("password_hash")?,
        person_id: row.opt_int("person_id")?.map(PersonId),
        is_active: row.flag("is_active")?,
        row_version: row.int("row_version")?,
        created_at: row.instant("created_at")?,
    })
}

pub async fn insert_account(
    conn: &mut AnyConnection,
    username: &str,
    display_name: &str,
    password_hash: &str,
    person_id: Option<PersonId>,
    now: DateTime<Utc>,
) -> Result<AccountId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO accounts (username, display_name, password_hash, person_id, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(username)
    .bind(display_name)
    .bind(password_hash)
    .bind(person_id.map(|p| p.0))
    .bind(sql::instant(now))
    .fetch_one(conn)
    .await
    .map_err(StoreError::classify)?;
    Ok(AccountId(id))
}

pub async fn get_account(conn: &mut AnyConnection, id: AccountId) -> Result<Account> {
    let row = sqlx::query(&format!(
        "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = $1"
    ))
    .bind(id.0)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    account_from_row(&row)
}

/// The accounts a person signs in with (their notifications go there).
pub async fn accounts_of_person(
    conn: &mut AnyConnection,
    person: trienkhai_core::ids::PersonId,
) -> Result<Vec<AccountId>> {
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM accounts WHERE person_id = $1 ORDER BY id")
            .bind(person.0)
            .fetch_all(conn)
            .await?;
    Ok(ids.into_iter().map(AccountId).collect())
}

pub async fn find_account_by_username(
    conn: &mut AnyConnection,
    username: &str,
) -> Result<Option<Account>> {
    let row = sqlx::query(&format!(
        "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE username = $1"
    ))
    .bind(username)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(account_from_row).transpose()
}

pub async fn list_accounts(conn: &mut AnyConnection) -> Result<Vec<Account>> {
    let rows = sqlx::query(&format!(
        "SELECT {ACCOUNT_COLUMNS} FROM accounts ORDER BY username"
    ))
    .fetch_all(conn)
    .await?;
    rows.iter().map(account_from_row).collect()
}

/// Changes the display name, activity and (when given) the password hash, when
/// `expected_version` is still current.
pub async fn update_account(
    conn: &mut AnyConnection,
    id: AccountId,
    display_name: &str,
    is_active: bool,
    password_hash: Option<&str>,
    expected_version: i64,
) -> Result<i64> {
    let new: Option<i64> = sqlx::query_scalar(
        "UPDATE accounts SET display_name = $1, is_active = $2, password_hash = COALESCE($3, password_hash), \
         row_version = row_version + 1 WHERE id = $4 AND row_version = $5 RETURNING row_version",
    )
    .bind(display_name)
    .bind(i64::from(is_active))
    .bind(password_hash)
    .bind(id.0)
    .bind(expected_version)
    .fetch_optional(&mut *conn)
    .await?;
    match new {
        Some(v) => Ok(v),
        None => {
            get_account(conn, id).await?;
            Err(StoreError::Conflict)
        }
    }
}

const GRANT_COLUMNS: &str =
    "id, account_id, role, unit_id, valid_from, valid_to, granted_by, created_at, revoked_at";

fn grant_from_row(row: &sqlx::any::AnyRow) -> Result<GrantRow> {
    let role = row.text("role")?;
    Ok(GrantRow {
        id: GrantId(row.int("id")?),
        account_id: AccountId(row.int("account_id")?),
        role: Role::parse(&role).map_err(|_| StoreError::Corrupt(format!("role {role:?}")))?,
        unit_id: row.opt_int("unit_id")?.map(UnitId),
        validity: Validity {
            from: row.date("valid_from")?,
            to: row.opt_date("valid_to")?,
        },
        granted_by: row.opt_int("granted_by")?.map(AccountId),
        created_at: row.instant("created_at")?,
        revoked_at: row.opt_instant("revoked_at")?,
    })
}

pub async fn insert_grant(
    conn: &mut AnyConnection,
    account: AccountId,
    role: Role,
    unit: Option<UnitId>,
    validity: Validity,
    granted_by: Option<AccountId>,
    now: DateTime<Utc>,
) -> Result<GrantId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO role_grants (account_id, role, unit_id, valid_from, valid_to, granted_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(account.0)
    .bind(role.as_str())
    .bind(unit.map(|u| u.0))
    .bind(sql::date(validity.from))
    .bind(sql::opt_date(validity.to))
    .bind(granted_by.map(|a| a.0))
    .bind(sql::instant(now))
    .fetch_one(conn)
    .await?;
    Ok(GrantId(id))
}

pub async fn get_grant(conn: &mut AnyConnection, id: GrantId) -> Result<GrantRow> {
    let row = sqlx::query(&format!(
        "SELECT {GRANT_COLUMNS} FROM role_grants WHERE id = $1"
    ))
    .bind(id.0)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    grant_from_row(&row)
}

/// All grants of an account, revoked ones included (the history shows them).
pub async fn grants_of(conn: &mut AnyConnection, account: AccountId) -> Result<Vec<GrantRow>> {
    let rows = sqlx::query(&format!(
        "SELECT {GRANT_COLUMNS} FROM role_grants WHERE account_id = $1 ORDER BY id"
    ))
    .bind(account.0)
    .fetch_all(conn)
    .await?;
    rows.iter().map(grant_from_row).collect()
}

/// The grants that count: not revoked. Their validity window is judged by the caller.
pub async fn live_grants_of(conn: &mut AnyConnection, account: AccountId) -> Result<Vec<Grant>> {
    let rows = sqlx::query(&format!(
        "SELECT {GRANT_COLUMNS} FROM role_grants WHERE account_id = $1 AND revoked_at IS NULL ORDER BY id"
    ))
    .bind(account.0)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| grant_from_row(r).map(|g| g.grant()))
        .collect()
}

/// The grants that make an active account an administrator of everything on `day`, as
/// (grant, account) pairs: the accounts that can still manage every other one.
pub async fn installation_admin_grants(
    conn: &mut AnyConnection,
    day: NaiveDate,
) -> Result<Vec<(GrantId, AccountId)>> {
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT g.id, g.account_id FROM role_grants g JOIN accounts a ON a.id = g.account_id \
         WHERE g.role = 'admin' AND g.unit_id IS NULL AND g.revoked_at IS NULL \
         AND g.valid_from <= $1 AND (g.valid_to IS NULL OR g.valid_to >= $1) AND a.is_active = 1 \
         ORDER BY g.id",
    )
    .bind(sql::date(day))
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(g, a)| (GrantId(g), AccountId(a)))
        .collect())
}

/// Revokes a grant; revoking twice is a no-op that reports `false`.
pub async fn revoke_grant(
    conn: &mut AnyConnection,
    id: GrantId,
    by: Option<AccountId>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let done = sqlx::query("UPDATE role_grants SET revoked_at = $1, revoked_by = $2 WHERE id = $3 AND revoked_at IS NULL")
        .bind(sql::instant(now))
        .bind(by.map(|a| a.0))
        .bind(id.0)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

const TOKEN_COLUMNS: &str =
    "id, account_id, name, token_prefix, created_at, expires_at, revoked_at, last_used_at";

fn token_from_row(row: &sqlx::any::AnyRow) -> Result<TokenRow> {
    Ok(TokenRow {
        id: TokenId(row.int("id")?),
        account_id: AccountId(row.int("account_id")?),
        name: row.text("name")?,
        token_prefix: row.text("token_prefix")?,
        created_at: row.instant("created_at")?,
        expires_at: row.opt_instant("expires_at")?,
        revoked_at: row.opt_instant("revoked_at")?,
        last_used_at: row.opt_instant("last_used_at")?,
    })
}

/// The token's issuer and validity, as [`insert_token`] records them.
#[derive(Debug, Clone, Copy)]
pub struct TokenIssue {
    pub issued_by: Option<AccountId>,
    pub expires_at: Option<DateTime<Utc>>,
    pub now: DateTime<Utc>,
}

pub async fn insert_token(
    conn: &mut AnyConnection,
    account: AccountId,
    name: &str,
    token_hash: &str,
    token_prefix: &str,
    issue: TokenIssue,
) -> Result<TokenId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO api_tokens (account_id, name, token_hash, token_prefix, issued_by, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(account.0)
    .bind(name)
    .bind(token_hash)
    .bind(token_prefix)
    .bind(issue.issued_by.map(|a| a.0))
    .bind(sql::instant(issue.now))
    .bind(issue.expires_at.map(sql::instant))
    .fetch_one(conn)
    .await
    .map_err(StoreError::classify)?;
    Ok(TokenId(id))
}

pub async fn get_token(conn: &mut AnyConnection, id: TokenId) -> Result<TokenRow> {
    let row = sqlx::query(&format!(
        "SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE id = $1"
    ))
    .bind(id.0)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    token_from_row(&row)
}

pub async fn tokens_of(conn: &mut AnyConnection, account: AccountId) -> Result<Vec<TokenRow>> {
    let rows = sqlx::query(&format!(
        "SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE account_id = $1 ORDER BY id"
    ))
    .bind(account.0)
    .fetch_all(conn)
    .await?;
    rows.iter().map(token_from_row).collect()
}

/// The account a presented token belongs to, if the token is live at `now`.
/// Who holds a live API token, and until when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenHolder {
    pub account_id: AccountId,
    pub expires_at: Option<DateTime<Utc>>,
}

pub async fn account_for_token(
    conn: &mut AnyConnection,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<TokenHolder>> {
    let row = sqlx::query(
        "SELECT account_id, expires_at FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL \
         AND (expires_at IS NULL OR expires_at > $2)",
    )
    .bind(token_hash)
    .bind(sql::instant(now))
    .fetch_optional(conn)
    .await?;
    row.map(|r| {
        Ok(TokenHolder {
            account_id: AccountId(r.int("account_id")?),
            expires_at: r.opt_instant("expires_at")?,
        })
    })
    .transpose()
}

pub async fn revoke_token(
    conn: &mut AnyConnection,
    id: TokenId,
    now: DateTime<Utc>,
) -> Result<bool> {
    let done =
        sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(sql::instant(now))
            .bind(id.0)
            .execute(conn)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// Revokes the live tokens of `account`: all of them, or only those someone else issued.
pub async fn revoke_tokens_of(
    conn: &mut AnyConnection,
    account: AccountId,
    only_issued_by_others: bool,
    now: DateTime<Utc>,
) -> Result<u64> {
    let done = sqlx::query(
        "UPDATE api_tokens SET revoked_at = $1 WHERE account_id = $2 AND revoked_at IS NULL \
         AND ($3 = 0 OR issued_by IS NULL OR issued_by <> $2)",
    )
    .bind(sql::instant(now))
    .bind(account.0)
    .bind(i64::from(only_issued_by_others))
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}
