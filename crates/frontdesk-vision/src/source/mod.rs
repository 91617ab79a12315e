//! Frame sources: the webcam and a replay of recorded frames behind one trait, so everything
//! after capture runs the identical pipeline in tests, demos and at the desk.

#[cfg(feature = "camera")]
pub mod camera;
pub mod replay;

use std::time::Duration;

use image::RgbImage;

use crate::Result;

/// One captured frame, decoded to 8-bit RGB.
#[derive(Debug, Clone)]
pub struct Frame {
    pub image: RgbImage,
    /// Position in the stream, from 0.
    pub index: u64,
    /// Time since the source was opened (camera) or the frame's position at the nominal rate
    /// (replay).
    pub timestamp: Duration,
}

/// Anything that yields frames. Not `Send`: some camera backends are bound to the thread that
/// opened them, so open the source on the capture thread and send frames out of it.
pub trait FrameSource {
    /// The next frame; `Ok(None)` at the end of a finite stream. An error concerns one frame
    /// (a corrupt file in a replay folder, a dropped camera buffer): callers may keep reading.
    fn next_frame(&mut self) -> Result<Option<Frame>>;

    /// What this source is, for logs and the operator screen.
    fn describe(&self) -> String;
}

#[cfg(feature = "camera")]
pub use camera::{CameraConfig, CameraInfo, CameraSelector, CameraSource, list_cameras};
pub use replay::ReplaySource;
