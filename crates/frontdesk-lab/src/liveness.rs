//! `frontdesk-lab liveness`: the anti-spoof check on photos, for calibrating its threshold on this
//! pipeline (YuNet boxes). Live photos of real people measure false refusals; known attack frames
//! measure what is caught. Prints each photo's live score with `--each`, and the share of faces
//! refused at a range of thresholds.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use clap::Args;
use frontdesk_vision::{AntiSpoof, FaceEngine, ModelSource, quality};

#[derive(Debug, Args)]
pub struct LivenessArgs {
    /// Photos to check.
    images: Vec<PathBuf>,
    /// Also every photo under this folder (recursively, `.jpg`/`.jpeg`/`.png`).
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Print each photo's score.
    #[arg(long)]
    each: bool,
}

fn photos_under(dir: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let p = entry?.path();
        if p.is_dir() {
            photos_under(&p, out)?;
        } else if p
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "jpg" | "jpeg" | "png"))
        {
            out.push(p);
        }
    }
    Ok(())
}

pub fn run(args: LivenessArgs) -> anyhow::Result<()> {
    let engine = FaceEngine::with_defaults()?;
    let check = AntiSpoof::load(&ModelSource::Embedded)?;
    let mut photos = args.images.clone();
    if let Some(dir) = &args.dir {
        photos_under(dir, &mut photos)?;
    }
    photos.sort();
    let mut scores = Vec::new();
    let (mut no_face, mut unreadable) = (0usize, 0usize);
    let mut spent = std::time::Duration::ZERO;
    for path in &photos {
        let Ok(image) = frontdesk_vision::image_io::load(path) else {
            unreadable += 1;
            continue;
        };
        let faces = engine.detect(&image)?;
        let config = &engine.config().quality;
        let Ok(Some(face)) = quality::dominant_face(&faces, image.width(), image.height(), config)
        else {
            no_face += 1;
            continue;
        };
        let started = Instant::now();
        let live = check.check(&image, &face.bbox)?;
        spent += started.elapsed();
        if args.each {
            println!(
                "{:.3}  (v2 {:.3}, v1se {:.3})  {}",
                live.live,
                live.per_model[0],
                live.per_model[1],
                path.display()
            );
        }
        scores.push(live.live);
    }
    let n = scores.len();
    println!(
        "photos {}, faces checked {n}, no face {no_face}, unreadable {unreadable}",
        photos.len()
    );
    if n == 0 {
        return Ok(());
    }
    println!(
        "anti-spoof cost: {:.1} ms a face (both networks, this thread)",
        spent.as_secs_f64() * 1000.0 / n as f64
    );
    scores.sort_by(f32::total_cmp);
    let pct = |q: f64| scores[((n - 1) as f64 * q).round() as usize];
    println!(
        "live score: min {:.3}, p1 {:.3}, p5 {:.3}, median {:.3}",
        scores[0],
        pct(0.01),
        pct(0.05),
        pct(0.5)
    );
    for t in [0.2f32, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9] {
        let refused = scores.iter().filter(|s| **s < t).count();
        println!(
            "  threshold {t:.1}: {refused} of {n} refused ({:.2} %)",
            100.0 * refused as f64 / n as f64
        );
    }
    Ok(())
}
