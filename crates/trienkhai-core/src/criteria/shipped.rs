//! The catalogues trienkhai ships (DOMAIN.md §4), each a table in `data/criteria/` read by
//! [`super::rows`] like a province's own: the new-rural commune sets of 2016-2020 and
//! 2021-2025 (QĐ 318/QĐ-TTg, 19 criteria in 5 groups, every one to pass) and the advanced
//! level; urban classes IV and V under NQ 1210/2016 (group maxima 20/8/6/6/60) and as amended
//! by NQ 26/2022 from 01/01/2023 (18/8/8/6/60); classes II and III under NQ 111/2025 from
//! 01/01/2026 (its transition: [`super::urban_class`]).
//!
//! What DOMAIN.md does not settle is marked "to verify" and editable: the split of a group's
//! points between its criteria, class V's and NQ 111's thresholds, the pass mark of 75 points,
//! the sub-standards of groups 1 and 5 (valued as the points of the appraisal file), the
//! advanced level's indicators and the 2016-2020 set.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{Catalogue, CatalogueKind, PassRule, rows};

struct Shipped {
    code: &'static str,
    name: &'static str,
    kind: CatalogueKind,
    class: Option<&'static str>,
    source: &'static str,
    from: (i32, u32, u32),
    to: Option<(i32, u32, u32)>,
    /// The pass mark of an urban class; none: every criterion must pass.
    mark: Option<u32>,
    table: &'static str,
}

const URBAN_1210: &str = "Nghị quyết 1210/2016/UBTVQH13";
const URBAN_26: &str = "Nghị quyết 1210/2016/UBTVQH13, sửa đổi bởi Nghị quyết 26/2022/UBTVQH15";
const URBAN_111: &str = "Nghị quyết 111/2025/UBTVQH15";

const SHIPPED: &[Shipped] = &[
    Shipped {
        code: "ntm-xa-2016-2020",
        name: "Bộ tiêu chí quốc gia về xã nông thôn mới giai đoạn 2016-2020",
        kind: CatalogueKind::NewRural,
        class: None,
        source: "Quyết định 1980/QĐ-TTg ngày 17/10/2016",
        from: (2016, 1, 1),
        to: Some((2020, 12, 31)),
        mark: None,
        table: include_str!("../../data/criteria/ntm-xa-2016-2020.tsv"),
    },
    Shipped {
        code: "ntm-xa-2021-2025",
        name: "Bộ tiêu chí quốc gia về xã nông thôn mới giai đoạn 2021-2025",
        kind: CatalogueKind::NewRural,
        class: None,
        source: "Quyết định 318/QĐ-TTg ngày 08/3/2022",
        from: (2021, 1, 1),
        to: Some((2025, 12, 31)),
        mark: None,
        table: include_str!("../../data/criteria/ntm-xa-2021-2025.tsv"),
    },
    Shipped {
        code: "ntm-xa-nang-cao-2021-2025",
        name: "Bộ tiêu chí quốc gia về xã nông thôn mới nâng cao giai đoạn 2021-2025",
        kind: CatalogueKind::NewRuralAdvanced,
        class: None,
        source: "Quyết định 318/QĐ-TTg ngày 08/3/2022",
        from: (2021, 1, 1),
        to: Some((2025, 12, 31)),
        mark: None,
        table: include_str!("../../data/criteria/ntm-xa-nang-cao-2021-2025.tsv"),
    },
    Shipped {
        code: "do-thi-loai-iv",
        name: "Tiêu chuẩn đô thị loại IV",
        kind: CatalogueKind::Urban,
        class: Some("IV"),
        source: URBAN_1210,
        from: (2016, 5, 25),
        to: Some((2022, 12, 31)),
        mark: Some(75),
        table: include_str!("../../data/criteria/do-thi-loai-iv-2016.tsv"),
    },
    Shipped {
        code: "do-thi-loai-iv",
        name: "Tiêu chuẩn đô thị loại IV",
        kind: CatalogueKind::Urban,
        class: Some("IV"),
        source: URBAN_26,
        from: (2023, 1, 1),
        to: Some((2025, 12, 31)),
        mark: Some(75),
        table: include_str!("../../data/criteria/do-thi-loai-iv-2023.tsv"),
    },
    Shipped {
        code: "do-thi-loai-v",
        name: "Tiêu chuẩn đô thị loại V",
        kind: CatalogueKind::Urban,
        class: Some("V"),
        source: URBAN_1210,
        from: (2016, 5, 25),
        to: Some((2022, 12, 31)),
        mark: Some(75),
        table: include_str!("../../data/criteria/do-thi-loai-v-2016.tsv"),
    },
    Shipped {
        code: "do-thi-loai-v",
        name: "Tiêu chuẩn đô thị loại V",
        kind: CatalogueKind::Urban,
        class: Some("V"),
        source: URBAN_26,
        from: (2023, 1, 1),
        to: Some((2025, 12, 31)),
        mark: Some(75),
        table: include_str!("../../data/criteria/do-thi-loai-v-2023.tsv"),
    },
    Shipped {
        code: "do-thi-loai-iii",
        name: "Tiêu chuẩn đô thị loại III",
        kind: CatalogueKind::Urban,
        class: Some("III"),
        source: URBAN_111,
        from: (2026, 1, 1),
        to: None,
        mark: Some(75),
        table: include_str!("../../data/criteria/do-thi-loai-iii-2026.tsv"),
    },
    Shipped {
        code: "do-thi-loai-ii",
        name: "Tiêu chuẩn đô thị loại II",
        kind: CatalogueKind::Urban,
        class: Some("II"),
        source: URBAN_111,
        from: (2026, 1, 1),
        to: None,
        mark: Some(75),
        table: include_str!("../../data/criteria/do-thi-loai-ii-2026.tsv"),
    },
];

fn day((y, m, d): (i32, u32, u32)) -> Result<NaiveDate, String> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| format!("{y}-{m}-{d} is not a date"))
}

/// Splits a shipped table: tab-separated, a header row, no quoting.
pub fn tab_rows(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split('\t').map(str::to_owned).collect())
        .collect()
}

/// Every shipped catalogue, read and checked. An error names the catalogue and what is wrong
/// (a shipped table that does not read is a build defect, which the tests catch).
pub fn catalogues() -> Result<Vec<Catalogue>, String> {
    SHIPPED
        .iter()
        .map(|s| {
            let (groups, criteria) =
                rows::read(&tab_rows(s.table)).map_err(|e| format!("{}: {e:?}", s.code))?;
            let catalogue = Catalogue {
                code: s.code.to_owned(),
                name: s.name.to_owned(),
                kind: s.kind,
                class: s.class.map(str::to_owned),
                region: None,
                source: s.source.to_owned(),
                effective_from: day(s.from)?,
                effective_to: s.to.map(day).transpose()?,
                pass_rule: match s.mark {
                    Some(mark) => PassRule::PassMark {
                        mark: Decimal::from(mark),
                    },
                    None => PassRule::AllCriteria,
                },
                // The pass mark of 75 is cited widely, not read in a text (DOMAIN.md §4.1).
                pass_to_verify: s.mark.is_some(),
                groups,
                criteria,
            };
            catalogue.check().map_err(|e| format!("{}: {e}", s.code))?;
            Ok(catalogue)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::criteria::evaluate::{Value, Verdict, evaluate};

    fn shipped(code: &str, on: (i32, u32, u32)) -> Catalogue {
        let on = day(on).unwrap();
        catalogues()
            .unwrap()
            .into_iter()
            .find(|c| c.code == code && c.in_force_on(on))
            .unwrap()
    }

    #[test]
    fn every_shipped_catalogue_reads_and_versions_do_not_overlap() {
        let all = catalogues().unwrap();
        assert_eq!(all.len(), SHIPPED.len());
        for a in &all {
            for b in &all {
                if std::ptr::eq(a, b) || a.code != b.code {
                    continue;
                }
                let overlap = a.effective_from <= b.effective_to.unwrap_or(NaiveDate::MAX)
                    && b.effective_from <= a.effective_to.unwrap_or(NaiveDate::MAX);
                assert!(!overlap, "{} has two versions in force together", a.code);
            }
        }
    }

    #[test]
    fn the_new_rural_set_has_nineteen_criteria_in_five_groups() {
        let c = shipped("ntm-xa-2021-2025", (2022, 6, 30));
        assert_eq!((c.criteria.len(), c.groups.len()), (19, 5));
        assert_eq!(c.criteria[10].name, "Nghèo đa chiều");
        assert!(!c.to_verify(), "names and groups are in DOMAIN.md §4.4");
        let mut values: HashMap<String, Value> = c
            .criteria
            .iter()
            .map(|k| (k.code.clone(), Value::Met(true)))
            .collect();
        assert_eq!(evaluate(&c, &values).verdict, Verdict::Passed);
        values.insert("17".into(), Value::Met(false));
        let o = evaluate(&c, &values);
        assert_eq!((o.met, o.verdict), (18, Verdict::NotPassed));
        assert_eq!(o.missing[0].name, "Môi trường và an toàn thực phẩm");
    }

    #[test]
    fn the_urban_groups_change_their_maxima_in_2023_and_total_a_hundred() {
        let before = shipped("do-thi-loai-iv", (2021, 12, 31));
        let after = shipped("do-thi-loai-iv", (2023, 1, 1));
        let maxima = |c: &Catalogue| -> Vec<Decimal> {
            c.groups.iter().map(|g| g.max_points.unwrap()).collect()
        };
        let d = |v: &[i64]| v.iter().map(|&n| Decimal::from(n)).collect::<Vec<_>>();
        assert_eq!(maxima(&before), d(&[20, 8, 6, 6, 60]));
        assert_eq!(maxima(&after), d(&[18, 8, 8, 6, 60]));
        for c in [&before, &after] {
            let total: Decimal = c.criteria.iter().filter_map(|k| k.max_points).sum();
            assert_eq!(total, Decimal::from(100), "{}", c.source);
            assert!(
                c.to_verify(),
                "the split of points and the mark are to be checked"
            );
        }
        assert!(
            catalogues()
                .unwrap()
                .iter()
                .filter(|c| c.class.as_deref() == Some("IV"))
                .all(|c| c.effective_to <= Some(day((2025, 12, 31)).unwrap()))
        );
    }
}
