//! The people's side of the benchmark presets (issue 13, point 6): a registration of five work
//! items for every second person (the `province` preset: 50,000 registrations, 250,000 items;
//! nine in ten approved, the rest waiting), and a study session of the plan in every commune
//! and every cell, so that the budgets of the "who has registered" list and of the attendance
//! roll-up are measured on a province's volume. Written straight to the store, in batches.

use chrono::{DateTime, NaiveDate, Utc};
use trienkhai_core::attendance::{Audience, SessionCount, StudyMode};
use trienkhai_core::ids::{DocumentId, PersonId, UnitId};
use trienkhai_core::registration::RegistrationState;
use trienkhai_store::registrations::{self, NewItem, NewRegistration, StateChange};
use trienkhai_store::study::{self, NewSession};

use crate::{App, Result};

/// What was written.
#[derive(Debug, Default, Clone, Copy)]
pub struct PeopleSide {
    pub registrations: usize,
    pub registration_items: usize,
    pub study_sessions: usize,
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
        }
        trienkhai_store::commit(tx).await?;
    }
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
