//! The quota each rule set applies when a group is decided (C12, DOMAIN.md §1.2): at most a
//! share of those rated, counted on a base, over a scope. The texts leave the reading open
//! (20% of those rated good or better, or of those finally good; per peer group or per
//! organisation), so the installation's administrator sets it per rule set; each change is
//! audited and guarded by its row version. A rule set nobody set uses the default.

use rust_decimal::Decimal;
use serde::Deserialize;
use trienkhai_core::access::Action;
use trienkhai_core::grading::RuleSet;
use trienkhai_core::grading::quota::{CountingBase, QuotaRule};
use trienkhai_store::audit;
use trienkhai_store::ratings as store;
pub use trienkhai_store::ratings::{QuotaScope, QuotaSetting};

use crate::{Actor, App, AppError, Result};

/// Every rule set's quota as it stands.
pub async fn settings(app: &App, _actor: &Actor) -> Result<Vec<QuotaSetting>> {
    let mut conn = app.db.reader().await?;
    let mut out = Vec::new();
    for rule_set in RuleSet::ALL {
        out.push(store::quota_setting(&mut conn, rule_set).await?);
    }
    Ok(out)
}

/// A change of one rule set's quota.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub struct QuotaInput {
    pub percent: Decimal,
    pub base: CountingBase,
    pub scope: QuotaScope,
    /// The setting's row version; none while the default is in use.
    pub expected_version: Option<i64>,
}

/// Sets a rule set's quota (the administrator); answers the new row version.
pub async fn set(app: &App, actor: &Actor, rule_set: RuleSet, input: &QuotaInput) -> Result<i64> {
    if !actor.access.allows_everywhere(Action::ManageStructure) {
        return Err(AppError::Forbidden);
    }
    let rule = QuotaRule::new(input.percent, input.base)?;
    let mut tx = app.db.begin().await?;
    let before = store::quota_setting(&mut tx, rule_set).await?;
    let after = QuotaSetting {
        rule_set,
        rule,
        scope: input.scope,
        row_version: None,
    };
    let v = store::set_quota_setting(&mut tx, &after, input.expected_version, app.now()).await?;
    audit::append(
        &mut tx,
        &actor.audit_entry(
            "update",
            "grading_quota_rule",
            0,
            serde_json::to_value(before).ok(),
            serde_json::to_value(after).ok(),
        ),
        app.now(),
    )
    .await?;
    trienkhai_store::commit(tx).await?;
    Ok(v)
}
