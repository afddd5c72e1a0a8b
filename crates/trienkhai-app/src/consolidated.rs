//! The consolidated report of a level for a period (C8): the plan's figures rolled up to the
//! level with "x/y chỉ tiêu đạt và vượt", the work items in the national four-state form
//! (đúng hạn / quá hạn / trong hạn / quá hạn chưa xong), and what the units below reported
//! gathered under each item, compiled into a text the level edits into its own report.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;
use trienkhai_core::access::Action;
use trienkhai_core::ids::{DocumentId, UnitId, WorkItemId};
use trienkhai_core::org::TreeSnapshot;
use trienkhai_core::period::Period;
use trienkhai_core::reporting::ReportState;
use trienkhai_core::work_item::{NationalState, State};
use trienkhai_store::reports;
use trienkhai_store::work_items::{self, WorkItem};

use crate::cascade::{PlanOverview, plan_overview};
use crate::scope::{Trees, unit_name_on};
use crate::{Actor, App, Result};

/// What one unit reported on an item (its part of it, when the item was split).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct GatheredLine {
    pub unit_id: UnitId,
    pub unit_name: String,
    pub work_item_id: WorkItemId,
    pub percent: Option<i64>,
    pub narrative: Option<String>,
    pub report_state: ReportState,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ConsolidatedItem {
    pub item: WorkItem,
    pub state: State,
    pub national: NationalState,
    pub lines: Vec<GatheredLine>,
}

/// A unit's general narrative.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct UnitNarrative {
    pub unit_id: UnitId,
    pub unit_name: String,
    pub report_id: i64,
    pub report_state: ReportState,
    pub narrative: String,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Consolidated {
    pub overview: PlanOverview,
    pub unit_id: UnitId,
    pub unit_code: String,
    pub state_on: NaiveDate,
    /// Every state of the national form with its count, zeros included.
    pub national: Vec<(NationalState, usize)>,
    pub items: Vec<ConsolidatedItem>,
    pub narratives: Vec<UnitNarrative>,
    /// Reports gathered (submitted or accepted) and reports still expected.
    pub reports_gathered: usize,
    /// The compiled text, in Vietnamese, to edit into the level's own report.
    pub draft: String,
}

/// The consolidated report of `unit` (default: the plan's unit) for `period`.
pub async fn consolidated(
    app: &App,
    actor: &Actor,
    document: DocumentId,
    period: Period,
    unit: Option<UnitId>,
) -> Result<Consolidated> {
    let overview = plan_overview(app, actor, document, period, unit).await?;
    let unit = overview.unit_id.ok_or(crate::AppError::Forbidden)?;
    let today = app.today();
    let day = period.tree_date();
    let state_on = overview.state_on;
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    trees
        .require(&mut conn, actor, Action::Read, unit, day)
        .await?;
    let tree = trees.at(&mut conn, day).await?;

    // The items the level answers for: led inside it, the highest of a split only.
    let (chosen, top_of) =
        items_led_inside(&mut conn, app.db.backend(), document, &tree, unit).await?;

    // What the units below reported, from the reports the level has received.
    let received: Vec<reports::Report> = reports::reports_of_period(&mut conn, document, period)
        .await?
        .into_iter()
        .filter(|r| {
            matches!(r.state, ReportState::Submitted | ReportState::Accepted)
                && r.unit_id != unit
                && tree.get(r.unit_id).is_some()
                && tree.is_within(r.unit_id, unit)
        })
        .collect();
    let mut lines: HashMap<WorkItemId, Vec<GatheredLine>> = HashMap::new();
    let mut narratives = Vec::new();
    for r in &received {
        let unit_name = unit_name_on(&mut conn, r.unit_id, day)
            .await?
            .unwrap_or_default();
        for line in reports::items_of_report(&mut conn, r.id).await? {
            let Some(top) = top_of.get(&line.work_item_id) else {
                continue;
            };
            if line.percent.is_none() && line.narrative.is_none() {
                continue;
            }
            lines.entry(*top).or_default().push(GatheredLine {
                unit_id: r.unit_id,
                unit_name: unit_name.clone(),
                work_item_id: line.work_item_id,
                percent: line.percent,
                narrative: line.narrative,
                report_state: r.state,
            });
        }
        if let Some(n) = &r.narrative {
            narratives.push(UnitNarrative {
                unit_id: r.unit_id,
                unit_name: unit_name.clone(),
                report_id: r.id,
                report_state: r.state,
                narrative: n.clone(),
            });
        }
    }
    narratives.sort_by_cached_key(|n| trienkhai_core::vn::collation_key(&n.unit_name));

    let mut items = Vec::new();
    let requests = work_items::requests_of_document(&mut conn, document).await?;
    for item in chosen {
        let none = Vec::new();
        let state = crate::work_items::schedule_of(&item, requests.get(&item.id).unwrap_or(&none))
            .state_on(state_on);
        let mut gathered = lines.remove(&item.id).unwrap_or_default();
        gathered.sort_by_cached_key(|l| trienkhai_core::vn::collation_key(&l.unit_name));
        items.push(ConsolidatedItem {
            item,
            state,
            national: state.national(),
            lines: gathered,
        });
    }
    let national = NationalState::ALL
        .into_iter()
        .map(|s| (s, items.iter().filter(|i| i.national == s).count()))
        .collect();
    let unit_code = tree
        .get(unit)
        .map(|v| v.code.as_str().to_owned())
        .unwrap_or_default();
    let mut c = Consolidated {
        unit_id: unit,
        unit_code,
        state_on: state_on.min(today),
        national,
        items,
        narratives,
        reports_gathered: received.len(),
        draft: String::new(),
        overview,
    };
    c.draft = compile(&c);
    Ok(c)
}

/// For every item of a document led inside `unit` (or below such an item), the highest item
/// led inside it that it belongs to: a commune's part of a district item belongs, for the
/// district, to the district's item. Read from the light list of who leads what.
fn tops_inside(
    leads: &[(WorkItemId, Option<WorkItemId>, UnitId)],
    tree: &TreeSnapshot,
    unit: UnitId,
) -> HashMap<WorkItemId, WorkItemId> {
    let by_id: HashMap<WorkItemId, (Option<WorkItemId>, UnitId)> =
        leads.iter().map(|(i, p, l)| (*i, (*p, *l))).collect();
    let inside = |lead: UnitId| tree.get(lead).is_some() && tree.is_within(lead, unit);
    let mut top_of = HashMap::new();
    for (id, parent, lead) in leads {
        let mut top = (*id, *lead);
        let mut cursor = *parent;
        let mut steps = 0;
        while let Some(p) = cursor {
            let Some((grand, p_lead)) = by_id.get(&p) else {
                break;
            };
            if inside(*p_lead) {
                top = (p, *p_lead);
            }
            cursor = *grand;
            steps += 1;
            if steps > 64 {
                break;
            }
        }
        if inside(top.1) {
            top_of.insert(*id, top.0);
        }
    }
    top_of
}

/// The items a level answers for — those led inside it, without the parts of an item it
/// already answers for as a whole — loaded whole, in plan order; and for every item inside,
/// the chosen item it belongs to.
pub(crate) async fn items_led_inside(
    conn: &mut trienkhai_store::Conn,
    backend: trienkhai_store::Backend,
    document: DocumentId,
    tree: &TreeSnapshot,
    unit: UnitId,
) -> Result<(Vec<WorkItem>, HashMap<WorkItemId, WorkItemId>)> {
    let leads = work_items::item_leads_of_document(conn, document, backend).await?;
    let top_of = tops_inside(&leads, tree, unit);
    let mut chosen: Vec<WorkItemId> = top_of
        .iter()
        .filter(|(i, t)| i == t)
        .map(|(i, _)| *i)
        .collect();
    chosen.sort_by_key(|i| i.0);
    Ok((work_items::items_by_ids(conn, &chosen).await?, top_of))
}

/// The consolidated report as the text of a report (Vietnamese, as the document is written).
fn compile(c: &Consolidated) -> String {
    use std::fmt::Write;
    let fmt_value = |d: rust_decimal::Decimal| trienkhai_core::vn::format_decimal(&d, 2);
    let mut out = String::new();
    let h = &c.overview.headline;
    let _ = writeln!(out, "I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU");
    let _ = write!(out, "{}/{} chỉ tiêu đạt và vượt", h.met, h.total);
    if h.judged < h.total {
        let _ = write!(
            out,
            "; {} chỉ tiêu chưa đánh giá (kỳ ngắn hơn kỳ của mục tiêu hoặc chưa đủ số liệu)",
            h.total - h.judged
        );
    }
    let _ = writeln!(out, ".");
    for row in &c.overview.targets {
        let Some(f) = &row.figure else { continue };
        let value = f.value.map(fmt_value).unwrap_or_else(|| "—".into());
        let goal = match (f.goal, f.goal_period) {
            // Progress towards a longer period's goal says which period, and how far.
            (Some(g), Some(p)) if f.partial => format!(
                " (chỉ tiêu {} {} {}{})",
                p.label_vi().to_lowercase(),
                fmt_value(g),
                row.target.unit_of_measure,
                f.achievement_percent
                    .map(|a| format!(", đạt {}%", fmt_value(a)))
                    .unwrap_or_default()
            ),
            (Some(g), _) => format!(
                " (chỉ tiêu {} {})",
                fmt_value(g),
                row.target.unit_of_measure
            ),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "- {} {}: {} {}{}: {}.",
            row.target.code,
            row.target.name,
            value,
            row.target.unit_of_measure,
            goal,
            f.status.label_vi()
        );
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "II. TÌNH HÌNH THỰC HIỆN CÁC ĐẦU VIỆC");
    let counts: Vec<String> = c
        .national
        .iter()
        .map(|(s, n)| format!("{}: {n}", s.label_vi()))
        .collect();
    let _ = writeln!(
        out,
        "{}/{} đầu việc; {}.",
        c.items
            .iter()
            .filter(|i| matches!(
                i.national,
                NationalState::DoneOnTime | NationalState::DoneLate
            ))
            .count(),
        c.items.len(),
        counts.join("; ")
    );
    for (n, i) in c.items.iter().enumerate() {
        let _ = writeln!(
            out,
            "{}. {} {} ({}).",
            n + 1,
            i.item.code,
            i.item.title,
            i.national.label_vi()
        );
        for l in &i.lines {
            let percent = l.percent.map(|p| format!(" ({p}%)")).unwrap_or_default();
            let _ = writeln!(
                out,
                "+ {}{}: {}",
                l.unit_name,
                percent,
                l.narrative.as_deref().unwrap_or("")
            );
        }
    }
    if !c.narratives.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "III. BÁO CÁO CỦA CÁC ĐƠN VỊ");
        for n in &c.narratives {
            let _ = writeln!(out, "- {}: {}", n.unit_name, n.narrative);
        }
    }
    out
}

/// Opens the level's own report for the period and, when its narrative is still empty, starts
/// it with the compiled text. Returns the report's id.
pub async fn draft_level_report(
    app: &App,
    actor: &Actor,
    document: DocumentId,
    period: Period,
    unit: Option<UnitId>,
) -> Result<i64> {
    let c = consolidated(app, actor, document, period, unit).await?;
    let view = crate::reporting::open_report(app, actor, document, c.unit_id, period).await?;
    let empty = view
        .report
        .narrative
        .as_deref()
        .is_none_or(|n| n.trim().is_empty());
    if view.can_edit && empty {
        crate::report_sheet::save_draft(
            app,
            actor,
            view.report.id,
            &crate::report_sheet::ReportDraft {
                version: view.report.row_version,
                narrative: Some(c.draft),
                ..Default::default()
            },
        )
        .await?;
    }
    Ok(view.report.id)
}
