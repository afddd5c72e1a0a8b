//! The use cases of the application on both databases, one test binary with a module per
//! area (each module's tests run on SQLite and on PostgreSQL).

mod clock;
mod generate;
mod plans;
mod reminders;
mod reporting;
mod usecases;
