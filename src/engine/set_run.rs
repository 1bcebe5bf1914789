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
use crate::engine::control_variates::{ChunkSums, ControlVariates};
use crate::engine::lapse_arms::{LapsePlan, NO_PROFILE};
use crate::engine::monitor::Monitor;
use crate::engine::paired::{self, LossLaw, MAX_SPLIT_MEMBERS, MemberLaw};
use crate::engine::retention::Retention;
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
    /// For a set some pair compares: the paired estimator's EAL and its standard error
    /// (paired.rs), which the pairs' differences are differences of.
    pub(crate) paired: Option<(f64, f64)>,
}

/// Which sets the paired estimator (paired.rs) follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Paired {
    /// None: the pairs get the plain mean of their year-by-year differences only.
    Off,
    /// The sets some pair compares: their EALs and the pairs' differences come from it.
    Compared,
}

/// Two sets compared on the same years.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct PairFigures {
    /// The moments of (annual loss of set a − annual loss of set b), by year.
    pub(crate) difference: Moments,
    /// The number of years in which set a's loss is strictly lower than set b's.
    pub(crate) a_lower: u64,
    /// The paired estimator's mean of (a − b) and its standard error (paired.rs).
    pub(crate) controlled: (f64, f64),
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
#[allow(clippy::too_many_arguments)]
pub(crate) fn run<'a>(
    portfolio: impl Into<Portfolio<'a>>,
    controls: &[Control],
    sets: &[Vec<bool>],
    pairs: &[(usize, usize)],
    paired: Paired,
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
    let paired = PairedSets::new(
        risks,
        dependence,
        &lapse_plan,
        &layout,
        n_sets,
        pairs,
        paired,
    );
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
    let mut controlled = ControlVariates::empty(
        paired.regressors.len(),
        paired.pairs.len() + paired.sets.len(),
    );
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
            if !paired.sets.is_empty() {
                arms.paired = Some(PairedState::new(&paired));
                arms.draws.uncovered_lapses = true;
            }
            let _ = plan.run_chunk(seed, chunk, inherent, &mut arms, watch);
            let sums = arms.paired.map(|p| p.sums.centred());
            (arms.years, arms.by_risk, sums)
        },
        |_, (years, risk_sums, sums): ChunkOut, inherent, _| {
            if let Some(sums) = sums {
                controlled.merge(&sums);
            }
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
    for (k, pair) in compared.iter_mut().enumerate() {
        pair.controlled = if k < paired.pairs.len() {
            controlled.estimate(k, &paired.known)
        } else {
            let d = pair.difference;
            (d.mean, (d.variance() / d.n.max(1.0)).sqrt())
        };
    }
    let sets = tops
        .into_iter()
        .zip(loss)
        .zip(by_risk)
        .enumerate()
        .map(|(s, ((top, loss), by_risk))| SetFigures {
            loss,
            top: top.into_sorted(),
            by_risk,
            paired: paired
                .sets
                .binary_search(&s)
                .ok()
                .map(|slot| controlled.estimate(paired.pairs.len() + slot, &paired.known)),
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

/// What one chunk hands back: per set its annual losses and per-risk sums, and the paired
/// estimator's sums.
type ChunkOut = (Vec<f64>, Vec<f64>, Option<ControlVariates>);

/// No slot, regressor or cache entry.
const NONE: usize = usize::MAX;

/// What the paired estimator (paired.rs) needs for a run: the sets that some pair compares,
/// the risks' loss laws and the regressors (the event counts of the risks with controls).
struct PairedSets<'a> {
    sets: Vec<usize>,
    /// The pairs, as indices into `sets`.
    pairs: Vec<(usize, usize)>,
    laws: Vec<LossLaw<'a>>,
    /// Per risk: its regressor, or `NONE`.
    regressor_of_risk: Vec<usize>,
    regressors: Vec<usize>,
    /// The regressors' exact expectations.
    known: Vec<f64>,
    profiles: usize,
    /// Per (paired set, profile): an earlier paired set with the same members and policies
    /// for the profile's risks (whose expectation is the same when its policies have the same
    /// rooms), or `NONE`.
    twin: Vec<usize>,
}

impl<'a> PairedSets<'a> {
    fn new(
        risks: &'a [Risk],
        dependence: &Dependence,
        plan: &LapsePlan,
        layout: &SetLayout,
        n_sets: usize,
        pairs: &[(usize, usize)],
        which: Paired,
    ) -> PairedSets<'a> {
        let (sets, pairs) = match which {
            Paired::Off => (Vec::new(), Vec::new()),
            Paired::Compared => {
                let mut sets: Vec<usize> = pairs.iter().flat_map(|&(a, b)| [a, b]).collect();
                sets.sort_unstable();
                sets.dedup();
                let slot = |s: usize| sets.partition_point(|&x| x < s);
                let pairs = pairs.iter().map(|&(a, b)| (slot(a), slot(b))).collect();
                (sets, pairs)
            }
        };
        let rates = dependence.risk_event_rates(risks);
        let mut regressor_of_risk = vec![NONE; risks.len()];
        let mut regressors = Vec::new();
        if !sets.is_empty() {
            for (r, &p) in plan.profile_of_risk.iter().enumerate() {
                if p != NO_PROFILE {
                    regressor_of_risk[r] = regressors.len();
                    regressors.push(r);
                }
            }
        }
        let known = regressors.iter().map(|&r| rates[r]).collect();
        let profiles = plan.profiles.len();
        let mut twin = vec![NONE; sets.len() * profiles];
        for p in 0..profiles {
            let same = |a: usize, b: usize| {
                let (a, b) = (p * n_sets + a, p * n_sets + b);
                layout.active[a] == layout.active[b] && layout.transfers[a] == layout.transfers[b]
            };
            for (slot, &s) in sets.iter().enumerate() {
                twin[slot * profiles + p] = (0..slot).find(|&e| same(sets[e], s)).unwrap_or(NONE);
            }
        }
        PairedSets {
            sets,
            pairs,
            laws: risks.iter().map(LossLaw::of).collect(),
            regressor_of_risk,
            regressors,
            known,
            profiles,
            twin,
        }
    }
}

/// The paired estimator's per-chunk state.
struct PairedState<'p> {
    of: &'p PairedSets<'p>,
    /// Per paired set: this year's sum of per-event expectations.
    year: Vec<f64>,
    /// Per regressor: this year's event count; the regressors counted this year.
    counts: Vec<f64>,
    touched: Vec<usize>,
    /// Per (paired set, profile): the rooms its policies had and their retention.
    cache: Vec<Option<(Vec<f64>, Retention)>>,
    rooms: Vec<f64>,
    /// Per paired set: the current event's expectation.
    values: Vec<f64>,
    splits: Vec<(f64, f64, f64)>,
    x: Vec<(usize, f64)>,
    y: Vec<f64>,
    sums: ChunkSums,
}

impl<'p> PairedState<'p> {
    fn new(of: &'p PairedSets<'p>) -> PairedState<'p> {
        PairedState {
            of,
            year: vec![0.0; of.sets.len()],
            counts: vec![0.0; of.regressors.len()],
            touched: Vec::new(),
            cache: vec![None; of.sets.len() * of.profiles],
            rooms: Vec::new(),
            values: vec![0.0; of.sets.len()],
            splits: Vec::new(),
            x: Vec::new(),
            y: vec![0.0; of.pairs.len() + of.sets.len()],
            sums: ChunkSums::new(of.regressors.len(), of.pairs.len() + of.sets.len()),
        }
    }

    fn count(&mut self, risk: usize) {
        let r = self.of.regressor_of_risk[risk];
        if r != NONE {
            if self.counts[r] == 0.0 {
                self.touched.push(r);
            }
            self.counts[r] += 1.0;
        }
    }

    /// An event of a risk no control touches: its expected loss in every set.
    fn uncontrolled(&mut self, risk: usize) {
        self.count(risk);
        let mean = self.of.laws[risk].mean;
        for y in &mut self.year {
            *y += mean;
        }
    }

    /// An event of `risk` (profile `p`) of loss `x`, before any set's policies pay for it.
    #[allow(clippy::too_many_arguments)]
    fn event(
        &mut self,
        plan: &LapsePlan,
        layout: &SetLayout,
        draws: &ControlDraws,
        paid: &[f64],
        n_sets: usize,
        p: usize,
        risk: usize,
        x: f64,
    ) {
        self.count(risk);
        let profile = &plan.profiles[p];
        let law = self.of.laws[risk];
        let n_t = plan.transfers.len();
        for (slot, &s) in self.of.sets.iter().enumerate() {
            let at = p * n_sets + s;
            let twin = self.of.twin[slot * self.of.profiles + p];
            if twin != NONE {
                let e = self.of.sets[twin];
                let same_rooms = layout.transfers[at]
                    .iter()
                    .all(|&(t, _)| paid[s * n_t + t] == paid[e * n_t + t]);
                if same_rooms {
                    self.values[slot] = self.values[twin];
                    self.year[slot] += self.values[twin];
                    continue;
                }
            }
            self.rooms.clear();
            for &(t, _) in &layout.transfers[at] {
                let room = plan.transfers[t]
                    .aggregate_limit()
                    .map_or(f64::INFINITY, |a| a - paid[s * n_t + t]);
                self.rooms.push(room);
            }
            let entry = &mut self.cache[slot * self.of.profiles + p];
            if entry.as_ref().is_none_or(|(rooms, _)| *rooms != self.rooms) {
                let policies = layout.transfers[at]
                    .iter()
                    .zip(&self.rooms)
                    .map(|(&(t, _), &room)| (&plan.transfers[t], room));
                *entry = Some((self.rooms.clone(), Retention::new(policies)));
            }
            let Some((_, retention)) = entry.as_ref() else {
                continue;
            };
            let first_kink = retention.first_kink();
            let left = |k: f64| {
                if k <= 0.0 {
                    0.0
                } else if k * law.largest <= first_kink {
                    k * law.mean
                } else if law.limited {
                    retention.expected(k, law.mean, law.largest, |u| law.limited_mean(u))
                } else {
                    retention.at(x * k)
                }
            };
            let mut split = 0;
            let members = layout.active[at]
                .iter()
                .filter(|&&(j, _)| profile.acts[j])
                .map(|&(j, state)| {
                    let c = profile.members[j];
                    let lapsed = draws.lapsed[j] & (1 << state) != 0;
                    let (block, keep) = if lapsed {
                        (draws.variant_block[c], draws.variant_keep[c])
                    } else {
                        (draws.block[c], draws.keep[c])
                    };
                    let mut coverage = plan.controls[c].coverage;
                    if coverage < 1.0 && keep != 1.0 {
                        split += 1;
                        if split > MAX_SPLIT_MEMBERS {
                            coverage = if draws.covered[j] { 1.0 } else { 0.0 };
                        }
                    }
                    MemberLaw {
                        coverage,
                        block,
                        keep,
                    }
                });
            let value = paired::expected_over_members(members, &mut self.splits, left);
            self.values[slot] = value;
            self.year[slot] += value;
        }
    }

    fn end_year(&mut self) {
        self.x.clear();
        for &r in &self.touched {
            self.x.push((r, std::mem::take(&mut self.counts[r])));
        }
        self.touched.clear();
        // Responses: each pair's difference, then each paired set's own value.
        let k = self.of.pairs.len();
        for (y, &(a, b)) in self.y.iter_mut().zip(&self.of.pairs) {
            *y = self.year[a] - self.year[b];
        }
        self.y[k..].copy_from_slice(&self.year);
        self.sums.add(&self.x, &self.y);
        self.year.fill(0.0);
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
    /// The paired estimator's state, when some pair is asked for.
    paired: Option<PairedState<'a>>,
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
            paired: None,
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
            if let Some(paired) = &mut self.paired {
                paired.uncontrolled(risk);
            }
            return;
        }
        let profile = &plan.profiles[p as usize];
        let time = self.draws.event_time(plan);
        self.draws.member_factors(plan, profile, time);
        if let Some(paired) = &mut self.paired {
            let (layout, draws, paid) = (self.layout, &self.draws, &self.paid);
            paired.event(plan, layout, draws, paid, self.sets, p as usize, risk, x);
        }
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
        if let Some(paired) = &mut self.paired {
            paired.end_year();
        }
    }
}
