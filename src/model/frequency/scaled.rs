//! A frequency whose rate a frailty multiplies by this year's factor G (see
//! [`Frailty`](crate::Frailty)): which kinds can be scaled, and the scaled draw.

use rand::Rng;
use rand::distr::Distribution;

use super::{Frequency, Law, Repr};

impl Frequency {
    /// `None` when the rate can be multiplied by a factor G > 0 (the Poisson family: a fixed or
    /// uncertain rate, the negative binomial, and these thinned by an uncertain vulnerability);
    /// otherwise the kind's name, for the error.
    pub(crate) fn rate_scaling_refusal(&self) -> Option<&'static str> {
        let law = match &self.0 {
            Repr::Law(law) => *law,
            Repr::Thinned(thinned) => thinned.base(),
        };
        match law {
            Law::Never | Law::Poisson(_) | Law::PoissonLognormal(_) | Law::NegativeBinomial(_) => {
                None
            }
            Law::Fixed(_) => Some("fixed count"),
            Law::Bernoulli(_) => Some("bernoulli"),
            Law::Binomial(_) => Some("binomial"),
        }
    }

    /// `E[Λ²]` of the (mixed) Poisson rate Λ: `Var[N] − E[N] + E[N]²`, since a mixed Poisson
    /// count has `Var[N] = E[Λ] + Var[Λ]`. Meaningful for the kinds a frailty can scale.
    pub(crate) fn rate_second_moment(&self) -> f64 {
        let (m, v) = (self.mean(), self.variance());
        (v - m).max(0.0) + m * m
    }

    /// This year's count with the rate multiplied by `g` (>= 0), for a kind that
    /// [`rate_scaling_refusal`](Self::rate_scaling_refusal) accepts: one Poisson draw of mean
    /// `g λ` (after the kind's own draws of an uncertain rate or vulnerability).
    #[inline]
    pub(crate) fn sample_scaled<R: Rng + ?Sized>(&self, rng: &mut R, g: f64) -> u64 {
        match &self.0 {
            Repr::Law(law) => law.sample_thinned(rng, g),
            Repr::Thinned(thinned) => {
                let v = thinned.vulnerability().sample(rng);
                thinned.base().sample_thinned(rng, v * g)
            }
        }
    }
}
