//! Targets computed from year-end ratings (C12, issue 14, point 6): a target such as the demo's
//! XD02 ("tỷ lệ tổ chức cơ sở đảng được xếp loại hoàn thành tốt nhiệm vụ trở lên") declares that
//! its value per unit is the share of the unit's decided ratings at a level or better. Every
//! decision and cancellation then writes the value of the units it touched, in the same
//! transaction, and the target's ordinary roll-up sums them up the tree: an organisation counts
//! itself (1/1 or 0/1), a cell its members. Nobody types it: report forms leave it out and a
//! typed value is refused (`target_computed`).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use trienkhai_core::grading::{Level, Subject};
use trienkhai_core::ids::{TargetId, UnitId};
use trienkhai_core::period::Period;
use trienkhai_core::target::ValueType;
use trienkhai_store::rating_targets as links;
pub use trienkhai_store::rating_targets::RatingTarget;
use trienkhai_store::{Conn, audit, ratings, targets};

use crate::scope::Trees;
use crate::{Actor, App, AppError, Result};

/// What a computed value says of itself (the marker this module recognises its values by).
pub const COMPUTED_NOTE: &str = "Tính từ kết quả xếp loại chất lượng";

/// A link to set: whose ratings count, from which level, and (organisations) which kinds.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkInput {
    pub subject: Subject,
    pub min_level: Level,
    #[serde(default)]
    #[schemars(length(max = 20))]
    pub unit_kinds: Vec<String>,
}

/// A target's link and whether the reader may change it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct LinkView {
    pub link: Option<RatingTarget>,
    pub can_edit: bool,
}

/// Refuses a typed value for a computed target.
pub(crate) async fn refuse_typed(conn: &mut Conn, target: TargetId) -> Result<()> {
    match links::link_of(conn, target).await? {
        Some(_) => Err(AppError::invalid("target_computed", "target_id")),
        None => Ok(()),
    }
}

/// The target's link, for whoever reads the target.
pub async fn link_of(app: &App, actor: &Actor, target: TargetId) -> Result<LinkView> {
    let view = crate::targets::get_target(app, actor, target).await?;
    let mut conn = app.db.reader().await?;
    Ok(LinkView {
        link: links::link_of(&mut conn, target).await?,
        can_edit: view.can_edit,
    })
}

/// Declares that `target` is computed from ratings (the target's plan editors; a ratio target
/// only; not one computed from attendance), and writes every unit's value now. Answers how
/// many values stand.
pub async fn link(app: &App, actor: &Actor, target: TargetId, input: &LinkInput) -> Result<usize> {
    let mut kinds: Vec<String> = Vec::new();
    for k in &input.unit_kinds {
        let k = k.trim();
        if k.is_empty() || k.len() > 64 || !k.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
            return Err(AppError::invalid("unit_kind_invalid", "unit_kinds"));
        }
        kinds.push(k.to_owned());
    }
    if kinds.len() > 20 {
        return Err(AppError::invalid("too_many", "unit_kinds"));
    }
    kinds.sort();
    kinds.dedup();
    let mut tx = app.db.begin().await?;
    let mut trees = Trees::shared(app);
    let t = targets::get_target(&mut tx, target).await?;
    crate::documents::plan_for_edit(&mut tx, &mut trees, actor, t.document_id).await?;
    if t.value_type != ValueType::Ratio {
        return Err(AppError::invalid("target_not_ratio", "target_id"));
    }
    crate::study_targets::refuse_typed(&mut tx, target).await?;
    crate::criteria_links::refuse_typed(&mut tx, target).await?;
    let before = links::link_of(&mut tx, target).await?;
    let link = RatingTarget {
        target_id: target,
        subject: input.subject,
        min_level: input.min_level,
        unit_kinds: kinds,
    };
    links::link(&mut tx, &link, app.now()).await?;
    audit::append(
        &mut tx,
        &actor.audit_entry(
            "link",
            "rating_target",
            target.0,
            before.map(|b| serde_json::json!({ "link": b })),
            Some(serde_json::json!({ "link": link })),
        ),
        app.now(),
    )
    .await?;
    let mut written = 0;
    for (unit, year) in ratings::units_and_years(&mut tx, input.subject).await? {
        written +=
            usize::from(write_value(app, &mut tx, &mut trees, actor, &link, unit, year).await?);
    }
    trienkhai_store::commit(tx).await?;
    Ok(written)
}

/// After ratings of `subject` at `units` in `year` were decided or cancelled: the values of the
/// targets they feed, in the same transaction.
pub(crate) async fn refresh(
    app: &App,
    tx: &mut Conn,
    trees: &mut Trees,
    actor: &Actor,
    subject: Subject,
    units: &BTreeSet<UnitId>,
    year: i32,
) -> Result<()> {
    for link in links::fed_by(tx, subject).await? {
        for unit in units {
            write_value(app, tx, trees, actor, &link, *unit, year).await?;
        }
    }
    Ok(())
}

/// Writes (or, with no decided rating left, removes) `unit`'s value of `year`. Answers whether
/// a value stands. A unit outside the target's plan, or of a kind not counted, feeds nothing.
async fn write_value(
    app: &App,
    tx: &mut Conn,
    trees: &mut Trees,
    actor: &Actor,
    link: &RatingTarget,
    unit: UnitId,
    year: i32,
) -> Result<bool> {
    let period = Period::Year(year);
    let t = targets::get_target(tx, link.target_id).await?;
    let doc = trienkhai_store::documents::get_document(tx, t.document_id).await?;
    let tree = trees.at(tx, period.tree_date()).await?;
    let counted_kind = tree.get(unit).is_some_and(|u| {
        link.subject != Subject::Organisation
            || link.unit_kinds.is_empty()
            || link.unit_kinds.contains(&u.kind)
    });
    let inside = doc
        .issuer_unit_id
        .is_none_or(|issuer| tree.is_within(unit, issuer));
    let (mut good, mut rated) = (0u32, 0u32);
    if counted_kind && inside {
        for r in ratings::ratings_in_units(tx, &[unit], year).await? {
            if r.subject != link.subject || !r.state.decided() {
                continue;
            }
            if let Some(level) = r.level {
                rated += 1;
                // Levels order best first: "good or better" is at most `good`.
                good += u32::from(level <= link.min_level);
            }
        }
    }
    if rated == 0 {
        let standing = targets::get_actual(tx, link.target_id, unit, period).await?;
        if standing.is_some_and(|b| b.note.as_deref() == Some(COMPUTED_NOTE)) {
            crate::computed_values::remove(app, tx, actor, link.target_id, unit, period).await?;
        }
        return Ok(false);
    }
    crate::computed_values::put_ratio(
        app,
        tx,
        actor,
        (link.target_id, unit, period),
        (good, rated),
        COMPUTED_NOTE,
    )
    .await?;
    Ok(true)
}
