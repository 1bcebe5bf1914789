//! FAIR's primary plus secondary loss, `P + B·S` with `B ~ Bernoulli(p)`
//! ([`Magnitude::with_secondary`]). Its CDF and its moments under a cap are numerical
//! convolutions of the two parts, integrated here.

use rand::Rng;
use rand::distr::{Distribution, StandardUniform};

use super::{Magnitude, Moments};
use crate::error::{Error, Result};

/// A primary loss plus a secondary loss that follows with some probability (FAIR SLEF), with
/// the moments of the composite under the cap computed once.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Composite {
    primary: Magnitude,
    probability: f64,
    secondary: Magnitude,
    moments: Moments,
}

impl Composite {
    /// Refuses a part that has a secondary loss of its own (named `name`, with its mean).
    pub(super) fn check_part(name: &'static str, part: &Magnitude) -> Result<()> {
        if part.composite().is_some() {
            return Err(Error::invalid(
                name,
                part.mean(),
                "a magnitude without a secondary loss of its own (one level of secondary loss)",
            ));
        }
        Ok(())
    }

    /// The uncapped composite; the parts are checked and `0 < probability <= 1`.
    pub(super) fn new(primary: Magnitude, probability: f64, secondary: Magnitude) -> Self {
        let moments = Self::moments_at(&primary, probability, &secondary, f64::INFINITY);
        Composite {
            primary,
            probability,
            secondary,
            moments,
        }
    }

    /// The same parts, with the moments of `min(P + B·S, cap)`.
    pub(super) fn with_cap(&self, cap: f64) -> Self {
        let moments = Self::moments_at(&self.primary, self.probability, &self.secondary, cap);
        Composite {
            moments,
            ..self.clone()
        }
    }

    /// The primary loss.
    pub(super) fn primary(&self) -> &Magnitude {
        &self.primary
    }

    /// The probability of the secondary loss.
    pub(super) fn probability(&self) -> f64 {
        self.probability
    }

    /// The secondary loss.
    pub(super) fn secondary(&self) -> &Magnitude {
        &self.secondary
    }

    /// The moments under the composite's cap.
    pub(super) fn moments(&self) -> Moments {
        self.moments
    }

    /// The smallest possible loss.
    pub(super) fn lower(&self) -> f64 {
        let secondary = if self.probability >= 1.0 {
            self.secondary.least()
        } else {
            0.0
        };
        self.primary.least() + secondary
    }

    /// The largest possible loss.
    pub(super) fn upper(&self) -> f64 {
        self.primary.clip + self.secondary.clip
    }

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
        if let Some(atoms) = secondary.repr.atoms() {
            // A fixed or empirical secondary: condition on its value s instead of integrating
            // over the primary (linear in the number of observations):
            // min(P + s, c) = s + min(P, c − s) for s < c, else c.
            let (mut e1, mut e2) = (0.0, 0.0);
            for &s in atoms {
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
    pub(super) fn cdf(&self, x: f64) -> f64 {
        let (p, s) = (self.probability, &self.secondary);
        let own = self.primary.cdf(x);
        // F_S(x − y) = 0 once x − y is below S's smallest loss (for y > x − least(S)).
        let end = x - s.least();
        let breaks = mirrored_breakpoints(s, x);
        let with_secondary = expect_over(&self.primary, |y| s.cdf(x - y), end, 0.0, &breaks);
        ((1.0 - p) * own + p * with_secondary).clamp(0.0, 1.0)
    }
}

impl Distribution<f64> for Composite {
    /// Primary first, then B, then (if B = 1) the secondary; B = 1 draws nothing at p = 1.
    #[inline]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let x = self.primary.sample(rng);
        let coin = |rng: &mut R| -> f64 { StandardUniform.sample(rng) };
        if self.probability >= 1.0 || coin(rng) < self.probability {
            x + self.secondary.sample(rng)
        } else {
            x
        }
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
    let mut b = vec![m.repr.lower().max(0.0), m.clip];
    m.repr.breakpoints(&mut b);
    b.retain(|x| x.is_finite());
    b
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
    if let Some(e) = m.repr.expect_atoms(|v| value(v.min(m.cap))) {
        return e;
    }
    let low = m.repr.lower().max(0.0);
    let top = m.repr.upper().min(m.cap).min(end);
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
        for w in points.windows(2) {
            total += m.repr.integrate(&g, w[0], w[1]);
        }
    }
    // The mass at and above `top`: P(X > top) (X is continuous here).
    let above = 1.0 - m.repr.cdf(top);
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

    #[test]
    fn two_fixed_parts_make_a_two_point_law() {
        // 1 + B·2, B ~ Bernoulli(1/4): 1 with probability 3/4, 3 with 1/4 (all exact in binary).
        let two_point = || {
            Magnitude::fixed(1.0)
                .unwrap()
                .with_secondary(0.25, Magnitude::fixed(2.0).unwrap())
                .unwrap()
        };
        let m = two_point();
        assert_eq!(
            (m.mean(), m.second_moment(), m.variance()),
            (1.5, 3.0, 0.75)
        );
        assert_eq!(
            [m.cdf(0.5), m.cdf(1.0), m.cdf(2.9), m.cdf(3.0)],
            [0.0, 0.75, 0.75, 1.0]
        );
        // Capped at 2 (above the smallest loss, 1): 1 with 3/4, 2 with 1/4.
        let c = m.with_cap(2.0).unwrap();
        assert_eq!(
            (c.mean(), c.second_moment(), c.variance()),
            (1.25, 1.75, 0.1875)
        );
        assert!(two_point().with_cap(1.0).is_err());
        // One level of secondary loss only.
        let e = Magnitude::fixed(1.0)
            .unwrap()
            .with_secondary(0.5, two_point())
            .unwrap_err();
        assert!(e.to_string().starts_with("invalid secondary: 1.5 "), "{e}");
    }
}
