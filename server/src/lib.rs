//! The `academy` server: configuration, router, command line and demo world.

pub mod backup;
pub mod certificate_pdf;
pub mod cli;
pub mod config;
pub mod demo;
pub mod forms;
pub mod page_cache;
pub mod public_api;
pub mod routes;
pub mod security;
pub mod telemetry;

pub use config::Config;
pub use routes::{build_state, router, serve, serve_on};
