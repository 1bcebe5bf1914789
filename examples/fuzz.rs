//! fuzz: the generated-scenario suite in its long mode (issue 14, item 7).
//!
//! ```sh
//! cargo run --release --example fuzz -- --cases 100000            # cases 0..100000
//! cargo run --release --example fuzz -- --from 5000 --cases 1000  # cases 5000..6000
//! cargo run --release --example fuzz -- --show 1234               # one case: text and outcome
//! cargo run --release --example fuzz -- --show 1234 --text        # its text only (not run)
//! cargo run --release --example fuzz -- --cases 100 --list         # one line per case
//! cargo run --release --example fuzz -- --parse-peak FILE.toml    # heap peak of reading a file
//! ```
//!
//! Each case is a generated scenario (even numbers) or a token-level mutation of a shipped one
//! (odd numbers), run through parse, write and read back, assess (at most 200 trials) and every
//! output; see `tests/generated_cases.rs`. Prints the cases, how many parsed and ran, the errors
//! by kind, the failures by class with the first case of each, the slowest case and the largest
//! peak of heap memory of one case (a counting allocator). `cargo test` runs the short mode
//! (`tests/generated.rs`). Exit code 1 if any case failed.

use std::alloc::{GlobalAlloc, Layout, System};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

#[path = "../tests/generated_cases.rs"]
mod cases;

/// The system allocator, counting the bytes in use and their peak.
struct Counting;

static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call goes to the system allocator unchanged; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as the caller's contract for `alloc`.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = IN_USE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as the caller's contract for `dealloc`.
        unsafe { System.dealloc(ptr, layout) };
        IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as the caller's contract for `realloc`.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                let now = IN_USE.fetch_add(new_size - layout.size(), Ordering::Relaxed)
                    + (new_size - layout.size());
                PEAK.fetch_max(now, Ordering::Relaxed);
            } else {
                IN_USE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn main() -> ExitCode {
    let mut from = 0u64;
    let mut count = 10_000u64;
    let mut show = None;
    let mut list = false;
    let mut text_only = false;
    let mut parse_peak = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .and_then(|v| v.replace('_', "").parse::<u64>().ok())
                .unwrap_or_else(|| {
                    eprintln!("{arg} needs a whole number");
                    std::process::exit(2)
                })
        };
        match arg.as_str() {
            "--cases" => count = value(),
            "--from" => from = value(),
            "--show" => show = Some(value()),
            "--list" => list = true,
            "--text" => text_only = true,
            "--parse-peak" => {
                parse_peak = Some(args.next().unwrap_or_else(|| {
                    eprintln!("--parse-peak needs a scenario file");
                    std::process::exit(2)
                }))
            }
            _ => {
                eprintln!(
                    "usage: fuzz [--cases N] [--from K] [--show K [--text]] [--list] \
                     [--parse-peak FILE]"
                );
                return ExitCode::from(2);
            }
        }
    }
    if let Some(path) = parse_peak {
        return measure_parse(&path);
    }
    // Panics are caught and reported as failures; their default message would only repeat it.
    std::panic::set_hook(Box::new(|_| {}));
    let sources = cases::seeds();
    let limits = cases::RunLimits {
        csv: Some("csfquant-fuzz-csv"),
        ..cases::RunLimits::default()
    };
    if let (Some(k), true) = (show, text_only) {
        let (name, format, text) = cases::case_text(k, &sources);
        println!("case {name} ({format:?}, {} bytes)\n{text}", text.len());
        return ExitCode::SUCCESS;
    }
    if let Some(k) = show {
        let (name, text, format, outcome) = cases::case(k, &sources, &limits);
        println!(
            "case {name} ({format:?}, {} bytes)\n{text}\n=> {outcome:?}",
            text.len()
        );
        return ExitCode::SUCCESS;
    }
    let mut tally = cases::Tally::default();
    let start = Instant::now();
    let mut slowest = (Duration::ZERO, 0);
    let mut peak = (0usize, 0);
    for k in from..from + count {
        let base = IN_USE.load(Ordering::Relaxed);
        PEAK.store(base, Ordering::Relaxed);
        let t = Instant::now();
        let (name, text, format, outcome) = cases::case(k, &sources, &limits);
        let took = t.elapsed();
        let used = PEAK.load(Ordering::Relaxed).saturating_sub(base);
        if took > slowest.0 {
            slowest = (took, k);
        }
        if used > peak.0 {
            peak = (used, k);
        }
        if list {
            let line = format!("{name} ({:.3} s): {outcome:?}", took.as_secs_f64());
            println!("{}", line.chars().take(400).collect::<String>());
        }
        tally.add(&name, &text, format, &outcome);
        if (k + 1 - from).is_multiple_of(10_000) {
            eprintln!(
                "{} cases, {:.0} s, {} failures",
                k + 1 - from,
                start.elapsed().as_secs_f64(),
                tally.failures.values().sum::<u64>()
            );
        }
    }
    print!("{}", tally.summary());
    println!(
        "time {:.1} s ({:.2} ms a case); slowest case {} ({:.2} s); largest heap peak of a case {} ({:.1} MB)",
        start.elapsed().as_secs_f64(),
        start.elapsed().as_secs_f64() * 1e3 / count.max(1) as f64,
        slowest.1,
        slowest.0.as_secs_f64(),
        peak.1,
        peak.0 as f64 / 1e6
    );
    if tally.failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Reads the scenario file at `path` (its text already in memory) and prints the heap peak of
/// parsing it, in bytes and per byte of text.
fn measure_parse(path: &str) -> ExitCode {
    let format = if path.ends_with(".json") {
        csfquant::Format::Json
    } else {
        csfquant::Format::Toml
    };
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::from(2);
        }
    };
    let base = IN_USE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let t = Instant::now();
    let outcome = csfquant::Scenario::parse(&text, format, path).map(|s| s.model().risks().len());
    let took = t.elapsed();
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(base);
    println!(
        "{path}: {} bytes, parse {:.2} s, heap peak {:.1} MB ({:.1} bytes a byte of text): {}",
        text.len(),
        took.as_secs_f64(),
        peak as f64 / 1e6,
        peak as f64 / text.len().max(1) as f64,
        match outcome {
            Ok(risks) => format!("{risks} risks"),
            Err(e) => format!(
                "refused: {}",
                e.to_string().chars().take(200).collect::<String>()
            ),
        }
    );
    ExitCode::SUCCESS
}
