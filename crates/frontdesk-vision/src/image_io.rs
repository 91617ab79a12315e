//! Decoding photos and frames safely: size limits checked from the header before any pixel is
//! decoded, EXIF orientation applied, every colour type brought to 8-bit RGB.

use std::io::Cursor;
use std::path::Path;

use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageReader, Limits, RgbImage};

use crate::{Error, Result};

/// Largest image we decode, in pixels (about a 108-megapixel phone photo).
pub const MAX_PIXELS: u64 = 110_000_000;
/// Largest side we decode.
pub const MAX_SIDE: u32 = 20_000;
/// Smallest side that can still hold a detectable face.
pub const MIN_SIDE: u32 = 16;

/// Reads and decodes an image file (JPEG, PNG, BMP or WebP, recognised by content, not by name).
pub fn load(path: &Path) -> Result<RgbImage> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    decode(&bytes)
}

/// Decodes an encoded image held in memory.
pub fn decode(bytes: &[u8]) -> Result<RgbImage> {
    if bytes.is_empty() {
        return Err(Error::EmptyImage);
    }
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| Error::Decode(e.to_string()))?;
    match reader.format() {
        None => return Err(Error::UnknownFormat),
        Some(image::ImageFormat::Jpeg) if jpeg_is_truncated(bytes) => {
            return Err(Error::Decode(
                "truncated JPEG (no end-of-image marker)".into(),
            ));
        }
        Some(_) => {}
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(1 << 30);
    reader.limits(limits);
    // Building the decoder reads only the header; `dimensions` lets us refuse a hostile
    // "30000x30000" header before a single pixel buffer is allocated.
    let mut decoder = reader.into_decoder().map_err(map_image_error)?;
    let (width, height) = decoder.dimensions();
    check_dimensions(width, height)?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(map_image_error)?;
    img.apply_orientation(orientation);
    Ok(to_rgb(img))
}

/// Refuses images too large to decode safely or too small to hold a face.
pub fn check_dimensions(width: u32, height: u32) -> Result<()> {
    let pixels = u64::from(width) * u64::from(height);
    if pixels > MAX_PIXELS || width > MAX_SIDE || height > MAX_SIDE {
        return Err(Error::ImageTooLarge {
            width,
            height,
            max_pixels: MAX_PIXELS,
        });
    }
    if width < MIN_SIDE || height < MIN_SIDE {
        return Err(Error::ImageTooSmall { width, height });
    }
    Ok(())
}

/// A JPEG whose main scan never reaches an end-of-image marker was cut short (an interrupted
/// upload or copy). The decoder would fill the missing rows with grey and carry on, which would
/// enrol half a face; we refuse it instead. Segments before the first scan are skipped by their
/// lengths, so an EXIF thumbnail's own markers are not mistaken for the main image's.
pub fn jpeg_is_truncated(bytes: &[u8]) -> bool {
    let mut i = 2; // after SOI
    while i + 4 <= bytes.len() {
        if bytes[i] != 0xFF {
            return false; // not a marker where one should be: leave it to the decoder
        }
        let marker = bytes[i + 1];
        if marker == 0xFF {
            i += 1;
            continue;
        }
        let len = usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
        if marker == 0xDA {
            let scan = &bytes[(i + 2 + len).min(bytes.len())..];
            return !scan.windows(2).any(|w| w == [0xFF, 0xD9]);
        }
        i += 2 + len;
    }
    true
}

fn map_image_error(e: image::ImageError) -> Error {
    match e {
        image::ImageError::Limits(_) => Error::ImageTooLarge {
            width: 0,
            height: 0,
            max_pixels: MAX_PIXELS,
        },
        image::ImageError::Unsupported(u) => Error::Decode(format!("unsupported: {u}")),
        other => Error::Decode(other.to_string()),
    }
}

/// Converts any colour type to 8-bit RGB. Transparent pixels are composited over mid-grey so a
/// cut-out portrait does not turn into a face on black (or on whatever colour the transparent
/// pixels happen to hold).
fn to_rgb(img: DynamicImage) -> RgbImage {
    if !img.color().has_alpha() {
        return img.to_rgb8();
    }
    let rgba = img.to_rgba8();
    let (w, h) = rgba.dimensions();
    let mut out = RgbImage::new(w, h);
    for (dst, src) in out.pixels_mut().zip(rgba.pixels()) {
        let a = u32::from(src[3]);
        for c in 0..3 {
            let v = (u32::from(src[c]) * a + 128 * (255 - a) + 127) / 255;
            dst[c] = v.min(255) as u8;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageBuffer, ImageFormat, Luma, Rgb, Rgba};

    fn encode(img: &DynamicImage, format: ImageFormat) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, format).expect("encoding to memory");
        out.into_inner()
    }

    #[test]
    fn empty_truncated_and_garbage_inputs_are_errors() {
        assert!(matches!(decode(&[]), Err(Error::EmptyImage)));
        assert!(matches!(
            decode(b"definitely not an image"),
            Err(Error::UnknownFormat)
        ));
        let img = DynamicImage::ImageRgb8(RgbImage::from_pixel(64, 64, Rgb([10, 20, 30])));
        let png = encode(&img, ImageFormat::Png);
        let cut = &png[..png.len() / 2];
        assert!(decode(cut).is_err(), "half a PNG must not decode");
    }

    #[test]
    fn truncated_jpeg_is_detected() {
        let img =
            DynamicImage::ImageRgb8(RgbImage::from_fn(64, 64, |x, y| Rgb([x as u8, y as u8, 7])));
        let jpeg = encode(&img, ImageFormat::Jpeg);
        assert!(!jpeg_is_truncated(&jpeg), "a whole JPEG ends with EOI");
        assert!(decode(&jpeg).is_ok());
        assert!(
            jpeg_is_truncated(&jpeg[..jpeg.len() - 40]),
            "cut inside the scan"
        );
        assert!(decode(&jpeg[..jpeg.len() - 40]).is_err());
    }

    #[test]
    fn colour_types_become_rgb() {
        let gray = DynamicImage::ImageLuma8(ImageBuffer::from_pixel(32, 32, Luma([200u8])));
        let out = decode(&encode(&gray, ImageFormat::Png)).expect("gray png");
        assert_eq!(
            out.get_pixel(0, 0).0,
            [200, 200, 200],
            "gray expands to equal channels"
        );

        let deep =
            DynamicImage::ImageRgb16(ImageBuffer::from_pixel(32, 32, Rgb([65535u16, 0, 32896])));
        let out = decode(&encode(&deep, ImageFormat::Png)).expect("16-bit png");
        assert_eq!(
            out.get_pixel(3, 3).0,
            [255, 0, 128],
            "16-bit values scale to 8-bit"
        );

        let clear =
            DynamicImage::ImageRgba8(ImageBuffer::from_pixel(32, 32, Rgba([255u8, 0, 0, 0])));
        let out = decode(&encode(&clear, ImageFormat::Png)).expect("alpha png");
        assert_eq!(
            out.get_pixel(0, 0).0,
            [128, 128, 128],
            "transparent pixels become grey"
        );
    }

    #[test]
    fn tiny_and_huge_dimensions_are_refused() {
        let one = DynamicImage::ImageRgb8(RgbImage::new(1, 1));
        assert!(matches!(
            decode(&encode(&one, ImageFormat::Png)),
            Err(Error::ImageTooSmall {
                width: 1,
                height: 1
            })
        ));
        assert!(matches!(
            check_dimensions(30_000, 30_000),
            Err(Error::ImageTooLarge { .. })
        ));
        assert!(check_dimensions(640, 480).is_ok());
    }
}
