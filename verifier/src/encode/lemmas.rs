//! Valid lemmas that relate divisions of different widths.
//!
//! A narrow `sdiv` lowered through wider registers (aarch64 divides i8 and
//! i16 values as sign-extended 32-bit ones) gives a query where the left
//! side divides at 16 bits and the right side at 32 or 64. Bit-blasted, the
//! two dividers share no structure and Z3 does not finish in minutes; with
//! the lemma below the same query is unsat in milliseconds, because the
//! wide divider's low bits become the narrow divider itself.
//!
//! For `op` in `udiv`, `urem` (zero extension) and `sdiv`, `srem` (sign
//! extension), widths `n < w`, and `ext` the matching extension to `w`:
//!
//! ```text
//! x = ext(x[n-1:0]) and y = ext(y[n-1:0])
//!     => op_w(x, y)[n-1:0] = op_n(x[n-1:0], y[n-1:0])
//! ```
//!
//! It holds for all values: the exact quotient and remainder of n-bit
//! operands fit in n bits, except `sdiv(MIN, -1) = 2^(n-1)`, whose low n
//! bits are MIN, which is what the n-bit `sdiv` wraps to; and SMT-LIB's
//! division by zero (`udiv x 0` = all ones, `urem x 0` = x, `sdiv`/`srem`
//! defined through them) truncates to its n-bit counterpart. Being valid,
//! the lemmas change no query's answer, only how fast it comes (the test
//! below proves them with Z3 at small widths).

use crate::ir::{BvBinOp, ExprId};
use std::collections::BTreeSet;
use z3::ast::{Bool, BV};

/// A division the encoder built: `result = op(x, y)`.
pub(crate) struct Division {
    pub expr: ExprId,
    pub op: BvBinOp,
    pub x: BV,
    pub y: BV,
    pub result: BV,
}

fn signed(op: BvBinOp) -> bool {
    matches!(op, BvBinOp::Sdiv | BvBinOp::Srem)
}

/// `op(x, y)` for a division or remainder `op`.
pub(crate) fn apply(op: BvBinOp, x: &BV, y: &BV) -> BV {
    match op {
        BvBinOp::Udiv => x.bvudiv(y),
        BvBinOp::Urem => x.bvurem(y),
        BvBinOp::Sdiv => x.bvsdiv(y),
        _ => x.bvsrem(y),
    }
}

/// Lemmas narrowing each division to the widths at which the query divides
/// elsewhere with the same signedness (other widths would not help).
pub(crate) fn narrowing(divisions: &[Division]) -> Vec<Bool> {
    let widths = |s: bool| -> BTreeSet<u32> {
        divisions.iter().filter(|d| signed(d.op) == s).map(|d| d.result.get_size()).collect()
    };
    let (signed_widths, unsigned_widths) = (widths(true), widths(false));
    let mut out = Vec::new();
    for d in divisions {
        let s = signed(d.op);
        let w = d.result.get_size();
        for &n in if s { &signed_widths } else { &unsigned_widths } {
            if n < w {
                out.push(narrow(d, n, s));
            }
        }
    }
    out
}

fn narrow(d: &Division, n: u32, signed: bool) -> Bool {
    let w = d.result.get_size();
    let low = |v: &BV| v.extract(n - 1, 0);
    let extended = |v: &BV| {
        let l = low(v);
        if signed { l.sign_ext(w - n) } else { l.zero_ext(w - n) }
    };
    let premise = Bool::and(&[d.x.eq(extended(&d.x)), d.y.eq(extended(&d.y))]);
    premise.implies(low(&d.result).eq(apply(d.op, &low(&d.x), &low(&d.y))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use z3::{SatResult, Solver};

    /// Each lemma is valid: its negation is unsat.
    #[test]
    fn narrowing_lemmas_are_valid() {
        for (n, w) in [(4, 8), (8, 16), (3, 11)] {
            for op in [BvBinOp::Udiv, BvBinOp::Urem, BvBinOp::Sdiv, BvBinOp::Srem] {
                let (x, y) = (BV::new_const("x", w), BV::new_const("y", w));
                let result = apply(op, &x, &y);
                let d = Division { expr: ExprId(0), op, x, y, result };
                let s = Solver::new();
                s.assert(narrow(&d, n, signed(op)).not());
                assert_eq!(s.check(), SatResult::Unsat, "{op:?} at {n} of {w} bits");
            }
        }
    }

    /// A lemma with the wrong extension is not valid, so the test above can fail.
    #[test]
    fn the_wrong_extension_gives_no_lemma() {
        let (x, y) = (BV::new_const("x", 8), BV::new_const("y", 8));
        let result = x.bvsdiv(&y);
        let d = Division { expr: ExprId(0), op: BvBinOp::Sdiv, x, y, result };
        let s = Solver::new();
        s.assert(narrow(&d, 4, false).not());
        assert_eq!(s.check(), SatResult::Sat);
    }

    #[test]
    fn only_widths_divided_elsewhere_are_used() {
        let div = |op, w| {
            let (x, y) = (BV::new_const(format!("x{w}"), w), BV::new_const(format!("y{w}"), w));
            let result = apply(op, &x, &y);
            Division { expr: ExprId(0), op, x, y, result }
        };
        let ds = [div(BvBinOp::Sdiv, 16), div(BvBinOp::Sdiv, 32), div(BvBinOp::Udiv, 64)];
        // The 32-bit sdiv narrows to 16; the 64-bit udiv has no unsigned peer.
        assert_eq!(narrowing(&ds).len(), 1);
    }
}
