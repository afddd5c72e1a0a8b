//! Actuals read back in bulk: many rows per statement, one shard's units, the versions of a
//! period's years, and where a dashboard opens (the latest period with a value).

use super::*;
use rust_decimal::Decimal;
use trienkhai_core::ids::{DocumentId, TargetId, UnitId};
use trienkhai_core::period::Period;
use trienkhai_core::rollup::Observation;
use trienkhai_store::targets;

pub(crate) async fn actuals_are_read_in_bulk_by_shard_and_year(
    tx: &mut sqlx::AnyConnection,
    doc: DocumentId,
    lower: TargetId,
    district: UnitId,
    commune: UnitId,
) {
    let dec = |s: &str| s.parse::<Decimal>().unwrap();
    // In bulk: hundreds of rows per statement, exact values back, the version moved by each.
    let version = targets::values_version(&mut *tx, lower, Period::Year(2022))
        .await
        .unwrap();
    let bulk: Vec<(UnitId, Period, Observation)> = (1..=12u8)
        .flat_map(|m| {
            [district, commune].into_iter().map(move |u| {
                (
                    u,
                    Period::Month(2022, m),
                    Observation::Ratio {
                        numerator: Decimal::from(m),
                        denominator: Decimal::new(12345, 2),
                    },
                )
            })
        })
        .cycle()
        .take(24)
        .collect();
    assert_eq!(
        targets::bulk_insert_actuals(&mut *tx, lower, &bulk, "illustrative", now())
            .await
            .unwrap(),
        24
    );
    assert_eq!(
        targets::values_version(&mut *tx, lower, Period::Year(2022))
            .await
            .unwrap(),
        version + 24
    );
    async fn quarter(
        conn: &mut sqlx::AnyConnection,
        target: TargetId,
        shards: targets::UnitShards,
    ) -> Vec<targets::Reported> {
        targets::reported_within(
            conn,
            target,
            d("2022-01-01"),
            d("2022-03-31"),
            trienkhai_core::reporting::Counted::Accepted,
            None,
            &shards,
        )
        .await
        .unwrap()
    }
    // One shard's read is the whole read's rows of that shard's units, no more, no fewer.
    let everyone = quarter(&mut *tx, lower, targets::UnitShards::All).await;
    let shard = targets::unit_shard(commune);
    let of_shard = quarter(&mut *tx, lower, targets::UnitShards::Only(vec![shard])).await;
    assert!(!of_shard.is_empty());
    assert_eq!(
        of_shard,
        everyone
            .iter()
            .filter(|r| targets::unit_shard(r.unit_id) == shard)
            .cloned()
            .collect::<Vec<_>>()
    );
    let other = (shard + 1) % targets::UNIT_SHARDS;
    assert!(
        quarter(&mut *tx, lower, targets::UnitShards::Only(vec![other]))
            .await
            .iter()
            .all(|r| targets::unit_shard(r.unit_id) == other)
    );
    let mut q1: Vec<_> = of_shard
        .into_iter()
        .filter(|r| r.unit_id == commune)
        .collect();
    q1.sort_by_key(|r| r.period.dates().0);
    assert_eq!(q1.len(), 3);
    assert!(q1.iter().all(|r| r.unit_id == commune));
    assert_eq!(
        q1[0].observation,
        Observation::Ratio {
            numerator: Decimal::from(1),
            denominator: dec("123.45")
        }
    );
    // Where a dashboard opens: the end of the latest period with a value, up to a day.
    assert_eq!(
        targets::latest_value_end(&mut *tx, doc, d("2030-01-01"))
            .await
            .unwrap(),
        Some(d("2022-12-31"))
    );
    assert_eq!(
        targets::latest_value_end(&mut *tx, doc, d("2022-06-15"))
            .await
            .unwrap(),
        Some(d("2022-05-31"))
    );
    assert_eq!(
        targets::latest_value_end(&mut *tx, doc, d("2000-01-01"))
            .await
            .unwrap(),
        None
    );
    let versions = targets::values_versions_of_document(&mut *tx, doc, Period::Year(2022))
        .await
        .unwrap();
    assert_eq!(versions.len(), 2);
    assert!(versions.contains(&(lower, version + 24)));
    // The same values leave the key of 2021 where it was.
    let of_2021 = targets::values_versions_of_document(&mut *tx, doc, Period::Year(2021))
        .await
        .unwrap();
    assert!(
        of_2021.contains(&(
            lower,
            targets::values_version(&mut *tx, lower, Period::Year(2021))
                .await
                .unwrap()
        ))
    );
}
