//! The rules before the 100-point scale (QĐ 132 with HD 21, to 2022; QĐ 124, 2023-2024;
//! DOMAIN.md §1.3): each criterion is graded Xuất sắc, Tốt, Trung bình or Kém, and the level
//! follows from the grades, the products and the discipline, checked from HTXSNV down. A member
//! who is also a civil servant reaches HTXSNV only if already rated so as a civil servant.

use serde::{Deserialize, Serialize};

use super::{Level, RuleSet, Step, Subject};
use crate::error::DomainError;

/// A criterion's grade, best first.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Grade {
    Excellent,
    Good,
    Average,
    Poor,
}

impl Grade {
    pub fn name_vi(self) -> &'static str {
        match self {
            Grade::Excellent => "Xuất sắc",
            Grade::Good => "Tốt",
            Grade::Average => "Trung bình",
            Grade::Poor => "Kém",
        }
    }
}

/// The criteria's grades as assessed: those on the results of the tasks, and the others.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GradesInput {
    pub tasks: Vec<Grade>,
    pub others: Vec<Grade>,
    /// The results come with specific products.
    pub products: bool,
    /// … that can be quantified (HD 21, for a member's HTXSNV).
    pub products_quantified: bool,
    /// Disciplined in the year (a member), or a sub-unit or leadership member disciplined (a
    /// collective); a breach found and remedied by the organisation itself does not count.
    pub disciplined: bool,
    /// A member who is also a civil servant: their civil-service level of the year.
    pub civil_service_level: Option<Level>,
}

/// The level with its reasons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GradedByCriteria {
    pub rule_set: RuleSet,
    pub level: Level,
    pub steps: Vec<Step>,
}

fn worst(grades: &[Grade]) -> Option<Grade> {
    grades.iter().copied().max()
}

fn at_least(grades: &[Grade], floor: Grade) -> bool {
    worst(grades).is_none_or(|w| w <= floor)
}

/// The conditions of `level` (what each asks, held).
fn conditions(subject: Subject, level: Level, i: &GradesInput) -> Vec<(String, bool)> {
    let all: Vec<Grade> = i.tasks.iter().chain(&i.others).copied().collect();
    let products = ("có sản phẩm cụ thể".to_owned(), i.products);
    let clean = ("không bị kỷ luật".to_owned(), !i.disciplined);
    match level {
        Level::Excellent => {
            let mut c = vec![
                (
                    "các tiêu chí về kết quả thực hiện nhiệm vụ đạt Xuất sắc".to_owned(),
                    !i.tasks.is_empty() && at_least(&i.tasks, Grade::Excellent),
                ),
                (
                    "các tiêu chí khác đạt Tốt trở lên".to_owned(),
                    at_least(&i.others, Grade::Good),
                ),
                products,
                clean,
            ];
            if subject == Subject::Member {
                c.push((
                    "sản phẩm cụ thể lượng hóa được".to_owned(),
                    i.products_quantified,
                ));
                if let Some(l) = i.civil_service_level {
                    c.push((
                        format!(
                            "là công chức, viên chức: đã được xếp loại HTXSNV (được xếp {})",
                            l.abbreviation()
                        ),
                        l == Level::Excellent,
                    ));
                }
            }
            c
        }
        Level::Good => vec![
            (
                "các tiêu chí đạt Trung bình trở lên".to_owned(),
                at_least(&all, Grade::Average),
            ),
            (
                "các tiêu chí về kết quả thực hiện nhiệm vụ đạt Tốt trở lên".to_owned(),
                at_least(&i.tasks, Grade::Good),
            ),
            products,
            clean,
        ],
        Level::Completed => vec![
            (
                "các tiêu chí cơ bản đạt Trung bình trở lên".to_owned(),
                at_least(&all, Grade::Average),
            ),
            products,
        ],
        Level::NotCompleted => Vec::new(),
    }
}

/// Grades by criteria under QĐ 132 or QĐ 124, from HTXSNV down until a level's conditions
/// all hold (a criterion at Kém leaves only KHTNV). The quota is applied afterwards.
pub fn grade(
    rule_set: RuleSet,
    subject: Subject,
    input: &GradesInput,
) -> Result<GradedByCriteria, DomainError> {
    if !matches!(rule_set, RuleSet::Qd132 | RuleSet::Qd124) {
        return Err(
            DomainError::new("rule_set_not_criteria", "rule_set").with_detail(rule_set.as_str())
        );
    }
    if input.tasks.len() + input.others.len() > 50 {
        return Err(DomainError::new("out_of_range", "tasks"));
    }
    let cite = rule_set.citation();
    let mut steps = Vec::new();
    let mut level = Level::Excellent;
    while level != Level::NotCompleted {
        let mut holds = true;
        for (check, met) in conditions(subject, level, input) {
            steps.push(Step {
                rule: format!("{cite}: mức {}", level.abbreviation()),
                check,
                met,
                then: if met {
                    "→ đạt".to_owned()
                } else {
                    format!("→ không đạt, xét mức {}", level.below().abbreviation())
                },
            });
            if !met {
                holds = false;
                break;
            }
        }
        if holds {
            break;
        }
        level = level.below();
    }
    Ok(GradedByCriteria {
        rule_set,
        level,
        steps,
    })
}

#[cfg(test)]
mod tests {
    use super::Grade::*;
    use super::*;

    fn member(tasks: &[Grade], others: &[Grade]) -> GradesInput {
        GradesInput {
            tasks: tasks.to_vec(),
            others: others.to_vec(),
            products: true,
            products_quantified: true,
            disciplined: false,
            civil_service_level: None,
        }
    }

    fn level(i: &GradesInput) -> Level {
        grade(RuleSet::Qd132, Subject::Member, i).unwrap().level
    }

    #[test]
    fn the_grades_decide_the_level_from_the_top_down() {
        assert_eq!(
            level(&member(&[Excellent, Excellent], &[Good, Excellent])),
            Level::Excellent
        );
        // One task criterion only "Tốt": HTTNV, and the step says which condition failed.
        let g = grade(
            RuleSet::Qd132,
            Subject::Member,
            &member(&[Excellent, Good], &[Good]),
        )
        .unwrap();
        assert_eq!(g.level, Level::Good);
        assert!(
            g.steps[0].check.contains("Xuất sắc") && !g.steps[0].met,
            "{:?}",
            g.steps
        );
        assert_eq!(level(&member(&[Average], &[Good])), Level::Completed);
        assert_eq!(level(&member(&[Good], &[Poor])), Level::NotCompleted);
    }

    #[test]
    fn hd21_asks_more_of_a_member_at_htxsnv() {
        let mut m = member(&[Excellent], &[Excellent]);
        m.products_quantified = false;
        assert_eq!(level(&m), Level::Good);
        let mut servant = member(&[Excellent], &[Excellent]);
        servant.civil_service_level = Some(Level::Good);
        let g = grade(RuleSet::Qd132, Subject::Member, &servant).unwrap();
        assert_eq!(g.level, Level::Good);
        assert!(
            g.steps
                .iter()
                .any(|s| !s.met && s.check.contains("được xếp HTTNV"))
        );
        // A collective is not asked either.
        assert_eq!(
            grade(RuleSet::Qd124, Subject::Organisation, &servant)
                .unwrap()
                .level,
            Level::Excellent
        );
    }

    #[test]
    fn discipline_and_missing_products_bring_the_level_down() {
        let mut m = member(&[Excellent], &[Excellent]);
        m.disciplined = true;
        assert_eq!(level(&m), Level::Completed);
        let mut none = member(&[Excellent], &[Excellent]);
        none.products = false;
        assert_eq!(level(&none), Level::NotCompleted);
        assert_eq!(
            grade(RuleSet::Qd366, Subject::Member, &m).unwrap_err().code,
            "rule_set_not_criteria"
        );
    }
}
