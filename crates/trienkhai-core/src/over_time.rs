//! A unit's value for a long period from what it reported for shorter ones. Offices report
//! monthly; a plan asks for the year. Flows add up (new enterprises of the year are the sum of
//! the months, and a year with a month missing is not known); states do not (the poverty rate
//! of the year is the latest one reported). A value reported for the period itself wins.

use serde::{Deserialize, Serialize};

use crate::period::Period;
use crate::rollup::Observation;

/// How a target's values combine over time, declared on the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OverTime {
    /// Flows add up: the months of the year, all of them.
    Sum,
    /// States: the latest reported.
    Latest,
}

impl OverTime {
    pub const ALL: [OverTime; 2] = [OverTime::Sum, OverTime::Latest];

    pub fn as_str(self) -> &'static str {
        match self {
            OverTime::Sum => "sum",
            OverTime::Latest => "latest",
        }
    }

    pub fn parse(input: &str) -> Result<Self, crate::error::DomainError> {
        match input.trim() {
            "sum" => Ok(OverTime::Sum),
            "latest" => Ok(OverTime::Latest),
            other => Err(
                crate::error::DomainError::new("over_time_unknown", "over_time")
                    .with_detail(other.to_owned()),
            ),
        }
    }
}

/// A unit's value for a period and the reports it was made of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Derived {
    /// `None` when the reports do not give the period's value.
    pub observation: Option<Observation>,
    /// The reported periods used.
    pub from: Vec<Period>,
    /// For a sum: the parts of the period nobody reported.
    pub missing: Vec<Period>,
}

/// The value of `period` from `reports` (periods inside it, each reported once).
pub fn derive(rule: OverTime, period: Period, reports: &[(Period, &Observation)]) -> Derived {
    if let Some((p, o)) = reports.iter().find(|(p, _)| *p == period) {
        return Derived {
            observation: Some((*o).clone()),
            from: vec![*p],
            missing: Vec::new(),
        };
    }
    let (start, end) = period.dates();
    let inside: Vec<&(Period, &Observation)> = reports
        .iter()
        .filter(|(p, _)| {
            let (s, e) = p.dates();
            s >= start && e <= end
        })
        .collect();
    match rule {
        OverTime::Latest => {
            // The report ending last; of two ending the same day, the shorter (the month).
            let latest = inside.iter().max_by_key(|(p, _)| {
                let (s, e) = p.dates();
                (e, s)
            });
            Derived {
                observation: latest.map(|(_, o)| (*o).clone()),
                from: latest.map(|(p, _)| vec![*p]).unwrap_or_default(),
                missing: Vec::new(),
            }
        }
        OverTime::Sum => {
            // Tile the period with months, quarters or years; the tiling with the fewest holes.
            let tilings = [period.months(), period.quarters(), period.years()];
            let best = tilings
                .iter()
                .filter(|parts| !parts.is_empty())
                .map(|parts| {
                    let (have, missing): (Vec<Period>, Vec<Period>) = parts
                        .iter()
                        .partition(|p| inside.iter().any(|(q, _)| q == *p));
                    (have, missing)
                })
                .min_by_key(|(_, missing)| missing.len());
            let Some((have, missing)) = best else {
                return Derived {
                    observation: None,
                    from: Vec::new(),
                    missing: vec![period],
                };
            };
            if !missing.is_empty() {
                return Derived {
                    observation: None,
                    from: have,
                    missing,
                };
            }
            let parts: Vec<&Observation> = have
                .iter()
                .filter_map(|p| inside.iter().find(|(q, _)| q == p).map(|(_, o)| *o))
                .collect();
            Derived {
                observation: add_up(&parts),
                from: have,
                missing,
            }
        }
    }
}

/// The sum of flows. Parts marked not applicable add nothing; if all are, so is the sum.
/// Flags do not add up: the last one stands.
fn add_up(parts: &[&Observation]) -> Option<Observation> {
    let applicable: Vec<&&Observation> = parts
        .iter()
        .filter(|o| !matches!(o, Observation::NotApplicable))
        .collect();
    let Some(first) = applicable.first() else {
        return (!parts.is_empty()).then_some(Observation::NotApplicable);
    };
    Some(match first {
        Observation::Value { .. } => Observation::Value {
            value: applicable
                .iter()
                .filter_map(|o| match o {
                    Observation::Value { value } => Some(*value),
                    _ => None,
                })
                .sum(),
        },
        Observation::Ratio { .. } => {
            let (mut numerator, mut denominator) = Default::default();
            for o in &applicable {
                if let Observation::Ratio {
                    numerator: n,
                    denominator: d,
                } = o
                {
                    numerator += *n;
                    denominator += *d;
                }
            }
            Observation::Ratio {
                numerator,
                denominator,
            }
        }
        Observation::Flag { .. } => (**applicable.last().expect("one at least")).clone(),
        Observation::NotApplicable => unreachable!("filtered out"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    fn v(n: i64) -> Observation {
        Observation::Value {
            value: Decimal::from(n),
        }
    }

    fn p(s: &str) -> Period {
        Period::parse(s).unwrap()
    }

    #[test]
    fn a_year_of_flows_is_the_sum_of_its_twelve_months() {
        let obs: Vec<(Period, Observation)> = (1..=12)
            .map(|m| (Period::Month(2021, m), v(i64::from(m))))
            .collect();
        let reports: Vec<(Period, &Observation)> = obs.iter().map(|(p, o)| (*p, o)).collect();
        let d = derive(OverTime::Sum, p("2021"), &reports);
        assert_eq!(d.observation, Some(v(78)));
        assert_eq!(d.from.len(), 12);
        let h1 = derive(OverTime::Sum, p("2021-H1"), &reports);
        assert_eq!(h1.observation, Some(v(21)));
        assert_eq!(h1.from.len(), 6);
    }

    #[test]
    fn a_missing_month_leaves_the_sum_unknown_never_short() {
        let obs: Vec<(Period, Observation)> = (1..=12)
            .filter(|m| *m != 7)
            .map(|m| (Period::Month(2021, m), v(10)))
            .collect();
        let reports: Vec<(Period, &Observation)> = obs.iter().map(|(p, o)| (*p, o)).collect();
        let d = derive(OverTime::Sum, p("2021"), &reports);
        assert_eq!(d.observation, None);
        assert_eq!(d.missing, vec![p("2021-07")]);
        // Quarters tile too.
        let obs: Vec<(Period, Observation)> =
            (1..=4).map(|q| (Period::Quarter(2021, q), v(5))).collect();
        let reports: Vec<(Period, &Observation)> = obs.iter().map(|(p, o)| (*p, o)).collect();
        assert_eq!(
            derive(OverTime::Sum, p("2021"), &reports).observation,
            Some(v(20))
        );
    }

    #[test]
    fn a_state_is_the_latest_report_and_the_period_itself_wins() {
        let obs = [
            (p("2021-03"), v(9)),
            (p("2021-11"), v(4)),
            (p("2021-Q4"), v(5)),
        ];
        let reports: Vec<(Period, &Observation)> = obs.iter().map(|(p, o)| (*p, o)).collect();
        let d = derive(OverTime::Latest, p("2021"), &reports);
        assert_eq!(d.observation, Some(v(5)));
        assert_eq!(d.from, vec![p("2021-Q4")]);
        let d = derive(OverTime::Latest, p("2021-H1"), &reports);
        assert_eq!(d.observation, Some(v(9)));
        let own = [(p("2021"), v(3))];
        let with_own: Vec<(Period, &Observation)> = reports
            .iter()
            .copied()
            .chain(own.iter().map(|(p, o)| (*p, o)))
            .collect();
        assert_eq!(
            derive(OverTime::Sum, p("2021"), &with_own).observation,
            Some(v(3))
        );
        assert_eq!(
            derive(OverTime::Latest, p("2022"), &reports).observation,
            None
        );
    }

    #[test]
    fn a_phase_adds_up_its_years() {
        let obs: Vec<(Period, Observation)> =
            (2021..=2025).map(|y| (Period::Year(y), v(10))).collect();
        let reports: Vec<(Period, &Observation)> = obs.iter().map(|(p, o)| (*p, o)).collect();
        let d = derive(OverTime::Sum, p("2021..2025"), &reports);
        assert_eq!(d.observation, Some(v(50)));
        assert_eq!(d.from.len(), 5);
        let d = derive(OverTime::Sum, p("2021..2026"), &reports);
        assert_eq!((d.observation, d.missing), (None, vec![p("2026")]));
        assert!(
            p("2020..2030").months().is_empty(),
            "no silent cut at ten years"
        );
    }

    #[test]
    fn not_applicable_months_add_nothing() {
        let obs: Vec<(Period, Observation)> = (1..=12)
            .map(|m| {
                (
                    Period::Month(2021, m),
                    if m < 6 {
                        Observation::NotApplicable
                    } else {
                        v(1)
                    },
                )
            })
            .collect();
        let reports: Vec<(Period, &Observation)> = obs.iter().map(|(p, o)| (*p, o)).collect();
        assert_eq!(
            derive(OverTime::Sum, p("2021"), &reports).observation,
            Some(v(7))
        );
        let na: Vec<(Period, Observation)> = (1..=12)
            .map(|m| (Period::Month(2021, m), Observation::NotApplicable))
            .collect();
        let reports: Vec<(Period, &Observation)> = na.iter().map(|(p, o)| (*p, o)).collect();
        assert_eq!(
            derive(OverTime::Sum, p("2021"), &reports).observation,
            Some(Observation::NotApplicable)
        );
    }
}
