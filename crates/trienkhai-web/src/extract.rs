//! Extractors at the edge: who is calling (API token or session cookie), and request bodies
//! read strictly, so that text that is not valid UTF-8 is refused with the field it was in
//! rather than silently repaired.

use axum::body::Bytes;
use axum::extract::{FromRef, FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use trienkhai_app::{Actor, AppError, auth};

use crate::AppState;
use crate::error::{ApiError, PageError, input_error};

pub const SESSION_COOKIE: &str = "tk_session";
pub const LOGIN_CSRF_COOKIE: &str = "tk_login_csrf";
pub const LANG_COOKIE: &str = "lang";

/// The value of cookie `name`, if the request carries it.
pub fn cookie<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The address of the client: the TCP peer, or, when the peer is a configured trusted proxy,
/// the nearest address in `X-Forwarded-For` that is not itself a trusted proxy (read from the
/// right, since a client can write anything on the left).
pub struct ClientIp(pub std::net::IpAddr);

impl<S> FromRequestParts<S> for ClientIp
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip())
            .unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST));
        Ok(ClientIp(client_ip(
            peer,
            &parts.headers,
            &state.trusted_proxies,
        )))
    }
}

/// See [`ClientIp`].
pub fn client_ip(
    peer: std::net::IpAddr,
    headers: &axum::http::HeaderMap,
    trusted: &[std::net::IpAddr],
) -> std::net::IpAddr {
    let canonical = |ip: std::net::IpAddr| ip.to_canonical();
    let peer = canonical(peer);
    if !trusted.contains(&peer) {
        return peer;
    }
    let entries: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    for entry in entries.iter().rev() {
        match entry.parse::<std::net::IpAddr>() {
            Ok(ip) if trusted.contains(&canonical(ip)) => continue,
            Ok(ip) => return canonical(ip),
            // What is left of garbage cannot be believed.
            Err(_) => break,
        }
    }
    peer
}

/// Where the caller of a request that may write is left for [`crate::note_writes`], which
/// records their write once the answer is made.
#[derive(Clone, Default)]
pub struct WriterSlot(std::sync::Arc<std::sync::OnceLock<trienkhai_core::ids::AccountId>>);

impl WriterSlot {
    pub fn account(&self) -> Option<trienkhai_core::ids::AccountId> {
        self.0.get().copied()
    }

    /// Leaves `actor`'s account in the request's slot, if the request has one (it may write).
    fn fill(parts: &Parts, actor: &Actor) {
        if let (Some(slot), Some(account)) =
            (parts.extensions.get::<WriterSlot>(), actor.account_id)
        {
            let _ = slot.0.set(account);
        }
    }
}

/// A viewer's request (GET, HEAD): served figures and lists a few seconds old while the
/// database moves on (`Actor::reads_recent`).
fn reads_only(parts: &Parts) -> bool {
    use axum::http::Method;
    matches!(parts.method, Method::GET | Method::HEAD)
}

/// The caller of an API route, from `Authorization: Bearer <token>`.
pub struct ApiActor(pub Actor);

impl<S> FromRequestParts<S> for ApiActor
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or(AppError::Unauthenticated)?;
        let mut actor = auth::token_actor(&state.app, token)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        actor.reads_recent = reads_only(parts);
        WriterSlot::fill(parts, &actor);
        Ok(ApiActor(actor))
    }
}

/// The logged-in user of a page, with the session's CSRF token for forms.
pub struct PageActor {
    pub actor: Actor,
    pub csrf: String,
}

impl<S> FromRequestParts<S> for PageActor
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let secret = cookie(&parts.headers, SESSION_COOKIE).ok_or(AppError::Unauthenticated)?;
        let (mut actor, csrf) = auth::session_actor(&state.app, secret)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        actor.reads_recent = reads_only(parts);
        WriterSlot::fill(parts, &actor);
        Ok(PageActor { actor, csrf })
    }
}

impl PageActor {
    /// Refuses a form whose CSRF token is not this session's.
    pub fn check_csrf(&self, presented: &str) -> Result<(), PageError> {
        if constant_time_eq(presented.as_bytes(), self.csrf.as_bytes()) {
            Ok(())
        } else {
            Err(PageError(input_error("csrf_failed", None)))
        }
    }
}

pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A JSON body; invalid UTF-8 and malformed JSON are refused with stable codes.
pub struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                input_error("payload_too_large", None)
            } else {
                input_error("invalid_json", None)
            }
        })?;
        if std::str::from_utf8(&bytes).is_err() {
            return Err(input_error("invalid_utf8", None).into());
        }
        if let Ok(value) = serde_json::from_slice::<serde_json::Value>(&bytes) {
            check_json_text(&value, None)?;
        }
        let mut reader = serde_json::Deserializer::from_slice(&bytes);
        serde_path_to_error::deserialize(&mut reader)
            .map(JsonBody)
            .map_err(|e| input_error("invalid_json", json_error_field(&e).as_deref()).into())
    }
}

/// The field a JSON body was refused for: the last key on the path to the mistyped value, or the
/// key serde names for a missing or unknown field ("missing field `period`"). Never the value.
fn json_error_field(e: &serde_path_to_error::Error<serde_json::Error>) -> Option<String> {
    let named = |prefix: &str| {
        let message = e.inner().to_string();
        message
            .strip_prefix(prefix)
            .and_then(|rest| rest.split('`').nth(1))
            .map(str::to_owned)
    };
    named("missing field ")
        .or_else(|| named("unknown field "))
        .or_else(|| {
            e.path().iter().rev().find_map(|segment| match segment {
                serde_path_to_error::Segment::Map { key } => Some(key.clone()),
                _ => None,
            })
        })
}

/// An `application/x-www-form-urlencoded` body. Each key and value is percent-decoded strictly:
/// bytes that are not UTF-8 are refused with their field, where a lenient decoder would turn
/// them into replacement characters and store the damage.
pub struct FormBody<T>(pub T);

impl<S, T> FromRequest<S> for FormBody<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = PageError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| input_error("invalid_form", None))?;
        if let Some(field) = first_non_utf8_field(&bytes) {
            return Err(input_error("invalid_utf8", Some(&field)).into());
        }
        if let Ok(pairs) = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes) {
            for (key, value) in &pairs {
                check_text(key, value)?;
            }
        }
        serde_urlencoded::from_bytes(&bytes)
            .map(FormBody)
            .map_err(|_| input_error("invalid_form", None).into())
    }
}

/// The most characters a one-line field (a name, a code, a title) may hold: room for any real
/// one, and small enough that an indexed column never exceeds PostgreSQL's index row size.
pub const MAX_LINE_CHARS: usize = 500;
/// The most characters a text of several lines (a narrative, a comment, a list of codes) may hold.
pub const MAX_TEXT_CHARS: usize = 20_000;

/// Fields that hold text of several lines or long lists; every other text field is one line.
fn is_long_field(name: &str) -> bool {
    matches!(
        name,
        "narrative"
            | "summary"
            | "note"
            | "past_note"
            | "comment"
            | "review_comment"
            | "result"
            | "expected_product"
            | "reason"
            | "description"
            | "content"
            | "detail"
            | "dates"
            | "url"
    ) || name.ends_with("_codes")
}

/// Refuses a text longer than its field allows, naming the field (`too_long`).
fn check_text(field: &str, value: &str) -> Result<(), AppError> {
    let max = if is_long_field(field) {
        MAX_TEXT_CHARS
    } else {
        MAX_LINE_CHARS
    };
    // Bytes bound characters from above: count characters only when the bytes could exceed.
    if value.len() > max && value.chars().count() > max {
        return Err(AppError::Invalid(
            trienkhai_core::error::DomainError::new("too_long", field).with_detail(max.to_string()),
        ));
    }
    Ok(())
}

/// Every string of a JSON body against its field's bound (a string in an array or a nested
/// object is judged by the nearest key above it).
fn check_json_text(value: &serde_json::Value, field: Option<&str>) -> Result<(), AppError> {
    match value {
        serde_json::Value::String(s) => check_text(field.unwrap_or("body"), s),
        serde_json::Value::Array(items) => items.iter().try_for_each(|v| check_json_text(v, field)),
        serde_json::Value::Object(map) => map.iter().try_for_each(|(k, v)| {
            check_text("field", k)?;
            check_json_text(v, Some(k))
        }),
        _ => Ok(()),
    }
}

/// The name of the first form field whose key or value is not valid UTF-8 once decoded.
pub fn first_non_utf8_field(body: &[u8]) -> Option<String> {
    for pair in body.split(|b| *b == b'&') {
        let mut halves = pair.splitn(2, |b| *b == b'=');
        let key = percent_decode(halves.next().unwrap_or_default());
        let value = percent_decode(halves.next().unwrap_or_default());
        let key_text = String::from_utf8(key);
        if key_text.is_err() || std::str::from_utf8(&value).is_err() {
            return Some(key_text.unwrap_or_else(|_| "?".into()));
        }
    }
    None
}

fn percent_decode(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        match input[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < input.len() => {
                let hex = std::str::from_utf8(&input[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(byte) => {
                        out.push(byte);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_fields_with_broken_utf8_are_named() {
        assert_eq!(first_non_utf8_field(b"name=An+Th%E1%BB%A7y&code=X"), None);
        assert_eq!(
            first_non_utf8_field(b"code=X&name=An%FFThuy").as_deref(),
            Some("name")
        );
        assert_eq!(first_non_utf8_field(b"name=%E1%BB"), Some("name".into()));
        assert_eq!(first_non_utf8_field(b"a=100%"), None);
    }

    #[test]
    fn the_client_is_the_peer_unless_the_peer_is_a_trusted_proxy() {
        let ip = |s: &str| s.parse::<std::net::IpAddr>().unwrap();
        let mut headers = axum::http::HeaderMap::new();
        headers.insert("x-forwarded-for", "6.6.6.6, 203.0.113.7".parse().unwrap());
        // Not trusted: the header is the client's own word.
        assert_eq!(
            client_ip(ip("198.51.100.1"), &headers, &[]),
            ip("198.51.100.1")
        );
        let proxies = [ip("10.0.0.1"), ip("10.0.0.2")];
        // Trusted: the rightmost address the proxy saw; what the client wrote on the left is not.
        assert_eq!(
            client_ip(ip("10.0.0.1"), &headers, &proxies),
            ip("203.0.113.7")
        );
        // A chain of trusted proxies is walked through.
        headers.insert("x-forwarded-for", "203.0.113.7, 10.0.0.2".parse().unwrap());
        assert_eq!(
            client_ip(ip("10.0.0.1"), &headers, &proxies),
            ip("203.0.113.7")
        );
        // IPv4 seen through an IPv6 socket is the same address.
        assert_eq!(
            client_ip(ip("::ffff:10.0.0.1"), &headers, &proxies),
            ip("203.0.113.7")
        );
        // Garbage stops the walk at the proxy itself.
        headers.insert("x-forwarded-for", "203.0.113.7, nonsense".parse().unwrap());
        assert_eq!(
            client_ip(ip("10.0.0.1"), &headers, &proxies),
            ip("10.0.0.1")
        );
        headers.insert("x-forwarded-for", "nonsense, 203.0.113.9".parse().unwrap());
        assert_eq!(
            client_ip(ip("10.0.0.1"), &headers, &proxies),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn constant_time_eq_compares_whole_values() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
