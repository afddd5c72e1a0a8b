//! The data generator of PRODUCT.md §7: synthetic organisations at the scale the budgets are
//! measured on. `district`: about 270 units, 5,000 persons, 22 targets, 29 work items with a
//! sub-item per commune, 12 monthly periods. `province`: about 3,300 units, 100,000 persons,
//! 40 targets reported monthly by every party cell (about 1.5 million values), about 30,000 work
//! items, the plan's monthly calendar and the cells' reports of the year (mostly accepted, some
//! late, the last month partly missing), and the people's side: registrations, study sessions
//! and year-end ratings ([`crate::generate_people`]).
//!
//! Written straight through the store in large transactions (the use cases' per-row checks and
//! audit would make a province take hours); one audit entry records the generation. Everything
//! is marked `illustrative` and named "(dữ liệu sinh tự động)".

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use trienkhai_core::document_number::DocumentNumber;
use trienkhai_core::ids::{DocumentId, PersonId, TargetId, UnitId};
use trienkhai_core::org::{ChangeSet, UnitCode, UnitVersion};
use trienkhai_core::over_time::OverTime;
use trienkhai_core::party::PartyMembership;
use trienkhai_core::period::Period;
use trienkhai_core::rollup::{Aggregation, Observation};
use trienkhai_core::target::{Direction, ValueType};
use trienkhai_core::validity::Validity;
use trienkhai_store::{audit, documents, persons, targets, units, work_items};

use crate::{Actor, App, AppError, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preset {
    pub name: &'static str,
    pub districts: usize,
    pub communes_per_district: usize,
    pub cells_per_commune: usize,
    pub persons: usize,
    pub targets: usize,
    /// Top-level items of the plan; each is split into one sub-item per commune.
    pub plan_items: usize,
    /// Items of each commune's own plan.
    pub commune_items: usize,
    pub months: u8,
}

pub const DISTRICT: Preset = Preset {
    name: "district",
    districts: 1,
    communes_per_district: 21,
    cells_per_commune: 12,
    persons: 5_000,
    targets: 22,
    plan_items: 29,
    commune_items: 0,
    months: 12,
};

pub const PROVINCE: Preset = Preset {
    name: "province",
    districts: 10,
    communes_per_district: 16,
    cells_per_commune: 19,
    persons: 100_000,
    targets: 40,
    plan_items: 40,
    commune_items: 147,
    months: 12,
};

impl Preset {
    pub fn parse(name: &str) -> Result<Preset> {
        match name {
            "district" => Ok(DISTRICT),
            "province" => Ok(PROVINCE),
            _ => Err(AppError::invalid("preset_unknown", "preset")),
        }
    }

    pub fn units(&self) -> usize {
        let communes = self.districts * self.communes_per_district;
        let root = usize::from(self.districts > 1);
        root + self.districts + communes + communes * self.cells_per_commune
    }
}

/// The year the generated plan is about.
pub const YEAR: i32 = 2021;

#[derive(Debug, Default, Clone)]
pub struct Generated {
    pub units: usize,
    pub persons: usize,
    pub targets: usize,
    pub actuals: u64,
    pub work_items: usize,
    pub plan: Option<DocumentId>,
    pub root: Option<UnitId>,
    pub reports: u64,
    pub people: crate::generate_people::PeopleSide,
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a date")
}

/// splitmix64 of a few integers: the same database every run.
fn noise(seed: &[u64], n: u64) -> u64 {
    let mut x = seed.iter().fold(0x9E37_79B9_7F4A_7C15u64, |acc, s| {
        (acc ^ s).wrapping_mul(0xBF58_476D_1CE4_E5B9)
    });
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^= x >> 31;
    x % n.max(1)
}

const SUFFIX: &str = "(dữ liệu sinh tự động)";

/// The rules the generated targets cycle through: every value type and aggregation appears.
fn target_shape(i: usize) -> (ValueType, Direction, Aggregation, &'static str) {
    match i % 8 {
        0 | 4 => (
            ValueType::Count,
            Direction::Increase,
            Aggregation::Sum,
            "người",
        ),
        1 => (
            ValueType::Ratio,
            Direction::Increase,
            Aggregation::Ratio,
            "%",
        ),
        2 => (
            ValueType::Ratio,
            Direction::Decrease,
            Aggregation::Ratio,
            "%",
        ),
        3 => (
            ValueType::Money,
            Direction::Increase,
            Aggregation::WeightedMean {
                weight: "population".into(),
            },
            "triệu đồng",
        ),
        5 => (
            ValueType::Money,
            Direction::Increase,
            Aggregation::Sum,
            "triệu đồng",
        ),
        6 => (
            ValueType::Percent,
            Direction::Increase,
            Aggregation::Mean,
            "%",
        ),
        _ => (
            ValueType::YesNo,
            Direction::Reach,
            Aggregation::All,
            "có/không",
        ),
    }
}

/// Builds a preset into an empty database.
pub async fn generate(app: &App, actor: &Actor, preset: Preset) -> Result<Generated> {
    let now = app.now();
    let mut out = Generated::default();
    let start = date(2015, 1, 1);

    // Units: one structural event, validated once.
    let mut tx = app.db.begin_structural().await?;
    for (code, vi, en) in [
        ("tinh_uy", "Tỉnh ủy", "Provincial Party committee"),
        ("huyen_uy", "Huyện ủy", "District Party committee"),
        ("dang_uy_xa", "Đảng ủy xã", "Commune Party committee"),
        ("chi_bo", "Chi bộ", "Party cell"),
    ] {
        units::upsert_kind(
            &mut tx,
            &units::UnitKind {
                code: code.into(),
                label_vi: vi.into(),
                label_en: en.into(),
                sort_order: 0,
            },
        )
        .await?;
    }
    let event = units::insert_event(
        &mut tx,
        &units::NewEvent {
            kind: "create",
            effective_on: start,
            basis: None,
            note: Some(SUFFIX),
            source: "illustrative",
            actor_account_id: actor.account_id.map(|a| a.0),
        },
        now,
    )
    .await?;
    let mut changes = ChangeSet::default();
    let add = |changes: &mut ChangeSet,
               id: UnitId,
               code: String,
               name: String,
               kind: &str,
               parent: Option<UnitId>|
     -> Result<()> {
        changes.added.push(UnitVersion {
            id: None,
            unit_id: id,
            code: UnitCode::parse(&code)?,
            name,
            kind: kind.into(),
            parent_id: parent,
            validity: Validity::open(start),
        });
        changes.touched.insert(id);
        Ok(())
    };
    let root = if preset.districts > 1 {
        let id = units::insert_unit(&mut tx, "illustrative", None, now).await?;
        add(
            &mut changes,
            id,
            "G".into(),
            format!("Tỉnh ủy Thử nghiệm {SUFFIX}"),
            "tinh_uy",
            None,
        )?;
        Some(id)
    } else {
        None
    };
    let mut communes: Vec<UnitId> = Vec::new();
    let mut cells: Vec<UnitId> = Vec::new();
    let mut districts: Vec<UnitId> = Vec::new();
    for d in 1..=preset.districts {
        let district = units::insert_unit(&mut tx, "illustrative", None, now).await?;
        add(
            &mut changes,
            district,
            format!("G-H{d:02}"),
            format!("Huyện ủy Thử nghiệm {d:02}"),
            "huyen_uy",
            root,
        )?;
        districts.push(district);
        for c in 1..=preset.communes_per_district {
            let commune = units::insert_unit(&mut tx, "illustrative", None, now).await?;
            add(
                &mut changes,
                commune,
                format!("G-H{d:02}-X{c:02}"),
                format!("Đảng bộ xã Thử nghiệm {d:02}-{c:02}"),
                "dang_uy_xa",
                Some(district),
            )?;
            communes.push(commune);
            for k in 1..=preset.cells_per_commune {
                let cell = units::insert_unit(&mut tx, "illustrative", None, now).await?;
                add(
                    &mut changes,
                    cell,
                    format!("G-H{d:02}-X{c:02}-CB{k:02}"),
                    format!("Chi bộ ấp {k:02} xã {d:02}-{c:02}"),
                    "chi_bo",
                    Some(commune),
                )?;
                cells.push(cell);
            }
        }
    }
    units::apply_changes(&mut tx, &changes, event).await?;
    trienkhai_store::commit(tx).await?;
    let top = root.unwrap_or(districts[0]);
    out.root = Some(top);
    out.units = changes.added.len();

    // Persons, each with a post in a cell or a commune.
    let holders: Vec<UnitId> = cells.iter().chain(communes.iter()).copied().collect();
    let titles = [
        "Bí thư chi bộ",
        "Phó Bí thư chi bộ",
        "Đảng viên",
        "Chi ủy viên",
    ];
    let mut posted: Vec<(PersonId, UnitId)> = Vec::with_capacity(preset.persons);
    for chunk in (0..preset.persons).collect::<Vec<_>>().chunks(5_000) {
        let mut tx = app.db.begin().await?;
        for &n in chunk {
            let admitted = date(1990, 1, 1) + chrono::Duration::days((n as i64 * 37) % 11_000);
            let person: PersonId = persons::insert_person(
                &mut tx,
                &persons::PersonFields {
                    full_name: format!("Người thử {n:06}"),
                    birth_year: Some(1960 + (n as i64 % 40)),
                    party: PartyMembership {
                        admitted_on: Some(admitted),
                        full_member_on: Some(admitted + chrono::Duration::days(365)),
                    },
                    source: "illustrative".into(),
                },
                now,
            )
            .await?;
            posted.push((person, holders[n % holders.len()]));
            persons::insert_post(
                &mut tx,
                person,
                holders[n % holders.len()],
                titles[n % titles.len()],
                Validity::open(date(2020, 10, 1)),
            )
            .await?;
        }
        trienkhai_store::commit(tx).await?;
    }
    out.persons = preset.persons;

    // The plan, its targets and a year of monthly values from every cell.
    let mut tx = app.db.begin().await?;
    let kind_code = if root.is_some() { "TU" } else { "HU" };
    let plan = documents::insert_document(
        &mut tx,
        &documents::DocumentFields {
            number: DocumentNumber::parse(&format!("01-NQ/{kind_code}"))?,
            kind: "nghi_quyet".into(),
            issuer_unit_id: Some(top),
            issued_on: date(YEAR - 1, 12, 20),
            summary: format!("Nghị quyết về nhiệm vụ năm {YEAR} {SUFFIX}"),
            theme_of_year: None,
            phase: Some(YEAR.to_string()),
            vision_year: None,
            concretizes: None,
            source: "illustrative".into(),
        },
        now,
    )
    .await?;
    out.plan = Some(plan);
    let mut target_ids: Vec<(TargetId, ValueType, Aggregation)> = Vec::new();
    for i in 0..preset.targets {
        let (value_type, direction, aggregation, uom) = target_shape(i);
        let over_time = if aggregation == Aggregation::Sum {
            OverTime::Sum
        } else {
            OverTime::Latest
        };
        let id = targets::insert_target(
            &mut tx,
            plan,
            &targets::TargetFields {
                code: format!("CT{:02}", i + 1),
                name: format!("Chỉ tiêu thử nghiệm số {} {SUFFIX}", i + 1),
                field_code: None,
                themes: Vec::new(),
                unit_of_measure: uom.into(),
                value_type,
                direction,
                aggregation: aggregation.clone(),
                over_time,
                reporting_kinds: vec!["chi_bo".into()],
                baseline: None,
                baseline_on: None,
                responsible_unit_id: Some(top),
                concretizes: None,
                sort_order: i as i64,
                source: "illustrative".into(),
            },
            now,
        )
        .await?;
        let goal = match (value_type, &aggregation) {
            (ValueType::Ratio, _) | (ValueType::Percent, _) => Decimal::from(60 + i as u64 % 30),
            (ValueType::YesNo, _) => Decimal::ONE,
            (_, Aggregation::Sum) => Decimal::from(cells.len() as u64 * 12 * 10),
            _ => Decimal::from(50),
        };
        targets::set_target_value(&mut tx, id, Period::Year(YEAR), Some(goal), None).await?;
        target_ids.push((id, value_type, aggregation));
    }
    for (i, cell) in cells.iter().enumerate() {
        targets::set_weight(
            &mut tx,
            *cell,
            "population",
            YEAR,
            Decimal::from(300 + noise(&[i as u64, 9], 1_200)),
        )
        .await?;
    }
    trienkhai_store::commit(tx).await?;
    for (t, (id, value_type, _)) in target_ids.iter().enumerate() {
        let mut rows = Vec::with_capacity(cells.len() * usize::from(preset.months));
        for (c, cell) in cells.iter().enumerate() {
            let households = Decimal::from(100 + noise(&[c as u64, 3], 400));
            for month in 1..=preset.months {
                let r = noise(&[t as u64, c as u64, u64::from(month)], 1_000);
                let observation = match value_type {
                    ValueType::Ratio => Observation::Ratio {
                        numerator: (households * Decimal::from(r % 100) / Decimal::ONE_HUNDRED)
                            .round(),
                        denominator: households,
                    },
                    ValueType::YesNo => Observation::Flag {
                        value: !r.is_multiple_of(50),
                    },
                    ValueType::Percent => Observation::Value {
                        value: Decimal::new(r as i64, 1),
                    },
                    _ => Observation::Value {
                        value: Decimal::from(r % 20),
                    },
                };
                rows.push((*cell, Period::Month(YEAR, month), observation));
            }
        }
        let mut tx = app.db.begin().await?;
        out.actuals +=
            targets::bulk_insert_actuals(&mut tx, *id, &rows, "illustrative", now).await?;
        trienkhai_store::commit(tx).await?;
    }
    out.targets = target_ids.len();

    // The plan's monthly calendar over the year and the next (the deadline spike of B5 is
    // January of the next year), and the cells' reports of the year: most accepted in time,
    // some late, a few still submitted or missing in the last months.
    let mut tx = app.db.begin().await?;
    let rule = trienkhai_core::reporting::DeadlineRule::new(5, 2)?;
    trienkhai_store::reports::insert_calendar(
        &mut tx,
        plan,
        trienkhai_core::reporting::Cadence::Monthly,
        (YEAR, YEAR + 1),
        rule,
        now,
    )
    .await?;
    trienkhai_store::commit(tx).await?;
    let work = trienkhai_core::calendar::WorkCalendar::vietnam(YEAR..=YEAR + 1);
    // Cells are three levels below a province's committee, two below a district's.
    let depth = if preset.districts > 1 { 3 } else { 2 };
    let mut bulk = Vec::new();
    for month in 1..=preset.months {
        let period = Period::Month(YEAR, month);
        let deadline = rule.deadline(&work, period, depth);
        for (c, cell) in cells.iter().enumerate() {
            use trienkhai_core::reporting::ReportState;
            let r = noise(&[c as u64, u64::from(month), 77], 100);
            let (state, late) = match (month, r) {
                (12, 0..=9) => continue,
                (12, 10..=29) | (11, 0..=4) => (ReportState::Submitted, r.is_multiple_of(3)),
                (_, 0..=4) => (ReportState::Accepted, true),
                _ => (ReportState::Accepted, false),
            };
            // Sent in the morning (09:00 in Vietnam) the day before the deadline, or two days
            // after it when late; accepted two days later.
            let morning = |day: NaiveDate| day.and_hms_opt(2, 0, 0).expect("09:00").and_utc();
            let sent = if late {
                deadline + chrono::Duration::days(2)
            } else {
                deadline - chrono::Duration::days(1)
            };
            bulk.push(trienkhai_store::reports::BulkReport {
                unit_id: *cell,
                period,
                state,
                deadline,
                late,
                submitted_at: Some(morning(sent)),
                reviewed_at: (state == ReportState::Accepted)
                    .then(|| morning(sent + chrono::Duration::days(2))),
            });
        }
    }
    let mut tx = app.db.begin().await?;
    out.reports = trienkhai_store::reports::bulk_insert_reports(&mut tx, plan, &bulk, now).await?;
    trienkhai_store::commit(tx).await?;

    // Work items: the plan's items split per commune, and each commune's own plan.
    let mut tx = app.db.begin().await?;
    let item = |code: String, document: DocumentId, parent, lead, targets: Vec<TargetId>| {
        work_items::WorkItemFields {
            document_id: document,
            parent_id: parent,
            concretizes: None,
            code,
            title: format!("Đầu việc thử nghiệm {SUFFIX}"),
            field_code: None,
            themes: Vec::new(),
            lead_unit_id: lead,
            coordinating_unit_ids: Vec::new(),
            responsible_person_id: None,
            target_ids: targets,
            starts_on: Some(date(YEAR, 1, 1)),
            expected_product: Some("Báo cáo kết quả".into()),
            result: None,
            sort_order: 0,
            source: "illustrative".into(),
        }
    };
    let mut made = 0;
    let mut uppers: HashMap<usize, trienkhai_core::ids::WorkItemId> = HashMap::new();
    for i in 0..preset.plan_items {
        let deadline = date(YEAR, 1 + (i % 12) as u32, 28);
        let linked = vec![target_ids[i % target_ids.len()].0];
        let top_item = work_items::insert_work_item(
            &mut tx,
            &item(format!("DV{:02}", i + 1), plan, None, top, linked.clone()),
            deadline,
            now,
        )
        .await?;
        uppers.insert(i, top_item);
        made += 1;
        for (c, commune) in communes.iter().enumerate() {
            work_items::insert_work_item(
                &mut tx,
                &item(
                    format!("DV{:02}.{c:03}", i + 1),
                    plan,
                    Some(top_item),
                    *commune,
                    linked.clone(),
                ),
                deadline,
                now,
            )
            .await?;
            made += 1;
        }
    }
    trienkhai_store::commit(tx).await?;
    if preset.commune_items > 0 {
        for (c, commune) in communes.iter().enumerate() {
            let mut tx = app.db.begin().await?;
            let doc = documents::insert_document(
                &mut tx,
                &documents::DocumentFields {
                    number: DocumentNumber::parse(&format!("{:02}-KH/ĐU", 1 + c % 90))?,
                    kind: "ke_hoach".into(),
                    issuer_unit_id: Some(*commune),
                    issued_on: date(YEAR, 1, 15),
                    summary: format!("Kế hoạch thực hiện nghị quyết {SUFFIX}"),
                    theme_of_year: None,
                    phase: Some(YEAR.to_string()),
                    vision_year: None,
                    concretizes: Some(plan),
                    source: "illustrative".into(),
                },
                now,
            )
            .await?;
            for k in 0..preset.commune_items {
                let mut fields = item(format!("KH{k:03}"), doc, None, *commune, Vec::new());
                fields.concretizes = uppers.get(&(k % preset.plan_items.max(1))).copied();
                work_items::insert_work_item(
                    &mut tx,
                    &fields,
                    date(YEAR, 1 + (k % 12) as u32, 15),
                    now,
                )
                .await?;
                made += 1;
            }
            trienkhai_store::commit(tx).await?;
        }
    }
    out.work_items = made;
    out.people = crate::generate_people::generate(app, now, YEAR, plan, &posted, &holders).await?;

    let mut tx = app.db.begin().await?;
    audit::append(
        &mut tx,
        &actor.audit_entry(
            "generate",
            "document",
            plan.0,
            None,
            Some(serde_json::json!({
                "preset": preset.name,
                "units": out.units,
                "persons": out.persons,
                "targets": out.targets,
                "actuals": out.actuals,
                "work_items": out.work_items,
                "reports": out.reports,
                "registrations": out.people.registrations,
                "registration_items": out.people.registration_items,
                "registration_assessments": out.people.assessments,
                "study_sessions": out.people.study_sessions,
                "ratings": out.people.ratings,
            })),
        ),
        now,
    )
    .await?;
    trienkhai_store::commit(tx).await?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_presets_have_the_sizes_of_the_budgets() {
        assert!(
            (260..=290).contains(&DISTRICT.units()),
            "{}",
            DISTRICT.units()
        );
        assert!(
            (3_200..=3_400).contains(&PROVINCE.units()),
            "{}",
            PROVINCE.units()
        );
        let cells =
            PROVINCE.districts * PROVINCE.communes_per_district * PROVINCE.cells_per_commune;
        let values = cells * PROVINCE.targets * 12;
        assert!((1_400_000..=1_700_000).contains(&values), "{values}");
        let communes = PROVINCE.districts * PROVINCE.communes_per_district;
        let items = PROVINCE.plan_items * (1 + communes) + communes * PROVINCE.commune_items;
        assert!((29_000..=31_000).contains(&items), "{items}");
        assert_eq!(
            Preset::parse("nation").unwrap_err().code(),
            "preset_unknown"
        );
    }
}
