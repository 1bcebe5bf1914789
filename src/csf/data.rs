// Static tables of the NIST CSF 2.0 core and of the CSF 1.1 -> 2.0 links.
//
// Generated once by a throwaway script, then checked in; the tests in tests/csf.rs pin every count.
// Sources:
// - CSF 2.0 categories and subcategories (ids, names, statements) and the CSF 1.1 category
//   dispositions: the files csf2_categories.json, csf2_subcategories.json and csf11_categories.json,
//   parsed from NIST's OSCAL catalog of CSF 2.0 (NIST CSWP 29). Categories are in the order of
//   the CSWP 29 core (DE.CM before DE.AE; the OSCAL sort-ids keep CSF 1.1's DE.AE first).
// - CSF 1.1 subcategory links: the `withdrawn` elements and their `moved_to` / `incorporated_into`
//   links in "Electronic Version of NIST Cybersecurity Framework 2.0", OSCAL catalog version 1.2.0
//   (usnistgov/oscal-content, nist.gov/CSF/v2.0/json/NIST_CSF_v2.0_catalog-min.json). A 1.1
//   subcategory that the catalog does not mark withdrawn keeps its id in 2.0.

use super::Function;

/// One CSF 2.0 category.
pub(super) struct CategoryRow {
    pub(super) id: &'static str,
    pub(super) name: &'static str,
    pub(super) function: Function,
    /// Its subcategories: `SUBCATEGORIES[start..end]`.
    pub(super) subcategories: (u8, u8),
}

/// One CSF 2.0 subcategory.
pub(super) struct SubcategoryRow {
    pub(super) id: &'static str,
    pub(super) category: u8,
    pub(super) number: u8,
    pub(super) statement: &'static str,
}

/// Where a CSF 1.1 id goes in CSF 2.0.
pub(super) enum Target {
    /// Index into `CATEGORIES`.
    Category(u8),
    /// Index into `SUBCATEGORIES`.
    Subcategory(u8),
    /// No single successor; why, and what to tag instead.
    Unmappable(&'static str),
}

/// One CSF 1.1 category.
pub(super) struct Csf11CategoryRow {
    pub(super) id: &'static str,
    pub(super) target: Target,
    /// Its CSF 1.1 subcategories: `CSF11_SUBCATEGORIES[start..end]`, numbered 1, 2, ...
    pub(super) subcategories: (u8, u8),
}

/// One CSF 1.1 subcategory; the comment before each row gives its id, target and OSCAL links.
pub(super) struct Csf11SubcategoryRow {
    pub(super) target: Target,
}

/// Per function, in `Function::ALL` order: its categories, `CATEGORIES[start..end]`.
pub(super) const FUNCTION_CATEGORIES: [(u8, u8); 6] =
    [(0, 6), (6, 9), (9, 14), (14, 16), (16, 20), (20, 22)];

/// Per function, in `Function::ALL` order: its subcategories, `SUBCATEGORIES[start..end]`.
pub(super) const FUNCTION_SUBCATEGORIES: [(u8, u8); 6] =
    [(0, 31), (31, 52), (52, 74), (74, 85), (85, 98), (98, 106)];

pub(super) static CATEGORIES: [CategoryRow; 22] = [
    CategoryRow {
        id: "GV.OC",
        name: "Organizational Context",
        function: Function::Govern,
        subcategories: (0, 5),
    },
    CategoryRow {
        id: "GV.RM",
        name: "Risk Management Strategy",
        function: Function::Govern,
        subcategories: (5, 12),
    },
    CategoryRow {
        id: "GV.RR",
        name: "Roles, Responsibilities, and Authorities",
        function: Function::Govern,
        subcategories: (12, 16),
    },
    CategoryRow {
        id: "GV.PO",
        name: "Policy",
        function: Function::Govern,
        subcategories: (16, 18),
    },
    CategoryRow {
        id: "GV.OV",
        name: "Oversight",
        function: Function::Govern,
        subcategories: (18, 21),
    },
    CategoryRow {
        id: "GV.SC",
        name: "Cybersecurity Supply Chain Risk Management",
        function: Function::Govern,
        subcategories: (21, 31),
    },
    CategoryRow {
        id: "ID.AM",
        name: "Asset Management",
        function: Function::Identify,
        subcategories: (31, 38),
    },
    CategoryRow {
        id: "ID.RA",
        name: "Risk Assessment",
        function: Function::Identify,
        subcategories: (38, 48),
    },
    CategoryRow {
        id: "ID.IM",
        name: "Improvement",
        function: Function::Identify,
        subcategories: (48, 52),
    },
    CategoryRow {
        id: "PR.AA",
        name: "Identity Management, Authentication, and Access Control",
        function: Function::Protect,
        subcategories: (52, 58),
    },
    CategoryRow {
        id: "PR.AT",
        name: "Awareness and Training",
        function: Function::Protect,
        subcategories: (58, 60),
    },
    CategoryRow {
        id: "PR.DS",
        name: "Data Security",
        function: Function::Protect,
        subcategories: (60, 64),
    },
    CategoryRow {
        id: "PR.PS",
        name: "Platform Security",
        function: Function::Protect,
        subcategories: (64, 70),
    },
    CategoryRow {
        id: "PR.IR",
        name: "Technology Infrastructure Resilience",
        function: Function::Protect,
        subcategories: (70, 74),
    },
    CategoryRow {
        id: "DE.CM",
        name: "Continuous Monitoring",
        function: Function::Detect,
        subcategories: (74, 79),
    },
    CategoryRow {
        id: "DE.AE",
        name: "Adverse Event Analysis",
        function: Function::Detect,
        subcategories: (79, 85),
    },
    CategoryRow {
        id: "RS.MA",
        name: "Incident Management",
        function: Function::Respond,
        subcategories: (85, 90),
    },
    CategoryRow {
        id: "RS.AN",
        name: "Incident Analysis",
        function: Function::Respond,
        subcategories: (90, 94),
    },
    CategoryRow {
        id: "RS.CO",
        name: "Incident Response Reporting and Communication",
        function: Function::Respond,
        subcategories: (94, 96),
    },
    CategoryRow {
        id: "RS.MI",
        name: "Incident Mitigation",
        function: Function::Respond,
        subcategories: (96, 98),
    },
    CategoryRow {
        id: "RC.RP",
        name: "Incident Recovery Plan Execution",
        function: Function::Recover,
        subcategories: (98, 104),
    },
    CategoryRow {
        id: "RC.CO",
        name: "Incident Recovery Communication",
        function: Function::Recover,
        subcategories: (104, 106),
    },
];

pub(super) static SUBCATEGORIES: [SubcategoryRow; 106] = [
    SubcategoryRow {
        id: "GV.OC-01",
        category: 0,
        number: 1,
        statement: "The organizational mission is understood and informs cybersecurity risk management",
    },
    SubcategoryRow {
        id: "GV.OC-02",
        category: 0,
        number: 2,
        statement: "Internal and external stakeholders are understood, and their needs and expectations regarding cybersecurity risk management are understood and considered",
    },
    SubcategoryRow {
        id: "GV.OC-03",
        category: 0,
        number: 3,
        statement: "Legal, regulatory, and contractual requirements regarding cybersecurity - including privacy and civil liberties obligations - are understood and managed",
    },
    SubcategoryRow {
        id: "GV.OC-04",
        category: 0,
        number: 4,
        statement: "Critical objectives, capabilities, and services that external stakeholders depend on or expect from the organization are understood and communicated",
    },
    SubcategoryRow {
        id: "GV.OC-05",
        category: 0,
        number: 5,
        statement: "Outcomes, capabilities, and services that the organization depends on are understood and communicated",
    },
    SubcategoryRow {
        id: "GV.RM-01",
        category: 1,
        number: 1,
        statement: "Risk management objectives are established and agreed to by organizational stakeholders",
    },
    SubcategoryRow {
        id: "GV.RM-02",
        category: 1,
        number: 2,
        statement: "Risk appetite and risk tolerance statements are established, communicated, and maintained",
    },
    SubcategoryRow {
        id: "GV.RM-03",
        category: 1,
        number: 3,
        statement: "Cybersecurity risk management activities and outcomes are included in enterprise risk management processes",
    },
    SubcategoryRow {
        id: "GV.RM-04",
        category: 1,
        number: 4,
        statement: "Strategic direction that describes appropriate risk response options is established and communicated",
    },
    SubcategoryRow {
        id: "GV.RM-05",
        category: 1,
        number: 5,
        statement: "Lines of communication across the organization are established for cybersecurity risks, including risks from suppliers and other third parties",
    },
    SubcategoryRow {
        id: "GV.RM-06",
        category: 1,
        number: 6,
        statement: "A standardized method for calculating, documenting, categorizing, and prioritizing cybersecurity risks is established and communicated",
    },
    SubcategoryRow {
        id: "GV.RM-07",
        category: 1,
        number: 7,
        statement: "Strategic opportunities (i.e., positive risks) are characterized and are included in organizational cybersecurity risk discussions",
    },
    SubcategoryRow {
        id: "GV.RR-01",
        category: 2,
        number: 1,
        statement: "Organizational leadership is responsible and accountable for cybersecurity risk and fosters a culture that is risk-aware, ethical, and continually improving",
    },
    SubcategoryRow {
        id: "GV.RR-02",
        category: 2,
        number: 2,
        statement: "Roles, responsibilities, and authorities related to cybersecurity risk management are established, communicated, understood, and enforced",
    },
    SubcategoryRow {
        id: "GV.RR-03",
        category: 2,
        number: 3,
        statement: "Adequate resources are allocated commensurate with the cybersecurity risk strategy, roles, responsibilities, and policies",
    },
    SubcategoryRow {
        id: "GV.RR-04",
        category: 2,
        number: 4,
        statement: "Cybersecurity is included in human resources practices",
    },
    SubcategoryRow {
        id: "GV.PO-01",
        category: 3,
        number: 1,
        statement: "Policy for managing cybersecurity risks is established based on organizational context, cybersecurity strategy, and priorities and is communicated and enforced",
    },
    SubcategoryRow {
        id: "GV.PO-02",
        category: 3,
        number: 2,
        statement: "Policy for managing cybersecurity risks is reviewed, updated, communicated, and enforced to reflect changes in requirements, threats, technology, and organizational mission",
    },
    SubcategoryRow {
        id: "GV.OV-01",
        category: 4,
        number: 1,
        statement: "Cybersecurity risk management strategy outcomes are reviewed to inform and adjust strategy and direction",
    },
    SubcategoryRow {
        id: "GV.OV-02",
        category: 4,
        number: 2,
        statement: "The cybersecurity risk management strategy is reviewed and adjusted to ensure coverage of organizational requirements and risks",
    },
    SubcategoryRow {
        id: "GV.OV-03",
        category: 4,
        number: 3,
        statement: "Organizational cybersecurity risk management performance is evaluated and reviewed for adjustments needed",
    },
    SubcategoryRow {
        id: "GV.SC-01",
        category: 5,
        number: 1,
        statement: "A cybersecurity supply chain risk management program, strategy, objectives, policies, and processes are established and agreed to by organizational stakeholders",
    },
    SubcategoryRow {
        id: "GV.SC-02",
        category: 5,
        number: 2,
        statement: "Cybersecurity roles and responsibilities for suppliers, customers, and partners are established, communicated, and coordinated internally and externally",
    },
    SubcategoryRow {
        id: "GV.SC-03",
        category: 5,
        number: 3,
        statement: "Cybersecurity supply chain risk management is integrated into cybersecurity and enterprise risk management, risk assessment, and improvement processes",
    },
    SubcategoryRow {
        id: "GV.SC-04",
        category: 5,
        number: 4,
        statement: "Suppliers are known and prioritized by criticality",
    },
    SubcategoryRow {
        id: "GV.SC-05",
        category: 5,
        number: 5,
        statement: "Requirements to address cybersecurity risks in supply chains are established, prioritized, and integrated into contracts and other types of agreements with suppliers and other relevant third parties",
    },
    SubcategoryRow {
        id: "GV.SC-06",
        category: 5,
        number: 6,
        statement: "Planning and due diligence are performed to reduce risks before entering into formal supplier or other third-party relationships",
    },
    SubcategoryRow {
        id: "GV.SC-07",
        category: 5,
        number: 7,
        statement: "The risks posed by a supplier, their products and services, and other third parties are understood, recorded, prioritized, assessed, responded to, and monitored over the course of the relationship",
    },
    SubcategoryRow {
        id: "GV.SC-08",
        category: 5,
        number: 8,
        statement: "Relevant suppliers and other third parties are included in incident planning, response, and recovery activities",
    },
    SubcategoryRow {
        id: "GV.SC-09",
        category: 5,
        number: 9,
        statement: "Supply chain security practices are integrated into cybersecurity and enterprise risk management programs, and their performance is monitored throughout the technology product and service life cycle",
    },
    SubcategoryRow {
        id: "GV.SC-10",
        category: 5,
        number: 10,
        statement: "Cybersecurity supply chain risk management plans include provisions for activities that occur after the conclusion of a partnership or service agreement",
    },
    SubcategoryRow {
        id: "ID.AM-01",
        category: 6,
        number: 1,
        statement: "Inventories of hardware managed by the organization are maintained",
    },
    SubcategoryRow {
        id: "ID.AM-02",
        category: 6,
        number: 2,
        statement: "Inventories of software, services, and systems managed by the organization are maintained",
    },
    SubcategoryRow {
        id: "ID.AM-03",
        category: 6,
        number: 3,
        statement: "Representations of the organization's authorized network communication and internal and external network data flows are maintained",
    },
    SubcategoryRow {
        id: "ID.AM-04",
        category: 6,
        number: 4,
        statement: "Inventories of services provided by suppliers are maintained",
    },
    SubcategoryRow {
        id: "ID.AM-05",
        category: 6,
        number: 5,
        statement: "Assets are prioritized based on classification, criticality, resources, and impact on the mission",
    },
    SubcategoryRow {
        id: "ID.AM-07",
        category: 6,
        number: 7,
        statement: "Inventories of data and corresponding metadata for designated data types are maintained",
    },
    SubcategoryRow {
        id: "ID.AM-08",
        category: 6,
        number: 8,
        statement: "Systems, hardware, software, services, and data are managed throughout their life cycles",
    },
    SubcategoryRow {
        id: "ID.RA-01",
        category: 7,
        number: 1,
        statement: "Vulnerabilities in assets are identified, validated, and recorded",
    },
    SubcategoryRow {
        id: "ID.RA-02",
        category: 7,
        number: 2,
        statement: "Cyber threat intelligence is received from information sharing forums and sources",
    },
    SubcategoryRow {
        id: "ID.RA-03",
        category: 7,
        number: 3,
        statement: "Internal and external threats to the organization are identified and recorded",
    },
    SubcategoryRow {
        id: "ID.RA-04",
        category: 7,
        number: 4,
        statement: "Potential impacts and likelihoods of threats exploiting vulnerabilities are identified and recorded",
    },
    SubcategoryRow {
        id: "ID.RA-05",
        category: 7,
        number: 5,
        statement: "Threats, vulnerabilities, likelihoods, and impacts are used to understand inherent risk and inform risk response prioritization",
    },
    SubcategoryRow {
        id: "ID.RA-06",
        category: 7,
        number: 6,
        statement: "Risk responses are chosen, prioritized, planned, tracked, and communicated",
    },
    SubcategoryRow {
        id: "ID.RA-07",
        category: 7,
        number: 7,
        statement: "Changes and exceptions are managed, assessed for risk impact, recorded, and tracked",
    },
    SubcategoryRow {
        id: "ID.RA-08",
        category: 7,
        number: 8,
        statement: "Processes for receiving, analyzing, and responding to vulnerability disclosures are established",
    },
    SubcategoryRow {
        id: "ID.RA-09",
        category: 7,
        number: 9,
        statement: "The authenticity and integrity of hardware and software are assessed prior to acquisition and use",
    },
    SubcategoryRow {
        id: "ID.RA-10",
        category: 7,
        number: 10,
        statement: "Critical suppliers are assessed prior to acquisition",
    },
    SubcategoryRow {
        id: "ID.IM-01",
        category: 8,
        number: 1,
        statement: "Improvements are identified from evaluations",
    },
    SubcategoryRow {
        id: "ID.IM-02",
        category: 8,
        number: 2,
        statement: "Improvements are identified from security tests and exercises, including those done in coordination with suppliers and relevant third parties",
    },
    SubcategoryRow {
        id: "ID.IM-03",
        category: 8,
        number: 3,
        statement: "Improvements are identified from execution of operational processes, procedures, and activities",
    },
    SubcategoryRow {
        id: "ID.IM-04",
        category: 8,
        number: 4,
        statement: "Incident response plans and other cybersecurity plans that affect operations are established, communicated, maintained, and improved",
    },
    SubcategoryRow {
        id: "PR.AA-01",
        category: 9,
        number: 1,
        statement: "Identities and credentials for authorized users, services, and hardware are managed by the organization",
    },
    SubcategoryRow {
        id: "PR.AA-02",
        category: 9,
        number: 2,
        statement: "Identities are proofed and bound to credentials based on the context of interactions",
    },
    SubcategoryRow {
        id: "PR.AA-03",
        category: 9,
        number: 3,
        statement: "Users, services, and hardware are authenticated",
    },
    SubcategoryRow {
        id: "PR.AA-04",
        category: 9,
        number: 4,
        statement: "Identity assertions are protected, conveyed, and verified",
    },
    SubcategoryRow {
        id: "PR.AA-05",
        category: 9,
        number: 5,
        statement: "Access permissions, entitlements, and authorizations are defined in a policy, managed, enforced, and reviewed, and incorporate the principles of least privilege and separation of duties",
    },
    SubcategoryRow {
        id: "PR.AA-06",
        category: 9,
        number: 6,
        statement: "Physical access to assets is managed, monitored, and enforced commensurate with risk",
    },
    SubcategoryRow {
        id: "PR.AT-01",
        category: 10,
        number: 1,
        statement: "Personnel are provided with awareness and training so that they possess the knowledge and skills to perform general tasks with cybersecurity risks in mind",
    },
    SubcategoryRow {
        id: "PR.AT-02",
        category: 10,
        number: 2,
        statement: "Individuals in specialized roles are provided with awareness and training so that they possess the knowledge and skills to perform relevant tasks with cybersecurity risks in mind",
    },
    SubcategoryRow {
        id: "PR.DS-01",
        category: 11,
        number: 1,
        statement: "The confidentiality, integrity, and availability of data-at-rest are protected",
    },
    SubcategoryRow {
        id: "PR.DS-02",
        category: 11,
        number: 2,
        statement: "The confidentiality, integrity, and availability of data-in-transit are protected",
    },
    SubcategoryRow {
        id: "PR.DS-10",
        category: 11,
        number: 10,
        statement: "The confidentiality, integrity, and availability of data-in-use are protected",
    },
    SubcategoryRow {
        id: "PR.DS-11",
        category: 11,
        number: 11,
        statement: "Backups of data are created, protected, maintained, and tested",
    },
    SubcategoryRow {
        id: "PR.PS-01",
        category: 12,
        number: 1,
        statement: "Configuration management practices are established and applied",
    },
    SubcategoryRow {
        id: "PR.PS-02",
        category: 12,
        number: 2,
        statement: "Software is maintained, replaced, and removed commensurate with risk",
    },
    SubcategoryRow {
        id: "PR.PS-03",
        category: 12,
        number: 3,
        statement: "Hardware is maintained, replaced, and removed commensurate with risk",
    },
    SubcategoryRow {
        id: "PR.PS-04",
        category: 12,
        number: 4,
        statement: "Log records are generated and made available for continuous monitoring",
    },
    SubcategoryRow {
        id: "PR.PS-05",
        category: 12,
        number: 5,
        statement: "Installation and execution of unauthorized software are prevented",
    },
    SubcategoryRow {
        id: "PR.PS-06",
        category: 12,
        number: 6,
        statement: "Secure software development practices are integrated, and their performance is monitored throughout the software development life cycle",
    },
    SubcategoryRow {
        id: "PR.IR-01",
        category: 13,
        number: 1,
        statement: "Networks and environments are protected from unauthorized logical access and usage",
    },
    SubcategoryRow {
        id: "PR.IR-02",
        category: 13,
        number: 2,
        statement: "The organization's technology assets are protected from environmental threats",
    },
    SubcategoryRow {
        id: "PR.IR-03",
        category: 13,
        number: 3,
        statement: "Mechanisms are implemented to achieve resilience requirements in normal and adverse situations",
    },
    SubcategoryRow {
        id: "PR.IR-04",
        category: 13,
        number: 4,
        statement: "Adequate resource capacity to ensure availability is maintained",
    },
    SubcategoryRow {
        id: "DE.CM-01",
        category: 14,
        number: 1,
        statement: "Networks and network services are monitored to find potentially adverse events",
    },
    SubcategoryRow {
        id: "DE.CM-02",
        category: 14,
        number: 2,
        statement: "The physical environment is monitored to find potentially adverse events",
    },
    SubcategoryRow {
        id: "DE.CM-03",
        category: 14,
        number: 3,
        statement: "Personnel activity and technology usage are monitored to find potentially adverse events",
    },
    SubcategoryRow {
        id: "DE.CM-06",
        category: 14,
        number: 6,
        statement: "External service provider activities and services are monitored to find potentially adverse events",
    },
    SubcategoryRow {
        id: "DE.CM-09",
        category: 14,
        number: 9,
        statement: "Computing hardware and software, runtime environments, and their data are monitored to find potentially adverse events",
    },
    SubcategoryRow {
        id: "DE.AE-02",
        category: 15,
        number: 2,
        statement: "Potentially adverse events are analyzed to better understand associated activities",
    },
    SubcategoryRow {
        id: "DE.AE-03",
        category: 15,
        number: 3,
        statement: "Information is correlated from multiple sources",
    },
    SubcategoryRow {
        id: "DE.AE-04",
        category: 15,
        number: 4,
        statement: "The estimated impact and scope of adverse events are understood",
    },
    SubcategoryRow {
        id: "DE.AE-06",
        category: 15,
        number: 6,
        statement: "Information on adverse events is provided to authorized staff and tools",
    },
    SubcategoryRow {
        id: "DE.AE-07",
        category: 15,
        number: 7,
        statement: "Cyber threat intelligence and other contextual information are integrated into the analysis",
    },
    SubcategoryRow {
        id: "DE.AE-08",
        category: 15,
        number: 8,
        statement: "Incidents are declared when adverse events meet the defined incident criteria",
    },
    SubcategoryRow {
        id: "RS.MA-01",
        category: 16,
        number: 1,
        statement: "The incident response plan is executed in coordination with relevant third parties once an incident is declared",
    },
    SubcategoryRow {
        id: "RS.MA-02",
        category: 16,
        number: 2,
        statement: "Incident reports are triaged and validated",
    },
    SubcategoryRow {
        id: "RS.MA-03",
        category: 16,
        number: 3,
        statement: "Incidents are categorized and prioritized",
    },
    SubcategoryRow {
        id: "RS.MA-04",
        category: 16,
        number: 4,
        statement: "Incidents are escalated or elevated as needed",
    },
    SubcategoryRow {
        id: "RS.MA-05",
        category: 16,
        number: 5,
        statement: "The criteria for initiating incident recovery are applied",
    },
    SubcategoryRow {
        id: "RS.AN-03",
        category: 17,
        number: 3,
        statement: "Analysis is performed to establish what has taken place during an incident and the root cause of the incident",
    },
    SubcategoryRow {
        id: "RS.AN-06",
        category: 17,
        number: 6,
        statement: "Actions performed during an investigation are recorded, and the records' integrity and provenance are preserved",
    },
    SubcategoryRow {
        id: "RS.AN-07",
        category: 17,
        number: 7,
        statement: "Incident data and metadata are collected, and their integrity and provenance are preserved",
    },
    SubcategoryRow {
        id: "RS.AN-08",
        category: 17,
        number: 8,
        statement: "An incident's magnitude is estimated and validated",
    },
    SubcategoryRow {
        id: "RS.CO-02",
        category: 18,
        number: 2,
        statement: "Internal and external stakeholders are notified of incidents",
    },
    SubcategoryRow {
        id: "RS.CO-03",
        category: 18,
        number: 3,
        statement: "Information is shared with designated internal and external stakeholders",
    },
    SubcategoryRow {
        id: "RS.MI-01",
        category: 19,
        number: 1,
        statement: "Incidents are contained",
    },
    SubcategoryRow {
        id: "RS.MI-02",
        category: 19,
        number: 2,
        statement: "Incidents are eradicated",
    },
    SubcategoryRow {
        id: "RC.RP-01",
        category: 20,
        number: 1,
        statement: "The recovery portion of the incident response plan is executed once initiated from the incident response process",
    },
    SubcategoryRow {
        id: "RC.RP-02",
        category: 20,
        number: 2,
        statement: "Recovery actions are selected, scoped, prioritized, and performed",
    },
    SubcategoryRow {
        id: "RC.RP-03",
        category: 20,
        number: 3,
        statement: "The integrity of backups and other restoration assets is verified before using them for restoration",
    },
    SubcategoryRow {
        id: "RC.RP-04",
        category: 20,
        number: 4,
        statement: "Critical mission functions and cybersecurity risk management are considered to establish post-incident operational norms",
    },
    SubcategoryRow {
        id: "RC.RP-05",
        category: 20,
        number: 5,
        statement: "The integrity of restored assets is verified, systems and services are restored, and normal operating status is confirmed",
    },
    SubcategoryRow {
        id: "RC.RP-06",
        category: 20,
        number: 6,
        statement: "The end of incident recovery is declared based on criteria, and incident-related documentation is completed",
    },
    SubcategoryRow {
        id: "RC.CO-03",
        category: 21,
        number: 3,
        statement: "Recovery activities and progress in restoring operational capabilities are communicated to designated internal and external stakeholders",
    },
    SubcategoryRow {
        id: "RC.CO-04",
        category: 21,
        number: 4,
        statement: "Public updates on incident recovery are shared using approved methods and messaging",
    },
];

pub(super) static CSF11_CATEGORIES: [Csf11CategoryRow; 23] = [
    // ID.AM Asset Management -> ID.AM. retained: Same ID in 2.0 (subcategories renumbered/reworded; 2.0 adds ID.AM-07, ID.AM-08)
    Csf11CategoryRow {
        id: "ID.AM",
        target: Target::Category(6),
        subcategories: (0, 6),
    },
    // ID.BE Business Environment -> GV.OC. withdrawn: incorporated_into GV.OC
    Csf11CategoryRow {
        id: "ID.BE",
        target: Target::Category(0),
        subcategories: (6, 11),
    },
    // ID.GV Governance -> no single successor. withdrawn: incorporated_into GV function (GV.PO, GV.RR, GV.OC-03, GV.RM-04);
    // ID.GV-2 also links GV.OC-02.
    Csf11CategoryRow {
        id: "ID.GV",
        target: Target::Unmappable(
            "withdrawn; incorporated into the whole GOVERN function (GV.PO, GV.RR, GV.OC-02/03, GV.RM-04): tag a GV category or subcategory directly",
        ),
        subcategories: (11, 15),
    },
    // ID.RA Risk Assessment -> ID.RA. retained: Same ID in 2.0 (expanded to ID.RA-01..10)
    Csf11CategoryRow {
        id: "ID.RA",
        target: Target::Category(7),
        subcategories: (15, 21),
    },
    // ID.RM Risk Management Strategy -> no single successor. withdrawn: incorporated_into GV.RM,
    // but ID.RM-1 also links GV.RR-03.
    Csf11CategoryRow {
        id: "ID.RM",
        target: Target::Unmappable(
            "withdrawn; its subcategories went to GV.RM-01/02/04/06, except part of ID.RM-1, which went to GV.RR-03: tag the CSF 2.0 id directly",
        ),
        subcategories: (21, 24),
    },
    // ID.SC Supply Chain Risk Management -> no single successor. withdrawn: incorporated_into GV.SC
    // (also ID.RA-10, ID.IM-02); its subcategories also link GV.OC-02 and GV.RM-05.
    Csf11CategoryRow {
        id: "ID.SC",
        target: Target::Unmappable(
            "withdrawn; its subcategories were split across GV.OC-02, GV.RM-05, GV.SC-01/03/04/05/06/07/08/09/10, ID.RA-10 and ID.IM-02: tag the CSF 2.0 id directly",
        ),
        subcategories: (24, 29),
    },
    // PR.AC Identity Management, Authentication and Access Control -> no single successor.
    // withdrawn: moved_to PR.AA (PR.AC-03/-05 partly to PR.IR-01): PR.AC-5 went to PR.IR-01 alone.
    Csf11CategoryRow {
        id: "PR.AC",
        target: Target::Unmappable(
            "withdrawn; its subcategories went to PR.AA-01/02/03/05/06, except PR.AC-5 and part of PR.AC-3, which went to PR.IR-01: tag the CSF 2.0 id directly",
        ),
        subcategories: (29, 36),
    },
    // PR.AT Awareness and Training -> PR.AT. retained: Same ID in 2.0 (PR.AT-03..05 folded into PR.AT-01/02)
    Csf11CategoryRow {
        id: "PR.AT",
        target: Target::Category(10),
        subcategories: (36, 41),
    },
    // PR.DS Data Security -> PR.DS. retained: Same ID in 2.0 (several subcategories moved, e.g. PR.DS-07 to PR.IR-01, PR.DS-08 to ID.RA-09/DE.CM-09)
    Csf11CategoryRow {
        id: "PR.DS",
        target: Target::Category(11),
        subcategories: (41, 49),
    },
    // PR.IP Information Protection Processes and Procedures -> no single successor. withdrawn: no category-level target; subcategories split across PR.PS, PR.DS-11, PR.IR-02, ID.AM-08, ID.RA-01/07, ID.IM, GV.RR-04
    Csf11CategoryRow {
        id: "PR.IP",
        target: Target::Unmappable(
            "withdrawn; its subcategories were split across PR.PS, PR.DS-11, PR.IR-02, ID.AM-08, ID.RA-01/07, ID.IM and GV.RR-04: tag the CSF 2.0 id directly",
        ),
        subcategories: (49, 61),
    },
    // PR.MA Maintenance -> no single successor. withdrawn: incorporated_into ID.AM-08 (subcategories
    // also to PR.PS-02/03)
    Csf11CategoryRow {
        id: "PR.MA",
        target: Target::Unmappable(
            "withdrawn; its subcategories were split across ID.AM-08 and PR.PS-02/03: tag the CSF 2.0 id directly",
        ),
        subcategories: (61, 63),
    },
    // PR.PT Protective Technology -> no single successor. withdrawn: no category-level target; subcategories to PR.PS-01/04, PR.DS-01, PR.AA-06, PR.IR-01/03
    Csf11CategoryRow {
        id: "PR.PT",
        target: Target::Unmappable(
            "withdrawn; its subcategories were split across PR.PS-01/04, PR.DS-01, PR.AA-06 and PR.IR-01/03: tag the CSF 2.0 id directly",
        ),
        subcategories: (63, 68),
    },
    // DE.AE Anomalies and Events -> DE.AE. retained: Same ID in 2.0, renamed Adverse Event Analysis
    Csf11CategoryRow {
        id: "DE.AE",
        target: Target::Category(15),
        subcategories: (68, 73),
    },
    // DE.CM Security Continuous Monitoring -> DE.CM. retained: Same ID in 2.0, renamed Continuous Monitoring
    Csf11CategoryRow {
        id: "DE.CM",
        target: Target::Category(14),
        subcategories: (73, 81),
    },
    // DE.DP Detection Processes -> no single successor. withdrawn: no category-level target; subcategories to GV.RR-02, DE.AE, DE.AE-06, ID.IM-02/03
    // (DE.DP-5 links the whole of ID.IM).
    Csf11CategoryRow {
        id: "DE.DP",
        target: Target::Unmappable(
            "withdrawn; its subcategories were split across GV.RR-02, DE.AE, DE.AE-06, ID.IM and ID.IM-02/03: tag the CSF 2.0 id directly",
        ),
        subcategories: (81, 86),
    },
    // RS.RP Response Planning -> RS.MA-01. withdrawn: no category-level link; its only subcategory,
    // RS.RP-1, was incorporated_into RS.MA-01, so the category maps exactly to that subcategory.
    Csf11CategoryRow {
        id: "RS.RP",
        target: Target::Subcategory(85),
        subcategories: (86, 87),
    },
    // RS.CO Communications -> RS.CO. retained: Same ID in 2.0, renamed Incident Response Reporting and Communication
    Csf11CategoryRow {
        id: "RS.CO",
        target: Target::Category(18),
        subcategories: (87, 92),
    },
    // RS.AN Analysis -> RS.AN. retained: Same ID in 2.0, renamed Incident Analysis (RS.AN-01/02/04 moved to RS.MA)
    Csf11CategoryRow {
        id: "RS.AN",
        target: Target::Category(17),
        subcategories: (92, 97),
    },
    // RS.MI Mitigation -> RS.MI. retained: Same ID in 2.0, renamed Incident Mitigation (RS.MI-03 to ID.RA-06)
    Csf11CategoryRow {
        id: "RS.MI",
        target: Target::Category(19),
        subcategories: (97, 100),
    },
    // RS.IM Improvements -> ID.IM. withdrawn: incorporated_into ID.IM
    Csf11CategoryRow {
        id: "RS.IM",
        target: Target::Category(8),
        subcategories: (100, 102),
    },
    // RC.RP Recovery Planning -> RC.RP. retained: Same ID in 2.0, renamed Incident Recovery Plan Execution
    Csf11CategoryRow {
        id: "RC.RP",
        target: Target::Category(20),
        subcategories: (102, 103),
    },
    // RC.IM Improvements -> ID.IM. withdrawn: incorporated_into ID.IM
    Csf11CategoryRow {
        id: "RC.IM",
        target: Target::Category(8),
        subcategories: (103, 105),
    },
    // RC.CO Communications -> RC.CO. retained: Same ID in 2.0, renamed Incident Recovery Communication
    Csf11CategoryRow {
        id: "RC.CO",
        target: Target::Category(21),
        subcategories: (105, 108),
    },
];

pub(super) static CSF11_SUBCATEGORIES: [Csf11SubcategoryRow; 108] = [
    // ID.AM-01 -> ID.AM (not withdrawn in 2.0)
    Csf11SubcategoryRow {
        target: Target::Category(6),
    },
    // ID.AM-02 -> ID.AM (not withdrawn in 2.0)
    Csf11SubcategoryRow {
        target: Target::Category(6),
    },
    // ID.AM-03 -> ID.AM (not withdrawn in 2.0)
    Csf11SubcategoryRow {
        target: Target::Category(6),
    },
    // ID.AM-04 -> ID.AM (not withdrawn in 2.0)
    Csf11SubcategoryRow {
        target: Target::Category(6),
    },
    // ID.AM-05 -> ID.AM (not withdrawn in 2.0)
    Csf11SubcategoryRow {
        target: Target::Category(6),
    },
    // ID.AM-06 -> no single successor (links: GV.RR-02 GV.SC-02)
    Csf11SubcategoryRow {
        target: Target::Unmappable(
            "withdrawn in CSF 2.0 and split across GV.RR-02 and GV.SC-02: tag the CSF 2.0 id directly",
        ),
    },
    // ID.BE-01 -> GV.OC-05 (links: GV.OC-05)
    Csf11SubcategoryRow {
        target: Target::Subcategory(4),
    },
    // ID.BE-02 -> GV.OC-01 (links: GV.OC-01)
    Csf11SubcategoryRow {
        target: Target::Subcategory(0),
    },
    // ID.BE-03 -> GV.OC-01 (links: GV.OC-01)
    Csf11SubcategoryRow {
        target: Target::Subcategory(0),
    },
    // ID.BE-04 -> GV.OC (links: GV.OC-04 GV.OC-05)
    Csf11SubcategoryRow {
        target: Target::Category(0),
    },
    // ID.BE-05 -> GV.OC-04 (links: GV.OC-04)
    Csf11SubcategoryRow {
        target: Target::Subcategory(3),
    },
    // ID.GV-01 -> GV.PO (links: GV.PO GV.PO-01 GV.PO-02)
    Csf11SubcategoryRow {
        target: Target::Category(3),
    },
    // ID.GV-02 -> no single successor (links: GV.RR GV.OC-02 GV.RR-02)
    Csf11SubcategoryRow {
        target: Target::Unmappable(
            "withdrawn in CSF 2.0 and split across GV.RR, GV.OC-02 and GV.RR-02: tag the CSF 2.0 id directly",
        ),
    },
    // ID.GV-03 -> GV.OC-03 (links: GV.OC-03)
    Csf11SubcategoryRow {
        target: Target::Subcategory(2),
    },
    // ID.GV-04 -> GV.RM-04 (links: GV.RM-04)
    Csf11SubcategoryRow {
        target: Target::Subcategory(8),
    },
    // ID.RA-01 -> ID.RA (not withdrawn in 2.0)
    Csf11SubcategoryRow {
        target: Target::Category(7),
    },
    // ID.RA-02 -> ID.RA (not withdrawn in 2.0)
    Csf11SubcategoryRow {
        target: Target::Category(7),
    },
    // ID.RA-03 -> ID.RA (not withdrawn in 2.0)
    Csf11SubcategoryRow {
        target: Target::Category(7),
    },
    // ID.RA-04 -> ID.RA (not withdrawn in 2.0)
    Csf11SubcategoryRow {
        target: Target::Category(7),
    },
    // ID.RA-05 -> ID.RA (not withdrawn in 2.0)
    Csf11SubcategoryRow {
        target: Target::Category(7),
    },
    // ID.RA-06 -> ID.RA (not withdrawn in 2.0)
    Csf11SubcategoryRow {
        target: Target::Category(7),
    },
    // ID.RM-01 -> no single successor (links: GV.RM-01 GV.RM-06 GV.RR-03)
    Csf11SubcategoryRow {
        target: Target::Unmappable(
            "withdrawn in CSF 2.0 and split across GV.RM-01, GV.RM-06 and GV.RR-03: tag the CSF 2.0 id directly",
        ),
    },
    // ID.RM-02 -> GV.RM (links: GV.RM-02 GV.RM-04)
    Csf11SubcategoryRow {
        target: Target::Category(1),
    },
    // ID.RM-03 -> GV.RM-02 (links: GV.RM-02)
    Csf11SubcategoryRow {
        target: Target::Subcategory(6),
    },
    // ID.SC-01 -> no single successor (links: GV.RM-05 GV.SC-01 GV.SC-06 GV.SC-09 GV.SC-10)
    Csf11SubcategoryRow {
        target: Target::Unmappable(
            "withdrawn in CSF 2.0 and split across GV.RM-05, GV.SC-01, GV.SC-06, GV.SC-09 and GV.SC-10: tag the CSF 2.0 id directly",
        ),
    },
    // ID.SC-02 -> no single successor (links: GV.OC-02 GV.SC-03 GV.SC-04 GV.SC-07 ID.RA-10)
    Csf11SubcategoryRow {
        target: Target::Unmappable(
            "withdrawn in CSF 2.0 and split across GV.OC-02, GV.SC-03, GV.SC-04, GV.SC-07 and ID.RA-10: tag the CSF 2.0 id directly",
        ),
    },
    // ID.SC-03 -> GV.SC-05 (links: GV.SC-05)
    Csf11SubcategoryRow {
        target: Target::Subcategory(25),
    },
    // ID.SC-04 -> no single successor (links: GV.SC-07 ID.RA-10)
    Csf11SubcategoryRow {
        target: Target::Unmappable(
            "withdrawn in CSF 2.0 and split across GV.SC-07 and ID.RA-10: tag the CSF 2.0 id directly",
        ),
    },
    // ID.SC-05 -> no single successor (links: GV.SC-08 ID.IM-02)
    Csf11SubcategoryRow {
        target: Target::Unmappable(
            "withdrawn in CSF 2.0 and split across GV.SC-08 and ID.IM-02: tag the CSF 2.0 id directly",
        ),
    },
    // PR.AC-01 -> PR.AA (links: PR.AA-01 PR.AA-05)
    Csf11SubcategoryRow {
        target: Target::Category(9),
    },
    // PR.AC-02 -> PR.AA-06 (links: PR.AA-06)
    Csf11SubcategoryRow {
        target: Target::Subcategory(57),
    },
    // PR.AC-03 -> no single successor (links: PR.AA-03 PR.AA-05 PR.IR-01)
    Csf11SubcategoryRow {
        target: Target::Unmappable(
            "withdrawn in CSF 2.0 and split across PR.AA-03, PR.AA-05 and PR.IR-01: tag the CSF 2.0 id directly",
        ),
    },
    // PR.AC-04 -> PR.AA-05 (links: PR.AA-05)
    Csf11SubcategoryRow {
        target: Target::Subcategory(56),
    },
    // PR.AC-05 -> PR.IR-01 (links: PR.IR-01)
    Csf11SubcategoryRow {
        target: Target::Subcategory(70),
    },
    // PR.AC-06 -> PR.AA-02 (links: PR.AA-02)
    Csf11SubcategoryRow {
        target: Target::Subcategory(53),
    },
    // PR.AC-07 -> PR.AA-03 (links: PR.AA-03)
    Csf11SubcategoryRow {
        target: Target::Subcategory(54),
    },
    // PR.AT-01 -> PR.AT (not withdrawn in 2.0)
    Csf11SubcategoryRow {
        target: Target::Category(10),
    },
    // PR.AT-02 -> PR.AT (not withdrawn in 2.0)
    Csf11SubcategoryRow {
        target: Target::Category(10),
    },
    // PR.AT-03 -> PR.AT (links: PR.AT-01 PR.AT-02)
    Csf11SubcategoryRow {
        target: Target::Category(10),
    },
    // PR.AT-04 -> PR.AT-02 (links: PR.AT-02)
    Csf11SubcategoryRow {
        target: Target::Subcategory(59),
    },
    // PR.AT-05 -> PR.AT-02 (links: PR.AT-02)
    Csf11SubcategoryRow {
        target: Target::Subcategory(59),
    },
    // PR.DS-01 -> PR.DS (not withdrawn in 2.0)
    Csf11SubcategoryRow {
        target: Target::Category(11),
    },
    // PR.DS-02 -> PR.DS (not withdrawn in 2.0)
    Csf11SubcategoryRow {
        target: Target::Category(11),
    },
    // PR.DS-03 -> no single successor (links: ID.AM-08 PR.PS-03)
    Csf11SubcategoryRow {
        target: Target::Unmappable(
            "withdrawn in CSF 2.0 and split across ID.AM-08 and PR.PS-03: tag the CSF 2.0 id directly",
        ),
    },
    // PR.DS-04 -> PR.IR-04 (links: PR.IR-04)
    Csf11SubcategoryRow {
        target: Target::Subcategory(73),
    },
    // PR.DS-05 -> PR.DS (links: PR.DS-01 PR.DS-02 PR.DS-10)
    Csf11SubcategoryRow {
        target: Target::Category(11),
    },
    // PR.DS-06 -> no single successor (links: PR.DS-01 DE.CM-09)
    Csf11SubcategoryRow {
        target: Target::Unmappable(
            "withdrawn in CSF 2.0 and split across PR.DS-01 and DE.CM-09: tag the CSF 2.0 id directly",
        ),
    },
    // PR.DS-07 -> PR.IR-01 (links: PR.IR-01)
    Csf11SubcategoryRow {
        target: Target::Subcategory(70),
    },
    // PR.DS-08 -> no single successor (links: ID.RA-09 DE.CM-09)
    Csf11SubcategoryRow {
        target: Target::Unmappable(
            "withdrawn in CSF 2.0 and split across ID.RA-09 and DE.CM-09: tag the CSF 2.0 id directly",
        ),
    },
    // PR.IP-01 -> PR.PS-01 (links: PR.PS-01)
    Csf11SubcategoryRow {
        target: Target::Subcategory(64),
    },
    // PR.IP-02 -> no single successor (links: ID.AM-08 PR.PS-06)
    Csf11SubcategoryRow {
        target: Target::Unmappable(
            "withdrawn in CSF 2.0 and split across ID.AM-08 and PR.PS-06: tag the CSF 2.0 id directly",
        ),
    },
    // PR.IP-03 -> no single successor (links: ID.RA-07 PR.PS-01)
    Csf11SubcategoryRow {
        target: Target::Unmappable(
            "withdrawn in CSF 2.0 and split across ID.RA-07 and PR.PS-01: tag the CSF 2.0 id directly",
        ),
    },
    // PR.IP-04 -> PR.DS-11 (links: PR.DS-11)
    Csf11SubcategoryRow {
        target: Target::Subcategory(63),
    },
    // PR.IP-05 -> PR.IR-02 (links: PR.IR-02)
    Csf11SubcategoryRow {
        target: Target::Subcategory(71),
    },
    // PR.IP-06 -> ID.AM-08 (links: ID.AM-08)
    Csf11SubcategoryRow {
        target: Target::Subcategory(37),
    },
    // PR.IP-07 -> ID.IM (links: ID.IM ID.IM-03)
    Csf11SubcategoryRow {
        target: Target::Category(8),
    },
    // PR.IP-08 -> ID.IM-03 (links: ID.IM-03)
    Csf11SubcategoryRow {
        target: Target::Subcategory(50),
    },
    // PR.IP-09 -> ID.IM-04 (links: ID.IM-04)
    Csf11SubcategoryRow {
        target: Target::Subcategory(51),
    },
    // PR.IP-10 -> ID.IM (links: ID.IM-02 ID.IM-04)
    Csf11SubcategoryRow {
        target: Target::Category(8),
    },
    // PR.IP-11 -> GV.RR-04 (links: GV.RR-04)
    Csf11SubcategoryRow {
        target: Target::Subcategory(15),
    },
    // PR.IP-12 -> no single successor (links: ID.RA-01 PR.PS-02)
    Csf11SubcategoryRow {
        target: Target::Unmappable(
            "withdrawn in CSF 2.0 and split across ID.RA-01 and PR.PS-02: tag the CSF 2.0 id directly",
        ),
    },
    // PR.MA-01 -> no single successor (links: ID.AM-08 PR.PS-03)
    Csf11SubcategoryRow {
        target: Target::Unmappable(
            "withdrawn in CSF 2.0 and split across ID.AM-08 and PR.PS-03: tag the CSF 2.0 id directly",
        ),
    },
    // PR.MA-02 -> no single successor (links: ID.AM-08 PR.PS-02)
    Csf11SubcategoryRow {
        target: Target::Unmappable(
            "withdrawn in CSF 2.0 and split across ID.AM-08 and PR.PS-02: tag the CSF 2.0 id directly",
        ),
    },
    // PR.PT-01 -> PR.PS-04 (links: PR.PS-04)
    Csf11SubcategoryRow {
        target: Target::Subcategory(67),
    },
    // PR.PT-02 -> no single successor (links: PR.DS-01 PR.PS-01)
    Csf11SubcategoryRow {
        target: Target::Unmappable(
            "withdrawn in CSF 2.0 and split across PR.DS-01 and PR.PS-01: tag the CSF 2.0 id directly",
        ),
    },
    // PR.PT-03 -> PR.PS-01 (links: PR.PS-01)
    Csf11SubcategoryRow {
        target: Target::Subcategory(64),
    },
    // PR.PT-04 -> no single successor (links: PR.AA-06 PR.IR-01)
    Csf11SubcategoryRow {
        target: Target::Unmappable(
            "withdrawn in CSF 2.0 and split across PR.AA-06 and PR.IR-01: tag the CSF 2.0 id directly",
        ),
    },
    // PR.PT-05 -> PR.IR-03 (links: PR.IR-03)
    Csf11SubcategoryRow {
        target: Target::Subcategory(72),
    },
    // DE.AE-01 -> ID.AM-03 (links: ID.AM-03)
    Csf11SubcategoryRow {
        target: Target::Subcategory(33),
    },
    // DE.AE-02 -> DE.AE (not withdrawn in 2.0)
    Csf11SubcategoryRow {
        target: Target::Category(15),
    },
    // DE.AE-03 -> DE.AE (not withdrawn in 2.0)
    Csf11SubcategoryRow {
        target: Target::Category(15),
    },
    // DE.AE-04 -> DE.AE (not withdrawn in 2.0)
    Csf11SubcategoryRow {
        target: Target::Category(15),
    },
    // DE.AE-05 -> DE.AE-08 (links: DE.AE-08)
    Csf11SubcategoryRow {
        target: Target::Subcategory(84),
    },
    // DE.CM-01 -> DE.CM (not withdrawn in 2.0)
    Csf11SubcategoryRow {
        target: Target::Category(14),
    },
    // DE.CM-02 -> DE.CM (not withdrawn in 2.0)
    Csf11SubcategoryRow {
        target: Target::Category(14),
    },
    // DE.CM-03 -> DE.CM (not withdrawn in 2.0)
    Csf11SubcategoryRow {
        target: Target::Category(14),
    },
    // DE.CM-04 -> DE.CM (links: DE.CM-01 DE.CM-09)
    Csf11SubcategoryRow {
        target: Target::Category(14),
    },
    // DE.CM-05 -> DE.CM (links: DE.CM-01 DE.CM-09)
    Csf11SubcategoryRow {
        target: Target::Category(14),
    },
    // DE.CM-06 -> DE.CM (not withdrawn in 2.0)
    Csf11SubcategoryRow {
        target: Target::Category(14),
    },
    // DE.CM-07 -> DE.CM (links: DE.CM-01 DE.CM-03 DE.CM-06 DE.CM-09)
    Csf11SubcategoryRow {
        target: Target::Category(14),
    },
    // DE.CM-08 -> ID.RA-01 (links: ID.RA-01)
    Csf11SubcategoryRow {
        target: Target::Subcategory(38),
    },
    // DE.DP-01 -> GV.RR-02 (links: GV.RR-02)
    Csf11SubcategoryRow {
        target: Target::Subcategory(13),
    },
    // DE.DP-02 -> DE.AE (links: DE.AE)
    Csf11SubcategoryRow {
        target: Target::Category(15),
    },
    // DE.DP-03 -> ID.IM-02 (links: ID.IM-02)
    Csf11SubcategoryRow {
        target: Target::Subcategory(49),
    },
    // DE.DP-04 -> DE.AE-06 (links: DE.AE-06)
    Csf11SubcategoryRow {
        target: Target::Subcategory(82),
    },
    // DE.DP-05 -> ID.IM (links: ID.IM ID.IM-03)
    Csf11SubcategoryRow {
        target: Target::Category(8),
    },
    // RS.RP-01 -> RS.MA-01 (links: RS.MA-01)
    Csf11SubcategoryRow {
        target: Target::Subcategory(85),
    },
    // RS.CO-01 -> PR.AT-01 (links: PR.AT-01)
    Csf11SubcategoryRow {
        target: Target::Subcategory(58),
    },
    // RS.CO-02 -> RS.CO (not withdrawn in 2.0)
    Csf11SubcategoryRow {
        target: Target::Category(18),
    },
    // RS.CO-03 -> RS.CO (not withdrawn in 2.0)
    Csf11SubcategoryRow {
        target: Target::Category(18),
    },
    // RS.CO-04 -> RS.MA (links: RS.MA-01 RS.MA-04)
    Csf11SubcategoryRow {
        target: Target::Category(16),
    },
    // RS.CO-05 -> RS.CO-03 (links: RS.CO-03)
    Csf11SubcategoryRow {
        target: Target::Subcategory(95),
    },
    // RS.AN-01 -> RS.MA-02 (links: RS.MA-02)
    Csf11SubcategoryRow {
        target: Target::Subcategory(86),
    },
    // RS.AN-02 -> RS.MA (links: RS.MA-02 RS.MA-03 RS.MA-04)
    Csf11SubcategoryRow {
        target: Target::Category(16),
    },
    // RS.AN-03 -> RS.AN (not withdrawn in 2.0)
    Csf11SubcategoryRow {
        target: Target::Category(17),
    },
    // RS.AN-04 -> RS.MA-03 (links: RS.MA-03)
    Csf11SubcategoryRow {
        target: Target::Subcategory(87),
    },
    // RS.AN-05 -> ID.RA-08 (links: ID.RA-08)
    Csf11SubcategoryRow {
        target: Target::Subcategory(45),
    },
    // RS.MI-01 -> RS.MI (not withdrawn in 2.0)
    Csf11SubcategoryRow {
        target: Target::Category(19),
    },
    // RS.MI-02 -> RS.MI (not withdrawn in 2.0)
    Csf11SubcategoryRow {
        target: Target::Category(19),
    },
    // RS.MI-03 -> ID.RA-06 (links: ID.RA-06)
    Csf11SubcategoryRow {
        target: Target::Subcategory(43),
    },
    // RS.IM-01 -> ID.IM (links: ID.IM-03 ID.IM-04)
    Csf11SubcategoryRow {
        target: Target::Category(8),
    },
    // RS.IM-02 -> ID.IM-03 (links: ID.IM-03)
    Csf11SubcategoryRow {
        target: Target::Subcategory(50),
    },
    // RC.RP-01 -> RC.RP (not withdrawn in 2.0)
    Csf11SubcategoryRow {
        target: Target::Category(20),
    },
    // RC.IM-01 -> ID.IM (links: ID.IM-03 ID.IM-04)
    Csf11SubcategoryRow {
        target: Target::Category(8),
    },
    // RC.IM-02 -> ID.IM-03 (links: ID.IM-03)
    Csf11SubcategoryRow {
        target: Target::Subcategory(50),
    },
    // RC.CO-01 -> RC.CO-04 (links: RC.CO-04)
    Csf11SubcategoryRow {
        target: Target::Subcategory(105),
    },
    // RC.CO-02 -> RC.CO-04 (links: RC.CO-04)
    Csf11SubcategoryRow {
        target: Target::Subcategory(105),
    },
    // RC.CO-03 -> RC.CO (not withdrawn in 2.0)
    Csf11SubcategoryRow {
        target: Target::Category(21),
    },
];

/// NIST's links from each CSF 1.1 subcategory (in `CSF11_SUBCATEGORIES` order) to CSF 2.0,
/// from which the targets above were derived: the `moved_to` / `incorporated_into` links of the
/// withdrawn elements of the OSCAL catalog (version 1.2.0); none for a subcategory the catalog
/// does not withdraw. The tests derive every CSF 1.1 target from them again.
#[cfg(test)]
pub(super) static CSF11_SUBCATEGORY_LINKS: [(&str, &[&str]); 108] = [
    ("ID.AM-01", &[]),
    ("ID.AM-02", &[]),
    ("ID.AM-03", &[]),
    ("ID.AM-04", &[]),
    ("ID.AM-05", &[]),
    ("ID.AM-06", &["GV.RR-02", "GV.SC-02"]),
    ("ID.BE-01", &["GV.OC-05"]),
    ("ID.BE-02", &["GV.OC-01"]),
    ("ID.BE-03", &["GV.OC-01"]),
    ("ID.BE-04", &["GV.OC-04", "GV.OC-05"]),
    ("ID.BE-05", &["GV.OC-04"]),
    ("ID.GV-01", &["GV.PO", "GV.PO-01", "GV.PO-02"]),
    ("ID.GV-02", &["GV.RR", "GV.OC-02", "GV.RR-02"]),
    ("ID.GV-03", &["GV.OC-03"]),
    ("ID.GV-04", &["GV.RM-04"]),
    ("ID.RA-01", &[]),
    ("ID.RA-02", &[]),
    ("ID.RA-03", &[]),
    ("ID.RA-04", &[]),
    ("ID.RA-05", &[]),
    ("ID.RA-06", &[]),
    ("ID.RM-01", &["GV.RM-01", "GV.RM-06", "GV.RR-03"]),
    ("ID.RM-02", &["GV.RM-02", "GV.RM-04"]),
    ("ID.RM-03", &["GV.RM-02"]),
    (
        "ID.SC-01",
        &["GV.RM-05", "GV.SC-01", "GV.SC-06", "GV.SC-09", "GV.SC-10"],
    ),
    (
        "ID.SC-02",
        &["GV.OC-02", "GV.SC-03", "GV.SC-04", "GV.SC-07", "ID.RA-10"],
    ),
    ("ID.SC-03", &["GV.SC-05"]),
    ("ID.SC-04", &["GV.SC-07", "ID.RA-10"]),
    ("ID.SC-05", &["GV.SC-08", "ID.IM-02"]),
    ("PR.AC-01", &["PR.AA-01", "PR.AA-05"]),
    ("PR.AC-02", &["PR.AA-06"]),
    ("PR.AC-03", &["PR.AA-03", "PR.AA-05", "PR.IR-01"]),
    ("PR.AC-04", &["PR.AA-05"]),
    ("PR.AC-05", &["PR.IR-01"]),
    ("PR.AC-06", &["PR.AA-02"]),
    ("PR.AC-07", &["PR.AA-03"]),
    ("PR.AT-01", &[]),
    ("PR.AT-02", &[]),
    ("PR.AT-03", &["PR.AT-01", "PR.AT-02"]),
    ("PR.AT-04", &["PR.AT-02"]),
    ("PR.AT-05", &["PR.AT-02"]),
    ("PR.DS-01", &[]),
    ("PR.DS-02", &[]),
    ("PR.DS-03", &["ID.AM-08", "PR.PS-03"]),
    ("PR.DS-04", &["PR.IR-04"]),
    ("PR.DS-05", &["PR.DS-01", "PR.DS-02", "PR.DS-10"]),
    ("PR.DS-06", &["PR.DS-01", "DE.CM-09"]),
    ("PR.DS-07", &["PR.IR-01"]),
    ("PR.DS-08", &["ID.RA-09", "DE.CM-09"]),
    ("PR.IP-01", &["PR.PS-01"]),
    ("PR.IP-02", &["ID.AM-08", "PR.PS-06"]),
    ("PR.IP-03", &["ID.RA-07", "PR.PS-01"]),
    ("PR.IP-04", &["PR.DS-11"]),
    ("PR.IP-05", &["PR.IR-02"]),
    ("PR.IP-06", &["ID.AM-08"]),
    ("PR.IP-07", &["ID.IM", "ID.IM-03"]),
    ("PR.IP-08", &["ID.IM-03"]),
    ("PR.IP-09", &["ID.IM-04"]),
    ("PR.IP-10", &["ID.IM-02", "ID.IM-04"]),
    ("PR.IP-11", &["GV.RR-04"]),
    ("PR.IP-12", &["ID.RA-01", "PR.PS-02"]),
    ("PR.MA-01", &["ID.AM-08", "PR.PS-03"]),
    ("PR.MA-02", &["ID.AM-08", "PR.PS-02"]),
    ("PR.PT-01", &["PR.PS-04"]),
    ("PR.PT-02", &["PR.DS-01", "PR.PS-01"]),
    ("PR.PT-03", &["PR.PS-01"]),
    ("PR.PT-04", &["PR.AA-06", "PR.IR-01"]),
    ("PR.PT-05", &["PR.IR-03"]),
    ("DE.AE-01", &["ID.AM-03"]),
    ("DE.AE-02", &[]),
    ("DE.AE-03", &[]),
    ("DE.AE-04", &[]),
    ("DE.AE-05", &["DE.AE-08"]),
    ("DE.CM-01", &[]),
    ("DE.CM-02", &[]),
    ("DE.CM-03", &[]),
    ("DE.CM-04", &["DE.CM-01", "DE.CM-09"]),
    ("DE.CM-05", &["DE.CM-01", "DE.CM-09"]),
    ("DE.CM-06", &[]),
    (
        "DE.CM-07",
        &["DE.CM-01", "DE.CM-03", "DE.CM-06", "DE.CM-09"],
    ),
    ("DE.CM-08", &["ID.RA-01"]),
    ("DE.DP-01", &["GV.RR-02"]),
    ("DE.DP-02", &["DE.AE"]),
    ("DE.DP-03", &["ID.IM-02"]),
    ("DE.DP-04", &["DE.AE-06"]),
    ("DE.DP-05", &["ID.IM", "ID.IM-03"]),
    ("RS.RP-01", &["RS.MA-01"]),
    ("RS.CO-01", &["PR.AT-01"]),
    ("RS.CO-02", &[]),
    ("RS.CO-03", &[]),
    ("RS.CO-04", &["RS.MA-01", "RS.MA-04"]),
    ("RS.CO-05", &["RS.CO-03"]),
    ("RS.AN-01", &["RS.MA-02"]),
    ("RS.AN-02", &["RS.MA-02", "RS.MA-03", "RS.MA-04"]),
    ("RS.AN-03", &[]),
    ("RS.AN-04", &["RS.MA-03"]),
    ("RS.AN-05", &["ID.RA-08"]),
    ("RS.MI-01", &[]),
    ("RS.MI-02", &[]),
    ("RS.MI-03", &["ID.RA-06"]),
    ("RS.IM-01", &["ID.IM-03", "ID.IM-04"]),
    ("RS.IM-02", &["ID.IM-03"]),
    ("RC.RP-01", &[]),
    ("RC.IM-01", &["ID.IM-03", "ID.IM-04"]),
    ("RC.IM-02", &["ID.IM-03"]),
    ("RC.CO-01", &["RC.CO-04"]),
    ("RC.CO-02", &["RC.CO-04"]),
    ("RC.CO-03", &[]),
];
