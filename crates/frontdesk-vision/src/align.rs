//! Cutting the face chip the descriptor was trained on.
//!
//! dlib's ResNet descriptor was trained on dlib's own chips: 150x150 pixels, padding 0.25, cut
//! with a similarity transform fitted to dlib's 5-point landmarks (eye corners and the base of
//! the nose). The default, [`Alignment::DlibShape`], reproduces that pipeline: dlib's 5-point
//! shape predictor ([`crate::shape`]) runs inside the box dlib's HOG detector would have given
//! for the YuNet face ([`crate::shape::hog_box`]), and the chip is cut as dlib's
//! `get_face_chip_details(shape, 150, 0.25)` + `extract_image_chip` do ([`face_chip_details`],
//! [`extract_chip`]: same template, same rectangle, same image pyramid, same bilinear sampling).
//!
//! The older alignments fit YuNet's own five points (eye centres, nose tip, mouth corners:
//! different anatomical points) to [`YUNET_IN_DLIB_CHIP`], where YuNet's points fall on average
//! inside dlib's chips (`tools/dlib_reference.py template`), by weighted least squares: eyes 1,
//! nose tip 0.5, mouth corners 0. They need no landmark model and are kept for comparison; on
//! the development pairs they trail dlib's own pipeline (see the crate README).

use image::{Rgb, RgbImage};

use crate::detect::Face;
use crate::geometry::{Point, Similarity};
use crate::models::ModelSource;
use crate::shape::{self, ShapePredictor};

/// Side of the chip in pixels.
pub const CHIP_SIZE: u32 = 150;

/// Where YuNet's landmarks (image-left eye, image-right eye, nose tip, image-left mouth corner,
/// image-right mouth corner) fall inside dlib's 150x150 chip with padding 0.25: the mean over
/// 792 faces-dev photos where dlib (HOG + 5-point predictor) and YuNet found the same face.
pub const YUNET_IN_DLIB_CHIP: [Point; 5] = [
    Point::new(47.449, 45.174),
    Point::new(102.813, 45.692),
    Point::new(74.712, 77.331),
    Point::new(51.548, 101.520),
    Point::new(98.869, 101.823),
];

/// Midpoints of the eye corners of dlib's 5-point template (chip size 150, padding 0.25): the
/// target of the plain two-eye transform, kept for comparison.
pub const DLIB_EYE_CENTRES: [Point; 2] = [Point::new(47.733, 47.140), Point::new(100.281, 47.123)];

/// Weights of YuNet's points in the default fit: eyes, nose tip, mouth corners.
pub const TEMPLATE_WEIGHTS: [f32; 5] = [1.0, 1.0, 0.5, 0.0, 0.0];

/// dlib's 5-point chip template (`get_face_chip_details`): where dlib's landmarks (image-right
/// eye outer and inner corner, image-left eye outer and inner corner, nose base) go, in units of
/// the unpadded chip side.
pub const DLIB_TEMPLATE: [[f64; 2]; 5] = [
    [0.8595674595992, 0.2134981538014],
    [0.6460604764104, 0.2289674387677],
    [0.1205750620789, 0.2137274526848],
    [0.3340850613712, 0.2290642403242],
    [0.4901123135679, 0.6277975316475],
];

/// The padding dlib's descriptor expects around the template (fraction of the chip side).
pub const CHIP_PADDING: f64 = 0.25;

/// Which landmarks drive the alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Alignment {
    /// dlib's 5-point shape predictor in the HOG-style box derived from YuNet's face, chip cut
    /// exactly as dlib cuts it (default).
    #[default]
    DlibShape,
    /// dlib's shape predictor run directly in YuNet's box (for comparison).
    DlibShapeYunetBox,
    /// YuNet's eyes and nose fitted to [`YUNET_IN_DLIB_CHIP`] with [`TEMPLATE_WEIGHTS`].
    FivePoint,
    /// All five points with equal weights.
    FivePointEqual,
    /// Only the eyes, mapped to [`DLIB_EYE_CENTRES`].
    TwoEye,
}

/// Cuts chips for one [`Alignment`]; owns dlib's landmark model (parsed once).
#[derive(Debug, Clone)]
pub struct Aligner {
    alignment: Alignment,
    predictor: ShapePredictor,
}

impl Aligner {
    pub fn load(source: &ModelSource, alignment: Alignment) -> crate::Result<Self> {
        Ok(Self {
            alignment,
            predictor: ShapePredictor::load(source)?,
        })
    }

    pub fn alignment(&self) -> Alignment {
        self.alignment
    }

    pub fn predictor(&self) -> &ShapePredictor {
        &self.predictor
    }

    /// dlib's five landmarks for this face, rounded to whole pixels as dlib returns them.
    pub fn dlib_landmarks(&self, image: &RgbImage, face: &Face) -> Vec<Point> {
        let rect = match self.alignment {
            Alignment::DlibShapeYunetBox => shape::yunet_box(face),
            _ => shape::hog_box(face),
        };
        self.predictor
            .predict(image, &rect)
            .into_iter()
            .map(|p| Point::new((p.x + 0.5).floor(), (p.y + 0.5).floor()))
            .collect()
    }

    /// The 150x150 RGB chip for `face`; `None` when the landmarks are degenerate.
    pub fn chip(&self, image: &RgbImage, face: &Face) -> Option<RgbImage> {
        match self.alignment {
            Alignment::DlibShape | Alignment::DlibShapeYunetBox => {
                let parts = self.dlib_landmarks(image, face);
                let details = face_chip_details(&parts, CHIP_SIZE, CHIP_PADDING)?;
                Some(extract_chip(image, &details))
            }
            other => chip(image, face, other),
        }
    }
}

/// The transform taking chip pixels to image pixels for this face, for the alignments that use
/// YuNet's own points (`None` for the dlib-landmark ones: use [`Aligner`]).
pub fn chip_transform(face: &Face, alignment: Alignment) -> Option<Similarity> {
    match alignment {
        Alignment::DlibShape | Alignment::DlibShapeYunetBox => None,
        Alignment::FivePoint => {
            Similarity::fit_weighted(&YUNET_IN_DLIB_CHIP, &face.landmarks, &TEMPLATE_WEIGHTS)
        }
        Alignment::FivePointEqual => Similarity::fit(&YUNET_IN_DLIB_CHIP, &face.landmarks),
        Alignment::TwoEye => Similarity::fit(&DLIB_EYE_CENTRES, &face.landmarks[..2]),
    }
}

/// Cuts the 150x150 RGB chip for `face` out of `image` with one of the YuNet-point alignments
/// (`None` for the dlib-landmark ones: use [`Aligner`]). Pixels outside the image are black (as
/// in dlib).
pub fn chip(image: &RgbImage, face: &Face, alignment: Alignment) -> Option<RgbImage> {
    let t = chip_transform(face, alignment)?;
    Some(warp(image, &t, CHIP_SIZE))
}

/// Samples `image` at `t(u, v)` for every chip pixel `(u, v)`. When the face is more than
/// 1.5 times larger than the chip, the face's region is first shrunk with a triangle filter
/// so that bilinear sampling does not alias (dlib uses an image pyramid for the same reason).
pub fn warp(image: &RgbImage, t: &Similarity, size: u32) -> RgbImage {
    let scale = t.scale();
    if scale > 1.5 {
        // Bounding box of the chip in the image, one pixel of margin for bilinear sampling.
        let s = size as f32;
        let corners =
            [(0.0, 0.0), (s, 0.0), (0.0, s), (s, s)].map(|(u, v)| t.apply(Point::new(u, v)));
        let x0 = corners
            .iter()
            .map(|p| p.x)
            .fold(f32::INFINITY, f32::min)
            .floor()
            - 1.0;
        let y0 = corners
            .iter()
            .map(|p| p.y)
            .fold(f32::INFINITY, f32::min)
            .floor()
            - 1.0;
        let x1 = corners
            .iter()
            .map(|p| p.x)
            .fold(f32::NEG_INFINITY, f32::max)
            .ceil()
            + 1.0;
        let y1 = corners
            .iter()
            .map(|p| p.y)
            .fold(f32::NEG_INFINITY, f32::max)
            .ceil()
            + 1.0;
        let cx0 = x0.max(0.0).min(image.width() as f32) as u32;
        let cy0 = y0.max(0.0).min(image.height() as f32) as u32;
        let cx1 = x1.max(0.0).min(image.width() as f32) as u32;
        let cy1 = y1.max(0.0).min(image.height() as f32) as u32;
        if cx1 > cx0 + 1 && cy1 > cy0 + 1 {
            let crop = image::imageops::crop_imm(image, cx0, cy0, cx1 - cx0, cy1 - cy0).to_image();
            let nw = (((cx1 - cx0) as f32 / scale).round() as u32).max(1);
            let nh = (((cy1 - cy0) as f32 / scale).round() as u32).max(1);
            let small =
                image::imageops::resize(&crop, nw, nh, image::imageops::FilterType::Triangle);
            // Image point p maps to small point (p - origin) * (n / crop) (pixel centres kept).
            let kx = nw as f32 / (cx1 - cx0) as f32;
            let ky = nh as f32 / (cy1 - cy0) as f32;
            let k = (kx + ky) / 2.0;
            let shrunk = Similarity {
                a: t.a * k,
                b: t.b * k,
                tx: (t.tx - cx0 as f32 + 0.5) * k - 0.5,
                ty: (t.ty - cy0 as f32 + 0.5) * k - 0.5,
            };
            return sample(&small, &shrunk, size);
        }
    }
    sample(image, t, size)
}

fn sample(image: &RgbImage, t: &Similarity, size: u32) -> RgbImage {
    let mut out = RgbImage::new(size, size);
    for v in 0..size {
        for u in 0..size {
            let p = t.apply(Point::new(u as f32, v as f32));
            let px = bilinear(image, p.x, p.y);
            out.put_pixel(
                u,
                v,
                Rgb([
                    px[0].round().clamp(0.0, 255.0) as u8,
                    px[1].round().clamp(0.0, 255.0) as u8,
                    px[2].round().clamp(0.0, 255.0) as u8,
                ]),
            );
        }
    }
    out
}

fn bilinear(image: &RgbImage, x: f32, y: f32) -> [f32; 3] {
    let (w, h) = (image.width() as i64, image.height() as i64);
    let x0 = x.floor();
    let y0 = y.floor();
    let fx = x - x0;
    let fy = y - y0;
    let (x0, y0) = (x0 as i64, y0 as i64);
    let get = |xx: i64, yy: i64| -> [f32; 3] {
        if xx < 0 || yy < 0 || xx >= w || yy >= h {
            [0.0; 3]
        } else {
            let p = image.get_pixel(xx as u32, yy as u32);
            [f32::from(p[0]), f32::from(p[1]), f32::from(p[2])]
        }
    };
    let (a, b, c, d) = (
        get(x0, y0),
        get(x0 + 1, y0),
        get(x0, y0 + 1),
        get(x0 + 1, y0 + 1),
    );
    let mut out = [0f32; 3];
    for k in 0..3 {
        let top = a[k] + (b[k] - a[k]) * fx;
        let bottom = c[k] + (d[k] - c[k]) * fx;
        out[k] = top + (bottom - top) * fy;
    }
    out
}

/// dlib's `chip_details`: the chip's rectangle in the image (dlib's `drectangle`: `right` and
/// `bottom` are inclusive, so the width is `right - left + 1`), its rotation and its side.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChipDetails {
    pub left: f64,
    pub top: f64,
    pub right: f64,
    pub bottom: f64,
    /// Radians, about the rectangle's centre.
    pub angle: f64,
    pub size: u32,
}

/// dlib's `get_face_chip_details` for a 5-point shape: the least-squares similarity taking the
/// padded [`DLIB_TEMPLATE`] (times `size`) to the landmarks gives the angle, the scale and the
/// image point of the chip's centre. `None` when there are not five distinct points.
pub fn face_chip_details(parts: &[Point], size: u32, padding: f64) -> Option<ChipDetails> {
    if parts.len() != DLIB_TEMPLATE.len() || size == 0 || padding.is_nan() || padding < 0.0 {
        return None;
    }
    let s = f64::from(size);
    let from: Vec<[f64; 2]> = DLIB_TEMPLATE
        .iter()
        .map(|p| {
            [
                (padding + p[0]) / (2.0 * padding + 1.0) * s,
                (padding + p[1]) / (2.0 * padding + 1.0) * s,
            ]
        })
        .collect();
    let to: Vec<[f64; 2]> = parts
        .iter()
        .map(|p| [f64::from(p.x), f64::from(p.y)])
        .collect();
    let [a, b, tx, ty] = similarity_f64(&from, &to)?;
    let angle = b.atan2(a);
    let scale = a.hypot(b);
    let c = s / 2.0;
    let (cx, cy) = (a * c - b * c + tx, b * c + a * c + ty);
    // dlib's centered_drect(centre, size * scale, size * scale).
    let half = (s * scale - 1.0) / 2.0;
    let details = ChipDetails {
        left: cx - half,
        top: cy - half,
        right: cx + half,
        bottom: cy + half,
        angle,
        size,
    };
    [cx, cy, half, angle]
        .iter()
        .all(|v| v.is_finite())
        .then_some(details)
}

/// Least-squares similarity `[a -b; b a] p + t` taking `from` to `to`, in f64 (Umeyama's
/// solution restricted to rotations, as dlib's `find_similarity_transform`).
fn similarity_f64(from: &[[f64; 2]], to: &[[f64; 2]]) -> Option<[f64; 4]> {
    let n = from.len().min(to.len());
    if n < 2 {
        return None;
    }
    let nf = n as f64;
    let mean = |v: &[[f64; 2]], k: usize| v[..n].iter().map(|p| p[k]).sum::<f64>() / nf;
    let (fx, fy, tx, ty) = (mean(from, 0), mean(from, 1), mean(to, 0), mean(to, 1));
    let (mut norm, mut dot, mut cross) = (0f64, 0f64, 0f64);
    for (p, q) in from[..n].iter().zip(&to[..n]) {
        let (px, py, qx, qy) = (p[0] - fx, p[1] - fy, q[0] - tx, q[1] - ty);
        norm += px * px + py * py;
        dot += px * qx + py * qy;
        cross += px * qy - py * qx;
    }
    if norm < 1e-12 {
        return None;
    }
    let (a, b) = (dot / norm, cross / norm);
    Some([a, b, tx - (a * fx - b * fy), ty - (b * fx + a * fy)])
}

/// dlib's `drectangle`, for the chip extraction's bookkeeping.
#[derive(Debug, Clone, Copy)]
struct DRect {
    l: f64,
    t: f64,
    r: f64,
    b: f64,
}

impl DRect {
    fn area(&self) -> f64 {
        if self.t > self.b || self.l > self.r {
            0.0
        } else {
            (self.r - self.l + 1.0) * (self.b - self.t + 1.0)
        }
    }

    fn centre(&self) -> (f64, f64) {
        ((self.l + self.r) / 2.0, (self.t + self.b) / 2.0)
    }

    /// `pyramid_down<2>::rect_down`: each corner to `p / 2 - (1.25, 0.75)`.
    fn down(&self) -> DRect {
        let (x1, y1) = (self.l / 2.0 - 1.25, self.t / 2.0 - 0.75);
        let (x2, y2) = (self.r / 2.0 - 1.25, self.b / 2.0 - 0.75);
        DRect {
            l: x1.min(x2),
            t: y1.min(y2),
            r: x1.max(x2),
            b: y1.max(y2),
        }
    }

    /// The corner `(x, y)` rotated by `angle` about the centre.
    fn rotated(&self, x: f64, y: f64, angle: f64) -> (f64, f64) {
        let (cx, cy) = self.centre();
        let (s, c) = angle.sin_cos();
        let (dx, dy) = (x - cx, y - cy);
        (c * dx - s * dy + cx, s * dx + c * dy + cy)
    }
}

/// A plain RGB buffer (a crop or a pyramid level).
struct Plane {
    width: usize,
    height: usize,
    data: Vec<[u8; 3]>,
}

impl Plane {
    /// dlib's `pyramid_down<2>` for RGB: a separable 5-tap [1 4 6 4 1] filter, every other row
    /// and column kept, integer sums divided by 256. Images of 8 pixels or less give nothing.
    fn down(&self) -> Plane {
        let (w, h) = (self.width, self.height);
        if w <= 8 || h <= 8 {
            return Plane {
                width: 0,
                height: 0,
                data: Vec::new(),
            };
        }
        let tw = (w - 3) / 2;
        let mut rows = vec![[0u32; 3]; h * tw];
        for r in 0..h {
            let src = &self.data[r * w..(r + 1) * w];
            for c in 0..tw {
                let o = 2 * c;
                for k in 0..3 {
                    rows[r * tw + c][k] = u32::from(src[o][k])
                        + 4 * u32::from(src[o + 1][k])
                        + 6 * u32::from(src[o + 2][k])
                        + 4 * u32::from(src[o + 3][k])
                        + u32::from(src[o + 4][k]);
                }
            }
        }
        let dh = (h - 3) / 2;
        let mut data = vec![[0u8; 3]; dh * tw];
        for dr in 0..dh {
            let r = 2 * dr + 2;
            for c in 0..tw {
                for k in 0..3 {
                    let v = rows[(r - 2) * tw + c][k]
                        + 4 * rows[(r - 1) * tw + c][k]
                        + 6 * rows[r * tw + c][k]
                        + 4 * rows[(r + 1) * tw + c][k]
                        + rows[(r + 2) * tw + c][k];
                    data[dr * tw + c][k] = (v / 256) as u8;
                }
            }
        }
        Plane {
            width: tw,
            height: dh,
            data,
        }
    }

    /// dlib's `interpolate_bilinear`: `None` unless all four neighbours are inside; the result
    /// is truncated to integers.
    fn bilinear(&self, x: f64, y: f64) -> Option<[u8; 3]> {
        let (left, top) = (x.floor(), y.floor());
        if !(left >= 0.0 && top >= 0.0) {
            return None;
        }
        let (l, t) = (left as usize, top as usize);
        if l + 1 >= self.width || t + 1 >= self.height {
            return None;
        }
        let (fx, fy) = (x - left, y - top);
        let at = |xx: usize, yy: usize| self.data[yy * self.width + xx];
        let (tl, tr, bl, br) = (at(l, t), at(l + 1, t), at(l, t + 1), at(l + 1, t + 1));
        let mut out = [0u8; 3];
        for k in 0..3 {
            let v = (1.0 - fy) * ((1.0 - fx) * f64::from(tl[k]) + fx * f64::from(tr[k]))
                + fy * ((1.0 - fx) * f64::from(bl[k]) + fx * f64::from(br[k]));
            out[k] = v as u8;
        }
        Some(out)
    }
}

/// dlib's `extract_image_chip` with bilinear interpolation: when the chip is much smaller than
/// its rectangle, the region around it is first shrunk with dlib's 2:1 image pyramid (to the
/// last level where the rectangle still has more pixels than the chip), then sampled
/// bilinearly. Pixels that would need samples outside the image are black.
pub fn extract_chip(image: &RgbImage, details: &ChipDetails) -> RgbImage {
    let size = details.size;
    let mut out = RgbImage::new(size, size);
    let n = f64::from(size) * f64::from(size);
    let rect = DRect {
        l: details.left,
        t: details.top,
        r: details.right,
        b: details.bottom,
    };
    // How deep the pyramid goes, and the margin its filters need.
    let (mut depth, mut grow) = (0usize, 2.0f64);
    let mut down = rect.down();
    while down.area() > n && depth < 32 {
        down = down.down();
        depth += 1;
        grow = grow * 2.0 + 2.0;
    }
    let angle = details.angle;
    let corners = [
        rect.rotated(rect.l, rect.t, angle),
        rect.rotated(rect.r, rect.t, angle),
        rect.rotated(rect.l, rect.b, angle),
        rect.rotated(rect.r, rect.b, angle),
    ];
    let (w, h) = (f64::from(image.width()), f64::from(image.height()));
    let min = |k: fn(&(f64, f64)) -> f64| corners.iter().map(k).fold(f64::INFINITY, f64::min);
    let max = |k: fn(&(f64, f64)) -> f64| corners.iter().map(k).fold(f64::NEG_INFINITY, f64::max);
    let bx0 = (min(|p| p.0) - grow).max(0.0).round();
    let by0 = (min(|p| p.1) - grow).max(0.0).round();
    let bx1 = (max(|p| p.0) + grow).min(w - 1.0).round();
    let by1 = (max(|p| p.1) + grow).min(h - 1.0).round();
    if !(bx1 >= bx0 && by1 >= by0) {
        return out; // the chip is entirely outside the image
    }
    let (x0, y0) = (bx0 as u32, by0 as u32);
    let (cw, ch) = ((bx1 - bx0) as usize + 1, (by1 - by0) as usize + 1);
    let mut data = Vec::with_capacity(cw * ch);
    for y in y0..y0 + ch as u32 {
        for x in x0..x0 + cw as u32 {
            data.push(image.get_pixel(x, y).0);
        }
    }
    let mut plane = Plane {
        width: cw,
        height: ch,
        data,
    };
    // The level to sample from: as dlib, step down while the next level's rectangle still has
    // more pixels than the chip.
    let mut local = DRect {
        l: rect.l - bx0,
        t: rect.t - by0,
        r: rect.r - bx0,
        b: rect.b - by0,
    };
    let mut steps = 0usize;
    while local.down().area() > n && steps < depth {
        local = local.down();
        plane = plane.down();
        steps += 1;
    }
    // Chip corners (0, 0), (size - 1, 0), (0, size - 1) go to the rotated rectangle's corners.
    let a = local.rotated(local.l, local.t, angle);
    let b = local.rotated(local.r, local.t, angle);
    let c = local.rotated(local.l, local.b, angle);
    let span = f64::from(size.max(2) - 1);
    let (ux, uy) = ((b.0 - a.0) / span, (b.1 - a.1) / span);
    let (vx, vy) = ((c.0 - a.0) / span, (c.1 - a.1) / span);
    for r in 0..size {
        for col in 0..size {
            let (fc, fr) = (f64::from(col), f64::from(r));
            let x = a.0 + ux * fc + vx * fr;
            let y = a.1 + uy * fc + vy * fr;
            if let Some(px) = plane.bilinear(x, y) {
                out.put_pixel(col, r, Rgb(px));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::BBox;

    fn face_at(points: [Point; 5]) -> Face {
        Face {
            bbox: BBox::default(),
            score: 1.0,
            landmarks: points,
        }
    }

    #[test]
    fn landmarks_on_the_template_give_the_identity_transform() {
        let t = chip_transform(&face_at(YUNET_IN_DLIB_CHIP), Alignment::FivePoint).expect("fit");
        assert!((t.a - 1.0).abs() < 1e-4 && t.b.abs() < 1e-4, "{t:?}");
        assert!(t.tx.abs() < 1e-2 && t.ty.abs() < 1e-2, "{t:?}");
    }

    #[test]
    fn warp_of_a_doubled_image_samples_the_right_pixels() {
        // An image whose red channel encodes x and green encodes y.
        let img = RgbImage::from_fn(200, 200, |x, y| Rgb([x as u8, y as u8, 0]));
        let doubled: [Point; 5] =
            YUNET_IN_DLIB_CHIP.map(|p| Point::new(p.x * 1.2 + 3.0, p.y * 1.2 + 5.0));
        let chip = chip(&img, &face_at(doubled), Alignment::FivePoint).expect("fit");
        assert_eq!(chip.dimensions(), (CHIP_SIZE, CHIP_SIZE));
        let p = chip.get_pixel(50, 60);
        // chip (50, 60) maps to (63, 77).
        assert!((i32::from(p[0]) - 63).abs() <= 1, "x sample {p:?}");
        assert!((i32::from(p[1]) - 77).abs() <= 1, "y sample {p:?}");
    }

    #[test]
    fn large_faces_are_shrunk_before_sampling() {
        let img = RgbImage::from_fn(1000, 1000, |x, y| Rgb([(x / 4) as u8, (y / 4) as u8, 0]));
        let t = Similarity {
            a: 4.0,
            b: 0.0,
            tx: 100.0,
            ty: 200.0,
        };
        let chip = warp(&img, &t, 150);
        // chip (20, 30) -> image (180, 320) -> (45, 80) in the encoded values.
        let p = chip.get_pixel(20, 30);
        assert!(
            (i32::from(p[0]) - 45).abs() <= 1 && (i32::from(p[1]) - 80).abs() <= 1,
            "{p:?}"
        );
    }

    #[test]
    fn outside_the_image_is_black() {
        let img = RgbImage::from_pixel(20, 20, Rgb([255, 255, 255]));
        let t = Similarity {
            a: 1.0,
            b: 0.0,
            tx: 100.0,
            ty: 100.0,
        };
        let chip = warp(&img, &t, 10);
        assert_eq!(chip.get_pixel(5, 5).0, [0, 0, 0]);
    }
}
