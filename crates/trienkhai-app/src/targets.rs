//! Use cases of targets (C4, C5): define them under a document with their value type,
//! direction and aggregation rule; set the plan's values per period and quotas for lower units;
//! record what units report; and read, for any unit and period, the rolled-up figure, its status
//! and the formula with its inputs.
//!
//! A roll-up follows the tree **as it stood at the end of the period**. A unit's own value for
//! a period is the one it reported for that period, or follows from its monthly reports by the
//! target's over-time rule ([`trienkhai_core::over_time`]). Computed roll-ups are cached per
//! target and period and checked against the target's values version and the tree generation
//! on every read, so an instance never serves a figure another instance has changed.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;
use trienkhai_core::access::Action;
use trienkhai_core::error::DomainError;
use trienkhai_core::ids::{DocumentId, TargetId, UnitId};
use trienkhai_core::org::{TreeSnapshot, UnitCode};
use trienkhai_core::over_time::{self, Derived, OverTime};
use trienkhai_core::period::Period;
use trienkhai_core::reporting::{Counted, ReportState};
use trienkhai_core::rollup::{
    self, Aggregation, Explained, Figure, Observation, Rolled, RollupInput, Treatment,
};
use trienkhai_core::target::{self as rules, Direction, Status, ValueType};
use trienkhai_core::validity::Validity;
use trienkhai_store::documents::Document;
use trienkhai_store::targets::{self, PlannedValue, TargetFields};
use trienkhai_store::{Conn, StoreError, audit, documents, units};

use crate::documents::{readable, require_edit};
use crate::scope::{Trees, hide_missing};
use crate::{Actor, App, AppError, Result};

/// The records of this use case, as the web layer sees them.
pub use trienkhai_store::targets::{Actual, FrameEntry, Target};

/// How many unit rows the cached roll-ups may hold in all: a province's roll-up of one target
/// for one period is about 3,200 rows and 2 MB, so this keeps about 60 of them (every target of
/// a province plan for one period and a half, about 130 MB); the least recently used go first.
const CACHED_ROWS: usize = 200_000;

#[derive(Debug, Clone, Default)]
pub struct TargetInput {
    pub code: String,
    pub name: String,
    pub field_code: Option<String>,
    pub themes: Vec<String>,
    pub unit_of_measure: String,
    pub value_type: String,
    pub direction: String,
    pub aggregation: String,
    /// `sum` or `latest`; by default flows (sums of counts, money, numbers) add up over time.
    pub over_time: Option<String>,
    pub reporting_kinds: Vec<String>,
    pub baseline: Option<Decimal>,
    pub baseline_on: Option<NaiveDate>,
    pub responsible_unit_id: Option<UnitId>,
    pub concretizes: Option<TargetId>,
    pub sort_order: i64,
    /// The plan's values per period, written with the target in one transaction.
    pub goals: Vec<(Period, Decimal)>,
}

fn invalid(code: &'static str, field: &str, detail: impl Into<String>) -> AppError {
    AppError::Invalid(DomainError::new(code, field).with_detail(detail))
}

impl TargetInput {
    fn fields(&self, source: &str) -> Result<TargetFields> {
        let code = UnitCode::parse(&self.code)?.as_str().to_owned();
        let name = trienkhai_core::org::parse_name(&self.name, "name", 500)?;
        let unit_of_measure =
            trienkhai_core::org::parse_name(&self.unit_of_measure, "unit_of_measure", 60)?;
        let value_type = ValueType::parse(&self.value_type)?;
        let direction = Direction::parse(&self.direction)?;
        let aggregation = Aggregation::parse(&self.aggregation)?;
        let fits = match (&aggregation, value_type) {
            (Aggregation::None | Aggregation::CountAchieving, _) => true,
            (Aggregation::Ratio, t) => t == ValueType::Ratio,
            (_, ValueType::Ratio) => false,
            (Aggregation::All, t) => t == ValueType::YesNo,
            (_, ValueType::YesNo) => false,
            _ => true,
        };
        if !fits {
            return Err(invalid(
                "aggregation_mismatch",
                "aggregation",
                format!("{aggregation} / {}", value_type.as_str()),
            ));
        }
        let over_time = match self.over_time.as_deref().map(str::trim) {
            Some(t) if !t.is_empty() => OverTime::parse(t)?,
            _ if aggregation == Aggregation::Sum
                && matches!(
                    value_type,
                    ValueType::Count | ValueType::Money | ValueType::Number
                ) =>
            {
                OverTime::Sum
            }
            _ => OverTime::Latest,
        };
        let mut reporting_kinds = Vec::new();
        for kind in &self.reporting_kinds {
            let kind = trienkhai_core::org::parse_kind(kind).map_err(|e| DomainError {
                field: Some("reporting_kinds".into()),
                ..e
            })?;
            if !reporting_kinds.contains(&kind) {
                reporting_kinds.push(kind);
            }
        }
        if let Some(b) = self.baseline {
            check_magnitude(b, "baseline")?;
        }
        Ok(TargetFields {
            code,
            name,
            field_code: self
                .field_code
                .as_deref()
                .map(str::trim)
                .filter(|f| !f.is_empty())
                .map(str::to_owned),
            themes: self
                .themes
                .iter()
                .map(|t| t.trim().to_owned())
                .filter(|t| !t.is_empty())
                .collect(),
            unit_of_measure,
            value_type,
            direction,
            aggregation,
            over_time,
            reporting_kinds,
            baseline: self.baseline,
            baseline_on: self.baseline_on,
            responsible_unit_id: self.responsible_unit_id,
            concretizes: self.concretizes,
            sort_order: self.sort_order,
            source: source.to_owned(),
        })
    }
}

/// Theme and field codes must exist in the plan frame; a concretized target must exist.
async fn check_refs(
    conn: &mut Conn,
    trees: &mut Trees,
    actor: &Actor,
    f: &TargetFields,
    myself: Option<TargetId>,
    today: NaiveDate,
) -> Result<()> {
    let themes = targets::themes(conn).await?;
    for t in &f.themes {
        if !themes.iter().any(|x| &x.code == t) {
            return Err(invalid("theme_unknown", "themes", t.clone()));
        }
    }
    if let Some(field) = &f.field_code
        && !targets::fields(conn)
            .await?
            .iter()
            .any(|x| &x.code == field)
    {
        return Err(invalid("field_unknown", "field_code", field.clone()));
    }
    if let Some(upper) = f.concretizes {
        if Some(upper) == myself {
            return Err(AppError::invalid("concretizes_cycle", "concretizes"));
        }
        let upper_target = match targets::get_target(conn, upper).await {
            Err(StoreError::NotFound) => {
                return Err(AppError::invalid("not_found", "concretizes"));
            }
            other => other?,
        };
        // Only a target of a plan the actor may read can be concretized.
        let upper_doc = documents::get_document(conn, upper_target.document_id).await?;
        if !crate::documents::can_read(conn, trees, actor, &upper_doc, today).await? {
            return Err(AppError::invalid("not_found", "concretizes"));
        }
    }
    if let Some(unit) = f.responsible_unit_id
        && units::versions_of(conn, unit).await?.is_empty()
    {
        return Err(AppError::invalid("not_found", "responsible_unit_id"));
    }
    Ok(())
}

async fn audit_target(
    tx: &mut Conn,
    app: &App,
    actor: &Actor,
    action: &str,
    id: TargetId,
    before: Option<serde_json::Value>,
) -> Result<()> {
    let after = target_snapshot(tx, id).await?;
    audit::append(
        tx,
        &actor.audit_entry(action, "target", id.0, before, Some(after)),
        app.now(),
    )
    .await?;
    Ok(())
}

async fn target_snapshot(tx: &mut Conn, id: TargetId) -> Result<serde_json::Value> {
    let target = targets::get_target(tx, id).await?;
    let values = targets::target_values(tx, id).await?;
    let quotas = targets::quotas(tx, id).await?;
    Ok(serde_json::json!({ "target": target, "values": values, "quotas": quotas }))
}

/// The document of a target, with the right to edit it checked.
async fn editable_target(
    tx: &mut Conn,
    trees: &mut Trees,
    actor: &Actor,
    id: TargetId,
) -> Result<(Target, Document)> {
    let target = targets::get_target(tx, id)
        .await
        .map_err(|e| hide_missing(actor, Action::EditContent, e.into()))?;
    let doc = documents::get_document(tx, target.document_id).await?;
    require_edit(tx, trees, actor, doc.issuer_unit_id, doc.issued_on).await?;
    Ok((target, doc))
}

pub async fn define_target(
    app: &App,
    actor: &Actor,
    document: DocumentId,
    input: &TargetInput,
    source: &str,
) -> Result<TargetId> {
    let fields = input.fields(source)?;
    let mut tx = app.db.begin().await?;
    let mut trees = Trees::default();
    let doc = documents::get_document(&mut tx, document)
        .await
        .map_err(|e| hide_missing(actor, Action::EditContent, e.into()))?;
    require_edit(
        &mut tx,
        &mut trees,
        actor,
        doc.issuer_unit_id,
        doc.issued_on,
    )
    .await?;
    check_refs(&mut tx, &mut trees, actor, &fields, None, app.today()).await?;
    let id = match targets::insert_target(&mut tx, document, &fields, app.now()).await {
        Err(StoreError::Duplicate(_)) => {
            return Err(invalid("duplicate_code", "code", fields.code.clone()));
        }
        other => other?,
    };
    for (period, value) in &input.goals {
        check_value_shape(fields.value_type, *value, "value")?;
        match targets::set_target_value(&mut tx, id, *period, Some(*value), None).await {
            Err(StoreError::Conflict) => {
                return Err(invalid("duplicate", "period", period.to_string()));
            }
            other => other?,
        };
    }
    audit_target(&mut tx, app, actor, "create", id, None).await?;
    trienkhai_store::commit(tx).await?;
    Ok(id)
}

pub async fn update_target(
    app: &App,
    actor: &Actor,
    id: TargetId,
    input: &TargetInput,
    version: i64,
) -> Result<()> {
    let mut tx = app.db.begin().await?;
    let mut trees = Trees::default();
    let (current, _) = editable_target(&mut tx, &mut trees, actor, id).await?;
    let fields = input.fields(&current.source)?;
    check_refs(&mut tx, &mut trees, actor, &fields, Some(id), app.today()).await?;
    let before = target_snapshot(&mut tx, id).await?;
    match targets::update_target(&mut tx, id, &fields, version, app.now()).await {
        Err(StoreError::Conflict) => {
            return Err(AppError::Conflict {
                current: Some(before),
            });
        }
        Err(StoreError::Duplicate(_)) => {
            return Err(invalid("duplicate_code", "code", fields.code.clone()));
        }
        other => other?,
    };
    audit_target(&mut tx, app, actor, "update", id, Some(before)).await?;
    trienkhai_store::commit(tx).await?;
    Ok(())
}

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
const MAX_MAGNITUDE: i64 = 1_000_000_000_000;
const MAX_SCALE: u32 = 6;

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

fn check_value_shape(value_type: ValueType, v: Decimal, field: &str) -> Result<()> {
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

#[derive(Debug, Clone, Serialize)]
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

/// The plan frame: the themes (phương châm) and fields (lĩnh vực) targets and work items are
/// filed under.
#[derive(Debug, Clone, Serialize)]
pub struct PlanFrame {
    pub themes: Vec<targets::FrameEntry>,
    pub fields: Vec<targets::FrameEntry>,
}

/// The plan frame, for anyone signed in.
pub async fn plan_frame(app: &App) -> Result<PlanFrame> {
    let mut conn = app.db.reader().await?;
    Ok(PlanFrame {
        themes: targets::themes(&mut conn).await?,
        fields: targets::fields(&mut conn).await?,
    })
}

#[derive(Debug, Clone, Serialize)]
pub struct TargetView {
    #[serde(flatten)]
    pub target: Target,
    pub document_number: String,
    pub values: Vec<PlannedValue>,
    pub quotas: Vec<PlannedValue>,
    pub can_edit: bool,
}

pub async fn get_target(app: &App, actor: &Actor, id: TargetId) -> Result<TargetView> {
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    let target = targets::get_target(&mut conn, id)
        .await
        .map_err(|e| hide_missing(actor, Action::Read, e.into()))?;
    let doc = readable(
        &mut conn,
        &mut trees,
        actor,
        target.document_id,
        app.today(),
    )
    .await?;
    let can_edit = require_edit(
        &mut conn,
        &mut trees,
        actor,
        doc.issuer_unit_id,
        doc.issued_on,
    )
    .await
    .is_ok();
    Ok(TargetView {
        values: targets::target_values(&mut conn, id).await?,
        quotas: targets::quotas(&mut conn, id).await?,
        target,
        document_number: doc.number,
        can_edit,
    })
}

/// The targets of a document the actor may read, in plan order.
pub async fn targets_of_document(
    app: &App,
    actor: &Actor,
    document: DocumentId,
) -> Result<Vec<Target>> {
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    readable(&mut conn, &mut trees, actor, document, app.today()).await?;
    Ok(targets::targets_of_document(&mut conn, document).await?)
}

/// The target `id` when the actor may read its plan and `unit`'s figures as of `day`.
async fn target_for_unit(
    app: &App,
    conn: &mut Conn,
    trees: &mut Trees,
    actor: &Actor,
    id: TargetId,
    unit: UnitId,
    day: NaiveDate,
) -> Result<Target> {
    let target = targets::get_target(conn, id)
        .await
        .map_err(|e| hide_missing(actor, Action::Read, e.into()))?;
    readable(conn, trees, actor, target.document_id, app.today()).await?;
    trees.require(conn, actor, Action::Read, unit, day).await?;
    Ok(target)
}

/// One target's figures over a whole tree for one period, with what they were made from.
#[derive(Debug, Clone)]
pub struct Computed {
    pub target: Target,
    pub period: Period,
    pub tree: Arc<TreeSnapshot>,
    pub own: HashMap<UnitId, Observation>,
    /// How each unit's own value follows from what it reported within the period.
    pub derived: HashMap<UnitId, Arc<Derived>>,
    pub weights: HashMap<UnitId, Decimal>,
    /// Units expected to report by the target's definition.
    pub base_expected: HashSet<UnitId>,
    /// Those, and every unit that reported part of the period (its gap shows).
    pub expected: HashSet<UnitId>,
    pub rolled: HashMap<UnitId, Rolled>,
    /// The plan's value for the period (or the smallest period holding it) and its period.
    pub plan_value: Option<PlannedValue>,
    pub quotas: HashMap<UnitId, PlannedValue>,
    /// The unit whose plan it is: the document's issuer (or the responsible unit).
    pub plan_unit: Option<UnitId>,
    /// Which reports' values count (the plan's setting).
    pub counted: Counted,
    /// Values left out because their report is not in a counted state yet, by unit.
    pub pending: HashMap<UnitId, Vec<(Period, ReportState)>>,
}

impl Computed {
    fn input<'a>(
        &'a self,
        expected: &'a dyn Fn(UnitId) -> bool,
        achieves: &'a dyn Fn(&Observation) -> bool,
    ) -> RollupInput<'a> {
        RollupInput {
            tree: &self.tree,
            rule: &self.target.aggregation,
            observations: &self.own,
            weights: &self.weights,
            expected,
            achieves,
        }
    }

    /// What `unit` is measured against in this period: its quota, else the plan's value when
    /// the rule makes it apply below (or the unit is the plan's own), with the period it is set
    /// for (the smallest one holding this period).
    pub fn goal_of(&self, unit: UnitId) -> Option<(Decimal, GoalSource, Period)> {
        if let Some(q) = self.quotas.get(&unit) {
            return Some((q.value, GoalSource::Quota, q.period));
        }
        let plan = self.plan_value.as_ref()?;
        if Some(unit) == self.plan_unit || self.target.aggregation.target_applies_below() {
            Some((plan.value, GoalSource::Plan, plan.period))
        } else {
            None
        }
    }

    pub fn explain(&self, unit: UnitId) -> Option<Explained> {
        let expected = |u: UnitId| self.expected.contains(&u);
        rollup::explain(&self.input(&expected, &achieves), unit)
    }
}

/// A unit counts as achieving when it says yes (or reports 1 or more).
fn achieves(o: &Observation) -> bool {
    match o {
        Observation::Flag { value } => *value,
        Observation::Value { value } => *value >= Decimal::ONE,
        Observation::Ratio { numerator, .. } => *numerator > Decimal::ZERO,
        Observation::NotApplicable => false,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GoalSource {
    /// The plan's own target value.
    Plan,
    /// A quota handed to the unit.
    Quota,
}

/// Roll-ups by (target, period), each valid while the target's values version and the tree
/// generation are those it was computed under.
#[derive(Debug, Default)]
pub struct RollupCache {
    inner: Mutex<CacheInner>,
}

#[derive(Debug, Default)]
struct CacheInner {
    entries: HashMap<(TargetId, Period), CachedRollup>,
    rows: usize,
    clock: u64,
}

/// A roll-up with the values version and tree generation it was computed under, and when it
/// was last used.
#[derive(Debug)]
struct CachedRollup {
    values: i64,
    generation: i64,
    computed: Arc<Computed>,
    used: u64,
}

impl Computed {
    /// What the cache counts an entry's size by.
    fn rows(&self) -> usize {
        self.rolled.len().max(self.own.len()) + 1
    }
}

impl RollupCache {
    fn get(&self, key: (TargetId, Period), values: i64, generation: i64) -> Option<Arc<Computed>> {
        let mut inner = self.inner.lock().expect("rollup cache lock");
        inner.clock += 1;
        let now = inner.clock;
        match inner.entries.get_mut(&key) {
            Some(e) if e.values == values && e.generation == generation => {
                e.used = now;
                Some(e.computed.clone())
            }
            _ => None,
        }
    }

    /// Forgets every roll-up (the benchmark's cold runs).
    pub fn clear(&self) {
        let mut inner = self.inner.lock().expect("rollup cache lock");
        inner.entries.clear();
        inner.rows = 0;
    }

    fn put(&self, key: (TargetId, Period), values: i64, generation: i64, c: Arc<Computed>) {
        let mut inner = self.inner.lock().expect("rollup cache lock");
        inner.clock += 1;
        let used = inner.clock;
        let rows = c.rows();
        if let Some(old) = inner.entries.remove(&key) {
            inner.rows -= old.computed.rows();
        }
        if inner.rows + rows > CACHED_ROWS {
            // Evict the least recently used until the new entry fits.
            let mut by_use: Vec<((TargetId, Period), u64)> =
                inner.entries.iter().map(|(k, e)| (*k, e.used)).collect();
            by_use.sort_by_key(|(_, u)| *u);
            for (k, _) in by_use {
                if inner.rows + rows <= CACHED_ROWS {
                    break;
                }
                if let Some(e) = inner.entries.remove(&k) {
                    inner.rows -= e.computed.rows();
                }
            }
        }
        inner.rows += rows;
        inner.entries.insert(
            key,
            CachedRollup {
                values,
                generation,
                computed: c,
                used,
            },
        );
    }
}

/// The smallest planned period holding `period` (the year's value for a month).
pub(crate) fn enclosing<'a>(
    values: impl Iterator<Item = &'a PlannedValue>,
    period: Period,
) -> Option<&'a PlannedValue> {
    let (start, end) = period.dates();
    values
        .filter(|v| {
            let (s, e) = v.period.dates();
            s <= start && e >= end
        })
        .min_by_key(|v| {
            let (s, e) = v.period.dates();
            (e - s).num_days()
        })
}

/// Computes the roll-ups of `versions`' targets that are not cached yet, several at a time (a
/// plan's figures after a restart): each on its own connection and task, so the machine's
/// cores share the work.
pub(crate) async fn compute_missing(
    app: &App,
    versions: &HashMap<TargetId, i64>,
    period: Period,
    generation: i64,
) -> Result<()> {
    let missing: Vec<(TargetId, i64)> = versions
        .iter()
        .filter(|(t, v)| app.rollups.get((**t, period), **v, generation).is_none())
        .map(|(t, v)| (*t, *v))
        .collect();
    if missing.len() < 2 {
        return Ok(());
    }
    compute_many(app, missing, period, generation, Reading::Keep).await?;
    Ok(())
}

/// How [`compute_many`] reads roll-ups.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Reading {
    /// From the cache, or computed and kept there.
    Keep,
    /// From the cache, or computed and not kept (a dashboard's past months are read once and
    /// summed up: a province's month is 80 MB).
    Once,
    /// As the values counted at a past instant: computed, never kept.
    At(chrono::DateTime<chrono::Utc>),
}

/// Computes the roll-ups of `wanted` (target, values version) for a period, one task per core.
pub(crate) async fn compute_many(
    app: &App,
    wanted: Vec<(TargetId, i64)>,
    period: Period,
    generation: i64,
    reading: Reading,
) -> Result<Vec<(TargetId, Arc<Computed>)>> {
    // One task per core (measured: twice as many was no faster).
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let queue = Arc::new(Mutex::new(wanted));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..workers {
        let (app, queue) = (app.clone(), queue.clone());
        tasks.spawn(async move {
            let mut conn = app.db.reader().await?;
            let mut trees = Trees::shared(&app);
            let mut done = Vec::new();
            loop {
                let next = queue.lock().expect("queue lock").pop();
                let Some((target, version)) = next else {
                    return Ok::<_, AppError>(done);
                };
                let c = match reading {
                    Reading::Keep => {
                        computed_at(
                            &app, &mut conn, &mut trees, target, period, version, generation,
                        )
                        .await?
                    }
                    Reading::Once => match app.rollups.get((target, period), version, generation) {
                        Some(c) => c,
                        None => {
                            Arc::new(compute(&mut conn, &mut trees, target, period, None).await?)
                        }
                    },
                    Reading::At(at) => {
                        Arc::new(compute(&mut conn, &mut trees, target, period, Some(at)).await?)
                    }
                };
                done.push((target, c));
            }
        });
    }
    let mut all = Vec::new();
    while let Some(done) = tasks.join_next().await {
        all.extend(done.map_err(|e| AppError::Internal(e.to_string()))??);
    }
    Ok(all)
}

/// Computes (or takes from the cache) a target's roll-up for a period over the whole tree.
pub(crate) async fn computed(
    app: &App,
    conn: &mut Conn,
    trees: &mut Trees,
    target: TargetId,
    period: Period,
) -> Result<Arc<Computed>> {
    let values_version = targets::values_version(conn, target).await?;
    let generation = units::generation(conn).await?;
    computed_at(app, conn, trees, target, period, values_version, generation).await
}

/// [`computed`] when the caller has just read the target's values version and the tree
/// generation (a list reads all its targets' versions in one query).
pub(crate) async fn computed_at(
    app: &App,
    conn: &mut Conn,
    trees: &mut Trees,
    target: TargetId,
    period: Period,
    values_version: i64,
    generation: i64,
) -> Result<Arc<Computed>> {
    if let Some(c) = app
        .rollups
        .get((target, period), values_version, generation)
    {
        return Ok(c);
    }
    let c = Arc::new(compute(conn, trees, target, period, None).await?);
    // Cache only what was read under the versions checked first.
    if targets::values_version(conn, target).await? == values_version
        && units::generation(conn).await? == generation
    {
        app.rollups
            .put((target, period), values_version, generation, c.clone());
    }
    Ok(c)
}

/// A target's roll-up for a period from the database: the values that count now, or with `at`
/// those that counted at that instant.
async fn compute(
    conn: &mut Conn,
    trees: &mut Trees,
    id: TargetId,
    period: Period,
    at: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<Computed> {
    let inputs = trienkhai_store::figures::figure_inputs(conn, id, period, at).await?;
    let tree = trees.at(conn, period.tree_date()).await?;
    let (target, doc, counted) = (inputs.target, inputs.document, inputs.counted);
    let mut pending: HashMap<UnitId, Vec<(Period, ReportState)>> = HashMap::new();
    for (unit, p, state) in inputs.pending {
        pending.entry(unit).or_default().push((p, state));
    }
    let mut by_unit: HashMap<UnitId, Vec<(Period, Observation)>> = HashMap::new();
    for r in inputs.reported {
        by_unit
            .entry(r.unit_id)
            .or_default()
            .push((r.period, r.observation));
    }
    let mut own = HashMap::with_capacity(by_unit.len());
    let mut derived = HashMap::with_capacity(by_unit.len());
    for (unit, reports) in &by_unit {
        let refs: Vec<(Period, &Observation)> = reports.iter().map(|(p, o)| (*p, o)).collect();
        let d = over_time::derive(target.over_time, period, &refs);
        if let Some(o) = &d.observation {
            own.insert(*unit, o.clone());
        }
        derived.insert(*unit, Arc::new(d));
    }
    let weights = inputs.weights;
    let plan_unit = doc.issuer_unit_id.or(target.responsible_unit_id);
    let expected: HashSet<UnitId> = if target.reporting_kinds.is_empty() {
        target
            .responsible_unit_id
            .or(doc.issuer_unit_id)
            .filter(|u| tree.get(*u).is_some())
            .into_iter()
            .collect()
    } else {
        let members = match plan_unit {
            Some(root) => tree.walk_from(root),
            None => tree.walk(),
        };
        members
            .into_iter()
            .filter(|(_, v)| target.reporting_kinds.contains(&v.kind))
            .map(|(_, v)| v.unit_id)
            .collect()
    };
    let base_expected = expected;
    let plan_value = enclosing(inputs.planned.iter(), period).cloned();
    let all_quotas = inputs.quotas;
    let mut quotas: HashMap<UnitId, PlannedValue> = HashMap::new();
    for unit in all_quotas
        .iter()
        .filter_map(|q| q.unit_id)
        .collect::<HashSet<_>>()
    {
        if let Some(q) = enclosing(
            all_quotas.iter().filter(|q| q.unit_id == Some(unit)),
            period,
        ) {
            quotas.insert(unit, q.clone());
        }
    }
    let mut c = Computed {
        target,
        period,
        tree,
        own,
        derived,
        weights,
        base_expected,
        expected: HashSet::new(),
        rolled: HashMap::new(),
        plan_value,
        quotas,
        plan_unit,
        counted,
        pending,
    };
    c.roll();
    Ok(c)
}

impl Computed {
    /// Rolls the whole tree up from the units' own values (one pass, in memory).
    fn roll(&mut self) {
        // Units whose months are partly reported are expected for the figure too: their gap
        // shows.
        self.expected = self
            .base_expected
            .iter()
            .copied()
            .chain(self.derived.keys().copied())
            .filter(|u| self.tree.get(*u).is_some())
            .collect();
        let expected = |u: UnitId| self.expected.contains(&u);
        let rolled = rollup::roll_up(&self.input(&expected, &achieves));
        self.rolled = rolled;
    }
}

/// A figure rounded the way it is shown and compared: two decimals (a rate of 4,945 % is
/// 4,95 %), half away from zero as offices round.
pub fn rounded(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
        .normalize()
}

/// One unit's figure of a target for a period.
#[derive(Debug, Clone, Serialize)]
pub struct UnitFigure {
    pub target_id: TargetId,
    pub unit_id: UnitId,
    pub period: Period,
    /// The number shown (a ratio in percent), rounded to two decimals.
    pub value: Option<Decimal>,
    pub figure: Option<Figure>,
    pub status: Status,
    /// What the unit is measured against, when something is.
    pub goal: Option<Decimal>,
    pub goal_source: Option<GoalSource>,
    pub goal_period: Option<Period>,
    /// The goal is set for a longer period and the target is a flow: the figure is progress
    /// towards it (`achievement_percent`), not judged yet (`status` is `not_judged`).
    pub partial: bool,
    pub achievement_percent: Option<Decimal>,
    pub complete: bool,
    pub counted: u64,
    pub missing: u64,
    pub not_applicable: u64,
}

impl Computed {
    pub fn figure_of(&self, unit: UnitId) -> UnitFigure {
        let rolled = self.rolled.get(&unit);
        let figure = rolled.and_then(|r| r.figure.clone());
        let value = figure.as_ref().and_then(Figure::scalar).map(rounded);
        let goal = self.goal_of(unit);
        // A flow is judged at the end of the period its goal is set for: six months of new
        // enterprises against the year's goal is progress, not a shortfall.
        let partial = goal
            .is_some_and(|(_, _, p)| p != self.period && self.target.over_time == OverTime::Sum);
        let judging = goal.filter(|_| !partial);
        let only_not_applicable =
            rolled.is_some_and(|r| r.counted == 0 && r.missing == 0 && r.not_applicable > 0);
        let status = match (judging, value) {
            _ if only_not_applicable => Status::NotApplicable,
            (_, None) => Status::NoData,
            (Some((g, _, _)), v) => rules::status(self.target.direction, g, v),
            (None, Some(_)) => Status::NotJudged,
        };
        let achievement_percent = match (goal, value) {
            (Some((g, _, _)), Some(v)) => {
                rules::achievement_percent(self.target.direction, g, v).map(rounded)
            }
            _ => None,
        };
        UnitFigure {
            target_id: self.target.id,
            unit_id: unit,
            period: self.period,
            value,
            figure,
            status,
            goal: goal.map(|(g, _, _)| g),
            goal_source: goal.map(|(_, s, _)| s),
            goal_period: goal.map(|(_, _, p)| p),
            partial,
            achievement_percent,
            complete: rolled.is_some_and(|r| r.complete),
            counted: rolled.map_or(0, |r| r.counted),
            missing: rolled.map_or(0, |r| r.missing),
            not_applicable: rolled.map_or(0, |r| r.not_applicable),
        }
    }
}

/// One input of an explanation, with its unit named and the reports it came from.
#[derive(Debug, Clone, Serialize)]
pub struct ExplainedInput {
    pub unit_id: UnitId,
    pub unit_code: String,
    pub unit_name: String,
    pub treatment: Treatment,
    pub observation: Option<Observation>,
    pub weight: Option<Decimal>,
    /// The reported periods this unit's value was made of.
    pub from_periods: Vec<Period>,
    /// For a sum over time: the months nobody reported.
    pub missing_periods: Vec<Period>,
    /// Reported in a report not counted yet (submitted, draft or returned), left out.
    pub pending: Vec<(Period, ReportState)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    pub rule: String,
    /// Which reports' values count: `accepted`, `submitted` or `any`.
    pub counted: Counted,
    pub over_time: OverTime,
    /// The formula with its numbers, in the API's notation (`.` for decimals).
    pub formula: String,
    /// The tree the figure followed: the one of the period's last day.
    pub tree_date: NaiveDate,
    pub complete: bool,
    /// How many units' inputs the figure is made of.
    pub inputs_total: usize,
    /// Those asked for ([`Inputs`]): all of them for a page, none by default in the API.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<ExplainedInput>,
}

/// Which of a figure's inputs are explained: a district's figure has one input per commune and
/// a province's several hundred, which a reader asking for the figure does not want each time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inputs {
    All,
    None,
    /// `limit` inputs from `offset`, in the roll-up's order.
    Page {
        offset: usize,
        limit: usize,
    },
}

#[derive(Debug, Clone, Serialize)]
pub struct RollupView {
    #[serde(flatten)]
    pub figure: UnitFigure,
    pub explanation: Explanation,
    /// The same explanation, for pages: the formula written with `number`.
    #[serde(skip)]
    pub explained: Option<Explained>,
}

/// The figure of `target` for `unit` and `period`, with its formula and the inputs `wanted`.
/// The actor must be allowed to read the unit (judged in the tree of the period).
pub async fn rollup(
    app: &App,
    actor: &Actor,
    id: TargetId,
    unit: UnitId,
    period: Period,
    wanted: Inputs,
) -> Result<RollupView> {
    // The figure alone (the API's default) is kept and served again while nothing is written,
    // like a plan's figure list.
    if let (Inputs::None, Some(account)) = (wanted, actor.account_id) {
        let key = RollupKey {
            account,
            today: app.today(),
            target: id,
            unit,
            period,
        };
        let kept = app
            .rollup_answers
            .get_or_compute(app, key, || {
                compute_rollup(app, actor, id, unit, period, wanted)
            })
            .await?;
        return Ok((*kept).clone());
    }
    compute_rollup(app, actor, id, unit, period, wanted).await
}

/// How many single figures an instance keeps.
pub(crate) const ROLLUPS_KEPT: usize = 1024;

/// What a kept figure was asked for, by whom and on which day.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RollupKey {
    account: trienkhai_core::ids::AccountId,
    today: NaiveDate,
    target: TargetId,
    unit: UnitId,
    period: Period,
}

async fn compute_rollup(
    app: &App,
    actor: &Actor,
    id: TargetId,
    unit: UnitId,
    period: Period,
    wanted: Inputs,
) -> Result<RollupView> {
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    target_for_unit(
        app,
        &mut conn,
        &mut trees,
        actor,
        id,
        unit,
        period.tree_date(),
    )
    .await?;
    let c = computed(app, &mut conn, &mut trees, id, period).await?;
    if c.tree.get(unit).is_none() {
        return Err(AppError::invalid("unit_not_alive", "unit_id"));
    }
    let explained = c
        .explain(unit)
        .ok_or_else(|| AppError::invalid("unit_not_alive", "unit_id"))?;
    let selected: &[rollup::Input] = match wanted {
        Inputs::All => &explained.inputs,
        Inputs::None => &[],
        Inputs::Page { offset, limit } => {
            let from = offset.min(explained.inputs.len());
            let to = from.saturating_add(limit).min(explained.inputs.len());
            &explained.inputs[from..to]
        }
    };
    let inputs = selected
        .iter()
        .map(|i| {
            let v = c.tree.get(i.unit);
            let d = c.derived.get(&i.unit);
            ExplainedInput {
                unit_id: i.unit,
                unit_code: v.map(|v| v.code.as_str().to_owned()).unwrap_or_default(),
                unit_name: v.map(|v| v.name.clone()).unwrap_or_default(),
                treatment: i.treatment,
                observation: i.observation.clone(),
                weight: i.weight,
                from_periods: d.map(|d| d.from.clone()).unwrap_or_default(),
                missing_periods: d.map(|d| d.missing.clone()).unwrap_or_default(),
                pending: c.pending.get(&i.unit).cloned().unwrap_or_default(),
            }
        })
        .collect();
    Ok(RollupView {
        figure: c.figure_of(unit),
        explanation: Explanation {
            counted: c.counted,
            rule: c.target.aggregation.to_string(),
            over_time: c.target.over_time,
            formula: rollup::formula(&explained, &|d| d.normalize().to_string()),
            tree_date: c.tree.date,
            complete: explained.complete,
            inputs_total: explained.inputs.len(),
            inputs,
        },
        explained: (wanted == Inputs::All).then_some(explained),
    })
}

/// The figure of `target` for `unit` and `period`, without the explanation (lists, headlines).
pub async fn figure(
    app: &App,
    actor: &Actor,
    id: TargetId,
    unit: UnitId,
    period: Period,
) -> Result<UnitFigure> {
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    target_for_unit(
        app,
        &mut conn,
        &mut trees,
        actor,
        id,
        unit,
        period.tree_date(),
    )
    .await?;
    let c = computed(app, &mut conn, &mut trees, id, period).await?;
    if c.tree.get(unit).is_none() {
        return Err(AppError::invalid("unit_not_alive", "unit_id"));
    }
    Ok(c.figure_of(unit))
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

/// A point of a trend: a month's figure and, for flows, the running total of the year.
#[derive(Debug, Clone, Serialize)]
pub struct TrendPoint {
    pub period: Period,
    pub value: Option<Decimal>,
    pub cumulative: Option<Decimal>,
    pub status: Status,
}

#[derive(Debug, Clone, Serialize)]
pub struct Trend {
    pub target_id: TargetId,
    pub unit_id: UnitId,
    pub year: i32,
    pub goal: Option<Decimal>,
    pub over_time: OverTime,
    pub points: Vec<TrendPoint>,
    /// The year's own figure.
    pub year_figure: UnitFigure,
}

/// The month-by-month figure of `unit` over `year`.
pub async fn trend(
    app: &App,
    actor: &Actor,
    id: TargetId,
    unit: UnitId,
    year: i32,
) -> Result<Trend> {
    if !trienkhai_core::period::YEARS.contains(&year) {
        return Err(AppError::Invalid(
            trienkhai_core::error::DomainError::new("out_of_range", "year")
                .with_detail("1900..2200"),
        ));
    }
    let year_period = Period::Year(year);
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    let target = target_for_unit(
        app,
        &mut conn,
        &mut trees,
        actor,
        id,
        unit,
        year_period.tree_date(),
    )
    .await?;
    let mut points = Vec::new();
    let mut running = Some(Decimal::ZERO);
    for month in year_period.months() {
        let c = computed(app, &mut conn, &mut trees, id, month).await?;
        let f = c.figure_of(unit);
        running = match (running, f.value) {
            (Some(r), Some(v)) => Some(r + v),
            _ => None,
        };
        points.push(TrendPoint {
            period: month,
            value: f.value,
            cumulative: (target.over_time == OverTime::Sum)
                .then_some(running)
                .flatten(),
            status: f.status,
        });
    }
    let c = computed(app, &mut conn, &mut trees, id, year_period).await?;
    let year_figure = c.figure_of(unit);
    Ok(Trend {
        target_id: id,
        unit_id: unit,
        year,
        goal: year_figure.goal,
        over_time: target.over_time,
        points,
        year_figure,
    })
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
