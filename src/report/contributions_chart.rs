//! What makes up a bad year, as SVG: each risk's contribution to the residual TVaR 99% (its
//! mean loss in the years at or above the portfolio's VaR 99%), as horizontal bars with a 95%
//! interval, largest first, and below them the diversification a board is shown: the
//! portfolio's VaR 99% against the sum of the risks' stand-alone VaR 99%.
//!
//! Drawn from figures alone ([`TailChart`]), so a report loaded from its JSON draws the same
//! bytes. The bars add up to the TVaR 99% (the last row gathers the smaller risks), which the
//! subtitle states; each bar's amount and share are written beside it, so the chart survives
//! black-and-white print.

use crate::report::assessment::Assessment;
use crate::report::svg::{Anchor, BLUE, GREY, LIGHT, PURPLE, Svg, ellipsis, pct, short};

/// The width of the chart (SVG user units), as the other charts.
const WIDTH: f64 = 760.0;
/// The height of one bar's row.
const ROW: f64 = 30.0;
/// The most rows drawn; the rest are gathered into one.
const MAX_ROWS: usize = 10;
/// The longest name a row carries, in characters (then an ellipsis).
const LABEL_CHARS: usize = 24;
/// z for a two-sided 95% interval.
const Z95: f64 = 1.959_963_984_540_054;

impl Assessment {
    /// What makes up a bad year, as a self-contained SVG document: each risk's contribution
    /// to the residual TVaR 99% (its mean loss in the worst 1% of years, with a 95% interval),
    /// largest first, the smaller risks gathered into one bar, so the bars add up to TVaR 99%;
    /// below them the portfolio's VaR 99% against the sum of the risks' stand-alone VaR 99%
    /// (the diversification).
    ///
    /// `None` for a report stored before tail contributions existed. The same report gives the
    /// same bytes; the SVG needs no font file and carries a `<title>` and `<desc>` that state
    /// every figure.
    pub fn contributions_svg(&self) -> Option<String> {
        let residual = self.residual();
        // Ids, as the text report's table: the names are sentences a bar cannot carry.
        let rows = residual
            .contributions
            .iter()
            .map(|c| TailRow {
                name: &c.risk,
                tvar99: c.tvar99,
                se: c.tvar99_se,
            })
            .collect();
        tail_svg(&TailChart {
            currency: self.currency(),
            which: "residual",
            rows,
            tvar99: residual.tail_mean_at(0.99).map_or(0.0, |t| t.loss),
            var99: residual.quantile_at(0.99).map_or(0.0, |q| q.loss),
            standalone_var99_sum: residual.standalone_var99_sum,
        })
    }
}

/// One risk's (or shock's) contribution to the tail.
pub(crate) struct TailRow<'a> {
    pub(crate) name: &'a str,
    /// Its mean loss in the years at or above the portfolio's VaR 99%.
    pub(crate) tvar99: f64,
    /// The standard error of that mean.
    pub(crate) se: f64,
}

/// The figures the chart draws.
pub(crate) struct TailChart<'a> {
    pub(crate) currency: &'a str,
    /// Which loss: "residual" or "inherent".
    pub(crate) which: &'a str,
    pub(crate) rows: Vec<TailRow<'a>>,
    /// The portfolio's TVaR 99% (what the rows add up to) and VaR 99%.
    pub(crate) tvar99: f64,
    pub(crate) var99: f64,
    /// The sum of the risks' stand-alone VaR 99%.
    pub(crate) standalone_var99_sum: f64,
}

/// The chart as a self-contained SVG document; `None` without risks.
pub(crate) fn tail_svg(chart: &TailChart) -> Option<String> {
    if chart.rows.is_empty() {
        return None;
    }
    let mut rows: Vec<&TailRow> = chart.rows.iter().collect();
    rows.sort_by(|a, b| b.tvar99.total_cmp(&a.tvar99).then(a.name.cmp(b.name)));
    let rest = if rows.len() > MAX_ROWS {
        rows.split_off(MAX_ROWS - 1)
    } else {
        Vec::new()
    };
    let rest_label = format!("{} other risks", rest.len());
    let gathered = (!rest.is_empty()).then(|| TailRow {
        name: &rest_label,
        tvar99: rest.iter().map(|r| r.tvar99).sum(),
        // The rows' means come from the same years, so their errors are not independent: the
        // sum of the standard errors bounds the gathered row's.
        se: rest.iter().map(|r| r.se).sum(),
    });
    let drawn: Vec<&TailRow> = rows.into_iter().chain(gathered.as_ref()).collect();

    let title = format!(
        "What makes up a bad year: each risk's share of the {} TVaR 99%",
        chart.which
    );
    let desc = describe(chart, &drawn);
    let top = 64.0;
    let bottom_of_bars = top + ROW * drawn.len() as f64;
    let height = bottom_of_bars + 112.0;
    let mut svg = Svg::new("tail", WIDTH, height, &title, &desc);
    svg.text(16.0, 24.0, Anchor::Start, 15.0, "#000000", "bold", &title);
    svg.text(
        16.0,
        42.0,
        Anchor::Start,
        11.0,
        GREY,
        "",
        &format!(
            "{} · the mean loss of each risk in the years at or above VaR 99% ({}); the bars add up \
             to TVaR 99% ({})",
            chart.currency,
            short(chart.var99),
            short(chart.tvar99)
        ),
    );

    let lo = drawn
        .iter()
        .map(|r| r.tvar99 - Z95 * r.se)
        .fold(0.0, f64::min);
    let mut hi = drawn
        .iter()
        .map(|r| r.tvar99 + Z95 * r.se)
        .fold(0.0, f64::max);
    if hi <= lo {
        hi = lo + 1.0;
    }
    let (left, right) = (200.0, WIDTH - 130.0);
    let px = |x: f64| left + (x - lo) / (hi - lo) * (right - left);
    let zero = px(0.0);
    let mut y = top;
    for r in &drawn {
        let x = px(r.tvar99);
        let negative = r.tvar99 < 0.0;
        svg.rect(
            zero.min(x),
            y + 7.0,
            (x - zero).abs(),
            ROW - 14.0,
            if negative { PURPLE } else { BLUE },
            "",
        );
        // The 95% interval of the mean.
        let (a, b) = (px(r.tvar99 - Z95 * r.se), px(r.tvar99 + Z95 * r.se));
        let mid = y + ROW / 2.0;
        svg.line(a, mid, b, mid, "#000000", 1.0, "");
        svg.line(a, mid - 4.0, a, mid + 4.0, "#000000", 1.0, "");
        svg.line(b, mid - 4.0, b, mid + 4.0, "#000000", 1.0, "");
        svg.text(
            190.0,
            mid + 4.0,
            Anchor::End,
            12.0,
            "#000000",
            "",
            &ellipsis(r.name, LABEL_CHARS),
        );
        let share = if chart.tvar99 > 0.0 {
            pct(r.tvar99 / chart.tvar99)
        } else {
            "n/a".into()
        };
        svg.text(
            zero.max(x).max(b) + 6.0,
            mid + 4.0,
            Anchor::Start,
            12.0,
            "#000000",
            "",
            &format!("{} · {share}", short(r.tvar99)),
        );
        y += ROW;
    }
    svg.line(zero, top, zero, bottom_of_bars, "#000000", 1.0, "");
    svg.line(
        16.0,
        bottom_of_bars + 6.0,
        WIDTH - 16.0,
        bottom_of_bars + 6.0,
        LIGHT,
        1.0,
        "",
    );

    // The diversification: two bars on one axis of their own.
    let d_top = bottom_of_bars + 20.0;
    let d_hi = chart.standalone_var99_sum.max(chart.var99).max(1.0);
    let dx = |x: f64| left + x / d_hi * (right - left);
    for (k, (label, value, fill)) in [
        ("portfolio VaR 99%", chart.var99, BLUE),
        (
            "sum of stand-alone VaR 99%",
            chart.standalone_var99_sum,
            LIGHT,
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let yy = d_top + k as f64 * 24.0;
        svg.rect(left, yy + 4.0, dx(value.max(0.0)) - left, 14.0, fill, GREY);
        svg.text(190.0, yy + 15.0, Anchor::End, 12.0, "#000000", "", label);
        svg.text(
            dx(value.max(0.0)) + 6.0,
            yy + 15.0,
            Anchor::Start,
            12.0,
            "#000000",
            "",
            &short(value),
        );
    }
    let benefit = chart.standalone_var99_sum - chart.var99;
    let note = if chart.standalone_var99_sum > 0.0 {
        format!(
            "diversification: the portfolio's 1-in-100 loss is {} ({}) below the sum of each \
             risk's own",
            short(benefit),
            pct(benefit / chart.standalone_var99_sum)
        )
    } else {
        "no stand-alone VaR 99% to compare".into()
    };
    svg.text(16.0, d_top + 68.0, Anchor::Start, 11.0, GREY, "", &note);
    svg.text(
        16.0,
        d_top + 84.0,
        Anchor::Start,
        11.0,
        GREY,
        "",
        "whisker: 95% interval of each mean (Monte Carlo error)",
    );
    Some(svg.finish())
}

/// The description for screen readers: every figure the chart shows, names in full.
fn describe(chart: &TailChart, rows: &[&TailRow]) -> String {
    let mut desc = format!(
        "Each risk's contribution to the {} TVaR 99% ({}, in {}): its mean loss in the years at \
         or above the portfolio's VaR 99% ({}).",
        chart.which,
        short(chart.tvar99),
        chart.currency,
        short(chart.var99)
    );
    for r in rows {
        desc.push_str(&format!(
            " {}: {} (standard error {}).",
            r.name,
            short(r.tvar99),
            short(r.se)
        ));
    }
    desc.push_str(&format!(
        " Portfolio VaR 99% {} against a sum of stand-alone VaR 99% of {}.",
        short(chart.var99),
        short(chart.standalone_var99_sum)
    ));
    desc
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn chart(n: usize) -> (Vec<String>, Vec<f64>) {
        let names = (0..n).map(|i| format!("risk number {i}")).collect();
        let values = (0..n).map(|i| 1e6 / (i + 1) as f64).collect();
        (names, values)
    }

    fn svg(n: usize) -> String {
        let (names, values) = chart(n);
        let rows = names
            .iter()
            .zip(&values)
            .map(|(name, &v)| TailRow {
                name,
                tvar99: v,
                se: v / 20.0,
            })
            .collect();
        tail_svg(&TailChart {
            currency: "USD",
            which: "residual",
            rows,
            tvar99: values.iter().sum(),
            var99: 0.8 * values.iter().sum::<f64>(),
            standalone_var99_sum: 2.0 * values.iter().sum::<f64>(),
        })
        .unwrap()
    }

    #[test]
    fn the_largest_risks_are_drawn_and_the_rest_gathered() {
        let few = svg(3);
        assert!(
            few.contains("risk number 2") && !few.contains("other risks"),
            "{few}"
        );
        let many = svg(25);
        assert!(many.contains("risk number 8"), "{many}");
        assert!(!many.contains(">risk number 9<"), "{many}");
        assert!(many.contains("16 other risks"), "{many}");
        // Deterministic: the same figures give the same bytes.
        assert_eq!(many, svg(25));
    }

    #[test]
    #[ignore = "writes /tmp/tail.svg to look at"]
    fn write_one() {
        std::fs::write("/tmp/tail.svg", svg(14)).unwrap();
    }

    #[test]
    fn no_risks_no_chart() {
        let chart = TailChart {
            currency: "USD",
            which: "residual",
            rows: Vec::new(),
            tvar99: 0.0,
            var99: 0.0,
            standalone_var99_sum: 0.0,
        };
        assert!(tail_svg(&chart).is_none());
    }
}
