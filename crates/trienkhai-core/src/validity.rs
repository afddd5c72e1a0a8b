//! Validity intervals: the dates from which and until which a fact holds. Both ends are
//! inclusive, as official documents write them ("hiệu lực từ 01/7/2025", "đến hết 30/6/2025");
//! an open end means "still in force".

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::DomainError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Validity {
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

impl Validity {
    /// Builds an interval, refusing an end before its start.
    pub fn new(from: NaiveDate, to: Option<NaiveDate>) -> Result<Self, DomainError> {
        if let Some(to) = to
            && to < from
        {
            return Err(DomainError::new("end_before_start", "valid_to"));
        }
        Ok(Self { from, to })
    }

    pub fn open(from: NaiveDate) -> Self {
        Self { from, to: None }
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        self.from <= date && self.to.is_none_or(|to| date <= to)
    }

    pub fn overlaps(&self, other: &Validity) -> bool {
        let self_starts_before_other_ends = other.to.is_none_or(|to| self.from <= to);
        let other_starts_before_self_ends = self.to.is_none_or(|to| other.from <= to);
        self_starts_before_other_ends && other_starts_before_self_ends
    }

    /// True when `inner` lies wholly inside `self`.
    pub fn covers(&self, inner: &Validity) -> bool {
        if inner.from < self.from {
            return false;
        }
        match (self.to, inner.to) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(outer), Some(inner)) => inner <= outer,
        }
    }

    /// Whether the fact has ended before `date` (so it is history as seen on `date`).
    pub fn ended_before(&self, date: NaiveDate) -> bool {
        self.to.is_some_and(|to| to < date)
    }
}

/// The day before `date`: where an old version ends when a new one starts on `date`.
pub fn day_before(date: NaiveDate) -> NaiveDate {
    date.pred_opt().unwrap_or(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn end_before_start_is_refused_with_its_field() {
        let err = Validity::new(d("2021-02-01"), Some(d("2021-01-31"))).unwrap_err();
        assert_eq!(err.code, "end_before_start");
        assert_eq!(err.field.as_deref(), Some("valid_to"));
    }

    #[test]
    fn both_ends_are_inclusive() {
        let v = Validity::new(d("2021-01-01"), Some(d("2021-12-31"))).unwrap();
        assert!(v.contains(d("2021-01-01")));
        assert!(v.contains(d("2021-12-31")));
        assert!(!v.contains(d("2022-01-01")));
        assert!(!v.contains(d("2020-12-31")));
    }

    #[test]
    fn touching_intervals_do_not_overlap_but_shared_days_do() {
        let a = Validity::new(d("2021-01-01"), Some(d("2023-02-12"))).unwrap();
        let b = Validity::open(d("2023-02-13"));
        assert!(!a.overlaps(&b));
        assert!(!b.overlaps(&a));
        let c = Validity::open(d("2023-02-12"));
        assert!(a.overlaps(&c));
        assert!(Validity::open(d("1990-01-01")).overlaps(&b));
    }

    #[test]
    fn covers_needs_both_ends_inside() {
        let outer = Validity::new(d("2020-01-01"), Some(d("2025-06-30"))).unwrap();
        assert!(outer.covers(&Validity::new(d("2021-01-01"), Some(d("2025-06-30"))).unwrap()));
        assert!(!outer.covers(&Validity::open(d("2021-01-01"))));
        assert!(!outer.covers(&Validity::new(d("2019-01-01"), Some(d("2021-01-01"))).unwrap()));
        assert!(Validity::open(d("2020-01-01")).covers(&Validity::open(d("2021-01-01"))));
    }
}
