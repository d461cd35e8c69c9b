//! `saffron fuzz --target clif-specs`: Cranelift's CLIF instruction specs
//! against the compiler's own execution.
//!
//! - [`probe`]: the specs as the verifier loads them, one query per
//!   instruction and width.
//! - [`clif_func`]: a one-instruction function per type choice.
//! - [`native`]: compiling them for this host and running them, traps caught.
//! - [`inputs`]: edge and random operands.
//! - [`judge`] (shared, [`crate::spec_fuzz::judge`]): whether the spec
//!   allows what the native code did.
//! - [`campaign`]: the driver and its report.

pub mod campaign;
pub mod clif_func;
pub mod inputs;
pub use crate::spec_fuzz::judge;
pub mod native;
pub mod probe;

pub use campaign::{run, Options, Report, SpecMismatch};
pub use probe::NotCovered;
