//! The people's side of the benchmark presets (issue 13, point 6): a registration of five work
//! items for every second person (the `province` preset: 50,000 registrations, 250,000 items;
//! nine in ten approved, the rest waiting), and a study session of the plan in every commune
//! and every cell, so that the budgets of the "who has registered" list and of the attendance
//! roll-up are measured on a province's volume. The approved registrations are assessed at
//! year end (four items in five done), and every person has a member rating of the year,
//! appraised under its rule set before those assessments came in: what the year-end rating
//! budget re-reads and evaluates again (issue 14, point 8). Written straight to the store, in
//! batches.

use chrono::{DateTime, NaiveDate, Utc};
use trienkhai_core::attendance::{Audience, SessionCount, StudyMode};
use trienkhai_core::grading::appraisal::{self, Appraisal};
use trienkhai_core::grading::criteria::{Grade, GradesInput};
use trienkhai_core::grading::workflow::RatingState;
use trienkhai_core::grading::{RuleSet, Subject};
use trienkhai_core::ids::{DocumentId, PersonId, UnitId};
use trienkhai_core::registration::{AssessmentPhase, Outcome, RegistrationState, SelfAssessment};
use trienkhai_store::ratings::{self, Rating};
use trienkhai_store::registrations::{self, NewItem, NewRegistration, StateChange};
use trienkhai_store::study::{self, NewSession};

use crate::{App, Result};

/// What was written.
#[derive(Debug, Default, Clone, Copy)]
pub struct PeopleSide {
    pub registrations: usize,
    pub registration_items: usize,
    pub assessments: usize,
    pub study_sessions: usize,
    pub ratings: usize,
}

const ITEMS_PER_REGISTRATION: usize = 5;

/// Registrations of `year` for every second of `persons` (each with the unit of its post), and
/// a study session of `plan` in every one of `units`.
pub async fn generate(
    app: &App,
    now: DateTime<Utc>,
    year: i32,
    plan: DocumentId,
    persons: &[(PersonId, UnitId)],
    units: &[UnitId],
) -> Result<PeopleSide> {
    let mut out = PeopleSide::default();
    let mut approved = Vec::new();
    let day = |m: u32, d: u32| NaiveDate::from_ymd_opt(year, m, d).unwrap_or_default();
    for chunk in persons
        .iter()
        .enumerate()
        .step_by(2)
        .collect::<Vec<_>>()
        .chunks(2_000)
    {
        let mut tx = app.db.begin().await?;
        for &(n, &(person, unit)) in chunk {
            let id = registrations::insert_registration(
                &mut tx,
                &NewRegistration {
                    person_id: person,
                    year,
                    version: 1,
                    unit_id: unit,
                    document_id: Some(plan),
                },
                now,
            )
            .await?;
            let items: Vec<NewItem> = (0..ITEMS_PER_REGISTRATION)
                .map(|k| NewItem {
                    content: format!("Đầu việc thử nghiệm {} của người {n:06}", k + 1),
                    product: "Báo cáo kết quả".into(),
                    measure: None,
                    deadline: day(2 + (k as u32 * 2 + n as u32 % 2), 28),
                    concretizes: None,
                })
                .collect();
            registrations::replace_items(&mut tx, id, &items).await?;
            let v = registrations::set_state(
                &mut tx,
                id,
                RegistrationState::Submitted,
                StateChange::Submitted,
                1,
                now,
            )
            .await?;
            if n % 10 != 0 {
                registrations::set_state(
                    &mut tx,
                    id,
                    RegistrationState::Approved,
                    StateChange::Decided {
                        by: None,
                        comment: None,
                    },
                    v,
                    now,
                )
                .await?;
            }
            out.registrations += 1;
            out.registration_items += items.len();
            if n % 10 != 0 {
                approved.push(id);
            }
        }
        // The year-end assessments of the approved registrations' items.
        for (k, item) in registrations::items_of_registrations(&mut tx, &approved)
            .await?
            .iter()
            .enumerate()
        {
            let outcome = if k % 5 == 4 {
                Outcome::NotDone
            } else {
                Outcome::Done
            };
            registrations::set_assessment(
                &mut tx,
                item.id,
                AssessmentPhase::YearEnd,
                SelfAssessment::new(outcome, None)?,
                None,
                now,
            )
            .await?;
            out.assessments += 1;
        }
        approved.clear();
        trienkhai_store::commit(tx).await?;
    }
    out.ratings = member_ratings(app, now, year, persons).await?;
    for chunk in units.chunks(1_000) {
        let mut tx = app.db.begin().await?;
        for (i, &unit) in chunk.iter().enumerate() {
            let required = 20 + (unit.0 as u32 * 7 + i as u32) % 40;
            let absent = (unit.0 as u32) % 4;
            study::insert_session(
                &mut tx,
                &NewSession {
                    document_id: plan,
                    unit_id: unit,
                    held_on: day(1, 10 + (unit.0 % 15) as u32),
                    place: "Hội trường (thử nghiệm)".into(),
                    mode: StudyMode::InPerson,
                    makeup: false,
                    note: None,
                    counts: vec![(
                        Audience::PartyMembers,
                        SessionCount {
                            required,
                            present: required - absent,
                            excused: absent / 2,
                        },
                    )],
                },
                now,
            )
            .await?;
            out.study_sessions += 1;
        }
        trienkhai_store::commit(tx).await?;
    }
    Ok(out)
}

/// A member rating of `year` for every person, in the unit of their post, appraised on grades
/// and evaluated on no tasks yet (as if appraised before the year-end assessments).
async fn member_ratings(
    app: &App,
    now: DateTime<Utc>,
    year: i32,
    persons: &[(PersonId, UnitId)],
) -> Result<usize> {
    let rule_set = RuleSet::for_year(Subject::Member, year)?;
    let rated_on = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default();
    let mut made = 0;
    for chunk in persons.chunks(2_000) {
        let mut tx = app.db.begin().await?;
        for (n, &(person, unit)) in chunk.iter().enumerate() {
            let tasks_grade = if (made + n) % 7 == 0 {
                Grade::Excellent
            } else {
                Grade::Good
            };
            let inputs = Appraisal {
                common: Some(rust_decimal::Decimal::from(25)),
                grades: Some(GradesInput {
                    tasks: vec![tasks_grade],
                    others: vec![Grade::Good; 3],
                    products: true,
                    products_quantified: true,
                    disciplined: false,
                    civil_service_level: None,
                }),
                ..Appraisal::default()
            };
            let mut r = Rating::new(year, Subject::Member, unit, Some(person), rule_set);
            r.evaluation = Some(appraisal::evaluate(
                rule_set,
                Subject::Member,
                &[],
                &inputs,
                None,
                rated_on,
            )?);
            r.appraisal = Some(inputs);
            r.state = RatingState::Appraised;
            r.appraised_at = Some(now);
            ratings::insert_rating(&mut tx, &r, now).await?;
        }
        made += chunk.len();
        trienkhai_store::commit(tx).await?;
    }
    Ok(made)
}
