//! Pure rules and validated types, shared by the server and the browser; no IO.

pub mod account;
pub mod bank;
pub mod catalogue;
pub mod certificate;
pub mod csv;
pub mod email;
pub mod enrolment;
pub mod exam;
pub mod import;
pub mod password;
pub mod places;
pub mod redirect;
pub mod role;
pub mod throttle;

pub use account::{Organisation, PersonName};
pub use email::Email;
pub use password::Password;
pub use places::{Industry, Province};
pub use role::Role;
