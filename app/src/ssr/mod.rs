//! Server-only code: application state, the request's context, sessions,
//! password hashing and all SQL. Never compiled to wasm.

pub mod auth;
pub mod context;
pub mod credentials;
pub mod db;
pub mod forms;
pub mod passwords;
pub mod policy;
pub mod qr;
pub mod rate_limit;
pub mod signing;
pub mod status_list;

pub use context::{respond, AppState, Settings};
