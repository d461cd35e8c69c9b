//! What the asserted facts fix before encoding: top-level equations, and
//! the variables they determine (substituted and folded by the encoder).

use super::types::Facts;
use super::terms::sort_of;
use crate::ir::{
    Expr, ExprId, Query, Sort, VarId,
};
use crate::ir::{eval, Bits, Value};
use std::collections::HashMap;

/// The top-level `a = b` conjuncts of the facts a query asserts.
pub(crate) fn asserted_equations(q: &Query, facts: Facts) -> Vec<(ExprId, ExprId)> {
    let mut equations = Vec::new();
    let mut stack: Vec<ExprId> = q.lhs_conditions.iter().map(|c| c.expr).collect();
    if facts == Facts::LhsAndRhs {
        stack.extend(q.rhs_assumptions.iter().map(|c| c.expr));
    }
    while let Some(e) = stack.pop() {
        match q.expr(e) {
            Expr::And(xs) => stack.extend(xs.iter().copied()),
            Expr::Eq(a, b) => equations.push((*a, *b)),
            _ => {}
        }
    }
    equations
}

/// Variables whose value the asserted `equations` fix: `v = e` and
/// `bv2nat(v) = e` with `e` determined by constants and already
/// fixed variables, to a fixpoint. Z3 substitutes `v = constant` itself, but
/// not through `bv2nat`, which otherwise leaves e.g. the divisor of
/// `(udiv x (iconst 2))` symbolic and makes Z3 bit-blast a full divider.
///
/// Sound because the defining conjuncts stay asserted: the substituted
/// query is equisatisfiable, and the model still assigns every variable.
pub(crate) fn determined_vars(q: &Query, order: &[ExprId], canon: &[ExprId], conjuncts: &[(ExprId, ExprId)]) -> HashMap<VarId, Value> {
    determined_vars_from(q, order, canon, conjuncts, HashMap::new())
}

/// [`determined_vars`], starting from the values in `known`.
pub(crate) fn determined_vars_from(
    q: &Query,
    order: &[ExprId],
    canon: &[ExprId],
    conjuncts: &[(ExprId, ExprId)],
    mut known: HashMap<VarId, Value>,
) -> HashMap<VarId, Value> {
    if conjuncts.is_empty() {
        return known;
    }
    for _round in 0..8 {
        let values = eval::partial_values(q, order, canon, &known);
        let val = |e: ExprId| values[canon[e.0 as usize].0 as usize].clone();
        let before = known.len();
        for &(a, b) in conjuncts {
            for (target, other) in [(a, b), (b, a)] {
                let Some(v) = val(other) else { continue };
                match (q.expr(target), v) {
                    (Expr::Var(x), v) if !known.contains_key(x) && sort_of(&v) == q.var(*x).sort => {
                        known.insert(*x, v);
                    }
                    (Expr::Bv2Int(inner), Value::Int(k)) => {
                        if let Expr::Var(x) = q.expr(*inner) {
                            if let (false, Sort::BitVec(w)) = (known.contains_key(x), q.var(*x).sort) {
                                if k >= 0 && (w >= 127 || k < 1i128 << w) {
                                    known.insert(*x, Value::Bv(Bits::new(w, k as u128)));
                                }
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        if known.len() == before {
            break;
        }
    }
    known
}
