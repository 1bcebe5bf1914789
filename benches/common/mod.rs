//! The benchmarks' shared workload: the 100-risk reference portfolio and its 12 controls.
// Each bench uses part of the shared workload.
#![allow(dead_code)]

use csfquant::{Control, Cost, Efficacy, Frequency, Function, Magnitude, Model, Risk, Transfer};

/// A deterministic 100-risk portfolio whose Poisson rates sum to exactly 44 events a year.
pub fn portfolio() -> Model {
    let n = 100;
    // Rates spread over a factor of about 7 by a low-discrepancy sequence, then scaled to sum to 44.
    let raw: Vec<f64> = (0..n)
        .map(|i| 0.25 + ((i as f64 * 0.618_033_988_749_895) % 1.0) * 1.5)
        .collect();
    let scale = 44.0 / raw.iter().sum::<f64>();
    let risks = (0..n)
        .map(|i| {
            let low = 5_000.0 * (1.0 + (i % 10) as f64);
            let high = low * (10.0 + 5.0 * (i % 7) as f64);
            Risk::new(
                format!("risk-{i:03}"),
                Frequency::poisson(raw[i] * scale).expect("valid rate"),
                Magnitude::lognormal_ci90(low, high).expect("valid interval"),
            )
            .expect("valid id")
        })
        .collect();
    Model::new(risks).expect("unique ids")
}

/// The portfolio with 12 controls over all six CSF functions: most uncertain (PERT, uniform,
/// triangular), some on every risk and some on subsets, and one insurance policy on every risk.
pub fn portfolio_with_controls() -> Model {
    let subset = |step: usize, offset: usize| -> Vec<String> {
        (0..100)
            .filter(|i| i % step == offset)
            .map(|i| format!("risk-{i:03}"))
            .collect()
    };
    let pert = |a, b, c| Efficacy::pert(a, b, c).expect("valid efficacy");
    let control = |id: &str, f: Function, upfront: f64, annual: f64| {
        Control::new(id, f)
            .expect("valid id")
            .with_cost(Cost::new(upfront, annual).expect("valid cost"))
    };
    let controls = vec![
        control("mfa", Function::Protect, 40e3, 30e3)
            .applies_to(
                subset(5, 0)
                    .into_iter()
                    .chain(subset(5, 1))
                    .chain(subset(5, 2)),
            )
            .with_efficacy(pert(0.3, 0.5, 0.7)),
        control("email-filter", Function::Protect, 0.0, 25e3)
            .applies_to(subset(4, 1))
            .with_efficacy(pert(0.2, 0.4, 0.6)),
        control("patching", Function::Protect, 20e3, 60e3)
            .with_efficacy(Efficacy::uniform(0.1, 0.3).expect("valid efficacy")),
        control("edr", Function::Detect, 50e3, 120e3).with_efficacy(pert(0.1, 0.3, 0.5)),
        control("siem", Function::Detect, 100e3, 80e3)
            .applies_to(subset(2, 0))
            .with_efficacy(Efficacy::uniform(0.05, 0.15).expect("valid efficacy")),
        control("ir-retainer", Function::Respond, 0.0, 50e3).with_efficacy(pert(0.1, 0.2, 0.3)),
        control("playbooks", Function::Respond, 30e3, 5e3)
            .applies_to(subset(3, 0))
            .with_efficacy(Efficacy::fixed(0.1).expect("valid efficacy")),
        control("backups", Function::Recover, 20e3, 60e3)
            .applies_to(subset(3, 1))
            .with_efficacy(pert(0.2, 0.4, 0.6)),
        control("dr-site", Function::Recover, 200e3, 100e3)
            .applies_to(subset(5, 3))
            .with_efficacy(Efficacy::fixed(0.15).expect("valid efficacy")),
        control("asset-inventory", Function::Identify, 30e3, 20e3)
            .with_frequency_efficacy(Efficacy::triangular(0.0, 0.05, 0.1).expect("valid efficacy")),
        control("vuln-scanning", Function::Identify, 10e3, 40e3)
            .applies_to(subset(2, 1))
            .with_frequency_efficacy(Efficacy::fixed(0.1).expect("valid efficacy")),
        control("insurance", Function::Govern, 0.0, 150e3).with_transfer(
            Transfer::new(250e3, 5e6)
                .and_then(|t| t.with_aggregate_limit(10e6))
                .expect("valid terms"),
        ),
    ];
    let controls = controls
        .into_iter()
        .collect::<Result<Vec<_>, _>>()
        .expect("valid controls");
    portfolio()
        .with_controls(controls)
        .expect("controls name known risks")
}

/// A small company in the spirit of `examples/controls.rs`: five risks (about three events a
/// year), seven controls over the six functions, one insurance policy.
pub fn small_company() -> Model {
    let risk = |id: &str, rate: f64, low: f64, high: f64| {
        Risk::new(
            id,
            Frequency::poisson(rate).expect("valid rate"),
            Magnitude::lognormal_ci90(low, high).expect("valid interval"),
        )
        .expect("valid id")
    };
    let risks = vec![
        risk("ransomware", 0.15, 150e3, 6e6),
        risk("bec", 1.5, 10e3, 600e3),
        risk("cloud-breach", 0.04, 300e3, 12e6),
        risk("ddos", 0.8, 5e3, 150e3),
        risk("insider", 0.2, 20e3, 1.5e6),
    ];
    let pert = |a, b, c| Efficacy::pert(a, b, c).expect("valid efficacy");
    let control = |id: &str, f: Function| Control::new(id, f).expect("valid id");
    let controls = vec![
        control("mfa", Function::Protect).with_efficacy(pert(0.3, 0.5, 0.7)),
        control("email", Function::Protect)
            .applies_to(["bec", "ransomware"])
            .with_efficacy(pert(0.2, 0.35, 0.5)),
        control("edr", Function::Detect).with_efficacy(pert(0.1, 0.25, 0.4)),
        control("ir", Function::Respond).with_efficacy(pert(0.05, 0.15, 0.3)),
        control("backups", Function::Recover)
            .applies_to(["ransomware"])
            .with_efficacy(pert(0.3, 0.5, 0.7)),
        control("inventory", Function::Identify)
            .with_frequency_efficacy(Efficacy::uniform(0.0, 0.1).expect("valid efficacy")),
        control("insurance", Function::Govern).with_transfer(
            Transfer::new(250e3, 2e6)
                .and_then(|t| t.with_aggregate_limit(3e6))
                .expect("valid terms"),
        ),
    ];
    let controls = controls
        .into_iter()
        .collect::<Result<Vec<_>, _>>()
        .expect("valid controls");
    Model::new(risks)
        .and_then(|m| m.with_controls(controls))
        .expect("valid model")
}
