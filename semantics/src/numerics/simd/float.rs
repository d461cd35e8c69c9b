//! Float lane operations and the vector conversions.
//!
//! Lane arithmetic is exactly the scalar definition applied per lane (`shape.map`/`shape.zip` with
//! a scalar `f32.*`/`f64.*` function). Only the operators without a scalar counterpart are defined
//! here: `pmin`/`pmax` (in terms of the scalar `lt`) and the lane-shuffling conversions.

use super::lanes::{Shape, X32, X64};
use super::{BinFn, UnFn};
use crate::numerics::NumResult;

/// Lane-wise float comparison: the scalar predicate (i32 0/1) becomes a lane mask.
pub fn compare(shape: Shape, a: u128, b: u128, op: BinFn) -> NumResult {
    shape.zip(a, b, |x, y| Ok(shape.bool_mask(op(x, y)?)))
}

/// `pmin(a, b) = b < a ? b : a` (pseudo-minimum, C++ `std::min` semantics, no NaN rules).
pub fn pmin(shape: Shape, a: u128, b: u128, lt: BinFn) -> NumResult {
    shape.zip(a, b, |x, y| Ok(if lt(y, x)? & 1 != 0 { y } else { x }))
}

/// `pmax(a, b) = a < b ? b : a`.
pub fn pmax(shape: Shape, a: u128, b: u128, lt: BinFn) -> NumResult {
    shape.zip(a, b, |x, y| Ok(if lt(x, y)? & 1 != 0 { y } else { x }))
}

/// A lane-count preserving conversion between two 32-bit-lane shapes (`i32x4 <-> f32x4`).
pub fn convert_x32(a: u128, op: UnFn) -> NumResult {
    X32.map(a, op)
}

/// Converts the two 64-bit lanes with `op` into the low two 32-bit lanes; the upper two are zero
/// (`trunc_sat_f64x2_*_zero`, `demote_f64x2_zero`).
pub fn convert_x64_to_low_x32(a: u128, op: UnFn) -> NumResult {
    X32.try_pack([op(X64.lane(a, 0)), op(X64.lane(a, 1))])
}

/// Converts the low two 32-bit lanes with `op` into two 64-bit lanes
/// (`convert_low_i32x4_*`, `promote_low_f32x4`).
pub fn convert_low_x32_to_x64(a: u128, op: UnFn) -> NumResult {
    X64.try_pack([op(X32.lane(a, 0)), op(X32.lane(a, 1))])
}
