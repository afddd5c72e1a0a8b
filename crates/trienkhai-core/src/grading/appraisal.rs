//! A rating's evaluation from what the records say and what the assessors add: the tasks of
//! the year (registered items and led work items, computed, never retyped), the assessors'
//! findings on them (exceeded, quality errors, an approved objective cause), the common
//! criteria's score or the criteria's grades, the disqualifying facts and the member's
//! standing. One function turns them into the task facts, the score and the level, every step
//! said, under the rule set of the year.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::criteria::{self, GradesInput};
use super::exclusion::{self, Exclusion, MemberStanding};
use super::points::{self, Disqualifier, PointsInput, TaskFacts};
use super::tasks::{self, Product, TaskResult};
use super::{Level, RuleSet, Step, Subject};
use crate::error::DomainError;

/// Marks a conversion the documents DOMAIN.md cites do not give: shipped so that nothing is
/// retyped, said in every explanation that uses it.
pub const TO_BE_CHECKED: &str = "cần đối chiếu văn bản";

/// One task of the year as the records have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Task {
    /// Where it comes from: `registration_item:12` or `work_item:7`.
    pub key: String,
    pub label: String,
    pub deadline: NaiveDate,
    /// Done, as the person's assessment or the work item says.
    pub completed: bool,
    /// The day it was done, when the records date it.
    pub completed_on: Option<NaiveDate>,
}

impl Task {
    /// Done after its deadline (an undated completion is taken as on time: the assessment
    /// that reported it was made by then).
    pub fn late(&self) -> bool {
        self.completed_on.is_some_and(|d| d > self.deadline)
    }
}

/// What the assessors found on one task.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Finding {
    pub task: String,
    #[serde(default)]
    pub exceeded: bool,
    /// Times the product failed its quality requirements on a major point.
    #[serde(default)]
    pub quality_errors: u32,
    /// The competent level confirmed the errors or the delay had an objective cause.
    #[serde(default)]
    pub objective_cause: bool,
}

/// What the assessors enter at appraisal.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Appraisal {
    /// The common criteria, 0 to 30 (the 100-point rules).
    #[serde(default)]
    pub common: Option<Decimal>,
    /// The task results scored by the assessors, 0 to 70; when absent, converted from the
    /// task shares (marked [`TO_BE_CHECKED`]).
    #[serde(default)]
    pub task_points: Option<Decimal>,
    /// The criteria's grades (QĐ 132, QĐ 124).
    #[serde(default)]
    pub grades: Option<GradesInput>,
    #[serde(default)]
    pub findings: Vec<Finding>,
    #[serde(default)]
    pub shortcomings: u32,
    #[serde(default)]
    pub shortcomings_remedied: u32,
    #[serde(default)]
    pub disqualifiers: Vec<Disqualifier>,
    #[serde(default)]
    pub exempt: bool,
    #[serde(default)]
    pub suspended: bool,
}

/// The outcome of an evaluation: not rated (with why), or a level with its reasons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Evaluation {
    pub rule_set: RuleSet,
    pub excluded: Option<Exclusion>,
    pub facts: TaskFacts,
    /// NĐ 335's three shares, averaged over the quarters with tasks.
    pub shares: Option<TaskResult>,
    pub score: Option<Decimal>,
    pub level: Option<Level>,
    pub steps: Vec<Step>,
}

fn finding<'a>(a: &'a Appraisal, key: &str) -> Option<&'a Finding> {
    a.findings.iter().find(|f| f.task == key)
}

/// The task facts: done on time with quality, exceeded, behind (an approved objective cause
/// lifts the error or the delay).
pub fn task_facts(list: &[Task], a: &Appraisal) -> TaskFacts {
    let mut f = TaskFacts {
        total: list.len() as u32,
        shortcomings: a.shortcomings,
        shortcomings_remedied: a.shortcomings_remedied.min(a.shortcomings),
        ..TaskFacts::default()
    };
    for t in list {
        let found = finding(a, &t.key);
        let excused = found.is_some_and(|x| x.objective_cause);
        let errors = found.map_or(0, |x| x.quality_errors);
        let on_time = t.completed && (!t.late() || excused);
        if on_time && (errors == 0 || excused) {
            f.on_time_with_quality += 1;
        }
        if t.completed && found.is_some_and(|x| x.exceeded) {
            f.exceeded += 1;
        }
        if !on_time {
            f.behind += 1;
        }
    }
    f
}

/// NĐ 335's shares: a period per quarter of the deadlines, the year their average.
pub fn shares(list: &[Task], a: &Appraisal) -> Option<TaskResult> {
    let mut quarters: [Vec<Product>; 4] = Default::default();
    for t in list {
        let found = finding(a, &t.key);
        quarters[(t.deadline.month0() / 3) as usize].push(Product {
            completed: t.completed,
            quality_errors: found.map_or(0, |x| x.quality_errors),
            delays: u32::from(t.late()),
            objective_cause: found.is_some_and(|x| x.objective_cause),
        });
    }
    let periods: Vec<Option<TaskResult>> =
        quarters.iter().map(|q| tasks::period_result(q)).collect();
    tasks::year_result(&periods).ok()
}

fn pct(d: &Decimal) -> String {
    crate::vn::format_decimal(d, 2)
}

/// Evaluates a rating of `year` under `rule_set`. `standing` is a member's (none for an
/// organisation or a civil servant); `rated_on` the day the standing is judged on.
pub fn evaluate(
    rule_set: RuleSet,
    subject: Subject,
    list: &[Task],
    a: &Appraisal,
    standing: Option<&MemberStanding>,
    rated_on: NaiveDate,
) -> Result<Evaluation, DomainError> {
    let facts = task_facts(list, a);
    let shares = shares(list, a);
    let mut out = Evaluation {
        rule_set,
        excluded: None,
        facts,
        shares,
        score: None,
        level: None,
        steps: Vec::new(),
    };
    if let Some(s) = standing {
        let s = MemberStanding {
            exempt: s.exempt || a.exempt,
            suspended: s.suspended || a.suspended,
            ..*s
        };
        if let Some((why, step)) = exclusion::excluded(&s, rated_on) {
            out.excluded = Some(why);
            out.steps.push(step);
            return Ok(out);
        }
    }
    match rule_set {
        RuleSet::Qd132 | RuleSet::Qd124 => {
            let grades = a
                .grades
                .as_ref()
                .ok_or_else(|| DomainError::new("grades_missing", "grades"))?;
            let g = criteria::grade(rule_set, subject, grades)?;
            out.level = Some(g.level);
            out.steps = g.steps;
        }
        RuleSet::Qd366 | RuleSet::Nd335 => {
            let common = a
                .common
                .ok_or_else(|| DomainError::new("common_missing", "common"))?;
            let (tasks_points, step) = match (a.task_points, shares) {
                (Some(p), _) => (p, None),
                (None, Some(s)) => {
                    let mean = (s.quantity + s.quality + s.timeliness) / Decimal::from(3);
                    let p = (Decimal::from(70) * mean / Decimal::from(100)).round_dp(2);
                    let step = Step {
                        rule: format!("Quy đổi kết quả thực hiện nhiệm vụ ({TO_BE_CHECKED})"),
                        check: format!(
                            "70 × trung bình (số lượng {}%, chất lượng {}%, tiến độ {}%) = {}",
                            pct(&s.quantity),
                            pct(&s.quality),
                            pct(&s.timeliness),
                            pct(&p)
                        ),
                        met: true,
                        then: format!("→ {} điểm kết quả thực hiện nhiệm vụ", pct(&p)),
                    };
                    (p, Some(step))
                }
                (None, None) => return Err(DomainError::new("task_points_missing", "task_points")),
            };
            let g = points::grade(
                rule_set,
                subject,
                &PointsInput {
                    common,
                    tasks: tasks_points,
                    facts,
                    disqualifiers: a.disqualifiers.clone(),
                },
            )?;
            out.score = Some(g.score);
            out.level = Some(g.level);
            out.steps.extend(step);
            out.steps.extend(g.steps);
        }
        RuleSet::Nd90 => {
            return Err(DomainError::new("rule_set_not_modelled", "rule_set")
                .with_detail(rule_set.as_str()));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    fn task(key: &str, deadline: NaiveDate, done: Option<NaiveDate>) -> Task {
        Task {
            key: key.into(),
            label: key.into(),
            deadline,
            completed: done.is_some(),
            completed_on: done,
        }
    }

    /// The 2026 case of the demo: a product delivered late, once with an approved objective
    /// cause and once without.
    #[test]
    fn an_objective_cause_lifts_the_delay_and_the_level_follows() {
        let list = vec![
            task("a", d(2026, 3, 31), Some(d(2026, 3, 20))),
            task("b", d(2026, 6, 30), Some(d(2026, 6, 15))),
            task("c", d(2026, 9, 30), Some(d(2026, 10, 20))),
            task("d", d(2026, 12, 15), Some(d(2026, 12, 1))),
        ];
        let mut a = Appraisal {
            common: Some(Decimal::from(28)),
            findings: vec![Finding {
                task: "a".into(),
                exceeded: true,
                ..Finding::default()
            }],
            ..Appraisal::default()
        };
        let without = evaluate(
            RuleSet::Nd335,
            Subject::CivilServant,
            &list,
            &a,
            None,
            d(2026, 12, 31),
        )
        .unwrap();
        // Q3's only product lost 25% of its timeliness: (100 + 100 + 75 + 100) / 4 = 93,75%.
        let s = without.shares.unwrap();
        assert_eq!(s.timeliness, Decimal::new(9375, 2));
        assert_eq!(without.facts.behind, 1);
        // 70 × (100 + 100 + 93,75) / 3 % = 68,54 → 96,54 points.
        assert_eq!(without.score, Some(Decimal::new(9654, 2)));
        assert!(without.steps[0].rule.contains(TO_BE_CHECKED));

        a.findings.push(Finding {
            task: "c".into(),
            objective_cause: true,
            ..Finding::default()
        });
        let with = evaluate(
            RuleSet::Nd335,
            Subject::CivilServant,
            &list,
            &a,
            None,
            d(2026, 12, 31),
        )
        .unwrap();
        assert_eq!(with.shares.unwrap().timeliness, Decimal::from(100));
        assert_eq!(with.facts.behind, 0);
        assert_eq!(with.score, Some(Decimal::from(98)));

        // Under QĐ 366 the late product is what stands between the member and HTTNV.
        let member = |a: &Appraisal| {
            evaluate(
                RuleSet::Qd366,
                Subject::Member,
                &list,
                a,
                Some(&MemberStanding::default()),
                d(2026, 12, 31),
            )
            .unwrap()
        };
        a.findings.pop();
        let late = member(&a);
        assert_eq!(late.level, Some(Level::Completed));
        assert!(late.steps.iter().any(|s| !s.met && s.check.contains("3/4")));
        a.findings.push(Finding {
            task: "c".into(),
            objective_cause: true,
            ..Finding::default()
        });
        // 1 of 4 exceeded (25%) keeps it from HTXSNV, not from HTTNV.
        assert_eq!(member(&a).level, Some(Level::Good));
    }

    #[test]
    fn a_quality_error_is_not_on_time_with_quality_and_costs_a_quarter() {
        let list = vec![task("a", d(2026, 3, 31), Some(d(2026, 3, 1)))];
        let a = Appraisal {
            findings: vec![Finding {
                task: "a".into(),
                quality_errors: 1,
                ..Finding::default()
            }],
            ..Appraisal::default()
        };
        let f = task_facts(&list, &a);
        assert_eq!((f.on_time_with_quality, f.behind), (0, 0));
        assert_eq!(shares(&list, &a).unwrap().quality, Decimal::from(75));
    }

    #[test]
    fn a_new_member_is_not_rated_and_nothing_else_is_asked() {
        let e = evaluate(
            RuleSet::Qd132,
            Subject::Member,
            &[],
            &Appraisal::default(),
            Some(&MemberStanding {
                admitted_on: Some(d(2021, 9, 1)),
                ..MemberStanding::default()
            }),
            d(2021, 12, 31),
        )
        .unwrap();
        assert_eq!(e.excluded, Some(Exclusion::AdmittedUnderSixMonths));
        assert_eq!(e.level, None);
    }

    #[test]
    fn what_a_rule_set_needs_is_asked_for_by_name() {
        let run = |r| {
            evaluate(
                r,
                Subject::Organisation,
                &[],
                &Appraisal::default(),
                None,
                d(2021, 12, 31),
            )
            .unwrap_err()
            .field
        };
        assert_eq!(run(RuleSet::Qd124).as_deref(), Some("grades"));
        assert_eq!(run(RuleSet::Qd366).as_deref(), Some("common"));
    }
}
