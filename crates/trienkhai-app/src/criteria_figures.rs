//! Correcting a catalogue version's figures against its text (C11, issue 15, point 2): what was
//! shipped "cần đối chiếu văn bản" is checked by the keeper of catalogues, a threshold or the
//! standard's range set to what the text says, the pass mark too, and the mark taken off. Only
//! figures change: the criteria, their measures and groups stay, so the assessments made under
//! the version read the same criteria. The pages and the API call this one use case.

use rust_decimal::Decimal;
use serde::Deserialize;
use trienkhai_core::criteria::{Measure, PassRule};

use crate::{Actor, App, AppError, Result};

/// One criterion's corrected figures: a threshold (a measure against one), the standard's
/// minimum and maximum (a scored measure), whether it is still to check. What is not given
/// stays.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct FigureInput {
    pub code: String,
    pub threshold: Option<Decimal>,
    pub minimum: Option<Decimal>,
    pub maximum: Option<Decimal>,
    pub to_verify: Option<bool>,
}

/// The corrections of one version.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct FiguresInput {
    pub criteria: Vec<FigureInput>,
    pub pass_mark: Option<Decimal>,
    pub pass_to_verify: Option<bool>,
}

/// Applies `input` to version `id` if it is still at `expected_version`. Answers the new row
/// version. A figure the criterion's measure does not have is refused (`value_kind`), as is a
/// code the version does not have (`unknown_criterion`).
pub async fn correct(
    app: &App,
    actor: &Actor,
    id: i64,
    input: &FiguresInput,
    expected_version: i64,
) -> Result<i64> {
    if !crate::criteria::keeps_catalogues(actor) {
        return Err(AppError::Forbidden);
    }
    if input.criteria.len() > trienkhai_core::criteria::MAX_CRITERIA {
        return Err(AppError::invalid("too_many", "criteria"));
    }
    let stored = crate::criteria::catalogue(app, actor, id).await?;
    let mut c = stored.catalogue;
    for f in &input.criteria {
        let field = format!("criteria.{}", f.code);
        let Some(k) = c.criteria.iter_mut().find(|k| k.code == f.code) else {
            return Err(AppError::invalid("unknown_criterion", &field));
        };
        k.measure = match (k.measure, f.threshold, f.minimum, f.maximum) {
            (m, None, None, None) => m,
            (Measure::Threshold { direction, .. }, Some(threshold), None, None) => {
                Measure::Threshold {
                    threshold,
                    direction,
                }
            }
            (
                Measure::Scored {
                    minimum,
                    maximum,
                    direction,
                },
                None,
                new_min,
                new_max,
            ) => Measure::Scored {
                minimum: new_min.unwrap_or(minimum),
                maximum: new_max.unwrap_or(maximum),
                direction,
            },
            _ => return Err(AppError::invalid("value_kind", &field)),
        };
        if let Some(v) = f.to_verify {
            k.to_verify = v;
        }
    }
    match (c.pass_rule, input.pass_mark) {
        (_, None) => {}
        (PassRule::PassMark { .. }, Some(mark)) if mark >= Decimal::ZERO => {
            c.pass_rule = PassRule::PassMark { mark };
        }
        (PassRule::PassMark { .. }, Some(_)) => {
            return Err(AppError::invalid("out_of_range", "pass_mark"));
        }
        (PassRule::AllCriteria, Some(_)) => {
            return Err(AppError::invalid("value_kind", "pass_mark"));
        }
    }
    if let Some(v) = input.pass_to_verify {
        c.pass_to_verify = v;
    }
    crate::criteria::update(app, actor, id, &c, expected_version).await
}
