//! The budget search: candidates, the closed-form EAL, the exact frontier against brute force,
//! the greedy search's guarantee, and insurance towers.

use csfquant::budget::{self, ClosedForm, GREEDY_GUARANTEE, Objective};
use csfquant::{
    Control, Cost, Efficacy, Finance, Frequency, Function, Magnitude, Model, Risk,
    SimulationOptions, Status, Transfer,
};
use proptest::prelude::*;

/// A random instance: risks with their expected losses, candidates with their effects.
#[derive(Clone, Debug)]
struct Instance {
    rates: Vec<f64>,
    candidates: Vec<Cand>,
    upfront_cap: Option<f64>,
}

#[derive(Clone, Debug)]
struct Cand {
    /// (min, mode, max) or a fixed value as (v, v, v).
    frequency: Option<(f64, f64, f64)>,
    magnitude: Option<(f64, f64, f64)>,
    risks: Vec<bool>,
    annual: u32,
    upfront: u32,
}

fn efficacy((min, mode, max): (f64, f64, f64)) -> Efficacy {
    if min == max {
        Efficacy::fixed(min).unwrap()
    } else {
        Efficacy::pert(min, mode, max).unwrap()
    }
}

fn lever() -> impl Strategy<Value = Option<(f64, f64, f64)>> {
    prop_oneof![
        Just(None),
        (0.02f64..0.9).prop_map(|v| Some((v, v, v))),
        (0.02f64..0.4, 0.0f64..1.0, 0.05f64..0.5).prop_map(|(min, t, w)| {
            let max = (min + w).min(0.99);
            Some((min, min + t * (max - min), max))
        }),
    ]
}

fn cand(risks: usize) -> impl Strategy<Value = Cand> {
    (
        lever(),
        lever(),
        prop::collection::vec(any::<bool>(), risks),
        0u32..60,
        0u32..40,
    )
        .prop_filter("a candidate acts on something", |(f, m, on, _, _)| {
            (f.is_some() || m.is_some()) && on.iter().any(|&b| b)
        })
        .prop_map(|(frequency, magnitude, risks, annual, upfront)| Cand {
            frequency,
            magnitude,
            risks,
            annual,
            upfront,
        })
}

fn instance(max_candidates: usize) -> impl Strategy<Value = Instance> {
    (1usize..6).prop_flat_map(move |risks| {
        (
            prop::collection::vec(0.1f64..5.0, risks),
            prop::collection::vec(cand(risks), 1..=max_candidates),
            prop_oneof![
                Just(None),
                (0u32..80).prop_map(|c| Some(f64::from(c) * 1000.0))
            ],
        )
            .prop_map(|(rates, candidates, upfront_cap)| Instance {
                rates,
                candidates,
                upfront_cap,
            })
    })
}

/// The model of an instance: risk i is Poisson(rate_i) with a PERT loss; candidate j is a
/// control "c{j}" of status candidate. Costs are whole thousands, so that sums are exact.
fn model(inst: &Instance) -> Model {
    let risks = inst
        .rates
        .iter()
        .enumerate()
        .map(|(i, &rate)| {
            Risk::new(
                format!("r{i}"),
                Frequency::poisson(rate).unwrap(),
                Magnitude::pert(1e3, 2e4 * (i + 1) as f64, 3e5).unwrap(),
            )
            .unwrap()
        })
        .collect();
    let controls = inst
        .candidates
        .iter()
        .enumerate()
        .map(|(j, c)| {
            let mut control = Control::new(format!("c{j}"), Function::Protect)
                .unwrap()
                .with_status(Status::Candidate)
                .with_cost(
                    Cost::new(f64::from(c.upfront) * 1000.0, f64::from(c.annual) * 1000.0).unwrap(),
                )
                .applies_to(
                    c.risks
                        .iter()
                        .enumerate()
                        .filter(|(_, on)| **on)
                        .map(|(i, _)| format!("r{i}")),
                );
            if let Some(f) = c.frequency {
                control = control.with_frequency_efficacy(efficacy(f)).unwrap();
            }
            if let Some(m) = c.magnitude {
                control = control.with_magnitude_efficacy(efficacy(m)).unwrap();
            }
            control
        })
        .collect();
    Model::new(risks).unwrap().with_controls(controls).unwrap()
}

/// The residual EAL of `set` computed directly from the model (independently of the search):
/// each risk's E[N] E[X] times the kept shares of the chosen candidates on it.
fn brute_eal(model: &Model, set: u32) -> f64 {
    model
        .risks()
        .iter()
        .map(|r| {
            let mut eal = r.expected_annual_loss();
            for (j, c) in model.candidates().iter().enumerate() {
                let on = c
                    .applies_to_risks()
                    .is_none_or(|ids| ids.iter().any(|id| id == r.id()));
                if set & (1 << j) != 0 && on {
                    let f = c.frequency_efficacy().map_or(0.0, Efficacy::mean);
                    let s = c.magnitude_efficacy().map_or(0.0, Efficacy::mean);
                    eal *= (1.0 - f) * (1.0 - s);
                }
            }
            eal
        })
        .sum()
}

/// Every subset within the upfront cap: (bits, cost, EAL).
fn all_subsets(model: &Model, cap: Option<f64>) -> Vec<(u32, f64, f64)> {
    let n = model.candidates().len();
    (0u32..1 << n)
        .filter_map(|bits| {
            let chosen = model
                .candidates()
                .iter()
                .enumerate()
                .filter(|(j, _)| bits & (1 << j) != 0);
            let (mut cost, mut upfront) = (0.0, 0.0);
            for (_, c) in chosen {
                cost += c.cost().annual() + c.cost().upfront();
                upfront += c.cost().upfront();
            }
            cap.is_none_or(|cap| upfront <= cap)
                .then(|| (bits, cost, brute_eal(model, bits)))
        })
        .collect()
}

/// The Pareto staircase of the subsets by a sweep in cost order.
fn brute_frontier(subsets: &[(u32, f64, f64)]) -> Vec<(f64, f64)> {
    let mut sorted = subsets.to_vec();
    sorted.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.2.total_cmp(&b.2)));
    let mut out: Vec<(f64, f64)> = Vec::new();
    for (_, cost, eal) in sorted {
        if out
            .last()
            .is_none_or(|&(_, best)| eal < best * (1.0 - 1e-12))
        {
            out.push((cost, eal));
        }
    }
    out
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The exact frontier is the brute-force frontier over all 2^n subsets; the best set for
    /// any budget, under either objective, is brute force's.
    #[test]
    fn the_exact_search_equals_brute_force(inst in instance(12), budgets in prop::collection::vec(0u32..300, 4)) {
        let model = model(&inst);
        let finance = Finance::default();
        let form = ClosedForm::new(&model, model.candidates(), &finance);
        let frontier = budget::frontier(&form, inst.upfront_cap).unwrap();
        prop_assert!(frontier.proven);
        let subsets = all_subsets(&model, inst.upfront_cap);
        let expected = brute_frontier(&subsets);
        let got: Vec<(f64, f64)> = frontier.sets.iter().map(|s| (s.annual_cost, s.eal)).collect();
        prop_assert_eq!(got.len(), expected.len(), "{:?} vs {:?}", got, expected);
        for (g, e) in got.iter().zip(&expected) {
            prop_assert!(close(g.0, e.0) && close(g.1, e.1), "{:?} vs {:?}", g, e);
        }
        // Monotone and Pareto: each point costs more and leaves less; the first is the
        // baseline (or the free candidates).
        for w in frontier.sets.windows(2) {
            prop_assert!(w[0].annual_cost < w[1].annual_cost && w[0].eal > w[1].eal);
        }
        // Each point's figures are its set's.
        for s in &frontier.sets {
            let bits = s.set.iter().fold(0u32, |b, &j| b | 1 << j);
            prop_assert!(close(s.eal, brute_eal(&model, bits)));
            prop_assert!(inst.upfront_cap.is_none_or(|cap| s.upfront <= cap));
        }
        let baseline = brute_eal(&model, 0);
        for b in budgets {
            let budget = f64::from(b) * 1000.0;
            let within = subsets.iter().filter(|s| s.1 <= budget);
            let best_eal = within.clone().map(|s| s.2).fold(f64::INFINITY, f64::min);
            let best_net = within.map(|s| baseline - s.2 - s.1).fold(f64::NEG_INFINITY, f64::max);
            let c = budget::choose(&form, &frontier, budget, inst.upfront_cap, Objective::Eal);
            prop_assert!(c.proven && c.set.annual_cost <= budget);
            prop_assert!(close(c.set.eal, best_eal), "{} vs {}", c.set.eal, best_eal);
            let c = budget::choose(&form, &frontier, budget, inst.upfront_cap, Objective::NetBenefit);
            prop_assert!(close(baseline - c.set.eal - c.set.annual_cost, best_net));
        }
    }

    /// The modified greedy removes at least its guarantee's share of what the best set within
    /// the budget removes (checked against brute force), and the guarantee is at least
    /// ½ (1 − 1/e) without an upfront cap.
    #[test]
    fn the_greedy_search_keeps_its_guarantee(inst in instance(10), b in 0u32..300) {
        let model = model(&inst);
        let form = ClosedForm::new(&model, model.candidates(), &Finance::default());
        let budget = f64::from(b) * 1000.0;
        let caps = budget::Caps { annual: Some(budget), upfront: inst.upfront_cap };
        let greedy = budget::choose(&form, &budget::Frontier { sets: vec![], proven: false }, budget, inst.upfront_cap, Objective::Eal);
        let guarantee = greedy.guarantee.unwrap();
        if caps.upfront.is_none() {
            prop_assert!(guarantee >= GREEDY_GUARANTEE);
        }
        let baseline = brute_eal(&model, 0);
        let best = all_subsets(&model, inst.upfront_cap)
            .into_iter()
            .filter(|s| s.1 <= budget)
            .map(|s| s.2)
            .fold(f64::INFINITY, f64::min);
        prop_assert!(greedy.set.annual_cost <= budget);
        let removed = baseline - greedy.set.eal;
        prop_assert!(removed >= guarantee * (baseline - best) * (1.0 - 1e-9),
            "removed {} of {} (guarantee {})", removed, baseline - best, guarantee);
    }
}

/// A small model with a free candidate, used by the edge cases.
fn edge_model() -> Model {
    let inst = Instance {
        rates: vec![1.0, 2.0, 0.5],
        candidates: vec![
            Cand {
                frequency: Some((0.3, 0.3, 0.3)),
                magnitude: None,
                risks: vec![true, false, true],
                annual: 0,
                upfront: 0,
            },
            Cand {
                frequency: None,
                magnitude: Some((0.1, 0.3, 0.6)),
                risks: vec![true, true, true],
                annual: 40,
                upfront: 10,
            },
            Cand {
                frequency: Some((0.5, 0.5, 0.5)),
                magnitude: None,
                risks: vec![false, true, false],
                annual: 25,
                upfront: 0,
            },
            Cand {
                frequency: Some((0.1, 0.2, 0.3)),
                magnitude: Some((0.2, 0.2, 0.2)),
                risks: vec![false, false, true],
                annual: 5,
                upfront: 5,
            },
        ],
        upfront_cap: None,
    };
    model(&inst)
}

#[test]
fn a_zero_budget_gives_the_baseline_and_the_free_candidates() {
    let model = edge_model();
    let form = ClosedForm::new(&model, model.candidates(), &Finance::default());
    let frontier = budget::frontier(&form, None).unwrap();
    let c = budget::choose(&form, &frontier, 0.0, None, Objective::Eal);
    assert_eq!(c.set.set, vec![0]);
    assert!(close(c.set.eal, brute_eal(&model, 0b1)));
}

#[test]
fn a_budget_above_every_cost_takes_every_candidate_and_net_benefit_is_flip_stable() {
    let model = edge_model();
    let finance = Finance::default();
    let form = ClosedForm::new(&model, model.candidates(), &finance);
    let frontier = budget::frontier(&form, None).unwrap();
    let all = budget::choose(&form, &frontier, 1e9, None, Objective::Eal);
    assert_eq!(all.set.set, vec![0, 1, 2, 3]);
    let net = budget::choose(&form, &frontier, 1e9, None, Objective::NetBenefit);
    let value = |bits: u32| {
        let cost: f64 = (0..4)
            .filter(|j| bits & (1 << j) != 0)
            .map(|j| form.cost(&[j]))
            .sum();
        brute_eal(&model, 0) - brute_eal(&model, bits) - cost
    };
    let bits = net.set.set.iter().fold(0u32, |b, &j| b | 1 << j);
    for j in 0..4 {
        assert!(
            value(bits ^ (1 << j)) <= value(bits),
            "flipping c{j} improves {bits:b}"
        );
    }
}

/// The closed-form EAL of a set is the simulated residual EAL of the model with that set in
/// place, within 4 standard errors (a false alarm about 6e-5 per comparison).
#[test]
fn the_closed_form_matches_simulation() {
    let risks = vec![
        Risk::new(
            "a",
            Frequency::poisson(0.8).unwrap(),
            Magnitude::lognormal_ci90(1e4, 5e5).unwrap(),
        )
        .unwrap(),
        Risk::new(
            "b",
            Frequency::negative_binomial(1.5, 4.0).unwrap(),
            Magnitude::pert(1e3, 1e4, 2e5).unwrap(),
        )
        .unwrap(),
        Risk::new(
            "c",
            Frequency::bernoulli(0.3).unwrap(),
            Magnitude::lognormal_ci90(5e4, 2e6).unwrap(),
        )
        .unwrap(),
    ];
    let candidate = |id: &str| {
        Control::new(id, Function::Protect)
            .unwrap()
            .with_status(Status::Candidate)
    };
    let controls = vec![
        Control::new("in_place", Function::Detect)
            .unwrap()
            .with_magnitude_efficacy(Efficacy::pert(0.1, 0.2, 0.4).unwrap())
            .unwrap(),
        candidate("f")
            .with_frequency_efficacy(Efficacy::pert(0.2, 0.4, 0.7).unwrap())
            .unwrap()
            .applies_to(["a", "b"]),
        candidate("m")
            .with_magnitude_efficacy(Efficacy::uniform(0.1, 0.5).unwrap())
            .unwrap()
            .applies_to(["b", "c"]),
        candidate("both")
            .with_frequency_efficacy(Efficacy::fixed(0.25).unwrap())
            .unwrap()
            .with_magnitude_efficacy(Efficacy::triangular(0.0, 0.2, 0.5).unwrap())
            .unwrap(),
    ];
    let model = Model::new(risks).unwrap().with_controls(controls).unwrap();
    let finance = Finance::default();
    let form = ClosedForm::new(&model, model.candidates(), &finance);
    for set in [vec![], vec![0], vec![1, 2], vec![0, 1, 2]] {
        assert!(form.is_exact(&set));
        let analysis = model
            .with_candidates_in_place(&set)
            .unwrap()
            .analyze(SimulationOptions::new(11).trials(200_000), finance)
            .unwrap();
        let (sim, se) = (
            analysis.residual().expected_annual_loss(),
            analysis.residual().standard_error(),
        );
        let exact = form.eal(&set);
        assert!(
            (sim - exact).abs() < 4.0 * se,
            "{set:?}: simulated {sim} ± {se}, closed form {exact}"
        );
    }
}

/// Candidates change nothing about the model's own figures: the same report with or without
/// them, and a candidate put in place is simulated like an in-place control of the same id.
#[test]
fn candidates_leave_the_model_alone() {
    let risk = Risk::new(
        "a",
        Frequency::poisson(2.0).unwrap(),
        Magnitude::lognormal_ci90(1e4, 5e5).unwrap(),
    )
    .unwrap();
    let control = |id: &str| {
        Control::new(id, Function::Protect)
            .unwrap()
            .with_frequency_efficacy(Efficacy::pert(0.2, 0.3, 0.5).unwrap())
            .unwrap()
    };
    let plain = Model::new(vec![risk.clone()])
        .unwrap()
        .with_controls(vec![control("x")])
        .unwrap();
    let with = Model::new(vec![risk.clone()])
        .unwrap()
        .with_controls(vec![
            control("x"),
            control("y").with_status(Status::Candidate),
        ])
        .unwrap();
    let options = SimulationOptions::new(5).trials(5_000);
    let a = plain.analyze(options, Finance::default()).unwrap();
    let b = with.analyze(options, Finance::default()).unwrap();
    assert_eq!(a.residual().losses(), b.residual().losses());
    assert_eq!(with.controls().len(), 1);
    assert_eq!(with.candidates().len(), 1);
    let both = Model::new(vec![risk])
        .unwrap()
        .with_controls(vec![control("x"), control("y")])
        .unwrap();
    let promoted = with.with_candidates_in_place(&[0]).unwrap();
    let c = promoted.analyze(options, Finance::default()).unwrap();
    let d = both.analyze(options, Finance::default()).unwrap();
    assert_eq!(c.residual().losses(), d.residual().losses());
    assert!(with.with_candidates_in_place(&[1]).is_err());
}

/// A tower of two layers, hand-computed: two events a year of 3M each (fixed), a primary
/// "750k xs 250k" and an excess layer "5M xs 1M" (attachment 1M). Per event the primary pays
/// 750k and the excess layer 3M − 1M = 2M on the ground-up loss: the insured keeps 250k, so
/// 500k a year. The excess layer alone pays 2M and leaves 1M per event (2M a year); with an
/// aggregate limit of 3M on the excess layer the second event recovers 1M only.
#[test]
fn an_insurance_tower_pays_as_computed_by_hand() {
    let risk = Risk::new(
        "r",
        Frequency::fixed(2).unwrap(),
        Magnitude::fixed(3e6).unwrap(),
    )
    .unwrap();
    let policy = |id: &str, t: Transfer| {
        Control::new(id, Function::Govern)
            .unwrap()
            .with_transfer(t)
            .unwrap()
    };
    let primary = policy("primary", Transfer::new(250e3, 750e3).unwrap());
    let excess = Transfer::new(0.0, 5e6)
        .unwrap()
        .with_attachment(1e6)
        .unwrap();
    let residual = |controls: Vec<Control>| {
        let model = Model::new(vec![risk.clone()])
            .unwrap()
            .with_controls(controls)
            .unwrap();
        let a = model
            .analyze(SimulationOptions::new(1).trials(100), Finance::default())
            .unwrap();
        a.residual().expected_annual_loss()
    };
    assert_eq!(
        residual(vec![primary.clone(), policy("excess", excess)]),
        500e3
    );
    // The order of the layers does not matter for an excess layer paying on the ground-up loss.
    assert_eq!(
        residual(vec![policy("excess", excess), primary.clone()]),
        500e3
    );
    assert_eq!(residual(vec![policy("excess", excess)]), 2e6);
    let capped = excess.with_aggregate_limit(3e6).unwrap();
    assert_eq!(residual(vec![policy("excess", capped)]), 6e6 - 3e6);
    assert_eq!(
        residual(vec![primary.clone(), policy("excess", capped)]),
        6e6 - 1.5e6 - 3e6
    );
}

#[cfg(feature = "scenario")]
mod scenario_files {
    use csfquant::{Format, Scenario};

    const BASE: &str = r#"
name = "t"
[simulation]
trials = 2000
seed = 3
[finance]
horizon_years = 3
[[risks]]
id = "a"
frequency = { poisson = { rate = 0.5 } }
magnitude = { lognormal = { ci90 = [10000.0, 1000000.0] } }
[[controls]]
id = "x"
function = "protect"
efficacy = 0.3
[[controls]]
id = "y"
function = "detect"
status = "candidate"
efficacy = 0.2
cost = { annual = 5000.0 }
"#;

    fn error(extra: &str) -> String {
        Scenario::parse(&format!("{BASE}{extra}"), Format::Toml, "t.toml")
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn bad_budgets_are_errors_naming_the_path() {
        let cases = [
            (
                "[budget]\nannual = [1.0, -5.0]\n",
                "t.toml: budget.annual[1]: invalid budget.annual: -5",
            ),
            (
                "[budget]\nannual = [nan]\n",
                "t.toml: budget.annual[0]: invalid budget.annual: NaN",
            ),
            (
                "[budget]\nupfront = -1.0\n",
                "t.toml: budget.upfront: invalid budget.upfront: -1",
            ),
            (
                "[budget]\nobjective = \"cheapest\"\n",
                "t.toml: budget.objective: ",
            ),
            (
                "[budget]\nphased = { budgets = [1.0, 2.0] }\n",
                "t.toml: budget.phased.budgets: ",
            ),
            (
                "[budget]\nphased = { budgets = [1.0, -2.0, 3.0] }\n",
                "t.toml: budget.phased.budgets[1]: ",
            ),
            (
                "[budget]\nplans = [ { name = \"A\", controls = [\"y\", \"zz\"] } ]\n",
                "t.toml: budget.plans[0].controls[1]: ",
            ),
            (
                "[budget]\nplans = [ { name = \"A\", controls = [\"x\"] } ]\n",
                "t.toml: budget.plans[0].controls[0]: ",
            ),
        ];
        for (extra, start) in cases {
            let e = error(extra);
            assert!(e.starts_with(start), "{extra}: {e}");
        }
        assert!(
            error("[budget]\nplans = [ { name = \"A\", controls = [\"x\"] } ]\n")
                .contains("in place")
        );
    }

    #[test]
    fn a_negative_attachment_and_a_bad_status_are_errors_naming_the_path() {
        let text = format!(
            "{BASE}[[controls]]\nid = \"ins\"\nfunction = \"govern\"\nstatus = \"candidate\"\n\
             transfer = {{ deductible = 0.0, occurrence_limit = 1e6, attachment = -1.0 }}\n"
        );
        let e = Scenario::parse(&text, Format::Toml, "t.toml")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("t.toml: controls[2].transfer.attachment: invalid attachment: -1"),
            "{e}"
        );
        let text = BASE.replace("status = \"candidate\"", "status = \"maybe\"");
        let e = Scenario::parse(&text, Format::Toml, "t.toml")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("t.toml: controls[1].status: "), "{e}");
    }

    #[test]
    fn a_budget_section_reads_back_and_reports() {
        let text = format!(
            "{BASE}[budget]\nobjective = \"net_benefit\"\nannual = [0.0, 10000.0]\nupfront = 100.0\n\
             plans = [ {{ name = \"A\", controls = [\"y\"] }} ]\nphased = {{ budgets = [1.0, 2.0, 3.0] }}\n"
        );
        let scenario = Scenario::parse(&text, Format::Toml, "t.toml").unwrap();
        let spec = scenario.to_spec().unwrap();
        assert_eq!(Scenario::from_spec(&spec).unwrap(), scenario);
        let report = scenario.budget_report().unwrap();
        assert_eq!(report.choices.len(), 2);
        assert!(report.choices[0].controls.is_empty());
        // y removes 20% of 0.7 x EAL, far more than its 5,000 a year: chosen at 10,000.
        assert_eq!(report.choices[1].controls, ["y"]);
        assert_eq!(report.choices[1].added, ["y"]);
        assert!(report.frontier.iter().all(|p| p.exact));
        assert_eq!(report.frontier[0].eal_se, 0.0);
        // The baseline costs +0 (an empty sum of f64 is -0, which JSON would show as -0.0).
        assert!(report.frontier[0].annual_cost.is_sign_positive());
        assert!(report.frontier[0].upfront.is_sign_positive());
        let json = report.to_json_pretty();
        assert!(json.contains("\"objective\": \"net_benefit\""), "{json}");
    }
}

/// The phased plan's NPV and yearly spend of one assignment of start years, from the model's
/// candidates (an implementation independent of the search's).
fn phased_value(
    model: &Model,
    form: &ClosedForm,
    start: &[Option<u32>],
    budgets: &[f64],
    rate: f64,
) -> Option<f64> {
    let v = 1.0 / (1.0 + rate);
    let mut npv = 0.0;
    for (y, &budget) in (1u32..).zip(budgets) {
        let mut set = Vec::new();
        let mut spend = 0.0;
        let mut upfront = 0.0;
        for (i, c) in model.candidates().iter().enumerate() {
            match start[i] {
                Some(t) if t <= y => {
                    set.push(i);
                    spend += c.cost().annual();
                    if t == y {
                        upfront += c.cost().upfront();
                    }
                }
                _ => {}
            }
        }
        let annual = spend;
        if spend + upfront > budget {
            return None;
        }
        let removed = form.baseline() - form.eal(&set);
        npv += v.powi(y as i32) * (removed - annual) - v.powi(y as i32 - 1) * upfront;
    }
    Some(npv)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The phased plan equals brute force over every start year (or never) of up to 7
    /// candidates over 3 years, within each year's budget.
    #[test]
    fn the_phased_plan_equals_brute_force(
        inst in instance(7),
        budgets in prop::collection::vec(0u32..150, 3),
        rate in 0.0f64..0.2,
    ) {
        let model = model(&inst);
        let form = ClosedForm::new(&model, model.candidates(), &Finance::default());
        let budgets: Vec<f64> = budgets.iter().map(|&b| f64::from(b) * 1000.0).collect();
        let found = budget::phased(&form, &budgets, rate).unwrap();
        prop_assert!(found.exact);
        let n = model.candidates().len();
        let mut best = f64::NEG_INFINITY;
        for code in 0..4usize.pow(n as u32) {
            let start: Vec<Option<u32>> = (0..n)
                .map(|i| match (code / 4usize.pow(i as u32)) % 4 {
                    0 => None,
                    t => Some(t as u32),
                })
                .collect();
            if let Some(v) = phased_value(&model, &form, &start, &budgets, rate) {
                best = best.max(v);
            }
        }
        let ours = phased_value(&model, &form, &found.start, &budgets, rate);
        prop_assert!(ours.is_some(), "the plan keeps every year's budget");
        prop_assert!((found.npv - best).abs() <= 1e-6 * best.abs().max(1.0), "{} {best}", found.npv);
        prop_assert!((ours.unwrap() - best).abs() <= 1e-6 * best.abs().max(1.0));
    }
}
