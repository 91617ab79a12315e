//! dlib's 5-point face landmark predictor (an ensemble of regression trees, Kazemi & Sullivan
//! 2014), ported so that we can cut exactly the chip dlib's descriptor was trained on.
//!
//! The model is Davis King's `shape_predictor_5_face_landmarks.dat` (CC0, PyPI
//! `face_recognition_models` 0.3.0; see `models/README.md`), read from dlib's own serialisation
//! format at load time. Its five points are, in dlib's order: the image-right eye's outer and
//! inner corner, the image-left eye's outer and inner corner, and the base of the nose.
//!
//! Prediction follows dlib's `shape_predictor::operator()`: start from the mean shape placed in
//! the face box, and at each of the cascade's levels read a few hundred grey pixels at positions
//! defined relative to the current shape, walk every tree of that level on pixel differences and
//! add the leaves' shape corrections. Grey is dlib's `(r + g + b) / 3` (integer division), pixel
//! positions are rounded the way dlib converts to integer points, and pixels outside the image
//! read 0. The predictor was trained on boxes from dlib's HOG face detector; [`hog_box`] turns a
//! YuNet detection into such a box.

use image::RgbImage;

use crate::detect::Face;
use crate::geometry::Point;
use crate::{Error, Result};

/// A face box with dlib's `rectangle` semantics: `right` and `bottom` are the last pixel
/// column and row inside the box (so the width is `right - left + 1`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShapeBox {
    pub left: f64,
    pub top: f64,
    pub right: f64,
    pub bottom: f64,
}

impl ShapeBox {
    /// Box-normalised shape coordinates (0..1 across the box) to image pixels, as dlib's
    /// `unnormalizing_tform`.
    fn image_point(&self, x: f64, y: f64) -> (f64, f64) {
        (
            self.left + x * (self.right - self.left),
            self.top + y * (self.bottom - self.top),
        )
    }
}

/// Where dlib's HOG detector would put its box for this YuNet face.
///
/// The predictor's cascade starts from its mean shape placed in the box, so it gives dlib's
/// landmarks only when the box sits where dlib's detector puts it: square, and lower and tighter
/// than YuNet's. The coefficients were fitted by least squares by `tools/hog_box_fit.py`
/// (dlib's HOG detector and OpenCV's YuNet on every second faces-dev photo, 805 faces; fitted on
/// half of them, judged on the other half by running the predictor in the mapped box: its points
/// land 0.40 chip pixels (mean) from those it gives in dlib's own box, against 1.42 in YuNet's
/// box as is) in a frame centred on the mean of YuNet's five landmarks, in units of their rms
/// distance from that mean: box centre = mean + (`HOG_BOX[0]`, `HOG_BOX[1]`) * unit, side =
/// `HOG_BOX[2]` * unit.
pub fn hog_box(face: &Face) -> ShapeBox {
    let lm = &face.landmarks;
    let n = lm.len() as f64;
    let mx = lm.iter().map(|p| f64::from(p.x)).sum::<f64>() / n;
    let my = lm.iter().map(|p| f64::from(p.y)).sum::<f64>() / n;
    let unit = (lm
        .iter()
        .map(|p| (f64::from(p.x) - mx).powi(2) + (f64::from(p.y) - my).powi(2))
        .sum::<f64>()
        / n)
        .sqrt();
    let [dx, dy, side] = HOG_BOX;
    let (cx, cy, side) = (mx + dx * unit, my + dy * unit, side * unit);
    let half = (side - 1.0) / 2.0;
    ShapeBox {
        left: cx - half,
        top: cy - half,
        right: cx + half,
        bottom: cy + half,
    }
}

/// See [`hog_box`].
pub const HOG_BOX: [f64; 3] = [-0.15650, -0.08782, 3.91527];

/// YuNet's own box, unchanged (for comparison with [`hog_box`]).
pub fn yunet_box(face: &Face) -> ShapeBox {
    let b = &face.bbox;
    ShapeBox {
        left: f64::from(b.x),
        top: f64::from(b.y),
        right: f64::from(b.x + b.width) - 1.0,
        bottom: f64::from(b.y + b.height) - 1.0,
    }
}

#[derive(Debug, Clone, Copy)]
struct Split {
    idx1: u32,
    idx2: u32,
    thresh: f32,
}

/// One complete binary tree: node `i`'s children are `2i + 1` (taken when the pixel
/// difference is above the threshold) and `2i + 2`; `leaves` holds `splits.len() + 1` shape
/// corrections of `2 * parts` values each, one after the other.
#[derive(Debug, Clone)]
struct Tree {
    splits: Vec<Split>,
    leaves: Vec<f32>,
}

/// dlib's `shape_predictor`, parsed and checked at load time (all indices in range), so that
/// prediction cannot fail.
#[derive(Debug, Clone)]
pub struct ShapePredictor {
    /// Mean shape, box-normalised: x0, y0, x1, y1, ...
    initial: Vec<f32>,
    /// One forest per cascade level.
    forests: Vec<Vec<Tree>>,
    /// Per level: for each feature pixel, the shape point it hangs from and its offset.
    anchors: Vec<Vec<u32>>,
    deltas: Vec<Vec<[f32; 2]>>,
}

impl ShapePredictor {
    /// The embedded model (or the file of the same name in a model directory).
    pub fn load(source: &crate::ModelSource) -> Result<Self> {
        let (bytes, path) = source.shape_predictor()?;
        Self::parse(&bytes).map_err(|message| Error::ModelLoad { path, message })
    }

    /// Reads dlib's serialisation of a `shape_predictor`. Any truncation, bad count or
    /// out-of-range index is an error.
    pub fn parse(bytes: &[u8]) -> std::result::Result<Self, String> {
        let mut r = Reader { bytes, pos: 0 };
        let version = r.int()?;
        if version != 1 {
            return Err(format!("unsupported shape_predictor version {version}"));
        }
        let initial = r.column_vector()?;
        if initial.is_empty() || initial.len() % 2 != 0 {
            return Err(format!("initial shape has {} values", initial.len()));
        }
        let parts = initial.len() / 2;
        let levels = r.len(1)?;
        let mut forests = Vec::with_capacity(levels);
        for _ in 0..levels {
            let trees = r.len(2)?;
            let mut forest = Vec::with_capacity(trees);
            for _ in 0..trees {
                let n_splits = r.len(3)?;
                let mut splits = Vec::with_capacity(n_splits);
                for _ in 0..n_splits {
                    let idx1 = r.index()?;
                    let idx2 = r.index()?;
                    let thresh = r.float()?;
                    splits.push(Split { idx1, idx2, thresh });
                }
                let n_leaves = r.len(3)?;
                if n_leaves != n_splits + 1 || !n_leaves.is_power_of_two() {
                    return Err(format!(
                        "tree with {n_splits} splits has {n_leaves} leaves (a complete tree needs splits + 1, a power of two)"
                    ));
                }
                let mut leaves = Vec::with_capacity(n_leaves * initial.len());
                for _ in 0..n_leaves {
                    let leaf = r.column_vector()?;
                    if leaf.len() != initial.len() {
                        return Err(format!(
                            "leaf has {} values, shape has {}",
                            leaf.len(),
                            initial.len()
                        ));
                    }
                    leaves.extend_from_slice(&leaf);
                }
                forest.push(Tree { splits, leaves });
            }
            forests.push(forest);
        }
        let n_anchor_levels = r.len(1)?;
        let mut anchors = Vec::with_capacity(n_anchor_levels);
        for _ in 0..n_anchor_levels {
            let n = r.len(1)?;
            let mut level = Vec::with_capacity(n);
            for _ in 0..n {
                let a = r.index()?;
                if a as usize >= parts {
                    return Err(format!("anchor {a} but the shape has {parts} points"));
                }
                level.push(a);
            }
            anchors.push(level);
        }
        let n_delta_levels = r.len(1)?;
        let mut deltas = Vec::with_capacity(n_delta_levels);
        for _ in 0..n_delta_levels {
            let n = r.len(2)?;
            let mut level = Vec::with_capacity(n);
            for _ in 0..n {
                level.push([r.float()?, r.float()?]);
            }
            deltas.push(level);
        }
        if anchors.len() != forests.len() || deltas.len() != forests.len() {
            return Err(format!(
                "{} forests but {} anchor and {} offset lists",
                forests.len(),
                anchors.len(),
                deltas.len()
            ));
        }
        for (level, forest) in forests.iter().enumerate() {
            let pixels = anchors[level].len();
            if deltas[level].len() != pixels {
                return Err(format!(
                    "level {level}: anchors and offsets differ in number"
                ));
            }
            let bad = forest
                .iter()
                .flat_map(|t| &t.splits)
                .any(|s| s.idx1 as usize >= pixels || s.idx2 as usize >= pixels);
            if bad {
                return Err(format!(
                    "level {level}: a split reads a pixel beyond the {pixels} sampled"
                ));
            }
        }
        Ok(Self {
            initial,
            forests,
            anchors,
            deltas,
        })
    }

    /// Number of landmarks (5 for the shipped model).
    pub fn parts(&self) -> usize {
        self.initial.len() / 2
    }

    /// The landmarks inside `rect`, in image pixels, before dlib's final rounding to whole
    /// pixels (`dlib.shape_predictor` returns `(x + 0.5).floor()` of these).
    pub fn predict(&self, image: &RgbImage, rect: &ShapeBox) -> Vec<Point> {
        let mut shape = self.initial.clone();
        let mut pixels = Vec::new();
        for (level, forest) in self.forests.iter().enumerate() {
            self.sample(image, rect, &shape, level, &mut pixels);
            for tree in forest {
                let mut i = 0usize;
                while i < tree.splits.len() {
                    let s = tree.splits[i];
                    let diff = pixels[s.idx1 as usize] - pixels[s.idx2 as usize];
                    i = if diff > s.thresh {
                        2 * i + 1
                    } else {
                        2 * i + 2
                    };
                }
                let leaf = (i - tree.splits.len()) * shape.len();
                for (v, d) in shape
                    .iter_mut()
                    .zip(&tree.leaves[leaf..leaf + self.initial.len()])
                {
                    *v += d;
                }
            }
        }
        shape
            .chunks_exact(2)
            .map(|p| {
                let (x, y) = rect.image_point(f64::from(p[0]), f64::from(p[1]));
                Point::new(x as f32, y as f32)
            })
            .collect()
    }

    /// Grey values of this level's feature pixels for the current shape (dlib's
    /// `extract_feature_pixel_values`).
    fn sample(
        &self,
        image: &RgbImage,
        rect: &ShapeBox,
        shape: &[f32],
        level: usize,
        out: &mut Vec<f32>,
    ) {
        // Similarity from the mean shape to the current one, computed in f64 and used in f32
        // like dlib.
        let (a, b) = rotation_scale(&self.initial, shape);
        let (a, b) = (a as f32, b as f32);
        let (w, h) = (i64::from(image.width()), i64::from(image.height()));
        out.clear();
        for (&anchor, d) in self.anchors[level].iter().zip(&self.deltas[level]) {
            let ax = shape[2 * anchor as usize];
            let ay = shape[2 * anchor as usize + 1];
            let px = a * d[0] - b * d[1] + ax;
            let py = b * d[0] + a * d[1] + ay;
            let (x, y) = rect.image_point(f64::from(px), f64::from(py));
            let (x, y) = ((x + 0.5).floor(), (y + 0.5).floor());
            let inside = x >= 0.0 && y >= 0.0 && (x as i64) < w && (y as i64) < h;
            out.push(if inside {
                let p = image.get_pixel(x as u32, y as u32);
                ((u32::from(p[0]) + u32::from(p[1]) + u32::from(p[2])) / 3) as f32
            } else {
                0.0
            });
        }
    }
}

/// The rotation-and-scale part `[a -b; b a]` of the least-squares similarity taking the points
/// of `from` to those of `to` (both x0, y0, x1, y1, ...): Umeyama's solution, which in 2-D has
/// this closed form.
fn rotation_scale(from: &[f32], to: &[f32]) -> (f64, f64) {
    let n = (from.len() / 2) as f64;
    let mean = |v: &[f32], k: usize| {
        v.iter()
            .skip(k)
            .step_by(2)
            .map(|x| f64::from(*x))
            .sum::<f64>()
            / n
    };
    let (fx, fy, tx, ty) = (mean(from, 0), mean(from, 1), mean(to, 0), mean(to, 1));
    let (mut norm, mut dot, mut cross) = (0f64, 0f64, 0f64);
    for (p, q) in from.chunks_exact(2).zip(to.chunks_exact(2)) {
        let (px, py) = (f64::from(p[0]) - fx, f64::from(p[1]) - fy);
        let (qx, qy) = (f64::from(q[0]) - tx, f64::from(q[1]) - ty);
        norm += px * px + py * py;
        dot += px * qx + py * qy;
        cross += px * qy - py * qx;
    }
    if norm <= 0.0 {
        (1.0, 0.0)
    } else {
        (dot / norm, cross / norm)
    }
}

/// A cursor over dlib's serialised bytes.
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> std::result::Result<u8, String> {
        let b = *self
            .bytes
            .get(self.pos)
            .ok_or_else(|| format!("truncated at byte {}", self.pos))?;
        self.pos += 1;
        Ok(b)
    }

    /// dlib's integer encoding: a control byte (bit 7: negative; low 4 bits: how many bytes
    /// follow), then the magnitude's bytes, least significant first.
    fn signed(&mut self, max_bytes: u8) -> std::result::Result<(bool, u64), String> {
        let at = self.pos;
        let control = self.byte()?;
        let n = control & 0x0F;
        if n == 0 || n > max_bytes || control & 0x70 != 0 {
            return Err(format!(
                "bad integer control byte {control:#04x} at byte {at}"
            ));
        }
        let mut v = 0u64;
        for i in 0..n {
            v |= u64::from(self.byte()?) << (8 * i);
        }
        Ok((control & 0x80 != 0, v))
    }

    fn int(&mut self) -> std::result::Result<i64, String> {
        let (neg, v) = self.signed(8)?;
        let v =
            i64::try_from(v).map_err(|_| format!("integer too large before byte {}", self.pos))?;
        Ok(if neg { -v } else { v })
    }

    fn unsigned(&mut self) -> std::result::Result<u64, String> {
        let at = self.pos;
        match self.signed(8)? {
            (false, v) => Ok(v),
            (true, _) => Err(format!("negative count at byte {at}")),
        }
    }

    /// A count of items, each at least `min_item_bytes` long: bounded by the bytes left, so a
    /// corrupt count cannot make us allocate much.
    fn len(&mut self, min_item_bytes: usize) -> std::result::Result<usize, String> {
        let at = self.pos;
        let n = self.unsigned()?;
        let left = (self.bytes.len() - self.pos) / min_item_bytes;
        usize::try_from(n)
            .ok()
            .filter(|n| *n <= left)
            .ok_or_else(|| format!("count {n} at byte {at} is more than the file holds"))
    }

    fn index(&mut self) -> std::result::Result<u32, String> {
        let at = self.pos;
        let v = self.unsigned()?;
        u32::try_from(v).map_err(|_| format!("index {v} at byte {at} is too large"))
    }

    /// dlib's float encoding: mantissa (64-bit integer) then exponent (16-bit integer); the
    /// value is mantissa * 2^exponent, with exponents 32000/32001/32002 meaning +inf, -inf, NaN.
    /// Models only hold finite values, so those are refused.
    fn float(&mut self) -> std::result::Result<f32, String> {
        let at = self.pos;
        let mantissa = self.int()?;
        let (neg, e) = self.signed(2)?;
        let e = i64::try_from(e).unwrap_or(i64::MAX);
        let exponent = if neg { -e } else { e };
        if exponent >= 32000 {
            return Err(format!("non-finite number at byte {at}"));
        }
        // dlib converts the mantissa to float first, then scales by a power of two.
        let v = f64::from(mantissa as f32) * 2f64.powi(exponent.clamp(-2000, 2000) as i32);
        let v = v as f32;
        if v.is_finite() {
            Ok(v)
        } else {
            Err(format!("number out of range at byte {at}"))
        }
    }

    /// A `dlib::matrix<float,0,1>`: rows, columns (negated in the newer format), values.
    fn column_vector(&mut self) -> std::result::Result<Vec<f32>, String> {
        let at = self.pos;
        let rows = self.int()?.unsigned_abs();
        let cols = self.int()?.unsigned_abs();
        if cols != 1 {
            return Err(format!(
                "matrix at byte {at} has {cols} columns, expected 1"
            ));
        }
        let left = (self.bytes.len() - self.pos) as u64 / 2;
        if rows > left {
            return Err(format!(
                "matrix at byte {at} has more rows than the file holds"
            ));
        }
        (0..rows).map(|_| self.float()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// dlib's writer, for building test models.
    fn put_int(out: &mut Vec<u8>, v: i64) {
        let neg = v < 0;
        let mut m = v.unsigned_abs();
        let mut bytes = Vec::new();
        loop {
            bytes.push((m & 0xFF) as u8);
            m >>= 8;
            if m == 0 {
                break;
            }
        }
        out.push(bytes.len() as u8 | if neg { 0x80 } else { 0 });
        out.extend(bytes);
    }

    fn put_float(out: &mut Vec<u8>, v: f32) {
        // mantissa * 2^exponent with a 24-bit mantissa, as dlib writes floats.
        if v == 0.0 {
            put_int(out, 0);
            put_int(out, 0);
            return;
        }
        let e = v.abs().log2().floor() as i32 - 23;
        let m = (f64::from(v) / 2f64.powi(e)).round() as i64;
        put_int(out, m);
        put_int(out, i64::from(e));
    }

    fn put_vector(out: &mut Vec<u8>, v: &[f32]) {
        put_int(out, -(v.len() as i64));
        put_int(out, -1);
        for x in v {
            put_float(out, *x);
        }
    }

    /// One point, one level, one depth-1 tree reading two pixels: moves the point right by
    /// 0.1 (box units) when pixel 0 is brighter than pixel 1 by more than 10, else left.
    fn tiny_model() -> Vec<u8> {
        let mut b = Vec::new();
        put_int(&mut b, 1); // version
        put_vector(&mut b, &[0.5, 0.5]);
        put_int(&mut b, 1); // levels
        put_int(&mut b, 1); // trees
        put_int(&mut b, 1); // splits
        put_int(&mut b, 0);
        put_int(&mut b, 1);
        put_float(&mut b, 10.0);
        put_int(&mut b, 2); // leaves
        put_vector(&mut b, &[0.1, 0.0]);
        put_vector(&mut b, &[-0.1, 0.0]);
        put_int(&mut b, 1); // anchor levels
        put_int(&mut b, 2);
        put_int(&mut b, 0);
        put_int(&mut b, 0);
        put_int(&mut b, 1); // delta levels
        put_int(&mut b, 2);
        put_float(&mut b, -0.25);
        put_float(&mut b, 0.0);
        put_float(&mut b, 0.25);
        put_float(&mut b, 0.0);
        b
    }

    #[test]
    fn floats_decode_like_dlib() {
        for v in [0.0f32, 1.0, -1.0, 0.1, -123.456, 3.0e-7, 65504.0] {
            let mut b = Vec::new();
            put_float(&mut b, v);
            let got = Reader { bytes: &b, pos: 0 }.float().expect("valid float");
            assert_eq!(got, v, "round trip of {v}");
        }
        // 0.5 as dlib writes it: mantissa 1, exponent -1 (low zero bytes shifted off).
        let got = Reader {
            bytes: &[0x01, 0x01, 0x81, 0x01],
            pos: 0,
        }
        .float()
        .expect("valid");
        assert_eq!(got, 0.5, "mantissa 1 * 2^-1");
    }

    #[test]
    fn a_tiny_model_parses_and_predicts() {
        let sp = ShapePredictor::parse(&tiny_model()).expect("valid model");
        assert_eq!(sp.parts(), 1, "one point");
        // Bright left half, dark right half: pixel 0 (left of centre) is brighter.
        let img = RgbImage::from_fn(101, 101, |x, _| {
            if x < 50 {
                image::Rgb([200, 200, 200])
            } else {
                image::Rgb([0, 0, 0])
            }
        });
        let rect = ShapeBox {
            left: 0.0,
            top: 0.0,
            right: 100.0,
            bottom: 100.0,
        };
        let p = sp.predict(&img, &rect);
        assert!(
            (p[0].x - 60.0).abs() < 1e-4 && (p[0].y - 50.0).abs() < 1e-4,
            "{p:?}"
        );
        // Flipped image: the point moves left.
        let flipped = image::imageops::flip_horizontal(&img);
        let p = sp.predict(&flipped, &rect);
        assert!((p[0].x - 40.0).abs() < 1e-4, "{p:?}");
    }

    #[test]
    fn truncated_or_corrupt_models_are_errors_not_panics() {
        let good = tiny_model();
        for n in 0..good.len() {
            assert!(
                ShapePredictor::parse(&good[..n]).is_err(),
                "a model cut at byte {n} of {} must be refused",
                good.len()
            );
        }
        for i in 0..good.len() {
            for v in [0x00, 0x08, 0x09, 0x7F, 0x80, 0xFF] {
                let mut bad = good.clone();
                bad[i] = v;
                // Must not panic; it may or may not parse (a changed threshold is still a model).
                if let Ok(sp) = ShapePredictor::parse(&bad) {
                    let img = RgbImage::new(20, 20);
                    let _ = sp.predict(
                        &img,
                        &ShapeBox {
                            left: -5.0,
                            top: 0.0,
                            right: 30.0,
                            bottom: 19.0,
                        },
                    );
                }
            }
        }
    }

    #[test]
    fn the_shipped_model_parses_and_its_truncations_fail() {
        let sp = ShapePredictor::load(&crate::ModelSource::Embedded).expect("embedded model");
        assert_eq!(sp.parts(), 5, "dlib's 5-point model");
        assert_eq!(sp.forests.len(), 15, "a cascade of 15 levels");
        assert!(
            sp.forests.iter().all(|f| f.len() == 500),
            "500 trees per level"
        );
        let (bytes, _) = crate::ModelSource::Embedded
            .shape_predictor()
            .expect("embedded bytes");
        for cut in [0, 1, 7, 100, 4097, bytes.len() / 2, bytes.len() - 1] {
            assert!(
                ShapePredictor::parse(&bytes[..cut]).is_err(),
                "the model cut at byte {cut} must be refused"
            );
        }
    }

    #[test]
    fn the_mean_shape_maps_to_the_box() {
        let (a, b) = rotation_scale(&[0.0, 0.0, 1.0, 0.0], &[0.0, 0.0, 0.0, 2.0]);
        assert!(
            (a - 0.0).abs() < 1e-12 && (b - 2.0).abs() < 1e-12,
            "90 degrees, scale 2"
        );
    }
}
