//! What a simulation returns: annual-loss distributions and their statistics.

use serde::{Deserialize, Serialize};

use crate::engine::monitor::{Monitor, Unwatched};
use crate::engine::simulate::{self, RiskEstimate, SimulationOptions, sort_losses};
use crate::engine::stats;
use crate::error::{Error, Result};
use crate::model::{Model, Risk};
use crate::report::contributions::{self, ShockLoss, TailContribution};

/// Confidence level of the distribution-free quantile intervals.
pub(crate) const INTERVAL_LEVEL: f64 = 0.95;

/// The simulated distribution of one annual loss (the portfolio's or one risk's): one value per
/// trial (simulated year), sorted once.
///
/// Conventions:
/// - the **expected annual loss** (EAL) is the mean over trials, with standard error
///   `std_dev / sqrt(trials)`;
/// - the **quantile** (VaR) at p is the smallest simulated loss x with F̂(x) >= p, where F̂ is the
///   empirical distribution function; its 95% interval comes from order statistics and holds for
///   any distribution;
/// - the **exceedance probability** at x is P̂(L > x), strictly greater;
/// - the **tail mean** (TVaR) at p is (1 / (1 - p)) ∫_p^1 VaR_u du, the mean of the worst
///   (1 - p) share of years, splitting the year at the boundary when n (1 - p) is not whole.
///
/// Every query that takes a probability returns an error outside [0, 1]; none returns NaN.
#[derive(Clone, Debug, PartialEq)]
pub struct LossDistribution {
    sorted: Vec<f64>,
    mean: f64,
    std_dev: f64,
}

/// A quantile (value at risk) with its distribution-free 95% confidence interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Quantile {
    /// The probability level, in [0, 1].
    pub p: f64,
    /// The smallest simulated annual loss x with F̂(x) >= p.
    pub loss: f64,
    /// Lower and upper ends of the 95% interval (order statistics; see
    /// [`LossDistribution::quantile_interval`]).
    pub ci95: [f64; 2],
    /// Whether `ci95` has its full 95% coverage. False when the sample is too small for this p
    /// (the interval was clamped to the sample's extremes, e.g. p = 0.9999 with 1,000 trials) and
    /// for p = 0 or 1: then the interval understates the uncertainty, and more trials are needed.
    pub ci95_full_coverage: bool,
}

/// Below this many simulated years above a loss, an exceedance probability is a low count: see
/// [`ExceedancePoint::is_low_count`].
pub const LOW_COUNT_YEARS: usize = 20;

/// One point of a loss exceedance curve.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ExceedancePoint {
    /// An annual loss.
    pub loss: f64,
    /// The share of simulated years whose loss is strictly greater than `loss`.
    pub probability: f64,
    /// The number of simulated years whose loss is strictly greater than `loss`: `probability`
    /// times the trial count, the evidence behind the probability.
    pub years: usize,
}

impl ExceedancePoint {
    /// Whether the probability rests on fewer than [`LOW_COUNT_YEARS`] simulated years (and at
    /// least one): a frequency such as "1 in 3,333 years" read from 6 years is mostly noise, and
    /// a reader should be told how many years it comes from. No year at all is not a low count
    /// but no evidence: the loss was never simulated.
    ///
    /// # Example
    /// ```
    /// use csfquant::LossDistribution;
    /// let d = LossDistribution::from_losses((0..1000).map(f64::from).collect())?;
    /// let p = d.exceedance_point(990.0)?;
    /// assert_eq!((p.years, p.probability), (9, 0.009));
    /// assert!(p.is_low_count());
    /// assert!(!d.exceedance_point(500.0)?.is_low_count());
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub fn is_low_count(&self) -> bool {
        self.years > 0 && self.years < LOW_COUNT_YEARS
    }
}

impl LossDistribution {
    /// The most points [`exceedance_curve`](Self::exceedance_curve) draws.
    pub const MAX_CURVE_POINTS: usize = 10_000;

    /// Builds the distribution from one annual loss per trial (any order).
    ///
    /// # Errors
    /// [`Error::NoTrials`] for an empty vector; [`Error::NonFiniteLoss`] if a value is NaN or
    /// infinite; [`Error::InvalidParameter`] if a loss is negative.
    ///
    /// # Example
    /// ```
    /// use csfquant::LossDistribution;
    /// let d = LossDistribution::from_losses(vec![0.0, 10.0, 30.0, 0.0])?;
    /// assert_eq!(d.expected_annual_loss(), 10.0);
    /// assert_eq!(d.quantile(0.75)?, 10.0);
    /// assert_eq!(d.exceedance_probability(0.0)?, 0.5);
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub fn from_losses(mut losses: Vec<f64>) -> Result<Self> {
        if losses.is_empty() {
            return Err(Error::NoTrials);
        }
        if losses.iter().any(|x| !x.is_finite()) {
            return Err(Error::NonFiniteLoss);
        }
        if let Some(&bad) = losses.iter().find(|&&x| x < 0.0) {
            return Err(Error::invalid("loss", bad, "a finite number >= 0"));
        }
        sort_losses(&mut losses);
        Ok(Self::from_sorted(losses))
    }

    /// Wraps losses that are already sorted, finite and non-negative.
    pub(crate) fn from_sorted(sorted: Vec<f64>) -> Self {
        debug_assert!(!sorted.is_empty());
        debug_assert!(sorted.is_sorted());
        let (mean, std_dev) = stats::mean_and_std_dev(&sorted);
        LossDistribution {
            sorted,
            mean,
            std_dev,
        }
    }

    /// The number of simulated years.
    pub fn trials(&self) -> usize {
        self.sorted.len()
    }

    /// The simulated annual losses, in increasing order.
    pub fn losses(&self) -> &[f64] {
        &self.sorted
    }

    /// The expected annual loss: the mean loss per simulated year.
    #[doc(alias = "EAL")]
    #[doc(alias = "ALE")]
    pub fn expected_annual_loss(&self) -> f64 {
        self.mean
    }

    /// The Monte Carlo standard error of [`expected_annual_loss`](Self::expected_annual_loss):
    /// `std_dev / sqrt(trials)`.
    pub fn standard_error(&self) -> f64 {
        self.std_dev / (self.trials() as f64).sqrt()
    }

    /// The sample standard deviation of the annual loss (n - 1 denominator).
    pub fn std_dev(&self) -> f64 {
        self.std_dev
    }

    /// The share of simulated years with a loss above zero, P̂(L > 0).
    pub fn probability_of_loss(&self) -> f64 {
        self.tail_share(0.0)
    }

    /// The largest simulated annual loss.
    pub fn max(&self) -> f64 {
        self.sorted[self.sorted.len() - 1]
    }

    /// The p-quantile of the annual loss (value at risk): the smallest simulated loss x with
    /// F̂(x) >= p. `quantile(0.0)` is the smallest simulated loss.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless `p` is in [0, 1].
    #[doc(alias = "VaR")]
    #[doc(alias = "percentile")]
    pub fn quantile(&self, p: f64) -> Result<f64> {
        check_p(p)?;
        Ok(self.sorted[stats::quantile_rank(self.trials(), p) - 1])
    }

    /// The p-quantile with its distribution-free 95% confidence interval, from the order statistics
    /// whose ranks bracket the true quantile with probability >= 95% (see
    /// [`quantile_interval`](Self::quantile_interval)). With fewer trials than the tail needs (for
    /// example p = 0.9999 with 1,000 trials) the interval is clamped to the sample's extremes,
    /// covers less, and [`Quantile::ci95_full_coverage`] is false.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless `p` is in [0, 1].
    pub fn quantile_with_interval(&self, p: f64) -> Result<Quantile> {
        let loss = self.quantile(p)?;
        let (ci95, ci95_full_coverage) = self.interval(p, INTERVAL_LEVEL);
        Ok(Quantile {
            p,
            loss,
            ci95,
            ci95_full_coverage,
        })
    }

    /// The 1-in-`years` loss: the annual loss exceeded on average once in `years` years, the
    /// quantile at p = 1 - 1 / `years` (so `loss_at_return_period(100.0)` is VaR 99%).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless `years` is finite and >= 1.
    ///
    /// # Example
    /// ```
    /// use csfquant::LossDistribution;
    /// let d = LossDistribution::from_losses((1..=1000).map(f64::from).collect())?;
    /// assert_eq!(d.loss_at_return_period(100.0)?, d.quantile(0.99)?);
    /// Ok::<(), csfquant::Error>(())
    /// ```
    #[doc(alias = "return_period")]
    pub fn loss_at_return_period(&self, years: f64) -> Result<f64> {
        if !(years >= 1.0 && years.is_finite()) {
            return Err(Error::invalid(
                "years",
                years,
                "a finite return period >= 1 year",
            ));
        }
        self.quantile(1.0 - 1.0 / years)
    }

    /// A distribution-free confidence interval at `level` for the p-quantile: the order statistics
    /// x_(l) <= x_(u) with P(x_(l) <= q_p <= x_(u)) >= `level`, from the binomial distribution of
    /// the number of trials below q_p (exact for continuous losses, conservative with atoms such as
    /// the mass at zero). Each tail outside the interval holds at most (1 - level) / 2. The
    /// coverage claim is for 0 < p < 1: at p = 0 and p = 1 the interval is the sample's minimum or
    /// maximum itself, which says nothing about the distribution's true extremes.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless `p` is in [0, 1] and `level` in (0, 1).
    ///
    /// # Example
    /// ```
    /// use csfquant::LossDistribution;
    /// let d = LossDistribution::from_losses((1..=1000).map(f64::from).collect())?;
    /// let [lo, hi] = d.quantile_interval(0.5, 0.95)?;
    /// assert!(lo < d.quantile(0.5)? && d.quantile(0.5)? < hi);
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub fn quantile_interval(&self, p: f64, level: f64) -> Result<[f64; 2]> {
        check_p(p)?;
        if !(level > 0.0 && level < 1.0) {
            return Err(Error::invalid(
                "level",
                level,
                "a confidence level in (0, 1)",
            ));
        }
        Ok(self.interval(p, level).0)
    }

    /// The order-statistic interval for checked `p` and `level`, and whether it has full coverage.
    fn interval(&self, p: f64, level: f64) -> ([f64; 2], bool) {
        let (lo, hi, full) = stats::quantile_interval_ranks(self.trials(), p, level);
        ([self.sorted[lo - 1], self.sorted[hi - 1]], full)
    }

    /// The tail mean (TVaR, expected shortfall) at p: (1 / (1 - p)) ∫_p^1 VaR_u du, the mean of
    /// the worst (1 - p) share of years. For p = 1 it is the largest loss. It is never below
    /// [`quantile(p)`](Self::quantile).
    ///
    /// With sorted losses x_(1..n) and k the rank of the p-quantile, the integral is
    /// (k/n - p) x_(k) + Σ_{j>k} x_(j) / n (the year at the boundary counts for the part of its
    /// 1/n mass that lies above p), which equals `VaR_p + E[(L - VaR_p)^+] / (1 - p)` on the
    /// empirical distribution; the second form is the one computed.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless `p` is in [0, 1].
    #[doc(alias = "TVaR")]
    #[doc(alias = "expected_shortfall")]
    #[doc(alias = "CVaR")]
    pub fn tail_mean(&self, p: f64) -> Result<f64> {
        check_p(p)?;
        let n = self.trials();
        if p >= 1.0 {
            return Ok(self.max());
        }
        let k = stats::quantile_rank(n, p);
        Ok(stats::tail_mean_of_top(&self.sorted[k - 1..], n, p))
    }

    /// The share of simulated years whose loss is strictly greater than `loss`, P̂(L > loss).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] if `loss` is NaN.
    #[doc(alias = "LEC")]
    pub fn exceedance_probability(&self, loss: f64) -> Result<f64> {
        Ok(self.exceedance_point(loss)?.probability)
    }

    /// P̂(L > loss) with the number of simulated years behind it, as one point of the loss
    /// exceedance curve.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] if `loss` is NaN.
    pub fn exceedance_point(&self, loss: f64) -> Result<ExceedancePoint> {
        if loss.is_nan() {
            return Err(Error::invalid("loss", loss, "a number"));
        }
        Ok(self.point(loss))
    }

    /// The loss exceedance curve at `points` losses spaced evenly on a log scale from the smallest
    /// positive simulated loss to the largest one. If no year has a loss, the curve is the single
    /// point (0, 0); if all positive losses are equal, it has that one loss.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless 2 <= `points` <=
    /// [`MAX_CURVE_POINTS`](Self::MAX_CURVE_POINTS).
    ///
    /// # Example
    /// ```
    /// use csfquant::LossDistribution;
    /// let d = LossDistribution::from_losses(vec![0.0, 10.0, 100.0, 1000.0])?;
    /// let curve = d.exceedance_curve(3)?;
    /// assert_eq!(curve.len(), 3);
    /// assert_eq!((curve[0].loss, curve[0].probability), (10.0, 0.5));
    /// assert_eq!((curve[2].loss, curve[2].probability), (1000.0, 0.0));
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub fn exceedance_curve(&self, points: usize) -> Result<Vec<ExceedancePoint>> {
        if !(2..=Self::MAX_CURVE_POINTS).contains(&points) {
            return Err(Error::invalid(
                "points",
                points as f64,
                "2 to 10,000 points on the curve",
            ));
        }
        let first_positive = self.sorted.partition_point(|&x| x <= 0.0);
        if first_positive == self.sorted.len() {
            return Ok(vec![self.point(0.0)]);
        }
        let (lo, hi) = (self.sorted[first_positive], self.max());
        if lo == hi {
            return Ok(vec![self.point(lo)]);
        }
        Ok(log_spaced(lo, hi, points)
            .into_iter()
            .map(|loss| self.point(loss))
            .collect())
    }

    /// The point at `loss` (not NaN).
    fn point(&self, loss: f64) -> ExceedancePoint {
        let years = self.count_above(loss);
        ExceedancePoint {
            loss,
            probability: years as f64 / self.sorted.len() as f64,
            years,
        }
    }

    /// The number of losses strictly greater than `x` (x not NaN).
    fn count_above(&self, x: f64) -> usize {
        self.sorted.len() - self.sorted.partition_point(|&v| v <= x)
    }

    /// Share of losses strictly greater than `x` (x not NaN).
    fn tail_share(&self, x: f64) -> f64 {
        self.count_above(x) as f64 / self.sorted.len() as f64
    }
}

/// `points` (at least 2) losses spaced evenly on a log scale from `lo` to `hi` (0 < lo < hi),
/// the ends exact, never decreasing: when `lo` and `hi` are a few ulp apart, rounding in
/// exp(ln x) could put an inner point below `lo` (case 52710) or above `hi`, so each inner point
/// is clamped between the one before and `hi`.
pub(crate) fn log_spaced(lo: f64, hi: f64, points: usize) -> Vec<f64> {
    debug_assert!(points >= 2 && 0.0 < lo && lo < hi);
    let (log_lo, log_hi) = (lo.ln(), hi.ln());
    let step = (log_hi - log_lo) / (points - 1) as f64;
    let mut grid = Vec::with_capacity(points);
    grid.push(lo);
    for i in 1..points - 1 {
        let previous = grid[i - 1];
        grid.push((log_lo + step * i as f64).exp().clamp(previous, hi));
    }
    grid.push(hi);
    grid
}

fn check_p(p: f64) -> Result<()> {
    if (0.0..=1.0).contains(&p) {
        Ok(())
    } else {
        Err(Error::invalid("p", p, "a probability in [0, 1]"))
    }
}

impl Model {
    /// Simulates `options.trial_count()` years of the risks as they are, **without controls**
    /// (the inherent loss), and returns the loss statistics. [`analyze`](Self::analyze) runs
    /// the controls too.
    ///
    /// The result depends only on the model, the seed and the trial count: it is bit-identical on
    /// any number of threads and with or without the `parallel` feature.
    ///
    /// # Errors
    /// [`Error::NoTrials`] or [`Error::TooManyTrials`] for a bad trial count;
    /// [`Error::TooMuchWork`] if the run would need more than
    /// [`MAX_EXPECTED_DRAWS`](crate::MAX_EXPECTED_DRAWS) random draws; [`Error::OutOfMemory`] if the
    /// loss vector cannot be allocated; [`Error::NonFiniteLoss`] if an annual loss overflows f64.
    pub fn simulate(&self, options: SimulationOptions) -> Result<SimulationReport> {
        self.simulate_with(options, &Unwatched)
    }

    /// [`simulate`](Self::simulate), telling `monitor` of the progress and stopping when it
    /// says so (see [`Monitor`]).
    ///
    /// # Errors
    /// As [`simulate`](Self::simulate); [`Error::Cancelled`] if the monitor stopped the run.
    pub fn simulate_with(
        &self,
        options: SimulationOptions,
        monitor: &dyn Monitor,
    ) -> Result<SimulationReport> {
        let run = simulate::simulate(self.risks(), self.dependence(), options, monitor)?;
        Ok(SimulationReport {
            contributions: contributions::risk_contributions(self, &run.tail),
            standalone_var99_sum: contributions::standalone_sum(&run.tail),
            shocks: contributions::shock_losses(self, &run.shocks, &run.tail),
            seed: options.seed(),
            portfolio: LossDistribution::from_sorted(run.sorted_losses),
            risks: self
                .risks()
                .iter()
                .zip(run.risks)
                .map(|(risk, estimate)| RiskLoss::new(risk, estimate))
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dist(xs: &[f64]) -> LossDistribution {
        LossDistribution::from_losses(xs.to_vec()).unwrap()
    }

    #[test]
    fn empty_nonfinite_and_negative_losses_are_errors() {
        assert_eq!(LossDistribution::from_losses(vec![]), Err(Error::NoTrials));
        assert_eq!(
            LossDistribution::from_losses(vec![1.0, f64::INFINITY]),
            Err(Error::NonFiniteLoss)
        );
        assert_eq!(
            LossDistribution::from_losses(vec![f64::NAN]),
            Err(Error::NonFiniteLoss)
        );
        let e = LossDistribution::from_losses(vec![-1.0]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid loss: -1 (expected a finite number >= 0)"
        );
    }

    #[test]
    fn probabilities_outside_unit_interval_are_errors() {
        let d = dist(&[1.0, 2.0]);
        for p in [-0.1, 1.1, f64::NAN, f64::INFINITY] {
            assert!(d.quantile(p).is_err());
            assert!(d.tail_mean(p).is_err());
            assert!(d.quantile_with_interval(p).is_err());
        }
        assert!(d.exceedance_probability(f64::NAN).is_err());
        assert!(d.exceedance_curve(1).is_err());
        assert!(
            d.exceedance_curve(LossDistribution::MAX_CURVE_POINTS + 1)
                .is_err()
        );
        assert!(d.exceedance_curve(usize::MAX).is_err());
        assert!(d.exceedance_curve(2).is_ok());
    }

    #[test]
    fn quantiles_follow_the_smallest_x_rule() {
        let d = dist(&[40.0, 10.0, 30.0, 20.0]);
        assert_eq!(d.quantile(0.0).unwrap(), 10.0);
        assert_eq!(d.quantile(0.25).unwrap(), 10.0);
        assert_eq!(d.quantile(0.26).unwrap(), 20.0);
        assert_eq!(d.quantile(0.5).unwrap(), 20.0);
        assert_eq!(d.quantile(1.0).unwrap(), 40.0);
        assert_eq!(d.loss_at_return_period(4.0).unwrap(), 30.0);
        assert_eq!(d.loss_at_return_period(1.0).unwrap(), 10.0);
        for bad in [0.5, f64::NAN, f64::INFINITY, -2.0] {
            assert!(d.loss_at_return_period(bad).is_err());
        }
    }

    #[test]
    fn tail_mean_splits_the_boundary_year() {
        let d = dist(&[10.0, 20.0, 30.0, 40.0]);
        // Worst half: (30 + 40) / 2.
        assert_eq!(d.tail_mean(0.5).unwrap(), 35.0);
        // Worst 40%: 0.15 of year 30 and 0.25 of year 40 -> (4.5 + 10) / 0.4 = 36.25.
        assert!((d.tail_mean(0.6).unwrap() - 36.25).abs() < 1e-12);
        assert_eq!(d.tail_mean(1.0).unwrap(), 40.0);
        assert_eq!(d.tail_mean(0.0).unwrap(), 25.0);
    }

    #[test]
    fn exceedance_is_strict() {
        let d = dist(&[0.0, 0.0, 5.0, 10.0]);
        assert_eq!(d.exceedance_probability(0.0).unwrap(), 0.5);
        assert_eq!(d.exceedance_probability(5.0).unwrap(), 0.25);
        assert_eq!(d.exceedance_probability(10.0).unwrap(), 0.0);
        assert_eq!(d.exceedance_probability(-1.0).unwrap(), 1.0);
        assert_eq!(d.probability_of_loss(), 0.5);
    }

    #[test]
    fn curve_degenerate_cases() {
        assert_eq!(
            dist(&[0.0, 0.0]).exceedance_curve(5).unwrap(),
            vec![ExceedancePoint {
                loss: 0.0,
                probability: 0.0,
                years: 0,
            }]
        );
        assert_eq!(
            dist(&[0.0, 7.0]).exceedance_curve(5).unwrap(),
            vec![ExceedancePoint {
                loss: 7.0,
                probability: 0.0,
                years: 0,
            }]
        );
    }

    #[test]
    fn mean_standard_error_and_interval() {
        let d = dist(&[1.0, 2.0, 3.0, 4.0]);
        assert_eq!(d.expected_annual_loss(), 2.5);
        assert!((d.standard_error() - (5.0_f64 / 3.0).sqrt() / 2.0).abs() < 1e-15);
        let q = d.quantile_with_interval(0.5).unwrap();
        assert_eq!(q.loss, 2.0);
        assert_eq!(q.ci95, [1.0, 4.0]);
        // Four trials cannot bound a median at 95%: the interval is clamped and says so.
        assert!(!q.ci95_full_coverage);
    }
}

/// The expected annual loss of one risk, streamed during the simulation (no per-trial storage).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RiskLoss {
    /// The risk's id.
    pub id: String,
    /// The risk's name (the id when none was given).
    pub name: String,
    /// Mean annual loss from this risk over the simulated years.
    pub expected_annual_loss: f64,
    /// Monte Carlo standard error of `expected_annual_loss`.
    pub standard_error: f64,
    /// Estimated standard deviation of this risk's annual loss. For a risk with a fixed-rate
    /// Poisson frequency it is sqrt(Σ x_i^2 / n), the sum running over the risk's simulated event
    /// losses x_i and n being the number of trials: Σ x_i^2 / n estimates the compound Poisson
    /// variance `Var[L] = rate E[X^2]` without bias and needs no year-by-year tracking. For other
    /// risks it is the sample standard deviation of the risk's annual losses.
    pub std_dev: f64,
}

impl RiskLoss {
    fn new(risk: &Risk, estimate: RiskEstimate) -> RiskLoss {
        RiskLoss {
            id: risk.id().to_string(),
            name: risk.name().to_string(),
            expected_annual_loss: estimate.mean,
            standard_error: estimate.standard_error,
            std_dev: estimate.std_dev,
        }
    }
}

/// The result of [`Model::simulate`](crate::Model::simulate): the portfolio's annual-loss
/// distribution and each risk's expected annual loss.
#[derive(Clone, Debug, PartialEq)]
pub struct SimulationReport {
    pub(crate) seed: u64,
    pub(crate) portfolio: LossDistribution,
    pub(crate) risks: Vec<RiskLoss>,
    pub(crate) contributions: Vec<TailContribution>,
    pub(crate) standalone_var99_sum: f64,
    pub(crate) shocks: Vec<ShockLoss>,
}

impl SimulationReport {
    /// The seed the simulation ran with.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The number of simulated years.
    pub fn trials(&self) -> usize {
        self.portfolio.trials()
    }

    /// The distribution of the portfolio's annual loss (all risks together).
    pub fn portfolio(&self) -> &LossDistribution {
        &self.portfolio
    }

    /// Each risk's expected annual loss, in the model's order.
    pub fn risks(&self) -> &[RiskLoss] {
        &self.risks
    }

    /// The figures of the risk with this id, if there is one.
    pub fn risk(&self, id: &str) -> Option<&RiskLoss> {
        self.risks.iter().find(|r| r.id == id)
    }

    /// Each risk's share of VaR 99% and TVaR 99% (see [`TailContribution`]), in the model's
    /// order; the `tvar99` shares add up to [`portfolio`](Self::portfolio)`().tail_mean(0.99)`.
    /// Empty when they would take more than [`MAX_CONTRIBUTION_BYTES`](crate::MAX_CONTRIBUTION_BYTES)
    /// (very many risks over many years: each risk's largest 1% of annual losses is kept).
    ///
    /// # Example
    /// ```
    /// use csfquant::{Frequency, Magnitude, Model, Risk, SimulationOptions};
    /// let model = Model::new(vec![
    ///     Risk::new("a", Frequency::poisson(0.5)?, Magnitude::lognormal_ci90(1e4, 1e6)?)?,
    ///     Risk::new("b", Frequency::poisson(2.0)?, Magnitude::lognormal_ci90(5e3, 2e5)?)?,
    /// ])?;
    /// let report = model.simulate(SimulationOptions::new(7).trials(20_000))?;
    /// let sum: f64 = report.contributions().iter().map(|c| c.tvar99).sum();
    /// let tvar = report.portfolio().tail_mean(0.99)?;
    /// assert!((sum - tvar).abs() <= 1e-9 * tvar);
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub fn contributions(&self) -> &[TailContribution] {
        &self.contributions
    }

    /// The sum of the risks' stand-alone VaR 99% (each risk's own 1-in-100-year loss); 0 when
    /// [`contributions`](Self::contributions) is empty.
    pub fn standalone_var99_sum(&self) -> f64 {
        self.standalone_var99_sum
    }

    /// Each shock's expected annual loss and share of TVaR 99%.
    pub fn shocks(&self) -> &[ShockLoss] {
        &self.shocks
    }
}
