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

use rand::Rng;
use rand::distr::Distribution;
use rand::rngs::Xoshiro256PlusPlus;

use crate::engine::lapse_arms::{CALENDAR_STREAM, LapsePlan, NO_PROFILE, Profile};
use crate::engine::monitor::Monitor;
use crate::engine::simulate::{self, CHUNK_TRIALS, Plan, SimulationOptions, YearSink};
use crate::engine::stats::{Largest, Moments};
use crate::error::{Error, Result};
use crate::model::control::Control;
use crate::model::reliability::{Lapses, YEAR_DAYS};
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

/// Simulates `risks` with each set of `controls` (`sets[s][c]`: whether control c is in set
/// s; the controls are validated together, as one model's) on the same years, keeping each
/// set's `tail_keep` largest annual losses and comparing the sets of each pair (a, b) in
/// `pairs` year by year.
///
/// # Errors
/// As the control analysis: [`Error::TooMuchWork`] and the trial-count errors up front,
/// [`Error::OutOfMemory`] if the tail buffers cannot be reserved, [`Error::Cancelled`].
pub(crate) fn run(
    risks: &[Risk],
    controls: &[Control],
    sets: &[Vec<bool>],
    pairs: &[(usize, usize)],
    tail_keep: usize,
    options: SimulationOptions,
    monitor: &dyn Monitor,
) -> Result<SetRun> {
    let trials = options.validate()?;
    let plan = Plan::new(risks)?;
    let lapse_plan = LapsePlan::new(risks, controls);
    let n_sets = sets.len();
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
            let mut arms = SetArms::new(&lapse_plan, sets, stream, inherent.len());
            let _ = plan.run_chunk(simulate::chunk_rng(seed, chunk), inherent, &mut arms, watch);
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

/// One lapse of a control this year (as lapse_arms.rs draws it).
#[derive(Clone, Copy, Debug)]
struct Lapse {
    start: f64,
    days: f64,
    thin: f64,
}

/// The per-chunk state: the controls' generators, this year's draws, and each set's sums.
struct SetArms<'a> {
    plan: &'a LapsePlan,
    sets: &'a [Vec<bool>],
    rngs: Vec<Xoshiro256PlusPlus>,
    aux: Vec<Xoshiro256PlusPlus>,
    calendar: Xoshiro256PlusPlus,
    block: Vec<f64>,
    keep: Vec<f64>,
    variant_block: Vec<f64>,
    variant_keep: Vec<f64>,
    lapses: Vec<Vec<Lapse>>,
    /// Scratch per member: factor working, lapsed, and the management states in a lapse.
    g_in: Vec<f64>,
    g_out: Vec<f64>,
    lapsed: Vec<u64>,
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
        sets: &'a [Vec<bool>],
        stream: impl Fn(u64) -> Xoshiro256PlusPlus,
        chunk_trials: usize,
    ) -> SetArms<'a> {
        let c = plan.controls.len();
        let w = plan.widest;
        let s = sets.len();
        SetArms {
            plan,
            sets,
            rngs: plan.controls.iter().map(|pc| stream(pc.stream)).collect(),
            aux: plan
                .controls
                .iter()
                .map(|pc| stream(pc.stream ^ 1))
                .collect(),
            calendar: stream(CALENDAR_STREAM),
            block: vec![0.0; c],
            keep: vec![1.0; c],
            variant_block: vec![0.0; c],
            variant_keep: vec![1.0; c],
            lapses: vec![Vec::new(); c],
            g_in: vec![1.0; w],
            g_out: vec![1.0; w],
            lapsed: vec![0; w],
            year: vec![0.0; s],
            subtotal: vec![0.0; s],
            paid: vec![0.0; s * plan.transfers.len()],
            chunk_trials,
            years: vec![0.0; s * chunk_trials],
            by_risk: vec![0.0; s * plan.profile_of_risk.len()],
        }
    }

    /// Sets the per-member factors of an event at `time` of the year, as lapse_arms.rs does.
    fn member_factors(&mut self, profile: &Profile, time: f64) {
        let plan = self.plan;
        for (j, &c) in profile.members.iter().enumerate() {
            self.g_in[j] = 1.0;
            self.g_out[j] = 1.0;
            self.lapsed[j] = 0;
            if !profile.acts[j] {
                continue;
            }
            let pc = &plan.controls[c];
            let u = if pc.frequency.is_some() {
                unit(&mut self.rngs[c])
            } else {
                1.0
            };
            let covered = pc.coverage >= 1.0 || unit(&mut self.aux[c]) < pc.coverage;
            if !covered {
                continue;
            }
            self.g_in[j] = if u < self.block[c] { 0.0 } else { self.keep[c] };
            self.g_out[j] = if pc.frequency.is_some() && u < self.variant_block[c] {
                0.0
            } else {
                self.variant_keep[c]
            };
            let mut mask = 0u64;
            for lapse in &self.lapses[c] {
                let mut offset = time - lapse.start;
                if offset < 0.0 {
                    offset += YEAR_DAYS;
                }
                if offset >= lapse.days {
                    continue;
                }
                for s in 0..pc.state_factor.len() {
                    if lapse.thin < pc.state_factor[s] && offset < pc.state_cap[s] {
                        mask |= 1 << s;
                    }
                }
            }
            self.lapsed[j] = mask;
        }
    }
}

impl YearSink for SetArms<'_> {
    fn start_year(&mut self) {
        let plan = self.plan;
        for (i, pc) in plan.controls.iter().enumerate() {
            let rng = &mut self.rngs[i];
            if let Some(f) = &pc.frequency {
                self.block[i] = f.sample(rng);
            }
            if let Some(s) = &pc.magnitude {
                self.keep[i] = 1.0 - s.sample(rng);
            }
            let Some(lapses) = pc.lapses else {
                continue;
            };
            let aux = &mut self.aux[i];
            let variant = pc.variant.as_ref().map_or(0.0, |v| v.sample(aux));
            self.variant_block[i] = if pc.frequency.is_some() { variant } else { 0.0 };
            self.variant_keep[i] = if pc.magnitude.is_some() {
                1.0 - variant
            } else {
                1.0
            };
            let list = &mut self.lapses[i];
            list.clear();
            let draw = |days: f64, aux: &mut Xoshiro256PlusPlus| Lapse {
                start: unit(aux) * YEAR_DAYS,
                days,
                thin: unit(aux),
            };
            match lapses {
                Lapses::Share(r) => list.push(draw((1.0 - r) * YEAR_DAYS, aux)),
                Lapses::Poisson { duration_days, .. } => {
                    let n = pc.lapse_count.map_or(0.0, |p| p.sample(aux)) as usize;
                    for _ in 0..n {
                        list.push(draw(duration_days.min(YEAR_DAYS), aux));
                    }
                }
            }
        }
    }

    fn event(&mut self, risk: usize, x: f64) {
        let plan = self.plan;
        let n_risks = plan.profile_of_risk.len();
        let p = plan.profile_of_risk[risk];
        if p == NO_PROFILE {
            for s in 0..self.sets.len() {
                self.by_risk[s * n_risks + risk] += x;
                self.subtotal[s] += x;
            }
            return;
        }
        let profile = &plan.profiles[p as usize];
        let time = if plan.any_lapses {
            unit(&mut self.calendar) * YEAR_DAYS
        } else {
            0.0
        };
        self.member_factors(profile, time);
        let n_t = plan.transfers.len();
        let above = x > profile.attachment;
        for (s, set) in self.sets.iter().enumerate() {
            // The set's product, each member in the state its managers in the set give it.
            let mut kept = 1.0;
            for (j, &c) in profile.members.iter().enumerate() {
                if !set[c] {
                    continue;
                }
                let mut state = 0;
                for (bit, &m) in profile.manager_members[j].iter().enumerate() {
                    if set[profile.members[m]] {
                        state |= 1 << bit;
                    }
                }
                kept *= if self.lapsed[j] & (1 << state) != 0 {
                    self.g_out[j]
                } else {
                    self.g_in[j]
                };
            }
            let mut y = x * kept;
            if above && y > profile.attachment {
                let ground_up = y;
                for &(t, j) in &profile.transfers {
                    if set[profile.members[j]] {
                        y -= plan.transfers[t].pay(ground_up, y, &mut self.paid[s * n_t + t]);
                    }
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

/// A 53-bit uniform in [0, 1), as arms.rs and lapse_arms.rs draw theirs.
#[inline]
fn unit(rng: &mut Xoshiro256PlusPlus) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}
