//! The uniform loss on `[min, max]` ([`Magnitude::uniform`]); also an uncertain
//! [`Efficacy`](crate::Efficacy).
//!
//! [`Magnitude::uniform`]: crate::Magnitude::uniform

use rand::Rng;
use rand::distr::{Distribution, StandardUniform};

use super::quadrature::tanh_sinh;
use super::{Moments, check_bounds};
use crate::error::Result;

/// `min + width U`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Uniform {
    min: f64,
    width: f64,
    /// As given, for writing the loss back (the largest sample is `min + width`).
    max: f64,
}

impl Uniform {
    /// With the rules of [`Magnitude::uniform`](crate::Magnitude::uniform).
    pub(super) fn new(min: f64, max: f64) -> Result<Self> {
        let (min, max) = check_bounds(min, max)?;
        Ok(Uniform {
            min,
            width: max - min,
            max,
        })
    }

    /// The smallest possible value, `min`.
    pub(crate) fn min(&self) -> f64 {
        self.min
    }

    /// `max` as given.
    pub(crate) fn max(&self) -> f64 {
        self.max
    }

    /// The smallest possible value.
    pub(super) fn lower(&self) -> f64 {
        self.min
    }

    /// The largest possible value.
    pub(super) fn upper(&self) -> f64 {
        self.min + self.width
    }

    /// `P(X <= x)`.
    pub(super) fn cdf(&self, x: f64) -> f64 {
        ((x - self.min) / self.width).clamp(0.0, 1.0)
    }

    /// The density of `X`.
    pub(super) fn density(&self, x: f64) -> f64 {
        if x > self.min && x < self.min + self.width {
            1.0 / self.width
        } else {
            0.0
        }
    }

    /// Moments of `min(X, c)`, `c > min`.
    pub(super) fn moments(&self, c: f64) -> Moments {
        let (min, width) = (self.min, self.width);
        let t = ((c - min) / width).min(1.0);
        // E[min(U, t)] = t − t²/2,  Var[min(U, t)] = t³ (4 − 3t) / 12 (1/12 at t = 1).
        let mean_u = t - t * t / 2.0;
        let var_u = t * t * t * (4.0 - 3.0 * t) / 12.0;
        Moments::from_mean_variance(min + width * mean_u, width * width * var_u)
    }

    /// `Var[X] = width² / 12` as one expression: what an [`Efficacy`](crate::Efficacy) reports.
    /// [`moments`](Self::moments) scales the unit variance instead, which can differ in the last
    /// bit; each is pinned where it is used.
    pub(crate) fn variance(&self) -> f64 {
        self.width * self.width / 12.0
    }

    /// `E[g(X)]` by the tanh-sinh rule over the support.
    pub(crate) fn expectation(&self, g: impl Fn(f64) -> f64) -> f64 {
        tanh_sinh(&g, self.min, self.min + self.width) / self.width
    }
}

impl Distribution<f64> for Uniform {
    /// Always inlined: `Magnitude::sample` draws it inside the engine's loop.
    #[inline(always)]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let u: f64 = StandardUniform.sample(rng);
        self.min + self.width * u
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::super::Magnitude;
    use super::super::tests::rel;

    /// DOMAIN.md §3: the uniform on `[50k, 1M]` (its PERT and triangular vectors are in their
    /// files).
    #[test]
    fn uniform_domain_vector() {
        let u = Magnitude::uniform(50e3, 1e6).unwrap();
        assert_eq!(u.mean(), 525e3);
        assert!(rel(u.variance(), 950e3f64.powi(2) / 12.0) < 1e-15);
    }

    #[test]
    fn capped_uniform_closed_form() {
        // min(U, c) on [0, 1], c = 0.5: mean 0.375, E[Y²] = c² − 2c³/3 = 1/6.
        let m = Magnitude::uniform(0.0, 1.0).unwrap().with_cap(0.5).unwrap();
        assert_eq!(m.mean(), 0.375);
        assert!((m.second_moment() - 1.0 / 6.0).abs() < 1e-16);
        assert!((m.variance() - (1.0 / 6.0 - 0.375 * 0.375)).abs() < 1e-16);
    }
}
