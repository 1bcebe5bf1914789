//! Reliability, variance management and shared responsibility: the per-event arms against the
//! plain arms, closed forms, exact identities on the same simulated years, Shapley shares by
//! party and group against brute force.

use csfquant::{
    Control, ControlAnalysis, Cost, Efficacy, Finance, Frequency, Function, Magnitude, Management,
    Model, Reliability, Risk, SimulationOptions, Transfer,
};

use crate::common::risk;

fn fixed(v: f64) -> Efficacy {
    Efficacy::fixed(v).unwrap()
}

fn analyze(model: &Model, seed: u64, trials: u64) -> ControlAnalysis {
    model
        .analyze(
            SimulationOptions::new(seed)
                .trials(trials)
                .record_trials(true),
            Finance::default(),
        )
        .unwrap()
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()).max(1.0)
}

/// Four risks, controls in every function, an insurance policy with an aggregate limit.
fn company(tag: impl Fn(Control) -> Control) -> Model {
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
            .applies_to(["ransomware", "breach"])
            .with_efficacy(Efficacy::pert(0.1, 0.3, 0.5).unwrap())
            .unwrap(),
        Control::new("ir", Function::Respond)
            .unwrap()
            .with_efficacy(Efficacy::uniform(0.02, 0.12).unwrap())
            .unwrap(),
        Control::new("backups", Function::Recover)
            .unwrap()
            .applies_to(["ransomware"])
            .with_efficacy(fixed(0.4))
            .unwrap(),
        Control::new("inventory", Function::Identify)
            .unwrap()
            .with_frequency_efficacy(Efficacy::triangular(0.0, 0.05, 0.15).unwrap())
            .unwrap(),
        Control::new("insurance", Function::Govern)
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
    let controls = controls.into_iter().map(tag).collect();
    Model::new(risks).unwrap().with_controls(controls).unwrap()
}

#[test]
fn the_per_event_arms_agree_with_the_plain_arms() {
    // A group tag changes nothing in the losses but sends the model through lapse_arms.rs:
    // the same draws (each control's own stream, in the same order), so every figure agrees
    // with the plain engine's to rounding (the sums are added in another order).
    let plain = company(|c| c);
    let tagged = company(|c| c.in_group("all").unwrap());
    let (a, b) = (analyze(&plain, 5, 20_000), analyze(&tagged, 5, 20_000));
    assert_eq!(a.inherent().losses(), b.inherent().losses());
    let (ra, rb) = (a.trial_losses().unwrap().1, b.trial_losses().unwrap().1);
    for (x, y) in ra.iter().zip(rb) {
        assert!(close(*x, *y, 1e-9), "{x} {y}");
    }
    for (x, y) in a.controls().iter().zip(b.controls()) {
        assert!(
            close(x.eal_reduction, y.eal_reduction, 1e-7),
            "{} {} {}",
            x.id,
            x.eal_reduction,
            y.eal_reduction
        );
        assert!(
            close(x.standalone_reduction, y.standalone_reduction, 1e-7),
            "{}",
            x.id
        );
        assert!(
            close(x.var99_reduction, y.var99_reduction, 1e-7),
            "{}",
            x.id
        );
        // Without a reliability, out for a day means absent for a day.
        assert!(
            close(x.lapse_cost_per_day, y.lapse_cost_per_day, 1e-7),
            "{}",
            x.id
        );
        assert!(
            close(y.lapse_cost_per_day * 365.0, y.eal_reduction, 1e-12),
            "{}",
            x.id
        );
    }
    for (x, y) in a.functions().iter().zip(b.functions()) {
        assert!(
            close(x.eal_reduction, y.eal_reduction, 1e-7),
            "{:?} {} {}",
            x.function,
            x.eal_reduction,
            y.eal_reduction
        );
    }
    // One party and one group: each equals the total reduction.
    let total = b.total_reduction();
    assert_eq!(b.parties().len(), 1);
    assert!(close(b.parties()[0].eal_reduction, total, 1e-9));
    assert!(close(a.parties()[0].eal_reduction, total, 1e-9));
    let groups = b.groups().unwrap();
    assert_eq!(groups.len(), 1);
    assert!(close(groups[0].eal_reduction, total, 1e-9));
    // The owner's controls out for a year: the inherent loss.
    assert!(close(
        b.parties()[0].eal_if_lapsed,
        b.inherent().expected_annual_loss(),
        1e-9
    ));
}

/// One Poisson risk of fixed loss 1 and one frequency control.
fn one_control(rate: f64, control: Control) -> Model {
    let r = Risk::new(
        "r",
        Frequency::poisson(rate).unwrap(),
        Magnitude::fixed(1.0).unwrap(),
    )
    .unwrap();
    Model::new(vec![r])
        .unwrap()
        .with_controls(vec![control])
        .unwrap()
}

fn blocker(f: f64) -> Control {
    Control::new("c", Function::Protect)
        .unwrap()
        .with_frequency_efficacy(fixed(f))
        .unwrap()
}

#[test]
fn coverage_thins_by_c_times_f() {
    let (rate, c, f) = (3.0, 0.7, 0.6);
    let model = one_control(rate, blocker(f).with_coverage(c).unwrap());
    let a = analyze(&model, 9, 100_000);
    let v = &a.controls()[0];
    // Each event is blocked with probability c f: the reduction is c f λ. 4 SE of the
    // year-by-year reduction (a false alarm has probability below 1e-4).
    assert!(
        (v.eal_reduction - c * f * rate).abs() < 4.0 * v.eal_reduction_se,
        "{}",
        v.eal_reduction
    );
    assert!((v.effective_efficacy.unwrap() - c * f).abs() < 1e-15);
}

#[test]
fn a_reliability_gives_the_mixture_of_working_and_lapsed() {
    let (rate, f) = (3.0, 0.8);
    for reliability in [
        Reliability::share(0.75).unwrap(),
        Reliability::lapses(14.0, 14.0).unwrap(),
    ] {
        let a_closed = reliability.availability();
        let model = one_control(rate, blocker(f).with_reliability(reliability));
        let a = analyze(&model, 21, 100_000);
        let v = &a.controls()[0];
        // Working share A blocks f, lapsed blocks nothing: reduction A f λ, within 4 SE.
        assert!(
            (v.eal_reduction - a_closed * f * rate).abs() < 4.0 * v.eal_reduction_se,
            "{reliability:?} {}",
            v.eal_reduction
        );
        assert_eq!(v.availability, a_closed);
    }
    // Reliability 1 is the plain control on the same years; 0 is no control at all.
    let plain = analyze(&one_control(rate, blocker(f)), 21, 20_000);
    let always = analyze(
        &one_control(
            rate,
            blocker(f).with_reliability(Reliability::share(1.0).unwrap()),
        ),
        21,
        20_000,
    );
    let never = analyze(
        &one_control(
            rate,
            blocker(f).with_reliability(Reliability::share(0.0).unwrap()),
        ),
        21,
        20_000,
    );
    assert_eq!(
        plain.trial_losses().unwrap().1,
        always.trial_losses().unwrap().1
    );
    assert_eq!(
        never.trial_losses().unwrap().1,
        never.trial_losses().unwrap().0
    );
}

#[test]
fn the_lapse_cost_is_always_out_minus_always_in_on_the_same_years() {
    let model = company(|c| match c.id() {
        "edr" => c
            .with_reliability(Reliability::lapses(6.0, 20.0).unwrap())
            .with_variant_efficacy(fixed(0.1)),
        "mfa" => c
            .with_reliability(Reliability::share(0.9).unwrap())
            .with_coverage(0.8)
            .unwrap(),
        _ => c,
    });
    let a = analyze(&model, 4, 20_000);
    // The same controls with mfa's one lapse a year lasting the whole year, or no day: the
    // same draws (both forms draw one start and one thinning uniform a year).
    let with_mfa = |r: f64| {
        let controls = model
            .controls()
            .iter()
            .map(|c| {
                if c.id() == "mfa" {
                    c.clone().with_reliability(Reliability::share(r).unwrap())
                } else {
                    c.clone()
                }
            })
            .collect();
        Model::new(model.risks().to_vec())
            .unwrap()
            .with_controls(controls)
            .unwrap()
    };
    let out = analyze(&with_mfa(0.0), 4, 20_000)
        .residual()
        .expected_annual_loss();
    let inside = analyze(&with_mfa(1.0), 4, 20_000)
        .residual()
        .expected_annual_loss();
    let cost = a.control("mfa").unwrap().lapse_cost_per_day;
    assert!(
        close(cost * 365.0, out - inside, 1e-9),
        "{} {}",
        cost * 365.0,
        out - inside
    );
    assert!(cost > 0.0);
}

#[test]
fn shared_lapses_correlate_the_risks_they_cover() {
    // Two Poisson risks of fixed loss 1, rates λ1 and λ2; a control that blocks every event
    // while working, with Poisson(VF) lapses of d days. Given the lapsed share D of the year,
    // each risk passes Poisson(λ_i D) events, independently: Var(total) = Σ λ_i E[D] +
    // (λ1 + λ2)^2 Var(D) with one shared control, Σ (λ_i E[D] + λ_i^2 Var(D)) with one
    // control per risk. Var(D) in closed form: two times at circular distance δ are both
    // working with probability exp(-VF (d + min(δ, d)) / 365).
    let (l1, l2, vf, d) = (8.0, 6.0, 1.0, 120.0);
    let a = (-vf * d / 365.0_f64).exp();
    let steps = 36_500;
    let var_d: f64 = (0..steps)
        .map(|i| {
            let t = (i as f64 + 0.5) * 365.0 / steps as f64;
            let delta = t.min(365.0 - t);
            (-vf * (d + delta.min(d)) / 365.0).exp() - a * a
        })
        .sum::<f64>()
        / steps as f64;
    let e_d = 1.0 - a;
    let risks = || {
        vec![
            Risk::new(
                "r1",
                Frequency::poisson(l1).unwrap(),
                Magnitude::fixed(1.0).unwrap(),
            )
            .unwrap(),
            Risk::new(
                "r2",
                Frequency::poisson(l2).unwrap(),
                Magnitude::fixed(1.0).unwrap(),
            )
            .unwrap(),
        ]
    };
    let lapsing = |_: &str| blocker(1.0).with_reliability(Reliability::lapses(vf, d).unwrap());
    let shared = Model::new(risks())
        .unwrap()
        .with_controls(vec![lapsing("c")])
        .unwrap();
    let separate = Model::new(risks())
        .unwrap()
        .with_controls(vec![
            Control::new("c1", Function::Protect)
                .unwrap()
                .applies_to(["r1"])
                .with_frequency_efficacy(fixed(1.0))
                .unwrap()
                .with_reliability(Reliability::lapses(vf, d).unwrap()),
            Control::new("c2", Function::Protect)
                .unwrap()
                .applies_to(["r2"])
                .with_frequency_efficacy(fixed(1.0))
                .unwrap()
                .with_reliability(Reliability::lapses(vf, d).unwrap()),
        ])
        .unwrap();
    let n = 200_000;
    for (model, cross) in [(&shared, 2.0 * l1 * l2 * var_d), (&separate, 0.0)] {
        let run = analyze(model, 17, n);
        let years = run.trial_losses().unwrap().1;
        let mean = years.iter().sum::<f64>() / n as f64;
        let m2 = years.iter().map(|y| (y - mean).powi(2)).sum::<f64>() / n as f64;
        let m4 = years.iter().map(|y| (y - mean).powi(4)).sum::<f64>() / n as f64;
        let independent = (l1 + l2) * e_d + (l1 * l1 + l2 * l2) * var_d;
        // The sample variance's SE is sqrt((m4 - m2^2) / n); 4 SE.
        let se = ((m4 - m2 * m2) / n as f64).sqrt();
        let measured_cross = m2 - independent;
        assert!(
            (measured_cross - cross).abs() < 4.0 * se,
            "cross {measured_cross} expected {cross} se {se}"
        );
        // The test must be able to tell the two cases apart.
        assert!(2.0 * l1 * l2 * var_d > 10.0 * se, "{se}");
    }
}

#[test]
fn a_manager_halving_the_frequency_gives_the_managed_availability() {
    let (rate, vf, vd) = (4.0, 14.0, 14.0);
    let r = Risk::new(
        "r",
        Frequency::poisson(rate).unwrap(),
        Magnitude::fixed(1.0).unwrap(),
    )
    .unwrap();
    let managed = blocker(1.0).with_reliability(Reliability::lapses(vf, vd).unwrap());
    let manager = Control::new("rules", Function::Govern)
        .unwrap()
        .with_management(Management::new(["c"]).with_frequency_factor(0.5).unwrap());
    let model = Model::new(vec![r])
        .unwrap()
        .with_controls(vec![managed, manager])
        .unwrap();
    let a = analyze(&model, 8, 100_000);
    let (c, m) = (&a.controls()[0], &a.controls()[1]);
    let (unmanaged, halved) = (
        (-vf * vd / 365.0_f64).exp(),
        (-vf / 2.0 * vd / 365.0_f64).exp(),
    );
    assert!((c.availability - halved).abs() < 1e-15);
    // The residual blocks every event in a working time: its reduction is λ A (managed); the
    // manager's marginal value is λ (A_managed - A_unmanaged), both within 4 SE.
    let residual_cut = a.total_reduction();
    assert!(
        (residual_cut - rate * halved).abs()
            < 4.0 * c.eal_reduction_se.max(m.eal_reduction_se) * 2.0,
        "{residual_cut}"
    );
    assert!(
        (m.eal_reduction - rate * (halved - unmanaged)).abs() < 4.0 * m.eal_reduction_se,
        "{}",
        m.eal_reduction
    );
    assert_eq!(m.standalone_reduction, 0.0);
    // Its lapse cost: a manager out for a year manages nothing.
    assert!(close(m.lapse_cost_per_day * 365.0, m.eal_reduction, 1e-12));
    // Govern's share holds what it does through the control it keeps working.
    let govern = a
        .functions()
        .iter()
        .find(|f| f.function == Function::Govern)
        .unwrap();
    assert!(govern.eal_reduction > 0.0);
}

#[test]
fn managing_unknown_controls_or_in_a_cycle_is_refused() {
    let r = || vec![risk("r", 1.0, 1e3, 1e5)];
    let manager = |id: &str, manages: &str| {
        Control::new(id, Function::Govern)
            .unwrap()
            .with_management(Management::new([manages]))
    };
    let e = Model::new(r())
        .unwrap()
        .with_controls(vec![manager("m", "ghost")])
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "control \"m\": manages names unknown control \"ghost\""
    );
    let e = Model::new(r())
        .unwrap()
        .with_controls(vec![manager("a", "b"), manager("b", "a")])
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "controls manage each other in a cycle: a -> b -> a"
    );
    let e = Model::new(r())
        .unwrap()
        .with_controls(vec![manager("a", "a")])
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "controls manage each other in a cycle: a -> a"
    );
    let e = Model::new(r())
        .unwrap()
        .with_controls(vec![blocker(0.5), manager("m", "c")])
        .unwrap_err();
    assert!(e.to_string().contains("without a reliability"), "{e}");
}

#[test]
fn party_and_group_shares_add_up_and_match_brute_force() {
    // Two parties; the provider's manager keeps our EDR working. Brute force: the Shapley
    // value of two players from the sub-models of each coalition, simulated separately on the
    // same seed (the controls' streams are keyed by their ids, so each sub-model sees the
    // same events and draws).
    let model = company(|c| match c.id() {
        "edr" => c
            .with_reliability(Reliability::lapses(8.0, 15.0).unwrap())
            .in_group("detection")
            .unwrap(),
        "ir" | "backups" => c
            .operated_by("mssp")
            .unwrap()
            .in_group("detection")
            .unwrap(),
        _ => c,
    });
    let guard = Control::new("guard", Function::Govern)
        .unwrap()
        .with_management(
            Management::new(["edr"])
                .with_frequency_factor(0.2)
                .unwrap()
                .with_duration_cap_days(2.0)
                .unwrap(),
        )
        .operated_by("mssp")
        .unwrap();
    let mut controls = model.controls().to_vec();
    controls.push(guard);
    let model = Model::new(model.risks().to_vec())
        .unwrap()
        .with_controls(controls)
        .unwrap();
    let (seed, n) = (12, 10_000);
    let a = analyze(&model, seed, n);
    let total = a.total_reduction();
    let sum: f64 = a.parties().iter().map(|p| p.eal_reduction).sum();
    assert!(close(sum, total, 1e-9), "{sum} {total}");
    let gsum: f64 = a.groups().unwrap().iter().map(|g| g.eal_reduction).sum();
    assert!(close(gsum, total, 1e-9));
    let fsum: f64 = a.functions().iter().map(|f| f.eal_reduction).sum();
    assert!(close(fsum, total, 1e-9));
    let value = |party: Option<&str>| -> f64 {
        let kept: Vec<Control> = model
            .controls()
            .iter()
            .filter(|c| party.is_none_or(|p| c.party() == p))
            // Without EDR, its manager has nothing to manage and no effect of its own.
            .filter(|c| party != Some("mssp") || c.id() != "guard")
            .cloned()
            .collect();
        let sub = Model::new(model.risks().to_vec())
            .unwrap()
            .with_controls(kept)
            .unwrap();
        let r = analyze(&sub, seed, n);
        r.total_reduction()
    };
    let (v_self, v_mssp, v_all) = (value(Some("self")), value(Some("mssp")), value(None));
    assert!(close(v_all, total, 1e-9));
    let phi_self = 0.5 * (v_self + (v_all - v_mssp));
    let by_party = |p: &str| {
        a.parties()
            .iter()
            .find(|s| s.party == p)
            .unwrap()
            .eal_reduction
    };
    assert!(
        close(by_party("self"), phi_self, 1e-6),
        "{} {phi_self}",
        by_party("self")
    );
    assert!(close(by_party("mssp"), v_all - phi_self, 1e-6));
    // The provider out for a year: the loss with self's controls only, EDR unmanaged.
    let mssp = a.parties().iter().find(|s| s.party == "mssp").unwrap();
    let self_only = analyze(
        &Model::new(model.risks().to_vec())
            .unwrap()
            .with_controls(
                model
                    .controls()
                    .iter()
                    .filter(|c| c.party() == "self")
                    .cloned()
                    .collect(),
            )
            .unwrap(),
        seed,
        n,
    );
    assert!(close(
        mssp.eal_if_lapsed,
        self_only.residual().expected_annual_loss(),
        1e-9
    ));
    assert_eq!(mssp.controls, ["ir", "backups", "guard"]);
}

/// SCENARIO.md's example of these keys, in JSON, with a risk for each control.
#[cfg(feature = "scenario")]
const SCENARIO_EXAMPLE: &str = r#"{
  "name": "Reliability example",
  "simulation": { "trials": 2000, "seed": 1 },
  "risks": [
    { "id": "cloud_breach", "frequency": { "poisson": { "rate": 2 } },
      "magnitude": { "lognormal": { "ci90": [10000, 1000000] } } }
  ],
  "controls": [
    { "id": "guardduty", "name": "GuardDuty threat detection", "function": "detect",
      "efficacy": 0.4, "coverage": 0.9,
      "reliability": { "variance_frequency": 6, "variance_duration_days": 20 },
      "operated_by": "self" },
    { "id": "config_guardrails", "name": "AWS Config rules and SCP guardrails keep detection on",
      "function": "govern", "category": "GV.PO", "cost": { "annual": 30000 },
      "manages": { "controls": ["guardduty"], "variance_frequency_factor": 0.3,
                   "variance_duration_days": 1 } },
    { "id": "aws_physical", "name": "AWS data centre and hypervisor security", "function": "protect",
      "applies_to": ["cloud_breach"], "frequency_efficacy": 0.3, "operated_by": "aws" }
  ]
}"#;

#[cfg(feature = "scenario")]
#[test]
fn the_scenario_example_parses_runs_and_writes_back() {
    use csfquant::{Format, Scenario};
    let s = Scenario::parse(SCENARIO_EXAMPLE, Format::Json, "example.json").unwrap();
    let report = s.assess().unwrap();
    let parties: Vec<&str> = report.parties().iter().map(|p| p.party.as_str()).collect();
    assert_eq!(parties, ["self", "aws"]);
    let json = serde_json::to_value(&report).unwrap();
    assert!(json["controls"][0]["lapse_cost_per_day"].is_number());
    assert!(json["parties"][1]["eal_reduction"].is_number());
    // Written back, the keys read to the same model.
    let again = Scenario::from_spec(&s.to_spec().unwrap()).unwrap();
    assert_eq!(again.model(), s.model());
    // Errors name the path.
    for (from, to, path) in [
        (
            r#"["guardduty"]"#,
            r#"["guard"]"#,
            "controls[1].manages.controls[0]",
        ),
        (
            r#""coverage": 0.9"#,
            r#""coverage": 1.9"#,
            "controls[0].coverage",
        ),
        (
            r#""variance_frequency": 6"#,
            r#""variance_frequency": -6"#,
            "controls[0].reliability.variance_frequency",
        ),
        (
            r#""operated_by": "aws""#,
            r#""operated_by": "a w s""#,
            "controls[2].operated_by",
        ),
    ] {
        let text = SCENARIO_EXAMPLE.replace(from, to);
        let e = Scenario::parse(&text, Format::Json, "example.json").unwrap_err();
        assert_eq!(e.path(), Some(path), "{e}");
    }
}
