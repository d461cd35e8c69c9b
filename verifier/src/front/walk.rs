//! Walks an expansion (root rule plus chained rules) and the specs of every
//! term it applies, building the [`Graph`]: the walker's state, its small
//! node-building helpers and the entry point [`build`]. The walk itself is
//! split by concern: `rules` (patterns and expressions), `priority`
//! (negating higher-priority rules), `flags` (flags and states threaded
//! through the right side), `spec` and `spec_ops` (the spec interpreter).

use super::graph::{Cond, Deferred, Dest, Graph, NodeId, NodeKind};
use super::types::{Info, Tv};
use crate::expand::Expansion;
use crate::ir::{Side, VarRole};
use crate::load::Program;
use crate::span::Span;
use cranelift_isle::ast::{self, SpecExpr, SpecOp};
use cranelift_isle::lexer::Pos;
use cranelift_isle::sema::{self, TermId, TermKind, TypeId};
use std::collections::HashMap;

/// Why an expansion cannot become a query.
#[derive(Clone, Debug)]
pub(crate) enum Stop {
    /// A construct the verifier does not handle.
    Unsupported(String, Span),
    /// The specs themselves are inconsistent (bad arity, unknown names ...).
    Error(String, Span),
}

pub(super) type R<T> = Result<T, Stop>;

/// Term kind used for any term with a spec: applied through its spec.
pub(super) static DECL_KIND: TermKind = TermKind::Decl {
    flags: sema::TermFlags { pure: false, multi: false, partial: false, rec: false },
    constructor_kind: None,
    extractor_kind: None,
};

#[derive(Clone)]
pub(super) enum Binding {
    Node(NodeId),
    Lambda { params: Vec<ast::Ident>, body: SpecExpr, env: Env },
}

pub(super) type Env = HashMap<String, Binding>;

/// How a spec is applied: by a caller on one side, or as the contract of the root.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Invocation {
    Caller(Side),
    Callee,
}

pub(crate) struct Walker<'a> {
    pub(super) p: &'a Program,
    pub(super) exp: &'a Expansion,
    pub g: Graph,
    pub(super) states: Vec<(String, NodeId)>,
    /// Modification conditions per state, and whether a right-hand term modifies it.
    pub(super) mods: HashMap<String, (Vec<NodeId>, bool)>,
    pub(super) counter: usize,
    pub(super) macro_depth: u32,
    /// Argument leaves bound by each (extractor term, matched node) so far.
    /// ISLE extractors that are not `multi` are functions of what they
    /// match, so a second match of the same term on the same node binds the
    /// same values: negated priority rules reuse them (see `pattern`).
    pub(super) extracted: HashMap<(TermId, NodeId), Vec<NodeId>>,
    /// The condition flags after the last instruction emitted on the right
    /// side, while nothing that may emit has run since (see `track_flags`).
    pub(super) flags: Option<NodeId>,
    /// While a higher-priority rule is being negated: the provides of its
    /// extractors that have a `match`, each with the conjunction of that
    /// match. They describe the extracted values only where the extractor
    /// matches, so they are no part of "the rule matched" (see
    /// `negate_priority_rules`).
    pub(super) negated_provides: Option<Vec<(NodeId, NodeId)>>,
}

impl<'a> Walker<'a> {
    pub(super) fn span(&self, pos: Pos) -> Span {
        self.p.span(pos)
    }

    pub(super) fn err(&self, pos: Pos, msg: impl Into<String>) -> Stop {
        Stop::Error(msg.into(), self.span(pos))
    }

    pub(super) fn unsup(&self, pos: Pos, msg: impl Into<String>) -> Stop {
        Stop::Unsupported(msg.into(), self.span(pos))
    }

    pub(super) fn ty_err(&self, pos: Pos) -> impl Fn(String) -> Stop + '_ {
        move |m| Stop::Error(m, self.span(pos))
    }

    pub(super) fn unify(&mut self, a: Tv, b: Tv, pos: Pos) -> R<()> {
        self.g.store.unify(a, b).map(|_| ()).map_err(|m| self.err(pos, m))
    }

    pub(super) fn constrain(&mut self, t: Tv, info: Info, pos: Pos) -> R<()> {
        self.g.store.constrain(t, info).map(|_| ()).map_err(|m| self.err(pos, m))
    }

    pub(super) fn isle_tv(&mut self, ty: TypeId, pos: Pos) -> R<Tv> {
        let p = self.p;
        self.g.isle_tv(p, ty).map_err(|m| Stop::Unsupported(m, p.span(pos)))
    }

    pub(super) fn leaf(&mut self, name: String, role: VarRole, tv: Tv, pos: Pos) -> NodeId {
        let span = self.span(pos);
        self.g.add(NodeKind::Leaf { name, role }, tv, span)
    }

    pub(super) fn node(&mut self, kind: NodeKind, tv: Tv, pos: Pos) -> NodeId {
        let span = self.span(pos);
        self.g.add(kind, tv, span)
    }

    pub(super) fn bool_node(&mut self, b: bool, pos: Pos) -> NodeId {
        let tv = self.g.fresh_tv(Info::Bool);
        self.node(NodeKind::Bool(b), tv, pos)
    }

    pub(super) fn eq_node(&mut self, a: NodeId, b: NodeId, pos: Pos) -> R<NodeId> {
        self.unify(self.g.tv(a), self.g.tv(b), pos)?;
        let tv = self.g.fresh_tv(Info::Bool);
        Ok(self.node(NodeKind::Op(SpecOp::Eq, vec![a, b]), tv, pos))
    }

    /// Field `name` of struct-valued node `x` (its type is settled once `x`'s is).
    pub(super) fn field(&mut self, x: NodeId, name: &str, pos: Pos) -> NodeId {
        let tv = self.g.fresh_tv(Info::Unknown);
        self.g.deferred.push(Deferred::FieldOf { result: tv, x: self.g.tv(x), name: name.into() });
        self.node(NodeKind::Field(name.into(), x), tv, pos)
    }

    pub(super) fn cond(&mut self, node: NodeId, pos: Pos, what: String, dest: Dest) {
        let span = self.span(pos);
        self.g.conds.push(Cond { node, span, what, dest });
    }

    pub(super) fn fresh_name(&mut self, base: &str) -> String {
        self.counter += 1;
        format!("{base}#{}", self.counter)
    }

    /// A leaf standing for `n` (itself if it already is one), so term
    /// applications can name their arguments.
    pub(super) fn as_leaf(&mut self, n: NodeId, name: &str, side: Side, pos: Pos) -> R<NodeId> {
        if matches!(self.g.nodes[n].kind, NodeKind::Leaf { .. }) {
            return Ok(n);
        }
        let tv = self.g.tv(n);
        let role = match side {
            Side::Lhs => VarRole::Input,
            Side::Rhs => VarRole::Internal,
        };
        let name = self.fresh_name(name);
        let l = self.leaf(name, role, tv, pos);
        let eq = self.eq_node(l, n, pos)?;
        // A definition only names a value (the leaf is fresh), so it belongs
        // with the left side even when the value is computed on the right: a
        // chained rule's patterns test such names, and whether they match is
        // part of whether the expansion applies, not an assumption that could
        // make the query vacuous.
        self.cond(eq, pos, "value definition".into(), Dest::Lhs);
        Ok(l)
    }
}

pub(crate) fn build(p: &Program, exp: &Expansion) -> Result<Graph, Stop> {
    let mut w = Walker { p, exp, g: Graph::new(), states: vec![], mods: HashMap::new(), counter: 0, macro_depth: 0, extracted: HashMap::new(), flags: None, negated_provides: None };
    for s in &p.states {
        let tv = w.g.sig_tv(p, &s.ty).map_err(|m| Stop::Error(m, p.span(s.pos)))?;
        let l = w.leaf(s.name.0.clone(), VarRole::State, tv, s.pos);
        w.states.push((s.name.0.clone(), l));
    }
    let root = exp.root_term;
    let rule = &p.termenv.rules[exp.tree.rule.index()];
    let pos = rule.pos;
    let term = &p.termenv.terms[root.index()];
    let mut args = Vec::new();
    for (i, &aty) in term.arg_tys.iter().enumerate() {
        let tv = w.isle_tv(aty, pos)?;
        args.push(w.leaf(format!("arg{i}"), VarRole::Input, tv, pos));
    }
    let result = w.walk_rule(&exp.tree, &args, Side::Rhs)?;
    let result = w.as_leaf(result, "result", Side::Rhs, pos)?;
    let rtv = w.isle_tv(term.ret_ty, pos)?;
    w.unify(w.g.tv(result), rtv, pos)?;
    if !p.specs.contains_key(&root) {
        return Err(w.unsup(term.decl_pos, format!("no spec for root term `{}`", p.term_name(root))));
    }
    w.apply_spec(root, &args, result, Invocation::Callee, pos)?;
    w.g.root_args = args;
    w.g.root_result = Some(result);
    // State defaults apply where no term modified the state.
    let env = w.state_env();
    for s in &p.states {
        let default = w.spec_expr(&s.default, &env)?;
        w.constrain(w.g.tv(default), Info::Bool, s.default.pos())?;
        let (cond, dest) = match w.mods.get(&s.name.0).cloned() {
            None => (default, Dest::Lhs),
            Some((conds, rhs)) => {
                let bt = w.g.fresh_tv(Info::Bool);
                let any = w.node(NodeKind::Op(SpecOp::Or, conds), bt, s.pos);
                let bt = w.g.fresh_tv(Info::Bool);
                let none = w.node(NodeKind::Op(SpecOp::Not, vec![any]), bt, s.pos);
                let bt = w.g.fresh_tv(Info::Bool);
                let imp = w.node(NodeKind::Op(SpecOp::Imp, vec![none, default]), bt, s.pos);
                (imp, if rhs { Dest::RhsAssume } else { Dest::Lhs })
            }
        };
        w.cond(cond, s.pos, format!("default of state `{}`", s.name.0), dest);
    }
    drop(env);
    // Obligations are what must be proven, so they never inform types;
    // left-side equalities go first so that they, not assumptions, decide.
    let conds = w.g.conds.clone();
    for c in conds.iter().filter(|c| c.dest == Dest::Lhs) {
        w.g.collect_int_eqs(c.node, true);
    }
    for c in conds.iter().filter(|c| c.dest == Dest::RhsAssume) {
        w.g.collect_int_eqs(c.node, false);
    }
    Ok(w.g)
}
