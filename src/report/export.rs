//! The report in files for other programs: JSON text and CSV tables (the `scenario` feature,
//! which brings `serde_json` and `csv`).

use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

use crate::report::assessment::Assessment;

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
    /// | `lec.csv` | point of the loss exceedance curves ([`LossSummary::curve`](crate::LossSummary::curve)) | `arm` (`inherent` or `residual`), `loss`, `probability` |
    /// | `controls.csv` | control, in the scenario's order | `id`, `name`, `function`, `category`, then the other keys of `controls[]` in the JSON report, in alphabetical order |
    /// | `risks.csv` | risk | `id`, `name`, then the other keys of `risks[]`, alphabetically |
    /// | `functions.csv` | CSF function with controls | `function`, then the other keys of `functions[]`, alphabetically |
    /// | `trials.csv` | simulated year, in trial order | `trial` (from 1), `inherent`, `residual` |
    ///
    /// The controls, risks and functions tables come from the same serialisation as the JSON
    /// report, so a key added to the report appears as a column too. A `null` (an undefined
    /// ROSI, no IRR, no category) is an empty cell, which pandas reads as NaN. Numbers are
    /// written in their shortest form that reads back to the same `f64`; text is quoted where
    /// CSV needs it.
    ///
    /// `trials.csv` needs each simulated year's losses, which only an analysis run with
    /// [`SimulationOptions::record_trials`](crate::SimulationOptions::record_trials) keeps (16
    /// bytes a year): without them, and for a deserialised report, it is not written and the
    /// returned list has four paths.
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

        let mut lec = Table::new(&["arm", "loss", "probability"]);
        for (arm, losses) in [("inherent", self.inherent()), ("residual", self.residual())] {
            for p in &losses.curve {
                lec.rows.push(vec![
                    arm.to_string(),
                    p.loss.to_string(),
                    p.probability.to_string(),
                ]);
            }
        }
        let controls = Table::of(self.controls(), &["id", "name", "function", "category"])?;
        let risks = Table::of(self.risks(), &["id", "name"])?;
        let functions = Table::of(self.functions(), &["function"])?;
        file("lec.csv", &|path| lec.write(path))?;
        file("controls.csv", &|path| controls.write(path))?;
        file("risks.csv", &|path| risks.write(path))?;
        file("functions.csv", &|path| functions.write(path))?;
        if let Some((inherent, residual)) = self.analysis().and_then(|a| a.trial_losses()) {
            file("trials.csv", &|path| write_trials(path, inherent, residual))?;
        }
        Ok(written)
    }
}

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

    /// A table of items that serialise as flat objects: the columns `first`, then the other
    /// keys in alphabetical order (of the first item; all items have the same keys).
    fn of<T: Serialize>(items: &[T], first: &[&str]) -> io::Result<Table> {
        let objects: Vec<serde_json::Map<String, Value>> = items
            .iter()
            .map(|item| match serde_json::to_value(item) {
                Ok(Value::Object(map)) => Ok(map),
                _ => Err(io::Error::other("a report row is not a flat object")),
            })
            .collect::<io::Result<_>>()?;
        let mut table = Table::new(first);
        if let Some(sample) = objects.first() {
            let mut rest: Vec<&String> = sample
                .keys()
                .filter(|k| !first.contains(&k.as_str()))
                .collect();
            rest.sort();
            table.header.extend(rest.into_iter().cloned());
        }
        let cell = |value: Option<&Value>| match value {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(text)) => text.clone(),
            Some(other) => other.to_string(),
        };
        table.rows = objects
            .iter()
            .map(|object| table.header.iter().map(|c| cell(object.get(c))).collect())
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
