//! Reliability, variance management and shared responsibility: how often a control is out of
//! its intended state, which controls keep others working, and who runs each control.
//!
//! The model is documented on [`Reliability`](crate::Reliability).

use crate::check;
use crate::error::{Error, Result};

/// How often a control falls out of its intended state.
///
/// # The lapse process
///
/// A control with a [`Reliability`] is out of its intended state ("lapsed", a *variance* in
/// FAIR-CAM's words) during some intervals of each simulated year. The year is the circle
/// `[0, 365)` days; its lapses are drawn once per simulated year, from the control's own random
/// stream, and shared by every risk the control covers (one lapse lets several risks' events
/// through in the same year: correlated failures). Each loss event gets a time of the year,
/// uniform on `[0, 365)`; an event whose time falls in one of the control's lapses meets the
/// control's variant efficacy (default 0) instead of its efficacy.
///
/// - `variance_frequency` VF with `variance_duration_days` VD: the number of lapses in a year is
///   Poisson(VF); each starts at a uniform time of the year and lasts exactly `min(VD, 365)`
///   days. Lapses may overlap (their union is what counts). A lapse that runs past the year's
///   end **wraps** to its start: the years are independent and identically distributed, so a
///   lapse that spills out of one year stands for the one that spilled into it from the year
///   before. Wrapping makes the process stationary: every day of the year has the same chance
///   of being in a lapse, and the closed form below is exact (truncating would leave the first
///   days of every year in their intended state more often than the last).
/// - a number r: one lapse a year of exactly `(1 − r) × 365` days, starting at a uniform time
///   (wrapped). The share of the year in the intended state is exactly r every year.
///
/// # Expected availability, in closed form
///
/// A time t is in a lapse when a lapse started in the `d` days before it. The starts form a
/// Poisson process on the circle with `VF / 365` starts a day, so the number of starts in those
/// days is Poisson(VF d / 365) and
///
/// ```text
/// A = P(t not in a lapse) = exp(−VF · min(VD, 365) / 365)        (number form: A = r)
/// ```
///
/// FAIR-CAM's knowledge base gives `(1 − VF/365)^VD`, the discrete-day version of the same
/// model (each day independently starts a lapse with probability VF/365: none may start in the
/// VD days up to today): at VF = 14 a year and VD = 14 days, `(1 − 14/365)^14 = 0.5784` against
/// `exp(−196/365) = 0.5845` here. Renewal theory's `1 / (1 + VF VD / 365) = 0.6506` is the
/// availability of a control that cannot lapse again while it is lapsed (an alternating renewal
/// process: working periods of mean 365/VF days, then a lapse): it counts the time already lost
/// as protected from further lapses, which a Poisson source of variances (a new misconfiguration
/// while an old one persists) does not do. The three agree when `VF VD / 365` is small (a
/// control that is rarely out) and differ materially when it is near 1, as here.
///
/// # Variance management
///
/// A control with [`Management`] (FAIR-CAM's variance-management controls: configuration rules,
/// guardrails, drift detection and auto-remediation) acts on the lapses of the controls it
/// manages, not on losses. While it is in place, each lapse of a managed control happens only
/// with probability `variance_frequency_factor` q (prevention: thinning the Poisson lapses, so
/// their number is Poisson(q VF)), and lasts at most `variance_duration_days` c (detection and
/// correction). The managed availability is
///
/// ```text
/// A = exp(−q VF · min(VD, c, 365) / 365)        (number form: A = 1 − q · min((1 − r) 365, c) / 365)
/// ```
///
/// with q the product of the factors and c the smallest cap of the managers in place. The
/// managed lapses are a subset of the unmanaged ones (the same draws, thinned and shortened), so
/// the analysis without a manager sees the managed controls' unmanaged lapses on the same
/// simulated years. A managing control's own lapses are not modelled (it may not have a
/// `reliability`); when it is out for a whole year (its lapse cost) or absent (its marginal
/// value), the controls it manages lapse unmanaged.
///
///
/// # Example
/// ```
/// use csfquant::Reliability;
/// let guardduty = Reliability::lapses(6.0, 20.0)?;
/// assert!((guardduty.availability() - (-6.0_f64 * 20.0 / 365.0).exp()).abs() < 1e-15);
/// assert_eq!(Reliability::share(0.9)?.availability(), 0.9);
/// Ok::<(), csfquant::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Reliability(Lapses);

/// The two forms of a reliability.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Lapses {
    /// The share of the year in the intended state: one lapse of `(1 − r) 365` days.
    Share(f64),
    /// A Poisson number of lapses a year, each of a fixed duration.
    Poisson { frequency: f64, duration_days: f64 },
}

/// Days in the simulated year.
pub(crate) const YEAR_DAYS: f64 = 365.0;

/// The most lapses a year a control may have on average (one a day).
pub const MAX_VARIANCE_FREQUENCY: f64 = 365.0;

impl Reliability {
    /// A control in its intended state for exactly the share `r` of every year (one lapse of
    /// `(1 − r) × 365` days at a uniform time).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] named `reliability` unless `0 <= r <= 1`.
    pub fn share(r: f64) -> Result<Reliability> {
        let r = check::unit_interval("reliability", r, "a share of the year in [0, 1]")?;
        Ok(Reliability(Lapses::Share(r)))
    }

    /// A Poisson number of lapses a year with mean `variance_frequency`, each lasting
    /// `variance_duration_days` (FAIR-CAM's VF and VD).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] named `variance_frequency` unless it is in `[0, 365]`, or
    /// named `variance_duration_days` unless it is in `[0, 365]`.
    pub fn lapses(variance_frequency: f64, variance_duration_days: f64) -> Result<Reliability> {
        if !(0.0..=MAX_VARIANCE_FREQUENCY).contains(&variance_frequency) {
            return Err(Error::invalid(
                "variance_frequency",
                variance_frequency,
                "a number of lapses a year in [0, 365]",
            ));
        }
        if !(0.0..=YEAR_DAYS).contains(&variance_duration_days) {
            return Err(Error::invalid(
                "variance_duration_days",
                variance_duration_days,
                "a number of days in [0, 365]",
            ));
        }
        Ok(Reliability(Lapses::Poisson {
            frequency: variance_frequency + 0.0,
            duration_days: variance_duration_days + 0.0,
        }))
    }

    pub(crate) fn repr(&self) -> Lapses {
        self.0
    }

    /// The share of the year given to [`share`](Self::share), if that is the form.
    pub fn as_share(&self) -> Option<f64> {
        match self.0 {
            Lapses::Share(r) => Some(r),
            Lapses::Poisson { .. } => None,
        }
    }

    /// `(variance_frequency, variance_duration_days)`, if that is the form.
    pub fn as_lapses(&self) -> Option<(f64, f64)> {
        match self.0 {
            Lapses::Share(_) => None,
            Lapses::Poisson {
                frequency,
                duration_days,
            } => Some((frequency, duration_days)),
        }
    }

    /// The expected share of the year in the intended state, unmanaged.
    pub fn availability(&self) -> f64 {
        self.managed_availability(1.0, f64::INFINITY)
    }

    /// The expected share of the year in the intended state when managers multiply the lapse
    /// frequency by `factor` and cap each lapse at `cap_days` (see [`Reliability`]).
    pub fn managed_availability(&self, factor: f64, cap_days: f64) -> f64 {
        match self.0 {
            Lapses::Share(r) => {
                let days = ((1.0 - r) * YEAR_DAYS).min(cap_days);
                1.0 - factor * days / YEAR_DAYS
            }
            Lapses::Poisson {
                frequency,
                duration_days,
            } => {
                let days = duration_days.min(cap_days).min(YEAR_DAYS);
                (-factor * frequency * days / YEAR_DAYS).exp()
            }
        }
    }
}

/// What a variance-management control does to the controls it manages (see the
/// [`Reliability`]).
///
/// # Example
/// ```
/// use csfquant::Management;
/// let guardrails = Management::new(["guardduty", "disk_encryption"])
///     .with_frequency_factor(0.3)?
///     .with_duration_cap_days(1.0)?;
/// assert_eq!(guardrails.controls().len(), 2);
/// Ok::<(), csfquant::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Management {
    controls: Vec<String>,
    frequency_factor: f64,
    duration_cap_days: Option<f64>,
}

impl Management {
    /// Manages these controls (ids, checked when the control joins a model; repeated ids count
    /// once), with no effect yet.
    pub fn new<I, S>(controls: I) -> Management
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut ids: Vec<String> = Vec::new();
        for id in controls {
            let id = id.into();
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        Management {
            controls: ids,
            frequency_factor: 1.0,
            duration_cap_days: None,
        }
    }

    /// Multiplies the managed controls' lapse frequency by `factor` (prevention).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] named `variance_frequency_factor` unless it is in `[0, 1]`.
    pub fn with_frequency_factor(mut self, factor: f64) -> Result<Management> {
        self.frequency_factor =
            check::unit_interval("variance_frequency_factor", factor, "a factor in [0, 1]")?;
        Ok(self)
    }

    /// Caps each lapse of a managed control at `days` (detection and correction).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] named `variance_duration_days` unless it is in `[0, 365]`.
    pub fn with_duration_cap_days(mut self, days: f64) -> Result<Management> {
        if !(0.0..=YEAR_DAYS).contains(&days) {
            return Err(Error::invalid(
                "variance_duration_days",
                days,
                "a number of days in [0, 365]",
            ));
        }
        self.duration_cap_days = Some(days + 0.0);
        Ok(self)
    }

    /// The ids of the managed controls.
    pub fn controls(&self) -> &[String] {
        &self.controls
    }

    /// The factor on the managed controls' lapse frequency (1 when not given).
    pub fn frequency_factor(&self) -> f64 {
        self.frequency_factor
    }

    /// The cap on the managed controls' lapse duration, in days, if given.
    pub fn duration_cap_days(&self) -> Option<f64> {
        self.duration_cap_days
    }
}

/// The party that runs a control when none is given: the scenario's owner.
pub const SELF_PARTY: &str = "self";

/// The most distinct parties (`operated_by`), groups (`group`) and CSF functions a Shapley
/// partition may have: exact shares need the insurance game on every subset of them.
pub const MAX_GROUPS: usize = 16;

/// The most controls with `manages` in one model (the per-event Shapley work doubles with each
/// group holding one).
pub const MAX_MANAGERS: usize = 6;

/// Finds a cycle in "manages" (`edges[i]`: the controls that control i manages), as the list of
/// indices around it, first repeated at the end.
pub(crate) fn find_cycle(edges: &[Vec<usize>]) -> Option<Vec<usize>> {
    // Depth-first search with colours: 0 unseen, 1 on the stack, 2 done. Iterative, so a long
    // chain cannot overflow the stack.
    let n = edges.len();
    let mut colour = vec![0u8; n];
    for root in 0..n {
        if colour[root] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        colour[root] = 1;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some(&to) = edges[node].get(*next) {
                *next += 1;
                match colour[to] {
                    0 => {
                        colour[to] = 1;
                        stack.push((to, 0));
                    }
                    1 => {
                        let start = stack.iter().position(|&(v, _)| v == to).unwrap_or(0);
                        let mut cycle: Vec<usize> =
                            stack[start..].iter().map(|&(v, _)| v).collect();
                        cycle.push(to);
                        return Some(cycle);
                    }
                    _ => {}
                }
            } else {
                colour[node] = 2;
                stack.pop();
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_forms_at_fourteen_and_fourteen() {
        let a = Reliability::lapses(14.0, 14.0).unwrap().availability();
        assert!((a - 0.5845).abs() < 1e-4, "{a}");
        // FAIR-CAM's discrete-day form and renewal theory, as in the docs.
        assert!(((1.0 - 14.0 / 365.0_f64).powi(14) - 0.5784).abs() < 1e-4);
        assert!((1.0 / (1.0 + 14.0 * 14.0 / 365.0_f64) - 0.6506).abs() < 1e-4);
        let halved = Reliability::lapses(14.0, 14.0)
            .unwrap()
            .managed_availability(0.5, f64::INFINITY);
        assert!((halved - (-98.0_f64 / 365.0).exp()).abs() < 1e-15);
        let share = Reliability::share(0.8).unwrap();
        assert!((share.managed_availability(1.0, 10.0) - (1.0 - 10.0 / 365.0)).abs() < 1e-15);
    }

    #[test]
    fn bad_numbers_are_refused() {
        for (vf, vd) in [
            (-1.0, 1.0),
            (f64::NAN, 1.0),
            (366.0, 1.0),
            (1.0, 400.0),
            (1.0, -0.5),
        ] {
            assert!(Reliability::lapses(vf, vd).is_err(), "{vf} {vd}");
        }
        assert_eq!(
            Reliability::share(1.5).unwrap_err().to_string(),
            "invalid reliability: 1.5 (expected a share of the year in [0, 1])"
        );
        assert!(Management::new(["a"]).with_frequency_factor(2.0).is_err());
        assert!(
            Management::new(["a"])
                .with_duration_cap_days(f64::NAN)
                .is_err()
        );
    }

    #[test]
    fn cycles_are_found() {
        assert_eq!(find_cycle(&[vec![1], vec![2], vec![]]), None);
        assert_eq!(
            find_cycle(&[vec![1], vec![2], vec![0]]),
            Some(vec![0, 1, 2, 0])
        );
        assert_eq!(find_cycle(&[vec![], vec![1]]), Some(vec![1, 1]));
    }
}
