//! Enrolment: 3 to 5 good images per person, from camera frames or photo files.
//!
//! The flow takes the candidate images and the current gallery and returns what to store: the
//! accepted embeddings (best quality first), the rejected images with a reason, and warnings.
//! It stores nothing itself; the caller writes the accepted embeddings to the database and
//! then applies them to the index ([`FaceIndex::replace_person`] or [`FaceIndex::add`]).

use std::path::PathBuf;

use image::RgbImage;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::embed::{Descriptor, Embedding};
use crate::image_io;
use crate::index::{EmbeddingId, FaceIndex, Match};
use crate::pipeline::{FaceEngine, FaceObservation, FrameAnalysis};
use crate::quality::Rejection;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EnrolmentPolicy {
    /// Fewer accepted images than this leaves the enrolment incomplete.
    pub min_images: usize,
    /// At most this many images are kept (the best by quality).
    pub max_images: usize,
    /// Two descriptors closer than this come from the same photo (re-encoded, resized or a
    /// burst of near-identical frames); different photos of one person are typically 0.25 to
    /// 0.45 apart.
    pub near_duplicate: f32,
    /// A new face this close to someone else's enrolled face raises a duplicate-identity
    /// warning.
    pub duplicate_identity: f32,
}

impl Default for EnrolmentPolicy {
    fn default() -> Self {
        Self {
            min_images: 3,
            max_images: 5,
            near_duplicate: 0.12,
            // Looser than identification: a warning for an operator to look at, not a decision.
            duplicate_identity: 0.5,
        }
    }
}

/// Whether the new images replace the person's enrolment or add to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EnrolmentMode {
    /// Re-enrolment: the old embeddings are dropped when the new ones are stored.
    Replace,
    /// Add images to the existing enrolment (near-duplicates of enrolled images are refused).
    Add,
}

/// One candidate image.
#[derive(Debug, Clone)]
pub enum EnrolmentInput {
    Frame(RgbImage),
    Photo(PathBuf),
    Bytes(Vec<u8>),
}

/// Why one image was not used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ImageRejection {
    /// The file could not be read or decoded (message for the operator).
    Unreadable(String),
    Quality(Rejection),
    /// Nearly the same as another image in this batch (`other_image`) or one already enrolled
    /// (`enrolled`).
    NearDuplicate {
        other_image: Option<usize>,
        enrolled: Option<EmbeddingId>,
        distance: f32,
    },
    /// More good images than `max_images`; the best were kept.
    Surplus,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum EnrolmentWarning {
    /// The face of image `image` matches someone else already enrolled.
    DuplicateIdentity {
        image: usize,
        other_person: Uuid,
        distance: f32,
    },
    NotEnoughImages {
        accepted: usize,
        required: usize,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AcceptedImage {
    /// Position in the input list.
    pub image: usize,
    pub observation: FaceObservation,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnrolmentOutcome {
    pub person: Uuid,
    pub mode: EnrolmentMode,
    /// Best quality first.
    pub accepted: Vec<AcceptedImage>,
    pub rejected: Vec<(usize, ImageRejection)>,
    pub warnings: Vec<EnrolmentWarning>,
}

impl EnrolmentOutcome {
    /// Enough good images to store.
    pub fn is_complete(&self) -> bool {
        !self
            .warnings
            .iter()
            .any(|w| matches!(w, EnrolmentWarning::NotEnoughImages { .. }))
    }

    pub fn embeddings(&self) -> Vec<Embedding> {
        self.accepted
            .iter()
            .map(|a| a.observation.embedding.clone())
            .collect()
    }

    pub fn has_duplicate_identity(&self) -> bool {
        self.warnings
            .iter()
            .any(|w| matches!(w, EnrolmentWarning::DuplicateIdentity { .. }))
    }
}

/// Runs detection, quality gates and embedding on every input, then [`decide`].
pub fn enrol(
    engine: &FaceEngine,
    person: Uuid,
    inputs: &[EnrolmentInput],
    gallery: &FaceIndex,
    mode: EnrolmentMode,
    policy: &EnrolmentPolicy,
) -> EnrolmentOutcome {
    let observed = inputs
        .iter()
        .map(|input| {
            let image = match input {
                EnrolmentInput::Frame(img) => Ok(img.clone()),
                EnrolmentInput::Photo(path) => image_io::load(path),
                EnrolmentInput::Bytes(bytes) => image_io::decode(bytes),
            };
            let image = image.map_err(|e| ImageRejection::Unreadable(e.to_string()))?;
            // Gallery descriptors get the mirror-averaged pass: paid once per enrolment,
            // it makes every later live frame match better.
            match engine.observe_with(&image, Descriptor::MirrorAveraged) {
                Ok(FrameAnalysis::Accepted(obs)) => Ok(obs),
                Ok(FrameAnalysis::Rejected { reason, .. }) => Err(ImageRejection::Quality(reason)),
                Err(e) => Err(ImageRejection::Unreadable(e.to_string())),
            }
        })
        .collect();
    decide(person, observed, gallery, mode, policy)
}

/// The enrolment decision from observed images (no models needed).
pub fn decide(
    person: Uuid,
    observed: Vec<Result<FaceObservation, ImageRejection>>,
    gallery: &FaceIndex,
    mode: EnrolmentMode,
    policy: &EnrolmentPolicy,
) -> EnrolmentOutcome {
    let mut rejected = Vec::new();
    let mut good = Vec::new();
    for (i, o) in observed.into_iter().enumerate() {
        match o {
            Ok(obs) => good.push((i, obs)),
            Err(r) => rejected.push((i, r)),
        }
    }
    // Best first, so a near-duplicate pair keeps its better image.
    good.sort_by(|a, b| {
        b.1.quality
            .score
            .total_cmp(&a.1.quality.score)
            .then(a.0.cmp(&b.0))
    });
    let enrolled = match mode {
        EnrolmentMode::Add => gallery.embeddings_of(person),
        EnrolmentMode::Replace => Vec::new(),
    };
    let mut accepted: Vec<AcceptedImage> = Vec::new();
    let mut warnings = Vec::new();
    for (i, obs) in good {
        let e = &obs.embedding;
        let batch_dup = accepted
            .iter()
            .map(|a| (a.image, a.observation.embedding.distance(e)))
            .filter(|(_, d)| *d < policy.near_duplicate)
            .min_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((other, distance)) = batch_dup {
            rejected.push((
                i,
                ImageRejection::NearDuplicate {
                    other_image: Some(other),
                    enrolled: None,
                    distance,
                },
            ));
            continue;
        }
        let enrolled_dup = enrolled
            .iter()
            .map(|(id, old)| (*id, old.distance(e)))
            .filter(|(_, d)| *d < policy.near_duplicate)
            .min_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((id, distance)) = enrolled_dup {
            rejected.push((
                i,
                ImageRejection::NearDuplicate {
                    other_image: None,
                    enrolled: Some(id),
                    distance,
                },
            ));
            continue;
        }
        let room = policy.max_images.saturating_sub(match mode {
            EnrolmentMode::Add => enrolled.len(),
            EnrolmentMode::Replace => 0,
        });
        if accepted.len() >= room {
            rejected.push((i, ImageRejection::Surplus));
            continue;
        }
        if let Some(Match {
            person: other,
            distance,
            ..
        }) = gallery.nearest_other(e, person)
            && distance <= policy.duplicate_identity
        {
            warnings.push(EnrolmentWarning::DuplicateIdentity {
                image: i,
                other_person: other,
                distance,
            });
        }
        accepted.push(AcceptedImage {
            image: i,
            observation: obs,
        });
    }
    let total = accepted.len()
        + match mode {
            EnrolmentMode::Add => enrolled.len(),
            EnrolmentMode::Replace => 0,
        };
    if total < policy.min_images {
        warnings.push(EnrolmentWarning::NotEnoughImages {
            accepted: total,
            required: policy.min_images,
        });
    }
    rejected.sort_by_key(|(i, _)| *i);
    EnrolmentOutcome {
        person,
        mode,
        accepted,
        rejected,
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::Face;
    use crate::geometry::BBox;
    use crate::index::{IndexConfig, SplitMix, synthetic_embeddings};
    use crate::quality::QualityReport;

    fn obs(e: Embedding, score: f32) -> FaceObservation {
        FaceObservation {
            face: Face {
                bbox: BBox::default(),
                score: 0.9,
                landmarks: Default::default(),
            },
            quality: QualityReport {
                eye_distance: 60.0,
                yaw: 0.0,
                roll_deg: 0.0,
                pitch: 0.5,
                sharpness: 100.0,
                brightness: 120.0,
                score,
            },
            embedding: e,
        }
    }

    fn jitter(e: &Embedding, amount: f32, seed: u64) -> Embedding {
        let mut rng = SplitMix(seed);
        Embedding::new(
            e.as_slice()
                .iter()
                .map(|v| v + rng.gauss() * amount)
                .collect(),
        )
        .expect("finite")
    }

    #[test]
    fn near_duplicates_are_refused_and_the_best_kept() {
        let base = synthetic_embeddings(4, 5);
        let person = Uuid::from_u128(1);
        let gallery = FaceIndex::new(IndexConfig::default());
        // Images 0 and 2 are the same photo (tiny jitter); image 2 has the better quality.
        let observed = vec![
            Ok(obs(base[0].clone(), 0.5)),
            Ok(obs(base[1].clone(), 0.6)),
            Ok(obs(jitter(&base[0], 0.002, 9), 0.9)),
            Ok(obs(base[2].clone(), 0.7)),
            Err(ImageRejection::Quality(Rejection::TooDark)),
        ];
        let out = decide(
            person,
            observed,
            &gallery,
            EnrolmentMode::Replace,
            &EnrolmentPolicy::default(),
        );
        let kept: Vec<usize> = out.accepted.iter().map(|a| a.image).collect();
        assert_eq!(
            kept,
            vec![2, 3, 1],
            "best quality first; image 0 duplicates image 2"
        );
        assert!(matches!(
            out.rejected[0],
            (
                0,
                ImageRejection::NearDuplicate {
                    other_image: Some(2),
                    ..
                }
            )
        ));
        assert!(matches!(
            out.rejected[1],
            (4, ImageRejection::Quality(Rejection::TooDark))
        ));
        assert!(out.is_complete(), "three images is enough");
    }

    #[test]
    fn duplicate_identity_and_too_few_images_warn() {
        let base = synthetic_embeddings(3, 8);
        let someone_else = Uuid::from_u128(2);
        let gallery =
            FaceIndex::build([(1, someone_else, base[0].clone())], IndexConfig::default());
        let me = Uuid::from_u128(1);
        let observed = vec![
            Ok(obs(jitter(&base[0], 0.02, 1), 0.8)),
            Ok(obs(base[1].clone(), 0.7)),
        ];
        let out = decide(
            me,
            observed,
            &gallery,
            EnrolmentMode::Replace,
            &EnrolmentPolicy::default(),
        );
        assert!(out.has_duplicate_identity(), "{:?}", out.warnings);
        assert!(!out.is_complete(), "two images are not enough");
    }

    #[test]
    fn adding_refuses_an_image_already_enrolled() {
        let base = synthetic_embeddings(2, 3);
        let me = Uuid::from_u128(1);
        let gallery = FaceIndex::build([(7, me, base[0].clone())], IndexConfig::default());
        let observed = vec![Ok(obs(jitter(&base[0], 0.001, 4), 0.8))];
        let out = decide(
            me,
            observed,
            &gallery,
            EnrolmentMode::Add,
            &EnrolmentPolicy::default(),
        );
        assert!(matches!(
            out.rejected[0].1,
            ImageRejection::NearDuplicate {
                enrolled: Some(7),
                ..
            }
        ));
        assert!(
            !out.has_duplicate_identity(),
            "one's own enrolment is not someone else"
        );
    }
}
