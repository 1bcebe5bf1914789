//! The Monte Carlo engine: options, chunking, seeding and the hot loop.
//!
//! One trial is one simulated year. Trials are split into chunks of [`CHUNK_TRIALS`]; chunk k
//! draws from its own Xoshiro256++ generator derived only from (seed, k), so a run gives
//! bit-identical results on any number of threads, with or without the `parallel` feature.
//!
//! All risks whose frequency is a Poisson process with a fixed rate are simulated as one pooled
//! Poisson stream: the year's total event count is drawn once from Poisson(Σ rate_i) and each
//! event is assigned to risk i with probability rate_i / Σ rate_j (Walker's alias method). By the
//! superposition and thinning properties of the Poisson process this is exactly the same joint
//! distribution as drawing every risk's count independently, at a fraction of the cost: one
//! count draw per year instead of one per risk. Risks with other frequencies (Bernoulli,
//! negative binomial, uncertain rate) draw their own counts after the pooled stream. Risks stay
//! independent by construction: apart from the pooled count, whose split keeps the counts
//! independent, no draw is shared between them.

use rand::distr::Distribution;
use rand::rngs::Xoshiro256PlusPlus;
use rand::{Rng, SeedableRng};

use crate::engine::contributions::{
    self, Floors, InherentTail, Tail, TailChunk, TailRecorder, TailStore, default_keep_per_chunk,
};
use crate::engine::dependence::{DependencePlan, DependenceState};
use crate::engine::monitor::{CANCEL_CHECK_YEARS, Monitor, Watch};
use crate::error::{Error, Result};
use crate::model::dependence::Dependence;
use crate::model::magnitude::Magnitude;
use crate::model::risk::Risk;

/// Trials per chunk. Part of the value-stability contract: changing it changes every result for a
/// given seed (a minor version bump and a CHANGELOG entry).
pub const CHUNK_TRIALS: usize = 4096;

/// The largest expected number of random draws in one run: trials times (the expected events per
/// year, plus one count draw for the pooled Poisson stream and one for every risk that draws its
/// own count, plus the control arms' draws), plus the per-risk bookkeeping of every chunk (one
/// unit per risk per chunk of [`CHUNK_TRIALS`] years), so that a model of a million risks is
/// counted even when it has few events. Beyond it a run is refused before it starts.
///
/// In time: about 19 million draws a second on one core of the project's 2-core machine (a
/// fixed 10^6 events a year with a PERT loss: 199 years in 10.3 s), so the limit is about 17
/// minutes on one core and 9 on two. It is kept this high for deliberate runs of 10^8 or 10^9
/// years; an embedder that needs a shorter bound (a web service) stops a run with a
/// [`Monitor`](crate::Monitor).
pub const MAX_EXPECTED_DRAWS: f64 = 2e10;

/// Chunk results are folded into the totals in batches, in chunk order, so that memory for the
/// per-chunk sums stays bounded whatever the trial count (the batch size never changes results).
const FOLD_BYTES: usize = 4 << 20;

/// The fewest chunks a batch holds (so that both cores have work between folds).
pub(crate) const MIN_BATCH_CHUNKS: u64 = 8;

/// How many chunks a batch holds when each chunk's result takes `bytes_per_chunk` until it is
/// folded: about [`FOLD_BYTES`] in all, between [`MIN_BATCH_CHUNKS`] and 256 chunks.
pub(crate) fn batch_chunks(bytes_per_chunk: usize) -> usize {
    (FOLD_BYTES / bytes_per_chunk.max(1)).clamp(MIN_BATCH_CHUNKS as usize, 256)
}

/// How to run a simulation: the seed, the number of simulated years, and whether to use threads.
///
/// A `Copy` value with chained setters; it is checked when the simulation runs.
///
/// # Example
/// ```
/// use csfquant::SimulationOptions;
/// let options = SimulationOptions::new(2027).trials(1_000_000);
/// assert_eq!(options.trial_count(), 1_000_000);
/// assert_eq!(options.seed(), 2027);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SimulationOptions {
    seed: u64,
    trials: u64,
    parallel: bool,
    record_trials: bool,
}

impl SimulationOptions {
    /// The trial count of [`SimulationOptions::new`].
    pub const DEFAULT_TRIALS: u64 = 100_000;
    /// The largest accepted trial count (8 GB of annual losses).
    pub const MAX_TRIALS: u64 = 1_000_000_000;

    /// Options with this seed, [`DEFAULT_TRIALS`](Self::DEFAULT_TRIALS) trials and threads on.
    pub fn new(seed: u64) -> SimulationOptions {
        SimulationOptions {
            seed,
            trials: Self::DEFAULT_TRIALS,
            parallel: true,
            record_trials: false,
        }
    }

    /// Sets the number of simulated years (checked when the simulation runs: 1 to
    /// [`MAX_TRIALS`](Self::MAX_TRIALS)).
    #[must_use]
    pub fn trials(self, trials: u64) -> SimulationOptions {
        SimulationOptions { trials, ..self }
    }

    /// Whether to spread chunks over rayon's thread pool (default `true`; without the `parallel`
    /// feature the run is always serial). Results are identical either way.
    #[must_use]
    pub fn parallel(self, parallel: bool) -> SimulationOptions {
        SimulationOptions { parallel, ..self }
    }

    /// Whether [`Model::analyze`](crate::Model::analyze) keeps each simulated year's inherent
    /// and residual loss in trial order (default `false`), for
    /// [`ControlAnalysis::trial_losses`](crate::ControlAnalysis::trial_losses): a copy of both
    /// loss vectors taken before they are sorted, 16 more bytes per simulated year (16 MB for
    /// 10^6 years), reserved before the run like the rest (an allocation failure is
    /// [`Error::OutOfMemory`]). Results are identical either way. [`Model::simulate`](crate::Model::simulate)
    /// does not record trials.
    #[must_use]
    pub fn record_trials(self, record_trials: bool) -> SimulationOptions {
        SimulationOptions {
            record_trials,
            ..self
        }
    }

    /// Whether the losses of each year are kept in trial order (see
    /// [`record_trials`](Self::record_trials)).
    pub fn is_recording_trials(&self) -> bool {
        self.record_trials
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The number of simulated years.
    pub fn trial_count(&self) -> u64 {
        self.trials
    }

    /// Whether chunks may run on rayon's thread pool.
    pub fn is_parallel(&self) -> bool {
        self.parallel
    }

    pub(crate) fn validate(&self) -> Result<usize> {
        if self.trials == 0 {
            return Err(Error::NoTrials);
        }
        if self.trials > Self::MAX_TRIALS {
            return Err(Error::TooManyTrials {
                trials: self.trials,
                max: Self::MAX_TRIALS,
            });
        }
        usize::try_from(self.trials).map_err(|_| Error::TooManyTrials {
            trials: self.trials,
            max: usize::MAX as u64,
        })
    }
}

/// The generator of chunk `chunk` of a run with seed `seed`: the events' stream.
pub(crate) fn chunk_rng(seed: u64, chunk: u64) -> Xoshiro256PlusPlus {
    stream_rng(seed, chunk, 0)
}

/// The generator of stream `stream` in chunk `chunk`: stream 0 draws the events, and each
/// control draws from its own stream (see arms.rs).
///
/// A 64-bit key is made from (seed, chunk, stream) by nested SplitMix64 finalisers, and the
/// 256-bit state is four consecutive SplitMix64 outputs from that key (as `seed_from_u64`
/// does). Within a run, distinct chunks and streams give distinct keys (each step is a
/// bijection applied to an input that differs), hence distinct states; and because every state
/// word depends non-linearly on all three inputs, no two streams' states differ by a fixed bit
/// pattern. (Xoshiro is linear over GF(2): states that differ by a fixed pattern give outputs
/// that stay correlated for hundreds of draws. An earlier scheme XORed the stream into one word
/// and shared the others, and blocking correlated with the loss it blocked; found in review.)
pub(crate) fn stream_rng(seed: u64, chunk: u64, stream: u64) -> Xoshiro256PlusPlus {
    const STREAM_SALT: u64 = 0x5851_F42D_4C95_7F2D;
    const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;
    let run_chunk = splitmix64(splitmix64(seed) ^ chunk);
    let key = splitmix64(run_chunk ^ splitmix64(stream ^ STREAM_SALT));
    let mut bytes = [0u8; 32];
    for (i, dst) in (0u64..).zip(bytes.chunks_exact_mut(8)) {
        let word = splitmix64(key.wrapping_add(i.wrapping_mul(GOLDEN)));
        dst.copy_from_slice(&word.to_le_bytes());
    }
    // An all-zero state is the one invalid Xoshiro state; `from_seed` handles it.
    Xoshiro256PlusPlus::from_seed(bytes)
}

/// SplitMix64's output function (Steele, Lea and Flood 2014): a bijection on u64.
fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// What a run without controls gives: the annual losses, sorted, and each risk's estimates.
#[derive(Debug)]
pub(crate) struct Run {
    /// The simulated annual losses of the portfolio, in increasing order.
    pub(crate) sorted_losses: Vec<f64>,
    /// One per risk, in the model's order.
    pub(crate) risks: Vec<RiskEstimate>,
    /// One per shock: its annual loss (before controls).
    pub(crate) shocks: Vec<RiskEstimate>,
    /// The risks' and shocks' shares of the tail at [`TAIL_P`].
    pub(crate) tail: Tail,
}

/// The probability level of the tail figures (VaR and TVaR at 99%).
pub(crate) const TAIL_P: f64 = 0.99;

/// A risk's expected annual loss, its standard error and the SD of its annual loss, from the
/// risk's streamed sums.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RiskEstimate {
    pub(crate) mean: f64,
    pub(crate) standard_error: f64,
    pub(crate) std_dev: f64,
}

/// Simulates `options.trial_count()` years of the portfolio `risks`.
pub(crate) fn simulate(
    risks: &[Risk],
    dependence: &Dependence,
    options: SimulationOptions,
    monitor: &dyn Monitor,
) -> Result<Run> {
    let trials = options.validate()?;
    let plan = Plan::new(risks, dependence)?;
    check_work(plan.expected_draws_per_year, trials, risks.len())?;
    let mut losses = allocate_losses(trials, options, 1)?;

    let (totals, store) = run_chunks(&plan, options, &mut losses, monitor)?;
    sort_losses(&mut losses);
    let tail = store.finish(&losses, |chunk| {
        plan.rerun_inherent_tail(options.seed, chunk, trials, CHUNK_TRIALS)
    });
    Ok(Run {
        sorted_losses: losses,
        risks: risk_estimates(&plan, &totals, trials),
        shocks: plan.shock_estimates(&totals, trials),
        tail,
    })
}

/// Sorts finite losses in increasing order (in parallel with the `parallel` feature).
pub(crate) fn sort_losses(losses: &mut [f64]) {
    #[cfg(feature = "parallel")]
    {
        use rayon::slice::ParallelSliceMut;
        losses.par_sort_unstable_by(f64::total_cmp);
    }
    #[cfg(not(feature = "parallel"))]
    losses.sort_unstable_by(f64::total_cmp);
}

/// Refuses a run of `trials` years at `draws_per_year` expected random draws a year, with
/// `per_chunk` units of bookkeeping per chunk (the risks' sums), that would exceed
/// [`MAX_EXPECTED_DRAWS`].
pub(crate) fn check_work(draws_per_year: f64, trials: usize, per_chunk: usize) -> Result<()> {
    let chunks = trials.div_ceil(CHUNK_TRIALS) as f64;
    let draws = draws_per_year * trials as f64 + chunks * per_chunk as f64;
    if draws > MAX_EXPECTED_DRAWS {
        return Err(Error::TooMuchWork {
            draws,
            max: MAX_EXPECTED_DRAWS,
        });
    }
    Ok(())
}

/// A zeroed loss vector of `trials` values, or an error naming the memory of the run's
/// `vectors` loss vectors.
pub(crate) fn allocate_losses(
    trials: usize,
    options: SimulationOptions,
    vectors: u64,
) -> Result<Vec<f64>> {
    let mut losses = Vec::new();
    losses
        .try_reserve_exact(trials)
        .map_err(|_| Error::OutOfMemory {
            trials: options.trials,
            bytes: options.trials.saturating_mul(8 * vectors),
        })?;
    losses.resize(trials, 0.0);
    Ok(losses)
}

/// How far the analytic mean may lie above the simulated one before the sums centred on it are
/// no longer trusted: centring on a shift s costs about `eps * s` of absolute precision per
/// year, harmless while s is within a few orders of the mean, ruinous when an astronomically
/// heavy tail puts the analytic mean at 1e30 and the simulated years near 1e16.
const MAX_SHIFT_RATIO: f64 = 1e3;

/// Each risk's expected annual loss, standard error and SD from its streamed sums.
pub(crate) fn risk_estimates(plan: &Plan, totals: &[RiskSums], trials: usize) -> Vec<RiskEstimate> {
    let n = trials as f64;
    let sample_variance = |sum: f64, sum_sq: f64| {
        if trials > 1 {
            ((sum_sq - sum * sum / n) / (n - 1.0)).max(0.0)
        } else {
            0.0
        }
    };
    let n_risks = plan.magnitudes.len();
    let mut estimates: Vec<RiskEstimate> = totals[..n_risks]
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let (mean, var, sum_sq) = match plan.own_count_shift[i] {
                // Compound Poisson (or never an event): Var[L] = rate E[X^2], and Σ x^2 / n over
                // the simulated events is an unbiased estimate of it.
                None => (s.sum / n, s.sum_sq / n, s.sum_sq),
                // A risk that never lost anything: exactly 0, not the rounding of shift - shift.
                Some(_) if s.year_sum == 0.0 => (0.0, 0.0, 0.0),
                // Sums of deviations from the analytic mean: stable whatever the spread, while
                // that mean is near the simulated one.
                Some(shift) if shift.is_finite() && shift <= MAX_SHIFT_RATIO * (s.year_sum / n) => {
                    (
                        (shift + s.sum / n).max(0.0),
                        sample_variance(s.sum, s.sum_sq),
                        s.sum_sq,
                    )
                }
                // Otherwise the plain sums of the annual losses, which depend on no analytic
                // figure (and whose spread dwarfs any cancellation here).
                Some(_) => (
                    s.year_sum / n,
                    sample_variance(s.year_sum, s.year_sum_sq),
                    s.year_sum_sq,
                ),
            };
            // Squares overflow before sums do (a loss above 1e154): report an infinite spread
            // rather than the NaN of inf - inf.
            let var = if sum_sq.is_finite() {
                var
            } else {
                f64::INFINITY
            };
            RiskEstimate {
                mean,
                standard_error: (var / n).sqrt(),
                std_dev: var.sqrt(),
            }
        })
        .collect();
    if let Some(dependence) = &plan.dependence {
        // A shock's events in a risk are independent of the risk's own: the means and the
        // variances add.
        for (slot, &r) in dependence.hit_slots().iter().enumerate() {
            let part = plain_estimate(&totals[n_risks + slot], trials);
            let own = &mut estimates[r];
            own.mean += part.mean;
            let var = own.std_dev * own.std_dev + part.std_dev * part.std_dev;
            own.std_dev = var.sqrt();
            own.standard_error = (var / n).sqrt();
        }
    }
    estimates
}

/// Mean, standard error and SD from the plain sums of annual values.
fn plain_estimate(s: &RiskSums, trials: usize) -> RiskEstimate {
    let n = trials as f64;
    let var = if trials > 1 {
        ((s.year_sum_sq - s.year_sum * s.year_sum / n) / (n - 1.0)).max(0.0)
    } else {
        0.0
    };
    let var = if s.year_sum_sq.is_finite() {
        var
    } else {
        f64::INFINITY
    };
    RiskEstimate {
        mean: s.year_sum / n,
        standard_error: (var / n).sqrt(),
        std_dev: var.sqrt(),
    }
}

/// Runs every chunk into `losses` and returns each risk's sums and the tail's kept years,
/// folded in chunk order.
fn run_chunks(
    plan: &Plan,
    options: SimulationOptions,
    losses: &mut [f64],
    monitor: &dyn Monitor,
) -> Result<(Vec<RiskSums>, TailStore)> {
    let mut totals = plan.new_totals();
    let keep = default_keep_per_chunk(TAIL_P);
    let (columns, risks) = plan.tail_columns();
    let on = contributions::fits(
        losses.len(),
        columns,
        risks,
        plan.expected_draws_per_year,
        1.0,
    );
    let mut store = if on {
        TailStore::new(losses.len(), TAIL_P, columns, risks)
    } else {
        TailStore::off(losses.len(), TAIL_P)
    };
    let floors = Floors::new(risks);
    run_batches(
        losses,
        &mut [],
        options.parallel,
        totals.len() * std::mem::size_of::<RiskSums>()
            + if on {
                TailStore::bytes_per_chunk(columns, risks, keep)
            } else {
                0
            },
        monitor,
        |chunk, out, _, watch| {
            let recorder = if on {
                TailRecorder::new(columns, risks, keep).with_floors(&floors)
            } else {
                TailRecorder::off()
            };
            let mut sink = InherentTail::new(recorder);
            let result = plan.run_chunk(options.seed, chunk, out, &mut sink, watch);
            (result, sink.recorder.finish(chunk, out))
        },
        |chunk, (result, tail), _, _| {
            store.fold(tail);
            // Once a batch's worth of chunks is folded, the next batch starts from these bounds.
            if chunk % MIN_BATCH_CHUNKS == MIN_BATCH_CHUNKS - 1 {
                store.publish(&floors);
            }
            plan.fold(&mut totals, &result)
        },
    )?;
    Ok((totals, store))
}

/// Runs every chunk of a run with `work(chunk index, inherent losses, residual losses, watch)`
/// and folds the results in chunk order with `fold(chunk index, result, inherent, residual)`.
///
/// `residual` is empty or as long as `inherent`. Chunks run in batches whose size depends only
/// on `bytes_per_chunk` (the memory a chunk's result holds until it is folded), so memory stays
/// bounded whatever the trial count, and results never depend on the batch size. `monitor` is
/// told of each finished chunk; if it stops the run, nothing of the stopped batch is folded and
/// the run ends with [`Error::Cancelled`].
pub(crate) fn run_batches<T, W, F>(
    inherent: &mut [f64],
    residual: &mut [f64],
    parallel: bool,
    bytes_per_chunk: usize,
    monitor: &dyn Monitor,
    work: W,
    mut fold: F,
) -> Result<()>
where
    T: Send,
    W: Fn(u64, &mut [f64], &mut [f64], &Watch<'_>) -> T + Send + Sync,
    F: FnMut(u64, T, &[f64], &[f64]) -> Result<()>,
{
    let watch = Watch::new(monitor, inherent.len() as u64);
    let batch_chunks = batch_chunks(bytes_per_chunk);
    let batch_trials = CHUNK_TRIALS * batch_chunks;
    let mut residual_batches = residual.chunks_mut(batch_trials);
    for (b, inherent_batch) in inherent.chunks_mut(batch_trials).enumerate() {
        let residual_batch = residual_batches.next().unwrap_or_default();
        let first = (b * batch_chunks) as u64;
        let results = map_chunks(inherent_batch, residual_batch, parallel, |k, i, r| {
            let result = work(first + k as u64, i, r, &watch);
            watch.finished(i.len());
            result
        });
        if watch.was_stopped() {
            return Err(Error::Cancelled);
        }
        let mut residual_chunks = residual_batch.chunks(CHUNK_TRIALS);
        for ((k, result), inherent_chunk) in results
            .into_iter()
            .enumerate()
            .zip(inherent_batch.chunks(CHUNK_TRIALS))
        {
            let residual_chunk = residual_chunks.next().unwrap_or_default();
            fold(first + k as u64, result, inherent_chunk, residual_chunk)?;
        }
    }
    Ok(())
}

/// Applies `work` to each (index, inherent chunk, residual chunk) of a batch, on rayon's pool
/// when `parallel` is set and the feature is on; the results come back in chunk order either
/// way. An empty `residual` gives empty residual chunks.
#[cfg_attr(not(feature = "parallel"), allow(unused_variables))]
fn map_chunks<T, F>(inherent: &mut [f64], residual: &mut [f64], parallel: bool, work: F) -> Vec<T>
where
    T: Send,
    F: Fn(usize, &mut [f64], &mut [f64]) -> T + Send + Sync,
{
    let mut residual_chunks = residual.chunks_mut(CHUNK_TRIALS);
    let pairs: Vec<(&mut [f64], &mut [f64])> = inherent
        .chunks_mut(CHUNK_TRIALS)
        .map(|i| (i, residual_chunks.next().unwrap_or_default()))
        .collect();
    #[cfg(feature = "parallel")]
    if parallel {
        use rayon::prelude::*;
        return pairs
            .into_par_iter()
            .enumerate()
            .map(|(k, (i, r))| work(k, i, r))
            .collect();
    }
    pairs
        .into_iter()
        .enumerate()
        .map(|(k, (i, r))| work(k, i, r))
        .collect()
}

/// Streamed sums of one risk's losses: for a pooled Poisson risk, the sums of its event losses
/// and of their squares; for the others, the sums of its annual losses' deviations from their
/// analytic mean (`OwnCount::shift`) and of their squares, and the plain sums of its annual
/// losses and their squares (for when the analytic mean is far from the simulated one).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct RiskSums {
    sum: f64,
    sum_sq: f64,
    year_sum: f64,
    year_sum_sq: f64,
}

impl RiskSums {
    /// Adds one year's loss of a risk that draws its own count, centred on `shift`.
    #[inline]
    pub(crate) fn add_year(&mut self, year: f64, shift: f64) {
        let deviation = year - shift;
        self.sum += deviation;
        self.sum_sq += deviation * deviation;
        self.year_sum += year;
        self.year_sum_sq += year * year;
    }

    fn add(&mut self, other: &RiskSums) {
        self.sum += other.sum;
        self.sum_sq += other.sum_sq;
        self.year_sum += other.year_sum;
        self.year_sum_sq += other.year_sum_sq;
    }
}

/// What one chunk returns besides the losses it wrote.
pub(crate) struct ChunkResult {
    loss_sum: f64,
    risks: Vec<RiskSums>,
}

/// Everything the hot loop needs, precomputed once per run.
pub(crate) struct Plan {
    /// The pooled Poisson stream of all fixed-rate Poisson risks, if any has a positive rate.
    pooled: Option<PooledPoisson>,
    /// Risks that draw their own event counts, in model order.
    others: Vec<OwnCount>,
    /// Per risk: `Some(shift)` for a risk that draws its own count (see [`OwnCount::shift`]),
    /// `None` for a risk in the pooled stream or with rate 0.
    own_count_shift: Vec<Option<f64>>,
    /// Each risk's magnitude, indexed by risk (contiguous for the cache).
    magnitudes: Vec<Magnitude>,
    pub(crate) expected_draws_per_year: f64,
    /// The shocks and frailties, if the model has any.
    pub(crate) dependence: Option<DependencePlan>,
}

/// A risk that draws its own event count each year.
struct OwnCount {
    risk: usize,
    frequency: crate::model::frequency::Frequency,
    /// The risk's analytic expected annual loss, subtracted before its annual losses are summed
    /// and squared, so that the variance keeps its digits when the spread is small next to the
    /// mean.
    shift: f64,
}

struct PooledPoisson {
    count: rand_distr::Poisson<f64>,
    pick: AliasTable,
}

impl Plan {
    pub(crate) fn new(risks: &[Risk], dependence: &Dependence) -> Result<Plan> {
        let dependence = DependencePlan::new(risks, dependence)?;
        let in_frailty = dependence.as_ref().map(|d| d.frailty_members(risks.len()));
        let mut pooled_weights = Vec::new();
        let mut others = Vec::new();
        for (i, risk) in risks.iter().enumerate() {
            // A frailty's risks draw their counts with it (engine/dependence.rs).
            if in_frailty.as_ref().is_some_and(|m| m[i]) {
                continue;
            }
            match risk.frequency().poisson_rate() {
                Some(rate) if rate > 0.0 => pooled_weights.push((i, rate)),
                Some(_) => {} // rate 0: never an event
                None => others.push(OwnCount {
                    risk: i,
                    frequency: *risk.frequency(),
                    shift: risk.expected_annual_loss(),
                }),
            }
        }
        let pooled_rate: f64 = pooled_weights.iter().map(|&(_, w)| w).sum();
        let pooled = if pooled_weights.is_empty() {
            None
        } else {
            let count = rand_distr::Poisson::new(pooled_rate)
                .map_err(|_| Error::invalid("total rate", pooled_rate, "a finite Poisson rate"))?;
            Some(PooledPoisson {
                count,
                pick: AliasTable::new(&pooled_weights),
            })
        };
        let count_draws = usize::from(pooled.is_some()) + others.len();
        let expected_draws_per_year = count_draws as f64
            + pooled_rate
            + others.iter().map(|o| o.frequency.mean()).sum::<f64>()
            + dependence
                .as_ref()
                .map_or(0.0, |d| d.expected_draws_per_year(risks));
        let mut own_count_shift = vec![None; risks.len()];
        for o in &others {
            own_count_shift[o.risk] = Some(o.shift);
        }
        if let Some(m) = &in_frailty {
            for (i, risk) in risks.iter().enumerate() {
                if m[i] {
                    own_count_shift[i] = Some(risk.expected_annual_loss());
                }
            }
        }
        Ok(Plan {
            pooled,
            others,
            own_count_shift,
            magnitudes: risks.iter().map(|r| r.magnitude().clone()).collect(),
            expected_draws_per_year,
            dependence,
        })
    }

    /// Zeroed sums for a run: one per risk, then (with shocks) one per risk a shock hits and
    /// one per shock.
    pub(crate) fn new_totals(&self) -> Vec<RiskSums> {
        let extra = self
            .dependence
            .as_ref()
            .map_or(0, |d| d.hit_slots().len() + d.shock_count());
        vec![RiskSums::default(); self.magnitudes.len() + extra]
    }

    /// The tail's columns (risks, then shocks) and the number of risks.
    pub(crate) fn tail_columns(&self) -> (usize, usize) {
        let shocks = self.dependence.as_ref().map_or(0, |d| d.shock_count());
        (self.magnitudes.len() + shocks, self.magnitudes.len())
    }

    /// Simulates chunk `chunk` of a run of `trials` years again, keeping `keep` of its years
    /// for the inherent tail (see contributions.rs).
    pub(crate) fn rerun_inherent_tail(
        &self,
        seed: u64,
        chunk: u64,
        trials: usize,
        keep: usize,
    ) -> TailChunk {
        let start = chunk as usize * CHUNK_TRIALS;
        let mut out = vec![0.0; (trials - start).min(CHUNK_TRIALS)];
        let (columns, risks) = self.tail_columns();
        let mut sink = InherentTail::new(TailRecorder::new(columns, risks, keep));
        let watch = Watch::new(&crate::engine::monitor::Unwatched, out.len() as u64);
        self.run_chunk(seed, chunk, &mut out, &mut sink, &watch);
        sink.recorder.finish(chunk, &out)
    }

    /// Each shock's annual loss (before controls) from the run's sums.
    pub(crate) fn shock_estimates(&self, totals: &[RiskSums], trials: usize) -> Vec<RiskEstimate> {
        let Some(d) = &self.dependence else {
            return Vec::new();
        };
        let first = self.magnitudes.len() + d.hit_slots().len();
        totals[first..first + d.shock_count()]
            .iter()
            .map(|s| plain_estimate(s, trials))
            .collect()
    }

    /// Simulates one chunk of years into `out`, telling `sink` about every year and event.
    #[inline]
    pub(crate) fn run_chunk<S: YearSink>(
        &self,
        seed: u64,
        chunk: u64,
        out: &mut [f64],
        sink: &mut S,
        watch: &Watch<'_>,
    ) -> ChunkResult {
        let mut rng = chunk_rng(seed, chunk);
        let mut dependence: Option<(&DependencePlan, DependenceState)> = self
            .dependence
            .as_ref()
            .map(|d| (d, d.state(|stream| stream_rng(seed, chunk, stream))));
        let mut sums = self.new_totals();
        let mut loss_sum = 0.0;
        for (slot, loss_out) in out.iter_mut().enumerate() {
            // Cut short, the chunk's figures are never used: the run ends in `Cancelled`.
            if slot % CANCEL_CHECK_YEARS == 0 && watch.should_stop() {
                break;
            }
            sink.start_year();
            let mut total = 0.0;
            if let Some(pooled) = &self.pooled {
                // The Poisson sampler returns a whole number as f64; the cast is exact below 2^53
                // and the rate is bounded far below that.
                let events = pooled.count.sample(&mut rng) as u64;
                for _ in 0..events {
                    let risk = pooled.pick.sample(&mut rng);
                    let loss = self.magnitudes[risk].sample(&mut rng);
                    total += loss;
                    // Per event, without branches: a pooled risk's annual loss is compound
                    // Poisson, whose variance is estimated by the sum of squared event losses.
                    let s = &mut sums[risk];
                    s.sum += loss;
                    s.sum_sq += loss * loss;
                    sink.event(risk, loss);
                }
            }
            sink.subtotal_done();
            for own in &self.others {
                let events = own.frequency.sample(&mut rng);
                let magnitude = &self.magnitudes[own.risk];
                let mut year = 0.0;
                for _ in 0..events {
                    let loss = magnitude.sample(&mut rng);
                    year += loss;
                    sink.event(own.risk, loss);
                }
                total += year;
                sink.subtotal_done();
                sums[own.risk].add_year(year, own.shift);
            }
            if let Some((plan, state)) = &mut dependence {
                plan.year(state, &self.magnitudes, &mut sums, sink, &mut total);
            }
            *loss_out = total;
            loss_sum += total;
            sink.end_year(slot);
        }
        ChunkResult {
            loss_sum,
            risks: sums,
        }
    }

    /// Adds a chunk's per-risk sums to `totals`, refusing non-finite losses.
    pub(crate) fn fold(&self, totals: &mut [RiskSums], chunk: &ChunkResult) -> Result<()> {
        if !chunk.loss_sum.is_finite() {
            return Err(Error::NonFiniteLoss);
        }
        for (t, c) in totals.iter_mut().zip(&chunk.risks) {
            t.add(c);
        }
        Ok(())
    }
}

/// What the hot loop reports besides the inherent losses it writes: the start and end of each
/// year and every event. The unit type ignores it all (and compiles to nothing).
pub(crate) trait YearSink {
    /// A new year begins.
    fn start_year(&mut self);
    /// An event of risk `risk` with loss `loss` (before any control).
    fn event(&mut self, risk: usize, loss: f64);
    /// The events since the last subtotal have been added to the year's total as one subtotal
    /// (the pooled stream's events, then each own-count risk's): a sink that sums the same
    /// events in the same way reproduces the total bit for bit.
    fn subtotal_done(&mut self);
    /// Year `slot` of the chunk ends.
    fn end_year(&mut self, slot: usize);
    /// The event just reported by [`event`](Self::event) was caused by shock `shock` (the
    /// shocks' tail contributions follow it; the control arms need not).
    #[inline(always)]
    fn shock_event(&mut self, _shock: usize, _loss: f64) {}
}

impl YearSink for () {
    #[inline(always)]
    fn start_year(&mut self) {}
    #[inline(always)]
    fn event(&mut self, _: usize, _: f64) {}
    #[inline(always)]
    fn subtotal_done(&mut self) {}
    #[inline(always)]
    fn end_year(&mut self, _: usize) {}
}

/// Walker's alias table: picks index i with probability w_i / Σ w in O(1) from one u64.
pub(crate) struct AliasTable {
    slots: Vec<AliasSlot>,
}

#[derive(Clone, Copy, Debug)]
struct AliasSlot {
    /// Accept `own` when the low 64 bits of the draw are below this (probability threshold / 2^64).
    threshold: u64,
    own: usize,
    alias: usize,
}

impl AliasTable {
    /// Builds the table from (risk index, positive weight) pairs (Vose's stable construction).
    pub(crate) fn new(weights: &[(usize, f64)]) -> AliasTable {
        let n = weights.len();
        let total: f64 = weights.iter().map(|&(_, w)| w).sum();
        let mut scaled: Vec<f64> = weights.iter().map(|&(_, w)| w * n as f64 / total).collect();
        let mut slots: Vec<AliasSlot> = weights
            .iter()
            .map(|&(i, _)| AliasSlot {
                threshold: u64::MAX,
                own: i,
                alias: i,
            })
            .collect();
        let (mut small, mut large): (Vec<usize>, Vec<usize>) =
            (0..n).partition(|&j| scaled[j] < 1.0);
        while let (Some(&s), Some(&l)) = (small.last(), large.last()) {
            small.pop();
            slots[s].threshold = probability_to_threshold(scaled[s]);
            slots[s].alias = weights[l].0;
            scaled[l] = (scaled[l] + scaled[s]) - 1.0;
            if scaled[l] < 1.0 {
                large.pop();
                small.push(l);
            }
        }
        // What remains has probability 1 up to rounding: always take `own`.
        AliasTable { slots }
    }

    #[inline]
    pub(crate) fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> usize {
        // Multiply-shift: the high word is a uniform slot index (bias below n / 2^64), the low
        // word a uniform fraction independent of it to the same precision.
        let product = u128::from(rng.next_u64()) * self.slots.len() as u128;
        let slot = &self.slots[(product >> 64) as usize];
        if (product as u64) < slot.threshold {
            slot.own
        } else {
            slot.alias
        }
    }
}

fn probability_to_threshold(p: f64) -> u64 {
    // 2^64 * p, saturating at u64::MAX for p >= 1 (the float-to-int cast saturates).
    (p * 18_446_744_073_709_551_616.0) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The run's tail figures (with the bounds chunks start from, and their bounded keeping)
    /// are those of keeping every year of every chunk: the same VaR, TVaR and stand-alone VaRs
    /// bit for bit, and the same contributions up to the order of summing the same years (a
    /// year left out would move one by its share of a year's loss, far above 1e-12). 64 risks
    /// make a batch about 17 chunks, so the later batches of the 60 chunks start from bounds.
    #[test]
    fn the_tail_is_the_keep_everything_tail() {
        use crate::model::{Frequency, Magnitude, Risk, Shock};
        let risks: Vec<Risk> = (0..64)
            .map(|i| {
                let frequency = if i % 3 == 0 {
                    Frequency::negative_binomial(0.8, 2.0).unwrap()
                } else {
                    Frequency::poisson(0.1 + 0.01 * i as f64).unwrap()
                };
                let magnitude = Magnitude::lognormal_ci90(1e3, 1e5 * (1 + i % 4) as f64).unwrap();
                Risk::new(format!("r{i}"), frequency, magnitude).unwrap()
            })
            .collect();
        let model = crate::model::Model::new(risks)
            .unwrap()
            .with_shocks(vec![
                Shock::new("s", Frequency::poisson(0.3).unwrap())
                    .unwrap()
                    .hits("r1", 0.8)
                    .unwrap()
                    .hits("r5", 0.5)
                    .unwrap(),
            ])
            .unwrap();
        let trials = 60 * CHUNK_TRIALS + 123;
        let options = SimulationOptions::new(5).trials(trials as u64);
        let run = simulate(
            model.risks(),
            model.dependence(),
            options,
            &crate::engine::monitor::Unwatched,
        )
        .unwrap();
        let plan = Plan::new(model.risks(), model.dependence()).unwrap();
        let (columns, n_risks) = plan.tail_columns();
        let mut store = TailStore::new(trials, TAIL_P, columns, n_risks);
        for chunk in 0..trials.div_ceil(CHUNK_TRIALS) as u64 {
            store.fold(plan.rerun_inherent_tail(5, chunk, trials, CHUNK_TRIALS));
        }
        let all = store.finish(&run.sorted_losses, |_| unreachable!("nothing left out"));
        let batch = batch_chunks(TailStore::bytes_per_chunk(
            columns,
            n_risks,
            default_keep_per_chunk(TAIL_P),
        ));
        assert!(
            batch < 30,
            "one batch of {batch} chunks: the bounds are never used"
        );
        let tail = &run.tail;
        assert_eq!(tail.var.to_bits(), all.var.to_bits());
        assert_eq!(tail.tvar.to_bits(), all.tvar.to_bits());
        assert_eq!(tail.standalone_var, all.standalone_var);
        assert!(all.standalone_var.iter().all(|&v| v > 0.0));
        for (a, b) in tail.tvar_by_column.iter().zip(&all.tvar_by_column) {
            assert!((a.0 - b.0).abs() <= 1e-12 * b.0, "{a:?} vs {b:?}");
            assert!((a.1 - b.1).abs() <= 1e-9 * b.1, "{a:?} vs {b:?}");
        }
    }

    #[test]
    fn alias_table_reproduces_weights() {
        let weights = [(3, 0.5), (7, 2.0), (9, 1.5), (11, 0.0001)];
        let table = AliasTable::new(&weights);
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
        let n = 1_000_000;
        let mut counts = [0usize; 12];
        for _ in 0..n {
            counts[table.sample(&mut rng)] += 1;
        }
        let total: f64 = weights.iter().map(|w| w.1).sum();
        for (i, w) in weights {
            let p = w / total;
            let se = (p * (1.0 - p) / n as f64).sqrt();
            let got = counts[i] as f64 / n as f64;
            // 5 binomial standard errors: a false alarm has probability below 1e-6.
            assert!((got - p).abs() < 5.0 * se + 1e-9, "risk {i}: {got} vs {p}");
        }
    }

    #[test]
    fn chunk_generators_differ_by_seed_and_chunk() {
        let first = |s, c| chunk_rng(s, c).next_u64();
        assert_ne!(first(0, 0), first(0, 1));
        assert_ne!(first(0, 0), first(1, 0));
        assert_ne!(first(1, 0), first(0, 1));
        assert_eq!(first(42, 7), first(42, 7));
    }

    /// Sample correlation of `n` pairs.
    fn correlation(pairs: &[(f64, f64)]) -> f64 {
        let n = pairs.len() as f64;
        let (mx, my) = pairs
            .iter()
            .fold((0.0, 0.0), |(a, b), (x, y)| (a + x / n, b + y / n));
        let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
        for (x, y) in pairs {
            sxy += (x - mx) * (y - my);
            sxx += (x - mx) * (x - mx);
            syy += (y - my) * (y - my);
        }
        sxy / (sxx * syy).sqrt()
    }

    #[test]
    fn streams_and_chunks_are_uncorrelated_draw_by_draw() {
        // Over many seeds, the k-th draw of one stream or chunk must not predict the k-th draw
        // of another. Under independence the sample correlation of n pairs has SD 1/sqrt(n);
        // 5 SD over 3 x 64 steps keeps false alarms below 1e-4. (A linear relation between
        // Xoshiro states showed up as |ρ| near 0.8 here.)
        let n = 20_000u64;
        let uniform = |r: &mut Xoshiro256PlusPlus| (r.next_u64() >> 11) as f64;
        let pairs_of = |a: &dyn Fn(u64) -> Xoshiro256PlusPlus,
                        b: &dyn Fn(u64) -> Xoshiro256PlusPlus| {
            let mut rngs: Vec<_> = (0..n).map(|s| (a(s), b(s))).collect();
            (0..64)
                .map(|_| {
                    let pairs: Vec<(f64, f64)> = rngs
                        .iter_mut()
                        .map(|(x, y)| (uniform(x), uniform(y)))
                        .collect();
                    correlation(&pairs)
                })
                .fold(0.0f64, |m, r| m.max(r.abs()))
        };
        let limit = 5.0 / (n as f64).sqrt();
        let key = crate::model::control::stream_key("mfa");
        for (what, worst) in [
            (
                "chunk 0 vs chunk 1",
                pairs_of(&|s| chunk_rng(s, 0), &|s| chunk_rng(s, 1)),
            ),
            (
                "events vs a control",
                pairs_of(&|s| chunk_rng(s, 0), &|s| stream_rng(s, 0, key)),
            ),
            (
                "seed s vs s + 1",
                pairs_of(&|s| chunk_rng(s, 0), &|s| chunk_rng(s + 1, 0)),
            ),
        ] {
            assert!(worst < limit, "{what}: |ρ| up to {worst} (limit {limit})");
        }
    }

    #[test]
    fn runs_that_would_take_hours_are_refused_before_any_work() {
        use crate::{Frequency, Magnitude, Model, Risk};
        let risk =
            |i: usize, f| Risk::new(format!("r{i}"), f, Magnitude::fixed(1.0).unwrap()).unwrap();
        // Many risks with their own (rare) counts: the count draws themselves are the work.
        let many: Vec<Risk> = (0..10_000)
            .map(|i| risk(i, Frequency::bernoulli(1e-12).unwrap()))
            .collect();
        let model = Model::new(many).unwrap();
        let e = model
            .simulate(SimulationOptions::new(1).trials(10_000_000))
            .unwrap_err();
        assert!(matches!(e, Error::TooMuchWork { .. }), "{e}");
        // Many pooled risks with few events: the per-risk sums of every chunk are the work
        // (10^5 risks x 244,141 chunks), though the draws alone (about 10^9) would pass.
        let pooled: Vec<Risk> = (0..100_000)
            .map(|i| risk(i, Frequency::poisson(1e-9).unwrap()))
            .collect();
        let e = Model::new(pooled)
            .unwrap()
            .simulate(SimulationOptions::new(1).trials(1_000_000_000))
            .unwrap_err();
        assert!(
            e.to_string().starts_with("too much work: about 2.541e10"),
            "{e}"
        );
        // Many events per year.
        let model = Model::new(vec![risk(0, Frequency::poisson(1e6).unwrap())]).unwrap();
        let e = model
            .simulate(SimulationOptions::new(1).trials(1_000_000))
            .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("too much work: about 1.000e12 random draws"),
            "{e}"
        );
        assert!(
            model
                .simulate(SimulationOptions::new(1).trials(100))
                .is_ok()
        );
    }

    #[test]
    fn overflowing_squares_give_an_infinite_spread_not_nan() {
        use crate::{Frequency, Magnitude, Model, Risk};
        // Losses near e^356 ~ 1e154.6: finite sums, squares above f64::MAX.
        let huge = Magnitude::lognormal(356.0, 1.0).unwrap();
        let model = Model::new(vec![
            Risk::new("pooled", Frequency::poisson(1.0).unwrap(), huge.clone()).unwrap(),
            Risk::new("own", Frequency::bernoulli(0.9).unwrap(), huge).unwrap(),
        ])
        .unwrap();
        let report = model
            .simulate(SimulationOptions::new(1).trials(10_000))
            .unwrap();
        for risk in report.risks() {
            assert!(risk.expected_annual_loss.is_finite(), "{}", risk.id);
            assert_eq!(risk.std_dev, f64::INFINITY, "{}", risk.id);
        }
    }

    #[test]
    fn options_are_checked_when_run() {
        assert_eq!(
            SimulationOptions::new(1).trials(0).validate(),
            Err(Error::NoTrials)
        );
        assert!(matches!(
            SimulationOptions::new(1).trials(u64::MAX).validate(),
            Err(Error::TooManyTrials { .. })
        ));
        assert_eq!(SimulationOptions::new(1).trials(5).validate(), Ok(5));
    }
}
