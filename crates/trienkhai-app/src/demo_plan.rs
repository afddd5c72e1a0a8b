//! The Ba Tri 2021 plan of the demo (issue 3): the plan frame ("Hai chân - Ba mũi" and the four
//! fields), the committee terms, the documents of `demo/documents.csv` with their `concretizes`
//! chain, Nghị quyết 02-NQ/HU's 22 targets and 29 work items, quotas per commune, monthly 2021
//! values per commune (some missing on purpose), the work items' outcomes (Tiệm Tôm finished
//! late, in 2023), and An Thủy's own plan concretizing the district's. Everything not in the
//! article is marked `illustrative`; the figures are invented.

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use trienkhai_core::ids::{DocumentId, TargetId, UnitId, WorkItemId};
use trienkhai_core::period::Period;
use trienkhai_core::validity::Validity;
use trienkhai_core::work_item::{Decision, Request};
use trienkhai_store::targets::{self as target_store, FrameEntry};

use crate::documents::{self, DocumentInput};
use crate::targets::{self, ActualInput, ActualRow, TargetInput};
use crate::work_items::{self, ProgressChange, WorkItemInput};
use crate::{Actor, App, AppError, Result};

const DOCUMENTS_CSV: &str = include_str!("../demo/documents.csv");
const TARGETS_CSV: &str = include_str!("../demo/targets.csv");
const WORK_ITEMS_CSV: &str = include_str!("../demo/work-items.csv");

/// The demo plan's number.
pub const DISTRICT_PLAN: &str = "02-NQ/HU";
/// An Thủy's plan concretizing it (illustrative).
pub const COMMUNE_PLAN: &str = "09-KH/ĐU";

const THEMES: &[(&str, &str, &str, &str)] = &[
    (
        "chan1",
        "Chân 1",
        "Leg 1",
        "Xây dựng Đảng và hệ thống chính trị trong sạch, vững mạnh",
    ),
    ("chan2", "Chân 2", "Leg 2", "Phát triển kinh tế - xã hội"),
    (
        "mui1",
        "Mũi 1",
        "Spearhead 1",
        "Huy động nguồn lực đầu tư kết cấu hạ tầng, đổi mới bộ mặt đô thị và nông thôn",
    ),
    (
        "mui2",
        "Mũi 2",
        "Spearhead 2",
        "Mời gọi đầu tư công nghiệp - tiểu thủ công nghiệp",
    ),
    (
        "mui3",
        "Mũi 3",
        "Spearhead 3",
        "Xây dựng và phát triển văn hóa, con người Ba Tri",
    ),
];

const FIELDS: &[(&str, &str, &str)] = &[
    ("KT", "Kinh tế", "Economy"),
    ("XH", "Văn hóa - xã hội", "Culture and society"),
    (
        "XD",
        "Xây dựng Đảng và hệ thống chính trị",
        "Party building",
    ),
    ("QP", "Quốc phòng - an ninh", "Defence and security"),
];

/// The commune-level kinds that report the district's targets.
const REPORTING_KINDS: &[&str] = &["dang_uy_xa", "dang_uy_thi_tran"];

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("demo date")
}

fn dec(s: &str) -> Decimal {
    s.parse().expect("demo decimal")
}

fn rows(text: &str) -> Result<Vec<csv::StringRecord>> {
    csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|r| r.map_err(|e| AppError::Internal(format!("demo csv: {e}"))))
        .collect()
}

/// A deterministic pseudo-random number in `0..n` from a few small integers (splitmix64).
/// The target whose values come from the attendance at the resolution's study sessions.
pub(crate) const ATTENDANCE_TARGET: &str = "XD03";
/// The district's target computed from the communes' year-end ratings.
pub(crate) const RATING_TARGET: &str = "XD02";
/// The targets counting the communes that meet the new-rural standard (plain, advanced),
/// computed from their criteria assessments (`demo_criteria`).
pub(crate) const CRITERIA_TARGETS: [&str; 2] = ["KT06", "KT07"];

/// The district's plan (DISTRICT_PLAN), found by its number.
pub(crate) async fn district_plan(app: &App, actor: &Actor) -> Result<DocumentId> {
    crate::documents::list_documents(app, actor, Some(DISTRICT_PLAN), None, None)
        .await?
        .into_iter()
        .map(|d| d.document.id)
        .next()
        .ok_or(AppError::NotFound)
}

pub(crate) fn noise(seed: &[u64], n: u64) -> u64 {
    let mut x = seed.iter().fold(0x9E37_79B9_7F4A_7C15u64, |acc, s| {
        acc ^ s.wrapping_mul(0xBF58_476D_1CE4_E5B9)
    });
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^= x >> 31;
    x % n.max(1)
}

#[derive(Debug, Default, Clone)]
pub struct PlanSummary {
    pub documents: usize,
    pub targets: usize,
    pub work_items: usize,
    pub actuals: usize,
}

pub async fn build(app: &App, actor: &Actor, ids: &HashMap<String, UnitId>) -> Result<PlanSummary> {
    let mut summary = PlanSummary::default();
    {
        let mut conn = app.db.begin().await?;
        for (i, (code, vi, en, description)) in THEMES.iter().enumerate() {
            target_store::upsert_theme(
                &mut conn,
                &FrameEntry {
                    code: (*code).into(),
                    label_vi: (*vi).into(),
                    label_en: (*en).into(),
                    description: Some((*description).into()),
                    sort_order: i as i64,
                },
            )
            .await?;
        }
        for (i, (code, vi, en)) in FIELDS.iter().enumerate() {
            target_store::upsert_field(
                &mut conn,
                &FrameEntry {
                    code: (*code).into(),
                    label_vi: (*vi).into(),
                    label_en: (*en).into(),
                    description: None,
                    sort_order: i as i64,
                },
            )
            .await?;
        }
        trienkhai_store::commit(conn).await?;
    }
    // Committee terms (the 2020-2025 congresses; dates illustrative).
    for code in ["BT", "BTR", "X-ANTHUY"] {
        documents::add_term(
            app,
            actor,
            ids[code],
            "Nhiệm kỳ 2020 - 2025",
            Validity::new(date("2020-08-01"), Some(date("2025-06-30"))).expect("ordered"),
        )
        .await?;
    }

    let mut docs: HashMap<String, DocumentId> = HashMap::new();
    for r in rows(DOCUMENTS_CSV)? {
        let (number, kind, issuer, issued_on, title, concretizes, theme, phases, vision, source) = (
            &r[0], &r[1], &r[2], &r[3], &r[4], &r[5], &r[6], &r[7], &r[8], &r[9],
        );
        let input = DocumentInput {
            number: number.into(),
            kind: kind.into(),
            issuer_unit_id: (!issuer.is_empty()).then(|| ids[issuer]),
            issued_on: Some(date(issued_on)),
            summary: title.into(),
            theme_of_year: (!theme.is_empty()).then(|| theme.to_owned()),
            phase: (!phases.is_empty()).then(|| phases.to_owned()),
            vision_year: vision.parse().ok(),
            concretizes: (!concretizes.is_empty()).then(|| docs[concretizes]),
        };
        let id = documents::register_document(app, actor, &input, source).await?;
        docs.insert(number.to_owned(), id);
        summary.documents += 1;
    }
    let plan = docs[DISTRICT_PLAN];
    let district = ids["BTR"];
    let communes: Vec<(String, UnitId)> = {
        let mut list: Vec<(String, UnitId)> = ids
            .iter()
            .filter(|(code, _)| {
                (code.starts_with("X-") || code.as_str() == "TT-BATRI") && !code.ends_with("-2025")
            })
            .map(|(c, id)| (c.clone(), *id))
            .collect();
        list.sort();
        list
    };

    // Weights for the income target: population per commune (illustrative).
    {
        let mut conn = app.db.begin().await?;
        for (i, (_, unit)) in communes.iter().enumerate() {
            let population = 7_000 + noise(&[i as u64, 1], 9_000);
            target_store::set_weight(
                &mut conn,
                *unit,
                "population",
                2021,
                Decimal::from(population),
            )
            .await?;
        }
        trienkhai_store::commit(conn).await?;
    }

    let mut target_ids: HashMap<String, TargetId> = HashMap::new();
    for (i, r) in rows(TARGETS_CSV)?.iter().enumerate() {
        let (code, field, themes, name, uom, value_type, direction) =
            (&r[0], &r[1], &r[2], &r[3], &r[4], &r[5], &r[6]);
        let (baseline, baseline_year, target_2021, aggregation, quota, source) =
            (&r[7], &r[8], &r[9], &r[10], &r[11], &r[12]);
        let field_code = FIELDS
            .iter()
            .find(|(_, vi, _)| *vi == field)
            .map(|(c, _, _)| (*c).to_owned());
        let input = TargetInput {
            code: code.into(),
            name: name.into(),
            field_code,
            themes: themes.split(';').map(str::to_owned).collect(),
            unit_of_measure: uom.into(),
            value_type: value_type.into(),
            direction: direction.into(),
            aggregation: aggregation.into(),
            over_time: None,
            reporting_kinds: if aggregation == "none" {
                Vec::new()
            } else {
                REPORTING_KINDS.iter().map(|k| (*k).to_owned()).collect()
            },
            baseline: baseline.parse().ok(),
            baseline_on: baseline_year
                .parse::<i32>()
                .ok()
                .and_then(|y| NaiveDate::from_ymd_opt(y, 12, 31)),
            responsible_unit_id: (aggregation == "none").then_some(district),
            concretizes: None,
            sort_order: i as i64,
            goals: vec![(Period::Year(2021), dec(target_2021))],
        };
        let id = targets::define_target(app, actor, plan, &input, source).await?;
        let goal = dec(target_2021);
        if quota == "yes" {
            // Shares by commune, whole numbers, adding up to the district's value.
            let n = communes.len() as i64;
            let whole = goal.trunc();
            let base = whole / Decimal::from(n);
            let base = base.trunc();
            let mut left = whole - base * Decimal::from(n);
            for (_, unit) in &communes {
                let extra = if left > Decimal::ZERO {
                    left -= Decimal::ONE;
                    Decimal::ONE
                } else {
                    Decimal::ZERO
                };
                targets::set_quota(
                    app,
                    actor,
                    id,
                    *unit,
                    Period::Year(2021),
                    Some(base + extra),
                    None,
                )
                .await?;
            }
        }
        // XD03 is computed from the study sessions' attendance (`demo_people`), XD02 from the
        // communes' ratings (`demo_ratings`), KT06 and KT07 from the criteria assessments
        // (`demo_criteria`): never typed.
        if code != ATTENDANCE_TARGET && code != RATING_TARGET && !CRITERIA_TARGETS.contains(&code) {
            summary.actuals +=
                seed_actuals(app, actor, id, code, aggregation, goal, district, &communes).await?;
        }
        target_ids.insert(code.to_owned(), id);
        summary.targets += 1;
    }

    let mut item_ids: HashMap<String, WorkItemId> = HashMap::new();
    for (i, r) in rows(WORK_ITEMS_CSV)?.iter().enumerate() {
        let (
            code,
            themes,
            title,
            lead,
            coordinating,
            deadline,
            product,
            split,
            linked,
            outcome,
            source,
        ) = (
            &r[0], &r[1], &r[2], &r[3], &r[4], &r[5], &r[6], &r[7], &r[8], &r[9], &r[10],
        );
        let linked: Vec<TargetId> = linked
            .split(';')
            .filter(|t| !t.is_empty())
            .map(|t| target_ids[t])
            .collect();
        let field_code = linked
            .first()
            .and_then(|t| target_ids.iter().find(|(_, id)| *id == t))
            .map(|(code, _)| code[..2].to_owned())
            .or_else(|| themes.contains("chan1").then(|| "XD".to_owned()));
        let input = WorkItemInput {
            code: code.into(),
            title: title.into(),
            field_code,
            themes: themes.split(';').map(str::to_owned).collect(),
            lead_unit_id: Some(ids[lead]),
            coordinating_unit_ids: coordinating
                .split(';')
                .filter(|c| !c.is_empty())
                .map(|c| ids[c])
                .collect(),
            responsible_person_id: None,
            target_ids: linked,
            starts_on: Some(date("2021-01-01")),
            deadline: Some(date(deadline)),
            expected_product: Some(product.into()),
            result: None,
            concretizes: None,
            sort_order: i as i64,
        };
        let id = work_items::create_work_item(app, actor, plan, None, &input, source).await?;
        item_ids.insert(code.to_owned(), id);
        summary.work_items += 1;
        if split == "yes" {
            let units: Vec<UnitId> = communes.iter().map(|(_, u)| *u).collect();
            let subs = work_items::split_to_units(app, actor, id, &units).await?;
            for (n, sub) in subs.iter().enumerate() {
                // Most communes finish by the deadline; a few late, one not at all.
                let done = match noise(&[i as u64, n as u64, 7], 10) {
                    0 => None,
                    1 => Some(date(deadline) + chrono::Duration::days(20)),
                    _ => Some(date(deadline) - chrono::Duration::days(5)),
                };
                work_items::report_progress(app, actor, *sub, ProgressChange::Start, None, 1)
                    .await?;
                if let Some(on) = done {
                    work_items::report_progress(
                        app,
                        actor,
                        *sub,
                        ProgressChange::Complete { on },
                        None,
                        2,
                    )
                    .await?;
                }
            }
            summary.work_items += subs.len();
        }
        apply_outcome(app, actor, id, deadline, outcome).await?;
    }

    commune_plan(app, actor, ids, &docs, &target_ids, &item_ids, &mut summary).await?;
    Ok(summary)
}

/// Sets an item's progress from the seed's `demo_outcome` words.
async fn apply_outcome(
    app: &App,
    actor: &Actor,
    id: WorkItemId,
    deadline: &str,
    outcome: &str,
) -> Result<()> {
    let deadline = date(deadline);
    work_items::report_progress(app, actor, id, ProgressChange::Start, None, 1).await?;
    let done_on = if outcome.starts_with("done on time") {
        Some(deadline - chrono::Duration::days(3))
    } else if outcome.contains("724/NQ-UBTVQH15") {
        Some(crate::demo::tiem_tom_date())
    } else if outcome.starts_with("done late (2022-03)") {
        Some(date("2022-03-15"))
    } else {
        None
    };
    if let Some(on) = done_on {
        let result = if outcome.contains("724") {
            "Nghị quyết 724/NQ-UBTVQH15 ngày 13/02/2023 thành lập thị trấn Tiệm Tôm"
        } else {
            "Hoàn thành (minh họa)"
        };
        work_items::report_progress(
            app,
            actor,
            id,
            ProgressChange::Complete { on },
            Some(result.into()),
            2,
        )
        .await?;
    }
    if outcome.starts_with("overdue") {
        // The lead unit asked for more time; the standing committee refused (illustrative).
        work_items::make_request(
            app,
            actor,
            id,
            Request::MoveDeadline {
                to: date("2022-06-30"),
            },
            "Nguồn vốn chưa bố trí kịp (minh họa)",
        )
        .await?;
        work_items::decide_request(
            app,
            actor,
            id,
            Decision::Refused,
            Some("Đề nghị đẩy nhanh tiến độ"),
        )
        .await?;
    }
    if outcome.starts_with("in progress at year end") && deadline == date("2021-12-31") {
        // An approved extension: the former deadline stays on record (illustrative).
        work_items::make_request(
            app,
            actor,
            id,
            Request::MoveDeadline {
                to: date("2022-12-31"),
            },
            "Khối lượng lớn, cần thêm thời gian (minh họa)",
        )
        .await?;
        work_items::decide_request(app, actor, id, Decision::Approved, None).await?;
    }
    Ok(())
}

/// Monthly 2021 values per commune (the district's own for `none`), some missing on purpose.
#[allow(clippy::too_many_arguments)]
async fn seed_actuals(
    app: &App,
    actor: &Actor,
    id: TargetId,
    code: &str,
    aggregation: &str,
    goal: Decimal,
    district: UnitId,
    communes: &[(String, UnitId)],
) -> Result<usize> {
    let t = code.bytes().map(u64::from).sum::<u64>();
    let mut rows = Vec::new();
    let value = |v: Decimal| ActualInput {
        value: Some(v),
        ..Default::default()
    };
    match aggregation {
        "none" => {
            // The district reports its own figure for the year: 7,8 % growth against 7,5 %.
            rows.push(ActualRow {
                unit_id: district,
                period: Period::Year(2021),
                input: value(goal + dec("0.3")),
            });
        }
        "sum" => {
            let n = Decimal::from(communes.len() as u64);
            for (c, (_, unit)) in communes.iter().enumerate() {
                for month in 1..=12u8 {
                    // Two communes skip a month: their year stays unknown, never short.
                    if (c == 4 && month == 12) || (c == 9 && month == 11) {
                        continue;
                    }
                    let share = goal / n / Decimal::from(12);
                    let wobble = Decimal::from(90 + noise(&[t, c as u64, u64::from(month)], 25))
                        / Decimal::from(100);
                    let v = if code == "KT03" || code == "KT04" {
                        (share * wobble).round_dp(1)
                    } else {
                        // Whole numbers that add up, over the year, to about the share.
                        let carry = Decimal::from(noise(&[t, c as u64, u64::from(month), 5], 100))
                            / Decimal::ONE_HUNDRED;
                        (share * wobble + carry).floor()
                    };
                    rows.push(ActualRow {
                        unit_id: *unit,
                        period: Period::Month(2021, month),
                        input: value(v),
                    });
                }
            }
        }
        "ratio" => {
            for (c, (_, unit)) in communes.iter().enumerate() {
                let households = Decimal::from(2_000 + noise(&[c as u64, 3], 3_000));
                for month in 1..=12u8 {
                    if c == 7 && month >= 10 {
                        continue; // stopped reporting in Q4: its latest value is September's
                    }
                    // From a start below (or, lower is better, above) the goal towards it.
                    let progress = Decimal::from(u64::from(month)) / Decimal::from(12);
                    let spread = Decimal::from(noise(&[t, c as u64], 40)) / Decimal::from(10)
                        - Decimal::from(2);
                    let rate = if code == "XH01" {
                        goal + dec("3") - dec("3.2") * progress + spread / Decimal::from(4)
                    } else {
                        (goal - dec("6") + dec("6.5") * progress + spread).min(dec("100"))
                    };
                    let numerator = (households * rate / Decimal::ONE_HUNDRED).round();
                    rows.push(ActualRow {
                        unit_id: *unit,
                        period: Period::Month(2021, month),
                        input: ActualInput {
                            numerator: Some(numerator.max(Decimal::ZERO)),
                            denominator: Some(households),
                            ..Default::default()
                        },
                    });
                }
            }
        }
        "weighted_mean:population" => {
            for (c, (_, unit)) in communes.iter().enumerate() {
                let v = goal + Decimal::from(noise(&[t, c as u64], 60)) / Decimal::from(10)
                    - dec("2.5");
                rows.push(ActualRow {
                    unit_id: *unit,
                    period: Period::Year(2021),
                    input: value(v),
                });
            }
        }
        "all" => {
            for (_, unit) in communes {
                rows.push(ActualRow {
                    unit_id: *unit,
                    period: Period::Month(2021, 3),
                    input: ActualInput {
                        flag: Some(true),
                        ..Default::default()
                    },
                });
            }
        }
        _ => {}
    }
    targets::record_actuals_batch(app, actor, id, &rows, "illustrative").await
}

/// Đảng ủy xã An Thủy's plan concretizing 02-NQ/HU: targets and items attached to the
/// district's, and one item of its own attached to nothing (the coverage report shows it).
async fn commune_plan(
    app: &App,
    actor: &Actor,
    ids: &HashMap<String, UnitId>,
    docs: &HashMap<String, DocumentId>,
    target_ids: &HashMap<String, TargetId>,
    item_ids: &HashMap<String, WorkItemId>,
    summary: &mut PlanSummary,
) -> Result<()> {
    let an_thuy = ids["X-ANTHUY"];
    let plan = documents::register_document(
        app,
        actor,
        &DocumentInput {
            number: COMMUNE_PLAN.into(),
            kind: "ke_hoach".into(),
            issuer_unit_id: Some(an_thuy),
            issued_on: Some(date("2021-01-15")),
            summary:
                "Kế hoạch của Đảng ủy xã An Thủy thực hiện Nghị quyết 02-NQ/HU năm 2021 (minh họa)"
                    .into(),
            theme_of_year: Some("Đồng thuận - Sáng tạo".into()),
            phase: Some("2021".into()),
            vision_year: None,
            concretizes: Some(docs[DISTRICT_PLAN]),
        },
        "illustrative",
    )
    .await?;
    summary.documents += 1;
    for (code, upper, name, uom, value_type, direction, aggregation, goal) in [
        (
            "AT-KT05",
            "KT05",
            "Số doanh nghiệp thành lập mới trên địa bàn xã",
            "doanh nghiệp",
            "count",
            "increase",
            "none",
            "3",
        ),
        (
            "AT-XH01",
            "XH01",
            "Tỷ lệ hộ nghèo của xã",
            "%",
            "ratio",
            "decrease",
            "none",
            "2.8",
        ),
        (
            "AT-XD01",
            "XD01",
            "Kết nạp đảng viên mới",
            "đảng viên",
            "count",
            "increase",
            "none",
            "14",
        ),
    ] {
        let id = targets::define_target(
            app,
            actor,
            plan,
            &TargetInput {
                code: code.into(),
                name: name.into(),
                field_code: Some(upper[..2].into()),
                themes: vec!["chan2".into()],
                unit_of_measure: uom.into(),
                value_type: value_type.into(),
                direction: direction.into(),
                aggregation: aggregation.into(),
                responsible_unit_id: Some(an_thuy),
                concretizes: Some(target_ids[upper]),
                ..Default::default()
            },
            "illustrative",
        )
        .await?;
        targets::set_target_value(app, actor, id, Period::Year(2021), Some(dec(goal)), None)
            .await?;
        summary.targets += 1;
    }
    for (i, (code, upper, title, deadline)) in [
        (
            "AT-DV05",
            Some("DV05"),
            "Hoàn thiện hồ sơ đề án thành lập thị trấn Tiệm Tôm",
            "2021-09-30",
        ),
        (
            "AT-DV07",
            Some("DV07"),
            "Vận động hộ dân trữ nước ngọt mùa khô",
            "2021-04-30",
        ),
        (
            "AT-CHO",
            None,
            "Chỉnh trang chợ xã An Thủy (việc riêng của xã, minh họa)",
            "2021-12-31",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let id = work_items::create_work_item(
            app,
            actor,
            plan,
            None,
            &WorkItemInput {
                code: code.into(),
                title: title.into(),
                themes: vec!["mui1".into()],
                lead_unit_id: Some(an_thuy),
                deadline: Some(date(deadline)),
                concretizes: upper.map(|u| item_ids[u]),
                sort_order: i as i64,
                ..Default::default()
            },
            "illustrative",
        )
        .await?;
        summary.work_items += 1;
        // The commune's file went up on time; the water campaign too; the market is late.
        if upper.is_some() {
            work_items::report_progress(app, actor, id, ProgressChange::Start, None, 1).await?;
            let on = date(deadline) - chrono::Duration::days(10);
            work_items::report_progress(app, actor, id, ProgressChange::Complete { on }, None, 2)
                .await?;
        }
    }
    Ok(())
}
