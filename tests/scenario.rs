//! Scenario files: the examples of SCENARIO.md and the README parse and run, every bad input
//! is located by its path, specs round-trip, and the FAIR form equals its compound equivalent.
//!
//! `docs/SCENARIO.md` is a verbatim copy of `shared/SCENARIO.md`, the format's contract.

use csfquant::spec::ScenarioSpec;
use csfquant::{Error, Format, Frequency, Magnitude, Model, Risk, Scenario, SimulationOptions};
use serde_json::Value;

const SCENARIO_MD: &str = include_str!("../docs/SCENARIO.md");
const README: &str = include_str!("../README.md");
const DEFAULT: &str = include_str!("../examples/data/default.toml");

/// The fenced blocks of `lang` in a markdown text, in order.
fn blocks<'a>(markdown: &'a str, lang: &str) -> Vec<&'a str> {
    let fence = format!("```{lang}\n");
    let mut out = Vec::new();
    let mut rest = markdown;
    while let Some(start) = rest.find(&fence) {
        let body = &rest[start + fence.len()..];
        let end = body.find("```").expect("unterminated fence");
        out.push(&body[..end]);
        rest = &body[end + 3..];
    }
    out
}

/// The complete TOML example of SCENARIO.md.
fn example_toml() -> &'static str {
    blocks(SCENARIO_MD, "toml")[0]
}

fn parse_toml(text: &str) -> csfquant::Result<Scenario> {
    Scenario::parse(text, Format::Toml, "example.toml")
}

/// Runs a scenario with few trials and checks the report is sane.
fn runs(scenario: Scenario) {
    let scenario = scenario.with_options(SimulationOptions::new(1).trials(2_000));
    let report = scenario.assess().unwrap();
    let a = report.analysis().unwrap();
    assert!(a.inherent().expected_annual_loss() > 0.0);
    assert!(a.residual().expected_annual_loss() <= a.inherent().expected_annual_loss());
}

#[test]
fn the_complete_toml_example_parses_as_written() {
    let s = parse_toml(example_toml()).unwrap();
    assert_eq!(s.name(), "Example Co");
    assert_eq!(s.currency(), "EUR");
    assert_eq!(s.options(), SimulationOptions::new(7).trials(200_000));
    assert_eq!(s.finance().horizon_years(), 3);
    assert_eq!(s.finance().discount_rate(), 0.08);
    assert_eq!(s.thresholds(), &[1e6]);
    assert_eq!(s.tolerance().unwrap().points(), &[(1e6, 0.2), (1e7, 0.01)]);
    let m = s.model();
    assert_eq!(m.risks().len(), 2);
    let bec = m.risk("bec").unwrap();
    assert_eq!(bec.name(), "Business email compromise");
    assert_eq!(bec.frequency(), &Frequency::poisson_ci90(0.5, 3.0).unwrap());
    assert_eq!(
        bec.magnitude(),
        &Magnitude::pert(10_000.0, 60_000.0, 900_000.0).unwrap()
    );
    let ids: Vec<&str> = m.controls().iter().map(|c| c.id()).collect();
    assert_eq!(ids, ["mfa", "backups", "insurance"]);
    let insurance = m.control("insurance").unwrap().transfer().unwrap();
    assert_eq!(insurance.deductible(), 250e3);
    assert_eq!(insurance.aggregate_limit(), Some(3e6));
    assert_eq!(
        m.control("backups").unwrap().applies_to_risks(),
        Some(&["ransomware".to_string()][..])
    );
    runs(s);
}

#[test]
fn the_same_scenario_in_json_is_the_same_scenario() {
    // "The same scenario in JSON has the same keys and nesting": convert the TOML text to JSON.
    let value: toml::Value = toml::from_str(example_toml()).unwrap();
    let json = serde_json::to_string_pretty(&value).unwrap();
    let from_json = Scenario::parse(&json, Format::Json, "example.json").unwrap();
    assert_eq!(from_json, parse_toml(example_toml()).unwrap());
}

/// The JSON fragments of SCENARIO.md assembled into one scenario: the skeleton with the risk
/// example, a risk given by the FAIR example, and the control example.
#[test]
fn the_json_fragments_parse_and_run() {
    let json = blocks(SCENARIO_MD, "json");
    let (skeleton, risk, fair, control) = (json[0], json[1], json[2], json[3]);
    let fair_risk = format!("{{ \"id\": \"bec\", {fair} }}");
    let text = skeleton
        .replace(
            "\"risks\": [ ... ]",
            &format!("\"risks\": [ {risk}, {fair_risk} ]"),
        )
        .replace(
            "\"controls\": [ ... ]",
            &format!("\"controls\": [ {control} ]"),
        );
    let s = Scenario::parse(&text, Format::Json, "fragments.json").unwrap();
    assert_eq!(s.name(), "Acme Corp FY2027");
    assert_eq!(s.options(), SimulationOptions::new(2027).trials(100_000));
    assert_eq!(s.model().risks().len(), 2);
    // LEF = TEF x E[vulnerability] = 4 x (0.1 + 4 x 0.25 + 0.5) / 6.
    let lef = s.model().risk("bec").unwrap().frequency().mean();
    assert!((lef - 4.0 * 1.6 / 6.0).abs() < 1e-12, "{lef}");
    runs(s);
}

#[test]
fn the_report_example_lists_the_keys_the_assessment_has() {
    // SCENARIO.md's report skeleton, with LOSS replaced by its own block: every key there must
    // appear in the real report, at the same place (extensions are allowed, not omissions).
    // Found by their content: the sections of features not built yet (budgets, reliability,
    // dependence) have JSON blocks of their own between the format's and the report's.
    let json = blocks(SCENARIO_MD, "json");
    let find = |needle: &str| *json.iter().find(|b| b.contains(needle)).expect(needle);
    let (report, loss) = (find("\"inherent\": LOSS"), find("\"probability_of_loss\""));
    let expected: Value = serde_json::from_str(&report.replace("LOSS", loss)).unwrap();
    let s = parse_toml(example_toml())
        .unwrap()
        .with_options(SimulationOptions::new(3).trials(5_000));
    let actual = serde_json::to_value(s.assess().unwrap()).unwrap();
    assert_has_keys(&expected, &actual, "");
    assert_no_null(&actual, "");
}

/// No `null` in a report but where it is documented: a free control's `rosi`, an `irr` that
/// does not exist, a control without a category, a function share of nothing, the effective
/// efficacy of an insurance policy.
fn assert_no_null(value: &Value, path: &str) {
    match value {
        Value::Null => {
            // `transfer`: a control that is not insurance; `aggregate_limit`: a policy without.
            let allowed = [
                ".rosi",
                ".irr",
                ".category",
                ".share",
                ".effective_efficacy",
                ".transfer",
                ".aggregate_limit",
            ];
            assert!(allowed.iter().any(|k| path.ends_with(k)), "null at {path}");
        }
        Value::Object(map) => {
            for (k, v) in map {
                assert_no_null(v, &format!("{path}.{k}"));
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                assert_no_null(v, &format!("{path}[{i}]"));
            }
        }
        _ => {}
    }
}

/// Every key of `expected` (recursively, arrays by their first element) exists in `actual`.
pub fn assert_has_keys(expected: &Value, actual: &Value, path: &str) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (key, value) in e {
                let sub = format!("{path}.{key}");
                let found = a.get(key).unwrap_or_else(|| panic!("report lacks {sub}"));
                assert_has_keys(value, found, &sub);
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            if let Some(first) = e.first() {
                let got = a
                    .first()
                    .unwrap_or_else(|| panic!("report's {path} is empty"));
                assert_has_keys(first, got, &format!("{path}[0]"));
            }
        }
        (Value::Object(_) | Value::Array(_), other) => {
            panic!("report's {path} is {other}, expected a structure")
        }
        // A number in the example may be null in the report only where SCENARIO allows it.
        (Value::Number(_), Value::Null) => {
            assert!(path.ends_with(".rosi"), "report's {path} is null")
        }
        (Value::Number(_), Value::Number(_)) | (Value::Bool(_), Value::Bool(_)) => {}
        (Value::String(_), Value::String(_)) => {}
        (e, a) => panic!("report's {path} is {a}, expected a value like {e}"),
    }
}

#[test]
fn the_readme_scenarios_parse_and_run() {
    let examples = blocks(README, "toml");
    assert!(!examples.is_empty(), "the README shows a scenario");
    for text in examples {
        runs(Scenario::parse(text, Format::Toml, "README.md").unwrap());
    }
}

#[test]
fn the_default_scenario_parses_and_runs() {
    let s = Scenario::parse(DEFAULT, Format::Toml, "default.toml").unwrap();
    assert!(s.model().risks().len() >= 10);
    let functions: std::collections::BTreeSet<_> =
        s.model().controls().iter().map(|c| c.function()).collect();
    assert_eq!(functions.len(), 6, "controls in all six CSF functions");
    assert_eq!(
        s.model()
            .controls()
            .iter()
            .filter(|c| c.transfer().is_some())
            .count(),
        1
    );
    assert!(s.tolerance().is_some() && !s.thresholds().is_empty());
    runs(s);
}

#[test]
fn files_are_read_by_extension() {
    let dir = std::env::temp_dir().join(format!("csfquant-scenario-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let toml_path = dir.join("s.toml");
    std::fs::write(&toml_path, example_toml()).unwrap();
    let from_file = Scenario::from_path(&toml_path).unwrap();
    assert_eq!(from_file, parse_toml(example_toml()).unwrap());

    let yaml = dir.join("s.yaml");
    std::fs::write(&yaml, "name: x").unwrap();
    let e = Scenario::from_path(&yaml).unwrap_err();
    assert!(matches!(e, Error::ReadScenario { .. }), "{e}");
    assert!(
        e.to_string().contains("expected a .toml or .json file"),
        "{e}"
    );

    let missing = dir.join("missing.json");
    let e = Scenario::from_path(&missing).unwrap_err();
    assert!(matches!(e, Error::ReadScenario { .. }), "{e}");
    assert!(e.to_string().contains("missing.json"), "{e}");

    // A syntax error names the file, line and column.
    let bad = dir.join("bad.json");
    std::fs::write(&bad, "{\n  \"name\": \"x\",\n  \"risks\": [ 1, ]\n}\n").unwrap();
    let e = Scenario::from_path(&bad).unwrap_err();
    match &e {
        Error::ScenarioSyntax {
            file, line, column, ..
        } => {
            assert!(file.ends_with("bad.json"));
            assert_eq!((*line, *column), (Some(3), Some(14)), "{e}");
        }
        other => panic!("{other}"),
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// One bad input: a replacement in the complete example, the path the error must name, and a
/// fragment of the message.
struct Bad {
    find: &'static str,
    replace: &'static str,
    path: &'static str,
    says: &'static str,
}

const fn bad(
    find: &'static str,
    replace: &'static str,
    path: &'static str,
    says: &'static str,
) -> Bad {
    Bad {
        find,
        replace,
        path,
        says,
    }
}

const RANSOM_LOSS: &str = "magnitude = { lognormal = { ci90 = [200_000.0, 8_000_000.0] } }";
const RANSOM_FREQ: &str = "frequency = { poisson = { rate = 0.25 } }";
const BEC_LOSS: &str =
    "magnitude = { pert = { min = 10_000.0, mode = 60_000.0, max = 900_000.0 } }";
const FAIR: &str = "fair = { threat_event_frequency = { poisson = { rate = 4.0 } }, \
    vulnerability = 0.25, primary_loss = { fixed = { value = 1.0 } } }";
const FAIR_BOTH_NAMES: &str = "fair = { threat_event_frequency = { poisson = { rate = 4.0 } }, \
    vulnerability = 0.25, susceptibility = 0.25, primary_loss = { fixed = { value = 1.0 } } }";

fn bad_inputs() -> Vec<Bad> {
    vec![
        // Numbers outside their domain.
        bad(
            "rate = 0.25",
            "rate = -1.0",
            "risks[0].frequency.poisson.rate",
            "-1",
        ),
        bad(
            "rate = 0.25",
            "rate = nan",
            "risks[0].frequency.poisson.rate",
            "NaN",
        ),
        bad(
            "rate = 0.25",
            "rate = inf",
            "risks[0].frequency.poisson.rate",
            "inf",
        ),
        bad(
            "ci90 = [0.5, 3.0]",
            "ci90 = [3.0, 0.5]",
            "risks[1].frequency.poisson.ci90",
            "lower bound 3",
        ),
        bad(
            "ci90 = [0.5, 3.0]",
            "ci90 = [0.0, 3.0]",
            "risks[1].frequency.poisson.ci90",
            "0",
        ),
        bad(
            RANSOM_FREQ,
            "frequency = { bernoulli = { probability = 1.5 } }",
            "risks[0].frequency.bernoulli.probability",
            "1.5",
        ),
        bad(
            RANSOM_FREQ,
            "frequency = { negative_binomial = { mean = 2.0, variance = 1.0 } }",
            "risks[0].frequency.negative_binomial.variance",
            "variance",
        ),
        bad(
            "ci90 = [200_000.0, 8_000_000.0]",
            "ci90 = [8_000_000.0, 200_000.0]",
            "risks[0].magnitude.lognormal.ci90",
            "must be below upper bound",
        ),
        bad(
            "ci90 = [200_000.0, 8_000_000.0]",
            "ci90 = [-1.0, 8_000_000.0]",
            "risks[0].magnitude.lognormal.ci90",
            "-1",
        ),
        bad(
            RANSOM_LOSS,
            "magnitude = { lognormal = { mu = 12.0, sigma = -1.0 } }",
            "risks[0].magnitude.lognormal.sigma",
            "-1",
        ),
        bad(
            "mode = 60_000.0",
            "mode = 6_000_000.0",
            "risks[1].magnitude.pert.mode",
            "6000000",
        ),
        bad(
            "min = 10_000.0, mode",
            "min = 1_000_000.0, mode",
            "risks[1].magnitude.pert.max",
            "1000000",
        ),
        bad(
            BEC_LOSS,
            "magnitude = { pert = { min = 1.0, mode = 2.0, max = 9.0, lambda = -4.0 } }",
            "risks[1].magnitude.pert.lambda",
            "-4",
        ),
        bad(
            RANSOM_LOSS,
            "magnitude = { uniform = { min = 5.0, max = 1.0 } }",
            "risks[0].magnitude.uniform.max",
            "lower bound 5",
        ),
        bad(
            RANSOM_LOSS,
            "magnitude = { gamma = { shape = 0.0, scale = 1.0 } }",
            "risks[0].magnitude.gamma.shape",
            "0",
        ),
        bad(
            RANSOM_LOSS,
            "magnitude = { pareto = { scale = 1e4, shape = 0.8 } }",
            "risks[0].magnitude.pareto.cap",
            "a `cap` when `shape` <= 1",
        ),
        bad(
            RANSOM_LOSS,
            "magnitude = { fixed = { value = -5.0 } }",
            "risks[0].magnitude.fixed.value",
            "-5",
        ),
        bad(
            "8_000_000.0] } }",
            "8_000_000.0], cap = -1.0 } }",
            "risks[0].magnitude.lognormal.cap",
            "-1",
        ),
        bad(
            "efficacy = 0.4",
            "efficacy = 1.4",
            "controls[1].efficacy",
            "1.4",
        ),
        bad(
            "min = 0.3, mode = 0.5, max = 0.7",
            "min = 0.3, mode = 0.9, max = 0.7",
            "controls[0].efficacy.pert.mode",
            "0.9",
        ),
        bad(
            "min = 0.3, mode = 0.5, max = 0.7",
            "min = 0.3, mode = 0.5, max = 1.7",
            "controls[0].efficacy.pert.max",
            "1.7",
        ),
        bad(
            "upfront = 40_000.0",
            "upfront = -40_000.0",
            "controls[0].cost.upfront",
            "-40000",
        ),
        bad(
            "deductible = 250_000.0",
            "deductible = -1.0",
            "controls[2].transfer.deductible",
            "-1",
        ),
        bad(
            "occurrence_limit = 2_000_000.0",
            "occurrence_limit = 0.0",
            "controls[2].transfer.occurrence_limit",
            "0",
        ),
        bad(
            "aggregate_limit = 3_000_000.0",
            "aggregate_limit = 3_000_000.0, coinsurance = 2.0",
            "controls[2].transfer.coinsurance",
            "2",
        ),
        bad(
            "probability = 0.2 }",
            "probability = 1.2 }",
            "tolerance[0]",
            "1.2",
        ),
        bad(
            "thresholds = [1_000_000.0]",
            "thresholds = [1_000_000.0, -3.0]",
            "thresholds[1]",
            "-3",
        ),
        bad(
            "horizon_years = 3",
            "horizon_years = 0",
            "finance.horizon_years",
            "0",
        ),
        bad(
            "discount_rate = 0.08",
            "discount_rate = -2.0",
            "finance.discount_rate",
            "-2",
        ),
        bad(
            "trials = 200_000",
            "trials = 0",
            "simulation.trials",
            "no trials",
        ),
        bad(
            "trials = 200_000",
            "trials = 2_000_000_000",
            "simulation.trials",
            "2000000000",
        ),
        bad(
            "currency = \"EUR\"",
            "currency = \"euro\"",
            "currency",
            "euro",
        ),
        // A percentage where a fraction belongs: the rule, and a hint.
        bad(
            "efficacy = 0.4",
            "efficacy = 40",
            "controls[1].efficacy",
            "invalid efficacy: 40 (expected a fraction in [0, 1]); 40 looks like a percentage: \
             write 0.4",
        ),
        bad(
            "min = 0.3, mode = 0.5, max = 0.7",
            "min = 30, mode = 50, max = 70",
            "controls[0].efficacy.pert.min",
            "invalid efficacy min: 30 (expected a fraction in [0, 1]); 30 looks like a percentage: \
             write 0.3",
        ),
        bad(
            "min = 0.3, mode = 0.5, max = 0.7",
            "min = 0.3, mode = 50, max = 0.7",
            "controls[0].efficacy.pert.mode",
            "50 looks like a percentage: write 0.5",
        ),
        bad(
            "efficacy = 0.4",
            "efficacy = \"40%\"",
            "controls[1].efficacy",
            "expected a number in [0, 1] (write 40% as 0.4)",
        ),
        bad(
            "aggregate_limit = 3_000_000.0",
            "aggregate_limit = 3_000_000.0, coinsurance = 20",
            "controls[2].transfer.coinsurance",
            "invalid coinsurance: 20 (expected a share in [0, 1]); 20 looks like a percentage: \
             write 0.2",
        ),
        bad(
            RANSOM_FREQ,
            "frequency = { bernoulli = { probability = 12.5 } }",
            "risks[0].frequency.bernoulli.probability",
            "12.5 looks like a percentage: write 0.125",
        ),
        bad(
            "probability = 0.2 }",
            "probability = 20 }",
            "tolerance[0]",
            "expected a probability in [0, 1]; 20 looks like a percentage: write 0.2",
        ),
        bad(
            "discount_rate = 0.08",
            "discount_rate = 12",
            "finance.discount_rate",
            "(expected a rate per year in [-0.99, 10]); 12 looks like a percentage: write 0.12",
        ),
        bad(
            concat!(
                "frequency = { poisson = { rate = 0.25 } }\n",
                "magnitude = { lognormal = { ci90 = [200_000.0, 8_000_000.0] } }"
            ),
            "fair = { threat_event_frequency = { poisson = { rate = 4.0 } }, vulnerability = 25, \
             primary_loss = { fixed = { value = 1.0 } }, \
             secondary = { probability = 30, loss = { fixed = { value = 1.0 } } } }",
            "risks[0].fair.vulnerability",
            "invalid efficacy: 25 (expected a fraction in [0, 1]); 25 looks like a percentage: \
             write 0.25",
        ),
        bad(
            concat!(
                "frequency = { poisson = { rate = 0.25 } }\n",
                "magnitude = { lognormal = { ci90 = [200_000.0, 8_000_000.0] } }"
            ),
            "fair = { threat_event_frequency = { poisson = { rate = 4.0 } }, vulnerability = 0.25, \
             primary_loss = { fixed = { value = 1.0 } }, \
             secondary = { probability = 30, loss = { fixed = { value = 1.0 } } } }",
            "risks[0].fair.secondary.probability",
            "invalid probability: 30 (expected a probability in [0, 1]); 30 looks like a \
             percentage: write 0.3",
        ),
        // Ids, references and CSF rules.
        bad(
            "id = \"bec\"",
            "id = \"ransomware\"",
            "risks[1].id",
            "duplicate risk id",
        ),
        bad("id = \"bec\"", "id = \"b e c\"", "risks[1].id", "b e c"),
        bad(
            "id = \"backups\"",
            "id = \"mfa\"",
            "controls[1].id",
            "duplicate control id",
        ),
        bad(
            "csf = [\"PR.AT\", \"PR.AA\"]",
            "csf = [\"PR.AT\", \"PR.XX\"]",
            "risks[1].csf[1]",
            "PR.XX",
        ),
        bad(
            "applies_to = [\"ransomware\"]",
            "applies_to = [\"ransomware\", \"bek\"]",
            "controls[1].applies_to[1]",
            "bek",
        ),
        bad(
            "applies_to = [\"ransomware\"]",
            "applies_to = []",
            "controls[1].applies_to",
            "at least one risk id",
        ),
        bad(
            "function = \"recover\"",
            "function = \"recovr\"",
            "controls[1].function",
            "recovr",
        ),
        bad(
            "category = \"RC.RP\"",
            "category = \"PR.AA\"",
            "controls[1].category",
            "belongs to Protect",
        ),
        bad(
            "category = \"RC.RP\"",
            "category = \"RC.ZZ\"",
            "controls[1].category",
            "RC.ZZ",
        ),
        bad(
            "function = \"protect\"\ncategory = \"PR.AA\"",
            "function = \"govern\"",
            "controls[0].efficacy",
            "lever",
        ),
        bad(
            "efficacy = 0.4",
            "efficacy = 0.4\nmagnitude_efficacy = 0.2",
            "controls[1].magnitude_efficacy",
            "magnitude efficacy",
        ),
        bad("efficacy = 0.4", "", "controls[1]", "at least one effect"),
        // Kinds and keys: exactly one of several, unknown and missing keys.
        bad(
            "rate = 0.25",
            "rate = 0.25, ci90 = [0.1, 0.5]",
            "risks[0].frequency.poisson",
            "exactly one of `rate` and `ci90`",
        ),
        bad(
            RANSOM_LOSS,
            "magnitude = { lognormal = { ci90 = [1.0, 2.0], mu = 1.0, sigma = 1.0 } }",
            "risks[0].magnitude.lognormal",
            "either `ci90`",
        ),
        bad(
            "rate = 0.25",
            "",
            "risks[0].frequency.poisson",
            "exactly one of `rate` and `ci90`, got neither",
        ),
        bad(
            RANSOM_LOSS,
            "magnitude = { lognormal = { mu = 12.0 } }",
            "risks[0].magnitude.lognormal",
            "either `ci90`, or both `mu` and `sigma`, got `mu` only",
        ),
        bad(RANSOM_FREQ, "", "risks[0]", "a `frequency`"),
        bad(RANSOM_LOSS, "", "risks[0]", "a `magnitude`"),
        bad(
            RANSOM_FREQ,
            "frequency = { poisson = { rate = 0.25 }, bernoulli = { probability = 0.2 } }",
            "risks[0].frequency",
            "expected exactly one frequency kind (`poisson`, `bernoulli`, `negative_binomial` or \
             `fixed`), got `bernoulli` and `poisson`",
        ),
        bad(
            RANSOM_FREQ,
            "frequency = {}",
            "risks[0].frequency",
            "expected exactly one frequency kind (`poisson`, `bernoulli`, `negative_binomial` or \
             `fixed`), got none",
        ),
        bad(
            RANSOM_FREQ,
            "frequency = 0.25",
            "risks[0].frequency",
            "invalid type: floating point `0.25`, expected a table (object) with exactly one \
             frequency kind (`poisson`, `bernoulli`, `negative_binomial` or `fixed`)",
        ),
        bad(
            RANSOM_FREQ,
            "frequency = [0.1, 0.5]",
            "risks[0].frequency",
            "invalid type: sequence, expected a table (object) with exactly one frequency kind",
        ),
        bad(
            RANSOM_LOSS,
            "magnitude = { fixed = { value = 1.0 }, pert = { min = 1.0, mode = 2.0, max = 3.0 } }",
            "risks[0].magnitude",
            "expected exactly one magnitude kind (`lognormal`, `pert`, `triangular`, `uniform`, \
             `gamma`, `pareto`, `fixed` or `empirical`), got `fixed` and `pert`",
        ),
        bad(
            RANSOM_LOSS,
            "magnitude = 1e6",
            "risks[0].magnitude",
            "expected a table (object) with exactly one magnitude kind",
        ),
        bad(
            "efficacy = { pert = { min = 0.3, mode = 0.5, max = 0.7 } }",
            "efficacy = { pert = { min = 0.3, mode = 0.5, max = 0.7 }, uniform = { min = 0.3, max = 0.7 } }",
            "controls[0].efficacy",
            "expected exactly one kind of uncertain fraction (`pert`, `uniform` or `triangular`), \
             got `pert` and `uniform`",
        ),
        bad(
            "efficacy = 0.4",
            "efficacy = {}",
            "controls[1].efficacy",
            "expected exactly one kind of uncertain fraction (`pert`, `uniform` or `triangular`), \
             got none",
        ),
        bad(
            "efficacy = 0.4",
            "efficacy = [0.4]",
            "controls[1].efficacy",
            "invalid type: sequence, expected a number in [0, 1], or a table (object) with exactly \
             one kind of uncertain fraction (`pert`, `uniform` or `triangular`)",
        ),
        bad(
            RANSOM_LOSS,
            FAIR,
            "risks[0]",
            "expected either `frequency` and `magnitude`, or `fair`, got `frequency` and `fair`",
        ),
        bad(
            concat!(
                "frequency = { poisson = { rate = 0.25 } }\n",
                "magnitude = { lognormal = { ci90 = [200_000.0, 8_000_000.0] } }"
            ),
            FAIR_BOTH_NAMES,
            "risks[0].fair",
            "expected exactly one of `vulnerability` and its synonym `susceptibility`, got both",
        ),
        bad(
            RANSOM_LOSS,
            "mangitude = { fixed = { value = 1.0 } }",
            "risks[0].mangitude",
            "unknown field `mangitude`",
        ),
        bad(
            "rate = 0.25",
            "rte = 0.25",
            "risks[0].frequency.poisson.rte",
            "unknown field `rte`",
        ),
        bad(
            "poisson = { rate = 0.25 }",
            "poison = { rate = 0.25 }",
            "risks[0].frequency",
            "unknown variant `poison`",
        ),
        bad(
            "lognormal = { ci90",
            "lognormel = { ci90",
            "risks[0].magnitude",
            "unknown variant `lognormel`",
        ),
        bad(
            "efficacy = { pert",
            "efficacy = { beta",
            "controls[0].efficacy.beta",
            "unknown variant `beta`",
        ),
        bad(
            "efficacy = 0.4",
            "efficacy = \"high\"",
            "controls[1].efficacy",
            "invalid type: string",
        ),
        bad(
            "deductible = 250_000.0, ",
            "",
            "controls[2].transfer",
            "missing field `deductible`",
        ),
        bad("name = \"Example Co\"\n", "", "", "missing field `name`"),
        bad("seed = 7", "seed = -7", "simulation.seed", "-7"),
        bad(
            "seed = 7",
            "seed = 7\nthreads = 2",
            "simulation.threads",
            "unknown field `threads`",
        ),
        bad(
            "ci90 = [0.5, 3.0]",
            "ci90 = [0.5]",
            "risks[1].frequency.poisson.ci90",
            "length 1",
        ),
        bad(
            "ci90 = [0.5, 3.0]",
            "ci90 = 0.5",
            "risks[1].frequency.poisson.ci90",
            "invalid type: floating point `0.5`, expected two numbers, [low, high]",
        ),
        bad(
            "ci90 = [0.5, 3.0]",
            "ci90 = [0.5, \"3\"]",
            "risks[1].frequency.poisson.ci90[1]",
            "invalid type: string",
        ),
        // Syntax errors.
        bad("name = \"Example Co\"", "name = \"Example Co", "", "string"),
        bad("[finance]", "[finance", "", ""),
    ]
}

#[test]
fn every_bad_input_names_its_path() {
    let base = example_toml();
    let cases = bad_inputs();
    assert!(cases.len() >= 30);
    let mut failures = Vec::new();
    for case in &cases {
        assert!(
            base.contains(case.find),
            "not in the example: {}",
            case.find
        );
        let text = base.replacen(case.find, case.replace, 1);
        let e = match parse_toml(&text) {
            Ok(_) => {
                failures.push(format!("accepted: {} -> {}", case.find, case.replace));
                continue;
            }
            Err(e) => e,
        };
        let (path, message, line) = match &e {
            Error::InvalidScenario { path, source, .. } => (path, source.to_string(), None),
            Error::ScenarioSyntax {
                path,
                message,
                line,
                ..
            } => (path, message.clone(), *line),
            other => panic!("unexpected error kind: {other}"),
        };
        let located = case.path.is_empty() || case.says.contains("invalid type");
        if path != case.path
            || !message.contains(case.says)
            || !e.to_string().starts_with("example.toml:")
            // The parser locates type and syntax errors in the text.
            || (located && line.is_none())
        {
            failures.push(format!(
                "{e}\n    expected path {:?} saying {:?}",
                case.path, case.says
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn json_syntax_and_shape_errors_are_located() {
    let cases = [
        ("{\"name\": \"x\", \"risks\": [}", "risks[0]", (1, 25)),
        (
            "{\"name\": \"x\",\n \"risks\": [{\"id\": \"a\", \"frequency\": {\"poisson\": {\"rate\": \"0.3\"}}}]}",
            "risks[0].frequency.poisson.rate",
            (2, 62),
        ),
        ("{\"name\": \"x\", \"risks\": []} trailing", "", (1, 28)),
        // A syntax error where a key belongs: the path ends at the object, never with `?`.
        (
            "{\"name\": \"x\", \"risks\": [{\"id\": \"a\", }]}",
            "risks[0]",
            (1, 37),
        ),
        (
            "{\"name\": \"x\", \"risks\": [{\"id\": \"a\", 7: 1}]}",
            "risks[0]",
            (1, 37),
        ),
        (
            "{\"name\": \"x\", \"simulation\": {\"seed\" 1}}",
            "simulation",
            (1, 37),
        ),
        (
            "{\"name\": \"x\", \"risks\": [{\"id\": \"a\", \"frequency\": {\"poisson\": {\"rate\": 1}, \"fixed\": {\"count\": 1}}}]}",
            "risks[0].frequency",
            (1, 96),
        ),
    ];
    for (text, path, (line, column)) in cases {
        let e = Scenario::parse(text, Format::Json, "s.json").unwrap_err();
        match &e {
            Error::ScenarioSyntax {
                path: p,
                line: l,
                column: c,
                ..
            } => {
                assert_eq!(p, path, "{e}");
                assert_eq!((*l, *c), (Some(line), Some(column)), "{e}");
            }
            other => panic!("{other}"),
        }
        assert!(
            e.to_string()
                .starts_with(&format!("s.json:{line}:{column}: ")),
            "{e}"
        );
    }
    let e =
        Scenario::parse("{\"name\": \"x\", \"risks\": []}", Format::Json, "s.json").unwrap_err();
    assert_eq!(e.to_string(), "s.json: risks: expected at least one risk");
    // Two kinds of one frequency: the message names the kinds and the two given.
    let two = "{\"name\": \"x\", \"risks\": [{\"id\": \"a\", \"frequency\": {\"poisson\": \
               {\"rate\": 0.3}, \"bernoulli\": {\"probability\": 0.2}}, \"magnitude\": \
               {\"fixed\": {\"value\": 1}}}]}";
    let e = Scenario::parse(two, Format::Json, "s.json").unwrap_err();
    assert!(
        e.to_string().ends_with(
            ": risks[0].frequency: expected exactly one frequency kind (`poisson`, `bernoulli`, \
             `negative_binomial` or `fixed`), got `bernoulli` and `poisson`"
        ),
        "{e}"
    );
}

/// Two specs as JSON values, equal up to a relative 1e-12 in every number: a few parameters
/// are stored in a derived form (a 90% interval as log-space mu and sigma), so writing them back
/// can move the last digits.
fn assert_specs_agree(a: &ScenarioSpec, b: &ScenarioSpec, what: &str) {
    fn walk(a: &Value, b: &Value, path: &str, what: &str) {
        match (a, b) {
            (Value::Number(x), Value::Number(y)) => {
                let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
                assert!(
                    (x - y).abs() <= 1e-12 * x.abs().max(y.abs()),
                    "{what}: {path}: {x} vs {y}"
                );
            }
            (Value::Object(x), Value::Object(y)) => {
                let keys =
                    |m: &serde_json::Map<String, Value>| m.keys().cloned().collect::<Vec<_>>();
                assert_eq!(keys(x), keys(y), "{what}: keys of {path}");
                for (k, v) in x {
                    walk(v, &y[k], &format!("{path}.{k}"), what);
                }
            }
            (Value::Array(x), Value::Array(y)) => {
                assert_eq!(x.len(), y.len(), "{what}: length of {path}");
                for (i, (u, v)) in x.iter().zip(y).enumerate() {
                    walk(u, v, &format!("{path}[{i}]"), what);
                }
            }
            _ => assert_eq!(a, b, "{what}: {path}"),
        }
    }
    let (a, b) = (
        serde_json::to_value(a).unwrap(),
        serde_json::to_value(b).unwrap(),
    );
    walk(&a, &b, "", what);
}

#[test]
fn spec_model_spec_round_trip() {
    for (text, file) in [(example_toml(), "example.toml"), (DEFAULT, "default.toml")] {
        let scenario = Scenario::parse(text, Format::Toml, file).unwrap();
        let spec = scenario.to_spec().unwrap();
        // Through both file formats: the written spec parses back into the same scenario.
        let as_json = serde_json::to_string(&spec).unwrap();
        let from_json = Scenario::parse(&as_json, Format::Json, "round.json").unwrap();
        assert_specs_agree(&from_json.to_spec().unwrap(), &spec, "via JSON");
        let as_toml = toml::to_string(&spec).unwrap();
        let from_toml = Scenario::parse(&as_toml, Format::Toml, "round.toml").unwrap();
        assert_specs_agree(&from_toml.to_spec().unwrap(), &spec, "via TOML");
        // Everything but the derived parameters comes back bit for bit: names, ids, tags,
        // costs, controls, options; and the models' analytic moments agree.
        assert_eq!(from_toml.model().controls(), scenario.model().controls());
        assert_eq!(
            (from_toml.name(), from_toml.options()),
            (scenario.name(), scenario.options())
        );
        for (a, b) in from_json
            .model()
            .risks()
            .iter()
            .zip(scenario.model().risks())
        {
            assert_eq!((a.id(), a.name(), a.csf()), (b.id(), b.name(), b.csf()));
            let close = |x: f64, y: f64| (x - y).abs() <= 1e-12 * x.abs().max(y.abs());
            assert!(
                close(a.expected_annual_loss(), b.expected_annual_loss()),
                "{}",
                a.id()
            );
            assert!(
                close(a.annual_loss_variance(), b.annual_loss_variance()),
                "{}",
                a.id()
            );
        }
    }
}

#[test]
fn a_model_built_in_rust_writes_a_scenario_file() {
    let model = Model::new(vec![
        Risk::new(
            "outage",
            Frequency::negative_binomial(2.0, 5.0).unwrap(),
            Magnitude::gamma(2.0, 5e4).unwrap().with_cap(1e6).unwrap(),
        )
        .unwrap()
        .with_csf(["RC.RP"])
        .unwrap(),
    ])
    .unwrap();
    let scenario = Scenario::new("Built in Rust", model)
        .with_currency("GBP")
        .unwrap();
    let text = toml::to_string(&scenario.to_spec().unwrap()).unwrap();
    assert_eq!(parse_toml(&text).unwrap(), scenario, "{text}");
}

/// The FAIR form is the compound model: with a known vulnerability and no secondary loss it is
/// exactly the thinned Poisson frequency.
#[test]
fn fair_with_a_known_vulnerability_is_the_thinned_frequency() {
    let fair = r#"
name = "fair"
[[risks]]
id = "r"
fair = { threat_event_frequency = { poisson = { rate = 4.0 } }, vulnerability = 0.25, primary_loss = { lognormal = { ci90 = [2e4, 4e5] } } }
"#;
    let plain = r#"
name = "fair"
[[risks]]
id = "r"
frequency = { poisson = { rate = 1.0 } }
magnitude = { lognormal = { ci90 = [2e4, 4e5] } }
"#;
    assert_eq!(parse_toml(fair).unwrap(), parse_toml(plain).unwrap());
    // `susceptibility` is the FAIR Standard v3.0 name of the same factor.
    let synonym = fair.replace("vulnerability", "susceptibility");
    assert_eq!(parse_toml(&synonym).unwrap(), parse_toml(plain).unwrap());
}

/// With an uncertain vulnerability and a secondary loss, against an equivalent written without
/// FAIR: one threat event a year (`fixed` count 1) thinned by V ~ uniform(0.2, 0.6) is a Bernoulli
/// with p = E[V] = 0.4; primary uniform(1e5, 3e5) plus a certain secondary 5e4 is uniform(1.5e5,
/// 3.5e5). The two simulate the same annual-loss distribution by different draws.
#[test]
fn fair_form_agrees_with_the_equivalent_compound_form() {
    let fair = r#"
name = "fair"
[simulation]
trials = 400000
seed = 11
[[risks]]
id = "r"
[risks.fair]
threat_event_frequency = { fixed = { count = 1 } }
vulnerability = { uniform = { min = 0.2, max = 0.6 } }
primary_loss = { uniform = { min = 1e5, max = 3e5 } }
secondary = { probability = 1.0, loss = { fixed = { value = 5e4 } } }
"#;
    let plain = r#"
name = "plain"
[simulation]
trials = 400000
seed = 12
[[risks]]
id = "r"
frequency = { bernoulli = { probability = 0.4 } }
magnitude = { uniform = { min = 1.5e5, max = 3.5e5 } }
"#;
    let a = parse_toml(fair).unwrap();
    let b = parse_toml(plain).unwrap();
    let (fa, fb) = (
        a.model().risks()[0].frequency(),
        b.model().risks()[0].frequency(),
    );
    assert!((fa.mean() - fb.mean()).abs() < 1e-12);
    assert!((fa.variance() - fb.variance()).abs() < 1e-12);
    let (ma, mb) = (
        a.model().risks()[0].magnitude(),
        b.model().risks()[0].magnitude(),
    );
    assert!((ma.mean() - mb.mean()).abs() < 1e-6);
    assert!((ma.variance() - mb.variance()).abs() < 1e-6 * mb.variance());

    let da = a.model().simulate(a.options()).unwrap();
    let db = b.model().simulate(b.options()).unwrap();
    let (da, db) = (da.portfolio(), db.portfolio());
    let n = da.trials() as f64;
    // Two independent runs: the difference of the means has SE sqrt(se_a^2 + se_b^2); 5 SE.
    let se = (da.standard_error().powi(2) + db.standard_error().powi(2)).sqrt();
    assert!(
        (da.expected_annual_loss() - db.expected_annual_loss()).abs() < 5.0 * se,
        "{} vs {} (se {se})",
        da.expected_annual_loss(),
        db.expected_annual_loss()
    );
    // Exceedance at a few losses: each a binomial proportion, difference SE sqrt(2 p (1-p) / n).
    for x in [0.0, 2e5, 3e5, 3.4e5] {
        let (pa, pb) = (
            da.exceedance_probability(x).unwrap(),
            db.exceedance_probability(x).unwrap(),
        );
        let se = (2.0 * pa.max(pb) * (1.0 - pa.min(pb)) / n).sqrt();
        assert!(
            (pa - pb).abs() < 5.0 * se + 1.0 / n,
            "P(L > {x}): {pa} vs {pb}"
        );
    }
}

/// The error messages the README shows are the ones a user gets.
#[test]
fn the_readme_error_messages_are_real() {
    let text = blocks(README, "toml")[0];
    let mistakes = [
        ("mode = 0.05", "mode = 0.3"),
        ("magnitude = { lognormal", "mangitude = { lognormal"),
    ];
    for (find, replace) in mistakes {
        assert!(text.contains(find));
        let e = Scenario::parse(
            &text.replacen(find, replace, 1),
            Format::Toml,
            "small-co.toml",
        )
        .unwrap_err();
        let shown = format!("assess: {e}\n");
        assert!(README.contains(&shown), "the README should show: {shown}");
    }
}

/// Parameters are written back as they were given, bit for bit, for every kind that keeps them.
#[test]
fn parameters_are_written_back_as_given() {
    let text = r#"
name = "kinds"
[[risks]]
id = "pert"
frequency = { bernoulli = { probability = 0.3 } }
magnitude = { pert = { min = 1.0, mode = 3.0, max = 10.0, lambda = 0.3, cap = 9.5 } }
[[risks]]
id = "tri"
frequency = { negative_binomial = { mean = 2.0, variance = 7.0 } }
magnitude = { triangular = { min = 0.1, mode = 0.7, max = 3.3 } }
[[risks]]
id = "uni"
frequency = { fixed = { count = 2 } }
magnitude = { uniform = { min = 0.1, max = 0.7 } }
[[risks]]
id = "emp"
frequency = { poisson = { rate = 0.1 } }
magnitude = { empirical = { losses = [3.0, 1.0, 2.0] } }
[[risks]]
id = "par"
frequency = { poisson = { rate = 0.1 } }
magnitude = { pareto = { scale = 1e4, shape = 0.9, cap = 1e7 } }
[[risks]]
id = "gam"
frequency = { poisson = { rate = 0.1 } }
magnitude = { gamma = { shape = 2.5, scale = 1e4 } }
[[controls]]
id = "c"
function = "identify"
frequency_efficacy = { pert = { min = 0.1, mode = 0.3, max = 0.7 } }
magnitude_efficacy = { uniform = { min = 0.1, max = 0.7 } }
[[controls]]
id = "d"
function = "respond"
applies_to = ["tri", "uni"]
efficacy = { triangular = { min = 0.1, mode = 0.2, max = 0.7 } }
transfer = { deductible = 1.0, occurrence_limit = 2.0, coinsurance = 0.1 }
"#;
    let scenario = parse_toml(text).unwrap();
    let spec = scenario.to_spec().unwrap();
    let back = parse_toml(&toml::to_string(&spec).unwrap()).unwrap();
    assert_eq!(back, scenario);
    let pert = serde_json::to_value(&spec.risks[0].magnitude).unwrap();
    assert_eq!(
        pert,
        serde_json::json!({ "pert": { "min": 1.0, "mode": 3.0, "max": 10.0, "lambda": 0.3, "cap": 9.5 } })
    );
}

/// What the file format cannot express is an error, never a silently different scenario.
#[test]
fn models_the_format_cannot_express_are_refused() {
    use csfquant::Efficacy;
    let twice = Frequency::fixed(10)
        .unwrap()
        .thinned(Efficacy::fixed(0.5).unwrap())
        .unwrap()
        .thinned(Efficacy::pert(0.1, 0.3, 0.5).unwrap())
        .unwrap();
    let capped = Magnitude::fixed(100.0)
        .unwrap()
        .with_secondary(0.5, Magnitude::fixed(1000.0).unwrap())
        .unwrap()
        .with_cap(300.0)
        .unwrap();
    let plain = Magnitude::fixed(1.0).unwrap();
    for (frequency, magnitude, says) in [
        (twice, plain.clone(), "thinned"),
        (Frequency::poisson(1.0).unwrap(), capped, "cap"),
    ] {
        let model = Model::new(vec![Risk::new("r", frequency, magnitude).unwrap()]).unwrap();
        let e = Scenario::new("x", model).to_spec().unwrap_err();
        assert!(matches!(e, Error::Unwritable { .. }), "{e}");
        assert!(e.to_string().contains(says), "{e}");
    }
}

#[test]
fn odd_but_valid_text_is_read() {
    // A UTF-8 byte-order mark, as some editors write, in both formats.
    let toml_text = format!("\u{feff}{}", example_toml());
    assert!(parse_toml(&toml_text).is_ok());
    let value: toml::Value = toml::from_str(example_toml()).unwrap();
    let json = format!("\u{feff}{}", serde_json::to_string(&value).unwrap());
    assert!(Scenario::parse(&json, Format::Json, "bom.json").is_ok());
    // An interval is exactly two numbers (toml would otherwise drop the rest silently).
    let e = parse_toml(&example_toml().replace("ci90 = [0.5, 3.0]", "ci90 = [0.5, 3.0, 9.0]"))
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("risks[1].frequency.poisson.ci90: invalid length 3"),
        "{e}"
    );
    // An empty JSON file: located at line 1, column 1.
    let e = Scenario::parse("", Format::Json, "empty.json").unwrap_err();
    assert!(e.to_string().starts_with("empty.json:1:1: "), "{e}");
}

/// Only a value in (1, 100] where a fraction belongs gets the percentage hint; the typed error
/// behind it is the constructor's, as without the hint.
#[test]
fn only_fractions_that_look_like_percentages_get_the_hint() {
    let control = |efficacy: &str| example_toml().replace("efficacy = 0.4", efficacy);
    for (efficacy, hinted) in [
        ("efficacy = 50", true),
        ("efficacy = 100", true),
        ("efficacy = 1.5", true),
        ("efficacy = 400", false),
        ("efficacy = -50", false),
        ("efficacy = { uniform = { min = 0.5, max = 0.2 } }", false),
    ] {
        let e = parse_toml(&control(efficacy)).unwrap_err();
        assert_eq!(e.to_string().contains("percentage"), hinted, "{e}");
        assert!(
            e.to_string().contains("expected a fraction in [0, 1]") || !hinted,
            "{e}"
        );
        assert!(
            matches!(
                e.source_error(),
                Some(Error::InvalidParameter { .. } | Error::EmptyRange { .. })
            ),
            "{e:?}"
        );
    }
    // Other numbers are not fractions, whatever their value.
    for (find, replace) in [
        ("rate = 0.25", "rate = 50.0"),
        ("horizon_years = 3", "horizon_years = 0"),
        ("upfront = 40_000.0", "upfront = -50.0"),
    ] {
        match parse_toml(&example_toml().replacen(find, replace, 1)) {
            Ok(_) => {}
            Err(e) => assert!(!e.to_string().contains("percentage"), "{e}"),
        }
    }
    // The same in JSON.
    let value: toml::Value = toml::from_str(&control("efficacy = 50")).unwrap();
    let json = serde_json::to_string(&value).unwrap();
    let e = Scenario::parse(&json, Format::Json, "s.json").unwrap_err();
    assert_eq!(
        e.to_string(),
        "s.json: controls[1].efficacy: invalid efficacy: 50 (expected a fraction in [0, 1]); 50 \
         looks like a percentage: write 0.5"
    );
}

/// The constructor's typed error stays inside the scenario error, for tools that handle kinds
/// of mistakes.
#[test]
fn the_typed_error_is_kept() {
    let e = parse_toml(&example_toml().replace("rate = 0.25", "rate = -1.0")).unwrap_err();
    match e {
        Error::InvalidScenario { path, source, .. } => {
            assert_eq!(path, "risks[0].frequency.poisson.rate");
            assert!(matches!(
                *source,
                Error::InvalidParameter { name: "rate", .. }
            ));
        }
        other => panic!("{other}"),
    }
    let e = parse_toml(
        &example_toml().replace("applies_to = [\"ransomware\"]", "applies_to = [\"x\"]"),
    )
    .unwrap_err();
    assert!(
        matches!(&e, Error::InvalidScenario { source, .. } if matches!(**source, Error::UnknownRisk { .. })),
        "{e}"
    );
}
