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
