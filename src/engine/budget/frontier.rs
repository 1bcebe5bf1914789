//! The Pareto staircase of (cost, EAL) points: each point costs more and has a lower EAL than
//! the one before.

/// Points in increasing cost and strictly decreasing EAL, each with its set (bit i: candidate i).
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Staircase {
    pub(crate) points: Vec<(f64, f64, u64)>,
}

impl Staircase {
    /// The lowest EAL of a point costing at most `cost`.
    pub(crate) fn best_within(&self, cost: f64) -> Option<f64> {
        let i = self.points.partition_point(|p| p.0 <= cost);
        (i > 0).then(|| self.points[i - 1].1)
    }

    /// Adds the point unless one costing no more has an EAL no higher; drops the points it
    /// dominates.
    pub(crate) fn insert(&mut self, cost: f64, eal: f64, set: u64) {
        if self.best_within(cost).is_some_and(|best| best <= eal) {
            return;
        }
        let start = self.points.partition_point(|p| p.0 < cost);
        let end = start + self.points[start..].partition_point(|p| p.1 >= eal);
        self.points.splice(start..end, [(cost, eal, set)]);
    }
}
