//! One error type for the face engine.

use std::path::PathBuf;

/// Everything that can go wrong in the face engine. Messages are for logs and operators; the
/// kiosk shows [`crate::quality::Rejection`] reasons instead.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    IoPlain(#[from] std::io::Error),
    #[error("image is empty (0 bytes)")]
    EmptyImage,
    #[error("unrecognised or unsupported image format")]
    UnknownFormat,
    #[error(
        "image is {width}x{height}, larger than the {max_pixels}-pixel limit; refused before decoding"
    )]
    ImageTooLarge {
        width: u32,
        height: u32,
        max_pixels: u64,
    },
    #[error("image is {width}x{height}, too small to hold a face")]
    ImageTooSmall { width: u32, height: u32 },
    #[error("cannot decode image: {0}")]
    Decode(String),
    #[error("cannot load model {path}: {message}")]
    ModelLoad { path: PathBuf, message: String },
    #[error("inference failed: {0}")]
    Inference(String),
    #[error("no camera found")]
    NoCamera,
    #[error("camera {0} not found")]
    CameraNotFound(String),
    #[error("camera is busy (used by another program)")]
    CameraBusy,
    #[error("permission to use the camera was denied")]
    CameraPermission,
    #[error("camera error: {0}")]
    Camera(String),
    #[error("no frames in {0}")]
    NoFrames(PathBuf),
    #[error("embedding must have {expected} values, got {got}")]
    EmbeddingLength { expected: usize, got: usize },
    #[error("embedding bytes must be {expected} long, got {got}")]
    EmbeddingBytes { expected: usize, got: usize },
    #[error("embedding contains a value that is not finite")]
    EmbeddingNotFinite,
    #[error("index cache {path} is unusable: {reason}")]
    IndexCache { path: PathBuf, reason: String },
    #[error("bad input data: {0}")]
    BadInput(String),
    #[error("reference pipeline failed: {0}")]
    Reference(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}
