//! The small answers of commands (what was created, removed, issued), each a type so that the
//! OpenAPI document says what a client gets back.

use chrono::{DateTime, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::Serialize;
use trienkhai_app::Actor;
use trienkhai_app::reminders::Notification;
use trienkhai_core::access::Grant;
use trienkhai_core::reporting::Counted;

/// The record a command created or acted on.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Created {
    pub id: i64,
}

impl Created {
    pub fn of(id: impl Into<i64>) -> Self {
        Self { id: id.into() }
    }
}

/// The records a command created, in the order asked.
#[derive(Debug, Serialize, JsonSchema)]
pub struct CreatedMany {
    pub ids: Vec<i64>,
}

/// The record a command removed.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Removed {
    pub removed: i64,
}

/// The working-day exception a command removed.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RemovedDay {
    pub removed: NaiveDate,
}

/// A day of the working-day calendar as set.
#[derive(Debug, Serialize, JsonSchema)]
pub struct DaySet {
    pub day: NaiveDate,
    pub working: bool,
}

/// Which report states a plan's figures count, as set.
#[derive(Debug, Serialize, JsonSchema)]
pub struct CountingSet {
    pub counted: Counted,
}

/// The next free number for a document of a type.
#[derive(Debug, Serialize, JsonSchema)]
pub struct NextNumber {
    pub number: String,
}

/// A saved record's new version, to send with the next edit.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Saved {
    pub row_version: i64,
}

/// An API token, shown once.
#[derive(Debug, Serialize, JsonSchema)]
pub struct IssuedToken {
    pub id: i64,
    /// The bearer token; only its hash is kept.
    pub token: String,
}

/// A grant or a token revoked.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Revoked {
    pub id: i64,
    pub revoked: bool,
}

/// A webhook registered, with the secret its deliveries are signed with (shown once).
#[derive(Debug, Serialize, JsonSchema)]
pub struct WebhookCreated {
    pub id: i64,
    pub secret: String,
}

/// A delivery job put back in the queue.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Requeued {
    pub id: i64,
    /// Always `queued`.
    pub state: &'static str,
}

/// The caller's notifications, newest first.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Notifications {
    pub unread: i64,
    pub notifications: Vec<Notification>,
}

/// How many notifications are left unread.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Unread {
    pub unread: i64,
}

/// A record as it stood at an instant, from the audit trail.
#[derive(Debug, Serialize, JsonSchema)]
pub struct StateAt {
    pub entity_type: String,
    pub id: i64,
    pub at: DateTime<Utc>,
    /// The record's fields as they were; null before it existed.
    pub state: Option<serde_json::Value>,
}

/// Who is calling.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Me {
    pub account_id: Option<i64>,
    pub username: String,
    pub display_name: String,
    pub grants: Vec<Grant>,
}

impl Me {
    pub fn of(actor: &Actor) -> Self {
        Self {
            account_id: actor.account_id.map(|a| a.0),
            username: actor.username.clone(),
            display_name: actor.display_name.clone(),
            grants: actor.access.grants().to_vec(),
        }
    }
}
