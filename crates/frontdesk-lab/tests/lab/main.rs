//! The `frontdesk-lab` binary end to end on the face engine's own fixtures: real processes, files in
//! temp dirs, no database.

use assert_cmd::Command;
use predicates::prelude::*;

#[test]
fn verify_help_lists_its_options() {
    Command::cargo_bin("frontdesk-lab")
        .expect("binary")
        .args(["faces", "verify", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("--pairs"))
        .stdout(predicate::str::contains("--labels"))
        .stdout(predicate::str::contains("--reference"));
}

#[test]
fn faces_detect_reports_the_quality_verdict() {
    let photo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../frontdesk-vision/tests/fixtures/exif6_clooney.jpg");
    Command::cargo_bin("frontdesk-lab")
        .expect("binary")
        .args(["faces", "detect"])
        .arg(&photo)
        .assert()
        .success()
        .stdout(predicate::str::contains("usable"));
}

#[test]
fn faces_embed_and_verify_every_labelled_pair() {
    let dir = tempfile::tempdir().expect("tmp");
    let fixtures =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../frontdesk-vision/tests/fixtures");
    // Two photos of one man (re-encoded as CMYK and EXIF-rotated) and a file that is no image.
    let list = dir.path().join("list.txt");
    std::fs::write(&list, "cmyk_clooney.jpg\nexif6_clooney.jpg\nREADME.md\n").expect("list");
    let out = dir.path().join("descriptors.jsonl");
    Command::cargo_bin("frontdesk-lab")
        .expect("binary")
        .args(["faces", "embed", "--list"])
        .arg(&list)
        .arg("--root")
        .arg(&fixtures)
        .arg("--output")
        .arg(&out)
        .assert()
        .success();
    let rows: Vec<serde_json::Value> = std::fs::read_to_string(&out)
        .expect("written")
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert_eq!(rows.len(), 3);
    let vector = |row: &serde_json::Value| -> Vec<f64> {
        row["descriptor"]
            .as_array()
            .expect("a descriptor")
            .iter()
            .map(|v| v.as_f64().expect("number"))
            .collect()
    };
    let (a, b) = (vector(&rows[0]), vector(&rows[1]));
    assert_eq!(a.len(), 128);
    let d = a
        .iter()
        .zip(&b)
        .map(|(x, y)| (x - y).powi(2))
        .sum::<f64>()
        .sqrt();
    assert!(d < 0.6, "the same man: {d}");
    assert!(rows[2]["descriptor"].is_null(), "no face in a text file");

    let labels = dir.path().join("labels.csv");
    std::fs::write(
        &labels,
        "path,person_id\ncmyk_clooney.jpg,George\nexif6_clooney.jpg,George\nREADME.md,Nobody\n",
    )
    .expect("labels");
    Command::cargo_bin("frontdesk-lab")
        .expect("binary")
        .args(["faces", "verify", "--reference", "none", "--labels"])
        .arg(&labels)
        .arg("--root")
        .arg(&fixtures)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "pairs 3 (1 same, 2 different), photos 3, failures to detect 1 (2 pairs affected)",
        ))
        .stdout(predicate::str::contains(
            "accuracy at threshold 0.600: 100.00 %",
        ));
}
