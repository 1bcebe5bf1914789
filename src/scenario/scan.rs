//! A pass over a scenario's text before the parser sees it, in little memory (a stack as deep
//! as the nesting, a count per array of tables, and in TOML the offset of each table header):
//! nesting deeper than [`Scenario::MAX_DEPTH`] is refused with its location, in either format,
//! and in TOML a list longer than its limit is refused before the toml crate, which keeps every
//! token, every parser event and a table per inline table (60 to 90 bytes of memory per byte of
//! text), parses it. The headers let a long TOML text be read a few `[[risks]]` at a time.
//!
//! The scan checks no syntax: at text it does not understand it stops and leaves the error to the
//! parser. So it never refuses valid text for its syntax, only for its depth or its lists.

use std::collections::HashMap;

use crate::error::shorten;
use crate::scenario::Scenario;
use crate::scenario::spec::{self, List};

/// Why the scan refuses a text.
#[derive(Debug, PartialEq)]
pub(super) enum Refusal {
    /// A table (object) or array opens at byte `offset` deeper than [`Scenario::MAX_DEPTH`];
    /// `path` is where.
    TooDeep { offset: usize, path: String },
    /// The list at `path` goes on past `list.max` entries (TOML only: serde_json reads lists
    /// one entry at a time, and the spec's visitors stop them).
    TooLong { path: String, list: List },
}

/// Why a scan ends early.
enum Halt {
    Refused(Refusal),
    /// Text the scan does not follow (a syntax error, for the parser to report), or the key it
    /// was looking for found.
    Stop,
}

impl From<Refusal> for Halt {
    fn from(r: Refusal) -> Halt {
        Halt::Refused(r)
    }
}

type Scan = Result<(), Halt>;

/// A segment of a path: a key (a byte range of the text, inside any quotes) or an index.
#[derive(Clone, Copy, Debug)]
enum Seg {
    Key(usize, usize),
    Index(usize),
}

/// `risks[0].frequency`: keys [`shorten`]ed.
fn render(text: &str, path: &[Seg]) -> String {
    let mut out = String::new();
    for seg in path {
        match *seg {
            Seg::Key(start, end) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(&shorten(text.get(start..end).unwrap_or("")));
            }
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// Too deep at `offset`: the path of the first table or array too deep, which is at most
/// [`Scenario::MAX_DEPTH`] segments long (a dotted key may have thousands).
fn too_deep(text: &str, offset: usize, path: &[Seg]) -> Refusal {
    Refusal::TooDeep {
        offset,
        path: render(text, &path[..path.len().min(Scenario::MAX_DEPTH)]),
    }
}

// ---------------------------------------------------------------------------------------------
// JSON.

/// Refuses JSON nested deeper than [`Scenario::MAX_DEPTH`]. (serde_json stops at 128 levels on
/// its own; this makes the limit the format's, the same in both formats.)
pub(super) fn json(text: &str) -> Result<(), Refusal> {
    /// An open object with its current key (a byte range, and whether a key comes next), or an
    /// open array with the index of its current element.
    enum Frame {
        Object { key: Option<Seg>, expect_key: bool },
        Array { index: usize },
    }
    let path_of = |stack: &[Frame]| -> Vec<Seg> {
        stack
            .iter()
            .filter_map(|f| match f {
                Frame::Object { key, .. } => *key,
                Frame::Array { index } => Some(Seg::Index(*index)),
            })
            .collect()
    };
    let b = text.as_bytes();
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match c {
            b'"' => {
                let start = i + 1;
                i = start;
                while let Some(&c) = b.get(i) {
                    match c {
                        b'\\' => i += 2,
                        b'"' => break,
                        _ => i += 1,
                    }
                }
                let end = i.min(b.len());
                if let Some(Frame::Object { key, expect_key }) = stack.last_mut()
                    && *expect_key
                {
                    *key = Some(Seg::Key(start, end));
                    *expect_key = false;
                }
            }
            b'{' | b'[' => {
                if stack.len() >= Scenario::MAX_DEPTH {
                    return Err(too_deep(text, i, &path_of(&stack)));
                }
                stack.push(if c == b'{' {
                    Frame::Object {
                        key: None,
                        expect_key: true,
                    }
                } else {
                    Frame::Array { index: 0 }
                });
            }
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object { expect_key, .. }) => *expect_key = true,
                Some(Frame::Array { index }) => *index += 1,
                None => {}
            },
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// TOML.

/// [`toml_outline`], for the tests that need only its refusals.
#[cfg(test)]
pub(super) fn toml(text: &str) -> Result<(), Refusal> {
    toml_outline(text).map(|_| ())
}

/// Refuses TOML nested deeper than [`Scenario::MAX_DEPTH`] (the toml crate stops at about 80
/// levels on its own, but names no place for dotted keys) or with a list longer than its limit
/// (see [`spec::LISTS`]; a list the format does not have, at most as long as the longest).
/// Where the scan followed the whole text, also returns its table headers, which tell where its
/// `[[risks]]` entries are: see [`Outline::risk_sections`]; otherwise the offset where it
/// stopped (at or just after text it does not follow: a syntax error, or TOML it does not
/// read).
pub(super) fn toml_outline(text: &str) -> Result<Result<Outline, usize>, Refusal> {
    let mut scan = Toml::new(text, None);
    match scan.document() {
        Err(Halt::Refused(r)) => Err(r),
        Err(Halt::Stop) => Ok(Err(scan.i.min(text.len()))),
        Ok(()) => Ok(Ok(Outline {
            inline: match scan.inline_array {
                Some(array) if scan.root_risk_keys == 1 => Some((array, scan.inline_entries)),
                _ => None,
            },
            headers: scan.headers,
            root_risks: scan.root_risks,
            len: text.len(),
        })),
    }
}

/// A byte range of the text, start and end.
pub(super) type Span = (usize, usize);

/// What a table header (`[a.b]`, `[[a.b]]`) opens, for splitting a document at its risks.
#[derive(Clone, Copy, Debug, PartialEq)]
enum HeaderKind {
    /// `[[risks]]`: a new risk.
    Risk,
    /// A table or array of tables in the last risk (`[risks.fair]`).
    InRisk,
    /// Any other table, or a header the split does not trust (`[risks]`, an escape in a key).
    Other,
    /// A header naming `risks` in a way the split does not follow.
    Unsure,
}

/// The table headers of a TOML text the scan followed to its end.
#[derive(Debug)]
pub(super) struct Outline {
    /// Each header's offset (of its first `[`) and kind, in order.
    headers: Vec<(usize, HeaderKind)>,
    /// Whether a key of the root table (before any header) starts with `risks`.
    root_risks: bool,
    len: usize,
    /// The root table's `risks = [...]`, when it is its only key naming `risks`: the span of
    /// the array (`[` to after `]`) and of each entry.
    inline: Option<(Span, Vec<Span>)>,
}

impl Outline {
    /// Where the text's risks are, when they are all `[[risks]]` tables in one run of headers
    /// (each `[[risks]]` with the `[risks.…]` tables after it) and nothing else in the text names
    /// `risks`: the offset of each `[[risks]]` header, and the end of the run (the next other
    /// header, or the end of the text). Each entry is then a TOML document of its own, read
    /// apart without changing what the whole text means. `None` otherwise.
    pub(super) fn risk_sections(&self) -> Option<(Vec<usize>, usize)> {
        if self.root_risks {
            return None;
        }
        let first = self
            .headers
            .iter()
            .position(|&(_, kind)| kind != HeaderKind::Other)?;
        if self.headers[first].1 != HeaderKind::Risk {
            return None;
        }
        let after = self.headers[first..]
            .iter()
            .position(|&(_, kind)| !matches!(kind, HeaderKind::Risk | HeaderKind::InRisk))
            .map_or(self.headers.len(), |n| first + n);
        if self.headers[after..]
            .iter()
            .any(|&(_, kind)| kind != HeaderKind::Other)
        {
            return None;
        }
        let starts = self.headers[first..after]
            .iter()
            .filter(|&&(_, kind)| kind == HeaderKind::Risk)
            .map(|&(offset, _)| offset)
            .collect();
        let end = self
            .headers
            .get(after)
            .map_or(self.len, |&(offset, _)| offset);
        Some((starts, end))
    }

    /// Where the risks of a root `risks = [...]` array are, when no table header names
    /// `risks`: the array's span (its `[` to after its `]`) and each entry's. Each entry is an
    /// inline table complete in itself. `None` otherwise.
    pub(super) fn inline_risks(&self) -> Option<(Span, &[Span])> {
        let (array, entries) = self.inline.as_ref()?;
        if self
            .headers
            .iter()
            .any(|&(_, kind)| kind != HeaderKind::Other)
        {
            return None;
        }
        Some((*array, entries))
    }
}

/// The path of the key at byte `offset` of a TOML text (where the toml crate reports a
/// duplicate key), if the scan reaches it.
pub(super) fn toml_key_path(text: &str, offset: usize) -> Option<String> {
    let mut scan = Toml::new(text, Some(offset));
    let _ = scan.document();
    scan.found
}

/// The list at `path` (with indices), as the spec reads it.
fn list_at(text: &str, path: &[Seg]) -> List {
    let key = |seg: Option<&Seg>| match seg {
        Some(&Seg::Key(start, end)) => text.get(start..end),
        _ => None,
    };
    let keys: Vec<&str> = path.iter().filter_map(|s| key(Some(s))).collect();
    match (keys.as_slice(), path.len()) {
        (["thresholds"], 1) => spec::THRESHOLDS,
        (["tolerance"], 1) => spec::TOLERANCE,
        (["risks"], 1) => spec::RISKS,
        (["controls"], 1) => spec::CONTROLS,
        (["risks", "csf"], 3) => spec::CSF_IDS,
        (["controls", "applies_to"], 3) => spec::APPLIES_TO,
        (["budget", "annual"], 2) | (["budget", "phased", "budgets"], 3) => spec::BUDGETS,
        (["budget", "plans"], 2) | (["budget", "plans", "controls"], 4) => spec::PLANS,
        ([.., "empirical", "losses"], _) => spec::OBSERVED_LOSSES,
        _ => ANY_LIST,
    }
}

/// A list the format does not have: as long as the longest it has, at most.
const ANY_LIST: List = List {
    noun: "entries",
    max: {
        let mut max = 0;
        let mut i = 0;
        while i < spec::LISTS.len() {
            if spec::LISTS[i].max > max {
                max = spec::LISTS[i].max;
            }
            i += 1;
        }
        max
    },
};

struct Toml<'a> {
    text: &'a str,
    b: &'a [u8],
    i: usize,
    /// The entries so far of each array of tables (`[[risks]]`), by its path with indices.
    tables: HashMap<String, usize>,
    /// The offset of a key whose path is wanted, and that path once found.
    target: Option<usize>,
    found: Option<String>,
    /// Each table header's offset and kind.
    headers: Vec<(usize, HeaderKind)>,
    /// Whether a key of the root table starts with `risks`.
    root_risks: bool,
    /// How many keys of the root table start with `risks`.
    root_risk_keys: usize,
    /// Inside the value of a root `risks = [...]`: the span of each entry's value.
    in_inline_risks: bool,
    inline_entries: Vec<Span>,
    /// The span of the root `risks = [...]` array, from its `[` to after its `]`.
    inline_array: Option<Span>,
}

impl<'a> Toml<'a> {
    fn new(text: &'a str, target: Option<usize>) -> Toml<'a> {
        Toml {
            text,
            b: text.as_bytes(),
            i: 0,
            tables: HashMap::new(),
            target,
            found: None,
            headers: Vec::new(),
            root_risks: false,
            root_risk_keys: 0,
            in_inline_risks: false,
            inline_entries: Vec::new(),
            inline_array: None,
        }
    }

    /// What a header of `keys` opens (see [`HeaderKind`]).
    fn header_kind(&self, keys: &[Seg], array: bool) -> HeaderKind {
        let raw = |seg: &Seg| match *seg {
            Seg::Key(start, end) => self.text.get(start..end).unwrap_or(""),
            Seg::Index(_) => "",
        };
        if keys.iter().any(|k| raw(k).contains('\\')) {
            return HeaderKind::Unsure;
        }
        match (keys.first().map(raw), keys.len(), array) {
            (Some("risks"), 1, true) => HeaderKind::Risk,
            (Some("risks"), 1, false) => HeaderKind::Unsure,
            (Some("risks"), _, _) => HeaderKind::InRisk,
            _ => HeaderKind::Other,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn at(&self, s: &[u8]) -> bool {
        self.b.get(self.i..).is_some_and(|rest| rest.starts_with(s))
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.i += 1;
        }
    }

    /// Whitespace, line breaks and comments.
    fn skip_blank(&mut self) {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\n' | b'\r') => self.i += 1,
                Some(b'#') => {
                    while !matches!(self.peek(), None | Some(b'\n')) {
                        self.i += 1;
                    }
                }
                _ => return,
            }
        }
    }

    fn document(&mut self) -> Scan {
        // The current table's path, then the keys of the line.
        let mut path: Vec<Seg> = Vec::new();
        loop {
            self.skip_blank();
            let Some(c) = self.peek() else {
                return Ok(());
            };
            if c == b'[' {
                let opens = self.i;
                let array = self.at(b"[[");
                self.i += if array { 2 } else { 1 };
                self.skip_ws();
                let start = self.i;
                let keys = self.key()?;
                self.skip_ws();
                if !self.at(if array { b"]]" } else { b"]" }) {
                    return Err(Halt::Stop);
                }
                self.i += if array { 2 } else { 1 };
                let kind = self.header_kind(&keys, array);
                self.headers.push((opens, kind));
                path = self.header(&keys, array, start)?;
            } else {
                let start = self.i;
                let keys = self.key()?;
                let root_risk =
                    self.headers.is_empty() && self.header_kind(&keys, false) != HeaderKind::Other;
                if root_risk {
                    self.root_risks = true;
                    self.root_risk_keys += 1;
                }
                let table = path.len();
                self.found_in(&path, &keys);
                self.skip_ws();
                if self.peek() != Some(b'=') {
                    return Err(Halt::Stop);
                }
                self.i += 1;
                self.skip_ws();
                // `a.b.c = 1` makes tables `a` and `a.b`.
                path.extend_from_slice(&keys);
                if path.len() > Scenario::MAX_DEPTH {
                    return Err(too_deep(self.text, start, &path).into());
                }
                // `risks = [...]` in the root table: note where each risk is.
                let inline = root_risk
                    && matches!(keys.as_slice(), [Seg::Key(a, b)] if self.text.get(*a..*b) == Some("risks"))
                    && self.peek() == Some(b'[');
                let opens = self.i;
                self.in_inline_risks = inline;
                let value = self.value(&mut path);
                self.in_inline_risks = false;
                if inline && value.is_ok() {
                    self.inline_array = Some((opens, self.i));
                }
                path.truncate(table);
                value?;
            }
        }
    }

    /// The path of the table a header (`[a.b]`, or `[[a.b]]` for an array of tables) opens:
    /// a key of an array of tables goes into its last entry.
    fn header(&mut self, keys: &[Seg], array: bool, start: usize) -> Result<Vec<Seg>, Halt> {
        let mut path = Vec::with_capacity(keys.len().min(Scenario::MAX_DEPTH) + 2);
        for (n, &key) in keys.iter().enumerate() {
            // The root is 1 deep: a table at a path of n segments is n + 1 deep.
            if path.len() + 1 >= Scenario::MAX_DEPTH {
                path.push(key);
                return Err(too_deep(self.text, start, &path).into());
            }
            path.push(key);
            if self.found.is_none() && self.target.is_some_and(|t| covers(key, t)) {
                self.found = Some(render(self.text, &path));
                return Err(Halt::Stop);
            }
            let canonical = render(self.text, &path);
            if array && n + 1 == keys.len() {
                let count = self.tables.entry(canonical).or_insert(0);
                *count += 1;
                let list = list_at(self.text, &path);
                if *count > list.max {
                    return Err(Refusal::TooLong {
                        path: render(self.text, &path),
                        list,
                    }
                    .into());
                }
                path.push(Seg::Index(*count - 1));
            } else if let Some(&count) = self.tables.get(&canonical) {
                path.push(Seg::Index(count.saturating_sub(1)));
            }
        }
        // The root is 1 deep: a table at a path of n segments is n + 1 deep.
        if path.len() + 1 > Scenario::MAX_DEPTH {
            return Err(too_deep(self.text, start, &path).into());
        }
        Ok(path)
    }

    /// Records the path of the wanted key, if it is one of `keys` (below the table `path`).
    fn found_in(&mut self, path: &[Seg], keys: &[Seg]) {
        let Some(target) = self.target else {
            return;
        };
        if self.found.is_some() {
            return;
        }
        if let Some(n) = keys.iter().position(|&k| covers(k, target)) {
            let mut full = path.to_vec();
            full.extend_from_slice(&keys[..=n]);
            self.found = Some(render(self.text, &full));
        }
    }

    /// A key, dotted or not: its segments.
    fn key(&mut self) -> Result<Vec<Seg>, Halt> {
        let mut keys = Vec::new();
        loop {
            let seg = match self.peek() {
                Some(q @ (b'"' | b'\'')) => {
                    let start = self.i + 1;
                    self.i = start;
                    loop {
                        match self.peek() {
                            None | Some(b'\n') => return Err(Halt::Stop),
                            Some(b'\\') if q == b'"' => self.i += 2,
                            Some(c) if c == q => break,
                            Some(_) => self.i += 1,
                        }
                    }
                    let seg = Seg::Key(start, self.i);
                    self.i += 1;
                    seg
                }
                _ => {
                    let start = self.i;
                    while let Some(c) = self.peek() {
                        if matches!(
                            c,
                            b' ' | b'\t'
                                | b'\n'
                                | b'\r'
                                | b'.'
                                | b'='
                                | b'['
                                | b']'
                                | b'{'
                                | b'}'
                                | b','
                                | b'#'
                                | b'"'
                                | b'\''
                        ) {
                            break;
                        }
                        self.i += 1;
                    }
                    if self.i == start {
                        return Err(Halt::Stop);
                    }
                    Seg::Key(start, self.i)
                }
            };
            keys.push(seg);
            self.skip_ws();
            if self.peek() != Some(b'.') {
                return Ok(keys);
            }
            self.i += 1;
            self.skip_ws();
        }
    }

    /// A value at `path`: a string, an array, an inline table or another scalar. Recursion is
    /// bounded: an array or table deeper than [`Scenario::MAX_DEPTH`] is refused before it is
    /// entered.
    fn value(&mut self, path: &mut Vec<Seg>) -> Scan {
        match self.peek() {
            Some(b'"' | b'\'') => self.string(),
            Some(b'[') => {
                if path.len() + 1 > Scenario::MAX_DEPTH {
                    return Err(too_deep(self.text, self.i, path).into());
                }
                self.i += 1;
                let list = list_at(self.text, path);
                let mut count = 0usize;
                loop {
                    self.skip_blank();
                    match self.peek() {
                        None => return Err(Halt::Stop),
                        Some(b']') => {
                            self.i += 1;
                            return Ok(());
                        }
                        Some(_) => {}
                    }
                    if count == list.max {
                        return Err(Refusal::TooLong {
                            path: render(self.text, path),
                            list,
                        }
                        .into());
                    }
                    path.push(Seg::Index(count));
                    let record = self.in_inline_risks && path.len() == 2;
                    let begins = self.i;
                    let entry = self.value(path);
                    if record {
                        self.inline_entries.push((begins, self.i));
                    }
                    path.pop();
                    entry?;
                    count += 1;
                    self.skip_blank();
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b']') => {
                            self.i += 1;
                            return Ok(());
                        }
                        _ => return Err(Halt::Stop),
                    }
                }
            }
            Some(b'{') => {
                if path.len() + 1 > Scenario::MAX_DEPTH {
                    return Err(too_deep(self.text, self.i, path).into());
                }
                self.i += 1;
                let table = path.len();
                loop {
                    // TOML 1.1 allows line breaks (and a trailing comma) in inline tables.
                    self.skip_blank();
                    if self.peek() == Some(b'}') {
                        self.i += 1;
                        return Ok(());
                    }
                    let start = self.i;
                    let keys = self.key()?;
                    self.found_in(path, &keys);
                    self.skip_ws();
                    if self.peek() != Some(b'=') {
                        return Err(Halt::Stop);
                    }
                    self.i += 1;
                    self.skip_ws();
                    path.extend_from_slice(&keys);
                    if path.len() > Scenario::MAX_DEPTH {
                        return Err(too_deep(self.text, start, path).into());
                    }
                    let entry = self.value(path);
                    path.truncate(table);
                    entry?;
                    self.skip_blank();
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b'}') => {
                            self.i += 1;
                            return Ok(());
                        }
                        _ => return Err(Halt::Stop),
                    }
                }
            }
            Some(_) => {
                // A number, a boolean or a date-time (which may hold a space): up to what ends it.
                while !matches!(
                    self.peek(),
                    None | Some(b',' | b']' | b'}' | b'#' | b'\n' | b'\r')
                ) {
                    self.i += 1;
                }
                Ok(())
            }
            None => Err(Halt::Stop),
        }
    }

    /// A string of any of the four kinds.
    fn string(&mut self) -> Scan {
        let Some(q) = self.peek() else {
            return Err(Halt::Stop);
        };
        let triple: &[u8] = if q == b'"' { b"\"\"\"" } else { b"'''" };
        if self.at(triple) {
            self.i += 3;
            loop {
                match self.peek() {
                    None => return Err(Halt::Stop),
                    Some(b'\\') if q == b'"' => self.i += 2,
                    Some(_) if self.at(triple) => {
                        self.i += 3;
                        // Up to two more quotes belong to the string (`""""` ends with one).
                        for _ in 0..2 {
                            if self.peek() == Some(q) {
                                self.i += 1;
                            }
                        }
                        return Ok(());
                    }
                    Some(_) => self.i += 1,
                }
            }
        }
        self.i += 1;
        loop {
            match self.peek() {
                None | Some(b'\n') => return Err(Halt::Stop),
                Some(b'\\') if q == b'"' => self.i += 2,
                Some(c) if c == q => {
                    self.i += 1;
                    return Ok(());
                }
                Some(_) => self.i += 1,
            }
        }
    }
}

/// Whether the key segment `seg` (inside any quotes) is where byte `offset` points (the toml
/// crate's span of a quoted key starts at its opening quote).
fn covers(seg: Seg, offset: usize) -> bool {
    match seg {
        Seg::Key(start, end) => offset + 1 >= start && offset < end.max(start + 1),
        Seg::Index(_) => false,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn deep(r: Result<(), Refusal>) -> (usize, String) {
        match r {
            Err(Refusal::TooDeep { offset, path }) => (offset, path),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn nesting_is_counted_from_the_root() {
        let max = Scenario::MAX_DEPTH;
        // The root table and max - 1 arrays: max deep.
        let ok = format!("a = {}1{}", "[".repeat(max - 1), "]".repeat(max - 1));
        assert_eq!(toml(&ok), Ok(()));
        let over = format!("a = {}1{}", "[".repeat(max), "]".repeat(max));
        let (offset, path) = deep(toml(&over));
        assert_eq!(offset, 4 + max - 1);
        assert!(path.starts_with("a[0][0]"), "{path}");
        // Dotted keys make tables: max keys end at a table max deep, holding a number.
        assert_eq!(toml(&format!("{} = 1", vec!["k"; max].join("."))), Ok(()));
        let dotted = format!("{} = 1", vec!["k"; max + 1].join("."));
        assert_eq!(deep(toml(&dotted)).0, 0);
        let header = format!("x = 1\n[{}]\n", vec!["k"; max].join("."));
        assert_eq!(deep(toml(&header)).0, 7);
        let json_ok = format!("{}1{}", "[".repeat(max), "]".repeat(max));
        assert_eq!(json(&json_ok), Ok(()));
        let json_over = format!("{{\"a\": {}1{}}}", "[".repeat(max), "]".repeat(max));
        let (offset, path) = deep(json(&json_over));
        assert_eq!(offset, 6 + max - 1);
        assert!(path.starts_with("a[0][0]"), "{path}");
    }

    #[test]
    fn strings_and_comments_hide_brackets() {
        let text = "a = \"[[[[\" # [[[[\nb = '''\n[[[[''' \nc = \"\"\"x\\\"\"\"[\"\"\"\"\nd = [ # ]\n 1, ]";
        assert_eq!(toml(text), Ok(()));
        assert_eq!(json(r#"{"a": "[[[[\"[[", "b": [1]}"#), Ok(()));
    }

    #[test]
    fn lists_are_counted_at_their_paths() {
        let n = spec::TOLERANCE.max + 1;
        let inline = format!(
            "name = 'x'\ntolerance = [{}]\n",
            "{ loss = 1.0, probability = 0.1 },".repeat(n)
        );
        assert_eq!(
            toml(&inline),
            Err(Refusal::TooLong {
                path: "tolerance".into(),
                list: spec::TOLERANCE
            })
        );
        let tables = "[[tolerance]]\nloss = 1.0\nprobability = 0.1\n".repeat(n);
        assert!(matches!(toml(&tables), Err(Refusal::TooLong { .. })));
        let ok = "[[tolerance]]\nloss = 1.0\nprobability = 0.1\n".repeat(n - 1);
        assert_eq!(toml(&ok), Ok(()));
        let csf = format!(
            "[[risks]]\nid = 'a'\n[[risks]]\nid = 'b'\ncsf = [{}]\n",
            "'PR.AA',".repeat(spec::CSF_IDS.max + 1)
        );
        assert_eq!(
            toml(&csf),
            Err(Refusal::TooLong {
                path: "risks[1].csf".into(),
                list: spec::CSF_IDS
            })
        );
        let losses = format!(
            "[[risks]]\nmagnitude = {{ empirical = {{ losses = [{}] }} }}\n",
            "1,".repeat(spec::OBSERVED_LOSSES.max + 1)
        );
        assert!(matches!(
            toml(&losses),
            Err(Refusal::TooLong { path, list }) if path == "risks[0].magnitude.empirical.losses"
                && list == spec::OBSERVED_LOSSES
        ));
    }

    #[test]
    fn a_key_is_found_by_its_offset() {
        let text = "name = 'x'\n[[risks]]\nid = 'a'\n[[risks]]\nid = 'b'\nid = 'c'\n";
        let offset = text.rfind("id").unwrap();
        assert_eq!(toml_key_path(text, offset).as_deref(), Some("risks[1].id"));
        let inline = "t = { a = 1, \"b\" = { c = 2, c = 3 } }";
        let offset = inline.rfind('c').unwrap();
        assert_eq!(toml_key_path(inline, offset).as_deref(), Some("t.b.c"));
        let header = "[finance]\nx = 1\n[finance]\n";
        assert_eq!(
            toml_key_path(header, header.rfind("finance").unwrap()).as_deref(),
            Some("finance")
        );
    }
}
