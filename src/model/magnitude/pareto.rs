//! The Pareto (type I) loss, `P(X > x) = (x_m / x)^α` for `x >= x_m` ([`Magnitude::pareto`],
//! [`Magnitude::pareto_capped`]).
//!
//! [`Magnitude::pareto`]: crate::Magnitude::pareto
//! [`Magnitude::pareto_capped`]: crate::Magnitude::pareto_capped

use rand::Rng;
use rand::distr::{Distribution, OpenClosed01};

use super::Moments;
use crate::check::positive;
use crate::error::{Error, Result};

/// `scale U^(-1 / shape)`, `U` uniform on `(0, 1]`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Pareto {
    scale: f64,
    shape: f64,
    neg_inv_shape: f64,
}

impl Pareto {
    /// With the rules of [`Magnitude::pareto`](crate::Magnitude::pareto): a finite mean.
    pub(super) fn new(scale: f64, shape: f64) -> Result<Self> {
        if !(shape > 1.0 && shape.is_finite()) {
            return Err(Error::invalid(
                "shape",
                shape,
                "a finite number > 1 (the mean is infinite otherwise: give a cap)",
            ));
        }
        let d = Self::any_shape(scale, shape)?;
        if !d.moments(f64::INFINITY).mean.is_finite() {
            return Err(Error::invalid(
                "shape",
                shape,
                "large enough that the mean scale * shape / (shape - 1) fits in f64",
            ));
        }
        Ok(d)
    }

    /// Any finite `shape > 0`, for [`Magnitude::pareto_capped`](crate::Magnitude::pareto_capped),
    /// which caps it at once (the cap makes every moment finite).
    pub(super) fn for_cap(scale: f64, shape: f64) -> Result<Self> {
        if !(shape > 0.0 && shape.is_finite()) {
            return Err(Error::invalid("shape", shape, "a finite number > 0"));
        }
        Self::any_shape(scale, shape)
    }

    /// The sampler without the mean check; `shape` must already be finite and `> 0`.
    fn any_shape(scale: f64, shape: f64) -> Result<Self> {
        let scale = positive("scale", scale)?;
        Ok(Pareto {
            scale,
            shape,
            neg_inv_shape: -1.0 / shape,
        })
    }

    /// The minimum `x_m`.
    pub(crate) fn scale(&self) -> f64 {
        self.scale
    }

    /// The tail index `α`.
    pub(crate) fn shape(&self) -> f64 {
        self.shape
    }

    /// The smallest possible loss, `x_m`.
    pub(super) fn lower(&self) -> f64 {
        self.scale
    }

    /// The largest possible loss.
    pub(super) fn upper(&self) -> f64 {
        f64::INFINITY
    }

    /// `P(X <= x)`.
    pub(super) fn cdf(&self, x: f64) -> f64 {
        if x <= self.scale {
            0.0
        } else {
            // 1 − (x_m / x)^α without cancellation for x near x_m.
            -(-self.shape * ln_ratio(x, self.scale)).exp_m1()
        }
    }

    /// The density of `X`.
    pub(super) fn density(&self, x: f64) -> f64 {
        if x <= self.scale {
            return 0.0;
        }
        self.shape / x * (-self.shape * ln_ratio(x, self.scale)).exp()
    }

    /// Moments of `min(X, c)`, `c > x_m`.
    ///
    /// On the scale `u = x / x_m` and with `r = c / x_m`, `∫₁ʳ u^(k−1−α) du = (1 − r^(k−α))/(α − k)`
    /// (`ln r` when `α = k`), so `E[min(X, c)] = x_m (1 + g₁)` and
    /// `E[(min(X, c) − x_m)²] = 2 x_m² (g₂ − g₁)`: this is the source's
    /// `α x_m^α (c^(k−α) − x_m^(k−α))/(k − α) + c^k P(X > c)` regrouped so that no power of `x_m`
    /// or `c` can overflow and the variance avoids `E[X²] − E[X]²`.
    pub(super) fn moments(&self, c: f64) -> Moments {
        let (xm, a) = (self.scale, self.shape);
        if c == f64::INFINITY {
            // The constructor guarantees α > 1.
            let mean = xm * a / (a - 1.0);
            let variance = if a > 2.0 {
                // (x_m / (α − 1))² α / (α − 2): grouped so no intermediate overflows early.
                let t = xm / (a - 1.0);
                t * t * (a / (a - 2.0))
            } else {
                f64::INFINITY
            };
            return Moments::from_mean_variance(mean, variance);
        }
        let lr = ln_ratio(c, xm); // ln r > 0: the cap lies above x_m.
        // g(k) = ∫₁ʳ u^(k−1−α) du = −expm1(−(α − k) ln r)/(α − k), → ln r as α → k.
        let g = |k: f64| {
            let d = a - k;
            if d == 0.0 {
                lr
            } else {
                -(-d * lr).exp_m1() / d
            }
        };
        let g1 = g(1.0);
        // D = g₂ − g₁ = ∫₁ʳ (u − 1) u^(−α) du. For α > 3 the difference cancels (both ≈ 1/α), so
        // use the combined closed form [1 − r^(1−α) (1 + (α − 1)(r − 1))] / ((α − 1)(α − 2)).
        let d = if a > 3.0 {
            let am1 = a - 1.0;
            // r^(1−α) (r − 1) = e^((2 − α) ln r) (1 − e^(−ln r)): neither factor overflows, however
            // far out the cap lies.
            let tail = ((2.0 - a) * lr).exp() * (-(-lr).exp_m1());
            let num = -(-am1 * lr).exp_m1() - am1 * tail;
            num / (am1 * (a - 2.0))
        } else {
            g(2.0) - g1
        };
        let mean = xm * (1.0 + g1);
        // x_m (x_m (…)) so a tiny x_m does not underflow before the bracket scales it; a rounding
        // below zero is clamped, but a NaN would stay visible.
        let variance = xm * (xm * (2.0 * d - g1 * g1));
        let variance = if variance < 0.0 { 0.0 } else { variance };
        Moments::from_mean_variance(mean, variance)
    }

    /// The body grid for the composite's quadrature: doublings of `x_m` up to where the tail
    /// `P(X > x) = 2^(−kα)` drops below 1e-18.
    pub(super) fn breakpoints(&self, b: &mut Vec<f64>) {
        let last = (60.0 / self.shape).ceil().min(1100.0) as i32;
        b.extend((1..=last).map(|k| self.scale * 2f64.powi(k)));
    }
}

impl Distribution<f64> for Pareto {
    /// By the inverse CDF. `U` in (0, 1] so the power is finite; `U` and `1 − U` have the same
    /// law.
    #[inline]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let u: f64 = OpenClosed01.sample(rng);
        self.scale * u.powf(self.neg_inv_shape)
    }
}

/// ln(x / y) for x >= y > 0, accurate when x is close to y (ln_1p of the relative gap) and
/// finite when x / y would overflow (a difference of logarithms).
fn ln_ratio(x: f64, y: f64) -> f64 {
    if x < 2.0 * y {
        ((x - y) / y).ln_1p()
    } else {
        x.ln() - y.ln()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::super::Magnitude;
    use super::super::tests::{NON_FINITE, invalid_name, rel};

    #[test]
    fn pareto_rejects_bad_parameters() {
        for bad in NON_FINITE.into_iter().chain([0.0, -0.0, -1.0]) {
            assert_eq!(
                invalid_name(Magnitude::pareto(bad, 2.0).unwrap_err()),
                "scale"
            );
            assert_eq!(
                invalid_name(Magnitude::pareto_capped(bad, 2.0, 10.0).unwrap_err()),
                "scale"
            );
            assert_eq!(
                invalid_name(Magnitude::pareto_capped(1.0, bad, 10.0).unwrap_err()),
                "shape"
            );
            assert_eq!(
                invalid_name(Magnitude::pareto_capped(1.0, 2.0, bad).unwrap_err()),
                "cap"
            );
        }
        // Shape <= 1 has an infinite mean: refused uncapped, with a pointer to the fix.
        for bad in NON_FINITE.into_iter().chain([1.0, 0.5, 0.0, -0.0, -2.0]) {
            let e = Magnitude::pareto(1.0, bad).unwrap_err();
            assert_eq!(invalid_name(e.clone()), "shape");
            assert!(e.to_string().contains("give a cap"), "{e}");
        }
        // The cap must exceed the scale (the smallest possible loss).
        for bad in [1.0, 0.5] {
            let e = Magnitude::pareto_capped(1.0, 0.5, bad).unwrap_err();
            assert_eq!(
                e.to_string(),
                format!(
                    "invalid cap: {bad} (expected a finite number above the smallest possible loss)"
                )
            );
        }
        // Mean 1e308 * 1.5 / 0.5 overflows.
        let e = Magnitude::pareto(1e308, 1.5).unwrap_err();
        assert!(e.to_string().contains("fits in f64"), "{e}");
        assert!(Magnitude::pareto_capped(1.0, 0.5, 1.0 + 1e-9).is_ok());
    }

    #[test]
    fn pareto_capped_shape_at_the_singular_points() {
        // shape = 1 and 2 use ln r; nearby shapes use expm1: the two must agree.
        for k in [1.0, 2.0] {
            let at = Magnitude::pareto_capped(1.0, k, 50.0).unwrap();
            let near = Magnitude::pareto_capped(1.0, k + 1e-9, 50.0).unwrap();
            assert!(rel(at.mean(), near.mean()) < 1e-7, "{k}");
            assert!(rel(at.variance(), near.variance()) < 1e-7, "{k}");
        }
        // The stable D formula (shape > 3) agrees with g2 − g1 where the latter is accurate.
        let (xm, c) = (1.0f64, 20.0f64);
        for a in [3.0 + 1e-9, 3.5, 5.0] {
            let lr = (c / xm).ln();
            let g = |k: f64| -(-(a - k) * lr).exp_m1() / (a - k);
            let var = 2.0 * (g(2.0) - g(1.0)) - g(1.0).powi(2);
            let m = Magnitude::pareto_capped(xm, a, c).unwrap();
            assert!(rel(m.variance(), var) < 1e-12, "{a}");
        }
        // Shape 1, cap c: mean x_m (1 + ln(c/x_m)); E[Y²] = x_m² (2c/x_m − 1).
        let m = Magnitude::pareto_capped(2.0, 1.0, 200.0).unwrap();
        assert!(rel(m.mean(), 2.0 * (1.0 + 100f64.ln())) < 1e-15);
        assert!(rel(m.second_moment(), 4.0 * (2.0 * 100.0 - 1.0)) < 1e-13);
    }

    #[test]
    fn pareto_cdf_just_above_the_scale() {
        // 1 − (1 + ε)^(−2) = (2ε + ε²) / (1 + ε)², with ε exact in binary.
        let m = Magnitude::pareto(1.0, 2.0).unwrap();
        let x = 1.0 + 5e-10;
        let e = x - 1.0;
        let want = (2.0 * e + e * e) / ((1.0 + e) * (1.0 + e));
        assert!(rel(m.cdf(x), want) < 1e-12, "{} vs {want}", m.cdf(x));
    }

    #[test]
    fn pareto_with_a_huge_shape_keeps_its_variance() {
        // α = 1e6: E[X²] − E[X]² would cancel 12 digits. Var ≈ x_m² α/((α−1)²(α−2)).
        let a = 1e6;
        let want = a / ((a - 1.0) * (a - 1.0) * (a - 2.0));
        let capped = Magnitude::pareto_capped(1.0, a, 2.0).unwrap();
        assert!(rel(capped.variance(), want) < 1e-9, "{}", capped.variance());
        let free = Magnitude::pareto(1.0, a).unwrap();
        assert!(rel(free.variance(), want) < 1e-15);
    }
}
