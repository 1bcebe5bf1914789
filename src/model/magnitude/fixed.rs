//! A loss that is always the same value ([`Magnitude::fixed`]), the only point mass.
//!
//! [`Magnitude::fixed`]: crate::Magnitude::fixed

use rand::Rng;
use rand::distr::Distribution;

use super::{Moments, loss_bound};
use crate::error::Result;

/// Always `value`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Fixed {
    value: f64,
}

impl Fixed {
    /// With the rules of [`Magnitude::fixed`](crate::Magnitude::fixed).
    pub(super) fn new(value: f64) -> Result<Self> {
        Ok(Fixed {
            value: loss_bound("value", value)?,
        })
    }

    /// The loss.
    pub(crate) fn value(&self) -> f64 {
        self.value
    }

    /// The bound a cap must lie above: none, since every positive cap keeps a point mass.
    pub(super) fn lower(&self) -> f64 {
        f64::NEG_INFINITY
    }

    /// The largest possible loss.
    pub(super) fn upper(&self) -> f64 {
        self.value
    }

    /// `P(X <= x)`, a step at the value.
    pub(super) fn cdf(&self, x: f64) -> f64 {
        if x >= self.value { 1.0 } else { 0.0 }
    }

    /// Moments of `min(X, c)`.
    pub(super) fn moments(&self, c: f64) -> Moments {
        let v = self.value.min(c);
        Moments::from_mean_variance(v, 0.0)
    }

    /// The atom, for the composite's quadrature.
    pub(super) fn breakpoints(&self, b: &mut Vec<f64>) {
        b.push(self.value);
    }

    /// The one atom.
    pub(super) fn atoms(&self) -> &[f64] {
        std::slice::from_ref(&self.value)
    }
}

impl Distribution<f64> for Fixed {
    /// The value; the generator is not touched.
    #[inline(always)]
    fn sample<R: Rng + ?Sized>(&self, _rng: &mut R) -> f64 {
        self.value
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use rand::SeedableRng;
    use rand::distr::Distribution;
    use rand::rngs::Xoshiro256PlusPlus;

    use super::super::Magnitude;
    use super::super::tests::{NON_FINITE, invalid_name};

    #[test]
    fn fixed_accepts_non_negative_values_only() {
        for bad in NON_FINITE.into_iter().chain([-1.0, -1e-300]) {
            let e = Magnitude::fixed(bad).unwrap_err();
            assert_eq!(invalid_name(e.clone()), "value");
            assert!(e.to_string().contains("losses are non-negative"));
        }
        let zero = Magnitude::fixed(-0.0).unwrap();
        assert!(zero.mean() == 0.0 && zero.mean().is_sign_positive());
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
        let m = Magnitude::fixed(7.5).unwrap();
        assert_eq!(m.sample(&mut rng), 7.5);
        assert_eq!(
            (m.mean(), m.variance(), m.second_moment()),
            (7.5, 0.0, 56.25)
        );
        assert_eq!((m.cdf(7.4), m.cdf(7.5)), (0.0, 1.0));
    }
}
