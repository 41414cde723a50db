//! Text that goes into markup by hand, where the view layer does not escape.

/// A `<textarea>`'s text for the page.
///
/// tachys 0.2.19 (Leptos 0.8) writes a textarea's children unescaped on the
/// server (fixed upstream after 0.2.19), so a stored value holding
/// `</textarea><script>` would end the field and the rest would be markup.
/// On the server `&` and `<` are escaped, which the browser reads back as
/// typed; in the browser the text becomes a text node and needs nothing.
pub fn textarea_text(text: &str) -> String {
    if cfg!(feature = "ssr") {
        text.replace('&', "&amp;").replace('<', "&lt;")
    } else {
        text.to_owned()
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn a_value_cannot_end_its_textarea() {
        assert_eq!(
            textarea_text("a</textarea><script>x</script> & b"),
            "a&lt;/textarea>&lt;script>x&lt;/script> &amp; b"
        );
        assert_eq!(textarea_text("清洁生产\n第二行"), "清洁生产\n第二行");
    }
}
