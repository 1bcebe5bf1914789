//! The report as one self-contained HTML page: the headline, the charts (inline SVG) and the
//! tables of the text report, with CSS for the screen and for print (A4 or Letter). No script,
//! no network: the page opens from a file, in a mail attachment, or printed.

use std::fmt::Write as _;

use crate::report::analysis::ControlValue;
use crate::report::assessment::Assessment;
use crate::report::bad_year::{self, BadYear};
use crate::report::loss::Quantile;
use crate::report::svg::{escape, level, pct, short, thousands, years};
use crate::report::tolerance::ToleranceVerdict;

/// What [`Assessment::html`] puts on the page beyond the report's figures.
///
/// # Example
/// ```
/// use csfquant::HtmlOptions;
/// let options = HtmlOptions::new().source("examples/data/default.toml");
/// assert_eq!(options.source_name(), Some("examples/data/default.toml"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HtmlOptions {
    source: Option<String>,
}

impl HtmlOptions {
    /// The default: no source named.
    pub fn new() -> HtmlOptions {
        HtmlOptions::default()
    }

    /// Names where the scenario came from (a file path), shown under the title.
    pub fn source(mut self, source: &str) -> HtmlOptions {
        self.source = Some(source.to_string());
        self
    }

    /// The source named with [`source`](Self::source), if any.
    pub fn source_name(&self) -> Option<&str> {
        self.source.as_deref()
    }
}

pub(crate) const CSS: &str = "\
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif;
  color: #111; background: #fff; margin: 0 auto; max-width: 60rem; padding: 1.5rem;
  line-height: 1.4; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .5rem; border-bottom: 1px solid #ccc; }
.meta { color: #555; margin: 0 0 1rem; font-size: .9rem; }
.headline { display: flex; flex-wrap: wrap; gap: .75rem; margin: 1rem 0; }
.figure { flex: 1 1 14rem; border: 1px solid #bbb; border-radius: 4px; padding: .6rem .8rem; }
.figure .label { font-size: .8rem; color: #555; }
.figure .value { font-size: 1.5rem; font-weight: bold; }
.figure .detail { font-size: .8rem; color: #333; }
.exceeded { color: #a33a00; }
figure { margin: 1rem 0; break-inside: avoid; page-break-inside: avoid; }
figure svg { width: 100%; height: auto; max-width: 760px; display: block; }
figcaption { font-size: .8rem; color: #555; }
table { border-collapse: collapse; font-size: .85rem; margin: .5rem 0; }
th, td { padding: .2rem .5rem; border-bottom: 1px solid #e3e3e3; vertical-align: top; }
th { text-align: left; border-bottom: 1px solid #888; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.note { font-size: .8rem; color: #555; max-width: 45rem; }
section { break-inside: auto; }
.table-wrap { overflow-x: auto; }
@media print {
  @page { margin: 14mm 12mm; }
  body { max-width: none; padding: 0; font-size: 10pt; }
  h1 { font-size: 18pt; }
  h2 { font-size: 12pt; margin-top: 14pt; break-after: avoid; page-break-after: avoid; }
  .headline { flex-wrap: nowrap; }
  .figure { flex: 1 1 0; }
  .figure .value { font-size: 16pt; }
  .tables { break-before: page; page-break-before: always; }
  table { font-size: 8pt; }
  th, td { padding: .1rem .3rem; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  .table-wrap { overflow: visible; }
  figure svg { max-width: 100%; }
}
";

impl Assessment {
    /// The report as one self-contained HTML page (a `String`, UTF-8): the headline (the EAL
    /// with its 95% interval, VaR 99%, the tolerance verdict), the charts
    /// ([`lec_svg`](Self::lec_svg), [`functions_svg`](Self::functions_svg),
    /// [`controls_svg`](Self::controls_svg), [`contributions_svg`](Self::contributions_svg),
    /// and [`parties_svg`](Self::parties_svg) where the
    /// report has parties or groups) inline, and the tables of the
    /// [text report](Self::text); the scenario's name, trial count, seed and the csfquant
    /// version on it. Inline CSS lays it out for the screen and for print (A4 or Letter, the
    /// charts and the tables each starting a page); there is no script and nothing is fetched.
    ///
    /// Like the text, it needs only the report's figures, so a report loaded from its JSON
    /// gives the same page. Every name is escaped.
    pub fn html(&self, options: &HtmlOptions) -> String {
        page(self, options)
    }
}

fn page(a: &Assessment, options: &HtmlOptions) -> String {
    let mut h = String::new();
    let name = escape(a.scenario());
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"csfquant {v}\">\n\
         <title>{name}: cyber risk assessment</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n\
         <header>\n<h1><bdi>{name}</bdi></h1>\n",
        v = env!("CARGO_PKG_VERSION"),
    );
    let source = options
        .source
        .as_deref()
        .map(|s| format!("<bdi>{}</bdi> · ", escape(s)))
        .unwrap_or_default();
    let finance = a.finance();
    let _ = writeln!(
        h,
        "<p class=\"meta\">{source}{} risks, {} controls · {}, seed {} · amounts \
         in {} a year · costs over {} year{}, discounted at {} · csfquant {}</p>\n</header>",
        a.risks().len(),
        a.controls().len(),
        years(a.trials()),
        a.seed(),
        escape(a.currency()),
        finance.horizon_years(),
        if finance.horizon_years() == 1 {
            ""
        } else {
            "s"
        },
        level(finance.discount_rate()),
        env!("CARGO_PKG_VERSION"),
    );
    headline(&mut h, a);
    h.push_str("<section class=\"charts\">\n<h2>Charts</h2>\n");
    for (svg, caption) in [
        (
            a.lec_svg(),
            "The chance in a year of losing more than x. Dashed: without controls; solid: with \
             them; shaded: the 95% interval of each probability. Diamonds: the largest \
             acceptable chance (the risk tolerance). Each curve ends at the largest loss some \
             simulated year exceeds: beyond it the estimate is 0, which a log scale cannot \
             show. Green lines: an insurance policy's terms at their face value; a deductible \
             and an occurrence limit apply to each event, not to the year's total.",
        ),
        (
            a.functions_svg(),
            "The loss the controls remove, split between the CSF functions by their Shapley \
             value: each function's contribution averaged over every order of adding them.",
        ),
        (
            a.controls_svg(),
            "Each control's cut in expected annual loss (if only it were removed) against its \
             annualised cost; above the dashed line it pays for itself.",
        ),
    ]
    .into_iter()
    .chain(a.contributions_svg().map(|svg| {
        (
            svg,
            "What makes up a bad year: each risk's mean loss in the worst 1% of years with the \
             controls (its share of TVaR 99%, with the 95% interval of that mean), and the \
             portfolio's 1-in-100-year loss against the sum of each risk's own: what \
             diversification saves.",
        )
    }))
    .chain(a.parties_svg().map(|svg| {
        (
            svg,
            "Who removes the loss: each party's (who runs the controls) and each group's \
             Shapley share of the loss removed, and beside each party the residual expected \
             loss if its controls lapsed for a year (the price of relying on them).",
        )
    })) {
        let _ = write!(
            h,
            "<figure>\n{svg}<figcaption>{caption}</figcaption>\n</figure>\n"
        );
    }
    h.push_str("</section>\n<section class=\"tables\">\n");
    loss_table(&mut h, a);
    lec_table(&mut h, a);
    tolerance_table(&mut h, a);
    risk_table(&mut h, a);
    bad_year_table(&mut h, a);
    function_table(&mut h, a);
    control_table(&mut h, a);
    let _ = write!(
        h,
        "</section>\n<footer>\n<p class=\"note\">Made by csfquant {} from {} \
         (seed {}). Every figure is a Monte Carlo estimate; intervals are 95%.</p>\n</footer>\n\
         </body>\n</html>\n",
        env!("CARGO_PKG_VERSION"),
        years(a.trials()),
        a.seed()
    );
    h
}

fn headline(h: &mut String, a: &Assessment) {
    let (i, r) = (a.inherent(), a.residual());
    h.push_str("<section class=\"headline\" aria-label=\"headline figures\">\n");
    let [lo, hi] = r.expected_annual_loss_ci95;
    figure(
        h,
        "Expected annual loss, with the controls",
        &short(r.expected_annual_loss),
        &format!(
            "95% interval {} to {}; without controls {}",
            short(lo),
            short(hi),
            short(i.expected_annual_loss)
        ),
        "",
    );
    if let Some(q) = r.quantile_at(0.99) {
        figure(
            h,
            "VaR 99% (the 1-in-100-year loss)",
            &short(q.loss),
            &format!(
                "95% interval {} to {}; without controls {}",
                short(q.ci95[0]),
                short(q.ci95[1]),
                i.quantile_at(0.99).map_or("n/a".into(), |q| short(q.loss))
            ),
            "",
        );
    }
    match a.tolerance() {
        None => figure(
            h,
            "Risk tolerance",
            "none stated",
            "the scenario gives no tolerance curve",
            "",
        ),
        Some(t) => {
            let (value, class) = match t.verdict {
                ToleranceVerdict::Met => ("met", ""),
                ToleranceVerdict::Exceeded => ("EXCEEDED", "exceeded"),
                ToleranceVerdict::WithinNoise => ("within noise", "exceeded"),
            };
            let failed = t
                .points
                .iter()
                .filter(|p| p.verdict != ToleranceVerdict::Met)
                .count();
            figure(
                h,
                "Risk tolerance, with the controls",
                value,
                &format!(
                    "{failed} of {} points not clearly met; without controls: {}",
                    t.points.len(),
                    if t.inherent.met { "met" } else { "not met" }
                ),
                class,
            );
        }
    }
    h.push_str("</section>\n");
}

fn figure(h: &mut String, label: &str, value: &str, detail: &str, class: &str) {
    let _ = writeln!(
        h,
        "<div class=\"figure\"><div class=\"label\">{}</div><div class=\"value {class}\">{}</div>\
         <div class=\"detail\">{}</div></div>",
        escape(label),
        escape(value),
        escape(detail)
    );
}

/// A table: `header` cells (a leading `#` marks a numeric, right-aligned column) and rows of
/// plain text, escaped here.
fn table(h: &mut String, title: &str, header: &[&str], rows: &[Vec<String>], note: &str) {
    let _ = writeln!(
        h,
        "<h2>{}</h2>\n<div class=\"table-wrap\"><table>",
        escape(title)
    );
    let numeric: Vec<bool> = header.iter().map(|c| c.starts_with('#')).collect();
    h.push_str("<thead><tr>");
    for (c, &n) in header.iter().zip(&numeric) {
        let text = c.trim_start_matches('#');
        let class = if n { " class=\"n\"" } else { "" };
        let _ = write!(h, "<th scope=\"col\"{class}>{}</th>", escape(text));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        h.push_str("<tr>");
        for (k, cell) in row.iter().enumerate() {
            let class = if numeric.get(k).copied().unwrap_or(false) {
                " class=\"n\""
            } else {
                ""
            };
            let _ = write!(h, "<td{class}><bdi>{}</bdi></td>", escape(cell));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody></table></div>\n");
    if !note.is_empty() {
        let _ = writeln!(h, "<p class=\"note\">{}</p>", escape(note));
    }
}

fn pm(value: f64, se: f64) -> String {
    format!("{} ± {}", short(value), short(1.96 * se))
}

fn loss_table(h: &mut String, a: &Assessment) {
    let (i, r) = (a.inherent(), a.residual());
    let mut rows = vec![
        vec![
            "expected (EAL) ± 1.96 SE".into(),
            pm(i.expected_annual_loss, i.standard_error),
            pm(r.expected_annual_loss, r.standard_error),
        ],
        vec![
            "P(any loss)".into(),
            pct(i.probability_of_loss),
            pct(r.probability_of_loss),
        ],
    ];
    let mut partial = false;
    let cell = |q: &Quantile| {
        let mark = if q.ci95_full_coverage { "" } else { "*" };
        format!(
            "{} [{}, {}]{mark}",
            short(q.loss),
            short(q.ci95[0]),
            short(q.ci95[1])
        )
    };
    for (qi, qr) in i.quantiles.iter().zip(&r.quantiles) {
        let label = if qi.p == 0.5 {
            "median".to_string()
        } else {
            format!(
                "VaR {} (1 in {})",
                level(qi.p),
                thousands(1.0 / (1.0 - qi.p))
            )
        };
        partial |= !qi.ci95_full_coverage || !qr.ci95_full_coverage;
        rows.push(vec![label, cell(qi), cell(qr)]);
    }
    for (ti, tr) in i.tail_mean.iter().zip(&r.tail_mean) {
        rows.push(vec![
            format!("TVaR {} (mean beyond)", level(ti.p)),
            short(ti.loss),
            short(tr.loss),
        ]);
    }
    for (ei, er) in i.exceedance.iter().zip(&r.exceedance) {
        rows.push(vec![
            format!("P(loss > {})", short(ei.loss)),
            pct(ei.probability),
            pct(er.probability),
        ]);
    }
    let note = if partial {
        "* too few years for this tail: the interval covers less than 95%; run more trials"
    } else {
        "[95% interval]"
    };
    table(
        h,
        "Annual loss, without (inherent) and with (residual) the controls",
        &["", "#inherent", "#residual"],
        &rows,
        note,
    );
}

fn one_in(p: f64) -> String {
    if p >= 2.0 / 3.0 {
        "most years".into()
    } else if p > 0.0 {
        format!("1 in {} years", thousands(1.0 / p))
    } else {
        "never simulated".into()
    }
}

fn lec_table(h: &mut String, a: &Assessment) {
    let (inherent, residual) = (&a.inherent().lec_grid, &a.residual().lec_grid);
    if inherent.is_empty() {
        let _ = writeln!(
            h,
            "<h2>Loss exceedance</h2>\n<p>No simulated year has a loss.</p>"
        );
        return;
    }
    let rows: Vec<Vec<String>> = inherent
        .iter()
        .zip(residual)
        .map(|(i, r)| {
            let about = if r.is_low_count() {
                format!(
                    "{} (from {} simulated year{})",
                    one_in(r.probability),
                    r.years,
                    if r.years == 1 { "" } else { "s" }
                )
            } else {
                one_in(r.probability)
            };
            vec![short(i.loss), pct(i.probability), pct(r.probability), about]
        })
        .collect();
    table(
        h,
        "Loss exceedance: P(annual loss > x)",
        &["#x", "#inherent", "#residual", "residual, about"],
        &rows,
        "",
    );
}

fn tolerance_table(h: &mut String, a: &Assessment) {
    let Some(t) = a.tolerance() else {
        let _ = writeln!(
            h,
            "<h2>Risk tolerance</h2>\n<p>The scenario states none.</p>"
        );
        return;
    };
    let rows: Vec<Vec<String>> = t
        .points
        .iter()
        .zip(&t.inherent.points)
        .map(|(r, i)| {
            let verdict = match (r.verdict, r.probability <= r.limit) {
                (ToleranceVerdict::Met, _) => "met",
                (ToleranceVerdict::Exceeded, _) => "EXCEEDED",
                (ToleranceVerdict::WithinNoise, true) => "met (within noise)",
                (ToleranceVerdict::WithinNoise, false) => "EXCEEDED (within noise)",
            };
            vec![
                short(r.loss),
                pct(r.limit),
                pct(i.probability),
                format!(
                    "{} [{}, {}]",
                    pct(r.probability),
                    pct(r.ci95[0]),
                    pct(r.ci95[1])
                ),
                verdict.into(),
            ]
        })
        .collect();
    let yes = |met: bool| if met { "yes" } else { "NO" };
    table(
        h,
        "Risk tolerance: P(annual loss > x) against the largest acceptable",
        &["#x", "#limit", "#inherent", "#residual [95%]", "verdict"],
        &rows,
        &format!(
            "Within tolerance: residual {}, inherent {}. Within noise: the limit lies in the 95% \
             interval; more trials would settle it.",
            yes(t.met),
            yes(t.inherent.met)
        ),
    );
}

fn risk_table(h: &mut String, a: &Assessment) {
    let rows: Vec<Vec<String>> = a
        .risks()
        .iter()
        .map(|r| {
            let change = if r.inherent_eal > 0.0 {
                format!("{:+.0}%", 100.0 * (r.residual_eal / r.inherent_eal - 1.0))
            } else {
                String::new()
            };
            let name = if r.name == r.id { "" } else { &r.name };
            vec![
                r.id.clone(),
                pm(r.inherent_eal, r.inherent_eal_se),
                short(r.residual_eal),
                change,
                name.to_string(),
            ]
        })
        .collect();
    table(
        h,
        "Expected annual loss by risk",
        &[
            "risk",
            "#inherent ± 1.96 SE",
            "#residual",
            "#change",
            "name",
        ],
        &rows,
        "",
    );
}

/// The risks' and shocks' shares of TVaR 99% and the diversification, as the text report's.
fn bad_year_table(h: &mut String, a: &Assessment) {
    let Some(bad) = BadYear::of(a) else {
        return;
    };
    let numeric = |header: &[&str]| -> Vec<String> {
        header
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if i == 0 {
                    c.to_string()
                } else {
                    format!("#{c}")
                }
            })
            .collect()
    };
    let header = numeric(&bad_year::RISK_HEADER);
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let note = if bad.shocks.is_empty() {
        bad.diversification.join("; ")
    } else {
        String::new()
    };
    let title = "What makes up a bad year: each risk's mean loss in the worst 1% of years";
    table(h, title, &header, &bad.risks, &note);
    if !bad.shocks.is_empty() {
        let header = numeric(&bad_year::SHOCK_HEADER);
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        let title =
            "Shocks: the losses of their events (counted in the risks above; before controls)";
        table(
            h,
            title,
            &header,
            &bad.shocks,
            &bad.diversification.join("; "),
        );
    }
}

fn function_table(h: &mut String, a: &Assessment) {
    if a.functions().is_empty() {
        let _ = writeln!(
            h,
            "<h2>Who removes the loss</h2>\n<p>No controls: nothing is removed.</p>"
        );
        return;
    }
    let rows: Vec<Vec<String>> = a
        .functions()
        .iter()
        .map(|s| {
            vec![
                s.function.name().to_string(),
                short(s.annual_cost),
                short(s.eal_reduction),
                s.share.map_or("n/a".into(), pct),
            ]
        })
        .collect();
    table(
        h,
        "Who removes the loss: Shapley share of each CSF function (per year)",
        &["function", "#cost", "#EAL cut", "#share"],
        &rows,
        &format!(
            "Total removed {} (inherent EAL {} − residual EAL {}).",
            short(a.total_reduction()),
            short(a.inherent().expected_annual_loss),
            short(a.residual().expected_annual_loss)
        ),
    );
}

fn control_table(h: &mut String, a: &Assessment) {
    if a.controls().is_empty() {
        return;
    }
    let mut ranked: Vec<&ControlValue> = a.controls().iter().collect();
    // As the text report: best return first, free controls (no ROSI) last by reduction.
    ranked.sort_by(|x, y| {
        let key = |c: &ControlValue| (c.rosi.is_some(), c.rosi.unwrap_or(c.eal_reduction));
        let (kx, ky) = (key(x), key(y));
        ky.0.cmp(&kx.0).then(ky.1.total_cmp(&kx.1))
    });
    let rows: Vec<Vec<String>> = ranked
        .iter()
        .map(|c| {
            let name = if c.name == c.id { "" } else { &c.name };
            vec![
                c.id.clone(),
                c.function.name().to_string(),
                short(c.annual_cost),
                pm(c.eal_reduction, c.eal_reduction_se),
                pm(c.standalone_reduction, c.standalone_reduction_se),
                c.rosi
                    .map_or("free".into(), |r| format!("{:+.0}%", 100.0 * r)),
                short(c.npv),
                short(c.var99_reduction),
                name.to_string(),
            ]
        })
        .collect();
    let years = a.finance().horizon_years();
    table(
        h,
        &format!(
            "Controls, best return first (per year; NPV over {years} year{})",
            if years == 1 { "" } else { "s" }
        ),
        &[
            "control",
            "function",
            "#cost",
            "#EAL cut ± 1.96 SE",
            "#alone ± 1.96 SE",
            "#ROSI",
            "#NPV",
            "#VaR99 cut",
            "name",
        ],
        &rows,
        "EAL cut: how much the residual EAL rises if only this control is removed; alone: what \
         the control removes by itself. Layered controls overlap, so the cuts do not add up (the \
         Shapley shares do). ROSI = (EAL cut − cost) / cost, in percent (the JSON and CSV files \
         carry it as a fraction: +150% is 1.5); cost = annual + upfront spread over the horizon.",
    );
}
