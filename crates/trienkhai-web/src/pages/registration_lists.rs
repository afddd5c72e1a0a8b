//! The registrations hub (C9) on a page: the reader's own registration of the year, and who in
//! their unit and below has registered ("18/21 đồng chí đã đăng ký"), counted against the chosen
//! plan's rule of who must register, with a line per unit below, a filter for who has not and
//! who is late, and a printable list under the official header. The plan's issuer sets the rule
//! here, by ticking the categories of posts.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::Uri;
use axum::response::Response;
use chrono::Datelike;
use serde::Deserialize;
use trienkhai_app::AppError;
use trienkhai_app::registration_lists::{self, PersonRegistration};
use trienkhai_app::registrations::{self, RegistrationInput};
use trienkhai_core::ids::{DocumentId, PersonId, UnitId};
use trienkhai_core::post_category::PostCategory;

use super::{OfficialHeader, PageCtx, render, see_other, unit_by_code, unit_or_own};
use crate::AppState;
use crate::error::PageError;
use crate::extract::{FormBody, PageActor};
use crate::fmt;
use crate::i18n::{self, Lang};

use super::registrations::state_label;

fn category_label(lang: Lang, c: PostCategory) -> &'static str {
    i18n::tr(lang, &format!("registration.category.{}", c.as_str()))
}

/// A person of the unit's list.
pub struct PersonLine {
    name: String,
    post: String,
    state: String,
    registered: bool,
    /// Registered although the plan's rule does not name their post.
    voluntary: bool,
    late: usize,
    link: Option<i64>,
    person_id: i64,
    unit_code: String,
}

/// A unit below: (code, name, "5/6", late persons).
type UnitLine = (String, String, String, usize);

/// Which of the list to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Only {
    /// Those who must register and have not.
    Missing,
    /// Those with an item late.
    Late,
}

#[derive(Template)]
#[template(path = "registrations.html")]
struct HubPage {
    ctx: PageCtx,
    year: i32,
    /// The reader's own: person, name, (unit code, unit name, post) to open in, versions.
    #[allow(clippy::type_complexity)]
    mine: Option<(
        i64,
        String,
        Vec<(String, String, String)>,
        Vec<(i64, String)>,
    )>,
    unit_name: String,
    unit_code: String,
    registered: usize,
    total: usize,
    lines: Vec<UnitLine>,
    people: Vec<PersonLine>,
    /// How many the filter leaves, and which filter: "", "missing" or "late".
    shown: usize,
    only: &'static str,
    can_open_for_others: bool,
    /// This page of the list (from 1) and how many there are.
    page: usize,
    pages: usize,
    /// Plans to register under: (id, "02-NQ/HU – summary"), and the one chosen.
    plans: Vec<(i64, String)>,
    plan: i64,
    /// The chosen plan's rule in words, its categories as (code, label, ticked) and whether the
    /// reader sets it, with the rule's version.
    rule_words: String,
    categories: Vec<(&'static str, &'static str, bool)>,
    can_set_rule: bool,
    rule_version: i64,
    /// The list was read with a plan's rule (a reader who may not read the list sees neither).
    show_rule: bool,
    official: Option<OfficialHeader>,
}

#[derive(Deserialize)]
pub struct HubQuery {
    unit: Option<String>,
    year: Option<i32>,
    plan: Option<i64>,
    only: Option<Only>,
    /// The page of the list, from 1 ([`PAGE_SIZE`] names each).
    page: Option<usize>,
}

/// Names per page of a unit's list: a commune has hundreds of members; a phone shows a page.
const PAGE_SIZE: usize = 100;

fn person_line(lang: Lang, p: &PersonRegistration) -> PersonLine {
    PersonLine {
        name: p.full_name.clone(),
        post: format!("{} · {}", p.post_title, p.unit_name),
        state: p
            .state
            .map(|s| state_label(lang, s).to_owned())
            .unwrap_or_else(|| i18n::tr(lang, "registration.none").to_owned()),
        registered: p.registered,
        voluntary: !p.required,
        late: p.late_items,
        link: p.registration_id,
        person_id: p.person_id.0,
        unit_code: p.unit_code.clone(),
    }
}

pub async fn hub(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
    Query(q): Query<HubQuery>,
) -> Result<Response, PageError> {
    let ctx = PageCtx::new(&page, &uri);
    let lang = ctx.lang();
    let year = q.year.unwrap_or_else(|| state.app.today().year());
    let mine = registration_lists::mine(&state.app, &page.actor, year).await?;
    let unit = unit_or_own(&state, &page, q.unit.as_deref(), mine.as_ref()).await?;
    let plans: Vec<(i64, String, String)> = match unit {
        Some(u) => trienkhai_app::personal::plans_for(&state.app, u, year)
            .await?
            .into_iter()
            .map(|(id, number, summary)| (id.0, number, summary))
            .collect(),
        None => Vec::new(),
    };
    let plan = q
        .plan
        .filter(|p| plans.iter().any(|(id, _, _)| id == p))
        .or_else(|| plans.first().map(|(id, _, _)| *id));
    let list = match unit {
        Some(u) => match registration_lists::unit_registrations(
            &state.app,
            &page.actor,
            u,
            year,
            plan.map(DocumentId),
        )
        .await
        {
            Ok(l) => Some(l),
            // A member reading their own cell does not read their peers' registrations;
            // a unit that did not exist that year has nobody to list.
            Err(AppError::Forbidden | AppError::NotFound) => None,
            Err(e) => return Err(PageError(e)),
        },
        None => None,
    };
    // Unit codes and names: the list carries its own; the reader's posts (a person's few) are
    // looked up in the tree only when there are some.
    let units = if mine.as_ref().is_some_and(|m| !m.posts.is_empty()) || list.is_none() {
        trienkhai_app::org::units_as_of(
            &state.app,
            &page.actor,
            list.as_ref().map_or(state.app.today(), |l| l.as_of),
        )
        .await?
    } else {
        Vec::new()
    };
    let code_of = |id: UnitId| {
        list.as_ref()
            .filter(|l| l.unit_id == id)
            .map(|l| (l.unit_code.clone(), l.unit_name.clone()))
            .or_else(|| {
                units
                    .iter()
                    .find(|u| u.id == id)
                    .map(|u| (u.code.clone(), u.name.clone()))
            })
            .unwrap_or_default()
    };
    let can_open_for_others = list.as_ref().is_some_and(|l| l.can_open);
    let (unit_code, unit_name) = unit.map(code_of).unwrap_or_default();
    let filtered: Vec<&PersonRegistration> = list
        .as_ref()
        .map(|l| {
            l.people
                .iter()
                .filter(|p| match q.only {
                    None => true,
                    Some(Only::Missing) => p.required && !p.registered,
                    Some(Only::Late) => p.late_items > 0,
                })
                .collect()
        })
        .unwrap_or_default();
    let pages = filtered.len().div_ceil(PAGE_SIZE).max(1);
    let page_index = q.page.unwrap_or(1).clamp(1, pages) - 1;
    let people = filtered
        .iter()
        .skip(page_index * PAGE_SIZE)
        .take(PAGE_SIZE)
        .map(|p| person_line(lang, p))
        .collect();
    let chosen = plan.and_then(|p| plans.iter().find(|(id, _, _)| *id == p));
    let rule = list.as_ref().and_then(|l| l.rule.as_ref());
    let ticked = rule.map(|r| r.categories.clone()).unwrap_or_default();
    let rule_words = if ticked.is_empty() {
        i18n::tr(lang, "registration.category.every_member").to_owned()
    } else {
        ticked
            .iter()
            .map(|c| category_label(lang, *c))
            .collect::<Vec<_>>()
            .join("; ")
    };
    render(&HubPage {
        year,
        mine: mine.map(|m| {
            (
                m.person_id.0,
                m.full_name,
                m.posts
                    .iter()
                    .map(|(u, name, title)| (code_of(*u).0, name.clone(), title.clone()))
                    .collect(),
                m.versions
                    .iter()
                    .map(|v| {
                        (
                            v.id,
                            format!(
                                "{} {} · {}",
                                i18n::tr(lang, "registration.version"),
                                v.version,
                                state_label(lang, v.state)
                            ),
                        )
                    })
                    .collect(),
            )
        }),
        registered: list.as_ref().map_or(0, |l| l.registered),
        total: list.as_ref().map_or(0, |l| l.total),
        lines: list
            .as_ref()
            .map(|l| {
                l.lines
                    .iter()
                    .map(|u| {
                        (
                            u.unit_code.clone(),
                            if u.own {
                                format!("{} ({})", u.name, i18n::tr(lang, "registration.own_line"))
                            } else {
                                u.name.clone()
                            },
                            format!("{}/{}", u.registered, u.total),
                            u.late,
                        )
                    })
                    .collect()
            })
            .unwrap_or_default(),
        shown: filtered.len(),
        only: match q.only {
            None => "",
            Some(Only::Missing) => "missing",
            Some(Only::Late) => "late",
        },
        official: match (chosen, &list) {
            (Some((_, number, summary)), Some(l)) => {
                let mut header = OfficialHeader::new(
                    lang,
                    &l.unit_name,
                    number,
                    summary,
                    "registration.print_title",
                    &format!("{} {year}", i18n::tr(lang, "field.year")),
                    state.app.today(),
                );
                header.document = format!(
                    "{} {number} – {summary}",
                    i18n::tr(lang, "registration.plan")
                );
                if let Some(only) = q.only {
                    let key = match only {
                        Only::Missing => "registration.only_missing",
                        Only::Late => "registration.only_late",
                    };
                    header.period = format!("{} · {}", header.period, i18n::tr(lang, key));
                }
                Some(header)
            }
            _ => None,
        },
        unit_name,
        unit_code,
        people,
        can_open_for_others,
        page: page_index + 1,
        pages,
        plan: plan.unwrap_or_default(),
        plans: plans
            .iter()
            .map(|(id, number, summary)| (*id, format!("{number} – {summary}")))
            .collect(),
        categories: PostCategory::ALL
            .iter()
            .filter(|c| **c != PostCategory::EveryMember)
            .map(|c| (c.as_str(), category_label(lang, *c), ticked.contains(c)))
            .collect(),
        can_set_rule: list.as_ref().is_some_and(|l| l.rule_editable),
        show_rule: rule.is_some(),
        rule_version: rule.map_or(0, |r| r.row_version),
        rule_words,
        ctx,
    })
}

#[derive(Deserialize)]
pub struct OpenForm {
    csrf: String,
    person_id: i64,
    unit: String,
    year: i32,
    document_id: Option<String>,
}

pub async fn open(
    State(state): State<AppState>,
    page: PageActor,
    FormBody(form): FormBody<OpenForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    let unit = unit_by_code(&state, Some(&form.unit), "unit")
        .await?
        .ok_or(PageError(AppError::invalid("required", "unit")))?;
    let document_id = form
        .document_id
        .as_deref()
        .and_then(|d| d.trim().parse().ok())
        .map(DocumentId);
    let id = registrations::open(
        &state.app,
        &page.actor,
        &RegistrationInput {
            person_id: PersonId(form.person_id),
            year: form.year,
            unit_id: unit,
            document_id,
        },
    )
    .await?;
    Ok(see_other(&format!("/registrations/{id}")))
}

/// The rule form: the plan, its version as read, the ticked categories (repeated fields).
pub async fn set_rule(
    State(state): State<AppState>,
    page: PageActor,
    FormBody(pairs): FormBody<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let field = |k: &str| super::pair(&pairs, k).unwrap_or_default();
    page.check_csrf(&field("csrf"))?;
    let plan: i64 = field("plan")
        .trim()
        .parse()
        .map_err(|_| PageError(AppError::invalid("required", "plan")))?;
    let version: i64 = field("version").trim().parse().unwrap_or(0);
    let categories = pairs
        .iter()
        .filter(|(k, _)| k == "category")
        .take(PostCategory::ALL.len())
        .map(|(_, v)| PostCategory::parse(v))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| PageError(e.into()))?;
    registration_lists::set_rule(
        &state.app,
        &page.actor,
        DocumentId(plan),
        &categories,
        version,
    )
    .await?;
    Ok(see_other(&format!(
        "/registrations?year={}&unit={}&plan={plan}",
        fmt::url_encode(&field("year")),
        fmt::url_encode(&field("unit")),
    )))
}
