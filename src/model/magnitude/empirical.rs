//! Resampling observed losses: [`Magnitude::empirical`](crate::Magnitude::empirical).

use std::sync::Arc;

use rand::Rng;
use rand::distr::{Distribution, Uniform};

use super::{Moments, loss_bound};
use crate::error::{Error, Result};

/// `sorted[I]`, `I` uniform on `0..sorted.len()` (Lemire's unbiased method). The data sit behind
/// an `Arc` so that cloning a `Magnitude` never copies them.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Empirical {
    sorted: Arc<[f64]>,
    index: Uniform<usize>,
}

impl Empirical {
    /// With the rules of [`Magnitude::empirical`](crate::Magnitude::empirical).
    pub(super) fn new(losses: &[f64]) -> Result<Self> {
        if losses.is_empty() {
            return Err(Error::Empty { name: "losses" });
        }
        let mut sorted = Vec::with_capacity(losses.len());
        for &x in losses {
            sorted.push(loss_bound("losses", x)?);
        }
        sorted.sort_by(f64::total_cmp);
        let index = Uniform::new(0, sorted.len()).map_err(|_| Error::Empty { name: "losses" })?;
        let d = Empirical {
            sorted: sorted.into(),
            index,
        };
        let mean = d.moments(f64::INFINITY).mean;
        if !mean.is_finite() {
            return Err(Error::invalid(
                "losses",
                mean,
                "values whose mean fits in f64",
            ));
        }
        Ok(d)
    }

    /// The observations, sorted.
    pub(crate) fn sorted(&self) -> &[f64] {
        &self.sorted
    }

    /// The smallest observation.
    pub(super) fn lower(&self) -> f64 {
        self.sorted.first().copied().unwrap_or(0.0)
    }

    /// The largest observation.
    pub(super) fn upper(&self) -> f64 {
        self.sorted.last().copied().unwrap_or(f64::INFINITY)
    }

    /// `P(X <= x)`, the share of observations at or below `x`.
    pub(super) fn cdf(&self, x: f64) -> f64 {
        self.sorted.partition_point(|&v| v <= x) as f64 / self.sorted.len() as f64
    }

    /// Moments of `min(X, c)`: those of the capped data (the variance of this discrete
    /// distribution, `/ n`).
    pub(super) fn moments(&self, c: f64) -> Moments {
        let sorted = &self.sorted;
        let n = sorted.len() as f64;
        let capped = || sorted.iter().map(move |&v| v.min(c));
        let mean = sum(capped()) / n;
        let variance = sum(capped().map(|y| (y - mean) * (y - mean))) / n;
        let second = sum(capped().map(|y| y * y)) / n;
        Moments {
            mean,
            variance,
            second,
        }
    }

    /// `E[g(X)]`, the mean of `g` over the observations.
    pub(super) fn mean_of(&self, g: impl Fn(f64) -> f64) -> f64 {
        sum(self.sorted.iter().map(|&v| g(v))) / self.sorted.len() as f64
    }

    /// The atoms, for the composite's quadrature.
    pub(super) fn breakpoints(&self, b: &mut Vec<f64>) {
        b.extend(self.sorted.iter().copied());
    }

    /// The equally likely observations.
    pub(super) fn atoms(&self) -> &[f64] {
        &self.sorted
    }
}

impl Distribution<f64> for Empirical {
    #[inline]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.sorted[self.index.sample(rng)]
    }
}

/// Neumaier-compensated sum; an overflow returns `inf` rather than NaN.
fn sum(values: impl Iterator<Item = f64>) -> f64 {
    let (mut total, mut compensation) = (0.0f64, 0.0f64);
    for x in values {
        let t = total + x;
        compensation += if total.abs() >= x.abs() {
            (total - t) + x
        } else {
            (x - t) + total
        };
        total = t;
    }
    if total.is_finite() {
        total + compensation
    } else {
        total
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::super::tests::{NON_FINITE, invalid_name};
    use super::super::{Magnitude, Repr};
    use super::*;

    #[test]
    fn empirical_validation() {
        assert_eq!(
            Magnitude::empirical(&[]).unwrap_err(),
            Error::Empty { name: "losses" }
        );
        assert_eq!(
            Magnitude::empirical(&[]).unwrap_err().to_string(),
            "losses must not be empty"
        );
        for bad in NON_FINITE.into_iter().chain([-1.0]) {
            let e = Magnitude::empirical(&[1.0, bad, 2.0]).unwrap_err();
            assert_eq!(invalid_name(e.clone()), "losses");
            assert!(e.to_string().contains("losses are non-negative"), "{e}");
        }
        let e = Magnitude::empirical(&[f64::MAX, f64::MAX]).unwrap_err();
        assert!(e.to_string().contains("fits in f64"), "{e}");
        // -0.0 counts as 0; a single observation is allowed.
        let m = Magnitude::empirical(&[-0.0]).unwrap();
        assert!(m.mean() == 0.0 && m.mean().is_sign_positive());
    }

    #[test]
    fn empirical_moments_and_cdf_are_those_of_the_data() {
        let m = Magnitude::empirical(&[3.0, 1.0, 2.0, 2.0]).unwrap();
        assert_eq!(m.mean(), 2.0);
        assert_eq!(m.variance(), 0.5); // (1 + 0 + 0 + 1) / 4
        assert_eq!(m.second_moment(), 4.5);
        assert_eq!(
            [m.cdf(0.5), m.cdf(1.0), m.cdf(1.5), m.cdf(2.0), m.cdf(3.0)],
            [0.0, 0.25, 0.25, 0.75, 1.0]
        );
        let c = m.clone().with_cap(1.5).unwrap();
        assert_eq!(c.mean(), 1.375); // (1 + 1.5 * 3) / 4
        assert_eq!(c.cdf(1.4), 0.25);
        assert_eq!(c.cdf(1.5), 1.0);
        // Clones share the data.
        let Repr::Empirical(Empirical { sorted, .. }) = &m.repr else {
            panic!()
        };
        let k = m.clone();
        let Repr::Empirical(Empirical {
            sorted: sorted2, ..
        }) = &k.repr
        else {
            panic!()
        };
        assert!(Arc::ptr_eq(sorted, sorted2));
    }
}
