//! The nearest *other* people to a query: the cohort the identification decision compares the
//! best match with (see [`crate::decision`]). Approximate by design: the mean of ten distances
//! does not need the quantised scan's exactness, so the codes' distances are used as they are.

use uuid::Uuid;

use super::{FaceIndex, SearchPath};
use crate::embed::{DIM, Embedding, squared_distance};

impl FaceIndex {
    /// How many distinct people have at least one live embedding.
    pub fn people(&self) -> usize {
        self.people.len()
    }

    /// Distances to the `k` nearest people other than `exclude` (each person once, at their
    /// nearest embedding), ascending.
    pub fn cohort(&self, query: &Embedding, exclude: Uuid, k: usize) -> Vec<f32> {
        if k == 0 {
            return Vec::new();
        }
        let q = query.as_slice();
        let mut top: Vec<(f32, Uuid)> = Vec::with_capacity(k + 1);
        let mut offer = |d: f32, person: Uuid| {
            if person == exclude || (top.len() == k && d >= top[k - 1].0) {
                return;
            }
            if let Some(at) = top.iter().position(|(_, p)| *p == person) {
                if d >= top[at].0 {
                    return;
                }
                top.remove(at);
            }
            let at = top.partition_point(|(e, _)| *e <= d);
            top.insert(at, (d, person));
            top.truncate(k);
        };
        match self.search_path() {
            SearchPath::Exact => {
                for (slot, v) in self.vectors.chunks_exact(DIM).enumerate() {
                    if self.alive[slot] {
                        offer(squared_distance(q, v).sqrt(), self.persons[slot]);
                    }
                }
            }
            SearchPath::Quantised => {
                let qc = self.codes.query(q);
                let n = self.ids.len();
                let mut dist = vec![0u32; n];
                self.codes
                    .scan(&qc, &mut dist, n >= self.config.parallel_scan_min);
                let step = self.codes.step();
                for (slot, &d) in dist.iter().enumerate() {
                    if self.alive[slot] {
                        offer((d as f32).sqrt() * step, self.persons[slot]);
                    }
                }
            }
            SearchPath::Hnsw => {
                if let Some(graph) = &self.hnsw {
                    let alive = |slot: &usize| self.alive.get(*slot).copied().unwrap_or(false);
                    let want = 4 * (k + 1);
                    let ef = self.config.ef_search.max(want);
                    for n in graph.search_filter(q, want, ef, Some(&alive)) {
                        if alive(&n.d_id) {
                            let v = &self.vectors[n.d_id * DIM..(n.d_id + 1) * DIM];
                            offer(squared_distance(q, v).sqrt(), self.persons[n.d_id]);
                        }
                    }
                }
            }
        }
        top.into_iter().map(|(d, _)| d).collect()
    }
}
