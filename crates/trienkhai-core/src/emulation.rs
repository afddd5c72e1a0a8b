//! Emulation goals (*đăng ký thi đua*, C9): a unit registers collective goals for a movement
//! and one of its phases ("Đồng khởi mới" 2020-2025 under Chỉ thị 01-CT/TU, a year of it, its
//! "cao điểm"); at the end of the phase each goal is judged. A verdict is a claim: none before
//! the phase has ended, none without a result, and a goal with a figure is judged by the figure
//! (at least the goal), one in words by the unit's own "đạt" recorded with its result.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::DomainError;
use crate::period::Period;

/// Where a goal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum GoalVerdict {
    /// The phase has not ended: nothing to judge yet.
    InProgress,
    /// The phase has ended and no result was recorded.
    NoResult,
    Achieved,
    NotAchieved,
}

impl GoalVerdict {
    pub fn as_str(self) -> &'static str {
        match self {
            GoalVerdict::InProgress => "in_progress",
            GoalVerdict::NoResult => "no_result",
            GoalVerdict::Achieved => "achieved",
            GoalVerdict::NotAchieved => "not_achieved",
        }
    }
}

/// A goal as registered: what, for which phase, and its figure when it has one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Goal {
    pub phase: Period,
    pub title: String,
    /// The unit of its figure ("triệu đồng", "%", "xã").
    pub measure: Option<String>,
    pub goal: Option<Decimal>,
}

impl Goal {
    /// A goal is for a phase or a year (not a month), has a title, and a figure only with the
    /// unit it is counted in.
    pub fn new(
        phase: Period,
        title: &str,
        measure: Option<&str>,
        goal: Option<Decimal>,
    ) -> Result<Self, DomainError> {
        if !matches!(phase, Period::Year(_) | Period::Span(..)) {
            return Err(DomainError::new("goal_phase_too_short", "phase"));
        }
        let title = crate::vn::clean_text(title);
        if title.is_empty() {
            return Err(DomainError::new("required", "title"));
        }
        if title.chars().count() > 1000 {
            return Err(DomainError::new("too_long", "title"));
        }
        let measure = measure.map(crate::vn::clean_text).filter(|m| !m.is_empty());
        if measure.as_ref().is_some_and(|m| m.chars().count() > 100) {
            return Err(DomainError::new("too_long", "measure"));
        }
        if goal.is_some() && measure.is_none() {
            return Err(DomainError::new("required", "measure"));
        }
        Ok(Self {
            phase,
            title,
            measure,
            goal,
        })
    }

    /// The verdict on `today`, from the recorded result: its figure for a goal with one, the
    /// unit's "đạt" for a goal in words.
    pub fn verdict(
        &self,
        result: Option<Decimal>,
        achieved: Option<bool>,
        today: NaiveDate,
    ) -> GoalVerdict {
        let (_, end) = self.phase.dates();
        if today <= end {
            return GoalVerdict::InProgress;
        }
        let met = match self.goal {
            Some(goal) => result.map(|r| r >= goal),
            None => achieved,
        };
        match met {
            None => GoalVerdict::NoResult,
            Some(true) => GoalVerdict::Achieved,
            Some(false) => GoalVerdict::NotAchieved,
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
    fn a_goal_is_judged_only_once_its_phase_has_ended_and_by_its_figure() {
        let phase = Period::parse("2021").unwrap();
        let income = Goal::new(
            phase,
            "Thu nhập bình quân đầu người",
            Some("triệu đồng"),
            Some(Decimal::from(55)),
        )
        .unwrap();
        assert_eq!(
            income.verdict(Some(Decimal::from(60)), None, d("2021-12-31")),
            GoalVerdict::InProgress
        );
        assert_eq!(
            income.verdict(Some(Decimal::from(60)), None, d("2022-01-01")),
            GoalVerdict::Achieved
        );
        assert_eq!(
            income.verdict(Some(Decimal::from(54)), Some(true), d("2022-01-01")),
            GoalVerdict::NotAchieved,
            "the figure decides, not a claim"
        );
        assert_eq!(
            income.verdict(None, None, d("2022-01-01")),
            GoalVerdict::NoResult
        );
        let words = Goal::new(
            Period::parse("2020..2025").unwrap(),
            "Đảng bộ trong sạch, vững mạnh",
            None,
            None,
        )
        .unwrap();
        assert_eq!(
            words.verdict(None, Some(true), d("2024-06-01")),
            GoalVerdict::InProgress
        );
        assert_eq!(
            words.verdict(None, Some(true), d("2026-01-01")),
            GoalVerdict::Achieved
        );
        assert_eq!(
            Goal::new(Period::parse("2021-05").unwrap(), "x", None, None)
                .unwrap_err()
                .code,
            "goal_phase_too_short"
        );
        assert_eq!(
            Goal::new(phase, "x", None, Some(Decimal::ONE))
                .unwrap_err()
                .field
                .as_deref(),
            Some("measure")
        );
    }
}
