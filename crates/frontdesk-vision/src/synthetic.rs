//! Deterministic synthetic descriptors for tests and benchmarks (no model, no photos).
//!
//! Two shapes:
//! - [`synthetic_embeddings`]: one vector per call, i.i.d. Gaussian around a shared offset.
//!   Every pair is about equally far apart (~0.96) and the intrinsic dimension is the full 128:
//!   the worst case for a graph index.
//! - [`ClusteredGallery`]: people with 3-5 samples each, shaped like dlib descriptors. The
//!   generator (no real embeddings are read; the figures are what dlib descriptors are known to
//!   look like):
//!   * a mean vector shared by everyone, per component N(0, 0.113): raw dlib descriptors have
//!     norms of 1.3-1.6 while different people are only ~0.8 apart, so most of the norm is a
//!     common component;
//!   * a person's centre = mean + N(0, 0.0433 * w_d) per component, where w_d = e^(-d/48) scaled
//!     to mean square 1: a decaying spectrum like the principal components of real descriptors
//!     (most of the between-person variance in a few dozen directions);
//!   * a sample = centre + N(0, 0.025 * u) per component with u uniform in [0.75, 1.25] per
//!     sample (lighting, pose and camera vary per photo).
//!
//!   Expected distances: same person sqrt(128 (s1^2 + s2^2)) = 0.30-0.50 (typically 0.40),
//!   different people sqrt(2 * 128 * (0.0433^2 + 0.025^2)) = ~0.80 with a spread from the
//!   spectrum. Queries are fresh samples of enrolled people and samples of people never
//!   enrolled.

use uuid::Uuid;

use crate::embed::{DIM, Embedding};
use crate::index::EmbeddingId;

/// Deterministic pseudo-random embeddings (SplitMix64 + Box-Muller): a shared offset plus
/// i.i.d. spread, every vector its own person.
pub fn synthetic_embeddings(n: usize, seed: u64) -> Vec<Embedding> {
    let mut rng = SplitMix(seed);
    let offset: Vec<f32> = (0..DIM).map(|_| rng.gauss() * 0.08).collect();
    (0..n)
        .filter_map(|_| {
            let v: Vec<f32> = offset.iter().map(|o| o + rng.gauss() * 0.06).collect();
            Embedding::new(v).ok()
        })
        .collect()
}

/// A small deterministic generator (no dependency needed for test data).
pub struct SplitMix(pub u64);

impl SplitMix {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    pub fn uniform(&mut self) -> f32 {
        ((self.next_u64() >> 40) as f32 + 0.5) / (1u64 << 24) as f32
    }
    pub fn gauss(&mut self) -> f32 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f32::consts::PI * v).cos()
    }
}

/// Per-component spread of the shared mean vector.
const MEAN_SPREAD: f32 = 0.113;
/// Per-component spread of person centres around the mean (before the spectrum weights).
const BETWEEN_SPREAD: f32 = 0.0433;
/// Per-component spread of one sample around its person's centre (before the per-sample factor).
const WITHIN_SPREAD: f32 = 0.025;
/// Decay length of the between-person spectrum, in components.
const SPECTRUM_DECAY: f32 = 48.0;

/// The population: one shared mean and spectrum, people drawn from it.
pub struct People {
    mean: Vec<f32>,
    weights: Vec<f32>,
    rng: SplitMix,
}

/// One synthetic person: the centre their samples scatter around.
#[derive(Debug, Clone)]
pub struct Person {
    centre: Vec<f32>,
}

impl People {
    pub fn new(seed: u64) -> Self {
        let mut rng = SplitMix(seed);
        let mean: Vec<f32> = (0..DIM).map(|_| rng.gauss() * MEAN_SPREAD).collect();
        let raw: Vec<f32> = (0..DIM)
            .map(|d| (-(d as f32) / SPECTRUM_DECAY).exp())
            .collect();
        let rms = (raw.iter().map(|w| w * w).sum::<f32>() / DIM as f32).sqrt();
        let weights = raw.iter().map(|w| w / rms).collect();
        Self {
            mean,
            weights,
            rng: SplitMix(seed ^ 0x5eed_0f9e_091e),
        }
    }

    pub fn person(&mut self) -> Person {
        let centre = (0..DIM)
            .map(|d| self.mean[d] + self.rng.gauss() * BETWEEN_SPREAD * self.weights[d])
            .collect();
        Person { centre }
    }

    /// A new photo of `person`.
    pub fn sample(&mut self, person: &Person) -> Embedding {
        let spread = WITHIN_SPREAD * (0.75 + 0.5 * self.rng.uniform());
        let v = person
            .centre
            .iter()
            .map(|c| c + self.rng.gauss() * spread)
            .collect();
        Embedding::new(v).expect("Box-Muller samples around a finite centre are finite")
    }
}

/// A gallery of people with 3-5 enrolled samples each, plus queries.
pub struct ClusteredGallery {
    /// `(id, person, embedding)`, ids 0.., people `Uuid::from_u128(person number + 1)`.
    pub entries: Vec<(EmbeddingId, Uuid, Embedding)>,
    /// Fresh samples of enrolled people (not in `entries`), with who they are.
    pub known: Vec<(Uuid, Embedding)>,
    /// Samples of people never enrolled.
    pub strangers: Vec<Embedding>,
}

impl ClusteredGallery {
    /// `n` enrolled embeddings, `known` queries of enrolled people spread evenly over the
    /// gallery, `strangers` queries of people never enrolled. Deterministic in `seed`.
    pub fn generate(n: usize, known: usize, strangers: usize, seed: u64) -> Self {
        let mut people = People::new(seed);
        let mut counts = SplitMix(seed ^ 0xc0_0a75);
        // About 4 samples per person: pick the queried people evenly by person number.
        let expected_people = (n / 4).max(1);
        let stride = (expected_people / known.max(1)).max(1);
        let mut entries = Vec::with_capacity(n);
        let mut queried: Vec<(Uuid, Person)> = Vec::new();
        let mut number = 0u128;
        while entries.len() < n {
            let person = people.person();
            let id = Uuid::from_u128(number + 1);
            let samples = 3 + (counts.next_u64() % 3) as usize;
            for _ in 0..samples.min(n - entries.len()) {
                let e = people.sample(&person);
                entries.push((entries.len() as EmbeddingId, id, e));
            }
            if (number as usize).is_multiple_of(stride) && queried.len() < known {
                queried.push((id, person));
            }
            number += 1;
        }
        let known = queried
            .iter()
            .map(|(id, p)| (*id, people.sample(p)))
            .collect();
        let strangers = (0..strangers)
            .map(|_| {
                let p = people.person();
                people.sample(&p)
            })
            .collect();
        Self {
            entries,
            known,
            strangers,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clustered_distances_look_like_dlib_descriptors() {
        let g = ClusteredGallery::generate(400, 50, 50, 20261121);
        assert_eq!(g.entries.len(), 400);
        let (mut same, mut other) = (Vec::new(), Vec::new());
        for (i, a) in g.entries.iter().enumerate().take(120) {
            for b in &g.entries[i + 1..] {
                let d = a.2.distance(&b.2);
                if a.1 == b.1 {
                    same.push(d)
                } else {
                    other.push(d)
                }
            }
        }
        let mean = |v: &[f32]| v.iter().sum::<f32>() / v.len() as f32;
        let (ms, mo) = (mean(&same), mean(&other));
        println!("seed 20261121: same-person mean {ms:.3}, different-person mean {mo:.3}");
        // dlib: same person typically 0.3-0.5, different people ~0.75-0.85.
        assert!((0.33..0.47).contains(&ms), "same-person mean {ms}");
        assert!((0.72..0.88).contains(&mo), "different-person mean {mo}");
        let norm = g.entries[0]
            .2
            .as_slice()
            .iter()
            .map(|x| x * x)
            .sum::<f32>()
            .sqrt();
        assert!(
            (0.9..2.0).contains(&norm),
            "raw dlib norms are 1.3-1.6, got {norm}"
        );
        // Every known query belongs to someone enrolled; same seed, same data.
        assert!(g.known.len() >= 40, "about one query per two people");
        let again = ClusteredGallery::generate(400, 50, 50, 20261121);
        assert_eq!(
            again.strangers[7], g.strangers[7],
            "deterministic in the seed"
        );
    }
}
