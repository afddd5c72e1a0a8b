//! The one place where errors become responses: a status per code, then JSON
//! `{"code", "message", "field"}` for the API or an HTML page for the browser, in the request's
//! language.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use trienkhai_app::AppError;
use trienkhai_core::error::DomainError;

use crate::i18n::{self, Lang, Tr};

tokio::task_local! {
    /// The language of the request being answered, set by the language middleware.
    pub static REQUEST_LANG: Lang;
}

pub fn request_lang() -> Lang {
    REQUEST_LANG.try_with(|l| *l).unwrap_or_default()
}

/// The HTTP status of every error code.
pub fn status_of(err: &AppError) -> StatusCode {
    match err {
        AppError::Invalid(e) => match e.code {
            "invalid_json" | "invalid_utf8" | "invalid_form" => StatusCode::BAD_REQUEST,
            "csrf_failed" => StatusCode::FORBIDDEN,
            "payload_too_large" => StatusCode::PAYLOAD_TOO_LARGE,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        },
        AppError::Unauthenticated | AppError::InvalidCredentials => StatusCode::UNAUTHORIZED,
        AppError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
        AppError::Forbidden => StatusCode::FORBIDDEN,
        AppError::NotFound => StatusCode::NOT_FOUND,
        AppError::Conflict { .. } => StatusCode::CONFLICT,
        AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// A web-layer input error (bad JSON, bad form, bad CSRF token) in the use-case error's shape.
pub fn input_error(code: &'static str, field: Option<&str>) -> AppError {
    AppError::Invalid(match field {
        Some(f) => DomainError::new(code, f),
        None => DomainError::without_field(code),
    })
}

/// An error answered as JSON.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let lang = request_lang();
        let mut body = serde_json::json!({
            "code": self.0.code(),
            "message": i18n::error_message(lang, self.0.code()),
            "field": self.0.field(),
        });
        if let AppError::Conflict {
            current: Some(current),
        } = &self.0
        {
            body["current"] = current.clone();
        }
        (status_of(&self.0), Json(body)).into_response()
    }
}

/// An error answered as a page; a missing login goes to the login page instead.
#[derive(Debug)]
pub struct PageError(pub AppError);

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        PageError(e)
    }
}

#[derive(askama::Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    t: Tr,
    lang: &'a str,
    message: &'a str,
    field: Option<String>,
    detail: Option<String>,
    current: Option<String>,
    status: u16,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        if matches!(self.0, AppError::Unauthenticated) {
            return Redirect::to("/login").into_response();
        }
        let lang = request_lang();
        let status = status_of(&self.0);
        let detail = match &self.0 {
            AppError::Invalid(e) => e.detail.clone(),
            _ => None,
        };
        let current = match &self.0 {
            AppError::Conflict { current: Some(c) } => serde_json::to_string_pretty(c).ok(),
            _ => None,
        };
        let page = ErrorPage {
            t: Tr(lang),
            lang: lang.code(),
            message: i18n::error_message(lang, self.0.code()),
            field: self.0.field().map(|f| i18n::field_label(lang, f)),
            detail,
            current,
            status: status.as_u16(),
        };
        match askama::Template::render(&page) {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => status.into_response(),
        }
    }
}
