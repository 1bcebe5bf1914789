//! Money over time: what a control costs, spread over a horizon, and what it returns.
//!
//! A control costs `upfront` once (year 0) and `annual` every year of the horizon `T`, and saves
//! `annual_benefit` (the reduction of the expected annual loss) every year. With the discount rate
//! `r` per year and the annuity factor `A = Σ_{t=1..T} (1+r)^−t`:
//!
//! | metric | formula |
//! |---|---|
//! | [annualised cost](Finance::annualized_cost) | `annual + upfront / A` |
//! | [NPV](Finance::npv) | `−upfront + (annual_benefit − annual) · A` |
//! | [IRR](Finance::irr) | the `r` at which the NPV is 0 |
//! | [ROSI](rosi) | `(eal_reduction − annualized_cost) / annualized_cost` |
//!
//! Sources: NPV and IRR are the textbook discounted-cash-flow forms; ROSI is Sonnenreich,
//! Albanese & Stout (JRPIT 38(1), 2006), as used by ENISA.
#![allow(
    clippy::neg_cmp_op_on_partial_ord,
    reason = "checks are written `!(x > 0.0)` so that NaN fails them (STYLE.md §4)"
)]

use crate::check::non_negative;
use crate::error::{Error, Result};

/// What a control costs: once up front (year 0) and every year.
///
/// # Example
/// ```
/// use csfquant::Cost;
/// let cost = Cost::new(150_000.0, 50_000.0)?;
/// assert_eq!((cost.upfront(), cost.annual()), (150_000.0, 50_000.0));
/// assert!(Cost::new(-1.0, 0.0).is_err());
/// Ok::<(), csfquant::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Default, serde::Serialize)]
pub struct Cost {
    upfront: f64,
    annual: f64,
}

impl Cost {
    /// No cost at all.
    pub const ZERO: Cost = Cost {
        upfront: 0.0,
        annual: 0.0,
    };

    /// A cost of `upfront` once at the start (year 0) plus `annual` in each year `1..=T`.
    ///
    /// Each amount is 0 or lies in [[`MIN_AMOUNT`](Self::MIN_AMOUNT),
    /// [`MAX_AMOUNT`](Self::MAX_AMOUNT)]: a positive amount below a millionth of a currency unit
    /// is refused, not rounded to 0. No real cost is that small (it is a slip, such as a cost in
    /// millions written with the wrong exponent, or a generated value), and the ROSI divides the
    /// loss removed by the annualised cost, so a cost of `5e-324` would make it overflow `f64`
    /// for any loss. From a scenario file the error names the control's cost
    /// (`controls[3].cost.annual`).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless `upfront` and `annual` are finite, `>= 0` and at most
    /// [`MAX_AMOUNT`](Self::MAX_AMOUNT), or for a positive amount below
    /// [`MIN_AMOUNT`](Self::MIN_AMOUNT).
    ///
    /// # Example
    /// ```
    /// use csfquant::Cost;
    /// let e = Cost::new(1e5, f64::NAN).unwrap_err();
    /// assert_eq!(e.to_string(), "invalid annual: NaN (expected a finite number >= 0)");
    /// let e = Cost::new(0.0, 5e-324).unwrap_err();
    /// assert_eq!(
    ///     e.to_string(),
    ///     "invalid annual: 5e-324 (expected 0 or an amount >= 1e-6, Cost::MIN_AMOUNT)"
    /// );
    /// assert!(Cost::new(0.0, 1e-6).is_ok());
    /// ```
    pub fn new(upfront: f64, annual: f64) -> Result<Cost> {
        let amount = |name, value| {
            let value = non_negative(name, value)?;
            if value > Self::MAX_AMOUNT {
                return Err(Error::invalid(name, value, "an amount <= 1e15"));
            }
            if value > 0.0 && value < Self::MIN_AMOUNT {
                return Err(Error::invalid(
                    name,
                    value,
                    "0 or an amount >= 1e-6, Cost::MIN_AMOUNT",
                ));
            }
            Ok(value)
        };
        Ok(Cost {
            upfront: amount("upfront", upfront)?,
            annual: amount("annual", annual)?,
        })
    }

    /// The largest accepted upfront or annual cost: far above any security budget, and small
    /// enough that annualised costs and NPVs stay finite at every accepted discount rate.
    pub const MAX_AMOUNT: f64 = 1e15;

    /// The smallest accepted positive upfront or annual cost, a millionth of a currency unit: far
    /// below any real cost, and large enough that a ROSI (loss removed / annualised cost) stays
    /// finite for any loss removed below 1e300 at a discount rate >= 0, where the annualised cost
    /// is at least `MIN_AMOUNT / 100`. (A negative rate makes the annuity factor of a long
    /// horizon huge, about 1e200 at -0.99 over 100 years, and an annualised upfront cost that
    /// much smaller.) A cost is 0 or at least this; see [`new`](Self::new).
    pub const MIN_AMOUNT: f64 = 1e-6;

    /// The one-off cost in year 0.
    pub fn upfront(&self) -> f64 {
        self.upfront
    }

    /// The running cost in each year of the horizon.
    pub fn annual(&self) -> f64 {
        self.annual
    }
}

/// The horizon and discount rate used to annualise costs and discount benefits.
///
/// The default is one year at rate 0, where the annualised cost is simply `upfront + annual`.
///
/// # Example
/// ```
/// use csfquant::{Cost, Finance};
/// let finance = Finance::new(3, 0.10)?;
/// let cost = Cost::new(150_000.0, 50_000.0)?;
/// assert!((finance.annuity_factor() - 2.48685).abs() < 1e-5);
/// assert!((finance.npv(&cost, 300_000.0) - 471_713.0).abs() < 0.1);
/// let irr = finance.irr(&cost, 300_000.0).expect("the benefit covers the running cost");
/// assert!((irr - 1.56828).abs() < 1e-5); // 156.8% a year
/// Ok::<(), csfquant::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Finance {
    horizon_years: u32,
    discount_rate: f64,
}

impl Default for Finance {
    /// One year, no discounting.
    fn default() -> Finance {
        Finance {
            horizon_years: 1,
            discount_rate: 0.0,
        }
    }
}

/// `|r|` below which the annuity factor uses its Taylor series: the next term is below
/// `T³r²/6 <= 2e-19` relative, and the closed form would lose digits for subnormal `r`.
const SERIES_RATE: f64 = 1e-12;

impl Finance {
    /// The longest accepted horizon, in years.
    pub const MAX_HORIZON_YEARS: u32 = 100;

    /// The lowest accepted discount rate per year, −99%.
    ///
    /// Closer to −1 the discount factors `(1+r)^−t` overflow `f64` within 100 years.
    pub const MIN_DISCOUNT_RATE: f64 = -0.99;

    /// The highest accepted discount rate per year, 1000%.
    pub const MAX_DISCOUNT_RATE: f64 = 10.0;

    /// A horizon of `horizon_years` years and a discount rate of `discount_rate` per year
    /// (`0.08` is 8%).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless `horizon_years` lies in
    /// `1..=`[`MAX_HORIZON_YEARS`](Self::MAX_HORIZON_YEARS) and `discount_rate` is a number in
    /// [[`MIN_DISCOUNT_RATE`](Self::MIN_DISCOUNT_RATE),
    /// [`MAX_DISCOUNT_RATE`](Self::MAX_DISCOUNT_RATE)].
    ///
    /// # Example
    /// ```
    /// use csfquant::Finance;
    /// let f = Finance::new(5, 0.08)?;
    /// assert_eq!((f.horizon_years(), f.discount_rate()), (5, 0.08));
    /// let e = Finance::new(0, 0.08).unwrap_err();
    /// assert_eq!(e.to_string(), "invalid horizon_years: 0 (expected an integer in 1..=100)");
    /// assert!(Finance::new(5, -1.0).is_err());
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub fn new(horizon_years: u32, discount_rate: f64) -> Result<Finance> {
        if !(1..=Self::MAX_HORIZON_YEARS).contains(&horizon_years) {
            return Err(Error::invalid(
                "horizon_years",
                f64::from(horizon_years),
                "an integer in 1..=100",
            ));
        }
        if !((Self::MIN_DISCOUNT_RATE..=Self::MAX_DISCOUNT_RATE).contains(&discount_rate)) {
            return Err(Error::invalid(
                "discount_rate",
                discount_rate,
                "a rate per year in [-0.99, 10]",
            ));
        }
        Ok(Finance {
            horizon_years,
            // -0.0 counts as 0.
            discount_rate: discount_rate + 0.0,
        })
    }

    /// The horizon in years, `T`.
    pub fn horizon_years(&self) -> u32 {
        self.horizon_years
    }

    /// The discount rate per year, `r`.
    pub fn discount_rate(&self) -> f64 {
        self.discount_rate
    }

    /// The present value of 1 paid at the end of each year: `A = Σ_{t=1..T} (1+r)^−t`.
    ///
    /// `A = (1 − (1+r)^−T) / r`, and `A = T` when `r = 0`; computed to a few ulps for every
    /// valid `r`, including `r` near 0.
    ///
    /// # Example
    /// ```
    /// use csfquant::Finance;
    /// assert_eq!(Finance::new(3, 0.0)?.annuity_factor(), 3.0);
    /// assert!((Finance::new(3, 0.10)?.annuity_factor() - 2.486852).abs() < 1e-6);
    /// Ok::<(), csfquant::Error>(())
    /// ```
    #[doc(alias = "present value annuity factor")]
    pub fn annuity_factor(&self) -> f64 {
        annuity_factor(self.horizon_years, self.discount_rate)
    }

    /// The equivalent annual cost: `annual + upfront / A`.
    ///
    /// The upfront cost is spread over the horizon as an annuity with the same present value, so
    /// `annualized_cost · A = upfront + annual · A`.
    ///
    /// # Example
    /// ```
    /// use csfquant::{Cost, Finance};
    /// let cost = Cost::new(90_000.0, 20_000.0)?;
    /// assert_eq!(Finance::new(3, 0.0)?.annualized_cost(&cost), 50_000.0);
    /// assert_eq!(Finance::default().annualized_cost(&cost), 110_000.0);
    /// Ok::<(), csfquant::Error>(())
    /// ```
    #[doc(alias = "equivalent annual cost")]
    pub fn annualized_cost(&self, cost: &Cost) -> f64 {
        // A >= 1/11 > 0 for every valid horizon and rate.
        cost.annual + cost.upfront / self.annuity_factor()
    }

    /// Net present value: `NPV = −upfront + Σ_{t=1..T} (annual_benefit − annual) / (1+r)^t`.
    ///
    /// `annual_benefit` is the yearly reduction of the expected annual loss; it may be negative.
    /// A non-finite `annual_benefit` gives a non-finite NPV.
    ///
    /// # Example
    /// ```
    /// use csfquant::{Cost, Finance};
    /// let cost = Cost::new(150_000.0, 50_000.0)?;
    /// let npv = Finance::new(3, 0.10)?.npv(&cost, 300_000.0);
    /// assert!((npv - 471_713.0).abs() < 0.1); // −150k + 250k · 2.48685
    /// Ok::<(), csfquant::Error>(())
    /// ```
    #[doc(alias = "NPV")]
    pub fn npv(&self, cost: &Cost, annual_benefit: f64) -> f64 {
        npv_at(self.horizon_years, self.discount_rate, cost, annual_benefit)
    }

    /// Internal rate of return: the rate `r > −1` at which the NPV over this horizon is 0.
    ///
    /// The discount rate of `self` is not used, only the horizon. The NPV is strictly
    /// decreasing in `r` when `upfront > 0` and `annual_benefit > annual`, and then has exactly
    /// one root. Otherwise there is no such rate and the result is `None`: with no upfront cost
    /// the NPV has the sign of the net yearly benefit at every rate, and a benefit that never
    /// covers the running cost gives a negative NPV at every rate. `None` also when
    /// `annual_benefit` is not finite, or when the root is not representable (`r` overflows
    /// `f64`, or `1 + r` is below `f64::EPSILON / 2` so that `r` rounds to −1).
    ///
    /// Precision: bisection on `x = −ln(1+r)`, where `ln A` is increasing and evaluated
    /// without overflow, to the full `f64` resolution of `x` (at most 200 steps). The error in
    /// `r` is then about `4ε · (1 + |ln(upfront / (annual_benefit − annual))|) · (1 + |r|)`
    /// (ε = 2.2e-16): below 1e-13 · (1 + |r|) for amounts between 1 and 1e12.
    ///
    /// # Example
    /// ```
    /// use csfquant::{Cost, Finance};
    /// let finance = Finance::new(3, 0.10)?;
    /// let cost = Cost::new(150_000.0, 50_000.0)?;
    /// let irr = finance.irr(&cost, 300_000.0).expect("a unique root");
    /// assert!(Finance::new(3, irr)?.npv(&cost, 300_000.0).abs() < 1e-6);
    /// assert_eq!(finance.irr(&cost, 40_000.0), None); // never covers the running cost
    /// assert_eq!(finance.irr(&Cost::new(0.0, 5e4)?, 3e5), None); // nothing to pay back
    /// Ok::<(), csfquant::Error>(())
    /// ```
    #[doc(alias = "IRR")]
    pub fn irr(&self, cost: &Cost, annual_benefit: f64) -> Option<f64> {
        let net = annual_benefit - cost.annual;
        if !(cost.upfront > 0.0 && net > 0.0 && net.is_finite()) {
            return None;
        }
        // NPV = 0 ⇔ A = upfront / net ⇔ ln A(x) = ln k. One rounding when k is a normal
        // number; else a difference of logs (no overflow, a few more ulps).
        let k = cost.upfront / net;
        let ln_k = if k.is_normal() {
            k.ln()
        } else {
            cost.upfront.ln() - net.ln()
        };
        let t = f64::from(self.horizon_years);
        // d^T <= A(d) <= T max(d, d^T) for d = e^x gives a bracket in closed form.
        let mut hi = ln_k.min(ln_k / t);
        let mut lo = (ln_k - t.ln()).min((ln_k - t.ln()) / t);
        for _ in 0..200 {
            let mid = 0.5 * (lo + hi);
            if mid <= lo || mid >= hi {
                break; // adjacent floats
            }
            if ln_annuity(self.horizon_years, mid) < ln_k {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        let rate = (-0.5 * (lo + hi)).exp_m1();
        (rate > -1.0 && rate.is_finite()).then_some(rate)
    }
}

/// Return on security investment: `(eal_reduction − annualized_cost) / annualized_cost`.
///
/// `2.0` means the control returns 200% of its yearly cost on top of paying for it. `None`
/// unless `annualized_cost` is finite and `> 0` and `eal_reduction` is finite (a free control
/// has no ratio).
///
/// # Example
/// ```
/// use csfquant::rosi;
/// // DOMAIN §6: the control removes 60% of an EAL of 500k for 100k a year.
/// assert_eq!(rosi(300_000.0, 100_000.0), Some(2.0));
/// assert_eq!(rosi(300_000.0, 0.0), None);
/// ```
#[doc(alias = "ROSI")]
pub fn rosi(eal_reduction: f64, annualized_cost: f64) -> Option<f64> {
    (annualized_cost > 0.0 && annualized_cost.is_finite() && eal_reduction.is_finite())
        .then(|| (eal_reduction - annualized_cost) / annualized_cost)
}

/// `Σ_{t=1..T} (1+r)^−t` for `r` in the validated range.
fn annuity_factor(horizon: u32, rate: f64) -> f64 {
    let t = f64::from(horizon);
    if rate.abs() < SERIES_RATE {
        // A = T − T(T+1)/2 · r + O(T³r²).
        return t - 0.5 * t * (t + 1.0) * rate;
    }
    // ln_1p and exp_m1 keep full relative precision when T·r is small.
    -(-t * rate.ln_1p()).exp_m1() / rate
}

/// `NPV = −upfront + (annual_benefit − annual) · A(r)`.
fn npv_at(horizon: u32, rate: f64, cost: &Cost, annual_benefit: f64) -> f64 {
    -cost.upfront + (annual_benefit - cost.annual) * annuity_factor(horizon, rate)
}

/// `ln Σ_{t=1..T} e^{tx}`, with `x = −ln(1+r)`, for any finite `x` without overflow.
fn ln_annuity(horizon: u32, x: f64) -> f64 {
    let t = f64::from(horizon);
    if x.abs() < SERIES_RATE {
        // ln A = ln T + (T+1)/2 · x + O(T²x²); also avoids subnormal T·x below.
        return t.ln() + 0.5 * (t + 1.0) * x;
    }
    // Factor out the largest term, e^{Tx} (x > 0) or e^x (x < 0); the rest,
    // Σ_{j=0..T−1} e^{−j|x|} in [1, T], is a ratio of exp_m1s.
    let lead = if x > 0.0 { t * x } else { x };
    let rest = (-t * x.abs()).exp_m1() / (-x.abs()).exp_m1();
    lead + rest.ln()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// DOMAIN §6 (shared/calc/examples.py, exact rational sums and SciPy brentq).
    #[test]
    fn domain_npv_irr_rosi() {
        let finance = Finance::new(3, 0.10).unwrap();
        let cost = Cost::new(150_000.0, 50_000.0).unwrap();
        let a = finance.annuity_factor();
        assert!((a - 2.48685).abs() < 1e-5, "{a}");
        assert!((a - 2.486_851_990_984_222_4).abs() < 1e-15, "{a}");
        let npv = finance.npv(&cost, 300_000.0);
        assert!((npv - 471_713.0).abs() < 0.1, "{npv}");
        let irr = finance.irr(&cost, 300_000.0).unwrap();
        assert!((irr - 1.56828).abs() < 1e-5, "{irr}");
        assert!((irr - 1.568_283_738_655_588).abs() < 1e-13, "{irr}");
        let at_irr = Finance::new(3, irr).unwrap().npv(&cost, 300_000.0);
        assert!(at_irr.abs() < 1e-6, "{at_irr}");
        assert_eq!(rosi(300_000.0, 100_000.0), Some(2.0));
    }

    #[test]
    fn zero_rate_and_near_zero_rates() {
        for t in [1, 2, 3, 10, 100] {
            assert_eq!(Finance::new(t, 0.0).unwrap().annuity_factor(), f64::from(t));
        }
        // Against a direct sum: continuous across the series threshold and at tiny rates.
        let rates = [
            1e-300f64, -1e-300, 5e-324, 1e-13, 1e-12, -1e-12, 1e-11, 1e-6, -0.5, 10.0,
        ];
        for r in rates {
            for t in [1u32, 7, 100] {
                let direct: f64 = (1..=t).map(|k| (1.0 + r).powi(-(k as i32))).sum();
                let a = annuity_factor(t, r);
                assert!((a - direct).abs() < 1e-13 * direct, "r={r} T={t}: {a}");
            }
        }
        assert_eq!(Finance::default(), Finance::new(1, 0.0).unwrap());
        assert_eq!(Cost::default(), Cost::ZERO);
    }

    #[test]
    fn annualized_cost_is_an_annuity() {
        for (t, r) in [(1, 0.0), (3, 0.1), (30, -0.02), (100, 10.0), (2, -0.99)] {
            let f = Finance::new(t, r).unwrap();
            let cost = Cost::new(150_000.0, 50_000.0).unwrap();
            let a = f.annuity_factor();
            let lhs = f.annualized_cost(&cost) * a;
            let rhs = cost.upfront() + cost.annual() * a;
            assert!((lhs - rhs).abs() < 1e-12 * rhs, "T={t} r={r}");
            // The NPV of a benefit equal to the annualised cost is 0.
            assert!(f.npv(&cost, f.annualized_cost(&cost)).abs() < 1e-9 * rhs);
        }
        assert_eq!(Finance::default().annualized_cost(&Cost::ZERO), 0.0);
    }

    fn assert_names<T: std::fmt::Debug>(result: Result<T>, name: &str) {
        let e = result.unwrap_err().to_string();
        assert!(e.starts_with(&format!("invalid {name}: ")), "{e}");
    }

    #[test]
    fn invalid_inputs_name_the_parameter() {
        for bad in [f64::NAN, -1.0, f64::INFINITY] {
            assert_names(Cost::new(bad, 0.0), "upfront");
            assert_names(Cost::new(0.0, bad), "annual");
        }
        for t in [0, 101, u32::MAX] {
            let e = Finance::new(t, 0.05).unwrap_err().to_string();
            assert_eq!(
                e,
                format!("invalid horizon_years: {t} (expected an integer in 1..=100)")
            );
        }
        for r in [-1.0, -0.991, 10.5, f64::NAN, f64::NEG_INFINITY] {
            let e = Finance::new(3, r).unwrap_err().to_string();
            assert!(
                e.ends_with("(expected a rate per year in [-0.99, 10])"),
                "{e}"
            );
            assert_names(Finance::new(3, r), "discount_rate");
        }
        assert!(Finance::new(100, -0.99).is_ok() && Finance::new(1, 10.0).is_ok());
        let zero = Finance::new(3, -0.0).unwrap().discount_rate();
        assert!(zero.is_sign_positive());
        assert_eq!(Cost::new(-0.0, 0.0).unwrap(), Cost::ZERO);
    }

    #[test]
    fn irr_edges() {
        let f = Finance::new(3, 0.0).unwrap();
        let cost = Cost::new(150_000.0, 50_000.0).unwrap();
        assert_eq!(f.irr(&cost, 50_000.0), None); // zero net benefit
        assert_eq!(f.irr(&cost, f64::NAN), None);
        assert_eq!(f.irr(&cost, f64::INFINITY), None);
        assert_eq!(f.irr(&Cost::ZERO, 1.0), None);
        // Benefits summing exactly to the upfront cost: IRR 0.
        let r = f.irr(&Cost::new(300.0, 0.0).unwrap(), 100.0).unwrap();
        assert!(r.abs() < 1e-15, "{r}");
        // One year: 1 + r = net / upfront exactly.
        let one = Finance::new(1, 0.0).unwrap();
        let r = one.irr(&Cost::new(100.0, 0.0).unwrap(), 250.0).unwrap();
        assert!((r - 1.5).abs() < 1e-14, "{r}");
        let r = one.irr(&Cost::new(1e12, 0.0).unwrap(), 1.0).unwrap();
        assert!(((1.0 + r) - 1e-12).abs() < 2e-16, "{r}"); // r itself carries 1.1e-16
        // Extremes: no panic, no NaN; unrepresentable roots are None.
        assert_eq!(
            one.irr(&Cost::new(Cost::MAX_AMOUNT, 0.0).unwrap(), 1e-300),
            None
        );
        assert!(Cost::new(f64::MAX, 0.0).is_err());
        assert!(Cost::new(1e-300, 0.0).is_err());
        assert_eq!(
            one.irr(&Cost::new(Cost::MIN_AMOUNT, 0.0).unwrap(), f64::MAX),
            None
        );
        // A huge return: the t = 1 term dominates, 1 + r ≈ net / upfront.
        let big = Finance::new(100, 0.0).unwrap();
        let r = big.irr(&Cost::new(1.0, 0.0).unwrap(), 1e6).unwrap();
        assert!((r - 1e6).abs() < 1e-6 * 1e6, "{r}");
    }

    proptest! {
        #[test]
        fn npv_vanishes_at_the_irr(
            t in 1u32..=100,
            upfront in 1.0f64..1e7,
            annual in 0.0f64..1e6,
            benefit in 0.0f64..2e7,
        ) {
            let cost = Cost::new(upfront, annual).unwrap();
            let irr = Finance::new(t, 0.0).unwrap().irr(&cost, benefit);
            prop_assert_eq!(irr.is_some(), benefit > annual);
            if let Some(r) = irr {
                // Near r = −1 the NPV is too sensitive to the rounding of r itself.
                prop_assume!(r > -0.9);
                let npv = npv_at(t, r, &cost, benefit);
                prop_assert!(npv.abs() < 1e-9 * upfront, "r={} npv={}", r, npv);
                // And the NPV falls through 0 there.
                prop_assert!(npv_at(t, r - 1e-6, &cost, benefit) > npv);
            }
        }
    }
}
