//! Where YuNet's time goes inside tract, operator by operator, and what the swapped operators
//! (`fast_ops`: max-pools and depthwise convolutions) save. For finding the next thing to speed
//! up, not a benchmark of record.
//!
//! `cargo run --release -p frontdesk-vision --example profile_detector -- [WIDTH HEIGHT [RUNS]]`
//! (defaults 640 480 40; the input is padded to multiples of 32 as the detector does).

use std::collections::HashMap;
use std::time::Instant;

use frontdesk_vision::ModelSource;
use frontdesk_vision::detect::{Detector, DetectorConfig, build_plan};
use tract_onnx::prelude::*;
use tract_onnx::tract_core::plan::eval;

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

fn main() -> TractResult<()> {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let width = args.first().copied().unwrap_or(640);
    let height = args.get(1).copied().unwrap_or(480);
    let runs = args.get(2).copied().unwrap_or(40).max(1);
    let (_, h, w) = frontdesk_vision::detect::input_geometry(width as u32, height as u32, 4096);
    let detector = Detector::load(&ModelSource::Embedded, DetectorConfig::default())?;
    let plans = [
        build_plan(detector.model(), h, w, false)?,
        build_plan(detector.model(), h, w, true)?,
    ];
    let pixels: Vec<f32> = (0..3 * h * w).map(|i| ((i * 31) % 256) as f32).collect();
    let input = Tensor::from_shape(&[1, 3, h, w], &pixels)?;

    // End to end, the two plans alternating so both see the same machine.
    let mut times = [Vec::new(), Vec::new()];
    for round in 0..runs + 3 {
        for (i, p) in plans.iter().enumerate() {
            let started = Instant::now();
            std::hint::black_box(p.run(tvec!(input.clone().into()))?);
            if round >= 3 {
                times[i].push(started.elapsed().as_secs_f64() * 1e3);
            }
        }
    }
    println!("YuNet at {w}x{h}, {runs} runs, 1 thread");
    println!("  tract's operators:  p50 {:.2} ms", median(&mut times[0]));
    println!(
        "  swapped operators: p50 {:.2} ms (shipped)",
        median(&mut times[1])
    );

    // Per operator, for the shipped plan.
    let mut per_op: HashMap<String, (f64, usize)> = HashMap::new();
    for round in 0..runs + 3 {
        let mut state = plans[1].spawn()?;
        state.run_plan_with_eval(
            tvec!(input.clone().into()),
            |ctx, op_state, node, inputs| {
                let started = Instant::now();
                let out = eval(ctx, op_state, node, inputs);
                if round >= 3 {
                    let entry = per_op.entry(node.op().name().to_string()).or_default();
                    entry.0 += started.elapsed().as_secs_f64() * 1e3;
                    entry.1 += 1;
                }
                out
            },
        )?;
    }
    let mut rows: Vec<(String, (f64, usize))> = per_op.into_iter().collect();
    rows.sort_by(|a, b| b.1.0.total_cmp(&a.1.0));
    println!("  per operator (shipped plan, timed one node at a time):");
    for (name, (ms, nodes)) in rows.iter().take(12) {
        println!(
            "    {name:<20} {:7.3} ms  ({} nodes)",
            ms / runs as f64,
            nodes / runs
        );
    }
    Ok(())
}
