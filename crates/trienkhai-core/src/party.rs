//! A person's party membership as dated facts: admitted (probationary, *dự bị*) on one date,
//! full member (*chính thức*) from another. Grading later excludes members admitted under six
//! months, so the status is always asked for a date.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::DomainError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PartyStatus {
    NotMember,
    Probationary,
    Full,
}

impl PartyStatus {
    pub const ALL: [PartyStatus; 3] = [
        PartyStatus::NotMember,
        PartyStatus::Probationary,
        PartyStatus::Full,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PartyStatus::NotMember => "not_member",
            PartyStatus::Probationary => "probationary",
            PartyStatus::Full => "full",
        }
    }
}

#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct PartyMembership {
    pub admitted_on: Option<NaiveDate>,
    pub full_member_on: Option<NaiveDate>,
}

impl PartyMembership {
    pub fn new(
        admitted_on: Option<NaiveDate>,
        full_member_on: Option<NaiveDate>,
    ) -> Result<Self, DomainError> {
        match (admitted_on, full_member_on) {
            (None, Some(_)) => Err(DomainError::new(
                "full_member_without_admission",
                "party_admitted_on",
            )),
            (Some(admitted), Some(full)) if full < admitted => {
                Err(DomainError::new("end_before_start", "party_full_member_on"))
            }
            _ => Ok(Self {
                admitted_on,
                full_member_on,
            }),
        }
    }

    pub fn status_on(&self, date: NaiveDate) -> PartyStatus {
        match (self.admitted_on, self.full_member_on) {
            (Some(admitted), _) if date < admitted => PartyStatus::NotMember,
            (Some(_), Some(full)) if date >= full => PartyStatus::Full,
            (Some(_), _) => PartyStatus::Probationary,
            (None, _) => PartyStatus::NotMember,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn status_follows_the_dates() {
        let m = PartyMembership::new(Some(d("2020-05-19")), Some(d("2021-05-19"))).unwrap();
        assert_eq!(m.status_on(d("2020-05-18")), PartyStatus::NotMember);
        assert_eq!(m.status_on(d("2020-05-19")), PartyStatus::Probationary);
        assert_eq!(m.status_on(d("2021-05-18")), PartyStatus::Probationary);
        assert_eq!(m.status_on(d("2021-05-19")), PartyStatus::Full);
        let probationary = PartyMembership::new(Some(d("2026-03-01")), None).unwrap();
        assert_eq!(
            probationary.status_on(d("2026-11-27")),
            PartyStatus::Probationary
        );
    }

    #[test]
    fn inconsistent_dates_are_refused_with_their_field() {
        assert_eq!(
            PartyMembership::new(None, Some(d("2021-01-01")))
                .unwrap_err()
                .field
                .as_deref(),
            Some("party_admitted_on")
        );
        assert_eq!(
            PartyMembership::new(Some(d("2021-01-01")), Some(d("2020-01-01")))
                .unwrap_err()
                .code,
            "end_before_start"
        );
    }
}
