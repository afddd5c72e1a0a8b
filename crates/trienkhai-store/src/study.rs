//! Study sessions (C10): the sessions a unit holds to study a document, each with what it
//! recorded per audience, and the per-unit sums a roll-up up the tree is made of.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::AnyConnection;
use trienkhai_core::attendance::{Audience, SessionCount, StudyMode};
use trienkhai_core::ids::{DocumentId, UnitId};

use crate::sql::{self, RowExt};
use crate::{Result, StoreError};

/// A session as recorded, with its counts by audience (in [`Audience::ALL`] order).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct StudySession {
    pub id: i64,
    pub document_id: DocumentId,
    pub unit_id: UnitId,
    pub held_on: NaiveDate,
    pub place: String,
    pub mode: StudyMode,
    /// A make-up session (*học bù*): it counts only who came.
    pub makeup: bool,
    pub note: Option<String>,
    pub counts: Vec<(Audience, SessionCount)>,
}

/// A session to record.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub document_id: DocumentId,
    pub unit_id: UnitId,
    pub held_on: NaiveDate,
    pub place: String,
    pub mode: StudyMode,
    pub makeup: bool,
    pub note: Option<String>,
    pub counts: Vec<(Audience, SessionCount)>,
}

fn corrupt(e: impl ToString) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

/// A count or a sum of counts; a sum past `u32::MAX` (thousands of sessions of a million
/// each, which input bounds prevent) is held at the top rather than failing the read.
fn count(r: &sqlx::any::AnyRow, col: &str) -> Result<u32> {
    let n = r.int(col)?;
    if n < 0 {
        return Err(corrupt(format!("{col} = {n}")));
    }
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Records a session and its counts.
pub async fn insert_session(
    conn: &mut AnyConnection,
    new: &NewSession,
    now: DateTime<Utc>,
) -> Result<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO study_sessions (document_id, unit_id, held_on, place, mode, makeup, note, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(new.document_id.0)
    .bind(new.unit_id.0)
    .bind(sql::date(new.held_on))
    .bind(&new.place)
    .bind(new.mode.as_str())
    .bind(i64::from(new.makeup))
    .bind(new.note.as_deref())
    .bind(sql::instant(now))
    .fetch_one(&mut *conn)
    .await
    .map_err(StoreError::classify)?;
    for (audience, c) in &new.counts {
        sqlx::query(
            "INSERT INTO study_attendance (session_id, audience, required, present, excused) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(audience.as_str())
        .bind(i64::from(c.required))
        .bind(i64::from(c.present))
        .bind(i64::from(c.excused))
        .execute(&mut *conn)
        .await
        .map_err(StoreError::classify)?;
    }
    Ok(id)
}

/// Forgets a session recorded by mistake, with its counts.
pub async fn delete_session(conn: &mut AnyConnection, id: i64) -> Result<()> {
    sqlx::query("DELETE FROM study_attendance WHERE session_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    let done = sqlx::query("DELETE FROM study_sessions WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

const SESSION_COLUMNS: &str = "s.id, s.document_id, s.unit_id, s.held_on, s.place, s.mode, \
     s.makeup, s.note, a.audience, a.required, a.present, a.excused";

/// Sessions with their counts, from rows joined one per audience.
fn sessions_from_rows(rows: &[sqlx::any::AnyRow]) -> Result<Vec<StudySession>> {
    let mut out: Vec<StudySession> = Vec::new();
    for r in rows {
        let id = r.int("id")?;
        if out.last().is_none_or(|s| s.id != id) {
            out.push(StudySession {
                id,
                document_id: DocumentId(r.int("document_id")?),
                unit_id: UnitId(r.int("unit_id")?),
                held_on: r.date("held_on")?,
                place: r.text("place")?,
                mode: StudyMode::parse(&r.text("mode")?).map_err(corrupt)?,
                makeup: r.flag("makeup")?,
                note: r.opt_text("note")?,
                counts: Vec::new(),
            });
        }
        if let (Some(session), Some(audience)) = (out.last_mut(), r.opt_text("audience")?) {
            session.counts.push((
                Audience::parse(&audience).map_err(corrupt)?,
                SessionCount {
                    required: count(r, "required")?,
                    present: count(r, "present")?,
                    excused: count(r, "excused")?,
                },
            ));
        }
    }
    for s in &mut out {
        s.counts.sort_by_key(|(a, _)| *a);
    }
    Ok(out)
}

pub async fn get_session(conn: &mut AnyConnection, id: i64) -> Result<StudySession> {
    let rows = sqlx::query(&format!(
        "SELECT {SESSION_COLUMNS} FROM study_sessions s \
         LEFT JOIN study_attendance a ON a.session_id = s.id WHERE s.id = $1"
    ))
    .bind(id)
    .fetch_all(conn)
    .await?;
    sessions_from_rows(&rows)?.pop().ok_or(StoreError::NotFound)
}

/// The sessions of a document held by a unit, oldest first.
pub async fn sessions_of(
    conn: &mut AnyConnection,
    document: DocumentId,
    unit: UnitId,
) -> Result<Vec<StudySession>> {
    let rows = sqlx::query(&format!(
        "SELECT {SESSION_COLUMNS} FROM study_sessions s \
         LEFT JOIN study_attendance a ON a.session_id = s.id \
         WHERE s.document_id = $1 AND s.unit_id = $2 ORDER BY s.held_on, s.id"
    ))
    .bind(document.0)
    .bind(unit.0)
    .fetch_all(conn)
    .await?;
    sessions_from_rows(&rows)
}

/// What a unit's sessions of a document add up to for one audience.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnitSums {
    pub unit_id: UnitId,
    pub audience: Audience,
    /// Over its regular sessions.
    pub regular: SessionCount,
    /// Who came to its make-up sessions.
    pub made_up: u32,
}

/// Every unit's sums for a document, in one read: what the roll-up up the tree adds.
pub async fn sums_by_unit(conn: &mut AnyConnection, document: DocumentId) -> Result<Vec<UnitSums>> {
    let rows = sqlx::query(
        "SELECT s.unit_id, a.audience, \
         CAST(SUM(CASE WHEN s.makeup = 0 THEN a.required ELSE 0 END) AS BIGINT) AS required, \
         CAST(SUM(CASE WHEN s.makeup = 0 THEN a.present ELSE 0 END) AS BIGINT) AS present, \
         CAST(SUM(CASE WHEN s.makeup = 0 THEN a.excused ELSE 0 END) AS BIGINT) AS excused, \
         CAST(SUM(CASE WHEN s.makeup = 1 THEN a.present ELSE 0 END) AS BIGINT) AS made_up, \
         CAST(COUNT(*) AS BIGINT) AS sessions \
         FROM study_sessions s JOIN study_attendance a ON a.session_id = s.id \
         WHERE s.document_id = $1 GROUP BY s.unit_id, a.audience",
    )
    .bind(document.0)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(UnitSums {
                unit_id: UnitId(r.int("unit_id")?),
                audience: Audience::parse(&r.text("audience")?).map_err(corrupt)?,
                regular: SessionCount {
                    required: count(r, "required")?,
                    present: count(r, "present")?,
                    excused: count(r, "excused")?,
                },
                made_up: count(r, "made_up")?,
            })
        })
        .collect()
}

/// How many sessions (regular and make-up) each unit held for a document.
pub async fn session_counts_by_unit(
    conn: &mut AnyConnection,
    document: DocumentId,
) -> Result<Vec<(UnitId, u32)>> {
    let rows = sqlx::query(
        "SELECT unit_id, CAST(COUNT(*) AS BIGINT) AS sessions FROM study_sessions \
         WHERE document_id = $1 GROUP BY unit_id",
    )
    .bind(document.0)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| Ok((UnitId(r.int("unit_id")?), count(r, "sessions")?)))
        .collect()
}

/// The day of a document's latest session, if it has any.
pub async fn latest_session_day(
    conn: &mut AnyConnection,
    document: DocumentId,
) -> Result<Option<NaiveDate>> {
    let day: Option<String> =
        sqlx::query_scalar("SELECT MAX(held_on) FROM study_sessions WHERE document_id = $1")
            .bind(document.0)
            .fetch_one(conn)
            .await?;
    day.as_deref().map(sql::parse_date).transpose()
}
