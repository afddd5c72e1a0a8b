//! The change log: the latest changes anywhere, for those who read all history.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::Uri;
use axum::response::Response;
use serde::Deserialize;
use trienkhai_app::history;

use super::{PageCtx, render};
use crate::AppState;
use crate::error::PageError;
use crate::extract::PageActor;
use crate::fmt;

pub struct Row {
    pub when: String,
    pub who: String,
    pub action: String,
    pub entity: String,
    pub link: String,
    pub after: String,
}

#[derive(Template)]
#[template(path = "history.html")]
struct Page {
    ctx: PageCtx,
    rows: Vec<Row>,
}

#[derive(Deserialize, Default)]
pub struct HistoryQuery {
    entity_type: Option<String>,
}

pub async fn recent(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
    Query(q): Query<HistoryQuery>,
) -> Result<Response, PageError> {
    let ctx = PageCtx::new(&page, &uri);
    let entries = history::recent_changes(
        &state.app,
        &page.actor,
        q.entity_type.as_deref().filter(|s| !s.is_empty()),
        200,
    )
    .await?;
    let rows = entries
        .iter()
        .map(|e| Row {
            when: fmt::instant(e.at),
            who: e.actor_label.clone(),
            action: fmt::action(ctx.lang(), &e.action),
            entity: format!("{} #{}", e.entity_type, e.entity_id),
            link: match e.entity_type.as_str() {
                "unit" => format!("/units/{}", e.entity_id),
                "person" => format!("/persons/{}", e.entity_id),
                _ => format!("/accounts/{}", e.entity_id),
            },
            after: e
                .after
                .as_ref()
                .and_then(|v| serde_json::to_string_pretty(v).ok())
                .unwrap_or_default(),
        })
        .collect();
    render(&Page { rows, ctx })
}
