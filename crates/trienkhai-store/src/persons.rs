//! Persons and their dated posts. Party membership dates live on the person.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::AnyConnection;
use trienkhai_core::ids::{PersonId, PostId, UnitId};
use trienkhai_core::party::PartyMembership;
use trienkhai_core::validity::Validity;
use trienkhai_core::vn;

use crate::sql::{self, RowExt};
use crate::{Result, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Person {
    pub id: PersonId,
    pub full_name: String,
    pub birth_year: Option<i64>,
    pub party: PartyMembership,
    pub source: String,
    pub row_version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct PersonFields {
    pub full_name: String,
    pub birth_year: Option<i64>,
    pub party: PartyMembership,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Post {
    pub id: PostId,
    pub person_id: PersonId,
    pub unit_id: UnitId,
    pub title: String,
    pub validity: Validity,
    pub row_version: i64,
}

const PERSON_COLUMNS: &str = "id, full_name, birth_year, party_admitted_on, party_full_member_on, source, row_version, created_at, updated_at";

fn person_from_row(row: &sqlx::any::AnyRow) -> Result<Person> {
    Ok(Person {
        id: PersonId(row.int("id")?),
        full_name: row.text("full_name")?,
        birth_year: row.opt_int("birth_year")?,
        party: PartyMembership {
            admitted_on: row.opt_date("party_admitted_on")?,
            full_member_on: row.opt_date("party_full_member_on")?,
        },
        source: row.text("source")?,
        row_version: row.int("row_version")?,
        created_at: row.instant("created_at")?,
        updated_at: row.instant("updated_at")?,
    })
}

fn post_from_row(row: &sqlx::any::AnyRow) -> Result<Post> {
    Ok(Post {
        id: PostId(row.int("id")?),
        person_id: PersonId(row.int("person_id")?),
        unit_id: UnitId(row.int("unit_id")?),
        title: row.text("title")?,
        validity: Validity {
            from: row.date("valid_from")?,
            to: row.opt_date("valid_to")?,
        },
        row_version: row.int("row_version")?,
    })
}

pub async fn insert_person(
    conn: &mut AnyConnection,
    fields: &PersonFields,
    now: DateTime<Utc>,
) -> Result<PersonId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO persons (full_name, name_folded, name_sort, birth_year, party_admitted_on, party_full_member_on, source, created_at, updated_at) \
         VALUES ($1, $2, $8, $3, $4, $5, $6, $7, $7) RETURNING id",
    )
    .bind(&fields.full_name)
    .bind(vn::fold(&fields.full_name))
    .bind(fields.birth_year)
    .bind(sql::opt_date(fields.party.admitted_on))
    .bind(sql::opt_date(fields.party.full_member_on))
    .bind(&fields.source)
    .bind(sql::instant(now))
    .bind(vn::sort_key(&fields.full_name))
    .fetch_one(conn)
    .await?;
    Ok(PersonId(id))
}

/// Overwrites the person's fields when `expected_version` is still current.
pub async fn update_person(
    conn: &mut AnyConnection,
    id: PersonId,
    fields: &PersonFields,
    expected_version: i64,
    now: DateTime<Utc>,
) -> Result<i64> {
    let new: Option<i64> = sqlx::query_scalar(
        "UPDATE persons SET full_name = $1, name_folded = $2, birth_year = $3, party_admitted_on = $4, \
         party_full_member_on = $5, source = $6, updated_at = $7, row_version = row_version + 1, \
         name_sort = $10 WHERE id = $8 AND row_version = $9 RETURNING row_version",
    )
    .bind(&fields.full_name)
    .bind(vn::fold(&fields.full_name))
    .bind(fields.birth_year)
    .bind(sql::opt_date(fields.party.admitted_on))
    .bind(sql::opt_date(fields.party.full_member_on))
    .bind(&fields.source)
    .bind(sql::instant(now))
    .bind(id.0)
    .bind(expected_version)
    .bind(vn::sort_key(&fields.full_name))
    .fetch_optional(&mut *conn)
    .await?;
    match new {
        Some(v) => Ok(v),
        None => {
            get_person(conn, id).await?;
            Err(StoreError::Conflict)
        }
    }
}

pub async fn get_person(conn: &mut AnyConnection, id: PersonId) -> Result<Person> {
    let row = sqlx::query(&format!(
        "SELECT {PERSON_COLUMNS} FROM persons WHERE id = $1"
    ))
    .bind(id.0)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    person_from_row(&row)
}

/// Filter for [`list_persons`].
#[derive(Debug, Clone, Default)]
pub struct PersonFilter {
    /// Diacritic-insensitive part of the name.
    pub name: Option<String>,
    /// Only persons holding a post in one of these units on `on` (`None`: everyone).
    pub units: Option<Vec<UnitId>>,
    /// The date posts are looked at; `None`: any post ever held.
    pub on: Option<NaiveDate>,
    pub limit: i64,
    pub offset: i64,
}

pub async fn list_persons(conn: &mut AnyConnection, filter: &PersonFilter) -> Result<Vec<Person>> {
    // Text arguments in placeholder order; PostgreSQL wants no gaps in the numbering.
    let mut args: Vec<String> = Vec::new();
    let mut query = format!("SELECT {PERSON_COLUMNS} FROM persons p WHERE 1 = 1");
    if let Some(name) = &filter.name {
        args.push(format!("%{}%", vn::fold(name).replace(['%', '_'], "")));
        query.push_str(&format!(" AND p.name_folded LIKE ${}", args.len()));
    }
    if let Some(units) = &filter.units {
        if units.is_empty() {
            return Ok(Vec::new());
        }
        // Ids are integers we made, so inlining them is safe and keeps the argument list short.
        let ids = crate::sql::id_list(units.iter().map(|u| u.0));
        query.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM posts s WHERE s.person_id = p.id AND s.unit_id IN ({ids})"
        ));
        if let Some(on) = filter.on {
            args.push(sql::date(on));
            let n = args.len();
            query.push_str(&format!(
                " AND s.valid_from <= ${n} AND (s.valid_to IS NULL OR s.valid_to >= ${n})"
            ));
        }
        query.push(')');
    }
    query.push_str(&format!(
        " ORDER BY p.name_sort, p.id LIMIT {} OFFSET {}",
        filter.limit.max(0),
        filter.offset.max(0)
    ));
    let mut q = sqlx::query(&query);
    for arg in args {
        q = q.bind(arg);
    }
    let rows = q.fetch_all(conn).await?;
    rows.iter().map(person_from_row).collect()
}

pub async fn insert_post(
    conn: &mut AnyConnection,
    person: PersonId,
    unit: UnitId,
    title: &str,
    validity: Validity,
) -> Result<PostId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO posts (person_id, unit_id, title, valid_from, valid_to) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(person.0)
    .bind(unit.0)
    .bind(title)
    .bind(sql::date(validity.from))
    .bind(sql::opt_date(validity.to))
    .fetch_one(conn)
    .await?;
    Ok(PostId(id))
}

pub async fn get_post(conn: &mut AnyConnection, id: PostId) -> Result<Post> {
    let row = sqlx::query("SELECT id, person_id, unit_id, title, valid_from, valid_to, row_version FROM posts WHERE id = $1")
        .bind(id.0)
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    post_from_row(&row)
}

/// Sets the end of a post when `expected_version` is still current.
pub async fn end_post(
    conn: &mut AnyConnection,
    id: PostId,
    valid_to: NaiveDate,
    expected_version: i64,
) -> Result<()> {
    let done = sqlx::query(
        "UPDATE posts SET valid_to = $1, row_version = row_version + 1 WHERE id = $2 AND row_version = $3",
    )
    .bind(sql::date(valid_to))
    .bind(id.0)
    .bind(expected_version)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        get_post(conn, id).await?;
        return Err(StoreError::Conflict);
    }
    Ok(())
}

pub async fn posts_of_person(conn: &mut AnyConnection, person: PersonId) -> Result<Vec<Post>> {
    let rows = sqlx::query(
        "SELECT id, person_id, unit_id, title, valid_from, valid_to, row_version FROM posts WHERE person_id = $1 ORDER BY valid_from, id",
    )
    .bind(person.0)
    .fetch_all(conn)
    .await?;
    rows.iter().map(post_from_row).collect()
}

/// Posts of `unit` that run past `date` (or have no end).
pub async fn posts_of_unit_after(
    conn: &mut AnyConnection,
    unit: UnitId,
    date: NaiveDate,
) -> Result<Vec<Post>> {
    let rows = sqlx::query(
        "SELECT id, person_id, unit_id, title, valid_from, valid_to, row_version FROM posts \
         WHERE unit_id = $1 AND (valid_to IS NULL OR valid_to > $2) ORDER BY id",
    )
    .bind(unit.0)
    .bind(sql::date(date))
    .fetch_all(conn)
    .await?;
    rows.iter().map(post_from_row).collect()
}

/// Posts held in `unit` on `on`.
pub async fn posts_in_unit(
    conn: &mut AnyConnection,
    unit: UnitId,
    on: NaiveDate,
) -> Result<Vec<(Post, String)>> {
    let rows = sqlx::query(
        "SELECT s.id, s.person_id, s.unit_id, s.title, s.valid_from, s.valid_to, s.row_version, p.full_name \
         FROM posts s JOIN persons p ON p.id = s.person_id \
         WHERE s.unit_id = $1 AND s.valid_from <= $2 AND (s.valid_to IS NULL OR s.valid_to >= $2) \
         ORDER BY p.name_sort, s.id",
    )
    .bind(unit.0)
    .bind(sql::date(on))
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| Ok((post_from_row(row)?, row.text("full_name")?)))
        .collect()
}

/// Posts held on `on` in any of `units`, with the person's name, in name order: the people a
/// unit and its subtree count.
pub async fn posts_in_units(
    conn: &mut AnyConnection,
    units: &[UnitId],
    on: NaiveDate,
) -> Result<Vec<(Post, String)>> {
    let mut out: Vec<(Post, String, String)> = Vec::new();
    for chunk in units.chunks(500) {
        let list = sql::id_list(chunk.iter().map(|u| u.0));
        let rows = sqlx::query(&format!(
            "SELECT s.id, s.person_id, s.unit_id, s.title, s.valid_from, s.valid_to, s.row_version, \
             p.full_name, p.name_sort FROM posts s JOIN persons p ON p.id = s.person_id \
             WHERE s.unit_id IN ({list}) AND s.valid_from <= $1 AND (s.valid_to IS NULL OR s.valid_to >= $1)"
        ))
        .bind(sql::date(on))
        .fetch_all(&mut *conn)
        .await?;
        for row in &rows {
            out.push((
                post_from_row(row)?,
                row.text("full_name")?,
                row.opt_text("name_sort")?.unwrap_or_default(),
            ));
        }
    }
    out.sort_by(|a, b| (&a.2, a.0.id.0).cmp(&(&b.2, b.0.id.0)));
    Ok(out
        .into_iter()
        .map(|(post, name, _)| (post, name))
        .collect())
}

/// Gives every person without one the sort key of their name (rows written before the key
/// existed); run after migrating. Returns how many were keyed.
pub async fn key_unsorted_names(conn: &mut AnyConnection) -> Result<u64> {
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, full_name FROM persons WHERE name_sort = ''")
            .fetch_all(&mut *conn)
            .await?;
    for (id, name) in &rows {
        sqlx::query("UPDATE persons SET name_sort = $1 WHERE id = $2")
            .bind(vn::sort_key(name))
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(rows.len() as u64)
}
