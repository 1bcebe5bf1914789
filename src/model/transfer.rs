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
/// # Excess layers: the attachment point
///
/// A policy of a tower may attach at a ground-up loss `a` ([`with_attachment`](Self::with_attachment)):
/// it pays on the part of the event's **ground-up** loss `g` (the loss after the other controls,
/// before any policy pays) above `a`, never more than what the earlier policies left (`y`):
///
/// ```text
/// recovery(g, y) = min( max(0, (1 − coinsurance) (g − a) − deductible), occurrence_limit, y )
/// ```
///
/// So a layer "5M xs 1M" (attachment 1M, occurrence limit 5M, no deductible) pays
/// `min(max(0, g − 1M), 5M)` whatever the layers below it pay, and a gap below its attachment
/// that no policy covers stays with the insured. Without an attachment a policy pays on what
/// the earlier policies left, `y`, as the formula above with `g = y` and `a = 0` (the cap `y`
/// never binds then).
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
    /// The ground-up loss per event at which the policy starts to pay (an excess layer).
    attachment: Option<f64>,
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
            attachment: None,
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

    /// Makes the policy an excess layer attaching at this ground-up loss per event (see the
    /// type's documentation).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`](crate::Error::InvalidParameter) unless `attachment` is a
    /// finite number `>= 0`.
    pub fn with_attachment(self, attachment: f64) -> Result<Transfer> {
        Ok(Transfer {
            attachment: Some(check::non_negative("attachment", attachment)?),
            ..self
        })
    }

    /// The ground-up loss per event at which the policy starts to pay, if it is an excess layer.
    pub fn attachment(&self) -> Option<f64> {
        self.attachment
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

    /// What the insurer pays for one event with loss `loss`, before the aggregate limit, when
    /// it is the only policy (`loss` is then both the ground-up loss and what is left).
    #[inline]
    pub fn recovery(&self, loss: f64) -> f64 {
        self.layer_recovery(loss, loss)
    }

    /// What the insurer pays for one event of ground-up loss `ground_up` of which the earlier
    /// policies left `remaining`, before the aggregate limit (see the type's documentation).
    #[inline]
    pub fn layer_recovery(&self, ground_up: f64, remaining: f64) -> f64 {
        let Some(attachment) = self.attachment else {
            return self.primary_recovery(remaining);
        };
        let excess = ground_up - attachment;
        let covered = (1.0 - self.coinsurance) * excess - self.deductible;
        let covered = if covered > 0.0 { covered } else { 0.0 };
        covered.min(self.occurrence_limit).min(remaining)
    }

    /// The recovery of a policy without an attachment on a loss `loss`.
    #[inline]
    fn primary_recovery(&self, loss: f64) -> f64 {
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
            self.pay(x, x, &mut paid);
        }
        paid
    }

    /// What the insurer pays for an event of ground-up loss `ground_up` of which the earlier
    /// policies left `loss` when it has already paid `paid_this_year`: the recovery, cut to
    /// what remains of the aggregate limit (the limit erodes claim by claim). Adds the payment
    /// to `paid_this_year`.
    #[inline]
    pub(crate) fn pay(&self, ground_up: f64, loss: f64, paid_this_year: &mut f64) -> f64 {
        let mut r = self.layer_recovery(ground_up, loss);
        if let Some(limit) = self.aggregate_limit {
            let room = limit - *paid_this_year;
            if r > room {
                r = if room > 0.0 { room } else { 0.0 };
            }
        }
        *paid_this_year += r;
        r
    }

    /// The smallest ground-up event loss the policy pays anything for (`+inf` when the insured
    /// keeps everything): events at or below it recover nothing under any combination of
    /// controls, since controls only ever lower a loss (and earlier policies only lower what
    /// is left).
    pub(crate) fn first_paying_loss(&self) -> f64 {
        let share = 1.0 - self.coinsurance;
        if share > 0.0 {
            self.attachment.unwrap_or(0.0) + self.deductible / share
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
        assert_eq!(p.first_paying_loss(), 125.0);
        assert_eq!(p.recovery(125.0), 0.0);
        let all_kept = p.with_coinsurance(1.0).unwrap();
        assert_eq!(all_kept.recovery(1e12), 0.0);
        assert_eq!(all_kept.first_paying_loss(), f64::INFINITY);
    }

    #[test]
    fn an_excess_layer_pays_above_its_attachment_on_the_ground_up_loss() {
        // "5M xs 1M": attachment 1M, occurrence limit 5M, no deductible.
        let layer = Transfer::new(0.0, 5e6)
            .unwrap()
            .with_attachment(1e6)
            .unwrap();
        assert_eq!(layer.attachment(), Some(1e6));
        assert_eq!(layer.recovery(0.8e6), 0.0);
        assert_eq!(layer.recovery(1e6), 0.0);
        assert_eq!(layer.recovery(3e6), 2e6);
        assert_eq!(layer.recovery(9e6), 5e6);
        assert_eq!(layer.first_paying_loss(), 1e6);
        // Below a primary "1M xs 250k" (deductible 250k, limit 750k) of a 3M loss, the primary
        // pays 750k and leaves 2.25M; the excess layer pays 3M - 1M = 2M of it, on the
        // ground-up loss: the insured keeps 250k.
        let primary = Transfer::new(250e3, 750e3).unwrap();
        let x = 3e6;
        let first = primary.recovery(x);
        assert_eq!(first, 750e3);
        assert_eq!(layer.layer_recovery(x, x - first), 2e6);
        assert_eq!(x - first - layer.layer_recovery(x, x - first), 250e3);
        // Overlapping layers never pay more than is left.
        let low = Transfer::new(0.0, 5e6)
            .unwrap()
            .with_attachment(0.0)
            .unwrap();
        assert_eq!(low.layer_recovery(3e6, 0.5e6), 0.5e6);
        // Deductible and coinsurance apply to the excess: 0.8 (3M - 1M) - 100k = 1.5M.
        let shared = Transfer::new(100e3, 5e6)
            .unwrap()
            .with_coinsurance(0.2)
            .unwrap()
            .with_attachment(1e6)
            .unwrap();
        assert!((shared.recovery(3e6) - 1.5e6).abs() < 1e-6);
        assert_eq!(shared.first_paying_loss(), 1e6 + 125e3);
        // An aggregate limit erodes as for a primary policy: 2M + 2M of a 3M limit.
        let capped = layer.with_aggregate_limit(3e6).unwrap();
        assert_eq!(capped.annual_recovery(&[3e6, 3e6]), 3e6);
        assert!(
            Transfer::new(0.0, 1.0)
                .unwrap()
                .with_attachment(-1.0)
                .is_err()
        );
        assert!(
            Transfer::new(0.0, 1.0)
                .unwrap()
                .with_attachment(f64::NAN)
                .is_err()
        );
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
