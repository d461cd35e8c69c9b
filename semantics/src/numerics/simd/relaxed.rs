//! Relaxed SIMD: one fixed, deterministic choice among the behaviours the spec allows.
//!
//! Chosen behaviour: the wasm 3.0 *deterministic profile* (every relaxation parameter 0), i.e.
//! * `relaxed_swizzle`       = `i8x16.swizzle` (out-of-range indices give 0);
//! * `relaxed_trunc*`        = the matching `trunc_sat` (NaN -> 0, saturating);
//! * `relaxed_laneselect`    = `v128.bitselect` (bitwise select on the whole mask);
//! * `relaxed_min`/`max`     = `f32x4.min`/`max`, `f64x2.min`/`max` (NaN-propagating, -0 < +0);
//! * `relaxed_q15mulr_s`     = `i16x8.q15mulr_sat_s` (saturating);
//! * `relaxed_madd`/`nmadd`  = UNFUSED: `fadd(fmul(a, b), c)` and `fadd(fmul(fneg(a), b), c)`,
//!   two roundings, each step the scalar definition;
//! * `relaxed_dot_*`         = both operands signed (the i7 operand is read as i8), products
//!   summed pairwise into i16 with signed saturation (`add_sat_s`); the `_add` form then
//!   sign-extends the two i16 sums, adds them and the i32 accumulator lane, wrapping in i32.

use super::int::sat_s;
use super::lanes::{Shape, X16, X32, X8};
use super::scalar as sc;
use super::{BinFn, UnFn};
use crate::numerics::NumResult;

/// `relaxed_madd(a, b, c) = a * b + c` per lane, unfused (the product is rounded first).
pub fn madd(shape: Shape, a: u128, b: u128, c: u128, mul: BinFn, add: BinFn) -> NumResult {
    shape.zip3(a, b, c, |x, y, z| add(mul(x, y)?, z))
}

/// `relaxed_nmadd(a, b, c) = relaxed_madd(-a, b, c)` per lane (the spec's definition), unfused.
pub fn nmadd(
    shape: Shape,
    a: u128,
    b: u128,
    c: u128,
    mul: BinFn,
    neg: UnFn,
    add: BinFn,
) -> NumResult {
    shape.zip3(a, b, c, |x, y, z| add(mul(neg(x)?, y)?, z))
}

/// The i16 lane `i` of `i16x8.relaxed_dot_i8x16_i7x16_s`:
/// `sat_s16(a[2i]*b[2i] + a[2i+1]*b[2i+1])` with every byte read as signed.
fn dot_pair(a: u128, b: u128, i: usize) -> NumResult {
    let prod = |j: usize| {
        sc::i32::mul(
            X8.sext_to(X8.lane(a, j), X32),
            X8.sext_to(X8.lane(b, j), X32),
        )
    };
    let sum = sc::i32::add(prod(2 * i)?, prod(2 * i + 1)?)?;
    Ok(sat_s(X16, X32.signed(sum)))
}

/// `i16x8.relaxed_dot_i8x16_i7x16_s`.
pub fn dot_i8x16_i7x16_s(a: u128, b: u128) -> NumResult {
    X16.try_pack((0..8).map(|i| dot_pair(a, b, i)))
}

/// `i32x4.relaxed_dot_i8x16_i7x16_add_s`: lane `i` is `dot16[2i] + dot16[2i+1] + c[i]` (wrapping).
pub fn dot_i8x16_i7x16_add_s(a: u128, b: u128, c: u128) -> NumResult {
    X32.try_pack((0..4).map(|i| {
        let lo = X16.sext_to(dot_pair(a, b, 2 * i)?, X32);
        let hi = X16.sext_to(dot_pair(a, b, 2 * i + 1)?, X32);
        sc::i32::add(sc::i32::add(lo, hi)?, X32.lane(c, i))
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn i8s(v: &[i8]) -> u128 {
        X8.pack(v.iter().map(|&x| x as u8 as u128))
    }

    #[test]
    fn dot_matches_the_suite_examples() {
        let a = i8s(&[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
        let r = dot_i8x16_i7x16_s(a, a).unwrap();
        assert_eq!(r, X16.pack([1, 13, 41, 85, 145, 221, 313, 421]));
        let r = dot_i8x16_i7x16_add_s(a, a, X32.pack([0, 1, 2, 3])).unwrap();
        assert_eq!(r, X32.pack([14, 127, 368, 737]));
        // The i7 operand with its top bit set: signed x signed.
        let r = dot_i8x16_i7x16_s(i8s(&[-128, -128]), i8s(&[-127, -127])).unwrap();
        assert_eq!(r, 32512);
        // -128 * -128 * 2 = 32768 saturates.
        let r = dot_i8x16_i7x16_s(i8s(&[-128, -128]), i8s(&[-128, -128])).unwrap();
        assert_eq!(r, 32767);
    }

    #[test]
    fn madd_rounds_twice() {
        // (1 + 2^-23)^2 - 1 - 2^-22: the exact answer is 2^-46, the unfused one is 0.
        let x = (1.0f32 + f32::EPSILON).to_bits() as u128;
        let c = (-(1.0f32 + 2.0 * f32::EPSILON)).to_bits() as u128;
        let r = madd(X32, x, x, c, sc::f32::mul, sc::f32::add).unwrap();
        assert_eq!(r, 0);
        let r = nmadd(
            X32,
            x,
            x,
            (1.0f32 + 2.0 * f32::EPSILON).to_bits() as u128,
            sc::f32::mul,
            sc::f32::neg,
            sc::f32::add,
        )
        .unwrap();
        assert_eq!(r, 0);
    }
}
