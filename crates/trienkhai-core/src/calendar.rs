//! Working days in Vietnam (C8: report deadlines count working days). Saturdays and Sundays are
//! off; so are the statutory public holidays of Bộ luật Lao động 2019, art. 112: Tết Dương lịch
//! (1/1), Tết Nguyên đán (five days around the lunar new year), Giỗ Tổ Hùng Vương (10/3 lunar),
//! 30/4, 1/5 and Quốc khánh (2/9 and one adjacent day); a holiday falling on a weekend is made
//! up on the next working day (art. 111). The government also moves days off and
//! sets make-up Saturdays each year, so a calendar is data: the defaults here are a starting
//! point that an administrator corrects ([`WorkCalendar::with_days_off`], [`WorkCalendar::with_working_days`]).

use std::collections::BTreeSet;

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// The first day of the lunar year (mùng 1 Tết) and Giỗ Tổ Hùng Vương (10/3 lunar), by year, in
/// the solar calendar. Outside these years the lunar holidays must be entered as data.
/// (month, day) in the solar calendar.
type MonthDay = (u32, u32);

const LUNAR: &[(i32, MonthDay, MonthDay)] = &[
    (2020, (1, 25), (4, 2)),
    (2021, (2, 12), (4, 21)),
    (2022, (2, 1), (4, 10)),
    (2023, (1, 22), (4, 29)),
    (2024, (2, 10), (4, 18)),
    (2025, (1, 29), (4, 7)),
    (2026, (2, 17), (4, 26)),
    (2027, (2, 6), (4, 16)),
    (2028, (1, 26), (4, 4)),
    (2029, (2, 13), (4, 23)),
    (2030, (2, 3), (4, 12)),
];

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a calendar date")
}

/// Working days and days off.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkCalendar {
    days_off: BTreeSet<NaiveDate>,
    /// Weekend days worked to make up for a bridged holiday.
    working_weekend_days: BTreeSet<NaiveDate>,
}

impl WorkCalendar {
    /// The statutory holidays of `years` (the lunar ones for the years of the embedded table).
    pub fn vietnam(years: std::ops::RangeInclusive<i32>) -> Self {
        let mut days_off = BTreeSet::new();
        // Years outside the supported range have no dates worth a holiday (and some none at all).
        for year in years.filter(|y| crate::period::YEARS.contains(y)) {
            for (m, d) in [(1, 1), (4, 30), (5, 1), (9, 2)] {
                days_off.insert(date(year, m, d));
            }
            // Quốc khánh: 2/9 and one adjacent day; the day after is the usual choice.
            days_off.insert(date(year, 9, 3));
            if let Some((_, (tm, td), (hm, hd))) = LUNAR.iter().find(|(y, _, _)| *y == year) {
                let tet = date(year, *tm, *td);
                // The last day of the old year and the first four of the new one.
                for offset in -1..=3 {
                    days_off.insert(tet + Duration::days(offset));
                }
                days_off.insert(date(year, *hm, *hd));
            }
        }
        // A holiday on a weekend is made up on the next working day.
        let weekend = |d: &NaiveDate| matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
        let on_weekends: Vec<NaiveDate> = days_off.iter().copied().filter(weekend).collect();
        for holiday in on_weekends {
            let mut day = holiday + Duration::days(1);
            while weekend(&day) || days_off.contains(&day) {
                day += Duration::days(1);
            }
            days_off.insert(day);
        }
        Self {
            days_off,
            working_weekend_days: BTreeSet::new(),
        }
    }

    /// Adds days off decided for a year (bridges, a holiday moved off a weekend).
    pub fn with_days_off(mut self, days: impl IntoIterator<Item = NaiveDate>) -> Self {
        self.days_off.extend(days);
        self
    }

    /// Adds weekend days that are worked (make-up Saturdays).
    pub fn with_working_days(mut self, days: impl IntoIterator<Item = NaiveDate>) -> Self {
        self.working_weekend_days.extend(days);
        self
    }

    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        if self.working_weekend_days.contains(&day) {
            return true;
        }
        !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !self.days_off.contains(&day)
    }

    /// The `n`-th working day after `day` (`n` = 0: `day` itself if it is a working day, else
    /// the next one). Deadlines "within 5 working days after the period" are `add(end, 5)`.
    pub fn add_working_days(&self, day: NaiveDate, n: u32) -> NaiveDate {
        let mut current = day;
        if n == 0 {
            while !self.is_working_day(current) {
                current += Duration::days(1);
            }
            return current;
        }
        let mut left = n;
        while left > 0 {
            current += Duration::days(1);
            if self.is_working_day(current) {
                left -= 1;
            }
        }
        current
    }

    /// The `n`-th working day before `day` (a lower level's deadline ahead of its upper one).
    pub fn sub_working_days(&self, day: NaiveDate, n: u32) -> NaiveDate {
        let mut current = day;
        let mut left = n;
        while left > 0 {
            current -= Duration::days(1);
            if self.is_working_day(current) {
                left -= 1;
            }
        }
        current
    }

    /// Working days from `from` (excluded) to `to` (included); negative when `to` is earlier.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        let (a, b, sign) = if to >= from {
            (from, to, 1)
        } else {
            (to, from, -1)
        };
        let mut count = 0;
        let mut day = a;
        while day < b {
            day += Duration::days(1);
            if self.is_working_day(day) {
                count += 1;
            }
        }
        sign * count
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn weekends_and_statutory_holidays_are_off() {
        let cal = WorkCalendar::vietnam(2021..=2026);
        assert!(cal.is_working_day(d("2021-06-01")), "a Tuesday");
        assert!(!cal.is_working_day(d("2021-06-05")), "a Saturday");
        for off in [
            "2021-01-01",
            "2021-02-11", // the last day of the year of the rat
            "2021-02-12", // mùng 1 Tết Tân Sửu
            "2021-02-15",
            "2021-04-21", // Giỗ Tổ Hùng Vương
            "2021-04-30",
            "2021-09-02",
            "2021-09-03",
            "2026-02-17", // mùng 1 Tết Bính Ngọ
        ] {
            assert!(!cal.is_working_day(d(off)), "{off}");
        }
        // Two days of Tết fell on the weekend and are made up on 16 and 17 February.
        assert!(!cal.is_working_day(d("2021-02-17")));
        assert!(cal.is_working_day(d("2021-02-18")), "back to work");
    }

    #[test]
    fn deadlines_count_working_days_and_corrections_are_data() {
        let cal = WorkCalendar::vietnam(2021..=2021);
        // 30/04/2021 is a Friday and a holiday; 1/5 falls on a Saturday and is made up on Monday
        // 3/5; five working days after 30/4 are 4, 5, 6, 7 and 10 May.
        assert!(!cal.is_working_day(d("2021-05-03")));
        assert_eq!(cal.add_working_days(d("2021-04-30"), 5), d("2021-05-10"));
        assert_eq!(cal.add_working_days(d("2021-05-01"), 0), d("2021-05-04"));
        assert_eq!(cal.sub_working_days(d("2021-05-10"), 2), d("2021-05-06"));
        assert_eq!(
            cal.working_days_between(d("2021-04-30"), d("2021-05-10")),
            5
        );
        assert_eq!(
            cal.working_days_between(d("2021-05-10"), d("2021-04-30")),
            -5
        );
        // A bridge decided for the year, with a make-up Saturday (illustrative).
        let moved = cal
            .with_days_off([d("2021-05-04")])
            .with_working_days([d("2021-05-08")]);
        assert!(!moved.is_working_day(d("2021-05-04")));
        assert!(moved.is_working_day(d("2021-05-08")));
        assert_eq!(moved.add_working_days(d("2021-04-30"), 5), d("2021-05-10"));
        assert_eq!(moved.add_working_days(d("2021-04-30"), 4), d("2021-05-08"));
    }
}
