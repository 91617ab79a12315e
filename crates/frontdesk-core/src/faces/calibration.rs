//! The identification threshold measured on the site's own gallery: distances between the enrolled
//! descriptors of the same person (each pair of one person's photos) and of different people (every
//! pair across people) estimate how often the camera would confuse two employees (false accepts)
//! and turn an employee away (false rejects) at the current threshold, and suggest the largest
//! threshold that keeps confusions under a chosen rate. Gallery descriptors are mirror-averaged
//! enrolment photos while the camera's probes are single frames, so these are estimates: the dev
//! set figures in the vision crate's README show how they relate.

use std::collections::HashMap;

use serde::Serialize;
use sqlx::Row;
use ts_rs::TS;
use uuid::Uuid;

use crate::Frontdesk;
use crate::error::{Error, Result};
use crate::people::auth::{Actor, Permission};
use frontdesk_vision::{EMBEDDER_MODEL_ID, Embedding, IDENTIFY_THRESHOLD};

/// Most different-person pairs measured (a large gallery is sampled evenly beyond this).
const MAX_DIFFERENT_PAIRS: u64 = 2_000_000;

/// What the site's gallery says about the identification threshold.
#[derive(Debug, Clone, Serialize, TS)]
pub struct GalleryCalibration {
    /// Active, consenting employees with descriptors.
    pub people: u32,
    /// Their descriptors.
    pub descriptors: u32,
    /// Pairs of one person's descriptors measured.
    pub same_pairs: u64,
    /// Pairs of different people's descriptors measured.
    pub different_pairs: u64,
    /// The threshold in use.
    pub threshold: f32,
    /// Share of different-person pairs closer than the threshold (two people the camera could
    /// confuse); `None` with fewer than two people.
    pub false_accept_rate: Option<f64>,
    /// Share of same-person pairs farther apart than the threshold (someone asked to try again or
    /// use their PIN); `None` when nobody has two descriptors.
    pub false_reject_rate: Option<f64>,
    /// The false-accept rate asked for.
    pub target_false_accept_rate: f64,
    /// The largest threshold (in steps of 0.01, up to 0.6) whose false-accept rate is within the
    /// target; `None` when the gallery cannot tell.
    pub suggested_threshold: Option<f32>,
    /// The above in plain words, for the settings screen.
    pub summary: String,
}

/// Rate of `distances` at or below `t` (accepted).
fn accepted(distances: &[f32], t: f32) -> f64 {
    if distances.is_empty() {
        return 0.0;
    }
    distances.iter().filter(|d| **d <= t).count() as f64 / distances.len() as f64
}

/// Same-person and different-person distances of `gallery` (descriptors grouped by person).
fn pair_distances(gallery: &[Vec<Embedding>]) -> (Vec<f32>, Vec<f32>) {
    let mut same = Vec::new();
    for person in gallery {
        for i in 0..person.len() {
            for j in i + 1..person.len() {
                same.push(person[i].distance(&person[j]));
            }
        }
    }
    let flat: Vec<(usize, &Embedding)> = gallery
        .iter()
        .enumerate()
        .flat_map(|(p, ds)| ds.iter().map(move |d| (p, d)))
        .collect();
    let n = flat.len() as u64;
    let all_pairs = n * n.saturating_sub(1) / 2;
    let stride = all_pairs.div_ceil(MAX_DIFFERENT_PAIRS).max(1);
    let mut different = Vec::new();
    let mut k = 0u64;
    for i in 0..flat.len() {
        for j in i + 1..flat.len() {
            k += 1;
            if flat[i].0 == flat[j].0 || !k.is_multiple_of(stride) {
                continue;
            }
            different.push(flat[i].1.distance(flat[j].1));
        }
    }
    (same, different)
}

fn percent(rate: f64) -> String {
    format!("{:.2} %", 100.0 * rate)
}

impl Frontdesk {
    /// Measures the identification threshold on the enrolled gallery (settings permission) and
    /// suggests one for `target_false_accept_rate` (e.g. 0.001), in (0, 1).
    pub async fn face_calibration(
        &self,
        actor: &Actor,
        target_false_accept_rate: f64,
    ) -> Result<GalleryCalibration> {
        actor.require(Permission::ManageSettings)?;
        if !(target_false_accept_rate > 0.0 && target_false_accept_rate < 1.0) {
            return Err(Error::validation(
                "target_false_accept_rate",
                "must be between 0 and 1, e.g. 0.001",
            ));
        }
        let rows = sqlx::query(
            "SELECT f.owner_id, f.vector FROM face_embeddings f
             JOIN employees e ON e.id = f.owner_id
             WHERE f.owner_kind = 'employee' AND f.model_id = ? AND e.organisation_id = ?
               AND e.active = 1 AND e.face_consent = 1",
        )
        .bind(EMBEDDER_MODEL_ID)
        .bind(actor.organisation_id)
        .fetch_all(&self.pool)
        .await?;
        let mut by_person: HashMap<Uuid, Vec<Embedding>> = HashMap::new();
        for r in rows {
            let vector: Vec<u8> = r.try_get("vector")?;
            if let Ok(e) = Embedding::from_le_bytes(&vector) {
                by_person.entry(r.try_get("owner_id")?).or_default().push(e);
            }
        }
        let gallery: Vec<Vec<Embedding>> = by_person.into_values().collect();
        let people = gallery.len() as u32;
        let descriptors = gallery.iter().map(Vec::len).sum::<usize>() as u32;
        let (same, different) = tokio::task::spawn_blocking(move || pair_distances(&gallery))
            .await
            .map_err(|e| Error::Internal(e.to_string()))?;
        let threshold = IDENTIFY_THRESHOLD;
        let far = (!different.is_empty()).then(|| accepted(&different, threshold));
        let frr = (!same.is_empty()).then(|| 1.0 - accepted(&same, threshold));
        let suggested = (!different.is_empty())
            .then(|| {
                (20..=60)
                    .rev()
                    .map(|c| c as f32 / 100.0)
                    .find(|t| accepted(&different, *t) <= target_false_accept_rate)
            })
            .flatten();
        let summary = match (far, frr) {
            (None, _) => "Enrol at least two people to measure the threshold on your own gallery."
                .to_string(),
            (Some(far), frr) => {
                let mut s = format!(
                    "With {people} people enrolled, {} of pairs of different people are closer than \
                     the threshold {threshold:.2} (the camera could confuse them)",
                    percent(far)
                );
                if let Some(frr) = frr {
                    s.push_str(&format!(
                        ", and {} of one person's photos are farther apart than it (they would be \
                         asked to try again or use their PIN)",
                        percent(frr)
                    ));
                }
                s.push('.');
                match suggested {
                    Some(t) => s.push_str(&format!(
                        " A threshold of {t:.2} keeps confusions at or under {}.",
                        percent(target_false_accept_rate)
                    )),
                    None => s.push_str(&format!(
                        " No threshold from 0.20 keeps confusions under {}: enrol better photos.",
                        percent(target_false_accept_rate)
                    )),
                }
                s
            }
        };
        Ok(GalleryCalibration {
            people,
            descriptors,
            same_pairs: same.len() as u64,
            different_pairs: different.len() as u64,
            threshold,
            false_accept_rate: far,
            false_reject_rate: frr,
            target_false_accept_rate,
            suggested_threshold: suggested,
            summary,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(x: f32) -> Embedding {
        let mut v = vec![0.0; frontdesk_vision::DIM];
        v[0] = x;
        Embedding::new(v).expect("embedding")
    }

    #[test]
    fn pairs_split_into_same_and_different_people() {
        let gallery = vec![vec![e(0.0), e(0.1)], vec![e(1.0)]];
        let (same, different) = pair_distances(&gallery);
        assert_eq!(same.len(), 1);
        assert!((same[0] - 0.1).abs() < 1e-6);
        let mut d = different.clone();
        d.sort_by(f32::total_cmp);
        assert_eq!(d.len(), 2);
        assert!((d[0] - 0.9).abs() < 1e-6 && (d[1] - 1.0).abs() < 1e-6);
        assert_eq!(accepted(&d, 0.95), 0.5);
    }
}
