//! Who may read a document. A document is addressed down the tree, and read along the way its
//! work travels:
//!
//! - by whoever works at or below its issuer (a commune reads the district's resolution to
//!   concretize it) or above it; a standing committee (*ban thường vụ*) issues in the name of
//!   its committee (`15-KH/HU` is the Huyện ủy's), so its documents read as its parent's;
//! - by whoever a work item of it is led by (a plan that hands a commune work is the commune's
//!   to read);
//! - up the `concretizes` chain: whoever may read a plan may read what it carries out, and so
//!   on up (the commune's plan, the district's resolution, the province's directive).
//!
//! Documents of issuers outside the tree (the National Assembly's) are read by everyone.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use trienkhai_core::access::Action;
use trienkhai_core::ids::{DocumentId, UnitId};
use trienkhai_core::org::UnitVersion;
use trienkhai_store::documents::{self, Document, DocumentFilter};
use trienkhai_store::{Conn, units, work_items};

use crate::scope::{Trees, judging_date};
use crate::{Actor, Result};

/// Unit kinds that issue in the name of their parent.
const ACTS_FOR_PARENT: &[&str] = &["ban_thuong_vu"];

/// How far down the `concretizes` chain a reader is looked for: province, district, commune,
/// cell, with one to spare.
const CHAIN_DEPTH: usize = 5;

/// Up to how many units under a reader's roots the leads of work items are read by unit rather
/// than by document (one read of the lead index either way; by unit is the smaller for a
/// commune or a cell among a province's plans).
const LEADS_READ_BY_UNIT: usize = 500;

/// The unit a document of `issuer` speaks for: a standing committee's is its committee's.
pub(crate) fn speaking_unit(tree: &trienkhai_core::org::TreeSnapshot, issuer: UnitId) -> UnitId {
    match tree.get(issuer) {
        Some(v) if ACTS_FOR_PARENT.contains(&v.kind.as_str()) => v.parent_id.unwrap_or(issuer),
        _ => issuer,
    }
}

/// May `actor` read `doc`? See the module header.
pub(crate) async fn can_read(
    conn: &mut Conn,
    trees: &mut Trees,
    actor: &Actor,
    doc: &Document,
    today: NaiveDate,
) -> Result<bool> {
    let Some(roots) = actor.access.roots_for(Action::Read) else {
        return Ok(true);
    };
    if doc.issuer_unit_id.is_none() {
        return Ok(actor.access.allows_somewhere(Action::Read));
    }
    if addressed(conn, trees, &roots, doc, today).await? {
        return Ok(true);
    }
    // Down the chain: a document carrying this one out that the actor reads.
    let mut seen: HashSet<DocumentId> = HashSet::from([doc.id]);
    let mut frontier = vec![doc.id];
    for _ in 0..CHAIN_DEPTH {
        let mut next = Vec::new();
        for upper in frontier {
            let filter = DocumentFilter {
                concretizes: Some(upper),
                ..Default::default()
            };
            for lower in documents::list_documents(conn, &filter).await? {
                if !seen.insert(lower.id) {
                    continue;
                }
                if lower.issuer_unit_id.is_none()
                    || addressed(conn, trees, &roots, &lower, today).await?
                {
                    return Ok(true);
                }
                next.push(lower.id);
            }
        }
        if next.is_empty() {
            break;
        }
        frontier = next;
    }
    Ok(false)
}

/// Is `doc` addressed to a reader whose scope is under `roots`: by its issuer's place in the
/// tree, or by a work item it hands to a unit there?
async fn addressed(
    conn: &mut Conn,
    trees: &mut Trees,
    roots: &[UnitId],
    doc: &Document,
    today: NaiveDate,
) -> Result<bool> {
    let Some(issuer) = doc.issuer_unit_id else {
        return Ok(true);
    };
    let versions = HashMap::from([(issuer, units::versions_of(conn, issuer).await?)]);
    match by_issuer(conn, trees, roots, issuer, &versions, doc, today).await? {
        ByIssuer::Decided(yes) => Ok(yes),
        ByIssuer::Leads(date) => {
            let leads = work_items::lead_units_of_document(conn, doc.id).await?;
            let tree = trees.at(conn, date).await?;
            Ok(leads
                .iter()
                .any(|&lead| roots.iter().any(|&root| tree.is_within(lead, root))))
        }
    }
}

/// What the issuer's place in the tree says of a document's readers.
enum ByIssuer {
    /// Addressed (the issuer is above or below a root), or never (it did not exist then).
    Decided(bool),
    /// Not by the issuer: the units leading its work items, in the tree of that date, decide.
    Leads(NaiveDate),
}

/// [`ByIssuer`] for `doc` issued by `issuer`, from versions read beforehand.
async fn by_issuer(
    conn: &mut Conn,
    trees: &mut Trees,
    roots: &[UnitId],
    issuer: UnitId,
    versions: &HashMap<UnitId, Vec<UnitVersion>>,
    doc: &Document,
    today: NaiveDate,
) -> Result<ByIssuer> {
    let Some(date) = versions
        .get(&issuer)
        .and_then(|v| judging_date(v, doc.issued_on.min(today)))
    else {
        return Ok(ByIssuer::Decided(false));
    };
    let tree = trees.at(conn, date).await?;
    let mut issuers = vec![issuer];
    if let Some(v) = tree.get(issuer)
        && ACTS_FOR_PARENT.contains(&v.kind.as_str())
        && let Some(parent) = v.parent_id
    {
        issuers.push(parent);
    }
    let related = |a: UnitId, b: UnitId| tree.is_within(a, b) || tree.is_within(b, a);
    Ok(
        if roots
            .iter()
            .any(|&root| issuers.iter().any(|&i| related(root, i)))
        {
            ByIssuer::Decided(true)
        } else {
            ByIssuer::Leads(date)
        },
    )
}

/// The documents of `docs` that `actor` may read, in their order: [`can_read`] for a whole
/// list in a few reads (every document's issuer and lower documents at once, the leads of work
/// items only for the documents their issuer does not decide), where one by one it was three
/// reads per document and its chain (a province's 160 lower plans: 28 ms for a cell).
pub(crate) async fn readable_among(
    conn: &mut Conn,
    trees: &mut Trees,
    actor: &Actor,
    docs: Vec<Document>,
    today: NaiveDate,
) -> Result<Vec<Document>> {
    let Some(roots) = actor.access.roots_for(Action::Read) else {
        return Ok(docs);
    };
    if docs.is_empty() {
        return Ok(docs);
    }
    let everything = documents::list_documents(conn, &DocumentFilter::default()).await?;
    let mut lower: HashMap<DocumentId, Vec<&Document>> = HashMap::new();
    for d in &everything {
        if let Some(upper) = d.concretizes {
            lower.entry(upper).or_default().push(d);
        }
    }
    // The documents whose readers may matter: the list and its chains below.
    let mut wanted: HashMap<DocumentId, &Document> = HashMap::new();
    let mut frontier: Vec<&Document> = docs.iter().collect();
    for _ in 0..=CHAIN_DEPTH {
        let mut next = Vec::new();
        for d in frontier {
            if wanted.insert(d.id, d).is_none() {
                next.extend(lower.get(&d.id).into_iter().flatten().copied());
            }
        }
        frontier = next;
    }
    let issuers: Vec<UnitId> = wanted.values().filter_map(|d| d.issuer_unit_id).collect();
    let versions = units::versions_of_units(conn, &issuers).await?;
    let mut by_place: HashMap<DocumentId, ByIssuer> = HashMap::new();
    for d in wanted.values() {
        let verdict = match d.issuer_unit_id {
            None => ByIssuer::Decided(true),
            Some(issuer) => by_issuer(conn, trees, &roots, issuer, &versions, d, today).await?,
        };
        by_place.insert(d.id, verdict);
    }
    let undecided: Vec<DocumentId> = by_place
        .iter()
        .filter(|(_, v)| matches!(v, ByIssuer::Leads(_)))
        .map(|(id, _)| *id)
        .collect();
    // Leads that could address a document to the reader are units under its roots: when they
    // are few (a commune, a cell) the items they lead are read by lead, else by document.
    let mut under_roots: HashSet<UnitId> = HashSet::new();
    let dates: HashSet<NaiveDate> = by_place
        .values()
        .filter_map(|v| match v {
            ByIssuer::Leads(date) => Some(*date),
            ByIssuer::Decided(_) => None,
        })
        .collect();
    for date in dates {
        let tree = trees.at(conn, date).await?;
        for &root in &roots {
            if tree.get(root).is_some() {
                under_roots.extend(tree.walk_from(root).into_iter().map(|(_, v)| v.unit_id));
            }
        }
        if under_roots.len() > LEADS_READ_BY_UNIT {
            break;
        }
    }
    let leads: HashMap<DocumentId, Vec<UnitId>> = if under_roots.len() <= LEADS_READ_BY_UNIT {
        let wanted_docs: HashSet<DocumentId> = undecided.iter().copied().collect();
        let units: Vec<UnitId> = under_roots.into_iter().collect();
        let mut by_doc: HashMap<DocumentId, Vec<UnitId>> = HashMap::new();
        for (doc, lead) in work_items::documents_led_by(conn, &units).await? {
            if wanted_docs.contains(&doc) {
                by_doc.entry(doc).or_default().push(lead);
            }
        }
        by_doc
    } else {
        work_items::lead_units_of_documents(conn, &undecided).await?
    };
    let addressed = addressed_among(conn, trees, &roots, &by_place, &leads).await?;
    // Both ways of reading the leads must agree; the tests run in debug builds, where the
    // way not taken is taken too (the demo's readers all have fewer than 500 units).
    #[cfg(debug_assertions)]
    {
        let by_document = work_items::lead_units_of_documents(conn, &undecided).await?;
        let other = addressed_among(conn, trees, &roots, &by_place, &by_document).await?;
        debug_assert_eq!(addressed, other, "leads read by unit and by document");
    }
    let readable = |doc: &Document| {
        if doc.issuer_unit_id.is_none() {
            return actor.access.allows_somewhere(Action::Read);
        }
        // Itself, or a document down its chain (as `can_read` walks it).
        let mut seen: HashSet<DocumentId> = HashSet::from([doc.id]);
        let mut frontier = vec![doc.id];
        if addressed.contains(&doc.id) {
            return true;
        }
        for _ in 0..CHAIN_DEPTH {
            let mut next = Vec::new();
            for upper in frontier {
                for l in lower.get(&upper).into_iter().flatten() {
                    if !seen.insert(l.id) {
                        continue;
                    }
                    if l.issuer_unit_id.is_none() || addressed.contains(&l.id) {
                        return true;
                    }
                    next.push(l.id);
                }
            }
            if next.is_empty() {
                break;
            }
            frontier = next;
        }
        false
    };
    let keep: Vec<bool> = docs.iter().map(readable).collect();
    Ok(docs
        .into_iter()
        .zip(keep)
        .filter_map(|(d, k)| k.then_some(d))
        .collect())
}

/// The documents of `by_place` addressed to a reader under `roots`: by their issuer, or by the
/// units leading their work items (`leads`) in the tree of their date.
async fn addressed_among(
    conn: &mut Conn,
    trees: &mut Trees,
    roots: &[UnitId],
    by_place: &HashMap<DocumentId, ByIssuer>,
    leads: &HashMap<DocumentId, Vec<UnitId>>,
) -> Result<HashSet<DocumentId>> {
    let mut addressed = HashSet::new();
    for (id, verdict) in by_place {
        let yes = match verdict {
            ByIssuer::Decided(yes) => *yes,
            ByIssuer::Leads(date) => {
                let tree = trees.at(conn, *date).await?;
                leads
                    .get(id)
                    .into_iter()
                    .flatten()
                    .any(|&lead| roots.iter().any(|&root| tree.is_within(lead, root)))
            }
        };
        if yes {
            addressed.insert(*id);
        }
    }
    Ok(addressed)
}
