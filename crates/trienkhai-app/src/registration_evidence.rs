//! Evidence files of a registered item's self-assessment (C9, issue 13, point 1): the person,
//! or whoever writes for them, attaches a file to an item of their approved registration for a
//! phase (mid-year or year end); whoever reads the registration reads its files. Size and type
//! are checked from the bytes, the name is cleaned and never used as a path, the content hashed.

use trienkhai_core::registration::{AssessmentPhase, RegistrationState};
pub use trienkhai_store::registration_evidence::ItemEvidence;
use trienkhai_store::registration_evidence::{self as store, NewItemEvidence};
use trienkhai_store::{audit, registrations};

use crate::personal::standing;
use crate::scope::Trees;
use crate::{Actor, App, AppError, Result};

/// Attaches a file to an item of an approved registration, for a phase; answers its id.
pub async fn attach(
    app: &App,
    actor: &Actor,
    item_id: i64,
    phase: AssessmentPhase,
    file_name: &str,
    bytes: &[u8],
) -> Result<i64> {
    let (name, content_type) = crate::documents::check_upload(file_name, bytes)?;
    let sha = crate::auth::sha256_hex(bytes);
    let mut tx = app.db.begin().await?;
    let mut trees = Trees::shared(app);
    let item = registrations::get_item(&mut tx, item_id).await?;
    let reg = registrations::get_registration(&mut tx, item.registration_id).await?;
    let s = standing(
        app,
        &mut tx,
        &mut trees,
        actor,
        reg.person_id,
        reg.unit_id,
        reg.year,
    )
    .await?;
    if !(s.own || s.edits) {
        return Err(AppError::Forbidden);
    }
    if reg.state != RegistrationState::Approved {
        return Err(AppError::invalid("registration_not_approved", "state"));
    }
    let id = store::insert(
        &mut tx,
        &NewItemEvidence {
            item_id,
            phase,
            file_name: &name,
            content_type,
            sha256: &sha,
            content: bytes,
            uploaded_by: actor.account_id,
        },
        app.now(),
    )
    .await?;
    audit::append(
        &mut tx,
        &actor.audit_entry(
            "attach",
            "registration",
            reg.id,
            None,
            Some(serde_json::json!({
                "evidence_id": id, "item": item.position, "phase": phase,
                "file_name": name, "sha256": sha, "size": bytes.len(),
            })),
        ),
        app.now(),
    )
    .await?;
    trienkhai_store::commit(tx).await?;
    Ok(id)
}

/// An evidence file with its bytes, for whoever may read its registration.
pub async fn file(app: &App, actor: &Actor, id: i64) -> Result<(ItemEvidence, Vec<u8>)> {
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    let (record, bytes) = store::content(&mut conn, id).await?;
    let item = registrations::get_item(&mut conn, record.item_id).await?;
    let reg = registrations::get_registration(&mut conn, item.registration_id).await?;
    let s = standing(
        app,
        &mut conn,
        &mut trees,
        actor,
        reg.person_id,
        reg.unit_id,
        reg.year,
    )
    .await?;
    if !(s.own || s.edits || s.reads_from_above) {
        return Err(AppError::Forbidden);
    }
    Ok((record, bytes))
}
