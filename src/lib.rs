//! csfquant puts cyber risk in money.
//!
//! A risk is an annual number of loss events ([`Frequency`]) times the loss of one event
//! ([`Magnitude`]), both uncertain. A [`Model`] of risks is simulated year by year by a
//! deterministic, parallel Monte Carlo engine, and the [`SimulationReport`] gives the expected
//! annual loss (EAL) with its standard error, quantiles (VaR) with distribution-free confidence
//! intervals, tail means (TVaR) and the loss exceedance curve. Risks carry NIST CSF 2.0 tags
//! ([`CsfTag`]).
//!
//! [`Control`]s act through their CSF function: Protect makes events rarer, Detect, Respond and
//! Recover make them cheaper, insurance ([`Transfer`]) moves part of the loss to an insurer.
//! [`Model::analyze`] simulates the losses without and with the controls on the same events and
//! returns a [`ControlAnalysis`]: what each control removes (with its standard error), its ROSI
//! and NPV over a [`Finance`] horizon, its effect on VaR and TVaR, each CSF function's Shapley
//! share of the loss removed, and a check against a board's [`ToleranceCurve`].
//!
//! # The main job: a scenario file in, the report out
//!
//! A security lead writes the risks and controls in a scenario file (JSON or TOML; the format
//! is [`scenario_format`]) and assesses it: the `assess` example does this on the command line
//! (`cargo run --release --example assess -- my-company.toml`), an embedder in three lines:
//!
//! ```
//! # #[cfg(feature = "scenario")] {
//! use csfquant::Scenario;
//!
//! # let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/default.toml");
//! # let small = csfquant::SimulationOptions::new(2027).trials(5_000);
//! let scenario = Scenario::from_path(path)?;
//! # let scenario = scenario.with_options(small);
//! let report = scenario.assess()?;
//! let residual = report.residual();
//! println!("expected annual loss {:.0}, 1 in 100 years {:.0}",
//!          residual.expected_annual_loss, residual.quantiles[3].loss);
//! # assert_eq!(residual.quantiles[3].p, 0.99);
//! # }
//! # Ok::<(), csfquant::Error>(())
//! ```
//!
//! A mistake in the file is an [`Error`] naming the file, the path of the bad value
//! (`risks[2].magnitude.lognormal.ci90`) and the rule it breaks; [`Error::is_input`] tells
//! the caller's mistakes from the machine's failures.
//!
//! # Quick example
//!
//! ```
//! use csfquant::{Frequency, Magnitude, Model, Risk, SimulationOptions};
//!
//! let model = Model::new(vec![
//!     Risk::new("ransomware", Frequency::poisson(0.5)?, Magnitude::lognormal_ci90(1e4, 1e6)?)?
//!         .with_csf(["PR.PS", "DE.CM", "RC.RP"])?,
//!     Risk::new("bec", Frequency::poisson_ci90(1.0, 4.0)?, Magnitude::pert(1e4, 6e4, 9e5)?)?,
//! ])?;
//! let report = model.simulate(SimulationOptions::new(2027).trials(100_000))?;
//! let losses = report.portfolio();
//! let var99 = losses.quantile_with_interval(0.99)?;
//! assert!(var99.ci95[0] <= var99.loss && var99.loss <= var99.ci95[1]);
//! assert!(losses.tail_mean(0.99)? >= var99.loss);
//! # let se = losses.standard_error();
//! # assert!((losses.expected_annual_loss() - model.expected_annual_loss()).abs() < 5.0 * se);
//! Ok::<(), csfquant::Error>(())
//! ```
//!
//! With controls:
//!
//! ```
//! use csfquant::{Control, Cost, Efficacy, Finance, Frequency, Function, Magnitude, Model, Risk,
//!                SimulationOptions, Transfer};
//!
//! let model = Model::new(vec![
//!     Risk::new("ransomware", Frequency::poisson(0.5)?, Magnitude::lognormal_ci90(1e4, 1e6)?)?,
//! ])?
//! .with_controls(vec![
//!     Control::new("mfa", Function::Protect)?
//!         .with_cost(Cost::new(40e3, 30e3)?)
//!         .with_efficacy(Efficacy::pert(0.3, 0.5, 0.7)?)?,
//!     Control::new("edr", Function::Detect)?
//!         .with_category("DE.CM")?
//!         .with_cost(Cost::new(0.0, 20e3)?)
//!         .with_efficacy(Efficacy::fixed(0.3)?)?,
//!     Control::new("insurance", Function::Govern)?
//!         .with_cost(Cost::new(0.0, 5e3)?)
//!         .with_transfer(Transfer::new(100e3, 500e3)?.with_aggregate_limit(750e3)?)?,
//! ])?;
//! let analysis = model.analyze(SimulationOptions::new(2027).trials(100_000), Finance::new(3, 0.08)?)?;
//! let edr = analysis.control("edr").expect("edr is a control");
//! println!("EDR removes {:.0} ± {:.0} a year, ROSI {:?}", edr.eal_reduction, edr.eal_reduction_se, edr.rosi);
//! // The functions' Shapley shares add up to what the controls remove together.
//! let shares: f64 = analysis.functions().iter().map(|f| f.eal_reduction).sum();
//! assert!((shares - analysis.total_reduction()).abs() < 1e-6 * analysis.total_reduction());
//! Ok::<(), csfquant::Error>(())
//! ```
//!
//! # The model
//!
//! One trial is one simulated year. For each risk the engine draws the year's event count N from
//! the frequency and, for each event, a loss X_i from the magnitude (capped per event if the
//! magnitude has a cap). The year's loss is L = Σ X_i over all events of all risks. So
//! `E[L] = Σ E[N] E[X]` and, risks being independent, `Var[L] = Σ (E[N] Var[X] + Var[N] E[X]^2)`;
//! [`Model::expected_annual_loss`] and [`Model::annual_loss_variance`] give these analytically.
//! Risks are independent in distribution by construction. (Risks with a fixed Poisson rate share
//! one Poisson count per year that is split among them at random; by the splitting property of
//! the Poisson process their counts are exactly independent Poisson variables.) All risks draw
//! from one random stream per chunk, though, so changing one risk's parameters changes the draws
//! every later risk sees: two runs of two different models with the same seed are not paired
//! year by year, and a difference in another risk's figures between them is Monte Carlo noise.
//!
//! Controls act per event: a frequency efficacy f blocks each event of the risks the control
//! applies to independently with probability f (thinning); a magnitude efficacy s keeps 1 − s of
//! the event's loss; several controls combine multiplicatively; insurance policies then pay per
//! event, in the order the controls are given, each on what the previous ones left, and each
//! policy's aggregate limit erodes claim by claim over the year (in the order the events are
//! simulated; with one policy the year's total is the same in any order). Uncertain efficacies are drawn once
//! per simulated year. Every variant of a control analysis (inherent, residual, all but one
//! control, only one control, every subset of CSF functions) is evaluated on the same simulated
//! events, so differences between them carry little Monte Carlo error. Each control draws from
//! its own random stream, keyed by its id, and never touches the events' stream: adding,
//! removing or changing a control leaves the inherent losses and every other control's draws
//! exactly as they were, so two analyses of scenarios that differ in their controls *are* paired
//! year by year.
//!
//! Risks can also strike together. A [`Shock`] (a systemic event with its own frequency and
//! stream) causes, at each occurrence, one event of each risk it hits with the hit's
//! probability; the event's loss is drawn from that risk's magnitude, and the risk's controls
//! act on it. A [`Frailty`] multiplies the rates of its risks by one gamma draw a year with
//! mean 1 and variance v, leaving `E[L]` alone and adding `v (Σ E[N_r] E[X_r])²` to `Var[L]`;
//! [`Model::annual_loss_variance`] and [`Model::annual_loss_covariance`] include both. Every
//! run also gives each risk's share of the 1-in-100-year loss (its mean loss in the years at or
//! above VaR 99%, adding up to TVaR 99%) and the sum of the risks' stand-alone VaR 99%
//! ([`SimulationReport::contributions`], [`LossSummary::contributions`]).
//!
//! # Conventions
//!
//! - Amounts are `f64` in one currency; frequencies are events per year; probabilities are per
//!   year. Nothing is rounded inside a simulation.
//! - A lognormal "from a 90% interval" has its 5th and 95th percentiles at the bounds:
//!   mu = (ln low + ln high) / 2, sigma = (ln high - ln low) / (2 Φ⁻¹(0.95)).
//! - Beta-PERT is the canonical form alpha = 1 + λ (mode - min) / (max - min),
//!   beta = 1 + λ (max - mode) / (max - min), λ = 4 by default (as R's mc2d), not the
//!   moment-matched "classic" form.
//! - Quantile (VaR) at p: the smallest simulated loss x with F̂(x) >= p. Exceedance: P̂(L > x),
//!   strictly greater. Tail mean (TVaR) at p: (1 / (1 - p)) ∫_p^1 VaR_u du. See
//!   [`LossDistribution`].
//!
//! # Reproducibility
//!
//! Results depend only on the model, the seed and the trial count. Trials run in chunks of
//! [`CHUNK_TRIALS`]; chunk k uses a Xoshiro256++ generator derived from (seed, k) alone, and
//! chunk results are combined in chunk order. A run is therefore bit-identical on any number of
//! threads and with or without the `parallel` feature, and a longer run extends a shorter one with
//! the same seed. A change that alters results for a given seed is a minor version bump with a
//! CHANGELOG entry. Special functions (`exp`, `ln`) come from the platform's math library, so the
//! last bits can differ between platforms.
//!
//! # Errors and panics
//!
//! Every constructor validates its input and returns [`Result`]; an [`Error`] names the
//! parameter, the value and the rule. Queries outside their domain (a probability outside
//! [0, 1], zero trials) are errors, never NaN and never a silent clamp. Runs with more than
//! [`SimulationOptions::MAX_TRIALS`] trials or more than [`MAX_EXPECTED_DRAWS`] random draws, and
//! annual losses that overflow `f64`, are errors too. No public function panics on user input.
//!
//! # Limits
//!
//! Nothing a user writes makes the library allocate without bound or run for hours: beyond these
//! a request is refused, before any work, with an error naming the limit ([`Error::is_limit`]).
//!
//! | what | limit | constant |
//! |---|---|---|
//! | simulated years per run | 10^9 | [`SimulationOptions::MAX_TRIALS`] |
//! | expected random draws per run (events, counts, control draws, per-risk bookkeeping of each chunk) | 2·10^10, about 17 minutes on one core of a 2-core machine; stop sooner with a [`Monitor`] | [`MAX_EXPECTED_DRAWS`] |
//! | events a year of one risk | 10^6 | [`Frequency::MAX_RATE`] |
//! | controls, of which insurance policies | 256, 16 | [`Model::MAX_CONTROLS`], [`Model::MAX_TRANSFERS`] |
//! | memory of a run's tail contributions (each risk's share of VaR and TVaR 99%, its stand-alone VaR: about 12 bytes per risk per 100 years, and the tail years' per-risk losses); beyond it they are left out and every other figure is reported | 1 GiB, or twice the run's annual losses if more | [`MAX_CONTRIBUTION_BYTES`] |
//! | shocks, frailties; risks a shock hits | 256, 256; 10,000 | [`Model::MAX_SHOCKS`], [`Shock::MAX_HITS`] |
//! | tolerance points | 1,000 | [`ToleranceCurve::MAX_POINTS`] |
//! | points of a loss exceedance curve | 10,000 | [`LossDistribution::MAX_CURVE_POINTS`] |
//! | risks in a model built in Rust | none but the work limit | |
//! | scenario file or text, JSON / TOML | 64 MiB / 8 MiB | `Scenario::MAX_JSON_BYTES`, `Scenario::MAX_TOML_BYTES` |
//! | TOML read as one document (a TOML text longer than this is read a few risks at a time: its risks `[[risks]]` tables in one run or one `risks = [...]` array, the rest and each risk at most this long) | 2 MiB | `Scenario::MAX_TOML_DOCUMENT_BYTES` |
//! | risks, thresholds in a scenario | 500,000, 1,000 | `Scenario::MAX_RISKS`, `Scenario::MAX_THRESHOLDS` |
//! | CSF ids per risk, observed losses per empirical magnitude | 256, 100,000 | `Scenario::MAX_CSF_IDS`, `Scenario::MAX_EMPIRICAL_LOSSES` |
//! | nesting of a scenario file | 32 levels | `Scenario::MAX_DEPTH` |
//! | a cost | 0, or 10^-6 to 10^15 | `Cost::MIN_AMOUNT` |
//!
//! The memory of a run is reserved before it starts: 8 bytes a simulated year for
//! [`Model::simulate`], 16 (32 with [`SimulationOptions::record_trials`]) for
//! [`Model::analyze`], plus about 0.16 bytes a year per control.
//!
//! # Features
//!
//! - `parallel` (default): runs chunks on rayon's thread pool and sorts in parallel. Turning it
//!   off changes speed only, never results.
//! - `scenario` (default): scenario files ([`Scenario`], [`spec`]) in JSON and TOML, and the
//!   JSON and CSV reports. An engine-only embedder turns it off (`default-features = false`)
//!   and compiles none of toml, serde_json, serde_path_to_error and csv; the model, the engine
//!   and the report types (serde `Serialize`) stay.
//!
//! # Architecture
//!
//! The folders of `src/` are the pipeline, and imports point one way, never back up
//! (a test, `tests/layout.rs`, reads every file's `crate::` paths and holds this):
//!
//! ```text
//! scenario/  the file format (spec.rs: serde types), reading it (with the path of every bad
//!            value) into a validated model, writing a model back; Scenario::assess
//!    |
//! report/    what comes out: LossDistribution and its statistics, SimulationReport,
//!    |       ControlAnalysis, the tolerance check, the Assessment (the JSON report)
//!    |
//! engine/    SimulationOptions, seeding, the chunked parallel run, the control arms on common
//!    |       random numbers, Shapley weights, order statistics; returns plain numbers
//!    |
//! model/     Model, Risk, Control, Efficacy, Transfer, Finance, ToleranceCurve, Gordon-Loeb;
//!    |       frequency/ and magnitude/: the distributions. Validated values; no I/O
//!    |
//! csf/       NIST CSF 2.0 functions, categories, subcategories; the CSF 1.1 mapping (data.rs)
//!    |
//! check.rs, error.rs   the validation helpers; the one Error type
//! ```
//!
//! A folder may import itself and the folders below it. `Model::simulate` and
//! `Model::analyze` return report types, so they are implemented in `report/` (the engine
//! returns sorted losses and streamed sums, which the report wraps). lib.rs re-exports every
//! public type flat (`csfquant::Risk`), as the csv crate does.
//!
//! # Limitations
//!
//! The tail objectives' search (`var99`, `tvar99`) is exact up to
//! [`budget::MAX_TAIL_EXACT`] candidates and a local search beyond. Risks are independent
//! unless shocks or frailties say otherwise (a control's lapses also correlate the risks it
//! covers); a copula between magnitudes is not modelled. The tail contributions cannot be
//! turned off: on a portfolio of many risks with few events each they cost about half of a
//! plain run again (README, Performance).
#![deny(missing_docs)]
#![warn(missing_debug_implementations)]
#![forbid(unsafe_code)]
#![deny(rustdoc::broken_intra_doc_links)]
#![cfg_attr(not(test), deny(clippy::unwrap_used))]

mod check;
mod csf;
mod engine;
mod error;
mod model;
mod report;
#[cfg(feature = "scenario")]
mod scenario;

pub use csf::{Category, CsfTag, Function, Subcategory};
pub use engine::{
    CANCEL_CHECK_YEARS, CHUNK_TRIALS, MAX_CONTRIBUTION_BYTES, MAX_EXPECTED_DRAWS, Monitor,
    SimulationOptions,
};
pub use error::{Error, Result};
pub use model::Status;
pub use model::{
    BreachFunction, Control, Cost, Efficacy, Finance, Frequency, GordonLoebOptimum, Magnitude,
    Management, Model, Reliability, Risk, ToleranceCurve, Transfer, gordon_loeb_bound, rosi,
};
pub use model::{Frailty, Shock, ShockHit};
pub use report::CandidateValue;
pub use report::{
    AssessedTolerance, Assessment, CURVE_POINTS, ControlAnalysis, ControlValue, ExceedancePoint,
    FunctionShare, GroupShare, HtmlOptions, LEC_GRID_POINTS, LOW_COUNT_YEARS, LossDistribution,
    LossSummary, PartyShare, PolicyTerms, QUANTILE_LEVELS, Quantile, RiskEffect, RiskLoss,
    SimulationReport, TAIL_MEAN_LEVELS, TailMean, TextReport, ToleranceCheck, TolerancePoint,
    ToleranceReport, ToleranceVerdict,
};
pub use report::{ShockLoss, TailContribution};
#[cfg(feature = "scenario")]
pub use scenario::{Format, Scenario, spec};

/// Choosing candidate controls under a budget: the closed-form residual EAL of any set, the
/// exact frontier, the greedy search beyond it, and the budget report.
pub mod budget {
    pub use crate::engine::budget::{
        Caps, Chosen, ClosedForm, Frontier, FrontierSet, GREEDY_GUARANTEE, MAX_EXACT,
        MAX_PHASED_EXACT, MAX_TAIL_EXACT, Objective, Phased, choose, frontier, phased,
    };
    pub use crate::report::budget::{
        Budget, BudgetReport, Choice, FrontierPoint, GordonLoebRisk, Plan, SetFigures, Var99,
    };
    pub use crate::report::budget_phased::{PhasedPlan, PhasedYear};
    pub use crate::report::budget_plans::{BestSet, Comparison, PlanFigures};
}

/// The scenario file format and the reports: the contract with users (`docs/SCENARIO.md` in the
/// repository, shown here as written). Sections of features not in this release yet
/// (dependence) describe what is
/// coming; a scenario that uses keys not read yet is refused as having unknown keys.
#[cfg(feature = "scenario")]
pub mod scenario_format {
    // Markdown written for people: `E[N_r]` is a formula, not a link.
    #![allow(rustdoc::broken_intra_doc_links)]
    #![doc = include_str!("../docs/SCENARIO.md")]
}

// The README's Rust example is compiled and run as a doctest.
#[cfg(all(doctest, feature = "scenario"))]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
