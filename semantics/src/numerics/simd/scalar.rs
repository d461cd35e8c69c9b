//! Adapter from the typed concrete scalar numerics (`numerics::concrete`, owned by sem-numerics)
//! to the raw-bits calling convention of Contract B (`u128` operands, `NumResult`).
//!
//! Nothing is defined here: every function forwards to the single scalar definition, so a lane
//! of `i8x16.add` *is* `concrete::i8::add`. Operands are truncated to the scalar's width;
//! predicates return 0/1.

/// Forwards binary ops of `concrete::$m` (operands of type `$u`).
macro_rules! forward_bin {
    ($m:ident, $u:ty: $($op:ident),* $(,)?) => {$(
        #[inline]
        pub fn $op(a: u128, b: u128) -> crate::numerics::NumResult {
            Ok(u128::from(crate::numerics::concrete::$m::$op(a as $u, b as $u)))
        }
    )*};
}

/// Forwards unary ops of `concrete::$m` (operand of type `$u`).
macro_rules! forward_un {
    ($m:ident, $u:ty: $($op:ident),* $(,)?) => {$(
        #[inline]
        pub fn $op(a: u128) -> crate::numerics::NumResult {
            Ok(u128::from(crate::numerics::concrete::$m::$op(a as $u)))
        }
    )*};
}

/// The lane-width integer operations the vector operators use.
pub mod i8 {
    forward_bin!(i8, u8: add, sub, shl, shr_s, shr_u);
    forward_bin!(i8, u8: eq, ne, lt_s, lt_u, gt_s, gt_u, le_s, le_u, ge_s, ge_u);
    forward_un!(i8, u8: popcnt);
}
pub mod i16 {
    forward_bin!(i16, u16: add, sub, mul, shl, shr_s, shr_u);
    forward_bin!(i16, u16: eq, ne, lt_s, lt_u, gt_s, gt_u, le_s, le_u, ge_s, ge_u);
}
pub mod i32 {
    forward_bin!(i32, u32: add, sub, mul, shl, shr_s, shr_u);
    forward_bin!(i32, u32: eq, ne, lt_s, lt_u, gt_s, gt_u, le_s, le_u, ge_s, ge_u);
}
pub mod i64 {
    forward_bin!(i64, u64: add, sub, mul, shl, shr_s, shr_u);
    forward_bin!(i64, u64: eq, ne, lt_s, gt_s, le_s, ge_s);
}

macro_rules! float_adapter {
    ($m:ident, $u:ty) => {
        pub mod $m {
            forward_bin!($m, $u: add, sub, mul, div, min, max, eq, ne, lt, gt, le, ge);
            forward_un!($m, $u: abs, neg, sqrt, ceil, floor, trunc, nearest);
        }
    };
}
float_adapter!(f32, u32);
float_adapter!(f64, u64);

/// Conversions, named like the scalar instructions.
pub mod convert {
    forward_un!(convert, u32: i32_trunc_sat_f32_s, i32_trunc_sat_f32_u);
    forward_un!(convert, u64: i32_trunc_sat_f64_s, i32_trunc_sat_f64_u);
    forward_un!(convert, u32: f32_convert_i32_s, f32_convert_i32_u);
    forward_un!(convert, u32: f64_convert_i32_s, f64_convert_i32_u);
    forward_un!(convert, u64: f32_demote_f64);
    forward_un!(convert, u32: f64_promote_f32);
}
