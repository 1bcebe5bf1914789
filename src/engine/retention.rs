//! What a tower of insurance policies leaves of one event's loss, as a function of the loss, and
//! its expectation over the event's loss law: the closed form behind the paired estimator
//! (paired.rs) of set_run.rs.
//!
//! Each policy pays `min(max((1 − coinsurance)·a − deductible, 0), limit, room)` where `a` is
//! the loss left by the policies before it (a primary) or the ground-up loss above its
//! attachment (an excess layer, which also never pays more than is left), `room` what its
//! aggregate limit has left this year (model/transfer.rs). Built from sums, scalings, `min` and
//! `max` of linear functions, the retained loss `ret(y)` is continuous and piecewise linear in
//! the ground-up loss `y`, with `ret(0) = 0`:
//!
//! ```text
//! ret(y) = s₀·y + Σᵢ Δsᵢ·(y − tᵢ)⁺        (kinks tᵢ, slope changes Δsᵢ)
//! E[ret(κX)] = κ·(s₀·E[X] + Σᵢ Δsᵢ·(E[X] − E[min(X, tᵢ/κ)]))
//! ```
//!
//! since `E[(κX − t)⁺] = κ·(E[X] − E[min(X, t/κ)])`, `E[min(X, u)]` being the limited mean of
//! the loss law (`Magnitude::limited_mean`). The kinks are exact: each `min`/`max` inserts the
//! points where its arguments cross on each linear piece.

use crate::model::transfer::Transfer;

/// `ret(y)` of a tower of policies with given rooms, as its kinks and slopes.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Retention {
    /// The slope at 0.
    first_slope: f64,
    /// (kink, slope change), in increasing kink order.
    kinks: Vec<(f64, f64)>,
}

/// Functions of the ground-up loss on a common grid: values at the grid points (the first at
/// 0) and the slope beyond the last.
struct Grid {
    ys: Vec<f64>,
}

/// One piecewise linear function on a [`Grid`].
#[derive(Clone)]
struct Line {
    vs: Vec<f64>,
    tail: f64,
}

impl Line {
    /// The value at `y` in `[ys[i], ys[i + 1]]` (or beyond the last point when `i` is last).
    fn at(&self, ys: &[f64], i: usize, y: f64) -> f64 {
        if i + 1 < ys.len() {
            let (y0, y1) = (ys[i], ys[i + 1]);
            let w = (y - y0) / (y1 - y0);
            self.vs[i] + w * (self.vs[i + 1] - self.vs[i])
        } else {
            self.vs[i] + (y - ys[i]) * self.tail
        }
    }
}

impl Grid {
    /// The points in each piece (and beyond the last point) where `f − g` changes sign.
    fn crossings(&self, f: &Line, g: &Line) -> Vec<f64> {
        let ys = &self.ys;
        let mut out = Vec::new();
        for i in 0..ys.len() {
            let d0 = f.vs[i] - g.vs[i];
            if i + 1 < ys.len() {
                let d1 = f.vs[i + 1] - g.vs[i + 1];
                if (d0 < 0.0 && d1 > 0.0) || (d0 > 0.0 && d1 < 0.0) {
                    let y = ys[i] + d0 / (d0 - d1) * (ys[i + 1] - ys[i]);
                    if y > ys[i] && y < ys[i + 1] {
                        out.push(y);
                    }
                }
            } else {
                let slope = f.tail - g.tail;
                if slope != 0.0 {
                    let y = ys[i] - d0 / slope;
                    if y > ys[i] && y.is_finite() {
                        out.push(y);
                    }
                }
            }
        }
        out
    }

    /// Inserts `points` into the grid, extending every function in `lines` linearly.
    fn insert(&mut self, points: &[f64], lines: &mut [&mut Line]) {
        for &y in points {
            let i = self.ys.partition_point(|&g| g <= y);
            if self.ys[i - 1] == y {
                continue;
            }
            for line in lines.iter_mut() {
                let v = line.at(&self.ys, i - 1, y);
                line.vs.insert(i, v);
            }
            self.ys.insert(i, y);
        }
    }
}

impl Retention {
    /// `ret(y)` after `policies` in the order they pay, each with the room its aggregate limit
    /// has left (`f64::INFINITY` without one).
    pub(crate) fn new<'a>(policies: impl IntoIterator<Item = (&'a Transfer, f64)>) -> Retention {
        let mut grid = Grid { ys: vec![0.0] };
        let ground = Line {
            vs: vec![0.0],
            tail: 1.0,
        };
        let mut ground = ground;
        let mut left = ground.clone();
        for (policy, room) in policies {
            let share = 1.0 - policy.coinsurance();
            let cap = policy.occurrence_limit().min(room.max(0.0));
            let attachment = policy.attachment();
            // The argument: what is left (a primary), or the ground-up loss above the attachment.
            let base = if attachment.is_some() { &ground } else { &left };
            let shift = attachment.unwrap_or(0.0);
            let mut covered = Line {
                vs: base
                    .vs
                    .iter()
                    .zip(&grid.ys)
                    .map(|(&v, &y)| {
                        let a = if attachment.is_some() { y - shift } else { v };
                        share * a - policy.deductible()
                    })
                    .collect(),
                tail: share * base.tail,
            };
            // max(covered, 0), then min(·, cap).
            for level in [0.0, cap] {
                let flat = Line {
                    vs: vec![level; grid.ys.len()],
                    tail: 0.0,
                };
                let points = grid.crossings(&covered, &flat);
                grid.insert(&points, &mut [&mut ground, &mut left, &mut covered]);
            }
            let mut paid = clamp(&covered, cap);
            if attachment.is_some() {
                // An excess layer never pays more than is left.
                let points = grid.crossings(&paid, &left);
                grid.insert(&points, &mut [&mut ground, &mut left, &mut covered]);
                paid = lower(&clamp(&covered, cap), &left);
            }
            left = Line {
                vs: left.vs.iter().zip(&paid.vs).map(|(&l, &p)| l - p).collect(),
                tail: left.tail - paid.tail,
            };
        }
        let ys = &grid.ys;
        let slope = |i: usize| {
            if i + 1 < ys.len() {
                (left.vs[i + 1] - left.vs[i]) / (ys[i + 1] - ys[i])
            } else {
                left.tail
            }
        };
        let first_slope = slope(0);
        let mut kinks = Vec::new();
        let mut before = first_slope;
        for (i, &y) in ys.iter().enumerate().skip(1) {
            let s = slope(i);
            if s != before {
                kinks.push((y, s - before));
            }
            before = s;
        }
        Retention { first_slope, kinks }
    }

    /// `E[ret(κX)]` for `κ > 0`, from the law's mean `E[X]`, its largest possible value and its
    /// limited mean `lev(u) = E[min(X, u)]`.
    pub(crate) fn expected(
        &self,
        kappa: f64,
        mean: f64,
        largest: f64,
        lev: impl Fn(f64) -> f64,
    ) -> f64 {
        let mut slope_mean = self.first_slope * mean;
        for &(t, ds) in &self.kinks {
            let u = t / kappa;
            if u >= largest {
                // Beyond every possible loss: (κX − t)⁺ = 0.
                break;
            }
            slope_mean += ds * (mean - lev(u));
        }
        kappa * slope_mean
    }

    /// `ret(y)`.
    pub(crate) fn at(&self, y: f64) -> f64 {
        let mut v = self.first_slope * y;
        for &(t, ds) in &self.kinks {
            if y <= t {
                break;
            }
            v += ds * (y - t);
        }
        v
    }

    /// The smallest ground-up loss at which the retained loss stops growing one for one (`+inf`
    /// when no policy ever pays): below it, `ret(y) = y`.
    pub(crate) fn first_kink(&self) -> f64 {
        if self.first_slope != 1.0 {
            return 0.0;
        }
        self.kinks.first().map_or(f64::INFINITY, |k| k.0)
    }
}

/// `min(f, g)`, pointwise on a grid where `f` and `g` do not cross inside a piece.
fn lower(f: &Line, g: &Line) -> Line {
    let (fl, gl) = (f.vs.last().copied(), g.vs.last().copied());
    let tail = if fl < gl || (fl == gl && f.tail <= g.tail) {
        f.tail
    } else {
        g.tail
    };
    Line {
        vs: f.vs.iter().zip(&g.vs).map(|(&a, &b)| a.min(b)).collect(),
        tail,
    }
}

/// `min(max(f, 0), cap)`, pointwise on a grid whose pieces do not cross 0 or `cap`.
fn clamp(f: &Line, cap: f64) -> Line {
    let clamp = |v: f64| v.max(0.0).min(cap);
    let last = *f.vs.last().unwrap_or(&0.0);
    // Beyond the last point the function crosses no level (the crossings are grid points): it
    // is clamped flat there unless it lies inside [0, cap] or leaves a bound inwards.
    let flat = last < 0.0
        || last > cap
        || (last == 0.0 && f.tail <= 0.0)
        || (last == cap && f.tail >= 0.0);
    let tail = if flat { 0.0 } else { f.tail };
    Line {
        vs: f.vs.iter().map(|&v| clamp(v)).collect(),
        tail,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// What the engine's loop retains: the policies applied in order (model/transfer.rs).
    fn engine_retained(policies: &[(Transfer, f64)], y: f64) -> f64 {
        let mut left = y;
        for (t, room) in policies {
            let mut paid = t.aggregate_limit().map_or(0.0, |a| a - room);
            left -= t.pay(y, left, &mut paid);
        }
        left
    }

    fn from_kinks(r: &Retention, y: f64) -> f64 {
        r.at(y)
    }

    fn towers() -> Vec<Vec<(Transfer, f64)>> {
        let primary = Transfer::new(1e6, 1e7)
            .unwrap()
            .with_aggregate_limit(1e7)
            .unwrap();
        let excess = Transfer::new(0.0, 1e7)
            .unwrap()
            .with_attachment(1.5e7)
            .unwrap()
            .with_aggregate_limit(1e7)
            .unwrap();
        let coinsured = Transfer::new(5e4, 2e6)
            .unwrap()
            .with_coinsurance(0.2)
            .unwrap();
        let low_excess = Transfer::new(1e5, 5e6)
            .unwrap()
            .with_attachment(2e6)
            .unwrap();
        vec![
            vec![],
            vec![(primary, 1e7)],
            vec![(primary, 3e6)],
            vec![(primary, 0.0)],
            vec![(primary, 1e7), (excess, 1e7)],
            vec![(primary, 2e6), (excess, 4e6)],
            vec![(coinsured, f64::INFINITY)],
            vec![(coinsured, f64::INFINITY), (low_excess, f64::INFINITY)],
            vec![(low_excess, f64::INFINITY), (primary, 5e6)],
            vec![(primary, 1e7), (coinsured, f64::INFINITY), (excess, 1e7)],
        ]
    }

    #[test]
    fn the_kinks_give_what_the_engine_retains() {
        for tower in towers() {
            let r = Retention::new(tower.iter().map(|(t, room)| (t, *room)));
            for k in 0..4000 {
                let y = f64::from(k) * 12_500.0 + 0.37;
                let (want, got) = (engine_retained(&tower, y), from_kinks(&r, y));
                assert!(
                    (want - got).abs() <= 1e-6 * want.abs().max(1.0),
                    "{tower:?} at {y}: engine {want}, kinks {got}"
                );
            }
        }
    }

    #[test]
    fn the_expectation_is_the_mean_over_the_law() {
        // A uniform loss on [0, 4e7], scaled by κ: E[ret(κX)] against a fine midpoint sum.
        let (top, kappa) = (4e7, 0.7);
        let lev = |u: f64| {
            let u = u.min(top);
            u - u * u / (2.0 * top)
        };
        for tower in towers() {
            let r = Retention::new(tower.iter().map(|(t, room)| (t, *room)));
            let n = 200_000;
            let sum: f64 = (0..n)
                .map(|i| engine_retained(&tower, kappa * (f64::from(i) + 0.5) / f64::from(n) * top))
                .sum();
            let want = sum / f64::from(n);
            let got = r.expected(kappa, top / 2.0, top, lev);
            assert!(
                (want - got).abs() < 1e-6 * want,
                "{tower:?}: {want} vs {got}"
            );
        }
    }
}
