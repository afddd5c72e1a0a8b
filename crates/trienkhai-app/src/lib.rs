//! Use cases shared by pages, API, CLI and jobs. Every function takes the acting [`Actor`],
//! checks what the actor may do through the domain's access rules, runs its writes in one
//! transaction and records each change in the audit log in that same transaction. Nothing above
//! this crate decides who may do what.

pub mod accounts;
pub mod auth;
pub mod calendars;
pub mod cascade;
pub mod commitments;
mod computed_values;
pub mod consolidated;
pub mod criteria;
pub mod criteria_assessments;
pub mod criteria_figures;
pub mod criteria_links;
pub mod criteria_overview;
pub mod criteria_table;
pub mod dashboard;
pub mod demo;
mod demo_criteria;
mod demo_people;
pub mod demo_plan;
mod demo_ratings;
mod demo_registrations;
mod document_access;
pub mod documents;
pub mod emulation;
pub mod error;
pub mod generate;
pub mod generate_people;
pub mod history;
pub mod org;
pub mod people;
pub mod personal;
pub mod rating_groups;
pub mod rating_quota;
pub mod rating_refresh;
pub mod rating_targets;
pub mod rating_tasks;
pub mod ratings;
pub mod registration_evidence;
pub mod registration_lists;
pub mod registrations;
pub mod reminders;
pub mod report_sheet;
pub mod reporting;
pub mod scope;
pub mod served;
pub mod study;
pub mod study_targets;
pub mod targets;
pub mod todo;
mod unit_cards;
pub mod work_item_takers;
pub mod work_items;

use chrono::{DateTime, NaiveDate, Utc};
use trienkhai_core::access::Access;
use trienkhai_core::ids::AccountId;
use trienkhai_store::Db;

pub use error::{AppError, Result};

/// The application: the database, and in memory only what is checked against it on every use
/// (the tree cache), so that several instances over one PostgreSQL never contradict each other.
#[derive(Clone, Debug)]
pub struct App {
    pub db: Db,
    /// Trees by date, checked against the database's tree generation on every use.
    trees: std::sync::Arc<scope::TreeCache>,
    /// Roll-ups by target and period, checked against the database on every use.
    rollups: std::sync::Arc<targets::RollupCache>,
    /// A dashboard's monthly headlines, checked against the plan's versions on every use.
    headlines: std::sync::Arc<dashboard::HeadlineCache>,
    /// Dashboards and figure lists served again while the change epoch has not moved.
    dashboards: std::sync::Arc<served::Served<dashboard::DashboardKey, dashboard::Dashboard>>,
    figure_lists: std::sync::Arc<served::Served<cascade::FiguresKey, Vec<cascade::TargetRow>>>,
    item_lists: std::sync::Arc<served::Served<work_items::ItemsKey, Vec<work_items::WorkItemView>>>,
    rollup_answers: std::sync::Arc<served::Served<targets::RollupKey, targets::RollupView>>,
    /// Attendance roll-ups of study sessions, and the "who has registered" lists.
    study_rollups: std::sync::Arc<served::Served<study::RollupKey, study::RollupFigures>>,
    registration_lists:
        std::sync::Arc<served::Served<registration_lists::ListKey, registration_lists::KeptList>>,
    /// Who is behind a session or a token, kept the same way.
    callers: std::sync::Arc<served::Served<auth::CallerKey, auth::Caller>>,
    /// When each account's last write ended (see [`App::note_write`]).
    writes:
        std::sync::Arc<std::sync::Mutex<std::collections::HashMap<AccountId, std::time::Instant>>>,
    /// Where `now` and `today` come from.
    clock: Clock,
}

/// What the application reads the time from: the system's; one a test sets and moves, so that
/// a test of "the next day" or "after the deadline" says so instead of sleeping; or the system's
/// shifted to another day (the demo played on a day of its story).
#[derive(Clone, Debug, Default)]
pub struct Clock(ClockSource);

#[derive(Clone, Debug, Default)]
enum ClockSource {
    #[default]
    System,
    Fixed(std::sync::Arc<std::sync::Mutex<DateTime<Utc>>>),
    Shifted(chrono::Duration),
}

impl Clock {
    /// A clock standing at `t` until set or moved.
    pub fn fixed(t: DateTime<Utc>) -> Self {
        Clock(ClockSource::Fixed(std::sync::Arc::new(
            std::sync::Mutex::new(t),
        )))
    }

    /// A clock that reads `t` now and runs with the system's from there.
    pub fn starting_at(t: DateTime<Utc>) -> Self {
        Clock(ClockSource::Shifted(t - Utc::now()))
    }

    pub fn now(&self) -> DateTime<Utc> {
        match &self.0 {
            ClockSource::System => Utc::now(),
            ClockSource::Fixed(t) => *t.lock().unwrap_or_else(std::sync::PoisonError::into_inner),
            ClockSource::Shifted(by) => Utc::now() + *by,
        }
    }

    /// Moves a fixed clock by `by` (the others move by themselves).
    pub fn advance(&self, by: chrono::Duration) {
        if let ClockSource::Fixed(t) = &self.0 {
            let mut t = t.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            *t += by;
        }
    }
}

impl App {
    pub fn new(db: Db) -> Self {
        Self {
            db,
            trees: Default::default(),
            rollups: Default::default(),
            headlines: Default::default(),
            dashboards: std::sync::Arc::new(
                served::Served::new(dashboard::DASHBOARDS_KEPT).with_grace(served::FIGURE_GRACE),
            ),
            figure_lists: std::sync::Arc::new(
                served::Served::new(cascade::FIGURE_LISTS_KEPT).with_grace(served::FIGURE_GRACE),
            ),
            item_lists: std::sync::Arc::new(
                served::Served::new(work_items::ITEM_LISTS_KEPT).with_grace(served::FIGURE_GRACE),
            ),
            rollup_answers: std::sync::Arc::new(
                served::Served::new(targets::ROLLUPS_KEPT).with_grace(served::FIGURE_GRACE),
            ),
            study_rollups: std::sync::Arc::new(
                served::Served::new(study::ROLLUPS_KEPT).with_grace(served::FIGURE_GRACE),
            ),
            registration_lists: std::sync::Arc::new(
                served::Served::new(registration_lists::LISTS_KEPT)
                    .with_grace(served::FIGURE_GRACE),
            ),
            callers: std::sync::Arc::new(served::Served::new(auth::CALLERS_KEPT)),
            writes: Default::default(),
            clock: Clock::default(),
        }
    }

    /// Records that `account`'s write has just ended (committed or refused): figures and lists
    /// started before now are no longer served to it within their grace, so whoever writes
    /// sees what they wrote.
    pub fn note_write(&self, account: AccountId) {
        let mut writes = self
            .writes
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if writes.len() >= 10_000 {
            writes.retain(|_, at| at.elapsed() < served::FIGURE_GRACE);
        }
        writes.insert(account, std::time::Instant::now());
    }

    /// When `account`'s last write ended, if this instance saw one.
    pub fn last_write_of(&self, account: AccountId) -> Option<std::time::Instant> {
        self.writes
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&account)
            .copied()
    }

    /// The same application reading its time from `clock`.
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// How the roll-ups read since start were made.
    pub fn rollup_counts(&self) -> targets::RollupCounts {
        self.rollups.counts()
    }

    /// Forgets the computed roll-ups (they are rebuilt on the next read): for measuring.
    pub fn clear_rollup_cache(&self) {
        self.rollups.clear();
        self.headlines.clear();
        self.dashboards.clear();
        self.figure_lists.clear();
        self.item_lists.clear();
        self.rollup_answers.clear();
    }

    /// Today in Vietnam (UTC+7): the date grants and "current" views are judged on.
    pub fn today(&self) -> NaiveDate {
        trienkhai_core::vn::time::date_of(self.now())
    }
}

/// Who is acting: an account and the grants in force today.
#[derive(Debug, Clone)]
pub struct Actor {
    pub account_id: Option<AccountId>,
    pub username: String,
    pub display_name: String,
    pub access: Access,
    /// May be served figures and lists up to [`served::FIGURE_GRACE`] old while the database
    /// moves on (a viewer's page or API read; the web layer sets it). Off for everything else
    /// (commands, tests, a write's own reads), which get exact answers.
    pub reads_recent: bool,
}

impl Actor {
    /// An audit-log entry of a change made by this actor.
    pub fn audit_entry<'a>(
        &'a self,
        action: &'a str,
        entity_type: &'a str,
        entity_id: i64,
        before: Option<serde_json::Value>,
        after: Option<serde_json::Value>,
    ) -> trienkhai_store::audit::NewAuditEntry<'a> {
        trienkhai_store::audit::NewAuditEntry {
            actor_account_id: self.account_id.map(|a| a.0),
            actor_label: &self.username,
            action,
            entity_type,
            entity_id,
            before,
            after,
        }
    }

    /// The actor of the command line and of the demo builder: an administrator of everything,
    /// recorded in the audit log under `label`.
    pub fn system(label: &str, today: NaiveDate) -> Self {
        use trienkhai_core::access::{Grant, Role};
        use trienkhai_core::ids::GrantId;
        use trienkhai_core::validity::Validity;
        let grant = Grant {
            id: GrantId(0),
            role: Role::Admin,
            unit_id: None,
            validity: Validity::open(NaiveDate::MIN),
        };
        Self {
            account_id: None,
            username: label.to_owned(),
            reads_recent: false,
            display_name: label.to_owned(),
            access: Access::new([grant], today),
        }
    }
}
