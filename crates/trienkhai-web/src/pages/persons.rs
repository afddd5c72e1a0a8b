//! Screens of persons: the list with a diacritic-insensitive search, a person's page with party
//! data and dated posts, and their forms.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::Uri;
use axum::response::Response;
use serde::Deserialize;
use trienkhai_app::AppError;
use trienkhai_app::history;
use trienkhai_app::people::{self, PersonInput, PersonView, PostInput};
use trienkhai_core::ids::{PersonId, PostId};

use super::units::{HistoryRow, history_rows};
use super::{PageCtx, edits_somewhere, form_date, render, see_other, unit_by_code};
use crate::AppState;
use crate::error::PageError;
use crate::extract::{FormBody, PageActor};
use crate::fmt;
use crate::i18n::Lang;

pub struct PersonRow {
    pub id: i64,
    pub name: String,
    pub birth_year: String,
    pub party: String,
    pub posts: String,
}

fn person_row(p: &PersonView, lang: Lang) -> PersonRow {
    PersonRow {
        id: p.id.0,
        name: p.full_name.clone(),
        birth_year: p.birth_year.map(|y| y.to_string()).unwrap_or_default(),
        party: fmt::party_status(lang, p.party_status).to_owned(),
        posts: p
            .posts
            .iter()
            .map(|post| format!("{} – {}", post.title, post.unit_name))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

#[derive(Template)]
#[template(path = "persons.html")]
struct ListPage {
    ctx: PageCtx,
    q: String,
    rows: Vec<PersonRow>,
    can_create: bool,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    q: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
    Query(query): Query<ListQuery>,
) -> Result<Response, PageError> {
    let ctx = PageCtx::new(&page, &uri);
    let q = query.q.unwrap_or_default();
    let name = Some(q.trim()).filter(|s| !s.is_empty());
    let persons = people::list_persons(&state.app, &page.actor, name, 200, 0).await?;
    let rows = persons.iter().map(|p| person_row(p, ctx.lang())).collect();
    render(&ListPage {
        q,
        rows,
        can_create: edits_somewhere(&page.actor),
        ctx,
    })
}

pub struct PostLine {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    /// The reader may open the unit's page (else its name is plain text).
    pub linked: bool,
    pub title: String,
    pub dates: String,
    pub open: bool,
    pub row_version: i64,
}

#[derive(Template)]
#[template(path = "person.html")]
struct DetailPage {
    ctx: PageCtx,
    /// The units a post may be added in, by name.
    unit_options: Vec<super::pickers::Choice>,
    id: i64,
    name: String,
    birth_year: String,
    admitted: String,
    full_member: String,
    party: String,
    illustrative: bool,
    row_version: i64,
    posts: Vec<PostLine>,
    can_edit: bool,
    history: Vec<HistoryRow>,
    today: String,
    past: Option<PastRecord>,
}

/// The person as the change log had them at the end of a past day.
pub struct PastRecord {
    pub day: String,
    pub found: bool,
    pub name: String,
    pub admitted: String,
    pub full_member: String,
    pub posts: Vec<String>,
}

fn past_record(day: chrono::NaiveDate, state: Option<serde_json::Value>) -> PastRecord {
    let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();
    let date = |v: &serde_json::Value| {
        v.as_str()
            .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .map(fmt::date)
            .unwrap_or_default()
    };
    let Some(state) = state else {
        return PastRecord {
            day: fmt::date(day),
            found: false,
            name: String::new(),
            admitted: String::new(),
            full_member: String::new(),
            posts: Vec::new(),
        };
    };
    let person = &state["person"];
    let posts = state["posts"]
        .as_array()
        .map(|posts| {
            posts
                .iter()
                .map(|p| {
                    format!(
                        "{} ({} – {})",
                        text(&p["title"]),
                        date(&p["validity"]["from"]),
                        date(&p["validity"]["to"])
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    PastRecord {
        day: fmt::date(day),
        found: true,
        name: text(&person["full_name"]),
        admitted: date(&person["party"]["admitted_on"]),
        full_member: date(&person["party"]["full_member_on"]),
        posts,
    }
}

#[derive(Deserialize, Default)]
pub struct AtQuery {
    at: Option<String>,
}

pub async fn detail(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
    Path(id): Path<i64>,
    Query(query): Query<AtQuery>,
) -> Result<Response, PageError> {
    let ctx = PageCtx::new(&page, &uri);
    let lang = ctx.lang();
    let p = people::get_person(&state.app, &page.actor, PersonId(id)).await?;
    let past = match form_date(&query.at, "at")? {
        Some(day) if p.can_read_history => {
            let record = history::state_at(
                &state.app,
                &page.actor,
                "person",
                id,
                fmt::end_of_day_vn(day),
            )
            .await?;
            Some(past_record(day, record))
        }
        _ => None,
    };
    let history = if p.can_read_history {
        history_rows(history::person_history(&state.app, &page.actor, p.id).await?)
    } else {
        Vec::new()
    };
    let named: Vec<_> = p.posts.iter().map(|post| post.unit_id).collect();
    let openable =
        trienkhai_app::org::openable_units(&state.app, &page.actor, &named, state.app.today())
            .await?;
    let unit_options = if p.can_edit {
        post_units(&state, &page).await?
    } else {
        Vec::new()
    };
    render(&DetailPage {
        unit_options,
        id,
        name: p.full_name.clone(),
        birth_year: p.birth_year.map(|y| y.to_string()).unwrap_or_default(),
        admitted: fmt::opt_date(p.party_admitted_on),
        full_member: fmt::opt_date(p.party_full_member_on),
        party: fmt::party_status(lang, p.party_status).to_owned(),
        illustrative: p.source == "illustrative",
        row_version: p.row_version,
        posts: p
            .posts
            .iter()
            .map(|post| PostLine {
                id: post.id.0,
                unit_id: post.unit_id.0,
                unit_name: post.unit_name.clone(),
                linked: openable.contains(&post.unit_id),
                title: post.title.clone(),
                dates: fmt::interval(lang, post.valid_from, post.valid_to),
                open: post.valid_to.is_none(),
                row_version: post.row_version,
            })
            .collect(),
        can_edit: p.can_edit,
        history,
        today: fmt::date(state.app.today()),
        past,
        ctx,
    })
}

#[derive(Deserialize)]
pub struct PersonForm {
    csrf: String,
    full_name: String,
    birth_year: Option<String>,
    party_admitted_on: Option<String>,
    party_full_member_on: Option<String>,
    version: Option<i64>,
    unit_code: Option<String>,
    title: Option<String>,
    valid_from: Option<String>,
}

fn person_input(form: &PersonForm) -> Result<PersonInput, PageError> {
    let birth_year = match form
        .birth_year
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(y) => Some(
            y.parse::<i64>()
                .map_err(|_| AppError::invalid("invalid", "birth_year"))?,
        ),
        None => None,
    };
    Ok(PersonInput {
        full_name: form.full_name.clone(),
        birth_year,
        party_admitted_on: form_date(&form.party_admitted_on, "party_admitted_on")?,
        party_full_member_on: form_date(&form.party_full_member_on, "party_full_member_on")?,
    })
}

pub async fn update(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
    FormBody(form): FormBody<PersonForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    let input = person_input(&form)?;
    let version = form
        .version
        .ok_or_else(|| AppError::invalid("required", "version"))?;
    people::update_person(&state.app, &page.actor, PersonId(id), &input, version).await?;
    Ok(see_other(&format!("/persons/{id}")))
}

#[derive(Template)]
#[template(path = "person_new.html")]
struct NewPage {
    ctx: PageCtx,
    today: String,
    unit_options: Vec<super::pickers::Choice>,
}

/// The units the actor may add a post in (where it edits content), by name.
async fn post_units(
    state: &AppState,
    page: &PageActor,
) -> Result<Vec<super::pickers::Choice>, PageError> {
    super::pickers::unit_choices(
        state,
        page,
        None,
        trienkhai_core::access::Action::EditContent,
        state.app.today(),
        "",
        Some(""),
    )
    .await
}

pub async fn new_form(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
) -> Result<Response, PageError> {
    if !edits_somewhere(&page.actor) {
        return Err(AppError::Forbidden.into());
    }
    let ctx = PageCtx::new(&page, &uri);
    render(&NewPage {
        unit_options: post_units(&state, &page).await?,
        today: fmt::date(state.app.today()),
        ctx,
    })
}

pub async fn create(
    State(state): State<AppState>,
    page: PageActor,
    FormBody(form): FormBody<PersonForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    let input = person_input(&form)?;
    let post = match form
        .unit_code
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(code) => Some(PostInput {
            unit_id: unit_by_code(&state, Some(code), "unit_id").await?,
            title: form.title.clone().unwrap_or_default(),
            valid_from: form_date(&form.valid_from, "valid_from")?,
            valid_to: None,
        }),
        None => None,
    };
    let id = people::create_person(&state.app, &page.actor, &input, post.as_ref(), "user").await?;
    Ok(see_other(&format!("/persons/{id}")))
}

#[derive(Deserialize)]
pub struct PostForm {
    csrf: String,
    unit_code: String,
    title: String,
    valid_from: Option<String>,
    valid_to: Option<String>,
}

pub async fn add_post(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
    FormBody(form): FormBody<PostForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    let post = PostInput {
        unit_id: unit_by_code(&state, Some(&form.unit_code), "unit_id").await?,
        title: form.title,
        valid_from: form_date(&form.valid_from, "valid_from")?,
        valid_to: form_date(&form.valid_to, "valid_to")?,
    };
    people::add_post(&state.app, &page.actor, PersonId(id), &post).await?;
    Ok(see_other(&format!("/persons/{id}")))
}

#[derive(Deserialize)]
pub struct EndPostForm {
    csrf: String,
    person_id: i64,
    valid_to: Option<String>,
    version: i64,
}

pub async fn end_post(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
    FormBody(form): FormBody<EndPostForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    let valid_to = form_date(&form.valid_to, "valid_to")?
        .ok_or_else(|| AppError::invalid("required", "valid_to"))?;
    people::end_post(&state.app, &page.actor, PostId(id), valid_to, form.version).await?;
    Ok(see_other(&format!("/persons/{}", form.person_id)))
}
