//! Rule walking: a rule's patterns on the left side, its if-lets, and the
//! expression it builds, chained rules walked in place.

use super::graph::{App, Deferred, Dest, NodeId, NodeKind};
use super::types::{enum_variants, Info};
use super::walk::{Invocation, Walker, DECL_KIND, R};
use crate::expand::{is_chained, ChainTree};
use crate::ir::{Side, VarRole};
use crate::load::Program;
use cranelift_isle::lexer::Pos;
use cranelift_isle::sema::{self, Expr, Pattern, TermId, TermKind, TypeId, VarId, VariantId};
use std::collections::HashMap;

impl Walker<'_> {
    pub(super) fn walk_rule(&mut self, tree: &ChainTree, args: &[NodeId], expr_side: Side) -> R<NodeId> {
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

    pub(super) fn var_name(&self, rule: &sema::Rule, v: VarId) -> String {
        self.p.sym(rule.vars[v.index()].name).to_string()
    }

    pub(super) fn pattern(
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
                match walked_kind(p, *t) {
                    TermKind::EnumVariant { variant } => {
                        let ty = term.ret_ty;
                        let (vname, ftys) = self.modelled_variant(ty, *variant, &name, pos)?;
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

    pub(super) fn expr(
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
                match walked_kind(p, *t) {
                    TermKind::EnumVariant { variant } => {
                        let ty = term.ret_ty;
                        let (vname, ftys) = self.modelled_variant(ty, *variant, &name, pos)?;
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

    /// The name and field types of the variant an enum variant term without
    /// a spec matches or builds; the enum must be modelled as one.
    fn modelled_variant(&self, ty: TypeId, variant: VariantId, term: &str, pos: Pos) -> R<(String, Vec<TypeId>)> {
        if self.p.type_models.contains_key(&ty) {
            return Err(self.unsup(
                pos,
                format!("no spec for variant `{term}` of `{}`, whose model is not an enum", self.p.type_name(ty)),
            ));
        }
        let (vname, _, ftys) = enum_variants(self.p, ty)[variant.index()].clone();
        Ok((vname, ftys))
    }

    pub(super) fn const_prim(&mut self, name: &str, pos: Pos) -> R<NodeId> {
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
}

/// The kind a term is walked as: a term with a spec is applied through its
/// spec whatever ISLE declares it as (variants of enums whose model is not an
/// enum carry specs).
fn walked_kind(p: &Program, t: TermId) -> &TermKind {
    if p.specs.contains_key(&t) {
        &DECL_KIND
    } else {
        &p.termenv.terms[t.index()].kind
    }
}
