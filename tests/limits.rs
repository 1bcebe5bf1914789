//! The limits of reading a scenario, each from the case that showed it (issue 14, items 2 and 5):
//! input size, list lengths refused while reading, nesting depth, what a message quotes of the
//! input, and where the errors of `assess` are located.

use csfquant::spec::{ControlSpec, CostSpec, FractionSpec, ScenarioSpec};
use csfquant::{Error, Format, Model, Scenario, SimulationOptions, ToleranceCurve};

/// One risk, in TOML.
const RISK_TOML: &str = "[[risks]]\nid = \"r\"\nfrequency = { poisson = { rate = 0.3 } }\n\
                         magnitude = { lognormal = { ci90 = [50000.0, 5000000.0] } }\n";

/// One risk, in JSON.
const RISK_JSON: &str = r#"{"id": "r", "frequency": {"poisson": {"rate": 0.3}},
    "magnitude": {"lognormal": {"ci90": [50000.0, 5000000.0]}}}"#;

fn toml(text: &str) -> csfquant::Result<Scenario> {
    Scenario::parse(text, Format::Toml, "case.toml")
}

fn json(text: &str) -> csfquant::Result<Scenario> {
    Scenario::parse(text, Format::Json, "case.json")
}

/// The path and the typed error of a scenario error that is not a syntax error.
fn located(e: &Error) -> (&str, &Error) {
    match e {
        Error::InvalidScenario { path, source, .. } => (path, source),
        other => panic!("not located: {other:?}"),
    }
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("csfquant-limits-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

// ---------------------------------------------------------------------------------------------
// Input size.

#[test]
fn text_larger_than_the_limit_is_refused_before_it_is_parsed() {
    let max = Scenario::MAX_TOML_BYTES as usize;
    // Valid TOML of the limit's length plus one byte (risks, then a comment): refused by its
    // length alone.
    let mut text = "name = \"x\"\n".to_string();
    let mut k = 0;
    while text.len() + 2 * RISK_TOML.len() < max {
        text.push_str(&RISK_TOML.replace("\"r\"", &format!("\"r{k}\"")));
        k += 1;
    }
    text.push('#');
    text.push_str(&"x".repeat(max + 1 - text.len()));
    let e = toml(&text).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "scenario case.toml is too large: {} bytes (expected at most 8388608 bytes, \
             Scenario::MAX_TOML_BYTES)",
            max + 1
        )
    );
    assert!(matches!(e, Error::InputTooLarge { bytes: Some(_), .. }));
    assert!(e.is_limit() && e.is_input());
    assert_eq!(e.file(), Some("case.toml"));
    // At the limit it is read (in parts: see `a_long_toml_text_read_in_parts_is_the_scenario_it_says`).
    text.pop();
    assert_eq!(toml(&text).unwrap().model().risks().len(), k);
}

#[test]
fn a_file_larger_than_the_limit_is_refused_by_its_size() {
    let dir = temp_dir("size");
    // A sparse file: 36 MB on paper (the case of the issue), no data read.
    let big = dir.join("big.toml");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(36_000_000).unwrap();
    let e = Scenario::from_path(&big).unwrap_err();
    assert!(
        matches!(e, Error::InputTooLarge { bytes: Some(36_000_000), max, .. } if max == Scenario::MAX_TOML_BYTES),
        "{e:?}"
    );
    assert!(
        e.to_string()
            .contains("big.toml is too large: 36000000 bytes"),
        "{e}"
    );
    // A device reports no size: read up to one byte past the limit, then refused.
    #[cfg(unix)]
    {
        let zero = dir.join("zero.toml");
        std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
        let e = Scenario::from_path(&zero).unwrap_err();
        assert!(
            matches!(e, Error::InputTooLarge { bytes: None, .. }),
            "{e:?}"
        );
        assert!(e.to_string().contains("more than 8388608 bytes"), "{e}");
    }
    // Not UTF-8: as before.
    let latin = dir.join("latin.toml");
    std::fs::write(&latin, b"name = \"caf\xe9\"\n").unwrap();
    let e = Scenario::from_path(&latin).unwrap_err();
    assert_eq!(
        e.io_error_kind(),
        Some(std::io::ErrorKind::InvalidData),
        "{e}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

// ---------------------------------------------------------------------------------------------
// Lists.

/// Asserts a list refused while reading: at `path`, with the limit and that the list is longer.
fn too_many(result: csfquant::Result<Scenario>, path: &str, list: &str, max: usize) {
    let e = result.unwrap_err();
    let (at, source) = located(&e);
    assert_eq!(at, path, "{e}");
    assert_eq!(
        source.to_string(),
        format!("too many {list}: the list is longer than the limit of {max}")
    );
    assert!(
        matches!(source, Error::TooManyEntries { max: m, .. } if *m == max),
        "{source:?}"
    );
    assert!(e.is_limit(), "{e}");
}

#[test]
fn a_tolerance_curve_of_half_a_million_points_is_refused_at_the_limit() {
    // The issue's case: 500,000 points, said to be 1001 "where reading stopped". Now larger than
    // the input limit; 200,000 fit in it.
    let text = |n: usize| {
        let points = "{ loss = 1e6, probability = 0.25 },".repeat(n);
        format!("name = \"x\"\ntolerance = [{points}]\n{RISK_TOML}")
    };
    assert!(matches!(
        toml(&text(500_000)).unwrap_err(),
        Error::InputTooLarge { .. }
    ));
    too_many(toml(&text(200_000)), "tolerance", "tolerance points", 1000);
    let tables = "[[tolerance]]\nloss = 1e6\nprobability = 0.25\n".repeat(1001);
    too_many(
        toml(&format!("name = \"x\"\n{tables}{RISK_TOML}")),
        "tolerance",
        "tolerance points",
        ToleranceCurve::MAX_POINTS,
    );
    let points = vec![r#"{"loss": 1e6, "probability": 0.25}"#; 200_000].join(",");
    let text = format!(r#"{{"name": "x", "tolerance": [{points}], "risks": [{RISK_JSON}]}}"#);
    too_many(json(&text), "tolerance", "tolerance points", 1000);
}

#[test]
fn every_list_of_the_format_is_refused_past_its_limit() {
    let csv = |item: &str, n: usize| vec![item; n].join(", ");
    // In TOML (refused before the toml crate parses it) and in JSON (while serde_json reads it).
    let cases: Vec<(String, String, &str, &str, usize)> = vec![
        (
            format!(
                "name = \"x\"\nthresholds = [{}]\n{RISK_TOML}",
                csv("1.0", 1001)
            ),
            format!(
                r#"{{"name": "x", "thresholds": [{}], "risks": [{RISK_JSON}]}}"#,
                csv("1.0", 1001)
            ),
            "thresholds",
            "thresholds",
            Scenario::MAX_THRESHOLDS,
        ),
        (
            format!(
                "name = \"x\"\n{}",
                RISK_TOML.repeat(Scenario::MAX_RISKS + 1)
            ),
            format!(
                r#"{{"name": "x", "risks": [{}]}}"#,
                csv(RISK_JSON, Scenario::MAX_RISKS + 1)
            ),
            "risks",
            "risks",
            Scenario::MAX_RISKS,
        ),
        (
            format!(
                "name = \"x\"\n{RISK_TOML}{}",
                "[[controls]]\nid = \"c\"\nfunction = \"protect\"\nefficacy = 0.1\n"
                    .repeat(Model::MAX_CONTROLS + 1)
            ),
            format!(
                r#"{{"name": "x", "risks": [{RISK_JSON}], "controls": [{}]}}"#,
                csv(
                    r#"{"id": "c", "function": "protect", "efficacy": 0.1}"#,
                    Model::MAX_CONTROLS + 1
                )
            ),
            "controls",
            "controls",
            Model::MAX_CONTROLS,
        ),
        (
            format!(
                "name = \"x\"\n{RISK_TOML}csf = [{}]\n",
                csv("\"PR.AA\"", Scenario::MAX_CSF_IDS + 1)
            ),
            format!(
                r#"{{"name": "x", "risks": [{{"id": "r", "csf": [{}],
                    "frequency": {{"poisson": {{"rate": 0.3}}}},
                    "magnitude": {{"fixed": {{"value": 1}}}}}}]}}"#,
                csv("\"PR.AA\"", Scenario::MAX_CSF_IDS + 1)
            ),
            "risks[0].csf",
            "CSF ids",
            Scenario::MAX_CSF_IDS,
        ),
        (
            format!(
                "name = \"x\"\n{RISK_TOML}[[controls]]\nid = \"c\"\nfunction = \"protect\"\n\
                 efficacy = 0.1\napplies_to = [{}]\n",
                csv("\"r\"", Scenario::MAX_RISKS + 1)
            ),
            format!(
                r#"{{"name": "x", "risks": [{RISK_JSON}], "controls": [{{"id": "c",
                    "function": "protect", "efficacy": 0.1, "applies_to": [{}]}}]}}"#,
                csv("\"r\"", Scenario::MAX_RISKS + 1)
            ),
            "controls[0].applies_to",
            "risk ids in applies_to",
            Scenario::MAX_RISKS,
        ),
        (
            format!(
                "name = \"x\"\n[[risks]]\nid = \"r\"\nfrequency = {{ poisson = {{ rate = 0.3 }} }}\n\
                 magnitude = {{ empirical = {{ losses = [{}] }} }}\n",
                csv("1.0", Scenario::MAX_EMPIRICAL_LOSSES + 1)
            ),
            format!(
                r#"{{"name": "x", "risks": [{{"id": "r", "frequency": {{"poisson": {{"rate": 0.3}}}},
                    "magnitude": {{"empirical": {{"losses": [{}]}}}}}}]}}"#,
                csv("1.0", Scenario::MAX_EMPIRICAL_LOSSES + 1)
            ),
            "risks[0].magnitude.empirical.losses",
            "observed losses",
            Scenario::MAX_EMPIRICAL_LOSSES,
        ),
    ];
    for (toml_text, json_text, path, list, max) in cases {
        // A TOML list past its limit can be longer than a TOML file may be (MAX_RISKS risks take
        // about 50 MB): then its size refuses it first.
        if toml_text.len() as u64 <= Scenario::MAX_TOML_BYTES {
            too_many(toml(&toml_text), path, list, max);
        } else {
            assert!(
                matches!(toml(&toml_text), Err(Error::InputTooLarge { .. })),
                "{path}"
            );
        }
        too_many(json(&json_text), path, list, max);
    }
    // A list the format does not have is bounded too, in TOML, before the toml crate sees it.
    // (As long as the longest list the format has: the risks.)
    let junk = format!(
        "name = \"x\"\njunk = [{}]\n{RISK_TOML}",
        csv("1", Scenario::MAX_RISKS + 1)
    );
    too_many(toml(&junk), "junk", "entries", Scenario::MAX_RISKS);
    // At the limits, the lists are read.
    let at_limit = format!(
        "name = \"x\"\nthresholds = [{}]\n{RISK_TOML}csf = [{}]\n",
        csv("1.0", Scenario::MAX_THRESHOLDS),
        csv("\"PR.AA\"", Scenario::MAX_CSF_IDS)
    );
    let s = toml(&at_limit).unwrap();
    assert_eq!(s.thresholds().len(), Scenario::MAX_THRESHOLDS);
}

#[test]
fn a_spec_built_in_code_has_the_same_limits() {
    let text = format!("name = \"x\"\n{RISK_TOML}");
    let spec: ScenarioSpec = toml::from_str(&text).unwrap();
    let mut long = spec.clone();
    long.thresholds = vec![1.0; Scenario::MAX_THRESHOLDS + 1];
    too_many(
        Scenario::from_spec(&long),
        "thresholds",
        "thresholds",
        Scenario::MAX_THRESHOLDS,
    );
    let mut long = spec;
    long.risks[0].csf = vec!["PR.AA".into(); Scenario::MAX_CSF_IDS + 1];
    too_many(
        Scenario::from_spec(&long),
        "risks[0].csf",
        "CSF ids",
        Scenario::MAX_CSF_IDS,
    );
}

// ---------------------------------------------------------------------------------------------
// Nesting.

/// Asserts a syntax error at `path`, line and column, saying how deep the limit is.
fn too_deep(result: csfquant::Result<Scenario>, path: &str, at: (usize, usize)) {
    let e = result.unwrap_err();
    match &e {
        Error::ScenarioSyntax {
            path: p,
            line,
            column,
            message,
            ..
        } => {
            assert!(p.starts_with(path), "{e}");
            assert_eq!((*line, *column), (Some(at.0), Some(at.1)), "{e}");
            assert!(
                message.contains("more than 32 levels") && message.contains("Scenario::MAX_DEPTH"),
                "{e}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().len() < 500, "{e}");
}

#[test]
fn deep_nesting_is_refused_with_its_location_never_a_crash() {
    let max = Scenario::MAX_DEPTH;
    for n in [max + 1, 100, 100_000] {
        // Arrays, inline tables, dotted keys (the toml crate said "recursion limit", nowhere),
        // table headers; objects and arrays in JSON.
        let arrays = format!("name = \"x\"\njunk = {}1{}\n", "[".repeat(n), "]".repeat(n));
        too_deep(toml(&arrays), "junk[0]", (2, 8 + max - 1));
        let tables = format!(
            "name = \"x\"\njunk = {}1{}\n",
            "{ a = ".repeat(n),
            "}".repeat(n)
        );
        too_deep(toml(&tables), "junk.a", (2, 8 + 6 * (max - 1)));
        let dotted = format!("name = \"x\"\n{} = 1\n", vec!["k"; n].join("."));
        too_deep(toml(&dotted), "k.k", (2, 1));
        let header = format!("name = \"x\"\n[{}]\n", vec!["k"; n].join("."));
        too_deep(toml(&header), "k.k", (2, 2));
        let objects = format!(
            "{{\"name\": \"x\",\n\"junk\": {}1{}}}",
            "{\"a\": ".repeat(n),
            "}".repeat(n)
        );
        too_deep(json(&objects), "junk.a", (2, 9 + 6 * (max - 1)));
        let arrays = format!("[{}1{}]", "[".repeat(n), "]".repeat(n));
        too_deep(json(&arrays), "[0]", (1, max + 1));
    }
    // The format's own nesting is far from the limit.
    let fair = "name = \"x\"\n[[risks]]\nid = \"r\"\n[risks.fair]\n\
         threat_event_frequency = { poisson = { rate = 2.0 } }\nvulnerability = 0.5\n\
         primary_loss = { fixed = { value = 1.0 } }\n\
         secondary = { probability = 0.2, loss = { lognormal = { ci90 = [1.0, 2.0] } } }\n";
    assert!(toml(fair).is_ok());
}

// ---------------------------------------------------------------------------------------------
// Messages.

/// Asserts that an error quotes a long input at most shortened: one line of readable length,
/// with an ellipsis.
fn short(e: &Error) {
    let text = e.to_string();
    assert!(text.len() < 600, "{} bytes: {}", text.len(), &text[..600]);
    assert!(text.contains('…'), "{text}");
    if let Some(path) = e.path() {
        assert!(path.len() < 200, "{path}");
    }
}

#[test]
fn long_input_is_quoted_shortened_everywhere() {
    let long = "x".repeat(3000);
    let base = format!("name = \"x\"\n{RISK_TOML}");
    let control = |extra: &str| {
        format!("{base}[[controls]]\nid = \"c\"\nfunction = \"protect\"\nefficacy = 0.1\n{extra}\n")
    };
    let cases = [
        // An unknown key of 3,000 characters, once a 6.6 kB error: in the path and the message.
        format!("{base}{long} = 1\n"),
        base.replace("id = \"r\"", &format!("id = \"r\"\n\"{long}\" = 1")),
        // Ids, CSF ids, function names, applies_to entries, categories.
        base.replace("id = \"r\"", &format!("id = \"{long}\"")),
        base.replace("id = \"r\"", &format!("id = \"r\"\ncsf = [\"{long}\"]")),
        control("").replace("function = \"protect\"", &format!("function = \"{long}\"")),
        control(&format!("applies_to = [\"{long}\"]")),
        control(&format!("category = \"{long}\"")),
        // String values where a number or a kind belongs, and unknown kinds.
        base.replace("rate = 0.3", &format!("rate = \"{long}\"")),
        control("").replace("efficacy = 0.1", &format!("efficacy = \"{long}%\"")),
        control("").replace("efficacy = 0.1", &format!("efficacy = \"{long}\"")),
        base.replace("poisson = ", &format!("{long} = ")),
        control("").replace("efficacy = 0.1", &format!("efficacy = {{ {long} = 1 }}")),
        base.replace(
            "{ rate = 0.3 }",
            &format!("{{ rate = 0.3 }}, \"{long}\" = 1, \"{long}y\" = 2"),
        ),
        format!("name = \"x\"\ncurrency = \"{long}\"\n{RISK_TOML}"),
        // A duplicate key.
        format!("{base}\"{long}\" = 1\n\"{long}\" = 2\n"),
    ];
    for text in &cases {
        let e = toml(text).unwrap_err();
        short(&e);
        // The same in JSON, where the text converts.
        if let Ok(value) = toml::from_str::<toml::Value>(text) {
            let e = json(&serde_json::to_string(&value).unwrap()).unwrap_err();
            short(&e);
        }
    }
    // The shortened key keeps its start, and the path is the message's.
    let e = toml(&cases[0]).unwrap_err();
    let prefix = "x".repeat(63);
    assert_eq!(
        e.path(),
        Some(format!("risks[0].{prefix}…").as_str()),
        "{e}"
    );
    assert!(
        e.to_string()
            .contains(&format!("unknown field `{prefix}…`")),
        "{e}"
    );
}

#[test]
fn a_duplicate_key_is_named_with_its_path() {
    // Was: "case.toml:5:38: duplicate key".
    let text = format!("name = \"x\"\n{RISK_TOML}[[risks]]\nid = \"s\"\nid = \"t\"\n");
    let e = toml(&text).unwrap_err();
    assert_eq!(
        e.to_string(),
        "case.toml:8:1: risks[1].id: duplicate key `id` (a key is given once in a table)"
    );
    let inline = format!("name = \"x\"\n{RISK_TOML}")
        .replace("{ rate = 0.3 }", "{ rate = 0.3, 'rate' = 0.4 }");
    let e = toml(&inline).unwrap_err();
    assert_eq!(e.path(), Some("risks[0].frequency.poisson.rate"), "{e}");
    assert!(e.to_string().contains("duplicate key `rate`"), "{e}");
    let table = "name = \"x\"\n[finance]\nhorizon_years = 2\n[finance]\n";
    let e = toml(table).unwrap_err();
    assert_eq!(e.path(), Some("finance"), "{e}");
}

#[test]
fn a_vulnerability_written_as_susceptibility_is_reported_so() {
    let fair = |key: &str| {
        format!(
            "name = \"x\"\n[[risks]]\nid = \"a\"\nfrequency = {{ fixed = {{ count = 1 }} }}\n\
             magnitude = {{ fixed = {{ value = 1.0 }} }}\n[[risks]]\nid = \"b\"\n\
             fair = {{ threat_event_frequency = {{ poisson = {{ rate = 4.0 }} }}, \
             {key} = {{ pert = {{ min = 0.5, mode = 0.9, max = 0.7 }} }}, \
             primary_loss = {{ fixed = {{ value = 1.0 }} }} }}\n"
        )
    };
    for key in ["susceptibility", "vulnerability"] {
        let e = toml(&fair(key)).unwrap_err();
        assert_eq!(
            e.path(),
            Some(format!("risks[1].fair.{key}.pert.mode").as_str()),
            "{e}"
        );
        let value: toml::Value = toml::from_str(&fair(key)).unwrap();
        let e = json(&serde_json::to_string(&value).unwrap()).unwrap_err();
        assert_eq!(
            e.path(),
            Some(format!("risks[1].fair.{key}.pert.mode").as_str()),
            "{e}"
        );
    }
    let fixed =
        fair("susceptibility").replace("{ pert = { min = 0.5, mode = 0.9, max = 0.7 } }", "1.5");
    let e = toml(&fixed).unwrap_err();
    assert_eq!(e.path(), Some("risks[1].fair.susceptibility"), "{e}");
}

#[test]
fn positional_lists_are_refused_where_keys_belong() {
    let base = format!("name = \"x\"\n{RISK_TOML}");
    let cases = [
        (
            base.replace("{ rate = 0.3 }", "[0.3]"),
            "risks[0].frequency.poisson",
            "`rate`, `ci90`, `mu` and `sigma`",
        ),
        (
            base.replace(
                "{ lognormal = { ci90 = [50000.0, 5000000.0] } }",
                "{ pert = [10.0, 20.0, 30.0] }",
            ),
            "risks[0].magnitude.pert",
            "`min`, `mode`, `max`, `lambda` and `cap`",
        ),
        (
            format!(
                "{base}[[controls]]\nid = \"c\"\nfunction = \"protect\"\nefficacy = {{ pert = [0.1, 0.2, 0.3] }}\n"
            ),
            "controls[0].efficacy.pert",
            "`min`, `mode` and `max`",
        ),
        (
            format!("tolerance = [[1e6, 0.25]]\n{base}"),
            "tolerance[0]",
            "`loss` and `probability`",
        ),
        (
            format!("simulation = [1000, 7]\n{base}"),
            "simulation",
            "`trials` and `seed`",
        ),
    ];
    for (text, path, keys) in &cases {
        let e = toml(text).unwrap_err();
        let value: toml::Value = toml::from_str(text).unwrap();
        let e_json = json(&serde_json::to_string(&value).unwrap()).unwrap_err();
        for e in [e, e_json] {
            assert_eq!(e.path(), Some(*path), "{e}");
            let text = e.to_string();
            assert!(
                text.contains(&format!(
                    "expected a table (object) with named keys among {keys}, got a list: write \
                     each value with its key"
                )),
                "{text}"
            );
        }
    }
    // A whole scenario as a list.
    let e = json("[\"x\", []]").unwrap_err();
    assert!(
        e.to_string()
            .contains("got a list: write each value with its key"),
        "{e}"
    );
}

#[test]
fn a_cost_too_small_to_divide_by_is_refused_at_the_control() {
    // Was: "the report's controls[].rosi is inf ... (cap the magnitudes)" after the run.
    let text = format!(
        "name = \"x\"\n{RISK_TOML}[[controls]]\nid = \"a\"\nfunction = \"protect\"\nefficacy = 0.1\n\
         [[controls]]\nid = \"tiny\"\nfunction = \"protect\"\nefficacy = 0.5\ncost = {{ annual = 5e-324 }}\n"
    );
    let e = toml(&text).unwrap_err();
    assert_eq!(
        e.to_string(),
        "case.toml: controls[1].cost.annual: invalid annual: 5e-324 (expected 0 or an amount >= \
         1e-6, Cost::MIN_AMOUNT)"
    );
    // A millionth of a unit is a cost, and its ROSI is finite.
    let ok = text.replace("5e-324", "1e-6");
    let report = toml(&ok)
        .unwrap()
        .with_options(SimulationOptions::new(1).trials(2_000))
        .assess()
        .unwrap();
    let rosi = report.controls()[1].rosi.unwrap();
    assert!(rosi.is_finite() && rosi > 1e9, "{rosi}");
    // In a spec built in code too.
    let mut spec: ScenarioSpec = toml::from_str(&text).unwrap();
    spec.controls[1] = ControlSpec {
        cost: Some(CostSpec {
            upfront: Some(1e-300),
            annual: None,
        }),
        efficacy: Some(FractionSpec::Fixed(0.5)),
        ..spec.controls[1].clone()
    };
    let e = Scenario::from_spec(&spec).unwrap_err();
    assert_eq!(e.path(), Some("controls[1].cost.upfront"), "{e}");
}

// ---------------------------------------------------------------------------------------------
// The errors of `assess`.

#[test]
fn the_errors_of_assess_name_their_place() {
    // Too much work, dominated by one risk: that risk.
    let busy = format!(
        "name = \"x\"\n{RISK_TOML}[[risks]]\nid = \"busy\"\nfrequency = {{ poisson = {{ rate = 1e6 }} }}\n\
         magnitude = {{ fixed = {{ value = 1.0 }} }}\n"
    );
    let e = toml(&busy).unwrap().assess().unwrap_err();
    let (path, source) = located(&e);
    assert_eq!(path, "risks[1]", "{e}");
    assert!(matches!(source, Error::TooMuchWork { .. }), "{e}");
    assert!(e.is_limit());
    assert!(e.to_string().starts_with("risks[1]: too much work"), "{e}");
    // Shared by many risks: the simulation.
    let risk = |i: usize| {
        format!(
            "[[risks]]\nid = \"r{i}\"\nfrequency = {{ poisson = {{ rate = 1e5 }} }}\n\
             magnitude = {{ fixed = {{ value = 1.0 }} }}\n"
        )
    };
    let many = format!("name = \"x\"\n{}", (0..10).map(risk).collect::<String>());
    let e = toml(&many).unwrap().assess().unwrap_err();
    assert_eq!(located(&e).0, "simulation", "{e}");
    // A trial count the engine refuses, set after reading.
    let e = toml(&format!("name = \"x\"\n{RISK_TOML}"))
        .unwrap()
        .with_options(SimulationOptions::new(1).trials(u64::MAX))
        .assess()
        .unwrap_err();
    let (path, source) = located(&e);
    assert_eq!(path, "simulation.trials", "{e}");
    assert!(matches!(source, Error::TooManyTrials { .. }), "{e}");
    // An annual loss that overflows: the risk whose losses do.
    let huge = format!(
        "name = \"x\"\n{RISK_TOML}[[risks]]\nid = \"huge\"\nfrequency = {{ fixed = {{ count = 3 }} }}\n\
         magnitude = {{ fixed = {{ value = 1e308 }} }}\n"
    );
    let e = toml(&huge)
        .unwrap()
        .with_options(SimulationOptions::new(1).trials(1_000))
        .assess()
        .unwrap_err();
    let (path, source) = located(&e);
    assert_eq!(path, "risks[1]", "{e}");
    assert!(matches!(source, Error::NonFiniteLoss), "{e}");
    // A figure of one control that overflows: that control. (An upfront cost of a millionth,
    // annualised over 100 years at -99% a year, is about 1e-206; the loss removed, 5e109.)
    let rosi = "name = \"x\"\nfinance = { horizon_years = 100, discount_rate = -0.99 }\n\
        [[risks]]\nid = \"r\"\nfrequency = { fixed = { count = 1 } }\n\
        magnitude = { fixed = { value = 1e110 } }\n\
        [[risks]]\nid = \"small\"\nfrequency = { fixed = { count = 1 } }\n\
        magnitude = { fixed = { value = 1.0 } }\n\
        [[controls]]\nid = \"free\"\nfunction = \"recover\"\nefficacy = 0.1\n\
        applies_to = [\"small\"]\n\
        [[controls]]\nid = \"cheap\"\nfunction = \"recover\"\nefficacy = 0.5\n\
        applies_to = [\"r\"]\ncost = { upfront = 1e-6 }\n";
    let e = toml(rosi)
        .unwrap()
        .with_options(SimulationOptions::new(1).trials(100))
        .assess()
        .unwrap_err();
    let (path, source) = located(&e);
    assert_eq!(path, "controls[1]", "{e}");
    assert!(
        matches!(source, Error::NonFiniteFigure { key, .. } if key.starts_with("controls[]")),
        "{e}"
    );
}

/// A TOML text over 1 MiB is read a few risks at a time when its risks are `[[risks]]` tables
/// or one `risks = [...]` array (the toml crate takes 60-90 bytes a byte of what it reads at
/// once): the scenario is the same as the same risks in JSON, in either layout.
#[test]
fn a_long_toml_text_read_in_parts_is_the_scenario_it_says() {
    let n = 12_000;
    let entry = |i: usize| {
        format!(
            "id = \"r{i}\", frequency = {{ poisson = {{ rate = 0.{} }} }}, \
             magnitude = {{ pert = {{ min = 1.0, mode = {}.0, max = 1e6 }} }}",
            1 + i % 9,
            2 + i % 1000
        )
    };
    let head = "name = \"long\"\nthresholds = [1000.0]\n";
    let tail = "[simulation]\ntrials = 10\n[[controls]]\nid = \"c\"\nfunction = \"protect\"\n\
                efficacy = 0.5\n";
    let tables: String = (0..n)
        .map(|i| format!("[[risks]]\n{}\n", entry(i).replacen(", ", "\n", 2)))
        .collect();
    let inline: Vec<String> = (0..n).map(|i| format!("{{ {} }}", entry(i))).collect();
    let texts = [
        format!("{head}{tables}{tail}"),
        format!("{head}risks = [\n{}\n]\n{tail}", inline.join(",\n")),
    ];
    let json_text = format!(
        r#"{{"name": "long", "thresholds": [1000.0], "simulation": {{"trials": 10}},
            "risks": [{}],
            "controls": [{{"id": "c", "function": "protect", "efficacy": 0.5}}]}}"#,
        (0..n)
            .map(|i| {
                format!(
                    r#"{{"id": "r{i}", "frequency": {{"poisson": {{"rate": 0.{}}}}},
                        "magnitude": {{"pert": {{"min": 1.0, "mode": {}.0, "max": 1e6}}}}}}"#,
                    1 + i % 9,
                    2 + i % 1000
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    );
    let expected = json(&json_text).unwrap().to_spec().unwrap();
    for text in &texts {
        assert!(text.len() > 1 << 20, "{} bytes", text.len());
        let scenario = toml(text).unwrap();
        assert_eq!(scenario.model().risks().len(), n);
        assert_eq!(scenario.to_spec().unwrap(), expected);
    }
}
