//! The parties chart (`Assessment::parties_svg`): the default scenario's golden file, bars that
//! add up to the total removed, hostile names escaped, and `None` when there is nothing to split.
//!
//! When a change to the chart is intended, rewrite the golden file and look at it:
//!
//! ```sh
//! CSFQUANT_BLESS=1 cargo test --test main parties_chart
//! git diff --stat tests/data/golden/
//! ```

use std::path::PathBuf;

use csfquant::{Assessment, Format, Scenario, SimulationOptions};

const DEFAULT_SCENARIO: &str = include_str!("../examples/data/default.toml");

/// Compares `actual` with the golden file `name` byte for byte, or with `CSFQUANT_BLESS=1`
/// writes it there.
fn check_golden(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/golden")
        .join(name);
    if std::env::var_os("CSFQUANT_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; CSFQUANT_BLESS=1 cargo test --test main parties_chart writes it",
            path.display()
        )
    });
    if let Some(i) = expected
        .lines()
        .zip(actual.lines())
        .position(|(w, g)| w != g)
    {
        panic!(
            "{} differs at line {}:\n  golden: {:?}\n  actual: {:?}\n\
             (if the change is intended: CSFQUANT_BLESS=1 cargo test --test main parties_chart)",
            path.display(),
            i + 1,
            expected.lines().nth(i),
            actual.lines().nth(i)
        );
    }
    assert_eq!(expected, actual, "{} differs in length", path.display());
}

fn assess(text: &str, trials: u64) -> Assessment {
    let scenario = Scenario::parse(text, Format::Toml, "test.toml").unwrap();
    let seed = scenario.options().seed();
    scenario
        .with_options(SimulationOptions::new(seed).trials(trials))
        .assess()
        .unwrap()
}

/// The value of attribute `name` in the element `tag` (e.g. `<rect x="1" ...`).
fn attr(tag: &str, name: &str) -> f64 {
    let key = format!(" {name}=\"");
    let start = tag.find(&key).unwrap() + key.len();
    let end = start + tag[start..].find('"').unwrap();
    tag[start..end].parse().unwrap()
}

/// The bars of the chart, in document order: `(x, width)` of every `<rect>` with a position
/// (the background has none).
fn bars(svg: &str) -> Vec<(f64, f64)> {
    svg.lines()
        .filter(|l| l.starts_with("<rect x="))
        .map(|l| (attr(l, "x"), attr(l, "width")))
        .collect()
}

/// Every element opened is closed: `<text>` and `</text>` pair, every other tag self-closes,
/// and no `<` or `&` is loose in text (entities only).
fn balanced(svg: &str) {
    assert_eq!(svg.matches("<text").count(), svg.matches("</text>").count());
    for line in svg.lines().skip(1) {
        let inner = line
            .split_once('>')
            .and_then(|(_, rest)| rest.rsplit_once("</"))
            .map_or("", |(text, _)| text);
        assert!(!inner.contains('<'), "a loose '<' in {line}");
        for (i, _) in inner.match_indices('&') {
            let entity = &inner[i..];
            assert!(
                ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"]
                    .iter()
                    .any(|e| entity.starts_with(e)),
                "a loose '&' in {line}"
            );
        }
    }
}

#[test]
fn the_default_scenario_draws_its_golden_parties_chart() {
    let report = assess(DEFAULT_SCENARIO, 5_000);
    assert_eq!(report.seed(), 2027);
    let svg = report
        .parties_svg()
        .expect("the default scenario has two parties");
    check_golden("default_parties.svg", &svg);
    balanced(&svg);
    assert!(svg.contains("<title id=\"parties-title\">"));
    assert!(svg.contains("<desc id=\"parties-desc\">"));
    // Each party is named once on a bar and its stress figure is there.
    for p in report.parties() {
        assert!(svg.contains(&format!(">{}</text>", p.party)), "{}", p.party);
    }
}

/// The bars drawn are proportional to the shares and the shares add up to the total removed,
/// so the bars' widths add up to the width of the total (the dashed line's distance from zero).
#[test]
fn the_bars_drawn_add_up_to_the_total_removed() {
    let report = assess(DEFAULT_SCENARIO, 2_000);
    let svg = report.parties_svg().unwrap();
    let drawn = bars(&svg);
    assert_eq!(drawn.len(), report.parties().len());
    let zero = drawn.iter().map(|b| b.0).fold(f64::INFINITY, f64::min);
    // The total-removed line: the one dashed line.
    let total_line = svg
        .lines()
        .find(|l| l.starts_with("<line") && l.contains("stroke-dasharray"))
        .unwrap();
    let total_x = attr(total_line, "x1");
    let widths: f64 = drawn.iter().map(|b| b.1).sum();
    // Every coordinate is written to 0.1 px, so each width is off by at most 0.05 px, and the
    // two ends of the reference by 0.05 px each.
    let tolerance = 0.05 * (drawn.len() as f64 + 2.0);
    assert!(
        (widths - (total_x - zero)).abs() <= tolerance,
        "bars {widths} px, total {} px",
        total_x - zero
    );
    let shares: f64 = report.parties().iter().map(|p| p.eal_reduction).sum();
    assert!((shares - report.total_reduction()).abs() <= 1e-9 * report.total_reduction());
}

const GROUPED: &str = r#"
name = "Grouped"
[[risks]]
id = "r"
frequency = { poisson = { rate = 0.5 } }
magnitude = { lognormal = { ci90 = [10_000.0, 1_000_000.0] } }
[[controls]]
id = "a"
function = "protect"
cost = { annual = 1_000.0 }
frequency_efficacy = 0.4
group = "network"
[[controls]]
id = "b"
function = "detect"
cost = { annual = 2_000.0 }
magnitude_efficacy = 0.3
operated_by = "a_managed_service_provider_with_a_long_id"
[[controls]]
id = "c"
function = "respond"
cost = { annual = 500.0 }
magnitude_efficacy = 0.2
group = "network"
"#;

const HOSTILE_GROUP: &str = "<script>alert('g')</script> & \"Co\" \u{202E}gnp.exe";
const HOSTILE_PARTY: &str = "Party <img src=x onerror=alert(1)> שלום";

/// Scenario files only accept ids as party and group names, but a report loaded from JSON can
/// carry any text: the chart must escape it.
#[test]
fn hostile_names_are_escaped_and_shortened() {
    let report = assess(GROUPED, 1_000);
    let plain = report.parties_svg().unwrap();
    assert!(plain.contains(">a_managed_service_p…</text>"), "{plain}");
    assert!(
        plain.contains("a_managed_service_provider_with_a_long_id"),
        "in full in the desc"
    );
    let mut json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    json["parties"][1]["party"] = HOSTILE_PARTY.into();
    json["groups"][0]["group"] = HOSTILE_GROUP.into();
    let loaded: Assessment = serde_json::from_value(json).unwrap();
    let svg = loaded.parties_svg().unwrap();
    balanced(&svg);
    assert!(!svg.contains("<script"), "{svg}");
    assert!(!svg.contains("<img"));
    assert!(!svg.contains('\u{202E}'), "a bidi override survived");
    // In full (escaped) in the description, shortened with an ellipsis on the bar.
    assert!(
        svg.contains(
            "&lt;script&gt;alert(&#39;g&#39;)&lt;/script&gt; &amp; &quot;Co&quot; gnp.exe"
        )
    );
    assert!(
        svg.contains(">&lt;script&gt;alert(&#39;g&#39;)&lt;…</text>"),
        "{svg}"
    );
    assert!(svg.contains(">Party &lt;img src=x on…</text>"), "{svg}");
    assert!(svg.contains("שלום"));
    // Two parties and two groups (the user's and the ungrouped), each section adding up.
    assert_eq!(bars(&svg).len(), 4);
    let groups = report.groups().unwrap();
    let sum: f64 = groups.iter().map(|g| g.eal_reduction).sum();
    assert!((sum - report.total_reduction()).abs() <= 1e-9 * report.total_reduction().abs());
}

#[test]
fn a_report_loaded_from_its_json_draws_the_same_bytes() {
    let report = assess(GROUPED, 500);
    let loaded: Assessment = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(loaded.parties_svg(), report.parties_svg());
}

#[test]
fn one_party_and_no_groups_give_no_chart() {
    let toml = r#"
name = "One party"
[[risks]]
id = "r"
frequency = { poisson = { rate = 0.5 } }
magnitude = { fixed = { value = 10_000.0 } }
[[controls]]
id = "a"
function = "protect"
cost = { annual = 1_000.0 }
frequency_efficacy = 0.4
"#;
    assert_eq!(assess(toml, 200).parties_svg(), None);
    let bare = "name = \"Bare\"\n[[risks]]\nid = \"r\"\n\
                frequency = { poisson = { rate = 0.5 } }\n\
                magnitude = { fixed = { value = 10.0 } }\n";
    assert_eq!(assess(bare, 200).parties_svg(), None);
    // A group alone is worth a chart: the groups' section only.
    let grouped = format!("{toml}group = \"network\"\n");
    let svg = assess(&grouped, 200).parties_svg().unwrap();
    assert!(svg.contains("By group") && !svg.contains("By party"));
}
