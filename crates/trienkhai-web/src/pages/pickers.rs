//! Pickers, so that nobody types or reads a code: units by name (the option's value is the
//! code the handlers resolve, never shown), periods in words ("Tháng 4/2021", "Quý II/2021").
//! `static/picker.js` adds a search box to every `select[data-picker]` that finds names
//! without diacritics ("an thuy" finds "An Thủy"); without it the list still works.

use std::collections::HashMap;

use chrono::NaiveDate;
use trienkhai_app::org;
use trienkhai_core::access::Action;
use trienkhai_core::ids::UnitId;
use trienkhai_core::period::Period;

use crate::AppState;
use crate::error::PageError;
use crate::extract::PageActor;
use crate::fmt;
use crate::i18n::Lang;

/// One option of a picker: (value, label, selected).
pub type Choice = (String, String, bool);

/// The units `page`'s actor may choose for `action` on `day` (under `under`), by name, indented
/// by depth; `selected` is the chosen code. An empty first option when `blank` is given.
pub async fn unit_choices(
    state: &AppState,
    page: &PageActor,
    under: Option<UnitId>,
    action: Action,
    day: NaiveDate,
    selected: &str,
    blank: Option<&str>,
) -> Result<Vec<Choice>, PageError> {
    let units = org::units_to_pick(&state.app, &page.actor, under, action, day).await?;
    let top = units.iter().map(|u| u.depth).min().unwrap_or(0);
    let labels = distinct_labels(&units);
    let mut out: Vec<Choice> = blank
        .map(|label| (String::new(), label.to_owned(), selected.is_empty()))
        .into_iter()
        .collect();
    out.extend(units.into_iter().zip(labels).map(|(u, label)| {
        let indent = "\u{a0}\u{a0}".repeat(u.depth - top);
        let chosen = u.code == selected;
        (u.code, format!("{indent}{label}"), chosen)
    }));
    Ok(out)
}

/// The kinds of units by name in `lang`, in Vietnamese order: (code, label).
pub async fn kind_choices(
    state: &AppState,
    lang: Lang,
) -> Result<Vec<(String, String)>, PageError> {
    let mut kinds: Vec<(String, String)> = org::unit_kinds(&state.app)
        .await?
        .into_iter()
        .map(|k| {
            let label = if lang == Lang::En {
                k.label_en
            } else {
                k.label_vi
            };
            (k.code, label)
        })
        .collect();
    kinds.sort_by(|a, b| trienkhai_core::vn::cmp_vi(&a.1, &b.1));
    Ok(kinds)
}

/// Each unit's name, told apart where names repeat ("Chi bộ ấp 1" in every commune): by its
/// parent's name, and by its code only when even that repeats.
fn distinct_labels(units: &[org::UnitView]) -> Vec<String> {
    let names: HashMap<UnitId, &str> = units.iter().map(|u| (u.id, u.name.as_str())).collect();
    let count = |labels: &[String]| {
        let mut n: HashMap<String, usize> = HashMap::new();
        for l in labels {
            *n.entry(l.clone()).or_default() += 1;
        }
        n
    };
    let plain: Vec<String> = units.iter().map(|u| u.name.clone()).collect();
    let repeated = count(&plain);
    let with_parent: Vec<String> = units
        .iter()
        .zip(&plain)
        .map(|(u, name)| match u.parent_id.and_then(|p| names.get(&p)) {
            Some(parent) if repeated[name] > 1 => format!("{name} ({parent})"),
            _ => name.clone(),
        })
        .collect();
    let still = count(&with_parent);
    units
        .iter()
        .zip(with_parent)
        .map(|(u, label)| {
            if still[&label] > 1 {
                format!("{label} [{}]", u.code)
            } else {
                label
            }
        })
        .collect()
}

/// The periods of `years` in words, the year first, then its halves, quarters and months;
/// `selected` is chosen (and offered even outside `years`).
pub fn period_choices(
    lang: Lang,
    years: std::ops::RangeInclusive<i32>,
    selected: Option<Period>,
) -> Vec<Choice> {
    let mut periods: Vec<Period> = Vec::new();
    for y in years {
        periods.push(Period::Year(y));
        periods.push(Period::FirstHalf(y));
        periods.push(Period::NineMonths(y));
        periods.extend((1..=4).map(|q| Period::Quarter(y, q)));
        periods.extend((1..=12).map(|m| Period::Month(y, m)));
    }
    choices(lang, periods, selected)
}

/// Months only, newest first: what a monthly report or a dashboard is opened for.
pub fn month_choices(
    lang: Lang,
    years: std::ops::RangeInclusive<i32>,
    selected: Option<Period>,
) -> Vec<Choice> {
    let periods: Vec<Period> = years
        .rev()
        .flat_map(|y| (1..=12).rev().map(move |m| Period::Month(y, m)))
        .collect();
    choices(lang, periods, selected)
}

/// The month a report is most likely opened for on `today`: last month, kept within `years`
/// (a plan of past years opens on its last month, a plan not yet begun on its first).
pub fn month_to_report(today: NaiveDate, years: std::ops::RangeInclusive<i32>) -> Period {
    use chrono::Datelike;
    // `month0` is 0..=11, so the month before is `month0` itself (0 meaning last December).
    let last_month: (i32, u8) = match today.month0() {
        0 => (today.year() - 1, 12),
        m => (today.year(), m as u8),
    };
    let first = (*years.start(), 1);
    let last = (*years.end(), 12);
    let (y, m) = last_month.clamp(first, last);
    Period::Month(y, m)
}

/// `periods` as choices in words, with `selected` chosen (offered first when not among them).
fn choices(lang: Lang, mut periods: Vec<Period>, selected: Option<Period>) -> Vec<Choice> {
    if let Some(s) = selected
        && !periods.contains(&s)
    {
        periods.insert(0, s);
    }
    periods
        .into_iter()
        .map(|p| (p.to_string(), fmt::period(lang, p), Some(p) == selected))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(id: i64, code: &str, name: &str, parent: Option<i64>) -> org::UnitView {
        org::UnitView {
            id: UnitId(id),
            code: code.into(),
            name: name.into(),
            kind: "chi_bo".into(),
            parent_id: parent.map(UnitId),
            valid_from: NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
            valid_to: None,
            depth: usize::from(parent.is_some()),
        }
    }

    #[test]
    fn repeated_names_are_told_apart_by_parent_then_by_code() {
        let units = [
            unit(1, "X-A", "Xã An Thủy", None),
            unit(2, "X-B", "Xã An Đức", None),
            unit(3, "CB-A1", "Chi bộ ấp 1", Some(1)),
            unit(4, "CB-B1", "Chi bộ ấp 1", Some(2)),
            unit(5, "CB-B1X", "Chi bộ ấp 1", Some(2)),
            unit(6, "CB-A2", "Chi bộ ấp 2", Some(1)),
        ];
        assert_eq!(
            distinct_labels(&units),
            [
                "Xã An Thủy",
                "Xã An Đức",
                "Chi bộ ấp 1 (Xã An Thủy)",
                "Chi bộ ấp 1 (Xã An Đức) [CB-B1]",
                "Chi bộ ấp 1 (Xã An Đức) [CB-B1X]",
                "Chi bộ ấp 2",
            ]
        );
    }

    #[test]
    fn periods_are_offered_in_words_with_the_chosen_one_selected() {
        let choices = period_choices(Lang::Vi, 2021..=2021, Some(Period::Quarter(2021, 2)));
        assert_eq!(choices.len(), 1 + 1 + 1 + 4 + 12);
        let chosen: Vec<&Choice> = choices.iter().filter(|c| c.2).collect();
        assert_eq!(chosen.len(), 1);
        assert_eq!(chosen[0].1, "Quý II/2021");
        assert!(
            choices
                .iter()
                .any(|c| c.1 == "Tháng 4/2021" && c.0 == "2021-04")
        );
        // A period outside the years is still offered when it is the one chosen.
        let outside = period_choices(Lang::Vi, 2021..=2021, Some(Period::Year(2019)));
        assert!(outside[0].2 && outside[0].1 == "Năm 2019");
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(
            month_to_report(day(2021, 5, 3), 2021..=2022),
            Period::Month(2021, 4)
        );
        assert_eq!(
            month_to_report(day(2021, 1, 9), 2021..=2022),
            Period::Month(2021, 1)
        );
        assert_eq!(
            month_to_report(day(2026, 11, 30), 2021..=2022),
            Period::Month(2022, 12)
        );
        let months = month_choices(Lang::Vi, 2020..=2021, None);
        assert_eq!(months[0].1, "Tháng 12/2021");
        assert_eq!(months.len(), 24);
    }
}
