//! A unit's emulation goals for a movement (C9) on one page: phase by phase, each goal with
//! its figure, its result and a verdict only once the phase has ended, the results list
//! ("2/3 mục tiêu đạt"); for the unit's editors, the form of a goal and of each result.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::Uri;
use axum::response::Response;
use serde::Deserialize;
use trienkhai_app::AppError;
use trienkhai_app::emulation::{self, GoalInput};
use trienkhai_core::emulation::GoalVerdict;
use trienkhai_core::ids::DocumentId;
use trienkhai_core::period::Period;

use super::{PageCtx, render, see_other, unit_by_code};
use crate::AppState;
use crate::error::PageError;
use crate::extract::{FormBody, PageActor};
use crate::fmt;
use crate::i18n;

/// A goal as shown: id, title, goal with its measure, result, verdict (code, words), version,
/// whether it has a figure.
pub struct GoalRow {
    id: i64,
    title: String,
    goal: String,
    result: String,
    verdict_code: &'static str,
    verdict: &'static str,
    version: i64,
    numeric: bool,
}

/// A phase: its words, its results list, its goals.
pub struct PhaseBlock {
    label: String,
    summary: String,
    goals: Vec<GoalRow>,
}

#[derive(Template)]
#[template(path = "emulation.html")]
struct EmulationPage {
    ctx: PageCtx,
    document_id: i64,
    document_number: String,
    unit_code: String,
    unit_name: String,
    phases: Vec<PhaseBlock>,
    can_edit: bool,
    /// Phases a goal may be registered for: (code, words).
    phase_options: Vec<(String, String)>,
}

#[derive(Deserialize)]
pub struct EmulationQuery {
    unit: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
    Path(id): Path<i64>,
    Query(q): Query<EmulationQuery>,
) -> Result<Response, PageError> {
    let ctx = PageCtx::new(&page, &uri);
    let lang = ctx.lang();
    let document = DocumentId(id);
    let unit = match unit_by_code(&state, q.unit.as_deref(), "unit").await? {
        Some(u) => u,
        None => trienkhai_app::study::default_unit(&state.app, &page.actor, document).await?,
    };
    let doc = trienkhai_app::documents::get_document(&state.app, &page.actor, document).await?;
    let goals = emulation::unit_goals(&state.app, &page.actor, document, unit).await?;
    let verdict_words = |v: GoalVerdict| i18n::tr(lang, &format!("emulation.v.{}", v.as_str()));
    let phases = goals
        .phases
        .iter()
        .map(|p| PhaseBlock {
            label: p.phase.label_vi(),
            summary: if p.ended {
                format!(
                    "{}/{} {}",
                    p.achieved,
                    p.goals.len(),
                    i18n::tr(lang, "emulation.achieved_of")
                )
            } else {
                i18n::tr(lang, "emulation.in_progress").to_owned()
            },
            goals: p
                .goals
                .iter()
                .map(|g| {
                    let measure = g.goal.goal.measure.clone().unwrap_or_default();
                    GoalRow {
                        id: g.goal.id,
                        title: g.goal.goal.title.clone(),
                        goal: g
                            .goal
                            .goal
                            .goal
                            .map(|v| format!("{} {measure}", fmt::decimal(Some(v))))
                            .unwrap_or_default(),
                        result: match (g.goal.result, g.goal.achieved) {
                            (Some(r), _) => format!("{} {measure}", fmt::decimal(Some(r))),
                            (None, Some(a)) => i18n::tr(
                                lang,
                                if a {
                                    "emulation.said_achieved"
                                } else {
                                    "emulation.said_not"
                                },
                            )
                            .to_owned(),
                            (None, None) => String::new(),
                        } + &g
                            .goal
                            .result_note
                            .as_ref()
                            .map(|n| format!(" · {n}"))
                            .unwrap_or_default(),
                        verdict_code: g.verdict.as_str(),
                        verdict: verdict_words(g.verdict),
                        version: g.goal.row_version,
                        numeric: g.goal.goal.goal.is_some(),
                    }
                })
                .collect(),
        })
        .collect();
    let span = doc
        .document
        .phase
        .as_deref()
        .and_then(|p| Period::parse(p).ok())
        .unwrap_or(Period::Year(chrono::Datelike::year(
            &doc.document.issued_on,
        )));
    let mut phase_options = vec![(span.to_string(), span.label_vi())];
    for y in span.years() {
        phase_options.push((y.to_string(), y.label_vi()));
    }
    render(&EmulationPage {
        document_id: id,
        document_number: doc.document.number.as_str().to_owned(),
        unit_code: goals.unit_code.clone(),
        unit_name: goals.unit_name.clone(),
        phases,
        can_edit: goals.can_edit,
        phase_options,
        ctx,
    })
}

#[derive(Deserialize)]
pub struct GoalForm {
    csrf: String,
    unit: String,
    phase: String,
    title: String,
    measure: Option<String>,
    goal: Option<String>,
}

/// A figure typed the Vietnamese way ("1.234,5") or plainly; empty is none.
fn typed_decimal(
    text: Option<&str>,
    field: &str,
) -> Result<Option<rust_decimal::Decimal>, AppError> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => trienkhai_core::vn::parse_decimal(t)
            .map(Some)
            .map_err(|_| AppError::invalid("number_invalid", field)),
    }
}

pub async fn register(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
    FormBody(form): FormBody<GoalForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    let unit = unit_by_code(&state, Some(&form.unit), "unit")
        .await?
        .ok_or(PageError(AppError::invalid("required", "unit")))?;
    emulation::register(
        &state.app,
        &page.actor,
        &GoalInput {
            document_id: DocumentId(id),
            unit_id: unit,
            phase: Period::parse(&form.phase).map_err(AppError::from)?,
            title: form.title,
            measure: form.measure,
            goal: typed_decimal(form.goal.as_deref(), "goal")?,
        },
    )
    .await?;
    Ok(see_other(&format!(
        "/documents/{id}/emulation?unit={}",
        fmt::url_encode(&form.unit)
    )))
}

#[derive(Deserialize)]
pub struct ResultForm {
    csrf: String,
    unit: String,
    version: i64,
    result: Option<String>,
    achieved: Option<String>,
    note: Option<String>,
}

pub async fn record_result(
    State(state): State<AppState>,
    page: PageActor,
    Path((id, goal)): Path<(i64, i64)>,
    FormBody(form): FormBody<ResultForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    let achieved = match form.achieved.as_deref() {
        Some("yes") => Some(true),
        Some("no") => Some(false),
        _ => None,
    };
    emulation::record_result(
        &state.app,
        &page.actor,
        goal,
        typed_decimal(form.result.as_deref(), "result")?,
        achieved,
        form.note.as_deref(),
        form.version,
    )
    .await?;
    Ok(see_other(&format!(
        "/documents/{id}/emulation?unit={}",
        fmt::url_encode(&form.unit)
    )))
}
