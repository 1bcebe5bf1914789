//! A scenario written back in the file format (the inverse of the loader in scenario.rs).
//!
//! Distributions come out in one canonical form: a lognormal as `mu` and `sigma`, an uncertain
//! Poisson rate as its 90% interval, a binomial or thinned frequency and a primary-plus-secondary
//! loss as Open FAIR factors, efficacies on their explicit levers.

use crate::error::{Error, Result};
use crate::model::Z95;
use crate::model::control::Control;
use crate::model::efficacy::Efficacy;
use crate::model::efficacy::Repr as EfficacyRepr;
use crate::model::frequency::Frequency;
use crate::model::frequency::{Law, Repr as FrequencyRepr};
use crate::model::magnitude::Magnitude;
use crate::model::magnitude::{Bounded, Repr as MagnitudeRepr};
use crate::model::risk::Risk;
use crate::scenario::Scenario;
use crate::scenario::spec::{
    BernoulliSpec, ControlSpec, CostSpec, EmpiricalSpec, FairSpec, FinanceSpec, FixedCountSpec,
    FixedLossSpec, FractionSpec, FrequencySpec, GammaSpec, LognormalSpec, MagnitudeSpec,
    NegativeBinomialSpec, ParetoSpec, PertSpec, PoissonSpec, RangeSpec, RangeWithModeSpec,
    RiskSpec, ScenarioSpec, SecondarySpec, SimulationSpec, TolerancePointSpec, TransferSpec,
    TriangularSpec, UncertainFractionSpec, UniformSpec,
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
    match (
        frequency_spec(risk.frequency()),
        magnitude_spec(risk.magnitude()),
    ) {
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
        let threat = frequency_spec(&base)
            .ok_or("its threat events are themselves thinned by a known vulnerability")?;
        (threat, fraction_spec(v))
    } else if let Some((trials, p)) = frequency.binomial() {
        (
            FrequencySpec::Fixed(FixedCountSpec { count: trials }),
            FractionSpec::Fixed(p),
        )
    } else {
        let threat = frequency_spec(frequency).ok_or("its frequency has no scenario form")?;
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
                magnitude_spec(primary).ok_or(part)?,
                Some(SecondarySpec {
                    probability,
                    loss: magnitude_spec(secondary).ok_or(part)?,
                }),
            )
        }
        _ => (
            magnitude_spec(loss).ok_or("its loss has no scenario form")?,
            None,
        ),
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
        frequency_efficacy: control.frequency_efficacy().map(fraction_spec),
        magnitude_efficacy: control.magnitude_efficacy().map(fraction_spec),
        transfer: control.transfer().map(|t| TransferSpec {
            deductible: t.deductible(),
            occurrence_limit: t.occurrence_limit(),
            aggregate_limit: t.aggregate_limit(),
            coinsurance: nonzero(t.coinsurance()),
        }),
    }
}

/// This loss in the scenario format, with its cap; `None` for a primary-plus-secondary
/// loss, which the format writes as FAIR factors.
fn magnitude_spec(m: &Magnitude) -> Option<MagnitudeSpec> {
    let cap = m.cap();
    Some(match m.repr() {
        MagnitudeRepr::Lognormal(d) => MagnitudeSpec::Lognormal(LognormalSpec {
            ci90: None,
            mu: Some(d.mu()),
            sigma: Some(d.sigma()),
            cap,
        }),
        MagnitudeRepr::Pert(d) => MagnitudeSpec::Pert(PertSpec {
            min: d.min(),
            mode: d.mode(),
            max: d.max(),
            lambda: (d.lambda() != 4.0).then_some(d.lambda()),
            cap,
        }),
        MagnitudeRepr::Triangular(d) => MagnitudeSpec::Triangular(TriangularSpec {
            min: d.min(),
            mode: d.mode(),
            max: d.max(),
            cap,
        }),
        MagnitudeRepr::Uniform(d) => MagnitudeSpec::Uniform(UniformSpec {
            min: d.min(),
            max: d.max(),
            cap,
        }),
        MagnitudeRepr::Gamma(d) => MagnitudeSpec::Gamma(GammaSpec {
            shape: d.shape(),
            scale: d.scale(),
            cap,
        }),
        MagnitudeRepr::Pareto(d) => MagnitudeSpec::Pareto(ParetoSpec {
            scale: d.scale(),
            shape: d.shape(),
            cap,
        }),
        MagnitudeRepr::Fixed(d) => MagnitudeSpec::Fixed(FixedLossSpec {
            value: d.value(),
            cap,
        }),
        MagnitudeRepr::Empirical(d) => MagnitudeSpec::Empirical(EmpiricalSpec {
            losses: d.sorted().to_vec(),
            cap,
        }),
        MagnitudeRepr::Composite(_) => return None,
    })
}

/// This frequency in the scenario format, for the kinds the format names directly; `None`
/// for a binomial or a thinned frequency, which the format writes as FAIR factors.
fn frequency_spec(f: &Frequency) -> Option<FrequencySpec> {
    let FrequencyRepr::Law(law) = *f.repr() else {
        return None;
    };
    Some(match law {
        Law::Never => FrequencySpec::Poisson(PoissonSpec {
            rate: Some(0.0),
            ci90: None,
        }),
        Law::Fixed(fixed) => FrequencySpec::Fixed(FixedCountSpec {
            count: fixed.count(),
        }),
        Law::Bernoulli(bernoulli) => FrequencySpec::Bernoulli(BernoulliSpec {
            probability: bernoulli.probability(),
        }),
        Law::Poisson(poisson) => FrequencySpec::Poisson(PoissonSpec {
            rate: Some(poisson.rate()),
            ci90: None,
        }),
        Law::PoissonLognormal(rate) => {
            let (mu, sigma) = (rate.mu(), rate.sigma());
            FrequencySpec::Poisson(PoissonSpec {
                rate: None,
                ci90: Some([(mu - Z95 * sigma).exp(), (mu + Z95 * sigma).exp()]),
            })
        }
        Law::NegativeBinomial(nb) => FrequencySpec::NegativeBinomial(NegativeBinomialSpec {
            mean: nb.mean(),
            variance: nb.variance(),
        }),
        Law::Binomial(_) => return None,
    })
}

/// This fraction in the scenario format.
fn fraction_spec(e: &Efficacy) -> FractionSpec {
    match *e.repr() {
        EfficacyRepr::Fixed(v) => FractionSpec::Fixed(v),
        EfficacyRepr::Uncertain { sampler, .. } => FractionSpec::Uncertain(match sampler {
            Bounded::Pert(d) => UncertainFractionSpec::Pert(RangeWithModeSpec {
                min: d.min(),
                mode: d.mode(),
                max: d.max(),
            }),
            Bounded::Uniform(d) => UncertainFractionSpec::Uniform(RangeSpec {
                min: d.min(),
                max: d.max(),
            }),
            Bounded::Triangular(d) => UncertainFractionSpec::Triangular(RangeWithModeSpec {
                min: d.min(),
                mode: d.mode(),
                max: d.max(),
            }),
        }),
    }
}
