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

use std::collections::HashSet;

use chrono::NaiveDate;
use trienkhai_core::access::Action;
use trienkhai_core::ids::{DocumentId, UnitId};
use trienkhai_store::documents::{self, Document, DocumentFilter};
use trienkhai_store::{Conn, units, work_items};

use crate::scope::{Trees, judging_date};
use crate::{Actor, Result};

/// Unit kinds that issue in the name of their parent.
const ACTS_FOR_PARENT: &[&str] = &["ban_thuong_vu"];

/// How far down the `concretizes` chain a reader is looked for: province, district, commune,
/// cell, with one to spare.
const CHAIN_DEPTH: usize = 5;

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
    let versions = units::versions_of(conn, issuer).await?;
    let Some(date) = judging_date(&versions, doc.issued_on.min(today)) else {
        return Ok(false);
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
    if roots
        .iter()
        .any(|&root| issuers.iter().any(|&i| related(root, i)))
    {
        return Ok(true);
    }
    let leads = work_items::lead_units_of_document(conn, doc.id).await?;
    Ok(leads
        .iter()
        .any(|&lead| roots.iter().any(|&root| tree.is_within(lead, root))))
}
