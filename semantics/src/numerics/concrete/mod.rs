//! Concrete instantiations of the generic numerics, as plain typed functions.
//!
//! * `i8`, `i16`, `i32`, `i64`: integer ops on unsigned bit patterns (`u8` .. `u64`); signedness is
//!   in the operation name. `i8`/`i16` exist for lane-wise SIMD use.
//! * `f32`, `f64`: float ops on IEEE bit patterns (`u32`/`u64`), NaN results chosen per
//!   [`Concrete`]'s `fnan_result` (first NaN operand quieted, else the canonical NaN).
//! * `convert`: conversions, named like the instructions.
//!
//! Comparisons return `bool`; trapping operations return `Result<_, NumTrap>`.

mod domain_impl;

pub use domain_impl::Concrete;

// Typed wrappers around the generic integer operations at the concrete type `$u`.
macro_rules! int_wrappers {
    ($u:ty; bin: $($bop:ident => $bgen:ident),*; un: $($uop:ident => $ugen:ident),*;
     trapping: $($top:ident => $tgen:ident),*; cmp: $($cop:ident => $cgen:ident),*) => {
        $(
            #[inline]
            pub fn $bop(a: $u, b: $u) -> $u {
                int::$bgen(&Concrete, &a, &b)
            }
        )*
        $(
            #[inline]
            pub fn $uop(a: $u) -> $u {
                int::$ugen(&Concrete, &a)
            }
        )*
        $(
            #[inline]
            pub fn $top(a: $u, b: $u) -> Result<$u, NumTrap> {
                int::$tgen(&Concrete, &a, &b).into_result()
            }
        )*
        $(
            #[inline]
            pub fn $cop(a: $u, b: $u) -> bool {
                int::$cgen(&Concrete, &a, &b)
            }
        )*
    };
}

macro_rules! int_api {
    ($name:ident, $u:ty) => {
        #[doc = concat!("Concrete `", stringify!($name), "` integer operations on `", stringify!($u), "` bit patterns.")]
        pub mod $name {
            use super::Concrete;
            use crate::numerics::{int, NumTrap};

            int_wrappers! { $u;
                bin: add => iadd, sub => isub, mul => imul, and => iand, or => ior, xor => ixor,
                     shl => ishl, shr_s => ishr_s, shr_u => ishr_u, rotl => irotl, rotr => irotr;
                un: clz => iclz, ctz => ictz, popcnt => ipopcnt;
                trapping: div_s => idiv_s, div_u => idiv_u, rem_s => irem_s, rem_u => irem_u;
                cmp: eq => ieq, ne => ine, lt_s => ilt_s, lt_u => ilt_u, gt_s => igt_s,
                     gt_u => igt_u, le_s => ile_s, le_u => ile_u, ge_s => ige_s, ge_u => ige_u
            }

            #[inline]
            pub fn eqz(a: $u) -> bool {
                int::ieqz(&Concrete, &a)
            }
            /// Sign-extend the low `n` bits (`extend8_s` is `extend_s(a, 8)`).
            #[inline]
            pub fn extend_s(a: $u, n: u32) -> $u {
                int::iextend_s(&Concrete, &a, n)
            }
        }
    };
}

int_api!(i8, u8);
int_api!(i16, u16);
int_api!(i32, u32);
int_api!(i64, u64);

// Typed wrappers around the generic float operations: callers pass IEEE bits (`$bits`), the
// generic code sees the host float `$f` (a bit-preserving move on x86-64 and aarch64).
macro_rules! float_wrappers {
    ($f:ty, $bits:ty; bin: $($bop:ident => $bgen:ident),*; un: $($uop:ident => $ugen:ident),*;
     cmp: $($cop:ident => $cgen:ident),*) => {
        $(
            #[inline]
            pub fn $bop(a: $bits, b: $bits) -> $bits {
                float::$bgen(&Concrete, &<$f>::from_bits(a), &<$f>::from_bits(b)).to_bits()
            }
        )*
        $(
            #[inline]
            pub fn $uop(a: $bits) -> $bits {
                float::$ugen(&Concrete, &<$f>::from_bits(a)).to_bits()
            }
        )*
        $(
            #[inline]
            pub fn $cop(a: $bits, b: $bits) -> bool {
                float::$cgen(&Concrete, &<$f>::from_bits(a), &<$f>::from_bits(b))
            }
        )*
    };
}

macro_rules! float_api {
    ($name:ident, $f:ty, $bits:ty) => {
        #[doc = concat!("Concrete `", stringify!($name), "` operations on IEEE bit patterns (`", stringify!($bits), "`).")]
        pub mod $name {
            use super::Concrete;
            use crate::numerics::float;

            float_wrappers! { $f, $bits;
                bin: add => fadd, sub => fsub, mul => fmul, div => fdiv, min => fmin, max => fmax,
                     copysign => fcopysign;
                un: abs => fabs, neg => fneg, sqrt => fsqrt, ceil => fceil, floor => ffloor,
                    trunc => ftrunc, nearest => fnearest;
                cmp: eq => feq, ne => fne, lt => flt, gt => fgt, le => fle, ge => fge
            }
        }
    };
}

float_api!(f32, f32, u32);
float_api!(f64, f64, u64);

/// Concrete conversions, named like the instructions; floats as IEEE bit patterns.
pub mod convert {
    use super::Concrete;
    use crate::numerics::convert::{self as generic, TruncBounds};
    use crate::numerics::NumTrap;

    #[inline]
    pub fn i32_wrap_i64(a: u64) -> u32 {
        generic::i32_wrap_i64(&Concrete, &a)
    }
    #[inline]
    pub fn i64_extend_i32_s(a: u32) -> u64 {
        generic::i64_extend_i32_s(&Concrete, &a)
    }
    #[inline]
    pub fn i64_extend_i32_u(a: u32) -> u64 {
        generic::i64_extend_i32_u(&Concrete, &a)
    }

    macro_rules! trunc {
        ($($op:ident, $sat:ident: $f:ty as $fbits:ty => $i:ty, $bounds:expr, $generic:ident, $generic_sat:ident;)*) => {$(
            #[inline]
            pub fn $op(a: $fbits) -> Result<$i, NumTrap> {
                const BOUNDS: TruncBounds = $bounds;
                generic::$generic::<Concrete, $i, $f>(&Concrete, &<$f>::from_bits(a), BOUNDS)
                    .into_result()
            }
            #[inline]
            pub fn $sat(a: $fbits) -> $i {
                const BOUNDS: TruncBounds = $bounds;
                generic::$generic_sat::<Concrete, $i, $f>(&Concrete, &<$f>::from_bits(a), BOUNDS)
            }
        )*};
    }
    trunc! {
        i32_trunc_f32_s, i32_trunc_sat_f32_s: f32 as u32 => u32, generic::I32_F32_S, trunc_s, trunc_sat_s;
        i32_trunc_f32_u, i32_trunc_sat_f32_u: f32 as u32 => u32, generic::I32_F32_U, trunc_u, trunc_sat_u;
        i32_trunc_f64_s, i32_trunc_sat_f64_s: f64 as u64 => u32, generic::I32_F64_S, trunc_s, trunc_sat_s;
        i32_trunc_f64_u, i32_trunc_sat_f64_u: f64 as u64 => u32, generic::I32_F64_U, trunc_u, trunc_sat_u;
        i64_trunc_f32_s, i64_trunc_sat_f32_s: f32 as u32 => u64, generic::I64_F32_S, trunc_s, trunc_sat_s;
        i64_trunc_f32_u, i64_trunc_sat_f32_u: f32 as u32 => u64, generic::I64_F32_U, trunc_u, trunc_sat_u;
        i64_trunc_f64_s, i64_trunc_sat_f64_s: f64 as u64 => u64, generic::I64_F64_S, trunc_s, trunc_sat_s;
        i64_trunc_f64_u, i64_trunc_sat_f64_u: f64 as u64 => u64, generic::I64_F64_U, trunc_u, trunc_sat_u;
    }

    macro_rules! int_to_float {
        ($($op:ident: $i:ty => $f:ty as $fbits:ty, $generic:ident;)*) => {$(
            #[inline]
            pub fn $op(a: $i) -> $fbits {
                generic::$generic::<Concrete, $i, $f>(&Concrete, &a).to_bits()
            }
        )*};
    }
    int_to_float! {
        f32_convert_i32_s: u32 => f32 as u32, convert_s;
        f32_convert_i32_u: u32 => f32 as u32, convert_u;
        f32_convert_i64_s: u64 => f32 as u32, convert_s;
        f32_convert_i64_u: u64 => f32 as u32, convert_u;
        f64_convert_i32_s: u32 => f64 as u64, convert_s;
        f64_convert_i32_u: u32 => f64 as u64, convert_u;
        f64_convert_i64_s: u64 => f64 as u64, convert_s;
        f64_convert_i64_u: u64 => f64 as u64, convert_u;
    }

    #[inline]
    pub fn f32_demote_f64(a: u64) -> u32 {
        generic::fconvert::<Concrete, f64, f32>(&Concrete, &f64::from_bits(a)).to_bits()
    }
    #[inline]
    pub fn f64_promote_f32(a: u32) -> u64 {
        generic::fconvert::<Concrete, f32, f64>(&Concrete, &f32::from_bits(a)).to_bits()
    }
}
