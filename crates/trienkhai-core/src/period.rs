//! Reporting periods as offices write them, in the API's notation: `2021` (a year), `2021-Q3`
//! (a quarter), `2021-H1` (the first six months, *6 tháng đầu năm*), `2021-9M` (nine months),
//! `2021-07` (a month) and `2020..2025` (a phase or a committee term). Each is a span of dates,
//! cumulative from the start of the year where offices report that way (H1, 9M).

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::DomainError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Period {
    Year(i32),
    Quarter(i32, u8),
    FirstHalf(i32),
    NineMonths(i32),
    Month(i32, u8),
    /// A phase or a term, both years included.
    Span(i32, i32),
}

fn err(detail: impl Into<String>) -> DomainError {
    DomainError::new("period_invalid", "period").with_detail(detail)
}

/// The years a period, a calendar or a plan may concern: wide enough for any resolution's
/// history and vision, narrow enough that every date computed from them (a deadline working
/// days after a term's end) stays a valid date.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

fn year(s: &str) -> Result<i32, DomainError> {
    match s.parse::<i32>() {
        Ok(y) if s.len() == 4 && YEARS.contains(&y) => Ok(y),
        _ => Err(err(format!("«{s}» is not a year"))),
    }
}

fn first_day(y: i32, month: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, month, 1).expect("valid month")
}

fn last_day(y: i32, month: u32) -> NaiveDate {
    let next = if month == 12 {
        first_day(y + 1, 1)
    } else {
        first_day(y, month + 1)
    };
    next.pred_opt().expect("a day before")
}

impl Period {
    /// The year a plan is about when nothing else is asked: its phase when that is one year,
    /// otherwise the year it was issued, and the year after for a resolution of December (the
    /// December session of a committee sets the next year's targets).
    pub fn plan_year(issued_on: NaiveDate, phase: Option<&str>) -> Period {
        use chrono::Datelike;
        phase
            .and_then(|p| Period::parse(p).ok())
            .filter(|p| matches!(p, Period::Year(_)))
            .unwrap_or_else(|| {
                let year = issued_on.year();
                Period::Year(if issued_on.month() == 12 {
                    year + 1
                } else {
                    year
                })
            })
    }

    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let s = input.trim().to_uppercase();
        if s.is_empty() {
            return Err(DomainError::new("required", "period"));
        }
        if let Some((a, b)) = s.split_once("..") {
            let (a, b) = (year(a)?, year(b)?);
            if b < a {
                return Err(DomainError::new("end_before_start", "period"));
            }
            return Ok(Period::Span(a, b));
        }
        let Some((y, rest)) = s.split_once('-') else {
            return Ok(Period::Year(year(&s)?));
        };
        let y = year(y)?;
        match rest {
            "H1" => Ok(Period::FirstHalf(y)),
            "9M" => Ok(Period::NineMonths(y)),
            q if q.starts_with('Q') => match q[1..].parse::<u8>() {
                Ok(n @ 1..=4) if q.len() == 2 => Ok(Period::Quarter(y, n)),
                _ => Err(err(format!("«{q}»: quarters are Q1 to Q4"))),
            },
            m if m.len() == 2 && m.chars().all(|c| c.is_ascii_digit()) => match m.parse::<u8>() {
                Ok(n @ 1..=12) => Ok(Period::Month(y, n)),
                _ => Err(err(format!("«{m}»: months are 01 to 12"))),
            },
            other => Err(err(format!(
                "«{other}»: write YYYY, YYYY-Qn, YYYY-H1, YYYY-9M, YYYY-MM or YYYY..YYYY"
            ))),
        }
    }

    /// The first and last day of the period.
    pub fn dates(&self) -> (NaiveDate, NaiveDate) {
        match *self {
            Period::Year(y) => (first_day(y, 1), last_day(y, 12)),
            Period::Quarter(y, q) => {
                let start = u32::from(q) * 3 - 2;
                (first_day(y, start), last_day(y, start + 2))
            }
            Period::FirstHalf(y) => (first_day(y, 1), last_day(y, 6)),
            Period::NineMonths(y) => (first_day(y, 1), last_day(y, 9)),
            Period::Month(y, m) => (first_day(y, u32::from(m)), last_day(y, u32::from(m))),
            Period::Span(a, b) => (first_day(a, 1), last_day(b, 12)),
        }
    }

    /// The months the period is made of (none for a span longer than 10 years).
    pub fn months(&self) -> Vec<Period> {
        if let Period::Span(a, b) = *self
            && b - a >= 10
        {
            return Vec::new();
        }
        let (start, end) = self.dates();
        let mut out = Vec::new();
        let mut day = start;
        while day <= end {
            use chrono::Datelike;
            out.push(Period::Month(day.year(), day.month() as u8));
            day = last_day(day.year(), day.month())
                .succ_opt()
                .expect("a next day");
        }
        out
    }

    /// The quarters the period is made of; none when it does not start and end on quarters.
    pub fn quarters(&self) -> Vec<Period> {
        use chrono::Datelike;
        let months = self.months();
        if !months.len().is_multiple_of(3) || self.dates().0.month() % 3 != 1 {
            return Vec::new();
        }
        months
            .iter()
            .step_by(3)
            .filter_map(|m| match m {
                Period::Month(y, m) => Some(Period::Quarter(*y, (m - 1) / 3 + 1)),
                _ => None,
            })
            .collect()
    }

    /// The years of a phase or a term (none for a shorter period).
    pub fn years(&self) -> Vec<Period> {
        match *self {
            Period::Span(a, b) => (a..=b).map(Period::Year).collect(),
            _ => Vec::new(),
        }
    }

    /// The period of the same kind just before: March for April, Q4 2020 for Q1 2021, the year
    /// before for a year or its first half. `None` for a span or before the first year.
    pub fn previous(&self) -> Option<Period> {
        let p = match *self {
            Period::Month(y, 1) => Period::Month(y - 1, 12),
            Period::Month(y, m) => Period::Month(y, m - 1),
            Period::Quarter(y, 1) => Period::Quarter(y - 1, 4),
            Period::Quarter(y, q) => Period::Quarter(y, q - 1),
            Period::FirstHalf(y) => Period::FirstHalf(y - 1),
            Period::NineMonths(y) => Period::NineMonths(y - 1),
            Period::Year(y) => Period::Year(y - 1),
            Period::Span(..) => return None,
        };
        let year = match p {
            Period::Month(y, _)
            | Period::Quarter(y, _)
            | Period::FirstHalf(y)
            | Period::NineMonths(y)
            | Period::Year(y)
            | Period::Span(y, _) => y,
        };
        YEARS.contains(&year).then_some(p)
    }

    /// Whether `other` is a period of the same kind (both months, both quarters…).
    pub fn same_kind(&self, other: &Period) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
    }

    /// The day whose organisation tree the period's roll-ups follow: its last day.
    pub fn tree_date(&self) -> NaiveDate {
        self.dates().1
    }

    /// How offices write it: "Quý III/2021", "6 tháng đầu năm 2021", "Giai đoạn 2020 - 2025".
    pub fn label_vi(&self) -> String {
        const ROMAN: [&str; 4] = ["I", "II", "III", "IV"];
        match *self {
            Period::Year(y) => format!("Năm {y}"),
            Period::Quarter(y, q) => format!("Quý {}/{y}", ROMAN[usize::from(q) - 1]),
            Period::FirstHalf(y) => format!("6 tháng đầu năm {y}"),
            Period::NineMonths(y) => format!("9 tháng năm {y}"),
            Period::Month(y, m) => format!("Tháng {m}/{y}"),
            Period::Span(a, b) => format!("Giai đoạn {a} - {b}"),
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Period::Year(y) => write!(f, "{y}"),
            Period::Quarter(y, q) => write!(f, "{y}-Q{q}"),
            Period::FirstHalf(y) => write!(f, "{y}-H1"),
            Period::NineMonths(y) => write!(f, "{y}-9M"),
            Period::Month(y, m) => write!(f, "{y}-{m:02}"),
            Period::Span(a, b) => write!(f, "{a}..{b}"),
        }
    }
}

impl FromStr for Period {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Period::parse(s)
    }
}

/// A period is written as text, in the forms [`Period::parse`] reads and `Display` writes.
impl schemars::JsonSchema for Period {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Period".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": PERIOD_PATTERN,
            "description": "2021 (a year), 2021-Q3, 2021-H1, 2021-9M, 2021-07 (a month) or 2020..2025 (a span of years)",
        })
    }
}

/// The written forms of a period, as a regular expression.
pub const PERIOD_PATTERN: &str = r"^[0-9]{4}(-(Q[1-4]|H1|9M|0[1-9]|1[0-2])|\.\.[0-9]{4})?$";

impl TryFrom<String> for Period {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Period::parse(&s)
    }
}

impl From<Period> for String {
    fn from(p: Period) -> String {
        p.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_is_about_its_phase_or_the_year_it_opens() {
        assert_eq!(Period::plan_year(d("2021-03-10"), None), Period::Year(2021));
        assert_eq!(Period::plan_year(d("2020-12-22"), None), Period::Year(2021));
        assert_eq!(
            Period::plan_year(d("2020-12-22"), Some("2022")),
            Period::Year(2022)
        );
        // A phase of several years says nothing about the year shown first.
        assert_eq!(
            Period::plan_year(d("2020-11-02"), Some("2020..2025")),
            Period::Year(2020)
        );
    }

    /// The pattern the API describes periods with takes every period written, and refuses
    /// what is not one.
    #[test]
    fn the_described_pattern_is_the_written_form() {
        let pattern = regex::Regex::new(PERIOD_PATTERN).unwrap();
        for year in [1990, 2021, 2100] {
            let mut written = vec![
                Period::Year(year),
                Period::FirstHalf(year),
                Period::NineMonths(year),
                Period::Span(year, year + 5),
            ];
            written.extend((1..=4).map(|q| Period::Quarter(year, q)));
            written.extend((1..=12).map(|m| Period::Month(year, m)));
            for period in written {
                let text = period.to_string();
                assert!(pattern.is_match(&text), "{text}");
                assert_eq!(Period::parse(&text).unwrap(), period);
            }
        }
        for wrong in [
            "21", "2021-13", "2021-Q5", "2021-H2", "04/2021", "2021..", "2021-7",
        ] {
            assert!(!pattern.is_match(wrong), "{wrong}");
        }
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn every_notation_parses_to_its_dates_and_prints_back() {
        let cases = [
            ("2021", "2021-01-01", "2021-12-31", "Năm 2021"),
            ("2021-Q3", "2021-07-01", "2021-09-30", "Quý III/2021"),
            (
                "2021-H1",
                "2021-01-01",
                "2021-06-30",
                "6 tháng đầu năm 2021",
            ),
            ("2021-9M", "2021-01-01", "2021-09-30", "9 tháng năm 2021"),
            ("2024-02", "2024-02-01", "2024-02-29", "Tháng 2/2024"),
            (
                "2020..2025",
                "2020-01-01",
                "2025-12-31",
                "Giai đoạn 2020 - 2025",
            ),
        ];
        for (text, from, to, label) in cases {
            let p = Period::parse(text).unwrap();
            assert_eq!(p.dates(), (d(from), d(to)), "{text}");
            assert_eq!(p.to_string(), text);
            assert_eq!(p.label_vi(), label);
        }
        assert_eq!(
            Period::parse(" 2021-q4 ").unwrap(),
            Period::Quarter(2021, 4)
        );
        assert_eq!(
            Period::parse("2021-h1").unwrap().tree_date(),
            d("2021-06-30")
        );
    }

    #[test]
    fn bad_periods_say_what_is_wrong() {
        for bad in [
            "21", "2021-Q5", "2021-13", "2021-H2", "2021/07", "abcd", "2021-7",
        ] {
            let e = Period::parse(bad).unwrap_err();
            assert_eq!(
                (e.code, e.field.as_deref()),
                ("period_invalid", Some("period")),
                "{bad}"
            );
            assert!(e.detail.is_some());
        }
        assert_eq!(
            Period::parse("2025..2020").unwrap_err().code,
            "end_before_start"
        );
        assert_eq!(Period::parse("").unwrap_err().code, "required");
    }

    #[test]
    fn periods_convert_to_and_from_their_notation() {
        // serde goes through these two conversions.
        assert_eq!(String::from(Period::Quarter(2021, 1)), "2021-Q1");
        assert_eq!(
            Period::try_from("2020..2025".to_owned()).unwrap(),
            Period::Span(2020, 2025)
        );
        assert!(Period::try_from("2020..20".to_owned()).is_err());
    }
}
