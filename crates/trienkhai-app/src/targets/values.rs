//! A plan's own values and quotas per period, and what units report (C5): each value checked
//! against its target's type and magnitude at the edge, written with the version its writer
//! read (a value written in between is a conflict, never overwritten).

use super::*;
use crate::scope::{Trees, hide_missing};
use crate::{Actor, App, AppError, Result};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::HashSet;
use trienkhai_core::access::Action;
use trienkhai_core::error::DomainError;
use trienkhai_core::ids::{TargetId, UnitId};
use trienkhai_core::period::Period;
use trienkhai_core::rollup::Observation;
use trienkhai_core::target::ValueType;
use trienkhai_core::validity::Validity;
use trienkhai_store::targets::Target;
use trienkhai_store::targets::{self};
use trienkhai_store::{Conn, StoreError, audit, documents};

/// Sets (or removes, with `None`) the plan's value of a target for a period. `expected` is the
/// version of the value the person saw (`None`: there was none); a value changed in between is
/// a conflict.
pub async fn set_target_value(
    app: &App,
    actor: &Actor,
    id: TargetId,
    period: Period,
    value: Option<Decimal>,
    expected: Option<i64>,
) -> Result<()> {
    let mut tx = app.db.begin().await?;
    let mut trees = Trees::default();
    let (target, _) = editable_target(&mut tx, &mut trees, actor, id).await?;
    if let Some(v) = value {
        check_value_shape(target.value_type, v, "value")?;
    }
    let before = target_snapshot(&mut tx, id).await?;
    match targets::set_target_value(&mut tx, id, period, value, expected).await {
        Err(StoreError::Conflict) => {
            return Err(AppError::Conflict {
                current: Some(before),
            });
        }
        other => other?,
    };
    audit_target(&mut tx, app, actor, "set_value", id, Some(before)).await?;
    trienkhai_store::commit(tx).await?;
    Ok(())
}

/// Hands a share of a target to a unit below the plan's issuer for a period (`expected` as for
/// [`set_target_value`]).
pub async fn set_quota(
    app: &App,
    actor: &Actor,
    id: TargetId,
    unit: UnitId,
    period: Period,
    value: Option<Decimal>,
    expected: Option<i64>,
) -> Result<()> {
    let mut tx = app.db.begin().await?;
    let mut trees = Trees::default();
    let (target, doc) = editable_target(&mut tx, &mut trees, actor, id).await?;
    if let Some(v) = value {
        check_value_shape(target.value_type, v, "value")?;
    }
    let tree = trees.at(&mut tx, period.tree_date()).await?;
    if tree.get(unit).is_none() {
        return Err(AppError::invalid("unit_not_alive", "unit_id"));
    }
    if let Some(issuer) = doc.issuer_unit_id
        && (unit == issuer || !tree.is_within(unit, issuer))
    {
        return Err(AppError::invalid("unit_outside_plan", "unit_id"));
    }
    let before = target_snapshot(&mut tx, id).await?;
    match targets::set_quota(&mut tx, id, unit, period, value, expected).await {
        Err(StoreError::Conflict) => {
            return Err(AppError::Conflict {
                current: Some(before),
            });
        }
        other => other?,
    };
    audit_target(&mut tx, app, actor, "set_quota", id, Some(before)).await?;
    trienkhai_store::commit(tx).await?;
    Ok(())
}

/// The largest magnitude a value may have, and its most decimals: a thousand billion (money in
/// millions of đồng stays far below it) and six places keep every sum, weighted sum and ratio
/// of a province exact inside `Decimal`'s 28 digits.
pub(super) const MAX_MAGNITUDE: i64 = 1_000_000_000_000;
pub(super) const MAX_SCALE: u32 = 6;

/// A value of a reasonable size, or an error naming the field.
pub(crate) fn check_magnitude(v: Decimal, field: &str) -> Result<()> {
    if v.abs() > Decimal::from(MAX_MAGNITUDE) {
        return Err(invalid("value_too_large", field, v.normalize().to_string()));
    }
    if v.normalize().scale() > MAX_SCALE {
        return Err(invalid("too_many_decimals", field, MAX_SCALE.to_string()));
    }
    Ok(())
}

pub(super) fn check_value_shape(value_type: ValueType, v: Decimal, field: &str) -> Result<()> {
    check_magnitude(v, field)?;
    match value_type {
        ValueType::Count if v.is_sign_negative() || v.fract() != Decimal::ZERO => {
            Err(invalid("value_not_count", field, v.normalize().to_string()))
        }
        ValueType::YesNo if v != Decimal::ZERO && v != Decimal::ONE => {
            Err(AppError::invalid("value_not_yes_no", field))
        }
        _ => Ok(()),
    }
}

/// Whether a ratio target measured in percent is a share of a whole (every ratio of the plans
/// offices write: "tỷ lệ hộ nghèo", "tỷ lệ … đạt chuẩn"), whose numerator is part of its
/// denominator.
pub(crate) fn is_share(unit_of_measure: &str) -> bool {
    unit_of_measure.trim() == "%"
}

/// What a unit reports for one target and period.
#[derive(Debug, Clone, Default)]
pub struct ActualInput {
    pub value: Option<Decimal>,
    pub numerator: Option<Decimal>,
    pub denominator: Option<Decimal>,
    pub flag: Option<bool>,
    /// *Không áp dụng*.
    pub not_applicable: bool,
    pub note: Option<String>,
    /// The version last seen, `None` when there was no value yet.
    pub row_version: Option<i64>,
}

impl ActualInput {
    /// The input that records `observation` again (a correction that keeps the value, or a
    /// benchmark's write), over the version last read.
    pub fn same_as(observation: &Observation, note: Option<String>, row_version: i64) -> Self {
        let mut input = ActualInput {
            note,
            row_version: Some(row_version),
            ..Default::default()
        };
        match observation {
            Observation::Value { value } => input.value = Some(*value),
            Observation::Ratio {
                numerator,
                denominator,
            } => {
                input.numerator = Some(*numerator);
                input.denominator = Some(*denominator);
            }
            Observation::Flag { value } => input.flag = Some(*value),
            Observation::NotApplicable => input.not_applicable = true,
        }
        input
    }

    /// The observation this input records for `target`, checked against its value type (and,
    /// for a share, that the part is no larger than the whole).
    pub(crate) fn observation(&self, target: &Target) -> Result<Observation> {
        if self.not_applicable {
            return Ok(Observation::NotApplicable);
        }
        match target.value_type {
            ValueType::Ratio => {
                let numerator = self
                    .numerator
                    .ok_or_else(|| AppError::invalid("required", "numerator"))?;
                let denominator = self
                    .denominator
                    .ok_or_else(|| AppError::invalid("required", "denominator"))?;
                check_magnitude(numerator, "numerator")?;
                check_magnitude(denominator, "denominator")?;
                if numerator.is_sign_negative() {
                    return Err(AppError::invalid("out_of_range", "numerator"));
                }
                if denominator <= Decimal::ZERO {
                    return Err(AppError::invalid("denominator_not_positive", "denominator"));
                }
                // A ratio in percent is a share ("tỷ lệ hộ nghèo": poor households of all
                // households): the part cannot exceed the whole.
                if is_share(&target.unit_of_measure) && numerator > denominator {
                    return Err(AppError::invalid(
                        "numerator_exceeds_denominator",
                        "numerator",
                    ));
                }
                Ok(Observation::Ratio {
                    numerator,
                    denominator,
                })
            }
            ValueType::YesNo => {
                let value = match (self.flag, self.value) {
                    (Some(f), _) => f,
                    (None, Some(v)) if v == Decimal::ONE => true,
                    (None, Some(v)) if v == Decimal::ZERO => false,
                    (None, Some(_)) => return Err(AppError::invalid("value_not_yes_no", "value")),
                    (None, None) => return Err(AppError::invalid("required", "flag")),
                };
                Ok(Observation::Flag { value })
            }
            t => {
                let value = self
                    .value
                    .ok_or_else(|| AppError::invalid("required", "value"))?;
                check_value_shape(t, value, "value")?;
                Ok(Observation::Value { value })
            }
        }
    }
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ActualView {
    #[serde(flatten)]
    pub actual: targets::Actual,
}

/// Records what `unit` reports for a target and a period. The actor must be allowed to report
/// for the unit over the whole period; the unit must lie in the plan's tree then. A value
/// written by someone else since the actor read it is a conflict, never overwritten.
pub async fn record_actual(
    app: &App,
    actor: &Actor,
    id: TargetId,
    unit: UnitId,
    period: Period,
    input: &ActualInput,
    source: &str,
) -> Result<targets::Actual> {
    record_actual_in(app, actor, id, unit, period, input, source, None).await
}

/// [`record_actual`], the value belonging to `report` when given (it then counts in roll-ups
/// according to the report's state and the plan's setting).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn record_actual_in(
    app: &App,
    actor: &Actor,
    id: TargetId,
    unit: UnitId,
    period: Period,
    input: &ActualInput,
    source: &str,
    report: Option<i64>,
) -> Result<targets::Actual> {
    let mut tx = app.db.begin().await?;
    // A value write never changes the tree: the shared trees (checked against the committed
    // tree generation) are safe here, where a structural change needs private ones.
    let mut trees = Trees::shared(app);
    let target = targets::get_target(&mut tx, id)
        .await
        .map_err(|e| hide_missing(actor, Action::Report, e.into()))?;
    let written = write_actual(
        app,
        &mut tx,
        &mut trees,
        actor,
        &target,
        ValueWrite {
            unit,
            period,
            input,
            source,
            report,
        },
    )
    .await?;
    trienkhai_store::commit(tx).await?;
    Ok(written)
}

/// Where a value goes and what it says.
pub(crate) struct ValueWrite<'a> {
    pub unit: UnitId,
    pub period: Period,
    pub input: &'a ActualInput,
    pub source: &'a str,
    pub report: Option<i64>,
}

/// Writes one value inside the caller's transaction: the actor must be allowed to report for
/// the unit over the whole period, the unit must lie in the plan's tree then, and a value
/// written by someone else since the actor read it is a conflict. Returns the value written.
pub(crate) async fn write_actual(
    app: &App,
    tx: &mut Conn,
    trees: &mut Trees,
    actor: &Actor,
    target: &Target,
    w: ValueWrite<'_>,
) -> Result<targets::Actual> {
    let ValueWrite {
        unit,
        period,
        input,
        source,
        report,
    } = w;
    let id = target.id;
    crate::study_targets::refuse_typed(tx, id).await?;
    crate::rating_targets::refuse_typed(tx, id).await?;
    crate::criteria_links::refuse_typed(tx, id).await?;
    let (start, end) = period.dates();
    let span = Validity::new(start, Some(end)).expect("ordered period");
    trees
        .require_over(tx, actor, Action::Report, unit, span)
        .await?;
    let observation = input.observation(target)?;
    let doc = documents::get_document(tx, target.document_id).await?;
    let tree = trees.at(tx, period.tree_date()).await?;
    if tree.get(unit).is_none() {
        return Err(AppError::invalid("unit_not_alive", "unit_id"));
    }
    if let Some(issuer) = doc.issuer_unit_id
        && !tree.is_within(unit, issuer)
    {
        return Err(AppError::invalid("unit_outside_plan", "unit_id"));
    }
    let note = input
        .note
        .as_deref()
        .map(trienkhai_core::vn::clean_text)
        .filter(|n| !n.is_empty());
    let before = targets::get_actual(tx, id, unit, period).await?;
    let written = targets::put_actual(
        tx,
        &targets::NewActual {
            target_id: id,
            unit_id: unit,
            period,
            observation: &observation,
            note: note.as_deref(),
            source,
            recorded_by: actor.account_id,
        },
        input.row_version,
        app.now(),
    )
    .await;
    let written = match written {
        Err(StoreError::Conflict) => {
            return Err(AppError::Conflict {
                current: before.map(|b| serde_json::to_value(b).unwrap_or_default()),
            });
        }
        other => other?,
    };
    audit::append(
        tx,
        &actor.audit_entry(
            if before.is_some() { "update" } else { "create" },
            "actual",
            written.id.0,
            before.map(|b| serde_json::to_value(b).unwrap_or_default()),
            Some(serde_json::to_value(&written).unwrap_or_default()),
        ),
        app.now(),
    )
    .await?;
    if let Some(report) = report {
        trienkhai_store::reports::link_actual(tx, written.id, report).await?;
    }
    Ok(written)
}

/// The values `unit` reported for a target, oldest first, for whoever may read the unit.
pub async fn actuals_of_unit(
    app: &App,
    actor: &Actor,
    id: TargetId,
    unit: UnitId,
) -> Result<Vec<targets::Actual>> {
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    target_for_unit(app, &mut conn, &mut trees, actor, id, unit, app.today()).await?;
    Ok(targets::actuals_of_unit(&mut conn, id, unit).await?)
}

/// One row of a batch of reported values.
#[derive(Debug, Clone)]
pub struct ActualRow {
    pub unit_id: UnitId,
    pub period: Period,
    pub input: ActualInput,
}

/// Records many values of one target in one transaction (an import, the demo, the generator):
/// every row is checked as [`record_actual`] checks one, and one bad row rejects the batch,
/// naming its position. One audit entry records the batch.
pub async fn record_actuals_batch(
    app: &App,
    actor: &Actor,
    id: TargetId,
    rows: &[ActualRow],
    source: &str,
) -> Result<usize> {
    let mut tx = app.db.begin().await?;
    let mut trees = Trees::default();
    let target = targets::get_target(&mut tx, id)
        .await
        .map_err(|e| hide_missing(actor, Action::Report, e.into()))?;
    crate::study_targets::refuse_typed(&mut tx, id).await?;
    crate::rating_targets::refuse_typed(&mut tx, id).await?;
    crate::criteria_links::refuse_typed(&mut tx, id).await?;
    let doc = documents::get_document(&mut tx, target.document_id).await?;
    let mut allowed: HashSet<(UnitId, Period)> = HashSet::new();
    let now = app.now();
    for (line, row) in rows.iter().enumerate() {
        let at_row = |e: AppError| match e {
            AppError::Invalid(d) => AppError::Invalid(DomainError {
                detail: Some(format!(
                    "row {}{}",
                    line + 1,
                    d.detail
                        .as_deref()
                        .map(|x| format!(": {x}"))
                        .unwrap_or_default()
                )),
                ..d
            }),
            other => other,
        };
        if allowed.insert((row.unit_id, row.period)) {
            let (start, end) = row.period.dates();
            let span = Validity::new(start, Some(end)).expect("ordered period");
            trees
                .require_over(&mut tx, actor, Action::Report, row.unit_id, span)
                .await?;
            let tree = trees.at(&mut tx, row.period.tree_date()).await?;
            if tree.get(row.unit_id).is_none() {
                return Err(at_row(AppError::invalid("unit_not_alive", "unit_id")));
            }
            if let Some(issuer) = doc.issuer_unit_id
                && !tree.is_within(row.unit_id, issuer)
            {
                return Err(at_row(AppError::invalid("unit_outside_plan", "unit_id")));
            }
        } else {
            return Err(at_row(AppError::invalid("duplicate", "period")));
        }
        let observation = row.input.observation(&target).map_err(at_row)?;
        let note = row
            .input
            .note
            .as_deref()
            .map(trienkhai_core::vn::clean_text)
            .filter(|n| !n.is_empty());
        let note = note.as_deref();
        match targets::put_actual(
            &mut tx,
            &targets::NewActual {
                target_id: id,
                unit_id: row.unit_id,
                period: row.period,
                observation: &observation,
                note,
                source,
                recorded_by: actor.account_id,
            },
            row.input.row_version,
            now,
        )
        .await
        {
            Err(StoreError::Conflict) => {
                return Err(at_row(AppError::Invalid(DomainError::new(
                    "conflict",
                    "row_version",
                ))));
            }
            other => {
                other?;
            }
        }
    }
    audit::append(
        &mut tx,
        &actor.audit_entry(
            "import",
            "target",
            id.0,
            None,
            Some(serde_json::json!({ "actuals": rows.len(), "source": source })),
        ),
        now,
    )
    .await?;
    trienkhai_store::commit(tx).await?;
    Ok(rows.len())
}
