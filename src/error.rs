//! The one error type of the crate.

/// A `Result` whose error is this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in csfquant.
///
/// Each variant carries the name of the offending parameter, the value and the rule it broke, so
/// that a message reads like `invalid rate: -1 (expected a finite number >= 0)`. The enum is
/// `#[non_exhaustive]`: new variants can appear in minor releases.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A number lies outside its domain.
    #[error("invalid {name}: {} (expected {expected})", Num(*value))]
    InvalidParameter {
        /// Name of the parameter, as in the constructor's signature.
        name: &'static str,
        /// The value that was given.
        value: f64,
        /// The rule it breaks.
        expected: &'static str,
    },
    /// Two bounds are in the wrong order (or equal where they must differ).
    #[error(
        "invalid {name}: lower bound {} must be below upper bound {}",
        Num(*low),
        Num(*high)
    )]
    EmptyRange {
        /// Name of the pair of bounds, e.g. `ci90` or `min/max`.
        name: &'static str,
        /// The lower bound that was given.
        low: f64,
        /// The upper bound that was given.
        high: f64,
    },
    /// A mode (most likely value) lies outside `[min, max]`.
    #[error(
        "invalid mode: {} (expected a value in [min, max] = [{}, {}])",
        Num(*mode),
        Num(*min),
        Num(*max)
    )]
    ModeOutOfRange {
        /// The lower bound.
        min: f64,
        /// The mode that was given.
        mode: f64,
        /// The upper bound.
        max: f64,
    },
    /// A point of a curve (such as a risk tolerance curve) breaks a rule, on its own or against
    /// the other points.
    #[error(
        "invalid {curve} point {index} (loss {loss}, probability {probability}): expected {expected}"
    )]
    InvalidCurvePoint {
        /// Which curve, e.g. `tolerance`.
        curve: &'static str,
        /// The point's position in the input, from 0.
        index: usize,
        /// The point's loss, as given.
        loss: f64,
        /// The point's probability, as given.
        probability: f64,
        /// The rule it breaks.
        expected: &'static str,
    },
    /// A list that needs at least one element is empty.
    #[error("{name} must not be empty")]
    Empty {
        /// What is empty, e.g. `observed losses` or `risks`.
        name: &'static str,
    },
    /// An identifier is malformed.
    #[error("invalid {kind} {} (expected {expected})", Quoted(id))]
    InvalidId {
        /// What kind of identifier, e.g. `risk id`.
        kind: &'static str,
        /// The identifier that was given.
        id: String,
        /// The rule it breaks.
        expected: &'static str,
    },
    /// Two items share an identifier that must be unique.
    #[error("duplicate {kind} {} (ids must be unique)", Quoted(id))]
    DuplicateId {
        /// What kind of identifier, e.g. `risk id`.
        kind: &'static str,
        /// The repeated identifier.
        id: String,
    },
    /// A string is not a NIST CSF 2.0 (or mappable CSF 1.1) identifier.
    #[error("unknown CSF id {} ({reason})", Quoted(id))]
    UnknownCsfId {
        /// The identifier that was given.
        id: String,
        /// Why it was not recognised.
        reason: &'static str,
    },
    /// A CSF 1.1 identifier whose NIST links do not lead to a single CSF 2.0 category or
    /// subcategory.
    #[error("CSF 1.1 id {} has no single CSF 2.0 successor: {reason}", Quoted(id))]
    UnmappableCsf11 {
        /// The CSF 1.1 identifier that was given.
        id: String,
        /// What NIST's mapping says instead.
        reason: &'static str,
    },
    /// A control's category belongs to another CSF function than the control's.
    #[error(
        "control {}: category {category} belongs to {actual}, not {function}",
        Quoted(control)
    )]
    CategoryOutsideFunction {
        /// The control's id.
        control: String,
        /// The id of the category that was given, e.g. `DE.CM`.
        category: &'static str,
        /// The name of the control's function, e.g. `Protect`.
        function: &'static str,
        /// The name of the function the category belongs to.
        actual: &'static str,
    },
    /// The shorthand efficacy was given to a Govern or Identify control, which has no natural
    /// lever.
    #[error(
        "control {}: the shorthand efficacy has no natural lever in {function} (give a frequency or magnitude efficacy)",
        Quoted(control)
    )]
    NoNaturalLever {
        /// The control's id.
        control: String,
        /// The name of the control's function, e.g. `Govern`.
        function: &'static str,
    },
    /// One effect of a control was given twice (e.g. the shorthand efficacy of a Protect control
    /// and a frequency efficacy).
    #[error("control {}: {effect} is given twice", Quoted(control))]
    DuplicateEffect {
        /// The control's id.
        control: String,
        /// The effect: `frequency efficacy`, `magnitude efficacy` or `transfer`.
        effect: &'static str,
    },
    /// A control without any effect.
    #[error(
        "control {} has no effect (give an efficacy, a frequency or magnitude efficacy, or a transfer)",
        Quoted(control)
    )]
    NoEffect {
        /// The control's id.
        control: String,
    },
    /// A control applies to a risk id that is not in the model.
    #[error(
        "control {}: applies_to names unknown risk {}",
        Quoted(control),
        Quoted(risk)
    )]
    UnknownRisk {
        /// The control's id.
        control: String,
        /// The risk id that is not in the model.
        risk: String,
    },
    /// A control's list of risks is given but empty.
    #[error(
        "control {}: applies_to is empty (omit it to apply the control to every risk)",
        Quoted(control)
    )]
    AppliesToNothing {
        /// The control's id.
        control: String,
    },
    /// Two control ids give the same random stream (their 64-bit hashes collide), so the two
    /// controls would not act independently.
    #[error(
        "controls {} and {} would share a random stream (their ids' 64-bit hashes collide): rename one",
        Quoted(first),
        Quoted(second)
    )]
    StreamCollision {
        /// The first control's id.
        first: String,
        /// The second control's id.
        second: String,
    },
    /// A control manages a control id that is not in the model.
    #[error(
        "control {}: manages names unknown control {}",
        Quoted(control),
        Quoted(managed)
    )]
    UnknownManagedControl {
        /// The managing control's id.
        control: String,
        /// The managed id that is not in the model.
        managed: String,
    },
    /// Controls manage each other in a cycle (a control managing itself included).
    #[error("controls manage each other in a cycle: {cycle}")]
    ManagementCycle {
        /// The ids around the cycle, `a -> b -> a`.
        cycle: String,
    },
    /// A control's reliability, coverage or management breaks a rule that involves its other
    /// settings or another control.
    #[error("control {}: {rule}", Quoted(control))]
    InvalidReliability {
        /// The control's id.
        control: String,
        /// The rule it breaks.
        rule: &'static str,
    },
    /// More distinct parties, groups or managing controls than the engine accepts.
    #[error("too many {kind}: {count} (expected at most {max})")]
    TooManyGroups {
        /// What there are too many of: `parties`, `groups` or `managing controls`.
        kind: &'static str,
        /// The number given.
        count: usize,
        /// The largest accepted number.
        max: usize,
    },
    /// More insurance (transfer) controls than the engine accepts.
    #[error("too many transfer controls: {count} (expected at most {max})")]
    TooManyTransfers {
        /// The number of transfer controls given.
        count: usize,
        /// The largest accepted number.
        max: usize,
    },
    /// More controls than the engine accepts.
    #[error("too many controls: {count} (expected at most {max})")]
    TooManyControls {
        /// The number of controls given.
        count: usize,
        /// The largest accepted number.
        max: usize,
    },
    /// A simulation was asked for zero trials, or statistics of an empty sample.
    #[error("no trials: a simulation needs at least one trial")]
    NoTrials,
    /// More trials than the engine accepts.
    #[error("too many trials: {trials} (expected at most {max})")]
    TooManyTrials {
        /// The trial count that was asked for.
        trials: u64,
        /// The largest accepted trial count.
        max: u64,
    },
    /// A run would need more random draws than the engine accepts (it would run for hours).
    #[error(
        "too much work: about {draws:.3e} random draws (expected at most {max:.0e}; reduce the trials, the frequencies or the number of risks)"
    )]
    TooMuchWork {
        /// Trials times the expected draws per simulated year.
        draws: f64,
        /// The largest accepted expected draw count.
        max: f64,
    },
    /// The memory for the per-trial loss vectors could not be reserved.
    #[error("out of memory: cannot reserve {bytes} bytes for {trials} trials")]
    OutOfMemory {
        /// The trial count that was asked for.
        trials: u64,
        /// The bytes that could not be reserved.
        bytes: u64,
    },
    /// An annual loss is not a finite number: given as NaN or infinite, or a simulated sum that
    /// overflowed `f64`.
    #[error(
        "an annual loss is not finite (a simulated sum overflows f64 when magnitudes are extremely heavy-tailed: cap them)"
    )]
    NonFiniteLoss,
    /// A scenario file could not be read (missing, unreadable, or neither `.json` nor `.toml`).
    #[error("cannot read scenario {file}: {reason}")]
    ReadScenario {
        /// The file, as given.
        file: String,
        /// The I/O error's kind (such as [`std::io::ErrorKind::NotFound`]); `None` when the
        /// file was not opened because its extension names no format.
        kind: Option<std::io::ErrorKind>,
        /// What went wrong, as the operating system says it.
        reason: String,
    },
    /// A scenario is not valid JSON/TOML, or its keys and value types do not fit the format
    /// (an unknown or missing key, a string where a number belongs).
    #[error("{}", located(file, *line, *column, path, message))]
    ScenarioSyntax {
        /// The file, as given (empty for text without a file).
        file: String,
        /// Where in the scenario, e.g. `risks[2].magnitude.lognormal` (empty for the root).
        path: String,
        /// The 1-based line, when the parser knows it.
        line: Option<usize>,
        /// The 1-based column, when the parser knows it.
        column: Option<usize>,
        /// The parser's message.
        message: String,
    },
    /// A value in a scenario breaks a rule.
    #[error("{}", located(file, None, None, path, &source.to_string()))]
    InvalidScenario {
        /// The file, as given (empty for a spec built in code).
        file: String,
        /// The path of the offending value, e.g. `risks[2].magnitude.lognormal.ci90`.
        path: String,
        /// The error of the constructor that refused the value: the value and the rule it
        /// breaks (match on it to handle a kind of mistake).
        source: Box<Error>,
    },
    /// A rule of the scenario format itself, e.g. exactly one of two keys.
    #[error("expected {rule}")]
    ScenarioRule {
        /// The rule.
        rule: &'static str,
    },
    /// A number that looks like a percentage where a fraction in [0, 1] belongs (`50` for `0.5`):
    /// the error of the constructor that refused it, with the fraction probably meant. Scenario
    /// files give this hint inside [`Error::InvalidScenario`], whose
    /// [`source_error`](Error::source_error) is still the constructor's error.
    #[error(
        "{error}; {} looks like a percentage: write {}",
        Num(*value),
        percent_as_fraction(*value)
    )]
    LooksLikePercentage {
        /// The constructor's error, naming the parameter and the rule.
        error: Box<Error>,
        /// The value as given, in (1, 100].
        value: f64,
    },
    /// A currency code that is not three upper-case letters.
    #[error(
        "invalid currency {} (expected an ISO 4217 code: three upper-case letters, e.g. USD)",
        Quoted(code)
    )]
    InvalidCurrency {
        /// The code that was given.
        code: String,
    },
    /// A figure of a report is not finite: the simulated annual losses are too large to add
    /// up in `f64` (cap the magnitudes).
    #[error(
        "the report's {key} is {value}: annual losses this large overflow f64 (cap the magnitudes)"
    )]
    NonFiniteFigure {
        /// Where in the report, e.g. `inherent.std_dev`.
        key: &'static str,
        /// The value, NaN or infinite.
        value: f64,
    },
    /// A model part that the scenario file format cannot express.
    #[error("risk {} cannot be written as a scenario file: {reason}", Quoted(risk))]
    Unwritable {
        /// The risk's id.
        risk: String,
        /// What the format lacks.
        reason: &'static str,
    },
    /// The run's [`Monitor`](crate::Monitor) asked it to stop.
    #[error("the run was cancelled by its monitor")]
    Cancelled,
    /// More exceedance thresholds than a report accepts.
    #[error("too many thresholds: {count} (expected at most {max})")]
    TooManyThresholds {
        /// The number given.
        count: usize,
        /// The largest accepted number.
        max: usize,
    },
    /// A list in a scenario is longer than the format allows. It is refused while it is read,
    /// so its length is not known: only that it goes on past `max`.
    #[error("too many {list}: the list is longer than the limit of {max}")]
    TooManyEntries {
        /// What the list holds, e.g. `tolerance points`.
        list: &'static str,
        /// The most entries accepted.
        max: usize,
    },
    /// A scenario file or text longer than its format accepts
    /// ([`Scenario::MAX_JSON_BYTES`](crate::Scenario::MAX_JSON_BYTES),
    /// [`Scenario::MAX_TOML_BYTES`](crate::Scenario::MAX_TOML_BYTES)), refused before it is
    /// read (or parsed).
    #[error("{}", too_large(file, *bytes, *max, limit))]
    InputTooLarge {
        /// The file, as given (empty for text without a file).
        file: String,
        /// Its size in bytes, when known (a file whose reported size is small but that goes on
        /// past the limit, such as a pipe, is only known to be longer).
        bytes: Option<u64>,
        /// The largest accepted size in bytes.
        max: u64,
        /// The constant that sets it, e.g. `Scenario::MAX_TOML_BYTES`.
        limit: &'static str,
    },
    /// A TOML scenario text longer than
    /// [`Scenario::MAX_TOML_DOCUMENT_BYTES`](crate::Scenario::MAX_TOML_DOCUMENT_BYTES) whose parts cannot be read that short: a
    /// longer text is read in parts (its risks a few at a time), which needs its risks written
    /// as `[[risks]]` tables in one run or as one `risks = [...]` array, and each part (the
    /// text apart from its risks, one risk) within the limit.
    #[error(
        "{}{what} is {bytes} bytes, longer than a TOML document is read in (expected at most \
         {max} bytes, Scenario::MAX_TOML_DOCUMENT_BYTES): a longer TOML text is read a few \
         risks at a time, so write its risks as `[[risks]]` tables in one run or as one \
         `risks = [...]` array, keeping the rest short, or write the scenario as JSON",
        if file.is_empty() { String::new() } else { format!("{file}: ") }
    )]
    TomlDocumentTooLarge {
        /// The file, as given (empty for text without a file).
        file: String,
        /// What is too long: the text, the text apart from its risks, or `risks[K]`.
        what: String,
        /// Its length in bytes.
        bytes: u64,
        /// The longest accepted, in bytes.
        max: u64,
    },
    /// A set of candidate controls names one that is not a candidate of the model (unknown,
    /// or in place already).
    #[error("{} is not a candidate control of the model", Quoted(id))]
    UnknownCandidate {
        /// The id (or `#index`) given.
        id: String,
    },
    /// More candidate controls than a budget search accepts.
    #[error("too many candidate controls: {count} (expected at most {max})")]
    TooManyCandidates {
        /// The number of candidates.
        count: usize,
        /// The largest accepted number.
        max: usize,
    },
    /// A shock or frailty names a risk id that is not in the model.
    #[error("{kind} {}: names unknown risk {}", Quoted(id), Quoted(risk))]
    UnknownDependentRisk {
        /// `shock` or `frailty`.
        kind: &'static str,
        /// The shock's or frailty's id.
        id: String,
        /// The risk id that is not in the model.
        risk: String,
    },
    /// A shock or frailty names one risk twice, or a risk is in two frailties.
    #[error(
        "{kind} {}: risk {} is listed twice ({rule})",
        Quoted(id),
        Quoted(risk)
    )]
    RepeatedDependentRisk {
        /// `shock` or `frailty`.
        kind: &'static str,
        /// The shock's or frailty's id.
        id: String,
        /// The repeated risk id.
        risk: String,
        /// Why it is refused.
        rule: &'static str,
    },
    /// A frailty lists a risk whose frequency cannot be scaled by a yearly factor.
    #[error(
        "frailty {}: cannot scale the frequency of risk {} ({kind}: a probability or a count \
         cannot be multiplied past its bound; give the risk a Poisson, uncertain-rate or \
         negative binomial frequency)",
        Quoted(frailty),
        Quoted(risk)
    )]
    FrailtyCannotScale {
        /// The frailty's id.
        frailty: String,
        /// The risk's id.
        risk: String,
        /// The risk's frequency kind.
        kind: &'static str,
    },
    /// A shock hits more risks than it may.
    #[error("shock {}: too many hits (expected at most {max})", Quoted(shock))]
    TooManyHits {
        /// The shock's id.
        shock: String,
        /// The most hits accepted.
        max: usize,
    },
}

impl Error {
    /// Whether the cause is in what the caller gave: a parameter, an id, a scenario file or
    /// text, or a run larger than the engine accepts. Fix the input and try again (a command
    /// line tool exits with status 2, a web service answers 4xx). False for failures of the
    /// machine, such as memory that cannot be reserved, and for a cancelled run.
    ///
    /// ```
    /// use csfquant::Frequency;
    /// let e = Frequency::poisson(-1.0).unwrap_err();
    /// assert!(e.is_input() && !e.is_limit());
    /// ```
    pub fn is_input(&self) -> bool {
        !matches!(
            self.source_error().unwrap_or(self),
            Error::OutOfMemory { .. } | Error::Cancelled
        )
    }

    /// Whether a limit of the engine or of the scenario format refused the request, the input
    /// being otherwise valid: too many trials, controls, transfers or thresholds, too much work,
    /// not enough memory, a scenario list longer than the format allows or a scenario file
    /// larger than its format accepts ([`Scenario::MAX_JSON_BYTES`](crate::Scenario::MAX_JSON_BYTES)). The
    /// engine's limits are in the crate documentation.
    pub fn is_limit(&self) -> bool {
        matches!(
            self,
            Error::TooManyTrials { .. }
                | Error::TooMuchWork { .. }
                | Error::TooManyControls { .. }
                | Error::TooManyTransfers { .. }
                | Error::TooManyGroups { .. }
                | Error::TooManyThresholds { .. }
                | Error::TooManyEntries { .. }
                | Error::InputTooLarge { .. }
                | Error::TomlDocumentTooLarge { .. }
                | Error::OutOfMemory { .. }
        ) || self.source_error().is_some_and(Error::is_limit)
    }

    /// The scenario file named in the error, if it comes from one.
    pub fn file(&self) -> Option<&str> {
        match self {
            Error::ReadScenario { file, .. }
            | Error::ScenarioSyntax { file, .. }
            | Error::InvalidScenario { file, .. }
            | Error::InputTooLarge { file, .. }
            | Error::TomlDocumentTooLarge { file, .. }
                if !file.is_empty() =>
            {
                Some(file)
            }
            _ => None,
        }
    }

    /// Where in the scenario the offending value is, e.g. `risks[2].magnitude.lognormal.ci90`
    /// (`Some("")` for the scenario's root), if the error comes from a scenario.
    pub fn path(&self) -> Option<&str> {
        match self {
            Error::ScenarioSyntax { path, .. } | Error::InvalidScenario { path, .. } => Some(path),
            _ => None,
        }
    }

    /// The constructor's error behind a scenario error ([`Error::InvalidScenario`]): the value
    /// and the rule it breaks, to match on (without the hint of an
    /// [`Error::LooksLikePercentage`]).
    pub fn source_error(&self) -> Option<&Error> {
        match self {
            Error::InvalidScenario { source, .. } => match &**source {
                Error::LooksLikePercentage { error, .. } => Some(error),
                source => Some(source),
            },
            _ => None,
        }
    }

    /// The kind of the I/O error for a scenario file that could not be read.
    pub fn io_error_kind(&self) -> Option<std::io::ErrorKind> {
        match self {
            Error::ReadScenario { kind, .. } => *kind,
            _ => None,
        }
    }
}

/// A number in a message: as written for everyday magnitudes, in scientific notation beyond
/// them (`1e308` rather than 309 digits).
struct Num(f64);

impl std::fmt::Display for Num {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let a = self.0.abs();
        if a.is_finite() && (a >= 1e16 || (a != 0.0 && a < 1e-6)) {
            write!(f, "{:e}", self.0)
        } else {
            write!(f, "{}", self.0)
        }
    }
}

/// `percent` / 100 as written by hand: the decimal point moved two places, so that 33.3 gives
/// `0.333`, not the nearest `f64` to 0.333 (`0.33299999999999996`).
pub(crate) fn percent_as_fraction(percent: f64) -> String {
    if !percent.is_finite() {
        return Num(percent / 100.0).to_string();
    }
    // `Display` of a finite `f64` never uses an exponent: a sign, digits, at most one point.
    let text = percent.to_string();
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (whole, decimals) = digits.split_once('.').unwrap_or((digits, ""));
    let whole = whole.trim_start_matches('0');
    let (whole, moved) = if whole.len() > 2 {
        whole.split_at(whole.len() - 2)
    } else {
        ("", whole)
    };
    let decimals = format!("{moved:0>2}{decimals}");
    let decimals = decimals.trim_end_matches('0');
    let whole = if whole.is_empty() { "0" } else { whole };
    if decimals.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{decimals}")
    }
}

/// The most characters of the input an error message quotes: a key, an id, a string value.
/// Longer ones are cut to this length, the last character an ellipsis (`…`), so that a message
/// stays one readable line whatever the input holds.
pub(crate) const MAX_QUOTED_CHARS: usize = 64;

/// `text` as an error message or a scenario path quotes it: whole up to [`MAX_QUOTED_CHARS`]
/// characters, otherwise its first characters and an ellipsis. Every message that quotes the
/// input goes through this one function (through [`Quoted`] and [`shorten_strings`]), and so do
/// the keys of scenario paths.
pub(crate) fn shorten(text: &str) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(MAX_QUOTED_CHARS) {
        None => std::borrow::Cow::Borrowed(text),
        Some(_) => {
            let end = text
                .char_indices()
                .nth(MAX_QUOTED_CHARS - 1)
                .map_or(text.len(), |(i, _)| i);
            std::borrow::Cow::Owned(format!("{}…", &text[..end]))
        }
    }
}

/// A piece of the input in a message: [`shorten`]ed, in double quotes with Rust's escapes.
pub(crate) struct Quoted<'a>(pub(crate) &'a str);

impl std::fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", shorten(self.0))
    }
}

/// A parser's message with every string value it quotes [`shorten`]ed: serde writes a string
/// found where another type belongs as `string "..."`, with Rust's escapes, whatever its length.
#[cfg(feature = "scenario")]
pub(crate) fn shorten_strings(message: &str) -> String {
    const MARK: &str = "string \"";
    let mut out = String::with_capacity(message.len().min(1024));
    let mut rest = message;
    while let Some(at) = rest.find(MARK) {
        let start = at + MARK.len();
        out.push_str(&rest[..start]);
        let body = &rest[start..];
        // The closing quote is the first one not escaped (Debug escapes `"` and `\`).
        let mut escaped = false;
        let end = body.char_indices().find_map(|(i, c)| match c {
            _ if escaped => {
                escaped = false;
                None
            }
            '\\' => {
                escaped = true;
                None
            }
            '"' => Some(i),
            _ => None,
        });
        let Some(end) = end else {
            out.push_str(&shorten(body));
            return out;
        };
        out.push_str(&shorten(&body[..end]));
        rest = &body[end..];
    }
    out.push_str(rest);
    out
}

/// The message of [`Error::InputTooLarge`].
fn too_large(file: &str, bytes: Option<u64>, max: u64, limit: &str) -> String {
    let what = if file.is_empty() {
        "the scenario".to_string()
    } else {
        format!("scenario {file}")
    };
    let size = match bytes {
        Some(bytes) => format!("{bytes} bytes"),
        None => format!("more than {max} bytes"),
    };
    format!("{what} is too large: {size} (expected at most {max} bytes, {limit})")
}

/// `file:line:column: path: message`, leaving out the parts that are unknown or empty.
fn located(
    file: &str,
    line: Option<usize>,
    column: Option<usize>,
    path: &str,
    message: &str,
) -> String {
    let mut out = String::new();
    if !file.is_empty() {
        out.push_str(file);
        if let Some(line) = line {
            out.push_str(&format!(":{line}"));
            if let Some(column) = column {
                out.push_str(&format!(":{column}"));
            }
        }
        out.push_str(": ");
    } else if let Some(line) = line {
        out.push_str(&format!("line {line}"));
        if let Some(column) = column {
            out.push_str(&format!(", column {column}"));
        }
        out.push_str(": ");
    }
    if !path.is_empty() {
        out.push_str(path);
        out.push_str(": ");
    }
    out.push_str(message);
    out
}

impl Error {
    /// Shorthand for [`Error::InvalidParameter`].
    #[cold]
    pub(crate) fn invalid(name: &'static str, value: f64, expected: &'static str) -> Error {
        Error::InvalidParameter {
            name,
            value,
            expected,
        }
    }

    /// Shorthand for [`Error::EmptyRange`].
    #[cold]
    pub(crate) fn empty_range(name: &'static str, low: f64, high: f64) -> Error {
        Error::EmptyRange { name, low, high }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn predicates_sort_errors_for_callers() {
        let oom = Error::OutOfMemory {
            trials: 10,
            bytes: 80,
        };
        assert!(!oom.is_input() && oom.is_limit());
        let bad = Error::invalid("rate", -1.0, "a finite number >= 0");
        assert!(bad.is_input() && !bad.is_limit());
        let located = Error::InvalidScenario {
            file: "a.toml".into(),
            path: "controls".into(),
            source: Box::new(Error::TooManyControls {
                count: 300,
                max: 256,
            }),
        };
        assert!(located.is_input() && located.is_limit());
        assert_eq!(located.file(), Some("a.toml"));
        assert_eq!(located.path(), Some("controls"));
        assert!(matches!(
            located.source_error(),
            Some(Error::TooManyControls { .. })
        ));
        let missing = Error::ReadScenario {
            file: "x.toml".into(),
            kind: Some(std::io::ErrorKind::NotFound),
            reason: "No such file".into(),
        };
        assert_eq!(missing.io_error_kind(), Some(std::io::ErrorKind::NotFound));
        assert_eq!(missing.path(), None);
        assert_eq!(bad.file(), None);
    }

    #[test]
    fn percentages_are_moved_two_places() {
        for (percent, fraction) in [
            (50.0, "0.5"),
            (100.0, "1"),
            (7.0, "0.07"),
            (12.5, "0.125"),
            (33.3, "0.333"),
            (1.5, "0.015"),
            (99.99, "0.9999"),
            (1.0000001, "0.010000001"),
            (250.0, "2.5"),
            (12345.6, "123.456"),
            (-40.0, "-0.4"),
            (0.0, "0"),
        ] {
            assert_eq!(percent_as_fraction(percent), fraction, "{percent}");
        }
        assert_eq!(percent_as_fraction(f64::INFINITY), "inf");
        let e = Error::LooksLikePercentage {
            error: Box::new(Error::invalid("efficacy", 50.0, "a fraction in [0, 1]")),
            value: 50.0,
        };
        assert_eq!(
            e.to_string(),
            "invalid efficacy: 50 (expected a fraction in [0, 1]); 50 looks like a percentage: write 0.5"
        );
        let located = Error::InvalidScenario {
            file: String::new(),
            path: "controls[0].efficacy".into(),
            source: Box::new(e),
        };
        assert!(matches!(
            located.source_error(),
            Some(Error::InvalidParameter {
                name: "efficacy",
                ..
            })
        ));
    }

    #[test]
    fn quotes_of_the_input_are_shortened() {
        let long = "é".repeat(100);
        let short = shorten(&long);
        assert_eq!(short.chars().count(), MAX_QUOTED_CHARS);
        assert!(short.ends_with('…') && short.starts_with("éé"));
        assert_eq!(shorten("ransomware"), "ransomware");
        let exact = "x".repeat(MAX_QUOTED_CHARS);
        assert_eq!(shorten(&exact), exact.as_str());
        let e = Error::UnknownRisk {
            control: "mfa".into(),
            risk: "r".repeat(3000),
        };
        let text = e.to_string();
        assert!(text.len() < 150, "{text}");
        assert!(
            text.ends_with(&format!("\"{}…\"", "r".repeat(63))),
            "{text}"
        );
    }

    #[cfg(feature = "scenario")]
    #[test]
    fn parser_messages_quote_strings_shortened() {
        let long = format!("a\\\"{}", "b".repeat(200));
        let message = format!("invalid type: string {long:?}, expected f64; string \"ok\" too");
        let short = shorten_strings(&message);
        assert_eq!(
            short,
            format!(
                "invalid type: string \"a\\\\\\\"{}…\", expected f64; string \"ok\" too",
                "b".repeat(58)
            )
        );
        // An unterminated string is shortened to the end.
        assert_eq!(
            shorten_strings(&format!("string \"{}", "c".repeat(100))),
            format!("string \"{}…", "c".repeat(63))
        );
        assert_eq!(shorten_strings("no strings here"), "no strings here");
    }

    #[test]
    fn empty_range_names_both_bounds() {
        let e = Error::empty_range("ci90", 5e5, 1e5);
        assert_eq!(
            e.to_string(),
            "invalid ci90: lower bound 500000 must be below upper bound 100000"
        );
    }
}
