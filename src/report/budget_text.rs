//! The budget report as text: the frontier as an aligned table, the chosen sets, the
//! Gordon-Loeb context.

use std::fmt;

use crate::engine::budget::Objective;
use crate::report::budget::{BudgetReport, Var99};
use crate::report::text::{Align, pm, short, table};

use Align::{Left, Right};

fn var(v: &Var99) -> String {
    format!(
        "{} [{}, {}]",
        short(v.loss),
        short(v.ci95[0]),
        short(v.ci95[1])
    )
}

/// The figure an objective ranks sets by.
fn figure(objective: Objective) -> &'static str {
    match objective {
        Objective::Var99 => "VaR99",
        Objective::Tvar99 => "TVaR99",
        _ => "EAL",
    }
}

fn list(ids: &[String]) -> String {
    if ids.is_empty() {
        "-".into()
    } else {
        ids.join(" ")
    }
}

impl fmt::Display for BudgetReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}: control budget", self.scenario)?;
        writeln!(
            f,
            "  {} candidates, objective {}, {} search; {} simulated years, seed {}; amounts in {} a year",
            self.candidates.len(),
            self.objective.name(),
            self.search,
            short(self.trials as f64),
            self.seed,
            self.currency
        )?;
        let tail = matches!(self.objective, Objective::Var99 | Objective::Tvar99);
        if tail {
            writeln!(
                f,
                "  tail objective: every set is ranked by its {} on the same simulated years ({})",
                figure(self.objective),
                if self.search == "exact" {
                    "every set within the upfront cap evaluated"
                } else {
                    "a local search from the EAL frontier's sets, not proven"
                }
            )?;
        }
        let b = &self.baseline;
        writeln!(
            f,
            "  baseline (in place: {}): EAL {}, VaR99 {}, TVaR99 {}",
            list(&b.controls),
            pm(b.eal, b.eal_se),
            var(&b.var99),
            short(b.tvar99)
        )?;

        writeln!(
            f,
            "\nCandidates, each alone on top of the in-place controls"
        )?;
        let rows: Vec<Vec<String>> = self
            .candidates
            .iter()
            .map(|c| {
                vec![
                    c.id.clone(),
                    short(c.annual_cost),
                    short(c.upfront),
                    pm(c.standalone_reduction, c.standalone_reduction_se),
                    short(c.net_benefit),
                ]
            })
            .collect();
        table(
            f,
            &["candidate", "cost", "upfront", "EAL cut ± 1.96 SE", "net"],
            &[Left, Right, Right, Right, Right],
            &rows,
        )?;

        writeln!(
            f,
            "\nFrontier: every set no other beats on both cost and residual {}, cheapest first",
            figure(self.objective)
        )?;
        let rows: Vec<Vec<String>> = self
            .frontier
            .iter()
            .map(|p| {
                vec![
                    short(p.annual_cost),
                    pm(p.eal, p.eal_se),
                    short(p.eal_reduction),
                    short(p.net_benefit),
                    var(&p.var99),
                    short(p.tvar99),
                    if p.exact { "yes" } else { "no" }.into(),
                    list(&p.controls),
                ]
            })
            .collect();
        table(
            f,
            &[
                "cost",
                "EAL ± 1.96 SE",
                "EAL cut",
                "net",
                "VaR99 [95% CI]",
                "TVaR99",
                "exact",
                "candidates",
            ],
            &[Right, Right, Right, Right, Right, Right, Left, Left],
            &rows,
        )?;
        if tail {
            writeln!(
                f,
                "  cost: annual + upfront spread over the horizon as an annuity. exact: proven best for\n  \
                 its cost on the scenario's simulated years (the exact tail search); the EAL is the\n  \
                 closed form where no insurance is involved, otherwise simulated."
            )?;
        } else {
            writeln!(
                f,
                "  cost: annual + upfront spread over the horizon as an annuity. exact: proven best for\n  \
                 its cost by the closed form (no insurance on the risks involved); otherwise the EAL is\n  \
                 simulated on the scenario's years and the search's ranking an estimate."
            )?;
        }

        if !self.choices.is_empty() {
            writeln!(
                f,
                "\nThe best set for each budget ({})",
                self.objective.name()
            )?;
            let rows: Vec<Vec<String>> = self
                .choices
                .iter()
                .map(|c| {
                    let mut change = Vec::new();
                    change.extend(c.added.iter().map(|id| format!("+{id}")));
                    change.extend(c.removed.iter().map(|id| format!("-{id}")));
                    vec![
                        short(c.budget),
                        short(c.annual_cost),
                        pm(c.eal, c.eal_se),
                        var(&c.var99),
                        if c.exact { "yes" } else { "no" }.into(),
                        list(&c.controls),
                        list(&change),
                    ]
                })
                .collect();
            table(
                f,
                &[
                    "budget",
                    "cost",
                    "EAL ± 1.96 SE",
                    "VaR99 [95% CI]",
                    "exact",
                    "candidates",
                    "change",
                ],
                &[Right, Right, Right, Right, Left, Left, Left],
                &rows,
            )?;
            for c in &self.choices {
                if let Some(g) = c.guarantee {
                    writeln!(
                        f,
                        "  at {}: greedy set, proven to remove at least {:.1}% of what the best set removes",
                        short(c.budget),
                        100.0 * g
                    )?;
                }
            }
        }

        if !self.plans.is_empty() {
            writeln!(
                f,
                "\nPlans compared, each against the best set costing no more ({})",
                self.objective.name()
            )?;
            let rows: Vec<Vec<String>> = self
                .plans
                .iter()
                .map(|p| {
                    vec![
                        p.name.clone(),
                        short(p.annual_cost),
                        pm(p.eal, p.eal_se),
                        var(&p.var99),
                        list(&p.best_same_cost.controls),
                        short(p.best_same_cost.eal),
                        match p.gap_se {
                            Some(se) => pm(p.gap, se),
                            None => short(p.gap),
                        },
                        list(&p.controls),
                    ]
                })
                .collect();
            table(
                f,
                &[
                    "plan",
                    "cost",
                    "EAL ± 1.96 SE",
                    "VaR99 [95% CI]",
                    "best set, same cost",
                    "its EAL",
                    "gap",
                    "candidates",
                ],
                &[Left, Right, Right, Right, Left, Right, Right, Left],
                &rows,
            )?;
            if self.plans.iter().any(|p| p.eal_se > 0.0) {
                writeln!(
                    f,
                    "  Simulated EALs here come from the paired estimator (per-event expectations,\n  \
                     then control variates on the event counts). They agree with the frontier's\n  \
                     plain figures within those figures' SE, with far smaller SEs of their own,\n  \
                     and their differences are the gaps."
                )?;
            }
            if !self.comparisons.is_empty() {
                writeln!(
                    f,
                    "\n  Pairs, on the same simulated years (a − b; the SE is the paired one)"
                )?;
                let rows: Vec<Vec<String>> = self
                    .comparisons
                    .iter()
                    .map(|c| {
                        vec![
                            c.a.clone(),
                            c.b.clone(),
                            pm(c.eal_difference, c.se),
                            short(c.var99_difference),
                            format!("{:.1}%", 100.0 * c.probability_a_lower),
                        ]
                    })
                    .collect();
                table(
                    f,
                    &["a", "b", "EAL a − b", "VaR99 a − b", "years a lower"],
                    &[Left, Left, Right, Right, Right],
                    &rows,
                )?;
            }
        }

        if let Some(p) = &self.phased {
            writeln!(
                f,
                "\nPhased plan: what to start in which year, within each year's cash budget (NPV {}{})",
                short(p.npv),
                if p.exact { "" } else { ", an estimate" }
            )?;
            let rows: Vec<Vec<String>> = p
                .years
                .iter()
                .map(|y| {
                    vec![
                        y.year.to_string(),
                        short(y.spend),
                        short(y.eal),
                        list(&y.start),
                    ]
                })
                .collect();
            table(
                f,
                &["year", "spend", "EAL", "start"],
                &[Right, Right, Right, Left],
                &rows,
            )?;
        }

        if !self.gordon_loeb.is_empty() && !self.choices.is_empty() {
            writeln!(
                f,
                "\nGordon-Loeb: the bound on worthwhile spend per risk (expected loss / e) next to the\n\
                 spend of the set at the largest budget (each cost split by the loss removed)"
            )?;
            let rows: Vec<Vec<String>> = self
                .gordon_loeb
                .iter()
                .map(|g| {
                    vec![
                        g.risk.clone(),
                        short(g.expected_loss),
                        short(g.bound),
                        short(g.spend),
                        if g.spend > g.bound { "above" } else { "" }.into(),
                    ]
                })
                .collect();
            table(
                f,
                &["risk", "expected loss", "bound", "spend", ""],
                &[Left, Right, Right, Right, Left],
                &rows,
            )?;
        }
        Ok(())
    }
}
