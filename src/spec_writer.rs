//! A scenario written back in the file format (the inverse of the loader in scenario.rs).
//!
//! Distributions come out in one canonical form: a lognormal as `mu` and `sigma`, an uncertain
//! Poisson rate as its 90% interval, a binomial or thinned frequency and a primary-plus-secondary
//! loss as Open FAIR factors, efficacies on their explicit levers.

use crate::control::Control;
use crate::efficacy::Efficacy;
use crate::error::{Error, Result};
use crate::frequency::Frequency;
use crate::magnitude::Magnitude;
use crate::risk::Risk;
use crate::scenario::Scenario;
use crate::spec::{
    ControlSpec, CostSpec, FairSpec, FinanceSpec, FixedCountSpec, FractionSpec, FrequencySpec,
    RiskSpec, ScenarioSpec, SecondarySpec, SimulationSpec, TolerancePointSpec, TransferSpec,
};

pub(crate) fn write(scenario: &Scenario) -> Result<ScenarioSpec> {
    let options = scenario.options();
    let finance = scenario.finance();
    let risks = scenario
        .model()
        .risks()
        .iter()
        .map(risk)
        .collect::<Result<Vec<_>>>()?;
    Ok(ScenarioSpec {
        name: scenario.name().to_string(),
        currency: Some(scenario.currency().to_string()),
        simulation: Some(SimulationSpec {
            trials: Some(options.trial_count()),
            seed: Some(options.seed()),
        }),
        finance: Some(FinanceSpec {
            horizon_years: Some(finance.horizon_years()),
            discount_rate: Some(finance.discount_rate()),
        }),
        thresholds: scenario.thresholds().to_vec(),
        tolerance: scenario
            .tolerance()
            .map(|curve| {
                curve
                    .points()
                    .iter()
                    .map(|&(loss, probability)| TolerancePointSpec { loss, probability })
                    .collect()
            })
            .unwrap_or_default(),
        risks,
        controls: scenario.model().controls().iter().map(control).collect(),
    })
}

fn risk(risk: &Risk) -> Result<RiskSpec> {
    let mut spec = RiskSpec {
        id: risk.id().to_string(),
        name: (risk.name() != risk.id()).then(|| risk.name().to_string()),
        csf: risk.csf().iter().map(|tag| tag.id().to_string()).collect(),
        frequency: None,
        magnitude: None,
        fair: None,
    };
    match (risk.frequency().spec(), risk.magnitude().spec()) {
        (Some(f), Some(m)) => {
            spec.frequency = Some(f);
            spec.magnitude = Some(m);
        }
        _ => {
            let unwritable = |reason| Error::Unwritable {
                risk: risk.id().to_string(),
                reason,
            };
            spec.fair = Some(fair(risk.frequency(), risk.magnitude()).map_err(unwritable)?);
        }
    }
    Ok(spec)
}

/// A frequency or loss the format has no plain kind for, as FAIR factors: the threat events
/// and the vulnerability that thins them, the primary loss and the secondary one. The reason
/// when even the FAIR form cannot say it.
fn fair(frequency: &Frequency, loss: &Magnitude) -> std::result::Result<FairSpec, &'static str> {
    let (threat, vulnerability) = if let Some(v) = frequency.vulnerability() {
        let base = frequency.threat_event_frequency().unwrap_or(*frequency);
        let threat = base
            .spec()
            .ok_or("its threat events are themselves thinned by a known vulnerability")?;
        (threat, v.spec())
    } else if let Some((trials, p)) = frequency.binomial() {
        (
            FrequencySpec::Fixed(FixedCountSpec { count: trials }),
            FractionSpec::Fixed(p),
        )
    } else {
        let threat = frequency
            .spec()
            .ok_or("its frequency has no scenario form")?;
        (threat, FractionSpec::Fixed(1.0))
    };
    let (primary_loss, secondary) = match (
        loss.primary(),
        loss.secondary(),
        loss.secondary_probability(),
    ) {
        (Some(primary), Some(secondary), Some(probability)) => {
            if loss.cap().is_some() {
                return Err("the format has no cap on a primary plus secondary loss");
            }
            let part = "a part of its loss has no scenario form";
            (
                primary.spec().ok_or(part)?,
                Some(SecondarySpec {
                    probability,
                    loss: secondary.spec().ok_or(part)?,
                }),
            )
        }
        _ => (loss.spec().ok_or("its loss has no scenario form")?, None),
    };
    Ok(FairSpec {
        threat_event_frequency: threat,
        vulnerability,
        primary_loss,
        secondary,
    })
}

fn control(control: &Control) -> ControlSpec {
    let cost = control.cost();
    let nonzero = |x: f64| (x != 0.0).then_some(x);
    let cost = (cost.upfront() != 0.0 || cost.annual() != 0.0).then(|| CostSpec {
        upfront: nonzero(cost.upfront()),
        annual: nonzero(cost.annual()),
    });
    ControlSpec {
        id: control.id().to_string(),
        name: (control.name() != control.id()).then(|| control.name().to_string()),
        function: control.function().name().to_ascii_lowercase(),
        category: control.category().map(|c| c.id().to_string()),
        cost,
        applies_to: control.applies_to_risks().map(<[String]>::to_vec),
        efficacy: None,
        frequency_efficacy: control.frequency_efficacy().map(Efficacy::spec),
        magnitude_efficacy: control.magnitude_efficacy().map(Efficacy::spec),
        transfer: control.transfer().map(|t| TransferSpec {
            deductible: t.deductible(),
            occurrence_limit: t.occurrence_limit(),
            aggregate_limit: t.aggregate_limit(),
            coinsurance: nonzero(t.coinsurance()),
        }),
    }
}
