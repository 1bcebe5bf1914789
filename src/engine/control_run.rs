//! A run with controls: the engine's events, every control arm, folded over all chunks.

use crate::csf::Function;
use crate::engine::arms::{ArmChunk, Arms, ControlPlan};
use crate::engine::contributions::{
    self, Both, Floors, InherentTail, Tail, TailRecorder, TailStore, default_keep_per_chunk,
};
use crate::engine::lapse_arms::{self, LapseArms, LapseChunk, LapsePlan};
use crate::engine::monitor::{Monitor, Unwatched, Watch};
use crate::engine::simulate::{
    self, CHUNK_TRIALS, Plan, RiskEstimate, RiskSums, SimulationOptions, sort_losses,
};
use crate::engine::stats::{self, Largest, Moments};
use crate::error::{Error, Result};
use crate::model::control::Control;
use crate::model::dependence::Dependence;
use crate::model::risk::Risk;

/// The probability level of the tail figures reported per control (VaR and TVaR at 99%).
pub(crate) use crate::engine::simulate::TAIL_P;

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
    /// The risks' (and, inherent, the shocks') shares of the tail.
    pub(crate) inherent_tail: Tail,
    pub(crate) residual_tail: Tail,
    /// Per shock: its annual loss before controls.
    pub(crate) shocks: Vec<RiskEstimate>,
    /// What the reliability features add (lapse_arms.rs); `None` for a plain model, whose
    /// lapse costs are its marginal reductions and whose one party, `self`, holds every control.
    pub(crate) lapses: Option<LapseRun>,
}

/// The figures of lapse_arms.rs, summed over all years.
#[derive(Debug)]
pub(crate) struct LapseRun {
    /// Per control: Σ over years of (residual with it always out − always in); 0 for a
    /// control without a reliability (whose lapse cost is its marginal reduction).
    pub(crate) lapse: Vec<f64>,
    /// Per party (first-appearance order): its name, Shapley share (summed), the moments of
    /// (loss with its controls out − residual) by year, and VaR and TVaR at [`TAIL_P`] of the
    /// loss with its controls out.
    pub(crate) parties: Vec<PartyRun>,
    /// Per group (when a control has one): its name and Shapley share (summed).
    pub(crate) groups: Option<Vec<(String, f64)>>,
}

/// One party's figures.
#[derive(Debug)]
pub(crate) struct PartyRun {
    pub(crate) name: String,
    pub(crate) share: f64,
    pub(crate) out_minus_residual: Moments,
    pub(crate) out_var: f64,
}

/// Simulates `risks` with and without `controls` (validated by the model) on the same events.
pub(crate) fn run(
    risks: &[Risk],
    controls: &[Control],
    dependence: &Dependence,
    options: SimulationOptions,
    monitor: &dyn Monitor,
) -> Result<ControlRun> {
    let trials = options.validate()?;
    let plan = Plan::new(risks, dependence)?;
    let general = lapse_arms::needed(controls);
    let arms_plan = ControlPlan::new(risks, if general { &[] } else { controls });
    let lapse_plan = general.then(|| LapsePlan::new(risks, controls));
    let arms_draws = match &lapse_plan {
        Some(p) => p.expected_draws_per_year(risks),
        None => arms_plan.expected_draws_per_year(risks),
    };
    simulate::check_work(
        plan.expected_draws_per_year + arms_draws,
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
    let mut risk_totals = plan.new_totals();
    let mut residual_by_risk = vec![0.0; n_risks];
    let mut marginal = vec![Moments::default(); n_controls];
    let mut standalone = vec![Moments::default(); n_controls];
    let players: Vec<Function> = if general {
        let mut f: Vec<Function> = controls.iter().map(Control::function).collect();
        f.sort();
        f.dedup();
        f
    } else {
        arms_plan.players().to_vec()
    };
    let mut shapley = vec![0.0; players.len()];
    let n_parties = lapse_plan.as_ref().map_or(0, LapsePlan::parties);
    let mut lapse_sums = vec![0.0; n_controls];
    let mut partition_sums: Vec<Vec<f64>> = lapse_plan
        .as_ref()
        .map(|p| {
            p.partitions
                .iter()
                .map(|q| vec![0.0; q.names.len()])
                .collect()
        })
        .unwrap_or_default();
    let mut party_moments = vec![Moments::default(); n_parties];
    // The tail of the arm without c needs the largest n - k + 1 of its annual losses.
    let keep = trials - stats::quantile_rank(trials, TAIL_P) + 1;
    let mut tails = Vec::with_capacity(n_controls);
    for _ in 0..n_controls + n_parties {
        tails.push(Largest::try_new(keep).ok_or(Error::OutOfMemory {
            trials: options.trial_count(),
            bytes: ((n_controls + n_parties) * Largest::capacity_needed(keep) * 8) as u64,
        })?);
    }

    let keep = default_keep_per_chunk(TAIL_P);
    let (columns, _) = plan.tail_columns();
    // Both arms' contributions, or neither.
    let on = contributions::fits(trials, columns, n_risks, plan.expected_draws_per_year, 2.0);
    let (mut inherent_store, mut residual_store) = if on {
        (
            TailStore::new(trials, TAIL_P, columns, n_risks),
            TailStore::new(trials, TAIL_P, n_risks, n_risks),
        )
    } else {
        (
            TailStore::off(trials, TAIL_P),
            TailStore::off(trials, TAIL_P),
        )
    };
    let bytes_per_chunk = risk_totals.len() * std::mem::size_of::<RiskSums>()
        + n_risks * 8
        + (n_controls + n_parties) * CHUNK_TRIALS * 16
        + if on {
            2 * TailStore::bytes_per_chunk(columns, n_risks, keep)
        } else {
            0
        };
    let seed = options.seed();
    // The bounds the stores have reached, for the chunks still to start (contributions.rs).
    let (inherent_floors, residual_floors) = (Floors::new(n_risks), Floors::new(n_risks));
    let run_one = |chunk: u64,
                   inherent: &mut [f64],
                   residual: &mut [f64],
                   watch: &Watch<'_>,
                   keep: usize,
                   floors: bool| {
        let stream = |stream| simulate::stream_rng(seed, chunk, stream);
        let (mut recorder, mut inherent_recorder) = if on {
            (
                TailRecorder::new(n_risks, n_risks, keep),
                TailRecorder::new(columns, n_risks, keep),
            )
        } else {
            (TailRecorder::off(), TailRecorder::off())
        };
        if on && floors {
            recorder = recorder.with_floors(&residual_floors);
            inherent_recorder = inherent_recorder.with_floors(&inherent_floors);
        }
        let mut inherent_tail = InherentTail::new(inherent_recorder);
        let (base, mut arms, extra) = if let Some(lapse_plan) = &lapse_plan {
            let mut arms = LapseArms::new(lapse_plan, stream, residual).with_tail(recorder);
            let base = plan.run_chunk(
                seed,
                chunk,
                inherent,
                &mut Both(&mut arms, &mut inherent_tail),
                watch,
            );
            let (arms, extra) = arms.finish();
            (base, arms, Some(extra))
        } else {
            let mut arms = Arms::new(&arms_plan, stream, residual).with_tail(recorder);
            let base = plan.run_chunk(
                seed,
                chunk,
                inherent,
                &mut Both(&mut arms, &mut inherent_tail),
                watch,
            );
            (base, arms.finish(), None)
        };
        let inherent_kept = inherent_tail.recorder.finish(chunk, inherent);
        let residual_kept = arms.residual_tail.take().map(|t| t.finish(chunk, residual));
        (base, arms, extra, inherent_kept, residual_kept)
    };
    simulate::run_batches(
        &mut inherent,
        &mut residual,
        options.is_parallel(),
        bytes_per_chunk,
        monitor,
        |chunk, inherent, residual, watch| run_one(chunk, inherent, residual, watch, keep, true),
        |chunk,
         (base, arms, extra, inherent_kept, residual_kept): (
            _,
            ArmChunk,
            Option<LapseChunk>,
            _,
            _,
        ),
         _,
         residual| {
            plan.fold(&mut risk_totals, &base)?;
            inherent_store.fold(inherent_kept);
            if let Some(kept) = residual_kept {
                residual_store.fold(kept);
            }
            // Once a batch's worth of chunks is folded, the next batch starts from these bounds.
            if chunk % simulate::MIN_BATCH_CHUNKS == simulate::MIN_BATCH_CHUNKS - 1 {
                inherent_store.publish(&inherent_floors);
                residual_store.publish(&residual_floors);
            }
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
            if let Some(extra) = extra {
                for (total, l) in lapse_sums.iter_mut().zip(&extra.lapse) {
                    *total += l;
                }
                for (totals, shares) in partition_sums.iter_mut().zip(&extra.shares) {
                    for (total, s) in totals.iter_mut().zip(shares) {
                        *total += s;
                    }
                }
                let by_party = extra.party_by_year.chunks(years);
                for ((tail, moments), added) in tails[n_controls..]
                    .iter_mut()
                    .zip(&mut party_moments)
                    .zip(by_party)
                {
                    moments.merge(&Moments::of(added));
                    for (r, d) in residual.iter().zip(added) {
                        tail.push(r + d);
                    }
                }
            }
            Ok(())
        },
    )?;

    let mut tail_without: Vec<(f64, f64)> = tails
        .into_iter()
        .map(|t| {
            let top = t.into_sorted();
            (top[0], stats::tail_mean_of_top(&top, trials, TAIL_P))
        })
        .collect();
    let party_tails = tail_without.split_off(n_controls);
    let lapses = lapse_plan.as_ref().map(|lp| {
        let parties = lp.partitions[1]
            .names
            .iter()
            .zip(&partition_sums[1])
            .zip(party_moments.iter().zip(&party_tails))
            .map(|((name, &share), (moments, &(var, _)))| PartyRun {
                name: name.clone(),
                share,
                out_minus_residual: *moments,
                out_var: var,
            })
            .collect();
        LapseRun {
            lapse: lapse_sums,
            parties,
            groups: lp.partitions.get(2).map(|g| {
                g.names
                    .iter()
                    .cloned()
                    .zip(partition_sums[2].iter().copied())
                    .collect()
            }),
        }
    });
    if lapses.is_some() {
        shapley = partition_sums[0].clone();
    }
    if let Some((inherent_copy, residual_copy)) = &mut trial_losses {
        inherent_copy.copy_from_slice(&inherent);
        residual_copy.copy_from_slice(&residual);
    }
    sort_losses(&mut inherent);
    sort_losses(&mut residual);
    // A chunk that kept too few of its tail years is simulated again, whole (contributions.rs).
    let rerun = |chunk: u64| {
        let start = chunk as usize * CHUNK_TRIALS;
        let len = (trials - start).min(CHUNK_TRIALS);
        let (mut i, mut r) = (vec![0.0; len], vec![0.0; len]);
        let watch = Watch::new(&Unwatched, len as u64);
        let (_, _, _, inherent_kept, residual_kept) =
            run_one(chunk, &mut i, &mut r, &watch, len, false);
        (inherent_kept, residual_kept)
    };
    let inherent_tail = inherent_store.finish(&inherent, |chunk| rerun(chunk).0);
    let residual_tail = residual_store.finish(&residual, |chunk| {
        rerun(chunk)
            .1
            .unwrap_or_else(|| TailRecorder::new(n_risks, n_risks, 1).finish(chunk, &[]))
    });
    Ok(ControlRun {
        inherent_tail,
        residual_tail,
        shocks: plan.shock_estimates(&risk_totals, trials),
        inherent,
        residual,
        risks: simulate::risk_estimates(&plan, &risk_totals, trials),
        residual_by_risk,
        controlled: match &lapse_plan {
            Some(p) => p.controlled(),
            None => arms_plan.controlled(),
        },
        marginal,
        standalone,
        tail_without,
        players,
        shapley,
        trial_losses,
        lapses,
    })
}
