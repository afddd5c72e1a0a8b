//! Commitments (C9) on pages: a unit's list of the year ("20/21 đồng chí đã ký cam kết, đạt
//! 95,23%", a line per unit below, the reader's own first), and one commitment with its five
//! sections to write, send, approve or return, assess at year end and remark on. A refused
//! form comes back with what was typed.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use serde::Deserialize;
use trienkhai_app::AppError;
use trienkhai_app::commitments;
use trienkhai_core::commitment::Section;
use trienkhai_core::ids::{PersonId, UnitId};
use trienkhai_core::registration::{Outcome, RegistrationAction};

use super::{
    PageCtx, checked_version, pair, refusal, render, see_other, unit_by_code, unit_or_own,
};
use crate::AppState;
use crate::error::PageError;
use crate::extract::{FormBody, PageActor};
use crate::i18n::{self, Lang};

use super::registrations::state_label;

fn section_label(lang: Lang, s: Section) -> &'static str {
    i18n::tr(lang, &format!("field.{}", s.as_str()))
}

/// A person of the list: name, post, state, link, and what opening one for them needs.
pub struct PersonLine {
    name: String,
    post: String,
    state: String,
    signed: bool,
    link: Option<i64>,
    person_id: i64,
    unit_code: String,
}

#[derive(Template)]
#[template(path = "commitments.html")]
struct ListPage {
    ctx: PageCtx,
    year: i32,
    unit_code: String,
    /// The reader's own: (person id, unit code to file in, commitment id if written).
    mine: Option<(i64, String, Option<i64>)>,
    total: String,
    /// (unit code, name, sentence)
    children: Vec<(String, String, String)>,
    people: Vec<PersonLine>,
    can_open: bool,
}

#[derive(Deserialize)]
pub struct ListQuery {
    unit: Option<String>,
    year: Option<i32>,
}

pub async fn list(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let ctx = PageCtx::new(&page, &uri);
    let lang = ctx.lang();
    let year = q.year.unwrap_or_else(|| state.app.today().year());
    let mine = trienkhai_app::registration_lists::mine(&state.app, &page.actor, year).await?;
    let unit = unit_or_own(&state, &page, q.unit.as_deref(), mine.as_ref()).await?;
    let listed = match unit {
        Some(u) => match commitments::unit_commitments(&state.app, &page.actor, u, year).await {
            Ok(l) => Some(l),
            // Peers do not read each other's; a unit absent that year has nobody.
            Err(AppError::Forbidden | AppError::NotFound) => None,
            Err(e) => return Err(PageError(e)),
        },
        None => None,
    };
    let units = trienkhai_app::org::units_as_of(
        &state.app,
        &page.actor,
        listed.as_ref().map_or(state.app.today(), |l| l.as_of),
    )
    .await?;
    let code_of = |id: UnitId| {
        units
            .iter()
            .find(|u| u.id == id)
            .map(|u| (u.code.clone(), u.name.clone()))
            .unwrap_or_default()
    };
    let mine = mine.and_then(|m| {
        let (unit, _, _) = m.posts.first()?;
        Some((m.person_id.0, code_of(*unit).0, m.commitment.map(|c| c.id)))
    });
    render(&ListPage {
        year,
        unit_code: unit.map(|u| code_of(u).0).unwrap_or_default(),
        mine,
        total: listed
            .as_ref()
            .map(|l| format!("{} · {}", l.total.name, l.total.sentence))
            .unwrap_or_default(),
        children: listed
            .as_ref()
            .map(|l| {
                l.children
                    .iter()
                    .map(|c| (code_of(c.unit_id).0, c.name.clone(), c.sentence.clone()))
                    .collect()
            })
            .unwrap_or_default(),
        people: listed
            .as_ref()
            .map(|l| {
                l.people
                    .iter()
                    .map(|p| PersonLine {
                        name: p.full_name.clone(),
                        post: format!("{} · {}", p.post_title, code_of(p.unit_id).1),
                        state: p.state.map_or_else(
                            || i18n::tr(lang, "commitment.none").to_owned(),
                            |s| state_label(lang, s).to_owned(),
                        ),
                        signed: p.signed,
                        link: p.commitment_id,
                        person_id: p.person_id.0,
                        unit_code: code_of(p.unit_id).0,
                    })
                    .collect()
            })
            .unwrap_or_default(),
        can_open: listed.as_ref().is_some_and(|l| l.can_open),
        ctx,
    })
}

#[derive(Deserialize)]
pub struct OpenForm {
    csrf: String,
    person_id: i64,
    unit: String,
    year: i32,
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
    let id = commitments::open(
        &state.app,
        &page.actor,
        PersonId(form.person_id),
        form.year,
        unit,
    )
    .await?;
    Ok(see_other(&format!("/commitments/{id}")))
}

/// A section on the page: its code, heading, text (as stored or typed), year-end assessment.
pub struct SectionView {
    code: &'static str,
    label: &'static str,
    content: String,
    assessment: String,
}

#[derive(Template)]
#[template(path = "commitment.html")]
struct CommitmentPage {
    ctx: PageCtx,
    id: i64,
    person_name: String,
    unit_name: String,
    year: i32,
    state: &'static str,
    state_code: &'static str,
    comment: String,
    remark: String,
    row_version: i64,
    sections: Vec<SectionView>,
    can_edit: bool,
    can_decide: bool,
    can_assess: bool,
    can_remark: bool,
    error: Option<(String, String)>,
}

async fn build(
    state: &AppState,
    page: &PageActor,
    uri: &Uri,
    id: i64,
    typed: Option<(Vec<(Section, String)>, AppError)>,
) -> Result<CommitmentPage, PageError> {
    let ctx = PageCtx::new(page, uri);
    let lang = ctx.lang();
    let v = commitments::get(&state.app, &page.actor, id).await?;
    let c = &v.commitment;
    let sections = Section::ALL
        .iter()
        .map(|&s| {
            let stored = v.sections.iter().find(|x| x.section == s);
            let typed_text = typed
                .as_ref()
                .and_then(|(t, _)| t.iter().find(|(x, _)| *x == s).map(|(_, t)| t.clone()));
            SectionView {
                code: s.as_str(),
                label: section_label(lang, s),
                content: typed_text
                    .or_else(|| stored.map(|x| x.content.clone()))
                    .unwrap_or_default(),
                assessment: stored
                    .and_then(|x| x.assessment.as_ref())
                    .map(|a| {
                        let outcome = i18n::tr(
                            lang,
                            &format!("registration.outcome.{}", a.outcome.as_str()),
                        );
                        if a.text.is_empty() {
                            outcome.to_owned()
                        } else {
                            format!("{outcome} · {}", a.text)
                        }
                    })
                    .unwrap_or_default(),
            }
        })
        .collect();
    let error = typed.map(|(_, e)| refusal(lang, &e));
    Ok(CommitmentPage {
        id,
        person_name: v.person_name.clone(),
        unit_name: v.unit_name.clone(),
        year: c.year,
        state: state_label(lang, c.state),
        state_code: c.state.as_str(),
        comment: c.decision_comment.clone().unwrap_or_default(),
        remark: c.remark.clone().unwrap_or_default(),
        row_version: c.row_version,
        sections,
        can_edit: v.can_edit,
        can_decide: v.can_decide,
        can_assess: v.can_assess,
        can_remark: v.can_remark,
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

pub async fn save_sections(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
    Path(id): Path<i64>,
    FormBody(pairs): FormBody<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let version = checked_version(&page, &pairs)?;
    let typed: Vec<(Section, String)> = Section::ALL
        .iter()
        .map(|s| (*s, pair(&pairs, s.as_str()).unwrap_or_default()))
        .collect();
    let app = &state.app;
    let outcome = match commitments::save_sections(app, &page.actor, id, &typed, version).await {
        Ok(v) if pair(&pairs, "send").is_some() => {
            commitments::act(app, &page.actor, id, RegistrationAction::Submit, None, v)
                .await
                .map(|_| ())
        }
        Ok(_) => Ok(()),
        Err(e) => Err(e),
    };
    match outcome {
        Ok(()) => Ok(see_other(&format!("/commitments/{id}"))),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict { .. })) => {
            let body = render(&build(&state, &page, &uri, id, Some((typed, e))).await?)?;
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
    commitments::act(
        &state.app,
        &page.actor,
        id,
        form.action,
        form.comment.as_deref(),
        form.version,
    )
    .await?;
    Ok(see_other(&format!("/commitments/{id}")))
}

#[derive(Deserialize)]
pub struct AssessForm {
    csrf: String,
    section: Section,
    outcome: Outcome,
    text: Option<String>,
}

pub async fn assess(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
    FormBody(form): FormBody<AssessForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    commitments::assess(
        &state.app,
        &page.actor,
        id,
        form.section,
        form.outcome,
        form.text.as_deref().unwrap_or_default(),
    )
    .await?;
    Ok(see_other(&format!(
        "/commitments/{id}#section-{}",
        form.section.as_str()
    )))
}

#[derive(Deserialize)]
pub struct RemarkForm {
    csrf: String,
    remark: String,
}

pub async fn remark(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
    FormBody(form): FormBody<RemarkForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    commitments::remark(&state.app, &page.actor, id, &form.remark).await?;
    Ok(see_other(&format!("/commitments/{id}")))
}
