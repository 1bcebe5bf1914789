//! Shocks, frailties and tail contributions (issue 12): moments against the closed forms,
//! determinism, and the refusals.

use csfquant::{Error, Frailty, Frequency, Magnitude, Model, Risk, Shock, SimulationOptions};

use crate::common::variance_and_se;

fn risk(id: &str, f: Frequency, loss: f64) -> Risk {
    Risk::new(id, f, Magnitude::fixed(loss).unwrap()).unwrap()
}

fn poisson(rate: f64) -> Frequency {
    Frequency::poisson(rate).unwrap()
}

fn frail_pair(v: f64) -> Model {
    Model::new(vec![
        risk("a", poisson(0.8), 1.0),
        risk("b", poisson(1.5), 3.0),
        risk("c", poisson(0.4), 2.0),
    ])
    .unwrap()
    .with_frailty(vec![
        Frailty::new("bad", v)
            .unwrap()
            .on_risks(["a", "b"])
            .unwrap(),
    ])
    .unwrap()
}

#[test]
fn frailty_keeps_the_eal_and_adds_the_closed_form_covariance() {
    let model = frail_pair(0.5);
    // Cov(L_a, L_b) = v E[L_a] E[L_b] = 0.5 x 0.8 x 4.5; c is independent.
    let cov = model.annual_loss_covariance("a", "b").unwrap();
    assert!((cov - 0.5 * 0.8 * 4.5).abs() < 1e-12, "{cov}");
    assert_eq!(model.annual_loss_covariance("a", "c"), Some(0.0));
    let report = model
        .simulate(SimulationOptions::new(11).trials(200_000))
        .unwrap();
    let d = report.portfolio();
    // EAL unchanged: 0.8 + 4.5 + 0.8; 5 standard errors (false alarm below 1e-6).
    let eal = model.expected_annual_loss();
    assert!((eal - 6.1).abs() < 1e-12);
    assert!((d.expected_annual_loss() - eal).abs() < 5.0 * d.standard_error());
    // Var[L] = Σ λ x² + v (Σ_frail λ x)²: the count covariance enters through the cross term.
    let closed = 0.8 + 1.5 * 9.0 + 0.4 * 4.0 + 0.5 * (0.8 + 4.5f64).powi(2);
    assert!((model.annual_loss_variance() - closed).abs() < 1e-9 * closed);
    let (var, se) = variance_and_se(d);
    assert!(
        (var - closed).abs() < 5.0 * se,
        "{var} vs {closed} (se {se})"
    );
    // The frailty raises the 1-in-100-year loss against the same model without it.
    let independent = Model::new(model.risks().to_vec()).unwrap();
    let base = independent
        .simulate(SimulationOptions::new(11).trials(200_000))
        .unwrap();
    assert!(d.quantile(0.99).unwrap() > base.portfolio().quantile(0.99).unwrap());
}

#[test]
fn a_certain_shock_on_two_fixed_losses_hits_both_every_time() {
    // No events of their own: every loss comes from the shock, 1 + 2 per occurrence.
    let model = Model::new(vec![
        risk("x", poisson(0.0), 1.0),
        risk("y", poisson(0.0), 2.0),
    ])
    .unwrap()
    .with_shocks(vec![
        Shock::new("s", poisson(0.7))
            .unwrap()
            .hits("x", 1.0)
            .unwrap()
            .hits("y", 1.0)
            .unwrap(),
    ])
    .unwrap();
    let report = model
        .simulate(SimulationOptions::new(3).trials(100_000))
        .unwrap();
    // Year by year the two risks' shock counts are equal: the year's loss is 3 M.
    assert!(report.portfolio().losses().iter().all(|&x| x % 3.0 == 0.0));
    // Cov(L_x, L_y) = Var[M] x 1 x 2; Var[L] = 0.7 x 9.
    assert_eq!(model.annual_loss_covariance("x", "y"), Some(0.7 * 2.0));
    assert!((model.annual_loss_variance() - 6.3).abs() < 1e-12);
    let (var, se) = variance_and_se(report.portfolio());
    assert!((var - 6.3).abs() < 5.0 * se, "{var}");
    let shock = &report.shocks()[0];
    assert!(
        (shock.eal - 2.1).abs() < 5.0 * shock.eal_se,
        "{}",
        shock.eal
    );
    // The shock causes every loss: its tail share is the whole TVaR.
    let tvar = report.portfolio().tail_mean(0.99).unwrap();
    assert!((shock.tvar99 - tvar).abs() <= 1e-9 * tvar);
}

#[test]
fn contributions_add_up_to_the_tail_mean() {
    let model = Model::new(vec![
        Risk::new(
            "a",
            poisson(0.5),
            Magnitude::lognormal_ci90(1e4, 1e6).unwrap(),
        )
        .unwrap(),
        Risk::new(
            "b",
            poisson(2.0),
            Magnitude::lognormal_ci90(5e3, 2e5).unwrap(),
        )
        .unwrap(),
        risk("c", Frequency::bernoulli(0.3).unwrap(), 5e4),
    ])
    .unwrap();
    let report = model
        .simulate(SimulationOptions::new(5).trials(50_000))
        .unwrap();
    let d = report.portfolio();
    let (var, tvar) = (d.quantile(0.99).unwrap(), d.tail_mean(0.99).unwrap());
    let sum: f64 = report.contributions().iter().map(|c| c.tvar99).sum();
    let var_sum: f64 = report.contributions().iter().map(|c| c.var99).sum();
    // Rounding only: the same losses added in another order.
    assert!((sum - tvar).abs() <= 1e-9 * tvar, "{sum} vs {tvar}");
    assert!((var_sum - var).abs() <= 1e-9 * var);
    // Independent risks: VaR below the sum of stand-alone VaRs (a check on this portfolio,
    // not a theorem: VaR is not subadditive in general).
    assert!(var <= report.standalone_var99_sum());
}

#[test]
fn one_risk_contributes_its_whole_tail_and_identical_risks_equal_shares() {
    let m = Magnitude::lognormal_ci90(1e3, 1e5).unwrap();
    let one = Model::new(vec![Risk::new("r", poisson(1.0), m.clone()).unwrap()]).unwrap();
    let report = one
        .simulate(SimulationOptions::new(9).trials(30_000))
        .unwrap();
    let tvar = report.portfolio().tail_mean(0.99).unwrap();
    let c = &report.contributions()[0];
    assert!((c.tvar99 - tvar).abs() <= 1e-12 * tvar);
    assert_eq!(
        report.standalone_var99_sum(),
        report.portfolio().quantile(0.99).unwrap()
    );
    let twins = Model::new(vec![
        Risk::new("a", poisson(1.0), m.clone()).unwrap(),
        Risk::new("b", poisson(1.0), m).unwrap(),
    ])
    .unwrap();
    let report = twins
        .simulate(SimulationOptions::new(9).trials(100_000))
        .unwrap();
    let [a, b] = [&report.contributions()[0], &report.contributions()[1]];
    // The difference of two means over the same tail years: 5 combined SEs.
    let se = (a.tvar99_se.powi(2) + b.tvar99_se.powi(2)).sqrt();
    assert!(
        (a.tvar99 - b.tvar99).abs() < 5.0 * se,
        "{} vs {}",
        a.tvar99,
        b.tvar99
    );
}

#[test]
fn dependence_is_deterministic_on_any_thread_count() {
    let model = frail_pair(1.0)
        .with_shocks(vec![
            Shock::new("s", poisson(0.3))
                .unwrap()
                .hits("a", 0.5)
                .unwrap()
                .hits("c", 1.0)
                .unwrap(),
        ])
        .unwrap();
    let run = |parallel: bool| {
        let r = model
            .simulate(SimulationOptions::new(4).trials(20_000).parallel(parallel))
            .unwrap();
        (r.portfolio().losses().to_vec(), r.contributions().to_vec())
    };
    let serial = run(false);
    for threads in [1, 2, 4] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        assert_eq!(pool.install(|| run(true)), serial, "{threads} threads");
    }
}

#[test]
fn bad_dependence_is_refused_with_the_ids() {
    let base = || frail_pair(0.0);
    let e = base()
        .with_shocks(vec![
            Shock::new("s", poisson(1.0))
                .unwrap()
                .hits("zz", 0.5)
                .unwrap(),
        ])
        .unwrap_err();
    assert_eq!(e.to_string(), "shock \"s\": names unknown risk \"zz\"");
    assert!(
        Shock::new("s", poisson(1.0))
            .unwrap()
            .hits("a", 1.5)
            .is_err()
    );
    assert!(Frailty::new("f", -1.0).is_err());
    // A subnormal variance made the gamma's shape infinite: 125 years took 21 s (fuzz case
    // 11638). Below 1e-12 it is refused; 0 is no frailty.
    assert!(Frailty::new("f", 5e-324).is_err());
    assert!(Frailty::new("f", 1e-13).is_err());
    assert!(Frailty::new("f", 1e-12).is_ok() && Frailty::new("f", 0.0).is_ok());
    let m = Model::new(vec![risk("b", Frequency::bernoulli(0.5).unwrap(), 1.0)]).unwrap();
    let e = m
        .with_frailty(vec![Frailty::new("f", 0.5).unwrap()])
        .unwrap_err();
    assert!(matches!(e, Error::FrailtyCannotScale { .. }), "{e}");
    let e = base()
        .with_frailty(vec![
            Frailty::new("f", 0.5).unwrap().on_risks(["a"]).unwrap(),
            Frailty::new("g", 0.5).unwrap().on_risks(["a"]).unwrap(),
        ])
        .unwrap_err();
    assert!(matches!(e, Error::RepeatedDependentRisk { .. }), "{e}");
}

/// The budget's closed form counts the events a shock causes in a risk, and a candidate acts
/// on them as on the risk's own: its figures are the analytic ones, and the simulated residual
/// of the same set agrees within its standard error.
#[test]
fn the_closed_form_counts_the_shocks_events() {
    use csfquant::budget::ClosedForm;
    use csfquant::{Control, Efficacy, Finance, Function, Status};
    let risks = vec![
        risk("x", poisson(0.5), 100.0),
        risk("y", poisson(0.2), 1000.0),
    ];
    let controls = |status: Status| {
        vec![
            Control::new("c0", Function::Protect)
                .unwrap()
                .with_status(status)
                .applies_to(["x"])
                .with_frequency_efficacy(Efficacy::fixed(0.6).unwrap())
                .unwrap(),
            Control::new("c1", Function::Respond)
                .unwrap()
                .with_status(status)
                .applies_to(["y"])
                .with_magnitude_efficacy(Efficacy::fixed(0.3).unwrap())
                .unwrap(),
        ]
    };
    let shock = || {
        vec![
            Shock::new("s", poisson(0.4))
                .unwrap()
                .hits("x", 1.0)
                .unwrap()
                .hits("y", 0.5)
                .unwrap(),
        ]
    };
    let model = Model::new(risks.clone())
        .unwrap()
        .with_controls(controls(Status::Candidate))
        .unwrap()
        .with_shocks(shock())
        .unwrap();
    let form = ClosedForm::new(&model, model.candidates(), &Finance::default());
    // x: (0.5 + 0.4 x 1) x 100 = 90; y: (0.2 + 0.4 x 0.5) x 1000 = 400.
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b;
    assert!(close(form.baseline(), 490.0), "{}", form.baseline());
    assert!(close(model.expected_annual_loss(), 490.0));
    assert!(
        close(form.eal(&[0]), 90.0 * 0.4 + 400.0),
        "{}",
        form.eal(&[0])
    );
    let both = 90.0 * 0.4 + 400.0 * 0.7;
    assert!(close(form.eal(&[0, 1]), both), "{}", form.eal(&[0, 1]));
    // The same controls in place, simulated: 5 standard errors (false alarm below 1e-6).
    let in_place = Model::new(risks)
        .unwrap()
        .with_controls(controls(Status::InPlace))
        .unwrap()
        .with_shocks(shock())
        .unwrap();
    let analysis = in_place
        .analyze(
            SimulationOptions::new(9).trials(200_000),
            Finance::default(),
        )
        .unwrap();
    let residual = analysis.residual();
    assert!(
        (residual.expected_annual_loss() - both).abs() < 5.0 * residual.standard_error(),
        "{} vs {both}",
        residual.expected_annual_loss()
    );
}

/// A run whose tail contributions would take more than `MAX_CONTRIBUTION_BYTES` leaves them
/// out (each risk's largest 1% of annual losses and a chunk kept whole, for 40,000 risks over
/// 5,000 years) and reports every other figure.
#[test]
fn contributions_beyond_their_memory_bound_are_left_out() {
    let risks = (0..40_000)
        .map(|i| risk(&format!("r{i}"), Frequency::bernoulli(0.01).unwrap(), 1e3))
        .collect();
    let model = Model::new(risks).unwrap();
    let report = model
        .simulate(SimulationOptions::new(2).trials(5_000))
        .unwrap();
    assert!(report.contributions().is_empty());
    assert_eq!(report.standalone_var99_sum(), 0.0);
    // EAL 40,000 x 0.01 x 1,000 = 400,000 a year; 5 standard errors.
    let d = report.portfolio();
    assert!((d.expected_annual_loss() - 4e5).abs() < 5.0 * d.standard_error());
    assert!(d.quantile(0.99).unwrap() > 4e5);
}

/// Shocks and frailty in scenario files, and through the candidates' one-pass valuation.
#[cfg(feature = "scenario")]
mod in_scenarios {
    use super::*;

    /// A small scenario with a shock, a frailty, controls in place and candidates, in TOML.
    const SHOCKED: &str = r#"
name = "Shocked"
[simulation]
trials = 20000
seed = 3

[[risks]]
id = "web"
frequency = { poisson = { rate = 2.0 } }
magnitude = { lognormal = { ci90 = [10000.0, 500000.0] } }

[[risks]]
id = "supplier"
frequency = { negative_binomial = { mean = 0.5, variance = 1.5 } }
magnitude = { pert = { min = 20000.0, mode = 80000.0, max = 900000.0 } }

[[risks]]
id = "ransomware"
frequency = { poisson = { ci90 = [0.05, 0.4] } }
magnitude = { lognormal = { ci90 = [100000.0, 5000000.0] } }

[[risks]]
id = "outage"
frequency = { bernoulli = { probability = 0.2 } }
magnitude = { fixed = { value = 250000.0 } }

[[controls]]
id = "patching"
function = "protect"
applies_to = ["web", "ransomware"]
cost = { annual = 50000.0 }
efficacy = { pert = { min = 0.2, mode = 0.4, max = 0.6 } }

[[controls]]
id = "backups"
function = "recover"
status = "candidate"
applies_to = ["ransomware", "outage"]
cost = { annual = 40000.0 }
magnitude_efficacy = { pert = { min = 0.3, mode = 0.5, max = 0.7 } }

[[controls]]
id = "vendor_reviews"
function = "identify"
status = "candidate"
applies_to = ["supplier"]
cost = { annual = 20000.0 }
frequency_efficacy = { pert = { min = 0.1, mode = 0.3, max = 0.5 } }

[[shocks]]
id = "mass_exploitation"
name = "A mass-exploited flaw"
frequency = { poisson = { rate = 0.5 } }
hits = [
  { risk = "web", probability = 0.5 },
  { risk = "supplier", probability = 0.3 },
  { risk = "ransomware", probability = 0.2 },
  { risk = "outage", probability = 1.0 },
]

[[frailty]]
id = "bad_year"
risks = ["web", "supplier"]
variance = 0.5
"#;

    fn shocked() -> csfquant::Scenario {
        csfquant::Scenario::parse(SHOCKED, csfquant::Format::Toml, "shocked.toml").unwrap()
    }

    #[test]
    fn shocks_and_frailty_read_from_a_scenario_and_write_back() {
        let scenario = shocked();
        let model = scenario.model();
        assert_eq!(model.shocks().len(), 1);
        assert_eq!(model.shocks()[0].name(), "A mass-exploited flaw");
        assert_eq!(model.shocks()[0].hit_list()[3].probability(), 1.0);
        assert_eq!(model.frailties()[0].variance(), 0.5);
        assert_eq!(
            model.frailties()[0].risk_ids(),
            Some(&["web".to_string(), "supplier".to_string()][..])
        );
        // Written back, in both formats, it reads to the same model.
        let spec = scenario.to_spec().unwrap();
        let json = serde_json::to_string(&spec).unwrap();
        let back = csfquant::Scenario::parse(&json, csfquant::Format::Json, "back.json").unwrap();
        assert_eq!(back.model().shocks(), model.shocks());
        assert_eq!(back.model().frailties(), model.frailties());
        let toml = toml::to_string(&spec).unwrap();
        let back = csfquant::Scenario::parse(&toml, csfquant::Format::Toml, "back.toml").unwrap();
        assert_eq!(back.model().shocks(), model.shocks());
        assert_eq!(back.model().frailties(), model.frailties());
        // A frailty without `risks` scales every risk (this portfolio's Bernoulli is refused).
        let all = SHOCKED.replace("risks = [\"web\", \"supplier\"]\n", "");
        let e = csfquant::Scenario::parse(&all, csfquant::Format::Toml, "all.toml").unwrap_err();
        assert_eq!(e.path(), Some("frailty[0]"), "{e}");
    }

    #[test]
    fn the_contracts_json_example_reads() {
        // The example of SCENARIO.md's "Dependence" section, on risks with those ids.
        let text = r#"{ "name": "x",
      "risks": [
        { "id": "cloud_outage", "frequency": { "poisson": { "rate": 0.2 } },
          "magnitude": { "fixed": { "value": 1000.0 } } },
        { "id": "ddos", "frequency": { "poisson": { "rate": 1.0 } },
          "magnitude": { "fixed": { "value": 100.0 } } },
        { "id": "ransomware", "frequency": { "poisson": { "rate": 0.3 } },
          "magnitude": { "fixed": { "value": 5000.0 } } },
        { "id": "bec", "frequency": { "negative_binomial": { "mean": 1.0, "variance": 2.0 } },
          "magnitude": { "fixed": { "value": 300.0 } } },
        { "id": "phishing_exfil", "frequency": { "poisson": { "rate": 0.5 } },
          "magnitude": { "fixed": { "value": 700.0 } } } ],
      "shocks": [ { "id": "cloud_region_outage", "name": "Multi-day outage of our main cloud region",
              "frequency": { "poisson": { "rate": 0.2 } },
              "hits": [ { "risk": "cloud_outage", "probability": 1.0 },
                        { "risk": "ddos", "probability": 0.3 } ] } ],
      "frailty": [ { "id": "bad_year", "risks": ["ransomware", "bec", "phishing_exfil"],
               "variance": 0.5 } ] }"#;
        let scenario = csfquant::Scenario::parse(text, csfquant::Format::Json, "x.json").unwrap();
        let model = scenario.model();
        // Analytic EAL: the risks' own plus the shock's 0.2 x (1 x 1000 + 0.3 x 100).
        let own = 0.2 * 1000.0 + 100.0 + 0.3 * 5000.0 + 300.0 + 0.5 * 700.0;
        let eal = model.expected_annual_loss();
        assert!((eal - (own + 0.2 * 1030.0)).abs() <= 1e-9 * eal, "{eal}");
        let assessment = scenario
            .with_options(SimulationOptions::new(1).trials(5_000))
            .assess()
            .unwrap();
        let json = assessment.to_json();
        assert!(
            json.contains(r#""shocks":[{"id":"cloud_region_outage""#),
            "{json}"
        );
        assert!(json.contains(r#""standalone_var99_sum":"#));
    }

    #[test]
    fn bad_dependence_in_a_scenario_is_refused_at_its_path() {
        let cases: [(&str, &str, &str); 7] = [
            (
                r#"{ risk = "outage", probability = 1.0 }"#,
                r#"{ risk = "nowhere", probability = 1.0 }"#,
                "shocks[0].hits[3].risk",
            ),
            (
                r#"{ risk = "outage", probability = 1.0 }"#,
                r#"{ risk = "outage", probability = 1.5 }"#,
                "shocks[0].hits[3].probability",
            ),
            (
                r#"{ risk = "outage", probability = 1.0 }"#,
                r#"{ risk = "web", probability = 1.0 }"#,
                "shocks[0].hits[3].risk",
            ),
            ("variance = 0.5", "variance = -0.5", "frailty[0].variance"),
            (
                r#"risks = ["web", "supplier"]"#,
                r#"risks = ["web", "outage"]"#,
                "frailty[0].risks[1]",
            ),
            (
                r#"risks = ["web", "supplier"]"#,
                r#"risks = ["web", "ghost"]"#,
                "frailty[0].risks[1]",
            ),
            (
                "frequency = { poisson = { rate = 0.5 } }",
                "frequency = { poisson = { rate = -0.5 } }",
                "shocks[0].frequency.poisson.rate",
            ),
        ];
        for (from, to, path) in cases {
            assert!(SHOCKED.contains(from), "{from}");
            let text = SHOCKED.replacen(from, to, 1);
            let e =
                csfquant::Scenario::parse(&text, csfquant::Format::Toml, "bad.toml").unwrap_err();
            assert_eq!(e.path(), Some(path), "{to}: {e}");
        }
        // Too many shocks: refused as a list, at its key.
        let mut text = SHOCKED.to_string();
        for i in 0..=256 {
            text.push_str(&format!(
            "\n[[shocks]]\nid = \"s{i}\"\nfrequency = {{ poisson = {{ rate = 0.1 }} }}\nhits = []\n"
        ));
        }
        let e = csfquant::Scenario::parse(&text, csfquant::Format::Toml, "many.toml").unwrap_err();
        assert!(e.to_string().contains("limit of 256"), "{e}");
        assert_eq!(e.path(), Some("shocks"), "{e}");
    }

    #[test]
    fn candidates_meet_shock_events_as_one_analysis_each() {
        // The one-pass valuation of the candidates (set_run.rs) against one control analysis per
        // candidate on the same years and draws: the same sums in another order, so they agree
        // to rounding (1e-9 relative), far below the Monte Carlo error; a shock event the set
        // arms did not see would move the reduction by its share of the loss.
        let scenario = shocked();
        let assessment = scenario.assess().unwrap();
        let model = scenario.model();
        assert_eq!(assessment.candidates().len(), 2);
        for (k, value) in assessment.candidates().iter().enumerate() {
            let analysis = model
                .with_candidates_in_place(&[k])
                .unwrap()
                .analyze(scenario.options(), scenario.finance())
                .unwrap();
            let added = analysis.controls().last().unwrap();
            assert_eq!(added.id, value.id);
            let (ours, theirs) = (value.standalone_reduction, added.eal_reduction);
            assert!(
                (ours - theirs).abs() <= 1e-9 * ours.abs().max(theirs.abs()),
                "{}: {ours} against {theirs}",
                value.id
            );
        }
        // And the shock's events meet the controls: without the shock, the residual is lower by
        // more than its Monte Carlo error.
        let plain = model.clone().with_shocks(Vec::new()).unwrap();
        let with = model
            .analyze(scenario.options(), scenario.finance())
            .unwrap();
        let without = plain
            .analyze(scenario.options(), scenario.finance())
            .unwrap();
        let (a, b) = (with.residual(), without.residual());
        let se = (a.standard_error().powi(2) + b.standard_error().powi(2)).sqrt();
        assert!(a.expected_annual_loss() - b.expected_annual_loss() > 5.0 * se);
    }

    #[test]
    fn scenario_dependence_is_deterministic_on_any_thread_count() {
        let scenario = shocked().with_options(SimulationOptions::new(8).trials(12_000));
        let json = |parallel: bool| {
            scenario
                .clone()
                .with_options(SimulationOptions::new(8).trials(12_000).parallel(parallel))
                .assess()
                .unwrap()
                .to_json()
        };
        let serial = json(false);
        for threads in [1, 2, 4] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            assert_eq!(pool.install(|| json(true)), serial, "{threads} threads");
        }
    }
}
