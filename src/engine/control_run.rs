//! A run with controls: the engine's events, every control arm, folded over all chunks.

use crate::csf::Function;
use crate::engine::arms::{ArmChunk, Arms, ControlPlan};
use crate::engine::monitor::Monitor;
use crate::engine::simulate::{
    self, CHUNK_TRIALS, Plan, RiskEstimate, RiskSums, SimulationOptions, sort_losses,
};
use crate::engine::stats::{self, Largest, Moments};
use crate::error::{Error, Result};
use crate::model::control::Control;
use crate::model::risk::Risk;

/// The probability level of the tail figures reported per control (VaR and TVaR at 99%).
pub(crate) const TAIL_P: f64 = 0.99;

/// Everything a control analysis needs from the simulation, before finance.
#[derive(Debug)]
pub(crate) struct ControlRun {
    /// The inherent and residual annual losses, each in increasing order.
    pub(crate) inherent: Vec<f64>,
    pub(crate) residual: Vec<f64>,
    pub(crate) risks: Vec<RiskEstimate>,
    /// Per risk: residual annual loss summed over all years.
    pub(crate) residual_by_risk: Vec<f64>,
    /// Per risk: whether any control applies to it.
    pub(crate) controlled: Vec<bool>,
    pub(crate) marginal: Vec<Moments>,
    pub(crate) standalone: Vec<Moments>,
    /// Per control: VaR and TVaR at [`TAIL_P`] of the annual loss with every control but it.
    pub(crate) tail_without: Vec<(f64, f64)>,
    /// The Shapley players and their shares of the loss removed, summed over all years.
    pub(crate) players: Vec<Function>,
    pub(crate) shapley: Vec<f64>,
    /// The inherent and residual annual losses in trial order, if the options asked for them.
    pub(crate) trial_losses: Option<(Vec<f64>, Vec<f64>)>,
}

/// Simulates `risks` with and without `controls` (validated by the model) on the same events.
pub(crate) fn run(
    risks: &[Risk],
    controls: &[Control],
    options: SimulationOptions,
    monitor: &dyn Monitor,
) -> Result<ControlRun> {
    let trials = options.validate()?;
    let plan = Plan::new(risks)?;
    let arms_plan = ControlPlan::new(risks, controls);
    simulate::check_work(
        plan.expected_draws_per_year + arms_plan.expected_draws_per_year(risks),
        trials,
        2 * risks.len() + controls.len(),
    )?;
    // Two loss vectors, and two more for the copies in trial order if they are recorded: all
    // reserved before the run, so that running out of memory costs no simulation time.
    let vectors = if options.is_recording_trials() { 4 } else { 2 };
    let mut inherent = simulate::allocate_losses(trials, options, vectors)?;
    let mut residual = simulate::allocate_losses(trials, options, vectors)?;
    let mut trial_losses = if options.is_recording_trials() {
        Some((
            simulate::allocate_losses(trials, options, vectors)?,
            simulate::allocate_losses(trials, options, vectors)?,
        ))
    } else {
        None
    };

    let n_risks = risks.len();
    let n_controls = controls.len();
    let mut risk_totals = vec![RiskSums::default(); n_risks];
    let mut residual_by_risk = vec![0.0; n_risks];
    let mut marginal = vec![Moments::default(); n_controls];
    let mut standalone = vec![Moments::default(); n_controls];
    let mut shapley = vec![0.0; arms_plan.players().len()];
    // The tail of the arm without c needs the largest n - k + 1 of its annual losses.
    let keep = trials - stats::quantile_rank(trials, TAIL_P) + 1;
    let mut tails = Vec::with_capacity(n_controls);
    for _ in 0..n_controls {
        tails.push(Largest::try_new(keep).ok_or(Error::OutOfMemory {
            trials: options.trial_count(),
            bytes: (n_controls * Largest::capacity_needed(keep) * 8) as u64,
        })?);
    }

    let bytes_per_chunk =
        n_risks * (std::mem::size_of::<RiskSums>() + 8) + n_controls * CHUNK_TRIALS * 16;
    let seed = options.seed();
    simulate::run_batches(
        &mut inherent,
        &mut residual,
        options.is_parallel(),
        bytes_per_chunk,
        monitor,
        |chunk, inherent, residual, watch| {
            let mut arms = Arms::new(
                &arms_plan,
                |stream| simulate::stream_rng(seed, chunk, stream),
                residual,
            );
            let base = plan.run_chunk(simulate::chunk_rng(seed, chunk), inherent, &mut arms, watch);
            (base, arms.finish())
        },
        |_, (base, arms): (_, ArmChunk), _, residual| {
            plan.fold(&mut risk_totals, &base)?;
            for (total, r) in residual_by_risk.iter_mut().zip(&arms.residual_by_risk) {
                *total += r;
            }
            for (total, m) in marginal.iter_mut().zip(&arms.marginal) {
                total.merge(m);
            }
            for (total, m) in standalone.iter_mut().zip(&arms.standalone) {
                total.merge(m);
            }
            for (total, s) in shapley.iter_mut().zip(&arms.shapley) {
                *total += s;
            }
            let years = residual.len();
            for (tail, removed) in tails.iter_mut().zip(arms.marginal_by_year.chunks(years)) {
                for (r, d) in residual.iter().zip(removed) {
                    tail.push(r + d);
                }
            }
            Ok(())
        },
    )?;

    let tail_without = tails
        .into_iter()
        .map(|t| {
            let top = t.into_sorted();
            (top[0], stats::tail_mean_of_top(&top, trials, TAIL_P))
        })
        .collect();
    if let Some((inherent_copy, residual_copy)) = &mut trial_losses {
        inherent_copy.copy_from_slice(&inherent);
        residual_copy.copy_from_slice(&residual);
    }
    sort_losses(&mut inherent);
    sort_losses(&mut residual);
    Ok(ControlRun {
        inherent,
        residual,
        risks: simulate::risk_estimates(&plan, &risk_totals, trials),
        residual_by_risk,
        controlled: arms_plan.controlled(),
        marginal,
        standalone,
        tail_without,
        players: arms_plan.players().to_vec(),
        shapley,
        trial_losses,
    })
}
