//! Beyond [`MAX_EXACT`](super::exact::MAX_EXACT) candidates: the modified greedy search, with
//! its guarantee.
//!
//! The loss removed by a set, `F(S) = Σ_r base_r (1 − Π_{c ∈ S on r} k_{c,r})` (plus the
//! policies' additive estimates), is monotone and submodular: each term is one minus a product
//! of factors in [0, 1], the probability of a union. Under a budget on the sum of costs (a
//! knapsack constraint) the **modified greedy** of Khuller, Moss and Naor (1999) — add the
//! candidate with the largest gain per unit cost among those that still fit, skipping those
//! that do not, until none adds anything; then keep the better of that set and the best single
//! candidate that fits — removes at least `½ (1 − 1/e) ≈ 0.316` of what the optimum removes
//! (Krause and Guestrin 2005, for any monotone submodular function). That a-priori bound holds
//! with the budget alone; with an upfront cap as well (two knapsacks) only the data-dependent
//! bound below holds.
//!
//! The data-dependent bound (Leskovec et al. 2007): by submodularity the optimum removes at
//! most `F(S) + Σ_{j ∈ OPT \ S} δ_j(S)`, where `δ_j(S)` is the gain of adding j to the greedy
//! set S, and that sum is at most the best fractional knapsack of the gains within the budget.
//! So `F(S) / (F(S) + that knapsack)` is a proven lower bound on how close S is, usually far
//! tighter than 0.316; the report gives it.

use crate::engine::budget::closed_form::ClosedForm;
use crate::engine::budget::exact::Caps;

/// The a-priori guarantee of the modified greedy under a budget: `½ (1 − 1/e)`.
pub const GREEDY_GUARANTEE: f64 = 0.5 * (1.0 - 1.0 / std::f64::consts::E);

/// A set found by the modified greedy, with what is proven about it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct GreedyChoice {
    /// The candidates, in increasing index order.
    pub(crate) set: Vec<usize>,
    /// Its residual EAL (closed form).
    pub(crate) eal: f64,
    /// A proven lower bound on (loss removed by the set) / (loss removed by the best set within
    /// the caps): the data-dependent bound, and at least [`GREEDY_GUARANTEE`] without an
    /// upfront cap.
    pub(crate) guarantee: f64,
}

/// The modified greedy within `caps` (no annual cap: every candidate may join).
pub(crate) fn modified_greedy(form: &ClosedForm, caps: Caps) -> GreedyChoice {
    let n = form.len();
    let budget = caps.annual.unwrap_or(f64::INFINITY);
    let upfront_cap = caps.upfront.unwrap_or(f64::INFINITY);
    let baseline = form.baseline();
    let fits = |set: &[usize], i: usize| {
        form.cost(set) + form.items[i].cost <= budget
            && form.upfront(set) + form.items[i].upfront <= upfront_cap
    };
    let mut set: Vec<usize> = Vec::new();
    let mut risk_eal = form.risk_eal(&[]);
    let mut taken = vec![false; n];
    loop {
        let mut best: Option<(f64, f64, usize)> = None; // (ratio, gain, i)
        for (i, &done) in taken.iter().enumerate() {
            if done || !fits(&set, i) {
                continue;
            }
            let g = gain(form, &risk_eal, i);
            if g <= 0.0 {
                continue;
            }
            let c = form.items[i].cost;
            let ratio = if c > 0.0 { g / c } else { f64::INFINITY };
            if best.is_none_or(|(r, bg, _)| ratio > r || (ratio == r && g > bg)) {
                best = Some((ratio, g, i));
            }
        }
        let Some((_, _, i)) = best else { break };
        taken[i] = true;
        set.push(i);
        for &(r, k) in &form.items[i].effects {
            risk_eal[r] *= k;
        }
    }
    set.sort_unstable();
    let mut eal = form.eal(&set);
    // The best single candidate that fits.
    if let Some(single) = (0..n)
        .filter(|&i| fits(&[], i))
        .min_by(|&a, &b| form.eal(&[a]).total_cmp(&form.eal(&[b])))
    {
        let single_eal = form.eal(&[single]);
        if single_eal < eal {
            set = vec![single];
            eal = single_eal;
        }
    }
    let removed = baseline - eal;
    let risk_eal = form.risk_eal(&set);
    let mut gains: Vec<(f64, f64)> = (0..n)
        .filter(|i| !set.contains(i))
        .map(|i| (gain(form, &risk_eal, i).max(0.0), form.items[i].cost))
        .filter(|&(g, _)| g > 0.0)
        .collect();
    // Fractional knapsack of the gains, best ratio first.
    gains.sort_by(|a, b| (b.0 * a.1).total_cmp(&(a.0 * b.1)));
    let mut room = budget;
    let mut extra = 0.0;
    for (g, c) in gains {
        if c <= room {
            extra += g;
            room -= c;
        } else {
            extra += g * room / c;
            break;
        }
    }
    let data_bound = if removed + extra > 0.0 {
        (removed / (removed + extra)).clamp(0.0, 1.0)
    } else {
        1.0
    };
    let guarantee = if caps.upfront.is_none() {
        data_bound.max(GREEDY_GUARANTEE)
    } else {
        data_bound
    };
    GreedyChoice {
        set,
        eal,
        guarantee,
    }
}

/// The EAL candidate `i` removes from a set whose per-risk EALs are `risk_eal`.
fn gain(form: &ClosedForm, risk_eal: &[f64], i: usize) -> f64 {
    let item = &form.items[i];
    item.effects
        .iter()
        .map(|&(r, k)| risk_eal[r] * (1.0 - k))
        .sum::<f64>()
        + item.additive
}

/// The chain of greedy sets without a budget (best gain per unit cost first, each set the one
/// before plus one candidate), within the upfront cap: the frontier beyond the exact search's
/// reach. Each point is (set, cost, EAL).
pub(crate) fn greedy_chain(form: &ClosedForm, caps: Caps) -> Vec<(Vec<usize>, f64, f64)> {
    let n = form.len();
    let upfront_cap = caps.upfront.unwrap_or(f64::INFINITY);
    let mut set: Vec<usize> = Vec::new();
    let mut risk_eal = form.risk_eal(&[]);
    let mut chain = vec![(Vec::new(), 0.0, form.eal(&[]))];
    let mut taken = vec![false; n];
    loop {
        let mut best: Option<(f64, usize)> = None;
        for (i, &done) in taken.iter().enumerate() {
            if done || form.upfront(&set) + form.items[i].upfront > upfront_cap {
                continue;
            }
            if caps
                .annual
                .is_some_and(|b| form.cost(&set) + form.items[i].cost > b)
            {
                continue;
            }
            let g = gain(form, &risk_eal, i);
            if g <= 0.0 {
                continue;
            }
            let c = form.items[i].cost;
            let ratio = if c > 0.0 { g / c } else { f64::INFINITY };
            if best.is_none_or(|(r, _)| ratio > r) {
                best = Some((ratio, i));
            }
        }
        let Some((_, i)) = best else { break };
        taken[i] = true;
        set.push(i);
        for &(r, k) in &form.items[i].effects {
            risk_eal[r] *= k;
        }
        let mut sorted = set.clone();
        sorted.sort_unstable();
        let (cost, eal) = (form.cost(&sorted), form.eal(&sorted));
        chain.push((sorted, cost, eal));
    }
    chain
}
