//! Use cases of persons and their dated posts. A person is visible where one of their posts is:
//! each post is judged in the tree of its own last day (up to today), so a commune editor sees
//! the people who served in the commune, and no one else.

use chrono::NaiveDate;
use serde::Serialize;
use trienkhai_core::access::Action;
use trienkhai_core::ids::{PersonId, PostId, UnitId};
use trienkhai_core::org;
use trienkhai_core::party::{PartyMembership, PartyStatus};
use trienkhai_core::validity::Validity;
use trienkhai_store::{Conn, audit, persons, units};

use crate::scope::{Trees, clamp, hide_missing};
use crate::{Actor, App, AppError, Result};

#[derive(Debug, Clone, Default)]
pub struct PersonInput {
    pub full_name: String,
    pub birth_year: Option<i64>,
    pub party_admitted_on: Option<NaiveDate>,
    pub party_full_member_on: Option<NaiveDate>,
}

impl PersonInput {
    fn fields(&self, source: &str) -> Result<persons::PersonFields> {
        if let Some(year) = self.birth_year
            && !(1900..=2100).contains(&year)
        {
            return Err(AppError::invalid("out_of_range", "birth_year"));
        }
        Ok(persons::PersonFields {
            full_name: org::parse_name(&self.full_name, "full_name", 120)?,
            birth_year: self.birth_year,
            party: PartyMembership::new(self.party_admitted_on, self.party_full_member_on)?,
            source: source.to_owned(),
        })
    }
}

#[derive(Debug, Clone, Default)]
pub struct PostInput {
    pub unit_id: Option<UnitId>,
    pub title: String,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PostView {
    pub id: PostId,
    pub unit_id: UnitId,
    pub unit_name: String,
    pub title: String,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub row_version: i64,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PersonView {
    pub id: PersonId,
    pub full_name: String,
    pub birth_year: Option<i64>,
    pub party_admitted_on: Option<NaiveDate>,
    pub party_full_member_on: Option<NaiveDate>,
    pub party_status: PartyStatus,
    pub source: String,
    pub row_version: i64,
    pub posts: Vec<PostView>,
    pub can_edit: bool,
    pub can_read_history: bool,
}

/// May `actor` read `person` (where one of their posts is)?
pub(crate) async fn can_read_person(
    conn: &mut Conn,
    trees: &mut Trees,
    actor: &Actor,
    person: PersonId,
    today: NaiveDate,
) -> Result<bool> {
    let posts = persons::posts_of_person(conn, person).await?;
    allowed_on_person(conn, trees, actor, Action::Read, &posts, today).await
}

async fn allowed_on_person(
    conn: &mut Conn,
    trees: &mut Trees,
    actor: &Actor,
    action: Action,
    posts: &[persons::Post],
    today: NaiveDate,
) -> Result<bool> {
    if actor.access.allows_everywhere(action) {
        return Ok(true);
    }
    for post in posts {
        if trees
            .allows(
                conn,
                actor,
                action,
                post.unit_id,
                clamp(&post.validity, today),
            )
            .await?
        {
            return Ok(true);
        }
    }
    Ok(false)
}

async fn view(
    conn: &mut Conn,
    trees: &mut Trees,
    actor: &Actor,
    person: persons::Person,
    today: NaiveDate,
) -> Result<PersonView> {
    let posts = persons::posts_of_person(conn, person.id).await?;
    let can_edit =
        allowed_on_person(conn, trees, actor, Action::EditContent, &posts, today).await?;
    let can_read_history =
        allowed_on_person(conn, trees, actor, Action::ReadHistory, &posts, today).await?;
    let mut post_views = Vec::new();
    for p in posts {
        post_views.push(PostView {
            id: p.id,
            unit_id: p.unit_id,
            unit_name: crate::scope::unit_name_on(conn, p.unit_id, clamp(&p.validity, today))
                .await?
                .unwrap_or_default(),
            title: p.title,
            valid_from: p.validity.from,
            valid_to: p.validity.to,
            row_version: p.row_version,
        });
    }
    Ok(PersonView {
        id: person.id,
        full_name: person.full_name,
        birth_year: person.birth_year,
        party_admitted_on: person.party.admitted_on,
        party_full_member_on: person.party.full_member_on,
        party_status: person.party.status_on(today),
        source: person.source,
        row_version: person.row_version,
        posts: post_views,
        can_edit,
        can_read_history,
    })
}

/// Persons the actor may read, optionally filtered by a diacritic-insensitive name.
pub async fn list_persons(
    app: &App,
    actor: &Actor,
    name: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<Vec<PersonView>> {
    let today = app.today();
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    let (limit, offset) = (limit.clamp(1, 500), offset.max(0));
    let everywhere = actor.access.allows_everywhere(Action::Read);
    let units = if everywhere {
        None
    } else {
        // Candidates: units ever under one of the actor's roots; each person is then checked.
        let roots = actor.access.roots_for(Action::Read).unwrap_or_default();
        Some(units_ever_under(&mut conn, &roots).await?)
    };
    // Whoever reads everywhere is paged by the database; otherwise the page is cut after the
    // per-person check, so that refused candidates do not leave holes in it.
    let filter = persons::PersonFilter {
        name: name.map(str::to_owned),
        units,
        on: None,
        limit: if everywhere { limit } else { i64::MAX },
        offset: if everywhere { offset } else { 0 },
    };
    let mut out = Vec::new();
    let mut skipped = 0;
    for person in persons::list_persons(&mut conn, &filter).await? {
        if out.len() as i64 >= limit {
            break;
        }
        let posts = persons::posts_of_person(&mut conn, person.id).await?;
        if !allowed_on_person(&mut conn, &mut trees, actor, Action::Read, &posts, today).await? {
            continue;
        }
        if !everywhere && skipped < offset {
            skipped += 1;
            continue;
        }
        out.push(view(&mut conn, &mut trees, actor, person, today).await?);
    }
    Ok(out)
}

/// Every unit that hung, at some date, below one of `roots`.
async fn units_ever_under(conn: &mut Conn, roots: &[UnitId]) -> Result<Vec<UnitId>> {
    let versions = units::all_versions(conn).await?;
    let mut found: std::collections::BTreeSet<UnitId> = roots.iter().copied().collect();
    loop {
        let before = found.len();
        for v in &versions {
            if v.parent_id.is_some_and(|p| found.contains(&p)) {
                found.insert(v.unit_id);
            }
        }
        if found.len() == before {
            return Ok(found.into_iter().collect());
        }
    }
}

pub async fn get_person(app: &App, actor: &Actor, id: PersonId) -> Result<PersonView> {
    let today = app.today();
    let mut conn = app.db.reader().await?;
    let person = persons::get_person(&mut conn, id)
        .await
        .map_err(|e| hide_missing(actor, Action::Read, e.into()))?;
    let posts = persons::posts_of_person(&mut conn, id).await?;
    let mut trees = Trees::shared(app);
    if !allowed_on_person(&mut conn, &mut trees, actor, Action::Read, &posts, today).await? {
        return Err(AppError::Forbidden);
    }
    view(&mut conn, &mut trees, actor, person, today).await
}

async fn audit_person(
    tx: &mut Conn,
    app: &App,
    actor: &Actor,
    action: &str,
    id: PersonId,
    before: Option<serde_json::Value>,
) -> Result<()> {
    let after = snapshot(tx, id).await?;
    audit::append(
        tx,
        &actor.audit_entry(action, "person", id.0, before, Some(after)),
        app.now(),
    )
    .await?;
    Ok(())
}

/// What the audit log keeps of a person: the record and every post.
async fn snapshot(tx: &mut Conn, id: PersonId) -> Result<serde_json::Value> {
    let person = persons::get_person(tx, id).await?;
    let posts = persons::posts_of_person(tx, id).await?;
    Ok(serde_json::json!({ "person": person, "posts": posts }))
}

/// Creates a person, with a first post when given (needed unless the actor edits everywhere).
pub async fn create_person(
    app: &App,
    actor: &Actor,
    input: &PersonInput,
    first_post: Option<&PostInput>,
    source: &str,
) -> Result<PersonId> {
    let fields = input.fields(source)?;
    let mut tx = app.db.begin().await?;
    let mut trees = Trees::default();
    match first_post {
        None if !actor.access.allows_everywhere(Action::EditContent) => {
            return Err(AppError::invalid("required", "unit_id"));
        }
        _ => {}
    }
    let id = persons::insert_person(&mut tx, &fields, app.now()).await?;
    if let Some(post) = first_post {
        insert_post(&mut tx, &mut trees, actor, id, post).await?;
    }
    audit_person(&mut tx, app, actor, "create", id, None).await?;
    trienkhai_store::commit(tx).await?;
    Ok(id)
}

async fn insert_post(
    tx: &mut Conn,
    trees: &mut Trees,
    actor: &Actor,
    person: PersonId,
    post: &PostInput,
) -> Result<PostId> {
    let unit = post
        .unit_id
        .ok_or_else(|| AppError::invalid("required", "unit_id"))?;
    let from = post
        .valid_from
        .ok_or_else(|| AppError::invalid("required", "valid_from"))?;
    let validity = Validity::new(from, post.valid_to)?;
    let title = org::parse_name(&post.title, "title", 120)?;
    let versions = units::versions_of(tx, unit).await?;
    if versions.is_empty() {
        return Err(AppError::invalid("unit_not_found", "unit_id"));
    }
    // Scope first, so that a refused actor learns nothing about the unit's dates.
    trees
        .require_over(tx, actor, Action::EditContent, unit, validity)
        .await?;
    let lifetime = trienkhai_core::org::OrgState::new(versions)
        .lifetime(unit)
        .expect("unit has versions");
    if !lifetime.covers(&validity) {
        return Err(AppError::invalid("unit_not_valid_on_date", "valid_from"));
    }
    let existing = persons::posts_of_person(tx, person).await?;
    if existing
        .iter()
        .any(|p| p.unit_id == unit && p.title == title && p.validity.overlaps(&validity))
    {
        return Err(AppError::invalid("overlapping_validity", "valid_from"));
    }
    Ok(persons::insert_post(tx, person, unit, &title, validity).await?)
}

pub async fn update_person(
    app: &App,
    actor: &Actor,
    id: PersonId,
    input: &PersonInput,
    version: i64,
) -> Result<()> {
    let today = app.today();
    let mut tx = app.db.begin().await?;
    let current = persons::get_person(&mut tx, id).await?;
    let fields = input.fields(&current.source)?;
    let posts = persons::posts_of_person(&mut tx, id).await?;
    let mut trees = Trees::default();
    if !allowed_on_person(
        &mut tx,
        &mut trees,
        actor,
        Action::EditContent,
        &posts,
        today,
    )
    .await?
    {
        return Err(AppError::Forbidden);
    }
    let before = snapshot(&mut tx, id).await?;
    match persons::update_person(&mut tx, id, &fields, version, app.now()).await {
        Err(trienkhai_store::StoreError::Conflict) => {
            return Err(AppError::Conflict {
                current: Some(before),
            });
        }
        other => other?,
    };
    audit_person(&mut tx, app, actor, "update", id, Some(before)).await?;
    trienkhai_store::commit(tx).await?;
    Ok(())
}

/// Adds a post; a person may hold several at once. The actor must be able to edit the person
/// (where they already serve) and the unit of the new post.
pub async fn add_post(
    app: &App,
    actor: &Actor,
    person: PersonId,
    post: &PostInput,
) -> Result<PostId> {
    let today = app.today();
    let mut tx = app.db.begin().await?;
    persons::get_person(&mut tx, person).await?;
    let posts = persons::posts_of_person(&mut tx, person).await?;
    let mut trees = Trees::default();
    // A person without posts belongs to no unit yet: only those who edit everywhere may claim them.
    if !allowed_on_person(
        &mut tx,
        &mut trees,
        actor,
        Action::EditContent,
        &posts,
        today,
    )
    .await?
    {
        return Err(AppError::Forbidden);
    }
    let before = snapshot(&mut tx, person).await?;
    let id = insert_post(&mut tx, &mut trees, actor, person, post).await?;
    audit_person(&mut tx, app, actor, "add_post", person, Some(before)).await?;
    trienkhai_store::commit(tx).await?;
    Ok(id)
}

/// Ends a post on `valid_to` (inclusive).
pub async fn end_post(
    app: &App,
    actor: &Actor,
    post: PostId,
    valid_to: NaiveDate,
    version: i64,
) -> Result<()> {
    let mut tx = app.db.begin().await?;
    let current = persons::get_post(&mut tx, post).await?;
    // The days between the old end and the new one change: the actor must hold the unit on all.
    let new_validity = Validity::new(current.validity.from, Some(valid_to))?;
    let changed = match current.validity.to {
        Some(old) if old < valid_to => Validity {
            from: old,
            to: Some(valid_to),
        },
        Some(old) => Validity {
            from: valid_to,
            to: Some(old),
        },
        None => Validity {
            from: valid_to,
            to: None,
        },
    };
    let mut trees = Trees::default();
    trees
        .require_over(
            &mut tx,
            actor,
            Action::EditContent,
            current.unit_id,
            changed,
        )
        .await?;
    let versions = units::versions_of(&mut tx, current.unit_id).await?;
    let lifetime = trienkhai_core::org::OrgState::new(versions)
        .lifetime(current.unit_id)
        .ok_or(AppError::NotFound)?;
    if !lifetime.covers(&new_validity) {
        return Err(AppError::invalid("unit_not_valid_on_date", "valid_to"));
    }
    let before = snapshot(&mut tx, current.person_id).await?;
    match persons::end_post(&mut tx, post, valid_to, version).await {
        Err(trienkhai_store::StoreError::Conflict) => {
            return Err(AppError::Conflict {
                current: Some(before),
            });
        }
        other => other?,
    };
    audit_person(
        &mut tx,
        app,
        actor,
        "end_post",
        current.person_id,
        Some(before),
    )
    .await?;
    trienkhai_store::commit(tx).await?;
    Ok(())
}

/// Ends the posts of `unit` that run past `end`, the unit's last day, recording each in the
/// person's history: people do not keep posts in a unit that no longer exists. A post that
/// only begins after that day cannot be ended and blocks the change.
pub(crate) async fn close_posts_at_unit_end(
    tx: &mut Conn,
    app: &App,
    actor: &Actor,
    unit: UnitId,
    end: NaiveDate,
) -> Result<()> {
    for post in persons::posts_of_unit_after(tx, unit, end).await? {
        if post.validity.from > end {
            return Err(AppError::Invalid(
                trienkhai_core::error::DomainError::new("unit_has_later_posts", "effective_on")
                    .with_detail(post.title),
            ));
        }
        let before = snapshot(tx, post.person_id).await?;
        persons::end_post(tx, post.id, end, post.row_version).await?;
        audit_person(tx, app, actor, "end_post", post.person_id, Some(before)).await?;
    }
    Ok(())
}
