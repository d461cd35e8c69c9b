//! Walks an expansion (root rule plus chained rules) and the specs of every
//! term it applies, building the [`Graph`].

use super::graph::{App, Cond, Deferred, Dest, Graph, NodeId, NodeKind, SigChoice};
use super::types::{enum_variants, Info, Tv};
use crate::expand::{is_chained, ChainTree, Expansion};
use crate::ir::{Side, VarRole};
use crate::load::Program;
use crate::span::Span;
use cranelift_isle::ast::{self, SpecExpr, SpecOp};
use cranelift_isle::lexer::Pos;
use cranelift_isle::sema::{self, Expr, Pattern, TermId, TermKind, TypeId, VarId};
use std::collections::HashMap;

/// Why an expansion cannot become a query.
#[derive(Clone, Debug)]
pub(crate) enum Stop {
    /// A construct the verifier does not handle.
    Unsupported(String, Span),
    /// The specs themselves are inconsistent (bad arity, unknown names ...).
    Error(String, Span),
}

type R<T> = Result<T, Stop>;

/// Term kind used for any term with a spec: applied through its spec.
static DECL_KIND: TermKind = TermKind::Decl {
    flags: sema::TermFlags { pure: false, multi: false, partial: false, rec: false },
    constructor_kind: None,
    extractor_kind: None,
};

#[derive(Clone)]
enum Binding {
    Node(NodeId),
    Lambda { params: Vec<ast::Ident>, body: SpecExpr, env: Env },
}

type Env = HashMap<String, Binding>;

/// How a spec is applied: by a caller on one side, or as the contract of the root.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Invocation {
    Caller(Side),
    Callee,
}

pub(crate) struct Walker<'a> {
    p: &'a Program,
    exp: &'a Expansion,
    pub g: Graph,
    states: Vec<(String, NodeId)>,
    /// Modification conditions per state, and whether a right-hand term modifies it.
    mods: HashMap<String, (Vec<NodeId>, bool)>,
    counter: usize,
    macro_depth: u32,
    /// Argument leaves bound by each (extractor term, matched node) so far.
    /// ISLE extractors that are not `multi` are functions of what they
    /// match, so a second match of the same term on the same node binds the
    /// same values: negated priority rules reuse them (see `pattern`).
    extracted: HashMap<(TermId, NodeId), Vec<NodeId>>,
    /// The condition flags after the last instruction emitted on the right
    /// side, while nothing that may emit has run since (see `track_flags`).
    flags: Option<NodeId>,
    /// While a higher-priority rule is being negated: the provides of its
    /// extractors that have a `match`, each with the conjunction of that
    /// match. They describe the extracted values only where the extractor
    /// matches, so they are no part of "the rule matched" (see
    /// `negate_priority_rules`).
    negated_provides: Option<Vec<(NodeId, NodeId)>>,
}

impl<'a> Walker<'a> {
    fn span(&self, pos: Pos) -> Span {
        self.p.span(pos)
    }

    fn err(&self, pos: Pos, msg: impl Into<String>) -> Stop {
        Stop::Error(msg.into(), self.span(pos))
    }

    fn unsup(&self, pos: Pos, msg: impl Into<String>) -> Stop {
        Stop::Unsupported(msg.into(), self.span(pos))
    }

    fn ty_err(&self, pos: Pos) -> impl Fn(String) -> Stop + '_ {
        move |m| Stop::Error(m, self.span(pos))
    }

    fn unify(&mut self, a: Tv, b: Tv, pos: Pos) -> R<()> {
        self.g.store.unify(a, b).map(|_| ()).map_err(|m| self.err(pos, m))
    }

    fn constrain(&mut self, t: Tv, info: Info, pos: Pos) -> R<()> {
        self.g.store.constrain(t, info).map(|_| ()).map_err(|m| self.err(pos, m))
    }

    fn isle_tv(&mut self, ty: TypeId, pos: Pos) -> R<Tv> {
        let p = self.p;
        self.g.isle_tv(p, ty).map_err(|m| Stop::Unsupported(m, p.span(pos)))
    }

    fn leaf(&mut self, name: String, role: VarRole, tv: Tv, pos: Pos) -> NodeId {
        let span = self.span(pos);
        self.g.add(NodeKind::Leaf { name, role }, tv, span)
    }

    fn node(&mut self, kind: NodeKind, tv: Tv, pos: Pos) -> NodeId {
        let span = self.span(pos);
        self.g.add(kind, tv, span)
    }

    fn bool_node(&mut self, b: bool, pos: Pos) -> NodeId {
        let tv = self.g.fresh_tv(Info::Bool);
        self.node(NodeKind::Bool(b), tv, pos)
    }

    fn eq_node(&mut self, a: NodeId, b: NodeId, pos: Pos) -> R<NodeId> {
        self.unify(self.g.tv(a), self.g.tv(b), pos)?;
        let tv = self.g.fresh_tv(Info::Bool);
        Ok(self.node(NodeKind::Op(SpecOp::Eq, vec![a, b]), tv, pos))
    }

    /// Field `name` of struct-valued node `x` (its type is settled once `x`'s is).
    fn field(&mut self, x: NodeId, name: &str, pos: Pos) -> NodeId {
        let tv = self.g.fresh_tv(Info::Unknown);
        self.g.deferred.push(Deferred::FieldOf { result: tv, x: self.g.tv(x), name: name.into() });
        self.node(NodeKind::Field(name.into(), x), tv, pos)
    }

    fn cond(&mut self, node: NodeId, pos: Pos, what: String, dest: Dest) {
        let span = self.span(pos);
        self.g.conds.push(Cond { node, span, what, dest });
    }

    fn fresh_name(&mut self, base: &str) -> String {
        self.counter += 1;
        format!("{base}#{}", self.counter)
    }

    /// A leaf standing for `n` (itself if it already is one), so term
    /// applications can name their arguments.
    fn as_leaf(&mut self, n: NodeId, name: &str, side: Side, pos: Pos) -> R<NodeId> {
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

    // ---------------------------------------------------------------- rules

    fn walk_rule(&mut self, tree: &ChainTree, args: &[NodeId], expr_side: Side) -> R<NodeId> {
        let p = self.p;
        let rule = &p.termenv.rules[tree.rule.index()];
        if tree.truncated {
            return Err(self.unsup(rule.pos, "chained rules nested deeper than the chain limit"));
        }
        if rule.args.len() != args.len() {
            return Err(self.err(rule.pos, "rule arity does not match its term"));
        }
        let mut vars: HashMap<VarId, NodeId> = HashMap::new();
        for (pat, &v) in rule.args.iter().zip(args) {
            self.pattern(pat, v, &mut vars, rule.pos, rule)?;
        }
        self.negate_priority_rules(rule, args)?;
        let mut children = tree.children.iter();
        for il in &rule.iflets {
            let v = self.expr(&il.rhs, &mut vars, Side::Lhs, &mut children, rule.pos)?;
            self.pattern(&il.lhs, v, &mut vars, rule.pos, rule)?;
        }
        self.expr(&rule.rhs, &mut vars, expr_side, &mut children, rule.pos)
    }

    /// `(attr rule R (veri priority))`: a lower-priority rule of the same
    /// term may assume that R did not match. R's match conditions (patterns,
    /// extractor specs, if-lets) are built on the same arguments and their
    /// conjunction is negated.
    fn negate_priority_rules(&mut self, rule: &sema::Rule, args: &[NodeId]) -> R<()> {
        let p = self.p;
        let higher: Vec<&sema::Rule> = p
            .termenv
            .rules
            .iter()
            .filter(|r| r.root_term == rule.root_term && r.prio > rule.prio && p.priority_rules.contains(&r.id))
            // A rule that can never match where this one does needs no negating.
            .filter(|r| !p.disjoint_rules.contains(&(rule.id, r.id)))
            .collect();
        for other in higher {
            // Only the matching part (patterns, if-lets) matters; its right-hand side does not.
            let mut in_iflets = Vec::new();
            for il in &other.iflets {
                crate::expand::chained_in_expr(p, &il.rhs, &mut in_iflets);
            }
            if !in_iflets.is_empty() {
                return Err(self.unsup(other.pos, "priority rule whose if-lets apply chained terms"));
            }
            let mark = self.g.conds.len();
            let node_mark = self.g.nodes.len();
            let outer = self.negated_provides.replace(Vec::new());
            let mut vars: HashMap<VarId, NodeId> = HashMap::new();
            let mut walked = Ok(());
            for (pat, &v) in other.args.iter().zip(args) {
                walked = walked.and_then(|_| self.pattern(pat, v, &mut vars, other.pos, other));
            }
            let mut none = [].iter();
            for il in &other.iflets {
                walked = walked.and_then(|_| {
                    let v = self.expr(&il.rhs, &mut vars, Side::Lhs, &mut none, other.pos)?;
                    self.pattern(&il.lhs, v, &mut vars, other.pos, other)
                });
            }
            let provides = std::mem::replace(&mut self.negated_provides, outer).unwrap_or_default();
            walked?;
            let conds: Vec<NodeId> = self.g.conds.split_off(mark).into_iter().map(|c| c.node).collect();
            // The rule matched iff its patterns and its extractors' matches
            // hold; what an extractor provides is a fact about its results
            // wherever it matches, assumed outside the negation. Inside it a
            // provided equality may still define an extracted value (exact:
            // the match is part of the same conjunction).
            for &(m, prov) in &provides {
                let bt = self.g.fresh_tv(Info::Bool);
                let imp = self.node(NodeKind::Op(SpecOp::Imp, vec![m, prov]), bt, other.pos);
                self.cond(imp, other.pos, format!("provide of an extractor of `{}` where it matches", p.rule_name(other.id)), Dest::Lhs);
            }
            let tagged: Vec<(NodeId, bool)> =
                conds.iter().map(|&c| (c, false)).chain(provides.iter().map(|&(_, prov)| (prov, true))).collect();
            // When a leaf stays free the negation is `exists l. not C(l)`:
            // weaker than the rule's real condition, so still sound (it can
            // only let more inputs reach the obligations), but imprecise.
            let (conds, exact) = match self.eliminate_fresh_leaves(tagged, node_mark) {
                Some(c) => (c, true),
                None => (conds, false),
            };
            let bt = self.g.fresh_tv(Info::Bool);
            let all = self.node(NodeKind::Op(SpecOp::And, conds), bt, other.pos);
            let bt = self.g.fresh_tv(Info::Bool);
            let not = self.node(NodeKind::Op(SpecOp::Not, vec![all]), bt, other.pos);
            let what = if exact {
                format!("higher-priority rule `{}` does not match", p.rule_name(other.id))
            } else {
                format!("higher-priority rule `{}` does not match (approximated: its match binds values it does not determine)", p.rule_name(other.id))
            };
            self.cond(not, other.pos, what, Dest::Lhs);
        }
        Ok(())
    }

    /// The match conditions of a negated rule mention leaves made while
    /// walking it (extractor arguments, named subterms). Negating them with
    /// those leaves free would be `exists l. not C(l)`, which the solver
    /// satisfies by picking `l` badly; the negation needs `not exists l. C(l)`.
    /// Each such leaf defined by a top-level equality `l = e` is replaced by
    /// `e` (exact: `exists l. l = e and C(l)` is `C(e)`). None when a leaf
    /// is left that no equality defines.
    /// Conditions tagged `true` (provides set aside) may define leaves but
    /// are not returned.
    fn eliminate_fresh_leaves(&mut self, mut conds: Vec<(NodeId, bool)>, node_mark: NodeId) -> Option<Vec<NodeId>> {
        let fresh = |g: &Graph, n: NodeId| n >= node_mark && matches!(g.nodes[n].kind, NodeKind::Leaf { .. });
        let mut subst: HashMap<NodeId, NodeId> = HashMap::new();
        loop {
            let def = conds.iter().enumerate().find_map(|(i, &(c, _))| match &self.g.nodes[c].kind {
                NodeKind::Op(SpecOp::Eq, a) if a.len() == 2 => [(a[0], a[1]), (a[1], a[0])]
                    .into_iter()
                    .find(|&(l, e)| fresh(&self.g, l) && !self.mentions(e, l, node_mark))
                    .map(|(l, e)| (i, l, e)),
                _ => None,
            });
            let Some((i, l, e)) = def else { break };
            conds.remove(i);
            subst.insert(l, e);
            let mut memo = HashMap::new();
            conds = conds.into_iter().map(|(c, aside)| (self.substitute(c, &subst, node_mark, &mut memo), aside)).collect();
        }
        let kept: Vec<NodeId> = conds.into_iter().filter(|&(_, aside)| !aside).map(|(c, _)| c).collect();
        let left = kept.iter().any(|&c| (node_mark..self.g.nodes.len()).any(|l| fresh(&self.g, l) && self.mentions(c, l, node_mark)));
        (!left).then_some(kept)
    }

    /// Whether node `n` refers to node `target` (only nodes made after
    /// `mark` can refer to leaves made after it).
    fn mentions(&self, n: NodeId, target: NodeId, mark: NodeId) -> bool {
        if n == target {
            return true;
        }
        n >= mark && self.g.children(n).into_iter().any(|c| self.mentions(c, target, mark))
    }

    /// `n` with every leaf in `subst` replaced, sharing unchanged nodes.
    fn substitute(
        &mut self,
        n: NodeId,
        subst: &HashMap<NodeId, NodeId>,
        mark: NodeId,
        memo: &mut HashMap<NodeId, NodeId>,
    ) -> NodeId {
        if let Some(&e) = subst.get(&n) {
            return self.substitute(e, subst, mark, memo);
        }
        if n < mark {
            return n;
        }
        if let Some(&m) = memo.get(&n) {
            return m;
        }
        let kids = self.g.children(n);
        let new_kids: Vec<NodeId> = kids.iter().map(|&c| self.substitute(c, subst, mark, memo)).collect();
        let out = if new_kids == kids {
            n
        } else {
            let node = self.g.nodes[n].clone();
            let kind = node.kind.with_children(&new_kids);
            self.g.add(kind, node.tv, node.span)
        };
        memo.insert(n, out);
        out
    }

    fn var_name(&self, rule: &sema::Rule, v: VarId) -> String {
        self.p.sym(rule.vars[v.index()].name).to_string()
    }

    fn pattern(
        &mut self,
        pat: &Pattern,
        v: NodeId,
        vars: &mut HashMap<VarId, NodeId>,
        pos: Pos,
        rule: &sema::Rule,
    ) -> R<()> {
        let p = self.p;
        match pat {
            Pattern::BindPattern(_, var, sub) => {
                vars.insert(*var, v);
                let vname = self.var_name(rule, *var);
                if let NodeKind::Leaf { name, .. } = &mut self.g.nodes[v].kind {
                    if name.starts_with("arg") || name.contains('#') {
                        *name = vname;
                    }
                }
                self.pattern(sub, v, vars, pos, rule)
            }
            Pattern::Var(_, var) => {
                let other = *vars.get(var).ok_or_else(|| self.err(pos, "unbound pattern variable"))?;
                let eq = self.eq_node(v, other, pos)?;
                let what = format!("`{}` matched twice", self.var_name(rule, *var));
                self.cond(eq, pos, what, Dest::Lhs);
                Ok(())
            }
            Pattern::ConstBool(_, b) => {
                let c = self.bool_node(*b, pos);
                let eq = self.eq_node(v, c, pos)?;
                self.cond(eq, pos, "constant pattern".into(), Dest::Lhs);
                Ok(())
            }
            Pattern::ConstInt(_, n) => {
                let tv = self.g.tv(v);
                let c = self.node(NodeKind::Num(*n), tv, pos);
                self.g.deferred.push(Deferred::Numeric { tv });
                let eq = self.eq_node(v, c, pos)?;
                self.cond(eq, pos, "constant pattern".into(), Dest::Lhs);
                Ok(())
            }
            Pattern::ConstPrim(_, sym) => {
                let c = self.const_prim(p.sym(*sym), pos)?;
                let eq = self.eq_node(v, c, pos)?;
                self.cond(eq, pos, format!("constant pattern `${}`", p.sym(*sym)), Dest::Lhs);
                Ok(())
            }
            Pattern::Wildcard(_) => Ok(()),
            Pattern::And(_, subs) => {
                for s in subs {
                    self.pattern(s, v, vars, pos, rule)?;
                }
                Ok(())
            }
            Pattern::Term(_, t, subs) => {
                let term = &p.termenv.terms[t.index()];
                let name = p.term_name(*t).to_string();
                // Variants of enums whose model is not an enum carry specs.
                let spec_kind = if p.specs.contains_key(t) { &DECL_KIND } else { &term.kind };
                match spec_kind {
                    TermKind::EnumVariant { variant } => {
                        let ty = term.ret_ty;
                        self.require_enum_model(ty, &name, pos)?;
                        let vs = enum_variants(p, ty);
                        let (vname, _, ftys) = vs[variant.index()].clone();
                        let btv = self.g.fresh_tv(Info::Bool);
                        let test = self.node(NodeKind::IsVariant(vname.clone(), v), btv, pos);
                        self.cond(test, pos, format!("match `{name}`"), Dest::Lhs);
                        for (i, (sub, fty)) in subs.iter().zip(ftys).enumerate() {
                            let ftv = self.isle_tv(fty, pos)?;
                            let f = self.node(
                                NodeKind::VariantField { x: v, variant: vname.clone(), index: i },
                                ftv,
                                pos,
                            );
                            self.pattern(sub, f, vars, pos, rule)?;
                        }
                        Ok(())
                    }
                    TermKind::Struct => Err(self.unsup(pos, format!("ISLE struct pattern `{name}`"))),
                    TermKind::Decl { .. } => {
                        if p.chain_terms.contains(t) {
                            return Err(self.unsup(pos, format!("chained term `{name}` used as an extractor")));
                        }
                        if !p.specs.contains_key(t) {
                            return Err(self.unsup(pos, format!("no spec for term `{name}`")));
                        }
                        let functional = !matches!(term.kind, TermKind::Decl { flags: sema::TermFlags { multi: true, .. }, .. });
                        let args = match self.extracted.get(&(*t, v)) {
                            Some(known) if functional => known.clone(),
                            _ => {
                                let mut args = Vec::new();
                                for (i, (&aty, sub)) in term.arg_tys.iter().zip(subs).enumerate() {
                                    let tv = self.isle_tv(aty, pos)?;
                                    let lname = match sub {
                                        Pattern::BindPattern(_, var, _) => self.var_name(rule, *var),
                                        _ => self.fresh_name(&format!("{name}.arg{i}")),
                                    };
                                    args.push(self.leaf(lname, VarRole::Input, tv, pos));
                                }
                                self.extracted.insert((*t, v), args.clone());
                                args
                            }
                        };
                        let rtv = self.isle_tv(term.ret_ty, pos)?;
                        self.unify(self.g.tv(v), rtv, pos)?;
                        self.apply_spec(*t, &args, v, Invocation::Caller(Side::Lhs), pos)?;
                        for (sub, a) in subs.iter().zip(args) {
                            self.pattern(sub, a, vars, pos, rule)?;
                        }
                        Ok(())
                    }
                }
            }
        }
    }

    fn expr(
        &mut self,
        e: &Expr,
        vars: &mut HashMap<VarId, NodeId>,
        side: Side,
        children: &mut std::slice::Iter<'_, ChainTree>,
        pos: Pos,
    ) -> R<NodeId> {
        let p = self.p;
        match e {
            Expr::Var(_, var) => vars.get(var).copied().ok_or_else(|| self.err(pos, "unbound variable")),
            Expr::ConstBool(ty, b) => {
                let tv = self.isle_tv(*ty, pos)?;
                let n = self.bool_node(*b, pos);
                self.unify(tv, self.g.tv(n), pos)?;
                Ok(n)
            }
            Expr::ConstInt(ty, n) => {
                let tv = self.isle_tv(*ty, pos)?;
                self.g.deferred.push(Deferred::Numeric { tv });
                Ok(self.node(NodeKind::Num(*n), tv, pos))
            }
            Expr::ConstPrim(ty, sym) => {
                let tv = self.isle_tv(*ty, pos)?;
                let c = self.const_prim(p.sym(*sym), pos)?;
                self.unify(tv, self.g.tv(c), pos)?;
                Ok(c)
            }
            Expr::Let { bindings, body, .. } => {
                for (var, _, b) in bindings {
                    let n = self.expr(b, vars, side, children, pos)?;
                    vars.insert(*var, n);
                }
                self.expr(body, vars, side, children, pos)
            }
            Expr::Term(_, t, args) => {
                let mut vals = Vec::new();
                for a in args {
                    vals.push(self.expr(a, vars, side, children, pos)?);
                }
                if side == Side::Rhs {
                    self.track_flags(*t, &vals, pos)?;
                }
                let term = &p.termenv.terms[t.index()];
                let name = p.term_name(*t).to_string();
                let spec_kind = if p.specs.contains_key(t) { &DECL_KIND } else { &term.kind };
                match spec_kind {
                    TermKind::EnumVariant { variant } => {
                        let ty = term.ret_ty;
                        self.require_enum_model(ty, &name, pos)?;
                        let vs = enum_variants(p, ty);
                        let (vname, _, ftys) = vs[variant.index()].clone();
                        for (&v, fty) in vals.iter().zip(ftys) {
                            let ftv = self.isle_tv(fty, pos)?;
                            self.unify(self.g.tv(v), ftv, pos)?;
                        }
                        let tv = self.isle_tv(ty, pos)?;
                        Ok(self.node(NodeKind::MakeEnum { variant: vname, args: vals }, tv, pos))
                    }
                    TermKind::Struct => Err(self.unsup(pos, format!("ISLE struct construction `{name}`"))),
                    TermKind::Decl { .. } => {
                        let mut leaves = Vec::new();
                        for (i, v) in vals.iter().enumerate() {
                            leaves.push(self.as_leaf(*v, &format!("{name}.arg{i}"), side, pos)?);
                        }
                        for (&aty, &l) in term.arg_tys.iter().zip(&leaves) {
                            let tv = self.isle_tv(aty, pos)?;
                            self.unify(self.g.tv(l), tv, pos)?;
                        }
                        if is_chained(p, *t) {
                            let child = children
                                .next()
                                .ok_or_else(|| self.err(pos, "internal: chain choice missing"))?
                                .clone();
                            let r = self.walk_rule(&child, &leaves, side)?;
                            let r = self.as_leaf(r, &name, side, pos)?;
                            let rtv = self.isle_tv(term.ret_ty, pos)?;
                            self.unify(self.g.tv(r), rtv, pos)?;
                            let span = self.span(pos);
                            self.g.apps.push(App { term: name, side, span, args: leaves, result: r });
                            return Ok(r);
                        }
                        if !p.specs.contains_key(t) {
                            return Err(self.unsup(pos, format!("no spec for term `{name}`")));
                        }
                        let rtv = self.isle_tv(term.ret_ty, pos)?;
                        let rname = self.fresh_name(&name);
                        let r = self.leaf(rname, VarRole::TermResult, rtv, pos);
                        self.apply_spec(*t, &leaves, r, Invocation::Caller(side), pos)?;
                        Ok(r)
                    }
                }
            }
        }
    }

    /// Threads the condition flags through consecutive `emit`s: ISLE runs a
    /// right-hand side's constructors in order, so an emitted instruction
    /// reads the flags that the one emitted just before it wrote, unless a
    /// constructor that may emit ran in between (then they are unknown).
    /// Chained terms are walked in place, so their own `emit`s come by here.
    fn track_flags(&mut self, t: TermId, vals: &[NodeId], pos: Pos) -> R<()> {
        let p = self.p;
        if let Some(inst) = self.emitted_instruction(t, vals) {
            if let Some(before) = self.flags {
                let flags_in = self.field(inst, "flags_in", pos);
                let eq = self.eq_node(flags_in, before, pos)?;
                self.cond(eq, pos, "flags written by the previous `emit`".into(), Dest::RhsAssume);
            }
            self.flags = Some(self.field(inst, "flags_out", pos));
        } else if !is_chained(p, t) && !p.emission_free.contains(&t) {
            self.flags = None;
        }
        Ok(())
    }

    /// The instruction of an `(emit inst)` whose instruction model carries
    /// the flags it reads and writes (`flags_in`, `flags_out`).
    fn emitted_instruction(&self, t: TermId, vals: &[NodeId]) -> Option<NodeId> {
        let p = self.p;
        let term = &p.termenv.terms[t.index()];
        let [inst] = vals else { return None };
        if p.term_name(t) != "emit" || term.arg_tys.len() != 1 {
            return None;
        }
        let Some(ast::ModelType::Struct(fields)) = p.type_models.get(&term.arg_tys[0]) else { return None };
        let has = |n: &str| fields.iter().any(|f| f.name.0 == n);
        (has("flags_in") && has("flags_out")).then_some(*inst)
    }

    /// Enum variant terms without specs need the enum to be modelled as one.
    fn require_enum_model(&self, ty: TypeId, term: &str, pos: Pos) -> R<()> {
        if self.p.type_models.contains_key(&ty) {
            return Err(self.unsup(
                pos,
                format!("no spec for variant `{term}` of `{}`, whose model is not an enum", self.p.type_name(ty)),
            ));
        }
        Ok(())
    }

    fn const_prim(&mut self, name: &str, pos: Pos) -> R<NodeId> {
        let key = name.trim_start_matches('$');
        let model = self
            .p
            .const_models
            .get(key)
            .cloned()
            .ok_or_else(|| self.unsup(pos, format!("no model for constant `${key}`")))?;
        let env = self.state_env();
        self.spec_expr(&model, &env)
    }

    fn state_env(&self) -> Env {
        self.states.iter().map(|(n, id)| (n.clone(), Binding::Node(*id))).collect()
    }

    // ---------------------------------------------------------------- specs

    fn apply_spec(&mut self, t: TermId, args: &[NodeId], result: NodeId, inv: Invocation, pos: Pos) -> R<()> {
        let p = self.p;
        let spec = &p.specs[&t];
        let name = p.term_name(t).to_string();
        if spec.args.len() != args.len() {
            return Err(self.err(spec.pos, format!("spec of `{name}` has {} arguments, term has {}", spec.args.len(), args.len())));
        }
        let mut env = self.state_env();
        for (id, &a) in spec.args.iter().zip(args) {
            env.insert(id.0.clone(), Binding::Node(a));
        }
        env.insert("result".into(), Binding::Node(result));
        let rhs = matches!(inv, Invocation::Caller(Side::Rhs));
        for m in &spec.modifies {
            if !self.states.iter().any(|(n, _)| *n == m.state.0) {
                return Err(self.err(spec.pos, format!("spec of `{name}` modifies unknown state `{}`", m.state.0)));
            }
            let c = match &m.cond {
                Some(cid) => {
                    let tv = self.g.fresh_tv(Info::Bool);
                    let lname = self.fresh_name(&format!("{}_modified", m.state.0));
                    let l = self.leaf(lname, VarRole::Internal, tv, spec.pos);
                    env.insert(cid.0.clone(), Binding::Node(l));
                    l
                }
                None => self.bool_node(true, spec.pos),
            };
            let entry = self.mods.entry(m.state.0.clone()).or_default();
            entry.0.push(c);
            entry.1 |= rhs;
        }
        let (req, mat, prov) = match inv {
            Invocation::Caller(Side::Lhs) => (Dest::Lhs, Dest::Lhs, Dest::Lhs),
            Invocation::Caller(Side::Rhs) => (Dest::Obligation, Dest::RhsAssume, Dest::RhsAssume),
            Invocation::Callee => (Dest::Lhs, Dest::Lhs, Dest::Obligation),
        };
        // An extractor with a `match` in a negated rule: its provides are
        // set aside with the match they depend on.
        let set_aside = inv == Invocation::Caller(Side::Lhs) && !spec.matches.is_empty() && self.negated_provides.is_some();
        let groups: [(&Vec<SpecExpr>, Dest, &str); 3] =
            [(&spec.requires, req, "require"), (&spec.matches, mat, "match"), (&spec.provides, prov, "provide")];
        let mut matched = Vec::new();
        for (exprs, dest, kind) in groups {
            for e in exprs {
                let n = self.spec_expr(e, &env)?;
                self.constrain(self.g.tv(n), Info::Bool, e.pos())?;
                match kind {
                    "provide" if set_aside => {
                        let bt = self.g.fresh_tv(Info::Bool);
                        let m = self.node(NodeKind::Op(SpecOp::And, matched.clone()), bt, e.pos());
                        self.negated_provides.get_or_insert_with(Vec::new).push((m, n));
                        continue;
                    }
                    "match" => matched.push(n),
                    _ => {}
                }
                self.cond(n, e.pos(), format!("{kind} of `{name}`"), dest);
            }
        }
        if let Some(insts) = p.instantiations.get(&t) {
            let mut sigs = Vec::new();
            for inst in insts {
                if inst.tags.iter().any(|tag| self.exp.excluded_tags.contains(tag)) {
                    continue;
                }
                sigs.extend(inst.signatures.iter().cloned());
            }
            if sigs.is_empty() {
                return Err(self.unsup(pos, format!("every instantiation of `{name}` is excluded by tag")));
            }
            let arg_tvs = args.iter().map(|a| self.g.tv(*a)).collect();
            let ret = self.g.tv(result);
            self.g.sig_choices.push(SigChoice { term: name.clone(), args: arg_tvs, ret, sigs });
        }
        let side = match inv {
            Invocation::Caller(s) => s,
            Invocation::Callee => Side::Lhs,
        };
        let span = self.span(pos);
        self.g.apps.push(App { term: name, side, span, args: args.to_vec(), result });
        Ok(())
    }

    fn spec_expr(&mut self, e: &SpecExpr, env: &Env) -> R<NodeId> {
        let pos = e.pos();
        match e {
            SpecExpr::ConstInt { val, .. } => {
                let tv = self.g.fresh_tv(Info::Unknown);
                self.g.deferred.push(Deferred::Numeric { tv });
                Ok(self.node(NodeKind::Num(*val), tv, pos))
            }
            SpecExpr::ConstBitVec { val, width, .. } => {
                let tv = self.g.fresh_tv(Info::Bv(Some(*width as u32)));
                Ok(self.node(NodeKind::BitVec { width: *width as u32, value: *val }, tv, pos))
            }
            SpecExpr::ConstBool { val, .. } => Ok(self.bool_node(*val, pos)),
            SpecExpr::Var { var, .. } => match env.get(&var.0) {
                Some(Binding::Node(n)) => Ok(*n),
                Some(Binding::Lambda { .. }) => Err(self.err(pos, format!("macro `{}` used as a value", var.0))),
                None => {
                    let key = var.0.trim_start_matches('$');
                    if self.p.const_models.contains_key(key) {
                        self.const_prim(key, pos)
                    } else {
                        Err(self.err(pos, format!("unknown variable `{}`", var.0)))
                    }
                }
            },
            SpecExpr::As { x, ty, .. } => {
                let n = self.spec_expr(x, env)?;
                let p = self.p;
                let t = self.g.sig_tv(p, ty).map_err(self.ty_err(pos))?;
                self.unify(self.g.tv(n), t, pos)?;
                Ok(n)
            }
            SpecExpr::Field { field, x, .. } => {
                let n = self.spec_expr(x, env)?;
                Ok(self.field(n, &field.0, pos))
            }
            SpecExpr::Discriminator { variant, x, .. } => {
                let n = self.spec_expr(x, env)?;
                self.g.deferred.push(Deferred::HasVariant { x: self.g.tv(n), variant: variant.0.clone() });
                let tv = self.g.fresh_tv(Info::Bool);
                Ok(self.node(NodeKind::IsVariant(variant.0.clone(), n), tv, pos))
            }
            SpecExpr::Op { op, args, .. } => self.spec_op(op, args, env, pos),
            SpecExpr::Match { x, arms, .. } => {
                let on = self.spec_expr(x, env)?;
                let rtv = self.g.fresh_tv(Info::Unknown);
                let mut out = Vec::new();
                for arm in arms {
                    self.g.deferred.push(Deferred::HasVariant { x: self.g.tv(on), variant: arm.variant.0.clone() });
                    let mut env2 = env.clone();
                    for (i, a) in arm.args.iter().enumerate() {
                        let ftv = self.g.fresh_tv(Info::Unknown);
                        self.g.deferred.push(Deferred::VariantField {
                            result: ftv,
                            x: self.g.tv(on),
                            variant: arm.variant.0.clone(),
                            index: i,
                        });
                        let f = self.node(
                            NodeKind::VariantField { x: on, variant: arm.variant.0.clone(), index: i },
                            ftv,
                            arm.pos,
                        );
                        env2.insert(a.0.clone(), Binding::Node(f));
                    }
                    let body = self.spec_expr(&arm.body, &env2)?;
                    self.unify(self.g.tv(body), rtv, arm.pos)?;
                    out.push((arm.variant.0.clone(), body));
                }
                Ok(self.node(NodeKind::Match { on, arms: out }, rtv, pos))
            }
            SpecExpr::Let { defs, body, .. } => {
                let mut env2 = env.clone();
                for (id, d) in defs {
                    let n = self.spec_expr(d, &env2)?;
                    env2.insert(id.0.clone(), Binding::Node(n));
                }
                self.spec_expr(body, &env2)
            }
            SpecExpr::With { decls, body, .. } => {
                let mut env2 = env.clone();
                for id in decls {
                    let tv = self.g.fresh_tv(Info::Unknown);
                    let name = self.fresh_name(&id.0);
                    let l = self.leaf(name, VarRole::Internal, tv, id.1);
                    env2.insert(id.0.clone(), Binding::Node(l));
                }
                self.spec_expr(body, &env2)
            }
            SpecExpr::Macro { .. } => Err(self.err(pos, "macro literal used as a value")),
            SpecExpr::Pair { .. } => Err(self.err(pos, "pair outside of `switch`")),
            SpecExpr::Expand { name, args, .. } => {
                let (params, body, base) = match env.get(&name.0) {
                    Some(Binding::Lambda { params, body, env }) => (params.clone(), body.clone(), env.clone()),
                    Some(Binding::Node(_)) => return Err(self.err(pos, format!("`{}` is not a macro", name.0))),
                    None => {
                        let m = self
                            .p
                            .macros
                            .get(&name.0)
                            .ok_or_else(|| self.err(pos, format!("unknown macro `{}`", name.0)))?;
                        (m.params.clone(), m.body.clone(), self.state_env())
                    }
                };
                if params.len() != args.len() {
                    return Err(self.err(pos, format!("macro `{}` takes {} arguments, given {}", name.0, params.len(), args.len())));
                }
                let mut env2 = base;
                for (param, a) in params.iter().zip(args) {
                    let b = match a {
                        SpecExpr::Macro { params, body, .. } => {
                            Binding::Lambda { params: params.clone(), body: (**body).clone(), env: env.clone() }
                        }
                        _ => Binding::Node(self.spec_expr(a, env)?),
                    };
                    env2.insert(param.0.clone(), b);
                }
                self.macro_depth += 1;
                if self.macro_depth > 64 {
                    return Err(self.err(pos, format!("macro `{}` expands too deeply", name.0)));
                }
                let r = self.spec_expr(&body, &env2);
                self.macro_depth -= 1;
                r
            }
            SpecExpr::Enum { name, variant, args, .. } => {
                let p = self.p;
                let ty = p
                    .tyenv
                    .get_type_by_name(name)
                    .ok_or_else(|| self.err(pos, format!("unknown type `{}`", name.0)))?;
                let vs = enum_variants(p, ty);
                let (_, _, ftys) = vs
                    .iter()
                    .find(|v| v.0 == variant.0)
                    .cloned()
                    .ok_or_else(|| self.err(pos, format!("`{}` has no variant `{}`", name.0, variant.0)))?;
                if ftys.len() != args.len() {
                    return Err(self.err(pos, format!("variant `{}.{}` takes {} fields", name.0, variant.0, ftys.len())));
                }
                let mut vals = Vec::new();
                for (a, fty) in args.iter().zip(ftys) {
                    let n = self.spec_expr(a, env)?;
                    let ftv = self.isle_tv(fty, pos)?;
                    self.unify(self.g.tv(n), ftv, pos)?;
                    vals.push(n);
                }
                let tv = self.g.fresh_tv(Info::Enum(ty));
                Ok(self.node(NodeKind::MakeEnum { variant: variant.0.clone(), args: vals }, tv, pos))
            }
            SpecExpr::Struct { fields, .. } => {
                let mut vals = Vec::new();
                let mut ftvs = Vec::new();
                for f in fields {
                    let n = self.spec_expr(&f.value, env)?;
                    ftvs.push((f.name.0.clone(), self.g.tv(n)));
                    vals.push((f.name.0.clone(), n));
                }
                let tv = self.g.fresh_tv(Info::Struct(ftvs));
                Ok(self.node(NodeKind::MakeStruct(vals), tv, pos))
            }
        }
    }

    fn spec_op(&mut self, op: &SpecOp, args: &[SpecExpr], env: &Env, pos: Pos) -> R<NodeId> {
        use SpecOp::*;
        if let Switch = op {
            let on = self.spec_expr(args.first().ok_or_else(|| self.err(pos, "empty switch"))?, env)?;
            let rtv = self.g.fresh_tv(Info::Unknown);
            let mut cases = Vec::new();
            for a in &args[1..] {
                let SpecExpr::Pair { l, r, .. } = a else {
                    return Err(self.err(a.pos(), "switch case must be a pair"));
                };
                let k = self.spec_expr(l, env)?;
                let v = self.spec_expr(r, env)?;
                self.unify(self.g.tv(k), self.g.tv(on), a.pos())?;
                self.unify(self.g.tv(v), rtv, a.pos())?;
                cases.push((k, v));
            }
            if cases.is_empty() {
                return Err(self.err(pos, "switch without cases"));
            }
            return Ok(self.node(NodeKind::Switch { on, cases }, rtv, pos));
        }
        if let Replicate = op {
            return self.replicate(args, env, pos);
        }
        let mut ns = Vec::new();
        for a in args {
            ns.push(self.spec_expr(a, env)?);
        }
        let tvs: Vec<Tv> = ns.iter().map(|n| self.g.tv(*n)).collect();
        let arity = |lo: usize, hi: usize| -> R<()> {
            if ns.len() < lo || ns.len() > hi {
                Err(Stop::Error(format!("`{op:?}` takes {lo}..{hi} arguments, given {}", ns.len()), self.span(pos)))
            } else {
                Ok(())
            }
        };
        const MANY: usize = usize::MAX;
        let result: Tv = match op {
            Eq => {
                arity(2, MANY)?;
                for t in &tvs[1..] {
                    self.unify(tvs[0], *t, pos)?;
                }
                self.g.fresh_tv(Info::Bool)
            }
            And | Or => {
                for t in &tvs {
                    self.constrain(*t, Info::Bool, pos)?;
                }
                self.g.fresh_tv(Info::Bool)
            }
            Not => {
                arity(1, 1)?;
                self.constrain(tvs[0], Info::Bool, pos)?;
                self.g.fresh_tv(Info::Bool)
            }
            Imp => {
                arity(2, 2)?;
                for t in &tvs {
                    self.constrain(*t, Info::Bool, pos)?;
                }
                self.g.fresh_tv(Info::Bool)
            }
            Add | Sub | Mul => {
                arity(1, MANY)?;
                for t in &tvs {
                    self.constrain(*t, Info::Int, pos)?;
                }
                self.g.fresh_tv(Info::Int)
            }
            Lt | Lte | Gt | Gte => {
                arity(2, 2)?;
                for t in &tvs {
                    self.constrain(*t, Info::Int, pos)?;
                }
                self.g.fresh_tv(Info::Bool)
            }
            BVNot | BVNeg | Popcnt | Clz | Cls | Rev | FPNeg | FPCeil | FPFloor | FPSqrt | FPTrunc | FPNearest => {
                arity(1, 1)?;
                self.constrain(tvs[0], Info::Bv(None), pos)?;
                tvs[0]
            }
            BVAnd | BVOr | BVXor | BVAdd | BVSub | BVMul | BVUdiv | BVUrem | BVSdiv | BVSrem | BVShl | BVLshr
            | BVAshr | Rotr | Rotl | FPAdd | FPSub | FPMul | FPDiv | FPMin | FPMax => {
                arity(2, MANY)?;
                self.constrain(tvs[0], Info::Bv(None), pos)?;
                for t in &tvs[1..] {
                    self.unify(tvs[0], *t, pos)?;
                }
                tvs[0]
            }
            BVUle | BVUlt | BVUgt | BVUge | BVSlt | BVSle | BVSgt | BVSge | BVSaddo | FPEq | FPNe | FPLt | FPGt
            | FPLe | FPGe => {
                arity(2, 2)?;
                self.constrain(tvs[0], Info::Bv(None), pos)?;
                self.unify(tvs[0], tvs[1], pos)?;
                self.g.fresh_tv(Info::Bool)
            }
            FPIsZero | FPIsInfinite | FPIsNaN | FPIsNegative | FPIsPositive => {
                arity(1, 1)?;
                self.constrain(tvs[0], Info::Bv(None), pos)?;
                self.g.fresh_tv(Info::Bool)
            }
            FPPositiveInfinity | FPNegativeInfinity | FPPositiveZero | FPNegativeZero | FPNaN => {
                arity(1, 1)?;
                self.constrain(tvs[0], Info::Int, pos)?;
                let r = self.g.fresh_tv(Info::Bv(None));
                self.g.deferred.push(Deferred::WidthIs { bv: r, int: ns[0] });
                r
            }
            ZeroExt | SignExt | ConvTo | Int2BV | ToFP | ToFPUnsigned | ToFPFromFP | FPToUBV | FPToSBV => {
                arity(2, 2)?;
                self.constrain(tvs[0], Info::Int, pos)?;
                let arg_info = if matches!(op, Int2BV) { Info::Int } else { Info::Bv(None) };
                self.constrain(tvs[1], arg_info, pos)?;
                let r = self.g.fresh_tv(Info::Bv(None));
                self.g.deferred.push(Deferred::WidthIs { bv: r, int: ns[0] });
                r
            }
            Extract => {
                arity(3, 3)?;
                self.constrain(tvs[0], Info::Int, pos)?;
                self.constrain(tvs[1], Info::Int, pos)?;
                self.constrain(tvs[2], Info::Bv(None), pos)?;
                let r = self.g.fresh_tv(Info::Bv(None));
                self.g.deferred.push(Deferred::Extract { result: r, hi: ns[0], lo: ns[1] });
                r
            }
            Concat => {
                arity(1, MANY)?;
                for t in &tvs {
                    self.constrain(*t, Info::Bv(None), pos)?;
                }
                let r = self.g.fresh_tv(Info::Bv(None));
                self.g.deferred.push(Deferred::Concat { result: r, parts: tvs.clone() });
                r
            }
            BV2Nat => {
                arity(1, 1)?;
                self.constrain(tvs[0], Info::Bv(None), pos)?;
                self.g.fresh_tv(Info::Int)
            }
            WidthOf => {
                arity(1, 1)?;
                self.constrain(tvs[0], Info::Bv(None), pos)?;
                self.g.fresh_tv(Info::Int)
            }
            If => {
                arity(3, 3)?;
                self.constrain(tvs[0], Info::Bool, pos)?;
                self.unify(tvs[1], tvs[2], pos)?;
                tvs[1]
            }
            Replicate | Switch => unreachable!("handled above"),
        };
        Ok(self.node(NodeKind::Op(op.clone(), ns), result, pos))
    }

    /// `(replicate x n)`: the bits of `x` repeated `n` times, `n` an integer
    /// literal; the same as `concat` of `n` copies.
    fn replicate(&mut self, args: &[SpecExpr], env: &Env, pos: Pos) -> R<NodeId> {
        /// Far beyond any register (the widest models are 128 bits).
        const MAX_COUNT: i128 = 4096;
        let [x, count] = args else {
            return Err(self.err(pos, format!("`replicate` takes a value and a count, given {} arguments", args.len())));
        };
        let n = match count {
            SpecExpr::ConstInt { val, .. } if (1..=MAX_COUNT).contains(val) => *val as usize,
            _ => return Err(self.err(count.pos(), format!("`replicate` count must be an integer literal from 1 to {MAX_COUNT}"))),
        };
        let x = self.spec_expr(x, env)?;
        let tv = self.g.tv(x);
        self.constrain(tv, Info::Bv(None), pos)?;
        let r = self.g.fresh_tv(Info::Bv(None));
        self.g.deferred.push(Deferred::Concat { result: r, parts: vec![tv; n] });
        Ok(self.node(NodeKind::Op(SpecOp::Concat, vec![x; n]), r, pos))
    }
}

/// Build the graph of an expansion.
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
