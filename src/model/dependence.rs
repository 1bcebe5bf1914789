//! Dependence between risks: the model's shocks and frailties, validated against its risks,
//! and the closed-form moments they add.

use std::collections::{HashMap, HashSet};

use crate::error::{Error, Result};
use crate::model::frailty::Frailty;
use crate::model::risk::Risk;
use crate::model::shock::Shock;

/// The most shocks, and the most frailties, a model accepts (each is one more random stream
/// and one more draw a year).
pub(crate) const MAX_SHOCKS: usize = 256;

/// A model's shocks and frailties, with the risks resolved to indices.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Dependence {
    pub(crate) shocks: Vec<Shock>,
    /// Per shock: (risk index, probability) of each hit.
    pub(crate) shock_hits: Vec<Vec<(usize, f64)>>,
    pub(crate) frailties: Vec<Frailty>,
    /// Per frailty: the indices of its risks, in model order.
    pub(crate) frailty_risks: Vec<Vec<usize>>,
}

impl Dependence {
    /// Whether the model has neither shocks nor frailties (then it simulates as before, bit
    /// for bit).
    pub(crate) fn is_empty(&self) -> bool {
        self.shocks.is_empty() && self.frailties.is_empty()
    }

    /// Validates `shocks` against `risks`.
    pub(crate) fn resolve_shocks(
        risks: &[Risk],
        shocks: &[Shock],
    ) -> Result<Vec<Vec<(usize, f64)>>> {
        if shocks.len() > MAX_SHOCKS {
            return Err(Error::TooManyEntries {
                list: "shocks",
                max: MAX_SHOCKS,
            });
        }
        let index = risk_index(risks);
        let mut ids = HashSet::new();
        shocks
            .iter()
            .map(|shock| {
                if !ids.insert(shock.id()) {
                    return Err(Error::DuplicateId {
                        kind: "shock id",
                        id: shock.id().to_string(),
                    });
                }
                let mut seen = HashSet::new();
                shock
                    .hit_list()
                    .iter()
                    .map(|hit| {
                        let &r =
                            index
                                .get(hit.risk())
                                .ok_or_else(|| Error::UnknownDependentRisk {
                                    kind: "shock",
                                    id: shock.id().to_string(),
                                    risk: hit.risk().to_string(),
                                })?;
                        if !seen.insert(r) {
                            return Err(Error::RepeatedDependentRisk {
                                kind: "shock",
                                id: shock.id().to_string(),
                                risk: hit.risk().to_string(),
                                rule: "one hit per risk",
                            });
                        }
                        Ok((r, hit.probability()))
                    })
                    .collect()
            })
            .collect()
    }

    /// Validates `frailties` against `risks`: known ids, each risk in at most one frailty, and
    /// a frequency the factor can scale.
    pub(crate) fn resolve_frailties(
        risks: &[Risk],
        frailties: &[Frailty],
    ) -> Result<Vec<Vec<usize>>> {
        if frailties.len() > MAX_SHOCKS {
            return Err(Error::TooManyEntries {
                list: "frailties",
                max: MAX_SHOCKS,
            });
        }
        let index = risk_index(risks);
        let mut ids = HashSet::new();
        let mut owner: HashMap<usize, &str> = HashMap::new();
        frailties
            .iter()
            .map(|frailty| {
                if !ids.insert(frailty.id()) {
                    return Err(Error::DuplicateId {
                        kind: "frailty id",
                        id: frailty.id().to_string(),
                    });
                }
                let members: Vec<usize> = match frailty.risk_ids() {
                    None => (0..risks.len()).collect(),
                    Some(list) => list
                        .iter()
                        .map(|id| {
                            index.get(id.as_str()).copied().ok_or_else(|| {
                                Error::UnknownDependentRisk {
                                    kind: "frailty",
                                    id: frailty.id().to_string(),
                                    risk: id.clone(),
                                }
                            })
                        })
                        .collect::<Result<_>>()?,
                };
                for &r in &members {
                    if owner.insert(r, frailty.id()).is_some() {
                        return Err(Error::RepeatedDependentRisk {
                            kind: "frailty",
                            id: frailty.id().to_string(),
                            risk: risks[r].id().to_string(),
                            rule: "a risk belongs to at most one frailty",
                        });
                    }
                    if let Some(kind) = risks[r].frequency().rate_scaling_refusal() {
                        return Err(Error::FrailtyCannotScale {
                            frailty: frailty.id().to_string(),
                            risk: risks[r].id().to_string(),
                            kind,
                        });
                    }
                }
                let mut members = members;
                members.sort_unstable();
                Ok(members)
            })
            .collect()
    }

    /// Per risk: the frailty variance acting on it (0 for none).
    fn frailty_variance_of(&self, n_risks: usize) -> Vec<(Option<usize>, f64)> {
        let mut out = vec![(None, 0.0); n_risks];
        for (f, (frailty, members)) in self.frailties.iter().zip(&self.frailty_risks).enumerate() {
            for &r in members {
                out[r] = (Some(f), frailty.variance());
            }
        }
        out
    }

    /// Each risk's expected annual loss counting the events shocks cause in it:
    /// `E[N_r] E[X_r] + Σ_shocks E[M] p_r E[X_r]` (before controls; a frailty leaves it alone).
    pub(crate) fn risk_eal(&self, risks: &[Risk]) -> Vec<f64> {
        let mut eal: Vec<f64> = risks.iter().map(Risk::expected_annual_loss).collect();
        for (shock, hits) in self.shocks.iter().zip(&self.shock_hits) {
            let occurrences = shock.frequency().mean();
            for &(r, p) in hits {
                eal[r] += occurrences * p * risks[r].magnitude().mean();
            }
        }
        eal
    }

    /// Each risk's expected annual number of events: its frequency's mean plus, per shock
    /// hitting it, the shock's mean occurrences times the hit probability (a frailty, of mean 1,
    /// leaves it unchanged).
    pub(crate) fn risk_event_rates(&self, risks: &[Risk]) -> Vec<f64> {
        let mut rates: Vec<f64> = risks.iter().map(|r| r.frequency().mean()).collect();
        for (shock, hits) in self.shocks.iter().zip(&self.shock_hits) {
            let occurrences = shock.frequency().mean();
            for &(r, p) in hits {
                rates[r] += occurrences * p;
            }
        }
        rates
    }

    /// Each shock's expected annual loss, `E[M] Σ_r p_r E[X_r]` (before controls).
    pub(crate) fn shock_eal(&self, risks: &[Risk]) -> Vec<f64> {
        self.shocks
            .iter()
            .zip(&self.shock_hits)
            .map(|(shock, hits)| {
                let per_occurrence: f64 = hits
                    .iter()
                    .map(|&(r, p)| p * risks[r].magnitude().mean())
                    .sum();
                shock.frequency().mean() * per_occurrence
            })
            .collect()
    }

    /// `Cov(L_r, L_s)` of two risks' annual losses in closed form (`Var[L_r]` for r = s): each
    /// risk's own compound variance with its frailty, the frailty's covariance
    /// `v E[L_r] E[L_s]`, and each shock's terms (see [`Shock`]).
    pub(crate) fn covariance(&self, risks: &[Risk], r: usize, s: usize) -> f64 {
        let frailty = self.frailty_variance_of(risks.len());
        let mut cov = 0.0;
        if r == s {
            let risk = &risks[r];
            let (ex, vx) = (risk.magnitude().mean(), risk.magnitude().variance());
            let f = risk.frequency();
            if f.mean() > 0.0 {
                let var_n = f.variance() + frailty[r].1 * f.rate_second_moment();
                cov += f.mean() * vx + var_n * ex * ex;
            }
        } else if frailty[r].0.is_some() && frailty[r].0 == frailty[s].0 {
            cov += frailty[r].1 * risks[r].expected_annual_loss() * risks[s].expected_annual_loss();
        }
        for (shock, hits) in self.shocks.iter().zip(&self.shock_hits) {
            let (m, var_m) = (shock.frequency().mean(), shock.frequency().variance());
            let hit = |i: usize| hits.iter().find(|h| h.0 == i).map(|h| h.1);
            let (Some(pr), Some(ps)) = (hit(r), hit(s)) else {
                continue;
            };
            if pr == 0.0 || ps == 0.0 {
                continue;
            }
            let (xr, xs) = (risks[r].magnitude(), risks[s].magnitude());
            if r == s {
                if m > 0.0 {
                    let ex = xr.mean();
                    let ex2 = xr.variance() + ex * ex;
                    cov += m * (pr * ex2 - pr * pr * ex * ex) + var_m * pr * pr * ex * ex;
                }
            } else {
                cov += var_m * pr * ps * xr.mean() * xs.mean();
            }
        }
        cov
    }

    /// The variance of the portfolio's annual loss: Σ_r Σ_s Cov(L_r, L_s), in
    /// O(risks + hits² + frailty members) rather than O(risks²).
    pub(crate) fn portfolio_variance(&self, risks: &[Risk]) -> f64 {
        let frailty = self.frailty_variance_of(risks.len());
        let mut total = 0.0;
        // Own terms, with the frailty's extra count variance.
        for (risk, &(_, v)) in risks.iter().zip(&frailty) {
            let f = risk.frequency();
            if f.mean() > 0.0 {
                let (ex, vx) = (risk.magnitude().mean(), risk.magnitude().variance());
                total += f.mean() * vx + (f.variance() + v * f.rate_second_moment()) * ex * ex;
            }
        }
        // Frailty cross terms: v ((Σ μ)² − Σ μ²).
        for (frailty, members) in self.frailties.iter().zip(&self.frailty_risks) {
            let mu: Vec<f64> = members
                .iter()
                .map(|&r| risks[r].expected_annual_loss())
                .collect();
            let sum: f64 = mu.iter().sum();
            let sum_sq: f64 = mu.iter().map(|m| m * m).sum();
            total += frailty.variance() * (sum * sum - sum_sq);
        }
        // Each shock's compound variance: E[M] Var[Y] + Var[M] E[Y]².
        for (shock, hits) in self.shocks.iter().zip(&self.shock_hits) {
            let (m, var_m) = (shock.frequency().mean(), shock.frequency().variance());
            if m == 0.0 {
                continue;
            }
            let (mut ey, mut var_y) = (0.0, 0.0);
            for &(r, p) in hits.iter().filter(|h| h.1 > 0.0) {
                let x = risks[r].magnitude();
                let ex = x.mean();
                ey += p * ex;
                var_y += p * (x.variance() + ex * ex) - p * p * ex * ex;
            }
            total += m * var_y + var_m * ey * ey;
        }
        total
    }
}

fn risk_index(risks: &[Risk]) -> HashMap<&str, usize> {
    risks.iter().enumerate().map(|(i, r)| (r.id(), i)).collect()
}
