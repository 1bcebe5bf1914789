//! The phased plan: a start year (or never) per candidate that maximises the NPV of the loss
//! removed minus the cost over the horizon, within each year's cash budget.
//!
//! A candidate started in year t (1-based) pays its upfront cost at the start of year t (time
//! t − 1) and its annual cost at the end of every year from t on, and removes loss from year t
//! on; year y's loss removed is the baseline minus the closed-form residual EAL of the set
//! started by then (so interactions between candidates count: the kept shares multiply). With
//! discount factor v = 1 / (1 + r), as [`Finance::npv`](crate::Finance::npv) counts:
//!
//! ```text
//! NPV = Σ_y v^y (baseline − EAL(S_y) − annual(S_y)) − Σ_i v^(t_i − 1) upfront_i
//! spend(y) = annual(S_y) + Σ_{i: t_i = y} upfront_i  ≤  budget_y
//! ```
//!
//! Search: every assignment of (horizon + 1) choices per candidate, depth first, cutting a
//! branch as soon as a year's spend exceeds its budget (spend only grows down a branch), while
//! (horizon + 1)^candidates × horizon (assignments times the years each one evaluates) is at
//! most [`MAX_PHASED_EXACT`]; beyond, a local search from the empty plan (the best single
//! change of one candidate's start year, repeated while the NPV grows, at most twice the number
//! of candidates times), whose result is marked not exact.

use crate::engine::budget::ClosedForm;
use crate::error::{Error, Result};

/// The most work of the exact search, in assignments times years (3 × 4^11: eleven candidates
/// over a three-year horizon).
pub const MAX_PHASED_EXACT: f64 = 12_582_912.0;

/// The phased plan found.
#[derive(Clone, Debug, PartialEq)]
pub struct Phased {
    /// Per candidate: its start year (1-based), or `None` for never.
    pub start: Vec<Option<u32>>,
    /// The plan's NPV.
    pub npv: f64,
    /// Per year: the spend.
    pub spend: Vec<f64>,
    /// Per year: the residual EAL of the set in place that year.
    pub eal: Vec<f64>,
    /// Whether the search was exhaustive (the optimum), or the local search.
    pub exact: bool,
}

/// The plan's NPV, spend and EAL by year, or `None` if a year's spend exceeds its budget.
fn evaluate(
    form: &ClosedForm,
    start: &[Option<u32>],
    budgets: &[f64],
    rate: f64,
) -> Option<(f64, Vec<f64>, Vec<f64>)> {
    let v = 1.0 / (1.0 + rate);
    let baseline = form.baseline();
    let (mut npv, mut spend, mut eal) = (0.0, Vec::new(), Vec::new());
    for (y, &budget) in (1u32..).zip(budgets) {
        let set: Vec<usize> = (0..start.len())
            .filter(|&i| start[i].is_some_and(|t| t <= y))
            .collect();
        let annual: f64 = set.iter().map(|&i| form.items[i].annual).sum();
        let upfront: f64 = (0..start.len())
            .filter(|&i| start[i] == Some(y))
            .map(|i| form.items[i].upfront)
            .sum();
        let s = annual + upfront + 0.0;
        if s > budget {
            return None;
        }
        let residual = form.eal(&set);
        npv += v.powi(y as i32) * (baseline - residual - annual) - v.powi(y as i32 - 1) * upfront;
        spend.push(s);
        eal.push(residual);
    }
    Some((npv, spend, eal))
}

/// The best phased plan of `form`'s candidates under one cash budget per year, discounted at
/// `rate`.
///
/// # Errors
/// [`Error::InvalidParameter`] if `budgets` is empty.
pub fn phased(form: &ClosedForm, budgets: &[f64], rate: f64) -> Result<Phased> {
    if budgets.is_empty() {
        return Err(Error::invalid(
            "budget.phased.budgets",
            0.0,
            "one budget per year of the horizon",
        ));
    }
    let n = form.len();
    let h = budgets.len() as u32;
    let mut best = vec![None; n];
    let exact = ((h + 1) as f64).powi(n as i32) * f64::from(h) <= MAX_PHASED_EXACT;
    if exact {
        let mut start = vec![None; n];
        let mut spend = vec![0.0; budgets.len()];
        let mut best_npv = f64::NEG_INFINITY;
        search(
            form,
            budgets,
            rate,
            0,
            &mut start,
            &mut spend,
            &mut best,
            &mut best_npv,
        );
    } else {
        let mut npv = evaluate(form, &best, budgets, rate).map_or(f64::NEG_INFINITY, |e| e.0);
        for _ in 0..2 * n {
            let mut step: Option<(usize, Option<u32>, f64)> = None;
            for i in 0..n {
                for t in std::iter::once(None).chain((1..=h).map(Some)) {
                    if t == best[i] {
                        continue;
                    }
                    let mut trial = best.clone();
                    trial[i] = t;
                    if let Some((v, _, _)) = evaluate(form, &trial, budgets, rate)
                        && v > npv + 1e-9 * npv.abs().max(1.0)
                        && step.is_none_or(|(_, _, s)| v > s)
                    {
                        step = Some((i, t, v));
                    }
                }
            }
            let Some((i, t, v)) = step else { break };
            best[i] = t;
            npv = v;
        }
    }
    let (npv, spend, eal) =
        evaluate(form, &best, budgets, rate).unwrap_or((0.0, vec![0.0; budgets.len()], Vec::new()));
    Ok(Phased {
        start: best,
        npv,
        spend,
        eal,
        exact,
    })
}

/// Depth first over candidate `i`'s start year; `spend` holds the spend of the choices so far.
#[allow(clippy::too_many_arguments)]
fn search(
    form: &ClosedForm,
    budgets: &[f64],
    rate: f64,
    i: usize,
    start: &mut Vec<Option<u32>>,
    spend: &mut Vec<f64>,
    best: &mut Vec<Option<u32>>,
    best_npv: &mut f64,
) {
    if i == start.len() {
        if let Some((npv, _, _)) = evaluate(form, start, budgets, rate)
            && npv > *best_npv
        {
            *best_npv = npv;
            best.clone_from(start);
        }
        return;
    }
    let item = &form.items[i];
    // Never first, so that of equal plans the one that buys less is kept.
    start[i] = None;
    search(form, budgets, rate, i + 1, start, spend, best, best_npv);
    for t in 1..=budgets.len() {
        let before = spend.clone();
        let mut fits = true;
        for (y, s) in spend.iter_mut().enumerate().skip(t - 1) {
            *s += item.annual + if y == t - 1 { item.upfront } else { 0.0 };
            fits &= *s <= budgets[y];
        }
        if fits {
            start[i] = Some(t as u32);
            search(form, budgets, rate, i + 1, start, spend, best, best_npv);
        }
        *spend = before;
    }
    start[i] = None;
}
