//! Lowering of the graph's structural nodes: leaves, literals, field and
//! variant access, struct and enum literals, `switch` and `match`.

use super::value::Sym;
use super::{Lowerer, R};
use crate::front::graph::{NodeId, NodeKind};
use crate::front::types::{concrete_isle_type, enum_variants, RTy};
use crate::front::walk::Stop;
use crate::ir::{Const, Expr, Sort, VarRole};
use crate::span::Span;
use cranelift_isle::sema::TypeId;

impl<'a> Lowerer<'a> {
    fn variant_index(&self, ty: TypeId, name: &str, span: &Span) -> R<usize> {
        enum_variants(self.p, ty)
            .iter()
            .position(|v| v.0 == name)
            .ok_or_else(|| Stop::Error(format!("no variant `{name}`"), span.clone()))
    }

    /// A spec that reads or builds a variant needs its fields' concrete
    /// types: here an unknown-width model is unsupported, naming the model.
    fn variant_field_types(&self, ty: TypeId, idx: usize, span: &Span) -> R<()> {
        let (_, _, ftys) = &enum_variants(self.p, ty)[idx];
        for fty in ftys {
            concrete_isle_type(self.p, *fty).map_err(|m| Stop::Unsupported(m, span.clone()))?;
        }
        Ok(())
    }

    fn enum_type_of(&self, n: NodeId) -> R<TypeId> {
        match self.rty(n)? {
            RTy::Enum(t) => Ok(t),
            _ => Err(Stop::Error("expected an enum value".into(), self.g.nodes[n].span.clone())),
        }
    }
    pub(super) fn lower_uncached(&mut self, n: NodeId) -> R<Sym> {
        let node = self.g.nodes[n].clone();
        let span = node.span.clone();
        match &node.kind {
            NodeKind::Leaf { name, role } => {
                let ty = self.rty(n)?;
                let s = self.fresh(&ty, name, role.clone(), &span, 0)?;
                let first = match Self::first_scalar(&s) {
                    Some(e) => e,
                    None => self.var(format!("{name}(unit)"), Sort::Bool, role.clone(), &span),
                };
                if let Expr::Var(v) = self.q.exprs[first.0 as usize] {
                    self.leaf_var.insert(n, v);
                }
                Ok(s)
            }
            NodeKind::Bool(b) => Ok(Sym::S(self.konst(Const::Bool(*b)))),
            NodeKind::BitVec { width, value } => Ok(Sym::S(self.konst(Const::BitVec { width: *width, value: *value }))),
            NodeKind::Num(v) => {
                let c = match self.rty(n)? {
                    RTy::Int | RTy::Opaque => Const::Int(*v),
                    RTy::Bool => Const::Bool(*v != 0),
                    RTy::Bv(w) => {
                        let mask = if w >= 128 { u128::MAX } else { (1u128 << w) - 1 };
                        Const::BitVec { width: w, value: (*v as u128) & mask }
                    }
                    other => {
                        return Err(Stop::Error(format!("integer literal of type {}", other.show(self.p)), span))
                    }
                };
                Ok(Sym::S(self.konst(c)))
            }
            NodeKind::Field(name, x) => {
                let xs = self.lower(*x)?;
                match xs {
                    Sym::Struct(fs) => fs
                        .into_iter()
                        .find(|(f, _)| f == name)
                        .map(|(_, s)| s)
                        .ok_or_else(|| Stop::Error(format!("no field `{name}`"), span)),
                    _ => Err(Stop::Error(format!("field `{name}` of a non-struct"), span)),
                }
            }
            NodeKind::IsVariant(variant, x) => {
                let ty = self.enum_type_of(*x)?;
                let idx = self.variant_index(ty, variant, &span)?;
                let Sym::Enum { tag, tag_width, .. } = self.lower(*x)? else {
                    return Err(Stop::Error("discriminator of a non-enum".into(), span));
                };
                let k = self.konst(Const::BitVec { width: tag_width, value: idx as u128 });
                Ok(Sym::S(self.mk(Expr::Eq(tag, k))))
            }
            NodeKind::VariantField { x, variant, index } => {
                let ty = self.enum_type_of(*x)?;
                let idx = self.variant_index(ty, variant, &span)?;
                self.variant_field_types(ty, idx, &span)?;
                let Sym::Enum { fields, .. } = self.lower(*x)? else {
                    return Err(Stop::Error("variant field of a non-enum".into(), span));
                };
                fields[idx].get(*index).cloned().ok_or_else(|| Stop::Error("variant field index".into(), span))
            }
            NodeKind::MakeStruct(fields) => {
                let RTy::Struct(order) = self.rty(n)? else {
                    return Err(Stop::Error("struct literal of non-struct type".into(), span));
                };
                let mut out = Vec::new();
                for (fname, _) in &order {
                    let (_, v) = fields
                        .iter()
                        .find(|(f, _)| f == fname)
                        .ok_or_else(|| Stop::Error(format!("struct literal lacks field `{fname}`"), span.clone()))?;
                    out.push((fname.clone(), self.lower(*v)?));
                }
                Ok(Sym::Struct(out))
            }
            NodeKind::MakeEnum { variant, args } => {
                let ty = self.enum_type_of(n)?;
                let idx = self.variant_index(ty, variant, &span)?;
                self.variant_field_types(ty, idx, &span)?;
                // Fields of the other variants are unconstrained.
                let Sym::Enum { tag_width, mut fields, .. } =
                    self.fresh(&RTy::Enum(ty), &format!("{}.{variant}", self.p.type_name(ty)), VarRole::Internal, &span, 0)?
                else {
                    unreachable!()
                };
                let mut vals = Vec::new();
                for a in args {
                    vals.push(self.lower(*a)?);
                }
                fields[idx] = vals;
                let tag = self.konst(Const::BitVec { width: tag_width, value: idx as u128 });
                Ok(Sym::Enum { tag, tag_width, fields })
            }
            NodeKind::Switch { on, cases } => {
                let on_s = self.lower(*on)?;
                let (_, last) = cases.last().unwrap();
                let mut acc = self.lower(*last)?;
                for (k, v) in cases.iter().rev().skip(1) {
                    let ks = self.lower(*k)?;
                    let c = self.eq_sym(&on_s, &ks, &span)?;
                    let vs = self.lower(*v)?;
                    acc = self.ite_sym(c, &vs, &acc, &span)?;
                }
                Ok(acc)
            }
            NodeKind::Match { on, arms } => {
                let ty = self.enum_type_of(*on)?;
                let Sym::Enum { tag, tag_width, .. } = self.lower(*on)? else {
                    return Err(Stop::Error("match on a non-enum".into(), span));
                };
                let (_, last) = arms.last().ok_or_else(|| Stop::Error("match without arms".into(), span.clone()))?;
                let mut acc = self.lower(*last)?;
                for (variant, body) in arms.iter().rev().skip(1) {
                    let idx = self.variant_index(ty, variant, &span)?;
                    let k = self.konst(Const::BitVec { width: tag_width, value: idx as u128 });
                    let c = self.mk(Expr::Eq(tag, k));
                    let b = self.lower(*body)?;
                    acc = self.ite_sym(c, &b, &acc, &span)?;
                }
                Ok(acc)
            }
            NodeKind::Op(op, args) => self.lower_op(n, op, args, &span),
        }
    }
}
