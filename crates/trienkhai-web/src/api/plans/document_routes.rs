//! API of documents: their register, numbers, files and the chain they concretize.

use crate::AppState;
use crate::api::FileAnswer;
use crate::api::answers::{Created, NextNumber};
use crate::api::{Id, optional_date, required_date};
use crate::error::ApiError;
use crate::extract::{ApiActor, JsonBody};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use trienkhai_app::AppError;
use trienkhai_app::documents::{self, DocumentInput, DocumentView};
use trienkhai_core::ids::{DocumentFileId, DocumentId, UnitId};

/// A search among documents.
#[derive(Deserialize, schemars::JsonSchema)]
pub(super) struct DocumentQuery {
    /// Exact number, in any spelling (02-nq/hu finds 02-NQ/HU).
    number: Option<String>,
    /// Words of the summary, diacritics optional.
    q: Option<String>,
    /// Issued by this unit.
    issuer_unit_id: Option<i64>,
}

/// The name of an uploaded file.
#[derive(Deserialize, schemars::JsonSchema)]
pub(super) struct FileNameQuery {
    /// The file name (required), e.g. 02-NQ-HU.pdf.
    #[schemars(required)]
    name: Option<String>,
}

/// The type and date of the next document number.
#[derive(Deserialize, schemars::JsonSchema)]
pub(super) struct NumberQuery {
    /// The type of document (required): NQ, CT, KH …
    #[serde(rename = "type")]
    #[schemars(required)]
    type_code: Option<String>,
    /// Issue date; default today.
    #[schemars(with = "Option<chrono::NaiveDate>")]
    on: Option<String>,
}

pub(super) async fn list_documents(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(q): Query<DocumentQuery>,
) -> Result<Json<Vec<DocumentView>>, ApiError> {
    Ok(Json(
        documents::list_documents(
            &state.app,
            &actor,
            q.number.as_deref(),
            q.q.as_deref(),
            q.issuer_unit_id.map(UnitId),
        )
        .await?,
    ))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct DocumentBody {
    number: String,
    kind: String,
    issuer_unit_id: Option<i64>,
    #[schemars(with = "Option<chrono::NaiveDate>")]
    #[schemars(required)]
    issued_on: Option<String>,
    summary: String,
    theme_of_year: Option<String>,
    phase: Option<String>,
    vision_year: Option<i64>,
    concretizes: Option<i64>,
    version: Option<i64>,
}

impl DocumentBody {
    fn input(&self) -> Result<DocumentInput, ApiError> {
        Ok(DocumentInput {
            number: self.number.clone(),
            kind: self.kind.clone(),
            issuer_unit_id: self.issuer_unit_id.map(UnitId),
            issued_on: Some(required_date(&self.issued_on, "issued_on")?),
            summary: self.summary.clone(),
            theme_of_year: self.theme_of_year.clone(),
            phase: self.phase.clone(),
            vision_year: self.vision_year,
            concretizes: self.concretizes.map(DocumentId),
        })
    }
}

pub(super) async fn create_document(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    JsonBody(body): JsonBody<DocumentBody>,
) -> Result<Json<Created>, ApiError> {
    let id = documents::register_document(&state.app, &actor, &body.input()?, "user").await?;
    Ok(Json(Created::of(id)))
}

pub(super) async fn document(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
) -> Result<Json<DocumentView>, ApiError> {
    Ok(Json(
        documents::get_document(&state.app, &actor, DocumentId(id)).await?,
    ))
}

pub(super) async fn update_document(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(body): JsonBody<DocumentBody>,
) -> Result<Json<DocumentView>, ApiError> {
    let version = body
        .version
        .ok_or_else(|| AppError::invalid("required", "version"))?;
    documents::update_document(&state.app, &actor, DocumentId(id), &body.input()?, version).await?;
    Ok(Json(
        documents::get_document(&state.app, &actor, DocumentId(id)).await?,
    ))
}

pub(super) async fn chain(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
) -> Result<Json<Vec<DocumentView>>, ApiError> {
    Ok(Json(
        documents::chain_up(&state.app, &actor, DocumentId(id)).await?,
    ))
}

pub(super) async fn attach(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    Query(q): Query<FileNameQuery>,
    body: Bytes,
) -> Result<Json<Created>, ApiError> {
    let name = q
        .name
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| AppError::invalid("required", "name"))?;
    let file = documents::attach_file(&state.app, &actor, DocumentId(id), &name, &body).await?;
    Ok(Json(Created::of(file)))
}

/// A stored file, sent as an attachment under its cleaned name.
pub(crate) fn file_response(record: &documents::DocumentFile, bytes: Vec<u8>) -> Response {
    attachment(&record.file_name, &record.content_type, bytes)
}

/// Bytes sent as a download under `name` (encoded, never trusted as a header as such).
pub(crate) fn attachment(name: &str, content_type: &str, bytes: Vec<u8>) -> Response {
    let disposition = format!(
        "attachment; filename=\"download\"; filename*=UTF-8''{}",
        crate::fmt::url_encode(name)
    );
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

pub(super) async fn download(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
) -> Result<FileAnswer, ApiError> {
    let (record, bytes) = documents::file(&state.app, &actor, DocumentFileId(id)).await?;
    Ok(FileAnswer(file_response(&record, bytes)))
}

pub(super) async fn next_number(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    Query(q): Query<NumberQuery>,
) -> Result<Json<NextNumber>, ApiError> {
    let on = optional_date(&q.on, "on")?.unwrap_or_else(|| state.app.today());
    let type_code = q
        .type_code
        .ok_or_else(|| AppError::invalid("required", "type"))?;
    let number = documents::next_number(&state.app, &actor, UnitId(id), &type_code, on)
        .await
        .map_err(|e| {
            crate::api::with_api_names(e, &[("type_code", "type"), ("issued_on", "on")])
        })?;
    Ok(Json(NextNumber { number }))
}
