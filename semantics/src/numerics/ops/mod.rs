//! Scalar numeric instructions, listed once ([`table`]) and turned by generator macros into
//! the raw-bits functions the interpreter calls ([`raw`]) and, for the hottest rows, the
//! evaluator's own instructions (`exec::code::Instr`) and their inline evaluation. The generic instruction mapping [`instr::apply`](super::instr::apply) is
//! generated from the same table.

pub(crate) mod raw;
pub(crate) mod table;

pub(crate) use raw::lookup_scalar;
