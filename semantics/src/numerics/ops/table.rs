//! The one table of scalar numeric instructions.
//!
//! Each row names a Wasm instruction, its shape and its generic definition (from
//! [`int`](crate::numerics::int), [`float`](crate::numerics::float) and
//! [`convert`](crate::numerics::convert)) as an expression over a domain `d` and operand
//! references. Shapes: `pure(In => Out)` gives a value of `Out`; `pred(In)` a domain boolean,
//! which the instruction turns into an i32 0/1; `trap(In => Out)` a
//! [`Guarded`](crate::numerics::domain::Guarded) value of `Out` with its trap conditions. The
//! number of operands is the number of closure arguments after `d` (all of type `In`).
//!
//! Rows under `hot` also get their own register instruction in the evaluator, computed inline
//! (`exec::code::Instr`); the others go through a function pointer. Every consumer is
//! generated from this table by passing its generator macro (and optionally one token tree
//! of its own) to `scalar_ops!`: the generic [`apply`](crate::numerics::instr::apply), the
//! raw-bits [`lookup`](crate::numerics::lookup), the hot instructions and their evaluation.

macro_rules! scalar_ops {
    ($generator:ident $(, $extra:tt)?) => {
        $generator! {
            $($extra)?
            hot {
                I32Add: pure(I32 => I32) |d, a, b| $crate::numerics::int::iadd(d, a, b);
                I32Sub: pure(I32 => I32) |d, a, b| $crate::numerics::int::isub(d, a, b);
                I32Mul: pure(I32 => I32) |d, a, b| $crate::numerics::int::imul(d, a, b);
                I32And: pure(I32 => I32) |d, a, b| $crate::numerics::int::iand(d, a, b);
                I32Or: pure(I32 => I32) |d, a, b| $crate::numerics::int::ior(d, a, b);
                I32Xor: pure(I32 => I32) |d, a, b| $crate::numerics::int::ixor(d, a, b);
                I32Shl: pure(I32 => I32) |d, a, b| $crate::numerics::int::ishl(d, a, b);
                I32ShrS: pure(I32 => I32) |d, a, b| $crate::numerics::int::ishr_s(d, a, b);
                I32ShrU: pure(I32 => I32) |d, a, b| $crate::numerics::int::ishr_u(d, a, b);
                I32RemU: trap(I32 => I32) |d, a, b| $crate::numerics::int::irem_u(d, a, b);
                I32Eq: pred(I32) |d, a, b| $crate::numerics::int::ieq(d, a, b);
                I32Ne: pred(I32) |d, a, b| $crate::numerics::int::ine(d, a, b);
                I32LtS: pred(I32) |d, a, b| $crate::numerics::int::ilt_s(d, a, b);
                I32LtU: pred(I32) |d, a, b| $crate::numerics::int::ilt_u(d, a, b);
                I32GtS: pred(I32) |d, a, b| $crate::numerics::int::igt_s(d, a, b);
                I32GtU: pred(I32) |d, a, b| $crate::numerics::int::igt_u(d, a, b);
                I32LeS: pred(I32) |d, a, b| $crate::numerics::int::ile_s(d, a, b);
                I32LeU: pred(I32) |d, a, b| $crate::numerics::int::ile_u(d, a, b);
                I32GeS: pred(I32) |d, a, b| $crate::numerics::int::ige_s(d, a, b);
                I32GeU: pred(I32) |d, a, b| $crate::numerics::int::ige_u(d, a, b);
                I64Add: pure(I64 => I64) |d, a, b| $crate::numerics::int::iadd(d, a, b);
                I64Sub: pure(I64 => I64) |d, a, b| $crate::numerics::int::isub(d, a, b);
                I64Mul: pure(I64 => I64) |d, a, b| $crate::numerics::int::imul(d, a, b);
                I64And: pure(I64 => I64) |d, a, b| $crate::numerics::int::iand(d, a, b);
                I64Or: pure(I64 => I64) |d, a, b| $crate::numerics::int::ior(d, a, b);
                I64Xor: pure(I64 => I64) |d, a, b| $crate::numerics::int::ixor(d, a, b);
                I64Shl: pure(I64 => I64) |d, a, b| $crate::numerics::int::ishl(d, a, b);
                I64ShrS: pure(I64 => I64) |d, a, b| $crate::numerics::int::ishr_s(d, a, b);
                I64ShrU: pure(I64 => I64) |d, a, b| $crate::numerics::int::ishr_u(d, a, b);
                I64Rotl: pure(I64 => I64) |d, a, b| $crate::numerics::int::irotl(d, a, b);
                I64Eq: pred(I64) |d, a, b| $crate::numerics::int::ieq(d, a, b);
                I64Ne: pred(I64) |d, a, b| $crate::numerics::int::ine(d, a, b);
                I64LtS: pred(I64) |d, a, b| $crate::numerics::int::ilt_s(d, a, b);
                I64LtU: pred(I64) |d, a, b| $crate::numerics::int::ilt_u(d, a, b);
                I64GtS: pred(I64) |d, a, b| $crate::numerics::int::igt_s(d, a, b);
                I64GeU: pred(I64) |d, a, b| $crate::numerics::int::ige_u(d, a, b);
                F32Add: pure(F32 => F32) |d, a, b| $crate::numerics::float::fadd(d, a, b);
                F32Sub: pure(F32 => F32) |d, a, b| $crate::numerics::float::fsub(d, a, b);
                F32Mul: pure(F32 => F32) |d, a, b| $crate::numerics::float::fmul(d, a, b);
                F64Add: pure(F64 => F64) |d, a, b| $crate::numerics::float::fadd(d, a, b);
                F64Sub: pure(F64 => F64) |d, a, b| $crate::numerics::float::fsub(d, a, b);
                F64Mul: pure(F64 => F64) |d, a, b| $crate::numerics::float::fmul(d, a, b);
                F64Div: pure(F64 => F64) |d, a, b| $crate::numerics::float::fdiv(d, a, b);
                F64Lt: pred(F64) |d, a, b| $crate::numerics::float::flt(d, a, b);
                I32Eqz: pred(I32) |d, a| $crate::numerics::int::ieqz(d, a);
                I64Eqz: pred(I64) |d, a| $crate::numerics::int::ieqz(d, a);
                I32WrapI64: pure(I64 => I32) |d, a| $crate::numerics::convert::i32_wrap_i64(d, a);
                I64ExtendI32S: pure(I32 => I64) |d, a| $crate::numerics::convert::i64_extend_i32_s(d, a);
                I64ExtendI32U: pure(I32 => I64) |d, a| $crate::numerics::convert::i64_extend_i32_u(d, a);
                F64ConvertI32S: pure(I32 => F64) |d, a| $crate::numerics::convert::convert_s(d, a);
                F64ConvertI32U: pure(I32 => F64) |d, a| $crate::numerics::convert::convert_u(d, a);
                I32Rotl: pure(I32 => I32) |d, a, b| $crate::numerics::int::irotl(d, a, b);
                I32Rotr: pure(I32 => I32) |d, a, b| $crate::numerics::int::irotr(d, a, b);
                I32Extend8S: pure(I32 => I32) |d, a| $crate::numerics::int::iextend_s(d, a, 8);
                I32Extend16S: pure(I32 => I32) |d, a| $crate::numerics::int::iextend_s(d, a, 16);
                I64GtU: pred(I64) |d, a, b| $crate::numerics::int::igt_u(d, a, b);
                I64LeS: pred(I64) |d, a, b| $crate::numerics::int::ile_s(d, a, b);
                I64LeU: pred(I64) |d, a, b| $crate::numerics::int::ile_u(d, a, b);
                I64GeS: pred(I64) |d, a, b| $crate::numerics::int::ige_s(d, a, b);
                F64Abs: pure(F64 => F64) |d, a| $crate::numerics::float::fabs(d, a);
                F64Neg: pure(F64 => F64) |d, a| $crate::numerics::float::fneg(d, a);
                F64Sqrt: pure(F64 => F64) |d, a| $crate::numerics::float::fsqrt(d, a);
                F64Eq: pred(F64) |d, a, b| $crate::numerics::float::feq(d, a, b);
                F64Ne: pred(F64) |d, a, b| $crate::numerics::float::fne(d, a, b);
                F64Gt: pred(F64) |d, a, b| $crate::numerics::float::fgt(d, a, b);
                F64Le: pred(F64) |d, a, b| $crate::numerics::float::fle(d, a, b);
                F64Ge: pred(F64) |d, a, b| $crate::numerics::float::fge(d, a, b);
            }
            cold {
                I32DivS: trap(I32 => I32) |d, a, b| $crate::numerics::int::idiv_s(d, a, b);
                I32DivU: trap(I32 => I32) |d, a, b| $crate::numerics::int::idiv_u(d, a, b);
                I32RemS: trap(I32 => I32) |d, a, b| $crate::numerics::int::irem_s(d, a, b);
                I32Clz: pure(I32 => I32) |d, a| $crate::numerics::int::iclz(d, a);
                I32Ctz: pure(I32 => I32) |d, a| $crate::numerics::int::ictz(d, a);
                I32Popcnt: pure(I32 => I32) |d, a| $crate::numerics::int::ipopcnt(d, a);
                I64DivS: trap(I64 => I64) |d, a, b| $crate::numerics::int::idiv_s(d, a, b);
                I64DivU: trap(I64 => I64) |d, a, b| $crate::numerics::int::idiv_u(d, a, b);
                I64RemS: trap(I64 => I64) |d, a, b| $crate::numerics::int::irem_s(d, a, b);
                I64RemU: trap(I64 => I64) |d, a, b| $crate::numerics::int::irem_u(d, a, b);
                I64Rotr: pure(I64 => I64) |d, a, b| $crate::numerics::int::irotr(d, a, b);
                I64Clz: pure(I64 => I64) |d, a| $crate::numerics::int::iclz(d, a);
                I64Ctz: pure(I64 => I64) |d, a| $crate::numerics::int::ictz(d, a);
                I64Popcnt: pure(I64 => I64) |d, a| $crate::numerics::int::ipopcnt(d, a);
                I64Extend8S: pure(I64 => I64) |d, a| $crate::numerics::int::iextend_s(d, a, 8);
                I64Extend16S: pure(I64 => I64) |d, a| $crate::numerics::int::iextend_s(d, a, 16);
                I64Extend32S: pure(I64 => I64) |d, a| $crate::numerics::int::iextend_s(d, a, 32);

                F32Div: pure(F32 => F32) |d, a, b| $crate::numerics::float::fdiv(d, a, b);
                F32Min: pure(F32 => F32) |d, a, b| $crate::numerics::float::fmin(d, a, b);
                F32Max: pure(F32 => F32) |d, a, b| $crate::numerics::float::fmax(d, a, b);
                F32Copysign: pure(F32 => F32) |d, a, b| $crate::numerics::float::fcopysign(d, a, b);
                F32Abs: pure(F32 => F32) |d, a| $crate::numerics::float::fabs(d, a);
                F32Neg: pure(F32 => F32) |d, a| $crate::numerics::float::fneg(d, a);
                F32Ceil: pure(F32 => F32) |d, a| $crate::numerics::float::fceil(d, a);
                F32Floor: pure(F32 => F32) |d, a| $crate::numerics::float::ffloor(d, a);
                F32Trunc: pure(F32 => F32) |d, a| $crate::numerics::float::ftrunc(d, a);
                F32Nearest: pure(F32 => F32) |d, a| $crate::numerics::float::fnearest(d, a);
                F32Sqrt: pure(F32 => F32) |d, a| $crate::numerics::float::fsqrt(d, a);
                F32Eq: pred(F32) |d, a, b| $crate::numerics::float::feq(d, a, b);
                F32Ne: pred(F32) |d, a, b| $crate::numerics::float::fne(d, a, b);
                F32Lt: pred(F32) |d, a, b| $crate::numerics::float::flt(d, a, b);
                F32Gt: pred(F32) |d, a, b| $crate::numerics::float::fgt(d, a, b);
                F32Le: pred(F32) |d, a, b| $crate::numerics::float::fle(d, a, b);
                F32Ge: pred(F32) |d, a, b| $crate::numerics::float::fge(d, a, b);
                F64Min: pure(F64 => F64) |d, a, b| $crate::numerics::float::fmin(d, a, b);
                F64Max: pure(F64 => F64) |d, a, b| $crate::numerics::float::fmax(d, a, b);
                F64Copysign: pure(F64 => F64) |d, a, b| $crate::numerics::float::fcopysign(d, a, b);
                F64Ceil: pure(F64 => F64) |d, a| $crate::numerics::float::fceil(d, a);
                F64Floor: pure(F64 => F64) |d, a| $crate::numerics::float::ffloor(d, a);
                F64Trunc: pure(F64 => F64) |d, a| $crate::numerics::float::ftrunc(d, a);
                F64Nearest: pure(F64 => F64) |d, a| $crate::numerics::float::fnearest(d, a);

                I32TruncF32S: trap(F32 => I32) |d, a| $crate::numerics::convert::trunc_s(d, a, $crate::numerics::convert::I32_F32_S);
                I32TruncF32U: trap(F32 => I32) |d, a| $crate::numerics::convert::trunc_u(d, a, $crate::numerics::convert::I32_F32_U);
                I32TruncF64S: trap(F64 => I32) |d, a| $crate::numerics::convert::trunc_s(d, a, $crate::numerics::convert::I32_F64_S);
                I32TruncF64U: trap(F64 => I32) |d, a| $crate::numerics::convert::trunc_u(d, a, $crate::numerics::convert::I32_F64_U);
                I64TruncF32S: trap(F32 => I64) |d, a| $crate::numerics::convert::trunc_s(d, a, $crate::numerics::convert::I64_F32_S);
                I64TruncF32U: trap(F32 => I64) |d, a| $crate::numerics::convert::trunc_u(d, a, $crate::numerics::convert::I64_F32_U);
                I64TruncF64S: trap(F64 => I64) |d, a| $crate::numerics::convert::trunc_s(d, a, $crate::numerics::convert::I64_F64_S);
                I64TruncF64U: trap(F64 => I64) |d, a| $crate::numerics::convert::trunc_u(d, a, $crate::numerics::convert::I64_F64_U);
                I32TruncSatF32S: pure(F32 => I32) |d, a| $crate::numerics::convert::trunc_sat_s(d, a, $crate::numerics::convert::I32_F32_S);
                I32TruncSatF32U: pure(F32 => I32) |d, a| $crate::numerics::convert::trunc_sat_u(d, a, $crate::numerics::convert::I32_F32_U);
                I32TruncSatF64S: pure(F64 => I32) |d, a| $crate::numerics::convert::trunc_sat_s(d, a, $crate::numerics::convert::I32_F64_S);
                I32TruncSatF64U: pure(F64 => I32) |d, a| $crate::numerics::convert::trunc_sat_u(d, a, $crate::numerics::convert::I32_F64_U);
                I64TruncSatF32S: pure(F32 => I64) |d, a| $crate::numerics::convert::trunc_sat_s(d, a, $crate::numerics::convert::I64_F32_S);
                I64TruncSatF32U: pure(F32 => I64) |d, a| $crate::numerics::convert::trunc_sat_u(d, a, $crate::numerics::convert::I64_F32_U);
                I64TruncSatF64S: pure(F64 => I64) |d, a| $crate::numerics::convert::trunc_sat_s(d, a, $crate::numerics::convert::I64_F64_S);
                I64TruncSatF64U: pure(F64 => I64) |d, a| $crate::numerics::convert::trunc_sat_u(d, a, $crate::numerics::convert::I64_F64_U);
                F32ConvertI32S: pure(I32 => F32) |d, a| $crate::numerics::convert::convert_s(d, a);
                F32ConvertI32U: pure(I32 => F32) |d, a| $crate::numerics::convert::convert_u(d, a);
                F32ConvertI64S: pure(I64 => F32) |d, a| $crate::numerics::convert::convert_s(d, a);
                F32ConvertI64U: pure(I64 => F32) |d, a| $crate::numerics::convert::convert_u(d, a);
                F64ConvertI64S: pure(I64 => F64) |d, a| $crate::numerics::convert::convert_s(d, a);
                F64ConvertI64U: pure(I64 => F64) |d, a| $crate::numerics::convert::convert_u(d, a);
                F32DemoteF64: pure(F64 => F32) |d, a| $crate::numerics::convert::fconvert(d, a);
                F64PromoteF32: pure(F32 => F64) |d, a| $crate::numerics::convert::fconvert(d, a);
                I32ReinterpretF32: pure(F32 => I32) |d, a| $crate::numerics::domain::FloatOps::to_bits(d, a);
                I64ReinterpretF64: pure(F64 => I64) |d, a| $crate::numerics::domain::FloatOps::to_bits(d, a);
                F32ReinterpretI32: pure(I32 => F32) |d, a| $crate::numerics::domain::FloatOps::from_bits(d, a);
                F64ReinterpretI64: pure(I64 => F64) |d, a| $crate::numerics::domain::FloatOps::from_bits(d, a);
            }
        }
    };
}

pub(crate) use scalar_ops;
