//! Simulated EAL and variance against the analytic compound moments
//! E[L] = E[N] E[X] and Var[L] = E[N] Var[X] + Var[N] E[X]^2.

use crate::common::{one_risk, simulate, variance_and_se};
use csfquant::{Frequency, Magnitude, Model, Risk};

const TRIALS: u64 = 1_000_000;
/// Tolerance in standard errors. With about 15 checks at 5 SE the chance that a correct engine
/// fails one by bad luck is below 1e-5 (normal tails), while a bias of a few tenths of a percent
/// is caught.
const K_SE: f64 = 5.0;

fn check(name: &str, model: &Model, seed: u64, check_variance: bool) {
    let report = simulate(model, seed, TRIALS);
    let d = report.portfolio();
    let (mean, se) = (d.expected_annual_loss(), d.standard_error());
    let expected = model.expected_annual_loss();
    assert!(
        (mean - expected).abs() < K_SE * se,
        "{name}: EAL {mean} vs analytic {expected} (SE {se})"
    );
    if check_variance {
        let (var, var_se) = variance_and_se(d);
        let expected = model.annual_loss_variance();
        assert!(
            (var - expected).abs() < K_SE * var_se,
            "{name}: variance {var} vs analytic {expected} (SE {var_se})"
        );
    }
}

#[test]
fn poisson_lognormal_domain_example() {
    // DOMAIN.md section 4: Poisson 0.5 x lognormal CI [10k, 1M] has analytic EAL 133,199.
    let m = one_risk(
        Frequency::poisson(0.5).unwrap(),
        Magnitude::lognormal_ci90(1e4, 1e6).unwrap(),
    );
    assert!((m.expected_annual_loss() - 133_199.0).abs() < 1.0);
    // sigma = 1.4: the fourth moment is so heavy that the sample SE of the variance is not
    // trustworthy at 10^6 trials, so only the mean is checked here.
    check("poisson x lognormal(1e4, 1e6)", &m, 1, false);
}

#[test]
fn poisson_lognormal_moderate_tail() {
    let m = one_risk(
        Frequency::poisson(2.5).unwrap(),
        Magnitude::lognormal_ci90(1e4, 1e5).unwrap(),
    );
    check("poisson x lognormal(1e4, 1e5)", &m, 2, true);
}

#[test]
fn bernoulli_pert() {
    let m = one_risk(
        Frequency::bernoulli(0.3).unwrap(),
        Magnitude::pert(50e3, 200e3, 1e6).unwrap(),
    );
    check("bernoulli x pert", &m, 3, true);
}

#[test]
fn negative_binomial_gamma() {
    let m = one_risk(
        Frequency::negative_binomial(2.0, 6.0).unwrap(),
        Magnitude::gamma(2.0, 25e3).unwrap(),
    );
    check("negative binomial x gamma", &m, 4, true);
}

#[test]
fn uncertain_rate_triangular() {
    let m = one_risk(
        Frequency::poisson_ci90(0.5, 3.0).unwrap(),
        Magnitude::triangular(10e3, 60e3, 900e3).unwrap(),
    );
    check("uncertain poisson x triangular", &m, 5, true);
}

#[test]
fn capped_uniform_and_capped_pareto() {
    let m = one_risk(
        Frequency::poisson(3.0).unwrap(),
        Magnitude::uniform(1e3, 9e3).unwrap().with_cap(8e3).unwrap(),
    );
    check("poisson x capped uniform", &m, 6, true);
    // Infinite-mean Pareto (shape 0.9) made finite by its cap.
    let m = one_risk(
        Frequency::poisson(1.2).unwrap(),
        Magnitude::pareto_capped(1e4, 0.9, 5e6).unwrap(),
    );
    check("poisson x capped pareto", &m, 7, true);
}

#[test]
fn bernoulli_empirical_and_fixed() {
    let m = one_risk(
        Frequency::bernoulli(0.9).unwrap(),
        Magnitude::empirical(&[1e3, 5e3, 5e3, 2e4, 1.5e5]).unwrap(),
    );
    check("bernoulli x empirical", &m, 8, true);
    let m = one_risk(
        Frequency::poisson(4.0).unwrap(),
        Magnitude::fixed(1e4).unwrap(),
    );
    check("poisson x fixed", &m, 9, true);
}

#[test]
fn mixed_portfolio_adds_means_and_variances() {
    // Pooled Poisson risks and risks with their own counts in one run: means and (independent)
    // variances add, and each risk's streamed EAL matches its own analytic value.
    let risks = vec![
        Risk::new(
            "a",
            Frequency::poisson(0.7).unwrap(),
            Magnitude::gamma(3.0, 1e4).unwrap(),
        ),
        Risk::new(
            "b",
            Frequency::poisson(2.0).unwrap(),
            Magnitude::lognormal_ci90(1e3, 3e4).unwrap(),
        ),
        Risk::new(
            "c",
            Frequency::bernoulli(0.2).unwrap(),
            Magnitude::pert(1e4, 5e4, 4e5).unwrap(),
        ),
        Risk::new(
            "d",
            Frequency::negative_binomial(1.0, 3.0).unwrap(),
            Magnitude::uniform(0.0, 5e4).unwrap(),
        ),
        Risk::new(
            "never",
            Frequency::poisson(0.0).unwrap(),
            Magnitude::fixed(1e9).unwrap(),
        ),
        // Every year the same size to within 1: SD 1/sqrt(12) next to a mean of 1e9, which a
        // one-pass variance formula would lose to cancellation.
        Risk::new(
            "regular",
            Frequency::bernoulli(1.0).unwrap(),
            Magnitude::uniform(1e9, 1e9 + 1.0).unwrap(),
        ),
    ];
    let model = Model::new(risks.into_iter().map(Result::unwrap).collect()).unwrap();
    check("mixed portfolio", &model, 10, true);
    let report = simulate(&model, 11, TRIALS);
    for (risk, got) in model.risks().iter().zip(report.risks()) {
        assert_eq!(risk.id(), got.id);
        let expected = risk.expected_annual_loss();
        assert!(
            (got.expected_annual_loss - expected).abs() <= K_SE * got.standard_error,
            "risk {}: {} vs {expected} (SE {})",
            risk.id(),
            got.expected_annual_loss,
            got.standard_error
        );
        let sd = risk.annual_loss_variance().sqrt();
        // The streamed SD is a sample SD of ~10^6 values; 5% is far outside its sampling error
        // for these light tails and catches a wrong streaming formula.
        assert!(
            (got.std_dev - sd).abs() <= 0.05 * sd + 1e-9,
            "risk {} sd {} vs {sd}",
            risk.id(),
            got.std_dev
        );
    }
    assert_eq!(report.risk("never").unwrap().expected_annual_loss, 0.0);
}

#[test]
fn fair_factors_thinned_frequency_and_secondary_loss() {
    use csfquant::Efficacy;
    // DOMAIN.md §2 worked example: TEF 4/yr, Vuln 0.25, PL mean 100k, SLEF 0.2, SLM mean 500k:
    // LEF 1, LM 200k, ALE 200k. Lognormals with those means: e^{μ + σ²/2} = mean.
    let pl = Magnitude::lognormal(100e3f64.ln() - 0.18, 0.6).unwrap();
    let slm = Magnitude::lognormal(500e3f64.ln() - 0.32, 0.8).unwrap();
    let lm = pl.with_secondary(0.2, slm).unwrap();
    let fixed = Frequency::poisson(4.0)
        .unwrap()
        .thinned(Efficacy::fixed(0.25).unwrap())
        .unwrap();
    let m = one_risk(fixed, lm.clone());
    assert!((m.expected_annual_loss() - 200e3).abs() < 1e-9 * 200e3);
    check("FAIR example, fixed vulnerability", &m, 20, true);
    // The same with an uncertain vulnerability of mean 0.25 (PERT 0.1, 0.25, 0.4), drawn once a
    // year: the same ALE, a larger variance, and the engine draws the risk's own counts.
    let uncertain = Frequency::poisson(4.0)
        .unwrap()
        .thinned(Efficacy::pert(0.1, 0.25, 0.4).unwrap())
        .unwrap();
    let m2 = one_risk(uncertain, lm.clone());
    assert!((m2.expected_annual_loss() - 200e3).abs() < 1e-9 * 200e3);
    assert!(m2.annual_loss_variance() > m.annual_loss_variance());
    check("FAIR example, uncertain vulnerability", &m2, 21, true);
    // Other bases and a capped composite, mixed with pooled risks.
    let risks = vec![
        Risk::new("fair", uncertain, lm.clone()),
        Risk::new(
            "attempts",
            Frequency::fixed(12)
                .unwrap()
                .thinned(Efficacy::triangular(0.0, 0.05, 0.3).unwrap())
                .unwrap(),
            Magnitude::pert(1e4, 3e4, 1e5)
                .unwrap()
                .with_secondary(0.5, Magnitude::uniform(0.0, 1e5).unwrap())
                .unwrap()
                .with_cap(1.5e5)
                .unwrap(),
        ),
        Risk::new(
            "campaigns",
            Frequency::negative_binomial(3.0, 9.0)
                .unwrap()
                .thinned(Efficacy::uniform(0.2, 0.5).unwrap())
                .unwrap(),
            Magnitude::gamma(2.0, 2e4).unwrap(),
        ),
        Risk::new(
            "pooled",
            Frequency::poisson(2.0).unwrap(),
            Magnitude::lognormal_ci90(1e3, 3e4).unwrap(),
        ),
    ];
    let model = Model::new(risks.into_iter().map(Result::unwrap).collect()).unwrap();
    check("FAIR factors portfolio", &model, 22, true);
}
