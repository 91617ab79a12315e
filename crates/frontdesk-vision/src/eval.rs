//! Dataset-agnostic evaluation: verification pairs and identification splits, for our pipeline
//! and (optionally, in the same run) dlib's own pipeline as the reference.
//!
//! Inputs are CSV files with paths relative to a root folder:
//! - pairs: `path1,path2,same` (`same` is 1/0 or true/false; a header row is allowed);
//! - labels: `path,person_id` (more columns are ignored; a header row is allowed).

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde::Serialize;
use uuid::Uuid;

use crate::embed::{Descriptor, Embedding};
use crate::index::{FaceIndex, IndexConfig};
use crate::pipeline::FaceEngine;
use crate::{Error, Result, image_io};

/// One verification pair, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    pub a: String,
    pub b: String,
    pub same: bool,
}

/// Reads `path1,path2,same` rows.
pub fn read_pairs(path: &Path) -> Result<Vec<Pair>> {
    let mut out = Vec::new();
    for (line, rec) in csv_rows(path)?.into_iter().enumerate() {
        if rec.len() < 3 {
            return Err(Error::BadInput(format!(
                "{}: line {} needs 3 columns",
                path.display(),
                line + 1
            )));
        }
        let same = match rec[2].trim().to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" => true,
            "0" | "false" | "no" => false,
            _ if line == 0 => continue, // header
            other => {
                return Err(Error::BadInput(format!(
                    "{}: line {}: bad `same` value {other:?}",
                    path.display(),
                    line + 1
                )));
            }
        };
        out.push(Pair {
            a: rec[0].trim().to_string(),
            b: rec[1].trim().to_string(),
            same,
        });
    }
    Ok(out)
}

/// Reads `path,person_id` rows (in file order).
pub fn read_labels(path: &Path) -> Result<Vec<(String, String)>> {
    let rows = csv_rows(path)?;
    let mut out = Vec::new();
    for (line, rec) in rows.into_iter().enumerate() {
        if rec.len() < 2 {
            return Err(Error::BadInput(format!(
                "{}: line {} needs 2 columns",
                path.display(),
                line + 1
            )));
        }
        if line == 0 && rec[0].trim().eq_ignore_ascii_case("path") {
            continue;
        }
        out.push((rec[0].trim().to_string(), rec[1].trim().to_string()));
    }
    Ok(out)
}

fn csv_rows(path: &Path) -> Result<Vec<Vec<String>>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(path)
        .map_err(|e| Error::BadInput(format!("{}: {e}", path.display())))?;
    let mut rows = Vec::new();
    for rec in reader.records() {
        let rec = rec.map_err(|e| Error::BadInput(format!("{}: {e}", path.display())))?;
        if rec.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        rows.push(rec.iter().map(str::to_string).collect());
    }
    Ok(rows)
}

/// Embeds every distinct path once (using both cores); `None` = no face or unreadable.
pub fn embed_all(
    engine: &FaceEngine,
    root: &Path,
    paths: &[String],
    threads: usize,
    descriptor: Descriptor,
) -> HashMap<String, Option<Embedding>> {
    map_photos(root, paths, threads, |img| {
        img.and_then(|img| engine.embed_main_face(&img, descriptor))
            .ok()
            .flatten()
            .map(|o| o.embedding)
    })
}

/// Replays each photo as a pseudo-stream: `frames` jittered copies ([`crate::augment::jitter`],
/// seeded per photo), each embedded as a live camera frame is ([`Descriptor::Single`]). Frames
/// without a face are left out.
pub fn embed_jittered(
    engine: &FaceEngine,
    root: &Path,
    paths: &[String],
    threads: usize,
    frames: usize,
    seed: u64,
) -> HashMap<String, Vec<Embedding>> {
    let range = crate::augment::JitterRange::default();
    map_photos(root, paths, threads, |img| {
        let Ok(img) = img else { return Vec::new() };
        let mut rng = crate::synthetic::SplitMix(seed ^ img.as_raw().len() as u64);
        (0..frames)
            .filter_map(|_| {
                let frame = crate::augment::jitter(&img, &mut rng, &range);
                engine
                    .embed_main_face(&frame, Descriptor::Single)
                    .ok()
                    .flatten()
                    .map(|o| o.embedding)
            })
            .collect()
    })
}

/// `f` applied to every distinct photo once (loaded from `root`), split across `threads`.
fn map_photos<T: Send>(
    root: &Path,
    paths: &[String],
    threads: usize,
    f: impl Fn(Result<image::RgbImage>) -> T + Sync,
) -> HashMap<String, T> {
    let mut unique: Vec<&String> = paths.iter().collect();
    unique.sort();
    unique.dedup();
    let threads = threads.clamp(1, 8);
    let chunk = unique.len().div_ceil(threads).max(1);
    let mut out = HashMap::new();
    let f = &f;
    std::thread::scope(|s| {
        let handles: Vec<_> = unique
            .chunks(chunk)
            .map(|part| {
                s.spawn(move || {
                    part.iter()
                        .map(|p| {
                            let img = image_io::load(&root.join(p));
                            if let Err(e) = &img {
                                tracing::debug!("{p}: {e}");
                            }
                            ((*p).clone(), f(img))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for h in handles {
            if let Ok(part) = h.join() {
                out.extend(part);
            }
        }
    });
    out
}

/// dlib's own pipeline (HOG detector, 5-point shape predictor, dlib chip, ResNet) through
/// Python (`dlib-bin` + `face_recognition_models`), run on the same files.
pub fn dlib_reference(root: &Path, paths: &[String]) -> Result<HashMap<String, Option<Embedding>>> {
    let script = tempfile_script()?;
    let python = std::env::var("FRONTDESK_PYTHON").unwrap_or_else(|_| "python3".into());
    let mut child = Command::new(&python)
        .arg(&script)
        .arg("embed")
        .arg("--root")
        .arg(root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| Error::Reference(format!("cannot run {python}: {e}")))?;
    let mut unique: Vec<&String> = paths.iter().collect();
    unique.sort();
    unique.dedup();
    let input: String = unique.iter().map(|p| format!("{p}\n")).collect();
    let mut stdin = child
        .stdin
        .take()
        .ok_or_else(|| Error::Reference("no stdin".into()))?;
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child
        .wait_with_output()
        .map_err(|e| Error::Reference(e.to_string()))?;
    let _ = writer.join();
    let _ = std::fs::remove_file(&script);
    if !output.status.success() {
        return Err(Error::Reference(
            String::from_utf8_lossy(&output.stderr).trim().to_string(),
        ));
    }
    #[derive(serde::Deserialize)]
    struct Row {
        path: String,
        descriptor: Option<Vec<f32>>,
    }
    let mut out = HashMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(row) = serde_json::from_str::<Row>(line) else {
            continue;
        };
        out.insert(
            row.path,
            row.descriptor.and_then(|d| Embedding::new(d).ok()),
        );
    }
    Ok(out)
}

/// Whether the Python reference can run here (dlib and the CC0 models importable).
pub fn dlib_reference_available() -> bool {
    let python = std::env::var("FRONTDESK_PYTHON").unwrap_or_else(|_| "python3".into());
    Command::new(python)
        .args(["-c", "import dlib, face_recognition_models, numpy, cv2"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The reference script, shipped in the crate and written to a temp file to run.
pub const DLIB_REFERENCE_SCRIPT: &str = include_str!("../tools/dlib_reference.py");

fn tempfile_script() -> Result<PathBuf> {
    let path = std::env::temp_dir().join(format!("frontdesk-dlib-reference-{}.py", Uuid::now_v7()));
    std::fs::write(&path, DLIB_REFERENCE_SCRIPT).map_err(|e| Error::io(&path, e))?;
    Ok(path)
}

/// Verification figures for one pipeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VerifyReport {
    pub pairs: usize,
    pub same_pairs: usize,
    pub different_pairs: usize,
    /// Pairs where either photo gave no face (counted as "different" in the accuracies).
    pub pairs_failed: usize,
    /// Distinct photos without a detected face.
    pub failures_to_detect: usize,
    pub photos: usize,
    pub threshold: f32,
    pub accuracy: f64,
    /// Different-person pairs accepted at `threshold`.
    pub false_accept_rate: f64,
    /// Same-person pairs rejected at `threshold` (missing faces included).
    pub false_reject_rate: f64,
    pub best_accuracy: f64,
    pub best_threshold: f32,
    pub tar_at_far_1e3: f64,
    pub eer: f64,
}

/// Computes the report from per-pair distances (`None` where a face was missing). One sort and
/// one sweep, so it copes with every pair of a labelled set (over a million pairs).
pub fn verify_metrics(scored: &[(Option<f32>, bool)], threshold: f32) -> VerifyReport {
    let n = scored.len();
    let same_pairs = scored.iter().filter(|s| s.1).count();
    let different_pairs = n - same_pairs;
    let ratio = |num: usize, den: usize| {
        if den == 0 {
            0.0
        } else {
            num as f64 / den as f64
        }
    };
    // At the shipped threshold: accepted = closer than it.
    let false_accepts = scored
        .iter()
        .filter(|s| !s.1 && s.0.is_some_and(|d| d < threshold))
        .count();
    let false_rejects = scored
        .iter()
        .filter(|s| s.1 && !s.0.is_some_and(|d| d < threshold))
        .count();
    // The sweep: distinct distances in order, with how many same and different pairs lie at or
    // below each. A threshold just above a value accepts exactly those.
    let mut finite: Vec<(f32, bool)> = scored
        .iter()
        .filter_map(|s| s.0.map(|d| (d, s.1)))
        .collect();
    finite.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut steps: Vec<(f32, usize, usize)> = Vec::new(); // (value, same <= value, different <= value)
    let (mut same_le, mut diff_le) = (0usize, 0usize);
    for (i, (d, same)) in finite.iter().enumerate() {
        if *same {
            same_le += 1;
        } else {
            diff_le += 1;
        }
        if finite.get(i + 1).is_none_or(|next| next.0 > *d) {
            steps.push((*d, same_le, diff_le));
        }
    }
    // Best accuracy: rejecting everything, then a threshold between each two values, then
    // above the last one.
    let mut best = (ratio(different_pairs, n), 0.0f32);
    for (i, &(value, s_le, d_le)) in steps.iter().enumerate() {
        let t = match steps.get(i + 1) {
            Some(next) => (value + next.0) / 2.0,
            None => value + 1e-3,
        };
        let a = ratio(s_le + different_pairs - d_le, n);
        if a > best.0 {
            best = (a, t);
        }
    }
    // TAR at FAR <= 1e-3: accept below the (k+1)-th smallest impostor distance, where k is the
    // number of false accepts allowed (missing faces count as infinitely far).
    let mut impostor: Vec<f32> = scored
        .iter()
        .filter(|s| !s.1)
        .map(|s| s.0.unwrap_or(f32::INFINITY))
        .collect();
    impostor.sort_by(f32::total_cmp);
    let allowed = (different_pairs as f64 * 1e-3).floor() as usize;
    let t_far = impostor.get(allowed).copied().unwrap_or(f32::INFINITY);
    let tar = ratio(
        scored
            .iter()
            .filter(|s| s.1 && s.0.is_some_and(|d| d < t_far))
            .count(),
        same_pairs,
    );
    // EER: the value where false accepts (at or below it) and false rejects (above it) are
    // closest; accepting everything, missing faces included, is the last candidate.
    let mut eer = (f64::INFINITY, 1.0f64);
    let candidates = steps
        .iter()
        .map(|&(_, s_le, d_le)| {
            (
                ratio(d_le, different_pairs.max(1)),
                ratio(same_pairs - s_le, same_pairs.max(1)),
            )
        })
        .chain(std::iter::once((
            ratio(different_pairs, different_pairs.max(1)),
            0.0,
        )));
    for (fa, fr) in candidates {
        let gap = (fa - fr).abs();
        if gap < eer.0 {
            eer = (gap, (fa + fr) / 2.0);
        }
    }
    VerifyReport {
        pairs: n,
        same_pairs,
        different_pairs,
        pairs_failed: scored.iter().filter(|s| s.0.is_none()).count(),
        failures_to_detect: 0,
        photos: 0,
        threshold,
        accuracy: ratio(n - false_accepts - false_rejects, n),
        false_accept_rate: ratio(false_accepts, different_pairs),
        false_reject_rate: ratio(false_rejects, same_pairs),
        best_accuracy: best.0,
        best_threshold: best.1,
        tar_at_far_1e3: tar,
        eer: eer.1,
    }
}

/// Every pair of labelled photos, scored: the same person where the labels agree. With
/// thousands of photos this gives over a million different-person pairs, which pins down the
/// false-accept rate far better than a sampled list.
fn score_all_pairs(
    labels: &[(String, String)],
    embeddings: &HashMap<String, Option<Embedding>>,
) -> Vec<(Option<f32>, bool)> {
    let mut scored = Vec::with_capacity(labels.len() * labels.len().saturating_sub(1) / 2);
    for (i, (path_a, person_a)) in labels.iter().enumerate() {
        let a = embeddings.get(path_a).and_then(|e| e.as_ref());
        for (path_b, person_b) in &labels[i + 1..] {
            let b = embeddings.get(path_b).and_then(|e| e.as_ref());
            scored.push((a.zip(b).map(|(a, b)| a.distance(b)), person_a == person_b));
        }
    }
    scored
}

/// The report for every pair of labelled photos ([`score_all_pairs`]).
pub fn verify_all_pairs(
    labels: &[(String, String)],
    embeddings: &HashMap<String, Option<Embedding>>,
    threshold: f32,
) -> VerifyReport {
    let report = verify_metrics(&score_all_pairs(labels, embeddings), threshold);
    with_photo_counts(report, labels.iter().map(|(p, _)| p), embeddings)
}

/// Scores pairs with a table of embeddings and builds the report.
pub fn verify_with(
    pairs: &[Pair],
    embeddings: &HashMap<String, Option<Embedding>>,
    threshold: f32,
) -> VerifyReport {
    let scored: Vec<(Option<f32>, bool)> = pairs
        .iter()
        .map(|p| {
            let a = embeddings.get(&p.a).and_then(|e| e.as_ref());
            let b = embeddings.get(&p.b).and_then(|e| e.as_ref());
            (a.zip(b).map(|(a, b)| a.distance(b)), p.same)
        })
        .collect();
    let report = verify_metrics(&scored, threshold);
    with_photo_counts(report, pairs.iter().flat_map(|p| [&p.a, &p.b]), embeddings)
}

/// Fills in how many distinct photos the pairs use and how many of them gave no face.
fn with_photo_counts<'a>(
    mut report: VerifyReport,
    photos: impl Iterator<Item = &'a String>,
    embeddings: &HashMap<String, Option<Embedding>>,
) -> VerifyReport {
    let mut photos: Vec<&String> = photos.collect();
    photos.sort();
    photos.dedup();
    report.photos = photos.len();
    report.failures_to_detect = photos
        .iter()
        .filter(|p| embeddings.get(**p).is_none_or(|e| e.is_none()))
        .count();
    report
}

/// Identification figures for one pipeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IdentifyReport {
    pub threshold: f32,
    pub enrolled_people: usize,
    pub enrolled_photos: usize,
    pub queries: usize,
    /// Queries answered with the right person (an `Unknown` counts as wrong).
    pub top1_accuracy: f64,
    /// Queries whose nearest enrolled face is the right person, whatever the distance.
    pub rank1_nearest: f64,
    pub unknown_probes: usize,
    /// Never-enrolled people matched to someone.
    pub false_accepts: usize,
    pub false_accept_rate: f64,
    pub failures_to_detect: usize,
}

/// The split: each person with at least 2 photos enrols their first `min(enrol, n - 1)`
/// photos and queries up to 10 of the rest; people with one photo are never enrolled.
pub struct Split {
    pub enrol: Vec<(String, String)>,
    pub queries: Vec<(String, String)>,
    pub unknown: Vec<(String, String)>,
}

pub fn split(labels: &[(String, String)], enrol: usize) -> Split {
    let mut by_person: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut order: Vec<&str> = Vec::new();
    for (path, person) in labels {
        let entry = by_person.entry(person).or_default();
        if entry.is_empty() {
            order.push(person);
        }
        entry.push(path);
    }
    let mut s = Split {
        enrol: Vec::new(),
        queries: Vec::new(),
        unknown: Vec::new(),
    };
    for person in order {
        let photos = &by_person[person];
        if photos.len() < 2 {
            s.unknown.push((photos[0].to_string(), person.to_string()));
            continue;
        }
        let k = enrol.max(1).min(photos.len() - 1);
        for p in &photos[..k] {
            s.enrol.push((p.to_string(), person.to_string()));
        }
        for p in photos[k..].iter().take(10) {
            s.queries.push((p.to_string(), person.to_string()));
        }
    }
    s
}

/// Runs the identification protocol on a table of embeddings.
pub fn identify_with(
    split: &Split,
    embeddings: &HashMap<String, Option<Embedding>>,
    threshold: f32,
) -> IdentifyReport {
    let person_ids: HashMap<&str, Uuid> = split
        .enrol
        .iter()
        .enumerate()
        .map(|(i, (_, p))| (p.as_str(), Uuid::from_u128(i as u128 + 1)))
        .collect();
    let mut entries = Vec::new();
    let mut failures = 0;
    for (i, (path, person)) in split.enrol.iter().enumerate() {
        match embeddings.get(path).and_then(|e| e.clone()) {
            Some(e) => entries.push((i as i64, person_ids[person.as_str()], e)),
            None => failures += 1,
        }
    }
    let enrolled_people = {
        let mut ps: Vec<Uuid> = entries.iter().map(|e| e.1).collect();
        ps.sort();
        ps.dedup();
        ps.len()
    };
    let enrolled_photos = entries.len();
    let index = FaceIndex::build(
        entries,
        IndexConfig {
            threshold,
            ..IndexConfig::default()
        },
    );
    let (mut right, mut nearest_right) = (0usize, 0usize);
    for (path, person) in &split.queries {
        let Some(e) = embeddings.get(path).and_then(|e| e.as_ref()) else {
            failures += 1;
            continue;
        };
        let want = person_ids.get(person.as_str()).copied();
        if index.identify(e).person() == want && want.is_some() {
            right += 1;
        }
        if index.nearest(e).map(|m| m.person) == want && want.is_some() {
            nearest_right += 1;
        }
    }
    let mut false_accepts = 0;
    let mut probes = 0;
    for (path, _) in &split.unknown {
        let Some(e) = embeddings.get(path).and_then(|e| e.as_ref()) else {
            failures += 1;
            continue;
        };
        probes += 1;
        if index.identify(e).person().is_some() {
            false_accepts += 1;
        }
    }
    let q = split.queries.len().max(1) as f64;
    IdentifyReport {
        threshold,
        enrolled_people,
        enrolled_photos,
        queries: split.queries.len(),
        top1_accuracy: right as f64 / q,
        rank1_nearest: nearest_right as f64 / q,
        unknown_probes: probes,
        false_accepts,
        false_accept_rate: false_accepts as f64 / probes.max(1) as f64,
        failures_to_detect: failures,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_on_a_hand_made_set() {
        // Same pairs at 0.3, 0.4, 0.7 and one failure; different pairs at 0.5, 0.8, 0.9, 1.0.
        let scored = vec![
            (Some(0.3), true),
            (Some(0.4), true),
            (Some(0.7), true),
            (None, true),
            (Some(0.5), false),
            (Some(0.8), false),
            (Some(0.9), false),
            (Some(1.0), false),
        ];
        let r = verify_metrics(&scored, 0.6);
        // At 0.6: the same pair at 0.7, the failure and the impostor at 0.5 are wrong.
        assert!((r.accuracy - 5.0 / 8.0).abs() < 1e-9, "{r:?}");
        // Between 0.4 and 0.5 only the 0.7 pair and the failure are wrong.
        assert!((r.best_accuracy - 6.0 / 8.0).abs() < 1e-9, "{r:?}");
        assert!(r.best_threshold > 0.4 && r.best_threshold < 0.5);
        // FAR <= 1e-3 of 4 impostors allows none: accept below 0.5 -> 2 of 4 same pairs.
        assert!((r.tar_at_far_1e3 - 0.5).abs() < 1e-9);
        assert_eq!(r.pairs_failed, 1);
        assert!((r.false_accept_rate - 0.25).abs() < 1e-9, "{r:?}");
        assert!((r.false_reject_rate - 0.5).abs() < 1e-9, "{r:?}");
        // Accepting at or below 0.5 gives 1/4 false accepts and 2/4 false rejects; at or
        // below 0.4, 0 and 2/4; at or below 0.7, 1/4 and 1/4: equal, so the EER is 25 %.
        assert!((r.eer - 0.25).abs() < 1e-9, "{r:?}");
    }

    #[test]
    fn ties_and_all_pairs() {
        // Equal distances on both sides: no threshold separates them.
        let scored = vec![(Some(0.5), true), (Some(0.5), false)];
        let r = verify_metrics(&scored, 0.6);
        assert!((r.best_accuracy - 0.5).abs() < 1e-9, "{r:?}");
        let e = |v: f32| Some(Embedding::new(vec![v; crate::DIM]).expect("128"));
        let labels: Vec<(String, String)> = [("a1", "A"), ("a2", "A"), ("a3", "A"), ("b1", "B")]
            .iter()
            .map(|(p, n)| (p.to_string(), n.to_string()))
            .collect();
        let embeddings: HashMap<String, Option<Embedding>> = [
            ("a1".to_string(), e(0.0)),
            ("a2".to_string(), e(0.01)),
            ("a3".to_string(), None),
            ("b1".to_string(), e(0.2)),
        ]
        .into_iter()
        .collect();
        let scored = score_all_pairs(&labels, &embeddings);
        assert_eq!(scored.len(), 6);
        assert_eq!(
            scored.iter().filter(|s| s.1).count(),
            3,
            "the three A pairs"
        );
        assert_eq!(
            scored.iter().filter(|s| s.0.is_none()).count(),
            3,
            "a3 has no face"
        );
        let r = verify_all_pairs(&labels, &embeddings, 0.6);
        assert_eq!(r, {
            let mut direct = verify_metrics(&scored, 0.6);
            direct.photos = 4;
            direct.failures_to_detect = 1;
            direct
        });
        // a1-a2 (0.11 apart) is accepted and the A-B pairs (over 2 apart) rejected; the two
        // same pairs with a3 are false rejects; a3-b1 is rightly rejected.
        assert!((r.accuracy - 4.0 / 6.0).abs() < 1e-9, "{r:?}");
        assert!((r.false_reject_rate - 2.0 / 3.0).abs() < 1e-9, "{r:?}");
        assert_eq!(r.false_accept_rate, 0.0);
    }

    #[test]
    fn split_follows_the_documented_rule() {
        let labels: Vec<(String, String)> = [
            ("a1", "A"),
            ("a2", "A"),
            ("a3", "A"),
            ("a4", "A"),
            ("a5", "A"),
            ("b1", "B"),
            ("b2", "B"),
            ("c1", "C"),
        ]
        .iter()
        .map(|(p, n)| (p.to_string(), n.to_string()))
        .collect();
        let s = split(&labels, 3);
        let paths = |v: &Vec<(String, String)>| v.iter().map(|x| x.0.clone()).collect::<Vec<_>>();
        assert_eq!(paths(&s.enrol), vec!["a1", "a2", "a3", "b1"]);
        assert_eq!(paths(&s.queries), vec!["a4", "a5", "b2"]);
        assert_eq!(paths(&s.unknown), vec!["c1"]);
    }
}
