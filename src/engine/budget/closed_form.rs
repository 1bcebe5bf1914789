//! The residual expected annual loss of any set of candidate controls, in closed form.
//!
//! For a risk r with inherent expected annual loss `E[N_r] E[X_r]`, every control c that
//! applies to it lets an event through with probability `1 − f_c` (drawn once a year,
//! independently of the events and of the other controls) and keeps `1 − s_c` of its loss, so
//! the expected annual loss with a set of controls C is
//!
//! ```text
//! EAL_r(C) = E[N_r] E[X_r] Π_{c ∈ C on r} (1 − E[f_c]) (1 − E[s_c])
//! ```
//!
//! (the expectation of a product of independent factors is the product of their expectations).
//! That is exact for every control but an insurance policy, whose payment is not a product; a
//! policy's effect is carried as an additive estimate (see [`ClosedForm::with_transfer_values`])
//! and a set's figure is then no longer exact ([`ClosedForm::is_exact`]).

use crate::model::control::Control;
use crate::model::finance::Finance;
use crate::model::{Model, Risk};

/// A candidate as the search sees it.
#[derive(Clone, Debug)]
pub(crate) struct Item {
    /// Annualised cost (annual + upfront as an annuity over the horizon).
    pub(crate) cost: f64,
    /// Upfront cost.
    pub(crate) upfront: f64,
    /// Annual (running) cost.
    pub(crate) annual: f64,
    /// (risk index, kept share `(1 − E f)(1 − E s)`) for each risk it applies to, in risk order.
    pub(crate) effects: Vec<(usize, f64)>,
    /// A transfer's effect on the EAL, carried additively (0 for a product control).
    pub(crate) additive: f64,
    /// Whether the candidate is an insurance policy.
    pub(crate) transfer: bool,
}

/// The closed form of a model's residual EAL over its candidate sets.
#[derive(Clone, Debug)]
pub struct ClosedForm {
    /// Per risk: its expected annual loss with the in-place controls (before any insurance).
    pub(crate) base: Vec<f64>,
    pub(crate) items: Vec<Item>,
    /// Whether an in-place insurance policy applies to some risk (then no figure is exact).
    pub(crate) insured: bool,
    /// Per risk: whether an in-place insurance policy applies to it.
    insured_risk: Vec<bool>,
}

/// The expected kept share of a control's levers on one event of a risk it applies to.
///
/// With coverage κ, availability a (the expected share of the year in its intended state: an
/// event's day falls in a lapse with probability 1 − a, independently of the other controls'
/// lapses) and variant efficacy v during a lapse, each lever's expected efficacy is
/// `κ (a E[e] + (1 − a) E[v])`; without these keys that is `E[e]` and the kept share is
/// `(1 − E f)(1 − E s)`.
fn kept(control: &Control, availability: f64) -> f64 {
    let variant = control.variant_efficacy().map_or(0.0, |e| e.mean());
    let lever = |e: Option<&crate::model::efficacy::Efficacy>| {
        e.map_or(0.0, |e| {
            control.coverage() * (availability * e.mean() + (1.0 - availability) * variant)
        })
    };
    let f = lever(control.frequency_efficacy());
    let s = lever(control.magnitude_efficacy());
    (1.0 - f) * (1.0 - s)
}

/// The indices of the risks `control` applies to, in risk order.
fn scope(control: &Control, risks: &[Risk]) -> Vec<usize> {
    match control.applies_to_risks() {
        None => (0..risks.len()).collect(),
        Some(ids) => risks
            .iter()
            .enumerate()
            .filter(|(_, r)| ids.iter().any(|id| id == r.id()))
            .map(|(i, _)| i)
            .collect(),
    }
}

impl ClosedForm {
    /// The closed form of `model` (its risks and in-place controls) over `candidates`, costs
    /// annualised with `finance`.
    pub fn new(model: &Model, candidates: &[Control], finance: &Finance) -> ClosedForm {
        let risks = model.risks();
        // A shock's events in a risk meet its controls as the risk's own do.
        let mut base: Vec<f64> = model.dependence().risk_eal(risks);
        let mut insured_risk = vec![false; risks.len()];
        for control in model.controls() {
            let k = kept(control, model.availability(control));
            for r in scope(control, risks) {
                base[r] *= k;
                if control.transfer().is_some() {
                    insured_risk[r] = true;
                }
            }
        }
        let items = candidates
            .iter()
            .map(|c| {
                let k = kept(c, model.availability(c));
                Item {
                    cost: finance.annualized_cost(c.cost()),
                    upfront: c.cost().upfront(),
                    annual: c.cost().annual(),
                    effects: scope(c, risks).into_iter().map(|r| (r, k)).collect(),
                    additive: 0.0,
                    // A manager acts on other controls' lapses, not as a product on losses:
                    // its effect is carried as an estimate, like a policy's.
                    transfer: c.transfer().is_some() || c.management().is_some(),
                }
            })
            .collect();
        ClosedForm {
            base,
            insured: insured_risk.iter().any(|&b| b),
            insured_risk,
            items,
        }
    }

    /// Sets the EAL each insurance candidate removes (at the same index as the candidates;
    /// ignored for the others), e.g. its stand-alone reduction on top of the in-place set
    /// estimated by simulation. The closed form adds these up, which ignores how a policy's
    /// payments change with the other controls: figures with a policy are estimates.
    #[must_use]
    pub fn with_transfer_values(mut self, reductions: &[f64]) -> ClosedForm {
        for (item, &r) in self.items.iter_mut().zip(reductions) {
            if item.transfer {
                item.additive = r;
            }
        }
        self
    }

    /// The number of candidates.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there is no candidate.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The EAL with the in-place controls only (before in-place insurance).
    pub fn baseline(&self) -> f64 {
        self.base.iter().sum()
    }

    /// Per risk: its EAL with the in-place controls and the candidates `set` (indices), before
    /// any insurance.
    pub fn risk_eal(&self, set: &[usize]) -> Vec<f64> {
        let mut eal = self.base.clone();
        for &i in set {
            for &(r, k) in &self.items[i].effects {
                eal[r] *= k;
            }
        }
        eal
    }

    /// The residual EAL with the in-place controls and the candidates `set` (indices): exact
    /// when [`is_exact`](Self::is_exact), otherwise with each policy's additive estimate.
    pub fn eal(&self, set: &[usize]) -> f64 {
        let additive: f64 = set.iter().map(|&i| self.items[i].additive).sum();
        self.risk_eal(set).iter().sum::<f64>() - additive
    }

    /// The annualised cost of the candidates `set`.
    pub fn cost(&self, set: &[usize]) -> f64 {
        // `+ 0.0`: the empty sum of f64 is -0, which would print as "-0".
        set.iter().map(|&i| self.items[i].cost).sum::<f64>() + 0.0
    }

    /// The upfront cost of the candidates `set`.
    pub fn upfront(&self, set: &[usize]) -> f64 {
        set.iter().map(|&i| self.items[i].upfront).sum::<f64>() + 0.0
    }

    /// Whether [`eal`](Self::eal) of `set` is the model's residual EAL exactly: no insurance
    /// policy, in place or in the set, applies to a risk.
    pub fn is_exact(&self, set: &[usize]) -> bool {
        !self.insured && set.iter().all(|&i| !self.items[i].transfer)
    }

    /// Per risk: whether an in-place insurance policy applies to it.
    pub fn insured_risks(&self) -> &[bool] {
        &self.insured_risk
    }
}
