//! The report for a person: an [`Assessment`] as the aligned tables `assess` prints.

use std::fmt;

use crate::report::analysis::ControlValue;
use crate::report::assessment::Assessment;
use crate::report::bad_year::{self, BadYear};
use crate::report::loss::Quantile;
use crate::report::tolerance::ToleranceVerdict;

/// An [`Assessment`] as text: aligned tables a person reads at a glance, the ones
/// `cargo run --example assess` prints. Made by [`Assessment::text`]; print it with `{}` or turn
/// it into a `String` with `to_string()`.
///
/// The sections, in order: the scenario's name and size; the annual loss without (inherent) and
/// with (residual) the controls, each figure with its 95% interval; the short loss exceedance
/// table ([`LossSummary::lec_grid`](crate::LossSummary::lec_grid)), where a frequency that rests
/// on fewer than 20 simulated years says how many; the tolerance check with its noise-aware
/// verdicts; the EAL by risk; the Shapley share of each CSF function; the controls, best return
/// first. Amounts are compact (`1.23M`, `456k`), probabilities percentages.
///
/// The text needs only the report's figures, so a report loaded from its JSON prints the same.
/// Control characters in names (a newline, a tab) are shown as spaces so that they cannot break
/// the columns. Lines have no trailing spaces and end with `\n`.
///
/// # Example
/// ```
/// # #[cfg(feature = "scenario")] {
/// use csfquant::{Format, Scenario, SimulationOptions};
///
/// let toml = r#"
/// name = "Example Co"
/// [[risks]]
/// id = "ransomware"
/// frequency = { poisson = { rate = 0.25 } }
/// magnitude = { lognormal = { ci90 = [200_000.0, 8_000_000.0] } }
/// "#;
/// let report = Scenario::parse(toml, Format::Toml, "example.toml")?
///     .with_options(SimulationOptions::new(7).trials(10_000))
///     .assess()?;
/// let text = report.text().source("example.toml").to_string();
/// assert!(text.starts_with("Example Co  (example.toml)\n  1 risks, 0 controls; 10,000 simulated years"));
/// assert!(text.contains("\nLoss exceedance curve: P(annual loss > x)\n"));
/// # }
/// # Ok::<(), csfquant::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
#[must_use = "a TextReport does nothing until it is printed or turned into a String"]
pub struct TextReport<'a> {
    assessment: &'a Assessment,
    source: Option<&'a str>,
}

impl Assessment {
    /// The report as text, the tables `assess` prints (see [`TextReport`]).
    pub fn text(&self) -> TextReport<'_> {
        TextReport {
            assessment: self,
            source: None,
        }
    }
}

impl<'a> TextReport<'a> {
    /// Names where the scenario came from in the first line, after the scenario's name:
    /// `Example Co  (examples/data/default.toml, embedded)`. Without it the first line is the
    /// name alone.
    pub fn source(self, source: &'a str) -> TextReport<'a> {
        TextReport {
            source: Some(source),
            ..self
        }
    }
}

impl fmt::Display for TextReport<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let a = self.assessment;
        match self.source {
            Some(source) => writeln!(f, "{}  ({})", clean(a.scenario()), clean(source))?,
            None => writeln!(f, "{}", clean(a.scenario()))?,
        }
        let finance = a.finance();
        writeln!(
            f,
            "  {} risks, {} controls; {} simulated years, seed {}; amounts in {} a year",
            a.risks().len(),
            a.controls().len(),
            money(a.trials() as f64),
            a.seed(),
            a.currency()
        )?;
        writeln!(
            f,
            "  costs over {} year{}, discounted at {} a year (upfront costs spread as an annuity)",
            finance.horizon_years(),
            plural(u64::from(finance.horizon_years())),
            level(finance.discount_rate())
        )?;
        loss_section(f, a)?;
        lec_section(f, a)?;
        tolerance_section(f, a)?;
        risk_section(f, a)?;
        bad_year_section(f, a)?;
        function_section(f, a)?;
        control_section(f, a)?;
        party_section(f, a)?;
        lapse_section(f, a)?;
        candidate_section(f, a)
    }
}

fn loss_section(f: &mut fmt::Formatter<'_>, a: &Assessment) -> fmt::Result {
    let (i, r) = (a.inherent(), a.residual());
    writeln!(
        f,
        "\nAnnual loss, without (inherent) and with (residual) the controls; [95% interval]"
    )?;
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
    for (qi, qr) in i.quantiles.iter().zip(&r.quantiles) {
        let label = if qi.p == 0.5 {
            "median".to_string()
        } else {
            format!("VaR {} (1 in {})", level(qi.p), money(1.0 / (1.0 - qi.p)))
        };
        partial |= !qi.ci95_full_coverage || !qr.ci95_full_coverage;
        let cell = |q: &Quantile| {
            let mark = if q.ci95_full_coverage { "" } else { "*" };
            format!(
                "{} [{}, {}]{mark}",
                short(q.loss),
                short(q.ci95[0]),
                short(q.ci95[1])
            )
        };
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
    table(
        f,
        &["", "inherent", "residual"],
        &[Left, Right, Right],
        &rows,
    )?;
    if partial {
        writeln!(
            f,
            "  * too few years for this tail: the interval covers less than 95%; run more trials"
        )?;
    }
    if i.exceedance.is_empty() {
        writeln!(f, "  (the scenario gives no thresholds for P(loss > x))")?;
    }
    Ok(())
}

fn lec_section(f: &mut fmt::Formatter<'_>, a: &Assessment) -> fmt::Result {
    let (inherent, residual) = (&a.inherent().lec_grid, &a.residual().lec_grid);
    if inherent.is_empty() {
        return writeln!(f, "\nLoss exceedance curve: no simulated year has a loss");
    }
    writeln!(f, "\nLoss exceedance curve: P(annual loss > x)")?;
    let rows: Vec<Vec<String>> = inherent
        .iter()
        .zip(residual)
        .map(|(i, r)| {
            // A frequency resting on a handful of simulated years is noise: say how many.
            let about = if r.is_low_count() {
                format!(
                    "{} (from {} simulated year{})",
                    one_in(r.probability),
                    r.years,
                    plural(r.years as u64)
                )
            } else {
                one_in(r.probability)
            };
            vec![short(i.loss), pct(i.probability), pct(r.probability), about]
        })
        .collect();
    table(
        f,
        &["x", "inherent", "residual", "residual, about"],
        &[Right, Right, Right, Left],
        &rows,
    )
}

fn tolerance_section(f: &mut fmt::Formatter<'_>, a: &Assessment) -> fmt::Result {
    let Some(t) = a.tolerance() else {
        return writeln!(f, "\nRisk tolerance: the scenario states none");
    };
    writeln!(
        f,
        "\nRisk tolerance: P(annual loss > x) against the largest acceptable"
    )?;
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
    table(
        f,
        &["x", "limit", "inherent", "residual [95%]", "verdict"],
        &[Right, Right, Right, Right, Left],
        &rows,
    )?;
    let yes = |met: bool| if met { "yes" } else { "NO" };
    writeln!(
        f,
        "  within tolerance: residual {}, inherent {}",
        yes(t.met),
        yes(t.inherent.met)
    )?;
    if t.points
        .iter()
        .any(|p| p.verdict == ToleranceVerdict::WithinNoise)
    {
        writeln!(
            f,
            "  (within noise: the limit lies in the 95% interval; more trials would settle it)"
        )?;
    }
    Ok(())
}

fn risk_section(f: &mut fmt::Formatter<'_>, a: &Assessment) -> fmt::Result {
    writeln!(f, "\nExpected annual loss by risk")?;
    let rows: Vec<Vec<String>> = a
        .risks()
        .iter()
        .map(|r| {
            let change = if r.inherent_eal > 0.0 {
                signed_pct(r.residual_eal / r.inherent_eal - 1.0)
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
        f,
        &["risk", "inherent ± 1.96 SE", "residual", "change", "name"],
        &[Left, Right, Right, Right, Left],
        &rows,
    )
}

/// "What makes up a bad year" (report/bad_year.rs): the risks' and shocks' shares of TVaR 99%
/// and the diversification.
fn bad_year_section(f: &mut fmt::Formatter<'_>, a: &Assessment) -> fmt::Result {
    let Some(bad) = BadYear::of(a) else {
        return Ok(()); // a report stored by an earlier csfquant
    };
    writeln!(f, "\n{}", bad_year::TITLE)?;
    table(
        f,
        &bad_year::RISK_HEADER,
        &[Left, Right, Right, Right, Right],
        &bad.risks,
    )?;
    if !bad.shocks.is_empty() {
        writeln!(f, "  {}:", bad_year::SHOCKS_TITLE)?;
        table(
            f,
            &bad_year::SHOCK_HEADER,
            &[Left, Right, Right, Right],
            &bad.shocks,
        )?;
    }
    for line in &bad.diversification {
        writeln!(f, "  {line}")?;
    }
    Ok(())
}

fn function_section(f: &mut fmt::Formatter<'_>, a: &Assessment) -> fmt::Result {
    if a.functions().is_empty() {
        return writeln!(f, "\nNo controls: nothing is removed");
    }
    writeln!(
        f,
        "\nWho removes the loss: Shapley share of each CSF function (per year)"
    )?;
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
        f,
        &["function", "cost", "EAL cut", "share"],
        &[Left, Right, Right, Right],
        &rows,
    )?;
    let sum: f64 = a.functions().iter().map(|s| s.eal_reduction).sum();
    writeln!(
        f,
        "  total removed {} (= inherent EAL {} - residual EAL {}; the shares sum to {})",
        short(a.total_reduction()),
        short(a.inherent().expected_annual_loss),
        short(a.residual().expected_annual_loss),
        short(sum)
    )
}

fn control_section(f: &mut fmt::Formatter<'_>, a: &Assessment) -> fmt::Result {
    if a.controls().is_empty() {
        return Ok(());
    }
    let years = a.finance().horizon_years();
    writeln!(
        f,
        "\nControls, best return first (per year; NPV over {years} year{})",
        plural(u64::from(years))
    )?;
    let mut ranked: Vec<&ControlValue> = a.controls().iter().collect();
    // Free controls (no ROSI) last, by reduction.
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
                c.rosi.map_or("free".into(), signed_pct),
                short(c.npv),
                short(c.var99_reduction),
                name.to_string(),
            ]
        })
        .collect();
    table(
        f,
        &[
            "control",
            "function",
            "cost",
            "EAL cut ± 1.96 SE",
            "alone ± 1.96 SE",
            "ROSI",
            "NPV",
            "VaR99 cut",
            "name",
        ],
        &[Left, Left, Right, Right, Right, Right, Right, Right, Left],
        &rows,
    )?;
    writeln!(
        f,
        "  EAL cut: how much the residual EAL rises if only this control is removed;\n  \
         alone: what the control removes by itself. Layered controls overlap, so the cuts\n  \
         do not add up (the Shapley shares above do).\n  \
         ROSI = (EAL cut - cost) / cost, in percent (JSON and CSV: a fraction, +150% is 1.5);\n  \
         cost = annual + upfront spread over the horizon."
    )
}

/// "Who runs the controls": each party's Shapley share and the stress of its controls lapsing
/// for a year; then the user's groups. Only when a control names another party or a group.
fn party_section(f: &mut fmt::Formatter<'_>, a: &Assessment) -> fmt::Result {
    if a.parties().len() < 2 && a.groups().is_none() {
        return Ok(());
    }
    writeln!(
        f,
        "\nWho runs the controls: Shapley share of each party (per year), and its controls out for a year"
    )?;
    let var99 = a.residual().quantile_at(0.99).map_or(0.0, |q| q.loss);
    let rows: Vec<Vec<String>> = a
        .parties()
        .iter()
        .map(|p| {
            vec![
                p.party.clone(),
                p.controls.len().to_string(),
                short(p.annual_cost),
                short(p.eal_reduction),
                p.share.map_or("n/a".into(), pct),
                short(p.eal_if_lapsed),
                short(p.var99_if_lapsed),
            ]
        })
        .collect();
    table(
        f,
        &[
            "party",
            "controls",
            "cost",
            "EAL cut",
            "share",
            "EAL if out",
            "VaR99 if out",
        ],
        &[Left, Right, Right, Right, Right, Right, Right],
        &rows,
    )?;
    writeln!(
        f,
        "  EAL if out: the residual EAL if the party's controls were out of their intended state\n  \
         all year, everything else as modelled (now {}, VaR99 {}).",
        short(a.residual().expected_annual_loss),
        short(var99)
    )?;
    if let Some(groups) = a.groups() {
        writeln!(f, "\nShapley share of each group (per year)")?;
        let rows: Vec<Vec<String>> = groups
            .iter()
            .map(|g| {
                vec![
                    g.group.clone(),
                    g.controls.len().to_string(),
                    short(g.annual_cost),
                    short(g.eal_reduction),
                    g.share.map_or("n/a".into(), pct),
                ]
            })
            .collect();
        table(
            f,
            &["group", "controls", "cost", "EAL cut", "share"],
            &[Left, Right, Right, Right, Right],
            &rows,
        )?;
    }
    Ok(())
}

/// What each day out of its intended state costs, per control. Only when a control lapses.
fn lapse_section(f: &mut fmt::Formatter<'_>, a: &Assessment) -> fmt::Result {
    if a.controls().iter().all(|c| c.availability >= 1.0) {
        return Ok(());
    }
    writeln!(
        f,
        "\nWhat a day out of its intended state costs, highest first (rise in residual EAL)"
    )?;
    let mut ranked: Vec<&ControlValue> = a.controls().iter().collect();
    ranked.sort_by(|x, y| y.lapse_cost_per_day.total_cmp(&x.lapse_cost_per_day));
    let rows: Vec<Vec<String>> = ranked
        .iter()
        .map(|c| {
            vec![
                c.id.clone(),
                c.function.name().to_string(),
                pct(c.availability),
                c.effective_efficacy.map_or("-".into(), pct),
                short(c.lapse_cost_per_day),
                short(c.lapse_cost_per_day * 365.0),
            ]
        })
        .collect();
    table(
        f,
        &[
            "control",
            "function",
            "available",
            "effective",
            "per day",
            "a year out",
        ],
        &[Left, Left, Right, Right, Right, Right],
        &rows,
    )?;
    writeln!(
        f,
        "  available: expected share of the year in its intended state, its managers in place;\n  \
         effective: mean efficacy x coverage x availability (with the variant efficacy in lapses);\n  \
         per day: residual EAL with the control out all year minus never out, over 365\n  \
         (a governance control out manages nothing; a control without lapses out is absent)."
    )
}

// ---------------------------------------------------------------------------------------------
// Tables and numbers

/// The candidate controls, best net benefit first: what each would add alone on top of the
/// in-place set.
fn candidate_section(f: &mut fmt::Formatter<'_>, a: &Assessment) -> fmt::Result {
    if a.candidates().is_empty() {
        return Ok(());
    }
    writeln!(
        f,
        "\nCandidate controls (not in place), each alone on top of the controls above"
    )?;
    let mut ranked: Vec<_> = a.candidates().iter().collect();
    ranked.sort_by(|x, y| y.net_benefit.total_cmp(&x.net_benefit));
    let rows: Vec<Vec<String>> = ranked
        .iter()
        .map(|c| {
            let name = if c.name == c.id { "" } else { &c.name };
            vec![
                c.id.clone(),
                c.function.name().to_string(),
                short(c.annual_cost),
                pm(c.standalone_reduction, c.standalone_reduction_se),
                short(c.net_benefit),
                name.to_string(),
            ]
        })
        .collect();
    table(
        f,
        &[
            "candidate",
            "function",
            "cost",
            "EAL cut ± 1.96 SE",
            "net",
            "name",
        ],
        &[Left, Left, Right, Right, Right, Left],
        &rows,
    )?;
    writeln!(
        f,
        "  EAL cut: what the candidate would remove on top of the controls in place;\n  \
         net = EAL cut - cost. Candidates overlap: the budget example chooses a set."
    )
}

/// Column alignment.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Align {
    Left,
    Right,
}
use Align::{Left, Right};

/// Writes an aligned table: a header row and rows of cells, indented by two spaces, columns
/// separated by two spaces, each as wide as its widest cell; no trailing spaces.
pub(crate) fn table(
    f: &mut fmt::Formatter<'_>,
    header: &[&str],
    align: &[Align],
    rows: &[Vec<String>],
) -> fmt::Result {
    let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    let rows: Vec<Vec<String>> = std::iter::once(header)
        .chain(rows.iter().map(|r| r.iter().map(|c| clean(c)).collect()))
        .collect();
    let widths: Vec<usize> = (0..align.len())
        .map(|i| {
            rows.iter()
                .map(|r| r.get(i).map_or(0, |c| c.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut line = String::new();
    for row in &rows {
        line.clear();
        line.push(' ');
        for (i, cell) in row.iter().enumerate() {
            let pad = widths[i] - cell.chars().count();
            line.push_str(if i > 0 { "  " } else { " " });
            match align[i] {
                Left => {
                    line.push_str(cell);
                    line.extend(std::iter::repeat_n(' ', pad));
                }
                Right => {
                    line.extend(std::iter::repeat_n(' ', pad));
                    line.push_str(cell);
                }
            }
        }
        writeln!(f, "{}", line.trim_end())?;
    }
    Ok(())
}

/// Text with control characters (a newline or a tab in a name would break the columns) shown
/// as spaces.
fn clean(s: &str) -> String {
    s.chars()
        .map(|ch| if ch.is_control() { ' ' } else { ch })
        .collect()
}

/// `"s"` unless there is exactly one.
fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// `value ± 1.96 se`, compact.
pub(crate) fn pm(value: f64, se: f64) -> String {
    format!("{} ± {}", short(value), short(1.96 * se))
}

/// A probability as a percentage with enough digits to be read: 42.1%, 3.25%, 0.012%.
pub(crate) fn pct(p: f64) -> String {
    let x = 100.0 * p;
    if x == 0.0 || x >= 10.0 {
        format!("{x:.1}%")
    } else if x >= 1.0 {
        format!("{x:.2}%")
    } else {
        format!("{x:.3}%")
    }
}

/// A probability level as a percentage without trailing zeros: 99%, 99.5%, 99.9%.
fn level(p: f64) -> String {
    let s = format!("{:.2}", 100.0 * p);
    format!("{}%", s.trim_end_matches('0').trim_end_matches('.'))
}

/// The return period of an annual exceedance probability: `1 in 12 years`.
fn one_in(p: f64) -> String {
    if p >= 2.0 / 3.0 {
        "most years".into()
    } else if p > 0.0 {
        format!("1 in {} years", money(1.0 / p))
    } else {
        "never simulated".into()
    }
}

/// A ratio with its sign as a whole percentage: +215%, -40%.
fn signed_pct(x: f64) -> String {
    format!("{:+.0}%", 100.0 * x)
}

/// An amount, compact for tables: 1.23M, 2M, 456k, 7.8k, 950.
pub(crate) fn short(x: f64) -> String {
    let a = x.abs();
    let out = if a >= 999.5e3 {
        // 1.23M, 1.5M, 2M
        let m = format!("{:.2}", a / 1e6);
        format!("{}M", m.trim_end_matches('0').trim_end_matches('.'))
    } else if a >= 9.995e3 {
        format!("{:.0}k", a / 1e3)
    } else if a >= 999.5 {
        format!("{:.1}k", a / 1e3)
    } else {
        format!("{a:.0}")
    };
    if x < 0.0 { format!("-{out}") } else { out }
}

/// A whole number with thousands separators: 20,000.
pub(crate) fn money(x: f64) -> String {
    let digits = format!("{:.0}", x.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if x < 0.0 { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_and_probabilities_read_at_a_glance() {
        let cases = [
            (0.0, "0"),
            (950.0, "950"),
            (999.4, "999"),
            (999.5, "1.0k"),
            (7_849.0, "7.8k"),
            (9_995.0, "10k"),
            (456_000.0, "456k"),
            (999_500.0, "1M"),
            (1_234_567.0, "1.23M"),
            (1_500_000.0, "1.5M"),
            (-9_000.0, "-9.0k"),
        ];
        for (x, want) in cases {
            assert_eq!(short(x), want, "{x}");
        }
        assert_eq!(money(20_000.0), "20,000");
        assert_eq!(money(1_000_000_000.0), "1,000,000,000");
        assert_eq!(money(-1234.4), "-1,234");
        assert_eq!(pct(0.0), "0.0%");
        assert_eq!(pct(0.421), "42.1%");
        assert_eq!(pct(0.0325), "3.25%");
        assert_eq!(pct(0.00012), "0.012%");
        assert_eq!(level(0.995), "99.5%");
        assert_eq!(level(0.08), "8%");
        assert_eq!(one_in(0.7), "most years");
        assert_eq!(one_in(0.0003), "1 in 3,333 years");
        assert_eq!(one_in(0.0), "never simulated");
        assert_eq!(signed_pct(-0.4), "-40%");
        assert_eq!(pm(80_000.0, 1_000.0), "80k ± 2.0k");
    }

    #[test]
    fn control_characters_cannot_break_the_columns() {
        assert_eq!(clean("a\nb\tc"), "a b c");
    }
}
