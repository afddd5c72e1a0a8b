//! `trienkhai bench-criteria`: the criteria overview budget of issue 15 (a province of 103
//! communes, each assessed yearly against the 19 new-rural criteria, renders its overview in
//! ≤ 50 ms). On a database without it, it first builds that province (`BENCH-TINH` and its
//! communes, from 01/01/2020) and assesses every commune at the end of 2021 to 2025 through the
//! use case the pages call (values checked, evaluated, kept with their summary). Then it times
//! what the unit page asks for: the overview at the end of 2025 (the province's 103 latest
//! assessments, the bars and the summary), and one commune's five assessments side by side.
//! Its last lines (`root=`, `session=`) let `scripts/bench-criteria` time the page over HTTP.

use std::time::Instant;

use anyhow::{Context, anyhow};
use chrono::NaiveDate;
use trienkhai_app::criteria_assessments::{AssessmentInput, assess};
use trienkhai_app::criteria_overview;
use trienkhai_app::org::{self, ChangeContext, NewUnit};
use trienkhai_app::{Actor, App};
use trienkhai_core::criteria::CatalogueKind;
use trienkhai_core::criteria::evaluate::Value;
use trienkhai_core::ids::UnitId;
use trienkhai_store::criteria::ValueEntry;

use crate::bench_ratings::median_ms;

const COMMUNES: usize = 103;
const ROOT: &str = "BENCH-TINH";

fn day(y: i32, m: u32, d: u32) -> anyhow::Result<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d).context("a date")
}

/// The province and its communes, made once.
async fn province(app: &App, actor: &Actor) -> anyhow::Result<(UnitId, Vec<UnitId>, bool)> {
    let err = |e: trienkhai_app::AppError| anyhow!("{e}");
    if let Some(root) = org::unit_id_by_code(app, ROOT).await.map_err(err)? {
        let mut communes = Vec::new();
        for c in 1..=COMMUNES {
            let code = format!("{ROOT}-X{c:03}");
            communes.push(
                org::unit_id_by_code(app, &code)
                    .await
                    .map_err(err)?
                    .with_context(|| format!("{code} is missing"))?,
            );
        }
        return Ok((root, communes, false));
    }
    let ctx = ChangeContext {
        effective_on: Some(day(2020, 1, 1)?),
        basis: None,
        note: None,
        source: Some("illustrative".into()),
    };
    let unit = |code: String, name: String, kind: &str, parent: Option<UnitId>| NewUnit {
        code,
        name,
        kind: kind.into(),
        parent_id: parent,
        valid_to: None,
    };
    let root = org::create_unit(
        app,
        actor,
        &unit(ROOT.into(), "Tỉnh ủy Thử nghiệm".into(), "tinh_uy", None),
        &ctx,
    )
    .await
    .map_err(err)?;
    let mut communes = Vec::new();
    for c in 1..=COMMUNES {
        communes.push(
            org::create_unit(
                app,
                actor,
                &unit(
                    format!("{ROOT}-X{c:03}"),
                    format!("Đảng bộ xã Thử nghiệm {c:03}"),
                    "dang_uy_xa",
                    Some(root),
                ),
                &ctx,
            )
            .await
            .map_err(err)?,
        );
    }
    Ok((root, communes, true))
}

pub async fn run(app: &App, runs: usize) -> anyhow::Result<()> {
    let runs = runs.max(3);
    let actor = Actor::system("bench", app.today());
    let err = |e: trienkhai_app::AppError| anyhow!("{e}");
    trienkhai_app::criteria::install_shipped(app)
        .await
        .map_err(err)?;
    let catalogue = trienkhai_app::criteria::catalogues(app, &actor)
        .await
        .map_err(err)?
        .into_iter()
        .find(|c| c.code == "ntm-xa-2021-2025")
        .context("the shipped new-rural catalogue")?
        .id;
    let (root, communes, made) = province(app, &actor).await?;
    if made {
        let started = Instant::now();
        for year in 2021..=2025 {
            for (i, commune) in communes.iter().enumerate() {
                // More communes meet the standard each year; the rest miss one to three.
                let missing = (i * 7 + usize::try_from(year - 2021).unwrap_or(0) * 13) % 4;
                let values = (1..=19u32)
                    .map(|k| ValueEntry {
                        code: k.to_string(),
                        value: Value::Met(
                            usize::try_from(k).unwrap_or(0) > missing || year == 2025 && i % 2 == 0,
                        ),
                        evidence: format!("Báo cáo năm {year}"),
                    })
                    .collect();
                let input = AssessmentInput {
                    unit_id: *commune,
                    catalogue_id: catalogue,
                    assessed_on: day(year, 12, 31)?,
                    values,
                    note: String::new(),
                };
                assess(app, &actor, None, &input, None).await.map_err(err)?;
            }
        }
        println!(
            "built: {COMMUNES} communes × 5 years × 19 criteria in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    println!(
        "criteria overview of {COMMUNES} communes, backend {}",
        app.db.backend().as_str()
    );
    let mut overview = Vec::new();
    let mut shown = None;
    for _ in 0..runs {
        let started = Instant::now();
        let o = criteria_overview::overview(app, &actor, root, CatalogueKind::NewRural, Some(2025))
            .await
            .map_err(err)?;
        overview.push(started.elapsed());
        shown = Some(o);
    }
    let shown = shown.context("an overview ran")?;
    if shown.rows.len() != COMMUNES
        || shown.passed + shown.not_passed + shown.incomplete + shown.unassessed != COMMUNES
    {
        anyhow::bail!(
            "the overview shows {} rows ({} passed, {} not)",
            shown.rows.len(),
            shown.passed,
            shown.not_passed
        );
    }
    let mut history = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        let views = criteria_overview::year_over_year(app, &actor, communes[0])
            .await
            .map_err(err)?;
        history.push(started.elapsed());
        if views.first().map(|v| v.columns.len()) != Some(5) {
            anyhow::bail!("the commune's history is not its five years");
        }
    }
    let (p50, min, max) = median_ms(overview);
    let (h50, hmin, hmax) = median_ms(history);
    println!(
        "{} passed, {} not passed at the end of 2025",
        shown.passed, shown.not_passed
    );
    println!("| what | median | min | max |");
    println!("|---|---|---|---|");
    println!(
        "| overview of {COMMUNES} communes at 31/12/2025 (latest of 515 assessments), {runs} runs | \
         {p50:.1} ms | {min:.1} ms | {max:.1} ms |"
    );
    println!(
        "| one commune's 5 assessments year over year, {runs} runs | {h50:.1} ms | {hmin:.1} ms \
         | {hmax:.1} ms |"
    );
    // For scripts/bench-criteria, which times the page itself over HTTP.
    let account = crate::load::bench_account(
        app,
        "bench-criteria",
        "Đo hiệu năng (bộ tiêu chí)",
        (trienkhai_core::access::Role::Admin, None),
    )
    .await?;
    let session = trienkhai_app::auth::start_session(app, account)
        .await
        .map_err(err)?;
    println!("root={}", root.0);
    println!("session={}", session.secret);
    Ok(())
}
