//! One assessment against its catalogue: each criterion's value held against its measure, the
//! points where the catalogue scores, the verdict, and what is still missing and by how much.
//! A verdict is a claim: "passed" only when every value is in and the rule is met; "not
//! passed" as soon as the values in already rule it out (a failed criterion of an all-criteria
//! set; a total that cannot reach the mark even if every missing value scored in full);
//! otherwise "incomplete", with the criteria still to be valued.

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{Catalogue, Criterion, Direction, Measure, PassRule};

/// A criterion's value as the assessment records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Value {
    /// Met or not, for a met-or-not criterion.
    Met(bool),
    /// A figure, for a measured one.
    Figure(Decimal),
}

/// Why a criterion is not met, and by how much where it can be said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Shortfall {
    pub code: String,
    pub name: String,
    /// How far the figure is from the threshold (or the standard's minimum); none for a
    /// met-or-not criterion or one not valued yet.
    pub short_by: Option<Decimal>,
    pub unit: String,
    /// No value recorded yet.
    pub unvalued: bool,
}

/// One criterion's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct CriterionResult {
    pub code: String,
    pub value: Option<Value>,
    /// Met or not; none while unvalued (or valued in the wrong kind).
    pub met: Option<bool>,
    /// Points scored, where the criterion scores and is valued.
    pub points: Option<Decimal>,
}

/// The verdict on the whole assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Passed,
    NotPassed,
    /// Values are missing and those in do not settle it.
    Incomplete,
}

/// A group's points against its minimum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct GroupResult {
    pub code: String,
    pub points: Decimal,
    pub max_points: Option<Decimal>,
    pub min_points: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Outcome {
    pub criteria: Vec<CriterionResult>,
    pub groups: Vec<GroupResult>,
    /// Criteria met, of all.
    pub met: usize,
    pub total: usize,
    /// The sum of points, where the catalogue scores.
    pub points: Option<Decimal>,
    pub verdict: Verdict,
    /// What is still missing: every criterion not met or not valued, in catalogue order.
    pub missing: Vec<Shortfall>,
}

/// The points of a scored figure: the standard's minimum earns `min_points`, its maximum
/// `max_points`, linearly between (NQ 1210's interpolation), rounded to 2 decimals.
fn interpolated(c: &Criterion, figure: Decimal, minimum: Decimal, maximum: Decimal) -> Decimal {
    let (lo, hi) = (
        c.min_points.unwrap_or_default(),
        c.max_points.unwrap_or_default(),
    );
    let share = (figure - minimum) / (maximum - minimum);
    let share = share.clamp(Decimal::ZERO, Decimal::ONE);
    (lo + (hi - lo) * share).round_dp(2)
}

/// How far `figure` is from `threshold` in `direction`; zero or less means reached.
fn distance(figure: Decimal, threshold: Decimal, direction: Direction) -> Decimal {
    match direction {
        Direction::Increase => threshold - figure,
        Direction::Decrease => figure - threshold,
    }
}

fn judge(c: &Criterion, value: Option<Value>) -> (CriterionResult, Option<Shortfall>) {
    let shortfall = |short_by: Option<Decimal>, unvalued: bool| Shortfall {
        code: c.code.clone(),
        name: c.name.clone(),
        short_by,
        unit: c.unit.clone(),
        unvalued,
    };
    let points_if = |met: bool| c.max_points.map(|p| if met { p } else { Decimal::ZERO });
    let (met, points, short) = match (c.measure, value) {
        (Measure::Met, Some(Value::Met(met))) => {
            (Some(met), points_if(met), (!met).then_some(None))
        }
        (
            Measure::Threshold {
                threshold,
                direction,
            },
            Some(Value::Figure(f)),
        ) => {
            let d = distance(f, threshold, direction);
            let met = d <= Decimal::ZERO;
            (Some(met), points_if(met), (!met).then_some(Some(d)))
        }
        (
            Measure::Scored {
                minimum,
                maximum,
                direction,
            },
            Some(Value::Figure(f)),
        ) => {
            let d = distance(f, minimum, direction);
            if d > Decimal::ZERO {
                (Some(false), Some(Decimal::ZERO), Some(Some(d)))
            } else {
                (Some(true), Some(interpolated(c, f, minimum, maximum)), None)
            }
        }
        (Measure::Points, Some(Value::Figure(f))) => {
            let most = c.max_points.unwrap_or_default();
            let points = f.clamp(Decimal::ZERO, most);
            let least = c.min_points.unwrap_or_default();
            let met = points >= least;
            (
                Some(met),
                Some(points),
                (!met).then_some(Some(least - points)),
            )
        }
        // Unvalued, or valued in the other kind (a figure for a met-or-not criterion): the
        // criterion is not judged.
        _ => (None, None, Some(None)),
    };
    let unvalued = met.is_none();
    (
        CriterionResult {
            code: c.code.clone(),
            value,
            met,
            points,
        },
        short.map(|s| shortfall(s, unvalued)),
    )
}

/// Evaluates the values of one assessment (criterion code → value) against `catalogue`.
pub fn evaluate(catalogue: &Catalogue, values: &HashMap<String, Value>) -> Outcome {
    let scored = matches!(catalogue.pass_rule, PassRule::PassMark { .. });
    let mut criteria = Vec::with_capacity(catalogue.criteria.len());
    let mut missing = Vec::new();
    for c in &catalogue.criteria {
        let (result, short) = judge(c, values.get(&c.code).copied());
        criteria.push(result);
        missing.extend(short);
    }
    let met = criteria.iter().filter(|r| r.met == Some(true)).count();
    let unvalued: Vec<&Criterion> = catalogue
        .criteria
        .iter()
        .zip(&criteria)
        .filter(|(_, r)| r.met.is_none())
        .map(|(c, _)| c)
        .collect();
    let points_of = |group: Option<&str>| -> Decimal {
        catalogue
            .criteria
            .iter()
            .zip(&criteria)
            .filter(|(c, _)| group.is_none_or(|g| c.group == g))
            .filter_map(|(_, r)| r.points)
            .sum()
    };
    let groups: Vec<GroupResult> = catalogue
        .groups
        .iter()
        .map(|g| GroupResult {
            code: g.code.clone(),
            points: points_of(Some(&g.code)),
            max_points: g.max_points,
            min_points: g.min_points,
        })
        .collect();
    let points = scored.then(|| points_of(None));
    let verdict = match catalogue.pass_rule {
        PassRule::AllCriteria => {
            if criteria.iter().any(|r| r.met == Some(false)) {
                Verdict::NotPassed
            } else if unvalued.is_empty() {
                Verdict::Passed
            } else {
                Verdict::Incomplete
            }
        }
        PassRule::PassMark { mark } => {
            let got = points.unwrap_or_default();
            let open: Decimal = unvalued.iter().filter_map(|c| c.max_points).sum();
            // The most a group can still reach, with its unvalued criteria in full.
            let group_short = |best_case: bool| {
                catalogue.groups.iter().zip(&groups).any(|(g, r)| {
                    let reachable = if best_case {
                        r.points
                            + unvalued
                                .iter()
                                .filter(|c| c.group == g.code)
                                .filter_map(|c| c.max_points)
                                .sum::<Decimal>()
                    } else {
                        r.points
                    };
                    g.min_points.is_some_and(|m| reachable < m)
                })
            };
            if got + open < mark || group_short(true) {
                Verdict::NotPassed
            } else if !unvalued.is_empty() {
                Verdict::Incomplete
            } else if got >= mark && !group_short(false) {
                Verdict::Passed
            } else {
                Verdict::NotPassed
            }
        }
    };
    Outcome {
        total: criteria.len(),
        criteria,
        groups,
        met,
        points,
        verdict,
        missing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::criteria::{CatalogueKind, CriteriaGroup};
    use chrono::NaiveDate;

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn criterion(
        code: &str,
        group: &str,
        measure: Measure,
        points: Option<(&str, &str)>,
    ) -> Criterion {
        Criterion {
            code: code.into(),
            group: group.into(),
            name: format!("Tiêu chí {code}"),
            unit: "người".into(),
            measure,
            min_points: points.map(|p| dec(p.0)),
            max_points: points.map(|p| dec(p.1)),
            to_verify: false,
            note: String::new(),
        }
    }

    fn catalogue(
        pass_rule: PassRule,
        groups: Vec<CriteriaGroup>,
        criteria: Vec<Criterion>,
    ) -> Catalogue {
        Catalogue {
            code: "test".into(),
            name: "Bộ tiêu chí thử".into(),
            kind: CatalogueKind::Custom,
            class: None,
            region: None,
            source: String::new(),
            effective_from: NaiveDate::from_ymd_opt(2022, 1, 1).unwrap(),
            effective_to: None,
            pass_rule,
            pass_to_verify: false,
            groups,
            criteria,
        }
    }

    fn group(code: &str, max: Option<&str>, min: Option<&str>) -> CriteriaGroup {
        CriteriaGroup {
            code: code.into(),
            name: code.into(),
            max_points: max.map(dec),
            min_points: min.map(dec),
        }
    }

    fn values(pairs: &[(&str, Value)]) -> HashMap<String, Value> {
        pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    }

    fn new_rural(n: usize) -> Catalogue {
        catalogue(
            PassRule::AllCriteria,
            vec![group("1", None, None)],
            (1..=n)
                .map(|i| criterion(&format!("TC{i:02}"), "1", Measure::Met, None))
                .collect(),
        )
    }

    #[test]
    fn a_new_rural_commune_passes_only_with_every_criterion_met() {
        let c = new_rural(19);
        let all: Vec<(String, Value)> = (1..=19)
            .map(|i| (format!("TC{i:02}"), Value::Met(true)))
            .collect();
        let mut v: HashMap<String, Value> = all.into_iter().collect();
        let o = evaluate(&c, &v);
        assert_eq!((o.met, o.total, o.verdict), (19, 19, Verdict::Passed));
        assert!(o.missing.is_empty());

        v.insert("TC10".into(), Value::Met(false));
        let o = evaluate(&c, &v);
        assert_eq!((o.met, o.verdict), (18, Verdict::NotPassed));
        assert_eq!(o.missing.len(), 1);
        assert_eq!(
            (o.missing[0].code.as_str(), o.missing[0].unvalued),
            ("TC10", false)
        );
    }

    #[test]
    fn a_failed_criterion_settles_it_even_with_values_missing_but_a_gap_alone_does_not() {
        let c = new_rural(19);
        let o = evaluate(
            &c,
            &values(&[("TC01", Value::Met(true)), ("TC02", Value::Met(false))]),
        );
        assert_eq!(o.verdict, Verdict::NotPassed);
        assert_eq!(o.missing.len(), 18, "the failed one and the 17 unvalued");
        let o = evaluate(&c, &values(&[("TC01", Value::Met(true))]));
        assert_eq!(o.verdict, Verdict::Incomplete, "18 unvalued: no claim");
        assert!(o.missing.iter().all(|s| s.unvalued));
    }

    #[test]
    fn a_threshold_says_by_how_much_it_is_missed_either_way() {
        let c = catalogue(
            PassRule::AllCriteria,
            vec![group("1", None, None)],
            vec![
                criterion(
                    "dan-so",
                    "1",
                    Measure::Threshold {
                        threshold: dec("50000"),
                        direction: Direction::Increase,
                    },
                    None,
                ),
                criterion(
                    "ho-ngheo",
                    "1",
                    Measure::Threshold {
                        threshold: dec("3"),
                        direction: Direction::Decrease,
                    },
                    None,
                ),
            ],
        );
        let o = evaluate(
            &c,
            &values(&[
                ("dan-so", Value::Figure(dec("47700"))),
                ("ho-ngheo", Value::Figure(dec("3.4"))),
            ]),
        );
        assert_eq!(o.verdict, Verdict::NotPassed);
        let by: Vec<Option<Decimal>> = o.missing.iter().map(|s| s.short_by).collect();
        assert_eq!(by, vec![Some(dec("2300")), Some(dec("0.4"))]);
        // Exactly on the threshold is met.
        let o = evaluate(
            &c,
            &values(&[
                ("dan-so", Value::Figure(dec("50000"))),
                ("ho-ngheo", Value::Figure(dec("3"))),
            ]),
        );
        assert_eq!(o.verdict, Verdict::Passed);
    }

    fn urban() -> Catalogue {
        catalogue(
            PassRule::PassMark { mark: dec("75") },
            vec![
                group("dan-so", Some("8"), None),
                group("ha-tang", Some("92"), Some("60")),
            ],
            vec![
                criterion(
                    "quy-mo",
                    "dan-so",
                    Measure::Scored {
                        minimum: dec("50000"),
                        maximum: dec("100000"),
                        direction: Direction::Increase,
                    },
                    Some(("6", "8")),
                ),
                criterion(
                    "ha-tang",
                    "ha-tang",
                    Measure::Scored {
                        minimum: dec("50"),
                        maximum: dec("100"),
                        direction: Direction::Increase,
                    },
                    Some(("69", "92")),
                ),
            ],
        )
    }

    #[test]
    fn scored_criteria_interpolate_between_the_minimum_and_the_maximum() {
        let c = urban();
        let at = |pop: &str, infra: &str| {
            evaluate(
                &c,
                &values(&[
                    ("quy-mo", Value::Figure(dec(pop))),
                    ("ha-tang", Value::Figure(dec(infra))),
                ]),
            )
        };
        // The minimum earns the minimum points, the maximum all of them, halfway half between.
        let o = at("50000", "50");
        assert_eq!(o.points, Some(dec("75")));
        assert_eq!(o.verdict, Verdict::Passed, "75 is the mark, reached");
        let o = at("75000", "100");
        assert_eq!(o.criteria[0].points, Some(dec("7")));
        assert_eq!(o.points, Some(dec("99")));
        // Beyond the maximum scores no more than the maximum.
        assert_eq!(at("250000", "100").points, Some(dec("100")));
        // Short of the minimum: no points, not met, and by how much.
        let o = at("49000", "100");
        assert_eq!(
            (o.criteria[0].met, o.criteria[0].points),
            (Some(false), Some(dec("0")))
        );
        assert_eq!(o.missing[0].short_by, Some(dec("1000")));
        assert_eq!(
            (o.points, o.verdict),
            (Some(dec("92")), Verdict::Passed),
            "92 ≥ 75: a failed standard costs its points only"
        );
    }

    #[test]
    fn a_group_below_its_minimum_fails_the_assessment_whatever_the_total() {
        let mut c = urban();
        c.pass_rule = PassRule::PassMark { mark: dec("5") };
        let o = evaluate(
            &c,
            &values(&[
                ("quy-mo", Value::Figure(dec("100000"))),
                ("ha-tang", Value::Figure(dec("10"))),
            ]),
        );
        assert_eq!((o.points, o.verdict), (Some(dec("8")), Verdict::NotPassed));
        assert_eq!(o.groups[1].points, dec("0"));
    }

    #[test]
    fn a_mark_out_of_reach_is_said_before_every_value_is_in() {
        let c = urban();
        // Population short: 0 of 8; the infrastructure, unvalued, could bring 92 at most.
        let o = evaluate(&c, &values(&[("quy-mo", Value::Figure(dec("1000")))]));
        assert_eq!(
            o.verdict,
            Verdict::Incomplete,
            "0 + 92 could still reach 75"
        );
        let mut strict = urban();
        strict.pass_rule = PassRule::PassMark { mark: dec("95") };
        let o = evaluate(&strict, &values(&[("quy-mo", Value::Figure(dec("1000")))]));
        assert_eq!(o.verdict, Verdict::NotPassed, "0 + 92 < 95");
    }

    #[test]
    fn points_awarded_by_the_appraisal_count_up_to_the_criterion_s_maximum() {
        let mut c = urban();
        c.criteria[1].measure = Measure::Points;
        c.criteria[1].min_points = Some(dec("45"));
        let o = evaluate(
            &c,
            &values(&[
                ("quy-mo", Value::Figure(dec("100000"))),
                ("ha-tang", Value::Figure(dec("70"))),
            ]),
        );
        assert_eq!(
            (o.criteria[1].points, o.points),
            (Some(dec("70")), Some(dec("78"))),
            "70 awarded, 92 at most"
        );
        let o = evaluate(
            &c,
            &values(&[
                ("quy-mo", Value::Figure(dec("100000"))),
                ("ha-tang", Value::Figure(dec("40"))),
            ]),
        );
        assert_eq!(
            (o.criteria[1].met, o.missing[0].short_by),
            (Some(false), Some(dec("5")))
        );
        let o = evaluate(
            &c,
            &values(&[
                ("quy-mo", Value::Figure(dec("100000"))),
                ("ha-tang", Value::Figure(dec("500"))),
            ]),
        );
        assert_eq!(o.criteria[1].points, Some(dec("92")));
    }

    #[test]
    fn a_value_of_the_wrong_kind_is_not_judged() {
        let c = new_rural(1);
        let o = evaluate(&c, &values(&[("TC01", Value::Figure(dec("1")))]));
        assert_eq!((o.criteria[0].met, o.verdict), (None, Verdict::Incomplete));
    }
}
