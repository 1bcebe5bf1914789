//! Shapley values over the CSF functions (at most six players), private to the engine.
//!
//! The Shapley share of player f in a game u over the players N (|N| = F) is
//!
//! ```text
//! φ_f = Σ_{S ⊆ N∖{f}} w(|S|) (u(S ∪ {f}) − u(S)),     w(s) = s! (F − 1 − s)! / F!
//! ```
//!
//! and the shares add up to u(N) − u(∅). The engine needs it for two games, both evaluated on the
//! same simulated events:
//!
//! - **One event before insurance.** With only frequency and magnitude controls, the loss an
//!   event keeps when the functions in S act is `x Π_{j∈S} h_j`, where h_j ∈ [0, 1] is the
//!   product of function j's control factors on that event (0 if one of them blocked it). The
//!   reduction game u(S) = x (1 − Π_{j∈S} h_j) is a product game, whose Shapley value has the
//!   closed form `φ_f = x (1 − h_f) ∫_0^1 Π_{j≠f} (1 − t (1 − h_j)) dt` (Owen's multilinear
//!   extension): O(F) work per event instead of 2^F variants. Since expectation is linear,
//!   summing these per event gives exactly the Shapley value of the variants' expected losses.
//! - **One year's insurance recoveries**, which are not a product (deductibles, limits and the
//!   annual aggregate cap): evaluated on all 2^F subsets, once per year with a recovery.

/// The number of CSF functions: the most players a game can have.
pub(crate) const MAX_PLAYERS: usize = 6;

/// Shapley weights for `players` players.
#[derive(Clone, Debug)]
pub(crate) struct ShapleyWeights {
    players: usize,
    /// `w[s]`, s = 0..players.
    w: Vec<f64>,
}

impl ShapleyWeights {
    pub(crate) fn new(players: usize) -> ShapleyWeights {
        debug_assert!(players <= MAX_PLAYERS);
        let f = players;
        let w: Vec<f64> = (0..f.max(1))
            .map(|s| 1.0 / (f as f64 * binomial(f.saturating_sub(1), s)))
            .collect();
        ShapleyWeights { players: f, w }
    }

    /// Adds to `shares` the Shapley values of the product game u(S) = x (1 − Π_{j∈S} h_j), given
    /// every player's factor (`h[j]`, 1 for a player that does not act). It works on all
    /// [`MAX_PLAYERS`] slots: a player with h = 1 is a null player, and adding null players
    /// changes no Shapley value, so one set of weights serves every model.
    ///
    /// It uses Owen's multilinear extension instead of the symmetric polynomials: for a product
    /// game, φ_f = x (1 − h_f) ∫_0^1 Π_{j≠f} (1 − t (1 − h_j)) dt, a polynomial of degree 5 in t,
    /// which three-point Gauss–Legendre quadrature integrates exactly. Fixed-size loops without
    /// a branch on the factors (coin flips when frequency controls block events) let the
    /// compiler unroll them: about a third of the work of the polynomial recursion.
    #[inline]
    pub(crate) fn add_product_game_dense(
        x: f64,
        h: &[f64; MAX_PLAYERS],
        shares: &mut [f64; MAX_PLAYERS],
    ) {
        // Gauss–Legendre nodes and weights on [0, 1]: 1/2 ∓ sqrt(15)/10 and 1/2; 5/18, 8/18.
        const NODES: [f64; 3] = [0.112_701_665_379_258_3, 0.5, 0.887_298_334_620_741_7];
        const WEIGHTS: [f64; 3] = [5.0 / 18.0, 8.0 / 18.0, 5.0 / 18.0];
        let mut integral = [0.0; MAX_PLAYERS];
        for (t, w) in NODES.into_iter().zip(WEIGHTS) {
            let a: [f64; MAX_PLAYERS] = std::array::from_fn(|j| 1.0 - t * (1.0 - h[j]));
            // Leave-one-out products by prefix and suffix, without division.
            let mut prefix = [1.0; MAX_PLAYERS];
            for j in 1..MAX_PLAYERS {
                prefix[j] = prefix[j - 1] * a[j - 1];
            }
            let mut suffix = 1.0;
            for j in (0..MAX_PLAYERS).rev() {
                integral[j] += w * prefix[j] * suffix;
                suffix *= a[j];
            }
        }
        for j in 0..MAX_PLAYERS {
            shares[j] += x * (1.0 - h[j]) * integral[j];
        }
    }

    /// Adds to `shares` the Shapley values of a game given on every subset: `value[S]` for the
    /// bit set S of players (`value.len() == 1 << players`).
    pub(crate) fn add_subset_game(&self, value: &[f64], shares: &mut [f64]) {
        debug_assert_eq!(value.len(), 1 << self.players);
        for (f, share) in shares.iter_mut().enumerate().take(self.players) {
            let bit = 1usize << f;
            let mut sum = 0.0;
            for s in 0..value.len() {
                if s & bit == 0 {
                    sum += self.w[s.count_ones() as usize] * (value[s | bit] - value[s]);
                }
            }
            *share += sum;
        }
    }
}

fn binomial(n: usize, k: usize) -> f64 {
    if k > n {
        return 0.0;
    }
    (0..k).fold(1.0, |acc, i| acc * (n - i) as f64 / (i + 1) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definition, over all 2^F subsets.
    fn brute_force(value: impl Fn(usize) -> f64, players: usize) -> Vec<f64> {
        let mut shares = vec![0.0; players];
        let table: Vec<f64> = (0..1usize << players).map(&value).collect();
        ShapleyWeights::new(players).add_subset_game(&table, &mut shares);
        shares
    }

    #[test]
    fn weights_are_the_textbook_ones() {
        let w = ShapleyWeights::new(3);
        // s!(F-1-s)!/F! for F = 3: 2/6, 1/6, 2/6.
        assert_eq!(w.w, vec![1.0 / 3.0, 1.0 / 6.0, 1.0 / 3.0]);
        // Three symmetric players of an additive game get a third each.
        let shares = brute_force(|s| f64::from(s.count_ones()), 3);
        for share in shares {
            assert!((share - 1.0).abs() < 1e-15);
        }
    }

    #[test]
    fn product_game_closed_form_matches_brute_force() {
        let h_all = [0.3, 1.0, 0.0, 0.8, 1.0, 0.55];
        for players in 1..=MAX_PLAYERS {
            let h = &h_all[..players];
            let x = 1234.5;
            let game = |s: usize| {
                let kept: f64 = (0..players)
                    .filter(|j| s & (1 << j) != 0)
                    .map(|j| h[j])
                    .product();
                x * (1.0 - kept)
            };
            let expected = brute_force(game, players);
            let mut dense = [0.0; MAX_PLAYERS];
            let mut h_dense = [1.0; MAX_PLAYERS];
            h_dense[..players].copy_from_slice(h);
            ShapleyWeights::add_product_game_dense(x, &h_dense, &mut dense);
            assert!(
                dense[players..].iter().all(|&d| d == 0.0),
                "null players get nothing"
            );
            for (got, want) in dense.iter().zip(&expected) {
                assert!(
                    (got - want).abs() < 1e-9,
                    "F={players}: {dense:?} {expected:?}"
                );
            }
            // Efficiency: the shares add up to u(N) - u(∅).
            let total: f64 = dense.iter().sum();
            assert!((total - game((1 << players) - 1)).abs() < 1e-9);
        }
    }

    #[test]
    fn subset_game_shares_add_up() {
        // An arbitrary non-additive game with u(∅) = 0.
        let game = |s: usize| {
            if s == 0 {
                0.0
            } else {
                (s as f64).sqrt() * 10.0 + (s % 3) as f64
            }
        };
        for players in 1..=MAX_PLAYERS {
            let shares = brute_force(game, players);
            let total: f64 = shares.iter().sum();
            assert!((total - game((1 << players) - 1)).abs() < 1e-9);
        }
    }
}
