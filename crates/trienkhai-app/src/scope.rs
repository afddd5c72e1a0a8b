//! Judging a request against the tree of the right date. A unit is judged on the date the data
//! concerns, clamped to the unit's life (a unit merged away in 2025 is judged on its last day),
//! so scope follows a unit through renames and upgrades but never leaks across a merge.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use chrono::NaiveDate;
use trienkhai_core::access::Action;
use trienkhai_core::ids::UnitId;
use trienkhai_core::org::{TreeSnapshot, UnitVersion};
use trienkhai_core::validity::Validity;
use trienkhai_store::{Conn, units};

use crate::{Actor, AppError, Result};

/// Trees by date, loaded once per request.
#[derive(Default)]
pub(crate) struct Trees {
    cache: HashMap<NaiveDate, TreeSnapshot>,
}

impl Trees {
    pub async fn at(&mut self, conn: &mut Conn, date: NaiveDate) -> Result<&TreeSnapshot> {
        Ok(match self.cache.entry(date) {
            Entry::Occupied(tree) => tree.into_mut(),
            Entry::Vacant(slot) => {
                let versions = units::versions_on(conn, date).await?;
                slot.insert(TreeSnapshot::at(date, &versions))
            }
        })
    }

    /// May `actor` do `action` on `unit` as of `date` (clamped to the unit's life)?
    pub async fn allows(
        &mut self,
        conn: &mut Conn,
        actor: &Actor,
        action: Action,
        unit: UnitId,
        date: NaiveDate,
    ) -> Result<bool> {
        if actor.access.allows_everywhere(action) {
            return Ok(true);
        }
        if !actor.access.allows_somewhere(action) {
            return Ok(false);
        }
        let versions = units::versions_of(conn, unit).await?;
        let Some(date) = judging_date(&versions, date) else {
            return Ok(false);
        };
        Ok(actor
            .access
            .allows(action, unit, self.at(conn, date).await?))
    }

    pub async fn require(
        &mut self,
        conn: &mut Conn,
        actor: &Actor,
        action: Action,
        unit: UnitId,
        date: NaiveDate,
    ) -> Result<()> {
        if self.allows(conn, actor, action, unit, date).await? {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// `date` when the unit existed then, else the nearest day of its life.
pub(crate) fn judging_date(versions: &[UnitVersion], date: NaiveDate) -> Option<NaiveDate> {
    let first = versions.iter().map(|v| v.validity.from).min()?;
    if versions.iter().any(|v| v.validity.contains(date)) {
        return Some(date);
    }
    if date < first {
        return Some(first);
    }
    // After the end (or inside a gap): the last day alive before `date`.
    versions
        .iter()
        .filter_map(|v| v.validity.to)
        .filter(|&to| to < date)
        .max()
}

/// The date inside `validity` nearest to `date`.
pub(crate) fn clamp(validity: &Validity, date: NaiveDate) -> NaiveDate {
    let date = date.max(validity.from);
    match validity.to {
        Some(to) if date > to => to,
        _ => date,
    }
}
