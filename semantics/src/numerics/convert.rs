//! Conversions of the WebAssembly spec (numerics chapter, "Conversions"), written once over the
//! domain; the `i32_trunc_f32_s`-style functions at the end fix the formats of each instruction.

use super::domain::{BoolOps, Domain, FloatConvert, FloatOps, Guarded, IntFloatOps, IntOps, Types};
use super::NumTrap;

/// Exclusive float bounds (IEEE bits) of the inputs a truncation accepts: valid iff `lo < a < hi`.
/// `lo` is the largest float whose truncation is below the integer range, `hi` the smallest whose
/// truncation is above it (a power of two, always exact).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TruncBounds {
    pub lo: u64,
    pub hi: u64,
}

// For f32 sources the float just below -2^31 (-2^63) is -2^31 - 256 (-2^63 - 2^40): no f32 lies
// strictly between it and -2^31, so `lo < a` accepts exactly -2^31 (the test suite's -2147483904).
pub const I32_F32_S: TruncBounds = TruncBounds {
    lo: f32::to_bits(-2147483904.0) as u64,
    hi: f32::to_bits(2147483648.0) as u64,
};
pub const I32_F32_U: TruncBounds = TruncBounds {
    lo: f32::to_bits(-1.0) as u64,
    hi: f32::to_bits(4294967296.0) as u64,
};
pub const I32_F64_S: TruncBounds = TruncBounds {
    lo: f64::to_bits(-2147483649.0),
    hi: f64::to_bits(2147483648.0),
};
pub const I32_F64_U: TruncBounds = TruncBounds {
    lo: f64::to_bits(-1.0),
    hi: f64::to_bits(4294967296.0),
};
pub const I64_F32_S: TruncBounds = TruncBounds {
    lo: f32::to_bits(-9223373136366403584.0) as u64,
    hi: f32::to_bits(9223372036854775808.0) as u64,
};
pub const I64_F32_U: TruncBounds = TruncBounds {
    lo: f32::to_bits(-1.0) as u64,
    hi: f32::to_bits(18446744073709551616.0) as u64,
};
pub const I64_F64_S: TruncBounds = TruncBounds {
    lo: f64::to_bits(-9223372036854777856.0),
    hi: f64::to_bits(9223372036854775808.0),
};
pub const I64_F64_U: TruncBounds = TruncBounds {
    lo: f64::to_bits(-1.0),
    hi: f64::to_bits(18446744073709551616.0),
};

#[inline]
fn in_range<D: FloatOps<F>, F>(d: &D, a: &F, bounds: TruncBounds) -> D::Bool {
    d.band(&d.flt(&d.flit(bounds.lo), a), &d.flt(a, &d.flit(bounds.hi)))
}

/// `trunc_s`: NaN is an invalid conversion, a result outside the signed range an overflow.
#[inline]
pub fn trunc_s<D: FloatOps<F> + IntFloatOps<I, F>, I, F>(
    d: &D,
    a: &F,
    bounds: TruncBounds,
) -> Guarded<<D as BoolOps>::Bool, I, 2> {
    Guarded {
        value: d.float_to_sint(a),
        traps: [
            (d.fis_nan(a), NumTrap::InvalidConversion),
            (d.bnot(&in_range(d, a, bounds)), NumTrap::Overflow),
        ],
    }
}

/// `trunc_u`: NaN is an invalid conversion, a result outside the unsigned range an overflow.
#[inline]
pub fn trunc_u<D: FloatOps<F> + IntFloatOps<I, F>, I, F>(
    d: &D,
    a: &F,
    bounds: TruncBounds,
) -> Guarded<<D as BoolOps>::Bool, I, 2> {
    Guarded {
        value: d.float_to_uint(a),
        traps: [
            (d.fis_nan(a), NumTrap::InvalidConversion),
            (d.bnot(&in_range(d, a, bounds)), NumTrap::Overflow),
        ],
    }
}

/// `trunc_sat_s`: NaN gives 0, out-of-range inputs saturate to the signed bounds.
#[inline]
pub fn trunc_sat_s<D: FloatOps<F> + IntOps<I> + IntFloatOps<I, F>, I, F>(
    d: &D,
    a: &F,
    bounds: TruncBounds,
) -> I {
    let min = 1u64 << (<D as IntOps<I>>::WIDTH - 1);
    saturate(d, a, bounds, d.float_to_sint(a), min, min - 1)
}

/// `trunc_sat_u`: NaN gives 0, out-of-range inputs saturate to 0 and the unsigned maximum.
#[inline]
pub fn trunc_sat_u<D: FloatOps<F> + IntOps<I> + IntFloatOps<I, F>, I, F>(
    d: &D,
    a: &F,
    bounds: TruncBounds,
) -> I {
    saturate(d, a, bounds, d.float_to_uint(a), 0, u64::MAX)
}

#[inline]
fn saturate<D: FloatOps<F> + IntOps<I>, I, F>(
    d: &D,
    a: &F,
    bounds: TruncBounds,
    truncated: I,
    min: u64,
    max: u64,
) -> I {
    let below = d.fle(a, &d.flit(bounds.lo));
    let above = d.fle(&d.flit(bounds.hi), a);
    let clamped = d.select(
        &below,
        &d.lit(min),
        &d.select(&above, &d.lit(max), &truncated),
    );
    d.select(&d.fis_nan(a), &d.lit(0), &clamped)
}

/// `convert_s`: signed integer to the nearest float (ties to even).
#[inline]
pub fn convert_s<D: IntFloatOps<I, F>, I, F>(d: &D, a: &I) -> F {
    d.sint_to_float(a)
}

/// `convert_u`: unsigned integer to the nearest float (ties to even).
#[inline]
pub fn convert_u<D: IntFloatOps<I, F>, I, F>(d: &D, a: &I) -> F {
    d.uint_to_float(a)
}

/// `demote`/`promote`: nearest float of the other format; a NaN input gives a NaN of the target
/// format under the same rule as arithmetic: canonical, or any arithmetic NaN when the input is
/// a non-canonical NaN (of the source format, so the allowed set is asked for directly).
#[inline]
pub fn fconvert<D: FloatOps<A> + FloatOps<B> + FloatConvert<A, B>, A, B>(d: &D, a: &A) -> B {
    let converted: B = d.fconvert(a);
    let arithmetic_allowed = <D as FloatOps<A>>::fis_noncanonical_nan(d, a);
    let nan: B = <D as FloatConvert<A, B>>::fconvert_nan(d, a, &arithmetic_allowed);
    <D as FloatOps<B>>::fselect(d, &<D as FloatOps<A>>::fis_nan(d, a), &nan, &converted)
}

/// Instruction-level instantiations (formats fixed).
pub fn i32_wrap_i64<D: Domain>(d: &D, a: &D::I64) -> D::I32 {
    d.wrap_64_32(a)
}
pub fn i64_extend_i32_s<D: Domain>(d: &D, a: &D::I32) -> D::I64 {
    d.sext_32_64(a)
}
pub fn i64_extend_i32_u<D: Domain>(d: &D, a: &D::I32) -> D::I64 {
    d.zext_32_64(a)
}

/// Reinterpretations are the identity on bits.
pub fn f32_reinterpret_i32<D: Domain>(d: &D, a: &<D as Types>::I32) -> <D as Types>::F32 {
    <D as FloatOps<<D as Types>::F32>>::from_bits(d, a)
}
pub fn f64_reinterpret_i64<D: Domain>(d: &D, a: &<D as Types>::I64) -> <D as Types>::F64 {
    <D as FloatOps<<D as Types>::F64>>::from_bits(d, a)
}
pub fn i32_reinterpret_f32<D: Domain>(d: &D, a: &<D as Types>::F32) -> <D as Types>::I32 {
    <D as FloatOps<<D as Types>::F32>>::to_bits(d, a)
}
pub fn i64_reinterpret_f64<D: Domain>(d: &D, a: &<D as Types>::F64) -> <D as Types>::I64 {
    <D as FloatOps<<D as Types>::F64>>::to_bits(d, a)
}
