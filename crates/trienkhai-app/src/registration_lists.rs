//! Who has registered (C9, issue 13, point 1): the lists a secretary needs ("18/21 đồng chí đã
//! đăng ký", who has not, who is late on an item) for a unit and each unit below it, counted
//! against the plan's rule of who must register (the categories of posts it names, set by the
//! plan's issuer; none means every member), and the reader's own side of a year.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::Serialize;
use trienkhai_core::ids::{DocumentId, PersonId, UnitId};
use trienkhai_core::org::TreeSnapshot;
use trienkhai_core::post_category::{PostCategory, requires};
use trienkhai_core::registration::RegistrationState;
use trienkhai_store::audit;
use trienkhai_store::registration_rules as rules;
pub use trienkhai_store::registration_rules::RegistrationRule;
use trienkhai_store::registrations::{self as store, Registration};

use crate::personal::{actor_person, judging_day, unit_list_access};
use crate::scope::Trees;
use crate::{Actor, App, AppError, Result};

/// A plan's rule and whether the reader may change it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct RuleView {
    #[serde(flatten)]
    pub rule: RegistrationRule,
    /// The reader edits the plan (its issuer's editors).
    pub can_edit: bool,
}

/// The plan's rule of who must register, for whoever reads the plan.
pub async fn rule(app: &App, actor: &Actor, document: DocumentId) -> Result<RuleView> {
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    let doc =
        crate::documents::readable(&mut conn, &mut trees, actor, document, app.today()).await?;
    let can_edit = crate::documents::require_edit(
        &mut conn,
        &mut trees,
        actor,
        doc.issuer_unit_id,
        doc.issued_on,
    )
    .await
    .is_ok();
    Ok(RuleView {
        rule: rules::rule_of(&mut conn, document).await?,
        can_edit,
    })
}

/// Sets who must register under a plan (its issuer's editors); answers the new row version.
pub async fn set_rule(
    app: &App,
    actor: &Actor,
    document: DocumentId,
    categories: &[PostCategory],
    expected_version: i64,
) -> Result<i64> {
    if categories.len() > PostCategory::ALL.len() {
        return Err(AppError::invalid("too_many_categories", "categories"));
    }
    let mut tx = app.db.begin().await?;
    let mut trees = Trees::shared(app);
    crate::documents::plan_for_edit(&mut tx, &mut trees, actor, document).await?;
    let before = rules::rule_of(&mut tx, document).await?;
    let version =
        rules::set_rule(&mut tx, document, categories, expected_version, app.now()).await?;
    let after = rules::rule_of(&mut tx, document).await?;
    audit::append(
        &mut tx,
        &actor.audit_entry(
            "set",
            "registration_rule",
            document.0,
            Some(serde_json::json!({ "categories": before.categories })),
            Some(serde_json::json!({ "categories": after.categories })),
        ),
        app.now(),
    )
    .await?;
    trienkhai_store::commit(tx).await?;
    Ok(version)
}

/// One person of a unit's list: their post, where their registration of the year stands, and
/// how many of its items in force are late.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PersonRegistration {
    pub person_id: PersonId,
    pub full_name: String,
    pub unit_id: UnitId,
    pub unit_code: String,
    pub unit_name: String,
    pub post_title: String,
    /// The plan's rule names one of their posts (or the plan has no rule: everyone).
    pub required: bool,
    /// The latest version, if any.
    pub registration_id: Option<i64>,
    pub state: Option<RegistrationState>,
    /// An approved version is in force (the latest may be an amendment under way).
    pub in_force: bool,
    /// Sent: approved, or the latest submitted ("đã đăng ký").
    pub registered: bool,
    /// Items of the version in force past their deadline and not assessed done.
    pub late_items: usize,
}

/// A unit directly below and how its persons stand: "5/6 đồng chí đã đăng ký".
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct UnitLine {
    pub unit_id: UnitId,
    pub unit_code: String,
    pub name: String,
    /// The unit's own persons (posted in it, not below): with the lines below, they add up.
    pub own: bool,
    /// Of those who must register.
    pub registered: usize,
    pub total: usize,
    /// Persons with an item late.
    pub late: usize,
}

/// Who in a unit and below has registered for a year: "18/21 đồng chí đã đăng ký".
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct UnitRegistrations {
    pub unit_id: UnitId,
    pub unit_code: String,
    pub unit_name: String,
    pub year: i32,
    /// The day posts and the tree are read on: the year's end, or today within it.
    pub as_of: NaiveDate,
    /// The plan counted against, with its rule.
    pub rule: Option<RegistrationRule>,
    /// The reader sets the plan's rule (its issuer's editors).
    pub rule_editable: bool,
    /// Those who must register, and those who registered anyway.
    pub people: Vec<PersonRegistration>,
    /// Of those who must register.
    pub registered: usize,
    pub total: usize,
    /// A line per unit directly below with someone on the list.
    pub lines: Vec<UnitLine>,
    /// The reader writes for the unit's persons and decides on their registrations.
    pub can_open: bool,
}

/// The persons holding a post in `unit` or below on the year's judging day, each with their
/// registration of `year`, counted against `plan`'s rule; for the unit's editors and readers
/// above (not its peers).
pub async fn unit_registrations(
    app: &App,
    actor: &Actor,
    unit: UnitId,
    year: i32,
    plan: Option<DocumentId>,
) -> Result<UnitRegistrations> {
    let today = app.today();
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    let (day, edits, tree) =
        unit_list_access(app, &mut conn, &mut trees, actor, unit, year).await?;
    let node = tree.get(unit).ok_or(AppError::NotFound)?;
    // The rule is no secret (which posts must register): the plan need only exist. Whether
    // the reader sets it is the plan's issuer's editors' right, decided on the cached tree.
    let (rule, rule_editable) = match plan {
        Some(doc) => {
            let d = trienkhai_store::documents::get_document(&mut conn, doc)
                .await
                .map_err(|_| AppError::invalid("not_found", "plan"))?;
            let editable = crate::documents::require_edit(
                &mut conn,
                &mut trees,
                actor,
                d.issuer_unit_id,
                d.issued_on,
            )
            .await
            .is_ok();
            (Some(rules::rule_of(&mut conn, doc).await?), editable)
        }
        None => (None, false),
    };
    let (unit_code, unit_name) = (node.code.as_str().to_owned(), node.name.clone());
    // The list is the same for every reader: kept under the change epoch, computed on a
    // connection of its own (this one is given back first).
    drop(conn);
    let key = ListKey {
        today,
        unit,
        year,
        day,
        plan,
    };
    let list = app
        .registration_lists
        .get_or_compute_for(app, actor, key, || {
            people_of(app, unit, year, day, today, plan)
        })
        .await?;
    let required = || list.people.iter().filter(|p| p.required);
    Ok(UnitRegistrations {
        unit_id: unit,
        unit_code,
        unit_name,
        year,
        as_of: day,
        rule,
        rule_editable,
        registered: required().filter(|p| p.registered).count(),
        total: required().count(),
        lines: list.lines.clone(),
        people: list.people.clone(),
        can_open: edits,
    })
}

/// How many "who has registered" lists are kept.
pub(crate) const LISTS_KEPT: usize = 256;

/// What a kept list was asked for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ListKey {
    today: NaiveDate,
    unit: UnitId,
    year: i32,
    day: NaiveDate,
    plan: Option<DocumentId>,
}

/// A unit's list as it is kept: the persons, and the lines per unit that add up to it.
#[derive(Debug, Clone)]
pub struct KeptList {
    people: Vec<PersonRegistration>,
    lines: Vec<UnitLine>,
}

/// The unit's own persons first, then a line per unit directly below with someone on the list:
/// together, the headline. Each person is placed by one walk up the tree.
fn lines_of(tree: &TreeSnapshot, unit: UnitId, people: &[PersonRegistration]) -> Vec<UnitLine> {
    let below = |mut u: UnitId| -> Option<UnitId> {
        for _ in 0..64 {
            let parent = tree.get(u)?.parent_id?;
            if parent == unit {
                return Some(u);
            }
            u = parent;
        }
        None
    };
    // (registered, total, late) per line: the unit itself, then its children in order.
    let mut counts: HashMap<UnitId, (usize, usize, usize)> = HashMap::new();
    for p in people.iter().filter(|p| p.required) {
        let line = if p.unit_id == unit {
            Some(unit)
        } else {
            below(p.unit_id)
        };
        if let Some(line) = line {
            let c = counts.entry(line).or_default();
            c.0 += usize::from(p.registered);
            c.1 += 1;
            c.2 += usize::from(p.late_items > 0);
        }
    }
    std::iter::once(unit)
        .chain(tree.children(unit).iter().copied())
        .filter_map(|u| {
            let (registered, total, late) = *counts.get(&u)?;
            let v = tree.get(u)?;
            Some(UnitLine {
                unit_id: u,
                unit_code: v.code.as_str().to_owned(),
                name: v.name.clone(),
                own: u == unit,
                registered,
                total,
                late,
            })
        })
        .collect()
}

/// Everyone posted in `unit` or below on `day` whom the plan's rule requires or who registered
/// anyway, with their registration of `year`, and the lines per unit.
async fn people_of(
    app: &App,
    unit: UnitId,
    year: i32,
    day: NaiveDate,
    today: NaiveDate,
    plan: Option<DocumentId>,
) -> Result<KeptList> {
    let mut conn = app.db.reader().await?;
    let tree = Trees::shared(app).at(&mut conn, day).await?;
    let categories = match plan {
        Some(doc) => rules::rule_of(&mut conn, doc).await?.categories,
        None => Vec::new(),
    };
    let units: Vec<UnitId> = tree
        .walk_from(unit)
        .into_iter()
        .map(|(_, v)| v.unit_id)
        .collect();
    let posts = trienkhai_store::persons::posts_in_units(&mut conn, &units, day).await?;
    let registrations = store::registrations_in_units(&mut conn, &units, year).await?;
    let mut by_person: HashMap<PersonId, Vec<&Registration>> = HashMap::new();
    for r in &registrations {
        by_person.entry(r.person_id).or_default().push(r);
    }
    let mut titles: HashMap<PersonId, Vec<String>> = HashMap::new();
    for (post, _) in &posts {
        titles
            .entry(post.person_id)
            .or_default()
            .push(post.title.clone());
    }
    let in_force_of = |person: PersonId| {
        by_person.get(&person).and_then(|versions| {
            versions
                .iter()
                .rev()
                .find(|r| r.state == RegistrationState::Approved)
                .copied()
        })
    };
    // Items late, for every registration in force, in a few reads.
    let in_force_ids: Vec<i64> = posts
        .iter()
        .filter_map(|(post, _)| in_force_of(post.person_id).map(|r| r.id))
        .collect();
    let mut late_by_registration: HashMap<i64, usize> = HashMap::new();
    for (registration, deadline, outcome) in
        store::items_due_before(&mut conn, &in_force_ids, today).await?
    {
        if trienkhai_core::registration::late(deadline, outcome, today) {
            *late_by_registration.entry(registration).or_default() += 1;
        }
    }
    let mut seen = HashSet::new();
    let mut people: Vec<PersonRegistration> = Vec::new();
    for (post, full_name) in posts {
        // One line per person: their first post in the subtree, in name order.
        if !seen.insert(post.person_id) {
            continue;
        }
        let held: Vec<&str> = titles
            .get(&post.person_id)
            .map(|t| t.iter().map(String::as_str).collect())
            .unwrap_or_default();
        let required = requires(&categories, &held);
        let latest = by_person
            .get(&post.person_id)
            .and_then(|v| v.last().copied());
        if !required && latest.is_none() {
            continue;
        }
        let in_force = in_force_of(post.person_id);
        let late_items = in_force
            .and_then(|r| late_by_registration.get(&r.id).copied())
            .unwrap_or(0);
        let (unit_code, unit_name) = tree
            .get(post.unit_id)
            .map(|v| (v.code.as_str().to_owned(), v.name.clone()))
            .unwrap_or_default();
        people.push(PersonRegistration {
            person_id: post.person_id,
            full_name,
            unit_id: post.unit_id,
            unit_code,
            unit_name,
            post_title: post.title,
            required,
            registration_id: latest.map(|r| r.id),
            state: latest.map(|r| r.state),
            in_force: in_force.is_some(),
            registered: in_force.is_some()
                || latest.is_some_and(|r| r.state == RegistrationState::Submitted),
            late_items,
        });
    }
    let lines = lines_of(&tree, unit, &people);
    Ok(KeptList { people, lines })
}

/// The reader as a person, for the year: their posts on the year's judging day (where they
/// register) and every version of their registration.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Mine {
    pub person_id: PersonId,
    pub full_name: String,
    /// (unit, its name, the post's title).
    pub posts: Vec<(UnitId, String, String)>,
    pub versions: Vec<Registration>,
    /// Their commitment of the year, if written.
    pub commitment: Option<trienkhai_store::commitments::Commitment>,
}

/// The reader's own side of a year, when their account is a person's.
pub async fn mine(app: &App, actor: &Actor, year: i32) -> Result<Option<Mine>> {
    if !(1900..=2200).contains(&year) {
        return Err(AppError::invalid("year_out_of_range", "year"));
    }
    let mut conn = app.db.reader().await?;
    let Some(person) = actor_person(&mut conn, actor).await? else {
        return Ok(None);
    };
    let day = judging_day(app, year);
    let full_name = trienkhai_store::persons::get_person(&mut conn, person)
        .await?
        .full_name;
    let tree = Trees::shared(app).at(&mut conn, day).await?;
    let posts = trienkhai_store::persons::posts_of_person(&mut conn, person)
        .await?
        .into_iter()
        .filter(|p| p.validity.contains(day))
        .filter_map(|p| {
            tree.get(p.unit_id)
                .map(|v| (p.unit_id, v.name.clone(), p.title.clone()))
        })
        .collect();
    let versions = store::versions_of(&mut conn, person, year).await?;
    let commitment = trienkhai_store::commitments::commitment_of(&mut conn, person, year).await?;
    Ok(Some(Mine {
        commitment,
        person_id: person,
        full_name,
        posts,
        versions,
    }))
}
