//! Numerical integration shared by the composite loss and the uncertain efficacies.

use std::f64::consts::PI;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smooth_and_end_singular_integrands() {
        let rel = |got: f64, want: f64| ((got - want) / want).abs();
        assert!(rel(tanh_sinh(|x| x * x, 0.0, 1.0), 1.0 / 3.0) < 1e-14);
        let e = 2f64.exp() - (-1f64).exp();
        assert!(rel(tanh_sinh(f64::exp, -1.0, 2.0), e) < 1e-14);
        // An algebraic singularity at an end: ∫₀¹ x^(−1/2) dx = 2. Cutting t at 3.5 leaves out
        // [0, ~1e-23], which holds 2·√1e-23 ≈ 1e-11 of it.
        let got = tanh_sinh(|x| 1.0 / x.sqrt(), 0.0, 1.0);
        assert!(rel(got, 2.0) < 1e-10, "{got}");
        for (a, b) in [(1.0, 1.0), (2.0, 1.0), (f64::NAN, 1.0), (0.0, f64::NAN)] {
            assert_eq!(tanh_sinh(|_| 1.0, a, b), 0.0);
        }
    }
}
