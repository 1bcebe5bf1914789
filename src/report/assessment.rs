//! The assess report: a scenario's control analysis in the shape of the JSON report of
//! SCENARIO.md (format version 1).

use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::finance::Finance;
use crate::model::{Model, ToleranceCurve};
use crate::report::analysis::{ControlAnalysis, ControlValue, FunctionShare, RiskEffect};
use crate::report::loss::{ExceedancePoint, LossDistribution, Quantile};
use crate::report::tolerance::{ToleranceCheck, TolerancePoint};

/// The probability levels of [`LossSummary::quantiles`].
pub const QUANTILE_LEVELS: [f64; 6] = [0.5, 0.9, 0.95, 0.99, 0.995, 0.999];
/// The probability levels of [`LossSummary::tail_mean`].
pub const TAIL_MEAN_LEVELS: [f64; 2] = [0.95, 0.99];
/// The number of points of [`LossSummary::curve`] (fewer when the losses take one value or none).
pub const CURVE_POINTS: usize = 50;

/// The report of a scenario's assessment: the JSON report of the scenario-file contract
/// (`cargo run --example assess -- FILE --json` prints it with `serde_json`).
///
/// Serialised, it has exactly the keys of that contract, with the same names and nesting, plus
/// the extensions marked below (new keys may be added; none is ever renamed or removed):
///
/// | key | value |
/// |---|---|
/// | `format_version` | 1 (extension) |
/// | `scenario`, `currency`, `trials`, `seed` | the scenario's name and currency, the simulation's trial count and seed |
/// | `finance` | `{horizon_years, discount_rate}` (extension) |
/// | `inherent`, `residual` | the annual loss without and with every control, a [`LossSummary`] |
/// | `total_reduction` | inherent EAL − residual EAL (extension) |
/// | `risks` | one [`RiskEffect`] per risk, in the scenario's order: `id`, `name` (extension), `inherent_eal`, `inherent_eal_se` (extension), `residual_eal` |
/// | `functions` | one [`FunctionShare`] per CSF function that has controls, Govern first: `function` (lower-case: `"govern"`), `annual_cost`, `eal_reduction` (the Shapley share; the shares add up to `total_reduction`), `share` (its fraction of the total, extension; `null` when nothing is removed) |
/// | `controls` | one [`ControlValue`] per control, in the scenario's order: the keys of SCENARIO.md, and as extensions `name`, `category`, `standalone_reduction_se`, `irr`, `var99_reduction`, `tvar99_reduction` |
/// | `tolerance` | the residual loss checked against the scenario's tolerance curve, an [`AssessedTolerance`]; `{"met": true, "points": [], "inherent": {"met": true, "points": []}}` when the scenario states no tolerance (nothing to exceed) |
///
/// Every number in the report is finite: [`Assessment::new`] refuses to build one with a NaN or
/// an infinity (which `serde_json` would silently write as `null`). The only `null`s are the
/// ones documented: a control's `rosi` when its annual
/// cost is 0, its `irr` and `category` when there are none, a function's `share` when the
/// controls remove nothing.
///
/// # Example
/// ```
/// # #[cfg(feature = "scenario")] {
/// use csfquant::{Format, Scenario, SimulationOptions};
///
/// let toml = r#"
/// name = "Example Co"
/// thresholds = [1_000_000.0]
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
/// let json = serde_json::to_value(&report).expect("the report serialises");
/// assert_eq!(json["trials"], 20_000);
/// assert_eq!(json["residual"]["quantiles"].as_array().unwrap().len(), 6);
/// assert!(report.residual().expected_annual_loss <= report.inherent().expected_annual_loss);
/// # }
/// # Ok::<(), csfquant::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Assessment {
    format_version: u32,
    scenario: String,
    currency: String,
    trials: usize,
    seed: u64,
    finance: Finance,
    inherent: LossSummary,
    residual: LossSummary,
    total_reduction: f64,
    risks: Vec<RiskEffect>,
    functions: Vec<FunctionShare>,
    controls: Vec<ControlValue>,
    #[serde(serialize_with = "tolerance_or_empty")]
    tolerance: Option<AssessedTolerance>,
    #[serde(skip)]
    analysis: ControlAnalysis,
}

/// One annual-loss distribution in the report (`inherent` or `residual`).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct LossSummary {
    /// The mean annual loss over the simulated years.
    pub expected_annual_loss: f64,
    /// Its Monte Carlo standard error.
    pub standard_error: f64,
    /// The standard deviation of the annual loss.
    pub std_dev: f64,
    /// The share of simulated years with a loss, P̂(L > 0).
    pub probability_of_loss: f64,
    /// VaR at each of [`QUANTILE_LEVELS`], with its distribution-free 95% interval (`ci95`) and
    /// whether that interval has its full coverage (`ci95_full_coverage`, extension).
    pub quantiles: Vec<Quantile>,
    /// TVaR at each of [`TAIL_MEAN_LEVELS`].
    pub tail_mean: Vec<TailMean>,
    /// P̂(L > x) at each of the scenario's thresholds, in the scenario's order.
    pub exceedance: Vec<ExceedancePoint>,
    /// The loss exceedance curve at [`CURVE_POINTS`] losses spaced evenly on a log scale from the
    /// smallest positive simulated loss to the largest (see
    /// [`LossDistribution::exceedance_curve`]); its probabilities never increase.
    pub curve: Vec<ExceedancePoint>,
}

/// The tail mean (TVaR) at one probability level.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct TailMean {
    /// The probability level.
    pub p: f64,
    /// The mean of the worst (1 − p) share of years.
    pub loss: f64,
}

/// The tolerance verdict: the residual loss exceedance curve against the scenario's tolerance
/// curve at each of its points (`met`, `points`), and the same check of the inherent curve
/// (`inherent`, extension).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct AssessedTolerance {
    /// True when the residual P̂(L > loss) is at most the limit at every point.
    pub met: bool,
    /// One per point, in increasing order of loss: `loss`, `limit`, `probability` (residual),
    /// and as extensions `margin` (limit − probability) and `ci95` (Wilson interval of the
    /// probability).
    pub points: Vec<TolerancePoint>,
    /// The inherent loss against the same curve.
    pub inherent: ToleranceCheck,
}

impl LossSummary {
    fn new(losses: &LossDistribution, thresholds: &[f64]) -> Result<LossSummary> {
        Ok(LossSummary {
            expected_annual_loss: losses.expected_annual_loss(),
            standard_error: losses.standard_error(),
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
            exceedance: thresholds
                .iter()
                .map(|&loss| {
                    Ok(ExceedancePoint {
                        loss,
                        probability: losses.exceedance_probability(loss)?,
                    })
                })
                .collect::<Result<_>>()?,
            curve: losses.exceedance_curve(CURVE_POINTS)?,
        })
    }
}

impl Assessment {
    /// The report of `analysis`, the control analysis of `model`, named `name`, with amounts in
    /// `currency`, the exceedance probabilities at `thresholds` and the check against
    /// `tolerance`. [`Assessment::new`] takes these from a [`Scenario`](crate::Scenario).
    ///
    /// # Errors
    /// - [`Error::InvalidId`] if a risk or control of `analysis` is not in `model` (the analysis
    ///   is of another model);
    /// - [`Error::InvalidParameter`] naming the key (such as `inherent.std_dev`) if a figure is
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
        // The analysis must be of this model: its ids name the model's risks and controls.
        for r in analysis.risks() {
            model.risk(&r.id).ok_or_else(|| foreign("risk id", &r.id))?;
        }
        for c in analysis.controls() {
            model
                .control(&c.id)
                .ok_or_else(|| foreign("control id", &c.id))?;
        }
        let risks = analysis.risks().to_vec();
        let controls = analysis.controls().to_vec();
        let tolerance = tolerance.map(|curve| {
            let report = analysis.tolerance(curve);
            AssessedTolerance {
                met: report.residual.met,
                points: report.residual.points,
                inherent: report.inherent,
            }
        });
        let assessment = Assessment {
            format_version: 1,
            scenario: name.to_string(),
            currency: currency.to_string(),
            trials: analysis.trials(),
            seed: analysis.seed(),
            finance: *analysis.finance(),
            inherent: LossSummary::new(analysis.inherent(), thresholds)?,
            residual: LossSummary::new(analysis.residual(), thresholds)?,
            total_reduction: analysis.total_reduction(),
            risks,
            functions: analysis.functions().to_vec(),
            controls,
            tolerance,
            analysis,
        };
        assessment.check_finite()?;
        Ok(assessment)
    }

    /// Refuses a report with a NaN or an infinity, which JSON cannot carry (serde_json would
    /// write `null`).
    fn check_finite(&self) -> Result<()> {
        fn finite(name: &'static str, value: f64) -> Result<()> {
            if value.is_finite() {
                Ok(())
            } else {
                Err(Error::NonFiniteFigure { key: name, value })
            }
        }
        let check = finite;
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
            check(key!("std_dev"), losses.std_dev)?;
            check(key!("probability_of_loss"), losses.probability_of_loss)?;
            for q in &losses.quantiles {
                check(key!("quantiles[].loss"), q.loss)?;
                check(key!("quantiles[].ci95"), q.ci95[0])?;
                check(key!("quantiles[].ci95"), q.ci95[1])?;
            }
            for t in &losses.tail_mean {
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
        }
        if let Some(t) = &self.tolerance {
            for p in t.points.iter().chain(&t.inherent.points) {
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

    /// The horizon and discount rate behind annual costs and NPVs.
    pub fn finance(&self) -> &Finance {
        &self.finance
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

    /// The control analysis behind the report (its distributions hold every simulated year).
    pub fn analysis(&self) -> &ControlAnalysis {
        &self.analysis
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
    #[derive(Serialize)]
    struct NoPoints {
        met: bool,
        points: [TolerancePoint; 0],
    }
    #[derive(Serialize)]
    struct NoCurve {
        met: bool,
        points: [TolerancePoint; 0],
        inherent: NoPoints,
    }
    match tolerance {
        Some(t) => t.serialize(serializer),
        None => NoCurve {
            met: true,
            points: [],
            inherent: NoPoints {
                met: true,
                points: [],
            },
        }
        .serialize(serializer),
    }
}
