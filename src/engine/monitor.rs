//! Watching a run: progress after every chunk of years, and a way to stop it.
//!
//! A web service or a GUI that runs a large scenario needs to show how far it is and to stop it
//! when the user gives up. Both are cold paths: the engine tells the monitor after each chunk
//! of [`CHUNK_TRIALS`](crate::CHUNK_TRIALS) years and asks it whether to stop before each chunk
//! and every [`CANCEL_CHECK_YEARS`] simulated years within one (a chunk of years with millions
//! of events each can take minutes), never per event.

/// How often, in simulated years, a chunk asks its monitor whether to stop.
pub const CANCEL_CHECK_YEARS: usize = 16;

/// Watches a run. Both methods may be called from several threads at once (chunks run in
/// parallel), hence `Sync`; both have defaults that do nothing.
///
/// # Example
/// ```
/// use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
/// use csfquant::{Error, Frequency, Magnitude, Model, Monitor, Risk, SimulationOptions};
///
/// struct Watch { done: AtomicU64, stop: AtomicBool }
/// impl Monitor for Watch {
///     fn progress(&self, done: u64, _total: u64) {
///         self.done.fetch_max(done, Ordering::Relaxed);
///     }
///     fn is_cancelled(&self) -> bool {
///         self.stop.load(Ordering::Relaxed)
///     }
/// }
///
/// let model = Model::new(vec![
///     Risk::new("r", Frequency::poisson(1.0)?, Magnitude::fixed(1e3)?)?,
/// ])?;
/// let options = SimulationOptions::new(1).trials(10_000);
/// let watch = Watch { done: AtomicU64::new(0), stop: AtomicBool::new(false) };
/// model.simulate_with(options, &watch)?;
/// assert_eq!(watch.done.load(Ordering::Relaxed), 10_000);
///
/// watch.stop.store(true, Ordering::Relaxed); // e.g. from another thread
/// assert!(matches!(model.simulate_with(options, &watch), Err(Error::Cancelled)));
/// Ok::<(), Error>(())
/// ```
pub trait Monitor: Sync {
    /// `done` of `total` simulated years are finished (in no particular order of chunks, so
    /// `done` can arrive out of order from different threads: keep the largest).
    fn progress(&self, done: u64, total: u64) {
        let _ = (done, total);
    }

    /// Whether to stop the run: it then ends with [`Error::Cancelled`](crate::Error::Cancelled)
    /// and returns no figures.
    fn is_cancelled(&self) -> bool {
        false
    }
}

/// The monitor of a run nobody watches.
#[derive(Debug)]
pub(crate) struct Unwatched;

impl Monitor for Unwatched {}

/// A run's view of its monitor: the years done so far, and whether the run was stopped (sticky,
/// so that a chunk cut short can never be folded into figures).
pub(crate) struct Watch<'a> {
    monitor: &'a dyn Monitor,
    total: u64,
    done: std::sync::atomic::AtomicU64,
    stopped: std::sync::atomic::AtomicBool,
}

impl<'a> Watch<'a> {
    pub(crate) fn new(monitor: &'a dyn Monitor, total: u64) -> Watch<'a> {
        Watch {
            monitor,
            total,
            done: 0.into(),
            stopped: false.into(),
        }
    }

    /// Whether to stop now: asks the monitor once, and remembers a yes.
    #[cold]
    pub(crate) fn should_stop(&self) -> bool {
        use std::sync::atomic::Ordering::Relaxed;
        if self.stopped.load(Relaxed) {
            return true;
        }
        let stop = self.monitor.is_cancelled();
        if stop {
            self.stopped.store(true, Relaxed);
        }
        stop
    }

    /// Whether any chunk was stopped.
    pub(crate) fn was_stopped(&self) -> bool {
        self.stopped.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// A chunk of `years` years is finished.
    pub(crate) fn finished(&self, years: usize) {
        let years = years as u64;
        let done = self
            .done
            .fetch_add(years, std::sync::atomic::Ordering::Relaxed)
            + years;
        self.monitor.progress(done, self.total);
    }
}
