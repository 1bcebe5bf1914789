//! Poisson events with a fixed, known rate, and the one Poisson draw for a mean drawn in the trial
//! that the mixed kinds (uncertain rate, negative binomial, thinned) share.

use rand::Rng;
use rand::distr::Distribution;

use super::{Frequency, Law, MAX_RATE_RULE, check_max_rate};
use crate::check::non_negative;
use crate::error::{Error, Result};

/// A Poisson mean drawn in a trial (uncertain rate, negative binomial) is clamped to this value.
///
/// Why: every event costs the engine a magnitude draw, so one freak year with 10^12 events would run
/// for hours. Sampling N itself is O(1) for large means (rand_distr uses Ahrens–Dieter's
/// rejection method for means >= 12). The constructors refuse every model for which the clamp is not
/// negligible (see [`TAIL_Z`](super::poisson_lognormal::TAIL_Z) and
/// [`Frequency::negative_binomial`]), so it guards runtime and moves the mean count by less than
/// 1e-9 (relative).
pub(super) const RATE_CLAMP: f64 = 100.0 * Frequency::MAX_RATE;

/// N ~ Poisson(rate), `0 < rate <= MAX_RATE`, constants precomputed once.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Poisson {
    rate: f64,
    sampler: rand_distr::Poisson<f64>,
}

impl Poisson {
    /// Poisson(rate); rate 0 (rand_distr rejects it, we allow it) never fires.
    pub(super) fn law(rate: f64) -> Result<Law> {
        let rate = non_negative("rate", rate)?;
        check_max_rate("rate", rate)?;
        if rate == 0.0 {
            return Ok(Law::Never);
        }
        // `0 < rate <= 1e6` lies inside rand_distr's domain `(0, MAX_LAMBDA]`, so this cannot fail;
        // map the error anyway rather than unwrap.
        rand_distr::Poisson::new(rate)
            .map(|sampler| Law::Poisson(Poisson { rate, sampler }))
            .map_err(|_| Error::invalid("rate", rate, MAX_RATE_RULE))
    }

    /// Poisson with `P(N >= 1) = probability`, i.e. rate `−ln(1 − p)`.
    pub(super) fn from_annual_probability(probability: f64) -> Result<Law> {
        if !(0.0..1.0).contains(&probability) {
            return Err(Error::invalid(
                "probability",
                probability,
                "a probability in [0, 1) (p = 1 would need an infinite Poisson rate)",
            ));
        }
        // ln_1p is exact near p = 0, where 1 − p would lose digits; p < 1 keeps λ <= 36.8.
        Poisson::law(-(-probability).ln_1p())
    }

    /// The rate λ, for the scenario writer.
    pub(crate) fn rate(&self) -> f64 {
        self.rate
    }

    pub(super) fn mean(&self) -> f64 {
        self.rate
    }

    pub(super) fn variance(&self) -> f64 {
        self.rate
    }

    /// `1 − e^{−λ}`.
    pub(super) fn probability_of_event(&self) -> f64 {
        -(-self.rate).exp_m1()
    }

    /// Thinned by a known `v` in `(0, 1)`: Poisson(λv).
    pub(super) fn thinned_by(&self, v: f64) -> Result<Law> {
        Poisson::law(self.rate * v)
    }

    /// `P(N >= 1)` thinned by `v` in `(0, 1]`: `1 − e^{−λv}`.
    pub(super) fn thinned_event_probability(&self, v: f64) -> f64 {
        -(-self.rate * v).exp_m1()
    }

    #[inline]
    pub(super) fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> u64 {
        // Samples are whole numbers <= ~1e6 + 1e4; `as` is exact.
        self.sampler.sample(rng) as u64
    }

    /// N given this year's vulnerability `v`: Poisson(λv).
    pub(super) fn sample_thinned<R: Rng + ?Sized>(&self, rng: &mut R, v: f64) -> u64 {
        poisson_with_mean(rng, self.rate * v)
    }
}

/// One Poisson(λ) draw for a mean drawn in this trial.
#[inline]
pub(super) fn poisson_with_mean<R: Rng + ?Sized>(rng: &mut R, lambda: f64) -> u64 {
    // λ = exp(..) or a gamma draw underflows to 0 in the far left tail: N = 0, and rand_distr
    // would refuse λ = 0. `!(λ > 0)` also sends a NaN (impossible: finite parameters) to 0.
    if !(lambda > 0.0) {
        return 0;
    }
    // See RATE_CLAMP: the constructors make this clamp a runtime guard with negligible effect.
    let lambda = lambda.min(RATE_CLAMP);
    match rand_distr::Poisson::new(lambda) {
        Ok(poisson) => poisson.sample(rng) as u64,
        // Unreachable: 0 < λ <= 1e8 is inside rand_distr's domain. Were it reached, the mean is
        // the best single value (a Poisson's relative spread at λ >= 1e8 is below 1e-4), and
        // `as` saturates instead of panicking.
        Err(_) => lambda as u64,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::super::Repr;
    use super::super::tests::msg;
    use super::*;

    #[test]
    fn poisson_construction() {
        assert_eq!(Frequency::poisson(0.0).unwrap().0, Repr::Law(Law::Never));
        assert_eq!(Frequency::poisson(-0.0).unwrap().0, Repr::Law(Law::Never));
        assert_eq!(Frequency::poisson(-0.0).unwrap().poisson_rate(), Some(0.0));
        assert!(
            Frequency::poisson(-0.0)
                .unwrap()
                .poisson_rate()
                .unwrap()
                .is_sign_positive()
        );
        assert!(matches!(
            Frequency::poisson(0.3).unwrap().0,
            Repr::Law(Law::Poisson(Poisson { rate: 0.3, .. }))
        ));
        assert!(matches!(
            Frequency::poisson(Frequency::MAX_RATE).unwrap().0,
            Repr::Law(Law::Poisson(_))
        ));
        assert!(matches!(
            Frequency::poisson(5e-324).unwrap().0,
            Repr::Law(Law::Poisson(_))
        ));
        assert_eq!(
            msg(Frequency::poisson(-1.0)),
            "invalid rate: -1 (expected a finite number >= 0)"
        );
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -1e-300] {
            assert!(matches!(
                Frequency::poisson(bad),
                Err(Error::InvalidParameter { name: "rate", .. })
            ));
        }
        assert_eq!(
            msg(Frequency::poisson(1.5e6)),
            "invalid rate: 1500000 (expected at most 1e6 events a year (Frequency::MAX_RATE))"
        );
    }

    #[test]
    fn from_annual_probability_construction() {
        assert_eq!(
            Frequency::poisson_from_annual_probability(0.0).unwrap().0,
            Repr::Law(Law::Never)
        );
        assert_eq!(
            Frequency::poisson_from_annual_probability(-0.0).unwrap().0,
            Repr::Law(Law::Never)
        );
        let f = Frequency::poisson_from_annual_probability(0.999_999).unwrap();
        assert!((f.mean() - 13.815_510_557_964_274).abs() < 1e-9);
        for bad in [1.0, 1.5, -0.1, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let e = Frequency::poisson_from_annual_probability(bad).unwrap_err();
            assert!(matches!(
                e,
                Error::InvalidParameter {
                    name: "probability",
                    ..
                }
            ));
        }
        assert_eq!(
            msg(Frequency::poisson_from_annual_probability(1.0)),
            "invalid probability: 1 (expected a probability in [0, 1) (p = 1 would need an \
             infinite Poisson rate))"
        );
        // Largest p below 1: a finite rate, far below MAX_RATE.
        let f = Frequency::poisson_from_annual_probability(1.0 - f64::EPSILON / 2.0).unwrap();
        assert!((f.mean() - 53.0 * 2f64.ln()).abs() < 1e-12);
    }

    #[test]
    fn poisson_with_mean_handles_zero_tiny_and_clamped_means() {
        use rand::SeedableRng;
        let mut rng = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(1);
        let before = rng.clone();
        assert_eq!(poisson_with_mean(&mut rng, 0.0), 0);
        assert_eq!(poisson_with_mean(&mut rng, f64::NAN), 0);
        assert_eq!(rng, before);
        assert_eq!(poisson_with_mean(&mut rng, 5e-324), 0);
        for lambda in [1e9, f64::INFINITY, f64::MAX] {
            let n = poisson_with_mean(&mut rng, lambda);
            // Clamped at 1e8: within 10 standard deviations (1e4 each) of it.
            assert!(n.abs_diff(100_000_000) < 100_000, "{lambda}: {n}");
        }
    }
}
