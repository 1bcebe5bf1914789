//! Integration tests: one binary, one module per concern (jiff's layout).
#![allow(clippy::unwrap_used)]

#[cfg(feature = "scenario")]
mod assessment;
mod budget;
#[cfg(feature = "scenario")]
mod budget_charts;
#[cfg(feature = "scenario")]
mod budget_plans;
mod budget_tail;
#[cfg(feature = "scenario")]
mod candidates;
#[cfg(feature = "scenario")]
mod charts;
mod common;
mod compound;
mod controls;
mod csf;
mod dependence;
mod determinism;
mod frequency;
#[cfg(feature = "scenario")]
mod generated;
mod layout;
#[cfg(feature = "scenario")]
mod limits;
mod magnitude;
mod monitor;
#[cfg(feature = "scenario")]
mod notebook_files;
#[cfg(feature = "scenario")]
mod parties_chart;
mod properties;
mod reference;
mod reliability;
#[cfg(feature = "scenario")]
mod roundtrip;
#[cfg(feature = "scenario")]
mod scenario;
#[cfg(feature = "scenario")]
mod text_report;
