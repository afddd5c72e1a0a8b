//! The keys of cached figures: every table a figure is read from moves its key in the writing
//! transaction, whoever writes (raw SQL here, as a forgotten write path would), and a figure
//! reads nothing that is not such a source.

use std::collections::BTreeSet;

use trienkhai_core::ids::{DocumentId, TargetId, UnitId};
use trienkhai_core::over_time::OverTime;
use trienkhai_core::period::Period;
use trienkhai_core::rollup::Aggregation;
use trienkhai_core::target::{Direction, ValueType};
use trienkhai_store::figures::{FIGURE_SOURCES, FigureKey, figure_inputs};
use trienkhai_store::{Backend, targets, units};
use trienkhai_testkit::{TestDb, both_backends};

use crate::{create_unit, insert_district_resolution, now};

/// A district, a commune, a plan with one weighted-mean target, and the commune's report.
struct Plan {
    district: UnitId,
    commune: UnitId,
    doc: DocumentId,
    target: TargetId,
    report: i64,
}

async fn plan(t: &TestDb) -> Plan {
    let district = create_unit(t, "BTR", "Huyện ủy Ba Tri", None, "2000-01-01", None).await;
    let commune = create_unit(t, "X-A", "Xã A", Some(district), "2000-01-01", None).await;
    let mut tx = t.db.begin().await.unwrap();
    let doc = insert_district_resolution(&mut tx, district, "record").await;
    let target = targets::insert_target(
        &mut tx,
        doc,
        &targets::TargetFields {
            code: "XH01".into(),
            name: "Tỷ lệ hộ nghèo".into(),
            field_code: None,
            themes: vec![],
            unit_of_measure: "%".into(),
            value_type: ValueType::Number,
            direction: Direction::Decrease,
            aggregation: Aggregation::WeightedMean {
                weight: "population".into(),
            },
            over_time: OverTime::Latest,
            reporting_kinds: vec!["dang_uy_xa".into()],
            baseline: None,
            baseline_on: None,
            responsible_unit_id: None,
            concretizes: None,
            sort_order: 0,
            source: "illustrative".into(),
        },
        now(),
    )
    .await
    .unwrap();
    let report: i64 = sqlx::query_scalar(
        "INSERT INTO reports (document_id, unit_id, period, period_start, period_end, deadline, \
         created_at, updated_at) VALUES ($1, $2, '2021-04', '2021-04-01', '2021-04-30', '2021-05-06', $3, $3) \
         RETURNING id",
    )
    .bind(doc.0)
    .bind(commune.0)
    .bind(now().to_rfc3339())
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    Plan {
        district,
        commune,
        doc,
        target,
        report,
    }
}

/// The current value of a key.
async fn key(t: &TestDb, p: &Plan, key: FigureKey) -> i64 {
    let mut conn = t.db.reader().await.unwrap();
    match key {
        FigureKey::YearShard | FigureKey::TargetRow => {
            targets::values_version(&mut conn, p.target, Period::Year(2021))
                .await
                .unwrap()
        }
        FigureKey::TreeGeneration => units::generation(&mut conn).await.unwrap(),
    }
}

/// Runs `sql` (with `{target}`, `{commune}`, `{doc}` and `{report}` replaced by the plan's ids)
/// in a transaction of its own and says whether `key` moved.
async fn moves(t: &TestDb, p: &Plan, k: FigureKey, sql: &str) -> bool {
    let sql = sql
        .replace("{target}", &p.target.0.to_string())
        .replace("{commune}", &p.commune.0.to_string())
        .replace("{doc}", &p.doc.0.to_string())
        .replace("{report}", &p.report.to_string());
    let before = key(t, p, k).await;
    let mut tx = t.db.begin().await.unwrap();
    let done = sqlx::query(&sql).execute(&mut *tx).await.unwrap();
    assert!(done.rows_affected() > 0, "{sql} wrote nothing");
    tx.commit().await.unwrap();
    key(t, p, k).await > before
}

async fn every_write_to_a_figure_source_moves_its_key(t: TestDb) {
    let p = plan(&t).await;
    use FigureKey::*;
    let writes: &[(&str, FigureKey, &str)] = &[
        (
            "actuals",
            YearShard,
            "INSERT INTO actuals (target_id, unit_id, period, period_start, period_end, value, packed, \
             recorded_at, report_id) VALUES ({target}, {commune}, '2021-04', '2021-04-01', '2021-04-30', '3', 'x', 'x', {report})",
        ),
        (
            "actuals",
            YearShard,
            "UPDATE actuals SET value = '4' WHERE target_id = {target}",
        ),
        (
            "quotas",
            TargetRow,
            "INSERT INTO quotas (target_id, unit_id, period, period_start, period_end, value) \
             VALUES ({target}, {commune}, '2021', '2021-01-01', '2021-12-31', '2')",
        ),
        ("quotas", TargetRow, "UPDATE quotas SET value = '3'"),
        ("quotas", TargetRow, "DELETE FROM quotas"),
        (
            "reports",
            YearShard,
            "UPDATE reports SET state = 'submitted' WHERE id = {report}",
        ),
        (
            "target_values",
            TargetRow,
            "INSERT INTO target_values (target_id, period, period_start, period_end, value) \
             VALUES ({target}, '2021', '2021-01-01', '2021-12-31', '2')",
        ),
        (
            "target_values",
            TargetRow,
            "UPDATE target_values SET value = '1'",
        ),
        ("target_values", TargetRow, "DELETE FROM target_values"),
        (
            "targets",
            TargetRow,
            "UPDATE targets SET direction = 'increase'",
        ),
        (
            "documents",
            TargetRow,
            "UPDATE documents SET issuer_unit_id = NULL",
        ),
        (
            "plan_settings",
            TargetRow,
            "INSERT INTO plan_settings (document_id, counted_states) VALUES ({doc}, 'submitted')",
        ),
        (
            "plan_settings",
            TargetRow,
            "UPDATE plan_settings SET counted_states = 'any'",
        ),
        ("plan_settings", TargetRow, "DELETE FROM plan_settings"),
        (
            "unit_weights",
            TargetRow,
            "INSERT INTO unit_weights (unit_id, name, year, value) VALUES ({commune}, 'population', 2021, '9000')",
        ),
        (
            "unit_weights",
            TargetRow,
            "UPDATE unit_weights SET value = '9100'",
        ),
        ("unit_weights", TargetRow, "DELETE FROM unit_weights"),
        (
            "unit_versions",
            TreeGeneration,
            "UPDATE unit_versions SET name = 'Xã An' WHERE unit_id = {commune}",
        ),
        (
            "unit_versions",
            TreeGeneration,
            "DELETE FROM unit_versions WHERE unit_id = {commune}",
        ),
        // Last: the report's values go with it.
        ("actuals", YearShard, "DELETE FROM actuals"),
    ];
    for (_, k, sql) in writes {
        assert!(moves(&t, &p, *k, sql).await, "{sql} left the figures' key");
    }
    // The list of sources is the list tested here, each with the key it moves.
    let tested: BTreeSet<(&str, FigureKey)> = writes.iter().map(|(t, k, _)| (*t, *k)).collect();
    let listed: BTreeSet<(&str, FigureKey)> = FIGURE_SOURCES.iter().copied().collect();
    assert_eq!(tested, listed);
    // A district's tree writes move the generation too, not only a commune's.
    assert!(
        moves(
            &t,
            &p,
            TreeGeneration,
            &format!(
                "UPDATE unit_versions SET name = 'Huyện Ba Tri' WHERE unit_id = {}",
                p.district.0
            ),
        )
        .await
    );
}

async fn saving_a_draft_moves_only_what_it_writes(t: TestDb) {
    let p = plan(&t).await;
    // A report's narrative is no part of a figure: the plan's figures stay served.
    assert!(
        !moves(
            &t,
            &p,
            FigureKey::YearShard,
            "UPDATE reports SET narrative = 'đã làm', row_version = row_version + 1 WHERE id = {report}",
        )
        .await
    );
}

/// What a roll-up reads, as PostgreSQL counts it in the reading transaction
/// (`pg_stat_xact_user_tables`), is only figure sources and the keys themselves. SQLite keeps
/// no such count; the reads are the same SQL on both.
async fn a_figure_reads_nothing_but_its_sources(t: TestDb) {
    if t.backend != Backend::Postgres {
        return;
    }
    let p = plan(&t).await;
    let mut tx = t.db.begin().await.unwrap();
    // The counts include what this connection did before and has not reported yet: compare.
    let scans = "SELECT CAST(relname AS TEXT), CAST(seq_scan + COALESCE(idx_scan, 0) AS BIGINT) \
                 FROM pg_stat_xact_user_tables";
    let before: std::collections::HashMap<String, i64> = sqlx::query_as(scans)
        .fetch_all(&mut *tx)
        .await
        .unwrap()
        .into_iter()
        .collect();
    let period = Period::Month(2021, 4);
    for at in [None, Some(now())] {
        let inputs = figure_inputs(&mut tx, p.target, period, at).await.unwrap();
        assert_eq!(inputs.target.id, p.target);
    }
    units::versions_on(&mut tx, period.tree_date())
        .await
        .unwrap();
    units::generation(&mut tx).await.unwrap();
    targets::values_versions_of_document(&mut tx, p.doc, period)
        .await
        .unwrap();
    let after: Vec<(String, i64)> = sqlx::query_as(scans).fetch_all(&mut *tx).await.unwrap();
    let read: BTreeSet<String> = after
        .into_iter()
        .filter(|(table, n)| *n > before.get(table).copied().unwrap_or(0))
        .map(|(table, _)| table)
        .collect();
    let allowed: BTreeSet<String> = FIGURE_SOURCES
        .iter()
        .map(|(t, _)| t.to_string())
        .chain(["target_year_shards".into(), "org_generation".into()])
        .collect();
    assert!(
        read.contains("actuals") && read.contains("unit_weights"),
        "{read:?}"
    );
    let unlisted: Vec<&String> = read.difference(&allowed).collect();
    assert!(
        unlisted.is_empty(),
        "a figure reads {unlisted:?}, which move no key: give them `*_figures` triggers"
    );
}

/// A figure's key moves with the values of the years its period spans, and with nothing else
/// the values tables hold: a report for 2022 leaves the figures of 2021 standing.
async fn a_value_of_another_year_leaves_a_figure_standing(t: TestDb) {
    let p = plan(&t).await;
    let version = |period: Period| {
        let db = t.db.clone();
        let target = p.target;
        async move {
            let mut conn = db.reader().await.unwrap();
            targets::values_version(&mut conn, target, period)
                .await
                .unwrap()
        }
    };
    let write = |period: &str, start: &str, end: &str| {
        let sql = format!(
            "INSERT INTO actuals (target_id, unit_id, period, period_start, period_end, value, \
             packed, recorded_at) VALUES ({}, {}, '{period}', '{start}', '{end}', '3', 'x', 'x')",
            p.target.0, p.commune.0
        );
        let db = t.db.clone();
        async move {
            let mut tx = db.begin().await.unwrap();
            sqlx::query(&sql).execute(&mut *tx).await.unwrap();
            tx.commit().await.unwrap();
        }
    };
    let (june, year, next_year, term) = (
        Period::Month(2021, 6),
        Period::Year(2021),
        Period::Year(2022),
        Period::Span(2020, 2025),
    );
    let before = [
        version(june).await,
        version(year).await,
        version(next_year).await,
        version(term).await,
    ];
    write("2022-02", "2022-02-01", "2022-02-28").await;
    let after = [
        version(june).await,
        version(year).await,
        version(next_year).await,
        version(term).await,
    ];
    assert_eq!(after[0], before[0], "June 2021 moved with February 2022");
    assert_eq!(after[1], before[1], "2021 moved with February 2022");
    assert!(after[2] > before[2], "2022 did not move");
    assert!(after[3] > before[3], "the term 2020..2025 did not move");
    // A value of 2021 moves every figure whose period spans 2021.
    write("2021-03", "2021-03-01", "2021-03-31").await;
    let last = [
        version(june).await,
        version(year).await,
        version(next_year).await,
        version(term).await,
    ];
    assert!(last[0] > after[0] && last[1] > after[1] && last[3] > after[3]);
    assert_eq!(last[2], after[2], "2022 moved with March 2021");
}

/// A figure's key shard by shard: a unit's value moves its unit's shard and no other; moving a
/// value to another unit moves both units' shards; a quota moves the target's row and no shard.
/// The sum is the values version lists compare.
async fn a_value_moves_the_shard_of_its_unit_and_only_it(t: TestDb) {
    let p = plan(&t).await;
    let other = create_unit(&t, "X-B", "Xã B", Some(p.district), "2000-01-01", None).await;
    assert_ne!(targets::unit_shard(other), targets::unit_shard(p.commune));
    let year = Period::Year(2021);
    let key = || {
        let db = t.db.clone();
        let target = p.target;
        async move {
            let mut conn = db.reader().await.unwrap();
            let key = targets::shard_key(&mut conn, target, year).await.unwrap();
            let version = targets::values_version(&mut conn, target, year)
                .await
                .unwrap();
            assert_eq!(key.version(), version, "the shards sum to the version");
            key
        }
    };
    let run = |sql: String| {
        let db = t.db.clone();
        async move {
            let mut tx = db.begin().await.unwrap();
            let done = sqlx::query(&sql).execute(&mut *tx).await.unwrap();
            assert!(done.rows_affected() > 0, "{sql} wrote nothing");
            tx.commit().await.unwrap();
        }
    };
    let first = key().await;
    run(format!(
        "INSERT INTO actuals (target_id, unit_id, period, period_start, period_end, value, \
         packed, recorded_at) VALUES ({}, {}, '2021-03', '2021-03-01', '2021-03-31', '3', 'x', 'x')",
        p.target.0, p.commune.0
    ))
    .await;
    let written = key().await;
    assert_eq!(written.target, first.target);
    assert_eq!(
        written.moved_since(&first),
        vec![targets::unit_shard(p.commune)]
    );
    run(format!(
        "UPDATE actuals SET unit_id = {} WHERE target_id = {} AND unit_id = {}",
        other.0, p.target.0, p.commune.0
    ))
    .await;
    let moved = key().await;
    let mut both = vec![targets::unit_shard(p.commune), targets::unit_shard(other)];
    both.sort();
    assert_eq!(moved.moved_since(&written), both);
    run(format!(
        "INSERT INTO quotas (target_id, unit_id, period, period_start, period_end, value) \
         VALUES ({}, {}, '2021', '2021-01-01', '2021-12-31', '5')",
        p.target.0, other.0
    ))
    .await;
    let quota = key().await;
    assert!(quota.target > moved.target);
    assert!(quota.moved_since(&moved).is_empty());
}

both_backends!(
    a_value_moves_the_shard_of_its_unit_and_only_it,
    a_value_of_another_year_leaves_a_figure_standing,
    every_write_to_a_figure_source_moves_its_key,
    saving_a_draft_moves_only_what_it_writes,
    a_figure_reads_nothing_but_its_sources,
);
