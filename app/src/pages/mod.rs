//! One file per route.

pub mod admin_certificates;
pub mod admin_courses;
pub mod admin_import;
pub mod admin_users;
pub mod auditors;
pub mod bank;
pub mod certificate;
pub mod course;
pub mod courses;
pub mod errors;
pub mod exam;
pub mod home;
pub mod login;
pub mod me;
pub mod register;
pub mod set_password;
pub mod teach;
pub mod teach_exams;
pub mod verify;
