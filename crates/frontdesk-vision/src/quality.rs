//! Quality gates run before enrolment and identification. Each rejection carries a reason a
//! kiosk can show.

use image::RgbImage;
use serde::{Deserialize, Serialize};

use crate::detect::Face;

/// Why a frame or photo cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Rejection {
    NoFace,
    /// Two faces of similar size: we cannot tell who is checking in.
    SeveralFaces,
    TooSmall,
    /// The face runs off the edge of the frame.
    CutOff,
    Blurry,
    /// Head turned, tilted or nodded too far.
    NotFacingCamera,
    TooDark,
    TooBright,
}

impl Rejection {
    /// Short instruction for the person in front of the kiosk.
    pub fn message(&self) -> &'static str {
        match self {
            Rejection::NoFace => "No face found: look at the camera",
            Rejection::SeveralFaces => "One person at a time, please",
            Rejection::TooSmall => "Move closer",
            Rejection::CutOff => "Move to the centre of the picture",
            Rejection::Blurry => "Hold still",
            Rejection::NotFacingCamera => "Look at the camera",
            Rejection::TooDark => "Too dark",
            Rejection::TooBright => "Too bright",
        }
    }
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct QualityConfig {
    /// Minimum distance between the eyes, in original pixels.
    pub min_eye_distance: f32,
    /// The dominant face must be at least this many times larger (area) than the next one.
    pub dominance: f32,
    /// Minimum variance of the Laplacian over the chip's centre (grey levels squared).
    pub min_sharpness: f32,
    /// Largest |yaw| proxy: horizontal offset of the nose from the eye midpoint, in eye
    /// distances.
    pub max_yaw: f32,
    /// Largest tilt of the eye line, degrees.
    pub max_roll_deg: f32,
    /// Allowed range of the nose's vertical position between eye line (0) and mouth line (1).
    pub pitch_range: (f32, f32),
    /// Allowed range of the chip centre's mean brightness (0..255).
    pub brightness_range: (f32, f32),
    /// How far (in eye distances) the landmarks may lie outside the frame before it is "cut off".
    pub max_outside: f32,
}

impl Default for QualityConfig {
    fn default() -> Self {
        Self {
            min_eye_distance: 24.0,
            dominance: 1.8,
            min_sharpness: 12.0,
            max_yaw: 0.35,
            max_roll_deg: 25.0,
            pitch_range: (0.25, 0.80),
            brightness_range: (45.0, 215.0),
            max_outside: 0.0,
        }
    }
}

/// Measured properties of one face.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct QualityReport {
    pub eye_distance: f32,
    pub yaw: f32,
    pub roll_deg: f32,
    pub pitch: f32,
    pub sharpness: f32,
    pub brightness: f32,
    /// 0..1, higher is better; stored with the embedding to prefer the best images.
    pub score: f32,
}

/// Picks the face a kiosk should serve: the largest, ties broken by closeness to the centre.
/// `None` when there is no face; `Err(SeveralFaces)` when no face clearly dominates.
pub fn dominant_face<'a>(
    faces: &'a [Face],
    width: u32,
    height: u32,
    config: &QualityConfig,
) -> Result<Option<&'a Face>, Rejection> {
    let centre = crate::geometry::Point::new(width as f32 / 2.0, height as f32 / 2.0);
    let diag = ((width * width + height * height) as f32).sqrt().max(1.0);
    // Area weighted down by distance from the centre (up to half at a corner).
    let weight =
        |f: &Face| f.bbox.area() * (1.0 - 0.5 * f.bbox.center().distance(centre) / (diag / 2.0));
    let mut sorted: Vec<&Face> = faces.iter().collect();
    sorted.sort_by(|a, b| weight(b).total_cmp(&weight(a)));
    match sorted.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one)),
        [first, second, ..] => {
            if weight(first) >= config.dominance * weight(second) {
                Ok(Some(first))
            } else {
                Err(Rejection::SeveralFaces)
            }
        }
    }
}

/// Geometry-only checks (from landmarks), cheap enough for every frame.
pub fn pose(face: &Face) -> (f32, f32, f32, f32) {
    let [le, re, nose, lm, rm] = face.landmarks;
    let eye_mid = le.midpoint(re);
    let mouth_mid = lm.midpoint(rm);
    let eye_distance = le.distance(re).max(1e-3);
    let roll = (re.y - le.y).atan2(re.x - le.x).to_degrees();
    // Project the nose onto the eye axis to measure yaw independent of roll.
    let (ux, uy) = ((re.x - le.x) / eye_distance, (re.y - le.y) / eye_distance);
    let yaw = ((nose.x - eye_mid.x) * ux + (nose.y - eye_mid.y) * uy) / eye_distance;
    let (vx, vy) = (mouth_mid.x - eye_mid.x, mouth_mid.y - eye_mid.y);
    let vlen2 = (vx * vx + vy * vy).max(1e-6);
    let pitch = ((nose.x - eye_mid.x) * vx + (nose.y - eye_mid.y) * vy) / vlen2;
    (eye_distance, yaw, roll, pitch)
}

/// Variance of the 4-neighbour Laplacian and mean brightness over the central part of a chip.
pub fn sharpness_and_brightness(chip: &RgbImage) -> (f32, f32) {
    let (w, h) = chip.dimensions();
    if w < 8 || h < 8 {
        return (0.0, 0.0);
    }
    let gray = |x: u32, y: u32| {
        let p = chip.get_pixel(x, y);
        0.299 * f32::from(p[0]) + 0.587 * f32::from(p[1]) + 0.114 * f32::from(p[2])
    };
    // The central 60% holds the face; the corners hold background and black padding.
    let (x0, x1, y0, y1) = (w / 5, w - w / 5, h / 5, h - h / 5);
    let (mut sum, mut sum2, mut bright, mut n) = (0f64, 0f64, 0f64, 0f64);
    for y in y0.max(1)..y1.min(h - 1) {
        for x in x0.max(1)..x1.min(w - 1) {
            let c = gray(x, y);
            let lap = gray(x - 1, y) + gray(x + 1, y) + gray(x, y - 1) + gray(x, y + 1) - 4.0 * c;
            sum += f64::from(lap);
            sum2 += f64::from(lap) * f64::from(lap);
            bright += f64::from(c);
            n += 1.0;
        }
    }
    if n == 0.0 {
        return (0.0, 0.0);
    }
    let mean = sum / n;
    (((sum2 / n) - mean * mean) as f32, (bright / n) as f32)
}

/// Runs every gate on one face and its chip.
pub fn assess(
    face: &Face,
    chip: &RgbImage,
    frame_width: u32,
    frame_height: u32,
    config: &QualityConfig,
) -> Result<QualityReport, (Rejection, QualityReport)> {
    let (eye_distance, yaw, roll_deg, pitch) = pose(face);
    let (sharpness, brightness) = sharpness_and_brightness(chip);
    let size_score = (eye_distance / (2.0 * config.min_eye_distance)).min(1.0);
    let pose_score = (1.0 - yaw.abs() / config.max_yaw.max(1e-3)).clamp(0.0, 1.0);
    let sharp_score = (sharpness / (4.0 * config.min_sharpness)).min(1.0);
    let report = QualityReport {
        eye_distance,
        yaw,
        roll_deg,
        pitch,
        sharpness,
        brightness,
        score: (size_score * pose_score * sharp_score).clamp(0.0, 1.0),
    };
    let margin = config.max_outside * eye_distance;
    let outside = face.landmarks.iter().any(|p| {
        p.x < -margin
            || p.y < -margin
            || p.x > frame_width as f32 + margin
            || p.y > frame_height as f32 + margin
    });
    let reject = if eye_distance < config.min_eye_distance {
        Some(Rejection::TooSmall)
    } else if outside {
        Some(Rejection::CutOff)
    } else if yaw.abs() > config.max_yaw
        || roll_deg.abs() > config.max_roll_deg
        || pitch < config.pitch_range.0
        || pitch > config.pitch_range.1
    {
        Some(Rejection::NotFacingCamera)
    } else if brightness < config.brightness_range.0 {
        Some(Rejection::TooDark)
    } else if brightness > config.brightness_range.1 {
        Some(Rejection::TooBright)
    } else if sharpness < config.min_sharpness {
        Some(Rejection::Blurry)
    } else {
        None
    };
    match reject {
        Some(r) => Err((r, report)),
        None => Ok(report),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::{BBox, Point};
    use image::Rgb;

    fn frontal(x: f32, y: f32, eye: f32) -> Face {
        Face {
            bbox: BBox {
                x: x - eye,
                y: y - eye,
                width: 2.0 * eye,
                height: 2.5 * eye,
            },
            score: 0.9,
            landmarks: [
                Point::new(x - eye / 2.0, y),
                Point::new(x + eye / 2.0, y),
                Point::new(x, y + 0.5 * eye),
                Point::new(x - 0.4 * eye, y + eye),
                Point::new(x + 0.4 * eye, y + eye),
            ],
        }
    }

    fn textured(level: u8) -> RgbImage {
        RgbImage::from_fn(150, 150, |x, y| {
            let v = if (x / 3 + y / 3) % 2 == 0 {
                level.saturating_add(20)
            } else {
                level.saturating_sub(20)
            };
            Rgb([v, v, v])
        })
    }

    #[test]
    fn a_good_frontal_face_passes() {
        let r = assess(
            &frontal(320.0, 240.0, 60.0),
            &textured(120),
            640,
            480,
            &QualityConfig::default(),
        );
        assert!(r.is_ok(), "{r:?}");
    }

    #[test]
    fn each_gate_gives_its_reason() {
        let cfg = QualityConfig::default();
        let chip = textured(120);
        let small = assess(&frontal(320.0, 240.0, 10.0), &chip, 640, 480, &cfg);
        assert_eq!(small.err().map(|e| e.0), Some(Rejection::TooSmall));
        let mut turned = frontal(320.0, 240.0, 60.0);
        turned.landmarks[2].x += 40.0;
        assert_eq!(
            assess(&turned, &chip, 640, 480, &cfg).err().map(|e| e.0),
            Some(Rejection::NotFacingCamera)
        );
        let dark = assess(&frontal(320.0, 240.0, 60.0), &textured(25), 640, 480, &cfg);
        assert_eq!(dark.err().map(|e| e.0), Some(Rejection::TooDark));
        let flat = RgbImage::from_pixel(150, 150, Rgb([120, 120, 120]));
        let blur = assess(&frontal(320.0, 240.0, 60.0), &flat, 640, 480, &cfg);
        assert_eq!(blur.err().map(|e| e.0), Some(Rejection::Blurry));
        let edge = assess(&frontal(630.0, 240.0, 60.0), &chip, 640, 480, &cfg);
        assert_eq!(edge.err().map(|e| e.0), Some(Rejection::CutOff));
        assert_eq!(Rejection::TooSmall.message(), "Move closer");
    }

    #[test]
    fn dominant_face_is_largest_and_central_or_ambiguous() {
        let cfg = QualityConfig::default();
        let big = frontal(320.0, 240.0, 80.0);
        let small = frontal(100.0, 100.0, 30.0);
        let faces = vec![small.clone(), big.clone()];
        let chosen = dominant_face(&faces, 640, 480, &cfg)
            .expect("clear winner")
            .expect("face");
        assert_eq!(chosen, &big);
        let twins = vec![frontal(200.0, 240.0, 60.0), frontal(440.0, 240.0, 60.0)];
        assert_eq!(
            dominant_face(&twins, 640, 480, &cfg).err(),
            Some(Rejection::SeveralFaces)
        );
        assert_eq!(dominant_face(&[], 640, 480, &cfg), Ok(None));
    }
}
