//! A reported value that deserves a second look before it is sent: one month of households
//! helped larger than the whole year's goal (1.234 against 218), or a value far from what the
//! unit reported in its own earlier periods. It is a question to the person typing and a flag
//! for the reviewer, never a refusal: real figures do jump.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::period::Period;

/// How far from its own history a value must be to be asked about: five times the usual, or a
/// fifth of it.
pub const HISTORY_FACTOR: u32 = 5;

/// How many earlier values make a history worth comparing with.
pub const HISTORY_MIN: usize = 3;

/// Why a value is unusual.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum Unusual {
    /// A part of a flow's period (a month) larger than the goal of the whole (the year).
    AboveWholeGoal { goal: Decimal, goal_period: Period },
    /// `factor` times the unit's usual value (the median of its earlier periods), above or below.
    FarFromHistory { usual: Decimal, factor: Decimal },
}

/// Is `value` unusual? `history` is the unit's earlier values of the same kind of period
/// (its months before this one); `whole_goal` the goal of the longer period this one is part
/// of, for a flow whose parts add up to it.
pub fn unusual(
    value: Decimal,
    history: &[Decimal],
    whole_goal: Option<(Decimal, Period)>,
) -> Option<Unusual> {
    if let Some((goal, goal_period)) = whole_goal
        && goal > Decimal::ZERO
        && value > goal
    {
        return Some(Unusual::AboveWholeGoal { goal, goal_period });
    }
    if history.len() < HISTORY_MIN {
        return None;
    }
    let mut sorted = history.to_vec();
    sorted.sort();
    let usual = sorted[sorted.len() / 2];
    if usual <= Decimal::ZERO {
        return None;
    }
    let factor = Decimal::from(HISTORY_FACTOR);
    (value >= usual * factor || value * factor <= usual).then(|| Unusual::FarFromHistory {
        usual,
        factor: (value / usual).round_dp(1),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn a_month_above_the_years_goal_is_asked_about() {
        let year = Period::Year(2021);
        assert_eq!(
            unusual(d("1234"), &[], Some((d("218"), year))),
            Some(Unusual::AboveWholeGoal {
                goal: d("218"),
                goal_period: year
            })
        );
        assert_eq!(unusual(d("25"), &[], Some((d("218"), year))), None);
        // Equal to the whole goal is possible (everything done in one month).
        assert_eq!(unusual(d("218"), &[], Some((d("218"), year))), None);
    }

    #[test]
    fn a_value_far_from_the_units_own_history_is_asked_about() {
        let history = [d("20"), d("18"), d("25"), d("22")];
        assert_eq!(
            unusual(d("1234"), &history, None),
            Some(Unusual::FarFromHistory {
                usual: d("22"),
                factor: d("56.1")
            })
        );
        assert!(matches!(
            unusual(d("4"), &history, None),
            Some(Unusual::FarFromHistory { .. })
        ));
        // Within five times either way: nothing to ask.
        assert_eq!(unusual(d("100"), &history, None), None);
        assert_eq!(unusual(d("5"), &history, None), None);
        // Too short a history says nothing; nor does a history of zeros.
        assert_eq!(unusual(d("1234"), &history[..2], None), None);
        assert_eq!(unusual(d("9"), &[d("0"), d("0"), d("0")], None), None);
    }
}
