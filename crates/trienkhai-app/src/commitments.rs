//! Commitments (C9): each member writes a yearly commitment by sections (DOMAIN.md §2), the cell
//! collects and approves it, and at year end the member assesses each section against what
//! happened and the cell remarks on it. A cell's list says who has signed, with the rate per
//! unit below: "20/21 đồng chí đã ký cam kết, đạt 95,23%".
//!
//! Who may do what is a registration's ([`crate::personal`]): the person, the cell's editors
//! (writing for the person, deciding, never on their own), readers above; never peers.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use trienkhai_core::attendance::Attendance;
use trienkhai_core::commitment::{Section, SectionAssessment, check_sections};
use trienkhai_core::ids::{PersonId, UnitId};
use trienkhai_core::registration::{Outcome, RegistrationAction, RegistrationState};
use trienkhai_store::audit;
use trienkhai_store::commitments::{self as store};
pub use trienkhai_store::commitments::{Commitment, CommitmentSection};
use trienkhai_store::registrations::StateChange;

use crate::personal::{Standing, judging_day, standing};
use crate::scope::Trees;
use crate::{Actor, App, AppError, Result};

/// A commitment with its sections and what the reader may do with it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CommitmentView {
    pub commitment: Commitment,
    pub sections: Vec<CommitmentSection>,
    pub person_name: String,
    pub unit_name: String,
    pub own: bool,
    pub can_edit: bool,
    pub can_decide: bool,
    pub can_assess: bool,
    pub can_remark: bool,
}

async fn with_standing(
    app: &App,
    conn: &mut trienkhai_store::Conn,
    trees: &mut Trees,
    actor: &Actor,
    id: i64,
) -> Result<(Commitment, Standing)> {
    let c = store::get_commitment(conn, id).await?;
    let s = standing(app, conn, trees, actor, c.person_id, c.unit_id, c.year).await?;
    Ok((c, s))
}

fn check_year(year: i32) -> Result<()> {
    if !(1900..=2200).contains(&year) {
        return Err(AppError::invalid("year_out_of_range", "year"));
    }
    Ok(())
}

/// Opens a person's commitment of a year in a unit (their cell), as a draft.
pub async fn open(
    app: &App,
    actor: &Actor,
    person: PersonId,
    year: i32,
    unit: UnitId,
) -> Result<i64> {
    check_year(year)?;
    let mut tx = app.db.begin().await?;
    let mut trees = Trees::shared(app);
    let s = standing(app, &mut tx, &mut trees, actor, person, unit, year).await?;
    if !(s.own || s.edits) {
        return Err(AppError::Forbidden);
    }
    trienkhai_store::persons::get_person(&mut tx, person)
        .await
        .map_err(|_| AppError::invalid("not_found", "person_id"))?;
    if trees
        .at(&mut tx, judging_day(app, year))
        .await?
        .get(unit)
        .is_none()
    {
        return Err(AppError::invalid("not_found", "unit_id"));
    }
    if store::commitment_of(&mut tx, person, year).await?.is_some() {
        return Err(AppError::invalid("commitment_exists", "year"));
    }
    let id = store::insert_commitment(&mut tx, person, year, unit, app.now()).await?;
    let after = serde_json::to_value(store::get_commitment(&mut tx, id).await?).ok();
    audit::append(
        &mut tx,
        &actor.audit_entry("create", "commitment", id, None, after),
        app.now(),
    )
    .await?;
    trienkhai_store::commit(tx).await?;
    Ok(id)
}

/// Writes the sections of a draft or returned commitment; answers its new row version.
pub async fn save_sections(
    app: &App,
    actor: &Actor,
    id: i64,
    sections: &[(Section, String)],
    expected_version: i64,
) -> Result<i64> {
    let checked = check_sections(sections)?;
    let mut tx = app.db.begin().await?;
    let mut trees = Trees::shared(app);
    let (c, s) = with_standing(app, &mut tx, &mut trees, actor, id).await?;
    if !(s.own || s.edits) {
        return Err(AppError::Forbidden);
    }
    if !c.state.editable() {
        return Err(AppError::invalid("registration_not_editable", "state"));
    }
    // An audit state is an object (the API describes it so): the list under its name.
    let before = Some(serde_json::json!({ "sections": store::sections_of(&mut tx, id).await? }));
    let version =
        store::replace_sections(&mut tx, id, &checked, expected_version, app.now()).await?;
    let after = Some(serde_json::json!({ "sections": store::sections_of(&mut tx, id).await? }));
    audit::append(
        &mut tx,
        &actor.audit_entry("set_sections", "commitment", id, before, after),
        app.now(),
    )
    .await?;
    trienkhai_store::commit(tx).await?;
    Ok(version)
}

/// Sends, approves or returns a commitment; answers its new row version.
pub async fn act(
    app: &App,
    actor: &Actor,
    id: i64,
    action: RegistrationAction,
    comment: Option<&str>,
    expected_version: i64,
) -> Result<i64> {
    let mut tx = app.db.begin().await?;
    let mut trees = Trees::shared(app);
    let (c, s) = with_standing(app, &mut tx, &mut trees, actor, id).await?;
    let allowed = match action {
        RegistrationAction::Submit => s.own || s.edits,
        RegistrationAction::Approve | RegistrationAction::Return => s.edits && !s.own,
    };
    if !allowed {
        return Err(AppError::Forbidden);
    }
    let next = action.apply(c.state, comment)?;
    if action == RegistrationAction::Submit && store::sections_of(&mut tx, id).await?.is_empty() {
        return Err(AppError::invalid("commitment_empty", "sections"));
    }
    let change = match action {
        RegistrationAction::Submit => StateChange::Submitted,
        _ => StateChange::Decided {
            by: actor.account_id,
            comment: comment.map(str::trim).filter(|c| !c.is_empty()),
        },
    };
    let version = store::set_state(&mut tx, id, next, change, expected_version, app.now()).await?;
    let name = match action {
        RegistrationAction::Submit => "submit",
        RegistrationAction::Approve => "approve",
        RegistrationAction::Return => "return",
    };
    audit::append(
        &mut tx,
        &actor.audit_entry(
            name,
            "commitment",
            id,
            Some(serde_json::json!({ "state": c.state })),
            Some(serde_json::json!({ "state": next, "comment": comment })),
        ),
        app.now(),
    )
    .await?;
    trienkhai_store::commit(tx).await?;
    Ok(version)
}

/// The member's year-end assessment of one section of their approved commitment.
pub async fn assess(
    app: &App,
    actor: &Actor,
    id: i64,
    section: Section,
    outcome: Outcome,
    text: &str,
) -> Result<()> {
    let assessment = SectionAssessment::new(outcome, text)?;
    let mut tx = app.db.begin().await?;
    let mut trees = Trees::shared(app);
    let (c, s) = with_standing(app, &mut tx, &mut trees, actor, id).await?;
    if !(s.own || s.edits) {
        return Err(AppError::Forbidden);
    }
    if c.state != RegistrationState::Approved {
        return Err(AppError::invalid("registration_not_approved", "state"));
    }
    store::set_section_assessment(&mut tx, id, section, &assessment).await?;
    audit::append(
        &mut tx,
        &actor.audit_entry(
            "assess",
            "commitment",
            id,
            None,
            Some(serde_json::json!({ "section": section, "assessment": assessment })),
        ),
        app.now(),
    )
    .await?;
    trienkhai_store::commit(tx).await?;
    Ok(())
}

/// The cell's remark on an approved commitment at year end (never on one's own).
pub async fn remark(app: &App, actor: &Actor, id: i64, text: &str) -> Result<()> {
    let text = trienkhai_core::vn::clean_text(text);
    if text.is_empty() {
        return Err(AppError::invalid("required", "remark"));
    }
    if text.chars().count() > trienkhai_core::commitment::MAX_SECTION_CHARS {
        return Err(AppError::invalid("too_long", "remark"));
    }
    let mut tx = app.db.begin().await?;
    let mut trees = Trees::shared(app);
    let (c, s) = with_standing(app, &mut tx, &mut trees, actor, id).await?;
    if !s.edits || s.own {
        return Err(AppError::Forbidden);
    }
    if c.state != RegistrationState::Approved {
        return Err(AppError::invalid("registration_not_approved", "state"));
    }
    store::set_remark(&mut tx, id, &text, actor.account_id, app.now()).await?;
    audit::append(
        &mut tx,
        &actor.audit_entry(
            "remark",
            "commitment",
            id,
            c.remark.map(|r| serde_json::json!({ "remark": r })),
            Some(serde_json::json!({ "remark": text })),
        ),
        app.now(),
    )
    .await?;
    trienkhai_store::commit(tx).await?;
    Ok(())
}

/// A commitment with its sections, for whoever may read it.
pub async fn get(app: &App, actor: &Actor, id: i64) -> Result<CommitmentView> {
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    let (commitment, s) = with_standing(app, &mut conn, &mut trees, actor, id).await?;
    if !(s.own || s.edits || s.reads_from_above) {
        return Err(AppError::Forbidden);
    }
    let sections = store::sections_of(&mut conn, id).await?;
    let person_name = trienkhai_store::persons::get_person(&mut conn, commitment.person_id)
        .await?
        .full_name;
    let unit_name = trees
        .at(&mut conn, judging_day(app, commitment.year))
        .await?
        .get(commitment.unit_id)
        .map(|v| v.name.clone())
        .unwrap_or_default();
    let state = commitment.state;
    let approved = state == RegistrationState::Approved;
    Ok(CommitmentView {
        own: s.own,
        can_edit: (s.own || s.edits) && state.editable(),
        can_decide: s.edits && !s.own && state == RegistrationState::Submitted,
        can_assess: (s.own || s.edits) && approved,
        can_remark: s.edits && !s.own && approved,
        commitment,
        sections,
        person_name,
        unit_name,
    })
}

/// A person of a unit's list and where their commitment stands.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PersonCommitment {
    pub person_id: PersonId,
    pub full_name: String,
    pub unit_id: UnitId,
    pub post_title: String,
    pub commitment_id: Option<i64>,
    pub state: Option<RegistrationState>,
    /// Sent or approved ("đã ký cam kết").
    pub signed: bool,
}

/// A unit directly below and how many of its persons have signed.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct UnitRate {
    pub unit_id: UnitId,
    pub name: String,
    pub signed: u32,
    pub total: u32,
    /// "20/21 đồng chí đã ký cam kết, đạt 95,23%".
    pub sentence: String,
}

/// Who in a unit and below has signed their commitment of a year, with a line per unit below.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct UnitCommitments {
    pub unit_id: UnitId,
    pub year: i32,
    pub as_of: NaiveDate,
    pub people: Vec<PersonCommitment>,
    pub total: UnitRate,
    pub children: Vec<UnitRate>,
    /// The reader writes for the unit's persons and approves their commitments.
    pub can_open: bool,
}

fn rate(unit: UnitId, name: &str, signed: u32, total: u32) -> UnitRate {
    // The same cut rate as attendance: never rounded up.
    let counted = Attendance {
        required: total,
        present: signed,
        excused: 0,
        made_up: 0,
    };
    let sentence = match counted.rate() {
        Some(r) => format!(
            "{signed}/{total} đồng chí đã ký cam kết, đạt {}%",
            trienkhai_core::vn::format_decimal(&r.normalize(), 2)
        ),
        None => "0/0".to_owned(),
    };
    UnitRate {
        unit_id: unit,
        name: name.to_owned(),
        signed,
        total,
        sentence,
    }
}

/// The persons holding a post in `unit` or below on the year's judging day, each with their
/// commitment; for the unit's editors and readers above (not its peers).
pub async fn unit_commitments(
    app: &App,
    actor: &Actor,
    unit: UnitId,
    year: i32,
) -> Result<UnitCommitments> {
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    let (day, edits, tree) =
        crate::personal::unit_list_access(app, &mut conn, &mut trees, actor, unit, year).await?;
    let node = tree.get(unit).ok_or(AppError::NotFound)?;
    let units: Vec<UnitId> = tree
        .walk_from(unit)
        .into_iter()
        .map(|(_, v)| v.unit_id)
        .collect();
    let posts = trienkhai_store::persons::posts_in_units(&mut conn, &units, day).await?;
    let commitments = store::commitments_in_units(&mut conn, &units, year).await?;
    let mut people: Vec<PersonCommitment> = Vec::new();
    for (post, full_name) in posts {
        if people.iter().any(|p| p.person_id == post.person_id) {
            continue;
        }
        let c = commitments.iter().find(|c| c.person_id == post.person_id);
        people.push(PersonCommitment {
            person_id: post.person_id,
            full_name,
            unit_id: post.unit_id,
            post_title: post.title,
            commitment_id: c.map(|c| c.id),
            state: c.map(|c| c.state),
            signed: c.is_some_and(|c| {
                matches!(
                    c.state,
                    RegistrationState::Submitted | RegistrationState::Approved
                )
            }),
        });
    }
    let count = |within: UnitId| {
        let mine: Vec<&PersonCommitment> = people
            .iter()
            .filter(|p| tree.is_within(p.unit_id, within))
            .collect();
        (
            mine.iter().filter(|p| p.signed).count() as u32,
            mine.len() as u32,
        )
    };
    let children = tree
        .children(unit)
        .iter()
        .filter_map(|&child| {
            let (signed, total) = count(child);
            let name = tree.get(child)?.name.clone();
            (total > 0).then(|| rate(child, &name, signed, total))
        })
        .collect();
    let (signed, total) = count(unit);
    Ok(UnitCommitments {
        unit_id: unit,
        year,
        as_of: day,
        total: rate(unit, &node.name, signed, total),
        children,
        people,
        can_open: edits,
    })
}

/// The sections as a form or a body sends them, each by its code.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub struct SectionInput {
    pub section: Section,
    #[schemars(length(max = 4000))]
    pub content: String,
}
