//! What a reader is to a person's own papers of a year (a registration of work items, a
//! commitment): the person themself, whoever edits content in the unit they are filed in (its
//! secretary, a superior editor: they write for the person and decide, never on their own), or
//! a reader of a unit above (superiors read down the tree; peers do not read each other's).

use chrono::NaiveDate;
use trienkhai_core::access::Action;
use trienkhai_core::ids::{PersonId, UnitId};
use trienkhai_core::org::TreeSnapshot;
use trienkhai_store::Conn;

use crate::scope::Trees;
use crate::{Actor, App, Result};

/// What the reader is to a person's registration or commitment of a year in a unit.
pub struct Standing {
    pub own: bool,
    /// Edits content in the registration's unit (writes for the person, decides on others').
    pub edits: bool,
    /// Reads it from a unit above.
    pub reads_from_above: bool,
}

/// The day a person's unit is judged on for a year: its year's end, or today within the year.
pub fn judging_day(app: &App, year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 12, 31)
        .unwrap_or(NaiveDate::MAX)
        .min(app.today())
}

/// Does `actor` read `unit` from a unit above it (a peer reading its own unit does not)?
pub(crate) fn reads_from_above(actor: &Actor, tree: &TreeSnapshot, unit: UnitId) -> bool {
    match actor.access.roots_for(Action::Read) {
        None => true,
        Some(roots) => roots
            .iter()
            .any(|&root| root != unit && tree.is_within(unit, root)),
    }
}

pub(crate) async fn actor_person(conn: &mut Conn, actor: &Actor) -> Result<Option<PersonId>> {
    Ok(match actor.account_id {
        Some(account) => {
            trienkhai_store::accounts::get_account(conn, account)
                .await?
                .person_id
        }
        None => None,
    })
}

pub(crate) async fn standing(
    app: &App,
    conn: &mut Conn,
    trees: &mut Trees,
    actor: &Actor,
    person: PersonId,
    unit: UnitId,
    year: i32,
) -> Result<Standing> {
    let day = judging_day(app, year);
    let own = actor_person(conn, actor).await? == Some(person);
    let edits = trees
        .allows(conn, actor, Action::EditContent, unit, day)
        .await?;
    let reads_from_above = reads_from_above(actor, &*trees.at(conn, day).await?, unit);
    Ok(Standing {
        own,
        edits,
        reads_from_above,
    })
}

/// A plan a person may register under: (document, number, summary).
pub type PlanChoice = (trienkhai_core::ids::DocumentId, String, String);

/// The resolutions and plans a person of `unit` registers under: those issued by the unit and
/// the units above it (or their standing committees), newest resolution first. A few reads,
/// however many documents the province holds.
pub async fn plans_for(app: &App, unit: UnitId, year: i32) -> Result<Vec<PlanChoice>> {
    let day = judging_day(app, year);
    let mut conn = app.db.reader().await?;
    let tree = Trees::shared(app).at(&mut conn, day).await?;
    let mut issuers: Vec<UnitId> = Vec::new();
    for v in tree.path(unit) {
        issuers.push(v.unit_id);
        issuers.extend(
            tree.children(v.unit_id)
                .iter()
                .filter(|c| tree.get(**c).is_some_and(|u| u.kind == "ban_thuong_vu")),
        );
    }
    let mut docs = Vec::new();
    for issuer in issuers {
        let filter = trienkhai_store::documents::DocumentFilter {
            number: None,
            text: None,
            issuer_unit_id: Some(issuer),
            concretizes: None,
        };
        docs.extend(
            trienkhai_store::documents::list_documents(&mut conn, &filter)
                .await?
                .into_iter()
                .filter(|d| d.kind == "nghi_quyet" || d.kind == "ke_hoach"),
        );
    }
    docs.sort_by_key(|d| (d.kind != "nghi_quyet", std::cmp::Reverse(d.issued_on)));
    Ok(docs
        .into_iter()
        .map(|d| (d.id, d.number.as_str().to_owned(), d.summary))
        .collect())
}

/// The day a unit is read on: `day`, or its last day when it has ended before.
pub(crate) async fn unit_day(conn: &mut Conn, unit: UnitId, day: NaiveDate) -> Result<NaiveDate> {
    let last = trienkhai_store::units::versions_of(conn, unit)
        .await?
        .into_iter()
        .map(|v| v.validity)
        .max_by_key(|v| v.from)
        .ok_or(crate::AppError::NotFound)?;
    Ok(match last.to {
        Some(end) if end < day => end,
        _ => day,
    })
}

/// Who may read a unit's list of persons for a year (who has registered, who has signed): its
/// editors and readers of a unit above, not its peers. Answers the judging day, whether the
/// reader edits there, and the tree of that day.
pub(crate) async fn unit_list_access(
    app: &App,
    conn: &mut Conn,
    trees: &mut Trees,
    actor: &Actor,
    unit: UnitId,
    year: i32,
) -> Result<(NaiveDate, bool, std::sync::Arc<TreeSnapshot>)> {
    if !(1900..=2200).contains(&year) {
        return Err(crate::AppError::invalid("year_out_of_range", "year"));
    }
    let day = judging_day(app, year);
    let edits = trees
        .allows(conn, actor, Action::EditContent, unit, day)
        .await?;
    let tree = trees.at(conn, day).await?;
    if tree.get(unit).is_none() {
        return Err(crate::AppError::NotFound);
    }
    if !(edits || reads_from_above(actor, &tree, unit)) {
        return Err(crate::AppError::Forbidden);
    }
    Ok((day, edits, tree))
}
