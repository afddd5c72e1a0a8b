//! The demo's registrations of work items (issue 13, point 6), as the article describes them:
//! Nghị quyết 02-NQ/HU requires the members of the district's executive committee, the heads of
//! departments and the commune and cell secretaries to register; the district's heads register
//! items tied to the work items their unit leads, the commune secretaries items tied to those
//! split to the communes. Most are approved; a few wait, one was returned with a comment, two
//! secretaries have not registered, and some items with an early deadline are late (one of
//! them done and assessed so at mid-year). Persons are fictional.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use trienkhai_core::ids::{DocumentId, UnitId};
use trienkhai_core::post_category::PostCategory;
use trienkhai_core::registration::{AssessmentPhase, Outcome, RegistrationAction};
use trienkhai_store::work_items::WorkItem;

use crate::people::{self, PersonInput, PostInput};
use crate::registrations::{self, ItemInput, RegistrationInput};
use crate::{Actor, App, Result};

/// The district's posts that register: (unit code, post title as the office writes it).
const DISTRICT_POSTS: [(&str, &str); 16] = [
    (
        "BTR-BTC",
        "Ủy viên BCH Đảng bộ huyện, Trưởng Ban Tổ chức Huyện ủy",
    ),
    (
        "BTR-BTG",
        "Ủy viên BCH Đảng bộ huyện, Trưởng Ban Tuyên giáo Huyện ủy",
    ),
    (
        "BTR-BDV",
        "Ủy viên BCH Đảng bộ huyện, Trưởng Ban Dân vận Huyện ủy",
    ),
    (
        "BTR-UBKT",
        "Ủy viên BCH Đảng bộ huyện, Chủ nhiệm Ủy ban Kiểm tra Huyện ủy",
    ),
    (
        "BTR-VP",
        "Ủy viên BCH Đảng bộ huyện, Chánh Văn phòng Huyện ủy",
    ),
    (
        "BTR-MTTQ",
        "Ủy viên BCH Đảng bộ huyện, Chủ tịch Ủy ban MTTQ huyện",
    ),
    (
        "BTR-QS",
        "Ủy viên BCH Đảng bộ huyện, Chỉ huy trưởng Ban CHQS huyện",
    ),
    ("BTR-KTHT", "Trưởng phòng Kinh tế và Hạ tầng"),
    ("BTR-NN", "Trưởng phòng Nông nghiệp và Phát triển nông thôn"),
    ("BTR-TCKH", "Trưởng phòng Tài chính - Kế hoạch"),
    ("BTR-NV", "Trưởng phòng Nội vụ"),
    (
        "BTR-LDTBXH",
        "Trưởng phòng Lao động - Thương binh và Xã hội",
    ),
    ("BTR-GDDT", "Trưởng phòng Giáo dục và Đào tạo"),
    ("BTR-VPUB", "Chánh Văn phòng HĐND và UBND huyện"),
    ("BTR", "Ủy viên Ban Chấp hành Đảng bộ huyện"),
    ("BTR", "Ủy viên Ban Chấp hành Đảng bộ huyện"),
];

/// Where a demo registration ends.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ends {
    Approved,
    Submitted,
    Returned,
    Draft,
}

/// What a registration's story is, by its place in the list: mostly approved.
fn ending(n: usize) -> Ends {
    match n % 9 {
        4 => Ends::Submitted,
        7 if n < 20 => Ends::Draft,
        _ => Ends::Approved,
    }
}

fn item_for(work_item: &WorkItem, n: usize) -> ItemInput {
    // Items with an early deadline are due with the work item; the rest a month before the
    // year's end (a work item's deadline may have been moved past it).
    let year_end = NaiveDate::from_ymd_opt(2021, 12, 31).unwrap_or_default();
    let deadline = if work_item.deadline < NaiveDate::from_ymd_opt(2021, 12, 1).unwrap_or_default()
    {
        work_item.deadline
    } else {
        year_end - Duration::days(30)
    };
    ItemInput {
        content: format!("Chủ trì, đôn đốc thực hiện: {}", work_item.title),
        product: work_item
            .expected_product
            .clone()
            .unwrap_or_else(|| "Báo cáo kết quả thực hiện".into()),
        measure: Some(if n.is_multiple_of(2) {
            "01 báo cáo".into()
        } else {
            "Hoàn thành 100%".into()
        }),
        deadline,
        work_item_id: Some(work_item.id),
        target_id: None,
    }
}

/// Opens, fills and moves one person's registration of 2021 to its end.
async fn register(
    app: &App,
    actor: &Actor,
    person: trienkhai_core::ids::PersonId,
    unit: UnitId,
    plan: DocumentId,
    items: Vec<ItemInput>,
    ends: Ends,
) -> Result<i64> {
    let id = registrations::open(
        app,
        actor,
        &RegistrationInput {
            person_id: person,
            year: 2021,
            unit_id: unit,
            document_id: Some(plan),
        },
    )
    .await?;
    let v = registrations::save_items(app, actor, id, &items, 1).await?;
    if ends == Ends::Draft {
        return Ok(id);
    }
    let v = registrations::act(app, actor, id, RegistrationAction::Submit, None, v).await?;
    match ends {
        Ends::Approved => {
            registrations::act(app, actor, id, RegistrationAction::Approve, None, v).await?;
        }
        Ends::Returned => {
            registrations::act(
                app,
                actor,
                id,
                RegistrationAction::Return,
                Some("Đề nghị ghi rõ sản phẩm và thời hạn hoàn thành của từng đầu việc."),
                v,
            )
            .await?;
        }
        Ends::Submitted | Ends::Draft => {}
    }
    Ok(id)
}

/// The district's heads and committee members, their registrations, the commune secretaries'
/// (`secretaries`: each commune's "Bí thư Đảng ủy" by commune), and the plan's rule. Answers
/// (persons added, registrations written).
pub(crate) async fn build(
    app: &App,
    actor: &Actor,
    ids: &HashMap<String, UnitId>,
    secretaries: &[(UnitId, trienkhai_core::ids::PersonId)],
) -> Result<(usize, usize)> {
    let plan = crate::demo_plan::district_plan(app, actor).await?;
    crate::registration_lists::set_rule(
        app,
        actor,
        plan,
        &[
            PostCategory::ExecutiveCommittee,
            PostCategory::DepartmentHead,
            PostCategory::GrassrootsSecretary,
            PostCategory::CellSecretary,
        ],
        0,
    )
    .await?;
    let work_items: Vec<WorkItem> = crate::work_items::items_of_document(app, actor, plan, None)
        .await?
        .iter()
        .map(|v| v.item.clone())
        .filter(|i| i.parent_id.is_none())
        .collect();
    let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default();
    let mut persons = 0;
    let mut written = 0;
    let mut early_done = false;
    for (n, (code, title)) in DISTRICT_POSTS.iter().enumerate() {
        let unit = ids[*code];
        let seed = 900 + n;
        let person = people::create_person(
            app,
            actor,
            &PersonInput {
                full_name: crate::demo::fictional_name(seed),
                birth_year: Some(1965 + (seed as i64 % 20)),
                party_admitted_on: Some(
                    day("1995-03-03") + Duration::days(seed as i64 * 37 % 4000),
                ),
                party_full_member_on: Some(
                    day("1996-03-03") + Duration::days(seed as i64 * 37 % 4000),
                ),
            },
            Some(&PostInput {
                unit_id: Some(unit),
                title: (*title).into(),
                valid_from: Some(day("2020-10-01")),
                valid_to: Some(day("2025-06-30")),
            }),
            "illustrative",
        )
        .await?;
        persons += 1;
        // A head registers the work items their unit leads (at most three); a member without
        // a department, one the district follows itself.
        let mut theirs: Vec<&WorkItem> = work_items
            .iter()
            .filter(|w| w.lead_unit_id == unit)
            .take(3)
            .collect();
        if theirs.is_empty() {
            theirs = work_items.iter().skip(n * 3 % 29).take(1).collect();
        }
        let items: Vec<ItemInput> = theirs.iter().map(|w| item_for(w, n)).collect();
        let ends = ending(n);
        let id = register(app, actor, person, unit, plan, items, ends).await?;
        written += 1;
        // The military command's DV29 (due 31/03/2021) was done and assessed so at mid-year:
        // of the early items, the only one not late.
        if ends == Ends::Approved && *code == "BTR-QS" && !early_done {
            let view = registrations::get(app, actor, id).await?;
            if let Some(first) = view.items.first() {
                registrations::assess(
                    app,
                    actor,
                    first.id,
                    AssessmentPhase::MidYear,
                    Outcome::Done,
                    None,
                    Some("Hoàn thành giao quân đợt 1 (số liệu minh họa)"),
                )
                .await?;
                early_done = true;
            }
        }
    }
    // The commune secretaries: items tied to the work items split to the communes (and the
    // commune centres' own); the third of them returned, the last two not registered.
    let split: Vec<&WorkItem> = work_items
        .iter()
        .filter(|w| {
            matches!(
                w.code.as_str(),
                "DV06" | "DV07" | "DV08" | "DV12" | "DV14" | "DV17" | "DV18" | "DV25"
            )
        })
        .collect();
    let registering = secretaries.len().saturating_sub(2);
    for (n, (commune, person)) in secretaries.iter().take(registering).enumerate() {
        let mut theirs: Vec<&WorkItem> = work_items
            .iter()
            .filter(|w| w.lead_unit_id == *commune)
            .collect();
        theirs.extend(split.iter().skip(n % split.len()).take(2));
        let items: Vec<ItemInput> = theirs.iter().map(|w| item_for(w, n)).collect();
        let ends = if n == 2 {
            Ends::Returned
        } else {
            ending(n + 3)
        };
        register(app, actor, *person, *commune, plan, items, ends).await?;
        written += 1;
    }
    Ok((persons, written))
}
