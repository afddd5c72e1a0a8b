//! The demo's criteria assessments (issue 15, point 5), every figure illustrative: Ba Tri
//! town against urban class IV at the end of 2020 (two criteria short: the inner population
//! and the density on built-up land) and 2021 (one short still); the centres of An Ngãi
//! Trung, Mỹ Chánh and Tân Xuân against class V in 2021; An Thủy as the class-V urban area it
//! would become, at the end of 2022, before Tiệm Tôm was established on 13/02/2023; and the
//! 22 communes' new-rural standing at the end of each year 2020-2024 (2020 under the 2016-2020
//! set, later years under QĐ 318), more of them passing each year, and the first three at the
//! advanced level from 2021. The plan's KT06 and KT07 count them; DV01-DV05 address the gaps.

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use trienkhai_core::criteria::evaluate::Value;
use trienkhai_core::ids::UnitId;
use trienkhai_store::criteria::{self as store, ValueEntry};

use crate::criteria_assessments::{AssessmentInput, assess};
use crate::{Actor, App, AppError, Result};

const NOTE: &str = "Số liệu minh họa (demo), không phải số liệu chính thức.";

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

fn figure(code: &str, value: i64, evidence: &str) -> ValueEntry {
    ValueEntry {
        code: code.into(),
        value: Value::Figure(Decimal::from(value)),
        evidence: evidence.into(),
    }
}

/// An urban area's figures: group 1's points, population whole / inner, density whole /
/// inner on built-up land, non-farm labour whole / inner (%), group 5's points. A figure of
/// none is left out (class V has no inner population or labour criterion).
type Urban = (i64, i64, Option<i64>, i64, i64, i64, Option<i64>, i64);

fn urban_values((g1, pop, pop_in, dens, dens_in, labour, labour_in, g5): Urban) -> Vec<ValueEntry> {
    let evidence = "Báo cáo rà soát tiêu chuẩn đô thị (minh họa)";
    let mut v = vec![
        figure("1", g1, "Hồ sơ thẩm định (minh họa)"),
        figure("2.1", pop, evidence),
    ];
    v.extend(pop_in.map(|p| figure("2.2", p, evidence)));
    v.push(figure("3.1", dens, evidence));
    v.push(figure("3.2", dens_in, evidence));
    v.push(figure("4.1", labour, evidence));
    v.extend(labour_in.map(|p| figure("4.2", p, evidence)));
    v.push(figure("5", g5, "Hồ sơ thẩm định (minh họa)"));
    v
}

/// The catalogue version `code` in force on `on`.
async fn catalogue_on(app: &App, code: &str, on: NaiveDate) -> Result<i64> {
    let mut conn = app.db.reader().await?;
    store::catalogues(&mut conn)
        .await?
        .into_iter()
        .find(|c| c.catalogue.code == code && c.catalogue.in_force_on(on))
        .map(|c| c.id)
        .ok_or_else(|| AppError::Internal(format!("no catalogue {code} on {on}")))
}

/// How many communes meet the standard at the end of 2020, 2021, ... 2024 (An Thủy, among
/// them from 2020, a town from 2023 and no longer counted).
const PASSING: [usize; 5] = [9, 13, 16, 18, 20];

/// The criteria a commune still misses in `year` (none once it passes): communes pass one
/// after another, a few criteria short before.
fn commune_gaps(rank: usize, year: i32) -> Vec<u32> {
    let passes_from = PASSING
        .iter()
        .position(|&n| rank < n)
        .map_or(2026, |i| 2020 + i32::try_from(i).unwrap_or(6));
    if year >= passes_from {
        return Vec::new();
    }
    let behind = usize::try_from(passes_from - year).unwrap_or(1).min(4);
    // Income, multidimensional poverty, environment and culture are the last to come.
    [10, 17, 11, 16].into_iter().take(behind).collect()
}

pub(crate) async fn build(
    app: &App,
    actor: &Actor,
    ids: &HashMap<String, UnitId>,
) -> Result<usize> {
    crate::criteria::install_shipped(app).await?;
    let mut made = 0;
    let mut keep = |unit: &str, catalogue_id: i64, on: NaiveDate, values: Vec<ValueEntry>| {
        let input = AssessmentInput {
            unit_id: ids.get(unit).copied().unwrap_or(UnitId(0)),
            catalogue_id,
            assessed_on: on,
            values,
            note: NOTE.into(),
        };
        made += 1;
        async move { assess(app, actor, None, &input, None).await.map(|_| ()) }
    };

    let class_iv = catalogue_on(app, "do-thi-loai-iv", day(2021, 12, 31)).await?;
    keep(
        "TT-BATRI",
        class_iv,
        day(2020, 12, 31),
        urban_values((16, 52_400, Some(13_100), 1_250, 5_400, 62, Some(71), 48)),
    )
    .await?;
    keep(
        "TT-BATRI",
        class_iv,
        day(2021, 12, 31),
        urban_values((16, 52_900, Some(13_100), 1_270, 6_050, 63, Some(72), 50)),
    )
    .await?;

    let class_v = catalogue_on(app, "do-thi-loai-v", day(2021, 12, 31)).await?;
    keep(
        "X-ANNGAITRUNG",
        class_v,
        day(2021, 12, 31),
        urban_values((17, 6_200, None, 1_050, 5_300, 58, None, 44)),
    )
    .await?;
    keep(
        "X-MYCHANH",
        class_v,
        day(2021, 12, 31),
        urban_values((15, 4_800, None, 920, 5_100, 56, None, 42)),
    )
    .await?;
    keep(
        "X-TANXUAN",
        class_v,
        day(2021, 12, 31),
        urban_values((16, 5_100, None, 1_010, 5_050, 57, None, 43)),
    )
    .await?;
    keep(
        "X-ANTHUY",
        class_v,
        day(2022, 12, 31),
        urban_values((18, 17_173, None, 768, 5_200, 60, None, 45)),
    )
    .await?;

    // The 22 communes of 2020-2024 (not those the 2025 reform made).
    let mut communes: Vec<&String> = ids
        .keys()
        .filter(|c| c.starts_with("X-") && !c.ends_with("-2025"))
        .collect();
    communes.sort();
    for year in 2020..=2024 {
        let on = day(year, 12, 31);
        let code = if year <= 2020 {
            "ntm-xa-2016-2020"
        } else {
            "ntm-xa-2021-2025"
        };
        let catalogue = catalogue_on(app, code, on).await?;
        for (rank, commune) in communes.iter().enumerate() {
            // An Thủy is Tiệm Tôm town from 13/02/2023: no longer a commune to assess.
            if commune.as_str() == "X-ANTHUY" && year >= 2023 {
                continue;
            }
            let gaps = commune_gaps(rank, year);
            let values = (1..=19)
                .map(|i| ValueEntry {
                    code: i.to_string(),
                    value: Value::Met(!gaps.contains(&i)),
                    evidence: format!(
                        "Báo cáo kết quả xây dựng nông thôn mới năm {year} (minh họa)"
                    ),
                })
                .collect();
            keep(commune, catalogue, on, values).await?;
        }
    }

    // The advanced level: the first commune from 2021, the second from 2022, the third still
    // short of production and income in 2022.
    let advanced = catalogue_on(app, "ntm-xa-nang-cao-2021-2025", day(2022, 12, 31)).await?;
    for (rank, year, gaps) in [
        (0, 2021, vec![]),
        (1, 2021, vec![10]),
        (1, 2022, vec![]),
        (2, 2022, vec![6, 10]),
    ] {
        let values = (1..=19)
            .map(|i| ValueEntry {
                code: i.to_string(),
                value: Value::Met(!gaps.contains(&i)),
                evidence: format!("Báo cáo xây dựng nông thôn mới nâng cao năm {year} (minh họa)"),
            })
            .collect();
        keep(communes[rank], advanced, day(year, 12, 31), values).await?;
    }
    link_plan(app, actor, ids).await?;
    Ok(made)
}

/// The plan's count targets computed from the assessments, and its work items addressing
/// the urban areas' gaps: DV01 Ba Tri's two criteria short in 2020, DV03 Mỹ Chánh's density,
/// DV02 and DV04 the other centres' assessments as a whole, DV05 An Thủy's before Tiệm Tôm.
async fn link_plan(app: &App, actor: &Actor, ids: &HashMap<String, UnitId>) -> Result<()> {
    use trienkhai_core::criteria::CatalogueKind;

    let plan = crate::demo_plan::district_plan(app, actor).await?;
    let targets = crate::targets::targets_of_document(app, actor, plan).await?;
    for (code, kind) in crate::demo_plan::CRITERIA_TARGETS
        .into_iter()
        .zip([CatalogueKind::NewRural, CatalogueKind::NewRuralAdvanced])
    {
        if let Some(t) = targets.iter().find(|t| t.code == code) {
            crate::criteria_links::link_target(app, actor, t.id, kind).await?;
        }
    }
    let mut conn = app.db.reader().await?;
    let items = trienkhai_store::work_items::top_items_of_document(&mut conn, plan).await?;
    for (item, unit, year, codes) in [
        ("DV01", "TT-BATRI", 2020, &["2.2", "3.2"][..]),
        ("DV02", "X-ANNGAITRUNG", 2021, &[]),
        ("DV03", "X-MYCHANH", 2021, &["3.1"]),
        ("DV04", "X-TANXUAN", 2021, &[]),
        ("DV05", "X-ANTHUY", 2022, &[]),
    ] {
        let (Some(item), Some(unit)) = (items.iter().find(|i| i.code == item), ids.get(unit))
        else {
            continue;
        };
        let Some(assessment) = store::assessments_of_unit(&mut conn, *unit)
            .await?
            .into_iter()
            .find(|a| a.assessed_on == day(year, 12, 31))
        else {
            continue;
        };
        let input = crate::criteria_links::GapInput {
            criterion_codes: codes.iter().map(|c| (*c).to_owned()).collect(),
            work_item_id: Some(item.id),
            ..Default::default()
        };
        crate::criteria_links::address_gaps(app, actor, assessment.id, &input).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{PASSING, commune_gaps};

    #[test]
    fn two_more_communes_pass_each_year() {
        let passing = |year| {
            (0..22)
                .filter(|&r| commune_gaps(r, year).is_empty())
                .count()
        };
        assert_eq!(
            (2020..=2024).map(passing).collect::<Vec<_>>(),
            PASSING.to_vec()
        );
        assert_eq!(commune_gaps(21, 2020), vec![10, 17, 11, 16]);
        assert_eq!(commune_gaps(13, 2021), vec![10]);
    }
}
