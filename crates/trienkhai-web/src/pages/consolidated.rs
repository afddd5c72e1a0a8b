//! The consolidated report of a level for a period (C8): rolled-up figures with the headline,
//! work items in the national four-state form with what each unit reported under them, the
//! units' narratives, and the compiled text the level starts its own report from. Printable.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::Uri;
use axum::response::Response;
use serde::Deserialize;
use trienkhai_app::AppError;
use trienkhai_app::consolidated;
use trienkhai_core::ids::DocumentId;
use trienkhai_core::period::Period;

use super::plans::{TargetLine, target_line};
use super::{PageCtx, render, see_other, unit_by_code};
use crate::AppState;
use crate::error::PageError;
use crate::extract::{FormBody, PageActor};
use crate::fmt;

pub struct GatheredRow {
    unit_name: String,
    percent: String,
    narrative: String,
}

pub struct ItemBlock {
    id: i64,
    code: String,
    title: String,
    deadline: String,
    national: &'static str,
    national_code: &'static str,
    lines: Vec<GatheredRow>,
}

#[derive(Template)]
#[template(path = "consolidated.html")]
struct ConsolidatedPage {
    ctx: PageCtx,
    official: super::OfficialHeader,
    document_id: i64,
    document_number: String,
    unit_name: String,
    unit_code: String,
    period: String,
    period_code: String,
    state_on: String,
    headline: String,
    gathered: usize,
    targets: Vec<TargetLine>,
    national: Vec<(&'static str, &'static str, usize)>,
    items: Vec<ItemBlock>,
    narratives: Vec<(i64, String, String)>,
    draft: String,
}

#[derive(Deserialize)]
pub struct ConsolidatedQuery {
    period: Option<String>,
    unit: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
    Path(id): Path<i64>,
    Query(q): Query<ConsolidatedQuery>,
) -> Result<Response, PageError> {
    let ctx = PageCtx::new(&page, &uri);
    let lang = ctx.lang();
    let period = Period::parse(q.period.as_deref().unwrap_or("")).map_err(AppError::from)?;
    let unit = unit_by_code(&state, q.unit.as_deref(), "unit").await?;
    let c =
        consolidated::consolidated(&state.app, &page.actor, DocumentId(id), period, unit).await?;
    render(&ConsolidatedPage {
        official: super::OfficialHeader::new(
            lang,
            c.overview.unit_name.as_deref().unwrap_or_default(),
            &c.overview.document.document.number,
            &c.overview.document.document.summary,
            "consolidated.title",
            &fmt::period(lang, period),
            c.state_on,
        ),
        document_id: id,
        document_number: c.overview.document.document.number.clone(),
        unit_name: c.overview.unit_name.clone().unwrap_or_default(),
        unit_code: c.unit_code.clone(),
        period: fmt::period(lang, period),
        period_code: period.to_string(),
        state_on: fmt::date(c.state_on),
        headline: fmt::headline(lang, &c.overview.headline),
        gathered: c.reports_gathered,
        targets: c
            .overview
            .targets
            .iter()
            .map(|r| target_line(lang, &r.target, r.figure.as_ref()))
            .collect(),
        national: c
            .national
            .iter()
            .map(|(s, n)| (s.as_str(), s.label_vi(), *n))
            .collect(),
        items: c
            .items
            .iter()
            .map(|i| ItemBlock {
                id: i.item.id.0,
                code: i.item.code.clone(),
                title: i.item.title.clone(),
                deadline: fmt::date(i.item.deadline),
                national: i.national.label_vi(),
                national_code: i.national.as_str(),
                lines: i
                    .lines
                    .iter()
                    .map(|l| GatheredRow {
                        unit_name: l.unit_name.clone(),
                        percent: l.percent.map(|p| format!("{p}%")).unwrap_or_default(),
                        narrative: l.narrative.clone().unwrap_or_default(),
                    })
                    .collect(),
            })
            .collect(),
        narratives: c
            .narratives
            .iter()
            .map(|n| (n.report_id, n.unit_name.clone(), n.narrative.clone()))
            .collect(),
        draft: c.draft.clone(),
        ctx,
    })
}

#[derive(Deserialize)]
pub struct StartForm {
    csrf: String,
    period: String,
    unit: Option<String>,
}

/// Opens the level's own report, started from the compiled text.
pub async fn start(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
    FormBody(form): FormBody<StartForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    let period = Period::parse(&form.period).map_err(AppError::from)?;
    let unit = unit_by_code(&state, form.unit.as_deref(), "unit").await?;
    let report =
        consolidated::draft_level_report(&state.app, &page.actor, DocumentId(id), period, unit)
            .await?;
    Ok(see_other(&format!("/reports/{report}")))
}
