//! The exact Pareto frontier (annualised cost vs residual EAL) of up to [`MAX_EXACT`]
//! candidates, by depth-first branch and bound.
//!
//! The search walks the binary tree of "take candidate i or not", candidates in order of their
//! stand-alone reduction per unit cost (good sets early make the pruning bite), keeping one row
//! of per-risk residual EALs per depth (the product stacks: taking candidate i multiplies the
//! rows of its risks by its kept shares). At every node it knows a **lower bound** on the EAL of
//! any set below it: the EAL if every remaining candidate were taken (each candidate only lowers
//! the loss), `Σ_r cur_r Π_{j ≥ i} k_{j,r}` from per-risk suffix products. Taking candidate i
//! leaves that bound unchanged; leaving it costs one pass over the risks. A node is cut when a
//! point already on the frontier costs no more than the node's set and has an EAL no higher
//! than the node's bound: every set below costs at least as much and does no better. Nodes
//! above the budget cap or the upfront cap are cut too.
//!
//! The result is proven optimal: every set is either visited or cut by that argument, so the
//! frontier is the one brute force over all 2^n subsets gives (the tests check it).

use crate::engine::budget::closed_form::ClosedForm;
use crate::engine::budget::frontier::Staircase;
use crate::error::{Error, Result};

/// The most candidates the exact search takes: 2^30 subsets is the worst case it may visit.
pub const MAX_EXACT: usize = 30;

/// Caps on the sets searched.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Caps {
    /// The most annualised cost a set may have (`None`: no cap, the whole frontier).
    pub annual: Option<f64>,
    /// The most upfront cost a set may have.
    pub upfront: Option<f64>,
}

/// The exact frontier of `form`'s candidates within `caps`, in cost order (the first point is
/// the empty set, whose cost is 0).
///
/// # Errors
/// [`Error::TooManyCandidates`] above [`MAX_EXACT`] candidates.
pub(crate) fn exact_frontier(form: &ClosedForm, caps: Caps) -> Result<Staircase> {
    let n = form.len();
    if n > MAX_EXACT {
        return Err(Error::TooManyCandidates {
            count: n,
            max: MAX_EXACT,
        });
    }
    let risks = form.base.len();
    let baseline = form.baseline();
    // Search order: stand-alone reduction per unit of cost, best first (free ones first).
    let mut order: Vec<usize> = (0..n).collect();
    let gain = |i: usize| baseline - form.eal(&[i]);
    let ratio = |i: usize| {
        let c = form.items[i].cost;
        if c > 0.0 { gain(i) / c } else { f64::INFINITY }
    };
    order.sort_by(|&a, &b| ratio(b).total_cmp(&ratio(a)).then(a.cmp(&b)));

    // Dense kept shares per (depth, risk) and their suffix products.
    let mut kept = vec![1.0; n * risks];
    for (d, &i) in order.iter().enumerate() {
        for &(r, k) in &form.items[i].effects {
            kept[d * risks + r] = k;
        }
    }
    let mut suffix = vec![1.0; (n + 1) * risks];
    for d in (0..n).rev() {
        for r in 0..risks {
            suffix[d * risks + r] = suffix[(d + 1) * risks + r] * kept[d * risks + r];
        }
    }
    let additive: Vec<f64> = order.iter().map(|&i| form.items[i].additive).collect();
    let mut additive_suffix = vec![0.0; n + 1];
    for d in (0..n).rev() {
        additive_suffix[d] = additive_suffix[d + 1] + additive[d].max(0.0);
    }

    let mut search = Search {
        form,
        order: &order,
        risks,
        suffix: &suffix,
        additive: &additive,
        additive_suffix: &additive_suffix,
        stack: vec![0.0; (n + 1) * risks],
        caps,
        slack: 1e-12 * baseline.abs(),
        frontier: Staircase::default(),
    };
    search.stack[..risks].copy_from_slice(&form.base);
    search.frontier.insert(0.0, baseline, 0);
    let bound = dot(&form.base, &suffix[..risks]) - additive_suffix[0];
    search.visit(0, 0.0, 0.0, baseline, 0.0, bound, 0);
    Ok(search.frontier)
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

struct Search<'a> {
    form: &'a ClosedForm,
    order: &'a [usize],
    risks: usize,
    suffix: &'a [f64],
    additive: &'a [f64],
    additive_suffix: &'a [f64],
    /// Row d: the per-risk EAL of the set at depth d.
    stack: Vec<f64>,
    caps: Caps,
    /// Rounding room for the bound (sums in another order may differ in the last digits).
    slack: f64,
    frontier: Staircase,
}

impl Search<'_> {
    /// Whether no set below a node with this cost and EAL bound can join the frontier.
    fn cut(&self, cost: f64, bound: f64) -> bool {
        self.frontier
            .best_within(cost)
            .is_some_and(|eal| eal <= bound - self.slack)
    }

    /// The node at depth `d` with the set `bits` (in candidate indices), its cost, upfront,
    /// EAL (`eal`, of which `taken_additive` is the policies' additive part) and bound.
    #[allow(clippy::too_many_arguments)]
    fn visit(
        &mut self,
        d: usize,
        cost: f64,
        upfront: f64,
        eal: f64,
        taken_additive: f64,
        bound: f64,
        bits: u64,
    ) {
        if d == self.order.len() {
            return;
        }
        let risks = self.risks;
        let item = &self.form.items[self.order[d]];
        // Take candidate d.
        let cost_in = cost + item.cost;
        let upfront_in = upfront + item.upfront;
        let fits = self.caps.annual.is_none_or(|cap| cost_in <= cap)
            && self.caps.upfront.is_none_or(|cap| upfront_in <= cap);
        if fits {
            let (row, next) = self.stack.split_at_mut((d + 1) * risks);
            let row = &row[d * risks..];
            let next = &mut next[..risks];
            next.copy_from_slice(row);
            let mut removed = 0.0;
            for &(r, k) in &item.effects {
                removed += row[r] * (1.0 - k);
                next[r] = row[r] * k;
            }
            let a = self.additive[d];
            let eal_in = eal - removed - a;
            let bits_in = bits | (1 << self.order[d]);
            self.frontier.insert(cost_in, eal_in, bits_in);
            // Same bound, but a policy whose estimate is negative was counted at 0.
            let bound_in = bound + a.max(0.0) - a;
            if !self.cut(cost_in, bound_in) {
                self.visit(
                    d + 1,
                    cost_in,
                    upfront_in,
                    eal_in,
                    taken_additive + a,
                    bound_in,
                    bits_in,
                );
            }
        }
        // Leave candidate d: the bound loses its kept shares.
        let row = &self.stack[d * risks..(d + 1) * risks];
        let bound_out = dot(row, &self.suffix[(d + 1) * risks..(d + 2) * risks])
            - taken_additive
            - self.additive_suffix[d + 1];
        if !self.cut(cost, bound_out) {
            // The next row is this one: copy it down.
            let (row, next) = self.stack.split_at_mut((d + 1) * risks);
            next[..risks].copy_from_slice(&row[d * risks..]);
            self.visit(d + 1, cost, upfront, eal, taken_additive, bound_out, bits);
        }
    }
}
