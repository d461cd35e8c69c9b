//! Concrete values of the IR's sorts, and a solver model as such values.

use super::bits::Bits;
use super::expr::ExprId;
use serde::Serialize;
use std::collections::HashMap;
use std::fmt;

/// A concrete value of a variable or expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Bool(bool),
    Int(i128),
    Bv(Bits),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Bv(b) => {
                // Small values also in decimal, and as signed numbers when
                // the top bit is set (#x80 is 128 or -128): easier to read.
                let unsigned = b.to_u128().filter(|v| b.width() > 4 && *v < 1 << 16);
                let signed = b
                    .to_u128()
                    .filter(|_| (5..=128).contains(&b.width()))
                    .map(|v| (v as i128).wrapping_shl(128 - b.width()) >> (128 - b.width()))
                    .filter(|s| *s < 0 && *s >= -(1 << 15));
                match (unsigned, signed) {
                    (Some(u), Some(s)) => write!(f, "{b} ({u} or {s})"),
                    (Some(u), None) => write!(f, "{b} ({u})"),
                    (None, Some(s)) => write!(f, "{b} ({s})"),
                    (None, None) => write!(f, "{b}"),
                }
            }
        }
    }
}

impl Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Int(i) => s.serialize_str(&i.to_string()),
            Value::Bv(b) => s.serialize_str(&b.to_string()),
        }
    }
}

/// The solver's model, as concrete values.
#[derive(Clone, Debug, Default)]
pub struct Model {
    /// Indexed by `VarId.0`.
    pub vars: Vec<Value>,
    /// Witness values, keyed by canonical expression id.
    pub witnesses: HashMap<ExprId, Bits>,
}
