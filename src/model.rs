//! A model: the portfolio of risks to simulate together.

use std::collections::HashSet;

use crate::error::{Error, Result};
use crate::report::SimulationReport;
use crate::risk::Risk;
use crate::simulate::{self, SimulationOptions};

/// A validated portfolio of risks with unique ids, ready to simulate.
///
/// Risks are independent of one another by construction (see the crate documentation for how
/// the pooled Poisson stream keeps them so).
///
/// # Example
/// ```
/// use csfquant::{Frequency, Magnitude, Model, Risk, SimulationOptions};
/// let model = Model::new(vec![
///     Risk::new("ransomware", Frequency::poisson(0.5)?, Magnitude::lognormal_ci90(1e4, 1e6)?)?,
///     Risk::new("ddos", Frequency::poisson(2.0)?, Magnitude::lognormal_ci90(5e3, 2e5)?)?,
/// ])?;
/// let report = model.simulate(SimulationOptions::new(7).trials(20_000))?;
/// let eal = report.portfolio().expected_annual_loss();
/// let se = report.portfolio().standard_error();
/// assert!((eal - model.expected_annual_loss()).abs() < 5.0 * se);
/// Ok::<(), csfquant::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    risks: Vec<Risk>,
}

impl Model {
    /// A model of these risks.
    ///
    /// # Errors
    /// [`Error::Empty`] if there is no risk; [`Error::DuplicateId`] if two risks share an id.
    pub fn new(risks: Vec<Risk>) -> Result<Model> {
        if risks.is_empty() {
            return Err(Error::Empty { name: "risks" });
        }
        let mut seen = HashSet::with_capacity(risks.len());
        for risk in &risks {
            if !seen.insert(risk.id()) {
                return Err(Error::DuplicateId {
                    kind: "risk id",
                    id: risk.id().to_string(),
                });
            }
        }
        Ok(Model { risks })
    }

    /// The risks, in the order given.
    pub fn risks(&self) -> &[Risk] {
        &self.risks
    }

    /// The risk with this id, if there is one.
    pub fn risk(&self, id: &str) -> Option<&Risk> {
        self.risks.iter().find(|r| r.id() == id)
    }

    /// The analytic expected annual loss of the portfolio: the sum of the risks' `E[N] E[X]`.
    #[doc(alias = "EAL")]
    pub fn expected_annual_loss(&self) -> f64 {
        self.risks.iter().map(Risk::expected_annual_loss).sum()
    }

    /// The analytic variance of the portfolio's annual loss: the sum of the risks' variances
    /// (they are independent).
    pub fn annual_loss_variance(&self) -> f64 {
        self.risks.iter().map(Risk::annual_loss_variance).sum()
    }

    /// The analytic standard deviation of the portfolio's annual loss.
    pub fn annual_loss_std_dev(&self) -> f64 {
        self.annual_loss_variance().sqrt()
    }

    /// Simulates `options.trial_count()` years and returns the loss statistics.
    ///
    /// The result depends only on the model, the seed and the trial count: it is bit-identical on
    /// any number of threads and with or without the `parallel` feature.
    ///
    /// # Errors
    /// [`Error::NoTrials`] or [`Error::TooManyTrials`] for a bad trial count;
    /// [`Error::TooMuchWork`] if the run would need more than
    /// [`MAX_EXPECTED_DRAWS`](crate::MAX_EXPECTED_DRAWS) random draws; [`Error::OutOfMemory`] if the
    /// loss vector cannot be allocated; [`Error::NonFiniteLoss`] if an annual loss overflows f64.
    pub fn simulate(&self, options: SimulationOptions) -> Result<SimulationReport> {
        simulate::simulate(&self.risks, options)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Frequency, Magnitude};

    fn risk(id: &str) -> Risk {
        Risk::new(
            id,
            Frequency::poisson(1.0).unwrap(),
            Magnitude::lognormal(0.0, 1.0).unwrap(),
        )
        .unwrap()
    }

    #[test]
    fn empty_and_duplicate_portfolios_are_errors() {
        assert_eq!(Model::new(vec![]), Err(Error::Empty { name: "risks" }));
        let e = Model::new(vec![risk("a"), risk("b"), risk("a")]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "duplicate risk id \"a\" (ids must be unique)"
        );
    }

    #[test]
    fn lookup_by_id() {
        let m = Model::new(vec![risk("a"), risk("b")]).unwrap();
        assert_eq!(m.risk("b").map(Risk::id), Some("b"));
        assert!(m.risk("c").is_none());
    }
}
