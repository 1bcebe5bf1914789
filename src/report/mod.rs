//! What comes out: loss distributions and their statistics, the control analysis, the tolerance
//! check and the assess report.
//!
//! It imports the engine (to run a model) and the model; never the scenario files.

pub(crate) mod analysis;
pub(crate) mod assessment;
pub(crate) mod loss;
pub(crate) mod tolerance;

pub use analysis::{ControlAnalysis, ControlValue, FunctionShare, RiskEffect, ToleranceReport};
pub use assessment::{
    AssessedTolerance, Assessment, CURVE_POINTS, LossSummary, QUANTILE_LEVELS, TAIL_MEAN_LEVELS,
    TailMean,
};
pub use loss::{ExceedancePoint, LossDistribution, Quantile, RiskLoss, SimulationReport};
pub use tolerance::{ToleranceCheck, TolerancePoint};
