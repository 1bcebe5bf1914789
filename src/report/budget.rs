//! The budget report: the frontier of candidate sets, the best set at each budget, and the
//! Gordon-Loeb context per risk (the `budget` example prints it; JSON as SCENARIO.md's budget
//! report).
//!
//! The search runs on the closed form ([`ClosedForm`]): exact and proven where no insurance
//! policy is involved. Every set the report shows is then simulated on the scenario's years
//! (the same seed: common random numbers, each control on its own stream) for its VaR 99% and
//! TVaR 99%, and, where a policy is involved, for its EAL with a standard error.

use serde::Serialize;

use crate::engine::budget::{self, ClosedForm, Objective, tail};
use crate::engine::control_run::TAIL_P;
use crate::engine::monitor::{Monitor, Unwatched};
use crate::engine::set_run::{self, PairFigures};
use crate::engine::simulate::SimulationOptions;
use crate::engine::stats;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::model::finance::{Cost, Finance};
use crate::report::budget_phased::PhasedPlan;
use crate::report::budget_plans::{
    Comparison, PlanFigures, SetRef, comparison, eal_of, plan_figures,
};
use crate::report::candidates::{CandidateValue, candidate_values, on_top};
use crate::report::loss::INTERVAL_LEVEL;

/// What to choose and under which budgets: the `budget` section of a scenario.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Budget {
    objective: Objective,
    annual: Vec<f64>,
    upfront: Option<f64>,
    plans: Vec<Plan>,
    phased: Option<Vec<f64>>,
}

/// A named set of candidates to compare (`budget.plans`).
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// The plan's name.
    pub name: String,
    /// Candidate ids.
    pub controls: Vec<String>,
}

impl Budget {
    /// The `eal` objective, no budgets (the frontier only), no upfront cap.
    pub fn new() -> Budget {
        Budget::default()
    }

    /// Sets the objective.
    #[must_use]
    pub fn with_objective(self, objective: Objective) -> Budget {
        Budget { objective, ..self }
    }

    /// Sets the annual budgets at which to report the best set (annualised cost of the
    /// candidates).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] named `budget.annual` for a negative or non-finite budget.
    pub fn with_annual(self, annual: Vec<f64>) -> Result<Budget> {
        for &b in &annual {
            crate::check::non_negative("budget.annual", b)?;
        }
        Ok(Budget { annual, ..self })
    }

    /// Caps the chosen candidates' total upfront cost.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] named `budget.upfront` for a negative or non-finite cap.
    pub fn with_upfront(self, upfront: f64) -> Result<Budget> {
        Ok(Budget {
            upfront: Some(crate::check::non_negative("budget.upfront", upfront)?),
            ..self
        })
    }

    /// Adds a plan to compare: a name and candidate ids (checked against a model by
    /// [`check_plans`](Self::check_plans) and by [`BudgetReport::new`]).
    #[must_use]
    pub fn with_plan(mut self, name: impl Into<String>, controls: Vec<String>) -> Budget {
        self.plans.push(Plan {
            name: name.into(),
            controls,
        });
        self
    }

    /// Sets the phased plan's cash budgets, one per year of the horizon.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] named `budget.phased.budgets` for a negative or non-finite
    /// budget.
    pub fn with_phased(self, budgets: Vec<f64>) -> Result<Budget> {
        for &b in &budgets {
            crate::check::non_negative("budget.phased.budgets", b)?;
        }
        Ok(Budget {
            phased: Some(budgets),
            ..self
        })
    }

    /// The plans.
    pub fn plans(&self) -> &[Plan] {
        &self.plans
    }

    /// The phased plan's cash budgets.
    pub fn phased(&self) -> Option<&[f64]> {
        self.phased.as_deref()
    }

    /// Checks the plans against `model`: every id a candidate of it. Returns the first bad
    /// one as (plan index, control index, error).
    pub fn check_plans(&self, model: &Model) -> std::result::Result<(), (usize, usize, Error)> {
        for (i, plan) in self.plans.iter().enumerate() {
            for (j, id) in plan.controls.iter().enumerate() {
                if model.candidate(id).is_none() {
                    return Err((i, j, Error::UnknownCandidate { id: id.clone() }));
                }
            }
        }
        Ok(())
    }

    /// The objective.
    pub fn objective(&self) -> Objective {
        self.objective
    }

    /// The annual budgets.
    pub fn annual(&self) -> &[f64] {
        &self.annual
    }

    /// The upfront cap.
    pub fn upfront(&self) -> Option<f64> {
        self.upfront
    }
}

/// VaR 99% with its 95% interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Var99 {
    /// The 1-in-100-year annual loss.
    pub loss: f64,
    /// Its 95% interval (order statistics).
    pub ci95: [f64; 2],
}

/// The figures of one set of controls on the simulated years.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct SetFigures {
    /// The ids: the in-place controls for the baseline, the chosen candidates otherwise.
    pub controls: Vec<String>,
    /// The candidates' annualised cost.
    pub annual_cost: f64,
    /// Residual EAL: the closed form where exact, otherwise the simulated mean.
    pub eal: f64,
    /// Its standard error (0 where exact).
    pub eal_se: f64,
    /// Residual VaR 99% on the simulated years.
    pub var99: Var99,
    /// Residual TVaR 99% on the simulated years.
    pub tvar99: f64,
}

/// A point of the frontier.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct FrontierPoint {
    /// Annualised cost of the candidates.
    pub annual_cost: f64,
    /// Their upfront cost.
    pub upfront: f64,
    /// The candidates' ids, in the scenario's order.
    pub controls: Vec<String>,
    /// Residual EAL with the in-place controls and these.
    pub eal: f64,
    /// Its standard error (0 where exact).
    pub eal_se: f64,
    /// Baseline EAL − `eal`.
    pub eal_reduction: f64,
    /// Residual VaR 99%.
    pub var99: Var99,
    /// Residual TVaR 99%.
    pub tvar99: f64,
    /// `eal_reduction − annual_cost`.
    pub net_benefit: f64,
    /// NPV over the horizon of `eal_reduction` a year against the set's cost.
    pub npv: f64,
    /// Whether the set is proven optimal: the exact search on an exact closed form (no
    /// insurance policy on the risks involved).
    pub exact: bool,
}

/// The best set within one budget.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Choice {
    /// The budget (annualised cost).
    pub budget: f64,
    /// The candidates' ids.
    pub controls: Vec<String>,
    /// Their annualised cost.
    pub annual_cost: f64,
    /// Residual EAL.
    pub eal: f64,
    /// Its standard error.
    pub eal_se: f64,
    /// Residual VaR 99%.
    pub var99: Var99,
    /// Residual TVaR 99%.
    pub tvar99: f64,
    /// Whether the set is proven best (see [`FrontierPoint::exact`]).
    pub exact: bool,
    /// Candidates that enter against the previous (smaller) budget's set.
    pub added: Vec<String>,
    /// Candidates that leave.
    pub removed: Vec<String>,
    /// Beyond the exact search: the proven share of the optimum's loss removed (extension).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guarantee: Option<f64>,
}

/// One risk's Gordon-Loeb bound next to what the chosen set spends on it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct GordonLoebRisk {
    /// The risk's id.
    pub risk: String,
    /// Its expected annual loss with the in-place controls (simulated).
    pub expected_loss: f64,
    /// The Gordon-Loeb bound on worthwhile investment, `expected_loss / e`.
    pub bound: f64,
    /// What the chosen set spends on it a year: each candidate's annualised cost split over
    /// its risks in proportion to the loss it removes from each.
    pub spend: f64,
}

/// The budget report (SCENARIO.md, "The budget report").
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct BudgetReport {
    /// 1.
    pub format_version: u32,
    /// The scenario's name.
    pub scenario: String,
    /// The currency code.
    pub currency: String,
    /// Simulated years.
    pub trials: u64,
    /// The seed.
    pub seed: u64,
    /// The objective.
    pub objective: Objective,
    /// The in-place controls alone.
    pub baseline: SetFigures,
    /// Each candidate alone on top of the in-place controls.
    pub candidates: Vec<CandidateValue>,
    /// Every Pareto-optimal set in cost order, the baseline first.
    pub frontier: Vec<FrontierPoint>,
    /// The best set at each budget, in the order given.
    pub choices: Vec<Choice>,
    /// Each plan of `budget.plans` against the best set costing no more.
    pub plans: Vec<PlanFigures>,
    /// Every pair of plans compared on the same years.
    pub comparisons: Vec<Comparison>,
    /// The phased plan, when `budget.phased` gives yearly budgets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phased: Option<PhasedPlan>,
    /// Gordon-Loeb per risk, for the set chosen at the largest budget.
    pub gordon_loeb: Vec<GordonLoebRisk>,
    /// Whether the search was exact (up to [`MAX_EXACT`](crate::budget::MAX_EXACT)
    /// candidates for the EAL objectives, `MAX_TAIL_EXACT` (16)
    /// for the tail objectives), `greedy` (EAL objectives) or `local` (the tail objectives'
    /// local search) beyond (extension).
    pub search: &'static str,
}

/// A set's simulated figures.
pub(crate) struct Simulated {
    pub(crate) eal: f64,
    pub(crate) eal_se: f64,
    pub(crate) var99: Var99,
    pub(crate) tvar99: f64,
    pub(crate) per_risk: Vec<f64>,
    /// For a set a plan comparison involves: the paired estimator's EAL and SE (the plans
    /// table's figures; the frontier keeps the plain simulated ones).
    pub(crate) paired: Option<(f64, f64)>,
}

/// Every set of candidates (indices into the model's candidates) on top of the in-place
/// controls, simulated in one pass on the same years (set_run.rs), with the year-by-year
/// comparison of each pair of sets in `pairs`.
fn simulate_sets(
    model: &Model,
    sets: &[Vec<usize>],
    pairs: &[(usize, usize)],
    paired: set_run::Paired,
    options: SimulationOptions,
    monitor: &dyn Monitor,
) -> Result<(Vec<Simulated>, Vec<PairFigures>)> {
    let (combined, masks) = on_top(model, sets)?;
    let trials = options.validate()?;
    // The tail from the lower end of VaR 99%'s interval up.
    let (lo, hi, _) = stats::quantile_interval_ranks(trials, TAIL_P, INTERVAL_LEVEL);
    let k = stats::quantile_rank(trials, TAIL_P);
    let run = set_run::run(
        combined.risks(),
        combined.controls(),
        &masks,
        pairs,
        paired,
        trials - lo + 1,
        options,
        monitor,
    )?;
    let n = trials as f64;
    let simulated = run
        .sets
        .into_iter()
        .map(|figures| {
            let top = &figures.top;
            Simulated {
                eal: figures.loss.mean,
                eal_se: (figures.loss.variance() / n).sqrt(),
                var99: Var99 {
                    loss: top[k - lo],
                    ci95: [top[0], top[hi - lo]],
                },
                tvar99: stats::tail_mean_of_top(&top[k - lo..], trials, TAIL_P),
                per_risk: figures.by_risk.iter().map(|r| r / n).collect(),
                paired: figures.paired,
            }
        })
        .collect();
    Ok((simulated, run.pairs))
}

/// The tail objective's search (engine/budget/tail.rs) on the scenario's years, over the
/// universe of set_run.rs's sets (every candidate on top of the in-place controls): exact up
/// to `MAX_TAIL_EXACT` candidates, else the local search from the
/// EAL frontier's sets at each budget, plan cost and EAL frontier cost.
#[allow(clippy::too_many_arguments)]
fn tail_search(
    model: &Model,
    form: &ClosedForm,
    found: &budget::Frontier,
    budget: &Budget,
    plan_sets: &[Vec<usize>],
    options: SimulationOptions,
    monitor: &dyn Monitor,
) -> Result<tail::TailSearch> {
    let (combined, _) = on_top(model, &[])?;
    let in_place = model.controls().len();
    let years = tail::TailYears::new(
        combined.risks(),
        combined.controls(),
        in_place,
        options,
        monitor,
    )?;
    let n = form.len();
    let annual = |s: u64| form.cost(&budget::bits_to_set(s, n));
    let upfront = |s: u64| form.upfront(&budget::bits_to_set(s, n));
    let costs = tail::Costs {
        annual: &annual,
        upfront: &upfront,
        cap: budget.upfront,
    };
    let tvar = budget.objective == Objective::Tvar99;
    if n <= budget::MAX_TAIL_EXACT {
        return tail::exact(&years, &costs, tvar, options.is_parallel());
    }
    let bits = |set: &[usize]| set.iter().fold(0u64, |b, &i| b | 1 << i);
    let starts: Vec<u64> = found.sets.iter().map(|s| bits(&s.set)).collect();
    let budgets: Vec<f64> = budget
        .annual
        .iter()
        .copied()
        .chain(plan_sets.iter().map(|s| form.cost(s)))
        .chain(found.sets.iter().map(|s| s.annual_cost))
        .collect();
    Ok(tail::local_search(&years, &costs, tvar, &starts, &budgets))
}

impl BudgetReport {
    /// Searches `model`'s candidates under `budget` and builds the report.
    ///
    /// # Errors
    /// [`Error::Empty`] if the model has no candidate; otherwise as [`Model::analyze`].
    pub fn new(
        name: &str,
        currency: &str,
        model: &Model,
        budget: &Budget,
        options: SimulationOptions,
        finance: Finance,
    ) -> Result<BudgetReport> {
        BudgetReport::new_with(name, currency, model, budget, options, finance, &Unwatched)
    }

    /// [`new`](Self::new), telling `monitor` of each simulation's progress.
    ///
    /// # Errors
    /// As [`new`](Self::new); [`Error::Cancelled`] if the monitor stopped a run.
    pub fn new_with(
        name: &str,
        currency: &str,
        model: &Model,
        budget: &Budget,
        options: SimulationOptions,
        finance: Finance,
        monitor: &dyn Monitor,
    ) -> Result<BudgetReport> {
        let candidates = model.candidates();
        budget.check_plans(model).map_err(|(_, _, e)| e)?;
        if candidates.is_empty() {
            return Err(Error::Empty {
                name: "candidate controls",
            });
        }
        let values = candidate_values(model, options, finance, monitor)?;
        let reductions: Vec<f64> = values.iter().map(|v| v.standalone_reduction).collect();
        let form = ClosedForm::new(model, candidates, &finance).with_transfer_values(&reductions);
        let eal_found = budget::frontier(&form, budget.upfront)?;
        let plan_sets: Vec<Vec<usize>> = budget
            .plans()
            .iter()
            .map(|plan| {
                let mut set: Vec<usize> = plan
                    .controls
                    .iter()
                    .filter_map(|id| candidates.iter().position(|c| c.id() == id))
                    .collect();
                set.sort_unstable();
                set.dedup();
                set
            })
            .collect();
        // The tail objectives: their own search on common simulated years.
        let tail = match budget.objective {
            Objective::Var99 | Objective::Tvar99 => Some(tail_search(
                model, &form, &eal_found, budget, &plan_sets, options, monitor,
            )?),
            _ => None,
        };
        let choose = |b: f64| match &tail {
            Some(search) => budget::tail_choose(&form, search, b),
            None => budget::choose(&form, &eal_found, b, budget.upfront, budget.objective),
        };
        let found = match &tail {
            Some(search) => budget::tail_frontier(&form, search),
            None => eal_found.clone(),
        };
        let ids = |set: &[usize]| -> Vec<String> {
            set.iter()
                .map(|&i| candidates[i].id().to_string())
                .collect()
        };

        // Every set the report shows, simulated once.
        let mut sets: Vec<Vec<usize>> = found.sets.iter().map(|s| s.set.clone()).collect();
        let chosen: Vec<budget::Chosen> = budget.annual.iter().map(|&b| choose(b)).collect();
        for c in &chosen {
            if !sets.contains(&c.set.set) {
                sets.push(c.set.set.clone());
            }
        }
        // Each plan and the best set costing no more than it.
        let best_sets: Vec<Vec<usize>> = plan_sets
            .iter()
            .map(|set| choose(form.cost(set)).set.set)
            .collect();
        for set in plan_sets.iter().chain(&best_sets) {
            if !sets.contains(set) {
                sets.push(set.clone());
            }
        }
        // The phased plan, found on the closed form; the set in place each year is simulated.
        let phased_found = match budget.phased() {
            Some(budgets) => Some(budget::phased(&form, budgets, finance.discount_rate())?),
            None => None,
        };
        let phased_sets: Option<Vec<Vec<usize>>> = phased_found.as_ref().map(|found| {
            (1..=found.spend.len() as u32)
                .map(|y| {
                    (0..found.start.len())
                        .filter(|&i| found.start[i].is_some_and(|t| t <= y))
                        .collect()
                })
                .collect()
        });
        for set in phased_sets.iter().flatten() {
            if !sets.contains(set) {
                sets.push(set.clone());
            }
        }
        let at = |set: &[usize]| sets.iter().position(|s| s == set).unwrap_or(0);
        let mut pairs: Vec<(usize, usize)> = plan_sets
            .iter()
            .zip(&best_sets)
            .map(|(p, b)| (at(p), at(b)))
            .collect();
        for a in 0..plan_sets.len() {
            for b in a + 1..plan_sets.len() {
                pairs.push((at(&plan_sets[a]), at(&plan_sets[b])));
            }
        }
        // The paired estimator serves the plans' figures where a set's EAL is not the closed
        // form's.
        let paired = if sets.iter().all(|s| form.is_exact(s)) {
            set_run::Paired::Off
        } else {
            set_run::Paired::Compared
        };
        let (simulated, compared) = simulate_sets(model, &sets, &pairs, paired, options, monitor)?;
        let set_ref = |i: usize| SetRef {
            set: &sets[i],
            ids: ids(&sets[i]),
            simulated: &simulated[i],
        };
        let plan_refs: Vec<SetRef> = plan_sets.iter().map(|s| set_ref(at(s))).collect();
        let plans: Vec<PlanFigures> = budget
            .plans()
            .iter()
            .zip(&plan_refs)
            .zip(best_sets.iter().zip(&compared))
            .map(|((plan, plan_ref), (best, pair))| {
                plan_figures(
                    &form,
                    budget.objective,
                    &plan.name,
                    plan_ref,
                    &set_ref(at(best)),
                    pair,
                )
            })
            .collect();
        let mut comparisons = Vec::new();
        let mut next = compared[plan_sets.len()..].iter();
        for a in 0..plan_refs.len() {
            for b in a + 1..plan_refs.len() {
                if let Some(pair) = next.next() {
                    comparisons.push(comparison(
                        &form,
                        (&budget.plans()[a].name, &plan_refs[a]),
                        (&budget.plans()[b].name, &plan_refs[b]),
                        pair,
                    ));
                }
            }
        }
        let figures = |set: &[usize]| -> (f64, f64, &Simulated) {
            let i = sets.iter().position(|s| s == set).unwrap_or(0);
            let sim = &simulated[i];
            let (eal, se) = eal_of(&form, set, sim);
            (eal, se, sim)
        };
        let (baseline_eal, baseline_se, baseline_sim) = figures(&[]);
        let baseline = SetFigures {
            controls: model
                .controls()
                .iter()
                .map(|c| c.id().to_string())
                .collect(),
            annual_cost: 0.0,
            eal: baseline_eal,
            eal_se: baseline_se,
            var99: baseline_sim.var99,
            tvar99: baseline_sim.tvar99,
        };

        // The objective's figure of a frontier point: the EAL, or the tail figure.
        let score = |eal: f64, var99: &Var99, tvar99: f64| match budget.objective {
            Objective::Var99 => var99.loss,
            Objective::Tvar99 => tvar99,
            _ => eal,
        };
        let mut frontier: Vec<FrontierPoint> = Vec::new();
        for s in &found.sets {
            let (eal, eal_se, sim) = figures(&s.set);
            // Simulated figures (a policy involved) may leave a point dominated: drop it.
            if frontier.last().is_some_and(|p| {
                score(p.eal, &p.var99, p.tvar99) <= score(eal, &sim.var99, sim.tvar99)
            }) {
                continue;
            }
            let reduction = baseline_eal - eal;
            let annual: f64 = s.set.iter().map(|&i| candidates[i].cost().annual()).sum();
            // A set's costs may add up past one control's limit (two candidates of 1e15
            // upfront, case 27510 of the generated suite): the NPV is linear in the costs, so
            // it is then taken candidate by candidate.
            let npv = match Cost::new(s.upfront, annual) {
                Ok(cost) => finance.npv(&cost, reduction),
                Err(_) => s
                    .set
                    .iter()
                    .fold(finance.npv(&Cost::default(), reduction), |npv, &i| {
                        npv + finance.npv(candidates[i].cost(), 0.0)
                    }),
            };
            frontier.push(FrontierPoint {
                annual_cost: s.annual_cost,
                upfront: s.upfront,
                controls: ids(&s.set),
                eal,
                eal_se,
                eal_reduction: reduction,
                var99: sim.var99,
                tvar99: sim.tvar99,
                net_benefit: reduction - s.annual_cost,
                npv,
                exact: found.proven && (tail.is_some() || form.is_exact(&s.set)),
            });
        }

        let mut choices = Vec::with_capacity(chosen.len());
        let mut previous: Vec<String> = Vec::new();
        let mut order: Vec<usize> = (0..chosen.len()).collect();
        order.sort_by(|&a, &b| budget.annual[a].total_cmp(&budget.annual[b]));
        let mut by_budget: Vec<Option<Choice>> = vec![None; chosen.len()];
        for &k in &order {
            let c = &chosen[k];
            let (eal, eal_se, sim) = figures(&c.set.set);
            let controls = ids(&c.set.set);
            let added = controls
                .iter()
                .filter(|id| !previous.contains(id))
                .cloned()
                .collect();
            let removed = previous
                .iter()
                .filter(|id| !controls.contains(id))
                .cloned()
                .collect();
            previous = controls.clone();
            by_budget[k] = Some(Choice {
                budget: budget.annual[k],
                controls,
                annual_cost: c.set.annual_cost,
                eal,
                eal_se,
                var99: sim.var99,
                tvar99: sim.tvar99,
                exact: c.proven && (tail.is_some() || form.is_exact(&c.set.set)),
                added,
                removed,
                guarantee: c.guarantee,
            });
        }
        choices.extend(by_budget.into_iter().flatten());

        let phased = match (&phased_found, &phased_sets) {
            (Some(found), Some(year_sets)) => {
                let all: Vec<String> = candidates.iter().map(|c| c.id().to_string()).collect();
                let eal = year_sets.iter().map(|set| figures(set).0).collect();
                Some(PhasedPlan::new(found, &form, &all, eal))
            }
            _ => None,
        };

        // Gordon-Loeb for the set at the largest budget (none without budgets).
        let largest = order.last().map(|&k| &chosen[k].set.set[..]).unwrap_or(&[]);
        let gordon_loeb = gordon_loeb(model, &form, largest, &baseline_sim.per_risk);

        Ok(BudgetReport {
            format_version: 1,
            scenario: name.to_string(),
            currency: currency.to_string(),
            trials: options.trial_count(),
            seed: options.seed(),
            objective: budget.objective,
            baseline,
            candidates: values,
            frontier,
            choices,
            plans,
            comparisons,
            phased,
            gordon_loeb,
            search: match (found.proven, tail.is_some()) {
                (true, _) => "exact",
                (false, false) => "greedy",
                (false, true) => "local",
            },
        })
    }
}

/// Each risk's Gordon-Loeb bound (DOMAIN.md §6: the optimal investment is below `vL / e`, here
/// with `vL` the risk's expected annual loss with the in-place controls) next to what `set`
/// spends on it: each candidate's annualised cost split over its risks in proportion to the
/// loss it removes from each (closed form, on top of the in-place controls; an insurance
/// policy's cost in proportion to the risks' expected losses).
fn gordon_loeb(
    model: &Model,
    form: &ClosedForm,
    set: &[usize],
    expected: &[f64],
) -> Vec<GordonLoebRisk> {
    let mut spend = vec![0.0; model.risks().len()];
    for &i in set {
        let item = &form.items[i];
        let weights: Vec<(usize, f64)> = if item.transfer {
            item.effects
                .iter()
                .map(|&(r, _)| (r, form.base[r]))
                .collect()
        } else {
            item.effects
                .iter()
                .map(|&(r, k)| (r, form.base[r] * (1.0 - k)))
                .collect()
        };
        let total: f64 = weights.iter().map(|w| w.1).sum();
        if total > 0.0 {
            for (r, w) in weights {
                spend[r] += item.cost * w / total;
            }
        }
    }
    model
        .risks()
        .iter()
        .zip(expected)
        .zip(spend)
        .map(|((risk, &loss), spend)| GordonLoebRisk {
            risk: risk.id().to_string(),
            expected_loss: loss,
            // The bound is v L / e with v L the expected loss: v = 1 and L = it gives the same.
            bound: crate::model::gordon_loeb_bound(1.0, loss).unwrap_or(0.0),
            spend,
        })
        .collect()
}
