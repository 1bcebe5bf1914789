//! The charts (`Assessment::lec_svg`, `functions_svg`, `controls_svg`) and the HTML page
//! (`Assessment::html`): golden files compared byte for byte, escaping, and the edge cases.
//!
//! When a change to a chart or the page is intended, rewrite the golden files and look at them
//! (in a browser: `scripts/browser_check.sh` renders the page):
//!
//! ```sh
//! CSFQUANT_BLESS=1 cargo test --test main charts
//! git diff --stat tests/data/golden/
//! ```
//!
//! The page carries the csfquant version, so a version bump rewrites `default_report.html`.

use std::path::PathBuf;

use csfquant::{Assessment, Format, HtmlOptions, Scenario, SimulationOptions};

const DEFAULT_SCENARIO: &str = include_str!("../examples/data/default.toml");

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
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; CSFQUANT_BLESS=1 cargo test --test main charts writes it",
            path.display()
        )
    });
    if expected == actual {
        return;
    }
    let line = expected
        .lines()
        .zip(actual.lines())
        .position(|(w, g)| w != g)
        .map_or(expected.lines().count().min(actual.lines().count()), |i| i)
        + 1;
    panic!(
        "{} differs at line {line}:\n  golden: {:?}\n  actual: {:?}\n\
         (if the change is intended: CSFQUANT_BLESS=1 cargo test --test main charts)",
        path.display(),
        expected.lines().nth(line - 1),
        actual.lines().nth(line - 1)
    );
}

fn assess(text: &str, trials: u64) -> Assessment {
    let scenario = Scenario::parse(text, Format::Toml, "test.toml").unwrap();
    let seed = scenario.options().seed();
    scenario
        .with_options(SimulationOptions::new(seed).trials(trials))
        .assess()
        .unwrap()
}

/// A small well-formedness check of an XML document (enough for the SVG we write): every tag
/// closed in order, attributes quoted, only the five entities and numeric references, no `<`
/// or `&` loose in text. Returns the element names in document order.
fn well_formed(xml: &str) -> Vec<String> {
    let mut stack: Vec<String> = Vec::new();
    let mut names = Vec::new();
    let mut rest = xml.trim_start();
    if let Some(after) = rest.strip_prefix("<?xml") {
        rest = &after[after.find("?>").expect("the declaration ends") + 2..];
    }
    while !rest.is_empty() {
        let lt = rest.find('<').unwrap_or(rest.len());
        check_text(&rest[..lt]);
        rest = &rest[lt..];
        if rest.is_empty() {
            break;
        }
        let gt = rest.find('>').expect("every tag ends");
        let tag = &rest[1..gt];
        rest = &rest[gt + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            let open = stack
                .pop()
                .unwrap_or_else(|| panic!("</{name}> closes nothing"));
            assert_eq!(open, name.trim(), "tags closed out of order");
            continue;
        }
        let empty = tag.ends_with('/');
        let tag = tag.trim_end_matches('/');
        let name: String = tag.chars().take_while(|c| !c.is_whitespace()).collect();
        assert!(
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'),
            "bad element name {name:?}"
        );
        // Attributes: name="value" pairs, the values free of < and with valid entities.
        let mut attrs = tag[name.len()..].trim();
        while !attrs.is_empty() {
            let eq = attrs
                .find("=\"")
                .unwrap_or_else(|| panic!("unquoted attribute in {tag:?}"));
            let end = attrs[eq + 2..].find('"').expect("the attribute value ends") + eq + 2;
            check_text(&attrs[eq + 2..end]);
            attrs = attrs[end + 1..].trim_start();
        }
        names.push(name.clone());
        if !empty {
            stack.push(name);
        }
    }
    assert!(stack.is_empty(), "unclosed elements: {stack:?}");
    names
}

fn check_text(text: &str) {
    assert!(!text.contains('<'), "a loose < in {text:?}");
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        let end = rest[i..].find(';').expect("an entity ends") + i;
        let entity = &rest[i + 1..end];
        assert!(
            matches!(entity, "amp" | "lt" | "gt" | "quot" | "apos")
                || entity
                    .strip_prefix('#')
                    .is_some_and(|n| n.parse::<u32>().is_ok()),
            "unknown entity &{entity};"
        );
        rest = &rest[end + 1..];
    }
}

/// The inline SVGs of a page.
fn svgs_of(html: &str) -> Vec<&str> {
    html.match_indices("<svg ")
        .map(|(i, _)| {
            let end = html[i..].find("</svg>").unwrap() + i + "</svg>".len();
            &html[i..end]
        })
        .collect()
}

fn all_svgs(report: &Assessment) -> [String; 3] {
    [
        report.lec_svg(),
        report.functions_svg(),
        report.controls_svg(),
    ]
}

#[test]
fn the_default_scenario_draws_its_golden_charts_and_page() {
    let report = assess(DEFAULT_SCENARIO, 5_000);
    assert_eq!(report.seed(), 2027);
    let [lec, functions, controls] = all_svgs(&report);
    check_golden("default_lec.svg", &lec);
    check_golden("default_functions.svg", &functions);
    check_golden("default_controls.svg", &controls);
    let html = report.html(&HtmlOptions::new().source("examples/data/default.toml, embedded"));
    check_golden("default_report.html", &html);
    for svg in [&lec, &functions, &controls] {
        let names = well_formed(svg);
        assert_eq!(names[..3], ["svg", "title", "desc"]);
    }
    let contributions = report.contributions_svg().expect("tail contributions");
    check_golden("default_contributions.svg", &contributions);
    well_formed(&contributions);
    // The three charts, the bad year, then the parties chart (the default scenario has two
    // parties).
    let parties = report.parties_svg().expect("two parties");
    assert_eq!(
        svgs_of(&html),
        [
            &lec[..lec.len() - 1],
            &functions[..functions.len() - 1],
            &controls[..controls.len() - 1],
            &contributions[..contributions.len() - 1],
            &parties[..parties.len() - 1]
        ]
    );
    assert!(html.contains(concat!("csfquant ", env!("CARGO_PKG_VERSION"))));
    assert!(html.contains("5,000 simulated years, seed 2027"));
    // Self-contained: no script, nothing fetched (the only URL is the SVG namespace).
    assert!(!html.contains("<script"));
    assert!(!html.contains("src=") && !html.contains("href=") && !html.contains("url("));
}

#[test]
fn a_report_loaded_from_its_json_draws_the_same_bytes() {
    let report = assess(DEFAULT_SCENARIO, 2_000);
    let loaded: Assessment = serde_json::from_str(&report.to_json()).unwrap();
    assert!(loaded.analysis().is_none());
    assert_eq!(all_svgs(&loaded), all_svgs(&report));
    assert_eq!(loaded.contributions_svg(), report.contributions_svg());
    let options = HtmlOptions::new();
    assert_eq!(loaded.html(&options), report.html(&options));
    // And the same report twice gives the same bytes.
    assert_eq!(all_svgs(&report), all_svgs(&report.clone()));
}

#[test]
fn hostile_names_are_escaped_everywhere() {
    let toml = r#"
name = "<script>alert('x')</script> & \"Co\" \u202Egnp.exe"
tolerance = [ { loss = 1_000.0, probability = 0.01 } ]
[[risks]]
id = "r"
name = "Risk <img src=x onerror=alert(1)> & 'quotes' שלום"
frequency = { bernoulli = { probability = 0.5 } }
magnitude = { fixed = { value = 10_000.0 } }
[[controls]]
id = "a_control_with_a_very_long_identifier_indeed"
name = "</table><script>bad()</script>"
function = "protect"
cost = { annual = 1_000.0 }
efficacy = 0.5
"#;
    let report = assess(toml, 1_000);
    let html = report.html(&HtmlOptions::new().source("<evil>.toml"));
    for text in all_svgs(&report).iter().chain([&html]) {
        assert!(!text.contains("<script"), "{text}");
        assert!(!text.contains("<img"));
        assert!(!text.contains('\u{202E}'), "a bidi override survived");
    }
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Co&quot;"));
    assert!(html.contains("&lt;/table&gt;&lt;script&gt;bad()&lt;/script&gt;"));
    assert!(html.contains("שלום"));
    assert!(html.contains("&lt;evil&gt;.toml"));
    for svg in all_svgs(&report)
        .iter()
        .map(String::as_str)
        .chain(svgs_of(&html))
    {
        well_formed(svg);
    }
    // The long id is shortened on the chart, whole in the table.
    let controls = report.controls_svg();
    assert!(
        controls.contains(">a_control_with_a_…</text>"),
        "{controls}"
    );
    assert!(html.contains("a_control_with_a_very_long_identifier_indeed"));
}

/// Renders every chart and the page of `toml` at `trials`, checks they are well formed, and
/// returns them for the caller to check what they say.
fn renders(toml: &str, trials: u64) -> ([String; 3], String) {
    let report = assess(toml, trials);
    let svgs = all_svgs(&report);
    for svg in &svgs {
        well_formed(svg);
    }
    let html = report.html(&HtmlOptions::new());
    let parties = usize::from(report.parties_svg().is_some());
    let contributions = report.contributions_svg().expect("every run has its tail");
    well_formed(&contributions);
    assert_eq!(svgs_of(&html).len(), 4 + parties);
    for svg in svgs_of(&html) {
        well_formed(svg);
    }
    (svgs, html)
}

#[test]
fn no_controls_and_no_tolerance_say_so() {
    let toml = r#"
name = "Bare"
[[risks]]
id = "a"
frequency = { poisson = { rate = 0.3 } }
magnitude = { lognormal = { ci90 = [10_000.0, 1_000_000.0] } }
"#;
    let ([lec, functions, controls], html) = renders(toml, 2_000);
    assert!(lec.contains("no controls: no residual curve"));
    assert!(lec.contains("no tolerance stated"));
    assert!(
        !lec.contains("residual</text>"),
        "no residual curve in the legend"
    );
    assert!(functions.contains("No controls: nothing is removed"));
    assert!(controls.contains("No controls in the scenario: nothing to plot"));
    assert!(html.contains("none stated"));
}

#[test]
fn every_year_without_a_loss_draws_an_empty_frame() {
    let toml = r#"
name = "Quiet"
tolerance = [ { loss = 1_000_000.0, probability = 0.1 } ]
[[risks]]
id = "a"
frequency = { poisson = { rate = 0.0 } }
magnitude = { fixed = { value = 1000.0 } }
[[controls]]
id = "c"
function = "detect"
cost = { annual = 1_000.0 }
efficacy = 0.5
"#;
    let ([lec, functions, controls], html) = renders(toml, 1_000);
    assert!(lec.contains("No simulated year has a loss: there is no curve to draw"));
    assert!(!lec.contains("<polyline"));
    assert!(functions.contains("Detect"));
    assert!(controls.contains(">c</text>"));
    assert!(html.contains("No simulated year has a loss."));
}

#[test]
fn a_single_trial_renders() {
    let toml = r#"
name = "One year"
tolerance = [ { loss = 1_000.0, probability = 0.5 } ]
[[risks]]
id = "a"
frequency = { fixed = { count = 2 } }
magnitude = { fixed = { value = 5_000.0 } }
[[controls]]
id = "c"
function = "protect"
cost = { annual = 100.0 }
efficacy = 0.5
"#;
    let ([lec, _, controls], html) = renders(toml, 1);
    assert!(lec.contains("· 1 simulated year ·"), "{lec}");
    assert!(controls.contains(">c</text>"));
    assert!(html.contains("1 simulated year, seed"));
}

#[test]
fn losses_from_1_to_1e12_keep_their_ticks_readable() {
    let toml = r#"
name = "Wide"
[[risks]]
id = "small"
frequency = { bernoulli = { probability = 0.9 } }
magnitude = { fixed = { value = 1.0 } }
[[risks]]
id = "huge"
frequency = { bernoulli = { probability = 0.05 } }
magnitude = { fixed = { value = 1e12 } }
"#;
    let ([lec, _, _], _) = renders(toml, 2_000);
    // Twelve decades: every other one labelled, in money units.
    for tick in [
        ">1</text>",
        ">100</text>",
        ">10k</text>",
        ">1M</text>",
        ">100M</text>",
        ">10B</text>",
        ">1T</text>",
    ] {
        assert!(lec.contains(tick), "{tick} missing");
    }
    assert!(!lec.contains(">1.0k</text>"));
}

/// The bad-year chart draws each risk's share of the residual TVaR 99%: at most ten bars (the
/// smaller risks gathered into the last), lengths proportional to the shares written beside
/// them, which add up to the TVaR 99%; a report stored before tail contributions draws none.
#[test]
fn the_bad_year_chart_adds_up_to_the_tail_mean() {
    let report = assess(DEFAULT_SCENARIO, 5_000);
    let svg = report.contributions_svg().unwrap();
    let residual = report.residual();
    let risks = residual.contributions.len();
    assert!(risks > 10, "the default scenario has {risks} risks");
    assert!(svg.contains(&format!(">{} other risks</text>", risks - 9)));
    // The bars: the blue rectangles above the diversification's two.
    let bars: Vec<f64> = svg
        .lines()
        .filter(|l| l.starts_with("<rect") && l.contains("fill=\"#0072B2\""))
        .map(|l| {
            let at = l.find(" width=\"").unwrap() + 8;
            l[at..at + l[at..].find('"').unwrap()].parse().unwrap()
        })
        .collect();
    assert_eq!(bars.len(), 10 + 1, "ten risk rows and the portfolio's VaR");
    // Widths are written to 0.1 px: proportional to the values to that precision.
    let mut values: Vec<f64> = residual.contributions.iter().map(|c| c.tvar99).collect();
    values.sort_by(|a, b| b.total_cmp(a));
    let rest: f64 = values[9..].iter().sum();
    values.truncate(9);
    values.push(rest);
    let scale = bars[0] / values[0];
    for (w, v) in bars.iter().zip(&values) {
        assert!((w - v * scale).abs() <= 0.1, "{w} px vs {v}");
    }
    let tvar = residual.tail_mean_at(0.99).unwrap().loss;
    let sum: f64 = values.iter().sum();
    assert!((sum - tvar).abs() <= 1e-9 * tvar, "{sum} vs {tvar}");
    // A report stored by an earlier csfquant has no contributions and no chart.
    let mut json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    json["residual"]
        .as_object_mut()
        .unwrap()
        .remove("contributions");
    let loaded: Assessment = serde_json::from_value(json).unwrap();
    assert_eq!(loaded.contributions_svg(), None);
}
