//! Faster stand-ins for the two tract operators YuNet spent disproportionate time in.
//!
//! Profiled per operator on a 640x480 frame (`examples/profile_detector.rs`, which times every
//! node through `run_plan_with_eval`), tract 0.23 spent 5.3-5.7 ms of a ~24 ms detection in
//! YuNet's four 2x2 / stride-2 max-pools (its `MaxPool` walks every output through a generic
//! patch geometry) and 5.1-6.3 ms in the 3x3 depthwise convolutions.
//! - [`replace_max_pools`] swaps each plain 2x2 / stride-2 max-pool for [`MaxPool2x2`], a loop
//!   over pairs of rows: 0.3 ms for the four. A maximum is exact, so the outputs are the same
//!   bit for bit.
//! - [`replace_depthwise_convs`] swaps the fourteen 3x3 / stride-1 / padding-1 depthwise
//!   convolutions on `[N,] C, H, W` tensors (the six in the output heads use another layout and
//!   stay with tract) for [`Depthwise3x3`]: each plane is copied once with a zero border, then
//!   every output is the bias plus nine taps, computed in registers and written once: 3.1 ms
//!   for the fourteen. Only the order of the additions differs from tract's, so outputs agree
//!   to float rounding.
//!
//! Both loops run through `pulp`, which compiles them for the widest instruction set the CPU
//! has. That matters twice: AVX2 is twice as wide as the baseline SSE2, and plain SSE2 code
//! running right after tract's AVX kernels ran 4x slower than the same code on its own (0.95
//! against 0.23 ms for a 64x60x80 depthwise convolution): the penalty x86 CPUs charge for
//! mixing the two instruction encodings. Result: the whole detector at 640x480 went from
//! 19.9-22.4 ms to 15.0-17.9 ms, at 320x256 from 5.6-6.0 to 4.0-4.4 ms (both plans in one
//! run). Tests: below against tract's own operators and a direct sum, and in `detect` on the
//! whole network.

use tract_onnx::prelude::*;
use tract_onnx::tract_core::internal::{
    EvalContext, EvalOp, Op, StaticName, TypedOp, bail, format_err, tvec,
};
use tract_onnx::tract_core::ops::cnn::{Conv, KernelFormat, MaxPool, PaddingSpec};
use tract_onnx::tract_core::ops::nn::DataFormat;
use tract_onnx::tract_core::{as_op, op_as_typed_op, op_out_of_plan};

/// Clears the upper halves of the AVX registers after tract has run.
///
/// tract-linalg 0.23's AVX kernels (hand-written assembly) return without `vzeroupper`. Until
/// something clears that state, every SSE instruction the thread runs pays for it: on this
/// machine (AMD EPYC, virtualised) a depthwise-convolution loop compiled for baseline SSE2 took
/// 0.90 ms right after a detection against 0.22 ms on its own, and it stayed slow on the next
/// call. Everything we run between inferences (decoding, resizing, dlib's landmark predictor,
/// the chip, the quality gates) is such code. Rust has no safe way to issue `vzeroupper`, but
/// LLVM ends every function that used a 256-bit register with one: this runs a 256-bit add on
/// a scratch array through `pulp`'s AVX2 variant (after it, the same loop took 0.27 ms). On a
/// CPU without AVX, tract used none and nothing is needed; on the few with AVX but not AVX2,
/// `pulp` has no 256-bit variant and the state stays as tract left it (slower, still correct).
pub fn clear_avx_upper_state() {
    let mut scratch = [0f32; 16];
    pulp::Arch::new().dispatch(Touch256(&mut scratch));
    std::hint::black_box(&scratch);
}

struct Touch256<'a>(&'a mut [f32]);

impl pulp::WithSimd for Touch256<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, simd: S) {
        let (lanes, _) = S::as_mut_simd_f32s(self.0);
        for v in lanes.iter_mut() {
            *v = simd.add_f32s(*v, *v);
        }
    }
}

/// The one input of a swapped operator: its shape and its values, contiguous.
fn f32_input<'a>(inputs: &'a [TValue], op: &str) -> TractResult<(&'a [usize], &'a [f32])> {
    let input = inputs
        .first()
        .ok_or_else(|| format_err!("{op} needs one input"))?;
    let values = input
        .to_plain_array_view::<f32>()?
        .to_slice()
        .ok_or_else(|| format_err!("{op} needs a contiguous input"))?;
    Ok((input.shape(), values))
}

/// A new `f32` tensor of `shape`, filled in by `fill`.
fn new_output(
    shape: &[usize],
    fill: impl FnOnce(&mut [f32]) -> TractResult<()>,
) -> TractResult<TValue> {
    let mut tensor = Tensor::zero::<f32>(shape)?;
    {
        let mut view = tensor.to_plain_array_view_mut::<f32>()?;
        let data = view
            .as_slice_mut()
            .ok_or_else(|| format_err!("new output is not contiguous"))?;
        fill(data)?;
    }
    Ok(tensor.into_tvalue())
}

/// 2x2 max-pool with stride 2 and no padding on a `[N, C, H, W]` float tensor (odd trailing
/// rows and columns are dropped, as ONNX's floor rounding does).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaxPool2x2;

impl Op for MaxPool2x2 {
    fn name(&self) -> StaticName {
        "MaxPool2x2".into()
    }

    op_as_typed_op!();
}

impl EvalOp for MaxPool2x2 {
    fn eval(&self, _ctx: &EvalContext, inputs: TVec<TValue>) -> TractResult<TVec<TValue>> {
        let (shape, src) = f32_input(&inputs, "MaxPool2x2")?;
        let &[n, c, h, w] = shape else {
            bail!("MaxPool2x2 needs a rank-4 input, got {shape:?}");
        };
        let (oh, ow) = (h / 2, w / 2);
        let pooled = new_output(&[n, c, oh, ow], |out| {
            if oh > 0 && ow > 0 {
                pulp::Arch::new().dispatch(PoolPlanes {
                    src,
                    out,
                    size: (h, w),
                });
            }
            Ok(())
        })?;
        Ok(tvec!(pooled))
    }

    op_out_of_plan!();
}

/// Every plane of one [`MaxPool2x2`] call, as one `pulp` dispatch (see [`DepthwisePlanes`]).
struct PoolPlanes<'a> {
    src: &'a [f32],
    out: &'a mut [f32],
    size: (usize, usize),
}

impl pulp::WithSimd for PoolPlanes<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _simd: S) {
        let (h, w) = self.size;
        let (oh, ow) = (h / 2, w / 2);
        for (plane, pooled) in self
            .src
            .chunks_exact(h * w)
            .zip(self.out.chunks_exact_mut(oh * ow))
        {
            for (y, row) in pooled.chunks_exact_mut(ow).enumerate() {
                let top = &plane[2 * y * w..2 * y * w + 2 * ow];
                let bottom = &plane[(2 * y + 1) * w..(2 * y + 1) * w + 2 * ow];
                for ((v, a), b) in row
                    .iter_mut()
                    .zip(top.chunks_exact(2))
                    .zip(bottom.chunks_exact(2))
                {
                    *v = a[0].max(a[1]).max(b[0].max(b[1]));
                }
            }
        }
    }
}

impl TypedOp for MaxPool2x2 {
    fn output_facts(&self, inputs: &[&TypedFact]) -> TractResult<TVec<TypedFact>> {
        let input = inputs
            .first()
            .ok_or_else(|| format_err!("MaxPool2x2 needs one input"))?;
        let shape = input.shape.to_tvec();
        let [n, c, h, w] = shape.as_slice() else {
            bail!("MaxPool2x2 needs a rank-4 input");
        };
        Ok(tvec!(f32::fact([
            n.clone(),
            c.clone(),
            h.clone() / 2,
            w.clone() / 2
        ])))
    }

    as_op!();
}

/// Whether a tract `MaxPool` node is exactly what [`MaxPool2x2`] computes.
fn is_plain_2x2(pool: &MaxPool, input: &TypedFact) -> bool {
    let spec = &pool.pool_spec;
    pool.with_index_outputs.is_none()
        && spec.data_format == DataFormat::NCHW
        && spec.kernel_shape.as_slice() == [2, 2]
        && spec.strides.as_deref() == Some(&[2, 2][..])
        && spec.dilations.as_deref().is_none_or(|d| d == [1, 1])
        && spec.padding == PaddingSpec::Valid
        && input.datum_type == f32::datum_type()
        && input.rank() == 4
        && input.shape.as_concrete().is_some()
}

/// Swaps every plain 2x2 / stride-2 max-pool of a decluttered model for [`MaxPool2x2`];
/// returns how many were swapped.
pub fn replace_max_pools(model: &mut TypedModel) -> TractResult<usize> {
    let targets: Vec<usize> = model
        .nodes()
        .iter()
        .filter(|node| {
            node.op_as::<MaxPool>().is_some_and(|pool| {
                node.inputs.len() == 1
                    && model
                        .outlet_fact(node.inputs[0])
                        .is_ok_and(|fact| is_plain_2x2(pool, fact))
            })
        })
        .map(|node| node.id)
        .collect();
    for id in &targets {
        let node = model.node(*id).clone();
        TypedModelPatch::replace_single_op(model, &node, &node.inputs, MaxPool2x2)?.apply(model)?;
    }
    Ok(targets.len())
}

/// 3x3 depthwise convolution, stride 1, zero padding 1, on a `[N, C, H, W]` or `[C, H, W]`
/// float tensor, with the kernel (`C x 9`, row-major) and bias (`C`) fixed at build time.
#[derive(Debug, Clone)]
pub struct Depthwise3x3 {
    kernel: Vec<f32>,
    bias: Vec<f32>,
}

impl PartialEq for Depthwise3x3 {
    fn eq(&self, other: &Self) -> bool {
        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        bits(&self.kernel) == bits(&other.kernel) && bits(&self.bias) == bits(&other.bias)
    }
}

impl Eq for Depthwise3x3 {}

impl Depthwise3x3 {
    fn channels(&self) -> usize {
        self.bias.len()
    }

    /// One plane. It is first copied into `padded` with a zero border, so that every output is
    /// `bias + sum of nine taps` with no edge cases, computed in registers and written once.
    /// Inlined into [`DepthwisePlanes`], which `pulp` compiles for the widest instruction set
    /// the CPU has.
    #[inline(always)]
    fn plane(
        kernel: &[f32],
        bias: f32,
        (src, out): (&[f32], &mut [f32]),
        (h, w): (usize, usize),
        padded: &mut Vec<f32>,
    ) {
        let pw = w + 2;
        padded.clear();
        padded.resize((h + 2) * pw, 0.0);
        for (dst, row) in padded.chunks_exact_mut(pw).skip(1).zip(src.chunks_exact(w)) {
            dst[1..=w].copy_from_slice(row);
        }
        let &[k0, k1, k2, k3, k4, k5, k6, k7, k8] = kernel else {
            return;
        };
        for (y, row) in out.chunks_exact_mut(w).enumerate() {
            let top = &padded[y * pw..(y + 1) * pw];
            let mid = &padded[(y + 1) * pw..(y + 2) * pw];
            let bottom = &padded[(y + 2) * pw..(y + 3) * pw];
            let (t0, t1, t2) = (&top[..w], &top[1..=w], &top[2..]);
            let (m0, m1, m2) = (&mid[..w], &mid[1..=w], &mid[2..]);
            let (b0, b1, b2) = (&bottom[..w], &bottom[1..=w], &bottom[2..]);
            // Every slice is `w` long; the bound says so to the compiler, which then drops the
            // bounds checks and vectorises the loop.
            for x in 0..w.min(row.len()).min(t2.len()).min(m2.len()).min(b2.len()) {
                row[x] = bias
                    + k0 * t0[x]
                    + k1 * t1[x]
                    + k2 * t2[x]
                    + k3 * m0[x]
                    + k4 * m1[x]
                    + k5 * m2[x]
                    + k6 * b0[x]
                    + k7 * b1[x]
                    + k8 * b2[x];
            }
        }
    }
}

/// Every plane of one [`Depthwise3x3`] call, as one `pulp` dispatch. Besides picking AVX2 where
/// there is one, this keeps our loops in the same (VEX) encoding as tract's own kernels: plain
/// SSE code right after them ran 4x slower than the same code on its own (0.95 against 0.23 ms
/// for 64x60x80), the penalty x86 charges for mixing the two encodings.
struct DepthwisePlanes<'a> {
    op: &'a Depthwise3x3,
    src: &'a [f32],
    out: &'a mut [f32],
    size: (usize, usize),
    padded: &'a mut Vec<f32>,
}

impl pulp::WithSimd for DepthwisePlanes<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _simd: S) {
        let (h, w) = self.size;
        let channels = self.op.channels();
        for (i, planes) in self
            .src
            .chunks_exact(h * w)
            .zip(self.out.chunks_exact_mut(h * w))
            .enumerate()
        {
            let ch = i % channels;
            Depthwise3x3::plane(
                &self.op.kernel[9 * ch..9 * ch + 9],
                self.op.bias[ch],
                planes,
                self.size,
                self.padded,
            );
        }
    }
}

thread_local! {
    /// The zero-bordered copy of the plane being convolved, reused across calls.
    static PADDED: std::cell::RefCell<Vec<f32>> = const { std::cell::RefCell::new(Vec::new()) };
}

impl Op for Depthwise3x3 {
    fn name(&self) -> StaticName {
        "Depthwise3x3".into()
    }

    op_as_typed_op!();
}

impl EvalOp for Depthwise3x3 {
    fn eval(&self, _ctx: &EvalContext, inputs: TVec<TValue>) -> TractResult<TVec<TValue>> {
        let (shape, src) = f32_input(&inputs, "Depthwise3x3")?;
        let (c, h, w) = match shape {
            [_, c, h, w] | [c, h, w] => (*c, *h, *w),
            other => bail!("Depthwise3x3 needs a rank-3 or rank-4 input, got {other:?}"),
        };
        if c != self.channels() {
            bail!(
                "Depthwise3x3 built for {} channels, got {c}",
                self.channels()
            );
        }
        let output = new_output(shape, |out| {
            if h * w == 0 {
                return Ok(());
            }
            PADDED.with_borrow_mut(|padded| {
                pulp::Arch::new().dispatch(DepthwisePlanes {
                    op: self,
                    src,
                    out,
                    size: (h, w),
                    padded,
                });
            });
            Ok(())
        })?;
        Ok(tvec!(output))
    }

    op_out_of_plan!();
}

impl TypedOp for Depthwise3x3 {
    fn output_facts(&self, inputs: &[&TypedFact]) -> TractResult<TVec<TypedFact>> {
        let input = inputs
            .first()
            .ok_or_else(|| format_err!("Depthwise3x3 needs one input"))?;
        Ok(tvec!(f32::fact(input.shape.to_tvec())))
    }

    as_op!();
}

/// The kernel and bias of a tract `Conv` node that [`Depthwise3x3`] computes exactly, or
/// `None`.
fn depthwise_3x3(model: &TypedModel, node: &TypedNode) -> Option<Depthwise3x3> {
    let conv = node.op_as::<Conv>()?;
    let spec = &conv.pool_spec;
    let channels = conv.input_channels();
    let input = model.outlet_fact(*node.inputs.first()?).ok()?;
    let plain_layout = matches!(spec.data_format, DataFormat::NCHW | DataFormat::CHW);
    let shape_ok = input.datum_type == f32::datum_type()
        && input.shape.as_concrete().is_some()
        && (input.rank() == 4 || input.rank() == 3);
    let same_padding = match &spec.padding {
        PaddingSpec::Explicit(before, after) => {
            before.as_slice() == [1, 1] && after.as_slice() == [1, 1]
        }
        _ => false,
    };
    if conv.q_params.is_some()
        || !plain_layout
        || !shape_ok
        || !same_padding
        || conv.kernel_fmt != KernelFormat::OIHW
        || conv.group != channels
        || conv.output_channels() != channels
        || spec.kernel_shape.as_slice() != [3, 3]
        || spec.strides.as_deref().is_some_and(|s| s != [1, 1])
        || spec.dilations.as_deref().is_some_and(|d| d != [1, 1])
        || node.inputs.len() != 3
    {
        return None;
    }
    let kernel = model.outlet_fact(node.inputs[1]).ok()?.konst.clone()?;
    let bias = model.outlet_fact(node.inputs[2]).ok()?.konst.clone()?;
    if kernel.shape() != [channels, 1, 3, 3] || kernel.datum_type() != f32::datum_type() {
        return None;
    }
    let kernel: Vec<f32> = kernel
        .to_plain_array_view::<f32>()
        .ok()?
        .iter()
        .copied()
        .collect();
    let bias_values: Vec<f32> = bias
        .cast_to::<f32>()
        .ok()?
        .to_plain_array_view::<f32>()
        .ok()?
        .iter()
        .copied()
        .collect();
    let bias = match bias_values.len() {
        n if n == channels => bias_values,
        1 => vec![bias_values[0]; channels],
        _ => return None,
    };
    Some(Depthwise3x3 { kernel, bias })
}

/// Swaps every 3x3 / stride-1 / padding-1 depthwise convolution of a decluttered model whose
/// kernel and bias are constants for [`Depthwise3x3`]; returns how many were swapped.
pub fn replace_depthwise_convs(model: &mut TypedModel) -> TractResult<usize> {
    let targets: Vec<(usize, Depthwise3x3)> = model
        .nodes()
        .iter()
        .filter_map(|node| depthwise_3x3(model, node).map(|op| (node.id, op)))
        .collect();
    for (id, op) in &targets {
        let node = model.node(*id).clone();
        TypedModelPatch::replace_single_op(model, &node, &node.inputs[..1], op.clone())?
            .apply(model)?;
    }
    Ok(targets.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tract_onnx::tract_core::ops::cnn::PoolSpec;

    fn tract_pool(channels: usize) -> MaxPool {
        MaxPool::new(
            PoolSpec {
                data_format: DataFormat::NCHW,
                kernel_shape: tvec![2, 2],
                padding: PaddingSpec::Valid,
                dilations: None,
                strides: Some(tvec![2, 2]),
                input_channels: channels,
                output_channels: channels,
            },
            None,
        )
    }

    #[test]
    fn same_values_as_tracts_max_pool() {
        // Odd height and width, negative values, ties and infinities.
        for (c, h, w) in [(3, 7, 9), (2, 8, 6), (1, 3, 5), (4, 16, 20)] {
            let data: Vec<f32> = (0..c * h * w)
                .map(|i| match i % 13 {
                    0 => f32::NEG_INFINITY,
                    5 => 3.0,
                    _ => ((i * 37 % 101) as f32 - 50.0) * 0.25,
                })
                .collect();
            let input = Tensor::from_shape(&[1, c, h, w], &data).expect("tensor");
            let ours = EvalOp::eval(
                &MaxPool2x2,
                &EvalContext::out_of_plan(),
                tvec!(input.clone().into_tvalue()),
            )
            .expect("ours");
            let theirs = EvalOp::eval(
                &tract_pool(c),
                &EvalContext::out_of_plan(),
                tvec!(input.into_tvalue()),
            )
            .expect("tract's");
            assert_eq!(ours[0].shape(), theirs[0].shape(), "{c}x{h}x{w}");
            assert_eq!(
                ours[0].to_plain_array_view::<f32>().expect("f32"),
                theirs[0].to_plain_array_view::<f32>().expect("f32"),
                "{c}x{h}x{w}"
            );
        }
    }

    #[test]
    fn a_single_row_pools_to_nothing_without_panicking() {
        // tract's own operator panics here; ours returns an empty tensor.
        let input = Tensor::from_shape(&[1, 2, 1, 5], &[1f32; 10]).expect("tensor");
        let out = EvalOp::eval(
            &MaxPool2x2,
            &EvalContext::out_of_plan(),
            tvec!(input.into_tvalue()),
        )
        .expect("ours");
        assert_eq!(out[0].shape(), &[1, 2, 0, 2]);
    }

    #[test]
    fn depthwise_matches_the_definition() {
        // Direct sum over the 3x3 neighbourhood with zero padding, in f64.
        for (n, c, h, w) in [(1, 3, 5, 7), (2, 2, 1, 1), (1, 4, 2, 9), (0, 2, 3, 3)] {
            let kernel: Vec<f32> = (0..9 * c)
                .map(|i| ((i * 7 % 11) as f32 - 5.0) * 0.1)
                .collect();
            let bias: Vec<f32> = (0..c).map(|i| i as f32 * 0.5 - 0.25).collect();
            let data: Vec<f32> = (0..n * c * h * w)
                .map(|i| ((i * 37 % 101) as f32 - 50.0) * 0.05)
                .collect();
            let op = Depthwise3x3 {
                kernel: kernel.clone(),
                bias: bias.clone(),
            };
            let input = Tensor::from_shape(&[n, c, h, w], &data).expect("tensor");
            let out = EvalOp::eval(&op, &EvalContext::out_of_plan(), tvec!(input.into_tvalue()))
                .expect("runs");
            let out = out[0].to_plain_array_view::<f32>().expect("f32");
            assert_eq!(out.shape(), &[n, c, h, w]);
            for b in 0..n {
                for ch in 0..c {
                    for y in 0..h {
                        for x in 0..w {
                            let mut want = f64::from(bias[ch]);
                            for ky in 0..3 {
                                for kx in 0..3 {
                                    let (iy, ix) = (y + ky, x + kx);
                                    if iy >= 1 && ix >= 1 && iy - 1 < h && ix - 1 < w {
                                        let v = data[((b * c + ch) * h + iy - 1) * w + ix - 1];
                                        want +=
                                            f64::from(kernel[9 * ch + 3 * ky + kx]) * f64::from(v);
                                    }
                                }
                            }
                            let got = f64::from(out[[b, ch, y, x]]);
                            assert!(
                                (got - want).abs() < 1e-5,
                                "{n}x{c}x{h}x{w} at {b},{ch},{y},{x}: {got} vs {want}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn depthwise_refuses_the_wrong_channel_count() {
        let op = Depthwise3x3 {
            kernel: vec![0.0; 18],
            bias: vec![0.0; 2],
        };
        let input = Tensor::from_shape(&[1, 3, 2, 2], &[0f32; 12]).expect("tensor");
        assert!(
            EvalOp::eval(&op, &EvalContext::out_of_plan(), tvec!(input.into_tvalue())).is_err()
        );
    }

    #[test]
    fn other_pools_are_left_alone() {
        let fact = f32::fact([1, 4, 8, 8]);
        assert!(is_plain_2x2(&tract_pool(4), &fact));
        let mut three = tract_pool(4);
        three.pool_spec.kernel_shape = tvec![3, 3];
        assert!(!is_plain_2x2(&three, &fact));
        let mut padded = tract_pool(4);
        padded.pool_spec.padding = PaddingSpec::SameUpper;
        assert!(!is_plain_2x2(&padded, &fact));
        let mut strided = tract_pool(4);
        strided.pool_spec.strides = Some(tvec![1, 1]);
        assert!(!is_plain_2x2(&strided, &fact));
        assert!(!is_plain_2x2(&tract_pool(4), &i32::fact([1, 4, 8, 8])));
    }
}
