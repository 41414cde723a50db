//! The Content-Security-Policy of a page.

/// The policy for a page, with the nonce its inline scripts carry: our own
/// scripts and wasm only (`wasm-unsafe-eval` lets the islands' wasm be
/// compiled), our own styles and images, no plugins, no framing, forms that
/// post only here.
pub fn page_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}
