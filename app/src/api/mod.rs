//! Server functions, one file per area. Each is a thin adapter: who is asking,
//! parse the input into domain types, call `ssr::db`, map the errors.

pub mod admin_catalogue;
pub mod auth;
pub mod bank;
pub mod catalogue;
pub mod certificates;
pub mod certification;
pub mod enrolment;
pub mod exams;
pub mod grading;
pub mod import;
pub mod teaching;
pub mod users;
