//! Counterexamples: a solver model made readable, and replayed on the
//! concrete evaluator ([`crate::ir::eval`]) to confirm it.

pub mod explain;

use crate::ir::eval::{evaluate, EvalError, Evaluation};
use crate::ir::{Condition, ExprId, Model, Query, Side, VarId, VarRole};
use serde::Serialize;

/// How the concrete evaluator judged the solver's model.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", content = "detail", rename_all = "lowercase")]
pub enum ReplayStatus {
    /// The evaluator agrees: all assumptions hold and an obligation fails.
    Replayed,
    /// The evaluator disagrees with the solver: a bug in one of them.
    Mismatch(String),
    /// The evaluator cannot evaluate this query.
    Unsupported(String),
}

#[derive(Clone, Debug, Serialize)]
pub struct Binding {
    pub name: String,
    pub value: String,
    /// Shown by default: a pattern variable, or state one of the failed
    /// comparisons reads (see [`explain`]).
    pub relevant: bool,
}

/// One ISLE term application and its values under the counterexample.
#[derive(Clone, Debug, Serialize)]
pub struct TermValue {
    pub term: String,
    pub side: Side,
    pub span: String,
    pub args: Vec<String>,
    pub result: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct FailedCondition {
    pub what: String,
    pub span: String,
}

/// A solver model made readable and checked by replay.
#[derive(Clone, Debug, Serialize)]
pub struct Counterexample {
    /// What differs between the two sides, in words.
    pub differs: Vec<explain::Difference>,
    pub inputs: Vec<Binding>,
    pub terms: Vec<TermValue>,
    /// The obligations that evaluate to false.
    pub failed: Vec<FailedCondition>,
    pub replay: ReplayStatus,
}

impl Counterexample {
    /// The solver said sat but its model could not be read.
    pub fn unreadable(_q: &Query, why: String) -> Counterexample {
        Counterexample {
            differs: vec![],
            inputs: vec![],
            terms: vec![],
            failed: vec![],
            replay: ReplayStatus::Unsupported(format!("model unreadable: {why}")),
        }
    }
}

/// Builds the counterexample display of model `m` and replays it.
pub fn counterexample(q: &Query, m: Model) -> Counterexample {
    let show = |v: VarId| {
        m.vars.get(v.0 as usize).map(|x| x.to_string()).unwrap_or_else(|| "?".into())
    };
    let mut inputs: Vec<Binding> = q
        .vars
        .iter()
        .enumerate()
        .filter(|(_, v)| matches!(v.role, VarRole::Input | VarRole::State))
        .map(|(i, v)| Binding {
            name: v.name.clone(),
            value: show(VarId(i as u32)),
            relevant: v.role == VarRole::Input && explain::is_pattern_variable(&v.name),
        })
        .collect();
    let mut terms: Vec<TermValue> = q
        .terms
        .iter()
        .map(|t| TermValue {
            term: t.term.clone(),
            side: t.side,
            span: t.span.to_string(),
            args: t.args.iter().map(|a| show(*a)).collect(),
            result: show(t.result),
        })
        .collect();
    // LHS applications first, then RHS, each in order of appearance.
    terms.sort_by_key(|t| t.side == Side::Rhs);
    let mut differs = Vec::new();
    let (failed, replay) = match evaluate(q, &m) {
        Ok(ev) => {
            let false_ones: Vec<ExprId> =
                q.obligations.iter().zip(&ev.obligations).filter(|(_, ok)| !**ok).map(|(c, _)| c.expr).collect();
            differs = explain::differences(q, &ev.values, &false_ones);
            let failed: Vec<FailedCondition> = q
                .obligations
                .iter()
                .zip(&ev.obligations)
                .filter(|(_, ok)| !**ok)
                .map(|(c, _)| FailedCondition { what: c.what.clone(), span: c.span.to_string() })
                .collect();
            let status = if ev.is_counterexample() {
                ReplayStatus::Replayed
            } else {
                ReplayStatus::Mismatch(disagreement(q, &ev))
            };
            (failed, status)
        }
        Err(EvalError::Mismatch(s)) => (vec![], ReplayStatus::Mismatch(s)),
        Err(EvalError::Unsupported(s)) => (vec![], ReplayStatus::Unsupported(s)),
    };
    // State the failed comparisons read is relevant too; a name bound twice
    // to one value (`ty.bits` of several terms) is shown once.
    let compared: std::collections::HashSet<&str> =
        differs.iter().flat_map(|d| d.vars.iter().map(|v| q.var(*v).name.as_str())).collect();
    let mut seen = std::collections::HashSet::new();
    for b in &mut inputs {
        b.relevant = (b.relevant || compared.contains(b.name.as_str())) && seen.insert((b.name.clone(), b.value.clone()));
    }
    Counterexample { differs, inputs, terms, failed, replay }
}

/// Why a model the solver calls a counterexample is not one concretely.
fn disagreement(q: &Query, ev: &Evaluation) -> String {
    let first_false = |cs: &[Condition], vals: &[bool]| {
        cs.iter().zip(vals).find(|(_, ok)| !**ok).map(|(c, _)| format!("{} at {}", c.what, c.span))
    };
    if let Some(c) = first_false(&q.lhs_conditions, &ev.lhs_conditions) {
        format!("left-hand-side condition `{c}` is false under the model")
    } else if let Some(c) = first_false(&q.rhs_assumptions, &ev.rhs_assumptions) {
        format!("right-hand-side assumption `{c}` is false under the model")
    } else {
        "every obligation holds under the model".into()
    }
}
