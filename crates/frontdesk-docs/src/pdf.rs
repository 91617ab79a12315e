//! A small drawing surface over printpdf: millimetres with a top-left origin, shaped text, rectangles,
//! lines and images. On `finish` every font is subset to the glyphs the document uses.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock};

use printpdf::{
    Color, Line, LinePoint, Mm, Op, PaintMode, ParsedFont, PdfDocument, PdfFontHandle, PdfPage,
    PdfSaveOptions, Point, Pt, RawImage, RawImageData, RawImageFormat, Rect, Rgb, TextItem,
    TextMatrix, WindingOrder, XObjectTransform,
};

use crate::fonts::{FONT_COUNT, library};
use crate::text::{Glyph, ShapedLine};
use crate::{Error, Result};

const PT_PER_MM: f32 = 72.0 / 25.4;

pub(crate) fn pt(mm: f32) -> f32 {
    mm * PT_PER_MM
}

/// An sRGB colour, 0–255 per channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Colour {
    pub r: u8,
    pub g: u8,
    pub b: u8,
}

impl Colour {
    pub const BLACK: Colour = Colour { r: 0, g: 0, b: 0 };
    pub const WHITE: Colour = Colour {
        r: 255,
        g: 255,
        b: 255,
    };
    pub const GREY: Colour = Colour {
        r: 110,
        g: 110,
        b: 110,
    };
    pub const LIGHT: Colour = Colour {
        r: 225,
        g: 225,
        b: 225,
    };

    /// Parses `#rrggbb` or `rrggbb`.
    pub fn from_hex(s: &str) -> Result<Colour> {
        let h = s.trim().trim_start_matches('#');
        let bad = || Error::InvalidInput(format!("colour {s:?} is not #rrggbb"));
        if h.len() != 6 || !h.is_ascii() {
            return Err(bad());
        }
        let byte =
            |i: usize| u8::from_str_radix(h.get(i..i + 2).unwrap_or(""), 16).map_err(|_| bad());
        Ok(Colour {
            r: byte(0)?,
            g: byte(2)?,
            b: byte(4)?,
        })
    }

    /// Black or white, whichever reads better on this background.
    pub fn contrasting(self) -> Colour {
        let lum = 0.299 * f32::from(self.r) + 0.587 * f32::from(self.g) + 0.114 * f32::from(self.b);
        if lum > 150.0 {
            Colour::BLACK
        } else {
            Colour::WHITE
        }
    }

    fn pdf(self) -> Color {
        Color::Rgb(Rgb::new(
            f32::from(self.r) / 255.0,
            f32::from(self.g) / 255.0,
            f32::from(self.b) / 255.0,
            None,
        ))
    }
}

/// Horizontal alignment of a text line in its box.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Centre,
    Right,
}

enum Item {
    Fill {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        colour: Colour,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        colour: Colour,
        width_pt: f32,
    },
    Text {
        x_pt: f32,
        baseline_pt: f32,
        size: f32,
        colour: Colour,
        line: ShapedLine,
    },
    Image {
        index: usize,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
    },
}

struct PageBuf {
    w: f32,
    h: f32,
    items: Vec<Item>,
}

/// A decoded RGB image ready to place.
pub(crate) struct Picture {
    pub width: u32,
    pub height: u32,
    pub rgb: Vec<u8>,
}

pub(crate) struct Canvas {
    title: String,
    pages: Vec<PageBuf>,
    images: Vec<Picture>,
}

impl Canvas {
    pub fn new(title: &str) -> Canvas {
        Canvas {
            title: crate::text::sanitize(title),
            pages: Vec::new(),
            images: Vec::new(),
        }
    }

    /// Starts a page of `w` × `h` millimetres; later drawing goes to it.
    pub fn page(&mut self, w: f32, h: f32) {
        self.pages.push(PageBuf {
            w,
            h,
            items: Vec::new(),
        });
    }

    fn push(&mut self, item: Item) {
        if self.pages.is_empty() {
            self.page(210.0, 297.0);
        }
        if let Some(p) = self.pages.last_mut() {
            p.items.push(item);
        }
    }

    pub fn fill(&mut self, x: f32, y: f32, w: f32, h: f32, colour: Colour) {
        if w > 0.0 && h > 0.0 {
            self.push(Item::Fill { x, y, w, h, colour });
        }
    }

    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, colour: Colour, width_pt: f32) {
        self.push(Item::Line {
            x1,
            y1,
            x2,
            y2,
            colour,
            width_pt,
        });
    }

    pub fn stroke_rect(&mut self, x: f32, y: f32, w: f32, h: f32, colour: Colour, width_pt: f32) {
        self.line(x, y, x + w, y, colour, width_pt);
        self.line(x + w, y, x + w, y + h, colour, width_pt);
        self.line(x + w, y + h, x, y + h, colour, width_pt);
        self.line(x, y + h, x, y, colour, width_pt);
    }

    /// Draws one shaped line with its baseline at `baseline` mm, aligned within `[x, x + w]`.
    #[allow(clippy::too_many_arguments)]
    pub fn text_line(
        &mut self,
        line: ShapedLine,
        size: f32,
        x: f32,
        w: f32,
        baseline: f32,
        align: Align,
        colour: Colour,
    ) {
        let width = line.width_pt(size);
        let x_pt = match align {
            Align::Left => pt(x),
            Align::Centre => pt(x) + (pt(w) - width) / 2.0,
            Align::Right => pt(x + w) - width,
        };
        self.push(Item::Text {
            x_pt,
            baseline_pt: pt(baseline),
            size,
            colour,
            line,
        });
    }

    /// Places an image scaled to `w` × `h` mm at (`x`, `y`).
    pub fn image(&mut self, picture: Picture, x: f32, y: f32, w: f32, h: f32) {
        let index = self.images.len();
        self.images.push(picture);
        self.push(Item::Image { index, x, y, w, h });
    }

    /// Serialises the document, embedding font subsets.
    pub fn finish(mut self) -> Result<Vec<u8>> {
        // Which glyphs each font needs, and what text each glyph stands for.
        let mut used: Vec<BTreeMap<u16, String>> = vec![BTreeMap::new(); FONT_COUNT];
        for page in &self.pages {
            for item in &page.items {
                if let Item::Text { line, .. } = item {
                    for run in &line.runs {
                        if let Some(map) = used.get_mut(run.font) {
                            for g in &run.glyphs {
                                let e = map.entry(g.gid).or_default();
                                if e.is_empty() {
                                    e.clone_from(&g.text);
                                }
                            }
                        }
                    }
                }
            }
        }
        let mut doc = PdfDocument::new(&self.title);
        // Subset each used font; remember the renumbering.
        let mut fonts: Vec<Option<(printpdf::FontId, BTreeMap<u16, u16>)>> = vec![None; FONT_COUNT];
        for (key, glyphs) in used.iter().enumerate() {
            if glyphs.is_empty() {
                continue;
            }
            let gids: Vec<u16> = glyphs.keys().copied().collect();
            let (parsed, remap) = subset_font(key, gids)?;
            let id = doc.add_font(&parsed);
            if let Some(slot) = fonts.get_mut(key) {
                *slot = Some((id, remap));
            }
        }
        let mut image_ids = Vec::with_capacity(self.images.len());
        for pic in &self.images {
            let raw = RawImage {
                pixels: RawImageData::U8(pic.rgb.clone()),
                width: pic.width as usize,
                height: pic.height as usize,
                data_format: RawImageFormat::RGB8,
                tag: Vec::new(),
            };
            image_ids.push((doc.add_image(&raw), pic.width, pic.height));
        }
        // Each page's items are dropped as soon as they are converted, so a long document does not
        // hold both representations at once.
        let source = std::mem::take(&mut self.pages);
        let mut pages = Vec::with_capacity(source.len());
        for page in source {
            let h_pt = pt(page.h);
            let mut ops = Vec::with_capacity(page.items.len() * 4);
            for item in &page.items {
                match item {
                    Item::Fill { x, y, w, h, colour } => {
                        ops.push(Op::SetFillColor { col: colour.pdf() });
                        ops.push(Op::DrawRectangle {
                            rectangle: Rect {
                                x: Pt(pt(*x)),
                                y: Pt(h_pt - pt(*y + *h)),
                                width: Pt(pt(*w)),
                                height: Pt(pt(*h)),
                                mode: Some(PaintMode::Fill),
                                winding_order: Some(WindingOrder::NonZero),
                            },
                        });
                    }
                    Item::Line {
                        x1,
                        y1,
                        x2,
                        y2,
                        colour,
                        width_pt,
                    } => {
                        ops.push(Op::SetOutlineColor { col: colour.pdf() });
                        ops.push(Op::SetOutlineThickness { pt: Pt(*width_pt) });
                        ops.push(Op::DrawLine {
                            line: Line {
                                points: vec![
                                    LinePoint {
                                        p: Point {
                                            x: Pt(pt(*x1)),
                                            y: Pt(h_pt - pt(*y1)),
                                        },
                                        bezier: false,
                                    },
                                    LinePoint {
                                        p: Point {
                                            x: Pt(pt(*x2)),
                                            y: Pt(h_pt - pt(*y2)),
                                        },
                                        bezier: false,
                                    },
                                ],
                                is_closed: false,
                            },
                        });
                    }
                    Item::Image { index, x, y, w, h } => {
                        if let Some((id, pw, ph)) = image_ids.get(*index) {
                            ops.push(Op::UseXobject {
                                id: id.clone(),
                                transform: XObjectTransform {
                                    translate_x: Some(Pt(pt(*x))),
                                    translate_y: Some(Pt(h_pt - pt(*y + *h))),
                                    scale_x: Some(pt(*w) / *pw as f32),
                                    scale_y: Some(pt(*h) / *ph as f32),
                                    dpi: Some(72.0),
                                    ..Default::default()
                                },
                            });
                        }
                    }
                    Item::Text {
                        x_pt,
                        baseline_pt,
                        size,
                        colour,
                        line,
                    } => {
                        text_ops(
                            &mut ops,
                            &fonts,
                            *x_pt,
                            h_pt - baseline_pt,
                            *size,
                            *colour,
                            line,
                        );
                    }
                }
            }
            pages.push(PdfPage::new(Mm(page.w), Mm(page.h), ops));
        }
        if pages.is_empty() {
            return Err(Error::InvalidInput("document has no pages".into()));
        }
        doc.with_pages(pages);
        // printpdf compresses with the slowest zlib level; level 6 is several times faster for a few % of size.
        let opts = PdfSaveOptions {
            subset_fonts: false,
            optimize: false,
            ..PdfSaveOptions::default()
        };
        let mut warnings = Vec::new();
        let mut lo = doc.to_lopdf_document(&opts, &mut warnings);
        for object in lo.objects.values_mut() {
            if let lopdf::Object::Stream(stream) = object
                && stream.dict.get(b"Filter").is_err()
            {
                let mut enc =
                    flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(6));
                if std::io::Write::write_all(&mut enc, &stream.content).is_ok()
                    && let Ok(packed) = enc.finish()
                    && packed.len() + 19 < stream.content.len()
                {
                    stream.dict.set("Filter", "FlateDecode");
                    stream.set_content(packed);
                }
            }
        }
        let mut out = Vec::new();
        lo.save_to(&mut out)
            .map_err(|e| Error::Io(std::io::Error::other(e.to_string())))?;
        Ok(out)
    }
}

/// Recently made subsets: timesheets and badges of one site use nearly the same glyphs every time, and
/// subsetting a 500 KB font is the most expensive step of a small document.
type SubsetCache = Vec<((usize, Vec<u16>), Arc<(ParsedFont, BTreeMap<u16, u16>)>)>;
const SUBSET_CACHE_SIZE: usize = 32;

fn subset_font(key: usize, gids: Vec<u16>) -> Result<(ParsedFont, BTreeMap<u16, u16>)> {
    static CACHE: OnceLock<Mutex<SubsetCache>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(Vec::new()));
    let cache_key = (key, gids);
    if let Ok(c) = cache.lock()
        && let Some((_, hit)) = c.iter().find(|(k, _)| *k == cache_key)
    {
        return Ok((hit.0.clone(), hit.1.clone()));
    }
    let face = library()
        .face(key)
        .ok_or_else(|| Error::Font(format!("font {key} is unavailable")))?;
    let mut remapper = subsetter::GlyphRemapper::new();
    let mut remap = BTreeMap::new();
    for &gid in &cache_key.1 {
        remap.insert(gid, remapper.remap(gid));
    }
    let bytes = subsetter::subset(face.data, 0, &remapper)
        .map_err(|e| Error::Font(format!("subsetting {}: {e:?}", face.name)))?;
    let mut warnings = Vec::new();
    let parsed = ParsedFont::from_bytes(&bytes, 0, &mut warnings)
        .ok_or_else(|| Error::Font(format!("subset of {} does not parse", face.name)))?;
    let entry = Arc::new((parsed, remap));
    if let Ok(mut c) = cache.lock() {
        if c.len() >= SUBSET_CACHE_SIZE {
            c.remove(0);
        }
        c.push((cache_key, Arc::clone(&entry)));
    }
    Ok((entry.0.clone(), entry.1.clone()))
}

type FontSlots = [Option<(printpdf::FontId, BTreeMap<u16, u16>)>];

fn text_ops(
    ops: &mut Vec<Op>,
    fonts: &FontSlots,
    x: f32,
    y: f32,
    size: f32,
    colour: Colour,
    line: &ShapedLine,
) {
    let lib = library();
    let mut pen = x;
    ops.push(Op::StartTextSection);
    ops.push(Op::SetFillColor { col: colour.pdf() });
    for run in &line.runs {
        let Some(Some((id, remap))) = fonts.get(run.font) else {
            continue;
        };
        let Some(face) = lib.face(run.font) else {
            continue;
        };
        let scale = 1000.0 / face.units_per_em;
        ops.push(Op::SetFont {
            font: PdfFontHandle::External(id.clone()),
            size: Pt(size),
        });
        // Glyphs on the baseline go in one TJ array whose numbers correct hmtx advances to shaped ones;
        // glyphs raised or lowered by the shaper (marks) get their own position.
        let mut batch: Vec<printpdf::Codepoint> = Vec::new();
        let mut batch_start = pen;
        let flush = |ops: &mut Vec<Op>, batch: &mut Vec<printpdf::Codepoint>, start: f32| {
            if !batch.is_empty() {
                ops.push(Op::SetTextMatrix {
                    matrix: TextMatrix::Translate(Pt(start), Pt(y)),
                });
                ops.push(Op::ShowText {
                    items: vec![TextItem::GlyphIds(std::mem::take(batch))],
                });
            }
        };
        for g in &run.glyphs {
            let Glyph {
                gid,
                advance,
                x_off,
                y_off,
                text,
            } = g;
            let new_gid = remap.get(gid).copied().unwrap_or(0);
            let hmtx = f32::from(face.advance(*gid)) * scale;
            let cid = Some(if text.is_empty() {
                "\u{200B}".to_string()
            } else {
                text.clone()
            });
            if y_off.abs() > 0.5 || x_off.abs() > 0.5 {
                flush(ops, &mut batch, batch_start);
                let gx = pen + x_off * size / 1000.0;
                let gy = y + y_off * size / 1000.0;
                ops.push(Op::SetTextMatrix {
                    matrix: TextMatrix::Translate(Pt(gx), Pt(gy)),
                });
                ops.push(Op::ShowText {
                    items: vec![TextItem::GlyphIds(vec![printpdf::Codepoint {
                        gid: new_gid,
                        offset: 0.0,
                        cid,
                    }])],
                });
                pen += advance * size / 1000.0;
                batch_start = pen;
                continue;
            }
            batch.push(printpdf::Codepoint {
                gid: new_gid,
                offset: hmtx - advance,
                cid,
            });
            pen += advance * size / 1000.0;
        }
        flush(ops, &mut batch, batch_start);
    }
    ops.push(Op::EndTextSection);
}
