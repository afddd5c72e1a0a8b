//! Screens of targets: the form defining one, the plan's values and quotas, and a target's page
//! (the figure, its formula with its inputs, the trend chart, the form to record a value).

use super::*;
use crate::AppState;
use crate::charts;
use crate::error::PageError;
use crate::extract::{FormBody, PageActor};
use crate::fmt;
use crate::i18n::{Lang, tr};
use crate::pages::{PageCtx, all_of, form_date, render, see_other, unit_by_code};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::Uri;
use axum::response::Response;
use rust_decimal::Decimal;
use serde::Deserialize;
use trienkhai_app::AppError;
use trienkhai_app::cascade::{self};
use trienkhai_app::documents::{self};
use trienkhai_app::targets::{self, ActualInput};
use trienkhai_core::ids::{DocumentId, TargetId};
use trienkhai_core::period::Period;
use trienkhai_core::rollup::{Observation, Treatment};
use trienkhai_core::vn;

/// Defines a target from the plan page, with the plan's value for a period when given. Themes
/// and the kinds of units that report are multiple choices (one field per choice).
pub async fn create_target(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
    FormBody(form): FormBody<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let one = |key: &str| crate::pages::pair(&form, key);
    page.check_csrf(&one("csrf").unwrap_or_default())?;
    let chosen = one("direction").unwrap_or_default();
    let direction = if chosen == "range" {
        let min = form_decimal(&one("range_min"), "direction")?
            .ok_or_else(|| AppError::invalid("required", "direction"))?;
        let max = form_decimal(&one("range_max"), "direction")?
            .ok_or_else(|| AppError::invalid("required", "direction"))?;
        format!("range:{min}:{max}")
    } else {
        chosen
    };
    let mut aggregation = one("aggregation").unwrap_or_default();
    if aggregation == "weighted_mean" {
        let weight = one("weight").unwrap_or_default();
        aggregation = format!("weighted_mean:{}", weight.trim());
    }
    let goal = form_decimal(&one("goal"), "value")?;
    let goal_period = form_period(&one("goal_period"))?;
    if goal.is_some() && goal_period.is_none() {
        return Err(PageError(AppError::invalid("required", "period")));
    }
    let input = targets::TargetInput {
        code: one("code").unwrap_or_default(),
        name: one("name").unwrap_or_default(),
        field_code: one("field_code"),
        themes: codes(&all_of(&form, "themes")),
        unit_of_measure: one("unit_of_measure").unwrap_or_default(),
        value_type: one("value_type").unwrap_or_default(),
        direction,
        aggregation,
        over_time: None,
        reporting_kinds: codes(&all_of(&form, "reporting_kinds")),
        baseline: form_decimal(&one("baseline"), "baseline")?,
        baseline_on: form_date(&one("baseline_on"), "baseline_on")?,
        responsible_unit_id: None,
        concretizes: None,
        sort_order: 1000,
        goals: goal_period.zip(goal).into_iter().collect(),
    };
    let target =
        targets::define_target(&state.app, &page.actor, DocumentId(id), &input, "user").await?;
    Ok(see_other(&format!("/targets/{target}")))
}

#[derive(Deserialize)]
pub struct PlannedForm {
    csrf: String,
    period: Option<String>,
    unit_code: Option<String>,
    value: Option<String>,
    row_version: Option<String>,
}

pub(super) fn form_version(input: &Option<String>) -> Result<Option<i64>, PageError> {
    match input.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => Ok(Some(v.parse().map_err(|_| {
            PageError(AppError::invalid("invalid_form", "row_version"))
        })?)),
    }
}

/// Sets the plan's value of a target for a period (an empty value removes it).
pub async fn set_value(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
    FormBody(form): FormBody<PlannedForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    let period =
        form_period(&form.period)?.ok_or_else(|| AppError::invalid("required", "period"))?;
    let value = form_decimal(&form.value, "value")?;
    let expected = form_version(&form.row_version)?;
    targets::set_target_value(
        &state.app,
        &page.actor,
        TargetId(id),
        period,
        value,
        expected,
    )
    .await?;
    Ok(see_other(&format!("/targets/{id}?period={period}")))
}

/// Hands a share of a target to a lower unit (an empty value takes it back).
pub async fn set_quota(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
    FormBody(form): FormBody<PlannedForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    let period =
        form_period(&form.period)?.ok_or_else(|| AppError::invalid("required", "period"))?;
    let unit = unit_by_code(&state, form.unit_code.as_deref(), "unit_id")
        .await?
        .ok_or_else(|| AppError::invalid("required", "unit_id"))?;
    let value = form_decimal(&form.value, "value")?;
    let expected = form_version(&form.row_version)?;
    targets::set_quota(
        &state.app,
        &page.actor,
        TargetId(id),
        unit,
        period,
        value,
        expected,
    )
    .await?;
    Ok(see_other(&format!("/targets/{id}?period={period}")))
}

pub struct InputLine {
    pub code: String,
    pub name: String,
    pub reported: String,
    pub weight: String,
    pub treatment: String,
    pub treatment_class: &'static str,
    pub from: String,
}

pub struct TrendLine {
    pub period: String,
    pub value: String,
    pub cumulative: String,
    pub status: String,
}

#[derive(Template)]
#[template(path = "target.html")]
pub(super) struct TargetPage {
    ctx: PageCtx,
    id: i64,
    /// Computed from attendance: (the study page, "Tính tự động từ … 02-NQ/HU (…)").
    computed_from: Option<(String, String)>,
    /// The plan's editor may declare this ratio target computed from attendance, counting
    /// which audiences (code, label).
    can_link: bool,
    audiences: Vec<(&'static str, &'static str)>,
    document_id: i64,
    document_number: String,
    code: String,
    name: String,
    unit_of_measure: String,
    facts: Vec<(String, String)>,
    illustrative: bool,
    period: String,
    period_label: String,
    unit_code: String,
    unit_name: String,
    value: String,
    goal: String,
    goal_source: String,
    status: String,
    status_class: &'static str,
    percent: String,
    formula: String,
    complete: bool,
    counted: u64,
    missing: u64,
    not_applicable: u64,
    tree_date: String,
    inputs: Vec<InputLine>,
    trend_chart: String,
    trend: Vec<TrendLine>,
    planned: Vec<(String, String)>,
    /// The plan's value for the period shown and its version, to edit it.
    planned_now: (String, String),
    quotas: Vec<(String, String, String, i64)>,
    /// Pickers: periods in words, units by name (see `pickers`).
    period_options: Vec<super::pickers::Choice>,
    unit_options: Vec<super::pickers::Choice>,
    report_units: Vec<super::pickers::Choice>,
    /// The version of the value and of the quota shown (unit and period of the page), sent
    /// back hidden: a value changed meanwhile is a conflict, never overwritten.
    actual_version: String,
    quota_version: String,
    can_report: bool,
    can_edit: bool,
    is_ratio: bool,
    is_flag: bool,
}

pub(super) fn observation_text(o: &Option<Observation>, lang: Lang) -> String {
    match o {
        Some(Observation::Value { value }) => vn::format_decimal(value, 4),
        Some(Observation::Ratio {
            numerator,
            denominator,
        }) => format!(
            "{} / {}",
            vn::format_decimal(numerator, 4),
            vn::format_decimal(denominator, 4)
        ),
        Some(Observation::Flag { value }) => {
            tr(lang, if *value { "common.yes" } else { "common.no" }).to_owned()
        }
        Some(Observation::NotApplicable) => tr(lang, "status.not_applicable").to_owned(),
        None => String::new(),
    }
}

pub(super) fn treatment_label(lang: Lang, t: Treatment) -> (&'static str, &'static str) {
    match t {
        Treatment::Counted => (tr(lang, "rollup.counted"), "st-achieved"),
        Treatment::Missing => (tr(lang, "rollup.missing"), "st-not-achieved"),
        Treatment::NotApplicable => (tr(lang, "rollup.not_applicable"), "st-na"),
        Treatment::Unusable => (tr(lang, "rollup.unusable"), "st-no-data"),
    }
}

#[derive(Deserialize, Default)]
pub struct TargetQuery {
    period: Option<String>,
    unit: Option<String>,
}

pub async fn target(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
    Path(id): Path<i64>,
    Query(query): Query<TargetQuery>,
) -> Result<Response, PageError> {
    use trienkhai_core::access::Action;
    let ctx = PageCtx::new(&page, &uri);
    let lang = ctx.lang();
    let view = targets::get_target(&state.app, &page.actor, TargetId(id)).await?;
    let doc = documents::get_document(&state.app, &page.actor, view.target.document_id).await?;
    let period =
        form_period(&query.period)?.unwrap_or_else(|| documents::default_period(&doc.document));
    let unit = match unit_by_code(&state, query.unit.as_deref(), "unit_id").await? {
        Some(u) => u,
        None => {
            cascade::default_unit_for_document(&state.app, &page.actor, doc.document.id, period)
                .await?
                .or(view.target.responsible_unit_id)
                .ok_or_else(|| AppError::invalid("required", "unit_id"))?
        }
    };
    let r = targets::rollup(
        &state.app,
        &page.actor,
        TargetId(id),
        unit,
        period,
        targets::Inputs::All,
    )
    .await?;
    let number = |d: Decimal| vn::format_decimal(&d, 4);
    let formula = r
        .explained
        .as_ref()
        .map(|e| trienkhai_core::rollup::formula(e, &number))
        .unwrap_or_default();
    let unit_detail =
        trienkhai_app::org::unit_detail(&state.app, &page.actor, unit, period.tree_date()).await?;
    let year = {
        use chrono::Datelike;
        period.tree_date().year()
    };
    let trend = targets::trend(&state.app, &page.actor, TargetId(id), unit, year).await?;
    let points: Vec<charts::Point> = trend
        .points
        .iter()
        .map(|p| charts::Point {
            label: match p.period {
                Period::Month(_, m) => format!("T{m}"),
                other => other.to_string(),
            },
            value: p.value,
            cumulative: p.cumulative,
        })
        .collect();
    // A target reported only by year has no month to draw: a row of "missing" marks on the
    // zero line would read as zeros, so the page says so instead.
    let trend_chart = if points.iter().any(|p| p.value.is_some()) {
        charts::trend(
            &format!("{} – {} {year}", view.target.name, unit_detail.current.name),
            &points,
            trend.goal,
            tr(lang, "target.goal"),
        )
    } else {
        String::new()
    };
    let inputs = r
        .explanation
        .inputs
        .iter()
        .map(|i| {
            let (label, class) = treatment_label(lang, i.treatment);
            InputLine {
                code: i.unit_code.clone(),
                name: i.unit_name.clone(),
                reported: observation_text(&i.observation, lang),
                weight: fmt::decimal(i.weight),
                treatment: label.to_owned(),
                treatment_class: class,
                from: if !i.missing_periods.is_empty() {
                    format!(
                        "{}: {}",
                        tr(lang, "rollup.missing_months"),
                        fmt::periods(lang, &i.missing_periods)
                    )
                } else {
                    fmt::periods(lang, &i.from_periods)
                },
            }
        })
        .collect();
    let t = &view.target;
    // A target computed from attendance is written by the study sessions, never typed.
    let source =
        trienkhai_app::study_targets::link_of(&state.app, &page.actor, TargetId(id)).await?;
    // … or by the year-end ratings.
    let rated = trienkhai_app::rating_targets::link_of(&state.app, &page.actor, TargetId(id))
        .await?
        .link;
    let can_report = page.actor.access.allows_somewhere(Action::Report)
        && source.link.is_none()
        && rated.is_none();
    let rated_from = rated.as_ref().map(|l| {
        (
            "/ratings".to_owned(),
            format!(
                "{} ({}, {} {})",
                tr(lang, "target.computed_from_ratings"),
                l.subject.name_vi(),
                l.min_level.abbreviation(),
                tr(lang, "target.or_better")
            ),
        )
    });
    let computed_from = source.link.as_ref().map(|l| {
        (
            format!("/documents/{}/study", l.document_id.0),
            format!(
                "{} {} ({})",
                tr(lang, "target.computed_from"),
                source.document_number.clone().unwrap_or_default(),
                l.audiences
                    .iter()
                    .map(|a| crate::pages::study::audience_label(lang, *a))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
    });
    let computed_from = computed_from.or(rated_from);
    let is_ratio = t.value_type == trienkhai_core::target::ValueType::Ratio;
    let can_link = view.can_edit && is_ratio && source.link.is_none() && rated.is_none();
    let facts = vec![
        (
            tr(lang, "field.value_type").to_owned(),
            tr(lang, &format!("valuetype.{}", t.value_type.as_str())).to_owned(),
        ),
        (
            tr(lang, "field.direction").to_owned(),
            direction_label(lang, &t.direction),
        ),
        (
            tr(lang, "field.aggregation").to_owned(),
            aggregation_label(lang, &t.aggregation),
        ),
        (
            tr(lang, "target.over_time").to_owned(),
            tr(lang, &format!("overtime.{}", t.over_time.as_str())).to_owned(),
        ),
        (
            tr(lang, "target.baseline").to_owned(),
            match (t.baseline, t.baseline_on) {
                (Some(b), Some(on)) => format!("{} ({})", fmt::decimal(Some(b)), fmt::date(on)),
                (Some(b), None) => fmt::decimal(Some(b)),
                _ => String::new(),
            },
        ),
    ];
    let years = year - 1..=year + 1;
    let actual_version = if can_report {
        targets::actuals_of_unit(&state.app, &page.actor, TargetId(id), unit)
            .await
            .unwrap_or_default()
            .iter()
            .find(|a| a.period == period)
            .map(|a| a.row_version.to_string())
            .unwrap_or_default()
    } else {
        String::new()
    };
    let quota_version = view
        .quotas
        .iter()
        .find(|q| q.unit_id == Some(unit) && q.period == period)
        .map(|q| q.row_version.to_string())
        .unwrap_or_default();
    let issuer = doc.document.issuer_unit_id;
    let day = period.tree_date();
    let unit_code = unit_detail.current.code.clone();
    render(&TargetPage {
        period_options: super::pickers::period_choices(lang, years, Some(period)),
        unit_options: super::pickers::unit_choices(
            &state,
            &page,
            issuer,
            Action::Read,
            day,
            &unit_code,
            None,
        )
        .await?,
        report_units: if can_report {
            super::pickers::unit_choices(
                &state,
                &page,
                issuer,
                Action::Report,
                day,
                &unit_code,
                None,
            )
            .await?
        } else {
            Vec::new()
        },
        actual_version,
        quota_version,
        id,
        document_id: doc.document.id.0,
        document_number: doc.document.number.clone(),
        code: t.code.clone(),
        name: t.name.clone(),
        unit_of_measure: t.unit_of_measure.clone(),
        facts,
        illustrative: t.source == "illustrative",
        period: period.to_string(),
        period_label: fmt::period(lang, period),
        unit_code: unit_detail.current.code.clone(),
        unit_name: unit_detail.current.name.clone(),
        value: fmt::decimal(r.figure.value),
        goal: if r.figure.partial {
            format!(
                "{} ({})",
                fmt::decimal(r.figure.goal),
                r.figure
                    .goal_period
                    .map(|p| fmt::period(lang, p))
                    .unwrap_or_default()
            )
        } else {
            fmt::decimal(r.figure.goal)
        },
        goal_source: r
            .figure
            .goal_source
            .map(|s| {
                tr(
                    lang,
                    match s {
                        targets::GoalSource::Plan => "target.goal_plan",
                        targets::GoalSource::Quota => "target.goal_quota",
                    },
                )
                .to_owned()
            })
            .unwrap_or_default(),
        status: fmt::status(lang, r.figure.status).to_owned(),
        status_class: charts::status_class(r.figure.status),
        percent: r
            .figure
            .achievement_percent
            .map(|p| format!("{} %", vn::format_decimal(&p, 1)))
            .unwrap_or_default(),
        formula,
        complete: r.figure.complete,
        counted: r.figure.counted,
        missing: r.figure.missing,
        not_applicable: r.figure.not_applicable,
        tree_date: fmt::date(r.explanation.tree_date),
        inputs,
        trend_chart,
        trend: trend
            .points
            .iter()
            .map(|p| TrendLine {
                period: fmt::period(lang, p.period),
                value: fmt::decimal(p.value),
                cumulative: fmt::decimal(p.cumulative),
                status: fmt::status(lang, p.status).to_owned(),
            })
            .collect(),
        planned_now: view
            .values
            .iter()
            .find(|v| v.period == period)
            .map(|v| (vn::format_decimal(&v.value, 6), v.row_version.to_string()))
            .unwrap_or_default(),
        planned: view
            .values
            .iter()
            .map(|v| (fmt::period(lang, v.period), fmt::decimal(Some(v.value))))
            .collect(),
        quotas: view
            .quotas
            .iter()
            .map(|q| {
                let name = q
                    .unit_id
                    .and_then(|u| r.explanation.inputs.iter().find(|i| i.unit_id == u))
                    .map(|i| i.unit_name.clone())
                    .unwrap_or_else(|| q.unit_id.map(|u| u.to_string()).unwrap_or_default());
                (
                    name,
                    fmt::period(lang, q.period),
                    fmt::decimal(Some(q.value)),
                    q.row_version,
                )
            })
            .collect(),
        can_report,
        can_edit: view.can_edit,
        computed_from,
        can_link,
        audiences: trienkhai_core::attendance::Audience::ALL
            .iter()
            .map(|a| (a.as_str(), crate::pages::study::audience_label(lang, *a)))
            .collect(),
        is_ratio,
        is_flag: t.value_type == trienkhai_core::target::ValueType::YesNo,
        ctx,
    })
}

pub(super) fn direction_label(lang: Lang, d: &trienkhai_core::target::Direction) -> String {
    use trienkhai_core::target::Direction;
    match d {
        Direction::Increase => tr(lang, "direction.increase").to_owned(),
        Direction::Decrease => tr(lang, "direction.decrease").to_owned(),
        Direction::Reach => tr(lang, "direction.reach").to_owned(),
        Direction::Range { min, max } => format!(
            "{} [{}; {}]",
            tr(lang, "direction.range"),
            fmt::decimal(Some(*min)),
            fmt::decimal(Some(*max))
        ),
    }
}

pub(super) fn aggregation_label(lang: Lang, a: &trienkhai_core::rollup::Aggregation) -> String {
    use trienkhai_core::rollup::Aggregation;
    match a {
        Aggregation::WeightedMean { weight } => {
            format!("{} ({weight})", tr(lang, "aggregation.weighted_mean"))
        }
        other => {
            let name = other.to_string();
            tr(lang, &format!("aggregation.{name}")).to_owned()
        }
    }
}

#[derive(Deserialize)]
pub struct ActualForm {
    csrf: String,
    unit_code: String,
    period: Option<String>,
    value: Option<String>,
    numerator: Option<String>,
    denominator: Option<String>,
    flag: Option<String>,
    not_applicable: Option<String>,
    note: Option<String>,
    row_version: Option<String>,
}

/// Records a value from the target page; a value already there is updated only with the
/// version the person saw (read from the unit's list of values).
pub async fn record_actual(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
    FormBody(form): FormBody<ActualForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    let unit = unit_by_code(&state, Some(&form.unit_code), "unit_id")
        .await?
        .ok_or_else(|| AppError::invalid("required", "unit_id"))?;
    let period =
        form_period(&form.period)?.ok_or_else(|| AppError::invalid("required", "period"))?;
    let row_version = match form.row_version.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(v) => Some(
            v.parse()
                .map_err(|_| AppError::invalid("invalid_form", "row_version"))?,
        ),
    };
    let input = ActualInput {
        value: form_decimal(&form.value, "value")?,
        numerator: form_decimal(&form.numerator, "numerator")?,
        denominator: form_decimal(&form.denominator, "denominator")?,
        flag: match form.flag.as_deref() {
            Some("yes") => Some(true),
            Some("no") => Some(false),
            _ => None,
        },
        not_applicable: form.not_applicable.is_some(),
        note: form.note,
        row_version,
    };
    targets::record_actual(
        &state.app,
        &page.actor,
        TargetId(id),
        unit,
        period,
        &input,
        "user",
    )
    .await?;
    Ok(see_other(&format!(
        "/targets/{id}?unit={}&period={period}",
        fmt::url_encode(&form.unit_code)
    )))
}

/// Declares the target computed from the attendance at its own plan's study sessions.
pub async fn link_attendance(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
    FormBody(pairs): FormBody<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    page.check_csrf(&crate::pages::pair(&pairs, "csrf").unwrap_or_default())?;
    let target = trienkhai_app::targets::get_target(&state.app, &page.actor, TargetId(id)).await?;
    let audiences = pairs
        .iter()
        .filter(|(k, _)| k == "audience")
        .take(trienkhai_core::attendance::Audience::ALL.len())
        .map(|(_, v)| trienkhai_core::attendance::Audience::parse(v))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| PageError(e.into()))?;
    trienkhai_app::study_targets::link(
        &state.app,
        &page.actor,
        TargetId(id),
        &trienkhai_app::study_targets::LinkInput {
            document_id: target.target.document_id,
            audiences,
        },
    )
    .await?;
    Ok(see_other(&format!("/targets/{id}")))
}
