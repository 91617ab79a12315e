//! The identification decision: when is the nearest enrolled person really this face?
//!
//! A fixed distance threshold does not hold as a gallery grows: a stranger's nearest distance is
//! the minimum over everyone enrolled, so it falls as people are added. On the development set
//! (`frontdesk-lab faces scale`), 0.46 accepted 0.5 % of never-enrolled people with 100 people
//! enrolled and 5.2 % with 1,485. What separates a true match from a stranger's best luck is how
//! much nearer the best person is than *everyone else*: a stranger is about as far from their
//! nearest as from their tenth nearest, while a true match stands out. So the decision needs
//! three things at once:
//!
//! 1. the best distance under a limit (the site's threshold, loosened a little from 200 people
//!    on, where the next rule does the work);
//! 2. the best distance at most a fraction of the mean distance to the next [`COHORT`] people
//!    (the *cohort ratio*; the fraction grows slowly with the gallery, because the cohort gets
//!    nearer as people are added). Below [`MIN_COHORT`] other people there is no cohort and the
//!    threshold alone decides, which is where it is safe;
//! 3. on the live stream, [`Agreement`]: several frames within a short window naming the same
//!    person under a stricter ratio, and none naming anyone else.
//!
//! Figures and the sweep that chose the constants are in the crate README.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::index::{Identification, Match};

/// How many of the next-nearest people the cohort ratio averages.
pub const COHORT: usize = 10;
/// Fewest other people for the cohort ratio to apply.
pub const MIN_COHORT: usize = 3;

/// What a decision rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Evidence {
    /// One photo or frame decides on its own (a snapshot, a returning visitor).
    SingleFrame,
    /// One frame of a walk-up, where [`Agreement`] asks several to agree: each frame is judged
    /// more strictly.
    StreamFrame,
}

/// The limits one decision applies.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Limits {
    /// Largest accepted distance to the best person.
    pub distance: f32,
    /// Largest accepted ratio of that distance to the cohort's mean distance.
    pub ratio: f32,
}

/// The limits for a gallery of `people` people, from the site's base `threshold`.
pub fn limits(threshold: f32, people: usize, evidence: Evidence) -> Limits {
    let n = people.max(1) as f32;
    // 0 up to 100 people, 1 from 200 (distance) or 1,500 (ratio) on, logarithmic between.
    let grow = |to: f32| ((n / 100.0).ln() / (to / 100.0).ln()).clamp(0.0, 1.0);
    let stricter = match evidence {
        Evidence::SingleFrame => 0.0,
        Evidence::StreamFrame => 0.06,
    };
    Limits {
        distance: threshold + 0.04 * grow(200.0),
        ratio: 0.68 + 0.08 * grow(1_500.0) - stricter,
    }
}

/// The decision for a query whose nearest person is `nearest` and whose next-nearest people are
/// at `cohort` (see [`crate::FaceIndex::cohort`]).
pub fn decide(nearest: Option<Match>, cohort: &[f32], limits: Limits) -> Identification {
    let Some(m) = nearest else {
        return Identification::Unknown { nearest: None };
    };
    if m.distance.is_nan() || m.distance > limits.distance {
        return Identification::Unknown { nearest: Some(m) };
    }
    if cohort.len() >= MIN_COHORT {
        let mean = cohort.iter().sum::<f32>() / cohort.len() as f32;
        let ratio = if mean > 0.0 { m.distance / mean } else { 1.0 };
        if ratio.is_nan() || ratio > limits.ratio {
            return Identification::Uncertain { nearest: m, ratio };
        }
    }
    Identification::Match(m)
}

/// Several frames of one walk-up agreeing: a person is accepted once `need` of the last
/// `window` analysed frames name them ([`Evidence::StreamFrame`] decisions) and none of those
/// frames names anyone else. Counted in frames, not seconds, so a slow machine decides later
/// rather than never.
#[derive(Debug, Clone)]
pub struct Agreement {
    need: usize,
    window: usize,
    frames: VecDeque<Option<Match>>,
}

impl Agreement {
    /// Frames needed to agree, and how many of the latest frames count.
    pub const DEFAULT_NEED: usize = 3;
    pub const DEFAULT_WINDOW: usize = 5;

    pub fn new(need: usize, window: usize) -> Self {
        Self {
            need: need.max(1),
            window: window.max(need.max(1)),
            frames: VecDeque::new(),
        }
    }

    /// Adds one decided frame (a frame with no usable face is not added). Returns the agreed
    /// match (the frame nearest to the gallery) once there is one.
    pub fn push(&mut self, frame: &Identification) -> Option<Match> {
        let m = match frame {
            Identification::Match(m) => Some(*m),
            _ => None,
        };
        self.frames.push_back(m);
        while self.frames.len() > self.window {
            self.frames.pop_front();
        }
        let named: Vec<&Match> = self.frames.iter().filter_map(Option::as_ref).collect();
        let first = named.first()?;
        if named.iter().any(|m| m.person != first.person) || named.len() < self.need {
            return None;
        }
        named
            .into_iter()
            .min_by(|a, b| a.distance.total_cmp(&b.distance))
            .copied()
    }

    /// Forgets every frame (the person left, or was just greeted).
    pub fn reset(&mut self) {
        self.frames.clear();
    }

    /// Whether a frame named someone within the window (for "hold still" hints).
    pub fn tentative(&self) -> Option<Uuid> {
        self.frames.iter().rev().find_map(|m| m.map(|m| m.person))
    }
}

impl Default for Agreement {
    fn default() -> Self {
        Self::new(Self::DEFAULT_NEED, Self::DEFAULT_WINDOW)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(person: u128, distance: f32) -> Match {
        Match {
            person: Uuid::from_u128(person),
            embedding: person as i64,
            distance,
        }
    }

    #[test]
    fn limits_tighten_with_walk_up_frames_and_loosen_slowly_with_the_gallery() {
        let small = limits(0.46, 50, Evidence::SingleFrame);
        assert_eq!(small.distance, 0.46);
        assert!((small.ratio - 0.68).abs() < 1e-6);
        let large = limits(0.46, 2_000, Evidence::SingleFrame);
        assert!((large.distance - 0.50).abs() < 1e-6);
        assert!((large.ratio - 0.76).abs() < 1e-6);
        let mid = limits(0.46, 500, Evidence::SingleFrame);
        assert!(mid.ratio > small.ratio && mid.ratio < large.ratio);
        let stream = limits(0.46, 2_000, Evidence::StreamFrame);
        assert!(stream.ratio < large.ratio);
        assert_eq!(stream.distance, large.distance);
    }

    #[test]
    fn a_best_match_that_does_not_stand_out_is_uncertain() {
        let l = limits(0.46, 1_000, Evidence::SingleFrame);
        // Near, and far nearer than the others: a match.
        let clear = decide(Some(at(1, 0.35)), &[0.62, 0.64, 0.66, 0.70], l);
        assert!(matches!(clear, Identification::Match(m) if m.person == Uuid::from_u128(1)));
        // Just as near, but so is everyone else: a stranger's luck.
        let crowd = decide(Some(at(1, 0.35)), &[0.38, 0.39, 0.40, 0.41], l);
        assert!(matches!(crowd, Identification::Uncertain { ratio, .. } if ratio > 0.85));
        // Too far: unknown whatever the others.
        let far = decide(Some(at(1, 0.55)), &[0.9, 0.9, 0.9], l);
        assert!(matches!(far, Identification::Unknown { nearest: Some(_) }));
        // Too few others for a cohort: the distance alone decides.
        let tiny = decide(
            Some(at(1, 0.40)),
            &[0.41],
            limits(0.46, 2, Evidence::SingleFrame),
        );
        assert!(matches!(tiny, Identification::Match(_)));
        assert!(matches!(
            decide(None, &[], l),
            Identification::Unknown { nearest: None }
        ));
    }

    #[test]
    fn agreement_needs_enough_frames_of_one_person_among_the_latest() {
        let mut a = Agreement::new(3, 5);
        let ann = Identification::Match(at(1, 0.40));
        let closer = Identification::Match(at(1, 0.30));
        let bob = Identification::Match(at(2, 0.41));
        let none = Identification::Unknown { nearest: None };
        assert_eq!(a.push(&ann), None);
        assert_eq!(a.push(&none), None);
        assert_eq!(a.push(&closer), None);
        // Third agreeing frame: accepted, reported at its nearest frame.
        assert_eq!(a.push(&ann).map(|m| m.distance), Some(0.30));
        // Someone else named among the latest frames blocks any decision until it drops out.
        a.reset();
        a.push(&ann);
        a.push(&bob);
        a.push(&ann);
        assert_eq!(a.push(&ann), None);
        assert_eq!(a.push(&ann), None);
        assert_eq!(
            a.push(&ann),
            None,
            "bob's frame is still among the latest five"
        );
        assert!(a.push(&ann).is_some(), "bob's frame has dropped out");
        // Agreeing frames further apart than the window do not add up.
        a.reset();
        a.push(&ann);
        a.push(&ann);
        for _ in 0..4 {
            assert_eq!(a.push(&none), None);
        }
        assert_eq!(a.push(&ann), None);
    }
}
