//! NIST CSF 2.0 structure, id parsing, the CSF 1.1 -> 2.0 mapping and serde.
//!
//! Reference counts: CSF 2.0 (NIST CSWP 29) has 6 functions, 22 categories and 106 subcategories
//! (GV 31, ID 21, PR 22, DE 11, RS 13, RC 8), as parsed from NIST's OSCAL catalog. CSF 1.1 had 23
//! categories and 108 subcategories. Mappings are NIST's OSCAL `moved_to` / `incorporated_into`
//! links (CSF 2.0 catalog version 1.2.0).
#![allow(clippy::unwrap_used)]

use std::collections::HashSet;

use csfquant::{Category, CsfTag, Error, Function, Subcategory};
use proptest::prelude::*;

fn tag(s: &str) -> CsfTag {
    CsfTag::parse(s).unwrap_or_else(|e| panic!("{s:?}: {e}"))
}

fn unmappable_reason(s: &str) -> &'static str {
    match CsfTag::parse(s) {
        Err(Error::UnmappableCsf11 { id, reason }) => {
            assert_eq!(id, s);
            reason
        }
        other => panic!("{s:?}: expected UnmappableCsf11, got {other:?}"),
    }
}

fn unknown_reason(s: &str) -> &'static str {
    match CsfTag::parse(s) {
        Err(Error::UnknownCsfId { id, reason }) => {
            assert_eq!(id, s);
            reason
        }
        other => panic!("{s:?}: expected UnknownCsfId, got {other:?}"),
    }
}

/// The categories new in CSF 2.0 (no CSF 1.1 category has their id).
const NEW_IN_CSF2: [&str; 11] = [
    "GV.OC", "GV.RM", "GV.RR", "GV.PO", "GV.OV", "GV.SC", "ID.IM", "PR.AA", "PR.PS", "PR.IR",
    "RS.MA",
];

/// CSF 1.1 categories and their subcategory counts (CSF 1.1 core, April 2018: 108 in all).
const CSF11: [(&str, u8); 23] = [
    ("ID.AM", 6),
    ("ID.BE", 5),
    ("ID.GV", 4),
    ("ID.RA", 6),
    ("ID.RM", 3),
    ("ID.SC", 5),
    ("PR.AC", 7),
    ("PR.AT", 5),
    ("PR.DS", 8),
    ("PR.IP", 12),
    ("PR.MA", 2),
    ("PR.PT", 5),
    ("DE.AE", 5),
    ("DE.CM", 8),
    ("DE.DP", 5),
    ("RS.RP", 1),
    ("RS.CO", 5),
    ("RS.AN", 5),
    ("RS.MI", 3),
    ("RS.IM", 2),
    ("RC.RP", 1),
    ("RC.IM", 2),
    ("RC.CO", 3),
];

#[test]
fn counts_match_csf_2_0() {
    assert_eq!(Function::ALL.len(), 6);
    assert_eq!(Category::all().len(), 22);
    assert_eq!(Subcategory::all().len(), 106);
    let per_function: Vec<(&str, usize, usize)> = Function::ALL
        .iter()
        .map(|f| (f.id(), f.categories().len(), f.subcategories().len()))
        .collect();
    assert_eq!(
        per_function,
        [
            ("GV", 6, 31),
            ("ID", 3, 21),
            ("PR", 5, 22),
            ("DE", 2, 11),
            ("RS", 4, 13),
            ("RC", 2, 8)
        ]
    );
    let from_categories: usize = Category::all()
        .iter()
        .map(|c| c.subcategories().len())
        .sum();
    assert_eq!(from_categories, 106);
}

#[test]
fn categories_are_in_nist_order_and_belong_to_their_function() {
    let ids: Vec<&str> = Category::all().iter().map(|c| c.id()).collect();
    assert_eq!(
        ids,
        [
            "GV.OC", "GV.RM", "GV.RR", "GV.PO", "GV.OV", "GV.SC", "ID.AM", "ID.RA", "ID.IM",
            "PR.AA", "PR.AT", "PR.DS", "PR.PS", "PR.IR", "DE.CM", "DE.AE", "RS.MA", "RS.AN",
            "RS.CO", "RS.MI", "RC.RP", "RC.CO"
        ]
    );
    for c in Category::all() {
        assert_eq!(&c.id()[..2], c.function().id(), "{c}");
        assert!(c.function().categories().contains(c), "{c}");
        assert!(!c.name().is_empty());
    }
    assert!(Category::all().windows(2).all(|w| w[0] < w[1]));
    assert_eq!(
        Category::parse("PR.AA").unwrap().name(),
        "Identity Management, Authentication, and Access Control"
    );
    assert_eq!(
        Category::parse("RS.CO").unwrap().name(),
        "Incident Response Reporting and Communication"
    );
}

#[test]
fn subcategories_belong_to_existing_categories() {
    let mut ids = HashSet::new();
    for s in Subcategory::all() {
        assert!(ids.insert(s.id()), "duplicate {s}");
        let c = s.category();
        assert!(Category::all().contains(&c));
        assert!(c.subcategories().contains(s), "{s}");
        assert_eq!(s.id(), format!("{}-{:02}", c.id(), s.number()));
        assert_eq!(s.function(), c.function());
        assert!(s.function().subcategories().contains(s));
        assert!(!s.statement().is_empty());
    }
    assert!(Subcategory::all().windows(2).all(|w| w[0] < w[1]));
    assert_eq!(Subcategory::all()[0].id(), "GV.OC-01");
    assert_eq!(Subcategory::all()[105].id(), "RC.CO-04");
    assert_eq!(
        Subcategory::parse("GV.OC-01").unwrap().statement(),
        "The organizational mission is understood and informs cybersecurity risk management"
    );
}

#[test]
fn every_id_round_trips_through_every_parser() {
    for &c in Category::all() {
        for text in [
            c.id().to_owned(),
            c.id().to_lowercase(),
            format!(" {}\t", c.id()),
        ] {
            assert_eq!(Category::parse(&text).unwrap(), c);
            assert_eq!(text.parse::<Category>().unwrap(), c);
            assert_eq!(CsfTag::parse(&text).unwrap(), CsfTag::Category(c));
        }
        assert_eq!(c.to_string(), c.id());
    }
    for &s in Subcategory::all() {
        for text in [
            s.id().to_owned(),
            s.id().to_lowercase(),
            format!("\n{} ", s.id()),
        ] {
            assert_eq!(Subcategory::parse(&text).unwrap(), s);
            assert_eq!(text.parse::<Subcategory>().unwrap(), s);
            assert_eq!(CsfTag::parse(&text).unwrap(), CsfTag::Subcategory(s));
        }
        assert_eq!(s.to_string(), s.id());
        assert_eq!(CsfTag::from(s).to_string(), s.id());
    }
}

#[test]
fn mixed_case_is_accepted() {
    assert_eq!(tag("pR.aA-05").id(), "PR.AA-05");
    assert_eq!(tag("Gv.Sc").id(), "GV.SC");
    assert_eq!(tag("de.cm-1").id(), "DE.CM");
}

#[test]
fn one_digit_is_normalised_only_in_categories_new_in_csf2() {
    for &s in Subcategory::all().iter().filter(|s| s.number() < 10) {
        let short = format!("{}-{}", s.category().id(), s.number());
        if NEW_IN_CSF2.contains(&s.category().id()) {
            assert_eq!(Subcategory::parse(&short).unwrap(), s, "{short}");
            assert_eq!(tag(&short), CsfTag::Subcategory(s), "{short}");
        } else {
            // A CSF 1.1 id: never the CSF 2.0 subcategory with the same number.
            assert!(Subcategory::parse(&short).is_err(), "{short}");
            assert_ne!(
                CsfTag::parse(&short).ok(),
                Some(CsfTag::Subcategory(s)),
                "{short}"
            );
        }
    }
    assert_eq!(tag("PR.AA-5").id(), "PR.AA-05");
    assert_eq!(tag("gv.oc-1").id(), "GV.OC-01");
    assert_eq!(tag("RS.MA-1").id(), "RS.MA-01");
    // DE.CM-1 is CSF 1.1 ("the network is monitored"), not DE.CM-01.
    assert_eq!(
        tag("DE.CM-1"),
        CsfTag::Category(Category::parse("DE.CM").unwrap())
    );
    assert_eq!(tag("DE.CM-01").id(), "DE.CM-01");
    assert_eq!(tag("ID.AM-1").id(), "ID.AM");
    assert_eq!(tag("ID.AM-01").id(), "ID.AM-01");
    // ID.AM-7 exists only in 2.0, but one digit in a category of both versions means 1.1.
    assert!(unknown_reason("ID.AM-7").contains("two digits"));
    assert_eq!(tag("ID.AM-07").id(), "ID.AM-07");
}

#[test]
fn csf11_categories_map_as_nist_links_them() {
    // (CSF 1.1 category, CSF 2.0 id it maps to, or None where there is no single successor).
    let table: [(&str, Option<&str>); 23] = [
        ("ID.AM", Some("ID.AM")),
        ("ID.BE", Some("GV.OC")),
        ("ID.GV", None),
        ("ID.RA", Some("ID.RA")),
        ("ID.RM", None), // GV.RM, but ID.RM-1 also went to GV.RR-03
        ("ID.SC", None), // GV.SC, GV.OC-02, GV.RM-05, ID.RA-10, ID.IM-02
        ("PR.AC", None), // PR.AA, but PR.AC-5 went to PR.IR-01
        ("PR.AT", Some("PR.AT")),
        ("PR.DS", Some("PR.DS")),
        ("PR.IP", None),
        ("PR.MA", None), // ID.AM-08 and PR.PS-02/03
        ("PR.PT", None),
        ("DE.AE", Some("DE.AE")),
        ("DE.CM", Some("DE.CM")),
        ("DE.DP", None),
        ("RS.RP", Some("RS.MA-01")),
        ("RS.CO", Some("RS.CO")),
        ("RS.AN", Some("RS.AN")),
        ("RS.MI", Some("RS.MI")),
        ("RS.IM", Some("ID.IM")),
        ("RC.RP", Some("RC.RP")),
        ("RC.IM", Some("ID.IM")),
        ("RC.CO", Some("RC.CO")),
    ];
    for ((id, expected), (csf11, _)) in table.iter().zip(CSF11) {
        assert_eq!(*id, csf11);
        match expected {
            Some(target) => {
                assert_eq!(tag(id).id(), *target, "{id}");
                assert_eq!(tag(&id.to_lowercase()).id(), *target, "{id}");
            }
            None => {
                let reason = unmappable_reason(id);
                assert!(reason.starts_with("withdrawn"), "{id}: {reason}");
                assert!(reason.contains("directly"), "{id}: {reason}");
            }
        }
    }
    assert_eq!(
        unmappable_reason("PR.IP"),
        "withdrawn; its subcategories were split across PR.PS, PR.DS-11, PR.IR-02, ID.AM-08, ID.RA-01/07, ID.IM and GV.RR-04: tag the CSF 2.0 id directly"
    );
    assert!(unmappable_reason("ID.GV").contains("GOVERN function"));
    assert!(unmappable_reason("PR.PT").contains("PR.PS-01/04"));
    assert!(unmappable_reason("DE.DP").contains("DE.AE-06"));
    assert_eq!(
        CsfTag::parse("PR.AC").unwrap_err().to_string(),
        "CSF 1.1 id \"PR.AC\" has no single CSF 2.0 successor: withdrawn; its subcategories went \
         to PR.AA-01/02/03/05/06, except PR.AC-5 and part of PR.AC-3, which went to PR.IR-01: tag \
         the CSF 2.0 id directly"
    );
    assert!(unmappable_reason("ID.RM").contains("GV.RR-03"));
    assert!(unmappable_reason("ID.SC").contains("ID.RA-10"));
    assert!(unmappable_reason("PR.MA").contains("ID.AM-08 and PR.PS-02/03"));
    // Retained categories are simply the CSF 2.0 category; RS.RP is a subcategory tag.
    assert!(matches!(tag("RS.RP"), CsfTag::Subcategory(_)));
    assert_eq!(tag("ID.BE").function(), Function::Govern);
}

/// The CSF 2.0 ids a reason names (`PR.AA-01/02` as PR.AA-01 and PR.AA-02), with the categories
/// they lie in; CSF 1.1 ids such as `PR.AC-5` are left out.
fn named_categories(reason: &str) -> HashSet<Category> {
    reason
        .split(|c: char| !(c.is_ascii_alphanumeric() || ".-/".contains(c)))
        .filter_map(|token| Category::parse(token.get(..5)?).ok())
        .collect()
}

/// Over every CSF 1.1 category, through the public parser only: a withdrawn category maps to a
/// CSF 2.0 tag only when every one of its subcategories leads into that tag's category;
/// otherwise it is refused, and the refusal names every category its subcategories went to.
#[test]
fn a_csf11_category_maps_only_where_all_its_subcategories_go() {
    for (id, count) in CSF11 {
        if let Ok(c) = Category::parse(id) {
            // Kept in 2.0: the id is a CSF 2.0 id.
            assert_eq!(tag(id), CsfTag::Category(c));
            continue;
        }
        let mut successors = HashSet::new();
        for n in 1..=count {
            let sub = format!("{id}-{n}");
            match CsfTag::parse(&sub) {
                Ok(t) => {
                    successors.insert(t.category());
                }
                Err(Error::UnmappableCsf11 { reason, .. }) => {
                    let named = named_categories(reason);
                    assert!(named.len() > 1, "{sub}: {reason}");
                    successors.extend(named);
                }
                Err(e) => panic!("{sub}: {e}"),
            }
        }
        match CsfTag::parse(id) {
            Ok(t) => assert_eq!(
                successors,
                HashSet::from([t.category()]),
                "{id} maps to {t}, but its subcategories went to {successors:?}"
            ),
            Err(Error::UnmappableCsf11 { reason, .. }) => {
                assert!(
                    successors.len() > 1,
                    "{id}: refused, but all went to {successors:?}"
                );
                assert_eq!(named_categories(reason), successors, "{id}: {reason}");
            }
            Err(e) => panic!("{id}: {e}"),
        }
    }
}

#[test]
fn named_subcategory_links_are_followed() {
    // DOMAIN.md section 1 and the OSCAL catalog: single-successor links.
    for (csf11, csf2) in [
        ("RS.RP-1", "RS.MA-01"),
        ("RS.RP-01", "RS.MA-01"),
        ("PR.IP-4", "PR.DS-11"),
        ("PR.IP-04", "PR.DS-11"),
        ("PR.PT-1", "PR.PS-04"),
        ("PR.PT-01", "PR.PS-04"),
        ("DE.DP-4", "DE.AE-06"),
        ("DE.DP-04", "DE.AE-06"),
        // More single links, including ones that leave their 1.1 category's successor.
        ("PR.AC-5", "PR.IR-01"),
        ("PR.AC-2", "PR.AA-06"),
        ("ID.BE-1", "GV.OC-05"),
        ("ID.GV-3", "GV.OC-03"),
        ("DE.AE-1", "ID.AM-03"),
        ("PR.DS-7", "PR.IR-01"),
        ("PR.DS-07", "PR.IR-01"), // two digits, but PR.DS-07 is not a CSF 2.0 subcategory
        ("RS.MI-3", "ID.RA-06"),
        ("DE.CM-8", "ID.RA-01"),
        ("PR.IP-11", "GV.RR-04"),
        ("RC.CO-1", "RC.CO-04"),
    ] {
        assert_eq!(tag(csf11).id(), csf2, "{csf11}");
    }
}

#[test]
fn csf11_subcategories_split_within_one_category_map_to_it() {
    for (csf11, csf2) in [
        ("PR.AC-1", "PR.AA"),  // PR.AA-01, PR.AA-05
        ("PR.AC-01", "PR.AA"), // the catalog's form of the same id
        ("ID.GV-1", "GV.PO"),  // GV.PO, GV.PO-01, GV.PO-02
        ("DE.CM-4", "DE.CM"),  // DE.CM-01, DE.CM-09
        ("DE.CM-04", "DE.CM"),
        ("RS.AN-2", "RS.MA"), // RS.MA-02..04
        ("PR.IP-7", "ID.IM"), // ID.IM, ID.IM-03
        ("DE.DP-2", "DE.AE"), // the category DE.AE
        ("RS.IM-1", "ID.IM"),
        // Not withdrawn in 2.0: the category, never the same-numbered 2.0 subcategory.
        ("ID.RA-1", "ID.RA"),
        ("RC.RP-1", "RC.RP"),
        ("RS.MI-1", "RS.MI"),
    ] {
        assert_eq!(
            tag(csf11),
            CsfTag::Category(Category::parse(csf2).unwrap()),
            "{csf11}"
        );
    }
}

#[test]
fn csf11_subcategories_split_across_categories_are_unmappable() {
    for (id, successors) in [
        ("PR.AC-3", "PR.AA-03, PR.AA-05 and PR.IR-01"),
        ("ID.AM-6", "GV.RR-02 and GV.SC-02"),
        ("PR.DS-8", "ID.RA-09 and DE.CM-09"),
        ("PR.DS-03", "ID.AM-08 and PR.PS-03"),
        ("PR.MA-1", "ID.AM-08 and PR.PS-03"),
        ("PR.MA-2", "ID.AM-08 and PR.PS-02"),
        ("ID.SC-5", "GV.SC-08 and ID.IM-02"),
    ] {
        assert_eq!(
            unmappable_reason(id),
            format!(
                "withdrawn in CSF 2.0 and split across {successors}: tag the CSF 2.0 id directly"
            ),
            "{id}"
        );
    }
    let e = CsfTag::parse("PR.AC-3").unwrap_err();
    assert_eq!(
        e.to_string(),
        "CSF 1.1 id \"PR.AC-3\" has no single CSF 2.0 successor: withdrawn in CSF 2.0 and split across PR.AA-03, PR.AA-05 and PR.IR-01: tag the CSF 2.0 id directly"
    );
}

#[test]
fn every_csf11_subcategory_is_known_and_numbers_beyond_are_not() {
    // Each of the 108 CSF 1.1 subcategories either maps or is unmappable; never unknown. The
    // totals pin the embedded OSCAL links: 44 to a subcategory, 46 to a category, 18 split.
    let (mut to_sub, mut to_cat, mut split) = (0, 0, 0);
    for (category, count) in CSF11 {
        let retained = Category::parse(category).is_ok();
        for n in 1..=count {
            let one = format!("{category}-{n}");
            let two = format!("{category}-{n:02}");
            let result = CsfTag::parse(&one);
            match &result {
                Ok(CsfTag::Subcategory(_)) => to_sub += 1,
                Ok(CsfTag::Category(_)) => to_cat += 1,
                Err(Error::UnmappableCsf11 { .. }) => split += 1,
                Err(e) => panic!("{one}: {e}"),
            }
            let two_result = CsfTag::parse(&two);
            if !retained || Subcategory::parse(&two).is_err() {
                // Both forms name the same 1.1 subcategory.
                match (&result, &two_result) {
                    (Ok(a), Ok(b)) => assert_eq!(a, b, "{one} vs {two}"),
                    (
                        Err(Error::UnmappableCsf11 { reason: a, .. }),
                        Err(Error::UnmappableCsf11 { reason: b, .. }),
                    ) => assert_eq!(a, b),
                    other => panic!("{one} vs {two}: {other:?}"),
                }
            }
        }
        let past = if retained {
            format!("{category}-{}", count + 1)
        } else {
            format!("{category}-{:02}", count + 1)
        };
        if count + 1 < 10 || !retained {
            unknown_reason(&past);
        }
    }
    assert_eq!((to_sub, to_cat, split), (44, 46, 18));
    assert_eq!(to_sub + to_cat + split, 108);
}

#[test]
fn unknown_ids_get_helpful_reasons() {
    assert_eq!(
        CsfTag::parse("PR.ZZ").unwrap_err().to_string(),
        "unknown CSF id \"PR.ZZ\" (neither CSF 2.0 nor CSF 1.1 has this category: expected a CSF 2.0 id such as PR.AA or PR.AA-05)"
    );
    assert_eq!(
        CsfTag::parse("").unwrap_err().to_string(),
        "unknown CSF id \"\" (expected a CSF 2.0 id such as PR.AA or PR.AA-05)"
    );
    assert!(unknown_reason("PR").contains("function"));
    assert!(unknown_reason("protect").contains("function"));
    assert!(unknown_reason("PR.AA-07").contains("Category::subcategories"));
    assert!(unknown_reason("PR.DS-09").contains("Category::subcategories"));
    assert!(unknown_reason("DE.CM-9").contains("two digits"));
    assert!(unknown_reason("PR.AC-8").contains("no subcategory with this number"));
    for bad in [
        "   ",
        "PR AA",
        "PR. AA",
        "PR.AA - 05",
        "PR.AA-5a",
        "PR.AA-005",
        "PR.AA-",
        "PR_AA",
        "PR.AA.05",
        "PR.ÄA",
        "PR.AA-０５",
        "🙂",
        "PR.AA\u{0}",
    ] {
        assert!(
            matches!(CsfTag::parse(bad), Err(Error::UnknownCsfId { .. })),
            "{bad:?}"
        );
    }
}

#[test]
fn strict_parsers_reject_the_other_kinds() {
    assert!(Category::parse("PR.AA-05").is_err());
    assert!(Subcategory::parse("PR.AA").is_err());
    let e = Category::parse("PR.AC").unwrap_err();
    assert!(e.to_string().contains("CSF 1.1 category"), "{e}");
    let e = Subcategory::parse("PR.AC-1").unwrap_err();
    assert!(e.to_string().contains("CSF 1.1 subcategory"), "{e}");
    assert!(Subcategory::parse("DE.CM-1").is_err());
    assert!(Category::parse("ID.GV").is_err());
}

#[test]
fn function_parses_ids_and_names() {
    for f in Function::ALL {
        for text in [
            f.id().to_owned(),
            f.id().to_lowercase(),
            f.name().to_owned(),
            f.name().to_uppercase(),
            format!("  {}\n", f.name().to_lowercase()),
        ] {
            assert_eq!(Function::parse(&text).unwrap(), f, "{text:?}");
            assert_eq!(text.parse::<Function>().unwrap(), f);
        }
        assert_eq!(f.to_string(), f.name());
    }
    assert_eq!(
        Function::parse("PR.AA").unwrap_err().to_string(),
        "unknown CSF id \"PR.AA\" (expected a CSF 2.0 function: GV, ID, PR, DE, RS, RC or govern, identify, protect, detect, respond, recover)"
    );
    for bad in ["", "G", "gov", "protects", "P R", "ＰＲ"] {
        assert!(Function::parse(bad).is_err(), "{bad:?}");
    }
    assert!(Function::Govern < Function::Recover);
}

#[test]
fn tags_sort_in_nist_order_with_categories_first() {
    let mut tags: Vec<CsfTag> = [
        "RC.CO", "PR.AT", "PR.AA-06", "PR.AA", "GV.OC-05", "PR.AA-01",
    ]
    .iter()
    .map(|s| tag(s))
    .collect();
    tags.sort();
    let ids: Vec<&str> = tags.iter().map(|t| t.id()).collect();
    assert_eq!(
        ids,
        [
            "GV.OC-05", "PR.AA", "PR.AA-01", "PR.AA-06", "PR.AT", "RC.CO"
        ]
    );
}

#[test]
fn tag_accessors_agree() {
    let t = tag("PR.AA-05");
    assert_eq!(t.category().id(), "PR.AA");
    assert_eq!(t.function(), Function::Protect);
    assert_eq!(t.subcategory().unwrap().number(), 5);
    let c = tag("PR.AA");
    assert_eq!(c.category(), t.category());
    assert_eq!(c.subcategory(), None);
    assert_eq!(CsfTag::from(c.category()), c);
}

#[test]
fn serde_round_trips_and_revalidates() {
    // Functions: lowercase names; the two-letter id is accepted on input.
    assert_eq!(
        serde_json::to_string(&Function::ALL).unwrap(),
        r#"["govern","identify","protect","detect","respond","recover"]"#
    );
    for f in Function::ALL {
        let json = serde_json::to_string(&f).unwrap();
        assert_eq!(serde_json::from_str::<Function>(&json).unwrap(), f);
        let by_id = serde_json::from_str::<Function>(&format!("\"{}\"", f.id())).unwrap();
        assert_eq!(by_id, f);
    }
    // Categories, subcategories and tags: their id.
    for &c in Category::all() {
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(json, format!("\"{}\"", c.id()));
        assert_eq!(serde_json::from_str::<Category>(&json).unwrap(), c);
        let t = CsfTag::Category(c);
        assert_eq!(serde_json::from_str::<CsfTag>(&json).unwrap(), t);
        assert_eq!(serde_json::to_string(&t).unwrap(), json);
    }
    for &s in Subcategory::all() {
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(json, format!("\"{}\"", s.id()));
        assert_eq!(serde_json::from_str::<Subcategory>(&json).unwrap(), s);
        let t = CsfTag::Subcategory(s);
        assert_eq!(serde_json::from_str::<CsfTag>(&json).unwrap(), t);
    }
    // A scenario's tag list may use CSF 1.1 ids; they come back as CSF 2.0.
    let tags: Vec<CsfTag> =
        serde_json::from_str(r#"["id.be", "PR.IP-4", "de.cm-1", "PR.AA-5"]"#).unwrap();
    assert_eq!(
        serde_json::to_string(&tags).unwrap(),
        r#"["GV.OC","PR.DS-11","DE.CM","PR.AA-05"]"#
    );
}

#[test]
fn serde_rejects_invalid_ids_with_the_parse_error() {
    let e = serde_json::from_str::<CsfTag>(r#""PR.IP""#).unwrap_err();
    assert!(
        e.to_string().contains("has no single CSF 2.0 successor"),
        "{e}"
    );
    let e = serde_json::from_str::<Category>(r#""PR.ZZ""#).unwrap_err();
    assert!(e.to_string().starts_with("unknown CSF id \"PR.ZZ\""), "{e}");
    assert!(serde_json::from_str::<Category>(r#""PR.AC""#).is_err());
    assert!(serde_json::from_str::<Subcategory>(r#""PR.AA""#).is_err());
    assert!(serde_json::from_str::<Function>(r#""Protection""#).is_err());
    // Not a string at all.
    let e = serde_json::from_str::<CsfTag>("42").unwrap_err();
    assert!(
        e.to_string()
            .contains("expected a CSF 2.0 category or subcategory id"),
        "{e}"
    );
    assert!(serde_json::from_str::<Function>("null").is_err());
}

proptest! {
    #[test]
    fn arbitrary_strings_never_panic(s in any::<String>()) {
        let _ = CsfTag::parse(&s);
        let _ = Category::parse(&s);
        let _ = Subcategory::parse(&s);
        let _ = Function::parse(&s);
        let _ = serde_json::from_value::<CsfTag>(serde_json::Value::String(s));
    }

    #[test]
    fn id_shaped_strings_parse_consistently(
        s in "[ \t]{0,2}[A-Za-z]{2}[.][A-Za-z]{2}(-[0-9]{1,3})?[ \t]{0,2}"
    ) {
        match CsfTag::parse(&s) {
            // Anything accepted prints as a CSF 2.0 id that parses back to itself.
            Ok(t) => {
                prop_assert_eq!(CsfTag::parse(t.id()).unwrap(), t);
                // A two-digit CSF 2.0 id is kept verbatim (up to case and whitespace).
                if let Ok(sub) = Subcategory::parse(&s) {
                    prop_assert_eq!(t, CsfTag::Subcategory(sub));
                    let canonical = s.trim().to_ascii_uppercase();
                    if canonical.len() == 8 {
                        prop_assert_eq!(t.id(), canonical);
                    }
                }
            }
            Err(Error::UnknownCsfId { id, .. }) | Err(Error::UnmappableCsf11 { id, .. }) => {
                prop_assert_eq!(id, s);
            }
            Err(e) => prop_assert!(false, "unexpected error {e}"),
        }
    }

    #[test]
    fn real_ids_survive_any_casing(i in 0usize..106, mask in any::<u8>()) {
        let s = Subcategory::all()[i];
        let cased: String = s
            .id()
            .chars()
            .enumerate()
            .map(|(k, ch)| if mask >> (k % 8) & 1 == 1 { ch.to_ascii_lowercase() } else { ch })
            .collect();
        prop_assert_eq!(CsfTag::parse(&cased).unwrap(), CsfTag::Subcategory(s));
    }
}
