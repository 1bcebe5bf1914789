//! Per-event loss models: the loss `X >= 0` (in currency units) of one loss event.
//!
//! [`Magnitude`] is a closed set of distributions behind one public struct. Each constructor
//! validates its parameters once and precomputes what the sampler needs, so
//! [`Distribution::sample`] is a `match` plus a few floating-point operations. An optional
//! per-event cap turns any kind into `min(X, cap)`; the analytic moments ([`Magnitude::mean`],
//! [`Magnitude::variance`], [`Magnitude::second_moment`]) and [`Magnitude::cdf`] are exact for
//! the capped variable, through the partial moments `E[X^k; X <= c] + c^k P(X > c)`.

use std::f64::consts::{LN_2, PI, SQRT_2};
use std::sync::Arc;

use libm::erfc;
use rand::Rng;
use rand::distr::{Distribution, OpenClosed01, StandardUniform, Uniform};
use rand_distr::StandardNormal;
use statrs::function::beta::checked_beta_reg;
use statrs::function::gamma::{checked_gamma_lr, checked_gamma_ur};

use crate::check::positive;
use crate::error::{Error, Result};
use crate::model::Z95;

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

/// The precomputed samplers. Nothing is boxed; the empirical data sit behind an `Arc` so that
/// cloning a `Magnitude` never copies them.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Repr {
    /// `exp(mu + sigma Z)`, `Z` standard normal.
    Lognormal { mu: f64, sigma: f64 },
    /// `min + width B`, `B = G_a / (G_a + G_b) ~ Beta(alpha, beta)` with independent
    /// `G_a ~ Gamma(alpha, 1)`, `G_b ~ Gamma(beta, 1)`.
    Pert {
        min: f64,
        width: f64,
        alpha: f64,
        beta: f64,
        gamma_alpha: rand_distr::Gamma<f64>,
        gamma_beta: rand_distr::Gamma<f64>,
        /// The parameters as given, for writing the loss back.
        given: PertGiven,
    },
    /// Triangular on `[min, max]`; `p = (mode - min) / width`, `q = (max - mode) / width`.
    Triangular {
        min: f64,
        max: f64,
        width: f64,
        p: f64,
        q: f64,
        /// As given, for writing the loss back.
        mode: f64,
    },
    /// `min + width U`; `max` as given, for writing the loss back.
    Uniform { min: f64, width: f64, max: f64 },
    /// Gamma(shape, scale), sampled by rand_distr (Marsaglia-Tsang).
    Gamma {
        shape: f64,
        scale: f64,
        sampler: rand_distr::Gamma<f64>,
    },
    /// `scale U^(-1 / shape)`, `U` uniform on `(0, 1]`.
    Pareto {
        scale: f64,
        shape: f64,
        neg_inv_shape: f64,
    },
    /// Always `value`.
    Fixed(f64),
    /// `sorted[I]`, `I` uniform on `0..sorted.len()` (Lemire's unbiased method).
    Empirical {
        sorted: Arc<[f64]>,
        index: Uniform<usize>,
    },
    /// `primary + B · secondary`, `B ~ Bernoulli(probability)`: FAIR's primary and secondary
    /// loss. Behind an `Arc`: the enum stays as small as before, and clones share it.
    Composite(Arc<Composite>),
}

/// A primary loss plus a secondary loss that follows with some probability (FAIR SLEF), with
/// the moments of the composite under the cap computed once.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Composite {
    primary: Magnitude,
    probability: f64,
    secondary: Magnitude,
    moments: Moments,
}

/// A PERT's `mode`, `max` and `lambda` as given (the sampler keeps derived shapes).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct PertGiven {
    pub(crate) mode: f64,
    pub(crate) max: f64,
    pub(crate) lambda: f64,
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
        let clip = upper(&repr);
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
    /// Sampling uses rand_distr's ziggurat [`StandardNormal`].
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
        if !mu.is_finite() {
            return Err(Error::invalid("mu", mu, "a finite number (log-space)"));
        }
        let sigma = positive("sigma", sigma)?;
        let m = Self::from_repr(Repr::Lognormal { mu, sigma });
        if !m.mean().is_finite() {
            return Err(if mu.exp().is_finite() {
                Error::invalid(
                    "sigma",
                    sigma,
                    "small enough that the mean exp(mu + sigma^2 / 2) fits in f64",
                )
            } else {
                Error::invalid(
                    "mu",
                    mu,
                    "small enough that the mean exp(mu + sigma^2 / 2) fits in f64",
                )
            });
        }
        Ok(m)
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
        const POSITIVE: &str = "a finite number > 0 (a lognormal loss is positive)";
        if !(low > 0.0 && low.is_finite()) {
            return Err(Error::invalid("low", low, POSITIVE));
        }
        if !(high > 0.0 && high.is_finite()) {
            return Err(Error::invalid("high", high, POSITIVE));
        }
        // Both are finite by now, so the plain comparison cannot meet a NaN.
        if low >= high {
            return Err(Error::empty_range("ci90", low, high));
        }
        let (ln_low, ln_high) = (low.ln(), high.ln());
        let mu = (ln_low + ln_high) / 2.0;
        let sigma = (ln_high - ln_low) / (2.0 * Z95);
        // Distinct positive finite numbers have distinct logs, so sigma > 0 and finite.
        let m = Self::from_repr(Repr::Lognormal { mu, sigma });
        if !m.mean().is_finite() {
            return Err(Error::invalid(
                "high",
                high,
                "an interval whose lognormal mean fits in f64",
            ));
        }
        Ok(m)
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
        let (min, max) = check_bounds(min, max)?;
        let mode = check_mode(min, mode, max)?;
        if !(lambda > 0.0 && lambda <= Self::MAX_PERT_LAMBDA) {
            return Err(Error::invalid("lambda", lambda, "a number > 0 and <= 1000"));
        }
        let width = max - min;
        // Divide first: `lambda * (max - mode)` can overflow for a huge `max`.
        let alpha = 1.0 + lambda * ((mode - min) / width);
        let beta = 1.0 + lambda * ((max - mode) / width);
        // alpha, beta are in [1, 1 + lambda]: rand_distr accepts them.
        let unit_gamma = |shape: f64| {
            rand_distr::Gamma::new(shape, 1.0)
                .map_err(|_| Error::invalid("lambda", lambda, "a number giving Beta shapes > 0"))
        };
        Ok(Self::from_repr(Repr::Pert {
            min,
            width,
            alpha,
            beta,
            gamma_alpha: unit_gamma(alpha)?,
            gamma_beta: unit_gamma(beta)?,
            given: PertGiven { mode, max, lambda },
        }))
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
        let (min, max) = check_bounds(min, max)?;
        let mode = check_mode(min, mode, max)?;
        let width = max - min;
        Ok(Self::from_repr(Repr::Triangular {
            min,
            max,
            width,
            p: (mode - min) / width,
            q: (max - mode) / width,
            mode,
        }))
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
        let (min, max) = check_bounds(min, max)?;
        Ok(Self::from_repr(Repr::Uniform {
            min,
            width: max - min,
            max,
        }))
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
        if !(shape > 0.0 && shape <= Self::MAX_GAMMA_SHAPE) {
            return Err(Error::invalid(
                "shape",
                shape,
                "a number > 0 and <= Magnitude::MAX_GAMMA_SHAPE (1e6)",
            ));
        }
        let scale = positive("scale", scale)?;
        if !(shape * scale).is_finite() {
            return Err(Error::invalid(
                "scale",
                scale,
                "small enough that the mean shape * scale fits in f64",
            ));
        }
        let sampler = rand_distr::Gamma::new(shape, scale)
            .map_err(|_| Error::invalid("scale", scale, "a finite number > 0"))?;
        Ok(Self::from_repr(Repr::Gamma {
            shape,
            scale,
            sampler,
        }))
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
        if !(shape > 1.0 && shape.is_finite()) {
            return Err(Error::invalid(
                "shape",
                shape,
                "a finite number > 1 (the mean is infinite otherwise: give a cap)",
            ));
        }
        let m = Self::pareto_uncapped(scale, shape)?;
        if !m.mean().is_finite() {
            return Err(Error::invalid(
                "shape",
                shape,
                "large enough that the mean scale * shape / (shape - 1) fits in f64",
            ));
        }
        Ok(m)
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
        if !(shape > 0.0 && shape.is_finite()) {
            return Err(Error::invalid("shape", shape, "a finite number > 0"));
        }
        let m = Self::pareto_uncapped(scale, shape)?.with_cap(cap)?;
        if !m.mean().is_finite() {
            return Err(Error::invalid(
                "cap",
                cap,
                "a cap for which the mean fits in f64",
            ));
        }
        Ok(m)
    }

    /// The Pareto sampler without the mean check; `shape` must already be finite and `> 0`.
    fn pareto_uncapped(scale: f64, shape: f64) -> Result<Self> {
        let scale = positive("scale", scale)?;
        Ok(Self::from_repr(Repr::Pareto {
            scale,
            shape,
            neg_inv_shape: -1.0 / shape,
        }))
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
        Ok(Self::from_repr(Repr::Fixed(loss_bound("value", value)?)))
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
        if losses.is_empty() {
            return Err(Error::Empty { name: "losses" });
        }
        let mut sorted = Vec::with_capacity(losses.len());
        for &x in losses {
            sorted.push(loss_bound("losses", x)?);
        }
        sorted.sort_by(f64::total_cmp);
        let index = Uniform::new(0, sorted.len()).map_err(|_| Error::Empty { name: "losses" })?;
        let m = Self::from_repr(Repr::Empirical {
            sorted: sorted.into(),
            index,
        });
        let mean = m.mean();
        if !mean.is_finite() {
            return Err(Error::invalid(
                "losses",
                mean,
                "values whose mean fits in f64",
            ));
        }
        Ok(m)
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
        if cap <= lower(&self.repr) {
            return Err(Error::invalid(
                "cap",
                cap,
                "a finite number above the smallest possible loss",
            ));
        }
        let cap = cap.min(self.cap);
        let clip = cap.min(upper(&self.repr));
        let repr = match self.repr {
            Repr::Composite(c) => {
                let moments = Composite::moments_at(&c.primary, c.probability, &c.secondary, cap);
                Repr::Composite(Arc::new(Composite {
                    moments,
                    ..(*c).clone()
                }))
            }
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
        let rule = "a magnitude without a secondary loss of its own (one level of secondary loss)";
        if matches!(self.repr, Repr::Composite(_)) {
            return Err(Error::invalid("primary", self.mean(), rule));
        }
        if matches!(secondary.repr, Repr::Composite(_)) {
            return Err(Error::invalid("secondary", secondary.mean(), rule));
        }
        if probability == 0.0 {
            return Ok(self);
        }
        let moments = Composite::moments_at(&self, probability, &secondary, f64::INFINITY);
        Ok(Self::from_repr(Repr::Composite(Arc::new(Composite {
            primary: self,
            probability,
            secondary,
            moments,
        }))))
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
        match &self.repr {
            Repr::Composite(c) => Some(&c.primary),
            _ => None,
        }
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
        match &self.repr {
            Repr::Composite(c) => Some(c.probability),
            _ => None,
        }
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
        match &self.repr {
            Repr::Composite(c) => Some(&c.secondary),
            _ => None,
        }
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
        if let Repr::Composite(c) = &self.repr {
            return c.cdf(x);
        }
        repr_cdf(&self.repr, x)
    }

    /// The moments of `min(X, cap)`; see each constructor's docs for the formulas.
    fn moments(&self) -> Moments {
        match &self.repr {
            Repr::Composite(c) => c.moments,
            _ => self.moments_capped(self.cap),
        }
    }

    /// The moments of `min(X, c)` for a kind other than the composite, `c <= self.cap`.
    fn moments_capped(&self, c: f64) -> Moments {
        if c <= lower(&self.repr) {
            // The whole law lies at or above c: min(X, c) = c.
            return Moments::from_mean_variance(c, 0.0);
        }
        match &self.repr {
            Repr::Lognormal { mu, sigma } => lognormal_moments(*mu, *sigma, c),
            Repr::Pert {
                min,
                width,
                alpha,
                beta,
                ..
            } => {
                let (mean_b, var_b) = pert_unit_moments(*alpha, *beta, (c - min) / width);
                Moments::from_mean_variance(min + width * mean_b, width * width * var_b)
            }
            Repr::Triangular {
                min, width, p, q, ..
            } => {
                let (mean_b, var_b) = triangular_unit_moments(*p, *q, (c - min) / width);
                Moments::from_mean_variance(min + width * mean_b, width * width * var_b)
            }
            Repr::Uniform { min, width, .. } => {
                let t = ((c - min) / width).min(1.0);
                // E[min(U, t)] = t − t²/2,  Var[min(U, t)] = t³ (4 − 3t) / 12 (1/12 at t = 1).
                let mean_u = t - t * t / 2.0;
                let var_u = t * t * t * (4.0 - 3.0 * t) / 12.0;
                Moments::from_mean_variance(min + width * mean_u, width * width * var_u)
            }
            Repr::Gamma { shape, scale, .. } => gamma_moments(*shape, *scale, c),
            Repr::Pareto { scale, shape, .. } => pareto_moments(*scale, *shape, c),
            Repr::Fixed(value) => {
                let v = value.min(c);
                Moments::from_mean_variance(v, 0.0)
            }
            Repr::Empirical { sorted, .. } => {
                let n = sorted.len() as f64;
                let capped = || sorted.iter().map(move |&v| v.min(c));
                let mean = sum(capped()) / n;
                let variance = sum(capped().map(|y| (y - mean) * (y - mean))) / n;
                let second = sum(capped().map(|y| y * y)) / n;
                Moments {
                    mean,
                    variance,
                    second,
                }
            }
            Repr::Composite(_) => unreachable!("a composite's parts are not composites"),
        }
    }
}

/// The CDF of the uncapped variable of a kind other than the composite.
fn repr_cdf(repr: &Repr, x: f64) -> f64 {
    match repr {
        Repr::Lognormal { mu, sigma } => {
            if x <= 0.0 {
                0.0
            } else {
                normal_cdf((x.ln() - mu) / sigma)
            }
        }
        Repr::Pert {
            min,
            width,
            alpha,
            beta,
            ..
        } => {
            let u = (x - min) / width;
            if u <= 0.0 {
                0.0
            } else if u >= 1.0 {
                1.0
            } else {
                beta_reg(*alpha, *beta, u)
            }
        }
        Repr::Triangular {
            min,
            max,
            width,
            p,
            q,
            ..
        } => {
            let u = (x - min) / width;
            if u <= 0.0 {
                0.0
            } else if u >= 1.0 {
                1.0
            } else if u <= *p {
                u * u / p
            } else {
                let s = (max - x) / width;
                1.0 - s * s / q
            }
        }
        Repr::Uniform { min, width, .. } => ((x - min) / width).clamp(0.0, 1.0),
        Repr::Gamma { shape, scale, .. } => gamma_p(*shape, x / scale),
        Repr::Pareto { scale, shape, .. } => {
            if x <= *scale {
                0.0
            } else {
                // 1 − (x_m / x)^α without cancellation for x near x_m.
                -(-shape * ln_ratio(x, *scale)).exp_m1()
            }
        }
        Repr::Fixed(value) => {
            if x >= *value {
                1.0
            } else {
                0.0
            }
        }
        Repr::Empirical { sorted, .. } => {
            sorted.partition_point(|&v| v <= x) as f64 / sorted.len() as f64
        }
        Repr::Composite(c) => c.cdf(x),
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
            Repr::Lognormal { mu, sigma } => {
                let z: f64 = StandardNormal.sample(rng);
                (mu + sigma * z).exp()
            }
            Repr::Uniform { min, width, .. } => {
                let u: f64 = StandardUniform.sample(rng);
                min + width * u
            }
            Repr::Fixed(value) => *value,
            other => sample_other(other, rng),
        };
        // A plain compare-and-select (one `minsd`): `f64::min`'s NaN handling costs three more
        // instructions per event, and no sampler returns NaN.
        if x < self.clip { x } else { self.clip }
    }
}

/// A PERT draw: `min + width · G_α/(G_α + G_β)`. Both gamma variates are > 0 (shapes >= 1),
/// so the ratio is in (0, 1).
#[inline]
fn pert_draw<R: Rng + ?Sized>(
    min: f64,
    width: f64,
    gamma_alpha: &rand_distr::Gamma<f64>,
    gamma_beta: &rand_distr::Gamma<f64>,
    rng: &mut R,
) -> f64 {
    let a = gamma_alpha.sample(rng);
    let b = gamma_beta.sample(rng);
    min + width * (a / (a + b))
}

/// A triangular draw by the inverse CDF on the unit scale: √(u p) below the mode,
/// 1 − √((1 − u) q) above.
#[inline]
fn triangular_draw<R: Rng + ?Sized>(
    min: f64,
    max: f64,
    width: f64,
    p: f64,
    q: f64,
    rng: &mut R,
) -> f64 {
    let u: f64 = StandardUniform.sample(rng);
    if u < p {
        min + width * (u * p).sqrt()
    } else {
        max - width * ((1.0 - u) * q).sqrt()
    }
}

/// The sampler of an uncapped PERT, uniform or triangular loss on its own, `Copy`: what an
/// [`Efficacy`](crate::Efficacy) (held by a `Copy` [`Frequency`](crate::Frequency) as a
/// vulnerability) draws with. It draws exactly as the [`Magnitude`] it comes from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Bounded {
    /// See `Repr::Pert`.
    Pert {
        min: f64,
        width: f64,
        alpha: f64,
        beta: f64,
        gamma_alpha: rand_distr::Gamma<f64>,
        gamma_beta: rand_distr::Gamma<f64>,
    },
    /// See `Repr::Uniform`.
    Uniform { min: f64, width: f64 },
    /// See `Repr::Triangular`.
    Triangular {
        min: f64,
        max: f64,
        width: f64,
        p: f64,
        q: f64,
    },
}

impl Magnitude {
    /// The sampler of an uncapped PERT, uniform or triangular loss; `None` for other kinds.
    pub(crate) fn bounded(&self) -> Option<Bounded> {
        if self.cap.is_finite() {
            return None;
        }
        match self.repr {
            Repr::Pert {
                min,
                width,
                alpha,
                beta,
                gamma_alpha,
                gamma_beta,
                ..
            } => Some(Bounded::Pert {
                min,
                width,
                alpha,
                beta,
                gamma_alpha,
                gamma_beta,
            }),
            Repr::Uniform { min, width, .. } => Some(Bounded::Uniform { min, width }),
            Repr::Triangular {
                min,
                max,
                width,
                p,
                q,
                ..
            } => Some(Bounded::Triangular {
                min,
                max,
                width,
                p,
                q,
            }),
            _ => None,
        }
    }
}

impl Distribution<f64> for Bounded {
    /// As `Magnitude::sample`: the same draw, clipped at the largest possible value.
    #[inline]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let (x, top) = match *self {
            Bounded::Pert {
                min,
                width,
                ref gamma_alpha,
                ref gamma_beta,
                ..
            } => (
                pert_draw(min, width, gamma_alpha, gamma_beta, rng),
                min + width,
            ),
            Bounded::Uniform { min, width } => {
                let u: f64 = StandardUniform.sample(rng);
                (min + width * u, min + width)
            }
            Bounded::Triangular {
                min,
                max,
                width,
                p,
                q,
            } => (triangular_draw(min, max, width, p, q, rng), max),
        };
        if x < top { x } else { top }
    }
}

/// The kinds whose samplers are too large to inline in the hot loop.
#[inline(never)]
fn sample_other<R: Rng + ?Sized>(repr: &Repr, rng: &mut R) -> f64 {
    match repr {
        Repr::Pert {
            min,
            width,
            gamma_alpha,
            gamma_beta,
            ..
        } => pert_draw(*min, *width, gamma_alpha, gamma_beta, rng),
        Repr::Triangular {
            min,
            max,
            width,
            p,
            q,
            ..
        } => triangular_draw(*min, *max, *width, *p, *q, rng),
        Repr::Gamma { sampler, .. } => sampler.sample(rng),
        Repr::Pareto {
            scale,
            neg_inv_shape,
            ..
        } => {
            // U in (0, 1] so the power is finite; U and 1 − U have the same law.
            let u: f64 = OpenClosed01.sample(rng);
            scale * u.powf(*neg_inv_shape)
        }
        Repr::Empirical { sorted, index } => sorted[index.sample(rng)],
        Repr::Composite(c) => {
            // Primary first, then B, then (if B = 1) the secondary; B = 1 draws nothing at p = 1.
            let x = c.primary.sample(rng);
            let coin = |rng: &mut R| -> f64 { StandardUniform.sample(rng) };
            if c.probability >= 1.0 || coin(rng) < c.probability {
                x + c.secondary.sample(rng)
            } else {
                x
            }
        }
        Repr::Lognormal { .. } | Repr::Uniform { .. } | Repr::Fixed(_) => {
            unreachable!("sampled inline by Magnitude::sample")
        }
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

/// The smallest possible loss: a cap must lie above it. `-inf` for a fixed loss, whose every
/// positive cap keeps it a point mass.
fn lower(repr: &Repr) -> f64 {
    match repr {
        Repr::Lognormal { .. } | Repr::Gamma { .. } => 0.0,
        Repr::Pert { min, .. } | Repr::Triangular { min, .. } | Repr::Uniform { min, .. } => *min,
        Repr::Pareto { scale, .. } => *scale,
        Repr::Fixed(_) => f64::NEG_INFINITY,
        Repr::Empirical { sorted, .. } => sorted.first().copied().unwrap_or(0.0),
        Repr::Composite(c) => {
            let secondary = if c.probability >= 1.0 {
                least(&c.secondary)
            } else {
                0.0
            };
            least(&c.primary) + secondary
        }
    }
}

/// The smallest possible loss of a magnitude that is not a composite (a fixed loss: its value).
fn least(m: &Magnitude) -> f64 {
    match m.repr {
        Repr::Fixed(value) => value.min(m.clip),
        _ => lower(&m.repr),
    }
}

/// The largest possible loss (`inf` for unbounded kinds).
fn upper(repr: &Repr) -> f64 {
    match repr {
        Repr::Lognormal { .. } | Repr::Gamma { .. } | Repr::Pareto { .. } => f64::INFINITY,
        Repr::Pert { min, width, .. } | Repr::Uniform { min, width, .. } => min + width,
        Repr::Triangular { max, .. } => *max,
        Repr::Fixed(value) => *value,
        Repr::Empirical { sorted, .. } => sorted.last().copied().unwrap_or(f64::INFINITY),
        Repr::Composite(c) => c.primary.clip + c.secondary.clip,
    }
}

/// Neumaier-compensated sum; an overflow returns `inf` rather than NaN.
fn sum(values: impl Iterator<Item = f64>) -> f64 {
    let (mut total, mut compensation) = (0.0f64, 0.0f64);
    for x in values {
        let t = total + x;
        compensation += if total.abs() >= x.abs() {
            (total - t) + x
        } else {
            (x - t) + total
        };
        total = t;
    }
    if total.is_finite() {
        total + compensation
    } else {
        total
    }
}

/// `Φ(z)`, the standard normal CDF, through `erfc` so that the lower tail keeps its relative
/// accuracy. `erfc` comes from `libm` (a port of musl/FreeBSD, < 1 ulp): statrs 0.19's `erfc`
/// is only accurate to about 1e-10 relative.
fn normal_cdf(z: f64) -> f64 {
    0.5 * erfc(-z / SQRT_2)
}

/// `ln Φ(z)`, finite down to `z ≈ −1e154` (where `Φ` itself underflows below `z ≈ −38`).
fn ln_normal_cdf(z: f64) -> f64 {
    if z > 0.0 {
        // Φ(z) = 1 − Φ̄(z): ln_1p keeps the tiny Φ̄ instead of rounding 1 − Φ̄ to 1.
        (-0.5 * erfc(z / SQRT_2)).ln_1p()
    } else if z > -30.0 {
        normal_cdf(z).ln()
    } else {
        // Mills-ratio expansion (Abramowitz & Stegun 26.2.12):
        // Φ(z) = φ(z)/|z| (1 − 1/z² + 3/z⁴ − 15/z⁶ + 105/z⁸ − 945/z¹⁰ + ...);
        // at |z| >= 30 the next term is below 2e-14 relative.
        let w = 1.0 / (z * z);
        let series = 1.0 - w * (1.0 - w * (3.0 - w * (15.0 - w * (105.0 - w * 945.0))));
        -0.5 * z * z - (-z).ln() - 0.5 * (LN_2 + PI.ln()) + series.ln()
    }
}

/// The regularized incomplete beta function `I_x(a, b)`; `x` is clamped into `[0, 1]`.
fn beta_reg(a: f64, b: f64, x: f64) -> f64 {
    // a, b >= 1 here, and x is clamped, so statrs cannot fail; NaN would only flag a bug.
    checked_beta_reg(a, b, x.clamp(0.0, 1.0)).unwrap_or(f64::NAN)
}

/// The regularized lower incomplete gamma function `P(a, x)`, total on `x` (0 at or below 0,
/// 1 at infinity) unlike statrs, which refuses `x = 0` and `x = inf`.
fn gamma_p(a: f64, x: f64) -> f64 {
    if x <= 0.0 {
        0.0
    } else if x == f64::INFINITY {
        1.0
    } else {
        checked_gamma_lr(a, x).unwrap_or(f64::NAN)
    }
}

/// The regularized upper incomplete gamma function `Q(a, x) = 1 − P(a, x)`, computed directly
/// (no cancellation in the upper tail).
fn gamma_q(a: f64, x: f64) -> f64 {
    if x <= 0.0 {
        1.0
    } else if x == f64::INFINITY {
        0.0
    } else {
        checked_gamma_ur(a, x).unwrap_or(f64::NAN)
    }
}

/// Moments of `min(X, c)`, `X = exp(mu + sigma Z)`.
fn lognormal_moments(mu: f64, sigma: f64, c: f64) -> Moments {
    let s2 = sigma * sigma;
    if c == f64::INFINITY {
        let mean = (mu + s2 / 2.0).exp();
        // e^(2μ + σ²) (e^(σ²) − 1): expm1 keeps small σ accurate. When one factor underflows
        // and the other overflows (μ very negative, σ large), use the equal log-space form
        // e^(2μ + 2σ² + ln(1 − e^(−σ²))) instead of 0 · ∞.
        let variance = (2.0 * mu + s2).exp() * s2.exp_m1();
        let variance = if variance.is_nan() {
            (2.0 * mu + 2.0 * s2 + (-(-s2).exp_m1()).ln()).exp()
        } else {
            variance
        };
        return Moments {
            mean,
            variance,
            second: (2.0 * (mu + s2)).exp(),
        };
    }
    let z0 = (c.ln() - mu) / sigma;
    // P(X > c) = Φ̄(z0).
    let tail = 0.5 * erfc(z0 / SQRT_2);
    // E[X^k; X <= c] = exp(kμ + k²σ²/2) Φ(z0 − kσ), summed in log space: the exponential can
    // overflow while the product with Φ stays small.
    let partial = |k: f64| (k * mu + k * k * s2 / 2.0 + ln_normal_cdf(z0 - k * sigma)).exp();
    let mean = partial(1.0) + c * tail;
    // (c · tail) · c rather than c² · tail: c² alone may overflow when the tail is tiny.
    let second = partial(2.0) + c * tail * c;
    Moments::from_raw(mean, second)
}

/// Mean and variance of `min(B, t)`, `B ~ Beta(alpha, beta)`.
fn pert_unit_moments(alpha: f64, beta: f64, t: f64) -> (f64, f64) {
    let sum = alpha + beta;
    let mean = alpha / sum;
    if t >= 1.0 {
        return (mean, alpha * beta / (sum * sum * (sum + 1.0)));
    }
    // P(B > t) = I_{1−t}(β, α), which stays accurate in the upper tail.
    let tail = beta_reg(beta, alpha, 1.0 - t);
    let e1 = mean * beta_reg(alpha + 1.0, beta, t) + t * tail;
    let e2 =
        alpha * (alpha + 1.0) / (sum * (sum + 1.0)) * beta_reg(alpha + 2.0, beta, t) + t * t * tail;
    (e1, (e2 - e1 * e1).max(0.0))
}

/// Mean and variance of `min(B, t)`, `B` triangular on `[0, 1]` with mode `p = 1 − q`.
///
/// From `E[min(B, t)] = ∫₀ᵗ (1 − F)` and `E[min(B, t)²] = ∫₀ᵗ 2x (1 − F)`, with `F(x) = x²/p`
/// below the mode and `1 − (1 − x)²/q` above it.
fn triangular_unit_moments(p: f64, q: f64, t: f64) -> (f64, f64) {
    if t >= 1.0 {
        // (0 + p + 1)/3 and (1 − p + p²)/18 = (1 − pq)/18.
        return ((1.0 + p) / 3.0, (1.0 - p * q) / 18.0);
    }
    let (e1, e2) = if t <= p || q <= 0.0 {
        // 0 < t <= p, so p > 0.
        let t2 = t * t;
        (t - t2 * t / (3.0 * p), t2 - t2 * t2 / (2.0 * p))
    } else {
        // p < t < 1, so q > s = 1 − t > 0.
        let s = 1.0 - t;
        let (q3, s3) = (q * q * q, s * s * s);
        let e1 = p - p * p / 3.0 + (q3 - s3) / (3.0 * q);
        let e2 = p * p - p * p * p / 2.0 + 2.0 / q * ((q3 - s3) / 3.0 - (q3 * q - s3 * s) / 4.0);
        (e1, e2)
    };
    (e1, (e2 - e1 * e1).max(0.0))
}

/// Moments of `min(X, c)`, `X ~ Gamma(shape k, scale θ)`.
fn gamma_moments(k: f64, theta: f64, c: f64) -> Moments {
    if c == f64::INFINITY {
        return Moments::from_mean_variance(k * theta, k * theta * theta);
    }
    let x = c / theta;
    // Γ(k+1)/Γ(k) = k and Γ(k+2)/Γ(k) = k(k+1); the tail P(X > c) = Q(k, c/θ).
    let tail = gamma_q(k, x);
    let mean = k * theta * gamma_p(k + 1.0, x) + c * tail;
    let second = k * (k + 1.0) * theta * theta * gamma_p(k + 2.0, x) + c * tail * c;
    Moments::from_raw(mean, second)
}

/// Moments of `min(X, c)`, `X ~ Pareto(x_m, α)`.
///
/// On the scale `u = x / x_m` and with `r = c / x_m`, `∫₁ʳ u^(k−1−α) du = (1 − r^(k−α))/(α − k)`
/// (`ln r` when `α = k`), so `E[min(X, c)] = x_m (1 + g₁)` and
/// `E[(min(X, c) − x_m)²] = 2 x_m² (g₂ − g₁)`: this is the source's
/// `α x_m^α (c^(k−α) − x_m^(k−α))/(k − α) + c^k P(X > c)` regrouped so that no power of `x_m`
/// or `c` can overflow and the variance avoids `E[X²] − E[X]²`.
fn pareto_moments(scale: f64, shape: f64, c: f64) -> Moments {
    let (xm, a) = (scale, shape);
    if c == f64::INFINITY {
        // The constructor guarantees α > 1.
        let mean = xm * a / (a - 1.0);
        let variance = if a > 2.0 {
            // (x_m / (α − 1))² α / (α − 2): grouped so no intermediate overflows early.
            let t = xm / (a - 1.0);
            t * t * (a / (a - 2.0))
        } else {
            f64::INFINITY
        };
        return Moments::from_mean_variance(mean, variance);
    }
    let lr = ln_ratio(c, xm); // ln r > 0: the cap lies above x_m.
    // g(k) = ∫₁ʳ u^(k−1−α) du = −expm1(−(α − k) ln r)/(α − k), → ln r as α → k.
    let g = |k: f64| {
        let d = a - k;
        if d == 0.0 {
            lr
        } else {
            -(-d * lr).exp_m1() / d
        }
    };
    let g1 = g(1.0);
    // D = g₂ − g₁ = ∫₁ʳ (u − 1) u^(−α) du. For α > 3 the difference cancels (both ≈ 1/α), so
    // use the combined closed form [1 − r^(1−α) (1 + (α − 1)(r − 1))] / ((α − 1)(α − 2)).
    let d = if a > 3.0 {
        let am1 = a - 1.0;
        // r^(1−α) (r − 1) = e^((2 − α) ln r) (1 − e^(−ln r)): neither factor overflows, however
        // far out the cap lies.
        let tail = ((2.0 - a) * lr).exp() * (-(-lr).exp_m1());
        let num = -(-am1 * lr).exp_m1() - am1 * tail;
        num / (am1 * (a - 2.0))
    } else {
        g(2.0) - g1
    };
    let mean = xm * (1.0 + g1);
    // x_m (x_m (…)) so a tiny x_m does not underflow before the bracket scales it; a rounding
    // below zero is clamped, but a NaN would stay visible.
    let variance = xm * (xm * (2.0 * d - g1 * g1));
    let variance = if variance < 0.0 { 0.0 } else { variance };
    Moments::from_mean_variance(mean, variance)
}

/// ln(x / y) for x >= y > 0, accurate when x is close to y (ln_1p of the relative gap) and
/// finite when x / y would overflow (a difference of logarithms).
fn ln_ratio(x: f64, y: f64) -> f64 {
    if x < 2.0 * y {
        ((x - y) / y).ln_1p()
    } else {
        x.ln() - y.ln()
    }
}

/// `∫_a^b f(x) dx` by the tanh-sinh (double-exponential) rule of Takahasi and Mori (1974).
///
/// `x = c + r·tanh(π/2 · sinh t)` maps `t ∈ ℝ` onto `(a, b)`; the trapezoid rule in `t` with step
/// `h` then converges like `e^{−c/h}` for integrands analytic inside the interval, even with
/// algebraic singularities or kinks at the ends (Trefethen & Weideman, SIAM Rev. 2014). Nodes
/// near an end are computed from that end (`b − r·2/(1 + e^{2u})`), so they do not round onto it.
/// `t` runs over `[−3.5, 3.5]` (the weights there are below 1e-20); `h` halves from 1/4 until
/// two levels agree to `1e-9 · ∫|f|` (the error of the last level is then about the square of
/// that) or `h = 2^-10` (at most ~7,200 evaluations). `f` is never
/// evaluated at `a` or `b`. Returns 0 unless `a < b`.
pub(crate) fn tanh_sinh(f: impl Fn(f64) -> f64, a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() || a >= b {
        return 0.0;
    }
    const T_MAX: f64 = 3.5;
    const MAX_LEVEL: u32 = 10;
    let r = 0.5 * (b - a);
    let half_pi = 0.5 * PI;
    // Weight times f at ±t (t > 0), as a pair (sum, sum of |.|).
    let pair = |t: f64| -> (f64, f64) {
        let u = half_pi * t.sinh();
        let e = (2.0 * u).exp();
        // 1 − tanh(u) = 2/(1 + e^{2u}); cosh²(u) = (1 + e^{2u})²/(4 e^{2u}).
        let d = r * 2.0 / (1.0 + e);
        let w = r * half_pi * t.cosh() * 4.0 * e / ((1.0 + e) * (1.0 + e));
        let mut s = (0.0, 0.0);
        for x in [b - d, a + d] {
            if x > a && x < b {
                let v = w * f(x);
                s.0 += v;
                s.1 += v.abs();
            }
        }
        s
    };
    let centre = r * half_pi * f(a + r);
    let (mut sum, mut abs) = (centre, centre.abs());
    let mut h = 0.25;
    // Level 0: t = k h, k = 1..
    let mut k = 1.0;
    while k * h <= T_MAX {
        let (s, s_abs) = pair(k * h);
        sum += s;
        abs += s_abs;
        k += 1.0;
    }
    let mut estimate = sum * h;
    for _ in 1..=MAX_LEVEL {
        // Halve h: only the odd multiples of the new step are new nodes.
        h *= 0.5;
        let mut k = 1.0;
        while k * h <= T_MAX {
            let (s, s_abs) = pair(k * h);
            sum += s;
            abs += s_abs;
            k += 2.0;
        }
        let next = sum * h;
        // Halving h roughly squares the relative error of a double-exponential rule, so a change
        // of δ between levels leaves an error of about δ² in the new one: stopping at
        // δ <= 1e-9 ∫|f| leaves ~1e-18, below rounding.
        let converged = (next - estimate).abs() <= 1e-9 * abs * h;
        estimate = next;
        if converged {
            break;
        }
    }
    estimate
}

impl Composite {
    /// The moments of `min(P + B·S, c)` (`c` may be infinite).
    fn moments_at(primary: &Magnitude, p: f64, secondary: &Magnitude, c: f64) -> Moments {
        let (mp, ms) = (primary.moments(), secondary.moments());
        if c == f64::INFINITY {
            // Var[P + BS] = Var[P] + E[B²S²] − E[BS]² = Var[P] + p Var[S] + p(1 − p) E[S]².
            let variance = mp.variance + p * ms.variance + p * (1.0 - p) * ms.mean * ms.mean;
            let second = mp.second + 2.0 * p * mp.mean * ms.mean + p * ms.second;
            return Moments {
                mean: mp.mean + p * ms.mean,
                variance,
                second,
            };
        }
        let capped_p = primary.moments_capped(c.min(primary.cap));
        if let Some(atoms) = atoms(secondary) {
            // A fixed or empirical secondary: condition on its value s instead of integrating
            // over the primary (linear in the number of observations):
            // min(P + s, c) = s + min(P, c − s) for s < c, else c.
            let (mut e1, mut e2) = (0.0, 0.0);
            for &s in atoms.iter() {
                let s = s.min(secondary.cap);
                if s >= c {
                    e1 += c;
                    e2 += c * c;
                } else {
                    let m = primary.moments_capped((c - s).min(primary.cap));
                    e1 += s + m.mean;
                    e2 += s * s + 2.0 * s * m.mean + m.second;
                }
            }
            let n = atoms.len() as f64;
            return Moments::from_raw(
                (1.0 - p) * capped_p.mean + p * e1 / n,
                (1.0 - p) * capped_p.second + p * e2 / n,
            );
        }
        // With B = 1: E[min(P + S, c) | P = y] = y + E[min(S, c − y)] for y < c, else c.
        let breaks = mirrored_breakpoints(secondary, c);
        let h = |y: f64, k: u8| {
            let m = secondary.moments_capped((c - y).min(secondary.cap));
            if k == 1 {
                y + m.mean
            } else {
                y * y + 2.0 * y * m.mean + m.second
            }
        };
        let e1 = expect_over(primary, |y| h(y, 1), c, c, &breaks);
        let e2 = expect_over(primary, |y| h(y, 2), c, c * c, &breaks);
        Moments::from_raw(
            (1.0 - p) * capped_p.mean + p * e1,
            (1.0 - p) * capped_p.second + p * e2,
        )
    }

    /// `P(P + B·S <= x)` for `x` below the composite's cap.
    fn cdf(&self, x: f64) -> f64 {
        let (p, s) = (self.probability, &self.secondary);
        let own = self.primary.cdf(x);
        // F_S(x − y) = 0 once x − y is below S's smallest loss (for y > x − least(S)).
        let end = x - least(s);
        let breaks = mirrored_breakpoints(s, x);
        let with_secondary = expect_over(&self.primary, |y| s.cdf(x - y), end, 0.0, &breaks);
        ((1.0 - p) * own + p * with_secondary).clamp(0.0, 1.0)
    }
}

/// The equally likely values of a fixed or empirical loss (before its cap), or `None`.
fn atoms(m: &Magnitude) -> Option<Arc<[f64]>> {
    match &m.repr {
        Repr::Fixed(v) => Some(Arc::from([*v])),
        Repr::Empirical { sorted, .. } => Some(Arc::clone(sorted)),
        _ => None,
    }
}

/// `at − b` for every kink `b` of `m`'s CDF and capped moments: where an integrand
/// `g(y) = F(at − y)` or `E[min(S, at − y)]` may bend.
fn mirrored_breakpoints(m: &Magnitude, at: f64) -> Vec<f64> {
    breakpoints(m).into_iter().map(|b| at - b).collect()
}

/// Points where the law of `m` (not a composite) bends or jumps: its bounds, mode, cap and atoms,
/// and a grid over the body of the unbounded kinds, so that between two of them the density is
/// smooth and not too peaked for the tanh-sinh rule.
fn breakpoints(m: &Magnitude) -> Vec<f64> {
    let mut b = vec![lower(&m.repr).max(0.0), m.clip];
    match &m.repr {
        Repr::Lognormal { mu, sigma } => {
            b.extend((-12..=12).map(|k| (mu + sigma * f64::from(k)).exp()));
        }
        Repr::Pert {
            min,
            width,
            alpha,
            beta,
            ..
        } => {
            let s = alpha + beta;
            let (mean, sd) = (alpha / s, (alpha * beta / (s * s * (s + 1.0))).sqrt());
            b.extend((-10..=10).map(|k| min + width * (mean + sd * f64::from(k))));
            if s > 2.0 {
                b.push(min + width * (alpha - 1.0) / (s - 2.0));
            }
        }
        Repr::Triangular { min, width, p, .. } => b.push(min + width * p),
        Repr::Uniform { .. } => {}
        Repr::Gamma { shape, scale, .. } => {
            let (mean, sd) = (shape * scale, shape.sqrt() * scale);
            b.extend((-12..=12).map(|k| mean + sd * f64::from(k)));
            b.extend((1..=10).map(|k| mean + 4.0 * scale * f64::from(k)));
            b.extend((1..=20).map(|k| scale * 0.5f64.powi(k)));
        }
        Repr::Pareto { scale, shape, .. } => {
            // Doublings up to where the tail P(X > x) = 2^(−kα) drops below 1e-18.
            let last = (60.0 / shape).ceil().min(1100.0) as i32;
            b.extend((1..=last).map(|k| scale * 2f64.powi(k)));
        }
        Repr::Fixed(v) => b.push(*v),
        Repr::Empirical { sorted, .. } => b.extend(sorted.iter().copied()),
        Repr::Composite(_) => {}
    }
    b.retain(|x| x.is_finite());
    b
}

/// The density of the uncapped variable of a continuous kind (0 for the atomic kinds).
fn density(repr: &Repr, x: f64) -> f64 {
    match repr {
        Repr::Lognormal { mu, sigma } => {
            if x <= 0.0 {
                return 0.0;
            }
            let z = (x.ln() - mu) / sigma;
            (-0.5 * z * z).exp() / (x * sigma * (2.0 * PI).sqrt())
        }
        Repr::Pert {
            min,
            width,
            alpha,
            beta,
            ..
        } => {
            let (u, w) = ((x - min) / width, (min + width - x) / width);
            if u <= 0.0 || w <= 0.0 {
                return 0.0;
            }
            let ln_norm = statrs::function::beta::ln_beta(*alpha, *beta) + width.ln();
            ((alpha - 1.0) * u.ln() + (beta - 1.0) * w.ln() - ln_norm).exp()
        }
        Repr::Triangular {
            min,
            max,
            width,
            p,
            q,
            ..
        } => {
            let u = (x - min) / width;
            if u <= 0.0 || u >= 1.0 {
                0.0
            } else if u < *p {
                2.0 * u / (width * p)
            } else {
                2.0 * (max - x) / (width * width * q)
            }
        }
        Repr::Uniform { min, width, .. } => {
            if x > *min && x < min + width {
                1.0 / width
            } else {
                0.0
            }
        }
        Repr::Gamma { shape, scale, .. } => {
            if x <= 0.0 {
                return 0.0;
            }
            let ln = (shape - 1.0) * x.ln()
                - x / scale
                - statrs::function::gamma::ln_gamma(*shape)
                - shape * scale.ln();
            ln.exp()
        }
        Repr::Pareto { scale, shape, .. } => {
            if x <= *scale {
                return 0.0;
            }
            shape / x * (-shape * ln_ratio(x, *scale)).exp()
        }
        Repr::Fixed(_) | Repr::Empirical { .. } | Repr::Composite(_) => 0.0,
    }
}

/// `E[g(Y)]` for `Y = min(X, cap)` the loss of `m` (not a composite), where `g(y) = g_end` for
/// `y > end`; `g` may bend at `extra` breakpoints.
///
/// Atoms (fixed, empirical) are summed. For a continuous kind: `∫ density · g` over
/// `[lower, min(upper, cap, end)]` by the tanh-sinh rule on the pieces between the
/// [`breakpoints`] of `m` and `extra`, plus the mass above: `P(X > cap) g(cap)` if the cap lies
/// below `end`, else `P(X > end) g_end`. A gamma's first piece `[0, b]` is integrated in
/// `s = (y/b)^k`, which removes the `y^(k−1)` singularity of shapes below 1.
fn expect_over(m: &Magnitude, g: impl Fn(f64) -> f64, end: f64, g_end: f64, extra: &[f64]) -> f64 {
    let value = |y: f64| if y > end { g_end } else { g(y) };
    match &m.repr {
        Repr::Fixed(v) => return value(v.min(m.cap)),
        Repr::Empirical { sorted, .. } => {
            return sum(sorted.iter().map(|&v| value(v.min(m.cap)))) / sorted.len() as f64;
        }
        _ => {}
    }
    let low = lower(&m.repr).max(0.0);
    let top = upper(&m.repr).min(m.cap).min(end);
    let mut total = 0.0;
    if top > low {
        let mut points: Vec<f64> = breakpoints(m)
            .into_iter()
            .chain(extra.iter().copied())
            .filter(|&x| x > low && x < top)
            .collect();
        points.push(low);
        points.push(top);
        points.sort_by(f64::total_cmp);
        points.dedup();
        let f = |y: f64| density(&m.repr, y) * g(y);
        for (i, w) in points.windows(2).enumerate() {
            let (a, b) = (w[0], w[1]);
            total += match &m.repr {
                Repr::Gamma { shape, scale, .. } if i == 0 && a == 0.0 => {
                    // y = b s^(1/k): y^(k−1) dy = (b^k / k) ds, so the piece is
                    // (b/θ)^k / Γ(k + 1) ∫₀¹ e^(−y/θ) g(y) ds.
                    let k = *shape;
                    let front =
                        (k * (b / scale).ln() - statrs::function::gamma::ln_gamma(k + 1.0)).exp();
                    front
                        * tanh_sinh(
                            |s| {
                                let y = b * s.powf(1.0 / k);
                                (-y / scale).exp() * g(y)
                            },
                            0.0,
                            1.0,
                        )
                }
                _ => tanh_sinh(f, a, b),
            };
        }
    }
    // The mass at and above `top`: P(X > top) (X is continuous here).
    let above = 1.0 - repr_cdf(&m.repr, top);
    if above > 0.0 {
        let at = if m.cap <= end { g(m.cap) } else { g_end };
        total += above * at;
    }
    total
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use rand::SeedableRng;
    use rand::rngs::Xoshiro256PlusPlus;

    /// Relative error of `got` against `want`.
    fn rel(got: f64, want: f64) -> f64 {
        ((got - want) / want).abs()
    }

    fn invalid_name(e: Error) -> &'static str {
        match e {
            Error::InvalidParameter { name, .. } => name,
            other => panic!("expected InvalidParameter, got {other:?}"),
        }
    }

    const NON_FINITE: [f64; 3] = [f64::NAN, f64::INFINITY, f64::NEG_INFINITY];

    // ---- construction: lognormal ------------------------------------------------------------

    #[test]
    fn lognormal_rejects_bad_mu_and_sigma() {
        for bad in NON_FINITE {
            assert_eq!(
                invalid_name(Magnitude::lognormal(bad, 1.0).unwrap_err()),
                "mu"
            );
            assert_eq!(
                invalid_name(Magnitude::lognormal(0.0, bad).unwrap_err()),
                "sigma"
            );
        }
        for bad in [0.0, -0.0, -1.0] {
            let e = Magnitude::lognormal(0.0, bad).unwrap_err();
            assert_eq!(
                e.to_string(),
                format!("invalid sigma: {bad} (expected a finite number > 0)")
            );
        }
        // Negative mu is fine: losses below 1 currency unit are legal.
        assert!(Magnitude::lognormal(-3.0, 0.5).is_ok());
    }

    #[test]
    fn lognormal_rejects_an_overflowing_mean() {
        // mu + sigma^2/2 = 10 + 720 > ln(f64::MAX) = 709.78.
        let e = Magnitude::lognormal(10.0, 37.947).unwrap_err();
        assert_eq!(invalid_name(e.clone()), "sigma");
        assert!(e.to_string().contains("fits in f64"), "{e}");
        assert_eq!(
            invalid_name(Magnitude::lognormal(720.0, 0.1).unwrap_err()),
            "mu"
        );
        // Just below the limit is accepted and its mean is finite.
        let m = Magnitude::lognormal(0.0, 37.6).unwrap();
        assert!(m.mean().is_finite());
    }

    #[test]
    fn ci90_rejects_bad_bounds() {
        for bad in NON_FINITE.into_iter().chain([0.0, -0.0, -1.0]) {
            let e = Magnitude::lognormal_ci90(bad, 1e6).unwrap_err();
            assert_eq!(invalid_name(e.clone()), "low");
            assert!(
                e.to_string().contains("a lognormal loss is positive"),
                "{e}"
            );
            assert_eq!(
                invalid_name(Magnitude::lognormal_ci90(1e4, bad).unwrap_err()),
                "high"
            );
        }
        assert_eq!(
            Magnitude::lognormal_ci90(1e6, 1e6).unwrap_err(),
            Error::empty_range("ci90", 1e6, 1e6)
        );
        assert_eq!(
            Magnitude::lognormal_ci90(1e6, 1e4).unwrap_err().to_string(),
            "invalid ci90: lower bound 1000000 must be below upper bound 10000"
        );
        // ln(1e300 / 1e-300) / 3.29 = 420: the mean overflows.
        let e = Magnitude::lognormal_ci90(1e-300, 1e300).unwrap_err();
        assert_eq!(invalid_name(e), "high");
    }

    /// DOMAIN.md §3, computed there with SciPy: CI [10k, 1M] gives μ = 11.5129, σ = 1.3999,
    /// mean 266,398, SD 657,781. The tight checks recompute the closed forms from the exact
    /// constant z95 so they test our arithmetic, not rounding in the document.
    #[test]
    fn ci90_domain_vector() {
        let m = Magnitude::lognormal_ci90(1e4, 1e6).unwrap();
        let Repr::Lognormal { mu, sigma } = m.repr else {
            panic!("not a lognormal")
        };
        assert!((mu - 11.512925).abs() < 1e-6, "mu {mu}");
        assert!((mu - 1e5f64.ln()).abs() < 1e-14);
        assert!((sigma - 1.399872).abs() < 1e-6, "sigma {sigma}");
        let want_sigma = (1e6f64.ln() - 1e4f64.ln()) / (2.0 * 1.644_853_626_951_472_2);
        assert_eq!(sigma, want_sigma);
        let want_mean = (mu + sigma * sigma / 2.0).exp();
        assert!(rel(m.mean(), want_mean) < 1e-14);
        assert!((m.mean() - 266_398.0).abs() < 0.5, "mean {}", m.mean());
        assert!((m.variance().sqrt() - 657_781.0).abs() < 0.5);
        // The interval bounds are the 5th and 95th percentiles.
        assert!((m.cdf(1e4) - 0.05).abs() < 1e-12, "{}", m.cdf(1e4));
        assert!((m.cdf(1e6) - 0.95).abs() < 1e-12, "{}", m.cdf(1e6));
        // DOMAIN.md: the 99th percentile is 2,596,086 (to the unit): Φ⁻¹(0.99) = 2.3263478740.
        let p99 = (mu + 2.326_347_874_040_841 * sigma).exp();
        assert!((p99 - 2_596_086.0).abs() < 1.0);
        assert!((m.cdf(p99) - 0.99).abs() < 1e-12);
    }

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
                m.cdf(0.0) >= 0.0 && lower(&m.repr).is_sign_positive(),
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

    #[test]
    fn pert_lambda_is_validated() {
        for bad in NON_FINITE
            .into_iter()
            .chain([0.0, -0.0, -4.0, 1000.5, 1e300])
        {
            let e = Magnitude::pert_with_lambda(0.0, 1.0, 2.0, bad).unwrap_err();
            assert_eq!(invalid_name(e), "lambda", "{bad}");
        }
        assert!(Magnitude::pert_with_lambda(0.0, 1.0, 2.0, Magnitude::MAX_PERT_LAMBDA).is_ok());
        assert!(Magnitude::pert_with_lambda(0.0, 1.0, 2.0, 1e-9).is_ok());
    }

    /// DOMAIN.md §3: PERT(50k, 200k, 1M): α = 1.6316 (1.631579), β = 4.3684 (4.368421),
    /// mean 308,333.33, SD 159,768; λ = 2: α = 1.3158, β = 2.6842, mean 362,500; triangular mean
    /// 416,667. Exact values recomputed from the closed forms (fractions of 19 and 3).
    #[test]
    fn pert_and_triangular_domain_vectors() {
        let m = Magnitude::pert(50e3, 200e3, 1e6).unwrap();
        let Repr::Pert { alpha, beta, .. } = m.repr else {
            panic!("not a PERT")
        };
        assert!((alpha - 31.0 / 19.0).abs() < 1e-15 && (alpha - 1.631579).abs() < 1e-6);
        assert!((beta - 83.0 / 19.0).abs() < 1e-15 && (beta - 4.368421).abs() < 1e-6);
        assert!(rel(m.mean(), 1_850_000.0 / 6.0) < 1e-15);
        assert!((m.mean() - 308_333.33).abs() < 0.01);
        let sd = m.variance().sqrt();
        let want_var = 950e3f64.powi(2) * alpha * beta / (36.0 * 7.0);
        assert!(rel(m.variance(), want_var) < 1e-14);
        assert!((sd - 159_768.0).abs() < 0.5, "sd {sd}");
        assert!(rel(m.second_moment(), want_var + m.mean().powi(2)) < 1e-14);
        // DOMAIN.md: p5 = 93,473, p50 = 283,183, p95 = 609,691 (to the unit, from SciPy).
        for (q, p) in [(93_473.0, 0.05), (283_183.0, 0.5), (609_691.0, 0.95)] {
            // Density <= 2.2e-6 per unit, so 0.5 unit of rounding moves the CDF < 1.2e-6.
            assert!((m.cdf(q) - p).abs() < 2e-6, "cdf({q}) = {}", m.cdf(q));
        }

        let m2 = Magnitude::pert_with_lambda(50e3, 200e3, 1e6, 2.0).unwrap();
        let Repr::Pert { alpha, beta, .. } = m2.repr else {
            panic!("not a PERT")
        };
        assert!((alpha - 1.3158).abs() < 1e-4 && (beta - 2.6842).abs() < 1e-4);
        assert!(rel(m2.mean(), 362_500.0) < 1e-15);

        let t = Magnitude::triangular(50e3, 200e3, 1e6).unwrap();
        assert!(rel(t.mean(), 1_250_000.0 / 3.0) < 1e-15);
        assert!((t.mean() - 416_667.0).abs() < 0.5);
        let (a, c, b) = (50e3f64, 200e3f64, 1e6f64);
        let want = (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0;
        assert!(rel(t.variance(), want) < 1e-14);

        let u = Magnitude::uniform(50e3, 1e6).unwrap();
        assert_eq!(u.mean(), 525e3);
        assert!(rel(u.variance(), 950e3f64.powi(2) / 12.0) < 1e-15);
    }

    // ---- construction: gamma, Pareto, fixed, empirical --------------------------------------

    #[test]
    fn gamma_rejects_bad_parameters() {
        for bad in NON_FINITE.into_iter().chain([0.0, -0.0, -1.0, 1e6 + 1.0]) {
            assert_eq!(
                invalid_name(Magnitude::gamma(bad, 1.0).unwrap_err()),
                "shape"
            );
        }
        for bad in NON_FINITE.into_iter().chain([0.0, -0.0, -1.0]) {
            assert_eq!(
                invalid_name(Magnitude::gamma(1.0, bad).unwrap_err()),
                "scale"
            );
        }
        let e = Magnitude::gamma(1e6, 1e303).unwrap_err();
        assert!(e.to_string().contains("fits in f64"), "{e}");
        assert!(Magnitude::gamma(Magnitude::MAX_GAMMA_SHAPE, 1.0).is_ok());
    }

    #[test]
    fn pareto_rejects_bad_parameters() {
        for bad in NON_FINITE.into_iter().chain([0.0, -0.0, -1.0]) {
            assert_eq!(
                invalid_name(Magnitude::pareto(bad, 2.0).unwrap_err()),
                "scale"
            );
            assert_eq!(
                invalid_name(Magnitude::pareto_capped(bad, 2.0, 10.0).unwrap_err()),
                "scale"
            );
            assert_eq!(
                invalid_name(Magnitude::pareto_capped(1.0, bad, 10.0).unwrap_err()),
                "shape"
            );
            assert_eq!(
                invalid_name(Magnitude::pareto_capped(1.0, 2.0, bad).unwrap_err()),
                "cap"
            );
        }
        // Shape <= 1 has an infinite mean: refused uncapped, with a pointer to the fix.
        for bad in NON_FINITE.into_iter().chain([1.0, 0.5, 0.0, -0.0, -2.0]) {
            let e = Magnitude::pareto(1.0, bad).unwrap_err();
            assert_eq!(invalid_name(e.clone()), "shape");
            assert!(e.to_string().contains("give a cap"), "{e}");
        }
        // The cap must exceed the scale (the smallest possible loss).
        for bad in [1.0, 0.5] {
            let e = Magnitude::pareto_capped(1.0, 0.5, bad).unwrap_err();
            assert_eq!(
                e.to_string(),
                format!(
                    "invalid cap: {bad} (expected a finite number above the smallest possible loss)"
                )
            );
        }
        // Mean 1e308 * 1.5 / 0.5 overflows.
        let e = Magnitude::pareto(1e308, 1.5).unwrap_err();
        assert!(e.to_string().contains("fits in f64"), "{e}");
        assert!(Magnitude::pareto_capped(1.0, 0.5, 1.0 + 1e-9).is_ok());
    }

    #[test]
    fn fixed_accepts_non_negative_values_only() {
        for bad in NON_FINITE.into_iter().chain([-1.0, -1e-300]) {
            let e = Magnitude::fixed(bad).unwrap_err();
            assert_eq!(invalid_name(e.clone()), "value");
            assert!(e.to_string().contains("losses are non-negative"));
        }
        let zero = Magnitude::fixed(-0.0).unwrap();
        assert!(zero.mean() == 0.0 && zero.mean().is_sign_positive());
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
        let m = Magnitude::fixed(7.5).unwrap();
        assert_eq!(m.sample(&mut rng), 7.5);
        assert_eq!(
            (m.mean(), m.variance(), m.second_moment()),
            (7.5, 0.0, 56.25)
        );
        assert_eq!((m.cdf(7.4), m.cdf(7.5)), (0.0, 1.0));
    }

    #[test]
    fn empirical_validation() {
        assert_eq!(
            Magnitude::empirical(&[]).unwrap_err(),
            Error::Empty { name: "losses" }
        );
        assert_eq!(
            Magnitude::empirical(&[]).unwrap_err().to_string(),
            "losses must not be empty"
        );
        for bad in NON_FINITE.into_iter().chain([-1.0]) {
            let e = Magnitude::empirical(&[1.0, bad, 2.0]).unwrap_err();
            assert_eq!(invalid_name(e.clone()), "losses");
            assert!(e.to_string().contains("losses are non-negative"), "{e}");
        }
        let e = Magnitude::empirical(&[f64::MAX, f64::MAX]).unwrap_err();
        assert!(e.to_string().contains("fits in f64"), "{e}");
        // -0.0 counts as 0; a single observation is allowed.
        let m = Magnitude::empirical(&[-0.0]).unwrap();
        assert!(m.mean() == 0.0 && m.mean().is_sign_positive());
    }

    #[test]
    fn empirical_moments_and_cdf_are_those_of_the_data() {
        let m = Magnitude::empirical(&[3.0, 1.0, 2.0, 2.0]).unwrap();
        assert_eq!(m.mean(), 2.0);
        assert_eq!(m.variance(), 0.5); // (1 + 0 + 0 + 1) / 4
        assert_eq!(m.second_moment(), 4.5);
        assert_eq!(
            [m.cdf(0.5), m.cdf(1.0), m.cdf(1.5), m.cdf(2.0), m.cdf(3.0)],
            [0.0, 0.25, 0.25, 0.75, 1.0]
        );
        let c = m.clone().with_cap(1.5).unwrap();
        assert_eq!(c.mean(), 1.375); // (1 + 1.5 * 3) / 4
        assert_eq!(c.cdf(1.4), 0.25);
        assert_eq!(c.cdf(1.5), 1.0);
        // Clones share the data.
        let Repr::Empirical { sorted, .. } = &m.repr else {
            panic!()
        };
        let k = m.clone();
        let Repr::Empirical {
            sorted: sorted2, ..
        } = &k.repr
        else {
            panic!()
        };
        assert!(Arc::ptr_eq(sorted, sorted2));
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
            .filter(|m| upper(&m.repr).is_finite())
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
                    x >= lower(&m.repr).max(0.0) && x <= upper(&m.repr),
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
            let reaches_the_cap = upper(&m.repr) > 3e5;
            let c = m.with_cap(3e5).unwrap();
            assert_eq!(c.cdf(3e5), 1.0);
            assert_eq!(c.cdf(2.9e5) < 1.0, reaches_the_cap);
        }
    }

    // ---- closed forms -----------------------------------------------------------------------

    #[test]
    fn capped_uniform_closed_form() {
        // min(U, c) on [0, 1], c = 0.5: mean 0.375, E[Y²] = c² − 2c³/3 = 1/6.
        let m = Magnitude::uniform(0.0, 1.0).unwrap().with_cap(0.5).unwrap();
        assert_eq!(m.mean(), 0.375);
        assert!((m.second_moment() - 1.0 / 6.0).abs() < 1e-16);
        assert!((m.variance() - (1.0 / 6.0 - 0.375 * 0.375)).abs() < 1e-16);
    }

    #[test]
    fn capped_triangular_closed_form_is_continuous_at_the_mode() {
        // The two branches must agree at t = p.
        for (p, q) in [(0.3, 0.7), (0.9, 0.1)] {
            let below = triangular_unit_moments(p, q, p * (1.0 - 1e-12));
            let above = triangular_unit_moments(p, q, p * (1.0 + 1e-12));
            assert!((below.0 - above.0).abs() < 1e-11 && (below.1 - above.1).abs() < 1e-11);
            let whole = triangular_unit_moments(p, q, 1.0);
            let near = triangular_unit_moments(p, q, 1.0 - 1e-12);
            assert!((whole.0 - near.0).abs() < 1e-11 && (whole.1 - near.1).abs() < 1e-11);
        }
    }

    #[test]
    fn pareto_capped_shape_at_the_singular_points() {
        // shape = 1 and 2 use ln r; nearby shapes use expm1: the two must agree.
        for k in [1.0, 2.0] {
            let at = Magnitude::pareto_capped(1.0, k, 50.0).unwrap();
            let near = Magnitude::pareto_capped(1.0, k + 1e-9, 50.0).unwrap();
            assert!(rel(at.mean(), near.mean()) < 1e-7, "{k}");
            assert!(rel(at.variance(), near.variance()) < 1e-7, "{k}");
        }
        // The stable D formula (shape > 3) agrees with g2 − g1 where the latter is accurate.
        let (xm, c) = (1.0f64, 20.0f64);
        for a in [3.0 + 1e-9, 3.5, 5.0] {
            let lr = (c / xm).ln();
            let g = |k: f64| -(-(a - k) * lr).exp_m1() / (a - k);
            let var = 2.0 * (g(2.0) - g(1.0)) - g(1.0).powi(2);
            let m = Magnitude::pareto_capped(xm, a, c).unwrap();
            assert!(rel(m.variance(), var) < 1e-12, "{a}");
        }
        // Shape 1, cap c: mean x_m (1 + ln(c/x_m)); E[Y²] = x_m² (2c/x_m − 1).
        let m = Magnitude::pareto_capped(2.0, 1.0, 200.0).unwrap();
        assert!(rel(m.mean(), 2.0 * (1.0 + 100f64.ln())) < 1e-15);
        assert!(rel(m.second_moment(), 4.0 * (2.0 * 100.0 - 1.0)) < 1e-13);
    }

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
    fn pareto_cdf_just_above_the_scale() {
        // 1 − (1 + ε)^(−2) = (2ε + ε²) / (1 + ε)², with ε exact in binary.
        let m = Magnitude::pareto(1.0, 2.0).unwrap();
        let x = 1.0 + 5e-10;
        let e = x - 1.0;
        let want = (2.0 * e + e * e) / ((1.0 + e) * (1.0 + e));
        assert!(rel(m.cdf(x), want) < 1e-12, "{} vs {want}", m.cdf(x));
    }

    #[test]
    fn pareto_with_a_huge_shape_keeps_its_variance() {
        // α = 1e6: E[X²] − E[X]² would cancel 12 digits. Var ≈ x_m² α/((α−1)²(α−2)).
        let a = 1e6;
        let want = a / ((a - 1.0) * (a - 1.0) * (a - 2.0));
        let capped = Magnitude::pareto_capped(1.0, a, 2.0).unwrap();
        assert!(rel(capped.variance(), want) < 1e-9, "{}", capped.variance());
        let free = Magnitude::pareto(1.0, a).unwrap();
        assert!(rel(free.variance(), want) < 1e-15);
    }

    #[test]
    fn ln_normal_cdf_is_continuous_across_its_branches() {
        // z = −30: the series and the direct form must agree (both accurate there).
        let direct = normal_cdf(-30.0).ln();
        let w = 1.0f64 / 900.0;
        let series = 1.0 - w * (1.0 - w * (3.0 - w * (15.0 - w * (105.0 - w * 945.0))));
        let asym = -450.0 - 30f64.ln() - 0.5 * (2.0 * PI).ln() + series.ln();
        assert!(rel(asym, direct) < 1e-14, "{asym} vs {direct}");
        assert!(rel(ln_normal_cdf(-30.0 - 1e-9), direct) < 1e-9);
        assert!(ln_normal_cdf(-1e6).is_finite());
        assert!((ln_normal_cdf(0.0) - 0.5f64.ln()).abs() < 1e-16);
        // Upper tail: ln Φ(10) = ln(1 − 7.62e-24) ≈ −7.62e-24, not 0.
        assert!(rel(-ln_normal_cdf(10.0), 7.619_853_024_160_527e-24) < 1e-9);
    }

    #[test]
    fn capped_lognormal_with_an_overflowing_second_moment() {
        // σ = 19: E[X²] = e^(2μ + 2σ²) overflows, but min(X, 1e9)² cannot exceed 1e18.
        let m = Magnitude::lognormal(11.5, 19.0)
            .unwrap()
            .with_cap(1e9)
            .unwrap();
        let (mean, second) = (m.mean(), m.second_moment());
        assert!(mean > 0.0 && mean <= 1e9 && second.is_finite() && second <= 1e18);
        // Independent check: E[Y^k] = ∫₀ᶜ k x^(k−1) P(X > x) dx, integrated in u = ln x by
        // Simpson's rule over [ln c − 40, ln c] (the rest weighs < e^(−40)).
        let integral = |k: f64| {
            let (hi, n) = (1e9f64.ln(), 20_000);
            let h = 40.0 / f64::from(n);
            let f = |u: f64| k * (k * u).exp() * 0.5 * erfc((u - 11.5) / 19.0 / SQRT_2);
            let inner: f64 = (1..n)
                .map(|i| f64::from(2 + 2 * (i % 2)) * f(hi - 40.0 + f64::from(i) * h))
                .sum();
            (f(hi - 40.0) + f(hi) + inner) * h / 3.0
        };
        assert!(
            rel(mean, integral(1.0)) < 1e-9,
            "{mean} vs {}",
            integral(1.0)
        );
        assert!(
            rel(second, integral(2.0)) < 1e-9,
            "{second} vs {}",
            integral(2.0)
        );
        assert_eq!(
            Magnitude::lognormal(11.5, 19.0).unwrap().variance(),
            f64::INFINITY
        );
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

    #[test]
    fn gamma_cap_far_below_the_scale() {
        // c / θ = 1e-320 (subnormal): P = 0, Q = 1, so min(X, c) = c almost surely.
        let m = Magnitude::gamma(2.0, 1e300)
            .unwrap()
            .with_cap(1e-20)
            .unwrap();
        assert_eq!(m.mean(), 1e-20);
        assert_eq!(m.cdf(1e-21), 0.0);
    }
}
