//! The candidate controls of a model, each valued on top of the in-place set: what `assess`
//! lists besides the model as it is.

use serde::{Deserialize, Serialize};

use crate::csf::Function;
use crate::engine::monitor::Monitor;
use crate::engine::set_run::{self, Portfolio};
use crate::engine::simulate::SimulationOptions;
use crate::error::Result;
use crate::model::Model;
use crate::model::control::Control;
use crate::model::finance::Finance;

/// What one candidate control would add to the in-place controls, alone.
///
/// `standalone_reduction` is the residual EAL of the in-place controls minus that of the
/// in-place controls and this candidate, both from one simulation (common random numbers: the
/// candidate draws from its own stream, so the in-place arm's years are the model's), with the
/// standard error of that paired difference.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CandidateValue {
    /// The candidate's id.
    pub id: String,
    /// Its name (the id when none was given).
    pub name: String,
    /// Its CSF function.
    pub function: Function,
    /// Annual cost plus the upfront cost spread over the horizon as an annuity.
    pub annual_cost: f64,
    /// The upfront cost.
    pub upfront: f64,
    /// The EAL it removes on top of the in-place controls.
    pub standalone_reduction: f64,
    /// The Monte Carlo standard error of `standalone_reduction`.
    pub standalone_reduction_se: f64,
    /// `standalone_reduction − annual_cost`.
    pub net_benefit: f64,
}

/// `model` with every candidate in place (the in-place controls, then the candidates), and for
/// each set of candidates (indices into [`Model::candidates`]) its mask over those controls:
/// the in-place controls and the set's candidates. What set_run.rs evaluates.
///
/// # Errors
/// As [`Model::with_candidates_in_place`].
pub(crate) fn on_top(model: &Model, sets: &[Vec<usize>]) -> Result<(OnTop, Vec<Vec<bool>>)> {
    let all: Vec<usize> = (0..model.candidates().len()).collect();
    let combined = model.with_candidates_in_place(&all)?;
    let in_place = model.controls().len();
    let mut masks = Vec::with_capacity(sets.len());
    for set in sets {
        let mut mask = vec![false; combined.controls().len()];
        mask[..in_place].fill(true);
        for &k in set {
            mask[in_place + k] = true;
        }
        masks.push(mask);
    }
    Ok((OnTop(combined), masks))
}

/// The model with every candidate in place, as set_run.rs takes it: its risks with its shocks
/// and frailties, and its controls.
pub(crate) struct OnTop(Model);

impl OnTop {
    /// The risks, with the model's shocks and frailties.
    pub(crate) fn risks(&self) -> Portfolio<'_> {
        Portfolio::from(&self.0)
    }

    /// The in-place controls, then the candidates.
    pub(crate) fn controls(&self) -> &[Control] {
        self.0.controls()
    }
}

/// Each candidate of `model` valued alone on top of the in-place controls, all in one
/// simulation (set_run.rs): the in-place set and the in-place set with each candidate, on the
/// same years and the same control draws as the model's own analysis with the same options.
///
/// # Errors
/// As [`Model::analyze`].
pub(crate) fn candidate_values(
    model: &Model,
    options: SimulationOptions,
    finance: Finance,
    monitor: &dyn Monitor,
) -> Result<Vec<CandidateValue>> {
    let candidates = model.candidates();
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    let sets: Vec<Vec<usize>> = std::iter::once(Vec::new())
        .chain((0..candidates.len()).map(|k| vec![k]))
        .collect();
    let (combined, sets) = on_top(model, &sets)?;
    let pairs: Vec<(usize, usize)> = (1..sets.len()).map(|k| (0, k)).collect();
    let run = set_run::run(
        combined.risks(),
        combined.controls(),
        &sets,
        &pairs,
        set_run::Paired::Off,
        0,
        options,
        monitor,
    )?;
    let values = candidates
        .iter()
        .zip(&run.pairs)
        .map(|(candidate, pair)| {
            let removed = pair.difference;
            let reduction = removed.mean;
            let se = (removed.variance() / removed.n.max(1.0)).sqrt();
            let annual_cost = finance.annualized_cost(candidate.cost());
            CandidateValue {
                id: candidate.id().to_string(),
                name: candidate.name().to_string(),
                function: candidate.function(),
                annual_cost,
                upfront: candidate.cost().upfront(),
                standalone_reduction: reduction,
                standalone_reduction_se: se,
                net_benefit: reduction - annual_cost,
            }
        })
        .collect();
    Ok(values)
}
