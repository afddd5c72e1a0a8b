//! What a target (*chỉ tiêu*) aims at and how an actual value compares: the direction
//! (increase, decrease — "lower is better" like the poverty rate —, stay within a range, reach a
//! value) and the status offices report: *vượt*, *đạt*, *không đạt*, *chưa có số liệu*,
//! *không áp dụng*.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::DomainError;

/// What kind of value a target measures (C5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ValueType {
    Number,
    Percent,
    Money,
    Count,
    YesNo,
    /// A share recomputed from a numerator and a denominator (poor households / households).
    Ratio,
}

impl ValueType {
    pub const ALL: [ValueType; 6] = [
        ValueType::Number,
        ValueType::Percent,
        ValueType::Money,
        ValueType::Count,
        ValueType::YesNo,
        ValueType::Ratio,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ValueType::Number => "number",
            ValueType::Percent => "percent",
            ValueType::Money => "money",
            ValueType::Count => "count",
            ValueType::YesNo => "yes_no",
            ValueType::Ratio => "ratio",
        }
    }

    pub fn parse(input: &str) -> Result<Self, DomainError> {
        Ok(match input.trim() {
            "number" => ValueType::Number,
            "percent" => ValueType::Percent,
            "money" => ValueType::Money,
            "count" => ValueType::Count,
            "yes_no" => ValueType::YesNo,
            "ratio" => ValueType::Ratio,
            other => {
                return Err(DomainError::new("value_type_unknown", "value_type")
                    .with_detail(other.to_owned()));
            }
        })
    }
}

impl std::fmt::Display for Direction {
    /// The notation [`Direction::parse`] reads.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Direction::Increase => f.write_str("increase"),
            Direction::Decrease => f.write_str("decrease"),
            Direction::Reach => f.write_str("reach"),
            Direction::Range { min, max } => write!(f, "range:{min}:{max}"),
        }
    }
}

impl Direction {
    /// `increase`, `decrease`, `reach`, or `range:MIN:MAX`.
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let bad = || {
            DomainError::new("direction_unknown", "direction").with_detail(input.trim().to_owned())
        };
        Ok(match input.trim() {
            "increase" => Direction::Increase,
            "decrease" => Direction::Decrease,
            "reach" => Direction::Reach,
            other => {
                let mut parts = other.strip_prefix("range:").ok_or_else(bad)?.split(':');
                let (Some(min), Some(max), None) = (parts.next(), parts.next(), parts.next())
                else {
                    return Err(bad());
                };
                let (min, max): (Decimal, Decimal) = (
                    min.parse().map_err(|_| bad())?,
                    max.parse().map_err(|_| bad())?,
                );
                if max < min {
                    return Err(DomainError::new("end_before_start", "direction"));
                }
                Direction::Range { min, max }
            }
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "direction")]
pub enum Direction {
    /// Higher is better: income, new party members.
    Increase,
    /// Lower is better: the poverty rate.
    Decrease,
    /// Inside `[min, max]`: population growth under a ceiling and above a floor.
    Range { min: Decimal, max: Decimal },
    /// At least the value, nothing to exceed: a yes/no or "100 % of the quota".
    Reach,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// *Vượt*.
    Exceeded,
    /// *Đạt*.
    Achieved,
    /// *Không đạt*.
    NotAchieved,
    /// *Chưa có số liệu*.
    NoData,
    /// *Không áp dụng*.
    NotApplicable,
    /// *Chưa đánh giá*: a value without a goal to judge it by (no quota handed to the unit, or
    /// part-way through the period its goal is set for).
    NotJudged,
    /// *Chưa đủ số liệu*: some of the units expected to report have not; the figure is
    /// provisional and is not judged, since the missing parts could change the verdict.
    Incomplete,
}

impl Status {
    /// In the order summaries show them: verdicts first, then what keeps one from being said.
    pub const ALL: [Status; 7] = [
        Status::Exceeded,
        Status::Achieved,
        Status::NotAchieved,
        Status::NotJudged,
        Status::Incomplete,
        Status::NoData,
        Status::NotApplicable,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Exceeded => "exceeded",
            Status::Achieved => "achieved",
            Status::NotAchieved => "not_achieved",
            Status::NoData => "no_data",
            Status::NotApplicable => "not_applicable",
            Status::NotJudged => "not_judged",
            Status::Incomplete => "incomplete",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Status::Exceeded => "Vượt",
            Status::Achieved => "Đạt",
            Status::NotAchieved => "Không đạt",
            Status::NoData => "Chưa có số liệu",
            Status::NotApplicable => "Không áp dụng",
            Status::NotJudged => "Chưa đánh giá",
            Status::Incomplete => "Chưa đủ số liệu",
        }
    }

    /// Counts in "x/y chỉ tiêu đạt và vượt".
    pub fn is_met(self) -> bool {
        matches!(self, Status::Exceeded | Status::Achieved)
    }
}

/// The status of `actual` against `target`.
pub fn status(direction: Direction, target: Decimal, actual: Option<Decimal>) -> Status {
    let Some(actual) = actual else {
        return Status::NoData;
    };
    match direction {
        Direction::Increase => match actual.cmp(&target) {
            std::cmp::Ordering::Greater => Status::Exceeded,
            std::cmp::Ordering::Equal => Status::Achieved,
            std::cmp::Ordering::Less => Status::NotAchieved,
        },
        Direction::Decrease => match actual.cmp(&target) {
            std::cmp::Ordering::Less => Status::Exceeded,
            std::cmp::Ordering::Equal => Status::Achieved,
            std::cmp::Ordering::Greater => Status::NotAchieved,
        },
        Direction::Range { min, max } => {
            if (min..=max).contains(&actual) {
                Status::Achieved
            } else {
                Status::NotAchieved
            }
        }
        Direction::Reach => {
            if actual >= target {
                Status::Achieved
            } else {
                Status::NotAchieved
            }
        }
    }
}

/// How far the actual value has come, as offices write it ("đạt 108 % nghị quyết"): actual over
/// target, or target over actual when lower is better. `None` when it cannot be said (no
/// target, a zero to divide by, a range).
pub fn achievement_percent(
    direction: Direction,
    target: Decimal,
    actual: Decimal,
) -> Option<Decimal> {
    let hundred = Decimal::ONE_HUNDRED;
    match direction {
        Direction::Increase | Direction::Reach if !target.is_zero() => {
            Some(actual / target * hundred)
        }
        Direction::Decrease if !actual.is_zero() => Some(target / actual * hundred),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn value_types_and_directions_parse_from_their_names() {
        assert_eq!(ValueType::parse("ratio").unwrap(), ValueType::Ratio);
        assert_eq!(ValueType::parse("yes_no").unwrap(), ValueType::YesNo);
        assert_eq!(
            ValueType::parse("float").unwrap_err().code,
            "value_type_unknown"
        );
        assert_eq!(Direction::parse("decrease").unwrap(), Direction::Decrease);
        assert_eq!(
            Direction::parse("range:0:1.5").unwrap(),
            Direction::Range {
                min: dec("0"),
                max: dec("1.5")
            }
        );
        assert_eq!(
            Direction::parse("range:2:1").unwrap_err().code,
            "end_before_start"
        );
        for bad in ["up", "range:1", "range:a:b", "range:1:2:3"] {
            assert_eq!(
                Direction::parse(bad).unwrap_err().code,
                "direction_unknown",
                "{bad}"
            );
        }
    }

    #[test]
    fn higher_is_better_for_income() {
        let target = dec("52");
        assert_eq!(
            status(Direction::Increase, target, Some(dec("54.1"))),
            Status::Exceeded
        );
        assert_eq!(
            status(Direction::Increase, target, Some(dec("52.0"))),
            Status::Achieved
        );
        assert_eq!(
            status(Direction::Increase, target, Some(dec("49"))),
            Status::NotAchieved
        );
        assert_eq!(status(Direction::Increase, target, None), Status::NoData);
        assert_eq!(
            achievement_percent(Direction::Increase, target, dec("54.6")).unwrap(),
            dec("105")
        );
    }

    #[test]
    fn lower_is_better_for_the_poverty_rate() {
        let target = dec("3");
        assert_eq!(
            status(Direction::Decrease, target, Some(dec("2.5"))),
            Status::Exceeded
        );
        assert_eq!(
            status(Direction::Decrease, target, Some(dec("3"))),
            Status::Achieved
        );
        assert_eq!(
            status(Direction::Decrease, target, Some(dec("3.2"))),
            Status::NotAchieved
        );
        assert_eq!(
            achievement_percent(Direction::Decrease, target, dec("2.4")).unwrap(),
            dec("125")
        );
        assert_eq!(
            achievement_percent(Direction::Decrease, target, dec("0")),
            None
        );
    }

    #[test]
    fn ranges_and_reach_have_nothing_to_exceed() {
        let range = Direction::Range {
            min: dec("0"),
            max: dec("1"),
        };
        assert_eq!(status(range, dec("1"), Some(dec("0.8"))), Status::Achieved);
        assert_eq!(
            status(range, dec("1"), Some(dec("1.2"))),
            Status::NotAchieved
        );
        assert_eq!(achievement_percent(range, dec("1"), dec("0.8")), None);
        assert_eq!(
            status(Direction::Reach, dec("1"), Some(dec("1"))),
            Status::Achieved
        );
        assert_eq!(
            status(Direction::Reach, dec("1"), Some(dec("2"))),
            Status::Achieved
        );
        assert_eq!(
            status(Direction::Reach, dec("1"), Some(dec("0"))),
            Status::NotAchieved
        );
        assert!(Status::Exceeded.is_met() && Status::Achieved.is_met() && !Status::NoData.is_met());
        assert_eq!(Status::NotAchieved.label_vi(), "Không đạt");
    }
}
