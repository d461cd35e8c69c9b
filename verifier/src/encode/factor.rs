//! A bitwise or additive operation of two shifts by one amount, encoded as
//! the shift of the operation: `op(x << z, y << z)` as `op(x, y) << z`.
//!
//! Rules like `(isub (ishl x z) (ishl y z)) => (ishl (isub x y) z)` compare
//! two shifters and a subtractor with one of each. Bit-blasted literally the
//! SAT solver must relate them: at 64 bits Z3 needs 1-5 s per instance.
//! Factored, both sides are one shift of one operation. The identities, for
//! any amount `z` (SMT-LIB shifts by `>= w` give 0, or all sign bits):
//!
//! - `and`, `or`, `xor` act on each bit alone, and every shift moves bits
//!   by the same distance on both sides and fills with bits (0, or the
//!   operands' signs) on which the operation gives the fill of the result;
//! - `x * 2^z ± y * 2^z = (x ± y) * 2^z` modulo `2^w`: `add` and `sub`
//!   factor out of left shifts only.
//!
//! Term results are variables bound by asserted equations, so the operands
//! look through variables defined as shifts, with the soundness argument
//! and encoding-order edges of the rotate normal form (see `super::rotate`).

use super::rotate;
use super::terms::shift_amount;
use crate::ir::{BvBinOp, Expr, ExprId, Query};
use crate::ir::Value;
use std::collections::HashMap;
use z3::ast::BV;

/// `op(shift(x, amount), shift(y, amount))`, or with `op` = `Mul`,
/// `x * (1 << amount)` (then `y` is `x`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Factored {
    pub op: BvBinOp,
    pub shift: BvBinOp,
    pub x: ExprId,
    pub y: ExprId,
    pub amount: ExprId,
    followed: Vec<(ExprId, ExprId)>,
}

/// The factored operations of a query, by canonical expression id.
#[derive(Debug, Default)]
pub struct Forms(pub HashMap<ExprId, Factored>);

impl Forms {
    pub fn new(q: &Query, order: &[ExprId], canon: &[ExprId], folded: &[Option<Value>], equations: &[(ExprId, ExprId)]) -> Forms {
        let c = |e: ExprId| canon[e.0 as usize];
        let defs = rotate::definitions(q, canon, equations);
        // `e` as (shift, operand, amount, the variable looked through).
        let as_shift = |e: ExprId| -> Option<(BvBinOp, ExprId, ExprId, Option<(ExprId, ExprId)>)> {
            let (e, followed) = match q.expr(e) {
                Expr::Var(v) => {
                    let &(var, def) = defs.get(v)?;
                    (def, Some((var, def)))
                }
                _ => (e, None),
            };
            match q.expr(e) {
                Expr::BvBin(s @ (BvBinOp::Shl | BvBinOp::Lshr | BvBinOp::Ashr), x, z) if folded[e.0 as usize].is_none() => {
                    Some((*s, c(*x), c(*z), followed))
                }
                _ => None,
            }
        };
        let mut forms = HashMap::new();
        for &id in order {
            if c(id) != id || folded[id.0 as usize].is_some() {
                continue;
            }
            // `x * (1 << s)` is `x << s`: `2^s mod 2^w` times `x` is
            // `x * 2^s mod 2^w`, and both are 0 once `s >= w`.
            if let Expr::BvBin(BvBinOp::Mul, a, b) = q.expr(id) {
                let one = |e: ExprId| match (&folded[e.0 as usize], q.expr(e)) {
                    (Some(Value::Bv(v)), _) => v.to_u128() == Some(1),
                    (_, Expr::Const(crate::ir::Const::BitVec { value, .. })) => *value == 1,
                    _ => false,
                };
                for (x, p) in [(c(*a), c(*b)), (c(*b), c(*a))] {
                    if let Some((BvBinOp::Shl, base, amount, followed)) = as_shift(p) {
                        if one(base) && followed.map_or(true, |(var, _)| var != id) {
                            let followed = followed.into_iter().collect();
                            forms.insert(id, Factored { op: BvBinOp::Mul, shift: BvBinOp::Shl, x, y: x, amount, followed });
                            break;
                        }
                    }
                }
                continue;
            }
            let Expr::BvBin(op @ (BvBinOp::Add | BvBinOp::Sub | BvBinOp::And | BvBinOp::Or | BvBinOp::Xor), a, b) = q.expr(id) else { continue };
            let (Some(l), Some(r)) = (as_shift(c(*a)), as_shift(c(*b))) else { continue };
            let additive = matches!(op, BvBinOp::Add | BvBinOp::Sub);
            if l.0 != r.0 || l.2 != r.2 || (additive && l.0 != BvBinOp::Shl) {
                continue;
            }
            // A variable defined through itself would make a cycle; the
            // order check rejects it, but skip the obvious case.
            let mut followed: Vec<(ExprId, ExprId)> = [l.3, r.3].into_iter().flatten().collect();
            followed.sort();
            followed.dedup();
            if followed.iter().any(|&(var, _)| var == id) {
                continue;
            }
            forms.insert(id, Factored { op: *op, shift: l.0, x: l.1, y: r.1, amount: l.2, followed });
        }
        Forms(forms)
    }

    /// Adds the edges "operation -> operands of the shifts and amount" and
    /// "followed variable -> definition" to `extra` (see `rotate::order_with`).
    pub fn add_edges(&self, extra: &mut HashMap<ExprId, Vec<ExprId>>) {
        for (&id, f) in &self.0 {
            extra.entry(id).or_default().extend([f.x, f.y, f.amount]);
            for &(var, def) in &f.followed {
                extra.entry(var).or_default().push(def);
            }
        }
    }
}

/// `shift(op(x, y), amount)` from the Z3 terms of `x`, `y` and the amount
/// (for a product by `1 << amount`, `x << amount`).
pub fn encode(f: &Factored, x: &BV, y: &BV, amount: &BV) -> BV {
    let v = match f.op {
        BvBinOp::Mul => x.clone(),
        BvBinOp::Add => x.bvadd(y),
        BvBinOp::Sub => x.bvsub(y),
        BvBinOp::And => x.bvand(y),
        BvBinOp::Or => x.bvor(y),
        _ => x.bvxor(y),
    };
    let n = shift_amount(amount, v.get_size());
    match f.shift {
        BvBinOp::Shl => v.bvshl(&n),
        BvBinOp::Lshr => v.bvlshr(&n),
        _ => v.bvashr(&n),
    }
}

#[cfg(test)]
mod tests {
    use crate::ir::{BvBinOp, Expr, Query, Side, Sort};
    use crate::replay::ReplayStatus;
    use crate::ir::build::QueryBuilder;
    use crate::solve::{check, Outcome, SolveOptions};

    /// `op(shift(x, z), shift(y, z))` (the shifts bound to term results)
    /// against `shift(op(x, y), z)` at 64 bits.
    fn factoring(op: BvBinOp, shift: BvBinOp) -> Query {
        let s = Sort::BitVec(64);
        let mut b = QueryBuilder::new("factor", "bv 64");
        let (x, y, z) = (b.input("x", s), b.input("y", s), b.input("z", s));
        let sx = b.e(Expr::BvBin(shift, x, z));
        let sx = b.term("sx", Side::Lhs, &[], sx, s);
        let sy = b.e(Expr::BvBin(shift, y, z));
        let sy = b.term("sy", Side::Lhs, &[], sy, s);
        let l = b.e(Expr::BvBin(op, sx, sy));
        let o = b.e(Expr::BvBin(op, x, y));
        let r = b.e(Expr::BvBin(shift, o, z));
        b.proving_equal(l, r)
    }

    fn opts() -> SolveOptions {
        SolveOptions { timeout: std::time::Duration::from_secs(20), rlimit: None }
    }

    #[test]
    fn operations_of_equal_shifts_verified() {
        use BvBinOp::*;
        for (op, shift) in [(Sub, Shl), (Add, Shl), (And, Shl), (Xor, Lshr), (Or, Ashr), (And, Ashr)] {
            assert!(matches!(check(&factoring(op, shift), &opts()), Outcome::Verified), "{op:?} {shift:?}");
        }
    }

    /// `x * p` with `p = 1 << z` asserted, against `x << z`, at 64 bits
    /// (opts/arithmetic.isle:181); and against `x << (z + 1)`, refuted.
    #[test]
    fn products_by_powers_of_two_are_shifts() {
        for wrong in [false, true] {
            let s = Sort::BitVec(64);
            let mut b = QueryBuilder::new("imul_pow2", "bv 64");
            let (x, z) = (b.input("x", s), b.input("z", s));
            let one = b.bv(64, 1);
            let p = b.e(Expr::BvBin(BvBinOp::Shl, one, z));
            let p = b.term("p", Side::Lhs, &[], p, s);
            let l = b.e(Expr::BvBin(BvBinOp::Mul, x, p));
            let z1 = b.e(Expr::BvBin(BvBinOp::Add, z, one));
            let r = b.e(Expr::BvBin(BvBinOp::Shl, x, if wrong { z1 } else { z }));
            match (wrong, check(&b.proving_equal(l, r), &opts())) {
                (false, Outcome::Verified) => {}
                (true, Outcome::Counterexample(cx)) => assert_eq!(cx.replay, ReplayStatus::Replayed),
                (w, o) => panic!("wrong={w}: {o:?}"),
            }
        }
    }

    /// Sums do not factor out of right shifts (carries are shifted out):
    /// not factored, and refuted.
    #[test]
    fn sums_of_right_shifts_give_counterexamples() {
        for shift in [BvBinOp::Lshr, BvBinOp::Ashr] {
            match check(&factoring(BvBinOp::Add, shift), &opts()) {
                Outcome::Counterexample(cx) => assert_eq!(cx.replay, ReplayStatus::Replayed, "{shift:?}"),
                o => panic!("{shift:?}: {o:?}"),
            }
        }
    }
}
