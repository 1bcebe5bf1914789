//! Per-draw cost of each frequency and magnitude sampler.
//!
//! `cargo bench --bench samplers`. Each iteration draws 1,000 values, so the reported time divided
//! by 1,000 is the cost of one draw.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use csfquant::{Frequency, Magnitude};
use rand::SeedableRng;
use rand::distr::Distribution;
use rand::rngs::Xoshiro256PlusPlus;

const DRAWS: u64 = 1_000;

fn magnitudes() -> Vec<(&'static str, Magnitude)> {
    vec![
        (
            "lognormal",
            Magnitude::lognormal_ci90(1e4, 1e6).expect("valid"),
        ),
        (
            "lognormal_capped",
            Magnitude::lognormal_ci90(1e4, 1e6)
                .and_then(|m| m.with_cap(5e6))
                .expect("valid"),
        ),
        ("pert", Magnitude::pert(5e4, 2e5, 1e6).expect("valid")),
        (
            "triangular",
            Magnitude::triangular(5e4, 2e5, 1e6).expect("valid"),
        ),
        ("uniform", Magnitude::uniform(5e4, 1e6).expect("valid")),
        ("gamma", Magnitude::gamma(2.0, 25e3).expect("valid")),
        (
            "pareto_capped",
            Magnitude::pareto_capped(1e4, 0.9, 5e6).expect("valid"),
        ),
        ("fixed", Magnitude::fixed(1e5).expect("valid")),
        (
            "empirical",
            Magnitude::empirical(&[1e3, 5e3, 2e4, 1e5, 7e5]).expect("valid"),
        ),
    ]
}

fn frequencies() -> Vec<(&'static str, Frequency)> {
    vec![
        ("poisson_0.5", Frequency::poisson(0.5).expect("valid")),
        ("poisson_44", Frequency::poisson(44.0).expect("valid")),
        (
            "poisson_ci90",
            Frequency::poisson_ci90(0.5, 3.0).expect("valid"),
        ),
        ("bernoulli", Frequency::bernoulli(0.3).expect("valid")),
        (
            "negative_binomial",
            Frequency::negative_binomial(2.0, 6.0).expect("valid"),
        ),
    ]
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("magnitude");
    group.throughput(Throughput::Elements(DRAWS));
    for (name, m) in magnitudes() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
        group.bench_function(name, |b| {
            b.iter(|| (0..DRAWS).map(|_| m.sample(&mut rng)).sum::<f64>())
        });
    }
    group.finish();

    let mut group = c.benchmark_group("frequency");
    group.throughput(Throughput::Elements(DRAWS));
    for (name, f) in frequencies() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
        group.bench_function(name, |b| {
            b.iter(|| (0..DRAWS).map(|_| f.sample(&mut rng)).sum::<u64>())
        });
    }
    group.finish();
    black_box(());
}

criterion_group!(benches, bench);
criterion_main!(benches);
