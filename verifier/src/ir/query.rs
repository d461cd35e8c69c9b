//! A verification query: variables, the expression arena and the
//! conditions over it, with the ISLE locations they came from.

use super::expr::{Expr, ExprId, Sort, VarId};
use crate::span::Span;
use serde::Serialize;

/// Where a variable comes from; drives how a counterexample is shown.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum VarRole {
    /// A free input of the rule (a pattern variable bound on the left side).
    Input,
    /// The value of a term application (see [`TermApp`]).
    TermResult,
    /// A fresh variable introduced by a spec (`with`), or other internal value.
    Internal,
    /// A state element (e.g. the trap flag) before or after a side.
    State,
}

#[derive(Clone, Debug, Serialize)]
pub struct Var {
    pub name: String,
    pub sort: Sort,
    pub role: VarRole,
    pub span: Span,
}

/// Which side of the rule a term application or condition comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Side { Lhs, Rhs }

/// One application of an ISLE term in the expansion, kept for display: a
/// counterexample prints the value of every one.
#[derive(Clone, Debug, Serialize)]
pub struct TermApp {
    pub term: String,
    pub side: Side,
    pub span: Span,
    pub args: Vec<VarId>,
    pub result: VarId,
}

/// A boolean fact with the ISLE location it was instantiated from.
#[derive(Clone, Debug, Serialize)]
pub struct Condition {
    pub expr: ExprId,
    pub span: Span,
    /// Short human description, e.g. "require of `sdiv`" or "result equality".
    pub what: String,
}

/// One verification query: one expansion at one type instance.
///
/// - applicable  iff  `lhs_conditions` are satisfiable together;
/// - verified    iff  `lhs_conditions ∧ rhs_assumptions ∧ ¬(∧ obligations)` is unsat.
///
/// `obligations` contains the result equality (and state equalities) as well
/// as every `require` of a right-hand-side term.
#[derive(Clone, Debug, Serialize)]
pub struct Query {
    /// Name (or file:line) of the root rule of the expansion.
    pub rule: String,
    /// Rule names (or file:line) of the chain, outermost first.
    pub chain: Vec<String>,
    /// The type instance, human-readable, e.g. "(bv 32, bv 32) -> bv 32".
    pub types: String,
    pub span: Span,
    pub vars: Vec<Var>,
    pub exprs: Vec<Expr>,
    pub terms: Vec<TermApp>,
    /// Match conditions, provides and requires of left-hand-side terms.
    pub lhs_conditions: Vec<Condition>,
    /// Provides of right-hand-side terms.
    pub rhs_assumptions: Vec<Condition>,
    pub obligations: Vec<Condition>,
}

impl Query {
    /// A query with no variables, expressions or conditions yet, for the
    /// front end (or a test) to fill in.
    pub fn empty(rule: String, chain: Vec<String>, types: String, span: Span) -> Query {
        Query {
            rule,
            chain,
            types,
            span,
            vars: vec![],
            exprs: vec![],
            terms: vec![],
            lhs_conditions: vec![],
            rhs_assumptions: vec![],
            obligations: vec![],
        }
    }

    pub fn expr(&self, id: ExprId) -> &Expr {
        &self.exprs[id.0 as usize]
    }
    pub fn var(&self, id: VarId) -> &Var {
        &self.vars[id.0 as usize]
    }
}
