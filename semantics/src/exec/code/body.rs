//! The translated form of one function body or constant expression.

use super::{BrTarget, Handler, Instr};
use crate::syntax::types::RefType;

/// A translated function body or constant expression.
#[derive(Debug, Clone, Default)]
pub struct Code {
    pub instrs: Vec<Instr>,
    pub br_tables: Vec<BrTarget>,
    pub imms: Vec<u128>,
    /// Cast targets (heap type indices are module type indices).
    pub ref_types: Vec<RefType>,
    /// `try_table` regions, outermost first in order of their start.
    pub handlers: Vec<Handler>,
    pub num_params: u32,
    pub num_results: u32,
    /// Initial bits of the declared (non-parameter) locals.
    pub local_defaults: Vec<u128>,
}
