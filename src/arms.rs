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
//! Nothing is re-simulated per arm, and no arm is evaluated on events its controls cannot touch:
//! per event the work is O(k + F²) for k applicable controls and F functions, plus the insurance
//! arms for the few events above a policy's attachment point.
//!
//! Each control draws from its own random stream, keyed by (seed, chunk, control id), and the
//! events come from the engine's stream, which controls never touch. So adding, removing or
//! changing a control leaves the inherent losses and every other control's draws unchanged.

use rand::Rng;
use rand::distr::Distribution;
use rand::rngs::Xoshiro256PlusPlus;

use crate::control::Control;
use crate::csf::Function;
use crate::efficacy::Efficacy;
use crate::risk::Risk;
use crate::shapley::{MAX_PLAYERS, ShapleyWeights};
use crate::transfer::Transfer;

/// The controls of a model, laid out for the per-event work.
#[derive(Debug)]
pub(crate) struct ControlPlan {
    controls: Vec<PlannedControl>,
    /// Distinct sets of controls that apply to a risk.
    profiles: Vec<Profile>,
    /// Per risk: its profile, or `NO_PROFILE` when no control applies to it.
    profile_of_risk: Vec<u32>,
    /// The CSF functions that have controls: the Shapley players, in CSF order.
    players: Vec<Function>,
    weights: ShapleyWeights,
    /// The terms of each transfer control, in model order.
    transfers: Vec<Transfer>,
    /// Per transfer: its Shapley player.
    transfer_player: Vec<usize>,
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
}

#[derive(Clone, Copy, Debug)]
struct Member {
    control: usize,
    player: usize,
    frequency: bool,
    magnitude: bool,
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
        let mut keys: Vec<Vec<usize>> = Vec::new();
        let mut profile_of_risk = Vec::with_capacity(risks.len());
        for risk in risks {
            let applicable: Vec<usize> = controls
                .iter()
                .enumerate()
                .filter(|(_, c)| {
                    c.applies_to_risks()
                        .is_none_or(|ids| ids.iter().any(|id| id == risk.id()))
                })
                .map(|(i, _)| i)
                .collect();
            if applicable.is_empty() {
                profile_of_risk.push(NO_PROFILE);
                continue;
            }
            let index = match keys.iter().position(|k| *k == applicable) {
                Some(i) => i,
                None => {
                    profiles.push(Profile::new(&applicable, controls, &planned, &player_of));
                    keys.push(applicable);
                    profiles.len() - 1
                }
            };
            profile_of_risk.push(index as u32);
        }
        ControlPlan {
            controls: planned,
            profiles,
            profile_of_risk,
            weights: ShapleyWeights::new(players.len()),
            players,
            transfers,
            transfer_player,
        }
    }

    /// The Shapley players (CSF functions with controls), in the order of the shares.
    pub(crate) fn players(&self) -> &[Function] {
        &self.players
    }

    /// Expected extra random draws per year: one per event per frequency control that applies,
    /// and the yearly efficacy draws.
    pub(crate) fn expected_draws_per_year(&self, risks: &[Risk]) -> f64 {
        let per_event: f64 = risks
            .iter()
            .zip(&self.profile_of_risk)
            .filter(|(_, p)| **p != NO_PROFILE)
            .map(|(r, &p)| {
                let freq = self.profiles[p as usize]
                    .members
                    .iter()
                    .filter(|m| m.frequency)
                    .count();
                r.frequency().mean() * freq as f64
            })
            .sum();
        per_event + 2.0 * self.controls.len() as f64
    }
}

impl Profile {
    fn new(
        applicable: &[usize],
        controls: &[Control],
        planned: &[PlannedControl],
        player_of: &dyn Fn(Function) -> usize,
    ) -> Profile {
        let members: Vec<Member> = applicable
            .iter()
            .map(|&c| Member {
                control: c,
                player: player_of(controls[c].function()),
                frequency: planned[c].frequency.is_some(),
                magnitude: planned[c].magnitude.is_some(),
            })
            .collect();
        let transfers: Vec<(usize, usize)> = members
            .iter()
            .enumerate()
            .filter_map(|(j, m)| planned[m.control].transfer.map(|t| (t, j)))
            .collect();
        let attachment = transfers
            .iter()
            .map(|&(_, j)| {
                controls[members[j].control]
                    .transfer()
                    .map_or(f64::INFINITY, Transfer::attachment)
            })
            .fold(f64::INFINITY, f64::min);
        let lever = |pick: fn(&Member) -> bool| -> Vec<(usize, usize)> {
            members
                .iter()
                .enumerate()
                .filter(|(_, m)| pick(m))
                .map(|(j, m)| (m.control, j))
                .collect()
        };
        Profile {
            frequency: lever(|m| m.frequency),
            magnitude: lever(|m| m.magnitude),
            members,
            transfers,
            attachment,
        }
    }
}

/// The stream key of a control: a hash of its id (FNV-1a), never 0 (0 is the events' stream).
fn stream_key(id: &str) -> u64 {
    let hash = id.bytes().fold(0xCBF2_9CE4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3)
    });
    hash | 1
}

/// Mean and sum of squared deviations of one chunk's per-year values, merged across chunks in
/// chunk order (Chan et al.), so variances keep their digits whatever the mean.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Moments {
    pub(crate) n: f64,
    pub(crate) mean: f64,
    pub(crate) m2: f64,
}

impl Moments {
    fn of(values: &[f64]) -> Moments {
        let n = values.len() as f64;
        if values.is_empty() {
            return Moments::default();
        }
        let mean = values.iter().sum::<f64>() / n;
        let m2 = values.iter().map(|v| (v - mean) * (v - mean)).sum();
        Moments { n, mean, m2 }
    }

    pub(crate) fn merge(&mut self, other: &Moments) {
        let n = self.n + other.n;
        if n == 0.0 {
            return;
        }
        let delta = other.mean - self.mean;
        self.mean += delta * other.n / n;
        self.m2 += other.m2 + delta * delta * self.n * other.n / n;
        self.n = n;
    }

    /// The sample variance of the values.
    pub(crate) fn variance(&self) -> f64 {
        if self.n > 1.0 {
            (self.m2 / (self.n - 1.0)).max(0.0)
        } else {
            0.0
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
    /// Per Shapley player slot: the shares of the per-event product games, summed.
    product_shares: [f64; MAX_PLAYERS],
    /// Per subset of players: the year's capped insurance recoveries with that subset's
    /// controls, summed over the chunk's years (the Shapley value is linear in the game, so the
    /// shares of the summed game are the sums of the yearly shares).
    recovery_game: Vec<f64>,
    /// Per risk: its residual loss summed over the chunk.
    pub(crate) residual_by_risk: Vec<f64>,
}

/// The per-chunk state of the arms: the controls' generators and this year's draws and sums.
pub(crate) struct Arms<'a> {
    plan: &'a ControlPlan,
    rngs: Vec<Xoshiro256PlusPlus>,
    /// This year's frequency efficacy per control (0 for none).
    block: Vec<f64>,
    /// This year's kept share of the loss per control, 1 − magnitude efficacy (1 for none).
    keep: Vec<f64>,
    year: YearSums,
    chunk_trials: usize,
    standalone_by_year: Vec<f64>,
    out: ArmChunk,
    residual: &'a mut [f64],
    /// Scratch per event: member factors and prefix products.
    factors: Vec<f64>,
    prefix: Vec<f64>,
    minus: Vec<f64>,
    /// Scratch per event: the residual arm's recovery by each transfer.
    paid: Vec<f64>,
}

/// This year's sums per arm (reset at the end of every year).
#[derive(Debug)]
struct YearSums {
    residual_before_transfers: f64,
    /// Per control: Σ over events of (loss without it − loss with all), before transfers.
    marginal: Vec<f64>,
    /// Per control: Σ over events of (inherent loss − loss with only it), before transfers.
    standalone: Vec<f64>,
    /// Per transfer: Σ of the residual arm's recoveries.
    recovered: Vec<f64>,
    /// Per (control, transfer): Σ of (recovery without the control − residual recovery).
    recovered_without: Vec<f64>,
    /// Per transfer: Σ of its recoveries when it is the only control.
    recovered_alone: Vec<f64>,
    /// Per (transfer, player subset), transfer-major: Σ of recoveries with that subset's
    /// controls.
    recovered_by_subset: Vec<f64>,
    /// (risk, transfer, recovery) of the residual arm, to share capped recoveries among risks.
    recoveries: Vec<(usize, usize, f64)>,
    /// Whether an event this year reached the insurance arms (their sums need a reset).
    touched: bool,
}

impl<'a> Arms<'a> {
    /// The arms of one chunk of `chunk_trials` years, writing the residual losses to `residual`.
    pub(crate) fn new(
        plan: &'a ControlPlan,
        n_risks: usize,
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
            keep: vec![1.0; c],
            year: YearSums {
                residual_before_transfers: 0.0,
                marginal: vec![0.0; c],
                standalone: vec![0.0; c],
                recovered: vec![0.0; t],
                recovered_without: vec![0.0; c * t],
                recovered_alone: vec![0.0; t],
                recovered_by_subset: vec![0.0; if t > 0 { t << plan.players.len() } else { 0 }],
                recoveries: Vec::new(),
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
                residual_by_risk: vec![0.0; n_risks],
            },
            residual,
            factors: vec![0.0; widest],
            prefix: vec![0.0; widest + 1],
            minus: vec![0.0; widest],
            paid: vec![0.0; t],
        }
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
        self.out
    }

    /// Draws this year's efficacies.
    #[inline]
    pub(crate) fn start_year(&mut self) {
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
    #[inline]
    pub(crate) fn event(&mut self, risk: usize, x: f64) {
        let plan = self.plan;
        let p = plan.profile_of_risk[risk];
        if p == NO_PROFILE {
            self.year.residual_before_transfers += x;
            self.out.residual_by_risk[risk] += x;
            return;
        }
        let profile = &plan.profiles[p as usize];
        let k = profile.members.len();
        let factors = &mut self.factors[..k];
        factors.fill(1.0);
        for &(c, j) in &profile.frequency {
            // A 53-bit uniform in [0, 1): blocked with probability exactly f (to 2^-53).
            let u = (self.rngs[c].next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
            if u < self.block[c] {
                factors[j] = 0.0;
            }
        }
        for &(c, j) in &profile.magnitude {
            factors[j] *= self.keep[c];
        }
        let mut h = [1.0; MAX_PLAYERS];
        for (m, &g) in profile.members.iter().zip(factors.iter()) {
            h[m.player] *= g;
        }
        // Prefix products give each all-but-one arm's kept share without division.
        let prefix = &mut self.prefix[..k];
        let mut all = 1.0;
        for (p, &g) in prefix.iter_mut().zip(factors.iter()) {
            *p = all;
            all *= g;
        }
        let kept = x * all;
        self.year.residual_before_transfers += kept;
        self.out.residual_by_risk[risk] += kept;
        let mut suffix = 1.0;
        let per_member = profile
            .members
            .iter()
            .zip(factors.iter().zip(prefix.iter()));
        for ((m, (&g, &p)), without) in per_member.zip(self.minus[..k].iter_mut()).rev() {
            *without = x * p * suffix;
            self.year.marginal[m.control] += *without - kept;
            self.year.standalone[m.control] += x * (1.0 - g);
            suffix *= g;
        }
        ShapleyWeights::add_product_game_dense(x, &h, &mut self.out.product_shares);
        if x > profile.attachment {
            self.transfer_event(profile, risk, x, kept, &h);
        }
    }

    /// The insurance arms of an event that some policy may pay for. An arm whose loss is at or
    /// below the profile's attachment point recovers nothing and is skipped: removing controls
    /// only raises a loss, so most arms of an event near the deductible drop out.
    #[inline(never)]
    fn transfer_event(
        &mut self,
        profile: &Profile,
        risk: usize,
        x: f64,
        kept: f64,
        h: &[f64; MAX_PLAYERS],
    ) {
        let plan = self.plan;
        let n_t = plan.transfers.len();
        self.year.touched = true;
        // Residual: every transfer in order, each on what the previous ones left.
        let mut y = kept;
        for &(t, _) in &profile.transfers {
            let r = plan.transfers[t].recovery(y);
            y -= r;
            self.year.recovered[t] += r;
            self.paid[t] = r;
            if r > 0.0 {
                self.year.recoveries.push((risk, t, r));
            }
        }
        // All but one control.
        let attachment = profile.attachment;
        for (j, m) in profile.members.iter().enumerate() {
            let mut y = self.minus[j];
            // Then the residual loss, below it, recovers nothing either: no change.
            if y <= attachment {
                continue;
            }
            for &(t, tj) in &profile.transfers {
                let r = if tj == j {
                    0.0
                } else {
                    plan.transfers[t].recovery(y)
                };
                y -= r;
                self.year.recovered_without[m.control * n_t + t] += r - self.paid[t];
            }
        }
        // Each transfer alone.
        for &(t, tj) in &profile.transfers {
            self.year.recovered_alone[t] += plan.transfers[t].recovery(x * self.factors[tj]);
        }
        // Every subset of functions that includes a policy's function.
        let subsets = 1usize << plan.players.len();
        let mut y_subset = [0.0; 1 << MAX_PLAYERS];
        y_subset[0] = x;
        // Doubling: the subsets with player f are those without it, times h_f (independent
        // multiplications, no chain through memory).
        for (f, &hf) in h.iter().enumerate().take(plan.players.len()) {
            let (lower, upper) = y_subset.split_at_mut(1 << f);
            for (u, l) in upper.iter_mut().zip(lower.iter()) {
                *u = l * hf;
            }
        }
        if let [(t, _)] = profile.transfers[..] {
            // One policy (the common case): only the subsets with its function recover.
            let bit = 1 << plan.transfer_player[t];
            let terms = &plan.transfers[t];
            let recovered = &mut self.year.recovered_by_subset[t * subsets..(t + 1) * subsets];
            for (s, (r, &y)) in recovered.iter_mut().zip(&y_subset[..subsets]).enumerate() {
                if s & bit != 0 {
                    *r += terms.recovery(y);
                }
            }
            return;
        }
        for (s, &ys) in y_subset.iter().enumerate().take(subsets) {
            if ys <= attachment {
                continue;
            }
            let mut y = ys;
            for &(t, _) in &profile.transfers {
                if s & (1 << plan.transfer_player[t]) != 0 {
                    let r = plan.transfers[t].recovery(y);
                    y -= r;
                    self.year.recovered_by_subset[t * subsets + s] += r;
                }
            }
        }
    }

    /// Closes year `slot` of the chunk.
    #[inline]
    pub(crate) fn end_year(&mut self, slot: usize) {
        let plan = self.plan;
        let n_t = plan.transfers.len();
        let n = self.chunk_trials;
        let year = &mut self.year;
        let cap = |t: usize, v: f64| plan.transfers[t].cap_annual(v);
        let recovered: f64 = (0..n_t).map(|t| cap(t, year.recovered[t])).sum();
        let residual = year.residual_before_transfers - recovered;
        self.residual[slot] = residual;
        for (c, pc) in plan.controls.iter().enumerate() {
            let mut marginal = year.marginal[c];
            let mut alone = year.standalone[c];
            if n_t > 0 {
                let without: f64 = (0..n_t)
                    .filter(|&t| pc.transfer != Some(t))
                    .map(|t| cap(t, year.recovered[t] + year.recovered_without[c * n_t + t]))
                    .sum();
                marginal += recovered - without;
                if let Some(t) = pc.transfer {
                    alone += cap(t, year.recovered_alone[t]);
                }
            }
            self.out.marginal_by_year[c * n + slot] = marginal;
            self.standalone_by_year[c * n + slot] = alone;
            year.marginal[c] = 0.0;
            year.standalone[c] = 0.0;
        }
        if year.touched {
            self.close_recovery_year();
        }
        self.year.residual_before_transfers = 0.0;
    }

    /// Shares a year's capped recoveries among risks and functions, and resets them.
    #[inline(never)]
    fn close_recovery_year(&mut self) {
        let plan = self.plan;
        let year = &mut self.year;
        for &(risk, t, r) in &year.recoveries {
            let total = year.recovered[t];
            let scale = plan.transfers[t].cap_annual(total) / total;
            self.out.residual_by_risk[risk] -= r * scale;
        }
        let subsets = self.out.recovery_game.len();
        for (recovered, terms) in year
            .recovered_by_subset
            .chunks_exact(subsets)
            .zip(&plan.transfers)
        {
            for (game, &r) in self.out.recovery_game.iter_mut().zip(recovered) {
                *game += terms.cap_annual(r);
            }
        }
        year.recoveries.clear();
        year.recovered.fill(0.0);
        year.recovered_without.fill(0.0);
        year.recovered_alone.fill(0.0);
        year.recovered_by_subset.fill(0.0);
        year.touched = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moments_merge_like_one_pass() {
        let values: Vec<f64> = (0..1000).map(|i| f64::from(i % 17) * 1e6 + 0.5).collect();
        let whole = Moments::of(&values);
        let mut merged = Moments::default();
        for chunk in values.chunks(97) {
            merged.merge(&Moments::of(chunk));
        }
        assert!((merged.mean - whole.mean).abs() < 1e-6);
        assert!((merged.variance() / whole.variance() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn stream_keys_differ_and_are_never_the_event_stream() {
        assert_ne!(stream_key("mfa"), stream_key("edr"));
        assert_ne!(stream_key(""), 0);
        assert_eq!(stream_key("mfa"), stream_key("mfa"));
    }
}
