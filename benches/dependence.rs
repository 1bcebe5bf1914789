//! Dependence between risks: the inherent simulation of the 100-risk reference portfolio at
//! 10^6 years with two shocks and one frailty, against the same portfolio independent (issue
//! 12's target: within 1.3x).
//!
//! Tail contributions (each risk's share of VaR and TVaR 99%, the stand-alone VaRs) are part of
//! every run since they came in, so there is no run "without" them to time here: their cost is
//! measured against the commit before them (see the notes of the dependence work and the
//! README's performance section).
//!
//! `cargo bench --bench dependence` (add `-- --quick` for a short run).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use csfquant::{Frailty, Frequency, Model, Shock, SimulationOptions};

mod common;
use common::portfolio;

const TRIALS: u64 = 1_000_000;

/// The reference portfolio with a shock on 10 risks (rate 0.2, each hit with probability 0.5),
/// a shock on 30 risks (rate 1, probability 0.1) and a frailty of variance 0.5 on 20 risks.
fn dependent() -> Model {
    let id = |i: usize| format!("risk-{i:03}");
    let mut cloud = Shock::new("cloud", Frequency::poisson(0.2).expect("rate")).expect("id");
    for i in 0..10 {
        cloud = cloud.hits(id(i), 0.5).expect("hit");
    }
    let mut exploit = Shock::new("exploit", Frequency::poisson(1.0).expect("rate")).expect("id");
    for i in (10..100).step_by(3) {
        exploit = exploit.hits(id(i), 0.1).expect("hit");
    }
    let frailty = Frailty::new("bad_year", 0.5)
        .expect("variance")
        .on_risks((60..80).map(id))
        .expect("risks");
    portfolio()
        .with_shocks(vec![cloud, exploit])
        .expect("known risks")
        .with_frailty(vec![frailty])
        .expect("scalable risks")
}

fn run(model: &Model) -> f64 {
    let report = model
        .simulate(SimulationOptions::new(2027).trials(TRIALS))
        .expect("simulation runs");
    report.portfolio().quantile(0.99).expect("p in [0, 1]")
}

fn bench(c: &mut Criterion) {
    let independent = portfolio();
    let dependent = dependent();
    let mut group = c.benchmark_group("dependence");
    group.sample_size(10);
    group.bench_function("independent_1e6", |b| {
        b.iter(|| black_box(run(&independent)))
    });
    group.bench_function("two_shocks_one_frailty_1e6", |b| {
        b.iter(|| black_box(run(&dependent)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
