//! Use cases of targets (C4, C5): define them under a document with their value type,
//! direction and aggregation rule (this module); the plan's values, quotas and what units
//! report ([`values`]); the rolled-up figures with their status, formula and inputs
//! ([`figures`]); and a unit's figure month by month ([`trend`]).

mod values;
pub use values::*;
mod figures;
pub use figures::*;
mod computing;
pub use computing::*;
mod trend;
pub use trend::*;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use trienkhai_core::access::Action;
use trienkhai_core::error::DomainError;
use trienkhai_core::ids::{DocumentId, TargetId, UnitId};
use trienkhai_core::org::UnitCode;
use trienkhai_core::over_time::OverTime;
use trienkhai_core::period::Period;
use trienkhai_core::rollup::Aggregation;
use trienkhai_core::target::{Direction, ValueType};
use trienkhai_store::documents::Document;
use trienkhai_store::targets::{self, PlannedValue, TargetFields};
use trienkhai_store::{Conn, StoreError, audit, documents, units};

use crate::documents::{readable, require_edit};
use crate::scope::{Trees, hide_missing};
use crate::{Actor, App, AppError, Result};

/// The records of this use case, as the web layer sees them.
pub use trienkhai_store::targets::{Actual, FrameEntry, Target};

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

/// The plan frame: the themes (phương châm) and fields (lĩnh vực) targets and work items are
/// filed under.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
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

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
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
