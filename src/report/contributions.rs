//! What makes up a bad year: each risk's share of the portfolio's VaR 99% and TVaR 99%, the
//! sum of the risks' stand-alone VaR 99%, and each shock's expected and tail loss.

use serde::{Deserialize, Serialize};

use crate::engine::contributions::Tail;
use crate::engine::simulate::RiskEstimate;
use crate::model::Model;

/// One risk's share of the 1-in-100-year loss (Euler allocation).
///
/// `tvar99` is the mean loss of the risk in the years at or above the portfolio's VaR 99%
/// (the worst 1% of years, the year at the boundary shared), so the risks' `tvar99` add up to
/// the portfolio's TVaR 99% (to rounding); `tvar99_se` is its standard error as a mean over
/// those years (it leaves out the VaR's own uncertainty). `var99` is `tvar99` scaled by
/// VaR 99% / TVaR 99%, so the risks' `var99` add up to VaR 99%.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TailContribution {
    /// The risk's id.
    pub risk: String,
    /// Its share of VaR 99%.
    pub var99: f64,
    /// Its share of TVaR 99%: its mean loss in the worst 1% of years.
    pub tvar99: f64,
    /// The standard error of `tvar99`.
    pub tvar99_se: f64,
}

/// A shock's expected annual loss and its share of the inherent TVaR 99% (before controls:
/// the losses of the events it causes, which are also counted in the risks it hits).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ShockLoss {
    /// The shock's id.
    pub id: String,
    /// The mean annual loss of the events it causes.
    pub eal: f64,
    /// The standard error of `eal` (extension).
    pub eal_se: f64,
    /// Its mean loss in the worst 1% of years (inherent).
    pub tvar99: f64,
}

/// `x`, or `f64::MAX` where a sum of squares (or of huge losses) overflowed: a report carries
/// only finite figures, and a run whose losses are finite must not be refused for its
/// contributions' spread.
fn finite(x: f64) -> f64 {
    if x.is_nan() {
        f64::MAX
    } else {
        x.clamp(-f64::MAX, f64::MAX)
    }
}

/// The risks' contributions from a run's tail.
pub(crate) fn risk_contributions(model: &Model, tail: &Tail) -> Vec<TailContribution> {
    if tail.tvar_by_column.is_empty() {
        return Vec::new(); // left out: beyond MAX_CONTRIBUTION_BYTES
    }
    model
        .risks()
        .iter()
        .enumerate()
        .map(|(i, risk)| TailContribution {
            risk: risk.id().to_string(),
            var99: finite(tail.var_share(i)),
            tvar99: finite(tail.tvar_by_column[i].0),
            tvar99_se: finite(tail.tvar_by_column[i].1),
        })
        .collect()
}

/// The sum of the risks' own VaR 99%.
pub(crate) fn standalone_sum(tail: &Tail) -> f64 {
    finite(tail.standalone_var.iter().sum())
}

/// Each shock's figures from the run's estimates and the inherent tail.
pub(crate) fn shock_losses(
    model: &Model,
    estimates: &[RiskEstimate],
    tail: &Tail,
) -> Vec<ShockLoss> {
    let n_risks = model.risks().len();
    model
        .shocks()
        .iter()
        .zip(estimates)
        .enumerate()
        .map(|(k, (shock, e))| ShockLoss {
            id: shock.id().to_string(),
            eal: finite(e.mean),
            eal_se: finite(e.standard_error),
            // 0 when the run left its contributions out (MAX_CONTRIBUTION_BYTES).
            tvar99: finite(tail.tvar_by_column.get(n_risks + k).map_or(0.0, |c| c.0)),
        })
        .collect()
}
