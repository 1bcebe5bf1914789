//! The control arms of one simulation: inherent, residual and every variant a control analysis
//! needs, evaluated on the same simulated events (common random numbers).
//!
//! The engine (simulate.rs) draws each year's events once and hands every event to [`Arms`].
//! For an event of risk r with loss x, each control c that applies to r has a factor g_c on this
//! event: 0 if c blocks it (a frequency control, independently with probability f_c), times
//! 1 − s_c for a magnitude control. An arm keeps `x Π g` over its active controls, then its
//! transfers pay part of that. The arms:
//!
//! - **residual**: every control; its annual loss is stored per trial (for quantiles);
//! - **all but c**, for each control c: its difference from residual per year gives c's marginal
//!   reduction with a small standard error; its annual losses feed c's change in VaR and TVaR;
//! - **only c**: c's stand-alone reduction;
//! - **function subsets**: the per-function Shapley shares (see shapley.rs).
//!
//! Nothing is re-simulated per arm. Per event the work is one blocking draw per applicable
//! frequency control and a few sums by class (see `Arms::event`); once per year, each profile
//! with events spreads its sums over the marginal, stand-alone and Shapley terms in O(k + F)
//! for k applicable controls and F functions, per set of blocked functions. For events above a
//! policy's attachment point come the insurance variants: the
//! all-but-one variants of the applicable controls (of every control when a policy has an
//! aggregate limit, since each variant's limit erodes on its own), the policy alone, and the
//! 2^F function subsets.
//!
//! Each control draws from its own random stream, keyed by (seed, chunk, control id), and the
//! events come from the engine's stream, which controls never touch. So adding, removing or
//! changing a control leaves the inherent losses and every other control's draws unchanged.

use rand::Rng;
use std::collections::{HashMap, HashSet};

use rand::distr::Distribution;
use rand::rngs::Xoshiro256PlusPlus;

use crate::csf::Function;
use crate::engine::contributions::TailRecorder;
use crate::engine::shapley::{MAX_PLAYERS, ShapleyWeights};
use crate::engine::simulate::YearSink;
use crate::engine::stats::Moments;
use crate::model::control::{Control, stream_key};
use crate::model::efficacy::Efficacy;
use crate::model::risk::Risk;
use crate::model::transfer::Transfer;

/// The controls of a model, laid out for the per-event work.
#[derive(Debug)]
pub(crate) struct ControlPlan {
    controls: Vec<PlannedControl>,
    /// Distinct sets of controls that apply to a risk.
    profiles: Vec<Profile>,
    /// The number of frequency members over all profiles.
    slots: usize,
    /// Per risk: its profile, or `NO_PROFILE` when no control applies to it.
    profile_of_risk: Vec<u32>,
    /// The CSF functions that have controls: the Shapley players, in CSF order.
    players: Vec<Function>,
    weights: ShapleyWeights,
    /// The terms of each transfer control, in model order.
    transfers: Vec<Transfer>,
    /// Per transfer: its Shapley player.
    transfer_player: Vec<usize>,
    /// Whether any transfer has an aggregate limit (then arms' payments can differ on any
    /// event, not only on those of the risks a control applies to).
    any_aggregate: bool,
}

const NO_PROFILE: u32 = u32::MAX;

#[derive(Debug)]
struct PlannedControl {
    stream: u64,
    frequency: Option<Efficacy>,
    magnitude: Option<Efficacy>,
    /// Index into `ControlPlan::transfers`.
    transfer: Option<usize>,
}

#[derive(Debug)]
struct Profile {
    members: Vec<Member>,
    /// (control, member index) of the members that act on frequency, then on magnitude.
    frequency: Vec<(usize, usize)>,
    magnitude: Vec<(usize, usize)>,
    /// (transfer index, member index) in model order.
    transfers: Vec<(usize, usize)>,
    /// Events at or below this loss recover nothing from any of the profile's transfers.
    attachment: f64,
    /// Per frequency member (as in `frequency`): the bit of its Shapley player.
    frequency_player_bit: Vec<u64>,
    /// The first of this profile's slots in the per-frequency-member sums.
    slots: usize,
}

#[derive(Clone, Copy, Debug)]
struct Member {
    control: usize,
    player: usize,
}

impl ControlPlan {
    /// Lays out `controls` (validated by the model) over `risks`.
    pub(crate) fn new(risks: &[Risk], controls: &[Control]) -> ControlPlan {
        let mut players: Vec<Function> = controls.iter().map(Control::function).collect();
        players.sort();
        players.dedup();
        let player_of = |f: Function| players.iter().position(|&p| p == f).unwrap_or(0);
        let mut transfers = Vec::new();
        let mut transfer_player = Vec::new();
        let planned: Vec<PlannedControl> = controls
            .iter()
            .map(|c| PlannedControl {
                stream: stream_key(c.id()),
                frequency: c.frequency_efficacy().cloned(),
                magnitude: c.magnitude_efficacy().cloned(),
                transfer: c.transfer().map(|t| {
                    transfers.push(*t);
                    transfer_player.push(player_of(c.function()));
                    transfers.len() - 1
                }),
            })
            .collect();

        let mut profiles: Vec<Profile> = Vec::new();
        let mut profile_of_risk = Vec::with_capacity(risks.len());
        // Hash sets and a map keep the setup linear in risks x controls, whatever the lists.
        let scopes: Vec<Option<HashSet<&str>>> = controls
            .iter()
            .map(|c| {
                c.applies_to_risks()
                    .map(|ids| ids.iter().map(String::as_str).collect())
            })
            .collect();
        let mut index_of: HashMap<Vec<usize>, usize> = HashMap::new();
        let mut slots = 0;
        for risk in risks {
            let applicable: Vec<usize> = scopes
                .iter()
                .enumerate()
                .filter(|(_, scope)| scope.as_ref().is_none_or(|ids| ids.contains(risk.id())))
                .map(|(i, _)| i)
                .collect();
            if applicable.is_empty() {
                profile_of_risk.push(NO_PROFILE);
                continue;
            }
            let index = match index_of.get(&applicable) {
                Some(&i) => i,
                None => {
                    let mut profile =
                        Profile::new(&applicable, controls, &planned, &transfers, &player_of);
                    profile.slots = slots;
                    slots += profile.frequency.len();
                    profiles.push(profile);
                    index_of.insert(applicable, profiles.len() - 1);
                    profiles.len() - 1
                }
            };
            profile_of_risk.push(index as u32);
        }
        ControlPlan {
            controls: planned,
            slots,
            profiles,
            profile_of_risk,
            weights: ShapleyWeights::new(players.len()),
            players,
            any_aggregate: transfers.iter().any(|t| t.aggregate_limit().is_some()),
            transfers,
            transfer_player,
        }
    }

    /// The number of arms that can hold insurance payments: residual, all but each control,
    /// each transfer alone, each subset of players.
    fn arms(&self) -> usize {
        1 + self.controls.len() + self.transfers.len() + (1 << self.players.len())
    }

    fn arm_without(&self, control: usize) -> usize {
        1 + control
    }

    fn arm_alone(&self, transfer: usize) -> usize {
        1 + self.controls.len() + transfer
    }

    fn arm_subset(&self, subset: usize) -> usize {
        1 + self.controls.len() + self.transfers.len() + subset
    }

    /// Per risk: whether any control applies to it.
    pub(crate) fn controlled(&self) -> Vec<bool> {
        self.profile_of_risk
            .iter()
            .map(|&p| p != NO_PROFILE)
            .collect()
    }

    /// The Shapley players (CSF functions with controls), in the order of the shares.
    pub(crate) fn players(&self) -> &[Function] {
        &self.players
    }

    /// Expected extra work per year, in random draws: per event, one per frequency control
    /// that applies and about one for the sums by class, plus the insurance arms, counted as if
    /// every event reached them (a policy's payment in one arm costs about an eighth of a
    /// draw); per set of controls with events in the year (at most one per event), the yearly
    /// spread (about half a draw per control and five for the Shapley closed form); and the
    /// yearly efficacy draws.
    pub(crate) fn expected_draws_per_year(&self, risks: &[Risk]) -> f64 {
        let arms = self.arms() as f64;
        let mut events = vec![0.0; self.profiles.len()];
        for (r, &p) in risks.iter().zip(&self.profile_of_risk) {
            if p != NO_PROFILE {
                events[p as usize] += r.frequency().mean();
            }
        }
        let work: f64 = self
            .profiles
            .iter()
            .zip(&events)
            .map(|(profile, &n)| {
                let per_event = profile.frequency.len() as f64
                    + 1.0
                    + arms * profile.transfers.len() as f64 / 8.0;
                let spread = 0.5 * profile.members.len() as f64 + 5.0;
                n * per_event + n.min(1.0) * spread
            })
            .sum();
        work + 2.0 * self.controls.len() as f64
    }
}

impl Profile {
    fn new(
        applicable: &[usize],
        controls: &[Control],
        planned: &[PlannedControl],
        transfers: &[Transfer],
        player_of: &dyn Fn(Function) -> usize,
    ) -> Profile {
        let members: Vec<Member> = applicable
            .iter()
            .map(|&c| Member {
                control: c,
                player: player_of(controls[c].function()),
            })
            .collect();
        // (control, member index) of the members with the lever `has`.
        let lever = |has: fn(&PlannedControl) -> bool| -> Vec<(usize, usize)> {
            applicable
                .iter()
                .enumerate()
                .filter(|&(_, &c)| has(&planned[c]))
                .map(|(j, &c)| (c, j))
                .collect()
        };
        let transfers_here: Vec<(usize, usize)> = applicable
            .iter()
            .enumerate()
            .filter_map(|(j, &c)| planned[c].transfer.map(|t| (t, j)))
            .collect();
        let attachment = transfers_here
            .iter()
            .map(|&(t, _)| transfers[t].first_paying_loss())
            .fold(f64::INFINITY, f64::min);
        let frequency = lever(|pc| pc.frequency.is_some());
        let frequency_player_bit = frequency
            .iter()
            .map(|&(_, j)| 1u64 << members[j].player)
            .collect();
        Profile {
            frequency,
            magnitude: lever(|pc| pc.magnitude.is_some()),
            members,
            transfers: transfers_here,
            attachment,
            frequency_player_bit,
            slots: 0,
        }
    }
}

/// What the arms of one chunk return.
#[derive(Debug)]
pub(crate) struct ArmChunk {
    /// Per control: the year-by-year loss it removes at the margin (all but it, minus all).
    pub(crate) marginal: Vec<Moments>,
    /// Per control: the year-by-year loss it removes alone (inherent minus only it).
    pub(crate) standalone: Vec<Moments>,
    /// Per control, per year of the chunk (control-major): the marginal loss removed, for the
    /// tail figures of the arm without the control.
    pub(crate) marginal_by_year: Vec<f64>,
    /// Per Shapley player: its share of the loss removed, summed over the chunk.
    pub(crate) shapley: Vec<f64>,
    /// Per Shapley player slot: the shares of the product games (one per set of controls and
    /// set of blocked players each year), summed.
    product_shares: [f64; MAX_PLAYERS],
    /// Per subset of players: the year's insurance payments with that subset's
    /// controls, summed over the chunk's years (the Shapley value is linear in the game, so the
    /// shares of the summed game are the sums of the yearly shares).
    recovery_game: Vec<f64>,
    /// Per risk: its residual loss summed over the chunk.
    pub(crate) residual_by_risk: Vec<f64>,
    /// The residual losses by risk of the chunk's years, for the tail contributions.
    pub(crate) residual_tail: Option<TailRecorder>,
}

impl ArmChunk {
    /// A chunk's results computed elsewhere (lapse_arms.rs), with the Shapley shares already
    /// final.
    pub(crate) fn from_parts(
        marginal: Vec<Moments>,
        standalone: Vec<Moments>,
        marginal_by_year: Vec<f64>,
        shapley: Vec<f64>,
        residual_by_risk: Vec<f64>,
    ) -> ArmChunk {
        ArmChunk {
            marginal,
            standalone,
            marginal_by_year,
            shapley,
            product_shares: [0.0; MAX_PLAYERS],
            recovery_game: Vec::new(),
            residual_by_risk,
            residual_tail: None,
        }
    }
}

/// The per-chunk state of the arms: the controls' generators and this year's draws and sums.
pub(crate) struct Arms<'a> {
    plan: &'a ControlPlan,
    rngs: Vec<Xoshiro256PlusPlus>,
    /// This year's frequency efficacy per control (0 for none).
    block: Vec<f64>,
    /// Scratch: the frequency members (indices into `Profile::frequency`) blocking the event.
    blocked_now: Vec<usize>,
    /// This year's kept share of the loss per control, 1 − magnitude efficacy (1 for none).
    keep: Vec<f64>,
    year: YearSums,
    chunk_trials: usize,
    standalone_by_year: Vec<f64>,
    out: ArmChunk,
    residual: &'a mut [f64],
    /// Scratch per event, per member: its factor, the product of the factors before it, and
    /// the loss the arm without it keeps.
    factors: Vec<f64>,
    prefix: Vec<f64>,
    minus: Vec<f64>,
    /// This year's event sums per profile (see `Arms::event`).
    sums: Vec<ProfileSums>,
    /// Per frequency member of every profile (at `Profile::slots`): this year's summed loss
    /// of the events it alone blocked, and of all the events it blocked.
    single: Vec<f64>,
    blocked: Vec<f64>,
    /// This year's profiles with events.
    touched: Vec<u32>,
    /// Told of every event's retained loss, by risk (see contributions.rs).
    tail: Option<TailRecorder>,
}

/// One profile's event sums of the current year.
#[derive(Clone, Debug)]
struct ProfileSums {
    /// The share of an unblocked event's loss that every control together keeps, this year.
    kept: f64,
    /// Whether the profile had an event this year.
    touched: bool,
    /// Summed loss of all events, and of those no control blocked.
    total: f64,
    unblocked: f64,
    /// Summed loss per set of Shapley players with a blocking control, and which sets occur.
    by_blocked_players: [f64; 1 << MAX_PLAYERS],
    blocked_player_sets: u64,
}

impl Default for ProfileSums {
    fn default() -> Self {
        ProfileSums {
            kept: 1.0,
            touched: false,
            total: 0.0,
            unblocked: 0.0,
            by_blocked_players: [0.0; 1 << MAX_PLAYERS],
            blocked_player_sets: 0,
        }
    }
}

/// This year's sums per arm (reset at the end of every year).
#[derive(Debug)]
struct YearSums {
    /// The residual loss retained so far, in the engine's subtotals.
    residual: f64,
    /// The residual loss since the engine's last subtotal: added to `residual` when the engine
    /// adds its subtotal, so that a model whose controls change nothing has a residual equal to
    /// its inherent loss bit for bit (see `YearSink::subtotal_done`).
    subtotal: f64,
    /// Per control: Σ over events of (loss retained without it − loss retained with all).
    marginal: Vec<f64>,
    /// Per control: Σ over events of (inherent loss − loss retained with only it).
    standalone: Vec<f64>,
    /// Per (arm, transfer): what the policy has paid this year in that arm, against its
    /// aggregate limit. Arms: residual, then all but control c, then transfer t alone, then
    /// each subset of players (see `Arms::arm_*`).
    paid: Vec<f64>,
    /// Whether an event this year reached the insurance arms (their sums need a reset).
    touched: bool,
}

impl<'a> Arms<'a> {
    /// The arms of one chunk of `chunk_trials` years, writing the residual losses to `residual`.
    pub(crate) fn new(
        plan: &'a ControlPlan,
        stream: impl Fn(u64) -> Xoshiro256PlusPlus,
        residual: &'a mut [f64],
    ) -> Arms<'a> {
        let c = plan.controls.len();
        let t = plan.transfers.len();
        let chunk_trials = residual.len();
        let widest = plan
            .profiles
            .iter()
            .map(|p| p.members.len())
            .max()
            .unwrap_or(0);
        Arms {
            plan,
            rngs: plan.controls.iter().map(|pc| stream(pc.stream)).collect(),
            block: vec![0.0; c],
            blocked_now: Vec::with_capacity(c),
            keep: vec![1.0; c],
            year: YearSums {
                residual: 0.0,
                subtotal: 0.0,
                marginal: vec![0.0; c],
                standalone: vec![0.0; c],
                paid: vec![0.0; plan.arms() * t],
                touched: false,
            },
            chunk_trials,
            standalone_by_year: vec![0.0; c * chunk_trials],
            out: ArmChunk {
                marginal: Vec::new(),
                standalone: Vec::new(),
                marginal_by_year: vec![0.0; c * chunk_trials],
                shapley: Vec::new(),
                product_shares: [0.0; MAX_PLAYERS],
                recovery_game: vec![0.0; 1 << plan.players.len()],
                residual_by_risk: vec![0.0; plan.profile_of_risk.len()],
                residual_tail: None,
            },
            residual,
            factors: vec![0.0; widest],
            prefix: vec![0.0; widest],
            minus: vec![0.0; widest],
            sums: vec![ProfileSums::default(); plan.profiles.len()],
            single: vec![0.0; plan.slots],
            blocked: vec![0.0; plan.slots],
            touched: Vec::new(),
            tail: None,
        }
    }

    /// Records each year's retained losses by risk in `recorder` (for the residual's tail
    /// contributions), returned in [`ArmChunk::residual_tail`].
    pub(crate) fn with_tail(mut self, recorder: TailRecorder) -> Arms<'a> {
        self.tail = Some(recorder);
        self
    }

    /// The chunk's results, once every year has ended.
    pub(crate) fn finish(mut self) -> ArmChunk {
        let n = self.chunk_trials;
        self.out.marginal = self
            .out
            .marginal_by_year
            .chunks(n.max(1))
            .map(Moments::of)
            .collect();
        self.out.standalone = self
            .standalone_by_year
            .chunks(n.max(1))
            .map(Moments::of)
            .collect();
        let players = self.plan.players.len();
        let mut shares = self.out.product_shares[..players].to_vec();
        self.plan
            .weights
            .add_subset_game(&self.out.recovery_game, &mut shares);
        self.out.shapley = shares;
        self.out.residual_tail = self.tail;
        self.out
    }

    /// Adds an event's residual (retained) loss to its risk and to the year.
    #[inline]
    fn retain(&mut self, risk: usize, retained: f64) {
        self.out.residual_by_risk[risk] += retained;
        self.year.subtotal += retained;
        if let Some(tail) = &mut self.tail {
            tail.add(risk, retained);
        }
    }

    /// Sets `factors` for an event of `profile`, blocked by the frequency members listed in
    /// `blocked_now` when `blocked` is true (by none otherwise); returns their product, the
    /// share of the loss every control together keeps.
    #[inline]
    fn set_factors(&mut self, profile: &Profile, blocked: bool) -> f64 {
        let k = profile.members.len();
        let factors = &mut self.factors[..k];
        factors.fill(1.0);
        if blocked {
            for &b in &self.blocked_now {
                factors[profile.frequency[b].1] = 0.0;
            }
        }
        for &(c, j) in &profile.magnitude {
            factors[j] *= self.keep[c];
        }
        factors.iter().product()
    }

    /// For an event of loss `x` with the current `factors`: sets `minus` (the loss each
    /// all-but-one arm keeps) and returns the per-player products h, for the insurance arms.
    #[inline]
    fn spread(&mut self, profile: &Profile, x: f64) -> [f64; MAX_PLAYERS] {
        // Prefix products give each all-but-one arm's kept share without division.
        let k = profile.members.len();
        let members = &profile.members[..k];
        let factors = &self.factors[..k];
        let prefix = &mut self.prefix[..k];
        let minus = &mut self.minus[..k];
        let mut h = [1.0; MAX_PLAYERS];
        let mut product = 1.0;
        for j in 0..k {
            let g = factors[j];
            prefix[j] = product;
            product *= g;
            h[members[j].player] *= g;
        }
        let mut suffix = 1.0;
        for j in (0..k).rev() {
            minus[j] = x * prefix[j] * suffix;
            suffix *= factors[j];
        }
        h
    }

    /// Spreads this year's sums of each profile with events over the marginal, stand-alone
    /// and Shapley sums (exactly what the per-event terms of `spread` add up to), and empties
    /// them.
    fn flush(&mut self) {
        let plan = self.plan;
        let mut touched = std::mem::take(&mut self.touched);
        for &p in &touched {
            let profile = &plan.profiles[p as usize];
            let k = profile.members.len();
            // Unblocked events: every all-but-one and stand-alone term at once (`set_factors`
            // with no block leaves each member's magnitude factor).
            let unblocked = self.sums[p as usize].unblocked;
            let all = self.set_factors(profile, false);
            let total = self.sums[p as usize].total;
            let (marginal, standalone) = (&mut self.year.marginal, &mut self.year.standalone);
            let factors = &self.factors[..k];
            let prefix = &mut self.prefix[..k];
            // `minus[j]`: the product of every factor but the j-th.
            let others = &mut self.minus[..k];
            let mut product = 1.0;
            for j in 0..k {
                prefix[j] = product;
                product *= factors[j];
            }
            let mut suffix = 1.0;
            for j in (0..k).rev() {
                let c = profile.members[j].control;
                others[j] = prefix[j] * suffix;
                marginal[c] += unblocked * others[j] - unblocked * all;
                // Stand-alone: the control keeps g of each event it does not block.
                standalone[c] += total * (1.0 - factors[j]);
                suffix *= factors[j];
            }
            // Blocked events: an all-but-one arm keeps an event only if its control was the
            // one blocker; a blocking control removes the whole loss on its own.
            for (b, &(c, j)) in profile.frequency.iter().enumerate() {
                let slot = profile.slots + b;
                marginal[c] += self.single[slot] * others[j];
                standalone[c] += self.blocked[slot] * factors[j];
                self.single[slot] = 0.0;
                self.blocked[slot] = 0.0;
            }
            // Shapley: one product game per set of blocked players.
            let mut h_unblocked = [1.0; MAX_PLAYERS];
            for j in 0..k {
                h_unblocked[profile.members[j].player] *= factors[j];
            }
            let sums = &mut self.sums[p as usize];
            let mut sets = sums.blocked_player_sets;
            while sets != 0 {
                let set = sets.trailing_zeros() as usize;
                sets &= sets - 1;
                let mut h = h_unblocked;
                let mut blocked = set;
                while blocked != 0 {
                    h[blocked.trailing_zeros() as usize] = 0.0;
                    blocked &= blocked - 1;
                }
                let loss = std::mem::take(&mut sums.by_blocked_players[set]);
                ShapleyWeights::add_product_game_dense(loss, &h, &mut self.out.product_shares);
            }
            // The per-set sums were emptied above; reset the rest.
            sums.touched = false;
            sums.total = 0.0;
            sums.unblocked = 0.0;
            sums.blocked_player_sets = 0;
        }
        touched.clear();
        self.touched = touched;
    }

    /// The insurance arms of an event that some policy may pay for; returns the loss the
    /// residual arm retains. In every arm the policies pay in order, each on what the previous
    /// ones left, each within what remains of its aggregate limit this year in that arm.
    ///
    /// An arm whose loss is at or below the profile's attachment point recovers nothing and is
    /// skipped: controls only lower a loss, so most arms of an event near the deductible drop
    /// out.
    #[inline(never)]
    fn transfer_event(
        &mut self,
        profile: &Profile,
        x: f64,
        kept: f64,
        h: &[f64; MAX_PLAYERS],
    ) -> f64 {
        let plan = self.plan;
        let n_t = plan.transfers.len();
        let attachment = profile.attachment;
        self.year.touched = true;
        let paid = &mut self.year.paid;
        // Pays the profile's policies in `arm` on a loss y, skipping policy `except`; returns
        // what the arm retains.
        let mut layers = |arm: usize, y: f64, except: Option<usize>| -> f64 {
            let ground_up = y;
            let mut y = y;
            if y > attachment {
                for &(t, _) in &profile.transfers {
                    if Some(t) != except {
                        y -= plan.transfers[t].pay(ground_up, y, &mut paid[arm * n_t + t]);
                    }
                }
            }
            y
        };
        let retained = layers(0, kept, None);
        // All but one control. Without aggregate limits an arm differs from the residual only
        // on events of the risks its control applies to; with them, an arm's remaining limit
        // can differ on any event, so every arm is followed.
        let mut members = profile.members.iter().zip(&self.minus).peekable();
        for (c, pc) in plan.controls.iter().enumerate() {
            let y = match members.peek() {
                Some(&(m, &without)) if m.control == c => {
                    members.next();
                    without
                }
                _ if plan.any_aggregate => kept,
                _ => continue,
            };
            let without = layers(plan.arm_without(c), y, pc.transfer);
            self.year.marginal[c] += (without - y) - (retained - kept);
        }
        // Each policy alone: it pays on the loss its own control leaves.
        for &(t, j) in &profile.transfers {
            let y = x * self.factors[j];
            let control = profile.members[j].control;
            let arm = plan.arm_alone(t);
            self.year.standalone[control] += plan.transfers[t].pay(y, y, &mut paid[arm * n_t + t]);
        }
        // Every subset of functions that includes a policy's function.
        let players = plan.players.len();
        let subsets = 1usize << players;
        let mut y_subset = [0.0; 1 << MAX_PLAYERS];
        y_subset[0] = x;
        // Doubling: the subsets with player f are those without it, times h_f (independent
        // multiplications, no chain through memory).
        for (f, &hf) in h.iter().enumerate().take(players) {
            let (lower, upper) = y_subset.split_at_mut(1 << f);
            for (u, l) in upper.iter_mut().zip(lower.iter()) {
                *u = l * hf;
            }
        }
        let first = plan.arm_subset(0);
        if let [(t, _)] = profile.transfers[..] {
            // One policy (the common case): only the subsets with its function recover.
            let bit = 1 << plan.transfer_player[t];
            let terms = &plan.transfers[t];
            for (s, &y) in y_subset[..subsets].iter().enumerate() {
                if s & bit != 0 && y > attachment {
                    terms.pay(y, y, &mut paid[(first + s) * n_t + t]);
                }
            }
            return retained;
        }
        for (s, &ys) in y_subset[..subsets].iter().enumerate() {
            let mut y = ys;
            if y <= attachment {
                continue;
            }
            for &(t, _) in &profile.transfers {
                if s & (1 << plan.transfer_player[t]) != 0 {
                    y -= plan.transfers[t].pay(ys, y, &mut paid[(first + s) * n_t + t]);
                }
            }
        }
        retained
    }

    /// Adds a year's insurance payments per subset of players to the recovery game, and resets
    /// every arm's payments.
    fn close_recovery_year(&mut self) {
        let plan = self.plan;
        let n_t = plan.transfers.len();
        let year = &mut self.year;
        let first = plan.arm_subset(0);
        let subsets = &year.paid[first * n_t..];
        for (game, paid) in self
            .out
            .recovery_game
            .iter_mut()
            .zip(subsets.chunks_exact(n_t))
        {
            *game += paid.iter().sum::<f64>();
        }
        year.paid.fill(0.0);
        year.touched = false;
    }
}

/// The arms follow the engine's years and events.
impl YearSink for Arms<'_> {
    /// Draws this year's efficacies.
    #[inline]
    fn start_year(&mut self) {
        for (i, pc) in self.plan.controls.iter().enumerate() {
            let rng = &mut self.rngs[i];
            if let Some(f) = &pc.frequency {
                self.block[i] = f.sample(rng);
            }
            if let Some(s) = &pc.magnitude {
                self.keep[i] = 1.0 - s.sample(rng);
            }
        }
    }

    /// One event of risk `risk` with loss `x` (before controls).
    ///
    /// Within a year every control's factor on a profile's unblocked events is the same, and
    /// the marginal, stand-alone and Shapley sums are linear in the loss. So an event only
    /// draws its blocks and adds its loss to its profile's sums by class: unblocked, blocked by
    /// one control alone, blocked by each control, by set of blocked Shapley players. The sums
    /// are spread once per profile, at the end of the year (`flush`). The retained loss and,
    /// above a policy's attachment, the insurance variants stay per event.
    #[inline]
    fn event(&mut self, risk: usize, x: f64) {
        let plan = self.plan;
        let p = plan.profile_of_risk[risk];
        if p == NO_PROFILE {
            self.retain(risk, x);
            return;
        }
        let profile = &plan.profiles[p as usize];
        let slots = profile.slots;
        // Which frequency members block this event (any number of them: up to 256 controls).
        self.blocked_now.clear();
        let (mut blockers, mut last, mut players) = (0u32, 0usize, 0u64);
        for (b, &(c, _)) in profile.frequency.iter().enumerate() {
            // A 53-bit uniform in [0, 1): blocked with probability exactly f (to 2^-53).
            let u = (self.rngs[c].next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
            if u < self.block[c] {
                self.blocked_now.push(b);
                blockers += 1;
                last = b;
                players |= profile.frequency_player_bit[b];
                self.blocked[slots + b] += x;
            }
        }
        if !self.sums[p as usize].touched {
            // The product of the unblocked factors in member order, as `set_factors(profile,
            // false)` returns it: the factors of members without a magnitude lever are 1, and
            // multiplying by 1 is exact.
            let mut kept = 1.0;
            for &(c, _) in &profile.magnitude {
                kept *= self.keep[c];
            }
            let sums = &mut self.sums[p as usize];
            sums.touched = true;
            sums.kept = kept;
            self.touched.push(p);
        }
        let sums = &mut self.sums[p as usize];
        sums.total += x;
        sums.by_blocked_players[players as usize] += x;
        sums.blocked_player_sets |= 1 << players;
        // The share every control keeps: the product of the factors, 0 once one blocks.
        let all = match blockers {
            0 => {
                sums.unblocked += x;
                sums.kept
            }
            1 => {
                self.single[slots + last] += x;
                0.0
            }
            _ => 0.0,
        };
        let kept = x * all;
        let retained = if x > profile.attachment {
            self.set_factors(profile, true);
            let h = self.spread(profile, x);
            self.transfer_event(profile, x, kept, &h)
        } else {
            kept
        };
        self.retain(risk, retained);
    }

    /// The engine added its subtotal (see `YearSums::subtotal`).
    #[inline]
    fn subtotal_done(&mut self) {
        self.year.residual += self.year.subtotal;
        self.year.subtotal = 0.0;
    }

    /// Closes year `slot` of the chunk.
    #[inline]
    fn end_year(&mut self, slot: usize) {
        self.flush();
        let n = self.chunk_trials;
        let year = &mut self.year;
        self.residual[slot] = year.residual;
        year.residual = 0.0;
        if let Some(tail) = &mut self.tail {
            tail.end_year(self.residual[slot]);
        }
        for (c, (marginal, standalone)) in year
            .marginal
            .iter_mut()
            .zip(year.standalone.iter_mut())
            .enumerate()
        {
            self.out.marginal_by_year[c * n + slot] = *marginal;
            self.standalone_by_year[c * n + slot] = *standalone;
            *marginal = 0.0;
            *standalone = 0.0;
        }
        if year.touched {
            self.close_recovery_year();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_keys_differ_and_are_never_the_event_stream() {
        assert_ne!(stream_key("mfa"), stream_key("edr"));
        assert_ne!(stream_key(""), 0);
        assert_eq!(stream_key("mfa"), stream_key("mfa"));
    }
}
