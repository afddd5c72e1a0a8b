use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use proptest::prelude::*;
use rust_decimal::Decimal;

use super::*;
use crate::ids::UnitVersionId;
use crate::org::{OrgState, UnitCode, UnitVersion};
use crate::validity::Validity;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// A tree where unit `i` (1-based) hangs from `parents[i - 2]`, unit 1 being the root.
fn tree(parents: &[usize]) -> TreeSnapshot {
    let mut versions = vec![version(1, None)];
    for (i, p) in parents.iter().enumerate() {
        versions.push(version(i as i64 + 2, Some(*p as i64)));
    }
    TreeSnapshot::at(d("2021-06-01"), &versions)
}

fn version(unit: i64, parent: Option<i64>) -> UnitVersion {
    UnitVersion {
        id: Some(UnitVersionId(unit)),
        unit_id: UnitId(unit),
        code: UnitCode::parse(&format!("U{unit}")).unwrap(),
        name: format!("Đơn vị {unit:03}"),
        kind: "k".into(),
        parent_id: parent.map(UnitId),
        validity: Validity::open(d("2000-01-01")),
    }
}

fn leaves(tree: &TreeSnapshot) -> Vec<UnitId> {
    tree.walk()
        .into_iter()
        .map(|(_, v)| v.unit_id)
        .filter(|u| tree.children(*u).is_empty())
        .collect()
}

/// Every unit's explained figure, checked against the one-pass roll-up: both must agree.
fn run(
    tree: &TreeSnapshot,
    rule: Aggregation,
    observations: HashMap<UnitId, Observation>,
    expected: &HashSet<UnitId>,
) -> HashMap<UnitId, Explained> {
    let weights = HashMap::new();
    let input = RollupInput {
        tree,
        rule: &rule,
        observations: &observations,
        weights: &weights,
        expected: &|u| expected.contains(&u),
        achieves: &|_| false,
    };
    explain_all(&input)
}

fn explain_all(input: &RollupInput<'_>) -> HashMap<UnitId, Explained> {
    let rolled = roll_up(input);
    let mut out = HashMap::new();
    for (_, v) in input.tree.walk() {
        let explained = explain(input, v.unit_id).unwrap();
        let fast = &rolled[&v.unit_id];
        assert_eq!(fast.figure, explained.figure, "unit {}", v.unit_id);
        assert_eq!(fast.complete, explained.complete);
        assert_eq!(fast.missing as usize, explained.missing().count());
        out.insert(v.unit_id, explained);
    }
    out
}

fn value(e: &Explained) -> Option<Decimal> {
    match e.figure {
        Some(Figure::Value { value }) => Some(value),
        _ => None,
    }
}

fn arb_tree() -> impl Strategy<Value = Vec<usize>> {
    // Unit i + 2 hangs from a unit among 1..=i + 1: always a tree.
    (1usize..30).prop_flat_map(|n| (0..n).map(|i| 1..=i + 1).collect::<Vec<_>>())
}

proptest! {
    #[test]
    fn a_sum_equals_the_sum_of_the_leaves_under_every_node(parents in arb_tree(), seed in any::<u64>()) {
        let tree = tree(&parents);
        let mut observations = HashMap::new();
        for (i, leaf) in leaves(&tree).into_iter().enumerate() {
            let cents = ((seed.wrapping_mul(i as u64 + 7) % 2_000_000) as i64) - 1_000_000;
            observations.insert(leaf, Observation::Value { value: Decimal::new(cents, 2) });
        }
        let all = HashSet::new();
        let result = run(&tree, Aggregation::Sum, observations.clone(), &all);
        for (_, node) in tree.walk() {
            let expected: Decimal = observations
                .iter()
                .filter(|(u, _)| tree.is_within(**u, node.unit_id))
                .map(|(_, o)| match o { Observation::Value { value } => *value, _ => unreachable!() })
                .sum();
            prop_assert_eq!(value(&result[&node.unit_id]), Some(expected));
        }
    }

    #[test]
    fn a_ratio_is_recomputed_from_numerators_and_denominators(parents in arb_tree(), seed in any::<u64>()) {
        let tree = tree(&parents);
        let mut observations = HashMap::new();
        let (mut num, mut den) = (Decimal::ZERO, Decimal::ZERO);
        for (i, leaf) in leaves(&tree).into_iter().enumerate() {
            let households = Decimal::from(1 + (seed.wrapping_add(i as u64 * 31) % 5000));
            let poor = Decimal::from(seed.wrapping_add(i as u64 * 17) % 100).min(households);
            num += poor;
            den += households;
            observations.insert(leaf, Observation::Ratio { numerator: poor, denominator: households });
        }
        let result = run(&tree, Aggregation::Ratio, observations, &HashSet::new());
        let root = &result[&UnitId(1)];
        prop_assert_eq!(root.figure.clone(), Some(Figure::Ratio { numerator: num, denominator: den, value: Some(num / den) }));
    }

    #[test]
    fn a_missing_value_is_never_a_zero(parents in arb_tree(), seed in any::<u64>()) {
        let tree = tree(&parents);
        let all_leaves = leaves(&tree);
        let expected: HashSet<UnitId> = all_leaves.iter().copied().collect();
        let mut observations = HashMap::new();
        for (i, leaf) in all_leaves.iter().enumerate() {
            if (seed >> (i % 64)) & 1 == 1 {
                observations.insert(*leaf, Observation::Value { value: Decimal::from(10 + i as i64) });
            }
        }
        let result = run(&tree, Aggregation::Mean, observations.clone(), &expected);
        let root = &result[&UnitId(1)];
        let present: Vec<Decimal> = observations.values().map(|o| match o { Observation::Value { value } => *value, _ => unreachable!() }).collect();
        let missing = all_leaves.len() - present.len();
        prop_assert_eq!(root.missing().count(), missing);
        prop_assert_eq!(root.complete, missing == 0);
        if present.is_empty() {
            prop_assert_eq!(root.figure.clone(), None);
        } else {
            // The mean of what was reported, not of what was reported and zeros.
            let mean = present.iter().copied().sum::<Decimal>() / Decimal::from(present.len() as u64);
            prop_assert_eq!(value(root), Some(mean));
        }
    }
}

#[test]
fn a_ratio_is_not_the_mean_of_ratios() {
    // Two communes: 10/100 poor households and 90/900. Mean of rates 10 %, ratio 10 %: same;
    // with 10/100 and 10/1000 the mean of rates is 5,5 %, the true rate 20/1100 ≈ 1,82 %.
    let t = tree(&[1, 1]);
    let observations = HashMap::from([
        (
            UnitId(2),
            Observation::Ratio {
                numerator: dec("10"),
                denominator: dec("100"),
            },
        ),
        (
            UnitId(3),
            Observation::Ratio {
                numerator: dec("10"),
                denominator: dec("1000"),
            },
        ),
    ]);
    let result = run(&t, Aggregation::Ratio, observations, &HashSet::new());
    let Some(Figure::Ratio {
        numerator,
        denominator,
        value: Some(v),
    }) = result[&UnitId(1)].figure.clone()
    else {
        panic!()
    };
    assert_eq!((numerator, denominator), (dec("20"), dec("1100")));
    assert_eq!(v.round_dp(4), dec("0.0182"));
}

#[test]
fn not_applicable_is_left_out_and_said_so() {
    let t = tree(&[1, 1, 1]);
    let observations = HashMap::from([
        (UnitId(2), Observation::Value { value: dec("4") }),
        (UnitId(3), Observation::NotApplicable),
        (UnitId(4), Observation::Value { value: dec("8") }),
    ]);
    let expected: HashSet<UnitId> = [UnitId(2), UnitId(3), UnitId(4)].into();
    let result = run(&t, Aggregation::Mean, observations, &expected);
    let root = &result[&UnitId(1)];
    assert_eq!(value(root), Some(dec("6")));
    assert!(root.complete, "not applicable is not missing");
    let na = root.inputs.iter().find(|i| i.unit == UnitId(3)).unwrap();
    assert_eq!(na.treatment, Treatment::NotApplicable);
}

#[test]
fn weighted_mean_min_max_count_all_and_none() {
    let t = tree(&[1, 1, 1]);
    let values = HashMap::from([
        (UnitId(2), Observation::Value { value: dec("40") }),
        (UnitId(3), Observation::Value { value: dec("60") }),
        (UnitId(4), Observation::Value { value: dec("52") }),
    ]);
    let weights = HashMap::from([(UnitId(2), dec("1000")), (UnitId(3), dec("3000"))]);
    let none = HashSet::new();
    let rule = Aggregation::WeightedMean {
        weight: "population".into(),
    };
    let input = RollupInput {
        tree: &t,
        rule: &rule,
        observations: &values,
        weights: &weights,
        expected: &|_| false,
        achieves: &|_| false,
    };
    let root = &explain_all(&input)[&UnitId(1)];
    // Unit 4 has no population: left out as unusable, the mean is (40·1000 + 60·3000) / 4000.
    assert_eq!(value(root), Some(dec("55")));
    assert_eq!(
        root.inputs
            .iter()
            .find(|i| i.unit == UnitId(4))
            .unwrap()
            .treatment,
        Treatment::Unusable
    );

    assert_eq!(
        value(&run(&t, Aggregation::Min, values.clone(), &none)[&UnitId(1)]),
        Some(dec("40"))
    );
    assert_eq!(
        value(&run(&t, Aggregation::Max, values.clone(), &none)[&UnitId(1)]),
        Some(dec("60"))
    );

    let rule = Aggregation::CountAchieving;
    let achieves =
        |o: &Observation| matches!(o, Observation::Value { value } if *value >= dec("52"));
    let input = RollupInput {
        tree: &t,
        rule: &rule,
        observations: &values,
        weights: &weights,
        expected: &|_| false,
        achieves: &achieves,
    };
    assert_eq!(
        explain_all(&input)[&UnitId(1)].figure,
        Some(Figure::Count {
            achieving: 2,
            of: 3
        })
    );

    let flags = HashMap::from([
        (UnitId(2), Observation::Flag { value: true }),
        (UnitId(3), Observation::Flag { value: false }),
    ]);
    assert_eq!(
        run(&t, Aggregation::All, flags.clone(), &none)[&UnitId(1)].figure,
        Some(Figure::Flag { value: false })
    );
    assert_eq!(
        run(&t, Aggregation::All, flags, &none)[&UnitId(2)].figure,
        Some(Figure::Flag { value: true })
    );

    // Not aggregated: the district has only what it reported itself.
    let own = HashMap::from([
        (UnitId(1), Observation::Value { value: dec("7.5") }),
        (UnitId(2), Observation::Value { value: dec("9") }),
    ]);
    let result = run(&t, Aggregation::None, own, &none);
    assert_eq!(value(&result[&UnitId(1)]), Some(dec("7.5")));
    assert_eq!(result[&UnitId(1)].inputs.len(), 1);
}

#[test]
fn a_roll_up_follows_the_tree_of_its_period() {
    // Communes 3 and 4 under district 2 until 30/06/2025, then merged into 9 under province 6.
    let v = |id: i64, unit: i64, parent: Option<i64>, from: &str, to: Option<&str>| UnitVersion {
        id: Some(UnitVersionId(id)),
        unit_id: UnitId(unit),
        code: UnitCode::parse(&format!("U{unit}")).unwrap(),
        name: format!("U{unit}"),
        kind: "k".into(),
        parent_id: parent.map(UnitId),
        validity: Validity::new(d(from), to.map(d)).unwrap(),
    };
    let state = OrgState::new(vec![
        v(1, 1, None, "1976-01-01", Some("2025-06-30")),
        v(2, 2, Some(1), "1976-01-01", Some("2025-06-30")),
        v(3, 3, Some(2), "1976-01-01", Some("2025-06-30")),
        v(4, 4, Some(2), "1976-01-01", Some("2025-06-30")),
        v(6, 6, None, "2025-07-01", None),
        v(9, 9, Some(6), "2025-07-01", None),
    ]);
    let observations = HashMap::from([
        (UnitId(3), Observation::Value { value: dec("120") }),
        (UnitId(4), Observation::Value { value: dec("80") }),
    ]);
    let in_2021 = TreeSnapshot::at(d("2021-12-31"), &state.versions);
    let result = run(
        &in_2021,
        Aggregation::Sum,
        observations.clone(),
        &HashSet::new(),
    );
    assert_eq!(
        value(&result[&UnitId(2)]),
        Some(dec("200")),
        "2021 values still roll into the 2021 district"
    );
    assert_eq!(value(&result[&UnitId(1)]), Some(dec("200")));
    let in_2026 = TreeSnapshot::at(d("2026-06-30"), &state.versions);
    let result = run(&in_2026, Aggregation::Sum, observations, &HashSet::new());
    assert!(!result.contains_key(&UnitId(2)));
    assert_eq!(
        result[&UnitId(6)].figure,
        None,
        "nothing reported in the new tree yet"
    );
}

#[test]
fn aggregation_rules_parse_from_the_seed_data_names() {
    assert_eq!(
        Aggregation::parse("weighted_mean:population").unwrap(),
        Aggregation::WeightedMean {
            weight: "population".into()
        }
    );
    assert_eq!(
        Aggregation::parse("count_achieving").unwrap(),
        Aggregation::CountAchieving
    );
    assert_eq!(Aggregation::parse(" none ").unwrap(), Aggregation::None);
    assert_eq!(
        Aggregation::parse("median").unwrap_err().code,
        "aggregation_unknown"
    );
    assert_eq!(
        Aggregation::parse("weighted_mean:").unwrap_err().code,
        "aggregation_unknown"
    );
}

#[test]
fn the_formula_writes_out_the_inputs_of_the_figure() {
    let t = tree(&[1, 1]);
    let observations = HashMap::from([
        (
            UnitId(2),
            Observation::Ratio {
                numerator: dec("10"),
                denominator: dec("100"),
            },
        ),
        (
            UnitId(3),
            Observation::Ratio {
                numerator: dec("10"),
                denominator: dec("1000"),
            },
        ),
    ]);
    let result = run(&t, Aggregation::Ratio, observations, &HashSet::new());
    let root = &result[&UnitId(1)];
    assert_eq!(
        formula(root, &|d| d.to_string()),
        "(10 + 10) / (100 + 1000) × 100 = 1.8182"
    );
    assert_eq!(
        root.figure.as_ref().unwrap().scalar().unwrap().round_dp(2),
        dec("1.82")
    );
    let sums = run(
        &t,
        Aggregation::Sum,
        HashMap::from([
            (UnitId(2), Observation::Value { value: dec("2.5") }),
            (UnitId(3), Observation::NotApplicable),
        ]),
        &HashSet::from([UnitId(2), UnitId(3)]),
    );
    assert_eq!(formula(&sums[&UnitId(1)], &|d| d.to_string()), "2.5 = 2.5");
    let many: HashMap<UnitId, Observation> = (2..=21)
        .map(|u| (UnitId(u), Observation::Value { value: dec("1") }))
        .collect();
    let wide = tree(&[1; 20]);
    let out = run(&wide, Aggregation::Sum, many, &HashSet::new());
    assert!(formula(&out[&UnitId(1)], &|d| d.to_string()).ends_with("+ … (20) = 20"));
}
