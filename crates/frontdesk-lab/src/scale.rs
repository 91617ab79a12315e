//! `frontdesk-lab faces scale`: the identification decision at reception-sized galleries.
//!
//! The split is `faces identify`'s: people with several photos enrol up to three and query with
//! the rest; people with one photo are never enrolled as themselves. They pad the gallery (one
//! photo each) up to the size measured, and every one of them also probes it as a stranger, with
//! their own gallery entry taken out while they do (leave one out), so every size is probed by
//! every never-enrolled person. A walk-up replays each probe photo as a pseudo-stream of jittered
//! frames: consecutive frames of one person standing still, which agree with each other far more
//! than photos from different days do, so several frames agreeing is a weaker test than it looks.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, bail};
use frontdesk_vision::eval::{self, Split};
use frontdesk_vision::synthetic::SplitMix;
use frontdesk_vision::{
    Agreement, Descriptor, Embedding, Evidence, FaceIndex, IDENTIFY_THRESHOLD, IndexConfig,
};
use serde::Serialize;
use uuid::Uuid;

/// What `faces scale` takes.
#[derive(Debug, Clone, clap::Args)]
pub struct ScaleArgs {
    /// CSV `path,person_id`.
    #[arg(long)]
    labels: PathBuf,
    /// Folder the CSV paths are relative to.
    #[arg(long)]
    root: PathBuf,
    /// Gallery sizes (people enrolled) to measure.
    #[arg(long, value_delimiter = ',', default_values_t = vec![100, 500, 1000, 2000])]
    sizes: Vec<usize>,
    /// Jittered frames per walk-up.
    #[arg(long, default_value_t = 5)]
    frames: usize,
    #[arg(long, default_value_t = 2)]
    threads: usize,
    /// Write the figures as JSON to this file.
    #[arg(long)]
    report: Option<PathBuf>,
}

/// Figures for one gallery size and one rule.
#[derive(Debug, Clone, Serialize)]
struct Row {
    rule: &'static str,
    people: usize,
    queries: usize,
    strangers: usize,
    top1: f64,
    false_accepts: usize,
    false_accept_rate: f64,
}

/// One way of answering a probe.
#[derive(Clone, Copy)]
enum Rule {
    /// Nearest within the fixed threshold (before the decision existed).
    Fixed,
    /// [`FaceIndex::identify`] on one frame.
    Single,
    /// [`Agreement`] over the walk-up's frames.
    WalkUp,
    /// The fixed threshold on a walk-up: the first frame within it.
    FixedWalkUp,
}

impl Rule {
    fn name(self) -> &'static str {
        match self {
            Rule::Fixed => "fixed 0.46, one frame",
            Rule::Single => "decision, one frame",
            Rule::FixedWalkUp => "fixed 0.46, walk-up",
            Rule::WalkUp => "decision, walk-up",
        }
    }

    /// Who the rule names for a probe (a photo, or the frames of its walk-up).
    fn answer(self, index: &FaceIndex, photo: &Embedding, frames: &[Embedding]) -> Option<Uuid> {
        let fixed = |e: &Embedding| {
            index
                .nearest(e)
                .filter(|m| m.distance <= IDENTIFY_THRESHOLD)
                .map(|m| m.person)
        };
        match self {
            Rule::Fixed => fixed(photo),
            Rule::Single => index.identify(photo).person(),
            Rule::FixedWalkUp => frames.iter().find_map(fixed),
            Rule::WalkUp => {
                let mut agreement = Agreement::default();
                frames.iter().find_map(|e| {
                    let frame = index.identify_with(e, Evidence::StreamFrame);
                    agreement.push(&frame).map(|m| m.person)
                })
            }
        }
    }
}

/// Descriptors of the split's photos: gallery ones mirror-averaged, probes single-pass, and the
/// probes' walk-up frames.
struct Descriptors {
    gallery: HashMap<String, Option<Embedding>>,
    probe: HashMap<String, Option<Embedding>>,
    frames: HashMap<String, Vec<Embedding>>,
}

pub fn run(args: ScaleArgs) -> anyhow::Result<()> {
    let labels = eval::read_labels(&args.labels)?;
    let split = eval::split(&labels, 3);
    if split.enrol.is_empty() || split.unknown.is_empty() {
        bail!("the labels need people with several photos and people with one");
    }
    let engine = frontdesk_vision::FaceEngine::with_defaults().context("loading the models")?;
    let started = Instant::now();
    let paths = |rows: &[(String, String)]| rows.iter().map(|r| r.0.clone()).collect::<Vec<_>>();
    let (enrol, queries, unknown) = (
        paths(&split.enrol),
        paths(&split.queries),
        paths(&split.unknown),
    );
    let probes: Vec<String> = queries.iter().chain(&unknown).cloned().collect();
    let gallery_paths: Vec<String> = enrol.iter().chain(&unknown).cloned().collect();
    let d = Descriptors {
        gallery: eval::embed_all(
            &engine,
            &args.root,
            &gallery_paths,
            args.threads,
            Descriptor::MirrorAveraged,
        ),
        probe: eval::embed_all(
            &engine,
            &args.root,
            &probes,
            args.threads,
            Descriptor::Single,
        ),
        frames: eval::embed_jittered(
            &engine,
            &args.root,
            &probes,
            args.threads,
            args.frames,
            0x5eed,
        ),
    };
    println!(
        "embedded {} photos and {} walk-up frames in {:.1} s",
        gallery_paths.len() + probes.len(),
        d.frames.values().map(Vec::len).sum::<usize>(),
        started.elapsed().as_secs_f64()
    );
    let mut rows = Vec::new();
    for &size in &args.sizes {
        rows.extend(measure(&split, &d, size)?);
    }
    println!(
        "{:<24} {:>7} {:>8} {:>10} {:>8} {:>14}",
        "rule", "people", "queries", "strangers", "top-1", "false accepts"
    );
    for r in &rows {
        println!(
            "{:<24} {:>7} {:>8} {:>10} {:>7.1}% {:>6} ({:.2} %)",
            r.rule,
            r.people,
            r.queries,
            r.strangers,
            100.0 * r.top1,
            r.false_accepts,
            100.0 * r.false_accept_rate
        );
    }
    if let Some(path) = &args.report {
        std::fs::write(path, serde_json::to_string_pretty(&rows)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

/// Every rule at one gallery size (capped at what the set holds: its enrolled people plus every
/// one-photo person but the one probing).
fn measure(split: &Split, d: &Descriptors, size: usize) -> anyhow::Result<Vec<Row>> {
    let mut ids: HashMap<&str, Uuid> = HashMap::new();
    for (_, person) in split
        .enrol
        .iter()
        .chain(&split.queries)
        .chain(&split.unknown)
    {
        let next = Uuid::from_u128(ids.len() as u128 + 1);
        ids.entry(person.as_str()).or_insert(next);
    }
    let mut index = FaceIndex::new(IndexConfig::default());
    let mut next_id = 0i64;
    for (path, person) in &split.enrol {
        if let Some(Some(e)) = d.gallery.get(path) {
            index.add(next_id, ids[person.as_str()], e);
            next_id += 1;
        }
    }
    let enrolled = index.people();
    // Padding: one-photo people in a fixed shuffled order.
    let mut pads: Vec<&(String, String)> = split.unknown.iter().collect();
    let mut rng = SplitMix(size as u64);
    for i in (1..pads.len()).rev() {
        pads.swap(i, (rng.next_u64() % (i as u64 + 1)) as usize);
    }
    let wanted = size.saturating_sub(enrolled);
    let mut padded: HashMap<&str, i64> = HashMap::new();
    for (path, person) in pads.iter().take(wanted.min(pads.len().saturating_sub(1))) {
        if let Some(Some(e)) = d.gallery.get(path) {
            index.add(next_id, ids[person.as_str()], e);
            padded.insert(path.as_str(), next_id);
            next_id += 1;
        }
    }
    let people = index.people();
    let rules = [Rule::Fixed, Rule::Single, Rule::FixedWalkUp, Rule::WalkUp];
    let mut rows = Vec::new();
    for rule in rules {
        let (mut right, mut queries) = (0usize, 0usize);
        for (path, person) in &split.queries {
            let Some(Some(photo)) = d.probe.get(path) else {
                continue;
            };
            let frames = d.frames.get(path).map(Vec::as_slice).unwrap_or(&[]);
            queries += 1;
            right += usize::from(rule.answer(&index, photo, frames) == Some(ids[person.as_str()]));
        }
        let (mut accepted, mut strangers) = (0usize, 0usize);
        for (path, person) in &split.unknown {
            let Some(Some(photo)) = d.probe.get(path) else {
                continue;
            };
            let frames = d.frames.get(path).map(Vec::as_slice).unwrap_or(&[]);
            // Leave one out: a stranger is never in the gallery they probe.
            let own = padded.get(path.as_str()).copied();
            if let Some(id) = own {
                index.remove(id);
            }
            strangers += 1;
            accepted += usize::from(rule.answer(&index, photo, frames).is_some());
            if let (Some(id), Some(Some(e))) = (own, d.gallery.get(path)) {
                index.add(id, ids[person.as_str()], e);
            }
        }
        rows.push(Row {
            rule: rule.name(),
            people,
            queries,
            strangers,
            top1: right as f64 / queries.max(1) as f64,
            false_accepts: accepted,
            false_accept_rate: accepted as f64 / strangers.max(1) as f64,
        });
    }
    if people < size {
        println!("gallery size {size}: the set holds {people} people, measured at {people}");
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fixed_rule_names_the_nearest_within_the_threshold_only() {
        let mut index = FaceIndex::new(IndexConfig::default());
        let people = frontdesk_vision::synthetic::synthetic_embeddings(2, 3);
        index.add(1, Uuid::from_u128(1), &people[0]);
        index.add(2, Uuid::from_u128(2), &people[1]);
        assert_eq!(
            Rule::Fixed.answer(&index, &people[0], &[]),
            Some(Uuid::from_u128(1))
        );
        // A walk-up of one frame never reaches the agreement's three.
        assert_eq!(
            Rule::WalkUp.answer(&index, &people[0], &[people[0].clone()]),
            None
        );
        assert_eq!(
            Rule::WalkUp.answer(&index, &people[0], &vec![people[0].clone(); 3]),
            Some(Uuid::from_u128(1))
        );
    }
}
