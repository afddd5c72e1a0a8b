//! Year-end ratings (C12): one active rating per subject and year, the rule set it used, the
//! tasks, the assessors' inputs and the engine's explanation as they were when appraised
//! (JSON: their shape is the rule set's), the decided level and the decision's own steps (the
//! quota), and its life. A rating is saved whole under its row version, so two assessors never
//! overwrite each other; a cancelled one is kept. Also the quota rule each rule set uses.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use sqlx::AnyConnection;
use trienkhai_core::grading::appraisal::{Appraisal, Evaluation, Task};
use trienkhai_core::grading::quota::{CountingBase, QuotaRule};
use trienkhai_core::grading::workflow::RatingState;
use trienkhai_core::grading::{Level, RuleSet, Step, Subject};
use trienkhai_core::ids::{AccountId, PersonId, UnitId};

use crate::sql::{self, RowExt};
use crate::{Result, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Rating {
    pub id: i64,
    pub year: i32,
    pub subject: Subject,
    /// The organisation rated, or the unit the person is rated in (their cell).
    pub unit_id: UnitId,
    pub person_id: Option<PersonId>,
    /// Those with similar roles, compared with each other for the quota.
    pub peer_group: String,
    pub rule_set: RuleSet,
    pub state: RatingState,
    pub self_level: Option<Level>,
    pub self_note: Option<String>,
    pub self_assessed_at: Option<DateTime<Utc>>,
    pub appraisal: Option<Appraisal>,
    /// The tasks as the records had them when appraised.
    pub tasks: Vec<Task>,
    pub evaluation: Option<Evaluation>,
    pub appraised_at: Option<DateTime<Utc>>,
    pub appraised_by: Option<AccountId>,
    /// The decided level (none when decided as not rated: an exclusion).
    pub level: Option<Level>,
    /// What the decision itself changed (the quota), said.
    pub decision_steps: Vec<Step>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by: Option<AccountId>,
    pub notified_at: Option<DateTime<Utc>>,
    pub published_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub cancelled_by: Option<AccountId>,
    pub cancel_reason: Option<String>,
    /// The cancelled rating this one re-rates.
    pub replaces_id: Option<i64>,
    pub row_version: i64,
}

impl Rating {
    /// A new self-assessment (or an appraisal opened without one), not yet saved.
    pub fn new(
        year: i32,
        subject: Subject,
        unit_id: UnitId,
        person_id: Option<PersonId>,
        rule_set: RuleSet,
    ) -> Rating {
        Rating {
            id: 0,
            year,
            subject,
            unit_id,
            person_id,
            peer_group: String::new(),
            rule_set,
            state: RatingState::SelfAssessed,
            self_level: None,
            self_note: None,
            self_assessed_at: None,
            appraisal: None,
            tasks: Vec::new(),
            evaluation: None,
            appraised_at: None,
            appraised_by: None,
            level: None,
            decision_steps: Vec::new(),
            decided_at: None,
            decided_by: None,
            notified_at: None,
            published_at: None,
            cancelled_at: None,
            cancelled_by: None,
            cancel_reason: None,
            replaces_id: None,
            row_version: 1,
        }
    }
}

const COLUMNS: &str = "id, year, subject, unit_id, person_id, peer_group, rule_set, state, \
     self_level, self_note, self_assessed_at, appraisal, tasks, evaluation, appraised_at, \
     appraised_by, level, decision_steps, decided_at, decided_by, notified_at, published_at, \
     cancelled_at, cancelled_by, cancel_reason, replaces_id, row_version";

fn corrupt(e: impl ToString) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

fn json<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(corrupt)
}

fn opt_json<T: serde::de::DeserializeOwned>(s: Option<String>) -> Result<Option<T>> {
    s.map(|s| serde_json::from_str(&s).map_err(corrupt))
        .transpose()
}

fn opt_level(s: Option<String>) -> Result<Option<Level>> {
    s.map(|s| Level::parse(&s).map_err(corrupt)).transpose()
}

fn from_row(r: &sqlx::any::AnyRow) -> Result<Rating> {
    Ok(Rating {
        id: r.int("id")?,
        year: i32::try_from(r.int("year")?).map_err(corrupt)?,
        subject: Subject::parse(&r.text("subject")?).map_err(corrupt)?,
        unit_id: UnitId(r.int("unit_id")?),
        person_id: r.opt_int("person_id")?.map(PersonId),
        peer_group: r.text("peer_group")?,
        rule_set: RuleSet::parse(&r.text("rule_set")?).map_err(corrupt)?,
        state: RatingState::parse(&r.text("state")?).map_err(corrupt)?,
        self_level: opt_level(r.opt_text("self_level")?)?,
        self_note: r.opt_text("self_note")?,
        self_assessed_at: r.opt_instant("self_assessed_at")?,
        appraisal: opt_json(r.opt_text("appraisal")?)?,
        tasks: opt_json(r.opt_text("tasks")?)?.unwrap_or_default(),
        evaluation: opt_json(r.opt_text("evaluation")?)?,
        appraised_at: r.opt_instant("appraised_at")?,
        appraised_by: r.opt_int("appraised_by")?.map(AccountId),
        level: opt_level(r.opt_text("level")?)?,
        decision_steps: opt_json(r.opt_text("decision_steps")?)?.unwrap_or_default(),
        decided_at: r.opt_instant("decided_at")?,
        decided_by: r.opt_int("decided_by")?.map(AccountId),
        notified_at: r.opt_instant("notified_at")?,
        published_at: r.opt_instant("published_at")?,
        cancelled_at: r.opt_instant("cancelled_at")?,
        cancelled_by: r.opt_int("cancelled_by")?.map(AccountId),
        cancel_reason: r.opt_text("cancel_reason")?,
        replaces_id: r.opt_int("replaces_id")?,
        row_version: r.int("row_version")?,
    })
}

/// The columns a save writes, in order from `$1`.
const MUTABLE: [&str; 22] = [
    "peer_group",
    "rule_set",
    "state",
    "self_level",
    "self_note",
    "self_assessed_at",
    "appraisal",
    "tasks",
    "evaluation",
    "appraised_at",
    "appraised_by",
    "level",
    "decision_steps",
    "decided_at",
    "decided_by",
    "notified_at",
    "published_at",
    "cancelled_at",
    "cancelled_by",
    "cancel_reason",
    "replaces_id",
    "updated_at",
];

fn bind_mutable<'q>(
    q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    r: &Rating,
    now: DateTime<Utc>,
) -> Result<sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>> {
    let at = |t: Option<DateTime<Utc>>| t.map(sql::instant);
    Ok(q.bind(r.peer_group.clone())
        .bind(r.rule_set.as_str())
        .bind(r.state.as_str())
        .bind(r.self_level.map(Level::as_str))
        .bind(r.self_note.clone())
        .bind(at(r.self_assessed_at))
        .bind(r.appraisal.as_ref().map(json).transpose()?)
        .bind(json(&r.tasks)?)
        .bind(r.evaluation.as_ref().map(json).transpose()?)
        .bind(at(r.appraised_at))
        .bind(r.appraised_by.map(|a| a.0))
        .bind(r.level.map(Level::as_str))
        .bind(json(&r.decision_steps)?)
        .bind(at(r.decided_at))
        .bind(r.decided_by.map(|a| a.0))
        .bind(at(r.notified_at))
        .bind(at(r.published_at))
        .bind(at(r.cancelled_at))
        .bind(r.cancelled_by.map(|a| a.0))
        .bind(r.cancel_reason.clone())
        .bind(r.replaces_id)
        .bind(sql::instant(now)))
}

/// Saves a new rating; a second active one for the same subject and year is a duplicate.
pub async fn insert_rating(
    conn: &mut AnyConnection,
    r: &Rating,
    now: DateTime<Utc>,
) -> Result<i64> {
    let n = MUTABLE.len();
    let params: Vec<String> = (1..=n + 5).map(|i| format!("${i}")).collect();
    let query = format!(
        "INSERT INTO ratings ({}, year, subject, unit_id, person_id, created_at) \
         VALUES ({}) RETURNING id",
        MUTABLE.join(", "),
        params.join(", ")
    );
    let q = bind_mutable(sqlx::query(&query), r, now)?
        .bind(i64::from(r.year))
        .bind(r.subject.as_str())
        .bind(r.unit_id.0)
        .bind(r.person_id.map(|p| p.0))
        .bind(sql::instant(now));
    let row = q.fetch_one(conn).await.map_err(StoreError::classify)?;
    row.int("id")
}

/// Saves a rating whole if it is still at `expected_version`; answers the new version.
pub async fn save_rating(
    conn: &mut AnyConnection,
    r: &Rating,
    expected_version: i64,
    now: DateTime<Utc>,
) -> Result<i64> {
    let n = MUTABLE.len();
    let sets: Vec<String> = MUTABLE
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{c} = ${}", i + 1))
        .collect();
    let query = format!(
        "UPDATE ratings SET {}, row_version = row_version + 1 \
         WHERE id = ${} AND row_version = ${} RETURNING row_version",
        sets.join(", "),
        n + 1,
        n + 2
    );
    let row = bind_mutable(sqlx::query(&query), r, now)?
        .bind(r.id)
        .bind(expected_version)
        .fetch_optional(&mut *conn)
        .await
        .map_err(StoreError::classify)?;
    match row {
        Some(row) => row.int("row_version"),
        None => {
            get_rating(conn, r.id).await?;
            Err(StoreError::Conflict)
        }
    }
}

/// What the records give a rating anew: its tasks and the engine's evaluation of them, as
/// the JSON text stored.
#[derive(Debug, Clone)]
pub struct Derived<'a> {
    pub id: i64,
    pub expected_version: i64,
    pub tasks_json: &'a str,
    pub evaluation_json: &'a str,
}

/// Ratings written by one statement of [`save_derived`]: SQLite finds each numbered parameter
/// by walking the statement's list of them, so a statement's cost grows with the square of its
/// parameters; 128 rows (256 parameters, the ids written as numbers) keep that small and the
/// round trips few.
const DERIVED_PER_STATEMENT: usize = 128;

/// Writes the tasks and evaluation of many ratings, each under its version check, many to a
/// statement (one statement per rating would make a province's ratings wait on round trips);
/// answers the ids written, the others having changed meanwhile.
pub async fn save_derived(
    conn: &mut AnyConnection,
    list: &[Derived<'_>],
    now: DateTime<Utc>,
) -> Result<Vec<i64>> {
    let mut written = Vec::with_capacity(list.len());
    for chunk in list.chunks(DERIVED_PER_STATEMENT) {
        // Ids and versions are integers the database made: written into the text, as
        // `sql::id_list` does, they spare half the parameters.
        let values: Vec<String> = chunk
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let n = 2 * i + 2;
                format!(
                    "(CAST({} AS BIGINT), CAST({} AS BIGINT), ${n}, ${})",
                    d.id,
                    d.expected_version,
                    n + 1
                )
            })
            .collect();
        // UPDATE … FROM a VALUES list: both backends read it the same way, each rating found
        // by its key. The list's columns are named apart from the table's, so that nothing
        // in SET or RETURNING is ambiguous.
        let query = format!(
            "WITH v(rid, expected, new_tasks, new_evaluation) AS (VALUES {}) \
             UPDATE ratings SET tasks = v.new_tasks, evaluation = v.new_evaluation, \
             row_version = row_version + 1, updated_at = $1 \
             FROM v WHERE id = v.rid AND row_version = v.expected RETURNING id",
            values.join(", ")
        );
        let mut q = sqlx::query(&query).bind(sql::instant(now));
        for d in chunk {
            q = q.bind(d.tasks_json).bind(d.evaluation_json);
        }
        for row in q
            .fetch_all(&mut *conn)
            .await
            .map_err(StoreError::classify)?
        {
            written.push(row.int("id")?);
        }
    }
    Ok(written)
}

/// An appraised rating as a refresh reads it: what the engine needs, and its tasks and
/// evaluation as the stored JSON text (compared as text, so that a province's explanations
/// need not be parsed to find the few that change).
#[derive(Debug, Clone)]
pub struct AppraisedRating {
    pub id: i64,
    pub row_version: i64,
    pub subject: Subject,
    pub unit_id: UnitId,
    pub person_id: Option<PersonId>,
    pub rule_set: RuleSet,
    pub appraisal: Option<Appraisal>,
    pub tasks_json: String,
    pub evaluation_json: Option<String>,
    /// The person's admission to the party (a member's exclusions are judged on it).
    pub admitted_on: Option<chrono::NaiveDate>,
}

/// The appraised (not yet decided) ratings of a year in `units`, by id.
pub async fn appraised_in_units(
    conn: &mut AnyConnection,
    units: &[UnitId],
    year: i32,
) -> Result<Vec<AppraisedRating>> {
    let mut out = Vec::new();
    for chunk in units.chunks(500) {
        let list = sql::id_list(chunk.iter().map(|u| u.0));
        let rows = sqlx::query(&format!(
            "SELECT r.id, r.row_version, r.subject, r.unit_id, r.person_id, r.rule_set, \
             r.appraisal, r.tasks, r.evaluation, p.party_admitted_on \
             FROM ratings r LEFT JOIN persons p ON p.id = r.person_id \
             WHERE r.unit_id IN ({list}) AND r.year = $1 AND r.state = 'appraised'"
        ))
        .bind(i64::from(year))
        .fetch_all(&mut *conn)
        .await?;
        for r in &rows {
            out.push(AppraisedRating {
                id: r.int("id")?,
                row_version: r.int("row_version")?,
                subject: Subject::parse(&r.text("subject")?).map_err(corrupt)?,
                unit_id: UnitId(r.int("unit_id")?),
                person_id: r.opt_int("person_id")?.map(PersonId),
                rule_set: RuleSet::parse(&r.text("rule_set")?).map_err(corrupt)?,
                appraisal: opt_json(r.opt_text("appraisal")?)?,
                tasks_json: r.opt_text("tasks")?.unwrap_or_else(|| "[]".into()),
                evaluation_json: r.opt_text("evaluation")?,
                admitted_on: r.opt_date("party_admitted_on")?,
            });
        }
    }
    out.sort_by_key(|r| r.id);
    Ok(out)
}

pub async fn get_rating(conn: &mut AnyConnection, id: i64) -> Result<Rating> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM ratings WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    from_row(&row)
}

/// The subject's rating of a year that is not cancelled, if any.
pub async fn active_rating(
    conn: &mut AnyConnection,
    year: i32,
    subject: Subject,
    unit: UnitId,
    person: Option<PersonId>,
) -> Result<Option<Rating>> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM ratings WHERE year = $1 AND subject = $2 AND unit_id = $3 \
         AND COALESCE(person_id, 0) = $4 AND state <> 'cancelled'"
    ))
    .bind(i64::from(year))
    .bind(subject.as_str())
    .bind(unit.0)
    .bind(person.map_or(0, |p| p.0))
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// Every rating of a year (cancelled ones too) of subjects in `units`, oldest first.
pub async fn ratings_in_units(
    conn: &mut AnyConnection,
    units: &[UnitId],
    year: i32,
) -> Result<Vec<Rating>> {
    let mut out = Vec::new();
    for chunk in units.chunks(500) {
        let list = sql::id_list(chunk.iter().map(|u| u.0));
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM ratings WHERE unit_id IN ({list}) AND year = $1 ORDER BY id"
        ))
        .bind(i64::from(year))
        .fetch_all(&mut *conn)
        .await?;
        for r in &rows {
            out.push(from_row(r)?);
        }
    }
    Ok(out)
}

/// A person's ratings over the years (as a member and as a civil servant), oldest first.
pub async fn ratings_of_person(conn: &mut AnyConnection, person: PersonId) -> Result<Vec<Rating>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM ratings WHERE person_id = $1 ORDER BY year, id"
    ))
    .bind(person.0)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// An organisation's own ratings over the years, oldest first.
pub async fn ratings_of_organisation(
    conn: &mut AnyConnection,
    unit: UnitId,
) -> Result<Vec<Rating>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM ratings WHERE unit_id = $1 AND subject = 'organisation' \
         ORDER BY year, id"
    ))
    .bind(unit.0)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// Where decided ratings of `subject` stand: each (unit, year) once.
pub async fn units_and_years(
    conn: &mut AnyConnection,
    subject: Subject,
) -> Result<Vec<(UnitId, i32)>> {
    let rows = sqlx::query(
        "SELECT DISTINCT unit_id, year FROM ratings WHERE subject = $1 \
         AND state IN ('decided', 'notified', 'published') ORDER BY unit_id, year",
    )
    .bind(subject.as_str())
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                UnitId(r.int("unit_id")?),
                i32::try_from(r.int("year")?).map_err(corrupt)?,
            ))
        })
        .collect()
}

/// Where the quota is counted: each peer group of an organisation, or the organisation whole.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum QuotaScope {
    PeerGroup,
    Organisation,
}

/// A rule set's quota as configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct QuotaSetting {
    pub rule_set: RuleSet,
    pub rule: QuotaRule,
    pub scope: QuotaScope,
    /// None while the default is in use.
    pub row_version: Option<i64>,
}

impl QuotaSetting {
    pub fn default_for(rule_set: RuleSet) -> QuotaSetting {
        QuotaSetting {
            rule_set,
            rule: QuotaRule::TWENTY_PERCENT,
            scope: QuotaScope::PeerGroup,
            row_version: None,
        }
    }
}

fn base_str(b: CountingBase) -> &'static str {
    match b {
        CountingBase::GoodOrBetter => "good_or_better",
        CountingBase::FinallyGood => "finally_good",
    }
}

/// The quota a rule set uses: its row, or the default.
pub async fn quota_setting(conn: &mut AnyConnection, rule_set: RuleSet) -> Result<QuotaSetting> {
    let row = sqlx::query(
        "SELECT percent, base, scope, row_version FROM grading_quota_rules WHERE rule_set = $1",
    )
    .bind(rule_set.as_str())
    .fetch_optional(conn)
    .await?;
    let Some(row) = row else {
        return Ok(QuotaSetting::default_for(rule_set));
    };
    let percent: Decimal = row.text("percent")?.parse().map_err(corrupt)?;
    let base = match row.text("base")?.as_str() {
        "finally_good" => CountingBase::FinallyGood,
        _ => CountingBase::GoodOrBetter,
    };
    let scope = match row.text("scope")?.as_str() {
        "organisation" => QuotaScope::Organisation,
        _ => QuotaScope::PeerGroup,
    };
    Ok(QuotaSetting {
        rule_set,
        rule: QuotaRule::new(percent, base).map_err(|e| corrupt(e.code))?,
        scope,
        row_version: Some(row.int("row_version")?),
    })
}

/// Sets a rule set's quota if it is still at `expected_version` (none: the default was read).
pub async fn set_quota_setting(
    conn: &mut AnyConnection,
    s: &QuotaSetting,
    expected_version: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64> {
    let scope = match s.scope {
        QuotaScope::PeerGroup => "peer_group",
        QuotaScope::Organisation => "organisation",
    };
    let row = match expected_version {
        None => sqlx::query(
            "INSERT INTO grading_quota_rules (rule_set, percent, base, scope, updated_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING row_version",
        )
        .bind(s.rule_set.as_str())
        .bind(s.rule.percent.normalize().to_string())
        .bind(base_str(s.rule.base))
        .bind(scope)
        .bind(sql::instant(now))
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| match StoreError::classify(e) {
            StoreError::Duplicate(_) => StoreError::Conflict,
            other => other,
        })?,
        Some(v) => sqlx::query(
            "UPDATE grading_quota_rules SET percent = $1, base = $2, scope = $3, updated_at = $4, \
             row_version = row_version + 1 WHERE rule_set = $5 AND row_version = $6 \
             RETURNING row_version",
        )
        .bind(s.rule.percent.normalize().to_string())
        .bind(base_str(s.rule.base))
        .bind(scope)
        .bind(sql::instant(now))
        .bind(s.rule_set.as_str())
        .bind(v)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::Conflict)?,
    };
    row.int("row_version")
}
