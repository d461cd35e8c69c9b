//! WebAssembly numerics (work in progress: see the module docs once complete).

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

/// A concrete numeric instruction on raw bits (i32 in the low 32 bits with upper bits zero,
/// i64 in the low 64, f32/f64 as IEEE bits, v128 all 128).
#[derive(Clone, Copy)]
pub enum NumericFn {
    Un(fn(u128) -> NumResult),
    Bin(fn(u128, u128) -> NumResult),
    Tern(fn(u128, u128, u128) -> NumResult),
    UnImm(fn(u128, u128) -> NumResult, u128),
    BinImm(fn(u128, u128, u128) -> NumResult, u128),
}

/// Every pure numeric instruction (consts excluded).
pub fn lookup(_op: &Operator) -> Option<NumericFn> {
    None
}
