//! The control analysis's per-trial losses (for `assess --csv`).

use csfquant::{
    Control, ControlAnalysis, Cost, Efficacy, Finance, Frequency, Function, Magnitude, Model, Risk,
    SimulationOptions, Transfer,
};

/// Two risks (one with its own count), one control of each kind of lever and an insurance
/// policy, one free control.
fn small_model() -> Model {
    let risks = vec![
        Risk::new(
            "ransomware",
            Frequency::poisson(0.4).unwrap(),
            Magnitude::lognormal_ci90(1e5, 5e6).unwrap(),
        )
        .unwrap()
        .with_name("Ransomware, on \"all\" hosts"),
        Risk::new(
            "bec",
            Frequency::poisson_ci90(0.5, 3.0).unwrap(),
            Magnitude::pert(1e4, 6e4, 9e5).unwrap(),
        )
        .unwrap(),
    ];
    let controls = vec![
        Control::new("insurance", Function::Govern)
            .unwrap()
            .with_cost(Cost::new(0.0, 45e3).unwrap())
            .with_transfer(
                Transfer::new(250e3, 2e6)
                    .unwrap()
                    .with_aggregate_limit(3e6)
                    .unwrap(),
            )
            .unwrap(),
        Control::new("mfa", Function::Protect)
            .unwrap()
            .with_cost(Cost::new(40e3, 30e3).unwrap())
            .with_efficacy(Efficacy::pert(0.3, 0.5, 0.7).unwrap())
            .unwrap(),
        // Free: its ROSI is undefined.
        Control::new("backups", Function::Recover)
            .unwrap()
            .applies_to(["ransomware"])
            .with_efficacy(Efficacy::fixed(0.4).unwrap())
            .unwrap(),
    ];
    Model::new(risks).unwrap().with_controls(controls).unwrap()
}

fn analyze(options: SimulationOptions) -> ControlAnalysis {
    small_model()
        .analyze(options, Finance::new(3, 0.08).unwrap())
        .unwrap()
}

#[test]
fn trial_losses_are_recorded_only_on_request() {
    let options = SimulationOptions::new(5).trials(10_000);
    assert!(!options.is_recording_trials());
    assert_eq!(analyze(options).trial_losses(), None);
    assert!(options.record_trials(true).is_recording_trials());
}

#[test]
fn trial_losses_sorted_are_the_distributions_and_pair_year_by_year() {
    // Not a multiple of the chunk size, several chunks.
    let a = analyze(
        SimulationOptions::new(11)
            .trials(20_001)
            .record_trials(true),
    );
    let (inherent, residual) = a.trial_losses().unwrap();
    assert_eq!(inherent.len(), 20_001);
    assert_eq!(residual.len(), 20_001);
    let sorted = |xs: &[f64]| {
        let mut v = xs.to_vec();
        v.sort_by(f64::total_cmp);
        v
    };
    assert_eq!(sorted(inherent), a.inherent().losses());
    assert_eq!(sorted(residual), a.residual().losses());
    // The same simulated year: a control never makes a year worse.
    assert!(
        inherent
            .iter()
            .zip(residual)
            .all(|(&i, &r)| 0.0 <= r && r <= i)
    );
    // In trial order, not sorted (a sorted copy would pass the tests above).
    assert!(!inherent.is_sorted());
    assert!(residual.iter().zip(inherent).any(|(r, i)| r < i));
}

#[test]
fn recording_trials_changes_no_result_and_is_deterministic() {
    let options = SimulationOptions::new(3).trials(30_000);
    let plain = analyze(options);
    let recorded = analyze(options.record_trials(true));
    assert_eq!(plain.inherent(), recorded.inherent());
    assert_eq!(plain.residual(), recorded.residual());
    assert_eq!(plain.controls(), recorded.controls());
    assert_eq!(plain.functions(), recorded.functions());
    assert_eq!(plain.risks(), recorded.risks());
    // Bit-identical in trial order on one thread and on the pool.
    let serial = analyze(options.record_trials(true).parallel(false));
    assert_eq!(serial.trial_losses(), recorded.trial_losses());
}
