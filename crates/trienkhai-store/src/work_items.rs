//! Work items (C6): who leads and who coordinates, the deadline and its schedule, milestones,
//! links to targets, sub-items, and the requests (move the deadline, pause, resume) with their
//! decisions. An approved deadline move keeps the former deadline in its request row.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::AnyConnection;
use trienkhai_core::ids::{
    AccountId, DocumentId, MilestoneId, PersonId, RequestId, TargetId, UnitId, WorkItemId,
};
use trienkhai_core::vn;
use trienkhai_core::work_item::{Decision, Progress, Request};

use crate::sql::{self, RowExt};
use crate::{Result, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct WorkItem {
    pub id: WorkItemId,
    pub document_id: DocumentId,
    pub parent_id: Option<WorkItemId>,
    pub concretizes: Option<WorkItemId>,
    pub code: String,
    pub title: String,
    pub field_code: Option<String>,
    pub themes: Vec<String>,
    pub lead_unit_id: UnitId,
    pub coordinating_unit_ids: Vec<UnitId>,
    pub responsible_person_id: Option<PersonId>,
    pub target_ids: Vec<TargetId>,
    pub starts_on: Option<NaiveDate>,
    pub deadline: NaiveDate,
    pub progress: Progress,
    pub paused_since: Option<NaiveDate>,
    pub expected_product: Option<String>,
    pub result: Option<String>,
    pub sort_order: i64,
    pub source: String,
    pub row_version: i64,
    pub updated_at: DateTime<Utc>,
}

/// What a person edits on a work item; the schedule changes through [`set_schedule`].
#[derive(Debug, Clone)]
pub struct WorkItemFields {
    pub document_id: DocumentId,
    pub parent_id: Option<WorkItemId>,
    pub concretizes: Option<WorkItemId>,
    pub code: String,
    pub title: String,
    pub field_code: Option<String>,
    pub themes: Vec<String>,
    pub lead_unit_id: UnitId,
    pub coordinating_unit_ids: Vec<UnitId>,
    pub responsible_person_id: Option<PersonId>,
    pub target_ids: Vec<TargetId>,
    pub starts_on: Option<NaiveDate>,
    pub expected_product: Option<String>,
    pub result: Option<String>,
    pub sort_order: i64,
    pub source: String,
}

const COLUMNS: &str = "id, document_id, parent_id, concretizes_id, code, title, field_code, lead_unit_id, \
     responsible_person_id, starts_on, deadline, progress, done_on, paused_since, expected_product, result, \
     sort_order, source, row_version, updated_at";

fn progress_from_row(r: &sqlx::any::AnyRow) -> Result<Progress> {
    Ok(
        match (r.text("progress")?.as_str(), r.opt_date("done_on")?) {
            ("done", Some(on)) => Progress::Done { on },
            ("in_progress", _) => Progress::InProgress,
            ("not_started", _) => Progress::NotStarted,
            (other, _) => return Err(StoreError::Corrupt(format!("progress {other:?}"))),
        },
    )
}

fn from_row(r: &sqlx::any::AnyRow) -> Result<WorkItem> {
    let progress = progress_from_row(r)?;
    Ok(WorkItem {
        id: WorkItemId(r.int("id")?),
        document_id: DocumentId(r.int("document_id")?),
        parent_id: r.opt_int("parent_id")?.map(WorkItemId),
        concretizes: r.opt_int("concretizes_id")?.map(WorkItemId),
        code: r.text("code")?,
        title: r.text("title")?,
        field_code: r.opt_text("field_code")?,
        themes: Vec::new(),
        lead_unit_id: UnitId(r.int("lead_unit_id")?),
        coordinating_unit_ids: Vec::new(),
        responsible_person_id: r.opt_int("responsible_person_id")?.map(PersonId),
        target_ids: Vec::new(),
        starts_on: r.opt_date("starts_on")?,
        deadline: r.date("deadline")?,
        progress,
        paused_since: r.opt_date("paused_since")?,
        expected_product: r.opt_text("expected_product")?,
        result: r.opt_text("result")?,
        sort_order: r.int("sort_order")?,
        source: r.text("source")?,
        row_version: r.int("row_version")?,
        updated_at: r.instant("updated_at")?,
    })
}

async fn write_links(conn: &mut AnyConnection, id: WorkItemId, f: &WorkItemFields) -> Result<()> {
    for table in [
        "work_item_themes",
        "work_item_coordinators",
        "work_item_targets",
    ] {
        sqlx::query(&format!("DELETE FROM {table} WHERE work_item_id = $1"))
            .bind(id.0)
            .execute(&mut *conn)
            .await?;
    }
    for theme in &f.themes {
        sqlx::query("INSERT INTO work_item_themes (work_item_id, theme_code) VALUES ($1, $2)")
            .bind(id.0)
            .bind(theme)
            .execute(&mut *conn)
            .await?;
    }
    for unit in &f.coordinating_unit_ids {
        sqlx::query("INSERT INTO work_item_coordinators (work_item_id, unit_id) VALUES ($1, $2)")
            .bind(id.0)
            .bind(unit.0)
            .execute(&mut *conn)
            .await?;
    }
    for target in &f.target_ids {
        sqlx::query("INSERT INTO work_item_targets (work_item_id, target_id) VALUES ($1, $2)")
            .bind(id.0)
            .bind(target.0)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

pub async fn insert_work_item(
    conn: &mut AnyConnection,
    f: &WorkItemFields,
    deadline: NaiveDate,
    now: DateTime<Utc>,
) -> Result<WorkItemId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO work_items (document_id, parent_id, concretizes_id, code, title, title_folded, field_code, \
         lead_unit_id, responsible_person_id, starts_on, deadline, expected_product, result, sort_order, source, \
         created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16) RETURNING id",
    )
    .bind(f.document_id.0)
    .bind(f.parent_id.map(|p| p.0))
    .bind(f.concretizes.map(|p| p.0))
    .bind(&f.code)
    .bind(&f.title)
    .bind(vn::fold(&f.title))
    .bind(f.field_code.clone())
    .bind(f.lead_unit_id.0)
    .bind(f.responsible_person_id.map(|p| p.0))
    .bind(sql::opt_date(f.starts_on))
    .bind(sql::date(deadline))
    .bind(f.expected_product.clone())
    .bind(f.result.clone())
    .bind(f.sort_order)
    .bind(&f.source)
    .bind(sql::instant(now))
    .fetch_one(&mut *conn)
    .await
    .map_err(StoreError::classify)?;
    let id = WorkItemId(id);
    write_links(conn, id, f).await?;
    Ok(id)
}

pub async fn update_work_item(
    conn: &mut AnyConnection,
    id: WorkItemId,
    f: &WorkItemFields,
    expected_version: i64,
    now: DateTime<Utc>,
) -> Result<i64> {
    let new: Option<i64> = sqlx::query_scalar(
        "UPDATE work_items SET document_id = $1, parent_id = $2, concretizes_id = $3, code = $4, title = $5, \
         title_folded = $6, field_code = $7, lead_unit_id = $8, responsible_person_id = $9, starts_on = $10, \
         expected_product = $11, result = $12, sort_order = $13, source = $14, updated_at = $15, \
         row_version = row_version + 1 WHERE id = $16 AND row_version = $17 RETURNING row_version",
    )
    .bind(f.document_id.0)
    .bind(f.parent_id.map(|p| p.0))
    .bind(f.concretizes.map(|p| p.0))
    .bind(&f.code)
    .bind(&f.title)
    .bind(vn::fold(&f.title))
    .bind(f.field_code.clone())
    .bind(f.lead_unit_id.0)
    .bind(f.responsible_person_id.map(|p| p.0))
    .bind(sql::opt_date(f.starts_on))
    .bind(f.expected_product.clone())
    .bind(f.result.clone())
    .bind(f.sort_order)
    .bind(&f.source)
    .bind(sql::instant(now))
    .bind(id.0)
    .bind(expected_version)
    .fetch_optional(&mut *conn)
    .await
    .map_err(StoreError::classify)?;
    match new {
        Some(v) => {
            write_links(conn, id, f).await?;
            Ok(v)
        }
        None => {
            get_work_item(conn, id).await?;
            Err(StoreError::Conflict)
        }
    }
}

/// Writes the schedule part (progress, deadline, pause) when `expected_version` is current.
pub async fn set_schedule(
    conn: &mut AnyConnection,
    id: WorkItemId,
    progress: Progress,
    deadline: NaiveDate,
    paused_since: Option<NaiveDate>,
    expected_version: i64,
    now: DateTime<Utc>,
) -> Result<i64> {
    let (progress_text, done_on) = match progress {
        Progress::NotStarted => ("not_started", None),
        Progress::InProgress => ("in_progress", None),
        Progress::Done { on } => ("done", Some(on)),
    };
    let new: Option<i64> = sqlx::query_scalar(
        "UPDATE work_items SET progress = $1, done_on = $2, deadline = $3, paused_since = $4, updated_at = $5, \
         row_version = row_version + 1 WHERE id = $6 AND row_version = $7 RETURNING row_version",
    )
    .bind(progress_text)
    .bind(sql::opt_date(done_on))
    .bind(sql::date(deadline))
    .bind(sql::opt_date(paused_since))
    .bind(sql::instant(now))
    .bind(id.0)
    .bind(expected_version)
    .fetch_optional(&mut *conn)
    .await?;
    match new {
        Some(v) => Ok(v),
        None => {
            get_work_item(conn, id).await?;
            Err(StoreError::Conflict)
        }
    }
}

/// Fills the themes, coordinators and targets of `items` in three queries.
async fn fill_links(conn: &mut AnyConnection, items: &mut [WorkItem]) -> Result<()> {
    if items.is_empty() {
        return Ok(());
    }
    let ids: Vec<String> = items.iter().map(|i| i.id.0.to_string()).collect();
    let list = ids.join(",");
    let position: std::collections::HashMap<i64, usize> =
        items.iter().enumerate().map(|(i, w)| (w.id.0, i)).collect();
    // The ids are integers read from the database: joining them into the query is safe.
    let rows = sqlx::query(&format!(
        "SELECT t.work_item_id, t.theme_code FROM work_item_themes t JOIN plan_themes p ON p.code = t.theme_code \
         WHERE t.work_item_id IN ({list}) ORDER BY p.sort_order, p.code"
    ))
    .fetch_all(&mut *conn)
    .await?;
    for r in &rows {
        if let Some(&i) = position.get(&r.int("work_item_id")?) {
            items[i].themes.push(r.text("theme_code")?);
        }
    }
    let rows = sqlx::query(&format!(
        "SELECT work_item_id, unit_id FROM work_item_coordinators WHERE work_item_id IN ({list}) ORDER BY unit_id"
    ))
    .fetch_all(&mut *conn)
    .await?;
    for r in &rows {
        if let Some(&i) = position.get(&r.int("work_item_id")?) {
            items[i]
                .coordinating_unit_ids
                .push(UnitId(r.int("unit_id")?));
        }
    }
    let rows = sqlx::query(&format!(
        "SELECT work_item_id, target_id FROM work_item_targets WHERE work_item_id IN ({list}) ORDER BY target_id"
    ))
    .fetch_all(&mut *conn)
    .await?;
    for r in &rows {
        if let Some(&i) = position.get(&r.int("work_item_id")?) {
            items[i].target_ids.push(TargetId(r.int("target_id")?));
        }
    }
    Ok(())
}

async fn select(conn: &mut AnyConnection, condition: &str, bind: i64) -> Result<Vec<WorkItem>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM work_items WHERE {condition} ORDER BY sort_order, code, id"
    ))
    .bind(bind)
    .fetch_all(&mut *conn)
    .await?;
    let mut items: Vec<WorkItem> = rows.iter().map(from_row).collect::<Result<_>>()?;
    fill_links(conn, &mut items).await?;
    Ok(items)
}

pub async fn get_work_item(conn: &mut AnyConnection, id: WorkItemId) -> Result<WorkItem> {
    select(conn, "id = $1", id.0)
        .await?
        .pop()
        .ok_or(StoreError::NotFound)
}

/// The top-level items of a document (sub-items hang from their parent).
pub async fn top_items_of_document(
    conn: &mut AnyConnection,
    document: DocumentId,
) -> Result<Vec<WorkItem>> {
    select(conn, "document_id = $1 AND parent_id IS NULL", document.0).await
}

/// Every item of a document, sub-items included.
pub async fn all_items_of_document(
    conn: &mut AnyConnection,
    document: DocumentId,
) -> Result<Vec<WorkItem>> {
    select(conn, "document_id = $1", document.0).await
}

/// Who leads each item of a document and what it is part of: the light read a level's items
/// are chosen from before the chosen ones are loaded whole. A province plan's split items are
/// thousands of rows: they come back packed in one text (`id|parent|lead`, `;` between rows).
pub async fn item_leads_of_document(
    conn: &mut AnyConnection,
    document: DocumentId,
    backend: crate::Backend,
) -> Result<Vec<(WorkItemId, Option<WorkItemId>, UnitId)>> {
    let concat = match backend {
        crate::Backend::Sqlite => "group_concat(line, ';')",
        crate::Backend::Postgres => "string_agg(line, ';')",
    };
    let packed: Option<String> = sqlx::query_scalar(&format!(
        "SELECT {concat} FROM (SELECT id || '|' || COALESCE(parent_id, 0) || '|' || lead_unit_id AS line \
         FROM work_items WHERE document_id = $1) lines"
    ))
    .bind(document.0)
    .fetch_one(conn)
    .await?;
    let corrupt = || StoreError::Corrupt("a packed item lead".into());
    packed
        .as_deref()
        .unwrap_or("")
        .split(';')
        .filter(|l| !l.is_empty())
        .map(|line| {
            let mut f = line.split('|').map(|x| x.parse::<i64>());
            let id = f.next().and_then(|x| x.ok()).ok_or_else(corrupt)?;
            let parent = f.next().and_then(|x| x.ok()).ok_or_else(corrupt)?;
            let lead = f.next().and_then(|x| x.ok()).ok_or_else(corrupt)?;
            Ok((
                WorkItemId(id),
                (parent != 0).then_some(WorkItemId(parent)),
                UnitId(lead),
            ))
        })
        .collect()
}

/// The units leading an item of a document (sub-items included), each once: who a plan hands
/// work to.
pub async fn lead_units_of_document(
    conn: &mut AnyConnection,
    document: DocumentId,
) -> Result<Vec<UnitId>> {
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT DISTINCT lead_unit_id FROM work_items WHERE document_id = $1")
            .bind(document.0)
            .fetch_all(conn)
            .await?;
    Ok(ids.into_iter().map(UnitId).collect())
}

/// The units leading work items of each of `documents` (documents without items are absent).
pub async fn lead_units_of_documents(
    conn: &mut AnyConnection,
    documents: &[DocumentId],
) -> Result<std::collections::HashMap<DocumentId, Vec<UnitId>>> {
    let mut out: std::collections::HashMap<DocumentId, Vec<UnitId>> = Default::default();
    for chunk in documents.chunks(500) {
        let list = crate::sql::id_list(chunk.iter().map(|d| d.0));
        let rows = sqlx::query(&format!(
            "SELECT DISTINCT document_id, lead_unit_id FROM work_items WHERE document_id IN ({list})"
        ))
        .fetch_all(&mut *conn)
        .await?;
        for r in &rows {
            out.entry(DocumentId(r.int("document_id")?))
                .or_default()
                .push(UnitId(r.int("lead_unit_id")?));
        }
    }
    Ok(out)
}

/// (document, lead unit) of the work items led by one of `leads`.
pub async fn documents_led_by(
    conn: &mut AnyConnection,
    leads: &[UnitId],
) -> Result<Vec<(DocumentId, UnitId)>> {
    let mut out = Vec::new();
    for chunk in leads.chunks(500) {
        let list = crate::sql::id_list(chunk.iter().map(|u| u.0));
        let rows = sqlx::query(&format!(
            "SELECT DISTINCT document_id, lead_unit_id FROM work_items WHERE lead_unit_id IN ({list})"
        ))
        .fetch_all(&mut *conn)
        .await?;
        for r in &rows {
            out.push((
                DocumentId(r.int("document_id")?),
                UnitId(r.int("lead_unit_id")?),
            ));
        }
    }
    Ok(out)
}

/// Items by id, in plan order.
pub async fn items_by_ids(conn: &mut AnyConnection, ids: &[WorkItemId]) -> Result<Vec<WorkItem>> {
    select_in(conn, "id", ids.iter().map(|i| i.0)).await
}

pub async fn children_of(conn: &mut AnyConnection, parent: WorkItemId) -> Result<Vec<WorkItem>> {
    select(conn, "parent_id = $1", parent.0).await
}

/// What a part's state is computed from, for the parts of `parents`: (parent, progress,
/// deadline, paused since). The light read a plan's list makes so that no item says more than
/// its parts, whatever their number.
pub async fn part_schedules(
    conn: &mut AnyConnection,
    parents: &[WorkItemId],
) -> Result<Vec<(WorkItemId, Progress, NaiveDate, Option<NaiveDate>)>> {
    let mut out = Vec::new();
    for chunk in parents.chunks(500) {
        let list = crate::sql::id_list(chunk.iter().map(|i| i.0));
        let rows = sqlx::query(&format!(
            "SELECT parent_id, progress, done_on, deadline, paused_since FROM work_items \
             WHERE parent_id IN ({list})"
        ))
        .fetch_all(&mut *conn)
        .await?;
        for r in &rows {
            out.push((
                WorkItemId(r.int("parent_id")?),
                progress_from_row(r)?,
                r.date("deadline")?,
                r.opt_date("paused_since")?,
            ));
        }
    }
    Ok(out)
}

/// Items of other plans that concretize `upper`.
pub async fn items_concretizing(
    conn: &mut AnyConnection,
    upper: WorkItemId,
) -> Result<Vec<WorkItem>> {
    select(conn, "concretizes_id = $1", upper.0).await
}

/// Items that serve a target.
pub async fn items_serving(conn: &mut AnyConnection, target: TargetId) -> Result<Vec<WorkItem>> {
    select(
        conn,
        "id IN (SELECT work_item_id FROM work_item_targets WHERE target_id = $1)",
        target.0,
    )
    .await
}

/// Items a unit leads or coordinates.
pub async fn items_of_unit(conn: &mut AnyConnection, unit: UnitId) -> Result<Vec<WorkItem>> {
    select(
        conn,
        "(lead_unit_id = $1 OR id IN (SELECT work_item_id FROM work_item_coordinators WHERE unit_id = $1))",
        unit.0,
    )
    .await
}

/// Items these persons answer for (the year-end rating counts them among their tasks).
pub async fn items_of_responsibles(
    conn: &mut AnyConnection,
    persons: &[PersonId],
) -> Result<Vec<WorkItem>> {
    select_in(conn, "responsible_person_id", persons.iter().map(|p| p.0)).await
}

/// Items these units lead (an organisation's rating counts them among its tasks).
pub async fn items_led_by(conn: &mut AnyConnection, units: &[UnitId]) -> Result<Vec<WorkItem>> {
    select_in(conn, "lead_unit_id", units.iter().map(|u| u.0)).await
}

/// Items whose `column` is one of `ids`, in plan order.
async fn select_in(
    conn: &mut AnyConnection,
    column: &str,
    ids: impl Iterator<Item = i64>,
) -> Result<Vec<WorkItem>> {
    let ids: Vec<i64> = ids.collect();
    let mut items = Vec::new();
    for chunk in ids.chunks(1_000) {
        let list = crate::sql::id_list(chunk.iter().copied());
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM work_items WHERE {column} IN ({list})"
        ))
        .fetch_all(&mut *conn)
        .await?;
        for r in &rows {
            items.push(from_row(r)?);
        }
    }
    fill_links(conn, &mut items).await?;
    items.sort_by(|a, b| (a.sort_order, &a.code, a.id.0).cmp(&(b.sort_order, &b.code, b.id.0)));
    Ok(items)
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Milestone {
    pub id: MilestoneId,
    pub work_item_id: WorkItemId,
    pub title: String,
    pub due_on: NaiveDate,
    pub done_on: Option<NaiveDate>,
}

pub async fn insert_milestone(
    conn: &mut AnyConnection,
    item: WorkItemId,
    title: &str,
    due_on: NaiveDate,
) -> Result<MilestoneId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO milestones (work_item_id, title, due_on) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(item.0)
    .bind(title)
    .bind(sql::date(due_on))
    .fetch_one(conn)
    .await?;
    Ok(MilestoneId(id))
}

pub async fn set_milestone_done(
    conn: &mut AnyConnection,
    id: MilestoneId,
    done_on: Option<NaiveDate>,
) -> Result<()> {
    let done = sqlx::query("UPDATE milestones SET done_on = $1 WHERE id = $2")
        .bind(sql::opt_date(done_on))
        .bind(id.0)
        .execute(conn)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub async fn milestones_of(conn: &mut AnyConnection, item: WorkItemId) -> Result<Vec<Milestone>> {
    let rows = sqlx::query(
        "SELECT id, work_item_id, title, due_on, done_on FROM milestones WHERE work_item_id = $1 ORDER BY due_on, id",
    )
    .bind(item.0)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Milestone {
                id: MilestoneId(r.int("id")?),
                work_item_id: WorkItemId(r.int("work_item_id")?),
                title: r.text("title")?,
                due_on: r.date("due_on")?,
                done_on: r.opt_date("done_on")?,
            })
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct RequestRow {
    pub id: RequestId,
    pub work_item_id: WorkItemId,
    pub request: Request,
    pub former_deadline: Option<NaiveDate>,
    pub reason: String,
    pub requested_by: Option<AccountId>,
    pub requested_at: DateTime<Utc>,
    pub decision: Decision,
    pub decided_by: Option<AccountId>,
    pub decided_on: Option<NaiveDate>,
    pub decision_note: Option<String>,
}

pub async fn insert_request(
    conn: &mut AnyConnection,
    item: WorkItemId,
    request: &Request,
    reason: &str,
    by: Option<AccountId>,
    now: DateTime<Utc>,
) -> Result<RequestId> {
    let (kind, new_deadline) = match request {
        Request::MoveDeadline { to } => ("move_deadline", Some(*to)),
        Request::Pause => ("pause", None),
        Request::Resume => ("resume", None),
    };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO work_item_requests (work_item_id, kind, new_deadline, reason, requested_by, requested_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(item.0)
    .bind(kind)
    .bind(sql::opt_date(new_deadline))
    .bind(reason)
    .bind(by.map(|a| a.0))
    .bind(sql::instant(now))
    .fetch_one(conn)
    .await
    .map_err(StoreError::classify)?;
    Ok(RequestId(id))
}

/// Records the decision on a pending request; `former_deadline` when an approval moved it.
pub async fn decide_request(
    conn: &mut AnyConnection,
    id: RequestId,
    decision: Decision,
    former_deadline: Option<NaiveDate>,
    by: Option<AccountId>,
    on: NaiveDate,
    note: Option<&str>,
) -> Result<()> {
    let decision = match decision {
        Decision::Approved => "approved",
        Decision::Refused => "refused",
        Decision::Pending => {
            return Err(StoreError::Corrupt("a decision cannot be pending".into()));
        }
    };
    let done = sqlx::query(
        "UPDATE work_item_requests SET decision = $1, former_deadline = $2, decided_by = $3, decided_on = $4, \
         decision_note = $5 WHERE id = $6 AND decision = 'pending'",
    )
    .bind(decision)
    .bind(sql::opt_date(former_deadline))
    .bind(by.map(|a| a.0))
    .bind(sql::date(on))
    .bind(note)
    .bind(id.0)
    .execute(conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict);
    }
    Ok(())
}

const REQUEST_COLUMNS: &str = "id, work_item_id, kind, new_deadline, former_deadline, reason, requested_by, requested_at, \
     decision, decided_by, decided_on, decision_note";

fn request_from_row(r: &sqlx::any::AnyRow) -> Result<RequestRow> {
    let request = match r.text("kind")?.as_str() {
        "move_deadline" => Request::MoveDeadline {
            to: r
                .opt_date("new_deadline")?
                .ok_or_else(|| StoreError::Corrupt("a move without a deadline".into()))?,
        },
        "pause" => Request::Pause,
        _ => Request::Resume,
    };
    Ok(RequestRow {
        id: RequestId(r.int("id")?),
        work_item_id: WorkItemId(r.int("work_item_id")?),
        request,
        former_deadline: r.opt_date("former_deadline")?,
        reason: r.text("reason")?,
        requested_by: r.opt_int("requested_by")?.map(AccountId),
        requested_at: r.instant("requested_at")?,
        decision: match r.text("decision")?.as_str() {
            "approved" => Decision::Approved,
            "refused" => Decision::Refused,
            _ => Decision::Pending,
        },
        decided_by: r.opt_int("decided_by")?.map(AccountId),
        decided_on: r.opt_date("decided_on")?,
        decision_note: r.opt_text("decision_note")?,
    })
}

pub async fn requests_of(conn: &mut AnyConnection, item: WorkItemId) -> Result<Vec<RequestRow>> {
    let rows = sqlx::query(&format!(
        "SELECT {REQUEST_COLUMNS} FROM work_item_requests WHERE work_item_id = $1 ORDER BY id"
    ))
    .bind(item.0)
    .fetch_all(conn)
    .await?;
    rows.iter().map(request_from_row).collect()
}

/// The requests of several items in one read, by item, oldest first.
pub async fn requests_of_items(
    conn: &mut AnyConnection,
    items: &[WorkItemId],
) -> Result<std::collections::HashMap<WorkItemId, Vec<RequestRow>>> {
    let mut out: std::collections::HashMap<WorkItemId, Vec<RequestRow>> = Default::default();
    if items.is_empty() {
        return Ok(out);
    }
    let list = crate::sql::id_list(items.iter().map(|i| i.0));
    let rows = sqlx::query(&format!(
        "SELECT {REQUEST_COLUMNS} FROM work_item_requests WHERE work_item_id IN ({list}) ORDER BY id"
    ))
    .fetch_all(conn)
    .await?;
    for r in &rows {
        let row = request_from_row(r)?;
        out.entry(row.work_item_id).or_default().push(row);
    }
    Ok(out)
}

/// The requests of every item of a document, by item, oldest first (one read for a whole
/// plan's states).
pub async fn requests_of_document(
    conn: &mut AnyConnection,
    document: DocumentId,
) -> Result<std::collections::HashMap<WorkItemId, Vec<RequestRow>>> {
    let rows = sqlx::query(&format!(
        "SELECT {REQUEST_COLUMNS} FROM work_item_requests WHERE work_item_id IN \
         (SELECT id FROM work_items WHERE document_id = $1) ORDER BY id"
    ))
    .bind(document.0)
    .fetch_all(conn)
    .await?;
    let mut out: std::collections::HashMap<WorkItemId, Vec<RequestRow>> = Default::default();
    for r in &rows {
        let row = request_from_row(r)?;
        out.entry(row.work_item_id).or_default().push(row);
    }
    Ok(out)
}
