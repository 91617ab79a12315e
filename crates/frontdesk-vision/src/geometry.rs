//! Points, boxes and the 2-D similarity transform used by detection and alignment.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Point {
    pub x: f32,
    pub y: f32,
}

impl Point {
    pub const fn new(x: f32, y: f32) -> Self {
        Self { x, y }
    }

    pub fn distance(self, other: Point) -> f32 {
        ((self.x - other.x).powi(2) + (self.y - other.y).powi(2)).sqrt()
    }

    pub fn midpoint(self, other: Point) -> Point {
        Point::new((self.x + other.x) / 2.0, (self.y + other.y) / 2.0)
    }
}

/// Axis-aligned box: top-left corner plus size, in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct BBox {
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
}

impl BBox {
    pub fn area(&self) -> f32 {
        self.width.max(0.0) * self.height.max(0.0)
    }

    pub fn center(&self) -> Point {
        Point::new(self.x + self.width / 2.0, self.y + self.height / 2.0)
    }

    /// Intersection over union; 0 when either box is empty.
    pub fn iou(&self, other: &BBox) -> f32 {
        let x0 = self.x.max(other.x);
        let y0 = self.y.max(other.y);
        let x1 = (self.x + self.width).min(other.x + other.width);
        let y1 = (self.y + self.height).min(other.y + other.height);
        let inter = (x1 - x0).max(0.0) * (y1 - y0).max(0.0);
        let union = self.area() + other.area() - inter;
        if union <= 0.0 { 0.0 } else { inter / union }
    }

    pub fn scaled(&self, factor: f32) -> BBox {
        BBox {
            x: self.x * factor,
            y: self.y * factor,
            width: self.width * factor,
            height: self.height * factor,
        }
    }
}

/// A similarity transform `p -> [a -b; b a] p + t` (rotation, uniform scale, translation).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Similarity {
    pub a: f32,
    pub b: f32,
    pub tx: f32,
    pub ty: f32,
}

impl Similarity {
    pub fn apply(&self, p: Point) -> Point {
        Point::new(
            self.a * p.x - self.b * p.y + self.tx,
            self.b * p.x + self.a * p.y + self.ty,
        )
    }

    /// The scale factor (length of the image of a unit vector).
    pub fn scale(&self) -> f32 {
        (self.a * self.a + self.b * self.b).sqrt()
    }

    /// Least-squares similarity taking `src[i]` to `dst[i]` (the closed form of Umeyama's method
    /// without reflection). Returns `None` when the source points coincide.
    pub fn fit(src: &[Point], dst: &[Point]) -> Option<Similarity> {
        let ones = vec![1.0; src.len().min(dst.len())];
        Self::fit_weighted(src, dst, &ones)
    }

    /// Weighted least-squares similarity: point `i` counts `weights[i]` times.
    pub fn fit_weighted(src: &[Point], dst: &[Point], weights: &[f32]) -> Option<Similarity> {
        let n = src.len().min(dst.len()).min(weights.len());
        let nf: f64 = weights[..n].iter().map(|w| f64::from(*w)).sum();
        if n < 2 || nf <= 0.0 {
            return None;
        }
        let (mut sx, mut sy, mut dx, mut dy) = (0f64, 0f64, 0f64, 0f64);
        for i in 0..n {
            let w = f64::from(weights[i]);
            sx += w * f64::from(src[i].x);
            sy += w * f64::from(src[i].y);
            dx += w * f64::from(dst[i].x);
            dy += w * f64::from(dst[i].y);
        }
        let (msx, msy, mdx, mdy) = (sx / nf, sy / nf, dx / nf, dy / nf);
        let (mut norm, mut dot, mut cross) = (0f64, 0f64, 0f64);
        for i in 0..n {
            let w = f64::from(weights[i]);
            let px = f64::from(src[i].x) - msx;
            let py = f64::from(src[i].y) - msy;
            let qx = f64::from(dst[i].x) - mdx;
            let qy = f64::from(dst[i].y) - mdy;
            norm += w * (px * px + py * py);
            dot += w * (px * qx + py * qy);
            cross += w * (px * qy - py * qx);
        }
        if norm < 1e-12 {
            return None;
        }
        let a = dot / norm;
        let b = cross / norm;
        let tx = mdx - (a * msx - b * msy);
        let ty = mdy - (b * msx + a * msy);
        Some(Similarity {
            a: a as f32,
            b: b as f32,
            tx: tx as f32,
            ty: ty as f32,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iou_of_identical_and_disjoint_boxes() {
        let a = BBox {
            x: 0.0,
            y: 0.0,
            width: 10.0,
            height: 10.0,
        };
        let b = BBox {
            x: 20.0,
            y: 0.0,
            width: 10.0,
            height: 10.0,
        };
        let c = BBox {
            x: 5.0,
            y: 0.0,
            width: 10.0,
            height: 10.0,
        };
        assert!(
            (a.iou(&a) - 1.0).abs() < 1e-6,
            "a box overlaps itself fully"
        );
        assert_eq!(a.iou(&b), 0.0, "disjoint boxes do not overlap");
        assert!(
            (a.iou(&c) - 50.0 / 150.0).abs() < 1e-6,
            "half-shifted boxes: 50/150"
        );
    }

    #[test]
    fn similarity_fit_recovers_a_known_transform() {
        let t = Similarity {
            a: 1.2,
            b: -0.3,
            tx: 5.0,
            ty: -7.0,
        };
        let src = [
            Point::new(0.0, 0.0),
            Point::new(10.0, 0.0),
            Point::new(3.0, 8.0),
            Point::new(-4.0, 2.0),
        ];
        let dst: Vec<Point> = src.iter().map(|p| t.apply(*p)).collect();
        let fit = Similarity::fit(&src, &dst).expect("distinct points");
        for (s, d) in src.iter().zip(&dst) {
            assert!(
                fit.apply(*s).distance(*d) < 1e-3,
                "exact data must be fitted exactly"
            );
        }
        assert!(
            Similarity::fit(&[src[0], src[0]], &dst[..2]).is_none(),
            "degenerate source"
        );
    }
}
