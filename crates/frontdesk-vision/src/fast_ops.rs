//! A faster stand-in for the tract operator YuNet wastes most time in.
//!
//! tract 0.23's `MaxPool` walks every output through its generic patch geometry. Profiled per
//! operator on a 640x480 frame (`run_plan_with_eval` timing every node), YuNet's four 2x2 /
//! stride-2 max-pools took 5.3-5.7 ms of a ~24 ms detection: as much as all twenty depthwise
//! convolutions. [`replace_max_pools`] swaps each such pool, before the plan is optimised, for
//! [`MaxPool2x2`], a loop over pairs of rows that the compiler vectorises (0.9-1.6 ms for the
//! four). A maximum is exact, so the outputs are the same bit for bit (tested below against
//! tract's own operator, and end to end by the detector tests against OpenCV's decoding).

use tract_onnx::prelude::*;
use tract_onnx::tract_core::internal::{
    EvalContext, EvalOp, Op, StaticName, TypedOp, bail, format_err, tvec,
};
use tract_onnx::tract_core::ops::cnn::{MaxPool, PaddingSpec};
use tract_onnx::tract_core::ops::nn::DataFormat;
use tract_onnx::tract_core::{as_op, op_as_typed_op, op_out_of_plan};

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
        let input = inputs
            .first()
            .ok_or_else(|| format_err!("MaxPool2x2 needs one input"))?;
        let &[n, c, h, w] = input.shape() else {
            bail!("MaxPool2x2 needs a rank-4 input, got {:?}", input.shape());
        };
        let view = input.to_plain_array_view::<f32>()?;
        let src = view
            .as_slice()
            .ok_or_else(|| format_err!("MaxPool2x2 needs a contiguous input"))?;
        let (oh, ow) = (h / 2, w / 2);
        let mut out = vec![0f32; n * c * oh * ow];
        if oh > 0 && ow > 0 {
            for (plane, pooled) in src.chunks_exact(h * w).zip(out.chunks_exact_mut(oh * ow)) {
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
        Ok(tvec!(
            Tensor::from_shape(&[n, c, oh, ow], &out)?.into_tvalue()
        ))
    }

    op_out_of_plan!();
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
