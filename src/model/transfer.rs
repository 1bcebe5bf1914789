//! Transfer: an insurance policy's terms, and what it pays for one event and for one year.

use crate::check;
use crate::error::Result;

/// The terms of an insurance policy (a transfer control): what the insurer pays per event and
/// per year.
///
/// For each event with loss `x` (after the other controls), the insurer pays
///
/// ```text
/// recovery(x) = min( max(0, (1 − coinsurance) x − deductible), occurrence_limit )
/// ```
///
/// and over a year it pays the sum of the recoveries, capped at the aggregate limit if there is
/// one: the limit erodes claim by claim, and once it is used up the policy pays nothing more
/// that year (the rest of the loss goes to the next policy, if any, or stays with the insured).
/// The deductible is per event; the coinsurance share is the part of each loss the insured
/// keeps. The premium is the control's annual cost, not part of the terms.
///
/// # Example
///
/// The worked example of the domain guide (§8): deductible 250k, occurrence limit 2M, aggregate
/// limit 3M, three events of 1.5M, 3M and 0.1M. The insurer pays 1.25M + 2M + 0 = 3.25M, capped
/// at 3M, so the insured keeps 1.6M of the 4.6M.
///
/// ```
/// use csfquant::Transfer;
/// let policy = Transfer::new(250e3, 2e6)?.with_aggregate_limit(3e6)?;
/// let events = [1.5e6, 3e6, 0.1e6];
/// assert_eq!(policy.recovery(1.5e6), 1.25e6);
/// assert_eq!(policy.annual_recovery(&events), 3e6);
/// assert_eq!(events.iter().sum::<f64>() - policy.annual_recovery(&events), 1.6e6);
/// Ok::<(), csfquant::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Transfer {
    deductible: f64,
    occurrence_limit: f64,
    aggregate_limit: Option<f64>,
    coinsurance: f64,
}

impl Transfer {
    /// A policy with this per-event deductible and occurrence limit, no aggregate limit and no
    /// coinsurance.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`](crate::Error::InvalidParameter) unless `deductible` is a finite number `>= 0` and
    /// `occurrence_limit` a finite number `> 0`.
    pub fn new(deductible: f64, occurrence_limit: f64) -> Result<Transfer> {
        Ok(Transfer {
            deductible: check::non_negative("deductible", deductible)?,
            occurrence_limit: check::positive("occurrence_limit", occurrence_limit)?,
            aggregate_limit: None,
            coinsurance: 0.0,
        })
    }

    /// Caps the insurer's payments over one year.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`](crate::Error::InvalidParameter) unless `limit` is a finite number `> 0`.
    pub fn with_aggregate_limit(self, limit: f64) -> Result<Transfer> {
        Ok(Transfer {
            aggregate_limit: Some(check::positive("aggregate_limit", limit)?),
            ..self
        })
    }

    /// Sets the share of each loss the insured keeps.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`](crate::Error::InvalidParameter) unless `share` is in `[0, 1]`.
    pub fn with_coinsurance(self, share: f64) -> Result<Transfer> {
        Ok(Transfer {
            coinsurance: check::unit_interval("coinsurance", share, "a share in [0, 1]")?,
            ..self
        })
    }

    /// The per-event deductible.
    pub fn deductible(&self) -> f64 {
        self.deductible
    }

    /// The most the insurer pays for one event.
    pub fn occurrence_limit(&self) -> f64 {
        self.occurrence_limit
    }

    /// The most the insurer pays in one year, if capped.
    pub fn aggregate_limit(&self) -> Option<f64> {
        self.aggregate_limit
    }

    /// The share of each loss the insured keeps.
    pub fn coinsurance(&self) -> f64 {
        self.coinsurance
    }

    /// What the insurer pays for one event with loss `loss`, before the aggregate limit.
    #[inline]
    pub fn recovery(&self, loss: f64) -> f64 {
        let covered = (1.0 - self.coinsurance) * loss - self.deductible;
        // Plain compare-and-select (`maxsd`, `minsd`; vectorisable): losses are never NaN, so
        // `f64::max`'s NaN handling would only cost instructions in the engine's inner loop.
        let covered = if covered > 0.0 { covered } else { 0.0 };
        if covered < self.occurrence_limit {
            covered
        } else {
            self.occurrence_limit
        }
    }

    /// What the insurer pays over a year with these event losses, in this order: each event's
    /// recovery, within what remains of the aggregate limit. For one policy the total is the
    /// sum of the recoveries capped at the aggregate limit, whatever the order.
    pub fn annual_recovery(&self, losses: &[f64]) -> f64 {
        let mut paid = 0.0;
        for &x in losses {
            self.pay(x, &mut paid);
        }
        paid
    }

    /// What the insurer pays for an event with loss `loss` when it has already paid
    /// `paid_this_year`: the recovery, cut to what remains of the aggregate limit (the limit
    /// erodes claim by claim). Adds the payment to `paid_this_year`.
    #[inline]
    pub(crate) fn pay(&self, loss: f64, paid_this_year: &mut f64) -> f64 {
        let mut r = self.recovery(loss);
        if let Some(limit) = self.aggregate_limit {
            let room = limit - *paid_this_year;
            if r > room {
                r = if room > 0.0 { room } else { 0.0 };
            }
        }
        *paid_this_year += r;
        r
    }

    /// The smallest event loss the policy pays anything for (`+inf` when the insured keeps
    /// everything): events at or below it recover nothing under any combination of controls,
    /// since controls only ever lower a loss.
    pub(crate) fn attachment(&self) -> f64 {
        let share = 1.0 - self.coinsurance;
        if share > 0.0 {
            self.deductible / share
        } else {
            f64::INFINITY
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;

    #[test]
    fn recovery_follows_deductible_limit_and_coinsurance() {
        let p = Transfer::new(100.0, 1_000.0).unwrap();
        assert_eq!(p.recovery(50.0), 0.0);
        assert_eq!(p.recovery(100.0), 0.0);
        assert_eq!(p.recovery(600.0), 500.0);
        assert_eq!(p.recovery(5_000.0), 1_000.0);
        let p = p.with_coinsurance(0.2).unwrap();
        // 0.8 x 600 - 100 = 380.
        assert!((p.recovery(600.0) - 380.0).abs() < 1e-9);
        assert_eq!(p.attachment(), 125.0);
        assert_eq!(p.recovery(125.0), 0.0);
        let all_kept = p.with_coinsurance(1.0).unwrap();
        assert_eq!(all_kept.recovery(1e12), 0.0);
        assert_eq!(all_kept.attachment(), f64::INFINITY);
    }

    #[test]
    fn aggregate_limit_caps_the_year() {
        let p = Transfer::new(0.0, 10.0).unwrap();
        assert_eq!(p.annual_recovery(&[8.0, 8.0, 8.0]), 24.0);
        let p = p.with_aggregate_limit(20.0).unwrap();
        assert_eq!(p.annual_recovery(&[8.0, 8.0, 8.0]), 20.0);
        assert_eq!(p.annual_recovery(&[]), 0.0);
    }

    #[test]
    fn bad_terms_are_errors_naming_the_term() {
        let msg = |e: Error| e.to_string();
        assert_eq!(
            msg(Transfer::new(-1.0, 10.0).unwrap_err()),
            "invalid deductible: -1 (expected a finite number >= 0)"
        );
        assert!(msg(Transfer::new(0.0, 0.0).unwrap_err()).contains("occurrence_limit"));
        assert!(msg(Transfer::new(0.0, f64::INFINITY).unwrap_err()).contains("occurrence_limit"));
        let p = Transfer::new(0.0, 1.0).unwrap();
        assert!(msg(p.with_aggregate_limit(f64::NAN).unwrap_err()).contains("aggregate_limit"));
        assert!(msg(p.with_coinsurance(1.5).unwrap_err()).contains("coinsurance"));
    }
}
