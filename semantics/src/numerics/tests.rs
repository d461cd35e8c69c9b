//! Tests of the scalar numerics: proptests against Rust's own operators where Rust and Wasm agree,
//! exhaustive 8-bit checks of the generic integer code, and the spec's corner cases.

use super::concrete::Concrete;
use super::concrete::{
    convert as cv, f32 as cf32, f64 as cf64, i32 as ci32, i64 as ci64, i8 as ci8,
};
use super::instr::{apply, Applied, Val};
use super::{lookup, NumResult, NumTrap, NumericFn};
use proptest::prelude::*;
use wasmparser::Operator as O;

const CANON32: u32 = 0x7fc0_0000;
const CANON64: u64 = 0x7ff8_0000_0000_0000;

fn is_canonical32(bits: u32) -> bool {
    bits & 0x7fff_ffff == CANON32
}
fn is_canonical64(bits: u64) -> bool {
    bits & 0x7fff_ffff_ffff_ffff == CANON64
}
fn is_arithmetic32(bits: u32) -> bool {
    f32::from_bits(bits).is_nan() && bits & CANON32 == CANON32
}
fn is_arithmetic64(bits: u64) -> bool {
    f64::from_bits(bits).is_nan() && bits & CANON64 == CANON64
}

/// Floats biased toward the interesting encodings: zeros, infinities, NaNs, boundaries.
fn any_f32() -> impl Strategy<Value = u32> {
    prop_oneof![
        any::<u32>(),
        prop::sample::select(vec![
            0,
            0x8000_0000,
            0x7f80_0000,
            0xff80_0000,
            CANON32,
            0xffc0_0000,
            0x7fa0_0000,
            0x7f80_0001,
            0x3f00_0000,
            0xbf00_0000,
            0x3fc0_0000,
            0x4f00_0000,
            0xcf00_0000,
            0x0000_0001,
            0x8000_0001,
            0x7f7f_ffff,
            0x4b00_0000,
            0x4b00_0001,
        ]),
    ]
}
fn any_f64() -> impl Strategy<Value = u64> {
    prop_oneof![
        any::<u64>(),
        prop::sample::select(vec![
            0,
            0x8000_0000_0000_0000,
            0x7ff0_0000_0000_0000,
            0xfff0_0000_0000_0000,
            CANON64,
            0xfff8_0000_0000_0000,
            0x7ff4_0000_0000_0000,
            0x7ff0_0000_0000_0001,
            0x3fe0_0000_0000_0000,
            0xbfe0_0000_0000_0000,
            0x41e0_0000_0000_0000,
            0xc1e0_0000_0020_0000,
            0x43e0_0000_0000_0000,
            0x4330_0000_0000_0001,
            1,
        ]),
    ]
}

// ---------------------------------------------------------------- integers

proptest! {
    #[test]
    fn i32_arith_matches_rust(a: u32, b: u32) {
        prop_assert_eq!(ci32::add(a, b), a.wrapping_add(b));
        prop_assert_eq!(ci32::sub(a, b), a.wrapping_sub(b));
        prop_assert_eq!(ci32::mul(a, b), a.wrapping_mul(b));
        prop_assert_eq!(ci32::and(a, b), a & b);
        prop_assert_eq!(ci32::or(a, b), a | b);
        prop_assert_eq!(ci32::xor(a, b), a ^ b);
        prop_assert_eq!(ci32::shl(a, b), a.wrapping_shl(b));
        prop_assert_eq!(ci32::shr_u(a, b), a.wrapping_shr(b));
        prop_assert_eq!(ci32::shr_s(a, b), (a as i32).wrapping_shr(b) as u32);
        prop_assert_eq!(ci32::rotl(a, b), a.rotate_left(b % 32));
        prop_assert_eq!(ci32::rotr(a, b), a.rotate_right(b % 32));
        prop_assert_eq!(ci32::clz(a), a.leading_zeros());
        prop_assert_eq!(ci32::ctz(a), a.trailing_zeros());
        prop_assert_eq!(ci32::popcnt(a), a.count_ones());
        prop_assert_eq!(ci32::lt_s(a, b), (a as i32) < (b as i32));
        prop_assert_eq!(ci32::ge_u(a, b), a >= b);
        prop_assert_eq!(ci32::extend_s(a, 8), a as i8 as i32 as u32);
        prop_assert_eq!(ci32::extend_s(a, 16), a as i16 as i32 as u32);
    }

    #[test]
    fn i64_arith_matches_rust(a: u64, b: u64) {
        prop_assert_eq!(ci64::add(a, b), a.wrapping_add(b));
        prop_assert_eq!(ci64::mul(a, b), a.wrapping_mul(b));
        prop_assert_eq!(ci64::shl(a, b), a.wrapping_shl(b as u32));
        prop_assert_eq!(ci64::shr_s(a, b), (a as i64).wrapping_shr(b as u32) as u64);
        prop_assert_eq!(ci64::rotr(a, b), a.rotate_right((b % 64) as u32));
        prop_assert_eq!(ci64::clz(a), u64::from(a.leading_zeros()));
        prop_assert_eq!(ci64::ctz(a), u64::from(a.trailing_zeros()));
        prop_assert_eq!(ci64::popcnt(a), u64::from(a.count_ones()));
        prop_assert_eq!(ci64::le_s(a, b), (a as i64) <= (b as i64));
        prop_assert_eq!(ci64::gt_u(a, b), a > b);
        prop_assert_eq!(ci64::extend_s(a, 32), a as i32 as i64 as u64);
    }

    #[test]
    fn i64_division_matches_checked_ops(a: u64, b in prop_oneof![any::<u64>(), Just(0), Just(u64::MAX), 1u64..8]) {
        let (sa, sb) = (a as i64, b as i64);
        let zero = if b == 0 { Some(NumTrap::DivideByZero) } else { None };
        prop_assert_eq!(ci64::div_u(a, b), a.checked_div(b).ok_or(NumTrap::DivideByZero));
        prop_assert_eq!(ci64::rem_u(a, b), a.checked_rem(b).ok_or(NumTrap::DivideByZero));
        let div_s = sa.checked_div(sb).map(|q| q as u64).ok_or(zero.unwrap_or(NumTrap::Overflow));
        prop_assert_eq!(ci64::div_s(a, b), div_s);
        let rem_s = if b == 0 { Err(NumTrap::DivideByZero) } else { Ok(sa.wrapping_rem(sb) as u64) };
        prop_assert_eq!(ci64::rem_s(a, b), rem_s);
    }
}

/// The generic integer code at width 8, against i8/u8 arithmetic on all operand pairs.
#[test]
fn i8_exhaustive() {
    for a in 0..=u8::MAX {
        for b in 0..=u8::MAX {
            let (sa, sb) = (a as i8, b as i8);
            assert_eq!(ci8::add(a, b), a.wrapping_add(b));
            assert_eq!(ci8::mul(a, b), a.wrapping_mul(b));
            assert_eq!(ci8::shl(a, b), a << (b % 8));
            assert_eq!(ci8::shr_s(a, b), (sa >> (b % 8)) as u8);
            assert_eq!(ci8::rotl(a, b), a.rotate_left(u32::from(b % 8)));
            assert_eq!(ci8::lt_s(a, b), sa < sb);
            assert_eq!(ci8::le_u(a, b), a <= b);
            let expected = match (sa.checked_div(sb), b) {
                (_, 0) => Err(NumTrap::DivideByZero),
                (None, _) => Err(NumTrap::Overflow),
                (Some(q), _) => Ok(q as u8),
            };
            assert_eq!(ci8::div_s(a, b), expected, "{a} div_s {b}");
            let expected = if b == 0 {
                Err(NumTrap::DivideByZero)
            } else {
                Ok(sa.wrapping_rem(sb) as u8)
            };
            assert_eq!(ci8::rem_s(a, b), expected, "{a} rem_s {b}");
            assert_eq!(
                ci8::div_u(a, b),
                a.checked_div(b).ok_or(NumTrap::DivideByZero)
            );
            assert_eq!(
                ci8::rem_u(a, b),
                a.checked_rem(b).ok_or(NumTrap::DivideByZero)
            );
        }
    }
}

#[test]
fn integer_corner_cases() {
    assert_eq!(ci32::div_s(0x8000_0000, u32::MAX), Err(NumTrap::Overflow));
    assert_eq!(ci32::div_s(0x8000_0000, 0), Err(NumTrap::DivideByZero));
    assert_eq!(ci32::rem_s(0x8000_0000, u32::MAX), Ok(0));
    assert_eq!(ci32::rem_s(-7i32 as u32, 2), Ok(-1i32 as u32));
    assert_eq!(ci32::div_s(-7i32 as u32, 2), Ok(-3i32 as u32));
    assert_eq!(ci64::div_s(1 << 63, u64::MAX), Err(NumTrap::Overflow));
    assert_eq!(ci64::rem_u(5, 0), Err(NumTrap::DivideByZero));
    assert_eq!(ci32::shl(1, 32), 1);
    assert_eq!(ci32::shr_s(0x8000_0000, 63), u32::MAX);
    assert_eq!(ci64::rotl(0x8000_0000_0000_0001, 65), 3);
    assert_eq!(ci32::clz(0), 32);
    assert_eq!(ci64::ctz(0), 64);
    assert!(ci32::eqz(0) && !ci32::eqz(1));
    assert_eq!(ci32::extend_s(0x80, 8), 0xffff_ff80);
    assert_eq!(ci32::extend_s(0x1_7f, 8), 0x7f);
    assert_eq!(ci64::extend_s(0x8000, 16), 0xffff_ffff_ffff_8000);
}

// ---------------------------------------------------------------- floats

/// The NaN rule of the spec: canonical if no operand is a non-canonical NaN... we demand the
/// stricter concrete policy: canonical when no operand is NaN, arithmetic otherwise, and
/// canonical when every NaN operand is canonical.
fn check_nan32(result: u32, operands: &[u32]) -> Result<(), TestCaseError> {
    let nans: Vec<u32> = operands
        .iter()
        .copied()
        .filter(|o| f32::from_bits(*o).is_nan())
        .collect();
    prop_assert!(is_arithmetic32(result), "{result:#x} not an arithmetic NaN");
    if nans.iter().all(|n| is_canonical32(*n)) {
        prop_assert!(
            is_canonical32(result),
            "{result:#x} not canonical for {operands:x?}"
        );
    }
    Ok(())
}
fn check_nan64(result: u64, operands: &[u64]) -> Result<(), TestCaseError> {
    let nans: Vec<u64> = operands
        .iter()
        .copied()
        .filter(|o| f64::from_bits(*o).is_nan())
        .collect();
    prop_assert!(is_arithmetic64(result), "{result:#x} not an arithmetic NaN");
    if nans.iter().all(|n| is_canonical64(*n)) {
        prop_assert!(
            is_canonical64(result),
            "{result:#x} not canonical for {operands:x?}"
        );
    }
    Ok(())
}

/// Rust result where it is a number, the NaN rule where it is NaN.
fn agree32(ours: u32, rust: f32, operands: &[u32]) -> Result<(), TestCaseError> {
    if rust.is_nan() {
        check_nan32(ours, operands)
    } else {
        prop_assert_eq!(ours, rust.to_bits(), "operands {:x?}", operands);
        Ok(())
    }
}
fn agree64(ours: u64, rust: f64, operands: &[u64]) -> Result<(), TestCaseError> {
    if rust.is_nan() {
        check_nan64(ours, operands)
    } else {
        prop_assert_eq!(ours, rust.to_bits(), "operands {:x?}", operands);
        Ok(())
    }
}

/// Reference min: NaN if either is NaN, -0 below +0, else the smaller.
fn ref_min(a: f64, b: f64) -> Option<f64> {
    if a.is_nan() || b.is_nan() {
        None
    } else if a == 0.0 && b == 0.0 {
        Some(if a.is_sign_negative() { a } else { b })
    } else {
        Some(if a < b { a } else { b })
    }
}
fn ref_max(a: f64, b: f64) -> Option<f64> {
    ref_min(-a, -b).map(|m| -m)
}

proptest! {
    #[test]
    fn f32_matches_rust(a in any_f32(), b in any_f32()) {
        let (x, y) = (f32::from_bits(a), f32::from_bits(b));
        agree32(cf32::add(a, b), x + y, &[a, b])?;
        agree32(cf32::sub(a, b), x - y, &[a, b])?;
        agree32(cf32::mul(a, b), x * y, &[a, b])?;
        agree32(cf32::div(a, b), x / y, &[a, b])?;
        agree32(cf32::sqrt(a), x.sqrt(), &[a])?;
        agree32(cf32::ceil(a), x.ceil(), &[a])?;
        agree32(cf32::floor(a), x.floor(), &[a])?;
        agree32(cf32::trunc(a), x.trunc(), &[a])?;
        agree32(cf32::nearest(a), x.round_ties_even(), &[a])?;
        match ref_min(x as f64, y as f64) {
            Some(m) => prop_assert_eq!(cf32::min(a, b), (m as f32).to_bits()),
            None => check_nan32(cf32::min(a, b), &[a, b])?,
        }
        match ref_max(x as f64, y as f64) {
            Some(m) => prop_assert_eq!(cf32::max(a, b), (m as f32).to_bits()),
            None => check_nan32(cf32::max(a, b), &[a, b])?,
        }
        prop_assert_eq!(cf32::abs(a), a & 0x7fff_ffff);
        prop_assert_eq!(cf32::neg(a), a ^ 0x8000_0000);
        prop_assert_eq!(cf32::copysign(a, b), x.copysign(y).to_bits());
        prop_assert_eq!(cf32::eq(a, b), x == y);
        prop_assert_eq!(cf32::ne(a, b), x != y);
        prop_assert_eq!(cf32::lt(a, b), x < y);
        prop_assert_eq!(cf32::gt(a, b), x > y);
        prop_assert_eq!(cf32::le(a, b), x <= y);
        prop_assert_eq!(cf32::ge(a, b), x >= y);
    }

    #[test]
    fn f64_matches_rust(a in any_f64(), b in any_f64()) {
        let (x, y) = (f64::from_bits(a), f64::from_bits(b));
        agree64(cf64::add(a, b), x + y, &[a, b])?;
        agree64(cf64::sub(a, b), x - y, &[a, b])?;
        agree64(cf64::mul(a, b), x * y, &[a, b])?;
        agree64(cf64::div(a, b), x / y, &[a, b])?;
        agree64(cf64::sqrt(a), x.sqrt(), &[a])?;
        agree64(cf64::ceil(a), x.ceil(), &[a])?;
        agree64(cf64::floor(a), x.floor(), &[a])?;
        agree64(cf64::trunc(a), x.trunc(), &[a])?;
        agree64(cf64::nearest(a), x.round_ties_even(), &[a])?;
        match ref_min(x, y) {
            Some(m) => prop_assert_eq!(cf64::min(a, b), m.to_bits()),
            None => check_nan64(cf64::min(a, b), &[a, b])?,
        }
        match ref_max(x, y) {
            Some(m) => prop_assert_eq!(cf64::max(a, b), m.to_bits()),
            None => check_nan64(cf64::max(a, b), &[a, b])?,
        }
        prop_assert_eq!(cf64::copysign(a, b), x.copysign(y).to_bits());
        prop_assert_eq!(cf64::neg(a), a ^ (1 << 63));
        prop_assert_eq!(cf64::lt(a, b), x < y);
        prop_assert_eq!(cf64::ne(a, b), x != y);
    }
}

#[test]
fn float_corner_cases() {
    let f = |x: f32| x.to_bits();
    let d = |x: f64| x.to_bits();
    assert_eq!(cf32::nearest(f(-0.5)), f(-0.0));
    assert_eq!(cf32::nearest(f(0.5)), f(0.0));
    assert_eq!(cf32::nearest(f(2.5)), f(2.0));
    assert_eq!(cf32::nearest(f(-3.5)), f(-4.0));
    assert_eq!(cf64::nearest(d(4503599627370497.0)), d(4503599627370497.0));
    assert_eq!(cf32::ceil(f(-0.5)), f(-0.0));
    assert_eq!(cf32::floor(f(0.5)), f(0.0));
    assert_eq!(cf64::trunc(d(-0.9)), d(-0.0));
    assert_eq!(cf32::min(f(-0.0), f(0.0)), f(-0.0));
    assert_eq!(cf32::min(f(0.0), f(-0.0)), f(-0.0));
    assert_eq!(cf64::max(d(-0.0), d(0.0)), d(0.0));
    assert_eq!(cf64::max(d(0.0), d(-0.0)), d(0.0));
    // NaN operands propagate, quieted, payload and sign kept.
    assert_eq!(cf32::add(0x7fa0_0000, f(1.0)), 0x7fe0_0000);
    assert_eq!(cf32::min(f(1.0), 0xffa0_0001), 0xffe0_0001);
    assert_eq!(
        cf64::mul(0xfff8_0000_0000_0000, d(2.0)),
        0xfff8_0000_0000_0000
    );
    // Invalid operations produce the canonical NaN.
    assert_eq!(cf32::sqrt(f(-1.0)), CANON32);
    assert_eq!(
        cf64::sub(d(f64::INFINITY), d(f64::INFINITY)) & !(1 << 63),
        CANON64
    );
    assert!(is_canonical32(cf32::div(f(0.0), f(0.0))));
    // Bit operations leave NaN payloads alone (even signalling ones).
    assert_eq!(cf32::neg(0x7f80_0001), 0xff80_0001);
    assert_eq!(cf32::abs(0xff80_0001), 0x7f80_0001);
    assert_eq!(cf32::copysign(0x7f80_0001, f(-1.0)), 0xff80_0001);
    assert!(cf32::ne(CANON32, CANON32) && !cf32::eq(CANON32, CANON32));
    assert!(cf64::eq(d(0.0), d(-0.0)));
}

// ---------------------------------------------------------------- conversions

/// Reference truncation via exact 128-bit arithmetic.
fn ref_trunc(x: f64, bits: u32, signed: bool) -> Result<i128, NumTrap> {
    if x.is_nan() {
        return Err(NumTrap::InvalidConversion);
    }
    let t = x.trunc();
    let (lo, hi) = if signed {
        (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
    } else {
        (0, (1i128 << bits) - 1)
    };
    // Every float of magnitude >= 2^127 is out of every range here; below that `as` is exact.
    if t.abs() >= 2f64.powi(127) || (t as i128) < lo || (t as i128) > hi {
        return Err(NumTrap::Overflow);
    }
    Ok(t as i128)
}

proptest! {
    #[test]
    fn truncations_match_reference(a in any_f32(), b in any_f64()) {
        let x = f32::from_bits(a) as f64;
        let y = f64::from_bits(b);
        prop_assert_eq!(cv::i32_trunc_f32_s(a).map(|v| v as i32 as i128), ref_trunc(x, 32, true));
        prop_assert_eq!(cv::i32_trunc_f32_u(a).map(i128::from), ref_trunc(x, 32, false));
        prop_assert_eq!(cv::i64_trunc_f32_s(a).map(|v| v as i64 as i128), ref_trunc(x, 64, true));
        prop_assert_eq!(cv::i64_trunc_f32_u(a).map(i128::from), ref_trunc(x, 64, false));
        prop_assert_eq!(cv::i32_trunc_f64_s(b).map(|v| v as i32 as i128), ref_trunc(y, 32, true));
        prop_assert_eq!(cv::i32_trunc_f64_u(b).map(i128::from), ref_trunc(y, 32, false));
        prop_assert_eq!(cv::i64_trunc_f64_s(b).map(|v| v as i64 as i128), ref_trunc(y, 64, true));
        prop_assert_eq!(cv::i64_trunc_f64_u(b).map(i128::from), ref_trunc(y, 64, false));
    }

    /// Rust's saturating `as` casts are exactly Wasm's `trunc_sat` (NaN to 0).
    #[test]
    fn saturating_truncations_match_rust(a in any_f32(), b in any_f64()) {
        let (x, y) = (f32::from_bits(a), f64::from_bits(b));
        prop_assert_eq!(cv::i32_trunc_sat_f32_s(a), x as i32 as u32);
        prop_assert_eq!(cv::i32_trunc_sat_f32_u(a), x as u32);
        prop_assert_eq!(cv::i64_trunc_sat_f32_s(a), x as i64 as u64);
        prop_assert_eq!(cv::i64_trunc_sat_f32_u(a), x as u64);
        prop_assert_eq!(cv::i32_trunc_sat_f64_s(b), y as i32 as u32);
        prop_assert_eq!(cv::i32_trunc_sat_f64_u(b), y as u32);
        prop_assert_eq!(cv::i64_trunc_sat_f64_s(b), y as i64 as u64);
        prop_assert_eq!(cv::i64_trunc_sat_f64_u(b), y as u64);
    }

    /// int -> f32 rounds to nearest, ties to even, checked in exact integer arithmetic.
    #[test]
    fn u64_to_f32_is_correctly_rounded(v in prop_oneof![any::<u64>(), any::<u32>().prop_map(|x| u64::from(x) << 31)]) {
        let r = f32::from_bits(cv::f32_convert_i64_u(v));
        let exact = |f: f32| -> i128 { f as f64 as i128 };
        let err = |f: f32| (exact(f) - i128::from(v)).abs();
        let up = f32::from_bits(r.to_bits() + 1);
        let down = if r == 0.0 { r } else { f32::from_bits(r.to_bits() - 1) };
        prop_assert!(err(r) <= err(up) && err(r) <= err(down), "{v:#x} -> {r}");
        if err(r) == err(up) && up != r || err(r) == err(down) && down != r {
            prop_assert_eq!(r.to_bits() & 1, 0, "tie not to even for {:#x}", v);
        }
        prop_assert_eq!(cv::f32_convert_i64_s(v), (v as i64 as f32).to_bits());
        prop_assert_eq!(cv::f64_convert_i64_u(v), (v as f64).to_bits());
        prop_assert_eq!(cv::f64_convert_i32_s(v as u32), (v as u32 as i32 as f64).to_bits());
        prop_assert_eq!(cv::f32_convert_i32_u(v as u32), (v as u32 as f32).to_bits());
    }

    #[test]
    fn demote_promote(a in any_f32(), b in any_f64()) {
        let (x, y) = (f32::from_bits(a), f64::from_bits(b));
        agree64(cv::f64_promote_f32(a), x as f64, &[])?;
        agree32(cv::f32_demote_f64(b), y as f32, &[])?;
        if x.is_nan() {
            prop_assert!(is_canonical64(cv::f64_promote_f32(a)));
        }
    }
}

#[test]
fn conversion_corner_cases() {
    let f = |x: f32| x.to_bits();
    let d = |x: f64| x.to_bits();
    assert_eq!(cv::i32_trunc_f32_s(f(-2147483648.0)), Ok(0x8000_0000));
    assert_eq!(
        cv::i32_trunc_f32_s(f(-2147483904.0)),
        Err(NumTrap::Overflow)
    );
    assert_eq!(cv::i32_trunc_f32_s(f(2147483648.0)), Err(NumTrap::Overflow));
    assert_eq!(cv::i32_trunc_f32_s(f(2147483520.0)), Ok(2147483520));
    assert_eq!(cv::i32_trunc_f64_s(d(-2147483648.9)), Ok(0x8000_0000));
    assert_eq!(
        cv::i32_trunc_f64_s(d(-2147483649.0)),
        Err(NumTrap::Overflow)
    );
    assert_eq!(cv::i32_trunc_f64_u(d(-0.9)), Ok(0));
    assert_eq!(cv::i32_trunc_f64_u(d(-1.0)), Err(NumTrap::Overflow));
    assert_eq!(cv::i32_trunc_f64_u(d(4294967295.9)), Ok(u32::MAX));
    assert_eq!(cv::i32_trunc_f64_u(d(4294967296.0)), Err(NumTrap::Overflow));
    assert_eq!(cv::i64_trunc_f32_s(f(-9223372036854775808.0)), Ok(1 << 63));
    assert_eq!(
        cv::i64_trunc_f32_s(f(9223372036854775808.0)),
        Err(NumTrap::Overflow)
    );
    assert_eq!(
        cv::i64_trunc_f64_u(d(18446744073709549568.0)),
        Ok(18446744073709549568)
    );
    assert_eq!(
        cv::i64_trunc_f64_u(d(18446744073709551616.0)),
        Err(NumTrap::Overflow)
    );
    assert_eq!(
        cv::i32_trunc_f32_u(CANON32),
        Err(NumTrap::InvalidConversion)
    );
    assert_eq!(
        cv::i64_trunc_f64_s(d(f64::NEG_INFINITY)),
        Err(NumTrap::Overflow)
    );
    assert_eq!(cv::i32_trunc_sat_f32_s(0xffc0_0000), 0);
    assert_eq!(cv::i64_trunc_sat_f64_u(d(-5.0)), 0);
    assert_eq!(cv::i32_trunc_sat_f64_s(d(1e300)), i32::MAX as u32);
    // The double-rounding pitfall: via f64 this would round up to 0x1p63.
    assert_eq!(cv::f32_convert_i64_u(0x7fff_ff40_0000_0001), 0x5eff_ffff);
    assert_eq!(cv::f32_convert_i64_s(0x7fff_ff40_0000_0001), 0x5eff_ffff);
    assert_eq!(cv::f32_convert_i64_u(u64::MAX), f(18446744073709551616.0));
    assert_eq!(
        cv::f64_convert_i64_u(0x8000_0000_0000_0401),
        d(9223372036854777856.0)
    );
    assert_eq!(cv::f32_demote_f64(d(f64::MAX)), f(f32::INFINITY));
    assert_eq!(cv::f32_demote_f64(0x3690_0000_0000_0000), 0); // below half the smallest subnormal
    assert_eq!(cv::f32_demote_f64(0x7ff4_0000_0000_0000), CANON32);
    assert_eq!(cv::i64_extend_i32_s(0x8000_0000), 0xffff_ffff_8000_0000);
    assert_eq!(cv::i64_extend_i32_u(0x8000_0000), 0x8000_0000);
    assert_eq!(cv::i32_wrap_i64(0x1_2345_6789), 0x2345_6789);
}

/// The exclusive truncation bounds are the neighbours of the integer range's ends.
#[test]
fn trunc_bounds_are_tight() {
    use super::convert::*;
    let below32 = |x: f32| f32::from_bits(x.to_bits() + 1); // magnitude up for negatives
    assert_eq!(I32_F32_S.lo, below32(-2147483648.0).to_bits() as u64);
    assert_eq!(
        I64_F32_S.lo,
        below32(-9223372036854775808.0).to_bits() as u64
    );
    assert_eq!(I64_F64_S.lo, ((-9223372036854775808.0f64).to_bits() + 1));
    assert_eq!(I32_F64_S.lo, (-2147483649.0f64).to_bits());
    assert_eq!(f32::from_bits(I64_F32_U.hi as u32) as f64, 2f64.powi(64));
    assert_eq!(f64::from_bits(I32_F64_U.hi), 2f64.powi(32));
}

// ---------------------------------------------------------------- lookup

#[test]
fn lookup_encodes_raw_bits() {
    let bin = |op: O| match lookup(&op) {
        Some(NumericFn::Bin(f)) => f,
        other => panic!("{op:?}: {other:?}"),
    };
    let un = |op: O| match lookup(&op) {
        Some(NumericFn::Un(f)) => f,
        other => panic!("{op:?}: {other:?}"),
    };
    // i32 results keep the upper bits zero, even when negative.
    assert_eq!(bin(O::I32Sub)(0, 1), Ok(0xffff_ffff));
    assert_eq!(bin(O::I64Sub)(0, 1), Ok(u64::MAX as u128));
    // Operand order: lhs first.
    assert_eq!(bin(O::I32Sub)(5, 3), Ok(2));
    assert_eq!(bin(O::I32LtU)(1, 2), Ok(1));
    assert_eq!(
        bin(O::F64Lt)(2f64.to_bits() as u128, 1f64.to_bits() as u128),
        Ok(0)
    );
    assert_eq!(bin(O::I32DivU)(1, 0), Err(NumTrap::DivideByZero));
    assert_eq!(un(O::I32Extend8S)(0x80), Ok(0xffff_ff80));
    assert_eq!(un(O::I64Extend32S)(0x8000_0000), Ok(0xffff_ffff_8000_0000));
    assert_eq!(un(O::I32WrapI64)(0xffff_ffff_ffff_fffe), Ok(0xffff_fffe));
    assert_eq!(un(O::F32ReinterpretI32)(0x7f80_0001), Ok(0x7f80_0001));
    assert_eq!(
        un(O::I64TruncF32S)(CANON32 as u128),
        Err(NumTrap::InvalidConversion)
    );
    assert_eq!(
        un(O::F32Nearest)((-0.5f32).to_bits() as u128),
        Ok(0x8000_0000)
    );
    assert_eq!(un(O::I32Eqz)(0), Ok(1));
    assert_eq!(un(O::I64Eqz)(1 << 40), Ok(0));
    assert!(lookup(&O::I32Const { value: 1 }).is_none());
    assert!(lookup(&O::Nop).is_none());
}

/// Every scalar numeric instruction has a function of the right arity.
#[test]
fn lookup_covers_scalar_numerics() {
    use NumericFn::{Bin, Un};
    let (unary, binary) = scalar_ops();
    for op in unary {
        assert!(matches!(lookup(&op), Some(Un(_))), "{op:?}");
    }
    for op in binary {
        assert!(matches!(lookup(&op), Some(Bin(_))), "{op:?}");
    }
}

/// The scalar numeric instructions: (unary, binary).
fn scalar_ops() -> (Vec<O<'static>>, Vec<O<'static>>) {
    let unary = vec![
        O::I32Eqz,
        O::I64Eqz,
        O::I32Clz,
        O::I32Ctz,
        O::I32Popcnt,
        O::I64Clz,
        O::I64Ctz,
        O::I64Popcnt,
        O::F32Abs,
        O::F32Neg,
        O::F32Ceil,
        O::F32Floor,
        O::F32Trunc,
        O::F32Nearest,
        O::F32Sqrt,
        O::F64Abs,
        O::F64Neg,
        O::F64Ceil,
        O::F64Floor,
        O::F64Trunc,
        O::F64Nearest,
        O::F64Sqrt,
        O::I32WrapI64,
        O::I32TruncF32S,
        O::I32TruncF32U,
        O::I32TruncF64S,
        O::I32TruncF64U,
        O::I64ExtendI32S,
        O::I64ExtendI32U,
        O::I64TruncF32S,
        O::I64TruncF32U,
        O::I64TruncF64S,
        O::I64TruncF64U,
        O::F32ConvertI32S,
        O::F32ConvertI32U,
        O::F32ConvertI64S,
        O::F32ConvertI64U,
        O::F32DemoteF64,
        O::F64ConvertI32S,
        O::F64ConvertI32U,
        O::F64ConvertI64S,
        O::F64ConvertI64U,
        O::F64PromoteF32,
        O::I32ReinterpretF32,
        O::I64ReinterpretF64,
        O::F32ReinterpretI32,
        O::F64ReinterpretI64,
        O::I32Extend8S,
        O::I32Extend16S,
        O::I64Extend8S,
        O::I64Extend16S,
        O::I64Extend32S,
        O::I32TruncSatF32S,
        O::I32TruncSatF32U,
        O::I32TruncSatF64S,
        O::I32TruncSatF64U,
        O::I64TruncSatF32S,
        O::I64TruncSatF32U,
        O::I64TruncSatF64S,
        O::I64TruncSatF64U,
    ];
    let binary = vec![
        O::I32Eq,
        O::I32Ne,
        O::I32LtS,
        O::I32LtU,
        O::I32GtS,
        O::I32GtU,
        O::I32LeS,
        O::I32LeU,
        O::I32GeS,
        O::I32GeU,
        O::I64Eq,
        O::I64Ne,
        O::I64LtS,
        O::I64LtU,
        O::I64GtS,
        O::I64GtU,
        O::I64LeS,
        O::I64LeU,
        O::I64GeS,
        O::I64GeU,
        O::F32Eq,
        O::F32Ne,
        O::F32Lt,
        O::F32Gt,
        O::F32Le,
        O::F32Ge,
        O::F64Eq,
        O::F64Ne,
        O::F64Lt,
        O::F64Gt,
        O::F64Le,
        O::F64Ge,
        O::I32Add,
        O::I32Sub,
        O::I32Mul,
        O::I32DivS,
        O::I32DivU,
        O::I32RemS,
        O::I32RemU,
        O::I32And,
        O::I32Or,
        O::I32Xor,
        O::I32Shl,
        O::I32ShrS,
        O::I32ShrU,
        O::I32Rotl,
        O::I32Rotr,
        O::I64Add,
        O::I64Sub,
        O::I64Mul,
        O::I64DivS,
        O::I64DivU,
        O::I64RemS,
        O::I64RemU,
        O::I64And,
        O::I64Or,
        O::I64Xor,
        O::I64Shl,
        O::I64ShrS,
        O::I64ShrU,
        O::I64Rotl,
        O::I64Rotr,
        O::F32Add,
        O::F32Sub,
        O::F32Mul,
        O::F32Div,
        O::F32Min,
        O::F32Max,
        O::F32Copysign,
        O::F64Add,
        O::F64Sub,
        O::F64Mul,
        O::F64Div,
        O::F64Min,
        O::F64Max,
        O::F64Copysign,
    ];
    (unary, binary)
}

fn to_val(ty: usize, raw: u64) -> Val<Concrete> {
    match ty {
        0 => Val::I32(raw as u32),
        1 => Val::I64(raw),
        2 => Val::F32(f32::from_bits(raw as u32)),
        _ => Val::F64(f64::from_bits(raw)),
    }
}

fn raw_of(ty: usize, raw: u64) -> u128 {
    match ty {
        0 | 2 => u128::from(raw as u32),
        _ => u128::from(raw),
    }
}

fn applied_raw(a: Applied<Concrete>) -> NumResult {
    if let Some((_, trap)) = a.traps.iter().find(|(cond, _)| *cond) {
        return Err(*trap);
    }
    Ok(match a.value {
        Val::I32(v) => u128::from(v),
        Val::I64(v) => u128::from(v),
        Val::F32(v) => u128::from(v.to_bits()),
        Val::F64(v) => u128::from(v.to_bits()),
    })
}

/// Operand bits mixing random patterns with f32/f64 specials and integer boundaries.
fn operand_bits() -> impl Strategy<Value = u64> {
    prop_oneof![
        any::<u64>(),
        any_f64(),
        any_f32().prop_map(u64::from),
        (0u64..70),
        Just(u64::MAX)
    ]
}

proptest! {
    /// The generic instruction mapping (`instr::apply` over `Concrete`) and the raw-bits `lookup`
    /// are generated from the operator table by different generators; they must agree on every
    /// scalar instruction of this independent list (which also catches a row missing from the
    /// table), and exactly one operand type must be accepted by `apply`.
    #[test]
    fn apply_agrees_with_lookup(x in operand_bits(), y in operand_bits()) {
        let (unary, binary) = scalar_ops();
        for op in &unary {
            let Some(NumericFn::Un(f)) = lookup(op) else { panic!("{op:?}") };
            let typed: Vec<usize> = (0..4)
                .filter(|&t| apply(&Concrete, op, &[to_val(t, x)]).is_some())
                .collect();
            prop_assert_eq!(typed.len(), 1, "{:?} accepts {:?}", op, typed);
            let t = typed[0];
            let applied = apply(&Concrete, op, &[to_val(t, x)]).unwrap();
            prop_assert_eq!(applied_raw(applied), f(raw_of(t, x)), "{:?} {:#x}", op, x);
        }
        for op in &binary {
            let Some(NumericFn::Bin(f)) = lookup(op) else { panic!("{op:?}") };
            let typed: Vec<usize> = (0..4)
                .filter(|&t| apply(&Concrete, op, &[to_val(t, x), to_val(t, y)]).is_some())
                .collect();
            prop_assert_eq!(typed.len(), 1, "{:?} accepts {:?}", op, typed);
            let t = typed[0];
            let applied = apply(&Concrete, op, &[to_val(t, x), to_val(t, y)]).unwrap();
            prop_assert_eq!(applied_raw(applied), f(raw_of(t, x), raw_of(t, y)), "{:?} {:#x} {:#x}", op, x, y);
            prop_assert!(apply(&Concrete, op, &[to_val(t, x)]).is_none());
        }
    }
}

/// The concrete primitives are total with SMT-LIB's meaning (what a solver domain will give),
/// including the points the generic code only reaches under a trap guard.
#[test]
fn concrete_primitives_follow_smt_lib() {
    use super::domain::IntOps;
    let d = Concrete;
    let m = |a: i32| a as u32;
    assert_eq!(IntOps::<u32>::udiv(&d, &7, &0), u32::MAX);
    assert_eq!(IntOps::<u32>::urem(&d, &7, &0), 7);
    assert_eq!(IntOps::<u32>::sdiv(&d, &7, &0), u32::MAX);
    assert_eq!(IntOps::<u32>::sdiv(&d, &m(-7), &0), 1);
    assert_eq!(IntOps::<u32>::srem(&d, &m(-7), &0), m(-7));
    assert_eq!(IntOps::<u32>::sdiv(&d, &m(i32::MIN), &u32::MAX), m(i32::MIN));
    assert_eq!(IntOps::<u32>::srem(&d, &m(i32::MIN), &u32::MAX), 0);
    assert_eq!(IntOps::<u32>::shl(&d, &1, &32), 0);
    assert_eq!(IntOps::<u32>::lshr(&d, &u32::MAX, &40), 0);
    assert_eq!(IntOps::<u32>::ashr(&d, &m(-8), &99), u32::MAX);
    assert_eq!(IntOps::<u32>::ashr(&d, &8, &99), 0);
    assert_eq!(IntOps::<u64>::rotl(&d, &1, &65), 2);
    assert_eq!(IntOps::<u8>::sext_low(&d, &0x08, 4), 0xf8);
    assert_eq!(IntOps::<u16>::lit(&d, 0x1_2345), 0x2345);
}
