//! Properties that hold for every model and seed (proptest).

use csfquant::{
    Control, Efficacy, Finance, Frequency, Function, Magnitude, Model, Risk, SimulationOptions,
    Transfer,
};
use proptest::prelude::*;

fn frequency() -> impl Strategy<Value = Frequency> {
    prop_oneof![
        (0.0..5.0f64).prop_map(|r| Frequency::poisson(r).unwrap()),
        (0.0..=1.0f64).prop_map(|p| Frequency::bernoulli(p).unwrap()),
        (0.1..3.0f64, 1.1..4.0f64)
            .prop_map(|(m, k)| Frequency::negative_binomial(m, m * k).unwrap()),
        (0.05..1.0f64, 1.5..10.0f64)
            .prop_map(|(lo, k)| Frequency::poisson_ci90(lo, lo * k).unwrap()),
    ]
}

fn magnitude() -> impl Strategy<Value = Magnitude> {
    prop_oneof![
        (1e2..1e5f64, 2.0..100.0f64)
            .prop_map(|(lo, k)| Magnitude::lognormal_ci90(lo, lo * k).unwrap()),
        (0.0..1e4f64, 0.0..1.0f64, 1.0..100.0f64).prop_map(|(a, m, k)| Magnitude::pert(
            a,
            a + m * a * k,
            a + a * k + 1.0
        )
        .unwrap()),
        (0.5..5.0f64, 1e2..1e5f64).prop_map(|(k, s)| Magnitude::gamma(k, s).unwrap()),
        (1e3..1e5f64, 0.5..3.0f64, 10.0..1e3f64).prop_map(|(s, a, c)| Magnitude::pareto_capped(
            s,
            a,
            s * c
        )
        .unwrap()),
        (0.0..1e6f64).prop_map(|v| Magnitude::fixed(v).unwrap()),
    ]
}

fn model() -> impl Strategy<Value = Model> {
    prop::collection::vec((frequency(), magnitude()), 1..4).prop_map(|pairs| {
        let risks = pairs
            .into_iter()
            .enumerate()
            .map(|(i, (f, m))| Risk::new(format!("r{i}"), f, m).unwrap())
            .collect();
        Model::new(risks).unwrap()
    })
}

fn efficacy() -> impl Strategy<Value = Efficacy> {
    prop_oneof![
        (0.0..=1.0f64).prop_map(|v| Efficacy::fixed(v).unwrap()),
        (0.0..0.5f64, 0.0..1.0f64, 0.5..=1.0f64).prop_map(|(a, m, b)| Efficacy::pert(
            a,
            a + m * (b - a),
            b
        )
        .unwrap()),
    ]
}

fn transfer() -> impl Strategy<Value = Transfer> {
    (
        0.0..1e5f64,
        1e3..1e6f64,
        prop::option::of(1e3..2e6f64),
        0.0..=1.0f64,
    )
        .prop_map(|(deductible, limit, aggregate, coinsurance)| {
            let t = Transfer::new(deductible, limit)
                .unwrap()
                .with_coinsurance(coinsurance)
                .unwrap();
            match aggregate {
                Some(a) => t.with_aggregate_limit(a).unwrap(),
                None => t,
            }
        })
}

/// A control of a random function with one or two effects, on every risk or on the first.
fn control(i: usize) -> impl Strategy<Value = Control> {
    (
        0..6usize,
        prop::option::of(efficacy()),
        prop::option::of(efficacy()),
        prop::option::of(transfer()),
        any::<bool>(),
    )
        .prop_map(move |(f, freq, mag, terms, all)| {
            let mut c = Control::new(format!("c{i}"), Function::ALL[f]).unwrap();
            if !all {
                c = c.applies_to(["r0"]);
            }
            if let Some(e) = freq {
                c = c.with_frequency_efficacy(e).unwrap();
            }
            if let Some(e) = mag {
                c = c.with_magnitude_efficacy(e).unwrap();
            }
            if let Some(t) = terms {
                c = c.with_transfer(t).unwrap();
            }
            if !c.has_effect() {
                c = c
                    .with_magnitude_efficacy(Efficacy::fixed(0.1).unwrap())
                    .unwrap();
            }
            c
        })
}

fn controlled_model() -> impl Strategy<Value = Model> {
    (
        model(),
        (0..5usize).prop_flat_map(|n| (0..n).map(control).collect::<Vec<_>>()),
    )
        .prop_map(|(model, controls)| model.with_controls(controls).unwrap())
}

/// (1 / (1 - p)) ∫_p^1 VaR_u du by brute force: the empirical quantile function is x_(j) on
/// ((j - 1) / n, j / n], so each sorted loss weighs the length of that interval above p.
fn tail_integral(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len() as f64;
    let mut integral = 0.0;
    for (i, &x) in sorted.iter().enumerate() {
        let (lo, hi) = (i as f64 / n, (i + 1) as f64 / n);
        integral += x * (hi - lo.max(p)).max(0.0);
    }
    integral / (1.0 - p)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn loss_statistics_are_coherent(model in model(), seed in any::<u64>(), trials in 1u64..3000) {
        let report = model.simulate(SimulationOptions::new(seed).trials(trials)).unwrap();
        let d = report.portfolio();
        prop_assert!(d.expected_annual_loss() >= 0.0);
        prop_assert!(d.standard_error() >= 0.0);

        let curve = d.exceedance_curve(30).unwrap();
        for w in curve.windows(2) {
            prop_assert!(w[0].loss < w[1].loss);
            prop_assert!(w[0].probability >= w[1].probability);
        }

        let ps = [0.0, 0.1, 0.5, 0.9, 0.95, 0.99, 0.995, 0.999, 1.0];
        let mut last = f64::NEG_INFINITY;
        for p in ps {
            let q = d.quantile_with_interval(p).unwrap();
            prop_assert!(q.loss >= last);
            last = q.loss;
            prop_assert!(q.ci95[0] <= q.loss && q.loss <= q.ci95[1]);
            let tvar = d.tail_mean(p).unwrap();
            prop_assert!(tvar >= q.loss, "TVaR({}) = {} < VaR = {}", p, tvar, q.loss);
            if p < 1.0 {
                let exact = tail_integral(d.losses(), p);
                prop_assert!(
                    (tvar - exact).abs() <= 1e-9 * d.max(),
                    "TVaR({}) = {} but the integral of VaR_u over (p, 1] gives {}", p, tvar, exact
                );
            }
            // The quantile rule: P(L > VaR_p) <= 1 - p and P(L >= VaR_p) >= 1 - p.
            let n = d.trials() as f64;
            let exceed = d.exceedance_probability(q.loss).unwrap();
            prop_assert!(exceed <= 1.0 - p + 1e-12);
            let at_or_above = d.losses().iter().filter(|&&x| x >= q.loss).count() as f64 / n;
            prop_assert!(at_or_above >= 1.0 - p - 1e-12);
        }
        let risk_sum: f64 = report.risks().iter().map(|r| r.expected_annual_loss).sum();
        prop_assert!((risk_sum - d.expected_annual_loss()).abs() <= 1e-9 * risk_sum.max(1.0));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// A control never makes any simulated year worse: without one control, every year's
    /// residual loss is at least the loss with all of them (both runs share the events, so the
    /// sorted years compare one to one), and every residual year lies between 0 and the
    /// inherent year. The shares add up to the total reduction.
    #[test]
    fn controls_only_ever_lower_a_year(model in controlled_model(), seed in any::<u64>(), trials in 1u64..2000) {
        let options = SimulationOptions::new(seed).trials(trials);
        let all = model.analyze(options, Finance::default()).unwrap();
        let (inherent, residual) = (all.inherent().losses(), all.residual().losses());
        for (r, i) in residual.iter().zip(inherent) {
            prop_assert!(*r >= 0.0 && *r <= *i * (1.0 + 1e-12), "{} vs inherent {}", r, i);
        }
        for c in model.controls() {
            let rest = model.controls().iter().filter(|k| k.id() != c.id()).cloned().collect();
            let without = Model::new(model.risks().to_vec()).unwrap().with_controls(rest).unwrap();
            let w = without.analyze(options, Finance::default()).unwrap();
            for (with, without) in residual.iter().zip(w.residual().losses()) {
                prop_assert!(*with <= *without * (1.0 + 1e-12) + 1e-9, "{}: {} > {}", c.id(), with, without);
            }
            let v = all.control(c.id()).unwrap();
            prop_assert!(v.eal_reduction >= -1e-9 * all.inherent().expected_annual_loss().max(1.0));
        }
        let shares: f64 = all.functions().iter().map(|f| f.eal_reduction).sum();
        let total = all.total_reduction();
        prop_assert!((shares - total).abs() <= 1e-9 * all.inherent().expected_annual_loss().max(1.0));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The risks are simulated into the same years as the portfolio, so their expected annual
    /// losses add up to the portfolio's: exactly in real numbers, to the rounding of two
    /// different summation orders here (1e-9 relative is generous for a few thousand years).
    /// No expected loss is ever negative.
    #[test]
    fn risk_eals_add_up_to_the_portfolio_eal(model in model(), seed in any::<u64>(), trials in 1u64..3000) {
        let report = model.simulate(SimulationOptions::new(seed).trials(trials)).unwrap();
        let total: f64 = report.risks().iter().map(|r| r.expected_annual_loss).sum();
        let eal = report.portfolio().expected_annual_loss();
        prop_assert!((total - eal).abs() <= 1e-9 * eal.max(1.0), "{total} vs {eal}");
        for r in report.risks() {
            prop_assert!(r.expected_annual_loss >= 0.0, "{}: {}", r.id, r.expected_annual_loss);
        }
    }
}

/// Astronomically heavy tails (a lognormal from a 90% interval spanning 37 or 15 orders of
/// magnitude) put the analytic mean far above every simulated year; the risk's figure must
/// still be the simulated mean, as the portfolio's is (issue 14: it came out as -1.3e119 and
/// as 7.9e16 against a portfolio EAL of 1.06e16).
#[test]
fn a_risk_with_an_astronomical_analytic_mean_is_summed_as_simulated() {
    for (low, high) in [(1e-30, 1e7), (1.0, 1e15)] {
        for frequency in [
            Frequency::negative_binomial(2.0, 6.0).unwrap(),
            Frequency::bernoulli(0.5).unwrap(),
        ] {
            let model = Model::new(vec![
                Risk::new(
                    "r",
                    frequency,
                    Magnitude::lognormal_ci90(low, high).unwrap(),
                )
                .unwrap(),
            ])
            .unwrap();
            let report = model
                .simulate(SimulationOptions::new(1).trials(20_000))
                .unwrap();
            let eal = report.portfolio().expected_annual_loss();
            let risk = &report.risks()[0];
            assert!(
                (risk.expected_annual_loss - eal).abs() <= 1e-9 * eal,
                "ci90 [{low}, {high}]: risk {} vs portfolio {eal}",
                risk.expected_annual_loss
            );
            assert!(risk.standard_error > 0.0);
        }
    }
}
