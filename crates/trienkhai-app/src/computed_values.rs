//! Writing the values of computed targets (from attendance, ratings, criteria assessments): put
//! a value with the marker note, or remove it, each audited, in the caller's transaction. What
//! is computed and when is the callers' ([`crate::study_targets`], [`crate::rating_targets`],
//! [`crate::criteria_links`]).

use rust_decimal::Decimal;
use trienkhai_core::ids::{TargetId, UnitId};
use trienkhai_core::period::Period;
use trienkhai_core::rollup::Observation;
use trienkhai_store::{Conn, audit, targets};

use crate::{Actor, App, Result};

/// Removes a unit's value of a period, if one stands.
pub(crate) async fn remove(
    app: &App,
    tx: &mut Conn,
    actor: &Actor,
    target: TargetId,
    unit: UnitId,
    period: Period,
) -> Result<()> {
    if let Some(old) = targets::get_actual(tx, target, unit, period).await? {
        targets::delete_actual(tx, target, unit, period, old.row_version).await?;
        audit::append(
            tx,
            &actor.audit_entry(
                "delete",
                "actual",
                old.id.0,
                serde_json::to_value(&old).ok(),
                None,
            ),
            app.now(),
        )
        .await?;
    }
    Ok(())
}

/// Writes `numerator / denominator` as the value `at` (target, unit, period), marked with
/// `note`; nothing is written when the value stands already.
pub(crate) async fn put_ratio(
    app: &App,
    tx: &mut Conn,
    actor: &Actor,
    at: (TargetId, UnitId, Period),
    (numerator, denominator): (u32, u32),
    note: &str,
) -> Result<()> {
    let observation = Observation::Ratio {
        numerator: Decimal::from(numerator),
        denominator: Decimal::from(denominator),
    };
    put(app, tx, actor, at, observation, note).await
}

/// Writes `observation` as the value `at` (target, unit, period), marked with `note`; nothing
/// is written when the value stands already.
pub(crate) async fn put(
    app: &App,
    tx: &mut Conn,
    actor: &Actor,
    at: (TargetId, UnitId, Period),
    observation: Observation,
    note: &str,
) -> Result<()> {
    let (target, unit, period) = at;
    let before = targets::get_actual(tx, target, unit, period).await?;
    if before
        .as_ref()
        .is_some_and(|b| b.observation == observation)
    {
        return Ok(());
    }
    let written = targets::put_actual(
        tx,
        &targets::NewActual {
            target_id: target,
            unit_id: unit,
            period,
            observation: &observation,
            note: Some(note),
            source: "user",
            recorded_by: actor.account_id,
        },
        before.as_ref().map(|b| b.row_version),
        app.now(),
    )
    .await?;
    audit::append(
        tx,
        &actor.audit_entry(
            if before.is_some() { "update" } else { "create" },
            "actual",
            written.id.0,
            before.and_then(|b| serde_json::to_value(b).ok()),
            serde_json::to_value(&written).ok(),
        ),
        app.now(),
    )
    .await?;
    Ok(())
}
