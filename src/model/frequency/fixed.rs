//! A fixed number of events every year.

use rand::Rng;

use super::binomial::{self, Binomial};
use super::{Law, check_max_rate};
use crate::error::Result;

/// N = count every year, `1 <= count <= MAX_RATE`. Sampling does not touch the generator.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Fixed {
    count: u32,
}

impl Fixed {
    /// One event every year.
    pub(super) const ONE: Fixed = Fixed { count: 1 };

    /// Exactly `count` events; `fixed(0)` never fires.
    pub(super) fn law(count: u32) -> Result<Law> {
        check_max_rate("count", f64::from(count))?;
        if count == 0 {
            return Ok(Law::Never);
        }
        Ok(Law::Fixed(Fixed { count }))
    }

    /// The count, for the scenario writer.
    pub(crate) fn count(&self) -> u32 {
        self.count
    }

    pub(super) fn mean(&self) -> f64 {
        f64::from(self.count)
    }

    pub(super) fn variance(&self) -> f64 {
        0.0
    }

    pub(super) fn probability_of_event(&self) -> f64 {
        1.0
    }

    /// `Some(1)` for one event a year: thinned by `V`, `P(N >= 1 | V) = V` is linear in `V`.
    pub(super) fn single_event_probability(&self) -> Option<f64> {
        (self.count == 1).then_some(1.0)
    }

    /// Thinned by a known `v` in `(0, 1)`: each event kept with probability `v`, Binomial(n, v).
    pub(super) fn thinned_by(&self, v: f64) -> Result<Law> {
        Binomial::law(self.count, v)
    }

    pub(super) fn thinned_event_probability(&self, v: f64) -> f64 {
        binomial::event_probability(self.count, 1.0, v)
    }

    #[inline]
    pub(super) fn sample(&self) -> u64 {
        u64::from(self.count)
    }

    /// N given this year's vulnerability `v`: Binomial(n, v).
    pub(super) fn sample_thinned<R: Rng + ?Sized>(&self, rng: &mut R, v: f64) -> u64 {
        binomial::sample_thinned(rng, self.count, 1.0, v)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::super::tests::msg;
    use super::super::{Frequency, Repr};
    use super::*;

    #[test]
    fn fixed_construction() {
        assert_eq!(Frequency::fixed(0).unwrap().0, Repr::Law(Law::Never));
        assert_eq!(
            Frequency::fixed(3).unwrap().0,
            Repr::Law(Law::Fixed(Fixed { count: 3 }))
        );
        assert!(Frequency::fixed(1_000_000).is_ok());
        assert_eq!(
            msg(Frequency::fixed(1_000_001)),
            "invalid count: 1000001 (expected at most 1e6 events a year (Frequency::MAX_RATE))"
        );
        assert!(Frequency::fixed(u32::MAX).is_err());
    }
}
