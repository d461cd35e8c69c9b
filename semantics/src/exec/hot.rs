//! Direct dispatch of the hottest scalar numeric instructions.
//!
//! The translator tags each numeric instruction with a `HotBin`/`HotUn` code next to its
//! `numerics::lookup` function pointer. For the codes listed here the evaluator calls the typed
//! `numerics::concrete` function inline (no indirect call, no `Result<u128, _>` through memory);
//! `Other` falls back to the function pointer. Both paths run the same numerics code, which the
//! tests below check against `lookup` on sample operands.

use wasmparser::Operator;

use super::code::{BinFn, UnFn};
use crate::numerics::concrete::{
    convert as cv, f32 as cf32, f64 as cf64, i32 as ci32, i64 as ci64,
};
use crate::numerics::NumResult;

macro_rules! hot_ops {
    (
        bin { $($bname:ident: $bop:ident => |$a:ident, $b:ident| $be:expr;)* }
        un { $($uname:ident: $uop:ident => |$x:ident| $ue:expr;)* }
    ) => {
        /// A binary numeric instruction evaluated inline (`Other`: through its function pointer).
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[repr(u8)]
        pub enum HotBin { Other, $($bname),* }

        /// A unary numeric instruction evaluated inline (`Other`: through its function pointer).
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[repr(u8)]
        pub enum HotUn { Other, $($uname),* }

        impl HotBin {
            pub fn of(op: &Operator) -> HotBin {
                match op {
                    $(Operator::$bop => HotBin::$bname,)*
                    _ => HotBin::Other,
                }
            }

            /// `f(a, b)`, computed inline when `self` is not `Other`.
            #[inline(always)]
            pub fn apply(self, f: BinFn, a: u128, b: u128) -> NumResult {
                match self {
                    $(HotBin::$bname => {
                        let ($a, $b) = (a, b);
                        Ok($be)
                    })*
                    HotBin::Other => f(a, b),
                }
            }
        }

        impl HotUn {
            pub fn of(op: &Operator) -> HotUn {
                match op {
                    $(Operator::$uop => HotUn::$uname,)*
                    _ => HotUn::Other,
                }
            }

            /// `f(a)`, computed inline when `self` is not `Other`.
            #[inline(always)]
            pub fn apply(self, f: UnFn, a: u128) -> NumResult {
                match self {
                    $(HotUn::$uname => {
                        let $x = a;
                        Ok($ue)
                    })*
                    HotUn::Other => f(a),
                }
            }
        }

        #[cfg(test)]
        const HOT_BIN_OPS: &[Operator<'static>] = &[$(Operator::$bop),*];
        #[cfg(test)]
        const HOT_UN_OPS: &[Operator<'static>] = &[$(Operator::$uop),*];
    };
}

hot_ops! {
    bin {
        I32Add: I32Add => |a, b| ci32::add(a as u32, b as u32) as u128;
        I32Sub: I32Sub => |a, b| ci32::sub(a as u32, b as u32) as u128;
        I32Mul: I32Mul => |a, b| ci32::mul(a as u32, b as u32) as u128;
        I32And: I32And => |a, b| ci32::and(a as u32, b as u32) as u128;
        I32Or: I32Or => |a, b| ci32::or(a as u32, b as u32) as u128;
        I32Xor: I32Xor => |a, b| ci32::xor(a as u32, b as u32) as u128;
        I32Shl: I32Shl => |a, b| ci32::shl(a as u32, b as u32) as u128;
        I32ShrS: I32ShrS => |a, b| ci32::shr_s(a as u32, b as u32) as u128;
        I32ShrU: I32ShrU => |a, b| ci32::shr_u(a as u32, b as u32) as u128;
        I32RemU: I32RemU => |a, b| ci32::rem_u(a as u32, b as u32)? as u128;
        I32Eq: I32Eq => |a, b| ci32::eq(a as u32, b as u32) as u128;
        I32Ne: I32Ne => |a, b| ci32::ne(a as u32, b as u32) as u128;
        I32LtS: I32LtS => |a, b| ci32::lt_s(a as u32, b as u32) as u128;
        I32LtU: I32LtU => |a, b| ci32::lt_u(a as u32, b as u32) as u128;
        I32GtS: I32GtS => |a, b| ci32::gt_s(a as u32, b as u32) as u128;
        I32GtU: I32GtU => |a, b| ci32::gt_u(a as u32, b as u32) as u128;
        I32LeS: I32LeS => |a, b| ci32::le_s(a as u32, b as u32) as u128;
        I32LeU: I32LeU => |a, b| ci32::le_u(a as u32, b as u32) as u128;
        I32GeS: I32GeS => |a, b| ci32::ge_s(a as u32, b as u32) as u128;
        I32GeU: I32GeU => |a, b| ci32::ge_u(a as u32, b as u32) as u128;
        I64Add: I64Add => |a, b| ci64::add(a as u64, b as u64) as u128;
        I64Sub: I64Sub => |a, b| ci64::sub(a as u64, b as u64) as u128;
        I64Mul: I64Mul => |a, b| ci64::mul(a as u64, b as u64) as u128;
        I64And: I64And => |a, b| ci64::and(a as u64, b as u64) as u128;
        I64Or: I64Or => |a, b| ci64::or(a as u64, b as u64) as u128;
        I64Xor: I64Xor => |a, b| ci64::xor(a as u64, b as u64) as u128;
        I64Shl: I64Shl => |a, b| ci64::shl(a as u64, b as u64) as u128;
        I64ShrS: I64ShrS => |a, b| ci64::shr_s(a as u64, b as u64) as u128;
        I64ShrU: I64ShrU => |a, b| ci64::shr_u(a as u64, b as u64) as u128;
        I64Rotl: I64Rotl => |a, b| ci64::rotl(a as u64, b as u64) as u128;
        I64Eq: I64Eq => |a, b| ci64::eq(a as u64, b as u64) as u128;
        I64Ne: I64Ne => |a, b| ci64::ne(a as u64, b as u64) as u128;
        I64LtS: I64LtS => |a, b| ci64::lt_s(a as u64, b as u64) as u128;
        I64LtU: I64LtU => |a, b| ci64::lt_u(a as u64, b as u64) as u128;
        I64GtS: I64GtS => |a, b| ci64::gt_s(a as u64, b as u64) as u128;
        I64GeU: I64GeU => |a, b| ci64::ge_u(a as u64, b as u64) as u128;
        F64Add: F64Add => |a, b| cf64::add(a as u64, b as u64) as u128;
        F64Sub: F64Sub => |a, b| cf64::sub(a as u64, b as u64) as u128;
        F64Mul: F64Mul => |a, b| cf64::mul(a as u64, b as u64) as u128;
        F64Div: F64Div => |a, b| cf64::div(a as u64, b as u64) as u128;
        F64Lt: F64Lt => |a, b| cf64::lt(a as u64, b as u64) as u128;
        F32Add: F32Add => |a, b| cf32::add(a as u32, b as u32) as u128;
        F32Sub: F32Sub => |a, b| cf32::sub(a as u32, b as u32) as u128;
        F32Mul: F32Mul => |a, b| cf32::mul(a as u32, b as u32) as u128;
    }
    un {
        I32Eqz: I32Eqz => |a| ci32::eqz(a as u32) as u128;
        I64Eqz: I64Eqz => |a| ci64::eqz(a as u64) as u128;
        I32WrapI64: I32WrapI64 => |a| cv::i32_wrap_i64(a as u64) as u128;
        I64ExtendI32S: I64ExtendI32S => |a| cv::i64_extend_i32_s(a as u32) as u128;
        I64ExtendI32U: I64ExtendI32U => |a| cv::i64_extend_i32_u(a as u32) as u128;
        F64ConvertI32S: F64ConvertI32S => |a| cv::f64_convert_i32_s(a as u32) as u128;
        F64ConvertI32U: F64ConvertI32U => |a| cv::f64_convert_i32_u(a as u32) as u128;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::numerics::{lookup, NumericFn};

    /// Operand bit patterns: edges of every width, NaNs, infinities, signed zeros, and noise.
    fn samples() -> Vec<u128> {
        let mut v: Vec<u128> = vec![
            0,
            1,
            2,
            7,
            31,
            32,
            33,
            63,
            64,
            0x7f,
            0x80,
            0xff,
            0x7fff_ffff,
            0x8000_0000,
            0xffff_ffff,
            0x7fff_ffff_ffff_ffff,
            0x8000_0000_0000_0000,
            u64::MAX as u128,
            0x7f80_0000,
            0xff80_0000,
            0x7fc0_0000,
            0x7fa0_0001,
            0x3f80_0000,
            0xbf80_0000,
            0x7ff0_0000_0000_0000,
            0xfff0_0000_0000_0000,
            0x7ff8_0000_0000_0000,
            0x7ff4_0000_0000_0001,
            0x3ff0_0000_0000_0000,
            0xc000_0000_0000_0000,
            0x4330_0000_0000_0000,
        ];
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..40 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            v.push(x as u128);
            v.push((x as u32) as u128);
        }
        v
    }

    #[test]
    fn hot_binary_ops_agree_with_lookup() {
        let s = samples();
        for op in HOT_BIN_OPS {
            let hot = HotBin::of(op);
            assert_ne!(hot, HotBin::Other, "{op:?}");
            let Some(NumericFn::Bin(f)) = lookup(op) else {
                panic!("{op:?} is not binary")
            };
            for &a in &s {
                for &b in &s {
                    // Operands as the evaluator holds them: i32/f32 zero-extended, i64/f64 in 64 bits.
                    let (a, b) = if format!("{op:?}").starts_with("I32")
                        || format!("{op:?}").starts_with("F32")
                    {
                        (a as u32 as u128, b as u32 as u128)
                    } else {
                        (a as u64 as u128, b as u64 as u128)
                    };
                    assert_eq!(
                        hot.apply(|_, _| unreachable!(), a, b),
                        f(a, b),
                        "{op:?} {a:#x} {b:#x}"
                    );
                }
            }
        }
    }

    #[test]
    fn hot_unary_ops_agree_with_lookup() {
        for op in HOT_UN_OPS {
            let hot = HotUn::of(op);
            assert_ne!(hot, HotUn::Other, "{op:?}");
            let Some(NumericFn::Un(f)) = lookup(op) else {
                panic!("{op:?} is not unary")
            };
            for a in samples() {
                let a = if format!("{op:?}").starts_with("I64Eqz")
                    || format!("{op:?}").starts_with("I32Wrap")
                {
                    a as u64 as u128
                } else {
                    a as u32 as u128
                };
                assert_eq!(hot.apply(|_| unreachable!(), a), f(a), "{op:?} {a:#x}");
            }
        }
    }

    #[test]
    fn other_ops_use_the_function_pointer() {
        assert_eq!(HotBin::of(&Operator::I32DivS), HotBin::Other);
        assert_eq!(HotBin::Other.apply(|a, b| Ok(a * 10 + b), 4, 2), Ok(42));
        assert_eq!(HotUn::Other.apply(|a| Ok(a + 1), 41), Ok(42));
    }
}
