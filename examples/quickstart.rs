//! Quickstart: a three-risk portfolio built in code, simulated for a million years.
//!
//! `cargo run --release --example quickstart`
//!
//! Prints the expected annual loss (with its Monte Carlo standard error and the analytic value),
//! the 1-in-100-year loss (VaR 99%) with its 95% interval, the tail mean beyond it (TVaR 99%), and
//! a few points of the loss exceedance curve.

use csfquant::{Frequency, Magnitude, Model, Risk, SimulationOptions};

#[path = "support/money.rs"]
mod money;
use money::money;

fn main() -> Result<(), csfquant::Error> {
    let model = Model::new(vec![
        // DOMAIN.md section 4: ransomware succeeds on average once every two years (Poisson 0.5),
        // costing between 10k and 1M (90% interval) each time.
        Risk::new(
            "ransomware",
            Frequency::poisson(0.5)?,
            Magnitude::lognormal_ci90(10_000.0, 1_000_000.0)?,
        )?
        .with_name("Ransomware on the corporate network")
        .with_csf(["PR.PS", "DE.CM", "RC.RP"])?,
        // Business email compromise: 1 to 4 attempts that succeed a year (uncertain rate),
        // each costing 10k to 900k, most likely 60k.
        Risk::new(
            "bec",
            Frequency::poisson_ci90(1.0, 4.0)?,
            Magnitude::pert(10_000.0, 60_000.0, 900_000.0)?,
        )?
        .with_name("Business email compromise")
        .with_csf(["PR.AT", "PR.AA"])?,
        // A serious cloud data breach: at most once a year, 5% chance, heavy-tailed cost capped
        // at the 50M the business could lose at worst.
        Risk::new(
            "cloud-breach",
            Frequency::bernoulli(0.05)?,
            Magnitude::lognormal_ci90(500_000.0, 20_000_000.0)?.with_cap(50_000_000.0)?,
        )?
        .with_name("Cloud data breach")
        .with_csf(["PR.DS", "DE.CM", "RS.MI"])?,
    ])?;

    let trials = 1_000_000;
    let report = model.simulate(SimulationOptions::new(2027).trials(trials))?;
    let losses = report.portfolio();

    println!(
        "csfquant quickstart: {} risks, {} simulated years, seed {}",
        model.risks().len(),
        report.trials(),
        report.seed()
    );
    println!();
    println!(
        "Expected annual loss  {:>14} per year  (+- {} standard error; analytic {})",
        money(losses.expected_annual_loss()),
        money(losses.standard_error()),
        money(model.expected_annual_loss()),
    );
    println!(
        "P(any loss in a year) {:>14.4}",
        losses.probability_of_loss()
    );
    let var99 = losses.quantile_with_interval(0.99)?;
    println!(
        "VaR 99% (1 in 100)    {:>14} per year  (95% interval {} to {})",
        money(var99.loss),
        money(var99.ci95[0]),
        money(var99.ci95[1]),
    );
    println!(
        "TVaR 99%              {:>14} per year  (mean of the worst 1% of years)",
        money(losses.tail_mean(0.99)?)
    );
    println!();
    println!(
        "  {:<14} {:>14}    {:<9} {:>14}",
        "risk", "simulated EAL", "SE", "analytic EAL"
    );
    for (risk, sim) in model.risks().iter().zip(report.risks()) {
        println!(
            "  {:<14} {:>14} +- {:<9} {:>14}",
            risk.id(),
            money(sim.expected_annual_loss),
            money(sim.standard_error),
            money(risk.expected_annual_loss()),
        );
    }
    println!();
    println!("Loss exceedance curve: P(annual loss > x)");
    for x in [100_000.0, 250_000.0, 1_000_000.0, 5_000_000.0, 20_000_000.0] {
        println!(
            "  x = {:>12}   {:.5}",
            money(x),
            losses.exceedance_probability(x)?
        );
    }
    Ok(())
}
