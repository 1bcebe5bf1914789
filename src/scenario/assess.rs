//! Locating the errors of [`Scenario::assess`] in the scenario: the engine names no path (it
//! knows risks and controls, not a file), so a failure is traced back here to the risk, the
//! control or the key that caused it, where that can be told.

use crate::error::Error;
use crate::report::ControlAnalysis;
use crate::scenario::Scenario;

/// The error at `path` of the scenario (a scenario has no file name once read).
fn at(path: String, error: Error) -> Error {
    Error::InvalidScenario {
        file: String::new(),
        path,
        source: Box::new(error),
    }
}

/// An error of the control analysis, located where the scenario can tell.
pub(super) fn locate_run(scenario: &Scenario, error: Error) -> Error {
    let risks = scenario.model().risks();
    match error {
        Error::TooManyTrials { .. } | Error::NoTrials => at("simulation.trials".into(), error),
        // The budget search of a scenario without candidates: nothing to choose from.
        Error::Empty {
            name: "candidate controls",
        } => at("controls".into(), error),
        Error::TooMuchWork { .. } => {
            // The work is about one draw per simulated event, plus one count a year for a risk
            // that draws its own (any but a fixed-rate Poisson, which share one count).
            let events: Vec<f64> = risks.iter().map(|r| r.frequency().mean()).collect();
            let path = dominant(&events).map_or_else(|| "simulation".into(), risk_path);
            at(path, error)
        }
        Error::NonFiniteLoss => {
            let eal: Vec<f64> = risks.iter().map(|r| r.expected_annual_loss()).collect();
            let path = dominant(&eal).map_or_else(String::new, risk_path);
            at(path, error)
        }
        // Not a mistake in the scenario (memory, a cancelled run), or one already located.
        error => error,
    }
}

fn risk_path(index: usize) -> String {
    format!("risks[{index}]")
}

/// The index of the part that makes up more than half of the total of `shares` (each `>= 0`;
/// an infinite or NaN share counts as all of it, the first such one winning), if any.
fn dominant(shares: &[f64]) -> Option<usize> {
    if let Some(i) = shares.iter().position(|x| !x.is_finite()) {
        return Some(i);
    }
    let (i, largest) = shares
        .iter()
        .copied()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(&b.1))?;
    // The total of finite shares may overflow: compare without adding them all up.
    let rest: f64 = shares
        .iter()
        .enumerate()
        .filter(|&(j, _)| j != i)
        .map(|(_, &x)| x / 2.0)
        .sum();
    (largest / 2.0 > rest).then_some(i)
}

/// Which risk and which control of a report has the first non-finite figure, found before the
/// report is built from (and takes) the analysis.
pub(super) struct FigureOwners {
    risk: Option<usize>,
    control: Option<usize>,
}

impl FigureOwners {
    pub(super) fn of(analysis: &ControlAnalysis) -> FigureOwners {
        let finite = |xs: &[f64]| xs.iter().all(|x| x.is_finite());
        let risk = analysis
            .risks()
            .iter()
            .position(|r| !finite(&[r.inherent_eal, r.inherent_eal_se, r.residual_eal]));
        let control = analysis.controls().iter().position(|c| {
            !finite(&[
                c.annual_cost,
                c.eal_reduction,
                c.eal_reduction_se,
                c.standalone_reduction,
                c.standalone_reduction_se,
                c.rosi.unwrap_or(0.0),
                c.net_benefit,
                c.npv,
                c.irr.unwrap_or(0.0),
                c.var99_reduction,
                c.tvar99_reduction,
            ])
        });
        FigureOwners { risk, control }
    }

    /// A non-finite figure of one risk or control at `risks[i]` or `controls[i]`; any other
    /// error as it is.
    pub(super) fn locate(&self, error: Error) -> Error {
        let owner = match &error {
            Error::NonFiniteFigure { key, .. } if key.starts_with("risks[]") => {
                self.risk.map(risk_path)
            }
            Error::NonFiniteFigure { key, .. } if key.starts_with("controls[]") => {
                self.control.map(|i| format!("controls[{i}]"))
            }
            _ => None,
        };
        match owner {
            Some(path) => at(path, error),
            None => error,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::dominant;

    #[test]
    fn a_part_dominates_beyond_half_the_total() {
        assert_eq!(dominant(&[1.0, 3.0]), Some(1));
        assert_eq!(dominant(&[1.0, 1.0]), None);
        assert_eq!(dominant(&[1.0, 1.0, 1.0]), None);
        assert_eq!(dominant(&[f64::MAX, f64::MAX / 4.0]), Some(0));
        assert_eq!(dominant(&[1.0, f64::INFINITY, f64::NAN]), Some(1));
        assert_eq!(dominant(&[]), None);
        assert_eq!(dominant(&[0.0]), None);
    }
}
