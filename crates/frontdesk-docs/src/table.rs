//! Flowing A4 documents: headings, paragraphs and tables that break across pages with repeated headers,
//! plus "page i of n" footers. Used by timesheets and reports.

use crate::Warning;
use crate::badge::draw_lines;
use crate::fonts::Weight;
use crate::pdf::{Align, Canvas, Colour, pt};
use crate::text::{Uncovered, fit, lines_height};

pub(crate) const A4: (f32, f32) = (210.0, 297.0);
pub(crate) const A4_LANDSCAPE: (f32, f32) = (297.0, 210.0);

pub(crate) struct Column {
    pub title: &'static str,
    pub width: f32,
    pub align: Align,
}

#[derive(Clone)]
pub(crate) struct Cell {
    pub text: String,
    pub weight: Weight,
    pub colour: Colour,
}

impl Cell {
    pub fn new(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            weight: Weight::Regular,
            colour: Colour::BLACK,
        }
    }

    pub fn bold(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            weight: Weight::Bold,
            colour: Colour::BLACK,
        }
    }

    pub fn colour(mut self, colour: Colour) -> Cell {
        self.colour = colour;
        self
    }
}

pub(crate) struct Row {
    pub cells: Vec<Cell>,
    pub fill: Option<Colour>,
}

pub(crate) struct FlowDoc {
    pub canvas: Canvas,
    pub warnings: Vec<Warning>,
    pub w: f32,
    pub h: f32,
    pub margin: f32,
    pub y: f32,
    footer: String,
    /// Page index where the current section (e.g. one employee) began, for per-section numbering.
    pages: usize,
}

const CELL_PAD: f32 = 1.2;
pub(crate) const TABLE_SIZE: f32 = 8.0;

impl FlowDoc {
    pub fn new(title: &str, (w, h): (f32, f32), footer: &str) -> FlowDoc {
        let mut doc = FlowDoc {
            canvas: Canvas::new(title),
            warnings: Vec::new(),
            w,
            h,
            margin: 14.0,
            y: 0.0,
            footer: footer.to_string(),
            pages: 0,
        };
        doc.new_page();
        doc
    }

    pub fn content_w(&self) -> f32 {
        self.w - 2.0 * self.margin
    }

    pub fn bottom(&self) -> f32 {
        self.h - self.margin - 6.0
    }

    pub fn new_page(&mut self) {
        self.canvas.page(self.w, self.h);
        self.pages += 1;
        self.y = self.margin;
    }

    pub fn set_footer(&mut self, footer: &str) {
        self.footer = footer.to_string();
    }

    /// Ensures `h` mm are free on the page, starting a new page otherwise; true if a page was started.
    pub fn ensure(&mut self, h: f32) -> bool {
        if self.y + h > self.bottom() {
            self.footer_now();
            self.new_page();
            true
        } else {
            false
        }
    }

    /// Draws the footer of the current page (called when the page is full or the document ends).
    pub fn footer_now(&mut self) {
        let footer = format!("{} · page {}", self.footer, self.pages);
        let (x, w, y) = (self.margin, self.content_w(), self.h - self.margin);
        self.text_box(
            &footer,
            Weight::Regular,
            (x, y - 3.0, w, 4.0),
            1,
            (7.0, 5.0),
            Align::Right,
            Colour::GREY,
            "footer",
        );
    }

    /// Fits and draws text in a box; returns the height used (mm).
    #[allow(clippy::too_many_arguments)]
    pub fn text_box(
        &mut self,
        text: &str,
        weight: Weight,
        (x, y, w, h): (f32, f32, f32, f32),
        max_lines: usize,
        (max_size, min_size): (f32, f32),
        align: Align,
        colour: Colour,
        field: &str,
    ) -> f32 {
        if text.trim().is_empty() || w <= 0.0 {
            return 0.0;
        }
        let mut missing = Uncovered::default();
        let fitted = fit(
            text,
            weight,
            pt(w),
            pt(h),
            max_lines,
            max_size,
            min_size,
            &mut missing,
        );
        self.note(field, missing, fitted.truncated);
        draw_lines(
            &mut self.canvas,
            fitted.lines,
            fitted.size,
            (x, y, w),
            align,
            colour,
        )
    }

    fn note(&mut self, field: &str, missing: Uncovered, truncated: bool) {
        if !missing.0.is_empty() {
            match self.warnings.iter_mut().find_map(|w| match w {
                Warning::UncoveredCharacters { field: f, chars } if f == field => Some(chars),
                _ => None,
            }) {
                Some(chars) => {
                    for c in missing.0 {
                        if !chars.contains(&c) {
                            chars.push(c);
                        }
                    }
                }
                None => self.warnings.push(Warning::UncoveredCharacters {
                    field: field.into(),
                    chars: missing.0,
                }),
            }
        }
        if truncated
            && !self
                .warnings
                .iter()
                .any(|w| matches!(w, Warning::Truncated { field: f } if f == field))
        {
            self.warnings.push(Warning::Truncated {
                field: field.into(),
            });
        }
    }

    /// A paragraph across the content width, wrapping as needed.
    pub fn para(&mut self, text: &str, weight: Weight, size: f32, colour: Colour) {
        let line_h = size / pt(1.0) * 1.5;
        self.ensure(line_h);
        let (x, w) = (self.margin, self.content_w());
        let used = self.text_box(
            text,
            weight,
            (x, self.y, w, line_h * 6.0),
            6,
            (size, size * 0.7),
            Align::Left,
            colour,
            "text",
        );
        self.y += used.max(line_h * 0.8);
    }

    pub fn gap(&mut self, mm: f32) {
        self.y += mm;
    }

    fn header_row(&mut self, cols: &[Column]) {
        let h = 6.0;
        let x0 = self.margin;
        let total: f32 = cols.iter().map(|c| c.width).sum();
        self.canvas.fill(
            x0,
            self.y,
            total,
            h,
            Colour {
                r: 52,
                g: 64,
                b: 84,
            },
        );
        let mut x = x0;
        for c in cols {
            self.text_box(
                c.title,
                Weight::Bold,
                (
                    x + CELL_PAD,
                    self.y + 0.9,
                    c.width - 2.0 * CELL_PAD,
                    h - 1.8,
                ),
                1,
                (TABLE_SIZE, 5.0),
                c.align,
                Colour::WHITE,
                "header",
            );
            x += c.width;
        }
        self.y += h;
    }

    /// Draws a table; rows that do not fit move to a new page under a repeated header.
    pub fn table(&mut self, cols: &[Column], rows: impl IntoIterator<Item = Row>) {
        self.ensure(14.0);
        self.header_row(cols);
        let total: f32 = cols.iter().map(|c| c.width).sum();
        for row in rows {
            // Fit each cell (up to two lines), then size the row to its tallest cell.
            let mut fitted = Vec::with_capacity(cols.len());
            let mut row_h: f32 = 0.0;
            for (c, cell) in cols.iter().zip(&row.cells) {
                let mut missing = Uncovered::default();
                let f = fit(
                    &cell.text,
                    cell.weight,
                    pt(c.width - 2.0 * CELL_PAD),
                    pt(9.0),
                    2,
                    TABLE_SIZE,
                    5.0,
                    &mut missing,
                );
                self.note(c.title, missing, f.truncated);
                row_h = row_h.max(lines_height(&f.lines, f.size) / pt(1.0));
                fitted.push(f);
            }
            let row_h = row_h.max(3.5) + 2.0 * CELL_PAD * 0.6;
            if self.ensure(row_h) {
                self.header_row(cols);
            }
            if let Some(fill) = row.fill {
                self.canvas.fill(self.margin, self.y, total, row_h, fill);
            }
            let mut x = self.margin;
            for ((c, cell), f) in cols.iter().zip(&row.cells).zip(fitted) {
                let text_h = lines_height(&f.lines, f.size) / pt(1.0);
                let top = self.y + (row_h - text_h) / 2.0;
                draw_lines(
                    &mut self.canvas,
                    f.lines,
                    f.size,
                    (x + CELL_PAD, top, c.width - 2.0 * CELL_PAD),
                    c.align,
                    cell.colour,
                );
                x += c.width;
            }
            self.y += row_h;
            self.canvas.line(
                self.margin,
                self.y,
                self.margin + total,
                self.y,
                Colour::LIGHT,
                0.4,
            );
        }
    }

    pub fn finish(mut self) -> crate::Result<crate::Rendered> {
        self.footer_now();
        let bytes = self.canvas.finish()?;
        Ok(crate::Rendered {
            bytes,
            warnings: self.warnings,
        })
    }
}
