//! Inline evaluation of the table's `hot` rows.
//!
//! The translator tags each numeric instruction with its [`Hot`] code next to its raw-bits
//! function pointer. For hot codes the evaluator computes the row inline (no indirect call, no
//! `Result` through memory); `Other` calls the function pointer. Both are generated from the
//! same row by the same macro ([`raw_eval`](super::raw)), so they cannot drift apart.

use super::raw::{concrete_ty, raw_eval, raw_result, Raw};
use super::table::scalar_ops;
use crate::numerics::NumResult;
use wasmparser::Operator;

/// The inline form of a row, or its function pointer when the row's operand count differs
/// from the call's (the translator never pairs them, but the fallback keeps the match total).
macro_rules! hot_arm {
    (un, $shape:ident, $in:ident, $out:tt, |$d:ident, $a:ident| $e:expr, $f:ident, $x:ident) => {
        raw_eval!($shape, $in, $out, |$d, $a| $e, $x)
    };
    (un, $shape:ident, $in:ident, $out:tt, |$d:ident, $a:ident, $b:ident| $e:expr, $f:ident, $x:ident) => {
        $f($x)
    };
    (bin, $shape:ident, $in:ident, $out:tt, |$d:ident, $a:ident, $b:ident| $e:expr, $f:ident, $x:ident, $y:ident) => {
        raw_eval!($shape, $in, $out, |$d, $a, $b| $e, $x, $y)
    };
    (bin, $shape:ident, $in:ident, $out:tt, |$d:ident, $a:ident| $e:expr, $f:ident, $x:ident, $y:ident) => {
        $f($x, $y)
    };
}

macro_rules! generate_hot {
    (
        hot {
            $($name:ident: $shape:ident($in:ident $(=> $out:ident)?) |$d:ident $(, $arg:ident)+| $e:expr;)*
        }
        cold { $($cold:tt)* }
    ) => {
        /// A numeric instruction evaluated inline (`Other`: through its function pointer).
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[repr(u8)]
        pub enum Hot {
            Other,
            $($name),*
        }

        impl Hot {
            pub fn of(op: &Operator) -> Hot {
                match op {
                    $(Operator::$name => Hot::$name,)*
                    _ => Hot::Other,
                }
            }

            /// `f(a)`, computed inline when `self` is a hot unary instruction.
            #[inline(always)]
            pub fn apply_un(self, f: fn(u128) -> NumResult, a: u128) -> NumResult {
                match self {
                    $(Hot::$name => hot_arm!(un, $shape, $in, [$($out)?], |$d $(, $arg)+| $e, f, a),)*
                    Hot::Other => f(a),
                }
            }

            /// `f(a, b)`, computed inline when `self` is a hot binary instruction.
            #[inline(always)]
            pub fn apply_bin(self, f: fn(u128, u128) -> NumResult, a: u128, b: u128) -> NumResult {
                match self {
                    $(Hot::$name => hot_arm!(bin, $shape, $in, [$($out)?], |$d $(, $arg)+| $e, f, a, b),)*
                    Hot::Other => f(a, b),
                }
            }
        }

        #[cfg(test)]
        const HOT_OPS: &[Operator<'static>] = &[$(Operator::$name),*];
    };
}

scalar_ops!(generate_hot);

#[cfg(test)]
mod tests;
