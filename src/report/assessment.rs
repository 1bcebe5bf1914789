//! The assess report: a scenario's control analysis in the shape of the JSON report of
//! SCENARIO.md (format version 1).

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::engine::stats;
use crate::error::{Error, Result};
use crate::model::finance::Finance;
use crate::model::{Model, ToleranceCurve};
use crate::report::analysis::{ControlAnalysis, ControlValue, FunctionShare, RiskEffect};
use crate::report::candidates::CandidateValue;
use crate::report::contributions::{ShockLoss, TailContribution};
use crate::report::loss::{ExceedancePoint, LossDistribution, Quantile, log_spaced};
use crate::report::parties::{GroupShare, PartyShare};
use crate::report::tolerance::{ToleranceCheck, TolerancePoint, ToleranceVerdict};

/// The probability levels of [`LossSummary::quantiles`].
pub const QUANTILE_LEVELS: [f64; 6] = [0.5, 0.9, 0.95, 0.99, 0.995, 0.999];
/// The probability levels of [`LossSummary::tail_mean`].
pub const TAIL_MEAN_LEVELS: [f64; 2] = [0.95, 0.99];
/// The number of points of [`LossSummary::curve`] (fewer when the losses take one value or none).
pub const CURVE_POINTS: usize = 50;
/// The most losses of [`LossSummary::lec_grid`], the short loss exceedance table.
pub const LEC_GRID_POINTS: usize = 12;

/// The report of a scenario's assessment: the JSON report of the scenario-file contract
/// (`cargo run --example assess -- FILE --json` prints it), and what the `assess` tables show.
///
/// Serialised, it has exactly the keys of that contract, with the same names and nesting, plus
/// the extensions marked below (new keys may be added; none is ever renamed or removed):
///
/// | key | value |
/// |---|---|
/// | `format_version` | 1 (extension) |
/// | `scenario`, `currency`, `trials`, `seed` | the scenario's name and currency, the simulation's trial count and seed |
/// | `finance` | `{horizon_years, discount_rate}` (extension) |
/// | `csfquant_version` | the version of csfquant that made the report (extension; `""` in a report stored by an earlier csfquant, which did not record it) |
/// | `inherent`, `residual` | the annual loss without and with every control, a [`LossSummary`]: the keys of SCENARIO.md, and as extensions `expected_annual_loss_ci95` (EAL ± 1.96 SE as `[low, high]`, the low end at least 0), `quantiles[].ci95_full_coverage`, `lec_grid` (the short loss exceedance table of the text report: up to [`LEC_GRID_POINTS`] round losses 1, 2, 5 × 10^k, the same losses in both) and `shared_curve` (the curve on losses shared by both arms, ending at the arm's last simulated exceedance: what `lec.csv` holds and the chart draws) |
/// | `exceedance[]`, `curve[]`, `lec_grid[]`, `shared_curve[]` | points `loss`, `probability`, and as an extension `years`: the number of simulated years above the loss. Fewer than [`LOW_COUNT_YEARS`](crate::LOW_COUNT_YEARS) (20), and more than 0, is a low count ([`ExceedancePoint::is_low_count`]): the text says "from N simulated years" |
/// | `total_reduction` | inherent EAL − residual EAL (extension) |
/// | `risks` | one [`RiskEffect`] per risk, in the scenario's order: `id`, `name` (extension), `inherent_eal`, `inherent_eal_se` (extension), `residual_eal` |
/// | `functions` | one [`FunctionShare`] per CSF function that has controls, Govern first: `function` (lower-case: `"govern"`), `annual_cost`, `eal_reduction` (the Shapley share; the shares add up to `total_reduction`), `share` (its fraction of the total, extension; `null` when nothing is removed) |
/// | `controls` | one [`ControlValue`] per control, in the scenario's order: the keys of SCENARIO.md, and as extensions `name`, `category`, `standalone_reduction_se`, `irr`, `var99_reduction`, `tvar99_reduction`, `transfer` (the insurance policy's terms, a [`PolicyTerms`](crate::PolicyTerms): `deductible` per event, `occurrence_limit`, `aggregate_limit`, `coinsurance`; `null` for a control that is not insurance), `availability`, `effective_efficacy`, `lapse_cost_per_day` (reliability: see [`ControlValue`]) |
/// | `tolerance` | the residual loss checked against the scenario's tolerance curve, an [`AssessedTolerance`]: `met`, `points`, and as extensions `verdict`, `inherent` (the same check of the inherent loss), `residual` (the residual check again in the same shape as `inherent`: `residual.met` is `met`, for scripts that read both arms alike) and per point `margin`, `ci95`, `verdict`; `{"met": true, "verdict": "met", "points": [], "residual": {...}, "inherent": {"met": true, "verdict": "met", "points": []}}` when the scenario states no tolerance (nothing to exceed) |
/// | `candidates` | one [`CandidateValue`] per candidate control (`status = "candidate"`), in the scenario's order: `id`, `name`, `function`, `annual_cost`, `upfront`, `standalone_reduction` (the EAL it removes on top of the in-place controls), `standalone_reduction_se`, `net_benefit` (extension; absent when there is no candidate) |
/// | `controls[].rosi`, `controls[].irr` | fractions, not percentages: `rosi` 1.5 is the text report's +150%, `irr` 0.12 is 12% a year |
/// | `tolerance.verdict`, `tolerance.points[].verdict` | the verdict with Monte Carlo noise, a [`ToleranceVerdict`]: `"met"`, `"exceeded"`, or `"within_noise"` when the limit lies inside the point's 95% interval (extension) |
///
/// Every number in the report is finite: [`Assessment::from_analysis`] refuses to build one with
/// a NaN or an infinity (which `serde_json` would silently write as `null`), and so does
/// deserialisation. The only `null`s are the ones documented: a control's `rosi` when its annual
/// cost is 0, its `irr` and `category` when there are none, its `transfer` when it is not
/// insurance (and a policy's `aggregate_limit` when it has none), a function's `share` when the
/// controls remove nothing.
///
/// # Storing and loading
///
/// A report deserialises (serde `Deserialize`), so a tool can store the JSON and load it again
/// (keys it does not know, from a later version, are ignored). What comes back is the report
/// without its [`ControlAnalysis`]: the simulated years are not in the JSON, so
/// [`analysis`](Self::analysis) is `None` and `write_csv` writes no
/// `trials.csv`. Everything else, the [text report](Self::text) included, works the same. Two
/// reports are equal when their figures are equal and both have the same analysis or none:
/// take the analysis out ([`take_analysis`](Self::take_analysis)) to compare a report with the
/// one loaded from its JSON.
///
/// # Example
/// ```
/// # #[cfg(feature = "scenario")] {
/// use csfquant::{Format, Scenario, SimulationOptions, ToleranceVerdict};
///
/// let toml = r#"
/// name = "Example Co"
/// thresholds = [1_000_000.0]
/// tolerance = [ { loss = 1_000_000.0, probability = 0.1 } ]
///
/// [[risks]]
/// id = "ransomware"
/// frequency = { poisson = { rate = 0.25 } }
/// magnitude = { lognormal = { ci90 = [200_000.0, 8_000_000.0] } }
///
/// [[controls]]
/// id = "backups"
/// function = "recover"
/// cost = { annual = 60_000.0 }
/// efficacy = 0.4
/// "#;
/// let scenario = Scenario::parse(toml, Format::Toml, "example.toml")?
///     .with_options(SimulationOptions::new(7).trials(20_000));
/// let report = scenario.assess()?;
/// let (inherent, residual) = (report.inherent(), report.residual());
/// assert!(residual.expected_annual_loss <= inherent.expected_annual_loss);
/// let [low, high] = residual.expected_annual_loss_ci95;
/// assert!(low < residual.expected_annual_loss && residual.expected_annual_loss < high);
/// let var99 = residual.quantile_at(0.99).expect("VaR 99% is in the report");
/// assert!(var99.ci95[0] <= var99.loss && var99.loss <= var99.ci95[1]);
/// let tolerance = report.tolerance().expect("the scenario states a tolerance");
/// assert_ne!(tolerance.verdict, ToleranceVerdict::Met); // 1 in 5 years above 1M
///
/// let json = report.to_json();
/// assert!(json.starts_with(r#"{"format_version":1,"scenario":"Example Co""#));
/// print!("{}", report.text().source("example.toml")); // the tables `assess` prints
/// # }
/// # Ok::<(), csfquant::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Stored")]
#[non_exhaustive]
pub struct Assessment {
    format_version: u32,
    scenario: String,
    currency: String,
    trials: usize,
    seed: u64,
    finance: Finance,
    csfquant_version: String,
    inherent: LossSummary,
    residual: LossSummary,
    total_reduction: f64,
    risks: Vec<RiskEffect>,
    functions: Vec<FunctionShare>,
    controls: Vec<ControlValue>,
    parties: Vec<PartyShare>,
    #[serde(skip_serializing_if = "Option::is_none")]
    groups: Option<Vec<GroupShare>>,
    #[serde(serialize_with = "tolerance_or_empty")]
    tolerance: Option<AssessedTolerance>,
    /// The candidate controls, each valued on top of the in-place set (absent from the JSON
    /// when there is none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    candidates: Vec<CandidateValue>,
    /// Each systemic shock's expected loss and share of the inherent TVaR 99% (absent from the
    /// JSON when the model has none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    shocks: Vec<ShockLoss>,
    /// Not in the JSON: `None` for a deserialised report.
    #[serde(skip)]
    analysis: Option<ControlAnalysis>,
}

/// One annual-loss distribution in the report (`inherent` or `residual`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LossSummary {
    /// The mean annual loss over the simulated years.
    pub expected_annual_loss: f64,
    /// Its Monte Carlo standard error.
    pub standard_error: f64,
    /// The 95% confidence interval of `expected_annual_loss`, `[low, high]`:
    /// `expected_annual_loss ± 1.96 standard_error` (the normal approximation of the mean over
    /// the simulated years, z = Φ⁻¹(0.975)), its lower end raised to 0 where it would fall below
    /// (an EAL is never negative; that happens only when a few years carry all the loss, and
    /// then the interval says little: run more trials).
    pub expected_annual_loss_ci95: [f64; 2],
    /// The standard deviation of the annual loss.
    pub std_dev: f64,
    /// The share of simulated years with a loss, P̂(L > 0).
    pub probability_of_loss: f64,
    /// VaR at each of [`QUANTILE_LEVELS`], with its distribution-free 95% interval (`ci95`) and
    /// whether that interval has its full coverage (`ci95_full_coverage`, extension). Look one
    /// up with [`quantile_at`](Self::quantile_at).
    pub quantiles: Vec<Quantile>,
    /// TVaR at each of [`TAIL_MEAN_LEVELS`]. Look one up with
    /// [`tail_mean_at`](Self::tail_mean_at).
    pub tail_mean: Vec<TailMean>,
    /// P̂(L > x) at each of the scenario's thresholds, in the scenario's order.
    pub exceedance: Vec<ExceedancePoint>,
    /// The loss exceedance curve at [`CURVE_POINTS`] losses spaced evenly on a log scale from the
    /// smallest positive simulated loss to the largest (see
    /// [`LossDistribution::exceedance_curve`]); its probabilities never increase.
    pub curve: Vec<ExceedancePoint>,
    /// The short loss exceedance table that the text report prints: P̂(L > x) at round losses
    /// x = 1, 2, 5 × 10^k from the lower of the two arms' 10% quantiles (at least the smallest
    /// positive inherent loss) up to the inherent VaR 99.9%; only the powers of ten when there
    /// would be more than [`LEC_GRID_POINTS`] (and every n-th of them for tails spanning more
    /// than that many decades), so at most [`LEC_GRID_POINTS`]. The same losses in `inherent`
    /// and `residual`; empty when no simulated year has a loss.
    pub lec_grid: Vec<ExceedancePoint>,
    /// The loss exceedance curve on losses shared by both arms (extension): [`CURVE_POINTS`]
    /// losses spaced evenly on a log scale from the smallest positive simulated loss of either
    /// arm to the largest of either, the same losses in `inherent` and `residual`, each arm
    /// ending at its last simulated exceedance: every point has `years` > 0, so a log axis
    /// shows every point. Beyond an arm's last point no simulated year lies above the loss
    /// (P̂ = 0; the true probability is then below about 3 / trials). The residual curve is
    /// never longer than the inherent one (controls only lower a year's loss), so its losses
    /// are the first ones of the inherent curve. Empty when no year has a loss, and in a report
    /// stored by an earlier csfquant (which wrote only `curve`).
    #[serde(default)]
    pub shared_curve: Vec<ExceedancePoint>,
    /// Each risk's share of VaR 99% and TVaR 99% of this loss (Euler allocation: its mean loss
    /// in the years at or above VaR 99%), in the model's risk order; the `tvar99` entries add
    /// up to TVaR 99% (see [`TailContribution`]). Empty in a report stored by an earlier
    /// csfquant, and for a run whose contributions would take more than
    /// [`MAX_CONTRIBUTION_BYTES`](crate::MAX_CONTRIBUTION_BYTES).
    #[serde(default)]
    pub contributions: Vec<TailContribution>,
    /// The sum of the risks' own VaR 99% (each risk's annual loss alone): against VaR 99%, the
    /// diversification of the portfolio. 0 in a report stored by an earlier csfquant, and
    /// when `contributions` is empty.
    #[serde(default)]
    pub standalone_var99_sum: f64,
}

/// The tail mean (TVaR) at one probability level.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TailMean {
    /// The probability level.
    pub p: f64,
    /// The mean of the worst (1 − p) share of years.
    pub loss: f64,
}

/// The tolerance verdict: the residual loss exceedance curve against the scenario's tolerance
/// curve at each of its points (`met`, `verdict`, `points`), and the same check of the inherent
/// curve (`inherent`, extension).
///
/// Serialised, it also carries `residual` (extension): `{met, verdict, points}` of the residual
/// check, the same shape as `inherent`, so a script reads `tolerance.residual.met` beside
/// `tolerance.inherent.met`. It repeats `met`, `verdict` and `points` (which stay, as the
/// contract names them) and is ignored on loading.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct AssessedTolerance {
    /// True when the residual P̂(L > loss) is at most the limit at every point.
    pub met: bool,
    /// The residual verdict with Monte Carlo noise (extension): exceeded if a point is clearly
    /// exceeded, else within noise if a point is, else met (see [`ToleranceCheck::verdict`]).
    pub verdict: ToleranceVerdict,
    /// One per point, in increasing order of loss: `loss`, `limit`, `probability` (residual),
    /// and as extensions `margin` (limit − probability), `ci95` (Wilson interval of the
    /// probability) and `verdict`.
    pub points: Vec<TolerancePoint>,
    /// The inherent loss against the same curve.
    pub inherent: ToleranceCheck,
}

impl Serialize for AssessedTolerance {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        /// The residual check in the shape of `inherent`.
        #[derive(Serialize)]
        struct Check<'a> {
            met: bool,
            verdict: ToleranceVerdict,
            points: &'a [TolerancePoint],
        }
        #[derive(Serialize)]
        struct Shown<'a> {
            met: bool,
            verdict: ToleranceVerdict,
            points: &'a [TolerancePoint],
            residual: Check<'a>,
            inherent: &'a ToleranceCheck,
        }
        Shown {
            met: self.met,
            verdict: self.verdict,
            points: &self.points,
            residual: Check {
                met: self.met,
                verdict: self.verdict,
                points: &self.points,
            },
            inherent: &self.inherent,
        }
        .serialize(serializer)
    }
}

/// Two probability levels closer than this are the same level in the lookups.
const LEVEL_TOLERANCE: f64 = 1e-9;

impl LossSummary {
    fn new(
        losses: &LossDistribution,
        thresholds: &[f64],
        grid: &[f64],
        shared: &[f64],
    ) -> Result<LossSummary> {
        let points = |xs: &[f64]| -> Result<Vec<ExceedancePoint>> {
            xs.iter().map(|&x| losses.exceedance_point(x)).collect()
        };
        let (eal, se) = (losses.expected_annual_loss(), losses.standard_error());
        // An EAL is never negative: the interval starts at 0 at the lowest.
        let ci95 = [(eal - stats::Z975 * se).max(0.0), eal + stats::Z975 * se];
        Ok(LossSummary {
            expected_annual_loss: eal,
            standard_error: se,
            expected_annual_loss_ci95: ci95,
            std_dev: losses.std_dev(),
            probability_of_loss: losses.probability_of_loss(),
            quantiles: QUANTILE_LEVELS
                .iter()
                .map(|&p| losses.quantile_with_interval(p))
                .collect::<Result<_>>()?,
            tail_mean: TAIL_MEAN_LEVELS
                .iter()
                .map(|&p| {
                    Ok(TailMean {
                        p,
                        loss: losses.tail_mean(p)?,
                    })
                })
                .collect::<Result<_>>()?,
            exceedance: points(thresholds)?,
            curve: losses.exceedance_curve(CURVE_POINTS)?,
            lec_grid: points(grid)?,
            shared_curve: points(shared)?
                .into_iter()
                .take_while(|p| p.years > 0)
                .collect(),
            contributions: Vec::new(),
            standalone_var99_sum: 0.0,
        })
    }

    /// The quantile (VaR) at level `p`, one of [`QUANTILE_LEVELS`] (0.99 is the 1-in-100-year
    /// loss), with its 95% interval; `None` for a level the report does not carry. Levels are
    /// matched to within 1e-9, so `1.0 - 1.0 / 100.0` finds 0.99.
    ///
    /// # Example
    /// ```
    /// # #[cfg(feature = "scenario")] {
    /// # use csfquant::{Format, Scenario, SimulationOptions};
    /// # let toml = "name = \"x\"\n[[risks]]\nid = \"a\"\nfrequency = { poisson = { rate = 1.0 } }\nmagnitude = { fixed = { value = 1.0 } }\n";
    /// # let report = Scenario::parse(toml, Format::Toml, "x.toml")?
    /// #     .with_options(SimulationOptions::new(1).trials(1_000)).assess()?;
    /// let var99 = report.inherent().quantile_at(0.99).expect("VaR 99% is in every report");
    /// assert_eq!(var99.p, 0.99);
    /// assert!(report.inherent().quantile_at(0.42).is_none());
    /// # }
    /// # Ok::<(), csfquant::Error>(())
    /// ```
    pub fn quantile_at(&self, p: f64) -> Option<&Quantile> {
        self.quantiles
            .iter()
            .find(|q| (q.p - p).abs() <= LEVEL_TOLERANCE)
    }

    /// The points the chart draws and `lec.csv` holds: [`shared_curve`](Self::shared_curve),
    /// or for a report stored by an earlier csfquant without it, the points of `curve` that
    /// have a simulated year above them. Every point has `years` > 0.
    pub(crate) fn drawn_curve(&self) -> impl Iterator<Item = &ExceedancePoint> {
        let curve = if self.shared_curve.is_empty() {
            &self.curve
        } else {
            &self.shared_curve
        };
        curve.iter().filter(|p| p.years > 0 && p.probability > 0.0)
    }

    /// The tail mean (TVaR) at level `p`, one of [`TAIL_MEAN_LEVELS`]; `None` for a level the
    /// report does not carry. Levels are matched to within 1e-9.
    pub fn tail_mean_at(&self, p: f64) -> Option<&TailMean> {
        self.tail_mean
            .iter()
            .find(|t| (t.p - p).abs() <= LEVEL_TOLERANCE)
    }
}

/// The losses of [`LossSummary::shared_curve`]: [`CURVE_POINTS`] losses spaced evenly on a log
/// scale from the smallest positive loss of either arm to the largest of either (the ends exact);
/// the one loss when they are equal, none when no year has a loss.
fn shared_grid(inherent: &LossDistribution, residual: &LossDistribution) -> Vec<f64> {
    let smallest = |d: &LossDistribution| d.losses().iter().copied().find(|&x| x > 0.0);
    let lo = match (smallest(inherent), smallest(residual)) {
        (Some(a), Some(b)) => a.min(b),
        (Some(a), None) | (None, Some(a)) => a,
        (None, None) => return Vec::new(),
    };
    let hi = inherent.max().max(residual.max());
    if lo == hi {
        return vec![lo];
    }
    log_spaced(lo, hi, CURVE_POINTS)
}

/// More than the powers of ten between the smallest subnormal and `f64::MAX` (10^-324 to
/// 10^309): the bound on [`lec_grid`]'s loop.
const MAX_DECADES: usize = 640;

/// The losses of the short loss exceedance table ([`LossSummary::lec_grid`]): round losses 1, 2,
/// 5 × 10^k from the lower of the two arms' 10% quantiles (or the smallest positive inherent
/// loss) to the inherent VaR 99.9%, thinned to the powers of ten beyond [`LEC_GRID_POINTS`], and
/// to every n-th power of ten if there are still more.
fn lec_grid(inherent: &LossDistribution, residual: &LossDistribution) -> Vec<f64> {
    let positive = inherent.losses().iter().copied().find(|&x| x > 0.0);
    let (Some(smallest), Ok(low_i), Ok(low_r), Ok(top)) = (
        positive,
        inherent.quantile(0.1),
        residual.quantile(0.1),
        inherent.quantile(0.999),
    ) else {
        return Vec::new();
    };
    let lo = low_i.min(low_r).max(smallest);
    let mut grid = Vec::new();
    let mut decade = 10f64.powf(lo.log10().floor());
    if decade == 0.0 {
        // A subnormal `lo` (below 1e-323): its power of ten underflows to 0, which would never
        // grow; start at the first power of ten f64 holds.
        decade = 10f64.powf(-323.0);
    }
    // At most one pass per power of ten that f64 holds (about 632), whatever the ends.
    for _ in 0..MAX_DECADES {
        if !(decade <= top && grid.len() < 100) {
            break;
        }
        for m in [1.0, 2.0, 5.0] {
            let x = m * decade;
            if x >= lo && x <= top {
                grid.push(x);
            }
        }
        decade *= 10.0;
    }
    if grid.len() > LEC_GRID_POINTS {
        grid.retain(|&x| (x / 10f64.powf(x.log10().floor()) - 1.0).abs() < 1e-9);
    }
    if grid.len() > LEC_GRID_POINTS {
        // More decades than rows (astronomically heavy tails): every second, third, ... one.
        let stride = grid.len().div_ceil(LEC_GRID_POINTS);
        grid = grid.into_iter().step_by(stride).collect();
    }
    grid
}

impl Assessment {
    /// The report of `analysis`, the control analysis of `model`, named `name`, with amounts in
    /// `currency`, the exceedance probabilities at `thresholds` and the check against
    /// `tolerance`. `Assessment::new` takes these from a `Scenario` (the `scenario` feature).
    ///
    /// # Errors
    /// - [`Error::InvalidId`] if a risk or control of `analysis` is not in `model` (the analysis
    ///   is of another model);
    /// - [`Error::NonFiniteFigure`] naming the key (such as `inherent.std_dev`) if a figure is
    ///   not finite: the sum of squared annual losses overflows `f64` only for astronomically
    ///   heavy tails (annual losses above about 1e154), which a cap on the magnitudes prevents;
    /// - a threshold that is NaN, as [`LossDistribution::exceedance_probability`].
    pub fn from_analysis(
        name: &str,
        currency: &str,
        model: &Model,
        thresholds: &[f64],
        tolerance: Option<&ToleranceCurve>,
        analysis: ControlAnalysis,
    ) -> Result<Assessment> {
        // The analysis must be of this model: it lists the model's risks and controls in the
        // model's order (compared by position: a lookup by id would cost n^2 for n risks).
        same_ids(
            "risk id",
            analysis.risks().iter().map(|r| r.id.as_str()),
            model.risks().iter().map(|r| r.id()),
        )?;
        same_ids(
            "control id",
            analysis.controls().iter().map(|c| c.id.as_str()),
            model.controls().iter().map(|c| c.id()),
        )?;
        let risks = analysis.risks().to_vec();
        let controls = analysis.controls().to_vec();
        let tolerance = tolerance.map(|curve| {
            let report = analysis.tolerance(curve);
            AssessedTolerance {
                met: report.residual.met,
                verdict: report.residual.verdict,
                points: report.residual.points,
                inherent: report.inherent,
            }
        });
        let grid = lec_grid(analysis.inherent(), analysis.residual());
        let shared = shared_grid(analysis.inherent(), analysis.residual());
        let assessment = Assessment {
            format_version: 1,
            scenario: name.to_string(),
            currency: currency.to_string(),
            trials: analysis.trials(),
            seed: analysis.seed(),
            finance: *analysis.finance(),
            csfquant_version: env!("CARGO_PKG_VERSION").to_string(),
            inherent: LossSummary {
                contributions: analysis.inherent_contributions().to_vec(),
                standalone_var99_sum: analysis.standalone_var99_sums().0,
                ..LossSummary::new(analysis.inherent(), thresholds, &grid, &shared)?
            },
            residual: LossSummary {
                contributions: analysis.residual_contributions().to_vec(),
                standalone_var99_sum: analysis.standalone_var99_sums().1,
                ..LossSummary::new(analysis.residual(), thresholds, &grid, &shared)?
            },
            shocks: analysis.shocks().to_vec(),
            total_reduction: analysis.total_reduction(),
            risks,
            functions: analysis.functions().to_vec(),
            controls,
            parties: analysis.parties().to_vec(),
            groups: analysis.groups().map(<[GroupShare]>::to_vec),
            tolerance,
            candidates: Vec::new(),
            analysis: Some(analysis),
        };
        assessment.check_finite()?;
        Ok(assessment)
    }

    /// Refuses a report with a NaN or an infinity, which JSON cannot carry (serde_json would
    /// write `null`).
    fn check_finite(&self) -> Result<()> {
        fn check(name: &'static str, value: f64) -> Result<()> {
            if value.is_finite() {
                Ok(())
            } else {
                Err(Error::NonFiniteFigure { key: name, value })
            }
        }
        check("total_reduction", self.total_reduction)?;
        for (losses, inherent) in [(&self.inherent, true), (&self.residual, false)] {
            // The key with its arm, as a static name for the error.
            macro_rules! key {
                ($key:literal) => {
                    if inherent {
                        concat!("inherent.", $key)
                    } else {
                        concat!("residual.", $key)
                    }
                };
            }
            check(key!("expected_annual_loss"), losses.expected_annual_loss)?;
            check(key!("standard_error"), losses.standard_error)?;
            for x in losses.expected_annual_loss_ci95 {
                check(key!("expected_annual_loss_ci95"), x)?;
            }
            check(key!("std_dev"), losses.std_dev)?;
            check(key!("probability_of_loss"), losses.probability_of_loss)?;
            for q in &losses.quantiles {
                check(key!("quantiles[].p"), q.p)?;
                check(key!("quantiles[].loss"), q.loss)?;
                check(key!("quantiles[].ci95"), q.ci95[0])?;
                check(key!("quantiles[].ci95"), q.ci95[1])?;
            }
            for t in &losses.tail_mean {
                check(key!("tail_mean[].p"), t.p)?;
                check(key!("tail_mean[].loss"), t.loss)?;
            }
            for e in &losses.exceedance {
                check(key!("exceedance[].loss"), e.loss)?;
                check(key!("exceedance[].probability"), e.probability)?;
            }
            for e in &losses.curve {
                check(key!("curve[].loss"), e.loss)?;
                check(key!("curve[].probability"), e.probability)?;
            }
            for e in &losses.lec_grid {
                check(key!("lec_grid[].loss"), e.loss)?;
                check(key!("lec_grid[].probability"), e.probability)?;
            }
            for e in &losses.shared_curve {
                check(key!("shared_curve[].loss"), e.loss)?;
                check(key!("shared_curve[].probability"), e.probability)?;
            }
            for c in &losses.contributions {
                check(key!("contributions[].var99"), c.var99)?;
                check(key!("contributions[].tvar99"), c.tvar99)?;
                check(key!("contributions[].tvar99_se"), c.tvar99_se)?;
            }
            check(key!("standalone_var99_sum"), losses.standalone_var99_sum)?;
        }
        for s in &self.shocks {
            check("shocks[].eal", s.eal)?;
            check("shocks[].eal_se", s.eal_se)?;
            check("shocks[].tvar99", s.tvar99)?;
        }
        for r in &self.risks {
            check("risks[].inherent_eal", r.inherent_eal)?;
            check("risks[].inherent_eal_se", r.inherent_eal_se)?;
            check("risks[].residual_eal", r.residual_eal)?;
        }
        for f in &self.functions {
            check("functions[].annual_cost", f.annual_cost)?;
            check("functions[].eal_reduction", f.eal_reduction)?;
            check("functions[].share", f.share.unwrap_or(0.0))?;
        }
        for c in &self.controls {
            check("controls[].annual_cost", c.annual_cost)?;
            check("controls[].eal_reduction", c.eal_reduction)?;
            check("controls[].eal_reduction_se", c.eal_reduction_se)?;
            check("controls[].standalone_reduction", c.standalone_reduction)?;
            check(
                "controls[].standalone_reduction_se",
                c.standalone_reduction_se,
            )?;
            check("controls[].rosi", c.rosi.unwrap_or(0.0))?;
            check("controls[].net_benefit", c.net_benefit)?;
            check("controls[].npv", c.npv)?;
            check("controls[].irr", c.irr.unwrap_or(0.0))?;
            check("controls[].var99_reduction", c.var99_reduction)?;
            check("controls[].tvar99_reduction", c.tvar99_reduction)?;
            if let Some(t) = &c.transfer {
                check("controls[].transfer.deductible", t.deductible)?;
                check("controls[].transfer.occurrence_limit", t.occurrence_limit)?;
                check(
                    "controls[].transfer.aggregate_limit",
                    t.aggregate_limit.unwrap_or(0.0),
                )?;
                check("controls[].transfer.coinsurance", t.coinsurance)?;
            }
            check("controls[].availability", c.availability)?;
            check(
                "controls[].effective_efficacy",
                c.effective_efficacy.unwrap_or(0.0),
            )?;
            check("controls[].lapse_cost_per_day", c.lapse_cost_per_day)?;
        }
        for p in &self.parties {
            check("parties[].annual_cost", p.annual_cost)?;
            check("parties[].eal_reduction", p.eal_reduction)?;
            check("parties[].share", p.share.unwrap_or(0.0))?;
            check("parties[].eal_if_lapsed", p.eal_if_lapsed)?;
            check("parties[].var99_if_lapsed", p.var99_if_lapsed)?;
        }
        for g in self.groups.iter().flatten() {
            check("groups[].annual_cost", g.annual_cost)?;
            check("groups[].eal_reduction", g.eal_reduction)?;
            check("groups[].share", g.share.unwrap_or(0.0))?;
        }
        for c in &self.candidates {
            check("candidates[].annual_cost", c.annual_cost)?;
            check("candidates[].upfront", c.upfront)?;
            check("candidates[].standalone_reduction", c.standalone_reduction)?;
            check(
                "candidates[].standalone_reduction_se",
                c.standalone_reduction_se,
            )?;
            check("candidates[].net_benefit", c.net_benefit)?;
        }
        if let Some(t) = &self.tolerance {
            for p in t.points.iter().chain(&t.inherent.points) {
                check("tolerance.points[].loss", p.loss)?;
                check("tolerance.points[].limit", p.limit)?;
                check("tolerance.points[].probability", p.probability)?;
                check("tolerance.points[].margin", p.margin)?;
                check("tolerance.points[].ci95", p.ci95[0])?;
                check("tolerance.points[].ci95", p.ci95[1])?;
            }
        }
        Ok(())
    }

    /// The report's format version: 1, the version of the scenario-file contract.
    pub fn format_version(&self) -> u32 {
        self.format_version
    }

    /// The candidate controls, each valued alone on top of the in-place set (empty when the
    /// model has none, or the report was built without them).
    pub fn candidates(&self) -> &[CandidateValue] {
        &self.candidates
    }

    /// The report with these candidate values (from [`Model::analyze`]-style runs of the
    /// same options; `Scenario::assess` computes them).
    ///
    /// # Errors
    /// [`Error::NonFiniteFigure`] for a figure that is not finite.
    pub fn with_candidates(mut self, candidates: Vec<CandidateValue>) -> Result<Assessment> {
        self.candidates = candidates;
        self.check_finite()?;
        Ok(self)
    }

    /// The scenario's name.
    pub fn scenario(&self) -> &str {
        &self.scenario
    }

    /// The currency of every amount.
    pub fn currency(&self) -> &str {
        &self.currency
    }

    /// The number of simulated years.
    pub fn trials(&self) -> usize {
        self.trials
    }

    /// The seed the simulation ran with.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The version of csfquant that made the report (`env!("CARGO_PKG_VERSION")` of the run);
    /// empty for a report stored by an earlier csfquant, which did not record it.
    pub fn csfquant_version(&self) -> &str {
        &self.csfquant_version
    }

    /// The horizon and discount rate behind annual costs and NPVs.
    pub fn finance(&self) -> &Finance {
        &self.finance
    }

    /// Each systemic shock's expected annual loss and share of the inherent TVaR 99% (empty
    /// for a model without shocks).
    pub fn shocks(&self) -> &[ShockLoss] {
        &self.shocks
    }

    /// The annual loss without controls.
    pub fn inherent(&self) -> &LossSummary {
        &self.inherent
    }

    /// The annual loss with every control.
    pub fn residual(&self) -> &LossSummary {
        &self.residual
    }

    /// Inherent EAL minus residual EAL: what the controls remove together, the sum of the
    /// functions' Shapley shares.
    pub fn total_reduction(&self) -> f64 {
        self.total_reduction
    }

    /// Each risk, in the scenario's order.
    pub fn risks(&self) -> &[RiskEffect] {
        &self.risks
    }

    /// Each party's share and stress figures (see [`ControlAnalysis::parties`]); empty for a
    /// report stored before parties existed.
    pub fn parties(&self) -> &[PartyShare] {
        &self.parties
    }

    /// Each group's share, when a control has a `group`.
    pub fn groups(&self) -> Option<&[GroupShare]> {
        self.groups.as_deref()
    }

    /// Each CSF function that has controls, Govern first, with its Shapley share.
    pub fn functions(&self) -> &[FunctionShare] {
        &self.functions
    }

    /// Each control, in the scenario's order.
    pub fn controls(&self) -> &[ControlValue] {
        &self.controls
    }

    /// The tolerance verdict, `None` when the scenario has no tolerance curve.
    pub fn tolerance(&self) -> Option<&AssessedTolerance> {
        self.tolerance.as_ref()
    }

    /// The control analysis behind the report, whose distributions hold every simulated year.
    /// A report fresh from `Scenario::assess` or [`from_analysis`](Self::from_analysis) has
    /// it; it is `None` when the report was deserialised (the JSON does not carry the simulated
    /// years) or its analysis was taken out with [`take_analysis`](Self::take_analysis).
    pub fn analysis(&self) -> Option<&ControlAnalysis> {
        self.analysis.as_ref()
    }

    /// Takes the control analysis out of the report, leaving `None`: the report keeps every
    /// figure and frees the simulated years (16 bytes a year, and 16 more when the trials were
    /// recorded). The report then equals the one deserialised from its JSON.
    pub fn take_analysis(&mut self) -> Option<ControlAnalysis> {
        self.analysis.take()
    }
}

/// Refuses an analysis whose ids are not the model's, in the model's order, naming the first id
/// that differs (the analysis' own, or the model's that the analysis lacks).
fn same_ids<'a>(
    kind: &'static str,
    mut analysis: impl Iterator<Item = &'a str>,
    mut model: impl Iterator<Item = &'a str>,
) -> Result<()> {
    loop {
        match (analysis.next(), model.next()) {
            (None, None) => return Ok(()),
            (Some(given), Some(expected)) if given == expected => {}
            (Some(id), _) | (None, Some(id)) => return Err(foreign(kind, id)),
        }
    }
}

fn foreign(kind: &'static str, id: &str) -> Error {
    Error::InvalidId {
        kind,
        id: id.to_string(),
        expected: "an id of the scenario's model (the analysis is of another model)",
    }
}

/// The tolerance verdict, or for a scenario without a tolerance curve an object of the same
/// shape with no points: scripts can read `report["tolerance"]["met"]` either way.
fn tolerance_or_empty<S: serde::Serializer>(
    tolerance: &Option<AssessedTolerance>,
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    match tolerance {
        Some(t) => t.serialize(serializer),
        None => AssessedTolerance {
            met: true,
            verdict: ToleranceVerdict::Met,
            points: Vec::new(),
            inherent: ToleranceCheck {
                met: true,
                verdict: ToleranceVerdict::Met,
                points: Vec::new(),
            },
        }
        .serialize(serializer),
    }
}

/// The serialised report, read back before [`Assessment`]'s checks.
#[derive(Deserialize)]
struct Stored {
    format_version: u32,
    scenario: String,
    currency: String,
    trials: usize,
    seed: u64,
    #[serde(deserialize_with = "finance_from_parts")]
    finance: Finance,
    #[serde(default)]
    csfquant_version: String,
    inherent: LossSummary,
    residual: LossSummary,
    total_reduction: f64,
    risks: Vec<RiskEffect>,
    functions: Vec<FunctionShare>,
    controls: Vec<ControlValue>,
    #[serde(default)]
    parties: Vec<PartyShare>,
    #[serde(default)]
    groups: Option<Vec<GroupShare>>,
    tolerance: AssessedTolerance,
    #[serde(default)]
    candidates: Vec<CandidateValue>,
    #[serde(default)]
    shocks: Vec<ShockLoss>,
}

impl TryFrom<Stored> for Assessment {
    type Error = Error;

    /// The stored report, checked as [`Assessment::from_analysis`] checks a new one: every figure
    /// finite. A tolerance without points is the report of a scenario without a tolerance curve
    /// (a curve has at least one point).
    fn try_from(s: Stored) -> Result<Assessment> {
        let tolerance = (!(s.tolerance.points.is_empty()
            && s.tolerance.inherent.points.is_empty()))
        .then_some(s.tolerance);
        let assessment = Assessment {
            format_version: s.format_version,
            scenario: s.scenario,
            currency: s.currency,
            trials: s.trials,
            seed: s.seed,
            finance: s.finance,
            csfquant_version: s.csfquant_version,
            inherent: s.inherent,
            residual: s.residual,
            total_reduction: s.total_reduction,
            risks: s.risks,
            functions: s.functions,
            controls: s.controls,
            parties: s.parties,
            groups: s.groups,
            tolerance,
            candidates: s.candidates,
            shocks: s.shocks,
            analysis: None,
        };
        assessment.check_finite()?;
        Ok(assessment)
    }
}

/// `{horizon_years, discount_rate}` through [`Finance::new`]'s checks.
fn finance_from_parts<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<Finance, D::Error> {
    #[derive(Deserialize)]
    struct Parts {
        horizon_years: u32,
        discount_rate: f64,
    }
    let parts = Parts::deserialize(deserializer)?;
    Finance::new(parts.horizon_years, parts.discount_rate).map_err(serde::de::Error::custom)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dist(xs: Vec<f64>) -> LossDistribution {
        LossDistribution::from_losses(xs).unwrap()
    }

    #[test]
    fn the_eal_interval_never_goes_below_zero() {
        // One loss in 1,000 years: EAL 1, SE about 1, so EAL - 1.96 SE < 0.
        let mut xs = vec![0.0; 999];
        xs.push(1000.0);
        let s = LossSummary::new(&dist(xs), &[], &[], &[]).unwrap();
        assert_eq!(s.expected_annual_loss, 1.0);
        assert_eq!(s.expected_annual_loss_ci95[0], 0.0);
        assert_eq!(
            s.expected_annual_loss_ci95[1],
            1.0 + stats::Z975 * s.standard_error
        );
    }

    #[test]
    fn the_lec_grid_is_round_and_short() {
        // Losses 1..=10^6: the grid runs from the 10% quantile (100,000) to VaR 99.9% (999,000).
        let inherent = dist((1..=1_000_000).map(f64::from).collect());
        let residual = dist((1..=1_000_000).map(|x| f64::from(x) / 2.0).collect());
        assert_eq!(lec_grid(&inherent, &inherent), [1e5, 2e5, 5e5]);
        // The residual's lower 10% quantile (50,000) starts it.
        assert_eq!(lec_grid(&inherent, &residual), [5e4, 1e5, 2e5, 5e5]);
        // Twelve decades and more: the powers of ten only.
        let wide = dist(
            (0..=1000)
                .map(|k| 10f64.powf(f64::from(k) / 50.0))
                .collect(),
        );
        let grid = lec_grid(&wide, &wide);
        assert!(grid.len() <= LEC_GRID_POINTS, "{grid:?}");
        assert!(
            grid.iter()
                .all(|x| (x.log10() - x.log10().round()).abs() < 1e-9)
        );
        // No year with a loss: no grid.
        assert!(lec_grid(&dist(vec![0.0; 10]), &dist(vec![0.0; 10])).is_empty());
    }
}
