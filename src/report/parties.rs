//! Who runs the controls and what each party's (or group's) controls are worth: Shapley shares
//! over a partition of the controls, and the stress "this party's controls lapse for a year".

use serde::{Deserialize, Serialize};

/// One party's (`operated_by`) share of the loss the controls remove, and the price of relying
/// on it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PartyShare {
    /// The party, as `operated_by` names it (`self` by default).
    pub party: String,
    /// The ids of the controls it runs, in the model's order.
    pub controls: Vec<String>,
    /// The annualised cost of its controls (see
    /// [`ControlValue::annual_cost`](crate::ControlValue::annual_cost)).
    pub annual_cost: f64,
    /// Its Shapley share of the total reduction (inherent EAL − residual EAL), every order in
    /// which the parties could be added averaged; the parties' shares add up to the total.
    pub eal_reduction: f64,
    /// `eal_reduction` as a fraction of the total (`None` when nothing is removed).
    pub share: Option<f64>,
    /// The residual EAL if every control the party runs were out of its intended state for the
    /// whole year (meeting its variant efficacy; its insurance paying nothing, its managing
    /// controls managing nothing), everything else as modelled.
    pub eal_if_lapsed: f64,
    /// VaR 99% of the annual loss in that case.
    pub var99_if_lapsed: f64,
}

/// One group's (`group`) Shapley share of the total reduction; controls without a group form
/// the group `(ungrouped)`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GroupShare {
    /// The group.
    pub group: String,
    /// The ids of its controls, in the model's order.
    pub controls: Vec<String>,
    /// The annualised cost of its controls.
    pub annual_cost: f64,
    /// Its Shapley share of the total reduction; the groups' shares add up to the total.
    pub eal_reduction: f64,
    /// `eal_reduction` as a fraction of the total (`None` when nothing is removed).
    pub share: Option<f64>,
}
