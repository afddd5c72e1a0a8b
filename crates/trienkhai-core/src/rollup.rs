//! The roll-up engine (C5): a target's values reported by units, aggregated up the tree of the
//! period by the rule the target declares, with the explanation of every figure: which units
//! counted, with which values, which were missing and which did not apply.
//!
//! Pure: the caller passes the tree **as it stood in the period** (so communes merged in 2025
//! still roll their 2021 values into their 2021 district), the observations, and the rule.
//! A missing value is never a zero: it is listed as missing and the figure is marked incomplete.
//! "Không áp dụng" (not applicable) is excluded from the figure and said so. Ratios are
//! recomputed from summed numerators and denominators, never averaged.

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::ids::UnitId;
use crate::org::TreeSnapshot;

/// How a target's values combine across units, declared on the target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "rule")]
pub enum Aggregation {
    Sum,
    Mean,
    /// Mean weighted by a named weight (population, households …) reported per unit.
    WeightedMean {
        weight: String,
    },
    /// Σ numerators / Σ denominators.
    Ratio,
    Min,
    Max,
    /// How many units' own values achieve the target.
    CountAchieving,
    /// Yes only if every unit says yes.
    All,
    /// Not aggregated: each unit has only its own value.
    None,
}

impl Aggregation {
    /// The names of the seed data: `sum`, `mean`, `weighted_mean:<weight>`, `ratio`, `min`,
    /// `max`, `count_achieving`, `all`, `none`.
    pub fn parse(input: &str) -> Result<Self, crate::error::DomainError> {
        let input = input.trim();
        if let Some(weight) = input.strip_prefix("weighted_mean:") {
            let weight = weight.trim();
            if weight.is_empty() || !weight.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                return Err(
                    crate::error::DomainError::new("aggregation_unknown", "aggregation")
                        .with_detail(input.to_owned()),
                );
            }
            return Ok(Aggregation::WeightedMean {
                weight: weight.to_owned(),
            });
        }
        Ok(match input {
            "sum" => Aggregation::Sum,
            "mean" => Aggregation::Mean,
            "ratio" => Aggregation::Ratio,
            "min" => Aggregation::Min,
            "max" => Aggregation::Max,
            "count_achieving" => Aggregation::CountAchieving,
            "all" => Aggregation::All,
            "none" => Aggregation::None,
            other => {
                return Err(
                    crate::error::DomainError::new("aggregation_unknown", "aggregation")
                        .with_detail(other.to_owned()),
                );
            }
        })
    }
}

/// One unit's reported value for a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Observation {
    Value {
        value: Decimal,
    },
    Ratio {
        numerator: Decimal,
        denominator: Decimal,
    },
    Flag {
        value: bool,
    },
    /// *Không áp dụng*: the target does not concern this unit.
    NotApplicable,
}

/// The figure of a node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Figure {
    Value {
        value: Decimal,
    },
    Ratio {
        numerator: Decimal,
        denominator: Decimal,
        value: Option<Decimal>,
    },
    Flag {
        value: bool,
    },
    Count {
        achieving: u64,
        of: u64,
    },
}

/// What became of one unit's value in a figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Treatment {
    Counted,
    /// Expected but not reported: left out, never taken as zero.
    Missing,
    /// Reported as not applicable: left out on purpose.
    NotApplicable,
    /// Reported, but its shape does not fit the rule (a flag in a sum …), or a weighted mean
    /// without the unit's weight: left out.
    Unusable,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Input {
    pub unit: UnitId,
    pub observation: Option<Observation>,
    pub weight: Option<Decimal>,
    pub treatment: Treatment,
}

/// A node's figure with how it was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Explained {
    /// `None` when nothing usable was reported (*chưa có số liệu*).
    pub figure: Option<Figure>,
    pub rule: Aggregation,
    /// Every unit of the subtree that reported or was expected to, in tree order.
    pub inputs: Vec<Input>,
    /// True when no expected unit is missing.
    pub complete: bool,
}

impl Explained {
    pub fn missing(&self) -> impl Iterator<Item = UnitId> + '_ {
        self.inputs
            .iter()
            .filter(|i| i.treatment == Treatment::Missing)
            .map(|i| i.unit)
    }
}

/// What the engine is given for one target and one period.
pub struct RollupInput<'a> {
    /// The tree as it stood in the period.
    pub tree: &'a TreeSnapshot,
    pub rule: &'a Aggregation,
    pub observations: &'a HashMap<UnitId, Observation>,
    /// The named weight per unit, for [`Aggregation::WeightedMean`].
    pub weights: &'a HashMap<UnitId, Decimal>,
    /// Units expected to report (missing ones are listed).
    pub expected: &'a dyn Fn(UnitId) -> bool,
    /// Whether a unit's own value achieves the target, for [`Aggregation::CountAchieving`].
    pub achieves: &'a dyn Fn(&Observation) -> bool,
}

/// The figure of every unit of the tree, each over its whole subtree.
pub fn roll_up(input: &RollupInput<'_>) -> HashMap<UnitId, Explained> {
    let order = input.tree.walk();
    let mut out = HashMap::with_capacity(order.len());
    // Subtree membership in walk order: a unit's subtree is the run that follows it while the
    // depth stays greater.
    for (i, (depth, node)) in order.iter().enumerate() {
        let mut members = vec![node.unit_id];
        members.extend(
            order[i + 1..]
                .iter()
                .take_while(|(d, _)| d > depth)
                .map(|(_, v)| v.unit_id),
        );
        let members = match input.rule {
            Aggregation::None => vec![node.unit_id],
            _ => members,
        };
        out.insert(node.unit_id, explain(input, &members));
    }
    out
}

/// The figure of one unit over `members` (itself and its subtree).
fn explain(input: &RollupInput<'_>, members: &[UnitId]) -> Explained {
    let mut inputs = Vec::new();
    for &unit in members {
        let observation = input.observations.get(&unit).cloned();
        let weight = input.weights.get(&unit).copied();
        let treatment = match &observation {
            None if (input.expected)(unit) => Treatment::Missing,
            None => continue,
            Some(Observation::NotApplicable) => Treatment::NotApplicable,
            Some(o) if fits(input.rule, o, weight) => Treatment::Counted,
            Some(_) => Treatment::Unusable,
        };
        inputs.push(Input {
            unit,
            observation,
            weight,
            treatment,
        });
    }
    let counted: Vec<&Input> = inputs
        .iter()
        .filter(|i| i.treatment == Treatment::Counted)
        .collect();
    let figure = if counted.is_empty() && !matches!(input.rule, Aggregation::CountAchieving) {
        None
    } else {
        combine(input, &counted)
    };
    let complete = !inputs.iter().any(|i| i.treatment == Treatment::Missing);
    Explained {
        figure,
        rule: input.rule.clone(),
        inputs,
        complete,
    }
}

fn fits(rule: &Aggregation, observation: &Observation, weight: Option<Decimal>) -> bool {
    match (rule, observation) {
        (Aggregation::Ratio, Observation::Ratio { .. }) => true,
        (Aggregation::Ratio, _) => false,
        (Aggregation::All, Observation::Flag { .. }) => true,
        (Aggregation::All, _) => false,
        (Aggregation::CountAchieving | Aggregation::None, _) => true,
        (Aggregation::WeightedMean { .. }, Observation::Value { .. }) => weight.is_some(),
        (_, Observation::Value { .. }) => true,
        _ => false,
    }
}

fn value_of(i: &Input) -> Decimal {
    match &i.observation {
        Some(Observation::Value { value }) => *value,
        _ => Decimal::ZERO,
    }
}

fn combine(input: &RollupInput<'_>, counted: &[&Input]) -> Option<Figure> {
    let n = Decimal::from(counted.len() as u64);
    let value = |v: Decimal| Some(Figure::Value { value: v });
    match input.rule {
        Aggregation::Sum => value(counted.iter().map(|i| value_of(i)).sum()),
        Aggregation::Mean => value(counted.iter().map(|i| value_of(i)).sum::<Decimal>() / n),
        Aggregation::WeightedMean { .. } => {
            let total: Decimal = counted.iter().filter_map(|i| i.weight).sum();
            if total.is_zero() {
                return None;
            }
            value(
                counted
                    .iter()
                    .map(|i| value_of(i) * i.weight.unwrap_or_default())
                    .sum::<Decimal>()
                    / total,
            )
        }
        Aggregation::Ratio => {
            let (mut numerator, mut denominator) = (Decimal::ZERO, Decimal::ZERO);
            for i in counted {
                if let Some(Observation::Ratio {
                    numerator: a,
                    denominator: b,
                }) = &i.observation
                {
                    numerator += a;
                    denominator += b;
                }
            }
            let value = (!denominator.is_zero()).then(|| numerator / denominator);
            Some(Figure::Ratio {
                numerator,
                denominator,
                value,
            })
        }
        Aggregation::Min => value(counted.iter().map(|i| value_of(i)).min()?),
        Aggregation::Max => value(counted.iter().map(|i| value_of(i)).max()?),
        Aggregation::CountAchieving => {
            let of = counted.len() as u64;
            let achieving = counted
                .iter()
                .filter(|i| i.observation.as_ref().is_some_and(|o| (input.achieves)(o)))
                .count() as u64;
            Some(Figure::Count { achieving, of })
        }
        Aggregation::All => {
            let all = counted
                .iter()
                .all(|i| matches!(i.observation, Some(Observation::Flag { value: true })));
            Some(Figure::Flag { value: all })
        }
        Aggregation::None => match &counted.first()?.observation {
            Some(Observation::Value { value }) => Some(Figure::Value { value: *value }),
            Some(Observation::Ratio {
                numerator,
                denominator,
            }) => Some(Figure::Ratio {
                numerator: *numerator,
                denominator: *denominator,
                value: (!denominator.is_zero()).then(|| numerator / denominator),
            }),
            Some(Observation::Flag { value }) => Some(Figure::Flag { value: *value }),
            _ => None,
        },
    }
}

#[cfg(test)]
mod tests;
