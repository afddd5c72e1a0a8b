//! `trienkhai bench-ratings`: the year-end rating budgets of issue 14 on a generated database
//! (the `province` preset: 100,000 persons, each with an appraised member rating of the year),
//! through the use cases the pages and the API call.
//!
//! - Rating the whole tree: every appraised rating below the root re-read from the records
//!   (registrations with their year-end assessments, work items), evaluated again by its rule
//!   set and written where it changed. Measured as previews (everything done, then rolled
//!   back, so each run finds the same work), then applied once, then once more with nothing
//!   left to change (reading and evaluating alone).
//! - One person's explanation: the view of one rating (its rule set, steps, history, the
//!   tasks the records give now), as `GET /api/v1/ratings/{id}` answers it.

use std::time::{Duration, Instant};

use anyhow::{Context, anyhow};
use trienkhai_app::{Actor, App, rating_refresh, ratings};
use trienkhai_core::grading::workflow::RatingState;

pub(crate) fn median_ms(mut samples: Vec<Duration>) -> (f64, f64, f64) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    (
        ms(samples[samples.len() / 2]),
        ms(samples[0]),
        ms(samples[samples.len() - 1]),
    )
}

pub async fn run(app: &App, runs: usize) -> anyhow::Result<()> {
    let runs = runs.max(3);
    let actor = Actor::system("bench", app.today());
    let err = |e: trienkhai_app::AppError| anyhow!("{e}");
    let plan = crate::load::generated_plan(app).await?;
    let root = plan.issuer_unit_id.context("the plan has an issuer")?;
    let year = trienkhai_app::generate::YEAR;
    println!(
        "year-end ratings of {year} below the generated plan's issuer, backend {}",
        app.db.backend().as_str()
    );

    let mut previews = Vec::new();
    let mut found = None;
    for _ in 0..runs {
        let started = Instant::now();
        let outcome = rating_refresh::refresh(app, &actor, root, year, None, false)
            .await
            .map_err(err)?;
        previews.push(started.elapsed());
        found = Some(outcome);
    }
    let found = found.context("a preview ran")?;
    let started = Instant::now();
    let applied = rating_refresh::refresh(app, &actor, root, year, None, true)
        .await
        .map_err(err)?;
    let applied_in = started.elapsed();
    let started = Instant::now();
    let settled = rating_refresh::refresh(app, &actor, root, year, None, true)
        .await
        .map_err(err)?;
    let settled_in = started.elapsed();
    if applied.changed != found.changed || settled.changed != 0 {
        anyhow::bail!(
            "the preview found {} to change, applying changed {}, then {}",
            found.changed,
            applied.changed,
            settled.changed
        );
    }
    let (p50, min, max) = median_ms(previews);
    println!(
        "{} appraised ratings examined, {} with tasks or evaluation to change ({} proposed \
         levels moved), {} kept as they were",
        found.examined, found.changed, found.levels_changed, found.kept
    );
    println!("| what | median | min | max |");
    println!("|---|---|---|---|");
    println!(
        "| rating the whole tree, preview (read, evaluate, write, roll back), {runs} runs | \
         {p50:.0} ms | {min:.0} ms | {max:.0} ms |"
    );
    println!(
        "| rating the whole tree, applied ({} written) | {:.0} ms | – | – |",
        applied.changed,
        applied_in.as_secs_f64() * 1000.0
    );
    println!(
        "| the same again, nothing left to change (read and evaluate) | {:.0} ms | – | – |",
        settled_in.as_secs_f64() * 1000.0
    );

    // One person's explanation: a rating that has tasks now.
    let id = {
        let mut conn = app.db.reader().await?;
        let units = trienkhai_store::units::versions_on(
            &mut conn,
            chrono::NaiveDate::from_ymd_opt(year, 12, 31).context("a date")?,
        )
        .await?;
        let cells: Vec<_> = units
            .iter()
            .filter(|u| u.kind == "chi_bo")
            .map(|u| u.unit_id)
            .take(20)
            .collect();
        trienkhai_store::ratings::ratings_in_units(&mut conn, &cells, year)
            .await?
            .into_iter()
            .find(|r| r.state == RatingState::Appraised && !r.tasks.is_empty())
            .map(|r| r.id)
            .context("an appraised rating with tasks")?
    };
    let mut views = Vec::new();
    for _ in 0..(runs * 20) {
        let started = Instant::now();
        let v = ratings::view(app, &actor, id).await.map_err(err)?;
        views.push(started.elapsed());
        if v.rating.evaluation.is_none() {
            anyhow::bail!("rating {id} has no explanation");
        }
    }
    let (p50, min, max) = median_ms(views);
    println!(
        "| one person's explanation (rating {id}: view with steps, history, tasks now), {} runs | \
         {p50:.2} ms | {min:.2} ms | {max:.2} ms |",
        runs * 20
    );
    Ok(())
}
