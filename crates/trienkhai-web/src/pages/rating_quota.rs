//! The quota of "excellent" each rule set applies (C12, DOMAIN.md §1.2), as a page: everyone
//! sees the share, what it is counted on and over which scope; the installation's
//! administrator changes it. A refused change (a share that is not a number, outside 0-100,
//! or someone else's change meanwhile) comes back with what was typed and why.

use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use rust_decimal::Decimal;
use trienkhai_app::AppError;
use trienkhai_app::rating_quota::{self, QuotaInput, QuotaScope, QuotaSetting};
use trienkhai_core::access::Action;
use trienkhai_core::grading::RuleSet;
use trienkhai_core::grading::quota::CountingBase;
use trienkhai_core::vn::{format_date, format_decimal};

use super::{PageCtx, pair, refusal_line, render, see_other};
use crate::AppState;
use crate::error::PageError;
use crate::extract::{FormBody, PageActor};
use crate::i18n::{self, Lang, tr};

/// One rule set's line: what is set and, for the administrator, its form.
struct QuotaLine {
    code: &'static str,
    citation: &'static str,
    in_force: String,
    percent: String,
    base: &'static str,
    scope: &'static str,
    is_default: bool,
    /// The row version the form was read at; empty while the default is in use.
    version: String,
    /// Code, label, chosen.
    bases: Vec<(&'static str, &'static str, bool)>,
    scopes: Vec<(&'static str, &'static str, bool)>,
    /// Why a change of this line was refused.
    error: String,
}

#[derive(Template)]
#[template(path = "rating_quota.html")]
struct QuotaPage {
    ctx: PageCtx,
    can_edit: bool,
    lines: Vec<QuotaLine>,
    saved: bool,
}

const BASES: [CountingBase; 2] = [CountingBase::GoodOrBetter, CountingBase::FinallyGood];
const SCOPES: [QuotaScope; 2] = [QuotaScope::PeerGroup, QuotaScope::Organisation];

fn base_code(b: CountingBase) -> &'static str {
    match b {
        CountingBase::GoodOrBetter => "good_or_better",
        CountingBase::FinallyGood => "finally_good",
    }
}

fn scope_code(s: QuotaScope) -> &'static str {
    match s {
        QuotaScope::PeerGroup => "peer_group",
        QuotaScope::Organisation => "organisation",
    }
}

/// A change as typed, kept to show it again when it is refused.
struct Typed {
    rule_set: RuleSet,
    percent: String,
    base: String,
    scope: String,
    version: String,
    error: String,
}

fn line(lang: Lang, s: &QuotaSetting, typed: Option<&Typed>) -> QuotaLine {
    let (from, to) = s.rule_set.in_force();
    let in_force = match to {
        Some(to) => format!("{} – {}", format_date(from), format_date(to)),
        None => format!("{} {}", tr(lang, "rating.quota.since"), format_date(from)),
    };
    let base = typed.map_or(base_code(s.rule.base), |t| t.base.as_str());
    let scope = typed.map_or(scope_code(s.scope), |t| t.scope.as_str());
    QuotaLine {
        code: s.rule_set.as_str(),
        citation: s.rule_set.citation(),
        in_force,
        percent: typed.map_or_else(|| format_decimal(&s.rule.percent, 2), |t| t.percent.clone()),
        base: tr(
            lang,
            &format!("rating.quota.base.{}", base_code(s.rule.base)),
        ),
        scope: tr(lang, &format!("rating.quota.scope.{}", scope_code(s.scope))),
        is_default: s.row_version.is_none(),
        version: typed.map_or_else(
            || s.row_version.map(|v| v.to_string()).unwrap_or_default(),
            |t| t.version.clone(),
        ),
        bases: BASES
            .into_iter()
            .map(|b| {
                let code = base_code(b);
                (
                    code,
                    tr(lang, &format!("rating.quota.base.{code}")),
                    code == base,
                )
            })
            .collect(),
        scopes: SCOPES
            .into_iter()
            .map(|s| {
                let code = scope_code(s);
                (
                    code,
                    tr(lang, &format!("rating.quota.scope.{code}")),
                    code == scope,
                )
            })
            .collect(),
        error: typed.map(|t| t.error.clone()).unwrap_or_default(),
    }
}

async fn show(
    state: &AppState,
    page: &PageActor,
    uri: &Uri,
    typed: Option<Typed>,
) -> Result<Response, PageError> {
    let ctx = PageCtx::new(page, uri);
    let lang = ctx.lang();
    let settings = rating_quota::settings(&state.app, &page.actor).await?;
    render(&QuotaPage {
        can_edit: page.actor.access.allows_everywhere(Action::ManageStructure),
        lines: settings
            .iter()
            .map(|s| {
                let mine = typed.as_ref().filter(|t| t.rule_set == s.rule_set);
                line(lang, s, mine)
            })
            .collect(),
        saved: uri.query().is_some_and(|q| q.contains("saved=1")),
        ctx,
    })
}

pub async fn page(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
) -> Result<Response, PageError> {
    show(&state, &page, &uri, None).await
}

/// The reason of a refusal as the line shows it (the share named as this page names it).
fn reason(lang: Lang, e: &AppError) -> String {
    match e {
        AppError::Invalid(d) if d.field.as_deref() == Some("percent") => format!(
            "{}: {}",
            tr(lang, "rating.quota.percent"),
            i18n::error_message(lang, d.code)
        ),
        other => refusal_line(lang, other),
    }
}

pub async fn set(
    State(state): State<AppState>,
    page: PageActor,
    uri: Uri,
    FormBody(pairs): FormBody<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    page.check_csrf(&pair(&pairs, "csrf").unwrap_or_default())?;
    let text = |k: &str| pair(&pairs, k).unwrap_or_default();
    let rule_set = RuleSet::parse(&text("rule_set")).map_err(AppError::from)?;
    let typed_percent = text("percent");
    let version_text = text("version");
    let parsed = (|| {
        let percent: Decimal = trienkhai_core::vn::parse_decimal(typed_percent.trim())
            .map_err(|_| AppError::invalid("number_invalid", "percent"))?;
        let base = BASES
            .into_iter()
            .find(|b| base_code(*b) == text("base"))
            .ok_or_else(|| AppError::invalid("required", "base"))?;
        let scope = SCOPES
            .into_iter()
            .find(|s| scope_code(*s) == text("scope"))
            .ok_or_else(|| AppError::invalid("required", "scope"))?;
        let expected_version = match version_text.trim() {
            "" => None,
            v => Some(
                v.parse::<i64>()
                    .map_err(|_| AppError::invalid("invalid", "version"))?,
            ),
        };
        Ok::<_, AppError>(QuotaInput {
            percent,
            base,
            scope,
            expected_version,
        })
    })();
    let refused = match parsed {
        Ok(input) => match rating_quota::set(&state.app, &page.actor, rule_set, &input).await {
            Ok(_) => return Ok(see_other("/ratings/quota?saved=1")),
            Err(e @ (AppError::Invalid(_) | AppError::Conflict { .. })) => e,
            Err(e) => return Err(PageError(e)),
        },
        Err(e) => e,
    };
    let conflict = matches!(refused, AppError::Conflict { .. });
    let lang = PageCtx::new(&page, &uri).lang();
    let typed = Typed {
        rule_set,
        percent: typed_percent,
        base: text("base"),
        scope: text("scope"),
        // After someone else's change the form offers the setting as it is now.
        version: if conflict {
            rating_quota::settings(&state.app, &page.actor)
                .await?
                .iter()
                .find(|s| s.rule_set == rule_set)
                .and_then(|s| s.row_version)
                .map(|v| v.to_string())
                .unwrap_or_default()
        } else {
            version_text
        },
        error: reason(lang, &refused),
    };
    let mut response = show(&state, &page, &uri, Some(typed)).await?;
    *response.status_mut() = if conflict {
        StatusCode::CONFLICT
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(response)
}
