//! A risk: how often a loss event happens in a year, and what one event costs.

use crate::csf::CsfTag;
use crate::error::{Error, Result};
use crate::model::frequency::Frequency;
use crate::model::magnitude::Magnitude;

/// The longest accepted risk id, in bytes.
const MAX_ID_LEN: usize = 128;

/// One loss scenario: an annual event count ([`Frequency`]) times a per-event loss
/// ([`Magnitude`]), tagged with the NIST CSF 2.0 categories or subcategories it concerns.
///
/// Its annual loss is the compound sum L = X_1 + ... + X_N with N drawn from the frequency and
/// the X_i drawn independently from the magnitude, so
/// `E[L] = E[N] E[X]` and `Var[L] = E[N] Var[X] + Var[N] E[X]^2`.
///
/// # Example
/// ```
/// use csfquant::{Frequency, Magnitude, Risk};
/// let risk = Risk::new(
///     "ransomware",
///     Frequency::poisson(0.5)?,
///     Magnitude::lognormal_ci90(10_000.0, 1_000_000.0)?,
/// )?
/// .with_name("Ransomware on the corporate network")
/// .with_csf(["PR.PS", "DE.CM", "RC.RP"])?;
/// // 0.5 events a year times a mean loss of 266,398: 133,199 a year.
/// assert!((risk.expected_annual_loss() - 133_199.0).abs() < 1.0);
/// Ok::<(), csfquant::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Risk {
    id: String,
    name: String,
    frequency: Frequency,
    magnitude: Magnitude,
    csf: Vec<CsfTag>,
}

impl Risk {
    /// A risk with the given id (its name defaults to the id).
    ///
    /// # Errors
    /// [`Error::InvalidId`] unless `id` is 1 to 128 bytes of letters, digits, `-`, `_`, `.` or
    /// `:`. Ids are how controls and reports refer to a risk, so they must survive a round trip
    /// through file formats and command lines unchanged.
    pub fn new(id: impl Into<String>, frequency: Frequency, magnitude: Magnitude) -> Result<Risk> {
        let id = id.into();
        validate_id("risk id", &id)?;
        Ok(Risk {
            name: id.clone(),
            id,
            frequency,
            magnitude,
            csf: Vec::new(),
        })
    }

    /// Sets the human-readable name.
    #[must_use]
    pub fn with_name(mut self, name: impl Into<String>) -> Risk {
        self.name = name.into();
        self
    }

    /// Tags the risk with CSF ids (`"PR.AA"`, `"PR.AA-05"`; CSF 1.1 ids are mapped where NIST's
    /// links lead to a single CSF 2.0 category or subcategory, see [`CsfTag::parse`]). Repeated
    /// tags are kept once.
    ///
    /// # Errors
    /// The first id that does not parse, as [`Error::UnknownCsfId`] or [`Error::UnmappableCsf11`].
    pub fn with_csf<I, S>(mut self, ids: I) -> Result<Risk>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        for id in ids {
            let tag = CsfTag::parse(id.as_ref())?;
            if !self.csf.contains(&tag) {
                self.csf.push(tag);
            }
        }
        Ok(self)
    }

    /// The risk's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The risk's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// How many loss events happen in a year.
    pub fn frequency(&self) -> &Frequency {
        &self.frequency
    }

    /// What one loss event costs.
    pub fn magnitude(&self) -> &Magnitude {
        &self.magnitude
    }

    /// The CSF 2.0 tags, in the order given.
    pub fn csf(&self) -> &[CsfTag] {
        &self.csf
    }

    /// The analytic expected annual loss, `E[N] E[X]`.
    #[doc(alias = "EAL")]
    pub fn expected_annual_loss(&self) -> f64 {
        self.frequency.mean() * self.magnitude.mean()
    }

    /// The analytic variance of the annual loss, `E[N] Var[X] + Var[N] E[X]^2` (infinite when the
    /// magnitude's variance is).
    pub fn annual_loss_variance(&self) -> f64 {
        let (en, vn) = (self.frequency.mean(), self.frequency.variance());
        let (ex, vx) = (self.magnitude.mean(), self.magnitude.variance());
        if en == 0.0 {
            return 0.0;
        }
        en * vx + vn * ex * ex
    }
}

/// Checks an id of kind `kind` (`risk id`, `control id`): 1 to 128 bytes of letters, digits,
/// `-`, `_`, `.` or `:`.
pub(crate) fn validate_id(kind: &'static str, id: &str) -> Result<()> {
    let ok_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':');
    if id.is_empty() || id.len() > MAX_ID_LEN || !id.chars().all(ok_char) {
        return Err(Error::InvalidId {
            kind,
            id: id.chars().take(MAX_ID_LEN).collect(),
            expected: "1 to 128 letters, digits, '-', '_', '.' or ':'",
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn risk(id: &str) -> Result<Risk> {
        Risk::new(
            id,
            Frequency::poisson(0.3)?,
            Magnitude::lognormal_ci90(1e4, 1e6)?,
        )
    }

    #[test]
    fn ids_are_validated() {
        assert!(risk("ransomware").is_ok());
        assert!(risk("cloud-breach_2.eu:1").is_ok());
        for bad in ["", " ", "has space", "naïve", "a/b", &"x".repeat(129)] {
            let e = risk(bad).unwrap_err();
            assert!(matches!(e, Error::InvalidId { .. }), "{bad:?}: {e}");
        }
        assert_eq!(
            risk("a b").unwrap_err().to_string(),
            "invalid risk id \"a b\" (expected 1 to 128 letters, digits, '-', '_', '.' or ':')"
        );
    }

    #[test]
    fn name_defaults_to_id() {
        let r = risk("bec").unwrap();
        assert_eq!(r.name(), "bec");
        assert_eq!(
            r.with_name("Business email compromise").name(),
            "Business email compromise"
        );
    }

    #[test]
    fn analytic_moments_are_compound() {
        let r = risk("x").unwrap();
        let ex = r.magnitude().mean();
        assert!((r.expected_annual_loss() - 0.3 * ex).abs() < 1e-9 * ex);
        // Poisson: Var[L] = rate E[X^2].
        let ex2 = r.magnitude().variance() + ex * ex;
        assert!((r.annual_loss_variance() - 0.3 * ex2).abs() < 1e-9 * 0.3 * ex2);
    }

    #[test]
    fn zero_rate_has_zero_variance_even_with_infinite_magnitude_variance() {
        let r = Risk::new(
            "never",
            Frequency::poisson(0.0).unwrap(),
            Magnitude::lognormal(0.0, 1.0).unwrap(),
        )
        .unwrap();
        assert_eq!(r.annual_loss_variance(), 0.0);
        assert_eq!(r.expected_annual_loss(), 0.0);
    }
}
