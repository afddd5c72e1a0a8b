//! Charts drawn as SVG on the server: a target's trend over the months of a year and a plan's
//! status bar. Plain SVG in the page: no script, printable, readable by screen readers through
//! its `<title>` and the table that always sits beside it.

use std::fmt::Write;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use trienkhai_core::target::Status;
use trienkhai_core::vn;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn number(d: Decimal) -> String {
    vn::format_decimal(&d, 2)
}

/// One bar of a trend.
pub struct Point {
    pub label: String,
    pub value: Option<Decimal>,
    pub cumulative: Option<Decimal>,
}

const W: f64 = 640.0;
const H: f64 = 220.0;
const LEFT: f64 = 56.0;
const BOTTOM: f64 = 28.0;
const TOP: f64 = 14.0;

/// Monthly bars, the running total as a line (flows), and the goal as a dashed line.
pub fn trend(title: &str, points: &[Point], goal: Option<Decimal>, goal_label: &str) -> String {
    let top = points
        .iter()
        .flat_map(|p| [p.value, p.cumulative])
        .flatten()
        .chain(goal)
        .filter_map(|d| d.to_f64())
        .fold(0.0f64, f64::max);
    let bottom = points
        .iter()
        .filter_map(|p| p.value.and_then(|v| v.to_f64()))
        .fold(0.0f64, f64::min);
    let span = if top - bottom > 0.0 {
        (top - bottom) * 1.1
    } else {
        1.0
    };
    let plot_h = H - BOTTOM - TOP;
    let y = |v: f64| TOP + plot_h - (v - bottom) / span * plot_h;
    let n = points.len().max(1) as f64;
    let slot = (W - LEFT - 8.0) / n;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" viewBox="0 0 {W} {H}" width="{W}" height="{H}" role="img" xmlns="http://www.w3.org/2000/svg"><title>{}</title>"#,
        escape(title)
    );
    // Axis and three gridlines with their values.
    for i in 0..=3 {
        let v = bottom + span / 1.1 * f64::from(i) / 3.0;
        let yy = y(v);
        let label = Decimal::from_f64_retain(v)
            .map(|d| number(d.round_dp(1)))
            .unwrap_or_default();
        let _ = write!(
            svg,
            r##"<line x1="{LEFT}" x2="{}" y1="{yy:.1}" y2="{yy:.1}" stroke="#d9dde5"/><text x="{}" y="{:.1}" font-size="10" text-anchor="end" fill="#5b6475">{label}</text>"##,
            W - 4.0,
            LEFT - 4.0,
            yy + 3.0
        );
    }
    let zero = y(0.0);
    for (i, p) in points.iter().enumerate() {
        let x = LEFT + slot * i as f64;
        let _ = write!(
            svg,
            r##"<text x="{:.1}" y="{}" font-size="10" text-anchor="middle" fill="#5b6475">{}</text>"##,
            x + slot / 2.0,
            H - 10.0,
            escape(&p.label)
        );
        match p.value.and_then(|v| v.to_f64()) {
            Some(v) => {
                let (y1, y2) = if v >= 0.0 { (y(v), zero) } else { (zero, y(v)) };
                let _ = write!(
                    svg,
                    r##"<rect class="bar" x="{:.1}" y="{y1:.1}" width="{:.1}" height="{:.1}" fill="#1a4f9c"><title>{}: {}</title></rect>"##,
                    x + slot * 0.2,
                    slot * 0.6,
                    (y2 - y1).max(0.5),
                    escape(&p.label),
                    number(p.value.unwrap_or_default())
                );
            }
            None => {
                let _ = write!(
                    svg,
                    r##"<text class="missing" x="{:.1}" y="{:.1}" font-size="12" text-anchor="middle" fill="#a4161a">–</text>"##,
                    x + slot / 2.0,
                    zero - 4.0
                );
            }
        }
    }
    let line: Vec<String> = points
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            p.cumulative
                .and_then(|c| c.to_f64())
                .map(|c| format!("{:.1},{:.1}", LEFT + slot * (i as f64 + 0.5), y(c)))
        })
        .collect();
    if line.len() > 1 {
        let _ = write!(
            svg,
            r##"<polyline class="cumulative" points="{}" fill="none" stroke="#1b7f3b" stroke-width="2"/>"##,
            line.join(" ")
        );
    }
    if let Some(g) = goal.and_then(|g| g.to_f64()) {
        let yy = y(g);
        let _ = write!(
            svg,
            r##"<line class="goal" x1="{LEFT}" x2="{}" y1="{yy:.1}" y2="{yy:.1}" stroke="#a4161a" stroke-dasharray="6 4"/><text x="{}" y="{:.1}" font-size="10" text-anchor="end" fill="#a4161a">{} {}</text>"##,
            W - 4.0,
            W - 6.0,
            yy - 4.0,
            escape(goal_label),
            number(goal.unwrap_or_default())
        );
    }
    svg.push_str("</svg>");
    svg
}

/// The colour of a status, shared by the chart and the badges.
pub fn status_class(status: Status) -> &'static str {
    match status {
        Status::Exceeded => "st-exceeded",
        Status::Achieved => "st-achieved",
        Status::NotAchieved => "st-not-achieved",
        Status::NoData => "st-no-data",
        Status::NotApplicable => "st-na",
        Status::NotJudged => "st-progress",
        Status::Incomplete => "st-incomplete",
    }
}

fn status_fill(status: Status) -> &'static str {
    match status {
        Status::Exceeded => "#0f5f2c",
        Status::Achieved => "#3fa35f",
        Status::NotAchieved => "#c0392b",
        Status::NoData => "#9aa1ad",
        Status::NotApplicable => "#d9dde5",
        Status::NotJudged => "#7aa2dc",
        Status::Incomplete => "#d8a93b",
    }
}

/// One horizontal bar split by status, with each part's count and label.
pub fn status_bar(title: &str, counts: &[(Status, usize, String)]) -> String {
    let total: usize = counts.iter().map(|(_, n, _)| n).sum();
    let (w, h) = (640.0, 64.0);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" xmlns="http://www.w3.org/2000/svg"><title>{}</title>"#,
        escape(title)
    );
    let mut x = 0.0;
    let mut legend_x = 0.0;
    for (status, n, label) in counts {
        if *n == 0 {
            continue;
        }
        let width = w * *n as f64 / total.max(1) as f64;
        let _ = write!(
            svg,
            r##"<rect class="{}" x="{x:.1}" y="0" width="{width:.1}" height="28" fill="{}"><title>{}: {n}</title></rect>"##,
            status_class(*status),
            status_fill(*status),
            escape(label)
        );
        if width > 18.0 {
            let _ = write!(
                svg,
                r##"<text x="{:.1}" y="19" font-size="12" text-anchor="middle" fill="#fff">{n}</text>"##,
                x + width / 2.0
            );
        }
        let _ = write!(
            svg,
            r##"<rect x="{legend_x:.1}" y="40" width="10" height="10" fill="{}"/><text x="{:.1}" y="49" font-size="11" fill="#1d2330">{} ({n})</text>"##,
            status_fill(*status),
            legend_x + 14.0,
            escape(label)
        );
        legend_x += 16.0 + 7.0 * (label.chars().count() as f64 + 5.0);
        x += width;
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn a_trend_draws_a_bar_per_reported_month_a_mark_per_missing_one_and_the_goal() {
        let points: Vec<Point> = (1..=12)
            .map(|m| Point {
                label: format!("T{m}"),
                value: (m != 7).then(|| dec("4.5")),
                cumulative: (m < 7).then(|| dec("4.5") * Decimal::from(m)),
            })
            .collect();
        let svg = trend(
            "Số doanh nghiệp <mới>",
            &points,
            Some(dec("60")),
            "Chỉ tiêu",
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert_eq!(svg.matches(r#"class="bar""#).count(), 11);
        assert_eq!(svg.matches(r#"class="missing""#).count(), 1);
        assert!(svg.contains(r#"class="goal""#));
        assert!(svg.contains("Chỉ tiêu 60"));
        assert!(svg.contains("4,5"), "Vietnamese decimals");
        assert!(svg.contains("&lt;mới&gt;"), "text is escaped");
        assert!(svg.contains(r#"class="cumulative""#));
    }

    #[test]
    fn the_status_bar_has_a_part_per_status_present() {
        let svg = status_bar(
            "22 chỉ tiêu",
            &[
                (Status::Exceeded, 5, "Vượt".into()),
                (Status::Achieved, 7, "Đạt".into()),
                (Status::NotAchieved, 6, "Không đạt".into()),
                (Status::NoData, 4, "Chưa có số liệu".into()),
                (Status::NotApplicable, 0, "Không áp dụng".into()),
            ],
        );
        assert_eq!(svg.matches("<rect class=").count(), 4);
        assert!(svg.contains("Không đạt (6)"));
        assert!(!svg.contains("Không áp dụng"));
    }
}
