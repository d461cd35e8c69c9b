//! Traps and instantiation failures.

/// Why execution trapped; `Trap::message` carries the spec-suite text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TrapKind {
    Unreachable,
    IntegerDivideByZero,
    IntegerOverflow,
    InvalidConversion,
    MemoryOutOfBounds,
    TableOutOfBounds,
    ArrayOutOfBounds,
    UndefinedElement,
    UninitializedElement,
    IndirectCallTypeMismatch,
    NullReference,
    CastFailure,
    CallStackExhausted,
    UncaughtException,
    OutOfFuel,
    /// Growing a memory or allocating beyond what this implementation can represent.
    ResourceExhausted,
    /// The embedder called `Store::invoke` with a bad address or ill-typed arguments.
    InvalidInvocation,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Trap {
    pub kind: TrapKind,
    pub message: String,
}

impl Trap {
    pub(crate) fn new(kind: TrapKind, message: &str) -> Trap {
        Trap { kind, message: message.to_string() }
    }
    pub(crate) fn of(kind: TrapKind) -> Trap {
        let message = match kind {
            TrapKind::Unreachable => "unreachable",
            TrapKind::IntegerDivideByZero => "integer divide by zero",
            TrapKind::IntegerOverflow => "integer overflow",
            TrapKind::InvalidConversion => "invalid conversion to integer",
            TrapKind::MemoryOutOfBounds => "out of bounds memory access",
            TrapKind::TableOutOfBounds => "out of bounds table access",
            TrapKind::ArrayOutOfBounds => "out of bounds array access",
            TrapKind::UndefinedElement => "undefined element",
            TrapKind::UninitializedElement => "uninitialized element",
            TrapKind::IndirectCallTypeMismatch => "indirect call type mismatch",
            TrapKind::NullReference => "null reference",
            TrapKind::CastFailure => "cast failure",
            TrapKind::CallStackExhausted => "call stack exhausted",
            TrapKind::UncaughtException => "uncaught exception",
            TrapKind::OutOfFuel => "out of fuel",
            TrapKind::ResourceExhausted => "resource exhausted",
            TrapKind::InvalidInvocation => "invalid invocation",
        };
        Trap::new(kind, message)
    }
}

impl From<crate::numerics::NumTrap> for Trap {
    fn from(t: crate::numerics::NumTrap) -> Trap {
        use crate::numerics::NumTrap;
        Trap::of(match t {
            NumTrap::DivideByZero => TrapKind::IntegerDivideByZero,
            NumTrap::Overflow => TrapKind::IntegerOverflow,
            NumTrap::InvalidConversion => TrapKind::InvalidConversion,
        })
    }
}

/// Instantiation failure (spec §4.5.4): linking errors or a trap while initialising.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InstantiationError {
    #[error("unlinkable: {0}")]
    Unlinkable(String),
    #[error("trap: {0}")]
    Trap(Trap),
}
