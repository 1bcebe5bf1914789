//! assess: the main job of csfquant. Reads a scenario file (risks, controls, finance, thresholds,
//! tolerance; see SCENARIO.md), simulates it with and without its controls on the same events,
//! and reports what the risk is and what each control is worth.
//!
//! ```sh
//! cargo run --release --example assess                       # the embedded default scenario
//! cargo run --release --example assess -- FILE.toml          # or FILE.json
//! cargo run --release --example assess -- FILE --json        # the JSON report, for scripts
//! cargo run --release --example assess -- FILE --csv out     # tidy CSV files for pandas
//! ```
//!
//! Exit codes: 0 done, 1 a failure while running (out of memory, a file that cannot be written),
//! 2 bad input (a bad flag or number, a missing or invalid scenario file).

use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use csfquant::{Assessment, Error, Format, Scenario, SimulationOptions};

#[path = "support/money.rs"]
mod money;
use money::{money, short};

/// The scenario run without a FILE argument.
const DEFAULT_SCENARIO: &str = include_str!("data/default.toml");
const DEFAULT_NAME: &str = "examples/data/default.toml";

const USAGE: &str = "\
assess: cyber risk in money, with and without the controls of a scenario

usage: assess [FILE] [--json] [--trials N] [--seed S] [--csv DIR]

  FILE         a scenario file, .toml or .json (see SCENARIO.md); without it, the
               embedded default scenario (examples/data/default.toml)
  --json       print the report as JSON (format version 1) and nothing else on stdout
  --trials N   simulate N years instead of the file's count (e.g. 1000000, 1_000_000, 1e6)
  --seed S     use seed S instead of the file's
  --csv DIR    also write lec.csv, controls.csv, risks.csv, functions.csv and trials.csv
               (one row per simulated year: 16 bytes more memory per year) into DIR
  -h, --help   show this help

Exit status: 0 done, 1 failure while running, 2 bad input.";

/// Why the program stops early.
enum Stop {
    /// `--help`: the usage on stdout, exit 0.
    Help,
    /// Bad input (flags, numbers, the scenario): exit 2.
    Input(String),
    /// A failure while running (memory, writing files): exit 1.
    Runtime(String),
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(Stop::Help) => match print_stdout(&format!("{USAGE}\n")) {
            Err(Stop::Runtime(m)) => fail(&m, 1),
            _ => ExitCode::SUCCESS,
        },
        Err(Stop::Input(m)) => fail(&m, 2),
        Err(Stop::Runtime(m)) => fail(&m, 1),
    }
}

fn fail(message: &str, code: u8) -> ExitCode {
    let _ = writeln!(io::stderr(), "assess: {message}");
    ExitCode::from(code)
}

/// The command line.
struct Args {
    file: Option<PathBuf>,
    json: bool,
    trials: Option<u64>,
    seed: Option<u64>,
    csv: Option<PathBuf>,
}

fn parse_args(mut args: impl Iterator<Item = std::ffi::OsString>) -> Result<Args, Stop> {
    let mut parsed = Args {
        file: None,
        json: false,
        trials: None,
        seed: None,
        csv: None,
    };
    let mut options_done = false;
    while let Some(arg) = args.next() {
        let text = arg.to_str();
        let flag = match text {
            Some(t) if !options_done && t.starts_with('-') && t != "-" => t,
            _ => {
                if parsed.file.is_some() {
                    return Err(Stop::Input(format!(
                        "more than one scenario file ({} and {}); see --help",
                        parsed
                            .file
                            .as_ref()
                            .map_or("".into(), |f| f.display().to_string()),
                        Path::new(&arg).display()
                    )));
                }
                parsed.file = Some(PathBuf::from(arg));
                continue;
            }
        };
        // `--flag=value` or `--flag value`.
        let (name, inline) = match flag.split_once('=') {
            Some((name, value)) => (name, Some(value.to_string())),
            None => (flag, None),
        };
        let mut value = |what: &str| -> Result<std::ffi::OsString, Stop> {
            match &inline {
                Some(v) => Ok(v.into()),
                None => args
                    .next()
                    .ok_or_else(|| Stop::Input(format!("{name} needs {what}; see --help"))),
            }
        };
        match name {
            "--" if inline.is_none() => options_done = true,
            "-h" | "--help" if inline.is_none() => return Err(Stop::Help),
            "--json" if inline.is_none() => parsed.json = true,
            "--trials" => {
                let v = value("a number of years")?;
                parsed.trials = Some(parse_count(name, &v)?);
            }
            "--seed" => {
                let v = value("a seed (a whole number)")?;
                parsed.seed = Some(parse_count(name, &v)?);
            }
            "--csv" => {
                let dir = value("a directory")?;
                // `--csv --json` is a forgotten directory, not a directory named `--json`
                // (`--csv=-x` still names one).
                if inline.is_none() && dir.to_string_lossy().starts_with('-') {
                    return Err(Stop::Input(format!(
                        "--csv needs a directory, not the option {}; see --help",
                        dir.to_string_lossy()
                    )));
                }
                parsed.csv = Some(PathBuf::from(dir));
            }
            _ => return Err(Stop::Input(format!("unknown option {flag}; see --help"))),
        }
    }
    Ok(parsed)
}

/// A whole number >= 0: digits with optional `_` or `,` separators, or an exact float such as
/// `1e6`.
fn parse_count(flag: &str, value: &std::ffi::OsStr) -> Result<u64, Stop> {
    let shown = value.to_string_lossy();
    let bad = || {
        Stop::Input(format!(
            "{flag}: {shown:?} is not a whole number >= 0 (e.g. 100000, 100_000 or 1e5)"
        ))
    };
    let text: String = value
        .to_str()
        .ok_or_else(bad)?
        .chars()
        .filter(|&c| c != '_' && c != ',')
        .collect();
    if let Ok(n) = text.parse::<u64>() {
        return Ok(n);
    }
    match text.parse::<f64>() {
        // Exact up to 2^53; beyond, a float names no single whole number.
        Ok(x) if x >= 0.0 && x.fract() == 0.0 && x <= 9_007_199_254_740_992.0 => Ok(x as u64),
        _ => Err(bad()),
    }
}

fn run() -> Result<(), Stop> {
    let args = parse_args(std::env::args_os().skip(1))?;
    let scenario = match &args.file {
        Some(path) => Scenario::from_path(path),
        None => Scenario::parse(DEFAULT_SCENARIO, Format::Toml, DEFAULT_NAME),
    }
    .map_err(|e| Stop::Input(e.to_string()))?;

    let file_options = scenario.options();
    let mut options = SimulationOptions::new(args.seed.unwrap_or(file_options.seed()))
        .trials(args.trials.unwrap_or(file_options.trial_count()))
        .parallel(file_options.is_parallel());
    if args.csv.is_some() {
        options = options.record_trials(true);
    }
    let scenario = scenario.with_options(options);

    // Create the CSV directory before the run, so that a bad path costs no simulation time.
    if let Some(dir) = &args.csv {
        std::fs::create_dir_all(dir)
            .map_err(|e| Stop::Runtime(format!("cannot create {}: {e}", dir.display())))?;
    }

    let label = format!("simulating {} years", money(options.trial_count() as f64));
    let assessment = with_spinner(&label, || scenario.assess()).map_err(run_error)?;

    if let Some(dir) = &args.csv {
        let written = write_csv(dir, &assessment)?;
        let _ = writeln!(
            io::stderr(),
            "assess: wrote {} to {}",
            written.join(", "),
            dir.display()
        );
    }
    if args.json {
        let json = serde_json::to_string_pretty(&assessment)
            .map_err(|e| Stop::Runtime(format!("cannot write the JSON report: {e}")))?;
        print_stdout(&format!("{json}\n"))
    } else {
        print_stdout(&human_report(&scenario, &assessment, args.file.as_deref()))
    }
}

/// The exit class of an error from the simulation: input the user can fix (exit 2), or a
/// failure while running (exit 1).
fn run_error(e: Error) -> Stop {
    if e.is_input() {
        Stop::Input(e.to_string())
    } else {
        Stop::Runtime(e.to_string())
    }
}

/// Writes `text` to stdout. A closed pipe (`assess | head`) ends the program quietly.
fn print_stdout(text: &str) -> Result<(), Stop> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Stop::Runtime(format!("cannot write to stdout: {e}"))),
    }
}

/// Runs `work`; if stderr is a terminal and it takes more than 0.3 s, shows a spinner with the
/// elapsed time on stderr meanwhile, cleared at the end.
fn with_spinner<T>(label: &str, work: impl FnOnce() -> T) -> T {
    if !io::stderr().is_terminal() {
        return work();
    }
    let (done, finished) = mpsc::channel::<()>();
    let label = label.to_string();
    let spinner = std::thread::spawn(move || {
        const FRAMES: [char; 4] = ['|', '/', '-', '\\'];
        let start = Instant::now();
        let mut frame = 0;
        // Returns on the end of the work (the sender dropped, even by a panic).
        while let Err(RecvTimeoutError::Timeout) = finished.recv_timeout(Duration::from_millis(100))
        {
            let elapsed = start.elapsed().as_secs_f64();
            if elapsed >= 0.3 {
                let mut err = io::stderr().lock();
                let f = FRAMES[frame % FRAMES.len()];
                let _ = write!(err, "\r{f} {label}: {elapsed:.1} s ");
                let _ = err.flush();
                frame += 1;
            }
        }
        if frame > 0 {
            // Carriage return, then erase the line.
            let _ = write!(io::stderr(), "\r\x1b[2K");
        }
    });
    let result = work();
    drop(done);
    let _ = spinner.join();
    result
}

// ---------------------------------------------------------------------------------------------
// The report for a person

/// Column alignment.
#[derive(Clone, Copy, PartialEq)]
enum Align {
    Left,
    Right,
}
use Align::{Left, Right};

/// Appends an aligned table: a header row and rows of cells, indented by two spaces, columns
/// separated by two spaces, each as wide as its widest cell.
fn table(out: &mut String, header: &[&str], align: &[Align], rows: &[Vec<String>]) {
    // A name with a newline or a tab would break the columns: show control characters as spaces.
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            r.iter()
                .map(|c| {
                    c.chars()
                        .map(|ch| if ch.is_control() { ' ' } else { ch })
                        .collect()
                })
                .collect()
        })
        .collect();
    let rows = &rows[..];
    let width = |i: usize| {
        rows.iter()
            .map(|r| r[i].chars().count())
            .chain([header[i].chars().count()])
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..header.len()).map(width).collect();
    let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    for row in std::iter::once(&header).chain(rows) {
        let mut line = String::from(" ");
        for (i, cell) in row.iter().enumerate() {
            let pad = widths[i] - cell.chars().count();
            line.push(' ');
            if i > 0 {
                line.push(' ');
            }
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
        out.push_str(line.trim_end());
        out.push('\n');
    }
}

/// `value ± 1.96 se`, compact.
fn pm(value: f64, se: f64) -> String {
    format!("{} ± {}", short(value), short(1.96 * se))
}

/// A probability as a percentage with enough digits to be read: 42.1%, 3.25%, 0.012%.
fn pct(p: f64) -> String {
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

fn human_report(scenario: &Scenario, a: &Assessment, file: Option<&Path>) -> String {
    let mut out = String::new();
    let source = file.map_or(format!("{DEFAULT_NAME}, embedded"), |f| {
        f.display().to_string()
    });
    let finance = a.finance();
    let _ = writeln!(out, "{}  ({source})", a.scenario());
    let _ = writeln!(
        out,
        "  {} risks, {} controls; {} simulated years, seed {}; amounts in {} a year",
        a.risks().len(),
        a.controls().len(),
        money(a.trials() as f64),
        a.seed(),
        a.currency()
    );
    let _ = writeln!(
        out,
        "  costs over {} year{}, discounted at {} a year (upfront costs spread as an annuity)",
        finance.horizon_years(),
        if finance.horizon_years() == 1 {
            ""
        } else {
            "s"
        },
        level(finance.discount_rate())
    );

    loss_section(&mut out, scenario, a);
    lec_section(&mut out, a);
    tolerance_section(&mut out, a);
    risk_section(&mut out, a);
    function_section(&mut out, a);
    control_section(&mut out, a);
    out
}

fn loss_section(out: &mut String, scenario: &Scenario, a: &Assessment) {
    let (i, r) = (a.inherent(), a.residual());
    let _ = writeln!(
        out,
        "\nAnnual loss, without (inherent) and with (residual) the controls; [95% interval]"
    );
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
        let cell = |q: &csfquant::Quantile| {
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
        out,
        &["", "inherent", "residual"],
        &[Left, Right, Right],
        &rows,
    );
    if partial {
        let _ = writeln!(
            out,
            "  * too few years for this tail: the interval covers less than 95%; run more trials"
        );
    }
    if scenario.thresholds().is_empty() {
        let _ = writeln!(out, "  (the scenario gives no thresholds for P(loss > x))");
    }
}

/// Round losses 1, 2, 5 x 10^k from the lower of the two arms' 10% quantiles (or the smallest
/// simulated loss) to the inherent VaR 99.9%, thinned to at most 12.
fn lec_losses(a: &Assessment) -> Vec<f64> {
    let (inherent, residual) = (a.analysis().inherent(), a.analysis().residual());
    let positive = inherent.losses().iter().copied().find(|&x| x > 0.0);
    let (Some(smallest), Ok(low_i), Ok(low_r), Ok(top)) = (
        positive,
        inherent.quantile(0.1),
        residual.quantile(0.1),
        inherent.quantile(0.999),
    ) else {
        return Vec::new();
    };
    let lo = low_i.min(low_r).max(smallest);
    let mut grid = Vec::new();
    let mut decade = 10f64.powf(lo.log10().floor());
    while decade <= top && grid.len() < 100 {
        for m in [1.0, 2.0, 5.0] {
            let x = m * decade;
            if x >= lo && x <= top {
                grid.push(x);
            }
        }
        decade *= 10.0;
    }
    if grid.len() > 12 {
        grid.retain(|&x| (x / 10f64.powf(x.log10().floor()) - 1.0).abs() < 1e-9);
    }
    grid
}

fn lec_section(out: &mut String, a: &Assessment) {
    let grid = lec_losses(a);
    if grid.is_empty() {
        let _ = writeln!(out, "\nLoss exceedance curve: no simulated year has a loss");
        return;
    }
    let analysis = a.analysis();
    let _ = writeln!(out, "\nLoss exceedance curve: P(annual loss > x)");
    let rows: Vec<Vec<String>> = grid
        .iter()
        .map(|&x| {
            let pi = analysis.inherent().exceedance_probability(x).unwrap_or(0.0);
            let pr = analysis.residual().exceedance_probability(x).unwrap_or(0.0);
            // A frequency resting on a handful of simulated years is noise: say how many.
            let years = (pr * analysis.trials() as f64).round();
            let about = if years > 0.0 && years < 20.0 {
                let plural = if years == 1.0 { "" } else { "s" };
                format!("{} (from {years} simulated year{plural})", one_in(pr))
            } else {
                one_in(pr)
            };
            vec![short(x), pct(pi), pct(pr), about]
        })
        .collect();
    table(
        out,
        &["x", "inherent", "residual", "residual, about"],
        &[Right, Right, Right, Left],
        &rows,
    );
}

fn tolerance_section(out: &mut String, a: &Assessment) {
    let Some(t) = a.tolerance() else {
        let _ = writeln!(out, "\nRisk tolerance: the scenario states none");
        return;
    };
    let _ = writeln!(
        out,
        "\nRisk tolerance: P(annual loss > x) against the largest acceptable"
    );
    let mut noisy = false;
    let rows: Vec<Vec<String>> = t
        .points
        .iter()
        .zip(&t.inherent.points)
        .map(|(r, i)| {
            let unsure = r.ci95[0] <= r.limit && r.limit <= r.ci95[1];
            noisy |= unsure;
            let verdict = match (r.probability <= r.limit, unsure) {
                (true, false) => "met",
                (true, true) => "met (within noise)",
                (false, false) => "EXCEEDED",
                (false, true) => "EXCEEDED (within noise)",
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
        out,
        &["x", "limit", "inherent", "residual [95%]", "residual"],
        &[Right, Right, Right, Right, Left],
        &rows,
    );
    let yes = |met: bool| if met { "yes" } else { "NO" };
    let _ = writeln!(
        out,
        "  within tolerance: residual {}, inherent {}",
        yes(t.met),
        yes(t.inherent.met)
    );
    if noisy {
        let _ = writeln!(
            out,
            "  (within noise: the limit lies in the 95% interval; more trials would settle it)"
        );
    }
}

fn risk_section(out: &mut String, a: &Assessment) {
    let _ = writeln!(out, "\nExpected annual loss by risk");
    let rows: Vec<Vec<String>> = a
        .risks()
        .iter()
        .map(|r| {
            let change = if r.inherent_eal > 0.0 {
                signed_pct(r.residual_eal / r.inherent_eal - 1.0)
            } else {
                "".into()
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
        out,
        &["risk", "inherent ± 1.96 SE", "residual", "change", "name"],
        &[Left, Right, Right, Right, Left],
        &rows,
    );
}

fn function_section(out: &mut String, a: &Assessment) {
    if a.functions().is_empty() {
        let _ = writeln!(out, "\nNo controls: nothing is removed");
        return;
    }
    let _ = writeln!(
        out,
        "\nWho removes the loss: Shapley share of each CSF function (per year)"
    );
    let rows: Vec<Vec<String>> = a
        .functions()
        .iter()
        .map(|f| {
            vec![
                f.function.name().to_string(),
                short(f.annual_cost),
                short(f.eal_reduction),
                f.share.map_or("n/a".into(), pct),
            ]
        })
        .collect();
    table(
        out,
        &["function", "cost", "EAL cut", "share"],
        &[Left, Right, Right, Right],
        &rows,
    );
    let sum: f64 = a.functions().iter().map(|f| f.eal_reduction).sum();
    let _ = writeln!(
        out,
        "  total removed {} (= inherent EAL {} - residual EAL {}; the shares sum to {})",
        short(a.total_reduction()),
        short(a.inherent().expected_annual_loss),
        short(a.residual().expected_annual_loss),
        short(sum)
    );
}

fn control_section(out: &mut String, a: &Assessment) {
    if a.controls().is_empty() {
        return;
    }
    let years = a.finance().horizon_years();
    let _ = writeln!(
        out,
        "\nControls, best return first (per year; NPV over {years} year{})",
        if years == 1 { "" } else { "s" }
    );
    let mut ranked: Vec<_> = a.controls().iter().collect();
    // Free controls (no ROSI) last, by reduction.
    ranked.sort_by(|x, y| {
        let key =
            |c: &csfquant::ControlValue| (c.rosi.is_some(), c.rosi.unwrap_or(c.eal_reduction));
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
        out,
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
    );
    let _ = writeln!(
        out,
        "  EAL cut: how much the residual EAL rises if only this control is removed;\n  \
         alone: what the control removes by itself. Layered controls overlap, so the cuts\n  \
         do not add up (the Shapley shares above do).\n  \
         ROSI = (EAL cut - cost) / cost; cost = annual + upfront spread over the horizon."
    );
}

// ---------------------------------------------------------------------------------------------
// CSV files for pandas

/// One CSV field: numbers as Rust prints them (shortest exact form), text quoted when needed.
fn text_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) || s.starts_with(' ') || s.ends_with(' ') {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// A CSV header and rows for items that serialise as flat objects: the columns `first`, then
/// the other keys in alphabetical order; `null` (an absent ROSI, IRR, category) is an empty
/// cell, read as NaN by pandas.
fn table_of<T: serde::Serialize>(
    items: &[T],
    first: &[&str],
) -> Result<(String, Vec<String>), Stop> {
    use serde_json::Value;
    let objects: Vec<serde_json::Map<String, Value>> = items
        .iter()
        .map(|item| match serde_json::to_value(item) {
            Ok(Value::Object(map)) => Ok(map),
            _ => Err(Stop::Runtime("a report row is not a flat object".into())),
        })
        .collect::<Result<_, _>>()?;
    let mut columns: Vec<String> = first.iter().map(|c| c.to_string()).collect();
    if let Some(sample) = objects.first() {
        columns.extend(
            sample
                .keys()
                .filter(|k| !first.contains(&k.as_str()))
                .cloned(),
        );
    }
    let cell = |value: Option<&Value>| match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(text)) => text_field(text),
        Some(other) => other.to_string(),
    };
    let rows = objects
        .iter()
        .map(|object| {
            columns
                .iter()
                .map(|c| cell(object.get(c)))
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect();
    Ok((columns.join(","), rows))
}

/// Writes one CSV file: a header and the rows, each already a line of fields.
fn write_file(
    dir: &Path,
    name: &str,
    header: &str,
    rows: impl Iterator<Item = String>,
) -> Result<(), Stop> {
    let path = dir.join(name);
    let fail = |e: io::Error| Stop::Runtime(format!("cannot write {}: {e}", path.display()));
    let mut w = BufWriter::new(File::create(&path).map_err(fail)?);
    writeln!(w, "{header}").map_err(fail)?;
    for row in rows {
        writeln!(w, "{row}").map_err(fail)?;
    }
    w.flush().map_err(fail)
}

fn write_csv(dir: &Path, a: &Assessment) -> Result<Vec<&'static str>, Stop> {
    let arms = [("inherent", a.inherent()), ("residual", a.residual())];
    write_file(
        dir,
        "lec.csv",
        "arm,loss,probability",
        arms.iter().flat_map(|(arm, losses)| {
            losses
                .curve
                .iter()
                .map(move |p| format!("{arm},{},{}", p.loss, p.probability))
        }),
    )?;
    // One row per item, from the same serialisation as the JSON report: a field added to the
    // report appears here too.
    let (header, rows) = table_of(a.controls(), &["id", "name", "function", "category"])?;
    write_file(dir, "controls.csv", &header, rows.into_iter())?;
    let (header, rows) = table_of(a.risks(), &["id", "name"])?;
    write_file(dir, "risks.csv", &header, rows.into_iter())?;
    let (header, rows) = table_of(a.functions(), &["function"])?;
    write_file(dir, "functions.csv", &header, rows.into_iter())?;
    let Some((inherent, residual)) = a.analysis().trial_losses() else {
        return Err(Stop::Runtime(
            "the per-trial losses were not recorded".into(),
        ));
    };
    write_file(
        dir,
        "trials.csv",
        "trial,inherent,residual",
        inherent
            .iter()
            .zip(residual)
            .enumerate()
            .map(|(t, (i, r))| format!("{},{i},{r}", t + 1)),
    )?;
    Ok(vec![
        "lec.csv",
        "controls.csv",
        "risks.csv",
        "functions.csv",
        "trials.csv",
    ])
}
