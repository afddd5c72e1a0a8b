//! The OpenAPI 3 document, built from the routes as they are registered.

use axum::Json;
use axum::routing::get;
use serde_json::{Value, json};

use super::Api;

/// Built once, from the same registration the router uses.
static DOCUMENT: std::sync::LazyLock<Value> =
    std::sync::LazyLock::new(|| document(&super::routes().1));

/// The documentation of one route.
#[derive(Debug, Clone)]
pub struct RouteDoc {
    pub method: &'static str,
    pub path: &'static str,
    pub summary: &'static str,
    pub tag: &'static str,
    /// Needs a bearer token.
    pub auth: bool,
    /// Query parameters: name and description.
    pub query: &'static [(&'static str, &'static str)],
    /// The query parameters without which the route answers `required`.
    pub required: &'static [&'static str],
    /// Name of the request body schema in `components.schemas`.
    pub body: Option<&'static str>,
    /// Name of the response schema; `[Name]` for an array of it; [`FILE`] for a stored file.
    pub response: &'static str,
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
            auth: true,
            query: &[],
            required: &[],
            body: None,
            response: "Object",
        }
    }

    pub const fn public(mut self) -> Self {
        self.auth = false;
        self
    }

    pub const fn query(mut self, query: &'static [(&'static str, &'static str)]) -> Self {
        self.query = query;
        self
    }

    /// Marks query parameters the handler cannot do without.
    pub const fn required(mut self, names: &'static [&'static str]) -> Self {
        self.required = names;
        self
    }

    /// The request body is a file's bytes (an upload), not JSON.
    pub const fn file_body(mut self) -> Self {
        self.body = Some(FILE);
        self
    }

    pub const fn body(mut self, schema: &'static str) -> Self {
        self.body = Some(schema);
        self
    }

    pub const fn returns(mut self, schema: &'static str) -> Self {
        self.response = schema;
        self
    }
}

/// The schema of a query parameter, from the conventions its name follows: ids, counts and
/// years are integers; dates are dates (dd/mm/yyyy is accepted too, but not described).
fn query_schema(name: &str) -> Value {
    match name {
        n if n == "id" || n.ends_with("_id") || n == "under" => {
            json!({ "type": "integer", "format": "int64" })
        }
        "limit" | "offset" | "version" | "year" => json!({ "type": "integer", "format": "int64" }),
        "as_of" | "on" => json!({ "type": "string", "format": "date" }),
        _ => json!({ "type": "string" }),
    }
}

/// The name standing for a file's bytes, as a request body or an answer.
pub const FILE: &str = "file";

/// A file's bytes in every type an upload may have (`core::file_kind`).
fn file_content() -> Value {
    let binary = json!({ "schema": { "type": "string", "format": "binary" } });
    let mut content = serde_json::Map::new();
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

fn schema_ref(name: &str) -> Value {
    match name.strip_prefix('[').and_then(|n| n.strip_suffix(']')) {
        Some(inner) => {
            json!({ "type": "array", "items": { "$ref": format!("#/components/schemas/{inner}") } })
        }
        None => json!({ "$ref": format!("#/components/schemas/{name}") }),
    }
}

/// The OpenAPI document of `docs`.
pub fn document(docs: &[RouteDoc]) -> Value {
    let all_schemas = schemas();
    let mut paths = serde_json::Map::new();
    for doc in docs {
        let mut parameters: Vec<Value> = doc
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| {
                let kind = if name == "id" || name.ends_with("_id") {
                    "integer"
                } else {
                    "string"
                };
                json!({ "name": name, "in": "path", "required": true, "schema": { "type": kind } })
            })
            .collect();
        parameters.extend(doc.query.iter().map(|(name, description)| {
            json!({
                "name": name,
                "in": "query",
                "required": doc.required.contains(name),
                "description": description,
                "schema": query_schema(name),
            })
        }));
        let mut operation = json!({
            "summary": doc.summary,
            "tags": [doc.tag],
            "operationId": format!("{}{}", doc.method, doc.path.replace(['/', '{', '}', '-'], "_")),
            "parameters": parameters,
            "responses": {
                "200": if doc.response == FILE {
                    json!({ "description": "The file", "content": file_content() })
                } else {
                    json!({ "description": "OK", "content": { "application/json": { "schema": schema_ref(doc.response) } } })
                },
                "default": { "description": "Error", "content": { "application/json": { "schema": schema_ref("Error") } } },
            },
        });
        if doc.auth {
            operation["security"] = json!([{ "bearer": [] }]);
        }
        match doc.body {
            Some(FILE) => {
                operation["requestBody"] = json!({ "required": true, "content": { "application/octet-stream": { "schema": { "type": "string", "format": "binary" } } } });
            }
            Some(body) => {
                // One schema serves creation and update; an update names the version it read.
                let updates_versioned =
                    doc.method == "put" && all_schemas[body]["properties"].get("version").is_some();
                let schema = if updates_versioned {
                    json!({ "allOf": [schema_ref(body), { "required": ["version"] }] })
                } else {
                    schema_ref(body)
                };
                operation["requestBody"] = json!({ "required": true, "content": { "application/json": { "schema": schema } } });
            }
            None => {}
        }
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
            "schemas": all_schemas,
        },
    })
}

fn schemas() -> Value {
    let date = json!({ "type": "string", "format": "date" });
    let opt_date = json!({ "type": "string", "format": "date", "nullable": true });
    let int = json!({ "type": "integer" });
    let opt_int = json!({ "type": "integer", "nullable": true });
    let text = json!({ "type": "string" });
    let opt_text = json!({ "type": "string", "nullable": true });
    let error_codes: Vec<&str> = crate::i18n::ERRORS.iter().map(|e| e.code).collect();
    let mut schemas = json!({
        "Object": { "type": "object" },
        "Error": { "type": "object", "required": ["code", "message"], "properties": {
            "code": { "type": "string", "description": "Stable machine code, e.g. tree_cycle, conflict, forbidden", "enum": error_codes },
            "message": text, "field": opt_text,
            "current": { "type": "object", "description": "On 409: the record as it is now" } } },
        "Login": { "type": "object", "required": ["username", "password"], "properties": { "username": text, "password": text } },
        "Token": { "type": "object", "properties": { "token": text, "id": int } },
        "Unit": { "type": "object", "required": ["id", "code", "name", "kind", "parent_id", "valid_from", "valid_to"], "properties": {
            "id": int, "code": text, "name": text, "kind": text, "parent_id": opt_int, "valid_from": date, "valid_to": opt_date,
            "depth": int } },
        "UnitDetail": { "type": "object" },
        "NewUnit": { "type": "object", "required": ["code", "name", "kind", "valid_from"], "properties": {
            "code": text, "name": text, "kind": text, "parent_id": opt_int, "valid_from": date, "valid_to": opt_date, "basis": opt_text, "note": opt_text } },
        "UnitChange": { "type": "object", "required": ["change", "effective_on", "version"], "properties": {
            "change": { "type": "string", "enum": ["rename", "move", "upgrade", "recode", "edit"] },
            "effective_on": date, "name": opt_text, "code": opt_text, "kind": opt_text, "parent_id": opt_int,
            "to_top": { "type": "boolean" }, "basis": opt_text, "note": opt_text, "version": int } },
        "Dissolve": { "type": "object", "required": ["effective_on", "version"], "properties": { "effective_on": date, "version": int, "basis": opt_text, "note": opt_text } },
        "Merge": { "type": "object", "required": ["sources", "effective_on"], "properties": {
            "sources": { "type": "array", "items": int }, "target_id": opt_int, "new_target": { "$ref": "#/components/schemas/UnitPart" },
            "effective_on": date, "basis": opt_text, "note": opt_text, "versions": { "type": "object", "additionalProperties": int } } },
        "UnitPart": { "type": "object", "required": ["code", "name", "kind"], "properties": { "code": text, "name": text, "kind": text, "parent_id": opt_int, "valid_to": opt_date } },
        "Split": { "type": "object", "required": ["parts", "effective_on", "version"], "properties": {
            "parts": { "type": "array", "items": { "$ref": "#/components/schemas/UnitPart" } },
            "children": { "type": "object", "additionalProperties": int, "description": "child unit id → index of its part" },
            "effective_on": date, "version": int, "basis": opt_text, "note": opt_text } },
        "UnitKind": { "type": "object", "properties": { "code": text, "label_vi": text, "label_en": text } },
        "Person": { "type": "object", "properties": { "id": int, "full_name": text, "birth_year": opt_int, "party_admitted_on": opt_date,
            "party_full_member_on": opt_date, "party_status": { "type": "string", "enum": ["not_member", "probationary", "full"] },
            "row_version": int, "posts": { "type": "array", "items": { "$ref": "#/components/schemas/Post" } } } },
        "Post": { "type": "object", "properties": { "id": int, "unit_id": int, "unit_name": text, "title": text, "valid_from": date, "valid_to": opt_date, "row_version": int } },
        "PersonInput": { "type": "object", "required": ["full_name"], "properties": { "full_name": text, "birth_year": opt_int,
            "party_admitted_on": opt_date, "party_full_member_on": opt_date, "version": int, "post": { "$ref": "#/components/schemas/PostInput" } } },
        "PostInput": { "type": "object", "required": ["unit_id", "title", "valid_from"], "properties": { "unit_id": int, "title": text, "valid_from": date, "valid_to": opt_date } },
        "EndPost": { "type": "object", "required": ["valid_to", "version"], "properties": { "valid_to": date, "version": int } },
        "Account": { "type": "object", "properties": { "id": int, "username": text, "display_name": text, "is_active": { "type": "boolean" }, "row_version": int,
            "grants": { "type": "array", "items": { "$ref": "#/components/schemas/Grant" } } } },
        "Grant": { "type": "object", "properties": { "id": int, "role": text, "unit_id": opt_int, "valid_from": date, "valid_to": opt_date, "revoked": { "type": "boolean" }, "in_force": { "type": "boolean" } } },
        "NewAccount": { "type": "object", "required": ["username", "display_name", "password"], "properties": { "username": text, "display_name": text, "password": text } },
        "AccountUpdate": { "type": "object", "required": ["display_name", "is_active", "version"], "properties": { "display_name": text, "is_active": { "type": "boolean" }, "new_password": opt_text, "version": int } },
        "GrantInput": { "type": "object", "required": ["role"], "properties": { "role": { "type": "string", "enum": ["admin", "editor", "reporter", "viewer", "inspector"] }, "unit_id": opt_int, "valid_from": opt_date, "valid_to": opt_date } },
        "TokenInput": { "type": "object", "required": ["name"], "properties": { "name": text, "valid_days": opt_int } },
        "AuditEntry": { "type": "object", "properties": { "id": int, "at": { "type": "string", "format": "date-time" }, "actor_label": text, "action": text, "entity_type": text, "entity_id": int, "before": { "type": "object", "nullable": true }, "after": { "type": "object", "nullable": true } } },
        "Me": { "type": "object", "properties": { "account_id": int, "username": text, "display_name": text, "grants": { "type": "array", "items": { "type": "object" } } } },
    });
    if let (Value::Object(all), Value::Object(plans)) = (&mut schemas, plan_schemas()) {
        all.extend(plans);
    }
    if let (Value::Object(all), Value::Object(reports)) = (&mut schemas, report_schemas()) {
        all.extend(reports);
    }
    schemas
}

/// The schemas of reporting cycles (calendars, reports, their sheets).
fn report_schemas() -> Value {
    let date = json!({ "type": "string", "format": "date" });
    let int = json!({ "type": "integer" });
    let opt_int = json!({ "type": "integer", "nullable": true });
    let text = json!({ "type": "string" });
    let opt_text = json!({ "type": "string", "nullable": true });
    let state = json!({ "type": "string", "enum": ["draft", "submitted", "returned", "accepted"] });
    let cadence = json!({ "type": "string", "enum": ["monthly", "quarterly", "first_half", "nine_months", "yearly", "mid_term", "term"] });
    json!({
        "CalendarInput": { "type": "object", "required": ["cadence", "first_year", "last_year", "days_after_end"], "properties": {
            "cadence": cadence, "first_year": int, "last_year": int,
            "days_after_end": { "type": "integer", "description": "Working days after the period ends, for the plan's own unit" },
            "lead_days": { "type": "integer", "description": "Working days each level below reports before the level above" } } },
        "PlanCalendars": { "type": "object", "properties": { "document_id": int, "counted": { "type": "string", "enum": ["accepted", "submitted", "any"] },
            "can_edit": { "type": "boolean" }, "calendars": { "type": "array", "items": { "type": "object", "properties": {
                "id": int, "cadence": cadence, "first_year": int, "last_year": int, "rule": { "type": "object" }, "row_version": int,
                "periods": { "type": "array", "items": { "type": "object", "properties": { "period": text, "deadlines": { "type": "array", "items": date } } } } } } } } },
        "Counting": { "type": "object", "required": ["counted"], "properties": { "counted": { "type": "string", "enum": ["accepted", "submitted", "any"] } } },
        "CalendarDay": { "type": "object", "properties": { "day": date, "working": { "type": "boolean" }, "note": opt_text } },
        "CalendarDayInput": { "type": "object", "required": ["working"], "properties": { "working": { "type": "boolean" }, "note": opt_text } },
        "ReportOpen": { "type": "object", "required": ["unit_id", "period"], "properties": { "unit_id": int, "period": text } },
        "Report": { "type": "object", "properties": { "id": int, "document_id": int, "unit_id": int, "period": text, "revision": int, "state": state,
            "deadline": date, "narrative": opt_text, "late": { "type": "boolean" }, "review_comment": opt_text, "row_version": int,
            "revisions": int, "can_edit": { "type": "boolean" }, "can_review": { "type": "boolean" } } },
        "ReportSheet": { "type": "object", "properties": { "id": int, "unit_id": int, "unit_code": text, "unit_name": text, "period": text, "state": state, "row_version": int,
            "targets": { "type": "array", "items": { "type": "object", "properties": { "target": { "type": "object" }, "goal": { "type": "object", "nullable": true },
                "actual": { "type": "object", "nullable": true }, "in_report": { "type": "boolean" } } } },
            "items": { "type": "array", "items": { "type": "object", "properties": { "item": { "type": "object" }, "state": text,
                "line": { "type": "object", "nullable": true, "properties": { "percent": opt_int, "narrative": opt_text } } } } },
            "evidence": { "type": "array", "items": { "type": "object", "properties": { "id": int, "file_name": text, "content_type": text,
                "size_bytes": int, "sha256": text, "work_item_id": opt_int } } } } },
        "ReportDraft": { "type": "object", "required": ["version"], "properties": { "version": int, "narrative": opt_text,
            "values": { "type": "array", "items": { "type": "object", "required": ["target_id"], "properties": { "target_id": int, "value": opt_text,
                "numerator": opt_text, "denominator": opt_text, "flag": { "type": "boolean", "nullable": true }, "not_applicable": { "type": "boolean" },
                "note": opt_text, "row_version": opt_int } } },
            "lines": { "type": "array", "items": { "type": "object", "required": ["work_item_id"], "properties": { "work_item_id": int,
                "percent": opt_int, "narrative": opt_text } } } } },
        "ReportActionInput": { "type": "object", "required": ["action", "version"], "properties": {
            "action": { "type": "string", "enum": ["submit", "accept", "return", "reopen"] }, "comment": opt_text, "version": int } },
        "Consolidated": { "type": "object", "properties": { "unit_id": int, "unit_code": text, "state_on": date, "reports_gathered": int,
            "overview": { "type": "object", "description": "The plan's figures at the level, with the headline" },
            "national": { "type": "array", "items": { "type": "array", "description": "[state, count] for done_on_time, done_late, not_done_within_time, not_done_overdue" } },
            "items": { "type": "array", "items": { "type": "object", "properties": { "item": { "type": "object" }, "state": text, "national": text,
                "lines": { "type": "array", "items": { "type": "object", "properties": { "unit_id": int, "unit_name": text, "work_item_id": int, "percent": opt_int, "narrative": opt_text } } } } } },
            "narratives": { "type": "array", "items": { "type": "object", "properties": { "unit_id": int, "unit_name": text, "report_id": int, "narrative": text } } },
            "draft": { "type": "string", "description": "The compiled text, in Vietnamese" } } },
        "Dashboard": { "type": "object", "properties": { "unit_id": int, "unit_code": text, "unit_name": text, "period": text, "as_of": date,
            "plans": { "type": "array", "items": { "type": "object" } }, "document": { "type": "object", "nullable": true },
            "headline": { "type": "object", "nullable": true, "properties": { "met": int, "total": int, "no_data": int } },
            "targets": { "type": "array", "items": { "type": "object" } },
            "months": { "type": "array", "items": { "type": "object", "properties": { "period": text, "met": int, "judged": int, "total": int } } },
            "item_states": { "type": "array", "items": { "type": "array" } }, "national": { "type": "array", "items": { "type": "array" } }, "items_total": int,
            "reports": { "type": "object", "nullable": true, "description": "As PeriodReports, below the unit" },
            "behind_targets": { "type": "array", "items": { "type": "object" } }, "behind_items": { "type": "array", "items": { "type": "object" } } } },
        "ReminderPolicy": { "type": "object", "required": ["kind", "days", "audience"], "properties": { "id": int,
            "kind": { "type": "string", "enum": ["before_deadline", "after_period_end", "overdue"] }, "days": int,
            "audience": { "type": "string", "enum": ["reporters", "reviewers", "both"] }, "email": { "type": "boolean" }, "webhook": { "type": "boolean" } } },
        "Preferences": { "type": "object", "properties": { "email": opt_text, "daily_digest": { "type": "boolean" } } },
        "WebhookInput": { "type": "object", "required": ["url"], "properties": { "url": text } },
        "PeriodReports": { "type": "object", "properties": { "document_id": int, "period": text, "under": int, "as_of": date,
            "received": int, "missing": int, "late": int, "units": { "type": "array", "items": { "type": "object", "properties": {
                "unit_id": int, "unit_code": text, "unit_name": text, "parent_id": opt_int, "depth": int, "deadline": date, "report_id": opt_int,
                "state": { "type": "string", "nullable": true }, "revision": opt_int, "late": { "type": "boolean" }, "received": { "type": "boolean" },
                "overdue": { "type": "boolean" } } } } } },
    })
}

/// The schemas of plans (documents, targets, work items), kept apart: one `json!` holds only
/// so much.
fn plan_schemas() -> Value {
    let date = json!({ "type": "string", "format": "date" });
    let opt_date = json!({ "type": "string", "format": "date", "nullable": true });
    let int = json!({ "type": "integer" });
    let opt_int = json!({ "type": "integer", "nullable": true });
    let text = json!({ "type": "string" });
    let opt_text = json!({ "type": "string", "nullable": true });
    json!({
        "Document": { "type": "object", "properties": { "id": int, "number": text, "grammar": { "type": "string", "enum": ["party", "state"] }, "kind": text,
            "issuer_unit_id": opt_int, "issuer_name": opt_text, "issued_on": date, "summary": text, "theme_of_year": opt_text, "phase": opt_text,
            "vision_year": opt_int, "concretizes": opt_int, "concretizes_number": opt_text, "row_version": int,
            "files": { "type": "array", "items": { "type": "object" } }, "can_edit": { "type": "boolean" } } },
        "DocumentInput": { "type": "object", "required": ["number", "kind", "issued_on", "summary"], "properties": { "number": text, "kind": text,
            "issuer_unit_id": opt_int, "issued_on": date, "summary": text, "theme_of_year": opt_text, "phase": opt_text, "vision_year": opt_int,
            "concretizes": opt_int, "version": int } },
        "Target": { "type": "object", "properties": { "id": int, "document_id": int, "code": text, "name": text, "field_code": opt_text,
            "themes": { "type": "array", "items": text }, "unit_of_measure": text,
            "value_type": { "type": "string", "enum": ["number", "percent", "money", "count", "yes_no", "ratio"] },
            "direction": { "type": "object", "description": "{\"direction\": \"increase\" | \"decrease\" | \"reach\" | \"range\", \"min\", \"max\"}" },
            "aggregation": { "type": "object", "description": "{\"rule\": \"sum\" | \"mean\" | \"weighted_mean\" (with \"weight\") | \"ratio\" | \"min\" | \"max\" | \"count_achieving\" | \"all\" | \"none\"}" },
            "over_time": { "type": "string", "enum": ["sum", "latest"] }, "baseline": opt_text, "baseline_on": opt_date, "row_version": int } },
        "TargetInput": { "type": "object", "required": ["code", "name", "unit_of_measure", "value_type", "direction", "aggregation"], "properties": {
            "code": text, "name": text, "field_code": opt_text, "themes": { "type": "array", "items": text }, "unit_of_measure": text,
            "value_type": text, "direction": { "type": "string", "description": "increase, decrease, reach or range:MIN:MAX" },
            "aggregation": { "type": "string", "description": "sum, mean, weighted_mean:<weight>, ratio, min, max, count_achieving, all, none" },
            "over_time": { "type": "string", "enum": ["sum", "latest"] }, "reporting_kinds": { "type": "array", "items": text },
            "baseline": opt_text, "baseline_on": opt_date, "responsible_unit_id": opt_int, "concretizes": opt_int, "version": int } },
        "PlannedValue": { "type": "object", "required": ["period"], "properties": { "period": text, "value": { "type": "string", "nullable": true }, "row_version": opt_int } },
        "Quota": { "type": "object", "required": ["period", "unit_id"], "properties": { "period": text, "unit_id": int, "value": { "type": "string", "nullable": true }, "row_version": opt_int } },
        "Actual": { "type": "object", "properties": { "id": int, "target_id": int, "unit_id": int, "period": text, "observation": { "type": "object" }, "row_version": int } },
        "ActualInput": { "type": "object", "required": ["unit_id", "period"], "properties": { "unit_id": int, "period": text, "value": opt_text, "numerator": opt_text,
            "denominator": opt_text, "flag": { "type": "boolean", "nullable": true }, "not_applicable": { "type": "boolean" }, "note": opt_text, "row_version": opt_int } },
        "Rollup": { "type": "object", "required": ["value", "status", "explanation"], "properties": {
            "value": { "type": "string", "nullable": true, "description": "Exact decimal, a ratio in percent, rounded to two decimals" },
            "status": { "type": "string", "enum": ["exceeded", "achieved", "not_achieved", "no_data", "not_applicable", "not_judged"] },
            "goal": { "type": "string", "nullable": true }, "goal_source": { "type": "string", "enum": ["plan", "quota"], "nullable": true },
            "complete": { "type": "boolean" }, "counted": int, "missing": int, "not_applicable": int,
            "explanation": { "type": "object", "required": ["rule", "formula", "tree_date", "complete", "inputs_total"], "properties": {
                "rule": text, "counted": { "type": "string", "enum": ["accepted", "submitted", "any"] }, "over_time": text, "formula": text,
                "tree_date": date, "complete": { "type": "boolean" }, "inputs_total": int } } } },
        "RollupInputs": { "type": "object", "required": ["total", "offset", "items"], "properties": { "total": int, "offset": int,
            "items": { "type": "array", "items": { "type": "object", "required": ["unit_id", "treatment"], "properties": { "unit_id": int, "unit_code": text, "unit_name": text,
                "treatment": { "type": "string", "enum": ["counted", "missing", "not_applicable", "unusable"] }, "observation": { "type": "object", "nullable": true },
                "weight": opt_text, "from_periods": { "type": "array", "items": text }, "missing_periods": { "type": "array", "items": text },
                "pending": { "type": "array", "items": {} } } } } } },
        "WorkItem": { "type": "object", "properties": { "id": int, "document_id": int, "parent_id": opt_int, "concretizes": opt_int, "code": text, "title": text,
            "lead_unit_id": int, "lead_unit_name": text, "coordinating_unit_ids": { "type": "array", "items": int }, "responsible_person_id": opt_int,
            "target_ids": { "type": "array", "items": int }, "deadline": date,
            "state": { "type": "string", "enum": ["not_started", "in_progress_within_time", "overdue", "done_on_time", "done_late", "paused"] },
            "former_deadlines": { "type": "array", "items": { "type": "object" } }, "expected_product": opt_text, "result": opt_text, "row_version": int } },
        "WorkItemInput": { "type": "object", "required": ["code", "title", "lead_unit_id", "deadline"], "properties": { "code": text, "title": text,
            "field_code": opt_text, "themes": { "type": "array", "items": text }, "lead_unit_id": int, "coordinating_unit_ids": { "type": "array", "items": int },
            "responsible_person_id": opt_int, "target_ids": { "type": "array", "items": int }, "starts_on": opt_date, "deadline": date,
            "expected_product": opt_text, "result": opt_text, "concretizes": opt_int, "parent_id": opt_int, "version": int } },
        "ItemSplit": { "type": "object", "required": ["unit_ids"], "properties": { "unit_ids": { "type": "array", "items": int } } },
        "Progress": { "type": "object", "required": ["action", "version"], "properties": { "action": { "type": "string", "enum": ["start", "complete"] }, "done_on": opt_date, "result": opt_text, "version": int } },
        "WorkItemRequest": { "type": "object", "required": ["kind", "reason"], "properties": { "kind": { "type": "string", "enum": ["move_deadline", "pause", "resume"] }, "deadline": opt_date, "reason": text } },
        "Decision": { "type": "object", "required": ["decision"], "properties": { "decision": { "type": "string", "enum": ["approved", "refused"] }, "note": opt_text } },
        "Milestone": { "type": "object", "required": ["title", "due_on"], "properties": { "title": text, "due_on": date } },
        "MilestoneDone": { "type": "object", "required": ["milestone_id"], "properties": { "milestone_id": int, "done_on": opt_date } },
        "PlanOverview": { "type": "object", "properties": { "period": text, "unit_id": opt_int, "state_on": date,
            "headline": { "type": "object", "properties": { "met": int, "total": int, "no_data": int } },
            "targets": { "type": "array", "items": { "type": "object" } }, "items": { "type": "array", "items": { "$ref": "#/components/schemas/WorkItem" } } } },
        "Coverage": { "type": "object", "properties": { "uncovered_targets": { "type": "array", "items": { "type": "object" } },
            "uncovered_items": { "type": "array", "items": { "type": "object" } }, "orphans": { "type": "array", "items": { "type": "object" } } } },
        "Cascade": { "type": "object", "properties": { "up": { "type": "array", "items": { "type": "object" } }, "down": { "type": "array", "items": { "type": "object" } } } },
        "UnitPlan": { "type": "object", "properties": { "unit_id": int, "unit_name": text, "day": date,
            "overdue": { "type": "array", "items": { "$ref": "#/components/schemas/WorkItem" } }, "due_soon": { "type": "array", "items": { "$ref": "#/components/schemas/WorkItem" } },
            "in_progress": { "type": "array", "items": { "$ref": "#/components/schemas/WorkItem" } }, "done": { "type": "array", "items": { "$ref": "#/components/schemas/WorkItem" } } } },
    })
}

pub(super) fn routes(api: Api) -> Api {
    api.route(
        RouteDoc::new("get", "/openapi.json", "meta", "This OpenAPI document").public(),
        get(|| async { Json(DOCUMENT.clone()) }),
    )
}
