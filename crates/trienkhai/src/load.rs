//! Load tools for the HTTP budgets of PRODUCT.md §7 on a generated database:
//!
//! - `bench-access`: an administrator account `bench`, a viewer and a cell's editor, each with an
//!   API token and a session, and the generated plan's ids, printed as shell assignments for
//!   `scripts/bench-reporting` and `scripts/bench-commune`;
//! - `spike` (B5): every cell of the plan opens its report for the period, saves a value for
//!   each of its targets and submits it, through the API, `--concurrency` at a time; then the
//!   database is read back to prove every report and every value arrived.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};
use serde_json::json;
use trienkhai_app::accounts::{self, GrantInput, NewAccount};
use trienkhai_app::{Actor, App};
use trienkhai_core::access::Role;
use trienkhai_core::ids::{AccountId, DocumentId, UnitId};
use trienkhai_core::period::Period;
use trienkhai_store::{documents, targets};

pub(crate) async fn generated_plan(app: &App) -> anyhow::Result<documents::Document> {
    let mut conn = app.db.reader().await?;
    for number in ["01-NQ/TU", "01-NQ/HU"] {
        if let Some(doc) = documents::list_documents(
            &mut conn,
            &documents::DocumentFilter {
                number: trienkhai_core::document_number::DocumentNumber::parse(number).ok(),
                ..Default::default()
            },
        )
        .await?
        .into_iter()
        .next()
        {
            return Ok(doc);
        }
    }
    bail!("no generated plan: run `trienkhai generate` first")
}

/// The benchmark's administrator `username`, created on first use.
pub(crate) async fn bench_account(
    app: &App,
    username: &str,
    display_name: &str,
    grant: (Role, Option<UnitId>),
) -> anyhow::Result<AccountId> {
    let system = Actor::system("bench", app.today());
    let err = |e: trienkhai_app::AppError| anyhow!("{e}");
    let existing = {
        let mut conn = app.db.reader().await?;
        trienkhai_store::accounts::find_account_by_username(&mut conn, username).await?
    };
    if let Some(a) = existing {
        return Ok(a.id);
    }
    let id = accounts::create_account_unchecked(
        app,
        &system,
        &NewAccount {
            username: username.into(),
            display_name: display_name.into(),
            password: trienkhai_app::auth::random_secret(),
            person_id: None,
        },
        false,
    )
    .await
    .map_err(err)?;
    accounts::grant_role_unchecked(
        app,
        &system,
        id,
        &GrantInput {
            role: grant.0,
            unit_id: grant.1,
            valid_from: Some(chrono::NaiveDate::from_ymd_opt(2000, 1, 1).expect("a date")),
            valid_to: None,
        },
    )
    .await
    .map_err(err)?;
    Ok(id)
}

/// Prints `token=…`, `session=…` (the account that writes: the spike), `viewer_token=…`,
/// `viewer_session=…` (another account, that only reads: figures served to whoever has just
/// written are always exact, so viewers must not be the writers), `cell_token=…`,
/// `cell_session=…` (an editor of one party cell: the bottom of the tree), `commune_session=…`,
/// `commune=…` and `commune_code=…` (an editor of that cell's commune), `plan=…`, `root=…`,
/// `cell=…` and `cell_report=…` (that cell's report of June 2021) for the benchmark scripts.
pub async fn bench_access(app: &App) -> anyhow::Result<()> {
    let system = Actor::system("bench", app.today());
    let err = |e: trienkhai_app::AppError| anyhow!("{e}");
    let plan = generated_plan(app).await?;
    // The bottom of the tree: a cell that has sent its report of June 2021, and that report.
    let june = trienkhai_app::reporting::period_reports(
        app,
        &system,
        plan.id,
        Period::Month(2021, 6),
        None,
        None,
    )
    .await
    .map_err(err)?;
    let cell = june
        .units
        .iter()
        .find(|u| u.received && u.report_id.is_some())
        .context("a cell has sent its report of June 2021")?;
    for (prefix, username, display_name, grant) in [
        ("", "bench", "Đo hiệu năng", (Role::Admin, None)),
        (
            "viewer_",
            "bench-viewer",
            "Đo hiệu năng (xem)",
            (Role::Admin, None),
        ),
        (
            "cell_",
            "bench-cell",
            "Đo hiệu năng (chi bộ)",
            (Role::Editor, Some(cell.unit_id)),
        ),
    ] {
        let account = bench_account(app, username, display_name, grant).await?;
        let token = accounts::issue_token(app, &system, account, "bench", Some(7))
            .await
            .map_err(err)?;
        let session = trienkhai_app::auth::start_session(app, account)
            .await
            .map_err(err)?;
        println!("{prefix}token={}", token.secret);
        println!("{prefix}session={}", session.secret);
    }
    // The cell's commune, with an editor of its own: the secretary's "who has registered".
    let units = trienkhai_app::org::units_as_of(app, &system, app.today())
        .await
        .map_err(err)?;
    let commune = units
        .iter()
        .find(|u| u.id == cell.unit_id)
        .and_then(|c| c.parent_id)
        .and_then(|p| units.iter().find(|u| u.id == p))
        .context("the cell has a commune")?;
    let account = bench_account(
        app,
        "bench-commune",
        "Đo hiệu năng (xã)",
        (Role::Editor, Some(commune.id)),
    )
    .await?;
    let session = trienkhai_app::auth::start_session(app, account)
        .await
        .map_err(err)?;
    println!("commune_session={}", session.secret);
    println!("commune={}", commune.id.0);
    println!("commune_code={}", commune.code);
    println!("plan={}", plan.id.0);
    println!("cell={}", cell.unit_id.0);
    println!("cell_report={}", cell.report_id.unwrap_or_default());
    println!(
        "root={}",
        plan.issuer_unit_id.context("the plan has an issuer")?.0
    );
    Ok(())
}

/// What one unit's submission took, or why it failed.
struct Submission {
    steps: [Duration; 3],
    error: Option<String>,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

/// B5: every expected unit opens, fills and submits its report for `period`.
pub async fn spike(
    app: &App,
    url: &str,
    token: &str,
    period: &str,
    concurrency: usize,
) -> anyhow::Result<()> {
    let period = Period::parse(period).map_err(|e| anyhow!("--period: {e}"))?;
    let system = Actor::system("bench", app.today());
    let plan = generated_plan(app).await?;
    let list = trienkhai_app::reporting::period_reports(app, &system, plan.id, period, None, None)
        .await
        .map_err(|e| anyhow!("{e}"))?;
    if list.received > 0 {
        bail!(
            "{} reports of {period} were already submitted: spike on a fresh database",
            list.received
        );
    }
    let plan_targets = {
        let mut conn = app.db.reader().await?;
        targets::targets_of_document(&mut conn, plan.id).await?
    };
    let units: Vec<i64> = list.units.iter().map(|u| u.unit_id.0).collect();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .timeout(Duration::from_secs(60))
        .build()?;
    let base = url.trim_end_matches('/').to_owned();
    let queue = Arc::new(tokio::sync::Mutex::new(units.clone().into_iter()));
    let target_ids: Arc<Vec<(i64, bool)>> = Arc::new(
        plan_targets
            .iter()
            .map(|t| {
                (
                    t.id.0,
                    t.value_type == trienkhai_core::target::ValueType::Ratio,
                )
            })
            .collect(),
    );
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..concurrency.max(1) {
        let (client, base, queue, target_ids, token) = (
            client.clone(),
            base.clone(),
            queue.clone(),
            target_ids.clone(),
            token.to_owned(),
        );
        let period = period.to_string();
        let document = plan.id.0;
        workers.push(tokio::spawn(async move {
            let mut done = Vec::new();
            loop {
                let Some(unit) = queue.lock().await.next() else {
                    break;
                };
                done.push(
                    submit_one(&client, &base, &token, document, unit, &period, &target_ids).await,
                );
            }
            done
        }));
    }
    let mut all = Vec::new();
    for w in workers {
        all.extend(w.await?);
    }
    let elapsed = started.elapsed();
    let errors: Vec<&String> = all.iter().filter_map(|s| s.error.as_ref()).collect();
    let mut latencies: Vec<f64> = all
        .iter()
        .flat_map(|s| s.steps.iter().map(|d| d.as_secs_f64() * 1000.0))
        .filter(|ms| *ms > 0.0)
        .collect();
    latencies.sort_by(f64::total_cmp);
    // Read back from the database: every report submitted, every value there and linked.
    let (submitted, linked) = verify(app, plan.id, period).await?;
    println!(
        "units {} · targets each {} · concurrency {concurrency} · all submitted in {:.1} s ({:.0} reports/s)",
        units.len(),
        plan_targets.len(),
        elapsed.as_secs_f64(),
        units.len() as f64 / elapsed.as_secs_f64()
    );
    println!(
        "requests {} · errors {} · latency per request p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        latencies.len(),
        errors.len(),
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        latencies.last().copied().unwrap_or_default()
    );
    println!(
        "read back: {submitted} reports submitted of {} expected; {linked} values linked to them of {} expected",
        units.len(),
        units.len() * plan_targets.len()
    );
    for (k, name) in ["open", "save 40 values", "submit"].iter().enumerate() {
        let mut step: Vec<f64> = all
            .iter()
            .filter(|s| s.error.is_none())
            .map(|s| s.steps[k].as_secs_f64() * 1000.0)
            .collect();
        step.sort_by(f64::total_cmp);
        println!(
            "  {name}: p50 {:.1} ms, p99 {:.1} ms",
            percentile(&step, 0.5),
            percentile(&step, 0.99)
        );
    }
    if let Some(e) = errors.first() {
        println!("first error: {e}");
    }
    if !errors.is_empty()
        || submitted != units.len() as i64
        || linked != (units.len() * plan_targets.len()) as i64
    {
        bail!("the spike lost something");
    }
    Ok(())
}

async fn submit_one(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    document: i64,
    unit: i64,
    period: &str,
    targets: &[(i64, bool)],
) -> Submission {
    let mut steps = [Duration::ZERO; 3];
    let result: anyhow::Result<()> = async {
        let t = Instant::now();
        let opened: serde_json::Value = client
            .post(format!("{base}/api/v1/documents/{document}/reports"))
            .bearer_auth(token)
            .json(&json!({ "unit_id": unit, "period": period }))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        steps[0] = t.elapsed();
        let id = opened["id"].as_i64().context("a report id")?;
        let version = opened["row_version"].as_i64().context("a version")?;
        let values: Vec<serde_json::Value> = targets
            .iter()
            .enumerate()
            .map(|(i, (target, ratio))| {
                if *ratio {
                    json!({ "target_id": target, "numerator": (unit + i as i64) % 90, "denominator": 100 })
                } else {
                    json!({ "target_id": target, "value": ((unit + i as i64) % 2).to_string() })
                }
            })
            .collect();
        let t = Instant::now();
        let saved: serde_json::Value = client
            .put(format!("{base}/api/v1/reports/{id}"))
            .bearer_auth(token)
            .json(&json!({ "version": version, "narrative": "Báo cáo tháng (đo tải)", "values": values }))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        steps[1] = t.elapsed();
        let t = Instant::now();
        client
            .post(format!("{base}/api/v1/reports/{id}/actions"))
            .bearer_auth(token)
            .json(&json!({ "action": "submit", "version": saved["row_version"] }))
            .send()
            .await?
            .error_for_status()?;
        steps[2] = t.elapsed();
        Ok(())
    }
    .await;
    Submission {
        steps,
        error: result.err().map(|e| format!("unit {unit}: {e}")),
    }
}

async fn verify(app: &App, plan: DocumentId, period: Period) -> anyhow::Result<(i64, i64)> {
    let mut conn = app.db.reader().await?;
    Ok(trienkhai_store::reports::submitted_with_values(&mut conn, plan, period).await?)
}
