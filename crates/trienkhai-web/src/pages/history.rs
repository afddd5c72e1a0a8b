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
use crate::i18n::{Lang, tr};
use serde_json::Value;

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
    let lang = ctx.lang();
    let rows = entries
        .iter()
        .map(|e| Row {
            when: fmt::instant(e.at),
            who: e.actor_label.clone(),
            action: fmt::action(lang, &e.entity_type, &e.action),
            entity: describe(lang, &e.entity_type, e.after.as_ref(), e.before.as_ref()),
            link: link(&e.entity_type, e.entity_id),
            after: e
                .after
                .as_ref()
                .and_then(|v| serde_json::to_string_pretty(v).ok())
                .unwrap_or_default(),
        })
        .collect();
    render(&Page { rows, ctx })
}

/// Where a record of the log is read, when it has a page.
fn link(entity_type: &str, id: i64) -> String {
    match entity_type {
        "unit" => format!("/units/{id}"),
        "person" => format!("/persons/{id}"),
        "account" => format!("/accounts/{id}"),
        "document" => format!("/documents/{id}"),
        "target" => format!("/targets/{id}"),
        "work_item" => format!("/work-items/{id}"),
        "report" => format!("/reports/{id}"),
        _ => String::new(),
    }
}

/// The record a log entry is about, as a person names it: "chỉ tiêu KT05 Số doanh nghiệp
/// thành lập mới", "báo cáo Tháng 4/2021", never "target #25". Read from the record as the
/// entry saw it (after the change, or before it for what the change removed).
pub(crate) fn describe(
    lang: Lang,
    entity_type: &str,
    after: Option<&Value>,
    before: Option<&Value>,
) -> String {
    let kind_key = format!("entity.{entity_type}");
    let kind = if crate::i18n::has(&kind_key) {
        tr(lang, &kind_key).to_owned()
    } else {
        entity_type.replace('_', " ")
    };
    // A target's snapshot holds the target with its values.
    let record = |v: Option<&Value>| v.map(|v| v.get("target").unwrap_or(v).clone());
    let (after, before) = (record(after), record(before));
    let field = |key: &str| {
        [after.as_ref(), before.as_ref()]
            .into_iter()
            .flatten()
            .find_map(|v| v.get(key).and_then(Value::as_str).map(str::to_owned))
            .filter(|s| !s.is_empty())
    };
    let code = field("code")
        .or_else(|| field("number"))
        .or_else(|| field("username"));
    let name = field("name")
        .or_else(|| field("title"))
        .or_else(|| field("full_name"))
        .or_else(|| field("summary"))
        .or_else(|| field("display_name"));
    let period = field("period")
        .and_then(|p| trienkhai_core::period::Period::parse(&p).ok())
        .map(|p| fmt::period(lang, p));
    let named: Vec<String> = [code, name, period].into_iter().flatten().collect();
    if named.is_empty() {
        kind
    } else {
        format!("{kind} {}", named.join(" · "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_change_names_its_record_in_words() {
        let target = json!({"target": {"code": "KT05", "name": "Số doanh nghiệp thành lập mới"}, "values": []});
        assert_eq!(
            describe(Lang::Vi, "target", Some(&target), None),
            "chỉ tiêu KT05 · Số doanh nghiệp thành lập mới"
        );
        let report = json!({"period": "2021-04", "unit_id": 7});
        assert_eq!(
            describe(
                Lang::Vi,
                "report",
                Some(&json!({"state": "submitted"})),
                Some(&report)
            ),
            "báo cáo Tháng 4/2021"
        );
        assert_eq!(describe(Lang::Vi, "calendar", None, None), "lịch báo cáo");
        assert_eq!(link("target", 25), "/targets/25");
        assert_eq!(link("calendar", 3), "");
    }
}
