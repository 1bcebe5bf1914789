//! The assess report: the JSON keys of SCENARIO.md at every level and the extensions, loading a
//! report back from its JSON, the lookups, the CSV files, and the control analysis's per-trial
//! losses (for `assess --csv`).

use csfquant::{
    Assessment, Control, ControlAnalysis, Cost, Efficacy, Finance, Format, Frequency, Function,
    Magnitude, Model, Risk, Scenario, SimulationOptions, Transfer,
};
use serde_json::Value;

/// Two risks (one with its own count), one control of each kind of lever and an insurance
/// policy, one free control.
fn small_model() -> Model {
    let risks = vec![
        Risk::new(
            "ransomware",
            Frequency::poisson(0.4).unwrap(),
            Magnitude::lognormal_ci90(1e5, 5e6).unwrap(),
        )
        .unwrap()
        .with_name("Ransomware, on \"all\" hosts"),
        Risk::new(
            "bec",
            Frequency::poisson_ci90(0.5, 3.0).unwrap(),
            Magnitude::pert(1e4, 6e4, 9e5).unwrap(),
        )
        .unwrap(),
    ];
    let controls = vec![
        Control::new("insurance", Function::Govern)
            .unwrap()
            .with_cost(Cost::new(0.0, 45e3).unwrap())
            .with_transfer(
                Transfer::new(250e3, 2e6)
                    .unwrap()
                    .with_aggregate_limit(3e6)
                    .unwrap(),
            )
            .unwrap(),
        Control::new("mfa", Function::Protect)
            .unwrap()
            .with_cost(Cost::new(40e3, 30e3).unwrap())
            .with_efficacy(Efficacy::pert(0.3, 0.5, 0.7).unwrap())
            .unwrap(),
        // Free: its ROSI is undefined.
        Control::new("backups", Function::Recover)
            .unwrap()
            .applies_to(["ransomware"])
            .with_efficacy(Efficacy::fixed(0.4).unwrap())
            .unwrap(),
    ];
    Model::new(risks).unwrap().with_controls(controls).unwrap()
}

fn analyze(options: SimulationOptions) -> ControlAnalysis {
    small_model()
        .analyze(options, Finance::new(3, 0.08).unwrap())
        .unwrap()
}

#[test]
fn trial_losses_are_recorded_only_on_request() {
    let options = SimulationOptions::new(5).trials(10_000);
    assert!(!options.is_recording_trials());
    assert_eq!(analyze(options).trial_losses(), None);
    assert!(options.record_trials(true).is_recording_trials());
}

#[test]
fn trial_losses_sorted_are_the_distributions_and_pair_year_by_year() {
    // Not a multiple of the chunk size, several chunks.
    let a = analyze(
        SimulationOptions::new(11)
            .trials(20_001)
            .record_trials(true),
    );
    let (inherent, residual) = a.trial_losses().unwrap();
    assert_eq!(inherent.len(), 20_001);
    assert_eq!(residual.len(), 20_001);
    let sorted = |xs: &[f64]| {
        let mut v = xs.to_vec();
        v.sort_by(f64::total_cmp);
        v
    };
    assert_eq!(sorted(inherent), a.inherent().losses());
    assert_eq!(sorted(residual), a.residual().losses());
    // The same simulated year: a control never makes a year worse.
    assert!(
        inherent
            .iter()
            .zip(residual)
            .all(|(&i, &r)| 0.0 <= r && r <= i)
    );
    // In trial order, not sorted (a sorted copy would pass the tests above).
    assert!(!inherent.is_sorted());
    assert!(residual.iter().zip(inherent).any(|(r, i)| r < i));
}

#[test]
fn recording_trials_changes_no_result_and_is_deterministic() {
    let options = SimulationOptions::new(3).trials(30_000);
    let plain = analyze(options);
    let recorded = analyze(options.record_trials(true));
    assert_eq!(plain.inherent(), recorded.inherent());
    assert_eq!(plain.residual(), recorded.residual());
    assert_eq!(plain.controls(), recorded.controls());
    assert_eq!(plain.functions(), recorded.functions());
    assert_eq!(plain.risks(), recorded.risks());
    // Bit-identical in trial order on one thread and on the pool.
    let serial = analyze(options.record_trials(true).parallel(false));
    assert_eq!(serial.trial_losses(), recorded.trial_losses());
}

/// The complete example of SCENARIO.md, plus a free control and a second threshold.
const EXAMPLE: &str = r#"
name = "Example Co"
currency = "EUR"
thresholds = [1_000_000.0, 5_000_000.0]
tolerance = [ { loss = 1_000_000.0, probability = 0.2 }, { loss = 10_000_000.0, probability = 0.01 } ]

[simulation]
trials = 200_000
seed = 7

[finance]
horizon_years = 3
discount_rate = 0.08

[[risks]]
id = "ransomware"
name = "Ransomware on the corporate network"
csf = ["PR.PS", "DE.CM", "RC.RP"]
frequency = { poisson = { rate = 0.25 } }
magnitude = { lognormal = { ci90 = [200_000.0, 8_000_000.0] } }

[[risks]]
id = "bec"
name = "Business email compromise"
csf = ["PR.AT", "PR.AA"]
frequency = { poisson = { ci90 = [0.5, 3.0] } }
magnitude = { pert = { min = 10_000.0, mode = 60_000.0, max = 900_000.0 } }

[[controls]]
id = "mfa"
name = "Phishing-resistant MFA"
function = "protect"
category = "PR.AA"
cost = { upfront = 40_000.0, annual = 30_000.0 }
efficacy = { pert = { min = 0.3, mode = 0.5, max = 0.7 } }

[[controls]]
id = "backups"
name = "Immutable backups and tested restore"
function = "recover"
category = "RC.RP"
applies_to = ["ransomware"]
cost = { annual = 60_000.0 }
efficacy = 0.4

[[controls]]
id = "insurance"
name = "Cyber insurance"
function = "govern"
category = "GV.RM"
cost = { annual = 45_000.0 }
transfer = { deductible = 250_000.0, occurrence_limit = 2_000_000.0, aggregate_limit = 3_000_000.0 }

[[controls]]
id = "ir-retainer"
name = "Incident response retainer (already paid for)"
function = "respond"
efficacy = 0.1
"#;

fn example(trials: u64) -> Scenario {
    Scenario::parse(EXAMPLE, Format::Toml, "example.toml")
        .unwrap()
        .with_options(SimulationOptions::new(7).trials(trials))
}

fn object<'a>(value: &'a Value, at: &str) -> &'a serde_json::Map<String, Value> {
    value
        .as_object()
        .unwrap_or_else(|| panic!("{at} is not an object: {value}"))
}

fn array<'a>(value: &'a Value, at: &str) -> &'a [Value] {
    value
        .as_array()
        .unwrap_or_else(|| panic!("{at} is not an array: {value}"))
}

/// Asserts that the object `value` has every key in `keys`, each a number unless listed in
/// `non_numbers`.
fn has_keys(value: &Value, at: &str, keys: &[&str], non_numbers: &[&str]) {
    let map = object(value, at);
    for key in keys {
        let v = map
            .get(*key)
            .unwrap_or_else(|| panic!("{at} has no key {key:?}: {value}"));
        if !non_numbers.contains(key) {
            assert!(v.is_number(), "{at}.{key} is not a number: {v}");
        }
    }
}

fn check_loss(loss: &Value, at: &str, thresholds: &[f64]) {
    has_keys(
        loss,
        at,
        &[
            "expected_annual_loss",
            "standard_error",
            "std_dev",
            "probability_of_loss",
            "quantiles",
            "tail_mean",
            "exceedance",
            "curve",
        ],
        &["quantiles", "tail_mean", "exceedance", "curve"],
    );
    let quantiles = array(&loss["quantiles"], at);
    let ps: Vec<f64> = quantiles.iter().map(|q| q["p"].as_f64().unwrap()).collect();
    assert_eq!(ps, [0.5, 0.9, 0.95, 0.99, 0.995, 0.999]);
    for q in quantiles {
        has_keys(q, at, &["p", "loss", "ci95"], &["ci95"]);
        let ci: Vec<f64> = array(&q["ci95"], at)
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect();
        let loss = q["loss"].as_f64().unwrap();
        assert!(ci.len() == 2 && ci[0] <= loss && loss <= ci[1], "{at}: {q}");
    }
    let tails = array(&loss["tail_mean"], at);
    let ps: Vec<f64> = tails.iter().map(|t| t["p"].as_f64().unwrap()).collect();
    assert_eq!(ps, [0.95, 0.99]);
    for t in tails {
        has_keys(t, at, &["p", "loss"], &[]);
    }
    let exceedance = array(&loss["exceedance"], at);
    let losses: Vec<f64> = exceedance
        .iter()
        .map(|e| e["loss"].as_f64().unwrap())
        .collect();
    assert_eq!(losses, thresholds);
    for e in exceedance {
        has_keys(e, at, &["loss", "probability"], &[]);
    }
    let curve = array(&loss["curve"], at);
    assert_eq!(curve.len(), 50, "{at}.curve");
    for pair in curve.windows(2) {
        has_keys(&pair[0], at, &["loss", "probability"], &[]);
        let (a, b) = (&pair[0], &pair[1]);
        assert!(
            a["loss"].as_f64() < b["loss"].as_f64(),
            "{at}.curve losses rise"
        );
        assert!(
            a["probability"].as_f64() >= b["probability"].as_f64(),
            "{at}.curve probabilities never rise"
        );
    }
}

#[test]
fn the_json_report_has_every_key_of_the_contract() {
    let scenario = example(20_000);
    let report = scenario.assess().unwrap();
    let json = serde_json::to_value(&report).unwrap();
    has_keys(
        &json,
        "report",
        &[
            "scenario",
            "currency",
            "trials",
            "seed",
            "inherent",
            "residual",
            "risks",
            "functions",
            "controls",
            "tolerance",
        ],
        &[
            "scenario",
            "currency",
            "inherent",
            "residual",
            "risks",
            "functions",
            "controls",
            "tolerance",
        ],
    );
    assert_eq!(json["scenario"], scenario.name());
    assert_eq!(json["currency"], scenario.currency());
    assert_eq!(json["trials"], 20_000);
    assert_eq!(json["seed"], 7);
    assert_eq!(json["format_version"], 1);
    check_loss(&json["inherent"], "inherent", scenario.thresholds());
    check_loss(&json["residual"], "residual", scenario.thresholds());

    let risks = array(&json["risks"], "risks");
    assert_eq!(risks.len(), scenario.model().risks().len());
    for (r, risk) in risks.iter().zip(scenario.model().risks()) {
        has_keys(
            r,
            "risks[]",
            &["id", "inherent_eal", "residual_eal"],
            &["id"],
        );
        assert_eq!(r["id"], risk.id());
    }

    let functions = array(&json["functions"], "functions");
    assert!(!functions.is_empty());
    let mut shares = 0.0;
    for f in functions {
        has_keys(
            f,
            "functions[]",
            &["function", "annual_cost", "eal_reduction"],
            &["function"],
        );
        let name = f["function"].as_str().unwrap();
        assert!(
            [
                "govern", "identify", "protect", "detect", "respond", "recover"
            ]
            .contains(&name),
            "{name}"
        );
        shares += f["eal_reduction"].as_f64().unwrap();
    }
    let total = report.total_reduction();
    assert!(
        (shares - total).abs() <= 1e-9 * total,
        "{shares} vs {total}"
    );

    let controls = array(&json["controls"], "controls");
    assert_eq!(controls.len(), scenario.model().controls().len());
    let mut free = 0;
    for c in controls {
        has_keys(
            c,
            "controls[]",
            &[
                "id",
                "function",
                "annual_cost",
                "eal_reduction",
                "eal_reduction_se",
                "standalone_reduction",
                "rosi",
                "net_benefit",
                "npv",
            ],
            &["id", "function", "rosi"],
        );
        let (cost, reduction) = (
            c["annual_cost"].as_f64().unwrap(),
            c["eal_reduction"].as_f64().unwrap(),
        );
        if cost == 0.0 {
            free += 1;
            assert!(c["rosi"].is_null(), "a free control has no ROSI: {c}");
        } else {
            let rosi = c["rosi"].as_f64().unwrap();
            assert!((rosi - (reduction - cost) / cost).abs() <= 1e-12 * rosi.abs().max(1.0));
        }
    }
    assert!(free > 0, "the example has a free control");

    let tolerance = &json["tolerance"];
    has_keys(
        tolerance,
        "tolerance",
        &["met", "points"],
        &["met", "points"],
    );
    assert!(tolerance["met"].is_boolean());
    let points = array(&tolerance["points"], "tolerance.points");
    assert_eq!(points.len(), scenario.tolerance().unwrap().points().len());
    for p in points {
        has_keys(
            p,
            "tolerance.points[]",
            &["loss", "limit", "probability"],
            &[],
        );
    }
    // The residual verdict, as the library's check gives it.
    let check = report
        .analysis()
        .unwrap()
        .tolerance(scenario.tolerance().unwrap());
    assert_eq!(tolerance["met"], check.residual.met);
}

#[test]
fn without_a_tolerance_curve_the_tolerance_has_no_points() {
    let toml = EXAMPLE.replace("tolerance = [", "# tolerance = [");
    let scenario = Scenario::parse(&toml, Format::Toml, "no-tolerance.toml")
        .unwrap()
        .with_options(SimulationOptions::new(1).trials(5_000));
    assert!(scenario.tolerance().is_none());
    let report = scenario.assess().unwrap();
    assert!(report.tolerance().is_none());
    // The JSON keeps SCENARIO.md's shape, so `report["tolerance"]["met"]` always reads.
    let json = serde_json::to_value(report).unwrap();
    assert_eq!(
        json["tolerance"],
        serde_json::json!({ "met": true, "verdict": "met", "points": [],
                            "residual": { "met": true, "verdict": "met", "points": [] },
                            "inherent": { "met": true, "verdict": "met", "points": [] } })
    );
}

#[test]
fn the_report_is_deterministic_and_matches_its_analysis() {
    let scenario = example(10_000);
    let a = scenario.assess().unwrap();
    assert_eq!(a, scenario.assess().unwrap());
    let analysis = a.analysis().unwrap();
    assert_eq!(a.trials(), analysis.trials());
    assert_eq!(
        a.inherent().expected_annual_loss,
        analysis.inherent().expected_annual_loss()
    );
    assert_eq!(
        a.residual().quantiles[3].loss,
        analysis.residual().quantile(0.99).unwrap()
    );
    assert_eq!(
        a.residual().tail_mean[1].loss,
        analysis.residual().tail_mean(0.99).unwrap()
    );
    // The JSON text is valid and has no NaN written as null where a number belongs.
    let text = serde_json::to_string_pretty(&a).unwrap();
    let back: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(back["trials"], 10_000);
}

#[test]
fn an_analysis_of_another_model_is_refused() {
    let scenario = example(1_000);
    let other = Model::new(vec![
        Risk::new(
            "not-in-the-scenario",
            Frequency::poisson(1.0).unwrap(),
            Magnitude::fixed(1.0).unwrap(),
        )
        .unwrap(),
    ])
    .unwrap();
    let analysis = other
        .analyze(SimulationOptions::new(1).trials(100), Finance::default())
        .unwrap();
    let e = Assessment::new(&scenario, analysis).unwrap_err();
    assert!(e.to_string().contains("not-in-the-scenario"), "{e}");
}

/// Figures too large for f64 are refused with the report key, never written as `null`.
#[test]
fn a_figure_beyond_f64_is_refused_with_its_key() {
    let toml = r#"
name = "huge"
[[risks]]
id = "a"
frequency = { bernoulli = { probability = 0.5 } }
magnitude = { fixed = { value = 1e200 } }
"#;
    let scenario = Scenario::parse(toml, Format::Toml, "huge.toml")
        .unwrap()
        .with_options(SimulationOptions::new(1).trials(1_000));
    let e = scenario.assess().unwrap_err();
    assert!(
        matches!(e, csfquant::Error::NonFiniteFigure { key, .. } if key.contains("std_dev") || key.contains("standard_error")),
        "{e}"
    );
}

#[test]
fn a_report_round_trips_through_its_json() {
    let mut report = example(10_000).assess().unwrap();
    let analysis = report
        .take_analysis()
        .expect("a fresh report has its analysis");
    assert_eq!(analysis.trials(), 10_000);
    assert!(report.analysis().is_none());
    for json in [report.to_json(), report.to_json_pretty()] {
        let back: Assessment = serde_json::from_str(&json).unwrap();
        assert_eq!(back, report);
        assert_eq!(back.to_json(), report.to_json());
    }
    // The writers are serde_json's, compact and pretty.
    assert_eq!(report.to_json(), serde_json::to_string(&report).unwrap());
    assert_eq!(
        report.to_json_pretty(),
        serde_json::to_string_pretty(&report).unwrap()
    );
    // Without a tolerance curve the empty tolerance comes back as none.
    let toml = EXAMPLE.replace("tolerance = [", "# tolerance = [");
    let mut bare = Scenario::parse(&toml, Format::Toml, "no-tolerance.toml")
        .unwrap()
        .with_options(SimulationOptions::new(1).trials(2_000))
        .assess()
        .unwrap();
    bare.take_analysis();
    let back: Assessment = serde_json::from_str(&bare.to_json()).unwrap();
    assert!(back.tolerance().is_none());
    assert_eq!(back, bare);
}

#[test]
fn loading_a_report_checks_it() {
    let report = example(2_000).assess().unwrap();
    let mut json: Value = serde_json::from_str(&report.to_json()).unwrap();
    // A later version's extra keys are ignored.
    json["a_key_from_the_future"] = Value::from(1);
    assert!(serde_json::from_value::<Assessment>(json.clone()).is_ok());
    // Finance goes through Finance::new.
    json["finance"]["discount_rate"] = Value::from(-2.0);
    let e = serde_json::from_value::<Assessment>(json.clone()).unwrap_err();
    assert!(e.to_string().contains("discount_rate"), "{e}");
    // A number where JSON has none (an overflow written as null) is refused.
    json["finance"]["discount_rate"] = Value::from(0.08);
    json["residual"]["std_dev"] = Value::Null;
    assert!(serde_json::from_value::<Assessment>(json).is_err());
}

#[test]
fn a_fresh_report_has_its_analysis_and_a_loaded_one_does_not() {
    let report = example(2_000).assess().unwrap();
    assert_eq!(report.analysis().map(|a| a.trials()), Some(report.trials()));
    assert_eq!(report.analysis().unwrap().seed(), 7);
    let loaded: Assessment = serde_json::from_str(&report.to_json()).unwrap();
    assert!(loaded.analysis().is_none());
    // Equality compares the analysis too: the loaded report lacks it.
    assert_ne!(loaded, report);
}

#[test]
fn levels_are_looked_up_not_compared() {
    let report = example(20_000).assess().unwrap();
    let analysis = report.analysis().unwrap();
    for (summary, losses) in [
        (report.inherent(), analysis.inherent()),
        (report.residual(), analysis.residual()),
    ] {
        let var99 = summary.quantile_at(1.0 - 1.0 / 100.0).unwrap();
        assert_eq!(var99.p, 0.99);
        assert_eq!(var99.loss, losses.quantile(0.99).unwrap());
        assert_eq!(
            summary.quantile_at(0.5).unwrap().loss,
            losses.quantile(0.5).unwrap()
        );
        assert!(summary.quantile_at(0.75).is_none());
        assert_eq!(
            summary.tail_mean_at(0.99).unwrap().loss,
            losses.tail_mean(0.99).unwrap()
        );
        assert!(summary.tail_mean_at(0.5).is_none());
        // The EAL's interval is EAL ± 1.96 SE.
        let [lo, hi] = summary.expected_annual_loss_ci95;
        let (eal, se) = (summary.expected_annual_loss, summary.standard_error);
        assert!(lo > 0.0, "this example's EAL is well away from 0");
        assert!((eal - lo - 1.959_963_984_540_054 * se).abs() <= 1e-9 * eal);
        assert!((hi - eal - 1.959_963_984_540_054 * se).abs() <= 1e-9 * eal);
    }
    let json: Value = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(
        json["residual"]["expected_annual_loss_ci95"][1],
        report.residual().expected_annual_loss_ci95[1]
    );
}

#[test]
fn the_lec_grid_is_round_losses_with_their_years() {
    let report = example(20_000).assess().unwrap();
    let (inherent, residual) = (&report.inherent().lec_grid, &report.residual().lec_grid);
    assert!(!inherent.is_empty() && inherent.len() <= csfquant::LEC_GRID_POINTS);
    assert_eq!(inherent.len(), residual.len());
    let analysis = report.analysis().unwrap();
    for (i, r) in inherent.iter().zip(residual) {
        assert_eq!(i.loss, r.loss);
        // 1, 2 or 5 times a power of ten.
        let mantissa = i.loss / 10f64.powf(i.loss.log10().floor());
        assert!(
            [1.0, 2.0, 5.0].iter().any(|m| (mantissa - m).abs() < 1e-9),
            "{}",
            i.loss
        );
        for (point, losses) in [(i, analysis.inherent()), (r, analysis.residual())] {
            assert_eq!(
                point.probability,
                losses.exceedance_probability(point.loss).unwrap()
            );
            assert_eq!(point.years as f64 / 20_000.0, point.probability);
            assert_eq!(
                point.is_low_count(),
                point.years > 0 && point.years < csfquant::LOW_COUNT_YEARS
            );
        }
    }
    // Every exceedance point carries its years.
    for p in report
        .residual()
        .exceedance
        .iter()
        .chain(&report.residual().curve)
    {
        assert_eq!(p.years as f64 / 20_000.0, p.probability);
    }
}

#[test]
fn tolerance_verdicts_are_in_the_json() {
    let report = example(20_000).assess().unwrap();
    let json: Value = serde_json::from_str(&report.to_json()).unwrap();
    let t = report.tolerance().unwrap();
    assert_eq!(json["tolerance"]["verdict"], t.verdict.as_str());
    assert_eq!(
        json["tolerance"]["inherent"]["verdict"],
        t.inherent.verdict.as_str()
    );
    for (p, j) in t
        .points
        .iter()
        .zip(array(&json["tolerance"]["points"], "points"))
    {
        let within = p.ci95[0] <= p.limit && p.limit <= p.ci95[1];
        let expected = match (within, p.probability <= p.limit) {
            (true, _) => "within_noise",
            (false, true) => "met",
            (false, false) => "exceeded",
        };
        assert_eq!(j["verdict"], expected);
    }
}

/// A fresh directory under the system's temporary one.
fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("csfquant-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn read_csv(path: &std::path::Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

#[test]
fn write_csv_writes_the_five_tables() {
    let model = small_model();
    let analysis = model
        .analyze(
            SimulationOptions::new(5).trials(3_000).record_trials(true),
            Finance::new(3, 0.08).unwrap(),
        )
        .unwrap();
    let report = Assessment::from_analysis("Small", "USD", &model, &[1e6], None, analysis).unwrap();
    let dir = temp_dir("csv").join("nested");
    let written = report.write_csv(&dir).unwrap();
    let names: Vec<_> = written
        .iter()
        .map(|p| p.file_name().unwrap().to_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "lec.csv",
            "controls.csv",
            "risks.csv",
            "functions.csv",
            "summary.csv",
            "contributions.csv",
            "trials.csv"
        ]
    );

    // One row per risk: the inherent and residual shares of the tail, adding up to TVaR 99%
    // (to rounding: the same losses summed in another order).
    let (header, rows) = read_csv(&dir.join("contributions.csv"));
    assert_eq!(
        header[..4],
        ["kind", "id", "inherent_var99", "inherent_tvar99"]
    );
    assert_eq!(rows.len(), model.risks().len());
    let tvar: f64 = rows.iter().map(|r| r[3].parse::<f64>().unwrap()).sum();
    let expected = report.inherent().tail_mean_at(0.99).unwrap().loss;
    assert!(
        (tvar - expected).abs() <= 1e-9 * expected,
        "{tvar} vs {expected}"
    );

    let (header, rows) = read_csv(&dir.join("lec.csv"));
    assert_eq!(header, ["arm", "loss", "probability", "years"]);
    let (i, r) = (
        &report.inherent().shared_curve,
        &report.residual().shared_curve,
    );
    assert_eq!(rows.len(), i.len() + r.len());
    assert_eq!(rows[0][1].parse::<f64>().unwrap(), i[0].loss);

    let (header, rows) = read_csv(&dir.join("controls.csv"));
    assert_eq!(
        header,
        [
            "id",
            "name",
            "function",
            "category",
            "annual_cost",
            "availability",
            "eal_reduction",
            "eal_reduction_se",
            "effective_efficacy",
            "irr",
            "lapse_cost_per_day",
            "net_benefit",
            "npv",
            "rosi",
            "standalone_reduction",
            "standalone_reduction_se",
            "transfer_aggregate_limit",
            "transfer_coinsurance",
            "transfer_deductible",
            "transfer_occurrence_limit",
            "tvar99_reduction",
            "var99_reduction",
        ]
    );
    let backups = rows.iter().find(|r| r[0] == "backups").unwrap();
    assert_eq!((backups[2].as_str(), backups[13].as_str()), ("recover", "")); // free: no ROSI
    let mfa = rows.iter().find(|r| r[0] == "mfa").unwrap();
    let value = report.controls().iter().find(|c| c.id == "mfa").unwrap();
    assert_eq!(mfa[6].parse::<f64>().unwrap(), value.eal_reduction);

    // The name with a comma and quotes is quoted by the csv crate and reads back whole.
    let (header, rows) = read_csv(&dir.join("risks.csv"));
    assert_eq!(
        header,
        [
            "id",
            "name",
            "inherent_eal",
            "inherent_eal_se",
            "residual_eal"
        ]
    );
    assert_eq!(rows[0][1], "Ransomware, on \"all\" hosts");
    let raw = std::fs::read_to_string(dir.join("risks.csv")).unwrap();
    assert!(
        raw.contains("\"Ransomware, on \"\"all\"\" hosts\""),
        "{raw}"
    );

    let (header, rows) = read_csv(&dir.join("functions.csv"));
    assert_eq!(
        header,
        ["function", "annual_cost", "eal_reduction", "share"]
    );
    assert_eq!(rows.len(), report.functions().len());

    let (header, rows) = read_csv(&dir.join("trials.csv"));
    assert_eq!(header, ["trial", "inherent", "residual"]);
    assert_eq!(rows.len(), 3_000);
    let (inherent, residual) = report.analysis().unwrap().trial_losses().unwrap();
    assert_eq!(rows[41][0], "42");
    assert_eq!(rows[41][1].parse::<f64>().unwrap(), inherent[41]);
    assert_eq!(rows[41][2].parse::<f64>().unwrap(), residual[41]);

    // Without the per-trial losses (not recorded, or a loaded report), four files.
    let loaded: Assessment = serde_json::from_str(&report.to_json()).unwrap();
    let dir = temp_dir("csv-loaded");
    assert_eq!(loaded.write_csv(&dir).unwrap().len(), 6);
    assert!(!dir.join("trials.csv").exists());
    let _ = std::fs::remove_dir_all(temp_dir("csv"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn write_csv_names_the_path_it_cannot_write() {
    let report = example(1_000).assess().unwrap();
    // A file where the directory should be.
    let file = temp_dir("csv-blocked");
    std::fs::write(&file, "not a directory").unwrap();
    let e = report.write_csv(file.join("out")).unwrap_err();
    assert!(e.to_string().contains("csv-blocked"), "{e}");
    let _ = std::fs::remove_file(&file);
}
