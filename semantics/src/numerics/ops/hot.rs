//! Inline evaluation of the table's `hot` rows.
//!
//! The translator tags each numeric instruction with its [`Hot`] code next to its raw-bits
//! function pointer. For hot codes the evaluator computes the row inline (no indirect call, no
//! `Result` through memory); `Other` calls the function pointer. Both are generated from the
//! same row by the same macro ([`raw_eval`](super::raw)), so they cannot drift apart.
//!
//! The result is written to its destination in each arm (`*_into`) instead of being returned:
//! a `Result<u128, _>` merged from the inline arms and the function-pointer call lives in a
//! stack temporary that is written in 8-byte halves and copied out in one 16-byte load, a
//! store-forwarding stall on every numeric instruction.

use super::raw::{concrete_ty, raw_eval, raw_result, Raw};
use super::table::scalar_ops;
use crate::numerics::{NumResult, NumTrap};
use wasmparser::Operator;

/// The inline form of a row, or its function pointer when the row's operand count differs
/// from the call's (the translator never pairs them, but the fallback keeps the match total).
macro_rules! hot_arm {
    (un, $shape:ident, $in:ident, $out:tt, |$d:ident, $a:ident| $e:expr, $f:ident, $o:ident, $x:ident) => {
        *$o = raw_eval!($shape, $in, $out, |$d, $a| $e, $x)?
    };
    (un, $shape:ident, $in:ident, $out:tt, |$d:ident, $a:ident, $b:ident| $e:expr, $f:ident, $o:ident, $x:ident) => {
        *$o = $f($x)?
    };
    (bin, $shape:ident, $in:ident, $out:tt, |$d:ident, $a:ident, $b:ident| $e:expr, $f:ident, $o:ident, $x:ident, $y:ident) => {
        *$o = raw_eval!($shape, $in, $out, |$d, $a, $b| $e, $x, $y)?
    };
    (bin, $shape:ident, $in:ident, $out:tt, |$d:ident, $a:ident| $e:expr, $f:ident, $o:ident, $x:ident, $y:ident) => {
        *$o = $f($x, $y)?
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

            /// Writes `f(a)` to `out`, computed inline when `self` is a hot unary instruction.
            #[inline(always)]
            pub fn apply_un_into(self, f: fn(u128) -> NumResult, a: u128, out: &mut u128) -> Result<(), NumTrap> {
                match self {
                    $(Hot::$name => hot_arm!(un, $shape, $in, [$($out)?], |$d $(, $arg)+| $e, f, out, a),)*
                    Hot::Other => *out = f(a)?,
                }
                Ok(())
            }

            /// Writes `f(a, b)` to `out`, computed inline when `self` is a hot binary instruction.
            #[inline(always)]
            pub fn apply_bin_into(self, f: fn(u128, u128) -> NumResult, a: u128, b: u128, out: &mut u128) -> Result<(), NumTrap> {
                match self {
                    $(Hot::$name => hot_arm!(bin, $shape, $in, [$($out)?], |$d $(, $arg)+| $e, f, out, a, b),)*
                    Hot::Other => *out = f(a, b)?,
                }
                Ok(())
            }

            /// `f(a)`, computed inline when `self` is a hot unary instruction.
            #[inline(always)]
            pub fn apply_un(self, f: fn(u128) -> NumResult, a: u128) -> NumResult {
                let mut out = 0;
                self.apply_un_into(f, a, &mut out).map(|()| out)
            }

            /// `f(a, b)`, computed inline when `self` is a hot binary instruction.
            #[inline(always)]
            pub fn apply_bin(self, f: fn(u128, u128) -> NumResult, a: u128, b: u128) -> NumResult {
                let mut out = 0;
                self.apply_bin_into(f, a, b, &mut out).map(|()| out)
            }
        }

        #[cfg(test)]
        const HOT_OPS: &[Operator<'static>] = &[$(Operator::$name),*];
    };
}

scalar_ops!(generate_hot);

#[cfg(test)]
mod tests;
