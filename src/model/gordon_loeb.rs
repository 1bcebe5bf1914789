//! The Gordon–Loeb model of the optimal security investment.
//!
//! Gordon & Loeb, "The economics of information security investment", ACM TISSEC 5(4), 2002.
//! An information set is breached in a year with probability `v` (its vulnerability) and then
//! loses `L`. Investing `z` lowers the breach probability to `S(z, v)`, so the expected net
//! benefit of the investment is
//!
//! ```text
//! ENBIS(z) = (v − S(z, v)) · L − z,    maximal where −∂S/∂z · L = 1.
//! ```
//!
//! For both classes of [`BreachFunction`] the optimum is below the bound `z* < v L / e ≈ 0.368 v L`
//! ([`gordon_loeb_bound`]). Models that multiply `L` by a threat probability `t` pass `t · L` as
//! the loss.

use crate::check::{non_negative, positive, probability};
use crate::error::{Error, Result};

/// A breach-probability function `S(z, v)` of the Gordon–Loeb model.
///
/// | class | `S(z, v)` | optimum `z*` | `z* = 0` when |
/// |---|---|---|---|
/// | [`class_i(α, β)`](Self::class_i) | `v / (αz + 1)^β` | `((vβαL)^{1/(β+1)} − 1) / α` | `vβαL <= 1` |
/// | [`class_ii(α)`](Self::class_ii) | `v^(αz + 1)` | `ln(−αvL ln v) / (−α ln v)` | `−αvL ln v <= 1` |
///
/// `α > 0` is the productivity of the investment (per unit of currency) and `β >= 1` a shape
/// parameter. Both classes have `S(0, v) = v` and are decreasing and convex in `z`, so `ENBIS`
/// is concave and the optimum is unique.
///
/// # Example
/// ```
/// use csfquant::BreachFunction;
/// let s = BreachFunction::class_i(1e-4, 1.0)?;
/// assert_eq!(s.breach_probability(0.0, 0.5)?, 0.5);
/// assert_eq!(s.breach_probability(10_000.0, 0.5)?, 0.25); // v / (1 + 1)
/// let opt = s.optimal_investment(0.5, 1e6)?;
/// assert!((opt.investment - 60_710.7).abs() < 0.1);
/// Ok::<(), csfquant::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BreachFunction(Class);

/// The validated classes: `alpha` finite `> 0`, `beta` finite `>= 1`.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Class {
    I { alpha: f64, beta: f64 },
    II { alpha: f64 },
}

/// The optimal investment `z*` of a [`BreachFunction`] and what it buys.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct GordonLoebOptimum {
    /// The optimal investment `z*` per year, in currency; 0 when no investment pays.
    pub investment: f64,
    /// The breach probability after investing, `S(z*, v)`.
    pub breach_probability: f64,
    /// The expected net benefit `ENBIS(z*) = (v − S(z*, v)) · L − z* >= 0`.
    pub enbis: f64,
}

impl BreachFunction {
    /// Class I: `S(z, v) = v / (αz + 1)^β`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless `alpha` is finite and `> 0` and `beta` is finite and
    /// `>= 1`.
    ///
    /// # Example
    /// ```
    /// use csfquant::BreachFunction;
    /// let e = BreachFunction::class_i(1e-4, 0.5).unwrap_err();
    /// assert_eq!(e.to_string(), "invalid beta: 0.5 (expected a finite number >= 1)");
    /// ```
    pub fn class_i(alpha: f64, beta: f64) -> Result<BreachFunction> {
        let alpha = positive("alpha", alpha)?;
        if !(beta >= 1.0 && beta.is_finite()) {
            return Err(Error::invalid("beta", beta, "a finite number >= 1"));
        }
        Ok(BreachFunction(Class::I { alpha, beta }))
    }

    /// Class II: `S(z, v) = v^(αz + 1)`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless `alpha` is finite and `> 0`.
    ///
    /// # Example
    /// ```
    /// use csfquant::BreachFunction;
    /// let s = BreachFunction::class_ii(1e-5)?;
    /// assert_eq!(s.breach_probability(100_000.0, 0.5)?, 0.25); // 0.5^2
    /// assert!(BreachFunction::class_ii(0.0).is_err());
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub fn class_ii(alpha: f64) -> Result<BreachFunction> {
        Ok(BreachFunction(Class::II {
            alpha: positive("alpha", alpha)?,
        }))
    }

    /// The productivity `α`.
    pub fn alpha(&self) -> f64 {
        match self.0 {
            Class::I { alpha, .. } | Class::II { alpha } => alpha,
        }
    }

    /// The shape `β` of class I; `None` for class II.
    pub fn beta(&self) -> Option<f64> {
        match self.0 {
            Class::I { beta, .. } => Some(beta),
            Class::II { .. } => None,
        }
    }

    /// The breach probability `S(z, v)` after investing `investment` (z) in an information set
    /// of vulnerability `vulnerability` (v).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless `investment` is finite and `>= 0` and `vulnerability`
    /// lies in `[0, 1]`.
    ///
    /// # Example
    /// ```
    /// use csfquant::BreachFunction;
    /// let s = BreachFunction::class_ii(1e-5)?;
    /// assert_eq!(s.breach_probability(1e9, 1.0)?, 1.0); // class II cannot help at v = 1
    /// assert!(s.breach_probability(-1.0, 0.5).is_err());
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub fn breach_probability(&self, investment: f64, vulnerability: f64) -> Result<f64> {
        let z = non_negative("investment", investment)?;
        let v = probability("vulnerability", vulnerability)?;
        Ok(match self.0 {
            // v · e^{−β ln(1 + αz)}: ln_1p is exact for small αz, and αz = ∞ gives 0, not NaN.
            Class::I { alpha, beta } => v * (-beta * (alpha * z).ln_1p()).exp(),
            // v · e^{αz ln v}; v = 0 and v = 1 apart, where ln v · αz could be 0 · ∞.
            Class::II { .. } if v == 0.0 || v == 1.0 => v,
            Class::II { alpha } => v * (alpha * z * v.ln()).exp(),
        })
    }

    /// The investment `z*` that maximises `ENBIS(z) = (v − S(z, v)) · L − z`, in closed form
    /// (see the table on [`BreachFunction`]), with `S(z*, v)` and `ENBIS(z*)`.
    ///
    /// `z* = 0` when the first unit of currency already returns less than it costs, and always
    /// when `v = 0` or `loss = 0`, and for class II when `v = 1` (no investment moves `v^(αz+1)`).
    /// Computed in logarithms where a product could overflow; finite for all valid inputs.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless `vulnerability` lies in `[0, 1]` and `loss` is finite
    /// and `>= 0`.
    ///
    /// # Example
    /// ```
    /// use csfquant::BreachFunction;
    /// // DOMAIN §6: v = 0.5, L = 1M, class II with α = 1e-5.
    /// let opt = BreachFunction::class_ii(1e-5)?.optimal_investment(0.5, 1e6)?;
    /// assert!((opt.investment - 179_316.2).abs() < 0.1);
    /// assert!((opt.breach_probability - 0.1443).abs() < 5e-5);
    /// assert!((opt.enbis - 176_414.0).abs() < 1.0);
    /// Ok::<(), csfquant::Error>(())
    /// ```
    #[doc(alias = "ENBIS")]
    pub fn optimal_investment(&self, vulnerability: f64, loss: f64) -> Result<GordonLoebOptimum> {
        let v = probability("vulnerability", vulnerability)?;
        let loss = non_negative("loss", loss)?;
        let none = GordonLoebOptimum {
            investment: 0.0,
            breach_probability: v,
            enbis: 0.0,
        };
        if v == 0.0 || loss == 0.0 {
            return Ok(none);
        }
        // Both branches: `ln_gain > 0` is the log of the marginal return of the first unit,
        // the optimum has `S* = v e^{−shrink}`, so `v − S* = −v · expm1(−shrink)`.
        let (investment, shrink) = match self.0 {
            Class::I { alpha, beta } => {
                let ln_gain = ln_product([v, beta, alpha, loss]);
                if ln_gain <= 0.0 {
                    return Ok(none);
                }
                // αz* + 1 = e^y with y = ln(vβαL)/(β + 1).
                let y = ln_gain / (beta + 1.0);
                // z* < vL/e is finite; past e^700 take the quotient in logs (1/α is then
                // negligible next to e^y/α, and may overflow for tiny α).
                let z = if y < 700.0 {
                    y.exp_m1() / alpha
                } else {
                    (y - alpha.ln()).exp()
                };
                (z, beta * y)
            }
            Class::II { .. } if v == 1.0 => return Ok(none),
            Class::II { alpha } => {
                let w = -v.ln(); // > 0 for v in (0, 1)
                let ln_q = ln_product([alpha, v, loss, w]);
                if ln_q <= 0.0 {
                    return Ok(none);
                }
                // z* = ln q / (αw); at the optimum αwL·S = 1, i.e. S* = v / q.
                let aw = alpha * w;
                let z = if aw.is_normal() {
                    ln_q / aw
                } else {
                    (ln_q.ln() - alpha.ln() - w.ln()).exp()
                };
                (z, ln_q)
            }
        };
        let reduction = -v * (-shrink).exp_m1() * loss;
        Ok(GordonLoebOptimum {
            investment,
            breach_probability: v * (-shrink).exp(),
            // ENBIS(z*) >= ENBIS(0) = 0; near the threshold the two terms cancel and rounding
            // can leave −1 ulp.
            enbis: (reduction - investment).max(0.0),
        })
    }
}

/// The Gordon–Loeb bound `v L / e ≈ 0.3679 v L`: for both classes of [`BreachFunction`] the
/// optimal investment is below it.
///
/// # Errors
/// [`Error::InvalidParameter`] unless `vulnerability` lies in `[0, 1]` and `loss` is finite and
/// `>= 0`.
///
/// # Example
/// ```
/// use csfquant::gordon_loeb_bound;
/// assert!((gordon_loeb_bound(0.5, 1e6)? - 183_939.72).abs() < 0.01);
/// Ok::<(), csfquant::Error>(())
/// ```
pub fn gordon_loeb_bound(vulnerability: f64, loss: f64) -> Result<f64> {
    let v = probability("vulnerability", vulnerability)?;
    let loss = non_negative("loss", loss)?;
    Ok(v * loss / std::f64::consts::E)
}

/// `ln Π factors` for finite factors `> 0`: the product when it is a normal number (fewest
/// roundings), else the sum of logs (no overflow or underflow).
fn ln_product(factors: [f64; 4]) -> f64 {
    let product: f64 = factors.iter().product();
    if product.is_normal() {
        product.ln()
    } else {
        factors.iter().map(|f| f.ln()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enbis(s: &BreachFunction, z: f64, v: f64, loss: f64) -> f64 {
        (v - s.breach_probability(z, v).unwrap()) * loss - z
    }

    /// Golden-section search for the maximum of the concave ENBIS on `[0, vL]`.
    fn numeric_optimum(s: &BreachFunction, v: f64, loss: f64) -> f64 {
        let g = (5f64.sqrt() - 1.0) / 2.0;
        let (mut a, mut b) = (0.0, v * loss);
        for _ in 0..200 {
            let (c, d) = (b - g * (b - a), a + g * (b - a));
            if enbis(s, c, v, loss) >= enbis(s, d, v, loss) {
                b = d;
            } else {
                a = c;
            }
        }
        0.5 * (a + b)
    }

    /// DOMAIN §6 and §9 vector 3 (shared/calc/examples.py, closed forms and SciPy's bounded
    /// minimiser); tolerances are half a unit in the last quoted place.
    #[test]
    fn domain_examples() {
        let (v, loss) = (0.5, 1e6);
        let s1 = BreachFunction::class_i(1e-4, 1.0).unwrap();
        let opt = s1.optimal_investment(v, loss).unwrap();
        assert!((opt.investment - 60_710.7).abs() < 0.1, "{opt:?}");
        assert!((opt.breach_probability - 0.0707).abs() < 5e-5, "{opt:?}");
        assert!((opt.enbis - 368_579.0).abs() < 1.0, "{opt:?}");
        let s2 = BreachFunction::class_ii(1e-5).unwrap();
        let opt = s2.optimal_investment(v, loss).unwrap();
        assert!((opt.investment - 179_316.2).abs() < 0.1, "{opt:?}");
        assert!((opt.breach_probability - 0.1443).abs() < 5e-5, "{opt:?}");
        assert!((opt.enbis - 176_414.0).abs() < 1.0, "{opt:?}");
        let bound = gordon_loeb_bound(v, loss).unwrap();
        assert!((bound - 183_940.0).abs() < 0.5 && (bound - 183_939.72).abs() < 0.005);
        let z7 = s2.optimal_investment(0.7, loss).unwrap().investment;
        assert!((z7 - 256_530.0).abs() < 1.0, "{z7}");
        let z9 = s2.optimal_investment(0.9, loss).unwrap();
        assert_eq!(
            (z9.investment, z9.breach_probability, z9.enbis),
            (0.0, 0.9, 0.0)
        );
    }

    #[test]
    fn closed_form_matches_numerical_maximum_and_bound() {
        let mut classes = vec![];
        for alpha in [1e-7, 1e-6, 1e-5, 1e-4, 1e-3] {
            classes.push(BreachFunction::class_ii(alpha).unwrap());
            for beta in [1.0, 1.5, 2.0, 3.0, 10.0] {
                classes.push(BreachFunction::class_i(alpha, beta).unwrap());
            }
        }
        let mut paying = 0;
        for s in &classes {
            for v in [0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99] {
                for loss in [1e3, 1e5, 1e6, 1e8] {
                    let opt = s.optimal_investment(v, loss).unwrap();
                    let z = numeric_optimum(s, v, loss);
                    let tol = 1e-6 * v * loss;
                    assert!(
                        (opt.investment - z).abs() < tol,
                        "{s:?} v={v} L={loss}: {z}"
                    );
                    let (e_closed, e_num) =
                        (enbis(s, opt.investment, v, loss), enbis(s, z, v, loss));
                    assert!(e_closed >= e_num - 1e-9 * v * loss, "{s:?} v={v} L={loss}");
                    assert!((opt.enbis - e_closed).abs() < 1e-9 * v * loss);
                    let s_star = s.breach_probability(opt.investment, v).unwrap();
                    assert!((opt.breach_probability - s_star).abs() < 1e-12);
                    assert!(opt.investment < gordon_loeb_bound(v, loss).unwrap());
                    paying += usize::from(opt.investment > 0.0);
                }
            }
        }
        assert!(paying > 300, "{paying}"); // the grid mostly exercises interior optima
    }

    #[test]
    fn edges_are_finite() {
        let classes = [
            BreachFunction::class_i(1e-4, 1.0).unwrap(),
            BreachFunction::class_i(f64::MAX, f64::MAX).unwrap(),
            BreachFunction::class_i(f64::MAX, 1.0).unwrap(),
            BreachFunction::class_i(5e-324, 1.0).unwrap(),
            BreachFunction::class_ii(1e-5).unwrap(),
            BreachFunction::class_ii(f64::MAX).unwrap(),
            BreachFunction::class_ii(5e-324).unwrap(),
        ];
        for s in &classes {
            for v in [0.0, 5e-324, 1e-300, 0.5, 1.0 - f64::EPSILON, 1.0] {
                for loss in [0.0, 1.0, 1e6, f64::MAX] {
                    let opt = s.optimal_investment(v, loss).unwrap();
                    let ok = [opt.investment, opt.breach_probability, opt.enbis]
                        .iter()
                        .all(|x| x.is_finite() && *x >= 0.0);
                    assert!(ok, "{s:?} v={v} L={loss}: {opt:?}");
                    assert!(opt.investment <= gordon_loeb_bound(v, loss).unwrap());
                    assert!(opt.breach_probability <= v);
                    if v == 0.0 || loss == 0.0 {
                        assert_eq!(opt.investment, 0.0);
                    }
                    for z in [0.0, 1.0, f64::MAX] {
                        let p = s.breach_probability(z, v).unwrap();
                        assert!((0.0..=v).contains(&p), "{s:?} z={z} v={v}: {p}");
                    }
                }
            }
        }
        // Class II at v = 1: S = 1 whatever z, so nothing to buy.
        let opt = classes[4].optimal_investment(1.0, 1e6).unwrap();
        assert_eq!(
            (opt.investment, opt.breach_probability, opt.enbis),
            (0.0, 1.0, 0.0)
        );
        // Class I at v = 1 does pay.
        assert!(classes[0].optimal_investment(1.0, 1e6).unwrap().investment > 0.0);
    }

    fn assert_names<T: std::fmt::Debug>(result: Result<T>, name: &str) {
        let e = result.unwrap_err().to_string();
        assert!(e.starts_with(&format!("invalid {name}: ")), "{e}");
    }

    #[test]
    fn invalid_inputs_name_the_parameter() {
        let s = BreachFunction::class_i(1e-4, 2.0).unwrap();
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert_names(BreachFunction::class_i(bad, 1.0), "alpha");
            assert_names(BreachFunction::class_ii(bad), "alpha");
            assert_names(BreachFunction::class_i(1.0, bad), "beta");
        }
        assert_names(BreachFunction::class_i(1e-4, 0.999), "beta");
        for v in [-0.1, 1.1, f64::NAN] {
            assert_names(s.optimal_investment(v, 1e6), "vulnerability");
            assert_names(s.breach_probability(0.0, v), "vulnerability");
            assert_names(gordon_loeb_bound(v, 1e6), "vulnerability");
        }
        for loss in [-1.0, f64::NAN, f64::INFINITY] {
            let e = s.optimal_investment(0.5, loss).unwrap_err().to_string();
            assert_eq!(
                e,
                format!("invalid loss: {loss} (expected a finite number >= 0)")
            );
            assert_names(gordon_loeb_bound(0.5, loss), "loss");
        }
        assert_eq!((s.alpha(), s.beta()), (1e-4, Some(2.0)));
        assert_eq!(BreachFunction::class_ii(1e-5).unwrap().beta(), None);
    }
}
