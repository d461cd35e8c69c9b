//! Bitvector variables that asserted equations `x = y` make equal share one
//! solver constant.
//!
//! Every term application gets its own result variable, so the two sides
//! of a rule are linked by chains like `v16 = v12`, `v22 = v21 = v19`. Z3
//! substitutes those itself, but only after the encoder has built both
//! sides: `fadd(v12, v13)` on the left and `fadd(v16, v18)` on the right
//! then get two float witnesses and two floating-point adders, and proving
//! them equal means bit-blasting both (10 s for the f32/f64 constant
//! folding rules of `opts/cprop.isle`). Encoded with one representative per
//! class of equal variables, structurally equal expressions merge (see
//! [`crate::ir::dag::canonical_ids_with`]) and both sides become one term.
//!
//! Sound for the same reason as fixing determined variables: the equations
//! stay asserted, so the encoded query is equisatisfiable, and each merged
//! variable reads its value from its representative in the model. Two float
//! results merged this way have equal operands, so sharing one witness is
//! what [`crate::ir::dag`] does for identical expressions anyway.

use crate::ir::{Expr, ExprId, Query, Sort, VarId};
use crate::ir::Value;
use std::collections::HashMap;

/// For each variable, the smallest variable the top-level `equations`
/// (pairs of canonical-or-not expression ids) make it equal to; only
/// bitvector variables are merged.
pub fn representatives(q: &Query, canon: &[ExprId], equations: &[(ExprId, ExprId)]) -> Vec<VarId> {
    let mut parent: Vec<u32> = (0..q.vars.len() as u32).collect();
    fn find(parent: &mut [u32], mut v: u32) -> u32 {
        while parent[v as usize] != v {
            let up = parent[parent[v as usize] as usize];
            parent[v as usize] = up;
            v = up;
        }
        v
    }
    for &(a, b) in equations {
        let (Expr::Var(x), Expr::Var(y)) = (q.expr(canon[a.0 as usize]), q.expr(canon[b.0 as usize])) else { continue };
        let (sx, sy) = (q.var(*x).sort, q.var(*y).sort);
        if sx != sy || !matches!(sx, Sort::BitVec(_)) {
            continue;
        }
        let (rx, ry) = (find(&mut parent, x.0), find(&mut parent, y.0));
        // The smaller id is the root: representatives come before the
        // variables they stand for.
        let (lo, hi) = (rx.min(ry), rx.max(ry));
        parent[hi as usize] = lo;
    }
    (0..q.vars.len() as u32).map(|v| VarId(find(&mut parent, v))).collect()
}

/// `known` values extended to whole classes: a class is one solver term,
/// so if one member is fixed, all are (the equations force it).
pub fn share_known(rep: &[VarId], mut known: HashMap<VarId, Value>) -> HashMap<VarId, Value> {
    for (i, r) in rep.iter().enumerate() {
        if let Some(v) = known.get(&VarId(i as u32)).cloned() {
            known.entry(*r).or_insert(v);
        }
    }
    for (i, r) in rep.iter().enumerate() {
        if let Some(v) = known.get(r).cloned() {
            known.entry(VarId(i as u32)).or_insert(v);
        }
    }
    known
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::dag;
    use crate::ir::build::QueryBuilder;

    #[test]
    fn chains_of_equal_bitvectors_share_the_smallest_representative() {
        let mut b = QueryBuilder::new("alias", "bv 32");
        let s = Sort::BitVec(32);
        let (x, y, z) = (b.input("x", s), b.input("y", s), b.input("z", s));
        let n = b.input("n", Sort::Int);
        let m = b.input("m", Sort::Int);
        let (zy, yx, nm) = (b.e(Expr::Eq(z, y)), b.e(Expr::Eq(y, x)), b.e(Expr::Eq(n, m)));
        b.lhs(zy, "match").lhs(yx, "match").lhs(nm, "match");
        let q = b.build();
        let order = dag::topo_order(&q).unwrap();
        let canon = dag::canonical_ids(&q, &order);
        let eqs = [(z, y), (y, x), (n, m)];
        let rep = representatives(&q, &canon, &eqs);
        assert_eq!(rep, vec![VarId(0), VarId(0), VarId(0), VarId(3), VarId(4)], "Int variables stay apart");
    }
}
