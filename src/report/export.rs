//! The report in files for other programs: JSON text and CSV tables (the `scenario` feature,
//! which brings `serde_json` and `csv`).

use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

use crate::report::assessment::{Assessment, LossSummary, QUANTILE_LEVELS, TAIL_MEAN_LEVELS};
use crate::report::tolerance::ToleranceVerdict;

impl Assessment {
    /// The JSON report on one line (see [`Assessment`] for its keys).
    ///
    /// Every number is finite (the report refuses NaN and infinities) and written in its
    /// shortest form that reads back to the same `f64`, so loading the text
    /// (`serde_json::from_str::<Assessment>`) gives the same figures bit for bit.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect(JSON_NEVER_FAILS)
    }

    /// The JSON report indented by two spaces, as `assess --json` prints it (without a final
    /// newline).
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).expect(JSON_NEVER_FAILS)
    }

    /// Writes the report as tidy CSV files into `dir` (created if missing) for pandas or a
    /// spreadsheet, and returns the paths written, in this order:
    ///
    /// | file | one row per | columns |
    /// |---|---|---|
    /// | `lec.csv` | point of the loss exceedance curves ([`LossSummary::shared_curve`](crate::LossSummary::shared_curve)), the inherent arm first | `arm` (`inherent` or `residual`), `loss`, `probability` (P̂(annual loss > `loss`), a fraction), `years` (the simulated years above `loss`) |
    /// | `controls.csv` | control, in the scenario's order | `id`, `name`, `function`, `category`, then the other keys of `controls[]` in the JSON report, in alphabetical order, the policy terms as `transfer_deductible`, `transfer_occurrence_limit`, `transfer_aggregate_limit`, `transfer_coinsurance` (empty for a control that is not insurance) |
    /// | `risks.csv` | risk | `id`, `name`, then the other keys of `risks[]`, alphabetically |
    /// | `functions.csv` | CSF function with controls | `function`, then the other keys of `functions[]`, alphabetically |
    /// | `summary.csv` | arm (`inherent`, then `residual`) | the metadata `scenario`, `currency`, `trials`, `seed`, `csfquant_version`, `horizon_years`, `discount_rate`; `arm`; `expected_annual_loss`, `standard_error`, `expected_annual_loss_ci95_low`, `_high`, `std_dev`, `probability_of_loss`; `var_50` … `var_99_9` (VaR at each of [`QUANTILE_LEVELS`], `var_99_5` is 99.5%) each with `_ci95_low`, `_ci95_high`; `tvar_95`, `tvar_99`; `tolerance_met` (`true`/`false`), `tolerance_verdict` (`met`, `exceeded`, `within_noise`), both empty without a tolerance |
    /// | `contributions.csv` | risk, then shock (after the five others) | `kind` (`risk` or `shock`), `id`, `inherent_var99`, `inherent_tvar99`, `inherent_tvar99_se`, `residual_var99`, `residual_tvar99`, `residual_tvar99_se` (each risk's share of VaR 99% and TVaR 99%, see [`TailContribution`](crate::TailContribution); a shock has its inherent `tvar99` and `eal` only), `eal` (shocks), empty where a figure does not apply; not written for a report stored by a csfquant without contributions |
    /// | `trials.csv` | simulated year, in trial order | `trial` (from 1), `inherent`, `residual` |
    ///
    /// **lec.csv** has both arms on the same losses, so
    /// `pivot(index="loss", columns="arm", values="probability")` gives one column per arm.
    /// Each arm's rows stop at its last simulated exceedance: beyond it no simulated year lies
    /// above the loss (P̂ = 0, which a log axis cannot show; the true probability is then below
    /// about 3 / trials), so after the pivot the residual column is NaN where only the inherent
    /// curve goes on. No rows when no simulated year has a loss.
    ///
    /// The controls, risks and functions tables come from the same serialisation as the JSON
    /// report, so a key added to the report appears as a column too. A `null` (an undefined
    /// ROSI, no IRR, no category, no policy) is an empty cell, which pandas reads as NaN.
    /// `rosi`, `irr`, `share`, `probability` and `coinsurance` are fractions, not percentages
    /// (a `rosi` of 1.5 is the text report's +150%). Numbers are written in their shortest form
    /// that reads back to the same `f64`; text is quoted where CSV needs it.
    ///
    /// `trials.csv` needs each simulated year's losses, which only an analysis run with
    /// [`SimulationOptions::record_trials`](crate::SimulationOptions::record_trials) keeps (16
    /// bytes a year): without them, and for a deserialised report, it is not written and the
    /// returned list has five paths (`lec`, `controls`, `risks`, `functions`, `summary`).
    ///
    /// # Errors
    /// The I/O error of the directory or file that could not be created or written, its
    /// message naming the path. Files written before the failure stay.
    pub fn write_csv(&self, dir: impl AsRef<Path>) -> io::Result<Vec<PathBuf>> {
        let dir = dir.as_ref();
        std::fs::create_dir_all(dir).map_err(|e| failed(dir, "create", e))?;
        let mut written = Vec::new();
        let mut file = |name: &str, write: &dyn Fn(&Path) -> csv::Result<()>| {
            let path = dir.join(name);
            write(&path).map_err(|e| failed(&path, "write", csv_to_io(e)))?;
            written.push(path);
            Ok::<(), io::Error>(())
        };

        let mut lec = Table::new(&["arm", "loss", "probability", "years"]);
        for (arm, losses) in [("inherent", self.inherent()), ("residual", self.residual())] {
            for p in losses.drawn_curve() {
                lec.rows.push(vec![
                    arm.to_string(),
                    p.loss.to_string(),
                    p.probability.to_string(),
                    p.years.to_string(),
                ]);
            }
        }
        let controls = Table::of(
            self.controls(),
            &["id", "name", "function", "category"],
            &[(
                "transfer",
                &[
                    "deductible",
                    "occurrence_limit",
                    "aggregate_limit",
                    "coinsurance",
                ],
            )],
        )?;
        let risks = Table::of(self.risks(), &["id", "name"], &[])?;
        let functions = Table::of(self.functions(), &["function"], &[])?;
        let summary = self.summary_table();
        file("lec.csv", &|path| lec.write(path))?;
        file("controls.csv", &|path| controls.write(path))?;
        file("risks.csv", &|path| risks.write(path))?;
        file("functions.csv", &|path| functions.write(path))?;
        file("summary.csv", &|path| summary.write(path))?;
        if !self.inherent().contributions.is_empty() {
            let contributions = self.contributions_table();
            file("contributions.csv", &|path| contributions.write(path))?;
        }
        if let Some((inherent, residual)) = self.analysis().and_then(|a| a.trial_losses()) {
            file("trials.csv", &|path| write_trials(path, inherent, residual))?;
        }
        Ok(written)
    }
}

impl Assessment {
    /// `contributions.csv`: each risk's share of the tail, inherent and residual, then each
    /// shock's.
    fn contributions_table(&self) -> Table {
        let mut table = Table::new(&[
            "kind",
            "id",
            "inherent_var99",
            "inherent_tvar99",
            "inherent_tvar99_se",
            "residual_var99",
            "residual_tvar99",
            "residual_tvar99_se",
            "eal",
        ]);
        let residual = &self.residual().contributions;
        for (i, c) in self.inherent().contributions.iter().enumerate() {
            let mut row = vec![
                "risk".to_string(),
                c.risk.clone(),
                c.var99.to_string(),
                c.tvar99.to_string(),
                c.tvar99_se.to_string(),
            ];
            match residual.get(i) {
                Some(r) => row.extend([
                    r.var99.to_string(),
                    r.tvar99.to_string(),
                    r.tvar99_se.to_string(),
                ]),
                None => row.extend([String::new(), String::new(), String::new()]),
            }
            row.push(String::new());
            table.rows.push(row);
        }
        for s in self.shocks() {
            table.rows.push(vec![
                "shock".to_string(),
                s.id.clone(),
                String::new(),
                s.tvar99.to_string(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                s.eal.to_string(),
            ]);
        }
        table
    }

    /// `summary.csv`: one row per arm, the metadata repeated on each so that the summaries of
    /// several scenarios concatenate into one table.
    fn summary_table(&self) -> Table {
        let level = |p: f64| {
            let text = format!("{:.1}", 100.0 * p);
            text.trim_end_matches(".0").replace('.', "_")
        };
        let mut header: Vec<String> = [
            "scenario",
            "currency",
            "trials",
            "seed",
            "csfquant_version",
            "horizon_years",
            "discount_rate",
            "arm",
            "expected_annual_loss",
            "standard_error",
            "expected_annual_loss_ci95_low",
            "expected_annual_loss_ci95_high",
            "std_dev",
            "probability_of_loss",
        ]
        .map(String::from)
        .to_vec();
        for p in QUANTILE_LEVELS {
            let var = format!("var_{}", level(p));
            header.extend([format!("{var}_ci95_low"), format!("{var}_ci95_high")]);
            header.insert(header.len() - 2, var);
        }
        header.extend(TAIL_MEAN_LEVELS.map(|p| format!("tvar_{}", level(p))));
        header.extend(["tolerance_met".into(), "tolerance_verdict".into()]);
        let mut table = Table {
            header,
            rows: Vec::new(),
        };
        let tolerance = self.tolerance();
        let arms: [(&str, &LossSummary, Option<Verdict>); 2] = [
            (
                "inherent",
                self.inherent(),
                tolerance.map(|t| (t.inherent.met, t.inherent.verdict)),
            ),
            (
                "residual",
                self.residual(),
                tolerance.map(|t| (t.met, t.verdict)),
            ),
        ];
        for (arm, s, verdict) in arms {
            let mut row = vec![
                self.scenario().to_string(),
                self.currency().to_string(),
                self.trials().to_string(),
                self.seed().to_string(),
                self.csfquant_version().to_string(),
                self.finance().horizon_years().to_string(),
                self.finance().discount_rate().to_string(),
                arm.to_string(),
            ];
            let [low, high] = s.expected_annual_loss_ci95;
            for x in [
                s.expected_annual_loss,
                s.standard_error,
                low,
                high,
                s.std_dev,
                s.probability_of_loss,
            ] {
                row.push(x.to_string());
            }
            // The report carries every level (it is built with them), but a stored report
            // could lack one: an empty cell then, not a panic.
            let cell = |x: Option<f64>| x.map(|x| x.to_string()).unwrap_or_default();
            for p in QUANTILE_LEVELS {
                let q = s.quantile_at(p);
                row.push(cell(q.map(|q| q.loss)));
                row.push(cell(q.map(|q| q.ci95[0])));
                row.push(cell(q.map(|q| q.ci95[1])));
            }
            for p in TAIL_MEAN_LEVELS {
                row.push(cell(s.tail_mean_at(p).map(|t| t.loss)));
            }
            match verdict {
                Some((met, verdict)) => {
                    row.push(met.to_string());
                    row.push(verdict.as_str().to_string());
                }
                None => row.extend([String::new(), String::new()]),
            }
            table.rows.push(row);
        }
        table
    }
}

/// A tolerance verdict in `summary.csv`: `met` and the verdict with noise.
type Verdict = (bool, ToleranceVerdict);

const JSON_NEVER_FAILS: &str =
    "the report serialises: its maps have string keys and its Serialize impls cannot fail";

/// One CSV file's contents: a header and rows of fields.
struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn new(header: &[&str]) -> Table {
        Table {
            header: header.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    /// A table of items that serialise as objects: the columns `first`, then the other keys in
    /// alphabetical order (of the first item; all items have the same keys). A key of `nested`
    /// holds an object or `null`: it becomes one column per listed field, named
    /// `key_field`, empty where the key is `null`.
    fn of<T: Serialize>(
        items: &[T],
        first: &[&str],
        nested: &[(&str, &[&str])],
    ) -> io::Result<Table> {
        let objects: Vec<serde_json::Map<String, Value>> = items
            .iter()
            .map(|item| match serde_json::to_value(item) {
                Ok(Value::Object(map)) => Ok(map),
                _ => Err(io::Error::other("a report row is not a flat object")),
            })
            .collect::<io::Result<_>>()?;
        let mut table = Table::new(first);
        if let Some(sample) = objects.first() {
            let mut rest: Vec<String> = Vec::new();
            for key in sample.keys().filter(|k| !first.contains(&k.as_str())) {
                match nested.iter().find(|(n, _)| n == key) {
                    Some((_, fields)) => rest.extend(fields.iter().map(|f| format!("{key}_{f}"))),
                    None => rest.push(key.clone()),
                }
            }
            rest.sort();
            table.header.extend(rest);
        }
        let cell = |value: Option<&Value>| match value {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(text)) => text.clone(),
            Some(other) => other.to_string(),
        };
        // A column's value: the key itself, or a field of a nested key.
        let lookup = |object: &serde_json::Map<String, Value>, column: &str| -> String {
            if let Some(v) = object.get(column) {
                return cell(Some(v));
            }
            for (key, fields) in nested {
                for field in *fields {
                    if column.strip_prefix(key).and_then(|c| c.strip_prefix('_')) == Some(field) {
                        return cell(object.get(*key).and_then(|o| o.get(field)));
                    }
                }
            }
            String::new()
        };
        table.rows = objects
            .iter()
            .map(|object| table.header.iter().map(|c| lookup(object, c)).collect())
            .collect();
        Ok(table)
    }

    fn write(&self, path: &Path) -> csv::Result<()> {
        let mut w = csv::Writer::from_path(path)?;
        w.write_record(&self.header)?;
        for row in &self.rows {
            w.write_record(row)?;
        }
        Ok(w.flush()?)
    }
}

/// `trials.csv`, formatted as it is written (a million years are 40 MB of text).
fn write_trials(path: &Path, inherent: &[f64], residual: &[f64]) -> csv::Result<()> {
    let mut w = csv::Writer::from_path(path)?;
    w.write_record(["trial", "inherent", "residual"])?;
    let mut field = String::new();
    for (t, (i, r)) in inherent.iter().zip(residual).enumerate() {
        for value in [&(t + 1) as &dyn std::fmt::Display, i, r] {
            field.clear();
            let _ = write!(field, "{value}");
            w.write_field(&field)?;
        }
        w.write_record(None::<&[u8]>)?;
    }
    Ok(w.flush()?)
}

/// The I/O error inside a CSV error (the only kind that writing produces), or the CSV error as
/// one.
fn csv_to_io(e: csv::Error) -> io::Error {
    if !e.is_io_error() {
        return io::Error::other(e);
    }
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        kind => io::Error::other(format!("{kind:?}")),
    }
}

/// `e` with the path in its message, keeping its kind.
fn failed(path: &Path, what: &str, e: io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("cannot {what} {}: {e}", path.display()))
}
