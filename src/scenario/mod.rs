//! A scenario: a model plus what to report on it, read from a JSON or TOML file.
//!
//! Data flow: text -> [`ScenarioSpec`] (serde, shape only) -> validated [`Model`] through the
//! public constructors, every failure located by the path of the value that caused it.

use std::collections::HashSet;
use std::fmt::Display;
use std::path::Path;

pub mod spec;
mod write;

use crate::csf::Function;
use crate::engine::simulate::SimulationOptions;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::model::control::Control;
use crate::model::efficacy::Efficacy;
use crate::model::finance::{Cost, Finance};
use crate::model::frequency::Frequency;
use crate::model::magnitude::Magnitude;
use crate::model::risk::Risk;
use crate::model::tolerance::ToleranceCurve;
use crate::model::transfer::Transfer;
use crate::report::{Assessment, ControlAnalysis};
use crate::scenario::spec::{
    ControlSpec, FairSpec, FractionSpec, FrequencySpec, MagnitudeSpec, RiskSpec, ScenarioSpec,
    UncertainFractionSpec,
};

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
/// assert!(report.analysis().inherent().expected_annual_loss() > 0.0);
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
}

impl Scenario {
    /// The currency when a scenario names none.
    pub const DEFAULT_CURRENCY: &'static str = "USD";

    /// The most thresholds a scenario may list.
    pub const MAX_THRESHOLDS: usize = 1000;

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
        }
    }

    /// Reads a scenario file; the extension (`.json` or `.toml`) chooses the format.
    ///
    /// # Errors
    /// [`Error::ReadScenario`] if the file cannot be read or has another extension; otherwise as
    /// [`parse`](Self::parse), with the file's path as given in messages.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Scenario> {
        let path = path.as_ref();
        let file = path.display().to_string();
        let format = Format::from_path(path).ok_or_else(|| Error::ReadScenario {
            file: file.clone(),
            kind: None,
            reason: "unknown format (expected a .toml or .json file)".to_string(),
        })?;
        let text = std::fs::read_to_string(path).map_err(|e| Error::ReadScenario {
            file: file.clone(),
            kind: Some(e.kind()),
            reason: e.to_string(),
        })?;
        Scenario::parse(&text, format, &file)
    }

    /// Parses a scenario from text; `file` names it in error messages.
    ///
    /// # Errors
    /// [`Error::ScenarioSyntax`] for text that is not valid JSON/TOML or whose keys and value
    /// types do not fit the format (an unknown or missing key, a string where a number belongs):
    /// with the path, and the line and column where the parser knows them.
    /// [`Error::InvalidScenario`] for a value that breaks a rule (a negative rate, an unknown
    /// risk id, a category of another function), with the path of the value.
    pub fn parse(text: &str, format: Format, file: &str) -> Result<Scenario> {
        // Editors on Windows may start a UTF-8 file with a byte-order mark.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let spec = match format {
            Format::Json => parse_json(text, file)?,
            Format::Toml => parse_toml(text, file)?,
        };
        build(&spec).map_err(|fail| fail.in_file(file))
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
    /// Parsing it again gives an equivalent scenario (the thread setting and
    /// [`SimulationOptions::record_trials`] are not part of the format). Distributions are written in one canonical
    /// form: a lognormal as `mu` and `sigma`, an uncertain Poisson rate as its 90% interval
    /// recomputed from the log-space parameters (its last digits may move), a FAIR risk with a
    /// known vulnerability as the equivalent frequency, efficacies on their explicit levers.
    ///
    /// # Errors
    /// [`Error::Unwritable`] for a risk built in Rust that the format cannot express: a
    /// threat-event count thinned twice with one vulnerability uncertain, or a cap on a primary
    /// plus secondary loss.
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
    /// As [`Model::analyze`].
    pub fn assess(&self) -> Result<Assessment> {
        let analysis = self.model.analyze(self.options, self.finance)?;
        Assessment::new(self, analysis)
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

// ---------------------------------------------------------------------------------------------
// Text -> spec.

fn parse_json(text: &str, file: &str) -> Result<ScenarioSpec> {
    let mut de = serde_json::Deserializer::from_str(text);
    let spec = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        json_error(file, path, e.into_inner())
    })?;
    de.end().map_err(|e| json_error(file, String::new(), e))?;
    Ok(spec)
}

fn json_error(file: &str, path: String, e: serde_json::Error) -> Error {
    // serde_json counts columns from 1, but reports 0 before the first character of a line.
    let location = (e.line() > 0).then(|| (e.line(), e.column().max(1)));
    // serde_json appends " at line L column C" to its messages; the location is kept apart.
    let message = e.to_string();
    let message = match message.rfind(" at line ") {
        Some(i) if location.is_some() => message[..i].to_string(),
        _ => message,
    };
    syntax(file, path, location, message)
}

fn parse_toml(text: &str, file: &str) -> Result<ScenarioSpec> {
    let de =
        toml::Deserializer::parse(text).map_err(|e| toml_error(file, text, String::new(), e))?;
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        toml_error(file, text, path, e.into_inner())
    })
}

fn toml_error(file: &str, text: &str, path: String, e: toml::de::Error) -> Error {
    let location = e.span().map(|span| line_column(text, span.start));
    syntax(file, path, location, e.message().trim().to_string())
}

/// The 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

fn syntax(file: &str, path: String, location: Option<(usize, usize)>, message: String) -> Error {
    // serde_path_to_error writes "." for the root.
    let path = if path == "." { String::new() } else { path };
    Error::ScenarioSyntax {
        file: file.to_string(),
        path,
        line: location.map(|l| l.0),
        column: location.map(|l| l.1),
        message,
    }
}

// ---------------------------------------------------------------------------------------------
// Spec -> model.

/// A rule broken at `path`, before the file name is known.
struct Fail {
    path: String,
    error: Box<Error>,
}

impl Fail {
    fn in_file(self, file: &str) -> Error {
        Error::InvalidScenario {
            file: file.to_string(),
            path: self.path,
            source: self.error,
        }
    }
}

type Built<T> = std::result::Result<T, Fail>;

/// Locates an error at `path`.
fn at(path: impl Display) -> impl FnOnce(Error) -> Fail {
    move |error| Fail {
        path: path.to_string(),
        error: Box::new(error),
    }
}

/// Locates an error at `path`, or at `path.field` when the error names one of `fields` (a
/// constructor's error names its parameter, which is the spec's key).
fn at_field(path: impl Display, fields: &'static [&'static str]) -> impl FnOnce(Error) -> Fail {
    move |error| {
        let named = match &error {
            Error::InvalidParameter { name, .. } | Error::EmptyRange { name, .. } => {
                // "efficacy min" -> "min"; "min/max" -> "max" (the bound that must move).
                let last = name.rsplit([' ', '/']).next().unwrap_or(name);
                fields.iter().find(|f| **f == last).copied()
            }
            Error::ModeOutOfRange { .. } => fields.iter().find(|f| **f == "mode").copied(),
            _ => None,
        };
        let path = match named {
            Some(field) => format!("{path}.{field}"),
            None => path.to_string(),
        };
        Fail {
            path,
            error: Box::new(error),
        }
    }
}

/// A rule of the file format itself (not of a constructor).
fn rule(path: impl Display, rule: &'static str) -> Fail {
    Fail {
        path: path.to_string(),
        error: Box::new(Error::ScenarioRule { rule }),
    }
}

fn build(spec: &ScenarioSpec) -> Built<Scenario> {
    let currency = match &spec.currency {
        Some(c) => check_currency(c).map_err(at("currency"))?,
        None => Scenario::DEFAULT_CURRENCY.to_string(),
    };
    let mut options = SimulationOptions::new(0);
    if let Some(sim) = &spec.simulation {
        if let Some(seed) = sim.seed {
            options = SimulationOptions::new(seed);
        }
        if let Some(trials) = sim.trials {
            options = options.trials(trials);
            options.validate().map_err(at("simulation.trials"))?;
        }
    }
    let finance = match &spec.finance {
        Some(f) => Finance::new(f.horizon_years.unwrap_or(1), f.discount_rate.unwrap_or(0.0))
            .map_err(at_field("finance", &["horizon_years", "discount_rate"]))?,
        None => Finance::default(),
    };
    check_thresholds(&spec.thresholds).map_err(|(i, e)| at(format_args!("thresholds[{i}]"))(e))?;
    let tolerance = if spec.tolerance.is_empty() {
        None
    } else {
        let points = spec.tolerance.iter().map(|p| (p.loss, p.probability));
        Some(ToleranceCurve::new(points).map_err(|e| match e {
            Error::InvalidCurvePoint { index, .. } => at(format_args!("tolerance[{index}]"))(e),
            e => at("tolerance")(e),
        })?)
    };

    if spec.risks.is_empty() {
        return Err(rule("risks", "at least one risk"));
    }
    let risks = spec
        .risks
        .iter()
        .enumerate()
        .map(|(i, r)| risk(r, &format!("risks[{i}]")))
        .collect::<Built<Vec<Risk>>>()?;
    // The model checks what involves several entries (unique ids, known risk ids); its errors
    // name the ids, which locate the entries.
    let model = Model::new(risks).map_err(|e| locate(e, spec, "risks"))?;
    let controls = spec
        .controls
        .iter()
        .enumerate()
        .map(|(i, c)| control(c, &format!("controls[{i}]")))
        .collect::<Built<Vec<Control>>>()?;
    let model = model
        .with_controls(controls)
        .map_err(|e| locate(e, spec, "controls"))?;

    Ok(Scenario {
        name: spec.name.clone(),
        currency,
        options,
        finance,
        thresholds: spec.thresholds.clone(),
        tolerance,
        model,
    })
}

/// Locates an error of `Model` (which names ids, not positions) in the spec; `otherwise` for
/// one about the whole list (too many controls, say).
fn locate(error: Error, spec: &ScenarioSpec, otherwise: &str) -> Fail {
    // The first entry whose id repeats an earlier one's, as the model finds it.
    fn repeated<'a>(ids: impl Iterator<Item = &'a str>) -> Option<usize> {
        let mut seen = HashSet::new();
        ids.enumerate()
            .find(|(_, id)| !seen.insert(*id))
            .map(|(i, _)| i)
    }
    let path = match &error {
        Error::DuplicateId { kind, .. } if *kind == "risk id" => {
            repeated(spec.risks.iter().map(|r| r.id.as_str())).map(|i| format!("risks[{i}].id"))
        }
        Error::DuplicateId { .. } => repeated(spec.controls.iter().map(|c| c.id.as_str()))
            .map(|i| format!("controls[{i}].id")),
        Error::UnknownRisk { control, risk } => {
            spec.controls.iter().enumerate().find_map(|(i, c)| {
                let ids = c.applies_to.as_ref().filter(|_| c.id == *control)?;
                let j = ids.iter().position(|id| id == risk)?;
                Some(format!("controls[{i}].applies_to[{j}]"))
            })
        }
        _ => None,
    };
    at(path.unwrap_or_else(|| otherwise.to_string()))(error)
}

fn check_currency(code: &str) -> Result<String> {
    if code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(code.to_string())
    } else {
        Err(Error::InvalidCurrency {
            code: code.chars().take(16).collect(),
        })
    }
}

/// Checks every threshold; on failure, the index of the first bad one.
fn check_thresholds(thresholds: &[f64]) -> std::result::Result<(), (usize, Error)> {
    if thresholds.len() > Scenario::MAX_THRESHOLDS {
        return Err((
            Scenario::MAX_THRESHOLDS,
            Error::TooManyThresholds {
                count: thresholds.len(),
                max: Scenario::MAX_THRESHOLDS,
            },
        ));
    }
    for (i, &x) in thresholds.iter().enumerate() {
        crate::check::non_negative("threshold", x).map_err(|e| (i, e))?;
    }
    Ok(())
}

fn risk(spec: &RiskSpec, path: &str) -> Built<Risk> {
    let (frequency, magnitude) = match (&spec.frequency, &spec.magnitude, &spec.fair) {
        (Some(f), Some(m), None) => (
            frequency(f, &format!("{path}.frequency"))?,
            magnitude(m, &format!("{path}.magnitude"))?,
        ),
        (None, None, Some(fair)) => fair_factors(fair, &format!("{path}.fair"))?,
        (_, _, Some(_)) => {
            return Err(rule(
                path,
                "either `fair` or `frequency` and `magnitude`, not both",
            ));
        }
        (None, _, None) => return Err(rule(path, "a `frequency` (or the `fair` factors)")),
        (Some(_), None, None) => return Err(rule(path, "a `magnitude` (or the `fair` factors)")),
    };
    let mut risk =
        Risk::new(spec.id.as_str(), frequency, magnitude).map_err(at(format_args!("{path}.id")))?;
    if let Some(name) = &spec.name {
        risk = risk.with_name(name.as_str());
    }
    for (j, tag) in spec.csf.iter().enumerate() {
        risk = risk
            .with_csf([tag])
            .map_err(at(format_args!("{path}.csf[{j}]")))?;
    }
    Ok(risk)
}

fn frequency(spec: &FrequencySpec, path: &str) -> Built<Frequency> {
    match spec {
        FrequencySpec::Poisson(p) => {
            let path = format!("{path}.poisson");
            match (p.rate, p.ci90) {
                (Some(rate), None) => Frequency::poisson(rate).map_err(at_field(path, &["rate"])),
                (None, Some([low, high])) => {
                    Frequency::poisson_ci90(low, high).map_err(at(format_args!("{path}.ci90")))
                }
                _ => Err(rule(path, "exactly one of `rate` and `ci90`")),
            }
        }
        FrequencySpec::Bernoulli(b) => Frequency::bernoulli(b.probability)
            .map_err(at(format_args!("{path}.bernoulli.probability"))),
        FrequencySpec::NegativeBinomial(nb) => Frequency::negative_binomial(nb.mean, nb.variance)
            .map_err(at_field(
                format_args!("{path}.negative_binomial"),
                &["mean", "variance"],
            )),
        FrequencySpec::Fixed(f) => {
            Frequency::fixed(f.count).map_err(at(format_args!("{path}.fixed.count")))
        }
    }
}

fn magnitude(spec: &MagnitudeSpec, path: &str) -> Built<Magnitude> {
    const RANGE: &[&str] = &["min", "mode", "max", "lambda"];
    let (loss, cap, path) = match spec {
        MagnitudeSpec::Lognormal(l) => {
            let path = format!("{path}.lognormal");
            let loss = match (l.ci90, l.mu, l.sigma) {
                (Some([low, high]), None, None) => {
                    Magnitude::lognormal_ci90(low, high).map_err(at(format_args!("{path}.ci90")))
                }
                (None, Some(mu), Some(sigma)) => {
                    Magnitude::lognormal(mu, sigma).map_err(at_field(&path, &["mu", "sigma"]))
                }
                _ => Err(rule(&path, "either `ci90`, or both `mu` and `sigma`")),
            }?;
            (loss, l.cap, path)
        }
        MagnitudeSpec::Pert(p) => {
            let path = format!("{path}.pert");
            let loss = match p.lambda {
                None => Magnitude::pert(p.min, p.mode, p.max),
                Some(lambda) => Magnitude::pert_with_lambda(p.min, p.mode, p.max, lambda),
            }
            .map_err(at_field(&path, RANGE))?;
            (loss, p.cap, path)
        }
        MagnitudeSpec::Triangular(t) => {
            let path = format!("{path}.triangular");
            let loss =
                Magnitude::triangular(t.min, t.mode, t.max).map_err(at_field(&path, RANGE))?;
            (loss, t.cap, path)
        }
        MagnitudeSpec::Uniform(u) => {
            let path = format!("{path}.uniform");
            let loss = Magnitude::uniform(u.min, u.max).map_err(at_field(&path, RANGE))?;
            (loss, u.cap, path)
        }
        MagnitudeSpec::Gamma(g) => {
            let path = format!("{path}.gamma");
            let loss =
                Magnitude::gamma(g.shape, g.scale).map_err(at_field(&path, &["shape", "scale"]))?;
            (loss, g.cap, path)
        }
        MagnitudeSpec::Pareto(p) => {
            let path = format!("{path}.pareto");
            let fields = &["shape", "scale", "cap"];
            // An infinite-mean Pareto is only valid capped: build it with its cap at once.
            let loss = match p.cap {
                Some(cap) => Magnitude::pareto_capped(p.scale, p.shape, cap),
                None if p.shape > 0.0 && p.shape <= 1.0 => {
                    return Err(rule(
                        format_args!("{path}.cap"),
                        "a `cap` when `shape` <= 1 (the mean loss is infinite otherwise)",
                    ));
                }
                None => Magnitude::pareto(p.scale, p.shape),
            }
            .map_err(at_field(&path, fields))?;
            (loss, None, path)
        }
        MagnitudeSpec::Fixed(f) => {
            let path = format!("{path}.fixed");
            let loss = Magnitude::fixed(f.value).map_err(at(format_args!("{path}.value")))?;
            (loss, f.cap, path)
        }
        MagnitudeSpec::Empirical(e) => {
            let path = format!("{path}.empirical");
            let loss =
                Magnitude::empirical(&e.losses).map_err(at(format_args!("{path}.losses")))?;
            (loss, e.cap, path)
        }
    };
    match cap {
        Some(cap) => loss.with_cap(cap).map_err(at(format_args!("{path}.cap"))),
        None => Ok(loss),
    }
}

fn fraction(spec: &FractionSpec, path: &str) -> Built<Efficacy> {
    const RANGE: &[&str] = &["min", "mode", "max"];
    match spec {
        FractionSpec::Fixed(v) => Efficacy::fixed(*v).map_err(at(path)),
        FractionSpec::Uncertain(UncertainFractionSpec::Pert(r)) => {
            Efficacy::pert(r.min, r.mode, r.max).map_err(at_field(format!("{path}.pert"), RANGE))
        }
        FractionSpec::Uncertain(UncertainFractionSpec::Triangular(r)) => {
            Efficacy::triangular(r.min, r.mode, r.max)
                .map_err(at_field(format!("{path}.triangular"), RANGE))
        }
        FractionSpec::Uncertain(UncertainFractionSpec::Uniform(r)) => {
            Efficacy::uniform(r.min, r.max).map_err(at_field(format!("{path}.uniform"), RANGE))
        }
    }
}

/// The Open FAIR factors as the compound model: loss events are the threat events thinned by
/// the vulnerability; each loss event costs the primary loss plus, with its probability, the
/// secondary loss.
fn fair_factors(spec: &FairSpec, path: &str) -> Built<(Frequency, Magnitude)> {
    let tef = frequency(
        &spec.threat_event_frequency,
        &format!("{path}.threat_event_frequency"),
    )?;
    let vulnerability = fraction(&spec.vulnerability, &format!("{path}.vulnerability"))?;
    let lef = tef
        .thinned(vulnerability)
        .map_err(at(format_args!("{path}.vulnerability")))?;
    let primary = magnitude(&spec.primary_loss, &format!("{path}.primary_loss"))?;
    let loss = match &spec.secondary {
        None => primary,
        Some(secondary) => {
            let path = format!("{path}.secondary");
            let slm = magnitude(&secondary.loss, &format!("{path}.loss"))?;
            primary
                .with_secondary(secondary.probability, slm)
                .map_err(at_field(path, &["probability"]))?
        }
    };
    Ok((lef, loss))
}

fn control(spec: &ControlSpec, path: &str) -> Built<Control> {
    let function = Function::parse(&spec.function).map_err(at(format_args!("{path}.function")))?;
    let mut control =
        Control::new(spec.id.as_str(), function).map_err(at(format_args!("{path}.id")))?;
    if let Some(name) = &spec.name {
        control = control.with_name(name.as_str());
    }
    if let Some(category) = &spec.category {
        control = control
            .with_category(category)
            .map_err(at(format_args!("{path}.category")))?;
    }
    if let Some(cost) = &spec.cost {
        let cost = Cost::new(cost.upfront.unwrap_or(0.0), cost.annual.unwrap_or(0.0)).map_err(
            at_field(format_args!("{path}.cost"), &["upfront", "annual"]),
        )?;
        control = control.with_cost(cost);
    }
    if let Some(ids) = &spec.applies_to {
        if ids.is_empty() {
            return Err(rule(
                format_args!("{path}.applies_to"),
                "at least one risk id (omit the key for every risk)",
            ));
        }
        control = control.applies_to(ids);
    }
    if let Some(e) = &spec.efficacy {
        let p = format!("{path}.efficacy");
        let e = fraction(e, &p)?;
        control = control.with_efficacy(e).map_err(at(p))?;
    }
    if let Some(e) = &spec.frequency_efficacy {
        let p = format!("{path}.frequency_efficacy");
        let e = fraction(e, &p)?;
        control = control.with_frequency_efficacy(e).map_err(at(p))?;
    }
    if let Some(e) = &spec.magnitude_efficacy {
        let p = format!("{path}.magnitude_efficacy");
        let e = fraction(e, &p)?;
        control = control.with_magnitude_efficacy(e).map_err(at(p))?;
    }
    if let Some(t) = &spec.transfer {
        let p = format!("{path}.transfer");
        const TERMS: &[&str] = &[
            "deductible",
            "occurrence_limit",
            "aggregate_limit",
            "coinsurance",
        ];
        let mut transfer =
            Transfer::new(t.deductible, t.occurrence_limit).map_err(at_field(&p, TERMS))?;
        if let Some(limit) = t.aggregate_limit {
            transfer = transfer
                .with_aggregate_limit(limit)
                .map_err(at_field(&p, TERMS))?;
        }
        if let Some(share) = t.coinsurance {
            transfer = transfer
                .with_coinsurance(share)
                .map_err(at_field(&p, TERMS))?;
        }
        control = control.with_transfer(transfer).map_err(at(p))?;
    }
    if !control.has_effect() {
        return Err(rule(
            path,
            "at least one effect: `efficacy`, `frequency_efficacy`, `magnitude_efficacy` or `transfer`",
        ));
    }
    Ok(control)
}
