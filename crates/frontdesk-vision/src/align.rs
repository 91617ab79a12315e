//! Cutting the face chip the descriptor was trained on.
//!
//! dlib's ResNet descriptor was trained on dlib's own chips: 150x150 pixels, padding 0.25, cut
//! with a similarity transform fitted to dlib's 5-point landmarks (eye corners and the base of
//! the nose). YuNet's five points (eye centres, nose tip, mouth corners) are different
//! anatomical points, so they cannot be put on dlib's template directly. Instead
//! [`YUNET_IN_DLIB_CHIP`] records where YuNet's points fall, on average, inside dlib's own chips
//! (learned by running dlib's pipeline and OpenCV's YuNet on the development photos:
//! `tools/dlib_reference.py template`), and the points are fitted to it by weighted least
//! squares: eyes 1, nose tip 0.5, mouth corners 0. dlib's own template has no mouth points, and
//! mouth corners move with expression; on the development pairs this weighting matched dlib's
//! own pipeline (99.6 % at 0.6) where equal weights on all five points gave 99.1 % and the plain
//! two-eye transform less (measured with OpenCV running the same models; see the crate README).

use image::{Rgb, RgbImage};

use crate::detect::Face;
use crate::geometry::{Point, Similarity};

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

/// Which landmarks drive the alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Alignment {
    /// Eyes and nose fitted to [`YUNET_IN_DLIB_CHIP`] with [`TEMPLATE_WEIGHTS`] (default).
    #[default]
    FivePoint,
    /// All five points with equal weights.
    FivePointEqual,
    /// Only the eyes, mapped to [`DLIB_EYE_CENTRES`].
    TwoEye,
}

/// The transform taking chip pixels to image pixels for this face.
pub fn chip_transform(face: &Face, alignment: Alignment) -> Option<Similarity> {
    match alignment {
        Alignment::FivePoint => {
            Similarity::fit_weighted(&YUNET_IN_DLIB_CHIP, &face.landmarks, &TEMPLATE_WEIGHTS)
        }
        Alignment::FivePointEqual => Similarity::fit(&YUNET_IN_DLIB_CHIP, &face.landmarks),
        Alignment::TwoEye => Similarity::fit(&DLIB_EYE_CENTRES, &face.landmarks[..2]),
    }
}

/// Cuts the 150x150 RGB chip for `face` out of `image`. Pixels outside the image are black (as
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
