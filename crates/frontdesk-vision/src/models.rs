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

/// A network with one `[1, 3, side, side]` float32 input, optimised and made runnable by tract.
pub(crate) fn square_input_plan(
    (bytes, path): (Vec<u8>, PathBuf),
    side: usize,
) -> Result<std::sync::Arc<tract_onnx::prelude::TypedRunnableModel>> {
    use tract_onnx::prelude::*;
    tract_onnx::onnx()
        .model_for_read(&mut bytes.as_slice())
        .and_then(|m| m.with_input_fact(0, f32::fact([1, 3, side, side]).into()))
        .and_then(|m| m.into_optimized())
        .and_then(|m| m.into_runnable())
        .map_err(|e| Error::ModelLoad {
            path,
            message: e.to_string(),
        })
}

/// Runs a square-input network on `image` (its size must be the network's), laid out NCHW with
/// values 0..255 in RGB order, or BGR with `bgr`; returns the first output's values.
pub(crate) fn run_on_image(
    plan: &std::sync::Arc<tract_onnx::prelude::TypedRunnableModel>,
    image: &image::RgbImage,
    bgr: bool,
    what: &str,
) -> Result<Vec<f32>> {
    use tract_onnx::prelude::*;
    let (w, h) = (image.width() as usize, image.height() as usize);
    let plane = w * h;
    let mut data = vec![0f32; 3 * plane];
    let order = if bgr { [2, 1, 0] } else { [0, 1, 2] };
    for (i, px) in image.pixels().enumerate() {
        for (c, &src) in order.iter().enumerate() {
            data[c * plane + i] = f32::from(px[src]);
        }
    }
    let input =
        Tensor::from_shape(&[1, 3, h, w], &data).map_err(|e| Error::Inference(e.to_string()))?;
    let out = plan.run(tvec!(input.into()));
    crate::fast_ops::clear_avx_upper_state();
    let out = out.map_err(|e| Error::Inference(e.to_string()))?;
    let first = out
        .first()
        .ok_or_else(|| Error::Inference(format!("{what} network gave no output")))?;
    Ok(first
        .to_plain_array_view::<f32>()
        .map_err(|e| Error::Inference(e.to_string()))?
        .iter()
        .copied()
        .collect())
}
