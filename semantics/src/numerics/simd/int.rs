//! Integer lane operations.
//!
//! Lane arithmetic that has a scalar counterpart is the scalar definition at the lane width
//! (`i8`/`i16`/`i32`/`i64`, see [`super::scalar`]), applied with `Shape::zip`/`map` or the
//! helpers below. What is genuinely vector-only (saturation, narrowing, widening, bitmasks, ...)
//! is defined here; where such an operator needs exact intermediate values it computes them
//! with the scalar i32/i64 definitions on extended lanes, where no wrap-around can occur.

use super::lanes::{Shape, X16, X32};
use super::scalar as sc;
use super::BinFn;
use crate::numerics::NumResult;

/// How a lane is extended to a wider integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ext {
    Zero,
    Sign,
}

/// Raw lane bits of `shape` extended to raw `to`-bit bits.
fn extend(shape: Shape, x: u128, ext: Ext, to: Shape) -> u128 {
    match ext {
        Ext::Zero => x,
        Ext::Sign => shape.sext_to(x, to),
    }
}

/// Lane-wise comparison: the scalar predicate (0/1) becomes a lane mask.
pub fn compare(shape: Shape, a: u128, b: u128, op: BinFn) -> NumResult {
    shape.zip(a, b, |x, y| Ok(shape.bool_mask(op(x, y)?)))
}

/// `pick(x, y) ? x : y` per lane; with `lt`/`gt` predicates this is min/max.
pub fn select_by(shape: Shape, a: u128, b: u128, pick: BinFn) -> NumResult {
    shape.zip(a, b, |x, y| Ok(if pick(x, y)? & 1 != 0 { x } else { y }))
}

/// Lane-wise negation `0 - x` with the lane-width `sub`.
pub fn neg(shape: Shape, a: u128, sub: BinFn) -> NumResult {
    shape.map(a, |x| sub(0, x))
}

/// Lane-wise absolute value: `x <s 0 ? 0 - x : x` (so `abs(MIN) = MIN`, as the spec says).
pub fn abs(shape: Shape, a: u128, lt_s: BinFn, sub: BinFn) -> NumResult {
    shape.map(a, |x| {
        if lt_s(x, 0)? & 1 != 0 {
            sub(0, x)
        } else {
            Ok(x)
        }
    })
}

/// Shifts every lane by the i32 operand `k` modulo the lane width, with the lane-width shift.
pub fn shift(shape: Shape, a: u128, k: u128, op: BinFn) -> NumResult {
    let amount = (k as u32 % shape.bits) as u128;
    shape.map(a, |x| op(x, amount))
}

/// Signed saturation `sat_s` of an integer to `shape`'s lane width (raw lane bits).
pub fn sat_s(shape: Shape, v: i128) -> u128 {
    let max = (1i128 << (shape.bits - 1)) - 1;
    let min = -(1i128 << (shape.bits - 1));
    (v.clamp(min, max) as u128) & shape.mask()
}

/// Unsigned saturation `sat_u` of an integer to `shape`'s lane width.
pub fn sat_u(shape: Shape, v: i128) -> u128 {
    v.clamp(0, shape.mask() as i128) as u128
}

/// Saturating add/sub for 8/16-bit lanes: computed exactly in the i32 carrier (no wrap possible),
/// then clamped (`add_sat_s`, `add_sat_u`, `sub_sat_s`, `sub_sat_u`).
pub fn saturating(shape: Shape, ext: Ext, a: u128, b: u128, op: BinFn) -> NumResult {
    debug_assert!(shape.bits <= 16);
    shape.zip(a, b, |x, y| {
        let exact = X32.signed(op(extend(shape, x, ext, X32), extend(shape, y, ext, X32))?);
        Ok(match ext {
            Ext::Sign => sat_s(shape, exact),
            Ext::Zero => sat_u(shape, exact),
        })
    })
}

/// `avgr_u`: `(x + y + 1) / 2` on zero-extended 8/16-bit lanes, exact in i32.
pub fn avgr_u(shape: Shape, a: u128, b: u128) -> NumResult {
    shape.zip(a, b, |x, y| {
        sc::i32::shr_u(sc::i32::add(sc::i32::add(x, y)?, 1)?, 1)
    })
}

/// `i16x8.q15mulr_sat_s`: `sat_s16((x * y + 2^14) >> 15)` on signed lanes.
pub fn q15mulr_sat_s(a: u128, b: u128) -> NumResult {
    X16.zip(a, b, |x, y| {
        let product = sc::i32::mul(X16.sext_to(x, X32), X16.sext_to(y, X32))?;
        let rounded = sc::i32::shr_s(sc::i32::add(product, 0x4000)?, 15)?;
        Ok(sat_s(X16, X32.signed(rounded)))
    })
}

/// `all_true`: i32 1 iff every lane is non-zero.
pub fn all_true(shape: Shape, a: u128) -> NumResult {
    Ok((0..shape.count()).all(|i| shape.lane(a, i) != 0) as u128)
}

/// `bitmask`: bit `i` of the i32 result is the sign bit of lane `i`.
pub fn bitmask(shape: Shape, a: u128) -> NumResult {
    Ok((0..shape.count())
        .map(|i| (shape.lane(a, i) >> (shape.bits - 1)) << i)
        .fold(0, |acc, bit| acc | bit))
}

/// `narrow_s`/`narrow_u` from `wide` lanes: lanes of `a` then of `b`, each saturated (signed
/// input interpretation in both cases) to the half-width lane.
pub fn narrow(wide: Shape, ext: Ext, a: u128, b: u128) -> NumResult {
    let narrow = Shape {
        bits: wide.bits / 2,
    };
    let sat = |v: i128| match ext {
        Ext::Sign => sat_s(narrow, v),
        Ext::Zero => sat_u(narrow, v),
    };
    let lanes_of = |v: u128| (0..wide.count()).map(move |i| wide.lane_signed(v, i));
    Ok(narrow.pack(lanes_of(a).chain(lanes_of(b)).map(sat)))
}

/// `extend_low`/`extend_high` of `narrow` lanes to lanes twice as wide.
pub fn extend_half(narrow: Shape, ext: Ext, high: bool, a: u128) -> NumResult {
    let wide = Shape {
        bits: narrow.bits * 2,
    };
    Ok(narrow.widen_half(a, high, |x| match ext {
        Ext::Zero => x,
        Ext::Sign => narrow.sext_to(x, wide),
    }))
}

/// `extmul_low`/`extmul_high`: extend half of each operand, multiply with the wide lanes' scalar
/// `mul` (the exact product always fits the wide lane, so wrapping `mul` is exact).
pub fn extmul(narrow: Shape, ext: Ext, high: bool, a: u128, b: u128, mul: BinFn) -> NumResult {
    let wide = Shape {
        bits: narrow.bits * 2,
    };
    let wa = extend_half(narrow, ext, high, a)?;
    let wb = extend_half(narrow, ext, high, b)?;
    wide.zip(wa, wb, mul)
}

/// `extadd_pairwise` (8/16-bit lanes): wide lane `i` is `ext(a[2i]) + ext(a[2i+1])`, exact in i32.
pub fn extadd_pairwise(narrow: Shape, ext: Ext, a: u128) -> NumResult {
    let wide = Shape {
        bits: narrow.bits * 2,
    };
    wide.try_pack((0..wide.count()).map(|i| {
        let lo = extend(narrow, narrow.lane(a, 2 * i), ext, X32);
        let hi = extend(narrow, narrow.lane(a, 2 * i + 1), ext, X32);
        sc::i32::add(lo, hi)
    }))
}

/// `i32x4.dot_i16x8_s`: `a[2i]*b[2i] + a[2i+1]*b[2i+1]` on signed lanes, wrapping in i32.
pub fn dot_i16x8_s(a: u128, b: u128) -> NumResult {
    X32.try_pack((0..4).map(|i| {
        let prod = |j: usize| {
            sc::i32::mul(
                X16.sext_to(X16.lane(a, j), X32),
                X16.sext_to(X16.lane(b, j), X32),
            )
        };
        sc::i32::add(prod(2 * i)?, prod(2 * i + 1)?)
    }))
}

#[cfg(test)]
mod tests {
    use super::super::lanes::X8;
    use super::*;

    fn i8s(v: [i8; 16]) -> u128 {
        X8.pack(v.iter().map(|&x| x as u8 as u128))
    }
    fn i16s(v: [i16; 8]) -> u128 {
        X16.pack(v.iter().map(|&x| x as u16 as u128))
    }
    fn i32s(v: [i32; 4]) -> u128 {
        X32.pack(v.iter().map(|&x| x as u32 as u128))
    }

    #[test]
    fn saturating_add_clamps_both_ways() {
        let a = i8s([127, -128, 100, -100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
        let b = i8s([1, -1, 100, -100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
        let r = saturating(X8, Ext::Sign, a, b, sc::i32::add).unwrap();
        assert_eq!(
            r,
            i8s([127, -128, 127, -128, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2])
        );
        let r = saturating(X8, Ext::Zero, a, b, sc::i32::sub).unwrap();
        // 127-1, 0x80-0xff -> 0, 100-100, 0x9c-0x9c
        assert_eq!(X8.lane(r, 0), 126);
        assert_eq!(X8.lane(r, 1), 0);
        let r = saturating(X16, Ext::Zero, i16s([-1; 8]), i16s([1; 8]), sc::i32::add).unwrap();
        assert_eq!(r, u128::MAX);
    }

    #[test]
    fn narrowing_saturates_with_signed_input() {
        let a = i16s([300, -300, 127, -128, 255, 256, -1, 0]);
        let s = narrow(X16, Ext::Sign, a, 0).unwrap();
        assert_eq!(
            s & u64::MAX as u128,
            i8s([127, -128, 127, -128, 127, 127, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        );
        let u = narrow(X16, Ext::Zero, a, a).unwrap();
        let expect = [255u8, 0, 127, 0, 255, 255, 0, 0];
        for i in 0..16 {
            assert_eq!(X8.lane(u, i), expect[i % 8] as u128, "lane {i}");
        }
    }

    #[test]
    fn bitmask_and_all_true() {
        let v = i32s([-1, 0, -5, 7]);
        assert_eq!(bitmask(X32, v).unwrap(), 0b0101);
        assert_eq!(all_true(X32, v).unwrap(), 0);
        assert_eq!(all_true(X32, i32s([1, 2, 3, -4])).unwrap(), 1);
        assert_eq!(bitmask(X8, u128::MAX).unwrap(), 0xffff);
    }

    #[test]
    fn abs_of_min_is_min_and_shift_is_modulo_lane_width() {
        let v = i8s([-128, -1, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        let r = abs(X8, v, sc::i8::lt_s, sc::i8::sub).unwrap();
        assert_eq!(r, i8s([-128, 1, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
        let one = i8s([1; 16]);
        assert_eq!(shift(X8, one, 9, sc::i8::shl).unwrap(), i8s([2; 16]));
        assert_eq!(
            shift(X8, i8s([-128; 16]), 7, sc::i8::shr_s).unwrap(),
            i8s([-1; 16])
        );
        assert_eq!(
            shift(X8, i8s([-128; 16]), 15, sc::i8::shr_u).unwrap(),
            i8s([1; 16])
        );
    }

    #[test]
    fn q15_rounds_and_saturates() {
        let r = q15mulr_sat_s(
            i16s([-32768, 16384, 1, 0, 0, 0, 0, 0]),
            i16s([-32768, 16384, 16384, 0, 0, 0, 0, 0]),
        )
        .unwrap();
        assert_eq!(r, i16s([32767, 8192, 1, 0, 0, 0, 0, 0]));
    }

    #[test]
    fn dot_wraps_on_the_single_overflow() {
        let r = dot_i16x8_s(i16s([-32768; 8]), i16s([-32768; 8])).unwrap();
        assert_eq!(r, i32s([i32::MIN; 4]));
        let r = dot_i16x8_s(
            i16s([1, 2, 3, 4, 5, 6, 7, 8]),
            i16s([1, 1, 1, 1, 1, 1, -1, -1]),
        )
        .unwrap();
        assert_eq!(r, i32s([3, 7, 11, -15]));
    }

    #[test]
    fn extmul_and_extadd() {
        let a = i8s([-128, 2, 3, 4, 5, 6, 7, 8, -1, -2, -3, -4, -5, -6, -7, -8]);
        let hi = extmul(X8, Ext::Sign, true, a, a, sc::i16::mul).unwrap();
        assert_eq!(hi, i16s([1, 4, 9, 16, 25, 36, 49, 64]));
        let lo = extmul(X8, Ext::Zero, false, a, a, sc::i16::mul).unwrap();
        assert_eq!(X16.lane(lo, 0), 128 * 128);
        let p = extadd_pairwise(X8, Ext::Sign, a).unwrap();
        assert_eq!(p, i16s([-126, 7, 11, 15, -3, -7, -11, -15]));
        let p = extadd_pairwise(X16, Ext::Zero, i16s([-1; 8])).unwrap();
        assert_eq!(p, X32.splat(0x1fffe));
    }
}
