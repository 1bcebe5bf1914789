//! A scenario written back in the file format (the inverse of the reader in read.rs).
//!
//! Distributions come out in one canonical form: a lognormal loss and an uncertain Poisson rate
//! as their log-space `mu` and `sigma` (for the rate an extension key: a 90% interval recomputed
//! from them moves the last digits, and for extreme parameters is refused when read), a binomial
//! or thinned frequency and a primary-plus-secondary loss as Open FAIR factors, efficacies on
//! their explicit levers.
//!
//! Every risk is read back as it is written, by the reader itself, and compared with the
//! original: a risk that would come back refused or different is [`Error::Unwritable`], never a
//! file. Everything reads back bit for bit but one kind, a negative binomial thinned by a known
//! vulnerability: it keeps the shape `r` of its threat events, for which the format has no key,
//! so its mean and variance are written and `r` is recomputed from them when read (see
//! [`same_frequency`] for the precision). Controls, costs, transfers, finance, thresholds and the
//! tolerance curve are written as stored, and their constructors accept what they stored.

use crate::engine::budget::Objective;
use crate::error::{Error, Result};
use crate::model::Shock;
use crate::model::control::{Control, Status};
use crate::model::efficacy::Efficacy;
use crate::model::efficacy::Repr as EfficacyRepr;
use crate::model::frequency::Frequency;
use crate::model::frequency::{Law, Repr as FrequencyRepr};
use crate::model::magnitude::Magnitude;
use crate::model::magnitude::{Bounded, Repr as MagnitudeRepr};
use crate::model::risk::Risk;
use crate::report::budget::Budget;
use crate::scenario::Scenario;
use crate::scenario::read::build;
use crate::scenario::spec::{
    BernoulliSpec, ControlSpec, CostSpec, EmpiricalSpec, FairSpec, FinanceSpec, FixedCountSpec,
    FixedLossSpec, FractionSpec, FrequencySpec, GammaSpec, LapsesSpec, LognormalSpec,
    MagnitudeSpec, ManagesSpec, NegativeBinomialSpec, ParetoSpec, PertSpec, PoissonSpec, RangeSpec,
    RangeWithModeSpec, ReliabilitySpec, RiskSpec, ScenarioSpec, SecondarySpec, SimulationSpec,
    TolerancePointSpec, TransferSpec, TriangularSpec, UncertainFractionSpec, UniformSpec,
};
use crate::scenario::spec::{BudgetSpec, PhasedSpec, PlanSpec};
use crate::scenario::spec::{FrailtySpec, HitSpec, ShockSpec};

/// What the writer cannot say about a risk, as the reason of [`Error::Unwritable`].
type Written<T> = std::result::Result<T, &'static str>;

/// The largest relative difference of `P(N >= 1)` between a negative binomial thinned by a
/// known vulnerability and the same read back (its shape `r` recomputed from the mean and the
/// variance it is written with). The two differ by the rounding of the variance, some 1e-16 of
/// it; a larger difference means the rounding swallowed the overdispersion.
const NEGATIVE_BINOMIAL_PRECISION: f64 = 1e-12;

/// Why a thinned negative binomial cannot be written.
const NEGATIVE_BINOMIAL_LEFT: &str = "its negative binomial count, thinned by a known \
     vulnerability, has too little overdispersion left for its mean and variance to keep it";

pub(crate) fn write(scenario: &Scenario) -> Result<ScenarioSpec> {
    let options = scenario.options();
    // A trial count outside 1..=MAX_TRIALS (possible through `with_options`) would be refused
    // when read: the error running the scenario gives.
    options.validate()?;
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
        controls: scenario
            .model()
            .controls()
            .iter()
            .chain(scenario.model().candidates())
            .map(control)
            .collect(),
        budget: scenario.budget().map(budget_spec),
        shocks: scenario
            .model()
            .shocks()
            .iter()
            .map(shock_spec)
            .collect::<Result<Vec<_>>>()?,
        frailty: scenario
            .model()
            .frailties()
            .iter()
            .map(|f| FrailtySpec {
                id: f.id().to_string(),
                risks: f.risk_ids().map(<[String]>::to_vec),
                variance: f.variance(),
            })
            .collect(),
    })
}

/// A shock as written: its frequency in the canonical form of the risks' (every kind a shock
/// reads with has one).
fn shock_spec(shock: &Shock) -> Result<ShockSpec> {
    let frequency = frequency_spec(shock.frequency())
        .ok()
        .flatten()
        .ok_or_else(|| Error::Unwritable {
            risk: shock.id().to_string(),
            reason: "the shock's frequency has no form in the file format",
        })?;
    Ok(ShockSpec {
        id: shock.id().to_string(),
        name: (shock.name() != shock.id()).then(|| shock.name().to_string()),
        frequency,
        hits: shock
            .hit_list()
            .iter()
            .map(|h| HitSpec {
                risk: h.risk().to_string(),
                probability: h.probability(),
            })
            .collect(),
    })
}

fn budget_spec(budget: &Budget) -> BudgetSpec {
    BudgetSpec {
        objective: (budget.objective() != Objective::Eal)
            .then(|| budget.objective().name().to_string()),
        annual: budget.annual().to_vec(),
        upfront: budget.upfront(),
        plans: budget
            .plans()
            .iter()
            .map(|p| PlanSpec {
                name: p.name.clone(),
                controls: p.controls.clone(),
            })
            .collect(),
        phased: budget.phased().map(|b| PhasedSpec {
            budgets: b.to_vec(),
        }),
    }
}

fn risk(risk: &Risk) -> Result<RiskSpec> {
    let unwritable = |reason| Error::Unwritable {
        risk: risk.id().to_string(),
        reason,
    };
    let spec = risk_spec(risk).map_err(unwritable)?;
    reads_back(risk, spec).map_err(unwritable)
}

fn risk_spec(risk: &Risk) -> Written<RiskSpec> {
    let mut spec = RiskSpec {
        id: risk.id().to_string(),
        name: (risk.name() != risk.id()).then(|| risk.name().to_string()),
        csf: risk.csf().iter().map(|tag| tag.id().to_string()).collect(),
        frequency: None,
        magnitude: None,
        fair: None,
    };
    match (
        frequency_spec(risk.frequency())?,
        magnitude_spec(risk.magnitude())?,
    ) {
        (Some(f), Some(m)) => {
            spec.frequency = Some(f);
            spec.magnitude = Some(m);
        }
        _ => spec.fair = Some(fair(risk.frequency(), risk.magnitude())?),
    }
    Ok(spec)
}

/// `spec` if it reads back as `risk`: the reader builds it, as the one risk of an otherwise
/// empty scenario, and the result must equal `risk` (its frequency as [`same_frequency`] says).
/// This is what guarantees that the writer never writes a risk the reader refuses or reads
/// differently, whatever the parameters (the cases found so far have their own reasons, given
/// before this check; the reasons here are for any other).
fn reads_back(risk: &Risk, spec: RiskSpec) -> Written<RiskSpec> {
    const REFUSED: &str = "the numbers written for it would be refused when read";
    let mut probe = ScenarioSpec {
        name: String::new(),
        currency: None,
        simulation: None,
        finance: None,
        thresholds: Vec::new(),
        tolerance: Vec::new(),
        risks: vec![spec],
        controls: Vec::new(),
        budget: None,
        shocks: Vec::new(),
        frailty: Vec::new(),
    };
    let back = build(&probe).map_err(|_| REFUSED)?;
    let back = back.model().risks().first().ok_or(REFUSED)?;
    if (back.id(), back.name(), back.csf()) != (risk.id(), risk.name(), risk.csf()) {
        return Err("its id, name or CSF tags would not read back as they are");
    }
    if !same_magnitude(risk.magnitude(), back.magnitude()) {
        return Err("its loss would not read back as the same distribution");
    }
    if !same_frequency(risk.frequency(), back.frequency()) {
        return Err(if negative_binomial_threats(risk.frequency()) {
            NEGATIVE_BINOMIAL_LEFT
        } else {
            "its frequency would not read back as the same distribution"
        });
    }
    probe.risks.pop().ok_or(REFUSED)
}

/// Whether `back`, a loss as read back, is `original`: equal, or the same bits where `==` cannot
/// tell (a NaN moment, which a lognormal with no spread capped at its median has, is never equal
/// to itself).
fn same_magnitude(original: &Magnitude, back: &Magnitude) -> bool {
    original == back || format!("{original:?}") == format!("{back:?}")
}

/// Whether `back`, a frequency as read back, is `original`: equal, or a negative binomial
/// thinned by a known vulnerability (alone, or as the threat events of an uncertain one) with
/// the same mean and variance, the same uncertain vulnerability if any, and `P(N >= 1)` within
/// a relative [`NEGATIVE_BINOMIAL_PRECISION`]: the shape `r` recomputed from the mean and the
/// variance agrees with the original's to the rounding of the variance.
fn same_frequency(original: &Frequency, back: &Frequency) -> bool {
    if original == back {
        return true;
    }
    let (a, b) = match (original.vulnerability(), back.vulnerability()) {
        (None, None) => (*original, *back),
        (Some(u), Some(v)) if u == v => {
            match (
                original.threat_event_frequency(),
                back.threat_event_frequency(),
            ) {
                (Some(a), Some(b)) => (a, b),
                _ => return false,
            }
        }
        _ => return false,
    };
    let (
        FrequencyRepr::Law(Law::NegativeBinomial(x)),
        FrequencyRepr::Law(Law::NegativeBinomial(y)),
    ) = (a.repr(), b.repr())
    else {
        return false;
    };
    let (p, q) = (original.probability_of_event(), back.probability_of_event());
    x.mean() == y.mean()
        && x.variance() == y.variance()
        && (p - q).abs() <= NEGATIVE_BINOMIAL_PRECISION * p.max(q)
}

/// Whether the events of `f` are a negative binomial count (thinned or not).
fn negative_binomial_threats(f: &Frequency) -> bool {
    let base = f.threat_event_frequency().unwrap_or(*f);
    matches!(base.repr(), FrequencyRepr::Law(Law::NegativeBinomial(_)))
}

/// A frequency or loss the format has no plain kind for, as FAIR factors: the threat events
/// and the vulnerability that thins them, the primary loss and the secondary one. The reason
/// when even the FAIR form cannot say it.
fn fair(frequency: &Frequency, loss: &Magnitude) -> Written<FairSpec> {
    let (threat, vulnerability) = if let Some(v) = frequency.vulnerability() {
        let base = frequency.threat_event_frequency().unwrap_or(*frequency);
        let threat = frequency_spec(&base)?
            .ok_or("its threat events are themselves thinned by a known vulnerability")?;
        (threat, fraction_spec(v))
    } else if let Some((trials, p)) = frequency.binomial() {
        (
            FrequencySpec::Fixed(FixedCountSpec { count: trials }),
            FractionSpec::Fixed(p),
        )
    } else {
        let threat = frequency_spec(frequency)?.ok_or("its frequency has no scenario form")?;
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
                magnitude_spec(primary)?.ok_or(part)?,
                Some(SecondarySpec {
                    probability,
                    loss: magnitude_spec(secondary)?.ok_or(part)?,
                }),
            )
        }
        _ => (
            magnitude_spec(loss)?.ok_or("its loss has no scenario form")?,
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
            attachment: t.attachment(),
        }),
        coverage: (control.coverage() != 1.0).then_some(control.coverage()),
        reliability: control
            .reliability()
            .map(|r| match (r.as_share(), r.as_lapses()) {
                (Some(share), _) => ReliabilitySpec::Share(share),
                (None, Some((frequency, days))) => ReliabilitySpec::Lapses(LapsesSpec {
                    variance_frequency: frequency,
                    variance_duration_days: days,
                }),
                (None, None) => ReliabilitySpec::Share(1.0),
            }),
        variant_efficacy: control.variant_efficacy().map(fraction_spec),
        manages: control.management().map(|m| ManagesSpec {
            controls: m.controls().to_vec(),
            variance_frequency_factor: (m.frequency_factor() != 1.0)
                .then_some(m.frequency_factor()),
            variance_duration_days: m.duration_cap_days(),
        }),
        operated_by: (control.party() != "self").then(|| control.party().to_string()),
        group: control.group().map(str::to_string),
        status: (control.status() == Status::Candidate).then(|| Status::Candidate.name().into()),
    }
}

/// This loss in the scenario format, with its cap; `None` for a primary-plus-secondary
/// loss, which the format writes as FAIR factors.
fn magnitude_spec(m: &Magnitude) -> Written<Option<MagnitudeSpec>> {
    let cap = m.cap();
    Ok(Some(match m.repr() {
        MagnitudeRepr::Lognormal(d) if d.sigma() > 0.0 => MagnitudeSpec::Lognormal(LognormalSpec {
            ci90: None,
            mu: Some(d.mu()),
            sigma: Some(d.sigma()),
            cap,
        }),
        // σ = 0: a 90% interval whose bounds have the same logarithm (`mu`, `sigma` needs
        // σ > 0); two such bounds give it back.
        MagnitudeRepr::Lognormal(d) => MagnitudeSpec::Lognormal(LognormalSpec {
            ci90: Some(equal_logs(d.mu()).ok_or(
                "its lognormal loss has no spread (sigma 0) and no 90% interval gives its median",
            )?),
            mu: None,
            sigma: None,
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
        MagnitudeRepr::Composite(_) => return Ok(None),
    }))
}

/// This frequency in the scenario format, for the kinds the format names directly; `None`
/// for a binomial or a thinned frequency, which the format writes as FAIR factors.
fn frequency_spec(f: &Frequency) -> Written<Option<FrequencySpec>> {
    let FrequencyRepr::Law(law) = *f.repr() else {
        return Ok(None);
    };
    let poisson = |rate, ci90, mu, sigma| {
        FrequencySpec::Poisson(PoissonSpec {
            rate,
            ci90,
            mu,
            sigma,
        })
    };
    Ok(Some(match law {
        Law::Never => poisson(Some(0.0), None, None, None),
        Law::Fixed(fixed) => FrequencySpec::Fixed(FixedCountSpec {
            count: fixed.count(),
        }),
        Law::Bernoulli(bernoulli) => FrequencySpec::Bernoulli(BernoulliSpec {
            probability: bernoulli.probability(),
        }),
        Law::Poisson(p) => poisson(Some(p.rate()), None, None, None),
        // The log-space parameters as stored: an interval recomputed from them moves the last
        // digits, and for extreme ones (a rate thinned by a vulnerability of 5e-324, a high
        // bound of MAX_RATE) is refused when read.
        Law::PoissonLognormal(rate) if rate.sigma() > 0.0 => {
            poisson(None, None, Some(rate.mu()), Some(rate.sigma()))
        }
        // σ = 0: a 90% interval whose bounds have the same logarithm (`mu`, `sigma` needs
        // σ > 0, as for a lognormal loss); two such bounds give it back. Thinned, its median
        // may be the logarithm of no two neighbours.
        Law::PoissonLognormal(rate) => {
            let ci90 = equal_logs(rate.mu()).ok_or(
                "its uncertain rate has no spread (sigma 0) and no 90% interval gives its median",
            )?;
            poisson(None, Some(ci90), None, None)
        }
        Law::NegativeBinomial(nb) => {
            // Thinned by a known vulnerability it keeps the shape of its threat events, which
            // the reader recomputes from the mean and the variance (see `same_frequency`); the
            // rounding of the variance may leave it at the mean, which no negative binomial has.
            Frequency::negative_binomial(nb.mean(), nb.variance())
                .map_err(|_| NEGATIVE_BINOMIAL_LEFT)?;
            FrequencySpec::NegativeBinomial(NegativeBinomialSpec {
                mean: nb.mean(),
                variance: nb.variance(),
            })
        }
        Law::Binomial(_) => return Ok(None),
    }))
}

/// Two neighbouring numbers near `e^mu` whose logarithms both round to `mu`: the 90% interval
/// of a lognormal with `μ = mu` and `σ = 0`, since `(ln low + ln high)/2 = mu` and
/// `ln high − ln low = 0`. `None` where no two neighbours share the logarithm `mu` (near
/// `mu = 0` the logarithm tells every two numbers apart).
fn equal_logs(mu: f64) -> Option<[f64; 2]> {
    // exp and ln are within an ulp or so of exact, so the numbers whose logarithm is `mu`, if
    // any, lie within a few ulps of e^mu: 64 on either side are ample.
    let mut low = mu.exp();
    for _ in 0..64 {
        low = low.next_down();
    }
    for _ in 0..128 {
        let high = low.next_up();
        if low > 0.0 && high.is_finite() && low.ln() == mu && high.ln() == mu {
            return Some([low, high]);
        }
        low = high;
    }
    None
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
