//! A kept roll-up whose unit shards moved is read again for those units only: after every kind
//! of write, the figure and its explanation equal those of an instance that kept nothing.

use super::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use trienkhai_app::reporting;
use trienkhai_app::targets::{ActualInput, ActualRow, Inputs};
use trienkhai_core::period::Period;
use trienkhai_core::reporting::{Cadence, Counted, DeadlineRule, ReportAction, ReportState};
use trienkhai_testkit::TestDb;

/// The version of a value as last read (none before the first).
async fn value_version(
    app: &App,
    actor: &Actor,
    target: TargetId,
    unit: UnitId,
    period: Period,
) -> Option<i64> {
    targets::actuals_of_unit(app, actor, target, unit)
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.period == period)
        .map(|a| a.row_version)
}

/// The plan's communes report monthly in 2021.
async fn monthly_reports_in_2021(app: &App, admin: &Actor, doc: DocumentId) {
    reporting::add_calendar(
        app,
        admin,
        doc,
        Cadence::Monthly,
        (2021, 2021),
        DeadlineRule::new(5, 2).unwrap(),
    )
    .await
    .unwrap();
}

fn input(value: i64, version: Option<i64>) -> ActualInput {
    ActualInput {
        value: Some(Decimal::from(value)),
        row_version: version,
        ..Default::default()
    }
}

fn ratio(part: i64, whole: i64, version: Option<i64>) -> ActualInput {
    ActualInput {
        numerator: Some(Decimal::from(part)),
        denominator: Some(Decimal::from(whole)),
        row_version: version,
        ..Default::default()
    }
}

pub(crate) async fn a_figure_recomputed_by_shard_equals_one_computed_from_nothing(t: TestDb) {
    let app = demo_app(&t).await;
    let admin = actor(&app, "admin").await;
    let anthuy = actor(&app, "anthuy").await;
    let doc = plan(&app, &admin, "02-NQ/HU").await;
    let district = unit(&app, "BTR", "2021-06-01").await;
    let own = unit(&app, "X-ANTHUY", "2021-06-01").await;
    let firms = target(&app, &admin, doc, "KT05").await;
    let poverty = target(&app, &admin, doc, "XH01").await;
    monthly_reports_in_2021(&app, &admin, doc).await;
    let communes: Vec<UnitId> = targets::rollup(
        &app,
        &admin,
        firms,
        district,
        Period::Year(2021),
        Inputs::All,
    )
    .await
    .unwrap()
    .explanation
    .inputs
    .iter()
    .map(|i| i.unit_id)
    .collect();
    assert!(communes.len() > 10 && communes.contains(&own));
    let periods = [
        Period::Month(2021, 4),
        Period::FirstHalf(2021),
        Period::Year(2021),
    ];
    // Every figure read through the instance that keeps its roll-ups, and again through one
    // that keeps nothing.
    let same_as_from_nothing = |step: String| {
        let (app, admin, db) = (app.clone(), admin.clone(), t.db.clone());
        async move {
            for target in [firms, poverty] {
                for period in periods {
                    for unit in [district, own] {
                        let kept = targets::rollup(&app, &admin, target, unit, period, Inputs::All)
                            .await
                            .unwrap();
                        let fresh = App::new(db.clone());
                        let computed =
                            targets::rollup(&fresh, &admin, target, unit, period, Inputs::All)
                                .await
                                .unwrap();
                        assert_eq!(
                            serde_json::to_value(&kept).unwrap(),
                            serde_json::to_value(&computed).unwrap(),
                            "after {step}: target {target:?}, {period}, unit {unit:?}"
                        );
                    }
                }
            }
        }
    };
    same_as_from_nothing("nothing".into()).await;
    let first = app.rollup_counts();
    let mut rng = StdRng::seed_from_u64(2021);
    let mut report: Option<i64> = None;
    for step in 0..36 {
        let month = Period::Month(2021, rng.gen_range(1..=6));
        let commune = communes[rng.gen_range(0..communes.len())];
        let what = match rng.gen_range(0..7) {
            // A value typed in for any commune, or marked not applicable.
            0 | 1 => {
                let version = value_version(&app, &admin, firms, commune, month).await;
                let mut typed = input(rng.gen_range(0..40), version);
                if rng.gen_range(0..6) == 0 {
                    typed = ActualInput {
                        not_applicable: true,
                        row_version: version,
                        ..Default::default()
                    };
                }
                targets::record_actual(&app, &admin, firms, commune, month, &typed, "user")
                    .await
                    .unwrap();
                format!("a value of {commune:?} for {month}")
            }
            // A share, numerator and denominator.
            2 => {
                let version = value_version(&app, &admin, poverty, commune, month).await;
                let whole = rng.gen_range(100..900);
                let part = rng.gen_range(0..whole / 4);
                targets::record_actual(
                    &app,
                    &admin,
                    poverty,
                    commune,
                    month,
                    &ratio(part, whole, version),
                    "user",
                )
                .await
                .unwrap();
                format!("a share of {commune:?} for {month}")
            }
            // An import of several communes at once.
            3 => {
                let mut rows = Vec::new();
                for c in communes.iter().take(rng.gen_range(2..6)) {
                    rows.push(ActualRow {
                        unit_id: *c,
                        period: month,
                        input: input(
                            rng.gen_range(0..40),
                            value_version(&app, &admin, firms, *c, month).await,
                        ),
                    });
                }
                targets::record_actuals_batch(&app, &admin, firms, &rows, "user")
                    .await
                    .unwrap();
                format!("an import of {} rows for {month}", rows.len())
            }
            // An Thủy's report: opened and filled, then moved on by its commune and its
            // district (its values count only once it is accepted).
            _ => match report {
                None => {
                    let opened = reporting::open_report(&app, &anthuy, doc, own, month)
                        .await
                        .unwrap();
                    let id = opened.report.id;
                    if opened.report.state.editable() {
                        let period = opened.report.period;
                        let version = value_version(&app, &anthuy, firms, own, period).await;
                        reporting::record_value(
                            &app,
                            &anthuy,
                            id,
                            firms,
                            &input(rng.gen_range(0..40), version),
                        )
                        .await
                        .unwrap();
                        report = Some(id);
                        format!("a draft of An Thủy's report for {period}")
                    } else {
                        format!(
                            "An Thủy's report for {month}, already {:?}",
                            opened.report.state
                        )
                    }
                }
                Some(id) => {
                    let r = reporting::get_report(&app, &admin, id)
                        .await
                        .unwrap()
                        .report;
                    let (who, action) = match r.state {
                        ReportState::Draft | ReportState::Returned => {
                            (&anthuy, ReportAction::Submit)
                        }
                        ReportState::Submitted if rng.gen_bool(0.3) => {
                            (&admin, ReportAction::Return)
                        }
                        ReportState::Submitted => (&admin, ReportAction::Accept),
                        _ => (&admin, ReportAction::Reopen),
                    };
                    let comment = (action == ReportAction::Return).then_some("Bổ sung số liệu");
                    let next = reporting::act(&app, who, id, action, comment, r.row_version)
                        .await
                        .unwrap();
                    report = match action {
                        ReportAction::Accept => None,
                        _ => Some(next),
                    };
                    format!("{action:?} of An Thủy's report for {}", r.period)
                }
            },
        };
        same_as_from_nothing(format!("step {step}, {what}")).await;
    }
    let counts = app.rollup_counts();
    assert!(
        counts.recomputed > first.recomputed + 20,
        "the kept roll-ups were read again by shard: {counts:?}"
    );
    // A change every unit's figure reads (which reports count) is computed from nothing.
    let before = app.rollup_counts();
    reporting::set_counting(&app, &admin, doc, Counted::Submitted)
        .await
        .unwrap();
    same_as_from_nothing("counting submitted reports".into()).await;
    let after = app.rollup_counts();
    assert_eq!(after.recomputed, before.recomputed);
    assert!(after.computed > before.computed);
}

/// At start the figures of each plan's latest reported period are computed and kept: the first
/// viewer of that period is served from memory.
pub(crate) async fn the_latest_reported_period_is_computed_at_start(t: TestDb) {
    let app = demo_app(&t).await;
    let admin = actor(&app, "admin").await;
    let anthuy = actor(&app, "anthuy").await;
    let doc = plan(&app, &admin, "02-NQ/HU").await;
    let district = unit(&app, "BTR", "2021-06-01").await;
    let own = unit(&app, "X-ANTHUY", "2021-06-01").await;
    // No report yet: nothing to compute.
    assert_eq!(targets::warm_latest_periods(&app).await.unwrap(), 0);
    monthly_reports_in_2021(&app, &admin, doc).await;
    for month in [4, 5] {
        reporting::open_report(&app, &anthuy, doc, own, Period::Month(2021, month))
            .await
            .unwrap();
    }
    let restarted = App::new(t.db.clone());
    let plan_targets = targets::targets_of_document(&restarted, &admin, doc)
        .await
        .unwrap()
        .len();
    assert_eq!(
        targets::warm_latest_periods(&restarted).await.unwrap(),
        plan_targets
    );
    let warmed = restarted.rollup_counts();
    assert_eq!(warmed.computed as usize, plan_targets);
    let may = trienkhai_app::cascade::document_figures(
        &restarted,
        &admin,
        doc,
        Period::Month(2021, 5),
        district,
    )
    .await
    .unwrap();
    assert!(may.iter().any(|row| row.figure.is_some()));
    assert_eq!(restarted.rollup_counts(), warmed, "May was served as kept");
    // April, not the latest, is computed when asked for.
    trienkhai_app::cascade::document_figures(
        &restarted,
        &admin,
        doc,
        Period::Month(2021, 4),
        district,
    )
    .await
    .unwrap();
    assert!(restarted.rollup_counts().computed > warmed.computed);
}
