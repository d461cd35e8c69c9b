//! Differential fuzzing harness: Saffron's semantics against wasmtime
//! (Cranelift) and wasmi.
//!
//! - [`engines`]: the [`engines::Engine`] trait and its three implementations.
//! - [`generate`]: wasm-smith configuration and argument generation.
//! - [`nan_oracle`]: the spec's NaN rule, checked inside generated modules.
//! - [`rewrite`]: the NaN oracle pass, minimiser passes.
//! - [`diff`]: running one module everywhere and judging ([`diff::Verdict`]).
//! - [`targets`]: fuzz target bodies shared by cargo-fuzz and `saffron fuzz`.
//! - [`clif_specs`] (feature `clif-specs`): CLIF instruction specs against
//!   natively compiled one-instruction functions.
//! - [`isa_specs`] (feature `isa-specs`): Saffron's x64 instruction specs
//!   against the CPU running each assembled instruction.
//! - [`spec_fuzz`]: what the two spec fuzzers share (judging, forked runs).
//! - [`campaign`], [`minimize`]: the stable driver behind `saffron fuzz`.
pub mod campaign;
#[cfg(feature = "clif-specs")]
pub mod clif_specs;
#[cfg(feature = "isa-specs")]
pub mod isa_specs;
#[cfg(feature = "clif-specs")]
pub mod spec_fuzz;
pub mod diff;
pub mod engines;
pub mod generate;
pub mod minimize;
pub mod module_info;
pub mod nan_oracle;
pub mod rewrite;
pub mod targets;
pub mod value;

pub use campaign::{CampaignOptions, CampaignReport, Finding};
pub use diff::{Differ, Mismatch, Verdict};
