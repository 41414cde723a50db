//! The browser's entry point: the wasm that hydrates a page's islands.
//!
//! Pages render on the server; only the parts a person works with live in
//! the browser (`app::islands`). Each island exports its own hydration
//! function from `app`; linking `app` here brings them into this module.

// Naming `app` links it in, with the hydration function each island exports.
#[cfg(feature = "hydrate")]
use app as _;

/// Called once by the page's loader script after the module is instantiated,
/// before it hydrates each island it finds.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
