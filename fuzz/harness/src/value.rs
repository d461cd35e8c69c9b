//! Engine-neutral values, outcomes and observable state.
//!
//! Every engine translates its own values and errors into these types so the
//! comparison code never sees an engine-specific type.

use serde::Serialize;
use std::fmt;

/// A WebAssembly value as far as a differential comparison can observe it.
/// Floats are raw bits; references only reveal whether they are null, because
/// reference identity is not comparable across engines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Val {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    V128(u128),
    FuncRef { null: bool },
    ExternRef { null: bool },
}

impl fmt::Display for Val {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Val::I32(v) => write!(f, "i32:{v}"),
            Val::I64(v) => write!(f, "i64:{v}"),
            Val::F32(b) => write!(f, "f32:{:?}(0x{b:08x})", f32::from_bits(*b)),
            Val::F64(b) => write!(f, "f64:{:?}(0x{b:016x})", f64::from_bits(*b)),
            Val::V128(b) => write!(f, "v128:0x{b:032x}"),
            Val::FuncRef { null } => write!(f, "funcref:{}", if *null { "null" } else { "non-null" }),
            Val::ExternRef { null } => write!(f, "externref:{}", if *null { "null" } else { "non-null" }),
        }
    }
}

/// Value types the harness can produce arguments for and read results of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ValKind {
    I32,
    I64,
    F32,
    F64,
    V128,
    FuncRef,
    ExternRef,
}

impl ValKind {
    /// The harness' view of a wasmparser value type; `None` for types it cannot
    /// pass across the embedding boundary (GC references, typed function refs).
    pub fn from_wasmparser(ty: wasmparser::ValType) -> Option<ValKind> {
        use wasmparser::ValType as V;
        Some(match ty {
            V::I32 => ValKind::I32,
            V::I64 => ValKind::I64,
            V::F32 => ValKind::F32,
            V::F64 => ValKind::F64,
            V::V128 => ValKind::V128,
            V::Ref(r) if r == wasmparser::RefType::FUNCREF => ValKind::FuncRef,
            V::Ref(r) if r == wasmparser::RefType::EXTERNREF => ValKind::ExternRef,
            V::Ref(_) => return None,
        })
    }
}

/// Trap kinds normalised across engines. Engines disagreeing on the kind of a
/// trap is a mismatch: the spec fixes which trap each instruction raises.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum TrapKind {
    Unreachable,
    MemoryOutOfBounds,
    /// Out-of-bounds table index, including `call_indirect` past the table end
    /// ("undefined element").
    TableOutOfBounds,
    /// `call_indirect` through a null entry ("uninitialized element").
    UninitializedElement,
    IndirectCallTypeMismatch,
    IntegerDivideByZero,
    IntegerOverflow,
    InvalidConversionToInteger,
    NullReference,
    /// Anything else, with the engine's message (compared by kind only).
    Other(String),
}

/// Resource exhaustion: never a semantic answer, only "inconclusive" unless
/// every engine is exhausted the same way.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Exhaustion {
    Fuel,
    Stack,
}

/// What one call (or one instantiation's start function) did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Outcome {
    Returned(Vec<Val>),
    Trapped(TrapKind),
    Exhausted(Exhaustion),
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Returned(vals) => {
                write!(f, "returned [")?;
                for (i, v) in vals.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{v}")?;
                }
                write!(f, "]")
            }
            Outcome::Trapped(k) => write!(f, "trapped {k:?}"),
            Outcome::Exhausted(e) => write!(f, "exhausted {e:?}"),
        }
    }
}

/// Instantiating a module: it may be rejected (decode/validate/link error),
/// its start function may trap or exhaust, or it succeeds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Instantiation {
    Ready,
    Rejected(String),
    Failed(Outcome),
}

/// Final observable state of an instance: every exported memory, global and
/// table, by export name, in export order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FinalState {
    pub memories: Vec<(String, Vec<u8>)>,
    pub globals: Vec<(String, Val)>,
    pub tables: Vec<(String, Vec<Val>)>,
}

/// Map a spec-suite trap message (what Saffron and the official test suite
/// print) to a [`TrapKind`]; exhaustion messages map to `Err`.
pub fn classify_trap_message(msg: &str) -> Result<TrapKind, Exhaustion> {
    let m = msg.to_ascii_lowercase();
    if m.contains("fuel") {
        return Err(Exhaustion::Fuel);
    }
    if m.contains("stack") && (m.contains("exhaust") || m.contains("overflow")) {
        return Err(Exhaustion::Stack);
    }
    Ok(if m.contains("unreachable") {
        TrapKind::Unreachable
    } else if m.contains("out of bounds memory") {
        TrapKind::MemoryOutOfBounds
    } else if m.contains("out of bounds table") || m.contains("undefined element") {
        TrapKind::TableOutOfBounds
    } else if m.contains("uninitialized element") {
        TrapKind::UninitializedElement
    } else if m.contains("indirect call type mismatch") || m.contains("signature mismatch") {
        TrapKind::IndirectCallTypeMismatch
    } else if m.contains("divide by zero") {
        TrapKind::IntegerDivideByZero
    } else if m.contains("integer overflow") {
        TrapKind::IntegerOverflow
    } else if m.contains("invalid conversion to integer") {
        TrapKind::InvalidConversionToInteger
    } else if m.contains("null") {
        TrapKind::NullReference
    } else {
        TrapKind::Other(msg.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_messages_classify() {
        assert_eq!(classify_trap_message("integer divide by zero"), Ok(TrapKind::IntegerDivideByZero));
        assert_eq!(classify_trap_message("undefined element"), Ok(TrapKind::TableOutOfBounds));
        assert_eq!(classify_trap_message("uninitialized element 3"), Ok(TrapKind::UninitializedElement));
        assert_eq!(classify_trap_message("call stack exhausted"), Err(Exhaustion::Stack));
        assert_eq!(classify_trap_message("out of fuel"), Err(Exhaustion::Fuel));
        assert!(matches!(classify_trap_message("something new"), Ok(TrapKind::Other(_))));
    }
}
