//! The lognormal loss `exp(μ + σZ)`, `Z` standard normal ([`Magnitude::lognormal`],
//! [`Magnitude::lognormal_ci90`]).
//!
//! [`Magnitude::lognormal`]: crate::Magnitude::lognormal
//! [`Magnitude::lognormal_ci90`]: crate::Magnitude::lognormal_ci90

use std::f64::consts::{LN_2, PI, SQRT_2};

use libm::erfc;
use rand::Rng;
use rand::distr::Distribution;
use rand_distr::StandardNormal;

use super::Moments;
use crate::check::positive;
use crate::error::{Error, Result};
use crate::model::Z95;

/// `exp(mu + sigma Z)`, `Z` standard normal.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Lognormal {
    mu: f64,
    sigma: f64,
}

impl Lognormal {
    /// From log-space `mu` and `sigma`, with the rules of
    /// [`Magnitude::lognormal`](crate::Magnitude::lognormal).
    pub(super) fn new(mu: f64, sigma: f64) -> Result<Self> {
        if !mu.is_finite() {
            return Err(Error::invalid("mu", mu, "a finite number (log-space)"));
        }
        let sigma = positive("sigma", sigma)?;
        let d = Lognormal { mu, sigma };
        if !d.mean().is_finite() {
            return Err(if mu.exp().is_finite() {
                Error::invalid(
                    "sigma",
                    sigma,
                    "small enough that the mean exp(mu + sigma^2 / 2) fits in f64",
                )
            } else {
                Error::invalid(
                    "mu",
                    mu,
                    "small enough that the mean exp(mu + sigma^2 / 2) fits in f64",
                )
            });
        }
        Ok(d)
    }

    /// From a 90% interval, with the rules of
    /// [`Magnitude::lognormal_ci90`](crate::Magnitude::lognormal_ci90).
    pub(super) fn from_ci90(low: f64, high: f64) -> Result<Self> {
        const POSITIVE: &str = "a finite number > 0 (a lognormal loss is positive)";
        if !(low > 0.0 && low.is_finite()) {
            return Err(Error::invalid("low", low, POSITIVE));
        }
        if !(high > 0.0 && high.is_finite()) {
            return Err(Error::invalid("high", high, POSITIVE));
        }
        // Both are finite by now, so the plain comparison cannot meet a NaN.
        if low >= high {
            return Err(Error::empty_range("ci90", low, high));
        }
        let (ln_low, ln_high) = (low.ln(), high.ln());
        let mu = (ln_low + ln_high) / 2.0;
        let sigma = (ln_high - ln_low) / (2.0 * Z95);
        // Neighbouring floats may have the same logarithm (ln 3 = ln 3⁺): then sigma is 0 and
        // the loss is the point mass e^mu, which every function below treats as such.
        let d = Lognormal { mu, sigma };
        if !d.mean().is_finite() {
            return Err(Error::invalid(
                "high",
                high,
                "an interval whose lognormal mean fits in f64",
            ));
        }
        Ok(d)
    }

    /// The log-space location `μ`.
    pub(crate) fn mu(&self) -> f64 {
        self.mu
    }

    /// The log-space scale `σ`.
    pub(crate) fn sigma(&self) -> f64 {
        self.sigma
    }

    fn mean(&self) -> f64 {
        self.moments(f64::INFINITY).mean
    }

    /// The smallest possible loss.
    pub(super) fn lower(&self) -> f64 {
        0.0
    }

    /// The largest possible loss.
    pub(super) fn upper(&self) -> f64 {
        f64::INFINITY
    }

    /// `P(X <= x)`.
    pub(super) fn cdf(&self, x: f64) -> f64 {
        if x <= 0.0 {
            0.0
        } else if self.sigma == 0.0 {
            // The value drawn, e^μ (neighbours of it may share its logarithm).
            if x >= self.mu.exp() { 1.0 } else { 0.0 }
        } else {
            normal_cdf((x.ln() - self.mu) / self.sigma)
        }
    }

    /// The density of `X` (0 for the point mass of `σ = 0`, which is an atom: see
    /// [`atom`](Self::atom)).
    pub(super) fn density(&self, x: f64) -> f64 {
        if x <= 0.0 || self.sigma == 0.0 {
            return 0.0;
        }
        let z = (x.ln() - self.mu) / self.sigma;
        (-0.5 * z * z).exp() / (x * self.sigma * (2.0 * PI).sqrt())
    }

    /// Moments of `min(X, c)`, `c > 0`.
    pub(super) fn moments(&self, c: f64) -> Moments {
        let (mu, sigma) = (self.mu, self.sigma);
        let s2 = sigma * sigma;
        if c == f64::INFINITY {
            let mean = (mu + s2 / 2.0).exp();
            // e^(2μ + σ²) (e^(σ²) − 1): expm1 keeps small σ accurate. When one factor underflows
            // and the other overflows (μ very negative, σ large), use the equal log-space form
            // e^(2μ + 2σ² + ln(1 − e^(−σ²))) instead of 0 · ∞.
            let variance = (2.0 * mu + s2).exp() * s2.exp_m1();
            let variance = if variance.is_nan() {
                (2.0 * mu + 2.0 * s2 + (-(-s2).exp_m1()).ln()).exp()
            } else {
                variance
            };
            return Moments {
                mean,
                variance,
                second: (2.0 * (mu + s2)).exp(),
            };
        }
        if sigma == 0.0 {
            // The point mass e^μ: z0 below would be 0 / 0 for a cap at the median.
            let x = mu.exp().min(c);
            return Moments {
                mean: x,
                variance: 0.0,
                second: x * x,
            };
        }
        let z0 = (c.ln() - mu) / sigma;
        // P(X > c) = Φ̄(z0).
        let tail = 0.5 * erfc(z0 / SQRT_2);
        // E[X^k; X <= c] = exp(kμ + k²σ²/2) Φ(z0 − kσ), summed in log space: the exponential can
        // overflow while the product with Φ stays small.
        let partial = |k: f64| (k * mu + k * k * s2 / 2.0 + ln_normal_cdf(z0 - k * sigma)).exp();
        let mean = partial(1.0) + c * tail;
        // (c · tail) · c rather than c² · tail: c² alone may overflow when the tail is tiny.
        let second = partial(2.0) + c * tail * c;
        Moments::from_raw(mean, second)
    }

    /// `E[min(X, c)]`, `0 < c < ∞`: the mean of [`moments`](Self::moments) alone, without the
    /// second moment's special-function calls.
    pub(super) fn limited_mean(&self, c: f64) -> f64 {
        let (mu, sigma) = (self.mu, self.sigma);
        if sigma == 0.0 {
            return mu.exp().min(c);
        }
        let z0 = (c.ln() - mu) / sigma;
        let tail = 0.5 * erfc(z0 / SQRT_2);
        // E[X; X <= c] = E[X] Φ(z0 − σ): E[X] is finite (checked at construction); where Φ
        // underflows the term is negligible beside c·P(X > c).
        (mu + sigma * sigma / 2.0).exp() * normal_cdf(z0 - sigma) + c * tail
    }

    /// The one value of a lognormal with no spread (`σ = 0`, from a 90% interval whose bounds
    /// have the same logarithm), which the composite's quadrature takes as an atom.
    pub(super) fn atom(&self) -> Option<f64> {
        (self.sigma == 0.0).then(|| self.mu.exp())
    }

    /// The body grid for the composite's quadrature: `e^{μ + kσ}`, `|k| <= 12`.
    pub(super) fn breakpoints(&self, b: &mut Vec<f64>) {
        b.extend((-12..=12).map(|k| (self.mu + self.sigma * f64::from(k)).exp()));
    }
}

impl Distribution<f64> for Lognormal {
    /// Always inlined: `Magnitude::sample` draws it inside the engine's loop.
    #[inline(always)]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let z: f64 = StandardNormal.sample(rng);
        (self.mu + self.sigma * z).exp()
    }
}

/// `Φ(z)`, the standard normal CDF, through `erfc` so that the lower tail keeps its relative
/// accuracy. `erfc` comes from `libm` (a port of musl/FreeBSD, < 1 ulp): statrs 0.19's `erfc`
/// is only accurate to about 1e-10 relative.
fn normal_cdf(z: f64) -> f64 {
    0.5 * erfc(-z / SQRT_2)
}

/// `ln Φ(z)`, finite down to `z ≈ −1e154` (where `Φ` itself underflows below `z ≈ −38`).
fn ln_normal_cdf(z: f64) -> f64 {
    if z > 0.0 {
        // Φ(z) = 1 − Φ̄(z): ln_1p keeps the tiny Φ̄ instead of rounding 1 − Φ̄ to 1.
        (-0.5 * erfc(z / SQRT_2)).ln_1p()
    } else if z > -30.0 {
        normal_cdf(z).ln()
    } else {
        // Mills-ratio expansion (Abramowitz & Stegun 26.2.12):
        // Φ(z) = φ(z)/|z| (1 − 1/z² + 3/z⁴ − 15/z⁶ + 105/z⁸ − 945/z¹⁰ + ...);
        // at |z| >= 30 the next term is below 2e-14 relative.
        let w = 1.0 / (z * z);
        let series = 1.0 - w * (1.0 - w * (3.0 - w * (15.0 - w * (105.0 - w * 945.0))));
        -0.5 * z * z - (-z).ln() - 0.5 * (LN_2 + PI.ln()) + series.ln()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::super::tests::{NON_FINITE, invalid_name, rel};
    use super::super::{Magnitude, Repr};
    use super::*;

    #[test]
    fn lognormal_rejects_bad_mu_and_sigma() {
        for bad in NON_FINITE {
            assert_eq!(
                invalid_name(Magnitude::lognormal(bad, 1.0).unwrap_err()),
                "mu"
            );
            assert_eq!(
                invalid_name(Magnitude::lognormal(0.0, bad).unwrap_err()),
                "sigma"
            );
        }
        for bad in [0.0, -0.0, -1.0] {
            let e = Magnitude::lognormal(0.0, bad).unwrap_err();
            assert_eq!(
                e.to_string(),
                format!("invalid sigma: {bad} (expected a finite number > 0)")
            );
        }
        // Negative mu is fine: losses below 1 currency unit are legal.
        assert!(Magnitude::lognormal(-3.0, 0.5).is_ok());
    }

    #[test]
    fn lognormal_rejects_an_overflowing_mean() {
        // mu + sigma^2/2 = 10 + 720 > ln(f64::MAX) = 709.78.
        let e = Magnitude::lognormal(10.0, 37.947).unwrap_err();
        assert_eq!(invalid_name(e.clone()), "sigma");
        assert!(e.to_string().contains("fits in f64"), "{e}");
        assert_eq!(
            invalid_name(Magnitude::lognormal(720.0, 0.1).unwrap_err()),
            "mu"
        );
        // Just below the limit is accepted and its mean is finite.
        let m = Magnitude::lognormal(0.0, 37.6).unwrap();
        assert!(m.mean().is_finite());
    }

    #[test]
    fn ci90_rejects_bad_bounds() {
        for bad in NON_FINITE.into_iter().chain([0.0, -0.0, -1.0]) {
            let e = Magnitude::lognormal_ci90(bad, 1e6).unwrap_err();
            assert_eq!(invalid_name(e.clone()), "low");
            assert!(
                e.to_string().contains("a lognormal loss is positive"),
                "{e}"
            );
            assert_eq!(
                invalid_name(Magnitude::lognormal_ci90(1e4, bad).unwrap_err()),
                "high"
            );
        }
        assert_eq!(
            Magnitude::lognormal_ci90(1e6, 1e6).unwrap_err(),
            Error::empty_range("ci90", 1e6, 1e6)
        );
        assert_eq!(
            Magnitude::lognormal_ci90(1e6, 1e4).unwrap_err().to_string(),
            "invalid ci90: lower bound 1000000 must be below upper bound 10000"
        );
        // ln(1e300 / 1e-300) / 3.29 = 420: the mean overflows.
        let e = Magnitude::lognormal_ci90(1e-300, 1e300).unwrap_err();
        assert_eq!(invalid_name(e), "high");
    }

    /// DOMAIN.md §3, computed there with SciPy: CI [10k, 1M] gives μ = 11.5129, σ = 1.3999,
    /// mean 266,398, SD 657,781. The tight checks recompute the closed forms from the exact
    /// constant z95 so they test our arithmetic, not rounding in the document.
    #[test]
    fn ci90_domain_vector() {
        let m = Magnitude::lognormal_ci90(1e4, 1e6).unwrap();
        let Repr::Lognormal(Lognormal { mu, sigma }) = m.repr else {
            panic!("not a lognormal")
        };
        assert!((mu - 11.512925).abs() < 1e-6, "mu {mu}");
        assert!((mu - 1e5f64.ln()).abs() < 1e-14);
        assert!((sigma - 1.399872).abs() < 1e-6, "sigma {sigma}");
        let want_sigma = (1e6f64.ln() - 1e4f64.ln()) / (2.0 * 1.644_853_626_951_472_2);
        assert_eq!(sigma, want_sigma);
        let want_mean = (mu + sigma * sigma / 2.0).exp();
        assert!(rel(m.mean(), want_mean) < 1e-14);
        assert!((m.mean() - 266_398.0).abs() < 0.5, "mean {}", m.mean());
        assert!((m.variance().sqrt() - 657_781.0).abs() < 0.5);
        // The interval bounds are the 5th and 95th percentiles.
        assert!((m.cdf(1e4) - 0.05).abs() < 1e-12, "{}", m.cdf(1e4));
        assert!((m.cdf(1e6) - 0.95).abs() < 1e-12, "{}", m.cdf(1e6));
        // DOMAIN.md: the 99th percentile is 2,596,086 (to the unit): Φ⁻¹(0.99) = 2.3263478740.
        let p99 = (mu + 2.326_347_874_040_841 * sigma).exp();
        assert!((p99 - 2_596_086.0).abs() < 1.0);
        assert!((m.cdf(p99) - 0.99).abs() < 1e-12);
    }

    #[test]
    fn ln_normal_cdf_is_continuous_across_its_branches() {
        // z = −30: the series and the direct form must agree (both accurate there).
        let direct = normal_cdf(-30.0).ln();
        let w = 1.0f64 / 900.0;
        let series = 1.0 - w * (1.0 - w * (3.0 - w * (15.0 - w * (105.0 - w * 945.0))));
        let asym = -450.0 - 30f64.ln() - 0.5 * (2.0 * PI).ln() + series.ln();
        assert!(rel(asym, direct) < 1e-14, "{asym} vs {direct}");
        assert!(rel(ln_normal_cdf(-30.0 - 1e-9), direct) < 1e-9);
        assert!(ln_normal_cdf(-1e6).is_finite());
        assert!((ln_normal_cdf(0.0) - 0.5f64.ln()).abs() < 1e-16);
        // Upper tail: ln Φ(10) = ln(1 − 7.62e-24) ≈ −7.62e-24, not 0.
        assert!(rel(-ln_normal_cdf(10.0), 7.619_853_024_160_527e-24) < 1e-9);
    }

    #[test]
    fn capped_lognormal_with_an_overflowing_second_moment() {
        // σ = 19: E[X²] = e^(2μ + 2σ²) overflows, but min(X, 1e9)² cannot exceed 1e18.
        let m = Magnitude::lognormal(11.5, 19.0)
            .unwrap()
            .with_cap(1e9)
            .unwrap();
        let (mean, second) = (m.mean(), m.second_moment());
        assert!(mean > 0.0 && mean <= 1e9 && second.is_finite() && second <= 1e18);
        // Independent check: E[Y^k] = ∫₀ᶜ k x^(k−1) P(X > x) dx, integrated in u = ln x by
        // Simpson's rule over [ln c − 40, ln c] (the rest weighs < e^(−40)).
        let integral = |k: f64| {
            let (hi, n) = (1e9f64.ln(), 20_000);
            let h = 40.0 / f64::from(n);
            let f = |u: f64| k * (k * u).exp() * 0.5 * erfc((u - 11.5) / 19.0 / SQRT_2);
            let inner: f64 = (1..n)
                .map(|i| f64::from(2 + 2 * (i % 2)) * f(hi - 40.0 + f64::from(i) * h))
                .sum();
            (f(hi - 40.0) + f(hi) + inner) * h / 3.0
        };
        assert!(
            rel(mean, integral(1.0)) < 1e-9,
            "{mean} vs {}",
            integral(1.0)
        );
        assert!(
            rel(second, integral(2.0)) < 1e-9,
            "{second} vs {}",
            integral(2.0)
        );
        assert_eq!(
            Magnitude::lognormal(11.5, 19.0).unwrap().variance(),
            f64::INFINITY
        );
    }
}
