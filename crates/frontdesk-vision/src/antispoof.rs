//! Presentation-attack check ("is this a live face, or a photo or screen held to the camera?"):
//! minivision's MiniFASNet V2 (crop 2.7× the face box) and V1SE (4.0×), averaged. One frame, no
//! challenge. Each model takes an 80×80 crop of the face box grown about its centre by its scale
//! (shrunk to fit the frame, then shifted inside it), **BGR**, values 0..255 as float, NCHW; its
//! three logits go through a softmax, class 1 is live. The live score is the mean of the two
//! models' class-1 probabilities. Provenance and licences: `models/README.md`.
//!
//! The decision threshold belongs to the caller: the published models were trained with another
//! detector's boxes, so it is calibrated on this pipeline (crate README).

use std::sync::Arc;

use image::RgbImage;
use image::imageops::FilterType;
use tract_onnx::prelude::TypedRunnableModel;

use crate::geometry::BBox;
use crate::models::ModelSource;
use crate::{Error, Result};

/// Side of each model's input crop.
const INPUT: u32 = 80;

/// One MiniFASNet network and the scale of its crop.
struct Net {
    plan: Arc<TypedRunnableModel>,
    scale: f32,
}

/// The two anti-spoof networks.
pub struct AntiSpoof {
    nets: Vec<Net>,
}

/// What the check found for one face.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Liveness {
    /// Mean probability over the two networks that the face is live (0 to 1).
    pub live: f32,
    /// Each network's live probability: V2 (2.7×), then V1SE (4.0×).
    pub per_model: [f32; 2],
}

/// The crop of `bbox` grown `scale` times about its centre (less when the frame is too small),
/// moved back inside a `w`×`h` frame: `(x0, y0, x1, y1)`, inclusive pixel bounds.
pub(crate) fn grown_box(bbox: &BBox, w: u32, h: u32, scale: f32) -> (u32, u32, u32, u32) {
    let (fw, fh) = (w as f32, h as f32);
    let bw = bbox.width.max(1.0);
    let bh = bbox.height.max(1.0);
    let scale = scale.min((fh - 1.0) / bh).min((fw - 1.0) / bw).max(0.0);
    let (nw, nh) = (bw * scale, bh * scale);
    let (cx, cy) = (bbox.x + bw / 2.0, bbox.y + bh / 2.0);
    let (mut x0, mut y0) = (cx - nw / 2.0, cy - nh / 2.0);
    let (mut x1, mut y1) = (cx + nw / 2.0, cy + nh / 2.0);
    if x0 < 0.0 {
        x1 -= x0;
        x0 = 0.0;
    }
    if y0 < 0.0 {
        y1 -= y0;
        y0 = 0.0;
    }
    if x1 > fw - 1.0 {
        x0 -= x1 - fw + 1.0;
        x1 = fw - 1.0;
    }
    if y1 > fh - 1.0 {
        y0 -= y1 - fh + 1.0;
        y1 = fh - 1.0;
    }
    let clamp = |v: f32, max: f32| v.clamp(0.0, max) as u32;
    (
        clamp(x0, fw - 1.0),
        clamp(y0, fh - 1.0),
        clamp(x1, fw - 1.0),
        clamp(y1, fh - 1.0),
    )
}

fn softmax_live(logits: &[f32]) -> f32 {
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let exp: Vec<f32> = logits.iter().map(|l| (l - max).exp()).collect();
    let sum: f32 = exp.iter().sum();
    match (exp.get(1), sum > 0.0) {
        (Some(live), true) => live / sum,
        _ => 0.0,
    }
}

impl AntiSpoof {
    /// Loads both networks from `source`.
    pub fn load(source: &ModelSource) -> Result<Self> {
        let mut nets = Vec::new();
        for (model, scale) in [
            (source.antispoof_v2()?, 2.7),
            (source.antispoof_v1se()?, 4.0),
        ] {
            let plan = crate::models::square_input_plan(model, INPUT as usize)?;
            nets.push(Net { plan, scale });
        }
        Ok(Self { nets })
    }

    /// How live the face in `bbox` of `frame` looks.
    pub fn check(&self, frame: &RgbImage, bbox: &BBox) -> Result<Liveness> {
        if frame.width() < 2 || frame.height() < 2 {
            return Err(Error::BadInput("frame too small".into()));
        }
        let mut per_model = [0f32; 2];
        for (slot, net) in per_model.iter_mut().zip(&self.nets) {
            let (x0, y0, x1, y1) = grown_box(bbox, frame.width(), frame.height(), net.scale);
            let crop =
                image::imageops::crop_imm(frame, x0, y0, x1 - x0 + 1, y1 - y0 + 1).to_image();
            let crop = image::imageops::resize(&crop, INPUT, INPUT, FilterType::Triangle);
            let logits = crate::models::run_on_image(&net.plan, &crop, true, "anti-spoof")?;
            *slot = softmax_live(&logits);
        }
        Ok(Liveness {
            live: (per_model[0] + per_model[1]) / 2.0,
            per_model,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grown_box_stays_inside_the_frame_and_keeps_its_size_when_it_can() {
        let b = BBox {
            x: 10.0,
            y: 10.0,
            width: 100.0,
            height: 120.0,
        };
        // 2.7× would be 270×324: it fits in 640×480 once shifted right and down.
        let (x0, y0, x1, y1) = grown_box(&b, 640, 480, 2.7);
        assert_eq!((x0, y0), (0, 0));
        assert_eq!((x1, y1), (270, 324));
        // Too big for the frame: the scale shrinks to fit.
        let (x0, y0, x1, y1) = grown_box(&b, 200, 200, 4.0);
        assert!(x1 <= 199 && y1 <= 199 && x0 <= x1 && y0 <= y1);
    }

    #[test]
    fn the_live_score_is_class_one_of_the_softmax() {
        assert!((softmax_live(&[0.0, 0.0, 0.0]) - 1.0 / 3.0).abs() < 1e-6);
        assert!(softmax_live(&[-5.0, 5.0, -5.0]) > 0.99);
        assert_eq!(softmax_live(&[1.0]), 0.0);
    }
}
