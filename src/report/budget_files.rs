//! The budget report in files: JSON, and CSV tables (the `scenario` feature).

use std::io;
use std::path::{Path, PathBuf};

use crate::report::budget::BudgetReport;

impl BudgetReport {
    /// The JSON report (SCENARIO.md, "The budget report"), indented by two spaces.
    pub fn to_json_pretty(&self) -> String {
        // Every field is a finite number, a string, a bool or a list of them.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Writes `frontier.csv` (one row per frontier point), `choices.csv` (one per budget) and
    /// `plans.csv` (one per plan, against the best set costing no more) into `dir` (created if
    /// missing); returns the paths written. Sets are written as candidate ids separated by
    /// spaces.
    ///
    /// # Errors
    /// The I/O error of the directory or file that could not be written, naming the path.
    pub fn write_csv(&self, dir: impl AsRef<Path>) -> io::Result<Vec<PathBuf>> {
        let dir = dir.as_ref();
        std::fs::create_dir_all(dir)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", dir.display())))?;
        let mut written = Vec::new();
        let mut write = |name: &str, header: &[&str], rows: Vec<Vec<String>>| {
            let path = dir.join(name);
            let fail = |e: csv::Error| io::Error::other(format!("{}: {e}", path.display()));
            let mut w = csv::Writer::from_path(&path).map_err(fail)?;
            w.write_record(header).map_err(fail)?;
            for row in rows {
                w.write_record(&row).map_err(fail)?;
            }
            w.flush()
                .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
            written.push(path);
            Ok::<(), io::Error>(())
        };
        let num = |x: f64| x.to_string();
        write(
            "frontier.csv",
            &[
                "annual_cost",
                "upfront",
                "controls",
                "eal",
                "eal_se",
                "eal_reduction",
                "var99",
                "var99_low",
                "var99_high",
                "tvar99",
                "net_benefit",
                "npv",
                "exact",
            ],
            self.frontier
                .iter()
                .map(|p| {
                    vec![
                        num(p.annual_cost),
                        num(p.upfront),
                        p.controls.join(" "),
                        num(p.eal),
                        num(p.eal_se),
                        num(p.eal_reduction),
                        num(p.var99.loss),
                        num(p.var99.ci95[0]),
                        num(p.var99.ci95[1]),
                        num(p.tvar99),
                        num(p.net_benefit),
                        num(p.npv),
                        p.exact.to_string(),
                    ]
                })
                .collect(),
        )?;
        write(
            "choices.csv",
            &[
                "budget",
                "controls",
                "annual_cost",
                "eal",
                "eal_se",
                "var99",
                "var99_low",
                "var99_high",
                "tvar99",
                "exact",
                "added",
                "removed",
            ],
            self.choices
                .iter()
                .map(|c| {
                    vec![
                        num(c.budget),
                        c.controls.join(" "),
                        num(c.annual_cost),
                        num(c.eal),
                        num(c.eal_se),
                        num(c.var99.loss),
                        num(c.var99.ci95[0]),
                        num(c.var99.ci95[1]),
                        num(c.tvar99),
                        c.exact.to_string(),
                        c.added.join(" "),
                        c.removed.join(" "),
                    ]
                })
                .collect(),
        )?;
        write(
            "plans.csv",
            &[
                "name",
                "controls",
                "annual_cost",
                "eal",
                "eal_se",
                "var99",
                "var99_low",
                "var99_high",
                "tvar99",
                "best_controls",
                "best_annual_cost",
                "best_eal",
                "gap",
                "gap_se",
            ],
            self.plans
                .iter()
                .map(|p| {
                    vec![
                        p.name.clone(),
                        p.controls.join(" "),
                        num(p.annual_cost),
                        num(p.eal),
                        num(p.eal_se),
                        num(p.var99.loss),
                        num(p.var99.ci95[0]),
                        num(p.var99.ci95[1]),
                        num(p.tvar99),
                        p.best_same_cost.controls.join(" "),
                        num(p.best_same_cost.annual_cost),
                        num(p.best_same_cost.eal),
                        num(p.gap),
                        p.gap_se.map_or(String::new(), num),
                    ]
                })
                .collect(),
        )?;
        Ok(written)
    }
}
