//! The control arms of a model that uses coverage, reliability, variance management, parties or
//! groups (reliability.rs): the same arms as arms.rs, on the same simulated events, evaluated
//! event by event.
//!
//! A model without these features never comes here (control_run.rs picks arms.rs, whose results
//! stay bit-identical). Here a control's factor on an event depends on more than its yearly
//! draws: whether the event is covered, whether its time of the year falls in one of the
//! control's lapses, and, for a managed control, which of its managers are in the arm. So the
//! sums by class of arms.rs do not apply, and each event computes, from per-member factors:
//!
//! - **residual** (every control, every manager in place);
//! - **all but c**: without c, and, when c manages others, with their unmanaged lapses;
//! - **only c**: c alone, its lapses unmanaged (a managing control alone removes nothing);
//! - **c always out / always in**: everything as modelled but c, which is lapsed (meets its
//!   variant efficacy) on every event, or never lapsed; their difference over 365 is c's
//!   lapse cost per day. A managing control out for the year manages nothing: its arm is the
//!   arm without it;
//! - **party P out**: every control P runs lapsed all year (a managing control of P manages
//!   nothing, P's insurance pays nothing): the stress "P's controls lapse for a year";
//! - **Shapley**, for each partition of the controls (functions, parties, groups): the per-event
//!   game in closed form ([`add_managed_product_game`]), plus the insurance recoveries on every
//!   subset of the partition's players.
//!
//! Random numbers: each control's yearly efficacies and per-event blocking draws come from its
//! own stream exactly as in arms.rs, so a control's draws do not change when another control
//! gains a reliability. Its coverage and lapse draws come from a second stream of its own (key
//! `stream_key ^ 1`, even where the first is odd), and each event's time of the year from a
//! calendar stream (key [`CALENDAR_STREAM`]); control_draws.rs draws them all.

use rand::rngs::Xoshiro256PlusPlus;
use std::collections::{HashMap, HashSet};

use crate::csf::Function;
use crate::engine::arms::ArmChunk;
use crate::engine::contributions::TailRecorder;
use crate::engine::control_draws::ControlDraws;
use crate::engine::shapley::{MAX_GROUP_PLAYERS, NODES, ShapleyWeights, add_managed_product_game};
use crate::engine::simulate::YearSink;
use crate::engine::stats::Moments;
use crate::model::control::{Control, stream_key};
use crate::model::efficacy::Efficacy;
use crate::model::reliability::Lapses;
use crate::model::risk::Risk;
use crate::model::transfer::Transfer;

/// The stream of the events' times of the year (control streams are odd, their second streams
/// even and derived from a hash: 2 is the one key no control's second stream can be but by a
/// 2^-63 chance).
pub(crate) const CALENDAR_STREAM: u64 = 2;

pub(crate) const NO_PROFILE: u32 = u32::MAX;

/// A partition of the controls into Shapley players.
#[derive(Debug)]
pub(crate) struct Partition {
    /// The players' names (function names, parties, groups), in the order of the shares.
    pub(crate) names: Vec<String>,
    /// Per control: its player.
    pub(crate) player_of: Vec<usize>,
    weights: ShapleyWeights,
}

impl Partition {
    fn new(names: Vec<String>, player_of: Vec<usize>) -> Partition {
        Partition {
            weights: ShapleyWeights::new(names.len()),
            names,
            player_of,
        }
    }

    fn players(&self) -> usize {
        self.names.len()
    }
}

/// The name of the group of controls without a `group` tag (not a valid id, so it cannot clash
/// with one).
pub(crate) const UNGROUPED: &str = "(ungrouped)";

#[derive(Debug)]
pub(crate) struct Planned {
    pub(crate) stream: u64,
    pub(crate) frequency: Option<Efficacy>,
    pub(crate) magnitude: Option<Efficacy>,
    /// During a lapse, on each lever (default 0).
    pub(crate) variant: Option<Efficacy>,
    pub(crate) coverage: f64,
    pub(crate) lapses: Option<Lapses>,
    /// The Poisson count of the lapse process, precomputed.
    pub(crate) lapse_count: Option<rand_distr::Poisson<f64>>,
    /// The managing controls of this control (at most 6), and per state (bit set over them,
    /// the managers in place) the lapse thinning factor and duration cap.
    pub(crate) managers: Vec<usize>,
    pub(crate) state_factor: Vec<f64>,
    pub(crate) state_cap: Vec<f64>,
    /// Whether the control manages another.
    pub(crate) manages: bool,
    pub(crate) transfer: Option<usize>,
    pub(crate) party: usize,
}

#[derive(Debug)]
pub(crate) struct Profile {
    /// The controls acting on the risk, then the managers of those that are not acting.
    pub(crate) members: Vec<usize>,
    /// Per member: whether it acts on this risk's losses (a manager-only member does not).
    pub(crate) acts: Vec<bool>,
    /// Per member, per manager of it (in `Planned::managers` order): the member index of the
    /// manager.
    pub(crate) manager_members: Vec<Vec<usize>>,
    /// (transfer, member) in model order.
    pub(crate) transfers: Vec<(usize, usize)>,
    pub(crate) attachment: f64,
    /// Per partition: the players holding a member that manages another member, and per subset
    /// T of them (bits in that order) and member: the member's state (bits over its managers).
    games: Vec<ProfileGame>,
    /// Per member: whether it manages another control.
    manages: Vec<bool>,
    /// Per member: its state with every manager in place.
    full_state: Vec<usize>,
    /// Per member j that manages (else empty), per member i: i's state without j.
    without_state: Vec<Vec<usize>>,
    /// Per party: per member, whether the party runs it, and its state with the party's
    /// managers out; whether the party runs a member at all.
    runs: Vec<Vec<bool>>,
    party_state: Vec<Vec<usize>>,
    touches: Vec<bool>,
    /// The controls that are not members (the arms followed under aggregate limits).
    non_members: Vec<usize>,
}

#[derive(Debug)]
struct ProfileGame {
    managing_players: Vec<usize>,
    /// `state[T * members + j]`.
    state: Vec<u8>,
    /// Per member: the bit of its player.
    bit: Vec<usize>,
    /// The bits of the players holding a policy of the profile.
    policy_bits: usize,
    /// Per managing player (in `managing_players` order): its bit.
    managing_bits: Vec<usize>,
    /// The members in the order of their players, each player's in member order.
    by_player: Vec<usize>,
    /// The players with a member: (player, end of its members in `by_player`), in order.
    groups: Vec<(usize, usize)>,
}

impl ProfileGame {
    /// The subset T of the managing players (bits in their order) present in `subset`.
    #[inline]
    fn managing_subset(&self, subset: usize) -> usize {
        let mut t = 0;
        for (pos, &bit) in self.managing_bits.iter().enumerate() {
            if subset & bit != 0 {
                t |= 1 << pos;
            }
        }
        t
    }
}

/// The controls of a model with reliability features, laid out for the per-event work.
#[derive(Debug)]
pub(crate) struct LapsePlan {
    pub(crate) controls: Vec<Planned>,
    pub(crate) profiles: Vec<Profile>,
    pub(crate) profile_of_risk: Vec<u32>,
    /// Functions, parties, then groups (when a control has a `group`).
    pub(crate) partitions: Vec<Partition>,
    /// Per party (the order of `partitions[1]`): its controls.
    pub(crate) transfers: Vec<Transfer>,
    pub(crate) any_aggregate: bool,
    pub(crate) any_lapses: bool,
    pub(crate) widest: usize,
    /// Per partition: the arm of its empty subset (`arm_subset(partition, 0)`).
    subset_base: Vec<usize>,
}

impl LapsePlan {
    pub(crate) fn new(risks: &[Risk], controls: &[Control]) -> LapsePlan {
        let index: HashMap<&str, usize> = controls
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id(), i))
            .collect();
        // Partitions: functions (CSF order), parties and groups (first appearance).
        let mut functions: Vec<Function> = controls.iter().map(Control::function).collect();
        functions.sort();
        functions.dedup();
        let by_function = Partition::new(
            functions
                .iter()
                .map(|f| f.name().to_ascii_lowercase())
                .collect(),
            controls
                .iter()
                .map(|c| {
                    functions
                        .iter()
                        .position(|&f| f == c.function())
                        .unwrap_or(0)
                })
                .collect(),
        );
        let names_of = |key: &dyn Fn(&Control) -> String| {
            let mut names: Vec<String> = Vec::new();
            let player_of = controls
                .iter()
                .map(|c| {
                    let k = key(c);
                    names.iter().position(|n| *n == k).unwrap_or_else(|| {
                        names.push(k);
                        names.len() - 1
                    })
                })
                .collect();
            Partition::new(names, player_of)
        };
        let by_party = names_of(&|c| c.party().to_string());
        let mut partitions = vec![by_function, by_party];
        if controls.iter().any(|c| c.group().is_some()) {
            partitions.push(names_of(&|c| c.group().unwrap_or(UNGROUPED).to_string()));
        }

        let mut managers_of: Vec<Vec<usize>> = vec![Vec::new(); controls.len()];
        for (m, c) in controls.iter().enumerate() {
            if let Some(management) = c.management() {
                for id in management.controls() {
                    if let Some(&j) = index.get(id.as_str()) {
                        managers_of[j].push(m);
                    }
                }
            }
        }
        let mut transfers = Vec::new();
        let planned: Vec<Planned> = controls
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let managers = managers_of[i].clone();
                let states = 1usize << managers.len();
                let mut state_factor = vec![1.0; states];
                let mut state_cap = vec![f64::INFINITY; states];
                for s in 0..states {
                    for (bit, &m) in managers.iter().enumerate() {
                        if s & (1 << bit) != 0
                            && let Some(mg) = controls[m].management()
                        {
                            state_factor[s] *= mg.frequency_factor();
                            if let Some(cap) = mg.duration_cap_days() {
                                state_cap[s] = state_cap[s].min(cap);
                            }
                        }
                    }
                }
                let lapses = c.reliability().map(|r| r.repr());
                let lapse_count = match lapses {
                    Some(Lapses::Poisson { frequency, .. }) if frequency > 0.0 => {
                        rand_distr::Poisson::new(frequency).ok()
                    }
                    _ => None,
                };
                Planned {
                    stream: stream_key(c.id()),
                    frequency: c.frequency_efficacy().cloned(),
                    magnitude: c.magnitude_efficacy().cloned(),
                    variant: c.variant_efficacy().cloned(),
                    coverage: c.coverage(),
                    lapses,
                    lapse_count,
                    managers,
                    state_factor,
                    state_cap,
                    manages: c.management().is_some(),
                    transfer: c.transfer().map(|t| {
                        transfers.push(*t);
                        transfers.len() - 1
                    }),
                    party: partitions[1].player_of[i],
                }
            })
            .collect();

        let scopes: Vec<Option<HashSet<&str>>> = controls
            .iter()
            .map(|c| {
                c.applies_to_risks()
                    .map(|ids| ids.iter().map(String::as_str).collect())
            })
            .collect();
        let mut profiles: Vec<Profile> = Vec::new();
        let mut profile_of_risk = Vec::with_capacity(risks.len());
        let mut index_of: HashMap<Vec<usize>, usize> = HashMap::new();
        for risk in risks {
            // Controls with an effect on losses that apply to the risk.
            let acting: Vec<usize> = (0..controls.len())
                .filter(|&i| {
                    controls[i].acts_on_losses()
                        && scopes[i].as_ref().is_none_or(|ids| ids.contains(risk.id()))
                })
                .collect();
            if acting.is_empty() {
                profile_of_risk.push(NO_PROFILE);
                continue;
            }
            let p = match index_of.get(&acting) {
                Some(&p) => p,
                None => {
                    profiles.push(Profile::new(&acting, &planned, &partitions, &transfers));
                    index_of.insert(acting, profiles.len() - 1);
                    profiles.len() - 1
                }
            };
            profile_of_risk.push(p as u32);
        }
        let widest = profiles.iter().map(|p| p.members.len()).max().unwrap_or(0);
        let mut first = 1 + 3 * planned.len() + transfers.len() + partitions[1].players();
        let subset_base = partitions
            .iter()
            .map(|p| {
                first += 1 << p.players();
                first - (1 << p.players())
            })
            .collect();
        LapsePlan {
            any_aggregate: transfers.iter().any(|t| t.aggregate_limit().is_some()),
            any_lapses: planned.iter().any(|c| c.lapses.is_some()),
            controls: planned,
            profiles,
            profile_of_risk,
            partitions,
            transfers,
            widest,
            subset_base,
        }
    }

    /// Per risk: whether any control acts on it.
    pub(crate) fn controlled(&self) -> Vec<bool> {
        self.profile_of_risk
            .iter()
            .map(|&p| p != NO_PROFILE)
            .collect()
    }

    /// The number of parties.
    pub(crate) fn parties(&self) -> usize {
        self.partitions[1].players()
    }

    /// Arms that hold insurance payments: residual, all but each control, each transfer alone,
    /// each control always out and always in, each party out, each subset of each partition.
    fn arms(&self) -> usize {
        1 + 3 * self.controls.len()
            + self.transfers.len()
            + self.parties()
            + self
                .partitions
                .iter()
                .map(|p| 1usize << p.players())
                .sum::<usize>()
    }

    fn arm_without(&self, c: usize) -> usize {
        1 + c
    }
    fn arm_out(&self, c: usize) -> usize {
        1 + self.controls.len() + c
    }
    fn arm_in(&self, c: usize) -> usize {
        1 + 2 * self.controls.len() + c
    }
    fn arm_alone(&self, t: usize) -> usize {
        1 + 3 * self.controls.len() + t
    }
    fn arm_party(&self, p: usize) -> usize {
        1 + 3 * self.controls.len() + self.transfers.len() + p
    }
    fn arm_subset(&self, partition: usize, subset: usize) -> usize {
        let mut first = 1 + 3 * self.controls.len() + self.transfers.len() + self.parties();
        for p in &self.partitions[..partition] {
            first += 1 << p.players();
        }
        first + subset
    }

    /// Expected extra work per year, in random draws, counted generously: per event, per
    /// member, its blocking, coverage and lapse checks (a lapse check per lapse of the year and
    /// management state) and the arms (about one per other member and party); per partition the
    /// closed form (8 nodes x 2^|M| x players / 4); above an attachment point, every insurance
    /// arm; per year the efficacy and lapse draws.
    pub(crate) fn expected_draws_per_year(&self, risks: &[Risk]) -> f64 {
        let arms = self.arms() as f64;
        let mut events = vec![0.0; self.profiles.len()];
        for (r, &p) in risks.iter().zip(&self.profile_of_risk) {
            if p != NO_PROFILE {
                events[p as usize] += r.frequency().mean();
            }
        }
        let lapse_checks = |c: &Planned| -> f64 {
            let per_year = match c.lapses {
                None => 0.0,
                Some(Lapses::Share(_)) => 1.0,
                Some(Lapses::Poisson { frequency, .. }) => frequency,
            };
            per_year * c.state_factor.len() as f64
        };
        let work: f64 = self
            .profiles
            .iter()
            .zip(&events)
            .map(|(profile, &n)| {
                let k = profile.members.len() as f64;
                let members: f64 = profile
                    .members
                    .iter()
                    .map(|&c| 3.0 + lapse_checks(&self.controls[c]))
                    .sum();
                let games: f64 = profile
                    .games
                    .iter()
                    .zip(&self.partitions)
                    .map(|(g, p)| {
                        let t = (1usize << g.managing_players.len()) as f64;
                        t * (k + 2.0 * p.players() as f64)
                    })
                    .sum();
                let insurance = arms * profile.transfers.len() as f64 / 8.0;
                n * (members + k * (k + self.parties() as f64) / 4.0 + games + insurance)
            })
            .sum();
        let yearly: f64 = self
            .controls
            .iter()
            .map(|c| 2.0 + 3.0 * lapse_checks(c) / c.state_factor.len() as f64)
            .sum();
        work + yearly
    }
}

impl Profile {
    fn new(
        acting: &[usize],
        planned: &[Planned],
        partitions: &[Partition],
        transfers: &[Transfer],
    ) -> Profile {
        let mut members: Vec<usize> = acting.to_vec();
        let mut acts = vec![true; members.len()];
        for &c in acting {
            for &m in &planned[c].managers {
                if !members.contains(&m) {
                    members.push(m);
                    acts.push(false);
                }
            }
        }
        let member_of = |c: usize| members.iter().position(|&m| m == c).unwrap_or(0);
        let manager_members: Vec<Vec<usize>> = members
            .iter()
            .map(|&c| planned[c].managers.iter().map(|&m| member_of(m)).collect())
            .collect();
        let transfers_here: Vec<(usize, usize)> = members
            .iter()
            .enumerate()
            .filter(|&(j, _)| acts[j])
            .filter_map(|(j, &c)| planned[c].transfer.map(|t| (t, j)))
            .collect();
        let attachment = transfers_here
            .iter()
            .map(|&(t, _)| transfers[t].first_paying_loss())
            .fold(f64::INFINITY, f64::min);
        let k = members.len();
        let games = partitions
            .iter()
            .map(|partition| {
                let mut managing_players: Vec<usize> = Vec::new();
                for managers in &manager_members {
                    for &mj in managers {
                        let player = partition.player_of[members[mj]];
                        if !managing_players.contains(&player) {
                            managing_players.push(player);
                        }
                    }
                }
                let subsets = 1usize << managing_players.len();
                let mut state = vec![0u8; subsets * k];
                for t in 0..subsets {
                    for j in 0..k {
                        let mut s = 0u8;
                        for (bit, &mj) in manager_members[j].iter().enumerate() {
                            let player = partition.player_of[members[mj]];
                            let pos = managing_players
                                .iter()
                                .position(|&p| p == player)
                                .unwrap_or(0);
                            if t & (1 << pos) != 0 {
                                s |= 1 << bit;
                            }
                        }
                        state[t * k + j] = s;
                    }
                }
                let player: Vec<usize> = members.iter().map(|&c| partition.player_of[c]).collect();
                let mut by_player = Vec::with_capacity(k);
                let mut player_start = vec![0];
                for p in 0..partition.players() {
                    by_player.extend((0..k).filter(|&j| player[j] == p));
                    player_start.push(by_player.len());
                }
                let groups = (0..partition.players())
                    .filter(|&p| player_start[p + 1] > player_start[p])
                    .map(|p| (p, player_start[p + 1]))
                    .collect();
                ProfileGame {
                    groups,
                    by_player,
                    bit: player.iter().map(|&p| 1 << p).collect(),
                    policy_bits: transfers_here
                        .iter()
                        .fold(0, |bits, &(_, j)| bits | 1 << player[j]),
                    managing_bits: managing_players.iter().map(|&p| 1 << p).collect(),
                    managing_players,
                    state,
                }
            })
            .collect();
        // The state of member j when the members for which `present` is true are in the arm.
        let state_of = |j: usize, present: &dyn Fn(usize) -> bool| -> usize {
            let mut s = 0;
            for (bit, &mj) in manager_members[j].iter().enumerate() {
                if present(mj) {
                    s |= 1 << bit;
                }
            }
            s
        };
        let manages: Vec<bool> = members.iter().map(|&c| planned[c].manages).collect();
        let full_state = (0..k).map(|j| state_of(j, &|_| true)).collect();
        let without_state = (0..k)
            .map(|j| {
                if manages[j] {
                    (0..k).map(|i| state_of(i, &|m| m != j)).collect()
                } else {
                    Vec::new()
                }
            })
            .collect();
        let parties = partitions[1].players();
        let runs: Vec<Vec<bool>> = (0..parties)
            .map(|party| members.iter().map(|&c| planned[c].party == party).collect())
            .collect();
        let party_state = runs
            .iter()
            .map(|runs| (0..k).map(|j| state_of(j, &|m| !runs[m])).collect())
            .collect();
        let touches = runs.iter().map(|runs| runs.contains(&true)).collect();
        let non_members = (0..planned.len())
            .filter(|c| !members.contains(c))
            .collect();
        Profile {
            members,
            acts,
            manager_members,
            transfers: transfers_here,
            attachment,
            games,
            manages,
            full_state,
            without_state,
            runs,
            party_state,
            touches,
            non_members,
        }
    }
}

/// What the arms of one chunk return beyond arms.rs's [`ArmChunk`].
#[derive(Debug)]
pub(crate) struct LapseChunk {
    /// Per control: Σ over the chunk's years of (loss with it always out − always in).
    pub(crate) lapse: Vec<f64>,
    /// Per party, per year of the chunk (party-major): the loss with the party's controls out
    /// minus the residual loss.
    pub(crate) party_by_year: Vec<f64>,
    /// Per partition (functions, parties, groups): per player, its Shapley share summed.
    pub(crate) shares: Vec<Vec<f64>>,
}

/// The per-chunk state of the arms.
pub(crate) struct LapseArms<'a> {
    plan: &'a LapsePlan,
    /// The controls' draws and the current event's member factors.
    draws: ControlDraws,
    /// Scratch per member: its factor in the residual arm.
    full: Vec<f64>,
    /// Scratch per member: the kept share of each all-but-one arm.
    without: Vec<f64>,
    /// Per profile and partition (`profile * partitions + partition`): the event's factor of
    /// each player per subset T of the managing players (a player without a member of the
    /// profile stays 1).
    factors: Vec<Vec<[f64; MAX_GROUP_PLAYERS]>>,
    /// Scratch per subset T of a partition's managing players and member: the member's factor
    /// (`member_g[T * members + j]`), and the members whose factor is not 1.
    member_g: Vec<f64>,
    active: Vec<usize>,
    chunk_trials: usize,
    residual: &'a mut [f64],
    year_residual: f64,
    year_subtotal: f64,
    year_marginal: Vec<f64>,
    year_standalone: Vec<f64>,
    year_lapse: Vec<f64>,
    year_party: Vec<f64>,
    paid: Vec<f64>,
    touched: bool,
    marginal_by_year: Vec<f64>,
    standalone_by_year: Vec<f64>,
    residual_by_risk: Vec<f64>,
    /// Told of every event's retained loss, by risk (see contributions.rs).
    tail: Option<TailRecorder>,
    lapse: Vec<f64>,
    party_by_year: Vec<f64>,
    product_shares: Vec<[f64; MAX_GROUP_PLAYERS]>,
    recovery_game: Vec<Vec<f64>>,
    /// This year's product games waiting for evaluation, their factors in `arena`.
    pending: Vec<PendingGame>,
    arena: Vec<[f64; MAX_GROUP_PLAYERS]>,
    /// Per slot: 1 + the index of a pending game whose key leads there (0: empty).
    slots: [u8; PENDING_SLOTS],
    /// Scratch of `add_managed_product_game`.
    terms: Vec<[f64; NODES]>,
}

/// A product game of one profile and partition with the summed loss of its events this year.
#[derive(Clone, Copy, Debug)]
struct PendingGame {
    key: u64,
    profile: u32,
    partition: usize,
    start: usize,
    subsets: usize,
    /// Whether every row of its factors is the first (an event in no lapse).
    uniform: bool,
    loss: f64,
}

/// The most pending games before they are evaluated early.
const MAX_PENDING: usize = 24;

/// The slots of the index of the pending games (a power of two, well above `MAX_PENDING`).
const PENDING_SLOTS: usize = 64;

impl<'a> LapseArms<'a> {
    pub(crate) fn new(
        plan: &'a LapsePlan,
        stream: impl Fn(u64) -> Xoshiro256PlusPlus,
        residual: &'a mut [f64],
    ) -> LapseArms<'a> {
        let c = plan.controls.len();
        let n = residual.len();
        let w = plan.widest;
        let parties = plan.parties();
        let largest_t = plan
            .profiles
            .iter()
            .flat_map(|p| p.games.iter().map(|g| 1usize << g.managing_players.len()))
            .max()
            .unwrap_or(1);
        LapseArms {
            plan,
            draws: ControlDraws::new(plan, stream),
            full: vec![1.0; w],
            without: vec![1.0; w],
            factors: plan
                .profiles
                .iter()
                .flat_map(|p| {
                    p.games
                        .iter()
                        .map(|g| vec![[1.0; MAX_GROUP_PLAYERS]; 1 << g.managing_players.len()])
                })
                .collect(),
            member_g: vec![1.0; largest_t * w],
            active: vec![0; w],
            chunk_trials: n,
            residual,
            year_residual: 0.0,
            year_subtotal: 0.0,
            year_marginal: vec![0.0; c],
            year_standalone: vec![0.0; c],
            year_lapse: vec![0.0; c],
            year_party: vec![0.0; parties],
            paid: vec![0.0; plan.arms() * plan.transfers.len()],
            touched: false,
            marginal_by_year: vec![0.0; c * n],
            standalone_by_year: vec![0.0; c * n],
            residual_by_risk: vec![0.0; plan.profile_of_risk.len()],
            tail: None,
            lapse: vec![0.0; c],
            party_by_year: vec![0.0; parties * n],
            product_shares: vec![[0.0; MAX_GROUP_PLAYERS]; plan.partitions.len()],
            recovery_game: plan
                .partitions
                .iter()
                .map(|p| vec![0.0; 1 << p.players()])
                .collect(),
            pending: Vec::with_capacity(MAX_PENDING),
            arena: Vec::new(),
            slots: [0; PENDING_SLOTS],
            terms: Vec::new(),
        }
    }

    /// Records each year's retained losses by risk in `recorder` (for the residual's tail
    /// contributions), returned in [`ArmChunk::residual_tail`].
    pub(crate) fn with_tail(mut self, recorder: TailRecorder) -> LapseArms<'a> {
        self.tail = Some(recorder);
        self
    }

    /// The chunk's results, once every year has ended.
    pub(crate) fn finish(self) -> (ArmChunk, LapseChunk) {
        let n = self.chunk_trials.max(1);
        let marginal = self.marginal_by_year.chunks(n).map(Moments::of).collect();
        let standalone = self.standalone_by_year.chunks(n).map(Moments::of).collect();
        let shares: Vec<Vec<f64>> = self
            .plan
            .partitions
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let mut shares = self.product_shares[i][..p.players()].to_vec();
                p.weights
                    .add_subset_game(&self.recovery_game[i], &mut shares);
                shares
            })
            .collect();
        let mut chunk = ArmChunk::from_parts(
            marginal,
            standalone,
            self.marginal_by_year,
            shares[0].clone(),
            self.residual_by_risk,
        );
        chunk.residual_tail = self.tail;
        (
            chunk,
            LapseChunk {
                lapse: self.lapse,
                party_by_year: self.party_by_year,
                shares,
            },
        )
    }

    /// The factor of member `j` in management state `s`.
    #[inline]
    fn g(&self, j: usize, s: usize) -> f64 {
        self.draws.mf[j].g(s)
    }

    /// Pays the profile's policies in `arm` on a kept loss `y`, skipping those for which
    /// `skip` is true; returns what the arm retains.
    #[inline]
    fn layers(
        &mut self,
        profile: &Profile,
        arm: usize,
        y: f64,
        skip: impl Fn(usize) -> bool,
    ) -> f64 {
        let plan = self.plan;
        let n_t = plan.transfers.len();
        let ground_up = y;
        let mut y = y;
        if y > profile.attachment {
            for &(t, j) in &profile.transfers {
                if !skip(profile.members[j]) {
                    y -= plan.transfers[t].pay(ground_up, y, &mut self.paid[arm * n_t + t]);
                }
            }
        }
        y
    }

    /// Adds an event's loss `x` to the pending product game of (`profile`, `partition`) with the
    /// factors now in `self.factors[..subsets]`, or opens one. The Shapley value is linear in x
    /// for given factors, so the events of a year with the same factors (most of them: covered,
    /// unblocked, in no lapse) are evaluated once, at the end of the year (`flush_games`).
    fn defer_game(
        &mut self,
        profile: u32,
        partition: usize,
        subsets: usize,
        uniform: bool,
        x: f64,
    ) {
        let players = self.plan.partitions[partition].players();
        let rows = profile as usize * self.plan.partitions.len() + partition;
        let factors = &self.factors[rows][..subsets];
        // A hash of the first row's bits (the rows differ only in a lapse) finds a match with
        // about one comparison.
        let mut key = u64::from(profile) ^ ((partition as u64) << 40);
        for v in &factors[0][..players] {
            key = (key ^ v.to_bits()).wrapping_mul(0x0000_0100_0000_01B3);
        }
        // Open addressing on the key's top bits: at most one pending game matches (a game is
        // opened only when none does), so the first match is the one a linear search finds.
        let home = (key >> (64 - PENDING_SLOTS.trailing_zeros())) as usize;
        let mut slot = home;
        loop {
            let i = self.slots[slot] as usize;
            if i == 0 {
                break;
            }
            let pending = &mut self.pending[i - 1];
            if pending.key == key
                && pending.profile == profile
                && pending.partition == partition
                && {
                    // Two games whose rows are all their first are equal if the first rows
                    // are.
                    let n = if uniform && pending.uniform {
                        1
                    } else {
                        subsets
                    };
                    self.arena[pending.start..pending.start + n]
                        .iter()
                        .zip(factors)
                        .all(|(a, b)| a[..players] == b[..players])
                }
            {
                pending.loss += x;
                return;
            }
            slot = (slot + 1) % PENDING_SLOTS;
        }
        if self.pending.len() >= MAX_PENDING {
            self.flush_games();
            slot = home;
        }
        let start = self.arena.len();
        self.arena.extend_from_slice(&self.factors[rows][..subsets]);
        self.pending.push(PendingGame {
            key,
            profile,
            partition,
            start,
            subsets,
            uniform,
            loss: x,
        });
        self.slots[slot] = self.pending.len() as u8;
    }

    /// Evaluates the pending product games (see `defer_game`).
    fn flush_games(&mut self) {
        let plan = self.plan;
        for pending in &self.pending {
            let profile = &plan.profiles[pending.profile as usize];
            let game = &profile.games[pending.partition];
            add_managed_product_game(
                pending.loss,
                &game.managing_players,
                &self.arena[pending.start..pending.start + pending.subsets],
                plan.partitions[pending.partition].players(),
                &mut self.product_shares[pending.partition],
                &mut self.terms,
            );
        }
        self.pending.clear();
        self.arena.clear();
        self.slots = [0; PENDING_SLOTS];
    }

    fn close_recovery_year(&mut self) {
        let plan = self.plan;
        let n_t = plan.transfers.len();
        for (i, partition) in plan.partitions.iter().enumerate() {
            let first = plan.arm_subset(i, 0);
            let paid = &self.paid[first * n_t..(first + (1 << partition.players())) * n_t];
            for (game, p) in self.recovery_game[i].iter_mut().zip(paid.chunks_exact(n_t)) {
                *game += p.iter().sum::<f64>();
            }
        }
        self.paid.fill(0.0);
        self.touched = false;
    }
}

impl YearSink for LapseArms<'_> {
    fn start_year(&mut self) {
        self.draws.start_year(self.plan);
    }

    fn event(&mut self, risk: usize, x: f64) {
        let plan = self.plan;
        let p = plan.profile_of_risk[risk];
        if p == NO_PROFILE {
            self.residual_by_risk[risk] += x;
            self.year_subtotal += x;
            if let Some(tail) = &mut self.tail {
                tail.add(risk, x);
            }
            return;
        }
        let profile = &plan.profiles[p as usize];
        let time = self.draws.event_time(plan);
        self.draws.member_factors(plan, profile, time);
        let k = profile.members.len();
        // Residual: every manager in place.
        for j in 0..k {
            self.full[j] = self.g(j, profile.full_state[j]);
        }
        let all: f64 = self.full[..k].iter().product();
        // All but one: without member j (and, if it manages, with its members unmanaged).
        for j in 0..k {
            self.without[j] = if profile.manages[j] {
                let states = &profile.without_state[j];
                let mut kept = 1.0;
                for i in (0..k).filter(|&i| i != j) {
                    kept *= self.g(i, states[i]);
                }
                kept
            } else {
                // Set below from prefix and suffix products.
                f64::NAN
            };
        }
        // The product of every residual factor but the j-th, without division.
        let mut suffix = 1.0;
        for j in (0..k).rev() {
            if !profile.manages[j] {
                self.without[j] = suffix;
            }
            suffix *= self.full[j];
        }
        let mut prefix = 1.0;
        for j in 0..k {
            if !profile.manages[j] {
                self.without[j] *= prefix;
            }
            prefix *= self.full[j];
        }
        let above = x > profile.attachment;
        if above {
            self.touched = true;
        }
        let residual = if above {
            self.layers(profile, 0, x * all, |_| false)
        } else {
            x * all
        };
        self.residual_by_risk[risk] += residual;
        self.year_subtotal += residual;
        if let Some(tail) = &mut self.tail {
            tail.add(risk, residual);
        }

        // All but one, only one, always out / always in, per member.
        for j in 0..k {
            let c = profile.members[j];
            let pc = &plan.controls[c];
            let y = x * self.without[j];
            let without = if above {
                self.layers(profile, plan.arm_without(c), y, |m| m == c)
            } else {
                y
            };
            self.year_marginal[c] += without - residual;
            if profile.acts[j] {
                let alone = match pc.transfer {
                    Some(t) => {
                        x - plan.transfers[t].pay(
                            x,
                            x,
                            &mut self.paid[plan.arm_alone(t) * plan.transfers.len() + t],
                        )
                    }
                    None => x * self.g(j, 0),
                };
                self.year_standalone[c] += x - alone;
            }
            if pc.lapses.is_some() {
                // Everything else as modelled: the product of the others' residual factors.
                // A lapsing control manages nothing: `without[j]` is the others' product.
                let others = if profile.acts[j] {
                    self.without[j]
                } else {
                    all
                };
                let (y_out, y_in) = (
                    x * others * self.draws.mf[j].g_out,
                    x * others * self.draws.mf[j].g_in,
                );
                let (out, inside) = if above {
                    (
                        self.layers(profile, plan.arm_out(c), y_out, |_| false),
                        self.layers(profile, plan.arm_in(c), y_in, |_| false),
                    )
                } else {
                    (y_out, y_in)
                };
                self.year_lapse[c] += out - inside;
            }
        }
        // With aggregate limits, an arm's remaining limit can differ on any event: follow the
        // arms of the controls that are not members too.
        if above && plan.any_aggregate {
            let kept = x * all;
            for &c in &profile.non_members {
                let without = self.layers(profile, plan.arm_without(c), kept, |m| m == c);
                self.year_marginal[c] += without - residual;
                if plan.controls[c].lapses.is_some() {
                    let out = self.layers(profile, plan.arm_out(c), kept, |_| false);
                    let inside = self.layers(profile, plan.arm_in(c), kept, |_| false);
                    self.year_lapse[c] += out - inside;
                }
            }
        }
        // Each party out for the year.
        for party in 0..plan.parties() {
            if !(profile.touches[party] || above && plan.any_aggregate) {
                continue;
            }
            let (runs, states) = (&profile.runs[party], &profile.party_state[party]);
            let mut kept = 1.0;
            for j in 0..k {
                kept *= if runs[j] {
                    self.draws.mf[j].g_out
                } else {
                    self.g(j, states[j])
                };
            }
            let y = x * kept;
            let out = if above {
                let arm = plan.arm_party(party);
                self.layers(profile, arm, y, |c| plan.controls[c].party == party)
            } else {
                y
            };
            self.year_party[party] += out - residual;
        }
        // Shapley, per partition: the per-event game in closed form, then the recoveries on
        // every subset of players.
        for (pi, (partition, game)) in plan.partitions.iter().zip(&profile.games).enumerate() {
            let subsets = 1usize << game.managing_players.len();
            // Each player's factor: the product of its members' in member order (players past
            // the partition's stay 1).
            let players = partition.players();
            // In no lapse, a member's factor is the same in every management state, and so
            // is every subset's row: computed once.
            let distinct = if self.draws.any_lapsed { subsets } else { 1 };
            let (mf, lapsed) = (&self.draws.mf[..k], self.draws.any_lapsed);
            let rows = &mut self.factors[p as usize * plan.partitions.len() + pi];
            for (t, row) in rows.iter_mut().enumerate().take(distinct) {
                let states = &game.state[t * k..(t + 1) * k];
                let mut i = 0;
                for &(player, end) in &game.groups {
                    let mut product = 1.0;
                    for &j in &game.by_player[i..end] {
                        product *= if lapsed {
                            mf[j].g(states[j] as usize)
                        } else {
                            mf[j].g_in
                        };
                    }
                    i = end;
                    row[player] = product;
                }
            }
            for t in distinct..subsets {
                let (first, rest) = rows.split_at_mut(t);
                rest[0][..players].copy_from_slice(&first[0][..players]);
            }
            self.defer_game(p, pi, subsets, !lapsed, x);
            if !above {
                continue;
            }
            for t in 0..subsets {
                for j in 0..k {
                    self.member_g[t * k + j] = self.g(j, game.state[t * k + j] as usize);
                }
            }
            // The members whose factor is not 1 under some T: multiplying by 1 changes no
            // bit, so the others are left out of the subsets' products.
            let mut active = 0;
            for j in 0..k {
                if (0..subsets).any(|t| self.member_g[t * k + j] != 1.0) {
                    self.active[active] = j;
                    active += 1;
                }
            }
            let n_t = plan.transfers.len();
            let base = plan.subset_base[pi];
            debug_assert_eq!(base, plan.arm_subset(pi, 0));
            for subset in 1..1usize << partition.players() {
                if subset & game.policy_bits == 0 {
                    continue;
                }
                let factors = &self.member_g[game.managing_subset(subset) * k..];
                let mut kept = 1.0;
                for &j in &self.active[..active] {
                    if subset & game.bit[j] != 0 {
                        kept *= factors[j];
                    }
                }
                let mut y = x * kept;
                if y <= profile.attachment {
                    continue;
                }
                let ground_up = y;
                let arm = base + subset;
                for &(t, j) in &profile.transfers {
                    if subset & game.bit[j] != 0 {
                        y -= plan.transfers[t].pay(ground_up, y, &mut self.paid[arm * n_t + t]);
                    }
                }
            }
        }
    }

    fn subtotal_done(&mut self) {
        self.year_residual += self.year_subtotal;
        self.year_subtotal = 0.0;
    }

    fn end_year(&mut self, slot: usize) {
        self.flush_games();
        let n = self.chunk_trials;
        self.residual[slot] = self.year_residual;
        self.year_residual = 0.0;
        if let Some(tail) = &mut self.tail {
            tail.end_year(self.residual[slot]);
        }
        for c in 0..self.plan.controls.len() {
            self.marginal_by_year[c * n + slot] = std::mem::take(&mut self.year_marginal[c]);
            self.standalone_by_year[c * n + slot] = std::mem::take(&mut self.year_standalone[c]);
            self.lapse[c] += std::mem::take(&mut self.year_lapse[c]);
        }
        for p in 0..self.year_party.len() {
            self.party_by_year[p * n + slot] = std::mem::take(&mut self.year_party[p]);
        }
        if self.touched {
            self.close_recovery_year();
        }
    }
}

/// Whether `controls` need this module (any of them uses a reliability feature).
pub(crate) fn needed(controls: &[Control]) -> bool {
    controls.iter().any(|c| !c.is_plain())
}
