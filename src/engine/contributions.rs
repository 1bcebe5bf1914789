//! Tail contributions: which risks (and shocks) make up the years at or above the portfolio's
//! VaR 99%, without storing any risk's annual losses.
//!
//! During the run, each chunk tells a [`TailRecorder`] of every event by risk (and by shock);
//! at the end of the chunk the recorder keeps, of the chunk's years, only the `q` with the
//! largest portfolio loss (with each risk's loss in them, sparse), and per risk its `q`
//! largest annual losses. The run folds these into a [`TailStore`], pruned as it goes below the
//! largest `n − k + 1` portfolio losses seen so far (a lower bound of the final VaR, so no year
//! at or above it is ever dropped). `q` is far above a chunk's expected share of the tail
//! (4096 × 1% ≈ 41 years, a binomial count with SD 6.4); should a chunk hold more tail years
//! than it kept, it is simulated again (chunk k depends only on (seed, k)), so the result is
//! exact in every case.
//!
//! **Allocation** (Euler, as in Tasche 1999): with VaR v, a years above it and e years equal
//! to it (v > 0), risk r's contribution to TVaR at p is
//! `[Σ_{L > v} L_r + (n(1 − p) − a)/e · Σ_{L = v} L_r] / (n(1 − p))`, the mean loss of r over
//! the worst (1 − p) share of years, splitting the boundary mass evenly over the tied years.
//! Summed over the risks it is exactly the [`tail_mean`](crate::LossDistribution::tail_mean)
//! formula, `v + Σ (L − v)^+ / (n(1 − p))`, up to the rounding of adding the risks' losses in
//! another order. The standard error is that of a mean over the tail years, `sd_tail(L_r) /
//! sqrt(n(1 − p))`: conditional on which years are in the tail, it leaves out the VaR's own
//! uncertainty. The VaR contribution is the TVaR contribution scaled by `VaR / TVaR` (a
//! proportional split; a kernel estimate of `E[L_r | L = VaR]` would need years below VaR).

use std::sync::atomic::{AtomicU64, Ordering};

use crate::engine::simulate::{CHUNK_TRIALS, YearSink, batch_chunks};
use crate::engine::stats::{self, Largest};

/// The most memory a run's tail contributions may take, unless the run's own annual losses take
/// more (then twice those): beyond it (a model of very many risks simulated for many years)
/// the run leaves them out, and reports every other figure as before.
pub const MAX_CONTRIBUTION_BYTES: u64 = 1 << 30;

/// Whether the tail contributions of `arms` loss arms (1, or 2 with controls: inherent and
/// residual) of a run of `trials` years with `columns` columns (risks, then shocks), `risks`
/// risks and about `touched` columns with a loss a year fit in [`MAX_CONTRIBUTION_BYTES`] (or
/// twice the arms' annual losses, 8 bytes a year each, if more), counted generously: a batch of chunks' kept years and per-risk values (at least 8 chunks),
/// the store's (`1.5 top` of each), and one chunk simulated again keeping everything.
pub(crate) fn fits(trials: usize, columns: usize, risks: usize, touched: f64, arms: f64) -> bool {
    let keep = default_keep_per_chunk(crate::engine::simulate::TAIL_P) as f64;
    let top = (trials as f64 / 100.0).ceil() + 1.0;
    let year = 48.0 + 16.0 * touched.min(columns as f64);
    let risks = risks as f64;
    let chunk = keep * year + risks * 2.0 * keep.min(top) * 8.0;
    let batch = batch_chunks(chunk.min(usize::MAX as f64) as usize) as f64;
    let store = 1.5 * top * (year + risks * 8.0);
    let again = (trials.min(CHUNK_TRIALS) as f64) * (year + risks * 8.0);
    let budget = (MAX_CONTRIBUTION_BYTES as f64).max(2.0 * 8.0 * trials as f64 * arms);
    arms * (batch * chunk + store + again) <= budget
}

/// The years a chunk keeps, and the largest annual losses per risk it keeps: about 3.5 times a
/// chunk's expected share of the 1% tail, plus a margin for small chunks.
pub(crate) fn default_keep_per_chunk(p: f64) -> usize {
    ((CHUNK_TRIALS as f64 * (1.0 - p) * 3.5) as usize + 8).min(CHUNK_TRIALS)
}

/// The bounds a run has reached so far, which every chunk started after them may skip below:
/// the `top`-th largest portfolio loss kept (a year below it cannot be in the tail) and each
/// risk's `top`-th largest annual loss (a value at or below it cannot move the risk's VaR).
/// The store publishes them after each fold; a chunk reads them when it starts. Which bounds a
/// chunk sees depends on the thread schedule, but the figures do not: a skipped value is one
/// that cannot count, so the result is exact either way.
#[derive(Debug)]
pub(crate) struct Floors {
    year: AtomicU64,
    risks: Vec<AtomicU64>,
}

impl Floors {
    pub(crate) fn new(risks: usize) -> Floors {
        let none = || AtomicU64::new(f64::NEG_INFINITY.to_bits());
        Floors {
            year: none(),
            risks: (0..risks).map(|_| none()).collect(),
        }
    }

    fn get(x: &AtomicU64) -> f64 {
        f64::from_bits(x.load(Ordering::Relaxed))
    }

    fn set(x: &AtomicU64, v: f64) {
        x.store(v.to_bits(), Ordering::Relaxed);
    }
}

/// Per chunk: the current year's losses by column (dense, with the columns it touched), the
/// chunk's largest years so far with their losses by column, and per risk its largest annual
/// losses so far. Memory is bounded by `keep` (years and per-risk values), never by the
/// chunk's events or years.
#[derive(Debug)]
pub(crate) struct TailRecorder {
    /// False when the run leaves the contributions out ([`fits`]): nothing is recorded.
    on: bool,
    risk_columns: usize,
    keep: usize,
    dense: Vec<f64>,
    /// The columns with a loss this year: `touched[..n_touched]`.
    touched: Vec<u32>,
    n_touched: usize,
    /// The year's slot in the chunk (years are closed in order).
    slot: u32,
    /// The largest years so far (at most `keep`), and the smallest loss among them once full.
    kept: Vec<KeptYear>,
    floor: f64,
    /// Years below this cannot be in the run's tail (see [`Floors`]): skipped, not counted
    /// as left out.
    year_bound: f64,
    /// Whether a positive year was left out (or dropped) of `kept`.
    kept_overflow: bool,
    /// Per risk: its largest annual losses so far (at most `2 keep` between compactions), the
    /// floor below which a value cannot be among the chunk's `keep` largest, and whether any
    /// positive value was dropped.
    by_risk: Vec<RiskTop>,
}

#[derive(Debug)]
struct RiskTop {
    /// `values[..len]` are kept.
    values: Vec<f64>,
    len: usize,
    floor: f64,
    dropped: bool,
}

impl RiskTop {
    fn new() -> RiskTop {
        RiskTop {
            values: Vec::new(),
            len: 0,
            floor: f64::NEG_INFINITY,
            dropped: false,
        }
    }

    /// Keeps `x` if it can be among the `keep` largest (`x` > the floor: the run's bound when
    /// the chunk started, then the chunk's own after its first compaction).
    #[inline(always)]
    fn push(&mut self, x: f64, keep: usize) {
        // A branch, not a conditional store: once the run's bounds are known almost every
        // value is below the floor (well predicted), and the buffer, one of many, stays out
        // of the cache.
        if x > self.floor {
            if self.len == self.values.len() {
                self.make_room(keep);
            }
            self.values[self.len] = x;
            self.len += 1;
        }
    }

    /// Grows the buffer (doubling from 8 up to `2 keep`, so a risk with few positive years
    /// holds little), or once it is full, keeps its `keep` largest values.
    #[cold]
    #[inline(never)]
    fn make_room(&mut self, keep: usize) {
        let full = 2 * keep;
        if self.values.len() < full {
            let size = (2 * self.values.len()).clamp(8, full);
            self.values.resize(size, 0.0);
            return;
        }
        let drop = self.len - keep;
        self.values[..self.len].select_nth_unstable_by(drop, f64::total_cmp);
        self.floor = self.values[drop];
        self.values.copy_within(drop..self.len, 0);
        self.len = keep;
        self.dropped = true;
    }

    /// The `keep` largest values, and their smallest if a value was left out.
    fn finish(mut self, keep: usize) -> (Vec<f64>, Option<f64>) {
        self.values.truncate(self.len);
        if self.values.len() > keep {
            let drop = self.values.len() - keep;
            self.values.select_nth_unstable_by(drop, f64::total_cmp);
            self.values.drain(..drop);
            self.dropped = true;
        }
        let min = self.values.iter().copied().fold(f64::INFINITY, f64::min);
        let overflow = self.dropped.then_some(min);
        (self.values, overflow)
    }
}

/// A year kept for the tail: its loss and its losses by column.
#[derive(Debug)]
struct KeptYear {
    chunk: u64,
    slot: u32,
    loss: f64,
    columns: Vec<(u32, f64)>,
}

/// What a chunk's recorder keeps.
#[derive(Debug)]
pub(crate) struct TailChunk {
    chunk: u64,
    years: Vec<KeptYear>,
    /// The smallest loss kept when the chunk had more positive years than it kept.
    overflow: Option<f64>,
    /// Per risk: its largest annual losses in the chunk, and the smallest of them when it had
    /// more positive years than it kept.
    standalone: Vec<(Vec<f64>, Option<f64>)>,
}

impl TailRecorder {
    /// A recorder for `columns` columns of which the first `risk_columns` are risks, keeping
    /// `keep` years (see [`default_keep_per_chunk`]).
    pub(crate) fn new(columns: usize, risk_columns: usize, keep: usize) -> TailRecorder {
        TailRecorder {
            on: true,
            risk_columns,
            keep: keep.max(1),
            dense: vec![0.0; columns],
            touched: vec![0; columns + 1],
            n_touched: 0,
            slot: 0,
            kept: Vec::new(),
            floor: f64::NEG_INFINITY,
            year_bound: f64::NEG_INFINITY,
            kept_overflow: false,
            by_risk: (0..risk_columns).map(|_| RiskTop::new()).collect(),
        }
    }

    /// A recorder that records nothing (see [`fits`]).
    pub(crate) fn off() -> TailRecorder {
        let mut r = TailRecorder::new(0, 0, 1);
        r.on = false;
        r
    }

    /// Starts from the run's bounds so far: fewer years and values kept, the same figures.
    pub(crate) fn with_floors(mut self, floors: &Floors) -> TailRecorder {
        self.year_bound = Floors::get(&floors.year);
        for (top, f) in self.by_risk.iter_mut().zip(&floors.risks) {
            top.floor = Floors::get(f);
        }
        self
    }

    /// Adds a loss to column `column` in this year.
    #[inline]
    pub(crate) fn add(&mut self, column: usize, x: f64) {
        if self.on && x != 0.0 {
            // The column joins `touched` on its first loss of the year, without a branch:
            // `touched` has a slot for every column and one to spare (written, not counted,
            // when every column has a loss), and a loss is never undone to 0.
            let slot = &mut self.dense[column];
            self.touched[self.n_touched] = column as u32;
            self.n_touched += usize::from(*slot == 0.0);
            *slot += x;
        }
    }

    /// Closes a year whose portfolio loss is `total` (years are closed in order, from the
    /// chunk's first).
    #[inline]
    pub(crate) fn end_year(&mut self, total: f64) {
        if !self.on {
            return;
        }
        let keep = self.keep;
        let touched = &self.touched[..self.n_touched];
        if total > 0.0 && !touched.is_empty() && total >= self.year_bound {
            if self.kept.len() < keep || total > self.floor {
                let columns = touched
                    .iter()
                    .map(|&c| (c, self.dense[c as usize]))
                    .collect();
                let year = KeptYear {
                    chunk: 0,
                    slot: self.slot,
                    loss: total,
                    columns,
                };
                if self.kept.len() < keep {
                    self.kept.push(year);
                    if self.kept.len() == keep {
                        self.floor = self.min_kept().1;
                    }
                } else {
                    let (at, _) = self.min_kept();
                    self.kept[at] = year;
                    self.floor = self.min_kept().1;
                    self.kept_overflow = true;
                }
            } else {
                self.kept_overflow = true;
            }
        }
        for &c in touched {
            let c = c as usize;
            let x = std::mem::take(&mut self.dense[c]);
            if c < self.risk_columns {
                self.by_risk[c].push(x, keep);
            }
        }
        self.n_touched = 0;
        self.slot += 1;
    }

    /// The index and loss of the smallest kept year (the earliest of equal ones is replaced
    /// last: ties go to the later index, so the choice depends on nothing but the years).
    fn min_kept(&self) -> (usize, f64) {
        let mut at = 0;
        for (i, y) in self.kept.iter().enumerate() {
            if y.loss < self.kept[at].loss {
                at = i;
            }
        }
        (at, self.kept[at].loss)
    }

    /// What chunk `chunk` keeps. `totals` are its years' exact losses (as passed to
    /// [`end_year`](Self::end_year); checked in debug builds).
    pub(crate) fn finish(self, chunk: u64, totals: &[f64]) -> TailChunk {
        let keep = self.keep;
        let years: Vec<KeptYear> = self
            .kept
            .into_iter()
            .map(|mut y| {
                debug_assert_eq!(totals.get(y.slot as usize), Some(&y.loss));
                y.chunk = chunk;
                y
            })
            .collect();
        let overflow = if self.kept_overflow {
            Some(years.iter().map(|y| y.loss).fold(f64::INFINITY, f64::min))
        } else {
            None
        };
        let standalone = self.by_risk.into_iter().map(|t| t.finish(keep)).collect();
        TailChunk {
            chunk,
            years,
            overflow,
            standalone,
        }
    }
}

/// The recorder as the engine's only sink (a run without controls): every event of risk r
/// goes to column r, every shock's to column `risks + shock`.
/// It sums the events in the engine's subtotals, so its year total is the engine's bit for bit.
pub(crate) struct InherentTail {
    pub(crate) recorder: TailRecorder,
    subtotal: f64,
    year: f64,
}

impl InherentTail {
    pub(crate) fn new(recorder: TailRecorder) -> InherentTail {
        InherentTail {
            recorder,
            subtotal: 0.0,
            year: 0.0,
        }
    }
}

impl YearSink for InherentTail {
    #[inline(always)]
    fn start_year(&mut self) {}
    #[inline(always)]
    fn event(&mut self, risk: usize, loss: f64) {
        self.subtotal += loss;
        self.recorder.add(risk, loss);
    }
    #[inline(always)]
    fn subtotal_done(&mut self) {
        self.year += std::mem::take(&mut self.subtotal);
    }
    #[inline(always)]
    fn end_year(&mut self, _: usize) {
        let total = std::mem::take(&mut self.year);
        self.recorder.end_year(total);
    }
    #[inline(always)]
    fn shock_event(&mut self, shock: usize, loss: f64) {
        let column = self.recorder.risk_columns + shock;
        self.recorder.add(column, loss);
    }
}

/// Two sinks told of the same years and events (the control arms and the inherent tail).
pub(crate) struct Both<'a, A, B>(pub(crate) &'a mut A, pub(crate) &'a mut B);

impl<A: YearSink, B: YearSink> YearSink for Both<'_, A, B> {
    #[inline(always)]
    fn start_year(&mut self) {
        self.0.start_year();
        self.1.start_year();
    }
    #[inline(always)]
    fn event(&mut self, risk: usize, loss: f64) {
        self.0.event(risk, loss);
        self.1.event(risk, loss);
    }
    #[inline(always)]
    fn subtotal_done(&mut self) {
        self.0.subtotal_done();
        self.1.subtotal_done();
    }
    #[inline(always)]
    fn end_year(&mut self, slot: usize) {
        self.0.end_year(slot);
        self.1.end_year(slot);
    }
    #[inline(always)]
    fn shock_event(&mut self, shock: usize, loss: f64) {
        self.0.shock_event(shock, loss);
        self.1.shock_event(shock, loss);
    }
}

/// The kept years and per-risk losses of a whole run, folded in chunk order.
pub(crate) struct TailStore {
    trials: usize,
    p: f64,
    /// The number of largest values the VaR at p is the smallest of: n − k + 1.
    top: usize,
    columns: usize,
    years: Vec<KeptYear>,
    overflows: Vec<(u64, f64)>,
    standalone: Vec<Largest>,
    /// Per risk: the largest of the smallest values its chunks kept when they left some out.
    standalone_overflow: Vec<f64>,
    /// The `top`-th largest loss among the kept years after the last prune.
    year_bound: f64,
    /// False when the run leaves the contributions out ([`fits`]).
    on: bool,
}

/// Each column's share of the tail, and each risk's own VaR.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Tail {
    pub(crate) var: f64,
    pub(crate) tvar: f64,
    /// Per column (risks, then shocks): its TVaR contribution and standard error.
    pub(crate) tvar_by_column: Vec<(f64, f64)>,
    /// Per risk: the VaR at p of its own annual loss.
    pub(crate) standalone_var: Vec<f64>,
}

impl Tail {
    /// Column c's share of VaR: its TVaR contribution times VaR / TVaR.
    pub(crate) fn var_share(&self, column: usize) -> f64 {
        if self.tvar > 0.0 {
            self.tvar_by_column[column].0 * (self.var / self.tvar)
        } else {
            0.0
        }
    }
}

impl TailStore {
    pub(crate) fn new(trials: usize, p: f64, columns: usize, risks: usize) -> TailStore {
        let top = trials - stats::quantile_rank(trials, p) + 1;
        TailStore {
            trials,
            p,
            top,
            columns,
            years: Vec::new(),
            overflows: Vec::new(),
            standalone: (0..risks).map(|_| Largest::new(top)).collect(),
            standalone_overflow: vec![f64::NEG_INFINITY; risks],
            year_bound: f64::NEG_INFINITY,
            on: true,
        }
    }

    /// A store for a run that leaves the contributions out: its [`Tail`] has none.
    pub(crate) fn off(trials: usize, p: f64) -> TailStore {
        let mut store = TailStore::new(trials, p, 0, 0);
        store.on = false;
        store
    }

    /// Publishes the bounds reached so far for the chunks still to start (called once a
    /// batch of chunks is folded: the bounds are tightened first, in time linear in what is
    /// kept).
    pub(crate) fn publish(&mut self, floors: &Floors) {
        if !self.on {
            return;
        }
        let first = self.year_bound == f64::NEG_INFINITY && self.years.len() > self.top;
        if first || self.years.len() > self.top + self.top / 2 {
            self.prune();
        }
        Floors::set(&floors.year, self.year_bound);
        for (largest, f) in self.standalone.iter_mut().zip(&floors.risks) {
            largest.tighten();
            Floors::set(f, largest.floor());
        }
    }

    /// Bytes a chunk's kept figures may hold until folded (for the batch size).
    pub(crate) fn bytes_per_chunk(columns: usize, risks: usize, keep: usize) -> usize {
        keep * (48 + 16 * columns.min(64)) + risks * keep * 8
    }

    pub(crate) fn fold(&mut self, chunk: TailChunk) {
        if !self.on {
            return;
        }
        if let Some(min) = chunk.overflow {
            self.overflows.push((chunk.chunk, min));
        }
        self.years.extend(chunk.years);
        for ((largest, flag), (values, overflow)) in self
            .standalone
            .iter_mut()
            .zip(&mut self.standalone_overflow)
            .zip(chunk.standalone)
        {
            for x in values {
                largest.push(x);
            }
            if let Some(min) = overflow {
                *flag = flag.max(min);
            }
        }
        if self.years.len() > self.top + self.top / 2 + 1024 {
            self.prune();
        }
    }

    /// Drops the kept years below the `top`-th largest kept loss: the final VaR is at least
    /// that, so none of them can be in the tail.
    fn prune(&mut self) {
        if self.years.len() <= self.top {
            return;
        }
        let mut losses: Vec<f64> = self.years.iter().map(|y| y.loss).collect();
        let (_, &mut bound, _) = losses.select_nth_unstable_by(self.top - 1, |a, b| b.total_cmp(a));
        self.years.retain(|y| y.loss >= bound);
        self.year_bound = bound;
    }

    /// The tail figures, given the run's sorted portfolio losses and a way to simulate one
    /// chunk again keeping everything (`rerun(chunk)`), for the chunks that overflowed.
    pub(crate) fn finish(
        mut self,
        sorted: &[f64],
        mut rerun: impl FnMut(u64) -> TailChunk,
    ) -> Tail {
        let (n, p) = (self.trials, self.p);
        let k = stats::quantile_rank(n, p);
        let var = sorted[k - 1];
        let tvar = stats::tail_mean_of_top(&sorted[k - 1..], n, p);
        if !self.on {
            return Tail {
                var,
                tvar,
                tvar_by_column: Vec::new(),
                standalone_var: Vec::new(),
            };
        }
        // Chunks that may hold tail years they did not keep: simulated again, whole.
        let overflowed: Vec<u64> = self
            .overflows
            .iter()
            .filter(|&&(_, min)| min >= var)
            .map(|&(c, _)| c)
            .collect();
        for &chunk in &overflowed {
            self.years.retain(|y| y.chunk != chunk);
            self.years.extend(rerun(chunk).years);
        }
        // The tail mass in years: above v whole, at v shared (v > 0; years at 0 add nothing).
        let mass = n as f64 * (1.0 - p);
        let above = sorted.len() - sorted.partition_point(|&x| x <= var);
        let at = sorted.partition_point(|&x| x <= var) - sorted.partition_point(|&x| x < var);
        let boundary = if var > 0.0 && at > 0 {
            ((mass - above as f64) / at as f64).max(0.0)
        } else {
            0.0
        };
        let weight = |loss: f64| {
            if loss > var {
                1.0
            } else if loss == var {
                boundary
            } else {
                0.0
            }
        };
        let mut sums = vec![0.0; self.columns];
        for y in &self.years {
            let w = weight(y.loss);
            if w > 0.0 {
                for &(c, x) in &y.columns {
                    sums[c as usize] += w * x;
                }
            }
        }
        let means: Vec<f64> = sums.iter().map(|s| s / mass).collect();
        let mut squares = vec![0.0; self.columns];
        let mut weight_sum = 0.0;
        for y in &self.years {
            let w = weight(y.loss);
            if w > 0.0 {
                weight_sum += w;
                for &(c, x) in &y.columns {
                    squares[c as usize] += w * (x * x - 2.0 * x * means[c as usize]);
                }
            }
        }
        let tvar_by_column = means
            .iter()
            .zip(&squares)
            .map(|(&m, &sq)| {
                // Σ w (x − m)² = Σ w x² − 2 m Σ w x + m² Σ w, over the tail's weight.
                let ss = (sq + m * m * weight_sum).max(0.0);
                let sd = if weight_sum > 1.0 {
                    (ss / (weight_sum - 1.0)).sqrt()
                } else {
                    0.0
                };
                (m, sd / mass.sqrt())
            })
            .collect();
        // Each risk's own VaR: the smallest of its `top` largest annual losses (0 when fewer
        // years than that had a loss).
        let top = self.top;
        let estimate = |largest: Largest| largest.kth_largest().unwrap_or(0.0);
        let mut standalone_var: Vec<f64> = std::mem::take(&mut self.standalone)
            .into_iter()
            .map(estimate)
            .collect();
        // A chunk that left out some of a risk's years left out only values at or below the
        // smallest it kept; while that is at or below the VaR found, the `top` values at or
        // above it are all there and the VaR is exact.
        let inexact = self
            .standalone_overflow
            .iter()
            .zip(&standalone_var)
            .any(|(&min, &var)| min > var);
        if inexact {
            // A chunk left out values that may be above a risk's VaR: every chunk again, in
            // full, for an exact figure (with a chunk's share of the tail about 41 years
            // against 151 kept, a binomial event of probability far below 1e-20).
            let chunks = n.div_ceil(CHUNK_TRIALS) as u64;
            let risks = standalone_var.len();
            let mut fresh: Vec<Largest> = (0..risks).map(|_| Largest::new(top)).collect();
            for chunk in 0..chunks {
                for (largest, (values, _)) in fresh.iter_mut().zip(rerun(chunk).standalone) {
                    for x in values {
                        largest.push(x);
                    }
                }
            }
            standalone_var = fresh.into_iter().map(estimate).collect();
        }
        Tail {
            var,
            tvar,
            tvar_by_column,
            standalone_var,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bound keeps the contributions of the benchmark portfolio (100 risks, 44 events a
    /// year) at 10^7 years and of the default scenario at 10^8 (within twice its annual losses'
    /// memory), and leaves out those of 100,000 risks over 32,768 years (which took 4.9 GB
    /// before the bound).
    #[test]
    fn the_memory_bound_leaves_out_only_the_very_large() {
        assert!(fits(10_000_000, 100, 100, 44.0, 1.0));
        assert!(fits(10_000_000, 100, 100, 44.0, 2.0));
        assert!(fits(100_000_000, 14, 12, 30.0, 2.0));
        assert!(!fits(32_768, 100_000, 100_000, 10_000.0, 1.0));
        assert!(
            fits(200, 100_000, 100_000, 1_000.0, 2.0),
            "the scale bench keeps them"
        );
    }
}
