//! Academy: training and certification for auditors — the Leptos application,
//! compiled natively for server-side rendering (`ssr`) and to wasm for hydration.

// Deeply nested views make deeply nested types; the default limit is too low
// for the wasm build.
#![recursion_limit = "256"]

pub mod api;
pub mod app;
pub mod components;
pub mod domain;
pub mod error;
pub mod i18n;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

/// Entry point the generated JavaScript calls once the wasm is loaded.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
    // Marks the page as interactive: browser tests wait for it, and CSS may
    // reveal controls that only work with JavaScript.
    if let Some(html) = leptos::prelude::document().document_element() {
        let _ = html.set_attribute("data-hydrated", "true");
    }
}
