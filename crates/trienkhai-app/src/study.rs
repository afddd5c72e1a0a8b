//! Study sessions (C10): a unit records the sessions it held to study a document (who was
//! required by audience, who came, who was excused, the make-up sessions), and anyone reading
//! the unit sees the attendance rolled up its tree the way offices write it: "2.909/3.044 đảng
//! viên, đạt 95,56%", with a line per unit below.
//!
//! Recording needs content rights on the unit (its secretary or clerk, a superior editor) and a
//! document the actor may read; the roll-up needs a read right on the unit.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use trienkhai_core::access::Action;
use trienkhai_core::attendance::{
    Attendance, Audience, SessionCount, StudyMode, attendance_from_sums, check_session_count,
};
use trienkhai_core::ids::{DocumentId, UnitId};
use trienkhai_core::org::TreeSnapshot;
use trienkhai_store::audit;
pub use trienkhai_store::study::StudySession;
use trienkhai_store::study::{self as store, NewSession, UnitSums};

use crate::documents::readable;
use crate::scope::Trees;
use crate::{Actor, App, AppError, Result};

/// Longest place or note kept.
const MAX_TEXT: usize = 500;

/// The most people one session counts for one audience (a province's class is some
/// thousands): anything above is a typing slip, and sums stay far from overflowing.
pub const MAX_COUNT: u32 = 1_000_000;

/// One audience's counts as typed.
#[derive(Debug, Clone, Copy, Deserialize, schemars::JsonSchema)]
pub struct CountInput {
    pub audience: Audience,
    #[serde(default)]
    #[schemars(range(max = 1_000_000))]
    pub required: u32,
    #[serde(default)]
    #[schemars(range(max = 1_000_000))]
    pub present: u32,
    #[serde(default)]
    #[schemars(range(max = 1_000_000))]
    pub excused: u32,
}

/// A session to record.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub struct SessionInput {
    pub document_id: DocumentId,
    pub unit_id: UnitId,
    pub held_on: NaiveDate,
    #[schemars(length(min = 1, max = 500))]
    pub place: String,
    pub mode: StudyMode,
    /// A make-up session (*học bù*) for those who missed the first.
    #[serde(default)]
    pub makeup: bool,
    #[schemars(length(max = 500))]
    pub note: Option<String>,
    /// One entry per audience at most.
    #[schemars(length(max = 3))]
    pub counts: Vec<CountInput>,
}

/// One audience's attendance, with the sentence offices write.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct AudienceAttendance {
    pub audience: Audience,
    pub attendance: Attendance,
    /// Percent present, cut (never rounded up) to two decimals; none when nobody was required.
    pub rate: Option<rust_decimal::Decimal>,
    /// "2.909/3.044 đảng viên, đạt 95,56%".
    pub sentence: String,
}

/// A unit's attendance (with everything below it), by audience.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct UnitAttendance {
    pub unit_id: UnitId,
    pub code: String,
    pub name: String,
    /// Audiences someone was required or came for, in [`Audience::ALL`] order.
    pub audiences: Vec<AudienceAttendance>,
    /// Sessions held in it and below (make-up sessions included).
    pub sessions: u32,
    /// Units here and below that held at least one session, out of how many there are.
    pub units_with_sessions: u32,
    pub units: u32,
}

/// A unit by id, code and name.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct UnitRef {
    pub unit_id: UnitId,
    pub code: String,
    pub name: String,
}

/// The study of a document in a unit: its total, a line per unit directly below, the sessions
/// it held itself.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct StudyRollup {
    pub document_id: DocumentId,
    /// The tree is read on this day.
    pub as_of: NaiveDate,
    pub total: UnitAttendance,
    /// The sessions the unit held itself (a district's class of key cadres): with the lines
    /// below, it adds up to the total.
    pub own: UnitAttendance,
    pub children: Vec<UnitAttendance>,
    pub sessions: Vec<StudySession>,
    /// The unit above, when the reader may read it (to go up the tree).
    pub parent: Option<UnitRef>,
    /// The reader may record sessions for this unit.
    pub can_record: bool,
}

/// Counts per audience of one unit, summed over a subtree as it is walked.
#[derive(Default, Clone, Copy)]
struct Sums {
    by_audience: [Attendance; 3],
    seen: [bool; 3],
    sessions: u32,
    units_with_sessions: u32,
    units: u32,
}

impl Sums {
    fn plus(mut self, other: &Sums) -> Sums {
        for i in 0..3 {
            self.by_audience[i] = self.by_audience[i].plus(other.by_audience[i]);
            self.seen[i] |= other.seen[i];
        }
        self.sessions += other.sessions;
        self.units_with_sessions += other.units_with_sessions;
        self.units += other.units;
        self
    }
}

fn audience_index(a: Audience) -> usize {
    Audience::ALL.iter().position(|x| *x == a).unwrap_or(0)
}

/// Each unit's own counts, from the per-unit sums of its sessions and how many it held.
fn own_sums(rows: &[UnitSums], sessions: &[(UnitId, u32)]) -> HashMap<UnitId, Sums> {
    let mut out: HashMap<UnitId, Sums> = HashMap::new();
    for row in rows {
        let entry = out.entry(row.unit_id).or_default();
        let i = audience_index(row.audience);
        entry.by_audience[i] = attendance_from_sums(row.regular, row.made_up);
        entry.seen[i] = true;
    }
    for &(unit, n) in sessions {
        out.entry(unit).or_default().sessions = n;
    }
    out
}

fn subtree_sums(tree: &TreeSnapshot, own: &HashMap<UnitId, Sums>, root: UnitId) -> Sums {
    tree.walk_from(root)
        .into_iter()
        .fold(Sums::default(), |acc, (_, v)| {
            let mine = own.get(&v.unit_id).copied().unwrap_or_default();
            acc.plus(&Sums {
                units: 1,
                units_with_sessions: u32::from(mine.sessions > 0),
                ..mine
            })
        })
}

fn unit_attendance(tree: &TreeSnapshot, unit: UnitId, sums: &Sums) -> UnitAttendance {
    let node = tree.get(unit);
    UnitAttendance {
        unit_id: unit,
        code: node.map(|v| v.code.as_str().to_owned()).unwrap_or_default(),
        name: node.map(|v| v.name.clone()).unwrap_or_default(),
        audiences: Audience::ALL
            .iter()
            .enumerate()
            .filter(|(i, _)| sums.seen[*i])
            .map(|(i, &audience)| {
                let attendance = sums.by_audience[i];
                AudienceAttendance {
                    audience,
                    rate: attendance.rate(),
                    sentence: attendance.sentence_vi(audience),
                    attendance,
                }
            })
            .collect(),
        sessions: sums.sessions,
        units_with_sessions: sums.units_with_sessions,
        units: sums.units,
    }
}

/// The attendance at the study of `document` in `unit` and below, on the tree of `as_of`; by
/// default the day of the document's latest session (the tree the sessions were held in, not
/// one reshaped since), or today before any.
pub async fn rollup(
    app: &App,
    actor: &Actor,
    document: DocumentId,
    unit: UnitId,
    as_of: Option<NaiveDate>,
) -> Result<StudyRollup> {
    let today = app.today();
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    readable(&mut conn, &mut trees, actor, document, today).await?;
    let day = match as_of {
        Some(day) => day,
        None => {
            let day = store::latest_session_day(&mut conn, document)
                .await?
                .map_or(today, |d| d.min(today));
            // A unit that has ended since is read on its last day, not refused.
            crate::personal::unit_day(&mut conn, unit, day).await?
        }
    };
    if !trees
        .allows(&mut conn, actor, Action::Read, unit, day)
        .await?
    {
        return Err(AppError::Forbidden);
    }
    let tree = trees.at(&mut conn, day).await?;
    if tree.get(unit).is_none() {
        return Err(AppError::NotFound);
    }
    let can_record = trees
        .allows(&mut conn, actor, Action::EditContent, unit, day)
        .await?;
    let parent = match tree.get(unit).and_then(|v| v.parent_id) {
        Some(p) if trees.allows(&mut conn, actor, Action::Read, p, day).await? => {
            tree.get(p).map(|v| UnitRef {
                unit_id: p,
                code: v.code.as_str().to_owned(),
                name: v.name.clone(),
            })
        }
        _ => None,
    };
    // The figures are the same for every reader: kept under the change epoch, computed on a
    // connection of their own (this one is given back first).
    drop(conn);
    let key = RollupKey {
        today,
        document,
        unit,
        day,
    };
    let figures = app
        .study_rollups
        .get_or_compute_for(app, actor, key, || figures(app, document, unit, day))
        .await?;
    Ok(StudyRollup {
        document_id: document,
        as_of: day,
        total: figures.total.clone(),
        own: figures.own.clone(),
        children: figures.children.clone(),
        sessions: figures.sessions.clone(),
        parent,
        can_record,
    })
}

/// How many roll-ups are kept.
pub(crate) const ROLLUPS_KEPT: usize = 256;

/// What a kept roll-up was asked for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RollupKey {
    today: NaiveDate,
    document: DocumentId,
    unit: UnitId,
    day: NaiveDate,
}

/// The part of a roll-up every reader sees alike.
#[derive(Debug)]
pub struct RollupFigures {
    total: UnitAttendance,
    own: UnitAttendance,
    children: Vec<UnitAttendance>,
    sessions: Vec<StudySession>,
}

async fn figures(
    app: &App,
    document: DocumentId,
    unit: UnitId,
    day: NaiveDate,
) -> Result<RollupFigures> {
    let mut conn = app.db.reader().await?;
    let tree = Trees::shared(app).at(&mut conn, day).await?;
    let rows = store::sums_by_unit(&mut conn, document).await?;
    let counts = store::session_counts_by_unit(&mut conn, document).await?;
    let sessions = store::sessions_of(&mut conn, document, unit).await?;
    drop(conn);
    let own = own_sums(&rows, &counts);
    let total = subtree_sums(&tree, &own, unit);
    let mine = own.get(&unit).copied().unwrap_or_default();
    let mine = Sums {
        units: 1,
        units_with_sessions: u32::from(mine.sessions > 0),
        ..mine
    };
    Ok(RollupFigures {
        total: unit_attendance(&tree, unit, &total),
        own: unit_attendance(&tree, unit, &mine),
        children: tree
            .children(unit)
            .iter()
            .map(|&child| unit_attendance(&tree, child, &subtree_sums(&tree, &own, child)))
            .collect(),
        sessions,
    })
}

/// The unit a document's study opens on for the reader: the one its plan opens on (its
/// issuer, or the reader's unit inside it), else the reader's own unit, else the top of the
/// tree for whoever reads everything.
pub async fn default_unit(app: &App, actor: &Actor, document: DocumentId) -> Result<UnitId> {
    let today = app.today();
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    let doc = readable(&mut conn, &mut trees, actor, document, today).await?;
    let period = crate::documents::default_period(&doc);
    if let Some(unit) =
        crate::cascade::default_unit(&mut conn, &mut trees, actor, &doc, period).await?
    {
        // A standing committee's plan is carried out by its committee's units.
        let tree = trees.at(&mut conn, period.tree_date()).await?;
        return Ok(crate::document_access::speaking_unit(&tree, unit));
    }
    match actor.access.roots_for(Action::Read) {
        Some(roots) => roots.first().copied(),
        None => trees.at(&mut conn, today).await?.roots().first().copied(),
    }
    .ok_or(AppError::NotFound)
}

/// A text typed in a form: cleaned, bounded, required or not.
fn text(input: &str, field: &'static str, required: bool) -> Result<Option<String>> {
    let cleaned = trienkhai_core::vn::clean_text(input);
    if cleaned.chars().count() > MAX_TEXT {
        return Err(AppError::invalid("too_long", field));
    }
    if cleaned.is_empty() {
        return if required {
            Err(AppError::invalid("required", field))
        } else {
            Ok(None)
        };
    }
    Ok(Some(cleaned))
}

/// Records a session of `input.unit_id` studying `input.document_id`; answers its id.
pub async fn record(app: &App, actor: &Actor, input: &SessionInput) -> Result<i64> {
    let today = app.today();
    let place = text(&input.place, "place", true)?.unwrap_or_default();
    let note = match &input.note {
        Some(n) => text(n, "note", false)?,
        None => None,
    };
    if input.held_on > today {
        return Err(AppError::invalid("date_in_future", "held_on"));
    }
    if input.counts.len() > Audience::ALL.len() {
        return Err(AppError::invalid("audience_repeated", "counts"));
    }
    let mut tx = app.db.begin().await?;
    let mut trees = Trees::shared(app);
    let doc = readable(&mut tx, &mut trees, actor, input.document_id, today)
        .await
        .map_err(|e| match e {
            AppError::NotFound => AppError::invalid("not_found", "document_id"),
            other => other,
        })?;
    if input.held_on < doc.issued_on {
        return Err(AppError::invalid("study_before_issue", "held_on"));
    }
    // The unit as it was on the day of the session: a commune merged since still has its past.
    if trees
        .at(&mut tx, input.held_on)
        .await?
        .get(input.unit_id)
        .is_none()
    {
        return Err(AppError::invalid("not_found", "unit_id"));
    }
    if !trees
        .allows(
            &mut tx,
            actor,
            Action::EditContent,
            input.unit_id,
            input.held_on,
        )
        .await?
    {
        return Err(AppError::Forbidden);
    }
    let so_far = own_sums(&store::sums_by_unit(&mut tx, input.document_id).await?, &[])
        .remove(&input.unit_id)
        .unwrap_or_default();
    let mut counts: Vec<(Audience, SessionCount)> = Vec::new();
    for c in &input.counts {
        if counts.iter().any(|(a, _)| *a == c.audience) {
            return Err(AppError::invalid("audience_repeated", "counts"));
        }
        for (value, field) in [
            (c.required, "required"),
            (c.present, "present"),
            (c.excused, "excused"),
        ] {
            if value > MAX_COUNT {
                return Err(AppError::invalid("out_of_range", field));
            }
        }
        let count = SessionCount {
            required: c.required,
            present: c.present,
            excused: c.excused,
        };
        if count == SessionCount::default() {
            continue;
        }
        let before = so_far.by_audience[audience_index(c.audience)];
        counts.push((
            c.audience,
            check_session_count(count, input.makeup, before)?,
        ));
    }
    if counts.is_empty() {
        return Err(AppError::invalid("attendance_empty", "counts"));
    }
    let new = NewSession {
        document_id: input.document_id,
        unit_id: input.unit_id,
        held_on: input.held_on,
        place,
        mode: input.mode,
        makeup: input.makeup,
        note,
        counts,
    };
    let id = store::insert_session(&mut tx, &new, app.now()).await?;
    crate::study_targets::refresh(
        app,
        &mut tx,
        &mut trees,
        actor,
        input.document_id,
        input.unit_id,
    )
    .await?;
    let after = serde_json::to_value(store::get_session(&mut tx, id).await?).ok();
    audit::append(
        &mut tx,
        &actor.audit_entry("create", "study_session", id, None, after),
        app.now(),
    )
    .await?;
    trienkhai_store::commit(tx).await?;
    Ok(id)
}

/// Forgets a session recorded by mistake (its unit's editors only); the audit log keeps it.
pub async fn remove(app: &App, actor: &Actor, id: i64) -> Result<()> {
    let mut tx = app.db.begin().await?;
    let mut trees = Trees::shared(app);
    let session = store::get_session(&mut tx, id).await?;
    if !trees
        .allows(
            &mut tx,
            actor,
            Action::EditContent,
            session.unit_id,
            session.held_on,
        )
        .await?
    {
        return Err(AppError::Forbidden);
    }
    // What is left must still add up: a make-up session counts people the first one missed.
    if !session.makeup {
        let others = store::sessions_of(&mut tx, session.document_id, session.unit_id).await?;
        if others.iter().any(|s| s.makeup) {
            return Err(AppError::invalid("study_makeup_depends", "id"));
        }
    }
    store::delete_session(&mut tx, id).await?;
    crate::study_targets::refresh(
        app,
        &mut tx,
        &mut trees,
        actor,
        session.document_id,
        session.unit_id,
    )
    .await?;
    audit::append(
        &mut tx,
        &actor.audit_entry(
            "delete",
            "study_session",
            id,
            serde_json::to_value(&session).ok(),
            None,
        ),
        app.now(),
    )
    .await?;
    trienkhai_store::commit(tx).await?;
    Ok(())
}

/// A session, for whoever may read its unit.
pub async fn get(app: &App, actor: &Actor, id: i64) -> Result<StudySession> {
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    let session = store::get_session(&mut conn, id).await?;
    // Read as the unit was on the day: a cell merged away since keeps its readers.
    if !trees
        .allows(
            &mut conn,
            actor,
            Action::Read,
            session.unit_id,
            session.held_on,
        )
        .await?
    {
        return Err(AppError::Forbidden);
    }
    Ok(session)
}
