//! Annual event-count models: how many loss events happen in one simulated year.
//!
//! A [`Frequency`] is the distribution of `N`, the number of loss events in one year. Each kind is
//! a validated value: the constructor checks its parameters once and precomputes the sampler,
//! so [`Distribution::sample`] never re-checks and never fails.
#![allow(
    clippy::neg_cmp_op_on_partial_ord,
    reason = "checks are written `!(x > 0.0)` so that NaN fails them (STYLE.md §4)"
)]

use rand::distr::Distribution;
use rand::{Rng, RngExt};
use rand_distr::{Binomial, Gamma, Poisson, StandardNormal};

use crate::check::{non_negative, positive, probability};
use crate::error::{Error, Result};
use crate::model::Z95;
use crate::model::efficacy::Efficacy;

/// A Poisson mean drawn in a trial (uncertain rate, negative binomial) is clamped to this value.
///
/// Why: every event costs the engine a magnitude draw, so one freak year with 10^12 events would run
/// for hours. Sampling N itself is O(1) for large means (rand_distr uses Ahrens–Dieter's
/// rejection method for means >= 12). The constructors refuse every model for which the clamp is not
/// negligible (see [`TAIL_Z`] and [`Frequency::negative_binomial`]), so it guards runtime and moves
/// the mean count by less than 1e-9 (relative).
const RATE_CLAMP: f64 = 100.0 * Frequency::MAX_RATE;

/// For the lognormal (uncertain) rate, the constructor requires `(ln RATE_CLAMP − μ)/σ − σ >= TAIL_Z`.
///
/// For a lognormal, `E[Λ · 1{Λ > c}] = E[Λ] · Φ̄((ln c − μ)/σ − σ)`, so this bounds the share of the
/// mean rate that lies above the clamp by `Φ̄(6) = 9.87e-10`; the probability that a trial is clamped
/// at all, `Φ̄((ln c − μ)/σ) <= Φ̄(6 + σ)`, is smaller still (3.0e-12 for the widest interval allowed
/// with `high = MAX_RATE`, `[55_355, 1e6]`; at most 2.1e-15 when `high <= 1000`).
const TAIL_Z: f64 = 6.0;

/// `1/√(2π)`, the standard normal density at 0.
const INV_SQRT_2PI: f64 = 0.398_942_280_401_432_7;

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

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Repr {
    /// N = 0 every year: Poisson rate 0 (rand_distr rejects it, we allow it), Bernoulli p = 0,
    /// `fixed(0)`. Sampling does not touch the generator.
    Never,
    /// N = count every year, `1 <= count <= MAX_RATE`.
    Fixed(u32),
    /// N = 1 with `probability` in (0, 1], else 0.
    Bernoulli { probability: f64 },
    /// N ~ Poisson(rate), `0 < rate <= MAX_RATE`, constants precomputed once.
    Poisson { rate: f64, sampler: Poisson<f64> },
    /// N ~ Poisson(Λ), Λ = exp(mu + sigma·Z) drawn once per trial; constructor guarantees the
    /// [`TAIL_Z`] condition.
    PoissonLognormal { mu: f64, sigma: f64 },
    /// N ~ Poisson(Λ), Λ ~ Gamma(shape r, scale mean/r) drawn once per trial.
    NegativeBinomial {
        mean: f64,
        variance: f64,
        r: f64,
        gamma: Gamma<f64>,
    },
    /// N ~ Binomial(trials, probability), `trials >= 2`, `0 < probability < 1`: a fixed count
    /// thinned by a fixed vulnerability.
    Binomial {
        trials: u32,
        probability: f64,
        sampler: Binomial,
    },
    /// `base` thinned by an uncertain vulnerability V drawn once per trial (or, for the rare
    /// cases without a closed form, a fixed one): N | V ~ the base law with rate (or probability)
    /// scaled by V.
    Thinned { base: Base, vulnerability: Efficacy },
}

/// The laws that [`Repr::Thinned`] scales by a vulnerability drawn in the trial.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Base {
    /// Binomial(trials, probability), `trials >= 1`, `0 < probability <= 1`: a fixed count
    /// (`probability = 1`), a Bernoulli (`trials = 1`) or a binomial.
    Binomial { trials: u32, probability: f64 },
    /// Poisson(rate), `rate > 0`.
    Poisson { rate: f64 },
    /// Poisson(e^{μ + σZ}).
    PoissonLognormal { mu: f64, sigma: f64 },
    /// Poisson(Λ), Λ ~ Gamma(r, scale mean/r).
    NegativeBinomial {
        mean: f64,
        variance: f64,
        r: f64,
        gamma: Gamma<f64>,
    },
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
        let rate = non_negative("rate", rate)?;
        check_max_rate("rate", rate)?;
        if rate == 0.0 {
            return Ok(Frequency(Repr::Never));
        }
        // `0 < rate <= 1e6` lies inside rand_distr's domain `(0, MAX_LAMBDA]`, so this cannot fail;
        // map the error anyway rather than unwrap.
        Poisson::new(rate)
            .map(|sampler| Frequency(Repr::Poisson { rate, sampler }))
            .map_err(|_| Error::invalid("rate", rate, MAX_RATE_RULE))
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
        if !(0.0..1.0).contains(&probability) {
            return Err(Error::invalid(
                "probability",
                probability,
                "a probability in [0, 1) (p = 1 would need an infinite Poisson rate)",
            ));
        }
        // ln_1p is exact near p = 0, where 1 − p would lose digits; p < 1 keeps λ <= 36.8.
        Frequency::poisson(-(-probability).ln_1p())
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
    ///   [`poisson`](Self::poisson).
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
        let low = positive("low", low)?;
        let high = positive("high", high)?;
        check_max_rate("high", high)?;
        if !(low < high) {
            return Err(Error::empty_range("ci90", low, high));
        }
        let (ln_low, ln_high) = (low.ln(), high.ln());
        let mu = 0.5 * (ln_low + ln_high);
        let sigma = (ln_high - ln_low) / (2.0 * Z95);
        // sigma > 0: ln is strictly increasing, and low < high are both normal or subnormal
        // positive finite numbers whose logs differ by at least ~1e-16.
        if !((RATE_CLAMP.ln() - mu) / sigma - sigma >= TAIL_Z) {
            return Err(Error::invalid(
                "ci90 high / low",
                high / low,
                "a narrower interval: the lognormal rate may put at most 1e-9 of its mean above \
                 1e8 events a year (see Frequency::poisson_ci90)",
            ));
        }
        // Why E[Λ] <= MAX_RATE follows: μ = ln high − zσ gives E[Λ] = high · e^{σ²/2 − zσ} <= high
        // when σ <= 2z; for σ > 2z the tail condition gives μ + σ²/2 <= ln 1e8 − 6σ − σ²/2, i.e.
        // E[Λ] <= 1e8 · e^{−19.7 − 5.4} < 1e-3. Likewise E[Λ²] = e^{2μ+2σ²} <= 1e16 stays finite.
        Ok(Frequency(Repr::PoissonLognormal { mu, sigma }))
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
        let probability = self::probability("probability", probability)?;
        if probability == 0.0 {
            // N = 0 almost surely: the same distribution as Poisson(0), and the engine may pool it.
            return Ok(Frequency(Repr::Never));
        }
        Ok(Frequency(Repr::Bernoulli { probability }))
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
        let mean = positive("mean", mean)?;
        check_max_rate("mean", mean)?;
        if variance == mean {
            return Err(Error::invalid(
                "variance",
                variance,
                "a variance > mean (variance == mean is the Poisson distribution: use \
                 Frequency::poisson(mean))",
            ));
        }
        if !(variance > mean) {
            return Err(Error::invalid(
                "variance",
                variance,
                "a finite number > mean (the negative binomial is overdispersed)",
            ));
        }
        if !(variance <= mean * (1.0 + Frequency::MAX_RATE)) {
            return Err(Error::invalid(
                "variance",
                variance,
                "at most mean * (1 + 1e6) (Frequency::MAX_RATE), so that the gamma-mixed rate \
                 stays below 1e8 events a year",
            ));
        }
        // theta = mean / r = (variance − mean)/mean, the gamma scale. variance − mean is exact
        // here (Sterbenz) or at least one ulp of mean, so theta >= 2^-53 > 0 and
        // r = mean/theta <= 1e6 · 2^53 is finite. r can underflow to 0 only for a mean below
        // ~1e-317; Gamma::new then refuses it and we report the mean.
        let theta = (variance - mean) / mean;
        let r = mean / theta;
        Gamma::new(r, theta)
            .map(|gamma| {
                Frequency(Repr::NegativeBinomial {
                    mean,
                    variance,
                    r,
                    gamma,
                })
            })
            .map_err(|_| {
                Error::invalid(
                    "mean",
                    mean,
                    "a mean large enough that r = mean^2 / (variance - mean) does not underflow",
                )
            })
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
        check_max_rate("count", f64::from(count))?;
        if count == 0 {
            return Ok(Frequency(Repr::Never));
        }
        Ok(Frequency(Repr::Fixed(count)))
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
        if let Some(v) = vulnerability.fixed_value() {
            return Ok(self.thinned_by(v));
        }
        match self.0 {
            Repr::Never => Ok(self),
            Repr::Thinned { .. } => Err(Error::invalid(
                "vulnerability",
                vulnerability.mean(),
                "a fixed vulnerability (this frequency is already thinned by an uncertain one, \
                 and the product of two uncertain vulnerabilities is not an Efficacy)",
            )),
            other => Ok(base_of(other).map_or(self, |base| {
                Frequency(Repr::Thinned {
                    base,
                    vulnerability,
                })
            })),
        }
    }

    /// Thinning by a known `v` in `[0, 1]`: the closed forms of [`thinned`](Self::thinned).
    fn thinned_by(self, v: f64) -> Frequency {
        if v == 1.0 {
            return self;
        }
        let never = Frequency(Repr::Never);
        if v == 0.0 {
            return never;
        }
        match self.0 {
            Repr::Thinned {
                base,
                vulnerability,
            } => base.thinned_by(v).map_or(never, |base| {
                Frequency(Repr::Thinned {
                    base,
                    vulnerability,
                })
            }),
            other => base_of(other)
                .and_then(|base| base.thinned_by(v))
                .map_or(never, Base::into_frequency),
        }
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
            Repr::Thinned { vulnerability, .. } => Some(vulnerability),
            _ => None,
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
            Repr::Thinned { base, .. } => Some(base.into_frequency()),
            _ => None,
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
            Repr::Binomial {
                trials,
                probability,
                ..
            } => Some((trials, probability)),
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
        match self.0 {
            Repr::Never => 0.0,
            Repr::Fixed(count) => f64::from(count),
            Repr::Bernoulli { probability } => probability,
            Repr::Poisson { rate, .. } => rate,
            Repr::PoissonLognormal { mu, sigma } => (mu + 0.5 * sigma * sigma).exp(),
            Repr::NegativeBinomial { mean, .. } => mean,
            Repr::Binomial {
                trials,
                probability,
                ..
            } => f64::from(trials) * probability,
            Repr::Thinned {
                base,
                vulnerability,
            } => base.mean() * vulnerability.mean(),
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
        match self.0 {
            Repr::Never | Repr::Fixed(_) => 0.0,
            Repr::Bernoulli { probability } => probability * (1.0 - probability),
            Repr::Poisson { rate, .. } => rate,
            Repr::PoissonLognormal { mu, sigma } => {
                let s2 = sigma * sigma;
                (mu + 0.5 * s2).exp() + s2.exp_m1() * (2.0 * mu + s2).exp()
            }
            Repr::NegativeBinomial { variance, .. } => variance,
            Repr::Binomial {
                trials,
                probability,
                ..
            } => f64::from(trials) * probability * (1.0 - probability),
            Repr::Thinned {
                base,
                vulnerability,
            } => {
                // Law of total variance over V, with N | V, N_TEF ~ Binomial(N_TEF, V):
                // E[Var] = E[V²] Var[N_TEF] + (E[V] − E[V²]) E[N_TEF],
                // Var[E] = Var[V] E[N_TEF]². Every term is >= 0 (V² <= V on [0, 1]).
                let (m, s) = (base.mean(), base.variance());
                let (ev, ev2) = (vulnerability.mean(), vulnerability.second_moment());
                ev2 * s + (ev - ev2).max(0.0) * m + vulnerability.variance() * m * m
            }
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
        match self.0 {
            Repr::Never => 0.0,
            Repr::Fixed(_) => 1.0,
            Repr::Bernoulli { probability } => probability,
            Repr::Poisson { rate, .. } => -(-rate).exp_m1(),
            Repr::PoissonLognormal { mu, sigma } => lognormal_poisson_event_probability(mu, sigma),
            // (r/(r + mean))^r = (1 + theta)^(−r) with theta = mean/r; expm1/ln_1p keep digits
            // both for tiny probabilities and for r -> infinity (limit 1 − e^{−mean}).
            Repr::NegativeBinomial { mean, r, .. } => -(-r * (mean / r).ln_1p()).exp_m1(),
            Repr::Binomial {
                trials,
                probability,
                ..
            } => Base::Binomial {
                trials,
                probability,
            }
            .event_probability(1.0),
            Repr::Thinned {
                base:
                    Base::Binomial {
                        trials: 1,
                        probability,
                    },
                vulnerability,
            } => probability * vulnerability.mean(),
            Repr::Thinned {
                base,
                vulnerability,
            } => vulnerability
                .expectation(|v| base.event_probability(v))
                .clamp(0.0, 1.0),
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
            Repr::Never => Some(0.0),
            Repr::Poisson { rate, .. } => Some(rate),
            Repr::Fixed(_)
            | Repr::Bernoulli { .. }
            | Repr::PoissonLognormal { .. }
            | Repr::NegativeBinomial { .. }
            | Repr::Binomial { .. }
            | Repr::Thinned { .. } => None,
        }
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
            Repr::Never => 0,
            Repr::Fixed(count) => u64::from(*count),
            // random::<f64>() lies in [0, 1): `< 1` always holds and `< p` has probability p.
            Repr::Bernoulli { probability } => u64::from(rng.random::<f64>() < *probability),
            // Samples are whole numbers <= ~1e6 + 1e4; `as` is exact.
            Repr::Poisson { sampler, .. } => sampler.sample(rng) as u64,
            Repr::PoissonLognormal { mu, sigma } => {
                let z: f64 = rng.sample(StandardNormal);
                poisson_with_mean(rng, (mu + sigma * z).exp())
            }
            Repr::NegativeBinomial { gamma, .. } => {
                let lambda = gamma.sample(rng);
                poisson_with_mean(rng, lambda)
            }
            other => sample_thinned(other, rng),
        }
    }
}

/// The kinds built by [`Frequency::thinned`] that have no older closed form: kept out of line so
/// that the engine's loop over the other kinds stays as it was.
#[inline(never)]
fn sample_thinned<R: Rng + ?Sized>(repr: &Repr, rng: &mut R) -> u64 {
    match repr {
        Repr::Binomial { sampler, .. } => sampler.sample(rng),
        Repr::Thinned {
            base,
            vulnerability,
        } => {
            // One draw of V for the year, then the count given V.
            let v = vulnerability.sample(rng);
            match *base {
                Base::Binomial {
                    trials: 1,
                    probability,
                } => u64::from(rng.random::<f64>() < probability * v),
                Base::Binomial {
                    trials,
                    probability,
                } => {
                    let p = probability * v;
                    if !(p > 0.0) {
                        return 0;
                    }
                    // 0 < p <= 1 is inside rand_distr's domain; were it refused, the mean is the
                    // best single value.
                    match Binomial::new(u64::from(trials), p.min(1.0)) {
                        Ok(b) => b.sample(rng),
                        Err(_) => (f64::from(trials) * p) as u64,
                    }
                }
                Base::Poisson { rate } => poisson_with_mean(rng, rate * v),
                Base::PoissonLognormal { mu, sigma } => {
                    let z: f64 = rng.sample(StandardNormal);
                    poisson_with_mean(rng, (mu + sigma * z).exp() * v)
                }
                Base::NegativeBinomial { gamma, .. } => {
                    let lambda = gamma.sample(rng);
                    poisson_with_mean(rng, lambda * v)
                }
            }
        }
        Repr::Never
        | Repr::Fixed(_)
        | Repr::Bernoulli { .. }
        | Repr::Poisson { .. }
        | Repr::PoissonLognormal { .. }
        | Repr::NegativeBinomial { .. } => unreachable!("sampled inline by Frequency::sample"),
    }
}

/// The law of a frequency as the base of a thinning; `None` for `Never` (thinning keeps it)
/// and for a thinned frequency.
fn base_of(repr: Repr) -> Option<Base> {
    match repr {
        Repr::Never | Repr::Thinned { .. } => None,
        Repr::Fixed(count) => Some(Base::Binomial {
            trials: count,
            probability: 1.0,
        }),
        Repr::Bernoulli { probability } => Some(Base::Binomial {
            trials: 1,
            probability,
        }),
        Repr::Binomial {
            trials,
            probability,
            ..
        } => Some(Base::Binomial {
            trials,
            probability,
        }),
        Repr::Poisson { rate, .. } => Some(Base::Poisson { rate }),
        Repr::PoissonLognormal { mu, sigma } => Some(Base::PoissonLognormal { mu, sigma }),
        Repr::NegativeBinomial {
            mean,
            variance,
            r,
            gamma,
        } => Some(Base::NegativeBinomial {
            mean,
            variance,
            r,
            gamma,
        }),
    }
}

impl Base {
    /// The base thinned by a known `v` in `(0, 1)`; `None` if it never fires.
    fn thinned_by(self, v: f64) -> Option<Base> {
        match self {
            Base::Binomial {
                trials,
                probability,
            } => {
                let probability = probability * v;
                (probability > 0.0).then_some(Base::Binomial {
                    trials,
                    probability,
                })
            }
            Base::Poisson { rate } => {
                let rate = rate * v;
                (rate > 0.0).then_some(Base::Poisson { rate })
            }
            // Λv = e^{μ + ln v + σZ}: a smaller μ keeps the constructor's tail condition.
            Base::PoissonLognormal { mu, sigma } => Some(Base::PoissonLognormal {
                mu: mu + v.ln(),
                sigma,
            }),
            Base::NegativeBinomial {
                mean, variance, r, ..
            } => {
                // Λ ~ Gamma(r, θ) gives Λv ~ Gamma(r, θv): the same shape, so the thinned count
                // is again a gamma-mixed Poisson with mean mv and variance
                // mv + r(θv)² = mv + (s − m)v² (since s − m = rθ²).
                let theta = (variance - mean) / mean;
                let gamma = Gamma::new(r, theta * v).ok()?;
                Some(Base::NegativeBinomial {
                    mean: mean * v,
                    variance: mean * v + (variance - mean) * v * v,
                    r,
                    gamma,
                })
            }
        }
    }

    /// The frequency with this law, in its own closed form.
    fn into_frequency(self) -> Frequency {
        Frequency(match self {
            Base::Binomial {
                trials,
                probability,
            } => {
                if probability >= 1.0 {
                    Repr::Fixed(trials)
                } else if trials == 1 {
                    Repr::Bernoulli { probability }
                } else {
                    match Binomial::new(u64::from(trials), probability) {
                        Ok(sampler) => Repr::Binomial {
                            trials,
                            probability,
                            sampler,
                        },
                        // Unreachable (0 < probability < 1); keep the law all the same.
                        Err(_) => Repr::Thinned {
                            base: self,
                            vulnerability: Efficacy::ONE,
                        },
                    }
                }
            }
            Base::Poisson { rate } => match Poisson::new(rate) {
                Ok(sampler) => Repr::Poisson { rate, sampler },
                // Unreachable: 0 < rate <= MAX_RATE.
                Err(_) => Repr::Thinned {
                    base: self,
                    vulnerability: Efficacy::ONE,
                },
            },
            Base::PoissonLognormal { mu, sigma } => Repr::PoissonLognormal { mu, sigma },
            Base::NegativeBinomial {
                mean,
                variance,
                r,
                gamma,
            } => Repr::NegativeBinomial {
                mean,
                variance,
                r,
                gamma,
            },
        })
    }

    fn mean(&self) -> f64 {
        match *self {
            Base::Binomial {
                trials,
                probability,
            } => f64::from(trials) * probability,
            Base::Poisson { rate } => rate,
            Base::PoissonLognormal { mu, sigma } => (mu + 0.5 * sigma * sigma).exp(),
            Base::NegativeBinomial { mean, .. } => mean,
        }
    }

    fn variance(&self) -> f64 {
        match *self {
            Base::Binomial {
                trials,
                probability,
            } => f64::from(trials) * probability * (1.0 - probability),
            Base::Poisson { rate } => rate,
            Base::PoissonLognormal { mu, sigma } => {
                let s2 = sigma * sigma;
                (mu + 0.5 * s2).exp() + s2.exp_m1() * (2.0 * mu + s2).exp()
            }
            Base::NegativeBinomial { variance, .. } => variance,
        }
    }

    /// `P(N >= 1)` for the base thinned by `v` in `[0, 1]`.
    fn event_probability(&self, v: f64) -> f64 {
        if !(v > 0.0) {
            return 0.0;
        }
        match *self {
            // 1 − (1 − pv)^n without cancellation for small pv.
            Base::Binomial {
                trials,
                probability,
            } => -(f64::from(trials) * (-probability * v).ln_1p()).exp_m1(),
            Base::Poisson { rate } => -(-rate * v).exp_m1(),
            Base::PoissonLognormal { mu, sigma } => {
                lognormal_poisson_event_probability(mu + v.ln(), sigma)
            }
            // 1 − (1 + θv)^(−r), θ = mean/r.
            Base::NegativeBinomial { mean, r, .. } => -(-r * (mean * v / r).ln_1p()).exp_m1(),
        }
    }
}

/// One Poisson(λ) draw for a mean drawn in this trial.
#[inline]
fn poisson_with_mean<R: Rng + ?Sized>(rng: &mut R, lambda: f64) -> u64 {
    // λ = exp(..) or a gamma draw underflows to 0 in the far left tail: N = 0, and rand_distr
    // would refuse λ = 0. `!(λ > 0)` also sends a NaN (impossible: finite parameters) to 0.
    if !(lambda > 0.0) {
        return 0;
    }
    // See RATE_CLAMP: the constructors make this clamp a runtime guard with negligible effect.
    let lambda = lambda.min(RATE_CLAMP);
    match Poisson::new(lambda) {
        Ok(poisson) => poisson.sample(rng) as u64,
        // Unreachable: 0 < λ <= 1e8 is inside rand_distr's domain. Were it reached, the mean is
        // the best single value (a Poisson's relative spread at λ >= 1e8 is below 1e-4), and
        // `as` saturates instead of panicking.
        Err(_) => lambda as u64,
    }
}

/// `P(N >= 1) = ∫ φ(z) (1 − exp(−e^{μ+σz})) dz` for `N ~ Poisson(e^{μ+σZ})`.
///
/// Trapezoid rule on `[−13, σ + 13]` with `h = 0.1/max(σ, 1)`. Accuracy: the integrand is an entire
/// function; on the strip `|Im z| <= d = π/(4 max(σ, 1))` the phase of `e^{μ+σz}` stays within
/// `±π/4`, so `|1 − exp(−e^w)| <= min(2, |e^w|)` and the trapezoid error is about
/// `2M·e^{−2πd/h} = 2M·e^{−π²/0.2} ≈ 1e-21·M`, with M of the order of the integral. The integrand
/// is below `φ(z)·min(1, e^{μ+σz}) = min(φ(z), E[Λ]·φ(z − σ))`, so the truncated tails are below
/// `Φ̄(13) ≈ 6e-39` relative to the result. At most ~13,000 evaluations (σ <= 25.5 for every
/// accepted interval); this is a cold query.
fn lognormal_poisson_event_probability(mu: f64, sigma: f64) -> f64 {
    let (a, b) = (-13.0, sigma + 13.0);
    // Whole number of steps: b − a <= 13 + 25.5 + 13 and 1/h <= 255, so n < 2e4.
    let steps = ((b - a) * sigma.max(1.0) / 0.1).ceil().max(1.0);
    let h = (b - a) / steps;
    let n = steps as u32;
    let f = |z: f64| INV_SQRT_2PI * (-0.5 * z * z).exp() * -(-(mu + sigma * z).exp()).exp_m1();
    let ends = 0.5 * (f(a) + f(b));
    let inner: f64 = (1..n).map(|i| f(a + f64::from(i) * h)).sum();
    ((ends + inner) * h).clamp(0.0, 1.0)
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

    fn msg(r: Result<Frequency>) -> String {
        r.unwrap_err().to_string()
    }

    #[test]
    fn poisson_construction() {
        assert_eq!(Frequency::poisson(0.0).unwrap().0, Repr::Never);
        assert_eq!(Frequency::poisson(-0.0).unwrap().0, Repr::Never);
        assert_eq!(Frequency::poisson(-0.0).unwrap().poisson_rate(), Some(0.0));
        assert!(
            Frequency::poisson(-0.0)
                .unwrap()
                .poisson_rate()
                .unwrap()
                .is_sign_positive()
        );
        assert!(matches!(
            Frequency::poisson(0.3).unwrap().0,
            Repr::Poisson { rate: 0.3, .. }
        ));
        assert!(matches!(
            Frequency::poisson(Frequency::MAX_RATE).unwrap().0,
            Repr::Poisson { .. }
        ));
        assert!(matches!(
            Frequency::poisson(5e-324).unwrap().0,
            Repr::Poisson { .. }
        ));
        assert_eq!(
            msg(Frequency::poisson(-1.0)),
            "invalid rate: -1 (expected a finite number >= 0)"
        );
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -1e-300] {
            assert!(matches!(
                Frequency::poisson(bad),
                Err(Error::InvalidParameter { name: "rate", .. })
            ));
        }
        assert_eq!(
            msg(Frequency::poisson(1.5e6)),
            "invalid rate: 1500000 (expected at most 1e6 events a year (Frequency::MAX_RATE))"
        );
    }

    #[test]
    fn from_annual_probability_construction() {
        assert_eq!(
            Frequency::poisson_from_annual_probability(0.0).unwrap().0,
            Repr::Never
        );
        assert_eq!(
            Frequency::poisson_from_annual_probability(-0.0).unwrap().0,
            Repr::Never
        );
        let f = Frequency::poisson_from_annual_probability(0.999_999).unwrap();
        assert!((f.mean() - 13.815_510_557_964_274).abs() < 1e-9);
        for bad in [1.0, 1.5, -0.1, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let e = Frequency::poisson_from_annual_probability(bad).unwrap_err();
            assert!(matches!(
                e,
                Error::InvalidParameter {
                    name: "probability",
                    ..
                }
            ));
        }
        assert_eq!(
            msg(Frequency::poisson_from_annual_probability(1.0)),
            "invalid probability: 1 (expected a probability in [0, 1) (p = 1 would need an \
             infinite Poisson rate))"
        );
        // Largest p below 1: a finite rate, far below MAX_RATE.
        let f = Frequency::poisson_from_annual_probability(1.0 - f64::EPSILON / 2.0).unwrap();
        assert!((f.mean() - 53.0 * 2f64.ln()).abs() < 1e-12);
    }

    #[test]
    fn poisson_ci90_construction() {
        let f = Frequency::poisson_ci90(0.5, 3.0).unwrap();
        let Repr::PoissonLognormal { mu, sigma } = f.0 else {
            panic!("{f:?}")
        };
        assert!((mu - 0.5 * 1.5f64.ln()).abs() < 1e-15);
        assert!((sigma - 6f64.ln() / (2.0 * 1.644_853_626_951_472_2)).abs() < 1e-15);
        assert_eq!(
            msg(Frequency::poisson_ci90(3.0, 3.0)),
            "invalid ci90: lower bound 3 must be below upper bound 3"
        );
        assert!(matches!(
            Frequency::poisson_ci90(3.0, 0.5),
            Err(Error::EmptyRange { name: "ci90", .. })
        ));
        assert_eq!(
            msg(Frequency::poisson_ci90(0.0, 1.0)),
            "invalid low: 0 (expected a finite number > 0)"
        );
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -0.0, -1.0] {
            assert!(matches!(
                Frequency::poisson_ci90(bad, 1.0),
                Err(Error::InvalidParameter { name: "low", .. })
            ));
            assert!(matches!(
                Frequency::poisson_ci90(0.5, bad),
                Err(Error::InvalidParameter { name: "high", .. })
            ));
        }
        assert_eq!(
            msg(Frequency::poisson_ci90(1.0, 2e6)),
            "invalid high: 2000000 (expected at most 1e6 events a year (Frequency::MAX_RATE))"
        );
        assert!(Frequency::poisson_ci90(9e5, Frequency::MAX_RATE).is_ok());
    }

    #[test]
    fn poisson_ci90_width_limit_matches_the_documented_table() {
        // (high, documented max high/low): just inside is accepted, 1% wider is refused.
        for (high, ratio) in [
            (0.01, 26_148.0),
            (0.1, 12_547.0),
            (1.0, 5_819.0),
            (10.0, 2_595.0),
            (100.0, 1_105.0),
            (1e3, 445.0),
            (1e4, 168.0),
            (1e6, 18.0),
        ] {
            assert!(
                Frequency::poisson_ci90(high / ratio, high).is_ok(),
                "{high}"
            );
            let e = Frequency::poisson_ci90(high / ratio * 0.99, high).unwrap_err();
            assert!(
                e.to_string().starts_with("invalid ci90 high / low: "),
                "{e}"
            );
        }
        // The widest interval with high = MAX_RATE that the docs quote: [55_355, 1e6].
        assert!(Frequency::poisson_ci90(55_355.0, 1e6).is_ok());
        assert!(Frequency::poisson_ci90(55_000.0, 1e6).is_err());
        // Extreme but accepted: tiny rates may be very uncertain; moments stay finite and small.
        let f = Frequency::poisson_ci90(1e-300, 1e-280).unwrap();
        assert!(f.mean() < 1e-200 && f.variance().is_finite());
        assert!(Frequency::poisson_ci90(5e-324, 1e6).is_err());
    }

    #[test]
    fn poisson_ci90_tail_beyond_the_clamp_is_negligible() {
        // At the widest accepted interval for several highs, recompute the share of E[Λ] above
        // RATE_CLAMP with statrs' normal survival function: it must be <= Φ̄(6) ≈ 9.87e-10.
        use statrs::distribution::{ContinuousCDF, Normal};
        let std = Normal::standard();
        for high in [1e-6, 1.0, 100.0, 1e6] {
            // Bisection on low for the boundary of acceptance.
            let (mut ok, mut bad): (f64, f64) = (high / 2.0, high * 1e-30);
            for _ in 0..200 {
                let mid = (ok * bad).sqrt();
                if Frequency::poisson_ci90(mid, high).is_ok() {
                    ok = mid
                } else {
                    bad = mid
                }
            }
            let Repr::PoissonLognormal { mu, sigma } = Frequency::poisson_ci90(ok, high).unwrap().0
            else {
                unreachable!()
            };
            let a = (RATE_CLAMP.ln() - mu) / sigma;
            let mean_share = std.sf(a - sigma);
            assert!(
                mean_share < 1e-9 && mean_share > 9e-10,
                "{high}: {mean_share}"
            );
            assert!(std.sf(a) < 1e-11, "{high}: P(clamp) = {}", std.sf(a));
            let f = Frequency::poisson_ci90(ok, high).unwrap();
            assert!(f.mean() <= Frequency::MAX_RATE && f.variance().is_finite());
        }
    }

    #[test]
    fn bernoulli_construction() {
        assert_eq!(Frequency::bernoulli(0.0).unwrap().0, Repr::Never);
        assert_eq!(Frequency::bernoulli(-0.0).unwrap().0, Repr::Never);
        assert_eq!(
            Frequency::bernoulli(1.0).unwrap().0,
            Repr::Bernoulli { probability: 1.0 }
        );
        for bad in [
            1.0 + f64::EPSILON,
            -0.1,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ] {
            assert!(matches!(
                Frequency::bernoulli(bad),
                Err(Error::InvalidParameter {
                    name: "probability",
                    ..
                })
            ));
        }
        assert_eq!(
            msg(Frequency::bernoulli(1.2)),
            "invalid probability: 1.2 (expected a probability in [0, 1])"
        );
    }

    #[test]
    fn negative_binomial_construction() {
        let f = Frequency::negative_binomial(2.0, 6.0).unwrap();
        let Repr::NegativeBinomial { r, .. } = f.0 else {
            panic!("{f:?}")
        };
        assert_eq!(r, 1.0); // DOMAIN.md §3: r = 1, p = r/(r + mean) = 1/3
        assert_eq!(
            msg(Frequency::negative_binomial(2.0, 2.0)),
            "invalid variance: 2 (expected a variance > mean (variance == mean is the Poisson \
             distribution: use Frequency::poisson(mean)))"
        );
        assert_eq!(
            msg(Frequency::negative_binomial(2.0, 1.0)),
            "invalid variance: 1 (expected a finite number > mean (the negative binomial is \
             overdispersed))"
        );
        for bad in [f64::NAN, f64::NEG_INFINITY] {
            assert!(matches!(
                Frequency::negative_binomial(2.0, bad),
                Err(Error::InvalidParameter {
                    name: "variance",
                    ..
                })
            ));
        }
        assert!(
            msg(Frequency::negative_binomial(2.0, f64::INFINITY))
                .starts_with("invalid variance: inf (expected at most mean * (1 + 1e6)")
        );
        assert!(Frequency::negative_binomial(2.0, 2.0 * (1.0 + 1e6)).is_ok());
        assert!(Frequency::negative_binomial(2.0, 2.0 * (1.0 + 1e6) * 1.000_001).is_err());
        for bad in [0.0, -0.0, -1.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert!(matches!(
                Frequency::negative_binomial(bad, 10.0),
                Err(Error::InvalidParameter { name: "mean", .. })
            ));
        }
        assert_eq!(
            msg(Frequency::negative_binomial(2e6, 3e6)),
            "invalid mean: 2000000 (expected at most 1e6 events a year (Frequency::MAX_RATE))"
        );
        // Nearly Poisson: variance one ulp above the mean still gives a finite r and sane moments.
        let f = Frequency::negative_binomial(0.3, 0.3f64.next_up()).unwrap();
        assert!((f.probability_of_event() - -(-0.3f64).exp_m1()).abs() < 1e-15);
        let f = Frequency::negative_binomial(1e6, 1e6f64.next_up()).unwrap();
        assert!(f.probability_of_event() == 1.0);
        // Subnormal mean: r underflows to 0 and the mean is refused rather than mis-sampled.
        assert!(matches!(
            Frequency::negative_binomial(5e-324, 1e-320),
            Err(Error::InvalidParameter { name: "mean", .. })
        ));
        assert!(Frequency::negative_binomial(1e-300, 1e-296).is_ok());
    }

    #[test]
    fn fixed_construction() {
        assert_eq!(Frequency::fixed(0).unwrap().0, Repr::Never);
        assert_eq!(Frequency::fixed(3).unwrap().0, Repr::Fixed(3));
        assert!(Frequency::fixed(1_000_000).is_ok());
        assert_eq!(
            msg(Frequency::fixed(1_000_001)),
            "invalid count: 1000001 (expected at most 1e6 events a year (Frequency::MAX_RATE))"
        );
        assert!(Frequency::fixed(u32::MAX).is_err());
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
    fn negative_binomial_matches_statrs() {
        // statrs NegativeBinomial(r, p) counts failures before the r-th success with success
        // probability p, mean r(1 − p)/p: our p = r/(r + mean) is its p.
        use statrs::distribution::{Discrete, DiscreteCDF, NegativeBinomial};
        use statrs::statistics::DiscreteDistribution as _;
        for (mean, variance) in [(2.0, 6.0), (0.3, 0.45), (10.0, 200.0), (0.05, 5.0)] {
            let f = Frequency::negative_binomial(mean, variance).unwrap();
            let r = mean * mean / (variance - mean);
            let nb = NegativeBinomial::new(r, r / (r + mean)).unwrap();
            assert!((nb.mean().unwrap() - mean).abs() < 1e-12 * mean);
            assert!((nb.variance().unwrap() - variance).abs() < 1e-12 * variance);
            assert!((f.probability_of_event() - (1.0 - nb.pmf(0))).abs() < 1e-14);
            if (mean, variance) == (2.0, 6.0) {
                // DOMAIN.md §3: P(N >= 5) = 0.132 (3 d.p.).
                assert!((nb.sf(4) - 0.132).abs() < 5e-4, "{}", nb.sf(4));
            }
        }
    }

    /// Independent check of the trapezoid integral: composite Simpson with 2e6 panels on
    /// [−40, 40 + σ], written without expm1 tricks for moderate cases.
    fn simpson_event_probability(mu: f64, sigma: f64) -> f64 {
        let (a, b, n) = (-40.0, 40.0 + sigma, 2_000_000);
        let h = (b - a) / f64::from(n);
        let f = |z: f64| {
            (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt()
                * (1.0 - (-(mu + sigma * z).exp()).exp())
        };
        let mut s = f(a) + f(b);
        for i in 1..n {
            s += f(a + f64::from(i) * h) * if i % 2 == 1 { 4.0 } else { 2.0 };
        }
        s * h / 3.0
    }

    #[test]
    fn lognormal_event_probability_is_accurate() {
        for (low, high) in [
            (0.5, 3.0),
            (0.01, 10.0),
            (0.1, 0.2),
            (1.0, 100.0),
            (2e-3, 5.0),
        ] {
            let f = Frequency::poisson_ci90(low, high).unwrap();
            let Repr::PoissonLognormal { mu, sigma } = f.0 else {
                unreachable!()
            };
            let (got, want) = (
                f.probability_of_event(),
                simpson_event_probability(mu, sigma),
            );
            assert!(
                (got - want).abs() < 1e-12,
                "[{low}, {high}]: {got} vs {want}"
            );
        }
        // Tiny rates: P(N >= 1) ≈ E[Λ] − E[Λ²]/2, with relative accuracy (no absolute floor).
        let f = Frequency::poisson_ci90(1e-12, 1e-9).unwrap();
        let Repr::PoissonLognormal { mu, sigma } = f.0 else {
            unreachable!()
        };
        let second = (2.0 * mu + 2.0 * sigma * sigma).exp();
        let want = f.mean() - 0.5 * second;
        assert!(((f.probability_of_event() - want) / want).abs() < 1e-12);
        // Narrow interval: close to the Poisson with the median rate.
        let f = Frequency::poisson_ci90(2.0, 2.000_001).unwrap();
        assert!((f.probability_of_event() - -(-2.0f64).exp_m1()).abs() < 1e-7);
        // Large rates: an event is certain.
        let f = Frequency::poisson_ci90(1e5, 1e6).unwrap();
        assert!(1.0 - f.probability_of_event() < 1e-15);
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

    #[test]
    fn poisson_with_mean_handles_zero_tiny_and_clamped_means() {
        use rand::SeedableRng;
        let mut rng = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(1);
        let before = rng.clone();
        assert_eq!(poisson_with_mean(&mut rng, 0.0), 0);
        assert_eq!(poisson_with_mean(&mut rng, f64::NAN), 0);
        assert_eq!(rng, before);
        assert_eq!(poisson_with_mean(&mut rng, 5e-324), 0);
        for lambda in [1e9, f64::INFINITY, f64::MAX] {
            let n = poisson_with_mean(&mut rng, lambda);
            // Clamped at 1e8: within 10 standard deviations (1e4 each) of it.
            assert!(n.abs_diff(100_000_000) < 100_000, "{lambda}: {n}");
        }
    }
}
