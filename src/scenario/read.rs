//! Reading a scenario: text -> [`ScenarioSpec`] (serde, shape only) -> validated [`Scenario`]
//! through the public constructors, every failure located by the path of the value that caused it.

use std::collections::HashSet;
use std::fmt::Display;
use std::io::Read;
use std::path::Path;

use serde_path_to_error::Segment;

use crate::csf::Function;
use crate::engine::budget::Objective;
use crate::engine::simulate::SimulationOptions;
use crate::error::{Error, Result, shorten, shorten_strings};
use crate::model::Model;
use crate::model::control::{Control, Status};
use crate::model::efficacy::Efficacy;
use crate::model::finance::{Cost, Finance};
use crate::model::frequency::Frequency;
use crate::model::magnitude::Magnitude;
use crate::model::risk::Risk;
use crate::model::tolerance::ToleranceCurve;
use crate::model::transfer::Transfer;
use crate::model::{Frailty, Management, Reliability, Shock};
use crate::report::budget::Budget;
use crate::scenario::spec::{self, List};
use crate::scenario::spec::{
    BudgetSpec, ControlSpec, FairSpec, FractionSpec, FrequencySpec, MagnitudeSpec, PoissonSpec,
    ReliabilitySpec, RiskSpec, ScenarioSpec, UncertainFractionSpec,
};
use crate::scenario::{Format, Scenario, scan};

// ---------------------------------------------------------------------------------------------
// File -> text.

/// Reads a scenario file of at most `format`'s limit of bytes, refusing a larger one by its size
/// on disk before reading it, and by reading at most one byte past the limit (a pipe or a
/// device reports no useful size).
pub(super) fn read_bounded(path: &Path, file: &str, format: Format) -> Result<String> {
    let (max, limit) = format.max_bytes();
    let io = |e: std::io::Error| Error::ReadScenario {
        file: file.to_string(),
        kind: Some(e.kind()),
        reason: e.to_string(),
    };
    let too_large = |bytes| Error::InputTooLarge {
        file: file.to_string(),
        bytes,
        max,
        limit,
    };
    let handle = std::fs::File::open(path).map_err(io)?;
    let size = handle.metadata().map_err(io)?.len();
    if size > max {
        return Err(too_large(Some(size)));
    }
    // `size` fits in memory: it is at most the limit.
    let mut bytes = Vec::with_capacity(size as usize);
    handle.take(max + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > max {
        return Err(too_large(None));
    }
    // The same error as `std::fs::read_to_string`'s.
    String::from_utf8(bytes).map_err(|_| Error::ReadScenario {
        file: file.to_string(),
        kind: Some(std::io::ErrorKind::InvalidData),
        reason: "stream did not contain valid UTF-8".to_string(),
    })
}

// ---------------------------------------------------------------------------------------------
// Text -> spec.

pub(super) fn parse_json(text: &str, file: &str) -> Result<ScenarioSpec> {
    scan::json(text).map_err(|r| refused(file, text, r))?;
    let mut de = serde_json::Deserializer::from_str(text);
    let spec = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path: Vec<Segment> = e.path().iter().cloned().collect();
        json_error(file, &path, e.into_inner())
    })?;
    de.end().map_err(|e| json_error(file, &[], e))?;
    Ok(spec)
}

fn json_error(file: &str, path: &[Segment], e: serde_json::Error) -> Error {
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

/// TOML texts longer than this are read a few risks at a time when they can be
/// ([`parse_toml_in_parts`]).
const TOML_IN_PARTS_ABOVE: usize = 1 << 20;

/// About how much text of `[[risks]]` entries [`parse_toml_in_parts`] gives the toml crate at
/// once (an entry is never split).
const TOML_PART_BYTES: usize = 256 << 10;

pub(super) fn parse_toml(text: &str, file: &str) -> Result<ScenarioSpec> {
    // Before the toml crate parses the text into memory (60 to 90 bytes a byte: every token,
    // every parser event and the document's tree at once).
    let outline = scan::toml_outline(text).map_err(|r| refused(file, text, r))?;
    let whole_max = Scenario::MAX_TOML_DOCUMENT_BYTES as usize;
    if text.len() <= TOML_IN_PARTS_ABOVE {
        return parse_toml_whole(text, file);
    }
    let parts = match &outline {
        Ok(outline) => parse_toml_in_parts(text, file, outline, TOML_PART_BYTES),
        Err(_) => None,
    };
    match (parts, outline) {
        (Some(Ok(spec)), _) => Ok(spec),
        // A text short enough to read whole gives its error from the whole document, the
        // reference the parts' errors are tested against.
        _ if text.len() <= whole_max => parse_toml_whole(text, file),
        (Some(Err(e)), _) => Err(e),
        (None, Err(stop)) => Err(not_followed(file, text, stop)),
        (None, Ok(_)) => Err(document_too_large(
            file,
            "the text (its risks are neither `[[risks]]` tables in one run nor one \
             `risks = [...]` array)",
            text.len(),
        )),
    }
}

/// The text as one document: what every error comes from.
fn parse_toml_whole(text: &str, file: &str) -> Result<ScenarioSpec> {
    parse_toml_document(text, file, text, &[Piece::WHOLE], 0)
}

/// A piece of a TOML document made from the text: the document's bytes from `at` on are the
/// text's from `from` on, for `len` bytes (0 for text the reader wrote, such as `risks = [`).
#[derive(Clone, Copy)]
struct Piece {
    at: usize,
    from: usize,
    len: usize,
}

impl Piece {
    const WHOLE: Piece = Piece {
        at: 0,
        from: 0,
        len: usize::MAX,
    };
}

/// `document` (made of `pieces` of `text`) as a spec of type `T`; an error is located in
/// `text`, its path's first risk index moved by `first_risk` (the part's first risk's index).
fn parse_toml_document<T: serde::de::DeserializeOwned>(
    document: &str,
    file: &str,
    text: &str,
    pieces: &[Piece],
    first_risk: usize,
) -> Result<T> {
    let to_text = |offset: usize| {
        let piece = pieces
            .iter()
            .rev()
            .find(|p| p.at <= offset)
            .unwrap_or(&Piece::WHOLE);
        piece.from + (offset - piece.at).min(piece.len)
    };
    let span = |e: &toml::de::Error| e.span().map(|s| to_text(s.start)..to_text(s.end));
    let de = toml::Deserializer::parse(document)
        .map_err(|e| toml_error(file, text, &[], span(&e), e.message()))?;
    serde_path_to_error::deserialize(de).map_err(|e| {
        let mut path: Vec<Segment> = e.path().iter().cloned().collect();
        if let [Segment::Map { key }, Segment::Seq { index }, ..] = path.as_mut_slice()
            && key == "risks"
        {
            *index += first_risk;
        }
        let e = e.into_inner();
        toml_error(file, text, &path, span(&e), e.message())
    })
}

/// The error for a TOML text too long to read as one document, where the scan that splits it
/// into parts stopped (at `stop`): most likely a syntax error there. Reading it whole for the
/// parser's own message would cost 60 to 90 bytes a byte of the text.
fn not_followed(file: &str, text: &str, stop: usize) -> Error {
    let (line, column) = line_column(text, stop);
    Error::ScenarioSyntax {
        file: file.to_string(),
        path: String::new(),
        line: Some(line),
        column: Some(column),
        message: format!(
            "the text does not read here (a syntax error at or just before this place, or TOML \
             the reader of long texts does not follow); a TOML text longer than {} bytes \
             (Scenario::MAX_TOML_DOCUMENT_BYTES) is read a few risks at a time: fix the text \
             here, or write the scenario as JSON",
            Scenario::MAX_TOML_DOCUMENT_BYTES
        ),
    }
}

/// The error for a TOML text, or a part of one, too long to read as one document.
fn document_too_large(file: &str, what: &str, bytes: usize) -> Error {
    Error::TomlDocumentTooLarge {
        file: file.to_string(),
        what: what.to_string(),
        bytes: bytes as u64,
        max: Scenario::MAX_TOML_DOCUMENT_BYTES,
    }
}

/// A long TOML text whose risks are `[[risks]]` tables in one run of headers (see
/// [`scan::Outline::risk_sections`]), read in parts so that the toml crate's memory (60 to 90
/// bytes a byte of the part) is spent on a few hundred kilobytes at a time: the text without
/// its risks but the first, then the other risks, [`TOML_PART_BYTES`] of text at a time. Each
/// part is a TOML document that means there what it means in the whole text (a `[[risks]]`
/// entry with its `[risks.…]` tables is a table of its own, and nothing else names `risks`),
/// so a part's error is the whole text's, located in the whole text. `None` when the text is
/// not so written; an error too when a part is longer than
/// [`Scenario::MAX_TOML_DOCUMENT_BYTES`] (the text apart from its risks, or one risk).
fn parse_toml_in_parts(
    text: &str,
    file: &str,
    outline: &scan::Outline,
    part_bytes: usize,
) -> Option<Result<ScenarioSpec>> {
    if let Some(((open, close), entries)) = outline.inline_risks() {
        return parse_inline_risks_in_parts(text, file, (open, close), entries, part_bytes);
    }
    let (starts, end) = outline.risk_sections()?;
    let second = *starts.get(1)?;
    let read = || -> Result<ScenarioSpec> {
        let mut rest = String::with_capacity(text.len() - (end - second));
        rest.push_str(&text[..second]);
        rest.push_str(&text[end..]);
        let pieces = [
            Piece::WHOLE,
            Piece {
                at: second,
                from: end,
                len: usize::MAX,
            },
        ];
        let mut spec: ScenarioSpec = parse_part(&rest, file, text, &pieces, None)?;
        let mut k = 1;
        while k < starts.len() {
            let begin = starts[k];
            let mut next = k + 1;
            while next < starts.len() && starts[next] - begin < part_bytes {
                next += 1;
            }
            let stop = starts.get(next).copied().unwrap_or(end);
            let pieces = [Piece {
                at: 0,
                from: begin,
                len: usize::MAX,
            }];
            let part: PartRisks =
                parse_part(&text[begin..stop], file, text, &pieces, Some((k, next - 1)))?;
            spec.risks.extend(part.risks);
            k = next;
        }
        Ok(spec)
    };
    Some(read())
}

/// [`parse_toml_in_parts`] for risks written as one root `risks = [...]` array (its span
/// `open..close`, and each entry's): the text with only the first risk in the array, then
/// `risks = [...]` documents of the other entries, about `part_bytes` of text each.
fn parse_inline_risks_in_parts(
    text: &str,
    file: &str,
    (open, close): scan::Span,
    entries: &[scan::Span],
    part_bytes: usize,
) -> Option<Result<ScenarioSpec>> {
    let &(first_start, first_end) = entries.first()?;
    if entries.len() < 2 || !(open < first_start && close > first_end) {
        return None;
    }
    let read = || -> Result<ScenarioSpec> {
        let first_len = first_end - first_start;
        let mut rest = String::with_capacity(text.len() - (close - open) + first_len + 2);
        rest.push_str(&text[..=open]);
        rest.push_str(&text[first_start..first_end]);
        rest.push(']');
        rest.push_str(&text[close..]);
        let pieces = [
            Piece::WHOLE,
            Piece {
                at: open + 1,
                from: first_start,
                len: first_len,
            },
            Piece {
                at: open + 1 + first_len,
                from: first_end,
                len: 0,
            },
            Piece {
                at: open + 2 + first_len,
                from: close,
                len: usize::MAX,
            },
        ];
        let mut spec: ScenarioSpec = parse_part(&rest, file, text, &pieces, None)?;
        let mut k = 1;
        let mut part = String::new();
        while k < entries.len() {
            let begin = entries[k].0;
            let mut next = k + 1;
            while next < entries.len() && entries[next].0 - begin < part_bytes {
                next += 1;
            }
            let stop = entries[next - 1].1;
            part.clear();
            part.push_str("risks = [");
            part.push_str(&text[begin..stop]);
            part.push_str("\n]\n");
            let pieces = [
                Piece {
                    at: 0,
                    from: begin,
                    len: 0,
                },
                Piece {
                    at: 9,
                    from: begin,
                    len: stop - begin,
                },
                Piece {
                    at: 9 + stop - begin,
                    from: stop,
                    len: 0,
                },
            ];
            let risks: PartRisks = parse_part(&part, file, text, &pieces, Some((k, next - 1)))?;
            spec.risks.extend(risks.risks);
            k = next;
        }
        Ok(spec)
    };
    Some(read())
}

/// A part of a TOML text read in parts, checked for length before it is parsed: the text
/// apart from its risks (`risks` None) or the risks `first..=last`. Only the last of these can
/// make a part too long (the others start within [`TOML_PART_BYTES`] of the first).
fn parse_part<T: serde::de::DeserializeOwned>(
    document: &str,
    file: &str,
    text: &str,
    pieces: &[Piece],
    risks: Option<(usize, usize)>,
) -> Result<T> {
    if document.len() as u64 > Scenario::MAX_TOML_DOCUMENT_BYTES {
        let what = match risks {
            None => "the text apart from its risks".to_string(),
            Some((_, last)) => format!("risks[{last}]"),
        };
        return Err(document_too_large(file, &what, document.len()));
    }
    let first = risks.map_or(0, |(first, _)| first);
    parse_toml_document(document, file, text, pieces, first)
}

/// The risks of one part.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PartRisks {
    risks: Vec<RiskSpec>,
}

fn toml_error(
    file: &str,
    text: &str,
    path: &[Segment],
    span: Option<std::ops::Range<usize>>,
    message: &str,
) -> Error {
    let location = span.as_ref().map(|span| line_column(text, span.start));
    let message = message.trim();
    // The parser says "duplicate key" and points at it: name it, and its path.
    if let (Some(span), "duplicate key") = (span, message) {
        let key = text.get(span.clone()).unwrap_or("").trim();
        let key = key
            .strip_prefix(['"', '\''])
            .and_then(|k| k.strip_suffix(['"', '\'']))
            .unwrap_or(key);
        let at = scan::toml_key_path(text, span.start).unwrap_or_default();
        return Error::ScenarioSyntax {
            file: file.to_string(),
            path: at,
            line: location.map(|l| l.0),
            column: location.map(|l| l.1),
            message: format!(
                "duplicate key `{}` (a key is given once in a table)",
                shorten(key)
            ),
        };
    }
    syntax(file, path, location, message.to_string())
}

/// The error for a text the scan refuses before it is parsed.
fn refused(file: &str, text: &str, refusal: scan::Refusal) -> Error {
    match refusal {
        scan::Refusal::TooDeep { offset, path } => {
            let (line, column) = line_column(text, offset);
            Error::ScenarioSyntax {
                file: file.to_string(),
                path,
                line: Some(line),
                column: Some(column),
                message: format!(
                    "nested too deeply: more than {max} levels of tables (objects) and arrays \
                     (expected at most {max}, Scenario::MAX_DEPTH)",
                    max = Scenario::MAX_DEPTH
                ),
            }
        }
        scan::Refusal::TooLong { path, list } => Error::InvalidScenario {
            file: file.to_string(),
            path,
            source: Box::new(list.too_long()),
        },
    }
}

/// The 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// A path as scenario errors write it, `risks[0].frequency.poisson` (empty for the root), each
/// key [`shorten`]ed (an unknown key may be any length).
///
/// A segment serde_path_to_error could not name (`Segment::Unknown`: a key that failed to
/// parse, as at a JSON syntax error inside an object) is left out, not written `?`: the path then
/// ends at the table or list that holds the bad text, which the line and column pinpoint.
fn path_text(path: &[Segment]) -> String {
    let mut out = String::new();
    for segment in path {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(&shorten(key));
            }
            Segment::Unknown => {}
        }
    }
    out
}

/// A parser's error at `path`. A list that went on past its limit is
/// [`Error::InvalidScenario`] with [`Error::TooManyEntries`] (the spec's visitor can only pass a
/// message through serde); any other is [`Error::ScenarioSyntax`], its message quoting no more
/// of the input than [`shorten`] allows: the keys of the path where it repeats them (an unknown
/// key), and string values.
fn syntax(
    file: &str,
    path: &[Segment],
    location: Option<(usize, usize)>,
    message: String,
) -> Error {
    if let Some(list) = spec::LISTS
        .into_iter()
        .find(|list| list.too_long().to_string() == message)
    {
        return Error::InvalidScenario {
            file: file.to_string(),
            path: path_text(path),
            source: Box::new(list.too_long()),
        };
    }
    let mut message = shorten_strings(&message);
    for segment in path {
        if let Segment::Map { key } = segment {
            let short = shorten(key);
            if short.len() < key.len() {
                message = message.replace(key.as_str(), &short);
            }
        }
    }
    Error::ScenarioSyntax {
        file: file.to_string(),
        path: path_text(path),
        line: location.map(|l| l.0),
        column: location.map(|l| l.1),
        message,
    }
}

/// `fail` as the user wrote it: a vulnerability given as `susceptibility` (its synonym) is
/// named so, not by the key the spec keeps. Looks back at the text only for such an error.
pub(super) fn written_keys(fail: Fail, text: &str, format: Format) -> Fail {
    let Some((risk, rest)) = fail
        .path
        .strip_prefix("risks[")
        .and_then(|p| p.split_once("].fair.vulnerability"))
    else {
        return fail;
    };
    let Ok(index) = risk.parse::<usize>() else {
        return fail;
    };
    if !(rest.is_empty() || rest.starts_with('.')) || !wrote_susceptibility(text, format, index) {
        return fail;
    }
    Fail {
        path: format!("risks[{index}].fair.susceptibility{rest}"),
        error: fail.error,
    }
}

/// Whether risk `index`'s `fair` table of the text names its vulnerability `susceptibility`.
fn wrote_susceptibility(text: &str, format: Format, index: usize) -> bool {
    // Only the keys in question are kept; everything else is skipped.
    #[derive(serde::Deserialize)]
    struct Keys {
        #[serde(default)]
        risks: Vec<RiskKeys>,
    }
    #[derive(serde::Deserialize)]
    struct RiskKeys {
        #[serde(default)]
        fair: Option<FairKeys>,
    }
    #[derive(serde::Deserialize)]
    struct FairKeys {
        #[serde(default)]
        susceptibility: Option<serde::de::IgnoredAny>,
    }
    let keys: Option<Keys> = match format {
        Format::Json => serde_json::from_str(text).ok(),
        Format::Toml => toml::from_str(text).ok(),
    };
    keys.and_then(|k| k.risks.into_iter().nth(index))
        .and_then(|r| r.fair)
        .is_some_and(|f| f.susceptibility.is_some())
}

// ---------------------------------------------------------------------------------------------
// Spec -> model.

/// A rule broken at `path`, before the file name is known.
pub(super) struct Fail {
    path: String,
    error: Box<Error>,
}

impl Fail {
    /// With the hint that a value in (1, 100] where a fraction in [0, 1] belongs is probably a
    /// percentage: `efficacy = 50` meant 0.5. For errors about a fraction only.
    fn or_percentage(self) -> Fail {
        let value = match *self.error {
            Error::InvalidParameter { value, .. } => value,
            Error::ModeOutOfRange { mode, .. } => mode,
            Error::InvalidCurvePoint { probability, .. } => probability,
            _ => return self,
        };
        if !(value > 1.0 && value <= 100.0) {
            return self;
        }
        Fail {
            path: self.path,
            error: Box::new(Error::LooksLikePercentage {
                error: self.error,
                value,
            }),
        }
    }

    pub(super) fn in_file(self, file: &str) -> Error {
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

/// Refuses a list longer than its limit: a spec built in code, since reading stops a list at
/// its limit.
fn bounded_list<T>(entries: &[T], list: List, path: impl Display) -> Built<()> {
    if entries.len() > list.max {
        return Err(at(path)(list.too_long()));
    }
    Ok(())
}

pub(super) fn build(spec: &ScenarioSpec) -> Built<Scenario> {
    bounded_list(&spec.thresholds, spec::THRESHOLDS, "thresholds")?;
    bounded_list(&spec.tolerance, spec::TOLERANCE, "tolerance")?;
    bounded_list(&spec.risks, spec::RISKS, "risks")?;
    bounded_list(&spec.controls, spec::CONTROLS, "controls")?;
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
            .map_err(at_field("finance", &["horizon_years", "discount_rate"]))
            .map_err(|fail| {
                // A rate of 8% a year written 8 is accepted (rates up to 10 are); 12 is not.
                if fail.path.ends_with("discount_rate") {
                    fail.or_percentage()
                } else {
                    fail
                }
            })?,
        None => Finance::default(),
    };
    check_thresholds(&spec.thresholds).map_err(|(i, e)| at(format_args!("thresholds[{i}]"))(e))?;
    let tolerance = if spec.tolerance.is_empty() {
        None
    } else {
        let points = spec.tolerance.iter().map(|p| (p.loss, p.probability));
        Some(ToleranceCurve::new(points).map_err(|e| match e {
            Error::InvalidCurvePoint { index, .. } => {
                at(format_args!("tolerance[{index}]"))(e).or_percentage()
            }
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
    let model = dependence(spec, model)?;

    let budget = match &spec.budget {
        Some(b) => Some(budget(b, &model, finance)?),
        None => None,
    };
    Ok(Scenario {
        name: spec.name.clone(),
        currency,
        options,
        finance,
        thresholds: spec.thresholds.clone(),
        tolerance,
        model,
        budget,
    })
}

/// The `budget` section, checked against the model (plans name candidates) and the finance
/// (one phased budget per year of the horizon).
fn budget(spec: &BudgetSpec, model: &Model, finance: Finance) -> Built<Budget> {
    bounded_list(&spec.annual, spec::BUDGETS, "budget.annual")?;
    bounded_list(&spec.plans, spec::PLANS, "budget.plans")?;
    let mut budget = Budget::new();
    if let Some(name) = &spec.objective {
        let objective = Objective::parse(name).ok_or_else(|| {
            rule(
                "budget.objective",
                "`eal`, `net_benefit`, `var99` or `tvar99`",
            )
        })?;
        budget = budget.with_objective(objective);
    }
    for (i, &b) in spec.annual.iter().enumerate() {
        crate::check::non_negative("budget.annual", b)
            .map_err(at(format_args!("budget.annual[{i}]")))?;
    }
    budget = budget
        .with_annual(spec.annual.clone())
        .map_err(at("budget.annual"))?;
    if let Some(cap) = spec.upfront {
        budget = budget.with_upfront(cap).map_err(at("budget.upfront"))?;
    }
    for (i, plan) in spec.plans.iter().enumerate() {
        let path = format!("budget.plans[{i}]");
        bounded_list(&plan.controls, spec::PLANS, format_args!("{path}.controls"))?;
        for (j, id) in plan.controls.iter().enumerate() {
            if model.candidate(id).is_some() {
                continue;
            }
            let in_place = model.control(id).is_some();
            return Err(rule(
                format_args!("{path}.controls[{j}]"),
                if in_place {
                    "a candidate control (this one is in place: plans choose among candidates)"
                } else {
                    "the id of a candidate control (status = \"candidate\")"
                },
            ));
        }
        budget = budget.with_plan(plan.name.clone(), plan.controls.clone());
    }
    if let Some(phased) = &spec.phased {
        let path = "budget.phased.budgets";
        bounded_list(&phased.budgets, spec::BUDGETS, path)?;
        if phased.budgets.len() != finance.horizon_years() as usize {
            return Err(rule(
                path,
                "one cash budget per year of the horizon (finance.horizon_years entries)",
            ));
        }
        for (i, &b) in phased.budgets.iter().enumerate() {
            crate::check::non_negative("budget.phased.budgets", b)
                .map_err(at(format_args!("{path}[{i}]")))?;
        }
        budget = budget
            .with_phased(phased.budgets.clone())
            .map_err(at(path))?;
    }
    Ok(budget)
}

/// The `shocks` and `frailty` sections, checked against the model's risks.
fn dependence(spec: &ScenarioSpec, model: Model) -> Built<Model> {
    bounded_list(&spec.shocks, spec::SHOCKS, "shocks")?;
    bounded_list(&spec.frailty, spec::SHOCKS, "frailty")?;
    let mut model = model;
    if !spec.shocks.is_empty() {
        let mut shocks = Vec::with_capacity(spec.shocks.len());
        for (i, s) in spec.shocks.iter().enumerate() {
            let path = format!("shocks[{i}]");
            bounded_list(&s.hits, spec::HITS, format_args!("{path}.hits"))?;
            let frequency = frequency(&s.frequency, &format!("{path}.frequency"))?;
            let mut shock =
                Shock::new(s.id.clone(), frequency).map_err(at(format_args!("{path}.id")))?;
            if let Some(name) = &s.name {
                shock = shock.with_name(name.clone());
            }
            for (j, hit) in s.hits.iter().enumerate() {
                let hit_path = format!("{path}.hits[{j}]");
                shock = match shock.hits(hit.risk.clone(), hit.probability) {
                    Ok(shock) => shock,
                    Err(e @ Error::InvalidParameter { .. })
                        if hit.probability.is_nan() || !(0.0..=1.0).contains(&hit.probability) =>
                    {
                        return Err(at(format_args!("{hit_path}.probability"))(e).or_percentage());
                    }
                    Err(e) => return Err(at(format_args!("{hit_path}.risk"))(e)),
                };
            }
            shocks.push(shock);
        }
        model = model
            .with_shocks(shocks)
            .map_err(|e| locate_dependence(e, spec, "shocks"))?;
    }
    if !spec.frailty.is_empty() {
        let mut frailties = Vec::with_capacity(spec.frailty.len());
        for (i, f) in spec.frailty.iter().enumerate() {
            let path = format!("frailty[{i}]");
            let mut frailty = Frailty::new(f.id.clone(), f.variance).map_err(|e| {
                let field = if matches!(e, Error::InvalidParameter { .. }) {
                    "variance"
                } else {
                    "id"
                };
                at(format_args!("{path}.{field}"))(e)
            })?;
            if let Some(ids) = &f.risks {
                bounded_list(ids, spec::FRAILTY_RISKS, format_args!("{path}.risks"))?;
                frailty = frailty
                    .on_risks(ids.iter().cloned())
                    .map_err(at(format_args!("{path}.risks")))?;
            }
            frailties.push(frailty);
        }
        model = model
            .with_frailty(frailties)
            .map_err(|e| locate_dependence(e, spec, "frailty"))?;
    }
    Ok(model)
}

/// Locates an error of [`Model::with_shocks`] or [`Model::with_frailty`] (which name ids) in
/// the spec.
fn locate_dependence(error: Error, spec: &ScenarioSpec, otherwise: &str) -> Fail {
    let shock_hit = |id: &str, risk: &str, nth: usize| {
        spec.shocks.iter().enumerate().find_map(|(i, s)| {
            if s.id != id {
                return None;
            }
            let (j, _) = s
                .hits
                .iter()
                .enumerate()
                .filter(|(_, h)| h.risk == risk)
                .nth(nth)?;
            Some(format!("shocks[{i}].hits[{j}].risk"))
        })
    };
    let frailty_risk = |id: &str, risk: &str, nth: usize| {
        spec.frailty.iter().enumerate().find_map(|(i, f)| {
            if f.id != id {
                return None;
            }
            match &f.risks {
                Some(ids) => {
                    let (j, _) = ids
                        .iter()
                        .enumerate()
                        .filter(|(_, r)| *r == risk)
                        .nth(nth)?;
                    Some(format!("frailty[{i}].risks[{j}]"))
                }
                None => Some(format!("frailty[{i}]")),
            }
        })
    };
    let path = match &error {
        Error::DuplicateId { id, .. } => {
            let ids: Vec<&str> = if otherwise == "shocks" {
                spec.shocks.iter().map(|s| s.id.as_str()).collect()
            } else {
                spec.frailty.iter().map(|f| f.id.as_str()).collect()
            };
            ids.iter()
                .enumerate()
                .filter(|(_, x)| *x == id)
                .nth(1)
                .map(|(i, _)| format!("{otherwise}[{i}].id"))
        }
        Error::UnknownDependentRisk { kind, id, risk } => {
            if *kind == "shock" {
                shock_hit(id, risk, 0)
            } else {
                frailty_risk(id, risk, 0)
            }
        }
        Error::RepeatedDependentRisk { kind, id, risk, .. } => {
            if *kind == "shock" {
                shock_hit(id, risk, 1)
            } else {
                frailty_risk(id, risk, 1).or_else(|| frailty_risk(id, risk, 0))
            }
        }
        Error::FrailtyCannotScale { frailty, risk, .. } => frailty_risk(frailty, risk, 0),
        _ => None,
    };
    at(path.unwrap_or_else(|| otherwise.to_string()))(error)
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
        Error::UnknownManagedControl { control, managed } => {
            spec.controls.iter().enumerate().find_map(|(i, c)| {
                let ids = &c.manages.as_ref().filter(|_| c.id == *control)?.controls;
                let j = ids.iter().position(|id| id == managed)?;
                Some(format!("controls[{i}].manages.controls[{j}]"))
            })
        }
        Error::ManagementCycle { cycle } => {
            let first = cycle.split(" -> ").next().unwrap_or_default();
            spec.controls
                .iter()
                .position(|c| c.id == first)
                .map(|i| format!("controls[{i}].manages"))
        }
        Error::InvalidReliability { control, .. } => spec
            .controls
            .iter()
            .position(|c| c.id == *control)
            .map(|i| format!("controls[{i}]")),
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

pub(super) fn check_currency(code: &str) -> Result<String> {
    if code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(code.to_string())
    } else {
        Err(Error::InvalidCurrency {
            code: code.to_string(),
        })
    }
}

/// Checks every threshold; on failure, the index of the first bad one.
pub(super) fn check_thresholds(thresholds: &[f64]) -> std::result::Result<(), (usize, Error)> {
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
    bounded_list(&spec.csf, spec::CSF_IDS, format_args!("{path}.csf"))?;
    let (frequency, magnitude) = match (&spec.frequency, &spec.magnitude, &spec.fair) {
        (Some(f), Some(m), None) => (
            frequency(f, &format!("{path}.frequency"))?,
            magnitude(m, &format!("{path}.magnitude"))?,
        ),
        (None, None, Some(fair)) => fair_factors(fair, &format!("{path}.fair"))?,
        (f, m, fair) => {
            // What was given, among the cases left (both forms at once, or neither complete).
            let rule_given = match (f.is_some(), m.is_some(), fair.is_some()) {
                (true, false, false) => {
                    "a `magnitude` with the `frequency` (or `fair` instead of both), got `frequency` only"
                }
                (false, true, false) => {
                    "a `frequency` with the `magnitude` (or `fair` instead of both), got `magnitude` only"
                }
                (false, false, _) => {
                    "either `frequency` and `magnitude`, or `fair`, got none of them"
                }
                (true, true, _) => "either `frequency` and `magnitude`, or `fair`, got all three",
                (true, false, true) => {
                    "either `frequency` and `magnitude`, or `fair`, got `frequency` and `fair`"
                }
                (false, true, true) => {
                    "either `frequency` and `magnitude`, or `fair`, got `magnitude` and `fair`"
                }
            };
            return Err(rule(path, rule_given));
        }
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
            if p.mu.is_some() || p.sigma.is_some() {
                return poisson_mu_sigma(p, &path);
            }
            match (p.rate, p.ci90) {
                (Some(rate), None) => Frequency::poisson(rate).map_err(at_field(path, &["rate"])),
                (None, Some([low, high])) => {
                    Frequency::poisson_ci90(low, high).map_err(at(format_args!("{path}.ci90")))
                }
                (Some(_), Some(_)) => Err(rule(path, "exactly one of `rate` and `ci90`, got both")),
                (None, None) => Err(rule(path, "exactly one of `rate` and `ci90`, got neither")),
            }
        }
        FrequencySpec::Bernoulli(b) => Frequency::bernoulli(b.probability)
            .map_err(at(format_args!("{path}.bernoulli.probability")))
            .map_err(Fail::or_percentage),
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

/// `poisson = { mu, sigma }` (extension): an uncertain rate `Λ = e^(μ + σZ)` by its log-space
/// parameters, the form the writer uses because it reads back bit for bit (an interval
/// recomputed from them does not). The rules are those of `ci90` on the parameters themselves:
/// `sigma > 0`, the same tail rule, and a mean rate of at most `Frequency::MAX_RATE`.
fn poisson_mu_sigma(p: &PoissonSpec, path: &str) -> Built<Frequency> {
    match (p.rate, p.ci90, p.mu, p.sigma) {
        (None, None, Some(mu), Some(sigma)) => {
            Frequency::poisson_lognormal(mu, sigma).map_err(at_field(path, &["mu", "sigma"]))
        }
        (None, None, Some(_), None) => Err(rule(path, "both `mu` and `sigma`, got `mu` only")),
        (None, None, None, _) => Err(rule(path, "both `mu` and `sigma`, got `sigma` only")),
        (Some(_), _, _, _) => Err(rule(
            path,
            "exactly one of `rate`, `ci90` and the pair `mu`, `sigma`, got `rate` and `mu`/`sigma`",
        )),
        (None, Some(_), _, _) => Err(rule(
            path,
            "exactly one of `rate`, `ci90` and the pair `mu`, `sigma`, got `ci90` and `mu`/`sigma`",
        )),
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
                (ci90, mu, sigma) => {
                    let rule_given = match (ci90.is_some(), mu.is_some(), sigma.is_some()) {
                        (false, false, false) => {
                            "either `ci90`, or both `mu` and `sigma`, got none of them"
                        }
                        (false, true, false) => {
                            "either `ci90`, or both `mu` and `sigma`, got `mu` only"
                        }
                        (false, false, true) => {
                            "either `ci90`, or both `mu` and `sigma`, got `sigma` only"
                        }
                        (true, true, false) => {
                            "either `ci90`, or both `mu` and `sigma`, got `ci90` and `mu`"
                        }
                        (true, false, true) => {
                            "either `ci90`, or both `mu` and `sigma`, got `ci90` and `sigma`"
                        }
                        _ => "either `ci90`, or both `mu` and `sigma`, got all three",
                    };
                    Err(rule(&path, rule_given))
                }
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
            bounded_list(
                &e.losses,
                spec::OBSERVED_LOSSES,
                format_args!("{path}.losses"),
            )?;
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

/// A fraction in [0, 1]: an efficacy or a vulnerability. A value in (1, 100] gets the hint that
/// it looks like a percentage.
fn fraction(spec: &FractionSpec, path: &str) -> Built<Efficacy> {
    const RANGE: &[&str] = &["min", "mode", "max"];
    let efficacy = match spec {
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
    };
    efficacy.map_err(Fail::or_percentage)
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
                .map_err(at_field(&path, &["probability"]))
                // Not the refusals of a mean loss (named `primary` or `secondary`).
                .map_err(|fail| {
                    if fail.path.ends_with(".probability") {
                        fail.or_percentage()
                    } else {
                        fail
                    }
                })?
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
        bounded_list(ids, spec::APPLIES_TO, format_args!("{path}.applies_to"))?;
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
            "attachment",
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
                .map_err(at_field(&p, TERMS))
                .map_err(Fail::or_percentage)?;
        }
        if let Some(attachment) = t.attachment {
            transfer = transfer
                .with_attachment(attachment)
                .map_err(at_field(&p, TERMS))?;
        }
        control = control.with_transfer(transfer).map_err(at(p))?;
    }
    if let Some(coverage) = spec.coverage {
        control = control
            .with_coverage(coverage)
            .map_err(at(format_args!("{path}.coverage")))
            .map_err(Fail::or_percentage)?;
    }
    if let Some(r) = &spec.reliability {
        let p = format!("{path}.reliability");
        let reliability = match r {
            ReliabilitySpec::Share(share) => Reliability::share(*share)
                .map_err(at(&p))
                .map_err(Fail::or_percentage)?,
            ReliabilitySpec::Lapses(l) => {
                Reliability::lapses(l.variance_frequency, l.variance_duration_days).map_err(
                    at_field(&p, &["variance_frequency", "variance_duration_days"]),
                )?
            }
        };
        control = control.with_reliability(reliability);
    }
    if let Some(e) = &spec.variant_efficacy {
        let e = fraction(e, &format!("{path}.variant_efficacy"))?;
        control = control.with_variant_efficacy(e);
    }
    if let Some(m) = &spec.manages {
        let p = format!("{path}.manages");
        if m.controls.is_empty() {
            return Err(rule(
                format_args!("{p}.controls"),
                "at least one control id",
            ));
        }
        let mut management = Management::new(m.controls.iter().map(String::as_str));
        if let Some(factor) = m.variance_frequency_factor {
            management = management
                .with_frequency_factor(factor)
                .map_err(at(format_args!("{p}.variance_frequency_factor")))?;
        }
        if let Some(days) = m.variance_duration_days {
            management = management
                .with_duration_cap_days(days)
                .map_err(at(format_args!("{p}.variance_duration_days")))?;
        }
        control = control.with_management(management);
    }
    if let Some(party) = &spec.operated_by {
        control = control
            .operated_by(party.as_str())
            .map_err(at(format_args!("{path}.operated_by")))?;
    }
    if let Some(group) = &spec.group {
        control = control
            .in_group(group.as_str())
            .map_err(at(format_args!("{path}.group")))?;
    }
    if let Some(status) = &spec.status {
        control = control.with_status(match status.as_str() {
            "in_place" => Status::InPlace,
            "candidate" => Status::Candidate,
            _ => {
                return Err(rule(
                    format_args!("{path}.status"),
                    "`in_place` or `candidate`",
                ));
            }
        });
    }
    if !control.has_effect() {
        return Err(rule(
            path,
            "at least one effect: `efficacy`, `frequency_efficacy`, `magnitude_efficacy`, `transfer` or `manages`",
        ));
    }
    Ok(control)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const RISK: &str = "[[risks]]\nid = \"r{n}\"\nfrequency = { poisson = { rate = 0.3 } }\n\
                        magnitude = { lognormal = { ci90 = [50000.0, 5000000.0] } }\n";

    fn risks(n: usize) -> String {
        (0..n)
            .map(|i| RISK.replace("{n}", &i.to_string()))
            .collect()
    }

    /// The spec read in parts of `part_bytes`, if the text is so written (an error when a
    /// part does not read).
    fn in_parts(text: &str, part_bytes: usize) -> Option<Result<ScenarioSpec>> {
        let outline = scan::toml_outline(text).unwrap().ok()?;
        parse_toml_in_parts(text, "case.toml", &outline, part_bytes)
    }

    #[test]
    fn risks_read_in_parts_are_the_risks_of_the_whole_text() {
        let fair = "[[risks]]\nid = \"f\"\n[risks.fair]\nvulnerability = 0.25\n\
                    [risks.fair.threat_event_frequency]\npoisson = { rate = 2.0 }\n\
                    [risks.fair.primary_loss.pert]\nmin = 1.0\nmode = 2.0\nmax = 9.0\n";
        let texts = [
            format!("name = \"x\"\n{}", risks(40)),
            format!(
                "name = \"x\"\nthresholds = [1.0]\n[simulation]\ntrials = 10\n{}{fair}{}\
                 [[controls]]\nid = \"c\"\nfunction = \"protect\"\nefficacy = 0.5\n\
                 [finance]\nhorizon_years = 3\n",
                risks(7),
                risks(5).replace("\"r", "\"s")
            ),
            format!("name = \"x\"\n  {fair}  {fair}# a comment\n[finance]\nhorizon_years = 3\n")
                .replace("id = \"f\"\n[r", "id = \"g\"\n[r"),
        ];
        for text in &texts {
            let whole = parse_toml_whole(text, "case.toml").unwrap();
            assert!(whole.risks.len() >= 2);
            // One risk a part, a few, all at once.
            for part_bytes in [1, 300, 1 << 20] {
                assert_eq!(
                    in_parts(text, part_bytes).unwrap().unwrap(),
                    whole,
                    "{text}"
                );
            }
        }
    }

    #[test]
    fn inline_risks_read_in_parts_are_the_risks_of_the_whole_text() {
        let entry = |i: usize| {
            format!(
                "{{ id = \"r{i}\", frequency = {{ poisson = {{ rate = 0.3 }} }}, \
                 magnitude = {{ pert = {{ min = 1.0, mode = 2.0, max = 3.0 }} }} }}"
            )
        };
        let list = |n: usize, sep: &str| (0..n).map(entry).collect::<Vec<_>>().join(sep);
        let texts = [
            format!("name = \"x\"\nrisks = [{}]\n", list(30, ", ")),
            format!(
                "name = \"x\"\nrisks = [\n  {},  # the last\n]\nthresholds = [1.0]\n\
                 [simulation]\ntrials = 10\n[[controls]]\nid = \"c\"\nfunction = \"protect\"\n\
                 efficacy = 0.5\n",
                list(12, ",\n  # a comment\n  ")
            ),
        ];
        for text in &texts {
            let whole = parse_toml_whole(text, "case.toml").unwrap();
            assert!(whole.risks.len() >= 12);
            for part_bytes in [1, 300, 1 << 20] {
                assert_eq!(
                    in_parts(text, part_bytes).unwrap().unwrap(),
                    whole,
                    "{text}"
                );
            }
        }
    }

    #[test]
    fn texts_that_name_risks_otherwise_are_read_whole() {
        let inline = "name = \"x\"\nrisks = [{ id = \"a\", frequency = { poisson = { rate = 1.0 } }, \
                      magnitude = { fixed = { value = 1.0 } } }]\n";
        let cases = [
            // A single risk: nothing to split.
            format!("name = \"x\"\n{}", risks(1)),
            // Inline risks (of one entry, or with another key naming risks), a root dotted
            // key, a `[risks]` table, an escaped key.
            inline.to_string(),
            format!("{inline}risks.x = 1\n"),
            format!("{inline}[[risks]]\nid = \"b\"\n"),
            format!("name = \"x\"\nrisks.x = 1\n{}", risks(3)),
            format!("name = \"x\"\n{}[risks]\nx = 1\n", risks(3)),
            format!("name = \"x\"\n{}[\"ri\\u0073ks\".x]\ny = 1\n", risks(3)),
            // Risks in two runs, or a risk's table after another table.
            format!(
                "name = \"x\"\n{}[[controls]]\nid = \"c\"\nfunction = \"protect\"\n{}",
                risks(2),
                risks(2).replace("\"r", "\"s")
            ),
            format!(
                "name = \"x\"\n{}[simulation]\ntrials = 5\n[risks.fair]\n",
                risks(3)
            ),
            // Text the scan does not follow (a syntax error).
            format!("name = \"x\"\n{}[[risks]\n", risks(3)),
        ];
        for text in &cases {
            let outline = scan::toml_outline(text).unwrap().ok();
            // Not read in parts, or a part's error: never a spec the whole text does not mean.
            let parts = outline.and_then(|o| parse_toml_in_parts(text, "case.toml", &o, 1));
            assert!(!matches!(parts, Some(Ok(_))), "{text}");
        }
    }

    #[test]
    fn an_error_in_a_part_is_reported_from_the_whole_text() {
        let text = format!(
            "name = \"x\"\n{}{}",
            risks(5),
            RISK.replace("rate = 0.3", "rate = \"high\"")
        );
        // Long enough to be read in parts, if it read.
        let text = format!("{text}#{}\n", " ".repeat(TOML_IN_PARTS_ABOVE));
        assert!(in_parts(&text, 1).unwrap().is_err());
        let e = parse_toml(&text, "case.toml").unwrap_err();
        let whole = parse_toml_whole(&text, "case.toml").unwrap_err();
        assert_eq!(e.to_string(), whole.to_string());
        assert!(e.to_string().contains("risks[5]"), "{e}");
    }

    /// Enough risks for a text past [`Scenario::MAX_TOML_DOCUMENT_BYTES`].
    fn many() -> usize {
        Scenario::MAX_TOML_DOCUMENT_BYTES as usize / 100 + 100
    }

    #[test]
    fn an_error_in_a_part_of_a_long_text_is_the_whole_texts_located_in_it() {
        let n = many();
        let late = n - 50;
        let entry = |i: usize, rate: &str| {
            format!(
                "{{ id = \"r{i}\", frequency = {{ poisson = {{ rate = {rate} }} }}, \
                 magnitude = {{ lognormal = {{ ci90 = [5e4, 5e6] }} }} }}"
            )
        };
        let inline = |bad: usize| {
            let entries: Vec<String> = (0..n)
                .map(|i| entry(i, if i == bad { "\"high\"" } else { "0.3" }))
                .collect();
            format!("name = \"x\"\nrisks = [\n  {},\n]\n", entries.join(",\n  "))
        };
        let text = format!("name = \"x\"\n{}", risks(n));
        let bad_risk = |k: usize| {
            let mut text = text.clone();
            let at = text.match_indices("rate = 0.3").nth(k).unwrap().0;
            text.replace_range(at..at + 10, "rate = \"high\"");
            text
        };
        let late_id = format!("\"r{late}\"");
        let cases = [
            // A risk's error, in the first risk (read with the rest) and in a later part.
            (bad_risk(0), "risks[0].frequency".to_string()),
            (bad_risk(late), format!("risks[{late}].frequency")),
            (inline(0), "risks[0].frequency".to_string()),
            (inline(late), format!("risks[{late}].frequency")),
            // The rest's error, before and after the risks; a syntax error in a risk.
            (format!("name = 5\n{}", risks(n)), "name".to_string()),
            (
                format!("{text}[simulation]\ntrials = -1\n"),
                "simulation.trials".to_string(),
            ),
            // A key given twice in a later risk.
            (
                text.replace(&late_id, &format!("{late_id}\nid = \"q\"")),
                "duplicate key `id`".to_string(),
            ),
        ];
        for (text, path) in cases {
            assert!(text.len() as u64 > Scenario::MAX_TOML_DOCUMENT_BYTES);
            let e = parse_toml(&text, "case.toml").unwrap_err();
            // The reference: the whole text read as one document (about 200 MB of memory).
            let whole = parse_toml_whole(&text, "case.toml").unwrap_err();
            assert_eq!(e.to_string(), whole.to_string());
            assert!(e.to_string().contains(&path), "{e}");
            assert!(
                matches!(e, Error::ScenarioSyntax { line: Some(_), .. }),
                "{e}"
            );
        }
    }

    #[test]
    fn a_syntax_error_in_a_long_text_is_located_where_the_parser_finds_it() {
        let n = many();
        let late_id = format!("\"r{}\"", n - 50);
        let text = format!("name = \"x\"\n{}", risks(n));
        // An unterminated string; a table header not closed.
        for bad in [
            text.replace(&late_id, &late_id[..late_id.len() - 1]),
            text.replace(
                &format!("[[risks]]\nid = {late_id}"),
                &format!("[[risks]\nid = {late_id}"),
            ),
        ] {
            let e = parse_toml(&bad, "case.toml").unwrap_err();
            let whole = parse_toml_whole(&bad, "case.toml").unwrap_err();
            let (Error::ScenarioSyntax { line, .. }, Error::ScenarioSyntax { line: at, .. }) =
                (&e, &whole)
            else {
                panic!("{e} / {whole}");
            };
            assert_eq!(line, at, "{e} / {whole}");
        }
    }

    #[test]
    fn a_long_text_that_cannot_be_read_in_parts_is_refused_naming_the_rule() {
        let huge_list = format!(
            "name = \"x\"\n{}[[controls]]\nid = \"c\"\nfunction = \"protect\"\n\
             efficacy = 0.5\napplies_to = [{}]\n",
            risks(3),
            vec!["\"r0\""; 400_000].join(", ")
        );
        let cases = [
            // Risks not written as `[[risks]]` tables in one run.
            (
                format!("name = \"x\"\n{}[finance]\n{}", risks(many()), risks(2)),
                "the text (its risks",
            ),
            // The bulk not in the risks.
            (huge_list, "the text apart from its risks"),
            // One risk longer than a document.
            (
                format!(
                    "name = \"x\"\n{}[[risks]]\nid = \"{}\"\n",
                    risks(2),
                    "y".repeat(Scenario::MAX_TOML_DOCUMENT_BYTES as usize)
                ),
                "risks[2]",
            ),
        ];
        for (text, what) in cases {
            assert!(text.len() as u64 > Scenario::MAX_TOML_DOCUMENT_BYTES);
            let e = parse_toml(&text, "case.toml").unwrap_err();
            assert!(matches!(e, Error::TomlDocumentTooLarge { .. }), "{e}");
            assert!(e.is_input() && e.is_limit(), "{e}");
            let message = e.to_string();
            assert!(
                message.starts_with(&format!("case.toml: {what}")),
                "{message}"
            );
            assert!(message.contains("MAX_TOML_DOCUMENT_BYTES"), "{message}");
        }
    }
}
