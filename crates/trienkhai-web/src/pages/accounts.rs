//! Screens of accounts: the list, an account's roles and API tokens, and their forms. A new
//! token's secret is shown once, on the page that answers the form.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::Response;
use serde::Deserialize;
use trienkhai_app::accounts::{self, AccountUpdate, AccountView, GrantInput, NewAccount};
use trienkhai_app::{AppError, history};
use trienkhai_core::access::Role;
use trienkhai_core::ids::{AccountId, GrantId, TokenId};

use super::units::{HistoryRow, history_rows};
use super::{PageCtx, form_date, render, see_other, unit_by_code};
use crate::AppState;
use crate::error::PageError;
use crate::extract::{FormBody, PageActor};
use crate::fmt;
use crate::i18n::{Lang, tr};

pub struct GrantRow {
    pub id: i64,
    pub role: String,
    pub scope: String,
    pub dates: String,
    pub in_force: bool,
    pub revoked: bool,
}

pub struct TokenLine {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub created: String,
    pub expires: String,
    pub revoked: bool,
}

fn grant_rows(a: &AccountView, lang: Lang, t: crate::i18n::Tr) -> Vec<GrantRow> {
    a.grants
        .iter()
        .map(|g| GrantRow {
            id: g.id.0,
            role: fmt::role(lang, g.role).to_owned(),
            scope: g
                .unit_name
                .clone()
                .unwrap_or_else(|| t.s("account.scope_all").to_owned()),
            dates: fmt::interval(lang, g.valid_from, g.valid_to),
            in_force: g.in_force,
            revoked: g.revoked,
        })
        .collect()
}

pub struct AccountRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub active: bool,
    pub roles: String,
}

#[derive(Template)]
#[template(path = "accounts.html")]
struct ListPage {
    ctx: PageCtx,
    rows: Vec<AccountRow>,
    can_create: bool,
}

pub async fn list(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
) -> Result<Response, PageError> {
    let ctx = PageCtx::new(&page, &uri);
    let lang = ctx.lang();
    let rows = accounts::list_accounts(&state.app, &page.actor)
        .await?
        .iter()
        .map(|a| AccountRow {
            id: a.id.0,
            username: a.username.clone(),
            display_name: a.display_name.clone(),
            active: a.is_active,
            roles: grant_rows(a, lang, ctx.t)
                .iter()
                .filter(|g| g.in_force)
                .map(|g| format!("{} ({})", g.role, g.scope))
                .collect::<Vec<_>>()
                .join("; "),
        })
        .collect();
    let can_create = page
        .actor
        .access
        .allows_everywhere(trienkhai_core::access::Action::ManageAccounts);
    render(&ListPage {
        rows,
        can_create,
        ctx,
    })
}

#[derive(Template)]
#[template(path = "account.html")]
struct DetailPage {
    ctx: PageCtx,
    /// Where a role may be granted, by name ("everywhere" first for those who may).
    scope_options: Vec<super::pickers::Choice>,
    id: i64,
    username: String,
    display_name: String,
    active: bool,
    row_version: i64,
    grants: Vec<GrantRow>,
    tokens: Vec<TokenLine>,
    can_manage: bool,
    new_token: Option<String>,
    roles: Vec<(&'static str, &'static str)>,
    history: Vec<HistoryRow>,
    today: String,
}

async fn detail_page(
    state: &AppState,
    page: &PageActor,
    uri: &Uri,
    id: AccountId,
    new_token: Option<String>,
) -> Result<Response, PageError> {
    let ctx = PageCtx::new(page, uri);
    let lang = ctx.lang();
    let a = accounts::get_account(&state.app, &page.actor, id).await?;
    let can_manage = accounts::can_manage_account(&state.app, &page.actor, id).await?;
    let history = history_rows(history::account_history(&state.app, &page.actor, id).await?);
    let scope_options = if can_manage {
        let everywhere = page
            .actor
            .access
            .allows_everywhere(trienkhai_core::access::Action::ManageAccounts);
        super::pickers::unit_choices(
            state,
            page,
            None,
            trienkhai_core::access::Action::ManageAccounts,
            state.app.today(),
            "",
            everywhere.then(|| tr(lang, "account.scope_all")),
        )
        .await?
    } else {
        Vec::new()
    };
    render(&DetailPage {
        scope_options,
        id: id.0,
        username: a.username.clone(),
        display_name: a.display_name.clone(),
        active: a.is_active,
        row_version: a.row_version,
        grants: grant_rows(&a, lang, ctx.t),
        tokens: a
            .tokens
            .iter()
            .map(|t| TokenLine {
                id: t.id.0,
                name: t.name.clone(),
                prefix: t.token_prefix.clone(),
                created: fmt::instant(t.created_at),
                expires: t.expires_at.map(fmt::instant).unwrap_or_default(),
                revoked: t.revoked_at.is_some(),
            })
            .collect(),
        can_manage,
        new_token,
        roles: Role::ALL
            .iter()
            .map(|r| (r.as_str(), fmt::role(lang, *r)))
            .collect(),
        history,
        today: fmt::date(state.app.today()),
        ctx,
    })
}

pub async fn detail(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    detail_page(&state, &page, &uri, AccountId(id), None).await
}

#[derive(Template)]
#[template(path = "account_new.html")]
struct NewPage {
    ctx: PageCtx,
}

pub async fn new_form(page: PageActor, uri: Uri) -> Result<Response, PageError> {
    // The same rule as the use case: only administrators of everything create accounts.
    if !page
        .actor
        .access
        .allows_everywhere(trienkhai_core::access::Action::ManageAccounts)
    {
        return Err(AppError::Forbidden.into());
    }
    render(&NewPage {
        ctx: PageCtx::new(&page, &uri),
    })
}

#[derive(Deserialize)]
pub struct NewForm {
    csrf: String,
    username: String,
    display_name: String,
    password: String,
}

pub async fn create(
    State(state): State<AppState>,
    page: PageActor,
    FormBody(form): FormBody<NewForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    let input = NewAccount {
        username: form.username,
        display_name: form.display_name,
        password: form.password,
        person_id: None,
    };
    let id = accounts::create_account(&state.app, &page.actor, &input).await?;
    Ok(see_other(&format!("/accounts/{id}")))
}

#[derive(Deserialize)]
pub struct UpdateForm {
    csrf: String,
    display_name: String,
    active: Option<String>,
    new_password: Option<String>,
    version: i64,
}

pub async fn update(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
    FormBody(form): FormBody<UpdateForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    let input = AccountUpdate {
        display_name: form.display_name,
        is_active: form.active.is_some(),
        new_password: form.new_password,
        version: form.version,
    };
    accounts::update_account(&state.app, &page.actor, AccountId(id), &input).await?;
    Ok(see_other(&format!("/accounts/{id}")))
}

#[derive(Deserialize)]
pub struct GrantForm {
    csrf: String,
    role: String,
    unit_code: Option<String>,
    valid_from: Option<String>,
    valid_to: Option<String>,
}

pub async fn grant(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
    FormBody(form): FormBody<GrantForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    let unit_id = unit_by_code(&state, form.unit_code.as_deref(), "unit_id").await?;
    let input = GrantInput {
        role: Role::parse(&form.role).map_err(AppError::from)?,
        unit_id,
        valid_from: form_date(&form.valid_from, "valid_from")?,
        valid_to: form_date(&form.valid_to, "valid_to")?,
    };
    accounts::grant_role(&state.app, &page.actor, AccountId(id), &input).await?;
    Ok(see_other(&format!("/accounts/{id}")))
}

#[derive(Deserialize)]
pub struct BackForm {
    csrf: String,
    account_id: i64,
}

pub async fn revoke_grant(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
    FormBody(form): FormBody<BackForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    accounts::revoke_grant(&state.app, &page.actor, GrantId(id)).await?;
    Ok(see_other(&format!("/accounts/{}", form.account_id)))
}

#[derive(Deserialize)]
pub struct TokenForm {
    csrf: String,
    name: String,
    valid_days: Option<String>,
}

pub async fn issue_token(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
    Path(id): Path<i64>,
    FormBody(form): FormBody<TokenForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    let days = match form
        .valid_days
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(d) => Some(
            d.parse::<i64>()
                .map_err(|_| AppError::invalid("invalid", "valid_days"))?,
        ),
        None => None,
    };
    let issued =
        accounts::issue_token(&state.app, &page.actor, AccountId(id), &form.name, days).await?;
    detail_page(&state, &page, &uri, AccountId(id), Some(issued.secret)).await
}

pub async fn revoke_token(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
    FormBody(form): FormBody<BackForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    accounts::revoke_token(&state.app, &page.actor, TokenId(id)).await?;
    Ok(see_other(&format!("/accounts/{}", form.account_id)))
}
