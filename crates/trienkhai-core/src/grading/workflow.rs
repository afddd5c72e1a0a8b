//! A rating's life (DOMAIN.md §1.6, 124 Art. 15): the person or the organisation assesses
//! itself, the cell or the organisation-staff body appraises, the competent level decides (the
//! quota is applied there, over the whole group), the person is notified, the list is made
//! public. A decided rating found wrong later is cancelled, never edited: the re-rating is a
//! new rating that names the one it replaces.

use serde::{Deserialize, Serialize};

use crate::error::DomainError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RatingState {
    /// Tự đánh giá, xếp loại: the proposal of the person or the organisation.
    SelfAssessed,
    /// Thẩm định: the assessors' inputs are in and the engine has proposed a level.
    Appraised,
    /// Quyết định: the competent level has decided, the quota applied.
    Decided,
    /// Thông báo: the person has been told.
    Notified,
    /// Công khai: the result is public.
    Published,
    /// Hủy: kept for the record, replaced by a re-rating.
    Cancelled,
}

/// What is done to a rating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RatingAction {
    SelfAssess,
    Appraise,
    Decide,
    Notify,
    Publish,
    Cancel,
}

impl RatingState {
    pub const ALL: [RatingState; 6] = [
        RatingState::SelfAssessed,
        RatingState::Appraised,
        RatingState::Decided,
        RatingState::Notified,
        RatingState::Published,
        RatingState::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RatingState::SelfAssessed => "self_assessed",
            RatingState::Appraised => "appraised",
            RatingState::Decided => "decided",
            RatingState::Notified => "notified",
            RatingState::Published => "published",
            RatingState::Cancelled => "cancelled",
        }
    }

    pub fn parse(input: &str) -> Result<Self, DomainError> {
        RatingState::ALL
            .into_iter()
            .find(|s| s.as_str() == input.trim())
            .ok_or_else(|| {
                DomainError::new("rating_state_unknown", "state").with_detail(input.trim())
            })
    }

    pub fn name_vi(self) -> &'static str {
        match self {
            RatingState::SelfAssessed => "Đã tự đánh giá",
            RatingState::Appraised => "Đã thẩm định",
            RatingState::Decided => "Đã quyết định",
            RatingState::Notified => "Đã thông báo",
            RatingState::Published => "Đã công khai",
            RatingState::Cancelled => "Đã hủy",
        }
    }

    /// The level is decided and stands (it counts in lists and targets).
    pub fn decided(self) -> bool {
        matches!(
            self,
            RatingState::Decided | RatingState::Notified | RatingState::Published
        )
    }

    /// The state after `action`, or why it cannot be done now.
    pub fn after(self, action: RatingAction) -> Result<RatingState, DomainError> {
        use RatingAction as A;
        use RatingState as S;
        let next = match (action, self) {
            // The proposal may be changed until the assessors have spoken.
            (A::SelfAssess, S::SelfAssessed) => S::SelfAssessed,
            // Appraising again before the decision replaces the inputs.
            (A::Appraise, S::SelfAssessed | S::Appraised) => S::Appraised,
            (A::Decide, S::Appraised) => S::Decided,
            (A::Notify, S::Decided) => S::Notified,
            (A::Publish, S::Decided | S::Notified) => S::Published,
            (A::Cancel, S::Decided | S::Notified | S::Published) => S::Cancelled,
            _ => {
                return Err(
                    DomainError::new("rating_state_conflict", "state").with_detail(self.as_str())
                );
            }
        };
        Ok(next)
    }
}

/// When a year's ratings are made (DOMAIN.md §1.6): in the fourth quarter; civil servants
/// before 15 December (NĐ 90, NĐ 335), the party's ratings after them, by the year's end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Season {
    pub opens: chrono::NaiveDate,
    pub due: chrono::NaiveDate,
    /// What sets the deadline, as offices cite it.
    pub basis: &'static str,
}

pub fn season(subject: super::Subject, year: i32) -> Option<Season> {
    let day = |m, d| chrono::NaiveDate::from_ymd_opt(year, m, d);
    Some(match subject {
        super::Subject::CivilServant => Season {
            opens: day(10, 1)?,
            due: day(12, 14)?,
            basis: "xếp loại công chức trước ngày 15/12 (Nghị định 90/2020, Nghị định 335/2025)",
        },
        super::Subject::Member | super::Subject::Organisation => Season {
            opens: day(10, 1)?,
            due: day(12, 31)?,
            basis: "kiểm điểm, đánh giá, xếp loại trong quý IV, sau xếp loại công chức",
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_servants_are_rated_before_15_december_and_the_party_by_the_year_end() {
        use super::super::Subject;
        let d = |m, dd| chrono::NaiveDate::from_ymd_opt(2026, m, dd).unwrap();
        let cs = season(Subject::CivilServant, 2026).unwrap();
        assert_eq!((cs.opens, cs.due), (d(10, 1), d(12, 14)));
        let party = season(Subject::Member, 2026).unwrap();
        assert!(
            party.due > cs.due,
            "the party's ratings come after the civil servants'"
        );
        assert_eq!(party.due, d(12, 31));
        assert!(season(Subject::Member, i32::MAX).is_none());
    }

    #[test]
    fn a_rating_moves_forward_and_a_decided_one_is_only_cancelled() {
        let mut s = RatingState::SelfAssessed;
        for a in [
            RatingAction::SelfAssess,
            RatingAction::Appraise,
            RatingAction::Appraise,
            RatingAction::Decide,
            RatingAction::Notify,
            RatingAction::Publish,
        ] {
            s = s.after(a).unwrap();
        }
        assert_eq!(s, RatingState::Published);
        assert!(s.decided());
        for a in [RatingAction::SelfAssess, RatingAction::Appraise] {
            assert_eq!(s.after(a).unwrap_err().code, "rating_state_conflict");
        }
        let cancelled = s.after(RatingAction::Cancel).unwrap();
        assert!(!cancelled.decided());
        assert!(cancelled.after(RatingAction::Cancel).is_err());
        // Nothing is decided before it is appraised.
        assert!(
            RatingState::SelfAssessed
                .after(RatingAction::Decide)
                .is_err()
        );
        for st in RatingState::ALL {
            assert_eq!(RatingState::parse(st.as_str()).unwrap(), st);
        }
    }
}
