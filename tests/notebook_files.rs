//! The files a notebook reads (`write_csv`, the JSON report): both curves on one loss grid,
//! the curves ending at their last simulated exceedance, `summary.csv`, the symmetric tolerance
//! verdict and the insurance terms, each parsed as a reader would (the csv crate, JSON keys).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use csfquant::{Assessment, Format, Scenario, SimulationOptions};
use serde_json::Value;

const DEFAULT_SCENARIO: &str = include_str!("../examples/data/default.toml");

fn assess(text: &str, trials: u64) -> Assessment {
    let scenario = Scenario::parse(text, Format::Toml, "test.toml").unwrap();
    let seed = scenario.options().seed();
    scenario
        .with_options(SimulationOptions::new(seed).trials(trials))
        .assess()
        .unwrap()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("csfquant-nb-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// The rows of a CSV file as maps from column to cell.
fn rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            header
                .iter()
                .cloned()
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect()
}

fn num(row: &BTreeMap<String, String>, key: &str) -> f64 {
    row[key]
        .parse()
        .unwrap_or_else(|_| panic!("{key}: {:?}", row[key]))
}

#[test]
fn lec_csv_puts_both_arms_on_one_grid_that_pivots() {
    let report = assess(DEFAULT_SCENARIO, 4_000);
    let dir = temp_dir("lec");
    report.write_csv(&dir).unwrap();
    let lec = rows(&dir.join("lec.csv"));
    let arm = |name: &str| -> Vec<(f64, f64, usize)> {
        lec.iter()
            .filter(|r| r["arm"] == name)
            .map(|r| {
                (
                    num(r, "loss"),
                    num(r, "probability"),
                    r["years"].parse().unwrap(),
                )
            })
            .collect()
    };
    let (inherent, residual) = (arm("inherent"), arm("residual"));
    assert_eq!(lec.len(), inherent.len() + residual.len());
    // The pivot on loss lines up: the residual's losses are the first of the inherent's, bit
    // for bit (the same grid), and the residual, lower year by year, ends no later.
    assert!(!residual.is_empty() && residual.len() <= inherent.len());
    for (r, i) in residual.iter().zip(&inherent) {
        assert_eq!(r.0.to_bits(), i.0.to_bits());
        assert!(r.1 <= i.1, "controls only lower a year's loss: {r:?} {i:?}");
    }
    // Every row has a simulated year above it (a log axis shows it), and its probability is
    // its years over the trials; the curves never rise.
    for curve in [&inherent, &residual] {
        for &(_, p, years) in curve.iter() {
            assert!(years > 0);
            assert_eq!(p, years as f64 / 4_000.0);
        }
        assert!(
            curve
                .windows(2)
                .all(|w| w[0].0 < w[1].0 && w[0].1 >= w[1].1)
        );
    }
    // The grid reaches the largest simulated loss, above which no year lies: the last row of
    // the inherent curve is the last grid loss with a year above it.
    let max = report.analysis().unwrap().inherent().max();
    assert!(inherent.last().unwrap().0 < max);
    assert_eq!(inherent.len(), report.inherent().shared_curve.len());
    // A report read back from its JSON writes the same file.
    let loaded: Assessment = serde_json::from_str(&report.to_json()).unwrap();
    let again = temp_dir("lec-loaded");
    loaded.write_csv(&again).unwrap();
    assert_eq!(
        std::fs::read(dir.join("lec.csv")).unwrap(),
        std::fs::read(again.join("lec.csv")).unwrap()
    );
}

#[test]
fn summary_csv_carries_the_headline_and_the_metadata() {
    let report = assess(DEFAULT_SCENARIO, 4_000);
    let dir = temp_dir("summary");
    let written = report.write_csv(&dir).unwrap();
    assert!(written.contains(&dir.join("summary.csv")));
    let summary = rows(&dir.join("summary.csv"));
    assert_eq!(summary.len(), 2);
    let t = report.tolerance().unwrap();
    for (row, arm, s, (met, verdict)) in [
        (
            &summary[0],
            "inherent",
            report.inherent(),
            (t.inherent.met, t.inherent.verdict),
        ),
        (
            &summary[1],
            "residual",
            report.residual(),
            (t.met, t.verdict),
        ),
    ] {
        assert_eq!(row["arm"], arm);
        assert_eq!(row["scenario"], report.scenario());
        assert_eq!(row["currency"], "USD");
        assert_eq!(row["trials"], "4000");
        assert_eq!(row["seed"], "2027");
        assert_eq!(row["csfquant_version"], env!("CARGO_PKG_VERSION"));
        assert_eq!(row["horizon_years"], "3");
        assert_eq!(num(row, "discount_rate"), 0.08);
        assert_eq!(num(row, "expected_annual_loss"), s.expected_annual_loss);
        assert_eq!(
            num(row, "expected_annual_loss_ci95_low"),
            s.expected_annual_loss_ci95[0]
        );
        assert_eq!(
            num(row, "expected_annual_loss_ci95_high"),
            s.expected_annual_loss_ci95[1]
        );
        for (column, p) in [("var_95", 0.95), ("var_99", 0.99), ("var_99_5", 0.995)] {
            let q = s.quantile_at(p).unwrap();
            assert_eq!(num(row, column), q.loss, "{column}");
            assert_eq!(num(row, &format!("{column}_ci95_low")), q.ci95[0]);
            assert_eq!(num(row, &format!("{column}_ci95_high")), q.ci95[1]);
        }
        assert_eq!(num(row, "tvar_99"), s.tail_mean_at(0.99).unwrap().loss);
        assert_eq!(row["tolerance_met"], met.to_string());
        assert_eq!(row["tolerance_verdict"], verdict.as_str());
    }

    // Without a tolerance the verdict cells are empty (NaN in pandas), not "met".
    let bare = assess(
        "name = \"Bare\"\n[[risks]]\nid = \"a\"\nfrequency = { poisson = { rate = 0.5 } }\n\
         magnitude = { fixed = { value = 10.0 } }\n",
        500,
    );
    let dir = temp_dir("summary-bare");
    bare.write_csv(&dir).unwrap();
    for row in rows(&dir.join("summary.csv")) {
        assert_eq!(
            (
                row["tolerance_met"].as_str(),
                row["tolerance_verdict"].as_str()
            ),
            ("", "")
        );
    }
}

#[test]
fn the_json_has_a_residual_verdict_beside_the_inherent_one() {
    let report = assess(DEFAULT_SCENARIO, 2_000);
    let json: Value = serde_json::from_str(&report.to_json()).unwrap();
    let t = &json["tolerance"];
    assert_eq!(t["residual"]["met"], t["met"]);
    assert_eq!(t["residual"]["verdict"], t["verdict"]);
    assert_eq!(t["residual"]["points"], t["points"]);
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&t["residual"]), keys(&t["inherent"]));
    assert_eq!(json["csfquant_version"], env!("CARGO_PKG_VERSION"));
    // Loading ignores the repeated key and gives the same report.
    let mut fresh = report.clone();
    fresh.take_analysis();
    let loaded: Assessment = serde_json::from_value(json).unwrap();
    assert_eq!(loaded, fresh);
}

#[test]
fn the_insurance_terms_are_in_the_json_the_csv_and_on_the_chart() {
    let report = assess(DEFAULT_SCENARIO, 2_000);
    let json: Value = serde_json::from_str(&report.to_json()).unwrap();
    for c in json["controls"].as_array().unwrap() {
        if c["id"] == "cyber_insurance" {
            // examples/data/default.toml: 1M deductible, 10M occurrence and aggregate, 20%.
            assert_eq!(
                c["transfer"],
                serde_json::json!({ "deductible": 1e6, "occurrence_limit": 1e7,
                                    "aggregate_limit": 1e7, "coinsurance": 0.2 })
            );
        } else {
            assert!(c["transfer"].is_null(), "{}", c["id"]);
        }
    }
    let dir = temp_dir("transfer");
    report.write_csv(&dir).unwrap();
    for row in rows(&dir.join("controls.csv")) {
        let cells = [
            "transfer_deductible",
            "transfer_occurrence_limit",
            "transfer_aggregate_limit",
            "transfer_coinsurance",
        ]
        .map(|k| row[k].clone());
        if row["id"] == "cyber_insurance" {
            assert_eq!(cells, ["1000000.0", "10000000.0", "10000000.0", "0.2"]);
        } else {
            assert_eq!(cells, ["", "", "", ""]);
        }
    }
    let lec = report.lec_svg();
    assert!(lec.contains(">deductible 1M per event</text>"), "{lec}");
    assert!(lec.contains(">limit 10M per event and a year</text>"));
    assert!(lec.contains("insurance terms (per event or a year, as labelled)"));

    // Two policies with different limits: each labelled by its id, each term apart.
    let two = assess(
        r#"
name = "Two policies"
[[risks]]
id = "a"
frequency = { poisson = { rate = 1.0 } }
magnitude = { lognormal = { ci90 = [10_000.0, 5_000_000.0] } }
[[controls]]
id = "primary"
function = "govern"
cost = { annual = 1_000.0 }
transfer = { deductible = 50_000.0, occurrence_limit = 1_000_000.0 }
[[controls]]
id = "excess"
function = "govern"
cost = { annual = 1_000.0 }
transfer = { deductible = 0.0, occurrence_limit = 2_000_000.0, aggregate_limit = 3_000_000.0 }
"#,
        1_000,
    );
    let lec = two.lec_svg();
    for label in [
        ">primary: deductible 50k per event</text>",
        ">primary: occurrence limit 1M per event</text>",
        ">excess: occurrence limit 2M per event</text>",
        ">excess: aggregate limit 3M a year</text>",
    ] {
        assert!(lec.contains(label), "{label} missing");
    }
    assert!(
        !lec.contains("deductible 0 "),
        "a zero deductible is not drawn"
    );
}

#[test]
fn rosi_and_irr_say_their_unit_where_a_reader_meets_them() {
    let report = assess(DEFAULT_SCENARIO, 1_000);
    let text = report.text().to_string();
    assert!(text.contains("in percent (JSON and CSV: a fraction, +150% is 1.5)"));
    let html = report.html(&csfquant::HtmlOptions::new());
    assert!(html.contains("carry it as a fraction: +150% is 1.5"));
    // And the fraction is what the JSON holds: the text's percentage over 100.
    let c = &report.controls()[0];
    let rosi = c.rosi.unwrap();
    assert!(text.contains(&format!("{:+.0}%", 100.0 * rosi)));
}
