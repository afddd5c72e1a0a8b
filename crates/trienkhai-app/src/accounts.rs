//! Use cases of accounts, role grants and API tokens. An administrator of the whole
//! installation manages every account; an administrator of a subtree manages the accounts whose
//! grants all lie in that subtree, and grants roles only there.

use chrono::{Duration, NaiveDate};
use serde::Serialize;
use trienkhai_core::access::{Action, Role};
use trienkhai_core::ids::{AccountId, GrantId, PersonId, TokenId, UnitId};
use trienkhai_core::validity::Validity;
use trienkhai_store::{Conn, accounts, audit, sessions, units};

use crate::auth::{self, check_new_password, normalize_username};
use crate::scope::Trees;
use crate::{Actor, App, AppError, Result};

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct GrantView {
    pub id: GrantId,
    pub role: Role,
    pub unit_id: Option<UnitId>,
    pub unit_name: Option<String>,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub revoked: bool,
    pub in_force: bool,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct AccountView {
    pub id: AccountId,
    pub username: String,
    pub display_name: String,
    pub person_id: Option<PersonId>,
    pub is_active: bool,
    pub row_version: i64,
    pub grants: Vec<GrantView>,
    pub tokens: Vec<accounts::TokenRow>,
}

async fn grant_views(
    conn: &mut Conn,
    account: AccountId,
    today: NaiveDate,
) -> Result<Vec<GrantView>> {
    let mut out = Vec::new();
    for g in accounts::grants_of(conn, account).await? {
        let unit_name = match g.unit_id {
            Some(u) => units::versions_of(conn, u)
                .await?
                .last()
                .map(|v| v.name.clone()),
            None => None,
        };
        out.push(GrantView {
            id: g.id,
            role: g.role,
            unit_id: g.unit_id,
            unit_name,
            valid_from: g.validity.from,
            valid_to: g.validity.to,
            revoked: g.revoked_at.is_some(),
            in_force: g.revoked_at.is_none() && g.validity.contains(today),
        });
    }
    Ok(out)
}

/// May `actor` manage `account`? Everywhere-admins always; subtree admins when the account has
/// live grants and every one of them lies in their subtree.
async fn can_manage(
    conn: &mut Conn,
    trees: &mut Trees,
    actor: &Actor,
    account: AccountId,
    today: NaiveDate,
) -> Result<bool> {
    if actor.access.allows_everywhere(Action::ManageAccounts) {
        return Ok(true);
    }
    if !actor.access.allows_somewhere(Action::ManageAccounts) {
        return Ok(false);
    }
    let grants = accounts::live_grants_of(conn, account).await?;
    // An account without grants belongs to no subtree yet: only administrators of everything
    // may set it up (else a subtree administrator could plant a token before it is promoted).
    if grants.is_empty() {
        return Ok(false);
    }
    for g in grants {
        let Some(unit) = g.unit_id else {
            return Ok(false);
        };
        if !trees
            .allows(conn, actor, Action::ManageAccounts, unit, today)
            .await?
        {
            return Ok(false);
        }
    }
    Ok(true)
}

pub async fn list_accounts(app: &App, actor: &Actor) -> Result<Vec<AccountView>> {
    let today = app.today();
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    let mut out = Vec::new();
    for a in accounts::list_accounts(&mut conn).await? {
        if can_manage(&mut conn, &mut trees, actor, a.id, today).await? {
            out.push(AccountView {
                id: a.id,
                username: a.username,
                display_name: a.display_name,
                person_id: a.person_id,
                is_active: a.is_active,
                row_version: a.row_version,
                grants: grant_views(&mut conn, a.id, today).await?,
                tokens: Vec::new(),
            });
        }
    }
    Ok(out)
}

/// An account's detail: its owner or a manager may see it.
pub async fn get_account(app: &App, actor: &Actor, id: AccountId) -> Result<AccountView> {
    let today = app.today();
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    let a = accounts::get_account(&mut conn, id).await?;
    if actor.account_id != Some(id) && !can_manage(&mut conn, &mut trees, actor, id, today).await? {
        return Err(AppError::Forbidden);
    }
    Ok(AccountView {
        id: a.id,
        username: a.username,
        display_name: a.display_name,
        person_id: a.person_id,
        is_active: a.is_active,
        row_version: a.row_version,
        grants: grant_views(&mut conn, id, today).await?,
        tokens: accounts::tokens_of(&mut conn, id).await?,
    })
}

pub async fn can_manage_account(app: &App, actor: &Actor, id: AccountId) -> Result<bool> {
    let mut conn = app.db.reader().await?;
    can_manage(&mut conn, &mut Trees::shared(app), actor, id, app.today()).await
}

async fn audit_account(
    tx: &mut Conn,
    app: &App,
    actor: &Actor,
    action: &str,
    id: AccountId,
    before: Option<serde_json::Value>,
) -> Result<()> {
    let after = account_snapshot(tx, id).await?;
    audit::append(
        tx,
        &actor.audit_entry(action, "account", id.0, before, Some(after)),
        app.now(),
    )
    .await?;
    Ok(())
}

/// What the audit log keeps of an account: never the password hash or token digests.
async fn account_snapshot(conn: &mut Conn, id: AccountId) -> Result<serde_json::Value> {
    let a = accounts::get_account(conn, id).await?;
    let grants = accounts::grants_of(conn, id).await?;
    let tokens = accounts::tokens_of(conn, id).await?;
    Ok(serde_json::json!({ "account": a, "grants": grants, "tokens": tokens }))
}

#[derive(Debug, Clone, Default)]
pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub person_id: Option<PersonId>,
}

pub async fn create_account(app: &App, actor: &Actor, input: &NewAccount) -> Result<AccountId> {
    if !actor.access.allows_everywhere(Action::ManageAccounts) {
        return Err(AppError::Forbidden);
    }
    create_account_unchecked(app, actor, input, true).await
}

/// Creates an account without asking for the actor's rights: for the command line, which is
/// the operator of the machine, and for the demo. `check_password` lets the demo keep `demo`.
pub async fn create_account_unchecked(
    app: &App,
    actor: &Actor,
    input: &NewAccount,
    check_password: bool,
) -> Result<AccountId> {
    let username = normalize_username(&input.username)?;
    let display_name = trienkhai_core::org::parse_name(&input.display_name, "display_name", 120)?;
    if check_password {
        check_new_password(&input.password)?;
    }
    let hash = auth::hash_password(&input.password)?;
    let mut tx = app.db.begin().await?;
    let id = match accounts::insert_account(
        &mut tx,
        &username,
        &display_name,
        &hash,
        input.person_id,
        app.now(),
    )
    .await
    {
        Err(trienkhai_store::StoreError::Duplicate(_)) => {
            return Err(AppError::invalid("username_taken", "username"));
        }
        other => other?,
    };
    audit_account(&mut tx, app, actor, "create", id, None).await?;
    trienkhai_store::commit(tx).await?;
    Ok(id)
}

#[derive(Debug, Clone, Default)]
pub struct AccountUpdate {
    pub display_name: String,
    pub is_active: bool,
    pub new_password: Option<String>,
    pub version: i64,
}

pub async fn update_account(
    app: &App,
    actor: &Actor,
    id: AccountId,
    input: &AccountUpdate,
) -> Result<()> {
    let display_name = trienkhai_core::org::parse_name(&input.display_name, "display_name", 120)?;
    let new_hash = match input.new_password.as_deref().filter(|p| !p.is_empty()) {
        Some(p) => {
            check_new_password(p)?;
            Some(auth::hash_password(p)?)
        }
        None => None,
    };
    // Serialised with every other change of who administers (see `keep_an_administrator`).
    let mut tx = app.db.begin_structural().await?;
    if !can_manage(&mut tx, &mut Trees::default(), actor, id, app.today()).await? {
        return Err(AppError::Forbidden);
    }
    if !input.is_active {
        keep_an_administrator(&mut tx, app.today(), Leaving::Account(id)).await?;
    }
    let before = account_snapshot(&mut tx, id).await?;
    match accounts::update_account(
        &mut tx,
        id,
        &display_name,
        input.is_active,
        new_hash.as_deref(),
        input.version,
    )
    .await
    {
        Err(trienkhai_store::StoreError::Conflict) => {
            return Err(AppError::Conflict {
                current: Some(before),
            });
        }
        other => other?,
    };
    if new_hash.is_some() || !input.is_active {
        // A new password or a disabled account ends every way in: sessions and API tokens.
        sessions::delete_sessions_of(&mut tx, id).await?;
        accounts::revoke_tokens_of(&mut tx, id, false, app.now()).await?;
    }
    audit_account(&mut tx, app, actor, "update", id, Some(before)).await?;
    trienkhai_store::commit(tx).await?;
    Ok(())
}

#[derive(Debug, Clone)]
pub struct GrantInput {
    pub role: Role,
    pub unit_id: Option<UnitId>,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
}

pub async fn grant_role(
    app: &App,
    actor: &Actor,
    account: AccountId,
    input: &GrantInput,
) -> Result<GrantId> {
    let today = app.today();
    let validity = Validity::new(input.valid_from.unwrap_or(today), input.valid_to)?;
    let mut tx = app.db.begin().await?;
    accounts::get_account(&mut tx, account).await?;
    let mut trees = Trees::default();
    if !can_manage(&mut tx, &mut trees, actor, account, today).await? {
        return Err(AppError::Forbidden);
    }
    match input.unit_id {
        None if !actor.access.allows_everywhere(Action::ManageAccounts) => {
            return Err(AppError::Forbidden);
        }
        None => {}
        Some(unit) => {
            trees
                .require(&mut tx, actor, Action::ManageAccounts, unit, today)
                .await?;
            if units::versions_of(&mut tx, unit).await?.is_empty() {
                return Err(AppError::invalid("unit_not_found", "unit_id"));
            }
        }
    }
    let before = account_snapshot(&mut tx, account).await?;
    let now = app.now();
    let id = accounts::insert_grant(
        &mut tx,
        account,
        input.role,
        input.unit_id,
        validity,
        actor.account_id,
        now,
    )
    .await?;
    // New rights must not flow to tokens someone else issued for this account before.
    accounts::revoke_tokens_of(&mut tx, account, true, now).await?;
    audit_account(&mut tx, app, actor, "grant_role", account, Some(before)).await?;
    trienkhai_store::commit(tx).await?;
    Ok(id)
}

/// Grants a role without asking for the actor's rights (command line and demo only).
pub async fn grant_role_unchecked(
    app: &App,
    actor: &Actor,
    account: AccountId,
    input: &GrantInput,
) -> Result<GrantId> {
    let validity = Validity::new(
        input
            .valid_from
            .unwrap_or(NaiveDate::from_ymd_opt(2000, 1, 1).expect("date")),
        input.valid_to,
    )?;
    let mut tx = app.db.begin().await?;
    let before = account_snapshot(&mut tx, account).await?;
    let id = accounts::insert_grant(
        &mut tx,
        account,
        input.role,
        input.unit_id,
        validity,
        actor.account_id,
        app.now(),
    )
    .await?;
    audit_account(&mut tx, app, actor, "grant_role", account, Some(before)).await?;
    trienkhai_store::commit(tx).await?;
    Ok(id)
}

/// What a change takes away from the installation's administrators.
enum Leaving {
    Account(AccountId),
    Grant(GrantId),
}

/// Refuses a change that would leave no active administrator of everything: no one could then
/// create accounts, grant roles or undo the change. Callers hold the structural lock, so two
/// administrators removing each other at once cannot both succeed.
async fn keep_an_administrator(
    tx: &mut trienkhai_store::Tx,
    today: NaiveDate,
    leaving: Leaving,
) -> Result<()> {
    let admins = accounts::installation_admin_grants(tx, today).await?;
    let goes = |(grant, account): &(GrantId, AccountId)| match leaving {
        Leaving::Account(id) => *account == id,
        Leaving::Grant(id) => *grant == id,
    };
    if admins.iter().any(goes) && admins.iter().all(goes) {
        let field = match leaving {
            Leaving::Account(_) => "is_active",
            Leaving::Grant(_) => "grant",
        };
        return Err(AppError::invalid("last_admin", field));
    }
    Ok(())
}

pub async fn revoke_grant(app: &App, actor: &Actor, grant: GrantId) -> Result<()> {
    let today = app.today();
    let mut tx = app.db.begin_structural().await?;
    let row = accounts::get_grant(&mut tx, grant).await?;
    let mut trees = Trees::default();
    let allowed = match row.unit_id {
        None => actor.access.allows_everywhere(Action::ManageAccounts),
        Some(unit) => {
            trees
                .allows(&mut tx, actor, Action::ManageAccounts, unit, today)
                .await?
        }
    };
    if !allowed || !can_manage(&mut tx, &mut trees, actor, row.account_id, today).await? {
        return Err(AppError::Forbidden);
    }
    keep_an_administrator(&mut tx, today, Leaving::Grant(grant)).await?;
    let before = account_snapshot(&mut tx, row.account_id).await?;
    if accounts::revoke_grant(&mut tx, grant, actor.account_id, app.now()).await? {
        audit_account(
            &mut tx,
            app,
            actor,
            "revoke_role",
            row.account_id,
            Some(before),
        )
        .await?;
    }
    trienkhai_store::commit(tx).await?;
    Ok(())
}

/// A new API token: the secret is shown once and stored only as a digest.
pub struct IssuedToken {
    pub id: TokenId,
    pub secret: String,
}

pub async fn issue_token(
    app: &App,
    actor: &Actor,
    account: AccountId,
    name: &str,
    valid_days: Option<i64>,
) -> Result<IssuedToken> {
    let name = trienkhai_core::org::parse_name(name, "name", 80)?;
    if let Some(days) = valid_days
        && !(1..=3650).contains(&days)
    {
        return Err(AppError::invalid("out_of_range", "valid_days"));
    }
    let mut tx = app.db.begin().await?;
    accounts::get_account(&mut tx, account).await?;
    if actor.account_id != Some(account)
        && !can_manage(&mut tx, &mut Trees::default(), actor, account, app.today()).await?
    {
        return Err(AppError::Forbidden);
    }
    let secret = format!("tk_{}", auth::random_secret());
    let prefix: String = secret.chars().take(10).collect();
    let before = account_snapshot(&mut tx, account).await?;
    let now = app.now();
    let expires = valid_days.map(|d| now + Duration::days(d));
    let issue = accounts::TokenIssue {
        issued_by: actor.account_id,
        expires_at: expires,
        now,
    };
    let id = accounts::insert_token(
        &mut tx,
        account,
        &name,
        &auth::digest(&secret),
        &prefix,
        issue,
    )
    .await?;
    audit_account(&mut tx, app, actor, "issue_token", account, Some(before)).await?;
    trienkhai_store::commit(tx).await?;
    Ok(IssuedToken { id, secret })
}

pub async fn revoke_token(app: &App, actor: &Actor, token: TokenId) -> Result<()> {
    let mut tx = app.db.begin().await?;
    let row = accounts::get_token(&mut tx, token).await?;
    if actor.account_id != Some(row.account_id)
        && !can_manage(
            &mut tx,
            &mut Trees::default(),
            actor,
            row.account_id,
            app.today(),
        )
        .await?
    {
        return Err(AppError::Forbidden);
    }
    let before = account_snapshot(&mut tx, row.account_id).await?;
    if accounts::revoke_token(&mut tx, token, app.now()).await? {
        audit_account(
            &mut tx,
            app,
            actor,
            "revoke_token",
            row.account_id,
            Some(before),
        )
        .await?;
    }
    trienkhai_store::commit(tx).await?;
    Ok(())
}

/// The first administrator of a real installation (`trienkhai user create --admin`).
pub async fn bootstrap_admin(
    app: &App,
    username: &str,
    display_name: &str,
    password: &str,
) -> Result<AccountId> {
    let actor = Actor::system("cli", app.today());
    let id = create_account_unchecked(
        app,
        &actor,
        &NewAccount {
            username: username.into(),
            display_name: display_name.into(),
            password: password.into(),
            person_id: None,
        },
        true,
    )
    .await?;
    grant_role_unchecked(
        app,
        &actor,
        id,
        &GrantInput {
            role: Role::Admin,
            unit_id: None,
            valid_from: Some(app.today()),
            valid_to: None,
        },
    )
    .await?;
    Ok(id)
}
