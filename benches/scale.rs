//! Set-up cost at scale: a scenario of 100,000 risks (Bernoulli frequencies, fixed losses, as an
//! asset-level GRC export or an insurer's portfolio has) with one Protect control on all of
//! them, 200 simulated years, from the JSON text to the JSON report. Here the simulation is
//! small and every per-risk step (parsing, id checks, plan building, the per-risk sums, the
//! report) shows: each must be linear in the number of risks (issue 14). The target: under 2 s.
//!
//! `cargo bench --bench scale`. It also prints the fastest and median of 5 timed runs at
//! 25,000, 50,000 and 100,000 risks, so that the growth can be read off (linear: doubling the
//! risks doubles the time).

use std::hint::black_box;
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use csfquant::{Format, Scenario};

/// The scenario's JSON text with `n` risks.
fn scenario_json(n: usize) -> String {
    let risks: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"id":"asset-{i}","frequency":{{"bernoulli":{{"probability":0.01}}}},"magnitude":{{"fixed":{{"value":1000}}}}}}"#
            )
        })
        .collect();
    format!(
        r#"{{"name":"scale","simulation":{{"trials":200,"seed":1}},"risks":[{}],"controls":[{{"id":"patching","function":"protect","efficacy":0.5}}]}}"#,
        risks.join(",")
    )
}

fn parse_to_report(text: &str) -> usize {
    let scenario = Scenario::parse(text, Format::Json, "scale.json").expect("the scenario parses");
    let report = scenario.assess().expect("the assessment runs");
    report.to_json().len()
}

fn bench(c: &mut Criterion) {
    for n in [25_000, 50_000, 100_000] {
        let text = scenario_json(n);
        let mut times: Vec<f64> = (0..5)
            .map(|_| {
                let t = Instant::now();
                black_box(parse_to_report(&text));
                t.elapsed().as_secs_f64()
            })
            .collect();
        times.sort_by(f64::total_cmp);
        println!(
            "{n} risks x 1 control x 200 years, parse to report: fastest {:.3} s, median {:.3} s",
            times[0], times[2]
        );
    }
    let text = scenario_json(100_000);
    let mut group = c.benchmark_group("scale_100k_risks_200_years");
    group.sample_size(10);
    group.bench_function("parse_to_report", |b| {
        b.iter(|| black_box(parse_to_report(&text)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
