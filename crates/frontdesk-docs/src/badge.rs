//! Visitor badges: one PDF page per visit on common label stock.
//!
//! The layout adapts to the stock: landscape labels put the photo left and the text right, portrait
//! stock stacks them, and small labels (under 40 mm tall) drop the photo. Long names shrink, then wrap,
//! and only as a last resort are cut with an ellipsis (reported as a warning) — text never leaves its box.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::fonts::Weight;
use crate::pdf::{Align, Canvas, Colour, pt};
use crate::text::{ShapedLine, Uncovered, fit};
use crate::{Error, Rendered, Result, Warning, photo};

/// Label and card stock.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BadgeSize {
    /// Brother QL 62 mm tape, 100 mm long (DK-11202 and continuous tape).
    BrotherQl62x100,
    /// Brother QL 62 × 29 mm address label (DK-11209).
    BrotherQl62x29,
    /// DYMO LabelWriter 54 × 101 mm shipping/name badge label (S0722430).
    Dymo54x101,
    /// CR80 card, 54 × 85.6 mm (credit-card size).
    Cr80,
    /// A6 sheet, 105 × 148 mm, portrait.
    A6,
    /// Any size in millimetres (20–300 mm per side); landscape when wider than tall.
    Custom { width_mm: f32, height_mm: f32 },
}

impl BadgeSize {
    /// Page size as designed (width, height) in millimetres.
    pub fn page_mm(self) -> (f32, f32) {
        match self {
            BadgeSize::BrotherQl62x100 => (100.0, 62.0),
            BadgeSize::BrotherQl62x29 => (62.0, 29.0),
            BadgeSize::Dymo54x101 => (101.0, 54.0),
            BadgeSize::Cr80 => (85.6, 54.0),
            BadgeSize::A6 => (105.0, 148.0),
            BadgeSize::Custom {
                width_mm,
                height_mm,
            } => (width_mm, height_mm),
        }
    }

    /// The CUPS `media` option for this stock (driver-independent custom size, width × length as the
    /// page is laid out).
    pub fn cups_media(self) -> String {
        match self {
            BadgeSize::A6 => "A6".to_string(),
            other => {
                let (w, h) = other.page_mm();
                format!("Custom.{}x{}mm", fmt_mm(w), fmt_mm(h))
            }
        }
    }

    /// All presets, for settings screens.
    pub fn presets() -> [BadgeSize; 5] {
        [
            BadgeSize::BrotherQl62x100,
            BadgeSize::BrotherQl62x29,
            BadgeSize::Dymo54x101,
            BadgeSize::Cr80,
            BadgeSize::A6,
        ]
    }

    fn validate(self) -> Result<(f32, f32)> {
        let (w, h) = self.page_mm();
        let ok = |v: f32| v.is_finite() && (20.0..=300.0).contains(&v);
        if ok(w) && ok(h) {
            Ok((w, h))
        } else {
            Err(Error::InvalidInput(format!(
                "badge size {w}×{h} mm is outside 20–300 mm"
            )))
        }
    }
}

fn fmt_mm(v: f32) -> String {
    if (v - v.round()).abs() < 0.01 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.1}")
    }
}

/// Words printed on the badge, so sites can translate them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BadgeLabels {
    pub host: String,
    pub valid_until: String,
    pub scan_to_sign_out: String,
}

impl Default for BadgeLabels {
    fn default() -> Self {
        BadgeLabels {
            host: "Host".into(),
            valid_until: "Valid until".into(),
            scan_to_sign_out: "Scan to sign out".into(),
        }
    }
}

/// Everything a badge shows. Text is free-form user input: it is sanitised, never interpreted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BadgeData {
    pub visitor_name: String,
    pub company: Option<String>,
    pub host_name: Option<String>,
    /// JPEG or PNG; a missing or unreadable photo prints a placeholder and a warning.
    pub photo: Option<Vec<u8>>,
    pub valid_from: DateTime<Utc>,
    pub valid_until: DateTime<Utc>,
    /// The site's time zone, for the printed date and times.
    pub tz: Tz,
    pub site_name: String,
    /// JPEG or PNG logo.
    pub logo: Option<Vec<u8>>,
    /// Visitor type, e.g. "VISITOR", "CONTRACTOR".
    pub band_label: String,
    pub band_colour: Colour,
    /// Encoded in the QR code; scanning it at the kiosk signs the visitor out.
    pub qr_payload: String,
    /// Visit or badge number, printed small.
    pub badge_number: Option<String>,
    pub size: BadgeSize,
    pub labels: BadgeLabels,
}

struct Ctx {
    canvas: Canvas,
    warnings: Vec<Warning>,
}

impl Ctx {
    /// Fits `text` into the box and draws it; returns the height used in mm.
    #[allow(clippy::too_many_arguments)]
    fn text(
        &mut self,
        field: &str,
        text: &str,
        weight: Weight,
        (x, y, w, h): (f32, f32, f32, f32),
        max_lines: usize,
        (max_size, min_size): (f32, f32),
        align: Align,
        colour: Colour,
    ) -> f32 {
        if text.trim().is_empty() || w <= 0.0 || h <= 0.0 {
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
        if !missing.0.is_empty() {
            self.warnings.push(Warning::UncoveredCharacters {
                field: field.into(),
                chars: missing.0,
            });
        }
        if fitted.truncated {
            self.warnings.push(Warning::Truncated {
                field: field.into(),
            });
        }
        draw_lines(
            &mut self.canvas,
            fitted.lines,
            fitted.size,
            (x, y, w),
            align,
            colour,
        )
    }

    fn photo(&mut self, bytes: Option<&[u8]>, (x, y, w, h): (f32, f32, f32, f32)) {
        let reason = match bytes {
            None => None,
            Some(b) => match photo::load(b, Some(w / h), 480) {
                Ok(pic) => {
                    self.canvas.image(pic, x, y, w, h);
                    self.canvas.stroke_rect(x, y, w, h, Colour::GREY, 0.5);
                    return;
                }
                Err(e) => Some(e.to_string()),
            },
        };
        if let Some(reason) = reason {
            self.warnings.push(Warning::PhotoUnusable { reason });
        }
        // Placeholder: a light frame with a simple head-and-shoulders silhouette.
        self.canvas.fill(
            x,
            y,
            w,
            h,
            Colour {
                r: 236,
                g: 238,
                b: 241,
            },
        );
        let c = Colour {
            r: 190,
            g: 195,
            b: 202,
        };
        let head = w.min(h) * 0.36;
        self.canvas
            .fill(x + (w - head) / 2.0, y + h * 0.2, head, head, c);
        self.canvas.fill(
            x + w * 0.18,
            y + h * 0.2 + head * 1.15,
            w * 0.64,
            h - h * 0.2 - head * 1.15,
            c,
        );
        self.canvas.stroke_rect(x, y, w, h, Colour::GREY, 0.5);
    }

    fn qr(&mut self, payload: &str, (x, y, side): (f32, f32, f32)) -> Result<()> {
        let code = crate::qr::dark_runs(payload)?;
        let quiet = 2;
        let module = side / (code.width + 2 * quiet) as f32;
        self.canvas.fill(x, y, side, side, Colour::WHITE);
        for &(row, start, len) in &code.runs {
            let mx = x + (start + quiet) as f32 * module;
            let my = y + (row + quiet) as f32 * module;
            // A hair of overlap avoids white seams between modules in some viewers.
            self.canvas
                .fill(mx, my, len as f32 * module, module + 0.02, Colour::BLACK);
        }
        Ok(())
    }

    fn band(&mut self, label: &str, colour: Colour, (x, y, w, h): (f32, f32, f32, f32)) {
        self.canvas.fill(x, y, w, h, colour);
        let inset = h * 0.18;
        self.text(
            "band_label",
            &label.to_uppercase(),
            Weight::Bold,
            (x + w * 0.22, y + inset, w * 0.56, h - 2.0 * inset),
            1,
            (pt(h) * 0.62, 4.0),
            Align::Centre,
            colour.contrasting(),
        );
    }

    fn header(&mut self, site: &str, logo: Option<&[u8]>, (x, y, w, h): (f32, f32, f32, f32)) {
        let mut text_x = x;
        if let Some(bytes) = logo {
            match photo::load(bytes, None, 300) {
                Ok(pic) => {
                    let aspect = pic.width as f32 / pic.height.max(1) as f32;
                    let lw = (h * aspect).min(w * 0.4);
                    let lh = lw / aspect;
                    self.canvas.image(pic, x, y + (h - lh) / 2.0, lw, lh);
                    text_x = x + lw + 1.5;
                }
                Err(e) => self.warnings.push(Warning::PhotoUnusable {
                    reason: format!("logo: {e}"),
                }),
            }
        }
        self.text(
            "site_name",
            site,
            Weight::Bold,
            (text_x, y, x + w - text_x, h),
            1,
            (pt(h) * 0.8, 4.0),
            Align::Left,
            Colour::GREY,
        );
    }
}

/// Stacks shaped lines from `y` down; returns the height used in mm.
pub(crate) fn draw_lines(
    canvas: &mut Canvas,
    lines: Vec<ShapedLine>,
    size: f32,
    (x, y, w): (f32, f32, f32),
    align: Align,
    colour: Colour,
) -> f32 {
    let size_mm = size / pt(1.0);
    let mut top = y;
    for line in lines {
        let h = line.height_em() * size_mm;
        // Centre the glyphs' ascent+descent in the line box.
        let extra = (h - (line.ascent + line.descent) * size_mm) / 2.0;
        let baseline = top + extra + line.ascent * size_mm;
        canvas.text_line(line, size, x, w, baseline, align, colour);
        top += h;
    }
    top - y
}

fn date_lines(data: &BadgeData) -> (String, String) {
    let from = data.valid_from.with_timezone(&data.tz);
    let until = data.valid_until.with_timezone(&data.tz);
    let date = from.format("%a %-d %b %Y").to_string();
    let until_text = if until.date_naive() == from.date_naive() {
        until.format("%H:%M").to_string()
    } else {
        until.format("%-d %b %Y %H:%M").to_string()
    };
    (date, format!("{} {until_text}", data.labels.valid_until))
}

/// Renders one badge as a one-page PDF.
///
/// Errors only on input no badge can be made from (impossible size, QR payload too long, validity ending
/// before it starts); a bad photo, uncovered characters or over-long text produce warnings instead.
pub fn render_badge(data: &BadgeData) -> Result<Rendered> {
    let (w, h) = data.size.validate()?;
    if data.valid_until < data.valid_from {
        return Err(Error::InvalidInput(
            "badge validity ends before it starts".into(),
        ));
    }
    if data.qr_payload.is_empty() {
        return Err(Error::InvalidInput("badge QR payload is empty".into()));
    }
    let mut ctx = Ctx {
        canvas: Canvas::new("Visitor badge"),
        warnings: Vec::new(),
    };
    ctx.canvas.page(w, h);
    let (date, until) = date_lines(data);
    let host = data
        .host_name
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(|s| format!("{}: {s}", data.labels.host));
    let company = data.company.as_deref().unwrap_or("");
    let m = (w.min(h) * 0.05).clamp(2.0, 6.0);
    let band_h = (h * 0.15).clamp(5.0, 14.0);
    ctx.band(
        &data.band_label,
        data.band_colour,
        (0.0, h - band_h, w, band_h),
    );
    let content_h = h - band_h - 2.0 * m;

    if w >= h && h < 40.0 {
        // Small label: no photo; name, company and host left, QR right.
        let q = content_h.min(w * 0.35);
        ctx.qr(&data.qr_payload, (w - m - q, m, q))?;
        let tw = w - 3.0 * m - q;
        let mut y = m;
        y += ctx.text(
            "visitor_name",
            &data.visitor_name,
            Weight::Bold,
            (m, y, tw, content_h * 0.55),
            3,
            (16.0, 5.0),
            Align::Left,
            Colour::BLACK,
        );
        y += ctx.text(
            "company",
            company,
            Weight::Regular,
            (m, y, tw, (m + content_h - y).min(content_h * 0.25)),
            1,
            (8.0, 4.0),
            Align::Left,
            Colour::BLACK,
        );
        if let Some(host) = &host {
            ctx.text(
                "host_name",
                host,
                Weight::Regular,
                (m, y, tw, (m + content_h - y).max(0.0)),
                1,
                (7.0, 4.0),
                Align::Left,
                Colour::GREY,
            );
        }
    } else if w >= h {
        // Landscape: photo left, text right, QR bottom right.
        let header_h = content_h * 0.13;
        ctx.header(
            &data.site_name,
            data.logo.as_deref(),
            (m, m, w - 2.0 * m, header_h),
        );
        let top = m + header_h + m * 0.5;
        let body_h = m + content_h - top;
        let ph = body_h;
        let pw = (ph * 0.75).min(w * 0.3);
        ctx.photo(data.photo.as_deref(), (m, top, pw, ph));
        let x0 = m + pw + m;
        let tw = w - m - x0;
        let q = (body_h * 0.6).min(tw * 0.42);
        let mut y = top;
        y += ctx.text(
            "visitor_name",
            &data.visitor_name,
            Weight::Bold,
            (x0, y, tw, body_h * 0.45),
            3,
            (pt(h) * 0.13, 6.0),
            Align::Left,
            Colour::BLACK,
        );
        let small_w = tw - q - m * 0.5;
        let line_h = (body_h - (y - top)) / 4.0;
        let small = (pt(line_h) * 0.75).min(pt(h) * 0.055);
        let fields: [(&str, &str, Weight, Colour); 4] = [
            ("company", company, Weight::Regular, Colour::BLACK),
            (
                "host_name",
                host.as_deref().unwrap_or(""),
                Weight::Regular,
                Colour::BLACK,
            ),
            ("date", &date, Weight::Regular, Colour::GREY),
            ("valid_until", &until, Weight::Bold, Colour::BLACK),
        ];
        for (field, text, weight, colour) in fields {
            let used = ctx.text(
                field,
                text,
                weight,
                (x0, y, small_w, line_h),
                1,
                (small, 4.0),
                Align::Left,
                colour,
            );
            y += used.max(line_h * 0.5).min(line_h);
        }
        ctx.qr(&data.qr_payload, (w - m - q, m + content_h - q, q))?;
    } else {
        // Portrait: header, photo centred, name, details, QR bottom right.
        let header_h = content_h * 0.07;
        ctx.header(
            &data.site_name,
            data.logo.as_deref(),
            (m, m, w - 2.0 * m, header_h),
        );
        let mut y = m + header_h + m;
        let ph = content_h * 0.36;
        let pw = (ph * 0.75).min(w - 2.0 * m);
        ctx.photo(data.photo.as_deref(), ((w - pw) / 2.0, y, pw, ph));
        y += ph + m;
        let tw = w - 2.0 * m;
        y += ctx.text(
            "visitor_name",
            &data.visitor_name,
            Weight::Bold,
            (m, y, tw, content_h * 0.2),
            3,
            (pt(w) * 0.11, 6.0),
            Align::Centre,
            Colour::BLACK,
        );
        y += ctx.text(
            "company",
            company,
            Weight::Regular,
            (m, y, tw, content_h * 0.07),
            2,
            (pt(w) * 0.055, 5.0),
            Align::Centre,
            Colour::BLACK,
        );
        let q = (m + content_h - y - m).min(w * 0.32).max(10.0);
        let qy = m + content_h - q;
        let line_h = (q / 3.0).min(content_h * 0.05);
        let small = pt(line_h) * 0.7;
        let details_w = w - 3.0 * m - q;
        let mut dy = qy;
        for (field, text, weight) in [
            ("host_name", host.as_deref().unwrap_or(""), Weight::Regular),
            ("date", date.as_str(), Weight::Regular),
            ("valid_until", until.as_str(), Weight::Bold),
        ] {
            dy += ctx
                .text(
                    field,
                    text,
                    weight,
                    (m, dy, details_w, line_h),
                    1,
                    (small, 4.0),
                    Align::Left,
                    Colour::BLACK,
                )
                .max(line_h * 0.5);
        }
        ctx.qr(&data.qr_payload, (w - m - q, qy, q))?;
    }
    if let Some(number) = data
        .badge_number
        .as_deref()
        .filter(|s| !s.trim().is_empty())
    {
        // Small, in the band's right corner, clear of the centred label.
        let bh = band_h * 0.45;
        ctx.text(
            "badge_number",
            number,
            Weight::Regular,
            (w * 0.8, h - band_h + (band_h - bh) / 2.0, w * 0.2 - m, bh),
            1,
            (pt(bh) * 0.7, 3.5),
            Align::Right,
            data.band_colour.contrasting(),
        );
    }
    let bytes = ctx.canvas.finish()?;
    Ok(Rendered {
        bytes,
        warnings: ctx.warnings,
    })
}
