//! Execution (spec §4): runtime structure, instantiation and evaluation.
pub mod code;
pub(crate) mod eval;
pub(crate) mod gc;
mod instantiate;
pub(crate) mod memory;
pub mod store;
pub(crate) mod translate;
pub mod trap;
pub(crate) mod types;
pub mod value;
