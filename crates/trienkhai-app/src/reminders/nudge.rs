//! A reviewer's nudge ("Nhắc"): the district presses it beside a commune whose report has not
//! arrived, and the commune's editors and reporters find it in their notifications. Once a day
//! per unit and period is enough: pressing again the same day tells no one twice.

use trienkhai_core::access::Action;
use trienkhai_core::ids::{DocumentId, UnitId};
use trienkhai_core::period::Period;
use trienkhai_core::reporting::ReportState;
use trienkhai_store::notify::{self, NewNotification};
use trienkhai_store::{audit, documents, reports};

use crate::scope::{Trees, hide_missing};
use crate::{Actor, App, AppError, Result};

/// Who a nudge reaches in the unit.
const NUDGED_ROLES: [&str; 3] = ["editor", "reporter", "admin"];

/// Tells `unit`'s editors and reporters that its report of `document` for `period` is awaited.
/// Only a reviewer of the unit's reports (an editor of the unit it reports to) may, only for a
/// period of the plan's calendars, and only while the report has not arrived. Returns how many
/// accounts were told now (0 when they were already told today).
pub async fn nudge(
    app: &App,
    actor: &Actor,
    document: DocumentId,
    unit: UnitId,
    period: Period,
) -> Result<usize> {
    let today = app.today();
    let mut tx = app.db.begin().await?;
    let mut trees = Trees::shared(app);
    let doc = documents::get_document(&mut tx, document)
        .await
        .map_err(|e| hide_missing(actor, Action::Read, e.into()))?;
    crate::reporting::calendar_for(&mut tx, document, period).await?;
    let day = period.tree_date();
    let tree = trees.at(&mut tx, day).await?;
    let version = tree
        .get(unit)
        .ok_or_else(|| AppError::invalid("unit_not_found", "unit_id"))?;
    let reviewer = match version.parent_id {
        Some(parent) => {
            trees
                .allows(&mut tx, actor, Action::EditContent, parent, day)
                .await?
        }
        None => false,
    };
    if !reviewer {
        return Err(AppError::Forbidden);
    }
    let report = reports::current_report(&mut tx, document, unit, period).await?;
    if report
        .as_ref()
        .is_some_and(|r| matches!(r.state, ReportState::Submitted | ReportState::Accepted))
    {
        return Err(AppError::invalid("report_already_received", "unit_id"));
    }
    let title = format!(
        "Nhắc: đề nghị {} gửi báo cáo {} {}",
        version.name,
        doc.number,
        period.label_vi()
    );
    let link = report
        .as_ref()
        .map_or_else(|| "/".to_owned(), |r| format!("/reports/{}", r.id));
    let mut told = 0;
    for account in notify::accounts_granted_at(&mut tx, unit, &NUDGED_ROLES, today).await? {
        told += usize::from(
            notify::notify(
                &mut tx,
                &NewNotification {
                    account_id: account,
                    day: today,
                    title: &title,
                    link: Some(&link),
                    dedupe_key: &format!(
                        "nudge:{}:{}:{period}:{today}:{}",
                        document.0, unit.0, account.0
                    ),
                    email: false,
                    webhook: false,
                },
                app.now(),
            )
            .await?,
        );
    }
    audit::append(
        &mut tx,
        &actor.audit_entry(
            "remind",
            "document",
            document.0,
            None,
            Some(serde_json::json!({
                "number": doc.number,
                "unit": version.name,
                "period": period.to_string(),
                "told": told,
            })),
        ),
        app.now(),
    )
    .await?;
    trienkhai_store::commit(tx).await?;
    Ok(told)
}
