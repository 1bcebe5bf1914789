//! The generated-scenario suite in its short mode (issue 14, item 7): a few thousand generated
//! and mutated scenarios (see `generated_cases.rs` for the generator, the runner and the checks),
//! each ending in a located error or a sensible report; and the regression tests built from the
//! cases it found. The long mode: `cargo run --release --example fuzz -- --cases 100000`.

#[path = "generated_cases.rs"]
mod cases;

use cases::{Class, Outcome, RunLimits, Tally};
use csfquant::Format;

/// Runs cases `from..to` and fails with the first case of each failure class.
fn run(from: u64, to: u64) {
    let sources = cases::seeds();
    let limits = RunLimits::default();
    let mut tally = Tally::default();
    for k in from..to {
        let (name, text, format, outcome) = cases::case(k, &sources, &limits);
        tally.add(&name, &text, format, &outcome);
    }
    assert!(tally.failures.is_empty(), "{}", tally.summary());
    // The generator must reach the engine, not only the parser: most sane cases run.
    assert!(
        tally.ran * 5 >= tally.cases,
        "only {} of {} cases ran:\n{}",
        tally.ran,
        tally.cases,
        tally.summary()
    );
}

// Four tests of 800 cases each, so that the test harness runs them side by side.
#[test]
fn generated_cases_0() {
    run(0, 800);
}

#[test]
fn generated_cases_1() {
    run(800, 1600);
}

#[test]
fn generated_cases_2() {
    run(1600, 2400);
}

#[test]
fn generated_cases_3() {
    run(2400, 3200);
}

/// Every kind of every key is written somewhere in the short mode (a generator that silently
/// stopped writing a key would test nothing of it).
#[test]
fn the_generator_writes_every_key() {
    let mut seen = std::collections::BTreeSet::new();
    fn keys(node: &cases::Node, seen: &mut std::collections::BTreeSet<String>) {
        match node {
            cases::Node::Table(entries) => {
                for (k, v) in entries {
                    seen.insert(k.clone());
                    keys(v, seen);
                }
            }
            cases::Node::Arr(items) => items.iter().for_each(|v| keys(v, seen)),
            _ => {}
        }
    }
    for k in (0..3200).step_by(2) {
        keys(&cases::generate(k).doc, &mut seen);
    }
    let format_keys = [
        "name",
        "currency",
        "simulation",
        "trials",
        "seed",
        "finance",
        "horizon_years",
        "discount_rate",
        "thresholds",
        "tolerance",
        "loss",
        "probability",
        "risks",
        "id",
        "csf",
        "frequency",
        "poisson",
        "rate",
        "ci90",
        "mu",
        "sigma",
        "bernoulli",
        "negative_binomial",
        "mean",
        "variance",
        "fixed",
        "count",
        "magnitude",
        "lognormal",
        "cap",
        "pert",
        "min",
        "mode",
        "max",
        "lambda",
        "triangular",
        "uniform",
        "gamma",
        "shape",
        "scale",
        "pareto",
        "value",
        "empirical",
        "losses",
        "fair",
        "threat_event_frequency",
        "vulnerability",
        "susceptibility",
        "primary_loss",
        "secondary",
        "controls",
        "function",
        "category",
        "cost",
        "upfront",
        "annual",
        "applies_to",
        "efficacy",
        "frequency_efficacy",
        "magnitude_efficacy",
        "transfer",
        "deductible",
        "occurrence_limit",
        "aggregate_limit",
        "coinsurance",
        "attachment",
        "status",
        "coverage",
        "reliability",
        "variance_frequency",
        "variance_duration_days",
        "variant_efficacy",
        "manages",
        "variance_frequency_factor",
        "operated_by",
        "group",
        "budget",
        "objective",
        "plans",
        "phased",
        "budgets",
    ];
    let missing: Vec<&str> = format_keys
        .iter()
        .copied()
        .filter(|k| !seen.contains(*k))
        .collect();
    assert!(missing.is_empty(), "never generated: {missing:?}");
}

/// A failure is reported as one, with its class: the checks can fail.
#[test]
fn the_checks_catch_a_bad_report() {
    let sources = cases::seeds();
    let scenario = csfquant::Scenario::parse(&sources[0].2, Format::Toml, "default.toml").unwrap();
    let options = scenario.options().trials(100);
    let scenario = scenario.with_options(options);
    let report = scenario.assess().unwrap();
    let good: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(cases::check_report(&good, 100), Ok(()));
    let spoilt = |edit: &dyn Fn(&mut serde_json::Value)| {
        let mut v = good.clone();
        edit(&mut v);
        cases::check_report(&v, 100).unwrap_err().0
    };
    assert_eq!(
        spoilt(&|v| v["risks"][0]["inherent_eal"] = (-1.0).into()),
        Class::Negative
    );
    assert_eq!(
        spoilt(&|v| v["inherent"]["std_dev"] = serde_json::Value::Null),
        Class::NonFinite
    );
    assert_eq!(
        spoilt(&|v| v["residual"]["probability_of_loss"] = 1.5.into()),
        Class::Probability
    );
    assert_eq!(
        spoilt(&|v| v["inherent"]["quantiles"][0]["loss"] = 1e300.into()),
        Class::Order
    );
    assert_eq!(
        spoilt(&|v| v["risks"][1]["inherent_eal"] = 1e9.into()),
        Class::Sum
    );
    // And an error that is not located is a failure too.
    let outcome = cases::run_case(
        "name = \"x\"\nrisks = []\n",
        Format::Toml,
        &RunLimits::default(),
    );
    assert!(!matches!(outcome, Outcome::Failure { .. }), "{outcome:?}");
}

// ---------------------------------------------------------------------------------------------
// Regression tests from the cases the suite found.

/// A lognormal loss from a 90% interval of two neighbouring floats has `σ = 0` (ln 3 = ln 3⁺):
/// it is the point mass e^μ. Capped at that value its mean was NaN (0 / 0 in the capped
/// formulas), and every figure built on it with it.
#[test]
fn a_lognormal_with_no_spread_is_a_point_mass_also_under_a_cap() {
    use csfquant::{Frequency, Magnitude};
    let flat = Magnitude::lognormal_ci90(3.0, 3f64.next_up()).unwrap();
    let median = flat.mean();
    assert!(median == 3.0 || median == 3f64.next_up(), "{median}");
    assert_eq!(flat.variance(), 0.0);
    for cap in [median, 10.0, 2.0] {
        let capped = flat.clone().with_cap(cap).unwrap();
        let value = median.min(cap);
        assert_eq!(capped.mean(), value, "cap {cap}");
        assert_eq!(capped.variance(), 0.0, "cap {cap}");
        assert_eq!(capped.cdf(value.next_down()), 0.0);
        assert_eq!(capped.cdf(value), 1.0);
        // With a secondary loss: the primary is an atom in the convolution.
        let composite = Magnitude::fixed(1.0)
            .unwrap()
            .with_secondary(0.25, capped.clone())
            .unwrap();
        assert!(
            (composite.mean() - (1.0 + 0.25 * value)).abs() < 1e-12,
            "{composite:?}"
        );
        assert!((composite.cdf(1.0) - 0.75).abs() < 1e-12);
        assert!((composite.cdf(1.0 + value + 1e-9) - 1.0).abs() < 1e-12);
        let primary = capped
            .with_secondary(0.5, Magnitude::fixed(2.0).unwrap())
            .unwrap();
        assert!((primary.mean() - (value + 1.0)).abs() < 1e-12);
        assert!(
            (primary.cdf(value) - 0.5).abs() < 1e-12,
            "{}",
            primary.cdf(value)
        );
    }
    // The same rule for an uncertain rate: σ = 0 is the known rate e^μ.
    let rate = Frequency::poisson_ci90(3.0, 3f64.next_up()).unwrap();
    assert!((rate.mean() - 3.0).abs() < 1e-15);
    assert!((rate.variance() - 3.0).abs() < 1e-12);
    assert!((rate.probability_of_event() - (1.0 - (-3.0f64).exp())).abs() < 1e-9);
}

/// The same loss in a scenario file runs to a report with finite figures.
#[test]
fn a_capped_lognormal_with_no_spread_runs_to_a_sensible_report() {
    let text = "name = \"flat\"\n[simulation]\ntrials = 50\n[[risks]]\nid = \"r\"\n\
                frequency = { poisson = { rate = 2.0 } }\n\
                magnitude = { lognormal = { ci90 = [3.0, 3.0000000000000004], cap = 3.0 } }\n";
    let outcome = cases::run_case(text, Format::Toml, &RunLimits::default());
    assert!(matches!(outcome, Outcome::Ran), "{outcome:?}");
}

/// Runs `text` (TOML) on a thread of its own and returns its outcome, or fails the test after
/// `secs` seconds: a regression of a hang must fail, not hang the suite.
fn outcome_within(text: &'static str, secs: u64) -> Outcome {
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = send.send(cases::run_case(text, Format::Toml, &RunLimits::default()));
    });
    receive
        .recv_timeout(std::time::Duration::from_secs(secs))
        .unwrap_or_else(|_| panic!("still running after {secs} s"))
}

/// Case 58730: a Pareto loss of scale 5e-324 (the smallest subnormal) made every annual loss
/// subnormal, and the short loss exceedance table's grid started at the power of ten below the
/// smallest loss, 10^-324, which underflows to 0: multiplied by 10 it stayed 0, and building the
/// report never ended. The grid now starts at the first power of ten f64 holds and takes at most
/// one step per power of ten.
#[test]
fn a_subnormal_pareto_scale_ends_in_a_report() {
    const TEXT: &str = "name = \"subnormal\"\n[simulation]\ntrials = 83\nseed = 441\n\
                        [[risks]]\nid = \"r0\"\nfrequency = { fixed = { count = 4 } }\n\
                        magnitude = { pareto = { scale = 5e-324, shape = 4.758986754342379 } }\n";
    // Bound: the case runs in milliseconds; 60 s leaves room for a loaded machine.
    let outcome = outcome_within(TEXT, 60);
    assert!(matches!(outcome, Outcome::Ran), "{outcome:?}");
    let report = csfquant::Scenario::parse(TEXT, Format::Toml, "case.toml")
        .unwrap()
        .assess()
        .unwrap();
    let grid = &report.inherent().lec_grid;
    assert!(!grid.is_empty(), "the table has its rows");
    assert!(
        grid.iter().all(|p| p.loss > 0.0) && grid.windows(2).all(|w| w[0].loss < w[1].loss),
        "{grid:?}"
    );
}

/// Case 52710: a residual whose simulated losses all lay within a few ulp of 921.408 (an
/// insurance deductible) drew a loss exceedance curve whose second loss was below its first:
/// exp(ln lo + step) rounds below lo when the step is a fraction of an ulp. The points of every
/// curve are now non-decreasing and within the simulated losses.
#[test]
fn a_curve_over_losses_a_few_ulp_apart_never_decreases() {
    use csfquant::LossDistribution;
    let mut checked = 0;
    for lo in [921.4081080061438f64, 921.4081080061442, 1.0, 3e-300, 7.5e12] {
        for ulps in 1..=8 {
            let mut hi = lo;
            for _ in 0..ulps {
                hi = hi.next_up();
            }
            let d = LossDistribution::from_losses(vec![0.0, lo, hi, hi]).unwrap();
            for points in [2, 3, 100, 10_000] {
                let curve = d.exceedance_curve(points).unwrap();
                assert_eq!((curve[0].loss, curve[curve.len() - 1].loss), (lo, hi));
                assert!(
                    curve.windows(2).all(|w| w[0].loss <= w[1].loss),
                    "lo {lo:e}, {ulps} ulp, {points} points: {:?}",
                    curve.iter().map(|p| p.loss).collect::<Vec<_>>()
                );
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 5 * 8 * 4);
    // The case itself, cut down to what it needs: a deductible of 921.408... on a loss that is
    // always larger leaves every residual loss at the deductible, give or take rounding.
    const TEXT: &str = "name = \"ulps\"\n[simulation]\ntrials = 111\n\
                        [[risks]]\nid = \"r0\"\nfrequency = { poisson = { rate = 0.0636 } }\n\
                        magnitude = { pert = { min = 38.8, mode = 248.0, max = 1944457.5 } }\n\
                        [[controls]]\nid = \"c3\"\nfunction = \"govern\"\ntransfer = { deductible = 5630618.7, \
                        occurrence_limit = 2196.6, aggregate_limit = 110.2, coinsurance = 0.33 }\n\
                        [[controls]]\nid = \"c5\"\nfunction = \"identify\"\n\
                        transfer = { deductible = 921.4081080061487, occurrence_limit = 70564637.1 }\n";
    let outcome = cases::run_case(TEXT, Format::Toml, &RunLimits::default());
    assert!(matches!(outcome, Outcome::Ran), "{outcome:?}");
}

/// Case 6992: a control whose variant efficacy (1.0, while it lapses) is above its efficacy
/// removes more loss when out of its intended state, and with little loss left the party's
/// `eal_if_lapsed`, the residual EAL plus the streamed mean difference, came out at -5.1e-11.
/// An expected annual loss is never negative.
#[test]
fn a_party_whose_lapses_help_has_no_negative_eal_if_lapsed() {
    const TEXT: &str = r#"{"name": "lapsed", "simulation": {"trials": 179, "seed": 5645432738}, "finance": {"horizon_years": 100, "discount_rate": 0.25}, "risks": [{"id": "r0", "frequency": {"negative_binomial": {"mean": 1.5844337672177498, "variance": 28.795873467450317}}, "magnitude": {"lognormal": {"mu": 9.123847794052075, "sigma": 2.1675171029867166}}}, {"id": "r1", "fair": {"threat_event_frequency": {"bernoulli": {"probability": 0.6374314599513663}}, "susceptibility": 0.20966822898074644, "primary_loss": {"pareto": {"scale": 113.5958491336271, "shape": 2.025951380205722}}, "secondary": {"probability": 0.543169830464732, "loss": {"gamma": {"shape": 4.5137274137298276, "scale": 456.7424591359113}}}}}], "controls": [{"id": "c0", "function": "govern", "applies_to": ["r0", "r1"], "magnitude_efficacy": {"triangular": {"min": 0.05872003796801506, "mode": 0.08755316403036251, "max": 0.6778785581548146}}, "reliability": {"variance_frequency": 1.0466520701439894, "variance_duration_days": 2.8235022277563764}, "variant_efficacy": 1.0, "operated_by": "it:ops", "group": "endpoint"}, {"id": "c1", "function": "identify", "transfer": {"deductible": 580.6585995113023, "occurrence_limit": 195369.2248622215}, "group": "identity"}]}"#;
    let outcome = cases::run_case(TEXT, Format::Json, &RunLimits::default());
    assert!(matches!(outcome, Outcome::Ran), "{outcome:?}");
    let report = csfquant::Scenario::parse(TEXT, Format::Json, "case.json")
        .unwrap()
        .assess()
        .unwrap();
    assert!(!report.parties().is_empty());
    for p in report.parties() {
        assert!(p.eal_if_lapsed >= 0.0, "{p:?}");
    }
}

/// A scenario with a `budget` section and no candidate controls (found by the generator once it
/// wrote `budget`): the budget search has nothing to choose from, and said so without saying
/// where. The error now names `controls`.
#[test]
fn a_budget_without_candidates_is_refused_at_the_controls() {
    let text = "name = \"x\"\n[simulation]\ntrials = 50\n[budget]\nobjective = \"eal\"\n\
                annual = [1000.0]\n[[risks]]\nid = \"r\"\nfrequency = { poisson = { rate = 1.0 } }\n\
                magnitude = { fixed = { value = 10.0 } }\n[[controls]]\nid = \"c\"\n\
                function = \"protect\"\nefficacy = 0.5\n";
    let scenario = csfquant::Scenario::parse(text, Format::Toml, "case.toml").unwrap();
    let e = scenario.budget_report().unwrap_err();
    assert_eq!(e.path(), Some("controls"), "{e}");
    assert!(
        matches!(e.source_error(), Some(csfquant::Error::Empty { .. })),
        "{e:?}"
    );
    let outcome = cases::run_case(text, Format::Toml, &RunLimits::default());
    assert!(
        matches!(&outcome, Outcome::Refused { kind, at_assess: true, .. } if kind == "Empty"),
        "{outcome:?}"
    );
}

/// Case 27510: two candidates of which one costs the largest upfront amount (1e15): the
/// frontier's set of both costs more upfront than one control may, and the budget search
/// refused the scenario with `invalid upfront: 1000000000586242.6`, naming no key. A set's NPV
/// is now summed candidate by candidate when its total passes the limit.
#[test]
fn a_set_of_candidates_may_cost_more_than_one_control_may() {
    let text = "name = \"x\"\n[simulation]\ntrials = 50\n[budget]\nannual = [1e16]\n\
                [[risks]]\nid = \"r\"\nfrequency = { poisson = { rate = 1.0 } }\n\
                magnitude = { fixed = { value = 1e9 } }\n\
                [[controls]]\nid = \"a\"\nfunction = \"protect\"\nefficacy = 0.5\n\
                status = \"candidate\"\ncost = { upfront = 1e15, annual = 1.0 }\n\
                [[controls]]\nid = \"b\"\nfunction = \"protect\"\nefficacy = 0.5\n\
                status = \"candidate\"\ncost = { upfront = 586242.6, annual = 2.0 }\n";
    let scenario = csfquant::Scenario::parse(text, Format::Toml, "case.toml").unwrap();
    let report = scenario.budget_report().unwrap();
    let both = report
        .frontier
        .iter()
        .find(|p| p.controls.len() == 2)
        .expect("the set of both is on the frontier");
    assert!(both.upfront > 1e15, "{both:?}");
    // The NPV over the default one-year horizon at rate 0: the reduction less both costs.
    let expected = both.eal_reduction - (1e15 + 586242.6) - (1.0 + 2.0);
    assert!(
        (both.npv - expected).abs() <= 1e15 * f64::EPSILON * 4.0,
        "{} vs {expected}",
        both.npv
    );
    let outcome = cases::run_case(text, Format::Toml, &RunLimits::default());
    assert!(matches!(outcome, Outcome::Ran), "{outcome:?}");
}
