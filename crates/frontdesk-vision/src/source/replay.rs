//! Replays a folder of images (or one image) as a frame stream.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{Frame, FrameSource};
use crate::{Error, Result, image_io};

const EXTENSIONS: [&str; 6] = ["jpg", "jpeg", "png", "bmp", "webp", "ppm"];

/// Frames from image files, in file-name order (recorded frames are named so they sort).
#[derive(Debug)]
pub struct ReplaySource {
    files: Vec<PathBuf>,
    next: usize,
    frame_interval: Duration,
    looping: bool,
    origin: PathBuf,
    /// `origin` is a folder, listed again at each loop: what the "camera" sees can be changed while
    /// it runs (a demo or a test puts another picture in front of it).
    folder: bool,
}

/// The image files of a folder in name order (non-image files skipped), or the one image `path`.
fn list(path: &Path) -> Result<Vec<PathBuf>> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    let mut files = Vec::new();
    if meta.is_dir() {
        for entry in std::fs::read_dir(path).map_err(|e| Error::io(path, e))? {
            let p = entry.map_err(|e| Error::io(path, e))?.path();
            let is_image = p
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()));
            if is_image && p.is_file() {
                files.push(p);
            }
        }
        files.sort();
    } else {
        files.push(path.to_path_buf());
    }
    if files.is_empty() {
        return Err(Error::NoFrames(path.to_path_buf()));
    }
    Ok(files)
}

impl ReplaySource {
    /// A folder of images (non-image files are skipped) or a single image file.
    pub fn open(path: &Path) -> Result<Self> {
        let files = list(path)?;
        let mut source = Self::from_files(files, path);
        source.folder = std::fs::metadata(path).is_ok_and(|m| m.is_dir());
        Ok(source)
    }

    /// Frames from an explicit list of files, in the given order.
    pub fn from_files(files: Vec<PathBuf>, origin: &Path) -> Self {
        Self {
            files,
            next: 0,
            frame_interval: Duration::from_millis(33),
            looping: false,
            origin: origin.to_path_buf(),
            folder: false,
        }
    }

    /// Starts again from the first frame after the last (a demo loop).
    pub fn looping(mut self, looping: bool) -> Self {
        self.looping = looping;
        self
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

impl FrameSource for ReplaySource {
    fn next_frame(&mut self) -> Result<Option<Frame>> {
        if self.next >= self.files.len() {
            if !self.looping || self.files.is_empty() {
                return Ok(None);
            }
            self.next = 0;
            if self.folder {
                // An empty or vanished folder keeps the frames it had (a picture being swapped).
                if let Ok(files) = list(&self.origin) {
                    self.files = files;
                }
            }
        }
        let i = self.next;
        self.next += 1;
        let image = image_io::load(&self.files[i])?;
        Ok(Some(Frame {
            image,
            index: i as u64,
            timestamp: self.frame_interval * i as u32,
        }))
    }

    fn describe(&self) -> String {
        format!(
            "replay of {} frame(s) from {}",
            self.files.len(),
            self.origin.display()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage};

    #[test]
    fn replays_images_in_name_order_and_reports_bad_files() {
        let dir = tempfile::tempdir().expect("temp dir");
        RgbImage::from_pixel(40, 30, Rgb([1, 2, 3]))
            .save(dir.path().join("b.png"))
            .expect("write");
        RgbImage::from_pixel(50, 30, Rgb([1, 2, 3]))
            .save(dir.path().join("a.png"))
            .expect("write");
        std::fs::write(dir.path().join("c.jpg"), b"").expect("write");
        std::fs::write(dir.path().join("notes.txt"), b"skip me").expect("write");
        let mut src = ReplaySource::open(dir.path()).expect("folder with images");
        assert_eq!(src.len(), 3, "the .txt file is not a frame");
        let first = src.next_frame().expect("a.png decodes").expect("frame");
        assert_eq!(first.image.width(), 50, "a.png sorts first");
        assert_eq!(src.next_frame().expect("b.png").expect("frame").index, 1);
        assert!(
            src.next_frame().is_err(),
            "the empty c.jpg is an error for that frame"
        );
        assert!(
            src.next_frame().expect("end").is_none(),
            "then the stream ends"
        );
    }

    #[test]
    fn a_looping_folder_replay_sees_pictures_put_there_while_it_runs() {
        let dir = tempfile::tempdir().expect("temp dir");
        RgbImage::from_pixel(40, 30, Rgb([1, 2, 3]))
            .save(dir.path().join("a.png"))
            .expect("write");
        let mut src = ReplaySource::open(dir.path())
            .expect("folder")
            .looping(true);
        assert_eq!(
            src.next_frame().expect("a").expect("frame").image.width(),
            40
        );
        std::fs::remove_file(dir.path().join("a.png")).expect("remove");
        RgbImage::from_pixel(70, 30, Rgb([1, 2, 3]))
            .save(dir.path().join("b.png"))
            .expect("write");
        let next = src.next_frame().expect("b").expect("frame");
        assert_eq!(next.image.width(), 70, "the new picture after the loop");
    }

    #[test]
    fn empty_folder_is_an_error() {
        let dir = tempfile::tempdir().expect("temp dir");
        assert!(matches!(
            ReplaySource::open(dir.path()),
            Err(Error::NoFrames(_))
        ));
    }
}
