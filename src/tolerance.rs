//! The board's risk tolerance curve and the check of a simulated loss exceedance curve against it.
//!
//! A risk tolerance curve (Hubbard) states, for a few annual losses x, the largest acceptable
//! probability P(annual loss > x). The risk is acceptable when the loss exceedance curve lies
//! below the tolerance curve.

use serde::Serialize;

use crate::error::{Error, Result};
use crate::report::LossDistribution;
use crate::stats;

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

/// The verdict of [`ToleranceCurve::check`]: the loss exceedance curve against the tolerance
/// curve at each of its points.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ToleranceCheck {
    /// True when the simulated probability is at most the limit at every point of the curve.
    pub met: bool,
    /// One entry per point of the curve, in increasing order of loss.
    pub points: Vec<TolerancePoint>,
}

/// One point of a [`ToleranceCheck`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct TolerancePoint {
    /// The annual loss of the tolerance point.
    pub loss: f64,
    /// The largest acceptable probability that the annual loss exceeds `loss`.
    pub limit: f64,
    /// The simulated P̂(annual loss > `loss`): the share of trials strictly above `loss`.
    pub probability: f64,
    /// `limit - probability`: positive is headroom, negative is the excess over tolerance.
    pub margin: f64,
    /// A 95% confidence interval for the true exceedance probability (Wilson score interval over
    /// the trials). When it contains `limit`, the verdict at this point is within Monte Carlo
    /// noise: another seed could reverse it, and more trials are needed to settle it.
    pub ci95: [f64; 2],
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

    /// Compares a simulated annual-loss distribution with the curve at each of its points.
    ///
    /// At each point the simulated probability is P̂(L > loss), strictly greater, as
    /// [`LossDistribution::exceedance_probability`]. The curve is met when that probability is
    /// at most the limit at every stated point (equality is met); between points nothing is
    /// checked. Each point carries a 95% Wilson interval for the probability, so that a reader
    /// can tell a clear verdict from one within Monte Carlo noise.
    ///
    /// # Example
    /// ```
    /// use csfquant::{LossDistribution, ToleranceCurve};
    /// let tolerance = ToleranceCurve::new([(1e6, 0.1)])?;
    /// let losses = LossDistribution::from_losses(vec![0.0, 2e6, 0.0, 3e6])?;
    /// let check = tolerance.check(&losses);
    /// assert!(!check.met);
    /// assert_eq!(check.points[0].probability, 0.5);
    /// assert!((check.points[0].margin + 0.4).abs() < 1e-15); // 0.4 over the limit
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub fn check(&self, losses: &LossDistribution) -> ToleranceCheck {
        let sorted = losses.losses();
        let n = sorted.len();
        let points: Vec<TolerancePoint> = self
            .points
            .iter()
            .map(|&(loss, limit)| {
                // Same count and division as `exceedance_probability`, so the figures agree.
                let above = n - sorted.partition_point(|&v| v <= loss);
                let probability = above as f64 / n as f64;
                TolerancePoint {
                    loss,
                    limit,
                    probability,
                    margin: limit - probability,
                    ci95: stats::wilson_interval(above, n, stats::Z975),
                }
            })
            .collect();
        ToleranceCheck {
            met: points.iter().all(|p| p.probability <= p.limit),
            points,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dist(xs: &[f64]) -> LossDistribution {
        LossDistribution::from_losses(xs.to_vec()).unwrap()
    }

    /// Ten years: losses 0 (x4), 100, 200, 300, 400, 500, 1000.
    const TEN: [f64; 10] = [
        0.0, 0.0, 0.0, 0.0, 100.0, 200.0, 300.0, 400.0, 500.0, 1000.0,
    ];

    fn err(points: &[(f64, f64)]) -> String {
        let e = ToleranceCurve::new(points.iter().copied()).unwrap_err();
        e.to_string()
    }

    fn check(points: &[(f64, f64)], losses: &[f64]) -> ToleranceCheck {
        ToleranceCurve::new(points.iter().copied())
            .unwrap()
            .check(&dist(losses))
    }

    #[test]
    fn met_and_violated_verdicts_with_margins() {
        let met = check(&[(0.0, 0.7), (300.0, 0.35), (1000.0, 0.0)], &TEN);
        assert!(met.met);
        // Strictly greater: the year at exactly 1000 does not exceed 1000.
        let probs: Vec<f64> = met.points.iter().map(|p| p.probability).collect();
        assert_eq!(probs, [0.6, 0.3, 0.0]);
        for p in &met.points {
            assert_eq!(Ok(p.probability), dist(&TEN).exceedance_probability(p.loss));
            assert_eq!(p.margin, p.limit - p.probability);
        }
        assert!((met.points[0].margin - 0.1).abs() < 1e-15);

        let violated = check(&[(100.0, 0.5), (400.0, 0.1)], &TEN);
        assert!(!violated.met);
        assert_eq!(violated.points[0].margin, 0.0); // at the limit: met at this point
        assert_eq!(violated.points[1].probability, 0.2);
        assert!((violated.points[1].margin + 0.1).abs() < 1e-15);
    }

    #[test]
    fn probability_equal_to_limit_is_met() {
        let d = [0.0, 0.0, 0.0, 7.0];
        assert!(check(&[(0.0, 0.25)], &d).met);
        assert!(!check(&[(0.0, 0.24)], &d).met);
        // Limit 0 is met only when no year exceeds the loss.
        assert!(check(&[(7.0, 0.0)], &d).met);
        assert!(!check(&[(6.9, 0.0)], &d).met);
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

    #[test]
    fn each_point_carries_the_wilson_interval() {
        // 3 of 10 years above 300 (the interval itself is tested in `stats`).
        let ci = check(&[(300.0, 0.5)], &TEN).points[0].ci95;
        assert_eq!(ci, stats::wilson_interval(3, 10, stats::Z975));
        assert!(ci[0] < 0.3 && 0.3 < ci[1]);
    }

    #[test]
    fn check_serializes_as_in_the_report() {
        let check = check(&[(0.0, 1.0)], &[0.0, 2.0]);
        let [lo, hi] = check.points[0].ci95;
        assert_eq!(
            serde_json::to_value(&check).unwrap(),
            serde_json::json!({ "met": true, "points": [
                { "loss": 0.0, "limit": 1.0, "probability": 0.5, "margin": 0.5, "ci95": [lo, hi] }
            ] })
        );
    }
}
