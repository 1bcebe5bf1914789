//! Poisson events with an uncertain rate: Λ lognormal, drawn once per trial, then N ~ Poisson(Λ).

use rand::{Rng, RngExt};
use rand_distr::StandardNormal;

use super::poisson::{RATE_CLAMP, poisson_with_mean};
use super::{Law, check_max_rate};
use crate::check::positive;
use crate::error::{Error, Result};
use crate::model::Z95;

/// For the lognormal (uncertain) rate, the constructor requires `(ln RATE_CLAMP − μ)/σ − σ >= TAIL_Z`.
///
/// For a lognormal, `E[Λ · 1{Λ > c}] = E[Λ] · Φ̄((ln c − μ)/σ − σ)`, so this bounds the share of the
/// mean rate that lies above the clamp by `Φ̄(6) = 9.87e-10`; the probability that a trial is clamped
/// at all, `Φ̄((ln c − μ)/σ) <= Φ̄(6 + σ)`, is smaller still (3.0e-12 for the widest interval allowed
/// with `high = MAX_RATE`, `[55_355, 1e6]`; at most 2.1e-15 when `high <= 1000`).
pub(super) const TAIL_Z: f64 = 6.0;

/// `1/√(2π)`, the standard normal density at 0.
const INV_SQRT_2PI: f64 = 0.398_942_280_401_432_7;

/// N ~ Poisson(Λ), Λ = exp(mu + sigma·Z) drawn once per trial; the constructor guarantees the
/// [`TAIL_Z`] condition.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct PoissonLognormal {
    mu: f64,
    sigma: f64,
}

impl PoissonLognormal {
    /// Λ lognormal with 5th percentile `low` and 95th percentile `high`.
    pub(super) fn from_ci90(low: f64, high: f64) -> Result<Law> {
        let low = positive("low", low)?;
        let high = positive("high", high)?;
        check_max_rate("high", high)?;
        if !(low < high) {
            return Err(Error::empty_range("ci90", low, high));
        }
        let (ln_low, ln_high) = (low.ln(), high.ln());
        let mu = 0.5 * (ln_low + ln_high);
        let sigma = (ln_high - ln_low) / (2.0 * Z95);
        // Neighbouring floats may have the same logarithm (ln 3 = ln 3⁺): sigma is then 0, the
        // rate the known e^mu, and the tail test below +inf (x / 0), which it passes.
        if !((RATE_CLAMP.ln() - mu) / sigma - sigma >= TAIL_Z) {
            return Err(Error::invalid(
                "ci90 high / low",
                high / low,
                "a narrower interval: the lognormal rate may put at most 1e-9 of its mean above \
                 1e8 events a year (see Frequency::poisson_ci90)",
            ));
        }
        // Why E[Λ] <= MAX_RATE follows: μ = ln high − zσ gives E[Λ] = high · e^{σ²/2 − zσ} <= high
        // when σ <= 2z; for σ > 2z the tail condition gives μ + σ²/2 <= ln 1e8 − 6σ − σ²/2, i.e.
        // E[Λ] <= 1e8 · e^{−19.7 − 5.4} < 1e-3. Likewise E[Λ²] = e^{2μ+2σ²} <= 1e16 stays finite.
        Ok(Law::PoissonLognormal(PoissonLognormal { mu, sigma }))
    }

    /// Λ = e^{μ+σZ} from its log-space parameters, for the scenario reader (the `mu`, `sigma`
    /// form the writer uses, since it keeps the parameters exactly). The rules are those that
    /// every uncertain rate [`from_ci90`](Self::from_ci90) builds (and every thinning of one)
    /// meets: `μ` finite, `σ` finite and `> 0`, the same [`TAIL_Z`] condition, and a mean
    /// `E[Λ] = e^{μ+σ²/2}` of at most `MAX_RATE` (which `high <= MAX_RATE` implies there).
    pub(super) fn from_mu_sigma(mu: f64, sigma: f64) -> Result<Law> {
        if !mu.is_finite() {
            return Err(Error::invalid("mu", mu, "a finite number (log-space)"));
        }
        let sigma = positive("sigma", sigma)?;
        if !((RATE_CLAMP.ln() - mu) / sigma - sigma >= TAIL_Z) {
            return Err(Error::invalid(
                "sigma",
                sigma,
                "a smaller sigma (or mu): the lognormal rate may put at most 1e-9 of its mean \
                 above 1e8 events a year (see Frequency::poisson_ci90)",
            ));
        }
        let rate = PoissonLognormal { mu, sigma };
        // Finite: the tail condition bounds μ + σ²/2 by ln(1e8).
        if !(rate.mean() <= super::Frequency::MAX_RATE) {
            return Err(Error::invalid(
                "mu",
                mu,
                "a smaller mu: the mean rate e^(mu + sigma^2 / 2) may be at most 1e6 events a \
                 year (Frequency::MAX_RATE)",
            ));
        }
        Ok(Law::PoissonLognormal(rate))
    }

    /// μ, the mean of ln Λ, for the scenario writer.
    pub(crate) fn mu(&self) -> f64 {
        self.mu
    }

    /// σ, the standard deviation of ln Λ, for the scenario writer.
    pub(crate) fn sigma(&self) -> f64 {
        self.sigma
    }

    /// `E[Λ] = e^{μ+σ²/2}`.
    pub(super) fn mean(&self) -> f64 {
        (self.mu + 0.5 * self.sigma * self.sigma).exp()
    }

    /// `E[Λ] + Var[Λ]`, `Var[Λ] = (e^{σ²} − 1) e^{2μ+σ²}` (law of total variance).
    pub(super) fn variance(&self) -> f64 {
        let (mu, s2) = (self.mu, self.sigma * self.sigma);
        (mu + 0.5 * s2).exp() + s2.exp_m1() * (2.0 * mu + s2).exp()
    }

    pub(super) fn probability_of_event(&self) -> f64 {
        event_probability(self.mu, self.sigma)
    }

    /// Thinned by a known `v` in `(0, 1)`: Λv = e^{μ + ln v + σZ}; a smaller μ keeps the
    /// constructor's tail condition.
    pub(super) fn thinned_by(&self, v: f64) -> Law {
        Law::PoissonLognormal(PoissonLognormal {
            mu: self.mu + v.ln(),
            sigma: self.sigma,
        })
    }

    /// `P(N >= 1)` thinned by `v` in `(0, 1]`.
    pub(super) fn thinned_event_probability(&self, v: f64) -> f64 {
        event_probability(self.mu + v.ln(), self.sigma)
    }

    /// One standard normal, then a Poisson.
    #[inline]
    pub(super) fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> u64 {
        let z: f64 = rng.sample(StandardNormal);
        poisson_with_mean(rng, (self.mu + self.sigma * z).exp())
    }

    /// N given this year's vulnerability `v`: Poisson(Λv).
    pub(super) fn sample_thinned<R: Rng + ?Sized>(&self, rng: &mut R, v: f64) -> u64 {
        let z: f64 = rng.sample(StandardNormal);
        poisson_with_mean(rng, (self.mu + self.sigma * z).exp() * v)
    }
}

/// `P(N >= 1) = ∫ φ(z) (1 − exp(−e^{μ+σz})) dz` for `N ~ Poisson(e^{μ+σZ})`.
///
/// Trapezoid rule on `[−13, σ + 13]` with `h = 0.1/max(σ, 1)`. Accuracy: the integrand is an entire
/// function; on the strip `|Im z| <= d = π/(4 max(σ, 1))` the phase of `e^{μ+σz}` stays within
/// `±π/4`, so `|1 − exp(−e^w)| <= min(2, |e^w|)` and the trapezoid error is about
/// `2M·e^{−2πd/h} = 2M·e^{−π²/0.2} ≈ 1e-21·M`, with M of the order of the integral. The integrand
/// is below `φ(z)·min(1, e^{μ+σz}) = min(φ(z), E[Λ]·φ(z − σ))`, so the truncated tails are below
/// `Φ̄(13) ≈ 6e-39` relative to the result. At most ~13,000 evaluations (σ <= 25.5 for every
/// accepted interval); this is a cold query.
fn event_probability(mu: f64, sigma: f64) -> f64 {
    let (a, b) = (-13.0, sigma + 13.0);
    // Whole number of steps: b − a <= 13 + 25.5 + 13 and 1/h <= 255, so n < 2e4.
    let steps = ((b - a) * sigma.max(1.0) / 0.1).ceil().max(1.0);
    let h = (b - a) / steps;
    let n = steps as u32;
    let f = |z: f64| INV_SQRT_2PI * (-0.5 * z * z).exp() * -(-(mu + sigma * z).exp()).exp_m1();
    let ends = 0.5 * (f(a) + f(b));
    let inner: f64 = (1..n).map(|i| f(a + f64::from(i) * h)).sum();
    ((ends + inner) * h).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::super::tests::msg;
    use super::super::{Frequency, Repr};
    use super::*;

    /// The (μ, σ) of an uncertain rate.
    fn params(f: Frequency) -> (f64, f64) {
        let Repr::Law(Law::PoissonLognormal(PoissonLognormal { mu, sigma })) = f.0 else {
            panic!("{f:?}")
        };
        (mu, sigma)
    }

    #[test]
    fn poisson_ci90_construction() {
        let (mu, sigma) = params(Frequency::poisson_ci90(0.5, 3.0).unwrap());
        assert!((mu - 0.5 * 1.5f64.ln()).abs() < 1e-15);
        assert!((sigma - 6f64.ln() / (2.0 * 1.644_853_626_951_472_2)).abs() < 1e-15);
        assert_eq!(
            msg(Frequency::poisson_ci90(3.0, 3.0)),
            "invalid ci90: lower bound 3 must be below upper bound 3"
        );
        assert!(matches!(
            Frequency::poisson_ci90(3.0, 0.5),
            Err(Error::EmptyRange { name: "ci90", .. })
        ));
        assert_eq!(
            msg(Frequency::poisson_ci90(0.0, 1.0)),
            "invalid low: 0 (expected a finite number > 0)"
        );
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -0.0, -1.0] {
            assert!(matches!(
                Frequency::poisson_ci90(bad, 1.0),
                Err(Error::InvalidParameter { name: "low", .. })
            ));
            assert!(matches!(
                Frequency::poisson_ci90(0.5, bad),
                Err(Error::InvalidParameter { name: "high", .. })
            ));
        }
        assert_eq!(
            msg(Frequency::poisson_ci90(1.0, 2e6)),
            "invalid high: 2000000 (expected at most 1e6 events a year (Frequency::MAX_RATE))"
        );
        assert!(Frequency::poisson_ci90(9e5, Frequency::MAX_RATE).is_ok());
    }

    #[test]
    fn poisson_ci90_width_limit_matches_the_documented_table() {
        // (high, documented max high/low): just inside is accepted, 1% wider is refused.
        for (high, ratio) in [
            (0.01, 26_148.0),
            (0.1, 12_547.0),
            (1.0, 5_819.0),
            (10.0, 2_595.0),
            (100.0, 1_105.0),
            (1e3, 445.0),
            (1e4, 168.0),
            (1e6, 18.0),
        ] {
            assert!(
                Frequency::poisson_ci90(high / ratio, high).is_ok(),
                "{high}"
            );
            let e = Frequency::poisson_ci90(high / ratio * 0.99, high).unwrap_err();
            assert!(
                e.to_string().starts_with("invalid ci90 high / low: "),
                "{e}"
            );
        }
        // The widest interval with high = MAX_RATE that the docs quote: [55_355, 1e6].
        assert!(Frequency::poisson_ci90(55_355.0, 1e6).is_ok());
        assert!(Frequency::poisson_ci90(55_000.0, 1e6).is_err());
        // Extreme but accepted: tiny rates may be very uncertain; moments stay finite and small.
        let f = Frequency::poisson_ci90(1e-300, 1e-280).unwrap();
        assert!(f.mean() < 1e-200 && f.variance().is_finite());
        assert!(Frequency::poisson_ci90(5e-324, 1e6).is_err());
    }

    #[test]
    fn poisson_ci90_tail_beyond_the_clamp_is_negligible() {
        // At the widest accepted interval for several highs, recompute the share of E[Λ] above
        // RATE_CLAMP with statrs' normal survival function: it must be <= Φ̄(6) ≈ 9.87e-10.
        use statrs::distribution::{ContinuousCDF, Normal};
        let std = Normal::standard();
        for high in [1e-6, 1.0, 100.0, 1e6] {
            // Bisection on low for the boundary of acceptance.
            let (mut ok, mut bad): (f64, f64) = (high / 2.0, high * 1e-30);
            for _ in 0..200 {
                let mid = (ok * bad).sqrt();
                if Frequency::poisson_ci90(mid, high).is_ok() {
                    ok = mid
                } else {
                    bad = mid
                }
            }
            let (mu, sigma) = params(Frequency::poisson_ci90(ok, high).unwrap());
            let a = (RATE_CLAMP.ln() - mu) / sigma;
            let mean_share = std.sf(a - sigma);
            assert!(
                mean_share < 1e-9 && mean_share > 9e-10,
                "{high}: {mean_share}"
            );
            assert!(std.sf(a) < 1e-11, "{high}: P(clamp) = {}", std.sf(a));
            let f = Frequency::poisson_ci90(ok, high).unwrap();
            assert!(f.mean() <= Frequency::MAX_RATE && f.variance().is_finite());
        }
    }

    /// Independent check of the trapezoid integral: composite Simpson with 2e6 panels on
    /// [−40, 40 + σ], written without expm1 tricks for moderate cases.
    fn simpson_event_probability(mu: f64, sigma: f64) -> f64 {
        let (a, b, n) = (-40.0, 40.0 + sigma, 2_000_000);
        let h = (b - a) / f64::from(n);
        let f = |z: f64| {
            (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt()
                * (1.0 - (-(mu + sigma * z).exp()).exp())
        };
        let mut s = f(a) + f(b);
        for i in 1..n {
            s += f(a + f64::from(i) * h) * if i % 2 == 1 { 4.0 } else { 2.0 };
        }
        s * h / 3.0
    }

    #[test]
    fn lognormal_event_probability_is_accurate() {
        for (low, high) in [
            (0.5, 3.0),
            (0.01, 10.0),
            (0.1, 0.2),
            (1.0, 100.0),
            (2e-3, 5.0),
        ] {
            let f = Frequency::poisson_ci90(low, high).unwrap();
            let (mu, sigma) = params(f);
            let (got, want) = (
                f.probability_of_event(),
                simpson_event_probability(mu, sigma),
            );
            assert!(
                (got - want).abs() < 1e-12,
                "[{low}, {high}]: {got} vs {want}"
            );
        }
        // Tiny rates: P(N >= 1) ≈ E[Λ] − E[Λ²]/2, with relative accuracy (no absolute floor).
        let f = Frequency::poisson_ci90(1e-12, 1e-9).unwrap();
        let (mu, sigma) = params(f);
        let second = (2.0 * mu + 2.0 * sigma * sigma).exp();
        let want = f.mean() - 0.5 * second;
        assert!(((f.probability_of_event() - want) / want).abs() < 1e-12);
        // Narrow interval: close to the Poisson with the median rate.
        let f = Frequency::poisson_ci90(2.0, 2.000_001).unwrap();
        assert!((f.probability_of_event() - -(-2.0f64).exp_m1()).abs() < 1e-7);
        // Large rates: an event is certain.
        let f = Frequency::poisson_ci90(1e5, 1e6).unwrap();
        assert!(1.0 - f.probability_of_event() < 1e-15);
    }
}
