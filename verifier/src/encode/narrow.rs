//! Which expressions a solver call actually asserts, and which Int variables
//! it only reads through `int2bv`.
//!
//! Specs model type widths as Int (`(int2bv 64 (:bits ty))`). An Int
//! variable that is left free is fatal to Z3 4.8.12 even in trivially
//! satisfiable queries: it does not bit-blast `int2bv` of an unbounded
//! integer, and its arithmetic strategy then runs until the timeout (the
//! applicability queries of `opts/shifts.isle:84/88` took over 10 s each
//! for a satisfiable 16-bit formula).
//!
//! If every asserted use of Int variable `v` is `int2bv_w(v)` with
//! `w <= W`, then `v` can be replaced by `bv2nat(b)` for a fresh `W`-bit `b`
//! and each `int2bv_w(v)` by the low `w` bits of `b`. The two formulas are
//! equisatisfiable: `int2bv_W` maps the integers onto all of `(_ BitVec W)`,
//! and `int2bv_w(v)` is the low `w` bits of `int2bv_W(v)`, so a model of one
//! gives a model of the other (with `v = bv2nat(b)`, which is what the model
//! read-out and replay see).

use crate::ir::{Expr, ExprId, Query, Sort, VarId};
use crate::ir::Value;
use std::collections::HashMap;

/// The canonical expressions reachable from `roots` without entering folded
/// (constant) expressions, indexed by `ExprId.0`.
pub fn asserted(q: &Query, canon: &[ExprId], folded: &[Option<Value>], roots: &[ExprId]) -> Vec<bool> {
    reachable(q, canon, folded, roots, false)
}

/// [`asserted`], also skipping the branch an `ite` with a folded condition
/// does not take: the expressions whose values can matter.
pub fn live(q: &Query, canon: &[ExprId], folded: &[Option<Value>], roots: &[ExprId]) -> Vec<bool> {
    reachable(q, canon, folded, roots, true)
}

fn reachable(q: &Query, canon: &[ExprId], folded: &[Option<Value>], roots: &[ExprId], prune_ite: bool) -> Vec<bool> {
    let mut seen = vec![false; q.exprs.len()];
    let mut stack: Vec<ExprId> = roots.iter().map(|r| canon[r.0 as usize]).collect();
    while let Some(id) = stack.pop() {
        let i = id.0 as usize;
        if seen[i] {
            continue;
        }
        seen[i] = true;
        if folded[i].is_some() {
            continue;
        }
        let e = q.expr(id);
        let operands = match (prune_ite, e) {
            (true, Expr::Ite(c, a, b)) => match &folded[canon[c.0 as usize].0 as usize] {
                Some(Value::Bool(taken)) => vec![if *taken { *a } else { *b }],
                _ => e.operands(),
            },
            _ => e.operands(),
        };
        stack.extend(operands.into_iter().map(|o| canon[o.0 as usize]));
    }
    seen
}

/// Free Int variables whose every asserted use is `int2bv`, with the widest
/// such width.
pub fn int2bv_only_vars(
    q: &Query,
    canon: &[ExprId],
    folded: &[Option<Value>],
    asserted: &[bool],
    roots: &[ExprId],
) -> HashMap<VarId, u32> {
    let free_int = |id: ExprId| match q.expr(id) {
        Expr::Var(v) if q.var(*v).sort == Sort::Int && folded[id.0 as usize].is_none() => Some(*v),
        _ => None,
    };
    let mut width: HashMap<VarId, u32> = HashMap::new();
    let mut other_use: Vec<VarId> = Vec::new();
    // A root that is itself the variable is a use too (never well-sorted for
    // Int, but nothing here should rely on that).
    other_use.extend(roots.iter().filter_map(|r| free_int(canon[r.0 as usize])));
    for (i, _) in asserted.iter().enumerate().filter(|(_, a)| **a) {
        if folded[i].is_some() {
            continue;
        }
        let e = q.expr(ExprId(i as u32));
        for o in e.operands() {
            let Some(v) = free_int(canon[o.0 as usize]) else { continue };
            match e {
                Expr::Int2Bv { width: w, .. } if *w > 0 => {
                    let m = width.entry(v).or_insert(*w);
                    *m = (*m).max(*w);
                }
                _ => other_use.push(v),
            }
        }
    }
    for v in other_use {
        width.remove(&v);
    }
    width
}
