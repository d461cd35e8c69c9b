//! Float operations of the WebAssembly spec (numerics chapter, "Floating-Point Operations"),
//! written once for f32 and f64: `F` is the domain's float type, `B` its IEEE bit encoding.
//!
//! NaN results: whenever an arithmetic operation's IEEE result is NaN, the result is replaced by
//! the domain's [`FloatOps::fnan_result`] of the operands, which is what makes the nondeterministic
//! NaN choice of the spec explicit (and a single, spec-allowed NaN in the concrete domain).
//! `fneg`, `fabs` and `fcopysign` are pure bit operations and never touch NaN payloads.

use super::domain::{FloatOps, IntOps, RoundMode};

#[inline]
fn sign_mask<D: FloatOps<F, Bits = B> + IntOps<B>, F, B>(d: &D) -> B {
    d.lit(1u64 << (<D as FloatOps<F>>::WIDTH - 1))
}

/// The spec's `nans{operands}` applied to an IEEE result `r`.
#[inline]
fn arith<D: FloatOps<F>, F>(d: &D, r: F, operands: &[&F]) -> F {
    d.fnan_or(r, operands)
}

#[inline]
pub fn fadd<D: FloatOps<F>, F>(d: &D, a: &F, b: &F) -> F {
    arith(d, d.fadd(a, b), &[a, b])
}
#[inline]
pub fn fsub<D: FloatOps<F>, F>(d: &D, a: &F, b: &F) -> F {
    arith(d, d.fsub(a, b), &[a, b])
}
#[inline]
pub fn fmul<D: FloatOps<F>, F>(d: &D, a: &F, b: &F) -> F {
    arith(d, d.fmul(a, b), &[a, b])
}
#[inline]
pub fn fdiv<D: FloatOps<F>, F>(d: &D, a: &F, b: &F) -> F {
    arith(d, d.fdiv(a, b), &[a, b])
}
#[inline]
pub fn fsqrt<D: FloatOps<F>, F>(d: &D, a: &F) -> F {
    arith(d, d.fsqrt(a), &[a])
}
#[inline]
pub fn fceil<D: FloatOps<F>, F>(d: &D, a: &F) -> F {
    arith(d, d.fround(a, RoundMode::TowardPositive), &[a])
}
#[inline]
pub fn ffloor<D: FloatOps<F>, F>(d: &D, a: &F) -> F {
    arith(d, d.fround(a, RoundMode::TowardNegative), &[a])
}
#[inline]
pub fn ftrunc<D: FloatOps<F>, F>(d: &D, a: &F) -> F {
    arith(d, d.fround(a, RoundMode::TowardZero), &[a])
}
/// Round to the nearest integer, ties to even; keeps the sign (`nearest(-0.5) = -0`).
#[inline]
pub fn fnearest<D: FloatOps<F>, F>(d: &D, a: &F) -> F {
    arith(d, d.fround(a, RoundMode::NearestEven), &[a])
}

/// `fmin`: NaN if either operand is NaN; `-0` is smaller than `+0`.
#[inline]
pub fn fmin<D: FloatOps<F, Bits = B> + IntOps<B>, F, B>(d: &D, a: &F, b: &F) -> F {
    let either_nan = d.bor(&d.fis_nan(a), &d.fis_nan(b));
    let both_zero = d.band(&d.fis_zero(a), &d.fis_zero(b));
    // Of two zeros the minimum is negative as soon as one of them is.
    let zero_min = d.from_bits(&d.or(&d.to_bits(a), &d.to_bits(b)));
    let ordered = d.fselect(&d.flt(a, b), a, b);
    let number = d.fselect(&both_zero, &zero_min, &ordered);
    d.fselect(&either_nan, &d.fnan_result(&[a, b]), &number)
}

/// `fmax`: NaN if either operand is NaN; `+0` is larger than `-0`.
#[inline]
pub fn fmax<D: FloatOps<F, Bits = B> + IntOps<B>, F, B>(d: &D, a: &F, b: &F) -> F {
    let either_nan = d.bor(&d.fis_nan(a), &d.fis_nan(b));
    let both_zero = d.band(&d.fis_zero(a), &d.fis_zero(b));
    // Of two zeros the maximum is positive as soon as one of them is.
    let zero_max = d.from_bits(&d.and(&d.to_bits(a), &d.to_bits(b)));
    let ordered = d.fselect(&d.flt(b, a), a, b);
    let number = d.fselect(&both_zero, &zero_max, &ordered);
    d.fselect(&either_nan, &d.fnan_result(&[a, b]), &number)
}

/// Clear the sign bit.
#[inline]
pub fn fabs<D: FloatOps<F, Bits = B> + IntOps<B>, F, B>(d: &D, a: &F) -> F {
    let mask = d.not(&sign_mask(d));
    d.from_bits(&d.and(&d.to_bits(a), &mask))
}

/// Flip the sign bit.
#[inline]
pub fn fneg<D: FloatOps<F, Bits = B> + IntOps<B>, F, B>(d: &D, a: &F) -> F {
    d.from_bits(&d.xor(&d.to_bits(a), &sign_mask(d)))
}

/// Magnitude of `a`, sign of `b`.
#[inline]
pub fn fcopysign<D: FloatOps<F, Bits = B> + IntOps<B>, F, B>(d: &D, a: &F, b: &F) -> F {
    let sign = sign_mask(d);
    let magnitude = d.and(&d.to_bits(a), &d.not(&sign));
    d.from_bits(&d.or(&magnitude, &d.and(&d.to_bits(b), &sign)))
}

#[inline]
pub fn feq<D: FloatOps<F>, F>(d: &D, a: &F, b: &F) -> D::Bool {
    d.feq(a, b)
}
/// True when either operand is NaN.
#[inline]
pub fn fne<D: FloatOps<F>, F>(d: &D, a: &F, b: &F) -> D::Bool {
    d.bnot(&d.feq(a, b))
}
#[inline]
pub fn flt<D: FloatOps<F>, F>(d: &D, a: &F, b: &F) -> D::Bool {
    d.flt(a, b)
}
#[inline]
pub fn fgt<D: FloatOps<F>, F>(d: &D, a: &F, b: &F) -> D::Bool {
    d.flt(b, a)
}
#[inline]
pub fn fle<D: FloatOps<F>, F>(d: &D, a: &F, b: &F) -> D::Bool {
    d.fle(a, b)
}
#[inline]
pub fn fge<D: FloatOps<F>, F>(d: &D, a: &F, b: &F) -> D::Bool {
    d.fle(b, a)
}
