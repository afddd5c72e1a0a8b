//! API of logging in, accounts, grants, tokens and the change log.

use axum::Json;
use axum::extract::{Query, State};
use serde::Deserialize;
use trienkhai_app::accounts::{self, AccountUpdate, AccountView, GrantInput, NewAccount};
use trienkhai_app::auth;
use trienkhai_app::history::{self, AuditEntry};
use trienkhai_core::access::Role;
use trienkhai_core::ids::{AccountId, GrantId, TokenId, UnitId};

use super::{Api, Id, RouteDoc, optional_date};
use crate::AppState;
use crate::api::answers::{Created, IssuedToken, Me, Revoked, StateAt};
use crate::error::ApiError;
use crate::extract::{ApiActor, JsonBody};

/// How long a token from `POST /login` lives.
const LOGIN_TOKEN_DAYS: i64 = 1;

pub(super) fn routes(api: Api) -> Api {
    api.route(
        RouteDoc::new(
            "post",
            "/login",
            "auth",
            "Exchange a username and password for a bearer token",
        ),
        login,
    )
    .route(
        RouteDoc::new(
            "get",
            "/me",
            "auth",
            "The caller and the roles in force today",
        ),
        me,
    )
    .route(
        RouteDoc::new(
            "get",
            "/accounts",
            "accounts",
            "Accounts the caller manages",
        ),
        list,
    )
    .route(
        RouteDoc::new("post", "/accounts", "accounts", "Create an account"),
        create,
    )
    .route(
        RouteDoc::new(
            "get",
            "/accounts/{id}",
            "accounts",
            "An account with roles and tokens",
        ),
        detail,
    )
    .route(
        RouteDoc::new(
            "put",
            "/accounts/{id}",
            "accounts",
            "Update an account (needs the version read)",
        ),
        update,
    )
    .route(
        RouteDoc::new(
            "get",
            "/accounts/{id}/history",
            "accounts",
            "Every change of the account, its roles and tokens",
        ),
        account_history,
    )
    .route(
        RouteDoc::new(
            "post",
            "/accounts/{id}/grants",
            "accounts",
            "Grant a role over a unit's subtree (or everywhere) for a period",
        ),
        grant,
    )
    .route(
        RouteDoc::new("post", "/grants/{id}/revoke", "accounts", "Revoke a role"),
        revoke_grant,
    )
    .route(
        RouteDoc::new(
            "post",
            "/accounts/{id}/tokens",
            "accounts",
            "Issue an API token (its secret is returned once)",
        ),
        issue_token,
    )
    .route(
        RouteDoc::new(
            "post",
            "/tokens/{id}/revoke",
            "accounts",
            "Revoke an API token",
        ),
        revoke_token,
    )
    .route(
        RouteDoc::new(
            "get",
            "/audit",
            "audit",
            "The latest changes anywhere (for those who read all history)",
        ),
        audit,
    )
    .route(
        RouteDoc::new(
            "get",
            "/history/{entity_type}/{id}",
            "audit",
            "A unit, person or account as it stood at an instant (from the change log)",
        ),
        state_at,
    )
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct LoginBody {
    username: String,
    password: String,
}

async fn login(
    State(state): State<AppState>,
    crate::extract::ClientIp(client): crate::extract::ClientIp,
    JsonBody(body): JsonBody<LoginBody>,
) -> Result<Json<IssuedToken>, ApiError> {
    let account = auth::login(
        &state.app,
        &body.username,
        &body.password,
        &client.to_string(),
    )
    .await?;
    // The account issues its own token; the actor is the account itself.
    let mut conn = state
        .app
        .db
        .reader()
        .await
        .map_err(trienkhai_app::AppError::from)?;
    let actor = auth::load_actor(&state.app, &mut conn, account)
        .await?
        .ok_or(trienkhai_app::AppError::InvalidCredentials)?;
    drop(conn);
    let issued = accounts::issue_token(
        &state.app,
        &actor,
        account,
        "Đăng nhập API",
        Some(LOGIN_TOKEN_DAYS),
    )
    .await?;
    Ok(Json(IssuedToken {
        id: issued.id.0,
        token: issued.secret,
    }))
}

async fn me(ApiActor(actor): ApiActor) -> Json<Me> {
    Json(Me::of(&actor))
}

async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<AccountView>>, ApiError> {
    Ok(Json(accounts::list_accounts(&state.app, &actor).await?))
}

async fn detail(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
) -> Result<Json<AccountView>, ApiError> {
    Ok(Json(
        accounts::get_account(&state.app, &actor, AccountId(id)).await?,
    ))
}

async fn account_history(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
) -> Result<Json<Vec<AuditEntry>>, ApiError> {
    Ok(Json(
        history::account_history(&state.app, &actor, AccountId(id)).await?,
    ))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct NewAccountBody {
    username: String,
    display_name: String,
    password: String,
}

async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    JsonBody(body): JsonBody<NewAccountBody>,
) -> Result<Json<Created>, ApiError> {
    let input = NewAccount {
        username: body.username,
        display_name: body.display_name,
        password: body.password,
        person_id: None,
    };
    let id = accounts::create_account(&state.app, &actor, &input).await?;
    Ok(Json(Created::of(id)))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct UpdateBody {
    display_name: String,
    is_active: bool,
    new_password: Option<String>,
    version: i64,
}

async fn update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(body): JsonBody<UpdateBody>,
) -> Result<Json<AccountView>, ApiError> {
    let input = AccountUpdate {
        display_name: body.display_name,
        is_active: body.is_active,
        new_password: body.new_password,
        version: body.version,
    };
    accounts::update_account(&state.app, &actor, AccountId(id), &input).await?;
    Ok(Json(
        accounts::get_account(&state.app, &actor, AccountId(id)).await?,
    ))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct GrantBody {
    #[schemars(with = "trienkhai_core::access::Role")]
    role: String,
    unit_id: Option<i64>,
    #[schemars(with = "Option<chrono::NaiveDate>")]
    valid_from: Option<String>,
    #[schemars(with = "Option<chrono::NaiveDate>")]
    valid_to: Option<String>,
}

async fn grant(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(body): JsonBody<GrantBody>,
) -> Result<Json<Created>, ApiError> {
    let input = GrantInput {
        role: Role::parse(&body.role).map_err(trienkhai_app::AppError::from)?,
        unit_id: body.unit_id.map(UnitId),
        valid_from: optional_date(&body.valid_from, "valid_from")?,
        valid_to: optional_date(&body.valid_to, "valid_to")?,
    };
    let grant = accounts::grant_role(&state.app, &actor, AccountId(id), &input).await?;
    Ok(Json(Created::of(grant)))
}

async fn revoke_grant(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
) -> Result<Json<Revoked>, ApiError> {
    accounts::revoke_grant(&state.app, &actor, GrantId(id)).await?;
    Ok(Json(Revoked { id, revoked: true }))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct TokenBody {
    name: String,
    valid_days: Option<i64>,
}

async fn issue_token(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(body): JsonBody<TokenBody>,
) -> Result<Json<IssuedToken>, ApiError> {
    let issued = accounts::issue_token(
        &state.app,
        &actor,
        AccountId(id),
        &body.name,
        body.valid_days,
    )
    .await?;
    Ok(Json(IssuedToken {
        id: issued.id.0,
        token: issued.secret,
    }))
}

async fn revoke_token(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
) -> Result<Json<Revoked>, ApiError> {
    accounts::revoke_token(&state.app, &actor, TokenId(id)).await?;
    Ok(Json(Revoked { id, revoked: true }))
}

#[derive(Deserialize, schemars::JsonSchema)]
struct AtQuery {
    /// An instant (RFC 3339) or a date (the end of that day, Vietnam time); required.
    #[schemars(required)]
    at: Option<String>,
}

/// `at` as an instant: RFC 3339, or a date meaning the end of that day in Vietnam (UTC+7).
fn parse_at(input: Option<&str>) -> Result<chrono::DateTime<chrono::Utc>, ApiError> {
    let input = input
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError(trienkhai_app::AppError::invalid("required", "at")))?;
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(input) {
        return Ok(t.with_timezone(&chrono::Utc));
    }
    let day = optional_date(&Some(input.to_owned()), "at")?
        .ok_or_else(|| ApiError(trienkhai_app::AppError::invalid("required", "at")))?;
    Ok(crate::fmt::end_of_day_vn(day))
}

async fn state_at(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    axum::extract::Path((entity_type, id)): axum::extract::Path<(String, i64)>,
    Query(q): Query<AtQuery>,
) -> Result<Json<StateAt>, ApiError> {
    let at = parse_at(q.at.as_deref())?;
    let record = history::state_at(&state.app, &actor, &entity_type, id, at).await?;
    Ok(Json(StateAt {
        entity_type,
        id,
        at,
        state: record,
    }))
}

#[derive(Deserialize, schemars::JsonSchema)]
struct AuditQuery {
    /// Only changes of this kind of record: unit, person or account.
    entity_type: Option<String>,
    /// At most this many (1–500).
    limit: Option<i64>,
}

async fn audit(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(q): Query<AuditQuery>,
) -> Result<Json<Vec<AuditEntry>>, ApiError> {
    let entity_type = q.entity_type.as_deref().filter(|s| !s.is_empty());
    Ok(Json(
        history::recent_changes(&state.app, &actor, entity_type, q.limit.unwrap_or(100)).await?,
    ))
}
