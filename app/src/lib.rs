//! Academy: training and certification for auditors — the Leptos application.
//!
//! Pages are server components: they render on the server (`ssr`) and post
//! their forms back to it, so they need no wasm. Only the `islands` — the
//! parts a person works with live, such as the exam runner — are compiled to
//! wasm (`hydrate`, linked by the `front` crate) and hydrate in the browser.

// Deeply nested views make deeply nested types; the default limit is too low.
#![recursion_limit = "256"]

pub mod api;
pub mod domain;
pub mod error;
pub mod html;
pub mod i18n;
pub mod islands;

#[cfg(feature = "ssr")]
pub mod app;
#[cfg(feature = "ssr")]
pub mod components;
#[cfg(feature = "ssr")]
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;
