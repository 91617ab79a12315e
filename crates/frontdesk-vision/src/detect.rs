//! Face detection with YuNet (2023mar).
//!
//! Model input: `[1, 3, H, W]` float32, channel order **BGR**, values 0..255, no normalisation,
//! H and W multiples of 32 (the graph is size-agnostic once tract ignores the stored 640x640
//! shapes). Outputs, in order: `cls_8, cls_16, cls_32, obj_8, obj_16, obj_32, bbox_8, bbox_16,
//! bbox_32, kps_8, kps_16, kps_32`, one anchor per grid cell per stride, row-major.
//!
//! A frame is scaled down (never up) so its long side is at most [`DetectorConfig::max_side`],
//! then padded with zeros on the right and bottom to multiples of 32, as OpenCV's
//! `FaceDetectorYN` does; decoded coordinates are divided by the scale, so results are in the
//! original frame's pixels. One optimised plan is built per padded input size and cached.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use image::RgbImage;
use image::imageops::FilterType;
use serde::{Deserialize, Serialize};
use tract_onnx::prelude::*;

use crate::geometry::{BBox, Point};
use crate::models::ModelSource;
use crate::{Error, Result};

const STRIDES: [usize; 3] = [8, 16, 32];

/// One detected face, in the original frame's pixels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Face {
    pub bbox: BBox,
    pub score: f32,
    /// Image-left eye, image-right eye, nose tip, image-left mouth corner, image-right mouth
    /// corner (the subject's right eye is on the image's left).
    pub landmarks: [Point; 5],
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DetectorConfig {
    /// Frames whose long side exceeds this are scaled down before detection. 640 keeps a
    /// webcam frame at full resolution; 320 is four times cheaper and still finds faces
    /// larger than about 40 pixels in a 640x480 frame (a person at a reception desk).
    pub max_side: u32,
    /// Minimum score, `sqrt(cls * obj)`.
    pub score_threshold: f32,
    /// IoU above which a lower-scoring box is suppressed.
    pub nms_iou: f32,
    /// At most this many faces are returned (highest scores first).
    pub top_k: usize,
}

impl Default for DetectorConfig {
    fn default() -> Self {
        Self {
            max_side: 640,
            score_threshold: 0.6,
            nms_iou: 0.3,
            top_k: 200,
        }
    }
}

/// An optimised, runnable YuNet plan for one input size.
pub type Plan = Arc<TypedRunnableModel>;

/// YuNet detector: owns the parsed model and one optimised plan per input size.
pub struct Detector {
    model: InferenceModel,
    plans: Mutex<HashMap<(usize, usize), Plan>>,
    config: DetectorConfig,
}

impl Detector {
    pub fn load(source: &ModelSource, config: DetectorConfig) -> Result<Self> {
        let (bytes, path) = source.detector()?;
        let model = tract_onnx::onnx()
            .with_ignore_output_shapes(true)
            .with_ignore_value_info(true)
            .model_for_read(&mut bytes.as_slice())
            .map_err(|e| Error::ModelLoad {
                path,
                message: e.to_string(),
            })?;
        Ok(Self {
            model,
            plans: Mutex::new(HashMap::new()),
            config,
        })
    }

    pub fn config(&self) -> &DetectorConfig {
        &self.config
    }

    /// The parsed YuNet graph, before any input size is fixed (see [`build_plan`]).
    pub fn model(&self) -> &InferenceModel {
        &self.model
    }

    /// Builds (or fetches) the plan for a padded input of `h` x `w`.
    fn plan(&self, h: usize, w: usize) -> Result<Plan> {
        let mut plans = self
            .plans
            .lock()
            .map_err(|_| Error::Inference("detector plan cache poisoned".into()))?;
        if let Some(plan) = plans.get(&(h, w)) {
            return Ok(plan.clone());
        }
        let plan = build_plan(&self.model, h, w, true)
            .map_err(|e| Error::Inference(format!("building detector plan {w}x{h}: {e}")))?;
        plans.insert((h, w), plan.clone());
        Ok(plan)
    }

    /// Builds the plan for frames of this size ahead of the first call to [`Detector::detect`].
    pub fn warm_up(&self, width: u32, height: u32) -> Result<()> {
        let (_, h, w) = input_geometry(width, height, self.config.max_side);
        self.plan(h, w).map(|_| ())
    }

    /// Detects faces, highest score first.
    pub fn detect(&self, image: &RgbImage) -> Result<Vec<Face>> {
        let (width, height) = image.dimensions();
        crate::image_io::check_dimensions(width, height)?;
        let (scale, h, w) = input_geometry(width, height, self.config.max_side);
        let input = preprocess(image, scale, h, w)?;
        let plan = self.plan(h, w)?;
        let outputs = plan.run(tvec!(input.into()));
        crate::fast_ops::clear_avx_upper_state();
        let outputs = outputs.map_err(|e| Error::Inference(e.to_string()))?;
        if outputs.len() != 12 {
            return Err(Error::Inference(format!(
                "YuNet gave {} outputs, expected 12",
                outputs.len()
            )));
        }
        let mut views = Vec::with_capacity(12);
        for o in outputs.iter() {
            let view = o
                .to_plain_array_view::<f32>()
                .map_err(|e| Error::Inference(e.to_string()))?;
            views.push(view);
        }
        let mut slices: Vec<&[f32]> = Vec::with_capacity(12);
        for v in &views {
            slices.push(
                v.as_slice()
                    .ok_or_else(|| Error::Inference("YuNet output is not contiguous".into()))?,
            );
        }
        let raw = decode(&slices, h, w, self.config.score_threshold)?;
        let mut faces = nms(raw, self.config.nms_iou, self.config.top_k);
        let inv = 1.0 / scale;
        for f in &mut faces {
            f.bbox = f.bbox.scaled(inv);
            for p in &mut f.landmarks {
                p.x *= inv;
                p.y *= inv;
            }
        }
        Ok(faces)
    }
}

/// An optimised plan for a `[1, 3, h, w]` input; `fast_ops` swaps tract's 2x2 max-pools and 3x3
/// depthwise convolutions for [`crate::fast_ops`]'s (same results up to float rounding). Public
/// for profiling (`examples/profile_detector.rs`); [`Detector`] builds and caches its own.
pub fn build_plan(model: &InferenceModel, h: usize, w: usize, fast_ops: bool) -> TractResult<Plan> {
    let mut typed = model
        .clone()
        .with_input_fact(0, f32::fact([1, 3, h, w]).into())?
        .into_typed()?
        .into_decluttered()?;
    if fast_ops {
        crate::fast_ops::replace_max_pools(&mut typed)?;
        crate::fast_ops::replace_depthwise_convs(&mut typed)?;
    }
    typed.into_optimized()?.into_runnable()
}

/// Scale applied to the frame and the padded network input size `(scale, h, w)`.
pub fn input_geometry(width: u32, height: u32, max_side: u32) -> (f32, usize, usize) {
    let long = width.max(height).max(1);
    let scale = if long > max_side.max(32) {
        max_side.max(32) as f32 / long as f32
    } else {
        1.0
    };
    let sw = ((width as f32 * scale).round() as usize).max(1);
    let sh = ((height as f32 * scale).round() as usize).max(1);
    (scale, sh.div_ceil(32) * 32, sw.div_ceil(32) * 32)
}

/// Scales the frame and writes it as BGR planes into a zero-padded `[1, 3, h, w]` tensor.
pub fn preprocess(image: &RgbImage, scale: f32, h: usize, w: usize) -> Result<Tensor> {
    let scaled;
    let src = if scale < 1.0 {
        let sw = ((image.width() as f32 * scale).round() as u32).clamp(1, w as u32);
        let sh = ((image.height() as f32 * scale).round() as u32).clamp(1, h as u32);
        scaled = if image.width() == 2 * sw && image.height() == 2 * sh {
            halve(image)
        } else {
            image::imageops::resize(image, sw, sh, FilterType::Triangle)
        };
        &scaled
    } else {
        image
    };
    let mut data = vec![0f32; 3 * h * w];
    let plane = h * w;
    let (iw, ih) = (src.width() as usize, src.height() as usize);
    let raw = src.as_raw();
    for y in 0..ih.min(h) {
        let row = &raw[y * iw * 3..(y + 1) * iw * 3];
        let base = y * w;
        for (x, px) in row.chunks_exact(3).take(w).enumerate() {
            data[base + x] = f32::from(px[2]);
            data[plane + base + x] = f32::from(px[1]);
            data[2 * plane + base + x] = f32::from(px[0]);
        }
    }
    Tensor::from_shape(&[1, 3, h, w], &data).map_err(|e| Error::Inference(e.to_string()))
}

/// Exact 2x2 box downscale (the 640x480 -> 320x240 case): several times cheaper than a general
/// resampling filter and just as good for an exact halving.
pub fn halve(image: &RgbImage) -> RgbImage {
    let (w, h) = (image.width() / 2, image.height() / 2);
    let src = image.as_raw();
    let stride = image.width() as usize * 3;
    let mut out = vec![0u8; w as usize * h as usize * 3];
    for y in 0..h as usize {
        let r0 = &src[2 * y * stride..(2 * y + 1) * stride];
        let r1 = &src[(2 * y + 1) * stride..(2 * y + 2) * stride];
        let dst = &mut out[y * w as usize * 3..(y + 1) * w as usize * 3];
        for x in 0..w as usize {
            for c in 0..3 {
                let sum = u16::from(r0[6 * x + c])
                    + u16::from(r0[6 * x + 3 + c])
                    + u16::from(r1[6 * x + c])
                    + u16::from(r1[6 * x + 3 + c]);
                dst[3 * x + c] = ((sum + 2) / 4) as u8;
            }
        }
    }
    RgbImage::from_raw(w, h, out).unwrap_or_else(|| RgbImage::new(w, h))
}

/// Decodes YuNet's 12 outputs for an `h` x `w` input into candidate faces (network pixels),
/// following OpenCV's `FaceDetectorYN` for this model version.
pub fn decode(outputs: &[&[f32]], h: usize, w: usize, threshold: f32) -> Result<Vec<Face>> {
    if outputs.len() != 12 {
        return Err(Error::Inference("YuNet decode needs 12 outputs".into()));
    }
    let mut faces = Vec::new();
    for (i, &s) in STRIDES.iter().enumerate() {
        let rows = h / s;
        let cols = w / s;
        let n = rows * cols;
        let (cls, obj, bbox, kps) = (outputs[i], outputs[3 + i], outputs[6 + i], outputs[9 + i]);
        if cls.len() < n || obj.len() < n || bbox.len() < 4 * n || kps.len() < 10 * n {
            return Err(Error::Inference(format!(
                "YuNet output for stride {s} is too short"
            )));
        }
        let sf = s as f32;
        for idx in 0..n {
            let score = (cls[idx].clamp(0.0, 1.0) * obj[idx].clamp(0.0, 1.0)).sqrt();
            if score < threshold {
                continue;
            }
            let row = (idx / cols) as f32;
            let col = (idx % cols) as f32;
            let b = &bbox[4 * idx..4 * idx + 4];
            let cx = (col + b[0]) * sf;
            let cy = (row + b[1]) * sf;
            let bw = b[2].exp() * sf;
            let bh = b[3].exp() * sf;
            let k = &kps[10 * idx..10 * idx + 10];
            let mut landmarks = [Point::default(); 5];
            for (n, p) in landmarks.iter_mut().enumerate() {
                *p = Point::new((col + k[2 * n]) * sf, (row + k[2 * n + 1]) * sf);
            }
            faces.push(Face {
                bbox: BBox {
                    x: cx - bw / 2.0,
                    y: cy - bh / 2.0,
                    width: bw,
                    height: bh,
                },
                score,
                landmarks,
            });
        }
    }
    Ok(faces)
}

/// Greedy non-maximum suppression by score.
pub fn nms(mut faces: Vec<Face>, iou: f32, top_k: usize) -> Vec<Face> {
    faces.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut kept: Vec<Face> = Vec::new();
    for f in faces {
        if kept.len() >= top_k {
            break;
        }
        if kept.iter().all(|k| k.bbox.iou(&f.bbox) <= iou) {
            kept.push(f);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_ops_replace_pools_and_depthwise_convs_and_keep_the_outputs() {
        let det = Detector::load(&ModelSource::Embedded, DetectorConfig::default()).expect("model");
        let (h, w) = (96, 128);
        let mut typed = det
            .model
            .clone()
            .with_input_fact(0, f32::fact([1, 3, h, w]).into())
            .and_then(|m| m.into_typed())
            .and_then(|m| m.into_decluttered())
            .expect("typed");
        assert_eq!(
            crate::fast_ops::replace_max_pools(&mut typed).expect("swap"),
            4,
            "YuNet has four 2x2 max-pools"
        );
        let depthwise = crate::fast_ops::replace_depthwise_convs(&mut typed).expect("swap");
        assert!(
            depthwise >= 10,
            "most 3x3 depthwise convolutions: {depthwise}"
        );
        let pixels: Vec<f32> = (0..3 * h * w).map(|i| ((i * 31) % 256) as f32).collect();
        let input = Tensor::from_shape(&[1, 3, h, w], &pixels).expect("input");
        let run = |fast: bool| {
            build_plan(&det.model, h, w, fast)
                .and_then(|plan| plan.run(tvec!(input.clone().into())))
                .expect("plan runs")
        };
        let (tract, ours) = (run(false), run(true));
        assert_eq!(tract.len(), 12);
        for (i, (a, b)) in tract.iter().zip(ours.iter()).enumerate() {
            let (a, b) = (
                a.to_plain_array_view::<f32>().expect("f32"),
                b.to_plain_array_view::<f32>().expect("f32"),
            );
            assert_eq!(a.shape(), b.shape());
            let worst = a
                .iter()
                .zip(b.iter())
                .map(|(x, y)| (x - y).abs() / x.abs().max(1.0))
                .fold(0f32, f32::max);
            assert!(worst < 1e-4, "output {i}: relative difference {worst}");
        }
    }

    #[test]
    fn geometry_pads_to_multiples_of_32_and_scales_down_only() {
        assert_eq!(input_geometry(640, 480, 640), (1.0, 480, 640));
        assert_eq!(input_geometry(320, 240, 640), (1.0, 256, 320));
        let (s, h, w) = input_geometry(1280, 960, 640);
        assert!((s - 0.5).abs() < 1e-6, "a 1280-wide frame halves");
        assert_eq!((h, w), (480, 640));
        let (_, h, w) = input_geometry(250, 250, 640);
        assert_eq!((h, w), (256, 256), "250 pads up to 256");
    }

    #[test]
    fn decode_follows_the_reference_formula() {
        // A 32x32 input: stride 8 has 16 anchors, stride 16 has 4, stride 32 has 1.
        let (h, w) = (32, 32);
        let mut cls: Vec<Vec<f32>> = vec![vec![0.0; 16], vec![0.0; 4], vec![0.0; 1]];
        let obj: Vec<Vec<f32>> = vec![vec![1.0; 16], vec![1.0; 4], vec![1.0; 1]];
        let mut bbox: Vec<Vec<f32>> = vec![vec![0.0; 64], vec![0.0; 16], vec![0.0; 4]];
        let kps: Vec<Vec<f32>> = vec![vec![0.5; 160], vec![0.5; 40], vec![0.5; 10]];
        // Anchor (row 1, col 2) at stride 8 scores sqrt(0.81) = 0.9.
        let idx = 4 + 2;
        cls[0][idx] = 0.81;
        bbox[0][4 * idx..4 * idx + 4].copy_from_slice(&[0.5, 0.25, 0.0, (2.0f32).ln()]);
        let outs: Vec<&[f32]> = cls
            .iter()
            .chain(obj.iter())
            .chain(bbox.iter())
            .chain(kps.iter())
            .map(|v| v.as_slice())
            .collect();
        let faces = decode(&outs, h, w, 0.5).expect("well-formed outputs");
        assert_eq!(faces.len(), 1, "only one anchor passes the threshold");
        let f = &faces[0];
        assert!((f.score - 0.9).abs() < 1e-6);
        // centre ((2 + 0.5) * 8, (1 + 0.25) * 8) = (20, 10); size 8 x 16.
        assert!((f.bbox.x - 16.0).abs() < 1e-5 && (f.bbox.y - 2.0).abs() < 1e-5);
        assert!((f.bbox.width - 8.0).abs() < 1e-5 && (f.bbox.height - 16.0).abs() < 1e-4);
        assert!((f.landmarks[0].x - 20.0).abs() < 1e-5 && (f.landmarks[0].y - 12.0).abs() < 1e-5);
    }

    #[test]
    fn halving_averages_two_by_two_blocks() {
        let img = RgbImage::from_fn(4, 2, |x, _| image::Rgb([(x * 10) as u8, 100, 255]));
        let half = halve(&img);
        assert_eq!(half.dimensions(), (2, 1));
        assert_eq!(
            half.get_pixel(0, 0).0,
            [5, 100, 255],
            "mean of 0 and 10, rounded"
        );
        assert_eq!(half.get_pixel(1, 0).0, [25, 100, 255]);
    }

    #[test]
    fn nms_keeps_the_best_of_overlapping_boxes() {
        let face = |x: f32, score: f32| Face {
            bbox: BBox {
                x,
                y: 0.0,
                width: 10.0,
                height: 10.0,
            },
            score,
            landmarks: [Point::default(); 5],
        };
        let kept = nms(
            vec![face(0.0, 0.7), face(1.0, 0.9), face(50.0, 0.8)],
            0.3,
            10,
        );
        let scores: Vec<f32> = kept.iter().map(|f| f.score).collect();
        assert_eq!(
            scores,
            vec![0.9, 0.8],
            "the 0.7 box overlaps the 0.9 box and goes"
        );
        assert_eq!(
            nms(vec![face(0.0, 0.9), face(50.0, 0.8)], 0.3, 1).len(),
            1,
            "top_k caps"
        );
    }
}
