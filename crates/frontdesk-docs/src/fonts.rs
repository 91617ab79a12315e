//! The bundled fonts and the fallback chain that picks one for each character.
//!
//! Fonts are compiled into the binary so every PC renders the same document offline. Each PDF embeds only
//! the glyphs it uses (see `pdf.rs`).

use std::sync::OnceLock;

use rustybuzz::Face;

/// Regular or bold; CJK and the fallback face have no bold and use regular.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Weight {
    Regular,
    Bold,
}

/// Index of a bundled face in [`FONT_FILES`].
pub(crate) type FontKey = usize;

const FONT_FILES: [(&str, &[u8]); 8] = [
    (
        "NotoSans-Regular",
        include_bytes!("../fonts/NotoSans-Regular.ttf"),
    ),
    (
        "NotoSans-Bold",
        include_bytes!("../fonts/NotoSans-Bold.ttf"),
    ),
    (
        "NotoSansArabic-Regular",
        include_bytes!("../fonts/NotoSansArabic-Regular.ttf"),
    ),
    (
        "NotoSansArabic-Bold",
        include_bytes!("../fonts/NotoSansArabic-Bold.ttf"),
    ),
    (
        "NotoSansHebrew-Regular",
        include_bytes!("../fonts/NotoSansHebrew-Regular.ttf"),
    ),
    (
        "NotoSansHebrew-Bold",
        include_bytes!("../fonts/NotoSansHebrew-Bold.ttf"),
    ),
    (
        "DroidSansFallbackFull",
        include_bytes!("../fonts/DroidSansFallbackFull.ttf"),
    ),
    ("NanumGothic", include_bytes!("../fonts/NanumGothic.ttf")),
];

pub(crate) const FONT_COUNT: usize = FONT_FILES.len();

/// Fallback order: Latin/Greek/Cyrillic first, then Arabic, Hebrew, Chinese/Japanese, Korean.
const REGULAR_CHAIN: [FontKey; 5] = [0, 2, 4, 6, 7];
const BOLD_CHAIN: [FontKey; 5] = [1, 3, 5, 6, 7];

pub(crate) struct FontFace {
    pub name: &'static str,
    pub data: &'static [u8],
    pub face: Face<'static>,
    pub units_per_em: f32,
    pub ascender: f32,
    pub descender: f32,
    /// Advance and glyph of Latin-1/Latin Extended characters, for the unshaped fast path.
    fast: Vec<Option<(u16, u16)>>,
}

impl FontFace {
    /// Glyph and advance (font units) of `c` without shaping, for simple Latin text.
    pub fn fast_glyph(&self, c: char) -> Option<(u16, u16)> {
        let i = fast_index(c)?;
        self.fast.get(i).copied().flatten()
    }

    pub fn covers(&self, c: char) -> bool {
        self.face.glyph_index(c).is_some()
    }

    pub fn advance(&self, gid: u16) -> u16 {
        self.face.glyph_hor_advance(ttf_glyph(gid)).unwrap_or(0)
    }
}

fn ttf_glyph(gid: u16) -> rustybuzz::ttf_parser::GlyphId {
    rustybuzz::ttf_parser::GlyphId(gid)
}

/// Characters below this code point may take the unshaped fast path (no ligatures or marks there
/// that matter for names and figures).
pub(crate) const FAST_LIMIT: usize = 0x0250;
/// General punctuation (dashes, quotes, bullets, ellipsis) is also shaping-free.
const FAST_PUNCT: std::ops::RangeInclusive<u32> = 0x2010..=0x2027;

/// Position of `c` in the fast table, if it may skip shaping.
pub(crate) fn fast_index(c: char) -> Option<usize> {
    let cp = c as u32;
    if (cp as usize) < FAST_LIMIT {
        Some(cp as usize)
    } else if FAST_PUNCT.contains(&cp) {
        Some(FAST_LIMIT + (cp - FAST_PUNCT.start()) as usize)
    } else {
        None
    }
}

pub(crate) struct FontLibrary {
    faces: Vec<Option<FontFace>>,
}

impl FontLibrary {
    pub fn chain(&self, weight: Weight) -> &'static [FontKey] {
        match weight {
            Weight::Regular => &REGULAR_CHAIN,
            Weight::Bold => &BOLD_CHAIN,
        }
    }

    pub fn face(&self, key: FontKey) -> Option<&FontFace> {
        self.faces.get(key).and_then(Option::as_ref)
    }

    /// The first face of the chain that has a glyph for `c`.
    pub fn font_for(&self, c: char, weight: Weight) -> Option<FontKey> {
        self.chain(weight)
            .iter()
            .copied()
            .find(|&k| self.face(k).is_some_and(|f| f.covers(c)))
    }
}

/// The bundled fonts, parsed once. A bundled font that fails to parse is a build defect, caught by the
/// tests; at run time such a face is simply left out of the chain rather than panicking.
pub(crate) fn library() -> &'static FontLibrary {
    static LIB: OnceLock<FontLibrary> = OnceLock::new();
    LIB.get_or_init(|| {
        let faces = FONT_FILES
            .iter()
            .map(|(name, data)| {
                let face = Face::from_slice(data, 0)?;
                let fast = (0..FAST_LIMIT as u32)
                    .chain(FAST_PUNCT)
                    .map(|cp| {
                        let c = char::from_u32(cp)?;
                        let gid = face.glyph_index(c)?;
                        let adv = face.glyph_hor_advance(gid)?;
                        Some((gid.0, adv))
                    })
                    .collect();
                Some(FontFace {
                    name,
                    data,
                    units_per_em: face.units_per_em() as f32,
                    ascender: f32::from(face.ascender()),
                    descender: f32::from(face.descender()),
                    face,
                    fast,
                })
            })
            .collect();
        FontLibrary { faces }
    })
}

/// Names of the bundled faces that parsed; all of them must (checked by a test).
pub fn bundled_font_names() -> Vec<&'static str> {
    library().faces.iter().flatten().map(|f| f.name).collect()
}
