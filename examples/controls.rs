//! Controls: what a small company's security controls are worth, by NIST CSF 2.0 function, and
//! small models whose numbers a reader can check by hand against DOMAIN.md.
//!
//! `cargo run --release --example controls`
//!
//! Part 1 values seven controls covering all six CSF functions for a company with five risks:
//! the annual loss without and with the controls, the controls ranked by ROSI, each function's
//! Shapley share of the loss removed, the effect on each risk, and the board's tolerance curve.
//! Part 2 reruns the worked examples of DOMAIN.md §4, §6 and §8 and prints each result next to
//! the value given there.

use csfquant::{
    BreachFunction, Control, ControlValue, Cost, Efficacy, Error, Finance, Frequency, Function,
    Magnitude, Model, Risk, SimulationOptions, ToleranceCurve, Transfer, gordon_loeb_bound, rosi,
};

#[path = "support/money.rs"]
mod money;
use money::{money, short};

fn main() -> Result<(), Error> {
    value_controls(&company()?)?;
    check_by_hand()
}

/// A 250-person company: five risks and seven controls covering all six CSF functions.
fn company() -> Result<Model, Error> {
    // Each magnitude is a calibrated 90% interval (5th and 95th percentiles) or a PERT estimate.
    let risks = vec![
        // Ransomware: about once in seven years, 150k to 6M per event.
        Risk::new(
            "ransomware",
            Frequency::poisson(0.15)?,
            Magnitude::lognormal_ci90(150e3, 6e6)?,
        )?
        .with_csf(["PR.PS", "DE.CM", "RS.MI", "RC.RP"])?,
        // Business email compromise: 0.5 to 3 successful frauds a year (the rate is uncertain).
        Risk::new(
            "bec",
            Frequency::poisson_ci90(0.5, 3.0)?,
            Magnitude::pert(10e3, 50e3, 600e3)?,
        )?
        .with_csf(["PR.AT", "PR.AA"])?,
        // Cloud data breach: at most once a year, 4% chance; notification, fines and lawsuits,
        // capped at the 40M the company could lose at worst.
        Risk::new(
            "cloud-breach",
            Frequency::bernoulli(0.04)?,
            Magnitude::lognormal_ci90(300e3, 12e6)?.with_cap(40e6)?,
        )?
        .with_csf(["PR.DS", "DE.CM", "GV.SC"])?,
        // DDoS: about one outage a year, mostly short.
        Risk::new(
            "ddos",
            Frequency::poisson(0.8)?,
            Magnitude::lognormal_ci90(5e3, 150e3)?,
        )?
        .with_csf(["PR.IR", "DE.CM"])?,
        // Insider misuse: rare and clustered (variance twice the mean).
        Risk::new(
            "insider",
            Frequency::negative_binomial(0.2, 0.4)?,
            Magnitude::pert(20e3, 100e3, 1.5e6)?,
        )?
        .with_csf(["PR.AA", "DE.AE"])?,
    ];

    // Cost::new(upfront, annual). Efficacies are fractions removed, uncertain where we are unsure.
    let controls = vec![
        // Govern: the insurance decision (GV.RM-04). It pays per event above a 250k deductible,
        // up to 2M an event and 3M a year. The premium is its annual cost: 100k, about 1.7 times
        // what it is expected to pay with the other controls in place.
        Control::new("insurance", Function::Govern)?
            .with_category("GV.RM")?
            .with_cost(Cost::new(0.0, 100e3)?)
            .with_transfer(Transfer::new(250e3, 2e6)?.with_aggregate_limit(3e6)?)?,
        // Identify has no natural lever, so the effect is explicit: unmanaged assets are where
        // attacks land, and finding them prevents a few events of every kind.
        Control::new("inventory", Function::Identify)?
            .with_category("ID.AM")?
            .with_cost(Cost::new(25e3, 15e3)?)
            .with_frequency_efficacy(Efficacy::triangular(0.0, 0.05, 0.15)?)?,
        // Protect: the shorthand efficacy is the fraction of events prevented. MFA stops most
        // credential-based entry; filtering stops some phishing that leads to fraud or malware.
        Control::new("mfa", Function::Protect)?
            .with_category("PR.AA")?
            .with_cost(Cost::new(30e3, 24e3)?)
            .applies_to(["ransomware", "bec", "cloud-breach", "insider"])
            .with_efficacy(Efficacy::pert(0.2, 0.4, 0.6)?)?,
        Control::new("email-filter", Function::Protect)?
            .with_category("PR.IR")?
            .with_cost(Cost::new(0.0, 18e3)?)
            .applies_to(["ransomware", "bec"])
            .with_efficacy(Efficacy::uniform(0.1, 0.3)?)?,
        // Detect, Respond, Recover: the shorthand efficacy is the fraction of each loss removed:
        // caught earlier (EDR), contained faster (an incident-response retainer), or restored
        // without paying or rebuilding (immutable backups, which matter only for ransomware).
        Control::new("edr", Function::Detect)?
            .with_category("DE.CM")?
            .with_cost(Cost::new(20e3, 60e3)?)
            .applies_to(["ransomware", "cloud-breach", "insider"])
            .with_efficacy(Efficacy::pert(0.1, 0.25, 0.4)?)?,
        Control::new("ir-retainer", Function::Respond)?
            .with_category("RS.MA")?
            .with_cost(Cost::new(0.0, 25e3)?)
            .with_efficacy(Efficacy::uniform(0.05, 0.15)?)?,
        Control::new("backups", Function::Recover)?
            .with_category("RC.RP")?
            .with_cost(Cost::new(40e3, 20e3)?)
            .applies_to(["ransomware"])
            .with_efficacy(Efficacy::pert(0.2, 0.4, 0.6)?)?,
    ];

    Model::new(risks)?.with_controls(controls)
}

/// Part 1: simulates the company with and without its controls and values each control.
fn value_controls(model: &Model) -> Result<(), Error> {
    // Costs and benefits over 3 years at 8%: the upfront cost is spread as an annuity.
    let finance = Finance::new(3, 0.08)?;
    let a = model.analyze(SimulationOptions::new(2027).trials(200_000), finance)?;

    println!(
        "PART 1: a small company, {} risks, {} controls, {} simulated years (seed {})",
        model.risks().len(),
        model.controls().len(),
        money(a.trials() as f64),
        a.seed()
    );
    println!("\nAnnual loss       EAL +- SE   VaR 99%  TVaR 99%");
    for (label, losses) in [("inherent", a.inherent()), ("residual", a.residual())] {
        println!(
            "  {label:<9}{:>16} {:>9} {:>9}",
            plus_minus(losses.expected_annual_loss(), losses.standard_error()),
            short(losses.quantile(0.99)?),
            short(losses.tail_mean(0.99)?)
        );
    }

    // Ranked by ROSI = (EAL cut - annual cost) / annual cost; a free control (no ROSI) would go
    // last. The EAL cut is marginal: what the full set loses without this control. "alone" is
    // what the control removes on its own: far more, because layered controls overlap (an
    // event MFA prevents cannot also be cut by EDR or paid by the insurer). Insurance costs
    // more than it pays back on average; its value is in the tail, which dVaR99 and dTVaR99
    // show: how much the 1-in-100-year loss (and the mean beyond it) would rise without it.
    let mut ranked: Vec<&ControlValue> = a.controls().iter().collect();
    let key = |c: &ControlValue| c.rosi.unwrap_or(f64::NEG_INFINITY);
    ranked.sort_by(|x, y| key(y).total_cmp(&key(x)));
    println!("\nControls, best return first (per year, except NPV over the 3 years)");
    println!(
        "  {:<13}{:<9}{:>8} {:>15} {:>8} {:>7} {:>8} {:>8} {:>8}",
        "control", "function", "cost", "EAL cut +- SE", "alone", "ROSI", "NPV", "dVaR99", "dTVaR99"
    );
    for c in ranked {
        println!(
            "  {:<13}{:<9}{:>8} {:>15} {:>8} {:>7} {:>8} {:>8} {:>8}",
            c.id,
            c.function.name(),
            short(c.annual_cost),
            plus_minus(c.eal_reduction, c.eal_reduction_se),
            short(c.standalone_reduction),
            c.rosi.map_or("n/a".to_string(), percent),
            short(c.npv),
            short(c.var99_reduction),
            short(c.tvar99_reduction)
        );
    }

    // Controls overlap (two controls cannot both remove the same loss), so the marginal
    // reductions above do not add up. Shapley shares do: each function's contribution averaged
    // over every order in which the six functions could be added.
    println!("\nShapley share of the loss removed, by CSF function (per year)");
    println!("  function     cost   EAL cut   share");
    for f in a.functions() {
        println!(
            "  {:<9}{:>8} {:>9} {:>7}",
            f.function.name(),
            short(f.annual_cost),
            short(f.eal_reduction),
            f.share.map_or("n/a".to_string(), percent1)
        );
    }
    let sum: f64 = a.functions().iter().map(|f| f.eal_reduction).sum();
    println!(
        "  sum of shares {} = inherent EAL - residual EAL {}",
        money(sum),
        money(a.total_reduction())
    );

    println!("\nExpected annual loss by risk");
    for r in a.risks() {
        println!(
            "  {:<13}{:>8} -> {:>8}  ({:+.0}%)",
            r.id,
            short(r.inherent_eal),
            short(r.residual_eal),
            100.0 * (r.residual_eal / r.inherent_eal - 1.0)
        );
    }

    // The board's risk tolerance (Hubbard): the largest acceptable chance of losing more than
    // x in a year. The risk is acceptable when the loss exceedance curve lies below it.
    let curve = ToleranceCurve::new([(1e6, 0.10), (5e6, 0.02), (20e6, 0.002)])?;
    let t = a.tolerance(&curve);
    println!("\nRisk tolerance: P(annual loss > x) against the board's limit");
    println!("         x   limit  inherent  residual");
    for (i, r) in t.inherent.points.iter().zip(&t.residual.points) {
        println!(
            "  {:>8} {:>6.1}% {:>8.2}% {:>8.2}%",
            short(i.loss),
            100.0 * i.limit,
            100.0 * i.probability,
            100.0 * r.probability
        );
    }
    let verdict = |met: bool| if met { "met" } else { "NOT met" };
    let (i, r) = (verdict(t.inherent.met), verdict(t.residual.met));
    println!("  tolerance inherent: {i}; residual: {r}");
    Ok(())
}

/// Part 2: DOMAIN.md's worked examples, each figure next to the value given there.
fn check_by_hand() -> Result<(), Error> {
    println!("\nPART 2: check by hand against DOMAIN.md");

    // §4: ransomware at 0.5 a year, 10k to 1M per event (mean 266,398). Every variant simulates
    // the same events (controls draw from their own random streams), so the rows differ only by
    // the control. DOMAIN's figures are another Monte Carlo run (NumPy): they agree within noise.
    let ransomware = Risk::new(
        "ransomware",
        Frequency::poisson(0.5)?,
        Magnitude::lognormal_ci90(10e3, 1e6)?,
    )?;
    let (half, thirty) = (Efficacy::fixed(0.5)?, Efficacy::fixed(0.3)?);
    let protect = Control::new("protect", Function::Protect)?.with_efficacy(half)?;
    let detect = Control::new("detect", Function::Detect)?.with_efficacy(thirty)?;
    let policy = Transfer::new(100e3, 500e3)?.with_aggregate_limit(750e3)?;
    let insure = Control::new("insurance", Function::Govern)?.with_transfer(policy)?;
    let variants = [
        ("no control", None, "132,970"),
        ("Protect: rate x 0.5", Some(protect), "66,370"),
        ("Detect: loss x 0.7", Some(detect), "93,051"),
        ("insurance 100k/500k/750k", Some(insure), "79,146"),
    ];
    // Analytic EAL: rate x mean loss = 133,199, times what the control leaves (0.5 or 0.7).
    let eal = ransomware.expected_annual_loss();
    let analytic = [Some(eal), Some(0.5 * eal), Some(0.7 * eal), None];
    println!("\n§4 ransomware, Poisson 0.5/yr, lognormal 90% CI [10k, 1M], 400,000 years");
    println!("                                   simulated EAL  analytic   DOMAIN MC");
    let options = SimulationOptions::new(42).trials(400_000);
    for ((label, control, domain), analytic) in variants.into_iter().zip(analytic) {
        let controls = control.into_iter().collect();
        let model = Model::new(vec![ransomware.clone()])?.with_controls(controls)?;
        let a = model.analyze(options, Finance::default())?;
        let losses = a.residual();
        println!(
            "  {label:<26}{:>11} +- {:<5} {:>9}   {domain}",
            money(losses.expected_annual_loss()),
            money(losses.standard_error()),
            analytic.map_or("-".into(), money)
        );
    }

    // §8: three events in one year, of 1.5M, 3M and 0.1M, each a risk that happens exactly once.
    let policy = Transfer::new(250e3, 2e6)?.with_aggregate_limit(3e6)?;
    let event = |id: &str, loss: f64| Risk::new(id, Frequency::fixed(1)?, Magnitude::fixed(loss)?);
    let events = vec![event("a", 1.5e6)?, event("b", 3e6)?, event("c", 0.1e6)?];
    let insurance = Control::new("insurance", Function::Govern)?.with_transfer(policy)?;
    let model = Model::new(events)?.with_controls(vec![insurance])?;
    let a = model.analyze(SimulationOptions::new(1).trials(10), Finance::default())?;
    println!("\n§8 insurance: deductible 250k, occurrence limit 2M, aggregate limit 3M");
    let paid = [1.5e6, 3e6, 0.1e6].map(|x| short(policy.recovery(x)));
    check("recoveries per event", paid.join(" + "), "1.25M + 2M + 0");
    check("recovered, capped at 3M", money(a.total_reduction()), "3M");
    let retained = a.residual().expected_annual_loss();
    check("retained of 4.6M", money(retained), "1.6M");

    // §6: a 1M loss every year and a control removing 30% of it: exactly 300k a year.
    let cost = Cost::new(150e3, 50e3)?;
    let finance = Finance::new(3, 0.10)?;
    let thirty = Efficacy::fixed(0.3)?;
    let control = Control::new("c", Function::Detect)?
        .with_cost(cost)
        .with_efficacy(thirty)?;
    let model = Model::new(vec![event("loss", 1e6)?])?.with_controls(vec![control])?;
    let a = model.analyze(SimulationOptions::new(1).trials(10), finance)?;
    let c = &a.controls()[0];
    println!("\n§6 NPV: upfront 150k, 50k a year, removes 300k a year, r = 10%, T = 3");
    check("EAL reduction", money(c.eal_reduction), "300,000");
    check("NPV", money(c.npv), "471,713");
    // None would mean no IRR: no upfront cost, or a benefit below the running cost.
    check("IRR", c.irr.map_or("none".into(), percent1), "156.8%");
    // The crate's ROSI divides by the annualised cost: the upfront cost spread as an annuity.
    by_hand("annual cost", money(c.annual_cost), "50k + 150k / 2.48685");
    let r = c.rosi.map_or("n/a".into(), percent1);
    by_hand("ROSI", r, "(300,000 - 110,317) / 110,317");
    // DOMAIN's own ROSI example: 60% of a 500k ALE removed for 100k a year.
    let r = rosi(300e3, 100e3).map_or("n/a".into(), percent1);
    check("ROSI of a 300k cut for 100k a year", r, "200%");

    // §6 Gordon-Loeb: breach probability v = 0.5 without investment, L = 1M lost if breached.
    // Class I: S(z) = v / (az + 1)^b with a = 1e-4, b = 1; class II: S(z) = v^(az + 1), a = 1e-5.
    let (v, loss) = (0.5, 1e6);
    println!("\n§6 Gordon-Loeb: v = 0.5, L = 1M");
    for (class, s, domain) in [
        ("class I", BreachFunction::class_i(1e-4, 1.0)?, GL_CLASS_I),
        ("class II", BreachFunction::class_ii(1e-5)?, GL_CLASS_II),
    ] {
        let opt = s.optimal_investment(v, loss)?;
        let breach = format!("{:.4}", opt.breach_probability);
        let label = format!("{class}: investment z*");
        check(&label, money(opt.investment), domain[0]);
        check("  breach probability S(z*)", breach, domain[1]);
        check("  net benefit ENBIS(z*)", money(opt.enbis), domain[2]);
    }
    check("bound vL/e", money(gordon_loeb_bound(v, loss)?), "183,940");
    Ok(())
}

/// DOMAIN.md §6: z*, S(z*) and ENBIS(z*) of each Gordon-Loeb class.
const GL_CLASS_I: [&str; 3] = ["60,711", "0.0707", "368,579"];
const GL_CLASS_II: [&str; 3] = ["179,316", "0.1443", "176,414"];

/// Prints one figure next to the value DOMAIN.md gives for it.
fn check(label: &str, ours: String, domain: &str) {
    println!("  {label:<36}{ours:>17}   DOMAIN {domain}");
}

/// Prints one figure next to the formula that gives it by hand.
fn by_hand(label: &str, ours: String, formula: &str) {
    println!("  {label:<36}{ours:>17}   = {formula}");
}

/// `value +- se`, both compact.
fn plus_minus(value: f64, se: f64) -> String {
    format!("{} +- {}", short(value), short(se))
}

/// A ratio as a whole percentage with its sign: `+215%`.
fn percent(x: f64) -> String {
    format!("{:+.0}%", 100.0 * x)
}

/// A ratio as a percentage with one decimal: `156.8%`.
fn percent1(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}
