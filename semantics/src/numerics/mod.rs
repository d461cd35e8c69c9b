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
//! * [`ops`]: the one table of scalar numeric instructions (shape and generic definition per
//!   instruction), from which [`instr::apply`] (instruction to spec operation over any domain,
//!   the mapping a symbolic domain uses), the raw-bits functions and the evaluator's inline
//!   forms are generated.
//! * [`lookup`]: instruction to raw-bits function ([`NumericFn`]); scalar from [`ops`], SIMD in
//!   [`simd`].
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
pub mod ops;
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

/// The concrete function of a pure numeric instruction (consts excluded), or `None` if `op` is
/// not one. Scalar instructions come from the operator table ([`ops`]), SIMD ones from
/// [`simd::lookup`].
pub fn lookup(op: &Operator) -> Option<NumericFn> {
    ops::lookup_scalar(op).or_else(|| simd::lookup(op))
}
