//! Instruction-level semantics over any domain: which spec operation (and which width/format)
//! each scalar numeric instruction denotes. This is the mapping a symbolic domain needs; it is
//! generated from the operator table ([`ops`](super::ops)), like the concrete
//! [`lookup`](super::lookup) it is cross-checked against in the tests.

use crate::numerics::domain::{bool_to_int, Domain, Guarded, Types};
use crate::numerics::ops::table::scalar_ops;
use crate::numerics::NumTrap;
use wasmparser::Operator;

/// A scalar value of domain `D`.
pub enum Val<D: Types> {
    I32(D::I32),
    I64(D::I64),
    F32(D::F32),
    F64(D::F64),
}

impl<D: Types> Clone for Val<D> {
    fn clone(&self) -> Self {
        match self {
            Val::I32(v) => Val::I32(v.clone()),
            Val::I64(v) => Val::I64(v.clone()),
            Val::F32(v) => Val::F32(v.clone()),
            Val::F64(v) => Val::F64(v.clone()),
        }
    }
}

/// The result of an instruction: its value unless one of `traps` holds (first one wins).
pub struct Applied<D: Domain> {
    pub value: Val<D>,
    pub traps: Vec<(<D as crate::numerics::domain::BoolOps>::Bool, NumTrap)>,
}

fn pure<D: Domain>(value: Val<D>) -> Option<Applied<D>> {
    Some(Applied {
        value,
        traps: Vec::new(),
    })
}

fn guarded<D: Domain, T, const N: usize>(
    g: Guarded<D::Bool, T, N>,
    wrap: impl FnOnce(T) -> Val<D>,
) -> Option<Applied<D>> {
    Some(Applied {
        value: wrap(g.value),
        traps: g.traps.into_iter().collect(),
    })
}

/// The result of a row of shape `$shape` with value `$v`, as a [`Val`] of its output type.
macro_rules! applied {
    ($d:ident, pure, [$out:ident], $v:expr) => {
        pure(Val::$out($v))
    };
    ($d:ident, pred, [], $v:expr) => {
        pure(Val::I32(bool_to_int::<D, D::I32>($d, &$v)))
    };
    ($d:ident, trap, [$out:ident], $v:expr) => {
        guarded($v, Val::$out)
    };
}

/// A row applied to `args` when they are as many as its operands, all of its input type.
macro_rules! apply_row {
    ($args:ident, $shape:ident, $in:ident, $out:tt, |$d:ident, $a:ident| $e:expr) => {
        match $args {
            [Val::$in($a)] => applied!($d, $shape, $out, $e),
            _ => None,
        }
    };
    ($args:ident, $shape:ident, $in:ident, $out:tt, |$d:ident, $a:ident, $b:ident| $e:expr) => {
        match $args {
            [Val::$in($a), Val::$in($b)] => applied!($d, $shape, $out, $e),
            _ => None,
        }
    };
}

macro_rules! generate_apply {
    ($($section:ident {
        $($name:ident: $shape:ident($in:ident $(=> $out:ident)?) |$d:ident $(, $arg:ident)+| $e:expr;)*
    })*) => {
        /// The semantics of the scalar numeric instruction `op` on `args` (first pushed first),
        /// or `None` if `op` is not one or the arguments have the wrong types or count.
        pub fn apply<D: Domain>(d: &D, op: &Operator, args: &[Val<D>]) -> Option<Applied<D>> {
            match op {
                $($(Operator::$name => {
                    let $d = d;
                    apply_row!(args, $shape, $in, [$($out)?], |$d $(, $arg)+| $e)
                })*)*
                _ => None,
            }
        }
    };
}

scalar_ops!(generate_apply);
