use std::io::Cursor;

use frontdesk_vision::pipeline::FrameAnalysis;
use frontdesk_vision::{Descriptor, Error, Rejection, image_io};
use image::{DynamicImage, ImageFormat, RgbImage};

use crate::common::{engine, faces_dev, fixtures};

const CLOONEY: &str = "lfw/George_Clooney/George_Clooney_0001.jpg";

fn encode(img: &DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, format).expect("encode to memory");
    out.into_inner()
}

/// Sets the size in a JPEG's SOF0 header without touching the rest.
fn patch_jpeg_size(bytes: &mut [u8], width: u16, height: u16) -> bool {
    for i in 0..bytes.len().saturating_sub(9) {
        if bytes[i] == 0xFF && (bytes[i + 1] == 0xC0 || bytes[i + 1] == 0xC2) {
            bytes[i + 5..i + 7].copy_from_slice(&height.to_be_bytes());
            bytes[i + 7..i + 9].copy_from_slice(&width.to_be_bytes());
            return true;
        }
    }
    false
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[test]
fn broken_files_give_clear_errors() {
    assert!(matches!(image_io::decode(&[]), Err(Error::EmptyImage)));
    let dir = tempfile::tempdir().expect("temp dir");
    let empty = dir.path().join("empty.jpg");
    std::fs::write(&empty, b"").expect("write");
    assert!(matches!(image_io::load(&empty), Err(Error::EmptyImage)));
    assert!(matches!(
        image_io::load(&dir.path().join("missing.jpg")),
        Err(Error::Io { .. })
    ));

    let real = std::fs::read(fixtures().join("exif6_clooney.jpg")).expect("fixture");
    let truncated = &real[..real.len() / 3];
    assert!(
        image_io::decode(truncated).is_err(),
        "a third of a JPEG must not decode silently"
    );
    let mut corrupt = real.clone();
    for b in corrupt.iter_mut().skip(700).step_by(3) {
        *b = b.wrapping_mul(31).wrapping_add(7);
    }
    // A corrupt body either fails or decodes to garbage; neither may panic.
    if let Ok(img) = image_io::decode(&corrupt) {
        let _ = engine()
            .observe(&img)
            .expect("the pipeline copes with garbage pixels");
    }
    assert!(image_io::decode(&real[..20]).is_err(), "header only");
}

#[test]
fn huge_headers_are_refused_before_decoding() {
    let mut jpeg = std::fs::read(fixtures().join("exif6_clooney.jpg")).expect("fixture");
    assert!(
        patch_jpeg_size(&mut jpeg, 30_000, 30_000),
        "fixture has an SOF0 marker"
    );
    let started = std::time::Instant::now();
    let err = image_io::decode(&jpeg).err();
    assert!(
        matches!(err, Some(Error::ImageTooLarge { .. })),
        "got {err:?}"
    );
    assert!(
        started.elapsed().as_secs_f32() < 1.0,
        "refused from the header, not after decoding"
    );

    // A PNG whose IHDR claims 30000x30000 (valid CRC), with no pixel data at all.
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend_from_slice(&30_000u32.to_be_bytes());
    ihdr.extend_from_slice(&30_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    png.extend_from_slice(&13u32.to_be_bytes());
    png.extend_from_slice(&ihdr);
    png.extend_from_slice(&crc32(&ihdr).to_be_bytes());
    let err = image_io::decode(&png).err();
    assert!(
        matches!(err, Some(Error::ImageTooLarge { .. })),
        "got {err:?}"
    );
}

#[test]
fn tiny_and_faceless_images() {
    let one = encode(
        &DynamicImage::ImageRgb8(RgbImage::new(1, 1)),
        ImageFormat::Png,
    );
    assert!(matches!(
        image_io::decode(&one),
        Err(Error::ImageTooSmall { .. })
    ));
    // Even if a caller builds a 1x1 frame by hand, detection refuses it cleanly.
    assert!(matches!(
        engine().detect(&RgbImage::new(1, 1)),
        Err(Error::ImageTooSmall { .. })
    ));
    let noise = RgbImage::from_fn(320, 240, |x, y| {
        let v = ((x * 7919 + y * 104_729) % 251) as u8;
        image::Rgb([v, v.wrapping_mul(3), v.wrapping_mul(7)])
    });
    match engine().observe(&noise).expect("pipeline runs") {
        FrameAnalysis::Rejected { reason, .. } => assert_eq!(reason, Rejection::NoFace),
        FrameAnalysis::Accepted(_) => panic!("noise has no face"),
    }
}

/// Grey, CMYK, alpha, 16-bit and EXIF-rotated versions of a photo all find the same face.
#[test]
fn colour_types_and_exif_rotation_give_the_same_face() {
    let Some(dev) = faces_dev("colour_types_and_exif_rotation_give_the_same_face") else {
        return;
    };
    let original = image_io::load(&dev.join(CLOONEY)).expect("photo");
    let base = engine()
        .embed_main_face(&original, Descriptor::Single)
        .expect("pipeline")
        .expect("face")
        .embedding;
    let dynimg = DynamicImage::ImageRgb8(original.clone());
    let variants: Vec<(&str, Vec<u8>, f32)> = vec![
        (
            "grey png",
            encode(
                &DynamicImage::ImageLuma8(dynimg.to_luma8()),
                ImageFormat::Png,
            ),
            0.35,
        ),
        (
            "rgba png",
            encode(
                &DynamicImage::ImageRgba8(dynimg.to_rgba8()),
                ImageFormat::Png,
            ),
            0.05,
        ),
        (
            "16-bit png",
            encode(
                &DynamicImage::ImageRgb16(dynimg.to_rgb16()),
                ImageFormat::Png,
            ),
            0.05,
        ),
        (
            "cmyk jpeg",
            std::fs::read(fixtures().join("cmyk_clooney.jpg")).expect("fixture"),
            0.2,
        ),
        (
            "exif-rotated jpeg",
            std::fs::read(fixtures().join("exif6_clooney.jpg")).expect("fixture"),
            0.2,
        ),
    ];
    for (name, bytes, tolerance) in variants {
        let img = image_io::decode(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(img.dimensions(), (250, 250), "{name}");
        let obs = engine()
            .embed_main_face(&img, Descriptor::Single)
            .expect("pipeline")
            .unwrap_or_else(|| panic!("{name}: no face"));
        let [le, re, ..] = obs.face.landmarks;
        assert!(
            le.x < re.x && (le.y - re.y).abs() < 10.0,
            "{name}: upright, eyes level: {le:?} {re:?}"
        );
        let d = obs.embedding.distance(&base);
        assert!(d < tolerance, "{name}: descriptor moved by {d}");
    }
}
