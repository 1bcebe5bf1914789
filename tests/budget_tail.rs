//! The tail objectives' search (`var99`, `tvar99`): the budget report's frontier, choices and
//! plans' best sets against brute force over every set of candidates, each simulated by the
//! report itself on the same years (as a plan); the residual loss is monotone year by year
//! (with insurance and aggregate limits), and where it is not.

use csfquant::budget::{Budget, BudgetReport, Objective};
use csfquant::{
    Control, Cost, Efficacy, Finance, Function, Model, Reliability, SimulationOptions, Status,
    Transfer,
};

use crate::common::risk;

/// SplitMix64 uniforms in [0, 1).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A random model: 5 risks, an in-place control and an in-place primary policy with an
/// aggregate limit, and `n` candidates: levers with uncertain efficacies on subsets of the
/// risks, some with coverage or lapses, and an excess layer above the primary.
fn instance(seed: u64, n: usize) -> Model {
    let mut g = Rng(seed);
    let ids: Vec<String> = (0..5).map(|i| format!("r{i}")).collect();
    let risks = ids
        .iter()
        .map(|id| risk(id, 0.3 + 1.5 * g.next(), 1e4, 2e5 + 3e6 * g.next()))
        .collect();
    let mut controls = vec![
        Control::new("base", Function::Protect)
            .unwrap()
            .with_frequency_efficacy(Efficacy::fixed(0.2).unwrap())
            .unwrap(),
        Control::new("primary", Function::Respond)
            .unwrap()
            .with_transfer(
                Transfer::new(5e4, 5e5)
                    .unwrap()
                    .with_aggregate_limit(1e6)
                    .unwrap(),
            )
            .unwrap(),
    ];
    for j in 0..n {
        let cost = Cost::new(3e4 * g.next(), 1e4 + 1e5 * g.next()).unwrap();
        let c = Control::new(format!("c{j}"), Function::Protect)
            .unwrap()
            .with_status(Status::Candidate)
            .with_cost(cost);
        let c = if j == 0 {
            // The excess layer: 2M xs 550k (the primary exhausts at 550k ground-up).
            c.with_transfer(
                Transfer::new(0.0, 2e6)
                    .unwrap()
                    .with_attachment(5.5e5)
                    .unwrap()
                    .with_aggregate_limit(3e6)
                    .unwrap(),
            )
            .unwrap()
        } else {
            let on: Vec<String> = ids.iter().filter(|_| g.next() < 0.5).cloned().collect();
            let on = if on.is_empty() {
                vec![ids[j % 5].clone()]
            } else {
                on
            };
            let min = 0.05 + 0.4 * g.next();
            let mut c = c.applies_to(on);
            c = if g.next() < 0.6 {
                c.with_frequency_efficacy(Efficacy::pert(min, min + 0.1, min + 0.3).unwrap())
                    .unwrap()
            } else {
                c.with_magnitude_efficacy(Efficacy::uniform(min, min + 0.4).unwrap())
                    .unwrap()
            };
            if g.next() < 0.3 {
                c = c.with_coverage(0.7).unwrap();
            }
            if g.next() < 0.3 {
                c = c.with_reliability(Reliability::lapses(4.0, 20.0).unwrap());
            }
            c
        };
        controls.push(c);
    }
    Model::new(risks).unwrap().with_controls(controls).unwrap()
}

fn subsets(model: &Model) -> Vec<Vec<String>> {
    let ids: Vec<String> = model
        .candidates()
        .iter()
        .map(|c| c.id().to_string())
        .collect();
    (0..1u32 << ids.len())
        .map(|s| {
            (0..ids.len())
                .filter(|&i| s & (1 << i) != 0)
                .map(|i| ids[i].clone())
                .collect()
        })
        .collect()
}

/// The report with every subset of the candidates as a plan (plan i: the set of bits i).
fn report(model: &Model, objective: Objective, annual: Vec<f64>, cap: Option<f64>) -> BudgetReport {
    let mut budget = Budget::new()
        .with_objective(objective)
        .with_annual(annual)
        .unwrap();
    if let Some(cap) = cap {
        budget = budget.with_upfront(cap).unwrap();
    }
    for (i, set) in subsets(model).into_iter().enumerate() {
        budget = budget.with_plan(format!("p{i}"), set);
    }
    let finance = Finance::new(3, 0.08).unwrap();
    BudgetReport::new(
        "tail",
        "USD",
        model,
        &budget,
        SimulationOptions::new(11).trials(4000),
        finance,
    )
    .unwrap()
}

fn upfront(model: &Model, ids: &[String]) -> f64 {
    ids.iter()
        .map(|id| model.candidate(id).unwrap().cost().upfront())
        .sum()
}

#[test]
fn the_exact_tail_search_equals_brute_force_on_the_same_years() {
    for seed in 0..6u64 {
        let n = 4 + (seed % 3) as usize;
        let model = instance(seed, n);
        let total: f64 = model.candidates().iter().map(|c| c.cost().annual()).sum();
        let cap = (seed % 2 == 1).then(|| 0.5 * upfront(&model, &subsets(&model)[(1 << n) - 1]));
        let budgets = vec![0.0, 0.3 * total, 0.6 * total, 3.0 * total];
        for objective in [Objective::Var99, Objective::Tvar99] {
            let r = report(&model, objective, budgets.clone(), cap);
            assert_eq!(r.search, "exact");
            let figure = |var99: f64, tvar99: f64| {
                if objective == Objective::Var99 {
                    var99
                } else {
                    tvar99
                }
            };
            // Brute force: every set, simulated by the report as a plan.
            let feasible: Vec<(f64, f64)> = r
                .plans
                .iter()
                .filter(|p| cap.is_none_or(|c| upfront(&model, &p.controls) <= c))
                .map(|p| (p.annual_cost, figure(p.var99.loss, p.tvar99)))
                .collect();
            let best_within = |b: f64| {
                feasible
                    .iter()
                    .filter(|f| f.0 <= b)
                    .map(|f| f.1)
                    .fold(f64::INFINITY, f64::min)
            };
            for c in &r.choices {
                assert!(c.annual_cost <= c.budget && c.exact);
                assert!(cap.is_none_or(|cap| upfront(&model, &c.controls) <= cap));
                // Bit for bit: the search's figures are set_run.rs's.
                assert_eq!(
                    figure(c.var99.loss, c.tvar99),
                    best_within(c.budget),
                    "seed {seed}"
                );
            }
            // The frontier: Pareto, each point the best within its cost, the figure falling.
            for w in r.frontier.windows(2) {
                assert!(w[0].annual_cost < w[1].annual_cost);
                assert!(
                    figure(w[1].var99.loss, w[1].tvar99) < figure(w[0].var99.loss, w[0].tvar99)
                );
            }
            for p in &r.frontier {
                assert!(p.exact);
                assert_eq!(figure(p.var99.loss, p.tvar99), best_within(p.annual_cost));
            }
            // No feasible set beats the frontier at its cost.
            for &(cost, f) in &feasible {
                let i = r.frontier.partition_point(|p| p.annual_cost <= cost);
                let p = &r.frontier[i - 1];
                assert!(figure(p.var99.loss, p.tvar99) <= f);
            }
            // Each plan's best set costing no more: the brute-force best, never worse than it.
            for plan in &r.plans {
                let best = r
                    .plans
                    .iter()
                    .find(|q| q.controls == plan.best_same_cost.controls)
                    .unwrap();
                assert_eq!(
                    figure(best.var99.loss, best.tvar99),
                    best_within(plan.annual_cost)
                );
                if cap.is_none() {
                    assert!(plan.gap >= 0.0);
                }
            }
        }
    }
}

/// Adding a candidate never raises a year's loss (the engine's unit tests check it year by
/// year), so neither the VaR 99% nor the TVaR 99% of a set rises when a candidate joins it,
/// with an in-place primary policy with an aggregate limit and an excess layer among the
/// candidates; up to the rounding of the policies' payments (a relative 1e-12: a few units in
/// the last place).
#[test]
fn tail_figures_never_rise_when_a_candidate_is_added_with_insurance_and_aggregate_limits() {
    for seed in 10..13u64 {
        let model = instance(seed, 5);
        let r = report(&model, Objective::Var99, vec![], None);
        let mut checked = 0;
        for (a, pa) in r.plans.iter().enumerate() {
            for c in (0..5).filter(|&c| a & (1 << c) == 0) {
                let pb = &r.plans[a | 1 << c];
                assert!(pb.var99.loss <= pa.var99.loss * (1.0 + 1e-12), "{a} + {c}");
                assert!(pb.tvar99 <= pa.tvar99 * (1.0 + 1e-12), "{a} + {c}");
                checked += 1;
            }
        }
        assert_eq!(checked, 5 * 16);
    }
}

#[test]
fn an_overlapping_excess_layer_breaks_monotonicity_and_the_search_stays_exact() {
    // A primary paying 10 to 110 of what is left and a layer attaching at 50 ground-up,
    // inside it: a candidate that cuts the loss can leave more with the insured.
    let risks = vec![risk("r", 2.0, 20.0, 400.0)];
    let controls = vec![
        Control::new("primary", Function::Respond)
            .unwrap()
            .with_transfer(Transfer::new(10.0, 100.0).unwrap())
            .unwrap(),
        Control::new("layer", Function::Respond)
            .unwrap()
            .with_transfer(
                Transfer::new(0.0, 1e9)
                    .unwrap()
                    .with_attachment(50.0)
                    .unwrap(),
            )
            .unwrap(),
        Control::new("cut", Function::Respond)
            .unwrap()
            .with_status(Status::Candidate)
            .with_cost(Cost::new(0.0, 1.0).unwrap())
            .with_magnitude_efficacy(Efficacy::fixed(0.45).unwrap())
            .unwrap(),
        Control::new("block", Function::Protect)
            .unwrap()
            .with_status(Status::Candidate)
            .with_cost(Cost::new(0.0, 2.0).unwrap())
            .with_frequency_efficacy(Efficacy::fixed(0.3).unwrap())
            .unwrap(),
    ];
    let model = Model::new(risks).unwrap().with_controls(controls).unwrap();
    for objective in [Objective::Var99, Objective::Tvar99] {
        let r = report(&model, objective, vec![1.0, 10.0], None);
        // p0 = nothing, p1 = cut: adding the cut leaves more in some years.
        let c = r
            .comparisons
            .iter()
            .find(|c| c.a == "p0" && c.b == "p1")
            .unwrap();
        assert!(c.probability_a_lower > 0.0);
        let figure = |p: &csfquant::budget::PlanFigures| {
            if objective == Objective::Var99 {
                p.var99.loss
            } else {
                p.tvar99
            }
        };
        for choice in &r.choices {
            let best = r
                .plans
                .iter()
                .filter(|p| p.annual_cost <= choice.budget)
                .map(figure)
                .fold(f64::INFINITY, f64::min);
            let mine = if objective == Objective::Var99 {
                choice.var99.loss
            } else {
                choice.tvar99
            };
            assert_eq!(mine, best);
        }
    }
}

#[test]
fn beyond_the_exact_limit_the_local_search_is_marked_not_exact() {
    let model = instance(42, 17);
    let total: f64 = model.candidates().iter().map(|c| c.cost().annual()).sum();
    let r = BudgetReport::new(
        "tail",
        "USD",
        &model,
        &Budget::new()
            .with_objective(Objective::Tvar99)
            .with_annual(vec![0.4 * total])
            .unwrap(),
        SimulationOptions::new(3).trials(2000),
        Finance::new(3, 0.08).unwrap(),
    )
    .unwrap();
    assert_eq!(r.search, "local");
    assert!(r.frontier.iter().all(|p| !p.exact));
    assert!(!r.choices[0].exact && r.choices[0].annual_cost <= 0.4 * total);
    // The local search starts from the EAL frontier's sets: it is never worse than the best
    // of them within the budget.
    let eal = BudgetReport::new(
        "tail",
        "USD",
        &model,
        &Budget::new().with_annual(vec![0.4 * total]).unwrap(),
        SimulationOptions::new(3).trials(2000),
        Finance::new(3, 0.08).unwrap(),
    )
    .unwrap();
    let start_best = eal
        .frontier
        .iter()
        .filter(|p| p.annual_cost <= 0.4 * total)
        .map(|p| p.tvar99)
        .fold(f64::INFINITY, f64::min);
    assert!(r.choices[0].tvar99 <= start_best);
}
