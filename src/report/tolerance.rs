//! The check of a simulated loss exceedance curve against the board's risk tolerance curve.

use serde::{Deserialize, Serialize};

use crate::engine::stats;
use crate::model::ToleranceCurve;
use crate::report::loss::LossDistribution;

/// The verdict of [`ToleranceCurve::check`]: the loss exceedance curve against the tolerance
/// curve at each of its points.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ToleranceCheck {
    /// True when the simulated probability is at most the limit at every point of the curve.
    pub met: bool,
    /// The verdict that accounts for Monte Carlo noise: [`Exceeded`](ToleranceVerdict::Exceeded)
    /// if some point is clearly exceeded, else [`WithinNoise`](ToleranceVerdict::WithinNoise) if
    /// some point is within noise, else [`Met`](ToleranceVerdict::Met). `met` is the verdict of
    /// the point estimates alone; the two disagree only within noise.
    pub verdict: ToleranceVerdict,
    /// One entry per point of the curve, in increasing order of loss.
    pub points: Vec<TolerancePoint>,
}

/// One point of a [`ToleranceCheck`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
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
    /// The verdict at this point, noise included: [`WithinNoise`](ToleranceVerdict::WithinNoise)
    /// when `ci95` contains `limit`, else [`Met`](ToleranceVerdict::Met) or
    /// [`Exceeded`](ToleranceVerdict::Exceeded) as `probability` is at most `limit` or above it.
    /// Within noise, `margin`'s sign tells on which side the point estimate lies.
    pub verdict: ToleranceVerdict,
}

/// A verdict against a risk tolerance that tells a clear result from one within Monte Carlo
/// noise. Serialised in snake case: `"met"`, `"exceeded"`, `"within_noise"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ToleranceVerdict {
    /// The probability is at most the limit, and its 95% interval lies below the limit.
    Met,
    /// The probability is above the limit, and its 95% interval lies above the limit.
    Exceeded,
    /// The limit lies inside the probability's 95% interval: another seed could reverse the
    /// verdict, and more trials are needed to settle it.
    WithinNoise,
}

impl ToleranceVerdict {
    /// The verdict as the JSON report writes it: `"met"`, `"exceeded"` or `"within_noise"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ToleranceVerdict::Met => "met",
            ToleranceVerdict::Exceeded => "exceeded",
            ToleranceVerdict::WithinNoise => "within_noise",
        }
    }

    /// The verdict at one point: the limit against the probability and its 95% interval.
    fn at(limit: f64, probability: f64, ci95: [f64; 2]) -> ToleranceVerdict {
        if ci95[0] <= limit && limit <= ci95[1] {
            ToleranceVerdict::WithinNoise
        } else if probability <= limit {
            ToleranceVerdict::Met
        } else {
            ToleranceVerdict::Exceeded
        }
    }

    /// The verdict of a whole curve from its points' verdicts: exceeded if one point is clearly
    /// exceeded, else within noise if one point is, else met (so also with no points).
    pub(crate) fn of_points(points: impl IntoIterator<Item = ToleranceVerdict>) -> Self {
        points
            .into_iter()
            .fold(ToleranceVerdict::Met, |worst, v| match (worst, v) {
                (ToleranceVerdict::Exceeded, _) | (_, ToleranceVerdict::Exceeded) => {
                    ToleranceVerdict::Exceeded
                }
                (ToleranceVerdict::WithinNoise, _) | (_, ToleranceVerdict::WithinNoise) => {
                    ToleranceVerdict::WithinNoise
                }
                _ => ToleranceVerdict::Met,
            })
    }
}

impl std::fmt::Display for ToleranceVerdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl ToleranceCurve {
    /// Compares a simulated annual-loss distribution with the curve at each of its points.
    ///
    /// At each point the simulated probability is P̂(L > loss), strictly greater, as
    /// [`LossDistribution::exceedance_probability`]. The curve is met when that probability is
    /// at most the limit at every stated point (equality is met); between points nothing is
    /// checked. Each point carries a 95% Wilson interval for the probability and the verdict
    /// that follows from it, so that a reader can tell a clear verdict from one within Monte
    /// Carlo noise ([`ToleranceVerdict`]).
    ///
    /// # Example
    /// ```
    /// use csfquant::{LossDistribution, ToleranceCurve, ToleranceVerdict};
    /// let tolerance = ToleranceCurve::new([(1e6, 0.1)])?;
    /// let losses = LossDistribution::from_losses(vec![0.0, 2e6, 0.0, 3e6])?;
    /// let check = tolerance.check(&losses);
    /// assert!(!check.met);
    /// // Even from four years, the 95% interval (15% to 85%) lies above the limit.
    /// assert_eq!(check.verdict, ToleranceVerdict::Exceeded);
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
                let ci95 = stats::wilson_interval(above, n, stats::Z975);
                TolerancePoint {
                    loss,
                    limit,
                    probability,
                    margin: limit - probability,
                    ci95,
                    verdict: ToleranceVerdict::at(limit, probability, ci95),
                }
            })
            .collect();
        ToleranceCheck {
            met: points.iter().all(|p| p.probability <= p.limit),
            verdict: ToleranceVerdict::of_points(points.iter().map(|p| p.verdict)),
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
    fn verdicts_tell_clear_results_from_noise() {
        use ToleranceVerdict::{Exceeded, Met, WithinNoise};
        // 1,000 years, 100 of them above 500 (ci95 about [8.3%, 12.0%]).
        let losses: Vec<f64> = (0..1000)
            .map(|i| if i < 100 { 1000.0 } else { 0.0 })
            .collect();
        let verdicts = |points: &[(f64, f64)]| {
            let c = check(points, &losses);
            (
                c.points.iter().map(|p| p.verdict).collect::<Vec<_>>(),
                c.verdict,
                c.met,
            )
        };
        assert_eq!(verdicts(&[(500.0, 0.2)]), (vec![Met], Met, true));
        assert_eq!(
            verdicts(&[(500.0, 0.05)]),
            (vec![Exceeded], Exceeded, false)
        );
        // Within noise on either side of the point estimate; `met` follows the estimate.
        assert_eq!(
            verdicts(&[(500.0, 0.11)]),
            (vec![WithinNoise], WithinNoise, true)
        );
        assert_eq!(
            verdicts(&[(500.0, 0.09)]),
            (vec![WithinNoise], WithinNoise, false)
        );
        // A clear excess anywhere outweighs noise elsewhere.
        assert_eq!(
            verdicts(&[(0.0, 0.11), (500.0, 0.05)]),
            (vec![WithinNoise, Exceeded], Exceeded, false)
        );
        assert_eq!(ToleranceVerdict::of_points([]), Met);
        assert_eq!(WithinNoise.to_string(), "within_noise");
        assert_eq!(
            serde_json::to_value([Met, Exceeded, WithinNoise]).unwrap(),
            serde_json::json!(["met", "exceeded", "within_noise"])
        );
    }

    #[test]
    fn check_serializes_as_in_the_report() {
        let check = check(&[(0.0, 1.0)], &[0.0, 2.0]);
        let [lo, hi] = check.points[0].ci95;
        assert_eq!(
            serde_json::to_value(&check).unwrap(),
            serde_json::json!({ "met": true, "verdict": "met", "points": [
                { "loss": 0.0, "limit": 1.0, "probability": 0.5, "margin": 0.5, "ci95": [lo, hi],
                  "verdict": "met" }
            ] })
        );
    }
}
