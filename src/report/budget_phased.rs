//! The phased plan in the budget report (`budget.phased`): which candidates start in which
//! year of the horizon, what each year spends and the residual EAL it leaves.

use serde::Serialize;

use crate::engine::budget::{ClosedForm, Phased};

/// The phased plan (SCENARIO.md, "The budget report": `phased`).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct PhasedPlan {
    /// NPV over the horizon of the loss removed minus the cost, discounted at the scenario's
    /// rate (upfront at the start of its year, the rest at the end of each year), on the
    /// closed form (with each policy's additive estimate where one is involved).
    pub npv: f64,
    /// The years, first to last.
    pub years: Vec<PhasedYear>,
    /// Whether the plan is the proven optimum (exhaustive search) and its EAL figures exact
    /// (the closed form, no insurance involved).
    pub exact: bool,
}

/// One year of the phased plan.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct PhasedYear {
    /// 1 for the first year of the horizon.
    pub year: u32,
    /// The candidates started this year.
    pub start: Vec<String>,
    /// The year's spend: the upfront costs of those started plus the annual costs of all in
    /// place by then.
    pub spend: f64,
    /// The residual EAL that year with the set in place by then: the closed form where exact,
    /// otherwise simulated on the report's years (with the in-place insurance).
    pub eal: f64,
}

impl PhasedPlan {
    /// The report's form of a plan found over the candidates named `ids`, with the residual
    /// EAL of each year's set.
    pub(crate) fn new(
        found: &Phased,
        form: &ClosedForm,
        ids: &[String],
        eal: Vec<f64>,
    ) -> PhasedPlan {
        let bought: Vec<usize> = (0..ids.len())
            .filter(|&i| found.start[i].is_some())
            .collect();
        let years = (1u32..)
            .zip(found.spend.iter().zip(&eal))
            .map(|(year, (&spend, &eal))| PhasedYear {
                year,
                start: (0..ids.len())
                    .filter(|&i| found.start[i] == Some(year))
                    .map(|i| ids[i].clone())
                    .collect(),
                spend,
                eal,
            })
            .collect();
        PhasedPlan {
            npv: found.npv,
            years,
            exact: found.exact && form.is_exact(&bought),
        }
    }
}
