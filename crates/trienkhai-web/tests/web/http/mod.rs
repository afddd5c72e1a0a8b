//! The HTTP surface on both backends, over the demo: the API contract later checks rely on,
//! scope on every route, errors, concurrency, sessions and CSRF.

mod foundation;
use foundation::*;
mod pages;
use pages::*;
mod plans;
use plans::*;
mod reports;
use reports::*;
mod report_form;
use report_form::*;
mod calendars;
use calendars::*;
mod reviewer;
use reviewer::*;
mod registrations;
use registrations::*;
mod study;
use study::*;
mod commitments;
use commitments::*;
mod ratings;
use ratings::*;
mod criteria;
use criteria::*;
mod links;
use links::*;

use trienkhai_testkit::both_backends;
use trienkhai_testkit::http::*;

both_backends!(
    every_link_shown_to_a_person_leads_to_a_page_they_may_read,
    the_district_nudges_a_missing_report_and_reads_what_happened_in_words,
    reminders_are_set_up_read_and_watched_through_pages_and_api,
    a_units_dashboard_renders_printable_and_keeps_scope,
    calendar_counting_and_period_pages_work_for_editors_and_read_for_others,
    a_report_goes_through_the_api_and_every_unit_is_followed,
    a_report_is_filled_submitted_returned_and_accepted_through_the_pages,
    the_report_form_keeps_what_is_typed_and_every_button_saves_first,
    plan_pages_render_for_whoever_may_see_them_and_keep_scope,
    the_plan_interface_later_checks_rely_on,
    a_commune_editor_records_values_for_its_commune_only_over_http,
    every_page_renders_for_whoever_may_see_it_and_refuses_the_others,
    health_metrics_and_an_openapi_document_that_lists_every_route,
    the_units_api_answers_the_tree_of_any_date,
    a_commune_editor_is_refused_everywhere_outside_its_commune,
    the_inspector_reads_everything_and_changes_nothing,
    bad_input_is_refused_with_a_code_and_a_field,
    repeated_failed_logins_are_throttled,
    pages_need_a_session_and_forms_a_csrf_token,
    structure_forms_choose_units_by_name_never_by_code,
    a_registration_goes_through_the_api,
    who_must_register_is_set_per_plan,
    study_sessions_go_through_the_api,
    a_commitment_goes_through_the_api,
    a_rating_goes_through_the_api_and_the_pages,
    criteria_assessments_go_through_the_api,
    api_tokens_are_stored_as_digests_and_can_be_revoked,
    any_record_can_be_read_as_it_was_at_an_instant,
);
