//! Chains of shifts of one kind, encoded as one shift by the exact sum of
//! their amounts.
//!
//! Rules like `(ishl (ishl x k1) k2) => (ishl x (iadd k1 k2))` (under
//! `k1 + k2 < w`) compare nested shifts with one shift by a sum. Encoded
//! literally, both sides are barrel shifters the solver must relate
//! through an adder: at 64 bits Z3 needs about 3 s per instance (10 s and
//! a timeout under load, even with a case split on the amounts). The same
//! query with the nested shifts written as one shift by the sum is decided
//! in about 30 ms: both sides then share the adder and the shifter.
//!
//! The identities, for `w`-bit `x` and amounts `a`, `b` as unsigned
//! integers (any size; SMT-LIB shifts by `>= w` give 0, or all sign bits):
//!
//! - `shl(shl(x, a), b) = x * 2^(a+b) mod 2^w`, which is `shl(x, a + b)`
//!   when `a + b < w` and 0 otherwise;
//! - `lshr(lshr(x, a), b) = floor(x / 2^(a+b))`: likewise;
//! - `ashr(ashr(x, a), b) = floor(x_signed / 2^(a+b))`: `ashr(x, a + b)`
//!   when `a + b < w`, else `ashr(x, w - 1)`.
//!
//! The sum is taken wide enough never to wrap. Addition commutes, so the
//! amounts are sorted: `(x << a) << c` and `(x << c) << a` become the same
//! term. Term results are variables bound by asserted equations, so a
//! chain looks through variables defined as a shift of the same kind,
//! with the same soundness argument and encoding-order edges as the rotate
//! normal form (see `super::rotate`): every step is an identity or replaces
//! a variable by its definition, which holds in every model of the asserted
//! facts, so sat and unsat answers both carry over.

use super::rotate;
use super::terms::{bv_const, shift_amount};
use crate::ir::{BvBinOp, Expr, ExprId, Query, VarId};
use crate::ir::Value;
use std::collections::{HashMap, HashSet};
use z3::ast::BV;

/// A shift `op` of `base` by every amount in `amounts` in turn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chain {
    pub op: BvBinOp,
    /// Canonical id of the innermost operand that is not such a shift.
    pub base: ExprId,
    /// Canonical ids of the amounts, sorted (at least two).
    pub amounts: Vec<ExprId>,
    /// Variables looked through, as (the variable's expression, its definition).
    followed: Vec<(ExprId, ExprId)>,
}

/// The chains of a query's shifts, by canonical expression id.
#[derive(Debug, Default)]
pub struct Chains(pub HashMap<ExprId, Chain>);

impl Chains {
    /// Chains of at least two shifts of one kind in `order` (canonical ids),
    /// looking through the variables `equations` define and stopping at
    /// `folded` expressions.
    pub fn new(q: &Query, order: &[ExprId], canon: &[ExprId], folded: &[Option<Value>], equations: &[(ExprId, ExprId)]) -> Chains {
        let c = |e: ExprId| canon[e.0 as usize];
        let defs = rotate::definitions(q, canon, equations);
        let is_shift = |e: ExprId, op: BvBinOp| matches!(q.expr(e), Expr::BvBin(o, ..) if *o == op) && folded[e.0 as usize].is_none();
        let mut chains = HashMap::new();
        for &id in order {
            if c(id) != id {
                continue;
            }
            let Expr::BvBin(op @ (BvBinOp::Shl | BvBinOp::Lshr | BvBinOp::Ashr), ..) = q.expr(id) else { continue };
            if !is_shift(id, *op) {
                continue;
            }
            let (mut amounts, mut followed, mut seen) = (Vec::new(), Vec::new(), HashSet::<VarId>::new());
            let mut cur = id;
            let base = loop {
                match q.expr(cur) {
                    Expr::BvBin(o, x, a) if *o == *op && is_shift(cur, *op) => {
                        amounts.push(c(*a));
                        cur = c(*x);
                    }
                    Expr::Var(v) => match defs.get(v) {
                        Some(&(var, def)) if is_shift(def, *op) && seen.insert(*v) => {
                            followed.push((var, def));
                            cur = def;
                        }
                        _ => break cur,
                    },
                    _ => break cur,
                }
            };
            if amounts.len() < 2 {
                continue;
            }
            amounts.sort();
            followed.sort();
            followed.dedup();
            chains.insert(id, Chain { op: *op, base, amounts, followed });
        }
        Chains(chains)
    }

    /// Adds the edges "shift -> base and amounts" and "followed variable ->
    /// definition" to `extra` (see `rotate::order_with`).
    pub fn add_edges(&self, extra: &mut HashMap<ExprId, Vec<ExprId>>) {
        for (&id, ch) in &self.0 {
            let e = extra.entry(id).or_default();
            e.push(ch.base);
            e.extend(ch.amounts.iter().copied());
            for &(var, def) in &ch.followed {
                extra.entry(var).or_default().push(def);
            }
        }
    }
}

/// The shift `op` of `base` by the sum of `amounts` (Z3 terms, in the
/// chain's order), as the identities above say.
pub fn encode(op: BvBinOp, base: &BV, amounts: &[BV]) -> BV {
    let w = base.get_size();
    let n = amounts.len() as u32;
    // Each amount is below 2^w, so the sum of n fits in w + ceil(log2 n) bits.
    let extra = 32 - n.saturating_sub(1).leading_zeros();
    let sum = amounts
        .iter()
        .map(|a| shift_amount(a, w).zero_ext(extra))
        .reduce(|s, a| s.bvadd(&a))
        .expect("a chain has amounts");
    let in_range = sum.bvult(&bv_const(w + extra, w as u128));
    let s = sum.extract(w - 1, 0);
    match op {
        BvBinOp::Shl => in_range.ite(&base.bvshl(&s), &bv_const(w, 0)),
        BvBinOp::Lshr => in_range.ite(&base.bvlshr(&s), &bv_const(w, 0)),
        BvBinOp::Ashr => in_range.ite(&base.bvashr(&s), &base.bvashr(&bv_const(w, (w - 1) as u128))),
        _ => unreachable!("chains are of shifts"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Side, Sort};
    use crate::ir::build::QueryBuilder;
    use crate::solve::{check, Outcome, SolveOptions};
    use std::time::Duration;

    fn opts() -> SolveOptions {
        SolveOptions { timeout: Duration::from_secs(20), rlimit: None }
    }

    /// `v = op(x, a)` asserted, then `op(v, b)` against `op(x, a + b)` at
    /// width `w` (or, `wrong`, against `op(x, a)`); `a` and `b` are masked
    /// to `w - 1` as the specs do.
    fn nested(op: BvBinOp, w: u32, guard_sum: bool, wrong: bool) -> Query {
        let s = Sort::BitVec(w);
        let mut b = QueryBuilder::new("nested", &format!("bv {w}"));
        let (x, a, c) = (b.input("x", s), b.input("a", s), b.input("b", s));
        let mask = b.bv(w, (w - 1) as u128);
        let am = b.e(Expr::BvBin(BvBinOp::And, a, mask));
        let cm = b.e(Expr::BvBin(BvBinOp::And, c, mask));
        let inner = b.e(Expr::BvBin(op, x, am));
        let v = b.term("inner", Side::Lhs, &[], inner, s);
        let outer = b.e(Expr::BvBin(op, v, cm));
        let sum = b.e(Expr::BvBin(BvBinOp::Add, am, cm));
        if guard_sum {
            let wc = b.bv(w, w as u128);
            let lt = b.e(Expr::BvCmp(crate::ir::BvCmpOp::Ult, sum, wc));
            b.lhs(lt, "sum below width");
        }
        let one = b.e(Expr::BvBin(op, x, if wrong { am } else { sum }));
        b.proving_equal(outer, one)
    }

    #[test]
    fn nested_shifts_form_one_chain() {
        let q = nested(BvBinOp::Shl, 64, true, false);
        let order = crate::ir::dag::topo_order(&q).unwrap();
        let canon = crate::ir::dag::canonical_ids(&q, &order);
        let eqs = crate::encode::asserted_equations(&q, crate::encode::Facts::LhsAndRhs);
        let folded = crate::ir::eval::partial_values(&q, &order, &canon, &HashMap::new());
        let ch = Chains::new(&q, &order, &canon, &folded, &eqs);
        assert_eq!(ch.0.len(), 1, "{ch:?}");
        assert_eq!(ch.0.values().next().unwrap().amounts.len(), 2);
    }

    /// All three kinds combine, with or without the guard `a + b < w`
    /// (masked amounts sum below `2w`, no wrap-around, and a sum `>= w`
    /// shifts everything out on both sides); the 64-bit ones took Z3
    /// seconds when encoded literally.
    #[test]
    fn combined_shifts_are_verified() {
        for op in [BvBinOp::Shl, BvBinOp::Lshr, BvBinOp::Ashr] {
            for w in [1, 8, 64] {
                for guard in [true, false] {
                    let o = check(&nested(op, w, guard, false), &opts());
                    assert!(matches!(o, Outcome::Verified), "{op:?} {w} {guard}: {o:?}");
                }
            }
        }
    }

    /// Dropping the outer amount is wrong, and the chain's encoding still
    /// finds a counterexample that replays.
    #[test]
    fn wrong_combinations_give_counterexamples() {
        for op in [BvBinOp::Shl, BvBinOp::Lshr, BvBinOp::Ashr] {
            for w in [8, 64] {
                match check(&nested(op, w, true, true), &opts()) {
                    Outcome::Counterexample(cx) => {
                        assert_eq!(cx.replay, crate::replay::ReplayStatus::Replayed, "{op:?} {w}")
                    }
                    o => panic!("{op:?} {w}: {o:?}"),
                }
            }
        }
    }
}
