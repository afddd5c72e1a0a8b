//! The ratings a unit decides, as one group (C12): the members rated in its cells and the
//! organisations directly under it. The decision applies the quota of the rule set over each
//! peer group (or the organisation whole), the decided ratings holding their places first, the
//! appraised following by score; the excluded are decided as not rated. Then the persons are
//! notified and the list is published. The list reads the way offices report it: "120 HTXSNV;
//! 451 HTTNV; 27 HTNV; không có KHTNV", counted only on what is decided, the rest said.

use std::collections::BTreeMap;

use serde::Serialize;
use trienkhai_core::access::Action;
use trienkhai_core::grading::quota::{self, Candidate};
use trienkhai_core::grading::workflow::{RatingAction, RatingState};
use trienkhai_core::grading::{Level, Subject, tally_text};
use trienkhai_core::ids::UnitId;
use trienkhai_store::ratings::{self as store, QuotaScope, Rating};
use trienkhai_store::{Conn, audit, notify};

use crate::personal::{judging_day, reads_from_above};
use crate::ratings::{check_year, subject_name};
use crate::scope::Trees;
use crate::{Actor, App, AppError, Result};

/// One line of the group's list.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct GroupLine {
    pub rating_id: i64,
    pub subject: Subject,
    pub name: String,
    pub unit_name: String,
    pub state: RatingState,
    pub self_level: Option<Level>,
    /// The engine's level at appraisal.
    pub proposed: Option<Level>,
    pub score: Option<rust_decimal::Decimal>,
    /// The decided level (none while undecided, or when not rated).
    pub level: Option<Level>,
    /// Why the person is not rated, when they are not.
    pub excluded: Option<String>,
    /// The quota moved it down.
    pub over_quota: bool,
}

/// Counts of one subject in a group.
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct Tally {
    /// Decided, by level best first.
    pub levels: [u32; 4],
    pub excluded: u32,
    pub undecided: u32,
    /// "120 HTXSNV; 451 HTTNV; 27 HTNV; không có KHTNV", or none while nothing is decided.
    pub text: Option<String>,
}

/// A unit's group of ratings of a year.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Group {
    pub unit_id: UnitId,
    pub unit_name: String,
    pub year: i32,
    pub members: Vec<GroupLine>,
    pub member_tally: Tally,
    pub organisations: Vec<GroupLine>,
    pub organisation_tally: Tally,
    pub civil_servants: Vec<GroupLine>,
    pub civil_servant_tally: Tally,
    /// The reader decides here.
    pub can_decide: bool,
}

fn tally(lines: &[GroupLine]) -> Tally {
    let mut t = Tally::default();
    for l in lines {
        if l.state.decided() {
            match l.level {
                Some(level) => {
                    t.levels[Level::ALL.iter().position(|x| *x == level).unwrap_or(3)] += 1
                }
                None => t.excluded += 1,
            }
        } else {
            t.undecided += 1;
        }
    }
    if t.levels.iter().sum::<u32>() > 0 {
        t.text = Some(tally_text(&t.levels));
    }
    t
}

/// The active ratings a unit decides: those of the units directly under it.
async fn ratings_of_group(
    app: &App,
    conn: &mut Conn,
    trees: &mut Trees,
    unit: UnitId,
    year: i32,
) -> Result<(
    Vec<Rating>,
    std::sync::Arc<trienkhai_core::org::TreeSnapshot>,
)> {
    let tree = trees.at(conn, judging_day(app, year)).await?;
    let children: Vec<UnitId> = tree.children(unit).to_vec();
    let ratings = store::ratings_in_units(conn, &children, year)
        .await?
        .into_iter()
        .filter(|r| r.state != RatingState::Cancelled)
        .collect();
    Ok((ratings, tree))
}

pub(crate) async fn access(
    app: &App,
    conn: &mut Conn,
    trees: &mut Trees,
    actor: &Actor,
    unit: UnitId,
    year: i32,
) -> Result<bool> {
    check_year(year)?;
    let day = judging_day(app, year);
    let decides = trees
        .allows(conn, actor, Action::EditContent, unit, day)
        .await?;
    let tree = trees.at(conn, day).await?;
    if tree.get(unit).is_none() {
        return Err(AppError::NotFound);
    }
    if !(decides || reads_from_above(actor, &tree, unit)) {
        return Err(AppError::Forbidden);
    }
    Ok(decides)
}

/// The group's list with its tallies.
pub async fn group(app: &App, actor: &Actor, unit: UnitId, year: i32) -> Result<Group> {
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    let can_decide = access(app, &mut conn, &mut trees, actor, unit, year).await?;
    let (ratings, tree) = ratings_of_group(app, &mut conn, &mut trees, unit, year).await?;
    let mut lines: Vec<GroupLine> = Vec::with_capacity(ratings.len());
    for r in &ratings {
        let unit_name = tree
            .get(r.unit_id)
            .map(|u| u.name.clone())
            .unwrap_or_default();
        let ev = r.evaluation.as_ref();
        lines.push(GroupLine {
            rating_id: r.id,
            subject: r.subject,
            name: subject_name(&mut conn, r, &unit_name).await?,
            unit_name,
            state: r.state,
            self_level: r.self_level,
            proposed: ev.and_then(|e| e.level),
            score: ev.and_then(|e| e.score),
            level: r.level,
            excluded: ev.and_then(|e| e.excluded).map(|x| x.text_vi().to_owned()),
            over_quota: !r.decision_steps.is_empty(),
        });
    }
    lines.sort_by(|a, b| {
        (&a.unit_name, trienkhai_core::vn::collation_key(&a.name))
            .cmp(&(&b.unit_name, trienkhai_core::vn::collation_key(&b.name)))
    });
    let of = |s: Subject| -> Vec<GroupLine> {
        lines.iter().filter(|l| l.subject == s).cloned().collect()
    };
    let (members, organisations, civil_servants) = (
        of(Subject::Member),
        of(Subject::Organisation),
        of(Subject::CivilServant),
    );
    Ok(Group {
        unit_id: unit,
        unit_name: tree.get(unit).map(|u| u.name.clone()).unwrap_or_default(),
        year,
        member_tally: tally(&members),
        organisation_tally: tally(&organisations),
        civil_servant_tally: tally(&civil_servants),
        members,
        organisations,
        civil_servants,
        can_decide,
    })
}

/// What a group step did.
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct GroupOutcome {
    /// Ratings moved by this step.
    pub changed: u32,
    /// Of them, those the quota moved down.
    pub over_quota: u32,
}

/// Decides every appraised rating of `subject` in the group, the quota applied; refused while
/// any rating of the group still waits for its appraisal (the quota needs the whole group).
pub async fn decide(
    app: &App,
    actor: &Actor,
    unit: UnitId,
    year: i32,
    subject: Subject,
) -> Result<GroupOutcome> {
    let mut tx = app.db.begin().await?;
    let mut trees = Trees::shared(app);
    if !access(app, &mut tx, &mut trees, actor, unit, year).await? {
        return Err(AppError::Forbidden);
    }
    let (ratings, _) = ratings_of_group(app, &mut tx, &mut trees, unit, year).await?;
    let ratings: Vec<Rating> = ratings
        .into_iter()
        .filter(|r| r.subject == subject)
        .collect();
    if ratings.iter().any(|r| r.state == RatingState::SelfAssessed) {
        return Err(AppError::invalid("appraisal_pending", "state"));
    }
    if !ratings.iter().any(|r| r.state == RatingState::Appraised) {
        return Err(AppError::invalid("nothing_to_decide", "state"));
    }
    // Groups for the quota, each under its rule set's setting.
    let mut groups: BTreeMap<(String, String), Vec<&Rating>> = BTreeMap::new();
    let mut settings = BTreeMap::new();
    for r in &ratings {
        if !settings.contains_key(r.rule_set.as_str()) {
            settings.insert(
                r.rule_set.as_str(),
                store::quota_setting(&mut tx, r.rule_set).await?,
            );
        }
        let scope = settings[r.rule_set.as_str()].scope;
        let peer = match scope {
            QuotaScope::PeerGroup => r.peer_group.clone(),
            QuotaScope::Organisation => String::new(),
        };
        groups
            .entry((r.rule_set.as_str().to_owned(), peer))
            .or_default()
            .push(r);
    }
    let mut out = GroupOutcome::default();
    let now = app.now();
    let mut touched = std::collections::BTreeSet::new();
    for ((rule_set, _), mut members) in groups {
        // Those decided hold their places; the appraised follow, best score first.
        members.sort_by(|a, b| {
            let decided = |r: &Rating| !r.state.decided();
            let score = |r: &Rating| std::cmp::Reverse(r.evaluation.as_ref().and_then(|e| e.score));
            (decided(a), score(a), a.id).cmp(&(decided(b), score(b), b.id))
        });
        let candidates: Vec<Candidate> = members
            .iter()
            .filter_map(|r| {
                let level = if r.state.decided() {
                    r.level
                } else {
                    r.evaluation.as_ref().and_then(|e| e.level)
                };
                level.map(|level| Candidate { id: r.id, level })
            })
            .collect();
        let rule = settings[rule_set.as_str()].rule;
        let applied = quota::apply(&rule, &candidates);
        for r in members.iter().filter(|r| r.state == RatingState::Appraised) {
            let mut d = (*r).clone();
            let before = serde_json::to_value(&d).ok();
            d.state = d.state.after(RatingAction::Decide)?;
            let moved = applied.iter().find(|(id, _, _)| *id == d.id);
            d.level = moved.map(|(_, level, _)| *level);
            d.decision_steps = moved.and_then(|(_, _, s)| s.clone()).into_iter().collect();
            d.decided_at = Some(now);
            d.decided_by = actor.account_id;
            store::save_rating(&mut tx, &d, d.row_version, now).await?;
            touched.insert(d.unit_id);
            out.changed += 1;
            out.over_quota += u32::from(!d.decision_steps.is_empty());
            audit::append(
                &mut tx,
                &actor.audit_entry(
                    "decide",
                    "rating",
                    d.id,
                    before,
                    serde_json::to_value(&d).ok(),
                ),
                now,
            )
            .await?;
        }
    }
    crate::rating_targets::refresh(app, &mut tx, &mut trees, actor, subject, &touched, year)
        .await?;
    trienkhai_store::commit(tx).await?;
    Ok(out)
}

/// Tells each person of the group their decided rating (an in-app notification to their
/// accounts) and marks it notified.
pub async fn notify_persons(
    app: &App,
    actor: &Actor,
    unit: UnitId,
    year: i32,
    subject: Subject,
) -> Result<GroupOutcome> {
    step(app, actor, unit, year, subject, RatingAction::Notify).await
}

/// Makes the group's decided ratings public.
pub async fn publish(
    app: &App,
    actor: &Actor,
    unit: UnitId,
    year: i32,
    subject: Subject,
) -> Result<GroupOutcome> {
    step(app, actor, unit, year, subject, RatingAction::Publish).await
}

async fn step(
    app: &App,
    actor: &Actor,
    unit: UnitId,
    year: i32,
    subject: Subject,
    action: RatingAction,
) -> Result<GroupOutcome> {
    let mut tx = app.db.begin().await?;
    let mut trees = Trees::shared(app);
    if !access(app, &mut tx, &mut trees, actor, unit, year).await? {
        return Err(AppError::Forbidden);
    }
    let (ratings, _) = ratings_of_group(app, &mut tx, &mut trees, unit, year).await?;
    let now = app.now();
    let mut out = GroupOutcome::default();
    for mut r in ratings.into_iter().filter(|r| r.subject == subject) {
        let Ok(next) = r.state.after(action) else {
            continue;
        };
        r.state = next;
        match action {
            RatingAction::Notify => {
                r.notified_at = Some(now);
                if let Some(p) = r.person_id {
                    let title = match r.level {
                        Some(l) => {
                            format!("Kết quả xếp loại chất lượng năm {year}: {}", l.name_vi())
                        }
                        None => {
                            format!("Năm {year}: đồng chí không thuộc diện xếp loại chất lượng")
                        }
                    };
                    let link = format!("/ratings/{}", r.id);
                    for account in trienkhai_store::accounts::accounts_of_person(&mut tx, p).await?
                    {
                        notify::notify(
                            &mut tx,
                            &notify::NewNotification {
                                account_id: account,
                                day: app.today(),
                                title: &title,
                                link: Some(&link),
                                dedupe_key: &format!("rating:{}:{}", r.id, account.0),
                                email: false,
                                webhook: false,
                            },
                            now,
                        )
                        .await?;
                    }
                }
            }
            _ => r.published_at = Some(now),
        }
        store::save_rating(&mut tx, &r, r.row_version, now).await?;
        out.changed += 1;
    }
    if out.changed > 0 {
        let what = if action == RatingAction::Notify {
            "notify"
        } else {
            "publish"
        };
        audit::append(
            &mut tx,
            &actor.audit_entry(
                what,
                "rating_group",
                unit.0,
                None,
                Some(
                    serde_json::json!({ "year": year, "subject": subject, "changed": out.changed }),
                ),
            ),
            now,
        )
        .await?;
    }
    trienkhai_store::commit(tx).await?;
    Ok(out)
}

/// A person of a unit and their rating of the year, if any.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct RosterLine {
    pub person_id: trienkhai_core::ids::PersonId,
    pub full_name: String,
    pub post_title: String,
    pub rating_id: Option<i64>,
    pub state: Option<RatingState>,
    pub level: Option<Level>,
}

/// The persons of a unit itself (its members, not those of units below) with their member
/// ratings of the year, and the unit's own rating: what a cell's committee works through.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Roster {
    pub people: Vec<RosterLine>,
    /// The unit's own rating as an organisation.
    pub own: Option<Rating>,
    /// The reader writes for these persons (self-assesses for them, appraises them).
    pub edits: bool,
}

pub async fn roster(app: &App, actor: &Actor, unit: UnitId, year: i32) -> Result<Roster> {
    let listed = crate::commitments::unit_commitments(app, actor, unit, year).await?;
    let mut conn = app.db.reader().await?;
    let ratings: Vec<Rating> = store::ratings_in_units(&mut conn, &[unit], year)
        .await?
        .into_iter()
        .filter(|r| r.state != RatingState::Cancelled)
        .collect();
    let people = listed
        .people
        .into_iter()
        .filter(|p| p.unit_id == unit)
        .map(|p| {
            let r = ratings
                .iter()
                .find(|r| r.subject == Subject::Member && r.person_id == Some(p.person_id));
            RosterLine {
                person_id: p.person_id,
                full_name: p.full_name,
                post_title: p.post_title,
                rating_id: r.map(|r| r.id),
                state: r.map(|r| r.state),
                level: r.and_then(|r| r.level),
            }
        })
        .collect();
    Ok(Roster {
        people,
        own: ratings
            .into_iter()
            .find(|r| r.subject == Subject::Organisation),
        edits: listed.can_open,
    })
}
