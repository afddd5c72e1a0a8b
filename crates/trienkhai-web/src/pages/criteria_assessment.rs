//! One criteria assessment as pages (C11): what it found criterion by criterion, what is still
//! missing and by how much, the work items addressing it (and a form to make them in a plan),
//! the same values re-read under another catalogue version; and the form a commune's clerk
//! fills on a phone, new or to change, which comes back with what was typed when refused.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use serde::Deserialize;
use trienkhai_app::AppError;
use trienkhai_app::criteria::{self, ValueEntry};
use trienkhai_app::criteria_assessments::{self as assessments, AssessmentInput, AssessmentView};
use trienkhai_app::criteria_links::{self, GapInput};
use trienkhai_core::criteria::evaluate::Value;
use trienkhai_core::criteria::{Catalogue, Measure};
use trienkhai_core::ids::{DocumentId, UnitId};
use trienkhai_core::vn::{format_decimal, parse_decimal};

use super::criteria::{kind_label, requirement, unit_after, verdict};
use super::{PageCtx, pair, refusal_line, render, see_other};
use crate::AppState;
use crate::error::PageError;
use crate::extract::{FormBody, PageActor};
use crate::fmt;
use crate::i18n::{Lang, tr};

struct CriterionRow {
    code: String,
    name: String,
    requirement: String,
    value: String,
    /// Words, style.
    result: (&'static str, &'static str),
    evidence: String,
}

struct GapRow {
    code: String,
    name: String,
    short: String,
}

struct ItemRow {
    criterion: String,
    id: i64,
    code: String,
    title: String,
    deadline: String,
}

struct Compared {
    /// Where re-assessing under that version starts, with these values.
    reassess: String,
    title: String,
    changes: Vec<String>,
    unvalued: String,
}

#[derive(Template)]
#[template(path = "criteria_assessment.html")]
struct AssessmentPage {
    ctx: PageCtx,
    id: i64,
    unit_id: i64,
    unit_name: String,
    catalogue_id: i64,
    catalogue_name: String,
    assessed_on: String,
    verdict: (&'static str, &'static str),
    met_of: String,
    points: String,
    note: String,
    rows: Vec<CriterionRow>,
    gaps: Vec<GapRow>,
    items: Vec<ItemRow>,
    can_edit: bool,
    /// Plans the reader may add work items to: id, number and summary.
    plans: Vec<(i64, String)>,
    /// Other catalogue versions of the same kind: id, name and dates, chosen.
    others: Vec<(i64, String, bool)>,
    compared: Option<Compared>,
    error: String,
    saved: bool,
}

fn value_text(lang: Lang, catalogue: &Catalogue, v: &ValueEntry) -> String {
    match v.value {
        Value::Met(true) => tr(lang, "criteria.met").to_owned(),
        Value::Met(false) => tr(lang, "criteria.not_met").to_owned(),
        Value::Figure(f) => {
            let unit = catalogue
                .criteria
                .iter()
                .find(|c| c.code == v.code)
                .map(|c| c.unit.as_str())
                .unwrap_or_default();
            format!("{}{}", format_decimal(&f, 2), unit_after(unit))
        }
    }
}

#[derive(Deserialize)]
pub struct ViewQuery {
    compare: Option<String>,
}

async fn show(
    state: &AppState,
    page: &PageActor,
    uri: &Uri,
    id: i64,
    compare: Option<i64>,
    error: String,
) -> Result<Response, PageError> {
    let ctx = PageCtx::new(page, uri);
    let lang = ctx.lang();
    let v: AssessmentView = assessments::view(&state.app, &page.actor, id).await?;
    let stored = criteria::catalogue(&state.app, &page.actor, v.assessment.catalogue_id).await?;
    let c = &stored.catalogue;
    let values: HashMap<&str, &ValueEntry> = v
        .assessment
        .values
        .iter()
        .map(|e| (e.code.as_str(), e))
        .collect();
    let rows = c
        .criteria
        .iter()
        .map(|k| {
            let entry = values.get(k.code.as_str());
            let met = v
                .outcome
                .criteria
                .iter()
                .find(|r| r.code == k.code)
                .and_then(|r| r.met);
            CriterionRow {
                code: k.code.clone(),
                name: k.name.clone(),
                requirement: requirement(lang, k),
                value: entry.map(|e| value_text(lang, c, e)).unwrap_or_default(),
                result: match met {
                    Some(true) => (tr(lang, "criteria.met"), "st-achieved"),
                    Some(false) => (tr(lang, "criteria.not_met"), "st-not-achieved"),
                    None => (tr(lang, "criteria.no_value"), "st-no-data"),
                },
                evidence: entry.map(|e| e.evidence.clone()).unwrap_or_default(),
            }
        })
        .collect();
    let gaps = v
        .outcome
        .missing
        .iter()
        .map(|m| GapRow {
            code: m.code.clone(),
            name: m.name.clone(),
            short: match m.short_by {
                _ if m.unvalued => tr(lang, "criteria.no_value").to_owned(),
                Some(by) => tr(lang, "criteria.short_by")
                    .replace("{n}", &format_decimal(&by, 2))
                    .replace("{u}", &m.unit)
                    .trim()
                    .to_owned(),
                None => tr(lang, "criteria.not_met").to_owned(),
            },
        })
        .collect();
    let items = v
        .gap_items
        .iter()
        .map(|g| ItemRow {
            criterion: if g.criterion_code.is_empty() {
                tr(lang, "criteria.whole").to_owned()
            } else {
                g.criterion_code.clone()
            },
            id: g.work_item_id.0,
            code: g.code.clone(),
            title: g.title.clone(),
            deadline: fmt::date(g.deadline),
        })
        .collect();
    let plans = if v.outcome.missing.is_empty() {
        Vec::new()
    } else {
        trienkhai_app::documents::list_documents(&state.app, &page.actor, None, None, None)
            .await?
            .into_iter()
            .filter(|d| d.can_edit)
            .take(200)
            .map(|d| {
                (
                    d.document.id.0,
                    format!("{} – {}", d.document.number, d.document.summary),
                )
            })
            .collect()
    };
    let others = criteria::catalogues(&state.app, &page.actor)
        .await?
        .into_iter()
        .filter(|o| o.kind == c.kind && o.id != stored.id)
        .map(|o| {
            (
                o.id,
                format!(
                    "{} ({})",
                    o.name,
                    fmt::interval(lang, o.effective_from, o.effective_to)
                ),
                Some(o.id) == compare,
            )
        })
        .collect();
    let compared = match compare {
        Some(other) => {
            let k = assessments::compare(&state.app, &page.actor, id, other).await?;
            Some(Compared {
                reassess: format!(
                    "/units/{}/criteria/new?catalogue={other}&on={}&from={id}",
                    v.assessment.unit_id.0,
                    fmt::date(state.app.today())
                ),
                title: tr(lang, "criteria.compare_result")
                    .replace("{after}", &k.after.name)
                    .replace("{verdict}", verdict(lang, Some(k.verdict_after)).0),
                changes: k
                    .changed
                    .iter()
                    .map(|x| {
                        let word = |m: Option<bool>| match m {
                            Some(true) => tr(lang, "criteria.met"),
                            Some(false) => tr(lang, "criteria.not_met"),
                            None => tr(lang, "criteria.no_value"),
                        };
                        format!(
                            "{}. {}: {} → {}",
                            x.code,
                            x.name,
                            word(x.before),
                            word(x.after)
                        )
                    })
                    .collect(),
                unvalued: k.unvalued.join(", "),
            })
        }
        None => None,
    };
    let a = &v.assessment;
    render(&AssessmentPage {
        id,
        unit_id: a.unit_id.0,
        unit_name: v.unit_name.clone(),
        catalogue_id: stored.id,
        catalogue_name: format!("{} · {}", c.name, kind_label(lang, c.kind)),
        assessed_on: fmt::date(a.assessed_on),
        verdict: verdict(lang, Some(v.outcome.verdict)),
        met_of: tr(lang, "criteria.met_of")
            .replace("{met}", &v.outcome.met.to_string())
            .replace("{total}", &v.outcome.total.to_string()),
        points: v
            .outcome
            .points
            .map(|p| tr(lang, "criteria.points_n").replace("{n}", &format_decimal(&p, 2)))
            .unwrap_or_default(),
        note: a.note.clone(),
        rows,
        gaps,
        items,
        can_edit: v.can_edit,
        plans,
        others,
        compared,
        error,
        saved: uri.query().is_some_and(|q| q.contains("saved=1")),
        ctx,
    })
}

pub async fn view(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
    Path(id): Path<i64>,
    Query(q): Query<ViewQuery>,
) -> Result<Response, PageError> {
    let compare = match q.compare.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(c) => Some(
            c.parse::<i64>()
                .map_err(|_| PageError(AppError::invalid("invalid_number", "catalogue_id")))?,
        ),
    };
    show(&state, &page, &uri, id, compare, String::new()).await
}

/// Work items for the gaps, in the plan chosen: one per criterion ticked (every one, none
/// ticked). A refusal comes back on the page, said in words.
pub async fn make_items(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
    Path(id): Path<i64>,
    FormBody(pairs): FormBody<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    page.check_csrf(&pair(&pairs, "csrf").unwrap_or_default())?;
    let parsed = (|| {
        let document = pair(&pairs, "document_id")
            .and_then(|d| d.trim().parse::<i64>().ok())
            .map(DocumentId)
            .ok_or_else(|| AppError::invalid("required", "document_id"))?;
        let deadline =
            fmt::parse_date_field(&pair(&pairs, "deadline").unwrap_or_default(), "deadline")?
                .ok_or_else(|| AppError::invalid("required", "deadline"))?;
        Ok::<_, AppError>(GapInput {
            criterion_codes: pairs
                .iter()
                .filter(|(k, _)| k == "code")
                .map(|(_, v)| v.clone())
                .take(500)
                .collect(),
            document_id: Some(document),
            deadline: Some(deadline),
            ..GapInput::default()
        })
    })();
    let refused = match parsed {
        Ok(input) => {
            match criteria_links::address_gaps(&state.app, &page.actor, id, &input).await {
                Ok(_) => return Ok(see_other(&format!("/criteria/assessments/{id}#gap-items"))),
                Err(e @ AppError::Invalid(_)) => e,
                Err(e) => return Err(PageError(e)),
            }
        }
        Err(e) => e,
    };
    let lang = PageCtx::new(&page, &uri).lang();
    let mut response = show(&state, &page, &uri, id, None, refusal_line(lang, &refused)).await?;
    *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(response)
}

/// Why the form was refused, a criterion named as the form names it ("Tiêu chí 3.1").
fn reason(lang: Lang, e: &AppError) -> String {
    match e {
        AppError::Invalid(d) => match d.field.as_deref().and_then(|f| f.strip_prefix("values.")) {
            Some(code) => format!(
                "{} {code}: {}",
                tr(lang, "criteria.criterion"),
                crate::i18n::error_message(lang, d.code)
            ),
            None => refusal_line(lang, e),
        },
        other => refusal_line(lang, other),
    }
}

/// One criterion's line of the form, as typed or as kept.
struct FieldRow {
    code: String,
    name: String,
    requirement: String,
    unit: String,
    /// A met-or-not criterion (a choice), else a figure (a number typed).
    met: bool,
    value: String,
    evidence: String,
    invalid: bool,
}

#[derive(Template)]
#[template(path = "criteria_form.html")]
struct FormPage {
    ctx: PageCtx,
    action: String,
    unit_name: String,
    /// Choosing the catalogue and the day comes first, then the figures.
    choosing: bool,
    catalogues: Vec<(i64, String, bool)>,
    catalogue_id: i64,
    catalogue_name: String,
    assessed_on: String,
    version: String,
    fields: Vec<FieldRow>,
    note: String,
    error: String,
}

fn fields(catalogue: &Catalogue, typed: &HashMap<String, (String, String)>) -> Vec<FieldRow> {
    catalogue
        .criteria
        .iter()
        .map(|k| {
            let (value, evidence) = typed.get(&k.code).cloned().unwrap_or_default();
            FieldRow {
                code: k.code.clone(),
                name: k.name.clone(),
                requirement: String::new(),
                unit: k.unit.clone(),
                met: matches!(k.measure, Measure::Met),
                value,
                evidence,
                invalid: false,
            }
        })
        .collect()
}

/// The values kept, as the form shows them ("1"/"0" for met-or-not, figures as typed here).
fn kept_values(entries: &[ValueEntry]) -> HashMap<String, (String, String)> {
    entries
        .iter()
        .map(|e| {
            let v = match e.value {
                Value::Met(true) => "1".to_owned(),
                Value::Met(false) => "0".to_owned(),
                Value::Figure(f) => format_decimal(&f, 4),
            };
            (e.code.clone(), (v, e.evidence.clone()))
        })
        .collect()
}

/// Reads the form's values against the catalogue; blank ones are left out.
fn read_values(
    catalogue: &Catalogue,
    pairs: &[(String, String)],
) -> Result<Vec<ValueEntry>, AppError> {
    let mut out = Vec::new();
    for k in &catalogue.criteria {
        let raw = pair(pairs, &format!("v.{}", k.code)).unwrap_or_default();
        let raw = raw.trim();
        if raw.is_empty() {
            continue;
        }
        let field = format!("values.{}", k.code);
        let value = match k.measure {
            Measure::Met => match raw {
                "1" => Value::Met(true),
                "0" => Value::Met(false),
                _ => return Err(AppError::invalid("value_kind", &field)),
            },
            _ => Value::Figure(
                parse_decimal(raw).map_err(|_| AppError::invalid("number_invalid", &field))?,
            ),
        };
        out.push(ValueEntry {
            code: k.code.clone(),
            value,
            evidence: pair(pairs, &format!("e.{}", k.code)).unwrap_or_default(),
        });
    }
    Ok(out)
}

fn typed_values(pairs: &[(String, String)]) -> HashMap<String, (String, String)> {
    let mut out: HashMap<String, (String, String)> = HashMap::new();
    for (k, v) in pairs {
        if let Some(code) = k.strip_prefix("v.") {
            out.entry(code.to_owned()).or_default().0 = v.clone();
        } else if let Some(code) = k.strip_prefix("e.") {
            out.entry(code.to_owned()).or_default().1 = v.clone();
        }
    }
    out
}

#[derive(Deserialize)]
pub struct NewQuery {
    catalogue: Option<String>,
    on: Option<String>,
    /// An assessment whose values the form starts from (re-assessing under a new version).
    from: Option<String>,
}

async fn unit_name(state: &AppState, page: &PageActor, unit: UnitId) -> Result<String, PageError> {
    let today = state.app.today();
    Ok(
        trienkhai_app::org::unit_card(&state.app, &page.actor, unit, today)
            .await?
            .current
            .name,
    )
}

pub async fn new_form(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
    Path(unit): Path<i64>,
    Query(q): Query<NewQuery>,
) -> Result<Response, PageError> {
    let ctx = PageCtx::new(&page, &uri);
    let lang = ctx.lang();
    let on = fmt::parse_date_field(q.on.as_deref().unwrap_or_default(), "assessed_on")?;
    let chosen = q
        .catalogue
        .as_deref()
        .and_then(|c| c.trim().parse::<i64>().ok());
    let list = criteria::catalogues(&state.app, &page.actor).await?;
    let unit_name = unit_name(&state, &page, UnitId(unit)).await?;
    let (choosing, catalogue_name, rows) = match (chosen, on) {
        (Some(id), Some(_)) => {
            let stored = criteria::catalogue(&state.app, &page.actor, id).await?;
            let start = match q.from.as_deref().and_then(|f| f.trim().parse::<i64>().ok()) {
                Some(from) => kept_values(
                    &assessments::view(&state.app, &page.actor, from)
                        .await?
                        .assessment
                        .values,
                ),
                None => HashMap::new(),
            };
            let rows =
                with_requirements(lang, &stored.catalogue, fields(&stored.catalogue, &start));
            (false, stored.catalogue.name.clone(), rows)
        }
        _ => (true, String::new(), Vec::new()),
    };
    render(&FormPage {
        action: format!("/units/{unit}/criteria/new"),
        unit_name,
        choosing,
        catalogues: list
            .iter()
            .map(|c| {
                (
                    c.id,
                    format!(
                        "{} ({})",
                        c.name,
                        fmt::interval(lang, c.effective_from, c.effective_to)
                    ),
                    Some(c.id) == chosen,
                )
            })
            .collect(),
        catalogue_id: chosen.unwrap_or_default(),
        catalogue_name,
        assessed_on: on.map(fmt::date).unwrap_or_default(),
        version: String::new(),
        fields: rows,
        note: String::new(),
        error: String::new(),
        ctx,
    })
}

fn with_requirements(lang: Lang, c: &Catalogue, mut rows: Vec<FieldRow>) -> Vec<FieldRow> {
    for (row, k) in rows.iter_mut().zip(&c.criteria) {
        row.requirement = requirement(lang, k);
    }
    rows
}

/// Keeps a new assessment, or shows the form again with what was typed and why not.
pub async fn create(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
    Path(unit): Path<i64>,
    FormBody(pairs): FormBody<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    page.check_csrf(&pair(&pairs, "csrf").unwrap_or_default())?;
    let catalogue_id = pair(&pairs, "catalogue_id")
        .and_then(|c| c.trim().parse::<i64>().ok())
        .ok_or_else(|| PageError(AppError::invalid("required", "catalogue_id")))?;
    let stored = criteria::catalogue(&state.app, &page.actor, catalogue_id).await?;
    let on_text = pair(&pairs, "assessed_on").unwrap_or_default();
    let attempt = async {
        let on = fmt::parse_date_field(&on_text, "assessed_on")?
            .ok_or_else(|| AppError::invalid("required", "assessed_on"))?;
        let input = AssessmentInput {
            unit_id: UnitId(unit),
            catalogue_id,
            assessed_on: on,
            values: read_values(&stored.catalogue, &pairs)?,
            note: pair(&pairs, "note").unwrap_or_default(),
        };
        assessments::assess(&state.app, &page.actor, None, &input, None).await
    };
    let refused = match attempt.await {
        Ok(v) => {
            return Ok(see_other(&format!(
                "/criteria/assessments/{}?saved=1",
                v.assessment.id
            )));
        }
        Err(e @ (AppError::Invalid(_) | AppError::Conflict { .. })) => e,
        Err(e) => return Err(PageError(e)),
    };
    let ctx = PageCtx::new(&page, &uri);
    refused_form(
        &state,
        &page,
        ctx,
        (format!("/units/{unit}/criteria/new"), UnitId(unit)),
        &stored.catalogue,
        catalogue_id,
        (on_text, String::new()),
        &pairs,
        &refused,
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn refused_form(
    state: &AppState,
    page: &PageActor,
    ctx: PageCtx,
    (action, unit): (String, UnitId),
    catalogue: &Catalogue,
    catalogue_id: i64,
    (assessed_on, version): (String, String),
    pairs: &[(String, String)],
    refused: &AppError,
) -> Result<Response, PageError> {
    let lang = ctx.lang();
    let bad_field = match refused {
        AppError::Invalid(d) => d.field.clone().unwrap_or_default(),
        _ => String::new(),
    };
    let mut rows = with_requirements(lang, catalogue, fields(catalogue, &typed_values(pairs)));
    for r in &mut rows {
        r.invalid = bad_field == format!("values.{}", r.code);
    }
    let response = render(&FormPage {
        action,
        unit_name: unit_name(state, page, unit).await?,
        choosing: false,
        catalogues: Vec::new(),
        catalogue_id,
        catalogue_name: catalogue.name.clone(),
        assessed_on,
        version,
        fields: rows,
        note: pair(pairs, "note").unwrap_or_default(),
        error: reason(lang, refused),
        ctx,
    })?;
    Ok(super::refused_status(response, refused))
}

pub async fn edit_form(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let ctx = PageCtx::new(&page, &uri);
    let lang = ctx.lang();
    let v = assessments::view(&state.app, &page.actor, id).await?;
    if !v.can_edit {
        return Err(PageError(AppError::Forbidden));
    }
    let stored = criteria::catalogue(&state.app, &page.actor, v.assessment.catalogue_id).await?;
    let rows = with_requirements(
        lang,
        &stored.catalogue,
        fields(&stored.catalogue, &kept_values(&v.assessment.values)),
    );
    render(&FormPage {
        action: format!("/criteria/assessments/{id}/edit"),
        unit_name: v.unit_name.clone(),
        choosing: false,
        catalogues: Vec::new(),
        catalogue_id: stored.id,
        catalogue_name: stored.catalogue.name.clone(),
        assessed_on: fmt::date(v.assessment.assessed_on),
        version: v.assessment.row_version.to_string(),
        fields: rows,
        note: v.assessment.note.clone(),
        error: String::new(),
        ctx,
    })
}

/// Changes an assessment's values under the version the clerk saw.
pub async fn update(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
    Path(id): Path<i64>,
    FormBody(pairs): FormBody<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let version = super::checked_version(&page, &pairs)?;
    let v = assessments::view(&state.app, &page.actor, id).await?;
    let stored = criteria::catalogue(&state.app, &page.actor, v.assessment.catalogue_id).await?;
    let attempt = async {
        let input = AssessmentInput {
            unit_id: v.assessment.unit_id,
            catalogue_id: stored.id,
            assessed_on: v.assessment.assessed_on,
            values: read_values(&stored.catalogue, &pairs)?,
            note: pair(&pairs, "note").unwrap_or_default(),
        };
        assessments::assess(&state.app, &page.actor, Some(id), &input, Some(version)).await
    };
    let refused = match attempt.await {
        Ok(_) => return Ok(see_other(&format!("/criteria/assessments/{id}?saved=1"))),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict { .. })) => e,
        Err(e) => return Err(PageError(e)),
    };
    // After someone else's change the form carries the version as it is now.
    let shown_version = if matches!(refused, AppError::Conflict { .. }) {
        assessments::view(&state.app, &page.actor, id)
            .await?
            .assessment
            .row_version
    } else {
        version
    };
    let ctx = PageCtx::new(&page, &uri);
    refused_form(
        &state,
        &page,
        ctx,
        (
            format!("/criteria/assessments/{id}/edit"),
            v.assessment.unit_id,
        ),
        &stored.catalogue,
        stored.id,
        (
            fmt::date(v.assessment.assessed_on),
            shown_version.to_string(),
        ),
        &pairs,
        &refused,
    )
    .await
}
