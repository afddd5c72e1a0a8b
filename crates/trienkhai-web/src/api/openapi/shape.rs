//! What an operation takes and gives, read off its handler's own types: a handler's extractors
//! ([`DocInput`]) and its answer ([`DocOutput`]) each add their part (the body, the query
//! parameters, the need for a token, the response), so the OpenAPI document describes what the
//! code decodes and encodes, not what someone wrote beside it.

use std::future::Future;
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use schemars::{JsonSchema, Schema, SchemaGenerator};

use super::super::Id;
use crate::error::ApiError;
use crate::extract::{ApiActor, ClientIp, JsonBody};

/// Makes the schema of one type in a generator (registering it under `components.schemas`)
/// and answers the reference to it.
pub type SchemaFn = fn(&mut SchemaGenerator) -> Schema;

fn schema_of<T: JsonSchema>(generator: &mut SchemaGenerator) -> Schema {
    generator.subschema_for::<T>()
}

/// A request body or an answer.
#[derive(Debug, Clone, Copy, Default)]
pub enum Payload {
    #[default]
    None,
    /// JSON of this type.
    Json(SchemaFn),
    /// A file's bytes.
    File,
}

/// The parts of an operation its handler's types decide.
#[derive(Debug, Clone, Copy, Default)]
pub struct Shape {
    pub body: Payload,
    pub response: Payload,
    /// The type the query string is decoded into.
    pub query: Option<SchemaFn>,
    /// Needs a bearer token.
    pub auth: bool,
}

/// An extractor's part in the operation.
pub trait DocInput {
    fn describe(_shape: &mut Shape) {}
}

/// An answer's part in the operation.
pub trait DocOutput {
    fn describe(shape: &mut Shape);
}

impl<S> DocInput for State<S> {}
impl DocInput for Id {}
impl<T> DocInput for Path<T> {}

/// The caller's address (for throttling logins) is not a parameter.
impl DocInput for ClientIp {}

impl DocInput for ApiActor {
    fn describe(shape: &mut Shape) {
        shape.auth = true;
    }
}

impl<T: JsonSchema> DocInput for Query<T> {
    fn describe(shape: &mut Shape) {
        shape.query = Some(schema_of::<T>);
    }
}

impl<T: JsonSchema> DocInput for JsonBody<T> {
    fn describe(shape: &mut Shape) {
        shape.body = Payload::Json(schema_of::<T>);
    }
}

/// An upload: the body is the file itself.
impl DocInput for Bytes {
    fn describe(shape: &mut Shape) {
        shape.body = Payload::File;
    }
}

impl<T: JsonSchema> DocOutput for Result<Json<T>, ApiError> {
    fn describe(shape: &mut Shape) {
        shape.response = Payload::Json(schema_of::<T>);
    }
}

impl<T: JsonSchema> DocOutput for Json<T> {
    fn describe(shape: &mut Shape) {
        shape.response = Payload::Json(schema_of::<T>);
    }
}

impl<T: JsonSchema> DocOutput for Result<Shared<T>, ApiError> {
    fn describe(shape: &mut Shape) {
        shape.response = Payload::Json(schema_of::<T>);
    }
}

impl DocOutput for Result<FileAnswer, ApiError> {
    fn describe(shape: &mut Shape) {
        shape.response = Payload::File;
    }
}

/// An answer shared with other callers (a served figure, a cached list), written as JSON
/// without being copied.
pub struct Shared<T>(pub Arc<T>);

impl<T: serde::Serialize> IntoResponse for Shared<T> {
    fn into_response(self) -> Response {
        Json(&*self.0).into_response()
    }
}

/// A stored file, answered with its own type and name.
pub struct FileAnswer(pub Response);

impl IntoResponse for FileAnswer {
    fn into_response(self) -> Response {
        self.0
    }
}

/// A handler whose operation can be read off its types. Implemented for every async function
/// whose arguments are [`DocInput`]s and whose answer is a [`DocOutput`]; `D` is the tuple of its
/// argument types.
pub trait Documented<D> {
    fn shape() -> Shape;
}

macro_rules! documented {
    ($($arg:ident),*) => {
        impl<F, Fut, R, $($arg,)*> Documented<($($arg,)*)> for F
        where
            F: FnOnce($($arg,)*) -> Fut,
            Fut: Future<Output = R>,
            R: DocOutput,
            $($arg: DocInput,)*
        {
            fn shape() -> Shape {
                let mut shape = Shape::default();
                $($arg::describe(&mut shape);)*
                R::describe(&mut shape);
                shape
            }
        }
    };
}

documented!();
documented!(A1);
documented!(A1, A2);
documented!(A1, A2, A3);
documented!(A1, A2, A3, A4);
documented!(A1, A2, A3, A4, A5);
documented!(A1, A2, A3, A4, A5, A6);
