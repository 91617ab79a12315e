//! Where the models come from (four ONNX networks and dlib's landmark model). All ship inside the binary (nothing is downloaded at
//! build or run time); a directory holding files of the same names can replace them, for
//! example to try a re-exported model without rebuilding.
//!
//! Provenance, licences and checksums: `models/README.md` at the top of the repository.

use std::path::{Path, PathBuf};

use crate::{Error, Result};

pub const DETECTOR_FILE: &str = "face_detection_yunet_2023mar.onnx";
pub const EMBEDDER_FILE: &str = "dlib_face_recognition_resnet_v1.onnx";
/// dlib's serialised 5-point landmark model (not ONNX: parsed by [`crate::shape`]).
pub const SHAPE_PREDICTOR_FILE: &str = "shape_predictor_5_face_landmarks.dat";
/// The anti-spoof pair ([`crate::antispoof`]): MiniFASNet V2 on 2.7× crops, V1SE on 4.0×.
pub const ANTISPOOF_V2_FILE: &str = "minifasnet_v2_2.7_80x80.onnx";
pub const ANTISPOOF_V1SE_FILE: &str = "minifasnet_v1se_4.0_80x80.onnx";

/// Identifies the descriptor model and the alignment feeding it, for the `model id` column stored
/// next to each embedding: vectors from different models must never be compared. `dlib5`: dlib's
/// 5-point landmarks and chip (the default [`crate::Alignment`]); descriptors stored under the
/// earlier `yunet5` id (YuNet-point chips) are not loaded and need a re-enrolment.
pub const EMBEDDER_MODEL_ID: &str = "dlib_resnet_v1/dlib5-chip150-p025";

static DETECTOR_BYTES: &[u8] = include_bytes!("../../../models/face_detection_yunet_2023mar.onnx");
static EMBEDDER_BYTES: &[u8] =
    include_bytes!("../../../models/dlib_face_recognition_resnet_v1.onnx");
static SHAPE_PREDICTOR_BYTES: &[u8] =
    include_bytes!("../../../models/shape_predictor_5_face_landmarks.dat");
static ANTISPOOF_V2_BYTES: &[u8] = include_bytes!("../../../models/minifasnet_v2_2.7_80x80.onnx");
static ANTISPOOF_V1SE_BYTES: &[u8] =
    include_bytes!("../../../models/minifasnet_v1se_4.0_80x80.onnx");

/// Where to load the models from.
#[derive(Debug, Clone, Default)]
pub enum ModelSource {
    /// The copies compiled into this crate.
    #[default]
    Embedded,
    /// A directory with [`DETECTOR_FILE`], [`EMBEDDER_FILE`] and [`SHAPE_PREDICTOR_FILE`].
    Dir(PathBuf),
}

impl ModelSource {
    pub(crate) fn detector(&self) -> Result<(Vec<u8>, PathBuf)> {
        self.read(DETECTOR_FILE, DETECTOR_BYTES)
    }

    pub(crate) fn embedder(&self) -> Result<(Vec<u8>, PathBuf)> {
        self.read(EMBEDDER_FILE, EMBEDDER_BYTES)
    }

    pub(crate) fn shape_predictor(&self) -> Result<(Vec<u8>, PathBuf)> {
        self.read(SHAPE_PREDICTOR_FILE, SHAPE_PREDICTOR_BYTES)
    }

    pub(crate) fn antispoof_v2(&self) -> Result<(Vec<u8>, PathBuf)> {
        self.read(ANTISPOOF_V2_FILE, ANTISPOOF_V2_BYTES)
    }

    pub(crate) fn antispoof_v1se(&self) -> Result<(Vec<u8>, PathBuf)> {
        self.read(ANTISPOOF_V1SE_FILE, ANTISPOOF_V1SE_BYTES)
    }

    fn read(&self, name: &str, embedded: &[u8]) -> Result<(Vec<u8>, PathBuf)> {
        match self {
            ModelSource::Embedded => Ok((embedded.to_vec(), Path::new("<embedded>").join(name))),
            ModelSource::Dir(dir) => {
                let path = dir.join(name);
                let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
                Ok((bytes, path))
            }
        }
    }
}
