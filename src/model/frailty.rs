//! A frailty: a "bad year" factor shared by several risks' rates.

use crate::error::{Error, Result};
use crate::model::risk::validate_id;

/// A common factor on the event rates of a group of risks: each simulated year draws one
/// `G ~ Gamma(shape 1/v, scale v)` (mean 1, variance v) and multiplies the listed risks'
/// rates by it. The expected annual loss is unchanged; the counts become positively
/// correlated.
///
/// What it does to each frequency kind (N | G is the kind with its rate times G):
///
/// - **Poisson** (rate λ): `N | G ~ Poisson(Gλ)`, a negative binomial; `Var[N] = λ + vλ²`.
/// - **Uncertain-rate Poisson** and **negative binomial** (a Poisson with a lognormal or gamma
///   rate Λ): `N | Λ, G ~ Poisson(GΛ)`, the mixing composes; `Var[N]` gains `v E[Λ²]`.
/// - **Thinned** by an uncertain vulnerability V, over one of the kinds above: `Poisson(GΛV)`.
/// - **Bernoulli**, **binomial**, **fixed count** and a thinned one of these: refused
///   ([`Error::FrailtyCannotScale`]), since a probability or a count cannot be multiplied past
///   its bound without changing what it means; give such a risk a Poisson rate instead.
///
/// For two risks r ≠ s of one frailty, `Cov(N_r, N_s) = v E[N_r] E[N_s]` and
/// `Cov(L_r, L_s) = v E[L_r] E[L_s]`, so the group's annual loss gains
/// `v (Σ E[L_r])²` plus, for mixed rates, `v Σ Var[Λ_r] E[X_r]²`. A risk belongs to at most
/// one frailty.
///
/// # Example
/// ```
/// use csfquant::Frailty;
/// let bad_year = Frailty::new("bad_year", 0.5)?.on_risks(["bec", "phishing"])?;
/// assert_eq!(bad_year.variance(), 0.5);
/// assert_eq!(bad_year.risk_ids().map(<[String]>::len), Some(2));
/// Ok::<(), csfquant::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Frailty {
    id: String,
    variance: f64,
    risks: Option<Vec<String>>,
}

impl Frailty {
    /// The largest accepted variance: a factor with variance 100 has shape 0.01, so that 99%
    /// of years multiply the rates by less than 1e-200 and the rest by about 100 or more; beyond
    /// that the model says nothing a reader could check.
    pub const MAX_VARIANCE: f64 = 100.0;

    /// The smallest positive variance accepted: below it the factor's standard deviation is
    /// under 10^-6 (write 0 for none), and a subnormal variance would make the gamma's shape
    /// 1/v infinite.
    pub const MIN_VARIANCE: f64 = 1e-12;

    /// A frailty with this id and variance, on every risk of the model unless
    /// [`on_risks`](Self::on_risks) lists some.
    ///
    /// # Errors
    /// [`Error::InvalidId`] for a malformed id; [`Error::InvalidParameter`] unless `variance` is
    /// 0 (no frailty: G = 1) or in [[`MIN_VARIANCE`](Self::MIN_VARIANCE),
    /// [`MAX_VARIANCE`](Self::MAX_VARIANCE)].
    pub fn new(id: impl Into<String>, variance: f64) -> Result<Frailty> {
        let id = id.into();
        validate_id("frailty id", &id)?;
        if variance != 0.0 && !(Self::MIN_VARIANCE..=Self::MAX_VARIANCE).contains(&variance) {
            return Err(Error::invalid(
                "frailty variance",
                variance,
                "0, or a number in [1e-12, 100]",
            ));
        }
        Ok(Frailty {
            id,
            variance,
            risks: None,
        })
    }

    /// Limits the frailty to these risks (checked by
    /// [`Model::with_frailty`](crate::Model::with_frailty)).
    ///
    /// # Errors
    /// [`Error::InvalidId`] for a malformed risk id; [`Error::Empty`] for an empty list.
    pub fn on_risks<I, S>(mut self, risks: I) -> Result<Frailty>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let ids: Vec<String> = risks.into_iter().map(Into::into).collect();
        if ids.is_empty() {
            return Err(Error::Empty {
                name: "frailty risks",
            });
        }
        for id in &ids {
            validate_id("risk id", id)?;
        }
        self.risks = Some(ids);
        Ok(self)
    }

    /// The frailty's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The variance v of the yearly factor (its mean is 1).
    pub fn variance(&self) -> f64 {
        self.variance
    }

    /// The risks it scales, or `None` for every risk of the model.
    pub fn risk_ids(&self) -> Option<&[String]> {
        self.risks.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variance_and_lists_are_checked() {
        for bad in [-0.5, f64::NAN, 101.0, f64::INFINITY] {
            let e = Frailty::new("f", bad).unwrap_err();
            assert!(e.to_string().starts_with("invalid frailty variance"), "{e}");
        }
        assert!(Frailty::new("f", 0.0).is_ok());
        let empty: [&str; 0] = [];
        assert!(Frailty::new("f", 1.0).unwrap().on_risks(empty).is_err());
        assert!(Frailty::new("f", 1.0).unwrap().on_risks(["a b"]).is_err());
    }
}
