//! Vietnamese dates on [`NaiveDate`]: `13/02/2023` for display and input, ISO `2023-02-13`
//! accepted from APIs and HTML date inputs, and the long form of official documents,
//! `ngày 13 tháng 02 năm 2023`.

use chrono::{Datelike, NaiveDate};

/// Why a string is not a date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("the date is empty")]
    Empty,
    #[error(
        "expected a date as day/month/year with a four-digit year, e.g. 13/02/2023, or as 2023-02-13"
    )]
    Format,
    #[error("year {year} is out of range; use a year from 0001 to 9999")]
    YearOutOfRange { year: i32 },
    #[error("month {month} does not exist; months run from 1 to 12")]
    MonthOutOfRange { month: u32 },
    #[error(
        "day {day} does not exist in month {month:02}/{year:04}, which has {days_in_month} days"
    )]
    DayOutOfRange {
        day: u32,
        month: u32,
        year: i32,
        days_in_month: u32,
    },
}

impl DateError {
    /// A stable machine-readable code for this error, e.g. for API responses and translations.
    pub fn code(&self) -> &'static str {
        match self {
            DateError::Empty => "date_empty",
            DateError::Format => "date_format",
            DateError::YearOutOfRange { .. }
            | DateError::MonthOutOfRange { .. }
            | DateError::DayOutOfRange { .. } => "date_out_of_range",
        }
    }
}

/// Formats `d` as `dd/mm/yyyy`, e.g. `13/02/2023`.
pub fn format_date(d: NaiveDate) -> String {
    format!("{:02}/{:02}/{:04}", d.day(), d.month(), d.year())
}

/// Formats `d` as official documents do: `ngày 05 tháng 3 năm 2021`. Days 1–9 and months 1–2
/// take a leading zero ("ngày 01", "tháng 01", "tháng 02"); other days and months do not.
pub fn format_date_long_vi(d: NaiveDate) -> String {
    let month = match d.month() {
        m @ (1 | 2) => format!("{m:02}"),
        m => m.to_string(),
    };
    format!("ngày {:02} tháng {month} năm {}", d.day(), d.year())
}

/// Parses a date written `13/02/2023`, `13/2/2023`, `1-4-2023` or `13.02.2023` (day, month, then
/// a four-digit year, one separator used throughout), or ISO `2023-02-13`. Surrounding
/// whitespace is ignored; two-digit years are rejected.
pub fn parse_date(s: &str) -> Result<NaiveDate, DateError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(DateError::Empty);
    }
    let separator = s
        .chars()
        .find(|c| !c.is_ascii_digit())
        .ok_or(DateError::Format)?;
    if !matches!(separator, '/' | '-' | '.') {
        return Err(DateError::Format);
    }
    let parts: Vec<&str> = s.split(separator).collect();
    let [first, second, third] = parts[..] else {
        return Err(DateError::Format);
    };
    let (year, month, day) = if separator == '-' && first.len() == 4 {
        (
            number(first, 4..=4)?,
            number(second, 2..=2)?,
            number(third, 2..=2)?,
        )
    } else {
        (
            number(third, 4..=4)?,
            number(second, 1..=2)?,
            number(first, 1..=2)?,
        )
    };
    // At most four digits, so the conversion cannot fail.
    let year = i32::try_from(year).map_err(|_| DateError::Format)?;
    checked_date(year, month, day)
}

/// Parses an all-ASCII-digit field whose length is within `len`.
fn number(field: &str, len: std::ops::RangeInclusive<usize>) -> Result<u32, DateError> {
    if !len.contains(&field.len()) || !field.bytes().all(|b| b.is_ascii_digit()) {
        return Err(DateError::Format);
    }
    field.parse().map_err(|_| DateError::Format)
}

/// Builds the date, saying which part is out of range when it does not exist.
fn checked_date(year: i32, month: u32, day: u32) -> Result<NaiveDate, DateError> {
    if !(1..=9999).contains(&year) {
        return Err(DateError::YearOutOfRange { year });
    }
    if !(1..=12).contains(&month) {
        return Err(DateError::MonthOutOfRange { month });
    }
    NaiveDate::from_ymd_opt(year, month, day).ok_or(DateError::DayOutOfRange {
        day,
        month,
        year,
        days_in_month: days_in_month(year, month),
    })
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn formats_short_dates() {
        assert_eq!(format_date(ymd(2023, 2, 13)), "13/02/2023");
        assert_eq!(format_date(ymd(2021, 12, 5)), "05/12/2021");
        assert_eq!(format_date(ymd(930, 1, 1)), "01/01/0930");
    }

    #[test]
    fn formats_long_dates_like_official_documents() {
        assert_eq!(
            format_date_long_vi(ymd(2023, 2, 13)),
            "ngày 13 tháng 02 năm 2023"
        );
        assert_eq!(
            format_date_long_vi(ymd(2021, 3, 5)),
            "ngày 05 tháng 3 năm 2021"
        );
        assert_eq!(
            format_date_long_vi(ymd(2024, 1, 1)),
            "ngày 01 tháng 01 năm 2024"
        );
        assert_eq!(
            format_date_long_vi(ymd(2024, 12, 10)),
            "ngày 10 tháng 12 năm 2024"
        );
        assert_eq!(
            format_date_long_vi(ymd(2024, 10, 9)),
            "ngày 09 tháng 10 năm 2024"
        );
    }

    #[test]
    fn parses_the_accepted_forms() {
        let feb13 = ymd(2023, 2, 13);
        for input in [
            "13/02/2023",
            "13/2/2023",
            "13-02-2023",
            "13.02.2023",
            "13.2.2023",
            "2023-02-13",
            "  13/02/2023\n",
        ] {
            assert_eq!(parse_date(input), Ok(feb13), "{input:?}");
        }
        assert_eq!(parse_date("1-4-2023"), Ok(ymd(2023, 4, 1)));
        assert_eq!(parse_date("29/02/2024"), Ok(ymd(2024, 2, 29)));
        assert_eq!(parse_date("31/12/9999"), Ok(ymd(9999, 12, 31)));
    }

    #[test]
    fn rejects_badly_shaped_dates() {
        for input in [
            "13/02/23",
            "13/02/023",
            "13/02/20230",
            "2023/02/13",
            "2023-2-13",
            "2023-02-3",
            "13/02-2023",
            "13 02 2023",
            "13/02",
            "13/02/2023/1",
            "130/2/2023",
            "13//2023",
            "+1/02/2023",
            "aa/bb/cccc",
            "13022023",
            "13/02/2023 10:00",
            "١٣/٠٢/٢٠٢٣",
        ] {
            assert_eq!(parse_date(input), Err(DateError::Format), "{input:?}");
        }
        assert_eq!(parse_date(""), Err(DateError::Empty));
        assert_eq!(parse_date("  "), Err(DateError::Empty));
    }

    #[test]
    fn rejects_dates_that_do_not_exist() {
        assert_eq!(
            parse_date("31/02/2023"),
            Err(DateError::DayOutOfRange {
                day: 31,
                month: 2,
                year: 2023,
                days_in_month: 28
            })
        );
        assert_eq!(
            parse_date("31/02/2023").unwrap_err().to_string(),
            "day 31 does not exist in month 02/2023, which has 28 days"
        );
        assert_eq!(
            parse_date("29/02/2023").unwrap_err().code(),
            "date_out_of_range"
        );
        assert_eq!(
            parse_date("31/04/2023"),
            Err(DateError::DayOutOfRange {
                day: 31,
                month: 4,
                year: 2023,
                days_in_month: 30
            })
        );
        assert!(matches!(
            parse_date("0/1/2023"),
            Err(DateError::DayOutOfRange { day: 0, .. })
        ));
        assert_eq!(
            parse_date("1/13/2023"),
            Err(DateError::MonthOutOfRange { month: 13 })
        );
        assert_eq!(
            parse_date("2023-00-10"),
            Err(DateError::MonthOutOfRange { month: 0 })
        );
        assert_eq!(
            parse_date("01/01/0000"),
            Err(DateError::YearOutOfRange { year: 0 })
        );
    }

    #[test]
    fn error_codes_are_stable() {
        assert_eq!(DateError::Empty.code(), "date_empty");
        assert_eq!(DateError::Format.code(), "date_format");
        assert_eq!(
            DateError::MonthOutOfRange { month: 13 }.code(),
            "date_out_of_range"
        );
        assert_eq!(
            DateError::YearOutOfRange { year: 0 }.code(),
            "date_out_of_range"
        );
    }

    #[test]
    fn days_in_month_follows_the_gregorian_calendar() {
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(1900, 2), 28);
        assert_eq!(days_in_month(2000, 2), 29);
        assert_eq!(days_in_month(2023, 11), 30);
        assert_eq!(days_in_month(2023, 12), 31);
    }

    fn date() -> impl Strategy<Value = NaiveDate> {
        let first = ymd(1, 1, 1).num_days_from_ce();
        let last = ymd(9999, 12, 31).num_days_from_ce();
        (first..=last).prop_map(|days| NaiveDate::from_num_days_from_ce_opt(days).unwrap())
    }

    proptest! {
        #[test]
        fn parse_inverts_format(d in date()) {
            prop_assert_eq!(parse_date(&format_date(d)), Ok(d));
            prop_assert_eq!(parse_date(&d.format("%Y-%m-%d").to_string()), Ok(d));
        }

        #[test]
        fn parse_agrees_with_chrono(y in 1i32..=9999, m in 0u32..=13, d in 0u32..=32) {
            let expected = NaiveDate::from_ymd_opt(y, m, d);
            let parsed = parse_date(&format!("{d}/{m}/{y:04}"));
            prop_assert_eq!(parsed.ok(), expected);
        }

        #[test]
        fn parse_never_panics(s in any::<String>()) {
            let _ = parse_date(&s);
        }
    }
}
