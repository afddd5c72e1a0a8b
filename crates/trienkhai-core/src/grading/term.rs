//! A term's rating from its yearly ones (Quy định 89-QĐ/TW, 2017; DOMAIN.md §1.6): HTXSNV with
//! four years of the term at HTXSNV; HTTNV with at least three years HTTNV or better and no year
//! KHTNV; HTNV with at least three years HTNV or better; KHTNV with two years KHTNV or more.
//! Read as the text of HTTNV reads, a year KHTNV also keeps HTXSNV away (the text of HTXSNV is
//! silent on it); fewer years than the conditions need settle nothing yet.

use serde::{Deserialize, Serialize};

use super::{Level, Step};

/// A term's level with its reasons; none when the years rated settle nothing yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TermRating {
    pub level: Option<Level>,
    pub steps: Vec<Step>,
}

/// Rates a term from the levels of its years (in any order; unrated years left out).
pub fn rate(years: &[Level]) -> TermRating {
    let count = |f: &dyn Fn(Level) -> bool| years.iter().filter(|l| f(**l)).count();
    let excellent = count(&|l| l == Level::Excellent);
    let good_or_better = count(&|l| l <= Level::Good);
    let completed_or_better = count(&|l| l <= Level::Completed);
    let not_completed = count(&|l| l == Level::NotCompleted);
    let rule = "Quy định 89-QĐ/TW, xếp loại cả nhiệm kỳ".to_owned();
    let checks: [(Level, String, bool); 4] = [
        (
            Level::NotCompleted,
            format!("từ 2 năm KHTNV trở lên: {not_completed} năm"),
            not_completed >= 2,
        ),
        (
            Level::Excellent,
            format!("4 năm HTXSNV: {excellent} năm"),
            excellent >= 4 && not_completed == 0,
        ),
        (
            Level::Good,
            format!(
                "ít nhất 3 năm HTTNV trở lên và không năm nào KHTNV: {good_or_better} năm, {not_completed} năm KHTNV"
            ),
            good_or_better >= 3 && not_completed == 0,
        ),
        (
            Level::Completed,
            format!("ít nhất 3 năm HTNV trở lên: {completed_or_better} năm"),
            completed_or_better >= 3,
        ),
    ];
    let mut steps = Vec::new();
    for (level, check, met) in checks {
        steps.push(Step {
            rule: rule.clone(),
            check,
            met,
            then: if met {
                format!("→ {}", level.abbreviation())
            } else {
                "→ xét mức tiếp theo".to_owned()
            },
        });
        if met {
            return TermRating {
                level: Some(level),
                steps,
            };
        }
    }
    TermRating { level: None, steps }
}

/// The congress term a year's rating belongs to, and the years rated in it: grassroots and
/// district congresses are held every five years (2015, 2020, 2025, …), and the term's yearly
/// ratings are those of its first five years (2020-2025: 2020 to 2024; the last year is
/// reviewed with the term). Answers (the term's first year, the last year rated yearly).
pub fn term_years(year: i32) -> (i32, i32) {
    let start = 2020 + 5 * (year - 2020).div_euclid(5);
    (start, start + 4)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Level::*;

    #[test]
    fn a_year_falls_in_its_congress_term() {
        assert_eq!(term_years(2020), (2020, 2024));
        assert_eq!(term_years(2024), (2020, 2024));
        assert_eq!(term_years(2025), (2025, 2029));
        assert_eq!(term_years(2019), (2015, 2019));
    }

    #[test]
    fn a_term_is_rated_from_its_years() {
        assert_eq!(rate(&[Excellent; 5]).level, Some(Excellent));
        assert_eq!(
            rate(&[Excellent, Excellent, Excellent, Good, Good]).level,
            Some(Good)
        );
        // A year KHTNV keeps HTTNV away, three years HTNV or better still make HTNV.
        assert_eq!(
            rate(&[Good, Good, Good, Completed, NotCompleted]).level,
            Some(Completed)
        );
        assert_eq!(
            rate(&[Excellent, NotCompleted, NotCompleted, Good, Good]).level,
            Some(NotCompleted)
        );
        let early = rate(&[Good, Good]);
        assert_eq!(early.level, None, "two years settle nothing");
        assert!(early.steps.iter().all(|s| !s.met));
    }
}
