//! Criteria catalogues (C11): the shipped ones installed once per database (never over a
//! version someone has edited), the list with what is still to be checked against the text,
//! one catalogue whole, and a province's own variant imported from a table, with a dry run that
//! reports every bad row by its line and keeps nothing. Anyone signed in reads catalogues; the
//! installation's administrators and content editors everywhere import and edit them.

use chrono::NaiveDate;
use serde::Serialize;
use trienkhai_core::access::Action;
use trienkhai_core::criteria::rows::{self, RowError};
use trienkhai_core::criteria::{Catalogue, CatalogueKind, PassRule, shipped};
use trienkhai_core::vn::clean_text;
use trienkhai_store::audit;
use trienkhai_store::criteria::{self as store};
pub use trienkhai_store::criteria::{StoredCatalogue, ValueEntry};

use crate::{Actor, App, AppError, Result};

/// Installs the shipped catalogue versions the database does not hold yet (by code, region
/// and first day); answers how many were added. Versions already there, edited or not, stay.
pub async fn install_shipped(app: &App) -> Result<usize> {
    let catalogues = shipped::catalogues().map_err(AppError::Internal)?;
    let mut tx = app.db.begin().await?;
    let held = store::catalogues(&mut tx).await?;
    let mut added = 0;
    for c in catalogues {
        let present = held.iter().any(|h| {
            h.catalogue.code == c.code
                && h.catalogue.region == c.region
                && h.catalogue.effective_from == c.effective_from
        });
        if !present {
            store::insert_catalogue(&mut tx, &c, true, app.now()).await?;
            added += 1;
        }
    }
    trienkhai_store::commit(tx).await?;
    Ok(added)
}

/// A catalogue version in a list.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CatalogueLine {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: CatalogueKind,
    pub class: Option<String>,
    pub region: Option<String>,
    pub source: String,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
    pub criteria: usize,
    /// Figures shipped from a source that does not settle them ("cần đối chiếu văn bản").
    pub to_verify: usize,
    pub pass_to_verify: bool,
    pub shipped: bool,
    pub row_version: i64,
}

impl CatalogueLine {
    pub fn of(s: &StoredCatalogue) -> Self {
        let c = &s.catalogue;
        CatalogueLine {
            id: s.id,
            code: c.code.clone(),
            name: c.name.clone(),
            kind: c.kind,
            class: c.class.clone(),
            region: c.region.clone(),
            source: c.source.clone(),
            effective_from: c.effective_from,
            effective_to: c.effective_to,
            criteria: c.criteria.len(),
            to_verify: c.criteria.iter().filter(|k| k.to_verify).count(),
            pass_to_verify: c.pass_to_verify,
            shipped: s.shipped,
            row_version: s.row_version,
        }
    }
}

/// Every catalogue version, by code then first day.
pub async fn catalogues(app: &App, _actor: &Actor) -> Result<Vec<CatalogueLine>> {
    let mut conn = app.db.reader().await?;
    Ok(store::catalogues(&mut conn)
        .await?
        .iter()
        .map(CatalogueLine::of)
        .collect())
}

/// One catalogue version whole.
pub async fn catalogue(app: &App, _actor: &Actor, id: i64) -> Result<StoredCatalogue> {
    let mut conn = app.db.reader().await?;
    Ok(store::catalogue(&mut conn, id).await?)
}

/// Whether `actor` keeps the installation's catalogues.
pub fn keeps_catalogues(actor: &Actor) -> bool {
    actor.access.allows_everywhere(Action::ManageStructure)
        || actor.access.allows_everywhere(Action::EditContent)
}

/// What an imported catalogue is, beside its table.
#[derive(Debug, Clone, serde::Deserialize, schemars::JsonSchema)]
pub struct CatalogueHeader {
    pub code: String,
    pub name: String,
    pub kind: CatalogueKind,
    pub class: Option<String>,
    /// The province or region whose variant it is.
    pub region: Option<String>,
    pub source: String,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
    /// The pass mark in points; none: every criterion must pass.
    pub pass_mark: Option<rust_decimal::Decimal>,
}

/// What an import found: the catalogue as read, or every bad row; kept only when asked and
/// clean.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ImportOutcome {
    pub catalogue: Option<Catalogue>,
    pub errors: Vec<RowError>,
    /// The id kept; none on a dry run or when refused.
    pub id: Option<i64>,
}

/// The most characters of a catalogue's texts.
const TEXT_MAX: usize = 500;

fn text(value: &str, field: &str) -> Result<String> {
    let t = clean_text(value);
    if t.chars().count() > TEXT_MAX {
        return Err(AppError::invalid("too_long", field));
    }
    Ok(t)
}

/// Imports a catalogue version from a table (its first row the headings); `dry_run` reads and
/// checks it and keeps nothing.
pub async fn import(
    app: &App,
    actor: &Actor,
    header: &CatalogueHeader,
    table: &[Vec<String>],
    dry_run: bool,
) -> Result<ImportOutcome> {
    if !keeps_catalogues(actor) {
        return Err(AppError::Forbidden);
    }
    let (groups, criteria) = match rows::read(table) {
        Ok(read) => read,
        Err(errors) => {
            return Ok(ImportOutcome {
                catalogue: None,
                errors,
                id: None,
            });
        }
    };
    let optional = |v: &Option<String>, field: &str| -> Result<Option<String>> {
        Ok(match v {
            Some(s) => Some(text(s, field)?).filter(|s| !s.is_empty()),
            None => None,
        })
    };
    let catalogue = Catalogue {
        code: text(&header.code, "code")?,
        name: text(&header.name, "name")?,
        kind: header.kind,
        class: optional(&header.class, "class")?,
        region: optional(&header.region, "region")?,
        source: text(&header.source, "source")?,
        effective_from: header.effective_from,
        effective_to: header.effective_to,
        pass_rule: match header.pass_mark {
            Some(mark) if mark.is_sign_negative() => {
                return Err(AppError::invalid("out_of_range", "pass_mark"));
            }
            Some(mark) => PassRule::PassMark { mark },
            None => PassRule::AllCriteria,
        },
        pass_to_verify: false,
        groups,
        criteria,
    };
    catalogue.check()?;
    if dry_run {
        return Ok(ImportOutcome {
            catalogue: Some(catalogue),
            errors: Vec::new(),
            id: None,
        });
    }
    let mut tx = app.db.begin().await?;
    let id = store::insert_catalogue(&mut tx, &catalogue, false, app.now()).await?;
    audit::append(
        &mut tx,
        &actor.audit_entry(
            "create",
            "criteria_catalogue",
            id,
            None,
            serde_json::to_value(&catalogue).ok(),
        ),
        app.now(),
    )
    .await?;
    trienkhai_store::commit(tx).await?;
    Ok(ImportOutcome {
        catalogue: Some(catalogue),
        errors: Vec::new(),
        id: Some(id),
    })
}

/// Replaces a catalogue version's definition (a threshold checked against the text, a pass
/// mark corrected); its code and region stay. Answers the new row version.
pub async fn update(
    app: &App,
    actor: &Actor,
    id: i64,
    catalogue: &Catalogue,
    expected_version: i64,
) -> Result<i64> {
    if !keeps_catalogues(actor) {
        return Err(AppError::Forbidden);
    }
    catalogue.check()?;
    let mut tx = app.db.begin().await?;
    let before = store::catalogue(&mut tx, id).await?;
    if before.catalogue.code != catalogue.code || before.catalogue.region != catalogue.region {
        return Err(AppError::invalid("immutable", "code"));
    }
    let v = store::update_catalogue(&mut tx, id, catalogue, expected_version, app.now()).await?;
    audit::append(
        &mut tx,
        &actor.audit_entry(
            "update",
            "criteria_catalogue",
            id,
            serde_json::to_value(&before.catalogue).ok(),
            serde_json::to_value(catalogue).ok(),
        ),
        app.now(),
    )
    .await?;
    trienkhai_store::commit(tx).await?;
    Ok(v)
}
