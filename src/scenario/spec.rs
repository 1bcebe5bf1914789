//! The scenario file format of `SCENARIO.md` (format version 1), as plain serde types.
//!
//! These types carry the *shape* of a scenario only: which keys exist, how they nest, which
//! values are numbers. They hold no rule (a negative rate deserializes fine); every rule is
//! checked when [`Scenario`](crate::Scenario) turns a spec into a [`Model`](crate::Model)
//! through the same validated constructors the Rust API uses. Unknown keys are refused here,
//! and so are a struct written as a list of its values (`"pert": [10, 20, 30]` says nothing of
//! which is the mode) and a list longer than its limit (see
//! [`Scenario::parse`](crate::Scenario::parse)), as soon as reading passes the limit.
//!
//! Tools that generate scenarios can build these types and serialize them with serde_json or
//! toml; [`Scenario::to_spec`](crate::Scenario::to_spec) writes a model back in this form. The
//! kinds are `#[non_exhaustive]`, since the format may gain distribution kinds. The structs have
//! public fields for struct literals, so a new optional key is a breaking change of this module
//! (a minor version while the crate is 0.x), never of the file format.

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::marker::PhantomData;

use crate::error::{Error, Quoted, shorten};
use crate::model::Model;
use crate::model::tolerance::ToleranceCurve;
use crate::scenario::Scenario;

/// A struct of named keys, read only from a table (object): serde's derived `Deserialize` also
/// accepts a struct as a list of its values in field order (`"pert": [10, 20, 30]`), in which a
/// reader cannot tell `min` from `mode`. The struct's own fields are read by a derived twin
/// (with `deny_unknown_fields`) from the table's entries; a list is refused with the keys to
/// write.
macro_rules! keyed {
    (
        $(#[$attr:meta])*
        $vis:vis struct $name:ident {
            $( $(#[$fattr:meta])* $fvis:vis $field:ident : $ty:ty ),* $(,)?
        }
    ) => {
        $(#[$attr])*
        $vis struct $name {
            $( $(#[$fattr])* $fvis $field: $ty, )*
        }
        keyed!(@read $name { $( $(#[$fattr])* $field: $ty ),* });
    };
    // A struct that is only read: its field attributes (serde's) go to the twin alone.
    (
        @read_only
        $(#[$attr:meta])*
        $vis:vis struct $name:ident {
            $( $(#[$fattr:meta])* $field:ident : $ty:ty ),* $(,)?
        }
    ) => {
        $(#[$attr])*
        $vis struct $name {
            $( $field: $ty, )*
        }
        keyed!(@read $name { $( $(#[$fattr])* $field: $ty ),* });
    };
    (@read $name:ident { $( $(#[$fattr:meta])* $field:ident : $ty:ty ),* }) => {
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                #[derive(Deserialize)]
                #[serde(deny_unknown_fields)]
                struct Fields {
                    $( $(#[$fattr])* $field: $ty, )*
                }
                const KEYS: &[&str] = &[$(stringify!($field)),*];
                let fields: Fields = keyed(deserializer, stringify!($name), KEYS)?;
                Ok($name { $( $field: fields.$field, )* })
            }
        }
    };
}

/// Reads a `T` (the derived twin of a [`keyed!`] struct) from a table (object) only.
fn keyed<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
    name: &'static str,
    keys: &'static [&'static str],
) -> Result<T, D::Error> {
    struct KeyedVisitor<T> {
        keys: &'static [&'static str],
        target: PhantomData<T>,
    }

    impl<'de, T: Deserialize<'de>> Visitor<'de> for KeyedVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(
                f,
                "a table (object) with named keys among {}",
                Listed(self.keys, "and")
            )
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            T::deserialize(de::value::MapAccessDeserializer::new(map))
        }

        fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<T, A::Error> {
            Err(de::Error::custom(format_args!(
                "expected a table (object) with named keys among {}, got a list: write each \
                 value with its key (a list does not say which value is which)",
                Listed(self.keys, "and")
            )))
        }
    }

    deserializer.deserialize_struct(
        name,
        keys,
        KeyedVisitor {
            keys,
            target: PhantomData,
        },
    )
}

// ---------------------------------------------------------------------------------------------
// Lists of bounded length.

/// A list of the format and the most entries it may have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct List {
    /// What it holds, in messages: `tolerance points`.
    pub(crate) noun: &'static str,
    /// The most entries.
    pub(crate) max: usize,
}

impl List {
    /// The error for a list that goes on past `max`.
    pub(crate) fn too_long(self) -> Error {
        Error::TooManyEntries {
            list: self.noun,
            max: self.max,
        }
    }
}

/// `thresholds`.
pub(crate) const THRESHOLDS: List = List {
    noun: "thresholds",
    max: Scenario::MAX_THRESHOLDS,
};
/// `tolerance`.
pub(crate) const TOLERANCE: List = List {
    noun: "tolerance points",
    max: ToleranceCurve::MAX_POINTS,
};
/// `risks`.
pub(crate) const RISKS: List = List {
    noun: "risks",
    max: Scenario::MAX_RISKS,
};
/// `controls`.
pub(crate) const CONTROLS: List = List {
    noun: "controls",
    max: Model::MAX_CONTROLS,
};
/// A risk's `csf`.
pub(crate) const CSF_IDS: List = List {
    noun: "CSF ids",
    max: Scenario::MAX_CSF_IDS,
};
/// A control's `applies_to`.
pub(crate) const APPLIES_TO: List = List {
    noun: "risk ids in applies_to",
    max: Scenario::MAX_RISKS,
};
/// An empirical magnitude's `losses`.
pub(crate) const OBSERVED_LOSSES: List = List {
    noun: "observed losses",
    max: Scenario::MAX_EMPIRICAL_LOSSES,
};
/// `budget.annual`, `budget.phased.budgets`.
pub(crate) const BUDGETS: List = List {
    noun: "budgets",
    max: Scenario::MAX_BUDGETS,
};
/// `budget.plans`, and a plan's `controls`.
pub(crate) const PLANS: List = List {
    noun: "plans or plan controls",
    max: Model::MAX_CONTROLS,
};
/// `shocks` and `frailty`.
pub(crate) const SHOCKS: List = List {
    noun: "shocks or frailties",
    max: crate::model::dependence::MAX_SHOCKS,
};
/// A shock's `hits`.
pub(crate) const HITS: List = List {
    noun: "shock hits",
    max: crate::model::Shock::MAX_HITS,
};
/// A frailty's `risks`.
pub(crate) const FRAILTY_RISKS: List = List {
    noun: "risk ids in a frailty",
    max: Scenario::MAX_RISKS,
};
/// Every bounded list.
pub(crate) const LISTS: [List; 12] = [
    SHOCKS,
    HITS,
    FRAILTY_RISKS,
    BUDGETS,
    PLANS,
    THRESHOLDS,
    TOLERANCE,
    RISKS,
    CONTROLS,
    CSF_IDS,
    APPLIES_TO,
    OBSERVED_LOSSES,
];

/// Reads a list, refusing it as soon as it goes on past `list.max` entries: the rest is never
/// read into memory (serde_json reads it no further; the toml crate has parsed it already).
fn bounded<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
    list: List,
) -> Result<Vec<T>, D::Error> {
    struct BoundedVisitor<T> {
        list: List,
        entry: PhantomData<T>,
    }

    impl<'de, T: Deserialize<'de>> Visitor<'de> for BoundedVisitor<T> {
        type Value = Vec<T>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "a list of at most {} {}", self.list.max, self.list.noun)
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            // The hint is the length of a list already parsed (toml), which may be huge.
            let hint = seq.size_hint().unwrap_or(0).min(self.list.max).min(1024);
            let mut out = Vec::with_capacity(hint);
            while out.len() < self.list.max {
                match seq.next_element()? {
                    Some(entry) => out.push(entry),
                    None => return Ok(out),
                }
            }
            // One entry more is enough to know the list is too long, whatever it holds.
            match seq.next_element::<de::IgnoredAny>()? {
                None => Ok(out),
                Some(_) => Err(de::Error::custom(self.list.too_long())),
            }
        }
    }

    deserializer.deserialize_seq(BoundedVisitor {
        list,
        entry: PhantomData,
    })
}

fn thresholds<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f64>, D::Error> {
    bounded(d, THRESHOLDS)
}

fn tolerance<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<TolerancePointSpec>, D::Error> {
    bounded(d, TOLERANCE)
}

fn risks<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<RiskSpec>, D::Error> {
    bounded(d, RISKS)
}

fn controls<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<ControlSpec>, D::Error> {
    bounded(d, CONTROLS)
}

fn budgets<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f64>, D::Error> {
    bounded(d, BUDGETS)
}

fn plans<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<PlanSpec>, D::Error> {
    bounded(d, PLANS)
}

fn plan_controls<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    bounded(d, PLANS)
}

fn csf_ids<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    bounded(d, CSF_IDS)
}

fn observed_losses<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f64>, D::Error> {
    bounded(d, OBSERVED_LOSSES)
}

/// `applies_to`: a bounded list; JSON's `null` is an absent key, as for the other optional keys.
fn applies_to<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    optional_ids(d, APPLIES_TO)
}

/// A frailty's `risks`: as `applies_to`.
fn frailty_risks<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    optional_ids(d, FRAILTY_RISKS)
}

fn shocks<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<ShockSpec>, D::Error> {
    bounded(d, SHOCKS)
}

fn frailties<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<FrailtySpec>, D::Error> {
    bounded(d, SHOCKS)
}

fn hits<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<HitSpec>, D::Error> {
    bounded(d, HITS)
}

/// An optional bounded list of ids; JSON's `null` is an absent key.
fn optional_ids<'de, D: Deserializer<'de>>(
    d: D,
    list: List,
) -> Result<Option<Vec<String>>, D::Error> {
    struct Ids(List);

    impl<'de> Visitor<'de> for Ids {
        type Value = Option<Vec<String>>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "a list of at most {} {}", self.0.max, self.0.noun)
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            bounded(d, self.0).map(Some)
        }
    }

    d.deserialize_option(Ids(list))
}

keyed! {
    /// A whole scenario file.
    #[derive(Clone, Debug, PartialEq, Serialize)]
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
        /// Losses at which the report gives `P(annual loss > x)` (at most
        /// [`Scenario::MAX_THRESHOLDS`](crate::Scenario::MAX_THRESHOLDS)).
        #[serde(
            default,
            skip_serializing_if = "Vec::is_empty",
            deserialize_with = "thresholds"
        )]
        pub thresholds: Vec<f64>,
        /// The risk tolerance curve (at most
        /// [`ToleranceCurve::MAX_POINTS`](crate::ToleranceCurve::MAX_POINTS) points).
        #[serde(
            default,
            skip_serializing_if = "Vec::is_empty",
            deserialize_with = "tolerance"
        )]
        pub tolerance: Vec<TolerancePointSpec>,
        /// The risks (at least one, at most [`Scenario::MAX_RISKS`](crate::Scenario::MAX_RISKS)).
        #[serde(deserialize_with = "risks")]
        pub risks: Vec<RiskSpec>,
        /// The controls (none when absent, at most
        /// [`Model::MAX_CONTROLS`](crate::Model::MAX_CONTROLS)).
        #[serde(
            default,
            skip_serializing_if = "Vec::is_empty",
            deserialize_with = "controls"
        )]
        pub controls: Vec<ControlSpec>,
        /// Choosing among the candidate controls.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub budget: Option<BudgetSpec>,
        /// Systemic shocks (none when absent): events that strike several risks at once.
        #[serde(
            default,
            skip_serializing_if = "Vec::is_empty",
            deserialize_with = "shocks"
        )]
        pub shocks: Vec<ShockSpec>,
        /// "Bad year" factors on the risks' rates (none when absent).
        #[serde(
            default,
            skip_serializing_if = "Vec::is_empty",
            deserialize_with = "frailties"
        )]
        pub frailty: Vec<FrailtySpec>,
    }
}

keyed! {
    /// A systemic shock: its own frequency, and per risk it hits the probability that one
    /// occurrence causes one event of that risk.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct ShockSpec {
        /// Unique among shocks.
        pub id: String,
        /// A readable name.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub name: Option<String>,
        /// Occurrences per year.
        pub frequency: FrequencySpec,
        /// The risks it hits (at most [`Shock::MAX_HITS`](crate::Shock::MAX_HITS)).
        #[serde(deserialize_with = "hits")]
        pub hits: Vec<HitSpec>,
    }
}

keyed! {
    /// One risk a shock hits.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct HitSpec {
        /// The risk's id.
        pub risk: String,
        /// The probability, in [0, 1], that an occurrence causes an event of the risk.
        pub probability: f64,
    }
}

keyed! {
    /// A frailty: a yearly gamma factor of mean 1 and this variance on the listed risks' rates.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct FrailtySpec {
        /// Unique among frailties.
        pub id: String,
        /// The risks it scales (all risks when absent).
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "frailty_risks"
        )]
        pub risks: Option<Vec<String>>,
        /// The variance of the factor, 0, or in [1e-12, 100].
        pub variance: f64,
    }
}

keyed! {
    /// `budget`: choosing among the candidate controls.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct BudgetSpec {
        /// `eal` (default), `net_benefit`, `var99` or `tvar99`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub objective: Option<String>,
        /// Budgets (annualised cost) at which to report the best set.
        #[serde(
            default,
            skip_serializing_if = "Vec::is_empty",
            deserialize_with = "budgets"
        )]
        pub annual: Vec<f64>,
        /// A cap on the chosen candidates' total upfront cost.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub upfront: Option<f64>,
        /// Named sets of candidates to compare.
        #[serde(default, skip_serializing_if = "Vec::is_empty", deserialize_with = "plans")]
        pub plans: Vec<PlanSpec>,
        /// A cash budget per year of the horizon.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub phased: Option<PhasedSpec>,
    }
}

keyed! {
    /// A plan of `budget.plans`.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct PlanSpec {
        /// The plan's name.
        pub name: String,
        /// Candidate ids.
        #[serde(deserialize_with = "plan_controls")]
        pub controls: Vec<String>,
    }
}

keyed! {
    /// `budget.phased`.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct PhasedSpec {
        /// One cash budget per year of the horizon.
        #[serde(deserialize_with = "budgets")]
        pub budgets: Vec<f64>,
    }
}

keyed! {
    /// `simulation`: how many years to simulate and the seed.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct SimulationSpec {
        /// Simulated years; 100,000 when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub trials: Option<u64>,
        /// The seed; 0 when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub seed: Option<u64>,
    }
}

keyed! {
    /// `finance`: the horizon and discount rate of NPV and annualised costs.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct FinanceSpec {
        /// Years; 1 when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub horizon_years: Option<u32>,
        /// Yearly rate; 0 when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub discount_rate: Option<f64>,
    }
}

keyed! {
    /// One point of the tolerance curve: the largest acceptable `P(annual loss > loss)`.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct TolerancePointSpec {
        /// The annual loss.
        pub loss: f64,
        /// The largest acceptable probability of exceeding it.
        pub probability: f64,
    }
}

keyed! {
    /// A risk: either `frequency` and `magnitude`, or the Open FAIR factors `fair`.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct RiskSpec {
        /// Unique among risks.
        pub id: String,
        /// A readable name.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub name: Option<String>,
        /// CSF 2.0 (or mappable CSF 1.1) category and subcategory ids (at most
        /// [`Scenario::MAX_CSF_IDS`](crate::Scenario::MAX_CSF_IDS)).
        #[serde(
            default,
            skip_serializing_if = "Vec::is_empty",
            deserialize_with = "csf_ids"
        )]
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
}

/// Events per year: exactly one kind.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FrequencySpec {
    /// `poisson`: a fixed `rate`, or a lognormal rate drawn each trial, from `ci90` or from
    /// `mu` and `sigma`.
    Poisson(PoissonSpec),
    /// `bernoulli`: at most one event a year.
    Bernoulli(BernoulliSpec),
    /// `negative_binomial`: overdispersed counts.
    NegativeBinomial(NegativeBinomialSpec),
    /// `fixed` (extension): exactly `count` events every year.
    Fixed(FixedCountSpec),
}

keyed! {
    /// `poisson`: exactly one of `rate`, `ci90` and the pair `mu`, `sigma`.
    #[derive(Clone, Debug, PartialEq, Serialize)]
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
        /// Log-space location μ of an uncertain rate `Λ = e^(μ + σZ)`, with `sigma` (extension:
        /// the form [`Scenario::to_spec`](crate::Scenario::to_spec) writes, since it reads back
        /// exactly).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub mu: Option<f64>,
        /// Log-space scale σ > 0 of an uncertain rate, with `mu` (extension).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub sigma: Option<f64>,
    }
}

keyed! {
    /// `bernoulli`.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct BernoulliSpec {
        /// The probability of the one event in a year.
        pub probability: f64,
    }
}

keyed! {
    /// `negative_binomial`.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct NegativeBinomialSpec {
        /// Mean events per year.
        pub mean: f64,
        /// Variance of the yearly count (above the mean).
        pub variance: f64,
    }
}

keyed! {
    /// `fixed` frequency.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct FixedCountSpec {
        /// Events every year.
        pub count: u32,
    }
}

/// Loss per event: exactly one kind, each with an optional `cap`.
#[derive(Clone, Debug, PartialEq, Serialize)]
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

keyed! {
    /// `lognormal`: exactly one of `ci90` and the pair `mu`, `sigma`.
    #[derive(Clone, Debug, PartialEq, Serialize)]
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
}

keyed! {
    /// `pert`.
    #[derive(Clone, Debug, PartialEq, Serialize)]
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
}

keyed! {
    /// `triangular`.
    #[derive(Clone, Debug, PartialEq, Serialize)]
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
}

keyed! {
    /// `uniform`.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct UniformSpec {
        /// Smallest loss.
        pub min: f64,
        /// Largest loss.
        pub max: f64,
        /// Largest loss of one event.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub cap: Option<f64>,
    }
}

keyed! {
    /// `gamma`.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct GammaSpec {
        /// Shape k.
        pub shape: f64,
        /// Scale θ.
        pub scale: f64,
        /// Largest loss of one event.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub cap: Option<f64>,
    }
}

keyed! {
    /// `pareto`.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct ParetoSpec {
        /// Smallest loss.
        pub scale: f64,
        /// Tail index α.
        pub shape: f64,
        /// Largest loss of one event (required when `shape <= 1`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub cap: Option<f64>,
    }
}

keyed! {
    /// `fixed` loss.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct FixedLossSpec {
        /// The loss of every event.
        pub value: f64,
        /// Largest loss of one event.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub cap: Option<f64>,
    }
}

keyed! {
    /// `empirical` loss.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct EmpiricalSpec {
        /// Observed losses of single events (at most
        /// [`Scenario::MAX_EMPIRICAL_LOSSES`](crate::Scenario::MAX_EMPIRICAL_LOSSES)).
        #[serde(deserialize_with = "observed_losses")]
        pub losses: Vec<f64>,
        /// Largest loss of one event.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub cap: Option<f64>,
    }
}

/// `fair`: the Open FAIR factors of a risk.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "FairFields")]
pub struct FairSpec {
    /// Threat events per year (TEF).
    pub threat_event_frequency: FrequencySpec,
    /// The probability that a threat event becomes a loss event (`susceptibility` is a synonym).
    pub vulnerability: FractionSpec,
    /// The primary loss of each loss event.
    pub primary_loss: MagnitudeSpec,
    /// The secondary loss and the share of loss events that have one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secondary: Option<SecondarySpec>,
}

keyed! {
    /// `fair.secondary`.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct SecondarySpec {
        /// The share of loss events with a secondary loss (SLEF).
        pub probability: f64,
        /// The secondary loss when it occurs (SLM).
        pub loss: MagnitudeSpec,
    }
}

keyed! {
    /// A control.
    #[derive(Clone, Debug, PartialEq, Serialize)]
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
        /// Risk ids; every risk when absent (at most
        /// [`Scenario::MAX_RISKS`](crate::Scenario::MAX_RISKS)).
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "applies_to"
        )]
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
        /// `in_place` (the default) or `candidate`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub status: Option<String>,
        /// The share of a risk's events the control can act on, in [0, 1] (default 1).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub coverage: Option<f64>,
        /// How often the control is out of its intended state.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub reliability: Option<ReliabilitySpec>,
        /// The efficacy during a lapse (default 0).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub variant_efficacy: Option<FractionSpec>,
        /// A variance-management control: what it does to the controls it manages.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub manages: Option<ManagesSpec>,
        /// Who runs the control (default `self`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub operated_by: Option<String>,
        /// A group of the user's own, for Shapley shares by group.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub group: Option<String>,
    }
}

/// `reliability`: a share of the year in [0, 1], or the lapses.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum ReliabilitySpec {
    /// The expected share of the year in the intended state.
    Share(f64),
    /// Lapses a year and their duration.
    Lapses(LapsesSpec),
}

keyed! {
    /// `reliability` as lapses (FAIR-CAM's variance frequency and duration).
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct LapsesSpec {
        /// Lapses a year (Poisson mean), in [0, 365].
        pub variance_frequency: f64,
        /// Days each lapse lasts, in [0, 365].
        pub variance_duration_days: f64,
    }
}

keyed! {
    /// `manages`: a variance-management control's effect on the controls it manages.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct ManagesSpec {
        /// The ids of the managed controls.
        #[serde(deserialize_with = "managed_ids")]
        pub controls: Vec<String>,
        /// Multiplies their lapse frequency, in [0, 1] (default 1).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub variance_frequency_factor: Option<f64>,
        /// Caps their lapse duration, in days.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub variance_duration_days: Option<f64>,
    }
}

/// A control's `manages.controls`.
pub(crate) const MANAGED: List = List {
    noun: "managed control ids",
    max: Model::MAX_CONTROLS,
};

fn managed_ids<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    bounded(d, MANAGED)
}

impl<'de> Deserialize<'de> for ReliabilitySpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ReliabilityVisitor;

        impl<'de> Visitor<'de> for ReliabilityVisitor {
            type Value = ReliabilitySpec;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a share of the year in [0, 1], or a table (object) with `variance_frequency` and `variance_duration_days`",
                )
            }

            fn visit_f64<E: de::Error>(self, v: f64) -> Result<ReliabilitySpec, E> {
                Ok(ReliabilitySpec::Share(v))
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<ReliabilitySpec, E> {
                Ok(ReliabilitySpec::Share(v as f64))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<ReliabilitySpec, E> {
                Ok(ReliabilitySpec::Share(v as f64))
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<ReliabilitySpec, A::Error> {
                LapsesSpec::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(ReliabilitySpec::Lapses)
            }
        }

        deserializer.deserialize_any(ReliabilityVisitor)
    }
}

keyed! {
    /// `cost`.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct CostSpec {
        /// Paid once, in year 0.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub upfront: Option<f64>,
        /// Paid every year.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub annual: Option<f64>,
    }
}

keyed! {
    /// `transfer`: an insurance policy.
    #[derive(Clone, Debug, PartialEq, Serialize)]
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
        /// The ground-up loss per event at which an excess layer starts to pay.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub attachment: Option<f64>,
    }
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
#[derive(Clone, Debug, PartialEq, Serialize)]
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

keyed! {
    /// `min`, `mode`, `max` of an uncertain fraction.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct RangeWithModeSpec {
        /// Smallest value.
        pub min: f64,
        /// Most likely value.
        pub mode: f64,
        /// Largest value.
        pub max: f64,
    }
}

keyed! {
    /// `min`, `max` of an uncertain fraction.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    pub struct RangeSpec {
        /// Smallest value.
        pub min: f64,
        /// Largest value.
        pub max: f64,
    }
}

keyed! {
@read_only
/// `fair` as written: the vulnerability under either of its names.
struct FairFields {
    threat_event_frequency: FrequencySpec,
    #[serde(default)]
    vulnerability: Option<FractionSpec>,
    #[serde(default)]
    susceptibility: Option<FractionSpec>,
    primary_loss: MagnitudeSpec,
    #[serde(default)]
    secondary: Option<SecondarySpec>,
}
}

impl TryFrom<FairFields> for FairSpec {
    type Error = &'static str;

    fn try_from(fields: FairFields) -> Result<FairSpec, &'static str> {
        let vulnerability = match (fields.vulnerability, fields.susceptibility) {
            (Some(v), None) | (None, Some(v)) => v,
            (Some(_), Some(_)) => {
                return Err(
                    "expected exactly one of `vulnerability` and its synonym `susceptibility`, got both",
                );
            }
            (None, None) => {
                return Err("missing field `vulnerability` (or its synonym `susceptibility`)");
            }
        };
        Ok(FairSpec {
            threat_event_frequency: fields.threat_event_frequency,
            vulnerability,
            primary_loss: fields.primary_loss,
            secondary: fields.secondary,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Exactly one of several kinds.
//
// The kinds are read by hand, not derived: for a derived enum the format writes the message
// ("wanted exactly 1 element, more than 1 element" from toml, "expected value" from serde_json,
// and, for an efficacy's table, toml silently took the first of two kinds), which names neither
// the kinds there are nor the ones given.

/// The kinds of a value that is exactly one of several, each a key holding its parameters.
struct Kinds {
    /// What one kind is, in messages: `frequency kind`.
    noun: &'static str,
    /// The keys, in the order SCENARIO.md lists them.
    keys: &'static [&'static str],
    /// Whether an unknown kind is reported at its own key (`efficacy.beta`) rather than at the
    /// value that holds it (`frequency`), as format version 1 has always located them.
    unknown_at_key: bool,
}

impl fmt::Display for Kinds {
    /// ``exactly one frequency kind (`poisson`, `bernoulli`, `negative_binomial` or `fixed`)``
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "exactly one {} ({})", self.noun, Listed(self.keys, "or"))
    }
}

/// Keys in backticks, the last two joined by a word: `` `a`, `b` and `c` `` (or by a comma,
/// given `","`), each one [`shorten`]ed: they may come from the input.
struct Listed<'a, S>(&'a [S], &'static str);

impl<S: AsRef<str>> fmt::Display for Listed<'_, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let last = self.0.len().saturating_sub(1);
        for (i, key) in self.0.iter().enumerate() {
            if i > 0 && i == last && self.1 != "," {
                write!(f, " {} ", self.1)?;
            } else if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "`{}`", shorten(key.as_ref()))?;
        }
        Ok(())
    }
}

/// A spec that is exactly one of several kinds, written as a table (object) with one key.
trait OneKind: Sized {
    const KINDS: Kinds;

    /// Reads the parameters of kind `key` as the map's next value.
    fn read<'de, A: MapAccess<'de>>(key: &str, map: &mut A) -> Result<Self, A::Error>;
}

/// Reads a table (object) that must hold exactly one of `T`'s kinds: with none, several, or an
/// unknown one, the error names the kinds there are and the keys given.
fn one_kind<'de, T: OneKind, A: MapAccess<'de>>(mut map: A) -> Result<T, A::Error> {
    let kinds = &T::KINDS;
    let first = if kinds.unknown_at_key {
        map.next_key_seed(KindKey(kinds.keys))?
    } else {
        map.next_key::<String>()?
    };
    let Some(first) = first else {
        return Err(de::Error::custom(format_args!(
            "expected {kinds}, got none"
        )));
    };
    let value = T::read(&first, &mut map)?;
    // The keys given, for the message: the first few in sorted order (toml hands the keys over
    // sorted, serde_json as written, so that any other choice would differ between the formats),
    // and how many more there are.
    const NAMED: usize = 8;
    let mut given = vec![shorten(&first).into_owned()];
    let mut count = 1usize;
    while let Some(key) = map.next_key::<String>()? {
        map.next_value::<de::IgnoredAny>()?;
        count += 1;
        let key = shorten(&key).into_owned();
        let at = given.binary_search(&key).unwrap_or_else(|i| i);
        if at < NAMED {
            given.insert(at, key);
            given.truncate(NAMED);
        }
    }
    match count - given.len() {
        _ if count == 1 => Ok(value),
        0 => Err(de::Error::custom(format_args!(
            "expected {kinds}, got {}",
            Listed(&given, "and")
        ))),
        more => Err(de::Error::custom(format_args!(
            "expected {kinds}, got {}, and {more} more",
            Listed(&given, ",")
        ))),
    }
}

/// Reads a kind's key, refusing an unknown one (located at the key).
struct KindKey(&'static [&'static str]);

impl<'de> de::DeserializeSeed<'de> for KindKey {
    type Value = String;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for KindKey {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "one of {}", Listed(self.0, "or"))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        if self.0.contains(&v) {
            Ok(v.to_owned())
        } else {
            Err(E::unknown_variant(&shorten(v), self.0))
        }
    }
}

/// Deserializes a [`OneKind`] from a table (object); any other value is refused with the kinds.
struct KindVisitor<T>(PhantomData<T>);

impl<'de, T: OneKind> Visitor<'de> for KindVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a table (object) with {}", T::KINDS)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        one_kind(map)
    }
}

impl OneKind for FrequencySpec {
    const KINDS: Kinds = Kinds {
        noun: "frequency kind",
        keys: &["poisson", "bernoulli", "negative_binomial", "fixed"],
        unknown_at_key: false,
    };

    fn read<'de, A: MapAccess<'de>>(key: &str, map: &mut A) -> Result<Self, A::Error> {
        match key {
            "poisson" => map.next_value().map(FrequencySpec::Poisson),
            "bernoulli" => map.next_value().map(FrequencySpec::Bernoulli),
            "negative_binomial" => map.next_value().map(FrequencySpec::NegativeBinomial),
            "fixed" => map.next_value().map(FrequencySpec::Fixed),
            other => Err(de::Error::unknown_variant(
                &shorten(other),
                Self::KINDS.keys,
            )),
        }
    }
}

impl<'de> Deserialize<'de> for FrequencySpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(KindVisitor(PhantomData))
    }
}

impl OneKind for MagnitudeSpec {
    const KINDS: Kinds = Kinds {
        noun: "magnitude kind",
        keys: &[
            "lognormal",
            "pert",
            "triangular",
            "uniform",
            "gamma",
            "pareto",
            "fixed",
            "empirical",
        ],
        unknown_at_key: false,
    };

    fn read<'de, A: MapAccess<'de>>(key: &str, map: &mut A) -> Result<Self, A::Error> {
        match key {
            "lognormal" => map.next_value().map(MagnitudeSpec::Lognormal),
            "pert" => map.next_value().map(MagnitudeSpec::Pert),
            "triangular" => map.next_value().map(MagnitudeSpec::Triangular),
            "uniform" => map.next_value().map(MagnitudeSpec::Uniform),
            "gamma" => map.next_value().map(MagnitudeSpec::Gamma),
            "pareto" => map.next_value().map(MagnitudeSpec::Pareto),
            "fixed" => map.next_value().map(MagnitudeSpec::Fixed),
            "empirical" => map.next_value().map(MagnitudeSpec::Empirical),
            other => Err(de::Error::unknown_variant(
                &shorten(other),
                Self::KINDS.keys,
            )),
        }
    }
}

impl<'de> Deserialize<'de> for MagnitudeSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(KindVisitor(PhantomData))
    }
}

impl OneKind for UncertainFractionSpec {
    const KINDS: Kinds = Kinds {
        noun: "kind of uncertain fraction",
        keys: &["pert", "uniform", "triangular"],
        unknown_at_key: true,
    };

    fn read<'de, A: MapAccess<'de>>(key: &str, map: &mut A) -> Result<Self, A::Error> {
        match key {
            "pert" => map.next_value().map(UncertainFractionSpec::Pert),
            "uniform" => map.next_value().map(UncertainFractionSpec::Uniform),
            "triangular" => map.next_value().map(UncertainFractionSpec::Triangular),
            other => Err(de::Error::unknown_variant(
                &shorten(other),
                Self::KINDS.keys,
            )),
        }
    }
}

impl<'de> Deserialize<'de> for UncertainFractionSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(KindVisitor(PhantomData))
    }
}

/// A number, or a table/object naming the kind. Written by hand instead of
/// `#[serde(untagged)]`, whose errors lose the path and say only "did not match any variant".
impl<'de> Deserialize<'de> for FractionSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FractionVisitor;

        impl<'de> Visitor<'de> for FractionVisitor {
            type Value = FractionSpec;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(
                    f,
                    "a number in [0, 1], or a table (object) with {}",
                    UncertainFractionSpec::KINDS
                )
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

            fn visit_str<E: de::Error>(self, v: &str) -> Result<FractionSpec, E> {
                // "50%": say how to write it.
                let percent = v.trim().strip_suffix('%').map(str::trim_end);
                match percent.and_then(|p| p.parse::<f64>().ok().map(|x| (p, x))) {
                    Some((p, x)) if x.is_finite() => Err(E::custom(format_args!(
                        "invalid type: string {}, expected a number in [0, 1] (write {}% as {})",
                        Quoted(v),
                        shorten(p),
                        crate::error::percent_as_fraction(x)
                    ))),
                    _ => Err(E::invalid_type(de::Unexpected::Str(&shorten(v)), &self)),
                }
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<FractionSpec, A::Error> {
                one_kind(map).map(FractionSpec::Uncertain)
            }
        }

        deserializer.deserialize_any(FractionVisitor)
    }
}

/// A `[low, high]` pair: exactly two numbers. (The toml crate would read the first two of a
/// longer array into `[f64; 2]` and drop the rest silently.)
fn interval<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<[f64; 2]>, D::Error> {
    struct IntervalVisitor;

    impl<'de> Visitor<'de> for IntervalVisitor {
        type Value = [f64; 2];

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("two numbers, [low, high]")
        }

        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<[f64; 2], A::Error> {
            // Counts what is beyond the pair without keeping it.
            let mut pair = [0.0; 2];
            let mut count = 0usize;
            while let Some(value) = seq.next_element::<f64>()? {
                if let Some(slot) = pair.get_mut(count) {
                    *slot = value;
                }
                count += 1;
            }
            if count == 2 {
                Ok(pair)
            } else {
                Err(de::Error::invalid_length(count, &self))
            }
        }
    }

    deserializer.deserialize_seq(IntervalVisitor).map(Some)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// The first key of `value` serialized as JSON: the kind it was written as.
    fn kind<T: Serialize>(value: &T) -> String {
        let json = serde_json::to_value(value).unwrap();
        json.as_object().unwrap().keys().next().unwrap().clone()
    }

    #[test]
    fn the_kinds_read_are_the_kinds_written() {
        let range = RangeWithModeSpec {
            min: 0.1,
            mode: 0.2,
            max: 0.3,
        };
        let frequencies = [
            FrequencySpec::Poisson(PoissonSpec {
                rate: Some(1.0),
                ci90: None,
                mu: None,
                sigma: None,
            }),
            FrequencySpec::Bernoulli(BernoulliSpec { probability: 0.1 }),
            FrequencySpec::NegativeBinomial(NegativeBinomialSpec {
                mean: 1.0,
                variance: 2.0,
            }),
            FrequencySpec::Fixed(FixedCountSpec { count: 1 }),
        ];
        let written: Vec<String> = frequencies.iter().map(kind).collect();
        assert_eq!(written, FrequencySpec::KINDS.keys);
        let magnitudes = [
            MagnitudeSpec::Lognormal(LognormalSpec {
                ci90: Some([1.0, 2.0]),
                mu: None,
                sigma: None,
                cap: None,
            }),
            MagnitudeSpec::Pert(PertSpec {
                min: 1.0,
                mode: 2.0,
                max: 3.0,
                lambda: None,
                cap: None,
            }),
            MagnitudeSpec::Triangular(TriangularSpec {
                min: 1.0,
                mode: 2.0,
                max: 3.0,
                cap: None,
            }),
            MagnitudeSpec::Uniform(UniformSpec {
                min: 1.0,
                max: 2.0,
                cap: None,
            }),
            MagnitudeSpec::Gamma(GammaSpec {
                shape: 1.0,
                scale: 1.0,
                cap: None,
            }),
            MagnitudeSpec::Pareto(ParetoSpec {
                scale: 1.0,
                shape: 2.0,
                cap: None,
            }),
            MagnitudeSpec::Fixed(FixedLossSpec {
                value: 1.0,
                cap: None,
            }),
            MagnitudeSpec::Empirical(EmpiricalSpec {
                losses: vec![1.0],
                cap: None,
            }),
        ];
        let written: Vec<String> = magnitudes.iter().map(kind).collect();
        assert_eq!(written, MagnitudeSpec::KINDS.keys);
        let fractions = [
            UncertainFractionSpec::Pert(range.clone()),
            UncertainFractionSpec::Uniform(RangeSpec { min: 0.1, max: 0.3 }),
            UncertainFractionSpec::Triangular(range),
        ];
        let written: Vec<String> = fractions.iter().map(kind).collect();
        assert_eq!(written, UncertainFractionSpec::KINDS.keys);
        // And each reads back as written.
        for f in &frequencies {
            let back: FrequencySpec =
                serde_json::from_value(serde_json::to_value(f).unwrap()).unwrap();
            assert_eq!(&back, f);
        }
        for m in &magnitudes {
            let back: MagnitudeSpec =
                serde_json::from_value(serde_json::to_value(m).unwrap()).unwrap();
            assert_eq!(&back, m);
        }
        for u in &fractions {
            let back: FractionSpec =
                serde_json::from_value(serde_json::to_value(u).unwrap()).unwrap();
            assert_eq!(back, FractionSpec::Uncertain(u.clone()));
        }
    }

    #[test]
    fn lists_join_the_last_two_with_a_word() {
        assert_eq!(Listed(&["a"], "or").to_string(), "`a`");
        assert_eq!(Listed(&["a", "b"], "and").to_string(), "`a` and `b`");
        assert_eq!(
            Listed(&["a", "b", "c"], "or").to_string(),
            "`a`, `b` or `c`"
        );
        assert_eq!(Listed::<&str>(&[], "or").to_string(), "");
    }
}
