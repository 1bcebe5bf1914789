//! The engine: simulates a model. Options and seeding, the chunked parallel run, the control
//! arms on common random numbers, Shapley shares, and the order statistics the reports use.
//!
//! It imports the model only; the report types are built from what it returns.

pub(crate) mod arms;
pub mod budget;
pub(crate) mod contributions;
pub(crate) mod control_draws;
pub(crate) mod control_run;
pub(crate) mod control_variates;
pub(crate) mod dependence;
pub(crate) mod lapse_arms;
pub(crate) mod monitor;
pub(crate) mod paired;
pub(crate) mod retention;
pub(crate) mod set_run;
pub(crate) mod shapley;
pub(crate) mod simulate;
pub(crate) mod stats;

pub use contributions::MAX_CONTRIBUTION_BYTES;
pub use monitor::{CANCEL_CHECK_YEARS, Monitor};
pub use simulate::{CHUNK_TRIALS, MAX_EXPECTED_DRAWS, SimulationOptions};
