//! The report's form as a commune clerk fills it, once a month and often on a phone (issue
//! 12.2). One form holds the figures, the work item lines, the narrative and the evidence file,
//! and every button saves what is typed first: "Lưu nháp" saves, "Đính kèm" saves then attaches
//! the file, "Gửi báo cáo" saves then shows what will be sent and asks once. A value that cannot
//! be saved sends the form back with everything typed still in it and the row marked with the
//! reason; nothing typed is dropped.

use std::collections::HashMap;

use axum::extract::{Multipart, Path, State};
use axum::http::Uri;
use axum::response::Response;
use trienkhai_app::AppError;
use trienkhai_app::report_sheet::{self, DraftLine, DraftValue, ReportDraft};
use trienkhai_app::targets::ActualInput;
use trienkhai_core::ids::{TargetId, WorkItemId};

use super::reports::{ItemRow, TargetRow, report_response};
use super::see_other;
use crate::AppState;
use crate::error::PageError;
use crate::extract::PageActor;
use crate::i18n::{self, Lang};

/// How many fields a report form may post (forty targets of seven fields, a hundred items of
/// two, and room): more is not a report.
const MAX_FIELDS: usize = 2_000;

/// The inputs of a target's row, each followed by the target's id (`v12`, `note12`).
const TARGET_INPUTS: [&str; 7] = ["v", "n", "d", "f", "na", "note", "rv"];

/// A posted form that was not saved, with why.
pub struct Typed {
    /// What was typed, by field name; `None` when the form was saved and only a file failed.
    pub fields: Option<HashMap<String, String>>,
    pub error: AppError,
}

/// What the page shows of a [`Typed`] form.
pub struct Shown {
    pub form_error: String,
    pub file_error: String,
    /// The report's version to post again: the one typed over, unless another person's save
    /// is why the form came back (then the current one, and the message says so).
    pub version: Option<i64>,
}

impl Typed {
    /// Puts what was typed back into the rows and marks the row the error is about.
    pub fn apply(
        &self,
        lang: Lang,
        targets: &mut [TargetRow],
        items: &mut [ItemRow],
        narrative: &mut String,
    ) -> Shown {
        let message = i18n::error_message(lang, self.error.code()).to_owned();
        let field = self.error.field().unwrap_or("");
        let detail = match &self.error {
            AppError::Invalid(d) => d.detail.clone().unwrap_or_default(),
            _ => String::new(),
        };
        if field == "file" && self.fields.is_none() {
            return Shown {
                form_error: String::new(),
                file_error: message,
                version: None,
            };
        }
        let conflict = matches!(self.error, AppError::Conflict { .. });
        let mut marked = None;
        if let Some(fields) = &self.fields {
            let get = |k: String| fields.get(&k).cloned().unwrap_or_default();
            for t in targets.iter_mut() {
                t.value = get(format!("v{}", t.id));
                t.numerator = get(format!("n{}", t.id));
                t.denominator = get(format!("d{}", t.id));
                t.flag = match fields.get(&format!("f{}", t.id)).map(String::as_str) {
                    Some("yes") => "yes",
                    Some("no") => "no",
                    _ => "",
                };
                t.not_applicable = fields.contains_key(&format!("na{}", t.id));
                t.note = get(format!("note{}", t.id));
                if !conflict {
                    t.row_version = get(format!("rv{}", t.id));
                }
                // The row named by the field (`v12`) or by the code the detail starts with.
                // Only a target's own inputs: a work item's `p12` is not target 12's.
                let id = t.id.to_string();
                let named = TARGET_INPUTS
                    .iter()
                    .any(|prefix| field.strip_prefix(prefix) == Some(id.as_str()));
                let by_code = !detail.is_empty()
                    && detail.split(':').next().map(str::trim) == Some(t.code.as_str());
                if marked.is_none() && (named || by_code) {
                    t.error = message.clone();
                    marked = Some(t.code.clone());
                }
            }
            for i in items.iter_mut() {
                i.percent = get(format!("p{}", i.id));
                i.narrative = get(format!("c{}", i.id));
                if marked.is_none() && (field == format!("p{}", i.id)) {
                    i.error = message.clone();
                    marked = Some(i.code.clone());
                }
            }
            *narrative = get("narrative".into());
        }
        let key = if conflict {
            "report.form_conflict"
        } else {
            "report.form_unsaved"
        };
        let mut form_error = format!("{} {}", i18n::tr(lang, key), message);
        if let Some(code) = marked {
            form_error = format!("{form_error} ({code})");
        }
        let version = match (&self.fields, conflict) {
            (Some(fields), false) => fields.get("version").and_then(|v| v.trim().parse().ok()),
            _ => None,
        };
        Shown {
            form_error,
            file_error: String::new(),
            version,
        }
    }
}

/// A report form as posted: its text fields and the file, if one was chosen.
pub(super) struct Posted {
    pub(super) fields: HashMap<String, String>,
    pub(super) file: Option<(String, Vec<u8>)>,
}

pub(super) async fn read_posted(mut multipart: Multipart) -> Result<Posted, PageError> {
    let bad = || PageError(AppError::invalid("invalid_form", "file"));
    let mut posted = Posted {
        fields: HashMap::new(),
        file: None,
    };
    while let Some(field) = multipart.next_field().await.map_err(|_| bad())? {
        let Some(name) = field.name().map(str::to_owned) else {
            continue;
        };
        if posted.fields.len() >= MAX_FIELDS {
            return Err(PageError(AppError::invalid("too_long", "form")));
        }
        if name == "file" {
            let file_name = field.file_name().unwrap_or("").to_owned();
            let bytes = field
                .bytes()
                .await
                .map_err(|_| PageError(AppError::invalid("file_too_large", "file")))?;
            // A file input left empty posts a part with no name and no bytes.
            if !(file_name.is_empty() && bytes.is_empty()) {
                posted.file = Some((file_name, bytes.to_vec()));
            }
        } else {
            let text = field.text().await.map_err(|_| bad())?;
            posted.fields.insert(name, text);
        }
    }
    Ok(posted)
}

/// Saves the report form, then does what its button asked (`then`: `save`, `attach`,
/// `submit`). What cannot be saved comes back typed, with the reason in its row.
pub async fn save(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
    Path(id): Path<i64>,
    multipart: Multipart,
) -> Result<Response, PageError> {
    let posted = read_posted(multipart).await?;
    page.check_csrf(posted.fields.get("csrf").map(String::as_str).unwrap_or(""))?;
    let saved = match draft_of_form(&posted.fields) {
        Ok(draft) => report_sheet::save_draft(&state.app, &page.actor, id, &draft)
            .await
            .map_err(PageError),
        Err(e) => Err(e),
    };
    if let Err(PageError(error)) = saved {
        return match error {
            AppError::Invalid(_) | AppError::Conflict { .. } => {
                let typed = Typed {
                    fields: Some(posted.fields),
                    error,
                };
                report_response(&state, &page, &uri, id, Some(&typed), false).await
            }
            other => Err(PageError(other)),
        };
    }
    match posted.fields.get("then").map(String::as_str) {
        Some("attach") => {
            let attached = match posted.file {
                Some((name, bytes)) => {
                    let item = match posted.fields.get("work_item_id").map(|v| v.trim()) {
                        None | Some("") => None,
                        Some(v) => Some(WorkItemId(v.parse().map_err(|_| {
                            PageError(AppError::invalid("invalid_number", "work_item_id"))
                        })?)),
                    };
                    report_sheet::attach_evidence(&state.app, &page.actor, id, item, &name, &bytes)
                        .await
                }
                None => Err(AppError::invalid("required", "file")),
            };
            match attached {
                Ok(_) => Ok(see_other(&format!("/reports/{id}#evidence"))),
                // The figures are saved; only the file is refused, and the page says why.
                Err(error @ AppError::Invalid(_)) => {
                    let typed = Typed {
                        fields: None,
                        error: as_file_error(error),
                    };
                    report_response(&state, &page, &uri, id, Some(&typed), false).await
                }
                Err(other) => Err(PageError(other)),
            }
        }
        Some("submit") => Ok(see_other(&format!("/reports/{id}/confirm"))),
        _ => Ok(see_other(&format!("/reports/{id}"))),
    }
}

/// A refused file, named as the file's error whatever field the rule named.
fn as_file_error(error: AppError) -> AppError {
    match error {
        AppError::Invalid(mut d) => {
            d.field = Some("file".into());
            AppError::Invalid(d)
        }
        other => other,
    }
}

fn form_decimal(
    text: Option<&String>,
    field: &str,
) -> Result<Option<rust_decimal::Decimal>, PageError> {
    match text.map(|t| t.trim()) {
        None | Some("") => Ok(None),
        Some(t) => trienkhai_core::vn::parse_decimal(t)
            .map(Some)
            .map_err(|e| PageError(AppError::invalid(e.code(), field))),
    }
}

/// The report form: the narrative, then per target `v{id}`, `n{id}`, `d{id}`, `f{id}`,
/// `na{id}`, `note{id}`, `rv{id}`, and per work item `p{id}`, `c{id}`. An unreadable number
/// names its own input (`v12`), so that the page can mark its row.
fn draft_of_form(form: &HashMap<String, String>) -> Result<ReportDraft, PageError> {
    let int = |key: &str| -> Result<Option<i64>, PageError> {
        match form.get(key).map(|v| v.trim()) {
            None | Some("") => Ok(None),
            Some(v) => v
                .parse()
                .map(Some)
                .map_err(|_| PageError(AppError::invalid("invalid_number", key))),
        }
    };
    let version = int("version")?.ok_or_else(|| AppError::invalid("required", "version"))?;
    let mut target_ids: Vec<i64> = form
        .keys()
        .filter_map(|k| k.strip_prefix("rv").and_then(|id| id.parse().ok()))
        .collect();
    target_ids.sort_unstable();
    let mut values = Vec::new();
    for t in target_ids {
        let flag = match form.get(&format!("f{t}")).map(String::as_str) {
            Some("yes") => Some(true),
            Some("no") => Some(false),
            _ => None,
        };
        let (v, n, d) = (format!("v{t}"), format!("n{t}"), format!("d{t}"));
        values.push(DraftValue {
            target_id: TargetId(t),
            input: ActualInput {
                value: form_decimal(form.get(&v), &v)?,
                numerator: form_decimal(form.get(&n), &n)?,
                denominator: form_decimal(form.get(&d), &d)?,
                flag,
                not_applicable: form.contains_key(&format!("na{t}")),
                note: form.get(&format!("note{t}")).cloned(),
                row_version: int(&format!("rv{t}"))?,
            },
        });
    }
    let mut item_ids: Vec<i64> = form
        .keys()
        .filter_map(|k| k.strip_prefix('p').and_then(|id| id.parse().ok()))
        .collect();
    item_ids.sort_unstable();
    let mut lines = Vec::new();
    for i in item_ids {
        lines.push(DraftLine {
            work_item_id: WorkItemId(i),
            percent: int(&format!("p{i}"))?,
            narrative: form.get(&format!("c{i}")).cloned(),
        });
    }
    Ok(ReportDraft {
        version,
        narrative: form.get("narrative").cloned(),
        values,
        lines,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(id: i64) -> TargetRow {
        TargetRow {
            id,
            code: "KT05".into(),
            name: "Số doanh nghiệp".into(),
            unit_of_measure: "doanh nghiệp".into(),
            goal: String::new(),
            kind: "value",
            value: String::new(),
            numerator: String::new(),
            denominator: String::new(),
            flag: "",
            not_applicable: false,
            note: String::new(),
            row_version: String::new(),
            shown: String::new(),
            in_report: false,
            error: String::new(),
            measure: String::new(),
            previous: String::new(),
            change: String::new(),
            unusual: String::new(),
        }
    }

    fn item(id: i64) -> ItemRow {
        ItemRow {
            id,
            code: "DV06".into(),
            title: "Trữ nước".into(),
            deadline: String::new(),
            state: "",
            state_code: "",
            state_class: "",
            percent: String::new(),
            narrative: String::new(),
            error: String::new(),
        }
    }

    /// Marks the rows for an error on `field`, as posted with `typed`: (target marked, item
    /// marked, what the target's value input shows).
    fn marks(field: &str, typed: &[(&str, &str)]) -> (bool, bool, String) {
        let typed = Typed {
            fields: Some(
                typed
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            ),
            error: AppError::invalid("invalid_number", field),
        };
        let (mut targets, mut items, mut narrative) = ([target(12)], [item(12)], String::new());
        let shown = typed.apply(Lang::Vi, &mut targets, &mut items, &mut narrative);
        assert!(!shown.form_error.is_empty());
        (
            !targets[0].error.is_empty(),
            !items[0].error.is_empty(),
            targets[0].value.clone(),
        )
    }

    #[test]
    fn the_row_marked_is_the_one_whose_input_was_refused() {
        let typed = [("v12", "12,3,4"), ("p12", "abc"), ("narrative", "Tháng 4")];
        assert_eq!(marks("v12", &typed), (true, false, "12,3,4".into()));
        assert_eq!(
            marks("p12", &typed),
            (false, true, "12,3,4".into()),
            "a work item's percent is not the target of the same id"
        );
        assert!(marks("note12", &typed).0);
        assert!(!marks("v1", &typed).0);
    }
}
