//! The OpenAPI 3 document, built from the routes as they are registered: paths, methods and
//! summaries from each [`RouteDoc`], and everything else (the request body, the query
//! parameters, the answer, whether a token is needed) read off the handler's own types
//! ([`shape`]), with the schemas derived from those types by `schemars`. A field added to a
//! body or an answer is in the document the moment it is in the code.

mod shape;

use axum::Json;
use schemars::SchemaGenerator;
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

pub use shape::{Documented, FileAnswer, Payload, Shape, Shared};

use super::Api;
use crate::error::ApiError;

/// Built once, from the same registration the router uses.
static DOCUMENT: std::sync::LazyLock<Value> =
    std::sync::LazyLock::new(|| document(&super::routes().1));

/// The documentation of one route: what its handler's types cannot say.
#[derive(Debug, Clone)]
pub struct RouteDoc {
    pub method: &'static str,
    pub path: &'static str,
    pub summary: &'static str,
    pub tag: &'static str,
    /// The largest body taken, where it is not the default (uploads).
    pub body_limit: Option<usize>,
    /// Read off the handler when the route is registered.
    pub shape: Shape,
}

impl RouteDoc {
    pub const fn new(
        method: &'static str,
        path: &'static str,
        tag: &'static str,
        summary: &'static str,
    ) -> Self {
        Self {
            method,
            path,
            summary,
            tag,
            body_limit: None,
            shape: Shape {
                body: Payload::None,
                response: Payload::None,
                query: None,
                auth: false,
            },
        }
    }

    /// Takes bodies up to `bytes` (an upload).
    pub const fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = Some(bytes);
        self
    }
}

/// Path parameters that are numbers; every other one is text (a date, an entity type).
fn path_parameter_is_integer(name: &str) -> bool {
    name == "id" || name.ends_with("_id") || matches!(name, "calendar" | "policy")
}

/// A file's bytes in every type an upload may have (`core::file_kind`).
fn file_content() -> Value {
    let binary = json!({ "schema": { "type": "string", "format": "binary" } });
    let mut content = Map::new();
    for kind in [
        trienkhai_core::file_kind::FileKind::Pdf,
        trienkhai_core::file_kind::FileKind::Docx,
        trienkhai_core::file_kind::FileKind::Xlsx,
        trienkhai_core::file_kind::FileKind::LegacyOffice,
        trienkhai_core::file_kind::FileKind::Png,
        trienkhai_core::file_kind::FileKind::Jpeg,
    ] {
        content.insert(kind.content_type().to_owned(), binary.clone());
    }
    Value::Object(content)
}

/// The schema `reference` points at, among `definitions`, or `reference` itself if inline.
fn resolve<'a>(reference: &'a Value, definitions: &'a Map<String, Value>) -> &'a Value {
    reference
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
        .and_then(|name| definitions.get(name))
        .unwrap_or(reference)
}

/// The schema `make` gives, made OpenAPI 3.0 (`nullable` rather than a `null` type, and so on)
/// the way the generator's settings make its named schemas.
fn generate(generator: &mut SchemaGenerator, make: shape::SchemaFn) -> Value {
    let mut schema = make(generator);
    for transform in generator.transforms_mut() {
        transform.transform(&mut schema);
    }
    schema.to_value()
}

/// The query parameters of a query type: one per property, its description moved up from the
/// property (where OpenAPI shows it), "nullable" dropped (an absent parameter is the null).
fn query_parameters(doc: &RouteDoc) -> Vec<Value> {
    // A parameter the handler cannot do without is `#[schemars(required)]` on its field: the
    // type stays optional so that its absence is answered `required`, naming it.
    let Some(query) = doc.shape.query else {
        return Vec::new();
    };
    let mut generator = SchemaSettings::openapi3()
        .for_deserialize()
        .into_generator();
    let reference = generate(&mut generator, query);
    let definitions = generator.take_definitions(true);
    let object = resolve(&reference, &definitions);
    let required: Vec<&str> = object["required"]
        .as_array()
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let Some(properties) = object["properties"].as_object() else {
        return Vec::new();
    };
    properties
        .iter()
        .map(|(name, schema)| {
            let mut schema = resolve(schema, &definitions).clone();
            let description = schema
                .as_object_mut()
                .and_then(|s| {
                    s.remove("nullable");
                    s.remove("description")
                })
                .unwrap_or(Value::Null);
            json!({
                "name": name,
                "in": "query",
                "required": required.contains(&name.as_str()),
                "description": description,
                "schema": schema,
            })
        })
        .collect()
}

/// Replaces every `$ref` to `from` under `value` by one to `to`.
fn rename_refs(value: &mut Value, from: &str, to: &str) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map.iter_mut() {
                if key == "$ref" && inner.as_str() == Some(from) {
                    *inner = Value::String(to.to_owned());
                } else {
                    rename_refs(inner, from, to);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rename_refs(v, from, to)),
        _ => {}
    }
}

/// The OpenAPI document of `docs`.
pub fn document(docs: &[RouteDoc]) -> Value {
    // An answer is described as it is written (`Serialize`), a body as it is read
    // (`Deserialize`): a field with a default may be left out of a body, for instance.
    let mut answers = SchemaSettings::openapi3().for_serialize().into_generator();
    let mut bodies = SchemaSettings::openapi3()
        .for_deserialize()
        .into_generator();
    let error = answers
        .subschema_for::<crate::error::ErrorAnswer>()
        .to_value();
    let mut operations = Vec::new();
    for doc in docs {
        let mut parameters: Vec<Value> = doc
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| {
                let kind = if path_parameter_is_integer(name) {
                    "integer"
                } else {
                    "string"
                };
                json!({ "name": name, "in": "path", "required": true, "schema": { "type": kind } })
            })
            .collect();
        parameters.extend(query_parameters(doc));
        let ok = match doc.shape.response {
            Payload::File => json!({ "description": "The file", "content": file_content() }),
            Payload::Json(schema) => json!({ "description": "OK", "content": {
                "application/json": { "schema": generate(&mut answers, schema) } } }),
            Payload::None => json!({ "description": "OK" }),
        };
        let mut operation = json!({
            "summary": doc.summary,
            "tags": [doc.tag],
            "operationId": format!("{}{}", doc.method, doc.path.replace(['/', '{', '}', '-'], "_")),
            "parameters": parameters,
            "responses": {
                "200": ok,
                "default": { "description": "Error", "content": { "application/json": { "schema": error } } },
            },
        });
        if doc.shape.auth {
            operation["security"] = json!([{ "bearer": [] }]);
        }
        match doc.shape.body {
            Payload::File => {
                operation["requestBody"] = json!({ "required": true, "content": { "application/octet-stream": { "schema": { "type": "string", "format": "binary" } } } });
            }
            Payload::Json(schema) => {
                let schema = generate(&mut bodies, schema);
                // One type serves creation and update; an update names the version it read.
                let updates_versioned = doc.method == "put"
                    && resolve(&schema, bodies.definitions())["properties"]
                        .get("version")
                        .is_some();
                let schema = if updates_versioned {
                    json!({ "allOf": [schema, { "required": ["version"] }] })
                } else {
                    schema
                };
                operation["requestBody"] = json!({ "required": true, "content": { "application/json": { "schema": schema } } });
            }
            Payload::None => {}
        }
        operations.push((doc, operation));
    }
    // One namespace of schemas: a type read and written alike appears once; a type whose two
    // shapes differ is written as its answer, and its body shape is renamed `…Input`.
    let mut schemas = answers.take_definitions(true);
    let mut body_schemas = bodies.take_definitions(true);
    let clashes: Vec<String> = body_schemas
        .iter()
        .filter(|(name, schema)| schemas.get(*name).is_some_and(|s| s != *schema))
        .map(|(name, _)| name.clone())
        .collect();
    for name in clashes {
        let renamed = format!("{name}Input");
        let (from, to) = (
            format!("#/components/schemas/{name}"),
            format!("#/components/schemas/{renamed}"),
        );
        if let Some(schema) = body_schemas.remove(&name) {
            body_schemas.insert(renamed, schema);
        }
        for schema in body_schemas.values_mut() {
            rename_refs(schema, &from, &to);
        }
        for (_, operation) in &mut operations {
            if let Some(body) = operation.get_mut("requestBody") {
                rename_refs(body, &from, &to);
            }
        }
    }
    schemas.extend(body_schemas);
    let mut paths = Map::new();
    for (doc, operation) in operations {
        let entry = paths
            .entry(format!("/api/v1{}", doc.path))
            .or_insert_with(|| json!({}));
        entry[doc.method] = operation;
    }
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "trienkhai API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Theo dõi triển khai nghị quyết: the organisation tree, people, accounts and their history. Dates are YYYY-MM-DD (dd/mm/yyyy is accepted on input). Errors carry a stable code, a message in the request's language (Accept-Language) and the field at fault.",
        },
        "servers": [{ "url": "/" }],
        "paths": paths,
        "components": {
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } },
            "schemas": schemas,
        },
    })
}

/// This document.
async fn openapi_document() -> Result<Json<Value>, ApiError> {
    Ok(Json(DOCUMENT.clone()))
}

pub(super) fn routes(api: Api) -> Api {
    api.route(
        RouteDoc::new("get", "/openapi.json", "meta", "This OpenAPI document"),
        openapi_document,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `$ref` under `value`.
    fn refs<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
        match value {
            Value::Object(map) => {
                for (key, inner) in map {
                    match (key.as_str(), inner.as_str()) {
                        ("$ref", Some(target)) => out.push(target),
                        _ => refs(inner, out),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }

    /// The document is OpenAPI 3.0 throughout, every reference resolves, every answer has its
    /// real schema (only this document itself is free-form), and a token is asked for exactly
    /// where the handler reads the caller.
    #[test]
    fn the_document_is_derived_whole() {
        let docs = super::super::routes().1;
        let doc = document(&docs);
        let text = doc.to_string();
        assert!(
            !text.contains(r#""type":["#),
            "a type array is not OpenAPI 3.0"
        );
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        let mut all = Vec::new();
        refs(&doc, &mut all);
        assert!(all.len() > 100, "only {} references", all.len());
        for target in all {
            let name = target.strip_prefix("#/components/schemas/").unwrap();
            assert!(schemas.contains_key(name), "{target} does not resolve");
        }
        for route in &docs {
            let operation = &doc["paths"][format!("/api/v1{}", route.path)][route.method];
            let ok = &operation["responses"]["200"]["content"];
            let schema = &ok["application/json"]["schema"];
            if route.path != "/openapi.json" && ok.as_object().is_none_or(|c| c.len() <= 1) {
                assert!(
                    schema.get("$ref").is_some() || schema["items"].get("$ref").is_some(),
                    "{} {} answers {schema}",
                    route.method,
                    route.path
                );
            }
            let required: Vec<&str> = operation["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|p| p["in"] == "query" && p["required"] == true)
                .filter_map(|p| p["name"].as_str())
                .collect();
            let expected: &[&str] = match (route.method, route.path) {
                ("get", "/targets/{id}/rollup") => &["period", "unit_id"],
                ("get", "/targets/{id}/trend") => &["unit_id", "year"],
                ("get", "/units/{id}/next-number") => &["type"],
                ("get", "/documents/{id}/overview") => &["period"],
                ("get", "/documents/{id}") | ("get", "/units") => &[],
                _ => &required,
            };
            assert_eq!(required, expected, "{} {}", route.method, route.path);
            assert_eq!(
                operation.get("security").is_some(),
                route.path != "/openapi.json" && route.path != "/login",
                "{} {}",
                route.method,
                route.path
            );
        }
    }

    /// A body field read as text and parsed by the code is described with the type's own
    /// values: the written name of every value is one the parser takes back.
    #[test]
    fn words_described_by_a_type_are_the_words_parsed() {
        use trienkhai_core::{access, over_time, reporting, target};
        fn check<T: serde::Serialize + PartialEq + std::fmt::Debug + Copy>(
            all: &[T],
            parse: impl Fn(&str) -> Option<T>,
        ) {
            for value in all {
                let written = serde_json::to_value(value).unwrap();
                let written = written.as_str().unwrap();
                assert_eq!(parse(written), Some(*value), "{written}");
            }
        }
        check(&access::Role::ALL, |s| access::Role::parse(s).ok());
        check(&reporting::Cadence::ALL, |s| {
            reporting::Cadence::parse(s).ok()
        });
        check(&reporting::Counted::ALL, |s| {
            reporting::Counted::parse(s).ok()
        });
        check(&target::ValueType::ALL, |s| {
            target::ValueType::parse(s).ok()
        });
        check(&over_time::OverTime::ALL, |s| {
            over_time::OverTime::parse(s).ok()
        });
    }
}
