//! The dashboard of a unit (C15): for one plan covering the unit and one period, the progress of
//! every target with its status, the headline month by month, the work items the unit answers
//! for by state, the reports received, missing and late from the units below, and what is
//! behind with who answers for it — judged as of any date.
//!
//! Built for being opened often (budget B3): everything comes from a few reads and the roll-up
//! cache; the tree is the cached one of the period's end.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use trienkhai_core::access::Action;
use trienkhai_core::ids::{DocumentId, TargetId, UnitId, WorkItemId};
use trienkhai_core::period::Period;
use trienkhai_core::target::Status;
use trienkhai_core::work_item::{NationalState, State};
use trienkhai_store::{documents, persons, targets, units, work_items};

use crate::cascade::{FigureBasis, Headline, TargetRow, figures_at, figures_read};
use crate::reporting::{PeriodReports, period_reports};
use crate::scope::Trees;
use crate::targets::Reading;
use crate::{Actor, App, AppError, Result};

/// A plan covering the unit (issued by it or by a unit above it).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PlanChoice {
    pub id: DocumentId,
    pub number: String,
    pub summary: String,
}

/// Month headlines by (plan, unit, month), each valid for the plan's values versions and the
/// tree generation it was computed under.
#[derive(Debug, Default)]
pub struct HeadlineCache {
    inner: std::sync::Mutex<HashMap<HeadlineKey, (u64, i64, MonthHeadline)>>,
}

/// A plan, a unit, a month, and the past day it is read as of (none: as it is now).
type HeadlineKey = (DocumentId, UnitId, Period, Option<NaiveDate>);

/// How many month headlines an instance keeps (each a few bytes).
const CACHED_HEADLINES: usize = 100_000;

impl HeadlineCache {
    fn get(&self, key: HeadlineKey, fingerprint: u64, generation: i64) -> Option<MonthHeadline> {
        let inner = self.inner.lock().expect("headline cache lock");
        match inner.get(&key) {
            Some((f, g, m)) if *f == fingerprint && *g == generation => Some(m.clone()),
            _ => None,
        }
    }

    pub(crate) fn clear(&self) {
        self.inner.lock().expect("headline cache lock").clear();
    }

    fn put(&self, key: HeadlineKey, fingerprint: u64, generation: i64, m: MonthHeadline) {
        let mut inner = self.inner.lock().expect("headline cache lock");
        if inner.len() >= CACHED_HEADLINES {
            inner.clear();
        }
        inner.insert(key, (fingerprint, generation, m));
    }
}

/// A month's headline, for the trend.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct MonthHeadline {
    pub period: Period,
    pub met: usize,
    pub judged: usize,
    pub total: usize,
}

/// A target behind, and who answers for it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct BehindTarget {
    pub target_id: TargetId,
    pub code: String,
    pub name: String,
    pub status: Status,
    pub responsible_unit: Option<String>,
}

/// A work item behind, and who answers for it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct BehindItem {
    pub id: WorkItemId,
    pub code: String,
    pub title: String,
    pub deadline: NaiveDate,
    pub lead_unit: String,
    pub responsible_person: Option<String>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Dashboard {
    pub unit_id: UnitId,
    pub unit_code: String,
    pub unit_name: String,
    pub period: Period,
    pub as_of: NaiveDate,
    pub plans: Vec<PlanChoice>,
    pub document: Option<PlanChoice>,
    pub headline: Option<Headline>,
    pub targets: Vec<TargetRow>,
    pub months: Vec<MonthHeadline>,
    /// Items counted by state, and by the national form.
    pub item_states: Vec<(State, usize)>,
    pub national: Vec<(NationalState, usize)>,
    pub items_total: usize,
    pub reports: Option<PeriodReports>,
    pub behind_targets: Vec<BehindTarget>,
    pub behind_items: Vec<BehindItem>,
}

/// How many dashboards an instance keeps (a province's is a few hundred kilobytes, most of it
/// the report status of every unit below).
pub(crate) const DASHBOARDS_KEPT: usize = 48;

/// What a kept dashboard was asked for, by whom and on which day (what an account may see,
/// and what "today" means, follow from these; everything else from the change epoch).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DashboardKey {
    account: trienkhai_core::ids::AccountId,
    today: NaiveDate,
    unit: UnitId,
    document: Option<DocumentId>,
    period: Option<Period>,
    as_of: Option<NaiveDate>,
}

/// The dashboard of `unit` for `period` (default: the latest month with values, see
/// [`default_period`]), judged on
/// `as_of` (default today), for `document` (default: the nearest plan covering the unit).
/// Served from memory while nothing was written since it was read (budget B3).
pub async fn dashboard(
    app: &App,
    actor: &Actor,
    unit: UnitId,
    document: Option<DocumentId>,
    period: Option<Period>,
    as_of: Option<NaiveDate>,
) -> Result<std::sync::Arc<Dashboard>> {
    let Some(account) = actor.account_id else {
        return Ok(std::sync::Arc::new(
            compute(app, actor, unit, document, period, as_of).await?,
        ));
    };
    let key = DashboardKey {
        account,
        today: app.today(),
        unit,
        document,
        period,
        as_of,
    };
    app.dashboards
        .get_or_compute_for(app, actor, key, || {
            compute(app, actor, unit, document, period, as_of)
        })
        .await
}

async fn compute(
    app: &App,
    actor: &Actor,
    unit: UnitId,
    document: Option<DocumentId>,
    period: Option<Period>,
    as_of: Option<NaiveDate>,
) -> Result<Dashboard> {
    let as_of = as_of.unwrap_or_else(|| app.today());
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    let (period, document) = match period {
        Some(p) => (p, document),
        None => default_period(&mut conn, &mut trees, unit, document, as_of).await?,
    };
    let day = period.tree_date();
    trees
        .require(&mut conn, actor, Action::Read, unit, day)
        .await?;
    let tree = trees.at(&mut conn, day).await?;
    let node = tree
        .get(unit)
        .ok_or_else(|| AppError::invalid("unit_not_alive", "unit_id"))?;
    let (unit_code, unit_name) = (node.code.as_str().to_owned(), node.name.clone());
    let plans = plans_along(&mut conn, &tree, unit).await?;
    let chosen = match document {
        Some(d) => Some(
            plans
                .iter()
                .find(|p| p.id == d)
                .cloned()
                .ok_or_else(|| AppError::invalid("unit_outside_plan", "document_id"))?,
        ),
        None => plans.first().cloned(),
    };
    let mut board = Dashboard {
        unit_id: unit,
        unit_code,
        unit_name,
        period,
        as_of,
        plans,
        document: chosen.clone(),
        headline: None,
        targets: Vec::new(),
        months: Vec::new(),
        item_states: Vec::new(),
        national: Vec::new(),
        items_total: 0,
        reports: None,
        behind_targets: Vec::new(),
        behind_items: Vec::new(),
    };
    let Some(plan) = chosen else {
        return Ok(board);
    };

    // Targets: this period's figures, and the headline month by month through its year.
    let plan_targets = targets::targets_of_document(&mut conn, plan.id).await?;
    // The versions of the period's years hold for the months before it, which lie within them.
    let versions: HashMap<TargetId, i64> =
        targets::values_versions_of_document(&mut conn, plan.id, period)
            .await?
            .into_iter()
            .collect();
    let basis = FigureBasis {
        targets: &plan_targets,
        versions: &versions,
        generation: units::generation(&mut conn).await?,
    };
    // A past day reads the values that counted at its end (reports then accepted or submitted).
    let then = crate::reporting::past_instant(app, as_of);
    board.targets =
        figures_at(app, &mut conn, &mut trees, &basis, period, Some(unit), then).await?;
    board.headline = Some(headline(&board.targets));
    let (_, end) = period.dates();
    let last_month = if end.year() == period.dates().0.year() {
        end.month()
    } else {
        12
    };
    // The months before: their headlines only, kept small per (plan, unit, month) and checked
    // against the plan's values versions of their year; their whole-tree roll-ups are not kept.
    // A version is a sum over the years of a period, so only the versions of a month's own year
    // may key its figures: a period of several years reads them apart.
    let year_of_months = period.dates().0.year();
    let month_versions: HashMap<TargetId, i64> = if end.year() == year_of_months {
        versions.clone()
    } else {
        targets::values_versions_of_document(&mut conn, plan.id, Period::Year(year_of_months))
            .await?
            .into_iter()
            .collect()
    };
    let basis = FigureBasis {
        versions: &month_versions,
        ..basis
    };
    let fingerprint = {
        use std::hash::{Hash, Hasher};
        let mut pairs: Vec<(i64, i64)> = month_versions.iter().map(|(t, v)| (t.0, *v)).collect();
        pairs.sort_unstable();
        let mut h = std::collections::hash_map::DefaultHasher::new();
        pairs.hash(&mut h);
        h.finish()
    };
    for month in 1..=last_month {
        let p = Period::Month(period.dates().0.year(), month as u8);
        if p.dates().0 > as_of {
            break;
        }
        if p == period {
            let h = board.headline.clone().expect("the headline");
            board.months.push(MonthHeadline {
                period: p,
                met: h.met,
                judged: h.total - h.no_data,
                total: h.total,
            });
            continue;
        }
        let key = (plan.id, unit, p, then.map(|_| as_of));
        if let Some(m) = app.headlines.get(key, fingerprint, basis.generation) {
            board.months.push(m);
            continue;
        }
        let rows = figures_read(
            app,
            &basis,
            p,
            unit,
            then.map_or(Reading::Once, Reading::At),
        )
        .await?;
        let h = headline(&rows);
        let m = MonthHeadline {
            period: p,
            met: h.met,
            judged: h.total - h.no_data,
            total: h.total,
        };
        app.headlines
            .put(key, fingerprint, basis.generation, m.clone());
        board.months.push(m);
    }
    for row in &board.targets {
        let Some(f) = &row.figure else { continue };
        if f.status == Status::NotAchieved {
            board.behind_targets.push(BehindTarget {
                target_id: row.target.id,
                code: row.target.code.clone(),
                name: row.target.name.clone(),
                status: f.status,
                responsible_unit: row
                    .target
                    .responsible_unit_id
                    .and_then(|u| tree.get(u))
                    .map(|v| v.name.clone()),
            });
        }
    }

    // Work items the unit answers for, judged on the as-of date.
    let (items, _) =
        crate::consolidated::items_led_inside(&mut conn, app.db.backend(), plan.id, &tree, unit)
            .await?;
    let requests = work_items::requests_of_document(&mut conn, plan.id).await?;
    board.items_total = items.len();
    let mut states: Vec<(State, usize)> = Vec::new();
    let mut national: Vec<(NationalState, usize)> =
        NationalState::ALL.into_iter().map(|s| (s, 0)).collect();
    for item in &items {
        let none = Vec::new();
        let schedule =
            crate::work_items::schedule_of(item, requests.get(&item.id).unwrap_or(&none));
        let state = schedule.state_on(as_of);
        match states.iter_mut().find(|(s, _)| *s == state) {
            Some((_, n)) => *n += 1,
            None => states.push((state, 1)),
        }
        if let Some((_, n)) = national.iter_mut().find(|(s, _)| *s == state.national()) {
            *n += 1;
        }
        if state == State::Overdue {
            let responsible_person = match item.responsible_person_id {
                Some(p)
                    if crate::people::can_read_person(&mut conn, &mut trees, actor, p, as_of)
                        .await? =>
                {
                    Some(persons::get_person(&mut conn, p).await?.full_name)
                }
                _ => None,
            };
            board.behind_items.push(BehindItem {
                id: item.id,
                code: item.code.clone(),
                title: item.title.clone(),
                deadline: item.deadline,
                lead_unit: tree
                    .get(item.lead_unit_id)
                    .map(|v| v.name.clone())
                    .unwrap_or_default(),
                responsible_person,
            });
        }
    }
    states.sort_by_key(|(s, _)| *s as u8);
    board.item_states = states;
    board.national = national;

    // Reports from the units below, when the plan has a calendar for the period.
    drop(conn);
    board.reports = match period_reports(app, actor, plan.id, period, Some(unit), Some(as_of)).await
    {
        Ok(r) => Some(r),
        Err(AppError::Invalid(e)) if e.code == "period_not_in_calendar" => None,
        Err(e) => return Err(e),
    };
    Ok(board)
}

fn headline(rows: &[TargetRow]) -> Headline {
    Headline {
        met: rows
            .iter()
            .filter(|r| r.figure.as_ref().is_some_and(|f| f.status.is_met()))
            .count(),
        judged: crate::cascade::judged(rows),
        total: rows.len(),
        no_data: rows
            .iter()
            .filter(|r| r.figure.as_ref().is_none_or(|f| f.status == Status::NoData))
            .count(),
    }
}

/// Plans issued along `unit`'s path in `tree` that have targets: the nearest issuer first, then
/// the latest issued.
async fn plans_along(
    conn: &mut trienkhai_store::Conn,
    tree: &trienkhai_core::org::TreeSnapshot,
    unit: UnitId,
) -> Result<Vec<PlanChoice>> {
    // Plans issued along the unit's path, nearest first, then the latest.
    let path: Vec<UnitId> = tree.path(unit).iter().map(|v| v.unit_id).collect();
    let with_targets = targets::documents_with_targets(conn).await?;
    let mut plans: Vec<(usize, NaiveDate, PlanChoice)> = Vec::new();
    for doc in documents::list_documents(conn, &Default::default()).await? {
        let Some(at) = doc
            .issuer_unit_id
            .and_then(|i| path.iter().position(|p| *p == i))
        else {
            continue;
        };
        if !with_targets.contains(&doc.id) {
            continue;
        }
        plans.push((
            at,
            doc.issued_on,
            PlanChoice {
                id: doc.id,
                number: doc.number.clone(),
                summary: doc.summary.clone(),
            },
        ));
    }
    plans.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
    Ok(plans.into_iter().map(|(_, _, p)| p).collect())
}

/// The month and plan a dashboard opens on when no period is asked: the latest month with values
/// of the plan asked, else of the nearest plan along the unit's path that has any, up to
/// `as_of`, or up to the unit's last day when it no longer exists (a merged commune's dashboard
/// shows its last months, not an error); the month of that day when nothing was recorded.
async fn default_period(
    conn: &mut trienkhai_store::Conn,
    trees: &mut Trees,
    unit: UnitId,
    document: Option<DocumentId>,
    as_of: NaiveDate,
) -> Result<(Period, Option<DocumentId>)> {
    let versions = units::versions_of(conn, unit).await?;
    let day = versions
        .iter()
        .filter(|v| v.validity.from <= as_of)
        .map(|v| v.validity.to.map_or(as_of, |to| to.min(as_of)))
        .max()
        .unwrap_or(as_of);
    let documents = match document {
        Some(d) => vec![d],
        None => {
            let tree = trees.at(conn, day).await?;
            plans_along(conn, &tree, unit)
                .await?
                .into_iter()
                .map(|p| p.id)
                .collect()
        }
    };
    for doc in documents {
        if let Some(end) = targets::latest_value_end(conn, doc, day).await? {
            return Ok((Period::Month(end.year(), end.month() as u8), Some(doc)));
        }
    }
    Ok((Period::Month(day.year(), day.month() as u8), document))
}
