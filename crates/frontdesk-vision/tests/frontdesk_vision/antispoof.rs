//! The anti-spoof pair on minivision's three sample frames, with this pipeline's (YuNet) boxes: the
//! live frame scores above the product's default threshold, the two attack frames below it. Three
//! frames are a sanity check, not a benchmark (the crate README has the calibration figures).

use frontdesk_vision::{AntiSpoof, ModelSource, image_io, quality};

use crate::common::{engine, shared};

/// The core's default `anti_spoof_threshold`.
const THRESHOLD: f32 = 0.3;

#[test]
fn the_live_sample_passes_and_both_attack_samples_are_caught() {
    let Some(root) = shared() else {
        eprintln!("note: anti-spoof samples skipped: shared/ not found (set FRONTDESK_SHARED)");
        return;
    };
    let dir = root.join("datasets/antispoof-samples");
    let check = AntiSpoof::load(&ModelSource::Embedded).expect("anti-spoof models load");
    let score = |name: &str| {
        let image = image_io::load(&dir.join(name)).expect("sample decodes");
        let faces = engine().detect(&image).expect("detect");
        let face = quality::dominant_face(
            &faces,
            image.width(),
            image.height(),
            &engine().config().quality,
        )
        .expect("one main face")
        .expect("a face");
        let live = check.check(&image, &face.bbox).expect("check");
        eprintln!(
            "{name}: live {:.3} (v2 {:.3}, v1se {:.3})",
            live.live, live.per_model[0], live.per_model[1]
        );
        live.live
    };
    let live = score("image_T1.jpg");
    let attacks = [score("image_F1.jpg"), score("image_F2.jpg")];
    assert!(live >= THRESHOLD, "the live frame is refused: {live}");
    for a in attacks {
        assert!(a < THRESHOLD, "an attack frame passes: {a}");
    }
}
