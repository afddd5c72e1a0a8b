//! A rating's appraisal form as posted (C12): read field by field into the assessors' inputs.
//! A refusal (a number that is not one, a grade missing, the engine's rule, someone else's
//! edit meanwhile) brings the rating's page back with what was typed and the reason beside the
//! form, never a bare error page: the cell's secretary types it once.

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use rust_decimal::Decimal;
use trienkhai_app::AppError;
use trienkhai_app::ratings::{self, AppraisalInput};
use trienkhai_core::grading::Level;
use trienkhai_core::grading::appraisal::{Appraisal, Finding};
use trienkhai_core::grading::criteria::{Grade, GradesInput};
use trienkhai_core::grading::points::Disqualifier;

use super::ratings::{grade_code, show};
use super::{PageCtx, checked_version, pair, refusal_line, see_other};
use crate::AppState;
use crate::error::PageError;
use crate::extract::{FormBody, PageActor};

/// What was typed into a refused form, and why it was refused.
pub struct Typed {
    pub appraisal: Appraisal,
    /// The numbers as typed (a refused one is shown as it was).
    pub common: String,
    pub task_points: String,
    pub error: String,
    /// The version the form was read at; none after a conflict (the page then offers the
    /// rating as it is now).
    pub version: Option<i64>,
}

/// The posted fields, read leniently: the first thing that is not right is kept as the
/// refusal, and reading goes on so that everything typed can be shown again.
struct Reader<'a> {
    pairs: &'a [(String, String)],
    refused: Option<AppError>,
}

impl Reader<'_> {
    fn text(&self, key: &str) -> String {
        pair(self.pairs, key).unwrap_or_default()
    }

    fn on(&self, key: &str) -> bool {
        pair(self.pairs, key).is_some()
    }

    fn refuse(&mut self, code: &'static str, field: &str) {
        self.refused.get_or_insert(AppError::invalid(code, field));
    }

    fn number(&mut self, key: &str) -> Option<Decimal> {
        let s = self.text(key).trim().to_owned();
        if s.is_empty() {
            return None;
        }
        let parsed = trienkhai_core::vn::parse_decimal(&s).ok();
        if parsed.is_none() {
            self.refuse("number_invalid", key);
        }
        parsed
    }

    fn count(&mut self, key: &str) -> u32 {
        let s = self.text(key).trim().to_owned();
        if s.is_empty() {
            return 0;
        }
        s.parse().unwrap_or_else(|_| {
            self.refuse("number_invalid", key);
            0
        })
    }

    fn grade(&mut self, key: &str) -> Grade {
        let v = self.text(key);
        [Grade::Excellent, Grade::Good, Grade::Average, Grade::Poor]
            .into_iter()
            .find(|g| grade_code(*g) == v)
            .unwrap_or_else(|| {
                self.refuse("required", "grades");
                Grade::Good
            })
    }

    fn appraisal(&mut self) -> Appraisal {
        let mut findings = Vec::new();
        let tasks: Vec<String> = self
            .pairs
            .iter()
            .filter(|(k, _)| k == "task")
            .map(|(_, v)| v.clone())
            .collect();
        for key in tasks {
            findings.push(Finding {
                exceeded: self.on(&format!("exceeded:{key}")),
                quality_errors: self.count(&format!("errors:{key}")),
                objective_cause: self.on(&format!("cause:{key}")),
                task: key,
            });
        }
        let grades = self.on("grade_tasks").then(|| GradesInput {
            tasks: vec![self.grade("grade_tasks")],
            others: vec![
                self.grade("grade_politics"),
                self.grade("grade_ethics"),
                self.grade("grade_discipline"),
            ],
            products: self.on("products"),
            products_quantified: self.on("products_quantified"),
            disciplined: self.on("disciplined"),
            civil_service_level: {
                let s = self.text("civil_service_level");
                if s.is_empty() {
                    None
                } else {
                    Level::parse(&s)
                        .map_err(|_| self.refuse("invalid", "civil_service_level"))
                        .ok()
                }
            },
        });
        let disqualifiers = [
            ("degradation", Disqualifier::Degradation),
            ("disqualified_disciplined", Disqualifier::Disciplined),
            ("corruption_in_unit", Disqualifier::CorruptionInUnit),
        ]
        .into_iter()
        .filter(|(k, _)| self.on(k))
        .map(|(_, d)| d)
        .collect();
        Appraisal {
            common: self.number("common"),
            task_points: self.number("task_points"),
            grades,
            findings,
            shortcomings: self.count("shortcomings"),
            shortcomings_remedied: self.count("shortcomings_remedied"),
            disqualifiers,
            exempt: self.on("exempt"),
            suspended: self.on("suspended"),
        }
    }
}

pub async fn appraise(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
    Path(id): Path<i64>,
    FormBody(pairs): FormBody<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let version = checked_version(&page, &pairs)?;
    let mut reader = Reader {
        pairs: &pairs,
        refused: None,
    };
    let appraisal = reader.appraisal();
    let refused = match reader.refused.take() {
        Some(e) => e,
        None => {
            let input = AppraisalInput {
                appraisal: appraisal.clone(),
                peer_group: None,
                expected_version: version,
            };
            match ratings::appraise(&state.app, &page.actor, id, &input).await {
                Ok(_) => return Ok(see_other(&format!("/ratings/{id}#explanation"))),
                Err(e @ (AppError::Invalid(_) | AppError::Conflict { .. })) => e,
                Err(e) => return Err(PageError(e)),
            }
        }
    };
    let status = match refused {
        AppError::Conflict { .. } => StatusCode::CONFLICT,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let lang = PageCtx::new(&page, &uri).lang();
    let typed = Typed {
        appraisal,
        common: reader.text("common"),
        task_points: reader.text("task_points"),
        error: refusal_line(lang, &refused),
        version: (status != StatusCode::CONFLICT).then_some(version),
    };
    let mut response = show(&state, &page, &uri, id, Some(typed)).await?;
    *response.status_mut() = status;
    Ok(response)
}
