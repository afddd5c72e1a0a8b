//! The 100-point rules (QĐ 366 with HD 43 from 2025; NĐ 335 for civil servants from 2026):
//! 30 points of common criteria and 70 for the results of the tasks; the bands (≥ 90 HTXSNV,
//! 70 to < 90 HTTNV, 50 to < 70 HTNV, < 50 KHTNV) and each level's extra conditions
//! (DOMAIN.md §1.4, §1.5). A level whose conditions fail gives way to the next one down, and
//! the explanation says which condition, with the counts. A disqualifying fact is KHTNV
//! whatever the score.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{Level, RuleSet, Step, Subject, share_text};
use crate::error::DomainError;

/// What makes a rating KHTNV whatever the score (NĐ 335; QĐ 366 by analogy, DOMAIN.md §1.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Disqualifier {
    /// Concluded to show degradation ("suy thoái", "tự diễn biến", "tự chuyển hóa"), or to have
    /// done what members may not, or failed the duty to set an example.
    Degradation,
    /// Disciplined at khiển trách (reprimand) or above during the year.
    Disciplined,
    /// (Leaders) corruption or waste in a unit under their direct charge.
    CorruptionInUnit,
}

impl Disqualifier {
    pub fn text_vi(self) -> &'static str {
        match self {
            Disqualifier::Degradation => {
                "có kết luận suy thoái, \"tự diễn biến\", \"tự chuyển hóa\" hoặc vi phạm những điều đảng viên không được làm"
            }
            Disqualifier::Disciplined => "bị kỷ luật từ khiển trách trở lên trong năm",
            Disqualifier::CorruptionInUnit => {
                "để xảy ra tham nhũng, lãng phí trong đơn vị trực tiếp phụ trách"
            }
        }
    }
}

/// The task facts a level's conditions are judged on: of the tasks (or work items) of the
/// year, how many were done on time with quality, how many exceeded, how many are behind;
/// and of the shortcomings found before, how many were remedied.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct TaskFacts {
    pub total: u32,
    pub on_time_with_quality: u32,
    pub exceeded: u32,
    pub behind: u32,
    pub shortcomings: u32,
    pub shortcomings_remedied: u32,
}

/// A 100-point rating to grade.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PointsInput {
    /// The common criteria, 0 to 30.
    pub common: Decimal,
    /// The results of the tasks, 0 to 70.
    pub tasks: Decimal,
    pub facts: TaskFacts,
    pub disqualifiers: Vec<Disqualifier>,
}

/// A grade with its reasons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Graded {
    pub rule_set: RuleSet,
    pub score: Decimal,
    /// The level the score alone reaches.
    pub band: Level,
    /// The level given, once the conditions are checked.
    pub level: Level,
    pub steps: Vec<Step>,
}

fn points(d: &Decimal) -> String {
    crate::vn::format_decimal(d, 2)
}

fn band_of(score: Decimal) -> Level {
    if score >= Decimal::from(90) {
        Level::Excellent
    } else if score >= Decimal::from(70) {
        Level::Good
    } else if score >= Decimal::from(50) {
        Level::Completed
    } else {
        Level::NotCompleted
    }
}

/// The extra conditions of `level` under `rule_set` for `subject`, each (what it asks, held).
fn conditions(
    rule_set: RuleSet,
    subject: Subject,
    level: Level,
    f: &TaskFacts,
) -> Vec<(String, bool)> {
    // NĐ 335 as DOMAIN.md gives it has bands only; QĐ 366 adds the task conditions.
    if rule_set != RuleSet::Qd366 {
        return Vec::new();
    }
    let all_on_time = (
        format!(
            "100% nhiệm vụ hoàn thành đúng tiến độ, bảo đảm chất lượng: {}",
            share_text(f.on_time_with_quality, f.total)
        ),
        f.on_time_with_quality == f.total,
    );
    match level {
        Level::Excellent => vec![
            all_on_time,
            (
                format!(
                    "ít nhất 30% nhiệm vụ hoàn thành vượt mức: {}",
                    share_text(f.exceeded, f.total)
                ),
                u64::from(f.exceeded) * 100 >= u64::from(f.total) * 30 && f.total > 0,
            ),
            (
                format!(
                    "khắc phục 100% hạn chế, khuyết điểm đã chỉ ra: {}",
                    share_text(f.shortcomings_remedied, f.shortcomings)
                ),
                f.shortcomings_remedied >= f.shortcomings,
            ),
        ],
        Level::Good => vec![all_on_time],
        // A collective at HTNV has no more than 20% of its tasks behind.
        Level::Completed if subject == Subject::Organisation => vec![(
            format!(
                "không quá 20% nhiệm vụ chậm tiến độ: {}",
                share_text(f.behind, f.total)
            ),
            u64::from(f.behind) * 100 <= u64::from(f.total) * 20,
        )],
        _ => Vec::new(),
    }
}

/// Grades a 100-point rating: the band of the score, then each level's conditions from the
/// band down until one holds; a disqualifying fact gives KHTNV.
pub fn grade(
    rule_set: RuleSet,
    subject: Subject,
    input: &PointsInput,
) -> Result<Graded, DomainError> {
    if !rule_set.scores_points() {
        return Err(
            DomainError::new("rule_set_not_points", "rule_set").with_detail(rule_set.as_str())
        );
    }
    for (value, max, field) in [(input.common, 30, "common"), (input.tasks, 70, "tasks")] {
        if value.is_sign_negative() || value > Decimal::from(max) {
            return Err(DomainError::new("out_of_range", field).with_detail(format!("0..{max}")));
        }
    }
    let f = &input.facts;
    for (part, field) in [
        (f.on_time_with_quality, "on_time_with_quality"),
        (f.exceeded, "exceeded"),
        (f.behind, "behind"),
    ] {
        if part > f.total {
            return Err(DomainError::new("out_of_range", field)
                .with_detail(format!("{part} > {}", f.total)));
        }
    }
    if f.shortcomings_remedied > f.shortcomings {
        return Err(DomainError::new("out_of_range", "shortcomings_remedied"));
    }
    let cite = rule_set.citation();
    let score = input.common + input.tasks;
    let band = band_of(score);
    let mut steps = vec![Step {
        rule: format!("{cite}: thang điểm 100"),
        check: format!(
            "{} (tiêu chí chung) + {} (kết quả thực hiện nhiệm vụ) = {} điểm",
            points(&input.common),
            points(&input.tasks),
            points(&score)
        ),
        met: true,
        then: format!("→ khung {}", band.abbreviation()),
    }];
    if let Some(d) = input.disqualifiers.first() {
        steps.push(Step {
            rule: format!("{cite}: {}", Level::NotCompleted.abbreviation()),
            check: d.text_vi().to_owned(),
            met: true,
            then: format!("→ {}", Level::NotCompleted.abbreviation()),
        });
        return Ok(Graded {
            rule_set,
            score,
            band,
            level: Level::NotCompleted,
            steps,
        });
    }
    let mut level = band;
    loop {
        let mut holds = true;
        for (check, met) in conditions(rule_set, subject, level, f) {
            holds &= met;
            let next = if met {
                "→ đạt".to_owned()
            } else {
                format!("→ không đạt, xét mức {}", level.below().abbreviation())
            };
            steps.push(Step {
                rule: format!("{cite}: điều kiện mức {}", level.abbreviation()),
                check,
                met,
                then: next,
            });
            if !met {
                break;
            }
        }
        if holds || level == Level::NotCompleted {
            break;
        }
        level = level.below();
    }
    Ok(Graded {
        rule_set,
        score,
        band,
        level,
        steps,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn input(common: &str, tasks: &str, facts: TaskFacts) -> PointsInput {
        PointsInput {
            common: dec(common),
            tasks: dec(tasks),
            facts,
            disqualifiers: vec![],
        }
    }

    const ALL_DONE: TaskFacts = TaskFacts {
        total: 10,
        on_time_with_quality: 10,
        exceeded: 3,
        behind: 0,
        shortcomings: 2,
        shortcomings_remedied: 2,
    };

    fn level(common: &str, tasks: &str, facts: TaskFacts) -> Level {
        grade(
            RuleSet::Qd366,
            Subject::Member,
            &input(common, tasks, facts),
        )
        .unwrap()
        .level
    }

    #[test]
    fn the_bands_edges_are_where_the_rule_puts_them() {
        assert_eq!(level("30", "60", ALL_DONE), Level::Excellent, "90 is HTXS");
        assert_eq!(level("30", "59.99", ALL_DONE), Level::Good, "89,99 is not");
        assert_eq!(level("20", "50", ALL_DONE), Level::Good, "70 is HTT");
        assert_eq!(level("20", "49.5", ALL_DONE), Level::Completed);
        assert_eq!(level("20", "30", ALL_DONE), Level::Completed, "50 is HTNV");
        assert_eq!(level("20", "29.75", ALL_DONE), Level::NotCompleted);
    }

    #[test]
    fn htxs_needs_30_percent_exceeded_and_says_so_with_the_counts() {
        let facts = TaskFacts {
            total: 9,
            exceeded: 2,
            on_time_with_quality: 9,
            ..ALL_DONE
        };
        let g = grade(RuleSet::Qd366, Subject::Member, &input("28", "66", facts)).unwrap();
        assert_eq!((g.band, g.level), (Level::Excellent, Level::Good));
        let failed = g.steps.iter().find(|s| !s.met).unwrap();
        assert_eq!(
            failed.check,
            "ít nhất 30% nhiệm vụ hoàn thành vượt mức: 2/9 = 22,22%"
        );
        assert!(failed.then.contains("HTTNV"), "{}", failed.then);
        // Exactly 30% is enough: 3 of 10.
        assert_eq!(level("30", "65", ALL_DONE), Level::Excellent);
    }

    #[test]
    fn a_task_late_takes_htt_too_and_a_collective_behind_on_a_fifth_falls_out() {
        let late = TaskFacts {
            on_time_with_quality: 9,
            behind: 1,
            ..ALL_DONE
        };
        assert_eq!(level("30", "65", late), Level::Completed);
        let behind = TaskFacts {
            total: 10,
            on_time_with_quality: 7,
            behind: 3,
            ..ALL_DONE
        };
        let g = grade(
            RuleSet::Qd366,
            Subject::Organisation,
            &input("25", "55", behind),
        )
        .unwrap();
        assert_eq!(g.level, Level::NotCompleted);
        assert!(
            g.steps
                .iter()
                .any(|s| !s.met && s.check.contains("3/10 = 30%")),
            "{:?}",
            g.steps
        );
        // A member is not held to the collective's 20%.
        assert_eq!(level("25", "55", behind), Level::Completed);
    }

    #[test]
    fn a_disqualifying_fact_is_khtnv_whatever_the_score() {
        let mut i = input("30", "70", ALL_DONE);
        i.disqualifiers = vec![Disqualifier::Disciplined];
        let g = grade(RuleSet::Nd335, Subject::CivilServant, &i).unwrap();
        assert_eq!((g.band, g.level), (Level::Excellent, Level::NotCompleted));
        assert!(g.steps[1].check.contains("khiển trách"));
    }

    #[test]
    fn nd335_grades_by_the_bands() {
        let facts = TaskFacts {
            exceeded: 0,
            ..ALL_DONE
        };
        let g = grade(
            RuleSet::Nd335,
            Subject::CivilServant,
            &input("27", "64", facts),
        )
        .unwrap();
        assert_eq!(g.level, Level::Excellent);
    }

    #[test]
    fn out_of_range_scores_and_counts_are_refused_with_their_field() {
        let err = grade(
            RuleSet::Qd366,
            Subject::Member,
            &input("31", "60", ALL_DONE),
        )
        .unwrap_err();
        assert_eq!(
            (err.code, err.field.as_deref()),
            ("out_of_range", Some("common"))
        );
        let err = grade(
            RuleSet::Qd366,
            Subject::Member,
            &input("30", "-1", ALL_DONE),
        )
        .unwrap_err();
        assert_eq!(err.field.as_deref(), Some("tasks"));
        let bad = TaskFacts {
            exceeded: 11,
            ..ALL_DONE
        };
        let err = grade(RuleSet::Qd366, Subject::Member, &input("30", "60", bad)).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("exceeded"));
        let err = grade(
            RuleSet::Qd132,
            Subject::Member,
            &input("30", "60", ALL_DONE),
        )
        .unwrap_err();
        assert_eq!(err.code, "rule_set_not_points");
    }
}
