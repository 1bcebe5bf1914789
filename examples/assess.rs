//! assess: the main job of csfquant. Reads a scenario file (risks, controls, finance, thresholds,
//! tolerance; see SCENARIO.md), simulates it with and without its controls on the same events,
//! and reports what the risk is and what each control is worth.
//!
//! ```sh
//! cargo run --release --example assess                       # the embedded default scenario
//! cargo run --release --example assess -- FILE.toml          # or FILE.json
//! cargo run --release --example assess -- FILE --json        # the JSON report, for scripts
//! cargo run --release --example assess -- FILE --csv out     # tidy CSV files for pandas
//! cargo run --release --example assess -- FILE --html r.html # one self-contained page
//! cargo run --release --example assess -- FILE --svg charts  # lec, functions, controls, contributions, parties .svg
//! ```
//!
//! The report is the library's (`Assessment::text`, `to_json_pretty`, `write_csv`, `html`,
//! `lec_svg`, `functions_svg`, `controls_svg`, `contributions_svg`, and `parties_svg` where
//! there are parties or groups); this program reads the command line, runs the scenario and prints.
//!
//! Exit codes: 0 done, 1 a failure while running (out of memory, a file that cannot be written),
//! 2 bad input (a bad flag or number, a missing or invalid scenario file).

use std::ffi::{OsStr, OsString};
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use csfquant::{Error, Format, HtmlOptions, Scenario, SimulationOptions};

#[path = "support/money.rs"]
mod money;
use money::money;

/// The scenario run without a FILE argument.
const DEFAULT_SCENARIO: &str = include_str!("data/default.toml");
const DEFAULT_NAME: &str = "examples/data/default.toml";

const USAGE: &str = "\
assess: cyber risk in money, with and without the controls of a scenario

usage: assess [FILE] [--json] [--trials N] [--seed S] [--csv DIR] [--html FILE] [--svg DIR]

  FILE         a scenario file, .toml or .json (see SCENARIO.md); without it, the
               embedded default scenario (examples/data/default.toml)
  --json       print the report as JSON (format version 1) and nothing else on stdout
  --trials N   simulate N years instead of the file's count (e.g. 1000000, 1_000_000, 1e6)
  --seed S     use seed S instead of the file's
  --csv DIR    also write lec.csv, controls.csv, risks.csv, functions.csv, summary.csv,
               contributions.csv and trials.csv (one row per simulated year: 16 bytes
               more memory per year) into DIR
  --html FILE  also write the report as one self-contained HTML page (charts, tables)
  --svg DIR    also write the charts lec.svg, functions.svg, controls.svg, contributions.svg
               and (with parties or groups) parties.svg into DIR
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
#[derive(Default)]
struct Args {
    file: Option<PathBuf>,
    json: bool,
    trials: Option<u64>,
    seed: Option<u64>,
    csv: Option<PathBuf>,
    html: Option<PathBuf>,
    svg: Option<PathBuf>,
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
            "--csv" | "--html" | "--svg" => {
                let what = if name == "--html" {
                    "a file"
                } else {
                    "a directory"
                };
                let path = value(what)?;
                // `--csv --json` is a forgotten directory, not a directory named `--json`
                // (`--csv=-x` still names one).
                if inline.is_none() && path.to_string_lossy().starts_with('-') {
                    return Err(Stop::Input(format!(
                        "{name} needs {what}, not the option {}; see --help",
                        path.to_string_lossy()
                    )));
                }
                let slot = match name {
                    "--csv" => &mut parsed.csv,
                    "--html" => &mut parsed.html,
                    _ => &mut parsed.svg,
                };
                *slot = Some(PathBuf::from(path));
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

    let file_options = scenario.options();
    let mut options = SimulationOptions::new(args.seed.unwrap_or(file_options.seed()))
        .trials(args.trials.unwrap_or(file_options.trial_count()))
        .parallel(file_options.is_parallel());
    if args.csv.is_some() {
        options = options.record_trials(true);
    }
    let scenario = scenario.with_options(options);

    // Create the output directories before the run, so that a bad path costs no simulation time.
    for dir in [&args.csv, &args.svg].into_iter().flatten() {
        std::fs::create_dir_all(dir)
            .map_err(|e| Stop::Runtime(format!("cannot create {}: {e}", dir.display())))?;
    }

    let label = format!("simulating {} years", money(options.trial_count() as f64));
    let assessment = with_spinner(&label, || scenario.assess()).map_err(run_error)?;

    if let Some(dir) = &args.csv {
        let written = assessment
            .write_csv(dir)
            .map_err(|e| Stop::Runtime(e.to_string()))?;
        let names: Vec<_> = written
            .iter()
            .filter_map(|path| path.file_name())
            .map(|name| name.to_string_lossy())
            .collect();
        let _ = writeln!(
            io::stderr(),
            "assess: wrote {} to {}",
            names.join(", "),
            dir.display()
        );
    }
    let source = args.file.as_deref().map_or_else(
        || format!("{DEFAULT_NAME}, embedded"),
        |f| f.display().to_string(),
    );
    let write = |path: &Path, text: &str| {
        std::fs::write(path, text)
            .map_err(|e| Stop::Runtime(format!("cannot write {}: {e}", path.display())))?;
        let _ = writeln!(io::stderr(), "assess: wrote {}", path.display());
        Ok::<(), Stop>(())
    };
    if let Some(path) = &args.html {
        write(path, &assessment.html(&HtmlOptions::new().source(&source)))?;
    }
    if let Some(dir) = &args.svg {
        write(&dir.join("lec.svg"), &assessment.lec_svg())?;
        write(&dir.join("functions.svg"), &assessment.functions_svg())?;
        write(&dir.join("controls.svg"), &assessment.controls_svg())?;
        if let Some(svg) = assessment.contributions_svg() {
            write(&dir.join("contributions.svg"), &svg)?;
        }
        if let Some(svg) = assessment.parties_svg() {
            write(&dir.join("parties.svg"), &svg)?;
        }
    }
    if args.json {
        print_stdout(&format!("{}\n", assessment.to_json_pretty()))
    } else {
        print_stdout(&assessment.text().source(&source).to_string())
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
