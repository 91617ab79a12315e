use std::process::Command;

use frontdesk_vision::detect::{Detector, DetectorConfig};
use frontdesk_vision::{ModelSource, image_io};
use image::RgbImage;

use crate::common::{self, engine, faces_dev};

#[derive(serde::Deserialize)]
struct PeerRow {
    path: String,
    faces: Vec<Vec<f32>>,
}

/// Our YuNet decoding must agree with OpenCV's FaceDetectorYN (the README's reference) on the
/// same photos at the same input size.
#[test]
fn detections_match_opencv_reference_decoding() {
    let Some(dev) = faces_dev("detections_match_opencv_reference_decoding") else {
        return;
    };
    if !common::python_has("detections_match_opencv_reference_decoding", "cv2, numpy") {
        return;
    }
    let rel = [
        "lfw/George_Clooney/George_Clooney_0001.jpg",
        "lfw/Abdullatif_Sener/Abdullatif_Sener_0001.jpg",
        "lfw/Adel_Al-Jubeir/Adel_Al-Jubeir_0002.jpg",
        "scenes/deepface_selfie-many-people.jpg",
        "scenes/face_recognition_kit_with_rose.jpg",
    ];
    let paths: Vec<String> = rel
        .iter()
        .map(|r| dev.join(r).display().to_string())
        .collect();
    let out = Command::new(common::python())
        .arg(common::tools_dir().join("opencv_peer.py"))
        .arg("detect")
        .arg("--models")
        .arg(common::models_dir())
        .args(&paths)
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Both detect at the photo's own size (all are at most 700 pixels on a side).
    let detector = Detector::load(
        &ModelSource::Embedded,
        DetectorConfig {
            max_side: 1024,
            ..Default::default()
        },
    )
    .expect("detector loads");
    let mut compared = 0;
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let row: PeerRow = serde_json::from_str(line).expect("peer JSON");
        let img = image_io::load(std::path::Path::new(&row.path)).expect("photo decodes");
        let ours = detector.detect(&img).expect("detect");
        // JPEG decoders may differ by a grey level here and there; faces near the threshold
        // can then flip, so compare the confident ones.
        let strong: Vec<&Vec<f32>> = row.faces.iter().filter(|f| f[14] > 0.7).collect();
        for peer in strong {
            let best = ours
                .iter()
                .min_by(|a, b| {
                    let da = (a.bbox.x - peer[0]).abs() + (a.bbox.y - peer[1]).abs();
                    let db = (b.bbox.x - peer[0]).abs() + (b.bbox.y - peer[1]).abs();
                    da.total_cmp(&db)
                })
                .expect("we found faces where OpenCV did");
            let tol = (0.012 * peer[3]).max(1.5);
            assert!(
                (best.bbox.x - peer[0]).abs() < tol && (best.bbox.y - peer[1]).abs() < tol,
                "{}: box {:?} vs {:?}",
                row.path,
                best.bbox,
                &peer[..4]
            );
            assert!(
                (best.bbox.width - peer[2]).abs() < tol && (best.bbox.height - peer[3]).abs() < tol,
                "{}: size {:?} vs {:?}",
                row.path,
                best.bbox,
                &peer[..4]
            );
            for k in 0..5 {
                let (x, y) = (peer[4 + 2 * k], peer[5 + 2 * k]);
                assert!(
                    (best.landmarks[k].x - x).abs() < tol && (best.landmarks[k].y - y).abs() < tol,
                    "{}: landmark {k}",
                    row.path
                );
            }
            assert!(
                (best.score - peer[14]).abs() < 0.02,
                "{}: score {} vs {}",
                row.path,
                best.score,
                peer[14]
            );
            compared += 1;
        }
    }
    assert!(
        compared >= 8,
        "compared {compared} faces; the photos hold at least 8 clear ones"
    );
}

/// The scene photos hold between `min_faces` and `max_faces` faces (counted by eye).
#[test]
fn scene_face_counts_are_within_the_labelled_range() {
    let Some(dev) = faces_dev("scene_face_counts_are_within_the_labelled_range") else {
        return;
    };
    let detector = Detector::load(
        &ModelSource::Embedded,
        DetectorConfig {
            max_side: 1280,
            ..Default::default()
        },
    )
    .expect("detector loads");
    let rows = std::fs::read_to_string(dev.join("scenes.csv")).expect("scenes.csv");
    for line in rows.lines().skip(1) {
        let cols: Vec<&str> = line.split(',').collect();
        let (min, max): (usize, usize) =
            (cols[1].parse().expect("min"), cols[2].parse().expect("max"));
        let img = image_io::load(&dev.join(cols[0])).expect("scene decodes");
        let n = detector.detect(&img).expect("detect").len();
        assert!(
            n >= min && n <= max,
            "{}: {n} faces, expected {min}..={max}",
            cols[0]
        );
    }
}

/// Thirty faces in one frame: all found, none merged by NMS.
#[test]
fn thirty_faces_in_one_frame() {
    let Some(dev) = faces_dev("thirty_faces_in_one_frame") else {
        return;
    };
    let mut people: Vec<_> = std::fs::read_dir(dev.join("lfw"))
        .expect("lfw")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .collect();
    people.sort();
    let tile = 160u32;
    let mut canvas = RgbImage::new(6 * tile, 5 * tile);
    // LFW photos often show other people in the background: use the first 30 whose photo
    // holds exactly one face.
    let mut i = 0;
    for dir in &people {
        if i == 30 {
            break;
        }
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .expect("person")
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .collect();
        files.sort();
        let img = image_io::load(&files[0]).expect("lfw photo");
        if engine().detect(&img).expect("detect").len() != 1 {
            continue;
        }
        i += 1;
        let i = i - 1;
        let small =
            image::imageops::resize(&img, tile, tile, image::imageops::FilterType::Triangle);
        image::imageops::replace(
            &mut canvas,
            &small,
            i64::from((i as u32 % 6) * tile),
            i64::from((i as u32 / 6) * tile),
        );
    }
    let detector = Detector::load(
        &ModelSource::Embedded,
        DetectorConfig {
            max_side: 960,
            ..Default::default()
        },
    )
    .expect("detector loads");
    let faces = detector.detect(&canvas).expect("detect");
    assert_eq!(faces.len(), 30, "one face per tile");
    // Each tile's face lies inside its tile.
    let mut tiles: Vec<u32> = faces
        .iter()
        .map(|f| {
            let c = f.bbox.center();
            (c.y as u32 / tile) * 6 + c.x as u32 / tile
        })
        .collect();
    tiles.sort();
    tiles.dedup();
    assert_eq!(tiles.len(), 30, "no tile has two faces and none is empty");
}

/// Coordinates come back in the original frame's pixels whatever the detection scale.
#[test]
fn coordinates_are_in_original_pixels() {
    let Some(dev) = faces_dev("coordinates_are_in_original_pixels") else {
        return;
    };
    let img =
        image_io::load(&dev.join("lfw/George_Clooney/George_Clooney_0001.jpg")).expect("photo");
    // Twice the size, detected with a 256-pixel cap: the network sees about the original
    // pixels again, so the results must be twice the original's.
    let big = image::imageops::resize(&img, 500, 500, image::imageops::FilterType::CatmullRom);
    let capped = Detector::load(
        &ModelSource::Embedded,
        DetectorConfig {
            max_side: 250,
            ..Default::default()
        },
    )
    .expect("detector loads");
    let a = engine().detect(&img).expect("detect");
    let b = capped.detect(&big).expect("detect large");
    assert!(!a.is_empty() && !b.is_empty(), "a face in both");
    let (fa, fb) = (&a[0], &b[0]);
    for k in 0..5 {
        let (pa, pb) = (fa.landmarks[k], fb.landmarks[k]);
        assert!(
            (pb.x / 2.0 - pa.x).abs() < 1.5 && (pb.y / 2.0 - pa.y).abs() < 1.5,
            "landmark {k}: {pb:?} vs {pa:?}"
        );
    }
    assert!(
        (fb.bbox.width / 2.0 - fa.bbox.width).abs() < 3.0,
        "{:?} vs {:?}",
        fb.bbox,
        fa.bbox
    );
}
