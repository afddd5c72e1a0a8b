//! Vietnam's time: UTC+7 all year (no daylight saving since 1975). The one place where an
//! instant becomes a local date or time and a local day becomes instants; everything else
//! calls these.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};

/// Hours ahead of UTC.
pub const UTC_OFFSET_HOURS: i64 = 7;

/// The wall-clock time in Vietnam at instant `t`.
pub fn local(t: DateTime<Utc>) -> NaiveDateTime {
    (t + Duration::hours(UTC_OFFSET_HOURS)).naive_utc()
}

/// The date in Vietnam at instant `t`: what "today" means for grants, deadlines and views.
pub fn date_of(t: DateTime<Utc>) -> NaiveDate {
    local(t).date()
}

/// The instant it is `hour` o'clock on `day` in Vietnam.
pub fn at_hour(day: NaiveDate, hour: u32) -> DateTime<Utc> {
    day.and_hms_opt(hour.min(23), 0, 0)
        .expect("an hour of the day")
        .and_utc()
        - Duration::hours(UTC_OFFSET_HOURS)
}

/// The last instant of `day` in Vietnam (23:59:59.999999 local), as UTC: what "as of 20/05"
/// includes.
pub fn end_of_day(day: NaiveDate) -> DateTime<Utc> {
    let next = day.succ_opt().unwrap_or(day);
    next.and_hms_opt(0, 0, 0).expect("midnight").and_utc()
        - Duration::hours(UTC_OFFSET_HOURS)
        - Duration::microseconds(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn nine_in_the_morning_in_vietnam_is_two_in_utc() {
        let day = NaiveDate::from_ymd_opt(2021, 5, 3).unwrap();
        assert_eq!(at_hour(day, 9), at("2021-05-03T02:00:00Z"));
        assert_eq!(date_of(at_hour(day, 0)), day);
    }

    #[test]
    fn the_day_turns_at_midnight_in_vietnam_not_in_utc() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(date_of(at("2021-05-20T16:59:59Z")), d("2021-05-20"));
        assert_eq!(date_of(at("2021-05-20T17:00:00Z")), d("2021-05-21"));
        assert_eq!(
            end_of_day(d("2021-05-20")),
            at("2021-05-20T16:59:59.999999Z")
        );
        assert_eq!(date_of(end_of_day(d("2021-05-20"))), d("2021-05-20"));
        assert_eq!(
            local(at("2026-11-27T03:45:00Z"))
                .format("%H:%M")
                .to_string(),
            "10:45"
        );
    }
}
