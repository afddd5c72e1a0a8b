//! Reminders (C8, C13): a plan's policies (how many days before a deadline, after a period
//! ends, or every so many days once overdue; reporters, reviewers or both), worked out once a
//! day into in-app notifications, then one e-mail digest per person and one post per webhook
//! rather than a flood. Items whose deadline has just passed are announced the same way, and
//! the rating season's deadlines ([`season`]).
//!
//! The day's work runs as database jobs ([`trienkhai_store::jobs`]): several instances share
//! them, a failed delivery is retried with back-off and stays visible to administrators.

mod delivery;
mod nudge;
mod season;
pub use delivery::*;
pub use nudge::nudge;

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;
use trienkhai_core::access::Action;
use trienkhai_core::ids::{AccountId, DocumentId, UnitId};
use trienkhai_core::period::Period;
use trienkhai_core::work_item::State;
use trienkhai_store::jobs;
use trienkhai_store::notify::{self, NewNotification};
use trienkhai_store::{StoreError, audit, documents, reports, work_items};

use crate::documents::readable;
use crate::scope::Trees;
use crate::{Actor, App, AppError, Result};

/// The records of this use case, as the web layer sees them.
pub use trienkhai_store::jobs::Job;
pub use trienkhai_store::notify::{Notification, Policy, Preferences, Webhook};

/// How long a worker holds a claimed job before another may take it over.
const LEASE_MINUTES: i64 = 10;

pub const POLICY_KINDS: [&str; 3] = ["before_deadline", "after_period_end", "overdue"];
pub const AUDIENCES: [&str; 3] = ["reporters", "reviewers", "both"];

/// A plan's reminder policy as entered.
#[derive(Debug, Clone)]
pub struct PolicyInput {
    pub kind: String,
    pub days: i64,
    pub audience: String,
    pub email: bool,
    pub webhook: bool,
}

/// Adds a reminder policy to a plan (its editors).
pub async fn add_policy(
    app: &App,
    actor: &Actor,
    document: DocumentId,
    input: &PolicyInput,
) -> Result<i64> {
    if !POLICY_KINDS.contains(&input.kind.as_str()) {
        return Err(AppError::invalid("invalid", "kind"));
    }
    if !AUDIENCES.contains(&input.audience.as_str()) {
        return Err(AppError::invalid("invalid", "audience"));
    }
    let min = if input.kind == "overdue" { 1 } else { 0 };
    if !(min..=60).contains(&input.days) {
        return Err(AppError::Invalid(
            trienkhai_core::error::DomainError::new("out_of_range", "days").with_detail("0–60"),
        ));
    }
    let mut tx = app.db.begin().await?;
    // No structural change here: the shared trees (checked against the tree generation) are safe.
    let mut trees = Trees::shared(app);
    crate::documents::plan_for_edit(&mut tx, &mut trees, actor, document).await?;
    let id = match notify::insert_policy(
        &mut tx,
        &notify::NewPolicy {
            document_id: document,
            kind: &input.kind,
            days: input.days,
            audience: &input.audience,
            email: input.email,
            webhook: input.webhook,
        },
        app.now(),
    )
    .await
    {
        Err(StoreError::Duplicate(_)) => return Err(AppError::invalid("duplicate", "kind")),
        other => other?,
    };
    audit::append(
        &mut tx,
        &actor.audit_entry(
            "add_reminder_policy",
            "document",
            document.0,
            None,
            Some(serde_json::json!({
                "policy": id, "kind": input.kind, "days": input.days, "audience": input.audience,
                "email": input.email, "webhook": input.webhook,
            })),
        ),
        app.now(),
    )
    .await?;
    trienkhai_store::commit(tx).await?;
    Ok(id)
}

/// Removes a reminder policy (the plan's editors).
pub async fn remove_policy(app: &App, actor: &Actor, document: DocumentId, id: i64) -> Result<()> {
    let mut tx = app.db.begin().await?;
    // No structural change here: the shared trees (checked against the tree generation) are safe.
    let mut trees = Trees::shared(app);
    crate::documents::plan_for_edit(&mut tx, &mut trees, actor, document).await?;
    let policy = notify::get_policy(&mut tx, id).await?;
    if policy.document_id != document {
        return Err(AppError::NotFound);
    }
    notify::delete_policy(&mut tx, id).await?;
    audit::append(
        &mut tx,
        &actor.audit_entry(
            "remove_reminder_policy",
            "document",
            document.0,
            Some(serde_json::to_value(&policy).unwrap_or_default()),
            None,
        ),
        app.now(),
    )
    .await?;
    trienkhai_store::commit(tx).await?;
    Ok(())
}

/// A plan's reminder policies, for whoever may read the plan.
pub async fn policies(app: &App, actor: &Actor, document: DocumentId) -> Result<Vec<Policy>> {
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    readable(&mut conn, &mut trees, actor, document, app.today()).await?;
    Ok(notify::policies(&mut conn, Some(document)).await?)
}

fn require_account(actor: &Actor) -> Result<AccountId> {
    actor.account_id.ok_or(AppError::Forbidden)
}

/// The actor's own notifications, newest first, and how many are unread.
pub async fn my_notifications(app: &App, actor: &Actor) -> Result<(Vec<Notification>, i64)> {
    let account = require_account(actor)?;
    let mut conn = app.db.reader().await?;
    Ok((
        notify::notifications_of(&mut conn, account, 200).await?,
        notify::unread_count(&mut conn, account).await?,
    ))
}

pub async fn unread_count(app: &App, actor: &Actor) -> Result<i64> {
    let Some(account) = actor.account_id else {
        return Ok(0);
    };
    let mut conn = app.db.reader().await?;
    Ok(notify::unread_count(&mut conn, account).await?)
}

pub async fn mark_all_read(app: &App, actor: &Actor) -> Result<()> {
    let account = require_account(actor)?;
    let mut tx = app.db.begin().await?;
    notify::mark_read(&mut tx, account, app.now()).await?;
    trienkhai_store::commit(tx).await?;
    Ok(())
}

pub async fn my_preferences(app: &App, actor: &Actor) -> Result<Preferences> {
    let account = require_account(actor)?;
    let mut conn = app.db.reader().await?;
    Ok(notify::preferences(&mut conn, account).await?)
}

/// Sets where the actor's digest goes (an address checked for shape) and whether it is sent.
pub async fn set_my_preferences(
    app: &App,
    actor: &Actor,
    email: Option<&str>,
    daily_digest: bool,
) -> Result<()> {
    let account = require_account(actor)?;
    let email = email.map(str::trim).filter(|e| !e.is_empty());
    if let Some(e) = email {
        let ok = e.len() <= 254
            && !e.chars().any(|c| c.is_whitespace() || c.is_control())
            && e.parse::<lettre::Address>().is_ok();
        if !ok {
            return Err(AppError::invalid("email_invalid", "email"));
        }
    }
    let prefs = Preferences {
        email: email.map(str::to_owned),
        daily_digest,
    };
    let mut tx = app.db.begin().await?;
    let before = notify::preferences(&mut tx, account).await?;
    notify::set_preferences(&mut tx, account, &prefs, app.now()).await?;
    audit::append(
        &mut tx,
        &actor.audit_entry(
            "set_preferences",
            "account",
            account.0,
            Some(serde_json::to_value(&before).unwrap_or_default()),
            Some(serde_json::to_value(&prefs).unwrap_or_default()),
        ),
        app.now(),
    )
    .await?;
    trienkhai_store::commit(tx).await?;
    Ok(())
}

fn require_admin(actor: &Actor) -> Result<()> {
    if actor.access.allows_everywhere(Action::ManageAccounts) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Registers a webhook (administrators); its signing secret is returned once.
pub async fn add_webhook(app: &App, actor: &Actor, url: &str) -> Result<(i64, String)> {
    require_admin(actor)?;
    let url = url.trim();
    let parsed = reqwest::Url::parse(url).map_err(|_| AppError::invalid("url_invalid", "url"))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(AppError::invalid("url_invalid", "url"));
    }
    let secret = crate::auth::random_secret();
    let mut tx = app.db.begin().await?;
    let id = notify::insert_webhook(&mut tx, url, &secret, app.now()).await?;
    audit::append(
        &mut tx,
        &actor.audit_entry(
            "add_webhook",
            "webhook",
            id,
            None,
            Some(serde_json::json!({ "url": url })),
        ),
        app.now(),
    )
    .await?;
    trienkhai_store::commit(tx).await?;
    Ok((id, secret))
}

pub async fn set_webhook_active(app: &App, actor: &Actor, id: i64, active: bool) -> Result<()> {
    require_admin(actor)?;
    let mut tx = app.db.begin().await?;
    notify::set_webhook_active(&mut tx, id, active).await?;
    audit::append(
        &mut tx,
        &actor.audit_entry(
            "set_webhook",
            "webhook",
            id,
            None,
            Some(serde_json::json!({ "active": active })),
        ),
        app.now(),
    )
    .await?;
    trienkhai_store::commit(tx).await?;
    Ok(())
}

pub async fn webhooks(app: &App, actor: &Actor) -> Result<Vec<Webhook>> {
    require_admin(actor)?;
    let mut conn = app.db.reader().await?;
    Ok(notify::webhooks(&mut conn).await?)
}

/// The latest jobs with their state and last error (administrators).
pub async fn recent_jobs(app: &App, actor: &Actor) -> Result<Vec<Job>> {
    require_admin(actor)?;
    let mut conn = app.db.reader().await?;
    Ok(jobs::recent_jobs(&mut conn, 200).await?)
}

/// Queues a failed job again (administrators).
pub async fn retry_job(app: &App, actor: &Actor, id: i64) -> Result<()> {
    require_admin(actor)?;
    let mut tx = app.db.begin().await?;
    match jobs::retry(&mut tx, id, app.now()).await {
        Err(StoreError::Conflict) => {
            return Err(AppError::invalid("job_not_failed", "id"));
        }
        other => other?,
    }
    audit::append(
        &mut tx,
        &actor.audit_entry("retry", "job", id, None, None),
        app.now(),
    )
    .await?;
    trienkhai_store::commit(tx).await?;
    Ok(())
}

/// Queues the reminders of `day` (once, whatever the number of instances asking).
pub async fn schedule_day(app: &App, day: NaiveDate) -> Result<bool> {
    let mut tx = app.db.begin().await?;
    let id = jobs::enqueue(
        &mut tx,
        "reminders",
        &serde_json::to_string(&DayPayload { day }).unwrap_or_default(),
        Some(&format!("reminders:{day}")),
        app.now(),
        app.now(),
    )
    .await?;
    trienkhai_store::commit(tx).await?;
    Ok(id.is_some())
}

/// What the day's reminders gave: notifications created, digests and posts queued.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct DayOutcome {
    pub notifications: usize,
    pub digests: usize,
    pub webhook_posts: usize,
}

/// One reminder to give: to whom, about what.
struct Reminder {
    accounts: Vec<AccountId>,
    title: String,
    link: String,
    key: String,
    email: bool,
    webhook: bool,
}

/// Works out the reminders of `day` into notifications, and queues one digest per person
/// notified by e-mail and one post per active webhook.
pub async fn run_day(app: &App, day: NaiveDate) -> Result<DayOutcome> {
    let system = Actor::system("reminders", day);
    let mut conn = app.db.reader().await?;
    let all = notify::policies(&mut conn, None).await?;
    drop(conn);
    let mut by_document: BTreeMap<i64, Vec<Policy>> = BTreeMap::new();
    for p in all {
        by_document.entry(p.document_id.0).or_default().push(p);
    }
    let mut reminders: Vec<Reminder> = Vec::new();
    for (document, policies) in &by_document {
        let document = DocumentId(*document);
        reminders.extend(report_reminders(app, &system, document, policies, day).await?);
        reminders.extend(overdue_item_reminders(app, document, policies, day).await?);
    }
    reminders.extend(season::rating_season_reminders(app, day).await?);
    let mut outcome = DayOutcome::default();
    let mut digests: HashSet<AccountId> = HashSet::new();
    let mut any_webhook = false;
    let mut tx = app.db.begin().await?;
    for r in &reminders {
        for account in &r.accounts {
            let given = notify::notify(
                &mut tx,
                &NewNotification {
                    account_id: *account,
                    day,
                    title: &r.title,
                    link: Some(&r.link),
                    dedupe_key: &format!("{}:{}", r.key, account.0),
                    email: r.email,
                    webhook: r.webhook,
                },
                app.now(),
            )
            .await?;
            if given {
                outcome.notifications += 1;
                if r.email {
                    digests.insert(*account);
                }
                any_webhook |= r.webhook;
            }
        }
    }
    for account in &digests {
        let payload = DigestPayload {
            day,
            account_id: account.0,
        };
        if jobs::enqueue(
            &mut tx,
            "digest",
            &serde_json::to_string(&payload).unwrap_or_default(),
            Some(&format!("digest:{day}:{}", account.0)),
            app.now(),
            app.now(),
        )
        .await?
        .is_some()
        {
            outcome.digests += 1;
        }
    }
    if any_webhook {
        for hook in notify::webhooks(&mut tx)
            .await?
            .into_iter()
            .filter(|w| w.active)
        {
            let payload = WebhookPayload {
                day,
                webhook_id: hook.id,
            };
            if jobs::enqueue(
                &mut tx,
                "webhook",
                &serde_json::to_string(&payload).unwrap_or_default(),
                Some(&format!("webhook:{day}:{}", hook.id)),
                app.now(),
                app.now(),
            )
            .await?
            .is_some()
            {
                outcome.webhook_posts += 1;
            }
        }
    }
    trienkhai_store::commit(tx).await?;
    Ok(outcome)
}

/// The periods of a plan's calendars whose reports may be due around `day`.
async fn periods_around(app: &App, document: DocumentId, day: NaiveDate) -> Result<Vec<Period>> {
    let mut conn = app.db.reader().await?;
    let mut out = Vec::new();
    for c in reports::calendars_of(&mut conn, document).await? {
        for p in c.cadence.periods(c.first_year, c.last_year) {
            let end = p.dates().1;
            if end >= day - Duration::days(400) && end <= day + Duration::days(62) {
                out.push(p);
            }
        }
    }
    Ok(out)
}

async fn report_reminders(
    app: &App,
    system: &Actor,
    document: DocumentId,
    policies: &[Policy],
    day: NaiveDate,
) -> Result<Vec<Reminder>> {
    let mut out = Vec::new();
    let number = {
        let mut conn = app.db.reader().await?;
        documents::get_document(&mut conn, document).await?.number
    };
    for period in periods_around(app, document, day).await? {
        let list =
            crate::reporting::reports_judged_on(app, system, document, period, None, day, None)
                .await?;
        let end = period.dates().1;
        for unit in list.units.iter().filter(|u| !u.received) {
            for p in policies {
                let due = match p.kind.as_str() {
                    "before_deadline" => unit.deadline - Duration::days(p.days) == day,
                    "after_period_end" => end + Duration::days(p.days) == day,
                    _ => {
                        let late = (day - unit.deadline).num_days();
                        late > 0 && p.days > 0 && late % p.days == 0
                    }
                };
                if !due {
                    continue;
                }
                let accounts =
                    audience_of(app, unit.unit_id, unit.parent_id, &p.audience, day).await?;
                if accounts.is_empty() {
                    continue;
                }
                let when = trienkhai_core::vn::format_date(unit.deadline);
                let title = if p.kind == "overdue" {
                    format!(
                        "Quá hạn báo cáo {number} kỳ {period} của {}: hạn {when}",
                        unit.unit_name
                    )
                } else {
                    format!(
                        "Nhắc báo cáo {number} kỳ {period} của {}: hạn {when}",
                        unit.unit_name
                    )
                };
                let link = match unit.report_id {
                    Some(r) => format!("/reports/{r}"),
                    None => format!("/documents/{}/reports?period={period}", document.0),
                };
                out.push(Reminder {
                    accounts,
                    title,
                    link,
                    key: format!("report:{}:{}:{period}:{day}", p.id, unit.unit_id.0),
                    email: p.email,
                    webhook: p.webhook,
                });
            }
        }
    }
    Ok(out)
}

/// Items of the plan whose deadline passed yesterday without being done: their lead unit's
/// staff are told, once.
async fn overdue_item_reminders(
    app: &App,
    document: DocumentId,
    policies: &[Policy],
    day: NaiveDate,
) -> Result<Vec<Reminder>> {
    let email = policies.iter().any(|p| p.email);
    let webhook = policies.iter().any(|p| p.webhook);
    let mut conn = app.db.reader().await?;
    let requests = work_items::requests_of_document(&mut conn, document).await?;
    let mut out = Vec::new();
    for item in work_items::all_items_of_document(&mut conn, document).await? {
        if item.deadline + Duration::days(1) != day {
            continue;
        }
        let none = Vec::new();
        let state = crate::work_items::schedule_of(&item, requests.get(&item.id).unwrap_or(&none))
            .state_on(day);
        if state != State::Overdue {
            continue;
        }
        let accounts = notify::accounts_granted_at(
            &mut conn,
            item.lead_unit_id,
            &["editor", "reporter", "admin"],
            day,
        )
        .await?;
        if accounts.is_empty() {
            continue;
        }
        out.push(Reminder {
            accounts,
            title: format!(
                "Đầu việc {} đã quá hạn ({}): {}",
                item.code,
                trienkhai_core::vn::format_date(item.deadline),
                item.title
            ),
            link: format!("/work-items/{}", item.id.0),
            key: format!("item-overdue:{}", item.id.0),
            email,
            webhook,
        });
    }
    Ok(out)
}

async fn audience_of(
    app: &App,
    unit: UnitId,
    parent: Option<UnitId>,
    audience: &str,
    day: NaiveDate,
) -> Result<Vec<AccountId>> {
    let mut conn = app.db.reader().await?;
    let mut out = Vec::new();
    if matches!(audience, "reporters" | "both") {
        out.extend(
            notify::accounts_granted_at(&mut conn, unit, &["editor", "reporter", "admin"], day)
                .await?,
        );
    }
    if matches!(audience, "reviewers" | "both")
        && let Some(parent) = parent
    {
        out.extend(
            notify::accounts_granted_at(&mut conn, parent, &["editor", "admin"], day).await?,
        );
    }
    out.sort_by_key(|a| a.0);
    out.dedup();
    Ok(out)
}

/// The background loop of a server: every `every`, queues the day's reminders once it is past
/// `hour` o'clock in Vietnam, then runs what is due. Several instances may run it at once.
pub async fn background_loop(
    app: App,
    delivery: Arc<Delivery>,
    worker: String,
    every: std::time::Duration,
    hour: u32,
) {
    loop {
        let now: DateTime<Utc> = app.now();
        let local = trienkhai_core::vn::time::local(now);
        if chrono::Timelike::hour(&local) >= hour
            && let Err(e) = schedule_day(&app, app.today()).await
        {
            tracing::warn!(error = %e, "reminders not scheduled");
        }
        if let Err(e) = run_due_jobs(&app, &delivery, &worker, 100).await {
            tracing::warn!(error = %e, "jobs not run");
        }
        tokio::time::sleep(every).await;
    }
}
