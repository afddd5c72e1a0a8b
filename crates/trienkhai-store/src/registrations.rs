//! Personal registrations (C9): a person's yearly registration in a unit, by version (an
//! amendment is a new version), its items with what they concretize, and each item's
//! self-assessment at mid-year and year end with the superior's remark.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::AnyConnection;
use trienkhai_core::ids::{AccountId, DocumentId, PersonId, TargetId, UnitId, WorkItemId};
use trienkhai_core::registration::{AssessmentPhase, Outcome, RegistrationState, SelfAssessment};

use crate::sql::{self, RowExt};
use crate::{Result, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Registration {
    pub id: i64,
    pub person_id: PersonId,
    pub year: i32,
    pub version: i64,
    /// Where the person registers: its secretary or superior decides.
    pub unit_id: UnitId,
    /// The plan it concretizes, when one is named.
    pub document_id: Option<DocumentId>,
    pub state: RegistrationState,
    pub submitted_at: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by: Option<AccountId>,
    /// Why it was returned (or what the approver said).
    pub decision_comment: Option<String>,
    pub row_version: i64,
}

const COLUMNS: &str = "id, person_id, year, version, unit_id, document_id, state, submitted_at, \
     decided_at, decided_by, decision_comment, row_version";

fn registration_from_row(r: &sqlx::any::AnyRow) -> Result<Registration> {
    let corrupt = |e: trienkhai_core::error::DomainError| StoreError::Corrupt(e.to_string());
    Ok(Registration {
        id: r.int("id")?,
        person_id: PersonId(r.int("person_id")?),
        year: i32::try_from(r.int("year")?).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        version: r.int("version")?,
        unit_id: UnitId(r.int("unit_id")?),
        document_id: r.opt_int("document_id")?.map(DocumentId),
        state: RegistrationState::parse(&r.text("state")?).map_err(corrupt)?,
        submitted_at: r.opt_instant("submitted_at")?,
        decided_at: r.opt_instant("decided_at")?,
        decided_by: r.opt_int("decided_by")?.map(AccountId),
        decision_comment: r.opt_text("decision_comment")?,
        row_version: r.int("row_version")?,
    })
}

/// A new version of a person's registration for a year, as a draft.
#[derive(Debug, Clone)]
pub struct NewRegistration {
    pub person_id: PersonId,
    pub year: i32,
    pub version: i64,
    pub unit_id: UnitId,
    pub document_id: Option<DocumentId>,
}

/// Opens a draft; the same version twice is a duplicate.
pub async fn insert_registration(
    conn: &mut AnyConnection,
    new: &NewRegistration,
    now: DateTime<Utc>,
) -> Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO registrations (person_id, year, version, unit_id, document_id, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
    )
    .bind(new.person_id.0)
    .bind(i64::from(new.year))
    .bind(new.version)
    .bind(new.unit_id.0)
    .bind(new.document_id.map(|d| d.0))
    .bind(sql::instant(now))
    .fetch_one(conn)
    .await
    .map_err(StoreError::classify)
}

pub async fn get_registration(conn: &mut AnyConnection, id: i64) -> Result<Registration> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM registrations WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    registration_from_row(&row)
}

/// Every version of a person's registration for a year, oldest first.
pub async fn versions_of(
    conn: &mut AnyConnection,
    person: PersonId,
    year: i32,
) -> Result<Vec<Registration>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM registrations WHERE person_id = $1 AND year = $2 ORDER BY version"
    ))
    .bind(person.0)
    .bind(i64::from(year))
    .fetch_all(conn)
    .await?;
    rows.iter().map(registration_from_row).collect()
}

/// An item of an approved registration with what its assessments say: what the year-end
/// rating reads of a person's registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovedItem {
    pub person_id: PersonId,
    pub version: i64,
    pub item_id: i64,
    pub content: String,
    pub deadline: NaiveDate,
    pub work_item_id: Option<WorkItemId>,
    /// The year-end assessment's outcome.
    pub year_end: Option<Outcome>,
    /// When it was assessed done at mid-year.
    pub mid_year_done_at: Option<DateTime<Utc>>,
}

/// The items of the approved versions of the registrations of `persons` for a year, with their
/// assessments, by person, version and position: a province's in a few queries.
pub async fn approved_items_of_persons(
    conn: &mut AnyConnection,
    persons: &[PersonId],
    year: i32,
) -> Result<Vec<ApprovedItem>> {
    let corrupt = |e: trienkhai_core::error::DomainError| StoreError::Corrupt(e.to_string());
    let mut out = Vec::new();
    for chunk in persons.chunks(1_000) {
        let list = sql::id_list(chunk.iter().map(|p| p.0));
        let rows = sqlx::query(&format!(
            "SELECT r.person_id, r.version, i.id, i.position, i.content, i.deadline, \
             i.work_item_id, \
             (SELECT a.outcome FROM registration_assessments a WHERE a.item_id = i.id \
              AND a.phase = 'year_end') AS year_end, \
             (SELECT a.assessed_at FROM registration_assessments a WHERE a.item_id = i.id \
              AND a.phase = 'mid_year' AND a.outcome = 'done') AS mid_year_done_at \
             FROM registrations r JOIN registration_items i ON i.registration_id = r.id \
             WHERE r.person_id IN ({list}) AND r.year = $1 AND r.state = 'approved'"
        ))
        .bind(i64::from(year))
        .fetch_all(&mut *conn)
        .await?;
        for r in &rows {
            let item = ApprovedItem {
                person_id: PersonId(r.int("person_id")?),
                version: r.int("version")?,
                item_id: r.int("id")?,
                content: r.text("content")?,
                deadline: r.date("deadline")?,
                work_item_id: r.opt_int("work_item_id")?.map(WorkItemId),
                year_end: r
                    .opt_text("year_end")?
                    .map(|o| Outcome::parse(&o).map_err(corrupt))
                    .transpose()?,
                mid_year_done_at: r.opt_instant("mid_year_done_at")?,
            };
            out.push((r.int("position")?, item));
        }
    }
    out.sort_by_key(|(position, i)| (i.person_id.0, i.version, *position));
    Ok(out.into_iter().map(|(_, i)| i).collect())
}

/// The registrations of a year in `units` (every version), by person then version: what a
/// secretary's "who has registered" list is made of.
pub async fn registrations_in_units(
    conn: &mut AnyConnection,
    units: &[UnitId],
    year: i32,
) -> Result<Vec<Registration>> {
    let mut out = Vec::new();
    for chunk in units.chunks(500) {
        let list = sql::id_list(chunk.iter().map(|u| u.0));
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM registrations WHERE unit_id IN ({list}) AND year = $1 \
             ORDER BY person_id, version"
        ))
        .bind(i64::from(year))
        .fetch_all(&mut *conn)
        .await?;
        for r in &rows {
            out.push(registration_from_row(r)?);
        }
    }
    out.sort_by_key(|r| (r.person_id.0, r.version));
    Ok(out)
}

/// What moves a registration to its new state.
#[derive(Debug, Clone, Copy)]
pub enum StateChange<'a> {
    Submitted,
    Decided {
        by: Option<AccountId>,
        comment: Option<&'a str>,
    },
}

/// Sets the state if the row is still at `expected_version`; answers the new version, or
/// [`StoreError::Conflict`] when someone changed it meanwhile.
pub async fn set_state(
    conn: &mut AnyConnection,
    id: i64,
    state: RegistrationState,
    change: StateChange<'_>,
    expected_version: i64,
    now: DateTime<Utc>,
) -> Result<i64> {
    let new = update_state(
        conn,
        "registrations",
        id,
        state,
        change,
        expected_version,
        now,
    )
    .await?;
    new_version_or_conflict(conn, id, new).await
}

/// Moves a person's paper of the year (`registrations` or `commitments`: the same life) to
/// `state` if its row is still at `expected_version`; the new version, or none.
pub(crate) async fn update_state(
    conn: &mut AnyConnection,
    table: &'static str,
    id: i64,
    state: RegistrationState,
    change: StateChange<'_>,
    expected_version: i64,
    now: DateTime<Utc>,
) -> Result<Option<i64>> {
    let at = sql::instant(now);
    Ok(match change {
        StateChange::Submitted => sqlx::query_scalar(&format!(
            "UPDATE {table} SET state = $1, submitted_at = $2, updated_at = $2, \
             row_version = row_version + 1 WHERE id = $3 AND row_version = $4 RETURNING row_version"
        ))
        .bind(state.as_str())
        .bind(at)
        .bind(id)
        .bind(expected_version)
        .fetch_optional(&mut *conn)
        .await?,
        StateChange::Decided { by, comment } => sqlx::query_scalar(&format!(
            "UPDATE {table} SET state = $1, decided_at = $2, decided_by = $3, decision_comment = $4, \
             updated_at = $2, row_version = row_version + 1 WHERE id = $5 AND row_version = $6 \
             RETURNING row_version"
        ))
        .bind(state.as_str())
        .bind(at)
        .bind(by.map(|a| a.0))
        .bind(comment)
        .bind(id)
        .bind(expected_version)
        .fetch_optional(&mut *conn)
        .await?,
    })
}

/// Marks an edit of a version's items: its row version moves if it is still `expected_version`
/// (answers the new one), else [`StoreError::Conflict`].
pub async fn touch(
    conn: &mut AnyConnection,
    id: i64,
    expected_version: i64,
    now: DateTime<Utc>,
) -> Result<i64> {
    let new: Option<i64> = sqlx::query_scalar(
        "UPDATE registrations SET updated_at = $1, row_version = row_version + 1 \
         WHERE id = $2 AND row_version = $3 RETURNING row_version",
    )
    .bind(sql::instant(now))
    .bind(id)
    .bind(expected_version)
    .fetch_optional(&mut *conn)
    .await?;
    new_version_or_conflict(conn, id, new).await
}

/// The new row version of a guarded update, or why there is none: the row is gone
/// ([`StoreError::NotFound`]) or was changed meanwhile ([`StoreError::Conflict`]).
async fn new_version_or_conflict(
    conn: &mut AnyConnection,
    id: i64,
    new: Option<i64>,
) -> Result<i64> {
    match new {
        Some(v) => Ok(v),
        None => {
            get_registration(conn, id).await?;
            Err(StoreError::Conflict)
        }
    }
}

/// What a registered item concretizes: a plan's work item or a target (a real link, so that a
/// work item's cascade reaches the persons who took it on).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Concretizes {
    WorkItem(WorkItemId),
    Target(TargetId),
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct RegistrationItem {
    pub id: i64,
    pub registration_id: i64,
    pub position: i64,
    pub content: String,
    pub product: String,
    pub measure: Option<String>,
    pub deadline: NaiveDate,
    pub concretizes: Option<Concretizes>,
}

/// An item to store, its content checked by `core::registration::ItemContent`.
#[derive(Debug, Clone)]
pub struct NewItem {
    pub content: String,
    pub product: String,
    pub measure: Option<String>,
    pub deadline: NaiveDate,
    pub concretizes: Option<Concretizes>,
}

/// Replaces a version's items with `items`, numbered in order (the caller checks the version
/// is editable, in the same transaction).
pub async fn replace_items(
    conn: &mut AnyConnection,
    registration: i64,
    items: &[NewItem],
) -> Result<()> {
    sqlx::query("DELETE FROM registration_items WHERE registration_id = $1")
        .bind(registration)
        .execute(&mut *conn)
        .await?;
    for (i, item) in items.iter().enumerate() {
        let (work_item, target) = match item.concretizes {
            Some(Concretizes::WorkItem(w)) => (Some(w.0), None),
            Some(Concretizes::Target(t)) => (None, Some(t.0)),
            None => (None, None),
        };
        sqlx::query(
            "INSERT INTO registration_items (registration_id, position, content, product, measure, deadline, \
             work_item_id, target_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(registration)
        .bind(i as i64 + 1)
        .bind(&item.content)
        .bind(&item.product)
        .bind(item.measure.as_deref())
        .bind(sql::date(item.deadline))
        .bind(work_item)
        .bind(target)
        .execute(&mut *conn)
        .await
        .map_err(StoreError::classify)?;
    }
    Ok(())
}

const ITEM_COLUMNS: &str =
    "id, registration_id, position, content, product, measure, deadline, work_item_id, target_id";

/// A version's items, in order.
pub async fn items_of(
    conn: &mut AnyConnection,
    registration: i64,
) -> Result<Vec<RegistrationItem>> {
    items_of_registrations(conn, &[registration]).await
}

/// The items of many versions, by registration then position.
pub async fn items_of_registrations(
    conn: &mut AnyConnection,
    registrations: &[i64],
) -> Result<Vec<RegistrationItem>> {
    let mut out = Vec::new();
    for chunk in registrations.chunks(1_000) {
        let list = sql::id_list(chunk.iter().copied());
        let rows = sqlx::query(&format!(
            "SELECT {ITEM_COLUMNS} FROM registration_items WHERE registration_id IN ({list})"
        ))
        .fetch_all(&mut *conn)
        .await?;
        for r in &rows {
            out.push(item_from_row(r)?);
        }
    }
    out.sort_by_key(|i| (i.registration_id, i.position));
    Ok(out)
}

/// The items of `registrations` due before `before`, each with its registration and the latest
/// outcome assessed (year end over mid-year): what "items late" counts, for many registrations
/// in a few reads.
pub async fn items_due_before(
    conn: &mut AnyConnection,
    registrations: &[i64],
    before: NaiveDate,
) -> Result<Vec<(i64, NaiveDate, Option<Outcome>)>> {
    let mut out = Vec::new();
    for chunk in registrations.chunks(500) {
        let list = sql::id_list(chunk.iter().copied());
        let rows = sqlx::query(&format!(
            "SELECT i.registration_id, i.deadline, \
             (SELECT a.outcome FROM registration_assessments a WHERE a.item_id = i.id \
              ORDER BY CASE a.phase WHEN 'year_end' THEN 0 ELSE 1 END LIMIT 1) AS outcome \
             FROM registration_items i WHERE i.registration_id IN ({list}) AND i.deadline < $1"
        ))
        .bind(sql::date(before))
        .fetch_all(&mut *conn)
        .await?;
        for r in &rows {
            let outcome = r
                .opt_text("outcome")?
                .map(|o| Outcome::parse(&o).map_err(|e| StoreError::Corrupt(e.to_string())))
                .transpose()?;
            out.push((r.int("registration_id")?, r.date("deadline")?, outcome));
        }
    }
    Ok(out)
}

/// One item, whichever version it is in.
pub async fn get_item(conn: &mut AnyConnection, id: i64) -> Result<RegistrationItem> {
    let row = sqlx::query(&format!(
        "SELECT {ITEM_COLUMNS} FROM registration_items WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    item_from_row(&row)
}

fn item_from_row(r: &sqlx::any::AnyRow) -> Result<RegistrationItem> {
    let concretizes = match (r.opt_int("work_item_id")?, r.opt_int("target_id")?) {
        (Some(w), _) => Some(Concretizes::WorkItem(WorkItemId(w))),
        (None, Some(t)) => Some(Concretizes::Target(TargetId(t))),
        (None, None) => None,
    };
    Ok(RegistrationItem {
        id: r.int("id")?,
        registration_id: r.int("registration_id")?,
        position: r.int("position")?,
        content: r.text("content")?,
        product: r.text("product")?,
        measure: r.opt_text("measure")?,
        deadline: r.date("deadline")?,
        concretizes,
    })
}

/// The registered items that concretize a work item, with their registration: who took it on.
pub async fn items_concretizing(
    conn: &mut AnyConnection,
    work_item: WorkItemId,
) -> Result<Vec<(Registration, RegistrationItem)>> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT DISTINCT registration_id FROM registration_items WHERE work_item_id = $1",
    )
    .bind(work_item.0)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::new();
    for id in ids {
        let registration = get_registration(conn, id).await?;
        for item in items_of(conn, id).await? {
            if item.concretizes == Some(Concretizes::WorkItem(work_item)) {
                out.push((registration.clone(), item));
            }
        }
    }
    out.sort_by_key(|(r, i)| (r.person_id.0, r.version, i.position));
    Ok(out)
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Assessment {
    pub item_id: i64,
    pub phase: AssessmentPhase,
    pub assessment: SelfAssessment,
    pub note: Option<String>,
    pub assessed_at: DateTime<Utc>,
    /// The superior's remark on it.
    pub remark: Option<String>,
    pub remarked_at: Option<DateTime<Utc>>,
    pub remarked_by: Option<AccountId>,
}

/// Records (or replaces) the person's assessment of an item for a phase; a replaced assessment
/// loses the remark made on the old one.
pub async fn set_assessment(
    conn: &mut AnyConnection,
    item: i64,
    phase: AssessmentPhase,
    assessment: SelfAssessment,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query("DELETE FROM registration_assessments WHERE item_id = $1 AND phase = $2")
        .bind(item)
        .bind(phase.as_str())
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO registration_assessments (item_id, phase, outcome, percent, note, assessed_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(item)
    .bind(phase.as_str())
    .bind(assessment.outcome.as_str())
    .bind(i64::from(assessment.percent))
    .bind(note)
    .bind(sql::instant(now))
    .execute(&mut *conn)
    .await
    .map_err(StoreError::classify)?;
    Ok(())
}

/// The superior's remark on an assessment; [`StoreError::NotFound`] when there is none to
/// remark on.
pub async fn set_remark(
    conn: &mut AnyConnection,
    item: i64,
    phase: AssessmentPhase,
    remark: &str,
    by: Option<AccountId>,
    now: DateTime<Utc>,
) -> Result<()> {
    let done = sqlx::query(
        "UPDATE registration_assessments SET remark = $1, remarked_at = $2, remarked_by = $3 \
         WHERE item_id = $4 AND phase = $5",
    )
    .bind(remark)
    .bind(sql::instant(now))
    .bind(by.map(|a| a.0))
    .bind(item)
    .bind(phase.as_str())
    .execute(conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// The assessments of a version's items, by item then phase.
pub async fn assessments_of(
    conn: &mut AnyConnection,
    registration: i64,
) -> Result<Vec<Assessment>> {
    assessments_of_registrations(conn, &[registration]).await
}

/// The assessments of the items of many versions, by registration, item position, then phase.
pub async fn assessments_of_registrations(
    conn: &mut AnyConnection,
    registrations: &[i64],
) -> Result<Vec<Assessment>> {
    let corrupt = |e: trienkhai_core::error::DomainError| StoreError::Corrupt(e.to_string());
    let mut out = Vec::new();
    for chunk in registrations.chunks(1_000) {
        let list = sql::id_list(chunk.iter().copied());
        let rows = sqlx::query(&format!(
            "SELECT a.item_id, a.phase, a.outcome, a.percent, a.note, a.assessed_at, a.remark, \
             a.remarked_at, a.remarked_by, i.registration_id, i.position \
             FROM registration_assessments a JOIN registration_items i ON i.id = a.item_id \
             WHERE i.registration_id IN ({list})"
        ))
        .fetch_all(&mut *conn)
        .await?;
        for r in &rows {
            let outcome = Outcome::parse(&r.text("outcome")?).map_err(corrupt)?;
            let percent =
                u8::try_from(r.int("percent")?).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let order = (r.int("registration_id")?, r.int("position")?);
            out.push((
                order,
                Assessment {
                    item_id: r.int("item_id")?,
                    phase: AssessmentPhase::parse(&r.text("phase")?).map_err(corrupt)?,
                    assessment: SelfAssessment::new(outcome, Some(percent)).map_err(corrupt)?,
                    note: r.opt_text("note")?,
                    assessed_at: r.instant("assessed_at")?,
                    remark: r.opt_text("remark")?,
                    remarked_at: r.opt_instant("remarked_at")?,
                    remarked_by: r.opt_int("remarked_by")?.map(AccountId),
                },
            ));
        }
    }
    out.sort_by(|(a, x), (b, y)| (a, x.phase.as_str()).cmp(&(b, y.phase.as_str())));
    Ok(out.into_iter().map(|(_, a)| a).collect())
}
