//! Year-end ratings of one subject (C12, DOMAIN.md §1): the self-assessment, the appraisal
//! that reads the tasks from the records and runs the engine of the year's rule set, the
//! cancellation that keeps the first rating and opens its re-rating, and one rating's view with
//! its explanation. Decisions, notification and publication act on a whole group at once (the
//! quota needs the group): [`crate::rating_groups`].
//!
//! Who does what: the person (or the cell's editors, writing for them) assess a member; the
//! organisation's editors assess it. The cell's editors appraise a member, the level above an
//! organisation. The unit above the rating's unit decides (the grassroots committee for the
//! members of its cells, the superior for an organisation) and may cancel.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use trienkhai_core::access::Action;
use trienkhai_core::grading::appraisal::{self, Appraisal};
use trienkhai_core::grading::exclusion::MemberStanding;
use trienkhai_core::grading::workflow::{RatingAction, RatingState};
use trienkhai_core::grading::{Level, RuleSet, Subject, term};
use trienkhai_core::ids::{PersonId, UnitId};
use trienkhai_store::Conn;
use trienkhai_store::audit;
pub use trienkhai_store::ratings::Rating;
use trienkhai_store::ratings::{self as store};

use crate::personal::{actor_person, judging_day, reads_from_above};
use crate::scope::Trees;
use crate::{Actor, App, AppError, Result, rating_tasks};

/// The longest note or reason kept.
const MAX_TEXT: usize = 2000;

/// A self-assessment: the level the person or the organisation proposes, and why.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub struct SelfAssessment {
    pub subject: Subject,
    /// The organisation rated, or the unit the person is rated in (their cell).
    pub unit_id: UnitId,
    /// The person (none for an organisation).
    pub person_id: Option<PersonId>,
    pub year: i32,
    pub level: Level,
    pub note: Option<String>,
    /// The rating's row version when it exists already.
    pub expected_version: Option<i64>,
}

/// What the reader is to a rating.
#[derive(Debug, Clone, Copy, Default, Serialize, schemars::JsonSchema)]
pub struct RatingRights {
    pub self_assess: bool,
    pub appraise: bool,
    pub decide: bool,
}

/// A rating as its reader sees it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct RatingView {
    pub rating: Rating,
    /// The person's name, or the organisation's.
    pub name: String,
    pub unit_name: String,
    /// The unit that decides it.
    pub deciding_unit: Option<UnitId>,
    pub rule_set_citation: String,
    pub rights: RatingRights,
    /// The ratings it replaced and that replace it, in the order they were made.
    pub history: Vec<Rating>,
    /// The tasks as the records have them now (what an appraisal made now would read), for
    /// those who appraise while it can be appraised.
    pub tasks_now: Vec<trienkhai_core::grading::appraisal::Task>,
    /// The congress term the year belongs to, rated from its decided years (QĐ 89).
    pub term: Option<TermView>,
}

/// A term's rating from the subject's decided yearly ratings (Quy định 89-QĐ/TW).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct TermView {
    /// The term's first year and the last one rated yearly.
    pub from_year: i32,
    pub to_year: i32,
    /// The decided levels of its years, oldest first (years not yet decided are missing).
    pub years: Vec<(i32, Level)>,
    /// None while the years decided settle nothing yet.
    pub rating: term::TermRating,
}

/// The term of `year` rated from the decided ratings among `all` (one subject's, any year).
fn term_view(all: &[Rating], year: i32) -> Option<TermView> {
    let (from_year, to_year) = term::term_years(year);
    let years: Vec<(i32, Level)> = all
        .iter()
        .filter(|r| (from_year..=to_year).contains(&r.year) && r.state.decided())
        .filter_map(|r| r.level.map(|l| (r.year, l)))
        .collect();
    if years.is_empty() {
        return None;
    }
    let levels: Vec<Level> = years.iter().map(|(_, l)| *l).collect();
    Some(TermView {
        from_year,
        to_year,
        rating: term::rate(&levels),
        years,
    })
}

fn clean_text(field: &str, text: Option<&str>) -> Result<Option<String>> {
    let Some(t) = text.map(trienkhai_core::vn::clean_paragraphs) else {
        return Ok(None);
    };
    let t = t.trim().to_owned();
    if t.chars().count() > MAX_TEXT {
        return Err(AppError::invalid("too_long", field));
    }
    Ok((!t.is_empty()).then_some(t))
}

pub(crate) fn check_year(year: i32) -> Result<()> {
    if !(1990..=2200).contains(&year) {
        return Err(AppError::invalid("year_out_of_range", "year"));
    }
    Ok(())
}

/// The unit above `unit` on `day`: where its ratings are decided.
pub(crate) async fn deciding_unit(
    conn: &mut Conn,
    trees: &mut Trees,
    unit: UnitId,
    day: NaiveDate,
) -> Result<Option<UnitId>> {
    Ok(trees
        .at(conn, day)
        .await?
        .get(unit)
        .and_then(|u| u.parent_id))
}

/// What `actor` may do with a rating (`r` may be one about to be made), and whether they read
/// it at all.
pub(crate) async fn rights(
    app: &App,
    conn: &mut Conn,
    trees: &mut Trees,
    actor: &Actor,
    r: &Rating,
) -> Result<(RatingRights, bool)> {
    let (subject, unit, person, year) = (r.subject, r.unit_id, r.person_id, r.year);
    let day = judging_day(app, year);
    let edits_unit = trees
        .allows(conn, actor, Action::EditContent, unit, day)
        .await?;
    let above = deciding_unit(conn, trees, unit, day).await?;
    let edits_above = match above {
        Some(u) => {
            trees
                .allows(conn, actor, Action::EditContent, u, day)
                .await?
        }
        None => actor.access.allows_everywhere(Action::EditContent),
    };
    let own = person.is_some() && actor_person(conn, actor).await? == person;
    let r = match subject {
        Subject::Organisation => RatingRights {
            self_assess: edits_unit,
            appraise: edits_above,
            decide: edits_above,
        },
        Subject::Member | Subject::CivilServant => RatingRights {
            self_assess: own || edits_unit,
            appraise: edits_unit,
            decide: edits_above,
        },
    };
    let tree = trees.at(conn, day).await?;
    let reads = own || edits_unit || edits_above || reads_from_above(actor, &tree, unit);
    Ok((r, reads))
}

fn snapshot(r: &Rating) -> Option<serde_json::Value> {
    serde_json::to_value(r).ok()
}

/// Records (or changes, until appraised) a self-assessment; answers (id, row version).
pub async fn self_assess(app: &App, actor: &Actor, input: &SelfAssessment) -> Result<(i64, i64)> {
    check_year(input.year)?;
    match (input.subject, input.person_id) {
        (Subject::Organisation, Some(_)) => {
            return Err(AppError::invalid("person_not_expected", "person_id"));
        }
        (Subject::Member | Subject::CivilServant, None) => {
            return Err(AppError::invalid("required", "person_id"));
        }
        _ => {}
    }
    let note = clean_text("note", input.note.as_deref())?;
    let rule_set = RuleSet::for_year(input.subject, input.year)?;
    let mut tx = app.db.begin().await?;
    let mut trees = Trees::shared(app);
    let day = judging_day(app, input.year);
    let tree = trees.at(&mut tx, day).await?;
    let Some(unit) = tree.get(input.unit_id) else {
        return Err(AppError::invalid("not_found", "unit_id"));
    };
    let kind = unit.kind.clone();
    if let Some(p) = input.person_id {
        trienkhai_store::persons::get_person(&mut tx, p)
            .await
            .map_err(|_| AppError::invalid("not_found", "person_id"))?;
    }
    let proposed = Rating::new(
        input.year,
        input.subject,
        input.unit_id,
        input.person_id,
        rule_set,
    );
    let (rights, _) = rights(app, &mut tx, &mut trees, actor, &proposed).await?;
    if !rights.self_assess {
        return Err(AppError::Forbidden);
    }
    let existing = store::active_rating(
        &mut tx,
        input.year,
        input.subject,
        input.unit_id,
        input.person_id,
    )
    .await?;
    let (id, version, before, action) = match existing {
        None => {
            let mut r = proposed;
            // Organisations are compared with those of the same kind (communes with communes).
            if input.subject == Subject::Organisation {
                r.peer_group = kind;
            }
            r.self_level = Some(input.level);
            r.self_note = note;
            r.self_assessed_at = Some(app.now());
            let id = store::insert_rating(&mut tx, &r, app.now()).await?;
            (id, 1, None, "create")
        }
        Some(mut r) => {
            let expected = input
                .expected_version
                .ok_or_else(|| AppError::invalid("required", "expected_version"))?;
            r.state.after(RatingAction::SelfAssess)?;
            let before = snapshot(&r);
            r.self_level = Some(input.level);
            r.self_note = note;
            r.self_assessed_at = Some(app.now());
            let v = store::save_rating(&mut tx, &r, expected, app.now()).await?;
            (r.id, v, before, "self_assess")
        }
    };
    let after = snapshot(&store::get_rating(&mut tx, id).await?);
    audit::append(
        &mut tx,
        &actor.audit_entry(action, "rating", id, before, after),
        app.now(),
    )
    .await?;
    trienkhai_store::commit(tx).await?;
    Ok((id, version))
}

/// The assessors' inputs: what they found, scored and graded; the tasks come from the records.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub struct AppraisalInput {
    pub appraisal: Appraisal,
    /// The peer group compared for the quota (unchanged when absent).
    pub peer_group: Option<String>,
    pub expected_version: i64,
}

fn check_appraisal(a: &Appraisal) -> Result<()> {
    if a.findings.len() > 500 {
        return Err(AppError::invalid("too_many", "findings"));
    }
    if let Some(g) = &a.grades
        && (g.tasks.len() + g.others.len() > 50)
    {
        return Err(AppError::invalid("too_many", "grades"));
    }
    if a.shortcomings > 10_000 || a.shortcomings_remedied > a.shortcomings {
        return Err(AppError::invalid("out_of_range", "shortcomings_remedied"));
    }
    if a.findings
        .iter()
        .any(|f| f.task.len() > 64 || f.quality_errors > 100)
    {
        return Err(AppError::invalid("out_of_range", "findings"));
    }
    Ok(())
}

/// The day a year's rating judges membership on: the year's last.
pub(crate) fn rated_on(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(NaiveDate::MAX)
}

/// What a member's exclusions are judged on (the appraisal adds exemption and suspension);
/// none for the other subjects.
pub(crate) fn member_standing(
    subject: Subject,
    admitted_on: Option<NaiveDate>,
) -> Option<MemberStanding> {
    (subject == Subject::Member).then_some(MemberStanding {
        admitted_on,
        exempt: false,
        suspended: false,
    })
}

/// Appraises a rating: reads its tasks, runs the engine of its rule set and keeps the inputs,
/// the tasks and the explanation as they are now; answers the new row version.
pub async fn appraise(app: &App, actor: &Actor, id: i64, input: &AppraisalInput) -> Result<i64> {
    check_appraisal(&input.appraisal)?;
    let peer_group = clean_text("peer_group", input.peer_group.as_deref())?;
    let mut tx = app.db.begin().await?;
    let mut trees = Trees::shared(app);
    let mut r = store::get_rating(&mut tx, id).await?;
    let (rights, _) = rights(app, &mut tx, &mut trees, actor, &r).await?;
    if !rights.appraise {
        return Err(AppError::Forbidden);
    }
    let next = r.state.after(RatingAction::Appraise)?;
    let before = snapshot(&r);
    let (tasks, standing) = match r.person_id {
        Some(p) => {
            let person = trienkhai_store::persons::get_person(&mut tx, p).await?;
            (
                rating_tasks::of_person(&mut tx, p, r.year).await?,
                member_standing(r.subject, person.party.admitted_on),
            )
        }
        None => (
            rating_tasks::of_organisation(&mut tx, r.unit_id, r.year).await?,
            None,
        ),
    };
    let evaluation = appraisal::evaluate(
        r.rule_set,
        r.subject,
        &tasks,
        &input.appraisal,
        standing.as_ref(),
        rated_on(r.year),
    )?;
    r.state = next;
    r.tasks = tasks;
    r.appraisal = Some(input.appraisal.clone());
    r.evaluation = Some(evaluation);
    r.appraised_at = Some(app.now());
    r.appraised_by = actor.account_id;
    if let Some(g) = peer_group {
        r.peer_group = g;
    }
    let v = store::save_rating(&mut tx, &r, input.expected_version, app.now()).await?;
    let after = snapshot(&store::get_rating(&mut tx, id).await?);
    audit::append(
        &mut tx,
        &actor.audit_entry("appraise", "rating", id, before, after),
        app.now(),
    )
    .await?;
    trienkhai_store::commit(tx).await?;
    Ok(v)
}

/// Cancels a decided rating (defects found later) and opens its re-rating, which keeps the
/// self-assessment and waits for a new appraisal; answers the new rating's id.
pub async fn cancel(
    app: &App,
    actor: &Actor,
    id: i64,
    reason: &str,
    expected_version: i64,
) -> Result<i64> {
    let reason = clean_text("reason", Some(reason))?
        .ok_or_else(|| AppError::invalid("required", "reason"))?;
    let mut tx = app.db.begin().await?;
    let mut trees = Trees::shared(app);
    let mut r = store::get_rating(&mut tx, id).await?;
    let (rights, _) = rights(app, &mut tx, &mut trees, actor, &r).await?;
    if !rights.decide {
        return Err(AppError::Forbidden);
    }
    r.state = r.state.after(RatingAction::Cancel)?;
    let before = snapshot(&store::get_rating(&mut tx, id).await?);
    r.cancelled_at = Some(app.now());
    r.cancelled_by = actor.account_id;
    r.cancel_reason = Some(reason);
    store::save_rating(&mut tx, &r, expected_version, app.now()).await?;
    let units = std::collections::BTreeSet::from([r.unit_id]);
    crate::rating_targets::refresh(app, &mut tx, &mut trees, actor, r.subject, &units, r.year)
        .await?;
    let mut again = Rating::new(r.year, r.subject, r.unit_id, r.person_id, r.rule_set);
    again.peer_group = r.peer_group.clone();
    again.self_level = r.self_level;
    again.self_note = r.self_note.clone();
    again.self_assessed_at = r.self_assessed_at;
    again.replaces_id = Some(r.id);
    let new_id = store::insert_rating(&mut tx, &again, app.now()).await?;
    audit::append(
        &mut tx,
        &actor.audit_entry("cancel", "rating", id, before, snapshot(&r)),
        app.now(),
    )
    .await?;
    audit::append(
        &mut tx,
        &actor.audit_entry("create", "rating", new_id, None, snapshot(&again)),
        app.now(),
    )
    .await?;
    trienkhai_store::commit(tx).await?;
    Ok(new_id)
}

/// The name a rating goes by: the person's, or the organisation's.
pub(crate) async fn subject_name(conn: &mut Conn, r: &Rating, unit_name: &str) -> Result<String> {
    Ok(match r.person_id {
        Some(p) => {
            trienkhai_store::persons::get_person(conn, p)
                .await?
                .full_name
        }
        None => unit_name.to_owned(),
    })
}

/// One rating with its explanation, its history and what the reader may do.
pub async fn view(app: &App, actor: &Actor, id: i64) -> Result<RatingView> {
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    let r = store::get_rating(&mut conn, id).await?;
    let (rights, reads) = rights(app, &mut conn, &mut trees, actor, &r).await?;
    // A published rating is public to whoever reads its unit.
    let day = judging_day(app, r.year);
    let public = r.state == RatingState::Published
        && trees
            .allows(&mut conn, actor, Action::Read, r.unit_id, day)
            .await?;
    if !(reads || public) {
        return Err(AppError::NotFound);
    }
    let tree = trees.at(&mut conn, day).await?;
    let unit_name = tree
        .get(r.unit_id)
        .map(|u| u.name.clone())
        .unwrap_or_default();
    let name = subject_name(&mut conn, &r, &unit_name).await?;
    let all = match r.person_id {
        Some(p) => store::ratings_of_person(&mut conn, p).await?,
        None => store::ratings_of_organisation(&mut conn, r.unit_id).await?,
    };
    let appraisable = rights.appraise && r.state.after(RatingAction::Appraise).is_ok();
    let tasks_now = match (appraisable, r.person_id) {
        (false, _) => Vec::new(),
        (true, Some(p)) => rating_tasks::of_person(&mut conn, p, r.year).await?,
        (true, None) => rating_tasks::of_organisation(&mut conn, r.unit_id, r.year).await?,
    };
    let of_subject: Vec<Rating> = all.into_iter().filter(|x| x.subject == r.subject).collect();
    let term = term_view(&of_subject, r.year);
    let history = of_subject
        .into_iter()
        .filter(|x| x.year == r.year && x.id != r.id)
        .collect();
    Ok(RatingView {
        deciding_unit: tree.get(r.unit_id).and_then(|u| u.parent_id),
        rule_set_citation: r.rule_set.citation().to_owned(),
        rights: if r.state == RatingState::Cancelled {
            RatingRights::default()
        } else {
            rights
        },
        name,
        unit_name,
        history,
        tasks_now,
        term,
        rating: r,
    })
}
