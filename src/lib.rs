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
//! # Features
//!
//! - `parallel` (default): runs chunks on rayon's thread pool and sorts in parallel. Turning it
//!   off changes speed only, never results.
//!
//! # Limitations
//!
//! Scenario files and budget optimisation are not in this release yet (the Gordon–Loeb optimum,
//! [`BreachFunction`], is). Dependence between risks (common shocks, copulas) is not modelled:
//! risks are independent. Controls act independently of one another (FAIR-CAM's AND logic of
//! detection and its variance-management controls are left to the analyst's efficacy inputs).
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
pub use engine::{CHUNK_TRIALS, MAX_EXPECTED_DRAWS, SimulationOptions};
pub use error::{Error, Result};
pub use model::{
    BreachFunction, Control, Cost, Efficacy, Finance, Frequency, GordonLoebOptimum, Magnitude,
    Model, Risk, ToleranceCurve, Transfer, gordon_loeb_bound, rosi,
};
pub use report::{
    AssessedTolerance, Assessment, CURVE_POINTS, ControlAnalysis, ControlValue, ExceedancePoint,
    FunctionShare, LEC_GRID_POINTS, LOW_COUNT_YEARS, LossDistribution, LossSummary,
    QUANTILE_LEVELS, Quantile, RiskEffect, RiskLoss, SimulationReport, TAIL_MEAN_LEVELS, TailMean,
    TextReport, ToleranceCheck, TolerancePoint, ToleranceReport, ToleranceVerdict,
};
#[cfg(feature = "scenario")]
pub use scenario::{Format, Scenario, spec};

// The README's Rust example is compiled and run as a doctest.
#[cfg(all(doctest, feature = "scenario"))]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
