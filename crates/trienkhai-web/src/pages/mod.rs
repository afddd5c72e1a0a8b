//! Pages: one module per area, one small handler per screen action. Forms post back with the
//! session's CSRF token and the row version the user saw; success redirects (303), failure
//! renders the error page in the user's language.

mod accounts;
mod calendars;
mod commitments;
mod consolidated;
mod criteria;
mod criteria_assessment;
mod criteria_keep;
mod dashboard;
mod emulation;
mod history;
mod persons;
pub(crate) mod pickers;
mod plans;
mod rating_appraisal;
mod rating_quota;
mod ratings;
mod registration_lists;
mod registrations;
mod reminders;
mod report_form;
mod reports;
mod session;
pub(crate) mod study;
mod todo;
mod units;

use askama::Template;
use axum::Router;
use axum::http::Uri;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use trienkhai_app::{Actor, AppError};
use trienkhai_core::access::Action;

use crate::AppState;
use crate::error::{PageError, request_lang};
use crate::extract::PageActor;
use crate::fmt;
use crate::i18n::{Lang, Tr};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(todo::page))
        .route("/login", get(session::login_form).post(session::login))
        .route("/logout", post(session::logout))
        .route("/lang", get(session::switch_language))
        .route("/me", get(session::me))
        .route("/units", get(units::tree))
        .route("/units/new", get(units::new_form).post(units::create))
        .route("/units/merge", get(units::merge_form).post(units::merge))
        .route("/units/{id}", get(units::detail))
        .route("/units/{id}/dashboard", get(dashboard::page))
        .route("/units/{id}/criteria", get(criteria::unit))
        .route(
            "/units/{id}/criteria/new",
            get(criteria_assessment::new_form).post(criteria_assessment::create),
        )
        .route("/criteria", get(criteria::catalogues))
        .route("/criteria/catalogues/{id}", get(criteria::checklist))
        .route(
            "/criteria/catalogues/{id}/edit",
            get(criteria_keep::edit_form).post(criteria_keep::edit),
        )
        .route(
            "/criteria/import",
            get(criteria_keep::import_form)
                .post(criteria_keep::import)
                .layer(axum::extract::DefaultBodyLimit::max(
                    trienkhai_app::criteria_table::MAX_TABLE_BYTES + 64 * 1024,
                )),
        )
        .route("/criteria/assessments/{id}", get(criteria_assessment::view))
        .route(
            "/criteria/assessments/{id}/edit",
            get(criteria_assessment::edit_form).post(criteria_assessment::update),
        )
        .route(
            "/criteria/assessments/{id}/gap-items",
            post(criteria_assessment::make_items),
        )
        .route("/units/{id}/change", post(units::change))
        .route("/units/{id}/dissolve", post(units::dissolve))
        .route(
            "/units/{id}/split",
            get(units::split_form).post(units::split),
        )
        .route("/persons", get(persons::list))
        .route("/persons/new", get(persons::new_form).post(persons::create))
        .route("/persons/{id}", get(persons::detail).post(persons::update))
        .route("/persons/{id}/posts", post(persons::add_post))
        .route("/posts/{id}/end", post(persons::end_post))
        .route("/accounts", get(accounts::list))
        .route(
            "/accounts/new",
            get(accounts::new_form).post(accounts::create),
        )
        .route(
            "/accounts/{id}",
            get(accounts::detail).post(accounts::update),
        )
        .route("/accounts/{id}/grants", post(accounts::grant))
        .route("/grants/{id}/revoke", post(accounts::revoke_grant))
        .route("/accounts/{id}/tokens", post(accounts::issue_token))
        .route("/tokens/{id}/revoke", post(accounts::revoke_token))
        .route("/history", get(history::recent))
        .route("/documents", get(plans::list))
        .route("/documents/new", get(plans::new_form).post(plans::create))
        .route("/documents/{id}", get(plans::detail).post(plans::update))
        .route(
            "/documents/{id}/files",
            post(plans::upload).layer(axum::extract::DefaultBodyLimit::max(
                trienkhai_app::documents::MAX_FILE_BYTES + 64 * 1024,
            )),
        )
        .route("/documents/{id}/coverage", get(plans::coverage))
        .route(
            "/documents/{id}/study",
            get(study::page).post(study::record),
        )
        .route(
            "/documents/{id}/emulation",
            get(emulation::page).post(emulation::register),
        )
        .route(
            "/documents/{id}/emulation/goals/{goal}/result",
            post(emulation::record_result),
        )
        .route(
            "/documents/{id}/study/sessions/{session}/remove",
            post(study::remove),
        )
        .route("/documents/{id}/targets", post(plans::create_target))
        .route("/documents/{id}/work-items", post(plans::create_item))
        .route("/targets/{id}/values", post(plans::set_value))
        .route("/targets/{id}/quotas", post(plans::set_quota))
        .route(
            "/targets/{id}/attendance-source",
            post(plans::link_attendance),
        )
        .route("/work-items/{id}/split", post(plans::split))
        .route("/work-items/{id}/milestones", post(plans::add_milestone))
        .route("/files/{id}", get(plans::download))
        .route("/targets/{id}", get(plans::target))
        .route("/targets/{id}/actuals", post(plans::record_actual))
        .route("/work-items/{id}", get(plans::work_item))
        .route("/work-items/{id}/progress", post(plans::progress))
        .route("/work-items/{id}/request", post(plans::request))
        .route("/work-items/{id}/decide", post(plans::decide))
        .route("/my-plan", get(plans::my_plan))
        .route(
            "/registrations",
            get(registration_lists::hub).post(registration_lists::open),
        )
        .route("/registrations/rule", post(registration_lists::set_rule))
        .route("/registrations/{id}", get(registrations::detail))
        .route("/registrations/{id}/items", post(registrations::save_items))
        .route("/registrations/{id}/act", post(registrations::act))
        .route("/registrations/{id}/amend", post(registrations::amend))
        .route(
            "/commitments",
            get(commitments::list).post(commitments::open),
        )
        .route("/commitments/{id}", get(commitments::detail))
        .route(
            "/commitments/{id}/sections",
            post(commitments::save_sections),
        )
        .route("/commitments/{id}/act", post(commitments::act))
        .route("/commitments/{id}/assess", post(commitments::assess))
        .route("/commitments/{id}/remark", post(commitments::remark))
        .route("/ratings", get(ratings::unit))
        .route("/ratings/self", post(ratings::self_assess))
        .route("/ratings/group", post(ratings::group_action))
        .route(
            "/ratings/quota",
            get(rating_quota::page).post(rating_quota::set),
        )
        .route("/ratings/{id}", get(ratings::detail))
        .route("/ratings/{id}/self", post(ratings::self_change))
        .route("/ratings/{id}/appraisal", post(rating_appraisal::appraise))
        .route("/ratings/{id}/cancel", post(ratings::cancel))
        .route(
            "/registration-items/{id}/assess",
            post(registrations::assess),
        )
        .route(
            "/registration-items/{id}/remark",
            post(registrations::remark),
        )
        .route(
            "/documents/{id}/reports",
            get(reports::period_list).post(reports::open),
        )
        .route("/documents/{id}/reports/nudge", post(reports::nudge))
        .route(
            "/documents/{id}/calendars",
            get(calendars::plan_calendars).post(calendars::add),
        )
        .route("/documents/{id}/calendars/remove", post(calendars::remove))
        .route("/documents/{id}/counting", post(calendars::counting))
        .route(
            "/documents/{id}/consolidated",
            get(consolidated::page).post(consolidated::start),
        )
        .route("/documents/{id}/reminders", post(reminders::add_policy))
        .route(
            "/documents/{id}/reminders/remove",
            post(reminders::remove_policy),
        )
        .route("/notifications", get(reminders::list))
        .route("/notifications/read", post(reminders::mark_read))
        .route("/notifications/preferences", post(reminders::preferences))
        .route("/jobs", get(reminders::jobs))
        .route("/jobs/{id}/retry", post(reminders::retry))
        .route("/webhooks", post(reminders::add_webhook))
        .route("/webhooks/{id}/active", post(reminders::set_webhook))
        .route(
            "/calendar-days",
            get(calendars::days).post(calendars::set_day),
        )
        .route("/reports/{id}", get(reports::detail))
        // The whole form with its evidence file: the same 20 MB as the file alone.
        .route(
            "/reports/{id}/narrative",
            post(report_form::save).layer(axum::extract::DefaultBodyLimit::max(
                trienkhai_app::documents::MAX_FILE_BYTES + 256 * 1024,
            )),
        )
        .route("/reports/{id}/confirm", get(reports::confirm))
        .route("/reports/{id}/act", post(reports::act))
        // The same 20 MB as a document's file (and the API's evidence), with room for the form.
        .route(
            "/reports/{id}/evidence",
            post(reports::upload).layer(axum::extract::DefaultBodyLimit::max(
                trienkhai_app::documents::MAX_FILE_BYTES + 64 * 1024,
            )),
        )
        .route("/evidence/{id}", get(reports::evidence))
        .route(
            "/registration-items/{id}/evidence",
            post(registrations::upload_evidence).layer(axum::extract::DefaultBodyLimit::max(
                trienkhai_app::documents::MAX_FILE_BYTES + 64 * 1024,
            )),
        )
        .route(
            "/registration-evidence/{id}",
            get(registrations::evidence_file),
        )
}

/// The official header of a printed report: the issuing unit on the left, the Party's or the
/// State's motto on the right with the date, then the title naming the resolution carried out.
/// Shown on paper (and on screen, smaller: a reader sees what will be printed).
pub struct OfficialHeader {
    pub issuer: String,
    /// A Party document (its number reads `02-NQ/HU`): "ĐẢNG CỘNG SẢN VIỆT NAM".
    pub party: bool,
    pub dated: String,
    pub title: String,
    pub document: String,
    pub period: String,
}

impl OfficialHeader {
    pub fn new(
        lang: Lang,
        unit_name: &str,
        number: &str,
        summary: &str,
        title_key: &str,
        period: &str,
        day: chrono::NaiveDate,
    ) -> Self {
        use chrono::Datelike;
        let party = trienkhai_core::document_number::DocumentNumber::parse(number)
            .is_ok_and(|n| n.grammar == trienkhai_core::document_number::Grammar::Party);
        Self {
            issuer: unit_name.to_uppercase(),
            party,
            dated: crate::i18n::tr(lang, "print.dated")
                .replace("{d}", &format!("{:02}", day.day()))
                .replace("{m}", &format!("{:02}", day.month()))
                .replace("{y}", &day.year().to_string()),
            title: crate::i18n::tr(lang, title_key).to_uppercase(),
            document: crate::i18n::tr(lang, "print.carrying_out")
                .replace("{number}", number)
                .replace("{summary}", summary),
            period: period.to_owned(),
        }
    }
}

/// What every page's frame needs: language, user, menus, CSRF token.
pub struct PageCtx {
    pub t: Tr,
    pub lang: &'static str,
    pub user: String,
    pub csrf: String,
    pub can_accounts: bool,
    pub can_history: bool,
    pub lang_switch: String,
}

impl PageCtx {
    pub fn new(page: &PageActor, uri: &Uri) -> Self {
        let lang = request_lang();
        let actor = &page.actor;
        Self {
            t: Tr(lang),
            lang: lang.code(),
            user: actor.display_name.clone(),
            csrf: page.csrf.clone(),
            can_accounts: actor.access.allows_somewhere(Action::ManageAccounts),
            can_history: actor.access.allows_everywhere(Action::ReadHistory),
            lang_switch: lang_switch_url(lang, uri),
        }
    }

    pub fn lang(&self) -> Lang {
        self.t.0
    }
}

pub fn lang_switch_url(lang: Lang, uri: &Uri) -> String {
    let other = match lang {
        Lang::Vi => "en",
        Lang::En => "vi",
    };
    let back = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    format!("/lang?set={other}&back={}", fmt::url_encode(back))
}

/// Renders a template into a response.
pub fn render(template: &impl Template) -> Result<Response, PageError> {
    template
        .render()
        .map(|html| Html(html).into_response())
        .map_err(|e| PageError(AppError::Internal(format!("template: {e}"))))
}

/// After a successful form: back to a page (303 turns the POST into a GET).
pub fn see_other(location: &str) -> Response {
    Redirect::to(location).into_response()
}

/// An optional date typed in a form.
pub fn form_date(
    input: &Option<String>,
    field: &str,
) -> Result<Option<chrono::NaiveDate>, PageError> {
    Ok(fmt::parse_date_field(
        input.as_deref().unwrap_or(""),
        field,
    )?)
}

/// The unit a form names by its code (codes are what offices type); `None` when the field was
/// left empty, an error naming the field when no unit has that code.
pub async fn unit_by_code(
    state: &AppState,
    code: Option<&str>,
    field: &str,
) -> Result<Option<trienkhai_core::ids::UnitId>, PageError> {
    let code = code.unwrap_or_default().trim();
    if code.is_empty() {
        return Ok(None);
    }
    trienkhai_app::org::unit_id_by_code(&state.app, code)
        .await?
        .map(Some)
        .ok_or_else(|| PageError(AppError::invalid("unit_not_found", field)))
}

/// The unit a person's list page opens on: the one asked for by code, else the unit of the
/// reader's first post in the year, else the first unit they read.
pub async fn unit_or_own(
    state: &AppState,
    page: &PageActor,
    code: Option<&str>,
    mine: Option<&trienkhai_app::registration_lists::Mine>,
) -> Result<Option<trienkhai_core::ids::UnitId>, PageError> {
    if let Some(u) = unit_by_code(state, code, "unit").await? {
        return Ok(Some(u));
    }
    Ok(match mine {
        Some(m) if !m.posts.is_empty() => Some(m.posts[0].0),
        _ => page
            .actor
            .access
            .roots_for(trienkhai_core::access::Action::Read)
            .and_then(|r| r.first().copied()),
    })
}

/// The value of `key` in a form read as pairs (forms whose fields repeat or are numbered).
pub fn pair(pairs: &[(String, String)], key: &str) -> Option<String> {
    pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
}

/// A form posted as pairs: its CSRF token checked, and the row version the user saw.
pub fn checked_version(page: &PageActor, pairs: &[(String, String)]) -> Result<i64, PageError> {
    page.check_csrf(&pair(pairs, "csrf").unwrap_or_default())?;
    pair(pairs, "version")
        .and_then(|v| v.trim().parse().ok())
        .ok_or(PageError(AppError::invalid("required", "version")))
}

/// Why a form was refused, as its page shows it beside what was typed: the field's name
/// (empty when the refusal names none) and what is wrong.
pub fn refusal(lang: Lang, e: &AppError) -> (String, String) {
    match e {
        AppError::Invalid(d) => (
            d.field
                .as_deref()
                .map(|f| crate::i18n::field_label(lang, f))
                .unwrap_or_default(),
            crate::i18n::error_message(lang, d.code).to_owned(),
        ),
        other => (
            String::new(),
            crate::i18n::error_message(lang, other.code()).to_owned(),
        ),
    }
}

/// A page shown again after a refusal answers 409 when someone else's change came first, 422
/// when what was typed is wrong.
pub fn refused_status(mut response: Response, refused: &AppError) -> Response {
    *response.status_mut() = if matches!(refused, AppError::Conflict { .. }) {
        axum::http::StatusCode::CONFLICT
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    response
}

/// [`refusal`] on one line: "field: what is wrong".
pub fn refusal_line(lang: Lang, e: &AppError) -> String {
    match refusal(lang, e) {
        (field, message) if field.is_empty() => message,
        (field, message) => format!("{field}: {message}"),
    }
}

/// Every value of a field that repeats (a multiple choice), or of one typed as a list, joined.
pub fn all_of(pairs: &[(String, String)], key: &str) -> Option<String> {
    let values: Vec<&str> = pairs
        .iter()
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .collect();
    (!values.is_empty()).then(|| values.join(" "))
}

/// Whether `actor` may edit content somewhere (to show "new" buttons).
pub fn edits_somewhere(actor: &Actor) -> bool {
    actor.access.allows_somewhere(Action::EditContent)
}
