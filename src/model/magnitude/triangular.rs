//! The triangular loss on `[min, max]` ([`Magnitude::triangular`]); also an uncertain
//! [`Efficacy`](crate::Efficacy).
//!
//! [`Magnitude::triangular`]: crate::Magnitude::triangular

use rand::Rng;
use rand::distr::{Distribution, StandardUniform};

use super::quadrature::tanh_sinh;
use super::{Moments, check_bounds, check_mode};
use crate::error::Result;

/// Triangular on `[min, max]`; `p = (mode - min) / width`, `q = (max - mode) / width`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Triangular {
    min: f64,
    max: f64,
    width: f64,
    p: f64,
    q: f64,
    /// As given, for writing the loss back.
    mode: f64,
}

impl Triangular {
    /// With the rules of [`Magnitude::triangular`](crate::Magnitude::triangular).
    pub(super) fn new(min: f64, mode: f64, max: f64) -> Result<Self> {
        let (min, max) = check_bounds(min, max)?;
        let mode = check_mode(min, mode, max)?;
        let width = max - min;
        Ok(Triangular {
            min,
            max,
            width,
            p: (mode - min) / width,
            q: (max - mode) / width,
            mode,
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

    /// The largest possible value, `max`.
    pub(crate) fn max(&self) -> f64 {
        self.max
    }

    /// The smallest possible value.
    pub(super) fn lower(&self) -> f64 {
        self.min
    }

    /// The largest possible value.
    pub(super) fn upper(&self) -> f64 {
        self.max
    }

    /// `P(X <= x)`.
    pub(super) fn cdf(&self, x: f64) -> f64 {
        let u = (x - self.min) / self.width;
        if u <= 0.0 {
            0.0
        } else if u >= 1.0 {
            1.0
        } else if u <= self.p {
            u * u / self.p
        } else {
            let s = (self.max - x) / self.width;
            1.0 - s * s / self.q
        }
    }

    /// The density of `X`.
    pub(super) fn density(&self, x: f64) -> f64 {
        let (min, max, width, p, q) = (self.min, self.max, self.width, self.p, self.q);
        let u = (x - min) / width;
        if u <= 0.0 || u >= 1.0 {
            0.0
        } else if u < p {
            2.0 * u / (width * p)
        } else {
            2.0 * (max - x) / (width * width * q)
        }
    }

    /// Moments of `min(X, c)`, `c > min`.
    pub(super) fn moments(&self, c: f64) -> Moments {
        let (mean_b, var_b) = triangular_unit_moments(self.p, self.q, (c - self.min) / self.width);
        Moments::from_mean_variance(
            self.min + self.width * mean_b,
            self.width * self.width * var_b,
        )
    }

    /// `Var[X] = width² (1 − pq) / 18` as one expression: what an [`Efficacy`](crate::Efficacy)
    /// reports. [`moments`](Self::moments) scales the unit variance instead, which can differ in
    /// the last bit; each is pinned where it is used.
    pub(crate) fn variance(&self) -> f64 {
        self.width * self.width * (1.0 - self.p * self.q) / 18.0
    }

    /// `E[g(X)]` by the tanh-sinh rule, split at the mode, where the density has a kink.
    pub(crate) fn expectation(&self, g: impl Fn(f64) -> f64) -> f64 {
        let (min, mode, max, width) = (self.min, self.mode, self.max, self.width);
        // f(v) = 2(v − min)/(width (mode − min)) below the mode, 2(max − v)/(width
        // (max − mode)) above.
        let mut total = 0.0;
        if mode > min {
            let k = 2.0 / (width * (mode - min));
            total += tanh_sinh(|v| g(v) * k * (v - min), min, mode);
        }
        if max > mode {
            let k = 2.0 / (width * (max - mode));
            total += tanh_sinh(|v| g(v) * k * (max - v), mode, max);
        }
        total
    }

    /// The kink of the density at the mode, for the composite's quadrature.
    pub(super) fn breakpoints(&self, b: &mut Vec<f64>) {
        b.push(self.min + self.width * self.p);
    }
}

impl Distribution<f64> for Triangular {
    /// By the inverse CDF on the unit scale: √(u p) below the mode, 1 − √((1 − u) q) above.
    #[inline]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let u: f64 = StandardUniform.sample(rng);
        if u < self.p {
            self.min + self.width * (u * self.p).sqrt()
        } else {
            self.max - self.width * ((1.0 - u) * self.q).sqrt()
        }
    }
}

/// Mean and variance of `min(B, t)`, `B` triangular on `[0, 1]` with mode `p = 1 − q`.
///
/// From `E[min(B, t)] = ∫₀ᵗ (1 − F)` and `E[min(B, t)²] = ∫₀ᵗ 2x (1 − F)`, with `F(x) = x²/p`
/// below the mode and `1 − (1 − x)²/q` above it.
fn triangular_unit_moments(p: f64, q: f64, t: f64) -> (f64, f64) {
    if t >= 1.0 {
        // (0 + p + 1)/3 and (1 − p + p²)/18 = (1 − pq)/18.
        return ((1.0 + p) / 3.0, (1.0 - p * q) / 18.0);
    }
    let (e1, e2) = if t <= p || q <= 0.0 {
        // 0 < t <= p, so p > 0.
        let t2 = t * t;
        (t - t2 * t / (3.0 * p), t2 - t2 * t2 / (2.0 * p))
    } else {
        // p < t < 1, so q > s = 1 − t > 0.
        let s = 1.0 - t;
        let (q3, s3) = (q * q * q, s * s * s);
        let e1 = p - p * p / 3.0 + (q3 - s3) / (3.0 * q);
        let e2 = p * p - p * p * p / 2.0 + 2.0 / q * ((q3 - s3) / 3.0 - (q3 * q - s3 * s) / 4.0);
        (e1, e2)
    };
    (e1, (e2 - e1 * e1).max(0.0))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::super::Magnitude;
    use super::super::tests::rel;
    use super::*;

    /// DOMAIN.md §3: the triangular mean 416,667 for `(50k, 200k, 1M)` (a fraction of 3).
    #[test]
    fn triangular_domain_vector() {
        let t = Magnitude::triangular(50e3, 200e3, 1e6).unwrap();
        assert!(rel(t.mean(), 1_250_000.0 / 3.0) < 1e-15);
        assert!((t.mean() - 416_667.0).abs() < 0.5);
        let (a, c, b) = (50e3f64, 200e3f64, 1e6f64);
        let want = (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0;
        assert!(rel(t.variance(), want) < 1e-14);
    }

    #[test]
    fn capped_triangular_closed_form_is_continuous_at_the_mode() {
        // The two branches must agree at t = p.
        for (p, q) in [(0.3, 0.7), (0.9, 0.1)] {
            let below = triangular_unit_moments(p, q, p * (1.0 - 1e-12));
            let above = triangular_unit_moments(p, q, p * (1.0 + 1e-12));
            assert!((below.0 - above.0).abs() < 1e-11 && (below.1 - above.1).abs() < 1e-11);
            let whole = triangular_unit_moments(p, q, 1.0);
            let near = triangular_unit_moments(p, q, 1.0 - 1e-12);
            assert!((whole.0 - near.0).abs() < 1e-11 && (whole.1 - near.1).abs() < 1e-11);
        }
    }
}
