//! The face engine: one struct owning the detector and embedder plans, turning a frame into
//! an observation (dominant face, quality, descriptor) and an identity.

use image::RgbImage;
use serde::{Deserialize, Serialize};

use crate::align::{Aligner, Alignment};
use crate::detect::{Detector, DetectorConfig, Face};
use crate::embed::{Descriptor, Embedder, Embedding};
use crate::index::{FaceIndex, Identification};
use crate::models::ModelSource;
use crate::quality::{self, QualityConfig, QualityReport, Rejection};
use crate::{Error, Result};

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct EngineConfig {
    pub detector: DetectorConfig,
    pub alignment: Alignment,
    pub quality: QualityConfig,
}

/// A face good enough to enrol or identify.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaceObservation {
    pub face: Face,
    pub quality: QualityReport,
    pub embedding: Embedding,
}

/// What one frame or photo gave.
#[derive(Debug, Clone, PartialEq)]
pub enum FrameAnalysis {
    Accepted(FaceObservation),
    /// `face` is the face that failed a gate, when there was one.
    Rejected {
        reason: Rejection,
        face: Option<Face>,
    },
}

/// Detector + aligner + embedder, built once and shared (all methods take `&self`).
pub struct FaceEngine {
    detector: Detector,
    aligner: Aligner,
    embedder: Embedder,
    config: EngineConfig,
}

impl FaceEngine {
    pub fn load(source: &ModelSource, config: EngineConfig) -> Result<Self> {
        Ok(Self {
            detector: Detector::load(source, config.detector)?,
            aligner: Aligner::load(source, config.alignment)?,
            embedder: Embedder::load(source)?,
            config,
        })
    }

    /// The embedded models with default settings.
    pub fn with_defaults() -> Result<Self> {
        Self::load(&ModelSource::Embedded, EngineConfig::default())
    }

    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    pub fn detector(&self) -> &Detector {
        &self.detector
    }

    pub fn aligner(&self) -> &Aligner {
        &self.aligner
    }

    pub fn embedder(&self) -> &Embedder {
        &self.embedder
    }

    pub fn detect(&self, image: &RgbImage) -> Result<Vec<Face>> {
        self.detector.detect(image)
    }

    /// The aligned 150x150 chip of one face.
    pub fn chip(&self, image: &RgbImage, face: &Face) -> Result<RgbImage> {
        self.aligner
            .chip(image, face)
            .ok_or_else(|| Error::BadInput("degenerate landmarks".into()))
    }

    pub fn embed_face(&self, image: &RgbImage, face: &Face) -> Result<Embedding> {
        self.embedder.embed(&self.chip(image, face)?)
    }

    /// Detects, picks the dominant face, runs the quality gates and, if they pass, embeds it
    /// with one pass of the network (live frames; see [`FaceEngine::observe_with`]).
    pub fn observe(&self, image: &RgbImage) -> Result<FrameAnalysis> {
        self.observe_with(image, Descriptor::Single)
    }

    /// [`FaceEngine::observe`] with a choice of descriptor: [`Descriptor::MirrorAveraged`] for
    /// images that go into a gallery.
    pub fn observe_with(&self, image: &RgbImage, descriptor: Descriptor) -> Result<FrameAnalysis> {
        let faces = self.detect(image)?;
        self.observe_faces_with(image, &faces, descriptor)
    }

    /// [`FaceEngine::observe`] for faces already detected (lets callers overlap stages).
    pub fn observe_faces(&self, image: &RgbImage, faces: &[Face]) -> Result<FrameAnalysis> {
        self.observe_faces_with(image, faces, Descriptor::Single)
    }

    /// [`FaceEngine::observe_with`] for faces already detected.
    pub fn observe_faces_with(
        &self,
        image: &RgbImage,
        faces: &[Face],
        descriptor: Descriptor,
    ) -> Result<FrameAnalysis> {
        let q = &self.config.quality;
        let face = match quality::dominant_face(faces, image.width(), image.height(), q) {
            Ok(Some(face)) => face,
            Ok(None) => {
                return Ok(FrameAnalysis::Rejected {
                    reason: Rejection::NoFace,
                    face: None,
                });
            }
            Err(reason) => return Ok(FrameAnalysis::Rejected { reason, face: None }),
        };
        let chip = self.chip(image, face)?;
        match quality::assess(face, &chip, image.width(), image.height(), q) {
            Ok(report) => Ok(FrameAnalysis::Accepted(FaceObservation {
                face: face.clone(),
                quality: report,
                embedding: self.embedder.embed_as(&chip, descriptor)?,
            })),
            Err((reason, _)) => Ok(FrameAnalysis::Rejected {
                reason,
                face: Some(face.clone()),
            }),
        }
    }

    /// The main face of a photo, embedded without quality gates (for evaluation and for
    /// operators importing photos): the largest face, ties broken by centrality. `None` when
    /// no face is found.
    pub fn embed_main_face(
        &self,
        image: &RgbImage,
        descriptor: Descriptor,
    ) -> Result<Option<FaceObservation>> {
        let faces = self.detect(image)?;
        let centre =
            crate::geometry::Point::new(image.width() as f32 / 2.0, image.height() as f32 / 2.0);
        let diag = (image.width() as f32).hypot(image.height() as f32).max(1.0);
        let weight = |f: &Face| {
            f.bbox.area() * (1.0 - 0.5 * f.bbox.center().distance(centre) / (diag / 2.0))
        };
        let Some(face) = faces.iter().max_by(|a, b| weight(a).total_cmp(&weight(b))) else {
            return Ok(None);
        };
        let chip = self.chip(image, face)?;
        let report = match quality::assess(
            face,
            &chip,
            image.width(),
            image.height(),
            &self.config.quality,
        ) {
            Ok(r) | Err((_, r)) => r,
        };
        Ok(Some(FaceObservation {
            face: face.clone(),
            quality: report,
            embedding: self.embedder.embed_as(&chip, descriptor)?,
        }))
    }

    /// One frame to an identity: `Ok(Err(reason))` when the frame is not usable.
    pub fn identify(
        &self,
        image: &RgbImage,
        index: &FaceIndex,
    ) -> Result<std::result::Result<(FaceObservation, Identification), Rejection>> {
        Ok(match self.observe(image)? {
            FrameAnalysis::Accepted(obs) => {
                let id = index.identify(&obs.embedding);
                Ok((obs, id))
            }
            FrameAnalysis::Rejected { reason, .. } => Err(reason),
        })
    }
}
