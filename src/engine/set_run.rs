//! The annual losses of several sets of controls on the same simulated years, in one pass:
//! what valuing candidate controls and comparing budget sets need, without one full control
//! analysis per set.
//!
//! Every control that is in some set is laid out once (lapse_arms.rs's plan: coverage, lapses,
//! managers, insurance). Each event draws the factors of the controls that apply to it once,
//! from each control's own streams and in the order lapse_arms.rs draws them, so a control's
//! draws do not depend on which sets are asked for, and a set holding exactly a model's
//! controls has that model's residual years bit for bit (the arms of arms.rs draw the same
//! numbers in the same order for controls without reliability features). Each set then keeps
//! the product of its members' factors, with each managed member in the state its managers in
//! that set give it, and its own policies pay, against their own aggregate limits. Per event
//! the work is O(sets × members); the control analysis's marginal, Shapley and lapse arms are
//! not computed.

use rand::rngs::Xoshiro256PlusPlus;

use crate::engine::control_draws::ControlDraws;
use crate::engine::lapse_arms::{LapsePlan, NO_PROFILE};
use crate::engine::monitor::Monitor;
use crate::engine::simulate::{self, CHUNK_TRIALS, Plan, SimulationOptions, YearSink};
use crate::engine::stats::{Largest, Moments};
use crate::error::{Error, Result};
use crate::model::Model;
use crate::model::control::Control;
use crate::model::dependence::Dependence;
use crate::model::risk::Risk;

/// What one set's simulated years give.
#[derive(Debug)]
pub(crate) struct SetFigures {
    /// The moments of its annual loss.
    pub(crate) loss: Moments,
    /// Its largest annual losses, ascending (as many as the run was asked to keep).
    pub(crate) top: Vec<f64>,
    /// Per risk: its annual loss summed over all years.
    pub(crate) by_risk: Vec<f64>,
}

/// Two sets compared on the same years.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct PairFigures {
    /// The moments of (annual loss of set a − annual loss of set b), by year.
    pub(crate) difference: Moments,
    /// The number of years in which set a's loss is strictly lower than set b's.
    pub(crate) a_lower: u64,
}

/// The figures of every set and every pair asked for, in the order given.
#[derive(Debug)]
pub(crate) struct SetRun {
    pub(crate) sets: Vec<SetFigures>,
    pub(crate) pairs: Vec<PairFigures>,
}

/// A model's risks with its shocks and frailties (resolved against them), as set_run.rs
/// simulates them: the shocks' events meet each set's controls as any event of the risk they
/// hit. A plain slice of risks is independent.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Portfolio<'a> {
    pub(crate) risks: &'a [Risk],
    pub(crate) dependence: &'a Dependence,
}

/// No shock and no frailty.
static INDEPENDENT: Dependence = Dependence {
    shocks: Vec::new(),
    shock_hits: Vec::new(),
    frailties: Vec::new(),
    frailty_risks: Vec::new(),
};

impl<'a> From<&'a [Risk]> for Portfolio<'a> {
    fn from(risks: &'a [Risk]) -> Portfolio<'a> {
        Portfolio {
            risks,
            dependence: &INDEPENDENT,
        }
    }
}

/// A model's risks with its shocks and frailties.
impl<'a> From<&'a Model> for Portfolio<'a> {
    fn from(model: &'a Model) -> Portfolio<'a> {
        Portfolio {
            risks: model.risks(),
            dependence: model.dependence(),
        }
    }
}

/// Simulates a portfolio (`risks`, with its shocks and frailties) with each set of `controls` (`sets[s][c]`: whether control c is in set
/// s; the controls are validated together, as one model's) on the same years, keeping each
/// set's `tail_keep` largest annual losses and comparing the sets of each pair (a, b) in
/// `pairs` year by year.
///
/// # Errors
/// As the control analysis: [`Error::TooMuchWork`] and the trial-count errors up front,
/// [`Error::OutOfMemory`] if the tail buffers cannot be reserved, [`Error::Cancelled`].
pub(crate) fn run<'a>(
    portfolio: impl Into<Portfolio<'a>>,
    controls: &[Control],
    sets: &[Vec<bool>],
    pairs: &[(usize, usize)],
    tail_keep: usize,
    options: SimulationOptions,
    monitor: &dyn Monitor,
) -> Result<SetRun> {
    let Portfolio { risks, dependence } = portfolio.into();
    let trials = options.validate()?;
    let plan = Plan::new(risks, dependence)?;
    let lapse_plan = LapsePlan::new(risks, controls);
    let n_sets = sets.len();
    let layout = SetLayout::new(&lapse_plan, sets);
    simulate::check_work(
        plan.expected_draws_per_year + expected_draws_per_year(&lapse_plan, risks, n_sets),
        trials,
        2 * risks.len() + controls.len() + n_sets * risks.len(),
    )?;
    let mut inherent = simulate::allocate_losses(trials, options, 1)?;
    let keep = tail_keep.min(trials);
    let mut tops = Vec::with_capacity(n_sets);
    for _ in 0..n_sets {
        tops.push(Largest::try_new(keep).ok_or(Error::OutOfMemory {
            trials: options.trial_count(),
            bytes: (n_sets * Largest::capacity_needed(keep) * 8) as u64,
        })?);
    }
    let mut loss = vec![Moments::default(); n_sets];
    let mut compared = vec![PairFigures::default(); pairs.len()];
    let mut by_risk = vec![vec![0.0; risks.len()]; n_sets];
    let bytes_per_chunk = n_sets * (CHUNK_TRIALS + risks.len()) * 8;
    let seed = options.seed();
    simulate::run_batches(
        &mut inherent,
        &mut [],
        options.is_parallel(),
        bytes_per_chunk,
        monitor,
        |chunk, inherent, _, watch| {
            let stream = |stream| simulate::stream_rng(seed, chunk, stream);
            let mut arms = SetArms::new(&lapse_plan, &layout, n_sets, stream, inherent.len());
            let _ = plan.run_chunk(seed, chunk, inherent, &mut arms, watch);
            (arms.years, arms.by_risk)
        },
        |_, (years, risk_sums): (Vec<f64>, Vec<f64>), inherent, _| {
            let n = inherent.len();
            let of = |s: usize| &years[s * n..(s + 1) * n];
            for (pair, &(a, b)) in compared.iter_mut().zip(pairs) {
                let difference: Vec<f64> = of(a).iter().zip(of(b)).map(|(x, y)| x - y).collect();
                pair.difference.merge(&Moments::of(&difference));
                pair.a_lower += difference.iter().filter(|&&d| d < 0.0).count() as u64;
            }
            for s in 0..n_sets {
                let own = of(s);
                loss[s].merge(&Moments::of(own));
                for &y in own {
                    tops[s].push(y);
                }
                let sums = &risk_sums[s * risks.len()..(s + 1) * risks.len()];
                for (total, r) in by_risk[s].iter_mut().zip(sums) {
                    *total += r;
                }
            }
            Ok(())
        },
    )?;
    let sets = tops
        .into_iter()
        .zip(loss)
        .zip(by_risk)
        .map(|((top, loss), by_risk)| SetFigures {
            loss,
            top: top.into_sorted(),
            by_risk,
        })
        .collect();
    Ok(SetRun {
        sets,
        pairs: compared,
    })
}

/// Expected work per year in random draws, generously: per event, one per member for its
/// factors and, per set, one per member for the product and one per policy.
fn expected_draws_per_year(plan: &LapsePlan, risks: &[Risk], sets: usize) -> f64 {
    let mut work = 0.0;
    for (risk, &p) in risks.iter().zip(&plan.profile_of_risk) {
        if p == NO_PROFILE {
            continue;
        }
        let profile = &plan.profiles[p as usize];
        let members = profile.members.len() as f64;
        let per_event = members + sets as f64 * (members + profile.transfers.len() as f64);
        work += risk.frequency().mean() * per_event;
    }
    work + 2.0 * plan.controls.len() as f64
}

/// Per (profile, set), profile-major: the set's members of the profile, each with the
/// management state the set's managers give it (fixed for the run), and its policies.
struct SetLayout {
    active: Vec<Vec<(usize, u32)>>,
    transfers: Vec<Vec<(usize, usize)>>,
}

impl SetLayout {
    fn new(plan: &LapsePlan, sets: &[Vec<bool>]) -> SetLayout {
        let mut active = Vec::with_capacity(plan.profiles.len() * sets.len());
        let mut transfers = Vec::with_capacity(plan.profiles.len() * sets.len());
        for profile in &plan.profiles {
            for set in sets {
                let members = profile
                    .members
                    .iter()
                    .enumerate()
                    .filter(|&(_, &c)| set[c])
                    .map(|(j, _)| {
                        let mut state = 0u32;
                        for (bit, &m) in profile.manager_members[j].iter().enumerate() {
                            if set[profile.members[m]] {
                                state |= 1 << bit;
                            }
                        }
                        (j, state)
                    })
                    .collect();
                active.push(members);
                transfers.push(
                    profile
                        .transfers
                        .iter()
                        .copied()
                        .filter(|&(_, j)| set[profile.members[j]])
                        .collect(),
                );
            }
        }
        SetLayout { active, transfers }
    }
}

/// The per-chunk state: the controls' generators, this year's draws, and each set's sums.
struct SetArms<'a> {
    plan: &'a LapsePlan,
    layout: &'a SetLayout,
    sets: usize,
    /// The controls' draws and the current event's member factors.
    draws: ControlDraws,
    /// Per set: this year's loss, in the engine's subtotals (see `YearSink::subtotal_done`).
    year: Vec<f64>,
    subtotal: Vec<f64>,
    /// Per (set, policy): paid this year, against its aggregate limit.
    paid: Vec<f64>,
    chunk_trials: usize,
    /// Per set, per year of the chunk (set-major): the annual loss.
    years: Vec<f64>,
    /// Per set, per risk (set-major): the loss summed over the chunk.
    by_risk: Vec<f64>,
}

impl<'a> SetArms<'a> {
    fn new(
        plan: &'a LapsePlan,
        layout: &'a SetLayout,
        sets: usize,
        stream: impl Fn(u64) -> Xoshiro256PlusPlus,
        chunk_trials: usize,
    ) -> SetArms<'a> {
        let s = sets;
        SetArms {
            plan,
            layout,
            sets,
            draws: ControlDraws::new(plan, stream),
            year: vec![0.0; s],
            subtotal: vec![0.0; s],
            paid: vec![0.0; s * plan.transfers.len()],
            chunk_trials,
            years: vec![0.0; s * chunk_trials],
            by_risk: vec![0.0; s * plan.profile_of_risk.len()],
        }
    }
}

impl YearSink for SetArms<'_> {
    fn start_year(&mut self) {
        self.draws.start_year(self.plan);
    }

    fn event(&mut self, risk: usize, x: f64) {
        let plan = self.plan;
        let n_risks = plan.profile_of_risk.len();
        let p = plan.profile_of_risk[risk];
        if p == NO_PROFILE {
            for s in 0..self.sets {
                self.by_risk[s * n_risks + risk] += x;
                self.subtotal[s] += x;
            }
            return;
        }
        let profile = &plan.profiles[p as usize];
        let time = self.draws.event_time(plan);
        self.draws.member_factors(plan, profile, time);
        let n_t = plan.transfers.len();
        let above = x > profile.attachment;
        let first = p as usize * self.sets;
        for s in 0..self.sets {
            // The set's product in member order, each member in its state in this set.
            let mut kept = 1.0;
            for &(j, state) in &self.layout.active[first + s] {
                kept *= self.draws.mf[j].g(state as usize);
            }
            let mut y = x * kept;
            if above && y > profile.attachment {
                let ground_up = y;
                for &(t, _) in &self.layout.transfers[first + s] {
                    y -= plan.transfers[t].pay(ground_up, y, &mut self.paid[s * n_t + t]);
                }
            }
            self.by_risk[s * n_risks + risk] += y;
            self.subtotal[s] += y;
        }
    }

    fn subtotal_done(&mut self) {
        for (year, subtotal) in self.year.iter_mut().zip(&mut self.subtotal) {
            *year += std::mem::take(subtotal);
        }
    }

    fn end_year(&mut self, slot: usize) {
        let n = self.chunk_trials;
        for (s, year) in self.year.iter_mut().enumerate() {
            self.years[s * n + slot] = std::mem::take(year);
        }
        self.paid.fill(0.0);
    }
}
