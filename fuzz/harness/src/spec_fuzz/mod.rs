//! What the two spec fuzzers share (`clif-specs`: CLIF instruction specs
//! against code Cranelift compiles; `isa-specs`: x64 instruction specs
//! against the CPU running the assembled instruction):
//!
//! - [`judge`]: whether the spec allows what the native code did, by the
//!   verifier's concrete evaluator (the solver where that does not settle it);
//! - [`fork`]: running native code on a batch of inputs in forked children,
//!   so that a trap is an outcome, never the end of the run.

pub mod fork;
pub mod judge;

/// An instruction (or term) the fuzzer does not run, and why.
#[derive(Clone, Debug, serde::Serialize)]
pub struct NotCovered {
    pub inst: String,
    pub reason: String,
}
