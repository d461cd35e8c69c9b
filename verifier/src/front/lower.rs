//! Lowering of a fully typed [`Graph`] into the flat IR: structs become their
//! fields, enums a tag plus the fields of every variant, and `match`,
//! `switch` and `if` become `Ite`s.
//!
//! The steps, one file each: [`value`] (lowered values and the formulas
//! between them), [`node`] (structural nodes) and [`operator`] (spec
//! operators); this file holds the lowerer's state and assembles the query.

mod node;
mod operator;
mod value;

use super::graph::{Dest, Graph, NodeId, NodeKind};
use super::types::RTy;
use super::walk::Stop;
use crate::ir::{self, Const, Expr, ExprId, Query, Sort, Var, VarId, VarRole};
use crate::load::Program;
use crate::span::Span;
use std::collections::HashMap;
use value::Sym;

struct Lowerer<'a> {
    p: &'a Program,
    g: &'a Graph,
    q: Query,
    memo: HashMap<NodeId, Sym>,
    /// First scalar variable of each leaf, for term application display.
    leaf_var: HashMap<NodeId, VarId>,
    /// Tag range facts for enum-typed variables.
    well_formed: Vec<(ExprId, Span)>,
}

type R<T> = Result<T, Stop>;

impl<'a> Lowerer<'a> {
    fn mk(&mut self, e: Expr) -> ExprId {
        self.q.exprs.push(e);
        ExprId(self.q.exprs.len() as u32 - 1)
    }

    fn konst(&mut self, c: Const) -> ExprId {
        self.mk(Expr::Const(c))
    }

    fn rty(&self, n: NodeId) -> R<RTy> {
        let node = &self.g.nodes[n];
        self.g
            .store
            .resolve(node.tv)
            .ok_or_else(|| {
                let what = match &node.kind {
                    NodeKind::Leaf { name, .. } => format!("`{}`", name.split('#').next().unwrap_or(name)),
                    _ => "an expression".to_string(),
                };
                Stop::Unsupported(format!("type inference: type of {what} is underconstrained"), node.span.clone())
            })
    }

    fn var(&mut self, name: String, sort: Sort, role: VarRole, span: &Span) -> ExprId {
        self.q.vars.push(Var { name, sort, role, span: span.clone() });
        let id = VarId(self.q.vars.len() as u32 - 1);
        self.mk(Expr::Var(id))
    }

    fn lower(&mut self, n: NodeId) -> R<Sym> {
        if let Some(s) = self.memo.get(&n) {
            return Ok(s.clone());
        }
        let s = self.lower_uncached(n)?;
        self.memo.insert(n, s.clone());
        Ok(s)
    }

    fn sc(&mut self, n: NodeId) -> R<ExprId> {
        let s = self.lower(n)?;
        let span = self.g.nodes[n].span.clone();
        self.scalar(&s, &span)
    }

}

/// Lower a typed graph into a query.
pub(crate) fn lower(
    p: &Program,
    g: &Graph,
    rule: String,
    chain: Vec<String>,
    types: String,
    span: Span,
) -> Result<Query, Stop> {
    let q = Query::empty(rule, chain, types, span);
    let mut l = Lowerer { p, g, q, memo: HashMap::new(), leaf_var: HashMap::new(), well_formed: vec![] };
    // Leaves first so variables come out in a readable order.
    for (i, node) in g.nodes.iter().enumerate() {
        if matches!(node.kind, NodeKind::Leaf { .. }) {
            l.lower(i)?;
        }
    }
    for c in &g.conds {
        let e = l.sc(c.node)?;
        let cond = ir::Condition { expr: e, span: c.span.clone(), what: c.what.clone() };
        match c.dest {
            Dest::Lhs => l.q.lhs_conditions.push(cond),
            Dest::RhsAssume => l.q.rhs_assumptions.push(cond),
            Dest::Obligation => l.q.obligations.push(cond),
        }
    }
    for (e, span) in std::mem::take(&mut l.well_formed) {
        l.q.lhs_conditions.push(ir::Condition { expr: e, span, what: "enum tag in range".into() });
    }
    for app in &g.apps {
        let mut args = Vec::new();
        for a in &app.args {
            args.push(*l.leaf_var.get(a).ok_or_else(|| Stop::Error("term argument is not a variable".into(), app.span.clone()))?);
        }
        let result = *l
            .leaf_var
            .get(&app.result)
            .ok_or_else(|| Stop::Error("term result is not a variable".into(), app.span.clone()))?;
        l.q.terms.push(ir::TermApp { term: app.term.clone(), side: app.side, span: app.span.clone(), args, result });
    }
    Ok(l.q)
}