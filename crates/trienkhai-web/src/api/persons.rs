//! API of persons and posts.

use axum::Json;
use axum::extract::{Query, State};
use serde::Deserialize;
use trienkhai_app::history::{self, AuditEntry};
use trienkhai_app::people::{self, PersonInput, PersonView, PostInput};
use trienkhai_core::ids::{PersonId, PostId, UnitId};

use super::{Api, Id, RouteDoc, optional_date, required_date};
use crate::AppState;
use crate::api::answers::Created;
use crate::error::ApiError;
use crate::extract::{ApiActor, JsonBody};

pub(super) fn routes(api: Api) -> Api {
    api.route(
        RouteDoc::new(
            "get",
            "/persons",
            "persons",
            "Persons in the caller's scope",
        ),
        list,
    )
    .route(
        RouteDoc::new(
            "post",
            "/persons",
            "persons",
            "Create a person, with a first post",
        ),
        create,
    )
    .route(
        RouteDoc::new(
            "get",
            "/persons/{id}",
            "persons",
            "A person with posts and party status",
        ),
        detail,
    )
    .route(
        RouteDoc::new(
            "put",
            "/persons/{id}",
            "persons",
            "Update a person (needs the version read)",
        ),
        update,
    )
    .route(
        RouteDoc::new(
            "get",
            "/persons/{id}/history",
            "persons",
            "Every change of the person",
        ),
        person_history,
    )
    .route(
        RouteDoc::new("post", "/persons/{id}/posts", "persons", "Add a dated post"),
        add_post,
    )
    .route(
        RouteDoc::new("post", "/posts/{id}/end", "persons", "End a post on a date"),
        end_post,
    )
}

#[derive(Deserialize, schemars::JsonSchema)]
struct ListQuery {
    /// Part of the name, diacritics optional.
    q: Option<String>,
    /// At most this many (1–500, default 100).
    limit: Option<i64>,
    /// Skip this many.
    offset: Option<i64>,
}

async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(q): Query<ListQuery>,
) -> Result<Json<Vec<PersonView>>, ApiError> {
    let name = q.q.as_deref().map(str::trim).filter(|s| !s.is_empty());
    Ok(Json(
        people::list_persons(
            &state.app,
            &actor,
            name,
            q.limit.unwrap_or(100),
            q.offset.unwrap_or(0),
        )
        .await?,
    ))
}

async fn detail(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
) -> Result<Json<PersonView>, ApiError> {
    Ok(Json(
        people::get_person(&state.app, &actor, PersonId(id)).await?,
    ))
}

async fn person_history(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
) -> Result<Json<Vec<AuditEntry>>, ApiError> {
    Ok(Json(
        history::person_history(&state.app, &actor, PersonId(id)).await?,
    ))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct PostBody {
    unit_id: Option<i64>,
    title: String,
    #[schemars(with = "Option<chrono::NaiveDate>")]
    #[schemars(required)]
    valid_from: Option<String>,
    #[schemars(with = "Option<chrono::NaiveDate>")]
    valid_to: Option<String>,
}

impl PostBody {
    fn input(&self) -> Result<PostInput, ApiError> {
        Ok(PostInput {
            unit_id: self.unit_id.map(UnitId),
            title: self.title.clone(),
            valid_from: Some(required_date(&self.valid_from, "valid_from")?),
            valid_to: optional_date(&self.valid_to, "valid_to")?,
        })
    }
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct PersonBody {
    full_name: String,
    birth_year: Option<i64>,
    party_admitted_on: Option<String>,
    party_full_member_on: Option<String>,
    version: Option<i64>,
    post: Option<PostBody>,
}

impl PersonBody {
    fn input(&self) -> Result<PersonInput, ApiError> {
        Ok(PersonInput {
            full_name: self.full_name.clone(),
            birth_year: self.birth_year,
            party_admitted_on: optional_date(&self.party_admitted_on, "party_admitted_on")?,
            party_full_member_on: optional_date(
                &self.party_full_member_on,
                "party_full_member_on",
            )?,
        })
    }
}

async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    JsonBody(body): JsonBody<PersonBody>,
) -> Result<Json<Created>, ApiError> {
    let post = body.post.as_ref().map(PostBody::input).transpose()?;
    let id =
        people::create_person(&state.app, &actor, &body.input()?, post.as_ref(), "user").await?;
    Ok(Json(Created::of(id)))
}

async fn update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(body): JsonBody<PersonBody>,
) -> Result<Json<PersonView>, ApiError> {
    let version = body
        .version
        .ok_or_else(|| ApiError(trienkhai_app::AppError::invalid("required", "version")))?;
    people::update_person(&state.app, &actor, PersonId(id), &body.input()?, version).await?;
    Ok(Json(
        people::get_person(&state.app, &actor, PersonId(id)).await?,
    ))
}

async fn add_post(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(body): JsonBody<PostBody>,
) -> Result<Json<Created>, ApiError> {
    let post = people::add_post(&state.app, &actor, PersonId(id), &body.input()?).await?;
    Ok(Json(Created::of(post)))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct EndPostBody {
    #[schemars(with = "Option<chrono::NaiveDate>")]
    #[schemars(required)]
    valid_to: Option<String>,
    version: i64,
}

async fn end_post(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Id(id): Id,
    JsonBody(body): JsonBody<EndPostBody>,
) -> Result<Json<Created>, ApiError> {
    people::end_post(
        &state.app,
        &actor,
        PostId(id),
        required_date(&body.valid_to, "valid_to")?,
        body.version,
    )
    .await?;
    Ok(Json(Created::of(id)))
}
