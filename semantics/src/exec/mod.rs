//! Execution (spec §4): runtime structure, instantiation and evaluation.
pub mod code;
pub(crate) mod eval;
pub(crate) mod gc;
pub(crate) mod memory;
mod instantiate;
pub mod store;
pub mod trap;
pub(crate) mod translate;
pub(crate) mod types;
pub mod value;
