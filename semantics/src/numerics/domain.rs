//! The value domain the numerics are written over.
//!
//! Every numeric operation in `int.rs`, `float.rs` and `convert.rs` is written once against these
//! traits. A domain supplies *primitives* whose meaning matches SMT-LIB (QF_BV / QF_FP) so that the
//! same code can later run over solver terms:
//!
//! * integer primitives are total: `udiv(a, 0)` is all ones, `urem(a, 0)` is `a`, `sdiv`/`srem`
//!   follow `bvsdiv`/`bvsrem`, shifts by `>= WIDTH` give 0 (or all sign bits for `ashr`), rotates take
//!   the amount modulo `WIDTH`;
//! * float primitives are IEEE 754 with round-to-nearest-ties-to-even (unless a mode is given);
//!   when a float primitive yields NaN its bits are unspecified, the generic code replaces them by
//!   [`FloatOps::fnan_result`];
//! * float→int primitives round toward zero and are only consulted inside the representable range
//!   (the generic code guards them), int→float primitives round to nearest-even.
//!
//! Branching on domain values is done with `select`/`fselect`/`bselect`, never with host `if`,
//! and partial operations report their trap condition as a domain boolean (see [`Guarded`]).
//!
//! An SMT domain must use *distinct* Rust types for distinct widths (e.g. newtypes around a
//! bitvector term): a width is identified by its type.

use super::NumTrap;

/// Booleans of a domain.
pub trait BoolOps {
    type Bool: Clone;
    fn bool_lit(&self, b: bool) -> Self::Bool;
    fn bnot(&self, a: &Self::Bool) -> Self::Bool;
    fn band(&self, a: &Self::Bool, b: &Self::Bool) -> Self::Bool;
    fn bor(&self, a: &Self::Bool, b: &Self::Bool) -> Self::Bool;
}

/// Bitvector primitives at one width; `B` is the domain's bitvector type of that width.
pub trait IntOps<B>: BoolOps {
    /// Width in bits.
    const WIDTH: u32;
    /// The constant `v` truncated to `WIDTH` bits.
    fn lit(&self, v: u64) -> B;
    fn select(&self, c: &Self::Bool, a: &B, b: &B) -> B;

    fn add(&self, a: &B, b: &B) -> B;
    fn sub(&self, a: &B, b: &B) -> B;
    fn mul(&self, a: &B, b: &B) -> B;
    /// Unsigned division; `a / 0` is all ones (SMT-LIB `bvudiv`).
    fn udiv(&self, a: &B, b: &B) -> B;
    /// Unsigned remainder; `a % 0` is `a` (SMT-LIB `bvurem`).
    fn urem(&self, a: &B, b: &B) -> B;
    /// Signed division truncating toward zero; `MIN / -1` wraps to `MIN`; by zero as `bvsdiv`.
    fn sdiv(&self, a: &B, b: &B) -> B;
    /// Signed remainder with the dividend's sign; `MIN % -1` is 0; `a % 0` is `a` (`bvsrem`).
    fn srem(&self, a: &B, b: &B) -> B;

    fn and(&self, a: &B, b: &B) -> B;
    fn or(&self, a: &B, b: &B) -> B;
    fn xor(&self, a: &B, b: &B) -> B;
    fn not(&self, a: &B) -> B;
    /// Shift left; amounts `>= WIDTH` (unsigned) give 0.
    fn shl(&self, a: &B, k: &B) -> B;
    /// Logical shift right; amounts `>= WIDTH` give 0.
    fn lshr(&self, a: &B, k: &B) -> B;
    /// Arithmetic shift right; amounts `>= WIDTH` give all sign bits.
    fn ashr(&self, a: &B, k: &B) -> B;
    /// Rotate left by `k mod WIDTH`.
    fn rotl(&self, a: &B, k: &B) -> B;
    /// Rotate right by `k mod WIDTH`.
    fn rotr(&self, a: &B, k: &B) -> B;
    fn clz(&self, a: &B) -> B;
    fn ctz(&self, a: &B) -> B;
    fn popcnt(&self, a: &B) -> B;
    /// Sign-extend the low `bits` bits (0 < bits <= WIDTH) to the full width.
    fn sext_low(&self, a: &B, bits: u32) -> B;

    fn eq(&self, a: &B, b: &B) -> Self::Bool;
    fn ult(&self, a: &B, b: &B) -> Self::Bool;
    fn ule(&self, a: &B, b: &B) -> Self::Bool;
    fn slt(&self, a: &B, b: &B) -> Self::Bool;
    fn sle(&self, a: &B, b: &B) -> Self::Bool;
}

/// Rounding direction of [`FloatOps::fround`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundMode {
    NearestEven,
    TowardPositive,
    TowardNegative,
    TowardZero,
}

/// IEEE binary floating point primitives at one format; `F` is the domain's float type.
pub trait FloatOps<F>: BoolOps {
    /// The bitvector type of the same width (the IEEE encoding).
    type Bits;
    /// Total width, exponent width and significand width (without the hidden bit).
    const WIDTH: u32;
    const EXP_BITS: u32;
    const MANT_BITS: u32;

    fn to_bits(&self, a: &F) -> Self::Bits;
    // `&self`: a solver domain needs its context to build the term.
    #[allow(clippy::wrong_self_convention)]
    fn from_bits(&self, a: &Self::Bits) -> F;
    /// The float whose IEEE encoding is `bits` (truncated to `WIDTH`).
    fn flit(&self, bits: u64) -> F;
    fn fselect(&self, c: &Self::Bool, a: &F, b: &F) -> F;

    fn fadd(&self, a: &F, b: &F) -> F;
    fn fsub(&self, a: &F, b: &F) -> F;
    fn fmul(&self, a: &F, b: &F) -> F;
    fn fdiv(&self, a: &F, b: &F) -> F;
    fn fsqrt(&self, a: &F) -> F;
    /// IEEE `roundToIntegral` in the given direction (keeps the sign of zero).
    fn fround(&self, a: &F, mode: RoundMode) -> F;

    fn fis_nan(&self, a: &F) -> Self::Bool;
    fn fis_zero(&self, a: &F) -> Self::Bool;
    /// Sign bit set (also for -0 and negative NaNs).
    fn fis_negative(&self, a: &F) -> Self::Bool;
    /// IEEE equality/ordering: false whenever an operand is NaN; `-0 == +0`.
    fn feq(&self, a: &F, b: &F) -> Self::Bool;
    fn flt(&self, a: &F, b: &F) -> Self::Bool;
    fn fle(&self, a: &F, b: &F) -> Self::Bool;

    /// A NaN whose payload is not the canonical one (only the quiet bit set), of either sign.
    fn fis_noncanonical_nan(&self, a: &F) -> Self::Bool;

    /// The NaN a NaN-producing operation returns. The one rule of the spec for every such
    /// operation (arithmetic and format conversions alike): a canonical NaN, or, when
    /// `arithmetic_allowed` holds (some operand is a non-canonical NaN, of whatever format), any
    /// arithmetic (quiet) NaN. The domain picks within that set; a solver domain may return a
    /// constrained term.
    fn fnan_allowed(&self, arithmetic_allowed: &Self::Bool) -> F;

    /// The NaN an arithmetic operation on `operands` (all of this format) returns when its
    /// IEEE result is NaN: [`FloatOps::fnan_allowed`] with arithmetic NaNs allowed iff some
    /// operand is a non-canonical NaN. A domain may override it only to choose another member
    /// of the same set.
    fn fnan_result(&self, operands: &[&F]) -> F {
        let mut any = self.bool_lit(false);
        for op in operands {
            any = self.bor(&any, &self.fis_noncanonical_nan(op));
        }
        self.fnan_allowed(&any)
    }

    /// The spec's `nans{operands}` applied to the IEEE result `r` of an arithmetic operation:
    /// `r` unless it is NaN, else [`FloatOps::fnan_result`]. A domain may override it only to
    /// compute this same value another way.
    fn fnan_or(&self, r: F, operands: &[&F]) -> F {
        self.fselect(&self.fis_nan(&r), &self.fnan_result(operands), &r)
    }
}

/// Conversions between the integer type `I` and the float type `F`.
pub trait IntFloatOps<I, F>: BoolOps {
    /// Signed integer to float, rounding to nearest-even.
    fn sint_to_float(&self, a: &I) -> F;
    /// Unsigned integer to float, rounding to nearest-even.
    fn uint_to_float(&self, a: &I) -> F;
    /// Float to signed integer rounding toward zero; meaningful only when the result fits.
    fn float_to_sint(&self, a: &F) -> I;
    /// Float to unsigned integer rounding toward zero; meaningful only when the result fits.
    fn float_to_uint(&self, a: &F) -> I;
}

/// Conversion between float formats (`A` to `B`), rounding to nearest-even; NaN bits unspecified.
pub trait FloatConvert<A, B>: BoolOps {
    fn fconvert(&self, a: &A) -> B;

    /// The NaN the conversion of the NaN `a` returns: by default the domain's pick from the
    /// allowed set ([`FloatOps::fnan_allowed`]). A domain may override it, seeing the operand,
    /// only to choose another member of the same set -- e.g. the reference interpreter's NaN,
    /// which keeps the sign and the top payload bits, so that a solver domain can follow one
    /// choice through a chain of operations.
    fn fconvert_nan(&self, a: &A, arithmetic_allowed: &Self::Bool) -> B
    where
        Self: FloatOps<B>,
    {
        let _ = a;
        <Self as FloatOps<B>>::fnan_allowed(self, arithmetic_allowed)
    }
}

/// The four scalar value types of a domain.
pub trait Types {
    type I32: Clone;
    type I64: Clone;
    type F32: Clone;
    type F64: Clone;
}

/// A complete value domain for WebAssembly scalar numerics.
pub trait Domain:
    Types
    + BoolOps
    + IntOps<<Self as Types>::I32>
    + IntOps<<Self as Types>::I64>
    + FloatOps<<Self as Types>::F32, Bits = <Self as Types>::I32>
    + FloatOps<<Self as Types>::F64, Bits = <Self as Types>::I64>
    + IntFloatOps<<Self as Types>::I32, <Self as Types>::F32>
    + IntFloatOps<<Self as Types>::I32, <Self as Types>::F64>
    + IntFloatOps<<Self as Types>::I64, <Self as Types>::F32>
    + IntFloatOps<<Self as Types>::I64, <Self as Types>::F64>
    + FloatConvert<<Self as Types>::F32, <Self as Types>::F64>
    + FloatConvert<<Self as Types>::F64, <Self as Types>::F32>
{
    /// Low 32 bits.
    fn wrap_64_32(&self, a: &Self::I64) -> Self::I32;
    fn zext_32_64(&self, a: &Self::I32) -> Self::I64;
    fn sext_32_64(&self, a: &Self::I32) -> Self::I64;
}

/// A value together with the conditions under which the operation traps instead, in priority
/// order (the first condition that holds decides the trap).
#[derive(Debug, Clone)]
pub struct Guarded<Bool, T, const N: usize> {
    pub value: T,
    pub traps: [(Bool, NumTrap); N],
}

impl<T, const N: usize> Guarded<bool, T, N> {
    /// Concrete reading: the value, or the first trap whose condition holds.
    #[inline]
    pub fn into_result(self) -> Result<T, NumTrap> {
        for (cond, trap) in self.traps {
            if cond {
                return Err(trap);
            }
        }
        Ok(self.value)
    }
}

/// `c ? 1 : 0` as a wasm i32/i64-style bitvector.
#[inline]
pub fn bool_to_int<D: IntOps<B>, B>(d: &D, c: &D::Bool) -> B {
    d.select(c, &d.lit(1), &d.lit(0))
}
