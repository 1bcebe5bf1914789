//! A scenario: a model plus what to report on it, read from a JSON or TOML file.
//!
//! Data flow: text -> [`ScenarioSpec`] (serde, shape only) -> validated [`Model`] through the
//! public constructors, every failure located by the path of the value that caused it (the
//! `read` module); the `write` module turns a scenario back into a spec. This module keeps the
//! [`Scenario`] type itself.

use std::path::Path;

mod assess;
mod read;
mod scan;
pub mod spec;
mod write;

use crate::engine::monitor::{Monitor, Unwatched};
use crate::engine::simulate::SimulationOptions;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::model::finance::Finance;
use crate::model::tolerance::ToleranceCurve;
use crate::report::budget::{Budget, BudgetReport};
use crate::report::candidates::candidate_values;
use crate::report::{Assessment, ControlAnalysis};
use crate::scenario::read::{build, check_currency, check_thresholds, parse_json, parse_toml};
use crate::scenario::read::{read_bounded, written_keys};
use crate::scenario::spec::ScenarioSpec;

/// The file formats a scenario can be written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// JSON (`.json`).
    Json,
    /// TOML (`.toml`).
    Toml,
}

impl Format {
    /// The largest text of this format a scenario may be, in bytes, and the constant that says
    /// so.
    fn max_bytes(self) -> (u64, &'static str) {
        match self {
            Format::Json => (Scenario::MAX_JSON_BYTES, "Scenario::MAX_JSON_BYTES"),
            Format::Toml => (Scenario::MAX_TOML_BYTES, "Scenario::MAX_TOML_BYTES"),
        }
    }

    /// The format a file name's extension says (case-insensitive), if any.
    ///
    /// # Example
    /// ```
    /// use csfquant::Format;
    /// assert_eq!(Format::from_path("acme.TOML"), Some(Format::Toml));
    /// assert_eq!(Format::from_path("acme.yaml"), None);
    /// ```
    pub fn from_path(path: impl AsRef<Path>) -> Option<Format> {
        let ext = path.as_ref().extension()?.to_str()?;
        if ext.eq_ignore_ascii_case("json") {
            Some(Format::Json)
        } else if ext.eq_ignore_ascii_case("toml") {
            Some(Format::Toml)
        } else {
            None
        }
    }
}

/// A model with its name, currency, simulation options, finance, thresholds and tolerance:
/// everything `assess` needs, as written in a scenario file (SCENARIO.md, format version 1).
///
/// # Example
/// ```
/// use csfquant::{Format, Scenario};
///
/// let text = r#"
/// name = "Example Co"
/// [simulation]
/// trials = 2000
/// [[risks]]
/// id = "ransomware"
/// frequency = { poisson = { rate = 0.25 } }
/// magnitude = { lognormal = { ci90 = [200_000.0, 8_000_000.0] } }
/// "#;
/// let scenario = Scenario::parse(text, Format::Toml, "example.toml")?;
/// assert_eq!(scenario.currency(), "USD");
/// assert_eq!(scenario.options().trial_count(), 2000);
/// let report = scenario.assess()?;
/// assert!(report.analysis().expect("fresh from assess").inherent().expected_annual_loss() > 0.0);
///
/// // Every error names the file, the path of the bad value and the rule it breaks.
/// let bad = text.replace("rate = 0.25", "rate = -1");
/// let e = Scenario::parse(&bad, Format::Toml, "example.toml").unwrap_err();
/// assert_eq!(
///     e.to_string(),
///     "example.toml: risks[0].frequency.poisson.rate: invalid rate: -1 (expected a finite number >= 0)"
/// );
/// # Ok::<(), csfquant::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    name: String,
    currency: String,
    options: SimulationOptions,
    finance: Finance,
    thresholds: Vec<f64>,
    tolerance: Option<ToleranceCurve>,
    model: Model,
    budget: Option<Budget>,
}

impl Scenario {
    /// The currency when a scenario names none.
    pub const DEFAULT_CURRENCY: &'static str = "USD";

    /// The most budgets `budget.annual` or `budget.phased.budgets` may list.
    pub const MAX_BUDGETS: usize = 1000;

    /// The most thresholds a scenario may list.
    pub const MAX_THRESHOLDS: usize = 1000;

    /// The largest JSON scenario file or text accepted, in bytes (64 MiB): room for about
    /// 500,000 risks. A larger one is refused before it is read, since parsing takes memory in
    /// proportion to the text: up to about 3 times the text for JSON, read as a stream.
    pub const MAX_JSON_BYTES: u64 = 64 * 1024 * 1024;

    /// The largest TOML scenario file or text accepted, in bytes (8 MiB): hundreds of times a
    /// hand-written scenario. The TOML parser (the toml crate) keeps every token and a tree of
    /// the whole document, 60 to 90 times the text when read as one document. A text over
    /// 1 MiB whose risks are `[[risks]]` tables in one run, or one `risks = [...]` array, is
    /// read a few hundred kilobytes of risks at a time, in about 6 to 12 times the text (100 MB
    /// for 67,000 risks in 8 MiB); a text that cannot be read so is read whole only up to
    /// [`MAX_TOML_DOCUMENT_BYTES`](Self::MAX_TOML_DOCUMENT_BYTES). So TOML is held to less
    /// than JSON.
    pub const MAX_TOML_BYTES: u64 = 8 * 1024 * 1024;

    /// The longest TOML document the parser is given at once, in bytes (2 MiB, so at most
    /// about 180 MB of parser memory): a whole text up to this long, and each part of a longer
    /// one (the text apart from its risks; the risks a few hundred kilobytes at a time; one
    /// risk). A longer text whose risks are not `[[risks]]` tables in one run nor one
    /// `risks = [...]` array, or whose rest is longer than this (huge `applies_to` lists,
    /// say), is refused with [`Error::TomlDocumentTooLarge`]; its errors come from the part
    /// that has them, located in the whole text.
    pub const MAX_TOML_DOCUMENT_BYTES: u64 = 2 * 1024 * 1024;

    /// The deepest nesting of tables (objects) and arrays a scenario file may have, the root
    /// table counting as 1. The format itself needs 8 (`risks[0].fair.secondary.loss.lognormal.ci90`);
    /// deeper text is refused, located, before it is parsed.
    pub const MAX_DEPTH: usize = 32;

    /// The most risks a scenario may list (a scenario this large is JSON: see
    /// [`MAX_JSON_BYTES`](Self::MAX_JSON_BYTES)). Through the Rust API a [`Model`] takes any
    /// number, within the engine's work limit.
    pub const MAX_RISKS: usize = 500_000;

    /// The most CSF ids a risk's `csf` may list (CSF 2.0 has 6 functions, 22 categories and
    /// 106 subcategories).
    pub const MAX_CSF_IDS: usize = 256;

    /// The most observed losses an `empirical` magnitude may list.
    pub const MAX_EMPIRICAL_LOSSES: usize = 100_000;

    /// A scenario around a model built in Rust, with the file format's defaults: currency USD,
    /// 100,000 trials, seed 0, a one-year horizon at a zero rate, no thresholds, no tolerance.
    pub fn new(name: impl Into<String>, model: Model) -> Scenario {
        Scenario {
            name: name.into(),
            currency: Self::DEFAULT_CURRENCY.to_string(),
            options: SimulationOptions::new(0),
            finance: Finance::default(),
            thresholds: Vec::new(),
            tolerance: None,
            model,
            budget: None,
        }
    }

    /// Reads a scenario file; the extension (`.json` or `.toml`) chooses the format.
    ///
    /// A file larger than its format accepts ([`MAX_JSON_BYTES`](Self::MAX_JSON_BYTES),
    /// [`MAX_TOML_BYTES`](Self::MAX_TOML_BYTES)) is refused before it is read: by its size on
    /// disk, and by reading at most one byte more than the limit (a pipe or a device reports no
    /// useful size).
    ///
    /// # Errors
    /// [`Error::ReadScenario`] if the file cannot be read, is not UTF-8 or has another
    /// extension; [`Error::InputTooLarge`] beyond the format's limit;
    /// otherwise as [`parse`](Self::parse), with the file's path as given in messages.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Scenario> {
        let path = path.as_ref();
        let file = path.display().to_string();
        let format = Format::from_path(path).ok_or_else(|| Error::ReadScenario {
            file: file.clone(),
            kind: None,
            reason: "unknown format (expected a .toml or .json file)".to_string(),
        })?;
        let text = read_bounded(path, &file, format)?;
        Scenario::parse(&text, format, &file)
    }

    /// Parses a scenario from text; `file` names it in error messages.
    ///
    /// # Limits
    /// The text is at most [`MAX_JSON_BYTES`](Self::MAX_JSON_BYTES) (JSON) or
    /// [`MAX_TOML_BYTES`](Self::MAX_TOML_BYTES) (TOML) long and nests at most
    /// [`MAX_DEPTH`](Self::MAX_DEPTH) deep; its lists hold at most
    /// [`MAX_RISKS`](Self::MAX_RISKS) risks, [`Model::MAX_CONTROLS`] controls,
    /// [`MAX_THRESHOLDS`](Self::MAX_THRESHOLDS) thresholds,
    /// [`ToleranceCurve::MAX_POINTS`] tolerance points,
    /// [`MAX_CSF_IDS`](Self::MAX_CSF_IDS) CSF ids per risk, [`MAX_RISKS`](Self::MAX_RISKS)
    /// risk ids per `applies_to` and [`MAX_EMPIRICAL_LOSSES`](Self::MAX_EMPIRICAL_LOSSES)
    /// observed losses per `empirical` magnitude. A list is refused as soon as reading passes
    /// its limit, never stored whole (and in TOML, before the parser sees the text). Error
    /// messages quote at most 64 characters of any key, id or string of the input.
    ///
    /// # Errors
    /// [`Error::ScenarioSyntax`] for text that is not valid JSON/TOML or whose keys and value
    /// types do not fit the format (an unknown or missing key, a string where a number belongs,
    /// a list of values where a table of named keys belongs, nesting deeper than
    /// [`MAX_DEPTH`](Self::MAX_DEPTH)): with the path, and the line and column where the parser
    /// knows them.
    /// [`Error::InvalidScenario`] for a value that breaks a rule (a negative rate, an unknown
    /// risk id, a category of another function) or a list longer than its limit
    /// ([`Error::TooManyEntries`]), with the path of the value.
    /// [`Error::InputTooLarge`] for text longer than the format's limit.
    pub fn parse(text: &str, format: Format, file: &str) -> Result<Scenario> {
        let (max, limit) = format.max_bytes();
        if text.len() as u64 > max {
            return Err(Error::InputTooLarge {
                file: file.to_string(),
                bytes: Some(text.len() as u64),
                max,
                limit,
            });
        }
        // Editors on Windows may start a UTF-8 file with a byte-order mark.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let spec = match format {
            Format::Json => parse_json(text, file)?,
            Format::Toml => parse_toml(text, file)?,
        };
        build(&spec).map_err(|fail| written_keys(fail, text, format).in_file(file))
    }

    /// Builds and validates a scenario from its spec.
    ///
    /// # Errors
    /// [`Error::InvalidScenario`] (with an empty file name) as [`parse`](Self::parse).
    pub fn from_spec(spec: &ScenarioSpec) -> Result<Scenario> {
        build(spec).map_err(|fail| fail.in_file(""))
    }

    /// The scenario in the file format, ready to serialize with serde_json or toml.
    ///
    /// Parsing it again (from JSON or TOML text, or with [`from_spec`](Self::from_spec)) gives
    /// an **equal** scenario, every parameter bit for bit (the thread setting and
    /// [`SimulationOptions::record_trials`] are not part of the format), with one exception: a
    /// negative binomial thinned by a known vulnerability (FAIR threat events `negative_binomial`
    /// with a fixed vulnerability) keeps the shape `r` of its threat events, for which the format
    /// has no key. It is written as its mean and variance, which read back bit for bit, and the
    /// reader recomputes `r` from them: `r` agrees to the rounding of the variance, and
    /// [`Frequency::probability_of_event`](crate::Frequency::probability_of_event) within a
    /// relative 1e-12 (the writer checks it), but a simulation with the same seed may draw other
    /// counts. The file written from the scenario read back is the same file.
    ///
    /// Distributions are written in one canonical form: a lognormal loss and an uncertain Poisson
    /// rate as their log-space `mu` and `sigma` (for the rate, `poisson = { mu, sigma }` is an
    /// extension key of the format; a 90% interval recomputed from them would move the last
    /// digits, and for extreme parameters be refused when read), a lognormal with no spread
    /// (`sigma` 0, from a `ci90` whose bounds have the same logarithm) as two such bounds, a FAIR
    /// risk with a known vulnerability as the equivalent frequency, a binomial or thinned
    /// frequency and a primary plus secondary loss as FAIR factors, efficacies on their explicit
    /// levers.
    ///
    /// Each risk is read back as it is written, by the reader itself, and compared with the
    /// original, so a risk that would be refused or read differently is an error, never a file.
    ///
    /// # Errors
    /// [`Error::Unwritable`] for a risk built in Rust that the format cannot express: a
    /// threat-event count thinned twice with one vulnerability uncertain, a cap on a primary
    /// plus secondary loss, an uncertain rate with no spread thinned to a median no 90% interval
    /// gives, or a negative binomial thinned so far that the rounding of its variance swallows
    /// its overdispersion (e.g. mean 1, variance 1 + 1e-10, thinned by 1e-10).
    /// [`Error::NoTrials`] or [`Error::TooManyTrials`] for a trial count set with
    /// [`with_options`](Self::with_options) that the format refuses (as running it would).
    pub fn to_spec(&self) -> Result<ScenarioSpec> {
        crate::scenario::write::write(self)
    }

    /// The name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The currency code, for display.
    pub fn currency(&self) -> &str {
        &self.currency
    }

    /// The model.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// The seed and trial count (threads on).
    pub fn options(&self) -> SimulationOptions {
        self.options
    }

    /// The horizon and discount rate.
    pub fn finance(&self) -> Finance {
        self.finance
    }

    /// The losses at which the report gives `P(annual loss > x)`.
    pub fn thresholds(&self) -> &[f64] {
        &self.thresholds
    }

    /// The risk tolerance curve, if any.
    pub fn tolerance(&self) -> Option<&ToleranceCurve> {
        self.tolerance.as_ref()
    }

    /// The `budget` section, if any.
    pub fn budget(&self) -> Option<&Budget> {
        self.budget.as_ref()
    }

    /// Sets the `budget` section.
    ///
    /// # Errors
    /// [`Error::UnknownCandidate`] for a plan naming a control that is not a candidate of the
    /// model.
    pub fn with_budget(self, budget: Budget) -> Result<Scenario> {
        budget.check_plans(&self.model).map_err(|(_, _, e)| e)?;
        Ok(Scenario {
            budget: Some(budget),
            ..self
        })
    }

    /// Searches the candidate controls under the scenario's `budget` section (the defaults
    /// without one) and builds the budget report, with the scenario's options and finance.
    ///
    /// # Errors
    /// As [`BudgetReport::new`], located as [`assess`](Self::assess) locates its errors.
    pub fn budget_report(&self) -> Result<BudgetReport> {
        self.budget_report_with(&Unwatched)
    }

    /// [`budget_report`](Self::budget_report), telling `monitor` of each simulation's
    /// progress.
    ///
    /// # Errors
    /// As [`budget_report`](Self::budget_report); [`Error::Cancelled`] if the monitor stopped.
    pub fn budget_report_with(&self, monitor: &dyn Monitor) -> Result<BudgetReport> {
        let default = Budget::new();
        let budget = self.budget.as_ref().unwrap_or(&default);
        BudgetReport::new_with(
            &self.name,
            &self.currency,
            &self.model,
            budget,
            self.options,
            self.finance,
            monitor,
        )
        .map_err(|e| assess::locate_run(self, e))
    }

    /// Replaces the simulation options (e.g. a trial count from the command line).
    #[must_use]
    pub fn with_options(self, options: SimulationOptions) -> Scenario {
        Scenario { options, ..self }
    }

    /// Sets the currency code.
    ///
    /// # Errors
    /// [`Error::InvalidCurrency`] unless it is three upper-case ASCII letters.
    pub fn with_currency(self, currency: &str) -> Result<Scenario> {
        Ok(Scenario {
            currency: check_currency(currency)?,
            ..self
        })
    }

    /// Sets the horizon and discount rate.
    #[must_use]
    pub fn with_finance(self, finance: Finance) -> Scenario {
        Scenario { finance, ..self }
    }

    /// Sets the thresholds.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] named `threshold` for a negative or non-finite loss;
    /// [`Error::TooManyThresholds`] above [`MAX_THRESHOLDS`](Self::MAX_THRESHOLDS).
    pub fn with_thresholds(self, thresholds: Vec<f64>) -> Result<Scenario> {
        check_thresholds(&thresholds).map_err(|(_, e)| e)?;
        Ok(Scenario { thresholds, ..self })
    }

    /// Sets the tolerance curve.
    #[must_use]
    pub fn with_tolerance(self, tolerance: ToleranceCurve) -> Scenario {
        Scenario {
            tolerance: Some(tolerance),
            ..self
        }
    }

    /// Runs the control analysis with the scenario's options and finance and builds the report.
    ///
    /// # Errors
    /// As [`Model::analyze`] and [`Assessment::new`], located in the scenario where the cause
    /// can be told: an error of the input comes as [`Error::InvalidScenario`] (with an empty
    /// file name) whose [`source_error`](Error::source_error) is the engine's, at
    /// - `risks[i]` for an annual loss that overflows ([`Error::NonFiniteLoss`]) when risk `i`
    ///   has the largest expected annual loss and more than half of the total (the root, `""`,
    ///   otherwise), and for too much work ([`Error::TooMuchWork`]) when risk `i`'s events are
    ///   more than half of the expected draws (`simulation` otherwise);
    /// - `simulation.trials` for a trial count the engine refuses;
    /// - `risks[i]` or `controls[i]` for a non-finite figure of that risk or control in the
    ///   report ([`Error::NonFiniteFigure`] naming a `risks[]` or `controls[]` key).
    ///
    /// A non-finite figure of the whole portfolio (such as `inherent.std_dev`) is returned as
    /// [`Error::NonFiniteFigure`] itself, its key naming it; running out of memory and a
    /// cancelled run are not located either (they are not mistakes in the scenario).
    pub fn assess(&self) -> Result<Assessment> {
        self.assess_with(&Unwatched)
    }

    /// [`assess`](Self::assess), telling `monitor` of the simulation's progress and stopping
    /// when it says so (see [`Monitor`]): for a service or a GUI that shows progress and lets a
    /// user give up on a large run.
    ///
    /// # Errors
    /// As [`assess`](Self::assess); [`Error::Cancelled`] if the monitor stopped the run.
    pub fn assess_with(&self, monitor: &dyn Monitor) -> Result<Assessment> {
        let analysis = self
            .model
            .analyze_with(self.options, self.finance, monitor)
            .map_err(|e| assess::locate_run(self, e))?;
        let owners = assess::FigureOwners::of(&analysis);
        let report = Assessment::new(self, analysis).map_err(|e| owners.locate(e))?;
        if self.model.candidates().is_empty() {
            return Ok(report);
        }
        let candidates = candidate_values(&self.model, self.options, self.finance, monitor)
            .map_err(|e| assess::locate_run(self, e))?;
        report.with_candidates(candidates)
    }
}

impl Assessment {
    /// The report of `analysis`, the control analysis of `scenario`'s model (with its finance):
    /// [`Assessment::from_analysis`] with the scenario's name, currency, thresholds and
    /// tolerance.
    ///
    /// # Errors
    /// As [`Assessment::from_analysis`].
    pub fn new(scenario: &Scenario, analysis: ControlAnalysis) -> Result<Assessment> {
        Assessment::from_analysis(
            scenario.name(),
            scenario.currency(),
            scenario.model(),
            scenario.thresholds(),
            scenario.tolerance(),
            analysis,
        )
    }
}
