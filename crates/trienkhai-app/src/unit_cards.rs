//! Unit cards: what a reader outside a unit's scope may see of it (its name, kind, place and
//! life, never its people), and which units a page may link for a reader (ARCHITECTURE.md,
//! Access).

use chrono::NaiveDate;
use trienkhai_core::access::Action;
use trienkhai_core::ids::UnitId;
use trienkhai_store::{Conn, units};

use crate::scope::{Trees, judging_date};
use crate::{Actor, App, Result};

/// May the actor see `unit`'s card on `day` (outside the actor's scope)? When the unit is above
/// the actor's units (the district, the province), a body below one of those that is not a
/// peer (the standing committee, a department that leads an item), or the predecessor or
/// successor of one of the actor's units. Never a peer: a unit that branches off the actor's
/// path with the kind of the actor's own unit there (another commune, another district), which
/// stays out of sight (C2).
pub(crate) async fn card_visible(
    conn: &mut Conn,
    trees: &mut Trees,
    actor: &Actor,
    unit: UnitId,
    day: NaiveDate,
) -> Result<bool> {
    let Some(roots) = actor.access.roots_for(Action::Read) else {
        return Ok(true);
    };
    let tree = trees.at(conn, day).await?;
    let path: Vec<(UnitId, String)> = tree
        .path(unit)
        .iter()
        .map(|v| (v.unit_id, v.kind.clone()))
        .collect();
    for &root in &roots {
        let own: Vec<(UnitId, String)> = tree
            .path(root)
            .iter()
            .map(|v| (v.unit_id, v.kind.clone()))
            .collect();
        let shared = own
            .iter()
            .zip(&path)
            .take_while(|(a, b)| a.0 == b.0)
            .count();
        let above = shared == path.len() && shared > 0;
        let branch = shared > 0
            && shared < path.len()
            && own.get(shared).is_none_or(|mine| mine.1 != path[shared].1);
        if above || branch {
            return Ok(true);
        }
    }
    // A unit merged into another, or split from one, stays followable from its own page.
    for s in units::successions_of(conn, unit).await? {
        let other = if s.successor_id == unit {
            s.predecessor_id
        } else {
            s.successor_id
        };
        let versions = units::versions_of(conn, other).await?;
        if let Some(on) = judging_date(
            &versions,
            s.effective_on.pred_opt().unwrap_or(s.effective_on),
        ) && trees.allows(conn, actor, Action::Read, other, on).await?
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Which of `units` the actor may open on `day` (the unit's page, whole or as its card): what
/// a page links, the others it names as plain text.
pub async fn openable_units(
    app: &App,
    actor: &Actor,
    units_named: &[UnitId],
    day: NaiveDate,
) -> Result<std::collections::HashSet<UnitId>> {
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    let mut out = std::collections::HashSet::new();
    for &unit in units_named {
        if out.contains(&unit) {
            continue;
        }
        let versions = units::versions_of(&mut conn, unit).await?;
        let Some(on) = judging_date(&versions, day) else {
            continue;
        };
        if trees
            .allows(&mut conn, actor, Action::Read, unit, on)
            .await?
            || card_visible(&mut conn, &mut trees, actor, unit, on).await?
        {
            out.insert(unit);
        }
    }
    Ok(out)
}
