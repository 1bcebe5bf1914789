//! The model: risks (frequency x magnitude), controls and their efficacies, insurance, finance
//! and the risk tolerance. Validated values only; it knows neither the engine nor the file format.

// The scenario writer reads the parameters back through crate-private getters; without the
// `scenario` feature nothing does (dead code is still caught in the default build).
#![cfg_attr(not(feature = "scenario"), allow(dead_code))]

pub(crate) mod control;
pub(crate) mod dependence;
pub(crate) mod efficacy;
pub(crate) mod finance;
pub(crate) mod frailty;
pub(crate) mod frequency;
pub(crate) mod gordon_loeb;
pub(crate) mod magnitude;
pub(crate) mod reliability;
pub(crate) mod risk;
pub(crate) mod shock;
pub(crate) mod tolerance;
pub(crate) mod transfer;

pub use control::{Control, Status};
pub use efficacy::Efficacy;
pub use finance::{Cost, Finance, rosi};
pub use frailty::Frailty;
pub use frequency::Frequency;
pub use gordon_loeb::{BreachFunction, GordonLoebOptimum, gordon_loeb_bound};
pub use magnitude::Magnitude;
pub use reliability::{Management, Reliability};
pub use risk::Risk;
pub use shock::{Shock, ShockHit};
pub use tolerance::ToleranceCurve;
pub use transfer::Transfer;

/// `z = Φ⁻¹(0.95)`, the standard normal 95th percentile (the `f64` nearest to
/// 1.644853626951472714...): a calibrated 90% interval `[low, high]` holds the 5th and 95th
/// percentiles, so `ln high − ln low = 2zσ` for a lognormal (Hubbard, *How to Measure Anything
/// in Cybersecurity Risk*).
pub(crate) const Z95: f64 = 1.644_853_626_951_472_2;

use std::collections::{HashMap, HashSet};

use crate::error::{Error, Result};
use control::stream_key;
use dependence::Dependence;

/// A validated portfolio of risks with unique ids, ready to simulate.
///
/// Risks are independent of one another by construction (see the crate documentation for how
/// the pooled Poisson stream keeps them so) unless the model has shocks
/// ([`with_shocks`](Self::with_shocks)) or frailties ([`with_frailty`](Self::with_frailty)).
///
/// # Example
/// ```
/// use csfquant::{Frequency, Magnitude, Model, Risk, SimulationOptions};
/// let model = Model::new(vec![
///     Risk::new("ransomware", Frequency::poisson(0.5)?, Magnitude::lognormal_ci90(1e4, 1e6)?)?,
///     Risk::new("ddos", Frequency::poisson(2.0)?, Magnitude::lognormal_ci90(5e3, 2e5)?)?,
/// ])?;
/// let report = model.simulate(SimulationOptions::new(7).trials(20_000))?;
/// let eal = report.portfolio().expected_annual_loss();
/// let se = report.portfolio().standard_error();
/// assert!((eal - model.expected_annual_loss()).abs() < 5.0 * se);
/// Ok::<(), csfquant::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    risks: Vec<Risk>,
    controls: Vec<Control>,
    /// The controls of status [`Status::Candidate`], in the order given: options that no
    /// simulation of the model runs (see [`Model::candidates`]).
    candidates: Vec<Control>,
    dependence: Dependence,
}

impl Model {
    /// A model of these risks.
    ///
    /// # Errors
    /// [`Error::Empty`] if there is no risk; [`Error::DuplicateId`] if two risks share an id.
    pub fn new(risks: Vec<Risk>) -> Result<Model> {
        if risks.is_empty() {
            return Err(Error::Empty { name: "risks" });
        }
        let mut seen = HashSet::with_capacity(risks.len());
        for risk in &risks {
            if !seen.insert(risk.id()) {
                return Err(Error::DuplicateId {
                    kind: "risk id",
                    id: risk.id().to_string(),
                });
            }
        }
        Ok(Model {
            risks,
            controls: Vec::new(),
            candidates: Vec::new(),
            dependence: Dependence::default(),
        })
    }

    /// The most controls a model accepts.
    pub const MAX_CONTROLS: usize = 256;

    /// The most insurance (transfer) controls a model accepts: every policy is followed in
    /// every variant of a control analysis, so each one multiplies the work of every event a
    /// policy might pay for.
    pub const MAX_TRANSFERS: usize = 16;

    /// The most shocks, and the most frailties, a model accepts.
    pub const MAX_SHOCKS: usize = dependence::MAX_SHOCKS;

    /// Sets the controls (replacing any set before). Their order is the order in which
    /// transfers apply and reports list them.
    ///
    /// Controls of status [`Status::Candidate`] are checked like the others (ids unique over
    /// both, limits counted over both) and kept apart: see [`candidates`](Self::candidates).
    ///
    /// # Errors
    /// [`Error::TooManyControls`] above [`MAX_CONTROLS`](Self::MAX_CONTROLS);
    /// [`Error::DuplicateId`] if two controls share an id; [`Error::NoEffect`] for a control
    /// without an effect; [`Error::AppliesToNothing`] for an empty list of risks;
    /// [`Error::UnknownRisk`] for a risk id that is not in the model;
    /// [`Error::TooManyTransfers`] above [`MAX_TRANSFERS`](Self::MAX_TRANSFERS) insurance
    /// policies; for reliability and management (see [`Reliability`]):
    /// [`Error::UnknownManagedControl`], [`Error::ManagementCycle`],
    /// [`Error::InvalidReliability`] (a managed control without a reliability, a managing
    /// control with one, coverage or a reliability on an insurance policy or on a control
    /// without an effect on losses, a variant efficacy without a reliability) and
    /// [`Error::TooManyGroups`] (more than 16 parties or groups, or more than 6 managing
    /// controls); [`Error::StreamCollision`] in the (astronomically unlikely, unless crafted)
    /// case that two ids hash to the same random stream.
    pub fn with_controls(mut self, controls: Vec<Control>) -> Result<Model> {
        if controls.len() > Self::MAX_CONTROLS {
            return Err(Error::TooManyControls {
                count: controls.len(),
                max: Self::MAX_CONTROLS,
            });
        }
        let transfers = controls.iter().filter(|c| c.transfer().is_some()).count();
        if transfers > Self::MAX_TRANSFERS {
            return Err(Error::TooManyTransfers {
                count: transfers,
                max: Self::MAX_TRANSFERS,
            });
        }
        let risk_ids: HashSet<&str> = self.risks.iter().map(Risk::id).collect();
        let mut seen = HashSet::with_capacity(controls.len());
        let mut streams = HashMap::with_capacity(controls.len());
        for control in &controls {
            if !seen.insert(control.id()) {
                return Err(Error::DuplicateId {
                    kind: "control id",
                    id: control.id().to_string(),
                });
            }
            if let Some(first) = streams.insert(stream_key(control.id()), control.id()) {
                return Err(Error::StreamCollision {
                    first: first.to_string(),
                    second: control.id().to_string(),
                });
            }
            if !control.has_effect() {
                return Err(Error::NoEffect {
                    control: control.id().to_string(),
                });
            }
            if let Some(ids) = control.applies_to_risks() {
                if ids.is_empty() {
                    return Err(Error::AppliesToNothing {
                        control: control.id().to_string(),
                    });
                }
                if let Some(unknown) = ids.iter().find(|id| !risk_ids.contains(id.as_str())) {
                    return Err(Error::UnknownRisk {
                        control: control.id().to_string(),
                        risk: unknown.clone(),
                    });
                }
            }
        }
        check_reliability(&controls)?;
        let (candidates, in_place): (Vec<Control>, Vec<Control>) = controls
            .into_iter()
            .partition(|c| c.status() == Status::Candidate);
        // An in-place control cannot manage a candidate: the in-place runs do not have it.
        check_reliability(&in_place)?;
        self.controls = in_place;
        self.candidates = candidates;
        Ok(self)
    }

    /// The candidate controls (status [`Status::Candidate`]), in the order given: options, not
    /// facts. Simulations, analyses and reports of the model run the in-place controls only
    /// ([`controls`](Self::controls)), so a model's figures do not depend on its candidates.
    pub fn candidates(&self) -> &[Control] {
        &self.candidates
    }

    /// The candidate with this id, if there is one.
    pub fn candidate(&self, id: &str) -> Option<&Control> {
        self.candidates.iter().find(|c| c.id() == id)
    }

    /// This model with the candidates at these indices (into [`candidates`](Self::candidates))
    /// put in place: the in-place controls, then the chosen candidates in candidate order (the
    /// order in which transfers apply), with status [`Status::InPlace`]; the other candidates
    /// stay candidates. Each control keeps its own random stream (keyed by its id), so the
    /// models of two sets share their simulated events and every common control's draws.
    ///
    /// # Errors
    /// [`Error::UnknownCandidate`] for an index beyond the candidates.
    pub fn with_candidates_in_place(&self, chosen: &[usize]) -> Result<Model> {
        let mut take = vec![false; self.candidates.len()];
        for &i in chosen {
            match take.get_mut(i) {
                Some(t) => *t = true,
                None => {
                    return Err(Error::UnknownCandidate {
                        id: format!("#{i}"),
                    });
                }
            }
        }
        let mut controls = self.controls.clone();
        let mut candidates = Vec::new();
        for (c, &t) in self.candidates.iter().zip(&take) {
            if t {
                controls.push(c.clone().with_status(Status::InPlace));
            } else {
                candidates.push(c.clone());
            }
        }
        Ok(Model {
            risks: self.risks.clone(),
            controls,
            candidates,
            dependence: self.dependence.clone(),
        })
    }

    /// The risks, in the order given.
    pub fn risks(&self) -> &[Risk] {
        &self.risks
    }

    /// The controls, in the order given.
    pub fn controls(&self) -> &[Control] {
        &self.controls
    }

    /// The expected share of the year `control` spends in its intended state, with the
    /// model's in-place managers of it acting (1 without a reliability). `control` may be one
    /// of the model's controls or a candidate: candidates are managed by nothing in place.
    pub fn availability(&self, control: &Control) -> f64 {
        let Some(r) = control.reliability() else {
            return 1.0;
        };
        let (mut factor, mut cap) = (1.0, f64::INFINITY);
        for m in self.controls.iter().filter_map(|m| m.management()) {
            if m.controls().iter().any(|id| id == control.id()) {
                factor *= m.frequency_factor();
                cap = m.duration_cap_days().map_or(cap, |d| cap.min(d));
            }
        }
        r.managed_availability(factor, cap)
    }

    /// The control with this id, if there is one.
    pub fn control(&self, id: &str) -> Option<&Control> {
        self.controls.iter().find(|c| c.id() == id)
    }

    /// The risk with this id, if there is one.
    pub fn risk(&self, id: &str) -> Option<&Risk> {
        self.risks.iter().find(|r| r.id() == id)
    }

    /// The analytic expected annual loss of the portfolio: the sum of the risks' `E[N] E[X]`.
    #[doc(alias = "EAL")]
    pub fn expected_annual_loss(&self) -> f64 {
        let own: f64 = self.risks.iter().map(Risk::expected_annual_loss).sum();
        if self.dependence.shocks.is_empty() {
            return own;
        }
        own + self.dependence.shock_eal(&self.risks).iter().sum::<f64>()
    }

    /// The analytic variance of the portfolio's annual loss: the sum of the risks' variances
    /// when they are independent; with shocks and frailties, Σ_r Σ_s Cov(L_r, L_s) (see
    /// [`annual_loss_covariance`](Self::annual_loss_covariance)).
    pub fn annual_loss_variance(&self) -> f64 {
        if self.dependence.is_empty() {
            return self.risks.iter().map(Risk::annual_loss_variance).sum();
        }
        self.dependence.portfolio_variance(&self.risks)
    }

    /// The analytic covariance of two risks' annual losses (the variance of one when both ids
    /// are the same), counting the events shocks cause in them: 0 for independent risks;
    /// `v E[L_r] E[L_s]` for two risks of one frailty of variance v; and
    /// `Var[M] p_r p_s E[X_r] E[X_s]` for each shock that hits both (see [`Shock`] and
    /// [`Frailty`]). `None` if an id is not in the model.
    pub fn annual_loss_covariance(&self, risk: &str, other: &str) -> Option<f64> {
        let r = self.risks.iter().position(|x| x.id() == risk)?;
        let s = self.risks.iter().position(|x| x.id() == other)?;
        Some(self.dependence.covariance(&self.risks, r, s))
    }

    /// Sets the systemic shocks (replacing any set before).
    ///
    /// # Errors
    /// [`Error::DuplicateId`] for two shocks with one id; [`Error::UnknownDependentRisk`] for
    /// a hit on a risk that is not in the model; [`Error::RepeatedDependentRisk`] for two hits
    /// of one shock on the same risk; [`Error::TooManyEntries`] beyond 256 shocks.
    pub fn with_shocks(mut self, shocks: Vec<Shock>) -> Result<Model> {
        self.dependence.shock_hits = Dependence::resolve_shocks(&self.risks, &shocks)?;
        self.dependence.shocks = shocks;
        Ok(self)
    }

    /// Sets the frailties (replacing any set before).
    ///
    /// # Errors
    /// [`Error::DuplicateId`] for two frailties with one id; [`Error::UnknownDependentRisk`]
    /// for a risk that is not in the model; [`Error::RepeatedDependentRisk`] for a risk in two
    /// frailties (or twice in one); [`Error::FrailtyCannotScale`] for a risk whose frequency is
    /// a Bernoulli, binomial or fixed count (see [`Frailty`]); [`Error::TooManyEntries`]
    /// beyond 256 frailties.
    pub fn with_frailty(mut self, frailties: Vec<Frailty>) -> Result<Model> {
        self.dependence.frailty_risks = Dependence::resolve_frailties(&self.risks, &frailties)?;
        self.dependence.frailties = frailties;
        Ok(self)
    }

    /// The systemic shocks, in the order given.
    pub fn shocks(&self) -> &[Shock] {
        &self.dependence.shocks
    }

    /// The frailties, in the order given.
    pub fn frailties(&self) -> &[Frailty] {
        &self.dependence.frailties
    }

    pub(crate) fn dependence(&self) -> &Dependence {
        &self.dependence
    }

    /// The analytic standard deviation of the portfolio's annual loss.
    pub fn annual_loss_std_dev(&self) -> f64 {
        self.annual_loss_variance().sqrt()
    }
}

/// The rules of reliability and management that involve several settings or controls.
fn check_reliability(controls: &[Control]) -> Result<()> {
    use reliability::{MAX_GROUPS, MAX_MANAGERS};
    let index: HashMap<&str, usize> = controls
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id(), i))
        .collect();
    let mut edges = vec![Vec::new(); controls.len()];
    for (i, control) in controls.iter().enumerate() {
        let Some(management) = control.management() else {
            continue;
        };
        for id in management.controls() {
            match index.get(id.as_str()) {
                Some(&j) => edges[i].push(j),
                None => {
                    return Err(Error::UnknownManagedControl {
                        control: control.id().to_string(),
                        managed: id.clone(),
                    });
                }
            }
        }
    }
    if let Some(cycle) = reliability::find_cycle(&edges) {
        let ids: Vec<&str> = cycle.iter().map(|&i| controls[i].id()).collect();
        return Err(Error::ManagementCycle {
            cycle: ids.join(" -> "),
        });
    }
    let invalid = |c: &Control, rule: &'static str| Error::InvalidReliability {
        control: c.id().to_string(),
        rule,
    };
    for (i, control) in controls.iter().enumerate() {
        if control.transfer().is_some()
            && (control.coverage() < 1.0
                || control.reliability().is_some()
                || control.variant_efficacy().is_some())
        {
            return Err(invalid(
                control,
                "an insurance policy takes no coverage, reliability or variant efficacy",
            ));
        }
        let levers =
            control.frequency_efficacy().is_some() || control.magnitude_efficacy().is_some();
        if !levers
            && (control.coverage() < 1.0
                || control.reliability().is_some()
                || control.variant_efficacy().is_some())
        {
            return Err(invalid(
                control,
                "coverage, reliability and a variant efficacy need a frequency or magnitude efficacy to act on",
            ));
        }
        if control.variant_efficacy().is_some() && control.reliability().is_none() {
            return Err(invalid(
                control,
                "a variant efficacy applies during lapses: give a reliability too",
            ));
        }
        if control.management().is_some() && control.reliability().is_some() {
            return Err(invalid(
                control,
                "a managing control may not have a reliability of its own (its lapses are not modelled)",
            ));
        }
        if edges[i]
            .iter()
            .any(|&j| controls[j].reliability().is_none())
        {
            return Err(invalid(
                control,
                "manages a control without a reliability (it has no lapses to prevent or shorten)",
            ));
        }
    }
    let managers = controls.iter().filter(|c| c.management().is_some()).count();
    if managers > MAX_MANAGERS {
        return Err(Error::TooManyGroups {
            kind: "managing controls",
            count: managers,
            max: MAX_MANAGERS,
        });
    }
    let parties: HashSet<&str> = controls.iter().map(Control::party).collect();
    if parties.len() > MAX_GROUPS {
        return Err(Error::TooManyGroups {
            kind: "parties",
            count: parties.len(),
            max: MAX_GROUPS,
        });
    }
    let groups: HashSet<Option<&str>> = controls.iter().map(Control::group).collect();
    if groups.len() > MAX_GROUPS {
        return Err(Error::TooManyGroups {
            kind: "groups",
            count: groups.len(),
            max: MAX_GROUPS,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Frequency, Magnitude};

    fn risk(id: &str) -> Risk {
        Risk::new(
            id,
            Frequency::poisson(1.0).unwrap(),
            Magnitude::lognormal(0.0, 1.0).unwrap(),
        )
        .unwrap()
    }

    #[test]
    fn empty_and_duplicate_portfolios_are_errors() {
        assert_eq!(Model::new(vec![]), Err(Error::Empty { name: "risks" }));
        let e = Model::new(vec![risk("a"), risk("b"), risk("a")]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "duplicate risk id \"a\" (ids must be unique)"
        );
    }

    #[test]
    fn lookup_by_id() {
        let m = Model::new(vec![risk("a"), risk("b")]).unwrap();
        assert_eq!(m.risk("b").map(Risk::id), Some("b"));
        assert!(m.risk("c").is_none());
    }
}
