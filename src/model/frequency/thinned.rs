//! Loss events from threat events (Open FAIR: LEF = TEF × Vulnerability): a law thinned by an
//! uncertain vulnerability V drawn once per trial. A fixed vulnerability folds into the law's own
//! closed form instead (each kind's `thinned_by`).

use rand::Rng;
use rand::distr::Distribution;

use super::fixed::Fixed;
use super::{Law, Repr};
use crate::error::{Error, Result};
use crate::model::efficacy::Efficacy;

/// `base` thinned by an uncertain vulnerability V drawn once per trial (or, for the rare cases
/// without a closed form, a fixed one): N | V ~ the base law with rate (or probability) scaled
/// by V. `base` is never [`Law::Never`] (thinning keeps it).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Thinned {
    base: Law,
    vulnerability: Efficacy,
}

impl Thinned {
    /// `base` thinned by `vulnerability`: in the base's closed form for a fixed one.
    pub(super) fn of(base: Law, vulnerability: Efficacy) -> Result<Repr> {
        if let Some(v) = vulnerability.fixed_value() {
            return Ok(match base.thinned_by(v) {
                Ok(law) => Repr::Law(law),
                // Unreachable (a rand_distr sampler refused parameters inside its domain); keep
                // the law all the same, thinned by the fixed vulnerability in each trial.
                Err(_) => Repr::Thinned(Thinned {
                    base,
                    vulnerability,
                }),
            });
        }
        Ok(match base {
            Law::Never => Repr::Law(Law::Never),
            // Bernoulli(1) and fixed(1) are both Binomial(1, 1): thinned, they share one form, so
            // the two thinnings compare equal and the threat events come back as `fixed(1)`.
            Law::Bernoulli(b) if b.probability() == 1.0 => Repr::Thinned(Thinned {
                base: Law::Fixed(Fixed::ONE),
                vulnerability,
            }),
            base => Repr::Thinned(Thinned {
                base,
                vulnerability,
            }),
        })
    }

    /// This thinning thinned again: a fixed `vulnerability` multiplies into the base's closed
    /// form; two uncertain ones have no [`Efficacy`] for their product.
    pub(super) fn thinned(self, vulnerability: Efficacy) -> Result<Repr> {
        let Some(v) = vulnerability.fixed_value() else {
            return Err(Error::invalid(
                "vulnerability",
                vulnerability.mean(),
                "a fixed vulnerability (this frequency is already thinned by an uncertain one, \
                 and the product of two uncertain vulnerabilities is not an Efficacy)",
            ));
        };
        Ok(match self.base.thinned_by(v)? {
            Law::Never => Repr::Law(Law::Never),
            base => Repr::Thinned(Thinned { base, ..self }),
        })
    }

    /// The threat event frequency's law.
    pub(super) fn base(&self) -> Law {
        self.base
    }

    pub(super) fn vulnerability(&self) -> &Efficacy {
        &self.vulnerability
    }

    /// `E[N_TEF] E[V]`.
    pub(super) fn mean(&self) -> f64 {
        self.base.mean() * self.vulnerability.mean()
    }

    pub(super) fn variance(&self) -> f64 {
        // Law of total variance over V, with N | V, N_TEF ~ Binomial(N_TEF, V):
        // E[Var] = E[V²] Var[N_TEF] + (E[V] − E[V²]) E[N_TEF],
        // Var[E] = Var[V] E[N_TEF]². Every term is >= 0 (V² <= V on [0, 1]).
        let vulnerability = &self.vulnerability;
        let (m, s) = (self.base.mean(), self.base.variance());
        let (ev, ev2) = (vulnerability.mean(), vulnerability.second_moment());
        ev2 * s + (ev - ev2).max(0.0) * m + vulnerability.variance() * m * m
    }

    /// `E_V[P(N >= 1 | V)]`: exact when at most one event can happen, otherwise integrated over
    /// the density of V.
    pub(super) fn probability_of_event(&self) -> f64 {
        match self.base.single_event_probability() {
            Some(probability) => probability * self.vulnerability.mean(),
            None => self
                .vulnerability
                .expectation(|v| self.base.thinned_event_probability(v))
                .clamp(0.0, 1.0),
        }
    }

    /// One draw of V for the year, then the count given V. Kept out of line so that the engine's
    /// loop over the other kinds stays as it was.
    #[inline(never)]
    pub(super) fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> u64 {
        let v = self.vulnerability.sample(rng);
        self.base.sample_thinned(rng, v)
    }
}
