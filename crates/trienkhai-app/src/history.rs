//! Reading the audit log: the full history of a unit, person or account, and any of them as it
//! was at a past instant. Reading history is its own right (inspectors and administrators).

use chrono::{DateTime, Utc};
use trienkhai_core::access::Action;
use trienkhai_core::ids::{AccountId, PersonId, UnitId};
use trienkhai_store::{audit, persons, units};

use crate::scope::{Trees, clamp, hide_missing};
use crate::{Actor, App, AppError, Result};

pub use audit::AuditEntry;

pub async fn unit_history(app: &App, actor: &Actor, unit: UnitId) -> Result<Vec<AuditEntry>> {
    let mut conn = app.db.reader().await?;
    units::get_unit(&mut conn, unit)
        .await
        .map_err(|e| hide_missing(actor, Action::ReadHistory, e.into()))?;
    Trees::shared(app)
        .require(&mut conn, actor, Action::ReadHistory, unit, app.today())
        .await?;
    Ok(audit::history(&mut conn, "unit", unit.0).await?)
}

pub async fn person_history(app: &App, actor: &Actor, person: PersonId) -> Result<Vec<AuditEntry>> {
    let mut conn = app.db.reader().await?;
    persons::get_person(&mut conn, person)
        .await
        .map_err(|e| hide_missing(actor, Action::ReadHistory, e.into()))?;
    if !actor.access.allows_everywhere(Action::ReadHistory) {
        let today = app.today();
        let mut trees = Trees::shared(app);
        let mut allowed = false;
        for post in persons::posts_of_person(&mut conn, person).await? {
            allowed |= trees
                .allows(
                    &mut conn,
                    actor,
                    Action::ReadHistory,
                    post.unit_id,
                    clamp(&post.validity, today),
                )
                .await?;
        }
        if !allowed {
            return Err(AppError::Forbidden);
        }
    }
    Ok(audit::history(&mut conn, "person", person.0).await?)
}

/// An account's history (its grants and tokens included): for whoever reads all history, for
/// its managers, and for the account itself.
pub async fn account_history(
    app: &App,
    actor: &Actor,
    account: AccountId,
) -> Result<Vec<AuditEntry>> {
    let allowed = actor.access.allows_everywhere(Action::ReadHistory)
        || actor.account_id == Some(account)
        || crate::accounts::can_manage_account(app, actor, account).await?;
    if !allowed {
        return Err(AppError::Forbidden);
    }
    let mut conn = app.db.reader().await?;
    Ok(audit::history(&mut conn, "account", account.0).await?)
}

/// The record as it stood at `at`, from the audit log (`None` if it did not exist yet).
pub async fn state_at(
    app: &App,
    actor: &Actor,
    entity_type: &str,
    id: i64,
    at: DateTime<Utc>,
) -> Result<Option<serde_json::Value>> {
    // The same right as reading the whole history of that record.
    match entity_type {
        "unit" => unit_history(app, actor, UnitId(id)).await.map(|_| ())?,
        "person" => person_history(app, actor, PersonId(id)).await.map(|_| ())?,
        "account" => account_history(app, actor, AccountId(id))
            .await
            .map(|_| ())?,
        _ => return Err(AppError::invalid("invalid", "entity_type")),
    }
    let mut conn = app.db.reader().await?;
    Ok(audit::state_at(&mut conn, entity_type, id, at).await?)
}

/// The latest changes anywhere: for those who read all history.
pub async fn recent_changes(
    app: &App,
    actor: &Actor,
    entity_type: Option<&str>,
    limit: i64,
) -> Result<Vec<AuditEntry>> {
    if !actor.access.allows_everywhere(Action::ReadHistory) {
        return Err(AppError::Forbidden);
    }
    let mut conn = app.db.reader().await?;
    Ok(audit::recent(&mut conn, entity_type, limit.clamp(1, 500)).await?)
}
