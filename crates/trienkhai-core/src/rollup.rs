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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
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

impl std::fmt::Display for Aggregation {
    /// The notation [`Aggregation::parse`] reads.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Aggregation::Sum => f.write_str("sum"),
            Aggregation::Mean => f.write_str("mean"),
            Aggregation::WeightedMean { weight } => write!(f, "weighted_mean:{weight}"),
            Aggregation::Ratio => f.write_str("ratio"),
            Aggregation::Min => f.write_str("min"),
            Aggregation::Max => f.write_str("max"),
            Aggregation::CountAchieving => f.write_str("count_achieving"),
            Aggregation::All => f.write_str("all"),
            Aggregation::None => f.write_str("none"),
        }
    }
}

impl Aggregation {
    /// Whether a unit below the plan's unit is measured against the plan's own target value
    /// (a rate, a mean: 80 % applies to every commune) rather than only against a quota handed
    /// to it (a sum: 60 new enterprises is the district's, not each commune's).
    pub fn target_applies_below(&self) -> bool {
        !matches!(self, Aggregation::Sum | Aggregation::CountAchieving)
    }

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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Input {
    pub unit: UnitId,
    pub observation: Option<Observation>,
    pub weight: Option<Decimal>,
    pub treatment: Treatment,
}

/// A node's figure with how it was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
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

/// A unit's figure and what went into it, in counts (the inputs themselves: [`explain`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Rolled {
    pub figure: Option<Figure>,
    pub counted: u64,
    pub missing: u64,
    pub not_applicable: u64,
    /// True when no expected unit is missing.
    pub complete: bool,
}

/// Running totals of a subtree, merged bottom-up so the whole tree is rolled in one pass.
#[derive(Debug, Clone)]
struct Totals {
    sum: Decimal,
    counted: u64,
    weighted: Decimal,
    weights: Decimal,
    numerator: Decimal,
    denominator: Decimal,
    min: Option<Decimal>,
    max: Option<Decimal>,
    achieving: u64,
    all_true: bool,
    missing: u64,
    not_applicable: u64,
}

impl Default for Totals {
    fn default() -> Self {
        Totals {
            sum: Decimal::ZERO,
            counted: 0,
            weighted: Decimal::ZERO,
            weights: Decimal::ZERO,
            numerator: Decimal::ZERO,
            denominator: Decimal::ZERO,
            min: None,
            max: None,
            achieving: 0,
            all_true: true,
            missing: 0,
            not_applicable: 0,
        }
    }
}

impl Totals {
    fn add(&mut self, input: &RollupInput<'_>, unit: UnitId) {
        let observation = input.observations.get(&unit);
        let weight = input.weights.get(&unit).copied();
        match classify(input, unit, observation, weight) {
            Some(Treatment::Counted) => {}
            Some(Treatment::Missing) => {
                self.missing += 1;
                return;
            }
            Some(Treatment::NotApplicable) => {
                self.not_applicable += 1;
                return;
            }
            Some(Treatment::Unusable) | None => return,
        }
        let observation = observation.expect("counted means reported");
        self.counted += 1;
        // Only what the rule needs: the roll-up runs for every unit of every target.
        match (input.rule, observation) {
            (Aggregation::Sum | Aggregation::Mean, Observation::Value { value }) => {
                self.sum += value
            }
            (Aggregation::WeightedMean { .. }, Observation::Value { value }) => {
                let weight = weight.unwrap_or_default();
                self.weighted += value * weight;
                self.weights += weight;
            }
            (
                Aggregation::Ratio,
                Observation::Ratio {
                    numerator,
                    denominator,
                },
            ) => {
                self.numerator += numerator;
                self.denominator += denominator;
            }
            (Aggregation::Min, Observation::Value { value }) => {
                self.min = Some(self.min.map_or(*value, |m| m.min(*value)))
            }
            (Aggregation::Max, Observation::Value { value }) => {
                self.max = Some(self.max.map_or(*value, |m| m.max(*value)))
            }
            (Aggregation::CountAchieving, o) if (input.achieves)(o) => self.achieving += 1,
            (Aggregation::All, Observation::Flag { value }) => self.all_true &= *value,
            _ => {}
        }
    }

    fn merge(&mut self, other: &Totals) {
        self.sum += other.sum;
        self.counted += other.counted;
        self.weighted += other.weighted;
        self.weights += other.weights;
        self.numerator += other.numerator;
        self.denominator += other.denominator;
        self.min = match (self.min, other.min) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.max = match (self.max, other.max) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        self.achieving += other.achieving;
        self.all_true &= other.all_true;
        self.missing += other.missing;
        self.not_applicable += other.not_applicable;
    }

    fn rolled(&self, rule: &Aggregation) -> Rolled {
        let n = self.counted;
        let value = |v: Decimal| Some(Figure::Value { value: v });
        let figure = match rule {
            Aggregation::CountAchieving => Some(Figure::Count {
                achieving: self.achieving,
                of: n,
            }),
            _ if n == 0 => None,
            Aggregation::Sum => value(self.sum),
            Aggregation::Mean => value(self.sum / Decimal::from(n)),
            Aggregation::WeightedMean { .. } => (!self.weights.is_zero()).then(|| Figure::Value {
                value: self.weighted / self.weights,
            }),
            Aggregation::Ratio => Some(ratio(self.numerator, self.denominator)),
            Aggregation::Min => value(self.min.expect("a counted value")),
            Aggregation::Max => value(self.max.expect("a counted value")),
            Aggregation::All => Some(Figure::Flag {
                value: self.all_true,
            }),
            Aggregation::None => None,
        };
        Rolled {
            figure,
            counted: n,
            missing: self.missing,
            not_applicable: self.not_applicable,
            complete: self.missing == 0,
        }
    }
}

fn ratio(numerator: Decimal, denominator: Decimal) -> Figure {
    Figure::Ratio {
        numerator,
        denominator,
        value: (!denominator.is_zero()).then(|| numerator / denominator),
    }
}

/// The figure of every unit of the tree, each over its whole subtree, in one bottom-up pass.
pub fn roll_up(input: &RollupInput<'_>) -> HashMap<UnitId, Rolled> {
    let order = input.tree.walk();
    let position: HashMap<UnitId, usize> = order
        .iter()
        .enumerate()
        .map(|(i, (_, v))| (v.unit_id, i))
        .collect();
    let parent: Vec<Option<usize>> = order
        .iter()
        .map(|(_, v)| v.parent_id.and_then(|p| position.get(&p).copied()))
        .collect();
    let mut totals = vec![Totals::default(); order.len()];
    let mut out = HashMap::with_capacity(order.len());
    // Children come after their parent in walk order: going backwards, a unit's subtree is
    // complete when the unit is reached, and its totals are then added to its parent's.
    for i in (0..order.len()).rev() {
        let unit = order[i].1.unit_id;
        let mut subtree = std::mem::take(&mut totals[i]);
        subtree.add(input, unit);
        let rolled = match input.rule {
            Aggregation::None => Rolled {
                figure: input.observations.get(&unit).and_then(own_figure),
                ..subtree.rolled(input.rule)
            },
            _ => subtree.rolled(input.rule),
        };
        out.insert(unit, rolled);
        if let (Some(p), false) = (parent[i], matches!(input.rule, Aggregation::None)) {
            totals[p].merge(&subtree);
        }
    }
    out
}

fn own_figure(observation: &Observation) -> Option<Figure> {
    match observation {
        Observation::Value { value } => Some(Figure::Value { value: *value }),
        Observation::Ratio {
            numerator,
            denominator,
        } => Some(ratio(*numerator, *denominator)),
        Observation::Flag { value } => Some(Figure::Flag { value: *value }),
        Observation::NotApplicable => None,
    }
}

/// One unit's figure with every input listed: what the page and the API show when a person asks
/// "where does this number come from". Built on demand; [`roll_up`] gives the same figures.
pub fn explain(input: &RollupInput<'_>, unit: UnitId) -> Option<Explained> {
    input.tree.get(unit)?;
    let members: Vec<UnitId> = match input.rule {
        Aggregation::None => vec![unit],
        _ => input
            .tree
            .walk_from(unit)
            .into_iter()
            .map(|(_, v)| v.unit_id)
            .collect(),
    };
    let mut inputs = Vec::new();
    for member in members {
        let observation = input.observations.get(&member);
        let weight = input.weights.get(&member).copied();
        if let Some(treatment) = classify(input, member, observation, weight) {
            inputs.push(Input {
                unit: member,
                observation: observation.cloned(),
                weight,
                treatment,
            });
        }
    }
    let figure = roll_up_one(input, unit);
    let complete = !inputs.iter().any(|i| i.treatment == Treatment::Missing);
    Some(Explained {
        figure,
        rule: input.rule.clone(),
        inputs,
        complete,
    })
}

fn roll_up_one(input: &RollupInput<'_>, unit: UnitId) -> Option<Figure> {
    if let Aggregation::None = input.rule {
        return input.observations.get(&unit).and_then(own_figure);
    }
    let mut totals = Totals::default();
    for (_, member) in input.tree.walk_from(unit) {
        totals.add(input, member.unit_id);
    }
    totals.rolled(input.rule).figure
}

/// How a unit's report counts in a figure; `None` when it neither reported nor was expected.
fn classify(
    input: &RollupInput<'_>,
    unit: UnitId,
    observation: Option<&Observation>,
    weight: Option<Decimal>,
) -> Option<Treatment> {
    Some(match observation {
        None if (input.expected)(unit) => Treatment::Missing,
        None => return None,
        Some(Observation::NotApplicable) => Treatment::NotApplicable,
        Some(o) if fits(input.rule, o, weight) => Treatment::Counted,
        Some(_) => Treatment::Unusable,
    })
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

impl Observation {
    /// The one number a reported value is compared by: a ratio in percent (`None` over a zero
    /// denominator), a flag as 1 or 0; `None` for not applicable.
    pub fn number(&self) -> Option<Decimal> {
        match self {
            Observation::Value { value } => Some(*value),
            Observation::Ratio {
                numerator,
                denominator,
            } => (!denominator.is_zero()).then(|| numerator / denominator * Decimal::ONE_HUNDRED),
            Observation::Flag { value } => Some(Decimal::from(u8::from(*value))),
            Observation::NotApplicable => None,
        }
    }
}

impl Figure {
    /// The one number a figure is compared and charted by: a ratio in percent, a flag as 1 or
    /// 0, a count of achieving units.
    pub fn scalar(&self) -> Option<Decimal> {
        match self {
            Figure::Value { value } => Some(*value),
            Figure::Ratio { value, .. } => value.map(|v| v * Decimal::ONE_HUNDRED),
            Figure::Flag { value } => Some(Decimal::from(u8::from(*value))),
            Figure::Count { achieving, .. } => Some(Decimal::from(*achieving)),
        }
    }
}

/// How many terms a formula writes out before "…".
const FORMULA_TERMS: usize = 12;

/// The formula of an explained figure with its numbers, e.g. `(12 + 30) / (400 + 600) × 100 =
/// 4.2`. `number` writes a decimal (the pages pass the Vietnamese `1.234,5`).
pub fn formula(explained: &Explained, number: &dyn Fn(Decimal) -> String) -> String {
    let counted: Vec<&Input> = explained
        .inputs
        .iter()
        .filter(|i| i.treatment == Treatment::Counted)
        .collect();
    let join = |terms: Vec<String>, sep: &str| {
        let n = terms.len();
        let mut shown: Vec<String> = terms.into_iter().take(FORMULA_TERMS).collect();
        if n > FORMULA_TERMS {
            shown.push(format!("… ({n})"));
        }
        shown.join(sep)
    };
    let values = || {
        counted
            .iter()
            .filter_map(|i| match &i.observation {
                Some(Observation::Value { value }) => Some(number(*value)),
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    let result = explained
        .figure
        .as_ref()
        .and_then(Figure::scalar)
        .map(|v| number(v.round_dp(4)))
        .unwrap_or_else(|| "?".to_owned());
    match &explained.rule {
        Aggregation::Sum => format!("{} = {result}", join(values(), " + ")),
        Aggregation::Mean => format!("({}) / {} = {result}", join(values(), " + "), counted.len()),
        Aggregation::WeightedMean { weight } => {
            let terms = counted
                .iter()
                .filter_map(|i| match (&i.observation, i.weight) {
                    (Some(Observation::Value { value }), Some(w)) => {
                        Some(format!("{} × {}", number(*value), number(w)))
                    }
                    _ => None,
                })
                .collect();
            let weights = counted
                .iter()
                .filter_map(|i| i.weight.map(number))
                .collect();
            format!(
                "({}) / ({}) = {result} [{weight}]",
                join(terms, " + "),
                join(weights, " + ")
            )
        }
        Aggregation::Ratio => {
            let (mut nums, mut dens) = (Vec::new(), Vec::new());
            for i in &counted {
                if let Some(Observation::Ratio {
                    numerator,
                    denominator,
                }) = &i.observation
                {
                    nums.push(number(*numerator));
                    dens.push(number(*denominator));
                }
            }
            format!(
                "({}) / ({}) × 100 = {result}",
                join(nums, " + "),
                join(dens, " + ")
            )
        }
        Aggregation::Min => format!("min({}) = {result}", join(values(), "; ")),
        Aggregation::Max => format!("max({}) = {result}", join(values(), "; ")),
        Aggregation::CountAchieving => match &explained.figure {
            Some(Figure::Count { achieving, of }) => format!("{achieving} / {of}"),
            _ => "?".to_owned(),
        },
        Aggregation::All => format!("∧ ({}) = {result}", counted.len()),
        Aggregation::None => result,
    }
}

#[cfg(test)]
mod tests;
