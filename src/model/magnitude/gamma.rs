//! The gamma loss with shape `k` and scale `θ`: [`Magnitude::gamma`](crate::Magnitude::gamma).

use rand::Rng;
use rand::distr::Distribution;
use statrs::function::gamma::{checked_gamma_lr, checked_gamma_ur, ln_gamma};

use super::quadrature::tanh_sinh;
use super::{Magnitude, Moments};
use crate::check::positive;
use crate::error::{Error, Result};

/// Gamma(shape, scale), sampled by rand_distr (Marsaglia-Tsang).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Gamma {
    shape: f64,
    scale: f64,
    sampler: rand_distr::Gamma<f64>,
    /// `ln Γ(k)`, `ln Γ(k + 1)` and `k ln θ`, for the density.
    ln_gamma_shape: f64,
    ln_gamma_shape_1: f64,
    shape_ln_scale: f64,
}

impl Gamma {
    /// With the rules of [`Magnitude::gamma`](crate::Magnitude::gamma).
    pub(super) fn new(shape: f64, scale: f64) -> Result<Self> {
        if !(shape > 0.0 && shape <= Magnitude::MAX_GAMMA_SHAPE) {
            return Err(Error::invalid(
                "shape",
                shape,
                "a number > 0 and <= Magnitude::MAX_GAMMA_SHAPE (1e6)",
            ));
        }
        let scale = positive("scale", scale)?;
        if !(shape * scale).is_finite() {
            return Err(Error::invalid(
                "scale",
                scale,
                "small enough that the mean shape * scale fits in f64",
            ));
        }
        let sampler = rand_distr::Gamma::new(shape, scale)
            .map_err(|_| Error::invalid("scale", scale, "a finite number > 0"))?;
        Ok(Gamma {
            shape,
            scale,
            sampler,
            ln_gamma_shape: ln_gamma(shape),
            ln_gamma_shape_1: ln_gamma(shape + 1.0),
            shape_ln_scale: shape * scale.ln(),
        })
    }

    /// The shape `k`.
    pub(crate) fn shape(&self) -> f64 {
        self.shape
    }

    /// The scale `θ`.
    pub(crate) fn scale(&self) -> f64 {
        self.scale
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
        gamma_p(self.shape, x / self.scale)
    }

    /// The density of `X`.
    pub(super) fn density(&self, x: f64) -> f64 {
        if x <= 0.0 {
            return 0.0;
        }
        let ln = (self.shape - 1.0) * x.ln()
            - x / self.scale
            - self.ln_gamma_shape
            - self.shape_ln_scale;
        ln.exp()
    }

    /// `∫₀ᵇ f(y) g(y) dy` for the density `f`, integrated in `s = (y/b)^k`, which removes the
    /// `y^(k−1)` singularity of shapes below 1.
    pub(super) fn integrate_from_zero(&self, g: impl Fn(f64) -> f64, b: f64) -> f64 {
        // y = b s^(1/k): y^(k−1) dy = (b^k / k) ds, so the piece is
        // (b/θ)^k / Γ(k + 1) ∫₀¹ e^(−y/θ) g(y) ds.
        let (k, scale) = (self.shape, self.scale);
        let front = (k * (b / scale).ln() - self.ln_gamma_shape_1).exp();
        front
            * tanh_sinh(
                |s| {
                    let y = b * s.powf(1.0 / k);
                    (-y / scale).exp() * g(y)
                },
                0.0,
                1.0,
            )
    }

    /// Moments of `min(X, c)`, `c > 0`.
    pub(super) fn moments(&self, c: f64) -> Moments {
        let (k, theta) = (self.shape, self.scale);
        if c == f64::INFINITY {
            return Moments::from_mean_variance(k * theta, k * theta * theta);
        }
        let x = c / theta;
        // Γ(k+1)/Γ(k) = k and Γ(k+2)/Γ(k) = k(k+1); the tail P(X > c) = Q(k, c/θ).
        let tail = gamma_q(k, x);
        let mean = k * theta * gamma_p(k + 1.0, x) + c * tail;
        let second = k * (k + 1.0) * theta * theta * gamma_p(k + 2.0, x) + c * tail * c;
        Moments::from_raw(mean, second)
    }

    /// The body grid for the composite's quadrature: mean ± k SD, steps of 4θ into the tail, and
    /// halvings of θ towards 0.
    pub(super) fn breakpoints(&self, b: &mut Vec<f64>) {
        let (shape, scale) = (self.shape, self.scale);
        let (mean, sd) = (shape * scale, shape.sqrt() * scale);
        b.extend((-12..=12).map(|k| mean + sd * f64::from(k)));
        b.extend((1..=10).map(|k| mean + 4.0 * scale * f64::from(k)));
        b.extend((1..=20).map(|k| scale * 0.5f64.powi(k)));
    }
}

impl Distribution<f64> for Gamma {
    #[inline]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.sampler.sample(rng)
    }
}

/// The regularized lower incomplete gamma function `P(a, x)`, total on `x` (0 at or below 0,
/// 1 at infinity) unlike statrs, which refuses `x = 0` and `x = inf`.
fn gamma_p(a: f64, x: f64) -> f64 {
    if x <= 0.0 {
        0.0
    } else if x == f64::INFINITY {
        1.0
    } else {
        checked_gamma_lr(a, x).unwrap_or(f64::NAN)
    }
}

/// The regularized upper incomplete gamma function `Q(a, x) = 1 − P(a, x)`, computed directly
/// (no cancellation in the upper tail).
fn gamma_q(a: f64, x: f64) -> f64 {
    if x <= 0.0 {
        1.0
    } else if x == f64::INFINITY {
        0.0
    } else {
        checked_gamma_ur(a, x).unwrap_or(f64::NAN)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::super::tests::{NON_FINITE, invalid_name};
    use super::*;

    #[test]
    fn gamma_rejects_bad_parameters() {
        for bad in NON_FINITE.into_iter().chain([0.0, -0.0, -1.0, 1e6 + 1.0]) {
            assert_eq!(
                invalid_name(Magnitude::gamma(bad, 1.0).unwrap_err()),
                "shape"
            );
        }
        for bad in NON_FINITE.into_iter().chain([0.0, -0.0, -1.0]) {
            assert_eq!(
                invalid_name(Magnitude::gamma(1.0, bad).unwrap_err()),
                "scale"
            );
        }
        let e = Magnitude::gamma(1e6, 1e303).unwrap_err();
        assert!(e.to_string().contains("fits in f64"), "{e}");
        assert!(Magnitude::gamma(Magnitude::MAX_GAMMA_SHAPE, 1.0).is_ok());
    }

    #[test]
    fn gamma_cap_far_below_the_scale() {
        // c / θ = 1e-320 (subnormal): P = 0, Q = 1, so min(X, c) = c almost surely.
        let m = Magnitude::gamma(2.0, 1e300)
            .unwrap()
            .with_cap(1e-20)
            .unwrap();
        assert_eq!(m.mean(), 1e-20);
        assert_eq!(m.cdf(1e-21), 0.0);
    }
}
