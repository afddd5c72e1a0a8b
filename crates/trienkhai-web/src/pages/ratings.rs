//! Year-end ratings (C12) on pages: a unit's page of the year (the reader's own rating or the
//! form to assess themself, the unit's persons with their ratings for its committee, and the
//! group the unit decides with its tallies and the decide / notify / publish buttons), and one
//! rating with its tasks, its appraisal form (points or grades, as the year's rule set asks),
//! the explanation step by step, the decision and its history. The appraisal form as posted
//! is read in [`super::rating_appraisal`], which brings this page back when it is refused.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::Uri;
use axum::response::Response;
use chrono::Datelike;
use serde::Deserialize;
use trienkhai_app::AppError;
use trienkhai_app::rating_groups::{self, GroupLine, Tally};
use trienkhai_app::ratings::{self, SelfAssessment};
use trienkhai_core::grading::criteria::Grade;
use trienkhai_core::grading::workflow::RatingState;
use trienkhai_core::grading::{Level, Subject};
use trienkhai_core::ids::PersonId;
use trienkhai_core::vn::{format_date, format_decimal};

use super::rating_appraisal::Typed;
use super::{PageCtx, render, see_other, unit_by_code, unit_or_own};
use crate::AppState;
use crate::error::PageError;
use crate::extract::{FormBody, PageActor};
use crate::i18n::{self, Lang};

fn level_text(level: Option<Level>) -> String {
    level.map_or_else(String::new, |l| {
        format!("{} ({})", l.name_vi(), l.abbreviation())
    })
}

fn state_text(lang: Lang, s: RatingState) -> &'static str {
    i18n::tr(lang, &format!("rating.state.{}", s.as_str()))
}

/// A line of a list on the page.
pub struct Line {
    id: Option<i64>,
    name: String,
    detail: String,
    state: String,
    level: String,
    person_id: i64,
}

fn line_of(lang: Lang, l: &GroupLine) -> Line {
    let mut detail = l.unit_name.clone();
    if let Some(s) = l.score {
        detail.push_str(&format!(" · {} điểm", format_decimal(&s, 2)));
    }
    if let Some(x) = &l.excluded {
        detail.push_str(&format!(" · không xếp loại: {x}"));
    }
    if l.over_quota {
        detail.push_str(" · vượt hạn mức HTXSNV");
    }
    Line {
        id: Some(l.rating_id),
        name: l.name.clone(),
        detail,
        state: state_text(lang, l.state).to_owned(),
        level: level_text(l.level.or(l.proposed)),
        person_id: 0,
    }
}

/// One subject's part of the group.
pub struct GroupPart {
    subject: &'static str,
    title: &'static str,
    tally: String,
    pending: String,
    lines: Vec<Line>,
}

fn part(
    lang: Lang,
    subject: Subject,
    title: &'static str,
    t: &Tally,
    lines: &[GroupLine],
) -> GroupPart {
    let mut pending = Vec::new();
    if t.undecided > 0 {
        pending.push(format!("{} chưa quyết định", t.undecided));
    }
    if t.excluded > 0 {
        pending.push(format!("{} không thuộc diện xếp loại", t.excluded));
    }
    GroupPart {
        subject: subject.as_str(),
        title,
        tally: t.text.clone().unwrap_or_default(),
        pending: pending.join("; "),
        lines: lines.iter().map(|l| line_of(lang, l)).collect(),
    }
}

#[derive(Template)]
#[template(path = "ratings.html")]
struct UnitPage {
    ctx: PageCtx,
    year: i32,
    unit_code: String,
    unit_name: String,
    /// The reader's own: (person id, cell code, rating id if any, level text).
    mine: Option<(i64, String, Option<i64>, String)>,
    people: Vec<Line>,
    own_org: Option<Line>,
    edits: bool,
    parts: Vec<GroupPart>,
    can_decide: bool,
    levels: Vec<(&'static str, String)>,
    /// After "update from the records": (ratings updated, proposed levels changed).
    refreshed: Option<(u32, u32)>,
}

#[derive(Deserialize)]
pub struct UnitQuery {
    unit: Option<String>,
    year: Option<i32>,
    refreshed: Option<u32>,
    moved: Option<u32>,
}

fn levels() -> Vec<(&'static str, String)> {
    Level::ALL
        .iter()
        .map(|l| (l.as_str(), level_text(Some(*l))))
        .collect()
}

pub async fn unit(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
    Query(q): Query<UnitQuery>,
) -> Result<Response, PageError> {
    let ctx = PageCtx::new(&page, &uri);
    let lang = ctx.lang();
    let app = &state.app;
    let year = q.year.unwrap_or_else(|| app.today().year());
    let mine = trienkhai_app::registration_lists::mine(app, &page.actor, year).await?;
    let unit = unit_or_own(&state, &page, q.unit.as_deref(), mine.as_ref()).await?;
    let units = trienkhai_app::org::units_as_of(app, &page.actor, app.today()).await?;
    let code_of = |id| {
        units
            .iter()
            .find(|u| u.id == id)
            .map(|u| (u.code.clone(), u.name.clone()))
            .unwrap_or_default()
    };
    let mut mine_line = None;
    if let Some(m) = &mine
        && let Some((cell, _, _)) = m.posts.first()
    {
        let r = rating_groups::roster(app, &page.actor, *cell, year)
            .await
            .ok();
        let found = r
            .as_ref()
            .and_then(|r| r.people.iter().find(|p| p.person_id == m.person_id));
        mine_line = Some((
            m.person_id.0,
            code_of(*cell).0,
            found.and_then(|p| p.rating_id),
            found.map(|p| level_text(p.level)).unwrap_or_default(),
        ));
    }
    let (mut people, mut own_org, mut edits, mut parts, mut can_decide) =
        (Vec::new(), None, false, Vec::new(), false);
    if let Some(u) = unit {
        match rating_groups::roster(app, &page.actor, u, year).await {
            Ok(r) => {
                edits = r.edits;
                people = r
                    .people
                    .iter()
                    .map(|p| Line {
                        id: p.rating_id,
                        name: p.full_name.clone(),
                        detail: p.post_title.clone(),
                        state: p
                            .state
                            .map(|s| state_text(lang, s).to_owned())
                            .unwrap_or_else(|| i18n::tr(lang, "rating.none").to_owned()),
                        level: level_text(p.level),
                        person_id: p.person_id.0,
                    })
                    .collect();
                own_org = r.own.map(|o| Line {
                    id: Some(o.id),
                    name: code_of(u).1,
                    detail: String::new(),
                    state: state_text(lang, o.state).to_owned(),
                    level: level_text(o.level),
                    person_id: 0,
                });
            }
            Err(AppError::Forbidden | AppError::NotFound) => {}
            Err(e) => return Err(PageError(e)),
        }
        match rating_groups::group(app, &page.actor, u, year).await {
            Ok(g) => {
                can_decide = g.can_decide;
                for (subject, key, tally, lines) in [
                    (
                        Subject::Organisation,
                        "rating.group.organisations",
                        &g.organisation_tally,
                        &g.organisations,
                    ),
                    (
                        Subject::Member,
                        "rating.group.members",
                        &g.member_tally,
                        &g.members,
                    ),
                    (
                        Subject::CivilServant,
                        "rating.group.civil_servants",
                        &g.civil_servant_tally,
                        &g.civil_servants,
                    ),
                ] {
                    if !lines.is_empty() {
                        parts.push(part(lang, subject, i18n::tr(lang, key), tally, lines));
                    }
                }
            }
            Err(AppError::Forbidden | AppError::NotFound) => {}
            Err(e) => return Err(PageError(e)),
        }
    }
    let (unit_code, unit_name) = unit.map(code_of).unwrap_or_default();
    render(&UnitPage {
        year,
        unit_code,
        unit_name,
        mine: mine_line,
        people,
        own_org,
        edits,
        parts,
        can_decide,
        levels: levels(),
        refreshed: q.refreshed.map(|n| (n, q.moved.unwrap_or(0))),
        ctx,
    })
}

#[derive(Deserialize)]
pub struct SelfForm {
    csrf: String,
    subject: Subject,
    unit: String,
    person_id: Option<i64>,
    year: i32,
    level: Level,
    note: Option<String>,
    version: Option<i64>,
}

pub async fn self_assess(
    State(state): State<AppState>,
    page: PageActor,
    FormBody(form): FormBody<SelfForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    let unit = unit_by_code(&state, Some(&form.unit), "unit")
        .await?
        .ok_or(PageError(AppError::invalid("required", "unit")))?;
    let (id, _) = ratings::self_assess(
        &state.app,
        &page.actor,
        &SelfAssessment {
            subject: form.subject,
            unit_id: unit,
            person_id: form.person_id.filter(|p| *p > 0).map(PersonId),
            year: form.year,
            level: form.level,
            note: form.note,
            expected_version: form.version,
        },
    )
    .await?;
    Ok(see_other(&format!("/ratings/{id}")))
}

#[derive(Deserialize)]
pub struct GroupForm {
    csrf: String,
    unit: String,
    year: i32,
    subject: Subject,
    action: String,
}

pub async fn group_action(
    State(state): State<AppState>,
    page: PageActor,
    FormBody(form): FormBody<GroupForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    let unit = unit_by_code(&state, Some(&form.unit), "unit")
        .await?
        .ok_or(PageError(AppError::invalid("required", "unit")))?;
    let (app, actor) = (&state.app, &page.actor);
    if form.action == "refresh" {
        let done = trienkhai_app::rating_refresh::refresh(
            app,
            actor,
            unit,
            form.year,
            Some(form.subject),
            true,
        )
        .await?;
        return Ok(see_other(&format!(
            "/ratings?unit={}&year={}&refreshed={}&moved={}#group-{}",
            form.unit,
            form.year,
            done.changed,
            done.levels_changed,
            form.subject.as_str()
        )));
    }
    match form.action.as_str() {
        "decide" => rating_groups::decide(app, actor, unit, form.year, form.subject).await?,
        "notify" => {
            rating_groups::notify_persons(app, actor, unit, form.year, form.subject).await?
        }
        "publish" => rating_groups::publish(app, actor, unit, form.year, form.subject).await?,
        _ => return Err(PageError(AppError::invalid("required", "action"))),
    };
    Ok(see_other(&format!(
        "/ratings?unit={}&year={}#group-{}",
        form.unit,
        form.year,
        form.subject.as_str()
    )))
}

/// A task on the page, with the assessors' findings when appraised.
pub struct TaskLine {
    key: String,
    label: String,
    deadline: String,
    done: String,
    late: bool,
    exceeded: bool,
    quality_errors: u32,
    objective_cause: bool,
}

/// A step of the explanation.
pub struct StepLine {
    rule: String,
    check: String,
    met: bool,
    then: String,
}

#[derive(Template)]
#[template(path = "rating.html")]
struct RatingPage {
    ctx: PageCtx,
    id: i64,
    name: String,
    unit_name: String,
    subject: &'static str,
    year: i32,
    citation: String,
    state: &'static str,
    state_code: &'static str,
    row_version: i64,
    self_level: String,
    self_level_code: &'static str,
    self_note: String,
    tasks: Vec<TaskLine>,
    facts: String,
    shares: String,
    score: String,
    proposed: String,
    level: String,
    excluded: String,
    steps: Vec<StepLine>,
    decision_steps: Vec<StepLine>,
    points: bool,
    common: String,
    task_points: String,
    /// Why a posted appraisal was refused (the form then shows what was typed).
    form_error: String,
    can_self_assess: bool,
    can_appraise: bool,
    can_cancel: bool,
    cancel_reason: String,
    replaces: Option<i64>,
    history: Vec<(i64, String, String)>,
    /// The congress term: ("2020–2024", "2020: HTXSNV; 2021: HTTNV", its level, its steps).
    term: Option<(String, String, String, Vec<StepLine>)>,
    levels: Vec<(&'static str, String)>,
    grades: Vec<(&'static str, &'static str)>,
    /// (field, label, the grade stored).
    grade_fields: Vec<(&'static str, &'static str, &'static str)>,
    products: bool,
    products_quantified: bool,
    disciplined: bool,
    shortcomings: u32,
    shortcomings_remedied: u32,
}

fn steps(list: &[trienkhai_core::grading::Step]) -> Vec<StepLine> {
    list.iter()
        .map(|s| StepLine {
            rule: s.rule.clone(),
            check: s.check.clone(),
            met: s.met,
            then: s.then.clone(),
        })
        .collect()
}

pub async fn detail(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    show(&state, &page, &uri, id, None).await
}

/// The rating's page; after a refused appraisal, with what was typed and why it was refused.
pub(super) async fn show(
    state: &AppState,
    page: &PageActor,
    uri: &Uri,
    id: i64,
    typed: Option<Typed>,
) -> Result<Response, PageError> {
    let ctx = PageCtx::new(page, uri);
    let lang = ctx.lang();
    let v = ratings::view(&state.app, &page.actor, id).await?;
    let r = &v.rating;
    let appraisal = match &typed {
        Some(t) => t.appraisal.clone(),
        None => r.appraisal.clone().unwrap_or_default(),
    };
    let stored_number =
        |d: Option<rust_decimal::Decimal>| d.map(|d| format_decimal(&d, 2)).unwrap_or_default();
    let (common, task_points, form_error, row_version) = match typed {
        Some(t) => (
            t.common,
            t.task_points,
            t.error,
            t.version.unwrap_or(r.row_version),
        ),
        None => (
            stored_number(appraisal.common),
            stored_number(appraisal.task_points),
            String::new(),
            r.row_version,
        ),
    };
    let finding = |key: &str| appraisal.findings.iter().find(|f| f.task == key).cloned();
    let source = if v.tasks_now.is_empty() {
        &r.tasks
    } else {
        &v.tasks_now
    };
    let tasks = source
        .iter()
        .map(|t| {
            let f = finding(&t.key).unwrap_or_default();
            TaskLine {
                key: t.key.clone(),
                label: t.label.clone(),
                deadline: format_date(t.deadline),
                done: match (t.completed, t.completed_on) {
                    (true, Some(d)) => format!("Hoàn thành {}", format_date(d)),
                    (true, None) => "Hoàn thành".to_owned(),
                    (false, _) => "Chưa hoàn thành".to_owned(),
                },
                late: t.late(),
                exceeded: f.exceeded,
                quality_errors: f.quality_errors,
                objective_cause: f.objective_cause,
            }
        })
        .collect();
    let ev = r.evaluation.as_ref();
    let facts = ev
        .filter(|e| e.facts.total > 0)
        .map(|e| {
            let f = e.facts;
            format!(
                "{} nhiệm vụ: {} đúng tiến độ, bảo đảm chất lượng; {} vượt mức; {} chậm hoặc chưa xong",
                f.total, f.on_time_with_quality, f.exceeded, f.behind
            )
        })
        .unwrap_or_default();
    let shares = ev
        .and_then(|e| e.shares)
        .map(|s| {
            format!(
                "Số lượng {}%, chất lượng {}%, tiến độ {}%",
                format_decimal(&s.quantity, 2),
                format_decimal(&s.quality, 2),
                format_decimal(&s.timeliness, 2)
            )
        })
        .unwrap_or_default();
    render(&RatingPage {
        id,
        name: v.name.clone(),
        unit_name: v.unit_name.clone(),
        subject: r.subject.name_vi(),
        year: r.year,
        citation: v.rule_set_citation.clone(),
        state: state_text(lang, r.state),
        state_code: r.state.as_str(),
        row_version,
        self_level: level_text(r.self_level),
        self_level_code: r.self_level.map_or("", Level::as_str),
        self_note: r.self_note.clone().unwrap_or_default(),
        tasks,
        facts,
        shares,
        score: ev
            .and_then(|e| e.score)
            .map(|s| format_decimal(&s, 2))
            .unwrap_or_default(),
        proposed: level_text(ev.and_then(|e| e.level)),
        level: level_text(r.level),
        excluded: ev
            .and_then(|e| e.excluded)
            .map(|x| x.text_vi().to_owned())
            .unwrap_or_default(),
        steps: ev.map(|e| steps(&e.steps)).unwrap_or_default(),
        decision_steps: steps(&r.decision_steps),
        points: r.rule_set.scores_points(),
        common,
        task_points,
        form_error,
        can_self_assess: v.rights.self_assess && r.state == RatingState::SelfAssessed,
        can_appraise: v.rights.appraise
            && matches!(r.state, RatingState::SelfAssessed | RatingState::Appraised),
        can_cancel: v.rights.decide && r.state.decided(),
        cancel_reason: r.cancel_reason.clone().unwrap_or_default(),
        replaces: r.replaces_id,
        history: v
            .history
            .iter()
            .map(|h| {
                (
                    h.id,
                    state_text(lang, h.state).to_owned(),
                    level_text(h.level),
                )
            })
            .collect(),
        term: v.term.as_ref().map(|t| {
            let years: Vec<String> = t
                .years
                .iter()
                .map(|(y, l)| format!("{y}: {}", l.abbreviation()))
                .collect();
            (
                format!("{}–{}", t.from_year, t.to_year),
                years.join("; "),
                level_text(t.rating.level),
                steps(&t.rating.steps),
            )
        }),
        levels: levels(),
        grades: [Grade::Excellent, Grade::Good, Grade::Average, Grade::Poor]
            .iter()
            .map(|g| (grade_code(*g), g.name_vi()))
            .collect(),
        grade_fields: {
            // What was appraised before, else "Tốt".
            let stored: Vec<Grade> = appraisal
                .grades
                .as_ref()
                .map(|g| g.tasks.iter().chain(&g.others).copied().collect())
                .unwrap_or_default();
            [
                ("grade_tasks", "rating.grade.tasks"),
                ("grade_politics", "rating.grade.politics"),
                ("grade_ethics", "rating.grade.ethics"),
                ("grade_discipline", "rating.grade.discipline"),
            ]
            .into_iter()
            .enumerate()
            .map(|(i, (k, l))| {
                let g = stored.get(i).copied().unwrap_or(Grade::Good);
                (k, i18n::tr(lang, l), grade_code(g))
            })
            .collect()
        },
        products: appraisal.grades.as_ref().is_none_or(|g| g.products),
        products_quantified: appraisal
            .grades
            .as_ref()
            .is_some_and(|g| g.products_quantified),
        disciplined: appraisal.grades.as_ref().is_some_and(|g| g.disciplined),
        shortcomings: appraisal.shortcomings,
        shortcomings_remedied: appraisal.shortcomings_remedied,
        ctx,
    })
}

pub(super) fn grade_code(g: Grade) -> &'static str {
    match g {
        Grade::Excellent => "excellent",
        Grade::Good => "good",
        Grade::Average => "average",
        Grade::Poor => "poor",
    }
}

#[derive(Deserialize)]
pub struct CancelForm {
    csrf: String,
    reason: String,
    version: i64,
}

pub async fn cancel(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
    FormBody(form): FormBody<CancelForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    let again = ratings::cancel(&state.app, &page.actor, id, &form.reason, form.version).await?;
    Ok(see_other(&format!("/ratings/{again}")))
}

#[derive(Deserialize)]
pub struct SelfChangeForm {
    csrf: String,
    level: Level,
    note: Option<String>,
    version: i64,
}

/// Changes a self-assessment from the rating's own page (until it is appraised).
pub async fn self_change(
    State(state): State<AppState>,
    page: PageActor,
    Path(id): Path<i64>,
    FormBody(form): FormBody<SelfChangeForm>,
) -> Result<Response, PageError> {
    page.check_csrf(&form.csrf)?;
    let r = ratings::view(&state.app, &page.actor, id).await?.rating;
    ratings::self_assess(
        &state.app,
        &page.actor,
        &SelfAssessment {
            subject: r.subject,
            unit_id: r.unit_id,
            person_id: r.person_id,
            year: r.year,
            level: form.level,
            note: form.note,
            expected_version: Some(form.version),
        },
    )
    .await?;
    Ok(see_other(&format!("/ratings/{id}")))
}
