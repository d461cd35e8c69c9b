//! A model of the non-vacuity query found with the rule's inputs fixed.
//!
//! Why: an instance is verified only if its left side and the right side's
//! assumptions can hold together. When the concrete probe finds no witness,
//! the solver looks for one, and with free float operands Z3 bit-blasts
//! every float operation in the query (seconds for a 64-bit division, a
//! timeout on a loaded machine). With the rule's free bitvector inputs (its
//! operands) fixed to a plain value, those operations have constant
//! operands and Z3's rewriter computes them instead. Inputs an equation
//! computes from something else (`v = e` for an `e` that is not a variable:
//! a result the rule's pattern names) and integer inputs (type widths,
//! which the spec's equations fix) are left to the solver; inputs equated
//! only with each other get the same value, which keeps them equal. A model found this way is a model of the
//! unrestricted query too (it only adds equalities), so "sat" is a sound
//! answer; anything else says nothing and the unrestricted check follows.

use super::solver::assuming;
use crate::encode::{self, Encoded, Facts, Term};
use crate::ir::{Expr, ExprId, Query, VarId, VarRole};
use std::collections::HashSet;
use std::time::Duration;
use z3::ast::{Ast, BV};
use z3::SatResult;

/// Values tried for every bitvector input at once: 1 first (as a float bit pattern
/// it is a subnormal, for which no operation is special), then 0.
const INPUT_VALUES: [u64; 2] = [1, 0];

/// Whether the left side and the right-side assumptions of `q` hold together
/// for some assignment that gives every free bitvector input one of
/// [`INPUT_VALUES`].
pub(super) fn holds_with_fixed_inputs(q: &Query, enc: &Encoded, budget: Duration, rlimit: Option<u32>) -> bool {
    let computed = computed_vars(q);
    let inputs: Vec<&BV> = (0..q.vars.len() as u32)
        .map(VarId)
        .zip(&enc.vars)
        .filter_map(|(v, t)| match t {
            Term::Bv(b) if q.var(v).role == VarRole::Input && !computed.contains(&v) => Some(b),
            _ => None,
        })
        .collect();
    if inputs.is_empty() {
        return false;
    }
    INPUT_VALUES.iter().any(|&value| {
        let s = assuming(enc, budget, rlimit);
        for b in &inputs {
            s.assert(&Ast::eq(*b, &BV::from_u64(value, b.get_size())));
        }
        s.check() == SatResult::Sat
    })
}

/// Variables an asserted equation sets equal to an expression that is not a
/// plain variable.
fn computed_vars(q: &Query) -> HashSet<VarId> {
    let var = |e: ExprId| match q.expr(e) {
        Expr::Var(v) => Some(*v),
        _ => None,
    };
    let mut computed = HashSet::new();
    for (a, b) in encode::asserted_equations(q, Facts::LhsAndRhs) {
        match (var(a), var(b)) {
            (Some(v), None) | (None, Some(v)) => {
                computed.insert(v);
            }
            _ => {}
        }
    }
    computed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{BvBinOp, Expr, FpBinOp, Sort};
    use crate::ir::build::QueryBuilder;

    /// The right side assumes `t + 1 = x / y` for an internal `t` that no
    /// equation of the form `t = e` defines, so the concrete probe (which
    /// fills `t` with 0 or 1) finds no witness; with `x = y = 1` the division
    /// is a constant and the solver gives `t` at once.
    #[test]
    fn fixed_inputs_give_a_witness_the_probe_misses() {
        let s = Sort::BitVec(64);
        let mut b = QueryBuilder::new("fdiv_witness", "f64");
        let x = b.input("x", s);
        let y = b.input("y", s);
        let (_, t) = b.var("t", s, VarRole::Internal);
        let one = b.bv(64, 1);
        let t1 = b.e(Expr::BvBin(BvBinOp::Add, t, one));
        let quotient = b.e(Expr::FpBin(FpBinOp::Div, x, y));
        let assumption = b.e(Expr::Eq(t1, quotient));
        b.rhs(assumption, "t + 1 = x / y");
        let q = b.proving_equal(x, x);
        assert!(!crate::solve::probe::holds_somewhere(&q, Facts::LhsAndRhs), "the probe should need the solver here");
        let enc = encode::encode_with(&q, Facts::LhsAndRhs).unwrap();
        assert!(holds_with_fixed_inputs(&q, &enc, Duration::from_secs(5), None));
    }

    /// Assumptions that contradict each other have no witness at any inputs.
    #[test]
    fn contradictory_assumptions_have_no_witness() {
        let s = Sort::BitVec(32);
        let mut b = QueryBuilder::new("contradiction", "i32");
        let x = b.input("x", s);
        let (_, t) = b.var("t", s, VarRole::Internal);
        let sum = b.e(Expr::BvBin(BvBinOp::Add, x, t));
        let diff = b.e(Expr::BvBin(BvBinOp::Sub, x, t));
        let differ = b.e(Expr::Eq(sum, diff));
        let one = b.bv(32, 1);
        let odd = b.e(Expr::Eq(t, one));
        b.rhs(differ, "x + t = x - t").rhs(odd, "t = 1");
        let q = b.proving_equal(x, x);
        let enc = encode::encode_with(&q, Facts::LhsAndRhs).unwrap();
        assert!(!holds_with_fixed_inputs(&q, &enc, Duration::from_secs(5), None));
    }
}
