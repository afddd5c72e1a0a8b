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
}

impl AppState {
    pub fn new(app: App, secure_cookies: bool, demo: bool) -> Self {
        Self {
            app,
            metrics: Arc::default(),
            secure_cookies,
            demo,
        }
    }
}

/// The whole HTTP surface.
pub fn router(state: AppState) -> Router {
    let (api_router, _) = api::routes();
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics_text))
        .route("/static/style.css", get(stylesheet))
        .merge(pages::routes())
        .nest("/api/v1", api_router)
        .layer(middleware::from_fn(language))
        .layer(middleware::from_fn_with_state(state.clone(), metrics::track))
        // Bodies are read through axum's extractors, which honour this limit; the two upload
        // routes raise it for themselves (a tower-level limit here would cap them too).
        .layer(axum::extract::DefaultBodyLimit::max(2 * 1024 * 1024))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, Duration::from_secs(30)))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .layer(security_header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(security_header(header::X_FRAME_OPTIONS, "DENY"))
        .layer(security_header(header::REFERRER_POLICY, "same-origin"))
        .layer(security_header(
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'",
        ))
        .with_state(state)
}

fn security_header(
    name: header::HeaderName,
    value: &'static str,
) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}

/// Picks the request's language (the `lang` cookie; for the API also `Accept-Language`; else
/// Vietnamese) and makes it available to error responses.
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

async fn metrics_text(State(state): State<AppState>) -> Response {
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
