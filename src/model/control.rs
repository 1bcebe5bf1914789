//! Control: a security measure, its CSF function, what it costs and how it changes losses.

use crate::csf::{Category, Function};
use crate::error::{Error, Result};
use crate::model::efficacy::Efficacy;
use crate::model::finance::Cost;
use crate::model::reliability::{Management, Reliability, SELF_PARTY};
use crate::model::risk::validate_id;
use crate::model::transfer::Transfer;

/// A control: a measure tagged with the NIST CSF 2.0 function it belongs to, with a cost and
/// one or more effects on the risks it applies to.
///
/// The effects, applied to every loss event of a risk the control applies to:
///
/// - **frequency efficacy** f: the control blocks each event independently with probability f
///   (thinning; on a Poisson risk the same as scaling the rate by 1 − f);
/// - **magnitude efficacy** s: the control removes the fraction s of the event's loss;
/// - **transfer**: an insurance policy pays part of the loss that the other controls leave
///   (see [`Transfer`]); its premium is the control's annual cost.
///
/// [`with_efficacy`](Control::with_efficacy) is the shorthand that sends an efficacy to the
/// function's natural lever: Protect → frequency; Detect, Respond, Recover → magnitude. Govern
/// and Identify controls act only through a lever named explicitly. This mapping is a modelling
/// convention derived from FAIR-CAM, not a NIST rule.
///
/// Several controls on one risk combine multiplicatively: an event passes each frequency control
/// independently and keeps `Π (1 − s)` of its loss; transfers apply last, in the model's order.
///
/// Each control draws its random numbers (its yearly efficacy, which events it blocks) from its
/// own stream, keyed by its id. So adding or changing *another* control never changes this
/// control's draws, but renaming a control gives it a new stream: its figures move by Monte
/// Carlo noise, as with a new seed.
///
/// # Example
/// ```
/// use csfquant::{Control, Cost, Efficacy, Function, Transfer};
/// let edr = Control::new("edr", Function::Detect)?
///     .with_name("EDR on all endpoints")
///     .with_category("DE.CM")?
///     .with_cost(Cost::new(50_000.0, 120_000.0)?)
///     .applies_to(["ransomware", "bec"])
///     .with_efficacy(Efficacy::pert(0.1, 0.3, 0.5)?)?;
/// assert!(edr.magnitude_efficacy().is_some());
///
/// let insurance = Control::new("insurance", Function::Govern)?
///     .with_category("GV.RM")?
///     .with_cost(Cost::new(0.0, 45_000.0)?)
///     .with_transfer(Transfer::new(250e3, 2e6)?.with_aggregate_limit(3e6)?)?;
/// assert!(insurance.applies_to_risks().is_none()); // every risk
/// Ok::<(), csfquant::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Control {
    id: String,
    name: String,
    function: Function,
    category: Option<Category>,
    cost: Cost,
    applies_to: Option<Vec<String>>,
    frequency_efficacy: Option<Efficacy>,
    magnitude_efficacy: Option<Efficacy>,
    transfer: Option<Transfer>,
    // Reliability, governance and shared responsibility (see reliability.rs).
    coverage: f64,
    reliability: Option<Reliability>,
    variant_efficacy: Option<Efficacy>,
    manages: Option<Management>,
    operated_by: String,
    group: Option<String>,
    status: Status,
}

/// Whether a control is in place (a fact of the model) or a candidate (an option to buy).
///
/// A model keeps its candidates apart from its in-place controls: every simulation, analysis
/// and report of the model runs the in-place controls only, so listing candidates changes no
/// figure. The budget search chooses among the candidates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Status {
    /// In place (the default).
    #[default]
    InPlace,
    /// An option, not a fact: see [`Model::candidates`](crate::Model::candidates).
    Candidate,
}

impl Status {
    /// The name in scenario files: `in_place` or `candidate`.
    pub fn name(self) -> &'static str {
        match self {
            Status::InPlace => "in_place",
            Status::Candidate => "candidate",
        }
    }
}

impl Control {
    /// A control of this CSF function, without cost or effect yet (its name defaults to the id).
    ///
    /// # Errors
    /// [`Error::InvalidId`] unless `id` is 1 to 128 bytes of letters, digits, `-`, `_`, `.` or
    /// `:`.
    pub fn new(id: impl Into<String>, function: Function) -> Result<Control> {
        let id = id.into();
        validate_id("control id", &id)?;
        Ok(Control {
            name: id.clone(),
            id,
            function,
            category: None,
            cost: Cost::ZERO,
            applies_to: None,
            frequency_efficacy: None,
            magnitude_efficacy: None,
            transfer: None,
            coverage: 1.0,
            reliability: None,
            variant_efficacy: None,
            manages: None,
            operated_by: SELF_PARTY.to_string(),
            group: None,
            status: Status::InPlace,
        })
    }

    /// Sets whether the control is in place (the default) or a candidate.
    #[must_use]
    pub fn with_status(mut self, status: Status) -> Control {
        self.status = status;
        self
    }

    /// Whether the control is in place or a candidate.
    pub fn status(&self) -> Status {
        self.status
    }

    /// Sets the human-readable name.
    #[must_use]
    pub fn with_name(mut self, name: impl Into<String>) -> Control {
        self.name = name.into();
        self
    }

    /// Tags the control with a CSF 2.0 category of its function (`"DE.CM"`).
    ///
    /// # Errors
    /// [`Error::UnknownCsfId`] if `category` is not a CSF 2.0 category id;
    /// [`Error::CategoryOutsideFunction`] if it belongs to another function.
    pub fn with_category(mut self, category: &str) -> Result<Control> {
        let category = Category::parse(category)?;
        if category.function() != self.function {
            return Err(Error::CategoryOutsideFunction {
                control: self.id,
                category: category.id(),
                function: self.function.name(),
                actual: category.function().name(),
            });
        }
        self.category = Some(category);
        Ok(self)
    }

    /// Sets the cost (default: nothing).
    #[must_use]
    pub fn with_cost(mut self, cost: Cost) -> Control {
        self.cost = cost;
        self
    }

    /// Restricts the control to these risk ids (default: every risk of the model). The ids are
    /// checked when the control joins a model; repeated ids count once.
    #[must_use]
    pub fn applies_to<I, S>(mut self, risk_ids: I) -> Control
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut seen = std::collections::HashSet::new();
        let mut ids: Vec<String> = Vec::new();
        for id in risk_ids {
            let id = id.into();
            if seen.insert(id.clone()) {
                ids.push(id);
            }
        }
        self.applies_to = Some(ids);
        self
    }

    /// Sends `efficacy` to the function's natural lever: frequency for Protect, magnitude for
    /// Detect, Respond and Recover.
    ///
    /// # Errors
    /// [`Error::NoNaturalLever`] for Govern and Identify controls; [`Error::DuplicateEffect`] if
    /// that lever is already set.
    pub fn with_efficacy(self, efficacy: Efficacy) -> Result<Control> {
        match self.function {
            Function::Protect => self.with_frequency_efficacy(efficacy),
            Function::Detect | Function::Respond | Function::Recover => {
                self.with_magnitude_efficacy(efficacy)
            }
            Function::Govern | Function::Identify => Err(Error::NoNaturalLever {
                control: self.id,
                function: self.function.name(),
            }),
        }
    }

    /// Sets the fraction of events the control prevents (each event blocked independently).
    ///
    /// # Errors
    /// [`Error::DuplicateEffect`] if a frequency efficacy is already set.
    pub fn with_frequency_efficacy(mut self, efficacy: Efficacy) -> Result<Control> {
        if self.frequency_efficacy.is_some() {
            return Err(self.duplicate("frequency efficacy"));
        }
        self.frequency_efficacy = Some(efficacy);
        Ok(self)
    }

    /// Sets the fraction of each event's loss the control removes.
    ///
    /// # Errors
    /// [`Error::DuplicateEffect`] if a magnitude efficacy is already set.
    pub fn with_magnitude_efficacy(mut self, efficacy: Efficacy) -> Result<Control> {
        if self.magnitude_efficacy.is_some() {
            return Err(self.duplicate("magnitude efficacy"));
        }
        self.magnitude_efficacy = Some(efficacy);
        Ok(self)
    }

    /// Makes the control an insurance policy with these terms.
    ///
    /// # Errors
    /// [`Error::DuplicateEffect`] if a transfer is already set.
    pub fn with_transfer(mut self, transfer: Transfer) -> Result<Control> {
        if self.transfer.is_some() {
            return Err(self.duplicate("transfer"));
        }
        self.transfer = Some(transfer);
        Ok(self)
    }

    fn duplicate(self, effect: &'static str) -> Error {
        Error::DuplicateEffect {
            control: self.id,
            effect,
        }
    }

    /// The id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The human-readable name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The CSF function.
    pub fn function(&self) -> Function {
        self.function
    }

    /// The CSF category, if given.
    pub fn category(&self) -> Option<Category> {
        self.category
    }

    /// The cost.
    pub fn cost(&self) -> &Cost {
        &self.cost
    }

    /// The risk ids the control is restricted to; `None` means every risk.
    pub fn applies_to_risks(&self) -> Option<&[String]> {
        self.applies_to.as_deref()
    }

    /// The fraction of events prevented, if the control acts on frequency.
    pub fn frequency_efficacy(&self) -> Option<&Efficacy> {
        self.frequency_efficacy.as_ref()
    }

    /// The fraction of each event's loss removed, if the control acts on magnitude.
    pub fn magnitude_efficacy(&self) -> Option<&Efficacy> {
        self.magnitude_efficacy.as_ref()
    }

    /// The insurance terms, if the control is a transfer.
    pub fn transfer(&self) -> Option<&Transfer> {
        self.transfer.as_ref()
    }

    /// Whether the control has at least one effect (on losses, or on other controls through
    /// [`with_management`](Self::with_management)).
    pub fn has_effect(&self) -> bool {
        self.acts_on_losses() || self.manages.is_some()
    }

    /// Whether the control has an effect on losses (an efficacy or a transfer).
    pub fn acts_on_losses(&self) -> bool {
        self.frequency_efficacy.is_some()
            || self.magnitude_efficacy.is_some()
            || self.transfer.is_some()
    }

    /// Sets the share of a risk's events the control can act on at all (default 1): each event
    /// is covered independently with this probability.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] named `coverage` unless `0 <= coverage <= 1`.
    pub fn with_coverage(mut self, coverage: f64) -> Result<Control> {
        self.coverage = crate::check::unit_interval("coverage", coverage, "a share in [0, 1]")?;
        Ok(self)
    }

    /// Sets how often the control is out of its intended state (default: never; see
    /// [`Reliability`]).
    #[must_use]
    pub fn with_reliability(mut self, reliability: Reliability) -> Control {
        self.reliability = Some(reliability);
        self
    }

    /// Sets the efficacy an event meets while the control is out of its intended state
    /// (default 0), on each of the control's levers.
    #[must_use]
    pub fn with_variant_efficacy(mut self, efficacy: Efficacy) -> Control {
        self.variant_efficacy = Some(efficacy);
        self
    }

    /// Makes the control a variance-management control of other controls (see
    /// [`Management`]); it may have no effect on losses of its own.
    #[must_use]
    pub fn with_management(mut self, management: Management) -> Control {
        self.manages = Some(management);
        self
    }

    /// Sets who runs the control (default `"self"`), e.g. a cloud provider under
    /// the shared responsibility model. The loss stays with the model's owner.
    ///
    /// # Errors
    /// [`Error::InvalidId`] unless `party` is a valid id (as a control id).
    pub fn operated_by(mut self, party: impl Into<String>) -> Result<Control> {
        let party = party.into();
        validate_id("party", &party)?;
        self.operated_by = party;
        Ok(self)
    }

    /// Tags the control with a group of the user's own (a Shapley partition of its own, like
    /// functions and parties).
    ///
    /// # Errors
    /// [`Error::InvalidId`] unless `group` is a valid id (as a control id).
    pub fn in_group(mut self, group: impl Into<String>) -> Result<Control> {
        let group = group.into();
        validate_id("group", &group)?;
        self.group = Some(group);
        Ok(self)
    }

    /// The share of a risk's events the control can act on (1 unless set).
    pub fn coverage(&self) -> f64 {
        self.coverage
    }

    /// How often the control lapses, if it does.
    pub fn reliability(&self) -> Option<&Reliability> {
        self.reliability.as_ref()
    }

    /// The efficacy during a lapse, if given (0 otherwise).
    pub fn variant_efficacy(&self) -> Option<&Efficacy> {
        self.variant_efficacy.as_ref()
    }

    /// What the control does to other controls, if it manages any.
    pub fn management(&self) -> Option<&Management> {
        self.manages.as_ref()
    }

    /// Who runs the control.
    pub fn party(&self) -> &str {
        &self.operated_by
    }

    /// The user's group tag, if given.
    pub fn group(&self) -> Option<&str> {
        self.group.as_deref()
    }

    /// Whether the control uses none of coverage, reliability, a variant efficacy, management,
    /// another party or a group: the engine's plain path, bit-identical to a model without these
    /// features.
    pub(crate) fn is_plain(&self) -> bool {
        self.coverage == 1.0
            && self.reliability.is_none()
            && self.variant_efficacy.is_none()
            && self.manages.is_none()
            && self.operated_by == SELF_PARTY
            && self.group.is_none()
    }
}

/// The key of a control's own random stream: a hash of its id (FNV-1a), never 0 (0 is the events' stream).
/// Two ids of one model with the same key are refused by `Model::with_controls`.
pub(crate) fn stream_key(id: &str) -> u64 {
    let hash = id.bytes().fold(0xCBF2_9CE4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3)
    });
    hash | 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn half() -> Efficacy {
        Efficacy::fixed(0.5).unwrap()
    }

    #[test]
    fn shorthand_goes_to_the_natural_lever() {
        let c = Control::new("mfa", Function::Protect).unwrap();
        let c = c.with_efficacy(half()).unwrap();
        assert!(c.frequency_efficacy().is_some() && c.magnitude_efficacy().is_none());
        for f in [Function::Detect, Function::Respond, Function::Recover] {
            let c = Control::new("c", f).unwrap().with_efficacy(half()).unwrap();
            assert!(c.magnitude_efficacy().is_some() && c.frequency_efficacy().is_none());
        }
        for f in [Function::Govern, Function::Identify] {
            let e = Control::new("c", f).unwrap().with_efficacy(half());
            assert_eq!(
                e.unwrap_err().to_string(),
                format!(
                    "control \"c\": the shorthand efficacy has no natural lever in {f} (give a frequency or magnitude efficacy)"
                )
            );
        }
    }

    #[test]
    fn an_effect_given_twice_is_an_error() {
        let c = Control::new("mfa", Function::Protect)
            .unwrap()
            .with_frequency_efficacy(half())
            .unwrap();
        let e = c.clone().with_efficacy(half()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "control \"mfa\": frequency efficacy is given twice"
        );
        // A second lever is fine.
        assert!(c.with_magnitude_efficacy(half()).is_ok());
    }

    #[test]
    fn category_must_belong_to_the_function() {
        let c = Control::new("edr", Function::Protect).unwrap();
        let e = c.clone().with_category("DE.CM").unwrap_err();
        assert_eq!(
            e.to_string(),
            "control \"edr\": category DE.CM belongs to Detect, not Protect"
        );
        assert!(c.clone().with_category("XX.YY").is_err());
        assert_eq!(
            c.with_category("pr.aa").unwrap().category(),
            Some(Category::parse("PR.AA").unwrap())
        );
    }

    #[test]
    fn ids_and_risk_lists() {
        assert!(Control::new("", Function::Govern).is_err());
        assert!(Control::new("a b", Function::Govern).is_err());
        let c = Control::new("x", Function::Detect)
            .unwrap()
            .applies_to(["a", "b", "a"]);
        assert_eq!(
            c.applies_to_risks(),
            Some(&["a".to_string(), "b".into()][..])
        );
        assert!(!c.has_effect());
    }
}
