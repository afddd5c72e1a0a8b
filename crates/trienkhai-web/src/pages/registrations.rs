//! Registrations of work items (C9) on pages: the year's hub (the reader's own registration,
//! and who in their unit has registered: "18/21 đồng chí đã đăng ký"), and one registration
//! with its items to write, send, approve or return, amend, assess and remark on. Items are
//! tied to the plan's work items chosen by name. A refused form comes back with what was typed.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use serde::Deserialize;
use trienkhai_app::AppError;
use trienkhai_app::registrations::{self, ItemInput, RegistrationInput};
use trienkhai_core::ids::{DocumentId, PersonId, UnitId, WorkItemId};
use trienkhai_core::registration::{
    AssessmentPhase, Outcome, RegistrationAction, RegistrationState,
};

use super::{PageCtx, pair, render, see_other, unit_by_code};
use crate::AppState;
use crate::error::PageError;
use crate::extract::{FormBody, PageActor};
use crate::fmt;
use crate::i18n::{self, Lang};

fn state_label(lang: Lang, s: RegistrationState) -> &'static str {
    i18n::tr(lang, &format!("registration.state.{}", s.as_str()))
}

fn outcome_label(lang: Lang, o: Outcome) -> &'static str {
    i18n::tr(lang, &format!("registration.outcome.{}", o.as_str()))
}

fn phase_label(lang: Lang, p: AssessmentPhase) -> &'static str {
    i18n::tr(lang, &format!("registration.phase.{}", p.as_str()))
}

/// A person of the unit's list.
pub struct PersonLine {
    name: String,
    post: String,
    state: String,
    registered: bool,
    late: usize,
    link: Option<i64>,
    person_id: i64,
    unit_code: String,
}

#[derive(Template)]
#[template(path = "registrations.html")]
struct HubPage {
    ctx: PageCtx,
    year: i32,
    /// The reader's own: person, name, (unit code, unit name, post) to open in, versions.
    #[allow(clippy::type_complexity)]
    mine: Option<(
        i64,
        String,
        Vec<(String, String, String)>,
        Vec<(i64, String)>,
    )>,
    unit_name: String,
    unit_code: String,
    registered: usize,
    total: usize,
    people: Vec<PersonLine>,
    can_open_for_others: bool,
    /// This page of the list (from 1) and how many there are.
    page: usize,
    pages: usize,
    /// Plans to register under: (id, "02-NQ/HU – summary"), and the one chosen.
    plans: Vec<(i64, String)>,
    plan: i64,
}

#[derive(Deserialize)]
pub struct HubQuery {
    unit: Option<String>,
    year: Option<i32>,
    plan: Option<i64>,
    /// The page of the list, from 1 ([`PAGE_SIZE`] names each).
    page: Option<usize>,
}

/// Names per page of a unit's list: a commune has hundreds of members; a phone shows a page.
const PAGE_SIZE: usize = 100;

pub async fn hub(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
    Query(q): Query<HubQuery>,
) -> Result<Response, PageError> {
    let ctx = PageCtx::new(&page, &uri);
    let lang = ctx.lang();
    let year = q.year.unwrap_or_else(|| state.app.today().year());
    let mine = registrations::mine(&state.app, &page.actor, year).await?;
    let unit = match unit_by_code(&state, q.unit.as_deref(), "unit").await? {
        Some(u) => Some(u),
        None => match &mine {
            Some(m) if !m.posts.is_empty() => Some(m.posts[0].0),
            _ => page
                .actor
                .access
                .roots_for(trienkhai_core::access::Action::Read)
                .and_then(|r| r.first().copied()),
        },
    };
    let list = match unit {
        Some(u) => {
            match registrations::unit_registrations(&state.app, &page.actor, u, year).await {
                Ok(l) => Some(l),
                // A member reading their own cell does not read their peers' registrations;
                // a unit that did not exist that year has nobody to list.
                Err(AppError::Forbidden | AppError::NotFound) => None,
                Err(e) => return Err(PageError(e)),
            }
        }
        None => None,
    };
    // Unit codes and names: the list carries its own; the reader's posts (a person's few) are
    // looked up in the tree only when there are some.
    let units = if mine.as_ref().is_some_and(|m| !m.posts.is_empty()) || list.is_none() {
        trienkhai_app::org::units_as_of(
            &state.app,
            &page.actor,
            list.as_ref().map_or(state.app.today(), |l| l.as_of),
        )
        .await?
    } else {
        Vec::new()
    };
    let code_of = |id: UnitId| {
        list.as_ref()
            .filter(|l| l.unit_id == id)
            .map(|l| (l.unit_code.clone(), l.unit_name.clone()))
            .or_else(|| {
                units
                    .iter()
                    .find(|u| u.id == id)
                    .map(|u| (u.code.clone(), u.name.clone()))
            })
            .unwrap_or_default()
    };
    let can_open_for_others = list.as_ref().is_some_and(|l| l.can_open);
    let (unit_code, unit_name) = unit.map(code_of).unwrap_or_default();
    let plans: Vec<(i64, String)> = match unit {
        Some(u) => trienkhai_app::personal::plans_for(&state.app, u, year)
            .await?
            .into_iter()
            .map(|(id, number, summary)| (id.0, format!("{number} – {summary}")))
            .collect(),
        None => Vec::new(),
    };
    let pages = list
        .as_ref()
        .map_or(1, |l| l.people.len().div_ceil(PAGE_SIZE).max(1));
    let page_index = q.page.unwrap_or(1).clamp(1, pages) - 1;
    let people = list
        .as_ref()
        .map(|l| {
            l.people
                .iter()
                .skip(page_index * PAGE_SIZE)
                .take(PAGE_SIZE)
                .map(|p| PersonLine {
                    name: p.full_name.clone(),
                    post: format!("{} · {}", p.post_title, p.unit_name),
                    state: p
                        .state
                        .map(|s| state_label(lang, s).to_owned())
                        .unwrap_or_else(|| i18n::tr(lang, "registration.none").to_owned()),
                    registered: p.registered,
                    late: p.late_items,
                    link: p.registration_id,
                    person_id: p.person_id.0,
                    unit_code: p.unit_code.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    render(&HubPage {
        year,
        mine: mine.map(|m| {
            (
                m.person_id.0,
                m.full_name,
                m.posts
                    .iter()
                    .map(|(u, name, title)| (code_of(*u).0, name.clone(), title.clone()))
                    .collect(),
                m.versions
                    .iter()
                    .map(|v| {
                        (
                            v.id,
                            format!(
                                "{} {} · {}",
                                i18n::tr(lang, "registration.version"),
                                v.version,
                                state_label(lang, v.state)
                            ),
                        )
                    })
                    .collect(),
            )
        }),
        registered: list.as_ref().map_or(0, |l| l.registered),
        total: list.as_ref().map_or(0, |l| l.total),
        unit_name,
        unit_code,
        people,
        can_open_for_others,
        page: page_index + 1,
        pages,
        plan: q
            .plan
            .filter(|p| plans.iter().any(|(id, _)| id == p))
            .or_else(|| plans.first().map(|(id, _)| *id))
            .unwrap_or_default(),
        plans,
        ctx,
    })
}

#[derive(Deserialize)]
pub struct OpenForm {
    csrf: String,
    person_id: i64,
    unit: String,
    year: i32,
    document_id: Option<String>,
}

pub async fn open(
    State(state): State<AppState>,
    page: PageActor,
    FormBody(form): FormBody<OpenForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    let unit = unit_by_code(&state, Some(&form.unit), "unit")
        .await?
        .ok_or(PageError(AppError::invalid("required", "unit")))?;
    let document_id = form
        .document_id
        .as_deref()
        .and_then(|d| d.trim().parse().ok())
        .map(DocumentId);
    let id = registrations::open(
        &state.app,
        &page.actor,
        &RegistrationInput {
            person_id: PersonId(form.person_id),
            year: form.year,
            unit_id: unit,
            document_id,
        },
    )
    .await?;
    Ok(see_other(&format!("/registrations/{id}")))
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
        })
        .collect();
    let (rows, error) = match typed {
        Some((rows, e)) => {
            let (field, message) = match &e {
                AppError::Invalid(d) => (
                    d.field
                        .as_deref()
                        .map(|f| i18n::field_label(lang, f))
                        .unwrap_or_default(),
                    i18n::error_message(lang, d.code).to_owned(),
                ),
                other => (
                    String::new(),
                    i18n::error_message(lang, other.code()).to_owned(),
                ),
            };
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
    page.check_csrf(&pair(&pairs, "csrf").unwrap_or_default())?;
    let version: i64 = pair(&pairs, "version")
        .and_then(|v| v.parse().ok())
        .ok_or(PageError(AppError::invalid("required", "version")))?;
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
