//! `ir::Query` -> Z3 terms (z3 crate 0.22, thread-local context).
//!
//! Floats live in the IR as IEEE bit patterns (bitvectors of width 32/64).
//! Arithmetic on them goes through Z3's floating-point theory: the operand
//! bits become a float with `to_fp` (total: every NaN pattern maps to NaN),
//! and a float result becomes bits through a fresh *witness* bitvector `w`
//! constrained by `to_fp(w) = result` (structural equality: exact for every
//! non-NaN value, any NaN pattern for NaN, which is how Wasm and Cranelift
//! treat NaN payloads). Out-of-range float-to-int conversions are likewise a
//! witness. Witnesses are keyed by canonical expression id (see [`dag`]) so
//! replay can reuse the solver's choice.
//!
//! Sign manipulation (`fneg`, `fabs`) and `fmin`/`fmax` selection are plain
//! bit operations, as IEEE 754 defines them, so they keep payloads exactly.

pub mod alias;
mod entry;
pub mod factor;
mod facts;
pub mod linear;
pub mod narrow;
mod lemmas;
pub mod rotate;
pub mod shift;
pub(crate) mod simplify;
mod terms;
mod translate;
mod translate_fp;
mod types;
pub mod uninterpreted;

pub use entry::{encode, encode_as, encode_pinned, encode_with, has_rounding_operations};
pub(crate) use facts::{asserted_equations, determined_vars_from};
pub use types::{EncodeError, Encoded, Facts, FloatEncoding, Pin, Term};
