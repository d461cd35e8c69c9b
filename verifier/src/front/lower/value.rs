//! Lowered values: a struct is its fields, an enum a tag plus the fields of
//! every variant, so equality and `if` between them become formulas over
//! their scalars.

use super::{Lowerer, R};
use crate::front::types::{concrete_isle_type, enum_variants, RTy};
use crate::front::walk::Stop;
use crate::ir::{self, Const, Expr, ExprId, Sort, VarRole};
use crate::span::Span;

/// A lowered value.
#[derive(Clone, Debug)]
pub(super) enum Sym {
    S(ExprId),
    Struct(Vec<(String, Sym)>),
    Enum { tag: ExprId, tag_width: u32, fields: Vec<Vec<Sym>> },
}

/// Maximum nesting of enum fields inside enums (recursive models).
const MAX_ENUM_DEPTH: u32 = 3;

fn tag_width(n: usize) -> u32 {
    let mut w = 1;
    while (1usize << w) < n {
        w += 1;
    }
    w
}

impl<'a> Lowerer<'a> {
    pub(super) fn fresh(&mut self, ty: &RTy, name: &str, role: VarRole, span: &Span, depth: u32) -> R<Sym> {
        Ok(match ty {
            RTy::Bool => Sym::S(self.var(name.into(), Sort::Bool, role, span)),
            RTy::Int | RTy::Opaque => Sym::S(self.var(name.into(), Sort::Int, role, span)),
            RTy::Bv(w) => Sym::S(self.var(name.into(), Sort::BitVec(*w), role, span)),
            RTy::Struct(fs) => {
                let mut out = Vec::new();
                for (f, t) in fs {
                    out.push((f.clone(), self.fresh(t, &format!("{name}.{f}"), role.clone(), span, depth)?));
                }
                Sym::Struct(out)
            }
            RTy::Enum(ty) => {
                if depth >= MAX_ENUM_DEPTH {
                    return Err(Stop::Unsupported(
                        format!("enum `{}` nested too deeply", self.p.type_name(*ty)),
                        span.clone(),
                    ));
                }
                let variants = enum_variants(self.p, *ty);
                let tw = tag_width(variants.len());
                let tag = self.var(format!("{name}.tag"), Sort::BitVec(tw), role.clone(), span);
                if variants.len() < (1usize << tw) {
                    let n = self.konst(Const::BitVec { width: tw, value: variants.len() as u128 });
                    let lt = self.mk(Expr::BvCmp(ir::BvCmpOp::Ult, tag, n));
                    self.well_formed.push((lt, span.clone()));
                }
                let mut fields = Vec::new();
                for (vname, fnames, ftys) in &variants {
                    let mut vf = Vec::new();
                    for (fname, fty) in fnames.iter().zip(ftys) {
                        // A field whose model has no fixed width is only a
                        // problem where a spec reads or builds it (see
                        // `variant_field_type`); until then it is an opaque
                        // value, so enum equality stays exact.
                        let rt = concrete_isle_type(self.p, *fty).unwrap_or(RTy::Opaque);
                        vf.push(self.fresh(&rt, &format!("{name}.{vname}.{fname}"), role.clone(), span, depth + 1)?);
                    }
                    fields.push(vf);
                }
                Sym::Enum { tag, tag_width: tw, fields }
            }
        })
    }

    pub(super) fn first_scalar(s: &Sym) -> Option<ExprId> {
        match s {
            Sym::S(e) => Some(*e),
            Sym::Struct(fs) => fs.iter().find_map(|(_, f)| Self::first_scalar(f)),
            Sym::Enum { tag, .. } => Some(*tag),
        }
    }

    pub(super) fn scalar(&self, s: &Sym, span: &Span) -> R<ExprId> {
        match s {
            Sym::S(e) => Ok(*e),
            _ => Err(Stop::Error("composite value used where a scalar is expected".into(), span.clone())),
        }
    }

    pub(super) fn and(&mut self, xs: Vec<ExprId>) -> ExprId {
        match xs.len() {
            0 => self.konst(Const::Bool(true)),
            1 => xs[0],
            _ => self.mk(Expr::And(xs)),
        }
    }

    pub(super) fn eq_sym(&mut self, a: &Sym, b: &Sym, span: &Span) -> R<ExprId> {
        match (a, b) {
            (Sym::S(x), Sym::S(y)) => Ok(self.mk(Expr::Eq(*x, *y))),
            (Sym::Struct(fa), Sym::Struct(fb)) => {
                let mut parts = Vec::new();
                for (n, x) in fa {
                    let y = &fb.iter().find(|(m, _)| m == n).ok_or_else(|| Stop::Error("struct shape".into(), span.clone()))?.1;
                    parts.push(self.eq_sym(x, y, span)?);
                }
                Ok(self.and(parts))
            }
            (Sym::Enum { tag: ta, tag_width, fields: fa }, Sym::Enum { tag: tb, fields: fb, .. }) => {
                let mut parts = vec![self.mk(Expr::Eq(*ta, *tb))];
                for (i, (va, vb)) in fa.iter().zip(fb).enumerate() {
                    if va.is_empty() {
                        continue;
                    }
                    let mut eqs = Vec::new();
                    for (x, y) in va.iter().zip(vb) {
                        eqs.push(self.eq_sym(x, y, span)?);
                    }
                    let all = self.and(eqs);
                    let k = self.konst(Const::BitVec { width: *tag_width, value: i as u128 });
                    let is = self.mk(Expr::Eq(*ta, k));
                    parts.push(self.mk(Expr::Imp(is, all)));
                }
                Ok(self.and(parts))
            }
            _ => Err(Stop::Error("equality between values of different shapes".into(), span.clone())),
        }
    }

    pub(super) fn ite_sym(&mut self, c: ExprId, t: &Sym, e: &Sym, span: &Span) -> R<Sym> {
        Ok(match (t, e) {
            (Sym::S(x), Sym::S(y)) => Sym::S(self.mk(Expr::Ite(c, *x, *y))),
            (Sym::Struct(ft), Sym::Struct(fe)) => {
                let mut out = Vec::new();
                for ((n, x), (_, y)) in ft.iter().zip(fe) {
                    out.push((n.clone(), self.ite_sym(c, x, y, span)?));
                }
                Sym::Struct(out)
            }
            (Sym::Enum { tag: tt, tag_width, fields: ft }, Sym::Enum { tag: te, fields: fe, .. }) => {
                let tag = self.mk(Expr::Ite(c, *tt, *te));
                let mut fields = Vec::new();
                for (vt, ve) in ft.iter().zip(fe) {
                    let mut vf = Vec::new();
                    for (x, y) in vt.iter().zip(ve) {
                        vf.push(self.ite_sym(c, x, y, span)?);
                    }
                    fields.push(vf);
                }
                Sym::Enum { tag, tag_width: *tag_width, fields }
            }
            _ => return Err(Stop::Error("conditional between values of different shapes".into(), span.clone())),
        })
    }
}
