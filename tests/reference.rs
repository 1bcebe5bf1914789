//! The engine against exact compound-loss statistics.
//!
//! `tests/data/compound_cases.json` is a copy of `shared/reference/compound_cases.json`: exact
//! statistics computed by FFT of the compound generating function with Richardson extrapolation
//! (relative error <= 1.3e-7), cross-checked against the `aggregate` package and a 10^7-trial
//! Monte Carlo. A correct engine's estimates fall inside their own sampling error around them.

use std::sync::OnceLock;

use serde_json::Value;

use crate::common::{one_risk, simulate, tail_mean_se};
use csfquant::{Frequency, LossDistribution, Magnitude, Model};

const TRIALS: u64 = 1_000_000;
const CASES: &str = include_str!("data/compound_cases.json");

fn model_of(case: &Value) -> Model {
    let input = &case["inputs"][0];
    let (f, s) = (&input["frequency"], &input["severity"]);
    let num = |v: &Value, k: &str| v[k].as_f64().unwrap();
    let frequency = match f["family"].as_str().unwrap() {
        "poisson" => Frequency::poisson(num(f, "lam")).unwrap(),
        "negative_binomial" => {
            Frequency::negative_binomial(num(f, "mean"), num(f, "variance")).unwrap()
        }
        other => panic!("unknown frequency family {other}"),
    };
    let magnitude = match s["family"].as_str().unwrap() {
        "lognormal" => {
            let m = Magnitude::lognormal_ci90(num(s, "ci_low"), num(s, "ci_high")).unwrap();
            // Our 90% interval conversion reproduces the reference's mu and sigma exactly.
            let direct = Magnitude::lognormal(num(s, "mu"), num(s, "sigma")).unwrap();
            assert!((m.mean() / direct.mean() - 1.0).abs() < 1e-14);
            m
        }
        "gamma" => Magnitude::gamma(num(s, "shape"), num(s, "scale")).unwrap(),
        other => panic!("unknown severity family {other}"),
    };
    one_risk(frequency, magnitude)
}

fn cases() -> Vec<Value> {
    let all: Value = serde_json::from_str(CASES).unwrap();
    all["cases"].as_array().unwrap().clone()
}

fn stat_map(case: &Value, key: &str) -> Vec<(f64, f64)> {
    case["statistics"][key]
        .as_object()
        .unwrap()
        .iter()
        .filter_map(|(k, v)| Some((k.parse::<f64>().unwrap(), v.as_f64()?)))
        .collect()
}

/// One 10^6-trial run per case, shared by the tests below (seed fixed in advance: 2027).
fn runs() -> &'static [(Value, LossDistribution)] {
    static RUNS: OnceLock<Vec<(Value, LossDistribution)>> = OnceLock::new();
    RUNS.get_or_init(|| {
        cases()
            .into_iter()
            .map(|case| {
                let d = simulate(&model_of(&case), 2027, TRIALS).portfolio().clone();
                (case, d)
            })
            .collect()
    })
}

#[test]
fn analytic_means_match_the_reference_exactly() {
    for case in cases() {
        let model = model_of(&case);
        let mean = case["statistics"]["mean"].as_f64().unwrap();
        let var = case["statistics"]["variance"].as_f64().unwrap();
        assert!(
            (model.expected_annual_loss() / mean - 1.0).abs() < 1e-12,
            "{}",
            case["id"]
        );
        assert!(
            (model.annual_loss_variance() / var - 1.0).abs() < 1e-12,
            "{}",
            case["id"]
        );
    }
}

#[test]
fn eal_within_three_standard_errors() {
    for (case, d) in runs() {
        let mean = case["statistics"]["mean"].as_f64().unwrap();
        let err = (d.expected_annual_loss() - mean).abs();
        assert!(
            err < 3.0 * d.standard_error(),
            "{}: EAL off by {err}",
            case["id"]
        );
    }
}

#[test]
fn probability_of_loss_and_exceedance_within_binomial_error() {
    for (case, d) in runs() {
        let mut points = stat_map(case, "exceedance_prob");
        points.push((0.0, case["statistics"]["P_loss_gt_0"].as_f64().unwrap()));
        for (x, p) in points {
            let got = d.exceedance_probability(x).unwrap();
            // 4 binomial SEs, plus 3 counts for the discreteness of rare events (for p ~ 1e-6
            // the count is Poisson with mean ~1 and the normal approximation is too tight).
            let tol = 4.0 * (p * (1.0 - p) / TRIALS as f64).sqrt() + 3.0 / TRIALS as f64;
            assert!(
                (got - p).abs() < tol,
                "{} P(L > {x}) = {got}, exact {p}",
                case["id"]
            );
        }
    }
}

#[test]
fn reference_quantiles_lie_in_the_engines_confidence_intervals() {
    // 15 quantiles (5 levels x 3 cases). Each 95% interval covers its true value with probability
    // >= 95%, so a correct engine misses about 0.75 of them on average and 4 or more with
    // probability about 0.5% (binomial, treating the checks as independent). A biased engine
    // misses many at once. Each true value must also lie inside its 99.9% interval (the
    // Bonferroni level for 15 checks at a familywise 1.5%).
    let mut misses = Vec::new();
    for (case, d) in runs() {
        for (p, exact) in stat_map(case, "VaR") {
            let q = d.quantile_with_interval(p).unwrap();
            if !(q.ci95[0] <= exact && exact <= q.ci95[1]) {
                misses.push(format!(
                    "{} VaR {p}: {exact} outside {:?}",
                    case["id"], q.ci95
                ));
            }
            let [lo, hi] = d.quantile_interval(p, 0.999).unwrap();
            assert!(
                lo <= exact && exact <= hi,
                "{} VaR {p}: {exact} outside the 99.9% interval [{lo}, {hi}]",
                case["id"]
            );
        }
    }
    assert!(
        misses.len() <= 3,
        "too many 95% intervals miss: {misses:#?}"
    );
}

#[test]
fn tail_means_within_their_standard_error() {
    for (case, d) in runs() {
        for (p, exact) in stat_map(case, "TVaR") {
            let got = d.tail_mean(p).unwrap();
            // 4 asymptotic SEs of the empirical expected shortfall (see `tail_mean_se`).
            let se = tail_mean_se(d, p);
            assert!(
                (got - exact).abs() < 4.0 * se,
                "{} TVaR {p}: {got} vs {exact} (SE {se})",
                case["id"]
            );
        }
    }
}
