//! Annual event-count models: how many loss events happen in one simulated year.
//!
//! A [`Frequency`] is the distribution of `N`, the number of loss events in one year. Each kind is
//! a validated value: the constructor checks its parameters once and precomputes the sampler,
//! so [`Distribution::sample`] never re-checks and never fails.
//!
//! One file per kind (rand_distr's `GammaRepr` is the model) holds its struct, validation,
//! sampler and moments, and what it becomes when thinned; this file holds the public type, the
//! enum of the kinds that dispatches to them, and the public constructors.
#![allow(
    clippy::neg_cmp_op_on_partial_ord,
    reason = "checks are written `!(x > 0.0)` so that NaN fails them (STYLE.md §4)"
)]

mod bernoulli;
mod binomial;
mod fixed;
mod negative_binomial;
mod poisson;
mod poisson_lognormal;
mod scaled;
mod thinned;

use rand::Rng;
use rand::distr::Distribution;

use crate::error::{Error, Result};
use crate::model::efficacy::Efficacy;

use bernoulli::Bernoulli;
use binomial::Binomial;
use fixed::Fixed;
use negative_binomial::NegativeBinomial;
use poisson::Poisson;
use poisson_lognormal::PoissonLognormal;
use thinned::Thinned;

/// Number of loss events in one year.
///
/// One trial of the simulation is one year; `N` is that year's event count. The kinds:
///
/// | constructor | `N` | mean | variance |
/// |---|---|---|---|
/// | [`poisson(λ)`](Self::poisson) | Poisson(λ) | λ | λ |
/// | [`poisson_from_annual_probability(p)`](Self::poisson_from_annual_probability) | Poisson(−ln(1 − p)) | λ | λ |
/// | [`poisson_ci90(low, high)`](Self::poisson_ci90) | Poisson(Λ), Λ ~ lognormal, drawn per trial | E\[Λ\] | E\[Λ\] + Var\[Λ\] |
/// | [`bernoulli(p)`](Self::bernoulli) | 1 with probability p, else 0 | p | p(1 − p) |
/// | [`negative_binomial(m, v)`](Self::negative_binomial) | Gamma-mixed Poisson | m | v |
/// | [`fixed(n)`](Self::fixed) | exactly n | n | 0 |
/// | [`f.thinned(V)`](Self::thinned) | each event of `f` kept with probability V (FAIR LEF = TEF × Vuln) | E\[N\]E\[V\] | see [`thinned`](Self::thinned) |
///
/// Sample it with [`rand::distr::Distribution<u64>`]. Every kind's mean is at most
/// [`MAX_RATE`](Self::MAX_RATE), so a simulated year cannot run for hours.
///
/// # Example
/// ```
/// use csfquant::Frequency;
/// use rand::distr::Distribution;
/// use rand::{SeedableRng, rngs::Xoshiro256PlusPlus};
///
/// let ransomware = Frequency::poisson(0.3)?;
/// assert!((ransomware.probability_of_event() - 0.2592).abs() < 5e-5);
/// let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
/// let events_this_year: u64 = ransomware.sample(&mut rng);
/// assert!(events_this_year < 100);
/// Ok::<(), csfquant::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frequency(Repr);

/// A law in its own closed form, or one thinned by an uncertain vulnerability.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Repr {
    Law(Law),
    Thinned(Thinned),
}

/// The kinds with a closed form, each in its own file. The thinned kind holds one as its base, so
/// a new kind is a new file, a variant here with its arms below, and a public constructor.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Law {
    /// N = 0 every year: Poisson rate 0 (rand_distr rejects it, we allow it), Bernoulli p = 0,
    /// `fixed(0)`. Sampling does not touch the generator.
    Never,
    Fixed(Fixed),
    Bernoulli(Bernoulli),
    Poisson(Poisson),
    PoissonLognormal(PoissonLognormal),
    NegativeBinomial(NegativeBinomial),
    /// A fixed count thinned by a fixed vulnerability.
    Binomial(Binomial),
}

impl Frequency {
    /// The kind and its parameters, for the scenario writer.
    pub(crate) fn repr(&self) -> &Repr {
        &self.0
    }

    /// The largest mean number of events per year that any constructor accepts.
    ///
    /// Larger means are refused so that one simulated year cannot run for hours (each event costs a
    /// magnitude draw). A million events a year is far beyond any single-organisation cyber risk.
    ///
    /// # Example
    /// ```
    /// use csfquant::Frequency;
    /// assert!(Frequency::poisson(Frequency::MAX_RATE).is_ok());
    /// assert!(Frequency::poisson(2.0 * Frequency::MAX_RATE).is_err());
    /// ```
    pub const MAX_RATE: f64 = 1e6;

    /// Poisson-distributed events with mean `rate` per year.
    ///
    /// `P(N = k) = e^{−λ} λ^k / k!`, mean λ, variance λ, `P(N >= 1) = 1 − e^{−λ}`. Use it when
    /// repeat events within a year are plausible. `rate = 0` is valid (the event never
    /// happens, e.g. a control removed the threat) and `-0.0` counts as 0.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless `rate` is finite, `>= 0` and at most
    /// [`MAX_RATE`](Self::MAX_RATE).
    ///
    /// # Example
    /// ```
    /// use csfquant::Frequency;
    /// let f = Frequency::poisson(0.1)?;
    /// assert_eq!(f.mean(), 0.1);
    /// assert!((f.probability_of_event() - 0.0952).abs() < 5e-5);
    /// assert_eq!(f.poisson_rate(), Some(0.1));
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub fn poisson(rate: f64) -> Result<Self> {
        Poisson::law(rate).map(Frequency::from_law)
    }

    /// Poisson events whose rate is stated as an annual probability `P(N >= 1) = probability`.
    ///
    /// The rate is `λ = −ln(1 − p)`, so that `1 − e^{−λ} = p` (p = 0.30 gives
    /// λ = 0.3567). FAIR's "once in 20 years" is `p = 0.05`. Unlike [`bernoulli`](Self::bernoulli),
    /// a year may have more than one event.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless `probability` lies in `[0, 1)`; `p = 1` would need an
    /// infinite rate.
    ///
    /// # Example
    /// ```
    /// use csfquant::Frequency;
    /// let f = Frequency::poisson_from_annual_probability(0.30)?;
    /// assert!((f.mean() - 0.3567).abs() < 5e-5);
    /// assert!((f.probability_of_event() - 0.30).abs() < 1e-15);
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub fn poisson_from_annual_probability(probability: f64) -> Result<Self> {
        Poisson::from_annual_probability(probability).map(Frequency::from_law)
    }

    /// Poisson events with an uncertain rate given as a calibrated 90% interval `[low, high]`.
    ///
    /// The rate Λ is lognormal with 5th percentile `low` and 95th percentile `high`:
    /// `μ = (ln low + ln high)/2`, `σ = (ln high − ln low)/(2z)`, `z = Φ⁻¹(0.95) = 1.6448536`
    /// (Hubbard & Seiersen, *How to Measure Anything in Cybersecurity Risk*). Λ is drawn **once
    /// per trial** (one simulated year), then `N ~ Poisson(Λ)`, so years with many events cluster.
    /// Moments:
    /// `E[N] = E[Λ] = e^{μ+σ²/2}`, `Var[N] = E[Λ] + Var[Λ] = E[Λ] + (e^{σ²} − 1) e^{2μ+σ²}`.
    ///
    /// The interval must not be so wide that the lognormal's far tail carries the mean: a draw of Λ
    /// is clamped at `100 · MAX_RATE` events a year, and the interval is accepted only if the part
    /// of `E[Λ]` above the clamp is below `Φ̄(6) ≈ 1e-9`, i.e. `(ln(1e8) − μ)/σ − σ >= 6`. This
    /// also guarantees `E[Λ] <= MAX_RATE` and a finite variance. The widest accepted `high / low`:
    ///
    /// | high | 0.01 | 0.1 | 1 | 10 | 100 | 1,000 | 10⁴ | 10⁶ |
    /// |---|---|---|---|---|---|---|---|---|
    /// | max `high / low` | 26,148 | 12,547 | 5,819 | 2,595 | 1,105 | 445 | 168 | 18 |
    ///
    /// # Errors
    /// - [`Error::InvalidParameter`] unless `low` is finite and `> 0`, or unless `high` is finite,
    ///   `> 0` and at most [`MAX_RATE`](Self::MAX_RATE).
    /// - [`Error::EmptyRange`] (named `ci90`) unless `low < high`; for a known rate use
    ///   [`poisson`](Self::poisson). Bounds so close that their logarithms round to the same
    ///   number (neighbouring floats such as 3 and 3⁺) meet the rule and give `σ = 0`: the rate
    ///   is then the known `e^μ`, drawn as such.
    /// - [`Error::InvalidParameter`] named `ci90 high / low` if the interval is wider than the
    ///   table above allows.
    ///
    /// # Example
    /// ```
    /// use csfquant::Frequency;
    /// let f = Frequency::poisson_ci90(0.5, 3.0)?;
    /// assert!((f.mean() - 1.4206).abs() < 5e-5); // e^{μ+σ²/2}, μ = ln(1.5)/2, σ = ln(6)/(2z)
    /// assert!(f.variance() > f.mean()); // overdispersed
    /// assert_eq!(f.poisson_rate(), None); // not one fixed rate
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub fn poisson_ci90(low: f64, high: f64) -> Result<Self> {
        PoissonLognormal::from_ci90(low, high).map(Frequency::from_law)
    }

    /// Poisson events with an uncertain rate `Λ = e^{μ+σZ}` given by its log-space parameters:
    /// the model of [`poisson_ci90`](Self::poisson_ci90), whose interval is
    /// `[e^{μ−zσ}, e^{μ+zσ}]`. Crate-private: the scenario reader's `mu`, `sigma` form, which
    /// the writer uses because it keeps the parameters bit for bit (an interval recomputed from
    /// them does not).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] named `mu` unless it is finite and the mean `e^{μ+σ²/2}` is
    /// at most [`MAX_RATE`](Self::MAX_RATE); named `sigma` unless it is a finite number `> 0`
    /// within the tail rule of [`poisson_ci90`](Self::poisson_ci90).
    pub(crate) fn poisson_lognormal(mu: f64, sigma: f64) -> Result<Self> {
        PoissonLognormal::from_mu_sigma(mu, sigma).map(Frequency::from_law)
    }

    /// At most one event a year: `N = 1` with probability `probability`, else 0.
    ///
    /// Mean p, variance p(1 − p), `P(N >= 1) = p`. Use it for events that cannot repeat within a
    /// year; FAIR's "1 in 20 years" is `p = 0.05`. `p = 0` and `p = 1` are exact.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless `probability` lies in `[0, 1]`.
    ///
    /// # Example
    /// ```
    /// use csfquant::Frequency;
    /// let f = Frequency::bernoulli(0.05)?;
    /// assert_eq!(f.probability_of_event(), 0.05);
    /// assert!((f.variance() - 0.0475).abs() < 1e-15);
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub fn bernoulli(probability: f64) -> Result<Self> {
        Bernoulli::law(probability).map(Frequency::from_law)
    }

    /// Overdispersed event counts (clustered campaigns) with the given `mean` and `variance`.
    ///
    /// A negative binomial: `r = mean²/(variance − mean)`, `p = r/(r + mean)`,
    /// `P(N = k) = Γ(k + r)/(k! Γ(r)) · p^r (1 − p)^k`, variance `= mean + mean²/r`,
    /// `P(N >= 1) = 1 − p^r` (mean 2, variance 6 gives r = 1, p = 1/3,
    /// P(N = 0) = 0.333, P(N >= 5) = 0.132). It is sampled as a Gamma-mixed Poisson:
    /// Λ ~ Gamma(shape r, scale mean/r) drawn once per trial, then `N ~ Poisson(Λ)`, the
    /// same model as an uncertain Poisson rate with a gamma prior.
    ///
    /// The variance is capped at `mean · (1 + MAX_RATE)`: then the gamma scale `mean/r` is at most
    /// `MAX_RATE`, and a Chernoff bound gives `P(Λ > 100 · MAX_RATE) < e^{−94}`, so the per-trial
    /// clamp on Λ (see [`poisson_ci90`](Self::poisson_ci90)) is never felt.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless `mean` is finite, `> 0` and at most
    /// [`MAX_RATE`](Self::MAX_RATE), and `variance` is finite with
    /// `mean < variance <= mean · (1 + MAX_RATE)`. `variance == mean` is the Poisson distribution:
    /// use [`poisson`](Self::poisson).
    ///
    /// # Example
    /// ```
    /// use csfquant::Frequency;
    /// let f = Frequency::negative_binomial(2.0, 6.0)?;
    /// assert!((1.0 - f.probability_of_event() - 1.0 / 3.0).abs() < 1e-15); // P(N = 0)
    /// assert_eq!(f.variance(), 6.0);
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub fn negative_binomial(mean: f64, variance: f64) -> Result<Self> {
        NegativeBinomial::law(mean, variance).map(Frequency::from_law)
    }

    /// Exactly `count` events every year.
    ///
    /// Mean `count`, variance 0. Handy for scenarios ("we will be phished twice") and tests.
    /// `fixed(0)` is the same as `poisson(0.0)`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] if `count` exceeds [`MAX_RATE`](Self::MAX_RATE).
    ///
    /// # Example
    /// ```
    /// use csfquant::Frequency;
    /// let f = Frequency::fixed(2)?;
    /// assert_eq!((f.mean(), f.variance(), f.probability_of_event()), (2.0, 0.0, 1.0));
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub fn fixed(count: u32) -> Result<Self> {
        Fixed::law(count).map(Frequency::from_law)
    }

    /// Loss events from threat events (Open FAIR: LEF = TEF × Vulnerability): each event of
    /// `self`, the threat event frequency, becomes a loss event independently with probability
    /// `V`, the `vulnerability` (FAIR Standard v3.0 calls it susceptibility).
    ///
    /// `V` is an [`Efficacy`]: a fixed fraction, or a PERT, uniform or triangular one within
    /// `[0, 1]` that is drawn **once per simulated year**, so all threat events of that year share
    /// it (an uncertain vulnerability is a fact about the organisation, not a coin per event).
    /// The result is exact in distribution:
    ///
    /// - fixed `v` keeps the closed form, so the engine's fast paths stay: Poisson(λ) → Poisson(λv)
    ///   (still pooled, [`poisson_rate`](Self::poisson_rate) is `Some`), Bernoulli(p) →
    ///   Bernoulli(pv), the uncertain rate `e^{μ+σZ}` → `e^{μ+ln v+σZ}`, the negative binomial
    ///   (gamma-mixed Poisson, Λ ~ Gamma(r, θ)) → Λv ~ Gamma(r, θv), i.e. mean `mv` and variance
    ///   `mv + (s − m)v²`, a fixed count n → Binomial(n, v); `v = 0` gives a frequency that never
    ///   fires and `v = 1` returns `self` unchanged;
    /// - uncertain `V`: each year draws `V`, then the count given `V`: Poisson(λV),
    ///   Poisson(ΛV) for the uncertain rate and the negative binomial, Bernoulli(pV),
    ///   Binomial(n, V).
    ///
    /// Moments (law of total variance, with `N | V ~ Binomial(N_TEF, V)`):
    /// `E[N] = E[N_TEF] E[V]` and
    /// `Var[N] = E[V²] Var[N_TEF] + (E[V] − E[V²]) E[N_TEF] + Var[V] E[N_TEF]²`.
    /// [`probability_of_event`](Self::probability_of_event) is `E_V[P(N >= 1 | V)]`, exact for a
    /// fixed `V` and for a Bernoulli, otherwise integrated over the density of `V` by the
    /// tanh-sinh rule (agrees with composite Simpson and Monte Carlo in the tests, to 1e-10).
    ///
    /// Thinning twice multiplies the vulnerabilities; a fixed one folds into the closed form, but
    /// two uncertain ones have no [`Efficacy`] for their product and are refused. A negative
    /// binomial thinned by a vulnerability so small that its gamma scale underflows (below about
    /// 4e-308) never fires: its mean would be below 1e-301.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] named `vulnerability` (with its mean) when both `self` and
    /// `vulnerability` are uncertain thinnings.
    ///
    /// # Example
    /// ```
    /// use csfquant::{Efficacy, Frequency};
    /// // DOMAIN.md §2: TEF 4 a year and a vulnerability of 0.25 give LEF 1 a year.
    /// let lef = Frequency::poisson(4.0)?.thinned(Efficacy::fixed(0.25)?)?;
    /// assert_eq!(lef.poisson_rate(), Some(1.0));
    /// // An uncertain vulnerability, drawn once a year: the same mean, a wider spread.
    /// let lef = Frequency::poisson(4.0)?.thinned(Efficacy::pert(0.1, 0.2, 0.6)?)?;
    /// assert!((lef.mean() - 1.0).abs() < 1e-12);
    /// assert!(lef.variance() > 1.0);
    /// assert_eq!(lef.vulnerability(), Some(&Efficacy::pert(0.1, 0.2, 0.6)?));
    /// // A fixed count of attempts: Binomial(3, 0.5).
    /// let f = Frequency::fixed(3)?.thinned(Efficacy::fixed(0.5)?)?;
    /// assert_eq!((f.mean(), f.variance(), f.probability_of_event()), (1.5, 0.75, 0.875));
    /// Ok::<(), csfquant::Error>(())
    /// ```
    #[doc(alias = "vulnerability")]
    #[doc(alias = "susceptibility")]
    #[doc(alias = "LEF")]
    #[doc(alias = "loss event frequency")]
    pub fn thinned(self, vulnerability: Efficacy) -> Result<Frequency> {
        Ok(Frequency(match self.0 {
            Repr::Law(law) => Thinned::of(law, vulnerability)?,
            Repr::Thinned(thinned) => thinned.thinned(vulnerability)?,
        }))
    }

    /// The vulnerability (susceptibility) of a frequency built by [`thinned`](Self::thinned)
    /// with an **uncertain** vulnerability; `None` otherwise (a fixed vulnerability folds into a
    /// closed form: Poisson(λv), Binomial(n, v), ...).
    ///
    /// # Example
    /// ```
    /// use csfquant::{Efficacy, Frequency};
    /// let v = Efficacy::uniform(0.1, 0.3)?;
    /// let lef = Frequency::poisson(4.0)?.thinned(v)?;
    /// assert_eq!(lef.vulnerability(), Some(&v));
    /// assert_eq!(lef.threat_event_frequency(), Some(Frequency::poisson(4.0)?));
    /// Ok::<(), csfquant::Error>(())
    /// ```
    #[doc(alias = "susceptibility")]
    pub fn vulnerability(&self) -> Option<&Efficacy> {
        match &self.0 {
            Repr::Thinned(thinned) => Some(thinned.vulnerability()),
            Repr::Law(_) => None,
        }
    }

    /// The threat event frequency (TEF) that an **uncertain** vulnerability thins: `Some` exactly
    /// when [`vulnerability`](Self::vulnerability) is. A fixed count thinned by a fixed
    /// vulnerability comes back as that count thinned (see [`binomial`](Self::binomial)).
    ///
    /// # Example
    /// ```
    /// use csfquant::{Efficacy, Frequency};
    /// let lef = Frequency::bernoulli(0.5)?.thinned(Efficacy::pert(0.2, 0.5, 0.9)?)?;
    /// assert_eq!(lef.threat_event_frequency(), Some(Frequency::bernoulli(0.5)?));
    /// Ok::<(), csfquant::Error>(())
    /// ```
    #[doc(alias = "TEF")]
    pub fn threat_event_frequency(&self) -> Option<Frequency> {
        match self.0 {
            Repr::Thinned(thinned) => Some(Frequency::from_law(thinned.base())),
            Repr::Law(_) => None,
        }
    }

    /// `Some((n, p))` when `N ~ Binomial(n, p)` with `n >= 2` and `0 < p < 1`: a fixed count
    /// thinned by a fixed vulnerability. `None` for every other kind (including
    /// `Binomial(n, 1)`, which is [`fixed(n)`](Self::fixed), and `Binomial(1, p)`, which is
    /// [`bernoulli(p)`](Self::bernoulli)).
    ///
    /// # Example
    /// ```
    /// use csfquant::{Efficacy, Frequency};
    /// let f = Frequency::fixed(12)?.thinned(Efficacy::fixed(0.1)?)?;
    /// assert_eq!(f.binomial(), Some((12, 0.1)));
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub fn binomial(&self) -> Option<(u32, f64)> {
        match self.0 {
            Repr::Law(Law::Binomial(binomial)) => Some(binomial.parameters()),
            _ => None,
        }
    }

    /// The expected number of events per year, `E[N]` (analytic).
    ///
    /// Poisson: λ; uncertain rate: `e^{μ+σ²/2}`; Bernoulli: p; negative binomial: the given mean;
    /// fixed: the count. Always finite, `>= 0` and at most [`MAX_RATE`](Self::MAX_RATE).
    ///
    /// # Example
    /// ```
    /// use csfquant::Frequency;
    /// assert_eq!(Frequency::negative_binomial(2.0, 6.0)?.mean(), 2.0);
    /// Ok::<(), csfquant::Error>(())
    /// ```
    #[doc(alias = "ARO")]
    #[doc(alias = "LEF")]
    pub fn mean(&self) -> f64 {
        match &self.0 {
            Repr::Law(law) => law.mean(),
            Repr::Thinned(thinned) => thinned.mean(),
        }
    }

    /// The variance of the number of events per year, `Var[N]` (analytic).
    ///
    /// Poisson: λ; uncertain rate: `E[Λ] + Var[Λ]` with `Var[Λ] = (e^{σ²} − 1) e^{2μ+σ²}` (law of
    /// total variance); Bernoulli: p(1 − p); negative binomial: the given variance
    /// (`= mean + mean²/r`); fixed: 0. Always finite and `>= 0`. These are the moments of the model
    /// as specified; the per-trial clamp of Λ at `100 · MAX_RATE` changes them by a relative amount
    /// below `Φ̄(6 − σ)` for the uncertain rate and below `e^{−90}` for the negative binomial.
    ///
    /// # Example
    /// ```
    /// use csfquant::Frequency;
    /// assert_eq!(Frequency::poisson(0.3)?.variance(), 0.3);
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub fn variance(&self) -> f64 {
        match &self.0 {
            Repr::Law(law) => law.variance(),
            Repr::Thinned(thinned) => thinned.variance(),
        }
    }

    /// The probability of at least one event in a year, `P(N >= 1)` (analytic).
    ///
    /// Poisson: `1 − e^{−λ}`; Bernoulli: p; negative binomial: `1 − (r/(r + mean))^r`; fixed: 1.
    /// For the uncertain rate, `1 − E[e^{−Λ}] = ∫ φ(z) (1 − exp(−e^{μ+σz})) dz`, computed by the
    /// trapezoid rule in `z = (ln Λ − μ)/σ` on `[−13, σ + 13]` with step `0.1/max(σ, 1)`: the
    /// integrand is entire and Gaussian-decaying, so the rule converges geometrically (see the
    /// source; the tests agree with an independent Simpson rule to 1e-12).
    ///
    /// # Example
    /// ```
    /// use csfquant::Frequency;
    /// let p = Frequency::poisson(0.5)?.probability_of_event();
    /// assert!((p - 0.393469).abs() < 5e-7); // 1 − e^{−0.5}
    /// Ok::<(), csfquant::Error>(())
    /// ```
    #[doc(alias = "P(N >= 1)")]
    pub fn probability_of_event(&self) -> f64 {
        match &self.0 {
            Repr::Law(law) => law.probability_of_event(),
            Repr::Thinned(thinned) => thinned.probability_of_event(),
        }
    }

    /// `Some(rate)` exactly when `N` is Poisson with a fixed, known rate (including 0).
    ///
    /// The engine pools all such risks into one Poisson stream. Also `Some(0.0)` for
    /// `bernoulli(0.0)` and `fixed(0)`, which are the same distribution. `None` for an uncertain
    /// rate, the negative binomial, a Bernoulli with `p > 0` and a fixed count `> 0`.
    ///
    /// # Example
    /// ```
    /// use csfquant::Frequency;
    /// assert_eq!(Frequency::poisson(0.25)?.poisson_rate(), Some(0.25));
    /// assert_eq!(Frequency::bernoulli(0.25)?.poisson_rate(), None);
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub fn poisson_rate(&self) -> Option<f64> {
        match self.0 {
            Repr::Law(Law::Never) => Some(0.0),
            Repr::Law(Law::Poisson(poisson)) => Some(poisson.rate()),
            Repr::Law(_) | Repr::Thinned(_) => None,
        }
    }

    const fn from_law(law: Law) -> Frequency {
        Frequency(Repr::Law(law))
    }
}

/// Draws this year's event count `N`.
///
/// Generator use per call: none for `poisson(0)`, `bernoulli(0)` and `fixed(n)`; one `u64` for a
/// Bernoulli; rand_distr's Poisson for a fixed rate; one standard normal (or one gamma draw) then a
/// Poisson for an uncertain rate (or a negative binomial). This sequence is part of the
/// value-stability contract.
impl Distribution<u64> for Frequency {
    #[inline]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> u64 {
        match &self.0 {
            Repr::Law(law) => law.sample(rng),
            Repr::Thinned(thinned) => thinned.sample(rng),
        }
    }
}

/// One `match` per operation over the kinds; each arm calls the kind's own code.
impl Law {
    fn mean(&self) -> f64 {
        match self {
            Law::Never => 0.0,
            Law::Fixed(k) => k.mean(),
            Law::Bernoulli(k) => k.mean(),
            Law::Poisson(k) => k.mean(),
            Law::PoissonLognormal(k) => k.mean(),
            Law::NegativeBinomial(k) => k.mean(),
            Law::Binomial(k) => k.mean(),
        }
    }

    fn variance(&self) -> f64 {
        match self {
            Law::Never => 0.0,
            Law::Fixed(k) => k.variance(),
            Law::Bernoulli(k) => k.variance(),
            Law::Poisson(k) => k.variance(),
            Law::PoissonLognormal(k) => k.variance(),
            Law::NegativeBinomial(k) => k.variance(),
            Law::Binomial(k) => k.variance(),
        }
    }

    fn probability_of_event(&self) -> f64 {
        match self {
            Law::Never => 0.0,
            Law::Fixed(k) => k.probability_of_event(),
            Law::Bernoulli(k) => k.probability_of_event(),
            Law::Poisson(k) => k.probability_of_event(),
            Law::PoissonLognormal(k) => k.probability_of_event(),
            Law::NegativeBinomial(k) => k.probability_of_event(),
            Law::Binomial(k) => k.probability_of_event(),
        }
    }

    /// Generator use: none for `Never` and `Fixed`; see each kind's `sample`.
    #[inline]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> u64 {
        match self {
            Law::Never => 0,
            Law::Fixed(k) => k.sample(),
            Law::Bernoulli(k) => k.sample(rng),
            Law::Poisson(k) => k.sample(rng),
            Law::PoissonLognormal(k) => k.sample(rng),
            Law::NegativeBinomial(k) => k.sample(rng),
            Law::Binomial(k) => k.sample(rng),
        }
    }

    /// This law thinned by a known `v` in `[0, 1]`, in its own closed form: the same law for
    /// `v = 1`, `Never` for `v = 0` (or when the thinned law cannot fire).
    fn thinned_by(self, v: f64) -> Result<Law> {
        if v == 1.0 {
            return Ok(self);
        }
        if v == 0.0 {
            return Ok(Law::Never);
        }
        match self {
            Law::Never => Ok(Law::Never),
            Law::Fixed(k) => k.thinned_by(v),
            Law::Bernoulli(k) => k.thinned_by(v),
            Law::Poisson(k) => k.thinned_by(v),
            Law::PoissonLognormal(k) => Ok(k.thinned_by(v)),
            Law::NegativeBinomial(k) => Ok(k.thinned_by(v)),
            Law::Binomial(k) => k.thinned_by(v),
        }
    }

    /// `Some(p)` when at most one event can happen, with `P(N = 1) = p`.
    fn single_event_probability(&self) -> Option<f64> {
        match self {
            Law::Fixed(k) => k.single_event_probability(),
            Law::Bernoulli(k) => k.single_event_probability(),
            Law::Never
            | Law::Poisson(_)
            | Law::PoissonLognormal(_)
            | Law::NegativeBinomial(_)
            | Law::Binomial(_) => None,
        }
    }

    /// `P(N >= 1)` for this law thinned by `v` in `[0, 1]`.
    fn thinned_event_probability(&self, v: f64) -> f64 {
        if !(v > 0.0) {
            return 0.0;
        }
        match self {
            Law::Never => 0.0,
            Law::Fixed(k) => k.thinned_event_probability(v),
            Law::Bernoulli(k) => k.thinned_event_probability(v),
            Law::Poisson(k) => k.thinned_event_probability(v),
            Law::PoissonLognormal(k) => k.thinned_event_probability(v),
            Law::NegativeBinomial(k) => k.thinned_event_probability(v),
            Law::Binomial(k) => k.thinned_event_probability(v),
        }
    }

    /// N given this year's vulnerability `v`, drawn by the thinned kind.
    fn sample_thinned<R: Rng + ?Sized>(&self, rng: &mut R, v: f64) -> u64 {
        match self {
            Law::Never => 0,
            Law::Fixed(k) => k.sample_thinned(rng, v),
            Law::Bernoulli(k) => k.sample_thinned(rng, v),
            Law::Poisson(k) => k.sample_thinned(rng, v),
            Law::PoissonLognormal(k) => k.sample_thinned(rng, v),
            Law::NegativeBinomial(k) => k.sample_thinned(rng, v),
            Law::Binomial(k) => k.sample_thinned(rng, v),
        }
    }
}

const MAX_RATE_RULE: &str = "at most 1e6 events a year (Frequency::MAX_RATE)";

/// Refuses means above [`Frequency::MAX_RATE`]; NaN was already refused by the caller.
fn check_max_rate(name: &'static str, value: f64) -> Result<()> {
    if value <= Frequency::MAX_RATE {
        Ok(())
    } else {
        Err(Error::invalid(name, value, MAX_RATE_RULE))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::model::Z95;

    pub(super) fn msg(r: Result<Frequency>) -> String {
        r.unwrap_err().to_string()
    }

    #[test]
    fn domain_vectors() {
        // DOMAIN.md §3 (values computed with SciPy in shared/calc, quoted to 4 d.p.): tolerance
        // half a unit in the last quoted place.
        let p1 = Frequency::poisson(0.3).unwrap().probability_of_event();
        assert!((p1 - 0.2592).abs() < 5e-5, "{p1}");
        // P(N >= 2) = 1 − e^{−λ}(1 + λ) = 0.0369 follows from the same closed form.
        assert!((p1 - 0.3 * (-0.3f64).exp() - 0.0369).abs() < 5e-5);
        let p = Frequency::poisson(0.1).unwrap().probability_of_event();
        assert!((p - 0.0952).abs() < 5e-5, "{p}");
        let m = Frequency::poisson_from_annual_probability(0.30)
            .unwrap()
            .mean();
        assert!((m - 0.3567).abs() < 5e-5, "{m}");
        // NB(mean 2, variance 6): P(0) = p^r = 1/3 = 0.333.
        let nb = Frequency::negative_binomial(2.0, 6.0).unwrap();
        assert!((1.0 - nb.probability_of_event() - 1.0 / 3.0).abs() < 1e-15);
        // DOMAIN.md §9, vector 2: Poisson 0.5, P(N >= 1) = 0.393469.
        let p = Frequency::poisson(0.5).unwrap().probability_of_event();
        assert!((p - 0.393_469).abs() < 5e-7, "{p}");
    }

    #[test]
    fn moments() {
        let f = Frequency::poisson_ci90(0.5, 3.0).unwrap();
        let (mu, sigma) = (0.5 * 1.5f64.ln(), 6f64.ln() / (2.0 * Z95));
        let mean = (mu + sigma * sigma / 2.0).exp();
        assert!((f.mean() - mean).abs() < 1e-14);
        let var_lambda = ((sigma * sigma).exp() - 1.0) * (2.0 * mu + sigma * sigma).exp();
        assert!((f.variance() - (mean + var_lambda)).abs() < 1e-13);
        let b = Frequency::bernoulli(0.25).unwrap();
        assert_eq!(
            (b.mean(), b.variance(), b.probability_of_event()),
            (0.25, 0.1875, 0.25)
        );
        let b = Frequency::bernoulli(1.0).unwrap();
        assert_eq!(
            (b.mean(), b.variance(), b.probability_of_event()),
            (1.0, 0.0, 1.0)
        );
        let n = Frequency::poisson(0.0).unwrap();
        assert_eq!(
            (n.mean(), n.variance(), n.probability_of_event()),
            (0.0, 0.0, 0.0)
        );
        assert_eq!(
            Frequency::poisson_ci90(0.5, 3.0).unwrap().poisson_rate(),
            None
        );
        assert_eq!(
            Frequency::negative_binomial(2.0, 6.0)
                .unwrap()
                .poisson_rate(),
            None
        );
        assert_eq!(Frequency::fixed(2).unwrap().poisson_rate(), None);
        assert_eq!(Frequency::fixed(0).unwrap().poisson_rate(), Some(0.0));
        assert_eq!(Frequency::bernoulli(0.0).unwrap().poisson_rate(), Some(0.0));
    }
}
