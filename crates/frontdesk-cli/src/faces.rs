//! `frontdesk faces ...`: evaluation and diagnostics of the face engine (no database needed).

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, bail};
use clap::{Subcommand, ValueEnum};
use frontdesk_vision::eval::{self, IdentifyReport, VerifyReport};
use frontdesk_vision::pipeline::{EngineConfig, FrameAnalysis};
use frontdesk_vision::{
    Alignment, FaceEngine, IDENTIFY_THRESHOLD, ModelSource, VERIFY_THRESHOLD, image_io,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Reference {
    /// Only our pipeline.
    None,
    /// Also dlib's own pipeline (Python `dlib-bin` + `face_recognition_models`), same files.
    Dlib,
}

/// How faces are aligned before the descriptor (evaluation only; the app uses the default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AlignArg {
    /// dlib's 5-point landmarks in a HOG-style box, dlib's chip (default).
    Dlib,
    /// dlib's 5-point landmarks in YuNet's own box.
    DlibYunetBox,
    /// YuNet's own five points fitted to where they fall in dlib's chip (the earlier default).
    YunetFit,
}

impl AlignArg {
    fn engine(self) -> anyhow::Result<FaceEngine> {
        let alignment = match self {
            AlignArg::Dlib => Alignment::DlibShape,
            AlignArg::DlibYunetBox => Alignment::DlibShapeYunetBox,
            AlignArg::YunetFit => Alignment::FivePoint,
        };
        let config = EngineConfig {
            alignment,
            ..EngineConfig::default()
        };
        FaceEngine::load(&ModelSource::Embedded, config).context("loading the face models")
    }
}

/// How an evaluation runs: reference pipeline, threads, alignment.
#[derive(Debug, Clone, Copy)]
struct Run {
    reference: Reference,
    threads: usize,
    alignment: AlignArg,
}

#[derive(Debug, Subcommand)]
pub enum FacesCommand {
    /// 1:1 verification on labelled pairs (CSV `path1,path2,same`).
    Verify {
        #[arg(long)]
        pairs: PathBuf,
        /// Folder the CSV paths are relative to.
        #[arg(long)]
        root: PathBuf,
        /// Euclidean threshold (default: the shipped verification threshold).
        #[arg(long)]
        threshold: Option<f32>,
        /// Also measure dlib's own pipeline on the same pairs.
        #[arg(long, value_enum, default_value = "dlib")]
        reference: Reference,
        #[arg(long, default_value_t = 2)]
        threads: usize,
        #[arg(long, value_enum, default_value = "dlib")]
        alignment: AlignArg,
        /// Write the figures as JSON to this file.
        #[arg(long)]
        report: Option<PathBuf>,
    },
    /// 1:N identification: enrol N photos per person, query the rest, probe never-enrolled
    /// people (CSV `path,person_id`).
    Identify {
        #[arg(long)]
        labels: PathBuf,
        /// Photos enrolled per person (people with one photo are never enrolled).
        #[arg(long, default_value_t = 3)]
        enrol: usize,
        #[arg(long)]
        root: PathBuf,
        /// Euclidean threshold (default: the shipped identification threshold).
        #[arg(long)]
        threshold: Option<f32>,
        #[arg(long, value_enum, default_value = "dlib")]
        reference: Reference,
        #[arg(long, default_value_t = 2)]
        threads: usize,
        #[arg(long, value_enum, default_value = "dlib")]
        alignment: AlignArg,
        #[arg(long)]
        report: Option<PathBuf>,
    },
    /// Detect faces in photos and show what the quality gates say.
    Detect { images: Vec<PathBuf> },
    /// List the cameras this machine reports.
    Cameras,
}

pub fn run(cmd: FacesCommand) -> anyhow::Result<()> {
    match cmd {
        FacesCommand::Verify {
            pairs,
            root,
            threshold,
            reference,
            threads,
            alignment,
            report,
        } => verify(
            &pairs,
            &root,
            threshold.unwrap_or(VERIFY_THRESHOLD),
            Run {
                reference,
                threads,
                alignment,
            },
            report.as_deref(),
        ),
        FacesCommand::Identify {
            labels,
            enrol,
            root,
            threshold,
            reference,
            threads,
            alignment,
            report,
        } => identify(
            &labels,
            enrol,
            &root,
            threshold.unwrap_or(IDENTIFY_THRESHOLD),
            Run {
                reference,
                threads,
                alignment,
            },
            report.as_deref(),
        ),
        FacesCommand::Detect { images } => detect(&images),
        FacesCommand::Cameras => list_cameras(),
    }
}

fn print_verify(name: &str, r: &VerifyReport) {
    println!("{name}");
    println!(
        "  pairs {} ({} same, {} different), photos {}, failures to detect {} ({} pairs affected)",
        r.pairs, r.same_pairs, r.different_pairs, r.photos, r.failures_to_detect, r.pairs_failed
    );
    println!(
        "  accuracy at threshold {:.3}: {:.2} %",
        r.threshold,
        100.0 * r.accuracy
    );
    println!(
        "  best accuracy: {:.2} % (threshold {:.3})",
        100.0 * r.best_accuracy,
        r.best_threshold
    );
    println!("  TAR at FAR 1e-3: {:.2} %", 100.0 * r.tar_at_far_1e3);
    println!("  EER: {:.2} %", 100.0 * r.eer);
}

fn verify(
    pairs: &Path,
    root: &Path,
    threshold: f32,
    run: Run,
    report: Option<&Path>,
) -> anyhow::Result<()> {
    let Run {
        reference,
        threads,
        alignment,
    } = run;
    let pairs = eval::read_pairs(pairs)?;
    if pairs.is_empty() {
        bail!("no pairs");
    }
    let paths: Vec<String> = pairs
        .iter()
        .flat_map(|p| [p.a.clone(), p.b.clone()])
        .collect();
    let engine = alignment.engine()?;
    let started = Instant::now();
    let ours = eval::embed_all(&engine, root, &paths, threads);
    let ours_secs = started.elapsed().as_secs_f64();
    let ours_report = eval::verify_with(&pairs, &ours, threshold);
    print_verify(
        &format!("ours (YuNet + {alignment:?} alignment + dlib ResNet, tract), {ours_secs:.1} s"),
        &ours_report,
    );
    let mut json = serde_json::json!({ "ours": ours_report });
    if reference == Reference::Dlib {
        let started = Instant::now();
        let theirs = eval::dlib_reference(root, &paths).context("running dlib's pipeline (pip install dlib-bin face_recognition_models numpy opencv-python-headless)")?;
        let secs = started.elapsed().as_secs_f64();
        let dlib_report = eval::verify_with(&pairs, &theirs, VERIFY_THRESHOLD);
        print_verify(
            &format!("dlib's own pipeline (HOG + 5-point predictor + chip + ResNet), {secs:.1} s"),
            &dlib_report,
        );
        let ours_at_dlib = eval::verify_with(&pairs, &ours, VERIFY_THRESHOLD);
        println!(
            "accuracy ours/dlib at their shipped thresholds: {:.2} % vs {:.2} % (ours at 0.6: {:.2} %)",
            100.0 * ours_report.accuracy,
            100.0 * dlib_report.accuracy,
            100.0 * ours_at_dlib.accuracy
        );
        json["dlib"] = serde_json::to_value(&dlib_report)?;
    }
    if let Some(path) = report {
        std::fs::write(path, serde_json::to_string_pretty(&json)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

fn print_identify(name: &str, r: &IdentifyReport) {
    println!("{name}");
    println!(
        "  enrolled {} people with {} photos; {} queries; {} never-enrolled probes; failures to detect {}",
        r.enrolled_people, r.enrolled_photos, r.queries, r.unknown_probes, r.failures_to_detect
    );
    println!(
        "  top-1 accuracy at threshold {:.3}: {:.2} % (nearest is right: {:.2} %)",
        r.threshold,
        100.0 * r.top1_accuracy,
        100.0 * r.rank1_nearest
    );
    println!(
        "  false accepts of never-enrolled people: {} of {} = {:.3} %",
        r.false_accepts,
        r.unknown_probes,
        100.0 * r.false_accept_rate
    );
}

fn identify(
    labels: &Path,
    enrol: usize,
    root: &Path,
    threshold: f32,
    run: Run,
    report: Option<&Path>,
) -> anyhow::Result<()> {
    let Run {
        reference,
        threads,
        alignment,
    } = run;
    let labels = eval::read_labels(labels)?;
    let split = eval::split(&labels, enrol);
    let paths: Vec<String> = split
        .enrol
        .iter()
        .chain(&split.queries)
        .chain(&split.unknown)
        .map(|(p, _)| p.clone())
        .collect();
    let engine = alignment.engine()?;
    let started = Instant::now();
    let ours = eval::embed_all(&engine, root, &paths, threads);
    let secs = started.elapsed().as_secs_f64();
    let r = eval::identify_with(&split, &ours, threshold);
    print_identify(&format!("ours, {secs:.1} s"), &r);
    let mut json = serde_json::json!({ "ours": r });
    // The trade-off around the shipped threshold.
    let sweep: Vec<f32> = vec![0.40, 0.45, 0.46, 0.47, 0.48, 0.49, 0.50, 0.52, 0.55, 0.60];
    for t in &sweep {
        let s = eval::identify_with(&split, &ours, *t);
        println!(
            "  at {t:.2}: top-1 {:.2} %, false accepts {} ({:.3} %)",
            100.0 * s.top1_accuracy,
            s.false_accepts,
            100.0 * s.false_accept_rate
        );
    }
    if reference == Reference::Dlib {
        let theirs = eval::dlib_reference(root, &paths).context("running dlib's pipeline")?;
        let d = eval::identify_with(&split, &theirs, VERIFY_THRESHOLD);
        print_identify("dlib's own pipeline at its 0.6 rule", &d);
        let d2 = eval::identify_with(&split, &theirs, threshold);
        print_identify(&format!("dlib's own pipeline at our {threshold:.3}"), &d2);
        json["dlib"] = serde_json::to_value(&d)?;
    }
    if let Some(path) = report {
        std::fs::write(path, serde_json::to_string_pretty(&json)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

fn detect(images: &[PathBuf]) -> anyhow::Result<()> {
    let engine = FaceEngine::with_defaults().context("loading the face models")?;
    for path in images {
        let img = match image_io::load(path) {
            Ok(img) => img,
            Err(e) => {
                println!("{}: {e}", path.display());
                continue;
            }
        };
        let faces = engine.detect(&img)?;
        println!(
            "{}: {}x{}, {} face(s)",
            path.display(),
            img.width(),
            img.height(),
            faces.len()
        );
        for f in &faces {
            println!(
                "  score {:.3} box x {:.1} y {:.1} w {:.1} h {:.1}",
                f.score, f.bbox.x, f.bbox.y, f.bbox.width, f.bbox.height
            );
        }
        match engine.observe_faces(&img, &faces)? {
            FrameAnalysis::Accepted(o) => println!("  usable: quality {:.2}", o.quality.score),
            FrameAnalysis::Rejected { reason, .. } => println!("  not usable: {reason}"),
        }
    }
    Ok(())
}

fn list_cameras() -> anyhow::Result<()> {
    let cams = frontdesk_vision::source::list_cameras()?;
    if cams.is_empty() {
        println!("no camera found");
    }
    for c in cams {
        println!("#{} {} ({})", c.index, c.name, c.description);
    }
    Ok(())
}
