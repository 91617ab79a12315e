//! Text shaping: sanitising, font fallback, bidi reordering (Arabic, Hebrew), shaping with rustybuzz,
//! measuring and fitting text into boxes.
//!
//! Everything is measured in thousandths of an em so one shaped line can be drawn at any size.

use rustybuzz::{Direction, UnicodeBuffer};
use unicode_bidi::BidiInfo;

use crate::fonts::{FontKey, Weight, fast_index, library};

/// One positioned glyph, in thousandths of an em.
#[derive(Debug, Clone)]
pub(crate) struct Glyph {
    pub gid: u16,
    pub advance: f32,
    pub x_off: f32,
    pub y_off: f32,
    /// The characters this glyph stands for (for copy/paste and `pdftotext`).
    pub text: String,
}

#[derive(Debug, Clone)]
pub(crate) struct GlyphRun {
    pub font: FontKey,
    pub glyphs: Vec<Glyph>,
}

/// A line of text in visual order, ready to draw.
#[derive(Debug, Clone, Default)]
pub(crate) struct ShapedLine {
    pub runs: Vec<GlyphRun>,
    /// Total advance in thousandths of an em.
    pub width_em: f32,
    /// Largest ascender and descender of the fonts used, in ems.
    pub ascent: f32,
    pub descent: f32,
}

impl ShapedLine {
    pub fn width_pt(&self, size: f32) -> f32 {
        self.width_em * size / 1000.0
    }

    /// Line box height in ems: the usual leading, or more for tall scripts (Arabic marks).
    pub fn height_em(&self) -> f32 {
        (self.ascent + self.descent).max(LINE_GAP)
    }
}

/// Total height in points of stacked lines at `size`.
pub(crate) fn lines_height(lines: &[ShapedLine], size: f32) -> f32 {
    lines.iter().map(|l| l.height_em() * size).sum()
}

/// Characters that no bundled font can draw, collected while shaping so callers can report them.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Uncovered(pub Vec<char>);

impl Uncovered {
    fn push(&mut self, c: char) {
        if !self.0.contains(&c) {
            self.0.push(c);
        }
    }
}

/// Replacement drawn for a character no font covers; the character is also reported.
const MISSING: char = '?';

/// Removes control characters and collapses whitespace runs, so hostile or pasted text cannot break a
/// layout. Bidi controls and joiners are kept: they matter for Arabic and Hebrew.
pub fn sanitize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last_space = true;
    for c in text.chars() {
        let c = if c.is_whitespace() { ' ' } else { c };
        if c.is_control() {
            continue;
        }
        if c == ' ' {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
        } else {
            out.push(c);
            last_space = false;
        }
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out
}

/// Characters that should stay in the font of the character before them.
fn clings(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05C7 | 0x0610..=0x061A | 0x064B..=0x065F
        | 0x0670 | 0x06D6..=0x06ED | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x200B..=0x200F
        | 0x202A..=0x202E | 0x2066..=0x2069 | 0x20D0..=0x20FF | 0xFE00..=0xFE0F | 0xFE20..=0xFE2F
        | 0x3099..=0x309A)
        || c == ' '
}

/// Splits logical text into (font, text) runs along the fallback chain.
fn font_runs(text: &str, weight: Weight, missing: &mut Uncovered) -> Vec<(FontKey, String)> {
    let lib = library();
    let primary = lib.chain(weight).first().copied().unwrap_or(0);
    let mut runs: Vec<(FontKey, String)> = Vec::new();
    for c in text.chars() {
        let current = runs.last().map(|r| r.0);
        let (font, ch) = match current {
            Some(f)
                if clings(c)
                    && (lib.face(f).is_some_and(|face| face.covers(c)) || !c.is_alphanumeric()) =>
            {
                (f, c)
            }
            _ => match lib.font_for(c, weight) {
                Some(f) => (f, c),
                None if clings(c) => (current.unwrap_or(primary), c),
                None => {
                    missing.push(c);
                    (primary, MISSING)
                }
            },
        };
        match runs.last_mut() {
            Some((f, s)) if *f == font => s.push(ch),
            _ => runs.push((font, ch.to_string())),
        }
    }
    runs
}

fn shape_run(font: FontKey, text: &str, rtl: bool) -> GlyphRun {
    let lib = library();
    let Some(face) = lib.face(font) else {
        return GlyphRun {
            font,
            glyphs: Vec::new(),
        };
    };
    let scale = 1000.0 / face.units_per_em;
    // Fast path: simple Latin left-to-right text needs no shaping engine (tables are mostly figures).
    if !rtl && text.chars().all(|c| fast_index(c).is_some()) {
        let fast: Option<Vec<Glyph>> = text
            .chars()
            .map(|c| {
                face.fast_glyph(c).map(|(gid, adv)| Glyph {
                    gid,
                    advance: f32::from(adv) * scale,
                    x_off: 0.0,
                    y_off: 0.0,
                    text: c.to_string(),
                })
            })
            .collect();
        if let Some(glyphs) = fast {
            return GlyphRun { font, glyphs };
        }
    }
    let mut buf = UnicodeBuffer::new();
    buf.push_str(text);
    buf.guess_segment_properties();
    buf.set_direction(if rtl {
        Direction::RightToLeft
    } else {
        Direction::LeftToRight
    });
    let out = rustybuzz::shape(&face.face, &[], buf);
    let infos = out.glyph_infos();
    let positions = out.glyph_positions();
    // Cluster boundaries (byte offsets) in logical order give each glyph its source text.
    let mut starts: Vec<usize> = infos.iter().map(|i| i.cluster as usize).collect();
    starts.sort_unstable();
    starts.dedup();
    let cluster_text = |start: usize| -> &str {
        let end = starts
            .iter()
            .copied()
            .find(|&s| s > start)
            .unwrap_or(text.len());
        text.get(start..end).unwrap_or("")
    };
    let mut seen: Vec<usize> = Vec::new();
    let mut glyphs = Vec::with_capacity(infos.len());
    for (info, pos) in infos.iter().zip(positions) {
        let cluster = info.cluster as usize;
        let text = if seen.contains(&cluster) {
            String::new()
        } else {
            seen.push(cluster);
            cluster_text(cluster).to_string()
        };
        glyphs.push(Glyph {
            gid: u16::try_from(info.glyph_id).unwrap_or(0),
            advance: pos.x_advance as f32 * scale,
            x_off: pos.x_offset as f32 * scale,
            y_off: pos.y_offset as f32 * scale,
            text,
        });
    }
    GlyphRun { font, glyphs }
}

/// Shapes one line of (sanitised) text: bidi reordering, font fallback, shaping.
pub(crate) fn shape_line(text: &str, weight: Weight, missing: &mut Uncovered) -> ShapedLine {
    let mut runs = Vec::new();
    let has_rtl = text
        .chars()
        .any(|c| matches!(c as u32, 0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF));
    if has_rtl {
        let bidi = BidiInfo::new(text, None);
        for para in &bidi.paragraphs {
            let (levels, visual) = bidi.visual_runs(para, para.range.clone());
            for range in visual {
                let rtl = levels.get(range.start).is_some_and(|l| l.is_rtl());
                let part = text.get(range).unwrap_or("");
                let mut shaped: Vec<GlyphRun> = font_runs(part, weight, missing)
                    .into_iter()
                    .map(|(font, t)| shape_run(font, &t, rtl))
                    .collect();
                if rtl {
                    shaped.reverse();
                }
                runs.extend(shaped);
            }
        }
    } else {
        runs = font_runs(text, weight, missing)
            .into_iter()
            .map(|(font, t)| shape_run(font, &t, false))
            .collect();
    }
    let width_em = runs
        .iter()
        .flat_map(|r| r.glyphs.iter())
        .map(|g| g.advance)
        .sum();
    let lib = library();
    let (mut ascent, mut descent) = (0.95_f32, 0.25_f32);
    for run in &runs {
        if let Some(face) = lib.face(run.font) {
            ascent = ascent.max(face.ascender / face.units_per_em);
            descent = descent.max(-face.descender / face.units_per_em);
        }
    }
    ShapedLine {
        runs,
        width_em,
        ascent,
        descent,
    }
}

/// Width in points of `text` at `size`.
pub(crate) fn measure(text: &str, weight: Weight, size: f32) -> f32 {
    shape_line(text, weight, &mut Uncovered::default()).width_pt(size)
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x2E80..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x20000..=0x2FFFF)
}

/// Splits text into break units: words with their trailing space, and single CJK characters.
fn break_units(text: &str) -> Vec<&str> {
    let mut units = Vec::new();
    let mut start = 0;
    let mut prev: Option<char> = None;
    for (i, c) in text.char_indices() {
        if let Some(p) = prev {
            let boundary = (p == ' ' && c != ' ') || is_cjk(c) || is_cjk(p);
            if boundary && i > start {
                units.push(&text[start..i]);
                start = i;
            }
        }
        prev = Some(c);
    }
    if start < text.len() {
        units.push(&text[start..]);
    }
    units
}

/// Greedy wrapping of `text` into lines no wider than `max_pt`; words wider than a line are split
/// between characters.
fn wrap(text: &str, weight: Weight, size: f32, max_pt: f32) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for unit in break_units(text) {
        let candidate = format!("{current}{unit}");
        if measure(candidate.trim_end(), weight, size) <= max_pt {
            current = candidate;
            continue;
        }
        if !current.trim().is_empty() {
            lines.push(current.trim_end().to_string());
            current = String::new();
        }
        if measure(unit.trim_end(), weight, size) <= max_pt {
            current = unit.to_string();
            continue;
        }
        // A single word wider than the line: break after hyphens, and inside pieces still too wide.
        for piece in unit.split_inclusive(['-', '/']) {
            let candidate = format!("{current}{piece}");
            if current.is_empty() || measure(candidate.trim_end(), weight, size) <= max_pt {
                if measure(candidate.trim_end(), weight, size) <= max_pt {
                    current = candidate;
                    continue;
                }
            } else {
                lines.push(current.trim_end().to_string());
                current = String::new();
                if measure(piece.trim_end(), weight, size) <= max_pt {
                    current = piece.to_string();
                    continue;
                }
            }
            for c in piece.chars() {
                let candidate = format!("{current}{c}");
                if current.is_empty() || measure(candidate.trim_end(), weight, size) <= max_pt {
                    current = candidate;
                } else {
                    lines.push(current.trim_end().to_string());
                    current = c.to_string();
                }
            }
        }
    }
    if !current.trim().is_empty() {
        lines.push(current.trim_end().to_string());
    }
    lines
}

/// Text fitted into a box: the chosen size and the shaped lines.
#[derive(Debug, Clone)]
pub(crate) struct FittedText {
    pub size: f32,
    pub lines: Vec<ShapedLine>,
    /// Whether text had to be cut (only when even the smallest size cannot hold it).
    pub truncated: bool,
}

/// Fits text into `max_lines` lines of `max_pt` width and `max_height_pt` total height, shrinking from
/// `max_size` down to `min_size`; prefers one line at a readable size over wrapping. Nothing ever draws
/// outside the box: as a last resort the text is cut with an ellipsis and `truncated` is set.
#[allow(clippy::too_many_arguments)]
pub(crate) fn fit(
    text: &str,
    weight: Weight,
    max_pt: f32,
    max_height_pt: f32,
    max_lines: usize,
    max_size: f32,
    min_size: f32,
    missing: &mut Uncovered,
) -> FittedText {
    let text = sanitize(text);
    let max_lines = max_lines.max(1);
    let mut size = max_size;
    // Cheap first step: one line, shrink proportionally (width is linear in size).
    let mut probe = Uncovered::default();
    let single = shape_line(&text, weight, &mut probe);
    let one_line_size = if single.width_em > 0.0 {
        (max_pt * 1000.0 / single.width_em).min(max_size)
    } else {
        max_size
    };
    let one_line_size = one_line_size.min(max_height_pt / single.height_em());
    // Keep one line if it stays within 80 % of the largest size, or we are not allowed to wrap.
    if one_line_size >= min_size && (one_line_size >= max_size * 0.8 || max_lines == 1) {
        probe.0.into_iter().for_each(|c| missing.push(c));
        return FittedText {
            size: one_line_size,
            lines: vec![single],
            truncated: false,
        };
    }
    while size >= min_size {
        let lines = wrap(&text, weight, size, max_pt);
        if lines.len() <= max_lines {
            let mut probe = Uncovered::default();
            let shaped: Vec<ShapedLine> = lines
                .iter()
                .map(|l| shape_line(l, weight, &mut probe))
                .collect();
            if lines_height(&shaped, size) <= max_height_pt {
                probe.0.into_iter().for_each(|c| missing.push(c));
                return FittedText {
                    size,
                    lines: shaped,
                    truncated: false,
                };
            }
        }
        size -= 0.5;
    }
    // Last resort at the minimum size: keep what fits and end with an ellipsis.
    let size = min_size.min(max_height_pt / single.height_em()).max(1.0);
    let fit_lines =
        ((max_height_pt / (single.height_em() * size)).floor() as usize).clamp(1, max_lines);
    let mut lines = wrap(&text, weight, size, max_pt);
    let truncated = lines.len() > fit_lines;
    lines.truncate(fit_lines);
    if truncated && let Some(last) = lines.last_mut() {
        let mut chars: Vec<char> = last.chars().collect();
        loop {
            let candidate: String = chars.iter().collect::<String>() + "…";
            if measure(&candidate, weight, size) <= max_pt || chars.is_empty() {
                *last = candidate;
                break;
            }
            chars.pop();
        }
    }
    let shaped = lines
        .iter()
        .map(|l| shape_line(l, weight, missing))
        .collect();
    FittedText {
        size,
        lines: shaped,
        truncated,
    }
}

/// Baseline-to-baseline distance as a multiple of the font size.
pub(crate) const LINE_GAP: f32 = 1.2;

/// Spreadsheet programs run cells starting with these as formulas; prefix them so text stays text.
pub(crate) fn csv_safe(s: &str) -> String {
    let clean = crate::text::sanitize(s);
    if clean.starts_with(['=', '+', '-', '@']) {
        format!("'{clean}")
    } else {
        clean
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_strips_controls_and_collapses_space() {
        assert_eq!(
            sanitize("  a\u{0}b\t\tc\n\u{7}d  "),
            "ab c d",
            "controls vanish, whitespace collapses"
        );
        assert_eq!(
            sanitize("<b>%PDF-1.7</b>"),
            "<b>%PDF-1.7</b>",
            "markup is just text"
        );
    }

    #[test]
    fn fallback_picks_fonts_by_script() {
        let mut missing = Uncovered::default();
        let runs = font_runs("Zoë Ωμέγα שלום مرحبا 王小明", Weight::Regular, &mut missing);
        let fonts: Vec<FontKey> = runs.iter().map(|r| r.0).collect();
        assert!(missing.0.is_empty(), "every script is covered: {missing:?}");
        assert!(
            fonts.contains(&0) && fonts.contains(&2) && fonts.contains(&4) && fonts.contains(&6),
            "{fonts:?}"
        );
    }

    #[test]
    fn emoji_is_reported_not_drawn_silently() {
        let mut missing = Uncovered::default();
        let line = shape_line("Ann 😀", Weight::Regular, &mut missing);
        assert_eq!(
            missing.0,
            vec!['😀'],
            "the emoji has no glyph in the bundled fonts"
        );
        assert!(line.width_em > 0.0);
    }

    #[test]
    fn long_text_wraps_within_width() {
        let mut missing = Uncovered::default();
        let fitted = fit(
            "Maximiliane Alexandra Konstantinopoulou-Wolfeschlegelsteinhausen",
            Weight::Bold,
            150.0,
            80.0,
            3,
            24.0,
            8.0,
            &mut missing,
        );
        for l in &fitted.lines {
            assert!(
                l.width_pt(fitted.size) <= 150.01,
                "line fits the box: {} pt",
                l.width_pt(fitted.size)
            );
        }
        assert!(
            lines_height(&fitted.lines, fitted.size) <= 80.01,
            "lines fit the height"
        );
    }

    #[test]
    fn arabic_is_shaped_and_rtl() {
        let mut missing = Uncovered::default();
        let line = shape_line("مرحبا", Weight::Regular, &mut missing);
        // Contextual shaping replaces isolated letter forms: glyph ids differ from plain cmap lookups.
        let lib = library();
        let face = lib.face(2).map(|f| &f.face);
        let isolated: Vec<u16> = "مرحبا"
            .chars()
            .filter_map(|c| face.and_then(|f| f.glyph_index(c)).map(|g| g.0))
            .collect();
        let shaped: Vec<u16> = line
            .runs
            .iter()
            .flat_map(|r| r.glyphs.iter().map(|g| g.gid))
            .collect();
        assert_ne!(shaped, isolated, "joining forms were applied");
    }

    #[test]
    fn csv_cells_cannot_become_formulas() {
        assert_eq!(csv_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(csv_safe("-1"), "'-1");
        assert_eq!(csv_safe("Ann\u{0}\nLee"), "Ann Lee", "controls removed");
    }
}
