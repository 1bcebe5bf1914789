//! Efficacy: how much of something a control removes, a fraction in [0, 1], possibly uncertain.

use rand::Rng;
use rand::distr::Distribution;

use crate::check;
use crate::error::Result;
use crate::model::magnitude::{Bounded, Magnitude};

/// The fraction of events a control prevents, or of each event's loss it removes: a number in
/// `[0, 1]`, fixed or uncertain.
///
/// An uncertain efficacy (PERT, uniform or triangular on a sub-range of `[0, 1]`) expresses
/// what the analyst does not know about how well the control works. The engine draws it **once
/// per simulated year** and applies that year's value to every event the control touches, so
/// the uncertainty widens the tail instead of averaging out over events.
///
/// The same type describes a FAIR vulnerability (susceptibility), the probability that a threat
/// event becomes a loss event: see [`Frequency::thinned`](crate::Frequency::thinned).
///
/// # Example
/// ```
/// use csfquant::Efficacy;
/// let mfa = Efficacy::pert(0.3, 0.5, 0.7)?;
/// assert!((mfa.mean() - 0.5).abs() < 1e-12);
/// assert_eq!(Efficacy::fixed(0.4)?.mean(), 0.4);
/// assert!(Efficacy::fixed(1.2).is_err());
/// Ok::<(), csfquant::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Efficacy(Repr);

/// `Copy`, so that a [`Frequency`](crate::Frequency) can hold one. An uncertain kind keeps the
/// distribution of the [`Magnitude`] of the same parameters (it draws exactly as that magnitude:
/// the value-stability pins of the controls depend on it; it also keeps the parameters as given)
/// and the magnitude's analytic mean and second moment.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Repr {
    Fixed(f64),
    Uncertain {
        sampler: Bounded,
        mean: f64,
        second: f64,
    },
}

impl Efficacy {
    /// The kind and its parameters, for the scenario writer.
    pub(crate) fn repr(&self) -> &Repr {
        &self.0
    }

    /// A known efficacy.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`](crate::Error::InvalidParameter) named `efficacy` unless `0 <= value <= 1`.
    pub fn fixed(value: f64) -> Result<Efficacy> {
        Ok(Efficacy(Repr::Fixed(fraction("efficacy", value)?)))
    }

    /// A Beta-PERT efficacy on `[min, max]` with most likely value `mode` (λ = 4), as
    /// [`Magnitude::pert`].
    ///
    /// # Errors
    /// [`Error::InvalidParameter`](crate::Error::InvalidParameter) unless `min` and `max` lie in `[0, 1]`;
    /// [`Error::EmptyRange`](crate::Error::EmptyRange) unless `min < max`; [`Error::ModeOutOfRange`](crate::Error::ModeOutOfRange) unless
    /// `min <= mode <= max`.
    pub fn pert(min: f64, mode: f64, max: f64) -> Result<Efficacy> {
        bounds(min, max)?;
        Ok(uncertain(Magnitude::pert(min, mode, max)?))
    }

    /// A uniform efficacy on `[min, max]`.
    ///
    /// # Errors
    /// As [`Efficacy::pert`], without the mode.
    pub fn uniform(min: f64, max: f64) -> Result<Efficacy> {
        bounds(min, max)?;
        Ok(uncertain(Magnitude::uniform(min, max)?))
    }

    /// A triangular efficacy on `[min, max]` with most likely value `mode`.
    ///
    /// # Errors
    /// As [`Efficacy::pert`].
    pub fn triangular(min: f64, mode: f64, max: f64) -> Result<Efficacy> {
        bounds(min, max)?;
        Ok(uncertain(Magnitude::triangular(min, mode, max)?))
    }

    /// The mean efficacy.
    pub fn mean(&self) -> f64 {
        match self.0 {
            Repr::Fixed(v) => v,
            Repr::Uncertain { mean, .. } => mean,
        }
    }

    /// The value, if the efficacy is known exactly.
    pub fn fixed_value(&self) -> Option<f64> {
        match self.0 {
            Repr::Fixed(v) => Some(v),
            _ => None,
        }
    }

    /// `E[V²]`, the second raw moment.
    pub(crate) fn second_moment(&self) -> f64 {
        match self.0 {
            Repr::Fixed(v) => v * v,
            Repr::Uncertain { second, .. } => second,
        }
    }

    /// `Var[V]`, without the cancellation of `E[V²] − E[V]²` where a closed form exists.
    pub(crate) fn variance(&self) -> f64 {
        match self.0 {
            Repr::Fixed(_) => 0.0,
            Repr::Uncertain { sampler, .. } => sampler.variance(),
        }
    }

    /// `E[g(V)]` for a function `g` that is smooth on `[0, 1]` (it may be evaluated anywhere in
    /// the support).
    ///
    /// Fixed: `g(v)`. Uncertain: `∫ g(v) f(v) dv` over the support by the tanh-sinh rule (split at
    /// the mode of a triangular, whose density has a kink there). The PERT and triangular
    /// densities are bounded (shapes >= 1) and smooth inside each piece, with algebraic behaviour
    /// only at the piece ends, which tanh-sinh absorbs: the rule converges double-exponentially
    /// and stops when two successive levels agree to 1e-9 of `∫|g f|` (error about the square of that) (see
    /// [`tanh_sinh`](crate::model::magnitude::quadrature::tanh_sinh)). The tests compare it with
    /// composite Simpson and with Monte Carlo.
    pub(crate) fn expectation(&self, g: impl Fn(f64) -> f64) -> f64 {
        match self.0 {
            Repr::Fixed(v) => g(v),
            Repr::Uncertain { sampler, .. } => sampler.expectation(g),
        }
    }
}

impl Distribution<f64> for Efficacy {
    /// One year's efficacy (a fixed efficacy draws nothing): the magnitude's draw, then the
    /// clamp that guards the last ulp of `[0, 1]`.
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self.0 {
            Repr::Fixed(v) => v,
            Repr::Uncertain { sampler, .. } => sampler.sample(rng).clamp(0.0, 1.0),
        }
    }
}

/// An uncertain efficacy from the magnitude of the same parameters (which validated them).
fn uncertain(m: Magnitude) -> Efficacy {
    // The constructors build uncapped PERT, uniform and triangular magnitudes, whose sampler
    // `bounded` always returns; the fallback (a fixed mean) is never reached.
    let Some(sampler) = m.bounded() else {
        return Efficacy(Repr::Fixed(m.mean()));
    };
    Efficacy(Repr::Uncertain {
        sampler,
        mean: m.mean(),
        second: m.second_moment(),
    })
}

fn fraction(name: &'static str, value: f64) -> Result<f64> {
    check::unit_interval(name, value, "a fraction in [0, 1]")
}

fn bounds(min: f64, max: f64) -> Result<()> {
    fraction("efficacy min", min)?;
    fraction("efficacy max", max)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;
    use rand::SeedableRng;
    use rand::rngs::Xoshiro256PlusPlus;

    #[test]
    fn values_outside_the_unit_interval_are_errors() {
        for bad in [-0.1, 1.0000001, f64::NAN, f64::INFINITY] {
            let e = Efficacy::fixed(bad).unwrap_err();
            assert!(e.to_string().contains("a fraction in [0, 1]"), "{e}");
        }
        assert_eq!(
            Efficacy::pert(0.2, 0.5, 1.5).unwrap_err().to_string(),
            "invalid efficacy max: 1.5 (expected a fraction in [0, 1])"
        );
        assert!(matches!(
            Efficacy::uniform(0.6, 0.4),
            Err(Error::EmptyRange { .. })
        ));
        assert!(matches!(
            Efficacy::triangular(0.2, 0.9, 0.5),
            Err(Error::ModeOutOfRange { .. })
        ));
        assert!(Efficacy::fixed(-0.0).unwrap().mean().is_sign_positive());
    }

    #[test]
    fn draws_stay_in_range_and_average_to_the_mean() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        for e in [
            Efficacy::pert(0.1, 0.3, 0.5).unwrap(),
            Efficacy::uniform(0.0, 1.0).unwrap(),
            Efficacy::triangular(0.5, 1.0, 1.0).unwrap(),
        ] {
            let n = 200_000;
            let mut sum = 0.0;
            for _ in 0..n {
                let x = e.sample(&mut rng);
                assert!((0.0..=1.0).contains(&x));
                sum += x;
            }
            // The SD of a variable on [0, 1] is at most 0.5: 5 SE = 2.5 / sqrt(n).
            assert!((sum / n as f64 - e.mean()).abs() < 2.5 / (n as f64).sqrt());
        }
        assert_eq!(Efficacy::fixed(0.25).unwrap().sample(&mut rng), 0.25);
    }
}
