//! Decoding caller-supplied photos and logos (JPEG or PNG) into small RGB pictures for the PDF.

use image::{DynamicImage, ImageReader, Limits, imageops::FilterType};
use std::io::Cursor;

use crate::pdf::Picture;
use crate::{Error, Result};

/// Larger inputs are refused before decoding (a phone photo is 2–8 MB, a 20 MB one is fine).
const MAX_INPUT_BYTES: usize = 64 * 1024 * 1024;
/// Decoder memory cap, so a decompression bomb fails instead of exhausting memory.
const MAX_DECODE_ALLOC: u64 = 768 * 1024 * 1024;

/// Decodes `bytes` and scales the image to cover `aspect` (width / height), cropped to the centre, no
/// larger than `max_px` on its long side. With `aspect` `None` the image keeps its shape.
pub(crate) fn load(bytes: &[u8], aspect: Option<f32>, max_px: u32) -> Result<Picture> {
    if bytes.is_empty() {
        return Err(Error::Image("empty image".into()));
    }
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(Error::Image(format!(
            "image is {} MB, the limit is 64 MB",
            bytes.len() / 1_048_576
        )));
    }
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| Error::Image(e.to_string()))?;
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_DECODE_ALLOC);
    limits.max_image_width = Some(20_000);
    limits.max_image_height = Some(20_000);
    reader.limits(limits);
    let img = reader.decode().map_err(|e| Error::Image(e.to_string()))?;
    let img = match aspect {
        Some(a) if a > 0.0 => crop_to_aspect(img, a),
        _ => img,
    };
    // `thumbnail` is a fast box filter; good enough for a 300 dpi badge photo.
    let img = if img.width().max(img.height()) > max_px {
        img.thumbnail(max_px, max_px)
    } else {
        img
    };
    let img = if img.width() < 8 || img.height() < 8 {
        img.resize(8, 8, FilterType::Nearest)
    } else {
        img
    };
    let rgb = img.to_rgb8();
    Ok(Picture {
        width: rgb.width(),
        height: rgb.height(),
        rgb: rgb.into_raw(),
    })
}

fn crop_to_aspect(img: DynamicImage, aspect: f32) -> DynamicImage {
    let (w, h) = (img.width() as f32, img.height() as f32);
    if w <= 0.0 || h <= 0.0 {
        return img;
    }
    if w / h > aspect {
        let nw = (h * aspect).round().max(1.0) as u32;
        let x = ((w as u32).saturating_sub(nw)) / 2;
        img.crop_imm(x, 0, nw, h as u32)
    } else {
        let nh = (w / aspect).round().max(1.0) as u32;
        // Faces sit in the upper part of a portrait photo: crop more from the bottom.
        let y = ((h as u32).saturating_sub(nh)) / 4;
        img.crop_imm(0, y, w as u32, nh)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
        });
        let mut out = Cursor::new(Vec::new());
        let written = DynamicImage::ImageRgb8(img).write_to(&mut out, image::ImageFormat::Png);
        assert!(written.is_ok(), "encoding a test PNG works");
        out.into_inner()
    }

    #[test]
    fn crops_to_portrait_and_downscales() {
        let pic = load(&png(1200, 800), Some(0.75), 300);
        let Ok(pic) = pic else {
            panic!("decodes: {pic:?}", pic = pic.err())
        };
        assert!(
            pic.height <= 300 && pic.width <= 300,
            "downscaled: {}x{}",
            pic.width,
            pic.height
        );
        let ratio = pic.width as f32 / pic.height as f32;
        assert!((ratio - 0.75).abs() < 0.02, "cropped to 3:4, got {ratio}");
        assert_eq!(pic.rgb.len(), (pic.width * pic.height * 3) as usize);
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(load(b"%PDF-1.7 not an image", None, 100).is_err());
        assert!(load(&[], None, 100).is_err());
        assert!(
            load(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0], None, 100).is_err(),
            "truncated JPEG"
        );
    }
}
