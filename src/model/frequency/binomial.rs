//! Binomial counts: a fixed number of threat events, each kept with a fixed probability (a fixed
//! count thinned by a fixed vulnerability), and the binomial arithmetic that a fixed count and a
//! Bernoulli use when they are thinned.

use rand::distr::Distribution;
use rand::{Rng, RngExt};

use super::Law;
use super::bernoulli::Bernoulli;
use super::fixed::Fixed;
use crate::error::{Error, Result};

/// N ~ Binomial(trials, probability), `trials >= 2`, `0 < probability < 1`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Binomial {
    trials: u32,
    probability: f64,
    sampler: rand_distr::Binomial,
}

impl Binomial {
    /// Binomial(trials, probability), `trials >= 1`, `probability <= 1`, in its own closed form:
    /// never for `probability = 0`, `fixed(trials)` for 1, a Bernoulli for one trial.
    pub(super) fn law(trials: u32, probability: f64) -> Result<Law> {
        if !(probability > 0.0) {
            return Ok(Law::Never);
        }
        if probability >= 1.0 {
            return Fixed::law(trials);
        }
        if trials == 1 {
            return Bernoulli::law(probability);
        }
        // 0 < probability < 1 is inside rand_distr's domain, so this cannot fail; map the error
        // anyway rather than unwrap.
        rand_distr::Binomial::new(u64::from(trials), probability)
            .map(|sampler| {
                Law::Binomial(Binomial {
                    trials,
                    probability,
                    sampler,
                })
            })
            .map_err(|_| Error::invalid("probability", probability, "a probability in [0, 1]"))
    }

    /// `(n, p)`, for [`Frequency::binomial`](super::Frequency::binomial).
    pub(super) fn parameters(&self) -> (u32, f64) {
        (self.trials, self.probability)
    }

    pub(super) fn mean(&self) -> f64 {
        f64::from(self.trials) * self.probability
    }

    pub(super) fn variance(&self) -> f64 {
        f64::from(self.trials) * self.probability * (1.0 - self.probability)
    }

    pub(super) fn probability_of_event(&self) -> f64 {
        event_probability(self.trials, self.probability, 1.0)
    }

    /// Thinned by a known `v` in `(0, 1)`: Binomial(n, pv).
    pub(super) fn thinned_by(&self, v: f64) -> Result<Law> {
        Binomial::law(self.trials, self.probability * v)
    }

    pub(super) fn thinned_event_probability(&self, v: f64) -> f64 {
        event_probability(self.trials, self.probability, v)
    }

    /// Kept out of line, as the thinned kind, so that the engine's loop over the older kinds stays
    /// as it was.
    #[inline(never)]
    pub(super) fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> u64 {
        self.sampler.sample(rng)
    }

    pub(super) fn sample_thinned<R: Rng + ?Sized>(&self, rng: &mut R, v: f64) -> u64 {
        sample_thinned(rng, self.trials, self.probability, v)
    }
}

/// `P(N >= 1)` for Binomial(trials, probability · v), `v` in `(0, 1]`.
pub(super) fn event_probability(trials: u32, probability: f64, v: f64) -> f64 {
    // 1 − (1 − pv)^n without cancellation for small pv.
    -(f64::from(trials) * (-probability * v).ln_1p()).exp_m1()
}

/// N ~ Binomial(trials, probability · v) for this year's vulnerability `v`.
pub(super) fn sample_thinned<R: Rng + ?Sized>(
    rng: &mut R,
    trials: u32,
    probability: f64,
    v: f64,
) -> u64 {
    if trials == 1 {
        // A Bernoulli: one uniform, as `Bernoulli` draws.
        return u64::from(rng.random::<f64>() < probability * v);
    }
    let p = probability * v;
    if !(p > 0.0) {
        return 0;
    }
    // 0 < p <= 1 is inside rand_distr's domain; were it refused, the mean is the best single
    // value.
    match rand_distr::Binomial::new(u64::from(trials), p.min(1.0)) {
        Ok(b) => b.sample(rng),
        Err(_) => (f64::from(trials) * p) as u64,
    }
}
