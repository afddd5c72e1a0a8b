//! Personal registrations (C9), the pure part: a person's yearly registration of work items
//! (*đăng ký đầu việc*) that concretize a plan; its life (draft, submitted, approved, or returned
//! with a comment and submitted again); amendments during the year as a new version approved in
//! its turn, the version in force staying until then; and each item's self-assessment at mid-year
//! and at year end (done, partly with a percentage, not done), before the superior's remark.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::DomainError;

/// Where a version of a registration stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationState {
    /// Being written by the person; nobody else counts it.
    Draft,
    /// Sent to the superior or the cell, waiting for a decision.
    Submitted,
    /// Sent back with a comment; editable again.
    Returned,
    /// In force: what the year-end evaluation holds the person to.
    Approved,
}

impl RegistrationState {
    pub const ALL: [RegistrationState; 4] = [
        RegistrationState::Draft,
        RegistrationState::Submitted,
        RegistrationState::Returned,
        RegistrationState::Approved,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RegistrationState::Draft => "draft",
            RegistrationState::Submitted => "submitted",
            RegistrationState::Returned => "returned",
            RegistrationState::Approved => "approved",
        }
    }

    pub fn parse(input: &str) -> Result<Self, DomainError> {
        RegistrationState::ALL
            .into_iter()
            .find(|s| s.as_str() == input.trim())
            .ok_or_else(|| {
                DomainError::new("registration_state_unknown", "state").with_detail(input.trim())
            })
    }

    /// The person may change its items.
    pub fn editable(self) -> bool {
        matches!(self, RegistrationState::Draft | RegistrationState::Returned)
    }
}

/// What is done to a version of a registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationAction {
    /// The person sends it (from a draft or a returned version).
    Submit,
    /// The superior or the cell approves it: it is in force.
    Approve,
    /// The superior or the cell sends it back, saying why.
    Return,
}

impl RegistrationAction {
    /// The state after `self` from `state`; a return needs its comment.
    pub fn apply(
        self,
        state: RegistrationState,
        comment: Option<&str>,
    ) -> Result<RegistrationState, DomainError> {
        use RegistrationState as S;
        match (self, state) {
            (RegistrationAction::Submit, S::Draft | S::Returned) => Ok(S::Submitted),
            (RegistrationAction::Submit, _) => {
                Err(DomainError::new("registration_not_editable", "state"))
            }
            (RegistrationAction::Approve | RegistrationAction::Return, S::Submitted) => {
                if self == RegistrationAction::Return && comment.is_none_or(|c| c.trim().is_empty())
                {
                    return Err(DomainError::new("required", "comment"));
                }
                Ok(if self == RegistrationAction::Approve {
                    S::Approved
                } else {
                    S::Returned
                })
            }
            (_, _) => Err(DomainError::new("registration_not_submitted", "state")),
        }
    }
}

/// Whether a new version may be opened to amend a registration whose latest version is in
/// `latest`: only from an approved one (one open version at a time; the approved one stays in
/// force until its successor is approved).
pub fn may_amend(latest: RegistrationState) -> bool {
    latest == RegistrationState::Approved
}

/// The two moments an item is assessed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AssessmentPhase {
    /// *Sơ kết 6 tháng*.
    MidYear,
    /// *Tổng kết năm*: what the year-end evaluation reads.
    YearEnd,
}

impl AssessmentPhase {
    pub const ALL: [AssessmentPhase; 2] = [AssessmentPhase::MidYear, AssessmentPhase::YearEnd];

    pub fn as_str(self) -> &'static str {
        match self {
            AssessmentPhase::MidYear => "mid_year",
            AssessmentPhase::YearEnd => "year_end",
        }
    }

    pub fn parse(input: &str) -> Result<Self, DomainError> {
        AssessmentPhase::ALL
            .into_iter()
            .find(|p| p.as_str() == input.trim())
            .ok_or_else(|| {
                DomainError::new("assessment_phase_unknown", "phase").with_detail(input.trim())
            })
    }
}

/// How far a registered item was carried out, in the person's own assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// *Hoàn thành*.
    Done,
    /// *Hoàn thành một phần*, with how much.
    Partly,
    /// *Chưa hoàn thành*.
    NotDone,
}

impl Outcome {
    pub const ALL: [Outcome; 3] = [Outcome::Done, Outcome::Partly, Outcome::NotDone];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Done => "done",
            Outcome::Partly => "partly",
            Outcome::NotDone => "not_done",
        }
    }

    pub fn parse(input: &str) -> Result<Self, DomainError> {
        Outcome::ALL
            .into_iter()
            .find(|o| o.as_str() == input.trim())
            .ok_or_else(|| DomainError::new("outcome_unknown", "outcome").with_detail(input.trim()))
    }
}

/// A self-assessment of one item: the outcome and its percentage, which must agree (done is
/// 100 %, not done 0 %, partly strictly between; a partly done item says how much).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SelfAssessment {
    pub outcome: Outcome,
    pub percent: u8,
}

impl SelfAssessment {
    pub fn new(outcome: Outcome, percent: Option<u8>) -> Result<Self, DomainError> {
        let percent = match (outcome, percent) {
            (Outcome::Done, None | Some(100)) => 100,
            (Outcome::NotDone, None | Some(0)) => 0,
            (Outcome::Partly, Some(p)) if (1..=99).contains(&p) => p,
            (Outcome::Partly, None) => return Err(DomainError::new("required", "percent")),
            _ => return Err(DomainError::new("assessment_percent_disagrees", "percent")),
        };
        Ok(SelfAssessment { outcome, percent })
    }
}

/// A registered item's content, checked: what is done, its product and how it is measured, and a
/// deadline inside the registration's year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemContent {
    pub content: String,
    pub product: String,
    pub measure: Option<String>,
    pub deadline: NaiveDate,
}

impl ItemContent {
    pub fn new(
        year: i32,
        content: &str,
        product: &str,
        measure: Option<&str>,
        deadline: NaiveDate,
    ) -> Result<Self, DomainError> {
        let content = crate::vn::clean_text(content);
        if content.is_empty() {
            return Err(DomainError::new("required", "content"));
        }
        let product = crate::vn::clean_text(product);
        if product.is_empty() {
            return Err(DomainError::new("required", "product"));
        }
        if deadline.year() != year {
            return Err(
                DomainError::new("deadline_outside_year", "deadline").with_detail(year.to_string())
            );
        }
        Ok(ItemContent {
            content,
            product,
            measure: measure.map(crate::vn::clean_text).filter(|m| !m.is_empty()),
            deadline,
        })
    }
}

/// Is an item late on `today`: its deadline passed and the latest assessment does not say done.
pub fn late(deadline: NaiveDate, latest: Option<Outcome>, today: NaiveDate) -> bool {
    today > deadline && latest != Some(Outcome::Done)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_registration_is_submitted_returned_with_a_reason_and_approved() {
        use RegistrationAction::*;
        use RegistrationState::*;
        assert_eq!(Submit.apply(Draft, None), Ok(Submitted));
        let no_reason = Return.apply(Submitted, Some("  ")).unwrap_err();
        assert_eq!(
            (no_reason.code, no_reason.field.as_deref()),
            ("required", Some("comment"))
        );
        assert_eq!(
            Return.apply(Submitted, Some("Thiếu sản phẩm")),
            Ok(Returned)
        );
        assert_eq!(Submit.apply(Returned, None), Ok(Submitted));
        assert_eq!(Approve.apply(Submitted, None), Ok(Approved));
        assert_eq!(
            Submit.apply(Approved, None).unwrap_err().code,
            "registration_not_editable"
        );
        assert_eq!(
            Approve.apply(Draft, None).unwrap_err().code,
            "registration_not_submitted"
        );
        assert!(Draft.editable() && Returned.editable() && !Submitted.editable());
        assert!(may_amend(Approved) && !may_amend(Submitted) && !may_amend(Draft));
        for s in RegistrationState::ALL {
            assert_eq!(RegistrationState::parse(s.as_str()), Ok(s));
        }
        for o in Outcome::ALL {
            assert_eq!(Outcome::parse(o.as_str()), Ok(o));
        }
        for p in AssessmentPhase::ALL {
            assert_eq!(AssessmentPhase::parse(p.as_str()), Ok(p));
        }
        assert_eq!(Outcome::parse("xong").unwrap_err().code, "outcome_unknown");
    }

    #[test]
    fn an_assessment_says_how_much_and_agrees_with_itself() {
        assert_eq!(
            SelfAssessment::new(Outcome::Done, None).unwrap().percent,
            100
        );
        assert_eq!(
            SelfAssessment::new(Outcome::Partly, Some(60))
                .unwrap()
                .percent,
            60
        );
        assert_eq!(
            SelfAssessment::new(Outcome::Partly, None)
                .unwrap_err()
                .field
                .as_deref(),
            Some("percent")
        );
        for (outcome, percent) in [
            (Outcome::Done, 80),
            (Outcome::NotDone, 10),
            (Outcome::Partly, 100),
            (Outcome::Partly, 0),
        ] {
            assert_eq!(
                SelfAssessment::new(outcome, Some(percent))
                    .unwrap_err()
                    .code,
                "assessment_percent_disagrees",
                "{outcome:?} {percent}"
            );
        }
    }

    #[test]
    fn an_item_has_content_a_product_and_a_deadline_in_its_year() {
        let item = ItemContent::new(
            2021,
            "  Vận động 20 hộ  trữ nước ngọt ",
            "Danh sách hộ",
            Some(""),
            d(2021, 6, 30),
        )
        .unwrap();
        assert_eq!(item.content, "Vận động 20 hộ trữ nước ngọt");
        assert_eq!(item.measure, None);
        assert_eq!(
            ItemContent::new(2021, "x", "", None, d(2021, 6, 30))
                .unwrap_err()
                .field
                .as_deref(),
            Some("product")
        );
        assert_eq!(
            ItemContent::new(2021, "x", "y", None, d(2022, 1, 15))
                .unwrap_err()
                .code,
            "deadline_outside_year"
        );
        assert!(late(d(2021, 6, 30), None, d(2021, 7, 1)));
        assert!(late(d(2021, 6, 30), Some(Outcome::Partly), d(2021, 7, 1)));
        assert!(!late(d(2021, 6, 30), Some(Outcome::Done), d(2021, 7, 1)));
        assert!(!late(d(2021, 6, 30), None, d(2021, 6, 30)));
    }
}
