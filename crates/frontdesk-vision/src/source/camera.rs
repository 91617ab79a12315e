//! The webcam, through nokhwa (V4L2 on Linux, Media Foundation on Windows, AVFoundation on
//! macOS). Frames arrive as MJPEG or YUYV and are decoded to RGB by nokhwa.

use std::time::Instant;

use nokhwa::Camera;
use nokhwa::pixel_format::RgbFormat;
use nokhwa::utils::{
    ApiBackend, CameraFormat, CameraIndex, FrameFormat, RequestedFormat, RequestedFormatType,
    Resolution,
};

use super::{Frame, FrameSource};
use crate::{Error, Result};

/// A camera the system reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CameraInfo {
    pub index: u32,
    pub name: String,
    pub description: String,
}

/// Which camera to open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CameraSelector {
    Index(u32),
    /// Case-insensitive substring of the camera's name.
    Name(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CameraConfig {
    pub camera: CameraSelector,
    /// Requested resolution; the closest the camera offers is used.
    pub width: u32,
    pub height: u32,
    pub fps: u32,
    /// Prefer MJPEG (less USB bandwidth); YUYV otherwise.
    pub mjpeg: bool,
}

impl Default for CameraConfig {
    fn default() -> Self {
        Self {
            camera: CameraSelector::Index(0),
            width: 640,
            height: 480,
            fps: 30,
            mjpeg: true,
        }
    }
}

/// Lists the cameras the system reports (an empty list on a machine without any).
pub fn list_cameras() -> Result<Vec<CameraInfo>> {
    let found = nokhwa::query(ApiBackend::Auto).map_err(|e| map_error(&e.to_string()))?;
    Ok(found
        .iter()
        .enumerate()
        .map(|(i, c)| CameraInfo {
            index: match c.index() {
                CameraIndex::Index(n) => *n,
                CameraIndex::String(_) => i as u32,
            },
            name: c.human_name(),
            description: c.description().to_string(),
        })
        .collect())
}

/// An open webcam stream.
pub struct CameraSource {
    camera: Camera,
    opened: Instant,
    count: u64,
    label: String,
}

impl CameraSource {
    pub fn open(config: &CameraConfig) -> Result<Self> {
        let cameras = list_cameras()?;
        let info = match &config.camera {
            CameraSelector::Index(i) => cameras.iter().find(|c| c.index == *i).cloned(),
            CameraSelector::Name(name) => {
                let needle = name.to_lowercase();
                cameras
                    .iter()
                    .find(|c| c.name.to_lowercase().contains(&needle))
                    .cloned()
            }
        };
        let info = match info {
            Some(info) => info,
            None if cameras.is_empty() => return Err(Error::NoCamera),
            None => {
                return Err(Error::CameraNotFound(match &config.camera {
                    CameraSelector::Index(i) => format!("#{i}"),
                    CameraSelector::Name(n) => format!("\"{n}\""),
                }));
            }
        };
        let format = if config.mjpeg {
            FrameFormat::MJPEG
        } else {
            FrameFormat::YUYV
        };
        let wanted = CameraFormat::new(
            Resolution::new(config.width, config.height),
            format,
            config.fps,
        );
        let requested = RequestedFormat::new::<RgbFormat>(RequestedFormatType::Closest(wanted));
        let mut camera = Camera::new(CameraIndex::Index(info.index), requested)
            .map_err(|e| map_error(&e.to_string()))?;
        camera
            .open_stream()
            .map_err(|e| map_error(&e.to_string()))?;
        Ok(Self {
            camera,
            opened: Instant::now(),
            count: 0,
            label: format!("camera #{} {}", info.index, info.name),
        })
    }
}

impl FrameSource for CameraSource {
    fn next_frame(&mut self) -> Result<Option<Frame>> {
        let buffer = self.camera.frame().map_err(|e| map_error(&e.to_string()))?;
        let image = buffer
            .decode_image::<RgbFormat>()
            .map_err(|e| Error::Camera(format!("cannot decode frame: {e}")))?;
        let frame = Frame {
            image,
            index: self.count,
            timestamp: self.opened.elapsed(),
        };
        self.count += 1;
        Ok(Some(frame))
    }

    fn describe(&self) -> String {
        self.label.clone()
    }
}

/// Turns a backend message into an error the operator can act on.
pub fn map_error(message: &str) -> Error {
    let m = message.to_lowercase();
    if m.contains("busy") || m.contains("ebusy") {
        Error::CameraBusy
    } else if m.contains("permission denied")
        || m.contains("eacces")
        || m.contains("not authorized")
    {
        Error::CameraPermission
    } else if m.contains("no such file") || m.contains("no such device") || m.contains("enoent") {
        Error::NoCamera
    } else {
        Error::Camera(message.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_messages_map_to_actionable_errors() {
        assert!(matches!(
            map_error("Device or resource busy (os error 16)"),
            Error::CameraBusy
        ));
        assert!(matches!(
            map_error("Permission denied (os error 13)"),
            Error::CameraPermission
        ));
        assert!(matches!(
            map_error("No such file or directory (os error 2)"),
            Error::NoCamera
        ));
        assert!(matches!(map_error("something else"), Error::Camera(_)));
    }

    #[test]
    fn opening_without_a_camera_is_a_clear_error() {
        // These machines have no /dev/video*: opening must fail cleanly, never panic.
        match list_cameras() {
            Ok(list) if list.is_empty() => {
                let err = CameraSource::open(&CameraConfig::default()).err();
                assert!(matches!(err, Some(Error::NoCamera)), "got {err:?}");
                let by_name = CameraConfig {
                    camera: CameraSelector::Name("Logitech".into()),
                    ..CameraConfig::default()
                };
                assert!(matches!(
                    CameraSource::open(&by_name).err(),
                    Some(Error::NoCamera)
                ));
            }
            Ok(list) => eprintln!(
                "note: {} camera(s) present, no-camera path not checked",
                list.len()
            ),
            Err(e) => eprintln!("note: camera query failed ({e}); no-camera path not checked"),
        }
    }
}
