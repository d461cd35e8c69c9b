//! The concrete domain: machine integers and IEEE floats, bit-exact.
//! Kept apart from the typed API (whose modules are named `i32`, `f32`, ... and would shadow the
//! primitive type names here).

use crate::numerics::domain::{
    BoolOps, Domain, FloatConvert, FloatOps, IntFloatOps, IntOps, RoundMode, Types,
};

/// The concrete value domain (stateless).
#[derive(Debug, Clone, Copy, Default)]
pub struct Concrete;

impl BoolOps for Concrete {
    type Bool = bool;
    #[inline]
    fn bool_lit(&self, b: bool) -> bool {
        b
    }
    #[inline]
    fn bnot(&self, a: &bool) -> bool {
        !*a
    }
    #[inline]
    fn band(&self, a: &bool, b: &bool) -> bool {
        *a & *b
    }
    #[inline]
    fn bor(&self, a: &bool, b: &bool) -> bool {
        *a | *b
    }
}

macro_rules! concrete_int {
    ($u:ty, $s:ty) => {
        impl IntOps<$u> for Concrete {
            const WIDTH: u32 = <$u>::BITS;
            #[inline]
            fn lit(&self, v: u64) -> $u {
                v as $u
            }
            #[inline]
            fn select(&self, c: &bool, a: &$u, b: &$u) -> $u {
                if *c {
                    *a
                } else {
                    *b
                }
            }
            #[inline]
            fn add(&self, a: &$u, b: &$u) -> $u {
                a.wrapping_add(*b)
            }
            #[inline]
            fn sub(&self, a: &$u, b: &$u) -> $u {
                a.wrapping_sub(*b)
            }
            #[inline]
            fn mul(&self, a: &$u, b: &$u) -> $u {
                a.wrapping_mul(*b)
            }
            #[inline]
            fn udiv(&self, a: &$u, b: &$u) -> $u {
                a.checked_div(*b).unwrap_or(<$u>::MAX)
            }
            #[inline]
            fn urem(&self, a: &$u, b: &$u) -> $u {
                a.checked_rem(*b).unwrap_or(*a)
            }
            #[inline]
            fn sdiv(&self, a: &$u, b: &$u) -> $u {
                let (a, b) = (*a as $s, *b as $s);
                if b == 0 {
                    // SMT-LIB bvsdiv by zero: -1 for a non-negative dividend, 1 otherwise.
                    (if a < 0 { 1 } else { -1 }) as $u
                } else {
                    a.wrapping_div(b) as $u
                }
            }
            #[inline]
            fn srem(&self, a: &$u, b: &$u) -> $u {
                let (a, b) = (*a as $s, *b as $s);
                if b == 0 {
                    a as $u
                } else {
                    a.wrapping_rem(b) as $u
                }
            }
            #[inline]
            fn and(&self, a: &$u, b: &$u) -> $u {
                a & b
            }
            #[inline]
            fn or(&self, a: &$u, b: &$u) -> $u {
                a | b
            }
            #[inline]
            fn xor(&self, a: &$u, b: &$u) -> $u {
                a ^ b
            }
            #[inline]
            fn not(&self, a: &$u) -> $u {
                !a
            }
            #[inline]
            fn shl(&self, a: &$u, k: &$u) -> $u {
                if (*k as u64) < <$u>::BITS as u64 {
                    a << *k
                } else {
                    0
                }
            }
            #[inline]
            fn lshr(&self, a: &$u, k: &$u) -> $u {
                if (*k as u64) < <$u>::BITS as u64 {
                    a >> *k
                } else {
                    0
                }
            }
            #[inline]
            fn ashr(&self, a: &$u, k: &$u) -> $u {
                let k = (*k as u64).min(<$u>::BITS as u64 - 1);
                ((*a as $s) >> k) as $u
            }
            #[inline]
            fn rotl(&self, a: &$u, k: &$u) -> $u {
                a.rotate_left((*k % <$u>::BITS as $u) as u32)
            }
            #[inline]
            fn rotr(&self, a: &$u, k: &$u) -> $u {
                a.rotate_right((*k % <$u>::BITS as $u) as u32)
            }
            #[inline]
            fn clz(&self, a: &$u) -> $u {
                a.leading_zeros() as $u
            }
            #[inline]
            fn ctz(&self, a: &$u) -> $u {
                a.trailing_zeros() as $u
            }
            #[inline]
            fn popcnt(&self, a: &$u) -> $u {
                a.count_ones() as $u
            }
            #[inline]
            fn sext_low(&self, a: &$u, bits: u32) -> $u {
                let unused = <$u>::BITS - bits;
                (((*a << unused) as $s) >> unused) as $u
            }
            #[inline]
            fn eq(&self, a: &$u, b: &$u) -> bool {
                a == b
            }
            #[inline]
            fn ult(&self, a: &$u, b: &$u) -> bool {
                a < b
            }
            #[inline]
            fn ule(&self, a: &$u, b: &$u) -> bool {
                a <= b
            }
            #[inline]
            fn slt(&self, a: &$u, b: &$u) -> bool {
                (*a as $s) < (*b as $s)
            }
            #[inline]
            fn sle(&self, a: &$u, b: &$u) -> bool {
                (*a as $s) <= (*b as $s)
            }
        }
    };
}

concrete_int!(u8, i8);
concrete_int!(u16, i16);
concrete_int!(u32, i32);
concrete_int!(u64, i64);

macro_rules! concrete_float {
    ($f:ty, $bits:ty, $exp:expr, $quiet:expr, $canonical:expr) => {
        impl FloatOps<$f> for Concrete {
            type Bits = $bits;
            const WIDTH: u32 = <$bits>::BITS;
            const EXP_BITS: u32 = $exp;
            const MANT_BITS: u32 = <$f>::MANTISSA_DIGITS - 1;
            #[inline]
            fn to_bits(&self, a: &$f) -> $bits {
                a.to_bits()
            }
            #[inline]
            fn from_bits(&self, a: &$bits) -> $f {
                <$f>::from_bits(*a)
            }
            #[inline]
            fn flit(&self, bits: u64) -> $f {
                <$f>::from_bits(bits as $bits)
            }
            #[inline]
            fn fselect(&self, c: &bool, a: &$f, b: &$f) -> $f {
                if *c {
                    *a
                } else {
                    *b
                }
            }
            #[inline]
            fn fadd(&self, a: &$f, b: &$f) -> $f {
                a + b
            }
            #[inline]
            fn fsub(&self, a: &$f, b: &$f) -> $f {
                a - b
            }
            #[inline]
            fn fmul(&self, a: &$f, b: &$f) -> $f {
                a * b
            }
            #[inline]
            fn fdiv(&self, a: &$f, b: &$f) -> $f {
                a / b
            }
            #[inline]
            fn fsqrt(&self, a: &$f) -> $f {
                a.sqrt()
            }
            #[inline]
            fn fround(&self, a: &$f, mode: RoundMode) -> $f {
                match mode {
                    RoundMode::NearestEven => a.round_ties_even(),
                    RoundMode::TowardPositive => a.ceil(),
                    RoundMode::TowardNegative => a.floor(),
                    RoundMode::TowardZero => a.trunc(),
                }
            }
            #[inline]
            fn fis_nan(&self, a: &$f) -> bool {
                a.is_nan()
            }
            #[inline]
            fn fis_zero(&self, a: &$f) -> bool {
                *a == 0.0
            }
            #[inline]
            fn fis_negative(&self, a: &$f) -> bool {
                a.is_sign_negative()
            }
            #[inline]
            fn feq(&self, a: &$f, b: &$f) -> bool {
                a == b
            }
            #[inline]
            fn flt(&self, a: &$f, b: &$f) -> bool {
                a < b
            }
            #[inline]
            fn fle(&self, a: &$f, b: &$f) -> bool {
                a <= b
            }
            #[inline]
            fn fis_noncanonical_nan(&self, a: &$f) -> bool {
                let magnitude = a.to_bits() & !(1 << (<$bits>::BITS - 1));
                a.is_nan() && magnitude != $canonical
            }
            /// The positive canonical NaN: always in the allowed set.
            #[inline]
            fn fnan_allowed(&self, _arithmetic_allowed: &bool) -> $f {
                <$f>::from_bits($canonical)
            }
            /// Propagates the first NaN operand made quiet (payload and sign kept), else the
            /// positive canonical NaN. Quieting a canonical NaN keeps it canonical, so this is
            /// always among the NaNs the spec allows.
            #[inline]
            fn fnan_result(&self, operands: &[&$f]) -> $f {
                for op in operands {
                    if op.is_nan() {
                        return <$f>::from_bits(op.to_bits() | $quiet);
                    }
                }
                <$f>::from_bits($canonical)
            }
            /// A branch instead of the default select: the NaN choice is then computed only
            /// for NaN results, off the latency chain of every float instruction.
            #[inline]
            fn fnan_or(&self, r: $f, operands: &[&$f]) -> $f {
                if r.is_nan() {
                    std::hint::cold_path();
                    self.fnan_result(operands)
                } else {
                    r
                }
            }
        }
    };
}

concrete_float!(f32, u32, 8, 1 << 22, 0x7fc0_0000);
concrete_float!(f64, u64, 11, 1 << 51, 0x7ff8_0000_0000_0000);

// Rust's `as` casts round int->float to nearest-even (no double rounding for u64->f32) and
// truncate float->int toward zero (saturating, only used in range here).
macro_rules! concrete_int_float {
    ($u:ty, $s:ty, $f:ty) => {
        impl IntFloatOps<$u, $f> for Concrete {
            #[inline]
            fn sint_to_float(&self, a: &$u) -> $f {
                *a as $s as $f
            }
            #[inline]
            fn uint_to_float(&self, a: &$u) -> $f {
                *a as $f
            }
            #[inline]
            fn float_to_sint(&self, a: &$f) -> $u {
                *a as $s as $u
            }
            #[inline]
            fn float_to_uint(&self, a: &$f) -> $u {
                *a as $u
            }
        }
    };
}

concrete_int_float!(u32, i32, f32);
concrete_int_float!(u32, i32, f64);
concrete_int_float!(u64, i64, f32);
concrete_int_float!(u64, i64, f64);

impl FloatConvert<f32, f64> for Concrete {
    #[inline]
    fn fconvert(&self, a: &f32) -> f64 {
        *a as f64
    }
}

impl FloatConvert<f64, f32> for Concrete {
    /// Rust's `as` rounds to nearest-even (overflowing to infinity).
    #[inline]
    fn fconvert(&self, a: &f64) -> f32 {
        *a as f32
    }
}

impl Types for Concrete {
    type I32 = u32;
    type I64 = u64;
    type F32 = f32;
    type F64 = f64;
}

impl Domain for Concrete {
    #[inline]
    fn wrap_64_32(&self, a: &u64) -> u32 {
        *a as u32
    }
    #[inline]
    fn zext_32_64(&self, a: &u32) -> u64 {
        *a as u64
    }
    #[inline]
    fn sext_32_64(&self, a: &u32) -> u64 {
        *a as i32 as i64 as u64
    }
}
