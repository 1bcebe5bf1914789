//! Private numeric helpers: summation, mergeable moments, the quantile rule, order-statistic
//! intervals, the largest values of a stream and the Wilson interval for a proportion.
//!
//! Everything here works on slices in a fixed order, so results do not depend on scheduling.

use statrs::function::beta::beta_reg;

/// Pairwise sum of `xs`, in a fixed order.
///
/// Error grows like O(log n) ulps instead of O(n) for a running sum, which matters when 10^7
/// annual losses of very different sizes are added (STYLE.md section 6).
pub(crate) fn pairwise_sum(xs: &[f64]) -> f64 {
    const BLOCK: usize = 128;
    if xs.len() <= BLOCK {
        // Four accumulators let the compiler keep several additions in flight.
        let mut acc = [0.0_f64; 4];
        let mut chunks = xs.chunks_exact(4);
        for c in &mut chunks {
            acc[0] += c[0];
            acc[1] += c[1];
            acc[2] += c[2];
            acc[3] += c[3];
        }
        let tail: f64 = chunks.remainder().iter().sum();
        return (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail;
    }
    let mid = xs.len() / 2;
    pairwise_sum(&xs[..mid]) + pairwise_sum(&xs[mid..])
}

/// Mean and sample standard deviation (n - 1 denominator; 0 for a single value), by two passes.
///
/// The second pass sums squared deviations from the mean, which avoids the cancellation of
/// `E[X^2] - E[X]^2` when the mean is large relative to the spread.
pub(crate) fn mean_and_std_dev(xs: &[f64]) -> (f64, f64) {
    let n = xs.len();
    if n == 0 {
        return (f64::NAN, f64::NAN);
    }
    let mean = pairwise_sum(xs) / n as f64;
    if n == 1 {
        return (mean, 0.0);
    }
    const BLOCK: usize = 4096;
    let partials: Vec<f64> = xs
        .chunks(BLOCK)
        .map(|c| c.iter().map(|x| (x - mean) * (x - mean)).sum())
        .collect();
    let ss = pairwise_sum(&partials);
    (mean, (ss / (n - 1) as f64).sqrt())
}

/// The tail mean (TVaR) at p of `n` values, given the largest `n - k + 1` of them sorted
/// ascending, k being [`quantile_rank`]`(n, p)`: VaR + Σ (x − VaR) / (n (1 − p)) over the values
/// above VaR. Every term is >= 0, so the result is never below VaR; it is capped at the largest
/// value, which rounding must not push it past. Requires p < 1 and a non-empty `top`.
pub(crate) fn tail_mean_of_top(top: &[f64], n: usize, p: f64) -> f64 {
    let var = top[0];
    let max = top[top.len() - 1];
    let excess: Vec<f64> = top[1..].iter().map(|x| x - var).collect();
    let tvar = var + pairwise_sum(&excess) / (n as f64 * (1.0 - p));
    tvar.min(max)
}

/// The largest `keep` values of a stream, in bounded memory (at most `2 keep` values plus a
/// constant), for the tail figures of an annual-loss vector that is never stored whole.
#[derive(Clone, Debug)]
pub(crate) struct Largest {
    keep: usize,
    values: Vec<f64>,
    /// After a compaction, the smallest kept value: anything at or below it cannot change the
    /// largest `keep` (a value equal to it only swaps with an equal one).
    floor: f64,
}

impl Largest {
    pub(crate) fn new(keep: usize) -> Largest {
        Largest {
            keep: keep.max(1),
            values: Vec::new(),
            floor: f64::NEG_INFINITY,
        }
    }

    /// The most values it ever holds (it compacts when it reaches this: each compaction, linear
    /// in this, frees `keep / 2 + 1024` places, so a value costs O(1) amortised).
    pub(crate) fn capacity_needed(keep: usize) -> usize {
        let keep = keep.max(1);
        keep + keep / 2 + 1024
    }

    /// As [`Largest::new`], with all its memory reserved up front; `None` if it cannot be.
    pub(crate) fn try_new(keep: usize) -> Option<Largest> {
        let mut largest = Largest::new(keep);
        largest
            .values
            .try_reserve_exact(Self::capacity_needed(keep))
            .ok()?;
        Some(largest)
    }

    #[inline]
    pub(crate) fn push(&mut self, x: f64) {
        if x <= self.floor {
            return;
        }
        if self.values.len() == self.values.capacity() {
            self.grow();
        }
        self.values.push(x);
        if self.values.len() >= Self::capacity_needed(self.keep) {
            self.compact();
        }
    }

    /// Doubles the buffer, never past what it will hold (a `Vec` left to itself would double
    /// past it, up to twice the memory).
    #[cold]
    fn grow(&mut self) {
        let needed = Self::capacity_needed(self.keep);
        let target = (2 * self.values.capacity()).clamp(16, needed);
        self.values
            .reserve_exact(target.saturating_sub(self.values.len()));
    }

    fn compact(&mut self) {
        let drop = self.values.len().saturating_sub(self.keep);
        if drop == 0 {
            return;
        }
        self.values.select_nth_unstable_by(drop, f64::total_cmp);
        self.floor = self.values[drop];
        self.values.drain(..drop);
    }

    /// A value at or below this cannot be among the largest `keep` (-inf until `keep` values
    /// were pushed and it compacted or was [tightened](Self::tighten)).
    pub(crate) fn floor(&self) -> f64 {
        self.floor
    }

    /// Raises the floor to the `keep`-th largest value pushed so far, once there are that many
    /// (again only after `keep / 2` more: amortised O(1) a value).
    pub(crate) fn tighten(&mut self) {
        let first = self.floor == f64::NEG_INFINITY && self.values.len() >= self.keep;
        if first || self.values.len() >= self.keep + self.keep / 2 {
            self.compact();
            self.floor = self.values.iter().copied().fold(f64::INFINITY, f64::min);
        }
    }

    /// The smallest of the largest `keep` values (the `keep`-th largest), `None` if fewer were
    /// pushed: a quantile without sorting.
    pub(crate) fn kth_largest(mut self) -> Option<f64> {
        self.compact();
        if self.values.len() < self.keep {
            return None;
        }
        Some(self.values.iter().copied().fold(f64::INFINITY, f64::min))
    }

    /// The largest `keep` values (fewer if fewer were pushed), sorted ascending.
    pub(crate) fn into_sorted(mut self) -> Vec<f64> {
        self.compact();
        self.values.sort_unstable_by(f64::total_cmp);
        self.values
    }
}

/// Mean and sum of squared deviations of one chunk's per-year values, merged across chunks in
/// chunk order (Chan et al.), so variances keep their digits whatever the mean.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Moments {
    pub(crate) n: f64,
    pub(crate) mean: f64,
    pub(crate) m2: f64,
}

impl Moments {
    pub(crate) fn of(values: &[f64]) -> Moments {
        let n = values.len() as f64;
        if values.is_empty() {
            return Moments::default();
        }
        let mean = values.iter().sum::<f64>() / n;
        let m2 = values.iter().map(|v| (v - mean) * (v - mean)).sum();
        Moments { n, mean, m2 }
    }

    pub(crate) fn merge(&mut self, other: &Moments) {
        let n = self.n + other.n;
        if n == 0.0 {
            return;
        }
        let delta = other.mean - self.mean;
        self.mean += delta * other.n / n;
        self.m2 += other.m2 + delta * delta * self.n * other.n / n;
        self.n = n;
    }

    /// The sample variance of the values.
    pub(crate) fn variance(&self) -> f64 {
        if self.n > 1.0 {
            (self.m2 / (self.n - 1.0)).max(0.0)
        } else {
            0.0
        }
    }
}

/// 1-based rank of the p-quantile of `n` sorted values: the smallest k with k / n >= p.
///
/// This is the rule "smallest x with F(x) >= p" for the empirical distribution function
/// F(x_(k)) = k / n. The comparison is made on the computed ratio `k as f64 / n as f64`, so a
/// p written as a decimal (0.99 with n = 10^6) lands on rank 990,000 and not one past it, as a
/// bare `ceil(n * p)` can. For p = 0 it returns 1 (the minimum). Requires n >= 1, p in [0, 1].
pub(crate) fn quantile_rank(n: usize, p: f64) -> usize {
    debug_assert!(n >= 1 && (0.0..=1.0).contains(&p));
    let nf = n as f64;
    let mut k = ((nf * p).ceil() as usize).clamp(1, n);
    while k > 1 && (k - 1) as f64 / nf >= p {
        k -= 1;
    }
    while k < n && (k as f64 / nf) < p {
        k += 1;
    }
    k
}

/// 1-based ranks (lower, upper) of a distribution-free confidence interval for the p-quantile.
///
/// With B ~ Binomial(n, p) the number of observations at or below the true quantile,
/// P(x_(l) <= q_p <= x_(u)) >= P(l <= B <= u - 1) (exact for continuous distributions,
/// conservative with atoms). We take the largest l with P(B <= l - 1) <= (1 - level) / 2 and the
/// smallest u with P(B <= u - 1) >= 1 - (1 - level) / 2, so each tail holds at most half of the
/// missing coverage. Where the sample is too small for that (l would be 0 or u would exceed n)
/// the rank is clamped to 1 or n and the interval covers less than `level`; the third value says
/// whether the interval has its full coverage (false when clamped, and for p = 0 or 1).
pub(crate) fn quantile_interval_ranks(n: usize, p: f64, level: f64) -> (usize, usize, bool) {
    let alpha = (1.0 - level) / 2.0;
    if p <= 0.0 {
        return (1, 1, false);
    }
    if p >= 1.0 {
        return (n, n, false);
    }
    // Largest l in [1, n] with cdf(l - 1) <= alpha, i.e. largest j = l - 1 in [0, n - 1].
    let lower = last_index_where(n, |j| binomial_cdf(n, p, j) <= alpha);
    // Smallest u in [1, n] with cdf(u - 1) >= 1 - alpha.
    let upper = first_index_where(n, |j| binomial_cdf(n, p, j) >= 1.0 - alpha);
    let full = lower.is_some() && upper.is_some();
    let lower = lower.map_or(1, |j| j + 1);
    let upper = upper.map_or(n, |j| j + 1);
    (lower.clamp(1, n), upper.clamp(1, n), full)
}

/// `z = Φ⁻¹(0.975)`, the normal quantile of two-sided 95% intervals.
pub(crate) const Z975: f64 = 1.959_963_984_540_054;

/// Wilson score interval for a binomial proportion: `successes` out of `n >= 1` trials, with `z`
/// the normal quantile of the level (1.96 for 95%).
///
/// Unlike the Wald interval p̂ ± z sqrt(p̂(1 - p̂) / n) it does not collapse to a point at 0 or n
/// successes, which is where tail exceedances of a tolerance curve live. The ends are
/// ((k + z²/2) ∓ z sqrt(k (n - k) / n + z²/4)) / (n + z²); the result lies in [0, 1] and contains
/// k / n even after rounding.
pub(crate) fn wilson_interval(successes: usize, n: usize, z: f64) -> [f64; 2] {
    debug_assert!(n >= 1 && successes <= n);
    let (k, nf) = (successes as f64, n as f64);
    let z2 = z * z;
    let center = k + z2 / 2.0;
    let half = z * (k * ((nf - k) / nf) + z2 / 4.0).sqrt();
    let p_hat = k / nf;
    let (lo, hi) = ((center - half) / (nf + z2), (center + half) / (nf + z2));
    // Clamping to k / n also pins the lower end to 0 at 0 successes and the upper end to 1 at n,
    // which the formula reaches only up to rounding.
    [lo.clamp(0.0, p_hat), hi.clamp(p_hat, 1.0)]
}

/// P(B <= k) for B ~ Binomial(n, p), through the regularised incomplete beta function:
/// P(B <= k) = I_{1-p}(n - k, k + 1) for k < n.
fn binomial_cdf(n: usize, p: f64, k: usize) -> f64 {
    if k >= n {
        return 1.0;
    }
    beta_reg((n - k) as f64, (k + 1) as f64, 1.0 - p)
}

/// Smallest j in [0, n) where the monotone predicate `pred` (false ... false true ... true) holds.
fn first_index_where(n: usize, pred: impl Fn(usize) -> bool) -> Option<usize> {
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if pred(mid) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    (lo < n).then_some(lo)
}

/// Largest j in [0, n) where the monotone predicate `pred` (true ... true false ... false) holds.
fn last_index_where(n: usize, pred: impl Fn(usize) -> bool) -> Option<usize> {
    first_index_where(n, |j| !pred(j)).map_or(Some(n - 1), |j| j.checked_sub(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairwise_sum_matches_exact_integers() {
        let xs: Vec<f64> = (1..=100_000).map(f64::from).collect();
        assert_eq!(pairwise_sum(&xs), 5_000_050_000.0);
        assert_eq!(pairwise_sum(&[]), 0.0);
    }

    #[test]
    fn mean_and_std_dev_of_small_samples() {
        assert_eq!(mean_and_std_dev(&[3.0]), (3.0, 0.0));
        let (m, s) = mean_and_std_dev(&[1.0, 2.0, 3.0, 4.0]);
        assert_eq!(m, 2.5);
        assert!((s - (5.0_f64 / 3.0).sqrt()).abs() < 1e-15);
        // Large offset: the naive E[X^2] - E[X]^2 would lose all digits here.
        let (m, s) = mean_and_std_dev(&[1e9 + 1.0, 1e9 + 2.0, 1e9 + 3.0]);
        assert_eq!(m, 1e9 + 2.0);
        assert_eq!(s, 1.0);
    }

    #[test]
    fn moments_merge_like_one_pass() {
        let values: Vec<f64> = (0..1000).map(|i| f64::from(i % 17) * 1e6 + 0.5).collect();
        let whole = Moments::of(&values);
        let mut merged = Moments::default();
        for chunk in values.chunks(97) {
            merged.merge(&Moments::of(chunk));
        }
        assert!((merged.mean - whole.mean).abs() < 1e-6);
        assert!((merged.variance() / whole.variance() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn largest_keeps_the_top_values_of_any_stream() {
        let values: Vec<f64> = (0..50_000u64)
            .map(|i| ((i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40) % 1000) as f64)
            .collect();
        for keep in [1usize, 7, 500, 3000, 60_000] {
            let mut largest = Largest::new(keep);
            for &v in &values {
                largest.push(v);
            }
            let mut sorted = values.clone();
            sorted.sort_unstable_by(f64::total_cmp);
            let want = &sorted[sorted.len().saturating_sub(keep)..];
            assert_eq!(largest.into_sorted(), want, "keep {keep}");
        }
    }

    #[test]
    fn quantile_rank_is_smallest_k_with_k_over_n_at_least_p() {
        assert_eq!(quantile_rank(1_000_000, 0.99), 990_000);
        assert_eq!(quantile_rank(1_000_000, 0.999), 999_000);
        assert_eq!(quantile_rank(10, 0.0), 1);
        assert_eq!(quantile_rank(10, 0.05), 1);
        assert_eq!(quantile_rank(10, 0.1), 1);
        assert_eq!(quantile_rank(10, 0.11), 2);
        assert_eq!(quantile_rank(10, 1.0), 10);
        assert_eq!(quantile_rank(1, 0.5), 1);
        for n in [1usize, 2, 3, 7, 100, 4097] {
            for i in 0..=100 {
                let p = f64::from(i) / 100.0;
                let k = quantile_rank(n, p);
                assert!(k as f64 / n as f64 >= p, "n={n} p={p} k={k}");
                assert!(
                    k == 1 || ((k - 1) as f64 / n as f64) < p,
                    "n={n} p={p} k={k}"
                );
            }
        }
    }

    #[test]
    fn interval_ranks_bracket_the_point_rank_with_binomial_width() {
        let n = 1_000_000;
        for p in [0.5, 0.9, 0.99, 0.999] {
            let (l, u, full) = quantile_interval_ranks(n, p, 0.95);
            assert!(full);
            let k = quantile_rank(n, p);
            assert!(l < k && k < u, "p={p}: {l} {k} {u}");
            // The normal approximation gives half-widths of 1.96 sqrt(n p (1 - p)).
            let half = 1.96 * (n as f64 * p * (1.0 - p)).sqrt();
            assert!(((k - l) as f64 - half).abs() < 3.0, "p={p}: {}", k - l);
            assert!(((u - k) as f64 - half).abs() < 3.0, "p={p}: {}", u - k);
        }
    }

    #[test]
    fn interval_ranks_have_exact_binomial_coverage() {
        // Brute-force check against the definition on a small n.
        let n = 50;
        for p in [0.1, 0.5, 0.9] {
            let (l, u, full) = quantile_interval_ranks(n, p, 0.95);
            assert!(full);
            let cdf = |k: usize| binomial_cdf(n, p, k);
            assert!(cdf(l - 1) <= 0.025 && cdf(l) > 0.025);
            assert!(cdf(u - 1) >= 0.975 && cdf(u - 2) < 0.975);
            assert!(cdf(u - 1) - cdf(l - 1) >= 0.95);
        }
    }

    #[test]
    fn interval_ranks_clamp_on_tiny_samples() {
        assert_eq!(quantile_interval_ranks(5, 0.99, 0.95), (4, 5, false));
        assert_eq!(quantile_interval_ranks(3, 0.5, 0.95), (1, 3, false));
        assert_eq!(quantile_interval_ranks(3, 0.0, 0.95), (1, 1, false));
        assert_eq!(quantile_interval_ranks(3, 1.0, 0.95), (3, 3, false));
        // 1,000 trials cannot bound the 0.9999 quantile, but bound the median well.
        assert!(!quantile_interval_ranks(1000, 0.9999, 0.95).2);
        assert!(quantile_interval_ranks(1000, 0.5, 0.95).2);
    }

    #[test]
    fn wilson_interval_matches_hand_computation() {
        let w = |k, n| wilson_interval(k, n, Z975);
        // Reference values from the textbook form (p̂ + z²/2n ∓ z sqrt(p̂q̂/n + z²/4n²)) / (1 + z²/n).
        // 0 of n is [0, z²/(n + z²)] and n of n is [n/(n + z²), 1], with the 0 and 1 exact.
        for (k, n, want) in [
            (0, 10, [0.0, 0.277_532_799_862_889_2]),
            (10, 10, [0.722_467_200_137_110_7, 1.0]),
            (50, 100, [0.403_831_530_365_995_6, 0.596_168_469_634_004_4]),
            (3, 40, [0.025_836_025_774_588_2, 0.198_642_335_243_105_4]),
        ] {
            let got = w(k, n);
            assert!((got[0] - want[0]).abs() < 1e-12 && (got[1] - want[1]).abs() < 1e-12);
        }
        assert_eq!((w(0, 10)[0], w(10, 10)[1]), (0.0, 1.0));
    }

    #[test]
    fn wilson_interval_contains_estimate_and_stays_in_unit_interval() {
        for n in [1usize, 2, 3, 10, 99, 1000, 100_000, 10_000_000] {
            for k in [0, 1, n / 3, n / 2, n.saturating_sub(1), n] {
                let [lo, hi] = wilson_interval(k, n, Z975);
                let p = k as f64 / n as f64;
                assert!(
                    0.0 <= lo && lo <= p && p <= hi && hi <= 1.0,
                    "{k}/{n}: [{lo}, {hi}]"
                );
                assert!(lo < hi, "{k}/{n}: never a single point");
            }
        }
    }
}
