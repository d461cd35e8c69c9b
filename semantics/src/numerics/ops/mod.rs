//! Scalar numeric instructions, listed once ([`table`]) and turned by generator macros into
//! the raw-bits functions the interpreter calls ([`raw`]) and the inline forms of the hottest
//! ones ([`Hot`]). The generic instruction mapping [`instr::apply`](super::instr::apply) is
//! generated from the same table.

mod hot;
mod raw;
pub(crate) mod table;

pub use hot::Hot;
pub(crate) use raw::lookup_scalar;
