//! The scenario file format of `SCENARIO.md` (format version 1), as plain serde types.
//!
//! These types carry the *shape* of a scenario only: which keys exist, how they nest, which
//! values are numbers. They hold no rule (a negative rate deserializes fine); every rule is
//! checked when [`Scenario`](crate::Scenario) turns a spec into a [`Model`](crate::Model)
//! through the same validated constructors the Rust API uses. Unknown keys are refused here.
//!
//! Tools that generate scenarios can build these types and serialize them with serde_json or
//! toml; [`Scenario::to_spec`](crate::Scenario::to_spec) writes a model back in this form. The
//! kinds are `#[non_exhaustive]`, since the format may gain distribution kinds. The structs have
//! public fields for struct literals, so a new optional key is a breaking change of this module
//! (a minor version while the crate is 0.x), never of the file format.

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A whole scenario file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioSpec {
    /// The scenario's name, shown in the report.
    pub name: String,
    /// An ISO 4217 currency code for display; `USD` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// Trials and seed; defaults when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub simulation: Option<SimulationSpec>,
    /// Horizon and discount rate for the control values; defaults when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finance: Option<FinanceSpec>,
    /// Losses at which the report gives `P(annual loss > x)`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub thresholds: Vec<f64>,
    /// The risk tolerance curve.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tolerance: Vec<TolerancePointSpec>,
    /// The risks (at least one).
    pub risks: Vec<RiskSpec>,
    /// The controls (none when absent).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub controls: Vec<ControlSpec>,
}

/// `simulation`: how many years to simulate and the seed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimulationSpec {
    /// Simulated years; 100,000 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trials: Option<u64>,
    /// The seed; 0 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
}

/// `finance`: the horizon and discount rate of NPV and annualised costs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FinanceSpec {
    /// Years; 1 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub horizon_years: Option<u32>,
    /// Yearly rate; 0 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_rate: Option<f64>,
}

/// One point of the tolerance curve: the largest acceptable `P(annual loss > loss)`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TolerancePointSpec {
    /// The annual loss.
    pub loss: f64,
    /// The largest acceptable probability of exceeding it.
    pub probability: f64,
}

/// A risk: either `frequency` and `magnitude`, or the Open FAIR factors `fair`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskSpec {
    /// Unique among risks.
    pub id: String,
    /// A readable name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// CSF 2.0 (or mappable CSF 1.1) category and subcategory ids.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub csf: Vec<String>,
    /// Loss events per year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frequency: Option<FrequencySpec>,
    /// Loss per event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub magnitude: Option<MagnitudeSpec>,
    /// The Open FAIR factors, instead of `frequency` and `magnitude`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fair: Option<FairSpec>,
}

/// Events per year: exactly one kind.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FrequencySpec {
    /// `poisson`: a fixed `rate`, or a lognormal rate from `ci90` drawn each trial.
    Poisson(PoissonSpec),
    /// `bernoulli`: at most one event a year.
    Bernoulli(BernoulliSpec),
    /// `negative_binomial`: overdispersed counts.
    NegativeBinomial(NegativeBinomialSpec),
    /// `fixed` (extension): exactly `count` events every year.
    Fixed(FixedCountSpec),
}

/// `poisson`: exactly one of `rate` and `ci90`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PoissonSpec {
    /// Events per year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<f64>,
    /// A 90% interval for an uncertain rate.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "interval"
    )]
    pub ci90: Option<[f64; 2]>,
}

/// `bernoulli`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BernoulliSpec {
    /// The probability of the one event in a year.
    pub probability: f64,
}

/// `negative_binomial`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NegativeBinomialSpec {
    /// Mean events per year.
    pub mean: f64,
    /// Variance of the yearly count (above the mean).
    pub variance: f64,
}

/// `fixed` frequency.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixedCountSpec {
    /// Events every year.
    pub count: u32,
}

/// Loss per event: exactly one kind, each with an optional `cap`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum MagnitudeSpec {
    /// `lognormal`: `ci90`, or `mu` and `sigma`.
    Lognormal(LognormalSpec),
    /// `pert`: `min`, `mode`, `max`, optional `lambda`.
    Pert(PertSpec),
    /// `triangular`: `min`, `mode`, `max`.
    Triangular(TriangularSpec),
    /// `uniform`: `min`, `max`.
    Uniform(UniformSpec),
    /// `gamma`: `shape`, `scale`.
    Gamma(GammaSpec),
    /// `pareto`: `scale`, `shape`.
    Pareto(ParetoSpec),
    /// `fixed`: `value`.
    Fixed(FixedLossSpec),
    /// `empirical` (extension): observed losses, resampled with equal weights.
    Empirical(EmpiricalSpec),
}

/// `lognormal`: exactly one of `ci90` and the pair `mu`, `sigma`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LognormalSpec {
    /// The 5th and 95th percentiles.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "interval"
    )]
    pub ci90: Option<[f64; 2]>,
    /// Log-space location.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mu: Option<f64>,
    /// Log-space scale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sigma: Option<f64>,
    /// Largest loss of one event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap: Option<f64>,
}

/// `pert`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PertSpec {
    /// Smallest loss.
    pub min: f64,
    /// Most likely loss.
    pub mode: f64,
    /// Largest loss.
    pub max: f64,
    /// Peakedness; 4 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lambda: Option<f64>,
    /// Largest loss of one event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap: Option<f64>,
}

/// `triangular`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TriangularSpec {
    /// Smallest loss.
    pub min: f64,
    /// Most likely loss.
    pub mode: f64,
    /// Largest loss.
    pub max: f64,
    /// Largest loss of one event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap: Option<f64>,
}

/// `uniform`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UniformSpec {
    /// Smallest loss.
    pub min: f64,
    /// Largest loss.
    pub max: f64,
    /// Largest loss of one event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap: Option<f64>,
}

/// `gamma`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GammaSpec {
    /// Shape k.
    pub shape: f64,
    /// Scale θ.
    pub scale: f64,
    /// Largest loss of one event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap: Option<f64>,
}

/// `pareto`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParetoSpec {
    /// Smallest loss.
    pub scale: f64,
    /// Tail index α.
    pub shape: f64,
    /// Largest loss of one event (required when `shape <= 1`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap: Option<f64>,
}

/// `fixed` loss.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixedLossSpec {
    /// The loss of every event.
    pub value: f64,
    /// Largest loss of one event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap: Option<f64>,
}

/// `empirical` loss.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmpiricalSpec {
    /// Observed losses of single events.
    pub losses: Vec<f64>,
    /// Largest loss of one event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap: Option<f64>,
}

/// `fair`: the Open FAIR factors of a risk.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FairSpec {
    /// Threat events per year (TEF).
    pub threat_event_frequency: FrequencySpec,
    /// The probability that a threat event becomes a loss event (`susceptibility` is a synonym).
    #[serde(alias = "susceptibility")]
    pub vulnerability: FractionSpec,
    /// The primary loss of each loss event.
    pub primary_loss: MagnitudeSpec,
    /// The secondary loss and the share of loss events that have one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secondary: Option<SecondarySpec>,
}

/// `fair.secondary`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecondarySpec {
    /// The share of loss events with a secondary loss (SLEF).
    pub probability: f64,
    /// The secondary loss when it occurs (SLM).
    pub loss: MagnitudeSpec,
}

/// A control.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ControlSpec {
    /// Unique among controls.
    pub id: String,
    /// A readable name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `govern`, `identify`, `protect`, `detect`, `respond` or `recover`.
    pub function: String,
    /// A CSF 2.0 category of `function`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Upfront and annual cost.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<CostSpec>,
    /// Risk ids; every risk when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applies_to: Option<Vec<String>>,
    /// Goes to the function's natural lever.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub efficacy: Option<FractionSpec>,
    /// Fraction of events prevented.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frequency_efficacy: Option<FractionSpec>,
    /// Fraction of each event's loss removed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub magnitude_efficacy: Option<FractionSpec>,
    /// Insurance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer: Option<TransferSpec>,
}

/// `cost`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CostSpec {
    /// Paid once, in year 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upfront: Option<f64>,
    /// Paid every year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annual: Option<f64>,
}

/// `transfer`: an insurance policy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransferSpec {
    /// Retained per event.
    pub deductible: f64,
    /// The most the insurer pays per event.
    pub occurrence_limit: f64,
    /// The most the insurer pays per year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aggregate_limit: Option<f64>,
    /// The share of each covered loss the insured keeps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coinsurance: Option<f64>,
}

/// A fraction in `[0, 1]` (an efficacy or a vulnerability): a number, or an uncertain one.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum FractionSpec {
    /// A known fraction.
    Fixed(f64),
    /// An uncertain fraction, drawn once per trial.
    Uncertain(UncertainFractionSpec),
}

/// An uncertain fraction: exactly one kind.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum UncertainFractionSpec {
    /// `pert`: `min`, `mode`, `max`.
    Pert(RangeWithModeSpec),
    /// `uniform`: `min`, `max`.
    Uniform(RangeSpec),
    /// `triangular`: `min`, `mode`, `max`.
    Triangular(RangeWithModeSpec),
}

/// `min`, `mode`, `max` of an uncertain fraction.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RangeWithModeSpec {
    /// Smallest value.
    pub min: f64,
    /// Most likely value.
    pub mode: f64,
    /// Largest value.
    pub max: f64,
}

/// `min`, `max` of an uncertain fraction.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RangeSpec {
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
}

/// A number, or a table/object naming the kind. Written by hand instead of
/// `#[serde(untagged)]`, whose errors lose the path and say only "did not match any variant".
impl<'de> Deserialize<'de> for FractionSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FractionVisitor;

        impl<'de> Visitor<'de> for FractionVisitor {
            type Value = FractionSpec;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number in [0, 1], or one of `pert`, `uniform`, `triangular`")
            }

            fn visit_f64<E: de::Error>(self, v: f64) -> Result<FractionSpec, E> {
                Ok(FractionSpec::Fixed(v))
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<FractionSpec, E> {
                Ok(FractionSpec::Fixed(v as f64))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<FractionSpec, E> {
                Ok(FractionSpec::Fixed(v as f64))
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<FractionSpec, A::Error> {
                UncertainFractionSpec::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(FractionSpec::Uncertain)
            }
        }

        deserializer.deserialize_any(FractionVisitor)
    }
}

/// A `[low, high]` pair: exactly two numbers. (The toml crate would read the first two of a
/// longer array into `[f64; 2]` and drop the rest silently.)
fn interval<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<[f64; 2]>, D::Error> {
    let values = Vec::<f64>::deserialize(deserializer)?;
    match values[..] {
        [low, high] => Ok(Some([low, high])),
        _ => Err(de::Error::invalid_length(
            values.len(),
            &"two numbers, [low, high]",
        )),
    }
}
