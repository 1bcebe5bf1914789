//! The budget frontier as SVG: annual cost of the candidates against the residual EAL (upper
//! panel, error bars ± 1.96 SE) and the residual VaR 99% (lower panel, its 95% interval), the
//! Pareto-optimal sets joined in cost order, each budget of `budget.annual` as a dashed line,
//! and the user's plans as labelled diamonds, so a reader sees how far a plan is from the
//! frontier at its cost. Drawn from the budget report's figures alone.
//!
//! Sets and plans are told apart by marker shape (circle, diamond) as well as colour, and the
//! budgets by a dash pattern, so the chart survives black-and-white print.

use crate::engine::stats;
use crate::report::budget::{BudgetReport, Var99};
use crate::report::charts::{Frame, heading, linear_grid, nice_axis, tick};
use crate::report::svg::{Anchor, BLUE, GREY, Svg, VERMILLION, ellipsis, short};

const WIDTH: f64 = 760.0;
const HEIGHT: f64 = 700.0;
/// The dash pattern of a budget line.
const DASH_BUDGET: &str = "6 3";
/// The longest plan name drawn beside its marker, in characters (then an ellipsis).
const PLAN_CHARS: usize = 22;

impl BudgetReport {
    /// The frontier as a self-contained SVG document: the annualised cost of the candidates
    /// against the residual EAL (with ± 1.96 SE error bars) and against the residual VaR 99%
    /// (with its 95% interval), the frontier's sets joined in cost order (the first is the
    /// baseline), each budget as a dashed vertical line and each plan as a labelled diamond.
    ///
    /// The same report gives the same bytes; the SVG needs no font file and carries a `<title>`
    /// and a `<desc>` that state every point.
    pub fn frontier_svg(&self) -> String {
        frontier(self)
    }
}

/// One point of either panel: the cost, the figure and its interval.
struct Point {
    cost: f64,
    value: f64,
    low: f64,
    high: f64,
}

fn eal_point(cost: f64, eal: f64, se: f64) -> Point {
    let half = stats::Z975 * se;
    Point {
        cost,
        value: eal,
        low: eal - half,
        high: eal + half,
    }
}

fn var_point(cost: f64, v: &Var99) -> Point {
    Point {
        cost,
        value: v.loss,
        low: v.ci95[0],
        high: v.ci95[1],
    }
}

fn frontier(r: &BudgetReport) -> String {
    let title = "Control budgets: residual loss against annual cost";
    let svg_desc = describe(r);
    let mut svg = Svg::new("frontier", WIDTH, HEIGHT, title, &svg_desc);
    heading(
        &mut svg,
        title,
        &format!(
            "{} a year · {} simulated years · circles: the best sets for their cost (frontier) · \
             diamonds: plans",
            r.currency,
            short(r.trials as f64)
        ),
    );
    let xmax = r
        .frontier
        .iter()
        .map(|p| p.annual_cost)
        .chain(r.plans.iter().map(|p| p.annual_cost))
        .chain(r.choices.iter().map(|c| c.budget))
        .fold(0.0, f64::max);
    let (x0, x1, xs) = nice_axis(0.0, xmax * 1.05);
    let panels = [
        (
            "residual EAL ± 1.96 SE",
            r.frontier
                .iter()
                .map(|p| eal_point(p.annual_cost, p.eal, p.eal_se))
                .collect::<Vec<_>>(),
            r.plans
                .iter()
                .map(|p| eal_point(p.annual_cost, p.eal, p.eal_se))
                .collect::<Vec<_>>(),
            60.0,
        ),
        (
            "residual VaR 99% [95% CI]",
            r.frontier
                .iter()
                .map(|p| var_point(p.annual_cost, &p.var99))
                .collect(),
            r.plans
                .iter()
                .map(|p| var_point(p.annual_cost, &p.var99))
                .collect(),
            370.0,
        ),
    ];
    for (label, sets, plans, top) in &panels {
        let lo = sets
            .iter()
            .chain(plans)
            .map(|p| p.low)
            .fold(f64::INFINITY, f64::min);
        let hi = sets.iter().chain(plans).map(|p| p.high).fold(0.0, f64::max);
        let lo = if lo.is_finite() { lo } else { 0.0 };
        let pad = (hi - lo).max(hi * 0.02) * 0.05;
        let (y0, y1, ys) = nice_axis((lo - pad).max(0.0), hi + pad);
        let f = Frame {
            left: 84.0,
            right: WIDTH - 30.0,
            top: *top,
            bottom: top + 250.0,
            x: (x0, x1),
            y: (y0, y1),
        };
        linear_grid(&mut svg, &f, xs, ys);
        svg.vertical_text(20.0, (f.top + f.bottom) / 2.0, 12.0, label);
        for c in &r.choices {
            let x = f.px(c.budget);
            svg.line(x, f.top, x, f.bottom, GREY, 1.2, DASH_BUDGET);
            svg.text(
                x - 4.0,
                f.top + 14.0,
                Anchor::End,
                11.0,
                GREY,
                "",
                &format!("budget {}", tick(c.budget)),
            );
        }
        let line: Vec<(f64, f64)> = sets.iter().map(|p| (f.px(p.cost), f.py(p.value))).collect();
        svg.polyline(&line, BLUE, 2.0, "");
        for p in sets.iter().chain(plans.iter()) {
            let x = f.px(p.cost);
            svg.line(x, f.py(p.low), x, f.py(p.high), "#000000", 1.0, "");
        }
        for &(x, y) in &line {
            svg.circle(x, y, 4.0, BLUE, BLUE, 1.5);
        }
        for (p, plan) in plans.iter().zip(&r.plans) {
            let (x, y) = (f.px(p.cost), f.py(p.value));
            svg.diamond(x, y, 6.0, "#ffffff", VERMILLION);
            svg.text(
                x + 9.0,
                y - 6.0,
                Anchor::Start,
                11.0,
                "#000000",
                "",
                &ellipsis(&plan.name, PLAN_CHARS),
            );
        }
    }
    svg.text(
        (84.0 + WIDTH - 30.0) / 2.0,
        HEIGHT - 28.0,
        Anchor::Middle,
        12.0,
        "#000000",
        "",
        &format!(
            "annualised cost of the candidates bought ({} a year; the in-place controls not counted)",
            r.currency
        ),
    );
    svg.text(
        84.0,
        HEIGHT - 10.0,
        Anchor::Start,
        11.0,
        GREY,
        "",
        "a plan above the line leaves more loss than the best set of its cost; dashed: the budgets",
    );
    svg.finish()
}

/// The description for screen readers: every point and plan.
fn describe(r: &BudgetReport) -> String {
    let mut d = format!(
        "Residual expected annual loss and 1-in-100-year loss against the annualised cost of \
         the candidate controls bought, in {} a year, from {} simulated years.",
        r.currency, r.trials
    );
    for p in &r.frontier {
        d.push_str(&format!(
            " Cost {}: EAL {}, VaR 99% {} ({}).",
            short(p.annual_cost),
            short(p.eal),
            short(p.var99.loss),
            if p.controls.is_empty() {
                "baseline".to_string()
            } else {
                p.controls.join(", ")
            }
        ));
    }
    for p in &r.plans {
        d.push_str(&format!(
            " Plan {}: cost {}, EAL {}, VaR 99% {}; the best set of its cost leaves EAL {}.",
            p.name,
            short(p.annual_cost),
            short(p.eal),
            short(p.var99.loss),
            short(p.best_same_cost.eal)
        ));
    }
    d
}
