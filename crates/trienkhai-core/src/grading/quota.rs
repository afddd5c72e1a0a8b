//! The quota of "excellent" (DOMAIN.md §1.2): at most 20% of those rated "good", per
//! organisation and peer group. The texts leave open whether "those rated good" are counted
//! before the excellent are set apart or after; the percentage and the counting base are the
//! rule set's to say, and every candidate over the quota is told why, with the arithmetic.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::{Deserialize, Serialize};

use super::{Level, Step};
use crate::error::DomainError;

/// What the percentage is taken of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CountingBase {
    /// Everyone proposed "good" or better: the count before anyone is set apart as excellent.
    GoodOrBetter,
    /// Those finally "good": the excellent kept are not counted in it (the stricter reading).
    FinallyGood,
}

/// A quota rule: `percent` of the base.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct QuotaRule {
    pub percent: Decimal,
    pub base: CountingBase,
}

impl QuotaRule {
    /// The rule of HD 21, 124 and NĐ 335: 20% of those rated good.
    pub const TWENTY_PERCENT: QuotaRule = QuotaRule {
        percent: Decimal::from_parts(20, 0, 0, false, 0),
        base: CountingBase::GoodOrBetter,
    };

    pub fn new(percent: Decimal, base: CountingBase) -> Result<Self, DomainError> {
        if percent.is_sign_negative() || percent > Decimal::from(100) {
            return Err(DomainError::new("out_of_range", "percent"));
        }
        Ok(QuotaRule { percent, base })
    }

    /// How many may be excellent when `good` are rated good and `excellent` proposed
    /// excellent: always rounded down (20% of 12 is 2).
    pub fn allowed(&self, good: u32, excellent: u32) -> u32 {
        let cap = |base: u32| -> u32 {
            let n = Decimal::from(base) * self.percent / Decimal::from(100);
            n.floor().to_u32().unwrap_or(u32::MAX)
        };
        match self.base {
            CountingBase::GoodOrBetter => cap(good + excellent).min(excellent),
            // The largest k with k ≤ p × (good + excellent − k): those not kept count as good.
            CountingBase::FinallyGood => (0..=excellent)
                .rev()
                .find(|&k| k <= cap(good + excellent - k))
                .unwrap_or(0),
        }
    }
}

/// A candidate of one organisation × peer group, in the order the quota keeps them (best
/// score first; the caller breaks ties).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Candidate {
    pub id: i64,
    pub level: Level,
}

/// Applies the quota to one group: the first `allowed` proposed excellent keep it, the others
/// are rated good, each with the step that says why. Answers (id, level, step if moved).
pub fn apply(rule: &QuotaRule, group: &[Candidate]) -> Vec<(i64, Level, Option<Step>)> {
    let excellent = group.iter().filter(|c| c.level == Level::Excellent).count() as u32;
    let good = group.iter().filter(|c| c.level == Level::Good).count() as u32;
    let allowed = rule.allowed(good, excellent);
    let base = match rule.base {
        CountingBase::GoodOrBetter => good + excellent,
        CountingBase::FinallyGood => good + excellent - allowed,
    };
    let mut kept = 0;
    group
        .iter()
        .map(|c| {
            if c.level != Level::Excellent {
                return (c.id, c.level, None);
            }
            kept += 1;
            if kept <= allowed {
                return (c.id, c.level, None);
            }
            let step = Step {
                rule: "Hạn mức HTXSNV".to_owned(),
                check: format!(
                    "không quá {}% số được xếp loại HTTNV: {}% × {base} = {allowed} (làm tròn xuống); đề nghị {excellent}, đã đủ {allowed}",
                    crate::vn::format_decimal(&rule.percent, 2),
                    crate::vn::format_decimal(&rule.percent, 2),
                ),
                met: false,
                then: "→ HTTNV".to_owned(),
            };
            (c.id, Level::Good, Some(step))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twenty_percent_is_rounded_down() {
        let q = QuotaRule::TWENTY_PERCENT;
        // 12 rated good or better, 4 proposed excellent: 20% × 12 = 2,4 → 2.
        assert_eq!(q.allowed(8, 4), 2);
        // 5 exactly: 1; 4: none.
        assert_eq!(q.allowed(4, 1), 1);
        assert_eq!(q.allowed(3, 1), 0);
        // Never more than proposed.
        assert_eq!(q.allowed(100, 3), 3);
    }

    #[test]
    fn the_stricter_base_counts_only_those_finally_good() {
        let q = QuotaRule::new(Decimal::from(20), CountingBase::FinallyGood).unwrap();
        // 8 good, 4 proposed: keeping 2 leaves 10 good, 20% of 10 = 2 → 2 hold.
        assert_eq!(q.allowed(8, 4), 2);
        // 4 good, 2 proposed: keeping 1 leaves 5 good → 1; keeping 2 leaves 4 → 0.
        assert_eq!(q.allowed(4, 2), 1);
        // 5 good, 2 proposed: GoodOrBetter gives floor(1,4) = 1, and so does this one.
        assert_eq!(q.allowed(5, 2), 1);
        assert_eq!(
            QuotaRule::new(Decimal::from(101), CountingBase::FinallyGood)
                .unwrap_err()
                .field
                .as_deref(),
            Some("percent")
        );
    }

    #[test]
    fn those_over_the_quota_are_rated_good_and_told_why() {
        let group: Vec<Candidate> = [
            Level::Excellent,
            Level::Excellent,
            Level::Excellent,
            Level::Good,
            Level::Good,
            Level::Good,
            Level::Good,
            Level::Good,
            Level::Good,
            Level::Good,
            Level::Completed,
        ]
        .iter()
        .enumerate()
        .map(|(i, l)| Candidate {
            id: i as i64,
            level: *l,
        })
        .collect();
        let out = apply(&QuotaRule::TWENTY_PERCENT, &group);
        // 10 good or better: 2 may be excellent; the third proposed is rated good.
        let levels: Vec<Level> = out.iter().map(|(_, l, _)| *l).collect();
        assert_eq!(
            &levels[..3],
            &[Level::Excellent, Level::Excellent, Level::Good]
        );
        let (_, _, step) = &out[2];
        let step = step.as_ref().unwrap();
        assert!(step.check.contains("20% × 10 = 2"), "{}", step.check);
        assert!(out.iter().filter(|(_, _, s)| s.is_some()).count() == 1);
        assert_eq!(out[10].1, Level::Completed);
    }
}
