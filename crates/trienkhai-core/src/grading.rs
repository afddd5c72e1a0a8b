//! Year-end evaluation and grading (C12, issue 14), the pure part: the four levels, the rule
//! sets and the dates they are in force, and the explanation every grade carries. The kinds of
//! rule live in submodules: the grades per criterion before 2025 (QĐ 132, QĐ 124), the
//! 100-point bands with each level's extra conditions (QĐ 366, NĐ 335), the task results of
//! NĐ 335 (quantity, quality, timeliness with their deductions), the quota of "excellent"
//! against "good", term ratings from yearly ones (QĐ 89), and who is not rated (admitted under
//! six months, suspended, exempt).
//!
//! A rating always records the rule set it used; the year decides which (the one in force on
//! the year's last day, when ratings are made: DOMAIN.md §0 and §1.6).

pub mod appraisal;
pub mod criteria;
pub mod exclusion;
pub mod points;
pub mod quota;
pub mod tasks;
pub mod term;
pub mod workflow;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::DomainError;

/// The four levels (DOMAIN.md §1.1), best first. Unchanged from 2018 to 2026.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Hoàn thành xuất sắc nhiệm vụ.
    Excellent,
    /// Hoàn thành tốt nhiệm vụ.
    Good,
    /// Hoàn thành nhiệm vụ.
    Completed,
    /// Không hoàn thành nhiệm vụ.
    NotCompleted,
}

impl Level {
    pub const ALL: [Level; 4] = [
        Level::Excellent,
        Level::Good,
        Level::Completed,
        Level::NotCompleted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Excellent => "excellent",
            Level::Good => "good",
            Level::Completed => "completed",
            Level::NotCompleted => "not_completed",
        }
    }

    pub fn parse(input: &str) -> Result<Self, DomainError> {
        Level::ALL
            .into_iter()
            .find(|l| l.as_str() == input.trim())
            .ok_or_else(|| DomainError::new("level_unknown", "level").with_detail(input.trim()))
    }

    /// The name offices write in full.
    pub fn name_vi(self) -> &'static str {
        match self {
            Level::Excellent => "Hoàn thành xuất sắc nhiệm vụ",
            Level::Good => "Hoàn thành tốt nhiệm vụ",
            Level::Completed => "Hoàn thành nhiệm vụ",
            Level::NotCompleted => "Không hoàn thành nhiệm vụ",
        }
    }

    /// The abbreviation of reports: "120 HTXSNV; 451 HTTNV; 27 HTNV; không có KHTNV".
    pub fn abbreviation(self) -> &'static str {
        match self {
            Level::Excellent => "HTXSNV",
            Level::Good => "HTTNV",
            Level::Completed => "HTNV",
            Level::NotCompleted => "KHTNV",
        }
    }

    /// The level below (the last stays).
    pub fn below(self) -> Level {
        match self {
            Level::Excellent => Level::Good,
            Level::Good => Level::Completed,
            _ => Level::NotCompleted,
        }
    }
}

/// Whom a rating is of: the rule sets differ for the Party's organisations and members and for
/// the State's civil servants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    /// A party organisation (cell, grassroots committee, committee).
    Organisation,
    /// A party member.
    Member,
    /// A civil servant (công chức).
    CivilServant,
}

/// A rule set, with the dates it is in force (DOMAIN.md §0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RuleSet {
    /// Quy định 132-QĐ/TW (08/3/2018) with Hướng dẫn 21-HD/BTCTW (18/10/2019).
    Qd132,
    /// Quy định 124-QĐ/TW (04/10/2023).
    Qd124,
    /// Quy định 366-QĐ/TW (30/8/2025) with Hướng dẫn 43-HD/BTCTW: 30 + 70 points.
    Qd366,
    /// Nghị định 90/2020/NĐ-CP (civil servants, to 31/12/2025).
    Nd90,
    /// Nghị định 335/2025/NĐ-CP (civil servants, from 01/01/2026): 30 + 70 points.
    Nd335,
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

impl Subject {
    pub const ALL: [Subject; 3] = [
        Subject::Organisation,
        Subject::Member,
        Subject::CivilServant,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Subject::Organisation => "organisation",
            Subject::Member => "member",
            Subject::CivilServant => "civil_servant",
        }
    }

    pub fn parse(input: &str) -> Result<Self, DomainError> {
        Subject::ALL
            .into_iter()
            .find(|s| s.as_str() == input.trim())
            .ok_or_else(|| DomainError::new("subject_unknown", "subject").with_detail(input.trim()))
    }

    pub fn name_vi(self) -> &'static str {
        match self {
            Subject::Organisation => "Tổ chức đảng",
            Subject::Member => "Đảng viên",
            Subject::CivilServant => "Công chức",
        }
    }
}

impl RuleSet {
    pub const ALL: [RuleSet; 5] = [
        RuleSet::Qd132,
        RuleSet::Qd124,
        RuleSet::Qd366,
        RuleSet::Nd90,
        RuleSet::Nd335,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RuleSet::Qd132 => "qd132",
            RuleSet::Qd124 => "qd124",
            RuleSet::Qd366 => "qd366",
            RuleSet::Nd90 => "nd90",
            RuleSet::Nd335 => "nd335",
        }
    }

    /// The instruments, as a rating cites them.
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        RuleSet::ALL
            .into_iter()
            .find(|r| r.as_str() == input.trim())
            .ok_or_else(|| {
                DomainError::new("rule_set_unknown", "rule_set").with_detail(input.trim())
            })
    }

    pub fn citation(self) -> &'static str {
        match self {
            RuleSet::Qd132 => "Quy định 132-QĐ/TW, Hướng dẫn 21-HD/BTCTW",
            RuleSet::Qd124 => "Quy định 124-QĐ/TW",
            RuleSet::Qd366 => "Quy định 366-QĐ/TW, Hướng dẫn 43-HD/BTCTW",
            RuleSet::Nd90 => "Nghị định 90/2020/NĐ-CP",
            RuleSet::Nd335 => "Nghị định 335/2025/NĐ-CP",
        }
    }

    /// From when to when (inclusive) the set is in force.
    pub fn in_force(self) -> (NaiveDate, Option<NaiveDate>) {
        match self {
            RuleSet::Qd132 => (day(2018, 3, 8), Some(day(2023, 10, 3))),
            RuleSet::Qd124 => (day(2023, 10, 4), Some(day(2025, 8, 29))),
            RuleSet::Qd366 => (day(2025, 8, 30), None),
            RuleSet::Nd90 => (day(2020, 8, 10), Some(day(2025, 12, 31))),
            RuleSet::Nd335 => (day(2026, 1, 1), None),
        }
    }

    fn subjects(self) -> &'static [Subject] {
        match self {
            RuleSet::Qd132 | RuleSet::Qd124 | RuleSet::Qd366 => {
                &[Subject::Organisation, Subject::Member]
            }
            RuleSet::Nd90 | RuleSet::Nd335 => &[Subject::CivilServant],
        }
    }

    /// Whether the set scores on 100 points (30 common + 70 for the tasks).
    pub fn scores_points(self) -> bool {
        matches!(self, RuleSet::Qd366 | RuleSet::Nd335)
    }

    /// The set a rating of `year` uses: the one in force on the year's last day, when the
    /// year is rated (2022 is still rated under 132, 2025 already under 366).
    pub fn for_year(subject: Subject, year: i32) -> Result<RuleSet, DomainError> {
        let rated_on = NaiveDate::from_ymd_opt(year, 12, 31)
            .ok_or_else(|| DomainError::new("year_out_of_range", "year"))?;
        RuleSet::ALL
            .into_iter()
            .filter(|r| r.subjects().contains(&subject))
            .find(|r| {
                let (from, to) = r.in_force();
                from <= rated_on && to.is_none_or(|t| rated_on <= t)
            })
            .ok_or_else(|| DomainError::new("no_rule_set", "year").with_detail(format!("{year}")))
    }
}

/// One step of a grade's explanation: the rule applied, what it asked, what was found, and
/// whether it held. Readable by the person rated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Step {
    /// "Quy định 366-QĐ/TW, mức HTXSNV".
    pub rule: String,
    /// "≥ 30% nhiệm vụ hoàn thành vượt mức: 2/9 = 22,22%".
    pub check: String,
    pub met: bool,
    /// What follows: "→ xét mức HTTNV".
    pub then: String,
}

/// `part` of `whole` in percent, cut to two decimals ("22,22"), and the counts: "2/9 = 22,22%".
pub(crate) fn share_text(part: u32, whole: u32) -> String {
    if whole == 0 {
        return format!("{part}/0");
    }
    let pct = rust_decimal::Decimal::from(part) * rust_decimal::Decimal::from(100)
        / rust_decimal::Decimal::from(whole);
    format!(
        "{part}/{whole} = {}%",
        crate::vn::format_decimal(&pct.trunc_with_scale(2), 2)
    )
}

/// A tally of levels the way offices report it, best first: "120 HTXSNV; 451 HTTNV; 27 HTNV;
/// không có KHTNV".
pub fn tally_text(tally: &[u32; 4]) -> String {
    Level::ALL
        .iter()
        .zip(tally)
        .map(|(l, n)| match n {
            0 => format!("không có {}", l.abbreviation()),
            n => format!(
                "{} {}",
                crate::vn::format_decimal(&rust_decimal::Decimal::from(*n), 0),
                l.abbreviation()
            ),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tally_reads_as_offices_report_it() {
        assert_eq!(
            tally_text(&[120, 451, 27, 0]),
            "120 HTXSNV; 451 HTTNV; 27 HTNV; không có KHTNV"
        );
        assert_eq!(
            tally_text(&[0, 1_200, 0, 1]),
            "không có HTXSNV; 1.200 HTTNV; không có HTNV; 1 KHTNV"
        );
    }

    #[test]
    fn the_year_decides_the_rule_set_by_the_day_it_is_rated() {
        let party = |y| RuleSet::for_year(Subject::Member, y).unwrap();
        assert_eq!(party(2019), RuleSet::Qd132);
        assert_eq!(party(2021), RuleSet::Qd132);
        // 124 came on 04/10/2023: 2022 was rated under 132, 2023 under 124.
        assert_eq!(party(2022), RuleSet::Qd132);
        assert_eq!(party(2023), RuleSet::Qd124);
        assert_eq!(party(2024), RuleSet::Qd124);
        assert_eq!(party(2025), RuleSet::Qd366);
        assert_eq!(party(2026), RuleSet::Qd366);
        let servant = |y| RuleSet::for_year(Subject::CivilServant, y).unwrap();
        assert_eq!(servant(2021), RuleSet::Nd90);
        assert_eq!(servant(2025), RuleSet::Nd90);
        assert_eq!(servant(2026), RuleSet::Nd335);
        assert_eq!(
            RuleSet::for_year(Subject::Organisation, 2017)
                .unwrap_err()
                .code,
            "no_rule_set"
        );
    }

    #[test]
    fn levels_read_and_write_as_offices_do() {
        assert_eq!(Level::Excellent.abbreviation(), "HTXSNV");
        assert_eq!(Level::NotCompleted.name_vi(), "Không hoàn thành nhiệm vụ");
        assert_eq!(Level::parse("good").unwrap(), Level::Good);
        assert_eq!(Level::Good.below(), Level::Completed);
        assert_eq!(Level::NotCompleted.below(), Level::NotCompleted);
        assert_eq!(share_text(2, 9), "2/9 = 22,22%");
    }
}
