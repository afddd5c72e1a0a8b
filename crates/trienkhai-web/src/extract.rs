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
        let actor = auth::token_actor(&state.app, token)
            .await?
            .ok_or(AppError::Unauthenticated)?;
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
        let (actor, csrf) = auth::session_actor(&state.app, secret)
            .await?
            .ok_or(AppError::Unauthenticated)?;
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
        serde_json::from_slice(&bytes).map(JsonBody).map_err(|e| {
            // serde names the unknown or mistyped field in its message; pass the field on.
            let field = e.to_string().split('`').nth(1).map(str::to_owned);
            input_error("invalid_json", field.as_deref()).into()
        })
    }
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
        serde_urlencoded::from_bytes(&bytes)
            .map(FormBody)
            .map_err(|_| input_error("invalid_form", None).into())
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
    fn constant_time_eq_compares_whole_values() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
