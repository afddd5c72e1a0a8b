//! Targets computed from attendance (C10, issue 13, point 3): a target such as the demo's XD03
//! ("tỷ lệ cán bộ, đảng viên tham gia học tập, quán triệt nghị quyết") declares that its value
//! per unit is the attendance at a document's study sessions. Each unit's own sessions then
//! write its value (attended / required, a ratio, for the year of its first session) whenever a
//! session is recorded or removed, and the target's ordinary roll-up sums them up the tree, the
//! same way the attendance roll-up does. Nobody types it: report forms leave it out and a typed
//! value is refused (`target_computed`).

use serde::{Deserialize, Serialize};
use trienkhai_core::attendance::{Attendance, Audience, SessionCount, attendance_from_sums};
use trienkhai_core::ids::{DocumentId, TargetId, UnitId};
use trienkhai_core::period::Period;
use trienkhai_core::target::ValueType;
use trienkhai_store::attendance_targets as links;
pub use trienkhai_store::attendance_targets::AttendanceTarget;
use trienkhai_store::{Conn, audit, study, targets};

use crate::scope::Trees;
use crate::{Actor, App, AppError, Result};

/// What a computed value says of itself: its note (the marker this module recognises its own
/// values by; nobody else writes a linked target's values). Its source is `user`: it comes
/// from the sessions users recorded (the sources' check in the schema is the provenance of
/// content, and a computed value has the provenance of what it was computed from).
pub const COMPUTED_NOTE: &str = "Tính từ số liệu học tập, quán triệt";

/// A link to set: the document whose sessions count, and who counts (at least one audience).
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkInput {
    pub document_id: DocumentId,
    #[schemars(length(min = 1, max = 3))]
    pub audiences: Vec<Audience>,
}

/// A target's link and whether the reader may change it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct LinkView {
    pub link: Option<AttendanceTarget>,
    /// The number of the document studied ("02-NQ/HU").
    pub document_number: Option<String>,
    pub can_edit: bool,
}

/// Refuses a typed value for a computed target.
pub(crate) async fn refuse_typed(conn: &mut Conn, target: TargetId) -> Result<()> {
    match links::link_of(conn, target).await? {
        Some(_) => Err(AppError::invalid("target_computed", "target_id")),
        None => Ok(()),
    }
}

/// The target's link, for whoever reads the target.
pub async fn link_of(app: &App, actor: &Actor, target: TargetId) -> Result<LinkView> {
    let view = crate::targets::get_target(app, actor, target).await?;
    let mut conn = app.db.reader().await?;
    let link = links::link_of(&mut conn, target).await?;
    let document_number = match &link {
        Some(l) => Some(
            trienkhai_store::documents::get_document(&mut conn, l.document_id)
                .await?
                .number
                .as_str()
                .to_owned(),
        ),
        None => None,
    };
    Ok(LinkView {
        link,
        document_number,
        can_edit: view.can_edit,
    })
}

/// Declares that `target` is computed from the attendance at `input.document_id`'s sessions
/// (the target's plan editors; a ratio target only), and writes every unit's value now.
/// Answers how many values were written.
pub async fn link(app: &App, actor: &Actor, target: TargetId, input: &LinkInput) -> Result<usize> {
    if input.audiences.is_empty() {
        return Err(AppError::invalid("required", "audiences"));
    }
    if input.audiences.len() > Audience::ALL.len() {
        return Err(AppError::invalid("audience_repeated", "audiences"));
    }
    let mut audiences = input.audiences.clone();
    audiences.sort_by_key(|a| a.as_str());
    audiences.dedup();
    let mut tx = app.db.begin().await?;
    let mut trees = Trees::shared(app);
    let t = targets::get_target(&mut tx, target).await?;
    crate::documents::plan_for_edit(&mut tx, &mut trees, actor, t.document_id).await?;
    if t.value_type != ValueType::Ratio {
        return Err(AppError::invalid("target_not_ratio", "target_id"));
    }
    crate::criteria_links::refuse_typed(&mut tx, target).await?;
    crate::documents::readable(&mut tx, &mut trees, actor, input.document_id, app.today())
        .await
        .map_err(|_| AppError::invalid("not_found", "document_id"))?;
    let before = links::link_of(&mut tx, target).await?;
    let link = AttendanceTarget {
        target_id: target,
        document_id: input.document_id,
        audiences,
    };
    links::link(&mut tx, &link, app.now()).await?;
    audit::append(
        &mut tx,
        &actor.audit_entry(
            "link",
            "attendance_target",
            target.0,
            before.map(|b| serde_json::json!({ "link": b })),
            Some(serde_json::json!({ "link": link })),
        ),
        app.now(),
    )
    .await?;
    let units: std::collections::BTreeSet<UnitId> =
        study::session_counts_by_unit(&mut tx, input.document_id)
            .await?
            .into_iter()
            .map(|(u, _)| u)
            .collect();
    let mut written = 0;
    for unit in units {
        written += usize::from(write_value(app, &mut tx, &mut trees, actor, &link, unit).await?);
    }
    trienkhai_store::commit(tx).await?;
    Ok(written)
}

/// After a session of `document` at `unit` was recorded or removed: the values of the targets
/// its sessions feed, in the same transaction.
pub(crate) async fn refresh(
    app: &App,
    tx: &mut Conn,
    trees: &mut Trees,
    actor: &Actor,
    document: DocumentId,
    unit: UnitId,
) -> Result<()> {
    for link in links::fed_by(tx, document).await? {
        write_value(app, tx, trees, actor, &link, unit).await?;
    }
    Ok(())
}

/// Writes (or, with no session left, removes) `unit`'s value of a computed target: its own
/// sessions' attendance for the audiences counted. Answers whether a value stands. A unit
/// outside the target's plan on that year's tree feeds nothing.
async fn write_value(
    app: &App,
    tx: &mut Conn,
    trees: &mut Trees,
    actor: &Actor,
    link: &AttendanceTarget,
    unit: UnitId,
) -> Result<bool> {
    let sessions = study::sessions_of(tx, link.document_id, unit).await?;
    let year = sessions.iter().find(|s| !s.makeup).map(|s| {
        use chrono::Datelike;
        s.held_on.year()
    });
    let mut attended = Attendance::default();
    for audience in &link.audiences {
        let mut regular = SessionCount::default();
        let mut made_up = 0u32;
        for s in &sessions {
            for (a, c) in &s.counts {
                if a != audience {
                    continue;
                }
                if s.makeup {
                    made_up = made_up.saturating_add(c.present);
                } else {
                    regular.required = regular.required.saturating_add(c.required);
                    regular.present = regular.present.saturating_add(c.present);
                    regular.excused = regular.excused.saturating_add(c.excused);
                }
            }
        }
        attended = attended.plus(attendance_from_sums(regular, made_up));
    }
    // Every year a value was written for (a first session moved to another year leaves one).
    let period_of = |y: i32| Period::Year(y);
    let t = targets::get_target(tx, link.target_id).await?;
    let doc = trienkhai_store::documents::get_document(tx, t.document_id).await?;
    let standing: Vec<Period> = targets::actuals_of_unit(tx, link.target_id, unit)
        .await?
        .into_iter()
        .filter(|a| a.note.as_deref() == Some(COMPUTED_NOTE))
        .map(|a| a.period)
        .collect();
    let keep = match year {
        Some(y) if attended.required > 0 => {
            let period = period_of(y);
            let tree = trees.at(tx, period.tree_date()).await?;
            let inside = tree.get(unit).is_some()
                && doc
                    .issuer_unit_id
                    .is_none_or(|issuer| tree.is_within(unit, issuer));
            inside.then_some(period)
        }
        _ => None,
    };
    for period in standing {
        if Some(period) != keep {
            crate::computed_values::remove(app, tx, actor, link.target_id, unit, period).await?;
        }
    }
    let Some(period) = keep else {
        return Ok(false);
    };
    crate::computed_values::put_ratio(
        app,
        tx,
        actor,
        (link.target_id, unit, period),
        (attended.present, attended.required),
        COMPUTED_NOTE,
    )
    .await?;
    Ok(true)
}
