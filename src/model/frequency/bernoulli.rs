//! At most one event a year.

use rand::{Rng, RngExt};

use super::Law;
use super::binomial::{self, Binomial};
use crate::check;
use crate::error::Result;

/// N = 1 with `probability` in (0, 1], else 0.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Bernoulli {
    probability: f64,
}

impl Bernoulli {
    /// One event with probability `probability`; `p = 0` never fires.
    pub(super) fn law(probability: f64) -> Result<Law> {
        let probability = check::probability("probability", probability)?;
        if probability == 0.0 {
            // N = 0 almost surely: the same distribution as Poisson(0), and the engine may pool it.
            return Ok(Law::Never);
        }
        Ok(Law::Bernoulli(Bernoulli { probability }))
    }

    /// `p`, for the scenario writer.
    pub(crate) fn probability(&self) -> f64 {
        self.probability
    }

    pub(super) fn mean(&self) -> f64 {
        self.probability
    }

    pub(super) fn variance(&self) -> f64 {
        self.probability * (1.0 - self.probability)
    }

    pub(super) fn probability_of_event(&self) -> f64 {
        self.probability
    }

    /// `Some(p)`: thinned by `V`, `P(N >= 1 | V) = pV` is linear in `V`.
    pub(super) fn single_event_probability(&self) -> Option<f64> {
        Some(self.probability)
    }

    /// Thinned by a known `v` in `(0, 1)`: Bernoulli(pv).
    pub(super) fn thinned_by(&self, v: f64) -> Result<Law> {
        Binomial::law(1, self.probability * v)
    }

    pub(super) fn thinned_event_probability(&self, v: f64) -> f64 {
        binomial::event_probability(1, self.probability, v)
    }

    /// One `u64`.
    #[inline]
    pub(super) fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> u64 {
        // random::<f64>() lies in [0, 1): `< 1` always holds and `< p` has probability p.
        u64::from(rng.random::<f64>() < self.probability)
    }

    /// N given this year's vulnerability `v`: Bernoulli(pv).
    pub(super) fn sample_thinned<R: Rng + ?Sized>(&self, rng: &mut R, v: f64) -> u64 {
        binomial::sample_thinned(rng, 1, self.probability, v)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::super::tests::msg;
    use super::super::{Frequency, Repr};
    use super::*;
    use crate::error::Error;

    #[test]
    fn bernoulli_construction() {
        assert_eq!(Frequency::bernoulli(0.0).unwrap().0, Repr::Law(Law::Never));
        assert_eq!(Frequency::bernoulli(-0.0).unwrap().0, Repr::Law(Law::Never));
        assert_eq!(
            Frequency::bernoulli(1.0).unwrap().0,
            Repr::Law(Law::Bernoulli(Bernoulli { probability: 1.0 }))
        );
        for bad in [
            1.0 + f64::EPSILON,
            -0.1,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ] {
            assert!(matches!(
                Frequency::bernoulli(bad),
                Err(Error::InvalidParameter {
                    name: "probability",
                    ..
                })
            ));
        }
        assert_eq!(
            msg(Frequency::bernoulli(1.2)),
            "invalid probability: 1.2 (expected a probability in [0, 1])"
        );
    }
}
