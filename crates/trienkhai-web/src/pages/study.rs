//! The study of a document (C10) on one page: the attendance of a unit and below as offices
//! write it, a line per unit directly below (each a link down), the unit's own sessions, and,
//! for whoever records them, the form of a session. A refused session comes back in the form
//! with the reason beside its field: nothing typed is lost. Printable with the official header.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use trienkhai_app::AppError;
use trienkhai_app::study::{self, CountInput, SessionInput, StudyRollup, UnitAttendance};
use trienkhai_core::attendance::{Audience, StudyMode};
use trienkhai_core::ids::{DocumentId, UnitId};

use super::{PageCtx, pair, refusal, render, see_other, unit_by_code};
use crate::AppState;
use crate::error::PageError;
use crate::extract::{FormBody, PageActor};
use crate::fmt;
use crate::i18n::{self, Lang};

/// A unit's line: its sentences, its sessions, where it leads.
pub struct UnitLine {
    code: String,
    name: String,
    sentences: Vec<String>,
    sessions: u32,
}

fn unit_line(u: &UnitAttendance) -> UnitLine {
    UnitLine {
        code: u.code.clone(),
        name: u.name.clone(),
        sentences: u.audiences.iter().map(|a| a.sentence.clone()).collect(),
        sessions: u.sessions,
    }
}

/// A session as listed.
pub struct SessionLine {
    id: i64,
    day: String,
    place: String,
    mode: &'static str,
    makeup: bool,
    counts: Vec<String>,
    note: String,
}

/// One audience's three numbers in the form.
pub struct CountField {
    audience: &'static str,
    label: &'static str,
    required: String,
    present: String,
    excused: String,
}

/// What the form shows: empty, or what was typed with the reason it was refused.
pub struct SessionForm {
    held_on: String,
    place: String,
    online: bool,
    makeup: bool,
    note: String,
    counts: Vec<CountField>,
    error: Option<(String, String)>,
}

impl SessionForm {
    fn empty(lang: Lang, today: chrono::NaiveDate) -> Self {
        Self {
            held_on: fmt::date(today),
            place: String::new(),
            online: false,
            makeup: false,
            note: String::new(),
            counts: Audience::ALL
                .iter()
                .map(|&a| CountField {
                    audience: a.as_str(),
                    label: audience_label(lang, a),
                    required: String::new(),
                    present: String::new(),
                    excused: String::new(),
                })
                .collect(),
            error: None,
        }
    }
}

pub(crate) fn audience_label(lang: Lang, a: Audience) -> &'static str {
    i18n::tr(
        lang,
        match a {
            Audience::KeyCadres => "study.key_cadres",
            Audience::PartyMembers => "study.party_members",
            Audience::Masses => "study.masses",
        },
    )
}

#[derive(Template)]
#[template(path = "study.html")]
struct StudyPage {
    ctx: PageCtx,
    official: super::OfficialHeader,
    document_id: i64,
    document_number: String,
    unit_code: String,
    unit_name: String,
    parent: Option<(String, String)>,
    as_of: String,
    as_of_iso: String,
    total: UnitLine,
    /// Units directly below that held a session (themselves or below), of how many.
    children_held: usize,
    /// The unit's own sessions as the first line, when it held any (lines add up to the total).
    own: Option<UnitLine>,
    children: Vec<UnitLine>,
    sessions: Vec<SessionLine>,
    can_record: bool,
    form: SessionForm,
}

#[derive(Deserialize)]
pub struct StudyQuery {
    unit: Option<String>,
    /// The day the tree is read on (links down and up keep the page's).
    as_of: Option<String>,
}

/// The unit a page is about: the one asked, else the one the plan opens on for the reader.
async fn chosen_unit(
    state: &AppState,
    page: &PageActor,
    document: DocumentId,
    code: Option<&str>,
) -> Result<UnitId, PageError> {
    if let Some(unit) = unit_by_code(state, code, "unit").await? {
        return Ok(unit);
    }
    Ok(study::default_unit(&state.app, &page.actor, document).await?)
}

async fn build(
    state: &AppState,
    page: &PageActor,
    uri: &Uri,
    document: DocumentId,
    unit: UnitId,
    as_of: Option<chrono::NaiveDate>,
    form: Option<SessionForm>,
) -> Result<StudyPage, PageError> {
    let ctx = PageCtx::new(page, uri);
    let lang = ctx.lang();
    let doc = trienkhai_app::documents::get_document(&state.app, &page.actor, document).await?;
    let r: StudyRollup = study::rollup(&state.app, &page.actor, document, unit, as_of).await?;
    let sessions = r
        .sessions
        .iter()
        .map(|s| SessionLine {
            id: s.id,
            day: fmt::date(s.held_on),
            place: s.place.clone(),
            mode: i18n::tr(
                lang,
                match s.mode {
                    StudyMode::InPerson => "study.in_person",
                    StudyMode::Online => "study.online",
                },
            ),
            makeup: s.makeup,
            counts: s
                .counts
                .iter()
                .map(|(a, c)| {
                    if s.makeup {
                        format!(
                            "{}: {} {}",
                            audience_label(lang, *a),
                            c.present,
                            i18n::tr(lang, "study.made_up")
                        )
                    } else {
                        format!(
                            "{}: {}/{} {}, {} {}",
                            audience_label(lang, *a),
                            c.present,
                            c.required,
                            i18n::tr(lang, "study.present"),
                            c.excused,
                            i18n::tr(lang, "study.excused")
                        )
                    }
                })
                .collect(),
            note: s.note.clone().unwrap_or_default(),
        })
        .collect();
    Ok(StudyPage {
        official: super::OfficialHeader::new(
            lang,
            &r.total.name,
            doc.document.number.as_str(),
            &doc.document.summary,
            "study.print_title",
            &format!("{} {}", i18n::tr(lang, "plan.state_on"), fmt::date(r.as_of)),
            state.app.today(),
        ),
        document_id: document.0,
        document_number: doc.document.number.as_str().to_owned(),
        unit_code: r.total.code.clone(),
        unit_name: r.total.name.clone(),
        parent: r.parent.as_ref().map(|p| (p.code.clone(), p.name.clone())),
        as_of: fmt::date(r.as_of),
        as_of_iso: r.as_of.to_string(),
        total: unit_line(&r.total),
        own: (r.own.sessions > 0 && !r.children.is_empty()).then(|| unit_line(&r.own)),
        children_held: r.children.iter().filter(|c| c.sessions > 0).count(),
        children: r.children.iter().map(unit_line).collect(),
        sessions,
        can_record: r.can_record,
        form: form.unwrap_or_else(|| SessionForm::empty(lang, state.app.today())),
        ctx,
    })
}

pub async fn page(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
    Path(id): Path<i64>,
    Query(q): Query<StudyQuery>,
) -> Result<Response, PageError> {
    let unit = chosen_unit(&state, &page, DocumentId(id), q.unit.as_deref()).await?;
    let as_of = super::form_date(&q.as_of, "as_of")?;
    render(&build(&state, &page, &uri, DocumentId(id), unit, as_of, None).await?)
}

/// A count typed in the form: empty is zero; anything else must be a whole number.
fn typed_count(text: &str, field: &str) -> Result<u32, AppError> {
    let digits: String = text.chars().filter(|c| !matches!(c, '.' | ' ')).collect();
    if digits.is_empty() {
        return Ok(0);
    }
    digits
        .parse()
        .map_err(|_| AppError::invalid("number_invalid", field))
}

fn session_input(
    document: DocumentId,
    unit: UnitId,
    form: &SessionForm,
) -> Result<SessionInput, AppError> {
    let held_on = fmt::parse_date_field(&form.held_on, "held_on")?
        .ok_or_else(|| AppError::invalid("required", "held_on"))?;
    let mut counts = Vec::new();
    for (c, audience) in form.counts.iter().zip(Audience::ALL) {
        counts.push(CountInput {
            audience,
            required: typed_count(&c.required, "required")?,
            present: typed_count(&c.present, "present")?,
            excused: typed_count(&c.excused, "excused")?,
        });
    }
    Ok(SessionInput {
        document_id: document,
        unit_id: unit,
        held_on,
        place: form.place.clone(),
        mode: if form.online {
            StudyMode::Online
        } else {
            StudyMode::InPerson
        },
        makeup: form.makeup,
        note: Some(form.note.clone()),
        counts,
    })
}

pub async fn record(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
    Path(id): Path<i64>,
    FormBody(pairs): FormBody<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    page.check_csrf(&pair(&pairs, "csrf").unwrap_or_default())?;
    let document = DocumentId(id);
    let unit_code = pair(&pairs, "unit");
    let unit = unit_by_code(&state, unit_code.as_deref(), "unit")
        .await?
        .ok_or(PageError(AppError::invalid("required", "unit")))?;
    let lang = crate::error::request_lang();
    let text = |key: &str| pair(&pairs, key).unwrap_or_default();
    let mut form = SessionForm {
        held_on: text("held_on"),
        place: text("place"),
        online: text("mode") == StudyMode::Online.as_str(),
        makeup: pair(&pairs, "makeup").is_some(),
        note: text("note"),
        ..SessionForm::empty(lang, state.app.today())
    };
    for c in &mut form.counts {
        c.required = text(&format!("required_{}", c.audience));
        c.present = text(&format!("present_{}", c.audience));
        c.excused = text(&format!("excused_{}", c.audience));
    }
    let outcome = match session_input(document, unit, &form) {
        Ok(input) => study::record(&state.app, &page.actor, &input).await,
        Err(e) => Err(e),
    };
    match outcome {
        Ok(_) => Ok(see_other(&format!(
            "/documents/{id}/study?unit={}#study-sessions",
            fmt::url_encode(unit_code.as_deref().unwrap_or(""))
        ))),
        Err(e @ AppError::Invalid(_)) => {
            form.error = Some(refusal(lang, &e));
            let page_body = build(&state, &page, &uri, document, unit, None, Some(form)).await?;
            let html = render(&page_body)?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
        Err(other) => Err(PageError(other)),
    }
}

#[derive(Deserialize)]
pub struct RemoveForm {
    csrf: String,
    unit: String,
}

pub async fn remove(
    State(state): State<AppState>,
    page: PageActor,
    Path((id, session)): Path<(i64, i64)>,
    FormBody(form): FormBody<RemoveForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    study::remove(&state.app, &page.actor, session).await?;
    Ok(see_other(&format!(
        "/documents/{id}/study?unit={}#study-sessions",
        fmt::url_encode(&form.unit)
    )))
}
