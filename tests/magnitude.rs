//! Statistical tests of `Magnitude`: samplers against independent CDFs (statrs), sample moments
//! against the analytic ones, analytic capped moments against quadrature, and properties.
//!
//! Every test uses a fixed seed with the portable Xoshiro256++ generator, so it is
//! deterministic; the tolerances are still derived from the sampling error (as if the seed were
//! random), so that a correct sampler passes for almost any seed and a wrong one fails.
#![allow(clippy::unwrap_used)]

use csfquant::Magnitude;
use proptest::prelude::*;
use rand::SeedableRng;
use rand::distr::Distribution;
use rand::rngs::Xoshiro256PlusPlus;
use statrs::distribution::{Beta, ContinuousCDF, Gamma, LogNormal, Pareto, Triangular, Uniform};

/// `Φ⁻¹(0.95)`, as in DOMAIN.md §3.
const Z95: f64 = 1.644_853_626_951_472_2;

/// Asymptotic Kolmogorov critical value at α = 0.001: `P(√n D_n > 1.949) ≈ 0.001` for a
/// continuous F. With an atom (a cap) the test is conservative: the true level is below 0.001.
const KS_CRITICAL_0_001: f64 = 1.949;

/// Samples per Kolmogorov-Smirnov test.
const KS_N: usize = 50_000;

/// Samples per moment check.
const MOMENT_N: usize = 200_000;

/// Standard errors allowed between a sample statistic and its expectation. Under the normal
/// approximation a correct sampler lands outside ±5 SE with probability 6e-7 per check.
const SE_TOLERANCE: f64 = 5.0;

/// Relative tolerance between the closed-form capped moments and quadrature. The quadrature
/// (composite Simpson, 40,000 panels) is accurate to ~1e-10 here, and statrs' own `erfc` in the
/// lognormal oracle to ~1e-10 relative, so 1e-8 leaves room without hiding a wrong formula (a
/// wrong term is off by far more).
const QUADRATURE_TOLERANCE: f64 = 1e-8;

fn draw(m: &Magnitude, n: usize, seed: u64) -> Vec<f64> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    (0..n).map(|_| m.sample(&mut rng)).collect()
}

/// `(μ, σ)` of the lognormal whose 5th and 95th percentiles are `low` and `high`, written out
/// here again from DOMAIN.md §3 so the oracle does not reuse the library's arithmetic.
fn ci90_params(low: f64, high: f64) -> (f64, f64) {
    (
        (low.ln() + high.ln()) / 2.0,
        (high.ln() - low.ln()) / (2.0 * Z95),
    )
}

/// Canonical PERT shapes (DOMAIN.md §3).
fn pert_shapes(min: f64, mode: f64, max: f64, lambda: f64) -> (f64, f64) {
    (
        1.0 + lambda * (mode - min) / (max - min),
        1.0 + lambda * (max - mode) / (max - min),
    )
}

// ---- (a) Kolmogorov-Smirnov against statrs ------------------------------------------------------

/// The exact Kolmogorov distance `sup_x |F_n(x) − F(x)|` between the samples and the law of
/// `min(X, cap)`, where `cdf_x` is the CDF of X (continuous). The capped law has an atom at the
/// cap: `F(cap⁻) = cdf_x(cap)` and `F(cap) = 1`. Between distinct sample values F_n is flat and F
/// monotone, so the supremum is reached at a sample value or just below one.
fn ks_distance(samples: &mut [f64], cdf_x: &dyn Fn(f64) -> f64, cap: f64) -> f64 {
    samples.sort_by(f64::total_cmp);
    let n = samples.len() as f64;
    let (mut d, mut i) = (0.0f64, 0);
    while i < samples.len() {
        let v = samples[i];
        let mut j = i;
        while j < samples.len() && samples[j] == v {
            j += 1;
        }
        let (below, at) = if v >= cap {
            (cdf_x(cap), 1.0)
        } else {
            (cdf_x(v), cdf_x(v))
        };
        d = d
            .max((i as f64 / n - below).abs())
            .max((j as f64 / n - at).abs());
        i = j;
    }
    d
}

/// KS-tests `m` against `cdf_x` (capped at `m.cap()`), and checks `m.cdf` against the oracle at
/// every 97th sample: the two must agree to the oracle's accuracy (statrs `erfc` ~1e-10).
fn assert_ks(name: &str, m: &Magnitude, cdf_x: &dyn Fn(f64) -> f64, seed: u64) {
    let cap = m.cap().unwrap_or(f64::INFINITY);
    let mut xs = draw(m, KS_N, seed);
    let d = ks_distance(&mut xs, cdf_x, cap);
    let critical = KS_CRITICAL_0_001 / (KS_N as f64).sqrt();
    assert!(d < critical, "{name}: KS distance {d:.5} >= {critical:.5}");
    for &x in xs.iter().step_by(97) {
        let want = if x >= cap { 1.0 } else { cdf_x(x) };
        let got = m.cdf(x);
        assert!(
            (got - want).abs() < 1e-9,
            "{name}: cdf({x}) = {got}, oracle {want}"
        );
    }
}

#[test]
fn ks_lognormal() {
    let (mu, sigma) = ci90_params(1e4, 1e6);
    let oracle = LogNormal::new(mu, sigma).unwrap();
    let f = |x: f64| oracle.cdf(x);
    let m = Magnitude::lognormal_ci90(1e4, 1e6).unwrap();
    assert_ks("lognormal_ci90", &m, &f, 1);
    assert_ks("lognormal_ci90 capped", &m.with_cap(1e6).unwrap(), &f, 2);
    let small = LogNormal::new(2.0, 0.1).unwrap();
    let m = Magnitude::lognormal(2.0, 0.1).unwrap();
    assert_ks("lognormal(2, 0.1)", &m, &|x| small.cdf(x), 3);
}

#[test]
fn ks_pert() {
    for (i, &(a, mode, b, lambda, cap)) in [
        (50e3, 200e3, 1e6, 4.0, f64::INFINITY),
        (50e3, 200e3, 1e6, 2.0, 5e5),
        (0.0, 0.0, 1e6, 4.0, f64::INFINITY), // alpha = 1: the smallest gamma shape the PERT sampler uses
        (1e3, 2e3, 2e3, 4.0, 1.9e3),         // beta = 1, capped just below the mode
        (0.0, 3e5, 1e6, 300.0, f64::INFINITY),
    ]
    .iter()
    .enumerate()
    {
        let (alpha, beta) = pert_shapes(a, mode, b, lambda);
        let oracle = Beta::new(alpha, beta).unwrap();
        let f = |x: f64| oracle.cdf((x - a) / (b - a));
        let mut m = Magnitude::pert_with_lambda(a, mode, b, lambda).unwrap();
        if cap.is_finite() {
            m = m.with_cap(cap).unwrap();
        }
        assert_ks(&format!("pert {i}"), &m, &f, 10 + i as u64);
    }
}

#[test]
fn ks_triangular() {
    for (i, &(a, mode, b, cap)) in [
        (50e3, 200e3, 1e6, f64::INFINITY),
        (50e3, 200e3, 1e6, 6e5),
        (50e3, 200e3, 1e6, 1e5), // a cap below the mode
        (0.0, 0.0, 1.0, f64::INFINITY),
        (0.0, 1.0, 1.0, f64::INFINITY),
    ]
    .iter()
    .enumerate()
    {
        let oracle = Triangular::new(a, b, mode).unwrap();
        let f = |x: f64| oracle.cdf(x);
        let mut m = Magnitude::triangular(a, mode, b).unwrap();
        if cap.is_finite() {
            m = m.with_cap(cap).unwrap();
        }
        assert_ks(&format!("triangular {i}"), &m, &f, 20 + i as u64);
    }
}

#[test]
fn ks_uniform() {
    let oracle = Uniform::new(1e3, 5e4).unwrap();
    let f = |x: f64| oracle.cdf(x);
    let m = Magnitude::uniform(1e3, 5e4).unwrap();
    assert_ks("uniform", &m, &f, 30);
    assert_ks("uniform capped", &m.with_cap(2e4).unwrap(), &f, 31);
}

#[test]
fn ks_gamma() {
    // Shapes below, at and above 1 take different rand_distr code paths.
    for (i, &(shape, scale, cap)) in [
        (0.4, 1e5, f64::INFINITY),
        (1.0, 1e5, f64::INFINITY),
        (3.5, 2e4, f64::INFINITY),
        (3.5, 2e4, 8e4),
        (0.4, 1e5, 1e4),
    ]
    .iter()
    .enumerate()
    {
        let oracle = Gamma::new(shape, 1.0 / scale).unwrap(); // statrs takes the rate
        let f = |x: f64| oracle.cdf(x);
        let mut m = Magnitude::gamma(shape, scale).unwrap();
        if cap.is_finite() {
            m = m.with_cap(cap).unwrap();
        }
        assert_ks(&format!("gamma {i}"), &m, &f, 40 + i as u64);
    }
}

#[test]
fn ks_pareto() {
    let oracle = Pareto::new(5e4, 2.5).unwrap();
    let f = |x: f64| oracle.cdf(x);
    let m = Magnitude::pareto(5e4, 2.5).unwrap();
    assert_ks("pareto", &m, &f, 50);
    assert_ks("pareto with_cap", &m.with_cap(2e5).unwrap(), &f, 51);
    // Shape < 1 is only legal capped; the cap carries a large atom (P(X > c) = 0.25).
    let oracle = Pareto::new(1e4, 0.5).unwrap();
    let m = Magnitude::pareto_capped(1e4, 0.5, 1.6e5).unwrap();
    assert_ks("pareto_capped", &m, &|x| oracle.cdf(x), 52);
}

/// Pearson's chi-square statistic of `samples` against the exact probabilities of `support`.
fn chi_square(samples: &[f64], support: &[(f64, f64)]) -> f64 {
    let n = samples.len() as f64;
    support
        .iter()
        .map(|&(value, p)| {
            let observed = samples.iter().filter(|&&x| x == value).count() as f64;
            let expected = n * p;
            (observed - expected).powi(2) / expected
        })
        .sum()
}

#[test]
fn empirical_frequencies_match_the_data_exactly() {
    let data = [10.0, 1.0, 2.0, 40.0, 2.0, 5.0, 10.0, 10.0];
    let m = Magnitude::empirical(&data).unwrap();
    let xs = draw(&m, KS_N, 60);
    // Every sample is an observation, and each observation has probability count / 8.
    assert!(xs.iter().all(|x| data.contains(x)));
    let support =
        [(1.0, 1.0), (2.0, 2.0), (5.0, 1.0), (10.0, 3.0), (40.0, 1.0)].map(|(v, k)| (v, k / 8.0));
    // Chi-square with 4 degrees of freedom: 18.467 is its 0.999 quantile.
    let stat = chi_square(&xs, &support);
    assert!(stat < 18.467, "chi-square {stat}");
    // Capped at 7: 10 and 40 become 7 (probability 4/8); 3 degrees of freedom, whose 0.999
    // quantile is 16.266.
    let xs = draw(&m.with_cap(7.0).unwrap(), KS_N, 61);
    let support = [(1.0, 1.0), (2.0, 2.0), (5.0, 1.0), (7.0, 4.0)].map(|(v, k)| (v, k / 8.0));
    let stat = chi_square(&xs, &support);
    assert!(stat < 16.266, "capped chi-square {stat}");
    assert!(xs.iter().all(|x| [1.0, 2.0, 5.0, 7.0].contains(x)));
}

#[test]
fn fixed_samples_are_the_value() {
    let m = Magnitude::fixed(12_345.0).unwrap();
    assert!(draw(&m, 1_000, 70).iter().all(|&x| x == 12_345.0));
    let c = m.with_cap(1e4).unwrap();
    assert!(draw(&c, 1_000, 71).iter().all(|&x| x == 1e4));
}

// ---- (b) sample moments against the analytic ones -----------------------------------------------

/// Checks the sample mean and (if `check_variance`) the sample variance of `m` against
/// `m.mean()` and `m.variance()`.
///
/// - Mean: the SE is `sd / √n` with the analytic sd, exact for any finite variance.
/// - Variance: the unbiased sample variance s² has asymptotic variance `(μ₄ − σ⁴) / n`; μ₄ is
///   estimated by the sample fourth central moment. That estimate is reliable only when the
///   eighth moment is finite, so variance checks are only asked of laws with finite moments of
///   all orders (bounded, capped, gamma, a lognormal with small σ) or Pareto with shape > 8.
fn assert_moments(name: &str, m: &Magnitude, seed: u64, check_variance: bool) {
    let xs = draw(m, MOMENT_N, seed);
    let n = MOMENT_N as f64;
    let mean_hat = xs.iter().sum::<f64>() / n;
    let se_mean = (m.variance() / n).sqrt();
    assert!(
        (mean_hat - m.mean()).abs() < SE_TOLERANCE * se_mean,
        "{name}: sample mean {mean_hat} vs {} (se {se_mean})",
        m.mean()
    );
    if check_variance {
        let dev = |k: i32| xs.iter().map(|x| (x - mean_hat).powi(k)).sum::<f64>();
        let var_hat = dev(2) / (n - 1.0);
        let m4_hat = dev(4) / n;
        let se_var = ((m4_hat - var_hat * var_hat) / n).sqrt();
        assert!(
            (var_hat - m.variance()).abs() < SE_TOLERANCE * se_var,
            "{name}: sample variance {var_hat} vs {} (se {se_var})",
            m.variance()
        );
    }
}

#[test]
fn sample_moments_match_analytic_moments() {
    let ci90 = Magnitude::lognormal_ci90(1e4, 1e6).unwrap();
    let pert = Magnitude::pert(50e3, 200e3, 1e6).unwrap();
    let tri = Magnitude::triangular(50e3, 200e3, 1e6).unwrap();
    let cases: Vec<(&str, Magnitude, bool)> = vec![
        // σ = 1.4: the fourth moment is ~3,000 σ⁴, too heavy for the variance check uncapped.
        ("lognormal_ci90", ci90.clone(), false),
        (
            "lognormal_ci90 cap 2M",
            ci90.clone().with_cap(2e6).unwrap(),
            true,
        ),
        ("lognormal_ci90 cap 50k", ci90.with_cap(5e4).unwrap(), true),
        (
            "lognormal(10, 0.5)",
            Magnitude::lognormal(10.0, 0.5).unwrap(),
            true,
        ),
        ("pert", pert.clone(), true),
        ("pert cap 400k", pert.with_cap(4e5).unwrap(), true),
        (
            "pert lambda 2 cap 150k",
            Magnitude::pert_with_lambda(50e3, 200e3, 1e6, 2.0)
                .unwrap()
                .with_cap(1.5e5)
                .unwrap(),
            true,
        ),
        ("triangular", tri.clone(), true),
        (
            "triangular cap 150k",
            tri.clone().with_cap(1.5e5).unwrap(),
            true,
        ),
        ("triangular cap 700k", tri.with_cap(7e5).unwrap(), true),
        ("uniform", Magnitude::uniform(0.0, 1e6).unwrap(), true),
        (
            "uniform cap",
            Magnitude::uniform(1e5, 1e6).unwrap().with_cap(3e5).unwrap(),
            true,
        ),
        ("gamma 0.4", Magnitude::gamma(0.4, 1e5).unwrap(), true),
        ("gamma 3.5", Magnitude::gamma(3.5, 2e4).unwrap(), true),
        (
            "gamma 3.5 cap",
            Magnitude::gamma(3.5, 2e4).unwrap().with_cap(6e4).unwrap(),
            true,
        ),
        // Shape 2.5: finite variance, so the mean check is valid; the variance check is not.
        ("pareto 2.5", Magnitude::pareto(5e4, 2.5).unwrap(), false),
        ("pareto 9", Magnitude::pareto(5e4, 9.0).unwrap(), true),
        (
            "pareto 2.5 cap",
            Magnitude::pareto(5e4, 2.5).unwrap().with_cap(1e6).unwrap(),
            true,
        ),
        (
            "pareto_capped 0.7",
            Magnitude::pareto_capped(1e4, 0.7, 1e7).unwrap(),
            true,
        ),
        (
            "pareto_capped 1",
            Magnitude::pareto_capped(1e4, 1.0, 1e6).unwrap(),
            true,
        ),
        (
            "empirical",
            Magnitude::empirical(&[1e3, 5e3, 5e3, 2e4, 1e5, 7.5e5]).unwrap(),
            true,
        ),
        (
            "empirical cap",
            Magnitude::empirical(&[1e3, 5e3, 5e3, 2e4, 1e5, 7.5e5])
                .unwrap()
                .with_cap(5e4)
                .unwrap(),
            true,
        ),
    ];
    for (i, (name, m, check_variance)) in cases.iter().enumerate() {
        assert_moments(name, m, 100 + i as u64, *check_variance);
    }
}

// ---- (c) closed-form capped moments against quadrature of the statrs CDF ------------------------

/// Composite Simpson's rule with `panels` (even) panels.
fn simpson(f: impl Fn(f64) -> f64, a: f64, b: f64, panels: u32) -> f64 {
    let h = (b - a) / f64::from(panels);
    let inner: f64 = (1..panels)
        .map(|i| f64::from(if i % 2 == 1 { 4 } else { 2 }) * f(a + f64::from(i) * h))
        .sum();
    (f(a) + f(b) + inner) * h / 3.0
}

/// `(E[min(X, c)], E[min(X, c)²])` from the survival function `sf` of X, which is 1 below
/// `low` (the smallest possible value):
/// `E[min(X, c)] = low + ∫_low^c S(x) dx`, `E[min(X, c)²] = low² + ∫_low^c 2x S(x) dx`.
/// With `log_scale` (for `low = 0` and long tails) the integrals run in `u = ln x` over
/// `[ln c − 60, ln c]`; the part below weighs less than `c e^(−60)`.
fn quadrature(sf: &dyn Fn(f64) -> f64, low: f64, c: f64, log_scale: bool) -> (f64, f64) {
    const PANELS: u32 = 40_000;
    if log_scale {
        let top = c.ln();
        let e1 = simpson(|u| u.exp() * sf(u.exp()), top - 60.0, top, PANELS);
        let e2 = simpson(
            |u| 2.0 * (2.0 * u).exp() * sf(u.exp()),
            top - 60.0,
            top,
            PANELS,
        );
        (e1, e2)
    } else {
        let e1 = low + simpson(sf, low, c, PANELS);
        let e2 = low * low + simpson(|x| 2.0 * x * sf(x), low, c, PANELS);
        (e1, e2)
    }
}

fn assert_quadrature(name: &str, m: &Magnitude, sf: &dyn Fn(f64) -> f64, low: f64, log: bool) {
    let c = m.cap().unwrap();
    let (e1, e2) = quadrature(sf, low, c, log);
    let rel = |got: f64, want: f64| ((got - want) / want).abs();
    assert!(
        rel(m.mean(), e1) < QUADRATURE_TOLERANCE,
        "{name}: mean {} vs quadrature {e1}",
        m.mean()
    );
    assert!(
        rel(m.second_moment(), e2) < QUADRATURE_TOLERANCE,
        "{name}: E[Y^2] {} vs quadrature {e2}",
        m.second_moment()
    );
    // The quadrature variance e2 − e1² cancels; compare on the scale of E[Y²].
    let var_q = e2 - e1 * e1;
    assert!(
        (m.variance() - var_q).abs() < QUADRATURE_TOLERANCE * e2,
        "{name}: variance {} vs quadrature {var_q}",
        m.variance()
    );
}

#[test]
fn capped_lognormal_moments_match_quadrature() {
    for &(low, high) in &[(1e4, 1e6), (1e3, 1e8), (9e4, 1.1e5)] {
        let (mu, sigma) = ci90_params(low, high);
        let oracle = LogNormal::new(mu, sigma).unwrap();
        for cap in [low / 3.0, low, mu.exp(), high, high * 10.0] {
            let m = Magnitude::lognormal_ci90(low, high)
                .unwrap()
                .with_cap(cap)
                .unwrap();
            let name = format!("lognormal_ci90({low}, {high}) cap {cap}");
            assert_quadrature(&name, &m, &|x| oracle.sf(x), 0.0, true);
        }
    }
}

#[test]
fn capped_pert_moments_match_quadrature() {
    for &(a, mode, b, lambda) in &[
        (50e3, 200e3, 1e6, 4.0),
        (50e3, 200e3, 1e6, 2.0),
        (0.0, 0.0, 1e6, 4.0),
        (1e3, 2e3, 2e3, 4.0),
        (0.0, 3e5, 1e6, 80.0),
    ] {
        let (alpha, beta) = pert_shapes(a, mode, b, lambda);
        let oracle = Beta::new(alpha, beta).unwrap();
        let sf = |x: f64| oracle.sf((x - a) / (b - a));
        for frac in [0.05, 0.3, 0.6, 0.95] {
            let cap = a + frac * (b - a);
            let m = Magnitude::pert_with_lambda(a, mode, b, lambda)
                .unwrap()
                .with_cap(cap)
                .unwrap();
            let name = format!("pert({a}, {mode}, {b}, {lambda}) cap {cap}");
            assert_quadrature(&name, &m, &sf, a, false);
        }
    }
}

#[test]
fn capped_triangular_and_uniform_moments_match_quadrature() {
    for &(a, mode, b) in &[(50e3, 200e3, 1e6), (0.0, 0.0, 1e6), (1e3, 2e3, 2e3)] {
        let oracle = Triangular::new(a, b, mode).unwrap();
        for frac in [0.05, 0.15, 0.5, 0.95] {
            let cap = a + frac * (b - a);
            let m = Magnitude::triangular(a, mode, b)
                .unwrap()
                .with_cap(cap)
                .unwrap();
            let name = format!("triangular({a}, {mode}, {b}) cap {cap}");
            assert_quadrature(&name, &m, &|x| oracle.sf(x), a, false);
        }
    }
    let oracle = Uniform::new(2e4, 1e5).unwrap();
    for cap in [2.1e4, 6e4, 9.9e4] {
        let m = Magnitude::uniform(2e4, 1e5).unwrap().with_cap(cap).unwrap();
        assert_quadrature("uniform", &m, &|x| oracle.sf(x), 2e4, false);
    }
}

#[test]
fn capped_gamma_moments_match_quadrature() {
    for &(shape, scale) in &[(0.4, 1e5), (1.0, 1e4), (3.5, 2e4), (50.0, 1e3)] {
        let oracle = Gamma::new(shape, 1.0 / scale).unwrap();
        let mean = shape * scale;
        for cap in [mean / 10.0, mean, mean * 3.0] {
            let m = Magnitude::gamma(shape, scale)
                .unwrap()
                .with_cap(cap)
                .unwrap();
            let name = format!("gamma({shape}, {scale}) cap {cap}");
            assert_quadrature(&name, &m, &|x| oracle.sf(x), 0.0, true);
        }
    }
}

#[test]
fn capped_pareto_moments_match_quadrature() {
    let xm = 1e4;
    for shape in [0.3, 1.0, 1.5, 2.0, 2.5, 5.0, 40.0] {
        let oracle = Pareto::new(xm, shape).unwrap();
        for factor in [1.05, 3.0, 100.0] {
            let cap = xm * factor;
            let m = Magnitude::pareto_capped(xm, shape, cap).unwrap();
            let name = format!("pareto_capped({xm}, {shape}, {cap})");
            // Integrate in log space: the survival function spans decades.
            let (e1, e2) = {
                let sf = |x: f64| oracle.sf(x);
                let top = cap.ln();
                let bottom = xm.ln();
                let e1 = xm + simpson(|u| u.exp() * sf(u.exp()), bottom, top, 40_000);
                let e2 =
                    xm * xm + simpson(|u| 2.0 * (2.0 * u).exp() * sf(u.exp()), bottom, top, 40_000);
                (e1, e2)
            };
            let rel = |got: f64, want: f64| ((got - want) / want).abs();
            assert!(
                rel(m.mean(), e1) < QUADRATURE_TOLERANCE,
                "{name}: mean {} vs {e1}",
                m.mean()
            );
            assert!(
                rel(m.second_moment(), e2) < QUADRATURE_TOLERANCE,
                "{name}: E[Y^2] {} vs {e2}",
                m.second_moment()
            );
            assert!(
                (m.variance() - (e2 - e1 * e1)).abs() < QUADRATURE_TOLERANCE * e2,
                "{name}: variance {} vs {}",
                m.variance(),
                e2 - e1 * e1
            );
        }
    }
}

// ---- (d) properties -----------------------------------------------------------------------------

/// A valid magnitude of any kind, optionally capped at `cap_factor` times a typical value.
fn any_magnitude() -> impl Strategy<Value = Magnitude> {
    let kind =
        prop_oneof![
            (-5.0..25.0f64, 0.01..5.0f64).prop_map(|(mu, sigma)| Magnitude::lognormal(mu, sigma)),
            (1.0..1e8f64, 1.001..1e4f64)
                .prop_map(|(low, ratio)| Magnitude::lognormal_ci90(low, low * ratio)),
            (0.0..1e7f64, 1e-3..1e7f64, 0.0..=1.0f64, 0.01..=1000.0f64)
                .prop_map(|(a, w, f, l)| { Magnitude::pert_with_lambda(a, a + f * w, a + w, l) }),
            (0.0..1e7f64, 1e-3..1e7f64, 0.0..=1.0f64).prop_map(|(a, w, f)| Magnitude::triangular(
                a,
                a + f * w,
                a + w
            )),
            (0.0..1e7f64, 1e-3..1e7f64).prop_map(|(a, w)| Magnitude::uniform(a, a + w)),
            (0.01..1e4f64, 1e-3..1e7f64).prop_map(|(k, s)| Magnitude::gamma(k, s)),
            (1.0..1e7f64, 1.01..10.0f64).prop_map(|(s, a)| Magnitude::pareto(s, a)),
            (1.0..1e7f64, 0.05..10.0f64, 1.01..1e6f64)
                .prop_map(|(s, a, f)| Magnitude::pareto_capped(s, a, s * f)),
            (0.0..1e9f64).prop_map(Magnitude::fixed),
            prop::collection::vec(0.0..1e9f64, 1..50).prop_map(|v| Magnitude::empirical(&v)),
        ];
    (kind, prop::option::of(0.01..100.0f64)).prop_map(|(m, cap_factor)| {
        let m = m.unwrap();
        match cap_factor {
            // A cap around the mean; caps at or below the smallest loss are refused, so
            // fall back to the uncapped law then.
            Some(f) => m.clone().with_cap(m.mean() * f).unwrap_or(m),
            None => m,
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn samples_are_finite_non_negative_and_capped(m in any_magnitude(), seed in any::<u64>()) {
        let cap = m.cap().unwrap_or(f64::INFINITY);
        for x in draw(&m, 200, seed) {
            prop_assert!(x.is_finite() && x >= 0.0 && x <= cap, "{m:?}: sample {x}");
        }
    }

    #[test]
    fn cdf_is_a_distribution_function(m in any_magnitude(), seed in any::<u64>()) {
        // Evaluate at samples, their neighbours and fixed points, in increasing order.
        let mut xs = draw(&m, 100, seed);
        xs.extend(xs.clone().iter().map(|x| x * (1.0 + 1e-9)));
        xs.extend([-1.0, 0.0, 1.0, 1e3, 1e6, 1e9, 1e12]);
        xs.sort_by(f64::total_cmp);
        let mut previous = 0.0;
        for &x in &xs {
            let p = m.cdf(x);
            prop_assert!((0.0..=1.0).contains(&p), "{m:?}: cdf({x}) = {p}");
            // The special functions switch algorithms inside their domain (continued fraction
            // vs series, or the symmetry I_x(a, b) = 1 − I_{1−x}(b, a)); allow rounding there.
            prop_assert!(p >= previous - 1e-12, "{m:?}: cdf({x}) = {p} < {previous}");
            previous = previous.max(p);
        }
        prop_assert_eq!(m.cdf(f64::INFINITY), 1.0);
        prop_assert_eq!(m.cdf(-1.0), 0.0);
    }

    #[test]
    fn moments_are_consistent(m in any_magnitude()) {
        let (mean, var, second) = (m.mean(), m.variance(), m.second_moment());
        let cap = m.cap().unwrap_or(f64::INFINITY);
        prop_assert!(mean.is_finite() && mean >= 0.0 && mean <= cap, "{m:?}: mean {mean}");
        prop_assert!(var >= 0.0, "{m:?}: variance {var}");
        prop_assert!(second >= 0.0, "{m:?}: second moment {second}");
        if second.is_finite() && var.is_finite() {
            // E[Y²] = Var + E[Y]², up to rounding of the larger term.
            let scale = second.max(mean * mean);
            prop_assert!((second - var - mean * mean).abs() <= 1e-9 * scale, "{m:?}");
        }
    }
}

// ---- Secondary loss (FAIR LM = PL + SL) -----------------------------------------------------------

#[test]
fn secondary_loss_moments_are_exact_and_match_samples() {
    let pl = Magnitude::pert(1e4, 5e4, 2e5).unwrap();
    let slm = Magnitude::gamma(2.0, 1e5).unwrap();
    let m = pl.clone().with_secondary(0.3, slm.clone()).unwrap();
    // E = E[P] + pE[S]; E[X²] = E[P²] + 2pE[P]E[S] + pE[S²].
    let mean = pl.mean() + 0.3 * slm.mean();
    let second =
        pl.second_moment() + 2.0 * 0.3 * pl.mean() * slm.mean() + 0.3 * slm.second_moment();
    assert!((m.mean() - mean).abs() < 1e-9 * mean);
    assert!((m.second_moment() - second).abs() < 1e-9 * second);
    assert!((m.variance() - (second - mean * mean)).abs() < 1e-9 * m.variance());
    assert_eq!(m.primary(), Some(&pl));
    assert_eq!(m.secondary(), Some(&slm));
    assert_eq!(m.secondary_probability(), Some(0.3));
    let cases: Vec<(&str, Magnitude)> = vec![
        ("pert + 0.3 gamma", m.clone()),
        (
            "uniform + 1.0 lognormal",
            Magnitude::uniform(0.0, 1e5)
                .unwrap()
                .with_secondary(1.0, Magnitude::lognormal(10.0, 0.5).unwrap())
                .unwrap(),
        ),
        (
            "fixed + 0.2 triangular, capped",
            Magnitude::fixed(1e5)
                .unwrap()
                .with_secondary(0.2, Magnitude::triangular(0.0, 1e5, 1e6).unwrap())
                .unwrap()
                .with_cap(6e5)
                .unwrap(),
        ),
        ("pert + 0.3 gamma, capped at 3e5", m.with_cap(3e5).unwrap()),
    ];
    for (seed, (name, m)) in cases.iter().enumerate() {
        assert_moments(name, m, 9000 + seed as u64, true);
    }
}

/// `P(P + S <= x)` by Simpson over the primary's density (`pdf` on `[a, b]`), an oracle
/// independent of the library's tanh-sinh convolution.
fn convolution(
    pdf: impl Fn(f64) -> f64,
    a: f64,
    b: f64,
    cdf_s: impl Fn(f64) -> f64,
    x: f64,
) -> f64 {
    simpson(|y| pdf(y) * cdf_s(x - y), a, b, 200_000)
}

#[test]
fn secondary_loss_cdf_matches_an_independent_convolution_and_samples() {
    // Uniform primary on [1e4, 1e5] + 0.4 · lognormal(10, 0.5): F = 0.6 F_P + 0.4 ∫ f_P F_S(x − y).
    let (mu, sigma) = (10.0, 0.5);
    let s_oracle = LogNormal::new(mu, sigma).unwrap();
    let m = Magnitude::uniform(1e4, 1e5)
        .unwrap()
        .with_secondary(0.4, Magnitude::lognormal(mu, sigma).unwrap())
        .unwrap();
    for x in [5e3, 2e4, 5e4, 1e5, 1.3e5, 3e5, 1e6] {
        let fp = ((x - 1e4) / 9e4f64).clamp(0.0, 1.0);
        let conv = convolution(
            |_| 1.0 / 9e4,
            1e4,
            1e5,
            |t| if t > 0.0 { s_oracle.cdf(t) } else { 0.0 },
            x,
        );
        let want = 0.6 * fp + 0.4 * conv;
        assert!(
            (m.cdf(x) - want).abs() < 1e-9,
            "cdf({x}) = {} vs {want}",
            m.cdf(x)
        );
    }
    // KS against the library's own cdf for several shapes, capped and not.
    let gamma_oracle = Gamma::new(2.0, 1.0 / 1e5).unwrap();
    let pert = Magnitude::pert(1e4, 5e4, 2e5).unwrap();
    let cases: Vec<(&str, Magnitude)> = vec![
        ("uniform + lognormal", m.clone()),
        (
            "pert + gamma",
            pert.clone()
                .with_secondary(0.3, Magnitude::gamma(2.0, 1e5).unwrap())
                .unwrap(),
        ),
        (
            "lognormal ci90 + pareto capped, total capped",
            Magnitude::lognormal_ci90(1e4, 1e6)
                .unwrap()
                .with_secondary(0.2, Magnitude::pareto_capped(5e4, 1.5, 5e6).unwrap())
                .unwrap()
                .with_cap(2e6)
                .unwrap(),
        ),
        (
            "pert + fixed (p = 1)",
            pert.with_secondary(1.0, Magnitude::fixed(5e4).unwrap())
                .unwrap(),
        ),
    ];
    for (seed, (name, m)) in cases.iter().enumerate() {
        // ks_distance wants the law below the cap, F(cap⁻), at the cap itself (`m.cdf` is 1 there).
        let cap = m.cap().unwrap_or(f64::INFINITY);
        let cdf = |x: f64| m.cdf(if x >= cap { cap.next_down() } else { x });
        // Each cdf of a composite is a numerical convolution: 20,000 samples keep the test short
        // and still resolve a cdf error of 1.4% (the critical distance).
        let n = 20_000;
        let mut xs = draw(m, n, 9100 + seed as u64);
        let d = ks_distance(&mut xs, &cdf, cap);
        let critical = KS_CRITICAL_0_001 / (n as f64).sqrt();
        assert!(d < critical, "{name}: KS distance {d:.5} >= {critical:.5}");
    }
    // The pert + gamma cdf against the independent convolution (statrs' Beta and Gamma).
    let (a, b) = pert_shapes(1e4, 5e4, 2e5, 4.0);
    let beta = Beta::new(a, b).unwrap();
    use statrs::distribution::Continuous;
    let m = Magnitude::pert(1e4, 5e4, 2e5)
        .unwrap()
        .with_secondary(0.3, Magnitude::gamma(2.0, 1e5).unwrap())
        .unwrap();
    for x in [3e4, 1e5, 2e5, 4e5, 1e6] {
        let fp = beta.cdf(((x - 1e4) / 1.9e5f64).clamp(0.0, 1.0));
        let conv = convolution(
            |y| beta.pdf((y - 1e4) / 1.9e5) / 1.9e5,
            1e4,
            2e5,
            |t| if t > 0.0 { gamma_oracle.cdf(t) } else { 0.0 },
            x,
        );
        let want = 0.7 * fp + 0.3 * conv;
        assert!(
            (m.cdf(x) - want).abs() < 1e-8,
            "pert + gamma cdf({x}) = {} vs {want}",
            m.cdf(x)
        );
    }
}

#[test]
fn secondary_loss_edge_and_error_cases() {
    let pl = Magnitude::uniform(1e3, 2e3).unwrap();
    let sl = Magnitude::fixed(1e4).unwrap();
    // p = 0: the primary itself.
    assert_eq!(pl.clone().with_secondary(0.0, sl.clone()).unwrap(), pl);
    assert_eq!(pl.clone().with_secondary(-0.0, sl.clone()).unwrap(), pl);
    // p = 1: always both; the cdf is the primary's shifted by 1e4.
    let both = pl.clone().with_secondary(1.0, sl.clone()).unwrap();
    assert_eq!(both.mean(), 1.5e3 + 1e4);
    assert!((both.cdf(1.15e4) - 0.5).abs() < 1e-12);
    assert!(
        draw(&both, 1000, 1)
            .iter()
            .all(|&x| (1.1e4..=1.2e4).contains(&x))
    );
    for bad in [-0.1, 1.0 + f64::EPSILON, f64::NAN, f64::INFINITY] {
        let e = pl.clone().with_secondary(bad, sl.clone()).unwrap_err();
        assert!(
            matches!(
                e,
                csfquant::Error::InvalidParameter {
                    name: "probability",
                    ..
                }
            ),
            "{e}"
        );
    }
    assert_eq!(
        pl.clone()
            .with_secondary(2.0, sl.clone())
            .unwrap_err()
            .to_string(),
        "invalid probability: 2 (expected a probability in [0, 1])"
    );
    let composite = pl.clone().with_secondary(0.5, sl.clone()).unwrap();
    let e = composite
        .clone()
        .with_secondary(0.5, sl.clone())
        .unwrap_err();
    assert!(matches!(
        e,
        csfquant::Error::InvalidParameter {
            name: "primary",
            ..
        }
    ));
    let e = pl
        .clone()
        .with_secondary(0.5, composite.clone())
        .unwrap_err();
    assert!(matches!(
        e,
        csfquant::Error::InvalidParameter {
            name: "secondary",
            ..
        }
    ));
    // The cap applies to the total and must lie above the smallest total (the primary's min).
    assert!(composite.clone().with_cap(1e3).is_err());
    let capped = composite.with_cap(5e3).unwrap();
    assert_eq!(capped.cap(), Some(5e3));
    // min(P + B·1e4, 5e3) is P (mean 1.5e3) or 5e3, each with probability 1/2.
    assert!((capped.mean() - (0.5 * 1.5e3 + 0.5 * 5e3)).abs() < 1e-6);
    assert!((capped.cdf(1.5e3) - 0.25).abs() < 1e-12);
    assert_eq!(capped.cdf(5e3), 1.0);
}

/// A huge `max` must not overflow the Beta shapes (which would collapse the loss onto `min`).
#[test]
fn pert_with_a_huge_max_keeps_its_shape() {
    let loss = Magnitude::pert(1e4, 6e4, 1e308).unwrap();
    // mean = (min + 4 mode + max) / 6, about 1.67e307.
    let expected = (1e4 + 4.0 * 6e4) / 6.0 + 1e308 / 6.0;
    assert!(
        (loss.mean() / expected - 1.0).abs() < 1e-12,
        "{}",
        loss.mean()
    );
    let e = Magnitude::pert(1e4, 6e4, 1e3).unwrap_err();
    assert!(e.to_string().contains("must be below"), "{e}");
    // Numbers far from everyday magnitudes are written in scientific notation.
    let e = Magnitude::uniform(1e300, 1e299).unwrap_err();
    assert!(e.to_string().contains("lower bound 1e300"), "{e}");
}

/// A capped primary-plus-secondary loss with a large empirical secondary: exact moments by
/// conditioning on each observation (linear in their number, not quadratic).
#[test]
fn capped_composite_with_a_large_empirical_secondary() {
    let values: Vec<f64> = (0..20_000).map(|i| f64::from(i) * 0.05).collect();
    let primary = Magnitude::uniform(0.0, 200.0).unwrap();
    let loss = primary
        .clone()
        .with_secondary(0.4, Magnitude::empirical(&values).unwrap())
        .unwrap()
        .with_cap(500.0)
        .unwrap();
    // E[min(U + s, c)] for U uniform on [0, w]: s + E[min(U, c - s)], by the uniform's closed form.
    let capped_uniform = |t: f64| {
        let t = t.clamp(0.0, 200.0);
        t - t * t / 400.0
    };
    let with_s: f64 = values
        .iter()
        .map(|&s| {
            if s >= 500.0 {
                500.0
            } else {
                s + capped_uniform(500.0 - s)
            }
        })
        .sum::<f64>()
        / values.len() as f64;
    let expected = 0.6 * 100.0 + 0.4 * with_s;
    assert!(
        (loss.mean() - expected).abs() < 1e-9 * expected,
        "{} vs {expected}",
        loss.mean()
    );
}

#[test]
fn a_capped_pert_over_a_range_whose_square_overflows_has_a_finite_variance() {
    // Generated case 111864: max = f64::MAX, capped far below it. The variance of the unit
    // Beta underflows to 0 while width² overflows: it was inf · 0 = NaN. Nearly all the mass is
    // above the cap, so the capped loss is the cap but for a share ~1e-301: mean = cap and
    // variance 0 to rounding.
    let cap = 3_772_410.800_073_156;
    let m = Magnitude::pert_with_lambda(
        134.046_810_711_790_56,
        184.339_821_587_744_58,
        f64::MAX,
        4.0,
    )
    .unwrap()
    .with_cap(cap)
    .unwrap();
    assert!(
        m.variance().is_finite() && m.variance() >= 0.0,
        "{}",
        m.variance()
    );
    assert!((m.mean() - cap).abs() <= 1e-9 * cap, "{}", m.mean());
    assert!(m.second_moment().is_finite());
}
