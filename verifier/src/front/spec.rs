//! The spec interpreter: applying a term's spec (`provide`, `require`,
//! `match`, macros) and building its expressions.

use super::graph::{App, Deferred, Dest, NodeId, NodeKind, SigChoice};
use super::types::{enum_variants, Info};
use super::walk::{Binding, Env, Invocation, Walker, R};
use crate::ir::{Side, VarRole};
use cranelift_isle::ast::{SpecExpr, SpecOp};
use cranelift_isle::lexer::Pos;
use cranelift_isle::sema::TermId;

impl Walker<'_> {
    pub(super) fn apply_spec(&mut self, t: TermId, args: &[NodeId], result: NodeId, inv: Invocation, pos: Pos) -> R<()> {
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
                // A rule checked against its root term's spec: the spec's
                // flag says when the term modifies the state, and what the
                // rule's right side does decides it (it was walked first):
                // the flag is true exactly when one of its terms modified it.
                Some(cid) if inv == Invocation::Callee => {
                    let conds = self.mods.get(&m.state.0).map(|e| e.0.clone()).unwrap_or_default();
                    let any = if conds.is_empty() {
                        self.bool_node(false, spec.pos)
                    } else {
                        let tv = self.g.fresh_tv(Info::Bool);
                        self.node(NodeKind::Op(SpecOp::Or, conds), tv, spec.pos)
                    };
                    env.insert(cid.0.clone(), Binding::Node(any));
                    any
                }
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

    pub(super) fn spec_expr(&mut self, e: &SpecExpr, env: &Env) -> R<NodeId> {
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
}
