//! The budget report's frontier chart and page: well-formed, deterministic, every point and
//! plan drawn, hostile names escaped.

use csfquant::{Format, HtmlOptions, Scenario, SimulationOptions};

fn report(plan_name: &str) -> csfquant::budget::BudgetReport {
    let text = include_str!("../examples/data/default.toml").replace(
        "\"Identity first\"",
        &format!("\"{}\"", plan_name.replace('"', "\\\"")),
    );
    Scenario::parse(&text, Format::Toml, "default.toml")
        .unwrap()
        .with_options(SimulationOptions::new(9).trials(4_000))
        .budget_report()
        .unwrap()
}

#[test]
fn the_frontier_chart_draws_every_set_and_plan_and_escapes_names() {
    let hostile = "<script>alert('x') & \"quotes\" \u{202e}rtl";
    let r = report(hostile);
    let svg = r.frontier_svg();
    assert_eq!(
        svg,
        r.frontier_svg(),
        "the same report gives the same bytes"
    );
    assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>\n"));
    assert!(svg.contains("<title id=\"frontier-title\">"));
    assert!(!svg.contains("<script"), "names are escaped");
    // One circle per frontier point and one diamond per plan, in each of the two panels.
    assert_eq!(svg.matches("<circle ").count(), 2 * r.frontier.len());
    assert_eq!(svg.matches("<polygon ").count(), 2 * r.plans.len());
    // Each budget is drawn as a dashed line with its label in both panels.
    for c in &r.choices {
        let label = format!(">budget {}", csfquant_short(c.budget));
        assert_eq!(svg.matches(&label).count(), 2, "{label}");
    }
    let html = r.html(&HtmlOptions::new().source("a <b>.toml"));
    assert!(
        html.contains(&svg[..svg.len() - 1]),
        "the chart is on the page"
    );
    assert!(!html.contains("<script") && !html.contains("<b>"));
    assert!(html.contains("&lt;script&gt;"));
    // The tables keep their lines (the text report, line by line).
    let pre = &html[html.find("<pre>").unwrap()..html.find("</pre>").unwrap()];
    assert_eq!(pre.lines().count(), r.to_string().lines().count());
    assert!(html.contains(concat!("csfquant ", env!("CARGO_PKG_VERSION"))));
}

/// The chart's money labels for the default scenario's budgets (150k, 300k, 600k).
fn csfquant_short(x: f64) -> String {
    format!("{:.0}k", x / 1e3)
}
