//! One-page A4 bilingual (Chinese/English) certificate as PDF.
//!
//! The CJK font is embedded as a subset so the certificate looks the same in every
//! viewer and printer, and stays small. Text is laid out here (not by a shaping engine):
//! Chinese and Latin need no complex shaping, and using the font's own advances for both
//! measuring and drawing guarantees that what was measured to fit is what gets drawn.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Transform};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, GlyphId, KrillaGlyph};
use krilla::Document;
use skrifa::charmap::Charmap;
use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::GlyphMetrics;
use skrifa::raw::{FileRef, FontRef};
use skrifa::string::StringId;
use skrifa::MetadataProvider;

use app::ssr::qr;

/// What a certificate says. All strings are printed as given (after whitespace
/// clean-up); nothing here is trusted to be short or to be covered by the font.
pub struct CertificateDocument {
    pub number: String,
    pub holder_name: String,
    pub type_zh: String,
    pub type_en: String,
    pub centre_zh: String,
    pub centre_en: String,
    pub issued_on: String,
    pub expires_on: String,
    pub verify_url: String,
    /// None when valid; else a bilingual status stamp to print prominently,
    /// e.g. `Some(("已撤销".into(), "REVOKED".into()))`.
    pub status_stamp: Option<(String, String)>,
}

/// Font bytes, loaded once (see [`load_font`]) and shared by every render: CJK
/// collections are 20–30 MB each, so `Arc` avoids copying them per certificate.
pub struct FontFiles {
    pub regular: Arc<Vec<u8>>,
    pub bold: Option<Arc<Vec<u8>>>,
    /// Face index inside a `.ttc` collection (0 for a plain `.ttf`/`.otf`).
    pub regular_index: u32,
    pub bold_index: u32,
}

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("no CJK font found (tried: {})", display_paths(.0))]
    FontNotFound(Vec<PathBuf>),
    #[error("font unreadable: {0}")]
    FontUnreadable(String),
    #[error("PDF rendering failed: {0}")]
    Render(String),
}

fn display_paths(paths: &[PathBuf]) -> String {
    let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    shown.join(", ")
}

/// Debian `fonts-noto-cjk` (regular, bold) pairs, in order of preference: the serif
/// face suits a formal document; sans is the fallback.
const SYSTEM_FONTS: [(&str, &str); 2] = [
    (
        "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
        "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
    ),
    (
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    ),
];

/// Loads the certificate font: `path_override` (used as the only, regular, face) or
/// else the first installed Noto CJK pair. In collections the Simplified Chinese face
/// is chosen by its family name, because each CJK region draws some ideographs differently.
pub fn load_font(path_override: Option<&Path>) -> Result<FontFiles, PdfError> {
    if let Some(path) = path_override {
        if !path.is_file() {
            return Err(PdfError::FontNotFound(vec![path.to_path_buf()]));
        }
        let (regular, regular_index) = read_face(path)?;
        return Ok(FontFiles {
            regular,
            bold: None,
            regular_index,
            bold_index: 0,
        });
    }
    for (regular_path, bold_path) in SYSTEM_FONTS {
        let regular_path = Path::new(regular_path);
        if !regular_path.is_file() {
            continue;
        }
        let (regular, regular_index) = read_face(regular_path)?;
        let bold_path = Path::new(bold_path);
        let (bold, bold_index) = if bold_path.is_file() {
            let (bytes, index) = read_face(bold_path)?;
            (Some(bytes), index)
        } else {
            (None, 0)
        };
        return Ok(FontFiles {
            regular,
            bold,
            regular_index,
            bold_index,
        });
    }
    Err(PdfError::FontNotFound(
        SYSTEM_FONTS.iter().map(|(r, _)| PathBuf::from(r)).collect(),
    ))
}

/// The certificate font, read once on first use (the collections are tens
/// of megabytes) from `ACADEMY_CJK_FONT` or the installed Noto CJK fonts.
/// A missing font makes only PDF downloads fail, with the paths tried.
pub fn fonts() -> Result<&'static FontFiles, String> {
    static FONTS: std::sync::OnceLock<Result<FontFiles, String>> = std::sync::OnceLock::new();
    FONTS
        .get_or_init(|| {
            let configured = std::env::var_os("ACADEMY_CJK_FONT")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from);
            load_font(configured.as_deref()).map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// Reads a font file and returns it with the index of its Simplified Chinese face.
fn read_face(path: &Path) -> Result<(Arc<Vec<u8>>, u32), PdfError> {
    let unreadable =
        |reason: String| PdfError::FontUnreadable(format!("{}: {reason}", path.display()));
    let bytes = std::fs::read(path).map_err(|e| unreadable(e.to_string()))?;
    let index = simplified_chinese_face(&bytes).map_err(unreadable)?;
    Ok((Arc::new(bytes), index))
}

/// Picks the face whose family name has an "SC" word (Noto/Source Han naming,
/// e.g. "Noto Serif CJK SC"), else the first face; then checks it really has Chinese.
fn simplified_chinese_face(bytes: &[u8]) -> Result<u32, String> {
    let faces: Vec<FontRef> = match FileRef::new(bytes).map_err(|e| e.to_string())? {
        FileRef::Font(font) => vec![font],
        FileRef::Collection(collection) => collection.iter().filter_map(Result::ok).collect(),
    };
    let is_sc = |face: &FontRef| {
        face.localized_strings(StringId::FAMILY_NAME)
            .english_or_first()
            .is_some_and(|name| name.to_string().split_whitespace().any(|w| w == "SC"))
    };
    let index = faces.iter().position(is_sc).unwrap_or(0);
    let face = faces.get(index).ok_or("no usable font face")?;
    if face.charmap().map('证').is_none() {
        return Err("font has no Chinese glyphs".into());
    }
    u32::try_from(index).map_err(|e| e.to_string())
}

// ---- Page geometry (PDF points; krilla puts the origin top-left, y downwards). ----

const fn mm(v: f32) -> f32 {
    v * 72.0 / 25.4
}
const PAGE_W: f32 = mm(210.0);
const PAGE_H: f32 = mm(297.0);
const MARGIN: f32 = mm(25.0);
const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN;
const CENTRE_X: f32 = PAGE_W / 2.0;
/// Top of the bottom block (details table and QR code); the centred text column
/// must end above it.
const BOTTOM_TOP: f32 = mm(224.0);
const QR_SIDE: f32 = mm(34.0);

const NAVY: (u8, u8, u8) = (0x1f, 0x3a, 0x5f);
const GOLD: (u8, u8, u8) = (0xa6, 0x7c, 0x37);
const INK: (u8, u8, u8) = (0x22, 0x22, 0x22);
const GREY: (u8, u8, u8) = (0x5f, 0x66, 0x6d);
const RULE: (u8, u8, u8) = (0xc9, 0xcd, 0xd2);
const STAMP_RED: (u8, u8, u8) = (0xc6, 0x28, 0x28);
/// Translucent so that the text under the stamp stays legible.
const STAMP_OPACITY: f32 = 0.85;

/// Renders the certificate as a one-page A4 PDF.
pub fn render(doc: &CertificateDocument, font: &FontFiles) -> Result<Vec<u8>, PdfError> {
    let regular = Face::new(&font.regular, font.regular_index)?;
    let bold = match &font.bold {
        Some(bytes) => Face::new(bytes, font.bold_index)?,
        // Without a bold file, headings use the regular face; size carries the hierarchy.
        None => Face::new(&font.regular, font.regular_index)?,
    };
    let faces = Faces {
        regular: &regular,
        bold: &bold,
    };

    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(format!("证书 Certificate {}", clean(&doc.number)))
            .language("zh-CN".into())
            .creator("Academy".into()),
    );
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H)
        .ok_or_else(|| PdfError::Render("invalid page size".into()))?;
    let mut page = document.start_page_with(settings);
    let mut surface = page.surface();
    draw_certificate(&mut surface, doc, faces);
    surface.finish();
    page.finish();
    document
        .finish()
        .map_err(|e| PdfError::Render(e.to_string()))
}

#[derive(Clone, Copy)]
struct Faces<'f, 'a> {
    regular: &'f Face<'a>,
    bold: &'f Face<'a>,
}

/// Draws everything; returns where the centred text column ended so tests can check
/// that even extreme inputs stay clear of the bottom block.
fn draw_certificate(surface: &mut Surface, doc: &CertificateDocument, faces: Faces) -> f32 {
    draw_frame(surface);

    // Header: issuing centre and title, at fixed positions.
    let mut column = Column::default();
    column.text(
        faces.bold,
        &doc.centre_zh,
        Style::heading(15.0, 1, NAVY).tracked(0.08),
        1.0,
    );
    column.text(
        faces.regular,
        &doc.centre_en,
        Style::heading(9.5, 2, GREY).tracked(0.04),
        4.0,
    );
    column.rule(mm(30.0), GOLD, 1.0, 7.0);
    column.text(
        faces.bold,
        "证书",
        Style::heading(40.0, 1, NAVY).tracked(0.6),
        3.0,
    );
    column.text(
        faces.regular,
        "CERTIFICATE",
        Style::heading(12.0, 1, GOLD).tracked(0.45),
        0.0,
    );
    let header_bottom = column.draw(surface, mm(24.0));

    // Body: everything that grows with the data, centred in the space that is left.
    let mut body = Column::default();
    body.text(
        faces.bold,
        &doc.type_zh,
        Style::heading(22.0, 2, NAVY).shrink_to(16.0, 13.0),
        2.0,
    );
    body.text(
        faces.regular,
        &doc.type_en,
        Style::heading(13.0, 2, GREY).shrink_to(11.0, 9.0),
        9.0,
    );
    body.text(faces.regular, "兹证明", Style::paragraph(12.0, 1, INK), 1.0);
    body.text(
        faces.regular,
        "This is to certify that",
        Style::paragraph(10.0, 1, GREY),
        5.0,
    );
    body.text(
        faces.bold,
        &doc.holder_name,
        Style::heading(32.0, 2, INK).shrink_to(22.0, 16.0),
        1.5,
    );
    body.rule(mm(90.0), RULE, 0.6, 5.0);
    let sentence_zh = format!("已完成培训并通过考核，具备{}资格。", clean(&doc.type_zh));
    body.text(
        faces.regular,
        &sentence_zh,
        Style::paragraph(12.0, 2, INK),
        1.5,
    );
    let sentence_en = format!(
        "has completed the training and assessment and is certified as {}.",
        clean(&doc.type_en)
    );
    body.text(
        faces.regular,
        &sentence_en,
        Style::paragraph(10.5, 3, GREY),
        0.0,
    );
    let space = BOTTOM_TOP - mm(8.0) - header_bottom;
    let body_top = header_bottom + (space - body.height()).max(0.0) * 0.45;
    let body_bottom = body.draw(surface, body_top);

    draw_details(surface, doc, faces);
    draw_qr(surface, doc, faces);
    if let Some((zh, en)) = &doc.status_stamp {
        // Over the closing sentences rather than the name, which a verifier still needs
        // to read; kept above the details table even when the text column is tall.
        let centre_y = body_bottom.min(BOTTOM_TOP - mm(12.0));
        draw_stamp(surface, faces, zh, en, centre_y);
    }
    body_bottom
}

/// Double frame: a strong outer line and a fine gold inner line, the classic
/// certificate border that also survives greyscale printing.
fn draw_frame(surface: &mut Surface) {
    for (inset, width, colour) in [(mm(9.0), 2.0, NAVY), (mm(11.5), 0.6, GOLD)] {
        if let Some(rect) =
            Rect::from_xywh(inset, inset, PAGE_W - 2.0 * inset, PAGE_H - 2.0 * inset)
        {
            stroke_rect(surface, rect, width, colour);
        }
    }
}

/// The two-column details table at the bottom left.
fn draw_details(surface: &mut Surface, doc: &CertificateDocument, faces: Faces) {
    let rows = [
        ("证书编号", "Certificate No.", &doc.number),
        ("发证日期", "Date of issue", &doc.issued_on),
        ("有效期至", "Valid until", &doc.expires_on),
    ];
    let left = MARGIN;
    let label_w = mm(38.0);
    let value_x = left + label_w + mm(3.0);
    // Ends well before the QR code's quiet zone.
    let right = PAGE_W - MARGIN - QR_SIDE - mm(10.0);
    let row_h = mm(11.0);
    let top = BOTTOM_TOP + mm(1.0);
    hline(surface, left, right, top, 0.8, NAVY);
    for (i, (zh, en, value)) in rows.into_iter().enumerate() {
        let y = top + row_h * i as f32;
        let label = Pen::new(faces.regular, 9.5, INK).tracked(0.05);
        label.draw(surface, zh, left, y + mm(4.6), Align::Left);
        let label_en = Pen::new(faces.regular, 7.5, GREY);
        label_en.draw(surface, en, left, y + mm(8.5), Align::Left);
        let style = Style::heading(12.0, 1, INK).shrink_to(12.0, 7.0);
        let block = fit(faces.bold, value, style, right - value_x);
        if let Some(line) = block.lines.first() {
            block
                .pen
                .draw(surface, line, value_x, y + mm(7.0), Align::Left);
        }
        let (weight, colour) = if i + 1 == rows.len() {
            (0.8, NAVY)
        } else {
            (0.4, RULE)
        };
        hline(surface, left, right, y + row_h, weight, colour);
    }
}

/// QR code bottom right, drawn as vector squares, with its caption and the URL.
fn draw_qr(surface: &mut Surface, doc: &CertificateDocument, faces: Faces) {
    let right = PAGE_W - MARGIN;
    let top = BOTTOM_TOP + mm(1.0);
    let (width, dark) = qr::modules(&doc.verify_url);
    if width > 0 {
        let cell = QR_SIDE / width as f32;
        let left = right - QR_SIDE;
        let mut path = PathBuilder::new();
        for (y, row) in dark.chunks(width).enumerate() {
            let mut x = 0;
            while x < width {
                let start = x;
                while x < width && row[x] {
                    x += 1;
                }
                if x > start {
                    // Merged runs, slightly overlapping, avoid hairline gaps in viewers.
                    let r = Rect::from_xywh(
                        left + start as f32 * cell,
                        top + y as f32 * cell,
                        (x - start) as f32 * cell + 0.05,
                        cell + 0.05,
                    );
                    if let Some(r) = r {
                        path.push_rect(r);
                    }
                } else {
                    x += 1;
                }
            }
        }
        if let Some(path) = path.finish() {
            set_fill(surface, (0, 0, 0), 1.0);
            surface.draw_path(&path);
        }
    }
    let centre = right - QR_SIDE / 2.0;
    let caption_y = top + QR_SIDE + mm(6.0);
    let caption = Pen::new(faces.regular, 8.5, INK);
    caption.draw(
        surface,
        "扫码验证 Scan to verify",
        centre,
        caption_y,
        Align::Centre,
    );
    // The URL may be long: right-aligned under the code, wrapping onto a second line
    // (breaking after '/', '-' etc.) before the inner frame could be reached.
    let url_w = mm(80.0);
    let block = fit(
        faces.regular,
        &doc.verify_url,
        Style::paragraph(6.5, 2, GREY).shrink_to(6.5, 5.0),
        url_w,
    );
    for (i, line) in block.lines.iter().enumerate() {
        let y = caption_y + mm(4.0) + i as f32 * block.line_height();
        let width = block.pen.width(line);
        let x = if width <= QR_SIDE {
            centre
        } else {
            right - width / 2.0
        };
        block.pen.draw(surface, line, x, y, Align::Centre);
    }
}

/// Rubber-stamp style status overlay (e.g. REVOKED), rotated so it cannot be mistaken
/// for part of the printed content.
fn draw_stamp(surface: &mut Surface, faces: Faces, zh: &str, en: &str, cy: f32) {
    let max_w = mm(110.0);
    let zh_block = fit(
        faces.bold,
        zh,
        Style::heading(44.0, 1, STAMP_RED)
            .shrink_to(20.0, 20.0)
            .tracked(0.3),
        max_w,
    );
    let en_block = fit(
        faces.bold,
        en,
        Style::heading(22.0, 1, STAMP_RED)
            .shrink_to(10.0, 10.0)
            .tracked(0.2),
        max_w,
    );
    let line_w = |block: &Block| block.lines.first().map_or(0.0, |l| block.pen.width(l));
    let text_w = line_w(&zh_block).max(line_w(&en_block));
    let cx = CENTRE_X;
    let box_w = text_w + mm(16.0);
    let box_h = zh_block.pen.size + en_block.pen.size + mm(16.0);
    let top = cy - box_h / 2.0;

    surface.push_transform(&Transform::from_rotate_at(-14.0, cx, cy));
    for (inset, width) in [(0.0, 3.0), (mm(1.6), 0.8)] {
        if let Some(rect) = Rect::from_xywh(
            cx - box_w / 2.0 + inset,
            top + inset,
            box_w - 2.0 * inset,
            box_h - 2.0 * inset,
        ) {
            let stroke = Stroke {
                paint: colour(STAMP_RED).into(),
                width,
                opacity: NormalizedF32::new(STAMP_OPACITY).unwrap_or(NormalizedF32::ONE),
                ..Stroke::default()
            };
            surface.set_fill(None);
            surface.set_stroke(Some(stroke));
            draw_rect(surface, rect);
            surface.set_stroke(None);
        }
    }
    let zh_base = top + mm(6.0) + zh_block.pen.size * 0.88;
    let en_base = zh_base + mm(2.5) + en_block.pen.size;
    for (block, baseline) in [(&zh_block, zh_base), (&en_block, en_base)] {
        if let Some(line) = block.lines.first() {
            let pen = Pen {
                opacity: STAMP_OPACITY,
                ..block.pen
            };
            pen.draw(surface, line, cx, baseline, Align::Centre);
        }
    }
    surface.pop();
}

// ---- Text: faces, measuring, fitting. ----

/// A font face as both PDF font (for drawing) and skrifa font (for glyph lookup and
/// advances), from the same bytes and index.
struct Face<'a> {
    font: Font,
    charmap: Charmap<'a>,
    metrics: GlyphMetrics<'a>,
    units_per_em: f32,
}

impl<'a> Face<'a> {
    fn new(bytes: &'a Arc<Vec<u8>>, index: u32) -> Result<Self, PdfError> {
        let unreadable = || PdfError::FontUnreadable(format!("cannot parse font face {index}"));
        let font_ref = FontRef::from_index(bytes.as_slice(), index).map_err(|_| unreadable())?;
        let font = Font::new(bytes.clone().into(), index).ok_or_else(unreadable)?;
        Ok(Face {
            units_per_em: font.units_per_em().max(1.0),
            font,
            charmap: font_ref.charmap(),
            metrics: font_ref.glyph_metrics(Size::unscaled(), LocationRef::default()),
        })
    }

    /// The glyph for `c` and its advance in em. Characters the font lacks map to the
    /// .notdef glyph: visible, but never a panic.
    fn glyph(&self, c: char) -> (u32, f32) {
        let id = self.charmap.map(c).unwrap_or_default();
        let advance = self.metrics.advance_width(id).unwrap_or(0.0) / self.units_per_em;
        (id.to_u32(), advance)
    }

    /// One glyph per character, each advanced by the font's width plus `tracking` (em).
    fn glyphs(&self, text: &str, tracking: f32) -> Vec<KrillaGlyph> {
        text.char_indices()
            .map(|(start, c)| {
                let (id, advance) = self.glyph(c);
                let range = start..start + c.len_utf8();
                KrillaGlyph::new(
                    GlyphId::new(id),
                    advance + tracking,
                    0.0,
                    0.0,
                    0.0,
                    range,
                    None,
                )
            })
            .collect()
    }

    /// Width in points at `size`; tracking after the last glyph is not counted so that
    /// tracked text still centres optically.
    fn width(&self, text: &str, size: f32, tracking: f32) -> f32 {
        let count = text.chars().count();
        let advance: f32 = text.chars().map(|c| self.glyph(c).1).sum();
        let gaps = count.saturating_sub(1) as f32;
        (advance + gaps * tracking) * size
    }
}

#[derive(Clone, Copy)]
struct Style {
    size: f32,
    /// Smallest size at which the text may still be kept on one line before wrapping.
    single_line_min: f32,
    /// Smallest size at all; below it, text is truncated with an ellipsis.
    min: f32,
    max_lines: usize,
    /// Extra space between glyphs, in em.
    tracking: f32,
    leading: f32,
    colour: (u8, u8, u8),
}

impl Style {
    /// Headings keep their size (then shrink) and only wrap once `shrink_to` allows it.
    fn heading(size: f32, max_lines: usize, colour: (u8, u8, u8)) -> Self {
        Style {
            size,
            single_line_min: size,
            min: size,
            max_lines,
            tracking: 0.0,
            leading: 1.25,
            colour,
        }
    }

    /// Running text wraps at its size rather than shrinking.
    fn paragraph(size: f32, max_lines: usize, colour: (u8, u8, u8)) -> Self {
        Style {
            leading: 1.45,
            ..Style::heading(size, max_lines, colour)
        }
    }

    fn shrink_to(self, single_line_min: f32, min: f32) -> Self {
        Style {
            single_line_min,
            min,
            ..self
        }
    }

    fn tracked(self, tracking: f32) -> Self {
        Style { tracking, ..self }
    }
}

/// Text fitted into a width: the pen at the chosen size, and the lines.
struct Block<'f, 'a> {
    pen: Pen<'f, 'a>,
    leading: f32,
    lines: Vec<String>,
}

impl Block<'_, '_> {
    fn line_height(&self) -> f32 {
        self.pen.size * self.leading
    }
}

/// Fits `text` into `max_width`: one line, shrinking down to `single_line_min`; else
/// the largest size down to `min` that wraps into `max_lines`; else `min` size with
/// the last line cut and ended with "…".
fn fit<'f, 'a>(face: &'f Face<'a>, text: &str, style: Style, max_width: f32) -> Block<'f, 'a> {
    let text = clean(text);
    let block = |size, lines| Block {
        pen: Pen::new(face, size, style.colour).tracked(style.tracking),
        leading: style.leading,
        lines,
    };
    let unit_width = face.width(&text, 1.0, style.tracking);
    let one_line = if unit_width > 0.0 {
        (max_width / unit_width).min(style.size)
    } else {
        style.size
    };
    if one_line >= style.single_line_min {
        return block(one_line, vec![text]);
    }
    let mut size = style.size;
    loop {
        let lines = wrap(face, &text, size, style.tracking, max_width);
        if lines.len() <= style.max_lines {
            return block(
                size,
                balance(face, &text, size, style.tracking, max_width, lines),
            );
        }
        if size <= style.min {
            let mut lines = lines;
            lines.truncate(style.max_lines);
            if let Some(last) = lines.last_mut() {
                *last = ellipsize(face, last, size, style.tracking, max_width);
            }
            return block(size, lines);
        }
        size = (size - 0.5).max(style.min);
    }
}

/// Greedy line breaking at spaces, between CJK characters and after URL/compound
/// punctuation; a single unbreakable run wider than the line is split by character.
fn wrap(face: &Face, text: &str, size: f32, tracking: f32, max_width: f32) -> Vec<String> {
    let fits = |s: &str| face.width(s, size, tracking) <= max_width;
    let mut lines = Vec::new();
    let mut line = String::new();
    for segment in segments(text) {
        let candidate = format!("{line}{segment}");
        if line.is_empty() || fits(candidate.trim_end()) {
            line = candidate;
        } else {
            lines.push(line.trim_end().to_string());
            line = segment.trim_start().to_string();
        }
        // Hard-break anything still too wide (e.g. a very long word or URL part).
        while !fits(line.trim_end()) && line.chars().count() > 1 {
            let mut head = String::new();
            for c in line.chars() {
                head.push(c);
                if !fits(&head) && head.chars().count() > 1 {
                    head.pop();
                    break;
                }
            }
            line = line[head.len()..].to_string();
            lines.push(head);
        }
    }
    if !line.trim().is_empty() {
        lines.push(line.trim_end().to_string());
    }
    lines
}

/// Re-wraps `lines` into the narrowest width that needs no more lines, so centred text
/// reads as a shape instead of a full line followed by a stray last word.
fn balance(
    face: &Face,
    text: &str,
    size: f32,
    tracking: f32,
    max_width: f32,
    lines: Vec<String>,
) -> Vec<String> {
    let count = lines.len();
    let (mut narrow, mut wide, mut best) = (max_width / count as f32, max_width, lines);
    for _ in 0..12 {
        let width = (narrow + wide) / 2.0;
        let attempt = wrap(face, text, size, tracking, width);
        if attempt.len() <= count {
            wide = width;
            best = attempt;
        } else {
            narrow = width;
        }
    }
    best
}

/// Splits text into pieces that may start a new line; each piece keeps its leading space.
fn segments(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut prev: Option<char> = None;
    for (i, c) in text.char_indices() {
        if let Some(p) = prev {
            if i > start && may_break_between(p, c) {
                out.push(&text[start..i]);
                start = i;
            }
        }
        prev = Some(c);
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

fn may_break_between(before: char, after: char) -> bool {
    // No line may start with closing punctuation or end with opening punctuation
    // (the core of the Chinese line-breaking rules).
    const NO_START: &str = "，。、；：？！）》」』】〕”’.,;:!?)]}%";
    const NO_END: &str = "（《「『【〔“‘([{";
    if NO_START.contains(after) || NO_END.contains(before) || after.is_whitespace() {
        return false;
    }
    before.is_whitespace() || is_cjk(before) || is_cjk(after) || "/-?&=_".contains(before)
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x9FFF      // radicals, CJK punctuation, kana, unified ideographs
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0xF900..=0xFAFF    // compatibility ideographs
        | 0xFF00..=0xFFEF    // fullwidth forms
        | 0x20000..=0x3FFFF) // extension ideographs
}

fn ellipsize(face: &Face, line: &str, size: f32, tracking: f32, max_width: f32) -> String {
    let mut kept: String = line.to_string();
    loop {
        let candidate = format!("{}…", kept.trim_end());
        if kept.is_empty() || face.width(&candidate, size, tracking) <= max_width {
            return candidate;
        }
        kept.pop();
    }
}

/// Collapses whitespace (names and types can contain newlines or tabs) and drops
/// invisible format characters (zero-width spaces, variation selectors) that the font
/// would otherwise render as empty boxes.
fn clean(text: &str) -> String {
    let visible = text.chars().filter(|&c| {
        !matches!(c as u32, 0x200B..=0x200F | 0x2060..=0x2064 | 0xFE00..=0xFE0F | 0xFEFF | 0xE0100..=0xE01EF)
    });
    let spaced: String = visible
        .map(|c| {
            if c.is_whitespace() || c.is_control() {
                ' '
            } else {
                c
            }
        })
        .collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

// ---- Layout and drawing primitives. ----

enum Align {
    Left,
    Centre,
}

/// A vertically stacked, horizontally centred column, measured before it is drawn so
/// it can be positioned as a whole.
#[derive(Default)]
struct Column<'f, 'a> {
    items: Vec<Item<'f, 'a>>,
}

enum Item<'f, 'a> {
    Text {
        block: Block<'f, 'a>,
        gap_after: f32,
    },
    Rule {
        width: f32,
        colour: (u8, u8, u8),
        weight: f32,
        gap_after: f32,
    },
}

impl<'f, 'a> Column<'f, 'a> {
    /// Adds fitted text; `gap_after` is in mm.
    fn text(&mut self, face: &'f Face<'a>, text: &str, style: Style, gap_after: f32) {
        let block = fit(face, text, style, CONTENT_W);
        self.items.push(Item::Text {
            block,
            gap_after: mm(gap_after),
        });
    }

    fn rule(&mut self, width: f32, colour: (u8, u8, u8), weight: f32, gap_after: f32) {
        self.items.push(Item::Rule {
            width,
            colour,
            weight,
            gap_after: mm(gap_after),
        });
    }

    fn height(&self) -> f32 {
        self.items
            .iter()
            .map(|item| match item {
                Item::Text {
                    block, gap_after, ..
                } => block.line_height() * block.lines.len() as f32 + gap_after,
                Item::Rule { gap_after, .. } => mm(2.0) + gap_after,
            })
            .sum()
    }

    /// Draws from `top` and returns the bottom.
    fn draw(&self, surface: &mut Surface, top: f32) -> f32 {
        let mut y = top;
        for item in &self.items {
            match item {
                Item::Text { block, gap_after } => {
                    for line in &block.lines {
                        // Baseline sits at the ascent within the line box (Noto CJK: 0.88 em),
                        // with the leading split above and below.
                        let baseline = y + block.pen.size * (0.88 + (block.leading - 1.0) / 2.0);
                        block
                            .pen
                            .draw(surface, line, CENTRE_X, baseline, Align::Centre);
                        y += block.line_height();
                    }
                    y += gap_after;
                }
                Item::Rule {
                    width,
                    colour,
                    weight,
                    gap_after,
                } => {
                    y += mm(1.0);
                    hline(
                        surface,
                        CENTRE_X - width / 2.0,
                        CENTRE_X + width / 2.0,
                        y,
                        *weight,
                        *colour,
                    );
                    y += mm(1.0) + gap_after;
                }
            }
        }
        y
    }
}

/// How a line of text is set.
#[derive(Clone, Copy)]
struct Pen<'f, 'a> {
    face: &'f Face<'a>,
    size: f32,
    /// Extra space between glyphs, in em.
    tracking: f32,
    colour: (u8, u8, u8),
    opacity: f32,
}

impl<'f, 'a> Pen<'f, 'a> {
    fn new(face: &'f Face<'a>, size: f32, colour: (u8, u8, u8)) -> Self {
        Pen {
            face,
            size,
            tracking: 0.0,
            colour,
            opacity: 1.0,
        }
    }

    fn tracked(self, tracking: f32) -> Self {
        Pen { tracking, ..self }
    }

    fn width(&self, text: &str) -> f32 {
        self.face.width(text, self.size, self.tracking)
    }

    fn draw(&self, surface: &mut Surface, text: &str, x: f32, baseline: f32, align: Align) {
        let text = clean(text);
        let glyphs = self.face.glyphs(&text, self.tracking);
        let x = match align {
            Align::Left => x,
            Align::Centre => x - self.width(&text) / 2.0,
        };
        set_fill(surface, self.colour, self.opacity);
        let font = self.face.font.clone();
        surface.draw_glyphs(
            Point::from_xy(x, baseline),
            &glyphs,
            font,
            &text,
            self.size,
            false,
        );
    }
}

fn colour((r, g, b): (u8, u8, u8)) -> rgb::Color {
    rgb::Color::new(r, g, b)
}

fn set_fill(surface: &mut Surface, c: (u8, u8, u8), opacity: f32) {
    surface.set_stroke(None);
    surface.set_fill(Some(Fill {
        paint: colour(c).into(),
        opacity: NormalizedF32::new(opacity).unwrap_or(NormalizedF32::ONE),
        rule: Default::default(),
    }));
}

fn draw_rect(surface: &mut Surface, rect: Rect) {
    let mut path = PathBuilder::new();
    path.push_rect(rect);
    if let Some(path) = path.finish() {
        surface.draw_path(&path);
    }
}

fn stroke_rect(surface: &mut Surface, rect: Rect, width: f32, c: (u8, u8, u8)) {
    surface.set_fill(None);
    surface.set_stroke(Some(Stroke {
        paint: colour(c).into(),
        width,
        ..Stroke::default()
    }));
    draw_rect(surface, rect);
    surface.set_stroke(None);
}

/// Horizontal rule drawn as a thin filled rectangle (no stroke state to manage).
fn hline(surface: &mut Surface, x0: f32, x1: f32, y: f32, weight: f32, c: (u8, u8, u8)) {
    if let Some(rect) = Rect::from_xywh(x0, y - weight / 2.0, x1 - x0, weight) {
        set_fill(surface, c, 1.0);
        draw_rect(surface, rect);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> CertificateDocument {
        CertificateDocument {
            number: "CPA-2000-00070".into(),
            holder_name: "张伟".into(),
            type_zh: "清洁生产审核师".into(),
            type_en: "Cleaner Production Auditor".into(),
            centre_zh: "国家清洁生产中心".into(),
            centre_en: "National Cleaner Production Centre".into(),
            issued_on: "2000-06-30".into(),
            expires_on: "2003-06-29".into(),
            verify_url: "http://localhost:3000/verify/CPA-2000-00070".into(),
            status_stamp: None,
        }
    }

    fn fonts() -> FontFiles {
        load_font(None).expect("fonts-noto-cjk must be installed for these tests")
    }

    #[test]
    fn renders_a_pdf() {
        let pdf = render(&sample(), &fonts()).expect("render");
        assert!(pdf.starts_with(b"%PDF-"));
        // Subsetting keeps a certificate small even though the collection is ~25 MB.
        assert!(pdf.len() < 300_000, "PDF is {} bytes", pdf.len());
    }

    #[test]
    fn picks_the_simplified_chinese_face() {
        let font = fonts();
        let face = FontRef::from_index(font.regular.as_slice(), font.regular_index).expect("face");
        let family = face
            .localized_strings(StringId::FAMILY_NAME)
            .english_or_first()
            .expect("name");
        assert!(family.to_string().ends_with(" SC"), "{family}");
    }

    #[test]
    fn override_font_without_bold_renders() {
        let path = Path::new(SYSTEM_FONTS[1].0);
        let font = load_font(Some(path)).expect("Noto Sans CJK");
        // Noto CJK collections order their faces JP, KR, SC, TC, HK.
        assert_eq!(font.regular_index, 2);
        assert!(font.bold.is_none());
        assert!(render(&sample(), &font)
            .expect("render")
            .starts_with(b"%PDF-"));
    }

    #[test]
    fn missing_font_lists_the_path_tried() {
        let err = load_font(Some(Path::new("/nonexistent/font.ttc")))
            .err()
            .expect("error");
        assert!(err.to_string().contains("/nonexistent/font.ttc"));
    }

    #[test]
    fn hostile_input_renders_without_overflow() {
        let font = fonts();
        let regular = Face::new(&font.regular, font.regular_index).expect("face");
        let bold =
            Face::new(font.bold.as_ref().unwrap_or(&font.regular), font.bold_index).expect("face");
        let long = "Senior Certified Industrial Energy Efficiency and Cleaner Production Lead Auditor and Assessor";
        let doc = CertificateDocument {
            holder_name: "Maximilian Alexander Friedrich von Habsburg-Lothringen-Wittelsbach der Jüngere \u{1F600}\n\t\u{0}".into(),
            type_zh: "高级工业能源效率与清洁生产首席审核师及评估专家（国家级认证资格第一类）".repeat(2),
            type_en: long.repeat(2),
            centre_zh: "联合国工业发展组织国家清洁生产中心培训与认证部".repeat(2),
            centre_en: long.into(),
            number: "CPA-".repeat(30),
            verify_url: format!("https://academy.example.org/verify/{}", "X".repeat(300)),
            status_stamp: Some(("已撤销".repeat(10), "REVOKED".repeat(10))),
            ..sample()
        };
        let mut document = Document::new();
        let settings = PageSettings::from_wh(PAGE_W, PAGE_H).expect("A4");
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        let bottom = draw_certificate(
            &mut surface,
            &doc,
            Faces {
                regular: &regular,
                bold: &bold,
            },
        );
        assert!(
            bottom <= BOTTOM_TOP,
            "text column ends at {bottom}, table starts at {BOTTOM_TOP}"
        );
        surface.finish();
        page.finish();
        assert!(document.finish().is_ok());
    }

    #[test]
    fn empty_fields_render() {
        let empty = CertificateDocument {
            number: String::new(),
            holder_name: " \n ".into(),
            type_zh: String::new(),
            type_en: String::new(),
            centre_zh: String::new(),
            centre_en: String::new(),
            issued_on: String::new(),
            expires_on: String::new(),
            verify_url: String::new(),
            status_stamp: Some((String::new(), String::new())),
        };
        assert!(render(&empty, &fonts())
            .expect("render")
            .starts_with(b"%PDF-"));
    }

    #[test]
    fn wrapping_respects_width_and_chinese_punctuation() {
        let font = fonts();
        let face = Face::new(&font.regular, font.regular_index).expect("face");
        let text = "已完成培训并通过考核，具备清洁生产审核师资格。".repeat(3);
        let lines = wrap(&face, &text, 12.0, 0.0, 200.0);
        assert!(lines.len() > 1);
        for line in &lines {
            assert!(face.width(line, 12.0, 0.0) <= 200.0);
            assert!(!line.starts_with('，') && !line.starts_with('。'));
        }
        assert_eq!(lines.concat(), text);
    }

    #[test]
    fn clean_collapses_whitespace_and_drops_invisible_characters() {
        assert_eq!(clean("  Li\u{200B}\n\tNa \u{FE0F} "), "Li Na");
    }
}
