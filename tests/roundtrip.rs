//! Files that read back: `Scenario::to_spec` writes a scenario that reads back, through JSON and
//! TOML text, to an equal scenario (within the one documented precision, a negative binomial
//! thinned by a known vulnerability), or refuses it with `Error::Unwritable`; never a file the
//! reader refuses (issue 14, item 4).
//!
//! The property test builds scenarios with every kind of frequency (plain, thinned by fixed and
//! uncertain vulnerabilities, twice), of loss (capped, with a secondary loss, capped composites),
//! controls with every effect, costs, finance, thresholds and tolerance, all with extreme
//! parameters; the regression tests pin the cases found.

use csfquant::spec::{FrequencySpec, RiskSpec, ScenarioSpec};
use csfquant::{
    Category, Control, Cost, Efficacy, Error, Finance, Format, Frequency, Function, Magnitude,
    Model, Risk, Scenario, SimulationOptions, Subcategory, ToleranceCurve, Transfer,
};
use proptest::prelude::*;

// ---- Checking one scenario ----------------------------------------------------------------------

/// The reasons `to_spec` gives for the models the format cannot express, as documented; any
/// other reason is the writer's safety net catching a bug of its own.
const DOCUMENTED: [&str; 4] = [
    "its threat events are themselves thinned by a known vulnerability",
    "the format has no cap on a primary plus secondary loss",
    "has no spread (sigma 0) and no 90% interval gives its median",
    "has too little overdispersion left",
];

/// What became of one scenario.
#[derive(Debug, PartialEq)]
enum Outcome {
    /// Read back equal from both texts.
    Equal,
    /// Read back within the documented precision (a thinned negative binomial).
    Close,
    /// Refused with a documented reason.
    Unwritable,
    /// Refused for its trial count.
    BadTrials,
}

/// Writes `scenario`, serialises the spec to JSON and TOML text, parses both back and checks
/// that each is the scenario again; panics (with the texts) otherwise.
fn round_trip(scenario: &Scenario) -> Outcome {
    let spec = match scenario.to_spec() {
        Ok(spec) => spec,
        Err(Error::Unwritable { risk, reason }) => {
            assert!(
                DOCUMENTED.iter().any(|d| reason.contains(d)),
                "undocumented refusal of {risk:?}: {reason}"
            );
            assert!(scenario.model().risk(&risk).is_some(), "{risk:?}");
            return Outcome::Unwritable;
        }
        Err(e @ (Error::NoTrials | Error::TooManyTrials { .. })) => {
            let trials = scenario.options().trial_count();
            assert!(trials == 0 || trials > SimulationOptions::MAX_TRIALS, "{e}");
            return Outcome::BadTrials;
        }
        Err(e) => panic!("to_spec: {e}"),
    };
    let json = serde_json::to_string(&spec).unwrap();
    let toml = toml::to_string(&spec).unwrap();
    let mut outcome = Outcome::Equal;
    for (text, format) in [(&json, Format::Json), (&toml, Format::Toml)] {
        let back = Scenario::parse(text, format, "round")
            .unwrap_or_else(|e| panic!("the written file is refused: {e}\n{text}"));
        if back != *scenario && close(scenario, &back, &spec) {
            outcome = Outcome::Close;
        }
        // The file written from what was read is the same file.
        assert_eq!(back.to_spec().unwrap(), spec, "written twice:\n{text}");
    }
    outcome
}

/// Whether `back`, not equal to `original`, needed the documented precision: it is equal but
/// for risks whose written frequency has negative binomial events, with the same mean and
/// variance and `P(N >= 1)` within a relative 1e-12 (true), or equal bit for bit where `==`
/// cannot tell (false). Panics with the difference otherwise.
fn close(original: &Scenario, back: &Scenario, spec: &ScenarioSpec) -> bool {
    assert_eq!(back.name(), original.name());
    assert_eq!(back.currency(), original.currency());
    assert_eq!(back.options(), original.options());
    assert_eq!(back.finance(), original.finance());
    assert_eq!(back.thresholds(), original.thresholds());
    assert_eq!(back.tolerance(), original.tolerance());
    assert_eq!(back.model().controls(), original.model().controls());
    let (a, b) = (original.model().risks(), back.model().risks());
    assert_eq!(a.len(), b.len());
    let mut close = false;
    for ((a, b), written) in a.iter().zip(b).zip(&spec.risks) {
        assert_eq!((a.id(), a.name(), a.csf()), (b.id(), b.name(), b.csf()));
        // The same bits: `==` is false for a NaN moment (a capped lognormal with sigma 0).
        let (m, n) = (a.magnitude(), b.magnitude());
        assert!(
            m == n || format!("{m:?}") == format!("{n:?}"),
            "{m:?}\n{n:?}"
        );
        let (f, g) = (a.frequency(), b.frequency());
        if f == g {
            continue;
        }
        assert!(
            negative_binomial_written(written),
            "{f:?}\nread back as\n{g:?}"
        );
        assert_eq!((f.mean(), f.variance()), (g.mean(), g.variance()));
        assert_eq!(f.vulnerability(), g.vulnerability());
        let (p, q) = (f.probability_of_event(), g.probability_of_event());
        assert!((p - q).abs() <= 1e-12 * p.max(q), "P(N >= 1): {p} vs {q}");
        close = true;
    }
    close
}

/// Whether a risk was written with negative binomial (threat) events.
fn negative_binomial_written(risk: &RiskSpec) -> bool {
    let frequency = match (&risk.frequency, &risk.fair) {
        (Some(f), _) => f,
        (None, Some(fair)) => &fair.threat_event_frequency,
        (None, None) => return false,
    };
    matches!(frequency, FrequencySpec::NegativeBinomial(_))
}

/// A scenario of one risk, with the format's defaults otherwise.
fn one(frequency: Frequency, magnitude: Magnitude) -> Scenario {
    let risk = Risk::new("r", frequency, magnitude).unwrap();
    Scenario::new("one", Model::new(vec![risk]).unwrap())
}

fn loss() -> Magnitude {
    Magnitude::lognormal_ci90(1e4, 1e6).unwrap()
}

/// The written spec of a one-risk scenario as JSON.
fn written(scenario: &Scenario) -> serde_json::Value {
    serde_json::to_value(scenario.to_spec().unwrap()).unwrap()
}

// ---- The cases found ----------------------------------------------------------------------------

/// The issue's case: a FAIR vulnerability of 5e-324 thinning a lognormal rate. The interval
/// recomputed from (mu - 744.4, sigma) was [5e-324, 1.5e-323] (subnormal: it read back with
/// another sigma); wider ones underflowed to 0, which the reader refuses.
#[test]
fn a_lognormal_rate_thinned_by_the_smallest_vulnerability_reads_back() {
    for (low, high) in [(0.5, 3.0), (0.01, 10.0), (1e-300, 1e-280)] {
        let rate = Frequency::poisson_ci90(low, high).unwrap();
        let lef = rate.thinned(Efficacy::fixed(5e-324).unwrap()).unwrap();
        let scenario = one(lef, loss());
        assert_eq!(round_trip(&scenario), Outcome::Equal);
        let poisson = &written(&scenario)["risks"][0]["frequency"]["poisson"];
        assert!(poisson["mu"].as_f64().unwrap() < -744.0, "{poisson}");
        assert!(poisson.get("ci90").is_none(), "{poisson}");
    }
    // As a FAIR file: the fixed vulnerability folds into the rate's mu; an uncertain one keeps
    // the rate's own (mu, sigma) as the threat events.
    for vulnerability in ["5e-324", "{ uniform = { min = 0.0, max = 5e-324 } }"] {
        let text = format!(
            "name = \"issue 14\"\n[[risks]]\nid = \"r\"\nfair = {{ threat_event_frequency = \
             {{ poisson = {{ ci90 = [0.5, 3.0] }} }}, vulnerability = {vulnerability}, \
             primary_loss = {{ fixed = {{ value = 1.0 }} }} }}\n"
        );
        let scenario = Scenario::parse(&text, Format::Toml, "issue.toml").unwrap();
        assert_eq!(round_trip(&scenario), Outcome::Equal, "{text}");
    }
}

/// An interval whose low and high, recomputed from (mu, sigma), round to the same value: the
/// reader refused `[x, x]`. With sigma 0 (bounds whose logarithms coincide) the writer finds
/// two such bounds again; thinned to a median that no two neighbours have as logarithm, it
/// refuses.
#[test]
fn intervals_that_round_to_a_point_read_back() {
    // ln 1.75 and ln 1.75⁺ differ (sigma = 3.4e-17), but e^(mu ± z sigma) are both 1.75.
    let narrow = Frequency::poisson_ci90(1.75, 1.75f64.next_up()).unwrap();
    let scenario = one(narrow, loss());
    assert_eq!(round_trip(&scenario), Outcome::Equal);
    assert!(written(&scenario)["risks"][0]["frequency"]["poisson"]["sigma"].as_f64() > Some(0.0));
    // ln 3 = ln 3⁺: sigma = 0, written as an interval of two such neighbours.
    for (low, high) in [(3.0, 3f64.next_up()), (1e6f64.next_down(), 1e6)] {
        let flat = Frequency::poisson_ci90(low, high).unwrap();
        let scenario = one(flat, loss());
        assert_eq!(round_trip(&scenario), Outcome::Equal);
        let ci90 = &written(&scenario)["risks"][0]["frequency"]["poisson"]["ci90"];
        let [a, b] = [ci90[0].as_f64().unwrap(), ci90[1].as_f64().unwrap()];
        assert!(a < b && a.ln() == b.ln(), "{ci90}");
        // Thinned to a median of 0.8, where every two numbers have different logarithms.
        let thinned = flat.thinned(Efficacy::fixed(0.8 / low).unwrap()).unwrap();
        let e = one(thinned, loss()).to_spec().unwrap_err();
        assert_eq!(
            e.to_string(),
            "risk \"r\" cannot be written as a scenario file: its uncertain rate has no spread \
             (sigma 0) and no 90% interval gives its median"
        );
    }
    // The same for a lognormal loss, which `mu`, `sigma` could not say with sigma 0; capped at
    // its median it has NaN moments (0 / 0 in the capped formulas), so that `==` cannot see
    // that it read back bit for bit: the writer compares the bits.
    let flat = Magnitude::lognormal_ci90(3.0, 3f64.next_up()).unwrap();
    for cap in [10.0, 3.0] {
        let capped = flat.clone().with_cap(cap).unwrap();
        let scenario = one(Frequency::poisson(1.0).unwrap(), capped.clone());
        assert_eq!(round_trip(&scenario), Outcome::Equal, "{capped:?}");
        let composite = loss().with_secondary(0.5, capped).unwrap();
        let scenario = one(Frequency::poisson(1.0).unwrap(), composite);
        assert_eq!(round_trip(&scenario), Outcome::Equal);
    }
}

/// An interval with `high = MAX_RATE` was written with a high recomputed above it
/// (1000000.0000000013), which the reader refuses.
#[test]
fn an_interval_at_the_largest_rate_reads_back() {
    let rate = Frequency::poisson_ci90(142_982.0, Frequency::MAX_RATE).unwrap();
    assert_eq!(round_trip(&one(rate, loss())), Outcome::Equal);
}

/// A negative binomial thinned by a known vulnerability reads back with its mean and variance
/// exactly (its shape recomputed), or is refused where rounding left no overdispersion.
#[test]
fn a_thinned_negative_binomial_reads_back_within_the_stated_precision() {
    let nb = Frequency::negative_binomial(2.0, 6.0).unwrap();
    for v in [0.3, 1e-5, 1e-12] {
        let lef = nb.thinned(Efficacy::fixed(v).unwrap()).unwrap();
        let outcome = round_trip(&one(lef, loss()));
        assert!(matches!(outcome, Outcome::Equal | Outcome::Close), "{v}");
        // As the threat events of an uncertain vulnerability too.
        let twice = lef.thinned(Efficacy::pert(0.1, 0.2, 0.9).unwrap()).unwrap();
        let outcome = round_trip(&one(twice, loss()));
        assert!(matches!(outcome, Outcome::Equal | Outcome::Close), "{v}");
    }
    // Thinned by 1e-150, the overdispersion (a relative 2e-150) is lost to rounding. Variance
    // 1 + 1e-10 thinned by 1e-10: mean 1e-10 and variance 1e-10 + 1e-30, which rounds to the
    // mean.
    let lef = nb.thinned(Efficacy::fixed(1e-150).unwrap()).unwrap();
    assert_eq!(round_trip(&one(lef, loss())), Outcome::Unwritable);
    let lef = Frequency::negative_binomial(1.0, 1.0 + 1e-10)
        .unwrap()
        .thinned(Efficacy::fixed(1e-10).unwrap())
        .unwrap();
    assert_eq!(lef.mean(), lef.variance());
    let e = one(lef, loss()).to_spec().unwrap_err();
    assert_eq!(
        e.to_string(),
        "risk \"r\" cannot be written as a scenario file: its negative binomial count, thinned \
         by a known vulnerability, has too little overdispersion left for its mean and variance \
         to keep it"
    );
}

/// A trial count set in Rust that the format refuses is refused by the writer too.
#[test]
fn a_trial_count_the_format_refuses_is_not_written() {
    let scenario = one(Frequency::poisson(1.0).unwrap(), loss());
    let zero = scenario
        .clone()
        .with_options(SimulationOptions::new(1).trials(0));
    assert_eq!(zero.to_spec().unwrap_err(), Error::NoTrials);
    let many = SimulationOptions::new(1).trials(SimulationOptions::MAX_TRIALS + 1);
    let e = scenario.with_options(many).to_spec().unwrap_err();
    assert!(matches!(e, Error::TooManyTrials { .. }), "{e}");
}

/// The new `poisson = { mu, sigma }` form: read as written, with the rules of `ci90`.
#[test]
fn the_mu_sigma_form_of_an_uncertain_rate_is_read() {
    let parse = |poisson: &str| {
        let text = format!(
            "name = \"n\"\n[[risks]]\nid = \"r\"\nfrequency = {{ poisson = {poisson} }}\n\
             magnitude = {{ fixed = {{ value = 1.0 }} }}\n"
        );
        Scenario::parse(&text, Format::Toml, "mu.toml")
    };
    let from_ci90 = parse("{ ci90 = [0.5, 3.0] }").unwrap();
    let f = *from_ci90.model().risks()[0].frequency();
    let spec = written(&from_ci90);
    let p = &spec["risks"][0]["frequency"]["poisson"];
    let (mu, sigma) = (p["mu"].as_f64().unwrap(), p["sigma"].as_f64().unwrap());
    let back = parse(&format!("{{ mu = {mu:?}, sigma = {sigma:?} }}")).unwrap();
    assert_eq!(back.model().risks()[0].frequency(), &f);
    for (bad, says) in [
        (
            "{ mu = 0.0 }",
            "risks[0].frequency.poisson: expected both `mu` and `sigma`, got `mu` only",
        ),
        (
            "{ sigma = 1.0 }",
            "risks[0].frequency.poisson: expected both `mu` and `sigma`, got `sigma` only",
        ),
        (
            "{ rate = 1.0, mu = 0.0, sigma = 1.0 }",
            "risks[0].frequency.poisson: expected exactly one of `rate`, `ci90` and the pair \
             `mu`, `sigma`, got `rate` and `mu`/`sigma`",
        ),
        (
            "{ ci90 = [1.0, 2.0], sigma = 1.0 }",
            "risks[0].frequency.poisson: expected exactly one of `rate`, `ci90` and the pair \
             `mu`, `sigma`, got `ci90` and `mu`/`sigma`",
        ),
        (
            "{ mu = 0.0, sigma = 0.0 }",
            "risks[0].frequency.poisson.sigma: invalid sigma: 0 (expected a finite number > 0)",
        ),
        (
            "{ mu = 0.0, sigma = 30.0 }",
            "risks[0].frequency.poisson.sigma: invalid sigma: 30 (expected a smaller sigma (or \
             mu): the lognormal rate may put at most 1e-9 of its mean above 1e8 events a year \
             (see Frequency::poisson_ci90))",
        ),
        (
            "{ mu = 14.0, sigma = 0.1 }",
            "risks[0].frequency.poisson.mu: invalid mu: 14 (expected a smaller mu: the mean rate \
             e^(mu + sigma^2 / 2) may be at most 1e6 events a year (Frequency::MAX_RATE))",
        ),
        (
            "{ mu = inf, sigma = 1.0 }",
            "risks[0].frequency.poisson.mu: invalid mu: inf (expected a finite number \
             (log-space))",
        ),
    ] {
        let e = parse(bad).unwrap_err().to_string();
        assert_eq!(e, format!("mu.toml: {says}"), "{bad}");
    }
}

/// The widest and the most extreme intervals `poisson_ci90` accepts read back as written.
#[test]
fn extreme_uncertain_rates_read_back() {
    for (low, high) in [
        (55_355.0, 1e6),
        (1e6 / 18.0, 1e6),
        (0.01 / 26_148.0, 0.01),
        (1e-300, 1e-280),
        (5e-324, 1e-323),
        (f64::MIN_POSITIVE, 2.0 * f64::MIN_POSITIVE),
    ] {
        let Ok(rate) = Frequency::poisson_ci90(low, high) else {
            continue;
        };
        assert_eq!(
            round_trip(&one(rate, loss())),
            Outcome::Equal,
            "[{low}, {high}]"
        );
    }
}

// ---- The property test --------------------------------------------------------------------------

/// 10^e for e uniform: positive numbers over many orders of magnitude.
fn pow10(range: std::ops::Range<f64>) -> impl Strategy<Value = f64> {
    range.prop_map(|e| 10f64.powf(e))
}

/// A positive number, normal or not, tiny or huge.
fn positive() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(5e-324),
        Just(f64::MIN_POSITIVE),
        Just(1.0),
        Just(f64::MAX),
        pow10(-320.0..308.0),
        pow10(-6.0..9.0),
    ]
}

/// A fraction in [0, 1], with its edges and the smallest subnormal.
fn fraction() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(0.0),
        Just(-0.0),
        Just(1.0),
        Just(5e-324),
        Just(1e-300),
        Just(1e-10),
        Just(0.5),
        Just(1.0 - f64::EPSILON / 2.0),
        0.0..=1.0,
    ]
}

/// A vulnerability or an efficacy.
#[derive(Clone, Debug)]
enum Fraction {
    Fixed(f64),
    Pert(f64, f64, f64),
    Uniform(f64, f64),
    Triangular(f64, f64, f64),
}

/// `(min, mode, max)` within [0, 1], `min < max`, the mode often at an end.
fn fraction_range() -> impl Strategy<Value = (f64, f64, f64)> {
    (fraction(), fraction(), 0.0f64..=1.0, 0usize..4).prop_map(|(a, b, t, edge)| {
        let (min, max) = if a < b { (a, b) } else { (b, a) };
        // min == max is refused: move max up one ulp (or min down) to the narrowest range.
        let (min, max) = if min < max {
            (min, max)
        } else if max < 1.0 {
            (min, max.next_up())
        } else {
            (min.next_down(), max)
        };
        let mode = match edge {
            0 => min,
            1 => max,
            _ => (min + t * (max - min)).clamp(min, max),
        };
        (min, mode, max)
    })
}

fn any_fraction() -> impl Strategy<Value = Fraction> {
    prop_oneof![
        fraction().prop_map(Fraction::Fixed),
        fraction_range().prop_map(|(a, m, b)| Fraction::Pert(a, m, b)),
        fraction_range().prop_map(|(a, _, b)| Fraction::Uniform(a, b)),
        fraction_range().prop_map(|(a, m, b)| Fraction::Triangular(a, m, b)),
    ]
}

impl Fraction {
    fn build(&self) -> Efficacy {
        match *self {
            Fraction::Fixed(v) => Efficacy::fixed(v),
            Fraction::Pert(a, m, b) => Efficacy::pert(a, m, b),
            Fraction::Uniform(a, b) => Efficacy::uniform(a, b),
            Fraction::Triangular(a, m, b) => Efficacy::triangular(a, m, b),
        }
        .unwrap_or_else(|e| panic!("{self:?}: {e}"))
    }
}

/// Threat events before any vulnerability.
#[derive(Clone, Debug)]
enum Count {
    Poisson(f64),
    Ci90 { high: f64, ratio: f64, ulps: u32 },
    Bernoulli(f64),
    NegativeBinomial { mean: f64, excess: f64 },
    Fixed(u32),
}

fn any_count() -> impl Strategy<Value = Count> {
    let high = prop_oneof![
        Just(1e6),
        Just(1.0),
        Just(3.0),
        Just(1e-300),
        Just(5e-323),
        pow10(-300.0..6.0),
    ];
    prop_oneof![
        prop_oneof![Just(0.0), Just(5e-324), Just(1e6), pow10(-320.0..6.0)]
            .prop_map(Count::Poisson),
        (high, pow10(-15.0..4.5), 0u32..4).prop_map(|(high, r, ulps)| Count::Ci90 {
            high,
            ratio: 1.0 + r,
            ulps,
        }),
        fraction().prop_map(Count::Bernoulli),
        (
            prop_oneof![Just(1e6), Just(1e-300), pow10(-300.0..6.0)],
            prop_oneof![
                Just(f64::EPSILON),
                Just(1e-10),
                Just(1e6),
                pow10(-16.0..6.0)
            ],
        )
            .prop_map(|(mean, excess)| Count::NegativeBinomial { mean, excess }),
        prop_oneof![0u32..4, Just(1_000_000), 0u32..1000].prop_map(Count::Fixed),
    ]
}

impl Count {
    /// The frequency, or `None` where the constructor refuses the parameters (too wide an
    /// interval, a negative binomial whose shape underflows).
    fn build(&self) -> Option<Frequency> {
        match *self {
            Count::Poisson(rate) => Frequency::poisson(rate).ok(),
            Count::Ci90 { high, ratio, ulps } => {
                // `ulps` > 0: the narrowest intervals, [high − k ulps, high].
                let low = if ulps > 0 {
                    (0..ulps).fold(high, |x, _| x.next_down())
                } else {
                    high / ratio
                };
                Frequency::poisson_ci90(low, high)
                    .or_else(|_| Frequency::poisson_ci90(high / ratio.powf(0.25), high))
                    .ok()
            }
            Count::Bernoulli(p) => Frequency::bernoulli(p).ok(),
            Count::NegativeBinomial { mean, excess } => {
                let variance = (mean * (1.0 + excess.min(1e6))).max(mean.next_up());
                Frequency::negative_binomial(mean, variance).ok()
            }
            Count::Fixed(n) => Frequency::fixed(n).ok(),
        }
    }
}

/// A frequency: threat events thinned by up to two vulnerabilities (two uncertain ones are
/// refused by `thinned`: then the second is left out).
fn any_frequency() -> impl Strategy<Value = Frequency> {
    (any_count(), prop::collection::vec(any_fraction(), 0..=2)).prop_filter_map(
        "parameters the constructors refuse",
        |(count, vulnerabilities)| {
            let mut f = count.build()?;
            for v in &vulnerabilities {
                if let Ok(thinned) = f.thinned(v.build()) {
                    f = thinned;
                }
            }
            Some(f)
        },
    )
}

/// One loss distribution's parameters.
#[derive(Clone, Debug)]
enum Loss {
    Lognormal(f64, f64),
    LognormalCi90 { high: f64, ratio: f64, ulps: u32 },
    Pert(f64, f64, f64, f64),
    Triangular(f64, f64, f64),
    Uniform(f64, f64),
    Gamma(f64, f64),
    Pareto(f64, f64),
    ParetoCapped(f64, f64, f64),
    Fixed(f64),
    Empirical(Vec<f64>),
}

/// `(min, mode, max)` of a loss: min tiny, zero or huge, max one ulp to many orders above it.
fn loss_range() -> impl Strategy<Value = (f64, f64, f64)> {
    (
        prop_oneof![
            Just(0.0),
            Just(5e-324),
            pow10(-310.0..300.0),
            pow10(0.0..7.0)
        ],
        prop_oneof![Just(0.0), pow10(-16.0..8.0)],
        0.0f64..=1.0,
        0usize..4,
    )
        .prop_map(|(min, gap, t, edge)| {
            let max = (min + min.max(1.0) * gap).max(min.next_up());
            let mode = match edge {
                0 => min,
                1 => max,
                _ => (min + t * (max - min)).clamp(min, max),
            };
            (min, mode, max)
        })
}

/// Observed or fixed losses.
fn loss_values() -> impl Strategy<Value = f64> {
    prop_oneof![Just(0.0), Just(5e-324), Just(1e300), positive()]
}

fn any_loss() -> impl Strategy<Value = Loss> {
    let lambda = prop_oneof![Just(4.0), Just(1000.0), Just(1e-3), pow10(-3.0..3.0)];
    prop_oneof![
        (
            -1000.0f64..710.0,
            prop_oneof![Just(1e-300), pow10(-16.0..1.3)]
        )
            .prop_map(|(mu, sigma)| Loss::Lognormal(mu, sigma)),
        (pow10(-300.0..300.0), pow10(-15.0..3.0), 0u32..3).prop_map(|(high, r, ulps)| {
            Loss::LognormalCi90 {
                high,
                ratio: 1.0 + r,
                ulps,
            }
        }),
        (loss_range(), lambda).prop_map(|((a, m, b), l)| Loss::Pert(a, m, b, l)),
        loss_range().prop_map(|(a, m, b)| Loss::Triangular(a, m, b)),
        loss_range().prop_map(|(a, _, b)| Loss::Uniform(a, b)),
        (pow10(-3.0..6.0), positive()).prop_map(|(k, theta)| Loss::Gamma(k, theta)),
        (positive(), pow10(-3.0..3.0)).prop_map(|(s, a)| Loss::Pareto(s, 1.0 + a)),
        (positive(), pow10(-3.0..3.0), pow10(1e-9..100.0))
            .prop_map(|(s, a, c)| Loss::ParetoCapped(s, a, c)),
        loss_values().prop_map(Loss::Fixed),
        prop::collection::vec(loss_values(), 1..6).prop_map(Loss::Empirical),
    ]
}

impl Loss {
    fn build(&self) -> Option<Magnitude> {
        match *self {
            Loss::Lognormal(mu, sigma) => Magnitude::lognormal(mu, sigma),
            Loss::LognormalCi90 { high, ratio, ulps } => {
                let low = if ulps > 0 {
                    (0..ulps).fold(high, |x, _| x.next_down())
                } else {
                    high / ratio
                };
                Magnitude::lognormal_ci90(low, high)
            }
            Loss::Pert(a, m, b, l) => Magnitude::pert_with_lambda(a, m, b, l),
            Loss::Triangular(a, m, b) => Magnitude::triangular(a, m, b),
            Loss::Uniform(a, b) => Magnitude::uniform(a, b),
            Loss::Gamma(k, theta) => Magnitude::gamma(k, theta),
            Loss::Pareto(s, a) => Magnitude::pareto(s, a),
            Loss::ParetoCapped(s, a, c) => Magnitude::pareto_capped(s, a, s * c),
            Loss::Fixed(v) => Magnitude::fixed(v),
            Loss::Empirical(ref v) => Magnitude::empirical(v),
        }
        .ok()
    }
}

/// A loss, maybe capped (at `factor` times its mean: below its least value the cap is refused
/// and left out).
fn capped(loss: Loss, factor: Option<f64>) -> Option<Magnitude> {
    let m = loss.build()?;
    Some(match factor {
        Some(k) => m.clone().with_cap(m.mean().max(1e-300) * k).unwrap_or(m),
        None => m,
    })
}

fn cap_factor() -> impl Strategy<Value = Option<f64>> {
    prop::option::of(prop_oneof![Just(1.0), Just(1e300), pow10(-3.0..3.0)])
}

/// A loss: maybe capped, maybe with a secondary loss (itself maybe capped), maybe with a cap on
/// the sum.
fn any_magnitude() -> impl Strategy<Value = Magnitude> {
    (
        any_loss(),
        cap_factor(),
        prop::option::of((fraction(), any_loss(), cap_factor())),
        prop::option::weighted(0.2, prop_oneof![Just(1.0), pow10(-1.0..1.0)]),
    )
        .prop_filter_map(
            "parameters the constructors refuse",
            |(loss, cap, secondary, total_cap)| {
                let primary = capped(loss, cap)?;
                let Some((p, slm, slm_cap)) = secondary else {
                    return Some(primary);
                };
                let composite = primary.with_secondary(p, capped(slm, slm_cap)?).ok()?;
                Some(match total_cap {
                    Some(k) => {
                        let cap = composite.mean().max(1e-300) * k;
                        composite.clone().with_cap(cap).unwrap_or(composite)
                    }
                    None => composite,
                })
            },
        )
}

/// A name: any text, including none, control characters and other scripts.
fn any_name() -> impl Strategy<Value = Option<String>> {
    prop::option::of(prop_oneof![
        Just(String::new()),
        Just("Ransomware \u{1F480} über \u{0}\t\r\n\"'''\\ \u{7f}".to_string()),
        any::<String>(),
    ])
}

/// CSF tags: indices into the CSF 2.0 categories and subcategories.
fn any_tags() -> impl Strategy<Value = Vec<(bool, usize)>> {
    prop::collection::vec((any::<bool>(), any::<usize>()), 0..3)
}

fn tag((whole, i): (bool, usize)) -> &'static str {
    if whole {
        let all = Category::all();
        all[i % all.len()].id()
    } else {
        let all = Subcategory::all();
        all[i % all.len()].id()
    }
}

/// One risk, its id made unique by its index.
fn any_risk() -> impl Strategy<Value = (String, Option<String>, Vec<(bool, usize)>)> {
    ("[A-Za-z0-9._:-]{0,12}", any_name(), any_tags())
}

/// A money amount within the format's limits.
fn amount() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(0.0),
        Just(-0.0),
        Just(5e-324),
        Just(Cost::MAX_AMOUNT),
        pow10(-300.0..15.0)
    ]
}

/// A control's parameters.
#[derive(Clone, Debug)]
struct ControlRecipe {
    id: String,
    name: Option<String>,
    function: usize,
    category: Option<usize>,
    cost: (f64, f64),
    applies_to: Option<Vec<usize>>,
    frequency_efficacy: Option<Fraction>,
    magnitude_efficacy: Option<Fraction>,
    transfer: Option<(f64, f64, Option<f64>, f64)>,
}

fn any_control() -> impl Strategy<Value = ControlRecipe> {
    (
        "[A-Za-z0-9._:-]{0,12}",
        any_name(),
        (0usize..6, prop::option::of(any::<usize>())),
        (amount(), amount()),
        prop::option::of(prop::collection::vec(any::<usize>(), 1..4)),
        prop::option::of(any_fraction()),
        prop::option::of(any_fraction()),
        prop::option::of((
            amount(),
            positive(),
            prop::option::of(positive()),
            fraction(),
        )),
    )
        .prop_map(
            |(id, name, (function, category), cost, applies_to, fe, me, transfer)| ControlRecipe {
                id,
                name,
                function,
                category,
                cost,
                applies_to,
                frequency_efficacy: fe,
                magnitude_efficacy: me,
                transfer,
            },
        )
}

impl ControlRecipe {
    fn build(&self, index: usize, risks: &[Risk]) -> Control {
        let function = Function::ALL[self.function];
        let mut c = Control::new(format!("c{index}{}", self.id), function).unwrap();
        if let Some(name) = &self.name {
            c = c.with_name(name.as_str());
        }
        if let Some(k) = self.category {
            let categories = function.categories();
            c = c
                .with_category(categories[k % categories.len()].id())
                .unwrap();
        }
        // A cost is 0 or at least Cost::MIN_AMOUNT: the generator's tiny amounts become 0.
        let cost = |x: f64| if x < Cost::MIN_AMOUNT { 0.0 } else { x };
        c = c.with_cost(Cost::new(cost(self.cost.0), cost(self.cost.1)).unwrap());
        if let Some(ids) = &self.applies_to {
            c = c.applies_to(ids.iter().map(|i| risks[i % risks.len()].id().to_string()));
        }
        if let Some(e) = &self.frequency_efficacy {
            c = c.with_frequency_efficacy(e.build()).unwrap();
        }
        if let Some(e) = &self.magnitude_efficacy {
            c = c.with_magnitude_efficacy(e.build()).unwrap();
        }
        if let Some((deductible, limit, aggregate, coinsurance)) = self.transfer {
            let mut t = Transfer::new(deductible, limit).unwrap();
            if let Some(a) = aggregate {
                t = t.with_aggregate_limit(a).unwrap();
            }
            c = c
                .with_transfer(t.with_coinsurance(coinsurance).unwrap())
                .unwrap();
        }
        if !c.has_effect() {
            c = c
                .with_frequency_efficacy(Efficacy::fixed(0.5).unwrap())
                .unwrap();
        }
        c
    }
}

/// Tolerance points: losses and probabilities sorted into a valid curve (equal losses are
/// refused by the curve and then left out).
fn any_tolerance() -> impl Strategy<Value = Option<Vec<(f64, f64)>>> {
    prop::option::of(
        prop::collection::vec((amount(), fraction()), 1..5).prop_map(|mut points| {
            let mut probabilities: Vec<f64> = points.iter().map(|p| p.1).collect();
            points.sort_by(|a, b| a.0.total_cmp(&b.0));
            probabilities.sort_by(|a, b| b.total_cmp(a));
            for (point, p) in points.iter_mut().zip(probabilities) {
                point.1 = p;
            }
            points
        }),
    )
}

prop_compose! {
    fn any_scenario()(
        risks in prop::collection::vec((any_risk(), any_frequency(), any_magnitude()), 1..4),
        controls in prop::collection::vec(any_control(), 0..3),
        name in any_name(),
        currency in prop_oneof![Just("USD"), Just("EUR"), Just("ZZZ")],
        seed in any::<u64>(),
        trials in prop_oneof![
            8 => 1..=SimulationOptions::MAX_TRIALS,
            1 => Just(0),
            1 => Just(SimulationOptions::MAX_TRIALS + 1),
        ],
        horizon in 1u32..=Finance::MAX_HORIZON_YEARS,
        rate in prop_oneof![
            Just(Finance::MIN_DISCOUNT_RATE),
            Just(Finance::MAX_DISCOUNT_RATE),
            Just(-0.0),
            Finance::MIN_DISCOUNT_RATE..=Finance::MAX_DISCOUNT_RATE,
        ],
        thresholds in prop::collection::vec(prop_oneof![amount(), Just(1e300)], 0..4),
        tolerance in any_tolerance(),
    ) -> Scenario {
        let risks: Vec<Risk> = risks
            .into_iter()
            .enumerate()
            .map(|(i, ((id, name, tags), frequency, magnitude))| {
                let mut risk = Risk::new(format!("r{i}{id}"), frequency, magnitude).unwrap();
                if let Some(name) = name {
                    risk = risk.with_name(name);
                }
                risk.with_csf(tags.into_iter().map(tag)).unwrap()
            })
            .collect();
        let controls = controls
            .iter()
            .enumerate()
            .map(|(i, c)| c.build(i, &risks))
            .collect();
        let model = Model::new(risks).unwrap().with_controls(controls).unwrap();
        let mut scenario = Scenario::new(name.unwrap_or_default(), model)
            .with_currency(currency)
            .unwrap()
            .with_options(SimulationOptions::new(seed).trials(trials))
            .with_finance(Finance::new(horizon, rate).unwrap())
            .with_thresholds(thresholds)
            .unwrap();
        if let Some(curve) = tolerance.and_then(|points| ToleranceCurve::new(points).ok()) {
            scenario = scenario.with_tolerance(curve);
        }
        scenario
    }
}

proptest! {
    // 256 cases each keep this under a few seconds (a case reads every risk back twice, and a
    // capped composite's moments take a quadrature); the helper session that wrote this ran 2,048.
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Every scenario is written and read back equal (or within the documented precision) from
    /// JSON and from TOML text, or refused with a documented reason; never refused when read.
    #[test]
    fn every_written_scenario_reads_back(scenario in any_scenario()) {
        round_trip(&scenario);
    }

    /// One risk at a time, so that a refusal of one does not hide the others: most risks are
    /// written, and the documented precision is exercised.
    #[test]
    fn every_written_risk_reads_back(frequency in any_frequency(), magnitude in any_magnitude()) {
        round_trip(&one(frequency, magnitude));
    }
}

/// The generators reach every outcome and every written form, so that the property tests are
/// not vacuous: most risks read back equal, some within the documented precision, some are
/// refused, and uncertain rates are written both as `mu`, `sigma` and (sigma 0) as an interval.
#[test]
fn the_generated_risks_reach_every_outcome() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    use std::collections::HashMap;
    let mut runner = TestRunner::deterministic();
    let risks = (any_frequency(), any_magnitude());
    let mut seen: HashMap<String, usize> = HashMap::new();
    for _ in 0..1024 {
        let (frequency, magnitude) = risks.new_tree(&mut runner).unwrap().current();
        let scenario = one(frequency, magnitude);
        let outcome = round_trip(&scenario);
        *seen.entry(format!("{outcome:?}")).or_default() += 1;
        if outcome == Outcome::Unwritable {
            continue;
        }
        let spec = written(&scenario);
        let risk = &spec["risks"][0];
        let events = match risk.get("fair") {
            Some(fair) => &fair["threat_event_frequency"],
            None => &risk["frequency"],
        };
        if let Some(poisson) = events.get("poisson") {
            for key in ["rate", "ci90", "mu"] {
                if poisson.get(key).is_some() {
                    *seen.entry(format!("poisson {key}")).or_default() += 1;
                }
            }
        }
    }
    for (what, least) in [
        ("Equal", 750),
        ("Close", 5),
        ("Unwritable", 25),
        ("poisson rate", 125),
        ("poisson mu", 50),
        ("poisson ci90", 12),
    ] {
        let got = seen.get(what).copied().unwrap_or(0);
        assert!(got >= least, "{what}: {got} of 1024 ({seen:?})");
    }
}
