//! The report's charts as SVG: the loss exceedance curve, what each CSF function removes, and
//! the controls' cut against their cost. Drawn from the report's figures alone, so a report
//! loaded from its JSON draws the same bytes. See [`svg`](super::svg) for why the SVG is written
//! by hand.
//!
//! The loss exceedance curve marks each insurance policy's terms as the report carries them
//! (`controls[].transfer`): its deductible and occurrence limit, which apply to each event, and
//! its aggregate limit, which applies to the year. They are drawn at their face value on the
//! annual-loss axis and labelled with what they apply to, since a per-event amount is not an
//! annual loss: a year of several events below the deductible can still lose more than it.

use crate::engine::stats;
use crate::report::analysis::ControlValue;
use crate::report::assessment::{Assessment, LossSummary};
use crate::report::loss::ExceedancePoint;
use crate::report::policy::PolicyTerms;
use crate::report::svg::{
    Anchor, BLUE, GREEN, GREY, LIGHT, PURPLE, Svg, VERMILLION, ellipsis, pct, pct_tick, short,
    text_width, years,
};
use crate::report::tolerance::ToleranceVerdict;

/// The width of every chart (SVG user units; each chart scales to its container).
const WIDTH: f64 = 760.0;
/// Dash patterns: the inherent curve, the tolerance curve, the VaR marks, the ROSI = 0 line,
/// the insurance terms.
const DASH_INHERENT: &str = "9 5";
const DASH_TOLERANCE: &str = "2 3";
const DASH_VAR: &str = "6 3 2 3";
const DASH_ROSI: &str = "7 4";
const DASH_POLICY: &str = "4 2 1 2";
/// The longest label a point or bar carries, in characters (then an ellipsis).
const LABEL_CHARS: usize = 18;

impl Assessment {
    /// The loss exceedance curve as a self-contained SVG document: P(annual loss > x) of the
    /// inherent and residual losses (the residual only when there are controls) on a log
    /// probability axis against a log loss axis, each with its 95% band (the Wilson interval of
    /// each exceedance probability over the trials), VaR 99% marked on each, the tolerance
    /// points with where the residual fails them (exceeded, or within Monte Carlo noise above
    /// the limit), and each insurance policy's deductible, occurrence limit and aggregate limit
    /// as labelled vertical lines. The curves are
    /// [`LossSummary::shared_curve`](crate::LossSummary::shared_curve): each ends at its last
    /// simulated exceedance, as `lec.csv` does. A report without a simulated loss draws the
    /// axes' frame and says so.
    ///
    /// The same report gives the same bytes; the SVG needs no font file (its text is `<text>`
    /// in a generic font family) and carries a `<title>` and `<desc>`.
    pub fn lec_svg(&self) -> String {
        lec(self)
    }

    /// What each CSF function removes, its Shapley share of the EAL cut, as horizontal bars
    /// (SVG). Without controls it says that nothing is removed.
    pub fn functions_svg(&self) -> String {
        functions(self)
    }

    /// The controls as SVG: each control's EAL cut (with its error bar, ± 1.96 SE) against its
    /// annualised cost, labelled by id, with the line ROSI = 0 (cut = cost): a control above the
    /// line removes more than it costs. Without controls it says so.
    pub fn controls_svg(&self) -> String {
        controls(self)
    }
}

/// A plot area and its axes' ranges, mapping values to SVG coordinates.
pub(crate) struct Frame {
    pub(crate) left: f64,
    pub(crate) right: f64,
    pub(crate) top: f64,
    pub(crate) bottom: f64,
    pub(crate) x: (f64, f64),
    pub(crate) y: (f64, f64),
}

impl Frame {
    pub(crate) fn px(&self, x: f64) -> f64 {
        self.left + (x - self.x.0) / (self.x.1 - self.x.0) * (self.right - self.left)
    }

    pub(crate) fn py(&self, y: f64) -> f64 {
        self.bottom - (y - self.y.0) / (self.y.1 - self.y.0) * (self.bottom - self.top)
    }

    fn clamp_y(&self, y: f64) -> f64 {
        y.clamp(self.top, self.bottom)
    }
}

pub(crate) fn heading(svg: &mut Svg, title: &str, subtitle: &str) {
    svg.text(16.0, 24.0, Anchor::Start, 15.0, "#000000", "bold", title);
    svg.text(16.0, 42.0, Anchor::Start, 11.0, GREY, "", subtitle);
}

// ---------------------------------------------------------------------------------------------
// The loss exceedance curve

fn lec(a: &Assessment) -> String {
    // The plot ends at PLOT_BOTTOM; the legend's rows start at LEGEND_TOP, as many as it needs.
    const PLOT_BOTTOM: f64 = 388.0;
    const LEGEND_TOP: f64 = 452.0;
    let controls = !a.controls().is_empty();
    let (inherent, residual) = (a.inherent(), a.residual());
    let title = "Loss exceedance curve: P(annual loss > x)";
    let desc = lec_desc(a);
    let var99 = |s: &LossSummary| s.quantile_at(0.99).map(|q| q.loss).filter(|&x| x > 0.0);
    let policies = policy_marks(a);
    let has_loss = inherent.probability_of_loss > 0.0 || residual.probability_of_loss > 0.0;
    let mut arms = vec![(inherent, VERMILLION, DASH_INHERENT, "inherent")];
    if controls {
        arms.push((residual, BLUE, "", "residual"));
    }
    let legend = if has_loss {
        lec_legend(a, &arms, !policies.is_empty())
    } else {
        Vec::new()
    };
    let rows = legend_places(&legend, 84.0, WIDTH - 16.0)
        .last()
        .map_or(0.0, |&(_, y)| y / LEGEND_ROW + 1.0);
    let height = LEGEND_TOP + LEGEND_ROW * (rows - 1.0).max(0.0) + 16.0;
    let mut svg = Svg::new("lec", WIDTH, height, title, &desc);
    let subtitle = format!(
        "{} · {} · log scales · shaded: 95% interval of each probability",
        ellipsis(a.scenario(), 40),
        years(a.trials())
    );
    heading(&mut svg, title, &subtitle);

    let mut losses: Vec<f64> = inherent
        .drawn_curve()
        .chain(residual.drawn_curve())
        .map(|p| p.loss)
        .filter(|&x| x > 0.0)
        .collect();
    losses.extend(policies.iter().map(|m| m.loss));
    if let Some(t) = a.tolerance() {
        losses.extend(t.points.iter().map(|p| p.loss).filter(|&x| x > 0.0));
    }
    losses.extend(var99(inherent));

    let (lo, hi) = losses
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
            (lo.min(x), hi.max(x))
        });
    let (mut x0, mut x1) = if lo.is_finite() {
        (lo.log10().floor(), hi.log10().ceil())
    } else {
        (3.0, 7.0) // 1k to 10M: a frame for a report without losses
    };
    if x1 <= x0 {
        x1 = x0 + 1.0;
    }
    x0 = x0.max(-3.0);
    let trials = a.trials().max(1) as f64;
    let mut pmin = 1.0 / trials;
    for p in inherent.drawn_curve().chain(residual.drawn_curve()) {
        pmin = pmin.min(p.probability);
    }
    if let Some(t) = a.tolerance() {
        for p in &t.points {
            if p.limit > 0.0 {
                pmin = pmin.min(p.limit);
            }
        }
    }
    let y0 = pmin.log10().floor().clamp(-9.0, -1.0);
    let f = Frame {
        left: 84.0,
        right: WIDTH - 28.0,
        top: 60.0,
        bottom: PLOT_BOTTOM,
        x: (x0, x1),
        y: (y0, 0.0),
    };

    // Grid and ticks: every decade, or every n-th when there are many.
    let decades = (x1 - x0).round() as i32;
    let step = (decades + 7) / 8;
    for k in (x0 as i32)..=(x1 as i32) {
        let x = f.px(f64::from(k));
        svg.line(x, f.top, x, f.bottom, LIGHT, 1.0, "");
        if (k - x0 as i32) % step == 0 {
            svg.text(
                x,
                f.bottom + 18.0,
                Anchor::Middle,
                12.0,
                "#000000",
                "",
                &decade(k),
            );
        }
    }
    for k in (y0 as i32)..=0 {
        let y = f.py(f64::from(k));
        svg.line(f.left, y, f.right, y, LIGHT, 1.0, "");
        svg.text(
            f.left - 6.0,
            y + 4.0,
            Anchor::End,
            12.0,
            "#000000",
            "",
            &pct_tick(10f64.powi(k)),
        );
    }
    svg.rect(
        f.left,
        f.top,
        f.right - f.left,
        f.bottom - f.top,
        "none",
        GREY,
    );
    svg.text(
        (f.left + f.right) / 2.0,
        f.bottom + 40.0,
        Anchor::Middle,
        12.0,
        "#000000",
        "",
        &format!("annual loss x ({})", a.currency()),
    );
    svg.vertical_text(20.0, (f.top + f.bottom) / 2.0, 12.0, "P(annual loss > x)");

    if !has_loss {
        svg.text(
            (f.left + f.right) / 2.0,
            (f.top + f.bottom) / 2.0,
            Anchor::Middle,
            14.0,
            GREY,
            "",
            "No simulated year has a loss: there is no curve to draw",
        );
        return svg.finish();
    }

    for &(s, colour, _, _) in &arms {
        band(&mut svg, &f, s, a.trials(), colour);
    }
    let mut placer = Placer::new(&f);
    // The policies' terms: vertical lines under the curves, labels along them at the top.
    for m in &policies {
        let x = f.px(m.loss.log10());
        svg.line(x, f.top, x, f.bottom, GREEN, 1.5, DASH_POLICY);
        placer.block_line(&[(x, f.top), (x, f.bottom)], 2.0);
    }
    for &(s, colour, dash, _) in &arms {
        let pts = curve_points(&f, s);
        svg.polyline(&pts, colour, 2.5, dash);
        placer.block_line(&pts, 3.0);
    }

    // The tolerance: its points (diamonds on a dotted line), and where the residual fails them.
    let mut failures = Vec::new();
    if let Some(t) = a.tolerance() {
        let shown: Vec<_> = t
            .points
            .iter()
            .filter(|p| p.loss > 0.0 && p.limit > 0.0)
            .collect();
        let pts: Vec<(f64, f64)> = shown
            .iter()
            .map(|p| (f.px(p.loss.log10()), f.clamp_y(f.py(p.limit.log10()))))
            .collect();
        svg.polyline(&pts, "#000000", 1.5, DASH_TOLERANCE);
        placer.block_line(&pts, 2.0);
        for (p, &(x, y)) in shown.iter().zip(&pts) {
            svg.diamond(x, y, 6.0, "#ffffff", "#000000");
            placer.block(x, y, 7.0);
            let fails = match p.verdict {
                ToleranceVerdict::Exceeded => Some("exceeded"),
                ToleranceVerdict::WithinNoise if p.probability > p.limit => {
                    Some("exceeded (within noise)")
                }
                _ => None,
            };
            if let Some(what) = fails {
                let ry = if p.probability > 0.0 {
                    f.clamp_y(f.py(p.probability.log10()))
                } else {
                    f.bottom
                };
                svg.line(x, y, x, ry, PURPLE, 2.0, "");
                svg.circle(x, ry, 7.0, "none", PURPLE, 2.5);
                placer.block(x, ry, 8.0);
                let label = format!(
                    "tolerance {what}: {} > {} at {}",
                    pct(p.probability),
                    pct(p.limit),
                    short(p.loss)
                );
                failures.push((x, ry, label));
            }
        }
    }

    // VaR 99%: a mark on each curve at P = 1% and a line down to the loss axis (the values are
    // in the legend: two labels beside the curves' tails would crowd the tolerance marks).
    let p99 = f.py(-2.0);
    for &(s, colour, _, _) in &arms {
        if let Some(v) = var99(s) {
            let x = f.px(v.log10());
            svg.line(x, p99, x, f.bottom, GREY, 1.2, DASH_VAR);
            svg.circle(x, p99, 4.5, "#ffffff", colour, 2.0);
            placer.block(x, p99, 6.0);
        }
    }
    // The labels last, clear of every mark and line.
    for m in &policies {
        let x = f.px(m.loss.log10()) - 4.0;
        svg.rotated_label(x, f.top + 6.0, Anchor::End, 11.0, GREEN, &m.label);
        let length = text_width(m.label.chars().count(), 11.0);
        placer
            .blocked
            .push((x - 11.0, f.top + 6.0, x + 2.0, f.top + 6.0 + length));
    }
    for (x, y, label) in failures {
        let at = placer.place(&around(x, y, 12.0), label.chars().count(), 11.0);
        svg.text(at.0, at.1, at.2, 11.0, PURPLE, "bold", &label);
    }

    // The legend, below the axis title, in rows: each entry as wide as its text.
    for (entry, (x, y)) in legend
        .iter()
        .zip(legend_places(&legend, f.left, WIDTH - 16.0))
    {
        entry.draw(&mut svg, x, LEGEND_TOP + y);
    }
    svg.finish()
}

/// The height of a legend row.
const LEGEND_ROW: f64 = 20.0;

/// A legend entry's key.
enum Key {
    /// A curve: its colour and dash pattern.
    Line(&'static str, &'static str),
    Var,
    Policy,
    Tolerance,
    Fails,
    /// No key: a note in grey.
    Note,
}

struct Entry {
    key: Key,
    text: String,
}

impl Entry {
    fn new(key: Key, text: &str) -> Entry {
        Entry {
            key,
            text: text.to_string(),
        }
    }

    fn key_width(&self) -> f64 {
        match self.key {
            Key::Line(..) | Key::Policy | Key::Tolerance => 36.0,
            Key::Var => 16.0,
            Key::Fails => 18.0,
            Key::Note => 0.0,
        }
    }

    fn width(&self) -> f64 {
        self.key_width() + text_width(self.text.chars().count(), 12.0)
    }

    /// The entry with its key at (`x`, `y`), `y` the middle of the key.
    fn draw(&self, svg: &mut Svg, x: f64, y: f64) {
        let colour = match self.key {
            Key::Line(colour, dash) => {
                svg.line(x, y, x + 30.0, y, colour, 2.5, dash);
                "#000000"
            }
            Key::Var => {
                svg.circle(x + 6.0, y, 4.5, "#ffffff", GREY, 2.0);
                "#000000"
            }
            Key::Policy => {
                svg.line(
                    x + 15.0,
                    y - 7.0,
                    x + 15.0,
                    y + 7.0,
                    GREEN,
                    1.5,
                    DASH_POLICY,
                );
                "#000000"
            }
            Key::Tolerance => {
                svg.line(x, y, x + 30.0, y, "#000000", 1.5, DASH_TOLERANCE);
                svg.diamond(x + 15.0, y, 5.0, "#ffffff", "#000000");
                "#000000"
            }
            Key::Fails => {
                svg.circle(x + 7.0, y, 6.0, "none", PURPLE, 2.5);
                "#000000"
            }
            Key::Note => GREY,
        };
        let tx = x + self.key_width();
        svg.text(tx, y + 4.0, Anchor::Start, 12.0, colour, "", &self.text);
    }
}

/// Where each entry goes, (x, row offset): in rows from `left`, an entry that would pass
/// `right` starting a new row.
fn legend_places(entries: &[Entry], left: f64, right: f64) -> Vec<(f64, f64)> {
    let (mut x, mut y) = (left, 0.0);
    let mut places = Vec::new();
    for e in entries {
        if x > left && x + e.width() > right {
            x = left;
            y += LEGEND_ROW;
        }
        places.push((x, y));
        x += e.width() + 22.0;
    }
    places
}

/// The loss exceedance chart's legend.
fn lec_legend(
    a: &Assessment,
    arms: &[(&LossSummary, &'static str, &'static str, &str)],
    policies: bool,
) -> Vec<Entry> {
    let mut legend: Vec<Entry> = arms
        .iter()
        .map(|&(_, colour, dash, name)| Entry::new(Key::Line(colour, dash), name))
        .collect();
    if arms.len() < 2 {
        legend.push(Entry::new(Key::Note, "no controls: no residual curve"));
    }
    let mut vars: Vec<String> = arms
        .iter()
        .filter_map(|&(s, _, _, name)| {
            s.quantile_at(0.99)
                .filter(|q| q.loss > 0.0)
                .map(|q| format!("{} {name}", short(q.loss)))
        })
        .collect();
    if !vars.is_empty() {
        vars[0] = format!("VaR 99%: {}", vars[0]);
        legend.push(Entry::new(Key::Var, &vars.join(", ")));
    }
    if policies {
        legend.push(Entry::new(
            Key::Policy,
            "insurance terms (per event or a year, as labelled)",
        ));
    }
    match a.tolerance() {
        Some(t) => {
            legend.push(Entry::new(
                Key::Tolerance,
                "tolerance: the largest acceptable P",
            ));
            if t.points.iter().any(|p| p.verdict != ToleranceVerdict::Met) {
                legend.push(Entry::new(Key::Fails, "the residual fails it"));
            }
        }
        None => legend.push(Entry::new(Key::Note, "no tolerance stated")),
    }
    legend.push(Entry::new(
        Key::Note,
        "each curve ends at its last simulated exceedance",
    ));
    legend
}

/// The curve of `s` in SVG coordinates: flat at P(L > 0) from the left edge to the first
/// point, then through the points of [`LossSummary::drawn_curve`], ending at the last simulated
/// exceedance (beyond it no simulated year lies above the loss, P̂ = 0, which a log axis cannot
/// show: the curve stops there, as `lec.csv` does).
fn curve_points(f: &Frame, s: &LossSummary) -> Vec<(f64, f64)> {
    let mut pts = Vec::new();
    let positive: Vec<&ExceedancePoint> = s.drawn_curve().filter(|p| p.loss > 0.0).collect();
    let Some(first) = positive.first() else {
        return pts;
    };
    if s.probability_of_loss <= 0.0 {
        return pts;
    }
    let y = |p: f64| f.clamp_y(f.py(p.log10()));
    pts.push((f.left, y(s.probability_of_loss)));
    pts.push((f.px(first.loss.log10()), y(s.probability_of_loss)));
    for p in positive {
        pts.push((f.px(p.loss.log10()), y(p.probability)));
    }
    pts
}

/// A policy term drawn on the loss exceedance curve: where, and its label.
struct PolicyMark {
    loss: f64,
    label: String,
}

/// The terms of every insurance policy in the report as vertical marks: the deductible (when
/// above 0) and the occurrence limit, per event, and the aggregate limit, per year; terms at the
/// same amount share one mark and one label. With more than one policy, each label starts with
/// the control's id.
fn policy_marks(a: &Assessment) -> Vec<PolicyMark> {
    let policies: Vec<(&str, &PolicyTerms)> = a
        .controls()
        .iter()
        .filter_map(|c| c.transfer.as_ref().map(|t| (c.id.as_str(), t)))
        .collect();
    let mut marks: Vec<PolicyMark> = Vec::new();
    for &(id, t) in &policies {
        let mut terms = vec![
            (t.deductible, "deductible", "per event"),
            (t.occurrence_limit, "occurrence limit", "per event"),
        ];
        if let Some(limit) = t.aggregate_limit {
            terms.push((limit, "aggregate limit", "a year"));
        }
        let mut own: Vec<(f64, Vec<(&str, &str)>)> = Vec::new();
        for (amount, what, per) in terms {
            if !(amount > 0.0 && amount.is_finite()) {
                continue;
            }
            match own.iter_mut().find(|(x, _)| *x == amount) {
                Some((_, texts)) => texts.push((what, per)),
                None => own.push((amount, vec![(what, per)])),
            }
        }
        for (loss, terms) in own {
            let amount = short(loss);
            let mut label = match terms[..] {
                // The usual tower: the same limit for one event and for the year.
                [("occurrence limit", _), ("aggregate limit", _)] => {
                    format!("limit {amount} per event and a year")
                }
                _ => terms
                    .iter()
                    .map(|(what, per)| format!("{what} {amount} {per}"))
                    .collect::<Vec<_>>()
                    .join(", "),
            };
            if policies.len() > 1 {
                label = format!("{}: {label}", ellipsis(id, LABEL_CHARS));
            }
            marks.push(PolicyMark { loss, label });
        }
    }
    marks
}

/// The 95% Wilson band of a curve, as one polygon: the upper ends forward, the lower back.
fn band(svg: &mut Svg, f: &Frame, s: &LossSummary, trials: usize, colour: &str) {
    let bounds: Vec<(f64, [f64; 2])> = s
        .drawn_curve()
        .filter(|p| p.loss > 0.0)
        .map(|p| {
            (
                f.px(p.loss.log10()),
                stats::wilson_interval(p.years, trials.max(1), stats::Z975),
            )
        })
        .collect();
    let y = |p: f64| {
        if p > 0.0 {
            f.clamp_y(f.py(p.log10()))
        } else {
            f.bottom
        }
    };
    let mut pts: Vec<(f64, f64)> = bounds.iter().map(|&(x, ci)| (x, y(ci[1]))).collect();
    pts.extend(bounds.iter().rev().map(|&(x, ci)| (x, y(ci[0]))));
    svg.polygon(&pts, colour, 0.18);
}

fn lec_desc(a: &Assessment) -> String {
    let (i, r) = (a.inherent(), a.residual());
    let var = |s: &LossSummary| s.quantile_at(0.99).map_or("n/a".into(), |q| short(q.loss));
    let mut d = format!(
        "Probability that the annual loss exceeds x, in {}, from {}. Inherent (no controls): \
         EAL {}, VaR 99% {}.",
        a.currency(),
        years(a.trials()),
        short(i.expected_annual_loss),
        var(i)
    );
    if a.controls().is_empty() {
        d.push_str(" No controls: the residual loss is the inherent loss.");
    } else {
        d.push_str(&format!(
            " Residual (with the controls): EAL {}, VaR 99% {}.",
            short(r.expected_annual_loss),
            var(r)
        ));
    }
    match a.tolerance() {
        None => d.push_str(" The scenario states no risk tolerance."),
        Some(t) => {
            for p in &t.points {
                d.push_str(&format!(
                    " Tolerance at {}: at most {}; residual {} ({}).",
                    short(p.loss),
                    pct(p.limit),
                    pct(p.probability),
                    p.verdict.as_str().replace('_', " ")
                ));
            }
        }
    }
    for m in policy_marks(a) {
        d.push_str(&format!(" Insurance: {}.", m.label));
    }
    if i.curve.iter().all(|p| p.years == 0) {
        d.push_str(" No simulated year has a loss.");
    }
    d
}

/// A label's box: left, top, right, bottom.
type Box4 = (f64, f64, f64, f64);

fn overlaps(a: Box4, b: Box4) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

/// Places labels where they overlap nothing drawn so far: each label takes the first of its
/// candidate positions that lies inside the plot and clear of every blocked box (the points,
/// the lines sampled every few pixels, the labels already placed).
struct Placer {
    blocked: Vec<Box4>,
    bounds: Box4,
}

impl Placer {
    fn new(f: &Frame) -> Placer {
        Placer {
            blocked: Vec::new(),
            bounds: (f.left, f.top, f.right, f.bottom),
        }
    }

    fn block(&mut self, x: f64, y: f64, r: f64) {
        self.blocked.push((x - r, y - r, x + r, y + r));
    }

    /// Blocks a polyline, sampled every 3 px.
    fn block_line(&mut self, points: &[(f64, f64)], r: f64) {
        for w in points.windows(2) {
            let ((x1, y1), (x2, y2)) = (w[0], w[1]);
            let steps = ((x2 - x1).hypot(y2 - y1) / 3.0).ceil().max(1.0);
            let mut k = 0.0;
            while k <= steps {
                let t = k / steps;
                self.block(x1 + t * (x2 - x1), y1 + t * (y2 - y1), r);
                k += 1.0;
            }
        }
        if let [(x, y)] = points {
            self.block(*x, *y, r);
        }
    }

    /// The box of `chars` characters of `size` px text with its baseline at (`x`, `y`).
    fn text_box(x: f64, y: f64, anchor: Anchor, chars: usize, size: f64) -> Box4 {
        let w = text_width(chars, size);
        let left = match anchor {
            Anchor::Start => x,
            Anchor::Middle => x - w / 2.0,
            Anchor::End => x - w,
        };
        (left, y - 0.8 * size, left + w, y + 0.25 * size)
    }

    /// The first candidate (baseline and anchor) where the text is clear, else the one inside
    /// the plot that overlaps the fewest blocked boxes, else the first; its box is blocked from
    /// then on.
    fn place(
        &mut self,
        candidates: &[(f64, f64, Anchor)],
        chars: usize,
        size: f64,
    ) -> (f64, f64, Anchor) {
        let b = self.bounds;
        let inside = |x: Box4| x.0 >= b.0 && x.2 <= b.2 && x.1 >= b.1 && x.3 <= b.3;
        let boxed = |&(x, y, a): &(f64, f64, Anchor)| Placer::text_box(x, y, a, chars, size);
        let chosen = candidates
            .iter()
            .find(|c| {
                let bx = boxed(c);
                inside(bx) && !self.blocked.iter().any(|&p| overlaps(p, bx))
            })
            .or_else(|| {
                candidates
                    .iter()
                    .filter(|c| inside(boxed(c)))
                    .min_by_key(|c| {
                        let bx = boxed(c);
                        self.blocked.iter().filter(|&&p| overlaps(p, bx)).count()
                    })
            })
            .or(candidates.first())
            .copied()
            .unwrap_or((b.0, b.1, Anchor::Start));
        self.blocked.push(boxed(&chosen));
        chosen
    }
}

/// Label positions around a point (`x`, `y`), nearest first: right, left, above and below, then
/// farther out.
fn around(x: f64, y: f64, gap: f64) -> Vec<(f64, f64, Anchor)> {
    let mut out = Vec::new();
    for d in [0.0, 12.0, 24.0, 36.0] {
        out.extend([
            (x + gap, y + 4.0 - d, Anchor::Start),
            (x - gap, y + 4.0 - d, Anchor::End),
            (x + gap, y + 4.0 + d + 12.0, Anchor::Start),
            (x - gap, y + 4.0 + d + 12.0, Anchor::End),
            (x, y - gap - d, Anchor::Middle),
            (x, y + gap + 10.0 + d, Anchor::Middle),
        ]);
    }
    out
}

/// The label of the power of ten 10^k on a money axis: 1, 10, 100, 1k, ..., 100M, 1B, 1T.
fn decade(k: i32) -> String {
    let (unit, base) = match k {
        i32::MIN..=-1 => return format!("{:.*}", k.unsigned_abs() as usize, 10f64.powi(k)),
        0..=2 => ("", 0),
        3..=5 => ("k", 3),
        6..=8 => ("M", 6),
        9..=11 => ("B", 9),
        12..=14 => ("T", 12),
        _ => return format!("1e{k}"),
    };
    format!("{}{unit}", 10i64.pow((k - base) as u32))
}

// ---------------------------------------------------------------------------------------------
// What each function removes

fn functions(a: &Assessment) -> String {
    const ROW: f64 = 32.0;
    let shares = a.functions();
    let title = "What each CSF function removes (Shapley share of the EAL cut)";
    let height = 110.0 + ROW * shares.len().max(1) as f64;
    let mut desc = format!(
        "Expected annual loss removed by the controls of each NIST CSF 2.0 function, in {} a \
         year; the shares add up to the total removed, {}.",
        a.currency(),
        short(a.total_reduction())
    );
    for s in shares {
        desc.push_str(&format!(
            " {}: {} ({}).",
            s.function.name(),
            short(s.eal_reduction),
            s.share.map_or("n/a".into(), pct)
        ));
    }
    if shares.is_empty() {
        desc.push_str(" The scenario has no controls: nothing is removed.");
    }
    let mut svg = Svg::new("functions", WIDTH, height, title, &desc);
    let subtitle = format!(
        "{} a year · total removed {} (inherent EAL {} − residual EAL {})",
        a.currency(),
        short(a.total_reduction()),
        short(a.inherent().expected_annual_loss),
        short(a.residual().expected_annual_loss)
    );
    heading(&mut svg, title, &subtitle);
    if shares.is_empty() {
        svg.text(
            WIDTH / 2.0,
            90.0,
            Anchor::Middle,
            14.0,
            GREY,
            "",
            "No controls: nothing is removed",
        );
        return svg.finish();
    }
    let lo = shares.iter().map(|s| s.eal_reduction).fold(0.0, f64::min);
    let mut hi = shares.iter().map(|s| s.eal_reduction).fold(0.0, f64::max);
    if hi <= lo {
        hi = lo + 1.0;
    }
    let f = Frame {
        left: 110.0,
        right: WIDTH - 150.0,
        top: 64.0,
        bottom: 64.0 + ROW * shares.len() as f64,
        x: (lo, hi),
        y: (0.0, 1.0),
    };
    let zero = f.px(0.0);
    for (k, s) in shares.iter().enumerate() {
        let y = f.top + ROW * k as f64;
        let x = f.px(s.eal_reduction);
        let (bx, bw) = (zero.min(x), (x - zero).abs());
        let fill = if s.eal_reduction >= 0.0 { BLUE } else { PURPLE };
        svg.rect(bx, y + 6.0, bw, ROW - 12.0, fill, "");
        svg.text(
            f.left - 8.0,
            y + ROW / 2.0 + 4.0,
            Anchor::End,
            13.0,
            "#000000",
            "",
            s.function.name(),
        );
        let value = format!(
            "{} · {}{}",
            short(s.eal_reduction),
            s.share.map_or("n/a".into(), pct),
            if s.eal_reduction < 0.0 {
                " (adds loss)"
            } else {
                ""
            }
        );
        svg.text(
            zero.max(x) + 6.0,
            y + ROW / 2.0 + 4.0,
            Anchor::Start,
            12.0,
            "#000000",
            "",
            &value,
        );
    }
    svg.line(zero, f.top, zero, f.bottom, "#000000", 1.0, "");
    svg.text(
        f.left,
        f.bottom + 24.0,
        Anchor::Start,
        11.0,
        GREY,
        "",
        "bar: EAL removed a year · share of the total removed",
    );
    svg.finish()
}

// ---------------------------------------------------------------------------------------------
// The controls: cut against cost

/// A tick on a linear money axis: `short` without a trailing `.0` (2k, not 2.0k).
pub(crate) fn tick(v: f64) -> String {
    short(v).replace(".0k", "k")
}

/// A round step for about `target` intervals over `range`: 1, 2 or 5 × 10^k.
fn nice_step(range: f64, target: f64) -> f64 {
    let raw = (range / target).max(f64::MIN_POSITIVE);
    let mag = 10f64.powf(raw.log10().floor());
    let unit = raw / mag;
    let m = if unit <= 1.0 {
        1.0
    } else if unit <= 2.0 {
        2.0
    } else if unit <= 5.0 {
        5.0
    } else {
        10.0
    };
    m * mag
}

/// An axis from `lo` to `hi` widened to round steps: (start, end, step).
pub(crate) fn nice_axis(lo: f64, hi: f64) -> (f64, f64, f64) {
    let (lo, hi) = if hi > lo { (lo, hi) } else { (lo, lo + 1.0) };
    let step = nice_step(hi - lo, 5.0);
    ((lo / step).floor() * step, (hi / step).ceil() * step, step)
}

/// The grid, the tick labels of linear money axes with steps `xs` and `ys`, and the frame.
pub(crate) fn linear_grid(svg: &mut Svg, f: &Frame, xs: f64, ys: f64) {
    let mut k = 0.0;
    while f.x.0 + k * xs <= f.x.1 + xs * 1e-9 {
        let v = f.x.0 + k * xs;
        let x = f.px(v);
        svg.line(x, f.top, x, f.bottom, LIGHT, 1.0, "");
        svg.text(
            x,
            f.bottom + 18.0,
            Anchor::Middle,
            12.0,
            "#000000",
            "",
            &tick(v),
        );
        k += 1.0;
    }
    let mut k = 0.0;
    while f.y.0 + k * ys <= f.y.1 + ys * 1e-9 {
        let v = f.y.0 + k * ys;
        let y = f.py(v);
        svg.line(f.left, y, f.right, y, LIGHT, 1.0, "");
        svg.text(
            f.left - 6.0,
            y + 4.0,
            Anchor::End,
            12.0,
            "#000000",
            "",
            &tick(v),
        );
        k += 1.0;
    }
    svg.rect(
        f.left,
        f.top,
        f.right - f.left,
        f.bottom - f.top,
        "none",
        GREY,
    );
}

fn controls(a: &Assessment) -> String {
    const HEIGHT: f64 = 540.0;
    let cs = a.controls();
    let title = "Controls: EAL cut against annual cost";
    let mut desc = format!(
        "Each control's marginal cut in expected annual loss (error bar: plus or minus 1.96 \
         standard errors) against its annualised cost, in {} a year. Above the line cut = cost \
         a control removes more than it costs (ROSI above 0).",
        a.currency()
    );
    for c in cs {
        desc.push_str(&format!(
            " {}: cost {}, cut {} ± {}, ROSI {}.",
            c.id,
            short(c.annual_cost),
            short(c.eal_reduction),
            short(stats::Z975 * c.eal_reduction_se),
            c.rosi
                .map_or("n/a (free)".into(), |r| format!("{:+.0}%", 100.0 * r))
        ));
    }
    if cs.is_empty() {
        desc.push_str(" The scenario has no controls.");
    }
    let mut svg = Svg::new("controls", WIDTH, HEIGHT, title, &desc);
    heading(
        &mut svg,
        title,
        &format!(
            "{} a year · error bars ± 1.96 SE · above the dashed line a control pays for itself",
            a.currency()
        ),
    );
    if cs.is_empty() {
        svg.text(
            WIDTH / 2.0,
            120.0,
            Anchor::Middle,
            14.0,
            GREY,
            "",
            "No controls in the scenario: nothing to plot",
        );
        return svg.finish();
    }
    let err = |c: &ControlValue| stats::Z975 * c.eal_reduction_se;
    let xmax = cs.iter().map(|c| c.annual_cost).fold(0.0, f64::max);
    let ymin = cs
        .iter()
        .map(|c| c.eal_reduction - err(c))
        .fold(0.0, f64::min);
    let ymax = cs
        .iter()
        .map(|c| c.eal_reduction + err(c))
        .fold(0.0, f64::max);
    let (x0, x1, xs) = nice_axis(0.0, xmax * 1.08);
    let (y0, y1, ys) = nice_axis(ymin, ymax * 1.05);
    let f = Frame {
        left: 84.0,
        right: WIDTH - 30.0,
        top: 60.0,
        bottom: HEIGHT - 80.0,
        x: (x0, x1),
        y: (y0, y1),
    };
    linear_grid(&mut svg, &f, xs, ys);
    svg.text(
        (f.left + f.right) / 2.0,
        f.bottom + 40.0,
        Anchor::Middle,
        12.0,
        "#000000",
        "",
        &format!("annualised cost ({} a year)", a.currency()),
    );
    svg.vertical_text(
        20.0,
        (f.top + f.bottom) / 2.0,
        12.0,
        &format!("EAL cut ({} a year)", a.currency()),
    );

    // ROSI = 0: cut = cost, from the origin to where it leaves the plot.
    let mut placer = Placer::new(&f);
    let end = x1.min(y1);
    if end > 0.0 {
        let (a0, a1) = ((f.px(0.0), f.py(0.0)), (f.px(end), f.py(end)));
        svg.line(a0.0, a0.1, a1.0, a1.1, GREEN, 2.0, DASH_ROSI);
        placer.block_line(&[a0, a1], 2.0);
    }
    for (x, y, anchor, text) in [
        (
            f.left + 8.0,
            f.top + 16.0,
            Anchor::Start,
            "ROSI > 0: removes more than it costs",
        ),
        (
            f.right - 8.0,
            f.bottom - 8.0,
            Anchor::End,
            "ROSI < 0: costs more than it removes",
        ),
    ] {
        let at = placer.place(&[(x, y, anchor)], text.chars().count(), 11.0);
        svg.text(at.0, at.1, at.2, 11.0, GREEN, "bold", text);
    }

    // Points and error bars first, so that no label is placed over one.
    let points: Vec<(f64, f64)> = cs
        .iter()
        .map(|c| (f.px(c.annual_cost), f.py(c.eal_reduction)))
        .collect();
    for (c, &(x, y)) in cs.iter().zip(&points) {
        let (ylo, yhi) = (
            f.py(c.eal_reduction - err(c)),
            f.py(c.eal_reduction + err(c)),
        );
        svg.line(x, ylo, x, yhi, "#000000", 1.2, "");
        svg.line(x - 4.0, ylo, x + 4.0, ylo, "#000000", 1.2, "");
        svg.line(x - 4.0, yhi, x + 4.0, yhi, "#000000", 1.2, "");
        placer.block_line(&[(x, ylo), (x, yhi)], 2.0);
        // Filled: pays for itself; hollow: does not (readable without colour).
        let pays = c.eal_reduction >= c.annual_cost;
        let fill = if pays { BLUE } else { "#ffffff" };
        let stroke = if pays { BLUE } else { VERMILLION };
        svg.circle(x, y, 5.0, fill, stroke, 2.0);
        placer.block(x, y, 6.0);
    }
    for (c, &(x, y)) in cs.iter().zip(&points) {
        let label = ellipsis(&c.id, LABEL_CHARS);
        let at = placer.place(&around(x, y, 8.0), label.chars().count(), 11.0);
        svg.text(at.0, at.1, at.2, 11.0, "#000000", "", &label);
    }

    // The legend.
    let ly = HEIGHT - 14.0;
    let mut lx = f.left;
    svg.circle(lx + 5.0, ly - 4.0, 5.0, BLUE, BLUE, 2.0);
    svg.text(
        lx + 16.0,
        ly,
        Anchor::Start,
        12.0,
        "#000000",
        "",
        "pays for itself",
    );
    lx += 130.0;
    svg.circle(lx + 5.0, ly - 4.0, 5.0, "#ffffff", VERMILLION, 2.0);
    svg.text(
        lx + 16.0,
        ly,
        Anchor::Start,
        12.0,
        "#000000",
        "",
        "does not",
    );
    lx += 100.0;
    svg.line(lx, ly - 4.0, lx + 30.0, ly - 4.0, GREEN, 2.0, DASH_ROSI);
    svg.text(
        lx + 36.0,
        ly,
        Anchor::Start,
        12.0,
        "#000000",
        "",
        "ROSI = 0 (cut = cost)",
    );
    lx += 190.0;
    let free = cs.iter().filter(|c| c.rosi.is_none()).count();
    if free > 0 {
        svg.text(
            lx,
            ly,
            Anchor::Start,
            12.0,
            GREY,
            "",
            &format!("{free} free (cost 0, on the left edge)"),
        );
    }
    svg.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_take_round_steps() {
        assert_eq!(nice_step(240_000.0, 5.0), 50_000.0);
        assert_eq!(nice_axis(0.0, 259_200.0), (0.0, 300_000.0, 100_000.0));
        assert_eq!(nice_axis(0.0, 0.0), (0.0, 1.0, 0.2));
    }

    #[test]
    fn decades_read_as_money() {
        let labels: Vec<String> = (-3..=13).map(decade).collect();
        assert_eq!(
            labels,
            [
                "0.001", "0.01", "0.1", "1", "10", "100", "1k", "10k", "100k", "1M", "10M", "100M",
                "1B", "10B", "100B", "1T", "10T"
            ]
        );
    }
}
