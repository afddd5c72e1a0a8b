//! Personal registrations (C9): a person registers their work items for a year in a unit, tied
//! to the plan's work items or targets; the unit's secretary or a superior approves or returns
//! them; an amendment is a new version approved in its turn.
//!
//! Who may do what (issue 13, point 5):
//! - the person (the account's person) reads, writes and submits their own;
//! - whoever edits content in the unit (its secretary, a superior editor) may write one for a
//!   person (entering a paper form) and decides on it, never on their own;
//! - reading another's registration needs that, or a read grant at a unit *above* it: peers
//!   reading their own cell do not read each other's.
//!
//! Every change is in the audit log.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use trienkhai_core::ids::{DocumentId, PersonId, TargetId, UnitId, WorkItemId};
use trienkhai_core::registration::{
    AssessmentPhase, ItemContent, Outcome, RegistrationAction, RegistrationState, SelfAssessment,
    may_amend,
};
pub use trienkhai_store::registrations::Concretizes;
use trienkhai_store::registrations::{
    self as store, Assessment, NewItem, NewRegistration, Registration, RegistrationItem,
    StateChange,
};
use trienkhai_store::{Conn, audit, targets, work_items};

use crate::personal::{Standing, judging_day, standing};
use crate::scope::Trees;
use crate::{Actor, App, AppError, Result};

/// A registration to open: whose, which year, in which unit, under which plan.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub struct RegistrationInput {
    pub person_id: PersonId,
    pub year: i32,
    pub unit_id: UnitId,
    pub document_id: Option<DocumentId>,
}

/// One item as typed: what, its product and measure, its deadline, what it concretizes.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub struct ItemInput {
    pub content: String,
    pub product: String,
    pub measure: Option<String>,
    pub deadline: NaiveDate,
    pub work_item_id: Option<WorkItemId>,
    pub target_id: Option<TargetId>,
}

/// A version of a registration with its items, and what the reader may do with it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct RegistrationView {
    pub registration: Registration,
    pub person_name: String,
    pub unit_name: String,
    /// The plan's number ("02-NQ/HU"), when one is named.
    pub document_number: Option<String>,
    pub items: Vec<RegistrationItem>,
    /// The items' self-assessments and the remarks on them.
    pub assessments: Vec<Assessment>,
    /// Files attached as evidence of the assessments.
    pub evidence: Vec<trienkhai_store::registration_evidence::ItemEvidence>,
    /// The reader is the person registered.
    pub own: bool,
    /// The reader may change its items now.
    pub can_edit: bool,
    /// The reader may approve or return it now.
    pub can_decide: bool,
    /// The reader may assess its items (the person, or whoever writes for them): approved only.
    pub can_assess: bool,
    /// The reader may remark on its assessments (a superior, never the person).
    pub can_remark: bool,
    /// The reader may amend it (the latest version, approved).
    pub can_amend: bool,
}

/// A version and what the actor is to it.
async fn with_standing(
    app: &App,
    conn: &mut Conn,
    trees: &mut Trees,
    actor: &Actor,
    id: i64,
) -> Result<(Registration, Standing)> {
    let reg = store::get_registration(conn, id).await?;
    let s = standing(
        app,
        conn,
        trees,
        actor,
        reg.person_id,
        reg.unit_id,
        reg.year,
    )
    .await?;
    Ok((reg, s))
}

/// Opens version 1 of a person's registration for a year, as a draft.
pub async fn open(app: &App, actor: &Actor, input: &RegistrationInput) -> Result<i64> {
    if !(1900..=2200).contains(&input.year) {
        return Err(AppError::invalid("year_out_of_range", "year"));
    }
    let mut tx = app.db.begin().await?;
    let mut trees = Trees::shared(app);
    let s = standing(
        app,
        &mut tx,
        &mut trees,
        actor,
        input.person_id,
        input.unit_id,
        input.year,
    )
    .await?;
    if !(s.own || s.edits) {
        return Err(AppError::Forbidden);
    }
    trienkhai_store::persons::get_person(&mut tx, input.person_id)
        .await
        .map_err(|_| AppError::invalid("not_found", "person_id"))?;
    let day = judging_day(app, input.year);
    if trees.at(&mut tx, day).await?.get(input.unit_id).is_none() {
        return Err(AppError::invalid("not_found", "unit_id"));
    }
    if let Some(doc) = input.document_id {
        trienkhai_store::documents::get_document(&mut tx, doc)
            .await
            .map_err(|_| AppError::invalid("not_found", "document_id"))?;
    }
    if !store::versions_of(&mut tx, input.person_id, input.year)
        .await?
        .is_empty()
    {
        return Err(AppError::invalid("registration_exists", "year"));
    }
    let id = store::insert_registration(
        &mut tx,
        &NewRegistration {
            person_id: input.person_id,
            year: input.year,
            version: 1,
            unit_id: input.unit_id,
            document_id: input.document_id,
        },
        app.now(),
    )
    .await?;
    let after = serde_json::to_value(store::get_registration(&mut tx, id).await?).ok();
    audit::append(
        &mut tx,
        &actor.audit_entry("create", "registration", id, None, after),
        app.now(),
    )
    .await?;
    trienkhai_store::commit(tx).await?;
    Ok(id)
}

/// Replaces the items of an editable version; answers its new row version.
pub async fn save_items(
    app: &App,
    actor: &Actor,
    id: i64,
    items: &[ItemInput],
    expected_version: i64,
) -> Result<i64> {
    if items.len() > 100 {
        return Err(AppError::invalid("too_many_items", "items"));
    }
    let mut tx = app.db.begin().await?;
    let mut trees = Trees::shared(app);
    let (reg, s) = with_standing(app, &mut tx, &mut trees, actor, id).await?;
    if !(s.own || s.edits) {
        return Err(AppError::Forbidden);
    }
    if !reg.state.editable() {
        return Err(AppError::invalid("registration_not_editable", "state"));
    }
    let mut checked = Vec::with_capacity(items.len());
    for item in items {
        let content = ItemContent::new(
            reg.year,
            &item.content,
            &item.product,
            item.measure.as_deref(),
            item.deadline,
        )?;
        let concretizes = match (item.work_item_id, item.target_id) {
            (Some(w), _) => {
                work_items::get_work_item(&mut tx, w)
                    .await
                    .map_err(|_| AppError::invalid("not_found", "work_item_id"))?;
                Some(Concretizes::WorkItem(w))
            }
            (None, Some(t)) => {
                targets::get_target(&mut tx, t)
                    .await
                    .map_err(|_| AppError::invalid("not_found", "target_id"))?;
                Some(Concretizes::Target(t))
            }
            (None, None) => None,
        };
        checked.push(NewItem {
            content: content.content,
            product: content.product,
            measure: content.measure,
            deadline: content.deadline,
            concretizes,
        });
    }
    // An audit state is an object (the API describes it so): the list under its name.
    let before = Some(serde_json::json!({ "items": store::items_of(&mut tx, id).await? }));
    let version = store::touch(&mut tx, id, expected_version, app.now()).await?;
    store::replace_items(&mut tx, id, &checked).await?;
    let after = Some(serde_json::json!({ "items": store::items_of(&mut tx, id).await? }));
    audit::append(
        &mut tx,
        &actor.audit_entry("set_items", "registration", id, before, after),
        app.now(),
    )
    .await?;
    trienkhai_store::commit(tx).await?;
    Ok(version)
}

/// Submits, approves or returns a version; answers its new row version.
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
    let (reg, s) = with_standing(app, &mut tx, &mut trees, actor, id).await?;
    let allowed = match action {
        RegistrationAction::Submit => s.own || s.edits,
        // Nobody decides on their own registration.
        RegistrationAction::Approve | RegistrationAction::Return => s.edits && !s.own,
    };
    if !allowed {
        return Err(AppError::Forbidden);
    }
    let next = action.apply(reg.state, comment)?;
    if action == RegistrationAction::Submit && store::items_of(&mut tx, id).await?.is_empty() {
        return Err(AppError::invalid("registration_empty", "items"));
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
            "registration",
            id,
            Some(serde_json::json!({ "state": reg.state })),
            Some(serde_json::json!({ "state": next, "comment": comment })),
        ),
        app.now(),
    )
    .await?;
    trienkhai_store::commit(tx).await?;
    Ok(version)
}

/// Opens the next version of an approved registration to amend it, its items copied; the
/// approved one stays in force until the new one is approved.
pub async fn amend(app: &App, actor: &Actor, id: i64) -> Result<i64> {
    let mut tx = app.db.begin().await?;
    let mut trees = Trees::shared(app);
    let (reg, s) = with_standing(app, &mut tx, &mut trees, actor, id).await?;
    if !(s.own || s.edits) {
        return Err(AppError::Forbidden);
    }
    let latest = store::versions_of(&mut tx, reg.person_id, reg.year)
        .await?
        .pop()
        .ok_or(AppError::NotFound)?;
    if latest.id != id || !may_amend(latest.state) {
        return Err(AppError::invalid("registration_not_amendable", "state"));
    }
    let new = store::insert_registration(
        &mut tx,
        &NewRegistration {
            person_id: reg.person_id,
            year: reg.year,
            version: reg.version + 1,
            unit_id: reg.unit_id,
            document_id: reg.document_id,
        },
        app.now(),
    )
    .await?;
    let copied: Vec<NewItem> = store::items_of(&mut tx, id)
        .await?
        .into_iter()
        .map(|i| NewItem {
            content: i.content,
            product: i.product,
            measure: i.measure,
            deadline: i.deadline,
            concretizes: i.concretizes,
        })
        .collect();
    store::replace_items(&mut tx, new, &copied).await?;
    audit::append(
        &mut tx,
        &actor.audit_entry(
            "amend",
            "registration",
            new,
            Some(serde_json::json!({ "amends": id })),
            None,
        ),
        app.now(),
    )
    .await?;
    trienkhai_store::commit(tx).await?;
    Ok(new)
}

/// A version with its items, for whoever may read it.
pub async fn get(app: &App, actor: &Actor, id: i64) -> Result<RegistrationView> {
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    let (registration, s) = with_standing(app, &mut conn, &mut trees, actor, id).await?;
    if !(s.own || s.edits || s.reads_from_above) {
        return Err(AppError::Forbidden);
    }
    let items = store::items_of(&mut conn, id).await?;
    let assessments = store::assessments_of(&mut conn, id).await?;
    let evidence = trienkhai_store::registration_evidence::of_registration(&mut conn, id).await?;
    let person_name = trienkhai_store::persons::get_person(&mut conn, registration.person_id)
        .await?
        .full_name;
    let unit_name = trees
        .at(&mut conn, judging_day(app, registration.year))
        .await?
        .get(registration.unit_id)
        .map(|v| v.name.clone())
        .unwrap_or_default();
    let document_number = match registration.document_id {
        Some(d) => Some(
            trienkhai_store::documents::get_document(&mut conn, d)
                .await?
                .number
                .as_str()
                .to_owned(),
        ),
        None => None,
    };
    let state = registration.state;
    let latest = store::versions_of(&mut conn, registration.person_id, registration.year)
        .await?
        .last()
        .is_some_and(|l| l.id == registration.id);
    let approved = state == RegistrationState::Approved;
    Ok(RegistrationView {
        can_assess: (s.own || s.edits) && approved,
        can_remark: s.edits && !s.own && approved,
        can_amend: (s.own || s.edits) && latest && may_amend(state),
        person_name,
        unit_name,
        document_number,
        assessments,
        evidence,
        can_edit: (s.own || s.edits) && state.editable(),
        can_decide: s.edits && !s.own && state == RegistrationState::Submitted,
        own: s.own,
        registration,
        items,
    })
}

/// The person's assessment of an item of their approved registration, for a phase (replacing
/// an earlier one of that phase, and the remark made on it).
pub async fn assess(
    app: &App,
    actor: &Actor,
    item_id: i64,
    phase: AssessmentPhase,
    outcome: Outcome,
    percent: Option<u8>,
    note: Option<&str>,
) -> Result<()> {
    let assessment = SelfAssessment::new(outcome, percent)?;
    let note = note
        .map(trienkhai_core::vn::clean_text)
        .filter(|n| !n.is_empty());
    let mut tx = app.db.begin().await?;
    let mut trees = Trees::shared(app);
    let item = store::get_item(&mut tx, item_id).await?;
    let (reg, s) = with_standing(app, &mut tx, &mut trees, actor, item.registration_id).await?;
    if !(s.own || s.edits) {
        return Err(AppError::Forbidden);
    }
    if reg.state != RegistrationState::Approved {
        return Err(AppError::invalid("registration_not_approved", "state"));
    }
    store::set_assessment(
        &mut tx,
        item_id,
        phase,
        assessment,
        note.as_deref(),
        app.now(),
    )
    .await?;
    audit::append(
        &mut tx,
        &actor.audit_entry(
            "assess",
            "registration",
            reg.id,
            None,
            Some(serde_json::json!({
                "item": item.position, "phase": phase, "outcome": outcome,
                "percent": assessment.percent, "note": note,
            })),
        ),
        app.now(),
    )
    .await?;
    trienkhai_store::commit(tx).await?;
    Ok(())
}

/// The superior's remark on an item's assessment (never the person's own).
pub async fn remark(
    app: &App,
    actor: &Actor,
    item_id: i64,
    phase: AssessmentPhase,
    text: &str,
) -> Result<()> {
    let text = trienkhai_core::vn::clean_text(text);
    if text.is_empty() {
        return Err(AppError::invalid("required", "remark"));
    }
    let mut tx = app.db.begin().await?;
    let mut trees = Trees::shared(app);
    let item = store::get_item(&mut tx, item_id).await?;
    let (reg, s) = with_standing(app, &mut tx, &mut trees, actor, item.registration_id).await?;
    if !s.edits || s.own {
        return Err(AppError::Forbidden);
    }
    store::set_remark(&mut tx, item_id, phase, &text, actor.account_id, app.now())
        .await
        .map_err(|e| match e {
            trienkhai_store::StoreError::NotFound => {
                AppError::invalid("assessment_missing", "phase")
            }
            other => other.into(),
        })?;
    audit::append(
        &mut tx,
        &actor.audit_entry(
            "remark",
            "registration",
            reg.id,
            None,
            Some(serde_json::json!({ "item": item.position, "phase": phase, "remark": text })),
        ),
        app.now(),
    )
    .await?;
    trienkhai_store::commit(tx).await?;
    Ok(())
}
