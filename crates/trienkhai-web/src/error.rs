//! The one place where errors become responses: a status per code, then JSON
//! `{"code", "message", "field"}` for the API or an HTML page for the browser, in the request's
//! language. Answers made by the framework rather than by us (a query string or path that does
//! not parse, a wrong method, an unknown address, a body over the limit, a timeout, a panic) are
//! rewritten into the same shape by [`uniform_errors`] and [`panic_response`].

use axum::Json;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
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

/// The HTTP status of an error: its row in the one table of codes ([`i18n::ERRORS`]).
pub fn status_of(err: &AppError) -> StatusCode {
    status_of_code(err.code())
}

/// The status of `code`; a code without a row (a test forbids it) is input breaking a rule.
pub fn status_of_code(code: &str) -> StatusCode {
    i18n::error_code(code).map_or(StatusCode::UNPROCESSABLE_ENTITY, |e| e.status)
}

/// A web-layer input error (bad JSON, bad form, bad CSRF token) in the use-case error's shape.
pub fn input_error(code: &'static str, field: Option<&str>) -> AppError {
    AppError::Invalid(match field {
        Some(f) => DomainError::new(code, f),
        None => DomainError::without_field(code),
    })
}

/// The body of every error answer of the API.
#[derive(Debug, serde::Serialize, schemars::JsonSchema)]
pub struct ErrorAnswer {
    /// Stable machine code, e.g. `tree_cycle`, `conflict`, `forbidden`.
    #[schemars(extend("enum" = i18n::ERRORS.iter().map(|e| e.code).collect::<Vec<_>>()))]
    pub code: &'static str,
    /// In the request's language (Accept-Language).
    pub message: &'static str,
    /// The field at fault, as the request named it.
    pub field: Option<String>,
    /// On 409: the record as it is now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current: Option<serde_json::Value>,
}

impl ErrorAnswer {
    fn new(lang: Lang, code: &'static str, field: Option<String>) -> Self {
        Self {
            code,
            message: api_message(lang, code),
            field,
            current: None,
        }
    }
}

/// An error answered as JSON.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

/// The message of `code` for an API client: where a page's message tells a person how to type
/// a number (`1.234,5`), the API's tells a program what to send.
fn api_message(lang: Lang, code: &str) -> &'static str {
    let message = i18n::error_message(lang, code);
    if message == i18n::error_message(lang, "number_invalid") {
        i18n::tr(lang, "api.number_invalid")
    } else {
        message
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let lang = request_lang();
        let mut body = ErrorAnswer::new(lang, self.0.code(), self.0.field().map(str::to_owned));
        if let AppError::Conflict { current } = &self.0 {
            body.current.clone_from(current);
        }
        let mut response = (status_of(&self.0), Json(body)).into_response();
        add_retry_after(&self.0, &mut response);
        response
    }
}

/// `Retry-After` on a throttled answer, so clients know when to come back.
fn add_retry_after(err: &AppError, response: &mut Response) {
    if let AppError::TooManyRequests { retry_after_secs } = err {
        response.headers_mut().insert(
            axum::http::header::RETRY_AFTER,
            axum::http::HeaderValue::from(*retry_after_secs),
        );
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
        let mut response = match askama::Template::render(&page) {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => status.into_response(),
        };
        add_retry_after(&self.0, &mut response);
        response
    }
}

/// The code and field of an answer the framework made: its status, and for a 400 the text of
/// axum's rejection, which names the field in backticks ("missing field `year`").
fn framework_error(status: StatusCode, text: &str) -> (&'static str, Option<String>) {
    let is_name = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c == '_');
    let field = text
        .split_once("field `")
        .and_then(|(_, rest)| rest.split_once('`'))
        .map(|(name, _)| name.to_owned())
        .or_else(|| {
            // "Failed to deserialize query string: limit: invalid digit found in string"
            let (_, rest) = text.split_once("query string: ")?;
            let (name, _) = rest.split_once(':')?;
            is_name(name).then(|| name.to_owned())
        });
    let code = match status {
        StatusCode::BAD_REQUEST if text.contains("query string") => "invalid_query",
        StatusCode::BAD_REQUEST => "invalid_path",
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::REQUEST_TIMEOUT => "timeout",
        s if s.is_server_error() => "internal",
        _ => "invalid",
    };
    (code, field)
}

/// An error answer with an explicit status: JSON for the API, the error page for the browser.
fn answer(api: bool, status: StatusCode, code: &'static str, field: Option<String>) -> Response {
    let lang = request_lang();
    if api {
        return (status, Json(ErrorAnswer::new(lang, code, field))).into_response();
    }
    let page = ErrorPage {
        t: Tr(lang),
        lang: lang.code(),
        message: i18n::error_message(lang, code),
        field: field.as_deref().map(|f| i18n::field_label(lang, f)),
        detail: None,
        current: None,
        status: status.as_u16(),
    };
    match askama::Template::render(&page) {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => status.into_response(),
    }
}

/// `?limit=&q=x` is `?q=x`: an empty parameter is an absent one (what a form with an empty
/// field sends), not a number or a date that fails to parse.
fn drop_empty_parameters(request: &mut Request) {
    let Some(query) = request.uri().query() else {
        return;
    };
    if !query
        .split('&')
        .any(|pair| pair.is_empty() || pair.ends_with('=') || !pair.contains('='))
    {
        return;
    }
    let kept: Vec<&str> = query
        .split('&')
        .filter(|pair| {
            pair.split_once('=')
                .is_some_and(|(_, value)| !value.is_empty())
        })
        .collect();
    let path = request.uri().path();
    let rebuilt = if kept.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", kept.join("&"))
    };
    if let Ok(uri) = rebuilt.parse() {
        *request.uri_mut() = uri;
    }
}

/// The longest address (path and query) answered.
pub const MAX_URI_BYTES: usize = 8 * 1024;

/// Rewrites every error answer that is not already ours (JSON or a page) into our shape, keeping
/// its status and the headers that matter (`Allow` on a 405).
pub async fn uniform_errors(mut request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let api = path.starts_with("/api/");
    // The health check answers load balancers in plain text, by design.
    let health = path == "/healthz";
    // Every input is bounded: an address (with its query) longer than any page or search needs.
    if request.uri().to_string().len() > MAX_URI_BYTES {
        return answer(api, StatusCode::URI_TOO_LONG, "uri_too_long", None);
    }
    if api {
        drop_empty_parameters(&mut request);
    }
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) || health {
        return response;
    }
    let ours = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/json") || ct.starts_with("text/html"));
    if ours {
        return response;
    }
    let (parts, body) = response.into_parts();
    // Framework rejections are a line of text; anything longer is cut, not buffered whole.
    let text = axum::body::to_bytes(body, 4096).await.unwrap_or_default();
    let (code, field) = framework_error(status, &String::from_utf8_lossy(&text));
    let mut rewritten = answer(api, status, code, field);
    if let Some(allow) = parts.headers.get(header::ALLOW) {
        rewritten.headers_mut().insert(header::ALLOW, allow.clone());
    }
    rewritten
}

/// The answer to a request whose handler panicked: a 500 in our shape, the panic logged (a bug
/// to fix, never a reason to drop the connection).
pub fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("?");
    tracing::error!(panic = %detail, "a request handler panicked");
    let body = ErrorAnswer::new(request_lang(), "internal", None);
    (StatusCode::INTERNAL_SERVER_ERROR, Json(body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A framework answer keeps its status: the code it is given has that status in the table.
    #[test]
    fn framework_codes_keep_their_status() {
        for status in [400, 404, 405, 408, 413, 415, 500, 503] {
            let status = StatusCode::from_u16(status).unwrap();
            let (code, _) = framework_error(status, "");
            let expected = if status.is_server_error() {
                StatusCode::INTERNAL_SERVER_ERROR
            } else {
                status
            };
            assert_eq!(status_of_code(code), expected, "{code}");
        }
        let (code, _) = framework_error(StatusCode::BAD_REQUEST, "query string: x");
        assert_eq!(status_of_code(code), StatusCode::BAD_REQUEST);
    }

    #[test]
    fn framework_rejections_name_their_field() {
        assert_eq!(
            framework_error(
                StatusCode::BAD_REQUEST,
                "Failed to deserialize query string: missing field `year`"
            ),
            ("invalid_query", Some("year".to_owned()))
        );
        assert_eq!(
            framework_error(
                StatusCode::BAD_REQUEST,
                "Failed to deserialize query string: limit: invalid digit found in string"
            ),
            ("invalid_query", Some("limit".to_owned()))
        );
        assert_eq!(
            framework_error(
                StatusCode::BAD_REQUEST,
                "Failed to deserialize query string"
            ),
            ("invalid_query", None)
        );
        assert_eq!(
            framework_error(
                StatusCode::BAD_REQUEST,
                "Invalid URL: Cannot parse `x` to a `i64`"
            ),
            ("invalid_path", None)
        );
        assert_eq!(
            framework_error(StatusCode::METHOD_NOT_ALLOWED, ""),
            ("method_not_allowed", None)
        );
    }
}
