//! One registration of work items (C9) on a page: its items to write, send, approve or return,
//! amend, assess and remark on. Items are tied to the plan's work items chosen by name. A refused
//! form comes back with what was typed. The year's hub is `registration_lists`.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use trienkhai_app::AppError;
use trienkhai_app::registrations::{self, ItemInput};
use trienkhai_core::ids::WorkItemId;
use trienkhai_core::registration::{
    AssessmentPhase, Outcome, RegistrationAction, RegistrationState,
};

use super::{PageCtx, checked_version, pair, refusal, render, see_other};
use crate::AppState;
use crate::error::PageError;
use crate::extract::{FormBody, PageActor};
use crate::fmt;
use crate::i18n::{self, Lang};

pub(crate) fn state_label(lang: Lang, s: RegistrationState) -> &'static str {
    i18n::tr(lang, &format!("registration.state.{}", s.as_str()))
}

fn outcome_label(lang: Lang, o: Outcome) -> &'static str {
    i18n::tr(lang, &format!("registration.outcome.{}", o.as_str()))
}

fn phase_label(lang: Lang, p: AssessmentPhase) -> &'static str {
    i18n::tr(lang, &format!("registration.phase.{}", p.as_str()))
}

/// An item's row in the form, as stored or as typed.
pub struct ItemRow {
    content: String,
    product: String,
    measure: String,
    deadline: String,
    work_item: String,
}

/// An item as read, with its assessments.
pub struct ItemView {
    id: i64,
    content: String,
    product: String,
    measure: String,
    deadline: String,
    concretizes: String,
    /// (phase code, phase, outcome with %, note, remark)
    assessments: Vec<(&'static str, &'static str, String, String, String)>,
    /// Evidence files: (id, file name, phase).
    evidence: Vec<(i64, String, &'static str)>,
}

#[derive(Template)]
#[template(path = "registration.html")]
struct RegistrationPage {
    ctx: PageCtx,
    id: i64,
    person_name: String,
    year: i32,
    version: i64,
    unit_name: String,
    document_number: String,
    state: &'static str,
    state_code: &'static str,
    comment: String,
    row_version: i64,
    items: Vec<ItemView>,
    can_edit: bool,
    can_decide: bool,
    can_assess: bool,
    can_remark: bool,
    can_amend: bool,
    rows: Vec<ItemRow>,
    work_items: Vec<(String, String)>,
    error: Option<(String, String)>,
}

async fn build(
    state: &AppState,
    page: &PageActor,
    uri: &Uri,
    id: i64,
    typed: Option<(Vec<ItemRow>, AppError)>,
) -> Result<RegistrationPage, PageError> {
    let ctx = PageCtx::new(page, uri);
    let lang = ctx.lang();
    let v = registrations::get(&state.app, &page.actor, id).await?;
    let reg = &v.registration;
    let plan_items = match reg.document_id {
        Some(doc) => {
            trienkhai_app::work_items::items_of_document(&state.app, &page.actor, doc, None)
                .await?
                .iter()
                .map(|w| {
                    (
                        w.item.id.0.to_string(),
                        format!("{} – {}", w.item.code, w.item.title),
                    )
                })
                .collect()
        }
        None => Vec::new(),
    };
    let label_of = |id: WorkItemId| {
        plan_items
            .iter()
            .find(|(v, _)| *v == id.0.to_string())
            .map(|(_, l)| l.clone())
            .unwrap_or_default()
    };
    let items: Vec<ItemView> = v
        .items
        .iter()
        .map(|i| ItemView {
            id: i.id,
            content: i.content.clone(),
            product: i.product.clone(),
            measure: i.measure.clone().unwrap_or_default(),
            deadline: fmt::date(i.deadline),
            concretizes: match i.concretizes {
                Some(trienkhai_app::registrations::Concretizes::WorkItem(w)) => label_of(w),
                _ => String::new(),
            },
            assessments: v
                .assessments
                .iter()
                .filter(|a| a.item_id == i.id)
                .map(|a| {
                    (
                        a.phase.as_str(),
                        phase_label(lang, a.phase),
                        format!(
                            "{} ({}%)",
                            outcome_label(lang, a.assessment.outcome),
                            a.assessment.percent
                        ),
                        a.note.clone().unwrap_or_default(),
                        a.remark.clone().unwrap_or_default(),
                    )
                })
                .collect(),
            evidence: v
                .evidence
                .iter()
                .filter(|e| e.item_id == i.id)
                .map(|e| (e.id, e.file_name.clone(), phase_label(lang, e.phase)))
                .collect(),
        })
        .collect();
    let (rows, error) = match typed {
        Some((rows, e)) => {
            let (field, message) = refusal(lang, &e);
            (rows, Some((field, message)))
        }
        None => {
            let mut rows: Vec<ItemRow> = v
                .items
                .iter()
                .map(|i| ItemRow {
                    content: i.content.clone(),
                    product: i.product.clone(),
                    measure: i.measure.clone().unwrap_or_default(),
                    deadline: fmt::date(i.deadline),
                    work_item: match i.concretizes {
                        Some(trienkhai_app::registrations::Concretizes::WorkItem(w)) => {
                            w.0.to_string()
                        }
                        _ => String::new(),
                    },
                })
                .collect();
            let blank = if rows.is_empty() { 3 } else { 1 };
            for _ in 0..blank {
                rows.push(ItemRow {
                    content: String::new(),
                    product: String::new(),
                    measure: String::new(),
                    deadline: String::new(),
                    work_item: String::new(),
                });
            }
            (rows, None)
        }
    };
    Ok(RegistrationPage {
        id,
        person_name: v.person_name.clone(),
        year: reg.year,
        version: reg.version,
        unit_name: v.unit_name.clone(),
        document_number: v.document_number.clone().unwrap_or_default(),
        state: state_label(lang, reg.state),
        state_code: reg.state.as_str(),
        comment: reg.decision_comment.clone().unwrap_or_default(),
        row_version: reg.row_version,
        items,
        can_edit: v.can_edit,
        can_decide: v.can_decide,
        can_assess: v.can_assess,
        can_remark: v.can_remark,
        can_amend: v.can_amend,
        rows,
        work_items: plan_items,
        error,
        ctx,
    })
}

pub async fn detail(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    render(&build(&state, &page, &uri, id, None).await?)
}

/// The rows typed in the items form, numbered `content_0`, `product_0`, …
fn typed_rows(pairs: &[(String, String)]) -> Vec<ItemRow> {
    (0..100)
        .map_while(|i| {
            pair(pairs, &format!("content_{i}")).map(|content| ItemRow {
                content,
                product: pair(pairs, &format!("product_{i}")).unwrap_or_default(),
                measure: pair(pairs, &format!("measure_{i}")).unwrap_or_default(),
                deadline: pair(pairs, &format!("deadline_{i}")).unwrap_or_default(),
                work_item: pair(pairs, &format!("work_item_{i}")).unwrap_or_default(),
            })
        })
        .collect()
}

/// The rows with something typed, as items; a row left blank is dropped.
fn items_of(rows: &[ItemRow]) -> Result<Vec<ItemInput>, AppError> {
    rows.iter()
        .filter(|r| {
            !(r.content.trim().is_empty()
                && r.product.trim().is_empty()
                && r.deadline.trim().is_empty())
        })
        .map(|r| {
            Ok(ItemInput {
                content: r.content.clone(),
                product: r.product.clone(),
                measure: Some(r.measure.clone()).filter(|m| !m.trim().is_empty()),
                deadline: fmt::parse_date_field(&r.deadline, "deadline")?
                    .ok_or_else(|| AppError::invalid("required", "deadline"))?,
                work_item_id: r.work_item.trim().parse().ok().map(WorkItemId),
                target_id: None,
            })
        })
        .collect()
}

pub async fn save_items(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
    Path(id): Path<i64>,
    FormBody(pairs): FormBody<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let version = checked_version(&page, &pairs)?;
    let rows = typed_rows(&pairs);
    let send = pair(&pairs, "send").is_some();
    let outcome = match items_of(&rows) {
        Ok(items) => {
            match registrations::save_items(&state.app, &page.actor, id, &items, version).await {
                Ok(v) if send => registrations::act(
                    &state.app,
                    &page.actor,
                    id,
                    RegistrationAction::Submit,
                    None,
                    v,
                )
                .await
                .map(|_| ()),
                Ok(_) => Ok(()),
                Err(e) => Err(e),
            }
        }
        Err(e) => Err(e),
    };
    match outcome {
        Ok(()) => Ok(see_other(&format!("/registrations/{id}"))),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict { .. })) => {
            let body = render(&build(&state, &page, &uri, id, Some((rows, e))).await?)?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, body).into_response())
        }
        Err(other) => Err(PageError(other)),
    }
}

#[derive(Deserialize)]
pub struct ActForm {
    csrf: String,
    action: RegistrationAction,
    comment: Option<String>,
    version: i64,
}

pub async fn act(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
    FormBody(form): FormBody<ActForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    registrations::act(
        &state.app,
        &page.actor,
        id,
        form.action,
        form.comment.as_deref(),
        form.version,
    )
    .await?;
    Ok(see_other(&format!("/registrations/{id}")))
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    csrf: String,
}

pub async fn amend(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
    FormBody(form): FormBody<CsrfOnly>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    let new = registrations::amend(&state.app, &page.actor, id).await?;
    Ok(see_other(&format!("/registrations/{new}")))
}

#[derive(Deserialize)]
pub struct AssessForm {
    csrf: String,
    registration: i64,
    phase: AssessmentPhase,
    outcome: Outcome,
    percent: Option<String>,
    note: Option<String>,
}

pub async fn assess(
    State(state): State<AppState>,
    page: PageActor,
    Path(item): Path<i64>,
    FormBody(form): FormBody<AssessForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    let percent = match form.percent.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(p) => Some(
            p.trim_end_matches('%')
                .trim()
                .parse::<u8>()
                .map_err(|_| AppError::invalid("number_invalid", "percent"))?,
        ),
    };
    registrations::assess(
        &state.app,
        &page.actor,
        item,
        form.phase,
        form.outcome,
        percent,
        form.note.as_deref(),
    )
    .await?;
    Ok(see_other(&format!(
        "/registrations/{}#item-{item}",
        form.registration
    )))
}

#[derive(Deserialize)]
pub struct RemarkForm {
    csrf: String,
    registration: i64,
    phase: AssessmentPhase,
    remark: String,
}

pub async fn remark(
    State(state): State<AppState>,
    page: PageActor,
    Path(item): Path<i64>,
    FormBody(form): FormBody<RemarkForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    registrations::remark(&state.app, &page.actor, item, form.phase, &form.remark).await?;
    Ok(see_other(&format!(
        "/registrations/{}#item-{item}",
        form.registration
    )))
}

/// Attaches an evidence file to an item's assessment (multipart: `csrf`, `registration`,
/// `phase`, `file`); back to the registration.
pub async fn upload_evidence(
    State(state): State<AppState>,
    page: PageActor,
    Path(item): Path<i64>,
    mut multipart: axum::extract::Multipart,
) -> Result<Response, PageError> {
    let (mut csrf, mut registration, mut phase) = (String::new(), String::new(), String::new());
    let mut file: Option<(String, Vec<u8>)> = None;
    let bad = || PageError(AppError::invalid("invalid_form", "file"));
    while let Some(field) = multipart.next_field().await.map_err(|_| bad())? {
        match field.name() {
            Some("csrf") => csrf = field.text().await.map_err(|_| bad())?,
            Some("registration") => registration = field.text().await.map_err(|_| bad())?,
            Some("phase") => phase = field.text().await.map_err(|_| bad())?,
            Some("file") => {
                let name = field.file_name().unwrap_or("").to_owned();
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|_| PageError(AppError::invalid("file_too_large", "file")))?;
                file = Some((name, bytes.to_vec()));
            }
            _ => {}
        }
    }
    page.check_csrf(&csrf)?;
    let phase = AssessmentPhase::parse(&phase).map_err(|e| PageError(e.into()))?;
    let (name, bytes) = file.ok_or_else(|| AppError::invalid("required", "file"))?;
    trienkhai_app::registration_evidence::attach(
        &state.app,
        &page.actor,
        item,
        phase,
        &name,
        &bytes,
    )
    .await?;
    let back: i64 = registration.trim().parse().unwrap_or_default();
    Ok(see_other(&format!("/registrations/{back}#item-{item}")))
}

/// An evidence file, for whoever reads its registration.
pub async fn evidence_file(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let (record, bytes) =
        trienkhai_app::registration_evidence::file(&state.app, &page.actor, id).await?;
    Ok(crate::api::attachment(
        &record.file_name,
        &record.content_type,
        bytes,
    ))
}
