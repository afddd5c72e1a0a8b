//! Assessments against criteria catalogues (C11): a unit's values on a day, each with its
//! evidence, evaluated by the catalogue version in force that day into each criterion's result,
//! the score, the verdict and what is still missing by how much; the unit's history over the
//! years; the same values re-read under another version (what a new catalogue changes). Those
//! who edit the unit's content assess it; those who read it read its assessments.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;
use trienkhai_core::access::Action;
use trienkhai_core::criteria::evaluate::{Outcome, Value, Verdict, evaluate};
use trienkhai_core::criteria::{Catalogue, Measure};
use trienkhai_core::ids::UnitId;
use trienkhai_core::vn::clean_text;
use trienkhai_store::audit;
use trienkhai_store::criteria::{self as store, Assessment, StoredCatalogue, ValueEntry};

use crate::criteria::CatalogueLine;
use crate::scope::{Trees, hide_missing, unit_name_on};
use crate::{Actor, App, AppError, Result};

/// The most characters of a value's evidence and of an assessment's note.
const TEXT_MAX: usize = 2000;

/// An assessment to keep: a new one (no id) or the values of one already kept.
#[derive(Debug, Clone, serde::Deserialize, schemars::JsonSchema)]
pub struct AssessmentInput {
    pub unit_id: UnitId,
    pub catalogue_id: i64,
    pub assessed_on: NaiveDate,
    pub values: Vec<ValueEntry>,
    #[serde(default)]
    pub note: String,
}

/// An assessment with its catalogue and its evaluation.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct AssessmentView {
    pub assessment: Assessment,
    pub unit_name: String,
    pub catalogue: CatalogueLine,
    pub outcome: Outcome,
    /// The work items addressing what it misses.
    pub gap_items: Vec<crate::criteria_links::GapItemLine>,
    pub can_edit: bool,
}

/// Checks the values against the catalogue: each names one of its criteria, once, in the
/// kind its measure takes; evidence cleaned and bounded.
fn checked_values(catalogue: &Catalogue, values: &[ValueEntry]) -> Result<Vec<ValueEntry>> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(values.len());
    for v in values {
        let field = format!("values.{}", v.code);
        let Some(c) = catalogue.criteria.iter().find(|c| c.code == v.code) else {
            return Err(AppError::invalid("unknown_criterion", &field));
        };
        if !seen.insert(v.code.clone()) {
            return Err(AppError::invalid("duplicate_code", &field));
        }
        let kind_fits = matches!(
            (c.measure, v.value),
            (Measure::Met, Value::Met(_))
                | (
                    Measure::Threshold { .. } | Measure::Scored { .. } | Measure::Points,
                    Value::Figure(_)
                )
        );
        if !kind_fits {
            return Err(AppError::invalid("value_kind", &field));
        }
        let evidence = clean_text(&v.evidence);
        if evidence.chars().count() > TEXT_MAX {
            return Err(AppError::invalid("too_long", &format!("{field}.evidence")));
        }
        out.push(ValueEntry {
            code: v.code.clone(),
            value: v.value,
            evidence,
        });
    }
    // Kept in the catalogue's order, so that a form and a history read alike.
    out.sort_by_key(|v| catalogue.criteria.iter().position(|c| c.code == v.code));
    Ok(out)
}

fn values_map(a: &Assessment) -> HashMap<String, Value> {
    a.values.iter().map(|v| (v.code.clone(), v.value)).collect()
}

/// Keeps an assessment: new when `id` is none, else the values of assessment `id` if it is
/// still at `expected_version`. Answers the assessment as kept, evaluated.
pub async fn assess(
    app: &App,
    actor: &Actor,
    id: Option<i64>,
    input: &AssessmentInput,
    expected_version: Option<i64>,
) -> Result<AssessmentView> {
    let note = clean_text(&input.note);
    if note.chars().count() > TEXT_MAX {
        return Err(AppError::invalid("too_long", "note"));
    }
    let mut tx = app.db.begin().await?;
    let mut trees = Trees::shared(app);
    let before = match id {
        Some(id) => {
            let a = store::assessment(&mut tx, id)
                .await
                .map_err(|e| hide_missing(actor, Action::Read, e.into()))?;
            trees
                .require(
                    &mut tx,
                    actor,
                    Action::EditContent,
                    a.unit_id,
                    a.assessed_on,
                )
                .await?;
            Some(a)
        }
        None => None,
    };
    // A kept assessment keeps its unit, catalogue and day; only its values change.
    let (unit, catalogue_id, day) = match &before {
        Some(a) => (a.unit_id, a.catalogue_id, a.assessed_on),
        None => (input.unit_id, input.catalogue_id, input.assessed_on),
    };
    if trienkhai_store::units::versions_of(&mut tx, unit)
        .await?
        .is_empty()
    {
        return Err(AppError::invalid("not_found", "unit_id"));
    }
    trees
        .require(&mut tx, actor, Action::EditContent, unit, day)
        .await?;
    if trees.at(&mut tx, day).await?.get(unit).is_none() {
        return Err(AppError::invalid("unit_not_alive", "assessed_on"));
    }
    let stored = store::catalogue(&mut tx, catalogue_id)
        .await
        .map_err(|_| AppError::invalid("not_found", "catalogue_id"))?;
    if !stored.catalogue.in_force_on(day) {
        return Err(AppError::invalid("catalogue_not_in_force", "assessed_on"));
    }
    let values = checked_values(&stored.catalogue, &input.values)?;
    let kind = stored.catalogue.kind;
    let last_before = crate::criteria_links::last_year(&mut tx, kind).await?;
    let outcome = evaluate(
        &stored.catalogue,
        &values.iter().map(|v| (v.code.clone(), v.value)).collect(),
    );
    let assessment = Assessment {
        id: before.as_ref().map_or(0, |a| a.id),
        unit_id: unit,
        catalogue_id,
        assessed_on: day,
        values,
        note,
        met: u32::try_from(outcome.met).unwrap_or(u32::MAX),
        total: u32::try_from(outcome.total).unwrap_or(u32::MAX),
        points: outcome.points,
        verdict: outcome.verdict,
        row_version: match (&before, expected_version) {
            (Some(_), Some(v)) => v,
            (Some(_), None) => return Err(AppError::invalid("required", "row_version")),
            (None, _) => 0,
        },
    };
    let (id, version) = store::save_assessment(&mut tx, &assessment, app.now()).await?;
    crate::criteria_links::refresh(app, &mut tx, actor, kind, (unit, day), last_before).await?;
    audit::append(
        &mut tx,
        &actor.audit_entry(
            if before.is_some() { "update" } else { "create" },
            "criteria_assessment",
            id,
            before.as_ref().and_then(|b| serde_json::to_value(b).ok()),
            serde_json::to_value(&assessment).ok(),
        ),
        app.now(),
    )
    .await?;
    trienkhai_store::commit(tx).await?;
    view(app, actor, id).await.map(|mut v| {
        v.assessment.row_version = version;
        v
    })
}

/// One assessment, evaluated again by its catalogue version as it stands.
pub async fn view(app: &App, actor: &Actor, id: i64) -> Result<AssessmentView> {
    let mut conn = app.db.reader().await?;
    let a = store::assessment(&mut conn, id)
        .await
        .map_err(|e| hide_missing(actor, Action::Read, e.into()))?;
    let mut trees = Trees::shared(app);
    trees
        .require(&mut conn, actor, Action::Read, a.unit_id, a.assessed_on)
        .await?;
    let can_edit = trees
        .allows(
            &mut conn,
            actor,
            Action::EditContent,
            a.unit_id,
            a.assessed_on,
        )
        .await?;
    let catalogue = store::catalogue(&mut conn, a.catalogue_id).await?;
    let unit_name = unit_name_on(&mut conn, a.unit_id, a.assessed_on)
        .await?
        .unwrap_or_default();
    let gap_items = crate::criteria_links::lines(&mut conn, id).await?;
    Ok(AssessmentView {
        outcome: evaluate(&catalogue.catalogue, &values_map(&a)),
        gap_items,
        catalogue: CatalogueLine::of(&catalogue),
        unit_name,
        assessment: a,
        can_edit,
    })
}

/// A line of a unit's history.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct HistoryLine {
    pub id: i64,
    pub assessed_on: NaiveDate,
    pub catalogue_id: i64,
    pub catalogue_name: String,
    pub class: Option<String>,
    pub met: u32,
    pub total: u32,
    pub points: Option<rust_decimal::Decimal>,
    pub verdict: Verdict,
}

/// A unit's assessments over the years, oldest first, every catalogue together.
pub async fn history(app: &App, actor: &Actor, unit: UnitId) -> Result<Vec<HistoryLine>> {
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    trees
        .require(&mut conn, actor, Action::Read, unit, app.today())
        .await?;
    let assessments = store::assessments_of_unit(&mut conn, unit).await?;
    let catalogues: HashMap<i64, StoredCatalogue> = store::catalogues(&mut conn)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    Ok(assessments
        .into_iter()
        .map(|a| {
            let c = catalogues.get(&a.catalogue_id);
            HistoryLine {
                id: a.id,
                assessed_on: a.assessed_on,
                catalogue_id: a.catalogue_id,
                catalogue_name: c.map(|c| c.catalogue.name.clone()).unwrap_or_default(),
                class: c.and_then(|c| c.catalogue.class.clone()),
                met: a.met,
                total: a.total,
                points: a.points,
                verdict: a.verdict,
            }
        })
        .collect())
}

/// A criterion read under two catalogue versions.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ComparedCriterion {
    pub code: String,
    pub name: String,
    /// Met under the assessment's own version; none when it has no such criterion or no value.
    pub before: Option<bool>,
    /// Met under the other version; none when it has no such criterion or no value.
    pub after: Option<bool>,
}

/// An assessment's values re-read under another catalogue version.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Comparison {
    pub assessment_id: i64,
    pub before: CatalogueLine,
    pub after: CatalogueLine,
    pub verdict_before: Verdict,
    pub verdict_after: Verdict,
    pub points_before: Option<rust_decimal::Decimal>,
    pub points_after: Option<rust_decimal::Decimal>,
    /// Every criterion of either version whose result differs (or exists in one only).
    pub changed: Vec<ComparedCriterion>,
    /// The other version's criteria the assessment has no value for.
    pub unvalued: Vec<String>,
}

/// What re-assessing assessment `id` under catalogue version `other` would change.
pub async fn compare(app: &App, actor: &Actor, id: i64, other: i64) -> Result<Comparison> {
    let v = view(app, actor, id).await?;
    let mut conn = app.db.reader().await?;
    let theirs = store::catalogue(&mut conn, other)
        .await
        .map_err(|_| AppError::invalid("not_found", "catalogue_id"))?;
    let mine = store::catalogue(&mut conn, v.assessment.catalogue_id).await?;
    let values = values_map(&v.assessment);
    let after = evaluate(&theirs.catalogue, &values);
    let met_in = |outcome: &Outcome, code: &str| {
        outcome
            .criteria
            .iter()
            .find(|r| r.code == code)
            .and_then(|r| r.met)
    };
    let mut codes: Vec<(String, String)> = Vec::new();
    for c in mine
        .catalogue
        .criteria
        .iter()
        .chain(&theirs.catalogue.criteria)
    {
        if !codes.iter().any(|(code, _)| *code == c.code) {
            codes.push((c.code.clone(), c.name.clone()));
        }
    }
    let changed = codes
        .into_iter()
        .map(|(code, name)| ComparedCriterion {
            before: met_in(&v.outcome, &code),
            after: met_in(&after, &code),
            code,
            name,
        })
        .filter(|c| c.before != c.after)
        .collect();
    Ok(Comparison {
        assessment_id: id,
        before: v.catalogue,
        after: CatalogueLine::of(&theirs),
        verdict_before: v.outcome.verdict,
        verdict_after: after.verdict,
        points_before: v.outcome.points,
        points_after: after.points,
        changed,
        unvalued: after
            .missing
            .iter()
            .filter(|m| m.unvalued)
            .map(|m| m.code.clone())
            .collect(),
    })
}
