//! Candidate controls valued on top of the in-place set: the one-pass evaluation of every
//! candidate (set_run.rs) against the definition, one control analysis per candidate.
//!
//! Both use the same simulated years and each control's own random streams, so the paired
//! difference "residual of the in-place set − residual with the candidate" is the same sum of
//! the same numbers in another order: they agree to rounding (1e-9 relative), far below the
//! Monte Carlo error (the reductions' standard errors are 0.5% to 10% of them), so a draw taken
//! from the wrong stream or in the wrong order would fail this test.

use csfquant::{
    Control, Cost, Efficacy, Finance, Format, Frequency, Function, Magnitude, Model, Reliability,
    Risk, Scenario, SimulationOptions, Status, Transfer,
};

use crate::common::risk;

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()).max(1.0)
}

/// Checks each candidate's value in `scenario`'s assessment against one analysis per candidate.
fn check_against_one_analysis_each(scenario: &Scenario) {
    let assessment = scenario.assess().unwrap();
    let model = scenario.model();
    assert_eq!(assessment.candidates().len(), model.candidates().len());
    assert!(!model.candidates().is_empty());
    for (k, value) in assessment.candidates().iter().enumerate() {
        let analysis = model
            .with_candidates_in_place(&[k])
            .unwrap()
            .analyze(scenario.options(), scenario.finance())
            .unwrap();
        let added = analysis.controls().last().unwrap();
        assert_eq!(added.id, value.id);
        for (what, ours, theirs) in [
            ("reduction", value.standalone_reduction, added.eal_reduction),
            ("se", value.standalone_reduction_se, added.eal_reduction_se),
        ] {
            assert!(
                close(ours, theirs, 1e-9),
                "{}: {what} {ours} against {theirs}",
                value.id
            );
        }
    }
}

#[test]
fn the_default_scenarios_candidates_agree_with_one_analysis_each() {
    // Reliability, a manager, parties, an insurance policy in place and an excess layer among
    // the candidates: every path of the per-event arms.
    let text = include_str!("../examples/data/default.toml");
    let scenario = Scenario::parse(text, Format::Toml, "default.toml")
        .unwrap()
        .with_options(SimulationOptions::new(11).trials(20_000));
    check_against_one_analysis_each(&scenario);
}

#[test]
fn candidates_on_a_plain_model_agree_with_one_analysis_each() {
    // In place: plain controls (the sums-by-class arms of arms.rs) and a policy with an
    // aggregate limit; candidates: frequency and magnitude controls, one with lapses (whose
    // analysis takes the per-event arms), and an excess layer above the policy.
    let risks = vec![
        risk("ransomware", 0.4, 1e5, 8e6),
        risk("bec", 2.0, 1e4, 5e5),
        Risk::new(
            "breach",
            Frequency::negative_binomial(0.5, 0.8).unwrap(),
            Magnitude::pert(5e4, 3e5, 4e6).unwrap(),
        )
        .unwrap(),
    ];
    let candidate = |c: Control| c.with_status(Status::Candidate);
    let controls = vec![
        Control::new("mfa", Function::Protect)
            .unwrap()
            .applies_to(["bec", "breach"])
            .with_efficacy(Efficacy::pert(0.3, 0.5, 0.7).unwrap())
            .unwrap(),
        Control::new("backups", Function::Recover)
            .unwrap()
            .applies_to(["ransomware"])
            .with_efficacy(Efficacy::fixed(0.4).unwrap())
            .unwrap(),
        Control::new("policy", Function::Govern)
            .unwrap()
            .with_transfer(
                Transfer::new(100e3, 1e6)
                    .unwrap()
                    .with_aggregate_limit(2e6)
                    .unwrap(),
            )
            .unwrap(),
        candidate(
            Control::new("edr", Function::Detect)
                .unwrap()
                .with_cost(Cost::new(0.0, 50e3).unwrap())
                .with_efficacy(Efficacy::uniform(0.1, 0.4).unwrap())
                .unwrap(),
        ),
        candidate(
            Control::new("filtering", Function::Protect)
                .unwrap()
                .applies_to(["bec", "ransomware"])
                .with_efficacy(Efficacy::fixed(0.3).unwrap())
                .unwrap()
                .with_reliability(Reliability::lapses(6.0, 10.0).unwrap()),
        ),
        candidate(
            Control::new("excess", Function::Govern)
                .unwrap()
                .with_transfer(
                    Transfer::new(0.0, 3e6)
                        .unwrap()
                        .with_attachment(1.1e6)
                        .unwrap(),
                )
                .unwrap(),
        ),
    ];
    let model = Model::new(risks).unwrap().with_controls(controls).unwrap();
    assert_eq!(model.candidates().len(), 3);
    let scenario = Scenario::new("plain", model)
        .with_options(SimulationOptions::new(3).trials(30_000))
        .with_finance(Finance::default());
    check_against_one_analysis_each(&scenario);
}
