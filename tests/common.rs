//! Shared helpers for the integration tests.

use csfquant::{Frequency, LossDistribution, Magnitude, Model, Risk, SimulationOptions};

/// A one-risk model.
pub fn one_risk(frequency: Frequency, magnitude: Magnitude) -> Model {
    Model::new(vec![Risk::new("r", frequency, magnitude).unwrap()]).unwrap()
}

/// Simulates `model` for `trials` years with `seed`.
pub fn simulate(model: &Model, seed: u64, trials: u64) -> csfquant::SimulationReport {
    model
        .simulate(SimulationOptions::new(seed).trials(trials))
        .unwrap()
}

/// Sample variance of the losses and its standard error sqrt((m4 - s^4) / n), where m4 is the
/// sample fourth central moment: the delta-method SE of the sample variance, valid when the
/// fourth moment is finite (and trustworthy only when it is not astronomically heavy-tailed).
pub fn variance_and_se(d: &LossDistribution) -> (f64, f64) {
    let n = d.trials() as f64;
    let mean = d.expected_annual_loss();
    let (mut m2, mut m4) = (0.0, 0.0);
    for &x in d.losses() {
        let dev2 = (x - mean) * (x - mean);
        m2 += dev2;
        m4 += dev2 * dev2;
    }
    let (m2, m4) = (m2 / n, m4 / n);
    (m2 * n / (n - 1.0), ((m4 - m2 * m2) / n).sqrt())
}

/// The asymptotic standard error of the empirical tail mean at p (Brazauskas et al. 2008):
/// sqrt([Var(L | L >= VaR_p) + p (TVaR_p - VaR_p)^2] / (n (1 - p))), estimated from the sample.
pub fn tail_mean_se(d: &LossDistribution, p: f64) -> f64 {
    let var_p = d.quantile(p).unwrap();
    let tvar = d.tail_mean(p).unwrap();
    let tail: Vec<f64> = d.losses().iter().copied().filter(|&x| x >= var_p).collect();
    let m = tail.iter().sum::<f64>() / tail.len() as f64;
    let v = tail.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / tail.len() as f64;
    ((v + p * (tvar - var_p).powi(2)) / (d.trials() as f64 * (1.0 - p))).sqrt()
}

/// A risk with a fixed Poisson rate and a lognormal loss from its 90% interval.
pub fn risk(id: &str, rate: f64, low: f64, high: f64) -> Risk {
    Risk::new(
        id,
        Frequency::poisson(rate).unwrap(),
        Magnitude::lognormal_ci90(low, high).unwrap(),
    )
    .unwrap()
}
