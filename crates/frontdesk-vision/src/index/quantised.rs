//! The i8 copy of the gallery that the candidate scan reads (128 bytes per embedding instead
//! of 512), and the scan itself.
//!
//! Quantiser: one offset per component (the gallery mean) and one step for all components, so
//! the squared distance between codes, times step², is the squared Euclidean distance between
//! the de-quantised vectors. Each embedding also keeps its residual `r = |x - x̂|` (how far the
//! de-quantised vector is from the real one); by the triangle inequality the true distance lies
//! within `r_query + r_x` of the code distance, which is what lets the caller prove that the
//! candidates it re-ranks in f32 contain the exact nearest.
//!
//! The kernel is plain Rust written so that LLVM vectorises it (i16 differences, then
//! multiply-add pairs into i32). `pulp` picks the widest instruction set the CPU has at run time
//! (AVX-512BW, AVX2 or the baseline; NEON on ARM) and compiles the kernel for each: without it
//! the default x86-64 target only gets SSE2, which is no faster than the f32 scan.

use rayon::prelude::*;

use crate::embed::DIM;

/// Largest code magnitude (symmetric, so negation never overflows).
const CODE_MAX: f32 = 127.0;
/// Slots per parallel task: large enough to amortise the hand-off, small enough to balance.
const PAR_CHUNK: usize = 8192;

/// Offsets, step and the codes of every slot.
pub(super) struct Codes {
    offset: [f32; DIM],
    step: f32,
    codes: Vec<i8>,
    residual: Vec<f32>,
    max_residual: f32,
    /// Slots when the quantiser was last fitted (refit once the gallery has doubled).
    fitted_at: usize,
    arch: pulp::Arch,
}

/// A query on the gallery's grid, widened to i16 for the kernel.
pub(super) struct QueryCodes {
    codes: [i16; DIM],
    pub residual: f32,
}

impl Codes {
    /// An empty copy with a quantiser for dlib-like values (|x| <= 0.5) until it is fitted.
    pub fn new() -> Self {
        Self {
            offset: [0.0; DIM],
            step: 0.5 / CODE_MAX,
            codes: Vec::new(),
            residual: Vec::new(),
            max_residual: 0.0,
            fitted_at: 0,
            arch: pulp::Arch::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.residual.len()
    }

    pub fn step(&self) -> f32 {
        self.step
    }

    pub fn max_residual(&self) -> f32 {
        self.max_residual
    }

    pub fn residual(&self, slot: usize) -> f32 {
        self.residual[slot]
    }

    pub fn needs_refit(&self) -> bool {
        self.len() >= 64 && self.len() >= 2 * self.fitted_at
    }

    /// Fits offset and step to the live vectors (`alive[slot]`) and re-quantises every slot.
    pub fn fit(&mut self, vectors: &[f32], alive: &[bool]) {
        let live: Vec<&[f32]> = vectors
            .chunks_exact(DIM)
            .zip(alive)
            .filter(|(_, a)| **a)
            .map(|(v, _)| v)
            .collect();
        if !live.is_empty() {
            let mut mean = [0f64; DIM];
            for v in &live {
                for (m, x) in mean.iter_mut().zip(v.iter()) {
                    *m += f64::from(*x);
                }
            }
            for (o, m) in self.offset.iter_mut().zip(mean) {
                *o = (m / live.len() as f64) as f32;
            }
            let range = live
                .iter()
                .flat_map(|v| v.iter().zip(&self.offset).map(|(x, o)| (x - o).abs()))
                .fold(0f32, f32::max);
            self.step = if range.is_finite() && range > 0.0 {
                range / CODE_MAX
            } else {
                1.0
            };
        }
        self.codes.clear();
        self.residual.clear();
        self.max_residual = 0.0;
        for v in vectors.chunks_exact(DIM) {
            self.push(v);
        }
        self.fitted_at = self.len();
    }

    /// Appends one slot's codes.
    pub fn push(&mut self, v: &[f32]) {
        let mut r2 = 0f32;
        for (x, o) in v.iter().zip(&self.offset) {
            let c = self.code(*x, *o);
            let back = o + f32::from(c) * self.step;
            r2 += (x - back) * (x - back);
            self.codes.push(c);
        }
        let r = r2.sqrt();
        // An overflowing residual (absurd but finite input) must not poison the bound.
        let r = if r.is_finite() { r } else { f32::INFINITY };
        self.residual.push(r);
        self.max_residual = self.max_residual.max(r);
    }

    fn code(&self, x: f32, offset: f32) -> i8 {
        // `as` saturates (and maps NaN to 0); the clamp keeps codes symmetric.
        ((x - offset) / self.step)
            .round()
            .clamp(-CODE_MAX, CODE_MAX) as i8
    }

    pub fn query(&self, q: &[f32]) -> QueryCodes {
        let mut codes = [0i16; DIM];
        let mut r2 = 0f32;
        for ((c, x), o) in codes.iter_mut().zip(q).zip(&self.offset) {
            let k = self.code(*x, *o);
            let back = o + f32::from(k) * self.step;
            r2 += (x - back) * (x - back);
            *c = i16::from(k);
        }
        let r = r2.sqrt();
        QueryCodes {
            codes,
            residual: if r.is_finite() { r } else { f32::INFINITY },
        }
    }

    /// Squared code distances of every slot to `q`, into `out` (one per slot).
    pub fn scan(&self, q: &QueryCodes, out: &mut [u32], parallel: bool) {
        let n = out.len().min(self.len());
        let (out, codes) = (&mut out[..n], &self.codes[..n * DIM]);
        if parallel && n > PAR_CHUNK {
            out.par_chunks_mut(PAR_CHUNK)
                .zip(codes.par_chunks(PAR_CHUNK * DIM))
                .for_each(|(out, codes)| {
                    self.arch.dispatch(Scan {
                        q: &q.codes,
                        codes,
                        out,
                    })
                });
        } else {
            self.arch.dispatch(Scan {
                q: &q.codes,
                codes,
                out,
            });
        }
    }
}

struct Scan<'a> {
    q: &'a [i16; DIM],
    codes: &'a [i8],
    out: &'a mut [u32],
}

impl pulp::WithSimd for Scan<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _simd: S) {
        for (o, v) in self.out.iter_mut().zip(self.codes.chunks_exact(DIM)) {
            *o = code_distance(self.q, v);
        }
    }
}

/// Squared distance between a widened query and one slot's codes. Inlined into each
/// instruction-set variant; |difference| <= 254, so 128 squares fit an i32 many times over.
#[inline(always)]
fn code_distance(q: &[i16; DIM], v: &[i8]) -> u32 {
    let mut acc = [0i32; 16];
    for (x, y) in q.chunks_exact(16).zip(v.chunks_exact(16)) {
        for k in 0..16 {
            let d = i32::from(x[k] - i16::from(y[k]));
            acc[k] += d * d;
        }
    }
    acc.iter().sum::<i32>().unsigned_abs()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_distance_times_step_squared_is_the_dequantised_distance() {
        let mut codes = Codes::new();
        let a: Vec<f32> = (0..DIM).map(|i| (i as f32 * 0.37).sin() * 0.3).collect();
        let b: Vec<f32> = (0..DIM).map(|i| (i as f32 * 0.11).cos() * 0.3).collect();
        let mut vectors = a.clone();
        vectors.extend_from_slice(&b);
        codes.fit(&vectors, &[true, true]);
        let q = codes.query(&a);
        let mut out = [0u32; 2];
        codes.scan(&q, &mut out, false);
        assert_eq!(out[0], 0, "a vector is at code distance 0 from itself");
        let coded = (out[1] as f32).sqrt() * codes.step();
        let exact = crate::embed::squared_distance(&a, &b).sqrt();
        let slack = q.residual + codes.residual(1);
        println!("exact {exact}, coded {coded}, bound {slack}");
        assert!(
            (coded - exact).abs() <= slack + 1e-5,
            "the triangle inequality bounds the quantisation error"
        );
        assert!(codes.residual(0) <= codes.step() * (DIM as f32).sqrt() / 2.0 + 1e-6);
    }

    #[test]
    fn out_of_range_values_clamp_and_report_a_large_residual() {
        let mut codes = Codes::new();
        let mut v = vec![0.0f32; DIM];
        codes.push(&v);
        v[3] = 1e30;
        codes.push(&v);
        assert!(
            codes.residual(1) > 1e29,
            "clamped component shows in the residual"
        );
        assert_eq!(codes.max_residual(), codes.residual(1));
    }
}
