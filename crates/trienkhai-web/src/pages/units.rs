//! Screens of the organisation tree: the tree as of a date, a unit's page with its versions,
//! events, successions, people and history, and the forms of every structural change.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::Uri;
use axum::response::Response;
use chrono::NaiveDate;
use serde::Deserialize;
use trienkhai_app::AppError;
use trienkhai_app::history::{self, AuditEntry};
use trienkhai_app::org::{
    self, ChangeContext, ChangeKind, MergeInput, NewUnit, SplitInput, UnitChange, UnitView,
};
use trienkhai_core::access::Action;
use trienkhai_core::ids::UnitId;

use super::pickers::{Choice, kind_choices, unit_choices};
use super::{PageCtx, form_date, pair, render, see_other, unit_by_code};
use crate::AppState;
use crate::error::PageError;
use crate::extract::{FormBody, PageActor};
use crate::fmt;
use crate::i18n::{Lang, tr};

pub struct TreeRow {
    pub id: i64,
    pub depth: usize,
    pub name: String,
    pub code: String,
    pub kind: String,
    pub dates: String,
}

async fn kind_labels(state: &AppState, lang: Lang) -> Result<HashMap<String, String>, PageError> {
    Ok(kind_choices(state, lang).await?.into_iter().collect())
}

fn tree_row(u: &UnitView, kinds: &HashMap<String, String>, lang: Lang) -> TreeRow {
    TreeRow {
        id: u.id.0,
        depth: u.depth.min(6),
        name: u.name.clone(),
        code: u.code.clone(),
        kind: kinds
            .get(&u.kind)
            .cloned()
            .unwrap_or_else(|| u.kind.clone()),
        dates: fmt::interval(lang, u.valid_from, u.valid_to),
    }
}

/// The units the actor may restructure on `day`, by name: a parent, a merge target. The blank
/// first option (`blank`) means "none"; "top level" is offered only to whom may create there.
async fn structure_choices(
    state: &AppState,
    page: &PageActor,
    day: NaiveDate,
    selected: &str,
    blank: Option<&str>,
) -> Result<Vec<Choice>, PageError> {
    unit_choices(
        state,
        page,
        None,
        Action::ManageStructure,
        day,
        selected,
        blank,
    )
    .await
}

/// The blank choice of a new unit's parent: "top level", for whom may create units there.
fn top_level(page: &PageActor, lang: Lang) -> Option<&'static str> {
    page.actor
        .access
        .allows_everywhere(Action::ManageStructure)
        .then(|| tr(lang, "units.top_level"))
}

/// Forms of structural changes are offered only to those who may make some.
fn require_structure_somewhere(page: &PageActor) -> Result<(), PageError> {
    if page.actor.access.allows_somewhere(Action::ManageStructure) {
        Ok(())
    } else {
        Err(AppError::Forbidden.into())
    }
}

#[derive(Deserialize, Default)]
pub struct AsOfQuery {
    as_of: Option<String>,
    q: Option<String>,
}

fn as_of(state: &AppState, q: &Option<String>) -> Result<NaiveDate, PageError> {
    Ok(fmt::parse_date_field(q.as_deref().unwrap_or(""), "as_of")?
        .unwrap_or_else(|| state.app.today()))
}

#[derive(Template)]
#[template(path = "units.html")]
struct TreePage {
    ctx: PageCtx,
    as_of: String,
    q: String,
    rows: Vec<TreeRow>,
    can_manage: bool,
}

pub async fn tree(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
    Query(query): Query<AsOfQuery>,
) -> Result<Response, PageError> {
    let ctx = PageCtx::new(&page, &uri);
    let date = as_of(&state, &query.as_of)?;
    let kinds = kind_labels(&state, ctx.lang()).await?;
    let q = query.q.unwrap_or_default();
    let units = if q.trim().is_empty() {
        org::units_as_of(&state.app, &page.actor, date).await?
    } else {
        org::search_units(&state.app, &page.actor, &q, date).await?
    };
    let rows = units
        .iter()
        .map(|u| tree_row(u, &kinds, ctx.lang()))
        .collect();
    render(&TreePage {
        as_of: fmt::date(date),
        q,
        rows,
        can_manage: page.actor.access.allows_somewhere(Action::ManageStructure),
        ctx,
    })
}

pub struct EventRow {
    pub date: String,
    pub kind: String,
    pub basis: String,
    pub note: String,
    pub illustrative: bool,
}

pub struct SuccessionRow {
    pub from_id: i64,
    pub from_name: String,
    pub from_linked: bool,
    pub to_id: i64,
    pub to_name: String,
    pub to_linked: bool,
    pub date: String,
}

pub struct PostRow {
    pub person_id: i64,
    pub person_name: String,
    pub title: String,
    pub dates: String,
}

pub struct HistoryRow {
    pub when: String,
    pub who: String,
    pub action: String,
    pub before: String,
    pub after: String,
}

pub fn history_rows(entries: Vec<AuditEntry>) -> Vec<HistoryRow> {
    let lang = crate::error::request_lang();
    let pretty = |v: &Option<serde_json::Value>| {
        v.as_ref()
            .and_then(|v| serde_json::to_string_pretty(v).ok())
            .unwrap_or_default()
    };
    entries
        .iter()
        .rev()
        .map(|e| HistoryRow {
            when: fmt::instant(e.at),
            who: e.actor_label.clone(),
            action: fmt::action(lang, &e.entity_type, &e.action),
            before: pretty(&e.before),
            after: pretty(&e.after),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "unit.html")]
struct UnitPage {
    ctx: PageCtx,
    id: i64,
    name: String,
    code: String,
    kind: String,
    illustrative: bool,
    note: String,
    shown_on: String,
    lifetime: String,
    path: Vec<TreeRow>,
    versions: Vec<TreeRow>,
    events: Vec<EventRow>,
    successions: Vec<SuccessionRow>,
    children: Vec<TreeRow>,
    posts: Vec<PostRow>,
    history: Vec<HistoryRow>,
    can_manage: bool,
    can_read_history: bool,
    /// Only the unit's card: it is outside the reader's scope.
    limited: bool,
    row_version: i64,
    kinds: Vec<(String, String)>,
    /// The units it may be moved under (only for whom may manage it).
    parent_options: Vec<Choice>,
}

pub async fn detail(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
    Path(id): Path<i64>,
    Query(query): Query<AsOfQuery>,
) -> Result<Response, PageError> {
    let ctx = PageCtx::new(&page, &uri);
    let lang = ctx.lang();
    let date = as_of(&state, &query.as_of)?;
    // Every unit a page names is linked; outside the reader's scope the link shows its card.
    let d = org::unit_card(&state.app, &page.actor, UnitId(id), date).await?;
    let kinds = kind_labels(&state, lang).await?;
    let named: Vec<UnitId> = d
        .successions
        .iter()
        .flat_map(|s| [s.predecessor_id, s.successor_id])
        .collect();
    let openable = org::openable_units(&state.app, &page.actor, &named, date).await?;
    let history = if d.can_read_history {
        history_rows(history::unit_history(&state.app, &page.actor, d.id).await?)
    } else {
        Vec::new()
    };
    let kind_options = kind_choices(&state, lang).await?;
    let parent_options = if d.can_manage {
        structure_choices(
            &state,
            &page,
            d.shown_on,
            "",
            Some(tr(lang, "units.keep_parent")),
        )
        .await?
    } else {
        Vec::new()
    };
    let event_key = |kind: &str| format!("event.{kind}");
    render(&UnitPage {
        parent_options,
        id,
        name: d.current.name.clone(),
        code: d.current.code.clone(),
        kind: kinds
            .get(&d.current.kind)
            .cloned()
            .unwrap_or_else(|| d.current.kind.clone()),
        illustrative: d.source == "illustrative",
        note: d.note.clone().unwrap_or_default(),
        shown_on: fmt::date(d.shown_on),
        lifetime: fmt::interval(lang, d.lifetime.from, d.lifetime.to),
        path: d.path.iter().map(|u| tree_row(u, &kinds, lang)).collect(),
        versions: d
            .versions
            .iter()
            .map(|u| tree_row(u, &kinds, lang))
            .collect(),
        events: d
            .events
            .iter()
            .map(|e| EventRow {
                date: fmt::date(e.effective_on),
                kind: ctx.t.s(&event_key(&e.kind)).to_owned(),
                basis: e.basis.clone().unwrap_or_default(),
                note: e.note.clone().unwrap_or_default(),
                illustrative: e.source == "illustrative",
            })
            .collect(),
        successions: d
            .successions
            .iter()
            .map(|s| SuccessionRow {
                from_id: s.predecessor_id.0,
                from_name: s.predecessor_name.clone(),
                from_linked: openable.contains(&s.predecessor_id),
                to_id: s.successor_id.0,
                to_name: s.successor_name.clone(),
                to_linked: openable.contains(&s.successor_id),
                date: fmt::date(s.effective_on),
            })
            .collect(),
        children: d
            .children
            .iter()
            .map(|u| tree_row(u, &kinds, lang))
            .collect(),
        posts: d
            .posts
            .iter()
            .map(|p| PostRow {
                person_id: p.person_id,
                person_name: p.person_name.clone(),
                title: p.title.clone(),
                dates: fmt::interval(lang, p.valid_from, p.valid_to),
            })
            .collect(),
        history,
        can_manage: d.can_manage,
        can_read_history: d.can_read_history,
        limited: d.limited,
        row_version: d.row_version,
        kinds: kind_options,
        ctx,
    })
}

#[derive(Deserialize)]
pub struct ChangeForm {
    csrf: String,
    change: String,
    effective_on: Option<String>,
    name: Option<String>,
    code: Option<String>,
    kind: Option<String>,
    parent_code: Option<String>,
    basis: Option<String>,
    note: Option<String>,
    version: i64,
}

fn filled(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

pub async fn change(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
    FormBody(form): FormBody<ChangeForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    let effective = form_date(&form.effective_on, "effective_on")?;
    let parent = unit_by_code(&state, form.parent_code.as_deref(), "parent_id")
        .await?
        .map(Some);
    let change = UnitChange {
        kind: ChangeKind::parse(&form.change)?,
        code: filled(&form.code),
        name: filled(&form.name),
        unit_kind: filled(&form.kind),
        parent_id: parent,
        version: form.version,
    };
    let ctx = ChangeContext {
        effective_on: effective,
        basis: form.basis,
        note: form.note,
        source: None,
    };
    org::change_unit(&state.app, &page.actor, UnitId(id), &change, &ctx).await?;
    Ok(see_other(&format!(
        "/units/{id}?as_of={}",
        fmt::date(effective.unwrap_or_default())
    )))
}

#[derive(Deserialize)]
pub struct DissolveForm {
    csrf: String,
    effective_on: Option<String>,
    basis: Option<String>,
    note: Option<String>,
    version: i64,
}

pub async fn dissolve(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
    FormBody(form): FormBody<DissolveForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    let ctx = ChangeContext {
        effective_on: form_date(&form.effective_on, "effective_on")?,
        basis: form.basis,
        note: form.note,
        source: None,
    };
    org::dissolve_unit(&state.app, &page.actor, UnitId(id), form.version, &ctx).await?;
    Ok(see_other(&format!("/units/{id}")))
}

#[derive(Template)]
#[template(path = "unit_new.html")]
struct NewUnitPage {
    ctx: PageCtx,
    kinds: Vec<(String, String)>,
    parent_options: Vec<Choice>,
    today: String,
}

#[derive(Deserialize, Default)]
pub struct NewUnitQuery {
    parent: Option<String>,
    /// The date the parent is chosen on, and the new unit's default first day.
    as_of: Option<String>,
}

pub async fn new_form(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
    Query(q): Query<NewUnitQuery>,
) -> Result<Response, PageError> {
    require_structure_somewhere(&page)?;
    let ctx = PageCtx::new(&page, &uri);
    let kinds = kind_choices(&state, ctx.lang()).await?;
    let date = as_of(&state, &q.as_of)?;
    let parent_options = structure_choices(
        &state,
        &page,
        date,
        q.parent.as_deref().unwrap_or_default(),
        top_level(&page, ctx.lang()),
    )
    .await?;
    render(&NewUnitPage {
        kinds,
        parent_options,
        today: fmt::date(date),
        ctx,
    })
}

#[derive(Deserialize)]
pub struct NewUnitForm {
    csrf: String,
    code: String,
    name: String,
    kind: String,
    parent_code: Option<String>,
    valid_from: Option<String>,
    valid_to: Option<String>,
    basis: Option<String>,
    note: Option<String>,
}

pub async fn create(
    State(state): State<AppState>,
    page: PageActor,
    FormBody(form): FormBody<NewUnitForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    let parent_id = unit_by_code(&state, form.parent_code.as_deref(), "parent_id").await?;
    let input = NewUnit {
        code: form.code,
        name: form.name,
        kind: form.kind,
        parent_id,
        valid_to: form_date(&form.valid_to, "valid_to")?,
    };
    let from = form_date(&form.valid_from, "valid_from")?
        .ok_or_else(|| AppError::invalid("required", "valid_from"))?;
    let ctx = ChangeContext {
        effective_on: Some(from),
        basis: form.basis,
        note: form.note,
        source: None,
    };
    let id = org::create_unit(&state.app, &page.actor, &input, &ctx).await?;
    Ok(see_other(&format!("/units/{id}?as_of={}", fmt::date(from))))
}

#[derive(Template)]
#[template(path = "unit_merge.html")]
struct MergePage {
    ctx: PageCtx,
    as_of: String,
    candidates: Vec<TreeRow>,
    kinds: Vec<(String, String)>,
    target_options: Vec<Choice>,
    parent_options: Vec<Choice>,
}

pub async fn merge_form(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
    Query(query): Query<AsOfQuery>,
) -> Result<Response, PageError> {
    require_structure_somewhere(&page)?;
    let ctx = PageCtx::new(&page, &uri);
    let date = as_of(&state, &query.as_of)?;
    let kinds = kind_choices(&state, ctx.lang()).await?;
    let labels: HashMap<String, String> = kinds.iter().cloned().collect();
    let candidates = org::units_as_of(&state.app, &page.actor, date)
        .await?
        .iter()
        .map(|u| tree_row(u, &labels, ctx.lang()))
        .collect();
    let lang = ctx.lang();
    let target_options =
        structure_choices(&state, &page, date, "", Some(tr(lang, "merge.target_none"))).await?;
    let parent_options = structure_choices(&state, &page, date, "", top_level(&page, lang)).await?;
    render(&MergePage {
        target_options,
        parent_options,
        as_of: fmt::date(date),
        candidates,
        kinds,
        ctx,
    })
}

/// A merge form: `sources` repeats, so it is read as pairs rather than a struct.
pub async fn merge(
    State(state): State<AppState>,
    page: PageActor,
    FormBody(pairs): FormBody<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let get = |key: &str| pair(&pairs, key);
    page.check_csrf(&get("csrf").unwrap_or_default())?;
    let sources: Vec<UnitId> = pairs
        .iter()
        .filter(|(k, _)| k == "sources")
        .map(|(_, v)| {
            v.parse::<i64>()
                .map(UnitId)
                .map_err(|_| AppError::invalid("invalid", "sources"))
        })
        .collect::<Result<_, _>>()?;
    let target_id = unit_by_code(&state, get("target_code").as_deref(), "target_id").await?;
    let new_target = match filled(&get("new_code")) {
        Some(code) => Some(NewUnit {
            code,
            name: get("new_name").unwrap_or_default(),
            kind: get("new_kind").unwrap_or_default(),
            parent_id: unit_by_code(&state, get("new_parent_code").as_deref(), "parent_id").await?,
            valid_to: form_date(&get("new_valid_to"), "valid_to")?,
        }),
        None => None,
    };
    let effective = form_date(&get("effective_on"), "effective_on")?;
    let input = MergeInput {
        sources,
        target_id,
        new_target,
        versions: HashMap::new(),
    };
    let ctx = ChangeContext {
        effective_on: effective,
        basis: get("basis"),
        note: get("note"),
        source: None,
    };
    let target = org::merge_units(&state.app, &page.actor, &input, &ctx).await?;
    Ok(see_other(&format!(
        "/units/{target}?as_of={}",
        fmt::date(effective.unwrap_or_default())
    )))
}

#[derive(Template)]
#[template(path = "unit_split.html")]
struct SplitPage {
    ctx: PageCtx,
    id: i64,
    name: String,
    row_version: i64,
    children: Vec<TreeRow>,
    kinds: Vec<(String, String)>,
    parent_options: Vec<Choice>,
    parts: Vec<usize>,
}

pub async fn split_form(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
    Path(id): Path<i64>,
    Query(query): Query<AsOfQuery>,
) -> Result<Response, PageError> {
    let ctx = PageCtx::new(&page, &uri);
    let date = as_of(&state, &query.as_of)?;
    let d = org::unit_detail(&state.app, &page.actor, UnitId(id), date).await?;
    if !d.can_manage {
        return Err(AppError::Forbidden.into());
    }
    let kinds = kind_choices(&state, ctx.lang()).await?;
    let labels: HashMap<String, String> = kinds.iter().cloned().collect();
    // The parts stay under the unit's parent unless chosen otherwise.
    let parent_code = d
        .path
        .iter()
        .find(|u| Some(u.id) == d.current.parent_id)
        .map(|u| u.code.as_str())
        .unwrap_or_default();
    let parent_options = structure_choices(
        &state,
        &page,
        date,
        parent_code,
        top_level(&page, ctx.lang()),
    )
    .await?;
    render(&SplitPage {
        parent_options,
        id,
        name: d.current.name.clone(),
        row_version: d.row_version,
        children: d
            .children
            .iter()
            .map(|u| tree_row(u, &labels, ctx.lang()))
            .collect(),
        kinds,
        parts: vec![1, 2, 3],
        ctx,
    })
}

pub async fn split(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
    FormBody(pairs): FormBody<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let get = |key: &str| pair(&pairs, key);
    page.check_csrf(&get("csrf").unwrap_or_default())?;
    let mut parts = Vec::new();
    for n in 1..=3 {
        if let Some(code) = filled(&get(&format!("part{n}_code"))) {
            parts.push(NewUnit {
                code,
                name: get(&format!("part{n}_name")).unwrap_or_default(),
                kind: get(&format!("part{n}_kind")).unwrap_or_default(),
                parent_id: unit_by_code(
                    &state,
                    get(&format!("part{n}_parent_code")).as_deref(),
                    "parent_id",
                )
                .await?,
                valid_to: form_date(&get(&format!("part{n}_valid_to")), "valid_to")?,
            });
        }
    }
    let mut children = HashMap::new();
    for (key, value) in &pairs {
        if let Some(child) = key.strip_prefix("child_")
            && let (Ok(child), Ok(part)) = (child.parse::<i64>(), value.parse::<usize>())
            && part >= 1
        {
            children.insert(UnitId(child), part - 1);
        }
    }
    let version = get("version")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| AppError::invalid("required", "version"))?;
    let effective = form_date(&get("effective_on"), "effective_on")?;
    let ctx = ChangeContext {
        effective_on: effective,
        basis: get("basis"),
        note: get("note"),
        source: None,
    };
    let ids = org::split_unit(
        &state.app,
        &page.actor,
        UnitId(id),
        &SplitInput {
            parts,
            children,
            version,
        },
        &ctx,
    )
    .await?;
    Ok(see_other(&format!(
        "/units/{}?as_of={}",
        ids[0],
        fmt::date(effective.unwrap_or_default())
    )))
}
