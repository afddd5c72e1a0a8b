//! Use cases on both backends, from the demo: the dated tree, scope, audit, concurrency, login.

mod tree;
use tree::*;
mod staff;
use staff::*;
mod registrations;
use registrations::*;
mod study;
use study::*;
mod commitments;
use commitments::*;
mod criteria;
use criteria::*;
mod criteria_links;
use criteria_links::*;
mod emulation;
use emulation::*;
mod rating_refresh;
mod ratings;
use rating_refresh::*;
use ratings::*;

use chrono::NaiveDate;
use trienkhai_app::org::{self};
use trienkhai_app::{Actor, App, auth, demo};
use trienkhai_core::ids::UnitId;
use trienkhai_testkit::{TestDb, both_backends};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

async fn demo_app(t: &TestDb) -> App {
    let app = App::new(t.db.clone());
    assert!(demo::is_empty(&app).await.unwrap());
    demo::build(&app).await.unwrap();
    assert!(!demo::is_empty(&app).await.unwrap());
    app
}

async fn actor(app: &App, username: &str) -> Actor {
    let id = auth::login(app, username, demo::DEMO_PASSWORD, "test")
        .await
        .unwrap();
    let mut conn = app.db.reader().await.unwrap();
    auth::load_actor(app, &mut conn, id).await.unwrap().unwrap()
}

async fn unit_by_code(app: &App, code: &str, on: &str) -> UnitId {
    let admin = Actor::system("test", app.today());
    org::units_as_of(app, &admin, d(on))
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.code == code)
        .unwrap_or_else(|| panic!("{code} on {on}"))
        .id
}

both_backends!(
    a_kept_caller_ends_with_its_session_token_or_account_on_any_instance,
    a_unit_that_ends_ends_its_posts,
    a_commune_editor_pages_through_its_own_people,
    writes_must_be_allowed_over_the_whole_period_they_change,
    subtree_administrators_stay_in_their_subtree,
    a_second_instance_sees_a_structural_change_at_once,
    the_demo_tree_changes_shape_over_time,
    a_commune_editor_cannot_read_or_change_another_commune,
    the_inspector_reads_everything_and_changes_nothing,
    structural_edits_are_validated_and_stale_ones_refused,
    people_hold_concurrent_dated_posts,
    accounts_roles_tokens_and_throttled_logins,
    a_registration_is_written_approved_amended_and_read_by_whom_it_concerns,
    the_plans_rule_decides_who_is_counted,
    a_commune_records_study_sessions_and_the_district_reads_the_rollup,
    a_target_computed_from_attendance_follows_the_sessions,
    a_member_commits_the_cell_approves_and_the_year_end_compares,
    emulation_goals_are_registered_judged_after_their_phase_and_listed,
    a_commune_is_assessed_against_the_catalogue_in_force_and_told_what_is_missing,
    the_communes_meeting_the_standard_are_counted_and_gaps_become_work_items,
    a_cell_is_rated_decided_with_the_quota_notified_published_and_re_rated,
    the_demo_rates_2021_by_its_rules_and_shows_the_2026_case,
    xd02_follows_the_communes_ratings,
    appraised_ratings_follow_the_records_when_the_province_refreshes_them,
    the_quota_of_each_rule_set_is_set_by_the_administrator,
    the_home_page_asks_for_the_self_assessment_in_its_season,
);
