//! Use cases of documents (C3): register and edit them with a validated number, find them by
//! number or words, suggest the next free number of an issuer, attach their file, and follow the
//! `concretizes` chain. A document belongs to its issuing unit: editing it needs the right to
//! edit content there; who may read it is `document_access`'s. Documents of issuers outside the
//! tree (the National Assembly's) are read by everyone and edited by editors of everything.

use chrono::NaiveDate;
use serde::Serialize;
use trienkhai_core::access::Action;
use trienkhai_core::document_number::{DocumentNumber, Grammar, next_party_number};
use trienkhai_core::ids::{DocumentFileId, DocumentId, UnitId};
use trienkhai_core::org;
use trienkhai_core::period::Period;
use trienkhai_core::validity::Validity;
use trienkhai_core::vn;
use trienkhai_store::documents::{self, Document, DocumentFields, DocumentFilter};
use trienkhai_store::{Conn, StoreError, audit, units};

use crate::scope::{Trees, hide_missing};
use crate::{Actor, App, AppError, Result};

/// The records of this use case, as the web layer sees them.
pub use trienkhai_store::documents::DocumentFile;

/// Largest attachment accepted.
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;

/// Document kinds offices use; the kind is what the document is, the number's type code is how
/// it is numbered (a State resolution is `nghi_quyet_nha_nuoc` with type `NQ`).
pub const KINDS: &[&str] = &[
    "nghi_quyet",
    "chi_thi",
    "ke_hoach",
    "chuong_trinh",
    "ket_luan",
    "bao_cao",
    "quyet_dinh",
    "huong_dan",
    "thong_bao",
    "de_an",
    "cong_van",
    "nghi_quyet_nha_nuoc",
    "luat",
];

#[derive(Debug, Clone, Default)]
pub struct DocumentInput {
    pub number: String,
    pub kind: String,
    pub issuer_unit_id: Option<UnitId>,
    pub issued_on: Option<NaiveDate>,
    pub summary: String,
    pub theme_of_year: Option<String>,
    pub phase: Option<String>,
    pub vision_year: Option<i64>,
    pub concretizes: Option<DocumentId>,
}

impl DocumentInput {
    fn fields(&self, source: &str) -> Result<DocumentFields> {
        let number = DocumentNumber::parse(&self.number)?;
        let kind = self.kind.trim();
        if kind.is_empty() {
            return Err(AppError::invalid("required", "kind"));
        }
        if !KINDS.contains(&kind) {
            return Err(AppError::Invalid(
                trienkhai_core::error::DomainError::new("document_kind_unknown", "kind")
                    .with_detail(kind.to_owned()),
            ));
        }
        let issued_on = self
            .issued_on
            .ok_or_else(|| AppError::invalid("required", "issued_on"))?;
        let phase = match self.phase.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(p) => match Period::parse(p) {
                Ok(p @ (Period::Span(..) | Period::Year(_))) => Some(p.to_string()),
                Ok(_) => return Err(AppError::invalid("period_invalid", "phase")),
                Err(e) => {
                    return Err(AppError::Invalid(trienkhai_core::error::DomainError {
                        field: Some("phase".into()),
                        ..e
                    }));
                }
            },
        };
        if let Some(year) = self.vision_year
            && !(1945..=2200).contains(&year)
        {
            return Err(AppError::invalid("out_of_range", "vision_year"));
        }
        let theme = self
            .theme_of_year
            .as_deref()
            .map(vn::clean_text)
            .filter(|t| !t.is_empty());
        if theme.as_ref().is_some_and(|t| t.chars().count() > 200) {
            return Err(AppError::invalid("too_long", "theme_of_year"));
        }
        Ok(DocumentFields {
            number,
            kind: kind.to_owned(),
            issuer_unit_id: self.issuer_unit_id,
            issued_on,
            summary: org::parse_name(&self.summary, "summary", 2000)?,
            theme_of_year: theme,
            phase,
            vision_year: self.vision_year,
            concretizes: self.concretizes,
            source: source.to_owned(),
        })
    }
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DocumentView {
    #[serde(flatten)]
    pub document: Document,
    pub issuer_name: Option<String>,
    pub concretizes_number: Option<String>,
    pub files: Vec<documents::DocumentFile>,
    pub can_edit: bool,
}

/// The period a plan's figures are shown for when none is asked ([`Period::plan_year`]).
pub fn default_period(doc: &Document) -> Period {
    Period::plan_year(doc.issued_on, doc.phase.as_deref())
}

pub(crate) use crate::document_access::{can_read, readable_among};

/// Requires the right to edit the plan content of `doc`'s issuer.
pub(crate) async fn require_edit(
    conn: &mut Conn,
    trees: &mut Trees,
    actor: &Actor,
    issuer: Option<UnitId>,
    issued_on: NaiveDate,
) -> Result<()> {
    match issuer {
        None if actor.access.allows_everywhere(Action::EditContent) => Ok(()),
        None => Err(AppError::Forbidden),
        Some(unit) => {
            trees
                .require(conn, actor, Action::EditContent, unit, issued_on)
                .await
        }
    }
}

/// The document `id` if the actor may read it.
/// The plan `id` when the actor may edit it (its issuer's editors): what setting up a plan's
/// calendars, counting and reminders requires.
pub(crate) async fn plan_for_edit(
    tx: &mut Conn,
    trees: &mut Trees,
    actor: &Actor,
    id: DocumentId,
) -> Result<Document> {
    let doc = documents::get_document(tx, id)
        .await
        .map_err(|e| hide_missing(actor, Action::EditContent, e.into()))?;
    require_edit(tx, trees, actor, doc.issuer_unit_id, doc.issued_on).await?;
    Ok(doc)
}

pub(crate) async fn readable(
    conn: &mut Conn,
    trees: &mut Trees,
    actor: &Actor,
    id: DocumentId,
    today: NaiveDate,
) -> Result<Document> {
    let doc = documents::get_document(conn, id)
        .await
        .map_err(|e| hide_missing(actor, Action::Read, e.into()))?;
    if can_read(conn, trees, actor, &doc, today).await? {
        Ok(doc)
    } else {
        Err(AppError::Forbidden)
    }
}

pub(crate) async fn view(
    conn: &mut Conn,
    trees: &mut Trees,
    actor: &Actor,
    doc: Document,
) -> Result<DocumentView> {
    let issuer_name = match doc.issuer_unit_id {
        Some(u) => crate::scope::unit_name_on(conn, u, doc.issued_on).await?,
        None => None,
    };
    let concretizes_number = match doc.concretizes {
        Some(d) => Some(documents::get_document(conn, d).await?.number),
        None => None,
    };
    let can_edit = require_edit(conn, trees, actor, doc.issuer_unit_id, doc.issued_on)
        .await
        .is_ok();
    let files = documents::files_of(conn, doc.id).await?;
    Ok(DocumentView {
        document: doc,
        issuer_name,
        concretizes_number,
        files,
        can_edit,
    })
}

/// Documents the actor may read, filtered; `number` is parsed, so `02-nq/hu` finds `02-NQ/HU`.
pub async fn list_documents(
    app: &App,
    actor: &Actor,
    number: Option<&str>,
    text: Option<&str>,
    issuer: Option<UnitId>,
) -> Result<Vec<DocumentView>> {
    let today = app.today();
    let number = match number.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => Some(DocumentNumber::parse(n)?),
        None => None,
    };
    let filter = DocumentFilter {
        number,
        text: text.map(str::to_owned).filter(|t| !t.trim().is_empty()),
        issuer_unit_id: issuer,
        concretizes: None,
    };
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    let listed = documents::list_documents(&mut conn, &filter).await?;
    let mut out = Vec::new();
    for doc in readable_among(&mut conn, &mut trees, actor, listed, today).await? {
        out.push(view(&mut conn, &mut trees, actor, doc).await?);
    }
    Ok(out)
}

pub async fn get_document(app: &App, actor: &Actor, id: DocumentId) -> Result<DocumentView> {
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    let doc = readable(&mut conn, &mut trees, actor, id, app.today()).await?;
    view(&mut conn, &mut trees, actor, doc).await
}

/// Checks what needs the database: the issuer exists on the issue date, the number is free for
/// the issuer in its term, the concretized document exists, is older and makes no cycle.
async fn check_fields(
    conn: &mut Conn,
    trees: &mut Trees,
    actor: &Actor,
    fields: &DocumentFields,
    myself: Option<DocumentId>,
    today: NaiveDate,
) -> Result<()> {
    if let Some(issuer) = fields.issuer_unit_id {
        let versions = units::versions_of(conn, issuer).await?;
        if versions.is_empty() {
            return Err(AppError::invalid("not_found", "issuer_unit_id"));
        }
        if !versions
            .iter()
            .any(|v| v.validity.contains(fields.issued_on))
        {
            return Err(AppError::invalid("unit_not_alive", "issued_on"));
        }
    }
    // The same number twice from one issuer in one term (Party) or one year (State); serials
    // compare as numbers. A document without an issuer unit clashes with the others that have
    // none, its issuer known only by the code in its number.
    let same: Vec<Document> = documents::list_documents(
        conn,
        &DocumentFilter {
            number: Some(fields.number.clone()),
            issuer_unit_id: fields.issuer_unit_id,
            ..Default::default()
        },
    )
    .await?;
    let term = match fields.issuer_unit_id {
        Some(issuer) => Some(term_on(conn, issuer, fields.issued_on).await?),
        None => None,
    };
    for other in same
        .iter()
        .filter(|d| Some(d.id) != myself && d.issuer_unit_id == fields.issuer_unit_id)
    {
        use chrono::Datelike;
        let clash = match (fields.number.grammar, term) {
            (Grammar::Party, Some(term)) => term.contains(other.issued_on),
            // Without a unit there is no recorded term: the congress cycle of the issue date.
            (Grammar::Party, None) => default_term(fields.issued_on).contains(other.issued_on),
            (Grammar::State, _) => {
                fields.number.year.is_some() || other.issued_on.year() == fields.issued_on.year()
            }
        };
        if clash {
            return Err(AppError::Invalid(
                trienkhai_core::error::DomainError::new("docnum_taken", "number")
                    .with_detail(other.number.clone()),
            ));
        }
    }
    if let Some(upper) = fields.concretizes {
        let mut cursor = Some(upper);
        let mut steps = 0;
        while let Some(id) = cursor {
            if Some(id) == myself || steps > 64 {
                return Err(AppError::invalid("concretizes_cycle", "concretizes"));
            }
            let doc = match documents::get_document(conn, id).await {
                Err(StoreError::NotFound) => {
                    return Err(AppError::invalid("not_found", "concretizes"));
                }
                other => other?,
            };
            if id == upper {
                // Only a document the actor may read can be linked to.
                if !can_read(conn, trees, actor, &doc, today).await? {
                    return Err(AppError::invalid("not_found", "concretizes"));
                }
                if doc.issued_on > fields.issued_on {
                    return Err(AppError::invalid("concretizes_later", "concretizes"));
                }
            }
            cursor = doc.concretizes;
            steps += 1;
        }
    }
    Ok(())
}

/// The committee term of `unit` on `day`; without recorded terms, the five-year congress
/// cycle (2020-2025, 2025-2030 …) that Party numbering restarts with.
pub(crate) async fn term_on(conn: &mut Conn, unit: UnitId, day: NaiveDate) -> Result<Validity> {
    let terms = documents::terms_of(conn, unit).await?;
    if let Some(t) = terms.iter().find(|t| t.validity.contains(day)) {
        return Ok(t.validity);
    }
    Ok(default_term(day))
}

/// The committee term holding `day` when none is recorded.
fn default_term(day: NaiveDate) -> Validity {
    use chrono::Datelike;
    // Congresses of the grassroots-to-province levels sit in the years ending in 0 and 5, by
    // the end of the third quarter; without a recorded term, one is taken to run from 1 October
    // of such a year to 30 September five years on. Record the terms for exact numbering.
    let congress = |year: i32| NaiveDate::from_ymd_opt(year, 10, 1).expect("a date");
    let mut start_year = day.year() - day.year().rem_euclid(5);
    if day < congress(start_year) {
        start_year -= 5;
    }
    let from = congress(start_year);
    let to = congress(start_year + 5).pred_opt().expect("a day before");
    Validity::new(from, Some(to)).expect("ordered")
}

async fn audit_document(
    tx: &mut Conn,
    app: &App,
    actor: &Actor,
    action: &str,
    id: DocumentId,
    before: Option<serde_json::Value>,
) -> Result<()> {
    let after = serde_json::to_value(documents::get_document(tx, id).await?)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    audit::append(
        tx,
        &actor.audit_entry(action, "document", id.0, before, Some(after)),
        app.now(),
    )
    .await?;
    Ok(())
}

pub async fn register_document(
    app: &App,
    actor: &Actor,
    input: &DocumentInput,
    source: &str,
) -> Result<DocumentId> {
    let fields = input.fields(source)?;
    // Serialised like structural changes: the free-number check must not race another
    // registration of the same number.
    let mut tx = app.db.begin_structural().await?;
    let mut trees = Trees::default();
    require_edit(
        &mut tx,
        &mut trees,
        actor,
        fields.issuer_unit_id,
        fields.issued_on,
    )
    .await?;
    check_fields(&mut tx, &mut trees, actor, &fields, None, app.today()).await?;
    let id = documents::insert_document(&mut tx, &fields, app.now()).await?;
    audit_document(&mut tx, app, actor, "create", id, None).await?;
    trienkhai_store::commit(tx).await?;
    Ok(id)
}

pub async fn update_document(
    app: &App,
    actor: &Actor,
    id: DocumentId,
    input: &DocumentInput,
    version: i64,
) -> Result<()> {
    let mut tx = app.db.begin_structural().await?;
    let mut trees = Trees::default();
    let current = documents::get_document(&mut tx, id)
        .await
        .map_err(|e| hide_missing(actor, Action::EditContent, e.into()))?;
    require_edit(
        &mut tx,
        &mut trees,
        actor,
        current.issuer_unit_id,
        current.issued_on,
    )
    .await?;
    let fields = input.fields(&current.source)?;
    require_edit(
        &mut tx,
        &mut trees,
        actor,
        fields.issuer_unit_id,
        fields.issued_on,
    )
    .await?;
    check_fields(&mut tx, &mut trees, actor, &fields, Some(id), app.today()).await?;
    let before = serde_json::to_value(&current).map_err(|e| AppError::Internal(e.to_string()))?;
    match documents::update_document(&mut tx, id, &fields, version, app.now()).await {
        Err(StoreError::Conflict) => {
            return Err(AppError::Conflict {
                current: Some(before),
            });
        }
        other => other?,
    };
    audit_document(&mut tx, app, actor, "update", id, Some(before)).await?;
    trienkhai_store::commit(tx).await?;
    Ok(())
}

/// The next free Party number for an issuer and a type on a date: one counter per issuer ×
/// type × committee term.
pub async fn next_number(
    app: &App,
    actor: &Actor,
    issuer: UnitId,
    type_code: &str,
    on: NaiveDate,
) -> Result<String> {
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    trees
        .require(&mut conn, actor, Action::Read, issuer, on)
        .await?;
    let versions = units::versions_of(&mut conn, issuer).await?;
    let version = versions
        .iter()
        .find(|v| v.validity.contains(on))
        .ok_or_else(|| AppError::invalid("unit_not_alive", "issued_on"))?;
    let type_code = trienkhai_core::document_number::Codes::default()
        .party_types
        .into_iter()
        .find(|t| t.to_uppercase() == vn::nfc(type_code.trim()).to_uppercase())
        .ok_or_else(|| {
            AppError::Invalid(
                trienkhai_core::error::DomainError::new("docnum_type", "type_code")
                    .with_detail(type_code.to_owned()),
            )
        })?;
    let existing = documents::numbers_of_issuer(&mut conn, issuer, &type_code).await?;
    let term = term_on(&mut conn, issuer, on).await?;
    // The issuer's code in numbers: the one its own documents use, else HU/TU/ĐU by kind.
    let issuer_code = existing
        .iter()
        .map(|(n, _)| n.issuer.clone())
        .next()
        .unwrap_or_else(|| issuer_code_for_kind(&version.kind).to_owned());
    let next = next_party_number(
        existing.iter().map(|(n, d)| (n, *d)),
        &issuer_code,
        &type_code,
        &term,
    );
    Ok(next.to_string())
}

fn issuer_code_for_kind(kind: &str) -> &'static str {
    match kind {
        "tinh_uy" => "TU",
        "thanh_uy" => "ThU",
        "huyen_uy" => "HU",
        "chi_bo" => "CB",
        _ => "ĐU",
    }
}

/// The last path component, cleaned: names are never trusted as paths.
fn safe_file_name(name: &str) -> Result<String> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = vn::clean_text(base)
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>' | ':' | '|' | '?' | '*'))
        .collect();
    let clean = clean.trim_start_matches('.').to_owned();
    if clean.is_empty() {
        return Err(AppError::invalid("required", "file"));
    }
    Ok(clean.chars().take(200).collect())
}

/// An uploaded file's cleaned name and its type, checked from its bytes: empty, too large or
/// of a kind offices do not file is refused.
pub(crate) fn check_upload(file_name: &str, bytes: &[u8]) -> Result<(String, &'static str)> {
    if bytes.is_empty() {
        return Err(AppError::invalid("required", "file"));
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(AppError::Invalid(
            trienkhai_core::error::DomainError::new("file_too_large", "file")
                .with_detail((MAX_FILE_BYTES / 1024 / 1024).to_string()),
        ));
    }
    let name = safe_file_name(file_name)?;
    // What offices file (PDF, Word, Excel, scans), judged from the file's structure.
    let kind = trienkhai_core::file_kind::sniff(&name, bytes)
        .ok_or_else(|| AppError::invalid("file_type", "file"))?;
    Ok((name, kind.content_type()))
}

/// Attaches the document's file, checked for size and type, in one transaction.
pub async fn attach_file(
    app: &App,
    actor: &Actor,
    id: DocumentId,
    file_name: &str,
    bytes: &[u8],
) -> Result<DocumentFileId> {
    let (name, content_type) = check_upload(file_name, bytes)?;
    let sha = crate::auth::sha256_hex(bytes);
    let mut tx = app.db.begin().await?;
    let mut trees = Trees::default();
    let doc = documents::get_document(&mut tx, id)
        .await
        .map_err(|e| hide_missing(actor, Action::EditContent, e.into()))?;
    require_edit(
        &mut tx,
        &mut trees,
        actor,
        doc.issuer_unit_id,
        doc.issued_on,
    )
    .await?;
    let file_id = documents::insert_file(
        &mut tx,
        id,
        &documents::NewFile {
            file_name: &name,
            content_type,
            sha256: &sha,
            content: bytes,
        },
        actor.account_id,
        app.now(),
    )
    .await?;
    audit::append(
        &mut tx,
        &actor.audit_entry(
            "attach",
            "document",
            id.0,
            None,
            Some(serde_json::json!({ "file_id": file_id, "file_name": name, "sha256": sha, "size": bytes.len() })),
        ),
        app.now(),
    )
    .await?;
    trienkhai_store::commit(tx).await?;
    Ok(file_id)
}

/// A file's record and bytes, for whoever may read its document.
pub async fn file(
    app: &App,
    actor: &Actor,
    id: DocumentFileId,
) -> Result<(documents::DocumentFile, Vec<u8>)> {
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    let (record, bytes) = documents::file_content(&mut conn, id)
        .await
        .map_err(|e| hide_missing(actor, Action::Read, e.into()))?;
    readable(
        &mut conn,
        &mut trees,
        actor,
        record.document_id,
        app.today(),
    )
    .await?;
    Ok((record, bytes))
}

/// The chain from a document up to the highest one it concretizes, itself first.
pub async fn chain_up(app: &App, actor: &Actor, id: DocumentId) -> Result<Vec<DocumentView>> {
    let today = app.today();
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    let mut out = Vec::new();
    let mut cursor = Some(id);
    while let Some(id) = cursor {
        if out.len() > 64 {
            break;
        }
        let doc = readable(&mut conn, &mut trees, actor, id, today).await?;
        cursor = doc.concretizes;
        out.push(view(&mut conn, &mut trees, actor, doc).await?);
    }
    Ok(out)
}

/// Documents that concretize `id`, which the actor may read.
pub async fn concretized_by(app: &App, actor: &Actor, id: DocumentId) -> Result<Vec<DocumentView>> {
    let today = app.today();
    let mut conn = app.db.reader().await?;
    let mut trees = Trees::shared(app);
    readable(&mut conn, &mut trees, actor, id, today).await?;
    lower_documents(&mut conn, &mut trees, actor, id, today).await
}

/// [`concretized_by`] on a connection the caller holds (no second one from the pool).
pub(crate) async fn lower_documents(
    conn: &mut Conn,
    trees: &mut Trees,
    actor: &Actor,
    id: DocumentId,
    today: NaiveDate,
) -> Result<Vec<DocumentView>> {
    let mut out = Vec::new();
    let lower = documents::list_documents(
        conn,
        &DocumentFilter {
            concretizes: Some(id),
            ..Default::default()
        },
    )
    .await?;
    for doc in readable_among(conn, trees, actor, lower, today).await? {
        out.push(view(conn, trees, actor, doc).await?);
    }
    Ok(out)
}

/// Records a committee term of a unit (what Party numbers restart with).
pub async fn add_term(
    app: &App,
    actor: &Actor,
    unit: UnitId,
    label: &str,
    validity: Validity,
) -> Result<()> {
    let label = org::parse_name(label, "label", 120)?;
    let mut tx = app.db.begin_structural().await?;
    let mut trees = Trees::default();
    trees
        .require(&mut tx, actor, Action::EditContent, unit, validity.from)
        .await?;
    let terms = documents::terms_of(&mut tx, unit).await?;
    if terms.iter().any(|t| t.validity.overlaps(&validity)) {
        return Err(AppError::invalid("overlap", "valid_from"));
    }
    let id = documents::insert_term(&mut tx, unit, &label, validity).await?;
    audit::append(
        &mut tx,
        &actor.audit_entry(
            "create",
            "committee_term",
            id.0,
            None,
            Some(serde_json::json!({ "unit_id": unit, "label": label, "validity": validity })),
        ),
        app.now(),
    )
    .await?;
    trienkhai_store::commit(tx).await?;
    Ok(())
}
