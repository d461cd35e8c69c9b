//! 128-bit SIMD and relaxed-SIMD numerics (owner: sem-simd).
//!
//! Lane layout: little-endian, lane 0 occupies the least significant bits of the `u128`.

use wasmparser::Operator;

/// The numeric function of a pure SIMD instruction, or `None` if `op` is not one.
pub fn lookup(op: &Operator) -> Option<super::NumericFn> {
    let _ = op;
    None
}
