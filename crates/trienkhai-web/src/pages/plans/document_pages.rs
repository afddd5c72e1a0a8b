//! Screens of documents: the list, the registration and edit forms, the file upload and download.

use crate::AppState;
use crate::error::PageError;
use crate::extract::{FormBody, PageActor};
use crate::fmt;
use crate::i18n::{Lang, tr};
use crate::pages::{PageCtx, edits_somewhere, form_date, render, see_other, unit_by_code};
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::Uri;
use axum::response::Response;
use serde::Deserialize;
use trienkhai_app::AppError;
use trienkhai_app::documents::{self, DocumentInput, DocumentView};
use trienkhai_core::ids::{DocumentFileId, DocumentId};

pub(super) fn kind_label(lang: Lang, kind: &str) -> String {
    let key = format!("dockind.{kind}");
    if crate::i18n::has(&key) {
        tr(lang, &key).to_owned()
    } else {
        kind.to_owned()
    }
}

pub struct DocRow {
    pub id: i64,
    pub number: String,
    pub kind: String,
    pub issuer: String,
    pub issued_on: String,
    pub summary: String,
    pub concretizes: String,
    pub illustrative: bool,
}

pub(super) fn doc_row(d: &DocumentView, lang: Lang) -> DocRow {
    DocRow {
        id: d.document.id.0,
        number: d.document.number.clone(),
        kind: kind_label(lang, &d.document.kind),
        issuer: d.issuer_name.clone().unwrap_or_default(),
        issued_on: fmt::date(d.document.issued_on),
        summary: d.document.summary.clone(),
        concretizes: d.concretizes_number.clone().unwrap_or_default(),
        illustrative: d.document.source == "illustrative",
    }
}

#[derive(Template)]
#[template(path = "documents.html")]
pub(super) struct ListPage {
    ctx: PageCtx,
    number: String,
    q: String,
    rows: Vec<DocRow>,
    can_create: bool,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    number: Option<String>,
    q: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
    Query(query): Query<ListQuery>,
) -> Result<Response, PageError> {
    let ctx = PageCtx::new(&page, &uri);
    let docs = documents::list_documents(
        &state.app,
        &page.actor,
        query.number.as_deref(),
        query.q.as_deref(),
        None,
    )
    .await?;
    render(&ListPage {
        rows: docs.iter().map(|d| doc_row(d, ctx.lang())).collect(),
        number: query.number.unwrap_or_default(),
        q: query.q.unwrap_or_default(),
        can_create: edits_somewhere(&page.actor),
        ctx,
    })
}

#[derive(Template)]
#[template(path = "document_new.html")]
pub(super) struct NewPage {
    ctx: PageCtx,
    issuer: String,
    type_code: String,
    suggested: String,
    kinds: Vec<(String, String)>,
    today: String,
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    issuer: Option<String>,
    #[serde(rename = "type")]
    type_code: Option<String>,
    on: Option<String>,
}

pub async fn new_form(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
    Query(query): Query<NewQuery>,
) -> Result<Response, PageError> {
    if !edits_somewhere(&page.actor) {
        return Err(PageError(AppError::Forbidden));
    }
    let ctx = PageCtx::new(&page, &uri);
    let issuer = query.issuer.unwrap_or_default();
    let type_code = query.type_code.unwrap_or_else(|| "NQ".into());
    let on = form_date(&query.on, "issued_on")?.unwrap_or_else(|| state.app.today());
    let suggested = match unit_by_code(&state, Some(&issuer), "issuer_unit_id").await? {
        Some(unit) => documents::next_number(&state.app, &page.actor, unit, &type_code, on).await?,
        None => String::new(),
    };
    let lang = ctx.lang();
    render(&NewPage {
        kinds: documents::KINDS
            .iter()
            .map(|k| ((*k).to_owned(), kind_label(lang, k)))
            .collect(),
        issuer,
        type_code,
        suggested,
        today: fmt::date(on),
        ctx,
    })
}

#[derive(Deserialize)]
pub struct DocumentForm {
    csrf: String,
    number: String,
    kind: String,
    issuer_code: Option<String>,
    issued_on: Option<String>,
    summary: String,
    theme_of_year: Option<String>,
    phase: Option<String>,
    vision_year: Option<String>,
    concretizes_number: Option<String>,
    version: Option<i64>,
}

/// The document a form describes; the concretized document is named by its number.
pub(super) async fn document_input(
    state: &AppState,
    page: &PageActor,
    form: DocumentForm,
) -> Result<DocumentInput, PageError> {
    let concretizes = match form.concretizes_number.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(n) => {
            let found =
                documents::list_documents(&state.app, &page.actor, Some(n), None, None).await?;
            Some(
                found
                    .first()
                    .map(|d| d.document.id)
                    .ok_or_else(|| AppError::invalid("not_found", "concretizes"))?,
            )
        }
    };
    let vision_year = match form.vision_year.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(y) => Some(
            y.parse()
                .map_err(|_| AppError::invalid("out_of_range", "vision_year"))?,
        ),
    };
    Ok(DocumentInput {
        number: form.number,
        kind: form.kind,
        issuer_unit_id: unit_by_code(state, form.issuer_code.as_deref(), "issuer_unit_id").await?,
        issued_on: form_date(&form.issued_on, "issued_on")?,
        summary: form.summary,
        theme_of_year: form.theme_of_year,
        phase: form.phase,
        vision_year,
        concretizes,
    })
}

pub async fn create(
    State(state): State<AppState>,
    page: PageActor,
    FormBody(form): FormBody<DocumentForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    let input = document_input(&state, &page, form).await?;
    let id = documents::register_document(&state.app, &page.actor, &input, "user").await?;
    Ok(see_other(&format!("/documents/{id}")))
}

/// Corrects a document from its page, with the version the person saw.
pub async fn update(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
    FormBody(form): FormBody<DocumentForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    let version = form
        .version
        .ok_or_else(|| AppError::invalid("required", "version"))?;
    let input = document_input(&state, &page, form).await?;
    documents::update_document(&state.app, &page.actor, DocumentId(id), &input, version).await?;
    Ok(see_other(&format!("/documents/{id}")))
}

/// What the edit form of a document starts from.
pub struct DocumentEdit {
    pub kind: String,
    pub issuer_code: String,
    pub issued_on: String,
    pub summary: String,
    pub theme_of_year: String,
    pub phase: String,
    pub vision_year: String,
    pub concretizes: String,
    pub row_version: i64,
    pub kinds: Vec<(String, String)>,
}

/// The document's file, uploaded from the plan page (multipart form with the CSRF token).
pub async fn upload(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    let mut csrf = String::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    let bad = || PageError(AppError::invalid("invalid_form", "file"));
    while let Some(field) = multipart.next_field().await.map_err(|_| bad())? {
        match field.name() {
            Some("csrf") => csrf = field.text().await.map_err(|_| bad())?,
            Some("file") => {
                let name = field.file_name().unwrap_or("").to_owned();
                let bytes = field.bytes().await.map_err(|_| {
                    PageError(AppError::Invalid(trienkhai_core::error::DomainError::new(
                        "file_too_large",
                        "file",
                    )))
                })?;
                file = Some((name, bytes.to_vec()));
            }
            _ => {}
        }
    }
    page.check_csrf(&csrf)?;
    let (name, bytes) = file.ok_or_else(|| AppError::invalid("required", "file"))?;
    documents::attach_file(&state.app, &page.actor, DocumentId(id), &name, &bytes).await?;
    Ok(see_other(&format!("/documents/{id}")))
}

pub async fn download(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let (record, bytes) = documents::file(&state.app, &page.actor, DocumentFileId(id)).await?;
    Ok(crate::api::file_response(&record, bytes))
}
