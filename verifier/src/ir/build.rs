//! A small builder of hand-written [`Query`]s, for tests and benchmarks of
//! the back end independent of the ISLE front end.

use super::expr::{Expr, ExprId, Sort, VarId};
use super::query::{Condition, Query, Side, TermApp, Var, VarRole};
use crate::span::Span;

pub struct QueryBuilder {
    q: Query,
    span: Span,
}

impl QueryBuilder {
    pub fn new(rule: &str, types: &str) -> QueryBuilder {
        let span = Span::new("handwritten.isle", 1, 1);
        QueryBuilder {
            q: Query::empty(rule.into(), vec![rule.into()], types.into(), span.clone()),
            span,
        }
    }

    /// Moves the span used for everything added from now on to `line`.
    pub fn at_line(&mut self, line: u32) -> &mut Self {
        self.span = Span::new("handwritten.isle", line, 1);
        self
    }

    pub fn var(&mut self, name: &str, sort: Sort, role: VarRole) -> (VarId, ExprId) {
        let v = VarId(self.q.vars.len() as u32);
        self.q.vars.push(Var { name: name.into(), sort, role, span: self.span.clone() });
        (v, self.e(Expr::Var(v)))
    }

    pub fn input(&mut self, name: &str, sort: Sort) -> ExprId {
        self.var(name, sort, VarRole::Input).1
    }

    pub fn e(&mut self, e: Expr) -> ExprId {
        self.q.exprs.push(e);
        ExprId(self.q.exprs.len() as u32 - 1)
    }

    pub fn bv(&mut self, width: u32, value: u128) -> ExprId {
        self.e(Expr::Const(crate::ir::Const::BitVec { width, value }))
    }

    /// Records a term application `term(args) = result`, binding a fresh
    /// result variable to `value`; returns the result variable's expression.
    pub fn term(&mut self, term: &str, side: Side, args: &[VarId], value: ExprId, sort: Sort) -> ExprId {
        let (r, re) = self.var(&format!("{term}_result"), sort, VarRole::TermResult);
        self.q.terms.push(TermApp { term: term.into(), side, span: self.span.clone(), args: args.to_vec(), result: r });
        let eq = self.e(Expr::Eq(re, value));
        match side {
            Side::Lhs => self.lhs(eq, "term result"),
            Side::Rhs => self.rhs(eq, "term result"),
        };
        re
    }

    fn cond(&self, expr: ExprId, what: &str) -> Condition {
        Condition { expr, span: self.span.clone(), what: what.into() }
    }
    pub fn lhs(&mut self, expr: ExprId, what: &str) -> &mut Self {
        let c = self.cond(expr, what);
        self.q.lhs_conditions.push(c);
        self
    }
    pub fn rhs(&mut self, expr: ExprId, what: &str) -> &mut Self {
        let c = self.cond(expr, what);
        self.q.rhs_assumptions.push(c);
        self
    }
    pub fn obligation(&mut self, expr: ExprId, what: &str) -> &mut Self {
        let c = self.cond(expr, what);
        self.q.obligations.push(c);
        self
    }

    pub fn build(&self) -> Query {
        self.q.clone()
    }

    /// The query with `lhs = rhs` added as its obligation ("result equality").
    pub fn proving_equal(&mut self, lhs: ExprId, rhs: ExprId) -> Query {
        let eq = self.e(Expr::Eq(lhs, rhs));
        self.obligation(eq, "result equality");
        self.build()
    }
}
