//! What the keeper of catalogues does on pages (C11): import a province's own variant from an
//! Excel or CSV table (read first, every bad row told by its line; kept only when asked and
//! clean), and correct the figures of a version still to check against the text (a threshold,
//! the standard's range, the pass mark), under the version read.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use rust_decimal::Decimal;
use trienkhai_app::AppError;
use trienkhai_app::criteria::{self, CatalogueHeader};
use trienkhai_app::criteria_figures::{self, FigureInput, FiguresInput};
use trienkhai_core::criteria::{CatalogueKind, Measure, PassRule};
use trienkhai_core::vn::{format_decimal, parse_decimal};

use super::criteria::{kind_label, requirement};
use super::report_form::read_posted;
use super::{PageCtx, pair, refusal_line, render, see_other};
use crate::AppState;
use crate::error::PageError;
use crate::extract::{FormBody, PageActor};
use crate::fmt;
use crate::i18n::{Lang, field_label, tr};

#[derive(Template)]
#[template(path = "criteria_import.html")]
struct ImportPage {
    ctx: PageCtx,
    fields: HashMap<String, String>,
    kinds: Vec<(&'static str, &'static str)>,
    error: String,
    /// Line, column, what is wrong.
    row_errors: Vec<(usize, String, String)>,
    /// What a dry run read: groups, criteria.
    preview: Option<(usize, usize)>,
}

/// A column of the table as its heading says it.
fn column_label(lang: Lang, field: &str) -> String {
    let key = format!("criteria.col.{field}");
    if crate::i18n::has(&key) {
        tr(lang, &key).to_owned()
    } else {
        field_label(lang, field)
    }
}

impl ImportPage {
    /// A field as typed (empty when it was not).
    fn field(&self, name: &str) -> &str {
        self.fields.get(name).map_or("", String::as_str)
    }
}

fn kinds(lang: Lang) -> Vec<(&'static str, &'static str)> {
    CatalogueKind::ALL
        .into_iter()
        .map(|k| (k.as_str(), kind_label(lang, k)))
        .collect()
}

pub async fn import_form(
    State(_state): State<AppState>,
    page: PageActor,
    uri: Uri,
) -> Result<Response, PageError> {
    if !criteria::keeps_catalogues(&page.actor) {
        return Err(PageError(AppError::Forbidden));
    }
    let ctx = PageCtx::new(&page, &uri);
    render(&ImportPage {
        kinds: kinds(ctx.lang()),
        fields: HashMap::new(),
        error: String::new(),
        row_errors: Vec::new(),
        preview: None,
        ctx,
    })
}

fn header_of(f: &HashMap<String, String>) -> Result<CatalogueHeader, AppError> {
    let get = |k: &str| f.get(k).map(|v| v.trim().to_owned()).unwrap_or_default();
    let optional = |k: &str| Some(get(k)).filter(|v| !v.is_empty());
    let date = |k: &str| fmt::parse_date_field(&get(k), k);
    Ok(CatalogueHeader {
        code: get("code"),
        name: get("name"),
        kind: CatalogueKind::parse(&get("kind"))?,
        class: optional("class"),
        region: optional("region"),
        source: get("source"),
        effective_from: date("effective_from")?
            .ok_or_else(|| AppError::invalid("required", "effective_from"))?,
        effective_to: date("effective_to")?,
        pass_mark: optional("pass_mark")
            .map(|m| {
                parse_decimal(&m).map_err(|_| AppError::invalid("number_invalid", "pass_mark"))
            })
            .transpose()?,
    })
}

/// Reads the table sent; a dry run shows what was read, else it is kept when clean.
pub async fn import(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
    multipart: Multipart,
) -> Result<Response, PageError> {
    let posted = read_posted(multipart).await?;
    page.check_csrf(posted.fields.get("csrf").map(String::as_str).unwrap_or(""))?;
    let ctx = PageCtx::new(&page, &uri);
    let lang = ctx.lang();
    let dry_run = posted.fields.get("dry_run").is_some_and(|v| v == "1");
    let attempt = async {
        let header = header_of(&posted.fields)?;
        let (_, bytes) = posted
            .file
            .as_ref()
            .ok_or_else(|| AppError::invalid("required", "file"))?;
        let table = trienkhai_app::criteria_table::read_table(bytes)?;
        criteria::import(&state.app, &page.actor, &header, &table, dry_run).await
    };
    let (error, row_errors, preview) = match attempt.await {
        Ok(o) if o.errors.is_empty() => match (o.id, o.catalogue) {
            (Some(id), _) => return Ok(see_other(&format!("/criteria/catalogues/{id}"))),
            (None, Some(c)) => (
                String::new(),
                Vec::new(),
                Some((c.groups.len(), c.criteria.len())),
            ),
            (None, None) => (String::new(), Vec::new(), None),
        },
        Ok(o) => (
            String::new(),
            o.errors
                .iter()
                .map(|e| {
                    (
                        e.line,
                        column_label(lang, &e.field),
                        crate::i18n::error_message(lang, e.code).to_owned(),
                    )
                })
                .collect(),
            None,
        ),
        Err(e @ AppError::Invalid(_)) => (refusal_line(lang, &e), Vec::new(), None),
        Err(e) => return Err(PageError(e)),
    };
    let refused = preview.is_none();
    let mut response = render(&ImportPage {
        kinds: kinds(lang),
        fields: posted.fields,
        error,
        row_errors,
        preview,
        ctx,
    })?;
    if refused {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

struct FigureRow {
    code: String,
    name: String,
    requirement: String,
    /// Input name suffix, label, value: the threshold, or the standard's minimum and maximum.
    inputs: Vec<(&'static str, &'static str, String)>,
    to_verify: bool,
}

#[derive(Template)]
#[template(path = "criteria_edit.html")]
struct EditPage {
    ctx: PageCtx,
    id: i64,
    name: String,
    version: i64,
    pass_mark: Option<String>,
    pass_to_verify: bool,
    rows: Vec<FigureRow>,
    error: String,
}

/// A refused edit: the form's pairs, why, and the version to offer.
type Typed<'a> = (&'a [(String, String)], String, i64);

async fn edit_page(
    state: &AppState,
    page: &PageActor,
    uri: &Uri,
    id: i64,
    typed: Option<Typed<'_>>,
) -> Result<Response, PageError> {
    if !criteria::keeps_catalogues(&page.actor) {
        return Err(PageError(AppError::Forbidden));
    }
    let ctx = PageCtx::new(page, uri);
    let lang = ctx.lang();
    let stored = criteria::catalogue(&state.app, &page.actor, id).await?;
    let c = &stored.catalogue;
    let n = |d: &Decimal| format_decimal(d, 6);
    let typed_value = |key: String, kept: String| match typed {
        Some((pairs, _, _)) => pair(pairs, &key).unwrap_or_default(),
        None => kept,
    };
    let rows = c
        .criteria
        .iter()
        .map(|k| {
            let inputs = match k.measure {
                Measure::Threshold { threshold, .. } => vec![(
                    "threshold",
                    tr(lang, "criteria.measure"),
                    typed_value(format!("threshold.{}", k.code), n(&threshold)),
                )],
                Measure::Scored {
                    minimum, maximum, ..
                } => vec![
                    (
                        "minimum",
                        tr(lang, "criteria.min_points"),
                        typed_value(format!("minimum.{}", k.code), n(&minimum)),
                    ),
                    (
                        "maximum",
                        tr(lang, "criteria.max_points"),
                        typed_value(format!("maximum.{}", k.code), n(&maximum)),
                    ),
                ],
                Measure::Met | Measure::Points => Vec::new(),
            };
            FigureRow {
                code: k.code.clone(),
                name: k.name.clone(),
                requirement: requirement(lang, k),
                inputs,
                to_verify: match typed {
                    Some((pairs, _, _)) => pair(pairs, &format!("verify.{}", k.code)).is_some(),
                    None => k.to_verify,
                },
            }
        })
        .collect();
    let (error, version) = match &typed {
        Some((_, error, version)) => (error.clone(), *version),
        None => (String::new(), stored.row_version),
    };
    render(&EditPage {
        id,
        name: c.name.clone(),
        version,
        pass_mark: match c.pass_rule {
            PassRule::PassMark { mark } => Some(typed_value("pass_mark".into(), n(&mark))),
            PassRule::AllCriteria => None,
        },
        pass_to_verify: match typed {
            Some((pairs, _, _)) => pair(pairs, "pass_verify").is_some(),
            None => c.pass_to_verify,
        },
        rows,
        error,
        ctx,
    })
}

pub async fn edit_form(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    edit_page(&state, &page, &uri, id, None).await
}

/// Applies the figures typed to the version read; refused, the form comes back as typed.
pub async fn edit(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
    Path(id): Path<i64>,
    FormBody(pairs): FormBody<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let version = super::checked_version(&page, &pairs)?;
    let stored = criteria::catalogue(&state.app, &page.actor, id).await?;
    let number = |key: String| {
        let raw = pair(&pairs, &key).unwrap_or_default();
        parse_decimal(raw.trim()).map_err(|_| AppError::invalid("number_invalid", &key))
    };
    let attempt = async {
        let checked = |key: String| pair(&pairs, &key).is_some();
        let mut figures = FiguresInput {
            pass_to_verify: Some(checked("pass_verify".into())),
            ..FiguresInput::default()
        };
        for k in &stored.catalogue.criteria {
            let mut f = FigureInput {
                code: k.code.clone(),
                to_verify: Some(checked(format!("verify.{}", k.code))),
                ..FigureInput::default()
            };
            match k.measure {
                Measure::Threshold { .. } => {
                    f.threshold = Some(number(format!("threshold.{}", k.code))?);
                }
                Measure::Scored { .. } => {
                    f.minimum = Some(number(format!("minimum.{}", k.code))?);
                    f.maximum = Some(number(format!("maximum.{}", k.code))?);
                }
                Measure::Met | Measure::Points => {}
            }
            figures.criteria.push(f);
        }
        if let PassRule::PassMark { .. } = stored.catalogue.pass_rule {
            figures.pass_mark = Some(number("pass_mark".into())?);
        }
        criteria_figures::correct(&state.app, &page.actor, id, &figures, version).await
    };
    let refused = match attempt.await {
        Ok(_) => return Ok(see_other(&format!("/criteria/catalogues/{id}"))),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict { .. })) => e,
        Err(e) => return Err(PageError(e)),
    };
    let conflict = matches!(refused, AppError::Conflict { .. });
    let lang = PageCtx::new(&page, &uri).lang();
    let shown_version = if conflict {
        criteria::catalogue(&state.app, &page.actor, id)
            .await?
            .row_version
    } else {
        version
    };
    let error = refusal_line(lang, &refused);
    let response = edit_page(
        &state,
        &page,
        &uri,
        id,
        Some((&pairs, error, shown_version)),
    )
    .await?;
    Ok(super::refused_status(response, &refused))
}
