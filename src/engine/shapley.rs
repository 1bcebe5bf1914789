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

/// The number of CSF functions: the most players a game of the functions can have.
pub(crate) const MAX_PLAYERS: usize = 6;

/// The most players of any partition of the controls (functions, parties, groups): see
/// [`add_managed_product_game`].
pub(crate) const MAX_GROUP_PLAYERS: usize = 16;

/// Shapley weights for `players` players.
#[derive(Clone, Debug)]
pub(crate) struct ShapleyWeights {
    players: usize,
    /// `w[s]`, s = 0..players.
    w: Vec<f64>,
}

impl ShapleyWeights {
    pub(crate) fn new(players: usize) -> ShapleyWeights {
        debug_assert!(players <= MAX_GROUP_PLAYERS);
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

/// Adds to `shares` the Shapley values of the per-event game of a partition whose controls may
/// manage one another's lapses (reliability.rs):
///
/// ```text
/// u(S) = x (1 − Π_{j ∈ S} h_j(S ∩ M))
/// ```
///
/// where M (`managers`, bit set over the players) holds the players with a managing control,
/// and a player's factor h_j depends on which of them are in the coalition. `factors[T]` gives
/// every player's factor when exactly the players of the T-th subset of M are present (T's bits
/// follow the order of M's players, lowest first).
///
/// Exact by Owen's multilinear extension: φ_i = ∫_0^1 ∂_i ũ(t, …, t) dt, with
///
/// ```text
/// ũ(q) = x − x Σ_{T ⊆ M} Π_{a ∈ T} q_a Π_{a ∈ M∖T} (1 − q_a) · Π_{a ∈ T} h_a(T) · Π_{b ∉ M} (1 − q_b (1 − h_b(T)))
/// ```
///
/// (conditioning on which managing players are present leaves a product game in the others).
/// On the diagonal the integrand is a polynomial in t of degree at most `players − 1 <= 15`,
/// which eight-point Gauss–Legendre quadrature integrates exactly. Without managers (M = ∅) it
/// is the product game of [`ShapleyWeights::add_product_game_dense`]. The work is
/// O(8 · 2^|M| · players) per call.
///
/// The evaluation is laid out for speed and gives the same bits as the plain loops (node by
/// node, subset by subset; `managed_product_game_agrees_with_the_reference_to_the_bit`): the
/// eight nodes side by side (independent chains of products the processor overlaps), and a
/// player whose factor is 1 in every subset left out (its term is 1 in every product, and its
/// share gains exactly 0). `terms` is scratch.
pub(crate) fn add_managed_product_game(
    x: f64,
    managers: &[usize],
    factors: &[[f64; MAX_GROUP_PLAYERS]],
    players: usize,
    shares: &mut [f64; MAX_GROUP_PLAYERS],
    terms: &mut Vec<[f64; NODES]>,
) {
    let (t, w) = gauss_legendre_8();
    let m = managers.len();
    let subsets = factors.len().min(1 << m);
    let mut in_m = [false; MAX_GROUP_PLAYERS];
    for &a in managers {
        in_m[a] = true;
    }
    // The non-managing players that act on some subset, in player order.
    let mut live = [0usize; MAX_GROUP_PLAYERS];
    let mut n_live = 0;
    for j in 0..players {
        if !in_m[j] && factors[..subsets].iter().any(|h| h[j] != 1.0) {
            live[n_live] = j;
            n_live += 1;
        }
    }
    let live = &live[..n_live];
    // Powers of t and 1 - t up to |M| (at most 6 managing players, MAX_MANAGERS), per node.
    let mut t_pow = [[1.0; NODES]; 8];
    let mut u_pow = [[1.0; NODES]; 8];
    for i in 1..=m.min(7) {
        for k in 0..NODES {
            t_pow[i][k] = t_pow[i - 1][k] * t[k];
            u_pow[i][k] = u_pow[i - 1][k] * (1.0 - t[k]);
        }
    }
    // Per subset, a row of terms: the live players', then the managers'.
    let width = n_live + m;
    terms.clear();
    terms.resize(subsets * width + n_live, [1.0; NODES]);
    let (terms, prefix) = terms.split_at_mut(subsets * width);
    for (subset, h) in factors.iter().enumerate().take(subsets) {
        let present = subset.count_ones() as usize;
        // The product of the present managing players' factors, and the others' terms.
        let mut p_t = 1.0;
        for (bit, &player) in managers.iter().enumerate() {
            if subset & (1 << bit) != 0 {
                p_t *= h[player];
            }
        }
        // Leave-one-out products of the live players' terms a_i = 1 - t (1 - h_i), by prefix
        // and suffix without division; each term of the shares as its suffix is known.
        let mut q = [0.0; MAX_GROUP_PLAYERS];
        for (i, &j) in live.iter().enumerate() {
            q[i] = 1.0 - h[j];
        }
        for i in 1..n_live {
            for k in 0..NODES {
                prefix[i][k] = prefix[i - 1][k] * (1.0 - t[k] * q[i - 1]);
            }
        }
        let weight: [f64; NODES] =
            std::array::from_fn(|k| t_pow[present][k] * u_pow[m - present][k]);
        let row = &mut terms[subset * width..(subset + 1) * width];
        let mut suffix = [1.0; NODES];
        for i in (0..n_live).rev() {
            for k in 0..NODES {
                let others = prefix[i][k] * suffix[k];
                row[i][k] = w[k] * weight[k] * p_t * q[i] * others;
                suffix[k] *= 1.0 - t[k] * q[i];
            }
        }
        let all = suffix;
        // A managing player: the derivative of the weight of T in q_a (subtracted: a - b is
        // a + (-b) in IEEE arithmetic).
        for bit in 0..m {
            for k in 0..NODES {
                let d = if subset & (1 << bit) != 0 {
                    t_pow[present - 1][k] * u_pow[m - present][k]
                } else {
                    -t_pow[present][k] * u_pow[m - present - 1][k]
                };
                row[n_live + bit][k] = -(w[k] * d * p_t * all[k]);
            }
        }
    }
    let mut phi = [0.0; MAX_GROUP_PLAYERS];
    if width > 0 {
        for k in 0..NODES {
            for row in terms.chunks_exact(width) {
                for (i, &j) in live.iter().enumerate() {
                    phi[j] += row[i][k];
                }
                for (bit, &player) in managers.iter().enumerate() {
                    phi[player] += row[n_live + bit][k];
                }
            }
        }
    }
    for j in 0..players {
        shares[j] += x * phi[j];
    }
}

/// The Gauss–Legendre nodes of [`add_managed_product_game`].
pub(crate) const NODES: usize = 8;

/// Eight-point Gauss–Legendre on [0, 1]: nodes t = (1 + z) / 2 and weights w / 2.
#[inline]
fn gauss_legendre_8() -> ([f64; NODES], [f64; NODES]) {
    const Z: [f64; 4] = [
        0.183_434_642_495_649_8,
        0.525_532_409_916_329,
        0.796_666_477_413_626_7,
        0.960_289_856_497_536_3,
    ];
    const W: [f64; 4] = [
        0.362_683_783_378_362,
        0.313_706_645_877_887_3,
        0.222_381_034_453_374_5,
        0.101_228_536_290_376_3,
    ];
    let mut t = [0.0; NODES];
    let mut w = [0.0; NODES];
    for k in 0..NODES {
        let (z, wk) = if k < 4 {
            (-Z[k], W[k])
        } else {
            (Z[k - 4], W[k - 4])
        };
        t[k] = (1.0 + z) / 2.0;
        w[k] = wk / 2.0;
    }
    (t, w)
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

    /// The evaluation before it was laid out node by node: the fast one must agree to the bit.
    fn add_managed_product_game_reference(
        x: f64,
        managers: &[usize],
        factors: &[[f64; MAX_GROUP_PLAYERS]],
        players: usize,
        shares: &mut [f64; MAX_GROUP_PLAYERS],
    ) {
        // Gauss–Legendre, eight points, mapped to [0, 1]: t = (1 + z) / 2, weight w / 2.
        const Z: [f64; 4] = [
            0.183_434_642_495_649_8,
            0.525_532_409_916_329,
            0.796_666_477_413_626_7,
            0.960_289_856_497_536_3,
        ];
        const W: [f64; 4] = [
            0.362_683_783_378_362,
            0.313_706_645_877_887_3,
            0.222_381_034_453_374_5,
            0.101_228_536_290_376_3,
        ];
        let m = managers.len();
        let mut in_m = [false; MAX_GROUP_PLAYERS];
        for &a in managers {
            in_m[a] = true;
        }
        let mut phi = [0.0; MAX_GROUP_PLAYERS];
        for k in 0..8 {
            let (z, w) = if k < 4 {
                (-Z[k], W[k])
            } else {
                (Z[k - 4], W[k - 4])
            };
            let (t, w) = ((1.0 + z) / 2.0, w / 2.0);
            // Powers of t and 1 - t up to |M| (at most 6 managing players, MAX_MANAGERS).
            let mut t_pow = [1.0; 8];
            let mut u_pow = [1.0; 8];
            for i in 1..=m.min(7) {
                t_pow[i] = t_pow[i - 1] * t;
                u_pow[i] = u_pow[i - 1] * (1.0 - t);
            }
            for (subset, h) in factors.iter().enumerate().take(1 << m) {
                let present = subset.count_ones();
                // The product of the present managing players' factors, and the others' terms.
                let mut p_t = 1.0;
                let mut a = [1.0; MAX_GROUP_PLAYERS];
                for j in 0..players {
                    if in_m[j] {
                        continue;
                    }
                    a[j] = 1.0 - t * (1.0 - h[j]);
                }
                for (bit, &player) in managers.iter().enumerate() {
                    if subset & (1 << bit) != 0 {
                        p_t *= h[player];
                    }
                }
                // Leave-one-out products of the non-managing players' terms.
                let mut prefix = [1.0; MAX_GROUP_PLAYERS];
                for j in 1..players {
                    prefix[j] = prefix[j - 1] * a[j - 1];
                }
                let mut suffix = 1.0;
                let mut others = [0.0; MAX_GROUP_PLAYERS];
                for j in (0..players).rev() {
                    others[j] = prefix[j] * suffix;
                    suffix *= a[j];
                }
                let all = suffix;
                let present = present as usize;
                let weight = t_pow[present] * u_pow[m - present];
                for j in 0..players {
                    if !in_m[j] {
                        phi[j] += w * weight * p_t * (1.0 - h[j]) * others[j];
                    }
                }
                // A managing player: the derivative of the weight of T in q_a.
                for (bit, &player) in managers.iter().enumerate() {
                    let d = if subset & (1 << bit) != 0 {
                        t_pow[present - 1] * u_pow[m - present]
                    } else {
                        -t_pow[present] * u_pow[m - present - 1]
                    };
                    phi[player] -= w * d * p_t * all;
                }
            }
        }
        for j in 0..players {
            shares[j] += x * phi[j];
        }
    }

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
    fn managed_product_game_matches_brute_force() {
        // Players 0..players; players 1 and 3 (when present) manage: they change the factors of
        // players 0 and 2 (a managed control lapses less when its manager is in).
        for players in [2usize, 4, 7, 16] {
            let managers: Vec<usize> = [1, 3].into_iter().filter(|&a| a < players).collect();
            let x = 987.0;
            let base = |j: usize| 0.1 + 0.8 * ((j * 7919) % 13) as f64 / 13.0;
            // The factor of player j given the set of present managers (bit over `managers`).
            let factor = |j: usize, t: usize| {
                let mut h = base(j);
                if j == 0 && t & 1 != 0 {
                    h *= 0.5;
                }
                if j == 2 && t & 2 != 0 {
                    h *= 0.25;
                }
                if j == 2 && t & 1 != 0 {
                    h *= 0.9;
                }
                h
            };
            let game = |s: usize| {
                let mut t = 0;
                for (bit, &a) in managers.iter().enumerate() {
                    if s & (1 << a) != 0 {
                        t |= 1 << bit;
                    }
                }
                let kept: f64 = (0..players)
                    .filter(|j| s & (1 << j) != 0)
                    .map(|j| factor(j, t))
                    .product();
                x * (1.0 - kept)
            };
            let expected = brute_force(game, players);
            let table: Vec<[f64; MAX_GROUP_PLAYERS]> = (0..1usize << managers.len())
                .map(|t| std::array::from_fn(|j| if j < players { factor(j, t) } else { 1.0 }))
                .collect();
            let mut got = [0.0; MAX_GROUP_PLAYERS];
            add_managed_product_game(x, &managers, &table, players, &mut got, &mut Vec::new());
            for (g, e) in got.iter().zip(&expected) {
                assert!(
                    (g - e).abs() < 1e-8 * x,
                    "F={players}: {got:?} {expected:?}"
                );
            }
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

    #[test]
    fn managed_product_game_agrees_with_the_reference_to_the_bit() {
        // Factors as the engine makes them (0 for a blocked event, 1 for a member that does
        // nothing, else a kept share), from a fixed pseudo-random sequence; every manager set
        // the engine can pass, 2, 6 and 16 players.
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            match state % 4 {
                0 => 0.0,
                1 => 1.0,
                _ => (state >> 11) as f64 / (1u64 << 53) as f64,
            }
        };
        let mut scratch = Vec::new();
        for players in [1usize, 2, 6, 16] {
            for m in 0..=players.min(6) {
                let managers: Vec<usize> = (0..m).map(|i| (i * 5 + 1) % players).collect();
                let mut managers_dedup = managers.clone();
                managers_dedup.sort_unstable();
                managers_dedup.dedup();
                if managers_dedup.len() != managers.len() {
                    continue;
                }
                for _ in 0..20 {
                    let table: Vec<[f64; MAX_GROUP_PLAYERS]> = (0..1usize << m)
                        .map(|_| std::array::from_fn(|j| if j < players { next() } else { 1.0 }))
                        .collect();
                    let x = 1e6 * (1.0 + next());
                    let mut want = [0.5; MAX_GROUP_PLAYERS];
                    let mut got = want;
                    add_managed_product_game_reference(x, &managers, &table, players, &mut want);
                    add_managed_product_game(x, &managers, &table, players, &mut got, &mut scratch);
                    let bits = |v: &[f64; MAX_GROUP_PLAYERS]| v.map(f64::to_bits);
                    assert_eq!(
                        bits(&got),
                        bits(&want),
                        "players {players}, managers {managers:?}"
                    );
                }
            }
        }
    }
}
