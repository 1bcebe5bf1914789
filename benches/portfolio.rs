//! End-to-end benchmark: the reference workload.
//!
//! 100 independent risks, Poisson rates summing to 44 events a year, lognormal magnitudes from 90%
//! intervals, 10^6 simulated years, then the EAL and the six standard quantiles.
//!
//! `cargo bench --bench portfolio` (add `-- --quick` for a short run).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use csfquant::{Model, SimulationOptions};

mod common;
use common::portfolio;

const TRIALS: u64 = 1_000_000;
const QUANTILES: [f64; 6] = [0.5, 0.9, 0.95, 0.99, 0.995, 0.999];

fn run(model: &Model, parallel: bool) -> (f64, Vec<f64>) {
    let options = SimulationOptions::new(2027)
        .trials(TRIALS)
        .parallel(parallel);
    let report = model.simulate(options).expect("simulation runs");
    let d = report.portfolio();
    let qs = QUANTILES
        .iter()
        .map(|&p| d.quantile(p).expect("p in [0, 1]"));
    (d.expected_annual_loss(), qs.collect())
}

/// Peak resident memory of this process in KiB (Linux), if the platform reports it.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Memory target: 10^7 simulated years in at most about 16 bytes a year plus a small constant
/// (200 MiB in all). Measured once, before anything else allocates, from the peak RSS.
fn report_memory(model: &Model) {
    let before = peak_rss_kib();
    let years = 10_000_000;
    let report = model
        .simulate(SimulationOptions::new(3).trials(years))
        .expect("simulation runs");
    black_box(report.portfolio().quantile(0.99).expect("p in [0, 1]"));
    if let (Some(before), Some(after)) = (before, peak_rss_kib()) {
        let grown = (after - before) * 1024;
        println!(
            "memory: 10^7 years raised the peak RSS by {:.1} MiB ({:.1} bytes per simulated year); peak {:.1} MiB",
            grown as f64 / 1048576.0,
            grown as f64 / years as f64,
            after as f64 / 1024.0
        );
    }
}

fn bench(c: &mut Criterion) {
    let model = portfolio();
    report_memory(&model);
    // Check the answer once, outside the timing: the EAL agrees with the analytic value.
    let report = model
        .simulate(SimulationOptions::new(1).trials(200_000))
        .expect("simulation runs");
    let (eal, se) = (
        report.portfolio().expected_annual_loss(),
        report.portfolio().standard_error(),
    );
    assert!(
        (eal - model.expected_annual_loss()).abs() < 6.0 * se,
        "EAL {eal} off"
    );

    let mut group = c.benchmark_group("portfolio_100_risks_1e6_years");
    group.sample_size(10);
    group.bench_function("parallel", |b| {
        b.iter(|| black_box(run(black_box(&model), true)))
    });
    group.bench_function("serial", |b| {
        b.iter(|| black_box(run(black_box(&model), false)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
