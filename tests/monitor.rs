//! A run's monitor: progress after every chunk, cancellation between and within chunks, and no
//! effect on the figures.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use csfquant::{
    CANCEL_CHECK_YEARS, CHUNK_TRIALS, Control, Efficacy, Error, Finance, Frequency, Function,
    Magnitude, Model, Monitor, Risk, SimulationOptions,
};

/// Keeps the largest progress seen and stops once it has been asked `stop_at` times.
struct Counting {
    done: AtomicU64,
    calls: AtomicU64,
    asked: AtomicUsize,
    stop_at: usize,
}

impl Counting {
    fn stopping_at(stop_at: usize) -> Counting {
        Counting {
            done: 0.into(),
            calls: 0.into(),
            asked: 0.into(),
            stop_at,
        }
    }
}

impl Monitor for Counting {
    fn progress(&self, done: u64, _total: u64) {
        self.done.fetch_max(done, Ordering::Relaxed);
        self.calls.fetch_add(1, Ordering::Relaxed);
    }
    fn is_cancelled(&self) -> bool {
        self.asked.fetch_add(1, Ordering::Relaxed) + 1 >= self.stop_at
    }
}

fn model() -> Model {
    Model::new(vec![
        Risk::new(
            "a",
            Frequency::poisson(2.0).unwrap(),
            Magnitude::lognormal_ci90(1e3, 1e5).unwrap(),
        )
        .unwrap(),
        Risk::new(
            "b",
            Frequency::bernoulli(0.3).unwrap(),
            Magnitude::pert(1e4, 2e4, 9e4).unwrap(),
        )
        .unwrap(),
    ])
    .unwrap()
    .with_controls(vec![
        Control::new("c", Function::Protect)
            .unwrap()
            .with_efficacy(Efficacy::fixed(0.5).unwrap())
            .unwrap(),
    ])
    .unwrap()
}

#[test]
fn a_watched_run_gives_the_same_figures_and_reports_every_year() {
    let model = model();
    let trials = 3 * CHUNK_TRIALS as u64 + 17;
    for parallel in [true, false] {
        let options = SimulationOptions::new(5).trials(trials).parallel(parallel);
        let watch = Counting::stopping_at(usize::MAX);
        assert_eq!(
            model.simulate_with(options, &watch).unwrap(),
            model.simulate(options).unwrap()
        );
        assert_eq!(watch.done.load(Ordering::Relaxed), trials);
        assert_eq!(watch.calls.load(Ordering::Relaxed), 4); // one call per chunk

        let finance = Finance::new(1, 0.0).unwrap();
        let watch = Counting::stopping_at(usize::MAX);
        let watched = model.analyze_with(options, finance, &watch).unwrap();
        let plain = model.analyze(options, finance).unwrap();
        assert_eq!(watched.residual(), plain.residual());
        assert_eq!(watched.controls(), plain.controls());
        assert_eq!(watch.done.load(Ordering::Relaxed), trials);
    }
}

#[test]
fn a_cancelled_run_returns_no_figures() {
    let model = model();
    let options = SimulationOptions::new(5).trials(10 * CHUNK_TRIALS as u64);
    // Asked before the first year: nothing runs.
    let watch = Counting::stopping_at(1);
    assert_eq!(model.simulate_with(options, &watch), Err(Error::Cancelled));
    let finance = Finance::new(1, 0.0).unwrap();
    assert!(matches!(
        model.analyze_with(options, finance, &Counting::stopping_at(1)),
        Err(Error::Cancelled)
    ));
    // Stopped later, in the middle of the run.
    let watch = Counting::stopping_at(50);
    assert_eq!(model.simulate_with(options, &watch), Err(Error::Cancelled));
    assert!(!Error::Cancelled.is_input());
}

#[test]
fn a_long_chunk_is_stopped_within_it() {
    // One chunk of years with many events each: the monitor is asked every
    // CANCEL_CHECK_YEARS years, so a "stop" on the second question ends the chunk there.
    let model = Model::new(vec![
        Risk::new(
            "many",
            Frequency::fixed(1000).unwrap(),
            Magnitude::pert(1.0, 2.0, 9.0).unwrap(),
        )
        .unwrap(),
    ])
    .unwrap();
    let options = SimulationOptions::new(1)
        .trials(CHUNK_TRIALS as u64)
        .parallel(false);
    let watch = Counting::stopping_at(2);
    assert_eq!(model.simulate_with(options, &watch), Err(Error::Cancelled));
    assert_eq!(watch.asked.load(Ordering::Relaxed), 2);
    // So the chunk ended after CANCEL_CHECK_YEARS years, not CHUNK_TRIALS.
    const { assert!(CANCEL_CHECK_YEARS < CHUNK_TRIALS) };
}

#[cfg(feature = "scenario")]
#[test]
fn a_scenario_is_assessed_under_its_monitor() {
    let text = "name = \"x\"\n[[risks]]\nid = \"r\"\nfrequency = { poisson = { rate = 1.0 } }\n\
                magnitude = { fixed = { value = 1000.0 } }\n";
    let scenario = csfquant::Scenario::parse(text, csfquant::Format::Toml, "x.toml")
        .unwrap()
        .with_options(SimulationOptions::new(3).trials(5_000));
    let watch = Counting::stopping_at(usize::MAX);
    let watched = scenario.assess_with(&watch).unwrap();
    assert_eq!(watch.done.load(Ordering::Relaxed), 5_000);
    assert_eq!(watched.to_json(), scenario.assess().unwrap().to_json());
    let e = scenario.assess_with(&Counting::stopping_at(1)).unwrap_err();
    assert_eq!(e, Error::Cancelled);
}
