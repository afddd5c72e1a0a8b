//! Who took a work item on (C9, issue 13, point 1): the persons whose registration has an item
//! concretizing it, so that the cascade of a district work item reaches the people. Each person
//! appears once, with the version in force (else their latest), and only to a reader who may
//! read that registration (the person, the unit's editors, readers above it; not peers).

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;
use trienkhai_core::access::Action;
use trienkhai_core::ids::{PersonId, UnitId, WorkItemId};
use trienkhai_core::registration::RegistrationState;
use trienkhai_store::registrations::{self as store, Registration, RegistrationItem};

use crate::documents::readable;
use crate::personal::{actor_person, judging_day, reads_from_above};
use crate::scope::{Trees, hide_missing};
use crate::{Actor, App, Result};

/// A person who registered an item concretizing the work item.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Taker {
    pub person_id: PersonId,
    pub full_name: String,
    pub unit_id: UnitId,
    pub unit_name: String,
    pub registration_id: i64,
    pub year: i32,
    pub state: RegistrationState,
    /// What they registered to do, its product and deadline.
    pub content: String,
    pub product: String,
    pub deadline: NaiveDate,
}

/// The persons who took `work_item` on, by name, for whoever reads the work item; each one's
/// line only if the reader may read their registration.
pub async fn takers(app: &App, actor: &Actor, work_item: WorkItemId) -> Result<Vec<Taker>> {
    let today = app.today();
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    let item = trienkhai_store::work_items::get_work_item(&mut conn, work_item)
        .await
        .map_err(|e| hide_missing(actor, Action::Read, e.into()))?;
    readable(&mut conn, &mut trees, actor, item.document_id, today).await?;
    let me = actor_person(&mut conn, actor).await?;
    // Per person: the approved version in force, else the latest, with its items on this one.
    let mut chosen: HashMap<PersonId, (Registration, Vec<RegistrationItem>)> = HashMap::new();
    for (reg, it) in store::items_concretizing(&mut conn, work_item).await? {
        let rank = |r: &Registration| (r.state == RegistrationState::Approved, r.version);
        match chosen.get_mut(&reg.person_id) {
            Some((kept, items)) if kept.id == reg.id => items.push(it),
            Some((kept, _)) if rank(kept) >= rank(&reg) => {}
            _ => {
                chosen.insert(reg.person_id, (reg, vec![it]));
            }
        }
    }
    let mut out = Vec::new();
    for (person, (reg, items)) in chosen {
        let day = judging_day(app, reg.year);
        let tree = trees.at(&mut conn, day).await?;
        let may_read = me == Some(person)
            || reads_from_above(actor, &tree, reg.unit_id)
            || trees
                .allows(&mut conn, actor, Action::EditContent, reg.unit_id, day)
                .await?;
        if !may_read {
            continue;
        }
        let unit_name = tree
            .get(reg.unit_id)
            .map(|v| v.name.clone())
            .unwrap_or_default();
        let full_name = trienkhai_store::persons::get_person(&mut conn, person)
            .await?
            .full_name;
        for it in items {
            out.push(Taker {
                person_id: person,
                full_name: full_name.clone(),
                unit_id: reg.unit_id,
                unit_name: unit_name.clone(),
                registration_id: reg.id,
                year: reg.year,
                state: reg.state,
                content: it.content,
                product: it.product,
                deadline: it.deadline,
            });
        }
    }
    out.sort_by(|a, b| {
        trienkhai_core::vn::text::cmp_vi(&a.unit_name, &b.unit_name)
            .then_with(|| trienkhai_core::vn::text::cmp_vi(&a.full_name, &b.full_name))
            .then(a.deadline.cmp(&b.deadline))
    });
    Ok(out)
}
