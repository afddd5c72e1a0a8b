//! A work item's life (C6): its progress as units report it, the deadline with every approved
//! change kept on record, requests (move the deadline, pause, resume) that need an approval,
//! and the state offices report, **computed from dates**, never typed: the national four-state
//! form (done on time, done late, in progress within time, overdue) plus not started and paused.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::DomainError;

/// What the lead unit reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "progress")]
pub enum Progress {
    NotStarted,
    InProgress,
    Done { on: NaiveDate },
}

/// The state shown, derived from progress, deadline, pause and the date asked about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum State {
    NotStarted,
    InProgressWithinTime,
    Overdue,
    DoneOnTime,
    DoneLate,
    Paused,
}

impl State {
    /// The stable code (the serialized form), for styles and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            State::NotStarted => "not_started",
            State::InProgressWithinTime => "in_progress_within_time",
            State::Overdue => "overdue",
            State::DoneOnTime => "done_on_time",
            State::DoneLate => "done_late",
            State::Paused => "paused",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            State::NotStarted => "Chưa triển khai",
            State::InProgressWithinTime => "Đang thực hiện trong hạn",
            State::Overdue => "Quá hạn",
            State::DoneOnTime => "Hoàn thành đúng hạn",
            State::DoneLate => "Hoàn thành quá hạn",
            State::Paused => "Tạm dừng",
        }
    }

    /// The national form (VPCP, Quy chế 08-QC/TW) has four states: not started counts as "chưa
    /// hoàn thành" within time or overdue, a pause keeps the item "chưa hoàn thành trong hạn".
    pub fn national(self) -> NationalState {
        match self {
            State::DoneOnTime => NationalState::DoneOnTime,
            State::DoneLate => NationalState::DoneLate,
            State::Overdue => NationalState::NotDoneOverdue,
            State::NotStarted | State::InProgressWithinTime | State::Paused => {
                NationalState::NotDoneWithinTime
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NationalState {
    DoneOnTime,
    DoneLate,
    NotDoneWithinTime,
    NotDoneOverdue,
}

impl NationalState {
    /// In the order of the national form.
    pub const ALL: [NationalState; 4] = [
        NationalState::DoneOnTime,
        NationalState::DoneLate,
        NationalState::NotDoneWithinTime,
        NationalState::NotDoneOverdue,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NationalState::DoneOnTime => "done_on_time",
            NationalState::DoneLate => "done_late",
            NationalState::NotDoneWithinTime => "not_done_within_time",
            NationalState::NotDoneOverdue => "not_done_overdue",
        }
    }

    /// The form's exact wording.
    pub fn label_vi(self) -> &'static str {
        match self {
            NationalState::DoneOnTime => "Đã hoàn thành đúng hạn",
            NationalState::DoneLate => "Đã hoàn thành quá hạn",
            NationalState::NotDoneWithinTime => "Chưa hoàn thành trong hạn",
            NationalState::NotDoneOverdue => "Chưa hoàn thành quá hạn",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "request")]
pub enum Request {
    MoveDeadline { to: NaiveDate },
    Pause,
    Resume,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Pending,
    Approved,
    Refused,
}

/// A deadline that was replaced, kept on record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FormerDeadline {
    pub deadline: NaiveDate,
    pub replaced_on: NaiveDate,
}

/// The schedule part of a work item: what the state is computed from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Schedule {
    pub progress: Progress,
    pub deadline: NaiveDate,
    pub former_deadlines: Vec<FormerDeadline>,
    /// The day a pause was approved, while paused.
    pub paused_since: Option<NaiveDate>,
    pub pending: Option<Request>,
}

impl Schedule {
    pub fn new(deadline: NaiveDate) -> Self {
        Self {
            progress: Progress::NotStarted,
            deadline,
            former_deadlines: Vec::new(),
            paused_since: None,
            pending: None,
        }
    }

    /// The state on `day`. Lateness is judged against the deadline in force, so an approved
    /// extension makes a later completion on time; the original deadline stays on record.
    pub fn state_on(&self, day: NaiveDate) -> State {
        match self.progress {
            Progress::Done { on } if on <= day => {
                if on <= self.deadline {
                    State::DoneOnTime
                } else {
                    State::DoneLate
                }
            }
            _ if self.paused_since.is_some_and(|since| since <= day) => State::Paused,
            _ if day > self.deadline => State::Overdue,
            Progress::NotStarted => State::NotStarted,
            _ => State::InProgressWithinTime,
        }
    }

    pub fn start(&mut self) -> Result<(), DomainError> {
        match self.progress {
            Progress::NotStarted => {
                self.progress = Progress::InProgress;
                Ok(())
            }
            _ => Err(DomainError::new("work_item_already_started", "progress")),
        }
    }

    pub fn complete(&mut self, on: NaiveDate) -> Result<(), DomainError> {
        if matches!(self.progress, Progress::Done { .. }) {
            return Err(DomainError::new("work_item_already_done", "progress"));
        }
        if self.paused_since.is_some() {
            return Err(DomainError::new("work_item_paused", "progress"));
        }
        self.progress = Progress::Done { on };
        Ok(())
    }

    /// Asks for a change that needs an approval. One request at a time.
    pub fn request(&mut self, request: Request) -> Result<(), DomainError> {
        if self.pending.is_some() {
            return Err(DomainError::new("request_pending", "request"));
        }
        if matches!(self.progress, Progress::Done { .. }) {
            return Err(DomainError::new("work_item_already_done", "request"));
        }
        match (&request, self.paused_since) {
            (Request::MoveDeadline { to }, _) if *to == self.deadline => {
                return Err(DomainError::new("nothing_changed", "deadline"));
            }
            (Request::Pause, Some(_)) => {
                return Err(DomainError::new("work_item_paused", "request"));
            }
            (Request::Resume, None) => {
                return Err(DomainError::new("work_item_not_paused", "request"));
            }
            _ => {}
        }
        self.pending = Some(request);
        Ok(())
    }

    /// Approves or refuses the pending request on `day`. An approved deadline change keeps
    /// the old deadline on record.
    pub fn decide(&mut self, decision: Decision, day: NaiveDate) -> Result<(), DomainError> {
        let Some(request) = self.pending.take() else {
            return Err(DomainError::new("no_pending_request", "request"));
        };
        match decision {
            Decision::Pending => {
                self.pending = Some(request);
                return Err(DomainError::new("invalid", "decision"));
            }
            Decision::Refused => return Ok(()),
            Decision::Approved => {}
        }
        match request {
            Request::MoveDeadline { to } => {
                self.former_deadlines.push(FormerDeadline {
                    deadline: self.deadline,
                    replaced_on: day,
                });
                self.deadline = to;
            }
            Request::Pause => self.paused_since = Some(day),
            Request::Resume => self.paused_since = None,
        }
        Ok(())
    }
}

/// The state of an item split into parts (one per unit), which never contradicts its parts:
/// an item is not done while a part is not, it is overdue when a part is, and done late when a
/// part was. A pause of the whole stands.
pub fn with_parts(own: State, parts: &[State]) -> State {
    if parts.is_empty() || own == State::Paused {
        return own;
    }
    let done = |s: &State| matches!(s, State::DoneOnTime | State::DoneLate);
    if parts.contains(&State::Overdue) {
        return State::Overdue;
    }
    match own {
        State::DoneOnTime | State::DoneLate if !parts.iter().all(done) => {
            State::InProgressWithinTime
        }
        State::DoneOnTime if parts.contains(&State::DoneLate) => State::DoneLate,
        State::NotStarted if parts.iter().any(|p| *p != State::NotStarted) => {
            State::InProgressWithinTime
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_item_never_says_more_than_its_parts() {
        use State::*;
        // The district's item reported done while one commune's part is overdue.
        assert_eq!(with_parts(DoneOnTime, &[DoneOnTime, Overdue]), Overdue);
        assert_eq!(
            with_parts(DoneOnTime, &[DoneOnTime, InProgressWithinTime]),
            InProgressWithinTime
        );
        assert_eq!(with_parts(DoneOnTime, &[DoneOnTime, DoneLate]), DoneLate);
        assert_eq!(
            with_parts(DoneOnTime, &[DoneOnTime, DoneOnTime]),
            DoneOnTime
        );
        assert_eq!(
            with_parts(NotStarted, &[NotStarted, InProgressWithinTime]),
            InProgressWithinTime
        );
        assert_eq!(with_parts(NotStarted, &[NotStarted]), NotStarted);
        assert_eq!(with_parts(Overdue, &[DoneOnTime]), Overdue);
        assert_eq!(with_parts(Paused, &[Overdue]), Paused);
        assert_eq!(with_parts(DoneLate, &[]), DoneLate);
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn overdue_comes_from_the_dates() {
        let mut item = Schedule::new(d("2021-12-31"));
        assert_eq!(item.state_on(d("2021-06-01")), State::NotStarted);
        assert_eq!(item.state_on(d("2022-01-01")), State::Overdue);
        item.start().unwrap();
        assert_eq!(item.state_on(d("2021-06-01")), State::InProgressWithinTime);
        assert_eq!(item.state_on(d("2021-12-31")), State::InProgressWithinTime);
        assert_eq!(item.state_on(d("2022-01-01")), State::Overdue);
        assert_eq!(
            item.state_on(d("2022-01-01")).national(),
            NationalState::NotDoneOverdue
        );
    }

    #[test]
    fn tiem_tom_town_was_done_late() {
        // Establishing Tiệm Tôm town: due 31/12/2021, done by NQ 724/NQ-UBTVQH15 on 13/02/2023.
        let mut item = Schedule::new(d("2021-12-31"));
        item.start().unwrap();
        item.complete(d("2023-02-13")).unwrap();
        assert_eq!(
            item.state_on(d("2022-06-01")),
            State::Overdue,
            "as seen in mid-2022"
        );
        assert_eq!(item.state_on(d("2023-02-13")), State::DoneLate);
        assert_eq!(
            item.state_on(d("2023-02-13")).national(),
            NationalState::DoneLate
        );
        assert_eq!(State::DoneLate.label_vi(), "Hoàn thành quá hạn");
    }

    #[test]
    fn an_approved_extension_keeps_the_old_deadline_on_record() {
        let mut item = Schedule::new(d("2021-12-31"));
        item.start().unwrap();
        item.request(Request::MoveDeadline {
            to: d("2022-03-31"),
        })
        .unwrap();
        assert_eq!(
            item.request(Request::Pause).unwrap_err().code,
            "request_pending"
        );
        item.decide(Decision::Approved, d("2021-12-15")).unwrap();
        assert_eq!(item.deadline, d("2022-03-31"));
        assert_eq!(
            item.former_deadlines,
            vec![FormerDeadline {
                deadline: d("2021-12-31"),
                replaced_on: d("2021-12-15")
            }]
        );
        item.complete(d("2022-03-01")).unwrap();
        assert_eq!(item.state_on(d("2022-03-01")), State::DoneOnTime);
    }

    #[test]
    fn a_refused_request_changes_nothing() {
        let mut item = Schedule::new(d("2021-09-30"));
        item.request(Request::MoveDeadline {
            to: d("2021-12-31"),
        })
        .unwrap();
        item.decide(Decision::Refused, d("2021-09-01")).unwrap();
        assert_eq!(item.deadline, d("2021-09-30"));
        assert!(item.former_deadlines.is_empty() && item.pending.is_none());
        assert_eq!(
            item.decide(Decision::Approved, d("2021-09-02"))
                .unwrap_err()
                .code,
            "no_pending_request"
        );
    }

    #[test]
    fn a_paused_item_is_not_overdue_and_cannot_be_completed_until_resumed() {
        let mut item = Schedule::new(d("2021-09-30"));
        item.start().unwrap();
        item.request(Request::Pause).unwrap();
        item.decide(Decision::Approved, d("2021-08-01")).unwrap();
        assert_eq!(item.state_on(d("2021-10-15")), State::Paused);
        assert_eq!(
            item.state_on(d("2021-07-01")),
            State::InProgressWithinTime,
            "before the pause"
        );
        assert_eq!(
            item.complete(d("2021-10-20")).unwrap_err().code,
            "work_item_paused"
        );
        assert_eq!(
            item.request(Request::Pause).unwrap_err().code,
            "work_item_paused"
        );
        item.request(Request::Resume).unwrap();
        item.decide(Decision::Approved, d("2021-10-20")).unwrap();
        assert_eq!(item.state_on(d("2021-10-21")), State::Overdue);
    }

    #[test]
    fn transitions_refuse_what_makes_no_sense() {
        let mut item = Schedule::new(d("2021-09-30"));
        assert_eq!(
            item.request(Request::Resume).unwrap_err().code,
            "work_item_not_paused"
        );
        assert_eq!(
            item.request(Request::MoveDeadline {
                to: d("2021-09-30")
            })
            .unwrap_err()
            .code,
            "nothing_changed"
        );
        item.start().unwrap();
        assert_eq!(item.start().unwrap_err().code, "work_item_already_started");
        item.complete(d("2021-09-01")).unwrap();
        assert_eq!(
            item.complete(d("2021-09-02")).unwrap_err().code,
            "work_item_already_done"
        );
        assert_eq!(
            item.request(Request::Pause).unwrap_err().code,
            "work_item_already_done"
        );
    }
}
