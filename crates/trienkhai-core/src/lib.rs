//! The trienkhai domain: the dated organisation tree, people, access rules and the Vietnamese
//! text, number and date conventions. Pure: no async, no I/O, no SQL, no HTTP. Every other crate
//! leans on these types, so they parse their input once and are trusted afterwards.

pub mod access;
pub mod attendance;
pub mod calendar;
pub mod commitment;
pub mod criteria;
pub mod document_number;
pub mod emulation;
pub mod error;
pub mod file_kind;
pub mod grading;
pub mod ids;
pub mod org;
pub mod over_time;
pub mod party;
pub mod period;
pub mod post_category;
pub mod registration;
pub mod reporting;
pub mod rollup;
pub mod target;
pub mod unusual;
pub mod validity;
pub mod vn;
pub mod work_item;
