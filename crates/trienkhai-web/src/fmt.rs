//! Formatting for pages: Vietnamese dates and labels, computed before rendering so that
//! templates stay free of logic.

use chrono::NaiveDate;
use trienkhai_core::access::Role;
use trienkhai_core::party::PartyStatus;
use trienkhai_core::vn;

use crate::i18n::{Lang, tr};

pub fn date(d: NaiveDate) -> String {
    vn::format_date(d)
}

/// An interval as "01/01/2021 – 30/06/2025", or "01/01/2021 – nay" when open.
pub fn interval(lang: Lang, from: NaiveDate, to: Option<NaiveDate>) -> String {
    let end = to
        .map(vn::format_date)
        .unwrap_or_else(|| tr(lang, "common.open_ended").to_owned());
    format!("{} – {end}", vn::format_date(from))
}

/// The day of the week as offices write it: "Thứ Hai" … "Chủ nhật".
pub fn weekday(lang: Lang, d: NaiveDate) -> String {
    use chrono::Datelike;
    let n = d.weekday().num_days_from_monday();
    tr(lang, &format!("weekday.{n}")).to_owned()
}

pub fn opt_date(d: Option<NaiveDate>) -> String {
    d.map(vn::format_date).unwrap_or_default()
}

pub fn role(lang: Lang, role: Role) -> &'static str {
    tr(lang, &format!("role.{}", role.as_str()))
}

pub fn party_status(lang: Lang, status: PartyStatus) -> &'static str {
    tr(lang, &format!("party.{}", status.as_str()))
}

/// Parses a date typed in a form or a query (dd/mm/yyyy or ISO), naming the field on error.
pub fn parse_date_field(
    input: &str,
    field: &str,
) -> Result<Option<NaiveDate>, trienkhai_app::AppError> {
    let input = input.trim();
    if input.is_empty() {
        return Ok(None);
    }
    vn::parse_date(input).map(Some).map_err(|e| {
        trienkhai_app::AppError::Invalid(trienkhai_core::error::DomainError::new(e.code(), field))
    })
}

/// An instant in Vietnam's time (UTC+7), as "27/11/2026 10:45".
pub fn instant(t: chrono::DateTime<chrono::Utc>) -> String {
    let local = vn::time::local(t);
    format!(
        "{} {}",
        vn::format_date(local.date()),
        local.format("%H:%M")
    )
}

/// The last instant of `day` in Vietnam (UTC+7), as UTC.
pub fn end_of_day_vn(day: NaiveDate) -> chrono::DateTime<chrono::Utc> {
    vn::time::end_of_day(day)
}

/// Percent-encodes a path with its query for use as a query value (`back=`).
pub fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// The label of an audit action (`merge`, `grant_role` …), or the action itself if it has none.
pub fn action(lang: Lang, entity_type: &str, action: &str) -> String {
    // What an action is called may depend on what it is done to ("Gửi bản đăng ký").
    let specific = format!("action.{entity_type}.{action}");
    if crate::i18n::has(&specific) {
        return tr(lang, &specific).to_owned();
    }
    let key = format!("action.{action}");
    let event = format!("event.{action}");
    if crate::i18n::has(&key) {
        tr(lang, &key).to_owned()
    } else if crate::i18n::has(&event) {
        tr(lang, &event).to_owned()
    } else {
        action.to_owned()
    }
}

/// A period as offices write it: "Quý III/2021" in Vietnamese, "Q3 2021" in English.
pub fn period(lang: Lang, p: trienkhai_core::period::Period) -> String {
    use trienkhai_core::period::Period;
    match lang {
        Lang::Vi => p.label_vi(),
        Lang::En => match p {
            Period::Year(y) => format!("Year {y}"),
            Period::Quarter(y, q) => format!("Q{q} {y}"),
            Period::FirstHalf(y) => format!("First half of {y}"),
            Period::NineMonths(y) => format!("Nine months of {y}"),
            Period::Month(y, m) => format!("{m:02}/{y}"),
            Period::Span(a, b) => format!("{a}–{b}"),
        },
    }
}

/// A list of periods as people read it: consecutive months of a year as one run ("Tháng 1–12/2021",
/// "Tháng 3–5/2021, Tháng 8/2021"), other periods one by one.
pub fn periods(lang: Lang, list: &[trienkhai_core::period::Period]) -> String {
    use trienkhai_core::period::Period;
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < list.len() {
        let Period::Month(y, first) = list[i] else {
            out.push(period(lang, list[i]));
            i += 1;
            continue;
        };
        let mut last = first;
        while let Some(Period::Month(ny, nm)) = list.get(i + 1)
            && *ny == y
            && *nm == last + 1
        {
            last = *nm;
            i += 1;
        }
        out.push(if first == last {
            period(lang, list[i])
        } else {
            match lang {
                Lang::Vi => format!("Tháng {first}–{last}/{y}"),
                Lang::En => format!("{first:02}–{last:02}/{y}"),
            }
        });
        i += 1;
    }
    out.join(", ")
}

/// A file size as people read it: `850 B`, `12,4 KB`, `3,2 MB`.
pub fn file_size(bytes: i64) -> String {
    let b = rust_decimal::Decimal::from(bytes);
    let k = rust_decimal::Decimal::from(1024);
    if bytes < 1024 {
        format!("{bytes} B")
    } else if bytes < 1024 * 1024 {
        format!("{} KB", vn::format_decimal(&(b / k), 1))
    } else {
        format!("{} MB", vn::format_decimal(&(b / k / k), 1))
    }
}

/// A decimal the Vietnamese way (`1.234,5`), up to two decimals; empty for none.
pub fn decimal(d: Option<rust_decimal::Decimal>) -> String {
    d.map(|d| vn::format_decimal(&d, 2)).unwrap_or_default()
}

/// A plan's headline as offices write it ("11/22 chỉ tiêu đạt và vượt"), saying how many have
/// no verdict yet, so that it agrees with the bar of statuses beside it.
pub fn headline(lang: Lang, h: &trienkhai_app::cascade::Headline) -> String {
    let mut out = tr(lang, "plan.headline")
        .replace("{met}", &h.met.to_string())
        .replace("{total}", &h.total.to_string());
    if h.judged < h.total {
        out.push_str(
            &tr(lang, "plan.headline_unjudged").replace("{n}", &(h.total - h.judged).to_string()),
        );
    }
    out
}

pub fn status(lang: Lang, s: trienkhai_core::target::Status) -> &'static str {
    tr(lang, &format!("status.{}", s.as_str()))
}

pub fn state(lang: Lang, s: trienkhai_core::work_item::State) -> &'static str {
    let key = match s {
        trienkhai_core::work_item::State::NotStarted => "state.not_started",
        trienkhai_core::work_item::State::InProgressWithinTime => "state.in_progress",
        trienkhai_core::work_item::State::Overdue => "state.overdue",
        trienkhai_core::work_item::State::DoneOnTime => "state.done_on_time",
        trienkhai_core::work_item::State::DoneLate => "state.done_late",
        trienkhai_core::work_item::State::Paused => "state.paused",
    };
    tr(lang, key)
}

/// The CSS class of a work item state.
pub fn state_class(s: trienkhai_core::work_item::State) -> &'static str {
    use trienkhai_core::work_item::State;
    match s {
        State::DoneOnTime => "st-achieved",
        State::DoneLate => "st-late",
        State::Overdue => "st-not-achieved",
        State::Paused => "st-no-data",
        State::NotStarted | State::InProgressWithinTime => "st-progress",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consecutive_months_read_as_one_run() {
        use trienkhai_core::period::Period::{Month, Year};
        let year: Vec<_> = (1..=12).map(|m| Month(2021, m)).collect();
        assert_eq!(periods(Lang::Vi, &year), "Tháng 1–12/2021");
        let gaps = [
            Month(2021, 3),
            Month(2021, 4),
            Month(2021, 5),
            Month(2021, 8),
            Month(2021, 12),
            Month(2022, 1),
            Year(2022),
        ];
        assert_eq!(
            periods(Lang::Vi, &gaps),
            "Tháng 3–5/2021, Tháng 8/2021, Tháng 12/2021, Tháng 1/2022, Năm 2022"
        );
        assert_eq!(periods(Lang::En, &year[..2]), "01–02/2021");
        assert_eq!(periods(Lang::Vi, &[]), "");
    }

    #[test]
    fn audit_actions_read_as_words_in_both_languages() {
        assert_eq!(action(Lang::Vi, "unit", "merge"), "Hợp nhất, sáp nhập");
        assert_eq!(action(Lang::En, "account", "grant_role"), "Role granted");
        assert_eq!(action(Lang::Vi, "unit", "something_new"), "something_new");
        assert_eq!(action(Lang::Vi, "report", "submit"), "Gửi báo cáo");
        assert_eq!(
            action(Lang::Vi, "registration", "submit"),
            "Gửi bản đăng ký"
        );
    }

    #[test]
    fn intervals_are_written_the_vietnamese_way() {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(
            interval(Lang::Vi, d("2023-02-13"), Some(d("2025-06-30"))),
            "13/02/2023 – 30/06/2025"
        );
        assert_eq!(
            interval(Lang::Vi, d("2025-07-01"), None),
            "01/07/2025 – nay"
        );
        assert_eq!(
            interval(Lang::En, d("2025-07-01"), None),
            "01/07/2025 – present"
        );
        assert_eq!(
            url_encode("/units?as_of=01/07/2025"),
            "/units%3Fas_of%3D01/07/2025"
        );
    }
}
