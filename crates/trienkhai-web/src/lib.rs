//! HTTP: server-rendered pages (askama, plain forms that work without JavaScript) and the JSON
//! API under `/api/v1`, over the use cases of `trienkhai-app`. This crate parses requests,
//! calls one use case, and renders the answer; it never decides who may do what.
//!
//! Code tour: `pages/` has one module per area of screens, `api/` the same for JSON routes
//! (each route registered together with its OpenAPI entry), `error.rs` is the single mapping
//! from error codes to responses, `i18n.rs` every word of the UI in Vietnamese and English.

// The OpenAPI schemas are one large `json!` literal each.
#![recursion_limit = "512"]

pub mod api;
pub mod charts;
pub mod error;
pub mod extract;
pub mod fmt;
pub mod i18n;
pub mod metrics;
pub mod pages;
pub mod serve;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower_http::set_header::SetResponseHeaderLayer;
use trienkhai_app::App;

use crate::i18n::Lang;

#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub metrics: Arc<metrics::Metrics>,
    /// Mark cookies `Secure` (behind HTTPS).
    pub secure_cookies: bool,
    /// Serving the demo: the login page shows the demo accounts.
    pub demo: bool,
    /// Reverse proxies whose `X-Forwarded-For` is believed (see [`extract::ClientIp`]).
    pub trusted_proxies: Arc<[std::net::IpAddr]>,
    /// A bearer token that opens `/metrics` to other hosts than this one.
    pub metrics_token: Option<Arc<str>>,
}

impl AppState {
    pub fn new(app: App, secure_cookies: bool, demo: bool) -> Self {
        Self {
            app,
            metrics: Arc::default(),
            secure_cookies,
            demo,
            trusted_proxies: Arc::new([]),
            metrics_token: None,
        }
    }

    pub fn with_trusted_proxies(mut self, proxies: Vec<std::net::IpAddr>) -> Self {
        self.trusted_proxies = proxies.into();
        self
    }

    pub fn with_metrics_token(mut self, token: Option<String>) -> Self {
        self.metrics_token = token.filter(|t| !t.is_empty()).map(Into::into);
        self
    }
}

/// The whole HTTP surface.
pub fn router(state: AppState) -> Router {
    let (api_router, _) = api::routes();
    let router = Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics_text))
        .route("/static/style.css", get(stylesheet))
        .route("/static/print.js", get(print_script))
        .route("/static/picker.js", get(picker_script))
        .merge(pages::routes())
        .nest("/api/v1", api_router)
        .fallback(not_found)
        // Innermost: a handler that panics still gets an answer in our shape.
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            error::panic_response,
        ))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        // Bodies are read through axum's extractors, which honour this limit; the two upload
        // routes raise it for themselves (a tower-level limit here would cap them too).
        .layer(axum::extract::DefaultBodyLimit::max(2 * 1024 * 1024))
        // Inside the language scope, so rewritten errors speak the request's language.
        .layer(middleware::from_fn_with_state(state.clone(), note_writes))
        .layer(middleware::from_fn(error::uniform_errors))
        .layer(middleware::from_fn(language))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .layer(tower_http::trace::TraceLayer::new_for_http());
    let router = if state.secure_cookies {
        // Served over HTTPS (that is what secure cookies say): browsers must not fall back.
        router.layer(security_header(
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        ))
    } else {
        router
    };
    router
        .layer(security_header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(security_header(header::X_FRAME_OPTIONS, "DENY"))
        .layer(security_header(header::REFERRER_POLICY, "same-origin"))
        .layer(security_header(
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'",
        ))
        .with_state(state)
}

/// An address nothing is served at: the uniform error answer (JSON under `/api/`, a page else).
async fn not_found() -> StatusCode {
    StatusCode::NOT_FOUND
}

fn security_header(
    name: header::HeaderName,
    value: &'static str,
) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}

/// Picks the request's language (the `lang` cookie; for the API also `Accept-Language`; else
/// Vietnamese) and makes it available to error responses.
/// After a request that may write (anything but GET, HEAD, OPTIONS) by a signed-in caller:
/// records the caller's write, so that the figures and lists served to them within their grace
/// include it (`App::note_write`).
pub(crate) async fn note_writes(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    use axum::http::Method;
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let slot = extract::WriterSlot::default();
    request.extensions_mut().insert(slot.clone());
    let response = next.run(request).await;
    if let Some(account) = slot.account() {
        state.app.note_write(account);
    }
    response
}

async fn language(request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    // Pages are Vietnamese until the user switches; API clients may ask by Accept-Language.
    let is_api = parts.uri.path().starts_with("/api/");
    let lang = extract::cookie(&parts.headers, extract::LANG_COOKIE)
        .and_then(Lang::parse)
        .or_else(|| {
            let header = parts
                .headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok());
            header.filter(|_| is_api).map(Lang::from_accept_language)
        })
        .unwrap_or_default();
    let mut request = Request::from_parts(parts, body);
    request.extensions_mut().insert(lang);
    error::REQUEST_LANG.scope(lang, next.run(request)).await
}

async fn healthz(State(state): State<AppState>) -> Response {
    match state.app.db.ping().await {
        Ok(()) => (StatusCode::OK, "ok\n").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n").into_response()
        }
    }
}

/// Prometheus text, for this host (loopback) or whoever holds the metrics token: request
/// counts and timings tell an outsider too much about who works when.
async fn metrics_text(
    State(state): State<AppState>,
    extract::ClientIp(client): extract::ClientIp,
    headers: axum::http::HeaderMap,
) -> Response {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let token_ok = match (&state.metrics_token, presented) {
        (Some(expected), Some(given)) => {
            extract::constant_time_eq(expected.as_bytes(), given.trim().as_bytes())
        }
        _ => false,
    };
    if !client.is_loopback() && !token_ok {
        return error::ApiError(trienkhai_app::AppError::Forbidden).into_response();
    }
    let body = state.metrics.render(state.app.db.backend().as_str());
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
        .into_response()
}

/// The scripts, small and optional: print buttons and the pickers' search (inline scripts are
/// refused by the page's policy).
fn script(text: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        text,
    )
        .into_response()
}

async fn print_script() -> Response {
    script(include_str!("../static/print.js"))
}

async fn picker_script() -> Response {
    script(include_str!("../static/picker.js"))
}

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/style.css"),
    )
        .into_response()
}
