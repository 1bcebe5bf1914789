//! Shocks and frailties in the hot loop: each draws from its own random stream, after the
//! risks' own events, so that adding a shock never moves another draw of the year.
//!
//! Per year, in this order:
//!
//! - each **frailty** draws its factor G ~ Gamma(1/v, v) from its stream, then each of its risks
//!   (taken out of the pooled Poisson stream, which keeps the others) draws its count with the
//!   rate times G and its losses, from the same stream;
//! - each **shock** draws its count M from its stream; for each occurrence and each hit, an
//!   event of the risk with the hit's probability (one 53-bit uniform when 0 < p < 1, none for
//!   p = 0 or 1), its loss from the risk's magnitude, from the same stream.
//!
//! Every event is handed to the sink as an event of its risk, so the control arms treat it as
//! any other event of that risk. The streams are keyed by (seed, chunk, a hash of the kind and
//! id) like the controls' (see [`stream_key`]); the prefixes hold a space, which no id may, so a
//! shock's stream is never a control's.

use rand::Rng;
use rand::distr::Distribution;
use rand::rngs::Xoshiro256PlusPlus;

use crate::engine::simulate::{AliasTable, RiskSums, YearSink};
use crate::error::{Error, Result};
use crate::model::control::stream_key;
use crate::model::dependence::Dependence;
use crate::model::frequency::Frequency;
use crate::model::magnitude::Magnitude;
use crate::model::risk::Risk;

/// No hit slot: the risk is hit by no shock.
const NO_SLOT: u32 = u32::MAX;

/// The shocks and frailties of a model, laid out for the hot loop.
#[derive(Debug)]
pub(crate) struct DependencePlan {
    frailties: Vec<FrailtyGroup>,
    shocks: Vec<PlannedShock>,
    /// Per slot: the risk it belongs to.
    hit_risks: Vec<usize>,
    n_risks: usize,
}

#[derive(Debug)]
struct FrailtyGroup {
    stream: u64,
    /// None for variance 0 (G = 1).
    factor: Option<rand_distr::Gamma<f64>>,
    /// (risk, frequency, analytic EAL) of each member with a positive mean that is not pooled.
    members: Vec<(usize, Frequency, f64)>,
    /// The members with a fixed Poisson rate, as one stream: given G, the superposition of
    /// Poisson counts of means G λ_r is one Poisson count of mean G Σ λ_r, each event assigned
    /// to risk r with probability λ_r / Σ λ (as the engine's pooled stream), so one count draw
    /// a year instead of one per member.
    pool: Option<FrailtyPool>,
}

#[derive(Debug)]
struct FrailtyPool {
    count: Frequency,
    pick: AliasTable,
    /// (risk, analytic EAL) of each pooled member.
    members: Vec<(usize, f64)>,
}

impl std::fmt::Debug for AliasTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AliasTable")
    }
}

#[derive(Debug)]
struct PlannedShock {
    stream: u64,
    frequency: Frequency,
    /// (risk, slot, probability) per hit with p > 0.
    hits: Vec<(usize, usize, f64)>,
}

/// One chunk's generators and this year's scratch.
pub(crate) struct DependenceState {
    frailty_rngs: Vec<Xoshiro256PlusPlus>,
    shock_rngs: Vec<Xoshiro256PlusPlus>,
    /// Per hit slot: this year's loss from shocks, and the slots with a loss this year (a
    /// slot without one adds nothing to its sums: its shift is 0).
    year_by_slot: Vec<f64>,
    touched_slots: Vec<usize>,
    /// Per risk: this year's loss from a frailty's pooled stream.
    year_by_risk: Vec<f64>,
}

impl DependencePlan {
    /// The plan of `dependence` (validated by the model) over `risks`; `None` when there is
    /// nothing to simulate, so that a model without dependence runs exactly as before.
    pub(crate) fn new(risks: &[Risk], dependence: &Dependence) -> Result<Option<DependencePlan>> {
        if dependence.is_empty() {
            return Ok(None);
        }
        let frailties = dependence
            .frailties
            .iter()
            .zip(&dependence.frailty_risks)
            .map(|(frailty, members)| {
                let v = frailty.variance();
                let factor = if v > 0.0 {
                    Some(
                        rand_distr::Gamma::new(1.0 / v, v)
                            .map_err(|_| Error::invalid("frailty variance", v, "in (0, 100]"))?,
                    )
                } else {
                    None
                };
                let rate_of = |r: usize| risks[r].frequency().poisson_rate().filter(|&x| x > 0.0);
                let pooled: Vec<(usize, f64)> = members
                    .iter()
                    .filter_map(|&r| rate_of(r).map(|x| (r, x)))
                    .collect();
                let pool = if pooled.is_empty() {
                    None
                } else {
                    let total: f64 = pooled.iter().map(|&(_, x)| x).sum();
                    Some(FrailtyPool {
                        count: Frequency::poisson(total)
                            .map_err(|_| Error::invalid("total rate", total, "a finite rate"))?,
                        pick: AliasTable::new(&pooled),
                        members: pooled
                            .iter()
                            .map(|&(r, _)| (r, risks[r].expected_annual_loss()))
                            .collect(),
                    })
                };
                Ok(FrailtyGroup {
                    stream: stream_key(&format!("frailty {}", frailty.id())),
                    factor,
                    members: members
                        .iter()
                        .filter(|&&r| risks[r].frequency().mean() > 0.0 && rate_of(r).is_none())
                        .map(|&r| (r, *risks[r].frequency(), risks[r].expected_annual_loss()))
                        .collect(),
                    pool,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let mut slot_of_risk = vec![NO_SLOT; risks.len()];
        let mut hit_risks = Vec::new();
        let shocks = dependence
            .shocks
            .iter()
            .zip(&dependence.shock_hits)
            .map(|(shock, hits)| PlannedShock {
                stream: stream_key(&format!("shock {}", shock.id())),
                frequency: *shock.frequency(),
                hits: hits
                    .iter()
                    .filter(|h| h.1 > 0.0)
                    .map(|&(r, p)| {
                        if slot_of_risk[r] == NO_SLOT {
                            slot_of_risk[r] = hit_risks.len() as u32;
                            hit_risks.push(r);
                        }
                        (r, slot_of_risk[r] as usize, p)
                    })
                    .collect(),
            })
            .collect();
        Ok(Some(DependencePlan {
            frailties,
            shocks,
            hit_risks,
            n_risks: risks.len(),
        }))
    }

    /// Per risk: whether a frailty scales it (it leaves the pooled stream and draws its count
    /// here).
    pub(crate) fn frailty_members(&self, n_risks: usize) -> Vec<bool> {
        let mut out = vec![false; n_risks];
        for group in &self.frailties {
            for &(r, _, _) in &group.members {
                out[r] = true;
            }
            for &(r, _) in group.pool.iter().flat_map(|p| &p.members) {
                out[r] = true;
            }
        }
        out
    }

    /// The risks hit by a shock, one per slot of the shock parts, in order of first hit.
    pub(crate) fn hit_slots(&self) -> &[usize] {
        &self.hit_risks
    }

    /// The number of shocks.
    pub(crate) fn shock_count(&self) -> usize {
        self.shocks.len()
    }

    /// Expected random draws a year: per frailty its factor, per member its count draw and
    /// events; per shock its count, and per occurrence a uniform per uncertain hit and the
    /// hits' losses.
    pub(crate) fn expected_draws_per_year(&self, risks: &[Risk]) -> f64 {
        let frailty: f64 = self
            .frailties
            .iter()
            .map(|g| {
                1.0 + g
                    .members
                    .iter()
                    .map(|&(r, ..)| 2.0 + risks[r].frequency().mean())
                    .sum::<f64>()
            })
            .sum();
        let shocks: f64 = self
            .shocks
            .iter()
            .map(|s| {
                let per_occurrence: f64 =
                    s.hits.iter().map(|&(_, _, p)| p + f64::from(p < 1.0)).sum();
                1.0 + s.frequency.mean() * per_occurrence
            })
            .sum();
        frailty + shocks
    }

    /// The generators of chunk `chunk` (see the module documentation).
    pub(crate) fn state(&self, stream: impl Fn(u64) -> Xoshiro256PlusPlus) -> DependenceState {
        DependenceState {
            frailty_rngs: self.frailties.iter().map(|g| stream(g.stream)).collect(),
            shock_rngs: self.shocks.iter().map(|s| stream(s.stream)).collect(),
            year_by_slot: vec![0.0; self.hit_risks.len()],
            touched_slots: Vec::new(),
            year_by_risk: vec![0.0; self.n_risks],
        }
    }

    /// Simulates one year of the frailties and shocks, telling `sink` of every event, and adds
    /// the year's loss from them to `total` subtotal by subtotal, like the engine's own risks
    /// (so a sink that sums the subtotals has the engine's total bit for bit). `sums` holds the risks' sums, then one per hit slot (the shock
    /// parts), then one per shock.
    #[inline]
    pub(crate) fn year<S: YearSink>(
        &self,
        state: &mut DependenceState,
        magnitudes: &[Magnitude],
        sums: &mut [RiskSums],
        sink: &mut S,
        total: &mut f64,
    ) {
        let n_risks = magnitudes.len();
        for (group, rng) in self.frailties.iter().zip(&mut state.frailty_rngs) {
            let g = group.factor.map_or(1.0, |d| d.sample(rng));
            if let Some(pool) = &group.pool {
                let events = pool.count.sample_scaled(rng, g);
                let mut subtotal = 0.0;
                for _ in 0..events {
                    let risk = pool.pick.sample(rng);
                    let loss = magnitudes[risk].sample(rng);
                    subtotal += loss;
                    state.year_by_risk[risk] += loss;
                    sink.event(risk, loss);
                }
                *total += subtotal;
                sink.subtotal_done();
                for &(risk, shift) in &pool.members {
                    sums[risk].add_year(std::mem::take(&mut state.year_by_risk[risk]), shift);
                }
            }
            for &(risk, frequency, shift) in &group.members {
                let events = frequency.sample_scaled(rng, g);
                let magnitude = &magnitudes[risk];
                let mut year = 0.0;
                for _ in 0..events {
                    let loss = magnitude.sample(rng);
                    year += loss;
                    sink.event(risk, loss);
                }
                *total += year;
                sink.subtotal_done();
                sums[risk].add_year(year, shift);
            }
        }
        let hit_slots = self.hit_risks.len();
        for (k, (shock, rng)) in self.shocks.iter().zip(&mut state.shock_rngs).enumerate() {
            let occurrences = shock.frequency.sample(rng);
            let mut shock_year = 0.0;
            for _ in 0..occurrences {
                for &(risk, slot, p) in &shock.hits {
                    if p < 1.0 {
                        let u = (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
                        if u >= p {
                            continue;
                        }
                    }
                    let loss = magnitudes[risk].sample(rng);
                    shock_year += loss;
                    if state.year_by_slot[slot] == 0.0 {
                        state.touched_slots.push(slot);
                    }
                    state.year_by_slot[slot] += loss;
                    sink.event(risk, loss);
                    sink.shock_event(k, loss);
                }
            }
            *total += shock_year;
            sink.subtotal_done();
            sums[n_risks + hit_slots + k].add_year(shock_year, 0.0);
        }
        // A slot listed twice (a first loss of 0) adds 0 the second time.
        for slot in state.touched_slots.drain(..) {
            sums[n_risks + slot].add_year(std::mem::take(&mut state.year_by_slot[slot]), 0.0);
        }
    }
}
