//! Plans on both backends, from the Ba Tri demo: documents and numbers, the 22 targets and 29
//! work items, roll-ups with their explanations, scope on recorded values, work item life,
//! the cascade and the coverage report.

mod figures;
use figures::*;
mod items;
use items::*;
mod kept;
use kept::*;
mod reading;
use reading::*;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use trienkhai_app::documents::{self};
use trienkhai_app::targets::{self};
use trienkhai_app::{Actor, App, auth, cascade, demo, org};
use trienkhai_core::ids::{DocumentId, TargetId, UnitId};
use trienkhai_testkit::{TestDb, both_backends};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

async fn demo_app(t: &TestDb) -> App {
    let app = App::new(t.db.clone());
    demo::build(&app).await.unwrap();
    app
}

async fn actor(app: &App, username: &str) -> Actor {
    let id = auth::login(app, username, demo::DEMO_PASSWORD, "test")
        .await
        .unwrap();
    let mut conn = app.db.reader().await.unwrap();
    auth::load_actor(app, &mut conn, id).await.unwrap().unwrap()
}

async fn unit(app: &App, code: &str, on: &str) -> UnitId {
    let admin = Actor::system("test", app.today());
    org::units_as_of(app, &admin, d(on))
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.code == code)
        .unwrap_or_else(|| panic!("{code} on {on}"))
        .id
}

async fn plan(app: &App, actor: &Actor, number: &str) -> DocumentId {
    let found = documents::list_documents(app, actor, Some(number), None, None)
        .await
        .unwrap();
    assert_eq!(found.len(), 1, "{number}");
    found[0].document.id
}

async fn target(app: &App, actor: &Actor, doc: DocumentId, code: &str) -> TargetId {
    targets::targets_of_document(app, actor, doc)
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.code == code)
        .unwrap()
        .id
}

both_backends!(
    review_rules_scope_size_and_progress,
    the_district_plan_has_its_22_targets_and_29_items,
    a_ratio_is_recomputed_and_explained,
    a_missing_month_is_missing_never_zero,
    roll_ups_follow_the_tree_of_their_period,
    a_commune_editor_records_values_for_its_commune_only,
    not_applicable_is_excluded_and_said_so,
    work_items_move_through_their_states,
    documents_are_numbered_per_issuer_type_and_term,
    the_cascade_and_the_coverage_report,
    a_figure_recomputed_by_shard_equals_one_computed_from_nothing,
    the_latest_reported_period_is_computed_at_start,
    a_list_of_documents_agrees_with_reading_each_one,
    many_readers_at_once_never_wait_on_each_other,
);
