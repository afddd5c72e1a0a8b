//! Reporting cycles (C8), the pure part: which periods a plan's calendar has, the deadline of
//! each level counted in working days and cascading bottom-up (cells before communes, communes
//! before the district), and the life of a unit's report: draft, submitted, returned with a
//! comment, accepted and locked; a correction after acceptance is a new revision.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::WorkCalendar;
use crate::error::DomainError;
use crate::period::Period;

/// How often a plan is reported on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Cadence {
    Monthly,
    Quarterly,
    /// *6 tháng đầu năm*.
    FirstHalf,
    /// *9 tháng*.
    NineMonths,
    Yearly,
    /// *Sơ kết giữa nhiệm kỳ*: the first half of a term.
    MidTerm,
    /// *Tổng kết nhiệm kỳ*.
    Term,
}

impl Cadence {
    pub const ALL: [Cadence; 7] = [
        Cadence::Monthly,
        Cadence::Quarterly,
        Cadence::FirstHalf,
        Cadence::NineMonths,
        Cadence::Yearly,
        Cadence::MidTerm,
        Cadence::Term,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Cadence::Monthly => "monthly",
            Cadence::Quarterly => "quarterly",
            Cadence::FirstHalf => "first_half",
            Cadence::NineMonths => "nine_months",
            Cadence::Yearly => "yearly",
            Cadence::MidTerm => "mid_term",
            Cadence::Term => "term",
        }
    }

    pub fn parse(input: &str) -> Result<Self, DomainError> {
        Cadence::ALL
            .into_iter()
            .find(|c| c.as_str() == input.trim())
            .ok_or_else(|| DomainError::new("cadence_unknown", "cadence").with_detail(input.trim()))
    }

    /// The periods of this cadence inside `span` (a phase or term `YYYY..YYYY`).
    pub fn periods(self, first_year: i32, last_year: i32) -> Vec<Period> {
        let years = first_year..=last_year;
        match self {
            Cadence::Monthly => years
                .flat_map(|y| (1..=12).map(move |m| Period::Month(y, m)))
                .collect(),
            Cadence::Quarterly => years
                .flat_map(|y| (1..=4).map(move |q| Period::Quarter(y, q)))
                .collect(),
            Cadence::FirstHalf => years.map(Period::FirstHalf).collect(),
            Cadence::NineMonths => years.map(Period::NineMonths).collect(),
            Cadence::Yearly => years.map(Period::Year).collect(),
            Cadence::MidTerm => {
                let middle = first_year + (last_year - first_year) / 2;
                vec![Period::Span(first_year, middle.max(first_year))]
            }
            Cadence::Term => vec![Period::Span(first_year, last_year)],
        }
    }
}

/// When each level reports: the top level (the plan's own unit) `days_after_end` working days
/// after the period ends, each level below `lead_days` working days before the level above it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DeadlineRule {
    pub days_after_end: u32,
    pub lead_days: u32,
}

impl DeadlineRule {
    pub fn new(days_after_end: u32, lead_days: u32) -> Result<Self, DomainError> {
        if days_after_end > 60 {
            return Err(DomainError::new("out_of_range", "days_after_end").with_detail("60"));
        }
        if lead_days > 30 {
            return Err(DomainError::new("out_of_range", "lead_days").with_detail("30"));
        }
        Ok(Self {
            days_after_end,
            lead_days,
        })
    }

    /// The deadline of a unit `depth` levels below the plan's own unit (0 = the plan's unit).
    /// A lower level never reports after the one above it, and never before the period ends.
    pub fn deadline(&self, calendar: &WorkCalendar, period: Period, depth: u32) -> NaiveDate {
        let end = period.dates().1;
        let top = calendar.add_working_days(end, self.days_after_end);
        let lead = self.lead_days.saturating_mul(depth);
        let earliest = calendar.add_working_days(end, 1);
        let deadline = calendar.sub_working_days(top, lead);
        deadline.max(earliest).min(top)
    }
}

/// Where a unit's report for a period stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportState {
    Draft,
    Submitted,
    /// Sent back by the reviewer with a comment; editable again.
    Returned,
    /// Accepted and locked; a correction opens a new revision.
    Accepted,
}

impl ReportState {
    pub const ALL: [ReportState; 4] = [
        ReportState::Draft,
        ReportState::Submitted,
        ReportState::Returned,
        ReportState::Accepted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReportState::Draft => "draft",
            ReportState::Submitted => "submitted",
            ReportState::Returned => "returned",
            ReportState::Accepted => "accepted",
        }
    }

    pub fn parse(input: &str) -> Result<Self, DomainError> {
        Ok(match input.trim() {
            "draft" => ReportState::Draft,
            "submitted" => ReportState::Submitted,
            "returned" => ReportState::Returned,
            "accepted" => ReportState::Accepted,
            other => {
                return Err(DomainError::new("report_state_unknown", "state").with_detail(other));
            }
        })
    }

    /// The unit may edit it (values, narrative, evidence).
    pub fn editable(self) -> bool {
        matches!(self, ReportState::Draft | ReportState::Returned)
    }

    /// What a report in this state now was at the instant `at`, from the instants of its last
    /// submission and last review. Earlier round trips are in the audit log, not here: a
    /// report returned and submitted again since `at` is taken as not yet received at `at`
    /// (under-counting, never counting what was not there).
    pub fn at(
        self,
        submitted_at: Option<DateTime<Utc>>,
        reviewed_at: Option<DateTime<Utc>>,
        at: DateTime<Utc>,
    ) -> ReportState {
        let by = |t: Option<DateTime<Utc>>| t.is_some_and(|t| t <= at);
        match self {
            ReportState::Draft => ReportState::Draft,
            ReportState::Submitted if by(submitted_at) => ReportState::Submitted,
            // Submitted again after `at`: returned then, if the review came before it.
            ReportState::Submitted if by(reviewed_at) => ReportState::Returned,
            ReportState::Submitted => ReportState::Draft,
            ReportState::Returned | ReportState::Accepted if by(reviewed_at) => self,
            ReportState::Returned | ReportState::Accepted if by(submitted_at) => {
                ReportState::Submitted
            }
            ReportState::Returned | ReportState::Accepted => ReportState::Draft,
        }
    }
}

/// What someone does to a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportAction {
    Submit,
    Accept,
    Return,
    /// Opens a new revision of an accepted report, to correct it.
    Reopen,
}

impl ReportAction {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportAction::Submit => "submit",
            ReportAction::Accept => "accept",
            ReportAction::Return => "return",
            ReportAction::Reopen => "reopen",
        }
    }

    pub fn parse(input: &str) -> Result<Self, DomainError> {
        [
            ReportAction::Submit,
            ReportAction::Accept,
            ReportAction::Return,
            ReportAction::Reopen,
        ]
        .into_iter()
        .find(|a| a.as_str() == input.trim())
        .ok_or_else(|| DomainError::new("invalid", "action"))
    }
}

/// The state after `action`, or why it cannot be done.
pub fn transition(state: ReportState, action: ReportAction) -> Result<ReportState, DomainError> {
    use ReportAction::*;
    use ReportState::*;
    match (state, action) {
        (Draft | Returned, Submit) => Ok(Submitted),
        (Submitted, Accept) => Ok(Accepted),
        (Submitted, Return) => Ok(Returned),
        (Accepted, Reopen) => Ok(Draft),
        (Accepted, _) => Err(DomainError::new("report_locked", "state")),
        (Submitted, Submit) => Err(DomainError::new("report_already_submitted", "state")),
        _ => Err(DomainError::new("report_not_submitted", "state")),
    }
}

/// Which reports' values a plan's roll-ups count (a setting per plan): only accepted ones (the
/// default), submitted ones too, or every value including drafts. Values recorded outside any
/// report (by the plan's editors, imports) always count.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Counted {
    #[default]
    Accepted,
    Submitted,
    Any,
}

impl Counted {
    pub const ALL: [Counted; 3] = [Counted::Accepted, Counted::Submitted, Counted::Any];

    pub fn as_str(self) -> &'static str {
        match self {
            Counted::Accepted => "accepted",
            Counted::Submitted => "submitted",
            Counted::Any => "any",
        }
    }

    pub fn parse(input: &str) -> Result<Self, DomainError> {
        match input.trim() {
            "accepted" => Ok(Counted::Accepted),
            "submitted" => Ok(Counted::Submitted),
            "any" => Ok(Counted::Any),
            other => Err(DomainError::new("counted_unknown", "counted").with_detail(other)),
        }
    }

    /// The report states whose values count.
    pub fn states(self) -> &'static [ReportState] {
        match self {
            Counted::Accepted => &[ReportState::Accepted],
            Counted::Submitted => &[ReportState::Submitted, ReportState::Accepted],
            Counted::Any => &[
                ReportState::Draft,
                ReportState::Submitted,
                ReportState::Returned,
                ReportState::Accepted,
            ],
        }
    }
}

/// Whether a submission on `submitted_on` is late for `deadline`.
pub fn is_late(deadline: NaiveDate, submitted_on: NaiveDate) -> bool {
    submitted_on > deadline
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_state_is_read_back_at_a_past_instant() {
        let t = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        let (sub, rev) = (
            Some(t("2021-05-06T03:00:00Z")),
            Some(t("2021-05-10T03:00:00Z")),
        );
        let (before, between, after) = (
            t("2021-05-01T00:00:00Z"),
            t("2021-05-08T00:00:00Z"),
            t("2021-05-20T00:00:00Z"),
        );
        use ReportState::*;
        assert_eq!(Accepted.at(sub, rev, after), Accepted);
        assert_eq!(Accepted.at(sub, rev, between), Submitted);
        assert_eq!(Accepted.at(sub, rev, before), Draft);
        assert_eq!(Returned.at(sub, rev, between), Submitted);
        assert_eq!(Returned.at(sub, rev, after), Returned);
        assert_eq!(Submitted.at(sub, None, between), Submitted);
        assert_eq!(Submitted.at(sub, None, before), Draft);
        // Returned on 10/05, submitted again on 15/05: on 12/05 it was back with the unit.
        let again = Some(t("2021-05-15T03:00:00Z"));
        assert_eq!(
            Submitted.at(again, rev, t("2021-05-12T00:00:00Z")),
            Returned
        );
        assert_eq!(Draft.at(None, None, after), Draft);
        // 20/05 in Vietnam ends at 16:59:59.999999 UTC.
        let end = crate::vn::time::end_of_day(d("2021-05-20"));
        assert_eq!(end, t("2021-05-20T16:59:59.999999Z"));
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn every_cadence_lists_its_periods() {
        assert_eq!(Cadence::Monthly.periods(2021, 2021).len(), 12);
        assert_eq!(Cadence::Quarterly.periods(2021, 2022).len(), 8);
        assert_eq!(
            Cadence::FirstHalf.periods(2021, 2021),
            vec![Period::FirstHalf(2021)]
        );
        assert_eq!(
            Cadence::NineMonths.periods(2021, 2021),
            vec![Period::NineMonths(2021)]
        );
        assert_eq!(Cadence::Yearly.periods(2020, 2025).len(), 6);
        assert_eq!(
            Cadence::MidTerm.periods(2020, 2025),
            vec![Period::Span(2020, 2022)]
        );
        assert_eq!(
            Cadence::Term.periods(2020, 2025),
            vec![Period::Span(2020, 2025)]
        );
        for c in Cadence::ALL {
            assert_eq!(Cadence::parse(c.as_str()).unwrap(), c);
        }
        assert_eq!(
            Cadence::parse("weekly").unwrap_err().code,
            "cadence_unknown"
        );
    }

    #[test]
    fn deadlines_cascade_bottom_up_in_working_days() {
        let cal = WorkCalendar::vietnam(2021..=2021);
        let rule = DeadlineRule::new(5, 2).unwrap();
        let april = Period::Month(2021, 4);
        // The district: five working days after 30/4 (a holiday; 1/5 made up on 3/5).
        assert_eq!(rule.deadline(&cal, april, 0), d("2021-05-10"));
        // Communes two working days before, cells two more.
        assert_eq!(rule.deadline(&cal, april, 1), d("2021-05-06"));
        assert_eq!(rule.deadline(&cal, april, 2), d("2021-05-04"));
        // Never before the period has ended.
        assert_eq!(rule.deadline(&cal, april, 9), d("2021-05-04"));
        let june = Period::Month(2021, 6);
        let levels: Vec<NaiveDate> = (0..3)
            .map(|depth| rule.deadline(&cal, june, depth))
            .collect();
        assert!(levels.windows(2).all(|w| w[1] <= w[0]), "{levels:?}");
        assert_eq!(
            DeadlineRule::new(61, 2).unwrap_err().field.as_deref(),
            Some("days_after_end")
        );
    }

    #[test]
    fn a_report_is_submitted_returned_accepted_and_locked() {
        use ReportAction::*;
        use ReportState::*;
        assert_eq!(transition(Draft, Submit).unwrap(), Submitted);
        assert_eq!(transition(Submitted, Return).unwrap(), Returned);
        assert!(Returned.editable() && Draft.editable() && !Submitted.editable());
        assert_eq!(transition(Returned, Submit).unwrap(), Submitted);
        assert_eq!(transition(Submitted, Accept).unwrap(), Accepted);
        assert_eq!(
            transition(Accepted, Submit).unwrap_err().code,
            "report_locked"
        );
        assert_eq!(
            transition(Accepted, Return).unwrap_err().code,
            "report_locked"
        );
        assert_eq!(transition(Accepted, Reopen).unwrap(), Draft);
        assert_eq!(
            transition(Draft, Accept).unwrap_err().code,
            "report_not_submitted"
        );
        assert_eq!(
            transition(Submitted, Submit).unwrap_err().code,
            "report_already_submitted"
        );
        assert!(is_late(d("2021-05-06"), d("2021-05-07")));
        assert!(!is_late(d("2021-05-06"), d("2021-05-06")));
        for s in [Draft, Submitted, Returned, Accepted] {
            assert_eq!(ReportState::parse(s.as_str()).unwrap(), s);
        }
    }
}
