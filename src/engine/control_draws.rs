//! The random draws of the controls of a plan with reliability features (lapse_arms.rs's
//! plan): each year's efficacies, variant efficacies and lapses, and each event's blocking,
//! coverage and lapse factors per member. Shared by the per-event arms (lapse_arms.rs) and the
//! evaluation of many control sets (set_run.rs), so that both draw the same numbers from the
//! same streams in the same order.
//!
//! Streams: a control's yearly efficacies and per-event blocking draws come from its own stream
//! (as in arms.rs); its coverage and lapse draws from a second stream of its own (key
//! `stream_key ^ 1`); each event's time of the year from the calendar stream
//! ([`CALENDAR_STREAM`]), drawn only when some control lapses.

use rand::Rng;
use rand::distr::Distribution;
use rand::rngs::Xoshiro256PlusPlus;

use crate::engine::lapse_arms::{CALENDAR_STREAM, LapsePlan, Planned, Profile};
use crate::model::reliability::{Lapses, YEAR_DAYS};

/// A lapse of the current year: start (days), duration, and the uniform that decides whether a
/// manager prevents it.
#[derive(Clone, Copy, Debug)]
struct Lapse {
    start: f64,
    days: f64,
    thin: f64,
}

/// One member's factors on the current event: working, lapsed, and the bit set of management
/// states in which the event falls in a lapse.
#[derive(Clone, Copy, Debug)]
pub(crate) struct MemberFactor {
    pub(crate) g_in: f64,
    pub(crate) g_out: f64,
    pub(crate) lapsed: u64,
}

impl MemberFactor {
    /// A member that does nothing to the event.
    pub(crate) const NONE: MemberFactor = MemberFactor {
        g_in: 1.0,
        g_out: 1.0,
        lapsed: 0,
    };

    /// The factor in management state `s`.
    #[inline]
    pub(crate) fn g(&self, s: usize) -> f64 {
        if self.lapsed & (1 << s) != 0 {
            self.g_out
        } else {
            self.g_in
        }
    }
}

/// The controls' generators and this year's draws, and the current event's member factors.
pub(crate) struct ControlDraws {
    rngs: Vec<Xoshiro256PlusPlus>,
    aux: Vec<Xoshiro256PlusPlus>,
    calendar: Xoshiro256PlusPlus,
    /// This year's draws per control: blocking probability and kept share, working and lapsed.
    pub(crate) block: Vec<f64>,
    pub(crate) keep: Vec<f64>,
    pub(crate) variant_block: Vec<f64>,
    pub(crate) variant_keep: Vec<f64>,
    /// This year's lapses per control.
    lapses: Vec<Vec<Lapse>>,
    /// Per member of the current event's profile: its factors.
    pub(crate) mf: Vec<MemberFactor>,
    /// Per member of the current event's profile: the bit set of management states in which
    /// the event falls in a lapse (for an uncovered member only with `uncovered_lapses`).
    pub(crate) lapsed: Vec<u64>,
    /// Per member of the current event's profile: whether it covers the event.
    pub(crate) covered: Vec<bool>,
    /// Whether `lapsed` is also kept for members that do not cover the event.
    pub(crate) uncovered_lapses: bool,
    /// Whether the current event falls in a lapse of a member (in some management state).
    pub(crate) any_lapsed: bool,
}

impl ControlDraws {
    /// The generators of `plan`'s controls in one chunk (`stream(key)` gives a stream).
    pub(crate) fn new(plan: &LapsePlan, stream: impl Fn(u64) -> Xoshiro256PlusPlus) -> Self {
        let c = plan.controls.len();
        ControlDraws {
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
            mf: vec![MemberFactor::NONE; plan.widest],
            lapsed: vec![0; plan.widest],
            covered: vec![false; plan.widest],
            uncovered_lapses: false,
            any_lapsed: false,
        }
    }

    /// Draws the year's efficacies, variant efficacies and lapses of every control.
    pub(crate) fn start_year(&mut self, plan: &LapsePlan) {
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

    /// The current event's time of the year (days), from the calendar stream; 0 without a
    /// drawing when no control of `plan` lapses.
    #[inline]
    pub(crate) fn event_time(&mut self, plan: &LapsePlan) -> f64 {
        if plan.any_lapses {
            unit(&mut self.calendar) * YEAR_DAYS
        } else {
            0.0
        }
    }

    /// Sets `mf` (and `any_lapsed`) for an event of `profile` at `time` of the year.
    pub(crate) fn member_factors(&mut self, plan: &LapsePlan, profile: &Profile, time: f64) {
        self.any_lapsed = false;
        for (j, &c) in profile.members.iter().enumerate() {
            if !profile.acts[j] {
                self.mf[j] = MemberFactor::NONE;
                continue;
            }
            let pc = &plan.controls[c];
            // The blocking draw as in arms.rs, from the control's own stream.
            let u = if pc.frequency.is_some() {
                unit(&mut self.rngs[c])
            } else {
                1.0
            };
            let covered = pc.coverage >= 1.0 || {
                let v = unit(&mut self.aux[c]);
                v < pc.coverage
            };
            if !covered {
                self.covered[j] = false;
                // Only the paired estimator (set_run.rs) reads an uncovered member's lapses.
                self.lapsed[j] = if self.uncovered_lapses {
                    self.lapse_mask(c, pc, time)
                } else {
                    0
                };
                self.mf[j] = MemberFactor::NONE;
                continue;
            }
            let mask = self.lapse_mask(c, pc, time);
            self.covered[j] = true;
            self.lapsed[j] = mask;
            let g_in = if u < self.block[c] { 0.0 } else { self.keep[c] };
            let g_out = if pc.frequency.is_some() && u < self.variant_block[c] {
                0.0
            } else {
                self.variant_keep[c]
            };
            self.any_lapsed |= mask != 0;
            self.mf[j] = MemberFactor {
                g_in,
                g_out,
                lapsed: mask,
            };
        }
    }
}

impl ControlDraws {
    /// The bit set of management states in which control `c` is in a lapse at `time`.
    #[inline]
    fn lapse_mask(&self, c: usize, pc: &Planned, time: f64) -> u64 {
        let mut mask = 0u64;
        for lapse in &self.lapses[c] {
            // A select, not a branch (which way an event's time falls is a coin flip).
            let offset = time - lapse.start;
            let offset = if offset < 0.0 {
                offset + YEAR_DAYS
            } else {
                offset
            };
            if offset >= lapse.days {
                continue;
            }
            for s in 0..pc.state_factor.len() {
                if lapse.thin < pc.state_factor[s] && offset < pc.state_cap[s] {
                    mask |= 1 << s;
                }
            }
        }
        mask
    }
}

/// A 53-bit uniform in [0, 1), as arms.rs draws its blocks.
#[inline]
pub(crate) fn unit(rng: &mut Xoshiro256PlusPlus) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}
