//! QR codes for certificate verification links, as inline SVG (web pages) and as a
//! module matrix (the PDF draws its own squares so the code stays vector and crisp).

use qrcode::{Color, EcLevel, QrCode};
use std::fmt::Write as _;

/// Light modules a scanner needs around the symbol (ISO/IEC 18004 asks for 4).
pub const QUIET_ZONE: usize = 4;

/// Encodes `url` with error correction M: it survives a printed certificate being
/// creased or stamped over, while keeping the symbol small enough for short URLs.
///
/// Returns the symbol width in modules and its dark modules in row-major order,
/// WITHOUT the quiet zone (callers leave [`QUIET_ZONE`] modules clear around it).
/// Returns `(0, vec![])` if the data cannot be encoded (only for inputs longer than
/// roughly 2,300 bytes), so callers can omit the code instead of failing.
pub fn modules(url: &str) -> (usize, Vec<bool>) {
    match QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M) {
        Ok(code) => {
            let dark = code
                .to_colors()
                .into_iter()
                .map(|c| c == Color::Dark)
                .collect();
            (code.width(), dark)
        }
        Err(_) => (0, Vec::new()),
    }
}

/// Renders `url` as a self-contained SVG with a 4-module quiet zone.
///
/// There is no width/height so CSS decides the size; `viewBox` is in modules and
/// `crispEdges` stops anti-aliasing seams between adjacent squares. All dark modules
/// are one `<path>` (horizontal runs merged) to keep the markup small. `label` becomes
/// the accessible name. If the URL is too long to encode, the SVG is blank (quiet
/// zone only) rather than an error, so a page still renders.
pub fn svg(url: &str, label: &str) -> String {
    let (width, dark) = modules(url);
    let size = width + 2 * QUIET_ZONE;
    let mut path = String::new();
    for (y, row) in dark.chunks(width.max(1)).enumerate() {
        let mut x = 0;
        while x < row.len() {
            if !row[x] {
                x += 1;
                continue;
            }
            let start = x;
            while x < row.len() && row[x] {
                x += 1;
            }
            // Writing to a String cannot fail.
            let _ = write!(
                path,
                "M{} {}h{}v1h-{}z",
                start + QUIET_ZONE,
                y + QUIET_ZONE,
                x - start,
                x - start
            );
        }
    }
    format!(
        concat!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" "#,
            r#"shape-rendering="crispEdges" role="img" aria-label="{label}">"#,
            // An explicit light background keeps the code scannable on dark themes.
            r##"<rect width="{size}" height="{size}" fill="#fff"/>"##,
            r##"<path fill="#000" d="{path}"/></svg>"##
        ),
        size = size,
        label = escape_xml(label),
        path = path
    )
}

/// Escapes text for use inside a double-quoted XML attribute.
fn escape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 forbids most control characters even when escaped.
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "http://localhost:3000/verify/CPA-2000-00070";

    #[test]
    fn modules_have_a_valid_qr_width() {
        let (width, dark) = modules(URL);
        // Versions 1..=40 are 21..=177 modules wide, in steps of 4.
        assert!((21..=177).contains(&width) && (width - 21) % 4 == 0);
        assert_eq!(dark.len(), width * width);
        // Top-left finder pattern: a dark 7-module border.
        assert!(dark[0] && dark[6] && dark[6 * width] && !dark[width + 1]);
    }

    #[test]
    fn svg_is_sized_by_css_and_labelled() {
        let (width, _) = modules(URL);
        let s = svg(URL, r#"Verify <"A&B"> 'x'"#);
        let size = width + 2 * QUIET_ZONE;
        assert!(s.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(s.contains(&format!("viewBox=\"0 0 {size} {size}\"")));
        assert!(s.contains("aria-label=\"Verify &lt;&quot;A&amp;B&quot;&gt; &apos;x&apos;\""));
        assert!(s.contains("role=\"img\"") && s.contains("shape-rendering=\"crispEdges\""));
        let open_tag = &s[..s.find('>').expect("tag")];
        assert!(!open_tag.contains("width") && !open_tag.contains("height"));
        assert_eq!(s.matches("<path").count(), 1);
    }

    #[test]
    fn oversized_input_degrades_instead_of_panicking() {
        let long = "x".repeat(10_000);
        assert_eq!(modules(&long), (0, Vec::new()));
        assert!(svg(&long, "label").contains("viewBox=\"0 0 8 8\""));
    }
}
