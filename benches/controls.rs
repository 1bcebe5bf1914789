//! The control analysis against the inherent-only simulation of the same portfolio.
//!
//! The reference portfolio of `benches/portfolio.rs` (100 risks, 44 events a year) with 12
//! controls over all six CSF functions (see `common/mod.rs`), 10^6 simulated years. The target:
//! the full analysis (inherent, residual, every control's marginal and stand-alone value with
//! their tail changes, the per-function Shapley shares) costs at most 3x the inherent-only run.
//!
//! It also prints the ratio for a small company (five risks, seven controls; see
//! `common::small_company`), a model closer to what one organisation writes.
//!
//! `cargo bench --bench controls` (add `-- --quick` for a short run). The ratio is printed from
//! paired runs (one of each, alternating), which this machine's drifting speed affects far less
//! than criterion's separate groups.

use std::hint::black_box;
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use csfquant::{Finance, Model, SimulationOptions};

mod common;

const TRIALS: u64 = 1_000_000;

fn inherent_only(model: &Model, parallel: bool) -> f64 {
    let options = SimulationOptions::new(2027)
        .trials(TRIALS)
        .parallel(parallel);
    let report = model.simulate(options).expect("simulation runs");
    report.portfolio().quantile(0.99).expect("p in [0, 1]")
}

fn full_analysis(model: &Model, parallel: bool) -> f64 {
    let options = SimulationOptions::new(2027)
        .trials(TRIALS)
        .parallel(parallel);
    let finance = Finance::new(3, 0.08).expect("valid finance");
    let analysis = model.analyze(options, finance).expect("analysis runs");
    analysis.residual().quantile(0.99).expect("p in [0, 1]")
}

/// Median over `rounds` alternating pairs of the analysis time over the inherent-only time.
fn paired_ratio(model: &Model, parallel: bool, rounds: usize) -> (f64, f64, f64) {
    let mut ratios = Vec::new();
    let (mut inherent, mut analysis) = (f64::INFINITY, f64::INFINITY);
    for _ in 0..rounds {
        let t = Instant::now();
        black_box(inherent_only(model, parallel));
        let a = t.elapsed().as_secs_f64();
        let t = Instant::now();
        black_box(full_analysis(model, parallel));
        let b = t.elapsed().as_secs_f64();
        ratios.push(b / a);
        inherent = inherent.min(a);
        analysis = analysis.min(b);
    }
    ratios.sort_by(f64::total_cmp);
    (ratios[ratios.len() / 2], inherent, analysis)
}

fn bench(c: &mut Criterion) {
    let model = common::portfolio_with_controls();
    let small = common::small_company();
    for (name, model) in [
        ("100 risks, 12 controls", &model),
        ("small company", &small),
    ] {
        for parallel in [true, false] {
            let (median, inherent, analysis) = paired_ratio(model, parallel, 5);
            println!(
                "{name}, {}: analysis / inherent-only, median of 5 paired runs: {median:.2}x (fastest {analysis:.3} s vs {inherent:.3} s)",
                if parallel { "2 threads" } else { "serial" }
            );
        }
    }
    let mut group = c.benchmark_group("controls_100_risks_12_controls_1e6_years");
    group.sample_size(10);
    group.bench_function("inherent_only", |b| {
        b.iter(|| black_box(inherent_only(black_box(&model), true)))
    });
    group.bench_function("full_analysis", |b| {
        b.iter(|| black_box(full_analysis(black_box(&model), true)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
