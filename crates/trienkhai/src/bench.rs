//! `trienkhai bench`: the roll-up budgets of PRODUCT.md §7 measured on a generated database,
//! through the same use cases the pages and the API call (authorisation included).
//!
//! - B1: every target of the plan rolled up over the whole tree for one period, at the root:
//!   computed from the database (roll-up cache emptied, the tree of the date already loaded),
//!   and served from the cache (each figure checked against the database's versions).
//! - B1 after another instance's write: one leaf of every target rewritten by a second
//!   instance, then every figure read by the first (each kept roll-up re-reads its moved shard).
//! - B2: one leaf value changed (a recorded value, its transaction and audit entry), then the
//!   root figure of that target read.
//! - The use cases under the dashboard (B3), warm: every unit's report of the period, and the
//!   whole dashboard of the root.

use std::time::{Duration, Instant};

use anyhow::{Context, anyhow};
use trienkhai_app::targets::{self, ActualInput};
use trienkhai_app::{Actor, App};
use trienkhai_core::period::Period;
use trienkhai_store::{documents, units};

fn median(mut samples: Vec<Duration>) -> (f64, f64, f64) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    (
        ms(samples[samples.len() / 2]),
        ms(samples[0]),
        ms(samples[samples.len() - 1]),
    )
}

pub async fn run(app: &App, period: &str, runs: usize) -> anyhow::Result<()> {
    let runs = runs.max(3);
    let period = Period::parse(period).map_err(|e| anyhow!("--period: {e}"))?;
    let actor = Actor::system("bench", app.today());
    let err = |e: trienkhai_app::AppError| anyhow!("{e}");
    let (plan, root, leaf) = {
        let mut conn = app.db.reader().await?;
        let plan = documents::list_documents(
            &mut conn,
            &documents::DocumentFilter {
                number: trienkhai_core::document_number::DocumentNumber::parse("01-NQ/TU").ok(),
                ..Default::default()
            },
        )
        .await?
        .into_iter()
        .chain(
            documents::list_documents(
                &mut conn,
                &documents::DocumentFilter {
                    number: trienkhai_core::document_number::DocumentNumber::parse("01-NQ/HU").ok(),
                    ..Default::default()
                },
            )
            .await?,
        )
        .next()
        .context("no generated plan: run `trienkhai generate` first")?;
        let root = plan.issuer_unit_id.context("the plan has an issuer")?;
        let versions = units::versions_on(&mut conn, period.tree_date()).await?;
        let leaf = versions
            .iter()
            .filter(|v| v.kind == "chi_bo")
            .map(|v| v.unit_id)
            .max()
            .context("no party cell")?;
        (plan.id, root, leaf)
    };
    let all = targets::targets_of_document(app, &actor, plan)
        .await
        .map_err(err)?;
    let units_count = {
        let mut conn = app.db.reader().await?;
        units::versions_on(&mut conn, period.tree_date())
            .await?
            .len()
    };
    println!(
        "{} targets, {} units in the tree of {}, period {period}, backend {}",
        all.len(),
        units_count,
        period.tree_date(),
        app.db.backend().as_str()
    );

    let roll_all = || async {
        let started = Instant::now();
        let rows = trienkhai_app::cascade::document_figures(app, &actor, plan, period, root)
            .await
            .map_err(err)?;
        anyhow::ensure!(
            rows.iter().all(|r| r.figure.is_some()),
            "a figure per target"
        );
        Ok::<Duration, anyhow::Error>(started.elapsed())
    };
    roll_all().await?; // loads the tree of the date once
    let mut cold = Vec::new();
    for _ in 0..runs {
        app.clear_rollup_cache();
        cold.push(roll_all().await?);
    }
    let mut warm = Vec::new();
    for _ in 0..runs {
        warm.push(roll_all().await?);
    }
    let (m, lo, hi) = median(cold);
    println!("B1 from the database: median {m:.1} ms (min {lo:.1}, max {hi:.1}) over {runs} runs");
    let (m, lo, hi) = median(warm);
    println!("B1 from the cache:    median {m:.1} ms (min {lo:.1}, max {hi:.1}) over {runs} runs");

    // B2: a sum target, a leaf value changed, the root read.
    let target = all
        .iter()
        .find(|t| t.aggregation == trienkhai_core::rollup::Aggregation::Sum)
        .context("a sum target")?
        .id;
    // The month a leaf writes: the period's last.
    let month = {
        use chrono::Datelike;
        let end = period.dates().1;
        Period::Month(end.year(), end.month() as u8)
    };
    targets::figure(app, &actor, target, root, period)
        .await
        .map_err(err)?;
    let mut version = targets::actuals_of_unit(app, &actor, target, leaf)
        .await
        .map_err(err)?
        .iter()
        .find(|a| a.period == month)
        .map(|a| a.row_version);
    let mut samples = Vec::new();
    let mut last = None;
    for i in 0..runs {
        let value = rust_decimal::Decimal::from(100 + i as i64);
        let started = Instant::now();
        let written = targets::record_actual(
            app,
            &actor,
            target,
            leaf,
            month,
            &ActualInput {
                value: Some(value),
                row_version: version,
                ..Default::default()
            },
            "illustrative",
        )
        .await
        .map_err(err)?;
        let f = targets::figure(app, &actor, target, root, period)
            .await
            .map_err(err)?;
        samples.push(started.elapsed());
        version = Some(written.row_version);
        if let (Some(before), Some(now)) = (last, f.value) {
            // Each change adds exactly one to the root (a sum), or the measure is wrong.
            anyhow::ensure!(
                now - before == rust_decimal::Decimal::ONE || period != month,
                "the root moved by {} after a change of one",
                now - before
            );
        }
        last = f.value;
    }
    let (m, lo, hi) = median(samples);
    println!(
        "B2 change one leaf, read the root: median {m:.1} ms (min {lo:.1}, max {hi:.1}) over {runs} runs"
    );

    // B1 after another instance's write: a second instance rewrites one leaf's value of every
    // target for the month (what a report's submission moves), then every figure is read by the
    // first, which re-reads the shard that moved of each kept roll-up.
    let other = App::new(app.db.clone());
    let before = app.rollup_counts();
    let mut after_write = Vec::new();
    for _ in 0..runs {
        for t in &all {
            let current = targets::actuals_of_unit(&other, &actor, t.id, leaf)
                .await
                .map_err(err)?
                .into_iter()
                .find(|a| a.period == month);
            let Some(a) = current else { continue };
            let input = ActualInput::same_as(&a.observation, a.note.clone(), a.row_version);
            targets::record_actual(&other, &actor, t.id, leaf, month, &input, "illustrative")
                .await
                .map_err(err)?;
        }
        after_write.push(roll_all().await?);
    }
    let counts = app.rollup_counts();
    let (m, lo, hi) = median(after_write);
    println!(
        "B1 after another instance wrote a leaf of every target: median {m:.1} ms (min {lo:.1}, max {hi:.1}) over {runs} runs; {} roll-ups re-read by shard, {} computed",
        counts.recomputed - before.recomputed,
        counts.computed - before.computed
    );

    // What the dashboard (B3) is made of, one request's use cases at a time, served warm. Reports
    // are made for the periods of the plan's calendar (months in the generated data): for a
    // longer period, its last month.
    let time = |label: &'static str, samples: Vec<Duration>| {
        let (m, lo, hi) = median(samples);
        println!("{label}: median {m:.2} ms (min {lo:.2}, max {hi:.2}) over {runs} runs");
    };
    let period = month;
    println!("The dashboard's parts for the reporting period {period}:");
    let mut parts = [Vec::new(), Vec::new()];
    for i in 0..=runs {
        let started = Instant::now();
        trienkhai_app::reporting::period_reports(app, &actor, plan, period, Some(root), None)
            .await
            .map_err(err)?;
        let reports = started.elapsed();
        let started = Instant::now();
        trienkhai_app::dashboard::dashboard(app, &actor, root, Some(plan), Some(period), None)
            .await
            .map_err(err)?;
        if i > 0 {
            parts[0].push(reports);
            parts[1].push(started.elapsed());
        }
    }
    let [reports, board] = parts;
    time("every unit's report of the period (root)", reports);
    time("the root's dashboard (use case)", board);
    Ok(())
}
