//! Criteria sets (C11, DOMAIN.md §4): catalogues of criteria a unit is assessed against over
//! the years: the new-rural commune standard (every criterion must pass), urban classification
//! (groups with maximum points, scores interpolated between a standard's minimum and maximum,
//! a pass mark), and sets a province issues itself. A catalogue is data, in force between two
//! dates, possibly for one region; each criterion says how it is measured. What the texts read
//! here do not give is shipped marked "to verify" (`to_verify`), never silently invented.
//!
//! [`evaluate`] turns the values of one assessment into each criterion's result, the score,
//! the verdict and what is still missing; [`rows`] reads a catalogue from a table (the shipped
//! ones and a province's CSV or XLSX alike); [`urban_class`] holds the classes and the
//! transition of NQ 111/2025.

pub mod evaluate;
pub mod rows;
pub mod shipped;
pub mod urban_class;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::DomainError;

/// What a catalogue assesses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CatalogueKind {
    /// Xã nông thôn mới.
    NewRural,
    /// Xã nông thôn mới nâng cao.
    NewRuralAdvanced,
    /// Phân loại đô thị (a class, e.g. loại IV).
    Urban,
    /// A set a province or a unit defines for itself.
    Custom,
}

impl CatalogueKind {
    pub const ALL: [CatalogueKind; 4] = [
        CatalogueKind::NewRural,
        CatalogueKind::NewRuralAdvanced,
        CatalogueKind::Urban,
        CatalogueKind::Custom,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CatalogueKind::NewRural => "new_rural",
            CatalogueKind::NewRuralAdvanced => "new_rural_advanced",
            CatalogueKind::Urban => "urban",
            CatalogueKind::Custom => "custom",
        }
    }

    pub fn parse(input: &str) -> Result<Self, DomainError> {
        CatalogueKind::ALL
            .into_iter()
            .find(|k| k.as_str() == input.trim())
            .ok_or_else(|| DomainError::new("invalid", "kind").with_detail(input.trim()))
    }
}

/// When an assessment passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum PassRule {
    /// Every criterion met ("đạt đầy đủ các tiêu chí", the new-rural standard: 19/19).
    AllCriteria,
    /// A total of at least `mark` points, and each group at least its own minimum where it
    /// has one (urban classification).
    PassMark { mark: Decimal },
}

/// A group of criteria (e.g. "Hạ tầng kinh tế - xã hội", or an urban group worth 60 points).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CriteriaGroup {
    pub code: String,
    pub name: String,
    /// The most its criteria can score together (urban classification); none when unscored.
    pub max_points: Option<Decimal>,
    /// The least the group must score for the assessment to pass; none when the rule has none.
    pub min_points: Option<Decimal>,
}

/// Whether more is better or less.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Increase,
    Decrease,
}

/// How a criterion is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "measure", rename_all = "snake_case")]
pub enum Measure {
    /// Met or not, as the assessing body found it (a new-rural criterion bundles several
    /// indicators; the commune reports it "đạt" or "chưa đạt").
    Met,
    /// A figure held against a threshold: at least it (`Increase`) or at most it (`Decrease`).
    Threshold {
        threshold: Decimal,
        direction: Direction,
    },
    /// A figure scored between the standard's `minimum` (worth the criterion's `min_points`)
    /// and `maximum` (worth its `max_points`), linearly between; short of the minimum it scores
    /// nothing and is not met (urban classification).
    Scored {
        minimum: Decimal,
        maximum: Decimal,
        direction: Direction,
    },
    /// The points the appraisal file awards, between none and the criterion's `max_points`;
    /// met at `min_points` where there is one (an urban group whose many standards the
    /// appraisal scores one by one).
    Points,
}

/// One criterion of a catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Criterion {
    /// Its code in the catalogue ("TC01", "2.1"), unique in it.
    pub code: String,
    pub group: String,
    pub name: String,
    /// The unit its figure is in ("người", "người/km²", "%"); empty for a met-or-not criterion.
    pub unit: String,
    pub measure: Measure,
    pub min_points: Option<Decimal>,
    pub max_points: Option<Decimal>,
    /// Shipped from a source that does not settle its figures: "cần đối chiếu văn bản".
    pub to_verify: bool,
    pub note: String,
}

/// A catalogue of criteria, in force between two dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Catalogue {
    /// Its code, unique together with `effective_from` ("ntm-xa-2021", "do-thi-loai-iv").
    pub code: String,
    pub name: String,
    pub kind: CatalogueKind,
    /// The urban class it assesses for ("IV"); none for other kinds.
    pub class: Option<String>,
    /// The region or province whose variant it is; none for the national one.
    pub region: Option<String>,
    /// The instrument it comes from ("Quyết định 318/QĐ-TTg ngày 08/3/2022").
    pub source: String,
    pub effective_from: NaiveDate,
    /// The last day it is in force; none while it still is.
    pub effective_to: Option<NaiveDate>,
    pub pass_rule: PassRule,
    /// The pass rule is shipped from a source that does not settle it.
    pub pass_to_verify: bool,
    pub groups: Vec<CriteriaGroup>,
    pub criteria: Vec<Criterion>,
}

/// The most a catalogue holds; a province's set is a few dozen criteria.
pub const MAX_CRITERIA: usize = 500;

impl Catalogue {
    /// Whether the catalogue is in force on `day`.
    pub fn in_force_on(&self, day: NaiveDate) -> bool {
        self.effective_from <= day && self.effective_to.is_none_or(|to| day <= to)
    }

    /// Whether any of its figures is still to be checked against the text.
    pub fn to_verify(&self) -> bool {
        self.pass_to_verify || self.criteria.iter().any(|c| c.to_verify)
    }

    /// The checks a catalogue passes before it is kept: codes unique, every criterion in a
    /// group that exists, dates in order, points where the rule scores and coherent.
    pub fn check(&self) -> Result<(), DomainError> {
        if self.code.trim().is_empty() {
            return Err(DomainError::new("required", "code"));
        }
        if self.name.trim().is_empty() {
            return Err(DomainError::new("required", "name"));
        }
        if self.effective_to.is_some_and(|to| to < self.effective_from) {
            return Err(DomainError::new("end_before_start", "effective_to"));
        }
        if self.criteria.is_empty() {
            return Err(DomainError::new("required", "criteria"));
        }
        if self.criteria.len() > MAX_CRITERIA {
            return Err(DomainError::new("too_many", "criteria"));
        }
        let mut codes = std::collections::HashSet::new();
        for g in &self.groups {
            if !codes.insert(("group", g.code.as_str())) {
                return Err(DomainError::new("duplicate_code", "group").with_detail(&g.code));
            }
        }
        for c in &self.criteria {
            if !codes.insert(("criterion", c.code.as_str())) {
                return Err(DomainError::new("duplicate_code", "criterion").with_detail(&c.code));
            }
            if !self.groups.iter().any(|g| g.code == c.group) {
                return Err(DomainError::new("not_found", "group").with_detail(&c.group));
            }
            c.check(matches!(self.pass_rule, PassRule::PassMark { .. }))?;
        }
        Ok(())
    }
}

impl Criterion {
    fn check(&self, scored_rule: bool) -> Result<(), DomainError> {
        let fail = |code: &'static str, field: &str| {
            Err(DomainError::new(code, field).with_detail(&self.code))
        };
        if self.code.trim().is_empty() || self.name.trim().is_empty() {
            return fail("required", "name");
        }
        if let Measure::Scored {
            minimum, maximum, ..
        } = self.measure
        {
            if minimum == maximum {
                return fail("invalid", "maximum");
            }
            match (self.min_points, self.max_points) {
                (Some(lo), Some(hi)) if !lo.is_sign_negative() && lo <= hi => {}
                _ => return fail("invalid", "max_points"),
            }
        }
        if self.measure == Measure::Points && self.max_points.is_none() {
            return fail("required", "max_points");
        }
        if scored_rule && self.max_points.is_none() {
            return fail("required", "max_points");
        }
        if self.max_points.is_some_and(|p| p.is_sign_negative()) {
            return fail("out_of_range", "max_points");
        }
        Ok(())
    }
}
