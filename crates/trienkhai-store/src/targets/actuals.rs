//! What units report: one value at a time with the version its writer read, a unit's values of
//! a period in a batch, imports in bulk, and the roll-up's bulk read (packed rows).

use super::*;
use crate::sql::{self, RowExt};
use crate::{Result, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use sqlx::AnyConnection;
use trienkhai_core::ids::{AccountId, ActualId, TargetId, UnitId};
use trienkhai_core::period::Period;
use trienkhai_core::reporting::{Counted, ReportState};
use trienkhai_core::rollup::Observation;

/// What a unit reported for a target and a period.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Actual {
    pub id: ActualId,
    pub target_id: TargetId,
    pub unit_id: UnitId,
    pub period: Period,
    pub observation: Observation,
    pub note: Option<String>,
    pub source: String,
    pub recorded_by: Option<AccountId>,
    pub recorded_at: DateTime<Utc>,
    pub row_version: i64,
}

pub struct NewActual<'a> {
    pub target_id: TargetId,
    pub unit_id: UnitId,
    pub period: Period,
    pub observation: &'a Observation,
    pub note: Option<&'a str>,
    pub source: &'a str,
    pub recorded_by: Option<AccountId>,
}

pub(super) fn observation_columns(
    o: &Observation,
) -> (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
    i64,
) {
    match o {
        Observation::Value { value } => (Some(decimal_text(*value)), None, None, None, 0),
        Observation::Ratio {
            numerator,
            denominator,
        } => (
            None,
            Some(decimal_text(*numerator)),
            Some(decimal_text(*denominator)),
            None,
            0,
        ),
        Observation::Flag { value } => (None, None, None, Some(i64::from(*value)), 0),
        Observation::NotApplicable => (None, None, None, None, 1),
    }
}

/// A row as [`reported_within`] reads it back: `unit|period|value|numerator|denominator|flag|
/// n/a`, empty for none, `-1` for no flag.
pub(super) fn pack(unit: UnitId, period: Period, o: &Observation) -> String {
    let (value, numerator, denominator, flag, not_applicable) = observation_columns(o);
    format!(
        "{}|{}|{}|{}|{}|{}|{}",
        unit.0,
        period,
        value.unwrap_or_default(),
        numerator.unwrap_or_default(),
        denominator.unwrap_or_default(),
        flag.unwrap_or(-1),
        not_applicable
    )
}

pub(super) fn observation_from_row(r: &sqlx::any::AnyRow) -> Result<Observation> {
    if r.int("not_applicable")? != 0 {
        return Ok(Observation::NotApplicable);
    }
    if let Some(flag) = r.opt_int("flag")? {
        return Ok(Observation::Flag { value: flag != 0 });
    }
    match (
        opt_decimal(r, "value")?,
        opt_decimal(r, "numerator")?,
        opt_decimal(r, "denominator")?,
    ) {
        (Some(value), _, _) => Ok(Observation::Value { value }),
        (None, Some(numerator), Some(denominator)) => Ok(Observation::Ratio {
            numerator,
            denominator,
        }),
        _ => Err(StoreError::Corrupt("an actual without a value".into())),
    }
}

pub(super) const ACTUAL_COLUMNS: &str = "id, target_id, unit_id, period, value, numerator, denominator, flag, not_applicable, note, \
     source, recorded_by, recorded_at, row_version";

pub(super) fn actual_from_row(r: &sqlx::any::AnyRow) -> Result<Actual> {
    Ok(Actual {
        id: ActualId(r.int("id")?),
        target_id: TargetId(r.int("target_id")?),
        unit_id: UnitId(r.int("unit_id")?),
        period: period_of(r)?,
        observation: observation_from_row(r)?,
        note: r.opt_text("note")?,
        source: r.text("source")?,
        recorded_by: r.opt_int("recorded_by")?.map(AccountId),
        recorded_at: r.instant("recorded_at")?,
        row_version: r.int("row_version")?,
    })
}

pub async fn get_actual(
    conn: &mut AnyConnection,
    target: TargetId,
    unit: UnitId,
    period: Period,
) -> Result<Option<Actual>> {
    let row = sqlx::query(&format!(
        "SELECT {ACTUAL_COLUMNS} FROM actuals WHERE target_id = $1 AND unit_id = $2 AND period = $3"
    ))
    .bind(target.0)
    .bind(unit.0)
    .bind(period.to_string())
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(actual_from_row).transpose()
}

/// Records a unit's value. `expected_version` is the version the writer last saw, `None` when
/// it saw none: a value written in between is a conflict, never overwritten.
pub async fn put_actual(
    conn: &mut AnyConnection,
    new: &NewActual<'_>,
    expected_version: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Actual> {
    let (value, numerator, denominator, flag, not_applicable) =
        observation_columns(new.observation);
    let written = match expected_version {
        None => {
            let (start, end) = new.period.dates();
            sqlx::query(
                "INSERT INTO actuals (target_id, unit_id, period, period_start, period_end, value, numerator, denominator, \
                 flag, not_applicable, note, source, recorded_by, recorded_at, packed) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
                 ON CONFLICT (target_id, unit_id, period) DO NOTHING",
            )
            .bind(new.target_id.0)
            .bind(new.unit_id.0)
            .bind(new.period.to_string())
            .bind(sql::date(start))
            .bind(sql::date(end))
            .bind(value)
            .bind(numerator)
            .bind(denominator)
            .bind(flag)
            .bind(not_applicable)
            .bind(new.note)
            .bind(new.source)
            .bind(new.recorded_by.map(|a| a.0))
            .bind(sql::instant(now))
            .bind(pack(new.unit_id, new.period, new.observation))
            .execute(&mut *conn)
            .await?
            .rows_affected()
        }
        Some(version) => sqlx::query(
            "UPDATE actuals SET value = $1, numerator = $2, denominator = $3, flag = $4, not_applicable = $5, \
             note = $6, source = $7, recorded_by = $8, recorded_at = $9, row_version = row_version + 1, packed = $14 \
             WHERE target_id = $10 AND unit_id = $11 AND period = $12 AND row_version = $13",
        )
        .bind(value)
        .bind(numerator)
        .bind(denominator)
        .bind(flag)
        .bind(not_applicable)
        .bind(new.note)
        .bind(new.source)
        .bind(new.recorded_by.map(|a| a.0))
        .bind(sql::instant(now))
        .bind(new.target_id.0)
        .bind(new.unit_id.0)
        .bind(new.period.to_string())
        .bind(version)
        .bind(pack(new.unit_id, new.period, new.observation))
        .execute(&mut *conn)
        .await?
        .rows_affected(),
    };
    if written == 0 {
        return Err(StoreError::Conflict);
    }
    get_actual(conn, new.target_id, new.unit_id, new.period)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Removes a unit's value when `expected_version` is still current.
pub async fn delete_actual(
    conn: &mut AnyConnection,
    target: TargetId,
    unit: UnitId,
    period: Period,
    expected_version: i64,
) -> Result<()> {
    let done = sqlx::query(
        "DELETE FROM actuals WHERE target_id = $1 AND unit_id = $2 AND period = $3 AND row_version = $4",
    )
    .bind(target.0)
    .bind(unit.0)
    .bind(period.to_string())
    .bind(expected_version)
    .execute(conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict);
    }
    Ok(())
}

/// How many shards a target's units are counted in: a unit's values move the counter of shard
/// `unit_id % UNIT_SHARDS` of their year (`target_year_shards`, moved by the database's
/// triggers), so concurrent reports rarely queue on one row and a figure can re-read only the
/// units whose shard moved.
pub const UNIT_SHARDS: usize = 32;

/// The shard of a unit's values.
pub fn unit_shard(unit: UnitId) -> usize {
    // Unit ids are positive: the remainder is the one SQL's `%` gives.
    (unit.0.rem_euclid(UNIT_SHARDS as i64)) as usize
}

/// Which units a bulk read of values covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnitShards {
    All,
    /// Only the units of these shards (each below [`UNIT_SHARDS`]).
    Only(Vec<usize>),
}

impl UnitShards {
    /// The SQL condition on `column` (numbers made here, not user input: safe inside a query).
    /// Every unit is every shard named: the values' index is by target, shard and period, and
    /// 32 ranges of it are as quick as the one range of an index without the shard.
    fn condition(&self, column: &str) -> String {
        match self {
            UnitShards::All => UnitShards::Only((0..UNIT_SHARDS).collect()).condition(column),
            UnitShards::Only(shards) => {
                let list: Vec<String> = shards
                    .iter()
                    .filter(|s| **s < UNIT_SHARDS)
                    .map(|s| s.to_string())
                    .collect();
                if list.is_empty() {
                    " AND 1 = 0".to_owned()
                } else {
                    format!(" AND {column} % {UNIT_SHARDS} IN ({})", list.join(", "))
                }
            }
        }
    }

    pub fn contains(&self, unit: UnitId) -> bool {
        match self {
            UnitShards::All => true,
            UnitShards::Only(shards) => shards.contains(&unit_shard(unit)),
        }
    }
}

/// One reported value, the lean form the roll-up reads in bulk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reported {
    pub unit_id: UnitId,
    pub period: Period,
    pub observation: Observation,
}

/// Every value of a target reported for a period inside `[start, end]`.
///
/// This is the roll-up's bulk read (a province month is 3,000 rows, its year 40,000). The rows
/// come back packed into one text (`unit|period|value|numerator|denominator|flag|n/a`, `;`
/// between rows): the driver's cost is per value and per row handed over, not per byte
/// (BENCHMARKS.md). Each row's text is written with its values (`packed`), so the database
/// only concatenates.
///
/// With `at`, the values that counted at that instant (see [`counted_filter`]); with `shards`,
/// only the units of those shards (see [`UnitShards`]).
pub async fn reported_within(
    conn: &mut AnyConnection,
    target: TargetId,
    start: NaiveDate,
    end: NaiveDate,
    counted: Counted,
    at: Option<DateTime<Utc>>,
    shards: &UnitShards,
) -> Result<Vec<Reported>> {
    // The rows travel as one text: the driver hands rows from its worker thread one at a time,
    // and at 3,000 to 40,000 rows that hand-over, not SQLite, is the cost.
    let concat = if conn.backend_name().eq_ignore_ascii_case("postgresql") {
        "string_agg"
    } else {
        "group_concat"
    };
    let filter = counted_filter(counted, at);
    let units = shards.condition("unit_id");
    let packed: Option<String> = sqlx::query_scalar(&format!(
        "SELECT {concat}(packed, ';') FROM actuals \
         WHERE target_id = $1{units} AND period_start >= $2 AND period_start <= $3 AND period_end <= $3{filter}"
    ))
    .bind(target.0)
    .bind(sql::date(start))
    .bind(sql::date(end))
    .fetch_one(conn)
    .await?;
    match packed {
        None => Ok(Vec::new()),
        Some(text) if text.is_empty() => Ok(Vec::new()),
        Some(text) => {
            // Most rows share their period: parse each distinct one once.
            let mut last: Option<(&str, Period)> = None;
            text.split(';')
                .map(|row| unpack_reported(row, &mut last))
                .collect()
        }
    }
}

/// The condition keeping only values that count: outside any report, or in a counted state.
///
/// At a past instant `at`: a report's value counts if it was recorded by then and its report
/// was then in a counted state, read from the report's state now and the instants of its last
/// submission and review as `ReportState::at` does (the two are checked against each other in
/// the tests). Values outside reports (imports, records typed in) are records of their period
/// and count at every instant.
pub(super) fn counted_filter(counted: Counted, at: Option<DateTime<Utc>>) -> String {
    let Some(at) = at else {
        if counted == Counted::Any {
            return String::new();
        }
        let states: Vec<String> = counted
            .states()
            .iter()
            .map(|s| format!("'{}'", s.as_str()))
            .collect();
        return format!(
            " AND (report_id IS NULL OR report_id IN (SELECT id FROM reports WHERE state IN ({})))",
            states.join(", ")
        );
    };
    // A fixed-width instant made here, not user input: safe inside the query.
    let at = sql::instant(at);
    let counted_then = match counted {
        Counted::Accepted => format!("state = 'accepted' AND reviewed_at <= '{at}'"),
        Counted::Submitted => format!(
            "(state = 'accepted' AND reviewed_at <= '{at}') OR (submitted_at <= '{at}' \
             AND (state IN ('submitted', 'accepted') OR (state = 'returned' AND reviewed_at > '{at}')))"
        ),
        Counted::Any => "1 = 1".to_owned(),
    };
    format!(
        " AND (report_id IS NULL OR (recorded_at <= '{at}' AND report_id IN \
         (SELECT id FROM reports WHERE {counted_then})))"
    )
}

/// Values of a target within `[start, end]` left out because their report is not in a counted
/// state yet: the unit, the period and the report's state.
///
/// With `at`: the values recorded by then whose report was then in a state that does not
/// count, with that state. With `shards`, only the units of those shards.
pub async fn pending_within(
    conn: &mut AnyConnection,
    target: TargetId,
    start: NaiveDate,
    end: NaiveDate,
    counted: Counted,
    at: Option<DateTime<Utc>>,
    shards: &UnitShards,
) -> Result<Vec<(UnitId, Period, ReportState)>> {
    if counted == Counted::Any {
        return Ok(Vec::new());
    }
    let states: Vec<String> = counted
        .states()
        .iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect();
    let filter = match at {
        // A fixed-width instant made here, not user input: safe inside the query.
        Some(at) => format!(" AND a.recorded_at <= '{}'", sql::instant(at)),
        None => format!(" AND r.state NOT IN ({})", states.join(", ")),
    };
    let units = shards.condition("a.unit_id");
    let rows = sqlx::query(&format!(
        "SELECT a.unit_id, a.period, r.state, r.submitted_at, r.reviewed_at FROM actuals a \
         JOIN reports r ON r.id = a.report_id \
         WHERE a.target_id = $1{units} AND a.period_start >= $2 AND a.period_start <= $3 AND a.period_end <= $3 \
         AND a.report_id IS NOT NULL{filter}"
    ))
    .bind(target.0)
    .bind(sql::date(start))
    .bind(sql::date(end))
    .fetch_all(conn)
    .await?;
    let mut pending = Vec::with_capacity(rows.len());
    for r in &rows {
        let corrupt = |e: trienkhai_core::error::DomainError| StoreError::Corrupt(e.to_string());
        let mut state = ReportState::parse(&r.text("state")?).map_err(corrupt)?;
        if let Some(at) = at {
            state = state.at(
                r.opt_instant("submitted_at")?,
                r.opt_instant("reviewed_at")?,
                at,
            );
            if counted.states().contains(&state) {
                continue;
            }
        }
        pending.push((UnitId(r.int("unit_id")?), period_of(r)?, state));
    }
    // Sorted here, not by the query: asked to sort by unit, SQLite walks the target's every
    // value in the unique index's order instead of the period's range of the values' index.
    pending.sort_by_key(|(unit, period, _)| (unit.0, period.dates().0));
    Ok(pending)
}

/// Reads a row packed by [`reported_within`].
pub(super) fn unpack_reported<'a>(
    packed: &'a str,
    last: &mut Option<(&'a str, Period)>,
) -> Result<Reported> {
    let corrupt = || StoreError::Corrupt(format!("packed actual {packed:?}"));
    let mut parts = packed.split('|');
    let mut next = || parts.next().ok_or_else(corrupt);
    let unit = next()?.parse::<i64>().map_err(|_| corrupt())?;
    let period_text = next()?;
    let period = match last {
        Some((text, period)) if *text == period_text => *period,
        _ => {
            let period = Period::parse(period_text).map_err(|_| corrupt())?;
            *last = Some((period_text, period));
            period
        }
    };
    let decimal = |s: &str| -> Result<Option<Decimal>> {
        if s.is_empty() {
            Ok(None)
        } else {
            parse_decimal(s).map(Some)
        }
    };
    let (value, numerator, denominator) = (decimal(next()?)?, decimal(next()?)?, decimal(next()?)?);
    let flag = next()?;
    let not_applicable = next()? != "0";
    let observation = if not_applicable {
        Observation::NotApplicable
    } else if flag != "-1" {
        Observation::Flag { value: flag != "0" }
    } else {
        match (value, numerator, denominator) {
            (Some(value), _, _) => Observation::Value { value },
            (None, Some(numerator), Some(denominator)) => Observation::Ratio {
                numerator,
                denominator,
            },
            _ => return Err(corrupt()),
        }
    };
    Ok(Reported {
        unit_id: UnitId(unit),
        period,
        observation,
    })
}

/// The values a unit reported for a target, oldest first.
pub async fn actuals_of_unit(
    conn: &mut AnyConnection,
    target: TargetId,
    unit: UnitId,
) -> Result<Vec<Actual>> {
    let rows = sqlx::query(&format!(
        "SELECT {ACTUAL_COLUMNS} FROM actuals WHERE target_id = $1 AND unit_id = $2 ORDER BY period_start, period_end"
    ))
    .bind(target.0)
    .bind(unit.0)
    .fetch_all(conn)
    .await?;
    rows.iter().map(actual_from_row).collect()
}

/// Inserts many new values of one target at once (imports, the data generator), in statements
/// of several hundred rows; any value already there makes the whole call fail.
pub async fn bulk_insert_actuals(
    conn: &mut AnyConnection,
    target: TargetId,
    rows: &[(UnitId, Period, Observation)],
    source: &str,
    now: DateTime<Utc>,
) -> Result<u64> {
    const PER_STATEMENT: usize = 300;
    let recorded_at = sql::instant(now);
    let mut written = 0;
    for chunk in rows.chunks(PER_STATEMENT) {
        let mut query = String::from(
            "INSERT INTO actuals (target_id, unit_id, period, period_start, period_end, value, numerator, \
             denominator, flag, not_applicable, source, recorded_at, packed) VALUES ",
        );
        for i in 0..chunk.len() {
            if i > 0 {
                query.push_str(", ");
            }
            let placeholders: Vec<String> = (1..=13).map(|k| format!("${}", i * 13 + k)).collect();
            query.push('(');
            query.push_str(&placeholders.join(", "));
            query.push(')');
        }
        let mut q = sqlx::query(&query);
        for (unit, period, observation) in chunk {
            let (start, end) = period.dates();
            let (value, numerator, denominator, flag, not_applicable) =
                observation_columns(observation);
            q = q
                .bind(target.0)
                .bind(unit.0)
                .bind(period.to_string())
                .bind(sql::date(start))
                .bind(sql::date(end))
                .bind(value)
                .bind(numerator)
                .bind(denominator)
                .bind(flag)
                .bind(not_applicable)
                .bind(source.to_owned())
                .bind(recorded_at.clone())
                .bind(pack(*unit, *period, observation));
        }
        written += q
            .execute(&mut *conn)
            .await
            .map_err(StoreError::classify)?
            .rows_affected();
    }
    Ok(written)
}

/// Every value a unit reported for a period, whatever the target (a report's sheet).
pub async fn actuals_of_unit_period(
    conn: &mut AnyConnection,
    unit: UnitId,
    period: Period,
) -> Result<Vec<Actual>> {
    let rows = sqlx::query(&format!(
        "SELECT {ACTUAL_COLUMNS} FROM actuals WHERE unit_id = $1 AND period = $2 ORDER BY target_id"
    ))
    .bind(unit.0)
    .bind(period.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter().map(actual_from_row).collect()
}

/// One value of a batch: the target, what is reported, and the version the writer last saw
/// (`None` when there was no value).
pub struct BatchValue<'a> {
    pub target_id: TargetId,
    pub observation: &'a Observation,
    pub note: Option<&'a str>,
    pub expected_version: Option<i64>,
}

/// Writes a unit's values of one period at once, all belonging to `report` (a report's draft):
/// new values in multi-row inserts, changed ones checked against the version each writer saw.
/// Any value written by someone else in between is a conflict for the whole batch.
#[allow(clippy::too_many_arguments)]
pub async fn put_actuals_batch(
    conn: &mut AnyConnection,
    unit: UnitId,
    period: Period,
    report: Option<i64>,
    values: &[BatchValue<'_>],
    source: &str,
    recorded_by: Option<AccountId>,
    now: DateTime<Utc>,
) -> Result<()> {
    if values.is_empty() {
        return Ok(());
    }
    let (start, end) = period.dates();
    let fresh: Vec<&BatchValue> = values
        .iter()
        .filter(|v| v.expected_version.is_none())
        .collect();
    const PER_STATEMENT: usize = 50;
    for chunk in fresh.chunks(PER_STATEMENT) {
        let mut sql = String::from(
            "INSERT INTO actuals (target_id, unit_id, period, period_start, period_end, value, numerator, denominator, \
             flag, not_applicable, note, source, recorded_by, recorded_at, packed, report_id) VALUES ",
        );
        for i in 0..chunk.len() {
            let b = i * 16;
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            sql.push_str(
                &(1..=16)
                    .map(|k| format!("${}", b + k))
                    .collect::<Vec<_>>()
                    .join(", "),
            );
            sql.push(')');
        }
        sql.push_str(" ON CONFLICT (target_id, unit_id, period) DO NOTHING");
        let mut q = sqlx::query(&sql);
        for v in chunk {
            let (value, numerator, denominator, flag, not_applicable) =
                observation_columns(v.observation);
            q = q
                .bind(v.target_id.0)
                .bind(unit.0)
                .bind(period.to_string())
                .bind(sql::date(start))
                .bind(sql::date(end))
                .bind(value)
                .bind(numerator)
                .bind(denominator)
                .bind(flag)
                .bind(not_applicable)
                .bind(v.note)
                .bind(source)
                .bind(recorded_by.map(|a| a.0))
                .bind(sql::instant(now))
                .bind(pack(unit, period, v.observation))
                .bind(report);
        }
        if q.execute(&mut *conn).await?.rows_affected() != chunk.len() as u64 {
            return Err(StoreError::Conflict);
        }
    }
    for v in values.iter().filter(|v| v.expected_version.is_some()) {
        let (value, numerator, denominator, flag, not_applicable) =
            observation_columns(v.observation);
        let done = sqlx::query(
            "UPDATE actuals SET value = $1, numerator = $2, denominator = $3, flag = $4, not_applicable = $5, \
             note = $6, source = $7, recorded_by = $8, recorded_at = $9, row_version = row_version + 1, packed = $14, \
             report_id = COALESCE($15, report_id) \
             WHERE target_id = $10 AND unit_id = $11 AND period = $12 AND row_version = $13",
        )
        .bind(value)
        .bind(numerator)
        .bind(denominator)
        .bind(flag)
        .bind(not_applicable)
        .bind(v.note)
        .bind(source)
        .bind(recorded_by.map(|a| a.0))
        .bind(sql::instant(now))
        .bind(v.target_id.0)
        .bind(unit.0)
        .bind(period.to_string())
        .bind(v.expected_version)
        .bind(pack(unit, period, v.observation))
        .bind(report)
        .execute(&mut *conn)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict);
        }
    }
    Ok(())
}
