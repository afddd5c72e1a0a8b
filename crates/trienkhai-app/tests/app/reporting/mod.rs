//! Reporting cycles on both backends, from the demo: a plan's calendar, a commune's report
//! opened with its deadline, submitted late, returned with a comment, resubmitted, accepted and
//! locked, then reopened as a new revision; scope on every step.

mod review;
use review::*;
mod sheets;
use sheets::*;
mod served;
use served::*;
mod todo;
use todo::*;

use chrono::NaiveDate;
use trienkhai_app::reporting;
use trienkhai_app::{Actor, App, AppError, auth, demo, org};
use trienkhai_core::ids::UnitId;
use trienkhai_core::reporting::{Cadence, DeadlineRule};
use trienkhai_testkit::both_backends;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

async fn actor(app: &App, username: &str) -> Actor {
    let id = auth::login(app, username, demo::DEMO_PASSWORD, "test")
        .await
        .unwrap();
    let mut conn = app.db.reader().await.unwrap();
    auth::load_actor(app, &mut conn, id).await.unwrap().unwrap()
}

/// Saves only the narrative of a report's draft.
async fn save_text(
    app: &App,
    actor: &Actor,
    id: i64,
    text: &str,
    version: i64,
) -> Result<i64, AppError> {
    trienkhai_app::report_sheet::save_draft(
        app,
        actor,
        id,
        &trienkhai_app::report_sheet::ReportDraft {
            version,
            narrative: Some(text.into()),
            ..Default::default()
        },
    )
    .await
}

/// The plan's monthly calendar of 2021: each level 5 working days after the month, 2 before
/// the level above.
async fn monthly_calendar_2021(app: &App, admin: &Actor, plan: trienkhai_core::ids::DocumentId) {
    reporting::add_calendar(
        app,
        admin,
        plan,
        Cadence::Monthly,
        (2021, 2021),
        DeadlineRule::new(5, 2).unwrap(),
    )
    .await
    .unwrap();
}

async fn unit(app: &App, code: &str) -> UnitId {
    let admin = Actor::system("test", app.today());
    org::units_as_of(app, &admin, d("2021-06-01"))
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.code == code)
        .unwrap()
        .id
}

both_backends!(
    viewers_are_served_a_recent_answer_while_the_next_is_computed,
    one_request_computes_a_missing_answer_while_the_others_wait,
    kept_dashboards_and_figures_follow_every_write_of_any_instance,
    a_commune_report_goes_through_review,
    values_entered_through_a_report_count_once_it_is_accepted,
    the_report_sheet_is_filled_saved_whole_and_carries_evidence,
    the_district_consolidates_what_its_communes_reported,
    a_units_dashboard_follows_targets_items_and_reports_as_of_a_date,
    concurrent_reports_of_many_units_are_all_saved_and_submitted,
    a_commune_sees_what_it_owes_and_its_district_what_arrived,
);
