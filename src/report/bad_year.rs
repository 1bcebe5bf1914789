//! "What makes up a bad year", as rows for the text report and the HTML page: each risk's mean
//! loss in the worst 1% of years (its share of TVaR 99%), inherent and residual, largest first
//! and the smaller risks summed on one line; each shock's EAL and tail share; and the
//! diversification (VaR 99% against the sum of the risks' own).

use crate::report::assessment::{Assessment, LossSummary};
use crate::report::text::{pct, pm, short};

/// The most risks listed; the rest are summed on one line.
const ROWS: usize = 8;

/// The section's heading.
pub(crate) const TITLE: &str = "What makes up a bad year: each risk's mean loss in the worst 1% of years (its share of TVaR 99%)";
/// The risks' table's columns.
pub(crate) const RISK_HEADER: [&str; 5] =
    ["risk", "inherent ± 1.96 SE", "share", "residual", "share"];
/// The shocks' table's heading and columns.
pub(crate) const SHOCKS_TITLE: &str =
    "shocks (their events, counted in the risks above; before controls)";
pub(crate) const SHOCK_HEADER: [&str; 4] = ["shock", "EAL ± 1.96 SE", "in TVaR 99%", "share"];

/// The section's rows, formatted.
pub(crate) struct BadYear {
    pub(crate) risks: Vec<Vec<String>>,
    pub(crate) shocks: Vec<Vec<String>>,
    /// One line per arm, inherent then residual.
    pub(crate) diversification: Vec<String>,
}

fn tvar(l: &LossSummary) -> f64 {
    l.tail_mean_at(0.99).map_or(0.0, |t| t.loss)
}

fn var(l: &LossSummary) -> f64 {
    l.quantile_at(0.99).map_or(0.0, |q| q.loss)
}

fn share(x: f64, total: f64) -> String {
    if total > 0.0 {
        pct(x / total)
    } else {
        String::new()
    }
}

impl BadYear {
    /// The rows of `a`; `None` for a report stored before tail contributions existed.
    pub(crate) fn of(a: &Assessment) -> Option<BadYear> {
        let (inherent, residual) = (a.inherent(), a.residual());
        if inherent.contributions.is_empty() {
            return None;
        }
        let (ti, tr) = (tvar(inherent), tvar(residual));
        let mut order: Vec<usize> = (0..inherent.contributions.len()).collect();
        order.sort_by(|&i, &j| {
            inherent.contributions[j]
                .tvar99
                .total_cmp(&inherent.contributions[i].tvar99)
                .then(i.cmp(&j))
        });
        let residual_of = |i: usize| residual.contributions.get(i).map_or(0.0, |c| c.tvar99);
        let mut risks: Vec<Vec<String>> = order
            .iter()
            .take(ROWS)
            .map(|&i| {
                let c = &inherent.contributions[i];
                vec![
                    c.risk.clone(),
                    pm(c.tvar99, c.tvar99_se),
                    share(c.tvar99, ti),
                    short(residual_of(i)),
                    share(residual_of(i), tr),
                ]
            })
            .collect();
        if order.len() > ROWS {
            let rest = &order[ROWS..];
            let (x, y): (f64, f64) = rest.iter().fold((0.0, 0.0), |(x, y), &i| {
                (x + inherent.contributions[i].tvar99, y + residual_of(i))
            });
            risks.push(vec![
                format!("{} other risks", rest.len()),
                short(x),
                share(x, ti),
                short(y),
                share(y, tr),
            ]);
        }
        risks.push(vec![
            "TVaR 99% (all risks)".to_string(),
            short(ti),
            String::new(),
            short(tr),
            String::new(),
        ]);
        let shocks = a
            .shocks()
            .iter()
            .map(|s| {
                vec![
                    s.id.clone(),
                    pm(s.eal, s.eal_se),
                    short(s.tvar99),
                    share(s.tvar99, ti),
                ]
            })
            .collect();
        let diversification = [("inherent", inherent), ("residual", residual)]
            .into_iter()
            .map(|(arm, l)| {
                let (v, sum) = (var(l), l.standalone_var99_sum);
                let benefit = if sum > 0.0 {
                    format!(" (diversification {})", pct(1.0 - v / sum))
                } else {
                    String::new()
                };
                format!(
                    "{arm}: VaR 99% {} against {} for the risks' own VaR 99% summed{benefit}",
                    short(v),
                    short(sum)
                )
            })
            .collect();
        Some(BadYear {
            risks,
            shocks,
            diversification,
        })
    }
}
