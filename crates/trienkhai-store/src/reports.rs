//! Reporting cycles (C8): a plan's calendars and counting setting, corrections to the working
//! calendar, units' reports with their revisions and review, their work item lines and evidence.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::AnyConnection;
use trienkhai_core::ids::{AccountId, ActualId, DocumentId, UnitId, WorkItemId};
use trienkhai_core::period::Period;
use trienkhai_core::reporting::{Cadence, DeadlineRule, ReportState};

use crate::sql::{self, RowExt};
use crate::{Result, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Calendar {
    pub id: i64,
    pub document_id: DocumentId,
    pub cadence: Cadence,
    pub first_year: i32,
    pub last_year: i32,
    pub rule: DeadlineRule,
    pub row_version: i64,
}

pub async fn insert_calendar(
    conn: &mut AnyConnection,
    document: DocumentId,
    cadence: Cadence,
    years: (i32, i32),
    rule: DeadlineRule,
    now: DateTime<Utc>,
) -> Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO report_calendars (document_id, cadence, first_year, last_year, days_after_end, lead_days, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(document.0)
    .bind(cadence.as_str())
    .bind(i64::from(years.0))
    .bind(i64::from(years.1))
    .bind(i64::from(rule.days_after_end))
    .bind(i64::from(rule.lead_days))
    .bind(sql::instant(now))
    .fetch_one(conn)
    .await
    .map_err(StoreError::classify)
}

/// The plans that have a reporting calendar, in id order.
pub async fn documents_with_calendars(conn: &mut AnyConnection) -> Result<Vec<DocumentId>> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT DISTINCT document_id FROM report_calendars ORDER BY document_id",
    )
    .fetch_all(conn)
    .await?;
    Ok(ids.into_iter().map(DocumentId).collect())
}

pub async fn calendars_of(conn: &mut AnyConnection, document: DocumentId) -> Result<Vec<Calendar>> {
    let rows = sqlx::query(
        "SELECT id, document_id, cadence, first_year, last_year, days_after_end, lead_days, row_version \
         FROM report_calendars WHERE document_id = $1 ORDER BY id",
    )
    .bind(document.0)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            let corrupt =
                |e: trienkhai_core::error::DomainError| StoreError::Corrupt(e.to_string());
            Ok(Calendar {
                id: r.int("id")?,
                document_id: DocumentId(r.int("document_id")?),
                cadence: Cadence::parse(&r.text("cadence")?).map_err(corrupt)?,
                first_year: r.int("first_year")? as i32,
                last_year: r.int("last_year")? as i32,
                rule: DeadlineRule::new(
                    r.int("days_after_end")? as u32,
                    r.int("lead_days")? as u32,
                )
                .map_err(corrupt)?,
                row_version: r.int("row_version")?,
            })
        })
        .collect()
}

pub async fn delete_calendar(
    conn: &mut AnyConnection,
    id: i64,
    expected_version: i64,
) -> Result<()> {
    let done = sqlx::query("DELETE FROM report_calendars WHERE id = $1 AND row_version = $2")
        .bind(id)
        .bind(expected_version)
        .execute(conn)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict);
    }
    Ok(())
}

/// Which report states a plan's roll-ups count: `accepted` unless set otherwise.
pub async fn counted_states(conn: &mut AnyConnection, document: DocumentId) -> Result<String> {
    let found: Option<String> =
        sqlx::query_scalar("SELECT counted_states FROM plan_settings WHERE document_id = $1")
            .bind(document.0)
            .fetch_optional(conn)
            .await?;
    Ok(found.unwrap_or_else(|| "accepted".to_owned()))
}

pub async fn set_counted_states(
    conn: &mut AnyConnection,
    document: DocumentId,
    states: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO plan_settings (document_id, counted_states) VALUES ($1, $2) \
         ON CONFLICT (document_id) DO UPDATE SET counted_states = excluded.counted_states, \
         row_version = plan_settings.row_version + 1",
    )
    .bind(document.0)
    .bind(states)
    .execute(conn)
    .await?;
    Ok(())
}

/// A day that differs from the statutory calendar.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct CalendarDay {
    pub day: NaiveDate,
    /// Worked (a make-up Saturday) or off (a bridge).
    pub working: bool,
    pub note: Option<String>,
}

pub async fn set_calendar_day(conn: &mut AnyConnection, day: &CalendarDay) -> Result<()> {
    sqlx::query(
        "INSERT INTO calendar_days (day, kind, note) VALUES ($1, $2, $3) \
         ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, note = excluded.note",
    )
    .bind(sql::date(day.day))
    .bind(if day.working { "working" } else { "off" })
    .bind(day.note.clone())
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn remove_calendar_day(conn: &mut AnyConnection, day: NaiveDate) -> Result<()> {
    sqlx::query("DELETE FROM calendar_days WHERE day = $1")
        .bind(sql::date(day))
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn calendar_days(conn: &mut AnyConnection) -> Result<Vec<CalendarDay>> {
    let rows = sqlx::query("SELECT day, kind, note FROM calendar_days ORDER BY day")
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(CalendarDay {
                day: r.date("day")?,
                working: r.text("kind")? == "working",
                note: r.opt_text("note")?,
            })
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Report {
    pub id: i64,
    pub document_id: DocumentId,
    pub unit_id: UnitId,
    pub period: Period,
    pub revision: i64,
    pub state: ReportState,
    pub deadline: NaiveDate,
    pub narrative: Option<String>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub submitted_by: Option<AccountId>,
    pub late: bool,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub reviewed_by: Option<AccountId>,
    pub review_comment: Option<String>,
    pub row_version: i64,
}

const REPORT_COLUMNS: &str = "id, document_id, unit_id, period, revision, state, deadline, narrative, submitted_at, \
     submitted_by, late, reviewed_at, reviewed_by, review_comment, row_version";

fn report_from_row(r: &sqlx::any::AnyRow) -> Result<Report> {
    let corrupt = |e: trienkhai_core::error::DomainError| StoreError::Corrupt(e.to_string());
    Ok(Report {
        id: r.int("id")?,
        document_id: DocumentId(r.int("document_id")?),
        unit_id: UnitId(r.int("unit_id")?),
        period: Period::parse(&r.text("period")?).map_err(corrupt)?,
        revision: r.int("revision")?,
        state: ReportState::parse(&r.text("state")?).map_err(corrupt)?,
        deadline: r.date("deadline")?,
        narrative: r.opt_text("narrative")?,
        submitted_at: r.opt_instant("submitted_at")?,
        submitted_by: r.opt_int("submitted_by")?.map(AccountId),
        late: r.flag("late")?,
        reviewed_at: r.opt_instant("reviewed_at")?,
        reviewed_by: r.opt_int("reviewed_by")?.map(AccountId),
        review_comment: r.opt_text("review_comment")?,
        row_version: r.int("row_version")?,
    })
}

/// A draft report to open.
pub struct NewReport<'a> {
    pub document_id: DocumentId,
    pub unit_id: UnitId,
    pub period: Period,
    pub revision: i64,
    pub deadline: NaiveDate,
    /// A new revision carries the previous one's narrative.
    pub narrative: Option<&'a str>,
}

/// Opens a draft report; the same revision twice is a duplicate.
pub async fn insert_report(
    conn: &mut AnyConnection,
    new: &NewReport<'_>,
    now: DateTime<Utc>,
) -> Result<i64> {
    let (start, end) = new.period.dates();
    sqlx::query_scalar(
        "INSERT INTO reports (document_id, unit_id, period, period_start, period_end, revision, deadline, narrative, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
    )
    .bind(new.document_id.0)
    .bind(new.unit_id.0)
    .bind(new.period.to_string())
    .bind(sql::date(start))
    .bind(sql::date(end))
    .bind(new.revision)
    .bind(sql::date(new.deadline))
    .bind(new.narrative)
    .bind(sql::instant(now))
    .fetch_one(conn)
    .await
    .map_err(StoreError::classify)
}

pub async fn get_report(conn: &mut AnyConnection, id: i64) -> Result<Report> {
    let row = sqlx::query(&format!(
        "SELECT {REPORT_COLUMNS} FROM reports WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    report_from_row(&row)
}

/// The latest revision of a unit's report for a period, if any.
pub async fn current_report(
    conn: &mut AnyConnection,
    document: DocumentId,
    unit: UnitId,
    period: Period,
) -> Result<Option<Report>> {
    let row = sqlx::query(&format!(
        "SELECT {REPORT_COLUMNS} FROM reports WHERE document_id = $1 AND unit_id = $2 AND period = $3 \
         ORDER BY revision DESC LIMIT 1"
    ))
    .bind(document.0)
    .bind(unit.0)
    .bind(period.to_string())
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(report_from_row).transpose()
}

/// The latest revision of every unit's report of a plan for a period.
pub async fn reports_of_period(
    conn: &mut AnyConnection,
    document: DocumentId,
    period: Period,
) -> Result<Vec<Report>> {
    let rows = sqlx::query(&format!(
        "SELECT {REPORT_COLUMNS} FROM reports r WHERE document_id = $1 AND period = $2 AND revision = \
         (SELECT MAX(revision) FROM reports x WHERE x.document_id = r.document_id AND x.unit_id = r.unit_id \
          AND x.period = r.period) ORDER BY unit_id"
    ))
    .bind(document.0)
    .bind(period.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter().map(report_from_row).collect()
}

/// For every plan with reports, the periods of its latest reports (those starting last): what
/// its dashboards are opened on, computed at start.
pub async fn latest_reported_periods(
    conn: &mut AnyConnection,
) -> Result<Vec<(DocumentId, Period)>> {
    let rows = sqlx::query(
        "SELECT DISTINCT r.document_id, r.period FROM reports r \
         JOIN (SELECT document_id, MAX(period_start) AS latest FROM reports GROUP BY document_id) l \
         ON l.document_id = r.document_id AND l.latest = r.period_start \
         ORDER BY r.document_id, r.period",
    )
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            let period = Period::parse(&r.text("period")?)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            Ok((DocumentId(r.int("document_id")?), period))
        })
        .collect()
}

/// Every revision of a unit's report for a period, oldest first.
pub async fn revisions(
    conn: &mut AnyConnection,
    document: DocumentId,
    unit: UnitId,
    period: Period,
) -> Result<Vec<Report>> {
    let rows = sqlx::query(&format!(
        "SELECT {REPORT_COLUMNS} FROM reports WHERE document_id = $1 AND unit_id = $2 AND period = $3 ORDER BY revision"
    ))
    .bind(document.0)
    .bind(unit.0)
    .bind(period.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter().map(report_from_row).collect()
}

/// Saves a draft's narrative when `expected_version` is current.
pub async fn update_narrative(
    conn: &mut AnyConnection,
    id: i64,
    narrative: Option<&str>,
    expected_version: i64,
    now: DateTime<Utc>,
) -> Result<i64> {
    let new: Option<i64> = sqlx::query_scalar(
        "UPDATE reports SET narrative = $1, updated_at = $2, row_version = row_version + 1 \
         WHERE id = $3 AND row_version = $4 AND state IN ('draft', 'returned') RETURNING row_version",
    )
    .bind(narrative)
    .bind(sql::instant(now))
    .bind(id)
    .bind(expected_version)
    .fetch_optional(&mut *conn)
    .await?;
    match new {
        Some(v) => Ok(v),
        None => {
            get_report(conn, id).await?;
            Err(StoreError::Conflict)
        }
    }
}

/// A state change and who made it.
pub enum StateChange<'a> {
    Submitted {
        by: Option<AccountId>,
        late: bool,
    },
    Reviewed {
        by: Option<AccountId>,
        comment: Option<&'a str>,
    },
}

/// Moves a report to `state` when `expected_version` is current.
pub async fn set_state(
    conn: &mut AnyConnection,
    id: i64,
    state: ReportState,
    change: StateChange<'_>,
    expected_version: i64,
    now: DateTime<Utc>,
) -> Result<i64> {
    let at = sql::instant(now);
    let new: Option<i64> = match change {
        StateChange::Submitted { by, late } => sqlx::query_scalar(
            "UPDATE reports SET state = $1, submitted_at = $2, submitted_by = $3, late = $4, updated_at = $2, \
             row_version = row_version + 1 WHERE id = $5 AND row_version = $6 RETURNING row_version",
        )
        .bind(state.as_str())
        .bind(at)
        .bind(by.map(|a| a.0))
        .bind(i64::from(late))
        .bind(id)
        .bind(expected_version)
        .fetch_optional(&mut *conn)
        .await?,
        StateChange::Reviewed { by, comment } => sqlx::query_scalar(
            "UPDATE reports SET state = $1, reviewed_at = $2, reviewed_by = $3, review_comment = $4, updated_at = $2, \
             row_version = row_version + 1 WHERE id = $5 AND row_version = $6 RETURNING row_version",
        )
        .bind(state.as_str())
        .bind(at)
        .bind(by.map(|a| a.0))
        .bind(comment)
        .bind(id)
        .bind(expected_version)
        .fetch_optional(&mut *conn)
        .await?,
    };
    match new {
        Some(v) => Ok(v),
        None => {
            get_report(conn, id).await?;
            Err(StoreError::Conflict)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct ReportItem {
    pub report_id: i64,
    pub work_item_id: WorkItemId,
    pub percent: Option<i64>,
    pub narrative: Option<String>,
}

pub async fn put_report_item(conn: &mut AnyConnection, item: &ReportItem) -> Result<()> {
    sqlx::query(
        "INSERT INTO report_items (report_id, work_item_id, percent, narrative) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (report_id, work_item_id) DO UPDATE SET percent = excluded.percent, narrative = excluded.narrative",
    )
    .bind(item.report_id)
    .bind(item.work_item_id.0)
    .bind(item.percent)
    .bind(item.narrative.clone())
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn items_of_report(conn: &mut AnyConnection, report: i64) -> Result<Vec<ReportItem>> {
    let rows = sqlx::query(
        "SELECT report_id, work_item_id, percent, narrative FROM report_items WHERE report_id = $1 ORDER BY work_item_id",
    )
    .bind(report)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ReportItem {
                report_id: r.int("report_id")?,
                work_item_id: WorkItemId(r.int("work_item_id")?),
                percent: r.opt_int("percent")?,
                narrative: r.opt_text("narrative")?,
            })
        })
        .collect()
}

/// The lines of `items` in reports, each with its report (every revision, newest period
/// first): what units said of those items, month after month.
pub async fn lines_of_items(
    conn: &mut AnyConnection,
    items: &[WorkItemId],
) -> Result<Vec<(Report, ReportItem)>> {
    let mut out = Vec::new();
    for chunk in items.chunks(500) {
        let list = crate::sql::id_list(chunk.iter().map(|i| i.0));
        let rows = sqlx::query(&format!(
            "SELECT {cols}, i.work_item_id AS line_item, i.percent AS line_percent, \
             i.narrative AS line_narrative FROM report_items i JOIN reports r ON r.id = i.report_id \
             WHERE i.work_item_id IN ({list})",
            cols = REPORT_COLUMNS
                .split(", ")
                .map(|c| format!("r.{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        ))
        .fetch_all(&mut *conn)
        .await?;
        for r in &rows {
            let report = report_from_row(r)?;
            let line = ReportItem {
                report_id: report.id,
                work_item_id: WorkItemId(r.int("line_item")?),
                percent: r.opt_int("line_percent")?,
                narrative: r.opt_text("line_narrative")?,
            };
            out.push((report, line));
        }
    }
    out.sort_by(|(a, _), (b, _)| {
        (b.period.dates().1, b.revision, a.unit_id).cmp(&(
            a.period.dates().1,
            a.revision,
            b.unit_id,
        ))
    });
    Ok(out)
}

/// Marks a recorded value as part of a report (its state decides whether it counts).
pub async fn link_actual(conn: &mut AnyConnection, actual: ActualId, report: i64) -> Result<()> {
    let done = sqlx::query("UPDATE actuals SET report_id = $1 WHERE id = $2")
        .bind(report)
        .bind(actual.0)
        .execute(conn)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// The values recorded through a report.
pub async fn actuals_of_report(conn: &mut AnyConnection, report: i64) -> Result<Vec<ActualId>> {
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM actuals WHERE report_id = $1 ORDER BY id")
            .bind(report)
            .fetch_all(conn)
            .await?;
    Ok(ids.into_iter().map(ActualId).collect())
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Evidence {
    pub id: i64,
    pub report_id: i64,
    pub work_item_id: Option<WorkItemId>,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_at: DateTime<Utc>,
    pub uploaded_by: Option<AccountId>,
}

pub struct NewEvidence<'a> {
    pub report_id: i64,
    pub work_item_id: Option<WorkItemId>,
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub sha256: &'a str,
    pub content: &'a [u8],
    pub uploaded_by: Option<AccountId>,
}

pub async fn insert_evidence(
    conn: &mut AnyConnection,
    e: &NewEvidence<'_>,
    now: DateTime<Utc>,
) -> Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO evidence_files (report_id, work_item_id, file_name, content_type, size_bytes, sha256, content, \
         uploaded_at, uploaded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(e.report_id)
    .bind(e.work_item_id.map(|w| w.0))
    .bind(e.file_name)
    .bind(e.content_type)
    .bind(e.content.len() as i64)
    .bind(e.sha256)
    .bind(e.content.to_vec())
    .bind(sql::instant(now))
    .bind(e.uploaded_by.map(|a| a.0))
    .fetch_one(conn)
    .await
    .map_err(StoreError::classify)
}

const EVIDENCE_COLUMNS: &str = "id, report_id, work_item_id, file_name, content_type, size_bytes, sha256, uploaded_at, uploaded_by";

fn evidence_from_row(r: &sqlx::any::AnyRow) -> Result<Evidence> {
    Ok(Evidence {
        id: r.int("id")?,
        report_id: r.int("report_id")?,
        work_item_id: r.opt_int("work_item_id")?.map(WorkItemId),
        file_name: r.text("file_name")?,
        content_type: r.text("content_type")?,
        size_bytes: r.int("size_bytes")?,
        sha256: r.text("sha256")?,
        uploaded_at: r.instant("uploaded_at")?,
        uploaded_by: r.opt_int("uploaded_by")?.map(AccountId),
    })
}

pub async fn evidence_of(conn: &mut AnyConnection, report: i64) -> Result<Vec<Evidence>> {
    let rows = sqlx::query(&format!(
        "SELECT {EVIDENCE_COLUMNS} FROM evidence_files WHERE report_id = $1 ORDER BY id"
    ))
    .bind(report)
    .fetch_all(conn)
    .await?;
    rows.iter().map(evidence_from_row).collect()
}

/// An evidence file's record and its bytes.
pub async fn evidence_content(conn: &mut AnyConnection, id: i64) -> Result<(Evidence, Vec<u8>)> {
    use sqlx::Row;
    let row = sqlx::query(&format!(
        "SELECT {EVIDENCE_COLUMNS}, content FROM evidence_files WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    let content: Vec<u8> = row.try_get("content")?;
    Ok((evidence_from_row(&row)?, content))
}

/// A report as the generator writes it in bulk: its unit, period, state and lateness.
pub struct BulkReport {
    pub unit_id: UnitId,
    pub period: Period,
    pub state: ReportState,
    pub deadline: NaiveDate,
    pub late: bool,
    pub submitted_at: Option<DateTime<Utc>>,
    pub reviewed_at: Option<DateTime<Utc>>,
}

/// Writes many first revisions at once (the generator's reports), several rows per statement.
pub async fn bulk_insert_reports(
    conn: &mut AnyConnection,
    document: DocumentId,
    rows: &[BulkReport],
    now: DateTime<Utc>,
) -> Result<u64> {
    const PER_STATEMENT: usize = 200;
    let mut written = 0;
    for chunk in rows.chunks(PER_STATEMENT) {
        let mut sql = String::from(
            "INSERT INTO reports (document_id, unit_id, period, period_start, period_end, revision, state, deadline, \
             late, submitted_at, reviewed_at, created_at, updated_at) VALUES ",
        );
        for i in 0..chunk.len() {
            let b = i * 12;
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!(
                "(${}, ${}, ${}, ${}, ${}, 1, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5,
                b + 6,
                b + 7,
                b + 8,
                b + 9,
                b + 10,
                b + 11,
                b + 12
            ));
        }
        let mut q = sqlx::query(&sql);
        for r in chunk {
            let (start, end) = r.period.dates();
            q = q
                .bind(document.0)
                .bind(r.unit_id.0)
                .bind(r.period.to_string())
                .bind(sql::date(start))
                .bind(sql::date(end))
                .bind(r.state.as_str())
                .bind(sql::date(r.deadline))
                .bind(i64::from(r.late))
                .bind(r.submitted_at.map(sql::instant))
                .bind(r.reviewed_at.map(sql::instant))
                // Opened when it was sent, for reading the period as of a past day.
                .bind(sql::instant(r.submitted_at.unwrap_or(now)))
                .bind(sql::instant(now));
        }
        written += q.execute(&mut *conn).await?.rows_affected();
    }
    Ok(written)
}

/// How many reports of a plan for a period are submitted, and how many values are linked to
/// them (of their own unit and period): what a deadline spike must leave behind.
pub async fn submitted_with_values(
    conn: &mut AnyConnection,
    document: DocumentId,
    period: Period,
) -> Result<(i64, i64)> {
    let submitted: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM reports WHERE document_id = $1 AND period = $2 AND state = 'submitted'",
    )
    .bind(document.0)
    .bind(period.to_string())
    .fetch_one(&mut *conn)
    .await?;
    let linked: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM actuals a JOIN reports r ON r.id = a.report_id \
         WHERE r.document_id = $1 AND r.period = $2 AND r.state = 'submitted' \
         AND a.period = r.period AND a.unit_id = r.unit_id",
    )
    .bind(document.0)
    .bind(period.to_string())
    .fetch_one(conn)
    .await?;
    Ok((submitted, linked))
}

/// Where a unit's latest report of a period stands: the lean row a level's follow-up reads for
/// thousands of units at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportStatus {
    pub id: i64,
    pub unit_id: UnitId,
    pub revision: i64,
    pub state: ReportState,
    pub deadline: NaiveDate,
    pub late: bool,
    pub submitted_at: Option<DateTime<Utc>>,
    pub reviewed_at: Option<DateTime<Utc>>,
}

/// The latest revision's status of every unit's report of a plan for a period. The rows come
/// back packed in one text (`unit|id|revision|state|deadline|late|submitted|reviewed`, `;`
/// between rows): the
/// driver's cost is per value handed over (BENCHMARKS.md).
///
/// With `at`, the latest revision opened by then (a correction opened since is not there yet).
pub async fn statuses_of_period(
    conn: &mut AnyConnection,
    document: DocumentId,
    period: Period,
    backend: crate::Backend,
    at: Option<DateTime<Utc>>,
) -> Result<Vec<ReportStatus>> {
    let concat = match backend {
        crate::Backend::Sqlite => "group_concat(line, ';')",
        crate::Backend::Postgres => "string_agg(line, ';')",
    };
    // A fixed-width instant made here, not user input: safe inside the query.
    let opened = at.map_or(String::new(), |at| {
        format!(" AND x.created_at <= '{}'", sql::instant(at))
    });
    let packed: Option<String> = sqlx::query_scalar(&format!(
        "SELECT {concat} FROM (SELECT unit_id || '|' || id || '|' || revision || '|' || state || '|' || deadline \
         || '|' || late || '|' || COALESCE(submitted_at, '') || '|' || COALESCE(reviewed_at, '') \
         AS line FROM reports r WHERE document_id = $1 AND period = $2 AND revision = \
         (SELECT MAX(revision) FROM reports x WHERE x.document_id = r.document_id AND x.unit_id = r.unit_id \
          AND x.period = r.period{opened})) lines"
    ))
    .bind(document.0)
    .bind(period.to_string())
    .fetch_one(conn)
    .await?;
    let corrupt = |what: &str| StoreError::Corrupt(format!("a packed report status: {what}"));
    let mut out = Vec::new();
    for line in packed
        .as_deref()
        .unwrap_or("")
        .split(';')
        .filter(|l| !l.is_empty())
    {
        let mut f = line.split('|');
        let mut next = |what: &str| f.next().ok_or_else(|| corrupt(what));
        let unit: i64 = next("unit")?.parse().map_err(|_| corrupt("unit"))?;
        let id: i64 = next("id")?.parse().map_err(|_| corrupt("id"))?;
        let revision: i64 = next("revision")?.parse().map_err(|_| corrupt("revision"))?;
        let state = ReportState::parse(next("state")?).map_err(|_| corrupt("state"))?;
        let deadline = NaiveDate::parse_from_str(next("deadline")?, "%Y-%m-%d")
            .map_err(|_| corrupt("deadline"))?;
        let late = matches!(next("late")?, "1" | "true" | "t");
        let mut instant = |what: &str| -> Result<Option<DateTime<Utc>>> {
            match next(what)? {
                "" => Ok(None),
                text => sql::parse_instant(text).map(Some),
            }
        };
        let (submitted_at, reviewed_at) = (instant("submitted")?, instant("reviewed")?);
        out.push(ReportStatus {
            id,
            unit_id: UnitId(unit),
            revision,
            state,
            deadline,
            late,
            submitted_at,
            reviewed_at,
        });
    }
    Ok(out)
}
