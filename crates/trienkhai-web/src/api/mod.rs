//! The JSON API under `/api/v1`. Every route is registered through [`Api::route`] together with
//! its OpenAPI entry, so the document served at `/api/v1/openapi.json` cannot miss a route.
//! Callers authenticate with `Authorization: Bearer <token>` (from `POST /login` or a token
//! issued on the account page); errors are `{"code", "message", "field"}`.

mod accounts;
pub(crate) mod answers;
mod commitments;
mod criteria;
mod emulation;
mod openapi;
mod persons;
mod plans;
mod ratings;
mod registrations;
mod reminders;
mod reports;
mod study;
mod units;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::extract::{FromRequestParts, Path};
use axum::handler::Handler;
use axum::http::request::Parts;
use axum::routing::{self, MethodRouter};
use chrono::NaiveDate;
use trienkhai_app::AppError;

use crate::AppState;
use crate::error::ApiError;

use openapi::Documented;
pub use openapi::{FileAnswer, RouteDoc, Shared};
pub(crate) use plans::{attachment, file_response};

/// A router that records the documentation of each route it is given.
pub struct Api {
    router: Router<AppState>,
    docs: Vec<RouteDoc>,
}

impl Api {
    fn new() -> Self {
        Self {
            router: Router::new(),
            docs: Vec::new(),
        }
    }

    /// Registers `handler` at `doc.path` for `doc.method`, and its documentation, completed
    /// with what the handler's types say ([`openapi::Documented`]).
    fn route<H, T, D>(mut self, mut doc: RouteDoc, handler: H) -> Self
    where
        H: Handler<T, AppState> + Documented<D>,
        T: 'static,
    {
        doc.shape = H::shape();
        let mut method: MethodRouter<AppState> = match doc.method {
            "get" => routing::get(handler),
            "post" => routing::post(handler),
            "put" => routing::put(handler),
            "delete" => routing::delete(handler),
            other => unreachable!("no route is registered with the method {other}"),
        };
        if let Some(limit) = doc.body_limit {
            method = method.layer(DefaultBodyLimit::max(limit));
        }
        self.router = self.router.route(doc.path, method);
        self.docs.push(doc);
        self
    }
}

/// The API's router and the documentation of every route in it.
pub fn routes() -> (Router<AppState>, Vec<RouteDoc>) {
    let api = Api::new();
    let api = units::routes(api);
    let api = persons::routes(api);
    let api = accounts::routes(api);
    let api = plans::routes(api);
    let api = reports::routes(api);
    let api = registrations::routes(api);
    let api = study::routes(api);
    let api = commitments::routes(api);
    let api = emulation::routes(api);
    let api = ratings::routes(api);
    let api = criteria::routes(api);
    let api = reminders::routes(api);
    let api = openapi::routes(api);
    (api.router, api.docs)
}

/// The schema of a number a client may send as a JSON number or as a string (`1234.5`), exact
/// either way; absent or null means "no value".
fn number_input(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "anyOf": [{ "type": "number" }, { "type": "string", "maxLength": 64 }],
        "nullable": true,
        "description": "A decimal, as a JSON number or a string such as \"1234.5\"",
    })
}

/// A numeric id in the path; anything else is a 400 with the stable code `invalid`.
pub struct Id(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Path::<i64>::from_request_parts(parts, state)
            .await
            .map(|Path(id)| Id(id))
            .map_err(|_| ApiError(crate::error::input_error("invalid_form", Some("id"))))
    }
}

/// `err` with its field named as the API names it (`type` where the use case says
/// `type_code`): an error names the parameter the caller sent.
fn with_api_names(err: AppError, names: &[(&str, &str)]) -> AppError {
    match err {
        AppError::Invalid(mut e) => {
            if let Some((_, api)) = names
                .iter()
                .find(|(inner, _)| e.field.as_deref() == Some(*inner))
            {
                e.field = Some((*api).to_owned());
            }
            AppError::Invalid(e)
        }
        other => other,
    }
}

/// A required date in a JSON body or query, written `YYYY-MM-DD` or `dd/mm/yyyy`.
fn required_date(input: &Option<String>, field: &str) -> Result<NaiveDate, ApiError> {
    optional_date(input, field)?.ok_or_else(|| ApiError(AppError::invalid("required", field)))
}

fn optional_date(input: &Option<String>, field: &str) -> Result<Option<NaiveDate>, ApiError> {
    Ok(crate::fmt::parse_date_field(
        input.as_deref().unwrap_or(""),
        field,
    )?)
}
