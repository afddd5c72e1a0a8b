//! A unit's figure month by month over a year: the target page's trend chart.

use super::*;
use crate::scope::Trees;
use crate::{Actor, App, AppError, Result};
use rust_decimal::Decimal;
use serde::Serialize;
use trienkhai_core::ids::{TargetId, UnitId};
use trienkhai_core::over_time::OverTime;
use trienkhai_core::period::Period;
use trienkhai_core::target::Status;

/// A point of a trend: a month's figure and, for flows, the running total of the year (while
/// every month so far is complete).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct TrendPoint {
    pub period: Period,
    pub value: Option<Decimal>,
    pub cumulative: Option<Decimal>,
    pub status: Status,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Trend {
    pub target_id: TargetId,
    pub unit_id: UnitId,
    pub year: i32,
    pub goal: Option<Decimal>,
    pub over_time: OverTime,
    pub points: Vec<TrendPoint>,
    /// The year's own figure.
    pub year_figure: UnitFigure,
}

/// The month-by-month figure of `unit` over `year`.
pub async fn trend(
    app: &App,
    actor: &Actor,
    id: TargetId,
    unit: UnitId,
    year: i32,
) -> Result<Trend> {
    if !trienkhai_core::period::YEARS.contains(&year) {
        return Err(AppError::Invalid(
            trienkhai_core::error::DomainError::new("out_of_range", "year")
                .with_detail("1900..2200"),
        ));
    }
    let year_period = Period::Year(year);
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    let target = target_for_unit(
        app,
        &mut conn,
        &mut trees,
        actor,
        id,
        unit,
        year_period.tree_date(),
    )
    .await?;
    let mut points = Vec::new();
    let mut running = Some(Decimal::ZERO);
    for month in year_period.months() {
        let c = computed(app, &mut conn, &mut trees, id, month).await?;
        let f = c.figure_of(unit);
        // The running total is a known figure only while every month is: after a month with
        // units missing, adding what arrived would chart a total the year's own figure cannot
        // agree with (74 on the chart against 66 counted), so the line stops there.
        running = match (running, f.value) {
            (Some(r), Some(v)) if f.complete => Some(r + v),
            _ => None,
        };
        points.push(TrendPoint {
            period: month,
            value: f.value,
            cumulative: (target.over_time == OverTime::Sum)
                .then_some(running)
                .flatten(),
            status: f.status,
        });
    }
    let c = computed(app, &mut conn, &mut trees, id, year_period).await?;
    let year_figure = c.figure_of(unit);
    Ok(Trend {
        target_id: id,
        unit_id: unit,
        year,
        goal: year_figure.goal,
        over_time: target.over_time,
        points,
        year_figure,
    })
}
