//! Generated scenarios, their runner and the checks of what comes out (issue 14, item 7), shared
//! by the short mode in `cargo test` (`tests/generated.rs`) and the long mode
//! (`cargo run --release --example fuzz -- --cases 100000`).
//!
//! A case is scenario TEXT, TOML or JSON, from one of two sources:
//! - [`generate`]: a whole scenario built key by key from a seeded generator ([`Gen`]), every
//!   key of the format with ordinary and extreme values (0, -0.0, subnormals, 1e-300, 1e300,
//!   `f64::MAX`, NaN and infinities where the format can carry them, min == max, empty, unicode
//!   and very long ids and names), then, in a share of the cases, wrong types and unknown keys
//!   planted anywhere in the tree ([`spoil`]);
//! - [`mutate`]: the shipped scenarios (examples/data/default.toml, the TOML example of
//!   docs/SCENARIO.md, and both as JSON) with a few token-level edits: delete, duplicate or swap
//!   tokens, numbers replaced by extreme literals, strings by long or unicode ones, truncation,
//!   deep nesting.
//!
//! Each case runs `Scenario::parse` -> `to_spec` and back -> `assess` (at most
//! [`RunLimits::max_trials`] trials) -> `to_json`, the text report, the HTML page, the SVG
//! charts (and, when asked, the CSV files) inside `catch_unwind`, and must end either
//! - in an error that is an input or limit error, quotes a bounded length of text and names
//!   where it comes from (the file for `parse`, a path or a documented unlocated kind for
//!   `assess`), or
//! - in a report whose figures are finite and sensible ([`check_report`]).
//!
//! Everything else is a [`Failure`] with a class and the case's text, so that it can be made a
//! regression test.
//!
//! # Adding a feature's keys
//!
//! Every key is written by one function of type [`Keys`]: it gets the generator and the
//! [`Ctx`] (the risk and control ids of the case, the share of wild values) and returns the
//! `(key, value)` entries to add, none to leave the key out. The functions are listed in
//! [`SCENARIO_KEYS`], [`RISK_KEYS`] and [`CONTROL_KEYS`]. For a new feature, write one function
//! and add it to its list, e.g. for reliability:
//!
//! ```ignore
//! fn control_reliability(g: &mut Gen, cx: &Ctx) -> Vec<(String, Node)> {
//!     if !g.chance(0.3) { return vec![]; }
//!     vec![entry("reliability", cx.fraction(g))]
//! }
//! // ... and `control_reliability` in CONTROL_KEYS.
//! ```
//!
//! Ids of other items come from `cx.risk_ids` / `cx.control_ids` (`cx.risk_ref(g)` sometimes
//! returns an unknown one); numbers from `cx.money`, `cx.rate`, `cx.fraction`, `cx.num` (which
//! mix in the extreme values at the case's wildness), lists from `cx.list`. [`spoil`] and the
//! token mutations reach the new keys without further work; add the feature's report keys to
//! [`check_report`] where they have a rule (a probability, a cost, a sum).

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use csfquant::{Error, Format, HtmlOptions, Monitor, Scenario};
use serde_json::Value;

// ---------------------------------------------------------------------------------------------
// The generator's random source.

/// A seeded source of choices (SplitMix64): case `k` of a run is `Gen::new(k)`, reproducible
/// anywhere.
#[derive(Clone, Debug)]
pub struct Gen(u64);

impl Gen {
    pub fn new(seed: u64) -> Gen {
        Gen(seed ^ 0x5851_f42d_4c95_7f2d)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in 0..n (0 for n = 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    /// Uniform in lo..=hi.
    pub fn int(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())].clone()
    }

    /// Log-uniform in [lo, hi].
    pub fn log_uniform(&mut self, lo: f64, hi: f64) -> f64 {
        (lo.ln() + self.unit() * (hi.ln() - lo.ln())).exp()
    }
}

// ---------------------------------------------------------------------------------------------
// The document tree and its two writers.

/// A scenario document, written as TOML or JSON by [`Node::toml`] and [`Node::json`].
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    /// A float, written with Rust's shortest round-trip form (NaN and infinities as TOML's
    /// `nan`, `inf`; JSON has none, so there they are written as `NaN`, `Infinity`, which a JSON
    /// parser must refuse).
    Num(f64),
    /// An integer (beyond `i64` in TOML, or below 0 where `u64` is read: an error to report).
    Int(i128),
    Str(String),
    Bool(bool),
    Arr(Vec<Node>),
    Table(Vec<(String, Node)>),
}

pub fn entry(key: &str, value: Node) -> (String, Node) {
    (key.to_string(), value)
}

fn num_text(x: f64, json: bool) -> String {
    if x.is_nan() {
        if json { "NaN" } else { "nan" }.to_string()
    } else if x.is_infinite() {
        match (json, x > 0.0) {
            (true, true) => "Infinity".to_string(),
            (true, false) => "-Infinity".to_string(),
            (false, true) => "inf".to_string(),
            (false, false) => "-inf".to_string(),
        }
    } else {
        format!("{x:?}")
    }
}

fn toml_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn toml_key(k: &str, out: &mut String) {
    if !k.is_empty()
        && k.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        out.push_str(k);
    } else {
        toml_string(k, out);
    }
}

impl Node {
    pub fn json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }

    fn write_json(&self, out: &mut String) {
        match self {
            Node::Num(x) => out.push_str(&num_text(*x, true)),
            Node::Int(i) => {
                let _ = write!(out, "{i}");
            }
            Node::Str(s) => out.push_str(&serde_json::to_string(s).expect("a string serializes")),
            Node::Bool(b) => {
                let _ = write!(out, "{b}");
            }
            Node::Arr(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    v.write_json(out);
                }
                out.push(']');
            }
            Node::Table(entries) => {
                out.push('{');
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(&serde_json::to_string(k).expect("a string serializes"));
                    out.push_str(": ");
                    v.write_json(out);
                }
                out.push('}');
            }
        }
    }

    fn write_toml_inline(&self, out: &mut String) {
        match self {
            Node::Num(x) => out.push_str(&num_text(*x, false)),
            Node::Int(i) => {
                let _ = write!(out, "{i}");
            }
            Node::Str(s) => toml_string(s, out),
            Node::Bool(b) => {
                let _ = write!(out, "{b}");
            }
            Node::Arr(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    v.write_toml_inline(out);
                }
                out.push(']');
            }
            Node::Table(entries) => {
                if entries.is_empty() {
                    out.push_str("{}");
                    return;
                }
                out.push_str("{ ");
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    toml_key(k, out);
                    out.push_str(" = ");
                    v.write_toml_inline(out);
                }
                out.push_str(" }");
            }
        }
    }

    /// The document as TOML: scalars of the root first, then its tables as `[key]` sections and,
    /// with `sections`, its lists of tables as `[[key]]` sections (otherwise inline).
    pub fn toml(&self, sections: bool) -> String {
        let mut out = String::new();
        let Node::Table(entries) = self else {
            // Not a table at the root: written inline after a key, which TOML refuses or reads as
            // a table with one key; either way a case.
            out.push_str("root = ");
            self.write_toml_inline(&mut out);
            out.push('\n');
            return out;
        };
        let is_section = |v: &Node| match v {
            Node::Table(_) => true,
            Node::Arr(items) => {
                sections && !items.is_empty() && items.iter().all(|i| matches!(i, Node::Table(_)))
            }
            _ => false,
        };
        for (k, v) in entries.iter().filter(|(_, v)| !is_section(v)) {
            toml_key(k, &mut out);
            out.push_str(" = ");
            v.write_toml_inline(&mut out);
            out.push('\n');
        }
        for (k, v) in entries.iter().filter(|(_, v)| is_section(v)) {
            let tables: Vec<&Node> = match v {
                Node::Arr(items) => items.iter().collect(),
                table => vec![table],
            };
            for t in tables {
                out.push('\n');
                out.push_str(if matches!(v, Node::Arr(_)) { "[[" } else { "[" });
                toml_key(k, &mut out);
                out.push_str(if matches!(v, Node::Arr(_)) {
                    "]]\n"
                } else {
                    "]\n"
                });
                if let Node::Table(fields) = t {
                    for (fk, fv) in fields {
                        toml_key(fk, &mut out);
                        out.push_str(" = ");
                        fv.write_toml_inline(&mut out);
                        out.push('\n');
                    }
                }
            }
        }
        out
    }

    /// The number of nodes (the size a reducer shrinks).
    pub fn size(&self) -> usize {
        match self {
            Node::Arr(items) => 1 + items.iter().map(Node::size).sum::<usize>(),
            Node::Table(entries) => 1 + entries.iter().map(|(_, v)| v.size()).sum::<usize>(),
            _ => 1,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Values: ordinary ones, and the extremes mixed in at the case's wildness.

/// The extreme numbers every number slot sometimes gets.
pub const EXTREMES: [f64; 28] = [
    0.0,
    -0.0,
    5e-324,
    f64::from_bits(0x000f_ffff_ffff_ffff), // the largest subnormal
    f64::MIN_POSITIVE,
    1e-300,
    1e-30,
    1e-15,
    1e-6,
    0.999_999_999_999_999_9,
    1.0,
    1.000_000_000_000_000_2,
    50.0,
    100.0,
    1e15,
    1e16,
    1e154,
    1e200,
    1e300,
    f64::MAX,
    -1.0,
    -1e-300,
    -1e300,
    -f64::MAX,
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
    0.5,
];

/// What every key function gets besides the generator: the ids of the case's items and how
/// often a value is extreme.
#[derive(Clone, Debug)]
pub struct Ctx {
    /// The share of number slots that get an [`EXTREMES`] value.
    pub wild: f64,
    pub risk_ids: Vec<String>,
    pub control_ids: Vec<String>,
    /// The index of the item being written (risk or control).
    pub index: usize,
    /// The keys of that item written so far (by the functions before this one in its list).
    pub item: Vec<(String, Node)>,
}

impl Ctx {
    /// `ordinary` most of the time, an extreme value at the case's wildness.
    pub fn num(&self, g: &mut Gen, ordinary: f64) -> Node {
        if g.chance(self.wild) {
            Node::Num(g.pick(&EXTREMES))
        } else {
            Node::Num(ordinary)
        }
    }

    /// An amount of money (10 to 1e8, log-uniform).
    pub fn money(&self, g: &mut Gen) -> Node {
        let x = g.log_uniform(10.0, 1e8);
        self.num(g, x)
    }

    /// An annual rate (mostly 0.01 to 5, sometimes 0).
    pub fn rate(&self, g: &mut Gen) -> Node {
        let x = if g.chance(0.05) {
            0.0
        } else {
            g.log_uniform(0.01, 5.0)
        };
        self.num(g, x)
    }

    /// A probability (uniform, with 0 and 1 now and then).
    pub fn probability(&self, g: &mut Gen) -> Node {
        let x = match g.below(10) {
            0 => 0.0,
            1 => 1.0,
            _ => g.unit(),
        };
        self.num(g, x)
    }

    /// A fraction: a number in [0, 1] or an uncertain one (`pert`, `uniform`, `triangular`).
    pub fn fraction(&self, g: &mut Gen) -> Node {
        match g.below(5) {
            0 | 1 => self.probability(g),
            kind => {
                let (lo, mode, hi) = self.ordered3(g, |g| g.unit());
                let mut fields = vec![entry("min", lo)];
                if kind != 3 {
                    fields.push(entry("mode", mode));
                }
                fields.push(entry("max", hi));
                let name = ["pert", "uniform", "triangular"][kind - 2];
                Node::Table(vec![entry(name, Node::Table(fields))])
            }
        }
    }

    /// Three ordered values from `draw` (sometimes all equal, or two), each maybe extreme.
    fn ordered3(&self, g: &mut Gen, draw: impl Fn(&mut Gen) -> f64) -> (Node, Node, Node) {
        let mut v = [draw(g), draw(g), draw(g)];
        v.sort_by(f64::total_cmp);
        if g.chance(self.wild.max(0.01)) {
            match g.below(3) {
                0 => v = [v[1]; 3],
                1 => v[1] = v[0],
                _ => v[2] = v[1],
            }
        }
        (self.num(g, v[0]), self.num(g, v[1]), self.num(g, v[2]))
    }

    /// A `[low, high]` pair from `draw` (sometimes low == high or reversed).
    pub fn ci90(&self, g: &mut Gen, draw: impl Fn(&mut Gen) -> f64, spread: f64) -> Node {
        let lo = draw(g);
        let hi = if g.chance(self.wild.max(0.01)) {
            // Equal, reversed, or neighbours (whose logarithms may be equal: sigma 0).
            g.pick(&[lo, lo / 2.0, lo.next_up()])
        } else {
            lo * g.log_uniform(1.01, spread)
        };
        let mut pair = vec![self.num(g, lo), self.num(g, hi)];
        if g.chance(self.wild / 4.0) {
            // Not exactly two numbers.
            if g.chance(0.5) {
                pair.pop();
            } else {
                pair.push(Node::Num(hi));
            }
        }
        Node::Arr(pair)
    }

    /// An integer slot: mostly `ordinary`, at the wildness an extreme integer or a float.
    pub fn int(&self, g: &mut Gen, ordinary: i128) -> Node {
        if g.chance(self.wild) {
            match g.below(9) {
                0 => Node::Int(0),
                1 => Node::Int(-1),
                2 => Node::Int(u32::MAX as i128),
                3 => Node::Int(u32::MAX as i128 + 1),
                4 => Node::Int(i64::MAX as i128),
                5 => Node::Int(u64::MAX as i128),
                6 => Node::Int(u64::MAX as i128 + 1),
                7 => Node::Num(ordinary as f64 + 0.5),
                _ => Node::Num(ordinary as f64),
            }
        } else {
            Node::Int(ordinary)
        }
    }

    /// A list of `1..=max` items from `item` (at the wildness, sometimes empty or far longer).
    pub fn list(&self, g: &mut Gen, max: usize, item: impl Fn(&mut Gen) -> Node) -> Node {
        let n = if g.chance(self.wild / 8.0) {
            g.int(max, 2000)
        } else if g.chance(self.wild) {
            0
        } else {
            g.int(1, max.max(1))
        };
        Node::Arr((0..n).map(|_| item(g)).collect())
    }

    /// A risk id of the case, or (at the wildness) one that is not.
    pub fn risk_ref(&self, g: &mut Gen) -> Node {
        if self.risk_ids.is_empty() || g.chance(self.wild / 2.0) {
            Node::Str(text(g, 1.0))
        } else {
            Node::Str(g.pick(&self.risk_ids))
        }
    }

    /// A control id of the case, or (at the wildness) one that is not.
    pub fn control_ref(&self, g: &mut Gen) -> Node {
        if self.control_ids.is_empty() || g.chance(self.wild / 2.0) {
            Node::Str(text(g, 1.0))
        } else {
            Node::Str(g.pick(&self.control_ids))
        }
    }
}

/// A string: usually plain, else (with probability `odd`) empty, unicode, with control
/// characters, or very long.
pub fn text(g: &mut Gen, odd: f64) -> String {
    if !g.chance(odd) {
        return format!("item {}", g.below(1000));
    }
    match g.below(8) {
        0 => String::new(),
        1 => "Ünïcødé ✓ 日本語 🦀 \u{202e}rtl".to_string(),
        2 => "tab\tnew\nline \"quoted\" back\\slash \u{0}\u{1b}[31m".to_string(),
        3 => "x".repeat(g.int(65, 5000)),
        4 => "é".repeat(g.int(33, 3000)),
        5 => " ".to_string(),
        6 => "\u{feff}bom".to_string(),
        _ => format!("{}", g.next_u64()),
    }
}

/// An id: `prefix` plus the index (unique) usually; at the wildness an odd string, which may
/// also repeat another id.
fn id(g: &mut Gen, cx: &Ctx, prefix: &str) -> String {
    if g.chance(cx.wild / 2.0) {
        text(g, 1.0)
    } else if g.chance(cx.wild / 4.0) {
        format!("{prefix}0")
    } else {
        format!("{prefix}{}", cx.index)
    }
}

// ---------------------------------------------------------------------------------------------
// The keys of the format, one function per key (or per group of keys that go together).

/// Writes some keys of an item: `(key, value)` entries, none to leave them out.
pub type Keys = fn(&mut Gen, &Ctx) -> Vec<(String, Node)>;

/// The scenario's own keys, in the order written (`risks` and `controls` are added by
/// [`generate`]).
pub const SCENARIO_KEYS: &[Keys] = &[
    scenario_name,
    scenario_currency,
    scenario_simulation,
    scenario_finance,
    scenario_thresholds,
    scenario_tolerance,
    scenario_budget,
];

/// The dependence keys, written from a generator of their own (see [`generate`]) so that the
/// cases of every other key stay what they were before these keys existed.
pub const DEPENDENCE_KEYS: &[Keys] = &[scenario_shocks, scenario_frailty];

/// A risk's keys.
pub const RISK_KEYS: &[Keys] = &[risk_id, risk_name, risk_csf, risk_loss_model];

/// A control's keys.
pub const CONTROL_KEYS: &[Keys] = &[
    control_id,
    control_name,
    control_function,
    control_cost,
    control_applies_to,
    control_effects,
    control_status,
    control_reliability,
    control_parties,
];

fn scenario_name(g: &mut Gen, cx: &Ctx) -> Vec<(String, Node)> {
    if g.chance(cx.wild / 4.0) {
        return vec![];
    }
    vec![entry("name", Node::Str(text(g, cx.wild.max(0.05))))]
}

fn scenario_currency(g: &mut Gen, cx: &Ctx) -> Vec<(String, Node)> {
    if g.chance(0.5) {
        return vec![];
    }
    let odd = ["usd", "", "EURO", "€", "US$", "GBp"];
    let c = if g.chance(cx.wild) {
        g.pick(&odd).to_string()
    } else {
        g.pick(&["USD", "EUR", "GBP", "JPY", "CHF"]).to_string()
    };
    vec![entry("currency", Node::Str(c))]
}

fn scenario_simulation(g: &mut Gen, cx: &Ctx) -> Vec<(String, Node)> {
    let mut fields = vec![];
    if !g.chance(cx.wild / 2.0) {
        let trials = g.int(20, 200) as i128;
        fields.push(entry("trials", cx.int(g, trials)));
    }
    if g.chance(0.8) {
        let seed = (g.next_u64() >> g.below(64)) as i128;
        fields.push(entry("seed", cx.int(g, seed)));
    }
    vec![entry("simulation", Node::Table(fields))]
}

fn scenario_finance(g: &mut Gen, cx: &Ctx) -> Vec<(String, Node)> {
    if g.chance(0.4) {
        return vec![];
    }
    let mut fields = vec![];
    if g.chance(0.8) {
        let h = g.pick(&[1, 1, 3, 5, 10, 100]);
        fields.push(entry("horizon_years", cx.int(g, h)));
    }
    if g.chance(0.8) {
        let r = g.pick(&[0.0, 0.03, 0.08, -0.5, -0.99, 10.0, 0.25]);
        fields.push(entry("discount_rate", cx.num(g, r)));
    }
    vec![entry("finance", Node::Table(fields))]
}

fn scenario_thresholds(g: &mut Gen, cx: &Ctx) -> Vec<(String, Node)> {
    if g.chance(0.4) {
        return vec![];
    }
    vec![entry("thresholds", cx.list(g, 5, |g| cx.money(g)))]
}

/// Up to `max` distinct risk ids of the case (at the wildness, one that is not).
fn distinct_risks(g: &mut Gen, cx: &Ctx, max: usize) -> Node {
    let mut ids = cx.risk_ids.clone();
    let n = g.int(1, max.max(1));
    let mut out = vec![];
    while out.len() < n && !ids.is_empty() {
        let i = g.below(ids.len());
        out.push(Node::Str(ids.swap_remove(i)));
    }
    if out.is_empty() || g.chance(cx.wild / 2.0) {
        out.push(cx.risk_ref(g));
    }
    Node::Arr(out)
}

/// `shocks`: in some cases one or two shocks, each with a frequency and hits on distinct risks.
fn scenario_shocks(g: &mut Gen, cx: &Ctx) -> Vec<(String, Node)> {
    if g.chance(0.8) {
        return vec![];
    }
    let n = if g.chance(cx.wild / 8.0) {
        300
    } else {
        g.int(1, 2)
    };
    let shocks = (0..n)
        .map(|k| {
            let mut fields = vec![entry("id", Node::Str(format!("shock{k}")))];
            if g.chance(0.3) {
                fields.push(entry("name", Node::Str(text(g, cx.wild.max(0.05)))));
            }
            fields.push(entry("frequency", frequency(g, cx)));
            let Node::Arr(risks) = distinct_risks(g, cx, 4) else {
                unreachable!()
            };
            let hits = risks
                .into_iter()
                .map(|risk| {
                    Node::Table(vec![
                        entry("risk", risk),
                        entry("probability", cx.probability(g)),
                    ])
                })
                .collect();
            fields.push(entry("hits", Node::Arr(hits)));
            Node::Table(fields)
        })
        .collect();
    vec![entry("shocks", Node::Arr(shocks))]
}

/// `frailty`: in a few cases a frailty on one or two risks (or all), its variance now and then
/// out of range.
fn scenario_frailty(g: &mut Gen, cx: &Ctx) -> Vec<(String, Node)> {
    if g.chance(0.9) {
        return vec![];
    }
    let mut fields = vec![entry("id", Node::Str("bad_year".to_string()))];
    if !g.chance(cx.wild) {
        fields.push(entry("risks", distinct_risks(g, cx, 2)));
    }
    let v = g.pick(&[0.1, 0.5, 2.0, 100.0, 0.0]);
    fields.push(entry("variance", cx.num(g, v)));
    vec![entry("frailty", Node::Arr(vec![Node::Table(fields)]))]
}

fn scenario_tolerance(g: &mut Gen, cx: &Ctx) -> Vec<(String, Node)> {
    if g.chance(0.4) {
        return vec![];
    }
    // Usually a proper curve: losses up, probabilities down.
    let n = g.int(0, 4);
    let mut loss = g.log_uniform(1e3, 1e6);
    let mut p = g.unit().max(0.05);
    let mut points = vec![];
    for _ in 0..n {
        points.push(Node::Table(vec![
            entry("loss", cx.num(g, loss)),
            entry("probability", cx.num(g, p)),
        ]));
        loss *= g.log_uniform(1.0, 100.0);
        p *= g.unit();
    }
    vec![entry("tolerance", Node::Arr(points))]
}

fn risk_id(g: &mut Gen, cx: &Ctx) -> Vec<(String, Node)> {
    vec![entry("id", Node::Str(id(g, cx, "r")))]
}

fn risk_name(g: &mut Gen, cx: &Ctx) -> Vec<(String, Node)> {
    if g.chance(0.5) {
        return vec![];
    }
    vec![entry("name", Node::Str(text(g, cx.wild.max(0.1))))]
}

/// CSF ids: CSF 2.0 categories and subcategories, CSF 1.1 ids (mapped or refused), and junk.
const CSF_IDS: [&str; 20] = [
    "PR.AA", "PR.AA-05", "PR.PS", "DE.CM", "RC.RP", "RS.MI", "GV.PO", "ID.AM", "PR.AT", "RS.MA",
    "PR.AC", "ID.BE", "RS.IM", "PR.AC-1", "ID.RM", "pr.aa", "XX.YY", "", "PR.AA-99", "GV",
];

fn risk_csf(g: &mut Gen, cx: &Ctx) -> Vec<(String, Node)> {
    if g.chance(0.5) {
        return vec![];
    }
    let wild = cx.wild;
    vec![entry(
        "csf",
        cx.list(g, 4, |g| {
            if g.chance(wild) {
                Node::Str(g.pick(&CSF_IDS[10..]).to_string())
            } else {
                Node::Str(g.pick(&CSF_IDS[..10]).to_string())
            }
        }),
    )]
}

/// A frequency: exactly one kind, usually.
pub fn frequency(g: &mut Gen, cx: &Ctx) -> Node {
    let kind = match g.below(8) {
        0 => entry("poisson", Node::Table(vec![entry("rate", cx.rate(g))])),
        1 => entry(
            "poisson",
            Node::Table(vec![entry(
                "ci90",
                cx.ci90(g, |g| g.log_uniform(0.01, 5.0), 100.0),
            )]),
        ),
        2 => {
            let mu = -4.0 + 5.0 * g.unit();
            let sigma = if g.chance(cx.wild.max(0.02)) {
                0.0
            } else {
                2.0 * g.unit()
            };
            entry(
                "poisson",
                Node::Table(vec![
                    entry("mu", cx.num(g, mu)),
                    entry("sigma", cx.num(g, sigma)),
                ]),
            )
        }
        3 => entry(
            "bernoulli",
            Node::Table(vec![entry("probability", cx.probability(g))]),
        ),
        4 | 5 => {
            let mean = g.log_uniform(0.05, 5.0);
            let variance = mean * g.log_uniform(1.001, 20.0);
            entry(
                "negative_binomial",
                Node::Table(vec![
                    entry("mean", cx.num(g, mean)),
                    entry("variance", cx.num(g, variance)),
                ]),
            )
        }
        _ => {
            let count = g.int(0, 4) as i128;
            entry("fixed", Node::Table(vec![entry("count", cx.int(g, count))]))
        }
    };
    let mut kinds = vec![kind];
    if g.chance(cx.wild / 4.0) {
        // Two kinds, or none.
        if g.chance(0.5) {
            kinds.clear();
        } else {
            kinds.push(entry(
                "bernoulli",
                Node::Table(vec![entry("probability", Node::Num(0.5))]),
            ));
        }
    }
    Node::Table(kinds)
}

/// A magnitude: exactly one kind (usually), with an optional cap.
pub fn magnitude(g: &mut Gen, cx: &Ctx) -> Node {
    let (name, mut fields) = match g.below(9) {
        0 => (
            "lognormal",
            vec![entry(
                "ci90",
                cx.ci90(g, |g| g.log_uniform(100.0, 1e7), 1e4),
            )],
        ),
        1 => {
            let mu = 5.0 + 10.0 * g.unit();
            let sigma = if g.chance(cx.wild.max(0.02)) {
                0.0
            } else {
                3.0 * g.unit()
            };
            (
                "lognormal",
                vec![entry("mu", cx.num(g, mu)), entry("sigma", cx.num(g, sigma))],
            )
        }
        2 => {
            let (min, mode, max) = cx.ordered3(g, |g| g.log_uniform(10.0, 1e7));
            let mut f = vec![entry("min", min), entry("mode", mode), entry("max", max)];
            if g.chance(0.3) {
                let lambda = g.pick(&[0.5, 1.0, 4.0, 10.0]);
                f.push(entry("lambda", cx.num(g, lambda)));
            }
            ("pert", f)
        }
        3 => {
            let (min, mode, max) = cx.ordered3(g, |g| g.log_uniform(10.0, 1e7));
            (
                "triangular",
                vec![entry("min", min), entry("mode", mode), entry("max", max)],
            )
        }
        4 => {
            let (min, _, max) = cx.ordered3(g, |g| g.log_uniform(10.0, 1e7));
            ("uniform", vec![entry("min", min), entry("max", max)])
        }
        5 => {
            let shape = g.log_uniform(0.1, 10.0);
            let scale = g.log_uniform(100.0, 1e6);
            (
                "gamma",
                vec![
                    entry("shape", cx.num(g, shape)),
                    entry("scale", cx.num(g, scale)),
                ],
            )
        }
        6 => {
            let scale = g.log_uniform(100.0, 1e6);
            let shape = if g.chance(cx.wild.max(0.02)) {
                g.log_uniform(0.5, 1.0)
            } else {
                g.log_uniform(1.05, 5.0)
            };
            (
                "pareto",
                vec![
                    entry("scale", cx.num(g, scale)),
                    entry("shape", cx.num(g, shape)),
                ],
            )
        }
        7 => ("fixed", vec![entry("value", cx.money(g))]),
        _ => (
            "empirical",
            vec![entry("losses", cx.list(g, 12, |g| cx.money(g)))],
        ),
    };
    if g.chance(0.3) {
        let cap = g.log_uniform(1e5, 1e9);
        fields.push(entry("cap", cx.num(g, cap)));
    }
    let mut kinds = vec![entry(name, Node::Table(fields))];
    if g.chance(cx.wild / 4.0) {
        if g.chance(0.5) {
            kinds.clear();
        } else {
            kinds.push(entry(
                "fixed",
                Node::Table(vec![entry("value", Node::Num(1.0))]),
            ));
        }
    }
    Node::Table(kinds)
}

/// A risk's losses: `frequency` and `magnitude`, or the Open FAIR factors (sometimes both, or
/// neither).
fn risk_loss_model(g: &mut Gen, cx: &Ctx) -> Vec<(String, Node)> {
    let plain = vec![
        entry("frequency", frequency(g, cx)),
        entry("magnitude", magnitude(g, cx)),
    ];
    let mut fair = vec![
        entry("threat_event_frequency", frequency(g, cx)),
        entry(
            if g.chance(0.2) {
                "susceptibility"
            } else {
                "vulnerability"
            },
            cx.fraction(g),
        ),
        entry("primary_loss", magnitude(g, cx)),
    ];
    if g.chance(0.4) {
        fair.push(entry(
            "secondary",
            Node::Table(vec![
                entry("probability", cx.probability(g)),
                entry("loss", magnitude(g, cx)),
            ]),
        ));
    }
    let fair = vec![entry("fair", Node::Table(fair))];
    if g.chance(cx.wild / 4.0) {
        return if g.chance(0.5) {
            vec![]
        } else {
            plain.into_iter().chain(fair).collect()
        };
    }
    if g.chance(0.7) { plain } else { fair }
}

fn control_id(g: &mut Gen, cx: &Ctx) -> Vec<(String, Node)> {
    vec![entry("id", Node::Str(id(g, cx, "c")))]
}

fn control_name(g: &mut Gen, cx: &Ctx) -> Vec<(String, Node)> {
    if g.chance(0.5) {
        return vec![];
    }
    vec![entry("name", Node::Str(text(g, cx.wild.max(0.1))))]
}

/// The six functions with some of their categories.
const FUNCTIONS: [(&str, &[&str]); 6] = [
    ("govern", &["GV.OC", "GV.RM", "GV.PO", "GV.SC"]),
    ("identify", &["ID.AM", "ID.RA", "ID.IM"]),
    ("protect", &["PR.AA", "PR.AT", "PR.DS", "PR.PS", "PR.IR"]),
    ("detect", &["DE.CM", "DE.AE"]),
    ("respond", &["RS.MA", "RS.AN", "RS.CO", "RS.MI"]),
    ("recover", &["RC.RP", "RC.CO"]),
];

fn control_function(g: &mut Gen, cx: &Ctx) -> Vec<(String, Node)> {
    let (function, categories) = g.pick(&FUNCTIONS);
    let function = if g.chance(cx.wild / 2.0) {
        g.pick(&["Protect", "", "PR", "prevent"]).to_string()
    } else {
        function.to_string()
    };
    let mut out = vec![entry("function", Node::Str(function))];
    if g.chance(0.5) {
        let category = if g.chance(cx.wild / 2.0) {
            // Of another function, a subcategory, or junk.
            g.pick(&["DE.CM", "PR.AA-05", "GV", "XX.YY", "pr.aa", "ID.BE"])
                .to_string()
        } else {
            g.pick(categories).to_string()
        };
        out.push(entry("category", Node::Str(category)));
    }
    out
}

fn control_cost(g: &mut Gen, cx: &Ctx) -> Vec<(String, Node)> {
    if g.chance(0.3) {
        return vec![];
    }
    let mut fields = vec![];
    if g.chance(0.5) {
        fields.push(entry("upfront", cx.money(g)));
    }
    if g.chance(0.7) {
        fields.push(entry("annual", cx.money(g)));
    }
    vec![entry("cost", Node::Table(fields))]
}

fn control_applies_to(g: &mut Gen, cx: &Ctx) -> Vec<(String, Node)> {
    if g.chance(0.5) {
        return vec![];
    }
    let n = cx.risk_ids.len().clamp(1, 4);
    let list = cx.list(g, n, |g| cx.risk_ref(g));
    vec![entry("applies_to", list)]
}

/// A control's effects: one or more of `efficacy`, `frequency_efficacy`, `magnitude_efficacy`
/// and `transfer` (at the wildness, none).
fn control_effects(g: &mut Gen, cx: &Ctx) -> Vec<(String, Node)> {
    let mut out = vec![];
    if g.chance(0.2) {
        let mut t = vec![
            entry("deductible", cx.money(g)),
            entry("occurrence_limit", cx.money(g)),
        ];
        if g.chance(0.5) {
            t.push(entry("aggregate_limit", cx.money(g)));
        }
        if g.chance(0.4) {
            t.push(entry("coinsurance", cx.probability(g)));
        }
        if g.chance(0.3) {
            t.push(entry("attachment", cx.money(g)));
        }
        out.push(entry("transfer", Node::Table(t)));
        return out;
    }
    // `efficacy` needs a function with a natural lever (not govern or identify).
    let function = cx
        .item
        .iter()
        .find(|(k, _)| k == "function")
        .map(|(_, v)| v);
    let has_lever = !matches!(function, Some(Node::Str(f)) if f == "govern" || f == "identify");
    let shorthand = has_lever || g.chance(cx.wild);
    if shorthand && g.chance(0.5) {
        out.push(entry("efficacy", cx.fraction(g)));
        if g.chance(cx.wild) {
            // The shorthand and an explicit lever: one of them twice, or both levers.
            out.push(entry(
                g.pick(&["frequency_efficacy", "magnitude_efficacy"]),
                cx.fraction(g),
            ));
        }
    } else {
        let both = g.chance(0.4);
        let frequency_first = g.chance(0.5);
        if both || frequency_first {
            out.push(entry("frequency_efficacy", cx.fraction(g)));
        }
        if both || !frequency_first {
            out.push(entry("magnitude_efficacy", cx.fraction(g)));
        }
    }
    if g.chance(cx.wild / 2.0) {
        out.clear();
    }
    out
}

/// `status`: mostly in place (the key left out or written), a quarter candidates.
fn control_status(g: &mut Gen, cx: &Ctx) -> Vec<(String, Node)> {
    let status = match g.below(8) {
        0 | 1 => "candidate",
        2 => "in_place",
        _ => return vec![],
    };
    let status = if g.chance(cx.wild / 2.0) {
        g.pick(&["Candidate", "", "planned", "in place"])
    } else {
        status
    };
    vec![entry("status", Node::Str(status.to_string()))]
}

/// A number of days (mostly 0.1 to 60, now and then a whole year or more).
fn days(g: &mut Gen, cx: &Ctx) -> Node {
    let x = if g.chance(0.1) {
        g.pick(&[0.0, 365.0, 366.0, 1e4])
    } else {
        g.log_uniform(0.1, 60.0)
    };
    cx.num(g, x)
}

/// `coverage`, `reliability` (a share, or lapses: `variance_frequency` with
/// `variance_duration_days`), `variant_efficacy` and `manages`.
fn control_reliability(g: &mut Gen, cx: &Ctx) -> Vec<(String, Node)> {
    let mut out = vec![];
    // An insurance policy takes none of these (at the wildness it gets them anyway).
    if cx.item.iter().any(|(k, _)| k == "transfer") && !g.chance(cx.wild) {
        return out;
    }
    if g.chance(0.15) {
        out.push(entry("coverage", cx.probability(g)));
    }
    if g.chance(0.2) {
        let reliability = if g.chance(0.4) {
            cx.probability(g)
        } else {
            let mut fields = vec![];
            if !g.chance(cx.wild / 2.0) {
                let x = g.log_uniform(0.1, 50.0);
                fields.push(entry("variance_frequency", cx.num(g, x)));
            }
            if !g.chance(cx.wild / 2.0) {
                fields.push(entry("variance_duration_days", days(g, cx)));
            }
            Node::Table(fields)
        };
        out.push(entry("reliability", reliability));
        if g.chance(0.5) {
            out.push(entry("variant_efficacy", cx.fraction(g)));
        }
    } else if g.chance(cx.wild / 4.0) {
        // Without a reliability to lapse from.
        out.push(entry("variant_efficacy", cx.fraction(g)));
    }
    if g.chance(0.1) {
        let n = cx.control_ids.len().clamp(1, 3);
        let mut fields = vec![entry("controls", cx.list(g, n, |g| cx.control_ref(g)))];
        if g.chance(0.7) {
            fields.push(entry("variance_frequency_factor", cx.probability(g)));
        }
        if g.chance(0.6) {
            fields.push(entry("variance_duration_days", days(g, cx)));
        }
        out.push(entry("manages", Node::Table(fields)));
    }
    out
}

/// `operated_by` and `group`: a few parties and groups, and at the wildness many (more groups
/// than the Shapley split takes) or odd names.
fn control_parties(g: &mut Gen, cx: &Ctx) -> Vec<(String, Node)> {
    let mut out = vec![];
    let name = |g: &mut Gen, usual: &[&str]| {
        if g.chance(cx.wild) {
            if g.chance(0.5) {
                text(g, 1.0)
            } else {
                format!("g{}", cx.index)
            }
        } else {
            g.pick(usual).to_string()
        }
    };
    if g.chance(0.2) {
        let party = name(g, &["self", "aws", "msp", "it:ops"]);
        out.push(entry("operated_by", Node::Str(party)));
    }
    if g.chance(0.15) {
        let group = name(g, &["identity", "endpoint", "cloud"]);
        out.push(entry("group", Node::Str(group)));
    }
    out
}

/// `budget`: an objective, annual budgets, an upfront cap, now and then plans and a phased
/// budget.
fn scenario_budget(g: &mut Gen, cx: &Ctx) -> Vec<(String, Node)> {
    if g.chance(0.7) {
        return vec![];
    }
    let mut fields = vec![];
    if g.chance(0.6) {
        let objective = if g.chance(cx.wild) {
            g.pick(&["EAL", "", "npv", "var 99"])
        } else {
            g.pick(&["eal", "net_benefit", "var99", "tvar99"])
        };
        fields.push(entry("objective", Node::Str(objective.to_string())));
    }
    if g.chance(0.7) {
        fields.push(entry("annual", cx.list(g, 4, |g| cx.money(g))));
    }
    if g.chance(0.4) {
        fields.push(entry("upfront", cx.money(g)));
    }
    if g.chance(0.2) {
        let n = cx.control_ids.len().clamp(1, 3);
        let plans = cx.list(g, 2, |g| {
            Node::Table(vec![
                entry("name", Node::Str(text(g, cx.wild))),
                entry("controls", cx.list(g, n, |g| cx.control_ref(g))),
            ])
        });
        fields.push(entry("plans", plans));
    }
    if g.chance(0.1) {
        let budgets = cx.list(g, 5, |g| cx.money(g));
        fields.push(entry(
            "phased",
            Node::Table(vec![entry("budgets", budgets)]),
        ));
    }
    vec![entry("budget", Node::Table(fields))]
}

// ---------------------------------------------------------------------------------------------
// Whole scenarios.

/// How a generated case looks: its tree, whether it is written as TOML (with `[[risks]]`
/// sections or inline) or JSON.
#[derive(Clone, Debug)]
pub struct Generated {
    pub doc: Node,
    pub format: Format,
    pub sections: bool,
}

impl Generated {
    pub fn text(&self) -> String {
        match self.format {
            Format::Json => self.doc.json(),
            _ => self.doc.toml(self.sections),
        }
    }
}

/// An item (risk or control) built from its key functions.
fn item(g: &mut Gen, cx: &mut Ctx, keys: &[Keys]) -> Node {
    cx.item.clear();
    for k in keys {
        let entries = k(g, cx);
        cx.item.extend(entries);
    }
    Node::Table(std::mem::take(&mut cx.item))
}

/// A whole scenario: case `seed`.
pub fn generate(seed: u64) -> Generated {
    let mut g = Gen::new(seed);
    let wild = g.pick(&[0.0, 0.0, 0.01, 0.03, 0.1, 0.3]);
    let n_risks = if g.chance(0.05) {
        g.pick(&[0, 40, 200])
    } else {
        g.int(1, 6)
    };
    let n_controls = if g.chance(0.03) {
        g.pick(&[17, 40])
    } else {
        g.int(0, 6)
    };
    let mut cx = Ctx {
        wild,
        risk_ids: (0..n_risks).map(|i| format!("r{i}")).collect(),
        control_ids: (0..n_controls).map(|i| format!("c{i}")).collect(),
        index: 0,
        item: vec![],
    };
    let mut doc: Vec<(String, Node)> = SCENARIO_KEYS.iter().flat_map(|k| k(&mut g, &cx)).collect();
    let mut risks = vec![];
    for i in 0..n_risks {
        cx.index = i;
        risks.push(item(&mut g, &mut cx, RISK_KEYS));
    }
    doc.push(entry("risks", Node::Arr(risks)));
    if n_controls > 0 || g.chance(0.2) {
        let mut controls = vec![];
        for i in 0..n_controls {
            cx.index = i;
            controls.push(item(&mut g, &mut cx, CONTROL_KEYS));
        }
        doc.push(entry("controls", Node::Arr(controls)));
    }
    // Shocks and frailty from their own stream, keyed by the case's seed.
    let mut dependence = Gen::new(seed ^ 0xD3E9_E4DE_4CE0_0012);
    doc.extend(DEPENDENCE_KEYS.iter().flat_map(|k| k(&mut dependence, &cx)));
    if !g.chance(wild) {
        make_references_sensible(&mut doc);
        // A budget section left with nothing to choose from goes.
        doc.retain(|(k, v)| k != "budget" || !matches!(v, Node::Table(f) if f.is_empty()));
    }
    let mut doc = Node::Table(doc);
    if g.chance(wild) {
        spoil(&mut g, &mut doc, wild);
    }
    let format = if g.chance(0.5) {
        Format::Json
    } else {
        Format::Toml
    };
    Generated {
        doc,
        format,
        sections: g.chance(0.5),
    }
}

/// Points the references between items where the format needs them (most cases; the others
/// keep whatever was drawn): `manages` at the other controls that have a `reliability` (or
/// leaves it out), budget plans at candidates (or leaves them out), and a phased budget of one
/// cash budget per year of the horizon.
fn make_references_sensible(doc: &mut [(String, Node)]) {
    fn get<'a>(entries: &'a [(String, Node)], key: &str) -> Option<&'a Node> {
        entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
    fn id_of(control: &Node) -> Option<String> {
        match control {
            Node::Table(fields) => match get(fields, "id") {
                Some(Node::Str(id)) => Some(id.clone()),
                _ => None,
            },
            _ => None,
        }
    }
    let controls: Vec<Node> = match get(doc, "controls") {
        Some(Node::Arr(items)) => items.clone(),
        _ => vec![],
    };
    let with = |key: &str, value: Option<&str>| -> Vec<String> {
        controls
            .iter()
            .filter(|c| match (c, value) {
                (Node::Table(f), None) => get(f, key).is_some(),
                (Node::Table(f), Some(v)) => matches!(get(f, key), Some(Node::Str(s)) if s == v),
                _ => false,
            })
            .filter_map(id_of)
            .collect()
    };
    let reliable = with("reliability", None);
    let candidates = with("status", Some("candidate"));
    let horizon = match get(doc, "finance") {
        Some(Node::Table(f)) => match get(f, "horizon_years") {
            Some(Node::Int(h)) if (1..=100).contains(h) => *h as usize,
            _ => 1,
        },
        _ => 1,
    };
    for (k, v) in doc.iter_mut() {
        match (k.as_str(), v) {
            ("controls", Node::Arr(items)) => {
                for control in items.iter_mut() {
                    let own = id_of(control);
                    let Node::Table(fields) = control else {
                        continue;
                    };
                    let managed: Vec<Node> = reliable
                        .iter()
                        .filter(|id| Some(*id) != own.as_ref())
                        .take(2)
                        .map(|id| Node::Str(id.clone()))
                        .collect();
                    if managed.is_empty() {
                        fields.retain(|(k, _)| k != "manages");
                    }
                    for (k, v) in fields.iter_mut() {
                        if let ("manages", Node::Table(m)) = (k.as_str(), v) {
                            for (mk, mv) in m.iter_mut() {
                                if mk == "controls" {
                                    *mv = Node::Arr(managed.clone());
                                }
                            }
                        }
                    }
                }
            }
            ("budget", Node::Table(fields)) => {
                if candidates.is_empty() {
                    // Nothing to choose from: the budget search refuses it (a case now and
                    // then, at the wildness).
                    fields.clear();
                }
                for (k, v) in fields.iter_mut() {
                    match (k.as_str(), v) {
                        ("plans", Node::Arr(plans)) => {
                            for plan in plans.iter_mut() {
                                if let Node::Table(p) = plan {
                                    for (pk, pv) in p.iter_mut() {
                                        if pk == "controls" {
                                            *pv = Node::Arr(
                                                candidates
                                                    .iter()
                                                    .take(2)
                                                    .map(|c| Node::Str(c.clone()))
                                                    .collect(),
                                            );
                                        }
                                    }
                                }
                            }
                        }
                        ("phased", Node::Table(p)) => {
                            for (pk, pv) in p.iter_mut() {
                                if let ("budgets", Node::Arr(b)) = (pk.as_str(), pv) {
                                    let last = b.last().cloned().unwrap_or(Node::Num(1e5));
                                    b.resize(horizon, last);
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
}

/// Wrong types, unknown keys, duplicates and deep nesting planted in the tree, each node hit
/// with probability `p`.
pub fn spoil(g: &mut Gen, node: &mut Node, p: f64) {
    if g.chance(p) {
        *node = match g.below(8) {
            0 => Node::Str("0.5".to_string()),
            1 => Node::Bool(true),
            2 => Node::Arr(vec![Node::Num(10.0), Node::Num(20.0), Node::Num(30.0)]),
            3 => Node::Table(vec![]),
            4 => Node::Int(7),
            5 => nested(g.pick(&[10, 40, 200])),
            6 => Node::Arr(vec![]),
            _ => Node::Num(g.pick(&EXTREMES)),
        };
        return;
    }
    match node {
        Node::Arr(items) => {
            for v in items.iter_mut() {
                spoil(g, v, p);
            }
        }
        Node::Table(entries) => {
            for (_, v) in entries.iter_mut() {
                spoil(g, v, p);
            }
            if g.chance(p) {
                let k = if g.chance(0.5) {
                    "mangitude".to_string()
                } else {
                    "k".repeat(g.int(1, 3000))
                };
                entries.push((k, Node::Num(1.0)));
            }
            if g.chance(p / 2.0) && !entries.is_empty() {
                let dup = entries[g.below(entries.len())].clone();
                entries.push(dup);
            }
        }
        _ => {}
    }
}

/// Arrays nested `depth` deep.
pub fn nested(depth: usize) -> Node {
    let mut n = Node::Num(1.0);
    for _ in 0..depth {
        n = Node::Arr(vec![n]);
    }
    n
}

// ---------------------------------------------------------------------------------------------
// Token-level mutations of the shipped scenarios.

/// The shipped scenarios, as (name, format, text): the default scenario and the complete TOML
/// example of SCENARIO.md, each also as the JSON its spec writes.
pub fn seeds() -> Vec<(&'static str, Format, String)> {
    let default = include_str!("../examples/data/default.toml").to_string();
    let doc = include_str!("../docs/SCENARIO.md");
    let example = doc
        .split("```toml\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("SCENARIO.md has a complete TOML example")
        .to_string();
    let mut out = vec![];
    for (name, text) in [("default", default), ("scenario_md", example)] {
        let scenario =
            Scenario::parse(&text, Format::Toml, name).expect("a shipped scenario reads");
        let spec = scenario.to_spec().expect("a shipped scenario writes");
        let json = serde_json::to_string_pretty(&spec).expect("a spec serializes");
        out.push((name, Format::Toml, text));
        out.push((name, Format::Json, json));
    }
    out
}

/// Splits text into tokens: whitespace runs, strings (with their quotes), numbers and words,
/// single punctuation characters. Concatenated they are the text.
pub fn tokens(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut out = vec![];
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let b = bytes[i];
        if b.is_ascii_whitespace() {
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
        } else if b == b'"' {
            i += 1;
            while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                if bytes[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            i = (i + 1).min(bytes.len());
        } else if b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'+' || b == b'.' {
            while i < bytes.len()
                && (bytes[i].is_ascii_alphanumeric()
                    || matches!(bytes[i], b'_' | b'-' | b'+' | b'.'))
            {
                i += 1;
            }
        } else {
            i += 1;
            while i < bytes.len() && !text.is_char_boundary(i) {
                i += 1;
            }
        }
        while i < bytes.len() && !text.is_char_boundary(i) {
            i += 1;
        }
        out.push(&text[start..i]);
    }
    out
}

/// Number literals that replace numbers (in TOML or JSON spelling; the other format's spelling
/// is a syntax error to report).
const EXTREME_LITERALS: [&str; 22] = [
    "0",
    "0.0",
    "-0.0",
    "5e-324",
    "2.2250738585072009e-308",
    "1e-300",
    "1e300",
    "1e308",
    "1.7976931348623157e308",
    "1e999",
    "-1",
    "-1e300",
    "nan",
    "inf",
    "-inf",
    "NaN",
    "Infinity",
    "18446744073709551616",
    "4294967296",
    "9223372036854775807",
    "100",
    "0.99999999999999999",
];

/// A mutated shipped scenario: case `seed`.
pub fn mutate(seed: u64, sources: &[(&'static str, Format, String)]) -> (String, Format, String) {
    let mut g = Gen::new(seed.wrapping_mul(31).wrapping_add(7));
    let (name, format, text) = &sources[g.below(sources.len())];
    let mut toks: Vec<String> = tokens(text).into_iter().map(str::to_string).collect();
    let edits = g.int(1, 4);
    let mut log = vec![];
    for _ in 0..edits {
        if toks.is_empty() {
            break;
        }
        let k = g.below(toks.len());
        // Prefer tokens that are not whitespace.
        let k = (k..toks.len())
            .chain(0..k)
            .find(|&i| !toks[i].trim().is_empty())
            .unwrap_or(k);
        match g.below(10) {
            0 => {
                log.push(format!("delete {k}"));
                toks.remove(k);
            }
            1 => {
                log.push(format!("duplicate {k}"));
                let t = toks[k].clone();
                toks.insert(k, t);
            }
            2 => {
                let m = g.below(toks.len());
                log.push(format!("swap {k} {m}"));
                toks.swap(k, m);
            }
            3..=5 => {
                // A number replaced by an extreme literal.
                let numbers: Vec<usize> = (0..toks.len())
                    .filter(|&i| toks[i].starts_with(|c: char| c.is_ascii_digit()))
                    .collect();
                if !numbers.is_empty() {
                    let i = g.pick(&numbers);
                    let lit = g.pick(&EXTREME_LITERALS);
                    log.push(format!("number {i} -> {lit}"));
                    toks[i] = lit.to_string();
                }
            }
            6 => {
                let strings: Vec<usize> = (0..toks.len())
                    .filter(|&i| toks[i].starts_with('"'))
                    .collect();
                if !strings.is_empty() {
                    let i = g.pick(&strings);
                    let s = text_literal(&mut g);
                    log.push(format!("string {i} -> {} bytes", s.len()));
                    toks[i] = s;
                }
            }
            7 => {
                let cut = g.below(toks.len());
                log.push(format!("truncate at {cut}"));
                toks.truncate(cut);
            }
            8 => {
                let depth = g.pick(&[33, 100, 5000]);
                let (open, close) = if g.chance(0.5) {
                    ("[", "]")
                } else if *format == Format::Json {
                    ("{\"a\": ", "}")
                } else {
                    ("{ a = ", " }")
                };
                log.push(format!("nest {depth} at {k}"));
                toks[k] = format!("{}{}{}", open.repeat(depth), toks[k], close.repeat(depth));
            }
            _ => {
                // A run of tokens duplicated (a block, a list entry).
                let len = g.int(2, 80).min(toks.len() - k);
                log.push(format!("duplicate run {k}+{len}"));
                let run: Vec<String> = toks[k..k + len].to_vec();
                for (j, t) in run.into_iter().enumerate() {
                    toks.insert(k + len + j, t);
                }
            }
        }
    }
    (format!("{name} {}", log.join(", ")), *format, toks.concat())
}

fn text_literal(g: &mut Gen) -> String {
    let s = text(g, 1.0);
    serde_json::to_string(&s).expect("a string serializes")
}

// ---------------------------------------------------------------------------------------------
// Running a case.

/// Bounds on running a case.
#[derive(Clone, Copy, Debug)]
pub struct RunLimits {
    /// Trial counts above this are lowered to it (the format's own limits are checked first,
    /// by parsing).
    pub max_trials: u64,
    /// A run still going after this long is stopped (through its monitor) and reported as
    /// [`Class::Slow`].
    pub time: Duration,
    /// Write the CSV files too (slower: files on disk).
    pub csv: Option<&'static str>,
    /// Run the budget search of a scenario with candidates or a `budget` section ([`case`]
    /// runs it in every generated case and in one mutated case of [`MUTATED_BUDGET_EVERY`]).
    pub budget: bool,
}

/// [`case`] runs the budget search in one mutated case of this many: the shipped default
/// scenario has ten candidates, whose search would be most of the suite's time.
pub const MUTATED_BUDGET_EVERY: u64 = 8;

impl Default for RunLimits {
    fn default() -> RunLimits {
        RunLimits {
            max_trials: 200,
            time: Duration::from_secs(10),
            csv: None,
            budget: true,
        }
    }
}

/// The classes of failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// A panic anywhere in parse, write, assess or the outputs.
    Panic,
    /// An error that is neither an input nor a limit error.
    ErrorKind,
    /// An error whose message is too long.
    ErrorLength,
    /// An error that does not say where it comes from.
    ErrorUnlocated,
    /// A scenario that does not read back from the file it writes.
    Roundtrip,
    /// A report figure that is NaN or infinite (or null where a number belongs).
    NonFinite,
    /// A negative EAL, cost, standard error or SD.
    Negative,
    /// A probability outside [0, 1].
    Probability,
    /// Quantiles, tail means, exceedance or LEC out of order, or an interval not ordered.
    Order,
    /// Figures that should add up and do not.
    Sum,
    /// A run stopped after [`RunLimits::time`].
    Slow,
    /// The report's JSON does not parse or lacks a key.
    Shape,
}

/// What became of a case.
#[derive(Clone, Debug)]
pub enum Outcome {
    /// Refused with a good error: its kind (the variant, or the source's for a located error),
    /// at parse or at assess.
    Refused {
        kind: String,
        at_assess: bool,
        message: String,
    },
    /// Ran to a sensible report.
    Ran,
    /// Anything else.
    Failure { class: Class, detail: String },
}

fn fail(class: Class, detail: impl Into<String>) -> Outcome {
    Outcome::Failure {
        class,
        detail: detail.into(),
    }
}

/// The longest error message accepted: each quote of the input is at most 64 characters, and a
/// message quotes a few.
pub const MAX_MESSAGE_CHARS: usize = 1200;

/// The variant name of an error (of its source for a located scenario error).
pub fn kind(e: &Error) -> String {
    let inner = e.source_error().unwrap_or(e);
    let debug = format!("{inner:?}");
    debug
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("")
        .to_string()
}

/// Checks an error: input or limit, bounded, located.
fn check_error(e: &Error, file: &str, at_assess: bool) -> Outcome {
    let message = e.to_string();
    let kind = kind(e);
    if matches!(e, Error::Cancelled) {
        return fail(Class::Slow, "stopped after the time limit");
    }
    if !(e.is_input() || e.is_limit()) {
        return fail(Class::ErrorKind, format!("{kind}: {message}"));
    }
    if message.chars().count() > MAX_MESSAGE_CHARS {
        return fail(
            Class::ErrorLength,
            format!("{} chars: {}", message.chars().count(), shorten(&message)),
        );
    }
    let located = if at_assess {
        // `assess` locates what it can (Scenario::assess); a non-finite figure of the whole
        // portfolio names its report key instead, and the engine's limits name their own.
        e.path().is_some()
            || matches!(
                e,
                Error::NonFiniteFigure { .. }
                    | Error::OutOfMemory { .. }
                    | Error::TooMuchWork { .. }
            )
    } else {
        e.file() == Some(file)
    };
    if !located {
        return fail(Class::ErrorUnlocated, format!("{kind}: {message}"));
    }
    Outcome::Refused {
        kind,
        at_assess,
        message,
    }
}

fn shorten(s: &str) -> String {
    if s.chars().count() <= 300 {
        s.to_string()
    } else {
        format!("{}...", s.chars().take(300).collect::<String>())
    }
}

/// Stops a run after a deadline.
struct Deadline(Instant);

impl Monitor for Deadline {
    fn is_cancelled(&self) -> bool {
        Instant::now() > self.0
    }
}

/// Runs one case, catching panics.
pub fn run_case(text: &str, format: Format, limits: &RunLimits) -> Outcome {
    let file = match format {
        Format::Json => "case.json",
        _ => "case.toml",
    };
    match catch_unwind(AssertUnwindSafe(|| {
        run_unguarded(text, format, file, limits)
    })) {
        Ok(outcome) => outcome,
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "a panic without a message".to_string());
            fail(Class::Panic, message)
        }
    }
}

fn run_unguarded(text: &str, format: Format, file: &str, limits: &RunLimits) -> Outcome {
    let scenario = match Scenario::parse(text, format, file) {
        Ok(s) => s,
        Err(e) => return check_error(&e, file, false),
    };
    if let Some(failure) = check_roundtrip(&scenario) {
        return failure;
    }
    let options = scenario.options();
    let scenario = if options.trial_count() > limits.max_trials {
        scenario.with_options(options.trials(limits.max_trials))
    } else {
        scenario
    };
    let report = match scenario.assess_with(&Deadline(Instant::now() + limits.time)) {
        Ok(r) => r,
        Err(e) => return check_error(&e, file, true),
    };
    let json = report.to_json();
    let value: Value = match serde_json::from_str(&json) {
        Ok(v) => v,
        Err(e) => {
            return fail(
                Class::Shape,
                format!("the report's JSON does not parse: {e}"),
            );
        }
    };
    if let Err((class, detail)) = check_report(&value, scenario.options().trial_count()) {
        return fail(class, detail);
    }
    // The other outputs: they must not panic (caught above) and must say something.
    let text_report = report.text().to_string();
    let html = report.html(&HtmlOptions::new());
    let svgs = [
        report.lec_svg(),
        report.functions_svg(),
        report.controls_svg(),
    ];
    if text_report.is_empty() || html.is_empty() || svgs.iter().any(|s| !s.starts_with("<svg")) {
        return fail(Class::Shape, "an empty text report, page or chart");
    }
    if let Some(dir) = limits.csv {
        let dir = std::env::temp_dir().join(format!("{dir}-{}", std::process::id()));
        if let Err(e) = report.write_csv(&dir) {
            return fail(Class::Shape, format!("write_csv: {e}"));
        }
    }
    if limits.budget && (scenario.budget().is_some() || !scenario.model().candidates().is_empty()) {
        return run_budget(&scenario, file, limits);
    }
    Outcome::Ran
}

/// The budget search of a scenario with candidates or a `budget` section: its report must be
/// finite, read back as JSON, and print; or it is a located error.
fn run_budget(scenario: &Scenario, file: &str, limits: &RunLimits) -> Outcome {
    let report = match scenario.budget_report_with(&Deadline(Instant::now() + limits.time)) {
        Ok(r) => r,
        Err(e) => return check_error(&e, file, true),
    };
    let value: Value = match serde_json::from_str(&report.to_json_pretty()) {
        Ok(v) => v,
        Err(e) => {
            return fail(
                Class::Shape,
                format!("the budget report's JSON does not parse: {e}"),
            );
        }
    };
    if let Err((class, detail)) = all_finite(&value, &mut String::from("budget"), "") {
        return fail(class, detail);
    }
    if report.to_string().is_empty() {
        return fail(Class::Shape, "an empty budget report");
    }
    if let Some(dir) = limits.csv {
        let dir = std::env::temp_dir().join(format!("{dir}-budget-{}", std::process::id()));
        if let Err(e) = report.write_csv(&dir) {
            return fail(Class::Shape, format!("budget write_csv: {e}"));
        }
    }
    Outcome::Ran
}

/// A scenario written by `to_spec` reads back equal (from JSON and TOML text), or `to_spec`
/// refuses it with `Unwritable`.
fn check_roundtrip(scenario: &Scenario) -> Option<Outcome> {
    let spec = match scenario.to_spec() {
        Ok(spec) => spec,
        Err(Error::Unwritable { .. }) => return None,
        Err(e) => return Some(fail(Class::Roundtrip, format!("to_spec: {e}"))),
    };
    let json = match serde_json::to_string(&spec) {
        Ok(j) => j,
        Err(e) => return Some(fail(Class::Roundtrip, format!("the spec as JSON: {e}"))),
    };
    match Scenario::parse(&json, Format::Json, "written.json") {
        Ok(back) if reads_back(scenario, &back, &spec) => {}
        Ok(back) => {
            return Some(fail(
                Class::Roundtrip,
                format!(
                    "JSON reads back different: {}",
                    first_difference(scenario, &back)
                ),
            ));
        }
        Err(e) => return Some(fail(Class::Roundtrip, format!("written JSON refused: {e}"))),
    }
    let toml = match toml::to_string(&spec) {
        Ok(t) => t,
        Err(e) => return Some(fail(Class::Roundtrip, format!("the spec as TOML: {e}"))),
    };
    match Scenario::parse(&toml, Format::Toml, "written.toml") {
        Ok(back) if reads_back(scenario, &back, &spec) => None,
        Ok(back) => Some(fail(
            Class::Roundtrip,
            format!(
                "TOML reads back different: {}",
                first_difference(scenario, &back)
            ),
        )),
        Err(e) => Some(fail(Class::Roundtrip, format!("written TOML refused: {e}"))),
    }
}

/// Whether `back`, read from the file written as `spec`, is `original` as `Scenario::to_spec`
/// promises: equal, except that a negative binomial thinned by a known vulnerability may have
/// its shape `r` move by the rounding of its variance (its probability of an event within a
/// relative 1e-12), the file written again being the same file.
fn reads_back(original: &Scenario, back: &Scenario, spec: &csfquant::spec::ScenarioSpec) -> bool {
    if back == original {
        return true;
    }
    let same_file = back.to_spec().ok().as_ref() == Some(spec);
    let (a, b) = (original.model(), back.model());
    let risks_close = a.risks().len() == b.risks().len()
        && a.risks().iter().zip(b.risks()).all(|(x, y)| {
            x == y
                || (x.id() == y.id()
                    && x.magnitude() == y.magnitude()
                    && x.csf() == y.csf()
                    && format!("{:?}", x.frequency()).contains("NegativeBinomial")
                    && format!("{:?}", y.frequency()).contains("NegativeBinomial")
                    && (x.frequency().probability_of_event()
                        - y.frequency().probability_of_event())
                    .abs()
                        <= 1e-12 * x.frequency().probability_of_event())
        });
    same_file
        && risks_close
        && a.controls() == b.controls()
        && original.name() == back.name()
        && original.options() == back.options()
        && original.finance() == back.finance()
        && original.thresholds() == back.thresholds()
        && original.tolerance() == back.tolerance()
}

/// Where two scenarios' debug forms first differ, with some context.
fn first_difference(a: &Scenario, b: &Scenario) -> String {
    let (a, b) = (format!("{a:?}"), format!("{b:?}"));
    let at = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    let around = |s: &str| {
        let mut lo = at.saturating_sub(200);
        while !s.is_char_boundary(lo) {
            lo -= 1;
        }
        let mut hi = (at + 100).min(s.len());
        while !s.is_char_boundary(hi) {
            hi += 1;
        }
        s[lo..hi].to_string()
    };
    format!("was ...{}... read back ...{}...", around(&a), around(&b))
}

// ---------------------------------------------------------------------------------------------
// The report's figures.

type Check = Result<(), (Class, String)>;

fn num(v: &Value, path: &str) -> Result<f64, (Class, String)> {
    v.as_f64()
        .ok_or_else(|| (Class::Shape, format!("{path}: not a number: {v}")))
}

fn key<'a>(v: &'a Value, k: &str, path: &str) -> Result<&'a Value, (Class, String)> {
    v.get(k)
        .ok_or_else(|| (Class::Shape, format!("{path}: no key `{k}`")))
}

fn list<'a>(v: &'a Value, k: &str, path: &str) -> Result<&'a Vec<Value>, (Class, String)> {
    key(v, k, path)?
        .as_array()
        .ok_or_else(|| (Class::Shape, format!("{path}.{k}: not a list")))
}

fn non_negative(x: f64, path: &str) -> Check {
    if x >= 0.0 {
        Ok(())
    } else {
        Err((Class::Negative, format!("{path} = {x:e}")))
    }
}

fn probability(x: f64, path: &str) -> Check {
    if (0.0..=1.0).contains(&x) {
        Ok(())
    } else {
        Err((Class::Probability, format!("{path} = {x:e}")))
    }
}

fn ordered(a: f64, b: f64, what: &str) -> Check {
    if a <= b {
        Ok(())
    } else {
        Err((Class::Order, format!("{what}: {a:e} > {b:e}")))
    }
}

/// `a` and `b` agree to the rounding of adding up `scale` (the sum of the magnitudes added).
fn adds_up(a: f64, b: f64, scale: f64, what: &str) -> Check {
    if (a - b).abs() <= 1e-9 * scale.abs() + 1e-300 {
        Ok(())
    } else {
        Err((Class::Sum, format!("{what}: {a:e} vs {b:e}")))
    }
}

/// Keys whose value may be null: `rosi` where the annual cost is 0, `irr` where no rate
/// solves, `share` where nothing is shared, a control's optional `category`, and the optional
/// records (a control that is not insurance has no `transfer`, a pure manager no
/// `effective_efficacy`, a model without groups no `groups`).
const NULLABLE: [&str; 10] = [
    // The budget report's: a plan's gap has no standard error under a tail objective.
    "gap_se",
    "rosi",
    "irr",
    "share",
    "category",
    "transfer",
    "aggregate_limit",
    "attachment",
    "effective_efficacy",
    "groups",
];

/// Every number of the report is finite (JSON cannot carry NaN or infinities: serde_json
/// writes them as null), and null appears only where the format allows it.
fn all_finite(v: &Value, path: &mut String, last_key: &str) -> Check {
    match v {
        Value::Null if NULLABLE.contains(&last_key) => Ok(()),
        Value::Null => Err((Class::NonFinite, format!("{path} is null"))),
        Value::Number(n) => match n.as_f64() {
            Some(x) if x.is_finite() => Ok(()),
            _ => Err((Class::NonFinite, format!("{path} = {n}"))),
        },
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                let _ = write!(path, "[{i}]");
                all_finite(item, path, last_key)?;
                path.truncate(len);
            }
            Ok(())
        }
        Value::Object(map) => {
            for (k, item) in map {
                let len = path.len();
                let _ = write!(path, ".{k}");
                all_finite(item, path, k)?;
                path.truncate(len);
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// One LOSS of the report.
fn check_loss(loss: &Value, path: &str, trials: f64) -> Check {
    let eal = num(key(loss, "expected_annual_loss", path)?, path)?;
    non_negative(eal, &format!("{path}.expected_annual_loss"))?;
    for k in ["standard_error", "std_dev"] {
        non_negative(num(key(loss, k, path)?, path)?, &format!("{path}.{k}"))?;
    }
    probability(
        num(key(loss, "probability_of_loss", path)?, path)?,
        &format!("{path}.probability_of_loss"),
    )?;
    let ci = list(loss, "expected_annual_loss_ci95", path)?;
    if ci.len() == 2 {
        ordered(
            num(&ci[0], path)?,
            num(&ci[1], path)?,
            &format!("{path}.expected_annual_loss_ci95"),
        )?;
    }
    let mut last_p = -1.0;
    let mut last_loss = f64::NEG_INFINITY;
    let mut quantile_at = BTreeMap::new();
    for (i, q) in list(loss, "quantiles", path)?.iter().enumerate() {
        let here = format!("{path}.quantiles[{i}]");
        let p = num(key(q, "p", &here)?, &here)?;
        let x = num(key(q, "loss", &here)?, &here)?;
        probability(p, &here)?;
        non_negative(x, &format!("{here}.loss"))?;
        ordered(last_p, p, &format!("{here}.p after the previous"))?;
        ordered(last_loss, x, &format!("{here}.loss after the previous"))?;
        let ci = list(q, "ci95", &here)?;
        if ci.len() == 2 {
            ordered(
                num(&ci[0], &here)?,
                x,
                &format!("{here}: ci95 low and loss"),
            )?;
            ordered(
                x,
                num(&ci[1], &here)?,
                &format!("{here}: loss and ci95 high"),
            )?;
        }
        quantile_at.insert(p.to_bits(), x);
        last_p = p;
        last_loss = x;
    }
    let mut last_tail = f64::NEG_INFINITY;
    for (i, t) in list(loss, "tail_mean", path)?.iter().enumerate() {
        let here = format!("{path}.tail_mean[{i}]");
        let p = num(key(t, "p", &here)?, &here)?;
        let x = num(key(t, "loss", &here)?, &here)?;
        ordered(last_tail, x, &format!("{here}.loss after the previous"))?;
        // TVaR at p is the mean of the years at or above VaR p: at least VaR p, and at least the
        // mean of all years (to rounding).
        if let Some(&var) = quantile_at.get(&p.to_bits()) {
            ordered(var * (1.0 - 1e-12), x, &format!("{here}: VaR and TVaR"))?;
        }
        ordered(eal * (1.0 - 1e-9), x, &format!("{here}: EAL and TVaR"))?;
        last_tail = x;
    }
    // Exceedance at the thresholds: by loss, probabilities never rise; each is years / trials.
    let mut points: Vec<(f64, f64, f64)> = vec![];
    for (i, e) in list(loss, "exceedance", path)?.iter().enumerate() {
        let here = format!("{path}.exceedance[{i}]");
        let x = num(key(e, "loss", &here)?, &here)?;
        let p = num(key(e, "probability", &here)?, &here)?;
        let years = num(key(e, "years", &here)?, &here)?;
        probability(p, &format!("{here}.probability"))?;
        if (p - years / trials).abs() > 1e-12 {
            return Err((
                Class::Sum,
                format!("{here}: probability {p} but {years} of {trials} years"),
            ));
        }
        points.push((x, p, years));
    }
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    for w in points.windows(2) {
        ordered(
            w[1].1,
            w[0].1,
            &format!("{path}.exceedance: P(L > x) rising in x"),
        )?;
    }
    for curve in ["curve", "lec_grid"] {
        let mut last: Option<(f64, f64)> = None;
        for (i, c) in list(loss, curve, path)?.iter().enumerate() {
            let here = format!("{path}.{curve}[{i}]");
            let x = num(key(c, "loss", &here)?, &here)?;
            let p = num(key(c, "probability", &here)?, &here)?;
            probability(p, &format!("{here}.probability"))?;
            if let Some((lx, lp)) = last {
                ordered(lx, x, &format!("{here}.loss after the previous"))?;
                ordered(p, lp, &format!("{here}.probability after the previous"))?;
            }
            last = Some((x, p));
        }
    }
    Ok(())
}

/// The figures of an `assess` report, as JSON: finite, non-negative where they are amounts,
/// probabilities in [0, 1], ordered where they are quantiles or curves, adding up where the model
/// says they do.
pub fn check_report(report: &Value, trials: u64) -> Check {
    all_finite(report, &mut String::new(), "")?;
    let n = trials as f64;
    let reported = num(key(report, "trials", "")?, "trials")?;
    if reported != n {
        return Err((Class::Shape, format!("trials {reported}, ran {n}")));
    }
    let inherent = key(report, "inherent", "")?;
    let residual = key(report, "residual", "")?;
    check_loss(inherent, "inherent", n)?;
    check_loss(residual, "residual", n)?;
    let eal = |l: &Value| num(&l["expected_annual_loss"], "expected_annual_loss");
    let (inherent_eal, residual_eal) = (eal(inherent)?, eal(residual)?);
    // Controls only ever remove loss, year by year.
    ordered(
        residual_eal,
        inherent_eal * (1.0 + 1e-12),
        "residual EAL above the inherent",
    )?;
    let total = num(key(report, "total_reduction", "")?, "total_reduction")?;
    adds_up(
        total,
        inherent_eal - residual_eal,
        inherent_eal,
        "total_reduction",
    )?;
    // Per-risk EALs add up to the portfolio's (the same years, summed in another order).
    let risks = list(report, "risks", "")?;
    let (mut sum_inherent, mut sum_residual, mut scale) = (0.0, 0.0, 0.0);
    for (i, r) in risks.iter().enumerate() {
        let here = format!("risks[{i}]");
        let a = num(key(r, "inherent_eal", &here)?, &here)?;
        let b = num(key(r, "residual_eal", &here)?, &here)?;
        non_negative(a, &format!("{here}.inherent_eal"))?;
        non_negative(b, &format!("{here}.residual_eal"))?;
        non_negative(
            num(key(r, "inherent_eal_se", &here)?, &here)?,
            &format!("{here}.inherent_eal_se"),
        )?;
        sum_inherent += a;
        sum_residual += b;
        scale += a + b;
    }
    adds_up(
        sum_inherent,
        inherent_eal,
        scale + inherent_eal,
        "sum of risks' inherent_eal",
    )?;
    adds_up(
        sum_residual,
        residual_eal,
        scale + inherent_eal,
        "sum of risks' residual_eal",
    )?;
    // Shapley shares of the functions add up to the total reduction.
    let mut shares = 0.0;
    let mut shares_scale = inherent_eal;
    for (i, f) in list(report, "functions", "")?.iter().enumerate() {
        let here = format!("functions[{i}]");
        non_negative(
            num(key(f, "annual_cost", &here)?, &here)?,
            &format!("{here}.annual_cost"),
        )?;
        let x = num(key(f, "eal_reduction", &here)?, &here)?;
        shares += x;
        shares_scale += x.abs();
    }
    if !list(report, "functions", "")?.is_empty() {
        adds_up(
            shares,
            total,
            shares_scale,
            "functions' eal_reduction and total_reduction",
        )?;
    }
    for (i, c) in list(report, "controls", "")?.iter().enumerate() {
        let here = format!("controls[{i}]");
        let cost = num(key(c, "annual_cost", &here)?, &here)?;
        non_negative(cost, &format!("{here}.annual_cost"))?;
        for k in ["eal_reduction_se", "standalone_reduction_se"] {
            if let Some(v) = c.get(k) {
                non_negative(num(v, &here)?, &format!("{here}.{k}"))?;
            }
        }
        let reduction = num(key(c, "eal_reduction", &here)?, &here)?;
        let net = num(key(c, "net_benefit", &here)?, &here)?;
        adds_up(
            net,
            reduction - cost,
            reduction.abs() + cost,
            &format!("{here}.net_benefit"),
        )?;
        let rosi = key(c, "rosi", &here)?;
        if rosi.is_null() != (cost == 0.0) {
            return Err((
                Class::Shape,
                format!("{here}.rosi is {rosi} at annual_cost {cost}"),
            ));
        }
    }
    for (i, c) in list(report, "controls", "")?.iter().enumerate() {
        let here = format!("controls[{i}]");
        if let Some(a) = c.get("availability") {
            probability(num(a, &here)?, &format!("{here}.availability"))?;
        }
        if let Some(e) = c.get("effective_efficacy").filter(|e| !e.is_null()) {
            probability(num(e, &here)?, &format!("{here}.effective_efficacy"))?;
        }
    }
    // Parties and groups: Shapley shares of the total reduction, adding up to it.
    for section in ["parties", "groups"] {
        let Some(entries) = report.get(section).and_then(Value::as_array) else {
            continue;
        };
        let (mut sum, mut scale) = (0.0, inherent_eal);
        for (i, e) in entries.iter().enumerate() {
            let here = format!("{section}[{i}]");
            non_negative(
                num(key(e, "annual_cost", &here)?, &here)?,
                &format!("{here}.annual_cost"),
            )?;
            if let Some(x) = e.get("eal_if_lapsed") {
                non_negative(num(x, &here)?, &format!("{here}.eal_if_lapsed"))?;
            }
            let x = num(key(e, "eal_reduction", &here)?, &here)?;
            sum += x;
            scale += x.abs();
        }
        if !entries.is_empty() {
            adds_up(sum, total, scale, &format!("{section}' eal_reduction"))?;
        }
    }
    // Candidates: valued apart, each on top of the in-place set.
    if let Some(candidates) = report.get("candidates").and_then(Value::as_array) {
        for (i, c) in candidates.iter().enumerate() {
            let here = format!("candidates[{i}]");
            let cost = num(key(c, "annual_cost", &here)?, &here)?;
            for k in ["annual_cost", "upfront", "standalone_reduction_se"] {
                non_negative(num(key(c, k, &here)?, &here)?, &format!("{here}.{k}"))?;
            }
            let reduction = num(key(c, "standalone_reduction", &here)?, &here)?;
            let net = num(key(c, "net_benefit", &here)?, &here)?;
            adds_up(
                net,
                reduction - cost,
                reduction.abs() + cost,
                &format!("{here}.net_benefit"),
            )?;
        }
    }
    if let Some(t) = report.get("tolerance") {
        for side in [Some(t), t.get("inherent")].into_iter().flatten() {
            for (i, p) in list(side, "points", "tolerance")?.iter().enumerate() {
                let here = format!("tolerance.points[{i}]");
                probability(
                    num(key(p, "probability", &here)?, &here)?,
                    &format!("{here}.probability"),
                )?;
                probability(
                    num(key(p, "limit", &here)?, &here)?,
                    &format!("{here}.limit"),
                )?;
                if let Some(ci) = p.get("ci95").and_then(Value::as_array) {
                    let (lo, hi) = (num(&ci[0], &here)?, num(&ci[1], &here)?);
                    probability(lo, &format!("{here}.ci95"))?;
                    probability(hi, &format!("{here}.ci95"))?;
                    ordered(lo, hi, &format!("{here}.ci95"))?;
                }
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Tallies.

/// What a run of cases came to.
#[derive(Clone, Debug, Default)]
pub struct Tally {
    pub cases: u64,
    pub parsed: u64,
    pub ran: u64,
    pub errors: BTreeMap<String, u64>,
    pub failures: BTreeMap<String, u64>,
    /// The first failure of each class: (case, detail, text, format).
    pub examples: BTreeMap<String, (String, String, String, Format)>,
}

impl Tally {
    pub fn add(&mut self, case: &str, text: &str, format: Format, outcome: &Outcome) {
        self.cases += 1;
        match outcome {
            Outcome::Refused {
                kind, at_assess, ..
            } => {
                if *at_assess {
                    self.parsed += 1;
                }
                let at = if *at_assess { "assess" } else { "parse" };
                *self.errors.entry(format!("{at}: {kind}")).or_default() += 1;
            }
            Outcome::Ran => {
                self.parsed += 1;
                self.ran += 1;
            }
            Outcome::Failure { class, detail } => {
                let name = format!("{class:?}");
                *self.failures.entry(name.clone()).or_default() += 1;
                self.examples.entry(name).or_insert_with(|| {
                    (case.to_string(), detail.clone(), text.to_string(), format)
                });
            }
        }
    }

    pub fn summary(&self) -> String {
        let mut s = format!(
            "cases {}, parsed {}, ran {}, refused {}, failures {}\n",
            self.cases,
            self.parsed,
            self.ran,
            self.errors.values().sum::<u64>(),
            self.failures.values().sum::<u64>()
        );
        s.push_str("errors by kind:\n");
        for (k, n) in &self.errors {
            let _ = writeln!(s, "  {n:>8}  {k}");
        }
        s.push_str("failures by class:\n");
        for (k, n) in &self.failures {
            let _ = writeln!(s, "  {n:>8}  {k}");
        }
        for (class, (case, detail, text, _)) in &self.examples {
            let _ = writeln!(
                s,
                "first {class}: case {case}: {}\n--- text ({} bytes) ---\n{}\n---",
                shorten(detail),
                text.len(),
                shorten_text(text)
            );
        }
        s
    }
}

fn shorten_text(text: &str) -> String {
    if text.len() <= 4000 {
        text.to_string()
    } else {
        let mut end = 4000;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}...", &text[..end])
    }
}

/// The name, format and text of generated case `k` (`k` even: a generated scenario; odd: a
/// mutated shipped one), without running it.
pub fn case_text(k: u64, sources: &[(&'static str, Format, String)]) -> (String, Format, String) {
    if k.is_multiple_of(2) {
        let generated = generate(k);
        (format!("generated {k}"), generated.format, generated.text())
    } else {
        let (what, format, text) = mutate(k, sources);
        (format!("mutated {k} ({what})"), format, text)
    }
}

/// Runs generated case `k` (`k` even: a generated scenario; odd: a mutated shipped one) and
/// returns its name, text, format and outcome.
pub fn case(
    k: u64,
    sources: &[(&'static str, Format, String)],
    limits: &RunLimits,
) -> (String, String, Format, Outcome) {
    let (name, format, text) = case_text(k, sources);
    let limits = RunLimits {
        budget: limits.budget
            && (k.is_multiple_of(2) || (k / 2).is_multiple_of(MUTATED_BUDGET_EVERY)),
        ..*limits
    };
    let outcome = run_case(&text, format, &limits);
    (name, text, format, outcome)
}
