//! NIST Cybersecurity Framework (CSF) 2.0 identifiers, and the mapping of CSF 1.1 ids onto them.
//!
//! # CSF 2.0 structure
//!
//! CSF 2.0 (NIST CSWP 29, 26 February 2024) organises cybersecurity outcomes in three levels:
//!
//! * 6 [`Function`]s: Govern (GV), Identify (ID), Protect (PR), Detect (DE), Respond (RS) and
//!   Recover (RC);
//! * 22 [`Category`]s, named `FF.CC` after their function, e.g. `PR.AA` (Identity Management,
//!   Authentication, and Access Control);
//! * 106 [`Subcategory`]s, named `FF.CC-NN` with two digits, e.g. `PR.AA-05`. Numbers withdrawn
//!   during the revision are skipped, so `PR.DS` has `PR.DS-01`, `-02`, `-10` and `-11`. By
//!   function there are GV 31, ID 21, PR 22, DE 11, RS 13 and RC 8 subcategories.
//!
//! The ids, names and statements are embedded as static tables (a private `data` module), taken
//! from NIST's OSCAL catalog of CSF 2.0 ("Electronic Version of NIST Cybersecurity Framework 2.0",
//! catalog version 1.2.0, usnistgov/oscal-content). [`Category`] and [`Subcategory`] are small
//! `Copy` handles into those tables; all three types are ordered as the CSWP 29 core lists them
//! (which puts DE.CM before DE.AE, unlike the catalog's sort order).
//!
//! A risk or a control is tagged with a [`CsfTag`]: a category or a subcategory. Tags are written
//! as their id in scenario files and parsed with [`CsfTag::parse`], which is case-insensitive and
//! ignores surrounding whitespace.
//!
//! # CSF 1.1 ids
//!
//! CSF 1.1 (April 2018) had 5 functions, 23 categories and 108 subcategories written with one
//! digit (`PR.AC-1`). In the CSF 2.0 catalog NIST marks each 1.1 element it dropped as withdrawn,
//! and gives withdrawn subcategories (and most withdrawn categories) `moved_to` /
//! `incorporated_into` links to their 2.0 successors (the catalog writes those
//! 1.1 ids with two digits, `PR.AC-01`). [`CsfTag::parse`] accepts a 1.1 id and follows those
//! links **only where they lead to one place**:
//!
//! * a link to one 2.0 subcategory gives that subcategory (`PR.IP-4` -> `PR.DS-11`);
//! * links that all stay inside one 2.0 category give that category (`PR.AC-1` -> `PR.AA`,
//!   whose content went to `PR.AA-01` and `PR.AA-05`);
//! * a withdrawn 1.1 category maps the same way, by the links of all its subcategories
//!   (`ID.BE` -> `GV.OC`);
//! * links into several categories give [`Error::UnmappableCsf11`] with the successors to tag
//!   instead: for subcategories such as `PR.AC-3`, and for the categories `ID.GV`, `ID.RM`,
//!   `ID.SC`, `PR.AC`, `PR.IP`, `PR.MA`, `PR.PT` and `DE.DP`. (NIST links `PR.AC` to `PR.AA`, but
//!   `PR.AC-5` went to `PR.IR-01`: a bare `PR.AC` would drop it.)
//!
//! A 1.1 id is never mapped to the 2.0 subcategory that happens to share its number: eleven
//! category ids survive into 2.0 (ID.AM, ID.RA, PR.AT, PR.DS, DE.AE, DE.CM, RS.CO, RS.AN, RS.MI,
//! RC.RP, RC.CO) and their subcategories were renumbered and reworded, so `ID.AM-1` (physical
//! devices) is not quite `ID.AM-01` (hardware inventories). See [`CsfTag::parse`] for how one and
//! two digits are told apart.

use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Result};

mod data;

use data::{
    CATEGORIES, CSF11_CATEGORIES, CSF11_SUBCATEGORIES, CategoryRow, FUNCTION_CATEGORIES,
    FUNCTION_SUBCATEGORIES, SUBCATEGORIES, SubcategoryRow, Target,
};

/// Number of CSF 2.0 categories (the data tables are typed with it, so a mismatch does not compile).
const CATEGORY_COUNT: usize = 22;
/// Number of CSF 2.0 subcategories.
const SUBCATEGORY_COUNT: usize = 106;

// Why an id was rejected. Static strings, so errors stay cheap and comparable.
const REASON_FUNCTION: &str = "expected a CSF 2.0 function: GV, ID, PR, DE, RS, RC or govern, \
    identify, protect, detect, respond, recover";
const REASON_SHAPE: &str = "expected a CSF 2.0 id such as PR.AA or PR.AA-05";
const REASON_FUNCTION_NOT_TAG: &str = "this is a CSF function, not a category or subcategory: \
    expected an id such as PR.AA or PR.AA-05";
const REASON_UNKNOWN_CATEGORY: &str = "neither CSF 2.0 nor CSF 1.1 has this category: expected a \
    CSF 2.0 id such as PR.AA or PR.AA-05";
const REASON_NO_SUCH_SUBCATEGORY: &str = "CSF 2.0 has no subcategory with this number in this \
    category (withdrawn numbers are skipped, e.g. PR.DS has 01, 02, 10 and 11): see \
    Category::subcategories";
const REASON_NO_SUCH_CSF11_SUBCATEGORY: &str = "one digit after a category that exists in both \
    CSF 1.1 and 2.0 marks a CSF 1.1 id, and CSF 1.1 has no subcategory with this number: write \
    CSF 2.0 subcategories with two digits, e.g. DE.CM-09";
const REASON_NO_SUCH_WITHDRAWN_SUBCATEGORY: &str = "this CSF 1.1 category (withdrawn in CSF 2.0) \
    has no subcategory with this number: tag a CSF 2.0 id such as PR.AA or PR.AA-05";
const REASON_SUBCATEGORY_NOT_CATEGORY: &str = "this is a subcategory: expected a CSF 2.0 category \
    id such as PR.AA";
const REASON_CATEGORY_NOT_SUBCATEGORY: &str = "this is a category: expected a CSF 2.0 subcategory \
    id such as PR.AA-05";
const REASON_CSF11_CATEGORY: &str = "this is a CSF 1.1 category: expected a CSF 2.0 category such \
    as PR.AA (CsfTag::parse maps CSF 1.1 ids)";
const REASON_CSF11_SUBCATEGORY: &str = "this is a CSF 1.1 subcategory: expected a CSF 2.0 \
    subcategory such as PR.AA-05 (CsfTag::parse maps CSF 1.1 ids)";

/// One of the six CSF 2.0 functions, the top level of the framework.
///
/// Serialized as its lowercase name (`"govern"`); deserialized with [`Function::parse`], so the
/// two-letter id (`"GV"`) is accepted too.
///
/// # Example
/// ```
/// use csfquant::Function;
///
/// let f: Function = "pr".parse()?;
/// assert_eq!(f, Function::Protect);
/// assert_eq!((f.id(), f.name()), ("PR", "Protect"));
/// assert_eq!(f.categories().len(), 5);
/// Ok::<(), csfquant::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Function {
    /// GV: "The organization's cybersecurity risk management strategy, expectations, and policy
    /// are established, communicated, and monitored".
    Govern,
    /// ID: "The organization's current cybersecurity risks are understood".
    Identify,
    /// PR: "Safeguards to manage the organization's cybersecurity risks are used".
    Protect,
    /// DE: "Possible cybersecurity attacks and compromises are found and analyzed".
    Detect,
    /// RS: "Actions regarding a detected cybersecurity incident are taken".
    Respond,
    /// RC: "Assets and operations affected by a cybersecurity incident are restored".
    Recover,
}

impl Function {
    /// The six functions in NIST order: Govern, Identify, Protect, Detect, Respond, Recover.
    ///
    /// # Example
    /// ```
    /// use csfquant::Function;
    ///
    /// let ids: Vec<&str> = Function::ALL.iter().map(|f| f.id()).collect();
    /// assert_eq!(ids, ["GV", "ID", "PR", "DE", "RS", "RC"]);
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub const ALL: [Function; 6] = [
        Function::Govern,
        Function::Identify,
        Function::Protect,
        Function::Detect,
        Function::Respond,
        Function::Recover,
    ];

    /// The two-letter id: `"GV"`, `"ID"`, `"PR"`, `"DE"`, `"RS"` or `"RC"`.
    ///
    /// # Example
    /// ```
    /// assert_eq!(csfquant::Function::Govern.id(), "GV");
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub const fn id(self) -> &'static str {
        match self {
            Function::Govern => "GV",
            Function::Identify => "ID",
            Function::Protect => "PR",
            Function::Detect => "DE",
            Function::Respond => "RS",
            Function::Recover => "RC",
        }
    }

    /// The name in title case: `"Govern"`, `"Identify"`, ... (NIST prints it in capitals).
    ///
    /// # Example
    /// ```
    /// assert_eq!(csfquant::Function::Recover.name(), "Recover");
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub const fn name(self) -> &'static str {
        match self {
            Function::Govern => "Govern",
            Function::Identify => "Identify",
            Function::Protect => "Protect",
            Function::Detect => "Detect",
            Function::Respond => "Respond",
            Function::Recover => "Recover",
        }
    }

    /// The function's categories, in NIST order (GV 6, ID 3, PR 5, DE 2, RS 4, RC 2).
    ///
    /// # Example
    /// ```
    /// use csfquant::Function;
    ///
    /// let ids: Vec<&str> = Function::Detect.categories().iter().map(|c| c.id()).collect();
    /// assert_eq!(ids, ["DE.CM", "DE.AE"]);
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub fn categories(self) -> &'static [Category] {
        let (start, end) = FUNCTION_CATEGORIES[self as usize];
        &ALL_CATEGORIES[usize::from(start)..usize::from(end)]
    }

    /// The function's subcategories, in NIST order (GV 31, ID 21, PR 22, DE 11, RS 13, RC 8).
    ///
    /// # Example
    /// ```
    /// use csfquant::Function;
    ///
    /// assert_eq!(Function::Respond.subcategories().len(), 13);
    /// assert_eq!(Function::Respond.subcategories()[0].id(), "RS.MA-01");
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub fn subcategories(self) -> &'static [Subcategory] {
        let (start, end) = FUNCTION_SUBCATEGORIES[self as usize];
        &ALL_SUBCATEGORIES[usize::from(start)..usize::from(end)]
    }

    /// Parses a function from its two-letter id or its name, ignoring case and surrounding
    /// whitespace: `"PR"`, `"pr"`, `"Protect"` and `" PROTECT "` all give [`Function::Protect`].
    ///
    /// # Errors
    /// Returns [`Error::UnknownCsfId`] for anything else.
    ///
    /// # Example
    /// ```
    /// use csfquant::Function;
    ///
    /// assert_eq!(Function::parse(" respond ")?, Function::Respond);
    /// assert!(Function::parse("PR.AA").is_err());
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub fn parse(s: &str) -> Result<Function> {
        let t = s.trim();
        Function::ALL
            .into_iter()
            .find(|f| t.eq_ignore_ascii_case(f.id()) || t.eq_ignore_ascii_case(f.name()))
            .ok_or_else(|| unknown(s, REASON_FUNCTION))
    }
}

impl fmt::Display for Function {
    /// Writes the name, e.g. `Protect`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.name())
    }
}

impl FromStr for Function {
    type Err = Error;

    /// Same as [`Function::parse`].
    fn from_str(s: &str) -> Result<Function> {
        Function::parse(s)
    }
}

impl<'de> Deserialize<'de> for Function {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Function, D::Error> {
        deserialize_parsed(
            deserializer,
            "a CSF 2.0 function such as \"protect\" or \"PR\"",
        )
    }
}

/// One of the 22 CSF 2.0 categories, e.g. `PR.AA`.
///
/// A `Category` is a small handle into a static table, so it is `Copy` and always valid. Ordering
/// follows NIST's listing (GV.OC first, RC.CO last). It displays and serializes as its id and
/// deserializes through [`Category::parse`], so an invalid id fails to load.
///
/// # Example
/// ```
/// use csfquant::{Category, Function};
///
/// let c = Category::parse("pr.aa")?;
/// assert_eq!(c.id(), "PR.AA");
/// assert_eq!(c.name(), "Identity Management, Authentication, and Access Control");
/// assert_eq!(c.function(), Function::Protect);
/// assert_eq!(c.subcategories().len(), 6);
/// Ok::<(), csfquant::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Category(u8);

impl Category {
    /// All 22 categories in NIST order: GV.OC, GV.RM, GV.RR, GV.PO, GV.OV, GV.SC, ID.AM, ...
    ///
    /// # Example
    /// ```
    /// use csfquant::Category;
    ///
    /// assert_eq!(Category::all().len(), 22);
    /// assert_eq!(Category::all()[0].id(), "GV.OC");
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub fn all() -> &'static [Category] {
        &ALL_CATEGORIES
    }

    /// Parses a CSF 2.0 category id such as `PR.AA`, ignoring case and surrounding whitespace.
    ///
    /// Only CSF 2.0 ids are accepted; [`CsfTag::parse`] also maps CSF 1.1 ids.
    ///
    /// # Errors
    /// Returns [`Error::UnknownCsfId`] if `s` is not a CSF 2.0 category id: malformed, unknown,
    /// a subcategory id, or a CSF 1.1 category id such as `PR.AC`. The reason says which.
    ///
    /// # Example
    /// ```
    /// use csfquant::Category;
    ///
    /// assert_eq!(Category::parse(" de.cm ")?.id(), "DE.CM");
    /// assert!(Category::parse("PR.AC").is_err()); // CSF 1.1: use CsfTag::parse
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub fn parse(s: &str) -> Result<Category> {
        match resolve(s)? {
            Resolved::Category(c) => Ok(c),
            Resolved::Subcategory(_) => Err(unknown(s, REASON_SUBCATEGORY_NOT_CATEGORY)),
            Resolved::Csf11Category(_) => Err(unknown(s, REASON_CSF11_CATEGORY)),
            Resolved::Csf11Subcategory(_) => Err(unknown(s, REASON_CSF11_SUBCATEGORY)),
        }
    }

    /// The id, e.g. `"PR.AA"`.
    ///
    /// # Example
    /// ```
    /// assert_eq!(csfquant::Category::parse("GV.SC")?.id(), "GV.SC");
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub fn id(self) -> &'static str {
        self.row().id
    }

    /// The name, e.g. `"Continuous Monitoring"` for `DE.CM`.
    ///
    /// # Example
    /// ```
    /// assert_eq!(csfquant::Category::parse("DE.CM")?.name(), "Continuous Monitoring");
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub fn name(self) -> &'static str {
        self.row().name
    }

    /// The function the category belongs to (the first two letters of its id).
    ///
    /// # Example
    /// ```
    /// use csfquant::{Category, Function};
    ///
    /// assert_eq!(Category::parse("RC.RP")?.function(), Function::Recover);
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub fn function(self) -> Function {
        self.row().function
    }

    /// The category's subcategories, in order of number.
    ///
    /// # Example
    /// ```
    /// use csfquant::Category;
    ///
    /// let ids: Vec<&str> = Category::parse("PR.DS")?.subcategories().iter().map(|s| s.id()).collect();
    /// assert_eq!(ids, ["PR.DS-01", "PR.DS-02", "PR.DS-10", "PR.DS-11"]);
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub fn subcategories(self) -> &'static [Subcategory] {
        let (start, end) = self.row().subcategories;
        &ALL_SUBCATEGORIES[usize::from(start)..usize::from(end)]
    }

    fn row(self) -> &'static CategoryRow {
        &CATEGORIES[usize::from(self.0)]
    }

    fn subcategory(self, number: u8) -> Option<Subcategory> {
        self.subcategories()
            .iter()
            .copied()
            .find(|s| s.number() == number)
    }
}

impl fmt::Debug for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Category").field(&self.id()).finish()
    }
}

impl fmt::Display for Category {
    /// Writes the id, e.g. `PR.AA`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.id())
    }
}

impl FromStr for Category {
    type Err = Error;

    /// Same as [`Category::parse`].
    fn from_str(s: &str) -> Result<Category> {
        Category::parse(s)
    }
}

impl Serialize for Category {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

impl<'de> Deserialize<'de> for Category {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Category, D::Error> {
        deserialize_parsed(deserializer, "a CSF 2.0 category id such as \"PR.AA\"")
    }
}

/// One of the 106 CSF 2.0 subcategories, e.g. `PR.AA-05`.
///
/// Like [`Category`], a `Copy` handle into a static table, ordered as NIST lists them (by
/// category, then number). It displays and serializes as its id and deserializes through
/// [`Subcategory::parse`].
///
/// # Example
/// ```
/// use csfquant::{Function, Subcategory};
///
/// let s = Subcategory::parse("PR.AA-05")?;
/// assert_eq!(s.category().id(), "PR.AA");
/// assert_eq!(s.function(), Function::Protect);
/// assert!(s.statement().starts_with("Access permissions, entitlements, and authorizations"));
/// Ok::<(), csfquant::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Subcategory(u8);

impl Subcategory {
    /// All 106 subcategories in NIST order (GV.OC-01 first, RC.CO-04 last).
    ///
    /// # Example
    /// ```
    /// use csfquant::Subcategory;
    ///
    /// assert_eq!(Subcategory::all().len(), 106);
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub fn all() -> &'static [Subcategory] {
        &ALL_SUBCATEGORIES
    }

    /// Parses a CSF 2.0 subcategory id, ignoring case and surrounding whitespace.
    ///
    /// The canonical form has two digits (`PR.AA-05`). One digit (`PR.AA-5`) is accepted only
    /// for categories that are new in CSF 2.0 (the GV categories, ID.IM, PR.AA, PR.PS, PR.IR and
    /// RS.MA), where it cannot be a CSF 1.1 id; see [`CsfTag::parse`] for the rule.
    ///
    /// # Errors
    /// Returns [`Error::UnknownCsfId`] if `s` is not a CSF 2.0 subcategory id: malformed,
    /// unknown, a category id, or a CSF 1.1 subcategory id such as `PR.AC-1` or `DE.CM-1`.
    ///
    /// # Example
    /// ```
    /// use csfquant::Subcategory;
    ///
    /// assert_eq!(Subcategory::parse("gv.oc-1")?.id(), "GV.OC-01");
    /// assert!(Subcategory::parse("DE.CM-1").is_err()); // CSF 1.1 id
    /// assert_eq!(Subcategory::parse("DE.CM-01")?.id(), "DE.CM-01");
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub fn parse(s: &str) -> Result<Subcategory> {
        match resolve(s)? {
            Resolved::Subcategory(sub) => Ok(sub),
            Resolved::Category(_) => Err(unknown(s, REASON_CATEGORY_NOT_SUBCATEGORY)),
            Resolved::Csf11Category(_) => Err(unknown(s, REASON_CSF11_CATEGORY)),
            Resolved::Csf11Subcategory(_) => Err(unknown(s, REASON_CSF11_SUBCATEGORY)),
        }
    }

    /// The id, always with two digits, e.g. `"PR.AA-05"`.
    ///
    /// # Example
    /// ```
    /// assert_eq!(csfquant::Subcategory::parse("pr.aa-5")?.id(), "PR.AA-05");
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub fn id(self) -> &'static str {
        self.row().id
    }

    /// The number after the dash, e.g. `5` for `PR.AA-05`.
    ///
    /// # Example
    /// ```
    /// assert_eq!(csfquant::Subcategory::parse("PR.DS-11")?.number(), 11);
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub fn number(self) -> u8 {
        self.row().number
    }

    /// The category the subcategory belongs to.
    ///
    /// # Example
    /// ```
    /// assert_eq!(csfquant::Subcategory::parse("ID.AM-08")?.category().id(), "ID.AM");
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub fn category(self) -> Category {
        Category(self.row().category)
    }

    /// The function the subcategory belongs to.
    ///
    /// # Example
    /// ```
    /// use csfquant::{Function, Subcategory};
    ///
    /// assert_eq!(Subcategory::parse("RS.MI-02")?.function(), Function::Respond);
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub fn function(self) -> Function {
        self.category().function()
    }

    /// The outcome statement, as NIST words it (no trailing period).
    ///
    /// # Example
    /// ```
    /// use csfquant::Subcategory;
    ///
    /// assert_eq!(
    ///     Subcategory::parse("PR.DS-11")?.statement(),
    ///     "Backups of data are created, protected, maintained, and tested"
    /// );
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub fn statement(self) -> &'static str {
        self.row().statement
    }

    fn row(self) -> &'static SubcategoryRow {
        &SUBCATEGORIES[usize::from(self.0)]
    }
}

impl fmt::Debug for Subcategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Subcategory").field(&self.id()).finish()
    }
}

impl fmt::Display for Subcategory {
    /// Writes the id, e.g. `PR.AA-05`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.id())
    }
}

impl FromStr for Subcategory {
    type Err = Error;

    /// Same as [`Subcategory::parse`].
    fn from_str(s: &str) -> Result<Subcategory> {
        Subcategory::parse(s)
    }
}

impl Serialize for Subcategory {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

impl<'de> Deserialize<'de> for Subcategory {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Subcategory, D::Error> {
        deserialize_parsed(
            deserializer,
            "a CSF 2.0 subcategory id such as \"PR.AA-05\"",
        )
    }
}

/// What a risk or control is tagged with: a CSF 2.0 category or subcategory.
///
/// Tags display and serialize as their CSF 2.0 id and deserialize through [`CsfTag::parse`], so
/// a scenario file may use CSF 1.1 ids where NIST's links lead to a single CSF 2.0 category or subcategory; they are stored (and
/// written back) as CSF 2.0.
///
/// Tags are ordered as NIST lists them, each category just before its subcategories:
/// `PR.AA < PR.AA-01 < PR.AA-06 < PR.AT`.
///
/// # Example
/// ```
/// use csfquant::{CsfTag, Function};
///
/// let tag = CsfTag::parse("ID.BE")?; // CSF 1.1, incorporated into GV.OC
/// assert_eq!(tag.id(), "GV.OC");
/// assert_eq!(tag.function(), Function::Govern);
/// assert!(tag.subcategory().is_none());
/// Ok::<(), csfquant::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CsfTag {
    /// A whole category, e.g. `PR.AA`.
    Category(Category),
    /// One subcategory, e.g. `PR.AA-05`.
    Subcategory(Subcategory),
}

impl CsfTag {
    /// Parses a CSF 2.0 category or subcategory id, or maps a CSF 1.1 id to CSF 2.0.
    ///
    /// Case is ignored and surrounding whitespace trimmed; nothing else is tolerated (no inner
    /// spaces, no other separators, one or two digits).
    ///
    /// # Which ids are CSF 2.0 and which are CSF 1.1
    ///
    /// CSF 2.0 writes subcategory numbers with two digits (`DE.CM-01`), CSF 1.1 with one
    /// (`DE.CM-1`), and eleven category ids exist in both versions with renumbered, reworded
    /// subcategories. So the number of digits decides:
    ///
    /// 1. `FF.CC` naming a CSF 2.0 category is that category.
    /// 2. `FF.CC-NN` (two digits) naming a CSF 2.0 subcategory is that subcategory.
    /// 3. `FF.CC-N` (one digit) in a category that is **new in CSF 2.0** (GV.OC, GV.RM, GV.RR,
    ///    GV.PO, GV.OV, GV.SC, ID.IM, PR.AA, PR.PS, PR.IR, RS.MA) is read as the two-digit CSF 2.0
    ///    id: `PR.AA-5` is `PR.AA-05`.
    /// 4. `FF.CC-N` (one digit) in a category that **exists in both** (ID.AM, ID.RA, PR.AT, PR.DS,
    ///    DE.AE, DE.CM, RS.AN, RS.CO, RS.MI, RC.RP, RC.CO) is a CSF 1.1 id, mapped as below. It is
    ///    never read as the CSF 2.0 subcategory with the same number: `DE.CM-1` maps to the
    ///    category `DE.CM`, not to `DE.CM-01`. Write two digits to mean the CSF 2.0 subcategory.
    /// 5. Any other id whose category is a CSF 1.1 category is a CSF 1.1 id, with one or two
    ///    digits (`PR.AC-1`, `PR.AC-01`; also `PR.DS-03`, the catalog's id of a 1.1 subcategory
    ///    withdrawn in 2.0). The subcategory must exist in CSF 1.1 (e.g. PR.IP had 12, PR.MA 2).
    ///
    /// # How CSF 1.1 ids are mapped
    ///
    /// NIST's CSF 2.0 OSCAL catalog (version 1.2.0) marks each CSF 1.1 element that changed as
    /// withdrawn, with `moved_to` / `incorporated_into` links to CSF 2.0 ids. A 1.1 id maps only
    /// where those links lead to one place:
    ///
    /// * **Categories.** A 1.1 category retained in 2.0 (`ID.AM`, `DE.CM`, ...) is the 2.0
    ///   category. A withdrawn one maps only where the links of all its subcategories lead to one
    ///   place: `ID.BE` -> `GV.OC`, `RS.IM` -> `ID.IM`, `RC.IM` -> `ID.IM`, and `RS.RP` ->
    ///   `RS.MA-01` (its only subcategory, RS.RP-1, went there). The others have no single
    ///   successor, even where NIST links the category itself to one: `ID.GV` (folded into the
    ///   whole GV function), `ID.RM` (GV.RM, and GV.RR-03), `ID.SC` (GV.SC, GV.OC, GV.RM, ID.RA,
    ///   ID.IM), `PR.AC` (PR.AA, and PR.IR-01 for PR.AC-5), `PR.MA` (ID.AM-08 and PR.PS),
    ///   `PR.IP`, `PR.PT` and `DE.DP` (split up).
    /// * **Subcategories.** A 1.1 subcategory the catalog did not withdraw (e.g. `DE.CM-1`)
    ///   maps to its category, since the 2.0 subcategory with its number was reworded. A
    ///   withdrawn one follows its links: one 2.0 subcategory gives that subcategory (`RS.RP-1`
    ///   -> `RS.MA-01`, `PR.IP-4` -> `PR.DS-11`, `PR.PT-1` -> `PR.PS-04`, `DE.DP-4` ->
    ///   `DE.AE-06`, `PR.AC-5` -> `PR.IR-01`); several inside one 2.0 category give that category
    ///   (`PR.AC-1` -> `PR.AA`); links into several categories have no single successor
    ///   (`PR.AC-3` went to PR.AA-03, PR.AA-05 and PR.IR-01).
    ///
    /// Of the 108 CSF 1.1 subcategories, 44 map to a subcategory, 46 to a category and 18 have no
    /// single successor.
    ///
    /// # Errors
    /// * [`Error::UnmappableCsf11`] for a CSF 1.1 id with no single CSF 2.0 successor; the
    ///   reason lists the successors to tag instead.
    /// * [`Error::UnknownCsfId`] for anything else that is not an id above: malformed input,
    ///   a function id, an unknown category, or a subcategory number that does not exist (in
    ///   CSF 2.0 for two digits, in CSF 1.1 for one digit in a category of both versions).
    ///
    /// # Example
    /// ```
    /// use csfquant::{CsfTag, Error};
    ///
    /// assert_eq!(CsfTag::parse("pr.aa-05")?.id(), "PR.AA-05");
    /// assert_eq!(CsfTag::parse("PR.AA-5")?.id(), "PR.AA-05"); // PR.AA is new in 2.0
    /// assert_eq!(CsfTag::parse("DE.CM-1")?.id(), "DE.CM"); // CSF 1.1 id: its category
    /// assert_eq!(CsfTag::parse("DE.CM-01")?.id(), "DE.CM-01"); // CSF 2.0 id
    /// assert_eq!(CsfTag::parse("PR.IP-4")?.id(), "PR.DS-11"); // moved_to
    /// assert!(matches!(CsfTag::parse("PR.IP"), Err(Error::UnmappableCsf11 { .. })));
    /// assert!(matches!(CsfTag::parse("PR.AC"), Err(Error::UnmappableCsf11 { .. }))); // PR.AC-5 -> PR.IR-01
    /// assert!(matches!(CsfTag::parse("PR.ZZ"), Err(Error::UnknownCsfId { .. })));
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub fn parse(s: &str) -> Result<CsfTag> {
        let target = match resolve(s)? {
            Resolved::Category(c) => return Ok(CsfTag::Category(c)),
            Resolved::Subcategory(sub) => return Ok(CsfTag::Subcategory(sub)),
            Resolved::Csf11Category(k) => &CSF11_CATEGORIES[k].target,
            Resolved::Csf11Subcategory(k) => &CSF11_SUBCATEGORIES[k].target,
        };
        match *target {
            Target::Category(c) => Ok(CsfTag::Category(Category(c))),
            Target::Subcategory(sub) => Ok(CsfTag::Subcategory(Subcategory(sub))),
            Target::Unmappable(reason) => Err(Error::UnmappableCsf11 {
                id: s.to_owned(),
                reason,
            }),
        }
    }

    /// The CSF 2.0 id, e.g. `"PR.AA"` or `"PR.AA-05"`.
    ///
    /// # Example
    /// ```
    /// assert_eq!(csfquant::CsfTag::parse("ID.BE-1")?.id(), "GV.OC-05");
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub fn id(self) -> &'static str {
        match self {
            CsfTag::Category(c) => c.id(),
            CsfTag::Subcategory(s) => s.id(),
        }
    }

    /// The category: the tag itself, or the category of the subcategory.
    ///
    /// # Example
    /// ```
    /// assert_eq!(csfquant::CsfTag::parse("PR.AA-05")?.category().id(), "PR.AA");
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub fn category(self) -> Category {
        match self {
            CsfTag::Category(c) => c,
            CsfTag::Subcategory(s) => s.category(),
        }
    }

    /// The subcategory, if the tag names one.
    ///
    /// # Example
    /// ```
    /// use csfquant::CsfTag;
    ///
    /// assert_eq!(CsfTag::parse("PR.AA-05")?.subcategory().map(|s| s.number()), Some(5));
    /// assert_eq!(CsfTag::parse("PR.AA")?.subcategory(), None);
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub fn subcategory(self) -> Option<Subcategory> {
        match self {
            CsfTag::Category(_) => None,
            CsfTag::Subcategory(s) => Some(s),
        }
    }

    /// The function the tag belongs to.
    ///
    /// # Example
    /// ```
    /// use csfquant::{CsfTag, Function};
    ///
    /// assert_eq!(CsfTag::parse("RS.IM")?.function(), Function::Identify); // CSF 1.1 RS.IM -> ID.IM
    /// Ok::<(), csfquant::Error>(())
    /// ```
    pub fn function(self) -> Function {
        self.category().function()
    }

    /// Sort key: category position, then 0 for the category itself or 1 + subcategory position.
    fn order_key(self) -> (u8, u16) {
        match self {
            CsfTag::Category(c) => (c.0, 0),
            CsfTag::Subcategory(s) => (s.row().category, u16::from(s.0) + 1),
        }
    }
}

impl PartialOrd for CsfTag {
    fn partial_cmp(&self, other: &CsfTag) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for CsfTag {
    fn cmp(&self, other: &CsfTag) -> std::cmp::Ordering {
        self.order_key().cmp(&other.order_key())
    }
}

impl From<Category> for CsfTag {
    fn from(c: Category) -> CsfTag {
        CsfTag::Category(c)
    }
}

impl From<Subcategory> for CsfTag {
    fn from(s: Subcategory) -> CsfTag {
        CsfTag::Subcategory(s)
    }
}

impl fmt::Display for CsfTag {
    /// Writes the CSF 2.0 id, e.g. `PR.AA-05`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.id())
    }
}

impl FromStr for CsfTag {
    type Err = Error;

    /// Same as [`CsfTag::parse`].
    fn from_str(s: &str) -> Result<CsfTag> {
        CsfTag::parse(s)
    }
}

impl Serialize for CsfTag {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

impl<'de> Deserialize<'de> for CsfTag {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<CsfTag, D::Error> {
        deserialize_parsed(
            deserializer,
            "a CSF 2.0 category or subcategory id such as \"PR.AA\" or \"PR.AA-05\"",
        )
    }
}

static ALL_CATEGORIES: [Category; CATEGORY_COUNT] = {
    let mut all = [Category(0); CATEGORY_COUNT];
    let mut i = 0;
    while i < CATEGORY_COUNT {
        all[i] = Category(i as u8); // i < 22
        i += 1;
    }
    all
};

static ALL_SUBCATEGORIES: [Subcategory; SUBCATEGORY_COUNT] = {
    let mut all = [Subcategory(0); SUBCATEGORY_COUNT];
    let mut i = 0;
    while i < SUBCATEGORY_COUNT {
        all[i] = Subcategory(i as u8); // i < 106
        i += 1;
    }
    all
};

/// What an id names, before any CSF 1.1 mapping.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Resolved {
    Category(Category),
    Subcategory(Subcategory),
    /// Index into `CSF11_CATEGORIES` of a CSF 1.1 category that is not a CSF 2.0 category.
    Csf11Category(usize),
    /// Index into `CSF11_SUBCATEGORIES`.
    Csf11Subcategory(usize),
}

/// A well-formed id: `FF.CC` upper-cased, and the number after the dash if any.
#[derive(Debug, PartialEq, Eq)]
struct Lexed {
    prefix: [u8; 5],
    number: Option<Number>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Number {
    value: u8,
    two_digits: bool,
}

/// Splits `s` (already trimmed) into `FF.CC` and an optional one- or two-digit number.
fn lex(s: &str) -> Result<Lexed, &'static str> {
    let (head, number) = match s.split_once('-') {
        Some((head, number)) => (head, Some(number)),
        None => (s, None),
    };
    let prefix: [u8; 5] = match head.as_bytes() {
        &[a, b, b'.', c, d] if [a, b, c, d].iter().all(u8::is_ascii_alphabetic) => [
            a.to_ascii_uppercase(),
            b.to_ascii_uppercase(),
            b'.',
            c.to_ascii_uppercase(),
            d.to_ascii_uppercase(),
        ],
        _ if Function::parse(s).is_ok() => return Err(REASON_FUNCTION_NOT_TAG),
        _ => return Err(REASON_SHAPE),
    };
    let number = match number.map(str::as_bytes) {
        None => None,
        Some(&[d]) if d.is_ascii_digit() => Some(Number {
            value: d - b'0',
            two_digits: false,
        }),
        Some(&[d1, d2]) if d1.is_ascii_digit() && d2.is_ascii_digit() => Some(Number {
            value: (d1 - b'0') * 10 + (d2 - b'0'),
            two_digits: true,
        }),
        Some(_) => return Err(REASON_SHAPE),
    };
    Ok(Lexed { prefix, number })
}

/// Classifies `input` as a CSF 2.0 or CSF 1.1 id, following the rules documented on
/// [`CsfTag::parse`].
fn resolve(input: &str) -> Result<Resolved> {
    let lexed = lex(input.trim()).map_err(|reason| unknown(input, reason))?;
    let prefix = &lexed.prefix[..];
    let csf2 = ALL_CATEGORIES
        .iter()
        .copied()
        .find(|c| c.id().as_bytes() == prefix);
    let csf11 = CSF11_CATEGORIES
        .iter()
        .position(|c| c.id.as_bytes() == prefix);
    match (lexed.number, csf2, csf11) {
        (_, None, None) => Err(unknown(input, REASON_UNKNOWN_CATEGORY)),
        (None, Some(c), _) => Ok(Resolved::Category(c)),
        (None, None, Some(k)) => Ok(Resolved::Csf11Category(k)),
        (Some(n), None, Some(k)) => csf11_subcategory(k, n.value)
            .map(Resolved::Csf11Subcategory)
            .ok_or_else(|| unknown(input, REASON_NO_SUCH_WITHDRAWN_SUBCATEGORY)),
        (Some(n), Some(c), csf11) => {
            // Two digits, or a category new in 2.0: a CSF 2.0 number (rules 2 and 3).
            let csf2_number = n.two_digits || csf11.is_none();
            if csf2_number && let Some(sub) = c.subcategory(n.value) {
                return Ok(Resolved::Subcategory(sub));
            }
            // One digit in a category of both versions is a 1.1 id (rule 4); two digits that
            // are not a 2.0 subcategory may be the catalog id of a withdrawn 1.1 one (rule 5).
            match csf11.and_then(|k| csf11_subcategory(k, n.value)) {
                Some(j) => Ok(Resolved::Csf11Subcategory(j)),
                None if csf2_number => Err(unknown(input, REASON_NO_SUCH_SUBCATEGORY)),
                None => Err(unknown(input, REASON_NO_SUCH_CSF11_SUBCATEGORY)),
            }
        }
    }
}

/// Index into `CSF11_SUBCATEGORIES` of subcategory `number` of CSF 1.1 category `k`, if it
/// existed (1.1 numbered each category's subcategories 1, 2, ... without gaps).
fn csf11_subcategory(k: usize, number: u8) -> Option<usize> {
    let (start, end) = CSF11_CATEGORIES[k].subcategories;
    let index = usize::from(start) + usize::from(number).checked_sub(1)?;
    (index < usize::from(end)).then_some(index)
}

#[cold]
fn unknown(id: &str, reason: &'static str) -> Error {
    Error::UnknownCsfId {
        id: id.to_owned(),
        reason,
    }
}

/// Deserializes a string through `T`'s parser, so invalid ids fail to load.
fn deserialize_parsed<'de, D, T>(deserializer: D, expecting: &'static str) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr<Err = Error>,
{
    deserializer.deserialize_str(ParseVisitor {
        expecting,
        marker: PhantomData,
    })
}

struct ParseVisitor<T> {
    expecting: &'static str,
    marker: PhantomData<T>,
}

impl<T: FromStr<Err = Error>> Visitor<'_> for ParseVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expecting)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        v.parse().map_err(E::custom)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::collections::BTreeSet;

    use super::data::CSF11_SUBCATEGORY_LINKS;
    use super::*;

    fn reason(e: Error) -> &'static str {
        match e {
            Error::UnknownCsfId { reason, .. } | Error::UnmappableCsf11 { reason, .. } => reason,
            other => panic!("unexpected error {other:?}"),
        }
    }

    #[test]
    fn lex_accepts_the_three_shapes_in_any_case() {
        let l = lex("pr.Aa").unwrap();
        assert_eq!((&l.prefix, l.number), (b"PR.AA", None));
        let l = lex("PR.AA-5").unwrap();
        assert_eq!(
            l.number,
            Some(Number {
                value: 5,
                two_digits: false
            })
        );
        let l = lex("PR.AA-05").unwrap();
        assert_eq!(
            l.number,
            Some(Number {
                value: 5,
                two_digits: true
            })
        );
        assert_eq!(lex("PR.IP-12").unwrap().number.unwrap().value, 12);
    }

    #[test]
    fn lex_rejects_malformed_ids() {
        for bad in [
            "",
            "P",
            "PR.",
            "PR.A",
            "PR.AAA",
            "PRAAA",
            "PR-AA",
            "PR.AA-",
            "PR.AA-123",
            "PR.AA--1",
            "PR.AA-1-",
            "PR.AA-x",
            "PR.AA-+1",
            "PR.A1",
            "P1.AA",
            "PR .AA",
            "PR.AA -05",
            "PR.AA-0 5",
            "PR.ÅA",
            "ＰＲ.AA",
            "PR.AA-٥",
            "PR.AA-05\0",
        ] {
            assert_eq!(lex(bad), Err(REASON_SHAPE), "{bad:?}");
        }
        // Function ids get a more specific reason.
        assert_eq!(lex("PR"), Err(REASON_FUNCTION_NOT_TAG));
        assert_eq!(lex("protect"), Err(REASON_FUNCTION_NOT_TAG));
    }

    #[test]
    fn resolve_trims_but_reports_the_input_as_given() {
        assert_eq!(
            resolve("\t pr.aa \n").unwrap(),
            Resolved::Category(Category::parse("PR.AA").unwrap())
        );
        let e = resolve(" PR.ZZ ").unwrap_err();
        assert_eq!(
            e,
            Error::UnknownCsfId {
                id: " PR.ZZ ".to_owned(),
                reason: REASON_UNKNOWN_CATEGORY
            }
        );
    }

    #[test]
    fn zero_and_missing_numbers_are_unknown() {
        assert_eq!(
            reason(resolve("PR.AA-0").unwrap_err()),
            REASON_NO_SUCH_SUBCATEGORY
        );
        assert_eq!(
            reason(resolve("PR.AA-00").unwrap_err()),
            REASON_NO_SUCH_SUBCATEGORY
        );
        assert_eq!(
            reason(resolve("PR.AA-07").unwrap_err()),
            REASON_NO_SUCH_SUBCATEGORY
        );
        assert_eq!(
            reason(resolve("PR.DS-09").unwrap_err()),
            REASON_NO_SUCH_SUBCATEGORY
        );
        assert_eq!(
            reason(resolve("DE.CM-0").unwrap_err()),
            REASON_NO_SUCH_CSF11_SUBCATEGORY
        );
        assert_eq!(
            reason(resolve("DE.CM-9").unwrap_err()),
            REASON_NO_SUCH_CSF11_SUBCATEGORY
        );
        assert_eq!(
            reason(resolve("PR.AC-0").unwrap_err()),
            REASON_NO_SUCH_WITHDRAWN_SUBCATEGORY
        );
        assert_eq!(
            reason(resolve("PR.AC-08").unwrap_err()),
            REASON_NO_SUCH_WITHDRAWN_SUBCATEGORY
        );
        assert_eq!(
            reason(resolve("PR.IP-13").unwrap_err()),
            REASON_NO_SUCH_WITHDRAWN_SUBCATEGORY
        );
    }

    #[test]
    fn tables_are_consistent() {
        // Categories are grouped by function in Function::ALL order and own contiguous,
        // increasing runs of subcategories that point back at them.
        let mut next_sub = 0;
        for (i, row) in CATEGORIES.iter().enumerate() {
            assert_eq!(row.id.get(..2), Some(row.function.id()), "{}", row.id);
            let (start, end) = row.subcategories;
            assert_eq!(usize::from(start), next_sub, "{}", row.id);
            assert!(start < end, "{} has no subcategories", row.id);
            next_sub = usize::from(end);
            let mut last = 0;
            for sub in &SUBCATEGORIES[usize::from(start)..usize::from(end)] {
                assert_eq!(usize::from(sub.category), i);
                assert_eq!(sub.id, format!("{}-{:02}", row.id, sub.number));
                assert!(sub.number > last, "{} out of order", sub.id);
                last = sub.number;
                assert!(!sub.statement.is_empty() && !sub.statement.ends_with('.'));
            }
        }
        assert_eq!(next_sub, SUBCATEGORY_COUNT);
        for f in Function::ALL {
            assert!(f.categories().iter().all(|c| c.function() == f));
            assert!(f.subcategories().iter().all(|s| s.function() == f));
        }
        // CSF 1.1 subcategory runs are contiguous, numbered from 1; CSF 1.1 had 108 of them.
        let mut next = 0;
        for (k, row) in CSF11_CATEGORIES.iter().enumerate() {
            let (start, end) = row.subcategories;
            assert_eq!(usize::from(start), next);
            next = usize::from(end);
            for n in 1..=end - start {
                assert_eq!(csf11_subcategory(k, n), Some(usize::from(start + n - 1)));
            }
            assert_eq!(csf11_subcategory(k, end - start + 1), None);
        }
        assert_eq!(next, 108);
        // Eleven category ids exist in both versions.
        let retained = CSF11_CATEGORIES
            .iter()
            .filter(|k| CATEGORIES.iter().any(|c| c.id == k.id))
            .count();
        assert_eq!(retained, 11);
    }

    #[test]
    fn withdrawn_csf11_ids_are_exactly_those_missing_from_csf2() {
        // A 1.1 subcategory that maps to its own retained category without being withdrawn
        // ("kept") must still exist in 2.0 under its two-digit id, and a 2.0 id never names a
        // withdrawn 1.1 element: otherwise rule 5 of CsfTag::parse would be ambiguous.
        for row in &CSF11_CATEGORIES {
            let (start, end) = row.subcategories;
            for n in 1..=end - start {
                let id = format!("{}-{n:02}", row.id);
                let sub = &CSF11_SUBCATEGORIES[usize::from(start + n - 1)];
                if SUBCATEGORIES.iter().any(|s| s.id == id) {
                    assert!(matches!(resolve(&id), Ok(Resolved::Subcategory(_))), "{id}");
                    assert!(
                        matches!(sub.target, Target::Category(c) if CATEGORIES[usize::from(c)].id == row.id),
                        "{id} is not withdrawn in 2.0, so it maps to its category"
                    );
                } else {
                    let expected = Resolved::Csf11Subcategory(usize::from(start + n - 1));
                    assert_eq!(resolve(&id), Ok(expected), "{id}");
                }
            }
        }
    }

    /// The CSF 2.0 ids a reason names, with `PR.AA-01/02` read as PR.AA-01 and PR.AA-02; CSF 1.1
    /// ids such as `PR.AC-5` are left out.
    fn named_ids(reason: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let tokens = reason.split(|c: char| !(c.is_ascii_alphanumeric() || ".-/".contains(c)));
        for token in tokens {
            let Some(head) = token.get(..5) else { continue };
            if !CATEGORIES.iter().any(|c| c.id == head) {
                continue;
            }
            match token[5..].strip_prefix('-') {
                None if token.len() == 5 => {
                    out.insert(head.to_string());
                }
                None => panic!("{token:?} in {reason:?}"),
                Some(numbers) => {
                    for n in numbers.split('/') {
                        assert_eq!(n.len(), 2, "{token:?} in {reason:?}");
                        out.insert(format!("{head}-{n}"));
                    }
                }
            }
        }
        out
    }

    /// The id of a CSF 2.0 category or subcategory target, or None for an unmappable one.
    fn target_id(target: &Target) -> Option<&'static str> {
        match *target {
            Target::Category(c) => Some(CATEGORIES[usize::from(c)].id),
            Target::Subcategory(s) => Some(SUBCATEGORIES[usize::from(s)].id),
            Target::Unmappable(_) => None,
        }
    }

    /// Where a set of CSF 2.0 successors leads: the one successor, else the one category they
    /// all lie in, else nowhere (None).
    fn single_place(successors: &BTreeSet<&'static str>) -> Option<String> {
        let categories: BTreeSet<&str> = successors.iter().map(|id| &id[..5]).collect();
        match (successors.len(), categories.len()) {
            (1, _) => successors.first().map(|id| id.to_string()),
            (_, 1) => categories.first().map(|c| c.to_string()),
            _ => None,
        }
    }

    /// Every successor is named in `reason`, by its id or its category's, and the reason names
    /// nothing else.
    fn assert_names_successors(id: &str, reason: &str, successors: &BTreeSet<&'static str>) {
        let named = named_ids(reason);
        for s in successors {
            assert!(
                named.contains(*s) || named.contains(&s[..5]),
                "{id}: {reason:?} does not name {s}"
            );
        }
        for n in &named {
            assert!(
                successors.iter().any(|s| s == n || s[..5] == *n),
                "{id}: {reason:?} names {n}, which is not a successor"
            );
        }
    }

    #[test]
    fn every_csf11_subcategory_maps_where_its_links_lead() {
        assert_eq!(CSF11_SUBCATEGORY_LINKS.len(), CSF11_SUBCATEGORIES.len());
        for row in &CSF11_CATEGORIES {
            let (start, end) = row.subcategories;
            for j in usize::from(start)..usize::from(end) {
                let (id, links) = CSF11_SUBCATEGORY_LINKS[j];
                assert_eq!(id, format!("{}-{:02}", row.id, j - usize::from(start) + 1));
                let target = &CSF11_SUBCATEGORIES[j].target;
                if links.is_empty() {
                    // Not withdrawn: the category, which exists in 2.0.
                    assert_eq!(target_id(target), Some(row.id), "{id}");
                    continue;
                }
                let successors: BTreeSet<&str> = links.iter().copied().collect();
                for s in &successors {
                    let known = CATEGORIES.iter().any(|c| c.id == *s)
                        || SUBCATEGORIES.iter().any(|c| c.id == *s);
                    assert!(known, "{id} links {s}, not a CSF 2.0 id");
                }
                match (single_place(&successors), target) {
                    (None, Target::Unmappable(reason)) => {
                        assert_names_successors(id, reason, &successors);
                        // Subcategory reasons list the links as they are.
                        let named: BTreeSet<String> = named_ids(reason);
                        let links: BTreeSet<String> = links.iter().map(|l| l.to_string()).collect();
                        assert_eq!(named, links, "{id}: {reason}");
                    }
                    (place, target) => assert_eq!(place.as_deref(), target_id(target), "{id}"),
                }
            }
        }
    }

    #[test]
    fn every_csf11_category_maps_only_where_all_its_subcategories_lead_to_one_place() {
        for (k, row) in CSF11_CATEGORIES.iter().enumerate() {
            if let Some(c) = ALL_CATEGORIES.iter().find(|c| c.id() == row.id) {
                // A category kept in 2.0: its id is a 2.0 id, read as the 2.0 category (its
                // withdrawn subcategories keep their own mapping).
                assert_eq!(resolve(row.id), Ok(Resolved::Category(*c)));
                assert_eq!(target_id(&row.target), Some(row.id));
                continue;
            }
            assert_eq!(resolve(row.id), Ok(Resolved::Csf11Category(k)));
            let (start, end) = row.subcategories;
            let mut successors = BTreeSet::new();
            for (id, links) in &CSF11_SUBCATEGORY_LINKS[usize::from(start)..usize::from(end)] {
                // A category that 2.0 withdrew has no subcategory that 2.0 kept.
                assert!(!links.is_empty(), "{id}");
                successors.extend(links.iter().copied());
            }
            let parsed = CsfTag::parse(row.id);
            match (single_place(&successors), &row.target) {
                (None, Target::Unmappable(reason)) => {
                    assert_names_successors(row.id, reason, &successors);
                    assert!(
                        matches!(&parsed, Err(Error::UnmappableCsf11 { reason: r, .. }) if r == reason),
                        "{}: {parsed:?}",
                        row.id
                    );
                }
                (Some(place), target) => {
                    assert_eq!(Some(place.as_str()), target_id(target), "{}", row.id);
                    assert_eq!(parsed.map(CsfTag::id), Ok(place.as_str()), "{}", row.id);
                }
                (None, target) => panic!(
                    "{} maps to {:?}, but its subcategories went to {successors:?}",
                    row.id,
                    target_id(target)
                ),
            }
        }
    }

    #[test]
    fn csf11_categories_agree_with_nist_category_links() {
        // csf11_categories.json (from the OSCAL catalog): id, status, NIST's category-level
        // target (`None` where NIST gives none; `GV` is the whole function).
        const NIST: [(&str, &str, Option<&str>); 23] = [
            ("ID.AM", "retained", Some("ID.AM")),
            ("ID.BE", "withdrawn", Some("GV.OC")),
            ("ID.GV", "withdrawn", Some("GV")),
            ("ID.RA", "retained", Some("ID.RA")),
            ("ID.RM", "withdrawn", Some("GV.RM")),
            ("ID.SC", "withdrawn", Some("GV.SC")),
            ("PR.AC", "withdrawn", Some("PR.AA")),
            ("PR.AT", "retained", Some("PR.AT")),
            ("PR.DS", "retained", Some("PR.DS")),
            ("PR.IP", "withdrawn", None),
            ("PR.MA", "withdrawn", Some("ID.AM-08")),
            ("PR.PT", "withdrawn", None),
            ("DE.AE", "retained", Some("DE.AE")),
            ("DE.CM", "retained", Some("DE.CM")),
            ("DE.DP", "withdrawn", None),
            ("RS.RP", "withdrawn", Some("RS.MA")),
            ("RS.CO", "retained", Some("RS.CO")),
            ("RS.AN", "retained", Some("RS.AN")),
            ("RS.MI", "retained", Some("RS.MI")),
            ("RS.IM", "withdrawn", Some("ID.IM")),
            ("RC.RP", "retained", Some("RC.RP")),
            ("RC.IM", "withdrawn", Some("ID.IM")),
            ("RC.CO", "retained", Some("RC.CO")),
        ];
        for ((id, status, nist), row) in NIST.iter().zip(&CSF11_CATEGORIES) {
            assert_eq!(*id, row.id);
            let is_csf2 = CATEGORIES.iter().any(|c| c.id == *id);
            assert_eq!(*status == "retained", is_csf2, "{id}");
            match (target_id(&row.target), &row.target, nist) {
                // Mapped: where NIST's category link points, or inside it.
                (Some(ours), _, Some(theirs)) => assert!(ours.starts_with(theirs), "{id}"),
                (Some(ours), _, None) => panic!("{id} maps to {ours}; NIST gives no target"),
                // Refused: the reason names NIST's target (or the whole GOVERN function).
                (None, Target::Unmappable(reason), Some(theirs)) => assert!(
                    *theirs == "GV" && reason.contains("GOVERN")
                        || named_ids(reason).iter().any(|n| n.starts_with(theirs)),
                    "{id}: {reason}"
                ),
                (None, _, _) => {}
            }
        }
    }

    #[test]
    fn unmappable_reasons_say_what_to_tag() {
        let reasons = CSF11_CATEGORIES
            .iter()
            .map(|c| &c.target)
            .chain(CSF11_SUBCATEGORIES.iter().map(|s| &s.target));
        for target in reasons {
            if let Target::Unmappable(reason) = target {
                assert!(reason.starts_with("withdrawn"), "{reason}");
                assert!(reason.ends_with("directly"), "{reason}");
            }
        }
    }

    #[test]
    fn debug_shows_ids() {
        let tag = CsfTag::parse("PR.AA-05").unwrap();
        assert_eq!(
            format!("{tag:?}"),
            r#"Subcategory(Subcategory("PR.AA-05"))"#
        );
        assert_eq!(format!("{:?}", tag.category()), r#"Category("PR.AA")"#);
    }
}
