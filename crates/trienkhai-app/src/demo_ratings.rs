//! The demo's year-end ratings (issue 14), made through the use cases like everything else.
//!
//! 2021, under QĐ 132 with HD 21: An Thủy's cells rated as organisations, one more proposed
//! "excellent" than the quota allows (so one is moved down, told why) and one at HTNV; the
//! members of its first two cells, two at HTXSNV, one at HTNV, and a member admitted on
//! 16/08/2021, not rated (under six months); the commune decides, notifies and publishes.
//!
//! 2026, under QĐ 366 and NĐ 335: two officers of the new province's office, each with a
//! product of the third quarter delivered late; for one the province confirmed an objective
//! cause, for the other not. Both are self-assessed and appraised, waiting for the decision
//! (ratings are decided in December): the explanation shows what the cause changed.

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use trienkhai_core::grading::appraisal::{Appraisal, Finding};
use trienkhai_core::grading::criteria::{Grade, GradesInput};
use trienkhai_core::grading::quota::QuotaRule;
use trienkhai_core::grading::{Level, Subject};
use trienkhai_core::ids::{PersonId, UnitId};

use crate::documents::{self, DocumentInput};
use crate::people::{self, PersonInput, PostInput};
use crate::rating_groups;
use crate::ratings::{self, AppraisalInput, SelfAssessment};
use crate::work_items::{self, ProgressChange, WorkItemInput};
use crate::{Actor, App, Result};

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
}

fn graded(task: Grade, others: Grade) -> Appraisal {
    Appraisal {
        grades: Some(GradesInput {
            tasks: vec![task],
            others: vec![others; 3],
            products: true,
            products_quantified: task == Grade::Excellent,
            disciplined: false,
            civil_service_level: None,
        }),
        ..Appraisal::default()
    }
}

/// Self-assesses and appraises one rating; answers its id.
async fn rate(
    app: &App,
    actor: &Actor,
    who: (Subject, UnitId, Option<PersonId>, i32),
    proposed: Level,
    appraisal: Appraisal,
) -> Result<i64> {
    let (subject, unit_id, person_id, year) = who;
    let (id, version) = ratings::self_assess(
        app,
        actor,
        &SelfAssessment {
            subject,
            unit_id,
            person_id,
            year,
            level: proposed,
            note: Some(
                "Tự đánh giá theo bản đăng ký đầu việc và cam kết đầu năm (minh họa)".into(),
            ),
            expected_version: None,
        },
    )
    .await?;
    ratings::appraise(
        app,
        actor,
        id,
        &AppraisalInput {
            appraisal,
            peer_group: None,
            expected_version: version,
        },
    )
    .await?;
    Ok(id)
}

/// Builds the demo's ratings; answers how many were made.
pub(crate) async fn build(
    app: &App,
    actor: &Actor,
    ids: &HashMap<String, UnitId>,
    an_thuy_cells: &[UnitId],
) -> Result<usize> {
    let mut made = 0;
    let an_thuy = ids["X-ANTHUY"];
    // The cells: the first at HTNV, then as many proposed excellent as make exactly one over
    // the quota of those good or better.
    let n = an_thuy_cells.len() as u32;
    let good_or_better = n.saturating_sub(1);
    let excellent = (1..=good_or_better)
        .find(|&e| QuotaRule::TWENTY_PERCENT.allowed(good_or_better - e, e) + 1 == e)
        .unwrap_or(0);
    for (i, cell) in an_thuy_cells.iter().enumerate() {
        let i = i as u32;
        let (level, appraisal) = if i == 0 {
            (Level::Good, graded(Grade::Average, Grade::Good))
        } else if i <= excellent {
            (Level::Excellent, graded(Grade::Excellent, Grade::Good))
        } else {
            (Level::Good, graded(Grade::Good, Grade::Good))
        };
        rate(
            app,
            actor,
            (Subject::Organisation, *cell, None, 2021),
            level,
            appraisal,
        )
        .await?;
        made += 1;
    }
    // The members of the first two cells, and a newcomer.
    let newcomer = people::create_person(
        app,
        actor,
        &PersonInput {
            full_name: crate::demo::fictional_name(590),
            birth_year: Some(1999),
            party_admitted_on: Some(date("2021-08-16")),
            party_full_member_on: None,
        },
        Some(&PostInput {
            unit_id: an_thuy_cells.first().copied(),
            title: "Đảng viên".into(),
            valid_from: Some(date("2021-08-16")),
            valid_to: Some(date("2025-06-30")),
        }),
        "illustrative",
    )
    .await?;
    for cell in an_thuy_cells.iter().take(2) {
        let listed = crate::commitments::unit_commitments(app, actor, *cell, 2021).await?;
        // Members that year: a probationary member the demo admits in 2026 is not one in 2021.
        let mut members = Vec::new();
        {
            let mut conn = app.db.reader().await?;
            for p in listed.people.iter().filter(|p| p.unit_id == *cell) {
                let person = trienkhai_store::persons::get_person(&mut conn, p.person_id).await?;
                if person
                    .party
                    .admitted_on
                    .is_some_and(|a| a <= date("2021-12-31"))
                {
                    members.push(p);
                }
            }
        }
        for (n, p) in members.into_iter().enumerate() {
            let (level, appraisal) = match (p.person_id == newcomer, n) {
                (true, _) => (Level::Good, graded(Grade::Good, Grade::Good)),
                (false, 0) => (Level::Excellent, graded(Grade::Excellent, Grade::Good)),
                (false, 3) => (Level::Good, graded(Grade::Average, Grade::Good)),
                _ => (Level::Good, graded(Grade::Good, Grade::Good)),
            };
            let who = (Subject::Member, *cell, Some(p.person_id), 2021);
            rate(app, actor, who, level, appraisal).await?;
            made += 1;
        }
    }
    for subject in [Subject::Organisation, Subject::Member] {
        rating_groups::decide(app, actor, an_thuy, 2021, subject).await?;
        rating_groups::publish(app, actor, an_thuy, 2021, subject).await?;
    }
    made += communes_2021(app, actor, ids).await?;
    made += the_2026_case(app, actor, ids).await?;
    Ok(made)
}

/// Two officers of the new province's office, each with four products due at the end of a
/// quarter, the third delivered 20 days late; the first's delay has an approved objective cause.
async fn the_2026_case(app: &App, actor: &Actor, ids: &HashMap<String, UnitId>) -> Result<usize> {
    let Some(&office) = ids.get("CB-VPTU") else {
        return Ok(0);
    };
    let plan = documents::register_document(
        app,
        actor,
        &DocumentInput {
            number: "12-KH/TU".into(),
            kind: "ke_hoach".into(),
            issuer_unit_id: Some(ids["VL"]),
            issued_on: Some(date("2026-01-12")),
            summary:
                "Kế hoạch công tác năm 2026 của Văn phòng Tỉnh ủy (số, ngày và nội dung minh họa)"
                    .into(),
            theme_of_year: None,
            phase: Some("2026".into()),
            vision_year: None,
            concretizes: None,
        },
        "illustrative",
    )
    .await?;
    let mut made = 0;
    for (seed, excused) in [(591usize, true), (592, false)] {
        let person = people::create_person(
            app,
            actor,
            &PersonInput {
                full_name: crate::demo::fictional_name(seed),
                birth_year: Some(1985),
                party_admitted_on: Some(date("2010-03-03")),
                party_full_member_on: Some(date("2011-03-03")),
            },
            Some(&PostInput {
                unit_id: Some(office),
                title: "Chuyên viên Văn phòng Tỉnh ủy".into(),
                valid_from: Some(date("2025-07-01")),
                valid_to: None,
            }),
            "illustrative",
        )
        .await?;
        let mut late = None;
        let mut exceeded = Vec::new();
        for (q, (deadline, title)) in [
            ("2026-03-31", "Tổng hợp báo cáo quý I"),
            ("2026-06-30", "Tham mưu sơ kết 6 tháng"),
            ("2026-09-30", "Tham mưu báo cáo 9 tháng"),
            ("2026-11-20", "Dự thảo báo cáo năm"),
        ]
        .into_iter()
        .enumerate()
        {
            let code = format!("VP{}-{}", seed - 590, q + 1);
            let id = work_items::create_work_item(
                app,
                actor,
                plan,
                None,
                &WorkItemInput {
                    code: code.clone(),
                    title: format!("{title} (minh họa)"),
                    field_code: None,
                    themes: Vec::new(),
                    lead_unit_id: Some(office),
                    coordinating_unit_ids: Vec::new(),
                    responsible_person_id: Some(person),
                    target_ids: Vec::new(),
                    starts_on: Some(date("2026-01-12")),
                    deadline: Some(date(deadline)),
                    expected_product: Some("Báo cáo trình Thường trực Tỉnh ủy".into()),
                    result: None,
                    concretizes: None,
                    sort_order: q as i64,
                },
                "illustrative",
            )
            .await?;
            let due = date(deadline);
            let on = if q == 2 {
                late = Some(format!("work_item:{}", id.0));
                due + chrono::Duration::days(20)
            } else {
                due - chrono::Duration::days(2)
            };
            if q < 2 {
                exceeded.push(format!("work_item:{}", id.0));
            }
            work_items::report_progress(app, actor, id, ProgressChange::Start, None, 1).await?;
            work_items::report_progress(
                app,
                actor,
                id,
                ProgressChange::Complete { on },
                Some("Đã trình (minh họa)".into()),
                2,
            )
            .await?;
        }
        // Two of four exceeded: 50%, above the 30% HTXSNV asks.
        let mut findings: Vec<Finding> = exceeded
            .into_iter()
            .map(|task| Finding {
                task,
                exceeded: true,
                ..Finding::default()
            })
            .collect();
        if excused {
            findings.push(Finding {
                task: late.unwrap_or_default(),
                objective_cause: true,
                ..Finding::default()
            });
        }
        let appraisal = Appraisal {
            common: Some(Decimal::from(28)),
            findings,
            ..Appraisal::default()
        };
        for subject in [Subject::CivilServant, Subject::Member] {
            let who = (subject, office, Some(person), 2026);
            rate(app, actor, who, Level::Excellent, appraisal.clone()).await?;
            made += 1;
        }
    }
    Ok(made)
}

/// The district rates its communes' party committees for 2021 (a few over the quota, three at
/// HTNV) and XD02, "the share of grassroots organisations rated good or better", is computed
/// from the decision.
async fn communes_2021(app: &App, actor: &Actor, ids: &HashMap<String, UnitId>) -> Result<usize> {
    let district = ids["BTR"];
    let mut communes: Vec<(String, UnitId)> =
        crate::org::units_as_of(app, actor, date("2021-12-31"))
            .await?
            .into_iter()
            .filter(|u| u.parent_id == Some(district) && u.kind == "dang_uy_xa")
            .map(|u| (u.name, u.id))
            .collect();
    communes.sort();
    for (i, (_, commune)) in communes.iter().enumerate() {
        let (level, appraisal) = match i % 8 {
            3 => (Level::Good, graded(Grade::Average, Grade::Good)),
            1 | 6 => (Level::Excellent, graded(Grade::Excellent, Grade::Good)),
            _ => (Level::Good, graded(Grade::Good, Grade::Good)),
        };
        rate(
            app,
            actor,
            (Subject::Organisation, *commune, None, 2021),
            level,
            appraisal,
        )
        .await?;
    }
    let resolution = crate::demo_plan::district_plan(app, actor).await?;
    let xd02 = crate::targets::targets_of_document(app, actor, resolution)
        .await?
        .into_iter()
        .find(|t| t.code == crate::demo_plan::RATING_TARGET)
        .map(|t| t.id)
        .ok_or(crate::AppError::NotFound)?;
    crate::rating_targets::link(
        app,
        actor,
        xd02,
        &crate::rating_targets::LinkInput {
            subject: Subject::Organisation,
            min_level: Level::Good,
            unit_kinds: vec!["dang_uy_xa".into()],
        },
    )
    .await?;
    rating_groups::decide(app, actor, district, 2021, Subject::Organisation).await?;
    rating_groups::publish(app, actor, district, 2021, Subject::Organisation).await?;
    Ok(communes.len())
}
