//! `frontdesk-lab faces ...`: evaluation and diagnostics of the face engine (no database needed).

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, bail};
use clap::{Subcommand, ValueEnum};
use frontdesk_vision::eval::{self, IdentifyReport, VerifyReport};
use frontdesk_vision::pipeline::{EngineConfig, FrameAnalysis};
use frontdesk_vision::{
    Alignment, Descriptor, FaceEngine, IDENTIFY_THRESHOLD, ModelSource, VERIFY_THRESHOLD, image_io,
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

/// Which descriptor `faces embed` computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DescriptorArg {
    Single,
    MirrorAveraged,
}

impl From<DescriptorArg> for Descriptor {
    fn from(d: DescriptorArg) -> Self {
        match d {
            DescriptorArg::Single => Descriptor::Single,
            DescriptorArg::MirrorAveraged => Descriptor::MirrorAveraged,
        }
    }
}

/// How photos are turned into descriptors.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct PipelineArgs {
    #[arg(long, default_value_t = 2)]
    threads: usize,
    #[arg(long, value_enum, default_value = "dlib")]
    alignment: AlignArg,
}

/// What `verify` and `identify` take besides their CSV.
#[derive(Debug, Clone, clap::Args)]
pub struct EvalArgs {
    /// Folder the CSV paths are relative to.
    #[arg(long)]
    root: PathBuf,
    /// Euclidean threshold (default: the command's shipped threshold).
    #[arg(long)]
    threshold: Option<f32>,
    /// Also measure dlib's own pipeline on the same photos.
    #[arg(long, value_enum, default_value = "dlib")]
    reference: Reference,
    #[command(flatten)]
    pipeline: PipelineArgs,
    /// Write the figures as JSON to this file.
    #[arg(long)]
    report: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum FacesCommand {
    /// 1:1 verification on labelled pairs (CSV `path1,path2,same`), or on every pair of
    /// labelled photos (`--labels`, CSV `path,person_id`).
    Verify {
        /// CSV `path1,path2,same` (`same` is 1 for the same person, 0 otherwise).
        #[arg(long, required_unless_present = "labels", conflicts_with = "labels")]
        pairs: Option<PathBuf>,
        /// Instead of --pairs: score every pair of these photos (same person where the labels
        /// agree), which measures false accepts on over a million pairs.
        #[arg(long)]
        labels: Option<PathBuf>,
        #[command(flatten)]
        eval: EvalArgs,
    },
    /// 1:N identification: enrol N photos per person, query the rest, probe never-enrolled
    /// people (CSV `path,person_id`).
    Identify {
        #[arg(long)]
        labels: PathBuf,
        /// Photos enrolled per person (people with one photo are never enrolled).
        #[arg(long, default_value_t = 3)]
        enrol: usize,
        #[command(flatten)]
        eval: EvalArgs,
    },
    /// The identification decision at gallery sizes (one frame and walk-up, against the fixed
    /// threshold): top-1 of enrolled people and false accepts of never-enrolled ones.
    Scale(crate::scale::ScaleArgs),
    /// Descriptors of the main face of each photo, as JSON lines `{"path", "descriptor"}`
    /// (`null` when no face is found), for analysing your own data elsewhere.
    Embed {
        /// Text file with one photo path per line, relative to --root.
        #[arg(long)]
        list: PathBuf,
        #[arg(long)]
        root: PathBuf,
        #[command(flatten)]
        pipeline: PipelineArgs,
        /// `single` (what a live camera frame gets) or `mirror-averaged` (gallery photos).
        #[arg(long, value_enum, default_value = "mirror-averaged")]
        descriptor: DescriptorArg,
        /// Write here instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
        /// Instead: replay each photo as this many jittered live frames (single-pass
        /// descriptors), one line per frame with its `frame` number.
        #[arg(long)]
        jitter: Option<usize>,
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
            labels,
            eval,
        } => verify(
            match (pairs, labels) {
                (Some(pairs), _) => PairSource::List(pairs),
                (None, Some(labels)) => PairSource::AllOf(labels),
                (None, None) => bail!("give --pairs or --labels"),
            },
            &eval,
        ),
        FacesCommand::Identify {
            labels,
            enrol,
            eval,
        } => identify(&labels, enrol, &eval),
        FacesCommand::Embed {
            list,
            root,
            pipeline,
            descriptor,
            output,
            jitter,
        } => embed(
            &list,
            &root,
            pipeline,
            descriptor.into(),
            jitter,
            output.as_deref(),
        ),
        FacesCommand::Scale(args) => crate::scale::run(args),
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
        "  accuracy at threshold {:.3}: {:.2} % (false accepts {:.3} % of different pairs, false rejects {:.2} % of same pairs)",
        r.threshold,
        100.0 * r.accuracy,
        100.0 * r.false_accept_rate,
        100.0 * r.false_reject_rate
    );
    println!(
        "  best accuracy: {:.2} % (threshold {:.3})",
        100.0 * r.best_accuracy,
        r.best_threshold
    );
    println!("  TAR at FAR 1e-3: {:.2} %", 100.0 * r.tar_at_far_1e3);
    println!("  EER: {:.2} %", 100.0 * r.eer);
}

/// Which pairs `faces verify` scores.
enum PairSource {
    /// A CSV `path1,path2,same`.
    List(PathBuf),
    /// Every pair of the photos in a CSV `path,person_id`.
    AllOf(PathBuf),
}

/// Descriptors by photo path (`None`: no face).
type Embeddings = std::collections::HashMap<String, Option<frontdesk_vision::Embedding>>;

/// The pairs, read.
enum Pairs {
    List(Vec<eval::Pair>),
    AllOf(Vec<(String, String)>),
}

impl Pairs {
    fn read(source: &PairSource) -> anyhow::Result<Self> {
        let pairs = match source {
            PairSource::List(path) => Pairs::List(eval::read_pairs(path)?),
            PairSource::AllOf(path) => Pairs::AllOf(eval::read_labels(path)?),
        };
        let enough = match &pairs {
            Pairs::List(list) => !list.is_empty(),
            Pairs::AllOf(labels) => labels.len() >= 2,
        };
        if !enough {
            bail!("no pairs");
        }
        Ok(pairs)
    }

    /// Every photo path, once per mention (`embed_all` embeds each distinct one once).
    fn photos(&self) -> Vec<String> {
        match self {
            Pairs::List(list) => list
                .iter()
                .flat_map(|p| [p.a.clone(), p.b.clone()])
                .collect(),
            Pairs::AllOf(labels) => labels.iter().map(|(p, _)| p.clone()).collect(),
        }
    }

    fn score(&self, embeddings: &Embeddings, threshold: f32) -> VerifyReport {
        match self {
            Pairs::List(list) => eval::verify_with(list, embeddings, threshold),
            Pairs::AllOf(labels) => eval::verify_all_pairs(labels, embeddings, threshold),
        }
    }
}

fn verify(source: PairSource, args: &EvalArgs) -> anyhow::Result<()> {
    let threshold = args.threshold.unwrap_or(VERIFY_THRESHOLD);
    let alignment = args.pipeline.alignment;
    let pairs = Pairs::read(&source)?;
    let paths = pairs.photos();
    let engine = alignment.engine()?;
    let started = Instant::now();
    // Two still photos: both get the gallery (mirror-averaged) descriptor.
    let ours = eval::embed_all(
        &engine,
        &args.root,
        &paths,
        args.pipeline.threads,
        Descriptor::MirrorAveraged,
    );
    let ours_secs = started.elapsed().as_secs_f64();
    let ours_report = pairs.score(&ours, threshold);
    print_verify(
        &format!("ours (YuNet + {alignment:?} alignment + dlib ResNet, tract), {ours_secs:.1} s"),
        &ours_report,
    );
    let mut json = serde_json::json!({ "ours": ours_report });
    if args.reference == Reference::Dlib {
        let started = Instant::now();
        let theirs = eval::dlib_reference(&args.root, &paths).context("running dlib's pipeline (pip install dlib-bin face_recognition_models numpy opencv-python-headless)")?;
        let secs = started.elapsed().as_secs_f64();
        let dlib_report = pairs.score(&theirs, VERIFY_THRESHOLD);
        print_verify(
            &format!("dlib's own pipeline (HOG + 5-point predictor + chip + ResNet), {secs:.1} s"),
            &dlib_report,
        );
        // Scored again only when --threshold moved ours off dlib's rule.
        let ours_at_dlib = if threshold == VERIFY_THRESHOLD {
            ours_report.accuracy
        } else {
            pairs.score(&ours, VERIFY_THRESHOLD).accuracy
        };
        println!(
            "accuracy ours/dlib at their shipped thresholds: {:.2} % vs {:.2} % (ours at 0.6: {:.2} %)",
            100.0 * ours_report.accuracy,
            100.0 * dlib_report.accuracy,
            100.0 * ours_at_dlib
        );
        json["dlib"] = serde_json::to_value(&dlib_report)?;
    }
    write_report(args.report.as_deref(), &json)
}

/// Writes the figures as JSON when `--report` was given.
fn write_report(report: Option<&Path>, json: &serde_json::Value) -> anyhow::Result<()> {
    if let Some(path) = report {
        std::fs::write(path, serde_json::to_string_pretty(json)?)
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

fn identify(labels: &Path, enrol: usize, args: &EvalArgs) -> anyhow::Result<()> {
    let threshold = args.threshold.unwrap_or(IDENTIFY_THRESHOLD);
    let (root, threads) = (args.root.as_path(), args.pipeline.threads);
    let labels = eval::read_labels(labels)?;
    let split = eval::split(&labels, enrol);
    let gallery: Vec<String> = split.enrol.iter().map(|(p, _)| p.clone()).collect();
    let probes: Vec<String> = split
        .queries
        .iter()
        .chain(&split.unknown)
        .map(|(p, _)| p.clone())
        .collect();
    let paths: Vec<String> = gallery.iter().chain(&probes).cloned().collect();
    let engine = args.pipeline.alignment.engine()?;
    let started = Instant::now();
    // As in the product: enrolled photos get the gallery descriptor, probes the single pass a
    // live camera frame gets.
    let mut ours = eval::embed_all(&engine, root, &gallery, threads, Descriptor::MirrorAveraged);
    ours.extend(eval::embed_all(
        &engine,
        root,
        &probes,
        threads,
        Descriptor::Single,
    ));
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
    if args.reference == Reference::Dlib {
        let theirs = eval::dlib_reference(root, &paths).context("running dlib's pipeline")?;
        let d = eval::identify_with(&split, &theirs, VERIFY_THRESHOLD);
        print_identify("dlib's own pipeline at its 0.6 rule", &d);
        let d2 = eval::identify_with(&split, &theirs, threshold);
        print_identify(&format!("dlib's own pipeline at our {threshold:.3}"), &d2);
        json["dlib"] = serde_json::to_value(&d)?;
    }
    write_report(args.report.as_deref(), &json)
}

fn embed(
    list: &Path,
    root: &Path,
    PipelineArgs { threads, alignment }: PipelineArgs,
    descriptor: Descriptor,
    jitter: Option<usize>,
    output: Option<&Path>,
) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(list).with_context(|| format!("reading {}", list.display()))?;
    let paths: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect();
    let engine = alignment.engine()?;
    let mut out = String::new();
    if let Some(frames) = jitter {
        let streams = eval::embed_jittered(&engine, root, &paths, threads, frames, 0x5eed);
        for path in &paths {
            for (frame, e) in streams.get(path).into_iter().flatten().enumerate() {
                out.push_str(&serde_json::to_string(&serde_json::json!({
                    "path": path, "frame": frame, "descriptor": e.as_slice()
                }))?);
                out.push('\n');
            }
        }
        return write_lines(output, &out);
    }
    let embeddings = eval::embed_all(&engine, root, &paths, threads, descriptor);
    for path in &paths {
        let descriptor = embeddings
            .get(path)
            .and_then(|e| e.as_ref())
            .map(|e| e.as_slice().to_vec());
        out.push_str(&serde_json::to_string(
            &serde_json::json!({ "path": path, "descriptor": descriptor }),
        )?);
        out.push('\n');
    }
    write_lines(output, &out)
}

fn write_lines(output: Option<&Path>, out: &str) -> anyhow::Result<()> {
    match output {
        Some(path) => {
            std::fs::write(path, out).with_context(|| format!("writing {}", path.display()))?
        }
        None => print!("{out}"),
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
