//! `saffron fuzz --target isa-specs --unit x64`: Saffron's x64 instruction
//! specs against this CPU (an x86-64).
//!
//! - [`forms`]: the assembler's instruction forms (generated from its meta
//!   crate by `build.rs`) and the host's CPU features.
//! - [`probe`]: the specs as the verifier loads them, one query per form
//!   and type instance.
//! - [`runnable`]: encoded instances (registers, immediates) and their inputs.
//! - [`machine`]: the stub that loads registers and flags, runs the
//!   instruction and stores them back, in an executable mapping.
//! - [`campaign`]: the driver, the minimiser and the report.
//!
//! Judging is shared with `clif-specs` ([`crate::spec_fuzz`]).

pub mod campaign;
pub mod forms;
pub mod machine;
pub mod probe;
pub mod runnable;

pub use campaign::{run, IsaMismatch, Options, Report};
pub use probe::NotCovered;
