//! The Beta-PERT loss `min + (max − min) B`, `B ~ Beta(α, β)` ([`Magnitude::pert`],
//! [`Magnitude::pert_with_lambda`]); also an uncertain [`Efficacy`](crate::Efficacy).

use rand::Rng;
use rand::distr::Distribution;
use statrs::function::beta::{checked_beta_reg, ln_beta};

use super::quadrature::tanh_sinh;
use super::{Magnitude, Moments, check_bounds, check_mode};
use crate::error::{Error, Result};

/// `min + width B`, `B = G_a / (G_a + G_b) ~ Beta(alpha, beta)` with independent
/// `G_a ~ Gamma(alpha, 1)`, `G_b ~ Gamma(beta, 1)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Pert {
    min: f64,
    width: f64,
    alpha: f64,
    beta: f64,
    gamma_alpha: rand_distr::Gamma<f64>,
    gamma_beta: rand_distr::Gamma<f64>,
    /// `ln B(α, β) + ln width`: the Beta(α, β) density on the unit scale is normalised by
    /// B(α, β) (statrs' `ln_beta`), and the scale adds `ln width`.
    ln_norm: f64,
    /// `mode`, `max` and `lambda` as given, for writing the loss back.
    mode: f64,
    max: f64,
    lambda: f64,
}

impl Pert {
    /// With the rules of [`Magnitude::pert_with_lambda`](crate::Magnitude::pert_with_lambda).
    pub(super) fn new(min: f64, mode: f64, max: f64, lambda: f64) -> Result<Self> {
        let (min, max) = check_bounds(min, max)?;
        let mode = check_mode(min, mode, max)?;
        if !(lambda > 0.0 && lambda <= Magnitude::MAX_PERT_LAMBDA) {
            return Err(Error::invalid("lambda", lambda, "a number > 0 and <= 1000"));
        }
        let width = max - min;
        // Divide first: `lambda * (max - mode)` can overflow for a huge `max`.
        let alpha = 1.0 + lambda * ((mode - min) / width);
        let beta = 1.0 + lambda * ((max - mode) / width);
        // alpha, beta are in [1, 1 + lambda]: rand_distr accepts them.
        let unit_gamma = |shape: f64| {
            rand_distr::Gamma::new(shape, 1.0)
                .map_err(|_| Error::invalid("lambda", lambda, "a number giving Beta shapes > 0"))
        };
        let gamma_alpha = unit_gamma(alpha)?;
        let gamma_beta = unit_gamma(beta)?;
        Ok(Pert {
            min,
            width,
            alpha,
            beta,
            gamma_alpha,
            gamma_beta,
            ln_norm: ln_beta(alpha, beta) + width.ln(),
            mode,
            max,
            lambda,
        })
    }

    /// The smallest possible value, `min`.
    pub(crate) fn min(&self) -> f64 {
        self.min
    }

    /// The most likely value, as given.
    pub(crate) fn mode(&self) -> f64 {
        self.mode
    }

    /// `max` as given (the largest sample is `min + width`, which can differ in the last bit).
    pub(crate) fn max(&self) -> f64 {
        self.max
    }

    /// The weight `λ` of the mode.
    pub(crate) fn lambda(&self) -> f64 {
        self.lambda
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
        let u = (x - self.min) / self.width;
        if u <= 0.0 {
            0.0
        } else if u >= 1.0 {
            1.0
        } else {
            beta_reg(self.alpha, self.beta, u)
        }
    }

    /// The density of `X`.
    pub(super) fn density(&self, x: f64) -> f64 {
        let (u, w) = (
            (x - self.min) / self.width,
            (self.min + self.width - x) / self.width,
        );
        if u <= 0.0 || w <= 0.0 {
            // Only reached at an end: the density there is 0 (shape > 1) or finite (shape 1);
            // the tanh-sinh weight of such a node is below 1e-20.
            return 0.0;
        }
        ((self.alpha - 1.0) * u.ln() + (self.beta - 1.0) * w.ln() - self.ln_norm).exp()
    }

    /// Moments of `min(X, c)`, `c > min`.
    pub(super) fn moments(&self, c: f64) -> Moments {
        let (mean_b, var_b) = pert_unit_moments(self.alpha, self.beta, (c - self.min) / self.width);
        // width² overflows for a range past 1.3e154; then scale the SD instead, so that a
        // cap far below `max` (var_b underflowing to 0) gives 0, not inf · 0 = NaN.
        let width_squared = self.width * self.width;
        let variance = if width_squared.is_finite() {
            width_squared * var_b
        } else {
            let sd = self.width * var_b.sqrt();
            sd * sd
        };
        Moments::from_mean_variance(self.min + self.width * mean_b, variance)
    }

    /// `Var[X] = width² αβ / ((α + β)² (α + β + 1))` as one expression: what an
    /// [`Efficacy`](crate::Efficacy) reports. [`moments`](Self::moments) scales the unit
    /// variance instead, which can differ in the last bit; each is pinned where it is used.
    pub(crate) fn variance(&self) -> f64 {
        let (width, alpha, beta) = (self.width, self.alpha, self.beta);
        let s = alpha + beta;
        width * width * alpha * beta / (s * s * (s + 1.0))
    }

    /// `E[g(X)]` by the tanh-sinh rule over the support (the density is bounded, shapes >= 1).
    pub(crate) fn expectation(&self, g: impl Fn(f64) -> f64) -> f64 {
        tanh_sinh(|v| g(v) * self.density(v), self.min, self.min + self.width)
    }

    /// The body grid for the composite's quadrature: mean ± k SD, `|k| <= 10`, and the mode.
    pub(super) fn breakpoints(&self, b: &mut Vec<f64>) {
        let (min, width, alpha, beta) = (self.min, self.width, self.alpha, self.beta);
        let s = alpha + beta;
        let (mean, sd) = (alpha / s, (alpha * beta / (s * s * (s + 1.0))).sqrt());
        b.extend((-10..=10).map(|k| min + width * (mean + sd * f64::from(k))));
        if s > 2.0 {
            b.push(min + width * (alpha - 1.0) / (s - 2.0));
        }
    }
}

impl Distribution<f64> for Pert {
    /// `min + width · G_α/(G_α + G_β)`. Both gamma variates are > 0 (shapes >= 1), so the ratio
    /// is in (0, 1).
    #[inline]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let a = self.gamma_alpha.sample(rng);
        let b = self.gamma_beta.sample(rng);
        self.min + self.width * (a / (a + b))
    }
}

/// The regularized incomplete beta function `I_x(a, b)`; `x` is clamped into `[0, 1]`.
fn beta_reg(a: f64, b: f64, x: f64) -> f64 {
    // a, b >= 1 here, and x is clamped, so statrs cannot fail; NaN would only flag a bug.
    checked_beta_reg(a, b, x.clamp(0.0, 1.0)).unwrap_or(f64::NAN)
}

/// Mean and variance of `min(B, t)`, `B ~ Beta(alpha, beta)`.
fn pert_unit_moments(alpha: f64, beta: f64, t: f64) -> (f64, f64) {
    let sum = alpha + beta;
    let mean = alpha / sum;
    if t >= 1.0 {
        return (mean, alpha * beta / (sum * sum * (sum + 1.0)));
    }
    // P(B > t) = I_{1−t}(β, α), which stays accurate in the upper tail.
    let tail = beta_reg(beta, alpha, 1.0 - t);
    let e1 = mean * beta_reg(alpha + 1.0, beta, t) + t * tail;
    let e2 =
        alpha * (alpha + 1.0) / (sum * (sum + 1.0)) * beta_reg(alpha + 2.0, beta, t) + t * t * tail;
    (e1, (e2 - e1 * e1).max(0.0))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::super::Repr;
    use super::super::tests::{NON_FINITE, invalid_name, rel};
    use super::*;

    #[test]
    fn pert_lambda_is_validated() {
        for bad in NON_FINITE
            .into_iter()
            .chain([0.0, -0.0, -4.0, 1000.5, 1e300])
        {
            let e = Magnitude::pert_with_lambda(0.0, 1.0, 2.0, bad).unwrap_err();
            assert_eq!(invalid_name(e), "lambda", "{bad}");
        }
        assert!(Magnitude::pert_with_lambda(0.0, 1.0, 2.0, Magnitude::MAX_PERT_LAMBDA).is_ok());
        assert!(Magnitude::pert_with_lambda(0.0, 1.0, 2.0, 1e-9).is_ok());
    }

    /// DOMAIN.md §3: PERT(50k, 200k, 1M): α = 1.6316 (1.631579), β = 4.3684 (4.368421),
    /// mean 308,333.33, SD 159,768; λ = 2: α = 1.3158, β = 2.6842, mean 362,500. Exact values
    /// recomputed from the closed forms (fractions of 19). The triangular and uniform vectors of
    /// the same section are in their files.
    #[test]
    fn pert_domain_vectors() {
        let m = Magnitude::pert(50e3, 200e3, 1e6).unwrap();
        let Repr::Pert(Pert { alpha, beta, .. }) = m.repr else {
            panic!("not a PERT")
        };
        assert!((alpha - 31.0 / 19.0).abs() < 1e-15 && (alpha - 1.631579).abs() < 1e-6);
        assert!((beta - 83.0 / 19.0).abs() < 1e-15 && (beta - 4.368421).abs() < 1e-6);
        assert!(rel(m.mean(), 1_850_000.0 / 6.0) < 1e-15);
        assert!((m.mean() - 308_333.33).abs() < 0.01);
        let sd = m.variance().sqrt();
        let want_var = 950e3f64.powi(2) * alpha * beta / (36.0 * 7.0);
        assert!(rel(m.variance(), want_var) < 1e-14);
        assert!((sd - 159_768.0).abs() < 0.5, "sd {sd}");
        assert!(rel(m.second_moment(), want_var + m.mean().powi(2)) < 1e-14);
        // DOMAIN.md: p5 = 93,473, p50 = 283,183, p95 = 609,691 (to the unit, from SciPy).
        for (q, p) in [(93_473.0, 0.05), (283_183.0, 0.5), (609_691.0, 0.95)] {
            // Density <= 2.2e-6 per unit, so 0.5 unit of rounding moves the CDF < 1.2e-6.
            assert!((m.cdf(q) - p).abs() < 2e-6, "cdf({q}) = {}", m.cdf(q));
        }

        let m2 = Magnitude::pert_with_lambda(50e3, 200e3, 1e6, 2.0).unwrap();
        let Repr::Pert(Pert { alpha, beta, .. }) = m2.repr else {
            panic!("not a PERT")
        };
        assert!((alpha - 1.3158).abs() < 1e-4 && (beta - 2.6842).abs() < 1e-4);
        assert!(rel(m2.mean(), 362_500.0) < 1e-15);
    }
}
