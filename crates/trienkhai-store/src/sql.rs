//! The portable representation of values both backends share: dates, instants and flags as
//! text and integers, read back with a clear error when a stored value is malformed.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Result, StoreError};

const INSTANT_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.6fZ";

/// Ids joined for an `IN (…)` list. They are integers the database made, so putting them in
/// the query text is safe, and keeps a list of thousands off the argument limit.
pub fn id_list(ids: impl IntoIterator<Item = i64>) -> String {
    ids.into_iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

pub fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub fn opt_date(d: Option<NaiveDate>) -> Option<String> {
    d.map(date)
}

/// Fixed width, so that text order is time order on both backends.
pub fn instant(t: DateTime<Utc>) -> String {
    t.format(INSTANT_FORMAT).to_string()
}

pub fn parse_date(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| StoreError::Corrupt(format!("date {s:?}")))
}

pub fn parse_instant(s: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| StoreError::Corrupt(format!("instant {s:?}")))
}

/// Column readers for [`AnyRow`] that turn stored text back into typed values.
pub trait RowExt {
    fn text(&self, col: &str) -> Result<String>;
    fn opt_text(&self, col: &str) -> Result<Option<String>>;
    fn int(&self, col: &str) -> Result<i64>;
    fn opt_int(&self, col: &str) -> Result<Option<i64>>;
    fn flag(&self, col: &str) -> Result<bool> {
        Ok(self.int(col)? != 0)
    }
    fn date(&self, col: &str) -> Result<NaiveDate> {
        parse_date(&self.text(col)?)
    }
    fn opt_date(&self, col: &str) -> Result<Option<NaiveDate>> {
        self.opt_text(col)?.as_deref().map(parse_date).transpose()
    }
    fn instant(&self, col: &str) -> Result<DateTime<Utc>> {
        parse_instant(&self.text(col)?)
    }
    fn opt_instant(&self, col: &str) -> Result<Option<DateTime<Utc>>> {
        self.opt_text(col)?
            .as_deref()
            .map(parse_instant)
            .transpose()
    }
}

impl RowExt for AnyRow {
    fn text(&self, col: &str) -> Result<String> {
        Ok(self.try_get::<String, _>(col)?)
    }
    fn opt_text(&self, col: &str) -> Result<Option<String>> {
        Ok(self.try_get::<Option<String>, _>(col)?)
    }
    fn int(&self, col: &str) -> Result<i64> {
        Ok(self.try_get::<i64, _>(col)?)
    }
    fn opt_int(&self, col: &str) -> Result<Option<i64>> {
        Ok(self.try_get::<Option<i64>, _>(col)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_have_a_fixed_width_and_read_back() {
        let t = DateTime::parse_from_rfc3339("2026-11-27T03:45:00.5Z")
            .unwrap()
            .with_timezone(&Utc);
        let text = instant(t);
        assert_eq!(text, "2026-11-27T03:45:00.500000Z");
        assert_eq!(parse_instant(&text).unwrap(), t);
        assert!(matches!(
            parse_date("27/11/2026"),
            Err(StoreError::Corrupt(_))
        ));
    }
}
