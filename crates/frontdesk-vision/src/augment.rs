//! Small, deterministic variations of a photo: the same face framed a little differently, a little
//! nearer or farther, a little brighter or darker, as consecutive camera frames of someone standing
//! at the camera differ. The evaluation replays a single photo as a pseudo-stream with them, and
//! enrolment can average a gallery descriptor over several of them.

use image::RgbImage;
use image::imageops::{self, FilterType};

use crate::synthetic::SplitMix;

/// How far a jittered frame strays from the original.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct JitterRange {
    /// Largest shift of the framing, as a fraction of the image's side.
    pub shift: f32,
    /// Largest zoom in or out (0.08: between 0.92x and 1.08x).
    pub zoom: f32,
    /// Largest change of brightness (0.15: between 85 % and 115 %).
    pub brightness: f32,
}

impl Default for JitterRange {
    fn default() -> Self {
        Self {
            shift: 0.04,
            zoom: 0.08,
            brightness: 0.15,
        }
    }
}

/// One variation of `image`, the same size, drawn from `rng` within `range`. Zooming in crops
/// a smaller window and scales it up; zooming out pads the window with the nearest edge pixels.
pub fn jitter(image: &RgbImage, rng: &mut SplitMix, range: &JitterRange) -> RgbImage {
    let (w, h) = image.dimensions();
    if w < 2 || h < 2 {
        return image.clone();
    }
    let spread = |rng: &mut SplitMix, r: f32| (rng.uniform() * 2.0 - 1.0) * r;
    let zoom = 1.0 + spread(rng, range.zoom);
    let (dx, dy) = (
        spread(rng, range.shift) * w as f32,
        spread(rng, range.shift) * h as f32,
    );
    let gain = 1.0 + spread(rng, range.brightness);

    // The window of the source that fills the output, in source pixels.
    let (ww, wh) = (w as f32 / zoom, h as f32 / zoom);
    let (x0, y0) = ((w as f32 - ww) / 2.0 + dx, (h as f32 - wh) / 2.0 + dy);
    let (sx, sy) = (ww / w as f32, wh / h as f32);
    let mut out = RgbImage::new(w, h);
    for (x, y, px) in out.enumerate_pixels_mut() {
        // Nearest source pixel, clamped to the edge (a zoomed-out frame repeats its border).
        let u = (x0 + (x as f32 + 0.5) * sx).clamp(0.0, (w - 1) as f32) as u32;
        let v = (y0 + (y as f32 + 0.5) * sy).clamp(0.0, (h - 1) as f32) as u32;
        let s = image.get_pixel(u, v);
        for c in 0..3 {
            px[c] = (f32::from(s[c]) * gain).round().clamp(0.0, 255.0) as u8;
        }
    }
    // Nearest-pixel sampling leaves stair steps a camera would not; one gentle blur pass.
    let blurred = imageops::resize(
        &imageops::resize(
            &out,
            w.div_ceil(2).max(1),
            h.div_ceil(2).max(1),
            FilterType::Triangle,
        ),
        w,
        h,
        FilterType::Triangle,
    );
    blend(&out, &blurred)
}

/// The pixel-wise mean of two images of the same size.
fn blend(a: &RgbImage, b: &RgbImage) -> RgbImage {
    let mut out = a.clone();
    for (o, q) in out.pixels_mut().zip(b.pixels()) {
        for c in 0..3 {
            o[c] = ((u16::from(o[c]) + u16::from(q[c])) / 2) as u8;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gradient(w: u32, h: u32) -> RgbImage {
        RgbImage::from_fn(w, h, |x, y| image::Rgb([(x * 4) as u8, (y * 4) as u8, 128]))
    }

    #[test]
    fn keeps_the_size_and_is_deterministic_per_seed() {
        let img = gradient(60, 40);
        let range = JitterRange::default();
        let a = jitter(&img, &mut SplitMix(7), &range);
        let b = jitter(&img, &mut SplitMix(7), &range);
        let c = jitter(&img, &mut SplitMix(8), &range);
        assert_eq!(a.dimensions(), (60, 40));
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn no_range_gives_back_nearly_the_original() {
        let img = gradient(60, 40);
        let none = JitterRange {
            shift: 0.0,
            zoom: 0.0,
            brightness: 0.0,
        };
        let out = jitter(&img, &mut SplitMix(1), &none);
        let worst = img
            .pixels()
            .zip(out.pixels())
            .flat_map(|(p, q)| (0..3).map(move |c| p[c].abs_diff(q[c])))
            .max()
            .unwrap_or(0);
        // Only the gentle blur differs: a few levels on a 4-level-per-pixel gradient.
        assert!(worst <= 4, "worst difference {worst}");
    }

    #[test]
    fn tiny_images_come_back_unchanged() {
        let img = gradient(1, 1);
        assert_eq!(jitter(&img, &mut SplitMix(3), &JitterRange::default()), img);
    }
}
