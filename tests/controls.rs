//! Controls: exact effects where the maths is exact, common random numbers, Shapley shares,
//! agreement with separately simulated variants, validation.

use csfquant::{
    Control, ControlAnalysis, Cost, Efficacy, Error, Finance, Frequency, Function, Magnitude,
    Model, Risk, SimulationOptions, ToleranceCurve, Transfer,
};

use crate::common::risk;

fn fixed(v: f64) -> Efficacy {
    Efficacy::fixed(v).unwrap()
}

fn analyze(model: &Model, seed: u64, trials: u64) -> ControlAnalysis {
    model
        .analyze(
            SimulationOptions::new(seed).trials(trials),
            Finance::default(),
        )
        .unwrap()
}

/// A small company: four risks, controls in all six functions, one insurance policy.
fn company() -> Model {
    let risks = vec![
        risk("ransomware", 0.3, 1e5, 5e6),
        risk("bec", 1.5, 1e4, 5e5),
        Risk::new(
            "breach",
            Frequency::negative_binomial(0.4, 0.8).unwrap(),
            Magnitude::pert(5e4, 3e5, 4e6).unwrap(),
        )
        .unwrap(),
        risk("ddos", 2.0, 5e3, 2e5),
    ];
    let controls = vec![
        Control::new("mfa", Function::Protect)
            .unwrap()
            .applies_to(["bec", "breach", "ransomware"])
            .with_cost(Cost::new(40e3, 30e3).unwrap())
            .with_efficacy(Efficacy::pert(0.3, 0.5, 0.7).unwrap())
            .unwrap(),
        Control::new("edr", Function::Detect)
            .unwrap()
            .with_category("DE.CM")
            .unwrap()
            .applies_to(["ransomware", "breach"])
            .with_cost(Cost::new(50e3, 120e3).unwrap())
            .with_efficacy(Efficacy::pert(0.1, 0.3, 0.5).unwrap())
            .unwrap(),
        Control::new("ir", Function::Respond)
            .unwrap()
            .with_cost(Cost::new(0.0, 40e3).unwrap())
            .with_efficacy(Efficacy::uniform(0.02, 0.12).unwrap())
            .unwrap(),
        Control::new("backups", Function::Recover)
            .unwrap()
            .applies_to(["ransomware"])
            .with_cost(Cost::new(0.0, 60e3).unwrap())
            .with_efficacy(fixed(0.4))
            .unwrap(),
        Control::new("inventory", Function::Identify)
            .unwrap()
            .with_cost(Cost::new(20e3, 10e3).unwrap())
            .with_frequency_efficacy(Efficacy::triangular(0.0, 0.05, 0.15).unwrap())
            .unwrap(),
        Control::new("insurance", Function::Govern)
            .unwrap()
            .with_category("GV.RM")
            .unwrap()
            .with_cost(Cost::new(0.0, 45e3).unwrap())
            .with_transfer(
                Transfer::new(250e3, 2e6)
                    .unwrap()
                    .with_aggregate_limit(3e6)
                    .unwrap(),
            )
            .unwrap(),
    ];
    Model::new(risks).unwrap().with_controls(controls).unwrap()
}

/// The same model with only the controls whose ids pass `keep`.
fn with_only(model: &Model, keep: impl Fn(&Control) -> bool) -> Model {
    let controls = model
        .controls()
        .iter()
        .filter(|c| keep(c))
        .cloned()
        .collect();
    Model::new(model.risks().to_vec())
        .unwrap()
        .with_controls(controls)
        .unwrap()
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()).max(1.0)
}

#[test]
fn frequency_efficacy_thins_a_poisson_risk() {
    let f = 0.4;
    let model = Model::new(vec![risk("r", 2.0, 1e4, 1e6)])
        .unwrap()
        .with_controls(vec![
            Control::new("c", Function::Protect)
                .unwrap()
                .with_efficacy(fixed(f))
                .unwrap(),
        ])
        .unwrap();
    let inherent = model.expected_annual_loss();
    let a = analyze(&model, 11, 400_000);
    let residual = a.residual();
    // Thinning a Poisson(λ) process by 1 - f gives Poisson((1 - f) λ): residual EAL is
    // (1 - f) times the analytic inherent EAL. 5 SE: a false alarm has probability < 1e-6.
    assert!(
        (residual.expected_annual_loss() - (1.0 - f) * inherent).abs()
            < 5.0 * residual.standard_error()
    );
    let c = a.control("c").unwrap();
    assert!((c.eal_reduction - f * inherent).abs() < 5.0 * c.eal_reduction_se);
}

#[test]
fn magnitude_efficacy_scales_every_event() {
    let s = 0.3;
    let model = Model::new(vec![risk("r", 1.0, 1e4, 1e6)])
        .unwrap()
        .with_controls(vec![
            Control::new("c", Function::Recover)
                .unwrap()
                .with_efficacy(fixed(s))
                .unwrap(),
        ])
        .unwrap();
    let a = analyze(&model, 12, 200_000);
    // Each event keeps exactly 70%: the residual year is 0.7 x the inherent year, so the
    // simulated means agree to rounding, and the analytic value within Monte Carlo error.
    let (inh, res) = (a.inherent(), a.residual());
    assert!(close(
        res.expected_annual_loss(),
        (1.0 - s) * inh.expected_annual_loss(),
        1e-12
    ));
    assert!(close(
        res.quantile(0.99).unwrap(),
        (1.0 - s) * inh.quantile(0.99).unwrap(),
        1e-12
    ));
    let analytic = (1.0 - s) * model.expected_annual_loss();
    assert!((res.expected_annual_loss() - analytic).abs() < 5.0 * res.standard_error());
}

#[test]
fn insurance_on_fixed_events_retains_the_domain_example() {
    // DOMAIN.md §8: deductible 250k, occurrence limit 2M, aggregate 3M; events of 1.5M, 3M and
    // 0.1M in one year recover 1.25M + 2M + 0 = 3.25M, capped at 3M: 1.6M retained.
    let event = |id: &str, loss: f64| {
        Risk::new(
            id,
            Frequency::fixed(1).unwrap(),
            Magnitude::fixed(loss).unwrap(),
        )
        .unwrap()
    };
    let policy = Transfer::new(250e3, 2e6)
        .unwrap()
        .with_aggregate_limit(3e6)
        .unwrap();
    let model = Model::new(vec![event("a", 1.5e6), event("b", 3e6), event("c", 0.1e6)])
        .unwrap()
        .with_controls(vec![
            Control::new("insurance", Function::Govern)
                .unwrap()
                .with_cost(Cost::new(0.0, 500e3).unwrap())
                .with_transfer(policy)
                .unwrap(),
        ])
        .unwrap();
    let a = analyze(&model, 1, 1000);
    assert_eq!(a.inherent().expected_annual_loss(), 4.6e6);
    assert_eq!(a.residual().expected_annual_loss(), 1.6e6);
    assert_eq!(a.residual().max(), 1.6e6);
    let c = a.control("insurance").unwrap();
    assert_eq!((c.eal_reduction, c.eal_reduction_se), (3e6, 0.0));
    assert_eq!(c.rosi, Some(5.0)); // (3M - 500k) / 500k
    assert_eq!(c.var99_reduction, 3e6);
    // Per risk, the aggregate limit erodes claim by claim in the order the events are
    // simulated (here the model's order): a recovers 1.25M, b the 1.75M left of the 3M, c 0.
    let residual: Vec<f64> = a.risks().iter().map(|r| r.residual_eal).collect();
    let want = [1.5e6 - 1.25e6, 3e6 - 1.75e6, 0.1e6];
    for (got, want) in residual.iter().zip(want) {
        assert!(close(*got, want, 1e-12), "{residual:?}");
    }
    // The Shapley share of Govern is the whole reduction.
    assert_eq!(a.functions().len(), 1);
    assert!(close(a.functions()[0].eal_reduction, 3e6, 1e-12));
}

fn fixed_risk(id: &str, count: u32, loss: f64) -> Risk {
    Risk::new(
        id,
        Frequency::fixed(count).unwrap(),
        Magnitude::fixed(loss).unwrap(),
    )
    .unwrap()
}

fn policy(id: &str, terms: Transfer) -> Control {
    Control::new(id, Function::Govern)
        .unwrap()
        .with_transfer(terms)
        .unwrap()
}

#[test]
fn an_exhausted_aggregate_limit_passes_the_rest_to_the_next_policy() {
    // Two 5M events a year. Primary: 5M per event, 1M a year; excess: 10M per event on what the
    // primary left. The primary's limit erodes claim by claim: it pays 1M on the first event
    // and nothing on the second, and the excess pays the rest. Buying the primary can never
    // raise the retained loss (found in review: capping the primary only at the year's end once
    // left the capped part paid by nobody).
    let model = Model::new(vec![fixed_risk("r", 2, 5e6)])
        .unwrap()
        .with_controls(vec![
            policy(
                "primary",
                Transfer::new(0.0, 5e6)
                    .unwrap()
                    .with_aggregate_limit(1e6)
                    .unwrap(),
            ),
            policy("excess", Transfer::new(0.0, 10e6).unwrap()),
        ])
        .unwrap();
    let a = analyze(&model, 1, 10);
    assert_eq!(a.residual().expected_annual_loss(), 0.0);
    assert_eq!(a.control("primary").unwrap().eal_reduction, 0.0);
    assert_eq!(a.control("excess").unwrap().eal_reduction, 9e6);
    assert_eq!(a.control("primary").unwrap().standalone_reduction, 1e6);
}

#[test]
fn fully_insured_years_keep_no_loss_at_all() {
    // Everything is paid: no residual year may be negative or a rounding residue (found in
    // review: subtracting summed recoveries from summed losses left ±1 ulp).
    let model = Model::new(vec![
        Risk::new(
            "a",
            Frequency::poisson(20.0).unwrap(),
            Magnitude::lognormal_ci90(1e3, 1e7).unwrap(),
        )
        .unwrap(),
        Risk::new(
            "b",
            Frequency::negative_binomial(3.0, 9.0).unwrap(),
            Magnitude::lognormal_ci90(1e3, 1e7).unwrap(),
        )
        .unwrap(),
    ])
    .unwrap()
    .with_controls(vec![
        policy("primary", Transfer::new(0.0, 1e5).unwrap()),
        policy("excess", Transfer::new(0.0, 1e300).unwrap()),
    ])
    .unwrap();
    let a = analyze(&model, 3, 20_000);
    assert_eq!(a.residual().probability_of_loss(), 0.0);
    assert_eq!(a.residual().max(), 0.0);
    assert!(a.risks().iter().all(|r| r.residual_eal == 0.0));
}

#[test]
fn controls_that_change_nothing_leave_the_residual_equal_to_the_inherent_loss() {
    // Own-count risks too: the residual year is summed in the engine's association, so a no-op
    // control (or none) gives bit-identical years, a total reduction of exactly 0 and no share.
    let risks = vec![
        Risk::new(
            "p",
            Frequency::poisson(5.0).unwrap(),
            Magnitude::lognormal_ci90(1e3, 1e6).unwrap(),
        )
        .unwrap(),
        Risk::new(
            "nb",
            Frequency::negative_binomial(4.0, 9.0).unwrap(),
            Magnitude::lognormal_ci90(1.0, 1e9).unwrap(),
        )
        .unwrap(),
    ];
    let bare = Model::new(risks).unwrap();
    let noop = bare
        .clone()
        .with_controls(vec![
            Control::new("noop", Function::Protect)
                .unwrap()
                .with_efficacy(fixed(0.0))
                .unwrap(),
        ])
        .unwrap();
    for seed in 0..5 {
        for model in [&bare, &noop] {
            let a = analyze(model, seed, 10_000);
            assert_eq!(a.inherent(), a.residual(), "seed {seed}");
            assert_eq!(a.total_reduction(), 0.0);
            assert!(a.functions().iter().all(|f| f.share.is_none()));
        }
    }
}

#[test]
fn arms_equal_separate_models_with_two_policies_and_combined_controls() {
    // The check below on a model with the paths the company model lacks: two policies in
    // sequence with aggregate limits and coinsurance, a control that is both a transfer and a
    // frequency/magnitude control, a control on a risk that never has an event, four players.
    let model = Model::new(vec![
        risk("a", 1.2, 1e4, 5e6),
        Risk::new(
            "b",
            Frequency::negative_binomial(0.8, 2.0).unwrap(),
            Magnitude::pert(1e4, 2e5, 3e6).unwrap(),
        )
        .unwrap(),
        fixed_risk("z", 0, 1e6),
    ])
    .unwrap()
    .with_controls(vec![
        Control::new("mfa", Function::Protect)
            .unwrap()
            .with_efficacy(Efficacy::pert(0.2, 0.4, 0.6).unwrap())
            .unwrap(),
        Control::new("ir", Function::Respond)
            .unwrap()
            .applies_to(["a"])
            .with_efficacy(Efficacy::uniform(0.1, 0.3).unwrap())
            .unwrap()
            .with_frequency_efficacy(fixed(0.1))
            .unwrap()
            .with_transfer(
                Transfer::new(5e4, 5e5)
                    .unwrap()
                    .with_coinsurance(0.2)
                    .unwrap(),
            )
            .unwrap(),
        policy(
            "primary",
            Transfer::new(1e5, 1e6)
                .unwrap()
                .with_aggregate_limit(1.5e6)
                .unwrap()
                .with_coinsurance(0.1)
                .unwrap(),
        ),
        policy(
            "excess",
            Transfer::new(0.0, 3e6)
                .unwrap()
                .with_aggregate_limit(4e6)
                .unwrap(),
        ),
        Control::new("dead", Function::Recover)
            .unwrap()
            .applies_to(["z"])
            .with_efficacy(fixed(1.0))
            .unwrap(),
    ])
    .unwrap();
    check_arms(&model, 9, 20_000);
}

#[test]
fn transfers_apply_in_order_on_what_the_previous_left() {
    // One 10M event a year. Primary: 1M deductible, 4M limit -> pays 4M, leaves 6M.
    // Excess: 0 deductible on the 6M left, 5M limit -> pays 5M. Retained 1M.
    let model = Model::new(vec![
        Risk::new(
            "r",
            Frequency::fixed(1).unwrap(),
            Magnitude::fixed(10e6).unwrap(),
        )
        .unwrap(),
    ])
    .unwrap()
    .with_controls(vec![
        Control::new("primary", Function::Govern)
            .unwrap()
            .with_transfer(Transfer::new(1e6, 4e6).unwrap())
            .unwrap(),
        Control::new("excess", Function::Govern)
            .unwrap()
            .with_transfer(Transfer::new(0.0, 5e6).unwrap())
            .unwrap(),
    ])
    .unwrap();
    let a = analyze(&model, 1, 100);
    assert_eq!(a.residual().expected_annual_loss(), 1e6);
    // Without the primary, the excess alone pays 5M of 10M: the primary adds 4M.
    assert_eq!(a.control("primary").unwrap().eal_reduction, 4e6);
    // Without the excess, the primary pays 4M: the excess adds 5M.
    assert_eq!(a.control("excess").unwrap().eal_reduction, 5e6);
    assert_eq!(a.control("excess").unwrap().standalone_reduction, 5e6);
}

#[test]
fn npv_and_rosi_of_a_known_reduction_match_the_domain_example() {
    // A 1M loss every year and a control removing 30% of it: 300k a year, as in DOMAIN.md §6
    // (upfront 150k, running 50k, r = 10%, T = 3: NPV 471,713).
    let model = Model::new(vec![
        Risk::new(
            "r",
            Frequency::fixed(1).unwrap(),
            Magnitude::fixed(1e6).unwrap(),
        )
        .unwrap(),
    ])
    .unwrap()
    .with_controls(vec![
        Control::new("c", Function::Detect)
            .unwrap()
            .with_cost(Cost::new(150e3, 50e3).unwrap())
            .with_efficacy(fixed(0.3))
            .unwrap(),
    ])
    .unwrap();
    let finance = Finance::new(3, 0.10).unwrap();
    let a = model
        .analyze(SimulationOptions::new(1).trials(10), finance)
        .unwrap();
    let c = a.control("c").unwrap();
    assert!(close(c.eal_reduction, 300e3, 1e-12));
    assert!((c.npv - 471_713.0).abs() < 0.1, "{}", c.npv);
    // IRR 156.828% (DOMAIN.md §9).
    assert!((c.irr.unwrap() - 1.56828).abs() < 1e-5, "{:?}", c.irr);
    // Annual cost: 50k + 150k / 2.486852 = 110,317; ROSI = (300k - 110,317) / 110,317.
    let annual = 50e3 + 150e3 / 2.486_851_990_984_222_6;
    assert!(close(c.annual_cost, annual, 1e-12));
    assert!(close(c.rosi.unwrap(), (300e3 - annual) / annual, 1e-12));
    assert!(close(c.net_benefit, 300e3 - annual, 1e-12));
}

#[test]
fn shapley_shares_add_up_to_the_total_reduction() {
    let a = analyze(&company(), 5, 100_000);
    let total = a.total_reduction();
    let sum: f64 = a.functions().iter().map(|f| f.eal_reduction).sum();
    assert!(close(sum, total, 1e-9), "{sum} vs {total}");
    let shares: f64 = a.functions().iter().map(|f| f.share.unwrap()).sum();
    assert!((shares - 1.0).abs() < 1e-9);
    assert_eq!(a.functions().len(), 6);
    // Per-risk residuals add up to the residual EAL.
    let by_risk: f64 = a.risks().iter().map(|r| r.residual_eal).sum();
    assert!(close(by_risk, a.residual().expected_annual_loss(), 1e-9));
}

#[test]
fn risks_no_control_touches_keep_their_inherent_figure() {
    // An own-count risk no control applies to reports residual EAL = inherent EAL exactly (the
    // engine and the arms add the same losses in different orders; found in review).
    let model = Model::new(vec![
        risk("p", 2.0, 1e3, 1e6),
        Risk::new(
            "nb",
            Frequency::negative_binomial(4.0, 9.0).unwrap(),
            Magnitude::lognormal_ci90(1.0, 1e9).unwrap(),
        )
        .unwrap(),
    ])
    .unwrap()
    .with_controls(vec![
        Control::new("edr", Function::Detect)
            .unwrap()
            .applies_to(["p"])
            .with_efficacy(fixed(0.3))
            .unwrap(),
    ])
    .unwrap();
    for seed in 0..10 {
        let a = analyze(&model, seed, 5_000);
        let nb = &a.risks()[1];
        assert_eq!(nb.residual_eal, nb.inherent_eal, "seed {seed}");
    }
}

#[test]
fn shares_of_a_tiny_reduction_still_add_up_to_one() {
    // A reduction of a few ulps of the inherent loss: the shares are fractions of their own
    // sum, not of the difference of two rounded means (which gave a share of 3.55 in review).
    let model = Model::new(vec![risk("r", 1.0, 1e3, 1e5)])
        .unwrap()
        .with_controls(vec![
            Control::new("c", Function::Respond)
                .unwrap()
                .with_efficacy(fixed(2.0 * f64::EPSILON))
                .unwrap(),
        ])
        .unwrap();
    let a = analyze(&model, 1, 10_000);
    assert_eq!(a.functions()[0].share, Some(1.0));
}

#[test]
fn with_one_control_marginal_equals_standalone() {
    let model = with_only(&company(), |c| c.id() == "edr");
    let a = analyze(&model, 6, 50_000);
    let c = a.control("edr").unwrap();
    assert!(close(c.eal_reduction, c.standalone_reduction, 1e-9));
    assert!(close(c.eal_reduction_se, c.standalone_reduction_se, 1e-6));
    assert!(close(c.eal_reduction, a.total_reduction(), 1e-9));
}

#[test]
fn every_arm_equals_the_separately_simulated_variant() {
    check_arms(&company(), 21, 30_000);
}

/// Controls draw from streams keyed by their ids and never move the events, so a model with a
/// subset of the controls, run with the same seed, reproduces the matching arm year by year:
/// the figures agree to rounding, not just within Monte Carlo error. Checks every control's
/// marginal, stand-alone and tail figures and the Shapley shares against the 2^F separately
/// simulated function subsets.
fn check_arms(model: &Model, seed: u64, trials: u64) {
    let a = analyze(model, seed, trials);
    let residual_eal = |m: &Model| analyze(m, seed, trials).residual().expected_annual_loss();
    assert_eq!(
        a.inherent(),
        model
            .simulate(SimulationOptions::new(seed).trials(trials))
            .unwrap()
            .portfolio()
    );
    let all = a.residual().expected_annual_loss();
    for control in model.controls() {
        let id = control.id();
        let c = a.control(id).unwrap();
        let without = analyze(&with_only(model, |k| k.id() != id), seed, trials);
        let w = without.residual();
        assert!(
            close(c.eal_reduction, w.expected_annual_loss() - all, 1e-9),
            "{id}"
        );
        let var = w.quantile(0.99).unwrap() - a.residual().quantile(0.99).unwrap();
        let tvar = w.tail_mean(0.99).unwrap() - a.residual().tail_mean(0.99).unwrap();
        assert!(close(c.var99_reduction, var, 1e-9), "{id}");
        assert!(close(c.tvar99_reduction, tvar, 1e-9), "{id}");
        let alone = residual_eal(&with_only(model, |k| k.id() == id));
        let standalone = a.inherent().expected_annual_loss() - alone;
        assert!(close(c.standalone_reduction, standalone, 1e-9), "{id}");
    }
    // Shapley over the functions from the 2^F separately simulated variants.
    let functions: Vec<Function> = a.functions().iter().map(|f| f.function).collect();
    let value: Vec<f64> = (0..1usize << functions.len())
        .map(|s| {
            let in_subset = |k: &Control| {
                (0..functions.len()).any(|j| s & (1 << j) != 0 && k.function() == functions[j])
            };
            residual_eal(&with_only(model, in_subset))
        })
        .collect();
    let n = functions.len();
    let factorial = |k: usize| (1..=k).map(|i| i as f64).product::<f64>();
    for (j, share) in a.functions().iter().enumerate() {
        let mut phi = 0.0;
        for s in 0..value.len() {
            if s & (1 << j) == 0 {
                let k = (s as u32).count_ones() as usize;
                let w = factorial(k) * factorial(n - 1 - k) / factorial(n);
                phi += w * (value[s] - value[s | (1 << j)]);
            }
        }
        let got = share.eal_reduction;
        assert!(
            close(got, phi, 1e-9),
            "{:?}: {got} vs {phi}",
            share.function
        );
    }
    let by_risk: f64 = a.risks().iter().map(|r| r.residual_eal).sum();
    assert!(close(by_risk, all, 1e-9));
}

#[test]
fn common_random_numbers_shrink_the_error_of_a_reduction_tenfold() {
    // The reduction of one control, estimated from two independent runs (without it, with all),
    // has SE sqrt(se_a^2 + se_b^2), about sqrt(2) SD(L) / sqrt(n); from the shared events only
    // the year-by-year difference D varies, SE = SD(D) / sqrt(n). A Respond control removing
    // 2-12% of every event's loss has SD(D) of about 7% of SD(L): a gain near 20x. (The gain
    // shrinks as a control's share of the loss grows; it is largest for the small differences
    // that independent runs cannot resolve at all.)
    let model = company();
    let trials = 100_000;
    let a = analyze(&model, 31, trials);
    let c = a.control("ir").unwrap();
    let without = analyze(&with_only(&model, |k| k.id() != "ir"), 32, trials);
    let independent = (a.residual().standard_error().powi(2)
        + without.residual().standard_error().powi(2))
    .sqrt();
    assert!(
        c.eal_reduction_se * 10.0 <= independent,
        "CRN SE {} vs independent {independent}",
        c.eal_reduction_se
    );
}

#[test]
fn blocking_is_independent_of_the_loss_it_blocks() {
    // One event a year, loss U(0, 1), a Protect control blocking half the events: whether the
    // first event of a run is blocked must not depend on its loss. With 4,000 seeds the two
    // conditional frequencies have SD about 0.011 each; 0.07 is over 4 SD of their difference.
    // (Found in review: control streams that differed from the events' stream by a fixed bit
    // pattern blocked 91% of the small losses and 8% of the large ones.)
    let model = Model::new(vec![
        Risk::new(
            "r",
            Frequency::fixed(1).unwrap(),
            Magnitude::uniform(0.0, 1.0).unwrap(),
        )
        .unwrap(),
    ])
    .unwrap()
    .with_controls(vec![
        Control::new("mfa", Function::Protect)
            .unwrap()
            .with_efficacy(fixed(0.5))
            .unwrap(),
    ])
    .unwrap();
    let (mut low, mut high) = ((0u32, 0u32), (0u32, 0u32));
    for seed in 0..4000 {
        let a = analyze(&model, seed, 1);
        let blocked = u32::from(a.residual().losses()[0] == 0.0);
        let bucket = if a.inherent().losses()[0] < 0.5 {
            &mut low
        } else {
            &mut high
        };
        bucket.0 += 1;
        bucket.1 += blocked;
    }
    let rate = |(n, b): (u32, u32)| f64::from(b) / f64::from(n);
    assert!(
        (rate(low) - rate(high)).abs() < 0.07,
        "{} vs {}",
        rate(low),
        rate(high)
    );
}

#[test]
fn uncertain_efficacy_is_drawn_once_per_year() {
    // Poisson(10) events of loss 1 and a Protect control with efficacy U(0, 1) drawn once a
    // year: the residual count is mixed Poisson with mean 5 and variance
    // E[(1 - f) λ] + Var[(1 - f) λ] = 5 + 100 / 12. Drawn per event it would be Poisson(5).
    let model = Model::new(vec![
        Risk::new(
            "r",
            Frequency::poisson(10.0).unwrap(),
            Magnitude::fixed(1.0).unwrap(),
        )
        .unwrap(),
    ])
    .unwrap()
    .with_controls(vec![
        Control::new("c", Function::Protect)
            .unwrap()
            .with_efficacy(Efficacy::uniform(0.0, 1.0).unwrap())
            .unwrap(),
    ])
    .unwrap();
    let a = analyze(&model, 41, 200_000);
    let (var, se) = crate::common::variance_and_se(a.residual());
    let want = 5.0 + 100.0 / 12.0;
    assert!((var - want).abs() < 5.0 * se, "{var} vs {want} (se {se})");
}

#[test]
fn tolerance_is_checked_for_inherent_and_residual() {
    let a = analyze(&company(), 8, 50_000);
    let curve = ToleranceCurve::new([(1e6, 0.2), (5e6, 0.02)]).unwrap();
    let t = a.tolerance(&curve);
    for (check, dist) in [(&t.inherent, a.inherent()), (&t.residual, a.residual())] {
        for p in &check.points {
            assert_eq!(p.probability, dist.exceedance_probability(p.loss).unwrap());
            assert_eq!(p.margin, p.limit - p.probability);
        }
        assert_eq!(check.met, check.points.iter().all(|p| p.margin >= 0.0));
    }
}

#[test]
fn bad_controls_are_errors_that_name_the_control() {
    let model = Model::new(vec![risk("r", 1.0, 1e3, 1e5)]).unwrap();
    let protect = || {
        Control::new("mfa", Function::Protect)
            .unwrap()
            .with_efficacy(fixed(0.5))
            .unwrap()
    };
    let e = model
        .clone()
        .with_controls(vec![protect().applies_to(["r", "rr"])])
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "control \"mfa\": applies_to names unknown risk \"rr\""
    );
    let e = model
        .clone()
        .with_controls(vec![protect(), protect()])
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::DuplicateId {
                kind: "control id",
                ..
            }
        ),
        "{e}"
    );
    let e = model
        .clone()
        .with_controls(vec![Control::new("x", Function::Detect).unwrap()])
        .unwrap_err();
    assert!(e.to_string().contains("\"x\" has no effect"), "{e}");
    let e = model
        .clone()
        .with_controls(vec![protect().applies_to(Vec::<String>::new())])
        .unwrap_err();
    assert!(matches!(e, Error::AppliesToNothing { .. }), "{e}");
    // Two ids whose 64-bit FNV-1a hashes collide (found by a Pollard-rho search in review):
    // their controls would share a random stream.
    let e = model
        .clone()
        .with_controls(vec![
            protect().with_name("x"),
            Control::new("xuZ7ZfCJ3nB", Function::Protect)
                .unwrap()
                .with_efficacy(fixed(0.5))
                .unwrap(),
            Control::new("7oW0qCIqaQG", Function::Protect)
                .unwrap()
                .with_efficacy(fixed(0.5))
                .unwrap(),
        ])
        .unwrap_err();
    assert!(matches!(e, Error::StreamCollision { .. }), "{e}");
    let policies: Vec<Control> = (0..=Model::MAX_TRANSFERS)
        .map(|i| policy(&format!("p{i}"), Transfer::new(0.0, 1.0).unwrap()))
        .collect();
    assert!(matches!(
        model.clone().with_controls(policies),
        Err(Error::TooManyTransfers { .. })
    ));
    let many: Vec<Control> = (0..=Model::MAX_CONTROLS)
        .map(|i| {
            Control::new(format!("c{i}"), Function::Protect)
                .unwrap()
                .with_efficacy(fixed(0.01))
                .unwrap()
        })
        .collect();
    assert!(matches!(
        model.with_controls(many),
        Err(Error::TooManyControls { .. })
    ));
}

#[test]
fn a_model_without_controls_analyses_to_no_change() {
    let model = Model::new(vec![risk("r", 1.0, 1e3, 1e5)]).unwrap();
    let a = analyze(&model, 3, 10_000);
    assert_eq!(a.inherent(), a.residual());
    assert!(a.controls().is_empty() && a.functions().is_empty());
    assert_eq!(a.total_reduction(), 0.0);
}

/// Controls with both levers, several frequency controls of one function on the same risks,
/// uncertain efficacies, risks sharing a set of controls; optionally two policies.
fn mixed_model(insurance: bool) -> Model {
    let mut controls = vec![
        Control::new("f1", Function::Protect)
            .unwrap()
            .with_frequency_efficacy(Efficacy::pert(0.2, 0.4, 0.6).unwrap())
            .unwrap()
            .with_magnitude_efficacy(Efficacy::uniform(0.1, 0.3).unwrap())
            .unwrap(),
        Control::new("f2", Function::Protect)
            .unwrap()
            .applies_to(["a", "b", "c"])
            .with_frequency_efficacy(fixed(0.3))
            .unwrap(),
        Control::new("f3", Function::Detect)
            .unwrap()
            .applies_to(["a", "c", "d"])
            .with_frequency_efficacy(Efficacy::triangular(0.1, 0.3, 0.5).unwrap())
            .unwrap()
            .with_efficacy(fixed(0.2))
            .unwrap(),
        Control::new("m1", Function::Respond)
            .unwrap()
            .with_efficacy(Efficacy::pert(0.1, 0.2, 0.4).unwrap())
            .unwrap(),
        Control::new("m2", Function::Respond)
            .unwrap()
            .applies_to(["b", "d"])
            .with_efficacy(fixed(0.15))
            .unwrap(),
    ];
    if insurance {
        controls.push(policy(
            "ins",
            Transfer::new(1e5, 2e6)
                .unwrap()
                .with_aggregate_limit(3e6)
                .unwrap(),
        ));
        controls.push(
            Control::new("ir2", Function::Recover)
                .unwrap()
                .applies_to(["a"])
                .with_frequency_efficacy(fixed(0.1))
                .unwrap()
                .with_transfer(
                    Transfer::new(5e4, 5e5)
                        .unwrap()
                        .with_coinsurance(0.2)
                        .unwrap(),
                )
                .unwrap(),
        );
    }
    Model::new(vec![
        risk("a", 2.0, 1e4, 5e6),
        Risk::new(
            "b",
            Frequency::negative_binomial(0.8, 2.0).unwrap(),
            Magnitude::pert(1e4, 2e5, 3e6).unwrap(),
        )
        .unwrap(),
        risk("c", 1.0, 1e4, 1e6),
        Risk::new(
            "d",
            Frequency::fixed(3).unwrap(),
            Magnitude::lognormal_ci90(1e4, 1e6).unwrap(),
        )
        .unwrap(),
    ])
    .unwrap()
    .with_controls(controls)
    .unwrap()
}

#[test]
fn mixed_levers_match_separate_runs() {
    check_arms(&mixed_model(false), 77, 20_000);
}

#[test]
fn mixed_levers_with_insurance_match_separate_runs() {
    check_arms(&mixed_model(true), 78, 20_000);
}

#[test]
fn more_than_64_frequency_controls_on_one_risk_with_insurance() {
    // 66 frequency controls on one risk: the per-event block mask has more than 64 bits.
    let mut controls: Vec<Control> = (0..66)
        .map(|i| {
            Control::new(format!("f{i}"), Function::Protect)
                .unwrap()
                .with_frequency_efficacy(fixed(if i == 65 { 0.5 } else { 0.001 }))
                .unwrap()
        })
        .collect();
    controls.push(policy("ins", Transfer::new(1e4, 1e7).unwrap()));
    let model = Model::new(vec![risk("a", 3.0, 1e5, 5e6)])
        .unwrap()
        .with_controls(controls)
        .unwrap();
    let a = analyze(&model, 5, 2000);
    let c = a.control("f65").unwrap();
    let without = analyze(&with_only(&model, |k| k.id() != "f65"), 5, 2000);
    let w = without.residual().expected_annual_loss() - a.residual().expected_annual_loss();
    let c0 = a.control("f0").unwrap();
    let without0 = analyze(&with_only(&model, |k| k.id() != "f0"), 5, 2000);
    let w0 = without0.residual().expected_annual_loss() - a.residual().expected_annual_loss();
    assert!(close(c.eal_reduction, w, 1e-9));
    assert!(close(c0.eal_reduction, w0, 1e-9));
}
