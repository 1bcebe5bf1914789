//! Plans compared (`budget.plans`): the user's named sets of candidates, each against the best
//! set costing no more, and every pair against each other, all on the same simulated years.
//!
//! A difference of two sets' residual EAL is exact (standard error 0) when both sets' EAL is
//! (the closed form, see [`ClosedForm::is_exact`]); otherwise it comes from the paired
//! estimator of set_run.rs (engine/paired.rs: per-event conditional expectations, then control
//! variates on the event counts), whose standard error on the default scenario is 25 to 31 times
//! smaller than two independent runs' `sqrt(se_a² + se_b²)` (the README has the figures).

use serde::Serialize;

use crate::engine::budget::{ClosedForm, Objective};
use crate::engine::set_run::PairFigures;
use crate::report::budget::{Simulated, Var99};

/// A plan's figures next to the best set costing no more.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct PlanFigures {
    /// The plan's name.
    pub name: String,
    /// Its candidates' ids.
    pub controls: Vec<String>,
    /// Their annualised cost.
    pub annual_cost: f64,
    /// Residual EAL with the in-place controls and the plan.
    pub eal: f64,
    /// Its standard error (0 where exact).
    pub eal_se: f64,
    /// Residual VaR 99%.
    pub var99: Var99,
    /// Residual TVaR 99%.
    pub tvar99: f64,
    /// The best set (under the budget's objective) whose annualised cost is at most the plan's.
    pub best_same_cost: BestSet,
    /// The plan's objective minus the best set's: residual EAL, VaR 99% or TVaR 99% (a
    /// positive gap leaves more loss than the best set), or net benefit (a negative gap
    /// returns less).
    pub gap: f64,
    /// The standard error of `gap` for the `eal` and `net_benefit` objectives (a paired
    /// difference on the same years; 0 where both are exact); `None` for the tail objectives.
    pub gap_se: Option<f64>,
}

/// The best set costing no more than a plan.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct BestSet {
    /// Its candidates' ids.
    pub controls: Vec<String>,
    /// Its annualised cost.
    pub annual_cost: f64,
    /// Its residual EAL.
    pub eal: f64,
}

/// Two plans compared on the same years: differences a − b.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Comparison {
    /// The first plan's name.
    pub a: String,
    /// The second plan's name.
    pub b: String,
    /// Residual EAL of a minus that of b.
    pub eal_difference: f64,
    /// Its standard error (paired; 0 where both are exact).
    pub se: f64,
    /// VaR 99% of a minus that of b.
    pub var99_difference: f64,
    /// The share of simulated years in which a's annual loss is strictly lower than b's.
    pub probability_a_lower: f64,
}

/// One set as the comparison sees it: its candidates, its simulated figures and where it is.
pub(crate) struct SetRef<'a> {
    pub(crate) set: &'a [usize],
    pub(crate) ids: Vec<String>,
    pub(crate) simulated: &'a Simulated,
}

/// The EAL difference a − b and its standard error: the closed form where both are exact, the
/// paired simulated difference otherwise.
fn eal_difference(form: &ClosedForm, a: &SetRef, b: &SetRef, pair: &PairFigures) -> (f64, f64) {
    if form.is_exact(a.set) && form.is_exact(b.set) {
        return (form.eal(a.set) - form.eal(b.set), 0.0);
    }
    pair.controlled
}

/// A set's residual EAL and its standard error: the closed form where exact, else simulated.
pub(crate) fn eal_of(form: &ClosedForm, set: &[usize], simulated: &Simulated) -> (f64, f64) {
    if form.is_exact(set) {
        (form.eal(set), 0.0)
    } else {
        (simulated.eal, simulated.eal_se)
    }
}

/// As [`eal_of`], with the paired estimator's figures for a set a plan comparison involves, so
/// that the plans' EALs and their differences agree.
fn paired_eal_of(form: &ClosedForm, set: &[usize], simulated: &Simulated) -> (f64, f64) {
    match simulated.paired {
        Some(paired) if !form.is_exact(set) => paired,
        _ => eal_of(form, set, simulated),
    }
}

/// A plan against its best set of no greater cost; `pair` compares the plan (a) with it (b).
pub(crate) fn plan_figures(
    form: &ClosedForm,
    objective: Objective,
    name: &str,
    plan: &SetRef,
    best: &SetRef,
    pair: &PairFigures,
) -> PlanFigures {
    let (eal, eal_se) = paired_eal_of(form, plan.set, plan.simulated);
    let (best_eal, _) = paired_eal_of(form, best.set, best.simulated);
    let (difference, se) = eal_difference(form, plan, best, pair);
    let (plan_cost, best_cost) = (form.cost(plan.set), form.cost(best.set));
    let (gap, gap_se) = match objective {
        Objective::Eal => (difference, Some(se)),
        // Net benefit = baseline − EAL − cost: the baseline cancels.
        Objective::NetBenefit => (-difference - (plan_cost - best_cost), Some(se)),
        Objective::Var99 => (plan.simulated.var99.loss - best.simulated.var99.loss, None),
        Objective::Tvar99 => (plan.simulated.tvar99 - best.simulated.tvar99, None),
    };
    PlanFigures {
        name: name.to_string(),
        controls: plan.ids.clone(),
        annual_cost: plan_cost,
        eal,
        eal_se,
        var99: plan.simulated.var99,
        tvar99: plan.simulated.tvar99,
        best_same_cost: BestSet {
            controls: best.ids.clone(),
            annual_cost: best_cost,
            eal: best_eal,
        },
        gap,
        gap_se,
    }
}

/// Plans a and b compared; `pair` holds their year-by-year difference a − b.
pub(crate) fn comparison(
    form: &ClosedForm,
    (a_name, a): (&str, &SetRef),
    (b_name, b): (&str, &SetRef),
    pair: &PairFigures,
) -> Comparison {
    let (eal_difference, se) = eal_difference(form, a, b, pair);
    Comparison {
        a: a_name.to_string(),
        b: b_name.to_string(),
        eal_difference,
        se,
        var99_difference: a.simulated.var99.loss - b.simulated.var99.loss,
        probability_a_lower: pair.a_lower as f64 / pair.difference.n.max(1.0),
    }
}
