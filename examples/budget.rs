//! budget: which candidate controls to buy. Reads a scenario file whose controls include
//! candidates (`status = "candidate"`; see SCENARIO.md, "Candidates and budgets"), finds the
//! whole frontier of candidate sets (annualised cost vs residual EAL, proven by branch and
//! bound up to 30 candidates), the best set at each budget, and the Gordon-Loeb context.
//!
//! ```sh
//! cargo run --release --example budget                          # the embedded default scenario
//! cargo run --release --example budget -- --budget 600000       # the best set for 600k a year
//! cargo run --release --example budget -- FILE --objective net_benefit
//! cargo run --release --example budget -- FILE --json           # the budget report, for scripts
//! cargo run --release --example budget -- FILE --csv out        # frontier.csv, choices.csv, plans.csv
//! ```
//!
//! Exit codes: 0 done, 1 a failure while running, 2 bad input.

use std::ffi::{OsStr, OsString};
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use csfquant::budget::Objective;
use csfquant::{Error, Format, HtmlOptions, Scenario, SimulationOptions};

#[path = "support/money.rs"]
mod money;
use money::money;

/// The scenario run without a FILE argument.
const DEFAULT_SCENARIO: &str = include_str!("data/default.toml");
const DEFAULT_NAME: &str = "examples/data/default.toml";

const USAGE: &str = "\
budget: the candidate controls to buy, the frontier of cost vs residual loss

usage: budget [FILE] [--budget X]... [--objective O] [--json] [--trials N] [--seed S] [--csv DIR]
              [--svg DIR] [--html FILE]

  FILE           a scenario file, .toml or .json, with candidate controls (status =
                 \"candidate\"); without it, the embedded default scenario
  --budget X     the best set for an annualised budget of X (repeatable; replaces the
                 file's budget.annual)
  --objective O  eal (least residual EAL, the default), net_benefit (most EAL cut minus
                 cost); var99 and tvar99 are ranked by EAL until the tail search is merged
  --json         print the budget report as JSON and nothing else on stdout
  --trials N     simulate N years instead of the file's count
  --seed S       use seed S instead of the file's
  --csv DIR      also write frontier.csv, choices.csv and plans.csv into DIR
  --svg DIR      also write the frontier chart, frontier.svg, into DIR
  --html FILE    also write the report as one self-contained page (the chart and the tables)
  -h, --help     show this help

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
    let _ = writeln!(io::stderr(), "budget: {message}");
    ExitCode::from(code)
}

/// The command line.
#[derive(Default)]
struct Args {
    file: Option<PathBuf>,
    json: bool,
    trials: Option<u64>,
    seed: Option<u64>,
    csv: Option<PathBuf>,
    svg: Option<PathBuf>,
    html: Option<PathBuf>,
    budgets: Vec<f64>,
    objective: Option<Objective>,
}

fn parse_args(mut args: impl Iterator<Item = OsString>) -> Result<Args, Stop> {
    let mut parsed = Args::default();
    let mut options_done = false;
    while let Some(arg) = args.next() {
        let text = arg.to_str();
        let flag = match text {
            Some(t) if !options_done && t.starts_with('-') && t != "-" => t,
            _ => {
                if let Some(first) = &parsed.file {
                    return Err(Stop::Input(format!(
                        "more than one scenario file ({} and {}); see --help",
                        first.display(),
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
        let mut value = |what: &str| -> Result<OsString, Stop> {
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
                let max = SimulationOptions::MAX_TRIALS;
                let limit = format!(
                    "{} years (SimulationOptions::MAX_TRIALS)",
                    money(max as f64)
                );
                parsed.trials = Some(parse_count(name, &v, max, &limit)?);
            }
            "--seed" => {
                let v = value("a seed (a whole number)")?;
                parsed.seed = Some(parse_count(name, &v, u64::MAX, "18446744073709551615")?);
            }
            "--csv" | "--svg" | "--html" => {
                let what = if name == "--html" {
                    "a file"
                } else {
                    "a directory"
                };
                let path = value(what)?;
                if inline.is_none() && path.to_string_lossy().starts_with('-') {
                    return Err(Stop::Input(format!(
                        "{name} needs {what}, not the option {}; see --help",
                        path.to_string_lossy()
                    )));
                }
                let path = Some(PathBuf::from(path));
                match name {
                    "--csv" => parsed.csv = path,
                    "--svg" => parsed.svg = path,
                    _ => parsed.html = path,
                }
            }
            "--budget" => {
                let v = value("an amount")?;
                let shown = v.to_string_lossy().to_string();
                let text: String = shown.chars().filter(|&c| c != '_' && c != ',').collect();
                match text.parse::<f64>() {
                    Ok(x) if x >= 0.0 && x.is_finite() => parsed.budgets.push(x),
                    _ => {
                        return Err(Stop::Input(format!(
                            "--budget: {shown:?} is not an amount >= 0 (e.g. 600000 or 6e5)"
                        )));
                    }
                }
            }
            "--objective" => {
                let v = value("an objective")?;
                let shown = v.to_string_lossy().to_string();
                parsed.objective = Some(Objective::parse(&shown).ok_or_else(|| {
                    Stop::Input(format!(
                        "--objective: {shown:?} is not one of eal, net_benefit, var99, tvar99"
                    ))
                })?);
            }
            _ => return Err(Stop::Input(format!("unknown option {flag}; see --help"))),
        }
    }
    Ok(parsed)
}

/// A whole number from 0 to `max` (named `limit` in the message): digits with optional `_` or
/// `,` separators, or an exact float such as `1e6`.
fn parse_count(flag: &str, value: &OsStr, max: u64, limit: &str) -> Result<u64, Stop> {
    let shown = value.to_string_lossy();
    let bad = || {
        Stop::Input(format!(
            "{flag}: {shown:?} is not a whole number >= 0 (e.g. 100000, 100_000 or 1e5)"
        ))
    };
    let too_large = || Stop::Input(format!("{flag}: {shown:?} is too large: at most {limit}"));
    let text: String = value
        .to_str()
        .ok_or_else(bad)?
        .chars()
        .filter(|&c| c != '_' && c != ',')
        .collect();
    // Digits beyond u64 fall through to the float, which says how large they are.
    if let Ok(n) = text.parse::<u64>() {
        return if n <= max { Ok(n) } else { Err(too_large()) };
    }
    match text.parse::<f64>() {
        Ok(x) if x >= 0.0 && x.is_finite() && x.fract() == 0.0 => {
            if x > max as f64 {
                Err(too_large())
            } else if x > 9_007_199_254_740_992.0 {
                // Beyond 2^53 a float may be a rounded neighbour of the number written.
                Err(Stop::Input(format!(
                    "{flag}: {shown:?} is not exact as a float: write it in digits"
                )))
            } else {
                Ok(x as u64)
            }
        }
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
    if scenario.model().candidates().is_empty() {
        return Err(Stop::Input(format!(
            "{}: no candidate controls (mark the options with status = \"candidate\")",
            args.file
                .as_deref()
                .map_or(DEFAULT_NAME.into(), |f| f.display().to_string())
        )));
    }

    let file_options = scenario.options();
    let options = SimulationOptions::new(args.seed.unwrap_or(file_options.seed()))
        .trials(args.trials.unwrap_or(file_options.trial_count()))
        .parallel(file_options.is_parallel());
    let scenario = scenario.with_options(options);
    let mut budget = scenario.budget().cloned().unwrap_or_default();
    if !args.budgets.is_empty() {
        budget = budget
            .with_annual(args.budgets.clone())
            .map_err(|e| Stop::Input(format!("--budget: {e}")))?;
    }
    if let Some(objective) = args.objective {
        budget = budget.with_objective(objective);
    }
    let scenario = scenario
        .with_budget(budget)
        .map_err(|e| Stop::Input(e.to_string()))?;
    for dir in [&args.csv, &args.svg].into_iter().flatten() {
        std::fs::create_dir_all(dir)
            .map_err(|e| Stop::Runtime(format!("cannot create {}: {e}", dir.display())))?;
    }

    let label = format!(
        "searching {} candidates, simulating {} years a set",
        scenario.model().candidates().len(),
        money(options.trial_count() as f64)
    );
    let report = with_spinner(&label, || scenario.budget_report()).map_err(run_error)?;

    if let Some(dir) = &args.csv {
        let written = report
            .write_csv(dir)
            .map_err(|e| Stop::Runtime(e.to_string()))?;
        let names: Vec<_> = written
            .iter()
            .filter_map(|path| path.file_name())
            .map(|name| name.to_string_lossy())
            .collect();
        let _ = writeln!(
            io::stderr(),
            "budget: wrote {} to {}",
            names.join(", "),
            dir.display()
        );
    }
    let write = |path: &Path, text: &str| {
        std::fs::write(path, text)
            .map_err(|e| Stop::Runtime(format!("cannot write {}: {e}", path.display())))?;
        let _ = writeln!(io::stderr(), "budget: wrote {}", path.display());
        Ok::<(), Stop>(())
    };
    if let Some(dir) = &args.svg {
        write(&dir.join("frontier.svg"), &report.frontier_svg())?;
    }
    if let Some(path) = &args.html {
        let source = args
            .file
            .as_deref()
            .map_or(format!("{DEFAULT_NAME}, embedded"), |f| {
                f.display().to_string()
            });
        write(path, &report.html(&HtmlOptions::new().source(&source)))?;
    }
    if args.json {
        print_stdout(&format!("{}\n", report.to_json_pretty()))
    } else {
        print_stdout(&report.to_string())
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
