//! The translated form of one function body or constant expression.

use super::{BrTarget, Handler, Instr};
use crate::syntax::types::RefType;

/// A translated function body or constant expression.
#[derive(Debug, Clone, Default)]
pub struct Code {
    pub instrs: Vec<Instr>,
    /// Stack-form instructions run through `Instr::Stacked` (the cold ones).
    pub stacked: Vec<Instr>,
    pub br_tables: Vec<BrTarget>,
    pub imms: Vec<u128>,
    /// Cast targets (heap type indices are module type indices).
    pub ref_types: Vec<RefType>,
    /// `try_table` regions, outermost first in order of their start.
    pub handlers: Vec<Handler>,
    pub num_params: u32,
    pub num_results: u32,
    /// Initial bits of the registers after the parameters: the declared locals' defaults,
    /// then the function's constants (which live in registers so operands need no
    /// immediate forms).
    pub frame_init: Vec<u128>,
    /// Registers the frame uses: parameters, `frame_init`, then the operand-stack slots.
    pub frame_size: u32,
}
