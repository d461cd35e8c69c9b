//! The raw-bits function of each scalar numeric instruction: the table's generic definition
//! instantiated at the [`Concrete`] domain, with operands and results in the interpreter's
//! encoding (see [`numerics`](crate::numerics)).

use super::table::scalar_ops;
use crate::numerics::NumericFn;
use wasmparser::Operator;

/// Conversion between a concrete scalar and its raw-bits encoding.
pub(crate) trait Raw: Copy {
    fn from_raw(raw: u128) -> Self;
    fn into_raw(self) -> u128;
}

macro_rules! raw_via_bits {
    ($($t:ty => $bits:ty, |$x:ident| $to:expr, |$r:ident| $from:expr;)*) => {$(
        impl Raw for $t {
            #[inline(always)]
            fn from_raw($r: u128) -> $t {
                $from
            }
            #[inline(always)]
            fn into_raw(self) -> u128 {
                let $x = self;
                $to as u128
            }
        }
    )*};
}

raw_via_bits! {
    u32 => u32, |x| x, |r| r as u32;
    u64 => u64, |x| x, |r| r as u64;
    f32 => u32, |x| x.to_bits(), |r| f32::from_bits(r as u32);
    f64 => u64, |x| x.to_bits(), |r| f64::from_bits(r as u64);
    // Booleans are i32 0/1.
    bool => u32, |x| x, |r| r != 0;
}

/// The concrete (host) type of each Wasm value type in the table.
macro_rules! concrete_ty {
    (I32) => {
        u32
    };
    (I64) => {
        u64
    };
    (F32) => {
        f32
    };
    (F64) => {
        f64
    };
}
pub(crate) use concrete_ty;

/// The raw result of a row's expression `$e` of shape `$shape`.
macro_rules! raw_result {
    (pure, [$out:ident], $e:expr) => {{
        let v: concrete_ty!($out) = $e;
        Ok(Raw::into_raw(v))
    }};
    (pred, [], $e:expr) => {{
        let v: bool = $e;
        Ok(Raw::into_raw(v))
    }};
    (trap, [$out:ident], $e:expr) => {{
        let g: $crate::numerics::domain::Guarded<bool, concrete_ty!($out), _> = $e;
        g.into_result().map(Raw::into_raw)
    }};
}
pub(crate) use raw_result;

/// A row evaluated on the raw operands `$x` (and `$y`): binds the domain `$d` to [`Concrete`]
/// and the operands to their concrete values, then gives the raw result.
macro_rules! raw_eval {
    ($shape:ident, $in:ident, $out:tt, |$d:ident, $a:ident| $e:expr, $x:expr) => {{
        let $d = &$crate::numerics::concrete::Concrete;
        let $a = &<concrete_ty!($in) as Raw>::from_raw($x);
        raw_result!($shape, $out, $e)
    }};
    ($shape:ident, $in:ident, $out:tt, |$d:ident, $a:ident, $b:ident| $e:expr, $x:expr, $y:expr) => {{
        let $d = &$crate::numerics::concrete::Concrete;
        let $a = &<concrete_ty!($in) as Raw>::from_raw($x);
        let $b = &<concrete_ty!($in) as Raw>::from_raw($y);
        raw_result!($shape, $out, $e)
    }};
}

/// A row as a raw-bits function, unary or binary by its number of operands.
macro_rules! raw_fn {
    ($shape:ident, $in:ident, $out:tt, |$d:ident, $a:ident| $e:expr) => {
        NumericFn::Un(|x| raw_eval!($shape, $in, $out, |$d, $a| $e, x))
    };
    ($shape:ident, $in:ident, $out:tt, |$d:ident, $a:ident, $b:ident| $e:expr) => {
        NumericFn::Bin(|x, y| raw_eval!($shape, $in, $out, |$d, $a, $b| $e, x, y))
    };
}

macro_rules! generate_lookup {
    ($($section:ident {
        $($name:ident: $shape:ident($in:ident $(=> $out:ident)?) |$d:ident $(, $arg:ident)+| $e:expr;)*
    })*) => {
        /// The concrete function of a scalar numeric instruction, or `None` if `op` is not one.
        pub(crate) fn lookup_scalar(op: &Operator) -> Option<NumericFn> {
            Some(match op {
                $($(Operator::$name => raw_fn!($shape, $in, [$($out)?], |$d $(, $arg)+| $e),)*)*
                _ => return None,
            })
        }
    };
}

scalar_ops!(generate_lookup);
