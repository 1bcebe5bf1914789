//! An insurance policy's terms as the report carries them, so that a reader (and the loss
//! exceedance chart) can see the deductible and limits behind a transfer control's figures.

use serde::{Deserialize, Serialize};

use crate::model::transfer::Transfer;

/// The terms of a transfer control's insurance policy in the report (`controls[].transfer`, an
/// extension; `null` for a control that is not a transfer). The amounts are as the scenario
/// states them, in the report's currency; see [`Transfer`] for how the insurer pays.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PolicyTerms {
    /// The deductible, per event: the insured keeps the first `deductible` of each event's
    /// loss (after the coinsurance share).
    pub deductible: f64,
    /// The most the insurer pays for one event.
    pub occurrence_limit: f64,
    /// The most the insurer pays in one year, if capped (`null` when not).
    pub aggregate_limit: Option<f64>,
    /// The share of each loss the insured keeps, a fraction in [0, 1] (0.2 is 20%).
    pub coinsurance: f64,
}

impl From<&Transfer> for PolicyTerms {
    fn from(t: &Transfer) -> PolicyTerms {
        PolicyTerms {
            deductible: t.deductible(),
            occurrence_limit: t.occurrence_limit(),
            aggregate_limit: t.aggregate_limit(),
            coinsurance: t.coinsurance(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_are_the_policys() {
        let t = Transfer::new(250e3, 2e6)
            .unwrap()
            .with_aggregate_limit(3e6)
            .unwrap()
            .with_coinsurance(0.1)
            .unwrap();
        let terms = PolicyTerms::from(&t);
        assert_eq!(
            (
                terms.deductible,
                terms.occurrence_limit,
                terms.aggregate_limit,
                terms.coinsurance
            ),
            (250e3, 2e6, Some(3e6), 0.1)
        );
        let json = serde_json::to_string(&PolicyTerms::from(&Transfer::new(0.0, 1.0).unwrap()));
        assert_eq!(
            json.unwrap(),
            r#"{"deductible":0.0,"occurrence_limit":1.0,"aggregate_limit":null,"coinsurance":0.0}"#
        );
    }
}
