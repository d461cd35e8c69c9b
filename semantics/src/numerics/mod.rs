//! WebAssembly numerics: every pure numeric instruction, written once over a value domain.
//!
//! Layout (following the spec's numerics chapter and the reference interpreter):
//! * [`domain`]: the [`Domain`](domain::Domain) trait, SMT-expressible primitives
//!   (booleans, bitvectors per width, IEEE floats, conversions); partial operations return a
//!   [`Guarded`](domain::Guarded) value carrying their trap conditions as domain booleans.
//! * [`int`], [`float`], [`convert`]: the spec operations (`iadd`, `idiv_s`, `fmin`, `fnearest`,
//!   `trunc_sat_u`, ...) generic over the domain and the width/format.
//! * [`concrete`]: the bit-exact domain [`Concrete`](concrete::Concrete) and typed functions per
//!   type (`concrete::i32::add`, `concrete::f64::nearest`, `concrete::convert::i64_trunc_f32_u`),
//!   for the interpreter's hot paths and lane-wise SIMD; floats are passed as IEEE bits.
//! * [`instr`]: instruction to spec operation over any domain ([`instr::apply`]), the mapping a
//!   symbolic domain uses.
//! * [`lookup`]: instruction to raw-bits function ([`NumericFn`]); scalar here, SIMD in [`simd`].
//!
//! Raw bits: i32 in the low 32 bits of a `u128` (upper bits zero), i64 in the low 64,
//! f32/f64 as IEEE bits, v128 all 128 bits. Boolean results are i32 0/1.
//!
//! ```
//! use saffron_semantics::numerics::{concrete, domain::Guarded, int, lookup, NumTrap, NumericFn};
//! use wasmparser::Operator;
//!
//! // Typed concrete functions (floats as bits):
//! assert_eq!(concrete::i32::rotl(0x8000_0001, 33), 0x0000_0003);
//! assert_eq!(concrete::i32::div_s(0x8000_0000, u32::MAX), Err(NumTrap::Overflow));
//! assert_eq!(concrete::f32::nearest((-0.5f32).to_bits()), (-0.0f32).to_bits());
//!
//! // The generic operation, instantiated by hand in the concrete domain:
//! let q: Guarded<bool, u64, 1> = int::idiv_u(&concrete::Concrete, &7u64, &0u64);
//! assert_eq!(q.into_result(), Err(NumTrap::DivideByZero));
//!
//! // What the interpreter does: look the instruction up once, apply it on raw bits.
//! let Some(NumericFn::Bin(sub)) = lookup(&Operator::I64Sub) else { panic!() };
//! assert_eq!(sub(1, 2), Ok(u64::MAX as u128));
//! let Some(NumericFn::Un(trunc)) = lookup(&Operator::I32TruncF64U) else { panic!() };
//! assert_eq!(trunc((-1.0f64).to_bits() as u128), Err(NumTrap::Overflow));
//! assert_eq!(NumTrap::Overflow.to_string(), "integer overflow");
//! ```

pub mod concrete;
pub mod convert;
pub mod domain;
pub mod float;
pub mod instr;
pub mod int;
pub mod simd;

#[cfg(test)]
mod tests;

use wasmparser::Operator;

/// A numeric trap; `Display` gives the spec-suite message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NumTrap {
    DivideByZero,
    Overflow,
    InvalidConversion,
}

impl NumTrap {
    pub fn message(self) -> &'static str {
        match self {
            NumTrap::DivideByZero => "integer divide by zero",
            NumTrap::Overflow => "integer overflow",
            NumTrap::InvalidConversion => "invalid conversion to integer",
        }
    }
}

impl std::fmt::Display for NumTrap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for NumTrap {}

/// Result of a numeric instruction on raw bits.
pub type NumResult = Result<u128, NumTrap>;

/// A concrete numeric instruction on raw bits (see the module docs for the encoding).
/// `Bin(f)` is applied as `f(lhs, rhs)` with `lhs` the operand pushed first.
#[derive(Clone, Copy)]
pub enum NumericFn {
    Un(fn(u128) -> NumResult),
    Bin(fn(u128, u128) -> NumResult),
    Tern(fn(u128, u128, u128) -> NumResult),
    /// (operand, immediate): lane index, ...
    UnImm(fn(u128, u128) -> NumResult, u128),
    /// (a, b, immediate): shuffle mask, lane index, ...
    BinImm(fn(u128, u128, u128) -> NumResult, u128),
}

impl std::fmt::Debug for NumericFn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NumericFn::Un(_) => f.write_str("Un"),
            NumericFn::Bin(_) => f.write_str("Bin"),
            NumericFn::Tern(_) => f.write_str("Tern"),
            NumericFn::UnImm(_, imm) => write!(f, "UnImm({imm:#x})"),
            NumericFn::BinImm(_, imm) => write!(f, "BinImm({imm:#x})"),
        }
    }
}

/// Conversion between a typed scalar and its raw-bits encoding.
trait Raw: Copy {
    fn from_raw(raw: u128) -> Self;
    fn into_raw(self) -> u128;
}

impl Raw for u32 {
    #[inline(always)]
    fn from_raw(raw: u128) -> u32 {
        raw as u32
    }
    #[inline(always)]
    fn into_raw(self) -> u128 {
        self as u128
    }
}

impl Raw for u64 {
    #[inline(always)]
    fn from_raw(raw: u128) -> u64 {
        raw as u64
    }
    #[inline(always)]
    fn into_raw(self) -> u128 {
        self as u128
    }
}

/// Booleans are i32 0/1.
impl Raw for bool {
    #[inline(always)]
    fn from_raw(raw: u128) -> bool {
        raw != 0
    }
    #[inline(always)]
    fn into_raw(self) -> u128 {
        self as u128
    }
}

macro_rules! un {
    ($f:path) => {
        NumericFn::Un(|a| Ok(Raw::into_raw($f(Raw::from_raw(a)))))
    };
}
macro_rules! un_trap {
    ($f:path) => {
        NumericFn::Un(|a| $f(Raw::from_raw(a)).map(Raw::into_raw))
    };
}
macro_rules! bin {
    ($f:path) => {
        NumericFn::Bin(|a, b| Ok(Raw::into_raw($f(Raw::from_raw(a), Raw::from_raw(b)))))
    };
}
macro_rules! bin_trap {
    ($f:path) => {
        NumericFn::Bin(|a, b| $f(Raw::from_raw(a), Raw::from_raw(b)).map(Raw::into_raw))
    };
}

/// The concrete function of a pure numeric instruction (consts excluded), or `None` if `op` is
/// not one. Scalar instructions are handled here, SIMD ones by [`simd::lookup`].
pub fn lookup(op: &Operator) -> Option<NumericFn> {
    use concrete::{convert as cv, f32 as cf32, f64 as cf64, i32 as ci32, i64 as ci64};
    use Operator as O;
    Some(match op {
        O::I32Eqz => un!(ci32::eqz),
        O::I32Eq => bin!(ci32::eq),
        O::I32Ne => bin!(ci32::ne),
        O::I32LtS => bin!(ci32::lt_s),
        O::I32LtU => bin!(ci32::lt_u),
        O::I32GtS => bin!(ci32::gt_s),
        O::I32GtU => bin!(ci32::gt_u),
        O::I32LeS => bin!(ci32::le_s),
        O::I32LeU => bin!(ci32::le_u),
        O::I32GeS => bin!(ci32::ge_s),
        O::I32GeU => bin!(ci32::ge_u),
        O::I64Eqz => NumericFn::Un(|a| Ok(ci64::eqz(a as u64) as u128)),
        O::I64Eq => NumericFn::Bin(|a, b| Ok(ci64::eq(a as u64, b as u64) as u128)),
        O::I64Ne => NumericFn::Bin(|a, b| Ok(ci64::ne(a as u64, b as u64) as u128)),
        O::I64LtS => NumericFn::Bin(|a, b| Ok(ci64::lt_s(a as u64, b as u64) as u128)),
        O::I64LtU => NumericFn::Bin(|a, b| Ok(ci64::lt_u(a as u64, b as u64) as u128)),
        O::I64GtS => NumericFn::Bin(|a, b| Ok(ci64::gt_s(a as u64, b as u64) as u128)),
        O::I64GtU => NumericFn::Bin(|a, b| Ok(ci64::gt_u(a as u64, b as u64) as u128)),
        O::I64LeS => NumericFn::Bin(|a, b| Ok(ci64::le_s(a as u64, b as u64) as u128)),
        O::I64LeU => NumericFn::Bin(|a, b| Ok(ci64::le_u(a as u64, b as u64) as u128)),
        O::I64GeS => NumericFn::Bin(|a, b| Ok(ci64::ge_s(a as u64, b as u64) as u128)),
        O::I64GeU => NumericFn::Bin(|a, b| Ok(ci64::ge_u(a as u64, b as u64) as u128)),
        O::F32Eq => NumericFn::Bin(|a, b| Ok(cf32::eq(a as u32, b as u32) as u128)),
        O::F32Ne => NumericFn::Bin(|a, b| Ok(cf32::ne(a as u32, b as u32) as u128)),
        O::F32Lt => NumericFn::Bin(|a, b| Ok(cf32::lt(a as u32, b as u32) as u128)),
        O::F32Gt => NumericFn::Bin(|a, b| Ok(cf32::gt(a as u32, b as u32) as u128)),
        O::F32Le => NumericFn::Bin(|a, b| Ok(cf32::le(a as u32, b as u32) as u128)),
        O::F32Ge => NumericFn::Bin(|a, b| Ok(cf32::ge(a as u32, b as u32) as u128)),
        O::F64Eq => NumericFn::Bin(|a, b| Ok(cf64::eq(a as u64, b as u64) as u128)),
        O::F64Ne => NumericFn::Bin(|a, b| Ok(cf64::ne(a as u64, b as u64) as u128)),
        O::F64Lt => NumericFn::Bin(|a, b| Ok(cf64::lt(a as u64, b as u64) as u128)),
        O::F64Gt => NumericFn::Bin(|a, b| Ok(cf64::gt(a as u64, b as u64) as u128)),
        O::F64Le => NumericFn::Bin(|a, b| Ok(cf64::le(a as u64, b as u64) as u128)),
        O::F64Ge => NumericFn::Bin(|a, b| Ok(cf64::ge(a as u64, b as u64) as u128)),

        O::I32Clz => un!(ci32::clz),
        O::I32Ctz => un!(ci32::ctz),
        O::I32Popcnt => un!(ci32::popcnt),
        O::I32Add => bin!(ci32::add),
        O::I32Sub => bin!(ci32::sub),
        O::I32Mul => bin!(ci32::mul),
        O::I32DivS => bin_trap!(ci32::div_s),
        O::I32DivU => bin_trap!(ci32::div_u),
        O::I32RemS => bin_trap!(ci32::rem_s),
        O::I32RemU => bin_trap!(ci32::rem_u),
        O::I32And => bin!(ci32::and),
        O::I32Or => bin!(ci32::or),
        O::I32Xor => bin!(ci32::xor),
        O::I32Shl => bin!(ci32::shl),
        O::I32ShrS => bin!(ci32::shr_s),
        O::I32ShrU => bin!(ci32::shr_u),
        O::I32Rotl => bin!(ci32::rotl),
        O::I32Rotr => bin!(ci32::rotr),
        O::I64Clz => un!(ci64::clz),
        O::I64Ctz => un!(ci64::ctz),
        O::I64Popcnt => un!(ci64::popcnt),
        O::I64Add => bin!(ci64::add),
        O::I64Sub => bin!(ci64::sub),
        O::I64Mul => bin!(ci64::mul),
        O::I64DivS => bin_trap!(ci64::div_s),
        O::I64DivU => bin_trap!(ci64::div_u),
        O::I64RemS => bin_trap!(ci64::rem_s),
        O::I64RemU => bin_trap!(ci64::rem_u),
        O::I64And => bin!(ci64::and),
        O::I64Or => bin!(ci64::or),
        O::I64Xor => bin!(ci64::xor),
        O::I64Shl => bin!(ci64::shl),
        O::I64ShrS => bin!(ci64::shr_s),
        O::I64ShrU => bin!(ci64::shr_u),
        O::I64Rotl => bin!(ci64::rotl),
        O::I64Rotr => bin!(ci64::rotr),
        O::I32Extend8S => NumericFn::Un(|a| Ok(ci32::extend_s(a as u32, 8) as u128)),
        O::I32Extend16S => NumericFn::Un(|a| Ok(ci32::extend_s(a as u32, 16) as u128)),
        O::I64Extend8S => NumericFn::Un(|a| Ok(ci64::extend_s(a as u64, 8) as u128)),
        O::I64Extend16S => NumericFn::Un(|a| Ok(ci64::extend_s(a as u64, 16) as u128)),
        O::I64Extend32S => NumericFn::Un(|a| Ok(ci64::extend_s(a as u64, 32) as u128)),

        O::F32Abs => un!(cf32::abs),
        O::F32Neg => un!(cf32::neg),
        O::F32Ceil => un!(cf32::ceil),
        O::F32Floor => un!(cf32::floor),
        O::F32Trunc => un!(cf32::trunc),
        O::F32Nearest => un!(cf32::nearest),
        O::F32Sqrt => un!(cf32::sqrt),
        O::F32Add => bin!(cf32::add),
        O::F32Sub => bin!(cf32::sub),
        O::F32Mul => bin!(cf32::mul),
        O::F32Div => bin!(cf32::div),
        O::F32Min => bin!(cf32::min),
        O::F32Max => bin!(cf32::max),
        O::F32Copysign => bin!(cf32::copysign),
        O::F64Abs => un!(cf64::abs),
        O::F64Neg => un!(cf64::neg),
        O::F64Ceil => un!(cf64::ceil),
        O::F64Floor => un!(cf64::floor),
        O::F64Trunc => un!(cf64::trunc),
        O::F64Nearest => un!(cf64::nearest),
        O::F64Sqrt => un!(cf64::sqrt),
        O::F64Add => bin!(cf64::add),
        O::F64Sub => bin!(cf64::sub),
        O::F64Mul => bin!(cf64::mul),
        O::F64Div => bin!(cf64::div),
        O::F64Min => bin!(cf64::min),
        O::F64Max => bin!(cf64::max),
        O::F64Copysign => bin!(cf64::copysign),

        O::I32WrapI64 => un!(cv::i32_wrap_i64),
        O::I64ExtendI32S => un!(cv::i64_extend_i32_s),
        O::I64ExtendI32U => un!(cv::i64_extend_i32_u),
        O::I32TruncF32S => un_trap!(cv::i32_trunc_f32_s),
        O::I32TruncF32U => un_trap!(cv::i32_trunc_f32_u),
        O::I32TruncF64S => un_trap!(cv::i32_trunc_f64_s),
        O::I32TruncF64U => un_trap!(cv::i32_trunc_f64_u),
        O::I64TruncF32S => un_trap!(cv::i64_trunc_f32_s),
        O::I64TruncF32U => un_trap!(cv::i64_trunc_f32_u),
        O::I64TruncF64S => un_trap!(cv::i64_trunc_f64_s),
        O::I64TruncF64U => un_trap!(cv::i64_trunc_f64_u),
        O::I32TruncSatF32S => un!(cv::i32_trunc_sat_f32_s),
        O::I32TruncSatF32U => un!(cv::i32_trunc_sat_f32_u),
        O::I32TruncSatF64S => un!(cv::i32_trunc_sat_f64_s),
        O::I32TruncSatF64U => un!(cv::i32_trunc_sat_f64_u),
        O::I64TruncSatF32S => un!(cv::i64_trunc_sat_f32_s),
        O::I64TruncSatF32U => un!(cv::i64_trunc_sat_f32_u),
        O::I64TruncSatF64S => un!(cv::i64_trunc_sat_f64_s),
        O::I64TruncSatF64U => un!(cv::i64_trunc_sat_f64_u),
        O::F32ConvertI32S => un!(cv::f32_convert_i32_s),
        O::F32ConvertI32U => un!(cv::f32_convert_i32_u),
        O::F32ConvertI64S => un!(cv::f32_convert_i64_s),
        O::F32ConvertI64U => un!(cv::f32_convert_i64_u),
        O::F64ConvertI32S => un!(cv::f64_convert_i32_s),
        O::F64ConvertI32U => un!(cv::f64_convert_i32_u),
        O::F64ConvertI64S => un!(cv::f64_convert_i64_s),
        O::F64ConvertI64U => un!(cv::f64_convert_i64_u),
        O::F32DemoteF64 => un!(cv::f32_demote_f64),
        O::F64PromoteF32 => un!(cv::f64_promote_f32),
        // Reinterpretations keep the bits; the encodings of i32/f32 (i64/f64) coincide.
        O::I32ReinterpretF32 | O::F32ReinterpretI32 => NumericFn::Un(|a| Ok(a as u32 as u128)),
        O::I64ReinterpretF64 | O::F64ReinterpretI64 => NumericFn::Un(|a| Ok(a as u64 as u128)),
        _ => return simd::lookup(op),
    })
}
