//! A systemic shock: an event of its own frequency that causes events in several risks at once
//! (one cloud-region outage takes down the portal and the SaaS supplier in the same hour).

use crate::error::{Error, Result};
use crate::model::frequency::Frequency;
use crate::model::risk::validate_id;

/// A systemic event with its own annual frequency. Each occurrence causes, in each risk it hits,
/// one event of that risk with the hit's probability (drawn independently per risk and per
/// occurrence); the event's loss is drawn from that risk's magnitude, and controls act on it as
/// on any other event of the risk.
///
/// With `M` the shock's annual count and, per hit, `B_r ~ Bernoulli(p_r)` and `X_r` the risk's
/// loss, the shock's annual loss is the compound sum of `Y = Σ_r B_r X_r` over `M` occurrences:
///
/// - `E[S] = E[M] Σ_r p_r E[X_r]`;
/// - `Var[S_r] = E[M] (p_r E[X_r²] − p_r² E[X_r]²) + Var[M] p_r² E[X_r]²` for risk r's part;
/// - `Cov(S_r, S_s) = Var[M] p_r p_s E[X_r] E[X_s]` for two risks it hits (the hits of one
///   occurrence are independent given the occurrence, so only the shared count correlates them).
///
/// # Example
/// ```
/// use csfquant::{Frequency, Shock};
/// let outage = Shock::new("cloud_region_outage", Frequency::poisson(0.2)?)?
///     .with_name("Multi-day outage of our main cloud region")
///     .hits("cloud_outage", 1.0)?
///     .hits("ddos", 0.3)?;
/// assert_eq!(outage.hit_list().len(), 2);
/// Ok::<(), csfquant::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Shock {
    id: String,
    name: String,
    frequency: Frequency,
    hits: Vec<ShockHit>,
}

/// One risk a shock hits, and the probability that an occurrence causes an event of it.
#[derive(Clone, Debug, PartialEq)]
pub struct ShockHit {
    risk: String,
    probability: f64,
}

impl ShockHit {
    /// The id of the risk hit.
    pub fn risk(&self) -> &str {
        &self.risk
    }

    /// The probability that one occurrence of the shock causes an event of the risk.
    pub fn probability(&self) -> f64 {
        self.probability
    }
}

impl Shock {
    /// The most risks one shock may hit.
    pub const MAX_HITS: usize = 10_000;

    /// A shock with this id (its name defaults to the id) and annual frequency, hitting nothing
    /// yet (see [`hits`](Self::hits)).
    ///
    /// # Errors
    /// [`Error::InvalidId`] for an id that is not 1 to 128 letters, digits, `-`, `_`, `.`, `:`.
    pub fn new(id: impl Into<String>, frequency: Frequency) -> Result<Shock> {
        let id = id.into();
        validate_id("shock id", &id)?;
        Ok(Shock {
            name: id.clone(),
            id,
            frequency,
            hits: Vec::new(),
        })
    }

    /// Sets the human-readable name.
    #[must_use]
    pub fn with_name(mut self, name: impl Into<String>) -> Shock {
        self.name = name.into();
        self
    }

    /// Adds a risk that each occurrence hits with `probability`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless `probability` is in [0, 1]; [`Error::InvalidId`] for a
    /// malformed risk id; [`Error::TooManyHits`] beyond [`MAX_HITS`](Self::MAX_HITS). (Whether
    /// the risk exists is checked by [`Model::with_shocks`](crate::Model::with_shocks).)
    pub fn hits(mut self, risk: impl Into<String>, probability: f64) -> Result<Shock> {
        let risk = risk.into();
        validate_id("risk id", &risk)?;
        if !(0.0..=1.0).contains(&probability) {
            return Err(Error::invalid(
                "hit probability",
                probability,
                "a probability in [0, 1]",
            ));
        }
        if self.hits.len() >= Self::MAX_HITS {
            return Err(Error::TooManyHits {
                shock: self.id,
                max: Self::MAX_HITS,
            });
        }
        self.hits.push(ShockHit { risk, probability });
        Ok(self)
    }

    /// The shock's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The shock's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// How many times a year the shock happens.
    pub fn frequency(&self) -> &Frequency {
        &self.frequency
    }

    /// The risks it hits, in the order given.
    pub fn hit_list(&self) -> &[ShockHit] {
        &self.hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hit_probabilities_and_ids_are_checked() {
        let s = Shock::new("s", Frequency::poisson(1.0).unwrap()).unwrap();
        for bad in [-0.1, 1.1, f64::NAN] {
            let e = s.clone().hits("a", bad).unwrap_err();
            assert!(e.to_string().starts_with("invalid hit probability"), "{e}");
        }
        assert!(s.clone().hits("a b", 0.5).is_err());
        assert!(Shock::new("", Frequency::poisson(1.0).unwrap()).is_err());
        let s = s.hits("a", 0.0).unwrap().hits("b", 1.0).unwrap();
        assert_eq!(s.hit_list()[1].probability(), 1.0);
        assert_eq!(s.name(), "s");
    }
}
