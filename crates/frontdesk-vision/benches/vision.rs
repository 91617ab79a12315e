//! Face engine benchmarks, with OpenCV measured as the peer in the same run.
//!
//! `cargo bench -p frontdesk-vision` (release). Needs the shared development photos (for a
//! real frame) and, for the peer, Python with `opencv-python-headless` and `numpy`.
//! Environment: `FRONTDESK_BENCH_RUNS` (default 60), `FRONTDESK_BENCH_MAX_N` (largest gallery,
//! default 1000000), `FRONTDESK_BENCH_HNSW_MAX` (largest gallery given an HNSW graph, default
//! 100000: hnsw_rs builds take minutes), `FRONTDESK_BENCH_CACHE` (where HNSW graphs are saved
//! between runs; default a folder under the target directory). Index part only:
//! `FRONTDESK_BENCH_SETS` (`gaussian,clustered`), `FRONTDESK_BENCH_SIZES`
//! (`1000,10000,100000,1000000`), `FRONTDESK_BENCH_HNSW_M` (16), `FRONTDESK_BENCH_HNSW_EFC` (64),
//! `FRONTDESK_BENCH_EF` (`16,32,64,128`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;
use std::time::Instant;

use frontdesk_vision::detect::DetectorConfig;
use frontdesk_vision::index::{
    CacheOutcome, FaceIndex, IndexConfig, SearchPath, SplitMix, synthetic_embeddings,
};
use frontdesk_vision::pipeline::{EngineConfig, FaceEngine};
use frontdesk_vision::synthetic::ClusteredGallery;
use frontdesk_vision::{Embedding, ModelSource, align, image_io};
use image::RgbImage;
use uuid::Uuid;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[derive(Debug, Clone, Copy)]
struct Stats {
    p50: f64,
    p99: f64,
    min: f64,
}

fn stats(mut ms: Vec<f64>) -> Stats {
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| ms[((ms.len() - 1) as f64 * q).round() as usize];
    Stats {
        p50: at(0.5),
        p99: at(0.99),
        min: ms[0],
    }
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Stats {
    for _ in 0..3 {
        std::hint::black_box(f());
    }
    let ms = (0..runs)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    stats(ms)
}

fn shared() -> Option<PathBuf> {
    let dir = std::env::var_os("FRONTDESK_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    dir.join("datasets/faces-dev").is_dir().then_some(dir)
}

/// A webcam-like 640x480 frame: a real portrait scaled to fit, on grey.
fn make_frame(dev: &Path) -> Option<RgbImage> {
    let photo = image_io::load(&dev.join("face_recognition/Barack_Obama/obama.jpg")).ok()?;
    let scale = (640.0 / photo.width() as f32).min(480.0 / photo.height() as f32);
    let (w, h) = (
        (photo.width() as f32 * scale) as u32,
        (photo.height() as f32 * scale) as u32,
    );
    let small = image::imageops::resize(&photo, w, h, image::imageops::FilterType::Triangle);
    let mut frame = RgbImage::from_pixel(640, 480, image::Rgb([110, 110, 110]));
    image::imageops::replace(
        &mut frame,
        &small,
        i64::from((640 - w) / 2),
        i64::from((480 - h) / 2),
    );
    Some(frame)
}

fn peer(frame_png: &Path, runs: usize) -> Option<serde_json::Value> {
    let python = std::env::var("FRONTDESK_PYTHON").unwrap_or_else(|_| "python3".into());
    let out = Command::new(python)
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/opencv_peer.py"))
        .args([
            "bench",
            "--threads",
            "1",
            "--runs",
            &runs.to_string(),
            "--models",
        ])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models"))
        .arg(frame_png)
        .output()
        .ok()?;
    if !out.status.success() {
        eprintln!(
            "note: OpenCV peer failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
        return None;
    }
    serde_json::from_slice(&out.stdout).ok()
}

fn row(name: &str, ours: Stats, peer: Option<(&str, f64)>) {
    match peer {
        Some((label, p)) => println!(
            "{name:<44} ours p50 {:>7.2} ms  p99 {:>7.2}  min {:>6.2} | {label} p50 {:>7.2} ms | ours/peer {:.2}x",
            ours.p50,
            ours.p99,
            ours.min,
            p,
            ours.p50 / p
        ),
        None => println!(
            "{name:<44} ours p50 {:>7.2} ms  p99 {:>7.2}  min {:>6.2}",
            ours.p50, ours.p99, ours.min
        ),
    }
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument selects "faces" or "index" only.
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let want = |part: &str| filter.as_deref().is_none_or(|f| part.contains(f));
    let runs = env_usize("FRONTDESK_BENCH_RUNS", 60);
    println!("frontdesk-vision bench: {runs} runs per figure, 1 thread per model unless noted");
    if want("faces") {
        faces(runs);
    }
    if want("index") {
        index(runs);
    }
}

fn faces(runs: usize) {
    let Some(dev) = shared().map(|s| s.join("datasets/faces-dev")) else {
        println!(
            "note: face benchmarks skipped: shared/datasets/faces-dev not found (set FRONTDESK_SHARED)"
        );
        return;
    };
    let Some(frame) = make_frame(&dev) else {
        println!("note: benchmark frame could not be made");
        return;
    };
    let tmp = std::env::temp_dir().join(format!("frontdesk-bench-{}.png", Uuid::now_v7()));
    if frame.save(&tmp).is_err() {
        println!("note: cannot write the benchmark frame");
        return;
    }
    let load = |max_side: u32| {
        FaceEngine::load(
            &ModelSource::Embedded,
            EngineConfig {
                detector: DetectorConfig {
                    max_side,
                    ..Default::default()
                },
                ..Default::default()
            },
        )
    };
    let (Ok(full), Ok(quarter)) = (load(640), load(320)) else {
        println!("note: models failed to load");
        return;
    };
    let small = image::imageops::resize(&frame, 320, 240, image::imageops::FilterType::Triangle);
    let _ = full.detector().warm_up(640, 480);
    let _ = full.detector().warm_up(320, 240);
    let _ = quarter.detector().warm_up(640, 480);
    let Ok(faces) = full.detect(&frame) else {
        return;
    };
    let Some(face) = faces.first().cloned() else {
        println!("note: no face in the benchmark frame");
        return;
    };

    let peer = peer(&tmp, runs);
    let _ = std::fs::remove_file(&tmp);
    let p = |key: &str| peer.as_ref().and_then(|v| v[key]["p50"].as_f64());
    if let Some(v) = &peer {
        println!(
            "peer: OpenCV {} (cv2.FaceDetectorYN, cv2.dnn), {} thread",
            v["opencv"], v["threads"]
        );
    } else {
        println!("peer: OpenCV not available (pip install opencv-python-headless numpy)");
    }
    let with = |key: &str, label: &'static str| p(key).map(|x| (label, x));

    let d320 = time(runs, || full.detect(&small));
    row(
        "detect 320x240 (YuNet, input 320x256)",
        d320,
        with("detect_320x240", "OpenCV"),
    );
    let d320f = time(runs, || quarter.detect(&frame));
    row(
        "  same, from the 640x480 frame (downscale included)",
        d320f,
        with("detect_320x240", "OpenCV"),
    );
    let d640 = time(runs, || full.detect(&frame));
    row(
        "detect 640x480 (YuNet, input 640x480)",
        d640,
        with("detect_640x480", "OpenCV"),
    );
    let chip = full.chip(&frame, &face).ok();
    if let Some(chip) = &chip {
        let e = time(runs, || full.embedder().embed(chip));
        row(
            "embed one chip (dlib ResNet 150x150)",
            e,
            with("embed", "OpenCV"),
        );
    }
    let ae = time(runs, || full.embed_face(&frame, &face));
    row("align + embed one face", ae, with("align_embed", "OpenCV"));
    let a = time(runs, || full.chip(&frame, &face));
    row("  of which align (dlib landmarks + dlib chip)", a, None);
    let lm = time(runs, || full.aligner().dlib_landmarks(&frame, &face));
    row("  of which dlib's 5-point predictor", lm, None);
    if let Some(chip) = &chip {
        let m = time(runs, || full.embedder().embed_mirrored(chip));
        row(
            "embed one chip and its mirror (gallery descriptor)",
            m,
            None,
        );
    }
    let obs = time(runs, || quarter.observe_faces(&frame, &faces));
    row("observe one detected face (gates, align, embed)", obs, None);
    let old = time(runs, || {
        align::chip(&frame, &face, align::Alignment::FivePoint)
    });
    row("  (YuNet-point chip, for comparison)", old, None);

    // A whole frame to an identity: detect, dominant face, gates, chip, embed, search.
    let gallery = FaceIndex::build(
        synthetic_embeddings(1000, 5)
            .into_iter()
            .enumerate()
            .map(|(i, e)| (i as i64, Uuid::from_u128(i as u128), e)),
        IndexConfig::default(),
    );
    let f640 = time(runs, || full.identify(&frame, &gallery));
    row(
        "whole frame -> identity, detect at 640x480",
        f640,
        with("frame_640", "OpenCV@640"),
    );
    let f320 = time(runs, || quarter.identify(&frame, &gallery));
    row(
        "whole frame -> identity, detect at 320x240",
        f320,
        with("frame_640", "OpenCV@640"),
    );
    row(
        "  same, against OpenCV also detecting at 320",
        f320,
        with("frame_320", "OpenCV@320"),
    );

    // Pipelined: detect frame N+1 on one thread while frame N is embedded on the other
    // (a camera stream). Time per frame in steady state.
    let n_frames = runs.max(20);
    let per_frame = pipelined(&quarter, &frame, &gallery, n_frames);
    let pipe = Stats {
        p50: per_frame,
        p99: per_frame,
        min: per_frame,
    };
    row(
        "stream, detect@320 || embed, per frame",
        pipe,
        with("frame_640", "OpenCV@640"),
    );
    row(
        "  same, against OpenCV detecting at 320",
        pipe,
        with("frame_320", "OpenCV@320"),
    );
    let per_frame = pipelined(&full, &frame, &gallery, n_frames);
    let pipe = Stats {
        p50: per_frame,
        p99: per_frame,
        min: per_frame,
    };
    row(
        "stream, detect@640 || embed, per frame",
        pipe,
        with("frame_640", "OpenCV@640"),
    );
}

/// Two threads: detection feeds a channel, observation + identification drains it.
fn pipelined(engine: &FaceEngine, frame: &RgbImage, gallery: &FaceIndex, n: usize) -> f64 {
    let (tx, rx) = mpsc::sync_channel::<(RgbImage, Vec<frontdesk_vision::Face>)>(2);
    let started = Instant::now();
    std::thread::scope(|s| {
        s.spawn(move || {
            for _ in 0..n {
                let img = frame.clone();
                let faces = engine.detect(&img).unwrap_or_default();
                if tx.send((img, faces)).is_err() {
                    break;
                }
            }
        });
        s.spawn(move || {
            for (img, faces) in rx {
                if let Ok(frontdesk_vision::pipeline::FrameAnalysis::Accepted(o)) =
                    engine.observe_faces(&img, &faces)
                {
                    std::hint::black_box(gallery.identify(&o.embedding));
                }
            }
        });
    });
    started.elapsed().as_secs_f64() * 1e3 / n as f64
}

fn env_list(name: &str, default: &str) -> Vec<String> {
    std::env::var(name)
        .unwrap_or_else(|_| default.to_string())
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// One synthetic data set at one size: the gallery and the queries.
struct IndexData {
    entries: Vec<(i64, Uuid, Embedding)>,
    queries: Vec<Embedding>,
}

fn index_data(set: &str, n: usize, queries_n: usize, seed: u64) -> IndexData {
    if set == "clustered" {
        // People with 3-5 samples; half the queries are new samples of enrolled people, half
        // are people never enrolled.
        let g = ClusteredGallery::generate(n, queries_n / 2, queries_n - queries_n / 2, seed);
        let mut queries: Vec<Embedding> = g.known.into_iter().map(|(_, e)| e).collect();
        queries.extend(g.strangers);
        return IndexData {
            entries: g.entries,
            queries,
        };
    }
    let vectors = synthetic_embeddings(n, seed);
    let mut rng = SplitMix(seed ^ n as u64);
    let queries = (0..queries_n)
        .filter_map(|_| {
            let target = &vectors[(rng.next_u64() % n as u64) as usize];
            Embedding::new(
                target
                    .as_slice()
                    .iter()
                    .map(|v| v + rng.gauss() * 0.03)
                    .collect(),
            )
            .ok()
        })
        .collect();
    let entries = vectors
        .into_iter()
        .enumerate()
        .map(|(i, e)| (i as i64, Uuid::from_u128(i as u128 / 4), e))
        .collect();
    IndexData { entries, queries }
}

fn index(runs: usize) {
    let max_n = env_usize("FRONTDESK_BENCH_MAX_N", 1_000_000);
    let hnsw_max = env_usize("FRONTDESK_BENCH_HNSW_MAX", 100_000);
    let m = env_usize("FRONTDESK_BENCH_HNSW_M", 16);
    let ef_c = env_usize("FRONTDESK_BENCH_HNSW_EFC", 64);
    let efs: Vec<usize> = env_list("FRONTDESK_BENCH_EF", "16,32,64,128")
        .iter()
        .filter_map(|s| s.parse().ok())
        .collect();
    let sizes: Vec<usize> = env_list("FRONTDESK_BENCH_SIZES", "1000,10000,100000,1000000")
        .iter()
        .filter_map(|s| s.parse().ok())
        .filter(|&n| n <= max_n)
        .collect();
    let cache_root = std::env::var_os("FRONTDESK_BENCH_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/frontdesk-bench-cache")
        });
    let seed = 20261121u64;
    let queries_n = runs.max(200);
    println!(
        "identify: synthetic 128-d vectors, seed {seed}, {queries_n} queries per size; recall@1 = same nearest embedding as the f32 scan, agree = same identify answer"
    );
    for set in env_list("FRONTDESK_BENCH_SETS", "gaussian,clustered") {
        for &n in &sizes {
            let data = index_data(&set, n, queries_n, seed);
            let t = Instant::now();
            let mut index = FaceIndex::build(
                data.entries.iter().cloned(),
                IndexConfig {
                    hnsw_min: usize::MAX,
                    ..Default::default()
                },
            );
            let open_s = t.elapsed().as_secs_f64();
            let qs = &data.queries;
            let truth: Vec<Option<i64>> = qs
                .iter()
                .map(|q| index.nearest_exact(q, None).map(|m| m.embedding))
                .collect();
            let threshold = index.config().threshold;
            let answer = |m: Option<frontdesk_vision::Match>| {
                m.filter(|m| m.distance <= threshold).map(|m| m.person)
            };
            let truth_answer: Vec<Option<Uuid>> = qs
                .iter()
                .map(|q| answer(index.nearest_exact(q, None)))
                .collect();
            let accepted = truth_answer.iter().filter(|a| a.is_some()).count();
            let report =
                |method: &str,
                 st: Stats,
                 found: &dyn Fn(&Embedding) -> Option<frontdesk_vision::Match>| {
                    let (mut hits, mut agree) = (0, 0);
                    for (i, q) in qs.iter().enumerate() {
                        let m = found(q);
                        hits += usize::from(m.map(|m| m.embedding) == truth[i]);
                        agree += usize::from(answer(m) == truth_answer[i]);
                    }
                    println!(
                        "{set:<9} N = {n:>8}: {method:<26} p50 {:>8.3} ms  p99 {:>8.3} ms  recall@1 {:.3}  agree {:.3}",
                        st.p50,
                        st.p99,
                        hits as f64 / qs.len() as f64,
                        agree as f64 / qs.len() as f64
                    );
                };
            println!(
                "{set:<9} N = {n:>8}: {accepted} of {} queries within the threshold; index built in {open_s:.2} s (no graph)",
                qs.len()
            );
            let mut qi = 0;
            let st = time(qs.len(), || {
                qi = (qi + 1) % qs.len();
                index.nearest_exact(&qs[qi], None)
            });
            report("f32 scan", st, &|q| index.nearest_exact(q, None));
            let mut qi = 0;
            index.set_parallel_scan_min(usize::MAX);
            let st = time(qs.len(), || {
                qi = (qi + 1) % qs.len();
                index.nearest_quantised(&qs[qi], None)
            });
            report("i8 scan + f32 re-rank", st, &|q| {
                index.nearest_quantised(q, None)
            });
            index.set_parallel_scan_min(0);
            let mut qi = 0;
            let st = time(qs.len(), || {
                qi = (qi + 1) % qs.len();
                index.nearest_quantised(&qs[qi], None)
            });
            report("  same, 2 threads", st, &|q| {
                index.nearest_quantised(q, None)
            });
            drop(index);

            if n > hnsw_max {
                println!(
                    "{set:<9} N = {n:>8}: HNSW not built (FRONTDESK_BENCH_HNSW_MAX = {hnsw_max})"
                );
                continue;
            }
            let cfg = IndexConfig {
                hnsw_min: 0,
                m,
                ef_construction: ef_c,
                ..Default::default()
            };
            let dir = cache_root.join(format!("{set}-n{n}-m{m}-efc{ef_c}-s{seed}"));
            let t = Instant::now();
            let (index, outcome) = match FaceIndex::open(data.entries.iter().cloned(), cfg, &dir) {
                Ok(x) => x,
                Err(e) => {
                    println!("{set:<9} N = {n:>8}: HNSW failed: {e}");
                    continue;
                }
            };
            let open_s = t.elapsed().as_secs_f64();
            let how = match outcome {
                CacheOutcome::Loaded { .. } => "loaded from cache",
                CacheOutcome::Rebuilt => "built (parallel insertion) and saved",
                CacheOutcome::NotNeeded => "not needed",
            };
            println!(
                "{set:<9} N = {n:>8}: HNSW M {m} ef_c {ef_c}: {how} in {open_s:.2} s ({:.0} vectors/s)",
                n as f64 / open_s
            );
            if index.search_path() != SearchPath::Hnsw {
                continue;
            }
            for &ef in &efs {
                let mut qi = 0;
                let st = time(qs.len(), || {
                    qi = (qi + 1) % qs.len();
                    index.nearest_with_ef(&qs[qi], ef)
                });
                report(&format!("HNSW M{m} efc{ef_c} ef{ef}"), st, &|q| {
                    index.nearest_with_ef(q, ef)
                });
            }
            drop(index);
            // Start-up from the saved cache, as the app does.
            let t = Instant::now();
            if let Ok((_, o)) = FaceIndex::open(data.entries.iter().cloned(), cfg, &dir) {
                println!(
                    "{set:<9} N = {n:>8}: start-up from saved cache {:.2} s ({o:?})",
                    t.elapsed().as_secs_f64()
                );
            }
        }
    }
}
