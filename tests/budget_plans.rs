//! Plans compared on the same simulated years (`budget.plans`), against the definition: one
//! control analysis per plan with the years recorded, differenced year by year.
//!
//! The one-pass evaluation and the analyses draw the same numbers (each control's own streams,
//! the engine's events), so the paired mean difference, its standard error and the share of
//! years in which a plan is lower agree to rounding (1e-9 relative; the share exactly, up to
//! years whose two losses tie to within rounding).

use csfquant::{Format, Scenario, SimulationOptions};

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()).max(1.0)
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
            assert!(
                close(c.eal_difference, mean, 1e-9),
                "{} {mean}",
                c.eal_difference
            );
            assert!(close(c.se, se, 1e-9), "{} {se}", c.se);
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
    for p in &report.plans {
        // The best set costs no more than the plan and, with the EAL objective, leaves no more
        // loss than the plan beyond the Monte Carlo error of their paired difference.
        assert!(
            p.best_same_cost.annual_cost <= p.annual_cost + 1e-9,
            "{p:?}"
        );
        let se = p.gap_se.unwrap();
        assert!(close(p.gap, p.eal - p.best_same_cost.eal, 1e-9), "{p:?}");
        assert!(p.gap > -4.0 * se, "{p:?}");
    }
}
