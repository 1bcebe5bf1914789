//! Who removes the loss, as SVG: each party's (`operated_by`) and each group's (`group`)
//! Shapley share of the EAL cut, as horizontal bars on one money axis, with the party's stress
//! figure (the residual EAL if its controls lapse for a year) beside it. Drawn from the report's
//! figures alone, in the style of the functions chart, so a report loaded from its JSON draws
//! the same bytes.
//!
//! Both sections share one axis, so a party's bar and a group's bar compare directly; a dashed
//! line marks the total removed, which each section's bars add up to. The sections are told
//! apart by their headings and position, not by colour alone, and a bar that adds loss says so
//! in words, so the chart survives black-and-white print.

use crate::report::assessment::Assessment;
use crate::report::svg::{
    Anchor, BLUE, GREEN, GREY, LIGHT, PURPLE, Svg, ellipsis, pct, short, text_width,
};

/// The width of the chart (SVG user units), as the other charts.
const WIDTH: f64 = 760.0;
/// The height of one bar's row, and of a section's heading.
const ROW: f64 = 38.0;
const SECTION: f64 = 26.0;
/// The longest name a row carries, in characters (then an ellipsis).
const LABEL_CHARS: usize = 20;
/// The dash pattern of the total-removed line.
const DASH_TOTAL: &str = "6 3";

impl Assessment {
    /// Who removes the loss, as a self-contained SVG document: each party's Shapley share of
    /// the EAL cut (inherent EAL − residual EAL) with its controls' count and annual cost and
    /// the residual EAL if its controls lapsed for a year, then each group's share, as
    /// horizontal bars on one money axis with the total removed marked. A section's bars add up
    /// to that total.
    ///
    /// `None` when there is nothing to split: a single party (or a report stored before parties
    /// existed) and no groups. The parties' section is drawn only with two parties or more.
    ///
    /// The same report gives the same bytes; the SVG needs no font file and carries a
    /// `<title>` and `<desc>` that state every figure.
    pub fn parties_svg(&self) -> Option<String> {
        parties(self)
    }
}

/// One bar: a name, a line under it, the amount removed, its share, and the stress figure.
struct Row<'a> {
    name: &'a str,
    detail: String,
    eal_reduction: f64,
    share: Option<f64>,
    eal_if_lapsed: Option<f64>,
}

/// An annual cost, `short` without a trailing `.0` (2k, not 2.0k), as the controls chart's ticks.
fn cost(x: f64) -> String {
    short(x).replace(".0k", "k")
}

fn controls_count(n: usize) -> String {
    if n == 1 {
        "1 control".into()
    } else {
        format!("{n} controls")
    }
}

fn parties(a: &Assessment) -> Option<String> {
    let parties = a.parties();
    let groups = a.groups().unwrap_or(&[]);
    let show_parties = parties.len() >= 2;
    if !show_parties && groups.is_empty() {
        return None;
    }
    let party_rows: Vec<Row> = if show_parties {
        parties
            .iter()
            .map(|p| Row {
                name: &p.party,
                detail: format!(
                    "{} · cost {} a year",
                    controls_count(p.controls.len()),
                    cost(p.annual_cost)
                ),
                eal_reduction: p.eal_reduction,
                share: p.share,
                eal_if_lapsed: Some(p.eal_if_lapsed),
            })
            .collect()
    } else {
        Vec::new()
    };
    let group_rows: Vec<Row> = groups
        .iter()
        .map(|g| Row {
            name: &g.group,
            detail: format!(
                "{} · cost {} a year",
                controls_count(g.controls.len()),
                cost(g.annual_cost)
            ),
            eal_reduction: g.eal_reduction,
            share: g.share,
            eal_if_lapsed: None,
        })
        .collect();

    let title = match (show_parties, groups.is_empty()) {
        (true, true) => "Who removes the loss: Shapley share of the EAL cut by party",
        (false, false) => "What each group removes: Shapley share of the EAL cut",
        _ => "Who removes the loss: Shapley share of the EAL cut by party and group",
    };
    let total = a.total_reduction();
    let residual = a.residual().expected_annual_loss;
    let desc = describe(a, &party_rows, &group_rows);
    let sections = usize::from(!party_rows.is_empty()) + usize::from(!group_rows.is_empty());
    let rows = party_rows.len() + group_rows.len();
    let top = 64.0;
    let height = top + SECTION * sections as f64 + ROW * rows as f64 + 70.0;
    let mut svg = Svg::new("parties", WIDTH, height, title, &desc);
    svg.text(16.0, 24.0, Anchor::Start, 15.0, "#000000", "bold", title);
    let subtitle = format!(
        "{} a year · total removed {} (inherent EAL {} − residual EAL {})",
        a.currency(),
        short(total),
        short(a.inherent().expected_annual_loss),
        short(residual)
    );
    svg.text(16.0, 42.0, Anchor::Start, 11.0, GREY, "", &subtitle);

    // One axis for both sections: from the lowest share (or 0) to the highest share or the
    // total, whichever is further.
    let all = party_rows.iter().chain(&group_rows);
    let lo = all.clone().map(|r| r.eal_reduction).fold(0.0, f64::min);
    let mut hi = all.map(|r| r.eal_reduction).fold(total.max(0.0), f64::max);
    if hi <= lo {
        hi = lo + 1.0;
    }
    let (left, right) = (190.0, WIDTH - 220.0);
    let px = |x: f64| left + (x - lo) / (hi - lo) * (right - left);
    let zero = px(0.0);
    let stress_x = WIDTH - 16.0;

    let mut y = top;
    let bottom_of_bars = top + SECTION * sections as f64 + ROW * rows as f64;
    for (heading, rows, fill) in [
        ("By party (operated_by)", &party_rows, BLUE),
        ("By group", &group_rows, GREEN),
    ] {
        if rows.is_empty() {
            continue;
        }
        svg.text(
            16.0,
            y + 17.0,
            Anchor::Start,
            12.0,
            "#000000",
            "bold",
            heading,
        );
        if rows.iter().any(|r| r.eal_if_lapsed.is_some()) {
            svg.text(
                stress_x,
                y + 17.0,
                Anchor::End,
                11.0,
                GREY,
                "",
                "EAL if its controls lapse",
            );
        }
        svg.line(
            16.0,
            y + SECTION - 2.0,
            WIDTH - 16.0,
            y + SECTION - 2.0,
            LIGHT,
            1.0,
            "",
        );
        y += SECTION;
        for r in rows.iter() {
            let total_x = (total > 0.0).then(|| px(total));
            bar(
                &mut svg,
                r,
                y,
                (zero, px(r.eal_reduction)),
                fill,
                total_x,
                stress_x,
            );
            y += ROW;
        }
    }

    // The zero line and the total removed, across both sections.
    svg.line(zero, top + 2.0, zero, bottom_of_bars, "#000000", 1.0, "");
    if total > 0.0 {
        let xt = px(total);
        svg.line(
            xt,
            top + 2.0,
            xt,
            bottom_of_bars + 4.0,
            GREY,
            1.2,
            DASH_TOTAL,
        );
        svg.text(
            xt,
            bottom_of_bars + 17.0,
            Anchor::Middle,
            11.0,
            GREY,
            "",
            &format!("total removed {}", short(total)),
        );
    }
    svg.text(
        16.0,
        bottom_of_bars + 38.0,
        Anchor::Start,
        11.0,
        GREY,
        "",
        "bar: EAL removed a year · share of the total; each section's bars add up to the total",
    );
    if !party_rows.is_empty() {
        svg.text(
            16.0,
            bottom_of_bars + 54.0,
            Anchor::Start,
            11.0,
            GREY,
            "",
            &format!(
                "EAL if its controls lapse: the residual EAL (now {}) if the party's controls were \
                 out all year",
                short(residual)
            ),
        );
    }
    Some(svg.finish())
}

/// One row at `y`: the name and its detail line, the bar from `zero` to `x`, its figures (moved
/// past the total line `total_x` where they would cross it), and the stress figure at the
/// right edge.
#[allow(clippy::too_many_arguments)]
fn bar(
    svg: &mut Svg,
    r: &Row,
    y: f64,
    (zero, x): (f64, f64),
    fill: &str,
    total_x: Option<f64>,
    stress_x: f64,
) {
    let adds_loss = r.eal_reduction < 0.0;
    let (bx, bw) = (zero.min(x), (x - zero).abs());
    svg.rect(
        bx,
        y + 8.0,
        bw,
        ROW - 16.0,
        if adds_loss { PURPLE } else { fill },
        "",
    );
    svg.text(
        180.0,
        y + 17.0,
        Anchor::End,
        13.0,
        "#000000",
        "",
        &ellipsis(r.name, LABEL_CHARS),
    );
    svg.text(180.0, y + 31.0, Anchor::End, 10.0, GREY, "", &r.detail);
    let value = format!(
        "{} · {}{}",
        short(r.eal_reduction),
        r.share.map_or("n/a".into(), pct),
        if adds_loss { " (adds loss)" } else { "" }
    );
    let mut label_x = zero.max(x) + 6.0;
    let width = text_width(value.chars().count(), 12.0);
    if let Some(t) = total_x
        && label_x < t + 4.0
        && label_x + width > t - 4.0
    {
        label_x = t + 6.0;
    }
    svg.text(
        label_x,
        y + ROW / 2.0 + 4.0,
        Anchor::Start,
        12.0,
        "#000000",
        "",
        &value,
    );
    if let Some(lapsed) = r.eal_if_lapsed {
        svg.text(
            stress_x,
            y + ROW / 2.0 + 4.0,
            Anchor::End,
            12.0,
            "#000000",
            "",
            &short(lapsed),
        );
    }
}

/// The description for screen readers: every figure the bars show, names in full.
fn describe(a: &Assessment, parties: &[Row], groups: &[Row]) -> String {
    let mut desc = format!(
        "Expected annual loss removed by the controls, in {} a year, split by Shapley value; \
         each section's shares add up to the total removed, {}.",
        a.currency(),
        short(a.total_reduction())
    );
    for (what, rows) in [("Party", parties), ("Group", groups)] {
        for r in rows {
            desc.push_str(&format!(
                " {what} {}: {} ({}), {}",
                r.name,
                short(r.eal_reduction),
                r.share.map_or("n/a".into(), pct),
                r.detail
            ));
            if let Some(lapsed) = r.eal_if_lapsed {
                desc.push_str(&format!(
                    "; residual EAL {} if its controls lapse for a year",
                    short(lapsed)
                ));
            }
            desc.push('.');
        }
    }
    desc
}
