//! What comes out: loss distributions and their statistics, the control analysis, the tolerance
//! check and the assess report, as text, JSON, CSV, SVG charts and an HTML page.
//!
//! It imports the engine (to run a model) and the model; never the scenario files.
//!
//! # One convention for the report types
//!
//! - **Records have public fields.** A type that is plain data, serialises as one JSON object
//!   and holds no invariant beyond its values exposes its figures as public fields, named as
//!   their JSON keys: [`LossSummary`], [`Quantile`], [`TailMean`], [`ExceedancePoint`],
//!   [`RiskLoss`], [`RiskEffect`], [`FunctionShare`], [`ControlValue`], [`ToleranceCheck`],
//!   [`TolerancePoint`], [`AssessedTolerance`], [`ToleranceReport`]. They are
//!   `#[non_exhaustive]` (fields may be added), and any methods they have look something up
//!   ([`LossSummary::quantile_at`]) or judge a field ([`ExceedancePoint::is_low_count`]); no
//!   method has a field's name.
//! - **Types that hold the simulated years, or guard an invariant, have methods.**
//!   [`LossDistribution`] (the sorted years: every statistic is computed on request),
//!   [`SimulationReport`], [`ControlAnalysis`] and [`Assessment`] (built only from a
//!   simulation or checked on loading, every figure finite) keep their fields private and
//!   answer through methods. So does [`TextReport`], a builder that displays a report.
//!
//! So `summary.expected_annual_loss` is a stored figure of a record, and
//! `distribution.expected_annual_loss()` computes from the years; the two agree for the same
//! simulation. The records, and [`Assessment`], serialise and deserialise with serde.

pub(crate) mod analysis;
pub(crate) mod assessment;
pub(crate) mod bad_year;
pub(crate) mod budget;
#[cfg(feature = "scenario")]
pub(crate) mod budget_files;
pub(crate) mod budget_html;
pub(crate) mod budget_phased;
pub(crate) mod budget_plans;
pub(crate) mod budget_text;
pub(crate) mod candidates;
pub(crate) mod charts;
pub(crate) mod contributions;
pub(crate) mod contributions_chart;
#[cfg(feature = "scenario")]
pub(crate) mod export;
pub(crate) mod frontier_chart;
pub(crate) mod html;
pub(crate) mod loss;
pub(crate) mod parties;
pub(crate) mod parties_chart;
pub(crate) mod policy;
pub(crate) mod svg;
pub(crate) mod text;
pub(crate) mod tolerance;

pub use analysis::{ControlAnalysis, ControlValue, FunctionShare, RiskEffect, ToleranceReport};
pub use assessment::{
    AssessedTolerance, Assessment, CURVE_POINTS, LEC_GRID_POINTS, LossSummary, QUANTILE_LEVELS,
    TAIL_MEAN_LEVELS, TailMean,
};
pub use candidates::CandidateValue;
pub use contributions::{ShockLoss, TailContribution};
pub use html::HtmlOptions;
pub use loss::{
    ExceedancePoint, LOW_COUNT_YEARS, LossDistribution, Quantile, RiskLoss, SimulationReport,
};
pub use parties::{GroupShare, PartyShare};
pub use policy::PolicyTerms;
pub use text::TextReport;
pub use tolerance::{ToleranceCheck, TolerancePoint, ToleranceVerdict};
