//! Logging in and proving who one is: argon2 password hashes, database-held sessions with a
//! CSRF token each, API tokens, and login throttling. Secrets are only ever stored hashed
//! (session and API tokens as SHA-256, which suits long random secrets) and never logged.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Duration;
use rand::RngCore;
use sha2::{Digest, Sha256};
use trienkhai_core::access::Access;
use trienkhai_core::ids::AccountId;
use trienkhai_store::{Conn, accounts, sessions};

use crate::{Actor, App, AppError, Result};

/// Failed logins of one username from one client address within [`THROTTLE_WINDOW_MINUTES`]
/// before that address is refused for that username: the guesser is slowed, while the owner
/// logging in from elsewhere is not locked out by a stranger.
pub const MAX_FAILURES_PER_ACCOUNT_AND_CLIENT: i64 = 5;
/// Failed logins of one username from anywhere within the window before it is refused
/// everywhere: guessing spread over many addresses.
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 50;
/// Failed logins from one client address, any usernames, within the window before it is
/// refused. Far higher than per account: an office (or everyone behind one proxy) shares an
/// address, and one person's typos must not lock out the others.
pub const MAX_FAILURES_PER_CLIENT: i64 = 300;
pub const THROTTLE_WINDOW_MINUTES: i64 = 15;
/// The longest password accepted: argon2 of a megabyte per request would be a cheap attack.
pub const MAX_PASSWORD_CHARS: usize = 256;
pub const SESSION_HOURS: i64 = 12;

/// Passwords are NFC-normalised before hashing, so "mật khẩu" typed on any keyboard (precomposed
/// or with combining marks) is the same password.
pub fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Argon2::default()
        .hash_password(trienkhai_core::vn::nfc(password).as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("password hashing: {e}")))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    let password = trienkhai_core::vn::nfc(password);
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// A random secret, URL-safe.
pub fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn digest(secret: &str) -> String {
    sha256_hex(secret.as_bytes())
}

/// The SHA-256 of `bytes` in lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Usernames are plain lower-case ASCII, so that they are typed the same way on every keyboard.
pub fn normalize_username(input: &str) -> Result<String> {
    let name = input.trim().to_lowercase();
    let ok = (3..=40).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(name)
    } else {
        Err(AppError::invalid("username_invalid", "username"))
    }
}

pub const MIN_PASSWORD_CHARS: usize = 8;

pub fn check_new_password(password: &str) -> Result<()> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AppError::invalid("password_too_short", "password"));
    }
    Ok(())
}

/// Checks credentials, throttling repeated failures per username × client address, per
/// username and, far more loosely, per client address. A username that cannot exist (wrong
/// shape or length) is refused before anything is stored or hashed. Nothing typed is logged:
/// people type passwords into the username field.
pub async fn login(app: &App, username: &str, password: &str, client: &str) -> Result<AccountId> {
    let username = normalize_username(username)?;
    if password.chars().count() > MAX_PASSWORD_CHARS {
        return Err(AppError::Invalid(
            trienkhai_core::error::DomainError::new("too_long", "password")
                .with_detail(MAX_PASSWORD_CHARS.to_string()),
        ));
    }
    let client = &client[..client.len().min(64)];
    let now = app.now();
    // The attempt is counted before it is checked, so that parallel guesses cannot all slip
    // under the limit; a success clears this address's count. Through the writer: a failed
    // login is a write like any other.
    let failures = {
        let mut tx = app.db.begin().await?;
        sessions::record_login_failure(&mut tx, &username, client, now).await?;
        let since = now - Duration::minutes(THROTTLE_WINDOW_MINUTES);
        let failures = sessions::recent_login_failures(&mut tx, &username, client, since).await?;
        trienkhai_store::commit(tx).await?;
        failures
    };
    if failures.by_account_and_client > MAX_FAILURES_PER_ACCOUNT_AND_CLIENT
        || failures.by_account > MAX_FAILURES_PER_ACCOUNT
        || failures.by_client > MAX_FAILURES_PER_CLIENT
    {
        tracing::warn!(client = %client, "login throttled");
        return Err(AppError::TooManyRequests {
            retry_after_secs: (THROTTLE_WINDOW_MINUTES * 60) as u64,
        });
    }
    let account = {
        let mut conn = app.db.reader().await?;
        accounts::find_account_by_username(&mut conn, &username).await?
    };
    // Verify against a real hash even for unknown users, so timing does not reveal which exist.
    let (hash, account) = match account {
        Some(a) if a.is_active => (a.password_hash.clone(), Some(a)),
        _ => (
            DUMMY_HASH
                .get_or_init(|| hash_password("not-a-password").unwrap_or_default())
                .clone(),
            None,
        ),
    };
    // Argon2 is deliberately slow: off the async workers, so logins do not stall other requests.
    let password = password.to_owned();
    let valid = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(|e| AppError::Internal(format!("password check: {e}")))?;
    match account {
        Some(account) if valid => {
            let mut conn = app.db.writer().await?;
            sessions::clear_login_failures(&mut conn, &username, client).await?;
            Ok(account.id)
        }
        _ => {
            tracing::info!(client = %client, "login failed");
            Err(AppError::InvalidCredentials)
        }
    }
}

static DUMMY_HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Deletes expired sessions and failed logins too old to count: housekeeping, run periodically.
pub async fn purge_expired(app: &App) -> Result<u64> {
    let now = app.now();
    let mut conn = app.db.writer().await?;
    let sessions = sessions::delete_expired_sessions(&mut conn, now).await?;
    let failures = sessions::delete_login_failures_before(
        &mut conn,
        now - Duration::minutes(THROTTLE_WINDOW_MINUTES),
    )
    .await?;
    Ok(sessions + failures)
}

/// A new session: the cookie secret (returned once, stored hashed) and its CSRF token.
pub struct NewSession {
    pub secret: String,
    pub csrf_token: String,
}

pub async fn start_session(app: &App, account: AccountId) -> Result<NewSession> {
    let now = app.now();
    let secret = random_secret();
    let csrf_token = random_secret();
    let mut conn = app.db.writer().await?;
    sessions::insert_session(
        &mut conn,
        &digest(&secret),
        account,
        &csrf_token,
        now,
        now + Duration::hours(SESSION_HOURS),
    )
    .await?;
    Ok(NewSession { secret, csrf_token })
}

pub async fn end_session(app: &App, secret: &str) -> Result<()> {
    let mut conn = app.db.writer().await?;
    let hash = digest(secret);
    sessions::delete_session(&mut conn, &hash).await?;
    // The deletion announces itself (other instances), but not through a transaction of this
    // one: forget the caller here at once.
    app.callers.forget(&CallerKey::Session(hash));
    Ok(())
}

/// Who is behind a session or an API token (by the secret's digest), kept in memory while the
/// change epoch stands: accounts, grants, the end of sessions and the revocation of tokens all
/// announce themselves.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum CallerKey {
    Session(String),
    Token(String),
}

/// A kept caller: valid until its secret expires, for the day its grants were read on.
#[derive(Debug)]
pub(crate) struct Caller {
    actor: Actor,
    csrf_token: Option<String>,
    expires_at: Option<chrono::DateTime<chrono::Utc>>,
    today: chrono::NaiveDate,
}

/// How many callers an instance keeps.
pub(crate) const CALLERS_KEPT: usize = 4096;

/// The kept caller behind `key`, or the one read by `read` (kept when there is one).
async fn caller<F, Fut>(
    app: &App,
    key: CallerKey,
    read: F,
) -> Result<Option<std::sync::Arc<Caller>>>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<Option<Caller>>>,
{
    let epoch = app.db.change_epoch().await?;
    if let Some(epoch) = epoch
        && let Some(kept) = app.callers.get(&key, epoch)
        && kept.today == app.today()
        && kept.expires_at.is_none_or(|at| at > app.now())
    {
        return Ok(Some(kept));
    }
    let Some(found) = read().await? else {
        return Ok(None);
    };
    let found = std::sync::Arc::new(found);
    if let Some(epoch) = epoch {
        app.callers.put(key, epoch, found.clone());
    }
    Ok(Some(found))
}

/// The actor behind a session cookie, with the session's CSRF token.
pub async fn session_actor(app: &App, secret: &str) -> Result<Option<(Actor, String)>> {
    let hash = digest(secret);
    let found = caller(app, CallerKey::Session(hash.clone()), || async {
        let mut conn = app.db.reader().await?;
        let today = app.today();
        let Some(session) = sessions::find_session(&mut conn, &hash, app.now()).await? else {
            return Ok(None);
        };
        Ok(load_actor(app, &mut conn, session.account_id)
            .await?
            .map(|actor| Caller {
                actor,
                csrf_token: Some(session.csrf_token),
                expires_at: Some(session.expires_at),
                today,
            }))
    })
    .await?;
    Ok(found.map(|c| (c.actor.clone(), c.csrf_token.clone().unwrap_or_default())))
}

/// The actor behind an API token.
pub async fn token_actor(app: &App, secret: &str) -> Result<Option<Actor>> {
    let hash = digest(secret);
    let found = caller(app, CallerKey::Token(hash.clone()), || async {
        let mut conn = app.db.reader().await?;
        let today = app.today();
        let Some(holder) = accounts::account_for_token(&mut conn, &hash, app.now()).await? else {
            return Ok(None);
        };
        Ok(load_actor(app, &mut conn, holder.account_id)
            .await?
            .map(|actor| Caller {
                actor,
                csrf_token: None,
                expires_at: holder.expires_at,
                today,
            }))
    })
    .await?;
    Ok(found.map(|c| c.actor.clone()))
}

/// An active account and its grants in force today.
pub async fn load_actor(app: &App, conn: &mut Conn, account: AccountId) -> Result<Option<Actor>> {
    let account = match accounts::get_account(conn, account).await {
        Ok(a) if a.is_active => a,
        Ok(_) | Err(trienkhai_store::StoreError::NotFound) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let grants = accounts::live_grants_of(conn, account.id).await?;
    Ok(Some(Actor {
        account_id: Some(account.id),
        username: account.username,
        display_name: account.display_name,
        access: Access::new(grants, app.today()),
        reads_recent: false,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let hash = hash_password("mật khẩu dài").unwrap();
        assert!(hash.starts_with("$argon2"));
        assert!(verify_password("mật khẩu dài", &hash));
        assert!(
            verify_password(
                "ma\u{0302}\u{0323}t kha\u{0302}\u{0309}u da\u{0300}i",
                &hash
            ),
            "decomposed input is the same password"
        );
        assert!(!verify_password("mat khau dai", &hash));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn usernames_are_plain_ascii() {
        assert_eq!(normalize_username(" AnThuy ").unwrap(), "anthuy");
        assert_eq!(
            normalize_username("an thủy").unwrap_err().code(),
            "username_invalid"
        );
        assert_eq!(
            normalize_username("ab").unwrap_err().code(),
            "username_invalid"
        );
    }

    #[test]
    fn secrets_are_random_and_digests_stable() {
        assert_ne!(random_secret(), random_secret());
        assert_eq!(digest("a"), digest("a"));
        assert_eq!(digest("a").len(), 64);
    }
}
