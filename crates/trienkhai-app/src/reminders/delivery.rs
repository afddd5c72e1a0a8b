//! How reminders leave: the SMTP configuration, the e-mail digest and the signed webhook post,
//! each run as a database job with retries.

use super::*;
use crate::{App, Result};
use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use trienkhai_core::ids::AccountId;
use trienkhai_store::jobs;
use trienkhai_store::jobs::Job;
use trienkhai_store::notify::Notification;
use trienkhai_store::notify::{self};

/// How mail leaves: an SMTP server, as configured (`smtp://user:pass@host:port`, with
/// `?tls=starttls` or `?tls=wrapper`; none means plain, for a relay on loopback).
#[derive(Debug, Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    pub username: Option<String>,
    pub password: Option<String>,
    pub from: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    None,
    StartTls,
    Wrapper,
}

impl SmtpConfig {
    /// Reads `smtp://[user[:password]@]host[:port][?tls=starttls|wrapper]`.
    pub fn parse(url: &str, from: &str) -> std::result::Result<Self, String> {
        let parsed = reqwest::Url::parse(url).map_err(|e| format!("SMTP URL: {e}"))?;
        if parsed.scheme() != "smtp" {
            return Err("the SMTP URL starts with smtp://".into());
        }
        let tls = match parsed
            .query_pairs()
            .find(|(k, _)| k == "tls")
            .map(|(_, v)| v.into_owned())
            .as_deref()
        {
            None | Some("none") => SmtpTls::None,
            Some("starttls") => SmtpTls::StartTls,
            Some("wrapper") => SmtpTls::Wrapper,
            Some(other) => return Err(format!("unknown tls={other}")),
        };
        from.parse::<lettre::message::Mailbox>()
            .map_err(|e| format!("sender address: {e}"))?;
        Ok(Self {
            host: parsed
                .host_str()
                .ok_or("the SMTP URL has no host")?
                .to_owned(),
            port: parsed.port().unwrap_or(match tls {
                SmtpTls::Wrapper => 465,
                SmtpTls::StartTls => 587,
                SmtpTls::None => 25,
            }),
            tls,
            username: (!parsed.username().is_empty()).then(|| parsed.username().to_owned()),
            password: parsed.password().map(str::to_owned),
            from: from.to_owned(),
        })
    }
}

/// Where deliveries go: mail (when configured) and HTTP for webhooks.
#[derive(Clone)]
pub struct Delivery {
    pub smtp: Option<SmtpConfig>,
    pub http: reqwest::Client,
}

impl Delivery {
    pub fn new(smtp: Option<SmtpConfig>) -> Self {
        Self {
            smtp,
            http: reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(15))
                .build()
                .expect("an HTTP client"),
        }
    }

    async fn send_mail(
        &self,
        to: &str,
        subject: &str,
        body: String,
    ) -> std::result::Result<(), String> {
        use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
        let smtp = self
            .smtp
            .as_ref()
            .ok_or_else(|| "no SMTP server is configured".to_owned())?;
        let message = Message::builder()
            .from(smtp.from.parse().map_err(|e| format!("from: {e}"))?)
            .to(to.parse().map_err(|e| format!("to: {e}"))?)
            .subject(subject)
            .header(lettre::message::header::ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|e| e.to_string())?;
        let builder = match smtp.tls {
            SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host),
            SmtpTls::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host)
                .map_err(|e| e.to_string())?,
            SmtpTls::Wrapper => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host)
                .map_err(|e| e.to_string())?,
        };
        let mut builder = builder
            .port(smtp.port)
            .timeout(Some(std::time::Duration::from_secs(20)));
        if let (Some(u), Some(p)) = (&smtp.username, &smtp.password) {
            builder = builder.credentials(
                lettre::transport::smtp::authentication::Credentials::new(u.clone(), p.clone()),
            );
        }
        builder
            .build()
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

#[derive(Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub(super) struct DayPayload {
    pub(super) day: NaiveDate,
}

#[derive(Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub(super) struct DigestPayload {
    pub(super) day: NaiveDate,
    pub(super) account_id: i64,
}

#[derive(Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub(super) struct WebhookPayload {
    pub(super) day: NaiveDate,
    pub(super) webhook_id: i64,
}

/// Runs the jobs that are due, up to `max`, as `worker`; returns how many ran (done or
/// failed). A job's error is recorded on it and the job retried later.
pub async fn run_due_jobs(
    app: &App,
    delivery: &Arc<Delivery>,
    worker: &str,
    max: usize,
) -> Result<usize> {
    let mut ran = 0;
    while ran < max {
        let Some(job) =
            jobs::claim(&app.db, worker, app.now(), Duration::minutes(LEASE_MINUTES)).await?
        else {
            break;
        };
        ran += 1;
        let outcome = run_job(app, delivery, &job).await;
        let mut tx = app.db.begin().await?;
        match outcome {
            Ok(()) => jobs::finish(&mut tx, job.id, worker, app.now()).await?,
            Err(e) => {
                tracing::warn!(job = job.id, kind = %job.kind, error = %e, "job failed");
                jobs::fail(&mut tx, &job, worker, &e, app.now()).await?;
            }
        }
        trienkhai_store::commit(tx).await?;
    }
    Ok(ran)
}

pub(super) async fn run_job(
    app: &App,
    delivery: &Delivery,
    job: &Job,
) -> std::result::Result<(), String> {
    match job.kind.as_str() {
        "reminders" => {
            let p: DayPayload = serde_json::from_str(&job.payload).map_err(|e| e.to_string())?;
            run_day(app, p.day)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string())
        }
        "digest" => {
            let p: DigestPayload = serde_json::from_str(&job.payload).map_err(|e| e.to_string())?;
            send_digest(app, delivery, p.day, AccountId(p.account_id)).await
        }
        "webhook" => {
            let p: WebhookPayload =
                serde_json::from_str(&job.payload).map_err(|e| e.to_string())?;
            post_webhook(app, delivery, p.day, p.webhook_id).await
        }
        other => Err(format!("unknown job kind {other}")),
    }
}

/// The day's digest of one person: one e-mail listing every reminder of the day.
pub(super) async fn send_digest(
    app: &App,
    delivery: &Delivery,
    day: NaiveDate,
    account: AccountId,
) -> std::result::Result<(), String> {
    let mut conn = app.db.reader().await.map_err(|e| e.to_string())?;
    let prefs = notify::preferences(&mut conn, account)
        .await
        .map_err(|e| e.to_string())?;
    let (Some(to), true) = (prefs.email, prefs.daily_digest) else {
        return Ok(());
    };
    let items: Vec<Notification> = notify::notifications_of_day(&mut conn, account, day)
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter(|n| n.email)
        .collect();
    if items.is_empty() {
        return Ok(());
    }
    drop(conn);
    let subject = format!(
        "[trienkhai] Nhắc việc ngày {} ({} mục)",
        trienkhai_core::vn::format_date(day),
        items.len()
    );
    let mut body = format!(
        "Các việc cần lưu ý ngày {}:\n\n",
        trienkhai_core::vn::format_date(day)
    );
    for n in &items {
        body.push_str(&format!(
            "- {}\n  {}\n",
            n.title,
            n.link.as_deref().unwrap_or("")
        ));
    }
    body.push_str(
        "\nThư tự động từ trienkhai; đổi địa chỉ nhận hoặc tắt thư tổng hợp ở trang Thông báo.\n",
    );
    delivery.send_mail(&to, &subject, body).await
}

/// The signature of a webhook body: `sha256=` and the hex HMAC-SHA256 with the hook's secret.
pub fn webhook_signature(secret: &str, body: &[u8]) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(body);
    let bytes = mac.finalize().into_bytes();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

/// Posts the day's webhook reminders to one hook, signed; a non-2xx answer is a failure.
pub(super) async fn post_webhook(
    app: &App,
    delivery: &Delivery,
    day: NaiveDate,
    webhook: i64,
) -> std::result::Result<(), String> {
    let mut conn = app.db.reader().await.map_err(|e| e.to_string())?;
    let Some(hook) = notify::webhooks(&mut conn)
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .find(|w| w.id == webhook && w.active)
    else {
        return Ok(());
    };
    let items = notify::webhook_notifications_of_day(&mut conn, day)
        .await
        .map_err(|e| e.to_string())?;
    drop(conn);
    let body = serde_json::to_vec(&serde_json::json!({
        "event": "reminders",
        "day": day,
        "reminders": items.iter().map(|n| serde_json::json!({
            "account_id": n.account_id, "title": n.title, "link": n.link,
        })).collect::<Vec<_>>(),
    }))
    .map_err(|e| e.to_string())?;
    let answer = delivery
        .http
        .post(&hook.url)
        .header("content-type", "application/json")
        .header(
            "x-trienkhai-signature",
            webhook_signature(&hook.secret, &body),
        )
        .body(body)
        .send()
        .await
        .map_err(|e| format!("{}: {e}", hook.url))?;
    if !answer.status().is_success() {
        return Err(format!("{} answered {}", hook.url, answer.status()));
    }
    Ok(())
}
