//! Snapshots of the text report (`Assessment::text`, what `assess` prints), compared byte for
//! byte with golden files in `tests/data/golden/`.
//!
//! A change to the tables, or to the numbers behind them, fails these tests with the first line
//! that differs. When the change is intended, rewrite the golden files and review the diff:
//!
//! ```sh
//! CSFQUANT_BLESS=1 cargo test --test main text_report
//! git diff tests/data/golden/
//! ```
//!
//! With `CSFQUANT_BLESS=1` the tests write what the code prints instead of comparing it (and
//! pass). The runs are small (thousands of years), so the figures are rough; what is pinned is
//! the layout and that the same seed gives the same text.

use std::path::PathBuf;

use csfquant::{Assessment, Format, Scenario, SimulationOptions, ToleranceVerdict};

/// The scenario `assess` runs without a file.
const DEFAULT_SCENARIO: &str = include_str!("../examples/data/default.toml");

/// A small scenario whose tolerance curve shows every verdict: met, exceeded, and within noise
/// on either side of the limit. Fixed losses and Bernoulli years make its exceedance
/// probabilities easy to check by hand; the ransomware tail gives low-count rows in the loss
/// exceedance table and VaR 99.9% intervals short of their coverage (2,000 years).
const VERDICTS: &str = r#"
name = "Verdicts Ltd"
currency = "EUR"
tolerance = [
  { loss = 50_000.0, probability = 0.7 },      # met: 56% [54%, 58%]
  { loss = 500_000.0, probability = 0.05 },    # exceeded: 14% [13%, 16%]
  { loss = 1_500_000.0, probability = 0.015 }, # exceeded within noise: 1.7% [1.2%, 2.4%]
  { loss = 3_000_000.0, probability = 0.01 },  # met within noise: 0.6% [0.34%, 1.05%]
]

[simulation]
trials = 2_000
seed = 11

[[risks]]
id = "outage"
name = "Web shop outage"
frequency = { bernoulli = { probability = 0.5 } }
magnitude = { fixed = { value = 100_000.0 } }

[[risks]]
id = "breach"
frequency = { bernoulli = { probability = 0.2 } }
magnitude = { fixed = { value = 1_000_000.0 } }

[[risks]]
id = "ransomware"
name = "Ransomware"
frequency = { poisson = { rate = 0.05 } }
magnitude = { lognormal = { ci90 = [500_000.0, 8_000_000.0] } }

[[controls]]
id = "patching"
name = "Patch management"
function = "protect"
applies_to = ["breach"]
cost = { annual = 50_000.0 }
efficacy = 0.5

[[controls]]
id = "backups"
name = "Offline backups (already paid for)"
function = "recover"
applies_to = ["ransomware"]
efficacy = 0.5
"#;

/// Compares `actual` with the golden file `name` byte for byte, or with `CSFQUANT_BLESS=1`
/// writes it there.
fn check_golden(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/golden")
        .join(name);
    if std::env::var_os("CSFQUANT_BLESS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; CSFQUANT_BLESS=1 cargo test --test main text_report writes it",
            path.display()
        )
    });
    if expected == actual.as_bytes() {
        return;
    }
    let expected = String::from_utf8_lossy(&expected);
    let (mut want, mut got) = (expected.lines(), actual.lines());
    for line in 1.. {
        match (want.next(), got.next()) {
            (Some(w), Some(g)) if w == g => continue,
            (None, None) => break,
            (w, g) => panic!(
                "{} differs at line {line}:\n  golden: {w:?}\n  actual: {g:?}\n\
                 (if the change is intended: CSFQUANT_BLESS=1 cargo test --test main text_report)",
                path.display()
            ),
        }
    }
    panic!(
        "{} differs in its line endings (the golden files are LF only)",
        path.display()
    );
}

fn assess(text: &str, file: &str, trials: u64) -> Assessment {
    let scenario = Scenario::parse(text, Format::Toml, file).unwrap();
    let seed = scenario.options().seed();
    scenario
        .with_options(SimulationOptions::new(seed).trials(trials))
        .assess()
        .unwrap()
}

#[test]
fn the_default_scenario_prints_its_golden_tables() {
    // The default scenario at its seed, 2027, with 5,000 years instead of 100,000.
    let report = assess(DEFAULT_SCENARIO, "examples/data/default.toml", 5_000);
    assert_eq!(report.seed(), 2027);
    let text = report
        .text()
        .source("examples/data/default.toml, embedded")
        .to_string();
    check_golden("default_report.txt", &text);
}

#[test]
fn every_tolerance_verdict_prints_as_in_its_golden_file() {
    let report = assess(VERDICTS, "verdicts.toml", 2_000);
    let tolerance = report.tolerance().unwrap();
    let verdicts: Vec<ToleranceVerdict> = tolerance.points.iter().map(|p| p.verdict).collect();
    use ToleranceVerdict::{Exceeded, Met, WithinNoise};
    assert_eq!(verdicts, [Met, Exceeded, WithinNoise, WithinNoise]);
    assert_eq!(tolerance.verdict, Exceeded);
    assert!(!tolerance.met);
    // The two within-noise points lie on either side of their limits.
    assert!(tolerance.points[2].margin < 0.0 && tolerance.points[3].margin > 0.0);
    check_golden(
        "verdicts.txt",
        &report.text().source("verdicts.toml").to_string(),
    );
}

#[test]
fn a_report_loaded_from_its_json_prints_the_same_text() {
    let report = assess(VERDICTS, "verdicts.toml", 2_000);
    let loaded: Assessment = serde_json::from_str(&report.to_json()).unwrap();
    assert!(loaded.analysis().is_none());
    assert_eq!(loaded.text().to_string(), report.text().to_string());
}

#[test]
fn the_text_without_a_source_controls_or_tolerance() {
    let toml = r#"
name = "Bare\tminimum"
[[risks]]
id = "a"
frequency = { bernoulli = { probability = 0.1 } }
magnitude = { fixed = { value = 1000.0 } }
"#;
    let text = assess(toml, "bare.toml", 1_000).text().to_string();
    let lines: Vec<&str> = text.lines().collect();
    // The name alone, its tab shown as a space.
    assert_eq!(lines[0], "Bare minimum");
    assert!(text.contains("\nRisk tolerance: the scenario states none\n"));
    assert!(text.contains("\nNo controls: nothing is removed\n"));
    assert!(!text.contains("\nControls, best return first"));
    assert!(text.ends_with("nothing is removed\n"), "{text}");
    assert!(
        text.lines().all(|l| l == l.trim_end()),
        "no trailing spaces"
    );
}

#[test]
fn a_scenario_without_losses_says_so() {
    let toml = r#"
name = "Quiet"
[[risks]]
id = "a"
frequency = { poisson = { rate = 0.0 } }
magnitude = { fixed = { value = 1000.0 } }
"#;
    let report = assess(toml, "quiet.toml", 1_000);
    assert!(report.inherent().lec_grid.is_empty());
    let text = report.text().to_string();
    assert!(
        text.contains("\nLoss exceedance curve: no simulated year has a loss\n"),
        "{text}"
    );
}
