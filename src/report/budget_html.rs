//! The budget report as one self-contained HTML page: the frontier chart and the text report's
//! tables, with what a printed page needs to be reproduced (scenario, years, seed, version).

use std::fmt::Write as _;

use crate::report::budget::BudgetReport;
use crate::report::html::{CSS, HtmlOptions};
use crate::report::svg::{escape, short};

impl BudgetReport {
    /// The budget report as one self-contained page (UTF-8, inline SVG and CSS, no script,
    /// nothing fetched): the baseline and the best set at the largest budget, the
    /// [frontier chart](Self::frontier_svg), and the tables of the text report (as
    /// preformatted text, aligned as in a terminal). Every name is escaped.
    pub fn html(&self, options: &HtmlOptions) -> String {
        let mut h = String::new();
        let name = escape(&self.scenario);
        let version = env!("CARGO_PKG_VERSION");
        let _ = write!(
            h,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta name=\"generator\" content=\"csfquant {version}\">\n\
             <title>{name}: control budget</title>\n<style>\n{CSS}\
             pre {{ font-size: .75rem; overflow-x: auto; }}\n\
             @media print {{ pre {{ font-size: 6.5pt; white-space: pre-wrap; }} }}\n\
             </style>\n</head>\n<body>\n<header>\n<h1><bdi>{name}</bdi>: control budget</h1>\n"
        );
        let source = options
            .source_name()
            .map(|s| format!("<bdi>{}</bdi> · ", escape(s)))
            .unwrap_or_default();
        let _ = writeln!(
            h,
            "<p class=\"meta\">{source}{} candidates · objective {} · {} simulated years, seed \
             {} · amounts in {} a year · csfquant {version}</p>\n</header>",
            self.candidates.len(),
            self.objective.name(),
            short(self.trials as f64),
            self.seed,
            escape(&self.currency),
        );
        h.push_str("<section class=\"headline\">\n");
        let b = &self.baseline;
        let _ = writeln!(
            h,
            "<div class=\"figure\"><div class=\"label\">Expected annual loss with the controls \
             in place</div><div class=\"value\">{}</div><div class=\"detail\">± {} (1.96 SE); \
             VaR 99% {}</div></div>",
            short(b.eal),
            short(1.96 * b.eal_se),
            short(b.var99.loss)
        );
        if let Some(c) = self
            .choices
            .iter()
            .max_by(|a, b| a.budget.total_cmp(&b.budget))
        {
            let _ = writeln!(
                h,
                "<div class=\"figure\"><div class=\"label\">With the best set for {} a year</div>\
                 <div class=\"value\">{}</div><div class=\"detail\">cost {}; VaR 99% {}; buys \
                 {}</div></div>",
                short(c.budget),
                short(c.eal),
                short(c.annual_cost),
                short(c.var99.loss),
                escape(&c.controls.join(", "))
            );
        }
        h.push_str("</section>\n");
        let _ = write!(
            h,
            "<section>\n<h2>The frontier</h2>\n<figure>\n{}<figcaption>Each circle is the best \
             set of candidates for its cost (none other costs no more and leaves less expected \
             loss), joined in cost order; bars: ± 1.96 SE of the EAL and the 95% interval of \
             VaR 99%. Diamonds: the plans, on the same simulated years; a plan above the line \
             leaves more loss than the best set of its cost. Dashed: the budgets.</figcaption>\n\
             </figure>\n</section>\n",
            self.frontier_svg()
        );
        let _ = write!(
            h,
            "<section class=\"tables\">\n<h2>The tables</h2>\n<pre>{}</pre>\n</section>\n\
             <footer>\n<p class=\"note\">Made by csfquant {version} (seed {}). Figures marked \
             exact come from the closed form; the others are Monte Carlo estimates with 95% \
             intervals.</p>\n</footer>\n</body>\n</html>\n",
            self.to_string()
                .lines()
                .map(escape)
                .collect::<Vec<_>>()
                .join("\n"),
            self.seed
        );
        h
    }
}
