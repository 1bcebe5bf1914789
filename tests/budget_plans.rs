//! Plans compared on the same simulated years (`budget.plans`), against the definition: one
//! control analysis per plan with the years recorded, differenced year by year.
//!
//! The one-pass evaluation and the analyses draw the same numbers (each control's own streams,
//! the engine's events), so the share of years in which a plan is lower agrees exactly (up to
//! years whose two losses tie to within rounding). The EAL differences come from the paired
//! estimator (engine/paired.rs: per-event conditional expectations, then control variates on
//! the event counts), which estimates the same quantity as the plain mean of the year-by-year
//! differences on the same years: the two agree within a few of the plain mean's standard
//! errors, and the paired one's standard error is at least 10 times smaller than that of two
//! independent runs (issue 10's bar).

use csfquant::{Format, Scenario, SimulationOptions};

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()).max(1.0)
}

/// The plain standard error of the mean of `years`.
fn se_of(years: &[f64]) -> f64 {
    let n = years.len() as f64;
    let mean = years.iter().sum::<f64>() / n;
    let var = years.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1.0);
    (var / n).sqrt()
}

#[test]
fn plans_are_compared_on_the_same_years_as_their_own_analyses() {
    let text = include_str!("../examples/data/default.toml");
    let options = SimulationOptions::new(5).trials(20_000);
    let scenario = Scenario::parse(text, Format::Toml, "default.toml")
        .unwrap()
        .with_options(options);
    let report = scenario.budget_report().unwrap();
    let budget = scenario.budget().unwrap();
    let plans = budget.plans();
    assert!(plans.len() >= 2, "the default scenario compares plans");
    assert_eq!(report.plans.len(), plans.len());
    assert_eq!(
        report.comparisons.len(),
        plans.len() * (plans.len() - 1) / 2
    );
    let model = scenario.model();
    // Each plan's residual years, from its own analysis.
    let years: Vec<Vec<f64>> = plans
        .iter()
        .map(|plan| {
            let set: Vec<usize> = plan
                .controls
                .iter()
                .map(|id| {
                    model
                        .candidates()
                        .iter()
                        .position(|c| c.id() == id)
                        .unwrap()
                })
                .collect();
            let analysis = model
                .with_candidates_in_place(&set)
                .unwrap()
                .analyze(options.record_trials(true), scenario.finance())
                .unwrap();
            analysis.trial_losses().unwrap().1.to_vec()
        })
        .collect();
    let mut k = 0;
    for a in 0..plans.len() {
        for b in a + 1..plans.len() {
            let c = &report.comparisons[k];
            k += 1;
            assert_eq!(
                (c.a.as_str(), c.b.as_str()),
                (&*plans[a].name, &*plans[b].name)
            );
            let d: Vec<f64> = years[a].iter().zip(&years[b]).map(|(x, y)| x - y).collect();
            let n = d.len() as f64;
            let mean = d.iter().sum::<f64>() / n;
            let var = d.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1.0);
            let se = (var / n).sqrt();
            // Both estimate E[L_a − L_b] on the same years; the paired estimate is (nearly) the
            // plain one minus noise the counts and the conditioning explain, so their gap has
            // a standard error below the plain one's: 4 of them.
            assert!(
                (c.eal_difference - mean).abs() <= 4.0 * se,
                "paired {} vs plain {mean} ± {se}",
                c.eal_difference
            );
            assert!(c.se > 0.0 && c.se < se, "paired SE {} vs plain {se}", c.se);
            // Against two independent runs, each with its own plain standard error.
            let independent = (se_of(&years[a]).powi(2) + se_of(&years[b]).powi(2)).sqrt();
            assert!(
                10.0 * c.se <= independent,
                "{} − {}: paired SE {} vs independent {independent}",
                c.a,
                c.b,
                c.se
            );
            // Years whose losses differ by rounding only could fall either way: allow them.
            let lower = d.iter().filter(|&&x| x < 0.0).count() as f64 / n;
            let ties = d.iter().filter(|&&x| x.abs() < 1e-6).count() as f64 / n;
            assert!(
                (c.probability_a_lower - lower).abs() <= ties,
                "{} {lower}",
                c.probability_a_lower
            );
        }
    }
    for (p, own) in report.plans.iter().zip(&years) {
        // The plan's EAL (the paired estimator's) against its own analysis' plain mean on the
        // same years: within 4 of the plain standard errors, with a smaller SE of its own.
        let mean = own.iter().sum::<f64>() / own.len() as f64;
        assert!((p.eal - mean).abs() <= 4.0 * se_of(own), "{p:?} vs {mean}");
        assert!(p.eal_se < se_of(own), "{p:?}");
    }
    for p in &report.plans {
        // The best set costs no more than the plan and, with the EAL objective, leaves no more
        // loss than the plan beyond the Monte Carlo error of their paired difference.
        assert!(
            p.best_same_cost.annual_cost <= p.annual_cost + 1e-9,
            "{p:?}"
        );
        let se = p.gap_se.unwrap();
        // The plan's and the best set's EAL come from the same estimator as the gap, which is
        // linear in the years' values: their difference is the gap to rounding.
        assert!(close(p.gap, p.eal - p.best_same_cost.eal, 1e-9), "{p:?}");
        assert!(p.gap > -4.0 * se, "{p:?}");
    }
}

/// The paired estimator against the analytic EAL of insured sets: one Poisson risk with a
/// uniform loss on [0, 4M], a primary policy (200k deductible, 1M per event, no aggregate
/// limit), and candidates with fixed efficacies: a frequency control covering 80% of events
/// (blocks 30% of those it covers), a magnitude control covering 60% (removes 50%), and an
/// excess layer (1.5M xs 2M ground-up). Per set the expectation of what an event leaves is a
/// constant, so after the count control variate the estimate is `rate × that constant`
/// exactly, whatever the years: to 1e-9.
#[test]
fn the_paired_estimator_gives_the_analytic_eal_of_insured_sets() {
    let text = r#"
name = "analytic"
[simulation]
trials = 4000
seed = 11
[[risks]]
id = "r"
frequency = { poisson = { rate = 2.0 } }
magnitude = { uniform = { min = 0.0, max = 4000000.0 } }
[[controls]]
id = "primary"
function = "govern"
[controls.transfer]
deductible = 200000.0
occurrence_limit = 1000000.0
[[controls]]
id = "block"
function = "protect"
status = "candidate"
efficacy = 0.3
coverage = 0.8
cost = { annual = 10000.0 }
[[controls]]
id = "cut"
function = "respond"
status = "candidate"
efficacy = 0.5
coverage = 0.6
cost = { annual = 10000.0 }
[[controls]]
id = "excess"
function = "govern"
status = "candidate"
cost = { annual = 10000.0 }
[controls.transfer]
deductible = 0.0
occurrence_limit = 1500000.0
attachment = 2000000.0
[budget]
annual = [15000.0]
plans = [
  { name = "block", controls = ["block"] },
  { name = "cut and excess", controls = ["cut", "excess"] },
]
"#;
    let scenario = Scenario::parse(text, Format::Toml, "analytic.toml").unwrap();
    let report = scenario.budget_report().unwrap();
    let top = 4e6;
    // E[min(X, u)] for X uniform on [0, top].
    let lev = |u: f64| {
        let u = u.clamp(0.0, top);
        u - u * u / (2.0 * top)
    };
    // E[(κX − t)⁺] = κ (E[X] − E[min(X, t/κ)]).
    let excess_over = |kappa: f64, t: f64| kappa * (top / 2.0 - lev(t / kappa));
    // The primary pays min((y − 200k)⁺, 1M); the excess layer min((y − 2M)⁺, 1.5M).
    let primary = |k: f64| excess_over(k, 200e3) - excess_over(k, 1.2e6);
    let excess = |k: f64| excess_over(k, 2e6) - excess_over(k, 3.5e6);
    let left = |k: f64, with_excess: bool| {
        k * top / 2.0 - primary(k) - if with_excess { excess(k) } else { 0.0 }
    };
    let rate = 2.0;
    // "block": 80% covered, 30% of those blocked; the rest untouched.
    let block = rate * (1.0 - 0.8 * 0.3) * left(1.0, false);
    // "cut and excess": 60% of events at half their loss, 40% whole, with the excess layer.
    let cut_excess = rate * (0.6 * left(0.5, true) + 0.4 * left(1.0, true));
    let plans: Vec<(&str, f64, f64)> = report
        .plans
        .iter()
        .map(|p| (p.name.as_str(), p.eal, p.eal_se))
        .collect();
    assert_eq!(plans.len(), 2);
    for ((name, eal, se), want) in plans.iter().zip([block, cut_excess]) {
        assert!(close(*eal, want, 1e-9), "{name}: {eal} vs analytic {want}");
        assert!(*se <= 1e-6 * want, "{name}: SE {se}");
    }
    let c = &report.comparisons[0];
    assert!(close(c.eal_difference, block - cut_excess, 1e-9), "{c:?}");
}

/// The budget report, with the paired estimator's per-chunk sums merged in chunk order, is the
/// same on 1, 2 and 4 threads and serial.
#[test]
fn the_budget_report_does_not_depend_on_the_threads() {
    let text = include_str!("../examples/data/default.toml");
    let report = |parallel: bool, threads: usize| {
        let scenario = Scenario::parse(text, Format::Toml, "default.toml")
            .unwrap()
            .with_options(SimulationOptions::new(9).trials(12_000).parallel(parallel));
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| scenario.budget_report().unwrap())
    };
    let one = report(true, 1);
    assert_eq!(one, report(true, 2));
    assert_eq!(one, report(true, 4));
    assert_eq!(one, report(false, 1));
}
