//! The budget search: which candidate controls to buy.
//!
//! - [`closed_form`]: the residual EAL of any set of candidates from per-risk expectations
//!   (no simulation, no Monte Carlo error, where no insurance policy is involved);
//! - [`exact`]: the exact Pareto frontier (annualised cost vs residual EAL) by branch and
//!   bound, up to [`MAX_EXACT`] candidates;
//! - [`greedy`]: beyond that, the modified greedy with its guarantee;
//! - [`phased`]: the phased plan, a start year per candidate within yearly cash budgets;
//! - [`tail`]: the tail objectives (`var99`, `tvar99`) on common simulated years: exact up to
//!   [`MAX_TAIL_EXACT`] candidates on the candidate tail years, a local search beyond.
//!
//! The best set for a budget under the `eal` or the `net_benefit` objective is a point of the
//! frontier: a set that maximises either within a budget is dominated by no other set (one
//! that costs no more and leaves no more loss has no lower net benefit either).

pub(crate) mod closed_form;
pub(crate) mod exact;
pub(crate) mod frontier;
pub(crate) mod greedy;
pub(crate) mod phased;
pub(crate) mod tail;

pub use closed_form::ClosedForm;
pub use exact::{Caps, MAX_EXACT};
pub use greedy::GREEDY_GUARANTEE;
pub use phased::{MAX_PHASED_EXACT, Phased, phased};
pub use tail::MAX_TAIL_EXACT;

use crate::error::Result;

/// What the budget search optimises.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Objective {
    /// The least residual expected annual loss (the default).
    #[default]
    Eal,
    /// The most net benefit: EAL reduction minus annualised cost.
    NetBenefit,
    /// The least residual 1-in-100-year loss (evaluated on common simulated years).
    Var99,
    /// The least residual TVaR 99% (evaluated on common simulated years).
    Tvar99,
}

impl Objective {
    /// The name in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            Objective::Eal => "eal",
            Objective::NetBenefit => "net_benefit",
            Objective::Var99 => "var99",
            Objective::Tvar99 => "tvar99",
        }
    }

    /// The objective of this name.
    pub fn parse(name: &str) -> Option<Objective> {
        [
            Objective::Eal,
            Objective::NetBenefit,
            Objective::Var99,
            Objective::Tvar99,
        ]
        .into_iter()
        .find(|o| o.name() == name)
    }
}

/// A set of candidates on the closed-form frontier.
#[derive(Clone, Debug, PartialEq)]
pub struct FrontierSet {
    /// Candidate indices, increasing.
    pub set: Vec<usize>,
    /// Annualised cost.
    pub annual_cost: f64,
    /// Upfront cost.
    pub upfront: f64,
    /// Residual EAL (closed form).
    pub eal: f64,
}

/// The closed-form frontier of a set of candidates and how it was found.
#[derive(Clone, Debug, PartialEq)]
pub struct Frontier {
    /// Every Pareto-optimal set in cost order, the empty set first.
    pub sets: Vec<FrontierSet>,
    /// Whether the frontier is proven (the exact search); false for the greedy chain.
    pub proven: bool,
}

/// The best set within a budget, and what is proven about it.
#[derive(Clone, Debug, PartialEq)]
pub struct Chosen {
    /// The frontier set (or the greedy set beyond the exact search).
    pub set: FrontierSet,
    /// Whether it is proven optimal for the objective (closed form).
    pub proven: bool,
    /// Beyond the exact search: a proven lower bound on the share of the optimum's loss
    /// removed that the set removes (see [`GREEDY_GUARANTEE`]).
    pub guarantee: Option<f64>,
}

pub(crate) fn frontier_set(form: &ClosedForm, set: Vec<usize>) -> FrontierSet {
    FrontierSet {
        annual_cost: form.cost(&set),
        upfront: form.upfront(&set),
        eal: form.eal(&set),
        set,
    }
}

pub(crate) fn bits_to_set(bits: u64, n: usize) -> Vec<usize> {
    (0..n).filter(|&i| bits & (1 << i) != 0).collect()
}

/// The frontier of `form`'s candidates within the upfront cap: exact up to [`MAX_EXACT`]
/// candidates, the greedy chain beyond.
///
/// # Errors
/// None today (the exact search's size limit is respected); a `Result` for the limits of
/// searches to come.
pub fn frontier(form: &ClosedForm, upfront: Option<f64>) -> Result<Frontier> {
    let caps = Caps {
        annual: None,
        upfront,
    };
    if form.len() <= MAX_EXACT {
        let stairs = exact::exact_frontier(form, caps)?;
        let sets = stairs
            .points
            .iter()
            .map(|&(_, _, bits)| frontier_set(form, bits_to_set(bits, form.len())))
            .collect();
        return Ok(Frontier { sets, proven: true });
    }
    let sets = greedy::greedy_chain(form, caps)
        .into_iter()
        .map(|(set, _, _)| frontier_set(form, set))
        .collect();
    Ok(Frontier {
        sets,
        proven: false,
    })
}

/// The best set of `form`'s candidates within `budget` (annualised) and the upfront cap, for
/// the `eal` or `net_benefit` objective (the tail objectives have their own search on
/// simulated years, which the budget report runs; given one here, they get the `eal`
/// choice). `frontier` is [`frontier`]'s result for the same form and cap.
pub fn choose(
    form: &ClosedForm,
    frontier: &Frontier,
    budget: f64,
    upfront: Option<f64>,
    objective: Objective,
) -> Chosen {
    let baseline = form.baseline();
    let net = |s: &FrontierSet| baseline - s.eal - s.annual_cost;
    if frontier.proven {
        let mut within = frontier.sets.iter().filter(|s| s.annual_cost <= budget);
        let best = match objective {
            Objective::NetBenefit => within.max_by(|a, b| {
                net(a)
                    .total_cmp(&net(b))
                    // Ties: the cheaper set (later points cost more).
                    .then(b.annual_cost.total_cmp(&a.annual_cost))
            }),
            _ => within.next_back(),
        };
        let set = best
            .cloned()
            .unwrap_or_else(|| frontier_set(form, Vec::new()));
        return Chosen {
            set,
            proven: true,
            guarantee: None,
        };
    }
    let caps = Caps {
        annual: Some(budget),
        upfront,
    };
    match objective {
        Objective::NetBenefit => {
            // Net benefit is submodular but not monotone: the greedy stops when no candidate
            // adds more than it costs, and nothing is guaranteed.
            let chain = greedy::greedy_chain(form, caps);
            let set = chain
                .into_iter()
                .map(|(set, _, _)| frontier_set(form, set))
                .max_by(|a, b| net(a).total_cmp(&net(b)))
                .unwrap_or_else(|| frontier_set(form, Vec::new()));
            Chosen {
                set,
                proven: false,
                guarantee: None,
            }
        }
        _ => {
            let g = greedy::modified_greedy(form, caps);
            Chosen {
                set: frontier_set(form, g.set),
                proven: false,
                guarantee: Some(g.guarantee),
            }
        }
    }
}

/// The tail search's frontier as closed-form frontier sets (EAL from the closed form), proven
/// where the search was exact.
pub(crate) fn tail_frontier(form: &ClosedForm, search: &tail::TailSearch) -> Frontier {
    Frontier {
        sets: search
            .frontier
            .points
            .iter()
            .map(|&(_, _, bits)| frontier_set(form, bits_to_set(bits, form.len())))
            .collect(),
        proven: search.exact,
    }
}

/// The tail search's best set within `budget`.
pub(crate) fn tail_choose(form: &ClosedForm, search: &tail::TailSearch, budget: f64) -> Chosen {
    Chosen {
        set: frontier_set(form, bits_to_set(search.choose(budget), form.len())),
        proven: search.exact,
        guarantee: None,
    }
}
