//! Overdispersed event counts: the negative binomial, sampled as a Gamma-mixed Poisson.

use rand::Rng;
use rand::distr::Distribution;
use rand_distr::Gamma;

use super::poisson::poisson_with_mean;
use super::{Frequency, Law, check_max_rate};
use crate::check::positive;
use crate::error::{Error, Result};

/// N ~ Poisson(Λ), Λ ~ Gamma(shape r, scale mean/r) drawn once per trial.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct NegativeBinomial {
    mean: f64,
    variance: f64,
    r: f64,
    gamma: Gamma<f64>,
}

impl NegativeBinomial {
    /// The negative binomial with this `mean` and `variance` (`r = mean²/(variance − mean)`).
    pub(super) fn law(mean: f64, variance: f64) -> Result<Law> {
        let mean = positive("mean", mean)?;
        check_max_rate("mean", mean)?;
        if variance == mean {
            return Err(Error::invalid(
                "variance",
                variance,
                "a variance > mean (variance == mean is the Poisson distribution: use \
                 Frequency::poisson(mean))",
            ));
        }
        if !(variance > mean) {
            return Err(Error::invalid(
                "variance",
                variance,
                "a finite number > mean (the negative binomial is overdispersed)",
            ));
        }
        if !(variance <= mean * (1.0 + Frequency::MAX_RATE)) {
            return Err(Error::invalid(
                "variance",
                variance,
                "at most mean * (1 + 1e6) (Frequency::MAX_RATE), so that the gamma-mixed rate \
                 stays below 1e8 events a year",
            ));
        }
        // theta = mean / r = (variance − mean)/mean, the gamma scale. variance − mean is exact
        // here (Sterbenz) or at least one ulp of mean, so theta >= 2^-53 > 0 and
        // r = mean/theta <= 1e6 · 2^53 is finite. r can underflow to 0 only for a mean below
        // ~1e-317; Gamma::new then refuses it and we report the mean.
        let theta = (variance - mean) / mean;
        let r = mean / theta;
        Gamma::new(r, theta)
            .map(|gamma| {
                Law::NegativeBinomial(NegativeBinomial {
                    mean,
                    variance,
                    r,
                    gamma,
                })
            })
            .map_err(|_| {
                Error::invalid(
                    "mean",
                    mean,
                    "a mean large enough that r = mean^2 / (variance - mean) does not underflow",
                )
            })
    }

    /// The mean as given (for the scenario writer too).
    pub(crate) fn mean(&self) -> f64 {
        self.mean
    }

    /// The variance as given, `mean + mean²/r` (for the scenario writer too).
    pub(crate) fn variance(&self) -> f64 {
        self.variance
    }

    /// `1 − (r/(r + mean))^r`.
    pub(super) fn probability_of_event(&self) -> f64 {
        // (r/(r + mean))^r = (1 + theta)^(−r) with theta = mean/r; expm1/ln_1p keep digits
        // both for tiny probabilities and for r -> infinity (limit 1 − e^{−mean}).
        -(-self.r * (self.mean / self.r).ln_1p()).exp_m1()
    }

    /// Thinned by a known `v` in `(0, 1)`; never fires if the gamma scale underflows.
    pub(super) fn thinned_by(&self, v: f64) -> Law {
        let NegativeBinomial {
            mean, variance, r, ..
        } = *self;
        // Λ ~ Gamma(r, θ) gives Λv ~ Gamma(r, θv): the same shape, so the thinned count
        // is again a gamma-mixed Poisson with mean mv and variance
        // mv + r(θv)² = mv + (s − m)v² (since s − m = rθ²).
        let theta = (variance - mean) / mean;
        match Gamma::new(r, theta * v) {
            Ok(gamma) => Law::NegativeBinomial(NegativeBinomial {
                mean: mean * v,
                variance: mean * v + (variance - mean) * v * v,
                r,
                gamma,
            }),
            Err(_) => Law::Never,
        }
    }

    /// `P(N >= 1)` thinned by `v` in `(0, 1]`: `1 − (1 + θv)^(−r)`, θ = mean/r.
    pub(super) fn thinned_event_probability(&self, v: f64) -> f64 {
        -(-self.r * (self.mean * v / self.r).ln_1p()).exp_m1()
    }

    /// One gamma draw, then a Poisson.
    #[inline]
    pub(super) fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> u64 {
        let lambda = self.gamma.sample(rng);
        poisson_with_mean(rng, lambda)
    }

    /// N given this year's vulnerability `v`: Poisson(Λv).
    pub(super) fn sample_thinned<R: Rng + ?Sized>(&self, rng: &mut R, v: f64) -> u64 {
        let lambda = self.gamma.sample(rng);
        poisson_with_mean(rng, lambda * v)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::super::Repr;
    use super::super::tests::msg;
    use super::*;

    #[test]
    fn negative_binomial_construction() {
        let f = Frequency::negative_binomial(2.0, 6.0).unwrap();
        let Repr::Law(Law::NegativeBinomial(NegativeBinomial { r, .. })) = f.0 else {
            panic!("{f:?}")
        };
        assert_eq!(r, 1.0); // DOMAIN.md §3: r = 1, p = r/(r + mean) = 1/3
        assert_eq!(
            msg(Frequency::negative_binomial(2.0, 2.0)),
            "invalid variance: 2 (expected a variance > mean (variance == mean is the Poisson \
             distribution: use Frequency::poisson(mean)))"
        );
        assert_eq!(
            msg(Frequency::negative_binomial(2.0, 1.0)),
            "invalid variance: 1 (expected a finite number > mean (the negative binomial is \
             overdispersed))"
        );
        for bad in [f64::NAN, f64::NEG_INFINITY] {
            assert!(matches!(
                Frequency::negative_binomial(2.0, bad),
                Err(Error::InvalidParameter {
                    name: "variance",
                    ..
                })
            ));
        }
        assert!(
            msg(Frequency::negative_binomial(2.0, f64::INFINITY))
                .starts_with("invalid variance: inf (expected at most mean * (1 + 1e6)")
        );
        assert!(Frequency::negative_binomial(2.0, 2.0 * (1.0 + 1e6)).is_ok());
        assert!(Frequency::negative_binomial(2.0, 2.0 * (1.0 + 1e6) * 1.000_001).is_err());
        for bad in [0.0, -0.0, -1.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert!(matches!(
                Frequency::negative_binomial(bad, 10.0),
                Err(Error::InvalidParameter { name: "mean", .. })
            ));
        }
        assert_eq!(
            msg(Frequency::negative_binomial(2e6, 3e6)),
            "invalid mean: 2000000 (expected at most 1e6 events a year (Frequency::MAX_RATE))"
        );
        // Nearly Poisson: variance one ulp above the mean still gives a finite r and sane moments.
        let f = Frequency::negative_binomial(0.3, 0.3f64.next_up()).unwrap();
        assert!((f.probability_of_event() - -(-0.3f64).exp_m1()).abs() < 1e-15);
        let f = Frequency::negative_binomial(1e6, 1e6f64.next_up()).unwrap();
        assert!(f.probability_of_event() == 1.0);
        // Subnormal mean: r underflows to 0 and the mean is refused rather than mis-sampled.
        assert!(matches!(
            Frequency::negative_binomial(5e-324, 1e-320),
            Err(Error::InvalidParameter { name: "mean", .. })
        ));
        assert!(Frequency::negative_binomial(1e-300, 1e-296).is_ok());
    }

    #[test]
    fn negative_binomial_matches_statrs() {
        // statrs NegativeBinomial(r, p) counts failures before the r-th success with success
        // probability p, mean r(1 − p)/p: our p = r/(r + mean) is its p.
        use statrs::distribution::{Discrete, DiscreteCDF, NegativeBinomial};
        use statrs::statistics::DiscreteDistribution as _;
        for (mean, variance) in [(2.0, 6.0), (0.3, 0.45), (10.0, 200.0), (0.05, 5.0)] {
            let f = Frequency::negative_binomial(mean, variance).unwrap();
            let r = mean * mean / (variance - mean);
            let nb = NegativeBinomial::new(r, r / (r + mean)).unwrap();
            assert!((nb.mean().unwrap() - mean).abs() < 1e-12 * mean);
            assert!((nb.variance().unwrap() - variance).abs() < 1e-12 * variance);
            assert!((f.probability_of_event() - (1.0 - nb.pmf(0))).abs() < 1e-14);
            if (mean, variance) == (2.0, 6.0) {
                // DOMAIN.md §3: P(N >= 5) = 0.132 (3 d.p.).
                assert!((nb.sf(4) - 0.132).abs() < 5e-4, "{}", nb.sf(4));
            }
        }
    }
}
