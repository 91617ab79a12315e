//! Index tests: matching rules, live adds and removals, the quantised scan and the HNSW graph
//! against exact search, and the cache round trip.

use super::*;
use crate::synthetic::ClusteredGallery;

fn gallery(n: usize, seed: u64) -> Vec<(EmbeddingId, Uuid, Embedding)> {
    synthetic_embeddings(n, seed)
        .into_iter()
        .enumerate()
        .map(|(i, e)| (i as i64 + 1, Uuid::from_u128(i as u128 / 3 + 1), e))
        .collect()
}

fn perturbed(e: &Embedding, amount: f32, seed: u64) -> Embedding {
    let mut rng = SplitMix(seed);
    Embedding::new(
        e.as_slice()
            .iter()
            .map(|v| v + rng.gauss() * amount)
            .collect(),
    )
    .expect("finite")
}

#[test]
fn identify_matches_below_threshold_and_never_forces_a_match() {
    let g = gallery(60, 7);
    let index = FaceIndex::build(g.clone(), IndexConfig::default());
    assert_eq!(index.search_path(), SearchPath::Quantised);
    let near = perturbed(&g[10].2, 0.01, 1);
    match index.identify(&near) {
        Identification::Match(m) => {
            assert_eq!(m.embedding, 11, "the perturbed copy of entry 11 finds it");
            assert_eq!(m.person, g[10].1);
        }
        other => panic!("expected a match, got {other:?}"),
    }
    // Synthetic vectors of different people are ~0.96 apart, above any threshold.
    let stranger = synthetic_embeddings(1, 999).remove(0);
    assert!(matches!(
        index.identify(&stranger),
        Identification::Unknown { nearest: Some(_) }
    ));
}

#[test]
fn adds_and_removals_take_effect_at_once() {
    let g = gallery(30, 3);
    let mut index = FaceIndex::build(g.clone(), IndexConfig::default());
    let q = g[4].2.clone();
    assert_eq!(index.identify(&q).person(), Some(g[4].1));
    assert!(index.remove(g[4].0));
    assert_ne!(
        index.nearest(&q).map(|m| m.embedding),
        Some(g[4].0),
        "removed entry is gone"
    );
    let newcomer = Uuid::from_u128(12345);
    index.add(1000, newcomer, &q);
    assert_eq!(
        index.identify(&q).person(),
        Some(newcomer),
        "new entry answers at once"
    );
    assert_eq!(index.remove_person(newcomer), 1);
    assert_eq!(index.len(), 29);
}

#[test]
fn hnsw_and_exact_agree_and_the_cache_round_trips() {
    let config = IndexConfig {
        hnsw_min: 500,
        ..IndexConfig::default()
    };
    let g = gallery(800, 11);
    let dir = tempfile::tempdir().expect("temp dir");
    let (index, outcome) = FaceIndex::open(g.clone(), config, dir.path()).expect("open");
    assert_eq!(outcome, CacheOutcome::Rebuilt, "no cache at first");
    assert_eq!(index.search_path(), SearchPath::Hnsw);
    let queries: Vec<Embedding> = (0..100)
        .map(|i| perturbed(&g[i * 7].2, 0.02, i as u64))
        .collect();
    let agree = queries
        .iter()
        .filter(|q| {
            index.nearest(q).map(|m| m.embedding)
                == index.nearest_exact(q, None).map(|m| m.embedding)
        })
        .count();
    println!("seed 11: HNSW recall@1 vs exact {agree}/100");
    assert!(agree >= 97, "HNSW recall@1 must be near exact: {agree}/100");

    // Change the gallery: drop two, add one; the cache is patched, not rebuilt.
    let mut changed = g.clone();
    changed.retain(|(id, _, _)| *id != 5 && *id != 6);
    let extra = synthetic_embeddings(1, 4242).remove(0);
    changed.push((5000, Uuid::from_u128(777), extra.clone()));
    let (reloaded, outcome) = FaceIndex::open(changed, config, dir.path()).expect("reopen");
    assert_eq!(outcome, CacheOutcome::Loaded { patched: 3 });
    assert_eq!(reloaded.len(), 799);
    assert_eq!(
        reloaded.identify(&extra).person(),
        Some(Uuid::from_u128(777))
    );
    assert_ne!(
        reloaded.nearest(&g[4].2).map(|m| m.embedding),
        Some(5),
        "removed stays gone"
    );

    // A corrupt meta file means a rebuild, not an error.
    std::fs::write(
        dir.path().join(META_FILE),
        b"FDVIDX01 garbage garbage garbage",
    )
    .expect("write");
    let (_, outcome) = FaceIndex::open(g, config, dir.path()).expect("rebuild");
    assert_eq!(outcome, CacheOutcome::Rebuilt);
}

fn clustered(n: usize, seed: u64) -> ClusteredGallery {
    ClusteredGallery::generate(n, 60, 60, seed)
}

fn same_answer(index: &FaceIndex, q: &Embedding, exclude: Option<Uuid>) -> bool {
    let exact = index.nearest_exact(q, exclude);
    let quantised = index.nearest_quantised(q, exclude);
    match (exact, quantised) {
        (Some(a), Some(b)) => a.embedding == b.embedding && a.distance == b.distance,
        (None, None) => true,
        _ => false,
    }
}

#[test]
fn quantised_scan_gives_the_exact_answer_on_clustered_and_gaussian_data() {
    for parallel_scan_min in [usize::MAX, 0] {
        let config = IndexConfig {
            parallel_scan_min,
            ..IndexConfig::default()
        };
        let g = clustered(3000, 20261121);
        let index = FaceIndex::build(g.entries.clone(), config);
        assert_eq!(index.search_path(), SearchPath::Quantised);
        let mut queries: Vec<&Embedding> = g.known.iter().map(|(_, e)| e).collect();
        queries.extend(&g.strangers);
        // The re-ranking bound makes this exact, not just likely: every query must agree,
        // also when the nearest person is excluded (duplicate-identity checks).
        for q in &queries {
            assert!(same_answer(&index, q, None), "seed 20261121, clustered");
            let nearest = index.nearest_exact(q, None).map(|m| m.person);
            assert!(
                same_answer(&index, q, nearest),
                "excluding the nearest person"
            );
        }
        let (mut right, mut strangers_unknown) = (0, 0);
        for (who, q) in &g.known {
            right += usize::from(index.identify(q).person() == Some(*who));
        }
        for q in &g.strangers {
            strangers_unknown += usize::from(index.identify(q).person().is_none());
        }
        println!(
            "seed 20261121, 3000 clustered: known right {right}/{}, strangers unknown {strangers_unknown}/{}",
            g.known.len(),
            g.strangers.len()
        );
        assert!(
            right * 10 >= g.known.len() * 8,
            "fresh samples of enrolled people mostly match at 0.45"
        );
        assert_eq!(
            strangers_unknown,
            g.strangers.len(),
            "never-enrolled people are ~0.8 away: Unknown"
        );

        let g = gallery(2000, 12);
        let index = FaceIndex::build(g.clone(), config);
        for i in 0..100 {
            let q = perturbed(&g[i * 13].2, 0.03, i as u64);
            assert!(
                same_answer(&index, &q, None),
                "seed 12, gaussian, query {i}"
            );
        }
    }
}

#[test]
fn quantised_removals_adds_and_replacements_take_effect_at_once() {
    let g = clustered(500, 5);
    let mut index = FaceIndex::build(g.entries.clone(), IndexConfig::default());
    let (id, person, e) = g.entries[17].clone();
    assert_eq!(index.nearest(&e).map(|m| m.embedding), Some(id));
    assert!(index.remove(id));
    let after = index.nearest(&e).map(|m| m.embedding);
    assert_ne!(after, Some(id), "removed entry is gone at once");
    assert!(same_answer(&index, &e, None));
    assert!(index.remove_person(person) > 0);
    assert_ne!(
        index.nearest(&e).map(|m| m.person),
        Some(person),
        "whole person gone"
    );
    // Re-enrolment: the new vectors answer immediately, the old ones never.
    let newcomer = g.strangers[0].clone();
    index.replace_person(person, &[(9000, newcomer.clone())]);
    let m = index.nearest(&newcomer).expect("non-empty");
    assert_eq!((m.embedding, m.person, m.distance), (9000, person, 0.0));
    assert!(same_answer(&index, &g.strangers[1], None));
}

#[test]
fn an_index_grown_one_add_at_a_time_refits_and_stays_exact() {
    // Starts with the default quantiser (no data to fit), refits as it doubles.
    let g = clustered(1500, 77);
    let mut index = FaceIndex::new(IndexConfig::default());
    for (id, person, e) in &g.entries {
        index.add(*id, *person, e);
    }
    assert_eq!(index.len(), 1500);
    for (_, q) in &g.known {
        assert!(same_answer(&index, q, None), "seed 77");
    }
}

#[test]
fn bad_vectors_are_refused_and_extreme_ones_stay_exact() {
    assert!(
        Embedding::new(vec![0.1; DIM - 1]).is_err(),
        "wrong dimension"
    );
    assert!(
        Embedding::new(vec![0.1; DIM + 1]).is_err(),
        "wrong dimension"
    );
    let mut nan = vec![0.1; DIM];
    nan[5] = f32::NAN;
    assert!(Embedding::new(nan.clone()).is_err(), "NaN");
    nan[5] = f32::INFINITY;
    assert!(Embedding::new(nan).is_err(), "infinity");
    let bytes: Vec<u8> = std::iter::repeat_n(f32::NAN.to_le_bytes(), DIM)
        .flatten()
        .collect();
    assert!(
        Embedding::from_le_bytes(&bytes).is_err(),
        "NaN from the database"
    );

    // Finite but far outside the fitted range: clamped codes, large residuals, same answer.
    let g = clustered(300, 9);
    let mut index = FaceIndex::build(g.entries.clone(), IndexConfig::default());
    let wild = Embedding::new(
        (0..DIM)
            .map(|i| if i % 2 == 0 { 3.0 } else { -3.0 })
            .collect(),
    )
    .expect("finite");
    let huge = Embedding::new(vec![1e30; DIM]).expect("finite");
    index.add(5000, Uuid::from_u128(5000), &wild);
    for q in [&wild, &huge, &g.strangers[0]] {
        assert!(same_answer(&index, q, None), "out-of-range vectors");
    }
    assert_eq!(index.nearest(&wild).map(|m| m.embedding), Some(5000));
    assert!(matches!(
        index.identify(&huge),
        Identification::Unknown { .. }
    ));
}
