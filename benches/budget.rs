//! The exact EAL frontier: 20 and 30 candidates over 100 risks (targets: under 50 ms and 10 s
//! on the project's 2-core machine); the tail-objective frontier, 12 candidates x 100 risks x
//! 10^5 years (target: under 10 s on 2 cores, exact), as the budget report builds it with
//! `objective = "var99"`, next to the same report with the `eal` objective (the difference is
//! the tail search: its two passes over the years and the evaluation of the 4,096 sets).
//!
//! ```sh
//! cargo bench --bench budget -- --warm-up-time 1 --measurement-time 5
//! cargo bench --bench budget -- tail --warm-up-time 1 --measurement-time 20
//! ```

use criterion::{Criterion, criterion_group, criterion_main};
use csfquant::budget::{self, Budget, BudgetReport, ClosedForm, Objective};
use csfquant::{
    Control, Cost, Efficacy, Finance, Frequency, Function, Magnitude, Model, Risk,
    SimulationOptions, Status,
};

/// A fixed pseudo-random instance: 100 risks, `n` candidates each on 10 to 40 risks, with
/// uncertain efficacies and costs from 10k to 200k (SplitMix64 draws, so the instance never
/// changes).
fn instance(n: usize) -> Model {
    let mut state = 0x1234_5678_9ABC_DEF0_u64;
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    };
    let risks: Vec<Risk> = (0..100)
        .map(|i| {
            Risk::new(
                format!("r{i}"),
                Frequency::poisson(0.05 + 2.0 * next()).unwrap(),
                Magnitude::lognormal_ci90(1e4, 1e5 + 5e6 * next()).unwrap(),
            )
            .unwrap()
        })
        .collect();
    let controls: Vec<Control> = (0..n)
        .map(|j| {
            let k = 10 + (30.0 * next()) as usize;
            let on: Vec<String> = (0..k)
                .map(|_| format!("r{}", (100.0 * next()) as usize))
                .collect();
            let min = 0.05 + 0.3 * next();
            Control::new(format!("c{j}"), Function::Protect)
                .unwrap()
                .with_status(Status::Candidate)
                .with_cost(Cost::new(2e4 * next(), 1e4 + 1.9e5 * next()).unwrap())
                .applies_to(on)
                .with_frequency_efficacy(Efficacy::pert(min, min + 0.1, min + 0.3).unwrap())
                .unwrap()
        })
        .collect();
    Model::new(risks).unwrap().with_controls(controls).unwrap()
}

fn frontier(c: &mut Criterion) {
    let finance = Finance::new(3, 0.08).unwrap();
    for n in [20, 30] {
        let model = instance(n);
        let form = ClosedForm::new(&model, model.candidates(), &finance);
        let points = budget::frontier(&form, None).unwrap().sets.len();
        eprintln!("{n} candidates x 100 risks: {points} frontier points");
        let mut group = c.benchmark_group("exact_frontier");
        if n == 30 {
            group.sample_size(10);
        }
        group.bench_function(format!("{n}x100"), |b| {
            b.iter(|| budget::frontier(&form, None).unwrap())
        });
        group.finish();
    }
}

fn tail_frontier(c: &mut Criterion) {
    let finance = Finance::new(3, 0.08).unwrap();
    let model = instance(12);
    let options = SimulationOptions::new(2027).trials(100_000);
    let report = |objective| {
        BudgetReport::new(
            "bench",
            "USD",
            &model,
            &Budget::new().with_objective(objective),
            options,
            finance,
        )
        .unwrap()
    };
    let r = report(Objective::Var99);
    eprintln!(
        "tail frontier, 12 candidates x 100 risks x 10^5 years: {} points, search {}",
        r.frontier.len(),
        r.search
    );
    assert_eq!(r.search, "exact");
    let mut group = c.benchmark_group("tail_frontier");
    group.sample_size(10);
    group.bench_function("12x100x1e5_var99", |b| b.iter(|| report(Objective::Var99)));
    group.bench_function("12x100x1e5_eal_same_report", |b| {
        b.iter(|| report(Objective::Eal))
    });
    group.finish();
}

criterion_group!(benches, frontier, tail_frontier);
criterion_main!(benches);
