//! B1 of PRODUCT.md §7, engine only: every target rolled up over a province-sized tree for one
//! period, in memory (no database). Run: `cargo bench -p trienkhai-core --bench rollup`.
//! Prints the median and the spread of 15 runs.

use std::collections::HashMap;
use std::hint::black_box;
use std::time::Instant;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use trienkhai_core::ids::{UnitId, UnitVersionId};
use trienkhai_core::org::{TreeSnapshot, UnitCode, UnitVersion};
use trienkhai_core::rollup::{Aggregation, Observation, RollupInput, roll_up};
use trienkhai_core::validity::Validity;

const COMMUNES: i64 = 103;
const CELLS_PER_COMMUNE: i64 = 31;
const TARGETS: usize = 40;

fn main() {
    let from = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
    let mut versions = Vec::new();
    let mut add = |id: i64, parent: Option<i64>| {
        versions.push(UnitVersion {
            id: Some(UnitVersionId(id)),
            unit_id: UnitId(id),
            code: UnitCode::parse(&format!("U{id}")).unwrap(),
            name: format!("Đơn vị {id}"),
            kind: "k".into(),
            parent_id: parent.map(UnitId),
            validity: Validity::open(from),
        });
    };
    add(1, None);
    let mut next = 2;
    for _ in 0..COMMUNES {
        let commune = next;
        add(commune, Some(1));
        next += 1;
        for _ in 0..CELLS_PER_COMMUNE {
            add(next, Some(commune));
            next += 1;
        }
    }
    let tree = TreeSnapshot::at(NaiveDate::from_ymd_opt(2021, 12, 31).unwrap(), &versions);
    let units: Vec<UnitId> = tree.walk().iter().map(|(_, v)| v.unit_id).collect();
    let rules = [
        Aggregation::Sum,
        Aggregation::Ratio,
        Aggregation::WeightedMean {
            weight: "population".into(),
        },
        Aggregation::Mean,
    ];
    let targets: Vec<(Aggregation, HashMap<UnitId, Observation>)> = (0..TARGETS)
        .map(|t| {
            let rule = rules[t % rules.len()].clone();
            let observations = units
                .iter()
                .enumerate()
                .filter(|(i, _)| (i + t) % 17 != 0) // some values missing
                .map(|(i, u)| {
                    let o = match rule {
                        Aggregation::Ratio => Observation::Ratio {
                            numerator: Decimal::from(i % 50),
                            denominator: Decimal::from(100 + i % 900),
                        },
                        _ => Observation::Value {
                            value: Decimal::new((i * 37 % 100_000) as i64, 2),
                        },
                    };
                    (*u, o)
                })
                .collect();
            (rule, observations)
        })
        .collect();
    let weights: HashMap<UnitId, Decimal> = units
        .iter()
        .map(|u| (*u, Decimal::from(1000 + u.0 % 5000)))
        .collect();

    let mut times = Vec::new();
    for _ in 0..15 {
        let started = Instant::now();
        for (rule, observations) in &targets {
            let input = RollupInput {
                tree: &tree,
                rule,
                observations,
                weights: &weights,
                expected: &|_| true,
                achieves: &|_| false,
            };
            black_box(roll_up(&input));
        }
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "rollup: {} units, {TARGETS} targets, every unit's figure (explanations on demand): median {:.1} ms, min {:.1} ms, max {:.1} ms (15 runs)",
        units.len(),
        times[times.len() / 2],
        times[0],
        times[times.len() - 1]
    );
}
