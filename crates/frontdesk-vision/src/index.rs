//! 1:N matching over the enrolled gallery.
//!
//! Embeddings live in the database; this index is a cache built from them. Small galleries are
//! searched by an exact scan; from [`IndexConfig::hnsw_min`] entries on, an HNSW graph
//! (hnsw_rs) proposes candidates whose exact distances are then recomputed, so both paths give
//! the same answers apart from HNSW recall. The graph is slow to build, so it is persisted with
//! [`FaceIndex::save`] and reloaded by [`FaceIndex::open`]: entries that changed since the save
//! are patched in (new ones inserted, removed or altered ones tombstoned) and the graph is
//! rebuilt only when the cache is unusable or too much of it is dead. Adds and removals take
//! effect at once.
//!
//! Below `hnsw_min`, the scan reads an i8 copy of the gallery (a quarter of the bytes, see
//! [`quantised`]) and re-ranks the best candidates in f32. The re-ranking is not a heuristic:
//! every embedding whose code distance could still hide a nearer true distance (the quantisation
//! error is bounded per embedding) is re-ranked too, so the answer is the f32 scan's answer,
//! ties included.

use std::collections::HashMap;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use hnsw_rs::prelude::{DistL2, Hnsw, HnswIo};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

mod cohort;
mod quantised;

use crate::decision::{Evidence, Limits};
use crate::embed::{DIM, Embedding, squared_distance};
use crate::models::EMBEDDER_MODEL_ID;
pub use crate::synthetic::{SplitMix, synthetic_embeddings};
use crate::{Error, Result};
use quantised::Codes;

/// The database's id of one stored embedding (SQLite rowid).
pub type EmbeddingId = i64;

/// A confident identification.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Match {
    pub person: Uuid,
    pub embedding: EmbeddingId,
    /// Euclidean distance between raw descriptors.
    pub distance: f32,
}

/// The answer to "who is this?". Never the nearest person by force: above the threshold the
/// answer is `Unknown`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Identification {
    Match(Match),
    /// `nearest` is for diagnostics and duplicate warnings only.
    Unknown {
        nearest: Option<Match>,
    },
    /// Near enough to someone, but no nearer than to the next people in the gallery: a
    /// stranger's best luck as likely as a match (see [`crate::decision`]). Nobody is named.
    Uncertain {
        nearest: Match,
        /// Best distance over the cohort's mean distance.
        ratio: f32,
    },
}

impl Identification {
    pub fn person(&self) -> Option<Uuid> {
        match self {
            Identification::Match(m) => Some(m.person),
            Identification::Unknown { .. } | Identification::Uncertain { .. } => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct IndexConfig {
    /// The site's base distance threshold (see [`crate::IDENTIFY_THRESHOLD`]); the decision
    /// adapts it to the gallery ([`crate::decision::limits`]).
    pub threshold: f32,
    /// From this many live entries on, searches go through the HNSW graph (`usize::MAX`: never).
    pub hnsw_min: usize,
    /// HNSW links per node (hnsw_rs can only save graphs with 16 layers; any M works).
    pub m: usize,
    pub ef_construction: usize,
    pub ef_search: usize,
    /// HNSW (or quantised-scan) candidates re-ranked by exact distance.
    pub candidates: usize,
    /// Scan an i8 copy and re-rank in f32 (same answers as the f32 scan, ~3-4x faster).
    pub quantised_scan: bool,
    /// From this many slots on, the quantised scan is split across rayon's threads.
    pub parallel_scan_min: usize,
}

impl Default for IndexConfig {
    fn default() -> Self {
        Self {
            threshold: crate::IDENTIFY_THRESHOLD,
            // Off: the i8 scan answers 100 k in ~0.5 ms, exactly, while hnsw_rs was slower and
            // recalled less at every size measured (README), and takes minutes to build. Set a
            // size to opt in to the graph.
            hnsw_min: usize::MAX,
            m: 16,
            ef_construction: 64,
            ef_search: 48,
            candidates: 8,
            quantised_scan: true,
            // Off: on the 2-core development machine a second thread did not shorten the scan at
            // 100 k (compute) or 1 M (memory-bound), and the camera pipeline already keeps the
            // other core busy. Worth measuring on bigger machines.
            parallel_scan_min: usize::MAX,
        }
    }
}

/// Which search path answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchPath {
    /// f32 scan over every live slot.
    Exact,
    /// i8 scan plus f32 re-ranking; same answers as `Exact`.
    Quantised,
    Hnsw,
}

const MAX_LAYER: usize = 16;
const META_FILE: &str = "face-index.meta";
const GRAPH_BASENAME: &str = "face-index";
const META_MAGIC: &[u8; 8] = b"FDVIDX01";

/// The gallery index. Slots are positions in the flat vector array and HNSW data ids.
pub struct FaceIndex {
    config: IndexConfig,
    ids: Vec<EmbeddingId>,
    persons: Vec<Uuid>,
    vectors: Vec<f32>,
    alive: Vec<bool>,
    hashes: Vec<u64>,
    slot_of: HashMap<EmbeddingId, usize>,
    live: usize,
    /// Live embeddings per person.
    people: HashMap<Uuid, u32>,
    hnsw: Option<Hnsw<'static, f32, DistL2>>,
    codes: Codes,
}

impl std::fmt::Debug for FaceIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FaceIndex")
            .field("live", &self.live)
            .field("slots", &self.ids.len())
            .field("hnsw", &self.hnsw.is_some())
            .finish()
    }
}

/// How [`FaceIndex::open`] got its graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheOutcome {
    /// Below `hnsw_min`: exact scan, nothing to cache.
    NotNeeded,
    /// Loaded; `patched` entries were inserted or tombstoned since the save.
    Loaded { patched: usize },
    /// Built from scratch (no cache, stale settings or too many changes).
    Rebuilt,
}

impl FaceIndex {
    pub fn new(config: IndexConfig) -> Self {
        Self {
            config,
            ids: Vec::new(),
            persons: Vec::new(),
            vectors: Vec::new(),
            alive: Vec::new(),
            hashes: Vec::new(),
            slot_of: HashMap::new(),
            live: 0,
            people: HashMap::new(),
            hnsw: None,
            codes: Codes::new(),
        }
    }

    /// Builds the index from the stored embeddings (no cache).
    pub fn build(
        entries: impl IntoIterator<Item = (EmbeddingId, Uuid, Embedding)>,
        config: IndexConfig,
    ) -> Self {
        let mut index = Self::new(config);
        for (id, person, e) in entries {
            index.push_slot(id, person, e.as_slice());
        }
        index.codes.fit(&index.vectors, &index.alive);
        if index.live >= config.hnsw_min {
            index.rebuild_graph();
        }
        index
    }

    /// Builds the index from the stored embeddings, reusing the graph saved in `cache_dir` when
    /// it matches. A missing or unreadable cache is not an error: the graph is rebuilt.
    pub fn open(
        entries: impl IntoIterator<Item = (EmbeddingId, Uuid, Embedding)>,
        config: IndexConfig,
        cache_dir: &Path,
    ) -> Result<(Self, CacheOutcome)> {
        let entries: Vec<(EmbeddingId, Uuid, Embedding)> = entries.into_iter().collect();
        if entries.len() < config.hnsw_min {
            return Ok((Self::build(entries, config), CacheOutcome::NotNeeded));
        }
        match Self::load_cached(&entries, config, cache_dir) {
            Ok(Some((index, patched))) => return Ok((index, CacheOutcome::Loaded { patched })),
            Ok(None) => {}
            Err(e) => tracing::warn!("face index cache ignored: {e}"),
        }
        let index = Self::build(entries, config);
        if let Err(e) = index.save(cache_dir) {
            tracing::warn!("face index cache not saved: {e}");
        }
        Ok((index, CacheOutcome::Rebuilt))
    }

    fn load_cached(
        entries: &[(EmbeddingId, Uuid, Embedding)],
        config: IndexConfig,
        cache_dir: &Path,
    ) -> Result<Option<(Self, usize)>> {
        let meta_path = cache_dir.join(META_FILE);
        let Some(meta) = read_meta(&meta_path)? else {
            return Ok(None);
        };
        if meta.fingerprint != settings_fingerprint(&config) {
            return Ok(None);
        }
        let mut current: HashMap<EmbeddingId, (Uuid, &Embedding)> =
            entries.iter().map(|(id, p, e)| (*id, (*p, e))).collect();
        let mut index = Self::new(config);
        let mut patched = 0;
        for &(id, hash) in &meta.slots {
            match current.get(&id) {
                Some((person, e)) if vector_hash(e.as_slice()) == hash => {
                    let (person, e) = (*person, *e);
                    index.push_slot(id, person, e.as_slice());
                    current.remove(&id);
                }
                _ => {
                    // Gone or changed since the save: keep the slot (the graph refers to it)
                    // but never answer with it.
                    let slot = index.ids.len();
                    index.ids.push(id);
                    index.persons.push(Uuid::nil());
                    index.vectors.extend_from_slice(&[0.0; DIM]);
                    index.codes.push(&[0.0; DIM]);
                    index.alive.push(false);
                    index.hashes.push(0);
                    if meta.alive.get(slot).copied().unwrap_or(false) {
                        patched += 1;
                    }
                }
            }
        }
        index.codes.fit(&index.vectors, &index.alive);
        let dead = index.ids.len() - index.live;
        if dead * 4 > index.ids.len() {
            return Ok(None);
        }
        let io = Box::leak(Box::new(HnswIo::new(cache_dir, GRAPH_BASENAME)));
        // hnsw_rs ties the loaded graph's lifetime to its loader; the loader is a few paths and
        // is leaked once per start-up so the graph can live in the index.
        let graph: Hnsw<'static, f32, DistL2> = io.load_hnsw().map_err(|e| Error::IndexCache {
            path: cache_dir.to_path_buf(),
            reason: e.to_string(),
        })?;
        if graph.get_nb_point() != meta.slots.len() {
            return Ok(None);
        }
        index.hnsw = Some(graph);
        // Whatever is new since the save goes in now.
        let mut fresh: Vec<(EmbeddingId, Uuid, &Embedding)> =
            current.into_iter().map(|(id, (p, e))| (id, p, e)).collect();
        fresh.sort_by_key(|(id, _, _)| *id);
        patched += fresh.len();
        for (id, person, e) in fresh {
            index.add(id, person, e);
        }
        Ok(Some((index, patched)))
    }

    /// Saves the graph and its slot table to `cache_dir` (only when the graph is in use).
    pub fn save(&self, cache_dir: &Path) -> Result<()> {
        let Some(graph) = &self.hnsw else {
            return Ok(());
        };
        std::fs::create_dir_all(cache_dir).map_err(|e| Error::io(cache_dir, e))?;
        // Dump into a fresh folder, then move the files over the old ones, meta last: a crash
        // half-way leaves a meta that does not match the graph, which `open` detects.
        let tmp = cache_dir.join(format!(".tmp-{}", Uuid::now_v7()));
        std::fs::create_dir_all(&tmp).map_err(|e| Error::io(&tmp, e))?;
        let meta_path = cache_dir.join(META_FILE);
        let _ = std::fs::remove_file(&meta_path);
        use hnsw_rs::prelude::AnnT;
        let base = graph
            .file_dump(&tmp, GRAPH_BASENAME)
            .map_err(|e| Error::IndexCache {
                path: tmp.clone(),
                reason: e.to_string(),
            })?;
        for ext in ["hnsw.graph", "hnsw.data"] {
            let from = tmp.join(format!("{base}.{ext}"));
            let to = cache_dir.join(format!("{GRAPH_BASENAME}.{ext}"));
            std::fs::rename(&from, &to).map_err(|e| Error::io(&to, e))?;
        }
        let _ = std::fs::remove_dir_all(&tmp);
        write_meta(
            &meta_path,
            &Meta {
                fingerprint: settings_fingerprint(&self.config),
                slots: self
                    .ids
                    .iter()
                    .copied()
                    .zip(self.hashes.iter().copied())
                    .collect(),
                alive: self.alive.clone(),
            },
        )
    }

    fn push_slot(&mut self, id: EmbeddingId, person: Uuid, v: &[f32]) -> usize {
        let slot = self.ids.len();
        self.ids.push(id);
        self.persons.push(person);
        self.vectors.extend_from_slice(v);
        self.codes.push(v);
        self.alive.push(true);
        self.hashes.push(vector_hash(v));
        if let Some(old) = self.slot_of.insert(id, slot) {
            self.kill(old);
        }
        self.live += 1;
        *self.people.entry(person).or_default() += 1;
        slot
    }

    fn kill(&mut self, slot: usize) {
        if self.alive[slot] {
            self.alive[slot] = false;
            self.live -= 1;
            let person = self.persons[slot];
            if let Some(n) = self.people.get_mut(&person) {
                *n -= 1;
                if *n == 0 {
                    self.people.remove(&person);
                }
            }
        }
    }

    fn rebuild_graph(&mut self) {
        let n = self.ids.len();
        let graph = Hnsw::<f32, DistL2>::new(
            self.config.m,
            n.max(1),
            MAX_LAYER,
            self.config.ef_construction,
            DistL2 {},
        );
        let data: Vec<(&[f32], usize)> = (0..n)
            .map(|slot| (&self.vectors[slot * DIM..(slot + 1) * DIM], slot))
            .collect();
        graph.parallel_insert_slice(&data);
        self.hnsw = Some(graph);
    }

    /// Adds (or replaces) one embedding; searchable at once.
    pub fn add(&mut self, id: EmbeddingId, person: Uuid, embedding: &Embedding) {
        let slot = self.push_slot(id, person, embedding.as_slice());
        if self.codes.needs_refit() {
            self.codes.fit(&self.vectors, &self.alive);
        }
        if let Some(graph) = &self.hnsw {
            graph.insert_slice((&self.vectors[slot * DIM..(slot + 1) * DIM], slot));
        } else if self.live >= self.config.hnsw_min {
            self.rebuild_graph();
        }
    }

    /// Removes one embedding (erasure); gone from results at once. Returns whether it was there.
    pub fn remove(&mut self, id: EmbeddingId) -> bool {
        match self.slot_of.remove(&id) {
            Some(slot) => {
                self.kill(slot);
                true
            }
            None => false,
        }
    }

    /// Removes every embedding of a person; returns how many.
    pub fn remove_person(&mut self, person: Uuid) -> usize {
        let ids: Vec<EmbeddingId> = self
            .slot_of
            .iter()
            .filter(|(_, slot)| self.persons[**slot] == person)
            .map(|(id, _)| *id)
            .collect();
        for id in &ids {
            self.remove(*id);
        }
        ids.len()
    }

    /// Re-enrolment: the person's old embeddings go, the new ones come in.
    pub fn replace_person(&mut self, person: Uuid, entries: &[(EmbeddingId, Embedding)]) {
        self.remove_person(person);
        for (id, e) in entries {
            self.add(*id, person, e);
        }
    }

    pub fn len(&self) -> usize {
        self.live
    }

    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    pub fn config(&self) -> &IndexConfig {
        &self.config
    }

    pub fn set_threshold(&mut self, threshold: f32) {
        self.config.threshold = threshold;
    }

    pub fn set_ef_search(&mut self, ef: usize) {
        self.config.ef_search = ef;
    }

    /// From how many slots on the quantised scan uses several threads (benchmarks, tuning).
    pub fn set_parallel_scan_min(&mut self, slots: usize) {
        self.config.parallel_scan_min = slots;
    }

    /// Embeddings of one person (for near-duplicate checks at enrolment).
    pub fn embeddings_of(&self, person: Uuid) -> Vec<(EmbeddingId, Embedding)> {
        let mut out = Vec::new();
        for (&id, &slot) in &self.slot_of {
            if self.persons[slot] == person {
                let v = self.vectors[slot * DIM..(slot + 1) * DIM].to_vec();
                if let Ok(e) = Embedding::new(v) {
                    out.push((id, e));
                }
            }
        }
        out.sort_by_key(|(id, _)| *id);
        out
    }

    /// Which path a search takes now.
    pub fn search_path(&self) -> SearchPath {
        if self.hnsw.is_some() && self.live >= self.config.hnsw_min {
            SearchPath::Hnsw
        } else if self.config.quantised_scan {
            SearchPath::Quantised
        } else {
            SearchPath::Exact
        }
    }

    /// The nearest live embedding, by the current search path.
    pub fn nearest(&self, query: &Embedding) -> Option<Match> {
        match self.search_path() {
            SearchPath::Exact => self.nearest_exact(query, None),
            SearchPath::Quantised => self.nearest_quantised(query, None),
            SearchPath::Hnsw => self.nearest_hnsw(query, None),
        }
    }

    /// The nearest live embedding of anyone but `exclude`.
    pub fn nearest_other(&self, query: &Embedding, exclude: Uuid) -> Option<Match> {
        match self.search_path() {
            SearchPath::Exact => self.nearest_exact(query, Some(exclude)),
            SearchPath::Quantised => self.nearest_quantised(query, Some(exclude)),
            SearchPath::Hnsw => self.nearest_hnsw(query, Some(exclude)),
        }
    }

    /// Who is this, from one photo or frame? See [`crate::decision`].
    pub fn identify(&self, query: &Embedding) -> Identification {
        self.identify_with(query, Evidence::SingleFrame)
    }

    /// [`Self::identify`] for one kind of evidence (a walk-up frame is judged more strictly).
    pub fn identify_with(&self, query: &Embedding, evidence: Evidence) -> Identification {
        let nearest = self.nearest(query);
        let cohort = match nearest {
            Some(m) if m.distance <= self.limits(evidence).distance => {
                self.cohort(query, m.person, crate::decision::COHORT)
            }
            _ => Vec::new(),
        };
        crate::decision::decide(nearest, &cohort, self.limits(evidence))
    }

    /// The limits a decision applies to this gallery now.
    pub fn limits(&self, evidence: Evidence) -> Limits {
        crate::decision::limits(self.config.threshold, self.people(), evidence)
    }

    /// Exact scan over every live slot.
    pub fn nearest_exact(&self, query: &Embedding, exclude: Option<Uuid>) -> Option<Match> {
        let q = query.as_slice();
        let mut best: Option<(usize, f32)> = None;
        for (slot, v) in self.vectors.chunks_exact(DIM).enumerate() {
            if !self.alive[slot] {
                continue;
            }
            let d = squared_distance(q, v);
            if best.is_none_or(|(_, b)| d < b) && exclude != Some(self.persons[slot]) {
                best = Some((slot, d));
            }
        }
        best.map(|(slot, d)| self.match_at(slot, d.sqrt()))
    }

    /// The same answer as [`Self::nearest_exact`], from the i8 copy: the `candidates` nearest
    /// codes are re-ranked in f32, then so is every other slot whose code distance minus its
    /// quantisation error could still beat the best f32 distance found.
    pub fn nearest_quantised(&self, query: &Embedding, exclude: Option<Uuid>) -> Option<Match> {
        let q = query.as_slice();
        let qc = self.codes.query(q);
        let n = self.ids.len();
        let mut dist = vec![0u32; n];
        self.codes
            .scan(&qc, &mut dist, n >= self.config.parallel_scan_min);
        let eligible =
            |slot: usize| self.alive[slot] && exclude.is_none_or(|p| self.persons[slot] != p);

        // The k smallest code distances among eligible slots, ascending.
        let k = self.config.candidates.max(1);
        let mut top: Vec<(u32, usize)> = Vec::with_capacity(k + 1);
        for (slot, &d) in dist.iter().enumerate() {
            if top.len() == k && d >= top[k - 1].0 {
                continue;
            }
            if !eligible(slot) {
                continue;
            }
            let at = top.partition_point(|&(e, _)| e <= d);
            top.insert(at, (d, slot));
            top.truncate(k);
        }
        let exact = |slot: usize| squared_distance(q, &self.vectors[slot * DIM..(slot + 1) * DIM]);
        // Ties go to the lowest slot, as in the f32 scan.
        let better = |d: f32, slot: usize, best: Option<(f32, usize)>| {
            best.is_none_or(|(bd, bs)| d < bd || (d == bd && slot < bs))
        };
        let mut best: Option<(f32, usize)> = None;
        for &(_, slot) in &top {
            let d = exact(slot);
            if better(d, slot, best) {
                best = Some((d, slot));
            }
        }
        let (best_d2, _) = best?;

        // Anyone not re-ranked yet whose true distance could be <= the best: code distance
        // (times step) minus both residuals at most the best, with slack for f32 rounding.
        let step = self.codes.step();
        let u = best_d2.sqrt();
        let slack = 1e-4 * (1.0 + u);
        let reach = u + qc.residual + slack;
        let limit = ((reach + self.codes.max_residual()) / step).powi(2);
        if top.len() == k && limit >= top[k - 1].0 as f32 {
            let limit = if limit >= u32::MAX as f32 {
                u32::MAX
            } else {
                limit.ceil() as u32
            };
            for (slot, &d) in dist.iter().enumerate() {
                if d > limit
                    || !eligible(slot)
                    || top.iter().any(|&(_, s)| s == slot)
                    || (d as f32).sqrt() * step - self.codes.residual(slot) > reach
                {
                    continue;
                }
                let d = exact(slot);
                if better(d, slot, best) {
                    best = Some((d, slot));
                }
            }
        }
        best.map(|(d, slot)| self.match_at(slot, d.sqrt()))
    }

    /// The nearest live embedding through the graph with a given search breadth (falls back
    /// to the exact scan without a graph). For tuning and benchmarks.
    pub fn nearest_with_ef(&self, query: &Embedding, ef: usize) -> Option<Match> {
        match self.search_path() {
            SearchPath::Exact => self.nearest_exact(query, None),
            SearchPath::Quantised => self.nearest_quantised(query, None),
            SearchPath::Hnsw => self.search_graph(query, None, ef),
        }
    }

    fn nearest_hnsw(&self, query: &Embedding, exclude: Option<Uuid>) -> Option<Match> {
        self.search_graph(query, exclude, self.config.ef_search)
    }

    fn search_graph(&self, query: &Embedding, exclude: Option<Uuid>, ef: usize) -> Option<Match> {
        let graph = self.hnsw.as_ref()?;
        let alive = |slot: &usize| {
            self.alive.get(*slot).copied().unwrap_or(false)
                && exclude.is_none_or(|p| self.persons[*slot] != p)
        };
        let k = self.config.candidates.max(1);
        let ef = ef.max(k);
        let found = graph.search_filter(query.as_slice(), k, ef, Some(&alive));
        let q = query.as_slice();
        found
            .iter()
            .filter(|n| alive(&n.d_id))
            .map(|n| {
                (
                    n.d_id,
                    squared_distance(q, &self.vectors[n.d_id * DIM..(n.d_id + 1) * DIM]),
                )
            })
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(slot, d)| self.match_at(slot, d.sqrt()))
    }

    fn match_at(&self, slot: usize, distance: f32) -> Match {
        Match {
            person: self.persons[slot],
            embedding: self.ids[slot],
            distance,
        }
    }
}

/// Cache settings that invalidate a saved graph when they change.
fn settings_fingerprint(config: &IndexConfig) -> u64 {
    let mut h = Fnv::new();
    h.write(EMBEDDER_MODEL_ID.as_bytes());
    h.write(&(DIM as u64).to_le_bytes());
    h.write(&(config.m as u64).to_le_bytes());
    h.write(&(config.ef_construction as u64).to_le_bytes());
    h.write(&(MAX_LAYER as u64).to_le_bytes());
    h.finish()
}

fn vector_hash(v: &[f32]) -> u64 {
    let mut h = Fnv::new();
    for x in v {
        h.write(&x.to_le_bytes());
    }
    h.finish()
}

/// FNV-1a 64: stable across Rust releases, unlike `DefaultHasher`.
struct Fnv(u64);

impl Fnv {
    fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x100_0000_01b3);
        }
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

struct Meta {
    fingerprint: u64,
    slots: Vec<(EmbeddingId, u64)>,
    alive: Vec<bool>,
}

fn write_meta(path: &Path, meta: &Meta) -> Result<()> {
    let file = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
    let mut w = BufWriter::new(file);
    let mut body = Vec::with_capacity(16 + meta.slots.len() * 17);
    body.extend_from_slice(META_MAGIC);
    body.extend_from_slice(&meta.fingerprint.to_le_bytes());
    body.extend_from_slice(&(meta.slots.len() as u64).to_le_bytes());
    for (i, (id, hash)) in meta.slots.iter().enumerate() {
        body.extend_from_slice(&id.to_le_bytes());
        body.extend_from_slice(&hash.to_le_bytes());
        body.push(u8::from(meta.alive.get(i).copied().unwrap_or(false)));
    }
    let mut check = Fnv::new();
    check.write(&body);
    w.write_all(&body).map_err(|e| Error::io(path, e))?;
    w.write_all(&check.finish().to_le_bytes())
        .map_err(|e| Error::io(path, e))?;
    w.flush().map_err(|e| Error::io(path, e))
}

fn read_meta(path: &PathBuf) -> Result<Option<Meta>> {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(path, e)),
    };
    let mut bytes = Vec::new();
    BufReader::new(file)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    let bad = |reason: &str| Error::IndexCache {
        path: path.clone(),
        reason: reason.to_string(),
    };
    if bytes.len() < 32 || &bytes[..8] != META_MAGIC {
        return Err(bad("not a face index cache"));
    }
    let (body, tail) = bytes.split_at(bytes.len() - 8);
    let mut check = Fnv::new();
    check.write(body);
    if tail != check.finish().to_le_bytes() {
        return Err(bad("checksum mismatch"));
    }
    let u64_at = |at: usize| -> u64 {
        let mut b = [0u8; 8];
        b.copy_from_slice(&body[at..at + 8]);
        u64::from_le_bytes(b)
    };
    let fingerprint = u64_at(8);
    let n = usize::try_from(u64_at(16)).map_err(|_| bad("slot count"))?;
    if body.len() != 24 + n.saturating_mul(17) {
        return Err(bad("truncated"));
    }
    let mut slots = Vec::with_capacity(n);
    let mut alive = Vec::with_capacity(n);
    for i in 0..n {
        let at = 24 + i * 17;
        slots.push((u64_at(at) as i64, u64_at(at + 8)));
        alive.push(body[at + 16] == 1);
    }
    Ok(Some(Meta {
        fingerprint,
        slots,
        alive,
    }))
}

#[cfg(test)]
mod tests;
