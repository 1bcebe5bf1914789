//! Per-event loss models: the loss `X >= 0` (in currency units) of one loss event.
//!
//! [`Magnitude`] is a closed set of distributions behind one public struct. Each constructor
//! validates its parameters once and precomputes what the sampler needs, so
//! [`Distribution::sample`] is a `match` plus a few floating-point operations. An optional
//! per-event cap turns any kind into `min(X, cap)`; the analytic moments ([`Magnitude::mean`],
//! [`Magnitude::variance`], [`Magnitude::second_moment`]) and [`Magnitude::cdf`] are exact for
//! the capped variable, through the partial moments `E[X^k; X <= c] + c^k P(X > c)`.

mod composite;
mod empirical;
mod fixed;
mod gamma;
mod lognormal;
mod pareto;
mod pert;
pub(crate) mod quadrature;
mod triangular;
mod uniform;

use std::sync::Arc;

use rand::Rng;
use rand::distr::Distribution;

use crate::check::positive;
use crate::error::{Error, Result};
use composite::Composite;
use empirical::Empirical;
use fixed::Fixed;
use gamma::Gamma;
use lognormal::Lognormal;
use pareto::Pareto;
use pert::Pert;
use quadrature::tanh_sinh;
use triangular::Triangular;
use uniform::Uniform;

/// The rule every loss bound breaks when it is negative, NaN or infinite.
const LOSS: &str = "a finite number >= 0 (losses are non-negative)";

/// A loss magnitude: the loss of one event, in currency units, `>= 0`.
///
/// Build one with a named constructor, one per parameterisation:
///
/// | constructor | distribution | typical use |
/// |---|---|---|
/// | [`lognormal_ci90`](Self::lognormal_ci90) | lognormal from a calibrated 90% interval | expert estimates (Hubbard) |
/// | [`lognormal`](Self::lognormal) | lognormal from log-space `μ`, `σ` | fitted models |
/// | [`pert`](Self::pert), [`pert_with_lambda`](Self::pert_with_lambda) | Beta-PERT on `[min, max]` | FAIR min / most likely / max estimates |
/// | [`triangular`](Self::triangular) | triangular on `[min, max]` | quick three-point estimates |
/// | [`uniform`](Self::uniform) | uniform on `[min, max]` | "anything in this range" |
/// | [`gamma`](Self::gamma) | gamma(shape, scale) | actuarial severity fits |
/// | [`pareto`](Self::pareto), [`pareto_capped`](Self::pareto_capped) | Pareto (type I) | heavy tails |
/// | [`fixed`](Self::fixed) | a point mass | known costs |
/// | [`empirical`](Self::empirical) | resampling observed losses | loss histories |
///
/// Any kind can be capped per event with [`with_cap`](Self::with_cap): a sample is then
/// `min(X, cap)`, and every moment and the CDF describe that capped variable. As non-linear terms must be,
/// caps act per event, never on means.
///
/// `Magnitude` implements [`rand::distr::Distribution<f64>`]. Every constructor rejects NaN and
/// infinite parameters and every parameter that would give an infinite mean, so the mean is
/// always finite; a variance can still be infinite (Pareto with `shape <= 2`, uncapped) or
/// overflow `f64` (reported as `f64::INFINITY`).
///
/// # Example
///
/// ```
/// use csfquant::Magnitude;
/// use rand::SeedableRng;
/// use rand::distr::Distribution;
/// use rand::rngs::Xoshiro256PlusPlus;
///
/// // An expert is 90% sure that one ransomware event costs between 10k and 1M.
/// let loss = Magnitude::lognormal_ci90(1e4, 1e6)?;
/// assert!((loss.mean() - 266_398.0).abs() < 1.0);
///
/// let mut rng = Xoshiro256PlusPlus::seed_from_u64(42);
/// let x = loss.sample(&mut rng);
/// assert!(x > 0.0);
/// Ok::<(), csfquant::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Magnitude {
    repr: Repr,
    /// The user's per-event cap; `f64::INFINITY` when uncapped.
    cap: f64,
    /// What `sample` clamps to: `min(cap, largest possible loss)`. For the bounded kinds this
    /// also absorbs the last-ulp rounding of `min + width * u`, so a sample never exceeds `max`.
    clip: f64,
}

/// The kinds, one per file, each holding its precomputed sampler. Nothing is boxed but the
/// composite; the empirical data sit behind an `Arc` so that cloning a `Magnitude` never copies
/// them. Each operation is one `match` below (rand_distr's `GammaRepr`).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Repr {
    Lognormal(Lognormal),
    Pert(Pert),
    Triangular(Triangular),
    Uniform(Uniform),
    Gamma(Gamma),
    Pareto(Pareto),
    Fixed(Fixed),
    Empirical(Empirical),
    /// FAIR's primary and secondary loss. Behind an `Arc`: the enum stays as small as the kinds,
    /// and clones share it.
    Composite(Arc<Composite>),
}

/// Moments of the capped loss `Y = min(X, cap)`.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Moments {
    mean: f64,
    variance: f64,
    second: f64,
}

impl Moments {
    /// Moments from the mean and the variance (the variance computed without cancellation).
    fn from_mean_variance(mean: f64, variance: f64) -> Self {
        Moments {
            mean,
            variance,
            second: variance + mean * mean,
        }
    }

    /// Moments from `E[Y]` and `E[Y^2]`, for kinds whose variance has no cancellation-free form.
    fn from_raw(mean: f64, second: f64) -> Self {
        // `second - mean^2` can round below 0 when the variance is tiny relative to the mean.
        let variance = if second.is_finite() {
            (second - mean * mean).max(0.0)
        } else {
            second
        };
        Moments {
            mean,
            variance,
            second,
        }
    }
}

impl Magnitude {
    /// The kind and its parameters, for the scenario writer.
    pub(crate) fn repr(&self) -> &Repr {
        &self.repr
    }

    /// The largest accepted PERT `lambda`.
    ///
    /// The CDF and the capped moments use statrs' regularized incomplete beta function, a
    /// continued fraction of at most 140 terms: we checked it to ~1e-11 up to `lambda = 1e4`,
    /// and it breaks down near `1e6`. Practical values are single digits (4 is the standard);
    /// a larger `lambda` only narrows the distribution around the mode.
    pub const MAX_PERT_LAMBDA: f64 = 1e3;

    /// The largest accepted gamma `shape`.
    ///
    /// The regularized incomplete gamma function behind the capped moments and the CDF loses
    /// accuracy as the shape grows (about 1e-9 at `1e6`, 1e-7 at `1e8`). A gamma with a larger
    /// shape has a coefficient of variation below 0.1%: use [`Magnitude::fixed`] instead.
    pub const MAX_GAMMA_SHAPE: f64 = 1e6;

    fn from_repr(repr: Repr) -> Self {
        let clip = repr.upper();
        Magnitude {
            repr,
            cap: f64::INFINITY,
            clip,
        }
    }

    /// Lognormal loss with log-space location `mu` and scale `sigma`: `X = exp(mu + sigma Z)`,
    /// `Z` standard normal.
    ///
    /// ```text
    /// median = e^μ    mean = e^(μ + σ²/2)    var = e^(2μ + σ²) (e^(σ²) − 1)
    /// capped at c:  E[X^k; X <= c] = e^(kμ + k²σ²/2) Φ((ln c − μ − kσ²)/σ)
    ///               P(X > c) = Φ̄((ln c − μ)/σ)
    /// ```
    ///
    /// Sampling uses rand_distr's ziggurat [`StandardNormal`](rand_distr::StandardNormal).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] if `mu` is not finite, if `sigma` is not a finite number
    /// `> 0`, or if the mean `exp(mu + sigma^2 / 2)` overflows `f64` (named `sigma`, or `mu`
    /// when `mu` alone overflows).
    ///
    /// # Example
    ///
    /// ```
    /// use csfquant::Magnitude;
    ///
    /// let loss = Magnitude::lognormal(100_000f64.ln(), 1.0)?;
    /// assert!((loss.mean() - 100_000.0 * 0.5f64.exp()).abs() < 1e-6);
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub fn lognormal(mu: f64, sigma: f64) -> Result<Self> {
        Ok(Self::from_repr(Repr::Lognormal(Lognormal::new(mu, sigma)?)))
    }

    /// Lognormal loss from a calibrated 90% confidence interval: `low` and `high` are its 5th
    /// and 95th percentiles.
    ///
    /// ```text
    /// z = Φ⁻¹(0.95) = 1.6448536269514722
    /// μ = (ln low + ln high) / 2     σ = (ln high − ln low) / (2z)
    /// ```
    ///
    /// Then `cdf(low) = 0.05` and `cdf(high) = 0.95`, the median is `√(low · high)` and the
    /// moments are those of [`Magnitude::lognormal`]. Example: `[10k, 1M]` gives
    /// μ = 11.5129 (ln 100,000), σ = 1.3999 and mean 266,398. Source: Hubbard's calibrated
    /// estimates (his spreadsheets round `2z` to 3.29).
    ///
    /// # Errors
    ///
    /// - [`Error::InvalidParameter`] if `low` or `high` is not a finite number `> 0` (a
    ///   lognormal loss is positive), or if the implied mean overflows `f64` (named `high`).
    /// - [`Error::EmptyRange`] named `ci90` unless `low < high` (a point estimate is
    ///   [`Magnitude::fixed`]).
    ///
    /// Bounds so close that their logarithms round to the same number (neighbouring floats such
    /// as 3 and 3⁺) meet `low < high` and give `σ = 0`: the loss is then the point mass `e^μ`,
    /// with the moments and CDF of one (also under a cap, even a cap at that value).
    ///
    /// # Example
    ///
    /// ```
    /// use csfquant::Magnitude;
    ///
    /// let loss = Magnitude::lognormal_ci90(1e4, 1e6)?;
    /// assert!((loss.cdf(1e4) - 0.05).abs() < 1e-12);
    /// assert!((loss.cdf(1e6) - 0.95).abs() < 1e-12);
    /// assert!((loss.cdf(1e5) - 0.5).abs() < 1e-12); // the median is sqrt(low * high)
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub fn lognormal_ci90(low: f64, high: f64) -> Result<Self> {
        Ok(Self::from_repr(Repr::Lognormal(Lognormal::from_ci90(
            low, high,
        )?)))
    }

    /// Beta-PERT loss on `[min, max]` with most likely value `mode` and the standard weight
    /// `λ = 4`: the same as [`pert_with_lambda(min, mode, max, 4.0)`](Self::pert_with_lambda).
    ///
    /// ```text
    /// mean = (min + 4 mode + max) / 6
    /// ```
    ///
    /// Example: `(50k, 200k, 1M)` gives α = 1.6316, β = 4.3684, mean 308,333
    /// and SD 159,768.
    ///
    /// # Errors
    ///
    /// As [`pert_with_lambda`](Self::pert_with_lambda).
    ///
    /// # Example
    ///
    /// ```
    /// use csfquant::Magnitude;
    ///
    /// let loss = Magnitude::pert(50e3, 200e3, 1e6)?;
    /// assert!((loss.mean() - 308_333.333_333).abs() < 1e-3);
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub fn pert(min: f64, mode: f64, max: f64) -> Result<Self> {
        Self::pert_with_lambda(min, mode, max, 4.0)
    }

    /// Beta-PERT loss with weight `lambda` (Vose's "modified PERT"): `X = min + (max − min) B`,
    /// `B ~ Beta(α, β)` in the canonical (exact) parameterisation
    ///
    /// ```text
    /// α = 1 + λ (mode − min) / (max − min)     β = 1 + λ (max − mode) / (max − min)
    /// mean = (min + λ mode + max) / (λ + 2)
    /// var  = (max − min)² αβ / ((α + β)² (α + β + 1))
    /// capped at c, t = (c − min)/(max − min):
    ///   E[B; B <= t]  = α/(α+β) I_t(α+1, β)
    ///   E[B²; B <= t] = α(α+1)/((α+β)(α+β+1)) I_t(α+2, β)      (I = regularized incomplete beta)
    /// ```
    ///
    /// The mode of the distribution is exactly `mode`. This is the canonical form, Vose's
    /// modified PERT and R `mc2d::dpert`. The "classic" moment-matched PERT of pyfair and
    /// `prevalence::betaPERT(method = "classic")` (σ = (max − min)/(λ + 2)) is **not** used: it
    /// moves the mode (to 203,345 for `(50k, 200k, 1M)`). A smaller `λ` gives a flatter,
    /// wider distribution; `λ = 2` turns the example's mean into 362,500. Sampling draws
    /// `B = G_α / (G_α + G_β)` from two independent unit-scale gamma variates (Marsaglia-Tsang,
    /// set up here once), which is exactly Beta(α, β) and about twice as fast as Cheng's
    /// rejection sampler for these shapes.
    ///
    /// # Errors
    ///
    /// - [`Error::InvalidParameter`] if `min` is not a finite number `>= 0` (losses are
    ///   non-negative), if `max` is not finite, or unless `0 < lambda <=`
    ///   [`MAX_PERT_LAMBDA`](Self::MAX_PERT_LAMBDA).
    /// - [`Error::EmptyRange`] named `min/max` unless `min < max` (a point estimate is
    ///   [`Magnitude::fixed`]).
    /// - [`Error::ModeOutOfRange`] unless `min <= mode <= max` (NaN included).
    ///
    /// # Example
    ///
    /// ```
    /// use csfquant::Magnitude;
    ///
    /// let loss = Magnitude::pert_with_lambda(50e3, 200e3, 1e6, 2.0)?;
    /// assert!((loss.mean() - 362_500.0).abs() < 1e-6);
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub fn pert_with_lambda(min: f64, mode: f64, max: f64, lambda: f64) -> Result<Self> {
        Ok(Self::from_repr(Repr::Pert(Pert::new(
            min, mode, max, lambda,
        )?)))
    }

    /// Triangular loss on `[min, max]` with most likely value `mode`.
    ///
    /// ```text
    /// mean = (min + mode + max) / 3
    /// var  = (min² + mode² + max² − min·mode − min·max − mode·max) / 18
    /// ```
    ///
    /// With the same three points it puts more weight in the tail than [`pert`](Self::pert)
    /// (mean 416,667 for `(50k, 200k, 1M)`). Sampled by inverse transform from one
    /// uniform; the capped moments are piecewise polynomials in `t = (c − min)/(max − min)`.
    ///
    /// # Errors
    ///
    /// - [`Error::InvalidParameter`] if `min` is not a finite number `>= 0` (losses are
    ///   non-negative) or `max` is not finite.
    /// - [`Error::EmptyRange`] named `min/max` unless `min < max`.
    /// - [`Error::ModeOutOfRange`] unless `min <= mode <= max`.
    ///
    /// # Example
    ///
    /// ```
    /// use csfquant::Magnitude;
    ///
    /// let loss = Magnitude::triangular(50e3, 200e3, 1e6)?;
    /// assert!((loss.mean() - 416_666.666_667).abs() < 1e-3);
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub fn triangular(min: f64, mode: f64, max: f64) -> Result<Self> {
        Ok(Self::from_repr(Repr::Triangular(Triangular::new(
            min, mode, max,
        )?)))
    }

    /// Uniform loss on `[min, max]`.
    ///
    /// ```text
    /// mean = (min + max) / 2     var = (max − min)² / 12
    /// capped at c, t = (c − min)/(max − min):  mean = min + (max − min)(t − t²/2),
    ///                                          var  = (max − min)² t³ (4 − 3t) / 12
    /// ```
    ///
    /// # Errors
    ///
    /// - [`Error::InvalidParameter`] if `min` is not a finite number `>= 0` (losses are
    ///   non-negative) or `max` is not finite.
    /// - [`Error::EmptyRange`] named `min/max` unless `min < max`.
    ///
    /// # Example
    ///
    /// ```
    /// use csfquant::Magnitude;
    ///
    /// let loss = Magnitude::uniform(0.0, 1e6)?;
    /// assert_eq!(loss.mean(), 5e5);
    /// assert_eq!(loss.cdf(2.5e5), 0.25);
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub fn uniform(min: f64, max: f64) -> Result<Self> {
        Ok(Self::from_repr(Repr::Uniform(Uniform::new(min, max)?)))
    }

    /// Gamma loss with `shape` k and `scale` θ (density `x^(k−1) e^(−x/θ) / (Γ(k) θ^k)`).
    /// Note the argument order, `(shape, scale)` as in rand_distr and statrs, while
    /// [`pareto`](Self::pareto) takes `(scale, shape)`, also as they do.
    ///
    /// ```text
    /// mean = kθ     var = kθ²
    /// capped at c:  E[X^m; X <= c] = θ^m Γ(k+m)/Γ(k) P(k+m, c/θ)
    ///               (P = regularized lower incomplete gamma)
    /// ```
    ///
    /// Sampling uses rand_distr's [`Gamma`](rand_distr::Gamma) (Marsaglia & Tsang 2000).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] unless `0 < shape <=`
    /// [`MAX_GAMMA_SHAPE`](Self::MAX_GAMMA_SHAPE) and `scale` is a finite number `> 0` whose
    /// mean `shape * scale` fits in `f64`.
    ///
    /// # Example
    ///
    /// ```
    /// use csfquant::Magnitude;
    ///
    /// let loss = Magnitude::gamma(2.0, 50_000.0)?;
    /// assert_eq!(loss.mean(), 100_000.0);
    /// assert_eq!(loss.variance(), 2.0 * 50_000.0 * 50_000.0);
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub fn gamma(shape: f64, scale: f64) -> Result<Self> {
        Ok(Self::from_repr(Repr::Gamma(Gamma::new(shape, scale)?)))
    }

    /// Pareto (type I) loss with minimum `scale` x_m and tail index `shape` α (note the argument
    /// order, `(scale, shape)` as in rand_distr and statrs, unlike [`gamma`](Self::gamma)):
    /// `P(X > x) = (x_m / x)^α` for `x >= x_m`.
    ///
    /// ```text
    /// mean = α x_m / (α − 1)                       (α > 1)
    /// var  = α x_m² / ((α − 1)² (α − 2))           (α > 2; infinite for α <= 2)
    /// capped at c:  E[X^k; X <= c] = α x_m^α (c^(k−α) − x_m^(k−α)) / (k − α)
    ///               (α x_m^k ln(c/x_m) if k = α)
    /// ```
    ///
    /// Sampled by inverse transform, `x_m U^(−1/α)` with `U` uniform on `(0, 1]`. A shape
    /// `<= 1` has an infinite mean: csfquant refuses it unless capped, see
    /// [`pareto_capped`](Self::pareto_capped). With `1 < α <= 2` the mean is finite but the
    /// variance is not, and simulated annual losses converge slowly: consider a cap.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] if `scale` is not a finite number `> 0`, if `shape` is not a
    /// finite number `> 1`, or if the mean overflows `f64` (named `shape`).
    ///
    /// # Example
    ///
    /// ```
    /// use csfquant::Magnitude;
    ///
    /// let loss = Magnitude::pareto(10_000.0, 3.0)?;
    /// assert!((loss.mean() - 15_000.0).abs() < 1e-9);
    /// assert!((loss.cdf(20_000.0) - (1.0 - 0.125)).abs() < 1e-15); // 1 - (x_m / x)^3
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub fn pareto(scale: f64, shape: f64) -> Result<Self> {
        Ok(Self::from_repr(Repr::Pareto(Pareto::new(scale, shape)?)))
    }

    /// Pareto (type I) loss capped per event at `cap`: `min(X, cap)` with
    /// `P(X > x) = (scale / x)^shape`. Any `shape > 0` is accepted, since the cap makes every
    /// moment finite. The formulas are those of [`pareto`](Self::pareto) with the partial
    /// moments for the cap.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] if `scale` or `shape` is not a finite number `> 0`, if `cap`
    /// is not a finite number `> scale`, or if the capped mean overflows `f64` (named `cap`).
    ///
    /// # Example
    ///
    /// ```
    /// use csfquant::Magnitude;
    ///
    /// // shape 1: infinite mean uncapped; E[min(X, c)] = x_m (1 + ln(c / x_m)).
    /// let loss = Magnitude::pareto_capped(1e4, 1.0, 1e7)?;
    /// assert!((loss.mean() - 1e4 * (1.0 + 1e3f64.ln())).abs() < 1e-6);
    /// assert_eq!(loss.cap(), Some(1e7));
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub fn pareto_capped(scale: f64, shape: f64, cap: f64) -> Result<Self> {
        let m = Self::from_repr(Repr::Pareto(Pareto::for_cap(scale, shape)?)).with_cap(cap)?;
        if !m.mean().is_finite() {
            return Err(Error::invalid(
                "cap",
                cap,
                "a cap for which the mean fits in f64",
            ));
        }
        Ok(m)
    }

    /// A loss that is always `value`: the only way to build a point mass.
    ///
    /// mean = `value`, var = 0. Sampling does not touch the generator.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] unless `value` is a finite number `>= 0` (losses are
    /// non-negative); `-0.0` counts as 0.
    ///
    /// # Example
    ///
    /// ```
    /// use csfquant::Magnitude;
    ///
    /// let loss = Magnitude::fixed(25_000.0)?;
    /// assert_eq!(loss.mean(), 25_000.0);
    /// assert_eq!(loss.variance(), 0.0);
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub fn fixed(value: f64) -> Result<Self> {
        Ok(Self::from_repr(Repr::Fixed(Fixed::new(value)?)))
    }

    /// A loss drawn uniformly from observed `losses` (the empirical distribution, each
    /// observation with probability `1/n`).
    ///
    /// ```text
    /// mean = Σ xᵢ / n     var = Σ (xᵢ − mean)² / n   (the variance of this discrete distribution)
    /// ```
    ///
    /// The values are copied once, sorted, into an `Arc<[f64]>` shared by all clones. Sampling
    /// picks an index with rand's unbiased `Uniform<usize>` (Lemire's method).
    ///
    /// # Errors
    ///
    /// - [`Error::Empty`] named `losses` if there are no observations.
    /// - [`Error::InvalidParameter`] named `losses` for the first value that is not a finite
    ///   number `>= 0` (losses are non-negative), or if the mean overflows `f64`.
    ///
    /// # Example
    ///
    /// ```
    /// use csfquant::Magnitude;
    ///
    /// let loss = Magnitude::empirical(&[40e3, 10e3, 250e3, 100e3])?;
    /// assert_eq!(loss.mean(), 100e3);
    /// assert_eq!(loss.cdf(99e3), 0.5);
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub fn empirical(losses: &[f64]) -> Result<Self> {
        Ok(Self::from_repr(Repr::Empirical(Empirical::new(losses)?)))
    }

    /// Caps every event's loss at `cap`: a sample becomes `min(X, cap)`, and [`mean`],
    /// [`variance`], [`second_moment`] and [`cdf`] describe that capped loss (exactly: see each
    /// constructor for its partial-moment formula). Use it for a largest plausible loss (the
    /// value of the business, a contractual liability limit) or to tame a heavy tail.
    ///
    /// Caps compose: capping an already capped magnitude keeps the **smaller** cap, since
    /// `min(min(X, a), b) = min(X, min(a, b))`. A cap therefore can never be raised or removed,
    /// so a [`pareto_capped`](Self::pareto_capped) stays capped.
    ///
    /// [`mean`]: Self::mean
    /// [`variance`]: Self::variance
    /// [`second_moment`]: Self::second_moment
    /// [`cdf`]: Self::cdf
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] named `cap` unless `cap` is a finite number `> 0` above the
    /// smallest possible loss (`min` of a bounded kind, `scale` of a Pareto, the smallest
    /// observation of an empirical one): a lower cap would turn the loss into a point mass,
    /// which only [`Magnitude::fixed`] builds. A fixed loss accepts any positive cap.
    ///
    /// # Example
    ///
    /// ```
    /// use csfquant::Magnitude;
    ///
    /// let loss = Magnitude::uniform(0.0, 1e6)?.with_cap(5e5)?;
    /// assert_eq!(loss.cap(), Some(5e5));
    /// assert_eq!(loss.mean(), 375e3); // E[min(U, c)] = c - c^2 / (2 (max - min))
    /// assert_eq!(loss.cdf(5e5), 1.0);
    /// assert_eq!(loss.with_cap(8e5)?.cap(), Some(5e5)); // the smaller cap wins
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub fn with_cap(self, cap: f64) -> Result<Self> {
        let cap = positive("cap", cap)?;
        // `cap` is finite and `lower` is finite or -inf: no NaN can reach this comparison.
        if cap <= self.repr.lower() {
            return Err(Error::invalid(
                "cap",
                cap,
                "a finite number above the smallest possible loss",
            ));
        }
        let cap = cap.min(self.cap);
        let clip = cap.min(self.repr.upper());
        let repr = match self.repr {
            // A composite's moments under a cap are integrals: computed once, here.
            Repr::Composite(c) => Repr::Composite(Arc::new(c.with_cap(cap))),
            other => other,
        };
        Ok(Magnitude { repr, cap, clip })
    }

    /// The per-event cap, or `None` if uncapped.
    ///
    /// # Example
    ///
    /// ```
    /// use csfquant::Magnitude;
    ///
    /// let loss = Magnitude::lognormal_ci90(1e4, 1e6)?;
    /// assert_eq!(loss.cap(), None);
    /// assert_eq!(loss.with_cap(5e6)?.cap(), Some(5e6));
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub fn cap(&self) -> Option<f64> {
        self.cap.is_finite().then_some(self.cap)
    }

    /// Adds FAIR's secondary loss: each event's loss becomes `primary + B · secondary`, with
    /// `B ~ Bernoulli(probability)` drawn independently for each event (the secondary loss event
    /// frequency, SLEF, a share of loss events) and the secondary loss magnitude (SLM)
    /// independent of the primary. `self` is the primary loss (PL).
    ///
    /// ```text
    /// E[X]  = E[P] + p E[S]
    /// E[X²] = E[P²] + 2p E[P] E[S] + p E[S²]
    /// Var   = Var[P] + p Var[S] + p(1 − p) E[S]²
    /// F(x)  = (1 − p) F_P(x) + p P(P + S <= x)
    /// ```
    ///
    /// The moments are exact. `P(P + S <= x) = E[F_S(x − P)]` is a numerical convolution: the
    /// atoms of P (a fixed or empirical loss, a cap) are summed, and its density is integrated by
    /// the tanh-sinh rule on pieces split at every kink of either part (bounds, modes, caps,
    /// atoms of S, and a grid over the body of the unbounded kinds: `e^{μ ± kσ}`, mean ± k SD,
    /// doublings of a Pareto scale), where the integrand is smooth; the tests check it against
    /// an independent Simpson convolution to 1e-9.
    ///
    /// A per-event cap on the composite ([`with_cap`](Self::with_cap)) caps the **total** loss of
    /// the event, `min(P + B·S, cap)`; caps on the parts apply to each part first. The moments
    /// under a cap are `(1 − p) E[min(P, c)^k] + p E[h_k(P)]` with
    /// `h_1(y) = y + E[min(S, c − y)]`, `h_2(y) = y² + 2y E[min(S, c − y)] + E[min(S, c − y)²]`
    /// for `y < c` (closed forms of S's capped moments), integrated over P as above, once, when
    /// the cap is set.
    ///
    /// `probability = 0` returns `self` unchanged (no secondary loss ever happens). One level of
    /// secondary loss: neither part may itself have a secondary loss.
    ///
    /// # Errors
    /// - [`Error::InvalidParameter`] named `probability` unless it lies in `[0, 1]`.
    /// - [`Error::InvalidParameter`] named `primary` (or `secondary`), with its mean, if that part
    ///   already has a secondary loss.
    ///
    /// # Example
    /// ```
    /// use csfquant::Magnitude;
    /// // DOMAIN.md §2: PL mean 100k, SLEF 0.2, SLM mean 500k give LM = 100k + 0.2 · 500k.
    /// let primary = Magnitude::lognormal(100e3f64.ln() - 0.5, 1.0)?; // mean e^{μ+σ²/2} = 100k
    /// let loss = primary.with_secondary(0.2, Magnitude::fixed(500e3)?)?;
    /// assert!((loss.mean() - 200e3).abs() < 1e-6);
    /// assert_eq!(loss.secondary_probability(), Some(0.2));
    /// assert!(loss.cdf(1e5) < Magnitude::lognormal(100e3f64.ln() - 0.5, 1.0)?.cdf(1e5));
    /// assert!(Magnitude::fixed(1.0)?.with_secondary(1.5, Magnitude::fixed(1.0)?).is_err());
    /// Ok::<(), csfquant::Error>(())
    /// ```
    #[doc(alias = "secondary loss")]
    #[doc(alias = "SLEF")]
    #[doc(alias = "SLM")]
    pub fn with_secondary(self, probability: f64, secondary: Magnitude) -> Result<Magnitude> {
        let probability = crate::check::probability("probability", probability)?;
        Composite::check_part("primary", &self)?;
        Composite::check_part("secondary", &secondary)?;
        if probability == 0.0 {
            return Ok(self);
        }
        Ok(Self::from_repr(Repr::Composite(Arc::new(Composite::new(
            self,
            probability,
            secondary,
        )))))
    }

    /// The primary loss of a magnitude built by [`with_secondary`](Self::with_secondary), `None`
    /// for every other magnitude.
    ///
    /// # Example
    /// ```
    /// use csfquant::Magnitude;
    /// let pl = Magnitude::pert(1e4, 5e4, 2e5)?;
    /// let loss = pl.clone().with_secondary(0.3, Magnitude::gamma(2.0, 1e5)?)?;
    /// assert_eq!(loss.primary(), Some(&pl));
    /// assert_eq!(pl.primary(), None);
    /// Ok::<(), csfquant::Error>(())
    /// ```
    #[doc(alias = "PL")]
    pub fn primary(&self) -> Option<&Magnitude> {
        self.composite().map(Composite::primary)
    }

    /// The probability that a loss event has a secondary loss (SLEF), for a magnitude built by
    /// [`with_secondary`](Self::with_secondary); `None` otherwise.
    ///
    /// # Example
    /// ```
    /// use csfquant::Magnitude;
    /// let loss = Magnitude::fixed(1e5)?.with_secondary(0.2, Magnitude::fixed(5e5)?)?;
    /// assert_eq!(loss.secondary_probability(), Some(0.2));
    /// Ok::<(), csfquant::Error>(())
    /// ```
    #[doc(alias = "SLEF")]
    pub fn secondary_probability(&self) -> Option<f64> {
        self.composite().map(Composite::probability)
    }

    /// The secondary loss magnitude (SLM) of a magnitude built by
    /// [`with_secondary`](Self::with_secondary); `None` otherwise.
    ///
    /// # Example
    /// ```
    /// use csfquant::Magnitude;
    /// let slm = Magnitude::lognormal_ci90(5e4, 2e6)?;
    /// let loss = Magnitude::fixed(1e5)?.with_secondary(0.2, slm.clone())?;
    /// assert_eq!(loss.secondary(), Some(&slm));
    /// Ok::<(), csfquant::Error>(())
    /// ```
    #[doc(alias = "SLM")]
    pub fn secondary(&self) -> Option<&Magnitude> {
        self.composite().map(Composite::secondary)
    }

    /// The expected loss of one event, `E[min(X, cap)]`, from the closed form of each kind
    /// (see the constructors). Always finite: the constructors refuse an infinite mean.
    ///
    /// This is the single loss expectancy (SLE) of FAIR: `ALE = rate × mean()` for a
    /// compound frequency.
    ///
    /// # Example
    ///
    /// ```
    /// use csfquant::Magnitude;
    ///
    /// let loss = Magnitude::pert(50e3, 200e3, 1e6)?;
    /// assert!((loss.mean() - (50e3 + 4.0 * 200e3 + 1e6) / 6.0).abs() < 1e-6);
    /// Ok::<(), csfquant::Error>(())
    /// ```
    #[doc(alias = "SLE")]
    pub fn mean(&self) -> f64 {
        self.moments().mean
    }

    /// The variance of one event's loss, `Var[min(X, cap)]`, from the closed form of each kind.
    ///
    /// `f64::INFINITY` when it is infinite (an uncapped Pareto with `shape <= 2`) or overflows
    /// `f64` (e.g. a uniform on `[0, 1e200]`). Computed without the cancellation of
    /// `E[X²] − E[X]²` for the uncapped kinds. Under a cap the closed forms subtract moments, so
    /// relative accuracy degrades like `1/CV²` of the capped loss: it is good to about 1e-9 for
    /// caps that leave a realistic spread, and poor when the cap sits just above the smallest
    /// possible loss (e.g. a triangular on `[0, 1e6]` capped at 1, or a Pareto capped within
    /// 1e-6 of its scale), where the capped loss is nearly a point mass.
    ///
    /// # Example
    ///
    /// ```
    /// use csfquant::Magnitude;
    ///
    /// let loss = Magnitude::pert(50e3, 200e3, 1e6)?;
    /// assert!((loss.variance().sqrt() - 159_768.0).abs() < 1.0);
    /// assert_eq!(Magnitude::pareto(1e4, 1.5)?.variance(), f64::INFINITY);
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub fn variance(&self) -> f64 {
        self.moments().variance
    }

    /// The second raw moment `E[min(X, cap)²]`, as needed for a compound variance:
    /// `Var[Σ_{i<=N} X_i] = λ E[X²]` for `N ~ Poisson(λ)`.
    ///
    /// `f64::INFINITY` when infinite or beyond `f64`, like [`variance`](Self::variance).
    ///
    /// # Example
    ///
    /// ```
    /// use csfquant::Magnitude;
    ///
    /// let loss = Magnitude::fixed(3.0)?;
    /// assert_eq!(loss.second_moment(), 9.0);
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub fn second_moment(&self) -> f64 {
        self.moments().second
    }

    /// The distribution function of one event's loss, `P(min(X, cap) <= x)`.
    ///
    /// Exact up to the special functions (`libm::erfc`; statrs' regularized incomplete beta and
    /// gamma functions): `0` below the smallest possible loss, `1` at and above the cap or the
    /// largest possible loss, a step function for [`fixed`](Self::fixed) and
    /// [`empirical`](Self::empirical) losses. A NaN `x` gives NaN.
    ///
    /// # Example
    ///
    /// ```
    /// use csfquant::Magnitude;
    ///
    /// let loss = Magnitude::triangular(0.0, 0.0, 100.0)?.with_cap(90.0)?;
    /// assert!((loss.cdf(50.0) - 0.75).abs() < 1e-15);
    /// assert!((loss.cdf(80.0) - 0.96).abs() < 1e-15);
    /// assert_eq!(loss.cdf(90.0), 1.0);
    /// Ok::<(), csfquant::Error>(())
    /// ```
    #[doc(alias = "distribution function")]
    pub fn cdf(&self, x: f64) -> f64 {
        if x.is_nan() {
            return f64::NAN;
        }
        if x >= self.cap {
            return 1.0;
        }
        self.repr.cdf(x)
    }

    /// The moments of `min(X, cap)`; see each constructor's docs for the formulas.
    fn moments(&self) -> Moments {
        match &self.repr {
            Repr::Composite(c) => c.moments(),
            _ => self.moments_capped(self.cap),
        }
    }

    /// The moments of `min(X, c)` for a kind other than the composite, `c <= self.cap`.
    fn moments_capped(&self, c: f64) -> Moments {
        if c <= self.repr.lower() {
            // The whole law lies at or above c: min(X, c) = c.
            return Moments::from_mean_variance(c, 0.0);
        }
        self.repr.moments(c)
    }

    /// `E[min(X, u)]`, the limited expected value of one event's (capped) loss at `u >= 0`:
    /// what a layer's expected recovery is built from (`E[(X − t)⁺] = E[X] − E[min(X, t)]`).
    /// `None` for a composite loss, whose limited mean is an integral over its parts (too slow
    /// for the per-event use it has in set_run.rs).
    pub(crate) fn limited_mean(&self, u: f64) -> Option<f64> {
        if matches!(self.repr, Repr::Composite(_)) {
            return None;
        }
        if u >= self.clip {
            return Some(self.mean());
        }
        let c = u.min(self.cap);
        if let Repr::Lognormal(d) = &self.repr
            && c > 0.0
        {
            return Some(d.limited_mean(c));
        }
        Some(self.moments_capped(c).mean)
    }

    /// The largest possible loss of one event (the cap or the kind's upper end).
    pub(crate) fn largest(&self) -> f64 {
        self.clip
    }

    /// The primary, probability and secondary of a magnitude built by `with_secondary`.
    fn composite(&self) -> Option<&Composite> {
        match &self.repr {
            Repr::Composite(c) => Some(c),
            _ => None,
        }
    }

    /// The smallest possible loss of a magnitude that is not a composite (a fixed loss: its value).
    fn least(&self) -> f64 {
        match &self.repr {
            Repr::Fixed(d) => d.value().min(self.clip),
            repr => repr.lower(),
        }
    }
}

/// The operations every kind answers, one `match` each. Adding a kind adds one arm to each.
impl Repr {
    /// The smallest possible loss: a cap must lie above it. `-inf` for a fixed loss, whose every
    /// positive cap keeps it a point mass.
    fn lower(&self) -> f64 {
        match self {
            Repr::Lognormal(d) => d.lower(),
            Repr::Pert(d) => d.lower(),
            Repr::Triangular(d) => d.lower(),
            Repr::Uniform(d) => d.lower(),
            Repr::Gamma(d) => d.lower(),
            Repr::Pareto(d) => d.lower(),
            Repr::Fixed(d) => d.lower(),
            Repr::Empirical(d) => d.lower(),
            Repr::Composite(c) => c.lower(),
        }
    }

    /// The largest possible loss (`inf` for unbounded kinds).
    fn upper(&self) -> f64 {
        match self {
            Repr::Lognormal(d) => d.upper(),
            Repr::Pert(d) => d.upper(),
            Repr::Triangular(d) => d.upper(),
            Repr::Uniform(d) => d.upper(),
            Repr::Gamma(d) => d.upper(),
            Repr::Pareto(d) => d.upper(),
            Repr::Fixed(d) => d.upper(),
            Repr::Empirical(d) => d.upper(),
            Repr::Composite(c) => c.upper(),
        }
    }

    /// The CDF of the uncapped variable (a composite's: below its cap).
    fn cdf(&self, x: f64) -> f64 {
        match self {
            Repr::Lognormal(d) => d.cdf(x),
            Repr::Pert(d) => d.cdf(x),
            Repr::Triangular(d) => d.cdf(x),
            Repr::Uniform(d) => d.cdf(x),
            Repr::Gamma(d) => d.cdf(x),
            Repr::Pareto(d) => d.cdf(x),
            Repr::Fixed(d) => d.cdf(x),
            Repr::Empirical(d) => d.cdf(x),
            Repr::Composite(c) => c.cdf(x),
        }
    }

    /// The moments of `min(X, c)` for a kind other than the composite, `c > lower`.
    fn moments(&self, c: f64) -> Moments {
        match self {
            Repr::Lognormal(d) => d.moments(c),
            Repr::Pert(d) => d.moments(c),
            Repr::Triangular(d) => d.moments(c),
            Repr::Uniform(d) => d.moments(c),
            Repr::Gamma(d) => d.moments(c),
            Repr::Pareto(d) => d.moments(c),
            Repr::Fixed(d) => d.moments(c),
            Repr::Empirical(d) => d.moments(c),
            Repr::Composite(_) => unreachable!("a composite's parts are not composites"),
        }
    }

    /// The density of the uncapped variable of a continuous kind (0 for the atomic kinds).
    fn density(&self, x: f64) -> f64 {
        match self {
            Repr::Lognormal(d) => d.density(x),
            Repr::Pert(d) => d.density(x),
            Repr::Triangular(d) => d.density(x),
            Repr::Uniform(d) => d.density(x),
            Repr::Gamma(d) => d.density(x),
            Repr::Pareto(d) => d.density(x),
            Repr::Fixed(_) | Repr::Empirical(_) | Repr::Composite(_) => 0.0,
        }
    }

    /// `∫_a^b f(y) g(y) dy` for the density `f` of a continuous kind, by the tanh-sinh rule; a
    /// gamma integrates a piece from 0 in its own variable.
    fn integrate(&self, g: impl Fn(f64) -> f64, a: f64, b: f64) -> f64 {
        match self {
            Repr::Gamma(d) if a == 0.0 => d.integrate_from_zero(g, b),
            _ => tanh_sinh(|y| self.density(y) * g(y), a, b),
        }
    }

    /// Adds the kind's own kinks (modes, atoms) and a grid over the body of the unbounded kinds,
    /// for the composite's quadrature.
    fn breakpoints(&self, b: &mut Vec<f64>) {
        match self {
            Repr::Lognormal(d) => d.breakpoints(b),
            Repr::Pert(d) => d.breakpoints(b),
            Repr::Triangular(d) => d.breakpoints(b),
            Repr::Uniform(_) | Repr::Composite(_) => {}
            Repr::Gamma(d) => d.breakpoints(b),
            Repr::Pareto(d) => d.breakpoints(b),
            Repr::Fixed(d) => d.breakpoints(b),
            Repr::Empirical(d) => d.breakpoints(b),
        }
    }

    /// The equally likely values of a fixed or empirical loss (before its cap), or `None`.
    fn atoms(&self) -> Option<&[f64]> {
        match self {
            Repr::Fixed(d) => Some(d.atoms()),
            Repr::Empirical(d) => Some(d.atoms()),
            _ => None,
        }
    }

    /// `E[g(X)]` over the atoms of a fixed or empirical loss, `None` for the continuous kinds.
    fn expect_atoms(&self, g: impl Fn(f64) -> f64) -> Option<f64> {
        match self {
            Repr::Fixed(d) => Some(g(d.value())),
            Repr::Empirical(d) => Some(d.mean_of(g)),
            Repr::Lognormal(d) => d.atom().map(g),
            _ => None,
        }
    }
}

impl Distribution<f64> for Magnitude {
    /// One event's loss, `min(X, cap)`. Always inlined: the engine calls it once per event, and
    /// a call would move the generator's state through memory each time (measured: about a fifth
    /// of the instructions per event).
    #[inline(always)]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        // The cheap, common kinds are inlined into the engine's loop; the rest are one call away.
        let x = match &self.repr {
            Repr::Lognormal(d) => d.sample(rng),
            Repr::Uniform(d) => d.sample(rng),
            Repr::Fixed(d) => d.sample(rng),
            Repr::Pert(d) => sample_out_of_line(d, rng),
            Repr::Triangular(d) => sample_out_of_line(d, rng),
            Repr::Gamma(d) => sample_out_of_line(d, rng),
            Repr::Pareto(d) => sample_out_of_line(d, rng),
            Repr::Empirical(d) => sample_out_of_line(d, rng),
            Repr::Composite(c) => sample_out_of_line(&**c, rng),
        };
        // A plain compare-and-select (one `minsd`): `f64::min`'s NaN handling costs three more
        // instructions per event, and no sampler returns NaN.
        if x < self.clip { x } else { self.clip }
    }
}

/// The kinds whose samplers are too large to inline in the hot loop.
#[inline(never)]
fn sample_out_of_line<D: Distribution<f64>, R: Rng + ?Sized>(d: &D, rng: &mut R) -> f64 {
    d.sample(rng)
}

/// An uncapped PERT, uniform or triangular loss on its own, `Copy`: what an
/// [`Efficacy`](crate::Efficacy) (held by a `Copy` [`Frequency`](crate::Frequency) as a
/// vulnerability) draws with. It holds the very kind the [`Magnitude`] holds, so it draws exactly
/// as that magnitude.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Bounded {
    Pert(Pert),
    Uniform(Uniform),
    Triangular(Triangular),
}

impl Magnitude {
    /// The sampler of an uncapped PERT, uniform or triangular loss; `None` for other kinds.
    pub(crate) fn bounded(&self) -> Option<Bounded> {
        if self.cap.is_finite() {
            return None;
        }
        match &self.repr {
            Repr::Pert(d) => Some(Bounded::Pert(*d)),
            Repr::Uniform(d) => Some(Bounded::Uniform(*d)),
            Repr::Triangular(d) => Some(Bounded::Triangular(*d)),
            _ => None,
        }
    }
}

impl Bounded {
    /// `Var[X]`, each kind's single closed form.
    pub(crate) fn variance(&self) -> f64 {
        match self {
            Bounded::Pert(d) => d.variance(),
            Bounded::Uniform(d) => d.variance(),
            Bounded::Triangular(d) => d.variance(),
        }
    }

    /// `E[g(X)]` by the tanh-sinh rule over the support (split where the density has a kink).
    pub(crate) fn expectation(&self, g: impl Fn(f64) -> f64) -> f64 {
        match self {
            Bounded::Pert(d) => d.expectation(g),
            Bounded::Uniform(d) => d.expectation(g),
            Bounded::Triangular(d) => d.expectation(g),
        }
    }
}

impl Distribution<f64> for Bounded {
    /// As `Magnitude::sample`: the same draw, clipped at the largest possible value.
    #[inline]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let (x, top) = match self {
            Bounded::Pert(d) => (d.sample(rng), d.upper()),
            Bounded::Uniform(d) => (d.sample(rng), d.upper()),
            Bounded::Triangular(d) => (d.sample(rng), d.upper()),
        };
        if x < top { x } else { top }
    }
}

/// Validates a bound of a loss range: finite and `>= 0`; `-0.0` becomes `0.0`.
fn loss_bound(name: &'static str, value: f64) -> Result<f64> {
    if value >= 0.0 && value.is_finite() {
        Ok(value + 0.0)
    } else {
        Err(Error::invalid(name, value, LOSS))
    }
}

/// Validates `0 <= min < max < inf`.
fn check_bounds(min: f64, max: f64) -> Result<(f64, f64)> {
    let min = loss_bound("min", min)?;
    if !max.is_finite() {
        return Err(Error::invalid("max", max, LOSS));
    }
    // Both are finite by now, so the plain comparison cannot meet a NaN.
    if min >= max {
        return Err(Error::empty_range("min/max", min, max));
    }
    Ok((min, max))
}

/// Validates `min <= mode <= max` (NaN fails); `-0.0` becomes `0.0`.
fn check_mode(min: f64, mode: f64, max: f64) -> Result<f64> {
    if min <= mode && mode <= max {
        Ok(mode + 0.0)
    } else {
        Err(Error::ModeOutOfRange { min, mode, max })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use rand::SeedableRng;
    use rand::rngs::Xoshiro256PlusPlus;

    /// Relative error of `got` against `want`.
    pub(super) fn rel(got: f64, want: f64) -> f64 {
        ((got - want) / want).abs()
    }

    pub(super) fn invalid_name(e: Error) -> &'static str {
        match e {
            Error::InvalidParameter { name, .. } => name,
            other => panic!("expected InvalidParameter, got {other:?}"),
        }
    }

    pub(super) const NON_FINITE: [f64; 3] = [f64::NAN, f64::INFINITY, f64::NEG_INFINITY];

    // ---- construction: bounded kinds --------------------------------------------------------

    /// Every bounded constructor, as `f(min, mode, max)` (uniform ignores the mode).
    /// A constructor taking `(min, mode, max)`.
    type Make = fn(f64, f64, f64) -> Result<Magnitude>;

    fn bounded() -> Vec<(&'static str, Make)> {
        vec![
            ("pert", Magnitude::pert),
            ("pert lambda 2", |a, m, b| {
                Magnitude::pert_with_lambda(a, m, b, 2.0)
            }),
            ("triangular", Magnitude::triangular),
            ("uniform", |a, _, b| Magnitude::uniform(a, b)),
        ]
    }

    #[test]
    fn bounded_kinds_reject_bad_min_and_max() {
        for (kind, make) in bounded() {
            for bad in NON_FINITE.into_iter().chain([-1.0, -1e-300]) {
                let e = make(bad, 5.0, 10.0).unwrap_err();
                assert_eq!(invalid_name(e.clone()), "min", "{kind}");
                assert!(
                    e.to_string().contains("losses are non-negative"),
                    "{kind}: {e}"
                );
            }
            for bad in NON_FINITE {
                let e = make(0.0, 5.0, bad).unwrap_err();
                assert_eq!(invalid_name(e), "max", "{kind}");
            }
            // min == max and min > max: an empty range (a point mass is `fixed`).
            assert_eq!(
                make(5.0, 5.0, 5.0).unwrap_err(),
                Error::empty_range("min/max", 5.0, 5.0),
                "{kind}"
            );
            assert_eq!(
                make(10.0, 5.0, 0.0).unwrap_err(),
                Error::empty_range("min/max", 10.0, 0.0),
                "{kind}"
            );
            // A negative max with a valid min is an empty range, not an invalid max.
            assert!(matches!(
                make(0.0, 0.0, -1.0).unwrap_err(),
                Error::EmptyRange { .. }
            ));
            // -0.0 is 0: accepted, and stored as +0.
            let m = make(-0.0, 0.0, 1.0).unwrap();
            assert!(
                m.cdf(0.0) >= 0.0 && m.repr.lower().is_sign_positive(),
                "{kind}"
            );
            assert!(make(0.0, 0.0, 1.0).is_ok(), "{kind}");
        }
    }

    #[test]
    fn mode_outside_the_range_is_rejected() {
        for (kind, make) in bounded().into_iter().filter(|(k, _)| *k != "uniform") {
            for bad in NON_FINITE.into_iter().chain([-1.0, 10.5, 4.999]) {
                let e = make(5.0, bad, 10.0).unwrap_err();
                let same = |mode: f64| mode.to_bits() == bad.to_bits();
                assert!(
                    matches!(e, Error::ModeOutOfRange { mode, .. } if same(mode)),
                    "{kind}: {e:?}"
                );
            }
            assert_eq!(
                make(5.0, 11.0, 10.0).unwrap_err().to_string(),
                "invalid mode: 11 (expected a value in [min, max] = [5, 10])"
            );
            // Both ends are legal modes.
            assert!(
                make(5.0, 5.0, 10.0).is_ok() && make(5.0, 10.0, 10.0).is_ok(),
                "{kind}"
            );
        }
    }

    // ---- caps -------------------------------------------------------------------------------

    fn one_of_each() -> Vec<Magnitude> {
        vec![
            Magnitude::lognormal_ci90(1e4, 1e6).unwrap(),
            Magnitude::pert(50e3, 200e3, 1e6).unwrap(),
            Magnitude::triangular(50e3, 200e3, 1e6).unwrap(),
            Magnitude::uniform(50e3, 1e6).unwrap(),
            Magnitude::gamma(2.0, 1e5).unwrap(),
            Magnitude::pareto(5e4, 2.5).unwrap(),
            Magnitude::fixed(2e5).unwrap(),
            Magnitude::empirical(&[6e4, 1e5, 4e5]).unwrap(),
        ]
    }

    #[test]
    fn cap_validation() {
        for m in one_of_each() {
            for bad in NON_FINITE.into_iter().chain([0.0, -0.0, -5.0]) {
                let e = m.clone().with_cap(bad).unwrap_err();
                assert_eq!(
                    e.to_string(),
                    format!("invalid cap: {bad} (expected a finite number > 0)")
                );
            }
            assert_eq!(m.cap(), None);
            let capped = m.clone().with_cap(5e5).unwrap();
            assert_eq!(capped.cap(), Some(5e5));
            // Caps compose: the smaller one wins, in either order.
            assert_eq!(capped.clone().with_cap(9e5).unwrap().cap(), Some(5e5));
            assert_eq!(capped.with_cap(3e5).unwrap().cap(), Some(3e5));
        }
        // At or below the smallest possible loss the cap would make a point mass.
        for (m, low) in [
            (Magnitude::pert(50e3, 200e3, 1e6).unwrap(), 50e3),
            (Magnitude::triangular(50e3, 200e3, 1e6).unwrap(), 50e3),
            (Magnitude::uniform(50e3, 1e6).unwrap(), 50e3),
            (Magnitude::pareto(5e4, 2.5).unwrap(), 5e4),
            (Magnitude::empirical(&[6e4, 1e5]).unwrap(), 6e4),
        ] {
            for cap in [low, low / 2.0] {
                let e = m.clone().with_cap(cap).unwrap_err();
                assert!(
                    e.to_string().contains("above the smallest possible loss"),
                    "{e}"
                );
            }
            assert!(m.with_cap(low * 1.0001).is_ok());
        }
        // A fixed loss takes any positive cap.
        let f = Magnitude::fixed(2e5).unwrap().with_cap(1e5).unwrap();
        assert_eq!((f.mean(), f.variance()), (1e5, 0.0));
    }

    #[test]
    fn a_cap_above_the_support_changes_nothing_but_cap() {
        for m in one_of_each()
            .into_iter()
            .filter(|m| m.repr.upper().is_finite())
        {
            let c = m.clone().with_cap(2e6).unwrap();
            assert_eq!(c.mean(), m.mean());
            assert_eq!(c.variance(), m.variance());
            assert_eq!(c.cdf(5e5), m.cdf(5e5));
        }
    }

    #[test]
    fn samples_respect_cap_and_support() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        for m in one_of_each() {
            let capped = m.clone().with_cap(3e5).unwrap();
            for _ in 0..2_000 {
                let x = m.sample(&mut rng);
                assert!(
                    x >= m.repr.lower().max(0.0) && x <= m.repr.upper(),
                    "{m:?}: {x}"
                );
                let y = capped.sample(&mut rng);
                assert!((0.0..=3e5).contains(&y), "{capped:?}: {y}");
            }
        }
    }

    #[test]
    fn cdf_edges() {
        for m in one_of_each() {
            assert!(m.cdf(f64::NAN).is_nan());
            assert_eq!(m.cdf(f64::NEG_INFINITY), 0.0);
            assert_eq!(m.cdf(-1.0), 0.0);
            assert_eq!(m.cdf(f64::INFINITY), 1.0);
            let reaches_the_cap = m.repr.upper() > 3e5;
            let c = m.with_cap(3e5).unwrap();
            assert_eq!(c.cdf(3e5), 1.0);
            assert_eq!(c.cdf(2.9e5) < 1.0, reaches_the_cap);
        }
    }

    // ---- extreme parameters -----------------------------------------------------------------

    #[test]
    fn extreme_parameters_keep_finite_accurate_moments() {
        // Found by an independent mpmath review. e^(2μ+σ²) underflows while e^(σ²) − 1
        // overflows: the variance is e^(2μ + 2σ²)(1 − e^(−σ²)) = e^(−0.4832) = 0.6168.
        let m = Magnitude::lognormal(-800.0, 28.28).unwrap();
        let want = (2.0 * -800.0 + 2.0 * 28.28 * 28.28_f64).exp();
        assert!(rel(m.variance(), want) < 1e-9, "{}", m.variance());
        // Uncapped Pareto whose x_m² overflows although the variance does not: ≈ (1e40)².
        let m = Magnitude::pareto(1e150, 1e110).unwrap();
        assert!(rel(m.variance(), 1e80) < 1e-9, "{}", m.variance());
        // A cap so far out (c / x_m > e^709) that it changes nothing: the uncapped variance.
        let m = Magnitude::pareto_capped(1e-5, 3.5, 1e305).unwrap();
        let want = 1e-10 * 3.5 / (2.5 * 2.5 * 1.5);
        assert!(rel(m.variance(), want) < 1e-9, "{}", m.variance());
        // A tiny scale: x_m² underflows, the variance does not. With α = 1,
        // E[min(X, c)²] = x_m² + 2 x_m (c − x_m) and the squared mean is ~1e-395, so the
        // variance is 2e-200 to double precision.
        let m = Magnitude::pareto_capped(1e-200, 1.0, 1.0).unwrap();
        assert!(rel(m.variance(), 2e-200) < 1e-12, "{}", m.variance());
    }

    #[test]
    fn overflowing_variances_are_infinite_not_nan() {
        let u = Magnitude::uniform(0.0, 1e200).unwrap();
        assert_eq!(u.mean(), 5e199);
        assert_eq!(u.variance(), f64::INFINITY);
        assert_eq!(u.second_moment(), f64::INFINITY);
        let e = Magnitude::empirical(&[1e200, 3e200]).unwrap();
        assert_eq!(e.variance(), f64::INFINITY);
        assert_eq!(
            Magnitude::pareto(1.0, 2.0).unwrap().second_moment(),
            f64::INFINITY
        );
    }
}
