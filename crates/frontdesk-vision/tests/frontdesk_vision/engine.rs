use std::path::{Path, PathBuf};

use frontdesk_vision::enrol::{
    self, EnrolmentInput, EnrolmentMode, EnrolmentPolicy, ImageRejection,
};
use frontdesk_vision::pipeline::FrameAnalysis;
use frontdesk_vision::source::{FrameSource, ReplaySource};
use frontdesk_vision::{
    Descriptor, FaceIndex, IDENTIFY_THRESHOLD, Identification, IndexConfig, Rejection,
    VERIFY_THRESHOLD, image_io,
};
use image::RgbImage;
use uuid::Uuid;

use crate::common::{engine, faces_dev};

fn embed(path: &Path) -> frontdesk_vision::Embedding {
    let img = image_io::load(path).expect("photo decodes");
    engine()
        .embed_main_face(&img, Descriptor::MirrorAveraged)
        .expect("pipeline runs")
        .expect("a face in the photo")
        .embedding
}

/// dlib's rule separates same-person from different-person pairs on real photos.
#[test]
fn verification_on_a_sample_of_pairs() {
    let Some(dev) = faces_dev("verification_on_a_sample_of_pairs") else {
        return;
    };
    let pairs = frontdesk_vision::eval::read_pairs(&dev.join("pairs.csv")).expect("pairs.csv");
    // Every 11th same pair and every 40th different pair: 30 + 25 pairs across LFW and web.
    let same: Vec<_> = pairs.iter().filter(|p| p.same).step_by(11).collect();
    let diff: Vec<_> = pairs.iter().filter(|p| !p.same).step_by(40).collect();
    let mut right = 0;
    for p in same.iter().chain(diff.iter()) {
        let d = embed(&dev.join(&p.a)).distance(&embed(&dev.join(&p.b)));
        if (d < VERIFY_THRESHOLD) == p.same {
            right += 1;
        }
    }
    let total = same.len() + diff.len();
    eprintln!("sample verification: {right}/{total} correct at {VERIFY_THRESHOLD}");
    assert!(
        right as f64 >= 0.93 * total as f64,
        "{right}/{total} pairs right"
    );
}

/// The gallery descriptor averages a chip and its mirror image: it is the same for a photo and
/// its mirror, lies close to the single-pass descriptor, and is a different vector from it.
#[test]
fn mirror_averaged_descriptor_is_mirror_invariant() {
    let Some(dev) = faces_dev("mirror_averaged_descriptor_is_mirror_invariant") else {
        return;
    };
    let img =
        image_io::load(&dev.join("lfw/George_Clooney/George_Clooney_0001.jpg")).expect("photo");
    let face = engine()
        .detect(&img)
        .expect("detector")
        .into_iter()
        .next()
        .expect("a face");
    let chip = engine().chip(&img, &face).expect("chip");
    let embedder = engine().embedder();
    let single = embedder.embed(&chip).expect("single");
    let mirrored = embedder.embed_mirrored(&chip).expect("mirrored");
    let of_flipped = embedder
        .embed_mirrored(&image::imageops::flip_horizontal(&chip))
        .expect("mirrored of the flipped chip");
    assert!(
        mirrored.distance(&of_flipped) < 1e-4,
        "order of the two passes does not matter: {}",
        mirrored.distance(&of_flipped)
    );
    let apart = mirrored.distance(&single);
    assert!(
        apart > 1e-3 && apart < 0.2,
        "a distinct vector near the single pass: {apart}"
    );
    assert_eq!(
        embedder
            .embed_as(&chip, Descriptor::MirrorAveraged)
            .expect("as"),
        mirrored
    );
}

fn photos(dev: &Path, person_dir: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dev.join(person_dir))
        .expect("person folder")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .collect();
    v.sort();
    v
}

/// Enrol from photo files, identify from other photos, refuse a re-encoded duplicate, erase.
#[test]
fn enrol_identify_and_erase_with_real_photos() {
    let Some(dev) = faces_dev("enrol_identify_and_erase_with_real_photos") else {
        return;
    };
    let clooney = photos(&dev, "lfw/George_Clooney");
    let someone = photos(&dev, "lfw/Abdullatif_Sener");
    assert!(clooney.len() >= 6, "George Clooney has 9 LFW photos");
    let (c_id, s_id) = (Uuid::from_u128(1), Uuid::from_u128(2));
    // Mechanics first, with dlib's 1:1 rule; the shipped 1:N threshold is checked below and
    // tuned by the evaluation CLI on the whole development set.
    let mut index = FaceIndex::new(IndexConfig {
        threshold: VERIFY_THRESHOLD,
        ..Default::default()
    });
    // Someone else enrolled first.
    let out = enrol::enrol(
        engine(),
        s_id,
        &someone
            .iter()
            .map(|p| EnrolmentInput::Photo(p.clone()))
            .collect::<Vec<_>>(),
        &index,
        EnrolmentMode::Replace,
        &EnrolmentPolicy {
            min_images: 1,
            ..Default::default()
        },
    );
    assert!(!out.accepted.is_empty(), "{:?}", out.rejected);
    for (i, e) in out.embeddings().iter().enumerate() {
        index.add(100 + i as i64, s_id, e);
    }
    // Clooney: four photos, one of them twice (the copy re-encoded as PNG bytes).
    let mut inputs: Vec<EnrolmentInput> = clooney[..4]
        .iter()
        .map(|p| EnrolmentInput::Photo(p.clone()))
        .collect();
    let img = image_io::load(&clooney[0]).expect("photo");
    let mut png = std::io::Cursor::new(Vec::new());
    img.write_to(&mut png, image::ImageFormat::Png)
        .expect("png");
    inputs.push(EnrolmentInput::Bytes(png.into_inner()));
    inputs.push(EnrolmentInput::Bytes(b"not an image".to_vec()));
    let out = enrol::enrol(
        engine(),
        c_id,
        &inputs,
        &index,
        EnrolmentMode::Replace,
        &EnrolmentPolicy::default(),
    );
    assert!(out.is_complete(), "{:?} {:?}", out.warnings, out.rejected);
    assert!(
        !out.has_duplicate_identity(),
        "Clooney does not look like Sener: {:?}",
        out.warnings
    );
    assert!(
        out.rejected.iter().any(|(i, r)| matches!(r, ImageRejection::NearDuplicate { .. }) && (*i == 0 || *i == 4)),
        "the re-encoded copy is a near-duplicate: {:?}",
        out.rejected
    );
    assert!(
        out.rejected
            .iter()
            .any(|(i, r)| *i == 5 && matches!(r, ImageRejection::Unreadable(_)))
    );
    let entries: Vec<(i64, _)> = out
        .embeddings()
        .into_iter()
        .enumerate()
        .map(|(i, e)| (i as i64 + 1, e))
        .collect();
    index.replace_person(c_id, &entries);

    // Other photos of Clooney are recognised; Sener is not mistaken for him.
    for p in &clooney[5..8] {
        let who = index.identify(&embed(p));
        assert_eq!(who.person(), Some(c_id), "{}: {who:?}", p.display());
    }
    let stranger = embed(&dev.join("lfw/Adel_Al-Jubeir/Adel_Al-Jubeir_0001.jpg"));
    index.set_threshold(IDENTIFY_THRESHOLD);
    let nearest = index
        .nearest(&embed(&clooney[5]))
        .expect("gallery is not empty");
    assert_eq!(nearest.person, c_id, "the nearest face is still Clooney's");
    assert!(
        matches!(index.identify(&stranger), Identification::Unknown { .. }),
        "never-enrolled person"
    );

    // Erasure: gone at once.
    assert_eq!(index.remove_person(c_id), entries.len());
    assert_ne!(index.identify(&embed(&clooney[6])).person(), Some(c_id));
}

/// The replay source drives the same pipeline as the camera: frames in, identities out.
#[test]
fn replay_source_runs_the_whole_pipeline() {
    let Some(dev) = faces_dev("replay_source_runs_the_whole_pipeline") else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    // A webcam-like 640x480 frame with a face, an empty frame, and a frame of a known person.
    let face = image_io::load(&dev.join("face_recognition/Barack_Obama/obama.jpg")).expect("photo");
    let frame = image::imageops::resize(&face, 640, 480, image::imageops::FilterType::Triangle);
    frame
        .save(dir.path().join("frame-0001.png"))
        .expect("write");
    RgbImage::from_pixel(640, 480, image::Rgb([90, 90, 90]))
        .save(dir.path().join("frame-0002.png"))
        .expect("write");
    let obama = Uuid::from_u128(44);
    let gallery: Vec<_> = ["obama1.jpg", "obama2.jpg", "obama3.jpg"]
        .iter()
        .enumerate()
        .map(|(i, f)| {
            (
                i as i64,
                obama,
                embed(&dev.join("face_recognition/Barack_Obama").join(f)),
            )
        })
        .collect();
    let index = FaceIndex::build(
        gallery,
        IndexConfig {
            threshold: VERIFY_THRESHOLD,
            ..Default::default()
        },
    );
    let mut source = ReplaySource::open(dir.path()).expect("replay folder");
    let first = source.next_frame().expect("frame 1").expect("frame");
    match engine().identify(&first.image, &index).expect("pipeline") {
        Ok((obs, who)) => {
            assert_eq!(who.person(), Some(obama), "distance {:?}", who);
            assert!(obs.quality.score > 0.0);
        }
        Err(reason) => panic!("a clear face was rejected: {reason}"),
    }
    let second = source.next_frame().expect("frame 2").expect("frame");
    assert_eq!(
        engine()
            .identify(&second.image, &index)
            .expect("pipeline")
            .err(),
        Some(Rejection::NoFace)
    );
    assert!(source.next_frame().expect("end").is_none());
}

/// The gates reject a face too small, too dark or too blurred, each with its own reason.
#[test]
fn quality_gates_on_real_photos() {
    let Some(dev) = faces_dev("quality_gates_on_real_photos") else {
        return;
    };
    let img = image_io::load(&dev.join("face_recognition/Joe_Biden/biden.jpg")).expect("photo");
    let reason = |im: &RgbImage| match engine().observe(im).expect("pipeline") {
        FrameAnalysis::Accepted(_) => None,
        FrameAnalysis::Rejected { reason, .. } => Some(reason),
    };
    assert_eq!(reason(&img), None, "the original is a good photo");
    let (w, h) = img.dimensions();
    let tiny_face =
        image::imageops::resize(&img, w / 8, h / 8, image::imageops::FilterType::Triangle);
    let mut frame = RgbImage::from_pixel(640, 480, image::Rgb([128, 128, 128]));
    image::imageops::replace(&mut frame, &tiny_face, 280, 200);
    assert_eq!(reason(&frame), Some(Rejection::TooSmall));
    let dark = RgbImage::from_fn(w, h, |x, y| {
        let p = img.get_pixel(x, y);
        image::Rgb([p[0] / 6, p[1] / 6, p[2] / 6])
    });
    assert_eq!(reason(&dark), Some(Rejection::TooDark));
    let blurred = image::imageops::blur(&img, 6.0);
    assert_eq!(reason(&blurred), Some(Rejection::Blurry));
}
