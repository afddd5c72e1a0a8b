//! Criteria assessments feeding the plan (C11, issue 15, point 4).
//!
//! A count target such as the demo's KT06 ("số xã đạt chuẩn nông thôn mới (lũy kế)") declares
//! that its value per unit and year is the unit's standing under the catalogues of one kind at
//! the end of that year (the years of the target's plan only): 1 when its latest settled
//! assessment passed, 0 when it did not; an incomplete assessment settles nothing and a unit
//! never assessed has no value. A standing
//! carries over the years until the next assessment (the count is cumulative) up to the last
//! year anyone was assessed, while the unit stays the kind it was (a commune made a town
//! leaves the count). Every assessment kept writes the values it changes in its own
//! transaction; nobody types them (`target_computed`) and report forms leave them out.
//!
//! What an assessment still misses can be addressed by work items of a plan: new ones, one per
//! criterion, led by the assessed unit; or an item already in the plan, for some criteria or
//! for the assessment as a whole (the demo's DV05, Tiệm Tôm's establishment, rests on An
//! Thủy's assessment).

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use trienkhai_core::criteria::CatalogueKind;
use trienkhai_core::criteria::evaluate::Verdict;
use trienkhai_core::ids::{DocumentId, TargetId, UnitId, WorkItemId};
use trienkhai_core::period::Period;
use trienkhai_core::rollup::{Aggregation, Observation};
use trienkhai_store::criteria_links::{self as links, CriteriaTarget, GapItem, Standing};
use trienkhai_store::{Conn, audit, targets};

use crate::scope::Trees;
use crate::work_items::WorkItemInput;
use crate::{Actor, App, AppError, Result};

/// What a computed value says of itself (the marker this module recognises its values by).
pub const COMPUTED_NOTE: &str = "Tính từ kết quả đánh giá bộ tiêu chí";

/// Refuses a typed value for a target computed from assessments.
pub(crate) async fn refuse_typed(conn: &mut Conn, target: TargetId) -> Result<()> {
    match links::target_link(conn, target).await? {
        Some(_) => Err(AppError::invalid("target_computed", "target_id")),
        None => Ok(()),
    }
}

/// A target's link to assessments and whether the reader may change it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct TargetLinkView {
    pub link: Option<CriteriaTarget>,
    pub can_edit: bool,
}

pub async fn target_link(app: &App, actor: &Actor, target: TargetId) -> Result<TargetLinkView> {
    let view = crate::targets::get_target(app, actor, target).await?;
    let mut conn = app.db.reader().await?;
    Ok(TargetLinkView {
        link: links::target_link(&mut conn, target).await?,
        can_edit: view.can_edit,
    })
}

/// Declares that `target` (a count of units achieving, not computed otherwise) counts the
/// units standing under catalogues of `kind`, and writes every value now. The target's plan
/// editors only. Answers how many values stand.
pub async fn link_target(
    app: &App,
    actor: &Actor,
    target: TargetId,
    kind: CatalogueKind,
) -> Result<usize> {
    let mut tx = app.db.begin().await?;
    let mut trees = Trees::shared(app);
    let t = targets::get_target(&mut tx, target).await?;
    crate::documents::plan_for_edit(&mut tx, &mut trees, actor, t.document_id).await?;
    if t.aggregation != Aggregation::CountAchieving {
        return Err(AppError::invalid("target_not_count", "target_id"));
    }
    crate::study_targets::refuse_typed(&mut tx, target).await?;
    crate::rating_targets::refuse_typed(&mut tx, target).await?;
    let before = links::target_link(&mut tx, target).await?;
    let link = CriteriaTarget {
        target_id: target,
        catalogue_kind: kind,
    };
    links::link_target(&mut tx, &link, app.now()).await?;
    audit::append(
        &mut tx,
        &actor.audit_entry(
            "link",
            "criteria_target",
            target.0,
            before.map(|b| serde_json::json!({ "link": b })),
            Some(serde_json::json!({ "link": link })),
        ),
        app.now(),
    )
    .await?;
    let standings = links::standings(&mut tx, kind, None).await?;
    let last_year = standings.iter().map(|s| s.assessed_on.year()).max();
    let mut written = 0;
    for (unit, mine) in by_unit(&standings) {
        written += write_unit(
            app, &mut tx, &mut trees, actor, &link, unit, &mine, last_year,
        )
        .await?;
    }
    trienkhai_store::commit(tx).await?;
    Ok(written)
}

fn by_unit(standings: &[Standing]) -> BTreeMap<UnitId, Vec<Standing>> {
    let mut out: BTreeMap<UnitId, Vec<Standing>> = BTreeMap::new();
    for s in standings {
        out.entry(s.unit_id).or_default().push(*s);
    }
    out
}

/// After `unit` was assessed against a catalogue of `kind` on `day`, with the last assessed
/// year of that kind having been `last_before`: the values of the targets fed, in the same
/// transaction. A year no one was assessed in before is written for every unit standing.
pub(crate) async fn refresh(
    app: &App,
    tx: &mut Conn,
    actor: &Actor,
    kind: CatalogueKind,
    (unit, day): (UnitId, NaiveDate),
    last_before: Option<i32>,
) -> Result<()> {
    let fed = links::targets_fed_by(tx, kind).await?;
    if fed.is_empty() {
        return Ok(());
    }
    let mut trees = Trees::shared(app);
    let new_year = last_before.is_none_or(|y| day.year() > y);
    let standings = links::standings(tx, kind, (!new_year).then_some(unit)).await?;
    let last_year = last_before.max(Some(day.year()));
    for link in &fed {
        for (u, mine) in by_unit(&standings) {
            write_unit(app, tx, &mut trees, actor, link, u, &mine, last_year).await?;
        }
    }
    Ok(())
}

/// The last year anyone was assessed against a catalogue of `kind`.
pub(crate) async fn last_year(conn: &mut Conn, kind: CatalogueKind) -> Result<Option<i32>> {
    let fed = links::targets_fed_by(conn, kind).await?;
    if fed.is_empty() {
        return Ok(None);
    }
    Ok(links::last_assessed_on(conn, kind).await?.map(|d| d.year()))
}

/// The unit's standing at the end of `year`: its latest settled assessment by then.
fn standing_at(mine: &[Standing], year: i32) -> Option<&Standing> {
    mine.iter()
        .filter(|s| s.assessed_on.year() <= year && s.verdict != Verdict::Incomplete)
        .max_by_key(|s| s.assessed_on)
}

/// Whether `unit` is still the kind of unit it was when assessed on `then` (a commune made a
/// town no longer counts as a commune meeting the new-rural standard).
pub(crate) async fn same_kind(
    conn: &mut Conn,
    trees: &mut Trees,
    unit: UnitId,
    then: NaiveDate,
    now: NaiveDate,
) -> Result<bool> {
    let kind_then = trees
        .at(conn, then)
        .await?
        .get(unit)
        .map(|v| v.kind.clone());
    let kind_now = trees.at(conn, now).await?.get(unit).map(|v| v.kind.clone());
    Ok(kind_now.is_some() && kind_then == kind_now)
}

/// The years a plan covers: its phase when it is a span ("2020..2025"), else its year.
fn plan_years(doc: &trienkhai_store::documents::Document) -> (i32, i32) {
    match doc.phase.as_deref().and_then(|p| Period::parse(p).ok()) {
        Some(Period::Span(from, to)) => (from, to),
        _ => match Period::plan_year(doc.issued_on, doc.phase.as_deref()) {
            Period::Year(y) => (y, y),
            _ => (i32::MIN, i32::MAX),
        },
    }
}

/// Writes `unit`'s values from its first assessed year to `last_year` (removing the computed
/// values a standing no longer supports). A unit outside the target's plan feeds nothing.
/// Answers how many values stand.
#[allow(clippy::too_many_arguments)]
async fn write_unit(
    app: &App,
    tx: &mut Conn,
    trees: &mut Trees,
    actor: &Actor,
    link: &CriteriaTarget,
    unit: UnitId,
    mine: &[Standing],
    last_year: Option<i32>,
) -> Result<usize> {
    let (Some(first), Some(last)) = (mine.iter().map(|s| s.assessed_on.year()).min(), last_year)
    else {
        return Ok(0);
    };
    let t = targets::get_target(tx, link.target_id).await?;
    let doc = trienkhai_store::documents::get_document(tx, t.document_id).await?;
    // Only the years of the target's plan: a resolution for 2021 counts 2021.
    let (plan_from, plan_to) = plan_years(&doc);
    let mut written = 0;
    for year in first.max(plan_from)..=last.min(plan_to) {
        let period = Period::Year(year);
        let tree = trees.at(tx, period.tree_date()).await?;
        let inside = tree.get(unit).is_some()
            && doc
                .issuer_unit_id
                .is_none_or(|issuer| tree.is_within(unit, issuer));
        let standing = match standing_at(mine, year).filter(|_| inside) {
            Some(s) if same_kind(tx, trees, unit, s.assessed_on, period.tree_date()).await? => {
                Some(s.verdict == Verdict::Passed)
            }
            _ => None,
        };
        match standing {
            Some(passed) => {
                let value = if passed { Decimal::ONE } else { Decimal::ZERO };
                crate::computed_values::put(
                    app,
                    tx,
                    actor,
                    (link.target_id, unit, period),
                    Observation::Value { value },
                    COMPUTED_NOTE,
                )
                .await?;
                written += 1;
            }
            None => {
                let standing = targets::get_actual(tx, link.target_id, unit, period).await?;
                if standing.is_some_and(|b| b.note.as_deref() == Some(COMPUTED_NOTE)) {
                    crate::computed_values::remove(app, tx, actor, link.target_id, unit, period)
                        .await?;
                }
            }
        }
    }
    Ok(written)
}

/// How an assessment's gaps are addressed: by new work items of plan `document_id`, one per
/// criterion (every missing one when none is named), or by the plan's item `work_item_id`,
/// for the criteria named or (none named) for the assessment as a whole.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GapInput {
    #[serde(default)]
    #[schemars(length(max = 500))]
    pub criterion_codes: Vec<String>,
    pub work_item_id: Option<WorkItemId>,
    pub document_id: Option<DocumentId>,
    /// The new items' deadline.
    pub deadline: Option<NaiveDate>,
    /// Who leads the new items: the assessed unit when none is given.
    pub lead_unit_id: Option<UnitId>,
}

/// A work item addressing a gap, as a reader sees it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct GapItemLine {
    /// The criterion addressed; empty: the assessment as a whole.
    pub criterion_code: String,
    pub work_item_id: WorkItemId,
    pub code: String,
    pub title: String,
    pub deadline: NaiveDate,
}

/// The work items addressing assessment `id`'s gaps (those the reader may see).
pub async fn gap_items(app: &App, actor: &Actor, id: i64) -> Result<Vec<GapItemLine>> {
    Ok(crate::criteria_assessments::view(app, actor, id)
        .await?
        .gap_items)
}

pub(crate) async fn lines(conn: &mut Conn, id: i64) -> Result<Vec<GapItemLine>> {
    let kept = links::gap_items(conn, id).await?;
    let ids: Vec<WorkItemId> = kept.iter().map(|g| g.work_item_id).collect();
    let items = trienkhai_store::work_items::items_by_ids(conn, &ids).await?;
    Ok(kept
        .into_iter()
        .filter_map(|g| {
            let item = items.iter().find(|i| i.id == g.work_item_id)?;
            Some(GapItemLine {
                criterion_code: g.criterion_code,
                work_item_id: g.work_item_id,
                code: item.code.clone(),
                title: item.title.clone(),
                deadline: item.deadline,
            })
        })
        .collect())
}

/// Addresses assessment `id`'s gaps as `input` says, in one transaction. Answers the items
/// that now address them.
pub async fn address_gaps(
    app: &App,
    actor: &Actor,
    id: i64,
    input: &GapInput,
) -> Result<Vec<GapItemLine>> {
    let view = crate::criteria_assessments::view(app, actor, id).await?;
    let missing = &view.outcome.missing;
    let mut codes: Vec<String> = Vec::new();
    for code in &input.criterion_codes {
        let code = code.trim();
        if !missing.iter().any(|m| m.code == code) {
            return Err(AppError::invalid(
                "criterion_not_missing",
                "criterion_codes",
            ));
        }
        if !codes.iter().any(|c| c == code) {
            codes.push(code.to_owned());
        }
    }
    let mut tx = app.db.begin().await?;
    let mut trees = Trees::shared(app);
    let mut made: Vec<(String, WorkItemId)> = Vec::new();
    match (input.work_item_id, input.document_id) {
        (Some(item), None) => {
            crate::work_items::editable(&mut tx, &mut trees, actor, item).await?;
            if codes.is_empty() {
                codes.push(String::new());
            }
            made.extend(codes.into_iter().map(|c| (c, item)));
        }
        (None, Some(document)) => {
            if codes.is_empty() {
                codes = missing.iter().map(|m| m.code.clone()).collect();
            }
            if codes.is_empty() {
                return Err(AppError::invalid("nothing_missing", "criterion_codes"));
            }
            let year = view.assessment.assessed_on.year();
            for (order, code) in codes.into_iter().enumerate() {
                let Some(gap) = missing.iter().find(|m| m.code == code) else {
                    continue;
                };
                let short = match gap.short_by {
                    Some(by) if !gap.unvalued => format!(
                        "còn thiếu {} {}",
                        trienkhai_core::vn::format_decimal(&by, 2),
                        gap.unit
                    ),
                    _ => "chưa có số liệu đánh giá".to_owned(),
                };
                let item = WorkItemInput {
                    code: item_code(id, &code),
                    title: format!(
                        "Hoàn thiện tiêu chí {code} ({}) – {}",
                        gap.name, view.unit_name
                    ),
                    lead_unit_id: Some(input.lead_unit_id.unwrap_or(view.assessment.unit_id)),
                    deadline: Some(
                        input
                            .deadline
                            .ok_or_else(|| AppError::invalid("required", "deadline"))?,
                    ),
                    expected_product: Some(format!(
                        "Tiêu chí {code} đạt theo {} (đánh giá năm {year}: {})",
                        view.catalogue.name,
                        short.trim()
                    )),
                    sort_order: 900 + i64::try_from(order).unwrap_or(0),
                    ..WorkItemInput::default()
                };
                let made_id = crate::work_items::create_in(
                    app,
                    &mut tx,
                    &mut trees,
                    actor,
                    (document, None),
                    &item,
                    "user",
                )
                .await?;
                made.push((code, made_id));
            }
        }
        _ => return Err(AppError::invalid("required", "document_id")),
    }
    for (code, item) in made {
        let gap = GapItem {
            assessment_id: id,
            criterion_code: code,
            work_item_id: item,
        };
        if links::add_gap_item(&mut tx, &gap, app.now()).await? {
            audit::append(
                &mut tx,
                &actor.audit_entry(
                    "link",
                    "criteria_gap_item",
                    id,
                    None,
                    serde_json::to_value(&gap).ok(),
                ),
                app.now(),
            )
            .await?;
        }
    }
    let out = lines(&mut tx, id).await?;
    trienkhai_store::commit(tx).await?;
    Ok(out)
}

/// A new item's code: the assessment and the criterion, in the characters a code allows.
fn item_code(assessment: i64, criterion: &str) -> String {
    let criterion: String = criterion
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .take(20)
        .collect();
    format!("TC{assessment}-{criterion}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(year: i32, verdict: Verdict) -> Standing {
        Standing {
            unit_id: UnitId(1),
            assessed_on: NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default(),
            verdict,
        }
    }

    #[test]
    fn a_standing_carries_over_and_an_incomplete_assessment_settles_nothing() {
        let mine = [
            s(2020, Verdict::NotPassed),
            s(2021, Verdict::Passed),
            s(2023, Verdict::Incomplete),
        ];
        let passed = |year| standing_at(&mine, year).map(|s| s.verdict == Verdict::Passed);
        assert_eq!(passed(2019), None);
        assert_eq!(passed(2020), Some(false));
        assert_eq!(passed(2022), Some(true));
        assert_eq!(passed(2023), Some(true));
        assert_eq!(item_code(12, "2.2 (a)"), "TC12-2.2a");
    }
}
