//! What a counterexample shows by default: the rule's own pattern variables
//! and the compared values that differ, so a reader sees the bug at once
//! instead of every state element and intermediate width (`-v` shows all).

use super::Value;
use crate::ir::{Expr, ExprId, Query, VarId};
use serde::Serialize;

/// Most comparisons listed per counterexample.
const MAX_DIFFERENCES: usize = 4;

/// One comparison of a failed obligation that is false, in words:
/// `clif_trap = true` against `exec_trap = false`.
#[derive(Clone, Debug, Serialize)]
pub struct Difference {
    pub left: String,
    pub right: String,
    /// The variables the two sides name (for choosing which inputs matter).
    #[serde(skip)]
    pub vars: Vec<VarId>,
}

/// Whether an input named `name` is one a reader wrote: pattern variables
/// have plain names; numbered arguments (`sdiv.arg0#1`) are the verifier's
/// own and type widths (`ty.bits`) are in the type instance already.
pub fn is_pattern_variable(name: &str) -> bool {
    !name.contains('#') && !name.ends_with(".bits")
}

/// The false comparisons inside the failed obligations `failed`, found by
/// following false conjuncts, consequents and branches down to equalities.
pub fn differences(q: &Query, values: &[Option<Value>], failed: &[ExprId]) -> Vec<Difference> {
    let mut out = Vec::new();
    let mut stack: Vec<ExprId> = failed.iter().rev().copied().collect();
    let truth = |id: ExprId| matches!(values.get(id.0 as usize), Some(Some(Value::Bool(true))));
    let falsity = |id: ExprId| matches!(values.get(id.0 as usize), Some(Some(Value::Bool(false))));
    while let Some(id) = stack.pop() {
        if out.len() == MAX_DIFFERENCES {
            break;
        }
        match q.expr(id) {
            Expr::And(xs) => stack.extend(xs.iter().rev().copied().filter(|x| falsity(*x))),
            Expr::Imp(a, b) if truth(*a) => stack.push(*b),
            Expr::Ite(c, a, b) => stack.push(if truth(*c) { *a } else { *b }),
            Expr::Eq(a, b) => {
                let (left, mut vars) = describe(q, values, *a);
                let (right, more) = describe(q, values, *b);
                vars.extend(more);
                out.push(Difference { left, right, vars });
            }
            _ => {}
        }
    }
    out
}

/// `name = value` for a variable (through extensions and extractions), the
/// bare value otherwise.
fn describe(q: &Query, values: &[Option<Value>], id: ExprId) -> (String, Vec<VarId>) {
    let value = match values.get(id.0 as usize) {
        Some(Some(v)) => v.to_string(),
        _ => "?".into(),
    };
    let mut at = id;
    loop {
        match q.expr(at) {
            Expr::Var(v) => return (format!("{} = {value}", q.var(*v).name), vec![*v]),
            Expr::ZeroExt { arg, .. } | Expr::SignExt { arg, .. } | Expr::Extract { arg, .. } => at = *arg,
            _ => return (value, vec![]),
        }
    }
}
