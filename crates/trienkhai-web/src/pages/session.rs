//! Logging in and out, and switching the language.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use trienkhai_app::{AppError, auth};

use super::{lang_switch_url, render};
use crate::AppState;
use crate::error::{PageError, request_lang, status_of};
use crate::extract::{self, FormBody, LANG_COOKIE, LOGIN_CSRF_COOKIE, PageActor, SESSION_COOKIE};
use crate::i18n::{self, Tr};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    t: Tr,
    lang: &'static str,
    csrf: String,
    error: Option<&'static str>,
    demo: bool,
    lang_switch: String,
}

fn cookie(name: &str, value: &str, max_age: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .expect("cookie values are URL-safe")
}

fn login_page(
    state: &AppState,
    uri: &Uri,
    error: Option<&AppError>,
) -> Result<Response, PageError> {
    let lang = request_lang();
    // Before a session exists, the form is protected by a double-submit cookie.
    let csrf = auth::random_secret();
    let page = LoginPage {
        t: Tr(lang),
        lang: lang.code(),
        csrf: csrf.clone(),
        error: error.map(|e| i18n::error_message(lang, e.code())),
        demo: state.demo,
        lang_switch: lang_switch_url(lang, uri),
    };
    let mut response = render(&page)?;
    if let Some(e) = error {
        *response.status_mut() = status_of(e);
        if let AppError::TooManyRequests { retry_after_secs } = e {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
        }
    }
    response.headers_mut().append(
        header::SET_COOKIE,
        cookie(LOGIN_CSRF_COOKIE, &csrf, 3600, state.secure_cookies),
    );
    Ok(response)
}

pub async fn login_form(State(state): State<AppState>, uri: Uri) -> Result<Response, PageError> {
    login_page(&state, &uri, None)
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    csrf: String,
}

pub async fn login(
    State(state): State<AppState>,
    crate::extract::ClientIp(client): crate::extract::ClientIp,
    uri: Uri,
    headers: HeaderMap,
    FormBody(form): FormBody<LoginForm>,
) -> Result<Response, PageError> {
    let expected = extract::cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or("");
    if expected.is_empty() || !extract::constant_time_eq(expected.as_bytes(), form.csrf.as_bytes())
    {
        return Err(PageError(crate::error::input_error("csrf_failed", None)));
    }
    match auth::login(
        &state.app,
        &form.username,
        &form.password,
        &client.to_string(),
    )
    .await
    {
        Ok(account) => {
            let session = auth::start_session(&state.app, account).await?;
            let mut response = Redirect::to("/").into_response();
            let max_age = auth::SESSION_HOURS * 3600;
            response.headers_mut().append(
                header::SET_COOKIE,
                cookie(
                    SESSION_COOKIE,
                    &session.secret,
                    max_age,
                    state.secure_cookies,
                ),
            );
            response.headers_mut().append(
                header::SET_COOKIE,
                cookie(LOGIN_CSRF_COOKIE, "", 0, state.secure_cookies),
            );
            Ok(response)
        }
        Err(
            e @ (AppError::InvalidCredentials
            | AppError::TooManyRequests { .. }
            | AppError::Invalid(_)),
        ) => login_page(&state, &uri, Some(&e)),
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    page: PageActor,
    FormBody(form): FormBody<CsrfForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    if let Some(secret) = extract::cookie(&headers, SESSION_COOKIE) {
        auth::end_session(&state.app, secret).await?;
    }
    let mut response = Redirect::to("/login").into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        cookie(SESSION_COOKIE, "", 0, state.secure_cookies),
    );
    Ok(response)
}

#[derive(Deserialize)]
pub struct LangQuery {
    set: String,
    back: Option<String>,
}

/// Sets the language cookie and goes back. Only local paths are followed, never another site.
pub async fn switch_language(
    State(state): State<AppState>,
    Query(q): Query<LangQuery>,
) -> Response {
    let lang = i18n::Lang::parse(&q.set).unwrap_or_default();
    let back = q
        .back
        .filter(|b| is_local_path(b))
        .unwrap_or_else(|| "/".into());
    let mut response = Redirect::to(&back).into_response();
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    let value = format!(
        "{LANG_COOKIE}={}; Path=/; SameSite=Lax; Max-Age=31536000{secure}",
        lang.code()
    );
    response.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_str(&value).expect("ascii"),
    );
    response
}

/// A path on this site: starts with one `/`, and holds no backslash or control character that
/// a browser would read as the start of another host (`/\\evil`, `/\t/evil`).
fn is_local_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.chars().any(|c| c == '\\' || c.is_control())
}

pub async fn me(page: PageActor) -> Result<Response, PageError> {
    let id = page.actor.account_id.ok_or(AppError::NotFound)?;
    Ok(Redirect::to(&format!("/accounts/{id}")).into_response())
}

#[cfg(test)]
mod tests {
    use super::is_local_path;

    #[test]
    fn only_local_paths_are_followed_back() {
        assert!(is_local_path("/units?as_of=01/07/2025"));
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "https://evil.example",
            "evil",
        ] {
            assert!(!is_local_path(bad), "{bad:?}");
        }
    }
}
