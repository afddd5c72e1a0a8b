//! Documents (C3): their numbers, issuers, dates and summaries, the `concretizes` links between
//! them, their files, and the committee terms that Party numbers restart with.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::AnyConnection;
use trienkhai_core::document_number::{DocumentNumber, Grammar};
use trienkhai_core::ids::{AccountId, DocumentFileId, DocumentId, TermId, UnitId};
use trienkhai_core::validity::Validity;
use trienkhai_core::vn;

use crate::sql::{self, RowExt};
use crate::{Result, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Document {
    pub id: DocumentId,
    pub number: String,
    pub grammar: Grammar,
    pub type_code: Option<String>,
    pub serial: i64,
    pub issuer_code: String,
    pub kind: String,
    pub issuer_unit_id: Option<UnitId>,
    pub issued_on: NaiveDate,
    pub summary: String,
    pub theme_of_year: Option<String>,
    pub phase: Option<String>,
    pub vision_year: Option<i64>,
    pub concretizes: Option<DocumentId>,
    pub source: String,
    pub row_version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct DocumentFields {
    pub number: DocumentNumber,
    pub kind: String,
    pub issuer_unit_id: Option<UnitId>,
    pub issued_on: NaiveDate,
    pub summary: String,
    pub theme_of_year: Option<String>,
    pub phase: Option<String>,
    pub vision_year: Option<i64>,
    pub concretizes: Option<DocumentId>,
    pub source: String,
}

const COLUMNS: &str = "id, number, grammar, type_code, serial, issuer_code, kind, issuer_unit_id, issued_on, summary, \
     theme_of_year, phase, vision_year, concretizes_id, source, row_version, created_at, updated_at";

fn grammar_text(g: Grammar) -> &'static str {
    match g {
        Grammar::Party => "party",
        Grammar::State => "state",
    }
}

fn from_row(row: &sqlx::any::AnyRow) -> Result<Document> {
    Ok(Document {
        id: DocumentId(row.int("id")?),
        number: row.text("number")?,
        grammar: match row.text("grammar")?.as_str() {
            "party" => Grammar::Party,
            "state" => Grammar::State,
            other => return Err(StoreError::Corrupt(format!("grammar {other:?}"))),
        },
        type_code: row.opt_text("type_code")?,
        serial: row.int("serial")?,
        issuer_code: row.text("issuer_code")?,
        kind: row.text("kind")?,
        issuer_unit_id: row.opt_int("issuer_unit_id")?.map(UnitId),
        issued_on: row.date("issued_on")?,
        summary: row.text("summary")?,
        theme_of_year: row.opt_text("theme_of_year")?,
        phase: row.opt_text("phase")?,
        vision_year: row.opt_int("vision_year")?,
        concretizes: row.opt_int("concretizes_id")?.map(DocumentId),
        source: row.text("source")?,
        row_version: row.int("row_version")?,
        created_at: row.instant("created_at")?,
        updated_at: row.instant("updated_at")?,
    })
}

pub async fn insert_document(
    conn: &mut AnyConnection,
    fields: &DocumentFields,
    now: DateTime<Utc>,
) -> Result<DocumentId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO documents (number, grammar, type_code, serial, issuer_code, kind, issuer_unit_id, issued_on, \
         summary, summary_folded, theme_of_year, phase, vision_year, concretizes_id, source, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16) RETURNING id",
    )
    .bind(fields.number.to_string())
    .bind(grammar_text(fields.number.grammar))
    .bind(fields.number.kind.clone())
    .bind(i64::from(fields.number.number))
    .bind(&fields.number.issuer)
    .bind(&fields.kind)
    .bind(fields.issuer_unit_id.map(|u| u.0))
    .bind(sql::date(fields.issued_on))
    .bind(&fields.summary)
    .bind(vn::fold(&fields.summary))
    .bind(fields.theme_of_year.clone())
    .bind(fields.phase.clone())
    .bind(fields.vision_year)
    .bind(fields.concretizes.map(|d| d.0))
    .bind(&fields.source)
    .bind(sql::instant(now))
    .fetch_one(conn)
    .await
    .map_err(StoreError::classify)?;
    Ok(DocumentId(id))
}

/// Overwrites a document when `expected_version` is still current.
pub async fn update_document(
    conn: &mut AnyConnection,
    id: DocumentId,
    fields: &DocumentFields,
    expected_version: i64,
    now: DateTime<Utc>,
) -> Result<i64> {
    let new: Option<i64> = sqlx::query_scalar(
        "UPDATE documents SET number = $1, grammar = $2, type_code = $3, serial = $4, issuer_code = $5, kind = $6, \
         issuer_unit_id = $7, issued_on = $8, summary = $9, summary_folded = $10, theme_of_year = $11, phase = $12, \
         vision_year = $13, concretizes_id = $14, source = $15, updated_at = $16, row_version = row_version + 1 \
         WHERE id = $17 AND row_version = $18 RETURNING row_version",
    )
    .bind(fields.number.to_string())
    .bind(grammar_text(fields.number.grammar))
    .bind(fields.number.kind.clone())
    .bind(i64::from(fields.number.number))
    .bind(&fields.number.issuer)
    .bind(&fields.kind)
    .bind(fields.issuer_unit_id.map(|u| u.0))
    .bind(sql::date(fields.issued_on))
    .bind(&fields.summary)
    .bind(vn::fold(&fields.summary))
    .bind(fields.theme_of_year.clone())
    .bind(fields.phase.clone())
    .bind(fields.vision_year)
    .bind(fields.concretizes.map(|d| d.0))
    .bind(&fields.source)
    .bind(sql::instant(now))
    .bind(id.0)
    .bind(expected_version)
    .fetch_optional(&mut *conn)
    .await?;
    match new {
        Some(v) => Ok(v),
        None => {
            get_document(conn, id).await?;
            Err(StoreError::Conflict)
        }
    }
}

pub async fn get_document(conn: &mut AnyConnection, id: DocumentId) -> Result<Document> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM documents WHERE id = $1"))
        .bind(id.0)
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    from_row(&row)
}

/// Filter for [`list_documents`]; every part is optional.
#[derive(Debug, Clone, Default)]
pub struct DocumentFilter {
    /// The number, compared as [`DocumentNumber::same_number`] does (several issuers without a
    /// unit, or several terms, may share one).
    pub number: Option<DocumentNumber>,
    /// Diacritic-insensitive words of the summary.
    pub text: Option<String>,
    pub issuer_unit_id: Option<UnitId>,
    pub concretizes: Option<DocumentId>,
}

/// Newest first.
pub async fn list_documents(
    conn: &mut AnyConnection,
    filter: &DocumentFilter,
) -> Result<Vec<Document>> {
    let mut query = format!("SELECT {COLUMNS} FROM documents WHERE 1 = 1");
    let mut n = 0;
    let mut next = || {
        n += 1;
        n
    };
    if let Some(number) = &filter.number {
        query += &format!(
            " AND grammar = ${} AND serial = ${} AND issuer_code = ${}",
            next(),
            next(),
            next()
        );
        if number.kind.is_some() {
            query += &format!(" AND type_code = ${}", next());
        } else {
            query += " AND type_code IS NULL";
        }
    }
    if filter.text.is_some() {
        query += &format!(" AND summary_folded LIKE ${}", next());
    }
    if filter.issuer_unit_id.is_some() {
        query += &format!(" AND issuer_unit_id = ${}", next());
    }
    if filter.concretizes.is_some() {
        query += &format!(" AND concretizes_id = ${}", next());
    }
    query += " ORDER BY issued_on DESC, id DESC";
    let mut q = sqlx::query(&query);
    if let Some(number) = &filter.number {
        q = q
            .bind(grammar_text(number.grammar))
            .bind(i64::from(number.number))
            .bind(&number.issuer);
        if let Some(kind) = &number.kind {
            q = q.bind(kind);
        }
    }
    if let Some(text) = &filter.text {
        q = q.bind(format!("%{}%", vn::fold(text)));
    }
    if let Some(unit) = filter.issuer_unit_id {
        q = q.bind(unit.0);
    }
    if let Some(doc) = filter.concretizes {
        q = q.bind(doc.0);
    }
    let documents: Vec<Document> = q
        .fetch_all(conn)
        .await?
        .iter()
        .map(from_row)
        .collect::<Result<_>>()?;
    // The year of a State number (`15/2020/NQ-HĐND`) is not a column: compared here, on the
    // few rows left, from the stored canonical text.
    let year_of = |text: &str| -> Option<i32> {
        let parts: Vec<&str> = text.split('/').collect();
        (parts.len() == 3).then(|| parts[1].parse().ok()).flatten()
    };
    Ok(match &filter.number {
        Some(number) if number.grammar == Grammar::State => documents
            .into_iter()
            .filter(|d| year_of(&d.number) == number.year)
            .collect(),
        _ => documents,
    })
}

/// The Party numbers an issuer gave to one type of document, with their issue dates.
pub async fn numbers_of_issuer(
    conn: &mut AnyConnection,
    issuer_unit_id: UnitId,
    type_code: &str,
) -> Result<Vec<(DocumentNumber, NaiveDate)>> {
    let rows = sqlx::query(
        "SELECT number, issued_on FROM documents WHERE issuer_unit_id = $1 AND type_code = $2 AND grammar = 'party'",
    )
    .bind(issuer_unit_id.0)
    .bind(type_code)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            let number = r.text("number")?;
            let parsed = DocumentNumber::parse(&number)
                .map_err(|e| StoreError::Corrupt(format!("number {number:?}: {e}")))?;
            Ok((parsed, r.date("issued_on")?))
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Term {
    pub id: TermId,
    pub unit_id: UnitId,
    pub label: String,
    pub validity: Validity,
}

pub async fn insert_term(
    conn: &mut AnyConnection,
    unit: UnitId,
    label: &str,
    validity: Validity,
) -> Result<TermId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO committee_terms (unit_id, label, valid_from, valid_to) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(unit.0)
    .bind(label)
    .bind(sql::date(validity.from))
    .bind(sql::opt_date(validity.to))
    .fetch_one(conn)
    .await?;
    Ok(TermId(id))
}

pub async fn terms_of(conn: &mut AnyConnection, unit: UnitId) -> Result<Vec<Term>> {
    let rows = sqlx::query(
        "SELECT id, unit_id, label, valid_from, valid_to FROM committee_terms WHERE unit_id = $1 ORDER BY valid_from",
    )
    .bind(unit.0)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Term {
                id: TermId(r.int("id")?),
                unit_id: UnitId(r.int("unit_id")?),
                label: r.text("label")?,
                validity: Validity {
                    from: r.date("valid_from")?,
                    to: r.opt_date("valid_to")?,
                },
            })
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct DocumentFile {
    pub id: DocumentFileId,
    pub document_id: DocumentId,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_at: DateTime<Utc>,
    pub uploaded_by: Option<AccountId>,
}

pub struct NewFile<'a> {
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub sha256: &'a str,
    pub content: &'a [u8],
}

pub async fn insert_file(
    conn: &mut AnyConnection,
    document: DocumentId,
    file: &NewFile<'_>,
    by: Option<AccountId>,
    now: DateTime<Utc>,
) -> Result<DocumentFileId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO document_files (document_id, file_name, content_type, size_bytes, sha256, content, uploaded_at, uploaded_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(document.0)
    .bind(file.file_name)
    .bind(file.content_type)
    .bind(file.content.len() as i64)
    .bind(file.sha256)
    .bind(file.content.to_vec())
    .bind(sql::instant(now))
    .bind(by.map(|a| a.0))
    .fetch_one(conn)
    .await?;
    Ok(DocumentFileId(id))
}

const FILE_COLUMNS: &str =
    "id, document_id, file_name, content_type, size_bytes, sha256, uploaded_at, uploaded_by";

fn file_from_row(r: &sqlx::any::AnyRow) -> Result<DocumentFile> {
    Ok(DocumentFile {
        id: DocumentFileId(r.int("id")?),
        document_id: DocumentId(r.int("document_id")?),
        file_name: r.text("file_name")?,
        content_type: r.text("content_type")?,
        size_bytes: r.int("size_bytes")?,
        sha256: r.text("sha256")?,
        uploaded_at: r.instant("uploaded_at")?,
        uploaded_by: r.opt_int("uploaded_by")?.map(AccountId),
    })
}

pub async fn files_of(conn: &mut AnyConnection, document: DocumentId) -> Result<Vec<DocumentFile>> {
    let rows = sqlx::query(&format!(
        "SELECT {FILE_COLUMNS} FROM document_files WHERE document_id = $1 ORDER BY id"
    ))
    .bind(document.0)
    .fetch_all(conn)
    .await?;
    rows.iter().map(file_from_row).collect()
}

/// A file's record and its bytes.
pub async fn file_content(
    conn: &mut AnyConnection,
    id: DocumentFileId,
) -> Result<(DocumentFile, Vec<u8>)> {
    use sqlx::Row;
    let row = sqlx::query(&format!(
        "SELECT {FILE_COLUMNS}, content FROM document_files WHERE id = $1"
    ))
    .bind(id.0)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    let content: Vec<u8> = row.try_get("content")?;
    Ok((file_from_row(&row)?, content))
}
