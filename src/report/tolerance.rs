//! The check of a simulated loss exceedance curve against the board's risk tolerance curve.

use serde::Serialize;

use crate::engine::stats;
use crate::model::ToleranceCurve;
use crate::report::loss::LossDistribution;

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
            .points()
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
