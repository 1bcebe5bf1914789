//! What a control analysis returns: inherent and residual losses, and what each control and
//! each CSF function is worth.

use serde::{Deserialize, Serialize};

use crate::csf::{Category, Function};
use crate::engine::control_run::{self, ControlRun, TAIL_P};
use crate::engine::lapse_arms::UNGROUPED;
use crate::engine::monitor::{Monitor, Unwatched};
use crate::engine::simulate::SimulationOptions;
use crate::error::Result;
use crate::model::Model;
use crate::model::finance::{self, Finance};
use crate::model::reliability::{SELF_PARTY, YEAR_DAYS};
use crate::model::tolerance::ToleranceCurve;
use crate::report::contributions::{self, ShockLoss, TailContribution};
use crate::report::loss::LossDistribution;
use crate::report::parties::{GroupShare, PartyShare};
use crate::report::policy::PolicyTerms;
use crate::report::tolerance::ToleranceCheck;

/// The result of [`Model::analyze`](crate::Model::analyze): the annual-loss distributions without
/// controls (inherent) and with all of them (residual), each risk's share, each CSF function's
/// Shapley share of the loss removed, and each control's value for money.
///
/// Every figure comes from one simulation: the inherent, residual and per-control variants share
/// the same simulated events (common random numbers), so differences between them carry far
/// less Monte Carlo error than the figures themselves.
#[derive(Clone, Debug, PartialEq)]
pub struct ControlAnalysis {
    seed: u64,
    finance: Finance,
    inherent: LossDistribution,
    residual: LossDistribution,
    risks: Vec<RiskEffect>,
    functions: Vec<FunctionShare>,
    controls: Vec<ControlValue>,
    parties: Vec<PartyShare>,
    groups: Option<Vec<GroupShare>>,
    trial_losses: Option<(Vec<f64>, Vec<f64>)>,
    /// The risks' shares of the inherent and residual tails, and the sums of their stand-alone
    /// VaR 99%.
    inherent_contributions: Vec<TailContribution>,
    residual_contributions: Vec<TailContribution>,
    standalone_var99_sums: (f64, f64),
    shocks: Vec<ShockLoss>,
}

/// The inherent and residual loss exceedance curves checked against a risk tolerance curve.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ToleranceReport {
    /// Without controls.
    pub inherent: ToleranceCheck,
    /// With every control.
    pub residual: ToleranceCheck,
}

/// One risk's expected annual loss without and with the controls.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RiskEffect {
    /// The risk's id.
    pub id: String,
    /// The risk's name (the id when none was given).
    pub name: String,
    /// Mean annual loss from this risk without controls.
    pub inherent_eal: f64,
    /// Monte Carlo standard error of `inherent_eal`.
    pub inherent_eal_se: f64,
    /// Mean annual loss from this risk with every control. An insurance aggregate limit erodes
    /// claim by claim in the order the events are simulated, so when it runs out, the claims
    /// after it keep their loss.
    pub residual_eal: f64,
}

/// One CSF function's share of the expected annual loss the controls remove.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FunctionShare {
    /// The function.
    pub function: Function,
    /// The annualised cost of its controls (see [`ControlValue::annual_cost`]).
    pub annual_cost: f64,
    /// Its Shapley share of the total reduction (inherent EAL − residual EAL): the function's
    /// marginal contribution averaged over every order in which the functions could be added.
    /// The shares of all functions add up to the total reduction.
    pub eal_reduction: f64,
    /// `eal_reduction` as a fraction of the total reduction (`None` when nothing is removed);
    /// the shares of all functions add up to 1.
    pub share: Option<f64>,
}

/// What one control is worth. Reductions are positive when the control lowers the loss.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ControlValue {
    /// The control's id.
    pub id: String,
    /// The control's name (the id when none was given).
    pub name: String,
    /// Its CSF function.
    pub function: Function,
    /// Its CSF category, if given.
    pub category: Option<Category>,
    /// Annual cost plus the upfront cost spread over the horizon as an annuity at the discount
    /// rate.
    pub annual_cost: f64,
    /// Marginal reduction: residual EAL with every control but this one, minus residual EAL with
    /// all of them.
    pub eal_reduction: f64,
    /// Monte Carlo standard error of `eal_reduction` (from the year-by-year differences of the
    /// two variants, which share their events).
    pub eal_reduction_se: f64,
    /// Stand-alone reduction: inherent EAL minus EAL with only this control.
    pub standalone_reduction: f64,
    /// Monte Carlo standard error of `standalone_reduction`.
    pub standalone_reduction_se: f64,
    /// Return on security investment, (eal_reduction − annual_cost) / annual_cost, on the
    /// marginal reduction and the annualised cost (so an upfront cost counts through its
    /// annuity); `None` when the control costs nothing. A control that overlaps with others
    /// (two controls on the same events) removes less at the margin than alone: compare
    /// `standalone_reduction` before cutting it. A fraction, not a percentage: 1.5 is the text
    /// report's +150%.
    pub rosi: Option<f64>,
    /// eal_reduction − annual_cost.
    pub net_benefit: f64,
    /// −upfront + Σ_{t=1..horizon} (eal_reduction − annual) / (1 + rate)^t.
    pub npv: f64,
    /// The discount rate at which `npv` would be 0 (see [`Finance::irr`]); `None` without an
    /// upfront cost or when the reduction never covers the running cost. Like `rosi`, a
    /// fraction: 0.12 is 12% a year (the text report prints percentages).
    pub irr: Option<f64>,
    /// VaR 99% of the annual loss with every control but this one, minus VaR 99% with all
    /// (a point estimate: the two quantiles share their events, but no interval is given).
    pub var99_reduction: f64,
    /// TVaR 99% with every control but this one, minus TVaR 99% with all.
    pub tvar99_reduction: f64,
    /// The insurance policy's terms when the control is a transfer, else `None` (extension).
    #[serde(default)]
    pub transfer: Option<PolicyTerms>,
    /// The expected share of the year the control is in its intended state, with its managers
    /// in place (closed form, see [`Reliability`](crate::Reliability)); 1 without a
    /// reliability.
    #[serde(default = "one")]
    pub availability: f64,
    /// The mean efficacy on its lever (frequency if it has one, else magnitude) times coverage,
    /// with the lapses: `coverage × (availability × E[efficacy] + (1 − availability) ×
    /// E[variant efficacy])`; `None` for an insurance policy or a control that only manages.
    #[serde(default)]
    pub effective_efficacy: Option<f64>,
    /// How much the residual EAL rises for each day the control is out of its intended state,
    /// everything else as modelled: (residual EAL with it out all year − with it never out) /
    /// 365, on the same simulated years. For a control without a reliability, out means absent:
    /// its `eal_reduction` / 365.
    #[serde(default)]
    pub lapse_cost_per_day: f64,
}

fn one() -> f64 {
    1.0
}

impl ControlAnalysis {
    pub(crate) fn new(
        run: ControlRun,
        model: &Model,
        finance: Finance,
        seed: u64,
    ) -> Result<ControlAnalysis> {
        let controls = model.controls();
        let inherent_contributions = contributions::risk_contributions(model, &run.inherent_tail);
        let residual_contributions = contributions::risk_contributions(model, &run.residual_tail);
        let standalone_var99_sums = (
            contributions::standalone_sum(&run.inherent_tail),
            contributions::standalone_sum(&run.residual_tail),
        );
        let shocks = contributions::shock_losses(model, &run.shocks, &run.inherent_tail);
        let inherent = LossDistribution::from_sorted(run.inherent);
        let residual = LossDistribution::from_sorted(run.residual);
        let n = inherent.trials() as f64;
        let residual_var = residual.quantile(TAIL_P)?;
        let residual_tvar = residual.tail_mean(TAIL_P)?;
        let annual_costs: Vec<f64> = controls
            .iter()
            .map(|c| finance.annualized_cost(c.cost()))
            .collect();
        let availability = availabilities(model);
        let control_values = controls
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let marginal = &run.marginal[i];
                let standalone = &run.standalone[i];
                let (var_without, tvar_without) = run.tail_without[i];
                let annual_cost = annual_costs[i];
                ControlValue {
                    id: c.id().to_string(),
                    name: c.name().to_string(),
                    function: c.function(),
                    category: c.category(),
                    annual_cost,
                    eal_reduction: marginal.mean,
                    eal_reduction_se: (marginal.variance() / n).sqrt(),
                    standalone_reduction: standalone.mean,
                    standalone_reduction_se: (standalone.variance() / n).sqrt(),
                    rosi: finance::rosi(marginal.mean, annual_cost),
                    net_benefit: marginal.mean - annual_cost,
                    npv: finance.npv(c.cost(), marginal.mean),
                    irr: finance.irr(c.cost(), marginal.mean),
                    var99_reduction: var_without - residual_var,
                    tvar99_reduction: tvar_without - residual_tvar,
                    availability: availability[i],
                    effective_efficacy: c.frequency_efficacy().or(c.magnitude_efficacy()).map(
                        |e| {
                            let a = availability[i];
                            let variant = c.variant_efficacy().map_or(0.0, |v| v.mean());
                            c.coverage() * (a * e.mean() + (1.0 - a) * variant)
                        },
                    ),
                    lapse_cost_per_day: match &run.lapses {
                        Some(l) if c.reliability().is_some() => l.lapse[i] / n / YEAR_DAYS,
                        _ => marginal.mean / YEAR_DAYS,
                    },
                    transfer: c.transfer().map(PolicyTerms::from),
                }
            })
            .collect();
        // Shares as fractions of their own sum: equal to the total reduction up to rounding,
        // and unlike that difference of two means, free of cancellation when it is tiny.
        let shared: f64 = run.shapley.iter().sum();
        let functions = run
            .players
            .iter()
            .zip(&run.shapley)
            .map(|(&function, &sum)| FunctionShare {
                function,
                annual_cost: controls
                    .iter()
                    .zip(&annual_costs)
                    .filter(|(c, _)| c.function() == function)
                    .map(|(_, cost)| cost)
                    .sum(),
                eal_reduction: sum / n,
                share: (shared != 0.0).then(|| sum / shared),
            })
            .collect();
        let members = |key: &dyn Fn(&crate::model::Control) -> String, name: &str| {
            let mut ids = Vec::new();
            let mut cost = 0.0;
            for (c, a) in controls.iter().zip(&annual_costs) {
                if key(c) == name {
                    ids.push(c.id().to_string());
                    cost += a;
                }
            }
            (ids, cost)
        };
        let party_of = |c: &crate::model::Control| c.party().to_string();
        let parties = match &run.lapses {
            Some(l) => {
                let shared: f64 = l.parties.iter().map(|p| p.share).sum();
                l.parties
                    .iter()
                    .map(|p| {
                        let (ids, annual_cost) = members(&party_of, &p.name);
                        PartyShare {
                            party: p.name.clone(),
                            controls: ids,
                            annual_cost,
                            eal_reduction: p.share / n,
                            share: (shared != 0.0).then(|| p.share / shared),
                            // The mean of annual losses, never negative: the streamed
                            // difference can take the sum a few ulp below 0 when the lapsed
                            // controls remove more than the intended ones (a variant
                            // efficacy above the efficacy) and little loss is left.
                            eal_if_lapsed: (residual.expected_annual_loss()
                                + p.out_minus_residual.mean)
                                .max(0.0),
                            var99_if_lapsed: p.out_var,
                        }
                    })
                    .collect()
            }
            // A plain model: every control is the owner's, whose controls out means none.
            None => {
                let (ids, annual_cost) = members(&party_of, SELF_PARTY);
                let total: f64 = run.shapley.iter().sum();
                vec![PartyShare {
                    party: SELF_PARTY.to_string(),
                    controls: ids,
                    annual_cost,
                    eal_reduction: total / n,
                    share: (total != 0.0).then_some(1.0),
                    eal_if_lapsed: inherent.expected_annual_loss(),
                    var99_if_lapsed: inherent.quantile(TAIL_P)?,
                }]
            }
        };
        let groups = run
            .lapses
            .as_ref()
            .and_then(|l| l.groups.as_ref())
            .map(|groups| {
                let shared: f64 = groups.iter().map(|g| g.1).sum();
                let group_of =
                    |c: &crate::model::Control| c.group().unwrap_or(UNGROUPED).to_string();
                groups
                    .iter()
                    .map(|(name, sum)| {
                        let (ids, annual_cost) = members(&group_of, name);
                        GroupShare {
                            group: name.clone(),
                            controls: ids,
                            annual_cost,
                            eal_reduction: sum / n,
                            share: (shared != 0.0).then(|| sum / shared),
                        }
                    })
                    .collect()
            });
        let risks = model
            .risks()
            .iter()
            .zip(run.risks)
            .zip(run.residual_by_risk.iter().zip(&run.controlled))
            .map(|((risk, r), (&residual, &controlled))| RiskEffect {
                // A risk no control touches keeps its inherent figure (the two sums differ in
                // their order of additions only).
                residual_eal: if controlled { residual / n } else { r.mean },
                id: risk.id().to_string(),
                name: risk.name().to_string(),
                inherent_eal: r.mean,
                inherent_eal_se: r.standard_error,
            })
            .collect();
        Ok(ControlAnalysis {
            seed,
            finance,
            inherent,
            residual,
            risks,
            functions,
            controls: control_values,
            parties,
            groups,
            trial_losses: run.trial_losses,
            inherent_contributions,
            residual_contributions,
            standalone_var99_sums,
            shocks,
        })
    }

    /// The seed the simulation ran with.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The number of simulated years.
    pub fn trials(&self) -> usize {
        self.inherent.trials()
    }

    /// The horizon and discount rate behind annual costs and NPVs.
    pub fn finance(&self) -> &Finance {
        &self.finance
    }

    /// The annual loss without any control.
    pub fn inherent(&self) -> &LossDistribution {
        &self.inherent
    }

    /// The annual loss with every control.
    pub fn residual(&self) -> &LossDistribution {
        &self.residual
    }

    /// Each simulated year's inherent and residual annual loss, in trial order (year i of both
    /// slices is the same simulated year), when the analysis ran with
    /// [`SimulationOptions::record_trials`](crate::SimulationOptions::record_trials); `None`
    /// otherwise. Sorted, they are [`inherent`](Self::inherent)`().losses()` and
    /// [`residual`](Self::residual)`().losses()`; each residual year lies between 0 and its
    /// inherent year.
    pub fn trial_losses(&self) -> Option<(&[f64], &[f64])> {
        self.trial_losses
            .as_ref()
            .map(|(inherent, residual)| (inherent.as_slice(), residual.as_slice()))
    }

    /// Inherent EAL minus residual EAL: what all the controls remove together.
    pub fn total_reduction(&self) -> f64 {
        self.inherent.expected_annual_loss() - self.residual.expected_annual_loss()
    }

    /// Each risk's inherent and residual EAL, in the model's order.
    pub fn risks(&self) -> &[RiskEffect] {
        &self.risks
    }

    /// The Shapley share of each CSF function that has controls, in CSF order (Govern first).
    pub fn functions(&self) -> &[FunctionShare] {
        &self.functions
    }

    /// What each control is worth, in the model's order.
    pub fn controls(&self) -> &[ControlValue] {
        &self.controls
    }

    /// Checks the inherent and residual loss exceedance curves against `curve`, at its points.
    pub fn tolerance(&self, curve: &ToleranceCurve) -> ToleranceReport {
        ToleranceReport {
            inherent: curve.check(&self.inherent),
            residual: curve.check(&self.residual),
        }
    }

    /// Each party's (`operated_by`) Shapley share of the total reduction and its stress figures,
    /// in the order the parties first appear among the controls (one party, `self`, when no
    /// control names another).
    pub fn parties(&self) -> &[PartyShare] {
        &self.parties
    }

    /// Each group's Shapley share, when a control has a `group`.
    pub fn groups(&self) -> Option<&[GroupShare]> {
        self.groups.as_deref()
    }

    /// Each risk's share of the inherent VaR 99% and TVaR 99% (see [`TailContribution`]), in
    /// the model's order; the `tvar99` shares add up to the inherent TVaR 99%.
    pub fn inherent_contributions(&self) -> &[TailContribution] {
        &self.inherent_contributions
    }

    /// Each risk's share of the residual VaR 99% and TVaR 99%, from the loss each keeps after
    /// the controls in the same years.
    pub fn residual_contributions(&self) -> &[TailContribution] {
        &self.residual_contributions
    }

    /// The sums of the risks' stand-alone VaR 99% (inherent, residual): what the 1-in-100-year
    /// loss would be if every risk had its bad year at once. The portfolio's VaR 99% is below it
    /// when diversification works (VaR is not subadditive in general, so this is a check, not a
    /// theorem).
    pub fn standalone_var99_sums(&self) -> (f64, f64) {
        self.standalone_var99_sums
    }

    /// Each shock's expected annual loss and share of the inherent TVaR 99%, in the model's
    /// order.
    pub fn shocks(&self) -> &[ShockLoss] {
        &self.shocks
    }

    /// The value of the control with this id, if there is one.
    pub fn control(&self, id: &str) -> Option<&ControlValue> {
        self.controls.iter().find(|c| c.id == id)
    }
}

/// Per control: its expected availability with its managers in place (1 without a
/// reliability).
fn availabilities(model: &Model) -> Vec<f64> {
    model
        .controls()
        .iter()
        .map(|c| model.availability(c))
        .collect()
}

impl Model {
    /// Simulates `options.trial_count()` years without controls, with all of them and with every
    /// variant needed to value each control and each CSF function, all on the same simulated
    /// events, and values the controls over `finance`'s horizon.
    ///
    /// The inherent losses equal [`simulate`](Self::simulate)'s with the same options, bit for
    /// bit: controls draw from their own random streams, keyed by their ids, so adding or
    /// changing a control never moves the simulated events or another control's draws.
    ///
    /// # Errors
    /// As [`simulate`](Self::simulate); the work estimate counts the controls' draws and the
    /// insurance variants, and the memory is two loss vectors (inherent and residual, 16 bytes
    /// a year) plus, per control, the worst 2% of the years without it (for its tail figures,
    /// about 0.16 bytes a year per control), all reserved before the run starts.
    pub fn analyze(&self, options: SimulationOptions, finance: Finance) -> Result<ControlAnalysis> {
        self.analyze_with(options, finance, &Unwatched)
    }

    /// [`analyze`](Self::analyze), telling `monitor` of the progress and stopping when it says
    /// so (see [`Monitor`](crate::Monitor)).
    ///
    /// # Errors
    /// As [`analyze`](Self::analyze); [`Error::Cancelled`](crate::Error::Cancelled) if the
    /// monitor stopped the run.
    pub fn analyze_with(
        &self,
        options: SimulationOptions,
        finance: Finance,
        monitor: &dyn Monitor,
    ) -> Result<ControlAnalysis> {
        let run = control_run::run(
            self.risks(),
            self.controls(),
            self.dependence(),
            options,
            monitor,
        )?;
        ControlAnalysis::new(run, self, finance, options.seed())
    }
}
