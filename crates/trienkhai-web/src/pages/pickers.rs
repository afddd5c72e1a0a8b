//! Pickers, so that nobody types or reads a code: units by name (the option's value is the
//! code the handlers resolve, never shown), periods in words ("Tháng 4/2021", "Quý II/2021").
//! `static/picker.js` adds a search box to every `select[data-picker]` that finds names
//! without diacritics ("an thuy" finds "An Thủy"); without it the list still works.

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
    let mut out: Vec<Choice> = blank
        .map(|label| (String::new(), label.to_owned(), selected.is_empty()))
        .into_iter()
        .collect();
    out.extend(units.into_iter().map(|u| {
        let indent = "\u{a0}\u{a0}".repeat(u.depth - top);
        let chosen = u.code == selected;
        (u.code, format!("{indent}{}", u.name), chosen)
    }));
    Ok(out)
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
        let months = month_choices(Lang::Vi, 2020..=2021, None);
        assert_eq!(months[0].1, "Tháng 12/2021");
        assert_eq!(months.len(), 24);
    }
}
