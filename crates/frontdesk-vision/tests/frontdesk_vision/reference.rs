use frontdesk_vision::align::{self, Alignment};
use frontdesk_vision::eval;
use frontdesk_vision::image_io;

use crate::common::{self, engine, faces_dev};

/// Our chips and descriptors agree with dlib's own pipeline (HOG detector, 5-point shape
/// predictor, dlib chip, the same ResNet) on real photos, and the five-point alignment is
/// closer to dlib's chip than a plain two-eye transform.
#[test]
fn chips_and_descriptors_agree_with_dlib() {
    let Some(dev) = faces_dev("chips_and_descriptors_agree_with_dlib") else {
        return;
    };
    if !common::python_has(
        "chips_and_descriptors_agree_with_dlib",
        "dlib, face_recognition_models, numpy, cv2",
    ) {
        return;
    }
    let labels = eval::read_labels(&dev.join("labels.csv")).expect("labels.csv");
    // Every 60th labelled photo: a mix of LFW and web photos.
    let paths: Vec<String> = labels.iter().step_by(60).map(|(p, _)| p.clone()).collect();
    let reference = eval::dlib_reference(&dev, &paths).expect("dlib reference runs");
    let mut five = Vec::new();
    let mut two = Vec::new();
    for p in &paths {
        let Some(Some(theirs)) = reference.get(p) else {
            continue;
        };
        let img = image_io::load(&dev.join(p)).expect("photo");
        let Some(obs) = engine().embed_main_face(&img).expect("pipeline") else {
            continue;
        };
        five.push(obs.embedding.distance(theirs));
        let chip = align::chip(&img, &obs.face, Alignment::TwoEye).expect("chip");
        let e2 = engine().embedder().embed(&chip).expect("embed");
        two.push(e2.distance(theirs));
    }
    let mean = |v: &[f32]| v.iter().sum::<f32>() / v.len().max(1) as f32;
    let median = |v: &[f32]| {
        let mut s = v.to_vec();
        s.sort_by(f32::total_cmp);
        s.get(s.len() / 2).copied().unwrap_or(f32::NAN)
    };
    eprintln!(
        "vs dlib on {} photos: five-point mean {:.3} median {:.3}; two-eye mean {:.3} median {:.3}",
        five.len(),
        mean(&five),
        median(&five),
        mean(&two),
        median(&two)
    );
    assert!(
        five.len() >= 20,
        "dlib and we both found faces in most photos: {}",
        five.len()
    );
    // Same photo, same network: only detector, landmarks and chip differ. Different people are
    // ~0.8 apart and the same person in another photo ~0.4.
    assert!(
        median(&five) < 0.2,
        "five-point descriptors stay close to dlib's"
    );
    assert!(
        mean(&five) < mean(&two),
        "five-point alignment is closer to dlib than two-eye"
    );
}
