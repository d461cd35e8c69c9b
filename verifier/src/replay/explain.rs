//! What a counterexample shows by default: the rule's own pattern variables
//! and the compared values that differ, so a reader sees the bug at once
//! instead of every state element and intermediate width (`-v` shows all).

use crate::ir::Value;
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

impl Difference {
    /// The difference in plain words where both sides are trap states
    /// ("CLIF traps, the aarch64 code does not"), else `None`. Cranelift's
    /// shipped specs name CLIF's trap state `clif_trap` and the machine's
    /// `exec_trap`; `unit` names the machine.
    pub fn in_words(&self, unit: &str) -> Option<String> {
        let (l, lv) = self.left.split_once(" = ")?;
        let (r, rv) = self.right.split_once(" = ")?;
        let who = |name: &str| -> Option<String> {
            if !name.ends_with("trap") {
                return None;
            }
            Some(if name.starts_with("clif") { "CLIF".to_string() } else { format!("the {unit} code") })
        };
        let traps = |v: &str| match v {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        };
        let (lw, rw, lt, rt) = (who(l)?, who(r)?, traps(lv)?, traps(rv)?);
        let verb = |t: bool| if t { "traps" } else { "does not trap" };
        Some(format!("{lw} {}, {rw} {}", verb(lt), verb(rt)))
    }
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

#[cfg(test)]
mod words_tests {
    use super::Difference;

    fn d(left: &str, right: &str) -> Difference {
        Difference { left: left.into(), right: right.into(), vars: vec![] }
    }

    #[test]
    fn trap_states_read_as_words_and_other_values_do_not() {
        assert_eq!(
            d("clif_trap = true", "exec_trap = false").in_words("aarch64").as_deref(),
            Some("CLIF traps, the aarch64 code does not trap")
        );
        assert_eq!(d("result = #x80", "rd = #x00").in_words("aarch64"), None);
        assert_eq!(d("clif_trap = ?", "exec_trap = false").in_words("aarch64"), None);
    }
}
