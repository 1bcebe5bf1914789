//! The board's risk tolerance curve: the largest acceptable probability of each annual loss.
//!
//! A risk tolerance curve (Hubbard) states, for a few annual losses x, the largest acceptable
//! probability P(annual loss > x). The risk is acceptable when the loss exceedance curve lies
//! below the tolerance curve.

use crate::error::{Error, Result};

/// A risk tolerance curve: points (loss, limit), where `limit` is the largest acceptable
/// probability that the annual loss exceeds `loss`.
///
/// The curve is only stated at its points: [`check`](Self::check) compares the simulated
/// exceedance probabilities there and nowhere else, with no interpolation between points. To
/// constrain the tail more finely, state more points.
///
/// # Example
/// ```
/// use csfquant::{LossDistribution, ToleranceCurve};
///
/// // The board accepts a 25% chance of losing more than 1M in a year, 2% for more than 10M.
/// let tolerance = ToleranceCurve::new([(1e6, 0.25), (1e7, 0.02)])?;
/// let losses = LossDistribution::from_losses(vec![0.0, 0.0, 5e5, 2e6])?;
/// let check = tolerance.check(&losses);
/// assert!(check.met);
/// assert_eq!(check.points[0].probability, 0.25); // one year in four loses more than 1M
/// assert_eq!(check.points[0].margin, 0.0); // exactly at the limit: still met
/// Ok::<(), csfquant::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ToleranceCurve {
    /// (loss, limit), losses strictly increasing, limits non-increasing.
    points: Vec<(f64, f64)>,
}

impl ToleranceCurve {
    /// The most points a curve may have.
    pub const MAX_POINTS: usize = 1000;

    /// Builds a curve from points (loss, largest acceptable P(annual loss > loss)), in any order.
    /// They are stored in increasing order of loss. A limit of 0 means no year may lose more than
    /// that loss; `-0.0` counts as 0.
    ///
    /// # Errors
    /// - [`Error::Empty`] if there is no point;
    /// - [`Error::InvalidParameter`] (name `tolerance points`) for more than
    ///   [`MAX_POINTS`](Self::MAX_POINTS) points;
    /// - [`Error::InvalidCurvePoint`], naming the point's position in the input and its values,
    ///   if a loss is not finite and `>= 0`, a probability is not in [0, 1], two points have the
    ///   same loss (the later one is named), or the probability rises with the loss (the point at
    ///   the larger loss is named): a tolerance curve never accepts a larger loss more often.
    ///
    /// # Example
    /// ```
    /// use csfquant::ToleranceCurve;
    /// let curve = ToleranceCurve::new([(1e7, 0.01), (1e6, 0.2)])?;
    /// assert_eq!(curve.points(), &[(1e6, 0.2), (1e7, 0.01)]);
    ///
    /// let rising = ToleranceCurve::new([(1e6, 0.2), (1e7, 0.3)]).unwrap_err();
    /// assert_eq!(
    ///     rising.to_string(),
    ///     "invalid tolerance point 1 (loss 10000000, probability 0.3): \
    ///      expected a probability no higher than at any smaller loss"
    /// );
    /// # Ok::<(), csfquant::Error>(())
    /// ```
    pub fn new(points: impl IntoIterator<Item = (f64, f64)>) -> Result<ToleranceCurve> {
        // Take one more than allowed, so that an oversized input is never stored whole.
        let given: Vec<(f64, f64)> = points.into_iter().take(Self::MAX_POINTS + 1).collect();
        if given.is_empty() {
            return Err(Error::Empty {
                name: "tolerance curve",
            });
        }
        if given.len() > Self::MAX_POINTS {
            // The rest is not counted: the input may be endless.
            return Err(Error::invalid(
                "tolerance points",
                given.len() as f64,
                "at most 1,000 points (the count given is where reading stopped)",
            ));
        }
        let bad = |index: usize, expected: &'static str| {
            let (loss, probability) = given[index];
            Error::InvalidCurvePoint {
                curve: "tolerance",
                index,
                loss,
                probability,
                expected,
            }
        };
        // (input index, loss, limit), with -0.0 turned into 0.0 so that it sorts and prints as 0.
        let mut sorted = Vec::with_capacity(given.len());
        for (i, &(loss, p)) in given.iter().enumerate() {
            if !(loss >= 0.0 && loss.is_finite()) {
                return Err(bad(i, "a loss that is a finite number >= 0"));
            }
            if !(0.0..=1.0).contains(&p) {
                return Err(bad(i, "a probability in [0, 1]"));
            }
            sorted.push((i, loss + 0.0, p + 0.0));
        }
        // Stable sort: of two equal losses, the one later in the input is reported.
        sorted.sort_by(|a, b| a.1.total_cmp(&b.1));
        for w in sorted.windows(2) {
            let ((_, loss0, p0), (i, loss1, p1)) = (w[0], w[1]);
            if loss1 == loss0 {
                return Err(bad(i, "a loss that no other point has"));
            }
            if p1 > p0 {
                return Err(bad(i, "a probability no higher than at any smaller loss"));
            }
        }
        let points = sorted.iter().map(|&(_, loss, p)| (loss, p)).collect();
        Ok(ToleranceCurve { points })
    }

    /// The points (loss, limit), in increasing order of loss; the limits do not increase.
    pub fn points(&self) -> &[(f64, f64)] {
        &self.points
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(points: &[(f64, f64)]) -> String {
        let e = ToleranceCurve::new(points.iter().copied()).unwrap_err();
        e.to_string()
    }

    #[test]
    fn points_are_sorted_and_negative_zero_is_zero() {
        let curve = ToleranceCurve::new([(1e7, 0.01), (-0.0, 1.0), (1e6, 0.2)]).unwrap();
        assert_eq!(curve.points(), &[(0.0, 1.0), (1e6, 0.2), (1e7, 0.01)]);
        assert!(curve.points()[0].0.is_sign_positive());
        // Equal limits at different losses are a flat stretch, which is allowed.
        assert!(ToleranceCurve::new([(1.0, 0.1), (2.0, 0.1)]).is_ok());
    }

    #[test]
    fn invalid_points_name_index_values_and_rule() {
        assert_eq!(
            err(&[(1.0, 0.1), (f64::NAN, 0.1)]),
            "invalid tolerance point 1 (loss NaN, probability 0.1): \
             expected a loss that is a finite number >= 0"
        );
        assert_eq!(
            err(&[(1.0, 0.5), (2.0, 1.5)]),
            "invalid tolerance point 1 (loss 2, probability 1.5): \
             expected a probability in [0, 1]"
        );
        for (bad, shown) in [
            ((-5.0, 0.1), "loss -5,"),
            ((f64::INFINITY, 0.1), "loss inf,"),
            ((1.0, f64::NAN), "probability NaN)"),
            ((1.0, -0.1), "probability -0.1)"),
        ] {
            assert!(err(&[bad]).contains(shown), "{}", err(&[bad]));
        }
        assert_eq!(
            err(&[(5.0, 0.2), (1.0, 0.3), (5.0, 0.1)]),
            "invalid tolerance point 2 (loss 5, probability 0.1): \
             expected a loss that no other point has"
        );
        assert!(err(&[(0.0, 0.2), (-0.0, 0.2)]).contains("point 1"));
        // Rising probability, reported on the point at the larger loss whatever the input order.
        assert_eq!(
            err(&[(1e7, 0.3), (1e6, 0.2)]),
            "invalid tolerance point 0 (loss 10000000, probability 0.3): \
             expected a probability no higher than at any smaller loss"
        );
    }

    #[test]
    fn empty_and_too_many_points_are_errors() {
        assert_eq!(err(&[]), "tolerance curve must not be empty");
        let max = ToleranceCurve::MAX_POINTS;
        let points = |n: usize| (0..n).map(|i| (i as f64, 0.5));
        assert_eq!(
            ToleranceCurve::new(points(max)).unwrap().points().len(),
            max
        );
        let too_many = Error::invalid(
            "tolerance points",
            1001.0,
            "at most 1,000 points (the count given is where reading stopped)",
        );
        assert_eq!(
            ToleranceCurve::new(points(max + 234)).unwrap_err(),
            too_many
        );
        // An endless input is refused without being read to its (missing) end.
        assert_eq!(
            ToleranceCurve::new(std::iter::repeat((1.0, 0.5))).unwrap_err(),
            too_many
        );
    }
}
