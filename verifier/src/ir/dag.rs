//! Shape of a query's expression DAG, shared by the SMT encoder and the
//! concrete replay evaluator so both walk exactly the same thing.
//!
//! - [`topo_order`] lists every reachable expression after its operands,
//!   without recursion (expansions of big rules can be deep).
//! - [`canonical_ids`] merges structurally identical expressions. The encoder
//!   introduces one fresh "witness" bitvector per nondeterministic result (a
//!   NaN's bit pattern, an out-of-range float-to-int conversion); merging
//!   makes two occurrences of `fadd x y` share one witness, as they must, and
//!   lets replay look the witness up under the same id.

use super::expr::{Expr, ExprId, VarId};
use super::query::Query;
use std::collections::HashMap;

/// Every condition's root expression: lhs conditions, rhs assumptions, obligations.
pub fn roots(q: &Query) -> impl Iterator<Item = ExprId> + '_ {
    q.lhs_conditions
        .iter()
        .chain(&q.rhs_assumptions)
        .chain(&q.obligations)
        .map(|c| c.expr)
}

/// Post-order over the expressions reachable from the conditions (operands
/// first). Errors on dangling ids and cycles: both are front-end bugs.
pub fn topo_order(q: &Query) -> Result<Vec<ExprId>, String> {
    let roots: Vec<ExprId> = roots(q).collect();
    post_order(q, &roots, |id| q.expr(id).operands())
}

/// Post-order over the expressions reachable from `roots` along
/// `successors` (each expression after its successors), without recursion.
/// Errors on dangling ids and cycles.
pub fn post_order(q: &Query, roots: &[ExprId], successors: impl Fn(ExprId) -> Vec<ExprId>) -> Result<Vec<ExprId>, String> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let n = q.exprs.len();
    let mut mark = vec![Mark::New; n];
    let mut order = Vec::with_capacity(n);
    let check = |id: ExprId| -> Result<(), String> {
        if (id.0 as usize) < n {
            Ok(())
        } else {
            Err(format!("expression id {} out of range ({} expressions)", id.0, n))
        }
    };
    for &root in roots {
        check(root)?;
        // (expression, successors already pushed)
        let mut stack = vec![(root, false)];
        while let Some((id, expanded)) = stack.pop() {
            let i = id.0 as usize;
            if expanded {
                mark[i] = Mark::Done;
                order.push(id);
                continue;
            }
            match mark[i] {
                Mark::Done => continue,
                Mark::Open => return Err(format!("expression {} is part of a cycle", id.0)),
                Mark::New => {}
            }
            mark[i] = Mark::Open;
            stack.push((id, true));
            if let Expr::Var(v) = q.expr(id) {
                if v.0 as usize >= q.vars.len() {
                    return Err(format!("variable id {} out of range", v.0));
                }
            }
            for op in successors(id) {
                check(op)?;
                match mark[op.0 as usize] {
                    Mark::Done => {}
                    Mark::Open => return Err(format!("expression {} is part of a cycle", op.0)),
                    Mark::New => stack.push((op, false)),
                }
            }
        }
    }
    Ok(order)
}

/// For each expression id (indexable by `ExprId.0`), the id of its canonical
/// representative; only entries in `order` are meaningful.
pub fn canonical_ids(q: &Query, order: &[ExprId]) -> Vec<ExprId> {
    canonical_ids_with(q, order, |v| v)
}

/// [`canonical_ids`], with each variable read as its representative `rep(v)`
/// (see `encode::alias`): expressions that differ only in variables known to
/// be equal merge too. The representative of a class is its first member
/// in `order`.
pub fn canonical_ids_with(q: &Query, order: &[ExprId], rep: impl Fn(VarId) -> VarId) -> Vec<ExprId> {
    let mut canon: Vec<ExprId> = (0..q.exprs.len() as u32).map(ExprId).collect();
    // An expression with canonical operands is its own structural key.
    let mut seen: HashMap<Expr, ExprId> = HashMap::with_capacity(order.len());
    for &id in order {
        let e = match q.expr(id) {
            Expr::Var(v) => Expr::Var(rep(*v)),
            e => e.map_operands(|a| canon[a.0 as usize]),
        };
        let rep_id = *seen.entry(e).or_insert(id);
        canon[id.0 as usize] = rep_id;
    }
    canon
}
